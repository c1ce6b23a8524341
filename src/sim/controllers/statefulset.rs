//! The StatefulSet controller (reference §2): pods `<sts>-<ordinal>` created in order
//! (OrderedReady) or all at once (Parallel), PVCs `<template>-<sts>-<ordinal>` made before their
//! pod, scale-down from the highest ordinal one at a time, ControllerRevisions and the
//! RollingUpdate/OnDelete strategies, the PVC retention policy, and adoption of orphans.

use super::{adopt, owned, pod_summaries, PodSummary};
use crate::jv;
use crate::sim::labels::Selector;
use crate::sim::obj;
use crate::sim::obj::Ptr;
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::{names, DeleteOptions, Sim, Timer, Work};
use crate::support::collections::VecMap;
use serde_json::Value;

/// The revision object's data: the template under a `$patch: replace` directive.
fn revision_data(sts: &Value) -> Value {
    let mut t = sts.ptr("/spec/template").cloned().unwrap_or(jv!({}));
    if let Some(m) = t.as_object_mut() {
        m.insert("$patch".into(), jv!("replace"));
    }
    jv!({"spec": {"template": t}})
}

/// Finds or creates the update revision; returns (current revision name, update revision name).
fn revisions(sim: &mut Sim, key: &ObjKey, sts: &Value) -> (String, String) {
    let uid = obj::uid(sts).to_string();
    let generation = obj::i64_at(sts, "/metadata/generation").unwrap_or(0);
    // The template only changes with the generation: reuse the last answer while its revision exists.
    if let Some((g, name)) = sim.revision_cache.get(&uid) {
        if *g == generation && sim.store.contains(&ObjKey::new(Kind::ControllerRevision, &key.ns, name)) {
            let update = name.clone();
            let current = obj::str_at(sts, "/status/currentRevision")
                .filter(|c| !c.is_empty())
                .map(String::from)
                .unwrap_or_else(|| update.clone());
            return (current, update);
        }
    }
    let (current, update) = compute_revisions(sim, key, sts, &uid);
    sim.revision_cache.insert(uid, (generation, update.clone()));
    (current, update)
}

fn compute_revisions(sim: &mut Sim, key: &ObjKey, sts: &Value, uid: &str) -> (String, String) {
    let uid = uid.to_string();
    let data = revision_data(sts);
    let bytes = serde_json::to_vec(&data).unwrap_or_default();
    let collision = obj::i64_at(sts, "/status/collisionCount").unwrap_or(0) as u32;
    let hash = names::revision_hash(&bytes, collision);
    let mut revs = owned(sim, Kind::ControllerRevision, &uid);
    crate::support::sort::sort_by_key(&mut revs, |(_, r)| obj::i64_at(r, "/revision").unwrap_or(0));
    let max_rev = revs.last().map(|(_, r)| obj::i64_at(r, "/revision").unwrap_or(0)).unwrap_or(0);
    let same = revs
        .iter()
        .find(|(_, r)| r.get("data") == Some(&data))
        .map(|(k, r)| (k.clone(), obj::i64_at(r, "/revision").unwrap_or(0)));
    let update_name = match same {
        Some((k, rev)) => {
            if rev != max_rev {
                sim.modify(&k, |r| r["revision"] = jv!(max_rev + 1));
            }
            k.name
        }
        None => {
            let name = format!("{}-{hash}", key.name);
            let mut labels = sts.ptr("/spec/selector/matchLabels").cloned().unwrap_or(jv!({}));
            if !labels.is_object() {
                labels = jv!({});
            }
            labels["controller.kubernetes.io/hash"] = jv!(hash);
            let mut cr = jv!({"apiVersion":"apps/v1","kind":"ControllerRevision","metadata":{"name":name,"namespace":key.ns,"labels":labels,"ownerReferences":[obj::owner_ref(sts, true)]},
                "data":data,"revision":max_rev + 1});
            // `newRevision` copies the StatefulSet's annotations (a change-cause among them).
            if let Some(a) = sts.ptr("/metadata/annotations").filter(|a| a.as_object().is_some_and(|m| !m.is_empty())) {
                cr["metadata"]["annotations"] = a.clone();
            }
            let _ = sim.create(cr);
            name
        }
    };
    let current = obj::str_at(sts, "/status/currentRevision")
        .filter(|c| !c.is_empty())
        .map(String::from)
        .unwrap_or_else(|| update_name.clone());
    (current, update_name)
}

fn template_of_revision(sim: &Sim, ns: &str, rev: &str, sts: &Value) -> Value {
    sim.store
        .get(&ObjKey::new(Kind::ControllerRevision, ns, rev))
        .and_then(|r| r.ptr("/data/spec/template").cloned())
        .map(|mut t| {
            if let Some(m) = t.as_object_mut() {
                m.remove("$patch");
            }
            t
        })
        .unwrap_or_else(|| sts.ptr("/spec/template").cloned().unwrap_or(jv!({})))
}

fn claim_name(template: &Value, sts_name: &str, ord: i64) -> String {
    format!("{}-{sts_name}-{ord}", obj::name(template))
}

/// Builds pod `<sts>-<ord>` at a revision (§2.2).
fn new_pod(sim: &Sim, sts: &Value, ord: i64, rev: &str) -> Value {
    let name = format!("{}-{ord}", obj::name(sts));
    let template = template_of_revision(sim, obj::namespace(sts), rev, sts);
    let mut pod = super::pod_from_template(sts, &template, Some(&name), &format!("{}-", obj::name(sts)));
    obj::set_label(&mut pod, "controller-revision-hash", rev);
    obj::set_label(&mut pod, "statefulset.kubernetes.io/pod-name", &name);
    if sim.profile.server_minor() >= 28 {
        obj::set_label(&mut pod, "apps.kubernetes.io/pod-index", &ord.to_string());
    }
    obj::set(&mut pod, "/spec/hostname", jv!(name));
    if let Some(svc) = obj::str_at(sts, "/spec/serviceName").filter(|s| !s.is_empty()) {
        obj::set(&mut pod, "/spec/subdomain", jv!(svc));
    }
    let vcts = obj::arr_at(sts, "/spec/volumeClaimTemplates").to_vec();
    if !vcts.is_empty() {
        let mut vols: Vec<Value> = obj::arr_at(&pod, "/spec/volumes")
            .iter()
            .filter(|v| !vcts.iter().any(|t| obj::name(t) == v.get("name").and_then(Value::as_str).unwrap_or("")))
            .cloned()
            .collect();
        for t in &vcts {
            vols.push(
                jv!({"name": obj::name(t), "persistentVolumeClaim": {"claimName": claim_name(t, obj::name(sts), ord)}}),
            );
        }
        obj::set(&mut pod, "/spec/volumes", jv!(vols));
    }
    pod
}

/// Creates the pod's missing claims. Returns false if a claim is being deleted.
fn create_claims(sim: &mut Sim, key: &ObjKey, sts: &Value, ord: i64) -> bool {
    let pod_name = format!("{}-{ord}", key.name);
    let when_deleted =
        obj::str_at(sts, "/spec/persistentVolumeClaimRetentionPolicy/whenDeleted").unwrap_or("Retain").to_string();
    for t in obj::arr_at(sts, "/spec/volumeClaimTemplates").to_vec() {
        let name = claim_name(&t, &key.name, ord);
        let ck = ObjKey::new(Kind::PersistentVolumeClaim, &key.ns, &name);
        if let Some(c) = sim.store.get(&ck) {
            if obj::is_deleting(c) {
                sim.record_event(
                    key,
                    "Warning",
                    "FailedCreate",
                    "statefulset-controller",
                    format!(
                        "create Pod {pod_name} in StatefulSet {} failed error: pvc {name} is being deleted",
                        key.name
                    ),
                );
                return false;
            }
            continue;
        }
        let mut labels = t.ptr("/metadata/labels").cloned().unwrap_or(jv!({}));
        if !labels.is_object() {
            labels = jv!({});
        }
        if let Some(m) = sts.ptr("/spec/selector/matchLabels").and_then(Value::as_object) {
            for (k, v) in m {
                labels[k] = v.clone();
            }
        }
        let mut meta = jv!({"name": name, "namespace": key.ns, "labels": labels});
        if let Some(a) = t.ptr("/metadata/annotations") {
            meta["annotations"] = a.clone();
        }
        if when_deleted == "Delete" {
            meta["ownerReferences"] = jv!([obj::owner_ref(sts, true)]);
        }
        let spec = t.get("spec").cloned().unwrap_or(jv!({}));
        let pvc = jv!({"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":meta,"spec":spec});
        match sim.create(pvc) {
            Ok(_) => sim.record_event(
                key,
                "Normal",
                "SuccessfulCreate",
                "statefulset-controller",
                format!("create Claim {name} Pod {pod_name} in StatefulSet {} success", key.name),
            ),
            Err(e) => {
                sim.record_event(
                    key,
                    "Warning",
                    "FailedCreate",
                    "statefulset-controller",
                    format!("create Claim {name} for Pod {pod_name} in StatefulSet {} failed error: {e}", key.name),
                );
                return false;
            }
        }
    }
    true
}

fn create_pod(sim: &mut Sim, key: &ObjKey, sts: &Value, ord: i64, rev: &str) {
    if !create_claims(sim, key, sts, ord) {
        // The sync failed: the work queue tries again after its per-item back-off (5 ms
        // doubling, at most 1000 s), so the pod comes back once its claim is gone.
        let n = {
            let n = sim.retries.entry(key.clone()).or_insert(0);
            *n += 1;
            *n
        };
        sim.schedule((5u64 << n.min(18)).min(1_000_000), Timer::Requeue(Work::StatefulSet(key.clone())));
        return;
    }
    sim.retries.remove(key);
    let pod = new_pod(sim, sts, ord, rev);
    let name = obj::name(&pod).to_string();
    match sim.create(pod) {
        Ok(_) => sim.record_event(
            key,
            "Normal",
            "SuccessfulCreate",
            "statefulset-controller",
            format!("create Pod {name} in StatefulSet {} successful", key.name),
        ),
        Err(e) => sim.record_event(
            key,
            "Warning",
            "FailedCreate",
            "statefulset-controller",
            format!("create Pod {name} in StatefulSet {} failed error: {e}", key.name),
        ),
    }
}

fn delete_pod(sim: &mut Sim, key: &ObjKey, pod: &ObjKey) {
    if sim.delete(pod, DeleteOptions::default()).is_ok() {
        sim.record_event(
            key,
            "Normal",
            "SuccessfulDelete",
            "statefulset-controller",
            format!("delete Pod {} in StatefulSet {} successful", pod.name, key.name),
        );
    }
}

/// One sync pass (§2.3).
pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let Some(sts) = sim.store.get(key).cloned() else { return };
    let uid = obj::uid(&sts).to_string();
    let set_name = key.name.clone();
    if !obj::is_deleting(&sts) {
        adopt(sim, &sts, Kind::Pod, |n| names::parse_ordinal(n).is_some_and(|(p, _)| p == set_name));
    }
    let (current_rev, update_rev) =
        if obj::is_deleting(&sts) { (String::new(), String::new()) } else { revisions(sim, key, &sts) };
    let sts = sim.store.get(key).cloned().unwrap_or(sts);
    let replicas = obj::i64_at(&sts, "/spec/replicas").unwrap_or(1).max(0);
    let start = obj::i64_at(&sts, "/spec/ordinals/start").unwrap_or(0).max(0);
    let end = start + replicas;
    let min_ready = obj::i64_at(&sts, "/spec/minReadySeconds").unwrap_or(0);
    let monotonic = obj::str_at(&sts, "/spec/podManagementPolicy") != Some("Parallel");
    let strategy = obj::str_at(&sts, "/spec/updateStrategy/type").unwrap_or("RollingUpdate").to_string();
    let partition = obj::i64_at(&sts, "/spec/updateStrategy/rollingUpdate/partition").unwrap_or(0).max(0);
    if min_ready <= 0 {
        // The common case: no availability delay, so the store's index answers everything.
        // k8s-diff: a pod relabelled out of the selector stays counted until it is deleted;
        // the real controller releases it (drops its ownerReference).
        if !obj::is_deleting(&sts) {
            let stopped = process_indexed(
                sim,
                key,
                &sts,
                &uid,
                start,
                end,
                monotonic,
                &strategy,
                partition,
                &current_rev,
                &update_rev,
            );
            if !stopped && strategy == "RollingUpdate" {
                rolling_update_indexed(sim, key, &sts, &uid, start, end, partition, &update_rev);
            }
        }
        write_status_indexed(sim, key, &sts, &uid, &current_rev, &update_rev, start, end, &strategy);
        return;
    }
    let selector = sts.ptr("/spec/selector").map(Selector::from_label_selector).unwrap_or_default();
    let mut pods = members(sim, &uid, &set_name, min_ready, &selector);
    // Pods are read again only when this pass wrote something.
    let mut seen = sim.store.revision();
    let mut refresh = |sim: &Sim, pods: &mut VecMap<i64, PodSummary>| {
        if sim.store.revision() != seen {
            *pods = members(sim, &uid, &set_name, min_ready, &selector);
            seen = sim.store.revision();
        }
    };
    if !obj::is_deleting(&sts) {
        let stopped =
            process(sim, key, &sts, &pods, start, end, monotonic, &strategy, partition, &current_rev, &update_rev);
        if !stopped && strategy == "RollingUpdate" {
            refresh(sim, &mut pods);
            rolling_update(sim, key, &sts, &pods, start, end, partition, &update_rev);
        }
    }
    refresh(sim, &mut pods);
    write_status(sim, key, &sts, &pods, &current_rev, &update_rev, start, end, &strategy);
}

/// A pod of the set as the index knows it.
#[derive(Clone)]
struct Slot {
    key: ObjKey,
    deleting: bool,
    terminal: bool,
    pending: bool,
    healthy: bool,
}

fn slot(sim: &Sim, uid: &str, ord: i64) -> Option<Slot> {
    let op = sim.store.owner_pods(uid)?;
    let key = op.ordinals.get(&ord)?;
    let f = op.pods.get(key)?;
    Some(Slot {
        key: key.clone(),
        deleting: f.deleting,
        terminal: f.terminal,
        pending: f.pending,
        healthy: f.running_ready && !f.deleting && !f.terminal,
    })
}

/// §2.3 steps 7–9 over the store's index (minReadySeconds = 0): the same decisions as
/// [`process`], found without walking every pod.
#[allow(clippy::too_many_arguments)]
fn process_indexed(
    sim: &mut Sim,
    key: &ObjKey,
    sts: &Value,
    uid: &str,
    start: i64,
    end: i64,
    monotonic: bool,
    strategy: &str,
    partition: i64,
    current_rev: &str,
    update_rev: &str,
) -> bool {
    let rev_for = |ord: i64| {
        if strategy == "RollingUpdate" && ord < start + partition {
            current_rev.to_string()
        } else {
            update_rev.to_string()
        }
    };
    let has_claims = !obj::arr_at(sts, "/spec/volumeClaimTemplates").is_empty();
    if monotonic {
        let (missing, bad) = match sim.store.owner_pods(uid) {
            Some(op) => (op.first_missing(start), op.unhealthy.range(start..end).next().copied()),
            None => (start, None),
        };
        let m = match (missing < end, bad) {
            (true, Some(b)) => Some(missing.min(b)),
            (true, None) => Some(missing),
            (false, b) => b,
        };
        if let Some(m) = m {
            match slot(sim, uid, m) {
                None => create_pod(sim, key, sts, m, &rev_for(m)),
                Some(p) => {
                    if p.terminal {
                        if !p.deleting {
                            delete_pod(sim, key, &p.key);
                        }
                    } else if p.pending && !p.deleting && has_claims {
                        create_claims(sim, key, sts, m);
                    }
                }
            }
            return true;
        }
    } else {
        let mut cursor = start;
        loop {
            let m = sim.store.owner_pods(uid).map_or(cursor, |op| op.first_missing(cursor));
            if m >= end {
                break;
            }
            create_pod(sim, key, sts, m, &rev_for(m));
            cursor = m + 1;
        }
        let (terminal, pending): (Vec<i64>, Vec<i64>) = match sim.store.owner_pods(uid) {
            Some(op) => (
                op.terminal.range(start..end).copied().collect(),
                if has_claims { op.pending.range(start..end).copied().collect() } else { Vec::new() },
            ),
            None => (Vec::new(), Vec::new()),
        };
        let mut stop = false;
        for o in terminal {
            if let Some(p) = slot(sim, uid, o) {
                if !p.deleting {
                    delete_pod(sim, key, &p.key);
                }
                stop = true;
            }
        }
        for o in pending {
            create_claims(sim, key, sts, o);
        }
        if stop {
            return true;
        }
    }
    // Condemned, highest ordinal first.
    let condemned: Vec<i64> = match sim.store.owner_pods(uid) {
        Some(op) => op.ordinals.range(end..).rev().chain(op.ordinals.range(..start).rev()).map(|(o, _)| *o).collect(),
        None => Vec::new(),
    };
    if condemned.is_empty() {
        return false;
    }
    let when_scaled =
        obj::str_at(sts, "/spec/persistentVolumeClaimRetentionPolicy/whenScaled").unwrap_or("Retain").to_string();
    let first_unhealthy = condemned.iter().rev().find(|o| slot(sim, uid, **o).is_some_and(|p| !p.healthy)).copied();
    for ord in condemned {
        let Some(p) = slot(sim, uid, ord) else { continue };
        if p.deleting {
            if monotonic {
                return true;
            }
            continue;
        }
        if monotonic && !p.healthy && first_unhealthy != Some(ord) {
            return true;
        }
        if when_scaled == "Delete" {
            claims_follow_pod(sim, key, sts, ord, &p.key);
        }
        delete_pod(sim, key, &p.key);
        if monotonic {
            return true;
        }
    }
    false
}

/// whenScaled: Delete — the claims get the condemned pod as owner, so the GC removes them after it.
fn claims_follow_pod(sim: &mut Sim, key: &ObjKey, sts: &Value, ord: i64, pod_key: &ObjKey) {
    let Some(pod) = sim.store.get(pod_key).cloned() else { return };
    for t in obj::arr_at(sts, "/spec/volumeClaimTemplates").to_vec() {
        let ck = ObjKey::new(Kind::PersistentVolumeClaim, &key.ns, &claim_name(&t, &key.name, ord));
        let r = obj::owner_ref(&pod, false);
        sim.modify(&ck, |c| {
            obj::meta_mut(c).insert("ownerReferences".into(), jv!([r]));
        });
    }
}

#[allow(clippy::too_many_arguments)]
fn rolling_update_indexed(
    sim: &mut Sim,
    key: &ObjKey,
    sts: &Value,
    uid: &str,
    start: i64,
    end: i64,
    partition: i64,
    update_rev: &str,
) {
    let replicas = end - start;
    let max_unavailable = match sts.ptr("/spec/updateStrategy/rollingUpdate/maxUnavailable") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(1).max(1),
        Some(Value::String(s)) if s.ends_with('%') => {
            (s.trim_end_matches('%').parse::<i64>().unwrap_or(0) * replicas / 100).max(1)
        }
        _ => 1,
    };
    let Some(op) = sim.store.owner_pods(uid) else { return };
    if op.rev_live.get(update_rev).copied().unwrap_or(0) == op.live {
        return;
    }
    let unhealthy = if op.ordinals.range(..start).next().is_none() && op.ordinals.range(end..).next().is_none() {
        op.unhealthy.len()
    } else {
        op.unhealthy.range(start..end).count()
    };
    let healthy_in_range = op.present_in(start, end) as i64 - unhealthy as i64;
    let unavailable = replicas - healthy_in_range;
    if unavailable >= max_unavailable {
        return;
    }
    let budget = max_unavailable - unavailable;
    let doomed: Vec<ObjKey> = op
        .ordinals
        .range(start + partition..end)
        .rev()
        .filter_map(|(_, k)| op.pods.get(k))
        .filter(|f| f.revision.as_deref() != Some(update_rev) && !f.deleting)
        .take(budget as usize)
        .map(|f| f.key.clone())
        .collect();
    for k in doomed {
        delete_pod(sim, key, &k);
    }
}

#[allow(clippy::too_many_arguments)]
fn write_status_indexed(
    sim: &mut Sim,
    key: &ObjKey,
    sts: &Value,
    uid: &str,
    current_rev: &str,
    update_rev: &str,
    start: i64,
    end: i64,
    strategy: &str,
) {
    let (count, ready, available, current, updated) = match sim.store.owner_pods(uid) {
        Some(op) => (
            op.pods.len() as i64,
            op.ready as i64,
            op.live_ready as i64,
            op.rev_live.get(current_rev).copied().unwrap_or(0) as i64,
            op.rev_live.get(update_rev).copied().unwrap_or(0) as i64,
        ),
        None => (0, 0, 0, 0, 0),
    };
    status_from_counts(
        sim,
        key,
        sts,
        count,
        ready,
        available,
        current,
        updated,
        current_rev,
        update_rev,
        end - start,
        strategy,
    );
    prune_revisions(sim, sts, uid, current_rev, update_rev);
}

/// The set's pods by ordinal (names that parse to this set and still match its selector).
fn members(sim: &Sim, uid: &str, set_name: &str, min_ready: i64, selector: &Selector) -> VecMap<i64, PodSummary> {
    pod_summaries(sim, uid, min_ready, Some(selector))
        .into_iter()
        .filter(|p| p.matches)
        .filter_map(|p| match names::parse_ordinal(&p.key.name) {
            Some((parent, ord)) if parent == set_name => Some((ord, p)),
            _ => None,
        })
        .collect()
}

fn healthy(p: &PodSummary) -> bool {
    p.running_ready && !p.deleting && p.available
}

#[allow(clippy::too_many_arguments)]
fn process(
    sim: &mut Sim,
    key: &ObjKey,
    sts: &Value,
    pods: &VecMap<i64, PodSummary>,
    start: i64,
    end: i64,
    monotonic: bool,
    strategy: &str,
    partition: i64,
    current_rev: &str,
    update_rev: &str,
) -> bool {
    let when_scaled =
        obj::str_at(sts, "/spec/persistentVolumeClaimRetentionPolicy/whenScaled").unwrap_or("Retain").to_string();
    // Replicas, ascending.
    let mut first_unhealthy: Option<i64> = None;
    for ord in start..end {
        match pods.get(&ord) {
            None => {
                let rev = if strategy == "RollingUpdate" && ord < start + partition { current_rev } else { update_rev };
                create_pod(sim, key, sts, ord, rev);
                if monotonic {
                    return true;
                }
            }
            Some(p) => {
                if p.terminal {
                    if !p.deleting {
                        delete_pod(sim, key, &p.key);
                    }
                    return true;
                }
                if p.pending && !p.deleting {
                    create_claims(sim, key, sts, ord);
                }
                if !healthy(p) && first_unhealthy.is_none() {
                    first_unhealthy = Some(ord);
                }
                if monotonic {
                    if p.deleting || !p.running_ready {
                        return true;
                    }
                    if !p.available {
                        if let Some(ms) = p.available_in_ms {
                            sim.schedule(ms + 1, Timer::Requeue(Work::StatefulSet(key.clone())));
                        }
                        return true;
                    }
                }
            }
        }
    }
    // Condemned, highest ordinal first.
    let condemned: Vec<(i64, &PodSummary)> =
        pods.iter().rev().filter(|(o, _)| **o < start || **o >= end).map(|(o, p)| (*o, p)).collect();
    let first_unhealthy =
        first_unhealthy.or_else(|| condemned.iter().rev().find(|(_, p)| !healthy(p)).map(|(o, _)| *o));
    for (ord, p) in condemned {
        if p.deleting {
            if monotonic {
                return true;
            }
            continue;
        }
        if monotonic && !healthy(p) && first_unhealthy != Some(ord) {
            return true;
        }
        if when_scaled == "Delete" {
            // The claims go with the pod: the GC deletes them once it is gone.
            if let Some(pod) = sim.store.get(&p.key).cloned() {
                for t in obj::arr_at(sts, "/spec/volumeClaimTemplates").to_vec() {
                    let ck = ObjKey::new(Kind::PersistentVolumeClaim, &key.ns, &claim_name(&t, &key.name, ord));
                    let r = obj::owner_ref(&pod, false);
                    sim.modify(&ck, |c| {
                        obj::meta_mut(c).insert("ownerReferences".into(), jv!([r]));
                    });
                }
            }
        }
        delete_pod(sim, key, &p.key);
        if monotonic {
            return true;
        }
    }
    false
}

/// RollingUpdate (§2.6): replace old-revision pods from the highest ordinal down, keeping at
/// most maxUnavailable (default 1) replicas unavailable.
#[allow(clippy::too_many_arguments)]
fn rolling_update(
    sim: &mut Sim,
    key: &ObjKey,
    sts: &Value,
    pods: &VecMap<i64, PodSummary>,
    start: i64,
    end: i64,
    partition: i64,
    update_rev: &str,
) {
    let replicas = end - start;
    let max_unavailable = match sts.ptr("/spec/updateStrategy/rollingUpdate/maxUnavailable") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(1).max(1),
        Some(Value::String(s)) if s.ends_with('%') => {
            (s.trim_end_matches('%').parse::<i64>().unwrap_or(0) * replicas / 100).max(1)
        }
        _ => 1,
    };
    let unavailable = (start..end).filter(|o| pods.get(o).is_none_or(|p| !healthy(p))).count() as i64;
    if unavailable >= max_unavailable {
        return;
    }
    let mut budget = max_unavailable - unavailable;
    for ord in (start + partition..end).rev() {
        let Some(p) = pods.get(&ord) else { continue };
        if p.revision.as_deref() != Some(update_rev) && !p.deleting {
            delete_pod(sim, key, &p.key);
            budget -= 1;
            if budget == 0 {
                return;
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn write_status(
    sim: &mut Sim,
    key: &ObjKey,
    sts: &Value,
    pods: &VecMap<i64, PodSummary>,
    current_rev: &str,
    update_rev: &str,
    start: i64,
    end: i64,
    strategy: &str,
) {
    let uid = obj::uid(sts).to_string();
    let count = pods.len() as i64;
    let ready = pods.values().filter(|p| p.running_ready).count() as i64;
    let available = pods.values().filter(|p| p.available).count() as i64;
    let current = pods.values().filter(|p| !p.deleting && p.revision.as_deref() == Some(current_rev)).count() as i64;
    let updated = pods.values().filter(|p| !p.deleting && p.revision.as_deref() == Some(update_rev)).count() as i64;
    status_from_counts(
        sim,
        key,
        sts,
        count,
        ready,
        available,
        current,
        updated,
        current_rev,
        update_rev,
        end - start,
        strategy,
    );
    prune_revisions(sim, sts, &uid, current_rev, update_rev);
}

/// §2.3 step 2 and `completeRollingUpdate`: the status block from the counts.
#[allow(clippy::too_many_arguments)]
fn status_from_counts(
    sim: &mut Sim,
    key: &ObjKey,
    sts: &Value,
    count: i64,
    ready: i64,
    available: i64,
    current: i64,
    updated: i64,
    current_rev: &str,
    update_rev: &str,
    replicas: i64,
    strategy: &str,
) {
    let mut st = jv!({"observedGeneration": obj::i64_at(sts, "/metadata/generation").unwrap_or(1), "replicas": count, "collisionCount": 0});
    if ready > 0 {
        st["readyReplicas"] = jv!(ready);
    }
    if sim.profile.server_minor() >= 22 {
        st["availableReplicas"] = jv!(available);
    }
    let (mut cur_rev, mut cur) = (current_rev.to_string(), current);
    if strategy == "RollingUpdate" && updated == count && ready == count && count == replicas && !update_rev.is_empty()
    {
        cur_rev = update_rev.to_string();
        cur = updated;
    }
    if strategy == "OnDelete" && cur_rev.is_empty() {
        cur_rev = update_rev.to_string();
    }
    if cur > 0 {
        st["currentReplicas"] = jv!(cur);
    }
    if updated > 0 {
        st["updatedReplicas"] = jv!(updated);
    }
    if !cur_rev.is_empty() {
        st["currentRevision"] = jv!(cur_rev);
    }
    if !update_rev.is_empty() {
        st["updateRevision"] = jv!(update_rev);
    }
    if sim.store.get(key).and_then(|o| o.get("status")) != Some(&st) {
        sim.modify(key, |o| o["status"] = st);
    }
}

/// Old revisions beyond the history limit that no pod uses go.
fn prune_revisions(sim: &mut Sim, sts: &Value, uid: &str, current_rev: &str, update_rev: &str) {
    let limit = obj::i64_at(sts, "/spec/revisionHistoryLimit").unwrap_or(10).max(0) as usize;
    let n_revs = sim.store.dependents_of_kind(uid, Kind::ControllerRevision).count();
    if n_revs <= limit {
        return;
    }
    let cur_rev = obj::str_at(sts, "/status/currentRevision").unwrap_or(current_rev).to_string();
    let mut revs = owned(sim, Kind::ControllerRevision, uid);
    crate::support::sort::sort_by_key(&mut revs, |(_, r)| obj::i64_at(r, "/revision").unwrap_or(0));
    let in_use: crate::support::collections::VecSet<String> =
        sim.store.controlled_pods(uid).filter_map(|p| p.revision.clone()).collect();
    let removable: Vec<ObjKey> = revs
        .iter()
        .filter(|(k, _)| {
            k.name != cur_rev && k.name != current_rev && k.name != update_rev && !in_use.contains(&k.name)
        })
        .map(|(k, _)| k.clone())
        .collect();
    if removable.len() > limit {
        for k in removable.iter().take(removable.len() - limit) {
            let _ = sim.delete(k, DeleteOptions::default());
        }
    }
}
