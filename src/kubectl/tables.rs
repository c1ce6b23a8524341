//! The columns and cells of `kubectl get`, as the API server's table printers compute them
//! (`pkg/printers/internalversion/printers.go`, reference §5.2, §3.2, §6.1).

use crate::sim::labels::{labels_of, map_text, Selector};
use crate::sim::obj;
use crate::sim::obj::Ptr;
use crate::sim::{Kind, Sim};
use crate::support::duration::human_duration_ms;
use serde_json::Value;

/// Column headers (upper-cased) for a kind; `wide` adds the priority-1 columns.
pub fn headers(kind: Kind, wide: bool, sim: &Sim) -> Vec<String> {
    let vac = sim.profile.server_minor() >= 29;
    let mut h: Vec<&str> = match kind {
        Kind::Pod => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        Kind::StatefulSet => vec!["NAME", "READY", "AGE"],
        Kind::Deployment => vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        Kind::ReplicaSet => vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        Kind::Service => vec!["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
        Kind::Endpoints => vec!["NAME", "ENDPOINTS", "AGE"],
        Kind::EndpointSlice => vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        Kind::PersistentVolumeClaim if vac => {
            vec!["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"]
        }
        Kind::PersistentVolumeClaim => {
            vec!["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE"]
        }
        Kind::PersistentVolume if vac => vec![
            "NAME",
            "CAPACITY",
            "ACCESS MODES",
            "RECLAIM POLICY",
            "STATUS",
            "CLAIM",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "REASON",
            "AGE",
        ],
        Kind::PersistentVolume => vec![
            "NAME",
            "CAPACITY",
            "ACCESS MODES",
            "RECLAIM POLICY",
            "STATUS",
            "CLAIM",
            "STORAGECLASS",
            "REASON",
            "AGE",
        ],
        Kind::StorageClass => {
            vec!["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"]
        }
        Kind::Node => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        Kind::Event => vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        Kind::ControllerRevision => vec!["NAME", "CONTROLLER", "REVISION", "AGE"],
        Kind::Namespace => vec!["NAME", "STATUS", "AGE"],
        Kind::ConfigMap => vec!["NAME", "DATA", "AGE"],
        Kind::Secret => vec!["NAME", "TYPE", "DATA", "AGE"],
    };
    if wide {
        match kind {
            Kind::Pod => h.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]),
            Kind::StatefulSet => h.extend(["CONTAINERS", "IMAGES"]),
            Kind::Deployment | Kind::ReplicaSet => h.extend(["CONTAINERS", "IMAGES", "SELECTOR"]),
            Kind::Service => h.push("SELECTOR"),
            Kind::PersistentVolumeClaim | Kind::PersistentVolume => h.push("VOLUMEMODE"),
            Kind::Node => h.extend(["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]),
            Kind::Event => {
                h = vec![
                    "LAST SEEN",
                    "TYPE",
                    "REASON",
                    "OBJECT",
                    "SUBOBJECT",
                    "SOURCE",
                    "MESSAGE",
                    "FIRST SEEN",
                    "COUNT",
                    "NAME",
                ];
            }
            Kind::ControllerRevision => {}
            _ => {}
        }
    }
    h.into_iter().map(String::from).collect()
}

/// AGE of an object now.
pub fn age(sim: &Sim, o: &Value) -> String {
    match obj::str_at(o, "/metadata/creationTimestamp").and_then(|t| sim.ms_since(t)) {
        Some(ms) => human_duration_ms(ms),
        None => "<unknown>".into(),
    }
}

fn since(sim: &Sim, stamp: Option<&str>) -> String {
    match stamp.and_then(|t| sim.ms_since(t)) {
        Some(ms) => human_duration_ms(ms),
        None => "<unknown>".into(),
    }
}

fn n(o: &Value, ptr: &str) -> i64 {
    obj::i64_at(o, ptr).unwrap_or(0)
}

fn containers_images(o: &Value, spec_ptr: &str) -> (String, String) {
    let cs = obj::arr_at(o, &format!("{spec_ptr}/containers"));
    let names: Vec<&str> = cs.iter().filter_map(|c| c.get("name").and_then(Value::as_str)).collect();
    let images: Vec<&str> = cs.iter().filter_map(|c| c.get("image").and_then(Value::as_str)).collect();
    (names.join(","), images.join(","))
}

fn selector_text(o: &Value) -> String {
    let s = o.ptr("/spec/selector").map(Selector::from_label_selector).unwrap_or_default();
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_text()
    }
}

/// Pod STATUS, READY and RESTARTS (reference §6.1).
pub fn pod_status(sim: &Sim, p: &Value) -> (String, String, String) {
    let mut reason = obj::str_at(p, "/status/phase").unwrap_or("Pending").to_string();
    if let Some(r) = obj::str_at(p, "/status/reason").filter(|r| !r.is_empty()) {
        reason = r.to_string();
    }
    let statuses = obj::arr_at(p, "/status/containerStatuses");
    let total = obj::arr_at(p, "/spec/containers").len();
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart: Option<String> = None;
    let mut initializing = false;
    for (i, c) in obj::arr_at(p, "/status/initContainerStatuses").iter().enumerate() {
        restarts += c.get("restartCount").and_then(Value::as_i64).unwrap_or(0);
        if let Some(t) = c.ptr("/lastState/terminated/finishedAt").and_then(Value::as_str) {
            if last_restart.as_deref().is_none_or(|l| t > l) {
                last_restart = Some(t.to_string());
            }
        }
        if c.ptr("/state/terminated/exitCode").and_then(Value::as_i64) == Some(0) {
            continue;
        }
        initializing = true;
        let n_init = obj::arr_at(p, "/spec/initContainers").len();
        reason = if let Some(r) = c.ptr("/state/terminated/reason").and_then(Value::as_str).filter(|r| !r.is_empty()) {
            format!("Init:{r}")
        } else if let Some(r) =
            c.ptr("/state/waiting/reason").and_then(Value::as_str).filter(|r| !r.is_empty() && *r != "PodInitializing")
        {
            format!("Init:{r}")
        } else {
            format!("Init:{i}/{n_init}")
        };
        break;
    }
    if !initializing {
        let mut has_running = false;
        for c in statuses.iter().rev() {
            restarts += c.get("restartCount").and_then(Value::as_i64).unwrap_or(0);
            if let Some(t) = c.ptr("/lastState/terminated/finishedAt").and_then(Value::as_str) {
                if last_restart.as_deref().is_none_or(|l| t > l) {
                    last_restart = Some(t.to_string());
                }
            }
            if let Some(r) = c.ptr("/state/waiting/reason").and_then(Value::as_str).filter(|r| !r.is_empty()) {
                reason = r.to_string();
            } else if let Some(t) = c.ptr("/state/terminated") {
                reason = match t.get("reason").and_then(Value::as_str).filter(|r| !r.is_empty()) {
                    Some(r) => r.to_string(),
                    None => match t.get("signal").and_then(Value::as_i64).filter(|s| *s != 0) {
                        Some(s) => format!("Signal:{s}"),
                        None => format!("ExitCode:{}", t.get("exitCode").and_then(Value::as_i64).unwrap_or(0)),
                    },
                };
            } else if c.ptr("/state/running").is_some() && c.get("ready").and_then(Value::as_bool) == Some(true) {
                has_running = true;
                ready += 1;
            } else if c.ptr("/state/running").is_some() {
                has_running = true;
            }
        }
        if reason == "Completed" && has_running {
            reason = if obj::condition_true(p, "Ready") { "Running".into() } else { "NotReady".into() };
        }
    }
    if obj::is_deleting(p) {
        let phase = obj::str_at(p, "/status/phase").unwrap_or("");
        if obj::str_at(p, "/status/reason") == Some("NodeLost") {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }
    let restarts_text = match (restarts, last_restart) {
        (r, Some(t)) if r > 0 => format!("{r} ({} ago)", since(sim, Some(&t))),
        (r, _) => r.to_string(),
    };
    (format!("{ready}/{total}"), reason, restarts_text)
}

fn access_modes(modes: &[Value]) -> String {
    let have: Vec<&str> = modes.iter().filter_map(Value::as_str).collect();
    [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")]
        .iter()
        .filter(|(m, _)| have.contains(m))
        .map(|(_, s)| *s)
        .collect::<Vec<_>>()
        .join(",")
}

fn svc_ports(o: &Value) -> String {
    let ports: Vec<String> = obj::arr_at(o, "/spec/ports")
        .iter()
        .map(|p| {
            let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
            let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
            match p.get("nodePort").and_then(Value::as_i64) {
                Some(np) if np > 0 => format!("{port}:{np}/{proto}"),
                _ => format!("{port}/{proto}"),
            }
        })
        .collect();
    if ports.is_empty() {
        "<none>".into()
    } else {
        ports.join(",")
    }
}

fn endpoints_text(o: &Value) -> String {
    let subsets = obj::arr_at(o, "/subsets");
    if subsets.is_empty() {
        return "<none>".into();
    }
    let mut list = Vec::new();
    let mut count = 0;
    // formatEndpoints: each port, and under it each address.
    for s in subsets {
        let ports = obj::arr_at(s, "/ports");
        let addresses = obj::arr_at(s, "/addresses");
        if ports.is_empty() {
            for a in addresses {
                count += 1;
                if list.len() < 3 {
                    list.push(a.get("ip").and_then(Value::as_str).unwrap_or("").to_string());
                }
            }
        }
        for p in ports {
            for a in addresses {
                let ip = a.get("ip").and_then(Value::as_str).unwrap_or("");
                count += 1;
                if list.len() < 3 {
                    list.push(format!("{ip}:{}", p.get("port").and_then(Value::as_i64).unwrap_or(0)));
                }
            }
        }
    }
    let mut t = list.join(",");
    if count > 3 {
        t.push_str(&format!(" + {} more...", count - 3));
    }
    t
}

/// The cells of one row (without any kind prefix on the name).
pub fn row(sim: &Sim, kind: Kind, o: &Value, wide: bool) -> Vec<String> {
    let name = obj::name(o).to_string();
    let vac = sim.profile.server_minor() >= 29;
    let mut r: Vec<String> = match kind {
        Kind::Pod => {
            let (ready, status, restarts) = pod_status(sim, o);
            vec![name, ready, status, restarts, age(sim, o)]
        }
        Kind::StatefulSet => {
            vec![name, format!("{}/{}", n(o, "/status/readyReplicas"), n(o, "/spec/replicas")), age(sim, o)]
        }
        Kind::Deployment => vec![
            name,
            format!("{}/{}", n(o, "/status/readyReplicas"), n(o, "/spec/replicas")),
            n(o, "/status/updatedReplicas").to_string(),
            n(o, "/status/availableReplicas").to_string(),
            age(sim, o),
        ],
        Kind::ReplicaSet => vec![
            name,
            n(o, "/spec/replicas").to_string(),
            n(o, "/status/replicas").to_string(),
            n(o, "/status/readyReplicas").to_string(),
            age(sim, o),
        ],
        Kind::Service => {
            let ty = obj::str_at(o, "/spec/type").unwrap_or("ClusterIP").to_string();
            let cip = obj::arr_at(o, "/spec/clusterIPs")
                .first()
                .and_then(Value::as_str)
                .or(obj::str_at(o, "/spec/clusterIP"))
                .unwrap_or("<none>")
                .to_string();
            let ext = match ty.as_str() {
                "LoadBalancer" => {
                    let ing: Vec<String> = obj::arr_at(o, "/status/loadBalancer/ingress")
                        .iter()
                        .filter_map(|i| i.get("ip").or(i.get("hostname")).and_then(Value::as_str).map(String::from))
                        .collect();
                    if ing.is_empty() {
                        "<pending>".into()
                    } else {
                        ing.join(",")
                    }
                }
                "ExternalName" => obj::str_at(o, "/spec/externalName").unwrap_or("<none>").to_string(),
                _ => {
                    let ext: Vec<&str> = obj::arr_at(o, "/spec/externalIPs").iter().filter_map(Value::as_str).collect();
                    if ext.is_empty() {
                        "<none>".into()
                    } else {
                        ext.join(",")
                    }
                }
            };
            vec![name, ty, cip, ext, svc_ports(o), age(sim, o)]
        }
        Kind::Endpoints => vec![name, endpoints_text(o), age(sim, o)],
        Kind::EndpointSlice => {
            let ports: Vec<String> = obj::arr_at(o, "/ports")
                .iter()
                .filter_map(|p| p.get("port").and_then(Value::as_i64))
                .map(|p| p.to_string())
                .collect();
            let addrs: Vec<String> = obj::arr_at(o, "/endpoints")
                .iter()
                .flat_map(|e| {
                    obj::arr_at(e, "/addresses").iter().filter_map(|a| a.as_str().map(String::from)).collect::<Vec<_>>()
                })
                .collect();
            let mut a = addrs.iter().take(3).cloned().collect::<Vec<_>>().join(",");
            if addrs.len() > 3 {
                a.push_str(&format!(" + {} more...", addrs.len() - 3));
            }
            vec![
                name,
                obj::str_at(o, "/addressType").unwrap_or("").to_string(),
                if ports.is_empty() { "<unset>".into() } else { ports.join(",") },
                if addrs.is_empty() { "<unset>".into() } else { a },
                age(sim, o),
            ]
        }
        Kind::PersistentVolumeClaim => {
            let status = if obj::is_deleting(o) {
                "Terminating".to_string()
            } else {
                obj::str_at(o, "/status/phase").unwrap_or("").to_string()
            };
            let vol = obj::str_at(o, "/spec/volumeName").unwrap_or("").to_string();
            let (cap, modes) = if vol.is_empty() {
                (String::new(), String::new())
            } else {
                (
                    obj::str_at(o, "/status/capacity/storage").unwrap_or("").to_string(),
                    access_modes(obj::arr_at(o, "/status/accessModes")),
                )
            };
            let class = obj::annotation(o, "volume.beta.kubernetes.io/storage-class")
                .or(obj::str_at(o, "/spec/storageClassName"))
                .unwrap_or("")
                .to_string();
            let mut r = vec![name, status, vol, cap, modes, class];
            if vac {
                r.push(obj::str_at(o, "/spec/volumeAttributesClassName").unwrap_or("<unset>").to_string());
            }
            r.push(age(sim, o));
            r
        }
        Kind::PersistentVolume => {
            let claim = match (obj::str_at(o, "/spec/claimRef/namespace"), obj::str_at(o, "/spec/claimRef/name")) {
                (Some(ns), Some(n)) => format!("{ns}/{n}"),
                _ => String::new(),
            };
            let status = if obj::is_deleting(o) {
                "Terminating".to_string()
            } else {
                obj::str_at(o, "/status/phase").unwrap_or("").to_string()
            };
            let cap = o
                .ptr("/spec/capacity/storage")
                .map(|v| v.as_str().map(String::from).unwrap_or_else(|| v.to_string()))
                .unwrap_or_default();
            let mut r = vec![
                name,
                cap,
                access_modes(obj::arr_at(o, "/spec/accessModes")),
                obj::str_at(o, "/spec/persistentVolumeReclaimPolicy").unwrap_or("").to_string(),
                status,
                claim,
                obj::str_at(o, "/spec/storageClassName").unwrap_or("").to_string(),
            ];
            if vac {
                r.push(obj::str_at(o, "/spec/volumeAttributesClassName").unwrap_or("<unset>").to_string());
            }
            r.push(obj::str_at(o, "/status/reason").unwrap_or("").to_string());
            r.push(age(sim, o));
            r
        }
        Kind::StorageClass => {
            let default = obj::annotation(o, "storageclass.kubernetes.io/is-default-class") == Some("true");
            vec![
                if default { format!("{name} (default)") } else { name },
                obj::str_at(o, "/provisioner").unwrap_or("").to_string(),
                obj::str_at(o, "/reclaimPolicy").unwrap_or("Delete").to_string(),
                obj::str_at(o, "/volumeBindingMode").unwrap_or("Immediate").to_string(),
                obj::bool_at(o, "/allowVolumeExpansion").unwrap_or(false).to_string(),
                age(sim, o),
            ]
        }
        Kind::Node => {
            let ready = obj::arr_at(o, "/status/conditions")
                .iter()
                .any(|c| obj::str_at(c, "/type") == Some("Ready") && obj::str_at(c, "/status") == Some("True"));
            let mut status = if ready { "Ready".to_string() } else { "NotReady".to_string() };
            if obj::bool_at(o, "/spec/unschedulable") == Some(true) {
                status.push_str(",SchedulingDisabled");
            }
            let roles: Vec<String> = labels_of(o)
                .keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/").map(String::from))
                .collect();
            vec![
                name,
                status,
                if roles.is_empty() { "<none>".into() } else { roles.join(",") },
                age(sim, o),
                obj::str_at(o, "/status/nodeInfo/kubeletVersion").unwrap_or("").to_string(),
            ]
        }
        Kind::Event => {
            // printEvent: the last time only (the `(xN over ...)` form is describe's and
            // `kubectl events`'); a never-repeated event's first.
            let first = since(sim, obj::str_at(o, "/firstTimestamp").or(obj::str_at(o, "/eventTime")));
            let last_seen = obj::str_at(o, "/lastTimestamp").map_or(first, |t| since(sim, Some(t)));
            let object = format!(
                "{}/{}",
                obj::str_at(o, "/involvedObject/kind").unwrap_or("").to_ascii_lowercase(),
                obj::str_at(o, "/involvedObject/name").unwrap_or("")
            );
            vec![
                last_seen,
                obj::str_at(o, "/type").unwrap_or("").to_string(),
                obj::str_at(o, "/reason").unwrap_or("").to_string(),
                object,
                obj::str_at(o, "/message").unwrap_or("").to_string(),
            ]
        }
        Kind::ControllerRevision => {
            let ctrl = obj::controller_ref(o)
                .map(|r| {
                    format!(
                        "{}/{}",
                        Kind::from_api(
                            r.get("apiVersion").and_then(Value::as_str).unwrap_or(""),
                            r.get("kind").and_then(Value::as_str).unwrap_or("")
                        )
                        .map(|k| k.qualified_singular())
                        .unwrap_or_default(),
                        r.get("name").and_then(Value::as_str).unwrap_or("")
                    )
                })
                .unwrap_or_else(|| "<none>".into());
            vec![name, ctrl, n(o, "/revision").to_string(), age(sim, o)]
        }
        Kind::Namespace => vec![name, obj::str_at(o, "/status/phase").unwrap_or("Active").to_string(), age(sim, o)],
        Kind::ConfigMap => vec![
            name,
            (o.get("data").and_then(Value::as_object).map_or(0, |m| m.len())
                + o.get("binaryData").and_then(Value::as_object).map_or(0, |m| m.len()))
            .to_string(),
            age(sim, o),
        ],
        Kind::Secret => vec![
            name,
            obj::str_at(o, "/type").unwrap_or("Opaque").to_string(),
            o.get("data").and_then(Value::as_object).map_or(0, |m| m.len()).to_string(),
            age(sim, o),
        ],
    };
    if wide {
        match kind {
            Kind::Pod => {
                r.push(
                    obj::arr_at(o, "/status/podIPs")
                        .first()
                        .and_then(|i| i.get("ip"))
                        .and_then(Value::as_str)
                        .or(obj::str_at(o, "/status/podIP"))
                        .unwrap_or("<none>")
                        .to_string(),
                );
                r.push(obj::str_at(o, "/spec/nodeName").unwrap_or("<none>").to_string());
                r.push(obj::str_at(o, "/status/nominatedNodeName").unwrap_or("<none>").to_string());
                let gates = obj::arr_at(o, "/spec/readinessGates");
                r.push(if gates.is_empty() { "<none>".into() } else { format!("0/{}", gates.len()) });
            }
            Kind::StatefulSet => {
                let (c, i) = containers_images(o, "/spec/template/spec");
                r.extend([c, i]);
            }
            Kind::Deployment | Kind::ReplicaSet => {
                let (c, i) = containers_images(o, "/spec/template/spec");
                r.extend([c, i, selector_text(o)]);
            }
            Kind::Service => {
                let sel = o
                    .ptr("/spec/selector")
                    .and_then(Value::as_object)
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
                    .unwrap_or_default();
                let t = map_text(&sel);
                r.push(if t.is_empty() { "<none>".into() } else { t });
            }
            Kind::PersistentVolumeClaim | Kind::PersistentVolume => {
                r.push(obj::str_at(o, "/spec/volumeMode").unwrap_or("Filesystem").to_string())
            }
            Kind::Node => {
                let addr = |t: &str| {
                    obj::arr_at(o, "/status/addresses")
                        .iter()
                        .find(|a| obj::str_at(a, "/type") == Some(t))
                        .and_then(|a| obj::str_at(a, "/address"))
                        .unwrap_or("<none>")
                        .to_string()
                };
                r.extend([
                    addr("InternalIP"),
                    addr("ExternalIP"),
                    obj::str_at(o, "/status/nodeInfo/osImage").unwrap_or("").to_string(),
                    obj::str_at(o, "/status/nodeInfo/kernelVersion").unwrap_or("").to_string(),
                    obj::str_at(o, "/status/nodeInfo/containerRuntimeVersion").unwrap_or("").to_string(),
                ]);
            }
            Kind::Event => {
                let last_seen = r[0].clone();
                let object = r[3].clone();
                let msg = r[4].clone();
                // formatEventSource: the component, and the host when there is one.
                let source = match (obj::str_at(o, "/source/component").unwrap_or(""), obj::str_at(o, "/source/host")) {
                    (c, Some(h)) if !h.is_empty() => format!("{c}, {h}"),
                    (c, _) => c.to_string(),
                };
                r = vec![
                    last_seen,
                    r[1].clone(),
                    r[2].clone(),
                    object,
                    obj::str_at(o, "/involvedObject/fieldPath").unwrap_or("").to_string(),
                    source,
                    msg,
                    since(sim, obj::str_at(o, "/firstTimestamp")),
                    n(o, "/count").to_string(),
                    obj::name(o).to_string(),
                ];
            }
            _ => {}
        }
    }
    r
}
