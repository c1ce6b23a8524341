//! `kubectl describe hpa`: `HorizontalPodAutoscalerDescriber` asks for the autoscaling/v2beta2
//! object first (v2 from kubectl 1.27, kubernetes/kubernetes#114886) and falls back on
//! autoscaling/v1. A 1.26 server no longer serves v2beta2, so kubectl 1.26 against it prints
//! the v1 form: no metrics list and no conditions, which v1 carries in an annotation instead
//! (the maintainers' note on #114886: "describe at least will fall back on the v1 version").

use super::*;
use crate::jv;

/// The v1 object's annotation of the conditions (`HorizontalPodAutoscalerConditionsAnnotation`).
const CONDITIONS_ANNOTATION: &str = "autoscaling.alpha.kubernetes.io/conditions";

pub(super) fn autoscaler(d: &mut Doc, sim: &Sim, o: &Value) {
    // kubectl: pkg/describe/describe.go at kubernetes-1.26.0 lines 3946-3959 (v2beta2, then
    // v1); kubernetes-1.27.0 registers v2 (line 212). Server: CHANGELOG-1.26.md, "Deprecated
    // beta APIs scheduled for removal in v1.26 are no longer served" (#111973), autoscaling/
    // v2beta2 among them.
    let v1 = sim.profile.kubectl_minor() < 27 && sim.profile.server_minor() >= 26;
    if v1 {
        autoscaler_v1(d, o);
    } else {
        autoscaler_v2(d, o);
    }
}

/// The lines both forms open with.
fn head(d: &mut Doc, o: &Value, annotations: Option<&Value>) {
    d.w(0, &format!("Name:\t{}", obj::name(o)));
    d.w(0, &format!("Namespace:\t{}", obj::namespace(o)));
    map_lines(d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
    map_lines(d, 0, "Annotations:", annotations, &[LAST_APPLIED]);
    d.w(0, &format!("CreationTimestamp:\t{}", rfc1123z(obj::str_at(o, "/metadata/creationTimestamp").unwrap_or(""))));
    let at = |p: &str| obj::str_at(o, p).unwrap_or("");
    d.w(0, &format!("Reference:\t{}/{}", at("/spec/scaleTargetRef/kind"), at("/spec/scaleTargetRef/name")));
}

/// The lines both forms close with (before the events).
fn replicas(d: &mut Doc, o: &Value) {
    let min = obj::i64_at(o, "/spec/minReplicas").map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    d.w(0, &format!("Min replicas:\t{min}"));
    d.w(0, &format!("Max replicas:\t{}", obj::i64_at(o, "/spec/maxReplicas").unwrap_or(0)));
}

fn pods_line(d: &mut Doc, o: &Value) {
    let n = |p: &str| obj::i64_at(o, p).unwrap_or(0);
    d.w(
        0,
        &format!(
            "{} pods:\t{} current / {} desired",
            obj::str_at(o, "/spec/scaleTargetRef/kind").unwrap_or(""),
            n("/status/currentReplicas"),
            n("/status/desiredReplicas")
        ),
    );
}

/// `describeHorizontalPodAutoscalerV1` over the object as autoscaling/v1 serves it.
fn autoscaler_v1(d: &mut Doc, o: &Value) {
    let annotations = v1_annotations(o);
    head(d, o, Some(&annotations));
    let cpu = obj::arr_at(o, "/spec/metrics")
        .iter()
        .find(|m| obj::str_at(m, "/type") == Some("Resource") && obj::str_at(m, "/resource/name") == Some("cpu"));
    if let Some(target) = cpu.and_then(|m| obj::i64_at(m, "/resource/target/averageUtilization")) {
        d.w(0, &format!("Target CPU utilization:\t{target}%"));
        let current = obj::arr_at(o, "/status/currentMetrics")
            .iter()
            .filter(|m| obj::str_at(m, "/resource/name") == Some("cpu"))
            .find_map(|m| obj::i64_at(m, "/resource/current/averageUtilization"))
            .map_or_else(|| "<unknown>".to_string(), |c| c.to_string());
        d.w(0, &format!("Current CPU utilization:\t{current}%"));
    }
    replicas(d, o);
    pods_line(d, o);
}

/// The annotations of the v1 object: the stored ones and the conditions as JSON, each
/// condition in v1's field order (`Convert_autoscaling_HorizontalPodAutoscaler_To_v1_...`).
// k8s-diff: the conversion also writes the metrics v1 cannot say (anything but a CPU
// utilization target) and a `behavior` into annotations; only manifests in v2 have them, and
// the lab leaves those two out.
fn v1_annotations(o: &Value) -> Value {
    let mut a = o.ptr("/metadata/annotations").cloned().unwrap_or(jv!({}));
    let conditions = obj::arr_at(o, "/status/conditions");
    if !conditions.is_empty() {
        let parts: Vec<String> = conditions
            .iter()
            .map(|c| {
                let mut fields = Vec::new();
                for f in ["type", "status", "lastTransitionTime", "reason", "message"] {
                    if let Some(v) = c.get(f).filter(|v| !v.is_null()) {
                        fields.push(format!("\"{f}\":{v}"));
                    }
                }
                format!("{{{}}}", fields.join(","))
            })
            .collect();
        let json = crate::support::gofmt::go_json_escape(&format!("[{}]", parts.join(",")));
        if let Some(m) = a.as_object_mut() {
            m.insert(CONDITIONS_ANNOTATION.into(), jv!(json));
        }
    }
    a
}

/// `describeHorizontalPodAutoscalerV2beta2` (V2 from kubectl 1.27, the same lines).
fn autoscaler_v2(d: &mut Doc, o: &Value) {
    head(d, o, o.ptr("/metadata/annotations"));
    d.w(0, "Metrics:\t( current / target )");
    let statuses = obj::arr_at(o, "/status/currentMetrics");
    for (i, m) in obj::arr_at(o, "/spec/metrics").iter().enumerate() {
        metric_line(d, m, statuses.get(i));
    }
    replicas(d, o);
    pods_line(d, o);
    let conditions = obj::arr_at(o, "/status/conditions");
    if !conditions.is_empty() {
        d.w(0, "Conditions:");
        d.w(1, "Type\tStatus\tReason\tMessage");
        d.w(1, "----\t------\t------\t-------");
        for c in conditions {
            let at = |p: &str| obj::str_at(c, p).unwrap_or("");
            d.w(1, &format!("{}\t{}\t{}\t{}", at("/type"), at("/status"), at("/reason"), at("/message")));
        }
    }
}

/// One metric's line; only resource metrics can exist in the lab (`kubectl autoscale`).
fn metric_line(d: &mut Doc, m: &Value, status: Option<&Value>) {
    let text = |v: Option<&Value>| v.map(|v| v.as_str().map_or_else(|| v.to_string(), String::from));
    match obj::str_at(m, "/type") {
        Some("Resource") => {
            let name = obj::str_at(m, "/resource/name").unwrap_or("");
            if let Some(target) = text(m.ptr("/resource/target/averageValue")) {
                let current =
                    text(status.and_then(|s| s.ptr("/resource/current/averageValue"))).unwrap_or("<unknown>".into());
                d.w(1, &format!("resource {name} on pods:\t{current} / {target}"));
            } else {
                let current = status
                    .and_then(|s| obj::i64_at(s, "/resource/current/averageUtilization").map(|u| (u, s)))
                    .map(|(u, s)| {
                        format!("{u}% ({})", text(s.ptr("/resource/current/averageValue")).unwrap_or_default())
                    })
                    .unwrap_or_else(|| "<unknown>".into());
                let target = obj::i64_at(m, "/resource/target/averageUtilization")
                    .map_or_else(|| "<auto>".to_string(), |t| format!("{t}%"));
                // Two writes at LEVEL_1: the second's indent lands inside the line.
                d.w(1, &format!("resource {name} on pods  (as a percentage of request):\t{current} / {target}"));
            }
        }
        other => d.w(1, &format!("<unknown metric type {}>", crate::support::gofmt::go_quote(other.unwrap_or("")))),
    }
}
