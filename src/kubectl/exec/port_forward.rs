//! `kubectl port-forward`: local ports on the lab machine to a pod's (or a Service's) ports.

use super::pod_object;
use crate::kubectl::args::{self, f};
use crate::kubectl::{Ctx, Effect, Outcome};
use crate::sim::{obj, Kind, ObjKey};
use serde_json::Value;

/// One `kubectl port-forward`: local ports on the lab machine to a pod's ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortForward {
    pub pod: ObjKey,
    /// (local, the pod's) port pairs.
    pub ports: Vec<(u16, u16)>,
}

/// `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...` (portforward.go): a Service's port is
/// its target port in the chosen pod; the forward listens on 127.0.0.1 and [::1] until
/// Ctrl-C, and says `Handling connection for PORT` as it takes each connection.
// Held in a terminal, it ends with `error: lost connection to pod` when its pod goes.
// k8s-diff: one left running in a replay (which has no second terminal) outlives its pod.
pub fn port_forward(ctx: &mut Ctx<'_>, argv: &[String], taken: &[u16]) -> Outcome {
    let flags = [f("address", None, true), f("pod-running-timeout", None, true)];
    let a = match args::parse("port-forward", argv, &flags) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    if a.positional.len() < 2 {
        ctx.eprintln("error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples");
        return Outcome::from(1);
    }
    let ns = ctx.namespace(&a);
    let target = &a.positional[0];
    let (key, pod) = match pod_object(ctx, &ns, target, false) {
        Ok(p) => p,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    let service = target
        .split_once('/')
        .filter(|(t, _)| Kind::from_arg(t) == Some(Kind::Service))
        .and_then(|(_, n)| ctx.sim.get(Kind::Service, &ns, n).cloned());
    let mut ports = Vec::new();
    for spec in &a.positional[1..] {
        let (local, remote) = match spec.split_once(':') {
            Some((l, r)) => (l, r),
            None => (spec.as_str(), spec.as_str()),
        };
        let Ok(mut remote_port) = remote.parse::<u16>() else {
            ctx.eprintln(&format!(
                "error: Error parsing remote port number: strconv.ParseUint: parsing \"{remote}\": invalid syntax"
            ));
            return Outcome::from(1);
        };
        // translateServicePortToTargetPort: the Service's port names a container port.
        if let Some(svc) = &service {
            let Some(sp) = obj::arr_at(svc, "/spec/ports")
                .iter()
                .find(|p| obj::i64_at(p, "/port") == Some(i64::from(remote_port)))
            else {
                ctx.eprintln(&format!("error: Service {} does not have a service port {remote_port}", obj::name(svc)));
                return Outcome::from(1);
            };
            remote_port = match sp.get("targetPort") {
                Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()).unwrap_or(remote_port),
                Some(Value::String(named)) => obj::arr_at(&pod, "/spec/containers")
                    .iter()
                    .flat_map(|c| obj::arr_at(c, "/ports").iter())
                    .find(|p| obj::str_at(p, "/name") == Some(named))
                    .and_then(|p| obj::i64_at(p, "/containerPort"))
                    .and_then(|n| u16::try_from(n).ok())
                    .unwrap_or(remote_port),
                _ => remote_port,
            };
        }
        let local_port = if local.is_empty() {
            // `:REMOTE`: a free port the system picks.
            ctx.sim.rand_range(32_768, 60_999) as u16
        } else {
            match local.parse::<u16>() {
                Ok(p) => p,
                Err(_) => {
                    ctx.eprintln(&format!("error: Error parsing local port number: strconv.ParseUint: parsing \"{local}\": invalid syntax"));
                    return Outcome::from(1);
                }
            }
        };
        ports.push((local_port, remote_port));
    }
    let phase = obj::str_at(&pod, "/status/phase").unwrap_or("Pending").to_string();
    if phase != "Running" {
        ctx.eprintln(&format!("error: unable to forward port because pod is not running. Current status={phase}"));
        return Outcome::from(1);
    }
    let address = a.get("address").unwrap_or("localhost").to_string();
    let mut text = String::new();
    for (local, remote) in &ports {
        if taken.contains(local) {
            ctx.eprintln(&format!("Unable to listen on port {local}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:{local}: bind: address already in use unable to create listener: Error listen tcp6 [::1]:{local}: bind: address already in use]"));
            let list: Vec<String> = ports.iter().map(|(l, r)| format!("{{{l} {r}}}")).collect();
            ctx.eprintln(&format!("error: unable to listen on any of the requested ports: [{}]", list.join(" ")));
            return Outcome::from(1);
        }
        for addr in address.split(',') {
            match addr {
                "localhost" => text.push_str(&format!(
                    "Forwarding from 127.0.0.1:{local} -> {remote}\nForwarding from [::1]:{local} -> {remote}\n"
                )),
                other => text.push_str(&format!("Forwarding from {other}:{local} -> {remote}\n")),
            }
        }
    }
    ctx.out.out(&text);
    // It holds a live terminal while it forwards (a replay goes on with it forwarding).
    let held = ctx.live && ctx.last_on_line;
    Outcome::with(0, Effect::Forward { forward: PortForward { pod: key, ports }, held })
}
