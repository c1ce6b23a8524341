//! The ReplicaSet controller: keeps `spec.replicas` pods alive, named `<rs>-<5 random>`;
//! a deleted pod is replaced under a new name; extra pods are deleted, least useful first.

use crate::sim::obj::Ptr;
use super::{adopt, pod_from_template, pod_summaries, PodSummary};
use crate::sim::obj;
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::{DeleteOptions, Sim, Timer, Work};
use serde_json::json;

pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let Some(rs) = sim.store.get(key) else { return };
    if obj::is_deleting(rs) {
        return;
    }
    let uid = obj::uid(rs).to_string();
    let want = obj::i64_at(rs, "/spec/replicas").unwrap_or(1).max(0) as usize;
    let min_ready = obj::i64_at(rs, "/spec/minReadySeconds").unwrap_or(0);
    let rs = rs.clone();
    adopt(sim, &rs, Kind::Pod, |_| true);
    let pods = pod_summaries(sim, &uid, min_ready, None);
    let seen = sim.store.revision();
    let active: Vec<&PodSummary> = pods.iter().filter(|p| !p.deleting && !p.terminal).collect();
    if active.len() < want {
        let template = rs.ptr("/spec/template").cloned().unwrap_or(json!({}));
        for _ in active.len()..want {
            let pod = pod_from_template(&rs, &template, None, &format!("{}-", key.name));
            match sim.create(pod) {
                Ok(p) => sim.record_event(key, "Normal", "SuccessfulCreate", "replicaset-controller", format!("Created pod: {}", obj::name(&p))),
                Err(e) => sim.record_event(key, "Warning", "FailedCreate", "replicaset-controller", format!("Error creating: {e}")),
            }
        }
    } else if active.len() > want {
        // Least useful first: unscheduled, pending, not ready, then the newest.
        let mut ranked: Vec<(u8, std::cmp::Reverse<&str>, &ObjKey)> = active
            .iter()
            .map(|p| {
                let rank = if !p.scheduled { 0 } else if p.pending { 1 } else if !p.running_ready { 2 } else { 3 };
                (rank, std::cmp::Reverse(p.created.as_str()), &p.key)
            })
            .collect();
        ranked.sort();
        let doomed: Vec<ObjKey> = ranked.into_iter().take(active.len() - want).map(|(_, _, k)| k.clone()).collect();
        for k in doomed {
            if sim.delete(&k, DeleteOptions::default()).is_ok() {
                sim.record_event(key, "Normal", "SuccessfulDelete", "replicaset-controller", format!("Deleted pod: {}", k.name));
            }
        }
    }
    // Status from the pods as they are now.
    let pods = if sim.store.revision() == seen { pods } else { pod_summaries(sim, &uid, min_ready, None) };
    let live: Vec<&PodSummary> = pods.iter().filter(|p| !p.terminal && !p.deleting).collect();
    let ready = live.iter().filter(|p| p.running_ready).count();
    let available = live.iter().filter(|p| p.available).count();
    if let Some(ms) = live.iter().filter_map(|p| p.available_in_ms).min() {
        sim.schedule(ms + 1, Timer::Requeue(Work::ReplicaSet(key.clone())));
    }
    let generation = obj::i64_at(&rs, "/metadata/generation").unwrap_or(1);
    let mut status = json!({"replicas": live.len(), "fullyLabeledReplicas": live.len(), "observedGeneration": generation});
    if ready > 0 {
        status["readyReplicas"] = json!(ready);
    }
    if available > 0 {
        status["availableReplicas"] = json!(available);
    }
    if rs.get("status") != Some(&status) {
        sim.modify(key, |o| o["status"] = status);
    }
}
