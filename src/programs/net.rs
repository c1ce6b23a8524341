//! Network tools in a container: `curl` against the cluster's pods and Services (nginx images
//! serve `/usr/share/nginx/html` on port 80, the tutorials' servers what `apps` answers), and the DNS clients (BIND `nslookup`, `dig`,
//! `host`, and busybox's two `nslookup`s), each in its own output format (reference §4.5).

use super::PodHost;
use crate::shell::{Env, Output};
use crate::sim::dns::{self, Answer, QType, Record};
use crate::sim::{obj, Kind, ObjKey, Sim};

/// Where a `curl` runs: in a pod (cluster DNS with its namespace's search list, `localhost` is
/// the pod), or on a node (IP addresses only; `localhost` is the node, whose kube-proxy serves
/// NodePorts).
pub struct Client {
    /// The pod it runs in, or `None` on a node.
    pub pod: Option<ObjKey>,
    /// The source address nginx logs.
    pub ip: String,
    /// The node's address, when it runs on a node.
    pub node_ip: Option<String>,
    /// curl ≥ 7.76 words a refused connection differently.
    pub new_curl: bool,
    pub agent: &'static str,
    /// `kubectl port-forward`s listening on this machine: local port, pod, the pod's port.
    pub forwards: Vec<(u16, ObjKey, u16)>,
    /// The forwarded local ports this client connected to.
    pub hits: std::cell::RefCell<Vec<u16>>,
}

impl Client {
    fn of(host: &PodHost<'_>) -> Client {
        let ip = host
            .sim
            .store
            .get(&host.pod)
            .and_then(|p| obj::str_at(p, "/status/podIP").map(String::from))
            .unwrap_or_default();
        Client {
            pod: Some(host.pod.clone()),
            ip,
            node_ip: None,
            new_curl: host.traits.new_curl,
            agent: if host.traits.new_curl { "curl/8.7.1" } else { "curl/7.38.0" },
            forwards: Vec::new(),
            hits: Default::default(),
        }
    }
}

/// What serves HTTP in a container: nginx (its `Server` version), or one of the tutorials'
/// programs ([`super::apps`]).
pub(crate) enum Serves {
    Nginx(String),
    App(crate::sim::entrypoint::App),
}

/// What listens on `ip:port`: the pod (key), the container and its server, if any.
fn listener(sim: &Sim, client: &Client, ip: &str, port: u16) -> Option<(ObjKey, String, Serves)> {
    let pod_key = if ip == "127.0.0.1" || ip == "localhost" {
        client.pod.clone()
    } else {
        sim.store
            .list(Kind::Pod, None)
            .find(|(_, p)| obj::str_at(p, "/status/podIP") == Some(ip) && !obj::is_deleting(p))
            .map(|(k, _)| k.clone())
    }?;
    let pod = sim.store.get(&pod_key)?;
    if obj::str_at(pod, "/status/phase") != Some("Running") {
        return None;
    }
    for c in obj::arr_at(pod, "/spec/containers") {
        let image = obj::str_at(c, "/image").unwrap_or("");
        let name = obj::str_at(c, "/name").unwrap_or("").to_string();
        if let (Some(server), 80) = (super::traits(image).nginx, port) {
            return Some((pod_key.clone(), name, Serves::Nginx(server)));
        }
        if let Some(app) = crate::sim::entrypoint::app(c).filter(|a| a.port() == Some(port)) {
            return Some((pod_key.clone(), name, Serves::App(app)));
        }
    }
    None
}

/// What a server answers (status, reason, the headers after the status line, body) to GET
/// `path` from `source`, logging the request as the server logs it.
#[allow(clippy::too_many_arguments)]
fn reply(
    sim: &mut Sim,
    pod: &ObjKey,
    container: &str,
    serves: &Serves,
    path: &str,
    source: &str,
    head: bool,
    agent: &str,
) -> (u16, &'static str, String, String) {
    match serves {
        Serves::Nginx(server) => {
            let (status, reason, body) = serve(sim, pod, container, server, path);
            access_log(sim, pod, container, source, path, status, head, &body, agent);
            let headers = format!(
                "Server: {server}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: keep-alive\r\n",
                body.len()
            );
            (status, reason, headers, body)
        }
        Serves::App(app) => {
            // The client's ephemeral port (Linux's ip_local_port_range).
            let remote = format!("{source}:{}", sim.rand_range(32_768, 60_999));
            let a = super::apps::answer(sim, pod, container, *app, path, &remote);
            let date = crate::support::gotime::rfc1123z(&sim.timestamp()).replace("+0000", "GMT");
            // Go's net/http writes Date and Content-Length, then the content type it sniffed;
            // Apache its Server after the Date.
            let server = if a.server.is_empty() { String::new() } else { format!("Server: {}\r\n", a.server) };
            let headers = format!(
                "Date: {date}\r\n{server}Content-Length: {}\r\nContent-Type: {}\r\n",
                a.body.len(),
                a.content_type
            );
            (a.status, a.reason, headers, a.body)
        }
    }
}

/// An nginx error page.
fn nginx_error(code: u16, text: &str, server: &str) -> String {
    format!("<html>\r\n<head><title>{code} {text}</title></head>\r\n<body>\r\n<center><h1>{code} {text}</h1></center>\r\n<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n")
}

/// Serves GET `path` from the nginx container: (status, reason, body).
pub(crate) fn serve(sim: &Sim, pod: &ObjKey, container: &str, server: &str, path: &str) -> (u16, &'static str, String) {
    let Some(view) = sim.fs_view(pod, container) else {
        return (502, "Bad Gateway", nginx_error(502, "Bad Gateway", server));
    };
    let files = view.all_files(&sim.fs);
    let dirs = view.all_dirs(&sim.fs);
    let root = "/usr/share/nginx/html";
    let clean = path.split(['?', '#']).next().unwrap_or("/");
    let full = format!("{root}{clean}");
    if clean.ends_with('/') {
        let dir = full.trim_end_matches('/');
        return match files.get(&format!("{dir}/index.html")) {
            Some(body) => (200, "OK", body.clone()),
            None if dirs.contains(dir) || dir == root => (403, "Forbidden", nginx_error(403, "Forbidden", server)),
            None => (404, "Not Found", nginx_error(404, "Not Found", server)),
        };
    }
    match files.get(&full) {
        Some(body) => (200, "OK", body.clone()),
        None if dirs.contains(&full) => (301, "Moved Permanently", nginx_error(301, "Moved Permanently", server)),
        None => (404, "Not Found", nginx_error(404, "Not Found", server)),
    }
}

pub fn curl(host: &mut PodHost<'_>, argv: &[String], env: &mut Env, out: &mut Output) -> i32 {
    let client = Client::of(host);
    curl_from(host.sim, &client, argv, env, out)
}

/// `curl` from `client` against the cluster's pods, Services and NodePorts.
/// Why a request got no answer.
pub enum Fetch {
    /// The name does not resolve.
    NoHost(String),
    /// Nothing listens there (the host as typed, the port, the address it resolved to).
    Refused(String, u16, String),
    /// A port-forward took the connection but nothing listens on the pod's port: kubectl
    /// closes it without a reply.
    Empty,
}

/// A GET (or HEAD) of `url` from `client`: the address it reached and the server's answer
/// (status, reason, the headers after the status line, body). A Service's cluster IP, or a node's NodePort (kube-proxy), forwards
/// to one of its ready endpoints; the answering nginx logs the request.
fn fetch(
    sim: &mut Sim,
    client: &Client,
    url: &str,
    head: bool,
) -> Result<(u16, &'static str, String, String, String), Fetch> {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let (hostport, path) = match rest.find('/') {
        Some(p) => (&rest[..p], rest[p..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (hostname, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse::<u16>().unwrap_or(0)),
        None => (hostport.to_string(), 80),
    };
    // Resolve: localhost, an IP, or (in a pod) a cluster name through its search list.
    let is_ip = hostname.split('.').count() == 4 && hostname.split('.').all(|p| p.parse::<u8>().is_ok());
    let ip = if hostname == "localhost" || hostname == "127.0.0.1" {
        "127.0.0.1".to_string()
    } else if is_ip {
        hostname.clone()
    } else {
        match client.pod.as_ref().and_then(|p| dns::resolve(sim, &p.ns, &hostname)) {
            Some((_, ips)) => ips[0].clone(),
            None => return Err(Fetch::NoHost(hostname)),
        }
    };
    let mut target = (ip.clone(), port);
    // A port-forward on this machine: kubectl carries the connection to the pod's port, where
    // it arrives from the pod's own localhost.
    if ip == "127.0.0.1" && client.node_ip.is_some() {
        if let Some((local, pod, remote)) = client.forwards.iter().find(|f| f.0 == port) {
            client.hits.borrow_mut().push(*local);
            let pod_ip = sim.store.get(pod).and_then(|p| obj::str_at(p, "/status/podIP")).unwrap_or("").to_string();
            let forwarded = Client {
                pod: Some(pod.clone()),
                ip: "127.0.0.1".into(),
                node_ip: None,
                new_curl: client.new_curl,
                agent: client.agent,
                forwards: Vec::new(),
                hits: Default::default(),
            };
            let Some((pod, container, serves)) = listener(sim, &forwarded, &pod_ip, *remote) else {
                return Err(Fetch::Empty);
            };
            let (status, reason, headers, body) =
                reply(sim, &pod, &container, &serves, &path, "127.0.0.1", head, client.agent);
            return Ok((status, reason, headers, body, ip));
        }
    }
    let on_node = sim.store.list(Kind::Node, None).any(|(_, n)| {
        obj::arr_at(n, "/status/addresses").iter().any(|a| obj::str_at(a, "/address") == Some(ip.as_str()))
    }) || (ip == "127.0.0.1" && client.node_ip.is_some());
    let svc_hit = sim
        .store
        .list(Kind::Service, None)
        .find(|(_, s)| {
            obj::str_at(s, "/spec/clusterIP") == Some(ip.as_str())
                || (on_node
                    && obj::arr_at(s, "/spec/ports").iter().any(|p| obj::i64_at(p, "/nodePort") == Some(port as i64)))
        })
        .map(|(k, s)| (k.clone(), s.clone()));
    if let Some((k, svc)) = svc_hit {
        let by_node_port = obj::str_at(&svc, "/spec/clusterIP") != Some(ip.as_str());
        let sp = obj::arr_at(&svc, "/spec/ports")
            .iter()
            .find(|p| obj::i64_at(p, if by_node_port { "/nodePort" } else { "/port" }) == Some(port as i64))
            .cloned();
        let ep = sim.get(Kind::Endpoints, &k.ns, &k.name).cloned();
        let first = ep.as_ref().and_then(|e| obj::arr_at(e, "/subsets").first().cloned());
        match (sp, first) {
            (Some(sp), Some(s)) => {
                let pname = obj::str_at(&sp, "/name");
                let tport = obj::arr_at(&s, "/ports")
                    .iter()
                    .find(|p| obj::str_at(p, "/name") == pname)
                    .and_then(|p| obj::i64_at(p, "/port"))
                    .unwrap_or(port as i64);
                let addrs = obj::arr_at(&s, "/addresses");
                if addrs.is_empty() {
                    return Err(Fetch::Refused(hostname, port, ip.clone()));
                }
                let pick = (sim.rand_range(0, addrs.len() as u64 - 1)) as usize;
                target = (obj::str_at(&addrs[pick], "/ip").unwrap_or("").to_string(), tport as u16);
            }
            _ => return Err(Fetch::Refused(hostname, port, ip.clone())),
        }
    }
    let Some((pod, container, serves)) = listener(sim, client, &target.0, target.1) else {
        return Err(Fetch::Refused(hostname, port, ip.clone()));
    };
    let source = if target.0 == "127.0.0.1" { "127.0.0.1".to_string() } else { client.ip.clone() };
    let (status, reason, headers, body) = reply(sim, &pod, &container, &serves, &path, &source, head, client.agent);
    Ok((status, reason, headers, body, ip))
}

/// nginx writes an access-log line to its stdout (`kubectl logs`).
#[allow(clippy::too_many_arguments)]
fn access_log(
    sim: &mut Sim,
    pod: &ObjKey,
    container: &str,
    source: &str,
    path: &str,
    status: u16,
    head: bool,
    body: &str,
    agent: &str,
) {
    if let Some(uid) = sim.store.get(pod).map(|p| obj::uid(p).to_string()) {
        let t = sim.unix_at(sim.now());
        let when = crate::support::gotime::clf_time(t);
        let line = format!(
            "{source} - - [{when}] \"{} {path} HTTP/1.1\" {status} {} \"-\" \"{agent}\" \"-\"",
            if head { "HEAD" } else { "GET" },
            if head { 0 } else { body.len() }
        );
        crate::sim::kubelet::append_log(sim, &uid, container, vec![line]);
    }
}

/// `curl` from `client` against the cluster's pods, Services and NodePorts.
pub fn curl_from(sim: &mut Sim, client: &Client, argv: &[String], env: &mut Env, out: &mut Output) -> i32 {
    let mut url = None;
    let mut silent = false;
    let mut show_err = false;
    let mut head = false;
    let mut include = false;
    let mut fail = false;
    let mut output: Option<String> = None;
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        match a {
            "-o" | "--output" => {
                i += 1;
                output = argv.get(i).cloned();
            }
            "-s" | "--silent" => silent = true,
            "-S" | "--show-error" => show_err = true,
            "-I" | "--head" => head = true,
            "-i" | "--include" => include = true,
            "-f" | "--fail" => fail = true,
            "-m" | "--max-time" | "-H" | "--header" | "-X" | "--request" | "--connect-timeout" => i += 1,
            _ if a.starts_with('-') && !a.starts_with("--") => {
                silent |= a.contains('s');
                show_err |= a.contains('S');
                head |= a.contains('I');
                include |= a.contains('i');
                fail |= a.contains('f');
            }
            _ if a.starts_with("--") => {}
            _ => url = Some(a.to_string()),
        }
        i += 1;
    }
    let Some(url) = url else {
        out.err("curl: try 'curl --help' or 'curl --manual' for more information\n");
        return 2;
    };
    let err = |out: &mut Output, code: i32, msg: String| {
        if !silent || show_err {
            out.err(&format!("curl: ({code}) {msg}\n"));
        }
        code
    };
    if url.starts_with("https://") {
        return err(out, 7, "Failed to connect: HTTPS is not served in this lab".into());
    }
    let (status, reason, header_lines, body) = match fetch(sim, client, &url, head) {
        Ok((status, reason, headers, body, _)) => (status, reason, headers, body),
        Err(Fetch::NoHost(h)) => return err(out, 6, format!("Could not resolve host: {h}")),
        Err(Fetch::Refused(h, p, _)) => return err(out, 7, refused(client, &h, p)),
        Err(Fetch::Empty) => return err(out, 52, "Empty reply from server".into()),
    };
    if fail && status >= 400 {
        return err(out, 22, format!("The requested URL returned error: {status}"));
    }
    let headers = format!("HTTP/1.1 {status} {reason}\r\n{header_lines}\r\n");
    let text = if head {
        headers
    } else if include {
        format!("{headers}{body}")
    } else {
        body
    };
    match output {
        Some(f) => {
            let p = env.resolve_path(&f);
            env.write_file(&p, &text);
        }
        None => out.out(&text),
    }
    0
}

/// busybox `wget [-q] [-O FILE|-] [-T N] [--spider] URL`: the page to a file (`index.html` by
/// default) or stdout, with busybox's words for what goes wrong.
pub fn wget(host: &mut PodHost<'_>, argv: &[String], env: &mut Env, out: &mut Output) -> i32 {
    let client = Client::of(host);
    let (mut quiet, mut to, mut spider, mut url) = (false, None::<String>, false, None::<String>);
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        match a {
            "-O" => {
                i += 1;
                to = argv.get(i).cloned();
            }
            "-T" | "-U" | "--header" => i += 1,
            "--spider" => spider = true,
            "-q" => quiet = true,
            _ if a.starts_with("-O") => to = Some(a[2..].to_string()),
            // Clustered short flags: `-qO-`, `-qO FILE`.
            _ if a.starts_with('-') && !a.starts_with("--") => {
                quiet |= a[..a.find('O').unwrap_or(a.len())].contains('q');
                if let Some(at) = a.find('O') {
                    let value = &a[at + 1..];
                    to = if value.is_empty() {
                        i += 1;
                        argv.get(i).cloned()
                    } else {
                        Some(value.to_string())
                    };
                }
            }
            _ if a.starts_with("--") => {}
            _ => url = Some(a.to_string()),
        }
        i += 1;
    }
    let Some(url) = url else {
        out.err("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n");
        return 1;
    };
    let url = if url.contains("://") { url } else { format!("http://{url}") };
    let hostport = url.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("").to_string();
    match fetch(host.sim, &client, &url, spider) {
        Err(Fetch::NoHost(h)) => {
            out.err(&format!("wget: bad address '{h}'\n"));
            1
        }
        Err(Fetch::Empty) => {
            out.err("wget: error getting response\n");
            1
        }
        Err(Fetch::Refused(_, port, ip)) => {
            if !quiet {
                out.err(&format!("Connecting to {hostport} ({ip}:{port})\n"));
            }
            out.err(&format!("wget: can't connect to remote host ({ip}): Connection refused\n"));
            1
        }
        Ok((status, reason, _, body, ip)) => {
            let port = hostport.rsplit_once(':').map_or("80".to_string(), |(_, p)| p.to_string());
            if !quiet {
                out.err(&format!("Connecting to {hostport} ({ip}:{port})\n"));
            }
            if status >= 400 {
                out.err(&format!("wget: server returned error: HTTP/1.1 {status} {reason}\n"));
                return 1;
            }
            if spider {
                if !quiet {
                    out.err("remote file exists\n");
                }
                return 0;
            }
            // The URL path's last segment, or index.html for a directory.
            let path = url.split("://").nth(1).unwrap_or("").split_once('/').map_or("", |(_, p)| p);
            let file = to.unwrap_or_else(|| {
                path.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("index.html").to_string()
            });
            if file == "-" {
                if !quiet {
                    out.err("writing to stdout\n");
                }
                out.out(&body);
                if !quiet {
                    out.err(&format!("-                    100% |********************************|   {}  0:00:00 ETA\nwritten to stdout\n", body.len()));
                }
            } else {
                let p = env.resolve_path(&file);
                env.write_file(&p, &body);
                if !quiet {
                    out.err(&format!("saving to '{file}'\n{file:<20} 100% |********************************|   {}  0:00:00 ETA\n'{file}' saved\n", body.len()));
                }
            }
            0
        }
    }
}

fn refused(client: &Client, hostname: &str, port: u16) -> String {
    if client.new_curl {
        format!("Failed to connect to {hostname} port {port} after 0 ms: Couldn't connect to server")
    } else {
        format!("Failed to connect to {hostname} port {port}: Connection refused")
    }
}

/// Asks the cluster DNS for `name` as a search-list resolver would; returns the tried name and answer.
fn query(host: &PodHost<'_>, name: &str, qtype: QType, search: bool) -> (String, Answer) {
    let cands = if search {
        dns::candidates(host.sim, &host.pod.ns, name)
    } else {
        vec![name.trim_end_matches('.').to_string()]
    };
    let mut last = (name.to_string(), Answer::NxDomain);
    for c in cands {
        let a = dns::lookup(host.sim, &c, qtype);
        if matches!(a, Answer::Records(_)) {
            return (c, a);
        }
        if !matches!(a, Answer::NxDomain) {
            last = (c, a);
        }
    }
    last
}

fn reverse_name(ip: &str) -> Option<String> {
    let p: Vec<&str> = ip.split('.').collect();
    (p.len() == 4 && p.iter().all(|x| x.parse::<u8>().is_ok()))
        .then(|| format!("{}.{}.{}.{}.in-addr.arpa", p[3], p[2], p[1], p[0]))
}

/// nslookup as the pod's image has it (`traits.nslookup`): bind's (the default), busybox's, or
/// the old busybox 1.28's; an IPv4 address is looked up by its PTR name.
pub fn nslookup(host: &mut PodHost<'_>, argv: &[String], out: &mut Output) -> i32 {
    let flavor = host.traits.nslookup.unwrap_or("bind");
    let (name, qtype) = match nslookup_args(flavor, argv) {
        Ok(q) => q,
        Err(e) => {
            out.err(e);
            return 1;
        }
    };
    match flavor {
        "busybox-old" => nslookup_busybox_old(host, &name, out),
        "busybox" => nslookup_busybox(host, &name, qtype, out),
        _ => nslookup_bind(host, &name, qtype, out),
    }
}

/// The name and type nslookup asks for (`-type=`, `-query=`, `-q=`; an IPv4 address as its
/// PTR name), or what it says on stderr when there is none or the old busybox refuses a type.
fn nslookup_args(flavor: &str, argv: &[String]) -> Result<(String, QType), &'static str> {
    let mut qtype = QType::A;
    let mut name = None;
    for a in &argv[1..] {
        let Some(t) = a.strip_prefix("-type=").or_else(|| a.strip_prefix("-query=")).or_else(|| a.strip_prefix("-q="))
        else {
            name = name.or_else(|| Some(a.clone()));
            continue;
        };
        if flavor == "busybox-old" {
            return Err("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: nslookup [HOST] [SERVER]\n\nQuery the nameserver for the IP address of the given HOST\noptionally using a specified DNS server\n");
        }
        qtype = match t.to_ascii_lowercase().as_str() {
            "srv" => QType::Srv,
            "ptr" => QType::Ptr,
            "aaaa" => QType::Aaaa,
            _ => QType::A,
        };
    }
    let Some(name) = name else {
        return Err("nslookup: no host given\n");
    };
    if qtype == QType::A {
        if let Some(r) = reverse_name(&name) {
            return Ok((r, QType::Ptr));
        }
    }
    Ok((name, qtype))
}

/// busybox 1.28's nslookup: the server's name, then each address numbered with its PTR name.
fn nslookup_busybox_old(host: &PodHost<'_>, name: &str, out: &mut Output) -> i32 {
    let dns_ip = &host.sim.profile.cluster_dns;
    out.out(&format!(
        "{:<10} {dns_ip}\nAddress 1: {dns_ip} kube-dns.kube-system.svc.{}\n\n",
        "Server:", host.sim.profile.cluster_domain
    ));
    let (_, Answer::Records(rs)) = query(host, name, QType::A, true) else {
        out.err(&format!("nslookup: can't resolve '{name}'\n"));
        return 1;
    };
    out.out(&format!("{:<10} {name}\n", "Name:"));
    for (i, r) in rs.iter().enumerate() {
        if let Record::A { ip, .. } = r {
            out.out(&format!("Address {}: {ip}{}\n", i + 1, ptr_suffix(host.sim, ip)));
        }
    }
    0
}

/// ` name` for the PTR record of an IPv4 address, or nothing when it has none.
fn ptr_suffix(sim: &Sim, ip: &str) -> String {
    let Some(Answer::Records(p)) = reverse_name(ip).map(|n| dns::lookup(sim, &n, QType::Ptr)) else {
        return String::new();
    };
    p.iter()
        .find_map(|x| match x {
            Record::Ptr { target, .. } => Some(format!(" {}", target.trim_end_matches('.'))),
            _ => None,
        })
        .unwrap_or_default()
}

/// busybox's nslookup: A and AAAA for an address query, each answered in its own paragraph.
fn nslookup_busybox(host: &PodHost<'_>, name: &str, qtype: QType, out: &mut Output) -> i32 {
    let dns_ip = &host.sim.profile.cluster_dns;
    out.out(&format!("Server:\t\t{dns_ip}\nAddress:\t{dns_ip}:53\n\n"));
    // Since busybox 1.30 the search list is used only for names without a dot.
    let search = !name.contains('.');
    let types = if qtype == QType::A { vec![QType::A, QType::Aaaa] } else { vec![qtype] };
    let mut ok = false;
    for t in types {
        let (tried, a) = query(host, name, t, search);
        match a {
            Answer::Records(rs) => {
                ok = true;
                for r in rs {
                    out.out(&busybox_record(&r));
                }
                out.out("\n");
            }
            Answer::NoData => out.out(&format!("*** Can't find {tried}: No answer\n\n")),
            Answer::NxDomain => out.out(&format!("** server can't find {name}: NXDOMAIN\n\n")),
        }
    }
    i32::from(!ok)
}

/// One record as busybox's nslookup prints it (targets without their final dot).
fn busybox_record(r: &Record) -> String {
    match r {
        Record::A { name: n, ip } => format!("Name:\t{n}\nAddress: {ip}\n"),
        Record::Srv { name: n, priority, weight, port, target } => {
            format!("{n}\tservice = {priority} {weight} {port} {}\n", target.trim_end_matches('.'))
        }
        Record::Ptr { name: n, target } => format!("{n}\tname = {}\n", target.trim_end_matches('.')),
    }
}

/// bind's nslookup: the search list for all but PTR queries; 1 when there is no answer.
fn nslookup_bind(host: &PodHost<'_>, name: &str, qtype: QType, out: &mut Output) -> i32 {
    let (tried, a) = query(host, name, qtype, qtype != QType::Ptr);
    bind_answer(&host.sim.profile.cluster_dns, name, &tried, a, out)
}

/// bind's nslookup on the lab machine (Ubuntu's bind9-dnsutils), as the Debug Services page
/// runs it "from a Node": `nslookup NAME SERVER` asks the cluster's DNS Service through
/// kube-proxy, with no search list (the node's resolv.conf has none of the cluster's).
pub fn nslookup_from_node(sim: &Sim, argv: &[String], out: &mut Output) -> i32 {
    let (name, qtype) = match nslookup_args("bind", argv) {
        Ok(q) => q,
        Err(e) => {
            out.err(e);
            return 1;
        }
    };
    let positional: Vec<&String> = argv[1..].iter().filter(|a| !a.starts_with('-')).collect();
    let server = positional.get(1).map_or("127.0.0.53", |s| s.as_str());
    if server != sim.profile.cluster_dns && server != "127.0.0.53" {
        out.out(";; connection timed out; no servers could be reached\n\n");
        return 1;
    }
    // k8s-diff: the node's own resolver (systemd-resolved) would ask the internet, which the
    // lab has not: every name it is asked is one it cannot find.
    let a = if server == "127.0.0.53" { Answer::NxDomain } else { dns::lookup(sim, &name, qtype) };
    bind_answer(server, &name, &name, a, out)
}

/// What bind's nslookup prints for `server`'s answer to `name` (`tried` with its search domain).
fn bind_answer(server: &str, name: &str, tried: &str, a: Answer, out: &mut Output) -> i32 {
    out.out(&format!("Server:\t\t{server}\nAddress:\t{server}#53\n\n"));
    match a {
        Answer::Records(rs) => {
            for r in rs {
                out.out(&bind_record(&r));
            }
            out.out("\n");
            0
        }
        Answer::NoData => {
            out.out(&format!("*** Can't find {tried}: No answer\n\n"));
            1
        }
        Answer::NxDomain => {
            out.out(&format!("** server can't find {name}: NXDOMAIN\n\n"));
            1
        }
    }
}

/// One record as bind's nslookup prints it (targets keep their final dot).
fn bind_record(r: &Record) -> String {
    match r {
        Record::A { name: n, ip } => format!("Name:\t{n}\nAddress: {ip}\n"),
        Record::Srv { name: n, priority, weight, port, target } => {
            format!("{n}\tservice = {priority} {weight} {port} {target}\n")
        }
        Record::Ptr { name: n, target } => format!("{n}\tname = {target}\n"),
    }
}

pub fn dig(host: &mut PodHost<'_>, argv: &[String], out: &mut Output) -> i32 {
    let short = argv.iter().any(|a| a == "+short");
    let search = argv.iter().any(|a| a == "+search");
    let mut qtype = QType::A;
    let mut name = None;
    for a in &argv[1..] {
        match a.to_ascii_uppercase().as_str() {
            "SRV" => qtype = QType::Srv,
            "A" => qtype = QType::A,
            "PTR" => qtype = QType::Ptr,
            "AAAA" => qtype = QType::Aaaa,
            "-X" => qtype = QType::Ptr,
            _ if a.starts_with('+') || a.starts_with('-') || a.starts_with('@') => {}
            _ => {
                if name.is_none() {
                    name = Some(a.clone());
                }
            }
        }
    }
    let Some(mut name) = name else {
        out.out(".\t\t\t518400\tIN\tNS\ta.root-servers.net.\n");
        return 0;
    };
    if qtype == QType::Ptr {
        if let Some(r) = reverse_name(&name) {
            name = r;
        }
    }
    // dig does not use the search list unless +search.
    let (tried, a) = query(host, &name, qtype, search);
    let records = match &a {
        Answer::Records(rs) => rs.clone(),
        _ => Vec::new(),
    };
    let rdata = |r: &Record| match r {
        Record::A { ip, .. } => ("A", ip.clone()),
        Record::Srv { priority, weight, port, target, .. } => ("SRV", format!("{priority} {weight} {port} {target}")),
        Record::Ptr { target, .. } => ("PTR", target.clone()),
    };
    if short {
        for r in &records {
            out.out(&format!("{}\n", rdata(r).1));
        }
        return 0;
    }
    let status = if matches!(a, Answer::NxDomain) { "NXDOMAIN" } else { "NOERROR" };
    let qt = match qtype {
        QType::A => "A",
        QType::Aaaa => "AAAA",
        QType::Srv => "SRV",
        QType::Ptr => "PTR",
    };
    let dns_ip = host.sim.profile.cluster_dns.clone();
    out.out(&format!("\n; <<>> DiG 9.18.24 <<>> {}\n;; global options: +cmd\n;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: {status}, id: 4242\n;; flags: qr aa rd; QUERY: 1, ANSWER: {}, AUTHORITY: 0, ADDITIONAL: 1\n;; WARNING: recursion requested but not available\n\n;; QUESTION SECTION:\n;{}.\t\t\tIN\t{qt}\n\n", argv[1..].join(" "), records.len(), tried));
    if !records.is_empty() {
        out.out(";; ANSWER SECTION:\n");
        for r in &records {
            let (t, d) = rdata(r);
            let owner = match r {
                Record::A { name, .. } | Record::Srv { name, .. } | Record::Ptr { name, .. } => name.clone(),
            };
            out.out(&format!("{owner}.\t30\tIN\t{t}\t{d}\n"));
        }
        out.out("\n");
    }
    out.out(&format!(
        ";; Query time: 0 msec\n;; SERVER: {dns_ip}#53({dns_ip}) (UDP)\n;; WHEN: {}\n;; MSG SIZE  rcvd: 100\n\n",
        host.sim.timestamp()
    ));
    0
}

pub fn host(host: &mut PodHost<'_>, argv: &[String], out: &mut Output) -> i32 {
    let Some(name) = argv.iter().skip(1).find(|a| !a.starts_with('-')).cloned() else {
        out.err("Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n");
        return 1;
    };
    if let Some(r) = reverse_name(&name) {
        return match dns::lookup(host.sim, &r, QType::Ptr) {
            Answer::Records(rs) => {
                for x in rs {
                    if let Record::Ptr { name: n, target } = x {
                        out.out(&format!("{n} domain name pointer {target}\n"));
                    }
                }
                0
            }
            _ => {
                out.out(&format!("Host {r} not found: 3(NXDOMAIN)\n"));
                1
            }
        };
    }
    let (tried, a) = query(host, &name, QType::A, true);
    match a {
        Answer::Records(rs) => {
            for r in rs {
                if let Record::A { ip, .. } = r {
                    out.out(&format!("{tried} has address {ip}\n"));
                }
            }
            0
        }
        _ => {
            out.out(&format!("Host {name} not found: 3(NXDOMAIN)\n"));
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn nslookup_reads_its_type_and_asks_for_an_address_by_its_ptr_name() {
        assert_eq!(nslookup_args("bind", &words("nslookup -type=SRV web web2")), Ok(("web".into(), QType::Srv)));
        assert_eq!(
            nslookup_args("bind", &words("nslookup 10.96.0.10")),
            Ok(("10.0.96.10.in-addr.arpa".into(), QType::Ptr))
        );
        assert_eq!(nslookup_args("bind", &words("nslookup -q=aaaa 10.96.0.10")).map(|q| q.1), Ok(QType::Aaaa));
        assert_eq!(nslookup_args("busybox", &words("nslookup")), Err("nslookup: no host given\n"));
        assert!(nslookup_args("busybox-old", &words("nslookup -type=a web"))
            .unwrap_err()
            .starts_with("BusyBox v1.28.4"));
    }

    #[test]
    fn busybox_drops_the_final_dot_bind_keeps_it() {
        let srv = Record::Srv {
            name: "_http._tcp.web".into(),
            priority: 0,
            weight: 100,
            port: 80,
            target: "web-0.web.".into(),
        };
        assert_eq!(busybox_record(&srv), "_http._tcp.web\tservice = 0 100 80 web-0.web\n");
        assert_eq!(bind_record(&srv), "_http._tcp.web\tservice = 0 100 80 web-0.web.\n");
        let a = Record::A { name: "web".into(), ip: "10.0.0.1".into() };
        assert_eq!(busybox_record(&a), bind_record(&a));
    }
}
