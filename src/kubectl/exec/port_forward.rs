//! `kubectl port-forward`: local ports on the lab machine to a pod's (or a Service's) ports.

use super::{namespace, namespace_of, pod_object};
use crate::kubectl::args::{self, f, Flag};
use crate::kubectl::errors::Error;
use crate::kubectl::stages::{Parsed, Report};
use crate::kubectl::{Ctx, Effect};
use crate::sim::{obj, Kind, ObjKey};
use serde_json::Value;

/// One `kubectl port-forward`: local ports on the lab machine to a pod's ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortForward {
    pub pod: ObjKey,
    /// (local, the pod's) port pairs.
    pub ports: Vec<(u16, u16)>,
}

const FLAGS: &[Flag] = &[f("address", None, true), f("pod-running-timeout", None, true)];

/// `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...`, parsed.
pub struct Forward {
    target: String,
    /// The ports, each read as far as it could be; a bad number is reported when the
    /// forward comes to it (after the pod is found, as the lab always has).
    ports: Vec<PortSpec>,
    /// `--address`: `localhost` (127.0.0.1 and [::1]) or addresses.
    address: String,
    namespace: Option<String>,
}

/// `[LOCAL:]REMOTE`.
#[derive(Debug, PartialEq)]
struct PortSpec {
    /// `None`: `:REMOTE`, a free port the system picks.
    local: Result<Option<u16>, Error>,
    remote: Result<u16, Error>,
}

impl PortSpec {
    fn of(spec: &str) -> PortSpec {
        let (local, remote) = spec.split_once(':').unwrap_or((spec, spec));
        let number = |which: &str, s: &str| {
            s.parse::<u16>().map_err(|_| {
                Error::cli(format!(
                    "Error parsing {which} port number: strconv.ParseUint: parsing \"{s}\": invalid syntax"
                ))
            })
        };
        let local = if local.is_empty() { Ok(None) } else { number("local", local).map(Some) };
        PortSpec { local, remote: number("remote", remote) }
    }
}

#[inline(never)]
pub fn parse_port_forward(argv: &[String]) -> Result<Parsed<Forward>, Error> {
    let a = args::parse("port-forward", argv, FLAGS)?;
    if a.positional.len() < 2 {
        return Err(Error::cli("TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples"));
    }
    Ok(Parsed::Run(Forward {
        target: a.positional[0].clone(),
        ports: a.positional[1..].iter().map(|s| PortSpec::of(s)).collect(),
        address: a.get("address").unwrap_or("localhost").to_string(),
        namespace: namespace_of(&a),
    }))
}

/// `kubectl port-forward` (portforward.go): a Service's port is its target port in the chosen
/// pod; the forward listens on 127.0.0.1 and [::1] until Ctrl-C, and says `Handling
/// connection for PORT` as it takes each connection.
// Held in a terminal, it ends with `error: lost connection to pod` when its pod goes.
// k8s-diff: one left running in a replay (which has no second terminal) outlives its pod.
pub fn port_forward(ctx: &mut Ctx<'_>, req: Forward) -> Report {
    let mut r = Report::default();
    match forward(ctx, &req) {
        Ok(fwd) => render_forward(&mut r, &req.address, fwd, &ctx.forwarded),
        Err(e) => r.fail(e),
    }
    // It holds a live terminal while it forwards (a replay goes on with it forwarding).
    if let Some(Effect::Forward { held, .. }) = &mut r.effect {
        *held = ctx.live && ctx.last_on_line;
    }
    r
}

/// The pod and its ports, once it is found running.
fn forward(ctx: &mut Ctx<'_>, req: &Forward) -> Result<PortForward, Error> {
    let ns = namespace(ctx, &req.namespace);
    let (key, pod, _) = pod_object(ctx.sim, &ns, &req.target, false)?;
    let service = req
        .target
        .split_once('/')
        .filter(|(t, _)| Kind::from_arg(t) == Some(Kind::Service))
        .and_then(|(_, n)| ctx.sim.get(Kind::Service, &ns, n).cloned());
    let mut ports = Vec::new();
    for spec in &req.ports {
        let mut remote = spec.remote.clone()?;
        if let Some(svc) = &service {
            remote = target_port(svc, &pod, remote)?;
        }
        let local = match spec.local.clone()? {
            Some(p) => p,
            None => ctx.sim.rand_range(32_768, 60_999) as u16,
        };
        ports.push((local, remote));
    }
    let phase = obj::str_at(&pod, "/status/phase").unwrap_or("Pending");
    if phase != "Running" {
        return Err(Error::cli(format!("unable to forward port because pod is not running. Current status={phase}")));
    }
    Ok(PortForward { pod: key, ports })
}

/// translateServicePortToTargetPort: the Service's port names a container port.
fn target_port(svc: &Value, pod: &Value, port: u16) -> Result<u16, Error> {
    let Some(sp) = obj::arr_at(svc, "/spec/ports").iter().find(|p| obj::i64_at(p, "/port") == Some(i64::from(port)))
    else {
        return Err(Error::cli(format!("Service {} does not have a service port {port}", obj::name(svc))));
    };
    Ok(match sp.get("targetPort") {
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()).unwrap_or(port),
        Some(Value::String(named)) => obj::arr_at(pod, "/spec/containers")
            .iter()
            .flat_map(|c| obj::arr_at(c, "/ports").iter())
            .find(|p| obj::str_at(p, "/name") == Some(named))
            .and_then(|p| obj::i64_at(p, "/containerPort"))
            .and_then(|n| u16::try_from(n).ok())
            .unwrap_or(port),
        _ => port,
    })
}

/// `Forwarding from 127.0.0.1:8080 -> 80` for each listener, and the forward; or why a local
/// port already forwarded cannot be listened on.
fn render_forward(r: &mut Report, address: &str, fwd: PortForward, taken: &[u16]) {
    let mut text = String::new();
    for (local, remote) in &fwd.ports {
        if taken.contains(local) {
            r.note(format!("Unable to listen on port {local}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:{local}: bind: address already in use unable to create listener: Error listen tcp6 [::1]:{local}: bind: address already in use]"));
            let list: Vec<String> = fwd.ports.iter().map(|(l, r)| format!("{{{l} {r}}}")).collect();
            r.fail(Error::cli(format!("unable to listen on any of the requested ports: [{}]", list.join(" "))));
            return;
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
    r.out(text);
    r.effect = Some(Effect::Forward { forward: fwd, held: false });
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;

    #[test]
    fn parse_port_forward_needs_a_target_and_ports() {
        assert_eq!(
            refused(parse_port_forward(&words("pod/web"))),
            "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples"
        );
        assert_eq!(PortSpec::of(":80"), PortSpec { local: Ok(None), remote: Ok(80) });
        assert_eq!(PortSpec::of("8080:80"), PortSpec { local: Ok(Some(8080)), remote: Ok(80) });
        assert_eq!(
            PortSpec::of("x:http").remote.unwrap_err().to_string(),
            "error: Error parsing remote port number: strconv.ParseUint: parsing \"http\": invalid syntax"
        );
    }

    #[test]
    fn a_forward_listens_on_both_loopbacks() {
        let mut sim = cluster();
        let (out, outcome) = run(&mut sim, &words("pod/web 8080:80"), parse_port_forward, port_forward);
        assert_eq!(out.stdout(), "Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n");
        let Some(Effect::Forward { forward, held }) = outcome.effect else { panic!("no forward") };
        assert_eq!((forward.pod.name.as_str(), forward.ports, held), ("web", vec![(8080, 80)], false));
    }

    #[test]
    fn a_port_already_forwarded_cannot_be_listened_on() {
        let mut sim = cluster();
        let parsed = parse_port_forward(&words("web 8080:80"));
        let (out, outcome) = run_in(&mut sim, &crate::kubectl::NoFiles, true, vec![8080], parsed, port_forward);
        assert!(
            out.stderr().starts_with("Unable to listen on port 8080: Listeners failed to create"),
            "{}",
            out.stderr()
        );
        assert!(out.stderr().ends_with("\nerror: unable to listen on any of the requested ports: [{8080 80}]\n"));
        assert!(outcome.effect.is_none());
        assert_eq!(outcome.code, 1);
    }
}
