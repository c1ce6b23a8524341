//! `kubectl describe` for the workload controllers: StatefulSets, Deployments and ReplicaSets.

use super::*;

pub(super) fn stateful_set(d: &mut Doc, sim: &Sim, o: &Value) {
    let name = obj::name(o);
    let ns = obj::namespace(o);
    d.w(0, &format!("Name:\t{name}"));
    d.w(0, &format!("Namespace:\t{ns}"));
    d.w(0, &format!("CreationTimestamp:\t{}", rfc1123z(obj::str_at(o, "/metadata/creationTimestamp").unwrap_or(""))));
    d.w(0, &format!("Selector:\t{}", selector_of(o)));
    map_lines(d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
    map_lines(d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
    d.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} total",
            obj::i64_at(o, "/spec/replicas").unwrap_or(0),
            obj::i64_at(o, "/status/replicas").unwrap_or(0)
        ),
    );
    let strategy = obj::str_at(o, "/spec/updateStrategy/type").unwrap_or("RollingUpdate");
    d.w(0, &format!("Update Strategy:\t{strategy}"));
    if let Some(p) = obj::i64_at(o, "/spec/updateStrategy/rollingUpdate/partition") {
        d.w(1, &format!("Partition:\t{p}"));
        if let Some(m) = o.ptr("/spec/updateStrategy/rollingUpdate/maxUnavailable") {
            d.w(1, &format!("MaxUnavailable:\t{}", crate::support::gofmt::go_format(m)));
        }
    }
    pods_status(d, sim, o);
    let t = o.ptr("/spec/template").cloned().unwrap_or(Value::Null);
    template_lines(d, &t, sim);
    let vcts = obj::arr_at(o, "/spec/volumeClaimTemplates");
    if vcts.is_empty() {
        d.w(0, "Volume Claims:\t<none>");
    } else {
        d.w(0, "Volume Claims:");
        for v in vcts {
            d.w(1, &format!("Name:\t{}", obj::name(v)));
            d.w(1, &format!("StorageClass:\t{}", obj::str_at(v, "/spec/storageClassName").unwrap_or("")));
            map_lines(d, 1, "Labels:", v.ptr("/metadata/labels"), &[]);
            map_lines(d, 1, "Annotations:", v.ptr("/metadata/annotations"), &[]);
            d.w(1, &format!("Capacity:\t{}", obj::str_at(v, "/spec/resources/requests/storage").unwrap_or("")));
            let modes: Vec<&str> = obj::arr_at(v, "/spec/accessModes").iter().filter_map(Value::as_str).collect();
            d.w(1, &format!("Access Modes:\t[{}]", modes.join(" ")));
        }
    }
}

pub(super) fn deployment(d: &mut Doc, sim: &Sim, o: &Value) {
    let name = obj::name(o);
    let ns = obj::namespace(o);
    d.w(0, &format!("Name:\t{name}"));
    d.w(0, &format!("Namespace:\t{ns}"));
    d.w(0, &format!("CreationTimestamp:\t{}", rfc1123z(obj::str_at(o, "/metadata/creationTimestamp").unwrap_or(""))));
    map_lines(d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
    map_lines(d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
    d.w(0, &format!("Selector:\t{}", selector_of(o)));
    let n = |p: &str| obj::i64_at(o, p).unwrap_or(0);
    d.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
            n("/spec/replicas"),
            n("/status/updatedReplicas"),
            n("/status/replicas"),
            n("/status/availableReplicas"),
            n("/status/unavailableReplicas")
        ),
    );
    let st = obj::str_at(o, "/spec/strategy/type").unwrap_or("RollingUpdate");
    d.w(0, &format!("StrategyType:\t{st}"));
    d.w(0, &format!("MinReadySeconds:\t{}", n("/spec/minReadySeconds")));
    if st == "RollingUpdate" {
        let v = |p: &str| {
            o.ptr(p).map(|v| v.as_str().map(String::from).unwrap_or_else(|| v.to_string())).unwrap_or_default()
        };
        d.w(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
                v("/spec/strategy/rollingUpdate/maxUnavailable"),
                v("/spec/strategy/rollingUpdate/maxSurge")
            ),
        );
    }
    template_and_conditions(d, sim, o);
    let rss: Vec<Value> = sim
        .store
        .list(Kind::ReplicaSet, Some(ns))
        .map(|(_, r)| r.clone())
        .filter(|r| obj::controller_uid(r) == Some(obj::uid(o)))
        .collect();
    let tmpl_hash_free = |r: &Value| {
        let mut t = r.ptr("/spec/template").cloned().unwrap_or(Value::Null);
        obj::remove(&mut t, "/metadata/labels/pod-template-hash");
        t
    };
    let new = rss.iter().find(|r| tmpl_hash_free(r) == o.ptr("/spec/template").cloned().unwrap_or(Value::Null));
    let rs_text = |r: &Value| {
        format!(
            "{} ({}/{} replicas created)",
            obj::name(r),
            obj::i64_at(r, "/status/replicas").unwrap_or(0),
            obj::i64_at(r, "/spec/replicas").unwrap_or(0)
        )
    };
    let olds: Vec<String> = rss
        .iter()
        .filter(|r| Some(*r) != new && obj::i64_at(r, "/spec/replicas").unwrap_or(0) > 0)
        .map(rs_text)
        .collect();
    // Both lines only when there is an old ReplicaSet with replicas or a new one.
    if !olds.is_empty() || new.is_some() {
        d.w(0, &format!("OldReplicaSets:\t{}", if olds.is_empty() { "<none>".into() } else { olds.join(", ") }));
        d.w(0, &format!("NewReplicaSet:\t{}", new.map(rs_text).unwrap_or_else(|| "<none>".into())));
    }
}

/// describeReplicaSet: its selector, owner, `N current / N desired`, its pods by phase, the
/// pod template and the ReplicaSet's conditions.
pub(super) fn replica_set(d: &mut Doc, sim: &Sim, o: &Value) {
    d.w(0, &format!("Name:\t{}", obj::name(o)));
    d.w(0, &format!("Namespace:\t{}", obj::namespace(o)));
    d.w(0, &format!("Selector:\t{}", selector_of(o)));
    map_lines(d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
    map_lines(d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
    controlled_by(d, o);
    let n = |p: &str| obj::i64_at(o, p).unwrap_or(0);
    d.w(0, &format!("Replicas:\t{} current / {} desired", n("/status/replicas"), n("/spec/replicas")));
    pods_status(d, sim, o);
    template_and_conditions(d, sim, o);
}

/// The Pod Template block, then the Conditions table when there are conditions (the
/// Deployment and ReplicaSet describers print both alike).
fn template_and_conditions(d: &mut Doc, sim: &Sim, o: &Value) {
    let t = o.ptr("/spec/template").cloned().unwrap_or(Value::Null);
    template_lines(d, &t, sim);
    let conds = obj::arr_at(o, "/status/conditions");
    if !conds.is_empty() {
        d.w(0, "Conditions:");
        d.w(1, "Type\tStatus\tReason");
        d.w(1, "----\t------\t------");
        for c in conds {
            let at = |p: &str| obj::str_at(c, p).unwrap_or("");
            // `%v \t%v\t%v`: the type has a space before its tab.
            d.w(1, &format!("{} \t{}\t{}", at("/type"), at("/status"), at("/reason")));
        }
    }
}

/// getPodStatusForController: the pods the selector picks in the controller's namespace whose
/// controller it is, counted by phase (Pending is "Waiting").
fn pods_status(d: &mut Doc, sim: &Sim, o: &Value) {
    let sel = o.ptr("/spec/selector").map(Selector::from_label_selector).unwrap_or_default();
    let uid = obj::uid(o);
    let mut counts = [0usize; 4];
    let pods = sim.store.list(Kind::Pod, Some(obj::namespace(o))).map(|(_, p)| p);
    for p in pods.filter(|p| obj::controller_uid(p) == Some(uid) && sel.matches_obj(p)) {
        let phase = obj::str_at(p, "/status/phase").unwrap_or("");
        if let Some(i) = ["Running", "Pending", "Succeeded", "Failed"].iter().position(|ph| *ph == phase) {
            counts[i] += 1;
        }
    }
    let [r, w, s, f] = counts;
    d.w(0, &format!("Pods Status:\t{r} Running / {w} Waiting / {s} Succeeded / {f} Failed"));
}
