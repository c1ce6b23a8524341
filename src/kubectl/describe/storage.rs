//! `kubectl describe` for PersistentVolumeClaims and PersistentVolumes.

use super::*;

pub(super) fn claim(d: &mut Doc, sim: &Sim, o: &Value) {
    let name = obj::name(o);
    let ns = obj::namespace(o);
    d.w(0, &format!("Name:\t{name}"));
    d.w(0, &format!("Namespace:\t{ns}"));
    d.w(0, &format!("StorageClass:\t{}", obj::str_at(o, "/spec/storageClassName").unwrap_or("")));
    let status = if obj::is_deleting(o) {
        terminating(sim, o)
    } else {
        obj::str_at(o, "/status/phase").unwrap_or("").to_string()
    };
    d.w(0, &format!("Status:\t{status}"));
    d.w(0, &format!("Volume:\t{}", obj::str_at(o, "/spec/volumeName").unwrap_or("")));
    map_lines(d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
    map_lines(d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
    d.w(0, &format!("Finalizers:\t[{}]", obj::finalizers(o).join(" ")));
    let bound = obj::str_at(o, "/spec/volumeName").is_some();
    d.w(
        0,
        &format!("Capacity:\t{}", if bound { obj::str_at(o, "/status/capacity/storage").unwrap_or("") } else { "" }),
    );
    let modes = super::super::tables::access_modes(obj::arr_at(o, "/status/accessModes"));
    d.w(0, &format!("Access Modes:	{}", if bound { modes } else { String::new() }));
    d.w(0, &format!("VolumeMode:\t{}", obj::str_at(o, "/spec/volumeMode").unwrap_or("Filesystem")));
    // printPodsMultiline: the pods in name order, a line each.
    let mut users: Vec<String> =
        crate::sim::kubelet::pods_using_claim(sim, ns, name).map(|p| obj::name(p).to_string()).collect();
    crate::support::sort::sort(&mut users);
    if users.is_empty() {
        d.w(0, "Used By:\t<none>");
    }
    for (i, u) in users.iter().enumerate() {
        d.w(0, &format!("{}\t{u}", if i == 0 { "Used By:" } else { "" }));
    }
}

pub(super) fn volume(d: &mut Doc, sim: &Sim, o: &Value) {
    let name = obj::name(o);
    d.w(0, &format!("Name:\t{name}"));
    map_lines(d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
    map_lines(d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
    d.w(0, &format!("Finalizers:\t[{}]", obj::finalizers(o).join(" ")));
    d.w(0, &format!("StorageClass:\t{}", obj::str_at(o, "/spec/storageClassName").unwrap_or("")));
    // describePersistentVolume: `Terminating (lasts <age>)` while a deletionTimestamp is set.
    let status = if obj::is_deleting(o) {
        terminating(sim, o)
    } else {
        obj::str_at(o, "/status/phase").unwrap_or("").to_string()
    };
    d.w(0, &format!("Status:\t{status}"));
    let claim = match (obj::str_at(o, "/spec/claimRef/namespace"), obj::str_at(o, "/spec/claimRef/name")) {
        (Some(a), Some(b)) => format!("{a}/{b}"),
        _ => String::new(),
    };
    d.w(0, &format!("Claim:\t{claim}"));
    d.w(0, &format!("Reclaim Policy:\t{}", obj::str_at(o, "/spec/persistentVolumeReclaimPolicy").unwrap_or("")));
    let modes = super::super::tables::access_modes(obj::arr_at(o, "/spec/accessModes"));
    d.w(0, &format!("Access Modes:	{modes}"));
    d.w(0, &format!("VolumeMode:\t{}", obj::str_at(o, "/spec/volumeMode").unwrap_or("Filesystem")));
    d.w(0, &format!("Capacity:\t{}", obj::str_at(o, "/spec/capacity/storage").unwrap_or("")));
    match crate::sim::scheduler::pv_node(o) {
        Some(n) => {
            d.w(0, "Node Affinity:\t");
            d.w(1, "Required Terms:\t");
            d.w(2, &format!("Term 0:\tkubernetes.io/hostname in [{n}]"));
        }
        None => d.w(0, "Node Affinity:\t<none>"),
    }
    d.w(0, &format!("Message:\t{}", obj::str_at(o, "/status/message").unwrap_or("")));
    d.w(0, "Source:");
    if let Some(h) = o.ptr("/spec/hostPath") {
        d.w(2, "Type:\tHostPath (bare host directory volume)");
        d.w(2, &format!("Path:\t{}", obj::str_at(h, "/path").unwrap_or("")));
        d.w(2, &format!("HostPathType:\t{}", obj::str_at(h, "/type").unwrap_or("")));
    }
}

/// describeStorageClass: whether it is the default, annotations and parameters as
/// `labels.FormatLabels` writes a map (`k=v,k=v`, `<none>`), expansion, mount options,
/// reclaim policy and binding mode.
pub(super) fn storage_class(d: &mut Doc, o: &Value) {
    let default = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"]
        .iter()
        .any(|k| obj::annotation(o, k) == Some("true"));
    d.w(0, &format!("Name:\t{}", obj::name(o)));
    d.w(0, &format!("IsDefaultClass:\t{}", if default { "Yes" } else { "No" }));
    d.w(0, &format!("Annotations:\t{}", format_labels(o.ptr("/metadata/annotations"))));
    d.w(0, &format!("Provisioner:\t{}", obj::str_at(o, "/provisioner").unwrap_or("")));
    d.w(0, &format!("Parameters:\t{}", format_labels(o.ptr("/parameters"))));
    let expansion = match obj::bool_at(o, "/allowVolumeExpansion") {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    d.w(0, &format!("AllowVolumeExpansion:\t{expansion}"));
    let options = obj::arr_at(o, "/mountOptions");
    if options.is_empty() {
        d.w(0, "MountOptions:\t<none>");
    } else {
        d.w(0, "MountOptions:");
        for m in options {
            d.w(1, m.as_str().unwrap_or(""));
        }
    }
    for (field, title) in [("/reclaimPolicy", "ReclaimPolicy"), ("/volumeBindingMode", "VolumeBindingMode")] {
        if let Some(v) = obj::str_at(o, field) {
            d.w(0, &format!("{title}:\t{v}"));
        }
    }
}

/// labels.FormatLabels: `k=v` pairs in key order joined by commas, `<none>` for none.
fn format_labels(m: Option<&Value>) -> String {
    let pairs: Vec<String> = m
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| format!("{k}={}", crate::support::gofmt::go_format(v))).collect())
        .unwrap_or_default();
    if pairs.is_empty() {
        "<none>".to_string()
    } else {
        pairs.join(",")
    }
}
