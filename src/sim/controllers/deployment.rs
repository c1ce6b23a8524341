//! The Deployment controller: a ReplicaSet `<deploy>-<pod-template-hash>` per pod template,
//! RollingUpdate (maxSurge, maxUnavailable) and Recreate, rollback re-using an old
//! ReplicaSet, revision annotations and history clean-up.

use super::{adopt, owned};
use crate::jv;
use crate::sim::obj;
use crate::sim::obj::Ptr;
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::{names, DeleteOptions, Sim, Timer, Work};
use serde_json::Value;

const HASH_LABEL: &str = "pod-template-hash";
const REVISION: &str = "deployment.kubernetes.io/revision";

/// Resolves an int-or-percent against `total` (percent rounded up for surge, down otherwise).
fn int_or_percent(v: Option<&Value>, total: i64, round_up: bool) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) if s.ends_with('%') => {
            let p: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            if round_up {
                (p * total + 99) / 100
            } else {
                p * total / 100
            }
        }
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

fn template_without_hash(t: &Value) -> Value {
    let mut t = t.clone();
    obj::remove(&mut t, &format!("/metadata/labels/{HASH_LABEL}"));
    t
}

fn replicas(o: &Value) -> i64 {
    obj::i64_at(o, "/spec/replicas").unwrap_or(0)
}

fn revision_of(o: &Value) -> i64 {
    obj::annotation(o, REVISION).and_then(|r| r.parse().ok()).unwrap_or(0)
}

fn scale(sim: &mut Sim, d_key: &ObjKey, rs_key: &ObjKey, to: i64, desired: i64, max_surge: i64) {
    let Some(rs) = sim.store.get(rs_key).cloned() else { return };
    let from = replicas(&rs);
    if from == to {
        return;
    }
    sim.modify(rs_key, |o| {
        obj::set(o, "/spec/replicas", jv!(to));
        obj::set_annotation(o, "deployment.kubernetes.io/desired-replicas", &desired.to_string());
        obj::set_annotation(o, "deployment.kubernetes.io/max-replicas", &(desired + max_surge).to_string());
    });
    let dir = if to > from { "up" } else { "down" };
    let msg = if sim.profile.server_minor() >= 26 {
        format!("Scaled {dir} replica set {} from {from} to {to}", rs_key.name)
    } else {
        format!("Scaled {dir} replica set {} to {to}", rs_key.name)
    };
    sim.record_event(d_key, "Normal", "ScalingReplicaSet", "deployment-controller", msg);
}

pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let Some(d) = sim.store.get(key).cloned() else { return };
    if obj::is_deleting(&d) {
        return;
    }
    let uid = obj::uid(&d).to_string();
    adopt(sim, &d, Kind::ReplicaSet, |_| true);
    let all = owned(sim, Kind::ReplicaSet, &uid);
    let template = d.ptr("/spec/template").cloned().unwrap_or(jv!({}));
    let desired = replicas(&d).max(0);
    let strategy = obj::str_at(&d, "/spec/strategy/type").unwrap_or("RollingUpdate").to_string();
    let max_surge = if strategy == "RollingUpdate" {
        int_or_percent(d.ptr("/spec/strategy/rollingUpdate/maxSurge"), desired, true)
    } else {
        0
    };
    let mut max_unavailable = if strategy == "RollingUpdate" {
        int_or_percent(d.ptr("/spec/strategy/rollingUpdate/maxUnavailable"), desired, false)
    } else {
        0
    };
    if max_surge == 0 && max_unavailable == 0 {
        max_unavailable = 1;
    }
    let max_rev = all.iter().map(|(_, r)| revision_of(r)).max().unwrap_or(0);
    let new_rs = all
        .iter()
        .find(|(_, r)| r.ptr("/spec/template").map(template_without_hash) == Some(template_without_hash(&template)))
        .cloned();
    let olds: Vec<(ObjKey, Value)> =
        all.iter().filter(|(k, _)| new_rs.as_ref().is_none_or(|(nk, _)| nk != k)).cloned().collect();
    let old_pods: i64 = olds.iter().map(|(_, r)| obj::i64_at(r, "/status/replicas").unwrap_or(0)).sum();
    let paused = obj::bool_at(&d, "/spec/paused").unwrap_or(false);

    let new_key = match new_rs {
        Some((k, r)) => {
            if revision_of(&r) < max_rev && !paused {
                // Rolling back to an earlier template re-uses its ReplicaSet under a new revision.
                let rev = (max_rev + 1).to_string();
                sim.modify(&k, |o| obj::set_annotation(o, REVISION, &rev));
            }
            // `SetNewReplicaSetAnnotations`: the new ReplicaSet follows the Deployment's own
            // annotations (`kubectl annotate deploy ... kubernetes.io/change-cause=...`).
            let copied = copied_annotations(&d);
            let current = sim
                .store
                .get(&k)
                .and_then(|r| r.ptr("/metadata/annotations"))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            if copied.iter().any(|(a, v)| current.get(a) != Some(v)) {
                sim.modify(&k, |o| {
                    for (a, v) in &copied {
                        obj::set_annotation(o, a, v.as_str().unwrap_or(""));
                    }
                });
            }
            Some(k)
        }
        None if paused => None,
        None => {
            let collision = obj::i64_at(&d, "/status/collisionCount").map(|c| c as u32);
            let hash = names::pod_template_hash(&template, collision);
            let name = format!("{}-{hash}", key.name);
            let mut t = template.clone();
            obj::set_label(&mut t, HASH_LABEL, &hash);
            let mut sel = d.ptr("/spec/selector").cloned().unwrap_or(jv!({}));
            obj::set(&mut sel, &format!("/matchLabels/{HASH_LABEL}"), jv!(hash));
            let start = if strategy == "Recreate" {
                if old_pods == 0 {
                    desired
                } else {
                    0
                }
            } else {
                let current: i64 = all.iter().map(|(_, r)| replicas(r)).sum();
                if all.is_empty() {
                    desired
                } else {
                    (desired + max_surge - current).clamp(0, desired)
                }
            };
            let labels = t.ptr("/metadata/labels").cloned().unwrap_or(jv!({}));
            let mut annotations = copied_annotations(&d);
            for (k, v) in [
                ("deployment.kubernetes.io/desired-replicas", desired.to_string()),
                ("deployment.kubernetes.io/max-replicas", (desired + max_surge).to_string()),
                (REVISION, (max_rev + 1).to_string()),
            ] {
                annotations.insert(k.to_string(), jv!(v));
            }
            let rs = jv!({"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":name,"namespace":key.ns,"labels":labels,
                "annotations":annotations,
                "ownerReferences":[obj::owner_ref(&d, true)]},
                "spec":{"replicas":0,"selector":sel,"template":t,"minReadySeconds":obj::i64_at(&d, "/spec/minReadySeconds").unwrap_or(0)}});
            let nk = ObjKey::new(Kind::ReplicaSet, &key.ns, &name);
            match sim.create(rs) {
                Ok(_) => {
                    scale(sim, key, &nk, start, desired, max_surge);
                    Some(nk)
                }
                Err(_) => {
                    // A ReplicaSet of that name with another template: count the collision, retry.
                    let c = collision.unwrap_or(0) as i64 + 1;
                    sim.modify(key, |o| obj::set(o, "/status/collisionCount", jv!(c)));
                    None
                }
            }
        }
    };

    if !paused {
        if let Some(nk) = &new_key {
            let new = sim.store.get(nk).cloned().unwrap_or(Value::Null);
            if strategy == "Recreate" {
                for (k, _) in &olds {
                    scale(sim, key, k, 0, desired, 0);
                }
                let remaining: i64 = olds
                    .iter()
                    .filter_map(|(k, _)| sim.store.get(k))
                    .map(|r| obj::i64_at(r, "/status/replicas").unwrap_or(0))
                    .sum();
                if remaining == 0 {
                    scale(sim, key, nk, desired, desired, 0);
                }
            } else {
                rolling(sim, key, nk, &new, &olds, desired, max_surge, max_unavailable);
            }
        } else {
            // Paused with no ReplicaSet for this template: only proportional scaling of what exists.
        }
    }
    cleanup(sim, &d, &uid, new_key.as_ref());
    status(sim, key, &uid, new_key.as_ref(), desired);
}

#[allow(clippy::too_many_arguments)]
fn rolling(
    sim: &mut Sim,
    key: &ObjKey,
    nk: &ObjKey,
    new: &Value,
    olds: &[(ObjKey, Value)],
    desired: i64,
    max_surge: i64,
    max_unavailable: i64,
) {
    // Scale the new ReplicaSet up within the surge.
    let all_spec: i64 = replicas(new) + olds.iter().filter_map(|(k, _)| sim.store.get(k)).map(replicas).sum::<i64>();
    let new_replicas = replicas(new);
    if new_replicas > desired {
        scale(sim, key, nk, desired, desired, max_surge);
    } else if new_replicas < desired {
        let max_total = desired + max_surge;
        if all_spec < max_total {
            let up = (max_total - all_spec).min(desired - new_replicas);
            scale(sim, key, nk, new_replicas + up, desired, max_surge);
        }
    }
    // Scale old ReplicaSets down while enough pods stay available.
    let new = sim.store.get(nk).cloned().unwrap_or(Value::Null);
    let olds: Vec<(ObjKey, Value)> =
        olds.iter().filter_map(|(k, _)| sim.store.get(k).map(|v| (k.clone(), v.clone()))).collect();
    let old_count: i64 = olds.iter().map(|(_, r)| replicas(r)).sum();
    if old_count == 0 {
        return;
    }
    let all_count: i64 = replicas(&new) + old_count;
    let min_available = desired - max_unavailable;
    let new_unavailable = replicas(&new) - obj::i64_at(&new, "/status/availableReplicas").unwrap_or(0);
    let mut max_down = all_count - min_available - new_unavailable;
    if max_down <= 0 {
        return;
    }
    let mut olds_sorted = olds.clone();
    crate::support::sort::sort_by(&mut olds_sorted, |a, b| {
        obj::str_at(&a.1, "/metadata/creationTimestamp")
            .cmp(&obj::str_at(&b.1, "/metadata/creationTimestamp"))
            .then(a.0.name.cmp(&b.0.name))
    });
    // First the old replicas that are not available anyway.
    for (k, r) in &olds_sorted {
        if max_down <= 0 {
            break;
        }
        let unavailable = replicas(r) - obj::i64_at(r, "/status/availableReplicas").unwrap_or(0);
        if unavailable <= 0 {
            continue;
        }
        let down = unavailable.min(max_down);
        scale(sim, key, k, replicas(r) - down, desired, max_surge);
        max_down -= down;
    }
    let olds: Vec<(ObjKey, Value)> =
        olds_sorted.iter().filter_map(|(k, _)| sim.store.get(k).map(|v| (k.clone(), v.clone()))).collect();
    let available: i64 = obj::i64_at(&new, "/status/availableReplicas").unwrap_or(0)
        + olds.iter().map(|(_, r)| obj::i64_at(r, "/status/availableReplicas").unwrap_or(0)).sum::<i64>();
    let mut can_down = (available - min_available).min(max_down.max(0));
    for (k, r) in &olds {
        if can_down <= 0 {
            break;
        }
        let down = replicas(r).min(can_down);
        if down > 0 {
            scale(sim, key, k, replicas(r) - down, desired, max_surge);
            can_down -= down;
        }
    }
}

fn cleanup(sim: &mut Sim, d: &Value, uid: &str, new_key: Option<&ObjKey>) {
    let limit = obj::i64_at(d, "/spec/revisionHistoryLimit").unwrap_or(10).max(0) as usize;
    if sim.store.dependents_of_kind(uid, Kind::ReplicaSet).count() <= limit + 1 {
        return;
    }
    let mut old: Vec<(i64, ObjKey)> = sim
        .store
        .dependents_of_kind(uid, Kind::ReplicaSet)
        .filter_map(|k| sim.store.get(k).map(|r| (k, r)))
        .filter(|(k, r)| {
            Some(*k) != new_key
                && obj::controller_uid(r) == Some(uid)
                && replicas(r) == 0
                && obj::i64_at(r, "/status/replicas").unwrap_or(0) == 0
        })
        .map(|(k, r)| (revision_of(r), k.clone()))
        .collect();
    crate::support::sort::sort(&mut old);
    if old.len() > limit {
        for (_, k) in old.iter().take(old.len() - limit) {
            let _ = sim.delete(k, DeleteOptions::default());
        }
    }
}

/// The Deployment's annotations a ReplicaSet carries (`copyDeploymentAnnotationsToReplicaSet`):
/// all but the last-applied configuration and the controller's own.
fn copied_annotations(d: &Value) -> serde_json::Map<String, Value> {
    const SKIP: &[&str] = &[
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION,
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        "deprecated.deployment.rollback.to",
    ];
    // Inserted one by one, not collected: collecting into a map sorts, and that would be the
    // page's second copy of the standard library's stable sort (see support::sort).
    let mut out = serde_json::Map::new();
    for (k, v) in d.ptr("/metadata/annotations").and_then(Value::as_object).into_iter().flatten() {
        if !SKIP.contains(&k.as_str()) {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// The Progressing condition (`syncRolloutStatus`): complete, or progressing whenever the
/// rollout moved (more updated, ready or available replicas, fewer old ones; `lastUpdateTime`
/// is then now), or, when it has not moved for `progressDeadlineSeconds`, False with
/// `ProgressDeadlineExceeded`. The controller looks again when the deadline passes.
#[allow(clippy::too_many_arguments)]
fn progressing_condition(
    sim: &mut Sim,
    key: &ObjKey,
    d: &Value,
    prev: &Value,
    complete: bool,
    new_name: &str,
    (updated, total, ready, available): (i64, i64, i64, i64),
    ts: &str,
) -> Value {
    let old = obj::arr_at(prev, "/conditions").iter().find(|c| obj::str_at(c, "/type") == Some("Progressing")).cloned();
    let was_true = old.as_ref().is_some_and(|c| obj::str_at(c, "/status") == Some("True"));
    let kept_transition = |c: &Option<Value>| {
        if was_true {
            c.as_ref().and_then(|c| c.get("lastTransitionTime")).cloned().unwrap_or(jv!(ts))
        } else {
            jv!(ts)
        }
    };
    let p = |f: &str| obj::i64_at(prev, f).unwrap_or(0);
    // A new rollout (the condition speaks of another ReplicaSet, or of a finished one) is progress.
    let another = old.as_ref().is_some_and(|c| {
        obj::str_at(c, "/reason") == Some("NewReplicaSetAvailable")
            || !obj::str_at(c, "/message").unwrap_or("").contains(&format!("\"{new_name}\""))
    });
    let moved = another
        || updated > p("/updatedReplicas")
        || total - updated < p("/replicas") - p("/updatedReplicas")
        || ready > p("/readyReplicas")
        || available > p("/availableReplicas");
    let deadline_s = obj::i64_at(d, "/spec/progressDeadlineSeconds").unwrap_or(600);
    if complete {
        // `SetDeploymentCondition` leaves a condition of the same status and reason alone.
        if let Some(c) =
            old.as_ref().filter(|c| obj::str_at(c, "/reason") == Some("NewReplicaSetAvailable") && was_true)
        {
            return c.clone();
        }
        return jv!({"type":"Progressing","status":"True","lastUpdateTime":ts,"lastTransitionTime":kept_transition(&old),"reason":"NewReplicaSetAvailable","message":format!("ReplicaSet \"{new_name}\" has successfully progressed.")});
    }
    let timed_out = old
        .as_ref()
        .filter(|c| obj::str_at(c, "/reason") != Some("ProgressDeadlineExceeded"))
        .and_then(|c| obj::str_at(c, "/lastUpdateTime"))
        .and_then(|t| sim.ms_since(t))
        .is_some_and(|ms| ms > deadline_s * 1000);
    // Look again once the deadline could have passed (one pending look per Deployment).
    let check_at = |sim: &mut Sim, from_ms: u64| {
        let due = from_ms + deadline_s.max(0) as u64 * 1000 + 1000;
        let now = sim.now().ms();
        if sim.progress_checks.get(key).is_some_and(|&t| t >= due && t > now) || due <= now {
            return;
        }
        sim.progress_checks.insert(key.clone(), due);
        sim.schedule(due - now, Timer::Requeue(Work::Deployment(key.clone())));
    };
    match (&old, moved) {
        (Some(c), false) if !timed_out => {
            if obj::str_at(c, "/reason") != Some("ProgressDeadlineExceeded") {
                let since = obj::str_at(c, "/lastUpdateTime").and_then(|t| sim.ms_since(t)).unwrap_or(0).max(0) as u64;
                let from = sim.now().ms().saturating_sub(since);
                check_at(sim, from);
            }
            c.clone()
        }
        (Some(_), false) => {
            jv!({"type":"Progressing","status":"False","lastUpdateTime":ts,"lastTransitionTime":ts,"reason":"ProgressDeadlineExceeded","message":format!("ReplicaSet \"{new_name}\" has timed out progressing.")})
        }
        _ => {
            let now = sim.now().ms();
            check_at(sim, now);
            jv!({"type":"Progressing","status":"True","lastUpdateTime":ts,"lastTransitionTime":kept_transition(&old),"reason":"ReplicaSetUpdated","message":format!("ReplicaSet \"{new_name}\" is progressing.")})
        }
    }
}

fn status(sim: &mut Sim, key: &ObjKey, uid: &str, new_key: Option<&ObjKey>, desired: i64) {
    let rss: Vec<&Value> = sim
        .store
        .dependents_of_kind(uid, Kind::ReplicaSet)
        .filter_map(|k| sim.store.get(k))
        .filter(|r| obj::controller_uid(r) == Some(uid))
        .collect();
    let sum = |f: &str| rss.iter().map(|r| obj::i64_at(r, f).unwrap_or(0)).sum::<i64>();
    let total = sum("/status/replicas");
    let ready = sum("/status/readyReplicas");
    let available = sum("/status/availableReplicas");
    let max_rev = rss.iter().map(|r| revision_of(r)).max().unwrap_or(0);
    let updated =
        new_key.and_then(|k| sim.store.get(k)).map(|r| obj::i64_at(r, "/status/replicas").unwrap_or(0)).unwrap_or(0);
    let Some(d) = sim.store.get(key).cloned() else { return };
    let max_unavailable = int_or_percent(d.ptr("/spec/strategy/rollingUpdate/maxUnavailable"), desired, false);
    let ts = sim.timestamp();
    let is_available = available >= desired - max_unavailable;
    let prev = d.get("status").cloned().unwrap_or(jv!({}));
    let cond_time = |ty: &str, st: &str| -> (Value, Value) {
        let old = obj::arr_at(&prev, "/conditions")
            .iter()
            .find(|c| c.get("type").and_then(Value::as_str) == Some(ty))
            .cloned();
        match old {
            Some(c) if c.get("status").and_then(Value::as_str) == Some(st) => (
                c.get("lastTransitionTime").cloned().unwrap_or(jv!(ts)),
                c.get("lastUpdateTime").cloned().unwrap_or(jv!(ts)),
            ),
            _ => (jv!(ts), jv!(ts)),
        }
    };
    let (at, au) = cond_time("Available", if is_available { "True" } else { "False" });
    let complete = updated == desired && total == desired && available == desired;
    let new_name = new_key.map(|k| k.name.clone()).unwrap_or_default();
    let progressing =
        progressing_condition(sim, key, &d, &prev, complete, &new_name, (updated, total, ready, available), &ts);
    let mut st = jv!({"observedGeneration": obj::i64_at(&d, "/metadata/generation").unwrap_or(1), "replicas": total, "updatedReplicas": updated,
    "conditions": [
        {"type":"Available","status": if is_available {"True"} else {"False"},"lastUpdateTime":au,"lastTransitionTime":at,
         "reason": if is_available {"MinimumReplicasAvailable"} else {"MinimumReplicasUnavailable"},
         "message": if is_available {"Deployment has minimum availability."} else {"Deployment does not have minimum availability."}},
        progressing
    ]});
    if ready > 0 {
        st["readyReplicas"] = jv!(ready);
    }
    if available > 0 {
        st["availableReplicas"] = jv!(available);
    }
    if desired - available > 0 && total > 0 {
        st["unavailableReplicas"] = jv!((total.max(desired)) - available);
    }
    if let Some(c) = prev.get("collisionCount") {
        st["collisionCount"] = c.clone();
    }
    sim.modify(key, |o| {
        o["status"] = st;
        if max_rev > 0 {
            obj::set_annotation(o, REVISION, &max_rev.to_string());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percentages_round_as_the_controller_does() {
        assert_eq!(int_or_percent(Some(&json!("25%")), 3, true), 1);
        assert_eq!(int_or_percent(Some(&json!("25%")), 3, false), 0);
        assert_eq!(int_or_percent(Some(&json!("25%")), 10, true), 3);
        assert_eq!(int_or_percent(Some(&json!(2)), 10, false), 2);
    }
}
