//! The scheduler: picks a node for each unbound pod (filters, then spreading), waits for
//! WaitForFirstConsumer volumes to be provisioned on the chosen node, then binds.
//!
//! Filters: node ready, control-plane taint, `nodeName`/`nodeSelector`, the node affinity of
//! bound local volumes (so a re-created StatefulSet pod returns to its volume's node).
//! Score: fewest pods of the same owner on the node (default topology spreading), then fewest
//! pods; ties are broken by the seeded generator, as the real scheduler picks at random.

use super::labels::Selector;
use super::obj;
use super::obj::Ptr;
use super::resources::Kind;
use super::schedqueue::plugin;
use super::store::ObjKey;
use super::Sim;
use crate::jv;
use crate::support::collections::VecMap;
use serde_json::Value;

/// Tries to place (or finish placing) one pod.
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let Some(pod) = sim.store.get(key).cloned() else {
        forget(sim, key);
        sim.sched_queue.forget(key);
        return;
    };
    if obj::str_at(&pod, "/spec/nodeName").is_some() || obj::is_deleting(&pod) {
        forget(sim, key);
        sim.sched_queue.forget(key);
        return;
    }
    let claims: Vec<String> = obj::arr_at(&pod, "/spec/volumes")
        .iter()
        .filter_map(|v| obj::str_at(v, "/persistentVolumeClaim/claimName").map(String::from))
        .collect();
    // Already placed, waiting for volumes?
    if let Some(node) = sim.assumed.get(key).cloned() {
        if claims_bound(sim, &key.ns, &claims) {
            bind(sim, key, &node);
        }
        return;
    }
    sim.queue_pop(key);
    let mut required_node: Option<String> = None;
    let mut unbound_wffc = Vec::new();
    for c in &claims {
        let Some(pvc) = sim.store.get(&ObjKey::new(Kind::PersistentVolumeClaim, &key.ns, c)).cloned() else {
            fail(sim, key, &pod, format!("persistentvolumeclaim \"{c}\" not found"), plugin::VOLUME);
            return;
        };
        if obj::is_deleting(&pvc) {
            fail(sim, key, &pod, format!("persistentvolumeclaim \"{c}\" is being deleted"), plugin::VOLUME);
            return;
        }
        if let Some(pv_name) = obj::str_at(&pvc, "/spec/volumeName") {
            if let Some(pv) = sim.store.get(&ObjKey::new(Kind::PersistentVolume, "", pv_name)) {
                if let Some(n) = pv_node(pv) {
                    required_node = Some(n);
                }
            }
            continue;
        }
        let class = obj::str_at(&pvc, "/spec/storageClassName").unwrap_or("").to_string();
        let wffc = sim
            .store
            .get(&ObjKey::new(Kind::StorageClass, "", &class))
            .and_then(|sc| obj::str_at(sc, "/volumeBindingMode"))
            == Some("WaitForFirstConsumer");
        if wffc {
            unbound_wffc.push(c.clone());
        } else {
            fail(sim, key, &pod, "pod has unbound immediate PersistentVolumeClaims".into(), plugin::VOLUME);
            return;
        }
    }
    let Some(node) = pick_node(sim, &pod, required_node.as_deref()) else { return };
    if unbound_wffc.is_empty() {
        bind(sim, key, &node);
        return;
    }
    // Assume the pod on the node and ask for its volumes there.
    sim.assumed.insert(key.clone(), node.clone());
    for c in &claims {
        let k = ObjKey::new(Kind::PersistentVolumeClaim, &key.ns, c);
        sim.claim_waiters.entry(k).or_default().insert(key.clone());
    }
    for c in unbound_wffc {
        let k = ObjKey::new(Kind::PersistentVolumeClaim, &key.ns, &c);
        sim.modify(&k, |pvc| obj::set_annotation(pvc, "volume.kubernetes.io/selected-node", &node));
    }
}

/// Pod `key` is no longer assumed on a node (bound, gone, or deleted).
pub(crate) fn forget(sim: &mut Sim, key: &ObjKey) {
    if sim.assumed.remove(key).is_none() {
        return;
    }
    if let Some(pod) = sim.store.get(key) {
        for v in obj::arr_at(pod, "/spec/volumes") {
            if let Some(c) = obj::str_at(v, "/persistentVolumeClaim/claimName") {
                let k = ObjKey::new(Kind::PersistentVolumeClaim, &key.ns, c);
                if let Some(pods) = sim.claim_waiters.get_mut(&k) {
                    pods.remove(key);
                    if pods.is_empty() {
                        sim.claim_waiters.remove(&k);
                    }
                }
            }
        }
        return;
    }
    sim.claim_waiters.retain(|_, pods| {
        pods.remove(key);
        !pods.is_empty()
    });
}

fn claims_bound(sim: &Sim, ns: &str, claims: &[String]) -> bool {
    claims.iter().all(|c| {
        sim.store
            .get(&ObjKey::new(Kind::PersistentVolumeClaim, ns, c))
            .is_some_and(|p| obj::str_at(p, "/status/phase") == Some("Bound"))
    })
}

/// The node a local volume is pinned to by its node affinity.
pub fn pv_node(pv: &Value) -> Option<String> {
    let terms = obj::arr_at(pv, "/spec/nodeAffinity/required/nodeSelectorTerms");
    for t in terms {
        for e in obj::arr_at(t, "/matchExpressions") {
            if obj::str_at(e, "/key") == Some("kubernetes.io/hostname") {
                return obj::arr_at(e, "/values").first().and_then(Value::as_str).map(String::from);
            }
        }
    }
    None
}

fn tolerates_control_plane(pod: &Value) -> bool {
    obj::arr_at(pod, "/spec/tolerations").iter().any(|t| {
        let key = obj::str_at(t, "/key");
        let op = obj::str_at(t, "/operator").unwrap_or("Equal");
        (op == "Exists" && key.is_none())
            || matches!(key, Some("node-role.kubernetes.io/master") | Some("node-role.kubernetes.io/control-plane"))
    })
}

fn pick_node(sim: &mut Sim, pod: &Value, required: Option<&str>) -> Option<String> {
    let key = ObjKey::of(Kind::Pod, pod);
    // Shared, not copied: a node's object is read for every pod scheduled.
    let keys: Vec<ObjKey> = sim.store.list(Kind::Node, None).map(|(k, _)| k.clone()).collect();
    let nodes: Vec<std::rc::Rc<Value>> = keys.iter().filter_map(|k| sim.store.get_rc(k)).collect();
    let n_nodes = nodes.len();
    let node_selector = pod.ptr("/spec/nodeSelector").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut reasons: Vec<String> = Vec::new();
    let mut fits = Vec::new();
    // NodeResourcesFit: what the pod asks for against what is left of each node's allocatable.
    let want = requests(pod);
    let used = if want == (0.0, 0.0) { crate::support::collections::VecMap::new() } else { requested_per_node(sim) };
    // The filters in the default profile's order; a node fails at the first that rejects it.
    // Preemption could help only where resources were short (no pod has a lower priority than
    // another here, so it finds no victims).
    let mut preemption: Vec<&str> = Vec::new();
    let uncounted = uncounted_per_node(sim);
    let mut plugins = 0u8;
    for n in &nodes {
        let name = obj::name(n).to_string();
        let on = NodeLoad {
            pods: pods_on(sim, &uncounted, &name),
            requested: used.get(name.as_str()).copied().unwrap_or((0.0, 0.0)),
        };
        if let Some(r) = node_rejects(n, pod, &node_selector, want, on) {
            reasons.extend(r.reasons);
            preemption.push(r.preemption);
            plugins |= r.plugin;
            continue;
        }
        if let Some(r) = required {
            if r != name {
                reasons.push("node(s) had volume node affinity conflict".into());
                preemption.push("Preemption is not helpful for scheduling");
                plugins |= plugin::VOLUME;
                continue;
            }
        }
        fits.push(name);
    }
    if fits.is_empty() {
        // FitError: each reason with its count, sorted as strings, then preemption's verdict.
        let histogram = |reasons: Vec<String>| {
            let mut counts: crate::support::collections::VecMap<String, usize> = Default::default();
            for r in reasons {
                *counts.entry(r).or_default() += 1;
            }
            let mut parts: Vec<String> = counts.iter().map(|(r, c)| format!("{c} {r}")).collect();
            crate::support::sort::sort(&mut parts);
            parts.join(", ")
        };
        let msg = format!(
            "0/{n_nodes} nodes are available: {}. preemption: 0/{n_nodes} nodes are available: {}..",
            histogram(reasons),
            histogram(preemption.into_iter().map(String::from).collect())
        );
        fail(sim, &key, pod, msg, plugins);
        return None;
    }
    // Spread: pods of the same owner per node, then all pods per node.
    let owner = obj::controller_uid(pod).map(String::from);
    let sel_labels = super::labels::labels_of(pod);
    let same_selector =
        Selector(sel_labels.iter().map(|(k, v)| super::labels::Requirement::Eq(k.clone(), v.clone())).collect());
    let mut counts: crate::support::collections::VecMap<&str, (usize, usize)> =
        fits.iter().map(|n| (n.as_str(), (0, 0))).collect();
    if let Some(u) = &owner {
        // The store keeps these counts; pods placed but waiting for volumes are added.
        let load = &sim.store.pods.nodes;
        for (n, c) in counts.iter_mut() {
            c.1 = load.pods.get(*n).copied().unwrap_or(0);
            c.0 = load.by_owner.get(&(u.clone(), n.to_string())).copied().unwrap_or(0);
        }
        for (k, n) in &sim.assumed {
            if let Some(c) = counts.get_mut(n.as_str()) {
                c.1 += 1;
                if sim.store.pods.facts.get(k).is_some_and(|f| f.controller_uid.as_deref() == Some(u.as_str())) {
                    c.0 += 1;
                }
            }
        }
    } else {
        let assumed: crate::support::collections::VecMap<&str, &str> =
            sim.assumed.iter().map(|(k, n)| (k.name.as_str(), n.as_str())).collect();
        for (k, p) in sim.store.list(Kind::Pod, None) {
            if super::system::is_system_namespace(&k.ns) {
                continue;
            }
            let on = match obj::str_at(p, "/spec/nodeName") {
                Some(n) => n,
                None => match assumed.get(k.name.as_str()) {
                    Some(n) => n,
                    None => continue,
                },
            };
            let Some(c) = counts.get_mut(on) else { continue };
            if matches!(obj::str_at(p, "/status/phase"), Some("Succeeded") | Some("Failed")) {
                continue;
            }
            c.1 += 1;
            if !sel_labels.is_empty() && same_selector.matches_obj(p) {
                c.0 += 1;
            }
        }
    }
    let mut best: Vec<(usize, usize, String)> =
        counts.into_iter().map(|(n, (same, all))| (same, all, n.to_string())).collect();
    crate::support::sort::sort(&mut best);
    let top = (best[0].0, best[0].1);
    let ties: Vec<String> = best.iter().filter(|b| (b.0, b.1) == top).map(|b| b.2.clone()).collect();
    let i = sim.rand_range(0, ties.len() as u64 - 1) as usize;
    Some(ties[i].clone())
}

/// What a node already holds: its pods (bound or assumed) and what they request.
#[derive(Clone, Copy)]
struct NodeLoad {
    pods: usize,
    requested: (f64, f64),
}

/// Why a node's filters reject a pod: the reasons, the plugin, and preemption's verdict.
struct Rejection {
    reasons: Vec<String>,
    plugin: u8,
    preemption: &'static str,
}

/// The filters in the default profile's order, but the volumes' (a node fails at the first
/// that rejects it): TaintToleration, NodeAffinity, NodeResourcesFit. Preemption could help
/// only where resources were short (no pod has a lower priority than another here, so it finds
/// no victims).
fn node_rejects(
    n: &Value,
    pod: &Value,
    node_selector: &serde_json::Map<String, Value>,
    want: (f64, f64),
    on: NodeLoad,
) -> Option<Rejection> {
    let not_helpful = "Preemption is not helpful for scheduling";
    if let Some(t) = obj::arr_at(n, "/spec/taints").first().filter(|_| !tolerates_control_plane(pod)) {
        let reason = format!(
            "node(s) had untolerated taint {{{}: {}}}",
            obj::str_at(t, "/key").unwrap_or_default(),
            obj::str_at(t, "/value").unwrap_or_default()
        );
        return Some(Rejection { reasons: vec![reason], plugin: plugin::TAINT, preemption: not_helpful });
    }
    if !node_selector.iter().all(|(k, v)| obj::label(n, k) == v.as_str()) {
        let reason = "node(s) didn't match Pod's node affinity/selector".to_string();
        return Some(Rejection { reasons: vec![reason], plugin: plugin::AFFINITY, preemption: not_helpful });
    }
    // NodeResourcesFit: the pod count against allocatable pods (maxPods) first, whatever
    // the pod asks for; then CPU and memory.
    let alloc = |r: &str| {
        n.ptr(&format!("/status/allocatable/{r}")).and_then(super::volumes::quantity_bytes).unwrap_or(f64::MAX)
    };
    let mut short = Vec::new();
    if (on.pods + 1) as f64 > alloc("pods") {
        short.push("Too many pods".to_string());
    }
    let (cpu, mem) = on.requested;
    if want.0 > 0.0 && cpu + want.0 > alloc("cpu") + 1e-9 {
        short.push("Insufficient cpu".to_string());
    }
    if want.1 > 0.0 && mem + want.1 > alloc("memory") {
        short.push("Insufficient memory".to_string());
    }
    if short.is_empty() {
        return None;
    }
    Some(Rejection {
        reasons: short,
        plugin: plugin::RESOURCES,
        preemption: "No preemption victims found for incoming pod",
    })
}

/// `preCheckForNode`: whether a node, added or changed, would admit a waiting pod (its
/// resources, node selector and taints), computed once for all the pods an event may move.
pub(crate) struct Admission {
    node: Value,
    load: NodeLoad,
}

impl Admission {
    pub(crate) fn for_node(sim: &Sim, node: &Value) -> Admission {
        let name = obj::name(node);
        let uncounted = uncounted_per_node(sim);
        let used = requested_per_node(sim);
        let load =
            NodeLoad { pods: pods_on(sim, &uncounted, name), requested: used.get(name).copied().unwrap_or((0.0, 0.0)) };
        Admission { node: node.clone(), load }
    }

    pub(crate) fn admits(&self, pod: &Value) -> bool {
        let selector = pod.ptr("/spec/nodeSelector").and_then(Value::as_object).cloned().unwrap_or_default();
        node_rejects(&self.node, pod, &selector, requests(pod), self.load).is_none()
    }
}

/// A pod's requests: CPU in cores, memory in bytes (its containers' sum, or an init
/// container's if larger).
fn requests(pod: &Value) -> (f64, f64) {
    let sum = |list: &str, r: &str| -> Vec<f64> {
        obj::arr_at(pod, list)
            .iter()
            .map(|c| c.ptr(&format!("/resources/requests/{r}")).and_then(super::volumes::quantity_bytes).unwrap_or(0.0))
            .collect()
    };
    let total = |r: &str| {
        let main: f64 = sum("/spec/containers", r).iter().sum();
        sum("/spec/initContainers", r).into_iter().fold(main, f64::max)
    };
    (total("cpu"), total("memory"))
}

/// Per node, the pods the store's per-node count leaves out: the cluster's own non-terminal
/// pods bound there, and the pods assumed there. Counted once per scheduling decision, not
/// once per node.
fn uncounted_per_node(sim: &Sim) -> VecMap<String, usize> {
    let mut per_node: VecMap<String, usize> = VecMap::new();
    let system = sim.store.list(Kind::Namespace, None).filter(|(k, _)| super::system::is_system_namespace(&k.name));
    for (k, _) in system {
        for (_, p) in sim.store.list(Kind::Pod, Some(&k.name)) {
            let terminal = matches!(obj::str_at(p, "/status/phase"), Some("Succeeded" | "Failed"));
            if let (Some(node), false) = (obj::str_at(p, "/spec/nodeName"), terminal) {
                *per_node.entry(node.to_string()).or_default() += 1;
            }
        }
    }
    for node in sim.assumed.values() {
        *per_node.entry(node.clone()).or_default() += 1;
    }
    per_node
}

/// Non-terminal pods bound to node `node` or assumed there (the cluster's own pods too).
fn pods_on(sim: &Sim, uncounted: &VecMap<String, usize>, node: &str) -> usize {
    let bound = sim.store.pods.nodes.pods.get(node).copied().unwrap_or(0);
    bound + uncounted.get(node).copied().unwrap_or(0)
}

/// What the pods on each node (bound or assumed there) request.
fn requested_per_node(sim: &Sim) -> crate::support::collections::VecMap<String, (f64, f64)> {
    let mut used: crate::support::collections::VecMap<String, (f64, f64)> = Default::default();
    for (k, p) in sim.store.list(Kind::Pod, None) {
        if matches!(obj::str_at(p, "/status/phase"), Some("Succeeded") | Some("Failed")) {
            continue;
        }
        let Some(node) = obj::str_at(p, "/spec/nodeName").map(String::from).or_else(|| sim.assumed.get(k).cloned())
        else {
            continue;
        };
        let (cpu, mem) = requests(p);
        let e = used.entry(node).or_default();
        e.0 += cpu;
        e.1 += mem;
    }
    used
}

/// `handleSchedulingFailure`: the pod goes back to the queue, a FailedScheduling event is
/// recorded about the pod as it was tried (its resourceVersion too), and its PodScheduled
/// condition is written if it changed (`updatePod` skips an equal one).
#[inline(never)]
fn fail(sim: &mut Sim, key: &ObjKey, pod: &Value, msg: String, plugins: u8) {
    sim.queue_unschedulable(key, pod, plugins);
    // The transition time stays while the status does (`UpdatePodCondition`).
    let was_false =
        obj::condition(pod, "PodScheduled").filter(|c| c.get("status").and_then(Value::as_str) == Some("False"));
    let ts = match was_false.and_then(|c| c.get("lastTransitionTime")).and_then(Value::as_str) {
        Some(t) => t.to_string(),
        None => sim.timestamp(),
    };
    // A PreFilter's verdict stands for every node; preemption cannot help where it is final
    // (UnschedulableAndUnresolvable) and finds no victims where it is not.
    let text = if msg.starts_with("0/") {
        msg
    } else {
        let n = sim.store.list(Kind::Node, None).count();
        let verdict = if msg.starts_with("pod has unbound immediate") {
            "No preemption victims found for incoming pod"
        } else {
            "Preemption is not helpful for scheduling"
        };
        format!("0/{n} nodes are available: {msg}. preemption: 0/{n} nodes are available: {n} {verdict}..")
    };
    sim.record_event(key, "Warning", "FailedScheduling", "default-scheduler", text.clone());
    let same = obj::condition(pod, "PodScheduled").is_some_and(|c| {
        c.get("status").and_then(Value::as_str) == Some("False")
            && c.get("reason").and_then(Value::as_str) == Some("Unschedulable")
            && c.get("message").and_then(Value::as_str) == Some(text.as_str())
    });
    if same {
        return;
    }
    sim.modify(key, |p| {
        obj::set(p, "/status/conditions", jv!([{"type":"PodScheduled","status":"False","lastProbeTime":null,"lastTransitionTime":ts,"reason":"Unschedulable","message":text}]));
    });
}

fn bind(sim: &mut Sim, key: &ObjKey, node: &str) {
    forget(sim, key);
    sim.sched_queue.forget(key);
    let ts = sim.timestamp();
    sim.record_event(
        key,
        "Normal",
        "Scheduled",
        "default-scheduler",
        format!("Successfully assigned {}/{} to {node}", key.ns, key.name),
    );
    sim.modify(key, |p| {
        obj::set(p, "/spec/nodeName", jv!(node));
        obj::set(
            p,
            "/status/conditions",
            jv!([{"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":ts}]),
        );
    });
}
