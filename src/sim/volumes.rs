//! Volumes (reference §3): the PersistentVolume controller (static binding, Released,
//! protection finalizers) and the external provisioners of the profile's StorageClasses
//! (`rancher.io/local-path`: WaitForFirstConsumer, a PV pinned to the chosen node, `pvc-<uid>`).

use super::kubelet::pods_using_claim;
use super::obj;
use super::obj::Ptr;
use super::resources::Kind;
use super::store::ObjKey;
use super::{remove_finalizer, Sim, Timer};
use crate::jv;
use crate::support::collections::VecSet;
use serde_json::Value;

/// The image of local-path-provisioner's helper pod.
const HELPER_IMAGE: &str = "docker.io/library/busybox:latest";

/// What the provisioners are busy with (by PVC or PV uid).
#[derive(Clone, Debug, Default)]
pub struct State {
    provisioning: VecSet<String>,
    reclaiming: VecSet<String>,
    told_wait: VecSet<String>,
    pub(crate) identity: String,
}

/// Parses a quantity like `1Gi`, `500Mi`, `2G`, `1073741824` into bytes.
pub fn quantity_bytes(q: &Value) -> Option<f64> {
    let s = match q {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    quantity(s.trim())
}

/// resource.ParseQuantity's value of `s` (sign, digits, then a binary suffix `Ki`..`Ei`, a
/// decimal one `n`..`E`, or an exponent `e3`/`E-2`); None when it does not parse.
pub fn quantity(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let digits = body.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(body.len());
    let (num, unit) = s.split_at(s.len() - body.len() + digits);
    if num.trim_start_matches(['+', '-']).is_empty() || num.matches('.').count() > 1 {
        return None;
    }
    let n: f64 = num.parse().ok()?;
    let mul = match unit {
        "" => 1.0,
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
            let i = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"].iter().position(|u| *u == unit)? as i32;
            1024f64.powi(i + 1)
        }
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        _ => {
            let exp = unit.strip_prefix(['e', 'E'])?;
            10f64.powi(exp.parse::<i32>().ok().filter(|_| !exp.starts_with('+'))?)
        }
    };
    Some(n * mul)
}

fn access_modes_cover(pv: &Value, pvc: &Value) -> bool {
    let have: Vec<&Value> = obj::arr_at(pv, "/spec/accessModes").iter().collect();
    obj::arr_at(pvc, "/spec/accessModes").iter().all(|m| have.contains(&m))
}

/// How an external provisioner signs its events: `<provisioner>_<its pod>_<its uuid>`, fixed
/// for the cluster's life (drawn once).
fn provisioner_identity(sim: &mut Sim, provisioner: &str) -> String {
    if sim.volumes.identity.is_empty() {
        let pod = format!(
            "local-path-provisioner-{}-{}",
            super::names::safe_encode(&(sim.rand_range(1_000_000_000, 4_294_967_295)).to_string()),
            super::names::random_suffix(sim.rng(), 5)
        );
        let id = super::names::uuid_v4(sim.rng());
        sim.volumes.identity = format!("{pod}_{id}");
    }
    format!("{provisioner}_{}", sim.volumes.identity)
}

/// The PV controller's sync of one claim.
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn sync_pvc(sim: &mut Sim, key: &ObjKey) {
    let Some(pvc) = sim.store.get(key).cloned() else { return };
    if obj::is_deleting(&pvc) {
        if pods_using_claim(sim, &key.ns, &key.name).next().is_none() {
            remove_finalizer(sim, key, "kubernetes.io/pvc-protection");
        }
        return;
    }
    if obj::str_at(&pvc, "/status/phase") == Some("Bound") {
        return;
    }
    let uid = obj::uid(&pvc).to_string();
    let class = obj::str_at(&pvc, "/spec/storageClassName").unwrap_or("").to_string();
    // Static binding: a named volume, or the smallest Available one that fits.
    let want = pvc.ptr("/spec/resources/requests/storage").and_then(quantity_bytes).unwrap_or(0.0);
    let named = obj::str_at(&pvc, "/spec/volumeName").map(String::from);
    let candidate = sim
        .available_pvs
        .iter()
        .filter_map(|k| Some((k, sim.store.get(k)?)))
        .filter(|(_, pv)| obj::str_at(pv, "/status/phase") == Some("Available") && !obj::is_deleting(pv))
        .filter(|(k, pv)| match &named {
            Some(n) => &k.name == n,
            None => {
                obj::str_at(pv, "/spec/storageClassName").unwrap_or("") == class
                    && obj::str_at(pv, "/spec/claimRef/name").is_none()
            }
        })
        .filter(|(_, pv)| {
            pv.ptr("/spec/capacity/storage").and_then(quantity_bytes).unwrap_or(0.0) >= want
                && access_modes_cover(pv, &pvc)
        })
        .min_by(|a, b| {
            let qa = a.1.ptr("/spec/capacity/storage").and_then(quantity_bytes).unwrap_or(0.0);
            let qb = b.1.ptr("/spec/capacity/storage").and_then(quantity_bytes).unwrap_or(0.0);
            qa.partial_cmp(&qb).unwrap_or(std::cmp::Ordering::Equal)
        })
        .map(|(k, _)| k.clone());
    if let Some(pv_key) = candidate {
        bind(sim, key, &pv_key, false);
        return;
    }
    if class.is_empty() {
        if sim.volumes.told_wait.insert(uid) {
            sim.record_event(
                key,
                "Normal",
                "FailedBinding",
                "persistentvolume-controller",
                "no persistent volumes available for this claim and no storage class is set".into(),
            );
        }
        return;
    }
    let Some(sc) = sim.store.get(&ObjKey::new(Kind::StorageClass, "", &class)).cloned() else {
        if sim.volumes.told_wait.insert(uid) {
            sim.record_event(
                key,
                "Warning",
                "ProvisioningFailed",
                "persistentvolume-controller",
                format!("storageclass.storage.k8s.io \"{class}\" not found"),
            );
        }
        return;
    };
    let provisioner = obj::str_at(&sc, "/provisioner").unwrap_or("").to_string();
    let wffc = obj::str_at(&sc, "/volumeBindingMode") == Some("WaitForFirstConsumer");
    let selected = obj::annotation(&pvc, "volume.kubernetes.io/selected-node").map(String::from);
    if wffc && selected.is_none() {
        if sim.volumes.told_wait.insert(uid) {
            sim.record_event(
                key,
                "Normal",
                "WaitForFirstConsumer",
                "persistentvolume-controller",
                "waiting for first consumer to be created before binding".into(),
            );
        }
        return;
    }
    if sim.volumes.provisioning.contains(&uid) {
        return;
    }
    sim.volumes.provisioning.insert(uid.clone());
    // kubernetes/kubernetes#118262 ("Improve Clarity of Provisioner Waiting Message", merged
    // 2023-05, first released in v1.28) gave pv_controller.go its new words; before it,
    // "waiting for a volume to be created, either by external provisioner %q or manually
    // created by system administrator".
    let new_style = sim.profile.server_minor() >= 28;
    let msg = if new_style {
        format!("Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.")
    } else {
        format!("waiting for a volume to be created, either by external provisioner \"{provisioner}\" or manually created by system administrator")
    };
    sim.record_event(key, "Normal", "ExternalProvisioning", "persistentvolume-controller", msg);
    let prov_id = provisioner_identity(sim, &provisioner);
    sim.record_event(
        key,
        "Normal",
        "Provisioning",
        &prov_id,
        format!("External provisioner is provisioning volume for claim \"{}/{}\"", key.ns, key.name),
    );
    sim.modify(key, |p| {
        obj::set_annotation(p, "volume.beta.kubernetes.io/storage-provisioner", &provisioner);
        obj::set_annotation(p, "volume.kubernetes.io/storage-provisioner", &provisioner);
    });
    // local-path runs a helper pod on the chosen node: the first one there pulls its image
    // (about 9 s in the seed); later ones start in about 2 s.
    let profile = sim.profile.storage_classes.iter().find(|s| s.name == class).cloned();
    let (first, cached) = profile.map(|p| (p.provision_ms, p.provision_cached_ms)).unwrap_or((1_000, 1_000));
    let helper_cached = match &selected {
        Some(node) => !sim.pulled.insert((node.clone(), HELPER_IMAGE.to_string())),
        None => true,
    };
    let base = if helper_cached { cached } else { first };
    let jitter = sim.rand_range(0, base / 8);
    sim.schedule(base + jitter, Timer::Provisioned { pvc: key.clone(), uid });
}

/// A provisioner finished: the PV exists, and the claim binds to it.
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn on_provisioned(sim: &mut Sim, key: &ObjKey, uid: &str) {
    let Some(pvc) = sim.store.get(key).cloned() else {
        sim.volumes.provisioning.remove(uid);
        return;
    };
    if obj::uid(&pvc) != uid || obj::is_deleting(&pvc) || obj::str_at(&pvc, "/status/phase") == Some("Bound") {
        sim.volumes.provisioning.remove(uid);
        return;
    }
    let class = obj::str_at(&pvc, "/spec/storageClassName").unwrap_or("").to_string();
    let Some(sc) = sim.store.get(&ObjKey::new(Kind::StorageClass, "", &class)).cloned() else { return };
    let provisioner = obj::str_at(&sc, "/provisioner").unwrap_or("").to_string();
    // local-path-provisioner's Provision: node-local directories take one writer node only.
    // The failure is final (ProvisioningFinished): the claim stays Pending.
    if provisioner == "rancher.io/local-path"
        && obj::arr_at(&pvc, "/spec/accessModes").iter().any(|m| m.as_str() != Some("ReadWriteOnce"))
    {
        let prov_id = provisioner_identity(sim, &provisioner);
        sim.record_event(
            key,
            "Warning",
            "ProvisioningFailed",
            &prov_id,
            format!("failed to provision volume with StorageClass \"{class}\": Only support ReadWriteOnce access mode"),
        );
        return;
    }
    let name = format!("pvc-{uid}");
    let storage = pvc.ptr("/spec/resources/requests/storage").cloned().unwrap_or(jv!("1Gi"));
    let mut pv = jv!({"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":name,"annotations":{"pv.kubernetes.io/provisioned-by":provisioner}},
        "spec":{"capacity":{"storage":storage},"accessModes":pvc.ptr("/spec/accessModes").cloned().unwrap_or(jv!(["ReadWriteOnce"])),
            "claimRef":{"apiVersion":"v1","kind":"PersistentVolumeClaim","name":key.name,"namespace":key.ns,"uid":uid,"resourceVersion":obj::str_at(&pvc, "/metadata/resourceVersion").unwrap_or("")},
            "persistentVolumeReclaimPolicy":obj::str_at(&sc, "/reclaimPolicy").unwrap_or("Delete"),"storageClassName":class,
            "volumeMode":obj::str_at(&pvc, "/spec/volumeMode").unwrap_or("Filesystem")},
        "status":{"phase":"Bound"}});
    if let Some(node) = obj::annotation(&pvc, "volume.kubernetes.io/selected-node") {
        pv["spec"]["hostPath"] = jv!({"path": format!("/opt/local-path-provisioner/{name}_{}_{}", key.ns, key.name), "type": "DirectoryOrCreate"});
        pv["spec"]["nodeAffinity"] = jv!({"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":[node]}]}]}});
    }
    if sim.create(pv).is_err() {
        return;
    }
    let prov_id = provisioner_identity(sim, &provisioner);
    sim.record_event(
        key,
        "Normal",
        "ProvisioningSucceeded",
        &prov_id,
        format!("Successfully provisioned volume {name}"),
    );
    bind(sim, key, &ObjKey::new(Kind::PersistentVolume, "", &name), true);
    // Only now: while the PV existed but the claim was not yet bound, a sync must not start again.
    sim.volumes.provisioning.remove(uid);
}

fn bind(sim: &mut Sim, pvc_key: &ObjKey, pv_key: &ObjKey, provisioned: bool) {
    let Some(pvc) = sim.store.get(pvc_key).cloned() else { return };
    let Some(pv) = sim.store.get(pv_key).cloned() else { return };
    let uid = obj::uid(&pvc).to_string();
    let rv = obj::str_at(&pvc, "/metadata/resourceVersion").unwrap_or("").to_string();
    sim.modify(pv_key, |p| {
        obj::set(p, "/spec/claimRef", jv!({"apiVersion":"v1","kind":"PersistentVolumeClaim","name":pvc_key.name,"namespace":pvc_key.ns,"uid":uid,"resourceVersion":rv}));
        obj::set(p, "/status/phase", jv!("Bound"));
        if !provisioned {
            obj::set_annotation(p, "pv.kubernetes.io/bound-by-controller", "yes");
        }
    });
    let modes = pv.ptr("/spec/accessModes").cloned().unwrap_or(jv!([]));
    let cap = pv.ptr("/spec/capacity").cloned().unwrap_or(jv!({}));
    sim.modify(pvc_key, |p| {
        obj::set(p, "/spec/volumeName", jv!(pv_key.name));
        obj::set_annotation(p, "pv.kubernetes.io/bind-completed", "yes");
        obj::set_annotation(p, "pv.kubernetes.io/bound-by-controller", "yes");
        obj::set(p, "/status", jv!({"phase":"Bound","accessModes":modes,"capacity":cap}));
    });
}

/// The PV controller's sync of one volume: Released when its claim is gone, then reclaimed.
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn sync_pv(sim: &mut Sim, key: &ObjKey) {
    let Some(pv) = sim.store.get(key).cloned() else { return };
    let claim = (
        obj::str_at(&pv, "/spec/claimRef/namespace").map(String::from),
        obj::str_at(&pv, "/spec/claimRef/name").map(String::from),
    );
    let claim_uid = obj::str_at(&pv, "/spec/claimRef/uid").unwrap_or("").to_string();
    let claim_alive = match &claim {
        (Some(ns), Some(n)) => sim
            .store
            .get(&ObjKey::new(Kind::PersistentVolumeClaim, ns, n))
            .is_some_and(|c| claim_uid.is_empty() || obj::uid(c) == claim_uid),
        _ => false,
    };
    if obj::is_deleting(&pv) {
        if !claim_alive {
            remove_finalizer(sim, key, "kubernetes.io/pv-protection");
        }
        return;
    }
    let phase = obj::str_at(&pv, "/status/phase").unwrap_or("").to_string();
    if claim.1.is_some() && !claim_alive && phase == "Bound" {
        sim.modify(key, |p| obj::set(p, "/status/phase", jv!("Released")));
        return;
    }
    if phase == "Released" && obj::str_at(&pv, "/spec/persistentVolumeReclaimPolicy") == Some("Delete") {
        let uid = obj::uid(&pv).to_string();
        if sim.volumes.reclaiming.insert(uid) {
            let d = sim.rand_range(1_000, 3_000);
            sim.schedule(d, Timer::Reclaimed { pv: key.clone() });
        }
    }
}

/// The provisioner deleted the backing storage: the PV goes.
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn on_reclaimed(sim: &mut Sim, key: &ObjKey) {
    let Some(pv) = sim.store.get(key).cloned() else { return };
    // The backing directory is deleted with its data.
    sim.fs.trees.remove(&format!("pv/{}", key.name));
    sim.volumes.reclaiming.remove(obj::uid(&pv));
    let _ = sim.delete(key, super::DeleteOptions::default());
    remove_finalizer(sim, key, "kubernetes.io/pv-protection");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities_parse() {
        assert_eq!(quantity_bytes(&json!("1Gi")), Some(1073741824.0));
        assert_eq!(quantity_bytes(&json!("500Mi")), Some(524288000.0));
        assert_eq!(quantity_bytes(&json!("2G")), Some(2e9));
        assert_eq!(quantity_bytes(&json!(1024)), Some(1024.0));
        assert_eq!(quantity_bytes(&json!("lots")), None);
    }
}
