//! The garbage collector: deletes dependents whose owners are gone (background), orphans them
//! (`orphan` finalizer) or deletes them before their owner (`foregroundDeletion`).

use crate::jv;
use crate::sim::obj;
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::{remove_finalizer, DeleteOptions, Sim};
use serde_json::Value;

/// An object with deletionTimestamp and GC finalizers.
pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let Some(o) = sim.store.get(key).cloned() else { return };
    if !obj::is_deleting(&o) {
        return;
    }
    let uid = obj::uid(&o).to_string();
    let fs = obj::finalizers(&o);
    if fs.iter().any(|f| f == "orphan") {
        for d in sim.store.dependents(&uid) {
            sim.modify(&d, |x| strip_owner(x, &uid));
        }
        remove_finalizer(sim, key, "orphan");
        return;
    }
    if fs.iter().any(|f| f == "foregroundDeletion") {
        let deps = sim.store.dependents(&uid);
        if deps.is_empty() {
            remove_finalizer(sim, key, "foregroundDeletion");
            return;
        }
        for d in deps {
            if sim.store.get(&d).is_some_and(|x| !obj::is_deleting(x)) {
                let _ = sim.delete(
                    &d,
                    DeleteOptions { grace_seconds: None, propagation: crate::sim::Propagation::Foreground },
                );
            }
        }
    }
}

fn strip_owner(x: &mut Value, uid: &str) {
    let refs: Vec<Value> = obj::arr_at(x, "/metadata/ownerReferences")
        .iter()
        .filter(|r| r.get("uid").and_then(Value::as_str) != Some(uid))
        .cloned()
        .collect();
    if refs.is_empty() {
        obj::meta_mut(x).remove("ownerReferences");
    } else {
        obj::meta_mut(x).insert("ownerReferences".into(), jv!(refs));
    }
}

fn owner_alive(sim: &Sim, ns: &str, r: &Value) -> bool {
    let kind = r.get("kind").and_then(Value::as_str).unwrap_or_default();
    let av = r.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    let name = r.get("name").and_then(Value::as_str).unwrap_or_default();
    let uid = r.get("uid").and_then(Value::as_str).unwrap_or_default();
    let Some(k) = Kind::from_api(av, kind) else { return false };
    sim.store.get(&ObjKey::new(k, ns, name)).is_some_and(|o| obj::uid(o) == uid)
}

/// The owner with `uid` is gone: delete its dependents, or drop the dangling reference when
/// they have other owners still alive.
pub fn collect(sim: &mut Sim, uid: &str) {
    for d in sim.store.dependents(uid) {
        let Some(o) = sim.store.get(&d).cloned() else { continue };
        let refs = obj::arr_at(&o, "/metadata/ownerReferences");
        let others_alive = refs
            .iter()
            .filter(|r| r.get("uid").and_then(Value::as_str) != Some(uid))
            .any(|r| owner_alive(sim, &d.ns, r));
        if others_alive {
            sim.modify(&d, |x| strip_owner(x, uid));
        } else if !obj::is_deleting(&o) {
            let _ = sim.delete(&d, DeleteOptions::default());
        }
    }
}

/// The namespace controller: deletes everything in a terminating namespace, then the
/// namespace itself (its `kubernetes` finalizer done).
pub fn sync_namespace(sim: &mut Sim, key: &ObjKey) {
    let Some(ns) = sim.store.get(key).cloned() else { return };
    if !obj::is_deleting(&ns) {
        return;
    }
    let mut remaining = 0;
    for r in crate::sim::resources::RESOURCES.iter().filter(|r| r.namespaced) {
        let keys: Vec<ObjKey> = sim.store.list(r.kind, Some(&key.name)).map(|(k, _)| k.clone()).collect();
        for k in keys {
            remaining += 1;
            if sim.store.get(&k).is_some_and(|o| !obj::is_deleting(o)) {
                let _ = sim.delete(&k, DeleteOptions::default());
            }
        }
    }
    if remaining == 0
        || sim.store.list(crate::sim::resources::Kind::Pod, Some(&key.name)).next().is_none()
            && crate::sim::resources::RESOURCES
                .iter()
                .filter(|r| r.namespaced)
                .all(|r| sim.store.list(r.kind, Some(&key.name)).next().is_none())
    {
        sim.store.remove(key, sim.now());
    }
}
