//! The horizontal pod autoscaler controller (`pkg/controller/podautoscaler/horizontal.go` of
//! kube-controller-manager v1.26) in a cluster without metrics-server, as kubeadm sets one up.
//!
//! Every HorizontalPodAutoscaler is reconciled every 15 s (`--horizontal-pod-autoscaler-sync-period`,
//! the queue's `FixedItemIntervalRateLimiter`: `enqueueHPA` adds a new one with that delay too, so
//! the first look comes 15 s after it was created). A look reads the target's scale: a target
//! below `minReplicas` or above `maxReplicas` is rescaled to the bound without asking for
//! metrics (`SuccessfulRescale`); within the bounds the controller asks the resource metrics
//! API, which is not there, so nothing is scaled and the HPA says why (`FailedGetResourceMetric`,
//! `FailedComputeMetricsReplicas`, the `ScalingActive` condition).

use crate::jv;
use crate::sim::labels::Selector;
use crate::sim::obj;
use crate::sim::obj::Ptr;
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::{Sim, Timer, Work};
use serde_json::Value;

/// `--horizontal-pod-autoscaler-sync-period`'s default.
pub const SYNC_PERIOD_MS: u64 = 15_000;

/// The controller's event source (`EventSource{Component: "horizontal-pod-autoscaler"}`).
const SOURCE: &str = "horizontal-pod-autoscaler";

/// What the resource metrics client says when the `metrics.k8s.io` API is not registered
/// (`resourceMetricsClient.GetResourceMetric` wraps the client's NotFound).
const NO_RESOURCE_METRICS: &str = "unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";

/// `enqueueHPA`/`processNextWorkItem`: `AddRateLimited`, one look `SYNC_PERIOD_MS` from now,
/// unless one is already waiting (the delaying queue keeps one entry per key, the earliest).
pub(crate) fn enqueue(sim: &mut Sim, key: &ObjKey) {
    let now = sim.now().ms();
    if sim.hpa_due.get(key).is_some_and(|due| *due >= now) {
        return;
    }
    sim.hpa_due.insert(key.clone(), now + SYNC_PERIOD_MS);
    sim.schedule(SYNC_PERIOD_MS, Timer::Requeue(Work::Hpa(key.clone())));
}

/// One look at HPA `key`, when its turn in the queue has come; then the next one is queued.
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn sync(sim: &mut Sim, key: &ObjKey) {
    if sim.hpa_due.get(key) != Some(&sim.now().ms()) {
        return;
    }
    sim.hpa_due.remove(key);
    let Some(hpa) = sim.store.get(key).cloned() else { return };
    reconcile(sim, key, &hpa);
    if sim.store.contains(key) {
        enqueue(sim, key);
    }
}

/// The HPA's status as `reconcileAutoscaler` edits it.
struct Status {
    conditions: Vec<Value>,
    current: i64,
    desired: i64,
    last_scale: Option<Value>,
}

impl Status {
    fn read(hpa: &Value) -> Status {
        Status {
            conditions: obj::arr_at(hpa, "/status/conditions").to_vec(),
            current: obj::i64_at(hpa, "/status/currentReplicas").unwrap_or(0),
            desired: obj::i64_at(hpa, "/status/desiredReplicas").unwrap_or(0),
            last_scale: hpa.ptr("/status/lastScaleTime").cloned(),
        }
    }

    /// `setCondition`: a condition of a new type goes last; its transition time changes only
    /// when its status does.
    fn set(&mut self, sim: &Sim, ty: &str, status: &str, reason: &str, message: String) {
        let at = match self.conditions.iter().position(|c| obj::str_at(c, "/type") == Some(ty)) {
            Some(i) => i,
            None => {
                self.conditions.push(jv!({"type": ty}));
                self.conditions.len() - 1
            }
        };
        let c = &mut self.conditions[at];
        if obj::str_at(c, "/status") != Some(status) {
            c["lastTransitionTime"] = jv!(sim.timestamp());
        }
        c["status"] = jv!(status);
        c["reason"] = jv!(reason);
        c["message"] = jv!(message);
    }

    /// The v2 status as JSON: `currentMetrics` has no omitempty (so `null`), `currentReplicas`
    /// and `conditions` have it. The controller never sets `currentMetrics` here: it has none.
    fn to_json(&self) -> Value {
        let mut s = jv!({"currentMetrics": null, "desiredReplicas": self.desired});
        if self.current != 0 {
            s["currentReplicas"] = jv!(self.current);
        }
        if !self.conditions.is_empty() {
            s["conditions"] = jv!(self.conditions.clone());
        }
        if let Some(t) = &self.last_scale {
            s["lastScaleTime"] = t.clone();
        }
        s
    }
}

/// `updateStatusIfNeeded`: writes the status only when it changed.
fn write_status(sim: &mut Sim, key: &ObjKey, st: &Status) {
    let new = st.to_json();
    sim.modify(key, |o| {
        if o.get("status") != Some(&new) {
            o["status"] = new;
        }
    });
}

/// `reconcileAutoscaler` for a controller whose metrics all fail (no metrics-server).
fn reconcile(sim: &mut Sim, key: &ObjKey, hpa: &Value) {
    let mut st = Status::read(hpa);
    let target = match scale_target(sim, hpa) {
        Ok(t) => t,
        Err(why) => {
            sim.record_event(key, "Warning", "FailedGetScale", SOURCE, why.clone());
            let msg = format!("the HPA controller was unable to get the target's current scale: {why}");
            st.set(sim, "AbleToScale", "False", "FailedGetScale", msg);
            write_status(sim, key, &st);
            return;
        }
    };
    st.set(
        sim,
        "AbleToScale",
        "True",
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale".into(),
    );
    let current = obj::i64_at(&target, "/spec/replicas").unwrap_or(1);
    let min = obj::i64_at(hpa, "/spec/minReplicas").unwrap_or(1);
    let max = obj::i64_at(hpa, "/spec/maxReplicas").unwrap_or(0);
    let (desired, reason) = if current == 0 && min != 0 {
        let msg = "scaling is disabled since the replica count of the target is zero".to_string();
        st.set(sim, "ScalingActive", "False", "ScalingDisabled", msg);
        (0, None)
    } else if current > max {
        (max, Some("Current number of replicas above Spec.MaxReplicas"))
    } else if current < min {
        (min, Some("Current number of replicas below Spec.MinReplicas"))
    } else {
        match ambiguous(sim, key, &target) {
            Some(msg) => {
                // `validateAndParseSelector`, first in `computeReplicasForMetrics` (v1.26,
                // kubernetes/kubernetes#112011): an event and the condition, then the failure.
                sim.record_event(key, "Warning", "AmbiguousSelector", SOURCE, msg.clone());
                st.set(sim, "ScalingActive", "False", "AmbiguousSelector", msg.clone());
                st.current = current;
                write_status(sim, key, &st);
                sim.record_event(key, "Warning", "FailedComputeMetricsReplicas", SOURCE, msg);
            }
            None => metrics_fail(sim, key, hpa, st, current),
        }
        return;
    };
    let Some(reason) = reason else {
        // `rescale` false: the desired count is the current one.
        set_status(sim, &mut st, current, current, false);
        write_status(sim, key, &st);
        return;
    };
    let mut scaled = target.clone();
    obj::set(&mut scaled, "/spec/replicas", jv!(desired));
    if let Err(e) = sim.update(scaled) {
        let msg = format!("New size: {desired}; reason: {reason}; error: {e}");
        sim.record_event(key, "Warning", "FailedRescale", SOURCE, msg);
        let msg = format!("the HPA controller was unable to update the target scale: {e}");
        st.set(sim, "AbleToScale", "False", "FailedUpdateScale", msg);
        st.current = current;
        write_status(sim, key, &st);
        return;
    }
    let msg = format!("the HPA controller was able to update the target scale to {desired}");
    st.set(sim, "AbleToScale", "True", "SucceededRescale", msg);
    sim.record_event(key, "Normal", "SuccessfulRescale", SOURCE, format!("New size: {desired}; reason: {reason}"));
    set_status(sim, &mut st, current, desired, true);
    write_status(sim, key, &st);
}

/// `setStatus`: the counts, and the moment of a rescale.
fn set_status(sim: &Sim, st: &mut Status, current: i64, desired: i64, rescaled: bool) {
    st.current = current;
    st.desired = desired;
    if rescaled {
        st.last_scale = Some(jv!(sim.timestamp()));
    }
}

/// Within the bounds: `computeReplicasForMetrics` asks for every metric and gets none. Each
/// failed metric is an event (`getUnableComputeReplicaCountCondition`); the first one's
/// condition is kept; the status is written with the current count, then the whole failure
/// is an event of its own.
fn metrics_fail(sim: &mut Sim, key: &ObjKey, hpa: &Value, mut st: Status, current: i64) {
    let specs = obj::arr_at(hpa, "/spec/metrics").to_vec();
    let mut first: Option<(&str, String)> = None;
    for spec in &specs {
        let (reason, err) = metric_error(spec);
        sim.record_event(key, "Warning", reason, SOURCE, err.clone());
        first.get_or_insert((reason, err));
    }
    let (reason, err) = first.unwrap_or(("InvalidMetricSourceType", "no metrics".into()));
    st.set(sim, "ScalingActive", "False", reason, format!("the HPA was unable to compute the replica count: {err}"));
    st.current = current;
    write_status(sim, key, &st);
    let n = specs.len();
    let msg = format!("invalid metrics ({n} invalid out of {n}), first error is: {err}");
    sim.record_event(key, "Warning", "FailedComputeMetricsReplicas", SOURCE, msg);
}

/// `validateAndParseSelector`: the HPA's target selector is remembered (`hpaSelectors`, kept
/// from its first look between the bounds until it is deleted); when the pods it selects are
/// selected by another HPA's remembered selector too, the message that stops both.
fn ambiguous(sim: &mut Sim, key: &ObjKey, target: &Value) -> Option<String> {
    let sel_value = target.ptr("/spec/selector").cloned().unwrap_or(Value::Null);
    let sel = Selector::from_label_selector(&sel_value);
    sim.hpa_selectors.insert(key.clone(), sel.clone());
    let pods: Vec<&Value> =
        sim.store.list(Kind::Pod, Some(&key.ns)).map(|(_, p)| p).filter(|p| sel.matches_obj(p)).collect();
    let mut hpas: Vec<&ObjKey> = sim
        .hpa_selectors
        .iter()
        .filter(|(k, s)| k.ns == key.ns && pods.iter().any(|p| s.matches_obj(p)))
        .map(|(k, _)| k)
        .collect();
    if hpas.len() < 2 {
        return None;
    }
    // k8s-diff: upstream lists the HPAs in Go map order (random); here by name.
    crate::support::sort::sort(&mut hpas);
    let names: Vec<String> = hpas.iter().map(|k| format!("{}/{}", k.ns, k.name)).collect();
    Some(format!("pods by selector {} are controlled by multiple HPAs: [{}]", sel.to_text(), names.join(" ")))
}

/// Why one metric cannot be read, and the reason its event and condition give.
fn metric_error(spec: &Value) -> (&'static str, String) {
    match obj::str_at(spec, "/type") {
        Some("Resource") => {
            let name = obj::str_at(spec, "/resource/name").unwrap_or("");
            let fetch = format!("unable to get metrics for resource {name}: {NO_RESOURCE_METRICS}");
            // `computeStatusForResourceMetricGeneric`: a utilization target reads utilization,
            // an average value reads raw usage; both ask the same API first, so a pod without
            // a CPU request never gets as far as "missing request for cpu".
            let what = if spec.ptr("/resource/target/averageValue").is_some() { "usage" } else { "utilization" };
            ("FailedGetResourceMetric", format!("failed to get {name} {what}: {fetch}"))
        }
        other => {
            // k8s-diff: the lab has no custom or external metrics APIs to ask either; the
            // controller's words for those failures are not modelled.
            (
                "InvalidMetricSourceType",
                format!("unknown metric source type {}", crate::support::gofmt::go_quote(other.unwrap_or(""))),
            )
        }
    }
}

/// The target's object, or the error `scaleForResourceMappings` gives: the mapper's for a
/// kind it does not know in that group, the scale client's for a missing object.
fn scale_target(sim: &Sim, hpa: &Value) -> Result<Value, String> {
    let api = obj::str_at(hpa, "/spec/scaleTargetRef/apiVersion").unwrap_or("");
    let kind = obj::str_at(hpa, "/spec/scaleTargetRef/kind").unwrap_or("");
    let name = obj::str_at(hpa, "/spec/scaleTargetRef/name").unwrap_or("");
    let group = api.split_once('/').map_or("", |(g, _)| g);
    let scalable = [Kind::Deployment, Kind::ReplicaSet, Kind::StatefulSet];
    let Some(k) = scalable.into_iter().find(|k| k.to_string() == kind && k.info().group == group) else {
        return Err(format!("no matches for kind \"{kind}\" in group \"{group}\""));
    };
    match sim.store.get(&ObjKey::new(k, obj::namespace(hpa), name)) {
        Some(o) => Ok(o.clone()),
        None => Err(format!("{} \"{name}\" not found", k.qualified_plural())),
    }
}
