//! The controllers of kube-controller-manager that the lab needs, one file each.

pub mod deployment;
pub mod endpoints;
pub mod gc;
pub mod hpa;
pub mod replicaset;
pub mod statefulset;

use super::labels::Selector;
use super::obj;
use super::resources::Kind;
use super::store::{ObjKey, PodFacts};
use super::{Sim, Timer, Work};
use crate::jv;
use crate::sim::obj::Ptr;
use serde_json::Value;
use std::rc::Rc;

/// Objects of `kind` whose controller is the object with `uid` (clones: for small sets such
/// as ReplicaSets and revisions; pods go through [`pod_summaries`]).
pub(crate) fn owned(sim: &Sim, kind: Kind, uid: &str) -> Vec<(ObjKey, Value)> {
    sim.store
        .dependents_of_kind(uid, kind)
        .filter_map(|k| sim.store.get(k).map(|o| (k.clone(), o.clone())))
        .filter(|(_, o)| obj::controller_uid(o) == Some(uid))
        .collect()
}

/// A pod as the workload controllers see it: the store's facts plus availability now.
#[derive(Clone, Debug)]
pub(crate) struct PodSummary {
    facts: Rc<PodFacts>,
    /// Ready for minReadySeconds.
    pub available: bool,
    /// When it will become available, if it is ready but not yet for long enough.
    pub available_in_ms: Option<u64>,
}

impl std::ops::Deref for PodSummary {
    type Target = PodFacts;
    fn deref(&self) -> &PodFacts {
        &self.facts
    }
}

/// The pods controlled by `uid`, summarized.
pub(crate) fn pod_summaries(sim: &Sim, uid: &str, min_ready: i64) -> Vec<PodSummary> {
    sim.store
        .controlled_pods(uid)
        .map(|f| {
            let (available, available_in_ms) = if !f.running_ready || f.deleting {
                (false, None)
            } else if min_ready <= 0 {
                (true, None)
            } else {
                let since = f.ready_since.as_deref().and_then(|t| sim.ms_since(t)).unwrap_or(0);
                let need = min_ready * 1000;
                if since >= need {
                    (true, None)
                } else {
                    (false, Some((need - since) as u64))
                }
            };
            PodSummary { facts: f.clone(), available, available_in_ms }
        })
        .collect()
}

/// Adopts objects of `kind` in the owner's namespace that have no controller and match its
/// selector (`accept` narrows it further, e.g. StatefulSet pod names); the ones it adopted.
pub(crate) fn adopt(sim: &mut Sim, owner: &Value, kind: Kind, accept: impl Fn(&str) -> bool) -> Vec<ObjKey> {
    let ns = obj::namespace(owner).to_string();
    let Some(sel) = owner.ptr("/spec/selector").map(Selector::from_label_selector) else { return Vec::new() };
    if sel.is_empty() {
        return Vec::new();
    }
    let orphans: Vec<ObjKey> = sim
        .store
        .orphans(kind, &ns)
        .filter_map(|k| sim.store.get(k).map(|o| (k, o)))
        .filter(|(_, o)| {
            obj::controller_ref(o).is_none() && !obj::is_deleting(o) && accept(obj::name(o)) && sel.matches_obj(o)
        })
        .map(|(k, _)| k.clone())
        .collect();
    let r = obj::owner_ref(owner, true);
    for k in &orphans {
        sim.modify(k, |o| {
            let mut refs = obj::arr_at(o, "/metadata/ownerReferences").to_vec();
            refs.push(r.clone());
            obj::meta_mut(o).insert("ownerReferences".into(), jv!(refs));
        });
    }
    orphans
}

/// A pod built from a template: labels, ownerReference, generateName, spec.
pub(crate) fn pod_from_template(owner: &Value, template: &Value, name: Option<&str>, generate: &str) -> Value {
    let mut labels = template.ptr("/metadata/labels").cloned().unwrap_or(jv!({}));
    if !labels.is_object() {
        labels = jv!({});
    }
    let mut meta = jv!({"generateName": generate, "namespace": obj::namespace(owner), "labels": labels, "ownerReferences": [obj::owner_ref(owner, true)]});
    if let Some(n) = name {
        meta["name"] = jv!(n);
    }
    if let Some(a) = template.ptr("/metadata/annotations") {
        meta["annotations"] = a.clone();
    }
    jv!({"apiVersion":"v1","kind":"Pod","metadata":meta,"spec":template.get("spec").cloned().unwrap_or(jv!({}))})
}

/// The overall token bucket of a controller's work queue (`BucketRateLimiter` over
/// `rate.NewLimiter(10, 100)` in client-go v0.26 util/workqueue/default_rate_limiters.go):
/// ten requeues a second, bursts of a hundred, in thousandths of a token.
#[derive(Clone, Debug)]
pub(crate) struct Bucket {
    millitokens: i64,
    at_ms: u64,
}

const BUCKET_BURST: i64 = 100_000;
/// Thousandths of a token added per millisecond (10 a second).
const BUCKET_REFILL_PER_MS: i64 = 10;

impl Default for Bucket {
    fn default() -> Bucket {
        Bucket { millitokens: BUCKET_BURST, at_ms: 0 }
    }
}

impl Bucket {
    /// `Reserve().Delay()`: takes a token, and how long until it is there (ms).
    fn reserve(&mut self, now_ms: u64) -> u64 {
        let elapsed = now_ms.saturating_sub(self.at_ms).min(i64::MAX as u64 / 64) as i64;
        self.millitokens = (self.millitokens + elapsed * BUCKET_REFILL_PER_MS).min(BUCKET_BURST);
        self.at_ms = self.at_ms.max(now_ms);
        self.millitokens -= 1000;
        if self.millitokens >= 0 {
            0
        } else {
            (-self.millitokens + BUCKET_REFILL_PER_MS - 1) as u64 / BUCKET_REFILL_PER_MS as u64
        }
    }
}

/// The work queues whose rate limit the model keeps: one bucket each.
#[derive(Clone, Debug, Default)]
pub(crate) struct Queues {
    deployment: Bucket,
    replicaset: Bucket,
    statefulset: Bucket,
}

/// `AddRateLimited` after a failed sync of `work`, whose object is `key`: `DefaultControllerRateLimiter`
/// waits the longer of the item's back-off (5 ms doubling with each failure in a row, at most
/// 1000 s) and the queue's bucket. An item already waiting keeps its earlier moment (the
/// delaying queue holds one entry per item). When it is due (virtual ms).
pub(crate) fn requeue_rate_limited(sim: &mut Sim, key: &ObjKey, work: Work) -> u64 {
    let failures = {
        let n = sim.retries.entry(key.clone()).or_insert(0);
        *n += 1;
        *n - 1
    };
    let item = (5u64 << failures.min(18)).min(1_000_000);
    let now = sim.now().ms();
    let bucket = match key.kind {
        Kind::Deployment => &mut sim.queues.deployment,
        Kind::StatefulSet => &mut sim.queues.statefulset,
        _ => &mut sim.queues.replicaset,
    };
    let wait = item.max(bucket.reserve(now));
    if let Some(due) = sim.requeue_at.get(key).copied().filter(|due| *due > now) {
        return due;
    }
    sim.requeue_at.insert(key.clone(), now + wait);
    sim.schedule(wait, Timer::Requeue(work));
    now + wait
}

/// How many times in a row `key`'s sync has failed (`NumRequeues`).
pub(crate) fn requeues(sim: &Sim, key: &ObjKey) -> u32 {
    sim.retries.get(key).copied().unwrap_or(0)
}

/// `Forget`: a sync that succeeded starts the item's back-off over.
pub(crate) fn forget(sim: &mut Sim, key: &ObjKey) {
    sim.retries.remove(key);
    sim.requeue_at.remove(key);
}
