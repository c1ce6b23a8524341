//! The manifest schema: which fields each supported kind has, and what the API server does with them.
//!
//! Objects are plain `serde_json::Value`s, exactly the JSON the API server would hold. This module
//! knows the field set of each supported kind (generated from the Kubernetes v1.34 OpenAPI schema
//! into the compact tables of `tables.rs`, parsed once), and with it:
//! - [`validate`] finds unknown fields (strict field validation, `kubectl --validate=strict`, the
//!   default) and values of the wrong type, and [`decode_error_message`] words them as the API
//!   server does;
//! - [`strategic_merge`] applies a strategic merge patch (`kubectl patch`'s default, and what
//!   `kubectl apply` sends), merging lists by their patch merge keys;
//! - [`three_way_merge_patch`] computes the patch `kubectl apply` sends for an existing object;
//! - [`json_merge`] and [`json_patch`] apply `--type=merge` and `--type=json` patches.
//!
//! Kinds: v1 Pod, Service, PersistentVolumeClaim, PersistentVolume, Namespace, ConfigMap, Secret,
//! Endpoints; apps/v1 StatefulSet, Deployment, ReplicaSet, ControllerRevision;
//! storage.k8s.io/v1 StorageClass; discovery.k8s.io/v1 EndpointSlice; autoscaling/v1 and v2
//! HorizontalPodAutoscaler. Status blocks and the
//! deprecated in-tree volume plugins (awsElasticBlockStore, rbd, …) accept any fields.

mod suggest;
mod jsonpatch;
mod model;
mod smp;
mod tables;
mod threeway;
mod validate;

use serde_json::Value;

pub use self::suggest::{distance as edit_distance, suggest};
pub use crate::support::gofmt::go_format;

/// One problem found while checking an object against its kind's schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldError {
    /// A field the kind does not have. `path` as the API server prints it: `spec.replica`,
    /// `spec.template.spec.containers[0].imagePullPolcy`.
    Unknown { path: String },
    /// A value of the wrong JSON type. `message` is the API server's, e.g. for `replicas: "3"` in a
    /// StatefulSet: `json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32`
    /// (innermost Go struct, then the JSON path without indices, then the Go type; the format of
    /// Go's `encoding/json` `UnmarshalTypeError` as the `sigs.k8s.io/json` fork fills it in).
    /// `path` is the strict-decoding path of the value (`spec.ports[0].port`).
    /// Also used for a Secret's `data` value that is not base64 (`illegal base64 data at input byte 8`).
    WrongType { path: String, message: String },
    /// A value its type's own decoder rejects: a bad quantity (`quantities must match the regular
    /// expression …`), an int-or-string that is neither, a time that is not a string. The API
    /// server stops at the first of these, and it wins over any [`FieldError::WrongType`].
    Malformed { path: String, message: String },
}

impl FieldError {
    /// The strict-decoding path of the offending field or value.
    pub fn path(&self) -> &str {
        match self {
            FieldError::Unknown { path } | FieldError::WrongType { path, .. } | FieldError::Malformed { path, .. } => {
                path
            }
        }
    }
}

/// Known kinds: (apiVersion, kind) pairs this schema covers.
pub fn is_known(api_version: &str, kind: &str) -> bool {
    model::Schema::get().root(api_version, kind).is_some()
}

/// Every (apiVersion, kind) pair this schema covers.
pub fn known_kinds() -> impl Iterator<Item = (&'static str, &'static str)> {
    model::Schema::get().kinds.iter().map(|(v, k, _)| (*v, *k))
}

/// Check a whole object (the JSON of one manifest document) against its kind's schema: every
/// unknown field and every value of the wrong type. `apiVersion` and `kind` are always known
/// (their values are not compared with the arguments). An unknown kind yields no errors: check
/// [`is_known`] first.
///
/// Order: keys are visited in `serde_json::Map` order, which is sorted (a `VecMap`) unless
/// serde_json's `preserve_order` feature is on. The API server reports a create's unknown fields
/// in document order; sorted order is what we can give, and is the same for one mistake.
pub fn validate(api_version: &str, kind: &str, obj: &Value) -> Vec<FieldError> {
    validate::validate(api_version, kind, obj).unwrap_or_default()
}

/// The API server's decode error for these errors (what follows
/// `<Kind> in version "<version>" cannot be handled as a <Kind>: ` in a create's BadRequest), or
/// `None` when there are none. As the server: the first [`FieldError::Malformed`] if any, else the
/// first [`FieldError::WrongType`] (Go's decoder keeps only the first), else
/// `strict decoding error: unknown field "a", unknown field "b"` (deduplicated, at most 100).
pub fn decode_error_message(errors: &[FieldError]) -> Option<String> {
    validate::decode_error_message(errors)
}

/// Strategic merge patch
/// (<https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md>),
/// as the API server applies it: maps merge recursively; `null` deletes a key; lists with a
/// patch merge key (containers/initContainers/volumes/env by `name`, container ports by
/// `containerPort`, service ports by `port`, volumeMounts by `mountPath`, ownerReferences by
/// `uid`, …) merge element-wise by key, in the server's order (live order kept; a lone new item
/// goes first); lists of
/// scalars with the merge strategy (finalizers) merge as sets; other lists are replaced.
/// Directives: `$patch: replace|delete` (maps and list items), `$retainKeys`,
/// `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`.
/// Errors are the server's messages for a malformed patch (`unknown patch type: …`,
/// `map: … does not contain declared merge key: name`, …). An unknown kind gets no list merging.
pub fn strategic_merge(api_version: &str, kind: &str, original: &Value, patch: &Value) -> Result<Value, String> {
    smp::strategic_merge(api_version, kind, original, patch)
}

/// The strategic merge patch `kubectl apply` sends for an existing object
/// (`CreateThreeWayMergePatch` with `--overwrite=true`): `original` is the last-applied
/// configuration (the `kubectl.kubernetes.io/last-applied-configuration` annotation, `None` when
/// absent), `modified` the new manifest (with that annotation already set to itself, as kubectl
/// does), `current` the live object. Apply the result with [`strategic_merge`]; kubectl prints
/// `unchanged` when it is `{}` and `configured` otherwise.
pub fn three_way_merge_patch(
    api_version: &str,
    kind: &str,
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
) -> Result<Value, String> {
    threeway::three_way_merge_patch(api_version, kind, original, modified, current)
}

/// The JSON type of a value as Go's decoder names it (`string`, `number`, `object`, ...).
pub fn json_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// JSON merge patch (RFC 7386), for `kubectl patch --type=merge`.
pub fn json_merge(original: &Value, patch: &Value) -> Value {
    jsonpatch::json_merge(original, patch)
}

/// JSON patch (RFC 6902) ops add/remove/replace/move/copy/test, for `kubectl patch --type=json`,
/// with the semantics and error texts of `gopkg.in/evanphx/json-patch.v4` that kube-apiserver
/// uses (e.g. `replace operation does not apply: doc is missing path: /spec/foo/bar: missing value`).
/// The server sends such an error back as a 422 without details, so kubectl only prints
/// [`JSON_PATCH_REJECTED`]; these texts are for `-v` style detail.
pub fn json_patch(original: &Value, ops: &Value) -> Result<Value, String> {
    jsonpatch::json_patch(original, ops)
}

/// What kubectl prints when the API server fails to apply a JSON patch (the error is wrapped in a
/// generic 422 whose message hides the json-patch text).
pub const JSON_PATCH_REJECTED: &str =
    "The request is invalid: the server rejected our request due to an error in our request";

// Its property tests use proptest, a native-only dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// The seed's web.yaml, as JSON: a headless Service and a StatefulSet.
    fn web_yaml() -> (Value, Value) {
        let svc = json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "nginx", "labels": {"app": "nginx"}},
            "spec": {"ports": [{"port": 80, "name": "web"}], "clusterIP": "None", "selector": {"app": "nginx"}}
        });
        let sts = json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web"},
            "spec": {
                "serviceName": "nginx",
                "replicas": 2,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {
                    "metadata": {"labels": {"app": "nginx"}},
                    "spec": {"containers": [{
                        "name": "nginx",
                        "image": "k8s.gcr.io/nginx-slim:0.8",
                        "ports": [{"containerPort": 80, "name": "web"}],
                        "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]
                    }]}
                },
                "volumeClaimTemplates": [{
                    "metadata": {"name": "www"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
                }]
            }
        });
        (svc, sts)
    }

    fn unknown(p: &str) -> FieldError {
        FieldError::Unknown { path: p.into() }
    }

    #[test]
    fn web_yaml_is_clean() {
        let (svc, sts) = web_yaml();
        assert_eq!(validate("v1", "Service", &svc), vec![]);
        assert_eq!(validate("apps/v1", "StatefulSet", &sts), vec![]);
    }

    #[test]
    fn real_manifests_are_clean() {
        let dep: Value = serde_json::from_str(r#"{
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {
                "name": "web", "namespace": "default", "uid": "0b3c", "resourceVersion": "123", "generation": 2,
                "creationTimestamp": "2024-01-01T00:00:00Z", "annotations": {"deployment.kubernetes.io/revision": "1"},
                "managedFields": [{"manager": "kubectl", "operation": "Update", "apiVersion": "apps/v1",
                    "time": "2024-01-01T00:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}}}}],
                "ownerReferences": [{"apiVersion": "v1", "kind": "X", "name": "x", "uid": "u", "controller": true, "blockOwnerDeletion": true}],
                "finalizers": ["a/b"]
            },
            "spec": {
                "replicas": 3, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600, "minReadySeconds": 0, "paused": false,
                "selector": {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}]},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
                "template": {
                    "metadata": {"labels": {"app": "web"}, "annotations": {"a": "b"}},
                    "spec": {
                        "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                        "schedulerName": "default-scheduler", "serviceAccountName": "default", "nodeSelector": {"disk": "ssd"},
                        "securityContext": {"runAsUser": 1000, "fsGroup": 2000, "seccompProfile": {"type": "RuntimeDefault"}},
                        "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                            {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}},
                        "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 30}],
                        "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                            "labelSelector": {"matchLabels": {"app": "web"}}}],
                        "initContainers": [{"name": "init", "image": "busybox", "command": ["sh", "-c", "true"]}],
                        "containers": [{
                            "name": "nginx", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent",
                            "args": ["-g", "daemon off;"], "workingDir": "/",
                            "ports": [{"containerPort": 80, "name": "http", "protocol": "TCP"}],
                            "env": [{"name": "A", "value": "1"},
                                    {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                                    {"name": "S", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k", "optional": true}}},
                                    {"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}}}],
                            "envFrom": [{"configMapRef": {"name": "cm"}, "prefix": "X_"}],
                            "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": 0.25, "memory": "64Mi"}},
                            "livenessProbe": {"httpGet": {"path": "/", "port": "http", "httpHeaders": [{"name": "h", "value": "v"}]},
                                              "initialDelaySeconds": 3, "periodSeconds": 10, "failureThreshold": 3},
                            "readinessProbe": {"tcpSocket": {"port": 80}, "timeoutSeconds": 1, "successThreshold": 1},
                            "startupProbe": {"exec": {"command": ["cat", "/tmp/ok"]}},
                            "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}, "postStart": {"sleep": {"seconds": 1}}},
                            "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": true},
                            "volumeMounts": [{"name": "cfg", "mountPath": "/etc/cfg", "readOnly": true, "subPath": "x"}],
                            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                            "stdin": false, "tty": false
                        }],
                        "volumes": [
                            {"name": "cfg", "configMap": {"name": "cm", "items": [{"key": "a", "path": "a"}], "defaultMode": 420}},
                            {"name": "sec", "secret": {"secretName": "s"}},
                            {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
                            {"name": "host", "hostPath": {"path": "/data", "type": "DirectoryOrCreate"}},
                            {"name": "pvc", "persistentVolumeClaim": {"claimName": "data", "readOnly": false}},
                            {"name": "proj", "projected": {"sources": [{"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}},
                                                                       {"downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}}]}}]}},
                            {"name": "eph", "ephemeral": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"],
                                "resources": {"requests": {"storage": "1Gi"}}}}}}
                        ]
                    }
                }
            },
            "status": {"replicas": 3, "conditions": [{"type": "Available", "status": "True"}], "observedGeneration": 2}
        }"#).unwrap();
        assert_eq!(validate("apps/v1", "Deployment", &dep), vec![]);
        let pv = json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv"},
            "spec": {"capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Retain",
                     "storageClassName": "local", "volumeMode": "Filesystem", "local": {"path": "/mnt/disks/ssd1"},
                     "claimRef": {"namespace": "default", "name": "www-web-0"},
                     "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                         {"key": "kubernetes.io/hostname", "operator": "In", "values": ["k8s-w1"]}]}]}}},
            "status": {"phase": "Bound"}});
        assert_eq!(validate("v1", "PersistentVolume", &pv), vec![]);
        let sc = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "local-path",
                "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer",
            "allowVolumeExpansion": true, "parameters": {"a": "b"}, "mountOptions": ["ro"],
            "allowedTopologies": [{"matchLabelExpressions": [{"key": "zone", "values": ["a"]}]}]});
        assert_eq!(validate("storage.k8s.io/v1", "StorageClass", &sc), vec![]);
        let es = json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "nginx-abc",
                "labels": {"kubernetes.io/service-name": "nginx"}}, "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": true, "serving": true, "terminating": false},
                           "hostname": "web-0", "nodeName": "k8s-w1", "zone": "a",
                           "targetRef": {"kind": "Pod", "name": "web-0", "namespace": "default", "uid": "x"}}],
            "ports": [{"name": "web", "port": 80, "protocol": "TCP"}]});
        assert_eq!(validate("discovery.k8s.io/v1", "EndpointSlice", &es), vec![]);
        let ep = json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "nginx"},
            "subsets": [{"addresses": [{"ip": "10.0.0.1", "hostname": "web-0", "nodeName": "n",
                "targetRef": {"kind": "Pod", "name": "web-0"}}], "ports": [{"name": "web", "port": 80, "protocol": "TCP"}]}]});
        assert_eq!(validate("v1", "Endpoints", &ep), vec![]);
        let cr = json!({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": "web-6c5cc5d6b"},
            "data": {"spec": {"template": {"$patch": "replace", "spec": {}}}}, "revision": 1});
        assert_eq!(validate("apps/v1", "ControllerRevision", &cr), vec![]);
        let misc = [
            (
                "v1",
                "Namespace",
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}),
            ),
            (
                "v1",
                "ConfigMap",
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "b"}, "binaryData": {"b": "AAE="}, "immutable": true}),
            ),
            (
                "v1",
                "Secret",
                json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "type": "Opaque", "data": {"a": "YQ=="}, "stringData": {"b": "c"}}),
            ),
            (
                "v1",
                "PersistentVolumeClaim",
                json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "www-web-0"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, "storageClassName": "local-path",
                         "volumeMode": "Filesystem", "volumeName": "pv", "selector": {"matchLabels": {"a": "b"}}},
                "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}}}),
            ),
            (
                "v1",
                "Service",
                json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "np"},
                "spec": {"type": "NodePort", "ports": [{"port": 80, "targetPort": 8080, "nodePort": 30080, "protocol": "TCP", "appProtocol": "http"}],
                         "externalTrafficPolicy": "Local", "internalTrafficPolicy": "Cluster", "sessionAffinity": "ClientIP",
                         "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}}, "ipFamilies": ["IPv4"],
                         "ipFamilyPolicy": "SingleStack", "clusterIPs": ["10.96.0.10"], "publishNotReadyAddresses": true},
                "status": {"loadBalancer": {}}}),
            ),
            (
                "v1",
                "Pod",
                json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "netdebug"},
                "spec": {"containers": [{"name": "netdebug", "image": "nicolaka/netshoot", "stdin": true, "tty": true, "stdinOnce": true}],
                         "restartPolicy": "Never", "hostname": "h", "subdomain": "nginx", "os": {"name": "linux"},
                         "readinessGates": [{"conditionType": "x"}], "hostAliases": [{"ip": "1.2.3.4", "hostnames": ["a"]}],
                         "dnsConfig": {"nameservers": ["1.1.1.1"], "options": [{"name": "ndots", "value": "2"}]}}}),
            ),
            (
                "apps/v1",
                "ReplicaSet",
                json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r"},
                "spec": {"replicas": 1, "selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}}),
            ),
        ];
        for (v, k, obj) in misc {
            assert_eq!(validate(v, k, &obj), vec![], "{k}");
        }
    }

    #[test]
    fn known_kinds_listed() {
        assert!(is_known("apps/v1", "StatefulSet"));
        assert!(is_known("discovery.k8s.io/v1", "EndpointSlice"));
        assert!(is_known("storage.k8s.io/v1", "StorageClass"));
        assert!(!is_known("v1", "StatefulSet"));
        assert!(!is_known("apps/v1", "Job"));
        assert!(is_known("autoscaling/v1", "HorizontalPodAutoscaler"));
        assert!(is_known("autoscaling/v2", "HorizontalPodAutoscaler"));
        assert_eq!(known_kinds().count(), 16);
    }

    #[test]
    fn replica_typo() {
        let (_, mut sts) = web_yaml();
        let spec = sts["spec"].as_object_mut().unwrap();
        let r = spec.remove("replicas").unwrap();
        spec.insert("replica".into(), r);
        let errs = validate("apps/v1", "StatefulSet", &sts);
        assert_eq!(errs, vec![unknown("spec.replica")]);
        assert_eq!(
            decode_error_message(&errs).as_deref(),
            Some(r#"strict decoding error: unknown field "spec.replica""#)
        );
    }

    #[test]
    fn container_field_typo() {
        let (_, mut sts) = web_yaml();
        let c = &mut sts["spec"]["template"]["spec"]["containers"][0];
        let image = c.as_object_mut().unwrap().remove("image").unwrap();
        c.as_object_mut().unwrap().insert("imagee".into(), image);
        assert_eq!(validate("apps/v1", "StatefulSet", &sts), vec![unknown("spec.template.spec.containers[0].imagee")]);
    }

    #[test]
    fn two_bad_fields() {
        let (_, mut sts) = web_yaml();
        sts["spec"]["foo"] = json!(1);
        sts["spec"]["template"]["spec"]["containers"][0]["imagePullPolcy"] = json!("Always");
        let errs = validate("apps/v1", "StatefulSet", &sts);
        assert_eq!(errs, vec![unknown("spec.foo"), unknown("spec.template.spec.containers[0].imagePullPolcy")]);
        assert_eq!(
            decode_error_message(&errs).as_deref(),
            Some(
                r#"strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].imagePullPolcy""#
            )
        );
    }

    #[test]
    fn unknown_field_in_volume_claim_template() {
        let (_, mut sts) = web_yaml();
        sts["spec"]["volumeClaimTemplates"][0]["spec"]["storageClass"] = json!("standard");
        assert_eq!(
            validate("apps/v1", "StatefulSet", &sts),
            vec![unknown("spec.volumeClaimTemplates[0].spec.storageClass")]
        );
    }

    #[test]
    fn wrong_types() {
        let (_, mut sts) = web_yaml();
        sts["spec"]["replicas"] = json!("3");
        let errs = validate("apps/v1", "StatefulSet", &sts);
        assert_eq!(
            errs,
            vec![FieldError::WrongType {
                path: "spec.replicas".into(),
                message:
                    "json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32"
                        .into()
            }]
        );
        let (mut svc, _) = web_yaml();
        svc["metadata"]["labels"]["app"] = json!(1);
        assert_eq!(
            decode_error_message(&validate("v1", "Service", &svc)).as_deref(),
            Some("json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")
        );
    }

    #[test]
    fn smp_replicas() {
        let (_, sts) = web_yaml();
        let out = strategic_merge("apps/v1", "StatefulSet", &sts, &json!({"spec": {"replicas": 3}})).unwrap();
        assert_eq!(out["spec"]["replicas"], 3);
        let mut expected = sts.clone();
        expected["spec"]["replicas"] = json!(3);
        assert_eq!(out, expected);
    }

    #[test]
    fn smp_image_by_name_keeps_other_containers() {
        let (_, mut sts) = web_yaml();
        let sidecar = json!({"name": "sidecar", "image": "busybox"});
        sts["spec"]["template"]["spec"]["containers"].as_array_mut().unwrap().push(sidecar.clone());
        let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24"}]}}}});
        let out = strategic_merge("apps/v1", "StatefulSet", &sts, &patch).unwrap();
        let cs = out["spec"]["template"]["spec"]["containers"].as_array().unwrap();
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0]["image"], "registry.k8s.io/nginx-slim:0.24");
        assert_eq!(cs[0]["ports"], sts["spec"]["template"]["spec"]["containers"][0]["ports"]);
        assert_eq!(cs[1], sidecar);
    }

    #[test]
    fn smp_on_delete_removes_rolling_update() {
        let (_, mut sts) = web_yaml();
        sts["spec"]["updateStrategy"] = json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}});
        // without the null, rollingUpdate stays (updateStrategy has no retainKeys strategy)
        let out =
            strategic_merge("apps/v1", "StatefulSet", &sts, &json!({"spec": {"updateStrategy": {"type": "OnDelete"}}}))
                .unwrap();
        assert_eq!(out["spec"]["updateStrategy"], json!({"type": "OnDelete", "rollingUpdate": {"partition": 0}}));
        let patch = json!({"spec": {"updateStrategy": {"type": "OnDelete", "rollingUpdate": null}}});
        let out = strategic_merge("apps/v1", "StatefulSet", &sts, &patch).unwrap();
        assert_eq!(out["spec"]["updateStrategy"], json!({"type": "OnDelete"}));
    }

    #[test]
    fn smp_service_ports_by_port() {
        let (svc, _) = web_yaml();
        let patch = json!({"spec": {"ports": [{"port": 80, "targetPort": 8080}]}});
        let out = strategic_merge("v1", "Service", &svc, &patch).unwrap();
        assert_eq!(out["spec"]["ports"], json!([{"port": 80, "name": "web", "targetPort": 8080}]));
    }

    #[test]
    fn json_patch_image() {
        let (_, sts) = web_yaml();
        let ops = json!([{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "registry.k8s.io/nginx-slim:0.24"}]);
        let out = json_patch(&sts, &ops).unwrap();
        assert_eq!(out["spec"]["template"]["spec"]["containers"][0]["image"], "registry.k8s.io/nginx-slim:0.24");
        assert_eq!(validate("apps/v1", "StatefulSet", &out), vec![]);
    }

    #[test]
    fn json_merge_replicas() {
        let (_, sts) = web_yaml();
        let out = json_merge(&sts, &json!({"spec": {"replicas": 5}}));
        assert_eq!(out["spec"]["replicas"], 5);
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("spec".to_string()),
            Just("metadata".to_string()),
            Just("containers".to_string()),
            Just("name".to_string()),
            Just("template".to_string()),
            Just("replicas".to_string()),
            Just("$patch".to_string()),
            Just("$retainKeys".to_string()),
            Just("$setElementOrder/containers".to_string()),
            Just("$deleteFromPrimitiveList/finalizers".to_string()),
            Just("finalizers".to_string()),
            Just("volumes".to_string()),
            Just("ports".to_string()),
            Just("containerPort".to_string()),
            Just("image".to_string()),
            Just("labels".to_string()),
            Just("data".to_string()),
            Just("resources".to_string()),
            Just("requests".to_string()),
            Just("targetPort".to_string()),
            "[a-z$/~0-9]{0,6}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|i| json!(i)),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
            prop_oneof![
                Just("replace".to_string()),
                Just("delete".to_string()),
                Just("merge".to_string()),
                Just("/spec/template/spec/containers/0".to_string()),
                Just("-".to_string()),
                "[a-zA-Z0-9=+/ .-]{0,8}",
            ]
            .prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map(key.clone(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn arb_op() -> impl Strategy<Value = Value> {
        let path = prop_oneof![
            Just("".to_string()),
            Just("/".to_string()),
            Just("/spec".to_string()),
            Just("/spec/replicas".to_string()),
            Just("/spec/template/spec/containers/0/image".to_string()),
            Just("/spec/template/spec/containers/-".to_string()),
            Just("/spec/template/spec/containers/-1".to_string()),
            Just("/spec/template/spec/containers/99".to_string()),
            Just("/a~1b/~0".to_string()),
            "(/[a-z0-9-]{0,4}){0,4}",
        ];
        let op = prop_oneof![
            Just("add"),
            Just("remove"),
            Just("replace"),
            Just("move"),
            Just("copy"),
            Just("test"),
            Just("bogus")
        ];
        (op, path.clone(), path, arb_json(), any::<bool>()).prop_map(|(op, path, from, value, has_value)| {
            let mut m = serde_json::Map::new();
            m.insert("op".into(), json!(op));
            m.insert("path".into(), json!(path));
            m.insert("from".into(), json!(from));
            if has_value {
                m.insert("value".into(), value);
            }
            Value::Object(m)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn random_json_never_panics(obj in arb_json(), patch in arb_json(), ops in prop::collection::vec(arb_op(), 0..4)) {
            let (_, sts) = web_yaml();
            for (v, k) in known_kinds().chain([("v1", "Unknown")]) {
                let errs = validate(v, k, &obj);
                let _ = decode_error_message(&errs);
                let _ = strategic_merge(v, k, &obj, &patch);
                let _ = strategic_merge(v, k, &sts, &patch);
                let _ = three_way_merge_patch(v, k, Some(&obj), &patch, &sts);
                let _ = three_way_merge_patch(v, k, Some(&sts), &obj, &patch);
                if let Ok(p) = three_way_merge_patch(v, k, None, &obj, &sts) {
                    let _ = strategic_merge(v, k, &sts, &p);
                }
            }
            let _ = json_merge(&obj, &patch);
            let _ = json_patch(&obj, &patch);
            let _ = json_patch(&sts, &Value::Array(ops.clone()));
            let _ = json_patch(&obj, &Value::Array(ops));
            let _ = go_format(&obj);
        }

        #[test]
        fn merge_patch_is_idempotent(obj in arb_json(), patch in arb_json()) {
            let once = json_merge(&obj, &patch);
            prop_assert_eq!(json_merge(&once, &patch), once);
        }
    }
}
