//! The ReplicaSet controller: keeps `spec.replicas` pods alive, named `<rs>-<5 random>`;
//! a deleted pod is replaced under a new name; extra pods are deleted, least useful first.

use super::{adopt, pod_from_template, pod_summaries, PodSummary};
use crate::jv;
use crate::sim::obj;
use crate::sim::obj::Ptr;
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::{DeleteOptions, Sim, Timer, Work};
use serde_json::Value;

// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let Some(rs) = sim.store.get(key) else { return };
    if obj::is_deleting(rs) {
        return;
    }
    let uid = obj::uid(rs).to_string();
    let want = obj::i64_at(rs, "/spec/replicas").unwrap_or(1).max(0) as usize;
    let min_ready = obj::i64_at(rs, "/spec/minReadySeconds").unwrap_or(0);
    let rs = rs.clone();
    // The controller hears of a new bare pod through its informer, after the scheduler has
    // bound it: an unscheduled orphan younger than that is left for a moment, so a surplus pod
    // the ReplicaSet adopts is deleted gracefully (`Terminating`, as the ReplicaSet page shows
    // for pod1 and pod2), not at once as an unscheduled pod is.
    let young: Vec<String> = sim
        .store
        .orphans(Kind::Pod, &key.ns)
        .filter_map(|k| sim.store.get(k))
        .filter(|p| obj::str_at(p, "/spec/nodeName").is_none())
        .filter(|p| {
            obj::str_at(p, "/metadata/creationTimestamp")
                .and_then(|t| sim.ms_since(t))
                .is_none_or(|ms| ms < ADOPTION_LATENCY_MS as i64)
        })
        .map(|p| obj::name(p).to_string())
        .collect();
    release(sim, &rs, &uid);
    adopt(sim, &rs, Kind::Pod, |n| !young.iter().any(|y| y == n));
    if !young.is_empty() {
        sim.schedule(ADOPTION_LATENCY_MS, Timer::Requeue(Work::ReplicaSet(key.clone())));
    }
    if min_ready <= 0 {
        // The store's index has the counts; the pods themselves are read only to scale down.
        let live = sim.store.owner_pods(&uid).map_or(0, |op| op.live);
        if live < want {
            create_pods(sim, key, &rs, want - live);
        } else if live > want {
            let pods = pod_summaries(sim, &uid, 0);
            scale_down(sim, key, &pods, live - want);
        }
        let (live, ready) = sim.store.owner_pods(&uid).map_or((0, 0), |op| (op.live, op.live_ready));
        write_status(sim, key, &rs, live, ready, ready);
        return;
    }
    let pods = pod_summaries(sim, &uid, min_ready);
    let seen = sim.store.revision();
    let active: Vec<&PodSummary> = pods.iter().filter(|p| !p.deleting && !p.terminal).collect();
    if active.len() < want {
        create_pods(sim, key, &rs, want - active.len());
    } else if active.len() > want {
        scale_down(sim, key, &pods, active.len() - want);
    }
    // Status from the pods as they are now.
    let pods = if sim.store.revision() == seen { pods } else { pod_summaries(sim, &uid, min_ready) };
    let live: Vec<&PodSummary> = pods.iter().filter(|p| !p.terminal && !p.deleting).collect();
    let ready = live.iter().filter(|p| p.running_ready).count();
    let available = live.iter().filter(|p| p.available).count();
    if let Some(ms) = live.iter().filter_map(|p| p.available_in_ms).min() {
        sim.schedule(ms + 1, Timer::Requeue(Work::ReplicaSet(key.clone())));
    }
    write_status(sim, key, &rs, live.len(), ready, available);
}

/// `ClaimPods`' release: a pod it controls whose labels no longer match its selector loses
/// its ownerReference (the ReplicaSet page's "Isolating Pods from a ReplicaSet"), and the
/// ReplicaSet makes a replacement. Only the pods whose labels left (`Sim::releases`) are
/// looked at, not all of its pods.
fn release(sim: &mut Sim, rs: &Value, uid: &str) {
    let gone: Vec<ObjKey> = sim.releases.iter().filter(|k| !sim.store.contains(k)).cloned().collect();
    for k in gone {
        sim.releases.remove(&k);
    }
    let mine: Vec<ObjKey> = sim
        .releases
        .iter()
        .filter(|k| sim.store.get(k).and_then(obj::controller_ref).is_some_and(|r| obj::str_at(r, "/uid") == Some(uid)))
        .cloned()
        .collect();
    let sel = rs.ptr("/spec/selector").map(crate::sim::labels::Selector::from_label_selector);
    for k in mine {
        sim.releases.remove(&k);
        let Some(p) = sim.store.get(&k) else { continue };
        if obj::is_deleting(p) || sel.as_ref().is_none_or(|s| s.matches_obj(p)) {
            continue;
        }
        sim.modify(&k, |o| {
            let refs: Vec<Value> = obj::arr_at(o, "/metadata/ownerReferences")
                .iter()
                .filter(|r| obj::str_at(r, "/uid") != Some(uid))
                .cloned()
                .collect();
            let meta = obj::meta_mut(o);
            match refs.is_empty() {
                true => meta.remove("ownerReferences"),
                false => meta.insert("ownerReferences".into(), jv!(refs)),
            };
        });
    }
}

/// How long after a bare pod appears the controller acts on it (informer delivery).
const ADOPTION_LATENCY_MS: u64 = 1000;

/// The most pods one sync creates (the controller's `burstReplicas`).
const BURST_REPLICAS: usize = 500;

/// manageReplicas: at most `BURST_REPLICAS` pods, in slow-start batches of 1, 2, 4, ... that
/// stop at the first batch with a failure (each failure a FailedCreate event). After a failure
/// the sync fails and the work queue tries again after its rate limit (5 ms doubling, at most
/// 1000 s, and the queue's bucket); a sync that creates what it wanted forgets the back-off.
fn create_pods(sim: &mut Sim, key: &ObjKey, rs: &Value, n: usize) {
    // k8s-diff: a pod's change enqueues its ReplicaSet at once (`queue.Add`), so the real
    // controller tries again on each pod event and its recorder's EventCorrelator folds the
    // repeated FailedCreate events; the model has no correlator, and waits out the back-off.
    if sim.requeue_at.get(key).is_some_and(|t| sim.now().ms() < *t) {
        return;
    }
    let template = rs.ptr("/spec/template").cloned().unwrap_or(jv!({}));
    let (mut left, mut batch, mut failed) = (n.min(BURST_REPLICAS), 1, false);
    while left > 0 && !failed {
        batch = batch.min(left);
        for _ in 0..batch {
            let pod = pod_from_template(rs, &template, None, &format!("{}-", key.name));
            let (ty, reason, message) = match sim.create(pod) {
                Ok(p) => ("Normal", "SuccessfulCreate", format!("Created pod: {}", obj::name(&p))),
                Err(e) => {
                    failed = true;
                    ("Warning", "FailedCreate", format!("Error creating: {e}"))
                }
            };
            sim.record_event(key, ty, reason, "replicaset-controller", message);
        }
        left -= batch;
        batch *= 2;
    }
    if !failed {
        super::forget(sim, key);
        return;
    }
    super::requeue_rate_limited(sim, key, Work::ReplicaSet(key.clone()));
}

/// Deletes `n` pods, least useful first: unscheduled, pending, not ready, then the newest.
fn scale_down(sim: &mut Sim, key: &ObjKey, pods: &[PodSummary], n: usize) {
    let mut ranked: Vec<(u8, std::cmp::Reverse<&str>, &ObjKey)> = pods
        .iter()
        .filter(|p| !p.deleting && !p.terminal)
        .map(|p| {
            let rank = if !p.scheduled {
                0
            } else if p.pending {
                1
            } else if !p.running_ready {
                2
            } else {
                3
            };
            (rank, std::cmp::Reverse(p.created.as_str()), &p.key)
        })
        .collect();
    crate::support::sort::sort(&mut ranked);
    let doomed: Vec<ObjKey> = ranked.into_iter().take(n).map(|(_, _, k)| k.clone()).collect();
    for k in doomed {
        if sim.delete(&k, DeleteOptions::default()).is_ok() {
            sim.record_event(
                key,
                "Normal",
                "SuccessfulDelete",
                "replicaset-controller",
                format!("Deleted pod: {}", k.name),
            );
        }
    }
}

fn write_status(sim: &mut Sim, key: &ObjKey, rs: &Value, live: usize, ready: usize, available: usize) {
    let generation = obj::i64_at(rs, "/metadata/generation").unwrap_or(1);
    let mut status = jv!({"replicas": live, "fullyLabeledReplicas": live, "observedGeneration": generation});
    if ready > 0 {
        status["readyReplicas"] = jv!(ready);
    }
    if available > 0 {
        status["availableReplicas"] = jv!(available);
    }
    if sim.store.get(key).and_then(|o| o.get("status")) != Some(&status) {
        sim.modify(key, |o| o["status"] = status);
    }
}
