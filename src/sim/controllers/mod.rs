//! The controllers of kube-controller-manager that the lab needs, one file each.

pub mod deployment;
pub mod endpoints;
pub mod gc;
pub mod replicaset;
pub mod statefulset;

use super::labels::Selector;
use super::obj;
use super::resources::Kind;
use super::store::ObjKey;
use super::Sim;
use serde_json::{json, Value};

/// Pods (not yet removed) whose controller is the object with `uid`.
pub(crate) fn owned(sim: &Sim, kind: Kind, uid: &str) -> Vec<(ObjKey, Value)> {
    sim.store
        .dependents(uid)
        .into_iter()
        .filter(|k| k.kind == kind)
        .filter_map(|k| sim.store.get(&k).map(|o| (k, o.clone())))
        .filter(|(_, o)| obj::controller_uid(o) == Some(uid))
        .collect()
}

/// Adopts objects of `kind` in the owner's namespace that have no controller and match its
/// selector (`accept` narrows it further, e.g. StatefulSet pod names).
pub(crate) fn adopt(sim: &mut Sim, owner: &Value, kind: Kind, accept: impl Fn(&str) -> bool) {
    let ns = obj::namespace(owner).to_string();
    let Some(sel) = owner.pointer("/spec/selector").map(Selector::from_label_selector) else { return };
    if sel.is_empty() {
        return;
    }
    let orphans: Vec<ObjKey> = sim
        .store
        .list(kind, Some(&ns))
        .filter(|(_, o)| obj::controller_ref(o).is_none() && !obj::is_deleting(o) && accept(obj::name(o)) && sel.matches_obj(o))
        .map(|(k, _)| k.clone())
        .collect();
    let r = obj::owner_ref(owner, true);
    for k in orphans {
        sim.modify(&k, |o| {
            let mut refs = obj::arr_at(o, "/metadata/ownerReferences").to_vec();
            refs.push(r.clone());
            obj::meta_mut(o).insert("ownerReferences".into(), json!(refs));
        });
    }
}

/// A pod built from a template: labels, ownerReference, generateName, spec.
pub(crate) fn pod_from_template(owner: &Value, template: &Value, name: Option<&str>, generate: &str) -> Value {
    let mut labels = template.pointer("/metadata/labels").cloned().unwrap_or(json!({}));
    if !labels.is_object() {
        labels = json!({});
    }
    let mut meta = json!({"generateName": generate, "namespace": obj::namespace(owner), "labels": labels, "ownerReferences": [obj::owner_ref(owner, true)]});
    if let Some(n) = name {
        meta["name"] = json!(n);
    }
    if let Some(a) = template.pointer("/metadata/annotations") {
        meta["annotations"] = a.clone();
    }
    json!({"apiVersion":"v1","kind":"Pod","metadata":meta,"spec":template.get("spec").cloned().unwrap_or(json!({}))})
}

/// Is the pod ready, and has it been for `min_ready_seconds`? Returns (available, when it will be in ms of sim time).
pub(crate) fn availability(sim: &Sim, pod: &Value, min_ready_seconds: i64) -> (bool, Option<u64>) {
    if !super::kubelet::is_running_and_ready(pod) || obj::is_deleting(pod) {
        return (false, None);
    }
    if min_ready_seconds <= 0 {
        return (true, None);
    }
    let since = obj::condition(pod, "Ready").and_then(|c| c.get("lastTransitionTime")).and_then(Value::as_str).and_then(|t| sim.ms_since(t)).unwrap_or(0);
    let need = min_ready_seconds * 1000;
    if since >= need {
        (true, None)
    } else {
        (false, Some((need - since) as u64))
    }
}
