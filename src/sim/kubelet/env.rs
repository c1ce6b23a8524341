//! A container's environment as the kubelet makes it: the Services' variables, `envFrom`, then
//! `env` with its references to Secrets, ConfigMaps and the pod's own fields.

use crate::sim::obj::{self, Ptr};
use crate::sim::resources::Kind;
use crate::sim::{fs, Sim};
use crate::support::collections::VecMap;
use serde_json::Value;

type Vars = VecMap<String, String>;

/// The environment the kubelet gives container `container` (`makeEnvironmentVariables`): the
/// Services' variables (the `kubernetes` Service's always, the namespace's with
/// `enableServiceLinks`; those that existed when the pod started), then `envFrom`, then `env`
/// with its `valueFrom` references. Err: kubelet's words for a missing Secret, ConfigMap or key
/// (the container then waits in CreateContainerConfigError).
pub fn environment(sim: &Sim, pod: &Value, container: &str) -> Result<Vars, String> {
    let mut vars = VecMap::new();
    let ns = obj::namespace(pod).to_string();
    let ns = if ns.is_empty() { "default".to_string() } else { ns };
    service_vars(sim, pod, &ns, &mut vars);
    let Some(c) = obj::container(pod, container).cloned() else { return Ok(vars) };
    for from in obj::arr_at(&c, "/envFrom") {
        let prefix = obj::str_at(from, "/prefix").unwrap_or("");
        let (kind, r) = match (from.get("configMapRef"), from.get("secretRef")) {
            (Some(r), _) => (Kind::ConfigMap, r),
            (_, Some(r)) => (Kind::Secret, r),
            _ => continue,
        };
        let name = obj::str_at(r, "/name").unwrap_or("");
        let Some(data) = source(sim, &ns, kind, name, obj::bool_at(r, "/optional").unwrap_or(false))? else {
            continue;
        };
        for (k, v) in data {
            vars.insert(format!("{prefix}{k}"), v);
        }
    }
    for e in obj::arr_at(&c, "/env") {
        let Some(name) = obj::str_at(e, "/name") else { continue };
        if let Some(value) = env_value(sim, pod, &ns, e)? {
            vars.insert(name.to_string(), value);
        }
    }
    Ok(vars)
}

/// The Services' variables (`{SVC}_SERVICE_HOST`, `{SVC}_PORT_80_TCP`, ...): the `kubernetes`
/// Service's always, the pod's namespace's with `enableServiceLinks`, of Services that existed
/// when the pod started.
fn service_vars(sim: &Sim, pod: &Value, ns: &str, vars: &mut Vars) {
    let started = obj::str_at(pod, "/status/startTime")
        .or(obj::str_at(pod, "/metadata/creationTimestamp"))
        .unwrap_or("")
        .to_string();
    let links = obj::bool_at(pod, "/spec/enableServiceLinks").unwrap_or(true);
    for (k, svc) in sim.store.list(Kind::Service, None) {
        let master = k.ns == "default" && k.name == "kubernetes";
        if !(master || (links && k.ns == ns))
            || obj::str_at(svc, "/metadata/creationTimestamp").unwrap_or("") > started.as_str()
        {
            continue;
        }
        let Some(ip) = obj::str_at(svc, "/spec/clusterIP").filter(|ip| !ip.is_empty() && *ip != "None") else {
            continue;
        };
        let prefix = k.name.replace('-', "_").to_ascii_uppercase();
        let ports = obj::arr_at(svc, "/spec/ports");
        let Some(first) = ports.first().and_then(|p| obj::i64_at(p, "/port")) else { continue };
        vars.insert(format!("{prefix}_SERVICE_HOST"), ip.to_string());
        vars.insert(format!("{prefix}_SERVICE_PORT"), first.to_string());
        for (i, p) in ports.iter().enumerate() {
            port_vars(vars, &prefix, ip, i, p);
        }
    }
}

/// One Service port's variables (the `i`th of its ports).
fn port_vars(vars: &mut Vars, prefix: &str, ip: &str, i: usize, p: &Value) {
    let port = obj::i64_at(p, "/port").unwrap_or(0);
    if let Some(n) = obj::str_at(p, "/name").filter(|n| !n.is_empty()) {
        vars.insert(format!("{prefix}_SERVICE_PORT_{}", n.replace('-', "_").to_ascii_uppercase()), port.to_string());
    }
    let proto = obj::str_at(p, "/protocol").unwrap_or("TCP");
    let url = format!("{}://{ip}:{port}", proto.to_ascii_lowercase());
    if i == 0 {
        vars.insert(format!("{prefix}_PORT"), url.clone());
    }
    let pp = format!("{prefix}_PORT_{port}_{}", proto.to_ascii_uppercase());
    vars.insert(pp.clone(), url);
    vars.insert(format!("{pp}_PROTO"), proto.to_ascii_lowercase());
    vars.insert(format!("{pp}_PORT"), port.to_string());
    vars.insert(format!("{pp}_ADDR"), ip.to_string());
}

/// A Secret's or ConfigMap's data as text; kubelet's error when it is missing (`None` when it
/// is missing but optional).
fn source(sim: &Sim, ns: &str, kind: Kind, name: &str, optional: bool) -> Result<Option<Vars>, String> {
    let word = if kind == Kind::Secret { "secret" } else { "configmap" };
    let Some(o) = sim.get(kind, ns, name) else {
        return if optional { Ok(None) } else { Err(format!("{word} \"{name}\" not found")) };
    };
    Ok(Some(fs::data_text(kind, o)))
}

/// An `env` entry's value: its `value`, or what its `valueFrom` refers to (`None`: an optional
/// reference to something missing, and no variable).
fn env_value(sim: &Sim, pod: &Value, ns: &str, e: &Value) -> Result<Option<String>, String> {
    if let Some(v) = obj::str_at(e, "/value") {
        return Ok(Some(v.to_string()));
    }
    if let Some(r) = e.ptr("/valueFrom/secretKeyRef").or(e.ptr("/valueFrom/configMapKeyRef")) {
        let kind = if e.ptr("/valueFrom/secretKeyRef").is_some() { Kind::Secret } else { Kind::ConfigMap };
        let (src, key) = (obj::str_at(r, "/name").unwrap_or(""), obj::str_at(r, "/key").unwrap_or(""));
        let optional = obj::bool_at(r, "/optional").unwrap_or(false);
        let Some(data) = source(sim, ns, kind, src, optional)? else { return Ok(None) };
        return match data.get(key) {
            Some(v) => Ok(Some(v.clone())),
            None if optional => Ok(None),
            None => Err(format!(
                "couldn't find key {key} in {} {ns}/{src}",
                if kind == Kind::Secret { "Secret" } else { "ConfigMap" }
            )),
        };
    }
    let Some(path) = obj::str_at(e, "/valueFrom/fieldRef/fieldPath") else { return Ok(Some(String::new())) };
    Ok(Some(field_value(pod, ns, path)))
}

/// A `fieldRef`'s value: the pod's name, namespace, uid, node, service account, IPs or a label.
fn field_value(pod: &Value, ns: &str, path: &str) -> String {
    match path {
        "metadata.name" => obj::name(pod).to_string(),
        "metadata.namespace" => ns.to_string(),
        "metadata.uid" => obj::uid(pod).to_string(),
        "spec.nodeName" => obj::str_at(pod, "/spec/nodeName").unwrap_or("").to_string(),
        "spec.serviceAccountName" => obj::str_at(pod, "/spec/serviceAccountName").unwrap_or("").to_string(),
        "status.podIP" => obj::str_at(pod, "/status/podIP").unwrap_or("").to_string(),
        "status.hostIP" => obj::str_at(pod, "/status/hostIP").unwrap_or("").to_string(),
        p => p
            .strip_prefix("metadata.labels['")
            .and_then(|l| l.strip_suffix("']"))
            .and_then(|l| obj::label(pod, l))
            .unwrap_or("")
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;
    use crate::jv;

    #[test]
    fn every_container_sees_the_kubernetes_service_and_its_own_fields() {
        let mut sim = cluster(false);
        let spec = jv!({"containers":[{"name":"c","image":"busybox:1.28","env":[
            {"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
            {"name":"GREETING","value":"hi"}]}]});
        create_pod(&mut sim, "p", spec);
        let vars = environment(&sim, &pod(&sim, "p"), "c").expect("nothing is missing");
        let ip = sim.service_ip(1);
        assert_eq!(vars.get("KUBERNETES_SERVICE_HOST"), Some(&ip));
        assert_eq!(vars.get("KUBERNETES_SERVICE_PORT").map(String::as_str), Some("443"));
        assert_eq!(vars.get("KUBERNETES_SERVICE_PORT_HTTPS").map(String::as_str), Some("443"));
        assert_eq!(vars.get("KUBERNETES_PORT"), Some(&format!("tcp://{ip}:443")));
        assert_eq!(vars.get("KUBERNETES_PORT_443_TCP_PROTO").map(String::as_str), Some("tcp"));
        assert_eq!(vars.get("POD").map(String::as_str), Some("p"));
        assert_eq!(vars.get("GREETING").map(String::as_str), Some("hi"));
    }

    #[test]
    fn a_reference_to_a_missing_config_map_is_the_kubelets_error_unless_optional() {
        let mut sim = cluster(false);
        let spec = jv!({"containers":[
            {"name":"strict","image":"busybox:1.28","env":[{"name":"X","valueFrom":{"configMapKeyRef":{"name":"nope","key":"k"}}}]},
            {"name":"lenient","image":"busybox:1.28","env":[{"name":"X","valueFrom":{"configMapKeyRef":{"name":"nope","key":"k","optional":true}}}]}]});
        create_pod(&mut sim, "p", spec);
        let p = pod(&sim, "p");
        assert_eq!(environment(&sim, &p, "strict").unwrap_err(), "configmap \"nope\" not found");
        assert_eq!(environment(&sim, &p, "lenient").expect("optional").get("X"), None);
    }
}
