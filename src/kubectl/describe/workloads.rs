//! `kubectl describe` for the workload controllers: StatefulSets and Deployments.

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
    }
    let pods: Vec<Value> = sim
        .store
        .dependents(obj::uid(o))
        .iter()
        .filter(|k| k.kind == Kind::Pod)
        .filter_map(|k| sim.store.get(k).cloned())
        .collect();
    let count = |ph: &str| pods.iter().filter(|p| obj::str_at(p, "/status/phase") == Some(ph)).count();
    d.w(
        0,
        &format!(
            "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed",
            count("Running"),
            count("Pending"),
            count("Succeeded"),
            count("Failed")
        ),
    );
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
    let t = o.ptr("/spec/template").cloned().unwrap_or(Value::Null);
    template_lines(d, &t, sim);
    let conds = obj::arr_at(o, "/status/conditions");
    if !conds.is_empty() {
        d.w(0, "Conditions:");
        d.w(1, "Type\tStatus\tReason");
        d.w(1, "----\t------\t------");
        for c in conds {
            d.w(
                1,
                &format!(
                    "{}\t{}\t{}",
                    obj::str_at(c, "/type").unwrap_or(""),
                    obj::str_at(c, "/status").unwrap_or(""),
                    obj::str_at(c, "/reason").unwrap_or("")
                ),
            );
        }
    }
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
    d.w(0, &format!("OldReplicaSets:\t{}", if olds.is_empty() { "<none>".into() } else { olds.join(", ") }));
    d.w(0, &format!("NewReplicaSet:\t{}", new.map(rs_text).unwrap_or_else(|| "<none>".into())));
}
