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
use super::stages::{Parsed, Report};
use super::{Ctx, Effect};
use crate::sim::obj::{self, Ptr};
use crate::sim::{Kind, ObjKey, Sim};
use crate::support::output::{Output, Stream};
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

/// `kubectl exec`, parsed.
pub struct Exec {
    /// `POD` or `TYPE/NAME`.
    target: String,
    /// The command to run (after `--`, or the old way, after the pod).
    command: Vec<String>,
    /// Given the old way, without `--`: kubectl says it is deprecated.
    deprecated: bool,
    /// `-c`.
    container: Option<String>,
    /// `-i`: with a shell alone as the command, the terminal attaches to it.
    stdin: bool,
    namespace: Option<String>,
}

/// `-n`, when given and not empty.
fn namespace_of(a: &args::Args) -> Option<String> {
    a.get("namespace").filter(|n| !n.is_empty()).map(String::from)
}

/// The namespace a command works in: its `-n`, or the context's.
fn namespace(ctx: &Ctx<'_>, ns: &Option<String>) -> String {
    ns.clone().unwrap_or_else(|| ctx.default_namespace().to_string())
}

#[inline(never)]
pub fn parse_exec(argv: &[String]) -> Result<Parsed<Exec>, Error> {
    let a = args::parse("exec", argv, EXEC_FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help("Execute a command in a container.\n\nUsage:\n  kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...] [options]".into()));
    }
    let Some(target) = a.positional.first().cloned() else {
        return Err(Error::cli("pod, type/name or --filename must be specified"));
    };
    let deprecated = a.rest.is_none() && a.positional.len() > 1;
    let command = if deprecated { a.positional[1..].to_vec() } else { a.rest.clone().unwrap_or_default() };
    if command.is_empty() {
        return Err(Error::cli("you must specify at least one command for the container"));
    }
    let (container, stdin, namespace) = (a.get("container").map(String::from), a.bool("stdin"), namespace_of(&a));
    Ok(Parsed::Run(Exec { target, command, deprecated, container, stdin, namespace }))
}

/// Runs the command in the pod's container, or attaches the terminal to a shell there.
pub fn exec(ctx: &mut Ctx<'_>, req: Exec) -> Report {
    let mut r = Report::default();
    if req.deprecated {
        r.note("kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.");
    }
    if let Err(e) = exec_into(ctx, req, &mut r) {
        r.fail(e);
    }
    r
}

fn exec_into(ctx: &mut Ctx<'_>, req: Exec, r: &mut Report) -> Result<(), Error> {
    let ns = namespace(ctx, &req.namespace);
    let name = pod_for(ctx.sim, &ns, &req.target, false)?.name;
    let key = ObjKey::new(Kind::Pod, &ns, &name);
    let container = runnable(ctx.sim, &key, req.container.as_deref(), r)?;
    let command = req.command;
    if req.stdin && SHELLS.contains(&command[0].as_str()) && command.len() == 1 {
        let shell = command[0].rsplit('/').next().unwrap_or("sh").to_string();
        r.effect = Some(Effect::Attach(Attach { pod: key, container, remove: false, shell, main: false }));
        return Ok(());
    }
    let (code, out) = run_command(ctx, &key, &container, &command)?;
    relay(out, r, (code != 0).then(|| format!("command terminated with exit code {code}")));
    r.code = Some(code);
    Ok(())
}

/// Checks that a container can run commands; returns its name. When kubectl chose it among
/// several, it says so first (`Defaulted container ...`).
fn runnable(sim: &Sim, key: &ObjKey, want: Option<&str>, r: &mut Report) -> Result<String, Error> {
    let Some(pod) = sim.store.get(key) else {
        return Err(Error::not_found("pods", key.name.clone()));
    };
    let names: Vec<String> =
        obj::arr_at(pod, "/spec/containers").iter().filter_map(|c| obj::str_at(c, "/name").map(String::from)).collect();
    let container = match want {
        Some(c) if names.iter().any(|n| n == c) => c.to_string(),
        Some(c) => return Err(Error::bad_request(format!("container {c} is not valid for pod {}", key.name))),
        None => {
            if names.len() > 1 {
                r.note(format!("Defaulted container \"{}\" out of: {}", names[0], names.join(", ")));
            }
            // A pod has a container (the API server requires one).
            names.first().cloned().unwrap_or_default()
        }
    };
    let phase = obj::str_at(pod, "/status/phase").unwrap_or("Pending");
    if phase == "Succeeded" || phase == "Failed" {
        return Err(Error::cli(format!("cannot exec into a container in a completed pod; current phase is {phase}")));
    }
    // The API server's `streamLocation` needs a node to connect to.
    if obj::str_at(pod, "/spec/nodeName").is_none() {
        return Err(Error::bad_request(format!("pod {} does not have a host assigned", key.name)));
    }
    let running = obj::arr_at(pod, "/status/containerStatuses")
        .iter()
        .any(|s| obj::str_at(s, "/name") == Some(container.as_str()) && s.ptr("/state/running").is_some());
    if !running {
        return Err(Error::cli(format!("unable to upgrade connection: container not found (\"{container}\")")));
    }
    Ok(container)
}

/// Runs a command in the container: its exit status and what it wrote.
fn run_command(ctx: &mut Ctx<'_>, key: &ObjKey, container: &str, argv: &[String]) -> Result<(i32, Output), Error> {
    let programs = ctx.sim.programs.clone().filter(|p| p.has_program(ctx.sim, key, container, &argv[0]));
    let Some(programs) = programs else {
        let id: String = (0..4).map(|_| format!("{:016x}", ctx.sim.rand_range(0, u64::MAX - 1))).collect();
        return Err(Error::cli(format!("Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{id}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{}\": executable file not found in $PATH: unknown", argv[0])));
    };
    // kubectl streams what the command writes; the terminal keeps the end of it (a pipe, the
    // start: both hold at most one shell value's worth).
    let mut out = Output::keeping_last(crate::support::output::MAX_TEXT);
    let code = programs.exec(ctx.sim, key, container, argv, ctx.stdin, &mut out);
    Ok((code, out))
}

/// What a program in a container wrote, into the report as kubectl passes it on, both streams
/// as they are; `last` is kubectl's own line after it (`command terminated with exit code 2`),
/// which follows an unfinished stderr line on the same line.
fn relay(out: Output, r: &mut Report, last: Option<String>) {
    for (stream, text) in out.chunks {
        match stream {
            Stream::Stdout => r.out(text),
            Stream::Stderr => r.stderr(text),
        }
    }
    if let Some(l) = last {
        r.note(l);
    }
}

/// A pod `pod_for` picked: its name, and how many there were to pick from.
pub struct Picked {
    pub name: String,
    pub among: usize,
}

impl Picked {
    /// What `logs` says when it took one of several pods.
    pub fn note(&self) -> Option<String> {
        (self.among > 1).then(|| format!("Found {} pods, using pod/{}", self.among, self.name))
    }
}

/// The pod `target` names (see [`pod_for`]) as it is now, or kubectl's error.
fn pod_object(sim: &Sim, ns: &str, target: &str, logs: bool) -> Result<(ObjKey, Value, Picked), Error> {
    let picked = pod_for(sim, ns, target, logs)?;
    let key = ObjKey::new(Kind::Pod, ns, &picked.name);
    match sim.store.get(&key).cloned() {
        Some(pod) => Ok((key, pod, picked)),
        None => Err(Error::not_found("pods", picked.name)),
    }
}

/// The pod a `POD` or `TYPE/NAME` argument means (`polymorphichelpers`): a pod by name, or the
/// first of a workload's or Service's pods (`GetFirstPod`), ordered as `podutils.ByLogging`
/// orders them: on a node, Running before Pending, ready, ready for longer, more restarts, older.
/// `logs` says which one it took when there were several (its errors are its own).
pub fn pod_for(sim: &Sim, ns: &str, target: &str, logs: bool) -> Result<Picked, Error> {
    let one = |name: &str| Ok(Picked { name: name.to_string(), among: 1 });
    let Some((ty, name)) = target.split_once('/') else { return one(target) };
    let kind = super::get::kind_arg(ty)?;
    if kind == Kind::Pod {
        return one(name);
    }
    let Some(o) = sim.store.get(&ObjKey::new(kind, ns, name)).cloned() else {
        return Err(Error::not_found(kind.qualified_plural(), name));
    };
    let selector: Vec<(String, String)> = match kind {
        Kind::Service => o.ptr("/spec/selector"),
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet => o.ptr("/spec/selector/matchLabels"),
        // The Go type, as `%T` prints it.
        _ if logs => {
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
    let mut pods: Vec<Value> = sim
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
    Ok(Picked { name: obj::name(&pods[0]).to_string(), among: pods.len() })
}

/// A small cluster for the tests of the commands that reach into containers, and a way to run
/// one command's stages on it.
#[cfg(test)]
pub(super) mod testkit {
    use super::*;
    use crate::jv;
    use crate::kubectl::{Files, Outcome};
    use crate::sim::SimConfig;

    /// The lab machine's files: one, or none.
    pub struct OneFile(pub &'static str, pub &'static str);
    impl Files for OneFile {
        fn read(&self, path: &str) -> Result<String, Error> {
            match path == self.0 {
                true => Ok(self.1.to_string()),
                false => Err(Error::cli(format!("the path \"{path}\" does not exist"))),
            }
        }
    }

    fn pod(name: &str, containers: Value) -> Value {
        jv!({"apiVersion":"v1","kind":"Pod","metadata":{"name":name,"namespace":"default","labels":{"app":"demo"}},
            "spec":{"containers":containers}})
    }

    /// Pods `web` (busybox, which says `one` and `two` and sleeps) and `two` (containers `a` and
    /// `b`), running, with the lab's programs.
    pub fn cluster() -> Sim {
        let mut sim = Sim::new(SimConfig::seeded(1));
        sim.programs = Some(std::rc::Rc::new(crate::programs::Runtime));
        let say = jv!(["sh", "-c", "echo one; echo two; sleep 3600"]);
        sim.create(pod("web", jv!([{"name":"web","image":"busybox","command":say}]))).unwrap();
        let sleep = jv!(["sleep", "3600"]);
        let two = jv!([{"name":"a","image":"busybox","command":sleep},{"name":"b","image":"busybox","command":sleep}]);
        sim.create(pod("two", two)).unwrap();
        sim.run_until(sim.now().plus_ms(60_000));
        sim
    }

    /// The words of a command line (no quoting).
    pub fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    /// Runs a command's stages over `ctx`'s parts: what it printed and how it ended.
    pub fn run_in<R>(
        sim: &mut Sim,
        files: &dyn Files,
        live: bool,
        forwarded: Vec<u16>,
        parsed: Result<Parsed<R>, Error>,
        execute: impl FnOnce(&mut Ctx<'_>, R) -> Report,
    ) -> (Output, Outcome) {
        let mut out = Output::default();
        let mut ctx = Ctx {
            sim,
            files,
            stdin: None,
            out: &mut out,
            live,
            last_on_line: true,
            forwarded,
            context_ns: String::new(),
        };
        let outcome = crate::kubectl::stages::run(&mut ctx, parsed, execute);
        (out, outcome)
    }

    /// Runs a command line in a replay with no files.
    pub fn run<R>(
        sim: &mut Sim,
        argv: &[String],
        parse: impl FnOnce(&[String]) -> Result<Parsed<R>, Error>,
        execute: impl FnOnce(&mut Ctx<'_>, R) -> Report,
    ) -> (Output, Outcome) {
        run_in(sim, &crate::kubectl::NoFiles, false, Vec::new(), parse(argv), execute)
    }

    /// The error a command line is refused with when parsed.
    pub fn refused<R>(parsed: Result<Parsed<R>, Error>) -> String {
        match parsed {
            Err(e) => e.to_string(),
            Ok(_) => panic!("parsed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testkit::*;
    use super::*;

    #[test]
    fn parse_exec_needs_a_pod_and_a_command() {
        assert_eq!(refused(parse_exec(&words("-it"))), "error: pod, type/name or --filename must be specified");
        assert_eq!(
            refused(parse_exec(&words("web --"))),
            "error: you must specify at least one command for the container"
        );
        let Ok(Parsed::Run(e)) = parse_exec(&words("web ls /")) else { panic!("not parsed") };
        assert!(e.deprecated);
        assert_eq!(e.command, ["ls", "/"]);
        let Ok(Parsed::Run(e)) = parse_exec(&words("-it pod/web -c web -- sh")) else { panic!("not parsed") };
        assert!(!e.deprecated && e.stdin);
        assert_eq!((e.target.as_str(), e.container.as_deref()), ("pod/web", Some("web")));
    }

    #[test]
    fn exec_passes_the_commands_output_and_exit_status_on() {
        let mut sim = cluster();
        let argv: Vec<String> = ["web", "--", "sh", "-c", "echo hi; echo oops >&2; exit 3"].map(String::from).to_vec();
        let (out, outcome) = run(&mut sim, &argv, parse_exec, exec);
        assert_eq!(out.stdout(), "hi\n");
        assert_eq!(out.stderr(), "oops\ncommand terminated with exit code 3\n");
        assert_eq!(outcome.code, 3);
    }

    #[test]
    fn exec_names_the_container_it_chose_and_refuses_a_missing_program() {
        let mut sim = cluster();
        let (out, outcome) = run(&mut sim, &words("two nope"), parse_exec, exec);
        let err = out.stderr();
        assert!(err.starts_with("kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.\nDefaulted container \"a\" out of: a, b\nerror: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \""), "{err}");
        assert!(err.ends_with("exec: \"nope\": executable file not found in $PATH: unknown\n"), "{err}");
        assert_eq!(outcome.code, 1);
        let (out, _) = run(&mut sim, &words("web -c side -- true"), parse_exec, exec);
        assert_eq!(out.stderr(), "Error from server (BadRequest): container side is not valid for pod web\n");
    }

    #[test]
    fn exec_it_of_a_shell_attaches_the_terminal() {
        let mut sim = cluster();
        let (out, outcome) = run(&mut sim, &words("-it web -- /bin/sh"), parse_exec, exec);
        assert_eq!((out.text().as_str(), outcome.code), ("", 0));
        let Some(Effect::Attach(a)) = outcome.effect else { panic!("not attached") };
        assert_eq!((a.pod.name.as_str(), a.container.as_str(), a.shell.as_str(), a.main), ("web", "web", "sh", false));
    }

    #[test]
    fn an_unfinished_stderr_line_runs_into_kubectls_own() {
        let mut out = Output::default();
        out.out("a\n");
        out.err("b\nc");
        let mut r = Report::default();
        relay(out, &mut r, Some("command terminated with exit code 1".into()));
        let mut shown = Output::default();
        let _ = r.render(&mut shown);
        assert_eq!(shown.text(), "a\nb\nccommand terminated with exit code 1\n");
        // Without kubectl's line, an unfinished stderr line stays unfinished.
        let mut out = Output::default();
        out.err("x");
        out.out("y");
        let mut r = Report::default();
        relay(out, &mut r, None);
        let mut shown = Output::default();
        let _ = r.render(&mut shown);
        assert_eq!(shown.text(), "xy");
    }

    #[test]
    fn pod_for_takes_the_first_pod_of_a_workload_and_says_so_for_logs() {
        let mut sim = cluster();
        sim.create(crate::jv!({"apiVersion":"v1","kind":"Service","metadata":{"name":"demo","namespace":"default"},
            "spec":{"selector":{"app":"demo"},"ports":[{"port":80}]}}))
            .unwrap();
        let picked = pod_for(&sim, "default", "svc/demo", true).unwrap();
        assert_eq!(picked.among, 2);
        assert_eq!(picked.note(), Some(format!("Found 2 pods, using pod/{}", picked.name)));
        assert_eq!(pod_for(&sim, "default", "web", true).unwrap().note(), None);
        assert_eq!(
            pod_for(&sim, "default", "configmap/x", true).err().map(|e| e.to_string()),
            Some("Error from server (NotFound): configmaps \"x\" not found".into())
        );
    }
}
