//! The pure cluster model: an API-server-like object store, a virtual clock with one event
//! queue, the controllers, the scheduler, the kubelets and the volume provisioner.
//!
//! `Sim` owns everything. Callers change the cluster through the API methods (`create`,
//! `update`, `delete`, ...), which behave as the API server does (defaulting, validation,
//! admission), then let time pass with `run_until`/`run_until_idle`. Every change lands in the
//! store's watch log, which is how kubectl's `-w` sees it.
//!
//! No wall clock and no global RNG: time is `SimTime`, randomness is the one `ChaCha8Rng`
//! seeded from `SimConfig::seed`, so a seed and a script give the same transcript everywhere.

pub mod controllers;
pub mod defaults;
pub mod dns;
pub mod entrypoint;
pub mod events;
pub mod fs;
pub mod images;
pub mod kubelet;
pub mod labels;
pub mod names;
pub mod obj;
pub mod podindex;
pub mod profile;
pub mod quota;
pub mod resources;
pub mod runtime;
pub mod schedqueue;
pub mod scheduler;
pub mod store;
pub mod system;
pub mod time;
pub mod validation;
pub mod volumes;

use crate::jv;
use crate::support::collections::{VecMap, VecSet};
use obj::Ptr;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use serde_json::Value;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub use profile::Profile;
pub use resources::Kind;
pub use runtime::{Launch, Programs, Ran};
pub use store::{ObjKey, Store, WatchEvent, WatchType};
pub use time::SimTime;

/// An error the API server returns.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// `pods "web-9" not found`.
    #[error("{resource} \"{name}\" not found")]
    NotFound { resource: String, name: String },
    /// `pods "web-0" already exists`.
    #[error("{resource} \"{name}\" already exists")]
    AlreadyExists { resource: String, name: String },
    /// A 422: `The StatefulSet "web" is invalid: ...` (kubectl formats the causes).
    #[error("{kind} {} is invalid", crate::support::gofmt::go_quote(name))]
    Invalid { kind: String, name: String, causes: Vec<String> },
    /// A 400 with its message.
    #[error("{0}")]
    BadRequest(String),
    /// A 409 that is not AlreadyExists (e.g. an object being deleted).
    #[error("{0}")]
    Conflict(String),
    /// A 403 (e.g. creating in a namespace that is terminating).
    #[error("{0}")]
    Forbidden(String),
    /// A 413 (apimachinery's `NewRequestEntityTooLargeError`): a request body over
    /// [`MAX_REQUEST_BODY_BYTES`] (`limit is 3145728`), or a JSON patch of too many operations.
    #[error("Request entity too large: {0}")]
    RequestEntityTooLarge(String),
}

/// The API server's limit on a request's body (`MaxRequestBodyBytes`, apiserver's
/// server/config.go: twice etcd's 1.5 MiB, as JSON is larger than the stored protobuf).
pub const MAX_REQUEST_BODY_BYTES: usize = 3 * 1024 * 1024;

/// The most operations a JSON patch may have (`maxJSONPatchOperations`, apiserver's
/// endpoints/handlers/patch.go).
pub const MAX_JSON_PATCH_OPERATIONS: usize = 10_000;

impl ApiError {
    /// The 413 for a request body of more than [`MAX_REQUEST_BODY_BYTES`] (handlers/rest.go's
    /// `limitedReadBody`).
    pub fn body_too_large() -> ApiError {
        ApiError::RequestEntityTooLarge(format!("limit is {MAX_REQUEST_BODY_BYTES}"))
    }

    /// The 413 for a JSON patch of more than [`MAX_JSON_PATCH_OPERATIONS`] operations.
    pub fn too_many_patch_operations(n: usize) -> ApiError {
        ApiError::RequestEntityTooLarge(format!(
            "The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, got {n}"
        ))
    }
}

/// GetPodQOS: BestEffort without any CPU or memory request or limit, Guaranteed when every
/// container limits both and asks for what it limits, Burstable otherwise.
pub fn qos_class(pod: &Value) -> &'static str {
    let containers: Vec<&Value> =
        obj::arr_at(pod, "/spec/containers").iter().chain(obj::arr_at(pod, "/spec/initContainers")).collect();
    let get = |c: &Value, kind: &str, r: &str| {
        c.ptr(&format!("/resources/{kind}/{r}")).and_then(volumes::quantity_bytes).filter(|q| *q > 0.0)
    };
    let any = containers
        .iter()
        .any(|c| ["requests", "limits"].iter().any(|k| ["cpu", "memory"].iter().any(|r| get(c, k, r).is_some())));
    if !any {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        ["cpu", "memory"].iter().all(|r| get(c, "limits", r).is_some() && get(c, "requests", r) == get(c, "limits", r))
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// How dependents are treated when their owner is deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

/// Options of a delete call.
#[derive(Clone, Copy, Debug, Default)]
pub struct DeleteOptions {
    /// Seconds of grace; `None` uses the object's own (`terminationGracePeriodSeconds`).
    pub grace_seconds: Option<i64>,
    pub propagation: Propagation,
}

/// Seed and profile of a new cluster.
#[derive(Clone, Debug)]
pub struct SimConfig {
    pub seed: u64,
    pub profile: Profile,
}

impl SimConfig {
    /// The seed lab's cluster with the given seed.
    pub fn seeded(seed: u64) -> SimConfig {
        SimConfig { seed, profile: Profile::default() }
    }
}

/// Work a controller does for one object, queued when something it watches changes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Work {
    Gc(ObjKey),
    /// A namespace is being deleted: empty it, then let it go.
    Namespace(ObjKey),
    /// An owner with this uid is gone: collect its dependents.
    GcOrphans(String),
    Deployment(ObjKey),
    ReplicaSet(ObjKey),
    StatefulSet(ObjKey),
    Pvc(ObjKey),
    Pv(ObjKey),
    Schedule(ObjKey),
    Kubelet(ObjKey),
    Endpoints(ObjKey),
    /// A HorizontalPodAutoscaler's periodic look (`controllers::hpa`).
    Hpa(ObjKey),
}

/// Something due at a moment of virtual time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Timer {
    /// A kubelet step for a pod (the pod's uid guards against a newer pod of the same name).
    Kubelet { pod: ObjKey, uid: String, step: kubelet::Step },
    /// A provisioner finished creating a volume for a claim.
    Provisioned { pvc: ObjKey, uid: String },
    /// A provisioner finished deleting a released volume.
    Reclaimed { pv: ObjKey },
    /// Run a controller again (minReadySeconds, back-off).
    Requeue(Work),
    /// One of the scheduling queue's periodic flushes ([`schedqueue`]).
    SchedulingQueue(schedqueue::Flush),
    /// One of the events.k8s.io recorder's periodic passes over its series ([`events`]).
    EventSeries(events::SeriesTick),
}

/// The cluster. Cloning it is cheap (objects are shared `Rc`s): the page keeps clones as
/// snapshots to scrub back to.
#[derive(Clone)]
pub struct Sim {
    now: SimTime,
    pub store: Store,
    queue: BinaryHeap<Reverse<(SimTime, u64, Timer)>>,
    seq: u64,
    rng: ChaCha8Rng,
    pub profile: Profile,
    // std B-trees for the two maps that grow with the cluster (see `Store::objects`).
    dirty: std::collections::BTreeSet<Work>,
    /// Unix seconds of `SimTime(0)`.
    epoch: i64,
    pub(crate) ipam: VecMap<String, kubelet::NodeIpam>,
    /// (node, image) pairs already pulled.
    pub(crate) pulled: VecSet<(String, String)>,
    /// Pods the scheduler has placed but not bound yet (waiting for volumes): pod → node.
    pub(crate) assumed: VecMap<ObjKey, String>,
    /// PersistentVolumes in phase Available (the candidates of static binding), kept as the
    /// PV controller's informer sees them change.
    pub(crate) available_pvs: std::collections::BTreeSet<ObjKey>,
    /// The assumed pods waiting for each claim (claim → pods).
    pub(crate) claim_waiters: VecMap<ObjKey, std::collections::BTreeSet<ObjKey>>,
    /// The scheduler's queue of the pods it has tried and not placed ([`schedqueue`]).
    pub(crate) sched_queue: schedqueue::Queue,
    /// Cluster IPs handed out.
    pub(crate) service_ips: VecSet<u8>,
    /// What each kubelet remembers of its pods, by pod uid.
    pub(crate) runtime: VecMap<String, kubelet::PodRuntime>,
    pub(crate) volumes: volumes::State,
    pub(crate) settling: bool,
    /// What volumes and containers hold.
    pub fs: fs::Fs,
    /// What containers wrote to stdout/stderr, by (pod uid, container): `kubectl logs`.
    pub logs: VecMap<(String, String), Vec<String>>,
    /// The log of the container instance before the current one (`kubectl logs --previous`).
    pub previous_logs: VecMap<(String, String), Vec<String>>,
    /// How many lines of each log were dropped from its front (it keeps its last lines), so
    /// that `kubectl logs -f` can tell new lines from old.
    pub log_dropped: VecMap<(String, String), usize>,
    /// StatefulSet uid → the pending replicas whose claims it has seen exist.
    pub(crate) claims_seen: VecMap<String, controllers::statefulset::ClaimsSeen>,
    /// StatefulSet uid → (generation, update revision name) last computed.
    pub(crate) revision_cache: VecMap<String, (i64, String)>,
    /// The event recorders' correlator caches and the API server's event leases.
    pub(crate) events: events::Recorder,
    /// The moment ages are read at, when a watch prints an event later than it happened
    /// (`seen_at`); the clock otherwise.
    seen_at: std::cell::Cell<Option<SimTime>>,
    /// When each Deployment's progress deadline is next checked (virtual ms): one pending check
    /// each, however often the rollout moves.
    pub(crate) progress_checks: VecMap<ObjKey, u64>,
    /// Pods whose labels left their ReplicaSet's selector: the ReplicaSet releases them at its
    /// next sync (`ClaimPods`), as its informer told it of the change.
    pub(crate) releases: VecSet<ObjKey>,
    /// Failed syncs in a row per work item (`NumRequeues`), for the work queues' back-off.
    pub(crate) retries: VecMap<ObjKey, u32>,
    /// The work queues' overall rate limits.
    pub(crate) queues: controllers::Queues,
    /// When each item's rate-limited requeue is due (virtual ms): the one entry per item of
    /// the delaying queue.
    pub(crate) requeue_at: VecMap<ObjKey, u64>,
    /// When each HorizontalPodAutoscaler's next look is due (virtual ms): its one entry in the
    /// HPA controller's delaying queue.
    pub(crate) hpa_due: VecMap<ObjKey, u64>,
    /// The HPA controller's `hpaSelectors`: each HPA's target selector, once it has looked.
    pub(crate) hpa_selectors: VecMap<ObjKey, labels::Selector>,
    /// What the Endpoints and EndpointSlice controllers know of each Service.
    pub(crate) endpoints: controllers::endpoints::State,
    /// How many work items the controllers have run (a measure of work, for tests).
    pub work_runs: u64,
    /// How many timers have been handled (with `work_runs`, the model's work: [`Sim::work_done`]).
    timers_fired: u64,
    /// What runs inside containers: main processes, probes and `kubectl exec` ([`Programs`]).
    pub programs: Option<std::rc::Rc<dyn Programs>>,
    /// While a container's main process runs at its start: the milliseconds it has slept, which
    /// `sleep` adds to instead of advancing the clock.
    pub process_sleep: Option<u64>,
    /// How many more timers a waiting line may handle ([`Sim::allow_steps`]); unlimited when `None`.
    steps_left: Option<u64>,
    /// When the allowance ran out, if it did.
    steps_ran_out: Option<SimTime>,
}

impl Sim {
    /// A new cluster: nodes, the `default`/`kube-system` namespaces, the `kubernetes` and
    /// `kube-dns` Services and the profile's StorageClasses, all as old as the profile says.
    pub fn new(config: SimConfig) -> Sim {
        let epoch = time::parse_rfc3339(&config.profile.start_time).unwrap_or(1_653_728_400);
        let mut sim = Sim {
            now: SimTime::ZERO,
            store: Store::new(),
            queue: BinaryHeap::new(),
            seq: 0,
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            profile: config.profile,
            dirty: std::collections::BTreeSet::new(),
            epoch,
            ipam: VecMap::new(),
            pulled: VecSet::new(),
            assumed: VecMap::new(),
            claim_waiters: VecMap::new(),
            available_pvs: std::collections::BTreeSet::new(),
            sched_queue: schedqueue::Queue::default(),
            service_ips: VecSet::new(),
            runtime: VecMap::new(),
            volumes: volumes::State::default(),
            settling: false,
            fs: fs::Fs::default(),
            logs: VecMap::new(),
            previous_logs: VecMap::new(),
            log_dropped: VecMap::new(),
            events: events::Recorder::default(),
            seen_at: std::cell::Cell::new(None),
            programs: None,
            progress_checks: VecMap::new(),
            releases: VecSet::new(),
            retries: VecMap::new(),
            queues: controllers::Queues::default(),
            requeue_at: VecMap::new(),
            hpa_due: VecMap::new(),
            hpa_selectors: VecMap::new(),
            endpoints: controllers::endpoints::State::default(),
            work_runs: 0,
            timers_fired: 0,
            process_sleep: None,
            revision_cache: VecMap::new(),
            steps_left: None,
            steps_ran_out: None,
            claims_seen: VecMap::new(),
        };
        sim.bootstrap();
        sim
    }

    fn bootstrap(&mut self) {
        let born = self.epoch - self.profile.cluster_age_seconds as i64;
        let stamp = time::rfc3339(born);
        let mut boot = Vec::new();
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            boot.push(jv!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":ns,"labels":{"kubernetes.io/metadata.name":ns}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}));
        }
        let minor = self.profile.server_minor();
        for n in self.profile.nodes.clone() {
            let cp = n.role == "control-plane";
            let mut labels = jv!({"beta.kubernetes.io/arch":"amd64","beta.kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","kubernetes.io/hostname":n.name,"kubernetes.io/os":"linux"});
            if cp {
                labels["node-role.kubernetes.io/control-plane"] = jv!("");
                // kubeadm's markcontrolplane.
                labels["node.kubernetes.io/exclude-from-external-load-balancers"] = jv!("");
                // kubeadm stopped labelling control-plane nodes `node-role.kubernetes.io/master`
                // in v1.24 and tainting them so in v1.25 (KEP-2067, "Rename the kubeadm
                // 'master' label and taint").
                if minor < 24 {
                    labels["node-role.kubernetes.io/master"] = jv!("");
                }
            }
            let taint_key =
                if minor >= 25 { "node-role.kubernetes.io/control-plane" } else { "node-role.kubernetes.io/master" };
            let taints = if cp { jv!([{"effect":"NoSchedule","key":taint_key}]) } else { jv!([]) };
            // kubeadm's and the kubelet's annotations (the CNI's are left out).
            let annotations = jv!({"kubeadm.alpha.kubernetes.io/cri-socket":"unix:///run/containerd/containerd.sock","node.alpha.kubernetes.io/ttl":"0","volumes.kubernetes.io/controller-managed-attach-detach":"true"});
            let mut node = jv!({"apiVersion":"v1","kind":"Node","metadata":{"name":n.name,"labels":labels,"annotations":annotations},
                "spec":{"podCIDR":n.pod_cidr,"podCIDRs":[n.pod_cidr]},
                "status":{"addresses":[{"type":"InternalIP","address":n.ip},{"type":"Hostname","address":n.name}],
                  "capacity":{"cpu":"2","memory":"4030184Ki","pods":"110","ephemeral-storage":"30298176Ki","hugepages-1Gi":"0","hugepages-2Mi":"0"},
                  "allocatable":{"cpu":"2","memory":"3927784Ki","pods":"110","ephemeral-storage":"27922798226","hugepages-1Gi":"0","hugepages-2Mi":"0"},
                  "conditions":[
                    {"type":"MemoryPressure","status":"False","lastHeartbeatTime":stamp,"lastTransitionTime":stamp,"reason":"KubeletHasSufficientMemory","message":"kubelet has sufficient memory available"},
                    {"type":"DiskPressure","status":"False","lastHeartbeatTime":stamp,"lastTransitionTime":stamp,"reason":"KubeletHasNoDiskPressure","message":"kubelet has no disk pressure"},
                    {"type":"PIDPressure","status":"False","lastHeartbeatTime":stamp,"lastTransitionTime":stamp,"reason":"KubeletHasSufficientPID","message":"kubelet has sufficient PID available"},
                    {"type":"Ready","status":"True","lastHeartbeatTime":stamp,"lastTransitionTime":stamp,"reason":"KubeletReady","message":"kubelet is posting ready status. AppArmor enabled"}],
                  "nodeInfo":{"kubeletVersion":format!("v{}", self.profile.kubernetes_version),"containerRuntimeVersion":"containerd://1.6.4","osImage":"Ubuntu 20.04.4 LTS","kernelVersion":"5.4.0-113-generic","operatingSystem":"linux","architecture":"amd64"}}});
            if cp {
                node["spec"]["taints"] = taints;
            }
            boot.push(node);
            if let Some(block) = profile::parse_cidr24(&n.pod_cidr) {
                self.ipam.insert(n.name.clone(), kubelet::NodeIpam::new(block));
            }
        }
        for sc in self.profile.storage_classes.clone() {
            let mut o = jv!({"apiVersion":"storage.k8s.io/v1","kind":"StorageClass","metadata":{"name":sc.name},
                "provisioner":sc.provisioner,"reclaimPolicy":sc.reclaim_policy,"volumeBindingMode":sc.volume_binding_mode});
            if sc.default {
                o["metadata"]["annotations"] = jv!({"storageclass.kubernetes.io/is-default-class":"true"});
            }
            if sc.allow_volume_expansion {
                o["allowVolumeExpansion"] = jv!(true);
            }
            boot.push(o);
        }
        let dns_ip = self.profile.cluster_dns.clone();
        boot.push(jv!({"apiVersion":"v1","kind":"Service","metadata":{"name":"kubernetes","namespace":"default","labels":{"component":"apiserver","provider":"kubernetes"}},
            "spec":{"clusterIP":self.service_ip(1),"ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":6443}]}}));
        boot.push(jv!({"apiVersion":"v1","kind":"Service","metadata":{"name":"kube-dns","namespace":"kube-system","labels":{"k8s-app":"kube-dns","kubernetes.io/cluster-service":"true","kubernetes.io/name":"CoreDNS"}},
            "spec":{"clusterIP":dns_ip,"ports":[{"name":"dns","port":53,"protocol":"UDP","targetPort":53},{"name":"dns-tcp","port":53,"protocol":"TCP","targetPort":53},{"name":"metrics","port":9153,"protocol":"TCP","targetPort":9153}],"selector":{"k8s-app":"kube-dns"}}}));
        let record = self.store.record;
        self.store.record = false;
        for o in boot {
            if let Err(e) = self.create(o) {
                panic!("bootstrap object rejected: {e}");
            }
        }
        // Everything above existed before the lab started.
        let cp_ip = self
            .profile
            .nodes
            .iter()
            .find(|n| n.role == "control-plane")
            .or(self.profile.nodes.first())
            .map(|n| n.ip.clone())
            .unwrap_or_default();
        let ep = jv!({"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"kubernetes","namespace":"default","labels":{"endpointslice.kubernetes.io/skip-mirror":"true"}},
            "subsets":[{"addresses":[{"ip":cp_ip}],"ports":[{"name":"https","port":6443,"protocol":"TCP"}]}]});
        if let Err(e) = self.create(ep) {
            panic!("bootstrap object rejected: {e}");
        }
        system::bootstrap(self, &stamp);
        let keys: Vec<ObjKey> = crate::sim::resources::RESOURCES
            .iter()
            .map(|r| r.kind)
            .collect::<Vec<_>>()
            .iter()
            .flat_map(|k| self.store.list(*k, None).map(|(k, _)| k.clone()).collect::<Vec<_>>())
            .collect();
        for k in keys {
            if let Some(mut o) = self.store.get(&k).cloned() {
                obj::meta_mut(&mut o).insert("creationTimestamp".into(), jv!(stamp));
                self.store.put(k, o, self.now);
            }
        }
        self.settle_now();
        self.store.record = record;
    }

    /// The current virtual time.
    /// How many endpoints the Endpoints and EndpointSlice controllers have copied into the
    /// objects they wrote (a measure of their work, for tests).
    pub fn endpoints_copied(&self) -> u64 {
        self.endpoints.copied
    }

    /// Endpoints the EndpointSlice controller walked past to find a changed pod's slice.
    pub fn endpoints_walked(&self) -> u64 {
        self.endpoints.walked
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Unix seconds at a moment of virtual time.
    pub fn unix_at(&self, t: SimTime) -> i64 {
        self.epoch + (t.ms() / 1000) as i64
    }

    /// The current time as the API server stamps it (whole seconds).
    pub fn timestamp(&self) -> String {
        time::rfc3339(self.unix_at(self.now))
    }

    /// Milliseconds of virtual time since an RFC 3339 stamp (negative if in the future).
    pub fn ms_since(&self, stamp: &str) -> Option<i64> {
        let t = time::parse_rfc3339(stamp)?;
        let now = self.seen_at.get().unwrap_or(self.now);
        Some((self.epoch * 1000 + now.ms() as i64) - t * 1000)
    }

    /// Runs `f` with ages read as at `t`: a watch printing an event it reads after the fact
    /// prints the AGE the event had when it happened, as a watch that was following along would.
    pub fn seen_at<R>(&self, t: SimTime, f: impl FnOnce() -> R) -> R {
        let before = self.seen_at.replace(Some(t));
        let r = f();
        self.seen_at.set(before);
        r
    }

    /// The seeded generator, for anything that needs randomness.
    pub fn rng(&mut self) -> &mut dyn RngCore {
        &mut self.rng
    }

    /// A random number in `lo..=hi`.
    pub fn rand_range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.rng.next_u64() % (hi - lo + 1)
    }

    pub fn service_ip(&self, last: u8) -> String {
        let b = profile::parse_cidr24(&self.profile.service_cidr).unwrap_or([10, 96, 0]);
        format!("{}.{}.{}.{last}", b[0], b[1], b[2])
    }

    pub fn get(&self, kind: Kind, ns: &str, name: &str) -> Option<&Value> {
        self.store.get(&ObjKey::new(kind, ns, name))
    }

    // ----- time -----------------------------------------------------------------------------

    pub(crate) fn schedule(&mut self, after_ms: u64, timer: Timer) {
        self.seq += 1;
        self.queue.push(Reverse((self.now.plus_ms(after_ms), self.seq, timer)));
    }

    /// Runs the controllers on everything that changed, at the current instant. Calls from
    /// inside a controller (an API write while settling) return at once: the outer loop goes on.
    pub fn settle_now(&mut self) {
        self.settle_until(u64::MAX);
    }

    /// Settles as `settle_now` does, but stops before the next work item once [`Sim::work_done`]
    /// has reached `stop`: the rest stays queued, in order, for the next call (or the next
    /// `settle_now`), so that the controllers run the same items in the same order, in one
    /// call or in many, as long as nothing writes in between. True when nothing is left.
    pub fn settle_until(&mut self, stop: u64) -> bool {
        if self.settling {
            return true;
        }
        self.settling = true;
        let mut guard = 0u32;
        let settled = loop {
            self.dispatch();
            if self.dirty.is_empty() {
                break true;
            }
            if self.work_done() >= stop {
                break false;
            }
            let Some(w) = self.dirty.pop_first() else { break true };
            self.run_work(w);
            guard += 1;
            if guard > 5_000_000 {
                // A controller that keeps re-queueing itself at one instant is a bug in the model.
                panic!("controllers did not settle at {}", self.now);
            }
        };
        self.settling = false;
        settled
    }

    /// Units of the model's work done so far: work items the controllers ran and timers
    /// handled. A slice of work is counted in these, never in wall time.
    pub fn work_done(&self) -> u64 {
        self.work_runs + self.timers_fired
    }

    /// When the next timer is due, if any.
    pub fn next_due(&self) -> Option<SimTime> {
        self.queue.peek().map(|Reverse((t, _, _))| *t)
    }

    /// When the next timer is due, if it only has a controller look again (a requeue: a
    /// progress deadline, minReadySeconds; the scheduling queue's flushes, the event series'
    /// passes) rather than an actor act (a kubelet, a provisioner).
    pub fn next_look_due(&self) -> Option<SimTime> {
        self.queue
            .peek()
            .filter(|Reverse((_, _, t))| {
                matches!(t, Timer::Requeue(_) | Timer::SchedulingQueue(_) | Timer::EventSeries(_))
            })
            .map(|Reverse((t, _, _))| *t)
    }

    /// Handles the next due timer (advancing the clock to it). False when nothing is scheduled,
    /// or when the allowance of [`Sim::allow_steps`] is spent (the timer then waits).
    pub fn step(&mut self) -> bool {
        self.settle_now();
        let fired = self.fire_next();
        if fired {
            self.settle_now();
        }
        fired
    }

    /// The part of `step` between its two settles: expires the events due by the next timer,
    /// then handles that timer. False when nothing is scheduled or the allowance is spent.
    fn fire_next(&mut self) -> bool {
        if self.steps_left == Some(0) {
            self.steps_ran_out.get_or_insert(self.now);
            return false;
        }
        if let Some(due) = self.next_due() {
            self.expire_events(due);
        }
        let Some(Reverse((t, _, timer))) = self.queue.pop() else { return false };
        if let Some(n) = self.steps_left.as_mut() {
            *n -= 1;
        }
        if t > self.now {
            self.now = t;
        }
        self.timers_fired += 1;
        self.fire(timer);
        true
    }

    /// Handles the next timer if it is due by `deadline`; false when nothing is (the cluster
    /// has settled, or the next change lies beyond the deadline) or the allowance is spent.
    /// Waiting commands loop on it.
    pub fn step_before(&mut self, deadline: SimTime) -> bool {
        match self.next_due() {
            Some(d) if d <= deadline => self.step(),
            _ => false,
        }
    }

    /// Lets time pass until `t`, handling everything due by then; with the allowance spent,
    /// the clock stays at the last timer handled.
    pub fn run_until(&mut self, t: SimTime) {
        self.run_until_within(t, u64::MAX);
    }

    /// As `run_until`, but stops part-way (between two work items or two timers, even inside
    /// one instant) once [`Sim::work_done`] has reached `stop`; false then, and a later call
    /// (with the same `t`) goes on where this one stopped. The items and timers run in the same
    /// order as in one `run_until`, so slices reach the same cluster, provided nothing writes
    /// to it between them.
    pub fn run_until_within(&mut self, t: SimTime, stop: u64) -> bool {
        loop {
            if !self.settle_until(stop) {
                return false;
            }
            if self.next_due().is_none_or(|d| d > t) {
                break;
            }
            if self.work_done() >= stop {
                return false;
            }
            if !self.fire_next() {
                return true;
            }
        }
        self.expire_events(t);
        if t > self.now {
            self.now = t;
        }
        true
    }

    /// Gives what follows (one terminal line, one `@sleep`) at most `n` timers (`None`:
    /// unlimited). A waiting line beside busy containers costs a timer per wake-up of each;
    /// past the allowance the waiting stops where it got to ([`Sim::ran_out`]).
    // k8s-diff: a real cluster waits as long as asked; the lab bounds the work one line may
    // make it do (the page never waits ahead of its clock, so only scripts meet it).
    pub fn allow_steps(&mut self, n: Option<u64>) {
        self.steps_left = n;
        self.steps_ran_out = None;
    }

    /// The virtual moment the allowance of [`Sim::allow_steps`] ran out, if it did.
    pub fn ran_out(&self) -> Option<SimTime> {
        self.steps_ran_out
    }

    /// Advances the clock by `ms`.
    pub fn advance(&mut self, ms: u64) {
        self.run_until(self.now.plus_ms(ms));
    }

    /// Runs until nothing more is scheduled, or until `limit_ms` of virtual time have passed.
    /// Returns true if the cluster settled.
    pub fn run_until_idle(&mut self, limit_ms: u64) -> bool {
        let deadline = self.now.plus_ms(limit_ms);
        self.settle_now();
        while let Some(d) = self.next_due() {
            if d > deadline {
                self.expire_events(deadline);
                self.now = deadline;
                return false;
            }
            if !self.step() {
                return false;
            }
        }
        true
    }

    fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::Kubelet { pod, uid, step } => kubelet::on_step(self, &pod, &uid, step),
            Timer::Provisioned { pvc, uid } => volumes::on_provisioned(self, &pvc, &uid),
            Timer::Reclaimed { pv } => volumes::on_reclaimed(self, &pv),
            Timer::Requeue(w) => {
                self.dirty.insert(w);
            }
            Timer::SchedulingQueue(f) => self.queue_flush(f),
            Timer::EventSeries(t) => self.series_tick(t),
        }
    }

    fn run_work(&mut self, w: Work) {
        self.work_runs += 1;
        match w {
            Work::Gc(k) => controllers::gc::sync(self, &k),
            Work::GcOrphans(uid) => controllers::gc::collect(self, &uid),
            Work::Namespace(k) => controllers::gc::sync_namespace(self, &k),
            Work::Deployment(k) => controllers::deployment::sync(self, &k),
            Work::ReplicaSet(k) => controllers::replicaset::sync(self, &k),
            Work::StatefulSet(k) => controllers::statefulset::sync(self, &k),
            Work::Pvc(k) => volumes::sync_pvc(self, &k),
            Work::Pv(k) => volumes::sync_pv(self, &k),
            Work::Schedule(k) => scheduler::sync(self, &k),
            Work::Kubelet(k) => kubelet::sync(self, &k),
            Work::Endpoints(k) => controllers::endpoints::sync(self, &k),
            Work::Hpa(k) => controllers::hpa::sync(self, &k),
        }
    }

    /// Turns store changes into controller work (the informers' event handlers).
    fn dispatch(&mut self) {
        let pending = std::mem::take(&mut self.store.pending);
        for store::Change { key, ty, uid, owners } in pending {
            let current = self.store.get_rc(&key);
            let deleted = ty == WatchType::Deleted;
            if let Some(o) = &current {
                if obj::is_deleting(o) && !obj::finalizers(o).is_empty() {
                    self.dirty.insert(Work::Gc(key.clone()));
                }
            }
            if deleted && !self.store.dependents(&uid).is_empty() {
                // The GC looks for dependents of whatever disappeared.
                self.dirty.insert(Work::GcOrphans(uid.clone()));
            }
            if deleted {
                // An owner waiting in foreground deletion may now have no dependents left.
                for o in owners {
                    if self.store.get(&o).is_some_and(obj::is_deleting) {
                        self.dirty.insert(Work::Gc(o));
                    }
                }
            }
            if key.kind != Kind::Namespace && key.kind.namespaced() {
                let ns_key = ObjKey::new(Kind::Namespace, "", &key.ns);
                if deleted && self.store.get(&ns_key).is_some_and(obj::is_deleting) {
                    self.dirty.insert(Work::Namespace(ns_key));
                }
            }
            self.queue_on_change(&key, current.as_deref(), deleted);
            match key.kind {
                Kind::Namespace => {
                    if current.as_deref().is_some_and(obj::is_deleting) {
                        self.dirty.insert(Work::Namespace(key.clone()));
                    } else if ty == WatchType::Added {
                        // The root CA publisher puts the cluster's CA into every namespace.
                        let ca = jv!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"kube-root-ca.crt","namespace":key.name,
                            "annotations":{"kubernetes.io/description":"Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}},
                            "data":{"ca.crt":"-----BEGIN CERTIFICATE-----\nMIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\ncm5ldGVzMB4XDTIyMDUyODA3MDAwMFoXDTMyMDUyNTA3MDAwMFowFTETMBEGA1UE\n-----END CERTIFICATE-----\n"}});
                        let _ = self.create(ca);
                    }
                }
                Kind::Pod => self.dispatch_pod(&key, current.as_deref()),
                Kind::Event if !deleted => self.lease_event(&key),
                Kind::Service => {
                    self.endpoints.touch_service(&key);
                    self.dirty.insert(Work::Endpoints(key.clone()));
                }
                Kind::PersistentVolumeClaim => {
                    self.dirty.insert(Work::Pvc(key.clone()));
                    // The scheduling queue's hint: a claim's change can help only the pods
                    // waiting for that claim.
                    let waiting: Vec<ObjKey> =
                        self.claim_waiters.get(&key).map(|s| s.iter().cloned().collect()).unwrap_or_default();
                    for p in waiting {
                        self.dirty.insert(Work::Schedule(p));
                    }
                    if let Some(o) = &current {
                        if let Some(pv) = obj::str_at(o, "/spec/volumeName") {
                            self.dirty.insert(Work::Pv(ObjKey::new(Kind::PersistentVolume, "", pv)));
                        }
                    } else {
                        // The claim is gone: its volume is released.
                        let pvs: Vec<ObjKey> = self
                            .store
                            .list(Kind::PersistentVolume, None)
                            .filter(|(_, pv)| {
                                obj::str_at(pv, "/spec/claimRef/name") == Some(&key.name)
                                    && obj::str_at(pv, "/spec/claimRef/namespace") == Some(&key.ns)
                            })
                            .map(|(k, _)| k.clone())
                            .collect();
                        for k in pvs {
                            self.dirty.insert(Work::Pv(k));
                        }
                    }
                }
                Kind::PersistentVolume => {
                    if current.as_deref().is_some_and(|pv| obj::str_at(pv, "/status/phase") == Some("Available")) {
                        self.available_pvs.insert(key.clone());
                    } else {
                        self.available_pvs.remove(&key);
                    }
                    self.dirty.insert(Work::Pv(key.clone()));
                    if let Some(o) = &current {
                        if let (Some(ns), Some(n)) =
                            (obj::str_at(o, "/spec/claimRef/namespace"), obj::str_at(o, "/spec/claimRef/name"))
                        {
                            self.dirty.insert(Work::Pvc(ObjKey::new(Kind::PersistentVolumeClaim, ns, n)));
                        }
                    }
                }
                Kind::StatefulSet => {
                    self.dirty.insert(Work::StatefulSet(key.clone()));
                }
                Kind::Deployment => {
                    self.dirty.insert(Work::Deployment(key.clone()));
                }
                Kind::HorizontalPodAutoscaler if !deleted => controllers::hpa::enqueue(self, &key),
                Kind::HorizontalPodAutoscaler => {
                    // `deleteHPA` forgets its selector.
                    self.hpa_selectors.remove(&key);
                }
                Kind::ReplicaSet => {
                    self.dirty.insert(Work::ReplicaSet(key.clone()));
                    if let Some(r) = current.as_deref().and_then(obj::controller_ref) {
                        if r.get("kind").and_then(Value::as_str) == Some("Deployment") {
                            let n = r.get("name").and_then(Value::as_str).unwrap_or_default();
                            self.dirty.insert(Work::Deployment(ObjKey::new(Kind::Deployment, &key.ns, n)));
                        }
                    } else if let Some(o) = &current {
                        self.enqueue_matching(Kind::Deployment, &key.ns, o);
                    }
                }
                _ => {}
            }
        }
    }

    /// Wakes what a change to pod `key` concerns: its set, then (while it exists) the scheduler
    /// or its kubelet, its claims and the Services selecting it, or (once it is gone) what it
    /// may have held.
    fn dispatch_pod(&mut self, key: &ObjKey, current: Option<&Value>) {
        self.wake_pod_owner(key, current);
        match current {
            Some(o) => self.wake_for_pod(key, o),
            None => self.wake_for_gone_pod(key),
        }
    }

    /// Wakes the StatefulSet or ReplicaSet controlling pod `key`; for a pod without one, the
    /// sets whose selector may adopt it.
    fn wake_pod_owner(&mut self, key: &ObjKey, current: Option<&Value>) {
        let owner = current.and_then(obj::controller_ref).map(|r| {
            (
                r.get("kind").and_then(Value::as_str).unwrap_or_default().to_string(),
                r.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
            )
        });
        match (owner, current) {
            (Some((k, n)), _) if k == "StatefulSet" => {
                self.dirty.insert(Work::StatefulSet(ObjKey::new(Kind::StatefulSet, &key.ns, &n)));
            }
            (Some((k, n)), _) if k == "ReplicaSet" => {
                let rs = ObjKey::new(Kind::ReplicaSet, &key.ns, &n);
                if let (Some(p), Some(r)) = (current, self.store.get(&rs)) {
                    let sel = r.ptr("/spec/selector").map(labels::Selector::from_label_selector);
                    if !obj::is_deleting(p) && sel.is_some_and(|s| !s.matches_obj(p)) {
                        self.releases.insert(key.clone());
                    }
                }
                self.dirty.insert(Work::ReplicaSet(rs));
            }
            (Some(_), _) => {}
            (None, Some(o)) => {
                self.enqueue_matching(Kind::StatefulSet, &key.ns, o);
                self.enqueue_matching(Kind::ReplicaSet, &key.ns, o);
            }
            // A deleted pod without an owner we can read: wake every set in the namespace.
            (None, None) => self.wake_every_set(&key.ns),
        }
    }

    /// Wakes every StatefulSet and ReplicaSet in namespace `ns`.
    fn wake_every_set(&mut self, ns: &str) {
        for kind in [Kind::StatefulSet, Kind::ReplicaSet] {
            let ks: Vec<ObjKey> = self.store.list(kind, Some(ns)).map(|(k, _)| k.clone()).collect();
            for k in ks {
                self.dirty.insert(if kind == Kind::StatefulSet { Work::StatefulSet(k) } else { Work::ReplicaSet(k) });
            }
        }
    }

    /// Wakes what pod `key` (now `o`) concerns: the scheduler while it has no node (and is not
    /// being deleted) or else its kubelet, its claims, and the Services whose selector matches it.
    fn wake_for_pod(&mut self, key: &ObjKey, o: &Value) {
        if obj::str_at(o, "/spec/nodeName").is_none() {
            if obj::is_deleting(o) {
                // Skipped when popped (`skipPodSchedule`); gone from the queue here.
                self.sched_queue.forget(key);
            } else if self.assumed.contains_key(key) {
                self.dirty.insert(Work::Schedule(key.clone()));
            } else {
                self.queue_pod_changed(key, o);
            }
        } else {
            self.dirty.insert(Work::Kubelet(key.clone()));
        }
        for c in obj::arr_at(o, "/spec/volumes") {
            if let Some(claim) = obj::str_at(c, "/persistentVolumeClaim/claimName") {
                self.dirty.insert(Work::Pvc(ObjKey::new(Kind::PersistentVolumeClaim, &key.ns, claim)));
            }
        }
        // The Services selecting it, and those whose endpoints hold it (its labels changed).
        let svcs: Vec<ObjKey> = self
            .store
            .list(Kind::Service, Some(&key.ns))
            .filter(|(k, s)| {
                s.ptr("/spec/selector")
                    .and_then(Value::as_object)
                    .is_some_and(|sel| !sel.is_empty() && sel.iter().all(|(k, v)| obj::label(o, k) == v.as_str()))
                    || self.endpoints.holds(k, key)
            })
            .map(|(k, _)| k.clone())
            .collect();
        for s in svcs {
            self.endpoints.touch_pod(&s, key);
            self.dirty.insert(Work::Endpoints(s));
        }
    }

    /// Wakes what deleted pod `key` may have held.
    fn wake_for_gone_pod(&mut self, key: &ObjKey) {
        // Gone: claims it held may now be released from protection; endpoints drop it.
        let pvcs: Vec<ObjKey> = self
            .store
            .list(Kind::PersistentVolumeClaim, Some(&key.ns))
            .filter(|(_, c)| obj::is_deleting(c))
            .map(|(k, _)| k.clone())
            .collect();
        for k in pvcs {
            self.dirty.insert(Work::Pvc(k));
        }
        let svcs: Vec<ObjKey> = self.store.list(Kind::Service, Some(&key.ns)).map(|(k, _)| k.clone()).collect();
        for s in svcs {
            self.endpoints.touch_pod(&s, key);
            self.dirty.insert(Work::Endpoints(s));
        }
        scheduler::forget(self, key);
        self.sched_queue.forget(key);
    }

    /// Wakes the controllers of `kind` in `ns` whose selector matches `o`'s labels (adoption).
    fn enqueue_matching(&mut self, kind: Kind, ns: &str, o: &Value) {
        let lbl = labels::labels_of(o);
        let ks: Vec<ObjKey> = self
            .store
            .list(kind, Some(ns))
            .filter(|(_, c)| {
                c.ptr("/spec/selector").is_some_and(|s| {
                    let sel = labels::Selector::from_label_selector(s);
                    !sel.is_empty() && sel.matches(&lbl)
                })
            })
            .map(|(k, _)| k.clone())
            .collect();
        for k in ks {
            self.dirty.insert(match kind {
                Kind::StatefulSet => Work::StatefulSet(k),
                Kind::Deployment => Work::Deployment(k),
                _ => Work::ReplicaSet(k),
            });
        }
    }

    // ----- the API ------------------------------------------------------------------------

    /// Creates an object as `POST` does: namespace defaulting, generateName, API defaulting,
    /// validation, admission (default StorageClass, ClusterIP), uid and creationTimestamp.
    pub fn create(&mut self, mut o: Value) -> Result<Value, ApiError> {
        let kind = kind_of(&o)?;
        defaults::to_stored_version(kind, &mut o);
        let ns = if kind.namespaced() {
            let ns = obj::namespace(&o);
            if ns.is_empty() {
                "default".to_string()
            } else {
                ns.to_string()
            }
        } else {
            String::new()
        };
        if kind.namespaced() {
            obj::meta_mut(&mut o).insert("namespace".into(), jv!(ns));
            match self.store.get(&ObjKey::new(Kind::Namespace, "", &ns)) {
                None => return Err(ApiError::NotFound { resource: "namespaces".into(), name: ns }),
                Some(n) if obj::is_deleting(n) => {
                    return Err(ApiError::Forbidden(format!(
                        "{} \"{}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                        kind.qualified_plural(),
                        obj::name(&o)
                    )))
                }
                _ => {}
            }
        }
        if obj::name(&o).is_empty() {
            let Some(prefix) = obj::str_at(&o, "/metadata/generateName").map(String::from) else {
                return Err(ApiError::Invalid {
                    kind: kind.to_string(),
                    name: String::new(),
                    causes: vec!["metadata.name: Required value: name or generateName is required".into()],
                });
            };
            let mut name = names::generate_name(&mut self.rng, &prefix);
            for _ in 0..8 {
                if !self.store.contains(&ObjKey::new(kind, &ns, &name)) {
                    break;
                }
                name = names::generate_name(&mut self.rng, &prefix);
            }
            obj::meta_mut(&mut o).insert("name".into(), jv!(name));
        }
        let key = ObjKey::new(kind, &ns, obj::name(&o));
        if self.store.contains(&key) {
            return Err(ApiError::AlreadyExists { resource: kind.qualified_plural(), name: key.name });
        }
        drop_disabled_fields(kind, &mut o, None, self.profile.server_minor());
        defaults::apply(kind, &mut o, self);
        if kind == Kind::HorizontalPodAutoscaler {
            // The registry's `PrepareForCreate`: a create cannot set status. As autoscaling/v2
            // writes it: `currentMetrics` has no omitempty, `currentReplicas` has.
            o["status"] = jv!({"currentMetrics": null, "desiredReplicas": 0});
        }
        validation::validate_create(kind, &o)?;
        quota::admit(self, kind, &o)?;
        self.admit(kind, &mut o)?;
        let uid = names::uuid_v4(&mut self.rng);
        let ts = self.timestamp();
        {
            let m = obj::meta_mut(&mut o);
            m.insert("uid".into(), jv!(uid));
            m.insert("creationTimestamp".into(), jv!(ts));
            m.remove("deletionTimestamp");
            m.remove("resourceVersion");
            if has_generation(kind, self.profile.server_minor()) {
                m.insert("generation".into(), jv!(1));
            }
        }
        self.store.put(key.clone(), o, self.now);
        // The API server answers with the object as stored, before any controller reacts.
        let stored = self.store.get(&key).cloned().unwrap_or(Value::Null);
        self.settle_now();
        Ok(stored)
    }

    /// The ServiceAccount admission plugin: a projected `kube-api-access-<5>` volume (the
    /// account's token, the cluster's CA from `kube-root-ca.crt`, the namespace) mounted
    /// read-only at /var/run/secrets/kubernetes.io/serviceaccount in every container, unless
    /// the pod opts out or mounts something there itself.
    fn mount_service_account_token(&mut self, o: &mut Value) {
        const PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
        if obj::bool_at(o, "/spec/automountServiceAccountToken") == Some(false) {
            return;
        }
        let mounted = obj::arr_at(o, "/spec/containers")
            .iter()
            .any(|c| obj::arr_at(c, "/volumeMounts").iter().any(|m| obj::str_at(m, "/mountPath") == Some(PATH)));
        if mounted {
            return;
        }
        let name = names::generate_name(&mut self.rng, "kube-api-access-");
        let volume = jv!({"name": name, "projected": {"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
            {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}}
        ]}});
        let spec = obj::object_mut(o, "spec");
        match spec.get_mut("volumes").and_then(Value::as_array_mut) {
            Some(v) => v.push(volume),
            None => {
                spec.insert("volumes".into(), jv!([volume]));
            }
        }
        for list in ["/spec/initContainers", "/spec/containers"] {
            let Some(cs) = o.pointer_mut(list).and_then(Value::as_array_mut) else { continue };
            for c in cs.iter_mut().filter_map(Value::as_object_mut) {
                let mount = jv!({"mountPath": PATH, "name": name, "readOnly": true});
                match c.get_mut("volumeMounts").and_then(Value::as_array_mut) {
                    Some(m) => m.push(mount),
                    None => {
                        c.insert("volumeMounts".into(), jv!([mount]));
                    }
                }
            }
        }
    }

    /// Admission plugins: DefaultStorageClass, StorageObjectInUseProtection, the service IP allocator.
    fn admit(&mut self, kind: Kind, o: &mut Value) -> Result<(), ApiError> {
        match kind {
            Kind::PersistentVolumeClaim => {
                if o.ptr("/spec/storageClassName").is_none() {
                    let def = self
                        .store
                        .list(Kind::StorageClass, None)
                        .find(|(_, sc)| {
                            obj::annotation(sc, "storageclass.kubernetes.io/is-default-class") == Some("true")
                        })
                        .map(|(k, _)| k.name.clone());
                    if let Some(d) = def {
                        obj::set(o, "/spec/storageClassName", jv!(d));
                    }
                }
                add_finalizer(o, "kubernetes.io/pvc-protection");
                obj::set(o, "/status/phase", jv!("Pending"));
            }
            Kind::PersistentVolume => {
                add_finalizer(o, "kubernetes.io/pv-protection");
                if o.ptr("/status/phase").is_none() {
                    obj::set(
                        o,
                        "/status/phase",
                        jv!(if o.ptr("/spec/claimRef").is_some() { "Bound" } else { "Available" }),
                    );
                }
            }
            Kind::Service => self.allocate_cluster_ip(o)?,
            Kind::Pod => {
                self.mount_service_account_token(o);
                if o.ptr("/status/phase").is_none() {
                    let qos = qos_class(o);
                    obj::set(o, "/status", jv!({"phase":"Pending","qosClass":qos}));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Allocates Service `o`'s cluster IP (the one it asks for, or a random free one; none for
    /// ExternalName) and, for NodePort and LoadBalancer, random node ports.
    fn allocate_cluster_ip(&mut self, o: &mut Value) -> Result<(), ApiError> {
        let ty = obj::str_at(o, "/spec/type").unwrap_or("ClusterIP").to_string();
        if ty == "ExternalName" {
            return Ok(());
        }
        let invalid = |cause: String| ApiError::Invalid {
            kind: "Service".into(),
            name: obj::name(o).into(),
            causes: vec![cause],
        };
        let ip = match obj::str_at(o, "/spec/clusterIP") {
            Some("None") => "None".to_string(),
            Some(ip) if !ip.is_empty() => {
                self.claim_service_ip(ip).map_err(invalid)?;
                ip.to_string()
            }
            _ => self.random_service_ip().ok_or_else(|| {
                invalid("spec.clusterIPs: Internal error: failed to allocate a serviceIP: range is full".into())
            })?,
        };
        obj::set(o, "/spec/clusterIP", jv!(ip));
        obj::set(o, "/spec/clusterIPs", jv!([ip]));
        if ty == "NodePort" || ty == "LoadBalancer" {
            self.allocate_node_ports(o);
        }
        Ok(())
    }

    /// Takes cluster IP `ip`, which a Service asks for; Err: the cause when it is outside the
    /// Service range or taken.
    fn claim_service_ip(&mut self, ip: &str) -> Result<(), String> {
        let prefix = self.service_ip(0);
        let prefix = prefix.trim_end_matches('0');
        let last: Option<u8> = ip.strip_prefix(prefix).and_then(|x| x.parse().ok());
        let Some(l) = last.filter(|l| *l > 0 && *l < 255) else {
            return Err(format!("spec.clusterIPs: Invalid value: []string{{\"{ip}\"}}: failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is {}", self.profile.service_cidr));
        };
        if !self.service_ips.insert(l) {
            return Err(format!("spec.clusterIPs: Invalid value: []string{{\"{ip}\"}}: failed to allocate IP {ip}: provided IP is already allocated"));
        }
        Ok(())
    }

    /// Takes a random free cluster IP (one random draw); None when the range is full.
    fn random_service_ip(&mut self) -> Option<String> {
        let free: Vec<u8> = (2..255u8).filter(|i| !self.service_ips.contains(i)).collect();
        if free.is_empty() {
            return None;
        }
        let pick = free[(self.rng.next_u64() % free.len() as u64) as usize];
        self.service_ips.insert(pick);
        Some(self.service_ip(pick))
    }

    /// Gives each of Service `o`'s ports without a nodePort a random one (one draw each, in order).
    fn allocate_node_ports(&mut self, o: &mut Value) {
        let mut ports = obj::arr_at(o, "/spec/ports").to_vec();
        for p in ports.iter_mut().filter(|p| p.get("nodePort").is_none()) {
            p["nodePort"] = jv!(30000 + self.rng.next_u64() % 2768);
        }
        obj::set(o, "/spec/ports", jv!(ports));
    }

    /// Replaces an object's spec and metadata (what apply, patch, scale and label end in),
    /// keeping what the server owns: uid, creationTimestamp, status.
    /// The PersistentVolumeClaimResize admission plugin: a bigger request only for a claim
    /// whose StorageClass allows expansion (local-path does not).
    fn admit_resize(&self, kind: Kind, old: &Value, new: &Value) -> Result<(), ApiError> {
        let size = |o: &Value| o.ptr("/spec/resources/requests/storage").and_then(volumes::quantity_bytes);
        if kind != Kind::PersistentVolumeClaim
            || size(new) <= size(old)
            || obj::str_at(old, "/status/phase") != Some("Bound")
        {
            return Ok(());
        }
        let class = obj::str_at(old, "/spec/storageClassName").unwrap_or("");
        let expandable = self
            .get(Kind::StorageClass, "", class)
            .and_then(|sc| obj::bool_at(sc, "/allowVolumeExpansion"))
            .unwrap_or(false);
        if expandable {
            return Ok(());
        }
        Err(ApiError::Forbidden(format!("persistentvolumeclaims \"{}\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize", obj::name(old))))
    }

    pub fn update(&mut self, mut o: Value) -> Result<Value, ApiError> {
        let kind = kind_of(&o)?;
        defaults::to_stored_version(kind, &mut o);
        let ns = if kind.namespaced() { obj::namespace(&o).to_string() } else { String::new() };
        let key = ObjKey::new(kind, if ns.is_empty() { "default" } else { &ns }, obj::name(&o));
        let Some(old) = self.store.get(&key).cloned() else {
            return Err(ApiError::NotFound { resource: kind.qualified_plural(), name: key.name });
        };
        obj::meta_mut(&mut o).insert("namespace".into(), jv!(key.ns));
        if !kind.namespaced() {
            obj::meta_mut(&mut o).remove("namespace");
        }
        drop_disabled_fields(kind, &mut o, Some(&old), self.profile.server_minor());
        defaults::apply(kind, &mut o, self);
        validation::validate_update(kind, &old, &o)?;
        self.admit_resize(kind, &old, &o)?;
        for f in [
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
            "ownerReferences",
            "finalizers",
        ] {
            let keep_user = matches!(f, "ownerReferences" | "finalizers") && o.ptr(&format!("/metadata/{f}")).is_some();
            if keep_user {
                continue;
            }
            match old.ptr(&format!("/metadata/{f}")) {
                Some(v) => {
                    obj::meta_mut(&mut o).insert(f.into(), v.clone());
                }
                None => {
                    obj::meta_mut(&mut o).remove(f);
                }
            }
        }
        if let Some(st) = old.get("status") {
            o["status"] = st.clone();
        }
        if kind == Kind::Service {
            // The allocator's choices stay.
            for f in ["/spec/clusterIP", "/spec/clusterIPs"] {
                if let Some(v) = old.ptr(f) {
                    obj::set(&mut o, f, v.clone());
                }
            }
            // A Service turned NodePort or LoadBalancer by an update gets node ports for the
            // ports without one, as on create (the registry's `updateNodePorts`).
            if matches!(obj::str_at(&o, "/spec/type"), Some("NodePort" | "LoadBalancer")) {
                self.allocate_node_ports(&mut o);
            }
        }
        if kind == Kind::PersistentVolumeClaim || kind == Kind::PersistentVolume {
            for f in ["/spec/volumeName", "/spec/claimRef", "/spec/storageClassName"] {
                if o.ptr(f).is_none() {
                    if let Some(v) = old.ptr(f) {
                        obj::set(&mut o, f, v.clone());
                    }
                }
            }
        }
        if has_generation(kind, self.profile.server_minor()) && old.get("spec") != o.get("spec") {
            let g = obj::i64_at(&old, "/metadata/generation").unwrap_or(1) + 1;
            obj::meta_mut(&mut o).insert("generation".into(), jv!(g));
        }
        if old == o {
            return Ok(old);
        }
        self.store.put(key.clone(), o, self.now);
        // The API server answers with the object as stored, before any controller reacts.
        let stored = self.store.get(&key).cloned().unwrap_or(Value::Null);
        self.settle_now();
        Ok(stored)
    }

    /// A write by a controller or kubelet: the closure edits the stored object.
    pub(crate) fn modify(&mut self, key: &ObjKey, f: impl FnOnce(&mut Value)) -> bool {
        let Some(before) = self.store.get_rc(key) else { return false };
        let mut o = (*before).clone();
        f(&mut o);
        if o != *before {
            drop(before);
            self.store.put(key.clone(), o, self.now);
        }
        true
    }

    /// Deletes an object as `DELETE` does: graceful for running pods, finalizers honoured,
    /// propagation recorded as the `orphan`/`foregroundDeletion` finalizers.
    pub fn delete(&mut self, key: &ObjKey, opts: DeleteOptions) -> Result<Value, ApiError> {
        let Some(o) = self.store.get(key).cloned() else {
            return Err(ApiError::NotFound { resource: key.kind.qualified_plural(), name: key.name.clone() });
        };
        if key.kind == Kind::Namespace {
            if ["default", "kube-system", "kube-public"].contains(&key.name.as_str()) {
                return Err(ApiError::Forbidden(format!(
                    "namespaces \"{}\" is forbidden: this namespace may not be deleted",
                    key.name
                )));
            }
            if !obj::is_deleting(&o) {
                let ts = self.timestamp();
                self.modify(key, |n| {
                    obj::meta_mut(n).insert("deletionTimestamp".into(), jv!(ts));
                    obj::set(n, "/status/phase", jv!("Terminating"));
                });
                self.settle_now();
            }
            return Ok(self.store.get(key).cloned().unwrap_or(o));
        }
        let mut o2 = o.clone();
        let mut finals = obj::finalizers(&o);
        match opts.propagation {
            Propagation::Orphan
                if !self.store.dependents(obj::uid(&o)).is_empty() && !finals.iter().any(|f| f == "orphan") =>
            {
                finals.push("orphan".into());
            }
            Propagation::Foreground
                if !self.store.dependents(obj::uid(&o)).is_empty()
                    && !finals.iter().any(|f| f == "foregroundDeletion") =>
            {
                finals.push("foregroundDeletion".into());
            }
            _ => {}
        }
        let pod_grace = if key.kind == Kind::Pod {
            let g = opts
                .grace_seconds
                .unwrap_or_else(|| obj::i64_at(&o, "/spec/terminationGracePeriodSeconds").unwrap_or(30));
            let running = obj::str_at(&o, "/spec/nodeName").is_some()
                && !matches!(obj::str_at(&o, "/status/phase"), Some("Succeeded") | Some("Failed"));
            if running && g > 0 {
                Some(g)
            } else {
                None
            }
        } else {
            None
        };
        if finals.is_empty() && pod_grace.is_none() {
            let gone = self.store.remove(key, self.now).unwrap_or(o);
            self.settle_now();
            return Ok(gone);
        }
        if obj::is_deleting(&o) {
            // Already being deleted: a shorter grace period still shortens it.
            if let (Some(g), Some(old)) = (pod_grace, obj::i64_at(&o, "/metadata/deletionGracePeriodSeconds")) {
                if g < old {
                    self.modify(key, |p| {
                        obj::meta_mut(p).insert("deletionGracePeriodSeconds".into(), jv!(g));
                    });
                    self.settle_now();
                }
            } else if pod_grace.is_none() && key.kind == Kind::Pod && finals.is_empty() {
                self.store.remove(key, self.now);
                self.settle_now();
            }
            return Ok(o);
        }
        {
            let ts = time::rfc3339(self.unix_at(self.now) + pod_grace.unwrap_or(0));
            let m = obj::meta_mut(&mut o2);
            m.insert("deletionTimestamp".into(), jv!(ts));
            m.insert("deletionGracePeriodSeconds".into(), jv!(pod_grace.unwrap_or(0)));
            if !finals.is_empty() {
                m.insert("finalizers".into(), jv!(finals));
            }
        }
        self.store.put(key.clone(), o2.clone(), self.now);
        self.settle_now();
        Ok(o2)
    }
}

/// Kind from `apiVersion` and `kind`, or the API server's error for an unknown one.
pub fn kind_of(o: &Value) -> Result<Kind, ApiError> {
    let av = o.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
    let k = o.get("kind").and_then(Value::as_str).unwrap_or_default();
    Kind::from_api(av, k)
        .ok_or_else(|| ApiError::BadRequest(format!("no matches for kind \"{k}\" in version \"{av}\"")))
}

/// `dropStatefulSetDisabledFields`: the API server drops the fields of features its release has
/// off by default (alpha), unless the stored object already uses them. StatefulSetAutoDeletePVC
/// (`persistentVolumeClaimRetentionPolicy`) and StatefulSetStartOrdinal (`ordinals`) are on from
/// v1.27, MaxUnavailableStatefulSet (`rollingUpdate.maxUnavailable`) from v1.35.
fn drop_disabled_fields(kind: Kind, o: &mut Value, old: Option<&Value>, minor: u32) {
    if kind != Kind::StatefulSet {
        return;
    }
    for (ptr, on_from) in [
        ("/spec/persistentVolumeClaimRetentionPolicy", 27),
        ("/spec/ordinals", 27),
        ("/spec/updateStrategy/rollingUpdate/maxUnavailable", 35),
    ] {
        if minor < on_from && old.is_none_or(|old| old.ptr(ptr).is_none()) {
            obj::remove(o, ptr);
        }
    }
}

/// Kinds whose registry strategy keeps `metadata.generation`: the workloads, and pods from
/// v1.33 (KEP-5067, "Pod Generation").
fn has_generation(kind: Kind, server_minor: u32) -> bool {
    matches!(kind, Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet) || (kind == Kind::Pod && server_minor >= 33)
}

fn add_finalizer(o: &mut Value, f: &str) {
    let mut fs = obj::finalizers(o);
    if !fs.iter().any(|x| x == f) {
        fs.push(f.to_string());
    }
    obj::meta_mut(o).insert("finalizers".into(), jv!(fs));
}

/// Removes one finalizer; the object goes away if it was being deleted and none are left.
pub(crate) fn remove_finalizer(sim: &mut Sim, key: &ObjKey, f: &str) {
    let Some(o) = sim.store.get(key).cloned() else { return };
    let mut fs = obj::finalizers(&o);
    let before = fs.len();
    fs.retain(|x| x != f);
    if fs.len() == before {
        return;
    }
    if fs.is_empty() && obj::is_deleting(&o) {
        sim.store.remove(key, sim.now);
        return;
    }
    sim.modify(key, |o| {
        if fs.is_empty() {
            obj::meta_mut(o).remove("finalizers");
        } else {
            obj::meta_mut(o).insert("finalizers".into(), jv!(fs));
        }
    });
}

#[cfg(test)]
mod tests;
