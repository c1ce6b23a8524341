//! kubectl's commands that reach into containers: `exec` (here), `run`, `logs`, `cp` and
//! `port-forward`; commands run in containers, and interactive shells that the session
//! attaches the terminal to until `exit`.

pub mod cp;
pub mod logs;
pub mod port_forward;
pub mod run;

pub use logs::{Follow, LogStream};
pub use port_forward::PortForward;

use super::args::{self, f, Flag};
use super::errors::Error;
use super::{Ctx, Effect, Outcome};
use crate::sim::{obj, Kind, ObjKey};
use serde_json::Value;

const EXEC_FLAGS: &[Flag] = &[
    f("stdin", Some('i'), false),
    f("tty", Some('t'), false),
    f("container", Some('c'), true),
    f("quiet", Some('q'), false),
    f("pod-running-timeout", None, true),
    f("filename", Some('f'), true),
];

const SHELLS: &[&str] = &["sh", "bash", "zsh", "ash", "dash", "/bin/sh", "/bin/bash", "/bin/zsh", "/bin/ash"];

/// An interactive shell the terminal is now attached to.
#[derive(Clone, Debug)]
pub struct Attach {
    pub pod: ObjKey,
    pub container: String,
    /// `kubectl run --rm`: delete the pod when the shell exits.
    pub remove: bool,
    /// The shell that runs (`sh`, `bash`, `zsh`), for its prompt.
    pub shell: String,
    /// The shell is the container's main process (`kubectl run -it`), not an exec session: when
    /// it exits, so does the container.
    pub main: bool,
}

/// Checks that a container can run commands; returns its name, or prints kubectl's error.
fn runnable(ctx: &mut Ctx<'_>, key: &ObjKey, want: Option<&str>) -> Option<String> {
    let Some(pod) = ctx.sim.store.get(key).cloned() else {
        ctx.report(Error::not_found("pods", key.name.clone()));
        return None;
    };
    let names: Vec<String> = obj::arr_at(&pod, "/spec/containers")
        .iter()
        .filter_map(|c| obj::str_at(c, "/name").map(String::from))
        .collect();
    let container = match want {
        Some(c) if names.iter().any(|n| n == c) => c.to_string(),
        Some(c) => {
            ctx.report(Error::bad_request(format!("container {c} is not valid for pod {}", key.name)));
            return None;
        }
        None => {
            if names.len() > 1 {
                ctx.eprintln(&format!("Defaulted container \"{}\" out of: {}", names[0], names.join(", ")));
            }
            names.first().cloned()?
        }
    };
    let phase = obj::str_at(&pod, "/status/phase").unwrap_or("Pending");
    if phase == "Succeeded" || phase == "Failed" {
        ctx.eprintln(&format!("error: cannot exec into a container in a completed pod; current phase is {phase}"));
        return None;
    }
    // The API server's `streamLocation` needs a node to connect to.
    if obj::str_at(&pod, "/spec/nodeName").is_none() {
        ctx.report(Error::bad_request(format!("pod {} does not have a host assigned", key.name)));
        return None;
    }
    let running = obj::arr_at(&pod, "/status/containerStatuses")
        .iter()
        .any(|s| obj::str_at(s, "/name") == Some(container.as_str()) && s.ptr("/state/running").is_some());
    if !running {
        ctx.eprintln(&format!("error: unable to upgrade connection: container not found (\"{container}\")"));
        return None;
    }
    Some(container)
}

use crate::sim::obj::Ptr;

/// Runs a command in the container and reports its exit as kubectl does.
fn run_command(ctx: &mut Ctx<'_>, key: &ObjKey, container: &str, argv: &[String]) -> i32 {
    let programs = ctx.sim.programs.clone();
    let known = programs.as_ref().is_some_and(|p| p.has_program(ctx.sim, key, container, &argv[0]));
    if !known {
        let id: String = (0..4).map(|_| format!("{:016x}", ctx.sim.rand_range(0, u64::MAX - 1))).collect();
        ctx.eprintln(&format!("error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{id}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{}\": executable file not found in $PATH: unknown", argv[0]));
        return 1;
    }
    let stdin = ctx.stdin;
    let Some(programs) = programs else { return 1 };
    let code = programs.exec(ctx.sim, key, container, argv, stdin, ctx.out);
    if code != 0 {
        ctx.eprintln(&format!("command terminated with exit code {code}"));
    }
    code
}

pub fn exec(ctx: &mut Ctx<'_>, argv: &[String]) -> Outcome {
    let a = match args::parse("exec", argv, EXEC_FLAGS) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    if a.bool("help") {
        ctx.println("Execute a command in a container.\n\nUsage:\n  kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...] [options]");
        return Outcome::from(0);
    }
    let Some(target) = a.positional.first().cloned() else {
        ctx.eprintln("error: pod, type/name or --filename must be specified");
        return Outcome::from(1);
    };
    let mut command: Vec<String> = a.rest.clone().unwrap_or_default();
    if a.rest.is_none() && a.positional.len() > 1 {
        ctx.eprintln("kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.");
        command = a.positional[1..].to_vec();
    }
    if command.is_empty() {
        ctx.eprintln("error: you must specify at least one command for the container");
        return Outcome::from(1);
    }
    let ns = ctx.namespace(&a);
    let name = match pod_for(ctx, &ns, &target, false) {
        Ok(n) => n,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    let key = ObjKey::new(Kind::Pod, &ns, &name);
    let Some(container) = runnable(ctx, &key, a.get("container")) else { return Outcome::from(1) };
    let interactive = a.bool("stdin") && SHELLS.contains(&command[0].as_str()) && command.len() == 1;
    if interactive {
        let shell = command[0].rsplit('/').next().unwrap_or("sh").to_string();
        return Outcome::with(0, Effect::Attach(Attach { pod: key, container, remove: false, shell, main: false }));
    }
    run_command(ctx, &key, &container, &command).into()
}

/// The pod a `POD` or `TYPE/NAME` argument means (`polymorphichelpers`): a pod by name, or the
/// first of a workload's or Service's pods (`GetFirstPod`), ordered as `podutils.ByLogging`
/// orders them: on a node, Running before Pending, ready, ready for longer, more restarts, older.
/// `logs` (`say`) says which one it took when there were several.
/// The pod `target` names (see [`pod_for`]) as it is now, or kubectl's error.
fn pod_object(ctx: &mut Ctx<'_>, ns: &str, target: &str, say: bool) -> Result<(ObjKey, Value), Error> {
    let name = pod_for(ctx, ns, target, say)?;
    let key = ObjKey::new(Kind::Pod, ns, &name);
    match ctx.sim.store.get(&key).cloned() {
        Some(pod) => Ok((key, pod)),
        None => Err(Error::not_found("pods", name)),
    }
}

pub fn pod_for(ctx: &mut Ctx<'_>, ns: &str, target: &str, say: bool) -> Result<String, Error> {
    let Some((ty, name)) = target.split_once('/') else { return Ok(target.to_string()) };
    let kind = super::get::kind_arg(ty)?;
    if kind == Kind::Pod {
        return Ok(name.to_string());
    }
    let Some(o) = ctx.sim.store.get(&ObjKey::new(kind, ns, name)).cloned() else {
        return Err(Error::not_found(kind.qualified_plural(), name));
    };
    let selector: Vec<(String, String)> = match kind {
        Kind::Service => o.ptr("/spec/selector"),
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet => o.ptr("/spec/selector/matchLabels"),
        // The Go type, as `%T` prints it.
        _ if say => {
            return Err(Error::cli(format!("cannot get the logs from *{}.{}", kind.info().version, kind.info().kind)))
        }
        _ => {
            return Err(Error::cli(format!(
                "cannot attach to *{}.{}: not implemented",
                kind.info().version,
                kind.info().kind
            )))
        }
    }
    .and_then(Value::as_object)
    .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
    .unwrap_or_default();
    if selector.is_empty() {
        return Err(Error::cli(format!("cannot attach to {}: selector is empty", kind.info().kind)));
    }
    let mut pods: Vec<Value> = ctx
        .sim
        .store
        .list(Kind::Pod, Some(ns))
        .map(|(_, p)| p)
        .filter(|p| selector.iter().all(|(k, v)| obj::label(p, k) == Some(v)))
        .cloned()
        .collect();
    if pods.is_empty() {
        return Err(Error::cli("timed out waiting for the condition"));
    }
    let rank = |p: &Value| {
        let phase = match obj::str_at(p, "/status/phase") {
            Some("Running") => 0,
            Some("Unknown") => 1,
            Some("Pending") => 2,
            _ => 3,
        };
        let ready = obj::condition_true(p, "Ready");
        let since = obj::arr_at(p, "/status/conditions")
            .iter()
            .find(|c| obj::str_at(c, "/type") == Some("Ready"))
            .and_then(|c| obj::str_at(c, "/lastTransitionTime"))
            .unwrap_or("~")
            .to_string();
        let restarts: i64 =
            obj::arr_at(p, "/status/containerStatuses").iter().filter_map(|c| obj::i64_at(c, "/restartCount")).sum();
        let created = obj::str_at(p, "/metadata/creationTimestamp").unwrap_or("~").to_string();
        (obj::str_at(p, "/spec/nodeName").is_none(), phase, !ready, since, -restarts, created)
    };
    crate::support::sort::sort_by_key(&mut pods, rank);
    let first = obj::name(&pods[0]).to_string();
    if say && pods.len() > 1 {
        ctx.eprintln(&format!("Found {} pods, using pod/{first}", pods.len()));
    }
    Ok(first)
}
