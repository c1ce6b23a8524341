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
    // The API server's Table columns (kubernetes/kubernetes pkg/printers/internalversion/
    // printers.go, not in kubectl's repo): `{Name: "VolumeAttributesClass", Type: "string",
    // Description: "VolumeAttributesClass of the pv"}` for PVs and PVCs, added for v1.29 with
    // KEP-3751, whose API came in kubernetes/kubernetes#121104 ("[KEP-3751] introduce the
    // VolumeAttributesClass API"; kubernetes.io: `feature-state for_k8s_version="v1.29"`).
    // Printed whatever the feature gate, as the column definitions are unconditional.
    let vac = sim.profile.server_minor() >= 29;
    // Static lists, not `vec!`s: a list of words is data, not code that stores each one.
    let (first, more) = match (wide, kind) {
        (true, Kind::Event) => (WIDE_EVENT_COLUMNS, &[][..]),
        (true, _) => (columns(kind, vac), wide_columns(kind)),
        (false, _) => (columns(kind, vac), &[][..]),
    };
    first.iter().chain(more).map(|c| c.to_string()).collect()
}

/// `kubectl get`'s columns of a kind.
fn columns(kind: Kind, vac: bool) -> &'static [&'static str] {
    match kind {
        Kind::Pod => &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        Kind::StatefulSet => &["NAME", "READY", "AGE"],
        Kind::Deployment => &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        Kind::ReplicaSet => &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        Kind::Service => &["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
        Kind::Endpoints => &["NAME", "ENDPOINTS", "AGE"],
        Kind::EndpointSlice => &["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        Kind::PersistentVolumeClaim if vac => {
            &["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"]
        }
        Kind::PersistentVolumeClaim => &["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE"],
        Kind::PersistentVolume if vac => &[
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
        Kind::PersistentVolume => {
            &["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "REASON", "AGE"]
        }
        Kind::StorageClass => {
            &["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"]
        }
        Kind::Node => &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        Kind::Event => &["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        Kind::ControllerRevision => &["NAME", "CONTROLLER", "REVISION", "AGE"],
        Kind::Namespace => &["NAME", "STATUS", "AGE"],
        Kind::ConfigMap => &["NAME", "DATA", "AGE"],
        Kind::Secret => &["NAME", "TYPE", "DATA", "AGE"],
        Kind::ResourceQuota => &["NAME", "AGE", "REQUEST", "LIMIT"],
        Kind::HorizontalPodAutoscaler => &["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"],
    }
}

/// The columns `-o wide` adds.
fn wide_columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Pod => &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        Kind::StatefulSet => &["CONTAINERS", "IMAGES"],
        Kind::Deployment | Kind::ReplicaSet => &["CONTAINERS", "IMAGES", "SELECTOR"],
        Kind::Service => &["SELECTOR"],
        Kind::PersistentVolumeClaim | Kind::PersistentVolume => &["VOLUMEMODE"],
        Kind::Node => &["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
        _ => &[],
    }
}

/// `kubectl get events -o wide`'s columns, which replace the narrow ones.
const WIDE_EVENT_COLUMNS: &[&str] =
    &["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT", "NAME"];

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

/// `GetAccessModesAsString`: the modes abbreviated, in its fixed order (printers and describe).
pub(crate) fn access_modes(modes: &[Value]) -> String {
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

/// The cells of one row (without any kind prefix on the name); `wide` adds the priority-1
/// columns of `headers`.
pub fn row(sim: &Sim, kind: Kind, o: &Value, wide: bool) -> Vec<String> {
    match kind {
        Kind::Pod => pod_row(sim, o, wide),
        Kind::StatefulSet => stateful_set_row(sim, o, wide),
        Kind::Deployment => deployment_row(sim, o, wide),
        Kind::ReplicaSet => replica_set_row(sim, o, wide),
        Kind::Service => service_row(sim, o, wide),
        Kind::Endpoints => vec![obj::name(o).to_string(), endpoints_text(o), age(sim, o)],
        Kind::EndpointSlice => endpoint_slice_row(sim, o),
        Kind::PersistentVolumeClaim => pvc_row(sim, o, wide),
        Kind::PersistentVolume => pv_row(sim, o, wide),
        Kind::StorageClass => storage_class_row(sim, o),
        Kind::Node => node_row(sim, o, wide),
        Kind::Event => event_row(sim, o, wide),
        Kind::ControllerRevision => controller_revision_row(sim, o),
        Kind::Namespace => {
            vec![obj::name(o).to_string(), obj::str_at(o, "/status/phase").unwrap_or("Active").to_string(), age(sim, o)]
        }
        Kind::ConfigMap => config_map_row(sim, o),
        Kind::Secret => vec![
            obj::name(o).to_string(),
            obj::str_at(o, "/type").unwrap_or("Opaque").to_string(),
            o.get("data").and_then(Value::as_object).map_or(0, |m| m.len()).to_string(),
            age(sim, o),
        ],
        Kind::ResourceQuota => resource_quota_row(sim, o),
        Kind::HorizontalPodAutoscaler => hpa_row(sim, o),
    }
}

/// printHorizontalPodAutoscaler: the target as `Kind/name`, the metrics as `current/target`,
/// MINPODS `<unset>` without a minimum, REPLICAS the status's current count.
#[inline(never)]
fn hpa_row(sim: &Sim, o: &Value) -> Vec<String> {
    let reference = format!("{}/{}", text(o, "/spec/scaleTargetRef/kind"), text(o, "/spec/scaleTargetRef/name"));
    let min = obj::i64_at(o, "/spec/minReplicas").map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    vec![
        obj::name(o).to_string(),
        reference,
        hpa_metrics(o, sim.profile.server_minor() >= 30),
        min,
        n(o, "/spec/maxReplicas").to_string(),
        n(o, "/status/currentReplicas").to_string(),
        age(sim, o),
    ]
}

/// formatHPAMetrics: each metric's `current/target` (`<unknown>` until the controller has read
/// it), at most two then `+ N more...`. From v1.30 a resource metric is prefixed with its name
/// (kubernetes/kubernetes#122804, in CHANGELOG-1.30.md: "Added metric name along with the
/// utilization information when running kubectl get hpa").
pub fn hpa_metrics(o: &Value, named: bool) -> String {
    let specs = obj::arr_at(o, "/spec/metrics");
    if specs.is_empty() {
        return "<none>".into();
    }
    let statuses = obj::arr_at(o, "/status/currentMetrics");
    let mut list: Vec<String> = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let status = statuses.get(i);
        let q = |v: Option<&Value>| v.map(|v| v.as_str().map_or_else(|| v.to_string(), String::from));
        let cur = |ptr: &str| q(status.and_then(|s| s.ptr(ptr))).unwrap_or_else(|| "<unknown>".into());
        let target = |ptr: &str| q(spec.ptr(ptr)).unwrap_or_default();
        let cell = match obj::str_at(spec, "/type") {
            Some("Pods") => format!("{}/{}", cur("/pods/current/averageValue"), target("/pods/target/averageValue")),
            Some(t @ ("Object" | "External")) => {
                let k = if t == "Object" { "object" } else { "external" };
                if spec.ptr(&format!("/{k}/target/averageValue")).is_some() {
                    let avg = format!("/{k}/target/averageValue");
                    format!("{}/{} (avg)", cur(&format!("/{k}/current/averageValue")), target(&avg))
                } else {
                    format!("{}/{}", cur(&format!("/{k}/current/value")), target(&format!("/{k}/target/value")))
                }
            }
            Some("Resource") => {
                let cell = if spec.ptr("/resource/target/averageValue").is_some() {
                    format!("{}/{}", cur("/resource/current/averageValue"), target("/resource/target/averageValue"))
                } else {
                    let pct = |v: Option<i64>, none: &str| v.map_or_else(|| none.to_string(), |p| format!("{p}%"));
                    let now =
                        pct(status.and_then(|s| obj::i64_at(s, "/resource/current/averageUtilization")), "<unknown>");
                    format!("{now}/{}", pct(obj::i64_at(spec, "/resource/target/averageUtilization"), "<auto>"))
                };
                if named {
                    format!("{}: {cell}", text(spec, "/resource/name"))
                } else {
                    cell
                }
            }
            _ => "<unknown type>".into(),
        };
        list.push(cell);
    }
    let count = list.len();
    if count > 2 {
        list.truncate(2);
        return format!("{} + {} more...", list.join(", "), count - 2);
    }
    list.join(", ")
}

/// printResourceQuota: `resource: used/hard` for each hard resource in name order, those
/// named `limits.*` in LIMIT and the rest in REQUEST.
#[inline(never)]
fn resource_quota_row(sim: &Sim, o: &Value) -> Vec<String> {
    let hard = o.ptr("/status/hard").and_then(Value::as_object);
    let mut names: Vec<&String> = hard.map(|h| h.keys().collect()).unwrap_or_default();
    crate::support::sort::sort(&mut names);
    let (mut request, mut limit) = (Vec::new(), Vec::new());
    for n in names {
        let q = |at: &str| o.ptr(&format!("/status/{at}")).and_then(|m| m.get(n.as_str())).and_then(Value::as_str);
        let cell = format!("{n}: {}/{}", q("used").unwrap_or("0"), q("hard").unwrap_or("0"));
        if n.split('.').count() > 1 && n.starts_with("limits.") { &mut limit } else { &mut request }.push(cell);
    }
    vec![obj::name(o).to_string(), age(sim, o), request.join(", "), limit.join(", ")]
}

/// A string field, or `""` when it is missing.
fn text(o: &Value, ptr: &str) -> String {
    obj::str_at(o, ptr).unwrap_or("").to_string()
}

/// `ready/desired` replicas, the READY of the workloads.
fn ready_of_desired(o: &Value) -> String {
    format!("{}/{}", n(o, "/status/readyReplicas"), n(o, "/spec/replicas"))
}

/// A list joined with commas, or `none` when it is empty.
fn joined_or(items: &[String], none: &str) -> String {
    if items.is_empty() {
        none.into()
    } else {
        items.join(",")
    }
}

/// A pod's row: READY, STATUS, RESTARTS; wide, its IP, node, nominated node and readiness gates.
#[inline(never)]
fn pod_row(sim: &Sim, o: &Value, wide: bool) -> Vec<String> {
    let (ready, status, restarts) = pod_status(sim, o);
    let mut r = vec![obj::name(o).to_string(), ready, status, restarts, age(sim, o)];
    if wide {
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
    r
}

/// A statefulset's row; wide, its template's containers and images.
#[inline(never)]
fn stateful_set_row(sim: &Sim, o: &Value, wide: bool) -> Vec<String> {
    let mut r = vec![obj::name(o).to_string(), ready_of_desired(o), age(sim, o)];
    if wide {
        let (c, i) = containers_images(o, "/spec/template/spec");
        r.extend([c, i]);
    }
    r
}

/// A deployment's row; wide, its template's containers and images and its selector.
#[inline(never)]
fn deployment_row(sim: &Sim, o: &Value, wide: bool) -> Vec<String> {
    let mut r = vec![
        obj::name(o).to_string(),
        ready_of_desired(o),
        n(o, "/status/updatedReplicas").to_string(),
        n(o, "/status/availableReplicas").to_string(),
        age(sim, o),
    ];
    if wide {
        let (c, i) = containers_images(o, "/spec/template/spec");
        r.extend([c, i, selector_text(o)]);
    }
    r
}

/// A replicaset's row; wide, its template's containers and images and its selector.
#[inline(never)]
fn replica_set_row(sim: &Sim, o: &Value, wide: bool) -> Vec<String> {
    let mut r = vec![
        obj::name(o).to_string(),
        n(o, "/spec/replicas").to_string(),
        n(o, "/status/replicas").to_string(),
        n(o, "/status/readyReplicas").to_string(),
        age(sim, o),
    ];
    if wide {
        let (c, i) = containers_images(o, "/spec/template/spec");
        r.extend([c, i, selector_text(o)]);
    }
    r
}

/// A service's row; wide, its selector.
#[inline(never)]
fn service_row(sim: &Sim, o: &Value, wide: bool) -> Vec<String> {
    let ty = obj::str_at(o, "/spec/type").unwrap_or("ClusterIP").to_string();
    let cip = obj::arr_at(o, "/spec/clusterIPs")
        .first()
        .and_then(Value::as_str)
        .or(obj::str_at(o, "/spec/clusterIP"))
        .unwrap_or("<none>")
        .to_string();
    let ext = svc_external_ip(o, &ty);
    let mut r = vec![obj::name(o).to_string(), ty, cip, ext, svc_ports(o), age(sim, o)];
    if wide {
        let sel = o
            .ptr("/spec/selector")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
            .unwrap_or_default();
        let t = map_text(&sel);
        r.push(if t.is_empty() { "<none>".into() } else { t });
    }
    r
}

/// A service's EXTERNAL-IP: a load balancer's ingress (`<pending>` until it has one), an
/// ExternalName's name, or the external IPs.
fn svc_external_ip(o: &Value, ty: &str) -> String {
    match ty {
        "LoadBalancer" => {
            let ing: Vec<String> = obj::arr_at(o, "/status/loadBalancer/ingress")
                .iter()
                .filter_map(|i| i.get("ip").or(i.get("hostname")).and_then(Value::as_str).map(String::from))
                .collect();
            joined_or(&ing, "<pending>")
        }
        "ExternalName" => obj::str_at(o, "/spec/externalName").unwrap_or("<none>").to_string(),
        _ => {
            let ext: Vec<String> =
                obj::arr_at(o, "/spec/externalIPs").iter().filter_map(Value::as_str).map(String::from).collect();
            joined_or(&ext, "<none>")
        }
    }
}

/// An endpointslice's row: its ports, and its first three addresses and how many more.
#[inline(never)]
fn endpoint_slice_row(sim: &Sim, o: &Value) -> Vec<String> {
    let ports: Vec<String> = obj::arr_at(o, "/ports")
        .iter()
        .filter_map(|p| p.get("port").and_then(Value::as_i64))
        .map(|p| p.to_string())
        .collect();
    let addrs: Vec<String> = obj::arr_at(o, "/endpoints")
        .iter()
        .flat_map(|e| obj::arr_at(e, "/addresses").iter().filter_map(|a| a.as_str().map(String::from)))
        .collect();
    let mut a = addrs.iter().take(3).cloned().collect::<Vec<_>>().join(",");
    if addrs.len() > 3 {
        a.push_str(&format!(" + {} more...", addrs.len() - 3));
    }
    vec![
        obj::name(o).to_string(),
        text(o, "/addressType"),
        joined_or(&ports, "<unset>"),
        if addrs.is_empty() { "<unset>".into() } else { a },
        age(sim, o),
    ]
}

/// A volume's or claim's STATUS: its phase, or Terminating once it is being deleted.
fn volume_status(o: &Value) -> String {
    if obj::is_deleting(o) {
        "Terminating".to_string()
    } else {
        text(o, "/status/phase")
    }
}

/// The VOLUMEATTRIBUTESCLASS column (servers from 1.29).
fn volume_attributes_class(o: &Value) -> String {
    obj::str_at(o, "/spec/volumeAttributesClassName").unwrap_or("<unset>").to_string()
}

/// The VOLUMEMODE column of a wide volume or claim.
fn volume_mode(o: &Value) -> String {
    obj::str_at(o, "/spec/volumeMode").unwrap_or("Filesystem").to_string()
}

/// A claim's row: capacity and access modes once it is bound to a volume.
#[inline(never)]
fn pvc_row(sim: &Sim, o: &Value, wide: bool) -> Vec<String> {
    let vol = text(o, "/spec/volumeName");
    let (cap, modes) = if vol.is_empty() {
        (String::new(), String::new())
    } else {
        (text(o, "/status/capacity/storage"), access_modes(obj::arr_at(o, "/status/accessModes")))
    };
    let class = obj::annotation(o, "volume.beta.kubernetes.io/storage-class")
        .or(obj::str_at(o, "/spec/storageClassName"))
        .unwrap_or("")
        .to_string();
    let mut r = vec![obj::name(o).to_string(), volume_status(o), vol, cap, modes, class];
    // printers.go's VolumeAttributesClass cell, from v1.29 (#121104; see `headers`).
    if sim.profile.server_minor() >= 29 {
        r.push(volume_attributes_class(o));
    }
    r.push(age(sim, o));
    if wide {
        r.push(volume_mode(o));
    }
    r
}

/// A volume's row: its claim as `namespace/name`.
#[inline(never)]
fn pv_row(sim: &Sim, o: &Value, wide: bool) -> Vec<String> {
    let claim = match (obj::str_at(o, "/spec/claimRef/namespace"), obj::str_at(o, "/spec/claimRef/name")) {
        (Some(ns), Some(n)) => format!("{ns}/{n}"),
        _ => String::new(),
    };
    let cap = o
        .ptr("/spec/capacity/storage")
        .map(|v| v.as_str().map(String::from).unwrap_or_else(|| v.to_string()))
        .unwrap_or_default();
    let mut r = vec![
        obj::name(o).to_string(),
        cap,
        access_modes(obj::arr_at(o, "/spec/accessModes")),
        text(o, "/spec/persistentVolumeReclaimPolicy"),
        volume_status(o),
        claim,
        text(o, "/spec/storageClassName"),
    ];
    // printers.go's VolumeAttributesClass cell, from v1.29 (#121104; see `headers`).
    if sim.profile.server_minor() >= 29 {
        r.push(volume_attributes_class(o));
    }
    r.push(text(o, "/status/reason"));
    r.push(age(sim, o));
    if wide {
        r.push(volume_mode(o));
    }
    r
}

/// A storage class's row: the default class's name says so.
#[inline(never)]
fn storage_class_row(sim: &Sim, o: &Value) -> Vec<String> {
    let name = obj::name(o).to_string();
    let default = obj::annotation(o, "storageclass.kubernetes.io/is-default-class") == Some("true");
    vec![
        if default { format!("{name} (default)") } else { name },
        text(o, "/provisioner"),
        obj::str_at(o, "/reclaimPolicy").unwrap_or("Delete").to_string(),
        obj::str_at(o, "/volumeBindingMode").unwrap_or("Immediate").to_string(),
        obj::bool_at(o, "/allowVolumeExpansion").unwrap_or(false).to_string(),
        age(sim, o),
    ]
}

/// A node's row: Ready or NotReady (and SchedulingDisabled when cordoned), its roles from the
/// `node-role.kubernetes.io/` labels; wide, its addresses and system info.
#[inline(never)]
fn node_row(sim: &Sim, o: &Value, wide: bool) -> Vec<String> {
    let ready = obj::arr_at(o, "/status/conditions")
        .iter()
        .any(|c| obj::str_at(c, "/type") == Some("Ready") && obj::str_at(c, "/status") == Some("True"));
    let mut status = if ready { "Ready".to_string() } else { "NotReady".to_string() };
    if obj::bool_at(o, "/spec/unschedulable") == Some(true) {
        status.push_str(",SchedulingDisabled");
    }
    let roles: Vec<String> =
        labels_of(o).keys().filter_map(|k| k.strip_prefix("node-role.kubernetes.io/").map(String::from)).collect();
    let mut r = vec![
        obj::name(o).to_string(),
        status,
        joined_or(&roles, "<none>"),
        age(sim, o),
        text(o, "/status/nodeInfo/kubeletVersion"),
    ];
    if wide {
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
            text(o, "/status/nodeInfo/osImage"),
            text(o, "/status/nodeInfo/kernelVersion"),
            text(o, "/status/nodeInfo/containerRuntimeVersion"),
        ]);
    }
    r
}

/// An event's row; wide, with its subobject, source, first time, count and name too.
#[inline(never)]
fn event_row(sim: &Sim, o: &Value, wide: bool) -> Vec<String> {
    // printEvent: the last time only (the `(xN over ...)` form is describe's and
    // `kubectl events`'); a never-repeated event's first; a series' last observed time and
    // count; an events.k8s.io singleton (no count) counts 1.
    let first = since(sim, obj::str_at(o, "/firstTimestamp").or(obj::str_at(o, "/eventTime")));
    let mut last_seen = obj::str_at(o, "/lastTimestamp").map_or_else(|| first.clone(), |t| since(sim, Some(t)));
    let mut count = obj::i64_at(o, "/count").unwrap_or(0);
    if let Some(n) = obj::i64_at(o, "/series/count") {
        last_seen = since(sim, obj::str_at(o, "/series/lastObservedTime"));
        count = n;
    } else if count == 0 {
        count = 1;
    }
    let object = format!(
        "{}/{}",
        obj::str_at(o, "/involvedObject/kind").unwrap_or("").to_ascii_lowercase(),
        obj::str_at(o, "/involvedObject/name").unwrap_or("")
    );
    if !wide {
        return vec![last_seen, text(o, "/type"), text(o, "/reason"), object, text(o, "/message")];
    }
    // formatEventSource: the component (or reporting controller), and the host (or reporting
    // instance) when there is one.
    let either =
        |a: &str, b: &str| obj::str_at(o, a).filter(|s| !s.is_empty()).or(obj::str_at(o, b)).unwrap_or("").to_string();
    let (component, host) =
        (either("/source/component", "/reportingComponent"), either("/source/host", "/reportingInstance"));
    let source = if host.is_empty() { component } else { format!("{component}, {host}") };
    vec![
        last_seen,
        text(o, "/type"),
        text(o, "/reason"),
        object,
        text(o, "/involvedObject/fieldPath"),
        source,
        text(o, "/message"),
        first,
        count.to_string(),
        obj::name(o).to_string(),
    ]
}

/// A controller revision's row: its controller as `kind.group/name`.
#[inline(never)]
fn controller_revision_row(sim: &Sim, o: &Value) -> Vec<String> {
    let ctrl = obj::controller_ref(o)
        .map(|r| {
            let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
            let kind = Kind::from_api(s("apiVersion"), s("kind")).map(|k| k.qualified_singular()).unwrap_or_default();
            format!("{kind}/{}", s("name"))
        })
        .unwrap_or_else(|| "<none>".into());
    vec![obj::name(o).to_string(), ctrl, n(o, "/revision").to_string(), age(sim, o)]
}

/// A config map's row: DATA counts its data and binary data keys.
#[inline(never)]
fn config_map_row(sim: &Sim, o: &Value) -> Vec<String> {
    let keys = |field: &str| o.get(field).and_then(Value::as_object).map_or(0, |m| m.len());
    vec![obj::name(o).to_string(), (keys("data") + keys("binaryData")).to_string(), age(sim, o)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn external_ip_by_service_type() {
        let lb = json!({"status": {"loadBalancer": {"ingress": [{"ip": "10.0.0.9"}, {"hostname": "lb.example"}]}}});
        assert_eq!(svc_external_ip(&lb, "LoadBalancer"), "10.0.0.9,lb.example");
        assert_eq!(svc_external_ip(&json!({}), "LoadBalancer"), "<pending>");
        let en = json!({"spec": {"externalName": "db.example.com"}});
        assert_eq!(svc_external_ip(&en, "ExternalName"), "db.example.com");
        assert_eq!(svc_external_ip(&json!({}), "ClusterIP"), "<none>");
        let ext = json!({"spec": {"externalIPs": ["1.2.3.4", "5.6.7.8"]}});
        assert_eq!(svc_external_ip(&ext, "NodePort"), "1.2.3.4,5.6.7.8");
    }

    #[test]
    fn volume_status_says_terminating_while_deleting() {
        assert_eq!(volume_status(&json!({"status": {"phase": "Bound"}})), "Bound");
        let deleting = json!({"metadata": {"deletionTimestamp": "2024-01-01T00:00:00Z"}, "status": {"phase": "Bound"}});
        assert_eq!(volume_status(&deleting), "Terminating");
    }
}
