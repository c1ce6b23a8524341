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
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
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

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::jv;
    use crate::sim::obj::{self, Ptr};
    use serde_json::Value;

    #[test]
    fn an_admitted_pod_waits_in_container_creating_until_its_sandbox_has_an_ip() {
        let mut sim = cluster(false);
        create_pod(&mut sim, "web", jv!({"containers":[{"name":"nginx","image":"nginx:1.14.2"}]}));
        assert!(run_until(&mut sim, 5_000, |s| pod(s, "web").ptr("/status/containerStatuses").is_some()));
        // Admitted: Pending on its node, every container ContainerCreating, no IP yet.
        let p = pod(&sim, "web");
        assert_eq!(phase(&sim, "web"), "Pending");
        assert_eq!(waiting_reason(&sim, "web", "nginx").as_deref(), Some("ContainerCreating"));
        assert!(obj::str_at(&p, "/status/hostIP").is_some_and(|ip| !ip.is_empty()));
        assert_eq!(p.ptr("/status/podIP"), None);
        assert_eq!(condition(&sim, "web", "PodScheduled"), "True");
        assert_eq!(condition(&sim, "web", "Initialized"), "True");
        assert_eq!(condition(&sim, "web", "Ready"), "False");
        // The sandbox gives it an IP from its node's pod CIDR.
        assert!(run_until(&mut sim, 5_000, |s| pod(s, "web").ptr("/status/podIP").is_some()));
        let ip = obj::str_at(&pod(&sim, "web"), "/status/podIP").unwrap_or("").to_string();
        let node = obj::str_at(&p, "/spec/nodeName").unwrap_or("").to_string();
        let cidr =
            sim.get(crate::sim::Kind::Node, "", &node).and_then(|n| obj::str_at(n, "/spec/podCIDR")).unwrap_or("");
        assert!(ip.starts_with(cidr.trim_end_matches("0/24")), "{ip} in {cidr}");
        assert_eq!(pod(&sim, "web").ptr("/status/podIPs/0/ip"), Some(&Value::from(ip)));
    }

    #[test]
    fn init_containers_hold_the_pods_containers_in_pod_initializing() {
        let mut sim = cluster(false);
        let spec = jv!({"initContainers":[{"name":"setup","image":"busybox:1.28","command":["sh","-c","sleep 5"]}],
            "containers":[{"name":"app","image":"nginx:1.14.2"}]});
        create_pod(&mut sim, "web", spec);
        assert!(run_until(&mut sim, 5_000, |s| pod(s, "web").ptr("/status/containerStatuses").is_some()));
        assert_eq!(waiting_reason(&sim, "web", "app").as_deref(), Some("PodInitializing"));
        assert_eq!(waiting_reason(&sim, "web", "setup").as_deref(), Some("PodInitializing"));
        assert_eq!(condition(&sim, "web", "Initialized"), "False");
        let initialized = obj::arr_at(&pod(&sim, "web"), "/status/conditions")
            .iter()
            .find(|c| obj::str_at(c, "/type") == Some("Initialized"))
            .cloned()
            .unwrap_or_default();
        assert_eq!(obj::str_at(&initialized, "/reason"), Some("ContainersNotInitialized"));
        assert_eq!(obj::str_at(&initialized, "/message"), Some("containers with incomplete status: [setup]"));
    }
}
