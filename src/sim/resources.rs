//! The resource types the model serves, with the names kubectl resolves (plural, singular,
//! short names) and how they print (`statefulset.apps`).

use std::fmt;

/// A kind of object the store holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Namespace,
    Node,
    Pod,
    Service,
    Endpoints,
    EndpointSlice,
    PersistentVolumeClaim,
    PersistentVolume,
    ConfigMap,
    Secret,
    Event,
    StatefulSet,
    Deployment,
    ReplicaSet,
    ControllerRevision,
    StorageClass,
    HorizontalPodAutoscaler,
    /// Read-only: the lab's built-in quota (`sim::quota`), never stored.
    ResourceQuota,
}

/// What kubectl and the API know about a kind.
#[derive(Debug)]
pub struct ResourceInfo {
    pub kind: Kind,
    pub kind_name: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short: &'static [&'static str],
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
}

macro_rules! res {
    ($k:ident, $plural:expr, $singular:expr, [$($s:expr),*], $group:expr, $ver:expr, $ns:expr) => {
        ResourceInfo { kind: Kind::$k, kind_name: stringify!($k), plural: $plural, singular: $singular,
            short: &[$($s),*], group: $group, version: $ver, namespaced: $ns }
    };
}

pub static RESOURCES: &[ResourceInfo] = &[
    res!(Namespace, "namespaces", "namespace", ["ns"], "", "v1", false),
    res!(Node, "nodes", "node", ["no"], "", "v1", false),
    res!(Pod, "pods", "pod", ["po"], "", "v1", true),
    res!(Service, "services", "service", ["svc"], "", "v1", true),
    res!(Endpoints, "endpoints", "endpoints", ["ep"], "", "v1", true),
    res!(EndpointSlice, "endpointslices", "endpointslice", [], "discovery.k8s.io", "v1", true),
    res!(PersistentVolumeClaim, "persistentvolumeclaims", "persistentvolumeclaim", ["pvc"], "", "v1", true),
    res!(PersistentVolume, "persistentvolumes", "persistentvolume", ["pv"], "", "v1", false),
    res!(ConfigMap, "configmaps", "configmap", ["cm"], "", "v1", true),
    res!(Secret, "secrets", "secret", [], "", "v1", true),
    res!(Event, "events", "event", ["ev"], "", "v1", true),
    res!(StatefulSet, "statefulsets", "statefulset", ["sts"], "apps", "v1", true),
    res!(Deployment, "deployments", "deployment", ["deploy"], "apps", "v1", true),
    res!(ReplicaSet, "replicasets", "replicaset", ["rs"], "apps", "v1", true),
    res!(ControllerRevision, "controllerrevisions", "controllerrevision", [], "apps", "v1", true),
    res!(StorageClass, "storageclasses", "storageclass", ["sc"], "storage.k8s.io", "v1", false),
    // autoscaling/v2 is the group's preferred version from 1.23 (what `kubectl get` reads).
    res!(
        HorizontalPodAutoscaler,
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        ["hpa"],
        "autoscaling",
        "v2",
        true
    ),
    res!(ResourceQuota, "resourcequotas", "resourcequota", ["quota"], "", "v1", true),
];

impl Kind {
    pub fn info(self) -> &'static ResourceInfo {
        RESOURCES.iter().find(|r| r.kind == self).expect("every Kind has a ResourceInfo")
    }
    pub fn api_version(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.version.to_string()
        } else {
            format!("{}/{}", i.group, i.version)
        }
    }
    /// `statefulset.apps`, `pod`: how kubectl's name printer and delete messages name the kind.
    pub fn qualified_singular(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.singular.to_string()
        } else {
            format!("{}.{}", i.singular, i.group)
        }
    }
    /// `statefulsets.apps`, `pods`: how API errors (NotFound) name the resource.
    pub fn qualified_plural(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.plural.to_string()
        } else {
            format!("{}.{}", i.plural, i.group)
        }
    }
    pub fn namespaced(self) -> bool {
        self.info().namespaced
    }
    /// Looks a kind up by its `apiVersion` and `kind`, as a manifest names it.
    pub fn from_api(api_version: &str, kind: &str) -> Option<Kind> {
        // autoscaling/v1 is served too: the API server converts it to the stored v2.
        if api_version == "autoscaling/v1" && kind == "HorizontalPodAutoscaler" {
            return Some(Kind::HorizontalPodAutoscaler);
        }
        RESOURCES.iter().find(|r| r.kind_name == kind && api_version_matches(r, api_version)).map(|r| r.kind)
    }
    /// Resolves what a person types after `kubectl get` (`po`, `pods`, `statefulset.apps`, `Pod`).
    pub fn from_arg(arg: &str) -> Option<Kind> {
        let lower = arg.to_ascii_lowercase();
        let (name, group) = match lower.split_once('.') {
            Some((n, g)) => (n.to_string(), Some(g.to_string())),
            None => (lower.clone(), None),
        };
        RESOURCES
            .iter()
            .find(|r| {
                let name_ok = r.plural == name
                    || r.singular == name
                    || r.short.contains(&name.as_str())
                    || r.kind_name.eq_ignore_ascii_case(&name);
                let group_ok = match &group {
                    None => true,
                    Some(g) => {
                        r.group == g || (r.group.is_empty() && g == "v1") || format!("{}.{}", r.version, r.group) == *g
                    }
                };
                name_ok && group_ok
            })
            .map(|r| r.kind)
    }
}

fn api_version_matches(r: &ResourceInfo, api_version: &str) -> bool {
    if r.group.is_empty() {
        api_version == r.version
    } else {
        api_version == format!("{}/{}", r.group, r.version)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.info().kind_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_names_resolve() {
        assert_eq!(Kind::from_arg("po"), Some(Kind::Pod));
        assert_eq!(Kind::from_arg("sts"), Some(Kind::StatefulSet));
        assert_eq!(Kind::from_arg("statefulsets.apps"), Some(Kind::StatefulSet));
        assert_eq!(Kind::from_arg("pvc"), Some(Kind::PersistentVolumeClaim));
        assert_eq!(Kind::from_arg("ep"), Some(Kind::Endpoints));
        assert_eq!(Kind::from_arg("foo"), None);
        assert_eq!(Kind::StatefulSet.qualified_singular(), "statefulset.apps");
        assert_eq!(Kind::Pod.qualified_plural(), "pods");
        assert_eq!(Kind::from_api("apps/v1", "StatefulSet"), Some(Kind::StatefulSet));
        assert_eq!(Kind::from_api("v1", "StatefulSet"), None);
    }
}
