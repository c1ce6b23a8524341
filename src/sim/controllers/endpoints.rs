//! The Endpoints and EndpointSlice controllers: a Service's selected pods with an IP, ready ones
//! as addresses (or all with `publishNotReadyAddresses`), hostnames for a matching subdomain.

use crate::jv;
use crate::sim::obj;
use crate::sim::obj::Ptr;
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::Sim;
use serde_json::Value;

fn ip_key(ip: &str) -> Vec<u32> {
    ip.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// One endpoint as both objects describe it.
struct Ep {
    ip: String,
    hostname: Option<String>,
    node: String,
    pod: Value,
    ready: bool,
    serving: bool,
    terminating: bool,
}

pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let ep_key = ObjKey::new(Kind::Endpoints, &key.ns, &key.name);
    let Some(svc) = sim.store.get(key).cloned() else {
        if sim.store.contains(&ep_key) {
            sim.store.remove(&ep_key, sim.now());
        }
        return;
    };
    let Some(selector) = svc.ptr("/spec/selector").and_then(Value::as_object).filter(|s| !s.is_empty()).cloned() else {
        return;
    };
    let publish = obj::bool_at(&svc, "/spec/publishNotReadyAddresses").unwrap_or(false);
    let mut eps: Vec<Ep> = sim
        .store
        .list(Kind::Pod, Some(&key.ns))
        .map(|(_, p)| p)
        .filter(|p| selector.iter().all(|(k, v)| obj::label(p, k) == v.as_str()))
        .filter(|p| !matches!(obj::str_at(p, "/status/phase"), Some("Succeeded") | Some("Failed")))
        .filter_map(|p| {
            let ip = obj::str_at(p, "/status/podIP")?.to_string();
            let terminating = obj::is_deleting(p);
            let pod_ready = obj::condition_true(p, "Ready");
            let hostname = match (obj::str_at(p, "/spec/hostname"), obj::str_at(p, "/spec/subdomain")) {
                (Some(h), Some(s)) if s == key.name => Some(h.to_string()),
                _ => None,
            };
            Some(Ep {
                ip,
                hostname,
                node: obj::str_at(p, "/spec/nodeName").unwrap_or_default().to_string(),
                pod: p.clone(),
                ready: publish || (pod_ready && !terminating),
                serving: pod_ready,
                terminating,
            })
        })
        .collect();
    crate::support::sort::sort_by(&mut eps, |a, b| ip_key(&a.ip).cmp(&ip_key(&b.ip)));
    // Service ports resolved against the pods' container ports.
    let ports: Vec<Value> = obj::arr_at(&svc, "/spec/ports")
        .iter()
        .map(|p| {
            let target = p.get("targetPort").cloned().unwrap_or_else(|| p.get("port").cloned().unwrap_or(jv!(0)));
            let port = match &target {
                Value::String(name) => eps
                    .iter()
                    .find_map(|e| {
                        obj::arr_at(&e.pod, "/spec/containers")
                            .iter()
                            .flat_map(|c| obj::arr_at(c, "/ports"))
                            .find(|cp| cp.get("name").and_then(Value::as_str) == Some(name))
                            .and_then(|cp| cp.get("containerPort").cloned())
                    })
                    .unwrap_or(jv!(0)),
                other => other.clone(),
            };
            let mut o = jv!({"port": port, "protocol": p.get("protocol").cloned().unwrap_or(jv!("TCP"))});
            if let Some(n) = p.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()) {
                o["name"] = jv!(n);
            }
            o
        })
        .collect();
    let addr = |e: &Ep| {
        let mut a = jv!({"ip": e.ip, "nodeName": e.node, "targetRef": {"kind":"Pod","name":obj::name(&e.pod),"namespace":key.ns,"uid":obj::uid(&e.pod)}});
        if let Some(h) = &e.hostname {
            a["hostname"] = jv!(h);
        }
        a
    };
    // Endpoints' addresses as `RepackSubsets` sorts them (`LessEndpointAddress`): by the IP's
    // text, byte by byte (`172.16.197.2` before `172.16.24.2`), then by pod UID.
    let mut by_text: Vec<&Ep> = eps.iter().collect();
    crate::support::sort::sort_by(&mut by_text, |a, b| {
        a.ip.cmp(&b.ip).then_with(|| obj::uid(&a.pod).cmp(obj::uid(&b.pod)))
    });
    let ready: Vec<Value> = by_text.iter().filter(|e| e.ready).map(|e| addr(e)).collect();
    let not_ready: Vec<Value> = by_text.iter().filter(|e| !e.ready && !e.terminating).map(|e| addr(e)).collect();
    let mut subset = jv!({"ports": ports});
    if !ready.is_empty() {
        subset["addresses"] = jv!(ready);
    }
    if !not_ready.is_empty() {
        subset["notReadyAddresses"] = jv!(not_ready);
    }
    let subsets = if ready.is_empty() && not_ready.is_empty() { jv!([]) } else { jv!([subset]) };
    let mut labels = svc.ptr("/metadata/labels").cloned().unwrap_or(jv!({}));
    if obj::str_at(&svc, "/spec/clusterIP") == Some("None") {
        labels["service.kubernetes.io/headless"] = jv!("");
    }
    match sim.store.get(&ep_key).cloned() {
        None => {
            let mut o = jv!({"apiVersion":"v1","kind":"Endpoints","metadata":{"name":key.name,"namespace":key.ns,"labels":labels}});
            if subsets.as_array().is_some_and(|a| !a.is_empty()) {
                o["subsets"] = subsets.clone();
            }
            let _ = sim.create(o);
        }
        Some(_) => {
            sim.modify(&ep_key, |o| {
                if subsets.as_array().is_some_and(|a| !a.is_empty()) {
                    o["subsets"] = subsets.clone();
                } else if let Some(m) = o.as_object_mut() {
                    m.remove("subsets");
                }
                obj::meta_mut(o).insert("labels".into(), labels.clone());
            });
        }
    }
    // The EndpointSlice.
    let slice_eps: Vec<Value> = eps
        .iter()
        .map(|e| {
            let mut s = jv!({"addresses":[e.ip],"conditions":{"ready":e.ready,"serving":e.serving,"terminating":e.terminating},"nodeName":e.node,
                "targetRef":{"kind":"Pod","name":obj::name(&e.pod),"namespace":key.ns,"uid":obj::uid(&e.pod)}});
            if let Some(h) = &e.hostname {
                s["hostname"] = jv!(h);
            }
            s
        })
        .collect();
    let existing = sim
        .store
        .list(Kind::EndpointSlice, Some(&key.ns))
        .find(|(_, s)| obj::label(s, "kubernetes.io/service-name") == Some(&key.name))
        .map(|(k, _)| k.clone());
    let mut slice_labels = labels.clone();
    slice_labels["kubernetes.io/service-name"] = jv!(key.name);
    slice_labels["endpointslice.kubernetes.io/managed-by"] = jv!("endpointslice-controller.k8s.io");
    match existing {
        None => {
            let o = jv!({"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"generateName":format!("{}-", key.name),"namespace":key.ns,"labels":slice_labels,"ownerReferences":[obj::owner_ref(&svc, true)]},
                "addressType":"IPv4","endpoints":slice_eps,"ports":ports});
            let _ = sim.create(o);
        }
        Some(k) => {
            sim.modify(&k, |o| {
                o["endpoints"] = jv!(slice_eps);
                o["ports"] = jv!(ports);
            });
        }
    }
}
