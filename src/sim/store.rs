//! The object store: what etcd holds behind the API server. Objects are JSON values, keyed by
//! kind, namespace and name (sorted, so lists come back in the API's name order), with a
//! resourceVersion counter, an ownerReference index and the watch cache: per kind, a window of
//! its latest changes sized as the API server's `watch_cache.go` sizes it.

use super::obj::Ptr;
use super::resources::Kind;
use super::time::SimTime;
use crate::support::collections::{VecMap, VecSet};
use serde_json::Value;
use std::collections::VecDeque;
use std::rc::Rc;

/// What the workload controllers read of a pod, kept up to date on every write so that a
/// controller's sync does not have to parse each pod again.
#[derive(Clone, Debug)]
pub struct PodFacts {
    pub key: ObjKey,
    pub controller_uid: Option<String>,
    pub deleting: bool,
    pub terminal: bool,
    pub pending: bool,
    pub scheduled: bool,
    pub running_ready: bool,
    /// `lastTransitionTime` of the Ready condition when ready.
    pub ready_since: Option<String>,
    pub revision: Option<String>,
    pub created: String,
    pub labels: VecMap<String, String>,
    /// The ordinal of a `<parent>-<number>` name.
    pub ordinal: Option<i64>,
    /// The node it is bound to.
    pub node: Option<String>,
}

impl PodFacts {
    fn of(key: &ObjKey, p: &Value) -> PodFacts {
        use super::obj;
        let phase = obj::str_at(p, "/status/phase").unwrap_or("Pending");
        let running_ready = phase == "Running" && obj::condition_true(p, "Ready");
        PodFacts {
            key: key.clone(),
            controller_uid: obj::controller_uid(p).map(String::from),
            deleting: obj::is_deleting(p),
            terminal: phase == "Succeeded" || phase == "Failed",
            pending: phase == "Pending",
            scheduled: obj::str_at(p, "/spec/nodeName").is_some(),
            running_ready,
            ready_since: if running_ready {
                obj::condition(p, "Ready")
                    .and_then(|c| c.get("lastTransitionTime"))
                    .and_then(Value::as_str)
                    .map(String::from)
            } else {
                None
            },
            revision: obj::label(p, "controller-revision-hash").map(String::from),
            created: obj::str_at(p, "/metadata/creationTimestamp").unwrap_or("").to_string(),
            labels: super::labels::labels_of(p),
            ordinal: super::names::parse_ordinal(&key.name).map(|(_, o)| o),
            node: obj::str_at(p, "/spec/nodeName").map(String::from),
        }
    }
}

/// Which object: kind, namespace (empty for cluster-scoped kinds) and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjKey {
    pub kind: Kind,
    pub ns: String,
    pub name: String,
}

impl ObjKey {
    pub fn new(kind: Kind, ns: &str, name: &str) -> ObjKey {
        let ns = if kind.namespaced() { ns.to_string() } else { String::new() };
        ObjKey { kind, ns, name: name.to_string() }
    }
    /// The key of a stored object.
    pub fn of(kind: Kind, obj: &Value) -> ObjKey {
        ObjKey::new(kind, super::obj::namespace(obj), super::obj::name(obj))
    }
}

/// ADDED, MODIFIED or DELETED, as a watch reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchType {
    Added,
    Modified,
    Deleted,
}

impl WatchType {
    pub fn as_str(self) -> &'static str {
        match self {
            WatchType::Added => "ADDED",
            WatchType::Modified => "MODIFIED",
            WatchType::Deleted => "DELETED",
        }
    }
}

/// One change of one object, with the object as it was right after the change.
#[derive(Clone, Debug)]
pub struct WatchEvent {
    pub at: SimTime,
    /// The resourceVersion the change was written with.
    pub rv: u64,
    pub ty: WatchType,
    pub key: ObjKey,
    /// Shared with the store while it is the object's current version (no copy per event).
    pub obj: Rc<Value>,
}

/// A change not yet dispatched to the controllers: which object, what happened, its uid and
/// the owners it names (the GC needs these once the object is gone).
#[derive(Clone, Debug)]
pub(crate) struct Change {
    pub key: ObjKey,
    pub ty: WatchType,
    pub uid: String,
    pub owners: Vec<ObjKey>,
}

fn owner_keys(key: &ObjKey, obj: &Value) -> Vec<ObjKey> {
    super::obj::arr_at(obj, "/metadata/ownerReferences")
        .iter()
        .filter_map(|r| {
            let kind = Kind::from_api(r.get("apiVersion")?.as_str()?, r.get("kind")?.as_str()?)?;
            Some(ObjKey::new(kind, &key.ns, r.get("name")?.as_str()?))
        })
        .collect()
}

/// `watch_cache.go`'s `defaultLowerBoundCapacity`: a kind's window holds at least this many
/// changes (these constants, `resizeCacheLocked` and the `too old resource version` message
/// read the same in a v1.24-era copy and in today's source, so at 1.26 too; dynamic sizing came
/// in 1.19)...
const WINDOW_MIN: usize = 100;
/// ...and at most `defaultUpperBoundCapacity`...
const WINDOW_MAX: usize = 100 * 1024;
/// ...and grows while its oldest change is fresher than `eventFreshDuration` (virtual ms).
const EVENT_FRESH_MS: u64 = 75_000;

/// A watch asked for changes its kind's window no longer holds: the API server's 410 Gone
/// (`errors.NewResourceExpired`), in `getAllEventsSinceLocked`'s words: the resourceVersion
/// asked for, and the one before the oldest change the window holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too old resource version: {requested} ({oldest})")]
pub struct Expired {
    pub requested: u64,
    pub oldest: u64,
}

/// One kind's watch cache (`watchCache`): a window of its latest changes, sized as the API
/// server sizes it, and the changes of that window an open watch may still read.
#[derive(Clone, Debug, Default)]
struct KindLog {
    /// The resourceVersion and time of each change the window holds, oldest first.
    window: VecDeque<(u64, SimTime)>,
    /// How many changes the window holds at most (0 before the first: `WINDOW_MIN`).
    capacity: usize,
    /// The window's newest changes, from the oldest an open watch may still need.
    events: VecDeque<WatchEvent>,
    /// The resourceVersion of the latest change the window let go of (0: none yet).
    dropped: u64,
}

impl KindLog {
    /// `updateCache`: resizes the window for a change made `at`, lets go of the oldest change
    /// when it is full, and takes the new one.
    fn push(&mut self, e: WatchEvent) {
        self.capacity = self.capacity.max(WINDOW_MIN);
        self.resize(e.at);
        if self.window.len() >= self.capacity {
            self.drop_oldest();
        }
        self.window.push_back((e.rv, e.at));
        self.events.push_back(e);
    }

    /// `resizeCacheLocked`: a full window doubles while its oldest change is fresh (younger
    /// than `eventFreshDuration`), and halves when even its newest quarter is stale.
    fn resize(&mut self, at: SimTime) {
        let len = self.window.len();
        if len < self.capacity {
            return;
        }
        let age = |i: usize| self.window.get(i).map_or(0, |(_, t)| at.ms().saturating_sub(t.ms()));
        if age(0) < EVENT_FRESH_MS {
            self.capacity = (self.capacity * 2).min(WINDOW_MAX);
        } else if age(len - self.capacity / 4) > EVENT_FRESH_MS {
            self.capacity = (self.capacity / 2).max(WINDOW_MIN);
            // `doCacheResizeLocked`: the window keeps its newest `capacity` changes.
            while self.window.len() > self.capacity {
                self.drop_oldest();
            }
        }
    }

    fn drop_oldest(&mut self) {
        let Some((rv, _)) = self.window.pop_front() else { return };
        self.dropped = rv;
        while self.events.front().is_some_and(|e| e.rv <= rv) {
            self.events.pop_front();
        }
    }

    /// Whether a watch that has seen up to `cursor` fell behind: the window let go of a change
    /// it had not read. Worded with the window's oldest change, as the API server words a watch
    /// that starts there.
    fn expired(&self, cursor: u64) -> Option<Expired> {
        let oldest = self.window.front().map_or(self.dropped + 1, |(rv, _)| *rv);
        (cursor < self.dropped).then_some(Expired { requested: cursor, oldest: oldest - 1 })
    }
}

/// The objects and their history.
#[derive(Clone, Debug, Default)]
pub struct Store {
    /// Shared, so that readers (the dispatcher, watches) take a reference, not a copy.
    // A B-tree, not a `VecMap`: this one map grows with every object (tens of thousands of
    // events in the big benchmarks), where inserting into a sorted vector turns quadratic.
    objects: std::collections::BTreeMap<ObjKey, Rc<Value>>,
    resource_version: u64,
    /// owner uid → keys of objects naming it in ownerReferences.
    by_owner: VecMap<String, VecSet<ObjKey>>,
    /// Pods and ReplicaSets without a controller reference (candidates for adoption), by key.
    orphans: VecSet<ObjKey>,
    /// How many objects each (kind, namespace) has (the quota's usage).
    counts: VecMap<(Kind, String), usize>,
    /// Pod facts, by pod, per controller and per node.
    pub pods: super::podindex::PodIndex,
    /// The watch cache, one per kind (indexed by `Kind as usize`): watches read it from a
    /// cursor, the resourceVersion they have seen up to.
    logs: Vec<KindLog>,
    /// Whether changes are recorded in the watch cache (benchmarks switch it off).
    pub record: bool,
    /// Changes not yet dispatched to the controllers.
    pub(crate) pending: Vec<Change>,
    /// How many times a claim has been removed or marked for deletion: what a controller knows
    /// of claims that exist holds while this stays the same.
    pub claims_lost: u64,
}

impl Store {
    pub fn new() -> Store {
        Store { record: true, ..Store::default() }
    }

    pub fn get(&self, key: &ObjKey) -> Option<&Value> {
        self.objects.get(key).map(|v| &**v)
    }

    /// A shared handle on an object (cheap: no copy).
    pub fn get_rc(&self, key: &ObjKey) -> Option<Rc<Value>> {
        self.objects.get(key).cloned()
    }

    pub fn contains(&self, key: &ObjKey) -> bool {
        self.objects.contains_key(key)
    }

    /// Objects of one kind, in one namespace (`None`: all namespaces), in name order.
    pub fn list<'a>(&'a self, kind: Kind, ns: Option<&'a str>) -> List<'a> {
        let start = ObjKey { kind, ns: ns.unwrap_or("").to_string(), name: String::new() };
        List { range: Some(self.objects.range(start..)), kind, ns }
    }

    /// Keys of the objects that name `uid` in their ownerReferences.
    pub fn dependents(&self, uid: &str) -> Vec<ObjKey> {
        self.dependents_iter(uid).cloned().collect()
    }

    /// The same, without collecting.
    pub fn dependents_iter<'a>(&'a self, uid: &str) -> impl Iterator<Item = &'a ObjKey> + 'a {
        self.by_owner.get(uid).into_iter().flat_map(|s| s.iter())
    }

    /// Facts of the pods whose controller has `uid`.
    pub fn controlled_pods<'a>(&'a self, uid: &str) -> impl Iterator<Item = &'a Rc<PodFacts>> + 'a {
        self.pods.owners.get(uid).into_iter().flat_map(|o| o.pods.values())
    }

    /// The per-controller pod index of `uid`, if it has pods.
    pub fn owner_pods(&self, uid: &str) -> Option<&super::podindex::OwnerPods> {
        self.pods.owners.get(uid)
    }

    fn index_pod(&mut self, key: &ObjKey, obj: Option<&Value>) {
        self.pods.update(key, obj.map(|o| PodFacts::of(key, o)));
    }

    /// Counts a claim that goes (`None`) or is being deleted.
    fn note_claim(&mut self, key: &ObjKey, obj: Option<&Value>) {
        if key.kind == Kind::PersistentVolumeClaim && obj.is_none_or(super::obj::is_deleting) {
            self.claims_lost += 1;
        }
    }

    /// The dependents of `uid` of one kind (the index is sorted by kind first).
    /// A slice's iterator: the callers' adapters carry no copy of a search.
    pub fn dependents_of_kind<'a>(&'a self, uid: &str, kind: Kind) -> std::slice::Iter<'a, ObjKey> {
        let Some(set) = self.by_owner.get(uid) else {
            return [].iter();
        };
        let from = set.range(ObjKey { kind, ns: String::new(), name: String::new() }..).as_slice();
        from[..from.partition_point(|k| k.kind == kind)].iter()
    }

    /// How many objects of `kind` namespace `ns` holds (`""` for cluster-scoped kinds).
    pub fn count(&self, kind: Kind, ns: &str) -> usize {
        self.counts.get(&(kind, ns.to_string())).copied().unwrap_or(0)
    }

    /// Objects of `kind` in `ns` that have no controller reference (pods and ReplicaSets: the
    /// kinds controllers adopt).
    pub fn orphans<'a>(&'a self, kind: Kind, ns: &'a str) -> impl Iterator<Item = &'a ObjKey> + 'a {
        let start = ObjKey { kind, ns: ns.to_string(), name: String::new() };
        self.orphans.range(start..).take_while(move |k| k.kind == kind && k.ns == ns)
    }

    /// The last resourceVersion handed out: changes whenever anything is written.
    pub fn revision(&self) -> u64 {
        self.resource_version
    }

    pub fn next_resource_version(&mut self) -> String {
        self.resource_version += 1;
        self.resource_version.to_string()
    }

    /// Writes an object (create or update), bumping its resourceVersion.
    pub fn put(&mut self, key: ObjKey, mut obj: Value, at: SimTime) {
        let rv = self.next_resource_version();
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), Value::String(rv));
        }
        let ty = if let Some(old) = self.objects.get(&key) {
            let old_owners = owner_uids(old);
            for u in old_owners {
                if let Some(s) = self.by_owner.get_mut(&u) {
                    s.remove(&key);
                }
            }
            WatchType::Modified
        } else {
            WatchType::Added
        };
        for u in owner_uids(&obj) {
            self.by_owner.entry(u).or_default().insert(key.clone());
        }
        if adoptable(key.kind) && super::obj::controller_ref(&obj).is_none() {
            self.orphans.insert(key.clone());
        } else {
            self.orphans.remove(&key);
        }
        if ty == WatchType::Added {
            *self.counts.entry((key.kind, key.ns.clone())).or_default() += 1;
        }
        if key.kind == Kind::Pod {
            self.index_pod(&key, Some(&obj));
        }
        self.note_claim(&key, Some(&obj));
        let uid = super::obj::uid(&obj).to_string();
        let owners = owner_keys(&key, &obj);
        let obj = Rc::new(obj);
        if self.record {
            let rv = self.resource_version;
            self.log(WatchEvent { at, rv, ty, key: key.clone(), obj: obj.clone() });
        }
        self.objects.insert(key.clone(), obj);
        self.pending.push(Change { key, ty, uid, owners });
    }

    /// Edits a stored object in place (copied only if a snapshot or the watch log shares it),
    /// bumping its resourceVersion, as `put` of the edited object would. `f` must leave the
    /// object's ownerReferences as they are. False if there is no such object.
    pub fn edit(&mut self, key: &ObjKey, at: SimTime, f: impl FnOnce(&mut Value)) -> bool {
        let rv = self.resource_version + 1;
        let Some(rc) = self.objects.get_mut(key) else { return false };
        let obj = Rc::make_mut(rc);
        let owners_before = owner_uids(obj);
        f(obj);
        debug_assert_eq!(owners_before, owner_uids(obj), "an in-place edit changed ownerReferences");
        self.resource_version = rv;
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), Value::String(rv.to_string()));
        }
        let uid = super::obj::uid(obj).to_string();
        let owners = owner_keys(key, obj);
        let shared = rc.clone();
        if key.kind == Kind::Pod {
            self.index_pod(key, Some(&shared));
        }
        self.note_claim(key, Some(&shared));
        if self.record {
            self.log(WatchEvent { at, rv, ty: WatchType::Modified, key: key.clone(), obj: shared });
        }
        self.pending.push(Change { key: key.clone(), ty: WatchType::Modified, uid, owners });
        true
    }

    /// Removes an object for good.
    pub fn remove(&mut self, key: &ObjKey, at: SimTime) -> Option<Value> {
        let mut obj = Rc::unwrap_or_clone(self.objects.remove(key)?);
        self.orphans.remove(key);
        if let Some(n) = self.counts.get_mut(&(key.kind, key.ns.clone())) {
            *n = n.saturating_sub(1);
        }
        if key.kind == Kind::Pod {
            self.index_pod(key, None);
        }
        self.note_claim(key, None);
        for u in owner_uids(&obj) {
            if let Some(s) = self.by_owner.get_mut(&u) {
                s.remove(key);
                if s.is_empty() {
                    self.by_owner.remove(&u);
                }
            }
        }
        let rv = self.next_resource_version();
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("resourceVersion".into(), Value::String(rv));
        }
        if self.record {
            let (rv, obj) = (self.resource_version, Rc::new(obj.clone()));
            self.log(WatchEvent { at, rv, ty: WatchType::Deleted, key: key.clone(), obj });
        }
        self.pending.push(Change {
            key: key.clone(),
            ty: WatchType::Deleted,
            uid: super::obj::uid(&obj).to_string(),
            owners: owner_keys(key, &obj),
        });
        Some(obj)
    }

    /// Records a change in its kind's watch cache.
    fn log(&mut self, e: WatchEvent) {
        let i = e.key.kind as usize;
        if self.logs.len() <= i {
            self.logs.resize_with(i + 1, KindLog::default);
        }
        self.logs[i].push(e);
    }

    /// The cursor a new watch starts from: the latest resourceVersion (it reads what comes after).
    pub fn cursor(&self) -> u64 {
        self.resource_version
    }

    /// The changes to `kind` after `cursor`, in order; `Expired` when the kind's window has let
    /// go of a change after it (the watch fell behind).
    pub fn watch(&self, kind: Kind, cursor: u64) -> Result<impl Iterator<Item = &WatchEvent> + '_, Expired> {
        let log = self.logs.get(kind as usize);
        if let Some(e) = log.and_then(|l| l.expired(cursor)) {
            return Err(e);
        }
        let events = log.map(|l| &l.events);
        Ok(events.into_iter().flat_map(move |ev| ev.range(ev.partition_point(|e| e.rv <= cursor)..)))
    }

    /// Every change still held after `cursor`, of all kinds, in order (an audit of what
    /// happened, for tests; a watch reads one kind with [`Store::watch`]).
    pub fn events_since(&self, cursor: u64) -> Vec<WatchEvent> {
        let mut at: Vec<usize> = self.logs.iter().map(|l| l.events.partition_point(|e| e.rv <= cursor)).collect();
        let mut all = Vec::new();
        // A merge of the kinds' logs by resourceVersion (each is in order already).
        loop {
            let next = self.logs.iter().enumerate().filter_map(|(i, l)| l.events.get(at[i]).map(|e| (e.rv, i))).min();
            let Some((_, i)) = next else { break };
            all.push(self.logs[i].events[at[i]].clone());
            at[i] += 1;
        }
        all
    }

    /// Drops the changes no open watch needs: of each kind in `watching` (a kind and a watch's
    /// cursor), those up to its watches' earliest cursor; of every other kind, all of them.
    // k8s-diff: the API server keeps its whole window for watches yet to start (a reflector
    // resuming from an older resourceVersion); nothing in the lab can start a watch at an old
    // resourceVersion, so keeping it would only cost memory. The window's sizing is kept.
    pub fn trim_log(&mut self, watching: &[(Kind, u64)]) {
        for (i, log) in self.logs.iter_mut().enumerate() {
            let keep = watching.iter().filter(|(k, _)| *k as usize == i).map(|(_, c)| *c).min();
            let n = match keep {
                Some(c) => log.events.partition_point(|e| e.rv <= c),
                None => log.events.len(),
            };
            log.events.drain(..n);
        }
    }

    /// How many changes the watch cache holds, of every kind (what it costs).
    pub fn log_len(&self) -> usize {
        self.logs.iter().map(|l| l.events.len()).sum()
    }

    /// The capacity of `kind`'s window (the API server's watch cache size for it).
    pub fn window_capacity(&self, kind: Kind) -> usize {
        self.logs.get(kind as usize).map_or(WINDOW_MIN, |l| l.capacity.max(WINDOW_MIN))
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

/// The kinds a controller adopts (StatefulSets and ReplicaSets adopt pods, Deployments
/// ReplicaSets): only these are kept in the orphan index.
fn adoptable(kind: Kind) -> bool {
    matches!(kind, Kind::Pod | Kind::ReplicaSet)
}

fn owner_uids(obj: &Value) -> Vec<String> {
    obj.ptr("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|r| r.get("uid").and_then(Value::as_str).map(String::from)).collect())
        .unwrap_or_default()
}

/// `Store::list`'s objects. A type of its own whose `next` is one function: the B-tree walk was
/// copied into every caller's chain of adapters (25 copies, some 4 KB of the page's gzip).
pub struct List<'a> {
    /// The objects from the first key of the kind and namespace on; `None` past the last.
    range: Option<std::collections::btree_map::Range<'a, ObjKey, Rc<Value>>>,
    kind: Kind,
    ns: Option<&'a str>,
}

impl<'a> List<'a> {
    /// The same objects as the store shares them: an object not written since an earlier look
    /// is the same `Rc` (a write makes a new one), so a reader can keep what it made of it.
    pub fn shared(mut self) -> impl Iterator<Item = (&'a ObjKey, &'a Rc<Value>)> {
        std::iter::from_fn(move || self.next_shared())
    }

    #[inline(never)]
    fn next_shared(&mut self) -> Option<(&'a ObjKey, &'a Rc<Value>)> {
        let (k, v) = self.range.as_mut()?.next()?;
        if k.kind == self.kind && self.ns.is_none_or(|n| k.ns == n) {
            return Some((k, v));
        }
        self.range = None;
        None
    }
}

impl<'a> Iterator for List<'a> {
    type Item = (&'a ObjKey, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.next_shared().map(|(k, v)| (k, &**v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jv;
    use serde_json::json;

    #[test]
    fn lists_in_name_order_within_a_namespace() {
        let mut s = Store::new();
        for (ns, n) in [("default", "web-2"), ("default", "web-10"), ("other", "a"), ("default", "web-0")] {
            s.put(ObjKey::new(Kind::Pod, ns, n), json!({"metadata":{"name":n,"namespace":ns}}), SimTime::ZERO);
        }
        let names: Vec<_> = s.list(Kind::Pod, Some("default")).map(|(k, _)| k.name.clone()).collect();
        assert_eq!(names, ["web-0", "web-10", "web-2"]);
        assert_eq!(s.list(Kind::Pod, None).count(), 4);
        assert_eq!(s.list(Kind::Service, None).count(), 0);
    }

    #[test]
    fn owner_index_follows_updates_and_removal() {
        let mut s = Store::new();
        let k = ObjKey::new(Kind::Pod, "default", "p");
        s.put(k.clone(), json!({"metadata":{"name":"p","ownerReferences":[{"uid":"u1"}]}}), SimTime::ZERO);
        assert_eq!(s.dependents("u1"), vec![k.clone()]);
        s.put(k.clone(), json!({"metadata":{"name":"p"}}), SimTime::ZERO);
        assert!(s.dependents("u1").is_empty());
        let c = s.cursor();
        s.remove(&k, SimTime(5));
        assert_eq!(s.events_since(c).len(), 1);
        assert_eq!(s.events_since(c)[0].ty, WatchType::Deleted);
    }

    fn cm(name: &str) -> Value {
        jv!({"metadata":{"name":name,"namespace":"default"}})
    }

    fn owned_by(name: &str, owner_uid: &str, controller: bool) -> Value {
        jv!({"metadata":{"name":name,"namespace":"default","ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":owner_uid,"controller":controller}]}})
    }

    fn rv(o: &Value) -> &str {
        o.ptr("/metadata/resourceVersion").and_then(Value::as_str).unwrap_or("")
    }

    #[test]
    fn put_bumps_the_resource_version_on_every_write() {
        let mut s = Store::new();
        let a = ObjKey::new(Kind::ConfigMap, "default", "a");
        let b = ObjKey::new(Kind::ConfigMap, "default", "b");
        s.put(a.clone(), cm("a"), SimTime::ZERO);
        s.put(b.clone(), cm("b"), SimTime::ZERO);
        s.put(a.clone(), cm("a"), SimTime::ZERO);
        assert_eq!(s.revision(), 3);
        // One counter for the whole store, as etcd's revision: the last write wins the highest.
        assert_eq!(rv(s.get(&b).unwrap()), "2");
        assert_eq!(rv(s.get(&a).unwrap()), "3");
    }

    #[test]
    fn a_watch_cursor_sees_added_modified_deleted_in_order() {
        let mut s = Store::new();
        let k = ObjKey::new(Kind::ConfigMap, "default", "a");
        let cursor = s.cursor();
        s.put(k.clone(), cm("a"), SimTime(1));
        s.put(k.clone(), jv!({"metadata":{"name":"a","namespace":"default"},"data":{"x":"1"}}), SimTime(2));
        s.remove(&k, SimTime(3));
        let seen: Vec<(WatchType, u64, String)> =
            s.events_since(cursor).iter().map(|e| (e.ty, e.at.ms(), rv(&e.obj).to_string())).collect();
        assert_eq!(
            seen,
            [
                (WatchType::Added, 1, "1".into()),
                (WatchType::Modified, 2, "2".into()),
                (WatchType::Deleted, 3, "3".into())
            ]
        );
        // The DELETED event carries the object as it was last, under the deletion's own version.
        assert_eq!(s.events_since(cursor)[2].obj.ptr("/data/x").and_then(Value::as_str), Some("1"));
        assert!(s.get(&k).is_none());
    }

    #[test]
    fn a_cursor_taken_later_sees_only_later_events() {
        let mut s = Store::new();
        s.put(ObjKey::new(Kind::ConfigMap, "default", "a"), cm("a"), SimTime::ZERO);
        let cursor = s.cursor();
        assert!(s.events_since(cursor).is_empty());
        s.put(ObjKey::new(Kind::ConfigMap, "default", "b"), cm("b"), SimTime::ZERO);
        let names: Vec<String> = s.events_since(cursor).iter().map(|e| e.key.name.clone()).collect();
        assert_eq!(names, ["b"]);
    }

    #[test]
    fn trimming_the_log_keeps_later_cursors_valid() {
        let mut s = Store::new();
        for n in ["a", "b", "c"] {
            s.put(ObjKey::new(Kind::ConfigMap, "default", n), cm(n), SimTime::ZERO);
        }
        s.trim_log(&[(Kind::ConfigMap, 2)]);
        let names: Vec<String> = s.events_since(0).iter().map(|e| e.key.name.clone()).collect();
        assert_eq!(names, ["c"]);
        assert_eq!(s.cursor(), 3);
        // A kind no watch follows keeps nothing.
        s.put(ObjKey::new(Kind::Secret, "default", "s"), cm("s"), SimTime::ZERO);
        s.trim_log(&[(Kind::ConfigMap, 2)]);
        assert_eq!(s.log_len(), 1);
        s.trim_log(&[]);
        assert_eq!(s.log_len(), 0);
    }

    /// `n` changes of one ConfigMap, `every` virtual ms apart, from `start`.
    fn churn(s: &mut Store, n: u64, start: u64, every: u64) {
        let k = ObjKey::new(Kind::ConfigMap, "default", "a");
        for i in 0..n {
            s.put(k.clone(), cm("a"), SimTime(start + i * every));
        }
    }

    #[test]
    fn a_slow_kinds_window_holds_its_lower_bound_of_changes() {
        // One change a second: the 100th is 99 s after the first, older than eventFreshDuration
        // (75 s), so the window does not grow and the 101st change lets go of the first.
        let mut s = Store::new();
        churn(&mut s, 100, 0, 1000);
        assert_eq!((s.window_capacity(Kind::ConfigMap), s.log_len()), (100, 100));
        churn(&mut s, 1, 100_000, 1000);
        assert_eq!((s.window_capacity(Kind::ConfigMap), s.log_len()), (100, 100));
        assert_eq!(s.events_since(0)[0].rv, 2);
    }

    #[test]
    fn a_busy_kinds_window_doubles_while_fresh_up_to_its_upper_bound_and_halves_when_stale() {
        let mut s = Store::new();
        // 1,000 changes in 10 s: full at 100, 200, 400, 800 with the oldest fresh each time.
        churn(&mut s, 1000, 0, 10);
        assert_eq!(s.window_capacity(Kind::ConfigMap), 1600);
        assert_eq!(s.log_len(), 1000);
        // Another kind's window is its own.
        assert_eq!(s.window_capacity(Kind::Secret), 100);
        // Fill it, slowly: the 1,601st change finds even the newest quarter stale and halves it.
        churn(&mut s, 600, 20_000, 1000);
        assert_eq!(s.log_len(), 1600);
        churn(&mut s, 1, 700_000, 1000);
        assert_eq!((s.window_capacity(Kind::ConfigMap), s.log_len()), (800, 800));
        // The upper bound: 100 * 1024 changes, however fresh.
        let mut s = Store::new();
        churn(&mut s, 110_000, 0, 0);
        assert_eq!((s.window_capacity(Kind::ConfigMap), s.log_len()), (102_400, 102_400));
    }

    #[test]
    fn a_cursor_behind_its_kinds_window_is_too_old_in_the_api_servers_words() {
        let mut s = Store::new();
        s.put(ObjKey::new(Kind::Secret, "default", "s"), cm("s"), SimTime::ZERO);
        let behind = s.cursor();
        churn(&mut s, 101, 0, 1000);
        // rv 1 is the Secret; the ConfigMap's changes are 2..=102, and the window let go of rv 2.
        let e = s.watch(Kind::ConfigMap, behind).err().expect("fell behind");
        assert_eq!(e.to_string(), "too old resource version: 1 (2)");
        // A cursor that has read the dropped change is still served, from the next one.
        let rvs: Vec<u64> = s.watch(Kind::ConfigMap, 2).unwrap().map(|e| e.rv).collect();
        assert_eq!(rvs, (3..=102).collect::<Vec<_>>());
        // Another kind's window dropped nothing.
        assert_eq!(s.watch(Kind::Secret, 0).unwrap().count(), 1);
    }

    #[test]
    fn removing_a_missing_object_changes_nothing() {
        let mut s = Store::new();
        let cursor = s.cursor();
        assert!(s.remove(&ObjKey::new(Kind::ConfigMap, "default", "a"), SimTime::ZERO).is_none());
        assert_eq!(s.revision(), 0);
        assert!(s.events_since(cursor).is_empty());
    }

    #[test]
    fn with_recording_off_writes_land_but_the_log_stays_empty() {
        let mut s = Store::new();
        s.record = false;
        let k = ObjKey::new(Kind::ConfigMap, "default", "a");
        s.put(k.clone(), cm("a"), SimTime::ZERO);
        assert!(s.contains(&k));
        assert!(s.events_since(0).is_empty());
    }

    #[test]
    fn a_cluster_scoped_key_has_no_namespace() {
        assert_eq!(ObjKey::new(Kind::Node, "default", "node-1"), ObjKey::new(Kind::Node, "", "node-1"));
        assert_eq!(ObjKey::new(Kind::Pod, "default", "p").ns, "default");
    }

    #[test]
    fn orphan_index_holds_objects_without_a_controller_reference() {
        let mut s = Store::new();
        let k = ObjKey::new(Kind::Pod, "default", "p");
        s.put(k.clone(), cm("p"), SimTime::ZERO);
        assert_eq!(s.orphans(Kind::Pod, "default").collect::<Vec<_>>(), [&k]);
        assert_eq!(s.orphans(Kind::Pod, "other").count(), 0);
        assert_eq!(s.orphans(Kind::ConfigMap, "default").count(), 0);
        s.put(ObjKey::new(Kind::ConfigMap, "default", "c"), cm("c"), SimTime::ZERO);
        assert_eq!(s.orphans(Kind::ConfigMap, "default").count(), 0, "config maps are never adopted");
        assert_eq!((s.count(Kind::ConfigMap, "default"), s.count(Kind::Pod, "default")), (1, 1));
        // An owner that is not the controller leaves it adoptable.
        s.put(k.clone(), owned_by("p", "u1", false), SimTime::ZERO);
        assert_eq!(s.orphans(Kind::Pod, "default").count(), 1);
        s.put(k.clone(), owned_by("p", "u1", true), SimTime::ZERO);
        assert_eq!(s.orphans(Kind::Pod, "default").count(), 0);
        s.put(k.clone(), cm("p"), SimTime::ZERO);
        assert_eq!(s.orphans(Kind::Pod, "default").count(), 1);
        s.remove(&k, SimTime::ZERO);
        assert_eq!(s.orphans(Kind::Pod, "default").count(), 0);
    }

    #[test]
    fn dependents_of_kind_picks_one_kind_of_the_owners_dependents() {
        let mut s = Store::new();
        let pod = ObjKey::new(Kind::Pod, "default", "p");
        let claim = ObjKey::new(Kind::PersistentVolumeClaim, "default", "c");
        s.put(pod.clone(), owned_by("p", "u1", true), SimTime::ZERO);
        s.put(claim.clone(), owned_by("c", "u1", false), SimTime::ZERO);
        s.put(ObjKey::new(Kind::Pod, "default", "q"), owned_by("q", "u2", true), SimTime::ZERO);
        assert_eq!(s.dependents("u1"), [pod.clone(), claim.clone()]);
        assert_eq!(s.dependents_of_kind("u1", Kind::Pod).collect::<Vec<_>>(), [&pod]);
        assert_eq!(s.dependents_of_kind("u1", Kind::PersistentVolumeClaim).collect::<Vec<_>>(), [&claim]);
        assert_eq!(s.dependents_of_kind("u1", Kind::Secret).count(), 0);
        assert!(s.dependents("nobody").is_empty());
    }

    #[test]
    fn the_pod_index_follows_the_controller_of_each_pod() {
        let mut s = Store::new();
        let k = ObjKey::new(Kind::Pod, "default", "web-0");
        s.put(k.clone(), owned_by("web-0", "u1", true), SimTime::ZERO);
        let facts: Vec<_> = s.controlled_pods("u1").map(|f| (f.key.clone(), f.ordinal)).collect();
        assert_eq!(facts, [(k.clone(), Some(0))]);
        s.remove(&k, SimTime::ZERO);
        assert_eq!(s.controlled_pods("u1").count(), 0);
    }
}
