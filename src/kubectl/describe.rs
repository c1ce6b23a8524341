//! `kubectl describe` for pods, StatefulSets, Deployments, Services, PVCs and PVs, with the
//! object's events at the bottom. Layout follows `pkg/describe/describe.go`: a Go tabwriter
//! with padding 2, whose column blocks are runs of consecutive lines.

use super::args::{self, f, Flag};
use super::errors::Error;
use super::get::resolve;
use super::Ctx;
use crate::sim::labels::Selector;
use crate::sim::obj::Ptr;
use crate::sim::{obj, Kind, ObjKey, Sim};
use crate::support::duration::human_duration_ms;
use crate::support::gotime::rfc1123z;
use crate::support::tabwriter::{self, TabWriter};
use serde_json::Value;

const FLAGS: &[Flag] = &[
    f("selector", Some('l'), true),
    f("all-namespaces", Some('A'), false),
    f("show-events", None, true),
    f("filename", Some('f'), true),
];

/// Lines of tab-separated cells, formatted by Go's text/tabwriter as describe sets it up.
#[derive(Default)]
struct Doc {
    lines: Vec<Vec<String>>,
}

impl Doc {
    /// Writes a line at an indent level (2 spaces per level); `\t` separates cells.
    fn w(&mut self, level: usize, text: &str) {
        let line = format!("{}{}", "  ".repeat(level), text);
        self.lines.push(line.split('\t').map(String::from).collect());
    }

    fn render(&self) -> String {
        TabWriter::with(tabwriter::DESCRIBE).flush(&self.lines)
    }
}

fn map_lines(d: &mut Doc, level: usize, title: &str, m: Option<&Value>, skip: &[&str]) {
    let entries: Vec<(String, String)> = m
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(k, _)| !skip.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.as_str().map(String::from).unwrap_or_else(|| v.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let sep = if title.starts_with("Annotations") { ": " } else { "=" };
    if entries.is_empty() {
        d.w(level, &format!("{title}\t<none>"));
        return;
    }
    for (i, (k, v)) in entries.iter().enumerate() {
        if i == 0 {
            d.w(level, &format!("{title}\t{k}{sep}{v}"));
        } else {
            d.w(level, &format!("\t{k}{sep}{v}"));
        }
    }
}

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

fn events(sim: &Sim, d: &mut Doc, o: &Value) {
    let uid = obj::uid(o);
    let ns = obj::namespace(o);
    let ns = if ns.is_empty() { "default" } else { ns };
    let mut evs: Vec<&Value> = sim
        .store
        .list(Kind::Event, Some(ns))
        .map(|(_, e)| e)
        .filter(|e| obj::str_at(e, "/involvedObject/uid") == Some(uid))
        .collect();
    crate::support::sort::sort_by_key(&mut evs, |e| obj::str_at(e, "/lastTimestamp").unwrap_or("").to_string());
    if evs.is_empty() {
        d.w(0, "Events:\t<none>");
        return;
    }
    d.w(0, "Events:");
    d.w(1, "Type\tReason\tAge\tFrom\tMessage");
    d.w(1, "----\t------\t----\t----\t-------");
    for e in evs {
        let since = |p: &str| {
            obj::str_at(e, p).and_then(|t| sim.ms_since(t)).map(human_duration_ms).unwrap_or_else(|| "<unknown>".into())
        };
        let count = obj::i64_at(e, "/count").unwrap_or(1);
        let age = if count > 1 {
            format!("{} (x{count} over {})", since("/lastTimestamp"), since("/firstTimestamp"))
        } else {
            since("/firstTimestamp")
        };
        d.w(
            1,
            &format!(
                "{}\t{}\t{age}\t{}\t{}",
                obj::str_at(e, "/type").unwrap_or(""),
                obj::str_at(e, "/reason").unwrap_or(""),
                obj::str_at(e, "/source/component").unwrap_or(""),
                obj::str_at(e, "/message").unwrap_or("").trim()
            ),
        );
    }
}

fn container_lines(d: &mut Doc, level: usize, c: &Value, status: Option<&Value>, sim: &Sim, pod: Option<&Value>) {
    d.w(level, &format!("{}:", obj::str_at(c, "/name").unwrap_or("")));
    let l = level + 1;
    // describeContainerBasicInfo: with a status, its container ID, empty while it waits.
    if let Some(s) = status {
        d.w(l, &format!("Container ID:\t{}", obj::str_at(s, "/containerID").unwrap_or("")));
    }
    d.w(l, &format!("Image:\t{}", obj::str_at(c, "/image").unwrap_or("")));
    if let Some(s) = status {
        d.w(l, &format!("Image ID:\t{}", obj::str_at(s, "/imageID").unwrap_or("")));
    }
    let ports = obj::arr_at(c, "/ports");
    if ports.is_empty() {
        d.w(l, "Port:\t<none>");
        d.w(l, "Host Port:\t<none>");
    } else {
        let p: Vec<String> = ports
            .iter()
            .map(|p| {
                format!(
                    "{}/{}",
                    obj::i64_at(p, "/containerPort").unwrap_or(0),
                    obj::str_at(p, "/protocol").unwrap_or("TCP")
                )
            })
            .collect();
        let h: Vec<String> = ports
            .iter()
            .map(|p| {
                format!("{}/{}", obj::i64_at(p, "/hostPort").unwrap_or(0), obj::str_at(p, "/protocol").unwrap_or("TCP"))
            })
            .collect();
        d.w(l, &format!("{}:\t{}", if ports.len() > 1 { "Ports" } else { "Port" }, p.join(", ")));
        d.w(l, &format!("{}:\t{}", if ports.len() > 1 { "Host Ports" } else { "Host Port" }, h.join(", ")));
    }
    for (field, title) in [("/command", "Command"), ("/args", "Args")] {
        let v = obj::arr_at(c, field);
        if !v.is_empty() {
            d.w(l, &format!("{title}:"));
            for a in v {
                d.w(l + 1, a.as_str().unwrap_or(""));
            }
        }
    }
    if let Some(s) = status {
        state_lines(d, l, "State", s.get("state"), sim);
        if s.ptr("/lastState/terminated").is_some() {
            state_lines(d, l, "Last State", s.get("lastState"), sim);
        }
        d.w(l, &format!("Ready:\t{}", if obj::bool_at(s, "/ready") == Some(true) { "True" } else { "False" }));
        d.w(l, &format!("Restart Count:\t{}", obj::i64_at(s, "/restartCount").unwrap_or(0)));
    }
    // describeContainerResource: limits, then requests, each by resource name.
    for (field, title) in [("/resources/limits", "Limits"), ("/resources/requests", "Requests")] {
        if let Some(m) = c.ptr(field).and_then(Value::as_object).filter(|m| !m.is_empty()) {
            d.w(l, &format!("{title}:"));
            for (name, q) in m {
                let q = q.as_str().map(String::from).unwrap_or_else(|| q.to_string());
                d.w(l + 1, &format!("{name}:\t{q}"));
            }
        }
    }
    for (field, title) in
        [("/livenessProbe", "Liveness"), ("/readinessProbe", "Readiness"), ("/startupProbe", "Startup")]
    {
        if let Some(p) = c.ptr(field) {
            d.w(l, &format!("{title}:\t{}", describe_probe(p)));
        }
    }
    // describeContainerEnvFrom.
    let env_from = obj::arr_at(c, "/envFrom");
    if !env_from.is_empty() {
        d.w(l, "Environment Variables from:");
        for e in env_from {
            let (from, r) = if let Some(r) = e.get("configMapRef") {
                ("ConfigMap", r)
            } else if let Some(r) = e.get("secretRef") {
                ("Secret", r)
            } else {
                ("", e)
            };
            let optional = obj::bool_at(r, "/optional").unwrap_or(false);
            let name = obj::str_at(r, "/name").unwrap_or("");
            match obj::str_at(e, "/prefix").filter(|p| !p.is_empty()) {
                None => d.w(l + 1, &format!("{name}\t{from}\tOptional: {optional}")),
                Some(prefix) => d.w(l + 1, &format!("{name}\t{from} with prefix '{prefix}'\tOptional: {optional}")),
            }
        }
    }
    // describeContainerEnvVars: values as given, references as where they come from.
    let env = obj::arr_at(c, "/env");
    if env.is_empty() {
        d.w(l, "Environment:\t<none>");
    } else {
        d.w(l, "Environment:");
        for e in env {
            let name = obj::str_at(e, "/name").unwrap_or("");
            let Some(from) = e.get("valueFrom") else {
                for (i, line) in obj::str_at(e, "/value").unwrap_or("").split('\n').enumerate() {
                    d.w(l + 1, &if i == 0 { format!("{name}:\t{line}") } else { format!("\t{line}") });
                }
                continue;
            };
            let text = |p: &str| obj::str_at(from, p).unwrap_or("").to_string();
            if from.get("fieldRef").is_some() {
                // A pod resolves the field; a template has nothing to resolve it against.
                let value = pod.map(|p| field_value(p, &text("/fieldRef/fieldPath"))).unwrap_or_default();
                let version = obj::str_at(from, "/fieldRef/apiVersion").unwrap_or("v1");
                d.w(l + 1, &format!("{name}:\t{value} ({version}:{})", text("/fieldRef/fieldPath")));
            } else if from.get("resourceFieldRef").is_some() {
                d.w(l + 1, &format!("{name}:\t ({})", text("/resourceFieldRef/resource")));
            } else if from.get("secretKeyRef").is_some() {
                let optional = obj::bool_at(from, "/secretKeyRef/optional").unwrap_or(false);
                d.w(
                    l + 1,
                    &format!(
                        "{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {optional}",
                        text("/secretKeyRef/key"),
                        text("/secretKeyRef/name")
                    ),
                );
            } else if from.get("configMapKeyRef").is_some() {
                let optional = obj::bool_at(from, "/configMapKeyRef/optional").unwrap_or(false);
                d.w(
                    l + 1,
                    &format!(
                        "{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {optional}",
                        text("/configMapKeyRef/key"),
                        text("/configMapKeyRef/name")
                    ),
                );
            }
        }
    }
    let mounts = obj::arr_at(c, "/volumeMounts");
    if mounts.is_empty() {
        d.w(l, "Mounts:\t<none>");
    } else {
        d.w(l, "Mounts:");
        for m in mounts {
            let ro = if obj::bool_at(m, "/readOnly") == Some(true) { "ro" } else { "rw" };
            d.w(
                l + 1,
                &format!(
                    "{} from {} ({ro})",
                    obj::str_at(m, "/mountPath").unwrap_or(""),
                    obj::str_at(m, "/name").unwrap_or("")
                ),
            );
        }
    }
}

/// DescribeProbe: the action, then `delay=0s timeout=1s period=10s #success=1 #failure=3`.
fn describe_probe(p: &Value) -> String {
    let n = |f: &str| obj::i64_at(p, f).unwrap_or(0);
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        n("/initialDelaySeconds"),
        n("/timeoutSeconds"),
        n("/periodSeconds"),
        n("/successThreshold"),
        n("/failureThreshold")
    );
    let port = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    if let Some(e) = p.get("exec") {
        let words: Vec<&str> = obj::arr_at(e, "/command").iter().filter_map(Value::as_str).collect();
        format!("exec [{}] {attrs}", words.join(" "))
    } else if let Some(h) = p.get("httpGet") {
        let scheme = obj::str_at(h, "/scheme").unwrap_or("HTTP").to_ascii_lowercase();
        format!(
            "http-get {scheme}://{}:{}{} {attrs}",
            obj::str_at(h, "/host").unwrap_or(""),
            port(h.get("port")),
            obj::str_at(h, "/path").unwrap_or("")
        )
    } else if let Some(t) = p.get("tcpSocket") {
        format!("tcp-socket {}:{} {attrs}", obj::str_at(t, "/host").unwrap_or(""), port(t.get("port")))
    } else {
        format!("unknown {attrs}")
    }
}

/// The downward API's value of `path` for pod `p` (what the kubelet would put in the variable).
fn field_value(p: &Value, path: &str) -> String {
    match path {
        "metadata.name" => obj::name(p).to_string(),
        "metadata.namespace" => obj::namespace(p).to_string(),
        "metadata.uid" => obj::uid(p).to_string(),
        "spec.nodeName" => obj::str_at(p, "/spec/nodeName").unwrap_or("").to_string(),
        "spec.serviceAccountName" => obj::str_at(p, "/spec/serviceAccountName").unwrap_or("").to_string(),
        "status.hostIP" => obj::str_at(p, "/status/hostIP").unwrap_or("").to_string(),
        "status.podIP" => obj::str_at(p, "/status/podIP").unwrap_or("").to_string(),
        _ => String::new(),
    }
}

fn state_lines(d: &mut Doc, level: usize, title: &str, state: Option<&Value>, _sim: &Sim) {
    let Some(st) = state else { return };
    if let Some(r) = st.get("running") {
        d.w(level, &format!("{title}:\tRunning"));
        d.w(level + 1, &format!("Started:\t{}", rfc1123z(obj::str_at(r, "/startedAt").unwrap_or(""))));
    } else if let Some(w) = st.get("waiting") {
        d.w(level, &format!("{title}:\tWaiting"));
        d.w(level + 1, &format!("Reason:\t{}", obj::str_at(w, "/reason").unwrap_or("")));
    } else if let Some(t) = st.get("terminated") {
        d.w(level, &format!("{title}:\tTerminated"));
        d.w(level + 1, &format!("Reason:\t{}", obj::str_at(t, "/reason").unwrap_or("")));
        d.w(level + 1, &format!("Exit Code:\t{}", obj::i64_at(t, "/exitCode").unwrap_or(0)));
        d.w(level + 1, &format!("Started:\t{}", rfc1123z(obj::str_at(t, "/startedAt").unwrap_or(""))));
        d.w(level + 1, &format!("Finished:\t{}", rfc1123z(obj::str_at(t, "/finishedAt").unwrap_or(""))));
    } else {
        d.w(level, &format!("{title}:\tWaiting"));
    }
}

fn volume_lines(d: &mut Doc, level: usize, vols: &[Value]) {
    if vols.is_empty() {
        d.w(level, "Volumes:\t<none>");
        return;
    }
    d.w(level, "Volumes:");
    for v in vols {
        d.w(level + 1, &format!("{}:", obj::str_at(v, "/name").unwrap_or("")));
        let l = level + 2;
        if let Some(c) = v.get("persistentVolumeClaim") {
            d.w(l, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)");
            d.w(l, &format!("ClaimName:\t{}", obj::str_at(c, "/claimName").unwrap_or("")));
            d.w(l, &format!("ReadOnly:\t{}", obj::bool_at(c, "/readOnly").unwrap_or(false)));
        } else if let Some(e) = v.get("emptyDir") {
            d.w(l, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)");
            d.w(l, &format!("Medium:\t{}", obj::str_at(e, "/medium").unwrap_or("")));
            d.w(l, &format!("SizeLimit:\t{}", obj::str_at(e, "/sizeLimit").unwrap_or("<unset>")));
        } else if let Some(c) = v.get("configMap") {
            d.w(l, "Type:\tConfigMap (a volume populated by a ConfigMap)");
            d.w(l, &format!("Name:\t{}", obj::str_at(c, "/name").unwrap_or("")));
            d.w(l, &format!("Optional:\t{}", obj::bool_at(c, "/optional").unwrap_or(false)));
        } else if let Some(s) = v.get("secret") {
            d.w(l, "Type:\tSecret (a volume populated by a Secret)");
            d.w(l, &format!("SecretName:\t{}", obj::str_at(s, "/secretName").unwrap_or("")));
            d.w(l, &format!("Optional:\t{}", obj::bool_at(s, "/optional").unwrap_or(false)));
        } else if let Some(p) = v.get("projected") {
            // printProjectedVolumeSource: one line (or two) per source, in order.
            d.w(l, "Type:\tProjected (a volume that contains injected data from multiple sources)");
            for src in obj::arr_at(p, "/sources") {
                let optional = |o: &Value| obj::bool_at(o, "/optional").map_or("<nil>".to_string(), |b| b.to_string());
                if let Some(s) = src.get("secret") {
                    d.w(l, &format!("SecretName:\t{}", obj::str_at(s, "/name").unwrap_or("")));
                    d.w(l, &format!("SecretOptionalName:\t{}", optional(s)));
                } else if src.get("downwardAPI").is_some() {
                    d.w(l, "DownwardAPI:\ttrue");
                } else if let Some(c) = src.get("configMap") {
                    d.w(l, &format!("ConfigMapName:\t{}", obj::str_at(c, "/name").unwrap_or("")));
                    d.w(l, &format!("ConfigMapOptional:\t{}", optional(c)));
                } else if let Some(t) = src.get("serviceAccountToken") {
                    d.w(
                        l,
                        &format!("TokenExpirationSeconds:\t{}", obj::i64_at(t, "/expirationSeconds").unwrap_or(3607)),
                    );
                }
            }
        } else if let Some(h) = v.get("hostPath") {
            d.w(l, "Type:\tHostPath (bare host directory volume)");
            d.w(l, &format!("Path:\t{}", obj::str_at(h, "/path").unwrap_or("")));
            d.w(l, &format!("HostPathType:\t{}", obj::str_at(h, "/type").unwrap_or("")));
        } else {
            d.w(l, "Type:\t<unknown>");
        }
    }
}

fn selector_of(o: &Value) -> String {
    let s = o.ptr("/spec/selector").map(Selector::from_label_selector).unwrap_or_default();
    s.to_text()
}

/// `DescribePodTemplate` through a bare `PrefixWriter` (`rollout history --revision`): cells
/// parted by raw tabs, not aligned; a continuation line has no indent before its tab.
pub fn pod_template_raw(t: &Value, sim: &Sim) -> String {
    let mut d = Doc::default();
    template_lines(&mut d, t, sim);
    let mut out = String::new();
    for cells in &d.lines {
        let first = if cells.len() > 1 && cells[0].trim().is_empty() { "" } else { cells[0].as_str() };
        out.push_str(first);
        for c in &cells[1..] {
            out.push('\t');
            out.push_str(c);
        }
        out.push('\n');
    }
    out
}

fn template_lines(d: &mut Doc, t: &Value, sim: &Sim) {
    d.w(0, "Pod Template:");
    map_lines(d, 1, "Labels:", t.ptr("/metadata/labels"), &[]);
    if t.ptr("/metadata/annotations").is_some() {
        map_lines(d, 1, "Annotations:", t.ptr("/metadata/annotations"), &[]);
    }
    for (list, title) in [("/spec/initContainers", "Init Containers:"), ("/spec/containers", "Containers:")] {
        let cs = obj::arr_at(t, list);
        if cs.is_empty() && list == "/spec/initContainers" {
            continue;
        }
        d.w(1, title);
        for c in cs {
            let mut sub = Doc::default();
            container_lines(&mut sub, 1, c, None, sim, None);
            // The container's name line has one more space than its level (` nginx:`).
            if let Some(first) = sub.lines.first_mut() {
                first[0] = format!(" {}", first[0]);
            }
            d.lines.extend(sub.lines);
        }
    }
    volume_lines(d, 1, obj::arr_at(t, "/spec/volumes"));
}

/// describeNode: the node's roles, conditions, addresses, capacity, system info, the pods on it
/// with their requests and limits, and what they add up to.
fn node_lines(d: &mut Doc, o: &Value, sim: &Sim) {
    let name = obj::name(o);
    d.w(0, &format!("Name:\t{name}"));
    let roles: Vec<&str> = o
        .ptr("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| m.keys().filter_map(|k| k.strip_prefix("node-role.kubernetes.io/")).collect())
        .unwrap_or_default();
    d.w(0, &format!("Roles:\t{}", if roles.is_empty() { "<none>".to_string() } else { roles.join(",") }));
    map_lines(d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
    map_lines(d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[]);
    d.w(0, &format!("CreationTimestamp:\t{}", rfc1123z(obj::str_at(o, "/metadata/creationTimestamp").unwrap_or(""))));
    let taints: Vec<String> = obj::arr_at(o, "/spec/taints")
        .iter()
        .map(|t| format!("{}:{}", obj::str_at(t, "/key").unwrap_or(""), obj::str_at(t, "/effect").unwrap_or("")))
        .collect();
    match taints.split_first() {
        None => d.w(0, "Taints:\t<none>"),
        Some((first, rest)) => {
            d.w(0, &format!("Taints:\t{first}"));
            for t in rest {
                d.w(0, &format!("\t{t}"));
            }
        }
    }
    d.w(0, &format!("Unschedulable:\t{}", obj::bool_at(o, "/spec/unschedulable").unwrap_or(false)));
    // k8s-diff: the kubelet's heartbeats (its Lease, the conditions' heartbeat times) are not
    // modelled; they read as renewed at the moment of asking.
    let now = rfc1123z(&sim.timestamp());
    d.w(0, "Lease:");
    d.w(1, &format!("HolderIdentity:\t{name}"));
    d.w(1, "AcquireTime:\t<unset>");
    d.w(1, &format!("RenewTime:\t{now}"));
    d.w(0, "Conditions:");
    d.w(1, "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage");
    d.w(1, "----\t------\t-----------------\t------------------\t------\t-------");
    for c in obj::arr_at(o, "/status/conditions") {
        let s = |p: &str| obj::str_at(c, p).unwrap_or("").to_string();
        d.w(
            1,
            &format!(
                "{}\t{}\t{now}\t{}\t{}\t{}",
                s("/type"),
                s("/status"),
                rfc1123z(&s("/lastTransitionTime")),
                s("/reason"),
                s("/message")
            ),
        );
    }
    d.w(0, "Addresses:");
    for a in obj::arr_at(o, "/status/addresses") {
        d.w(1, &format!("{}:\t{}", obj::str_at(a, "/type").unwrap_or(""), obj::str_at(a, "/address").unwrap_or("")));
    }
    for (title, ptr) in [("Capacity:", "/status/capacity"), ("Allocatable:", "/status/allocatable")] {
        d.w(0, title);
        for (k, v) in o.ptr(ptr).and_then(Value::as_object).into_iter().flatten() {
            d.w(1, &format!("{k}:\t{}", v.as_str().unwrap_or("")));
        }
    }
    let info = |k: &str| obj::str_at(o, &format!("/status/nodeInfo/{k}")).unwrap_or("").to_string();
    // Stable stand-ins for the machine's identifiers (derived from the name, not the seed).
    let id = |salt: u64| -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
        for b in name.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        let h2 = h.rotate_left(29).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        format!("{h:016x}{h2:016x}")
    };
    let uuid = |s: String| format!("{}-{}-{}-{}-{}", &s[..8], &s[8..12], &s[12..16], &s[16..20], &s[20..32]);
    let minor = info("kubeletVersion");
    d.w(0, "System Info:");
    d.w(1, &format!("Machine ID:\t{}", id(1)));
    d.w(1, &format!("System UUID:\t{}", uuid(id(2))));
    d.w(1, &format!("Boot ID:\t{}", uuid(id(3))));
    d.w(1, &format!("Kernel Version:\t{}", info("kernelVersion")));
    d.w(1, &format!("OS Image:\t{}", info("osImage")));
    d.w(1, &format!("Operating System:\t{}", info("operatingSystem")));
    d.w(1, &format!("Architecture:\t{}", info("architecture")));
    d.w(1, &format!("Container Runtime Version:\t{}", info("containerRuntimeVersion")));
    d.w(1, &format!("Kubelet Version:\t{minor}"));
    d.w(1, &format!("Kube-Proxy Version:\t{minor}"));
    if let Some(cidr) = obj::str_at(o, "/spec/podCIDR") {
        d.w(0, &format!("PodCIDR:\t{cidr}"));
        let all: Vec<&str> = obj::arr_at(o, "/spec/podCIDRs").iter().filter_map(Value::as_str).collect();
        d.w(0, &format!("PodCIDRs:\t{}", all.join(",")));
    }
    // k8s-diff: the system pods (CNI, kube-proxy, CoreDNS) are not modelled, so they are not
    // among the node's pods.
    let pods: Vec<&Value> = sim
        .store
        .list(Kind::Pod, None)
        .map(|(_, p)| p)
        .filter(|p| {
            obj::str_at(p, "/spec/nodeName") == Some(name)
                && !matches!(obj::str_at(p, "/status/phase"), Some("Succeeded" | "Failed"))
        })
        .collect();
    let alloc = |k: &str| quantity(obj::str_at(o, &format!("/status/allocatable/{k}")).unwrap_or("0"), k == "cpu");
    let pct = |v: i64, k: &str| if alloc(k) > 0 { (v as f64 / alloc(k) as f64 * 100.0) as i64 } else { 0 };
    let sum = |p: &Value, what: &str, k: &str| -> i64 {
        obj::arr_at(p, "/spec/containers")
            .iter()
            .filter_map(|c| obj::str_at(c, &format!("/resources/{what}/{k}")))
            .map(|q| quantity(q, k == "cpu"))
            .sum()
    };
    let cell = |v: i64, k: &str| format!("{} ({}%)", show_quantity(v, k == "cpu"), pct(v, k));
    d.w(0, &format!("Non-terminated Pods:\t({} in total)", pods.len()));
    d.w(1, "Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge");
    d.w(1, "---------\t----\t------------\t----------\t---------------\t-------------\t---");
    let mut totals = [0i64; 4];
    for p in &pods {
        let v = [
            sum(p, "requests", "cpu"),
            sum(p, "limits", "cpu"),
            sum(p, "requests", "memory"),
            sum(p, "limits", "memory"),
        ];
        for (t, x) in totals.iter_mut().zip(v) {
            *t += x;
        }
        d.w(
            1,
            &format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                obj::namespace(p),
                obj::name(p),
                cell(v[0], "cpu"),
                cell(v[1], "cpu"),
                cell(v[2], "memory"),
                cell(v[3], "memory"),
                super::tables::age(sim, p)
            ),
        );
    }
    d.w(0, "Allocated resources:");
    d.w(1, "(Total limits may be over 100 percent, i.e., overcommitted.)");
    d.w(1, "Resource\tRequests\tLimits");
    d.w(1, "--------\t--------\t------");
    d.w(1, &format!("cpu\t{}\t{}", cell(totals[0], "cpu"), cell(totals[1], "cpu")));
    d.w(1, &format!("memory\t{}\t{}", cell(totals[2], "memory"), cell(totals[3], "memory")));
    for k in ["ephemeral-storage", "hugepages-1Gi", "hugepages-2Mi"] {
        d.w(1, &format!("{k}\t0 (0%)\t0 (0%)"));
    }
}

/// A resource quantity in millicores (`cpu`) or bytes.
fn quantity(q: &str, cpu: bool) -> i64 {
    let (num, unit) = q.split_at(q.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(q.len()));
    let n: f64 = num.parse().unwrap_or(0.0);
    let scale = match unit {
        "m" => 0.001,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        _ => 1.0,
    };
    (n * scale * if cpu { 1000.0 } else { 1.0 }).round() as i64
}

/// A quantity as `resource.Quantity` prints it: `250m`, `1`, `64Mi`.
fn show_quantity(v: i64, cpu: bool) -> String {
    if cpu {
        return if v % 1000 == 0 { (v / 1000).to_string() } else { format!("{v}m") };
    }
    for (unit, size) in [("Gi", 1i64 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
        if v != 0 && v % size == 0 {
            return format!("{}{unit}", v / size);
        }
    }
    v.to_string()
}

fn describe_one(ctx: &mut Ctx<'_>, kind: Kind, o: &Value, show_events: bool) -> String {
    let sim: &Sim = ctx.sim;
    let mut d = Doc::default();
    let name = obj::name(o);
    let ns = obj::namespace(o);
    match kind {
        Kind::Pod => {
            d.w(0, &format!("Name:\t{name}"));
            d.w(0, &format!("Namespace:\t{ns}"));
            d.w(0, &format!("Priority:\t{}", obj::i64_at(o, "/spec/priority").unwrap_or(0)));
            d.w(0, &format!("Service Account:\t{}", obj::str_at(o, "/spec/serviceAccountName").unwrap_or("default")));
            let node = obj::str_at(o, "/spec/nodeName");
            match node {
                Some(n) => d.w(0, &format!("Node:\t{n}/{}", obj::str_at(o, "/status/hostIP").unwrap_or(""))),
                None => d.w(0, "Node:\t<none>"),
            }
            if let Some(st) = obj::str_at(o, "/status/startTime") {
                d.w(0, &format!("Start Time:\t{}", rfc1123z(st)));
            }
            map_lines(&mut d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
            map_lines(&mut d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
            if obj::is_deleting(o) {
                d.w(
                    0,
                    &format!(
                        "Status:\tTerminating (lasts {})",
                        human_duration_ms(
                            obj::str_at(o, "/metadata/deletionTimestamp").and_then(|t| sim.ms_since(t)).unwrap_or(0)
                        )
                    ),
                );
                d.w(
                    0,
                    &format!(
                        "Termination Grace Period:\t{}s",
                        obj::i64_at(o, "/metadata/deletionGracePeriodSeconds").unwrap_or(30)
                    ),
                );
            } else {
                d.w(0, &format!("Status:\t{}", obj::str_at(o, "/status/phase").unwrap_or("Pending")));
            }
            d.w(0, &format!("IP:\t{}", obj::str_at(o, "/status/podIP").unwrap_or("")));
            d.w(0, "IPs:");
            match obj::str_at(o, "/status/podIP") {
                Some(ip) => d.w(1, &format!("IP:\t{ip}")),
                None => {
                    d.lines.pop();
                    d.w(0, "IPs:\t<none>");
                }
            }
            if let Some(r) = obj::controller_ref(o) {
                d.w(
                    0,
                    &format!(
                        "Controlled By:\t{}/{}",
                        obj::str_at(r, "/kind").unwrap_or(""),
                        obj::str_at(r, "/name").unwrap_or("")
                    ),
                );
            }
            // describePod: init containers first, each with its status.
            for (list, status_list, title) in [
                ("/spec/initContainers", "/status/initContainerStatuses", "Init Containers:"),
                ("/spec/containers", "/status/containerStatuses", "Containers:"),
            ] {
                let cs = obj::arr_at(o, list);
                if cs.is_empty() && list == "/spec/initContainers" {
                    continue;
                }
                d.w(0, title);
                let statuses = obj::arr_at(o, status_list);
                for c in cs {
                    let st = statuses.iter().find(|s| s.get("name") == c.get("name"));
                    container_lines(&mut d, 1, c, st, sim, Some(o));
                }
            }
            let conds = obj::arr_at(o, "/status/conditions");
            if !conds.is_empty() {
                d.w(0, "Conditions:");
                d.w(1, "Type\tStatus");
                for c in conds {
                    d.w(
                        1,
                        &format!(
                            "{} \t{} ",
                            obj::str_at(c, "/type").unwrap_or(""),
                            obj::str_at(c, "/status").unwrap_or("")
                        ),
                    );
                }
            }
            volume_lines(&mut d, 0, obj::arr_at(o, "/spec/volumes"));
            d.w(0, &format!("QoS Class:\t{}", obj::str_at(o, "/status/qosClass").unwrap_or("BestEffort")));
            let sel = o
                .ptr("/spec/nodeSelector")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect::<Vec<_>>().join(",")
                })
                .unwrap_or_default();
            d.w(0, &format!("Node-Selectors:\t{}", if sel.is_empty() { "<none>".into() } else { sel }));
            let tols: Vec<String> = obj::arr_at(o, "/spec/tolerations")
                .iter()
                .map(|t| {
                    let mut s = obj::str_at(t, "/key").unwrap_or("").to_string();
                    if let Some(v) = obj::str_at(t, "/value") {
                        s.push_str(&format!("={v}"));
                    }
                    if let Some(e) = obj::str_at(t, "/effect") {
                        s.push_str(&format!(":{e}"));
                    }
                    if obj::str_at(t, "/operator") == Some("Exists") && obj::str_at(t, "/value").is_none() {
                        s.push_str(" op=Exists");
                    }
                    if let Some(secs) = obj::i64_at(t, "/tolerationSeconds") {
                        s.push_str(&format!(" for {secs}s"));
                    }
                    s
                })
                .collect();
            if tols.is_empty() {
                d.w(0, "Tolerations:\t<none>");
            }
            for (i, t) in tols.iter().enumerate() {
                d.w(0, &format!("{}\t{t}", if i == 0 { "Tolerations:" } else { "" }));
            }
        }
        Kind::StatefulSet => {
            d.w(0, &format!("Name:\t{name}"));
            d.w(0, &format!("Namespace:\t{ns}"));
            d.w(
                0,
                &format!(
                    "CreationTimestamp:\t{}",
                    rfc1123z(obj::str_at(o, "/metadata/creationTimestamp").unwrap_or(""))
                ),
            );
            d.w(0, &format!("Selector:\t{}", selector_of(o)));
            map_lines(&mut d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
            map_lines(&mut d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
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
            template_lines(&mut d, &t, sim);
            let vcts = obj::arr_at(o, "/spec/volumeClaimTemplates");
            if vcts.is_empty() {
                d.w(0, "Volume Claims:\t<none>");
            } else {
                d.w(0, "Volume Claims:");
                for v in vcts {
                    d.w(1, &format!("Name:\t{}", obj::name(v)));
                    d.w(1, &format!("StorageClass:\t{}", obj::str_at(v, "/spec/storageClassName").unwrap_or("")));
                    map_lines(&mut d, 1, "Labels:", v.ptr("/metadata/labels"), &[]);
                    map_lines(&mut d, 1, "Annotations:", v.ptr("/metadata/annotations"), &[]);
                    d.w(1, &format!("Capacity:\t{}", obj::str_at(v, "/spec/resources/requests/storage").unwrap_or("")));
                    let modes: Vec<&str> =
                        obj::arr_at(v, "/spec/accessModes").iter().filter_map(Value::as_str).collect();
                    d.w(1, &format!("Access Modes:\t[{}]", modes.join(" ")));
                }
            }
        }
        Kind::Deployment => {
            d.w(0, &format!("Name:\t{name}"));
            d.w(0, &format!("Namespace:\t{ns}"));
            d.w(
                0,
                &format!(
                    "CreationTimestamp:\t{}",
                    rfc1123z(obj::str_at(o, "/metadata/creationTimestamp").unwrap_or(""))
                ),
            );
            map_lines(&mut d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
            map_lines(&mut d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
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
            template_lines(&mut d, &t, sim);
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
        Kind::Service => {
            d.w(0, &format!("Name:\t{name}"));
            d.w(0, &format!("Namespace:\t{ns}"));
            map_lines(&mut d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
            map_lines(&mut d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
            let sel = o
                .ptr("/spec/selector")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect::<Vec<_>>().join(",")
                })
                .unwrap_or_default();
            d.w(0, &format!("Selector:\t{}", if sel.is_empty() { "<none>".into() } else { sel }));
            d.w(0, &format!("Type:\t{}", obj::str_at(o, "/spec/type").unwrap_or("ClusterIP")));
            d.w(0, &format!("IP Family Policy:\t{}", obj::str_at(o, "/spec/ipFamilyPolicy").unwrap_or("SingleStack")));
            let fams: Vec<&str> = obj::arr_at(o, "/spec/ipFamilies").iter().filter_map(Value::as_str).collect();
            d.w(0, &format!("IP Families:\t{}", fams.join(",")));
            d.w(0, &format!("IP:\t{}", obj::str_at(o, "/spec/clusterIP").unwrap_or("")));
            let ips: Vec<&str> = obj::arr_at(o, "/spec/clusterIPs").iter().filter_map(Value::as_str).collect();
            d.w(0, &format!("IPs:\t{}", ips.join(",")));
            let ep = sim.store.get(&ObjKey::new(Kind::Endpoints, ns, name)).cloned();
            for p in obj::arr_at(o, "/spec/ports") {
                let pname = obj::str_at(p, "/name").unwrap_or("<unset>");
                let proto = obj::str_at(p, "/protocol").unwrap_or("TCP");
                d.w(0, &format!("Port:\t{pname}  {}/{proto}", obj::i64_at(p, "/port").unwrap_or(0)));
                let tp = p
                    .get("targetPort")
                    .map(|v| v.as_str().map(String::from).unwrap_or_else(|| v.to_string()))
                    .unwrap_or_default();
                d.w(0, &format!("TargetPort:\t{tp}/{proto}"));
                if let Some(np) = obj::i64_at(p, "/nodePort") {
                    d.w(0, &format!("NodePort:\t{pname}  {np}/{proto}"));
                }
                // formatEndpoints: the port's addresses, three at most and how many more;
                // `<none>` only without subsets (not-ready addresses leave it empty).
                let subsets = ep.as_ref().map(|e| obj::arr_at(e, "/subsets")).unwrap_or(&[]);
                let text = if subsets.is_empty() {
                    "<none>".to_string()
                } else {
                    let mut list = Vec::new();
                    let mut count: usize = 0;
                    for s in subsets {
                        for sp in obj::arr_at(s, "/ports").iter().filter(|sp| {
                            obj::str_at(sp, "/name").unwrap_or("") == obj::str_at(p, "/name").unwrap_or("")
                        }) {
                            for a in obj::arr_at(s, "/addresses") {
                                if list.len() < 3 {
                                    list.push(format!(
                                        "{}:{}",
                                        obj::str_at(a, "/ip").unwrap_or(""),
                                        obj::i64_at(sp, "/port").unwrap_or(0)
                                    ));
                                }
                                count += 1;
                            }
                        }
                    }
                    let more = count.saturating_sub(3);
                    if more > 0 {
                        format!("{} + {more} more...", list.join(","))
                    } else {
                        list.join(",")
                    }
                };
                d.w(0, &format!("Endpoints:\t{text}"));
            }
            d.w(0, &format!("Session Affinity:\t{}", obj::str_at(o, "/spec/sessionAffinity").unwrap_or("None")));
        }
        Kind::PersistentVolumeClaim => {
            d.w(0, &format!("Name:\t{name}"));
            d.w(0, &format!("Namespace:\t{ns}"));
            d.w(0, &format!("StorageClass:\t{}", obj::str_at(o, "/spec/storageClassName").unwrap_or("")));
            let status = if obj::is_deleting(o) {
                format!(
                    "Terminating (lasts {})",
                    human_duration_ms(
                        obj::str_at(o, "/metadata/deletionTimestamp").and_then(|t| sim.ms_since(t)).unwrap_or(0)
                    )
                )
            } else {
                obj::str_at(o, "/status/phase").unwrap_or("").to_string()
            };
            d.w(0, &format!("Status:\t{status}"));
            d.w(0, &format!("Volume:\t{}", obj::str_at(o, "/spec/volumeName").unwrap_or("")));
            map_lines(&mut d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
            map_lines(&mut d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
            d.w(0, &format!("Finalizers:\t[{}]", obj::finalizers(o).join(" ")));
            let bound = obj::str_at(o, "/spec/volumeName").is_some();
            d.w(
                0,
                &format!(
                    "Capacity:\t{}",
                    if bound { obj::str_at(o, "/status/capacity/storage").unwrap_or("") } else { "" }
                ),
            );
            let modes: Vec<&str> = obj::arr_at(o, "/status/accessModes")
                .iter()
                .filter_map(Value::as_str)
                .map(|m| match m {
                    "ReadWriteOnce" => "RWO",
                    "ReadOnlyMany" => "ROX",
                    "ReadWriteMany" => "RWX",
                    other => other,
                })
                .collect();
            d.w(0, &format!("Access Modes:\t{}", if bound { modes.join(",") } else { String::new() }));
            d.w(0, &format!("VolumeMode:\t{}", obj::str_at(o, "/spec/volumeMode").unwrap_or("Filesystem")));
            let users: Vec<String> =
                crate::sim::kubelet::pods_using_claim(sim, ns, name).map(|p| obj::name(p).to_string()).collect();
            d.w(0, &format!("Used By:\t{}", if users.is_empty() { "<none>".into() } else { users.join(",") }));
        }
        Kind::PersistentVolume => {
            d.w(0, &format!("Name:\t{name}"));
            map_lines(&mut d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
            map_lines(&mut d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
            d.w(0, &format!("Finalizers:\t[{}]", obj::finalizers(o).join(" ")));
            d.w(0, &format!("StorageClass:\t{}", obj::str_at(o, "/spec/storageClassName").unwrap_or("")));
            d.w(
                0,
                &format!(
                    "Status:\t{}",
                    if obj::is_deleting(o) { "Terminating" } else { obj::str_at(o, "/status/phase").unwrap_or("") }
                ),
            );
            let claim = match (obj::str_at(o, "/spec/claimRef/namespace"), obj::str_at(o, "/spec/claimRef/name")) {
                (Some(a), Some(b)) => format!("{a}/{b}"),
                _ => String::new(),
            };
            d.w(0, &format!("Claim:\t{claim}"));
            d.w(
                0,
                &format!("Reclaim Policy:\t{}", obj::str_at(o, "/spec/persistentVolumeReclaimPolicy").unwrap_or("")),
            );
            let modes: Vec<&str> = obj::arr_at(o, "/spec/accessModes")
                .iter()
                .filter_map(Value::as_str)
                .map(|m| match m {
                    "ReadWriteOnce" => "RWO",
                    "ReadOnlyMany" => "ROX",
                    "ReadWriteMany" => "RWX",
                    other => other,
                })
                .collect();
            d.w(0, &format!("Access Modes:\t{}", modes.join(",")));
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
        Kind::Node => node_lines(&mut d, o, sim),
        Kind::ConfigMap | Kind::Secret => {
            // describeConfigMap, describeSecret: the data under its keys (a Secret's only as a
            // byte count); a Secret has no events section.
            d.w(0, &format!("Name:\t{name}"));
            d.w(0, &format!("Namespace:\t{ns}"));
            map_lines(&mut d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
            map_lines(&mut d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
            let data: Vec<(String, String)> = o
                .get("data")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
                .unwrap_or_default();
            if kind == Kind::Secret {
                d.w(0, "");
                d.w(0, &format!("Type:\t{}", obj::str_at(o, "/type").unwrap_or("Opaque")));
                d.w(0, "");
                d.w(0, "Data");
                d.w(0, "====");
                for (k, v) in &data {
                    let bytes = crate::support::base64::decode(v).map_or(0, |b| b.len());
                    d.w(0, &format!("{k}:\t{bytes} bytes"));
                }
                return d.render();
            }
            d.w(0, "");
            d.w(0, "Data");
            d.w(0, "====");
            for (k, v) in &data {
                d.w(0, &format!("{k}:"));
                d.w(0, "----");
                for line in v.split('\n') {
                    d.lines.push(vec![line.to_string()]);
                }
            }
            d.w(0, "");
            d.w(0, "BinaryData");
            d.w(0, "====");
            for (k, v) in o.get("binaryData").and_then(Value::as_object).into_iter().flatten() {
                let bytes = crate::support::base64::decode(v.as_str().unwrap_or("")).map_or(0, |b| b.len());
                d.w(0, &format!("{k}: {bytes} bytes"));
            }
            d.w(0, "");
        }
        Kind::Endpoints => {
            // describeEndpoints: each subset's ready and not-ready addresses and its ports.
            d.w(0, &format!("Name:\t{name}"));
            d.w(0, &format!("Namespace:\t{ns}"));
            map_lines(&mut d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
            map_lines(&mut d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
            d.w(0, "Subsets:");
            for subset in obj::arr_at(o, "/subsets") {
                for (field, title) in [("/addresses", "Addresses"), ("/notReadyAddresses", "NotReadyAddresses")] {
                    let ips: Vec<&str> =
                        obj::arr_at(subset, field).iter().filter_map(|a| obj::str_at(a, "/ip")).collect();
                    d.w(1, &format!("{title}:\t{}", if ips.is_empty() { "<none>".to_string() } else { ips.join(",") }));
                }
                let ports = obj::arr_at(subset, "/ports");
                if !ports.is_empty() {
                    d.w(1, "Ports:");
                    d.w(2, "Name\tPort\tProtocol");
                    d.w(2, "----\t----\t--------");
                    for p in ports {
                        d.w(
                            2,
                            &format!(
                                "{}\t{}\t{}",
                                obj::str_at(p, "/name").filter(|n| !n.is_empty()).unwrap_or("<unset>"),
                                obj::i64_at(p, "/port").unwrap_or(0),
                                obj::str_at(p, "/protocol").unwrap_or("TCP")
                            ),
                        );
                    }
                }
                d.w(0, "");
            }
        }
        _ => {
            d.w(0, &format!("Name:\t{name}"));
            if !ns.is_empty() {
                d.w(0, &format!("Namespace:\t{ns}"));
            }
            map_lines(&mut d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
            map_lines(&mut d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
        }
    }
    if show_events {
        events(sim, &mut d, o);
    }
    d.render()
}

pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> i32 {
    let a = match args::parse("describe", argv, FLAGS) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    if a.bool("help") {
        ctx.println("Show details of a specific resource or group of resources.\n\nUsage:\n  kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]");
        return 0;
    }
    let q = match resolve(&a.positional) {
        Ok(q) => q,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    let sel = match a.get("selector").map(Selector::parse).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => {
            ctx.eprintln(&format!("error: {e}"));
            return 1;
        }
    };
    let ns = ctx.namespace(&a);
    let show_events = a.get("show-events").is_none_or(|v| v != "false");
    let mut parts = Vec::new();
    let mut code = 0;
    for (kind, names) in &q.targets {
        let list_ns = if kind.namespaced() { Some(ns.as_str()) } else { None };
        let all: Vec<Value> = ctx.sim.store.list(*kind, list_ns).map(|(_, o)| o.clone()).collect();
        if names.is_empty() {
            for o in all.iter().filter(|o| sel.matches_obj(o)) {
                parts.push(describe_one(ctx, *kind, o, show_events));
            }
        } else {
            for n in names {
                // describe matches a name exactly, or else every object whose name starts with it.
                let exact: Vec<&Value> = all.iter().filter(|o| obj::name(o) == n).collect();
                let found: Vec<&Value> = if exact.is_empty() {
                    all.iter().filter(|o| obj::name(o).starts_with(n.as_str())).collect()
                } else {
                    exact
                };
                if found.is_empty() {
                    ctx.report(Error::not_found(kind.qualified_plural(), n.clone()));
                    code = 1;
                }
                for o in found {
                    parts.push(describe_one(ctx, *kind, o, show_events));
                }
            }
        }
    }
    if parts.is_empty() && code == 0 {
        ctx.eprintln(&format!("No resources found in {ns} namespace."));
    }
    let text = parts.join("\n\n");
    ctx.out.out(&text);
    code
}
