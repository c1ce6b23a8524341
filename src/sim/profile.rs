//! The cluster profile: nodes, address ranges, storage classes, and which Kubernetes and kubectl
//! releases the model imitates. The built-in default is the seed lab's cluster.

use serde::Deserialize;

/// A cluster as a profile file describes it (YAML, camelCase keys).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Profile {
    /// The server's release (`1.23.6`): decides kubelet and controller behaviour and printed columns.
    pub kubernetes_version: String,
    /// The kubectl release whose messages are printed; the server's when unset.
    #[serde(default)]
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
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StorageClassProfile {
    pub name: String,
    pub provisioner: String,
    #[serde(default = "default_reclaim")]
    pub reclaim_policy: String,
    #[serde(default = "default_binding")]
    pub volume_binding_mode: String,
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub allow_volume_expansion: bool,
    /// Milliseconds from a provisioning request to the PV on a node that has not pulled the
    /// provisioner's helper image yet (local-path runs a helper pod: about 9 s in the seed).
    #[serde(default = "default_provision_ms")]
    pub provision_ms: u64,
    /// The same once the node has the provisioner's helper image.
    #[serde(default = "default_provision_cached_ms")]
    pub provision_cached_ms: u64,
}

fn default_reclaim() -> String {
    "Delete".into()
}
fn default_binding() -> String {
    "Immediate".into()
}
fn default_provision_ms() -> u64 {
    9_000
}
fn default_provision_cached_ms() -> u64 {
    2_200
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
    /// Reads a profile; YAML errors name their line, type errors the field.
    pub fn from_yaml(text: &str) -> Result<Profile, String> {
        let value = crate::manifest::yaml::parse(text).map_err(|e| format!("error: profile: {e}"))?;
        // From JSON text rather than from the value: the page has that deserializer already.
        // Its errors' place is in that text, not the profile's, so it is left out.
        let p: Profile = serde_json::from_str(&value.to_string()).map_err(|e| {
            let m = e.to_string();
            format!("error: profile: {}", m.split(" at line ").next().unwrap_or(&m))
        })?;
        p.check()?;
        Ok(p)
    }

    fn check(&self) -> Result<(), String> {
        version_minor(&self.kubernetes_version).ok_or_else(|| format!("error: profile: kubernetesVersion {:?} is not a release like 1.23.6", self.kubernetes_version))?;
        if let Some(v) = &self.kubectl_version {
            version_minor(v).ok_or_else(|| format!("error: profile: kubectlVersion {v:?} is not a release like 1.34.0"))?;
        }
        super::time::parse_rfc3339(&self.start_time).ok_or_else(|| format!("error: profile: startTime {:?} is not like 2022-05-28T09:00:00Z", self.start_time))?;
        if self.nodes.is_empty() {
            return Err("error: profile: at least one node is needed".into());
        }
        let dns_name = |n: &str| !n.is_empty() && n.len() <= 63 && n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.') && !n.starts_with(['-', '.']) && !n.ends_with(['-', '.']);
        let mut seen = std::collections::BTreeSet::new();
        for n in &self.nodes {
            if !dns_name(&n.name) {
                return Err(format!("error: profile: node name {:?} must be a lowercase DNS name like k8s-w1", n.name));
            }
            if !seen.insert(n.name.clone()) {
                return Err(format!("error: profile: node {} is listed twice", n.name));
            }
            parse_cidr24(&n.pod_cidr).ok_or_else(|| format!("error: profile: node {}: podCidr {:?} is not a /24 like 172.16.158.0/24", n.name, n.pod_cidr))?;
            if n.role != "control-plane" && n.role != "worker" {
                return Err(format!("error: profile: node {}: role must be control-plane or worker", n.name));
            }
        }
        let svc = parse_cidr24(&self.service_cidr).ok_or_else(|| format!("error: profile: serviceCidr {:?} is not a /24", self.service_cidr))?;
        let dns_ok = self.cluster_dns.rsplit_once('.').is_some_and(|(prefix, last)| prefix == format!("{}.{}.{}", svc[0], svc[1], svc[2]) && last.parse::<u8>().is_ok_and(|l| (2..255).contains(&l)));
        if !dns_ok {
            return Err(format!("error: profile: clusterDns {:?} must be an address of serviceCidr {} other than .0, .1 and .255", self.cluster_dns, self.service_cidr));
        }
        for sc in &self.storage_classes {
            if !dns_name(&sc.name) {
                return Err(format!("error: profile: storage class name {:?} must be a lowercase DNS name like local-path", sc.name));
            }
            if !["Immediate", "WaitForFirstConsumer"].contains(&sc.volume_binding_mode.as_str()) {
                return Err(format!("error: profile: storage class {}: volumeBindingMode must be Immediate or WaitForFirstConsumer", sc.name));
            }
            if !["Delete", "Retain"].contains(&sc.reclaim_policy.as_str()) {
                return Err(format!("error: profile: storage class {}: reclaimPolicy must be Delete or Retain", sc.name));
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
        assert_eq!(p.nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), ["k8s-m", "k8s-w1", "k8s-w2", "k8s-w3"]);
        assert_eq!(p.cluster_dns, "10.200.1.10");
        assert_eq!(p.server_minor(), 26);
        assert_eq!(p.kubectl_minor(), 26);
        assert!(p.storage_classes[0].default);
    }

    #[test]
    fn bad_profiles_are_errors() {
        assert_eq!(Profile::from_yaml("kubernetesVersion: x").unwrap_err(), "error: profile: missing field `startTime`");
        assert_eq!(Profile::from_yaml("nodes:\n  - a\n b: c\n").unwrap_err(), "error: profile: yaml: line 2: did not find expected key");
        let bad = DEFAULT_PROFILE_YAML.replace("172.16.24.0/24", "172.16.24.0/16");
        assert!(Profile::from_yaml(&bad).unwrap_err().contains("k8s-w2"));
        let typo = DEFAULT_PROFILE_YAML.replace("clusterDns", "clusterDNS");
        assert!(Profile::from_yaml(&typo).is_err());
        for (from, to) in [("name: k8s-w1,", "name: K8S_W1,"), ("clusterDns: 10.200.1.10", "clusterDns: 10.9.9.9"), ("name: local-path", "name: Local Path"), ("k8s-w2,", "k8s-w1,")] {
            assert!(Profile::from_yaml(&DEFAULT_PROFILE_YAML.replace(from, to)).is_err(), "{to}");
        }
    }
}
