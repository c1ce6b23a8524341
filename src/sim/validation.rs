//! Validation the API server does beyond the schema: names, selectors against template labels,
//! required fields, and which fields may change on update. Messages are the API server's.

use super::labels::{labels_of, Selector};
use super::obj;
use super::obj::Ptr;
use super::resources::Kind;
use super::ApiError;
use serde_json::Value;

fn invalid(kind: Kind, o: &Value, causes: Vec<String>) -> Result<(), ApiError> {
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Invalid { kind: kind.to_string(), name: obj::name(o).to_string(), causes })
    }
}

const DNS1123_SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_LABEL: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

fn is_label_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}
/// IsDNS1123Subdomain's errors: past 253 characters (`MaxLenError`), and not dot-separated
/// labels (its regex puts no length on a label: a Deployment of 60 characters has a ReplicaSet
/// of 71).
fn subdomain_errors(s: &str) -> Vec<String> {
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !p.starts_with('-')
            && !p.ends_with('-')
    };
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if !s.split('.').all(part_ok) {
        errs.push(DNS1123_SUBDOMAIN.to_string());
    }
    errs
}

/// Checks a new object.
pub fn validate_create(kind: Kind, o: &Value) -> Result<(), ApiError> {
    let mut causes = Vec::new();
    let name = obj::name(o);
    match kind {
        Kind::Service => {
            if !is_label_ok(name) || !name.starts_with(|c: char| c.is_ascii_lowercase()) {
                causes.push(format!("metadata.name: Invalid value: \"{name}\": {DNS1035_LABEL}"));
            }
        }
        Kind::Namespace => {
            if !is_label_ok(name) {
                causes.push(format!("metadata.name: Invalid value: \"{name}\": {DNS1123_LABEL}"));
            }
        }
        _ => {
            for e in subdomain_errors(name) {
                causes.push(format!("metadata.name: Invalid value: \"{name}\": {e}"));
            }
        }
    }
    meta(o, &mut causes);
    match kind {
        Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet => workload(kind, o, &mut causes),
        Kind::HorizontalPodAutoscaler => autoscaler(o, &mut causes),
        Kind::Pod => {
            if let Some(spec) = o.get("spec") {
                pod_spec(spec, "spec", &mut causes);
            } else {
                causes.push("spec.containers: Required value".into());
            }
        }
        Kind::PersistentVolumeClaim => {
            if obj::arr_at(o, "/spec/accessModes").is_empty() {
                causes.push("spec.accessModes: Required value: at least 1 access mode is required".into());
            }
            match o.ptr("/spec/resources/requests/storage") {
                None => causes.push("spec.resources[storage]: Required value".into()),
                // ValidatePositiveQuantityValue.
                Some(q) if super::volumes::quantity_bytes(q).is_some_and(|b| b <= 0.0) => causes.push(format!(
                    "spec.resources[storage]: Invalid value: {}: must be greater than zero",
                    go_quote(q.as_str().unwrap_or(&q.to_string()))
                )),
                Some(_) => {}
            }
        }
        Kind::Service => {
            let ty = obj::str_at(o, "/spec/type").unwrap_or("ClusterIP");
            if ty != "ExternalName"
                && obj::arr_at(o, "/spec/ports").is_empty()
                && obj::str_at(o, "/spec/clusterIP") != Some("None")
            {
                causes.push("spec.ports: Required value".into());
            }
            for (i, p) in obj::arr_at(o, "/spec/ports").iter().enumerate() {
                let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
                if !(1..=65535).contains(&port) {
                    causes.push(format!(
                        "spec.ports[{i}].port: Invalid value: {port}: must be between 1 and 65535, inclusive"
                    ));
                }
                if obj::arr_at(o, "/spec/ports").len() > 1
                    && p.get("name").and_then(Value::as_str).unwrap_or("").is_empty()
                {
                    causes.push(format!("spec.ports[{i}].name: Required value"));
                }
            }
        }
        _ => {}
    }
    invalid(kind, o, causes)
}

/// ValidateObjectMeta's label and annotation checks: each label key a qualified name, each
/// value at most 63 characters of `[A-Za-z0-9_.-]` starting and ending alphanumeric; the
/// annotations' keys qualified names, and keys and values together at most 256 KiB.
fn meta(o: &Value, causes: &mut Vec<String>) {
    labels(o, "/metadata/labels", "metadata.labels", causes);
    // ValidatePodTemplateSpec validates a workload's template metadata as an object's.
    labels(o, "/spec/template/metadata/labels", "spec.template.metadata.labels", causes);
    let mut total = 0;
    for (k, v) in o.ptr("/metadata/annotations").and_then(Value::as_object).into_iter().flatten() {
        if let Err(why) = qualified_name(&k.to_ascii_lowercase()) {
            causes.push(format!("metadata.annotations: Invalid value: {}: {why}", go_quote(k)));
        }
        total += k.len() + v.as_str().map_or(0, str::len);
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        causes.push(format!("metadata.annotations: Too long: must have at most {TOTAL_ANNOTATION_SIZE_LIMIT} bytes"));
    }
}

/// ValidateLabels over the labels at `ptr`, reported at `field`.
fn labels(o: &Value, ptr: &str, field: &str, causes: &mut Vec<String>) {
    for (k, v) in o.ptr(ptr).and_then(Value::as_object).into_iter().flatten() {
        if let Err(why) = qualified_name(k) {
            causes.push(format!("{field}: Invalid value: {}: {why}", go_quote(k)));
        }
        let v = v.as_str().unwrap_or("");
        if let Err(why) = label_value(v) {
            causes.push(format!("{field}: Invalid value: {}: {why}", go_quote(v)));
        }
    }
}

const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;
const QUALIFIED_NAME: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`
fn name_part_ok(s: &str) -> bool {
    let inner = |b: u8| b.is_ascii_alphanumeric() || b"-_.".contains(&b);
    s.bytes().all(inner)
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// apimachinery's IsQualifiedName, its first error.
fn qualified_name(k: &str) -> Result<(), String> {
    let (prefix, name) = match k.split_once('/') {
        Some((p, n)) if !n.contains('/') => (Some(p), n),
        Some(_) => return Err("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".into()),
        None => (None, k),
    };
    if let Some(p) = prefix {
        if p.is_empty() {
            return Err("prefix part must be non-empty".into());
        }
        if let Some(e) = subdomain_errors(p).into_iter().next() {
            return Err(format!("prefix part {e}"));
        }
    }
    if name.is_empty() {
        return Err("name part must be non-empty".into());
    }
    if name.len() > 63 {
        return Err("name part must be no more than 63 characters".into());
    }
    if !name_part_ok(name) {
        return Err(QUALIFIED_NAME.into());
    }
    Ok(())
}

/// apimachinery's IsValidLabelValue, its first error.
fn label_value(v: &str) -> Result<(), String> {
    if v.len() > 63 {
        return Err("must be no more than 63 characters".into());
    }
    if !v.is_empty() && !name_part_ok(v) {
        return Err(LABEL_VALUE.into());
    }
    Ok(())
}

fn go_quote(s: &str) -> String {
    crate::support::gofmt::go_quote(s)
}

fn workload(kind: Kind, o: &Value, causes: &mut Vec<String>) {
    if let Some(r) = o.ptr("/spec/replicas").and_then(Value::as_i64) {
        if r < 0 {
            causes.push(format!("spec.replicas: Invalid value: {r}: must be greater than or equal to 0"));
        }
    }
    match o.ptr("/spec/selector") {
        None => causes.push("spec.selector: Required value".into()),
        Some(sel) => {
            let s = Selector::from_label_selector(sel);
            if s.is_empty() {
                causes.push("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment".replace("deployment", if kind == Kind::StatefulSet { "statefulset" } else { "deployment" }));
            } else {
                let t = o.ptr("/spec/template").cloned().unwrap_or(Value::Null);
                let lbl = labels_of(&t);
                if !s.matches(&lbl) {
                    causes.push(format!(
                        "spec.template.metadata.labels: Invalid value: {}: `selector` does not match template `labels`",
                        go_map(&lbl)
                    ));
                }
            }
        }
    }
    match o.ptr("/spec/template/spec") {
        Some(spec) => pod_spec(spec, "spec.template.spec", causes),
        None => causes.push("spec.template.spec.containers: Required value".into()),
    }
    if kind == Kind::StatefulSet {
        let ty = obj::str_at(o, "/spec/updateStrategy/type").unwrap_or("RollingUpdate");
        if ty == "OnDelete" && o.ptr("/spec/updateStrategy/rollingUpdate").is_some_and(|v| !v.is_null()) {
            let p = obj::i64_at(o, "/spec/updateStrategy/rollingUpdate/partition").unwrap_or(0);
            causes.push(format!("spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{{Partition:{p}, MaxUnavailable:(*intstr.IntOrString)(nil)}}: only allowed for updateStrategy 'RollingUpdate'"));
        } else if ty != "OnDelete" && ty != "RollingUpdate" {
            causes.push(format!("spec.updateStrategy.type: Unsupported value: \"{ty}\": supported values: \"OnDelete\", \"RollingUpdate\""));
        }
        let pmp = obj::str_at(o, "/spec/podManagementPolicy").unwrap_or("OrderedReady");
        if pmp != "OrderedReady" && pmp != "Parallel" {
            causes.push(format!("spec.podManagementPolicy: Unsupported value: \"{pmp}\": supported values: \"OrderedReady\", \"Parallel\""));
        }
        if let Some(s) = obj::i64_at(o, "/spec/ordinals/start") {
            if s < 0 {
                causes.push(format!("spec.ordinals.start: Invalid value: {s}: must be greater than or equal to 0"));
            }
        }
    }
}

fn pod_spec(spec: &Value, at: &str, causes: &mut Vec<String>) {
    let cs = obj::arr_at(spec, "/containers");
    if cs.is_empty() {
        causes.push(format!("{at}.containers: Required value"));
    }
    let mut seen = crate::support::collections::VecSet::new();
    for (i, c) in cs.iter().enumerate() {
        let n = c.get("name").and_then(Value::as_str).unwrap_or("");
        if n.is_empty() {
            causes.push(format!("{at}.containers[{i}].name: Required value"));
        } else if !is_label_ok(n) {
            causes.push(format!("{at}.containers[{i}].name: Invalid value: \"{n}\": {DNS1123_LABEL}"));
        } else if !seen.insert(n.to_string()) {
            causes.push(format!("{at}.containers[{i}].name: Duplicate value: \"{n}\""));
        }
        for which in ["limits", "requests"] {
            for (r, q) in c.ptr(&format!("/resources/{which}")).and_then(Value::as_object).into_iter().flatten() {
                // ValidateResourceQuantityValue: ValidateNonnegativeQuantity.
                if super::volumes::quantity_bytes(q).is_some_and(|v| v < 0.0) {
                    causes.push(format!(
                        "{at}.containers[{i}].resources.{which}[{r}]: Invalid value: {}: must be greater than or equal to 0",
                        go_quote(q.as_str().unwrap_or(&q.to_string()))
                    ));
                }
            }
        }
        if c.get("image").and_then(Value::as_str).unwrap_or("").is_empty() {
            causes.push(format!("{at}.containers[{i}].image: Required value"));
        }
        let vols: Vec<&str> =
            obj::arr_at(spec, "/volumes").iter().filter_map(|v| v.get("name").and_then(Value::as_str)).collect();
        for (j, m) in obj::arr_at(c, "/volumeMounts").iter().enumerate() {
            let mn = m.get("name").and_then(Value::as_str).unwrap_or("");
            if !vols.contains(&mn) && at == "spec" {
                causes.push(format!("{at}.containers[{i}].volumeMounts[{j}].name: Not found: \"{mn}\""));
            }
        }
    }
    let rp = spec.get("restartPolicy").and_then(Value::as_str).unwrap_or("Always");
    if !["Always", "OnFailure", "Never"].contains(&rp) {
        causes.push(format!(
            "{at}.restartPolicy: Unsupported value: \"{rp}\": supported values: \"Always\", \"OnFailure\", \"Never\""
        ));
    }
}

/// Checks an update against the old object: immutable fields.
pub fn validate_update(kind: Kind, old: &Value, new: &Value) -> Result<(), ApiError> {
    validate_create(kind, new)?;
    let causes = match kind {
        Kind::StatefulSet => statefulset_update(old, new),
        Kind::Deployment | Kind::ReplicaSet => selector_update(old, new),
        Kind::Pod => pod_update(old, new),
        Kind::PersistentVolumeClaim => claim_update(old, new),
        _ => Vec::new(),
    };
    invalid(kind, new, causes)
}

/// `o`'s spec (null without one) without the top-level `fields`.
fn spec_without(o: &Value, fields: &[&str]) -> Value {
    let mut spec = o.get("spec").cloned().unwrap_or(Value::Null);
    for f in fields {
        obj::remove(&mut spec, &format!("/{f}"));
    }
    spec
}

/// A StatefulSet's update may change only its replicas, ordinals, template, update strategy,
/// claim retention policy, minReadySeconds and revisionHistoryLimit.
fn statefulset_update(old: &Value, new: &Value) -> Vec<String> {
    let mutable = [
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "persistentVolumeClaimRetentionPolicy",
        "minReadySeconds",
        "revisionHistoryLimit",
    ];
    if spec_without(old, &mutable) == spec_without(new, &mutable) {
        return Vec::new();
    }
    vec!["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden".into()]
}

/// A Deployment's or ReplicaSet's selector is immutable.
fn selector_update(old: &Value, new: &Value) -> Vec<String> {
    if old.ptr("/spec/selector") == new.ptr("/spec/selector") {
        return Vec::new();
    }
    let sel = new.ptr("/spec/selector").map(Selector::from_label_selector).unwrap_or_default();
    let labels = sel
        .0
        .iter()
        .filter_map(|r| match r {
            super::labels::Requirement::Eq(k, v) => Some((k.clone(), v.clone())),
            _ => None,
        })
        .collect();
    vec![format!("spec.selector: Invalid value: v1.LabelSelector{{MatchLabels:{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}: field is immutable", go_map(&labels))]
}

/// `ValidatePodUpdate`: images, activeDeadlineSeconds, added tolerations and a
/// negative grace period raised to 1 may change; nothing else.
fn pod_update(old: &Value, new: &Value) -> Vec<String> {
    let (a, b) = (old.get("spec").cloned().unwrap_or(Value::Null), new.get("spec").cloned().unwrap_or(Value::Null));
    if pod_spec_mask(&a, &b) == pod_spec_mask(&b, &a) {
        return Vec::new();
    }
    // k8s-diff: the API server follows this with a diff of the two specs (`cmp.Diff`
    // of its internal Go types), which is left out.
    vec!["spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations) or `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".into()]
}

/// Pod spec `spec` without what an update from or to `other` may change.
fn pod_spec_mask(spec: &Value, other: &Value) -> Value {
    let mut s = spec.clone();
    for list in ["containers", "initContainers"] {
        if let Some(cs) = s.get_mut(list).and_then(Value::as_array_mut) {
            for c in cs.iter_mut().filter_map(Value::as_object_mut) {
                c.remove("image");
            }
        }
    }
    obj::remove(&mut s, "/activeDeadlineSeconds");
    let old_tol = obj::arr_at(other, "/tolerations");
    if obj::arr_at(spec, "/tolerations").len() >= old_tol.len() {
        obj::remove(&mut s, "/tolerations");
    }
    if obj::i64_at(spec, "/terminationGracePeriodSeconds") == Some(1)
        || obj::i64_at(spec, "/terminationGracePeriodSeconds").is_some_and(|g| g < 0)
    {
        obj::remove(&mut s, "/terminationGracePeriodSeconds");
    }
    s
}

/// A claim's spec is immutable but for its resources (and the volume it binds to).
fn claim_update(old: &Value, new: &Value) -> Vec<String> {
    let mut causes = Vec::new();
    if spec_without(old, &["resources", "volumeName"]) != spec_without(new, &["resources", "volumeName"]) {
        causes.push("spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims".into());
    }
    // ValidatePersistentVolumeClaimUpdate (RecoverVolumeExpansionFailure off): a bound
    // claim's request never shrinks.
    let size = |o: &Value| o.ptr("/spec/resources/requests/storage").and_then(super::volumes::quantity_bytes);
    if obj::str_at(old, "/status/phase") == Some("Bound") && size(new) < size(old) {
        causes.push("spec.resources.requests.storage: Forbidden: field can not be less than previous value".into());
    }
    causes
}

/// Go's `%#v` of a `map[string]string`, as validation messages print it.
pub fn go_map(m: &crate::support::collections::VecMap<String, String>) -> String {
    if m.is_empty() {
        return "map[string]string(nil)".into();
    }
    let inner: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{}:{}", crate::support::gofmt::go_quote(k), crate::support::gofmt::go_quote(v)))
        .collect();
    format!("map[string]string{{{}}}", inner.join(", "))
}

/// apimachinery's IsEnvVarName: `[-._a-zA-Z][-._a-zA-Z0-9]*`, with RegexError's examples.
pub fn env_var_name(name: &str) -> Result<(), String> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "-._".contains(c);
    if name.chars().next().is_some_and(|c| ok_char(c) && !c.is_ascii_digit()) && name.chars().all(ok_char) {
        Ok(())
    } else {
        Err("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')".into())
    }
}

/// `ValidateHorizontalPodAutoscalerSpec` (pkg/apis/autoscaling/validation): the bounds (a
/// lower bound of 1: `HPAScaleToZero` is off) and the utilization targets.
fn autoscaler(o: &Value, causes: &mut Vec<String>) {
    let min = obj::i64_at(o, "/spec/minReplicas");
    let max = obj::i64_at(o, "/spec/maxReplicas").unwrap_or(0);
    if let Some(m) = min.filter(|m| *m < 1) {
        causes.push(format!("spec.minReplicas: Invalid value: {m}: must be greater than or equal to 1"));
    }
    if max < 1 {
        causes.push(format!("spec.maxReplicas: Invalid value: {max}: must be greater than 0"));
    }
    if min.is_some_and(|m| max < m) {
        causes.push(format!("spec.maxReplicas: Invalid value: {max}: must be greater than or equal to `minReplicas`"));
    }
    for (i, m) in obj::arr_at(o, "/spec/metrics").iter().enumerate() {
        if let Some(u) = obj::i64_at(m, "/resource/target/averageUtilization").filter(|u| *u < 1) {
            causes.push(format!(
                "spec.metrics[{i}].resource.target.averageUtilization: Invalid value: {u}: must be greater than 0"
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jv;

    fn pod(spec: Value) -> Value {
        jv!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec})
    }

    #[test]
    fn a_pod_update_may_change_images_and_its_deadline_but_not_arguments() {
        let old = pod(jv!({"containers": [{"name": "c", "image": "nginx:1.25"}], "tolerations": [{"key": "a"}]}));
        let image = pod(jv!({"containers": [{"name": "c", "image": "nginx:1.26"}], "tolerations": [{"key": "a"}]}));
        let deadline = pod(
            jv!({"containers": [{"name": "c", "image": "nginx:1.25"}], "tolerations": [{"key": "a"}], "activeDeadlineSeconds": 5}),
        );
        let args = pod(
            jv!({"containers": [{"name": "c", "image": "nginx:1.25", "args": ["x"]}], "tolerations": [{"key": "a"}]}),
        );
        assert!(pod_update(&old, &image).is_empty());
        assert!(pod_update(&old, &deadline).is_empty());
        assert!(pod_update(&old, &args)[0].starts_with("spec: Forbidden: pod updates may not change fields other than"));
    }

    #[test]
    fn a_bound_claim_may_grow_but_not_shrink_or_change_class() {
        let claim = |size: &str, class: &str| jv!({"spec": {"storageClassName": class, "resources": {"requests": {"storage": size}}}, "status": {"phase": "Bound"}});
        let old = claim("1Gi", "local-path");
        assert!(claim_update(&old, &claim("2Gi", "local-path")).is_empty());
        assert_eq!(
            claim_update(&old, &claim("512Mi", "local-path")),
            ["spec.resources.requests.storage: Forbidden: field can not be less than previous value"]
        );
        assert_eq!(claim_update(&old, &claim("1Gi", "fast")).len(), 1);
    }

    #[test]
    fn a_statefulset_may_change_its_replicas_but_not_its_service_name() {
        let set = |replicas: i64, service: &str| jv!({"spec": {"replicas": replicas, "serviceName": service}});
        assert!(statefulset_update(&set(1, "db"), &set(3, "db")).is_empty());
        assert_eq!(statefulset_update(&set(1, "db"), &set(1, "other")).len(), 1);
    }
}
