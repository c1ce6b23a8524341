//! The scheduler's queue of pods it could not place (kube-scheduler's `PriorityQueue`):
//! when they are tried again.
//!
//! A pod that fails goes to the unschedulable pool, remembering what rejected it (the failed
//! plugins). It leaves the pool in three ways, as in `internal/queue/scheduling_queue.go`:
//! - a cluster event that could help it (`MoveAllToActiveOrBackoffQueue`): a node added or
//!   changed, if the pod would be admitted there (`preCheckForNode`), for any rejection; an
//!   assigned pod gone, for a lack of resources; a claim, volume or StorageClass added or
//!   changed, for the volume binding's rejections. A pod still in its back-off (1 s after the
//!   first attempt, doubling to 10 s) waits for it in the back-off queue, flushed every second
//!   (`flushBackoffQCompleted`);
//! - a change of the pod itself other than its status (`isPodUpdated`);
//! - the periodic flush (`flushUnschedulablePodsLeftover`, every 30 s) of pods that have been
//!   in the pool longer than `podMaxInUnschedulablePodsDuration` (5 min).
//!
//! Each attempt that fails records a FailedScheduling event.
// k8s-diff: from v1.33 (SchedulerPopFromBackoffQ) the scheduler also pops a pod still backing
// off when nothing else is waiting, and from v1.32 queueing hints decide per plugin whether an
// event helps; here every release moves pods as v1.26 does (by the failed plugins' registered
// events, then the back-off).

use super::obj;
use super::resources::Kind;
use super::store::ObjKey;
use super::{Sim, Timer, Work};
use crate::support::collections::VecSet;
use serde_json::Value;
// A std B-tree: an entry per pod the scheduler has tried and not placed (a thousand pending
// pods are a thousand entries).
use std::collections::{BTreeMap, BTreeSet};

/// `DefaultPodInitialBackoffDuration`.
const INITIAL_BACKOFF_MS: u64 = 1_000;
/// `DefaultPodMaxBackoffDuration`.
const MAX_BACKOFF_MS: u64 = 10_000;
/// `DefaultPodMaxInUnschedulablePodsDuration`.
const MAX_IN_UNSCHEDULABLE_MS: u64 = 300_000;
/// `flushUnschedulablePodsLeftover` runs this often.
const LEFTOVER_FLUSH_MS: u64 = 30_000;
/// `flushBackoffQCompleted` runs this often.
const BACKOFF_FLUSH_MS: u64 = 1_000;

/// The plugins that rejected a pod (its `UnschedulablePlugins`), as bits.
pub(crate) mod plugin {
    /// TaintToleration (and NodeUnschedulable).
    pub const TAINT: u8 = 1;
    /// NodeAffinity: the node selector or required affinity.
    pub const AFFINITY: u8 = 2;
    /// NodeResourcesFit: pods, CPU, memory.
    pub const RESOURCES: u8 = 4;
    /// VolumeBinding: claims missing, unbound or being deleted; volume node affinity.
    pub const VOLUME: u8 = 8;
}

/// A cluster event the queue may move pods on (`framework.ClusterEvent`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Event {
    /// A node added or changed: pods rejected by any node plugin, if admitted there.
    Node,
    /// An assigned pod gone (or done): pods short of resources.
    PodGone,
    /// A claim, volume or StorageClass added or changed: pods the volume binding rejected.
    Volume,
}

impl Event {
    fn plugins(self) -> u8 {
        match self {
            Event::Node => plugin::TAINT | plugin::AFFINITY | plugin::RESOURCES | plugin::VOLUME,
            Event::PodGone => plugin::RESOURCES,
            Event::Volume => plugin::VOLUME,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pool {
    /// Being tried (or about to be): the active queue.
    Active,
    /// Waiting for its back-off to end.
    Backoff,
    /// Waiting for an event or the leftover flush.
    Unschedulable,
}

/// A pod the scheduler has tried (`QueuedPodInfo`).
#[derive(Clone)]
struct Queued {
    /// Attempts so far (`Attempts`, one more at each pop).
    attempts: u32,
    /// When it last went back to the queue, in virtual ms (`Timestamp`).
    since: u64,
    pool: Pool,
    /// What rejected it ([`plugin`]).
    plugins: u8,
    /// The pod without its status and bookkeeping (`isPodUpdated`'s comparison), hashed.
    shape: u64,
}

/// The queue's state: the pods tried and not placed, and the flushes due.
#[derive(Clone, Default)]
pub(crate) struct Queue {
    pods: BTreeMap<ObjKey, Queued>,
    /// Those of them in the unschedulable pool (what a cluster event looks through).
    unschedulable: BTreeSet<ObjKey>,
    /// Moments a leftover flush is due (one timer each).
    leftover_due: VecSet<u64>,
    /// Moments a back-off flush is due (one timer each).
    backoff_due: VecSet<u64>,
}

/// Which of the queue's periodic flushes a timer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flush {
    Leftover,
    Backoff,
}

impl Queue {
    /// The pod is no longer the queue's (bound, gone, being deleted).
    pub(crate) fn forget(&mut self, key: &ObjKey) {
        self.pods.remove(key);
        self.unschedulable.remove(key);
    }
}

/// `calculateBackoffDuration`: 1 s, doubled for each attempt after the first, at most 10 s.
fn backoff_ms(attempts: u32) -> u64 {
    let mut d = INITIAL_BACKOFF_MS;
    for _ in 1..attempts {
        if d > MAX_BACKOFF_MS - d {
            return MAX_BACKOFF_MS;
        }
        d += d;
    }
    d
}

/// FNV-1a of the pod as `isPodUpdated` compares it: no resourceVersion, generation, status,
/// managed fields or finalizers. A walk over the value (no serializer in the page).
fn shape(pod: &Value) -> u64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    for (k, v) in pod.as_object().into_iter().flatten() {
        h.bytes(k.as_bytes());
        match k.as_str() {
            "status" => {}
            "metadata" => h.metadata(v),
            _ => h.value(v),
        }
    }
    h.0
}

struct Fnv(u64);

impl Fnv {
    fn metadata(&mut self, m: &Value) {
        let kept = |(k, _): &(&String, &Value)| {
            !matches!(k.as_str(), "resourceVersion" | "generation" | "managedFields" | "finalizers")
        };
        for (k, v) in m.as_object().into_iter().flatten().filter(kept) {
            self.bytes(k.as_bytes());
            self.value(v);
        }
    }

    fn bytes(&mut self, b: &[u8]) {
        for &x in b.iter().chain([0xff].iter()) {
            self.0 = (self.0 ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.bytes(b"n"),
            Value::Bool(b) => self.bytes(if *b { b"t" } else { b"f" }),
            Value::Number(n) => self.bytes(&n.as_f64().unwrap_or_default().to_bits().to_le_bytes()),
            Value::String(t) => self.bytes(t.as_bytes()),
            Value::Array(a) => {
                self.bytes(b"[");
                a.iter().for_each(|x| self.value(x));
                self.bytes(b"]");
            }
            Value::Object(o) => {
                self.bytes(b"{");
                for (k, x) in o {
                    self.bytes(k.as_bytes());
                    self.value(x);
                }
                self.bytes(b"}");
            }
        }
    }
}

impl Sim {
    /// The scheduler pops pod `key` for an attempt (`Pop`: one more attempt).
    pub(crate) fn queue_pop(&mut self, key: &ObjKey) {
        let q = self.sched_queue.pods.entry(key.clone()).or_insert_with(|| Queued {
            attempts: 0,
            since: 0,
            pool: Pool::Active,
            plugins: 0,
            // Compared only once the pod waits (set then).
            shape: 0,
        });
        q.attempts += 1;
        q.pool = Pool::Active;
        self.sched_queue.unschedulable.remove(key);
    }

    /// The attempt failed (`AddUnschedulableIfNotPresent`): the pod waits in the pool, and a
    /// leftover flush is due at the first 30-second tick more than 5 minutes on.
    pub(crate) fn queue_unschedulable(&mut self, key: &ObjKey, pod: &Value, plugins: u8) {
        let now = self.now.ms();
        let Some(q) = self.sched_queue.pods.get_mut(key) else { return };
        q.since = now;
        q.pool = Pool::Unschedulable;
        q.plugins = plugins;
        q.shape = shape(pod);
        self.sched_queue.unschedulable.insert(key.clone());
        let due = ((now + MAX_IN_UNSCHEDULABLE_MS) / LEFTOVER_FLUSH_MS + 1) * LEFTOVER_FLUSH_MS;
        if self.sched_queue.leftover_due.insert(due) {
            self.schedule(due - now, Timer::SchedulingQueue(Flush::Leftover));
        }
    }

    /// Pod `key` (now `pod`) changed while unbound: an attempt now for a pod the queue does
    /// not hold yet; a waiting pod moves only if more than its status changed (`Update`).
    pub(crate) fn queue_pod_changed(&mut self, key: &ObjKey, pod: &Value) {
        let Some(q) = self.sched_queue.pods.get(key) else {
            self.dirty.insert(Work::Schedule(key.clone()));
            return;
        };
        if q.pool == Pool::Unschedulable && q.shape != shape(pod) {
            self.queue_move(std::slice::from_ref(key));
        } else if q.pool == Pool::Active {
            self.dirty.insert(Work::Schedule(key.clone()));
        }
    }

    /// A cluster event: the waiting pods it could help move on (`MoveAllToActiveOrBackoffQueue`).
    /// For a node, only those it would admit (`preCheckForNode`).
    pub(crate) fn queue_event(&mut self, event: Event, node: Option<&Value>) {
        let wanted = event.plugins();
        let queue = &self.sched_queue;
        let candidates: Vec<ObjKey> = queue
            .unschedulable
            .iter()
            .filter(|k| queue.pods.get(*k).is_some_and(|q| q.plugins == 0 || q.plugins & wanted != 0))
            .cloned()
            .collect();
        if candidates.is_empty() {
            return;
        }
        let moving: Vec<ObjKey> = match node {
            Some(n) => {
                let admits = super::scheduler::Admission::for_node(self, n);
                candidates.into_iter().filter(|k| self.store.get(k).is_some_and(|p| admits.admits(p))).collect()
            }
            None => candidates,
        };
        self.queue_move(&moving);
    }

    /// `movePodsToActiveOrBackoffQueue`: each pod to the back-off queue while its back-off
    /// lasts (flushed at the first whole second after), else to an attempt now.
    fn queue_move(&mut self, keys: &[ObjKey]) {
        let now = self.now.ms();
        for k in keys {
            self.sched_queue.unschedulable.remove(k);
            let Some(q) = self.sched_queue.pods.get_mut(k) else { continue };
            let until = q.since + backoff_ms(q.attempts);
            if until > now {
                q.pool = Pool::Backoff;
                let due = until.div_ceil(BACKOFF_FLUSH_MS) * BACKOFF_FLUSH_MS;
                if self.sched_queue.backoff_due.insert(due) {
                    self.schedule(due - now, Timer::SchedulingQueue(Flush::Backoff));
                }
            } else {
                q.pool = Pool::Active;
                self.dirty.insert(Work::Schedule(k.clone()));
            }
        }
    }

    /// A flush is due: the leftovers older than 5 minutes move (`flushUnschedulablePodsLeftover`),
    /// or the pods whose back-off has ended are tried (`flushBackoffQCompleted`).
    pub(crate) fn queue_flush(&mut self, which: Flush) {
        let now = self.now.ms();
        match which {
            Flush::Leftover => {
                self.sched_queue.leftover_due.retain(|t| *t > now);
                let queue = &self.sched_queue;
                let old: Vec<ObjKey> = queue
                    .unschedulable
                    .iter()
                    .filter(|k| queue.pods.get(*k).is_some_and(|q| now - q.since.min(now) > MAX_IN_UNSCHEDULABLE_MS))
                    .cloned()
                    .collect();
                self.queue_move(&old);
            }
            Flush::Backoff => {
                self.sched_queue.backoff_due.retain(|t| *t > now);
                let done: Vec<ObjKey> = self
                    .sched_queue
                    .pods
                    .iter()
                    .filter(|(_, q)| q.pool == Pool::Backoff && q.since + backoff_ms(q.attempts) <= now)
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in done {
                    if let Some(q) = self.sched_queue.pods.get_mut(&k) {
                        q.pool = Pool::Active;
                    }
                    self.dirty.insert(Work::Schedule(k));
                }
            }
        }
    }

    /// The cluster events the queue moves pods on, from a change its informers saw: a node
    /// added or changed (not deleted); an assigned pod deleted, being deleted or done; a
    /// claim, volume or StorageClass added or changed.
    // k8s-diff: the scheduler's cache keeps a pod being deleted until it is gone; the model
    // frees its requests once it is being deleted or done, and moves pods then.
    pub(crate) fn queue_on_change(&mut self, key: &ObjKey, current: Option<&Value>, deleted: bool) {
        if self.sched_queue.unschedulable.is_empty() {
            return;
        }
        match key.kind {
            Kind::Node if !deleted => self.queue_event(Event::Node, current),
            Kind::Pod
                if !self.sched_queue.pods.contains_key(key)
                    && (deleted || current.is_some_and(|p| obj::is_deleting(p) || is_done(p))) =>
            {
                self.queue_event(Event::PodGone, None);
            }
            Kind::PersistentVolumeClaim | Kind::PersistentVolume | Kind::StorageClass if !deleted => {
                self.queue_event(Event::Volume, None);
            }
            _ => {}
        }
    }
}

/// Whether `pod` is in a phase that no longer holds its node's resources.
fn is_done(pod: &Value) -> bool {
    matches!(obj::str_at(pod, "/status/phase"), Some("Succeeded" | "Failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_back_off_doubles_from_one_second_to_ten() {
        let got: Vec<u64> = (1..=6).map(backoff_ms).collect();
        assert_eq!(got, [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    }

    #[test]
    fn a_status_change_keeps_the_shape_a_label_change_does_not() {
        let pod = crate::jv!({"metadata":{"name":"p","resourceVersion":"1","labels":{"a":"b"}},"spec":{},"status":{}});
        let mut status = pod.clone();
        status["metadata"]["resourceVersion"] = crate::jv!("2");
        status["status"]["conditions"] = crate::jv!([{"type":"PodScheduled"}]);
        let mut label = pod.clone();
        label["metadata"]["labels"]["a"] = crate::jv!("c");
        assert_eq!(shape(&pod), shape(&status));
        assert_ne!(shape(&pod), shape(&label));
    }
}
