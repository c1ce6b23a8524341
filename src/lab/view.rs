//! What the page's cluster diagram and Events panel show, read from the model: nodes as
//! lanes, pods as cards with their STATUS text (kubectl's own column), claims and volumes as
//! disks, Services with the DNS records CoreDNS would answer now, and links: owners to
//! what they own, pods to the claims they mount, claims to the volumes they bind.
//!
//! Nothing here decides anything: every status, record and link is what `kubectl` or
//! `nslookup` would show at this moment. The yew diagram draws it; native tests read it.

use crate::kubectl::tables;
use crate::sim::dns::{self, Answer, QType, Record};
use crate::sim::labels::Selector;
use crate::sim::system::is_system_namespace;
use crate::sim::{obj, Kind, ObjKey, Sim};
use crate::support::collections::VecMap;
use serde_json::Value;
use std::rc::Rc;

/// How a pod card is coloured: the stage its STATUS text belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Pending,
    Creating,
    Running,
    Terminating,
    Failed,
    Done,
}

/// The parts of a pod's name: what is fixed, and what the controller made up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The owner's name.
    Stem,
    /// A Deployment's pod-template-hash.
    Hash,
    /// A ReplicaSet's random suffix.
    Random,
    /// A StatefulSet's ordinal.
    Ordinal,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodCard {
    pub key: ObjKey,
    pub name_parts: Vec<(String, Part)>,
    /// kubectl's STATUS column.
    pub status: String,
    /// kubectl's READY column.
    pub ready: String,
    pub stage: Stage,
    pub ip: String,
    pub node: Option<String>,
    /// Claims the pod mounts.
    pub claims: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub node: String,
    pub role: String,
    pub ip: String,
    pub pods: Vec<PodCard>,
}

/// A PersistentVolumeClaim and the volume bound to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Disk {
    pub claim: ObjKey,
    /// Pending, Bound, Lost.
    pub phase: String,
    pub volume: Option<String>,
    pub capacity: String,
    /// The node the volume lives on (local-path volumes are tied to one).
    pub node: Option<String>,
    /// The pod that mounts it now, if any.
    pub used_by: Option<String>,
}

/// One DNS record a Service has, lit when CoreDNS answers it now.
#[derive(Clone, Debug, PartialEq)]
pub struct DnsRecord {
    pub name: String,
    /// `A` or `SRV`.
    pub ty: &'static str,
    pub value: String,
    pub lit: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServiceCard {
    pub key: ObjKey,
    pub cluster_ip: String,
    pub records: Vec<DnsRecord>,
}

/// A controller (Deployment, ReplicaSet, StatefulSet) with kubectl's READY column.
#[derive(Clone, Debug, PartialEq)]
pub struct ControllerCard {
    pub key: ObjKey,
    pub ready: String,
}

/// Why one object is linked to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rel {
    /// ownerReferences: the owner made the dependent.
    Owns,
    /// A pod mounts a claim.
    Mounts,
    /// A claim is bound to a volume.
    Binds,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagram {
    pub lanes: Vec<Lane>,
    /// Pods no node has taken yet.
    pub unscheduled: Vec<PodCard>,
    pub controllers: Vec<ControllerCard>,
    pub disks: Vec<Disk>,
    /// Volumes no claim holds (Released, Available).
    pub loose_volumes: Vec<(String, String)>,
    pub services: Vec<ServiceCard>,
    pub links: Vec<(ObjKey, ObjKey, Rel)>,
}

fn key_of(kind: Kind, o: &Value) -> ObjKey {
    ObjKey::new(kind, obj::namespace(o), obj::name(o))
}

fn stage(status: &str, o: &Value) -> Stage {
    if obj::is_deleting(o) || status == "Terminating" {
        return Stage::Terminating;
    }
    match status {
        "Running" => Stage::Running,
        "Pending" => Stage::Pending,
        "ContainerCreating" | "PodInitializing" => Stage::Creating,
        "Completed" | "Succeeded" => Stage::Done,
        s if s.starts_with("Init:") => Stage::Creating,
        _ => {
            if obj::str_at(o, "/spec/nodeName").is_none() {
                Stage::Pending
            } else {
                Stage::Failed
            }
        }
    }
}

/// Splits a pod name into the owner's stem and what its controller generated.
fn name_parts(sim: &Sim, o: &Value) -> Vec<(String, Part)> {
    let name = obj::name(o).to_string();
    let owner =
        obj::controller_ref(o).map(|r| (obj::str_at(r, "/kind").unwrap_or(""), obj::str_at(r, "/name").unwrap_or("")));
    match owner {
        Some(("StatefulSet", sts)) if name.len() > sts.len() + 1 && name.starts_with(sts) => {
            vec![(format!("{sts}-"), Part::Stem), (name[sts.len() + 1..].to_string(), Part::Ordinal)]
        }
        Some(("ReplicaSet", rs)) if name.len() > rs.len() + 1 && name.starts_with(rs) => {
            let random = name[rs.len() + 1..].to_string();
            let deploy = sim
                .get(Kind::ReplicaSet, obj::namespace(o), rs)
                .and_then(|r| obj::controller_ref(r))
                .and_then(|r| obj::str_at(r, "/name"))
                .map(String::from);
            match deploy {
                Some(d) if rs.len() > d.len() + 1 && rs.starts_with(d.as_str()) => {
                    vec![
                        (format!("{d}-"), Part::Stem),
                        (format!("{}-", &rs[d.len() + 1..]), Part::Hash),
                        (random, Part::Random),
                    ]
                }
                _ => vec![(format!("{rs}-"), Part::Stem), (random, Part::Random)],
            }
        }
        _ => vec![(name, Part::Stem)],
    }
}

fn pod_card(sim: &Sim, o: &Value) -> PodCard {
    let row = tables::row(sim, Kind::Pod, o, false);
    let status = row.get(2).cloned().unwrap_or_default();
    PodCard {
        key: key_of(Kind::Pod, o),
        name_parts: name_parts(sim, o),
        stage: stage(&status, o),
        ready: row.get(1).cloned().unwrap_or_default(),
        status,
        ip: obj::str_at(o, "/status/podIP").unwrap_or("").to_string(),
        node: obj::str_at(o, "/spec/nodeName").map(String::from),
        claims: obj::arr_at(o, "/spec/volumes")
            .iter()
            .filter_map(|v| obj::str_at(v, "/persistentVolumeClaim/claimName").map(String::from))
            .collect(),
    }
}

/// The node a local volume lives on, from its node affinity.
fn volume_node(pv: &Value) -> Option<String> {
    let terms = obj::arr_at(pv, "/spec/nodeAffinity/required/nodeSelectorTerms");
    terms
        .iter()
        .flat_map(|t| obj::arr_at(t, "/matchExpressions").iter())
        .find(|e| obj::str_at(e, "/key") == Some("kubernetes.io/hostname"))
        .and_then(|e| obj::arr_at(e, "/values").first())
        .and_then(Value::as_str)
        .map(String::from)
}

/// The DNS records a Service has: what CoreDNS answers now (lit), and, for a headless
/// Service, the records its selected pods will get once ready (unlit).
fn service_records(sim: &Sim, svc: &Value) -> Vec<DnsRecord> {
    let ns = obj::namespace(svc);
    let fqdn = format!("{}.{ns}.svc.{}", obj::name(svc), sim.profile.cluster_domain);
    let mut out = Vec::new();
    if let Answer::Records(rs) = dns::lookup(sim, &fqdn, QType::A) {
        for r in rs {
            if let Record::A { name, ip } = r {
                out.push(DnsRecord { name, ty: "A", value: ip, lit: true });
            }
        }
    }
    for p in obj::arr_at(svc, "/spec/ports") {
        let Some(port) = obj::str_at(p, "/name") else { continue };
        let proto = obj::str_at(p, "/protocol").unwrap_or("TCP").to_ascii_lowercase();
        let q = format!("_{port}._{proto}.{fqdn}");
        if let Answer::Records(rs) = dns::lookup(sim, &q, QType::Srv) {
            for r in rs {
                if let Record::Srv { name, priority, weight, port, target } = r {
                    out.push(DnsRecord {
                        name,
                        ty: "SRV",
                        value: format!("{priority} {weight} {port} {target}"),
                        lit: true,
                    });
                }
            }
        }
    }
    let headless = obj::str_at(svc, "/spec/clusterIP") == Some("None");
    if headless {
        // Per-pod names (`web-0.nginx...`) are published for pods the Service selects.
        let selector: VecMap<String, String> = svc
            .pointer("/spec/selector")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
            .unwrap_or_default();
        if !selector.is_empty() {
            let sel = Selector::parse(&selector.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","))
                .unwrap_or(Selector(Vec::new()));
            // What `dns::lookup` of each pod's name would answer, read once for all the pods.
            let hosts = dns::endpoint_hosts(sim, ns, obj::name(svc));
            for (_, p) in sim.store.list(Kind::Pod, Some(ns)) {
                if !sel.matches_labels_of(p) || obj::str_at(p, "/spec/subdomain") != Some(obj::name(svc)) {
                    continue;
                }
                let host = obj::str_at(p, "/spec/hostname").unwrap_or(obj::name(p));
                let name = format!("{host}.{fqdn}");
                let lit = hosts.binary_search(&host.to_ascii_lowercase()).is_ok();
                if !lit {
                    out.push(DnsRecord { name, ty: "A", value: String::new(), lit: false });
                }
            }
        }
    }
    out
}

/// Where a pod stands in its lane: in name order, but a StatefulSet's ordinals by number
/// (`web-2` before `web-10`), so that a new replica is drawn below the others rather than
/// among them, moving them.
fn lane_order(c: &PodCard) -> (&str, &str, u64) {
    match c.name_parts.as_slice() {
        [(stem, Part::Stem), (ordinal, Part::Ordinal)] => {
            (c.key.ns.as_str(), stem.as_str(), ordinal.parse().unwrap_or(u64::MAX))
        }
        _ => (c.key.ns.as_str(), c.key.name.as_str(), 0),
    }
}

/// The diagram of the cluster as it is now.
pub fn diagram(sim: &Sim) -> Diagram {
    Reader::default().diagram(sim)
}

/// The Events panel now: only the `last` newest rows are printed (the panel shows the latest).
pub fn events(sim: &Sim, last: usize) -> Events {
    Reader::default().events(sim, last)
}

/// What one reading of an object made, kept with the object as the store shared it.
struct Kept<T> {
    key: ObjKey,
    obj: Rc<Value>,
    made: T,
}

/// `list`'s objects (in the store's order) each made into a `T`: an object that is the same
/// value (`Rc`) as in `old` (kept in the same order) takes what was made of it then, if
/// `still` says that holds; every other one is made by `make`.
fn reread<'a, T>(
    old: Vec<Kept<T>>,
    list: impl Iterator<Item = (&'a ObjKey, &'a Rc<Value>)>,
    still: impl Fn(&T) -> bool,
    mut make: impl FnMut(&Value) -> T,
) -> Vec<Kept<T>> {
    let mut old = old.into_iter().peekable();
    let mut out = Vec::new();
    for (k, o) in list {
        // What was made of objects gone since (before `k` in the store's order) goes.
        while old.next_if(|e| e.key < *k).is_some() {}
        let kept = match old.next_if(|e| e.key == *k) {
            Some(e) if Rc::ptr_eq(&e.obj, o) && still(&e.made) => e,
            _ => Kept { key: k.clone(), obj: o.clone(), made: make(o) },
        };
        out.push(kept);
    }
    out
}

/// The ReplicaSet a pod's card reads (its own owner names the pod's stem), as it was then.
type ReadSet = Option<(ObjKey, Option<Rc<Value>>)>;

fn read_set(sim: &Sim, o: &Value) -> ReadSet {
    let r = obj::controller_ref(o).filter(|r| obj::str_at(r, "/kind") == Some("ReplicaSet"))?;
    let key = ObjKey::new(Kind::ReplicaSet, obj::namespace(o), obj::str_at(r, "/name").unwrap_or(""));
    let now = sim.store.get_rc(&key);
    Some((key, now))
}

/// Reads the diagram and the Events panel as `diagram` and `events` do, keeping from one
/// reading to the next what it made of each pod (its card) and each event (its place in
/// time) while the object is the same value: the store shares its objects (`Rc`, and the
/// reader holding one makes a write copy it), so a reading redoes the work of what changed
/// since the last, not of every pod and event (a scale to 300 read whole at each look cost
/// the page long frames). What it reads is what a fresh reader reads (`tests/lab.rs`).
#[derive(Default)]
pub struct Reader {
    pods: Vec<Kept<(PodCard, ReadSet)>>,
    events: Vec<Kept<(String, u64)>>,
}

impl Reader {
    /// The diagram of the cluster as it is now.
    pub fn diagram(&mut self, sim: &Sim) -> Diagram {
        let same_set = |set: &ReadSet| {
            set.as_ref().is_none_or(|(k, was)| match (sim.store.get_rc(k), was) {
                (Some(a), Some(b)) => Rc::ptr_eq(&a, b),
                (a, b) => a.is_none() && b.is_none(),
            })
        };
        self.pods = reread(
            std::mem::take(&mut self.pods),
            sim.store.list(Kind::Pod, None).shared().filter(|(k, _)| !is_system_namespace(&k.ns)),
            |(_, set)| same_set(set),
            |p| (pod_card(sim, p), read_set(sim, p)),
        );
        diagram_of(sim, self.pods.iter().map(|k| &k.made.0))
    }

    /// The Events panel now: `kubectl get events -A`'s columns, and the `last` newest rows
    /// (the panel shows the latest), oldest first.
    pub fn events(&mut self, sim: &Sim, last: usize) -> Events {
        let headers = tables::headers(Kind::Event, false, sim);
        self.events = reread(
            std::mem::take(&mut self.events),
            sim.store.list(Kind::Event, None).shared(),
            |_| true,
            |e| {
                let rv = obj::str_at(e, "/metadata/resourceVersion").and_then(|r| r.parse::<u64>().ok()).unwrap_or(0);
                (obj::str_at(e, "/lastTimestamp").or(obj::str_at(e, "/eventTime")).unwrap_or("").to_string(), rv)
            },
        );
        // Sorted by time, then resourceVersion, then the store's order (a stable sort's).
        let mut evs: Vec<(&str, u64, usize)> =
            self.events.iter().enumerate().map(|(i, k)| (k.made.0.as_str(), k.made.1, i)).collect();
        crate::support::sort::sort_by(&mut evs, |a, b| a.cmp(b));
        let skip = evs.len().saturating_sub(last);
        let rows = evs[skip..]
            .iter()
            .map(|&(_, _, i)| {
                let e = &*self.events[i].obj;
                let key = format!("{}/{}", obj::namespace(e), obj::name(e));
                (key, tables::row(sim, Kind::Event, e, false))
            })
            .collect();
        Events { headers, rows }
    }
}

/// The diagram of the cluster, its pods' cards (of the pods outside the system namespaces,
/// in the store's order) made already.
fn diagram_of<'a>(sim: &Sim, cards: impl Iterator<Item = &'a PodCard>) -> Diagram {
    let mut lanes: Vec<Lane> = sim
        .store
        .list(Kind::Node, None)
        .map(|(_, n)| Lane {
            node: obj::name(n).to_string(),
            role: if obj::label(n, "node-role.kubernetes.io/control-plane").is_some() {
                "control-plane".into()
            } else {
                "worker".into()
            },
            ip: obj::arr_at(n, "/status/addresses")
                .iter()
                .find(|a| obj::str_at(a, "/type") == Some("InternalIP"))
                .and_then(|a| obj::str_at(a, "/address"))
                .unwrap_or("")
                .to_string(),
            pods: Vec::new(),
        })
        .collect();
    let mut unscheduled = Vec::new();
    let mut mounts: VecMap<(String, String), String> = VecMap::new();
    // The cluster's own pods (kube-system, local-path-storage) are left out: the lanes show
    // what the learner runs.
    for card in cards {
        let card = card.clone();
        for c in &card.claims {
            mounts.insert((card.key.ns.clone(), c.clone()), card.key.name.clone());
        }
        match card.node.as_deref().and_then(|n| lanes.iter_mut().find(|l| l.node == n)) {
            Some(l) => l.pods.push(card),
            None => unscheduled.push(card),
        }
    }
    for lane in &mut lanes {
        crate::support::sort::sort_by(&mut lane.pods, |a, b| lane_order(a).cmp(&lane_order(b)));
    }
    crate::support::sort::sort_by(&mut unscheduled, |a, b| lane_order(a).cmp(&lane_order(b)));
    let mut controllers = Vec::new();
    for kind in [Kind::Deployment, Kind::ReplicaSet, Kind::StatefulSet] {
        for (_, o) in sim.store.list(kind, None).filter(|(k, _)| !is_system_namespace(&k.ns)) {
            let row = tables::row(sim, kind, o, false);
            let ready = match kind {
                Kind::ReplicaSet => {
                    format!("{}/{}", row.get(3).cloned().unwrap_or_default(), row.get(1).cloned().unwrap_or_default())
                }
                _ => row.get(1).cloned().unwrap_or_default(),
            };
            controllers.push(ControllerCard { key: key_of(kind, o), ready });
        }
    }
    let mut disks = Vec::new();
    let mut held = Vec::new();
    for (_, c) in sim.store.list(Kind::PersistentVolumeClaim, None) {
        let key = key_of(Kind::PersistentVolumeClaim, c);
        let volume = obj::str_at(c, "/spec/volumeName").filter(|v| !v.is_empty()).map(String::from);
        let pv = volume.as_deref().and_then(|v| sim.get(Kind::PersistentVolume, "", v));
        if let Some(v) = &volume {
            held.push(v.clone());
        }
        disks.push(Disk {
            phase: obj::str_at(c, "/status/phase").unwrap_or("Pending").to_string(),
            capacity: obj::str_at(c, "/status/capacity/storage")
                .or_else(|| obj::str_at(c, "/spec/resources/requests/storage"))
                .unwrap_or("")
                .to_string(),
            node: pv
                .and_then(volume_node)
                .or_else(|| obj::annotation(c, "volume.kubernetes.io/selected-node").map(String::from)),
            used_by: mounts.get(&(key.ns.clone(), key.name.clone())).cloned(),
            claim: key,
            volume,
        });
    }
    crate::support::sort::sort_by(&mut held, |a, b| a.cmp(b));
    let loose_volumes = sim
        .store
        .list(Kind::PersistentVolume, None)
        .filter(|(_, v)| held.binary_search_by(|h| h.as_str().cmp(obj::name(v))).is_err())
        .map(|(_, v)| (obj::name(v).to_string(), obj::str_at(v, "/status/phase").unwrap_or("").to_string()))
        .collect();
    let services = sim
        .store
        .list(Kind::Service, None)
        .filter(|(k, _)| !is_system_namespace(&k.ns))
        .map(|(_, s)| ServiceCard {
            key: key_of(Kind::Service, s),
            cluster_ip: obj::str_at(s, "/spec/clusterIP").unwrap_or("").to_string(),
            records: service_records(sim, s),
        })
        .collect();
    Diagram { lanes, unscheduled, controllers, disks, loose_volumes, services, links: links(sim) }
}

/// Owner links and volume links between the objects the diagram draws, in the order of its
/// kinds and then of the store (owners by uid, claims and volumes by name).
fn links(sim: &Sim) -> Vec<(ObjKey, ObjKey, Rel)> {
    let kinds = [
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::StatefulSet,
        Kind::Pod,
        Kind::PersistentVolumeClaim,
        Kind::PersistentVolume,
    ];
    let drawn = |k: &ObjKey| !is_system_namespace(&k.ns) && sim.store.get(k).is_some();
    // Collected and sorted once (inserting one at a time into the sorted map moved it all).
    let by_uid: VecMap<&str, &ObjKey> = kinds
        .iter()
        .flat_map(|&kind| sim.store.list(kind, None).filter(|(k, _)| !is_system_namespace(&k.ns)))
        .map(|(k, o)| (obj::uid(o), k))
        .collect();
    let mut links = Vec::new();
    for kind in kinds {
        for (k, o) in sim.store.list(kind, None).filter(|(k, _)| !is_system_namespace(&k.ns)) {
            for r in obj::arr_at(o, "/metadata/ownerReferences") {
                if let Some(owner) = obj::str_at(r, "/uid").and_then(|u| by_uid.get(u)) {
                    links.push(((*owner).clone(), k.clone(), Rel::Owns));
                }
            }
            if kind == Kind::Pod {
                for v in obj::arr_at(o, "/spec/volumes") {
                    let claim = obj::str_at(v, "/persistentVolumeClaim/claimName")
                        .map(|c| ObjKey::new(Kind::PersistentVolumeClaim, &k.ns, c));
                    if let Some(c) = claim.filter(&drawn) {
                        links.push((k.clone(), c, Rel::Mounts));
                    }
                }
            }
            if kind == Kind::PersistentVolumeClaim {
                let volume = obj::str_at(o, "/spec/volumeName").map(|v| ObjKey::new(Kind::PersistentVolume, "", v));
                if let Some(v) = volume.filter(&drawn) {
                    links.push((k.clone(), v, Rel::Binds));
                }
            }
        }
    }
    links
}

/// How long (real ms) the drawing keeps its lane of unscheduled pods after the last one left.
pub const UNSCHEDULED_HOLD_MS: f64 = 5000.0;

/// When the drawing last showed an unscheduled pod (real ms), after a look at `d` at `now`.
/// While a scale-up creates pods one after another, each waits a moment for the scheduler: the
/// lane that shows it (and the column it takes, which sets the drawing's scale) stays from the
/// first to `UNSCHEDULED_HOLD_MS` after the last, rather than coming and going with each pod.
pub fn unscheduled_seen(d: &Diagram, seen: Option<f64>, now: f64) -> Option<f64> {
    if d.unscheduled.is_empty() {
        seen
    } else {
        Some(now)
    }
}

/// Whether the drawing shows its lane of unscheduled pods at `now`, `seen` as
/// `unscheduled_seen` keeps it.
pub fn shows_unscheduled_lane(seen: Option<f64>, now: f64) -> bool {
    seen.is_some_and(|t| now - t < UNSCHEDULED_HOLD_MS)
}

/// The Events panel: `kubectl get events -A`'s columns and rows, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Events {
    pub headers: Vec<String>,
    /// Each row with the event it prints (`namespace/name`), which the page keys it by: a new
    /// event adds one row, the others keep theirs.
    pub rows: Vec<(String, Vec<String>)>,
}

/// An object as `kubectl get KIND NAME -o yaml` prints it.
pub fn object_yaml(sim: &Sim, key: &ObjKey) -> Option<String> {
    let o = sim.store.get(key)?;
    Some(crate::kubectl::get::serialize(std::slice::from_ref(o), true, &crate::kubectl::get::Format::Yaml))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lab;

    fn card<'a>(d: &'a Diagram, name: &str) -> Option<&'a PodCard> {
        d.lanes.iter().flat_map(|l| l.pods.iter()).chain(d.unscheduled.iter()).find(|p| p.key.name == name)
    }

    #[test]
    fn web_0_runs_before_web_1_appears_and_dns_lights_up() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        let mut saw_web0_running_first = false;
        for _ in 0..600 {
            lab.advance(100);
            let d = diagram(&lab.session.sim);
            let w0 = card(&d, "web-0").map(|c| c.stage);
            let w1 = card(&d, "web-1");
            if w1.is_some() {
                saw_web0_running_first = w0 == Some(Stage::Running);
                break;
            }
        }
        assert!(saw_web0_running_first);
        lab.advance(60_000);
        let d = diagram(&lab.session.sim);
        let w0 = card(&d, "web-0").unwrap();
        assert_eq!(w0.name_parts, vec![("web-".to_string(), Part::Stem), ("0".to_string(), Part::Ordinal)]);
        assert_eq!(w0.status, "Running");
        assert!(w0.ip.starts_with("172.16."));
        let svc = d.services.iter().find(|s| s.key.name == "nginx").unwrap();
        assert!(
            svc.records
                .iter()
                .any(|r| r.ty == "SRV" && r.lit && r.value.ends_with("web-1.nginx.default.svc.cluster.local.")),
            "{:?}",
            svc.records
        );
        let disk = d.disks.iter().find(|x| x.claim.name == "www-web-0").unwrap();
        assert_eq!(disk.phase, "Bound");
        assert_eq!(disk.used_by.as_deref(), Some("web-0"));
        assert_eq!(disk.node, w0.node);
        let sts = ObjKey::new(Kind::StatefulSet, "default", "web");
        assert!(d.links.contains(&(sts, w0.key.clone(), Rel::Owns)));
        assert!(d.links.contains(&(w0.key.clone(), disk.claim.clone(), Rel::Mounts)));
        assert!(d.links.iter().any(|(a, _, r)| *a == disk.claim && *r == Rel::Binds));
    }

    #[test]
    fn deployment_pods_show_hash_and_random_suffix() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f deploy.yaml");
        lab.advance(30_000);
        let d = diagram(&lab.session.sim);
        let pods: Vec<&PodCard> = d.lanes.iter().flat_map(|l| l.pods.iter()).collect();
        assert_eq!(pods.len(), 3);
        for p in pods {
            let parts: Vec<Part> = p.name_parts.iter().map(|(_, k)| *k).collect();
            assert_eq!(parts, vec![Part::Stem, Part::Hash, Part::Random], "{:?}", p.name_parts);
            assert_eq!(p.name_parts[2].0.len(), 5);
        }
        assert!(
            d.controllers.iter().any(|c| c.key.kind == Kind::ReplicaSet && c.ready == "3/3"),
            "{:?}",
            d.controllers
        );
    }

    #[test]
    fn a_lane_lists_a_statefulsets_replicas_by_ordinal() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        lab.run(0, "kubectl scale sts web --replicas=12");
        lab.advance(600_000);
        let d = diagram(&lab.session.sim);
        for lane in &d.lanes {
            let ordinals: Vec<u64> =
                lane.pods.iter().filter_map(|p| p.key.name.strip_prefix("web-")?.parse().ok()).collect();
            assert!(ordinals.windows(2).all(|w| w[0] < w[1]), "{}: {ordinals:?}", lane.node);
        }
        assert_eq!(d.lanes.iter().map(|l| l.pods.len()).sum::<usize>(), 12);
    }

    #[test]
    fn a_pod_name_is_shown_unlit_exactly_when_dns_does_not_answer_it() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        lab.run(0, "kubectl scale sts web --replicas=4");
        for _ in 0..40 {
            lab.advance(700);
            let sim = &lab.session.sim;
            let d = diagram(sim);
            let svc = d.services.iter().find(|s| s.key.name == "nginx").unwrap();
            for i in 0..4 {
                let name = format!("web-{i}.nginx.default.svc.cluster.local");
                let Some(pod) = sim.get(Kind::Pod, "default", &format!("web-{i}")) else { continue };
                let answered = matches!(dns::lookup(sim, &name, QType::A), Answer::Records(_));
                let unlit = svc.records.iter().any(|r| r.name == name && !r.lit);
                assert_eq!(unlit, !answered, "{name} at {}: {pod}", lab.now());
            }
        }
    }

    #[test]
    fn the_unscheduled_lane_stays_while_pods_keep_waiting_for_the_scheduler() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        let waiting = diagram(&lab.session.sim);
        assert!(card(&waiting, "web-0").is_some_and(|c| c.node.is_none()), "{:?}", waiting.unscheduled);
        lab.advance(30_000);
        let placed = diagram(&lab.session.sim);
        assert!(placed.unscheduled.is_empty());
        let seen = unscheduled_seen(&waiting, None, 1000.0);
        assert_eq!(seen, Some(1000.0));
        // The pod was placed: the lane stays for a while, then goes.
        let seen = unscheduled_seen(&placed, seen, 3000.0);
        assert!(shows_unscheduled_lane(seen, 3000.0));
        assert!(shows_unscheduled_lane(seen, 1000.0 + UNSCHEDULED_HOLD_MS - 1.0));
        assert!(!shows_unscheduled_lane(seen, 1000.0 + UNSCHEDULED_HOLD_MS));
        // The next pod waiting keeps it again; a lab that never had one never shows it.
        assert!(shows_unscheduled_lane(unscheduled_seen(&waiting, seen, 9000.0), 13_000.0));
        assert!(!shows_unscheduled_lane(unscheduled_seen(&placed, None, 0.0), 0.0));
    }

    #[test]
    fn events_read_as_kubectl_prints_them() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        lab.advance(30_000);
        let Events { headers, rows } = events(&lab.session.sim, usize::MAX);
        assert_eq!(headers, ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]);
        let claim = "create Claim www-web-0 Pod web-0 in StatefulSet web success";
        let (key, _) = rows.iter().find(|(_, r)| r[4] == claim).unwrap_or_else(|| panic!("{rows:?}"));
        // Each row names the event it prints, once.
        let (ns, name) = key.split_once('/').unwrap();
        let e = lab.session.sim.store.get(&ObjKey::new(Kind::Event, ns, name)).unwrap();
        assert_eq!(obj::str_at(e, "/message"), Some(claim));
        let mut keys: Vec<&String> = rows.iter().map(|(k, _)| k).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), rows.len());
        // The panel's tail is the newest rows, in the same order.
        let tail = events(&lab.session.sim, 3).rows;
        assert_eq!(tail, rows[rows.len() - 3..]);
        let y = object_yaml(&lab.session.sim, &ObjKey::new(Kind::Pod, "default", "web-0")).unwrap();
        assert!(y.starts_with("apiVersion: v1\nkind: Pod\n"), "{y}");
    }
}
