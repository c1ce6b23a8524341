//! `kubectl describe pod`: the pod, its containers (state, probes, mounts, environment) and volumes.

use super::*;

pub(super) fn pod(d: &mut Doc, sim: &Sim, o: &Value) {
    let name = obj::name(o);
    let ns = obj::namespace(o);
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
    map_lines(d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
    map_lines(d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
    if obj::is_deleting(o) {
        d.w(0, &format!("Status:\t{}", terminating(sim, o)));
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
    controlled_by(d, o);
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
            container_lines(d, 1, c, st, sim, Some(o));
        }
    }
    let conds = obj::arr_at(o, "/status/conditions");
    if !conds.is_empty() {
        d.w(0, "Conditions:");
        d.w(1, "Type\tStatus");
        for c in conds {
            d.w(
                1,
                &format!("{} \t{} ", obj::str_at(c, "/type").unwrap_or(""), obj::str_at(c, "/status").unwrap_or("")),
            );
        }
    }
    volume_lines(d, 0, obj::arr_at(o, "/spec/volumes"));
    d.w(0, &format!("QoS Class:\t{}", obj::str_at(o, "/status/qosClass").unwrap_or("BestEffort")));
    let sel = o
        .ptr("/spec/nodeSelector")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect::<Vec<_>>().join(","))
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

pub(super) fn container_lines(
    d: &mut Doc,
    level: usize,
    c: &Value,
    status: Option<&Value>,
    sim: &Sim,
    pod: Option<&Value>,
) {
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
    env_lines(d, l, c, pod);
    mount_lines(d, l, c);
}

/// describeContainerEnvFrom and describeContainerEnvVars: sources, then values as given and
/// references as where they come from.
fn env_lines(d: &mut Doc, l: usize, c: &Value, pod: Option<&Value>) {
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
}

/// The container's mounts.
fn mount_lines(d: &mut Doc, l: usize, c: &Value) {
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
pub(super) fn describe_probe(p: &Value) -> String {
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
pub(super) fn field_value(p: &Value, path: &str) -> String {
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

pub(super) fn state_lines(d: &mut Doc, level: usize, title: &str, state: Option<&Value>, _sim: &Sim) {
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

pub(super) fn volume_lines(d: &mut Doc, level: usize, vols: &[Value]) {
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
