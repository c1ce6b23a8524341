//! API defaulting, as the API server fills in fields a manifest leaves out (reference §2.1 and
//! `pkg/apis/*/v1/defaults.go`).

use super::obj;
use super::obj::Ptr;
use super::resources::Kind;
use super::Sim;
use crate::jv;
use serde_json::Value;

/// The API server's conversion of a request into the version it stores: an autoscaling/v1
/// HorizontalPodAutoscaler becomes v2 (`Convert_v1_HorizontalPodAutoscalerSpec_To_autoscaling_...`:
/// the CPU target a Resource metric; the conditions v1 carries in an annotation are status,
/// which a write of the object does not set).
pub fn to_stored_version(kind: Kind, o: &mut Value) {
    if kind != Kind::HorizontalPodAutoscaler || obj::str_at(o, "/apiVersion") != Some("autoscaling/v1") {
        return;
    }
    o["apiVersion"] = jv!("autoscaling/v2");
    if let Some(spec) = o.get_mut("spec").and_then(Value::as_object_mut) {
        if let Some(cpu) = spec.remove("targetCPUUtilizationPercentage").filter(|c| !c.is_null()) {
            spec.insert(
                "metrics".into(),
                jv!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu}}}]),
            );
        }
    }
    // k8s-diff: v1's `autoscaling.alpha.kubernetes.io/metrics` annotation (metrics v1 cannot
    // say) is not turned into metrics; it stays an annotation.
    if let Some(a) = o.pointer_mut("/metadata/annotations").and_then(Value::as_object_mut) {
        a.remove("autoscaling.alpha.kubernetes.io/conditions");
        a.remove("autoscaling.alpha.kubernetes.io/current-metrics");
    }
    if let Some(m) = o.as_object_mut() {
        m.remove("status");
    }
}

/// SetDefaults_StatefulSet (pkg/apis/apps/v1/defaults.go) at server release `1.minor`.
fn statefulset(o: &mut Value, minor: u32) {
    default(o, "/spec/replicas", jv!(1));
    default(o, "/spec/podManagementPolicy", jv!("OrderedReady"));
    default(o, "/spec/updateStrategy/type", jv!("RollingUpdate"));
    if obj::str_at(o, "/spec/updateStrategy/type") == Some("RollingUpdate") {
        default(o, "/spec/updateStrategy/rollingUpdate/partition", jv!(0));
        // SetDefaults_StatefulSet defaults maxUnavailable to 1 when the
        // MaxUnavailableStatefulSet gate is on: beta and on from v1.35 (KEP-961).
        if minor >= 35 {
            default(o, "/spec/updateStrategy/rollingUpdate/maxUnavailable", jv!(1));
        }
    }
    default(o, "/spec/revisionHistoryLimit", jv!(10));
    // It defaults the claim retention policy to Retain/Retain when StatefulSetAutoDeletePVC
    // is on: beta and on from v1.27 (KEP-1847).
    if minor >= 27 {
        default(o, "/spec/persistentVolumeClaimRetentionPolicy/whenDeleted", jv!("Retain"));
        default(o, "/spec/persistentVolumeClaimRetentionPolicy/whenScaled", jv!("Retain"));
    }
    template(o);
    if let Some(vcts) = o.pointer_mut("/spec/volumeClaimTemplates").and_then(Value::as_array_mut) {
        for t in vcts.iter_mut() {
            if t.is_object() {
                let m = t.as_object_mut().expect("object");
                m.entry("apiVersion").or_insert(jv!("v1"));
                m.entry("kind").or_insert(jv!("PersistentVolumeClaim"));
                default(t, "/spec/volumeMode", jv!("Filesystem"));
                default(t, "/status/phase", jv!("Pending"));
            }
        }
    }
}

/// Fills in the defaults of one object of `kind`.
pub fn apply(kind: Kind, o: &mut Value, sim: &Sim) {
    let minor = sim.profile.server_minor();
    empty_strings_for_nulls(kind, o);
    match kind {
        Kind::Secret => {
            // The v1 → internal conversion writes `stringData` over `data` (as bytes: base64 in
            // JSON) and keeps no `stringData`; the type defaults to Opaque.
            if let Some(Value::Object(plain)) = o.as_object_mut().and_then(|m| m.remove("stringData")) {
                for (k, v) in plain {
                    let text = v.as_str().unwrap_or("").to_string();
                    obj::object_mut(o, "data").insert(k, jv!(crate::support::base64::encode(text.as_bytes())));
                }
            }
            default(o, "/type", jv!("Opaque"));
        }
        Kind::Pod => {
            // `spec:` with nothing after it is JSON null, which Go decodes as the zero PodSpec.
            if o.get("spec").is_some_and(Value::is_null) {
                o["spec"] = jv!({});
            }
            if let Some(spec) = o.get_mut("spec").filter(|s| s.is_object()) {
                pod_spec(spec, true);
                let s = spec.as_object_mut().expect("spec is an object");
                s.entry("enableServiceLinks").or_insert(jv!(true));
                s.entry("serviceAccountName").or_insert(jv!("default"));
                s.entry("serviceAccount").or_insert(jv!("default"));
                // The Priority admission plugin: the built-in classes' values, else 0.
                let priority = match s.get("priorityClassName").and_then(Value::as_str) {
                    Some("system-node-critical") => 2_000_001_000,
                    Some("system-cluster-critical") => 2_000_000_000,
                    _ => 0,
                };
                s.entry("priority").or_insert(jv!(priority));
                s.entry("preemptionPolicy").or_insert(jv!("PreemptLowerPriority"));
                s.entry("tolerations").or_insert(jv!([
                    {"effect":"NoExecute","key":"node.kubernetes.io/not-ready","operator":"Exists","tolerationSeconds":300},
                    {"effect":"NoExecute","key":"node.kubernetes.io/unreachable","operator":"Exists","tolerationSeconds":300}
                ]));
            }
        }
        Kind::StatefulSet => statefulset(o, minor),
        Kind::Deployment => {
            default(o, "/spec/replicas", jv!(1));
            default(o, "/spec/strategy/type", jv!("RollingUpdate"));
            if obj::str_at(o, "/spec/strategy/type") == Some("RollingUpdate") {
                default(o, "/spec/strategy/rollingUpdate/maxSurge", jv!("25%"));
                default(o, "/spec/strategy/rollingUpdate/maxUnavailable", jv!("25%"));
            }
            default(o, "/spec/revisionHistoryLimit", jv!(10));
            default(o, "/spec/progressDeadlineSeconds", jv!(600));
            template(o);
        }
        Kind::ReplicaSet => {
            default(o, "/spec/replicas", jv!(1));
            template(o);
        }
        Kind::HorizontalPodAutoscaler => {
            // autoscaling/v1's and v2's `SetDefaults_HorizontalPodAutoscaler`; a v1 object
            // without a CPU target gets the 80% one in its conversion, v2 in its defaulting.
            default(o, "/spec/minReplicas", jv!(1));
            if obj::arr_at(o, "/spec/metrics").is_empty() {
                obj::set(
                    o,
                    "/spec/metrics",
                    jv!([{"type": "Resource", "resource": {"name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": 80}}}]),
                );
            }
        }
        Kind::Service => {
            default(o, "/spec/type", jv!("ClusterIP"));
            default(o, "/spec/sessionAffinity", jv!("None"));
            let ty = obj::str_at(o, "/spec/type").unwrap_or("ClusterIP").to_string();
            if ty != "ExternalName" {
                default(o, "/spec/ipFamilies", jv!(["IPv4"]));
                default(o, "/spec/ipFamilyPolicy", jv!("SingleStack"));
                // ServiceInternalTrafficPolicy, beta and on from v1.22 (KEP-2086; GA in 1.26).
                if minor >= 22 {
                    default(o, "/spec/internalTrafficPolicy", jv!("Cluster"));
                }
            }
            if ty == "NodePort" || ty == "LoadBalancer" {
                default(o, "/spec/externalTrafficPolicy", jv!("Cluster"));
            }
            // ServiceStatus' loadBalancer is a struct, never a pointer: every Service the API
            // server returns carries `status: {loadBalancer: {}}` (k8s.io/api core/v1 types.go).
            default(o, "/status/loadBalancer", jv!({}));
            if let Some(ports) = o.pointer_mut("/spec/ports").and_then(Value::as_array_mut) {
                for p in ports.iter_mut().filter(|p| p.is_object()) {
                    let port = p.get("port").cloned().unwrap_or(Value::Null);
                    let m = p.as_object_mut().expect("object");
                    m.entry("protocol").or_insert(jv!("TCP"));
                    m.entry("targetPort").or_insert(port);
                }
            }
        }
        Kind::PersistentVolumeClaim => default(o, "/spec/volumeMode", jv!("Filesystem")),
        Kind::Namespace => {
            let name = obj::name(o).to_string();
            default(o, "/spec/finalizers", jv!(["kubernetes"]));
            if o.ptr("/metadata/labels/kubernetes.io~1metadata.name").is_none() {
                obj::set_label(o, "kubernetes.io/metadata.name", &name);
            }
            if o.ptr("/status/phase").is_none() {
                obj::set(o, "/status/phase", jv!("Active"));
            }
        }
        Kind::PersistentVolume => {
            default(o, "/spec/persistentVolumeReclaimPolicy", jv!("Retain"));
            default(o, "/spec/volumeMode", jv!("Filesystem"));
        }
        Kind::StorageClass => {
            if o.get("reclaimPolicy").is_none() {
                o["reclaimPolicy"] = jv!("Delete");
            }
            if o.get("volumeBindingMode").is_none() {
                o["volumeBindingMode"] = jv!("Immediate");
            }
        }
        _ => {}
    }
}

fn template(o: &mut Value) {
    if let Some(spec) = o.pointer_mut("/spec/template/spec") {
        pod_spec(spec, false);
    }
    if let Some(t) = o.pointer_mut("/spec/template") {
        if t.is_object() {
            // The API server serializes an unset template creationTimestamp as null.
            let m = obj::meta_mut(t);
            m.entry("creationTimestamp").or_insert(Value::Null);
        }
    }
}

/// Fills in the defaults of a pod spec (of a pod, or of a template when `is_pod` is false).
fn pod_spec(spec: &mut Value, is_pod: bool) {
    if !spec.is_object() {
        return;
    }
    default(spec, "/restartPolicy", jv!("Always"));
    default(spec, "/terminationGracePeriodSeconds", jv!(30));
    default(spec, "/dnsPolicy", jv!("ClusterFirst"));
    default(spec, "/securityContext", jv!({}));
    default(spec, "/schedulerName", jv!("default-scheduler"));
    for list in ["containers", "initContainers"] {
        if let Some(cs) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in cs.iter_mut().filter(|c| c.is_object()) {
                container(c, is_pod);
            }
        }
    }
}

/// Fills in the defaults of one container (an object) of a pod spec.
fn container(c: &mut Value, is_pod: bool) {
    let image = c.get("image").and_then(Value::as_str).unwrap_or_default().to_string();
    let m = c.as_object_mut().expect("object");
    m.entry("terminationMessagePath").or_insert(jv!("/dev/termination-log"));
    m.entry("terminationMessagePolicy").or_insert(jv!("File"));
    m.entry("imagePullPolicy").or_insert(jv!(super::images::default_pull_policy(&image)));
    m.entry("resources").or_insert(jv!({}));
    // SetDefaults_Pod (pods only, not templates): a limit without a request asks
    // for what it limits.
    if let Some(res) = m.get_mut("resources").and_then(Value::as_object_mut).filter(|_| is_pod) {
        requests_from_limits(res);
    }
    if let Some(ports) = m.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports.iter_mut().filter(|p| p.is_object()) {
            p.as_object_mut().expect("object").entry("protocol").or_insert(jv!("TCP"));
        }
    }
    for kind in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = m.get_mut(kind).filter(|p| p.is_object()) {
            probe(p);
        }
    }
}

/// Requests whatever a container's `resources` limit and does not request already.
fn requests_from_limits(res: &mut serde_json::Map<String, Value>) {
    let Some(limits) = res.get("limits").and_then(Value::as_object).cloned() else { return };
    let requests = res.entry("requests").or_insert(jv!({}));
    if let Some(r) = requests.as_object_mut() {
        for (k, v) in limits {
            r.entry(k).or_insert(v);
        }
    }
}

/// SetDefaults_Probe and SetDefaults_HTTPGetAction.
fn probe(probe: &mut Value) {
    default(probe, "/timeoutSeconds", jv!(1));
    default(probe, "/periodSeconds", jv!(10));
    default(probe, "/successThreshold", jv!(1));
    default(probe, "/failureThreshold", jv!(3));
    if probe.get("httpGet").is_some_and(Value::is_object) {
        default(probe, "/httpGet/path", jv!("/"));
        default(probe, "/httpGet/scheme", jv!("HTTP"));
    }
}

/// Sets `ptr` to `v` if it is missing or null.
fn default(o: &mut Value, ptr: &str, v: Value) {
    if o.ptr(ptr).is_none_or(Value::is_null) {
        obj::set(o, ptr, v);
    }
}

/// The `map[string]string` fields a manifest may hold: decoding JSON null into one of those
/// stores the empty string (`app:` with nothing after it is the label `app=""`).
const STRING_MAPS: &[&str] = &[
    "/metadata/labels",
    "/metadata/annotations",
    "/spec/selector/matchLabels",
    "/spec/nodeSelector",
    "/spec/template/metadata/labels",
    "/spec/template/metadata/annotations",
    "/spec/template/spec/nodeSelector",
    "/data",
    "/stringData",
];

/// Turns the null values of [`STRING_MAPS`] (and of a Service's selector, a plain map where
/// the workloads' is a LabelSelector) into empty strings, as Go's decoder does.
fn empty_strings_for_nulls(kind: Kind, o: &mut Value) {
    let service = (kind == Kind::Service).then_some("/spec/selector");
    for path in STRING_MAPS.iter().copied().chain(service) {
        if let Some(m) = o.pointer_mut(path).and_then(Value::as_object_mut) {
            for v in m.values_mut().filter(|v| v.is_null()) {
                *v = jv!("");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pod_requests_what_it_limits_and_a_template_does_not() {
        let limited = || jv!({"name": "c", "image": "nginx:1.25", "resources": {"limits": {"cpu": "1"}, "requests": {"memory": "1Mi"}}});
        let mut c = limited();
        container(&mut c, true);
        assert_eq!(c["resources"]["requests"], jv!({"memory": "1Mi", "cpu": "1"}));
        let mut c = limited();
        container(&mut c, false);
        assert_eq!(c["resources"]["requests"], jv!({"memory": "1Mi"}));
    }

    #[test]
    fn a_probe_gets_its_periods_and_an_http_get_its_path_and_scheme() {
        let mut p = jv!({"httpGet": {"port": 80}, "periodSeconds": 5});
        probe(&mut p);
        assert_eq!(
            p,
            jv!({"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "periodSeconds": 5, "timeoutSeconds": 1,
                 "successThreshold": 1, "failureThreshold": 3})
        );
        let mut p = jv!({"exec": {"command": ["true"]}});
        probe(&mut p);
        assert!(p.get("httpGet").is_none());
    }
}
