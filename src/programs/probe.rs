//! Readiness and liveness probes as the kubelet runs them (pkg/probe: tcp, http, exec) against what the
//! lab's containers really serve: the ports their servers listen on, nginx's answers, and the
//! image's own tools. The failure texts are the kubelet's event messages (`Readiness probe
//! failed: dial tcp 172.16.158.2:5433: connect: connection refused`).

use crate::shell::Output;
use crate::sim::obj;
use crate::sim::{images, ObjKey, Sim};
use serde_json::Value;

/// The ports a container's server listens on: the image's server when the container runs the
/// image's entrypoint (or names the server as its command), none otherwise.
pub fn listening(c: &Value) -> Vec<u16> {
    if let Some(app) = crate::sim::entrypoint::app(c) {
        return app.port().into_iter().collect();
    }
    let image = obj::str_at(c, "/image").unwrap_or("");
    let full = images::normalize(image).unwrap_or_default();
    let repo = images::split(&full).0;
    let (server, ports): (&str, &[u16]) = match repo.rsplit('/').next().unwrap_or("") {
        "nginx" | "nginx-slim" => ("nginx", &[80]),
        "httpd" => ("httpd", &[80]),
        "mysql" => ("mysqld", &[3306, 33060]),
        "postgres" => ("postgres", &[5432]),
        "redis" => ("redis-server", &[6379]),
        "mongo" => ("mongod", &[27017]),
        _ => return Vec::new(),
    };
    let command: Vec<&str> = obj::arr_at(c, "/command").iter().filter_map(Value::as_str).collect();
    let args: Vec<&str> = obj::arr_at(c, "/args").iter().filter_map(Value::as_str).collect();
    let first = command.first().or(args.first()).map(|w| w.rsplit('/').next().unwrap_or(w));
    let serves = match first {
        None => true,
        Some(w) => w == server || (command.is_empty() && w.starts_with('-')),
    };
    if serves {
        ports.to_vec()
    } else {
        Vec::new()
    }
}

/// A probe's port: a number, or the name of one of the container's ports.
fn port_of(c: &Value, port: Option<&Value>) -> Result<u16, String> {
    match port {
        Some(Value::Number(n)) => {
            n.as_u64().and_then(|n| u16::try_from(n).ok()).ok_or_else(|| format!("invalid port number: {n}"))
        }
        Some(Value::String(name)) => obj::arr_at(c, "/ports")
            .iter()
            .find(|p| obj::str_at(p, "/name") == Some(name))
            .and_then(|p| obj::i64_at(p, "/containerPort"))
            .and_then(|n| u16::try_from(n).ok())
            .ok_or_else(|| format!("couldn't find port: {name} in {}", obj::str_at(c, "/name").unwrap_or(""))),
        _ => Err("missing port".into()),
    }
}

/// The database clients an image ships, which the lab does not run.
pub fn database_clients(image: &str) -> &'static [&'static str] {
    let full = images::normalize(image).unwrap_or_default();
    let repo = images::split(&full).0;
    match repo.rsplit('/').next().unwrap_or("") {
        "mysql" => &["mysql", "mysqladmin", "mysqlsh"],
        "postgres" => &["psql", "pg_isready"],
        "redis" => &["redis-cli"],
        "mongo" => &["mongosh", "mongo"],
        _ => &[],
    }
}

/// Whether `program` is one of the database clients `image` ships.
pub fn is_database_client(image: &str, program: &str) -> bool {
    database_clients(image).contains(&program.rsplit('/').next().unwrap_or(program))
}

/// Runs `probe` of `container` in pod `key`; `kind` (`Readiness`, `Liveness`) words its failure.
pub fn run(sim: &mut Sim, key: &ObjKey, container: &str, probe: &Value, kind: &str) -> Result<(), String> {
    let Some(pod) = sim.store.get(key).cloned() else { return Ok(()) };
    let Some(c) =
        obj::arr_at(&pod, "/spec/containers").iter().find(|c| obj::str_at(c, "/name") == Some(container)).cloned()
    else {
        return Ok(());
    };
    let ip = obj::str_at(&pod, "/status/podIP").unwrap_or("").to_string();
    let failed = |why: String| Err(format!("{kind} probe failed: {why}"));
    if let Some(tcp) = probe.get("tcpSocket") {
        let port = port_of(&c, tcp.get("port")).map_err(|e| format!("{kind} probe errored: {e}"))?;
        return if listening(&c).contains(&port) {
            Ok(())
        } else {
            failed(format!("dial tcp {ip}:{port}: connect: connection refused"))
        };
    }
    if let Some(http) = probe.get("httpGet") {
        let port = port_of(&c, http.get("port")).map_err(|e| format!("{kind} probe errored: {e}"))?;
        let path = obj::str_at(http, "/path").unwrap_or("/").to_string();
        let scheme = obj::str_at(http, "/scheme").unwrap_or("HTTP").to_ascii_lowercase();
        let url = format!("{scheme}://{ip}:{port}{path}");
        if !listening(&c).contains(&port) {
            return failed(format!("Get \"{url}\": dial tcp {ip}:{port}: connect: connection refused"));
        }
        if let Some(app) = crate::sim::entrypoint::app(&c) {
            // The kubelet's prober dials from the node.
            let node_ip = obj::str_at(&pod, "/status/hostIP").unwrap_or("");
            let a = super::apps::answer(sim, key, container, app, &path, &format!("{node_ip}:40000"));
            return if (200..400).contains(&a.status) {
                Ok(())
            } else {
                failed(format!("HTTP probe failed with statuscode: {}", a.status))
            };
        }
        let server = super::traits(obj::str_at(&c, "/image").unwrap_or("")).nginx;
        return match server {
            // probe/http: 200-399 is success.
            Some(server) if port == 80 && scheme == "http" => {
                let (status, _, _) = super::net::serve(sim, key, container, &server, &path);
                if (200..400).contains(&status) {
                    Ok(())
                } else {
                    failed(format!("HTTP probe failed with statuscode: {status}"))
                }
            }
            // k8s-diff: a server that is not nginx (a database's port, HTTPS) is taken as
            // answering; the lab does not speak its protocol.
            _ => Ok(()),
        };
    }
    if let Some(exec) = probe.get("exec") {
        let argv: Vec<String> =
            obj::arr_at(exec, "/command").iter().filter_map(|v| v.as_str().map(String::from)).collect();
        let Some(program) = argv.first() else { return Ok(()) };
        let image = obj::str_at(&c, "/image").unwrap_or("").to_string();
        // k8s-diff: a database's own client (`pg_isready`, `mysqladmin ping`, `redis-cli
        // ping`) succeeds while its server runs; the lab does not run these clients.
        if is_database_client(&image, program) {
            return if listening(&c).is_empty() { failed(String::new()) } else { Ok(()) };
        }
        if !super::has_program(&super::traits(&image), program) {
            let id: String = (0..4).map(|_| format!("{:016x}", sim.rand_range(0, u64::MAX - 1))).collect();
            return Err(format!("{kind} probe errored: rpc error: code = Unknown desc = failed to exec in container: failed to start exec \"{id}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown"));
        }
        // The probe's command runs on its own time, not the cluster's clock.
        let mut out = Output::default();
        let before = sim.process_sleep.replace(0);
        let code = super::exec(sim, key, container, &argv, None, &mut out);
        sim.process_sleep = before;
        return if code == 0 { Ok(()) } else { failed(out.text()) };
    }
    Ok(())
}
