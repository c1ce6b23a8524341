//! The StatefulSet controller (reference §2): pods `<sts>-<ordinal>` created in order
//! (OrderedReady) or all at once (Parallel), PVCs `<template>-<sts>-<ordinal>` made before their
//! pod, scale-down from the highest ordinal one at a time, ControllerRevisions and the
//! RollingUpdate/OnDelete strategies, the PVC retention policy, and adoption of orphans.

use super::{adopt, owned};
use crate::jv;
use crate::sim::obj;
use crate::sim::obj::Ptr;
use crate::sim::podindex::{self, OwnerPods};
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::time::SimTime;
use crate::sim::{names, DeleteOptions, Sim, Timer, Work};
use crate::support::collections::VecSet;
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
    // The compact JSON that `Display` writes: the same bytes as `to_vec`, one serializer in the page.
    let bytes = data.to_string().into_bytes();
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
    // KEP-4017 (PodIndexLabel): the StatefulSet controller's `apps.kubernetes.io/pod-index`
    // label, beta and on by default from v1.28.
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
    // Every claim there and not being deleted (the usual case, checked for each pending pod
    // on each sync): nothing to do, and no copy of the templates.
    let templates = obj::arr_at(sts, "/spec/volumeClaimTemplates");
    if templates.iter().all(|t| {
        let ck = ObjKey::new(Kind::PersistentVolumeClaim, &key.ns, &claim_name(t, &key.name, ord));
        sim.store.get(&ck).is_some_and(|c| !obj::is_deleting(c))
    }) {
        return true;
    }
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

/// Creates replica `ord` (its claims first). False when that failed: the sync fails, and the
/// work queue tries again after its per-item back-off (5 ms doubling, at most 1000 s), so the
/// pod comes back once its claim is gone or there is room under the quota.
fn create_pod(sim: &mut Sim, key: &ObjKey, sts: &Value, ord: i64, rev: &str) -> bool {
    if !create_claims(sim, key, sts, ord) {
        back_off(sim, key);
        return false;
    }
    let pod = new_pod(sim, sts, ord, rev);
    let name = obj::name(&pod).to_string();
    match sim.create(pod) {
        Ok(_) => {
            super::forget(sim, key);
            sim.record_event(
                key,
                "Normal",
                "SuccessfulCreate",
                "statefulset-controller",
                format!("create Pod {name} in StatefulSet {} successful", key.name),
            );
            true
        }
        Err(e) => {
            sim.record_event(
                key,
                "Warning",
                "FailedCreate",
                "statefulset-controller",
                format!("create Pod {name} in StatefulSet {} failed error: {e}", key.name),
            );
            back_off(sim, key);
            false
        }
    }
}

/// A failed sync: the set is tried again after the work queue's rate limit.
fn back_off(sim: &mut Sim, key: &ObjKey) {
    super::requeue_rate_limited(sim, key, Work::StatefulSet(key.clone()));
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

/// One sync pass (§2.3): `updateStatefulSet` of pkg/controller/statefulset/stateful_set_control.go
/// (v1.26), answered from the store's pod index rather than a walk over every pod.
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let Some(sts) = sim.store.get(key).cloned() else { return };
    let set_name = key.name.clone();
    if !obj::is_deleting(&sts) {
        adopt(sim, &sts, Kind::Pod, |n| names::parse_ordinal(n).is_some_and(|(p, _)| p == set_name));
    }
    let (current_rev, update_rev) =
        if obj::is_deleting(&sts) { (String::new(), String::new()) } else { revisions(sim, key, &sts) };
    let sts = sim.store.get(key).cloned().unwrap_or(sts);
    let set = SetPods::new(sim, key, &sts, current_rev, update_rev);
    // k8s-diff: a pod relabelled out of the selector stays counted until it is deleted;
    // the real controller releases it (drops its ownerReference).
    if !obj::is_deleting(&sts) {
        let stopped = process_replicas(sim, &set) || process_condemned(sim, &set);
        if !stopped && set.strategy == "RollingUpdate" {
            rolling_update(sim, &set);
        }
    }
    write_status(sim, &set);
}

/// What one pass knows of its set: the spec's numbers, its two revisions and the clock.
struct SetPods<'a> {
    key: &'a ObjKey,
    sts: &'a Value,
    uid: String,
    /// Ordinals in `[start, end)` are replicas; the others are condemned.
    start: i64,
    end: i64,
    /// OrderedReady: `!allowsBurst(set)`.
    monotonic: bool,
    strategy: String,
    partition: i64,
    current_rev: String,
    update_rev: String,
    /// `spec.minReadySeconds` in milliseconds (0: a Ready pod is available).
    min_ready_ms: i64,
    /// Unix milliseconds now.
    now_ms: i64,
}

impl<'a> SetPods<'a> {
    fn new(sim: &Sim, key: &'a ObjKey, sts: &'a Value, current_rev: String, update_rev: String) -> SetPods<'a> {
        let replicas = obj::i64_at(sts, "/spec/replicas").unwrap_or(1).max(0);
        let start = obj::i64_at(sts, "/spec/ordinals/start").unwrap_or(0).max(0);
        SetPods {
            key,
            sts,
            uid: obj::uid(sts).to_string(),
            start,
            end: start + replicas,
            monotonic: obj::str_at(sts, "/spec/podManagementPolicy") != Some("Parallel"),
            strategy: obj::str_at(sts, "/spec/updateStrategy/type").unwrap_or("RollingUpdate").to_string(),
            partition: obj::i64_at(sts, "/spec/updateStrategy/rollingUpdate/partition").unwrap_or(0).max(0),
            current_rev,
            update_rev,
            min_ready_ms: obj::i64_at(sts, "/spec/minReadySeconds").unwrap_or(0).max(0).saturating_mul(1000),
            now_ms: sim.unix_at(SimTime::ZERO) * 1000 + sim.now().ms() as i64,
        }
    }

    fn pods<'s>(&self, sim: &'s Sim) -> Option<&'s OwnerPods> {
        sim.store.owner_pods(&self.uid)
    }

    /// `newVersionedStatefulSetPod`: below the partition a new pod gets the current revision.
    fn rev_for(&self, ord: i64) -> &str {
        if self.strategy == "RollingUpdate" && ord < self.start + self.partition {
            &self.current_rev
        } else {
            &self.update_rev
        }
    }
}

/// A pod of the set as the index knows it.
#[derive(Clone)]
struct Slot {
    key: ObjKey,
    deleting: bool,
    terminal: bool,
    pending: bool,
    /// `isHealthy`: Running and Ready, not terminating (nor finished).
    healthy: bool,
    /// Healthy and `isRunningAndAvailable(pod, minReadySeconds)` (stateful_set_utils.go).
    available: bool,
}

fn slot(sim: &Sim, set: &SetPods, ord: i64) -> Option<Slot> {
    let op = set.pods(sim)?;
    let key = op.ordinals.get(&ord)?;
    let f = op.pods.get(key)?;
    let healthy = f.running_ready && !f.deleting && !f.terminal;
    Some(Slot {
        key: key.clone(),
        deleting: f.deleting,
        terminal: f.terminal,
        pending: f.pending,
        healthy,
        available: healthy && podindex::available_at(podindex::ready_second(f), set.now_ms, set.min_ready_ms),
    })
}

/// §2.3 steps 7–8, the replicas (`processReplica`, stateful_set_control.go v1.26). Returns
/// true when the pass stops here.
fn process_replicas(sim: &mut Sim, set: &SetPods) -> bool {
    if !set.monotonic {
        return process_burst(sim, set);
    }
    // OrderedReady: the lowest replica that is missing, not Running and Ready (or terminating,
    // or finished), or Ready but not yet available for minReadySeconds stops the pass
    // (`processReplica`: `!isRunningAndReady && monotonic`, then
    // `!isRunningAndAvailable(replicas[i], set.Spec.MinReadySeconds) && monotonic`). So the next
    // ordinal is created, and a rolling update moves down, only once every lower one is available.
    let blocked = match set.pods(sim) {
        Some(op) => first_blocked(op, set),
        None => Some(set.start).filter(|s| *s < set.end),
    };
    let Some(m) = blocked else { return false };
    match slot(sim, set, m) {
        None => {
            create_pod(sim, set.key, set.sts, m, set.rev_for(m));
        }
        Some(p) if p.terminal => {
            if !p.deleting {
                delete_pod(sim, set.key, &p.key);
            }
        }
        Some(p) if p.pending && !p.deleting && !obj::arr_at(set.sts, "/spec/volumeClaimTemplates").is_empty() => {
            create_claims(sim, set.key, set.sts, m);
        }
        // Terminating, not yet Ready, or not yet available: wait. A pod's next change wakes the
        // set, and `write_status` requeues it for the moment the first waiting pod turns available.
        Some(_) => {}
    }
    true
}

/// The lowest ordinal in `[start, end)` that is missing, unhealthy or not yet available.
fn first_blocked(op: &OwnerPods, set: &SetPods) -> Option<i64> {
    let missing = Some(op.first_missing(set.start)).filter(|m| *m < set.end);
    let unhealthy = op.unhealthy.range(set.start..set.end).next().copied();
    let waiting = op
        .not_yet_available(set.now_ms, set.min_ready_ms)
        .filter_map(|(_, k)| op.pods.get(k)?.ordinal)
        .filter(|o| (set.start..set.end).contains(o))
        .min();
    [missing, unhealthy, waiting].into_iter().flatten().min()
}

/// Parallel: every missing replica is created at once, finished ones are deleted, pending ones
/// get their claims. `processReplica` checks availability only in monotonic mode.
#[inline(never)]
fn process_burst(sim: &mut Sim, set: &SetPods) -> bool {
    let (start, end) = (set.start, set.end);
    // runForAll: slow-start batches of 1, 2, 4, ...; a batch with a failure ends the pass.
    let (mut cursor, mut batch, mut failed) = (start, 1, false);
    while !failed {
        for _ in 0..batch {
            let m = set.pods(sim).map_or(cursor, |op| op.first_missing(cursor));
            if m >= end {
                break;
            }
            failed |= !create_pod(sim, set.key, set.sts, m, set.rev_for(m));
            cursor = m + 1;
        }
        if cursor >= end || set.pods(sim).is_some_and(|op| op.first_missing(cursor) >= end) {
            break;
        }
        batch *= 2;
    }
    if failed {
        return true;
    }
    let has_claims = !obj::arr_at(set.sts, "/spec/volumeClaimTemplates").is_empty();
    let seen = sim.claims_seen.get(&set.uid).filter(|c| c.lost == sim.store.claims_lost);
    let (terminal, pending): (Vec<i64>, Vec<i64>) = match set.pods(sim) {
        Some(op) => (
            op.terminal.range(start..end).copied().collect(),
            if has_claims {
                op.pending.range(start..end).filter(|o| !seen.is_some_and(|c| c.ords.contains(o))).copied().collect()
            } else {
                Vec::new()
            },
        ),
        None => (Vec::new(), Vec::new()),
    };
    if set.pods(sim).is_none_or(|op| op.pending.is_empty()) {
        sim.claims_seen.remove(&set.uid);
    }
    let mut stop = false;
    for o in terminal {
        if let Some(p) = slot(sim, set, o) {
            if !p.deleting {
                delete_pod(sim, set.key, &p.key);
            }
            stop = true;
        }
    }
    for o in pending {
        if create_claims(sim, set.key, set.sts, o) {
            claims_exist(sim, set, o);
        }
    }
    stop
}

/// The pending replicas of a set whose claims it has seen exist, while no claim has gone since
/// (`Store::claims_lost`). Each sync of a Parallel set looks at every pending pod's claims
/// (`processReplica`'s `createMissingPersistentVolumeClaims`); these need no second look.
#[derive(Clone, Debug, Default)]
pub(crate) struct ClaimsSeen {
    lost: u64,
    ords: VecSet<i64>,
}

fn claims_exist(sim: &mut Sim, set: &SetPods, ord: i64) {
    let lost = sim.store.claims_lost;
    let seen = sim.claims_seen.entry(set.uid.clone()).or_default();
    if seen.lost != lost {
        *seen = ClaimsSeen { lost, ords: VecSet::new() };
    }
    seen.ords.insert(ord);
}

/// §2.3 step 9, the condemned pods, highest ordinal first (`processCondemned`,
/// stateful_set_control.go v1.26). Returns true when the pass stops here.
#[inline(never)]
fn process_condemned(sim: &mut Sim, set: &SetPods) -> bool {
    let condemned: Vec<i64> = match set.pods(sim) {
        Some(op) => {
            op.ordinals.range(set.end..).rev().chain(op.ordinals.range(..set.start).rev()).map(|(o, _)| *o).collect()
        }
        None => Vec::new(),
    };
    if condemned.is_empty() {
        return false;
    }
    let when_scaled =
        obj::str_at(set.sts, "/spec/persistentVolumeClaimRetentionPolicy/whenScaled").unwrap_or("Retain").to_string();
    // `firstUnhealthyPod` is found with `isHealthy` (Ready, not terminating): the lowest one.
    let first_unhealthy = condemned.iter().rev().find(|o| slot(sim, set, **o).is_some_and(|p| !p.healthy)).copied();
    for ord in condemned {
        let Some(p) = slot(sim, set, ord) else { continue };
        if p.deleting {
            if set.monotonic {
                return true;
            }
            continue;
        }
        // Monotonic: a pod not Running and Ready, or not yet available, blocks the scale-down
        // unless it is the first unhealthy one (`!isRunningAndReady(...) && monotonic && ...
        // != firstUnhealthyPod`, then the same with `!isRunningAndAvailable`).
        if set.monotonic && !p.available && first_unhealthy != Some(ord) {
            return true;
        }
        if when_scaled == "Delete" {
            claims_follow_pod(sim, set.key, set.sts, ord, &p.key);
        }
        delete_pod(sim, set.key, &p.key);
        if set.monotonic {
            return true;
        }
    }
    false
}

/// whenScaled: Delete — the claims get the condemned pod as owner, so the GC removes them after it.
#[inline(never)]
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

/// RollingUpdate (§2.6): replace old-revision pods from the highest ordinal down, keeping at
/// most maxUnavailable (default 1) replicas unavailable. Unavailable here is `!isHealthy`, as in
/// v1.26's update loop; with OrderedReady, [`process_replicas`] has already stopped the pass while
/// the last updated pod is not yet available for minReadySeconds, so the update waits for it.
#[inline(never)]
fn rolling_update(sim: &mut Sim, set: &SetPods) {
    let (start, end) = (set.start, set.end);
    let replicas = end - start;
    let max_unavailable = match set.sts.ptr("/spec/updateStrategy/rollingUpdate/maxUnavailable") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(1).max(1),
        Some(Value::String(s)) if s.ends_with('%') => {
            (s.trim_end_matches('%').parse::<i64>().unwrap_or(0) * replicas / 100).max(1)
        }
        _ => 1,
    };
    let Some(op) = set.pods(sim) else { return };
    if op.rev_live.get(&set.update_rev).copied().unwrap_or(0) == op.live {
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
        .range(start + set.partition..end)
        .rev()
        .filter_map(|(_, k)| op.pods.get(k))
        .filter(|f| f.revision.as_deref() != Some(set.update_rev.as_str()) && !f.deleting)
        .take(budget as usize)
        .map(|f| f.key.clone())
        .collect();
    for k in doomed {
        delete_pod(sim, set.key, &k);
    }
}

/// The counts the status reports (`computeReplicaStatus`, stateful_set_control.go v1.26).
#[derive(Clone, Copy)]
struct Counts {
    count: i64,
    ready: i64,
    available: i64,
    current: i64,
    updated: i64,
}

fn write_status(sim: &mut Sim, set: &SetPods) {
    let (counts, wake_in) = match set.pods(sim) {
        Some(op) => {
            // Ready pods not yet Ready for minReadySeconds: ready, not available.
            let waiting: Vec<i64> = op.not_yet_available(set.now_ms, set.min_ready_ms).map(|(s, _)| s).collect();
            let counts = Counts {
                count: op.pods.len() as i64,
                ready: op.ready as i64,
                available: (op.live_ready - waiting.len()) as i64,
                current: op.rev_live.get(&set.current_rev).copied().unwrap_or(0) as i64,
                updated: op.rev_live.get(&set.update_rev).copied().unwrap_or(0) as i64,
            };
            // The earliest is last (latest first); NEVER sorts after every real second.
            let wake_in =
                waiting.last().filter(|s| **s != podindex::NEVER).map(|s| s * 1000 + set.min_ready_ms - set.now_ms);
            (counts, wake_in)
        }
        None => (Counts { count: 0, ready: 0, available: 0, current: 0, updated: 0 }, None),
    };
    // k8s-diff: `syncStatefulSet` (stateful_set.go) requeues the set minReadySeconds after any
    // sync that leaves availableReplicas short, and `updatePod` minReadySeconds + 1 s after a pod
    // turns Ready; the model wakes the set once, 1 ms after the first waiting pod turns available.
    if let Some(ms) = wake_in {
        sim.schedule(ms.max(0) as u64 + 1, Timer::Requeue(Work::StatefulSet(set.key.clone())));
    }
    status_from_counts(sim, set, &counts);
    prune_revisions(sim, set.sts, &set.uid, &set.current_rev, &set.update_rev);
}

/// §2.3 step 2 and `completeRollingUpdate`: the status block from the counts.
fn status_from_counts(sim: &mut Sim, set: &SetPods, c: &Counts) {
    let (key, sts, current_rev, update_rev) = (set.key, set.sts, set.current_rev.as_str(), set.update_rev.as_str());
    let Counts { count, ready, available, current, updated } = *c;
    let replicas = set.end - set.start;
    let strategy = set.strategy.as_str();
    let mut st = jv!({"observedGeneration": obj::i64_at(sts, "/metadata/generation").unwrap_or(1), "replicas": count, "collisionCount": 0});
    if ready > 0 {
        st["readyReplicas"] = jv!(ready);
    }
    // `status.availableReplicas` came with KEP-2599 (StatefulSet minReadySeconds) in v1.22.
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
