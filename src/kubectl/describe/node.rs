//! `kubectl describe node`: conditions, addresses, capacity, the pods on it and what they request.

use super::*;

/// describeNode: the node's roles, conditions, addresses, capacity, system info, the pods on it
/// with their requests and limits, and what they add up to.
pub(super) fn node_lines(d: &mut Doc, o: &Value, sim: &Sim) {
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
                super::super::tables::age(sim, p)
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
pub(super) fn quantity(q: &str, cpu: bool) -> i64 {
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
pub(super) fn show_quantity(v: i64, cpu: bool) -> String {
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
