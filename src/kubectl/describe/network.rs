//! `kubectl describe` for Services and their Endpoints.

use super::*;

/// describeService: addresses, each port with its endpoints, affinity and traffic policy.
pub(super) fn service(d: &mut Doc, sim: &Sim, o: &Value) {
    let name = obj::name(o);
    let ns = obj::namespace(o);
    meta_lines(d, o);
    let sel = o
        .ptr("/spec/selector")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect::<Vec<_>>().join(","))
        .unwrap_or_default();
    d.w(0, &format!("Selector:\t{}", if sel.is_empty() { "<none>".into() } else { sel }));
    d.w(0, &format!("Type:\t{}", obj::str_at(o, "/spec/type").unwrap_or("ClusterIP")));
    if let Some(p) = obj::str_at(o, "/spec/ipFamilyPolicy") {
        d.w(0, &format!("IP Family Policy:\t{p}"));
    }
    let joined = |p: &str, sep: &str| {
        let items: Vec<&str> = obj::arr_at(o, p).iter().filter_map(Value::as_str).collect();
        if items.is_empty() {
            "<none>".to_string()
        } else {
            items.join(sep)
        }
    };
    d.w(0, &format!("IP Families:\t{}", joined("/spec/ipFamilies", ",")));
    d.w(0, &format!("IP:\t{}", obj::str_at(o, "/spec/clusterIP").unwrap_or("")));
    d.w(0, &format!("IPs:\t{}", joined("/spec/clusterIPs", ",")));
    if !obj::arr_at(o, "/spec/externalIPs").is_empty() {
        d.w(0, &format!("External IPs:\t{}", joined("/spec/externalIPs", ",")));
    }
    for (field, title) in [("/spec/loadBalancerIP", "IP"), ("/spec/externalName", "External Name")] {
        if let Some(v) = obj::str_at(o, field).filter(|v| !v.is_empty()) {
            d.w(0, &format!("{title}:\t{v}"));
        }
    }
    let ingress: Vec<&str> = obj::arr_at(o, "/status/loadBalancer/ingress")
        .iter()
        .map(|i| obj::str_at(i, "/ip").filter(|ip| !ip.is_empty()).or(obj::str_at(i, "/hostname")).unwrap_or(""))
        .collect();
    if !ingress.is_empty() {
        d.w(0, &format!("LoadBalancer Ingress:\t{}", ingress.join(", ")));
    }
    let ep = sim.store.get(&ObjKey::new(Kind::Endpoints, ns, name));
    let subsets = ep.map(|e| obj::arr_at(e, "/subsets")).unwrap_or(&[]);
    let ports = EndpointPorts::new(subsets);
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
        let text = ports.format(obj::str_at(p, "/name").unwrap_or(""));
        d.w(0, &format!("Endpoints:\t{text}"));
    }
    d.w(0, &format!("Session Affinity:\t{}", obj::str_at(o, "/spec/sessionAffinity").unwrap_or("None")));
    if let Some(p) = obj::str_at(o, "/spec/externalTrafficPolicy").filter(|p| !p.is_empty()) {
        d.w(0, &format!("External Traffic Policy:\t{p}"));
    }
    if let Some(p) = obj::i64_at(o, "/spec/healthCheckNodePort").filter(|p| *p != 0) {
        d.w(0, &format!("HealthCheck NodePort:\t{p}"));
    }
    if !obj::arr_at(o, "/spec/loadBalancerSourceRanges").is_empty() {
        d.w(0, &format!("LoadBalancer Source Ranges:\t{}", joined("/spec/loadBalancerSourceRanges", ",")));
    }
}

/// The Endpoints' ports by name, for formatEndpoints once per Service port: describe.go scans
/// every subset's ports for each Service port, which costs the square of the ports (a Service
/// of 20,000 ports took a minute); sorted once, each port's are found by a binary search.
struct EndpointPorts<'a> {
    subsets: &'a [Value],
    /// Each subset's ports (name, subset, port number), sorted by name, stably: in subset and
    /// port order within a name.
    by_name: Vec<(&'a str, usize, i64)>,
}

impl<'a> EndpointPorts<'a> {
    fn new(subsets: &'a [Value]) -> EndpointPorts<'a> {
        let mut by_name = Vec::new();
        for (i, s) in subsets.iter().enumerate() {
            for sp in obj::arr_at(s, "/ports") {
                by_name.push((obj::str_at(sp, "/name").unwrap_or(""), i, obj::i64_at(sp, "/port").unwrap_or(0)));
            }
        }
        crate::support::sort::sort_by(&mut by_name, |a, b| a.0.cmp(b.0));
        EndpointPorts { subsets, by_name }
    }

    /// formatEndpoints: the addresses behind a Service port (by its name), three at most and
    /// how many more; `<none>` only without subsets (not-ready addresses leave it empty).
    fn format(&self, port_name: &str) -> String {
        if self.subsets.is_empty() {
            return "<none>".to_string();
        }
        let mut list = Vec::new();
        let mut count: usize = 0;
        let from = self.by_name.partition_point(|e| e.0 < port_name);
        for &(_, subset, port) in self.by_name[from..].iter().take_while(|e| e.0 == port_name) {
            let addresses = obj::arr_at(&self.subsets[subset], "/addresses");
            for a in addresses.iter().take(3usize.saturating_sub(list.len())) {
                list.push(format!("{}:{port}", obj::str_at(a, "/ip").unwrap_or("")));
            }
            count += addresses.len();
        }
        let more = count.saturating_sub(3);
        if more > 0 {
            format!("{} + {more} more...", list.join(","))
        } else {
            list.join(",")
        }
    }
}

pub(super) fn endpoints(d: &mut Doc, o: &Value) {
    // describeEndpoints: each subset's ready and not-ready addresses and its ports.
    meta_lines(d, o);
    d.w(0, "Subsets:");
    for subset in obj::arr_at(o, "/subsets") {
        for (field, title) in [("/addresses", "Addresses"), ("/notReadyAddresses", "NotReadyAddresses")] {
            let ips: Vec<&str> = obj::arr_at(subset, field).iter().filter_map(|a| obj::str_at(a, "/ip")).collect();
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

/// describeEndpointSliceV1: address type, ports, and each endpoint's addresses, readiness,
/// hostname, target, node and zone.
pub(super) fn endpoint_slice(d: &mut Doc, o: &Value) {
    meta_lines(d, o);
    d.w(0, &format!("AddressType:\t{}", obj::str_at(o, "/addressType").unwrap_or("")));
    let ports = obj::arr_at(o, "/ports");
    if ports.is_empty() {
        d.w(0, "Ports: <unset>");
    } else {
        d.w(0, "Ports:");
        d.w(1, "Name\tPort\tProtocol");
        d.w(1, "----\t----\t--------");
        for p in ports {
            let port = obj::i64_at(p, "/port").map_or("<unset>".to_string(), |n| n.to_string());
            let name = obj::str_at(p, "/name").filter(|n| !n.is_empty()).unwrap_or("<unset>");
            d.w(1, &format!("{name}\t{port}\t{}", obj::str_at(p, "/protocol").unwrap_or("")));
        }
    }
    let eps = obj::arr_at(o, "/endpoints");
    if eps.is_empty() {
        d.w(0, "Endpoints: <none>");
        return;
    }
    d.w(0, "Endpoints:");
    for e in eps {
        let addrs: Vec<&str> = obj::arr_at(e, "/addresses").iter().filter_map(Value::as_str).collect();
        d.w(1, &format!("- Addresses:\t{}", if addrs.is_empty() { "<none>".into() } else { addrs.join(", ") }));
        d.w(2, "Conditions:");
        let ready = obj::bool_at(e, "/conditions/ready").map_or("<unset>", |r| if r { "true" } else { "false" });
        d.w(3, &format!("Ready:\t{ready}"));
        d.w(2, &format!("Hostname:\t{}", obj::str_at(e, "/hostname").unwrap_or("<unset>")));
        if let Some(t) = e.get("targetRef") {
            d.w(
                2,
                &format!(
                    "TargetRef:\t{}/{}",
                    obj::str_at(t, "/kind").unwrap_or(""),
                    obj::str_at(t, "/name").unwrap_or("")
                ),
            );
        }
        d.w(2, &format!("NodeName:\t{}", obj::str_at(e, "/nodeName").unwrap_or("<unset>")));
        d.w(2, &format!("Zone:\t{}", obj::str_at(e, "/zone").unwrap_or("<unset>")));
    }
}
