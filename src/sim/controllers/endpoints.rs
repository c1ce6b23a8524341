//! The Endpoints and EndpointSlice controllers: a Service's selected pods with an IP, ready ones
//! as addresses (or all with `publishNotReadyAddresses`), hostnames for a matching subdomain.
//!
//! Each Service's endpoints are kept in a cache (the controllers' informer state): a pod change
//! recomputes that pod's one entry, and a sync writes only when an entry changed. An
//! EndpointSlice holds at most 100 endpoints (the controller's `--max-endpoints-per-slice`
//! default) and only the slices whose endpoints changed are written, as the EndpointSlice
//! reconciler does (`reconcileByPortMapping`); Endpoints holds at most 1,000 addresses
//! (`maxCapacity`, `truncateEndpoints`). Writes go through the controller-manager's client,
//! limited to 20 requests a second with bursts of 30 (`--kube-api-qps`, `--kube-api-burst`):
//! changes that arrive while it waits are written together.

use crate::jv;
use crate::sim::obj;
use crate::sim::obj::Ptr;
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::time::SimTime;
use crate::sim::{Sim, Timer, Work};
use crate::support::collections::{VecMap, VecSet};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// `maxCapacity` of the Endpoints controller.
const MAX_ENDPOINTS_ADDRESSES: usize = 1000;
/// `--max-endpoints-per-slice`'s default.
const MAX_ENDPOINTS_PER_SLICE: usize = 100;
/// The controller-manager's client: `--kube-api-burst` 30, `--kube-api-qps` 20, in
/// thousandths of a request (refilled by 20 per millisecond).
const BURST_MILLI: u64 = 30_000;
const QPS: u64 = 20;

fn ip_key(ip: &str) -> Vec<u32> {
    ip.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// One pod's endpoint as both objects describe it.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    ip: String,
    uid: String,
    ready: bool,
    terminating: bool,
    /// The pod's container ports by name (to resolve a Service's named `targetPort`).
    named_ports: Vec<(String, Value)>,
    /// The Endpoints address and the EndpointSlice endpoint.
    address: Value,
    slice_endpoint: Value,
}

/// One EndpointSlice the controller wrote, and the pods it holds (by numeric IP).
#[derive(Clone, Debug)]
struct Slice {
    key: ObjKey,
    pods: BTreeSet<(Vec<u32>, ObjKey)>,
}

/// What the controllers know of one Service.
#[derive(Clone, Debug, Default)]
struct Cache {
    selector: Map<String, Value>,
    publish: bool,
    entries: BTreeMap<ObjKey, Entry>,
    /// Endpoints' order (`LessEndpointAddress`): the IP's text, then the pod's uid.
    by_text: BTreeSet<(String, String, ObjKey)>,
    /// The same, of the entries that are ready addresses, and of the not-ready ones.
    ready: BTreeSet<(String, String, ObjKey)>,
    not_ready: BTreeSet<(String, String, ObjKey)>,
    /// The slices' order: the IP's numbers.
    by_number: BTreeSet<(Vec<u32>, ObjKey)>,
    slices: Vec<Slice>,
    /// Pods changed since the last write, with their entry as last written.
    unwritten: BTreeMap<ObjKey, Option<Entry>>,
    /// The resourceVersion of the Endpoints as the controller last wrote it.
    written_rv: Option<String>,
    /// The Service changed since the last write (ports, labels).
    service_changed: bool,
    /// A retry is queued for when the client may write again.
    retry_at: Option<SimTime>,
}

/// Which pods changed for a Service since its last sync.
#[derive(Clone, Debug)]
enum Touched {
    All,
    Pods(BTreeSet<ObjKey>),
}

/// The controllers' state: a cache per Service, what changed, the client's rate limiter. Maps
/// by Service are sorted vectors (a map per pod stays a B-tree): one Service at a time moves.
#[derive(Clone, Debug, Default)]
pub struct State {
    services: VecMap<ObjKey, Box<Cache>>,
    touched: VecMap<ObjKey, Touched>,
    /// Thousandths of a request the client may send now, as of `tokens_at`.
    tokens: Option<(u64, SimTime)>,
    /// Endpoints copied into written objects (a measure of work).
    pub(crate) copied: u64,
    /// Endpoints walked past to find which slice holds a changed pod (a measure of work).
    pub(crate) walked: u64,
}

impl State {
    /// Pod `pod` changed (or went) and may concern Service `svc`.
    pub fn touch_pod(&mut self, svc: &ObjKey, pod: &ObjKey) {
        match self.touched.entry(svc.clone()).or_insert_with(|| Touched::Pods(BTreeSet::new())) {
            Touched::All => {}
            Touched::Pods(s) => {
                s.insert(pod.clone());
            }
        }
    }

    /// The Service itself changed.
    pub fn touch_service(&mut self, svc: &ObjKey) {
        self.touched.insert(svc.clone(), Touched::All);
    }

    /// Whether the cache of `svc` holds `pod` (it was selected when it last changed).
    pub fn holds(&self, svc: &ObjKey, pod: &ObjKey) -> bool {
        self.services.get(svc).is_some_and(|c| c.entries.contains_key(pod))
    }

    /// Takes one request from the client's bucket at `now`; `Err` says when one is free.
    fn take_token(&mut self, now: SimTime) -> Result<(), SimTime> {
        let (mut tokens, at) = self.tokens.unwrap_or((BURST_MILLI, now));
        tokens = (tokens + now.ms().saturating_sub(at.ms()) * QPS).min(BURST_MILLI);
        if tokens >= 1000 {
            self.tokens = Some((tokens - 1000, now));
            Ok(())
        } else {
            self.tokens = Some((tokens, now));
            Err(SimTime(now.ms() + (1000 - tokens).div_ceil(QPS)))
        }
    }
}

fn selects(selector: &Map<String, Value>, pod: &Value) -> bool {
    selector.iter().all(|(k, v)| obj::label(pod, k) == v.as_str())
}

/// The endpoint pod `p` gives Service `svc`, if it has one.
fn entry_of(svc: &ObjKey, selector: &Map<String, Value>, publish: bool, p: &Value) -> Option<Entry> {
    if !selects(selector, p) || matches!(obj::str_at(p, "/status/phase"), Some("Succeeded") | Some("Failed")) {
        return None;
    }
    let ip = obj::str_at(p, "/status/podIP")?.to_string();
    let terminating = obj::is_deleting(p);
    let pod_ready = obj::condition_true(p, "Ready");
    let hostname = match (obj::str_at(p, "/spec/hostname"), obj::str_at(p, "/spec/subdomain")) {
        (Some(h), Some(s)) if s == svc.name => Some(h.to_string()),
        _ => None,
    };
    let node = obj::str_at(p, "/spec/nodeName").unwrap_or_default();
    let target = jv!({"kind":"Pod","name":obj::name(p),"namespace":svc.ns,"uid":obj::uid(p)});
    let ready = publish || (pod_ready && !terminating);
    let mut address = jv!({"ip": ip, "nodeName": node, "targetRef": target});
    let mut slice_endpoint = jv!({"addresses":[ip],"conditions":{"ready":ready,"serving":pod_ready,"terminating":terminating},"nodeName":node,"targetRef":target});
    if let Some(h) = &hostname {
        address["hostname"] = jv!(h);
        slice_endpoint["hostname"] = jv!(h);
    }
    let named_ports = obj::arr_at(p, "/spec/containers")
        .iter()
        .flat_map(|c| obj::arr_at(c, "/ports"))
        .filter_map(|cp| Some((cp.get("name")?.as_str()?.to_string(), cp.get("containerPort")?.clone())))
        .collect();
    Some(Entry { ip, uid: obj::uid(p).to_string(), ready, terminating, named_ports, address, slice_endpoint })
}

impl Cache {
    fn listed_mut(&mut self, list: &str) -> &mut BTreeSet<(String, String, ObjKey)> {
        if list == "addresses" {
            &mut self.ready
        } else {
            &mut self.not_ready
        }
    }

    /// How many of each list the Endpoints hold: ready ones first, 1,000 in all
    /// (`truncateEndpoints`); and whether that truncates.
    fn window(&self) -> (usize, usize, bool) {
        let ready = self.ready.len().min(MAX_ENDPOINTS_ADDRESSES);
        let not_ready = self.not_ready.len().min(MAX_ENDPOINTS_ADDRESSES - ready);
        (ready, not_ready, self.ready.len() + self.not_ready.len() > MAX_ENDPOINTS_ADDRESSES)
    }

    /// Sets pod `pod`'s entry; true if it changed.
    fn set(&mut self, pod: &ObjKey, new: Option<Entry>) -> bool {
        let old = self.entries.get(pod);
        if old == new.as_ref() {
            return false;
        }
        self.unwritten.entry(pod.clone()).or_insert_with(|| old.cloned());
        if let Some(o) = self.entries.remove(pod) {
            self.by_text.remove(&(o.ip.clone(), o.uid.clone(), pod.clone()));
            if let Some(l) = list_of(&o) {
                self.listed_mut(l).remove(&(o.ip.clone(), o.uid, pod.clone()));
            }
            self.by_number.remove(&(ip_key(&o.ip), pod.clone()));
        }
        if let Some(n) = new {
            self.by_text.insert((n.ip.clone(), n.uid.clone(), pod.clone()));
            if let Some(l) = list_of(&n) {
                self.listed_mut(l).insert((n.ip.clone(), n.uid.clone(), pod.clone()));
            }
            self.by_number.insert((ip_key(&n.ip), pod.clone()));
            self.entries.insert(pod.clone(), n);
        }
        true
    }

    /// The Service's ports resolved against the pods' container ports (a named target port:
    /// the first pod by IP that names it).
    fn ports(&self, svc: &Value) -> Vec<Value> {
        obj::arr_at(svc, "/spec/ports")
            .iter()
            .map(|p| {
                let target = p.get("targetPort").cloned().unwrap_or_else(|| p.get("port").cloned().unwrap_or(jv!(0)));
                let port = match &target {
                    Value::String(name) => self
                        .by_number
                        .iter()
                        .find_map(|(_, k)| {
                            self.entries[k].named_ports.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
                        })
                        .unwrap_or(jv!(0)),
                    other => other.clone(),
                };
                let mut o = jv!({"port": port, "protocol": p.get("protocol").cloned().unwrap_or(jv!("TCP"))});
                if let Some(n) = p.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()) {
                    o["name"] = jv!(n);
                }
                o
            })
            .collect()
    }
}

// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let touched = sim.endpoints.touched.remove(key);
    let ep_key = ObjKey::new(Kind::Endpoints, &key.ns, &key.name);
    let Some(svc) = sim.store.get_rc(key) else {
        sim.endpoints.services.remove(key);
        if sim.store.contains(&ep_key) {
            sim.store.remove(&ep_key, sim.now());
        }
        return;
    };
    let Some(selector) = svc.ptr("/spec/selector").and_then(Value::as_object).filter(|s| !s.is_empty()).cloned() else {
        sim.endpoints.services.remove(key);
        return;
    };
    let publish = obj::bool_at(&svc, "/spec/publishNotReadyAddresses").unwrap_or(false);
    let mut cache = sim.endpoints.services.remove(key).unwrap_or_else(|| Box::new(adopt(sim, key)));
    // A retry after the client's wait has its changes in the cache already.
    let retry = touched.is_none() && cache.retry_at.is_some();
    let full = match &touched {
        Some(Touched::Pods(_)) => false,
        Some(Touched::All) => true,
        None => !retry,
    } || cache.selector != selector
        || cache.publish != publish;
    let pods: Vec<ObjKey> = match touched {
        Some(Touched::Pods(s)) if !full => s.into_iter().collect(),
        None if !full => Vec::new(),
        _ => {
            // Everything again: the pods it held and every pod of the namespace it selects.
            // Inserted one by one (`collect` would sort them first with its own copy of the sort).
            let mut all = BTreeSet::new();
            all.extend(cache.entries.keys().cloned());
            all.extend(
                sim.store.list(Kind::Pod, Some(&key.ns)).filter(|(_, p)| selects(&selector, p)).map(|(k, _)| k.clone()),
            );
            all.into_iter().collect()
        }
    };
    cache.selector = selector;
    cache.publish = publish;
    cache.service_changed |= full;
    for pod in &pods {
        let new = sim.store.get(pod).and_then(|p| entry_of(key, &cache.selector, publish, p));
        cache.set(pod, new);
    }
    let exists = sim.store.contains(&ep_key) && cache.slices.iter().all(|s| sim.store.contains(&s.key));
    if exists && cache.unwritten.is_empty() && !cache.service_changed {
        sim.endpoints.services.insert(key.clone(), cache);
        return;
    }
    if exists {
        if let Err(free_at) = sim.endpoints.take_token(sim.now()) {
            // k8s-diff: the Endpoints and EndpointSlice controllers share one client here, and
            // one sync's writes take one request of it.
            if cache.retry_at.is_none_or(|t| t <= sim.now()) {
                cache.retry_at = Some(free_at);
                sim.schedule(free_at.ms() - sim.now().ms(), Timer::Requeue(Work::Endpoints(key.clone())));
            }
            sim.endpoints.services.insert(key.clone(), cache);
            return;
        }
    }
    write_endpoints(sim, key, &svc, &mut cache);
    write_slices(sim, key, &svc, &mut cache);
    cache.unwritten.clear();
    cache.service_changed = false;
    cache.retry_at = None;
    sim.endpoints.services.insert(key.clone(), cache);
}

/// A cache for a Service the controllers have not synced yet: the slices the store has for it
/// (a Service whose selector came back finds its old slice).
fn adopt(sim: &Sim, key: &ObjKey) -> Cache {
    let slices = sim
        .store
        .list(Kind::EndpointSlice, Some(&key.ns))
        .filter(|(_, s)| obj::label(s, "kubernetes.io/service-name") == Some(&key.name))
        .map(|(k, s)| Slice {
            key: k.clone(),
            pods: obj::arr_at(s, "/endpoints")
                .iter()
                .filter_map(|e| {
                    let ip = obj::str_at(e, "/addresses/0")?;
                    Some((ip_key(ip), ObjKey::new(Kind::Pod, &key.ns, obj::str_at(e, "/targetRef/name")?)))
                })
                .collect(),
        })
        .collect();
    Cache { slices, ..Cache::default() }
}

/// The Service's labels on its Endpoints (and slices): headless ones marked.
fn endpoint_labels(svc: &Value) -> Value {
    let mut labels = svc.ptr("/metadata/labels").cloned().unwrap_or(jv!({}));
    if obj::str_at(svc, "/spec/clusterIP") == Some("None") {
        labels["service.kubernetes.io/headless"] = jv!("");
    }
    labels
}

/// Writes the Endpoints: ready addresses, then not-ready ones that are not terminating, at
/// most 1,000 (ready ones first; `endpoints.kubernetes.io/over-capacity: truncated` then).
fn write_endpoints(sim: &mut Sim, key: &ObjKey, svc: &Value, cache: &mut Cache) {
    let ep_key = ObjKey::new(Kind::Endpoints, &key.ns, &key.name);
    if edit_endpoints(sim, &ep_key, svc, cache) {
        return;
    }
    let entries = cache.by_text.iter().map(|(_, _, k)| &cache.entries[k]);
    let ready_count = entries.clone().filter(|e| e.ready).count();
    let not_ready_count = entries.clone().filter(|e| !e.ready && !e.terminating).count();
    let truncated = ready_count + not_ready_count > MAX_ENDPOINTS_ADDRESSES;
    let ready: Vec<Value> =
        entries.clone().filter(|e| e.ready).take(MAX_ENDPOINTS_ADDRESSES).map(|e| e.address.clone()).collect();
    let room = MAX_ENDPOINTS_ADDRESSES.saturating_sub(ready.len());
    let not_ready: Vec<Value> =
        entries.filter(|e| !e.ready && !e.terminating).take(room).map(|e| e.address.clone()).collect();
    sim.endpoints.copied += (ready.len() + not_ready.len()) as u64;
    let mut subset = Map::new();
    if !ready.is_empty() {
        subset.insert("addresses".into(), Value::Array(ready));
    }
    if !not_ready.is_empty() {
        subset.insert("notReadyAddresses".into(), Value::Array(not_ready));
    }
    let subsets = if subset.is_empty() {
        None
    } else {
        subset.insert("ports".into(), Value::Array(cache.ports(svc)));
        Some(Value::Array(vec![Value::Object(subset)]))
    };
    let labels = endpoint_labels(svc);
    let Some(cur) = sim.store.get_rc(&ep_key) else {
        let mut o =
            jv!({"apiVersion":"v1","kind":"Endpoints","metadata":{"name":key.name,"namespace":key.ns,"labels":labels}});
        if let Some(s) = subsets {
            o["subsets"] = s;
        }
        if truncated {
            o["metadata"]["annotations"] = jv!({"endpoints.kubernetes.io/over-capacity":"truncated"});
        }
        if let Ok(made) = sim.create(o) {
            cache.written_rv = obj::str_at(&made, "/metadata/resourceVersion").map(String::from);
        }
        return;
    };
    let annotations = cur.ptr("/metadata/annotations").and_then(Value::as_object);
    let marked = annotations.is_some_and(|a| a.contains_key("endpoints.kubernetes.io/over-capacity"));
    if cur.get("subsets") == subsets.as_ref() && cur.ptr("/metadata/labels") == Some(&labels) && marked == truncated {
        return;
    }
    // The object anew from the stored one's other fields (no copy of the old addresses), inserted
    // one by one (`collect` would sort them first with its own copy of the sort).
    let mut o = Map::new();
    for (k, v) in cur.as_object().into_iter().flatten().filter(|(k, _)| *k != "subsets") {
        o.insert(k.clone(), v.clone());
    }
    drop(cur);
    if let Some(s) = subsets {
        o.insert("subsets".into(), s);
    }
    let mut o = Value::Object(o);
    let meta = obj::meta_mut(&mut o);
    meta.insert("labels".into(), labels);
    if truncated {
        let a = meta.entry("annotations").or_insert_with(|| jv!({}));
        a["endpoints.kubernetes.io/over-capacity"] = jv!("truncated");
    } else {
        drop_capacity_mark(meta);
    }
    cache.written_rv = obj::str_at(&o, "/metadata/resourceVersion").map(|_| (sim.store.revision() + 1).to_string());
    sim.store.put(ep_key, o, sim.now());
}

/// The sort key of a stored address: its IP, its pod's uid, its pod.
fn key_of(a: &Value, ns: &str) -> (String, String, ObjKey) {
    (
        obj::str_at(a, "/ip").unwrap_or("").to_string(),
        obj::str_at(a, "/targetRef/uid").unwrap_or("").to_string(),
        ObjKey::new(Kind::Pod, ns, obj::str_at(a, "/targetRef/name").unwrap_or("")),
    )
}

/// Where the address of (ip, uid) is, or would go, in a list sorted as `LessEndpointAddress`.
fn position(list: &[Value], ip: &str, uid: &str) -> Result<usize, usize> {
    list.binary_search_by(|a| {
        (obj::str_at(a, "/ip").unwrap_or(""), obj::str_at(a, "/targetRef/uid").unwrap_or("")).cmp(&(ip, uid))
    })
}

/// Removes the over-capacity annotation (and the annotations, if it was the only one: an
/// empty map is not written).
fn drop_capacity_mark(meta: &mut Map<String, Value>) {
    if let Some(a) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
        a.remove("endpoints.kubernetes.io/over-capacity");
        if a.is_empty() {
            meta.remove("annotations");
        }
    }
}

/// Which list of the Endpoints' subset holds an entry, if any.
fn list_of(e: &Entry) -> Option<&'static str> {
    if e.ready {
        Some("addresses")
    } else if !e.terminating {
        Some("notReadyAddresses")
    } else {
        None
    }
}

/// Applies the changed entries to the stored Endpoints in place, as the full rebuild would
/// write them: each list is the first of its sorted set, merged with the stored list so that
/// only the changed addresses are copied. False when it cannot (first write, the Service or
/// the object changed by someone else).
fn edit_endpoints(sim: &mut Sim, ep_key: &ObjKey, svc: &Value, cache: &mut Cache) -> bool {
    let Some(cur) = sim.store.get(ep_key) else { return false };
    let rv = obj::str_at(cur, "/metadata/resourceVersion");
    if cache.service_changed || rv.is_none() || rv != cache.written_rv.as_deref() {
        return false;
    }
    let (n_ready, n_not_ready, truncated) = cache.window();
    let ports = Value::Array(cache.ports(svc));
    let marked =
        cur.ptr("/metadata/annotations").and_then(|a| a.get("endpoints.kubernetes.io/over-capacity")).is_some();
    let same_ports =
        cur.ptr("/subsets/0/ports") == Some(&ports) || (n_ready + n_not_ready == 0 && cur.get("subsets").is_none());
    let lists = [("addresses", &cache.ready, n_ready), ("notReadyAddresses", &cache.not_ready, n_not_ready)];
    // A list is as stored when it keeps its length and every changed pod is in neither the
    // stored list nor the new one, or in both with the same address.
    let same_list = |name: &str, set: &BTreeSet<(String, String, ObjKey)>, n: usize| {
        let stored = obj::arr_at(cur, &format!("/subsets/0/{name}"));
        let new_last = n.checked_sub(1).and_then(|i| set.iter().nth(i));
        stored.len() == n
            && cache.unwritten.iter().all(|(pod, old)| {
                let was = old
                    .as_ref()
                    .filter(|o| list_of(o) == Some(name))
                    .and_then(|o| position(stored, &o.ip, &o.uid).ok());
                let now = cache.entries.get(pod).filter(|e| list_of(e) == Some(name)).filter(|e| {
                    new_last.is_some_and(|l| (e.ip.as_str(), e.uid.as_str(), pod) <= (l.0.as_str(), l.1.as_str(), &l.2))
                });
                match (was, now) {
                    (None, None) => true,
                    (Some(i), Some(e)) => stored[i] == e.address,
                    _ => false,
                }
            })
    };
    if same_ports && marked == truncated && lists.iter().all(|(name, set, n)| same_list(name, set, *n)) {
        return true;
    }
    let mut copied = 0u64;
    let now = sim.now();
    let ns = ep_key.ns.clone();
    sim.store.edit(ep_key, now, |o| {
        let mut subset = match o.get_mut("subsets").and_then(Value::as_array_mut).and_then(|a| a.pop()) {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        subset.remove("ports");
        for (name, set, n) in lists {
            let mut list = match subset.remove(name) {
                Some(Value::Array(a)) => a,
                _ => Vec::new(),
            };
            let old_last = list.last().map(|a| key_of(a, &ns));
            // Out go the changed pods' old addresses; in come their new ones up to the old
            // end (the list is then every address of the set up to there).
            for (pod, old) in &cache.unwritten {
                if let Some(o) = old.as_ref().filter(|o| list_of(o) == Some(name)) {
                    if let Ok(i) = position(&list, &o.ip, &o.uid) {
                        list.remove(i);
                    }
                }
                let Some(e) = cache.entries.get(pod).filter(|e| list_of(e) == Some(name)) else { continue };
                if old_last.as_ref().is_some_and(|l| (&e.ip, &e.uid, pod) <= (&l.0, &l.1, &l.2)) {
                    copied += 1;
                    match position(&list, &e.ip, &e.uid) {
                        Ok(i) => list[i] = e.address.clone(),
                        Err(i) => list.insert(i, e.address.clone()),
                    }
                }
            }
            // Then cut or continue it to its length.
            list.truncate(n);
            if list.len() < n {
                let after = list.last().map(|a| key_of(a, &ns));
                let more: Vec<&(String, String, ObjKey)> = match &after {
                    Some(k) => set
                        .range((std::ops::Bound::Excluded(k.clone()), std::ops::Bound::Unbounded))
                        .take(n - list.len())
                        .collect(),
                    None => set.iter().take(n).collect(),
                };
                for (_, _, pod) in more {
                    copied += 1;
                    list.push(cache.entries[pod].address.clone());
                }
            }
            if !list.is_empty() {
                subset.insert(name.into(), Value::Array(list));
            }
        }
        let m = o.as_object_mut().expect("an object");
        if subset.is_empty() {
            m.remove("subsets");
        } else {
            subset.insert("ports".into(), ports);
            m.insert("subsets".into(), Value::Array(vec![Value::Object(subset)]));
        }
        let meta = obj::meta_mut(o);
        if truncated {
            let a = meta.entry("annotations").or_insert_with(|| jv!({}));
            a["endpoints.kubernetes.io/over-capacity"] = jv!("truncated");
        } else {
            drop_capacity_mark(meta);
        }
    });
    sim.endpoints.copied += copied;
    cache.written_rv = Some(sim.store.revision().to_string());
    true
}

/// Places the changed pods in slices as the reconciler does and writes the slices that changed.
fn write_slices(sim: &mut Sim, key: &ObjKey, svc: &Value, cache: &mut Cache) {
    // Slices the store no longer has (deleted by hand) are forgotten; their pods placed again.
    let gone: Vec<ObjKey> = cache
        .slices
        .iter()
        .filter(|s| !sim.store.contains(&s.key))
        .flat_map(|s| s.pods.iter().map(|(_, k)| k.clone()))
        .collect();
    cache.slices.retain(|s| sim.store.contains(&s.key));
    for pod in gone {
        let e = cache.entries.get(&pod).cloned();
        cache.unwritten.entry(pod).or_insert(e);
    }
    let mut changed: VecSet<usize> = VecSet::new();
    let mut to_place: Vec<(Vec<u32>, ObjKey)> = Vec::new();
    // 1. Existing slices drop the endpoints no longer desired and keep the changed ones.
    for (pod, last) in &cache.unwritten {
        let held = held_by(&cache.slices, pod, last.as_ref(), &mut sim.endpoints.walked);
        let want = cache.entries.get(pod).map(|e| (ip_key(&e.ip), pod.clone()));
        match (held, want) {
            (Some(i), Some(w)) if cache.slices[i].pods.contains(&w) => {
                changed.insert(i);
            }
            (Some(i), w) => {
                cache.slices[i].pods.retain(|(_, k)| k != pod);
                changed.insert(i);
                to_place.extend(w);
            }
            (None, w) => to_place.extend(w),
        }
    }
    // 2. Room in the slices being updated, fullest first; 3. one unchanged slice that fits
    // what is left, or new slices.
    let mut order: Vec<usize> = changed.iter().copied().collect();
    crate::support::sort::sort_by(&mut order, |a, b| cache.slices[*b].pods.len().cmp(&cache.slices[*a].pods.len()));
    let mut rest = to_place.into_iter();
    let mut next = rest.next();
    for i in order {
        while next.is_some() && cache.slices[i].pods.len() < MAX_ENDPOINTS_PER_SLICE {
            cache.slices[i].pods.extend(next.take());
            next = rest.next();
        }
    }
    let mut left: Vec<(Vec<u32>, ObjKey)> = next.into_iter().chain(rest).collect();
    let mut new_slices: Vec<BTreeSet<(Vec<u32>, ObjKey)>> = Vec::new();
    while !left.is_empty() {
        let fit = (left.len() < MAX_ENDPOINTS_PER_SLICE)
            .then(|| {
                (0..cache.slices.len())
                    .filter(|i| {
                        !changed.contains(i) && cache.slices[*i].pods.len() + left.len() <= MAX_ENDPOINTS_PER_SLICE
                    })
                    .min_by_key(|i| MAX_ENDPOINTS_PER_SLICE - cache.slices[*i].pods.len() - left.len())
            })
            .flatten();
        let take = left.len().min(MAX_ENDPOINTS_PER_SLICE - fit.map_or(0, |i| cache.slices[i].pods.len()));
        let batch: Vec<_> = left.drain(..take).collect();
        match fit {
            Some(i) => {
                cache.slices[i].pods.extend(batch);
                changed.insert(i);
            }
            None => {
                // Inserted one by one (`collect` would sort them first with its own copy of the sort).
                let mut slice = BTreeSet::new();
                slice.extend(batch);
                new_slices.push(slice);
            }
        }
    }
    if cache.service_changed {
        changed.extend(0..cache.slices.len());
    }
    let ports = Value::Array(cache.ports(svc));
    put_slices(sim, key, svc, cache, changed, new_slices, &ports);
}

/// The slice holding `pod`: looked up by the address it was last written with, so a change
/// costs a look into each slice, not a walk over every endpoint. A pod without an entry at the
/// last write is in no slice; one not found under its address is looked for everywhere.
fn held_by(slices: &[Slice], pod: &ObjKey, last: Option<&Entry>, walked: &mut u64) -> Option<usize> {
    let at = (ip_key(&last?.ip), pod.clone());
    slices.iter().position(|s| s.pods.contains(&at)).or_else(|| {
        slices.iter().position(|s| {
            *walked += s.pods.len() as u64;
            s.pods.iter().any(|(_, k)| k == pod)
        })
    })
}

/// The endpoints of one slice, in its order.
fn slice_endpoints(copied: &mut u64, cache: &Cache, pods: &BTreeSet<(Vec<u32>, ObjKey)>) -> Value {
    *copied += pods.len() as u64;
    Value::Array(pods.iter().map(|(_, k)| cache.entries[k].slice_endpoint.clone()).collect())
}

/// Writes the changed slices (deleting empty ones but the last), then creates the new ones; a
/// Service without endpoints keeps one empty slice.
fn put_slices(
    sim: &mut Sim,
    key: &ObjKey,
    svc: &Value,
    cache: &mut Cache,
    changed: VecSet<usize>,
    mut new_slices: Vec<BTreeSet<(Vec<u32>, ObjKey)>>,
    ports: &Value,
) {
    let mut labels = endpoint_labels(svc);
    labels["kubernetes.io/service-name"] = jv!(key.name);
    labels["endpointslice.kubernetes.io/managed-by"] = jv!("endpointslice-controller.k8s.io");
    if cache.slices.is_empty() && new_slices.is_empty() {
        new_slices.push(BTreeSet::new());
    }
    let mut keep = vec![true; cache.slices.len()];
    for i in changed.iter().copied() {
        let sk = cache.slices[i].key.clone();
        if cache.slices[i].pods.is_empty() && (cache.slices.len() > 1 || !new_slices.is_empty()) {
            keep[i] = false;
            sim.store.remove(&sk, sim.now());
            continue;
        }
        let endpoints = slice_endpoints(&mut sim.endpoints.copied, cache, &cache.slices[i].pods);
        sim.modify(&sk, |o| {
            o["endpoints"] = endpoints;
            o["ports"] = ports.clone();
            if cache.service_changed {
                obj::meta_mut(o).insert("labels".into(), labels.clone());
            }
        });
    }
    let mut i = 0;
    cache.slices.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    for pods in new_slices {
        let o = jv!({"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"generateName":format!("{}-", key.name),"namespace":key.ns,"labels":labels,"ownerReferences":[obj::owner_ref(svc, true)]},
            "addressType":"IPv4","endpoints":slice_endpoints(&mut sim.endpoints.copied, cache, &pods),"ports":ports});
        if let Ok(made) = sim.create(o) {
            cache.slices.push(Slice { key: ObjKey::of(Kind::EndpointSlice, &made), pods });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{DeleteOptions, SimConfig};

    fn cluster() -> Sim {
        Sim::new(SimConfig::seeded(3))
    }

    fn service(publish: bool) -> Value {
        jv!({"apiVersion":"v1","kind":"Service","metadata":{"name":"d","namespace":"default"},
            "spec":{"selector":{"app":"d"},"ports":[{"port":80,"targetPort":"http"}],"publishNotReadyAddresses":publish}})
    }

    fn deployment(replicas: i64) -> Value {
        jv!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"default"},
            "spec":{"replicas":replicas,"selector":{"matchLabels":{"app":"d"}},
              "template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"app","image":"nginx","ports":[{"name":"http","containerPort":8080}]}]}}}})
    }

    /// The Endpoints and slices a controller starting afresh writes for Service `d` now.
    fn from_scratch(sim: &Sim) -> (Value, Vec<Value>) {
        let mut fresh = sim.clone();
        fresh.endpoints = State::default();
        for (k, _) in sim.store.list(Kind::EndpointSlice, Some("default")).filter(|(k, _)| k.name.starts_with("d-")) {
            fresh.store.remove(k, fresh.now());
        }
        let svc = ObjKey::new(Kind::Service, "default", "d");
        fresh.endpoints.touch_service(&svc);
        sync(&mut fresh, &svc);
        (fresh.get(Kind::Endpoints, "default", "d").cloned().unwrap(), endpoints_of_slices(&fresh))
    }

    /// Every endpoint of the Service's slices, by pod name.
    fn endpoints_of_slices(sim: &Sim) -> Vec<Value> {
        let mut all: Vec<Value> = sim
            .store
            .list(Kind::EndpointSlice, Some("default"))
            .filter(|(_, s)| obj::label(s, "kubernetes.io/service-name") == Some("d"))
            .flat_map(|(_, s)| obj::arr_at(s, "/endpoints").to_vec())
            .collect();
        crate::support::sort::sort_by(&mut all, |a, b| {
            obj::str_at(a, "/targetRef/name").cmp(&obj::str_at(b, "/targetRef/name"))
        });
        all
    }

    /// Compares what was written with a rebuild, unless a write waits for the client.
    fn check_against_scratch(sim: &Sim) -> bool {
        let svc = ObjKey::new(Kind::Service, "default", "d");
        if sim.endpoints.services.get(&svc).is_some_and(|c| !c.unwritten.is_empty()) {
            return false;
        }
        let (ep, eps) = from_scratch(sim);
        let stored = sim.get(Kind::Endpoints, "default", "d").unwrap();
        assert!(stored.get("subsets") == ep.get("subsets"), "incremental Endpoints differ at {}", sim.now());
        assert!(endpoints_of_slices(sim) == eps, "slices differ at {}", sim.now());
        for (_, s) in sim.store.list(Kind::EndpointSlice, Some("default")) {
            assert!(obj::arr_at(s, "/endpoints").len() <= MAX_ENDPOINTS_PER_SLICE);
        }
        true
    }

    #[test]
    fn endpoints_written_change_by_change_equal_a_rebuild_from_scratch() {
        for publish in [false, true] {
            let mut sim = cluster();
            sim.create(service(publish)).unwrap();
            sim.create(deployment(150)).unwrap();
            let mut checked = 0;
            for _ in 0..40 {
                sim.advance(1_000);
                checked += check_against_scratch(&sim) as usize;
            }
            assert!(checked > 10, "only {checked} moments without a pending write");
            sim.run_until_idle(3_600_000);
            assert!(check_against_scratch(&sim));
            let names: Vec<ObjKey> =
                sim.store.list(Kind::Pod, Some("default")).map(|(k, _)| k.clone()).take(30).collect();
            for k in names {
                sim.delete(&k, DeleteOptions::default()).unwrap();
            }
            sim.advance(60_000);
            assert!(check_against_scratch(&sim));
            let mut d = sim.get(Kind::Deployment, "default", "d").cloned().unwrap();
            d["spec"]["replicas"] = jv!(40);
            sim.update(d).unwrap();
            for _ in 0..60 {
                sim.advance(1_000);
                check_against_scratch(&sim);
            }
        }
    }

    /// A cluster with twelve workers (a kubelet holds at most 110 pods) and room for 2,000 pods.
    fn big_cluster() -> Sim {
        let mut y = String::from(
            "kubernetesVersion: 1.26.5\nstartTime: 2022-05-28T09:00:00Z\nclusterAgeSeconds: 7200\nnodes:\n",
        );
        for i in 1..=12 {
            y.push_str(&format!("- {{name: w{i}, role: worker, ip: 192.168.10.{i}, podCidr: 172.16.{i}.0/24}}\n"));
        }
        y.push_str(
            "serviceCidr: 10.200.1.0/24\nclusterDns: 10.200.1.10\nclusterDomain: cluster.local\nstorageClasses: []\n",
        );
        let mut profile = crate::sim::Profile::from_yaml(&y).unwrap();
        // Past the built-in quota's thousand pods: the cap under test is the Endpoints'.
        profile.object_limit = 2_000;
        Sim::new(SimConfig { seed: 3, profile })
    }

    #[test]
    fn a_slice_holds_at_most_100_endpoints_and_endpoints_at_most_1000_addresses() {
        let mut sim = big_cluster();
        sim.create(service(true)).unwrap();
        sim.create(deployment(1_050)).unwrap();
        sim.run_until_idle(3_600_000);
        let slices: Vec<usize> = sim
            .store
            .list(Kind::EndpointSlice, Some("default"))
            .filter(|(_, s)| obj::label(s, "kubernetes.io/service-name") == Some("d"))
            .map(|(_, s)| obj::arr_at(s, "/endpoints").len())
            .collect();
        assert_eq!(slices.iter().sum::<usize>(), 1_050);
        assert!(slices.len() >= 11 && slices.iter().all(|n| *n <= 100), "{slices:?}");
        let ep = sim.get(Kind::Endpoints, "default", "d").unwrap();
        assert_eq!(obj::arr_at(ep, "/subsets/0/addresses").len(), 1_000);
        let mark = ep.ptr("/metadata/annotations").and_then(|a| a.get("endpoints.kubernetes.io/over-capacity"));
        assert_eq!(mark.and_then(Value::as_str), Some("truncated"));
        assert!(check_against_scratch(&sim));
        // Pods going and coming back past the cap: the window moves as a rebuild has it.
        let names: Vec<ObjKey> =
            sim.store.list(Kind::Pod, Some("default")).map(|(k, _)| k.clone()).step_by(20).collect();
        for k in names {
            sim.delete(&k, DeleteOptions { grace_seconds: Some(0), ..Default::default() }).unwrap();
        }
        let mut checked = 0;
        for _ in 0..30 {
            sim.advance(1_000);
            checked += check_against_scratch(&sim) as usize;
        }
        assert!(checked > 5);
        let mut d = sim.get(Kind::Deployment, "default", "d").cloned().unwrap();
        d["spec"]["replicas"] = jv!(900);
        sim.update(d).unwrap();
        sim.run_until_idle(3_600_000);
        assert!(check_against_scratch(&sim));
        let ep = sim.get(Kind::Endpoints, "default", "d").unwrap();
        assert!(ep.ptr("/metadata/annotations").is_none(), "the mark goes with the truncation");
        assert_eq!(obj::str_at(ep, "/subsets/0/ports/0/port").map(String::from), None);
        assert_eq!(obj::i64_at(ep, "/subsets/0/ports/0/port"), Some(8080));
    }
}
