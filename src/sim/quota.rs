//! The lab's limits, as a ResourceQuota in every namespace: object counts the page can hold,
//! enforced as the ResourceQuota admission plugin enforces a quota (a create past a limit is
//! refused with `exceeded quota`), shown by `kubectl get/describe quota`.
//!
// k8s-diff: a kubeadm cluster has no quota. This one is built in and virtual: it is not in the
// store (so resourceVersions, watches and `get all` are as a real cluster's), its usage is
// counted when read rather than written by the quota controller, and it cannot be changed.

use super::obj;
use super::resources::Kind;
use super::{ApiError, Sim};
use crate::jv;
use serde_json::{Map, Value};

/// The built-in quota's name.
pub const NAME: &str = "kubelab-limits";

/// What the built-in quota caps: resource name and the kind it counts, each at the profile's
/// `object_limit`.
pub const HARD: &[(&str, Kind)] = &[
    ("configmaps", Kind::ConfigMap),
    ("count/deployments.apps", Kind::Deployment),
    ("count/statefulsets.apps", Kind::StatefulSet),
    ("persistentvolumeclaims", Kind::PersistentVolumeClaim),
    ("pods", Kind::Pod),
    ("secrets", Kind::Secret),
    ("services", Kind::Service),
];

/// How many objects of `kind` the quota counts in `ns`: pods in a terminal phase are not
/// counted (the pod evaluator's `QuotaV1Pod`; the pod index keeps their number), every other
/// object is.
pub fn used(sim: &Sim, kind: Kind, ns: &str) -> i64 {
    let n = sim.store.count(kind, ns);
    let terminal = if kind == Kind::Pod { sim.store.pods.terminal_in(ns) } else { 0 };
    n.saturating_sub(terminal) as i64
}

/// The ResourceQuota admission plugin on a create: one more object of `kind` in `ns` must fit
/// under the limit, or the request is forbidden with the plugin's words.
pub fn admit(sim: &Sim, kind: Kind, o: &Value) -> Result<(), ApiError> {
    let Some((resource, _)) = HARD.iter().find(|(_, k)| *k == kind) else { return Ok(()) };
    let hard = sim.profile.object_limit;
    // The store counts objects per kind and namespace, the pod index the terminal pods.
    let ns = obj::namespace(o);
    let used = used(sim, kind, ns);
    if used < hard {
        return Ok(());
    }
    Err(ApiError::Forbidden(format!(
        "{} \"{}\" is forbidden: exceeded quota: {NAME}, requested: {resource}=1, used: {resource}={}, limited: {resource}={}",
        kind.qualified_plural(),
        obj::name(o),
        decimal_si(used),
        decimal_si(hard)
    )))
}

/// The built-in quota of namespace `ns` as `get -o yaml` would show it, with its usage now;
/// None when there is no such namespace.
pub fn object(sim: &Sim, ns: &str) -> Option<Value> {
    let namespace = sim.get(Kind::Namespace, "", ns)?;
    let created = obj::str_at(namespace, "/metadata/creationTimestamp").unwrap_or("").to_string();
    let mut hard = Map::new();
    let mut usage = Map::new();
    for (resource, kind) in HARD {
        hard.insert(resource.to_string(), jv!(decimal_si(sim.profile.object_limit)));
        usage.insert(resource.to_string(), jv!(decimal_si(used(sim, *kind, ns))));
    }
    let hard = Value::Object(hard);
    Some(jv!({"apiVersion":"v1","kind":"ResourceQuota",
        "metadata":{"name":NAME,"namespace":ns,"creationTimestamp":created},
        "spec":{"hard":hard},"status":{"hard":hard,"used":Value::Object(usage)}}))
}

/// The built-in quotas of namespace `ns` (`None`: of every namespace), in namespace order.
pub fn list(sim: &Sim, ns: Option<&str>) -> Vec<Value> {
    match ns {
        Some(ns) => object(sim, ns).into_iter().collect(),
        None => sim.store.list(Kind::Namespace, None).filter_map(|(k, _)| object(sim, &k.name)).collect(),
    }
}

/// A count as resource.Quantity's `String()` writes a DecimalSI integer: trailing zeros folded
/// into an exponent that is a multiple of three, then its suffix (`1000` → `1k`, `1500` →
/// `1500`, `2000000` → `2M`).
pub fn decimal_si(n: i64) -> String {
    if n == 0 {
        return "0".into();
    }
    let (mut m, mut e) = (n, 0usize);
    while m % 10 == 0 {
        m /= 10;
        e += 1;
    }
    m *= 10i64.pow((e % 3) as u32);
    e -= e % 3;
    let suffix = ["", "k", "M", "G", "T", "P", "E"].get(e / 3).copied().unwrap_or("");
    format!("{m}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_print_as_quantities_do() {
        // resource.NewQuantity(n, DecimalSI).String() for these n.
        assert_eq!(decimal_si(0), "0");
        assert_eq!(decimal_si(7), "7");
        assert_eq!(decimal_si(110), "110");
        assert_eq!(decimal_si(1000), "1k");
        assert_eq!(decimal_si(1500), "1500");
        assert_eq!(decimal_si(10000), "10k");
        assert_eq!(decimal_si(2_000_000), "2M");
    }
}
