//! Admission: the kubelet's sync of a pod bound to its node (admit it, stop it once deleted,
//! restart a container whose image changed), the pod's first status (`ContainerCreating` or
//! `PodInitializing`), and its sandbox with the pod's IP.

use super::status::{names, waiting_status};
use super::{containers, init_containers, pull, restart, terminate, NodeIpam, PodCtx, Step};
use crate::jv;
use crate::sim::obj;
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::Sim;
use serde_json::Value;

/// Reacts to a change of a pod bound to a node.
pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let Some(pod) = sim.store.get_rc(key) else { return };
    let pod: &Value = &pod;
    // No kubelet runs on a node that does not exist: a pod bound there stays Pending.
    let Some(node) = obj::str_at(pod, "/spec/nodeName") else { return };
    if sim.store.get(&ObjKey::new(Kind::Node, "", node)).is_none() {
        // k8s-diff: the pod garbage collector removes such a pod (an orphan of a missing node)
        // once it is deleted, at once rather than after its quarantine.
        if obj::is_deleting(pod) && obj::finalizers(pod).is_empty() {
            sim.store.remove(key, sim.now());
        }
        return;
    }
    let uid = obj::uid(pod).to_string();
    let cx = PodCtx::new(sim, key, &uid, pod);
    let rt = cx.runtime(sim).clone();
    if cx.deleting {
        if rt.killing {
            return;
        }
        cx.runtime(sim).killing = true;
        terminate::terminate(sim, &cx, rt.accepted);
        return;
    }
    if !rt.accepted {
        cx.runtime(sim).accepted = true;
        let d = sim.rand_range(30, 120);
        cx.at(sim, d, Step::Accept);
        return;
    }
    restart::redefine(sim, &cx, &rt);
}

/// `Step::Accept`: the kubelet admits the pod. Every container waits (`ContainerCreating`, or
/// `PodInitializing` behind init containers) and the pod is Pending on its node.
pub(super) fn accept(sim: &mut Sim, cx: &PodCtx) {
    let host_ip = sim.profile.nodes.iter().find(|n| n.name == cx.node).map(|n| n.ip.clone()).unwrap_or_default();
    // With init containers, every container waits for them (`PodInitializing`).
    let inits = init_containers(cx.pod);
    let waiting = if inits.is_empty() { "ContainerCreating" } else { "PodInitializing" };
    let mut statuses: Vec<Value> = containers(cx.pod).iter().map(|c| waiting_status(c, waiting, None, 0)).collect();
    crate::support::sort::sort_by_key(&mut statuses, |s: &Value| obj::str_at(s, "/name").unwrap_or("").to_string());
    let init_statuses: Vec<Value> = inits.iter().map(|c| waiting_status(c, "PodInitializing", None, 0)).collect();
    let conditions = first_conditions(&statuses, &init_statuses, &cx.ts);
    let ts = &cx.ts;
    sim.modify(cx.key, |p| {
        let st = obj::object_mut(p, "status");
        st.insert("phase".into(), jv!("Pending"));
        st.insert("hostIP".into(), jv!(host_ip));
        st.insert("startTime".into(), jv!(ts));
        if !init_statuses.is_empty() {
            st.insert("initContainerStatuses".into(), jv!(init_statuses));
        }
        st.insert("conditions".into(), conditions);
        st.insert("containerStatuses".into(), jv!(statuses));
    });
    let d = sim.rand_range(450, 1100);
    cx.at(sim, d, Step::Sandbox);
}

/// An admitted pod's conditions: scheduled, initialized unless init containers are still to
/// run, and neither Ready nor ContainersReady.
fn first_conditions(statuses: &[Value], init_statuses: &[Value], ts: &str) -> Value {
    let initialized = if init_statuses.is_empty() {
        jv!({"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":ts})
    } else {
        jv!({"type":"Initialized","status":"False","lastProbeTime":null,"lastTransitionTime":ts,"reason":"ContainersNotInitialized","message":format!("containers with incomplete status: [{}]", names(init_statuses))})
    };
    jv!([
        initialized,
        {"type":"Ready","status":"False","lastProbeTime":null,"lastTransitionTime":ts,"reason":"ContainersNotReady","message":format!("containers with unready status: [{}]", names(statuses))},
        {"type":"ContainersReady","status":"False","lastProbeTime":null,"lastTransitionTime":ts,"reason":"ContainersNotReady","message":format!("containers with unready status: [{}]", names(statuses))},
        {"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":ts}
    ])
}

/// `Step::Sandbox`: the sandbox is up with an IP from the node's block; the image pulls begin
/// (the first init container's, if any).
pub(super) fn sandbox(sim: &mut Sim, cx: &PodCtx) {
    let ip = sim.ipam.get_mut(&cx.node).and_then(NodeIpam::allocate).unwrap_or_default();
    sim.modify(cx.key, |p| {
        let st = obj::object_mut(p, "status");
        st.insert("podIP".into(), jv!(ip));
        st.insert("podIPs".into(), jv!([{"ip": ip}]));
    });
    let first = if init_containers(cx.pod).is_empty() { None } else { Some(0) };
    pull::pull(sim, cx, first);
}
