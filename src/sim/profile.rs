//! The cluster profile: nodes, address ranges, storage classes, and which Kubernetes and kubectl
//! releases the model imitates. The built-in default is the seed lab's cluster.

use crate::support::gofmt::go_quote;
use serde_json::{Map, Value};

/// A cluster as a profile file describes it (YAML, camelCase keys).
#[derive(Clone, Debug)]
pub struct Profile {
    /// The server's release (`1.23.6`): decides kubelet and controller behaviour and printed columns.
    pub kubernetes_version: String,
    /// The kubectl release whose messages are printed; the server's when unset.
    pub kubectl_version: Option<String>,
    /// Wall-clock time of the lab's start (RFC 3339, UTC).
    pub start_time: String,
    /// How long the cluster has existed when the lab starts, in seconds (ages of nodes, system objects).
    pub cluster_age_seconds: u64,
    pub nodes: Vec<NodeProfile>,
    pub service_cidr: String,
    pub cluster_dns: String,
    pub cluster_domain: String,
    pub storage_classes: Vec<StorageClassProfile>,
}

/// One node.
#[derive(Clone, Debug)]
pub struct NodeProfile {
    pub name: String,
    /// `control-plane` (tainted NoSchedule) or `worker`.
    pub role: String,
    /// The node's InternalIP.
    pub ip: String,
    /// The node's pod address block, a /24 such as `172.16.158.0/24`.
    pub pod_cidr: String,
}

/// One StorageClass and its provisioner's speed.
#[derive(Clone, Debug)]
pub struct StorageClassProfile {
    pub name: String,
    pub provisioner: String,
    pub reclaim_policy: String,
    pub volume_binding_mode: String,
    pub default: bool,
    pub allow_volume_expansion: bool,
    /// Milliseconds from a provisioning request to the PV on a node that has not pulled the
    /// provisioner's helper image yet (local-path runs a helper pod: about 9 s in the seed).
    pub provision_ms: u64,
    /// The same once the node has the provisioner's helper image.
    pub provision_cached_ms: u64,
}

/// Reads one YAML mapping's fields, with serde's words for what is wrong (`missing field
/// `startTime``), so a profile reads as strictly as a derived deserializer would.
struct Fields<'a> {
    map: &'a Map<String, Value>,
    err: Option<String>,
}

impl<'a> Fields<'a> {
    /// `known` is every field the mapping may have, in declaration order.
    fn new(v: &'a Value, what: &str, known: &[&str]) -> Result<Fields<'a>, String> {
        let map = v.as_object().ok_or_else(|| format!("invalid type: {}, expected {what}", kind(v)))?;
        if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
            let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
            return Err(format!("unknown field `{k}`, expected one of {}", list.join(", ")));
        }
        Ok(Fields { map, err: None })
    }

    fn fail(&mut self, e: String) {
        self.err.get_or_insert(e);
    }

    fn opt(&mut self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn req(&mut self, key: &str) -> Option<&'a Value> {
        let v = self.opt(key);
        if v.is_none() {
            self.fail(format!("missing field `{key}`"));
        }
        v
    }

    fn string_in(&mut self, v: Option<&'a Value>) -> Option<String> {
        match v? {
            Value::String(s) => Some(s.clone()),
            other => {
                self.fail(format!("invalid type: {}, expected a string", kind(other)));
                None
            }
        }
    }

    fn string(&mut self, key: &str) -> String {
        let v = self.req(key);
        self.string_in(v).unwrap_or_default()
    }

    fn opt_string(&mut self, key: &str) -> Option<String> {
        let v = self.opt(key);
        self.string_in(v)
    }

    fn string_or(&mut self, key: &str, default: &str) -> String {
        self.opt_string(key).unwrap_or_else(|| default.into())
    }

    fn number_in(&mut self, v: Option<&'a Value>) -> Option<u64> {
        let v = v?;
        let n = v.as_u64();
        if n.is_none() {
            self.fail(format!("invalid type: {}, expected u64", kind(v)));
        }
        n
    }

    fn number_or(&mut self, key: &str, default: u64) -> u64 {
        let v = self.opt(key);
        self.number_in(v).unwrap_or(default)
    }

    fn number(&mut self, key: &str) -> u64 {
        let v = self.req(key);
        self.number_in(v).unwrap_or_default()
    }

    fn flag(&mut self, key: &str) -> bool {
        match self.opt(key) {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.fail(format!("invalid type: {}, expected a boolean", kind(other)));
                false
            }
        }
    }

    fn list<T>(&mut self, key: &str, item: impl Fn(&Value) -> Result<T, String>) -> Vec<T> {
        let Some(v) = self.req(key) else { return Vec::new() };
        let Some(items) = v.as_array() else {
            self.fail(format!("invalid type: {}, expected a sequence", kind(v)));
            return Vec::new();
        };
        let mut out = Vec::new();
        for i in items {
            match item(i) {
                Ok(t) => out.push(t),
                Err(e) => self.fail(e),
            }
        }
        out
    }

    fn done<T>(self, t: T) -> Result<T, String> {
        self.err.map_or(Ok(t), Err)
    }
}

/// serde's words for a value of the wrong type.
fn kind(v: &Value) -> String {
    match v {
        Value::Null => "unit value".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {}", go_quote(s)),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

impl NodeProfile {
    fn read(v: &Value) -> Result<NodeProfile, String> {
        let mut f = Fields::new(v, "struct NodeProfile", &["name", "role", "ip", "podCidr"])?;
        let n = NodeProfile {
            name: f.string("name"),
            role: f.string("role"),
            ip: f.string("ip"),
            pod_cidr: f.string("podCidr"),
        };
        f.done(n)
    }
}

impl StorageClassProfile {
    fn read(v: &Value) -> Result<StorageClassProfile, String> {
        let known = [
            "name",
            "provisioner",
            "reclaimPolicy",
            "volumeBindingMode",
            "default",
            "allowVolumeExpansion",
            "provisionMs",
            "provisionCachedMs",
        ];
        let mut f = Fields::new(v, "struct StorageClassProfile", &known)?;
        let sc = StorageClassProfile {
            name: f.string("name"),
            provisioner: f.string("provisioner"),
            reclaim_policy: f.string_or("reclaimPolicy", "Delete"),
            volume_binding_mode: f.string_or("volumeBindingMode", "Immediate"),
            default: f.flag("default"),
            allow_volume_expansion: f.flag("allowVolumeExpansion"),
            // local-path runs a helper pod: about 9 s in the seed, 2.2 s once its image is pulled.
            provision_ms: f.number_or("provisionMs", 9_000),
            provision_cached_ms: f.number_or("provisionCachedMs", 2_200),
        };
        f.done(sc)
    }
}

/// The seed lab's cluster (DOIK study: kubeadm with Calico and local-path-provisioner).
///
/// The seed's output pins the release to 1.25-1.26: kubectl prints `pod "web-0" deleted`
/// without a namespace (before 1.34), a terminating pod shows `0/1 Terminating` rather than
/// `Completed` (kubelet before 1.27), `get pvc` has no VOLUMEATTRIBUTESCLASS column (before
/// 1.29), and strict field validation answers on the server (kubectl 1.25 and later).
pub const DEFAULT_PROFILE_YAML: &str = r#"
kubernetesVersion: 1.26.5
startTime: 2022-05-28T09:00:00Z
clusterAgeSeconds: 7200
nodes:
- {name: k8s-m, role: control-plane, ip: 192.168.10.10, podCidr: 172.16.116.0/24}
- {name: k8s-w1, role: worker, ip: 192.168.10.101, podCidr: 172.16.158.0/24}
- {name: k8s-w2, role: worker, ip: 192.168.10.102, podCidr: 172.16.24.0/24}
- {name: k8s-w3, role: worker, ip: 192.168.10.103, podCidr: 172.16.197.0/24}
serviceCidr: 10.200.1.0/24
clusterDns: 10.200.1.10
clusterDomain: cluster.local
storageClasses:
- name: local-path
  provisioner: rancher.io/local-path
  reclaimPolicy: Delete
  volumeBindingMode: WaitForFirstConsumer
  default: true
  provisionMs: 9000
  provisionCachedMs: 2200
"#;

impl Default for Profile {
    fn default() -> Profile {
        Profile::from_yaml(DEFAULT_PROFILE_YAML).expect("the built-in profile parses")
    }
}

impl Profile {
    /// The seed's cluster with `workers` workers (`k8s-w1`…), each with its own /24 of pod
    /// addresses: room for big workloads (a kubelet holds at most 110 pods).
    pub fn with_workers(workers: usize) -> Profile {
        let mut p = Profile::default();
        let control = p.nodes[0].clone();
        p.nodes = vec![control];
        for i in 1..=workers {
            p.nodes.push(NodeProfile {
                name: format!("k8s-w{i}"),
                role: "worker".into(),
                ip: format!("192.168.{}.{}", 10 + i / 100, 100 + i % 100),
                pod_cidr: format!("172.{}.{}.0/24", 17 + i / 256, i % 256),
            });
        }
        p
    }

    /// Reads a profile; YAML errors name their line, type errors the field.
    pub fn from_yaml(text: &str) -> Result<Profile, String> {
        let value = crate::support::yaml::parse(text).map_err(|e| format!("error: profile: {e}"))?;
        let p = Profile::read(&value).map_err(|e| format!("error: profile: {e}"))?;
        p.check()?;
        Ok(p)
    }

    fn read(v: &Value) -> Result<Profile, String> {
        let known = [
            "kubernetesVersion",
            "kubectlVersion",
            "startTime",
            "clusterAgeSeconds",
            "nodes",
            "serviceCidr",
            "clusterDns",
            "clusterDomain",
            "storageClasses",
        ];
        let mut f = Fields::new(v, "struct Profile", &known)?;
        let p = Profile {
            kubernetes_version: f.string("kubernetesVersion"),
            kubectl_version: f.opt_string("kubectlVersion"),
            start_time: f.string("startTime"),
            cluster_age_seconds: f.number("clusterAgeSeconds"),
            nodes: f.list("nodes", NodeProfile::read),
            service_cidr: f.string("serviceCidr"),
            cluster_dns: f.string("clusterDns"),
            cluster_domain: f.string("clusterDomain"),
            storage_classes: f.list("storageClasses", StorageClassProfile::read),
        };
        f.done(p)
    }

    fn check(&self) -> Result<(), String> {
        version_minor(&self.kubernetes_version).ok_or_else(|| {
            format!(
                "error: profile: kubernetesVersion {} is not a release like 1.23.6",
                go_quote(&self.kubernetes_version)
            )
        })?;
        if let Some(v) = &self.kubectl_version {
            version_minor(v).ok_or_else(|| {
                format!("error: profile: kubectlVersion {} is not a release like 1.34.0", go_quote(v))
            })?;
        }
        super::time::parse_rfc3339(&self.start_time).ok_or_else(|| {
            format!("error: profile: startTime {} is not like 2022-05-28T09:00:00Z", go_quote(&self.start_time))
        })?;
        if self.nodes.is_empty() {
            return Err("error: profile: at least one node is needed".into());
        }
        let dns_name = |n: &str| {
            !n.is_empty()
                && n.len() <= 63
                && n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
                && !n.starts_with(['-', '.'])
                && !n.ends_with(['-', '.'])
        };
        let mut seen = crate::support::collections::VecSet::new();
        for n in &self.nodes {
            if !dns_name(&n.name) {
                return Err(format!(
                    "error: profile: node name {} must be a lowercase DNS name like k8s-w1",
                    go_quote(&n.name)
                ));
            }
            if !seen.insert(n.name.clone()) {
                return Err(format!("error: profile: node {} is listed twice", n.name));
            }
            parse_cidr24(&n.pod_cidr).ok_or_else(|| {
                format!(
                    "error: profile: node {}: podCidr {} is not a /24 like 172.16.158.0/24",
                    n.name,
                    go_quote(&n.pod_cidr)
                )
            })?;
            // Two nodes with one pod CIDR would give two pods one address (the node IPAM
            // controller hands each node its own range).
            if let Some(other) = self.nodes.iter().take_while(|o| o.name != n.name).find(|o| o.pod_cidr == n.pod_cidr) {
                return Err(format!(
                    "error: profile: node {}: podCidr {} overlaps node {}'s",
                    n.name, n.pod_cidr, other.name
                ));
            }
            if n.role != "control-plane" && n.role != "worker" {
                return Err(format!("error: profile: node {}: role must be control-plane or worker", n.name));
            }
        }
        let svc = parse_cidr24(&self.service_cidr)
            .ok_or_else(|| format!("error: profile: serviceCidr {} is not a /24", go_quote(&self.service_cidr)))?;
        let dns_ok = self.cluster_dns.rsplit_once('.').is_some_and(|(prefix, last)| {
            prefix == format!("{}.{}.{}", svc[0], svc[1], svc[2])
                && last.parse::<u8>().is_ok_and(|l| (2..255).contains(&l))
        });
        if !dns_ok {
            return Err(format!(
                "error: profile: clusterDns {} must be an address of serviceCidr {} other than .0, .1 and .255",
                go_quote(&self.cluster_dns),
                self.service_cidr
            ));
        }
        for sc in &self.storage_classes {
            if !dns_name(&sc.name) {
                return Err(format!(
                    "error: profile: storage class name {} must be a lowercase DNS name like local-path",
                    go_quote(&sc.name)
                ));
            }
            if !["Immediate", "WaitForFirstConsumer"].contains(&sc.volume_binding_mode.as_str()) {
                return Err(format!(
                    "error: profile: storage class {}: volumeBindingMode must be Immediate or WaitForFirstConsumer",
                    sc.name
                ));
            }
            if !["Delete", "Retain"].contains(&sc.reclaim_policy.as_str()) {
                return Err(format!(
                    "error: profile: storage class {}: reclaimPolicy must be Delete or Retain",
                    sc.name
                ));
            }
        }
        if !self.nodes.iter().any(|n| n.role == "worker") {
            return Err("error: profile: at least one worker node is needed to run pods".into());
        }
        Ok(())
    }

    /// Minor version of the server (`23` for 1.23.6).
    pub fn server_minor(&self) -> u32 {
        version_minor(&self.kubernetes_version).unwrap_or(23)
    }
    /// Minor version of kubectl.
    pub fn kubectl_minor(&self) -> u32 {
        self.kubectl_version.as_deref().and_then(version_minor).unwrap_or_else(|| self.server_minor())
    }
}

/// `1.23.6` → 23.
pub fn version_minor(v: &str) -> Option<u32> {
    let v = v.trim_start_matches('v');
    let mut it = v.split('.');
    if it.next()? != "1" {
        return None;
    }
    it.next()?.parse().ok()
}

/// `172.16.158.0/24` → the first three octets.
pub fn parse_cidr24(c: &str) -> Option<[u8; 3]> {
    let (ip, bits) = c.split_once('/')?;
    if bits != "24" {
        return None;
    }
    let o: Vec<u8> = ip.split('.').map(|x| x.parse().ok()).collect::<Option<_>>()?;
    (o.len() == 4).then(|| [o[0], o[1], o[2]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_profile_is_the_seed_cluster() {
        let p = Profile::default();
        assert_eq!(
            p.nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
            ["k8s-m", "k8s-w1", "k8s-w2", "k8s-w3"]
        );
        assert_eq!(p.cluster_dns, "10.200.1.10");
        assert_eq!(p.server_minor(), 26);
        assert_eq!(p.kubectl_minor(), 26);
        assert!(p.storage_classes[0].default);
    }

    #[test]
    fn bad_profiles_are_errors() {
        assert_eq!(
            Profile::from_yaml("kubernetesVersion: x").unwrap_err(),
            "error: profile: missing field `startTime`"
        );
        assert_eq!(
            Profile::from_yaml("nodes:\n  - a\n b: c\n").unwrap_err(),
            "error: profile: yaml: line 2: did not find expected key"
        );
        let bad = DEFAULT_PROFILE_YAML.replace("172.16.24.0/24", "172.16.24.0/16");
        assert!(Profile::from_yaml(&bad).unwrap_err().contains("k8s-w2"));
        let shared = DEFAULT_PROFILE_YAML.replace("172.16.24.0/24", "172.16.158.0/24");
        assert!(Profile::from_yaml(&shared).unwrap_err().contains("podCidr 172.16.158.0/24 overlaps node k8s-w1's"));
        let typo = DEFAULT_PROFILE_YAML.replace("clusterDns", "clusterDNS");
        assert!(Profile::from_yaml(&typo)
            .unwrap_err()
            .starts_with("error: profile: unknown field `clusterDNS`, expected one of `kubernetesVersion`"));
        let float = DEFAULT_PROFILE_YAML.replace("1.26.5", "1.26");
        assert_eq!(
            Profile::from_yaml(&float).unwrap_err(),
            "error: profile: invalid type: floating point `1.26`, expected a string"
        );
        let flag = DEFAULT_PROFILE_YAML.replace("default: true", "default: 1");
        assert_eq!(
            Profile::from_yaml(&flag).unwrap_err(),
            "error: profile: invalid type: integer `1`, expected a boolean"
        );
        let defaults =
            DEFAULT_PROFILE_YAML.replace("  provisionMs: 9000\n", "").replace("  reclaimPolicy: Delete\n", "");
        let sc = &Profile::from_yaml(&defaults).unwrap().storage_classes[0];
        assert_eq!((sc.provision_ms, sc.reclaim_policy.as_str()), (9_000, "Delete"));
        for (from, to) in [
            ("name: k8s-w1,", "name: K8S_W1,"),
            ("clusterDns: 10.200.1.10", "clusterDns: 10.9.9.9"),
            ("name: local-path", "name: Local Path"),
            ("k8s-w2,", "k8s-w1,"),
        ] {
            assert!(Profile::from_yaml(&DEFAULT_PROFILE_YAML.replace(from, to)).is_err(), "{to}");
        }
    }
}
