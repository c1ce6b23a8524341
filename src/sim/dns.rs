//! Cluster DNS as CoreDNS answers it (reference §4): Service A records (the ClusterIP, or each
//! ready endpoint of a headless Service), per-pod `<hostname>.<service>` records, SRV with
//! priority 0 and weight floor(100/N), PTR, `<a-b-c-d>.<ns>.pod` records, NXDOMAIN otherwise.

use super::obj;
use super::obj::Ptr;
use super::resources::Kind;
use super::Sim;
use serde_json::Value;

/// One answer record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    A { name: String, ip: String },
    Srv { name: String, priority: u16, weight: u16, port: u16, target: String },
    Ptr { name: String, target: String },
}

/// What the server says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Records(Vec<Record>),
    /// The name exists but has no record of this type.
    NoData,
    NxDomain,
}

/// Query types the clients ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QType {
    A,
    Aaaa,
    Srv,
    Ptr,
}

/// A port of an endpoint: (name, port, protocol).
type Port = (Option<String>, u16, String);

/// A ready (or published) endpoint of a Service: (ip, hostname, ports).
type Endpoint = (String, Option<String>, Vec<Port>);

/// The EndpointSlices of Service `svc`: those of its namespace labelled with its name, as
/// CoreDNS indexes them (1.9: `kubernetes.io/service-name`). Unlike the Endpoints (at most
/// 1,000 addresses), they hold every endpoint.
fn slices<'a>(sim: &'a Sim, ns: &'a str, svc: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    sim.store
        .list(Kind::EndpointSlice, Some(ns))
        .map(|(_, s)| s)
        .filter(move |s| obj::label(s, "kubernetes.io/service-name") == Some(svc))
}

/// The ports of one slice.
fn slice_ports(slice: &Value) -> Vec<Port> {
    obj::arr_at(slice, "/ports")
        .iter()
        .map(|p| {
            (
                obj::str_at(p, "/name").filter(|n| !n.is_empty()).map(String::from),
                obj::i64_at(p, "/port").unwrap_or(0) as u16,
                obj::str_at(p, "/protocol").unwrap_or("TCP").to_string(),
            )
        })
        .collect()
}

/// Calls `f` with each address of each ready endpoint of the Service's slices (CoreDNS's
/// `EndpointSliceToEndpoints`: an endpoint whose `conditions.ready` is false is left out),
/// with its hostname and its slice's ports; stops when `f` says so.
fn each_endpoint(sim: &Sim, ns: &str, svc: &str, mut f: impl FnMut(&str, Option<&str>, &[Port]) -> bool) {
    for slice in slices(sim, ns, svc) {
        let ports = slice_ports(slice);
        for e in obj::arr_at(slice, "/endpoints") {
            if e.ptr("/conditions/ready").and_then(Value::as_bool) == Some(false) {
                continue;
            }
            let hostname = obj::str_at(e, "/hostname");
            for ip in obj::arr_at(e, "/addresses").iter().filter_map(Value::as_str) {
                if f(ip, hostname, &ports) {
                    return;
                }
            }
        }
    }
}

/// Every ready endpoint of a Service, in the order of the addresses' text (the order the
/// Endpoints object had, `LessEndpointAddress`, which the answers keep).
fn endpoints(sim: &Sim, ns: &str, svc: &str) -> Vec<Endpoint> {
    let mut out = Vec::new();
    each_endpoint(sim, ns, svc, |ip, hostname, ports| {
        out.push((ip.to_string(), hostname.map(String::from), ports.to_vec()));
        false
    });
    crate::support::sort::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
    out
}

/// Whether a Service has a ready endpoint.
fn has_endpoints(sim: &Sim, ns: &str, svc: &str) -> bool {
    let mut any = false;
    each_endpoint(sim, ns, svc, |_, _, _| {
        any = true;
        true
    });
    any
}

fn record_ip(r: &Record) -> &str {
    match r {
        Record::A { ip, .. } => ip,
        _ => "",
    }
}

fn endpoint_hostname(ip: &str, hostname: &Option<String>) -> String {
    hostname.clone().unwrap_or_else(|| ip.replace('.', "-"))
}

/// The host labels `<host>.<service>.<ns>.svc` answers for: each published endpoint's
/// hostname, or its IP with dashes (what `lookup` matches a per-pod name against), sorted.
pub fn endpoint_hosts(sim: &Sim, ns: &str, svc: &str) -> Vec<String> {
    let mut hosts: Vec<String> = endpoints(sim, ns, svc).iter().map(|(ip, hn, _)| endpoint_hostname(ip, hn)).collect();
    crate::support::sort::sort(&mut hosts);
    hosts
}

/// Answers a fully qualified name (no trailing dot).
pub fn lookup(sim: &Sim, fqdn: &str, qtype: QType) -> Answer {
    let zone = sim.profile.cluster_domain.clone();
    let name = fqdn.trim_end_matches('.').to_ascii_lowercase();
    if qtype == QType::Ptr || name.ends_with(".in-addr.arpa") {
        return ptr(sim, &name);
    }
    let Some(prefix) = name.strip_suffix(&format!(".{zone}")) else { return Answer::NxDomain };
    let labels: Vec<&str> = prefix.split('.').collect();
    match labels.as_slice() {
        // <a-b-c-d>.<ns>.pod
        [ip, ns, "pod"] => {
            if sim.get(Kind::Namespace, "", ns).is_none() {
                return Answer::NxDomain;
            }
            let dotted = ip.replace('-', ".");
            if dotted.split('.').count() == 4 && dotted.split('.').all(|p| p.parse::<u8>().is_ok()) {
                return if qtype == QType::A {
                    Answer::Records(vec![Record::A { name: name.clone(), ip: dotted }])
                } else {
                    Answer::NoData
                };
            }
            Answer::NxDomain
        }
        [svc, ns, "svc"] => service(sim, &name, ns, svc, None, qtype),
        [port, proto, svc, ns, "svc"] if port.starts_with('_') && proto.starts_with('_') => {
            if qtype != QType::Srv {
                return Answer::NxDomain;
            }
            srv(sim, &name, ns, svc, Some((&port[1..], &proto[1..])))
        }
        [host, svc, ns, "svc"] => service(sim, &name, ns, svc, Some(host), qtype),
        _ => Answer::NxDomain,
    }
}

fn service(sim: &Sim, name: &str, ns: &str, svc_name: &str, host: Option<&str>, qtype: QType) -> Answer {
    let Some(svc) = sim.get(Kind::Service, ns, svc_name) else { return Answer::NxDomain };
    let headless = obj::str_at(svc, "/spec/clusterIP") == Some("None");
    if let Some(h) = host {
        let mut hit: Vec<Record> = Vec::new();
        each_endpoint(sim, ns, svc_name, |ip, hn, _| {
            if hn.map_or_else(|| ip.replace('.', "-") == h, |hn| hn == h) {
                hit.push(Record::A { name: name.to_string(), ip: ip.to_string() });
            }
            false
        });
        crate::support::sort::sort_by(&mut hit, |a, b| record_ip(a).cmp(record_ip(b)));
        if hit.is_empty() {
            return Answer::NxDomain;
        }
        return if qtype == QType::A { Answer::Records(hit) } else { Answer::NoData };
    }
    match qtype {
        QType::Srv => srv(sim, name, ns, svc_name, None),
        QType::A if headless => {
            let eps = endpoints(sim, ns, svc_name);
            if eps.is_empty() {
                return Answer::NxDomain;
            }
            Answer::Records(eps.into_iter().map(|(ip, _, _)| Record::A { name: name.to_string(), ip }).collect())
        }
        QType::A => {
            let ips: Vec<String> =
                obj::arr_at(svc, "/spec/clusterIPs").iter().filter_map(Value::as_str).map(String::from).collect();
            Answer::Records(ips.into_iter().map(|ip| Record::A { name: name.to_string(), ip }).collect())
        }
        _ => {
            if headless && !has_endpoints(sim, ns, svc_name) {
                Answer::NxDomain
            } else {
                Answer::NoData
            }
        }
    }
}

fn srv(sim: &Sim, name: &str, ns: &str, svc_name: &str, port_proto: Option<(&str, &str)>) -> Answer {
    let Some(svc) = sim.get(Kind::Service, ns, svc_name) else { return Answer::NxDomain };
    let zone = &sim.profile.cluster_domain;
    let headless = obj::str_at(svc, "/spec/clusterIP") == Some("None");
    let wants = |pname: &Option<String>, proto: &str| match port_proto {
        None => true,
        Some((p, pr)) => pname.as_deref() == Some(p) && proto.eq_ignore_ascii_case(pr),
    };
    let mut targets: Vec<(u16, String)> = Vec::new();
    if headless {
        for (ip, hn, ports) in endpoints(sim, ns, svc_name) {
            for (pname, port, proto) in ports {
                if pname.is_some() && wants(&pname, &proto) {
                    targets.push((port, format!("{}.{svc_name}.{ns}.svc.{zone}.", endpoint_hostname(&ip, &hn))));
                }
            }
        }
    } else {
        for p in obj::arr_at(svc, "/spec/ports") {
            let pname = obj::str_at(p, "/name").map(String::from);
            let proto = obj::str_at(p, "/protocol").unwrap_or("TCP");
            if pname.is_some() && wants(&pname, proto) {
                targets.push((obj::i64_at(p, "/port").unwrap_or(0) as u16, format!("{svc_name}.{ns}.svc.{zone}.")));
            }
        }
    }
    if targets.is_empty() {
        return if headless && !has_endpoints(sim, ns, svc_name) { Answer::NxDomain } else { Answer::NoData };
    }
    // In the seed, SRV answers come in target order (A answers in endpoint order).
    crate::support::sort::sort_by(&mut targets, |a, b| a.1.cmp(&b.1));
    // CoreDNS: weight 0 counts as 100, then floor(100 / sum * 100) per record → floor(100/N).
    let weight = (100 / targets.len()).max(1) as u16;
    Answer::Records(
        targets
            .into_iter()
            .map(|(port, target)| Record::Srv { name: name.to_string(), priority: 0, weight, port, target })
            .collect(),
    )
}

fn ptr(sim: &Sim, name: &str) -> Answer {
    let Some(rev) = name.strip_suffix(".in-addr.arpa") else { return Answer::NxDomain };
    let mut parts: Vec<&str> = rev.split('.').collect();
    if parts.len() != 4 {
        return Answer::NxDomain;
    }
    parts.reverse();
    let ip = parts.join(".");
    let zone = &sim.profile.cluster_domain;
    for (_, svc) in sim.store.list(Kind::Service, None) {
        if obj::arr_at(svc, "/spec/clusterIPs").iter().any(|v| v.as_str() == Some(ip.as_str())) {
            return Answer::Records(vec![Record::Ptr {
                name: name.to_string(),
                target: format!("{}.{}.svc.{zone}.", obj::name(svc), obj::namespace(svc)),
            }]);
        }
    }
    for (k, _) in sim.store.list(Kind::Service, None) {
        let mut host = None;
        each_endpoint(sim, &k.ns, &k.name, |eip, hn, _| {
            if eip == ip {
                host = Some(endpoint_hostname(eip, &hn.map(String::from)));
            }
            host.is_some()
        });
        if let Some(h) = host {
            return Answer::Records(vec![Record::Ptr {
                name: name.to_string(),
                target: format!("{h}.{}.{}.svc.{zone}.", k.name, k.ns),
            }]);
        }
    }
    Answer::NxDomain
}

/// The names a search-list resolver tries for `name` (resolv.conf `search` and `ndots:5`).
pub fn candidates(sim: &Sim, ns: &str, name: &str) -> Vec<String> {
    let name = name.trim_end_matches('.');
    let d = &sim.profile.cluster_domain;
    let search = [format!("{ns}.svc.{d}"), format!("svc.{d}"), d.clone()];
    let dots = name.matches('.').count();
    let mut out = Vec::new();
    if dots < 5 {
        out.extend(search.iter().map(|s| format!("{name}.{s}")));
    }
    out.push(name.to_string());
    out
}

/// Resolves as glibc/BIND clients do: the search list first, then the name as given.
/// Returns the name that answered and its A records.
pub fn resolve(sim: &Sim, ns: &str, name: &str) -> Option<(String, Vec<String>)> {
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some((name.to_string(), vec![name.to_string()]));
    }
    for c in candidates(sim, ns, name) {
        if let Answer::Records(rs) = lookup(sim, &c, QType::A) {
            let ips: Vec<String> =
                rs.into_iter().filter_map(|r| if let Record::A { ip, .. } = r { Some(ip) } else { None }).collect();
            if !ips.is_empty() {
                return Some((c, ips));
            }
        }
    }
    None
}

/// What a CoreDNS container prints as it starts (coremain/run.go at the image's tag): each zone
/// of the Corefile's server blocks with its port (dnsserver's `startUpZones`: `.:53`), then
/// `showVersion`'s release line and platform line (`<os>/<arch>, <go>, <commit>`).
// k8s-diff: the reload plugin's `[INFO] plugin/reload: Running configuration SHA512 = ...`
// line between them is left out: it is the SHA-512 of the parsed Corefile's JSON, not modelled.
pub fn coredns_startup(corefile: &str, tag: &str, platform: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for block in corefile.lines().filter(|l| !l.starts_with([' ', '\t', '}']) && l.trim_end().ends_with('{')) {
        for key in block.trim_end().trim_end_matches('{').split_whitespace() {
            let (zone, port) = key.rsplit_once(':').unwrap_or((key, "53"));
            let dot = if zone.ends_with('.') { "" } else { "." };
            lines.push(format!("{zone}{dot}:{port}"));
        }
    }
    let version = tag.trim_start_matches('v');
    lines.push(format!("CoreDNS-{version}"));
    if let Some((go, commit)) = coredns_build(version) {
        lines.push(format!("{platform}, {go}, {commit}"));
    }
    lines
}

/// The Go release a CoreDNS release's image was built with and the commit of its tag (the
/// `GitCommit` its Makefile stamps: `git rev-parse --short=7 <tag>` in coredns/coredns), for
/// the releases kubeadm installs; the Go releases are those the images print.
fn coredns_build(version: &str) -> Option<(&'static str, &'static str)> {
    Some(match version {
        "1.8.6" => ("go1.17.1", "13a9191"),
        "1.9.3" => ("go1.18.2", "45b0a11"),
        "1.10.1" => ("go1.20", "055b2c3"),
        "1.11.1" => ("go1.20.7", "ae2bbc2"),
        _ => return None,
    })
}

/// The start-up log of CoreDNS container `c` of the pod `key`: its Corefile from the `coredns`
/// ConfigMap of its namespace, its platform from its node.
pub fn coredns_log(sim: &Sim, key: &super::ObjKey, tag: &str) -> Vec<String> {
    let cm = sim.store.get(&super::ObjKey::new(Kind::ConfigMap, &key.ns, "coredns"));
    let corefile = cm.and_then(|c| obj::str_at(c, "/data/Corefile")).unwrap_or("");
    let node = sim.store.get(key).and_then(|p| obj::str_at(p, "/spec/nodeName")).unwrap_or("");
    let info = sim.store.get(&super::ObjKey::new(Kind::Node, "", node));
    let at = |p: &str| info.and_then(|n| obj::str_at(n, p)).unwrap_or("");
    let platform = format!("{}/{}", at("/status/nodeInfo/operatingSystem"), at("/status/nodeInfo/architecture"));
    coredns_startup(corefile, tag, &platform)
}
