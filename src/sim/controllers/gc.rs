//! The garbage collector: deletes dependents whose owners are gone (background), orphans them
//! (`orphan` finalizer) or deletes them before their owner (`foregroundDeletion`).

use crate::jv;
use crate::sim::obj;
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::{remove_finalizer, DeleteOptions, Sim};
use serde_json::Value;

/// An object with deletionTimestamp and GC finalizers.
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
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
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
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
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::obj::Ptr;
    use crate::sim::{Propagation, SimConfig, WatchType};

    fn cluster() -> Sim {
        Sim::new(SimConfig::seeded(1))
    }

    fn key(kind: Kind, name: &str) -> ObjKey {
        ObjKey::new(kind, "default", name)
    }

    fn delete(sim: &mut Sim, k: &ObjKey, propagation: Propagation) {
        sim.delete(k, DeleteOptions { grace_seconds: None, propagation }).unwrap();
    }

    /// A ConfigMap owning nothing yet: a plain owner no controller acts on.
    fn owner(sim: &mut Sim, name: &str) -> Value {
        sim.create(jv!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":name,"namespace":"default"}})).unwrap()
    }

    /// A ConfigMap naming `owners` in its ownerReferences (as controllers write them:
    /// blockOwnerDeletion set).
    fn dependent(sim: &mut Sim, name: &str, owners: &[&Value]) -> Value {
        let refs: Vec<Value> = owners.iter().map(|o| obj::owner_ref(o, false)).collect();
        sim.create(jv!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":name,"namespace":"default","ownerReferences":refs}}))
            .unwrap()
    }

    /// A running pod owned by `owner`, which takes `grace` seconds to stop.
    fn running_pod(sim: &mut Sim, name: &str, owner: &Value, grace: i64) -> Value {
        sim.create(jv!({"apiVersion":"v1","kind":"Pod","metadata":{"name":name,"namespace":"default","ownerReferences":[obj::owner_ref(owner, false)]},
            "spec":{"terminationGracePeriodSeconds":grace,"containers":[{"name":"app","image":"nginx"}]}}))
            .unwrap();
        assert!(sim.run_until_idle(120_000));
        let p = sim.get(Kind::Pod, "default", name).unwrap().clone();
        assert_eq!(obj::str_at(&p, "/status/phase"), Some("Running"));
        p
    }

    fn deleted_order(sim: &Sim, cursor: u64) -> Vec<String> {
        sim.store
            .events_since(cursor)
            .iter()
            .filter(|e| e.ty == WatchType::Deleted && e.key.kind != Kind::Event)
            .map(|e| e.key.name.clone())
            .collect()
    }

    #[test]
    fn background_delete_removes_the_owner_at_once_and_the_dependents_after() {
        let mut sim = cluster();
        let o = owner(&mut sim, "app");
        dependent(&mut sim, "part-a", &[&o]);
        dependent(&mut sim, "part-b", &[&o]);
        let cursor = sim.store.cursor();
        delete(&mut sim, &key(Kind::ConfigMap, "app"), Propagation::Background);
        assert!(sim.get(Kind::ConfigMap, "default", "app").is_none());
        assert!(sim.get(Kind::ConfigMap, "default", "part-a").is_none());
        assert!(sim.get(Kind::ConfigMap, "default", "part-b").is_none());
        // The owner goes first, without ever carrying a deletionTimestamp.
        assert_eq!(deleted_order(&sim, cursor), ["app", "part-a", "part-b"]);
        assert!(sim.store.events_since(cursor).iter().all(|e| e.key.name != "app" || e.ty == WatchType::Deleted));
    }

    #[test]
    fn background_delete_keeps_a_dependent_with_another_live_owner_and_drops_the_dangling_reference() {
        let mut sim = cluster();
        let a = owner(&mut sim, "owner-a");
        let b = owner(&mut sim, "owner-b");
        dependent(&mut sim, "shared", &[&a, &b]);
        delete(&mut sim, &key(Kind::ConfigMap, "owner-a"), Propagation::Background);
        let shared = sim.get(Kind::ConfigMap, "default", "shared").unwrap();
        let uids: Vec<&str> = obj::arr_at(shared, "/metadata/ownerReferences")
            .iter()
            .filter_map(|r| r.get("uid").and_then(Value::as_str))
            .collect();
        assert_eq!(uids, [obj::uid(&b)]);
    }

    #[test]
    fn foreground_delete_keeps_the_owner_until_its_dependents_are_gone() {
        let mut sim = cluster();
        let o = owner(&mut sim, "app");
        running_pod(&mut sim, "worker", &o, 10);
        let cursor = sim.store.cursor();
        delete(&mut sim, &key(Kind::ConfigMap, "app"), Propagation::Foreground);
        let waiting = sim.get(Kind::ConfigMap, "default", "app").unwrap();
        assert!(obj::is_deleting(waiting));
        assert_eq!(obj::finalizers(waiting), ["foregroundDeletion"]);
        // The garbage collector has asked for the dependent's deletion; it takes its grace period.
        assert!(obj::is_deleting(sim.get(Kind::Pod, "default", "worker").unwrap()));
        while sim.get(Kind::Pod, "default", "worker").is_some() {
            assert!(sim.get(Kind::ConfigMap, "default", "app").is_some());
            assert!(sim.step());
        }
        assert!(sim.get(Kind::ConfigMap, "default", "app").is_none());
        assert_eq!(deleted_order(&sim, cursor), ["worker", "app"]);
    }

    #[test]
    fn foreground_delete_reaches_the_dependents_of_dependents_first() {
        let mut sim = cluster();
        let top = owner(&mut sim, "top");
        let middle = dependent(&mut sim, "middle", &[&top]);
        running_pod(&mut sim, "leaf", &middle, 10);
        let cursor = sim.store.cursor();
        delete(&mut sim, &key(Kind::ConfigMap, "top"), Propagation::Foreground);
        // A dependent that has dependents of its own is deleted in the foreground too.
        let m = sim.get(Kind::ConfigMap, "default", "middle").unwrap();
        assert_eq!(obj::finalizers(m), ["foregroundDeletion"]);
        assert!(sim.run_until_idle(120_000));
        assert_eq!(deleted_order(&sim, cursor), ["leaf", "middle", "top"]);
    }

    #[test]
    fn orphan_delete_strips_owner_references_from_dependents() {
        let mut sim = cluster();
        let o = owner(&mut sim, "app");
        dependent(&mut sim, "part", &[&o]);
        delete(&mut sim, &key(Kind::ConfigMap, "app"), Propagation::Orphan);
        assert!(sim.get(Kind::ConfigMap, "default", "app").is_none());
        let part = sim.get(Kind::ConfigMap, "default", "part").unwrap();
        assert!(!obj::is_deleting(part));
        assert!(part.ptr("/metadata/ownerReferences").is_none());
        assert!(sim.store.dependents(obj::uid(&o)).is_empty());
    }

    #[test]
    fn orphan_delete_strips_only_the_deleted_owners_reference() {
        let mut sim = cluster();
        let a = owner(&mut sim, "owner-a");
        let b = owner(&mut sim, "owner-b");
        dependent(&mut sim, "shared", &[&a, &b]);
        delete(&mut sim, &key(Kind::ConfigMap, "owner-a"), Propagation::Orphan);
        let shared = sim.get(Kind::ConfigMap, "default", "shared").unwrap();
        let refs = obj::arr_at(shared, "/metadata/ownerReferences");
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0].get("uid").and_then(Value::as_str), Some(obj::uid(&b)));
    }

    #[test]
    fn orphan_delete_of_a_deployment_leaves_its_replicaset_and_pods() {
        let mut sim = cluster();
        sim.create(jv!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api","namespace":"default"},
            "spec":{"replicas":2,"selector":{"matchLabels":{"app":"api"}},
              "template":{"metadata":{"labels":{"app":"api"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}))
            .unwrap();
        sim.advance(60_000);
        delete(&mut sim, &key(Kind::Deployment, "api"), Propagation::Orphan);
        sim.advance(60_000);
        assert!(sim.get(Kind::Deployment, "default", "api").is_none());
        let rss: Vec<&Value> = sim.store.list(Kind::ReplicaSet, Some("default")).map(|(_, o)| o).collect();
        assert_eq!(rss.len(), 1);
        assert!(obj::controller_ref(rss[0]).is_none());
        let rs_uid = obj::uid(rss[0]).to_string();
        let pods = sim.store.list(Kind::Pod, Some("default")).filter(|(_, p)| obj::controller_uid(p) == Some(&rs_uid));
        assert_eq!(pods.count(), 2);
    }

    #[test]
    fn namespace_delete_empties_the_namespace_then_removes_it() {
        let mut sim = cluster();
        sim.create(jv!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"}})).unwrap();
        sim.create(jv!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"team"}}))
            .unwrap();
        let ns = ObjKey::new(Kind::Namespace, "", "team");
        let cursor = sim.store.cursor();
        sim.delete(&ns, DeleteOptions::default()).unwrap();
        assert!(sim.get(Kind::Namespace, "", "team").is_none());
        assert!(sim.store.list(Kind::ConfigMap, Some("team")).next().is_none());
        let terminating = sim.store.events_since(cursor).into_iter().find(|e| e.key == ns).unwrap();
        assert_eq!(terminating.ty, WatchType::Modified);
        assert_eq!(obj::str_at(&terminating.obj, "/status/phase"), Some("Terminating"));
        assert_eq!(deleted_order(&sim, cursor).last().map(String::as_str), Some("team"));
    }
}
