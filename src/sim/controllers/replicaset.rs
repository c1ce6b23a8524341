//! The ReplicaSet controller: keeps `spec.replicas` pods alive, named `<rs>-<5 random>`;
//! a deleted pod is replaced under a new name; extra pods are deleted, least useful first.

use super::{adopt, availability, owned, pod_from_template};
use crate::sim::obj;
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::{DeleteOptions, Sim, Timer, Work};
use serde_json::{json, Value};

pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let Some(rs) = sim.store.get(key).cloned() else { return };
    if obj::is_deleting(&rs) {
        return;
    }
    let uid = obj::uid(&rs).to_string();
    adopt(sim, &rs, Kind::Pod, |_| true);
    let pods = owned(sim, Kind::Pod, &uid);
    let active: Vec<&(ObjKey, Value)> = pods.iter().filter(|(_, p)| !obj::is_deleting(p) && !matches!(obj::str_at(p, "/status/phase"), Some("Succeeded") | Some("Failed"))).collect();
    let want = obj::i64_at(&rs, "/spec/replicas").unwrap_or(1).max(0) as usize;
    let template = rs.pointer("/spec/template").cloned().unwrap_or(json!({}));
    if active.len() < want {
        for _ in active.len()..want {
            let pod = pod_from_template(&rs, &template, None, &format!("{}-", key.name));
            match sim.create(pod) {
                Ok(p) => sim.record_event(key, "Normal", "SuccessfulCreate", "replicaset-controller", format!("Created pod: {}", obj::name(&p))),
                Err(e) => sim.record_event(key, "Warning", "FailedCreate", "replicaset-controller", format!("Error creating: {e}")),
            }
        }
    } else if active.len() > want {
        let mut ranked: Vec<(u8, i64, ObjKey)> = active
            .iter()
            .map(|(k, p)| {
                let rank = if obj::str_at(p, "/spec/nodeName").is_none() {
                    0
                } else if obj::str_at(p, "/status/phase") == Some("Pending") {
                    1
                } else if !crate::sim::kubelet::is_running_and_ready(p) {
                    2
                } else {
                    3
                };
                // Newer pods go first among equals.
                let age = obj::str_at(p, "/metadata/creationTimestamp").and_then(|t| sim.ms_since(t)).unwrap_or(0);
                (rank, age, k.clone())
            })
            .collect();
        ranked.sort();
        for (_, _, k) in ranked.into_iter().take(active.len() - want) {
            if sim.delete(&k, DeleteOptions::default()).is_ok() {
                sim.record_event(key, "Normal", "SuccessfulDelete", "replicaset-controller", format!("Deleted pod: {}", k.name));
            }
        }
    }
    // Status from the pods as they are now.
    let pods = owned(sim, Kind::Pod, &uid);
    let min_ready = obj::i64_at(&rs, "/spec/minReadySeconds").unwrap_or(0);
    let live: Vec<&Value> = pods.iter().map(|(_, p)| p).filter(|p| !matches!(obj::str_at(p, "/status/phase"), Some("Succeeded") | Some("Failed")) && !obj::is_deleting(p)).collect();
    let ready = live.iter().filter(|p| crate::sim::kubelet::is_running_and_ready(p)).count();
    let mut available = 0;
    let mut wake: Option<u64> = None;
    for p in &live {
        let (a, later) = availability(sim, p, min_ready);
        if a {
            available += 1;
        }
        if let Some(ms) = later {
            wake = Some(wake.map_or(ms, |w| w.min(ms)));
        }
    }
    if let Some(ms) = wake {
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
    sim.modify(key, |o| o["status"] = status);
}
