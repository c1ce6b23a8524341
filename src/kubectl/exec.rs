//! `kubectl exec` and `kubectl run`: commands in containers, and interactive shells that the
//! session attaches the terminal to until `exit`.

use super::args::{self, f, Flag};
use super::dryrun::{self, DryRun};
use super::errors::Error;
use super::{Ctx, Effect, Outcome};
use crate::jv;
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

const CP_FLAGS: &[Flag] = &[f("container", Some('c'), true), f("no-preserve", None, false), f("retries", None, true)];

/// `kubectl cp` between the lab machine and a container (`[NS/]POD:PATH`), through the
/// container's `tar` as kubectl does: its warning for an absolute path, its errors for a
/// missing one.
pub fn cp(ctx: &mut Ctx<'_>, argv: &[String]) -> Outcome {
    let a = match args::parse("cp", argv, CP_FLAGS) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    let [src, dst] = a.positional.as_slice() else {
        ctx.eprintln("error: source and destination are required");
        return Outcome::from(1);
    };
    let ns = ctx.namespace(&a);
    // `pod:path` or `ns/pod:path`; a local path has no colon before its first slash.
    let remote = |spec: &str| -> Option<(String, String, String)> {
        let (who, path) = spec.split_once(':')?;
        if who.is_empty() || path.is_empty() {
            return None;
        }
        let (n, pod) = who.split_once('/').unwrap_or((ns.as_str(), who));
        Some((n.to_string(), pod.to_string(), path.to_string()))
    };
    let (from, to) = (remote(src), remote(dst));
    let (n, pod, path, upload) = match (from, to) {
        (Some((n, p, path)), None) => (n, p, path, false),
        (None, Some((n, p, path))) => (n, p, path, true),
        (None, None) => {
            ctx.eprintln("error: one of src or dest must be a remote file specification");
            return Outcome::from(1);
        }
        (Some(_), Some(_)) => {
            ctx.eprintln("error: one of src or dest must be a local file specification");
            return Outcome::from(1);
        }
    };
    let key = ObjKey::new(Kind::Pod, &n, &pod);
    let Some(container) = runnable(ctx, &key, a.get("container")) else { return Outcome::from(1) };
    // Debian images carry GNU tar; busybox and Alpine images busybox's.
    let gnu = ctx.sim.programs.clone().is_some_and(|p| p.gnu_tools(ctx.sim, &key, &container));
    let Some(view) = ctx.sim.fs_view(&key, &container) else { return Outcome::from(1) };
    let abs = if path.starts_with('/') { path.clone() } else { format!("/{path}") };
    if upload {
        let text = match ctx.files.read(src) {
            Ok(t) => t,
            Err(_) => {
                ctx.eprintln(&format!("error: {src} doesn't exist in local filesystem"));
                return Outcome::from(1);
            }
        };
        if let Err(e) = view.write(&mut ctx.sim.fs, &abs, &text) {
            ctx.eprintln(&format!("tar: {}: Cannot open: {e}\ntar: Exiting with failure status due to previous errors\ncommand terminated with exit code 2", abs.trim_start_matches('/')));
            return Outcome::from(1);
        }
        return Outcome::from(0);
    }
    if path.starts_with('/') {
        ctx.eprintln(if gnu {
            "tar: Removing leading `/' from member names"
        } else {
            "tar: removing leading '/' from member names"
        });
    }
    match view.all_files(&ctx.sim.fs).get(&abs).cloned() {
        Some(text) => Outcome::with(0, Effect::Write(vec![(dst.clone(), text)])),
        None if gnu => {
            ctx.eprintln(&format!("tar: {path}: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\ncommand terminated with exit code 2"));
            1.into()
        }
        None => {
            ctx.eprintln(&format!(
                "tar: can't open '{path}': No such file or directory\ncommand terminated with exit code 1"
            ));
            1.into()
        }
    }
}

const RUN_FLAGS: &[Flag] = &[
    f("image", None, true),
    f("restart", None, true),
    f("rm", None, false),
    f("stdin", Some('i'), false),
    f("tty", Some('t'), false),
    f("command", None, false),
    f("env", None, true),
    f("labels", Some('l'), true),
    f("port", None, true),
    f("dry-run", None, true),
    f("output", Some('o'), true),
    f("attach", None, true),
    f("quiet", Some('q'), false),
    f("overrides", None, true),
    f("image-pull-policy", None, true),
];

/// What `kubectl run` prints when a shell starts (the image's banner, if it has one).
fn banner(image: &str) -> &'static str {
    if image.contains("netshoot") {
        "                    dP            dP                           dP\n                    88            88                           88\n88d888b. .d8888b. d8888P .d8888b. 88d888b. .d8888b. .d8888b. d8888P\n88'  `88 88ooood8   88   Y8ooooo. 88'  `88 88'  `88 88'  `88   88\n88    88 88.  ...   88         88 88    88 88.  .88 88.  .88   88\ndP    dP `88888P'   dP   `88888P' dP    dP `88888P' `88888P'   dP\n\nWelcome to Netshoot! (github.com/nicolaka/netshoot)\n\n\n"
    } else {
        ""
    }
}

pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> Outcome {
    let a = match args::parse("run", argv, RUN_FLAGS) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    if a.bool("help") {
        ctx.println("Create and run a particular image in a pod.\n\nUsage:\n  kubectl run NAME --image=image [--env=\"key=value\"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...] [options]");
        return Outcome::from(0);
    }
    let Some(name) = a.positional.first().cloned() else {
        ctx.eprintln("error: NAME is required for run\nSee 'kubectl run -h' for help and examples");
        return Outcome::from(1);
    };
    let Some(image) = a.get("image").map(String::from) else {
        ctx.eprintln("error: required flag(s) \"image\" not set");
        return Outcome::from(1);
    };
    let restart = a.get("restart").unwrap_or("Always").to_string();
    if !["Always", "OnFailure", "Never"].contains(&restart.as_str()) {
        ctx.eprintln(&format!("error: invalid restart policy: {restart}"));
        return Outcome::from(1);
    }
    let interactive = a.bool("stdin");
    if a.bool("rm") && !interactive {
        ctx.eprintln("error: --rm should only be used for attached containers");
        return Outcome::from(1);
    }
    let (dry, output) = match dryrun::options(&a) {
        Ok(opts) => opts,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    if dry != DryRun::None && (interactive || a.bool("tty") || a.bool("attach")) {
        ctx.eprintln("error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)");
        return Outcome::from(1);
    }
    let ns = ctx.namespace(&a);
    let rest: Vec<String> = a.rest.clone().unwrap_or_default();
    // The pod as `generateRunPod` builds it: a typed Pod, so `resources: {}`, `status: {}` and a
    // null creationTimestamp are in it when it is printed before the server sees it.
    let mut container = jv!({"name": name, "image": image, "resources": {}});
    if let Some(p) = a.get("port") {
        match p.parse::<i64>() {
            Ok(port) => container["ports"] = jv!([{"containerPort": port}]),
            Err(_) => {
                ctx.eprintln(&format!(
                    "error: strconv.Atoi: parsing {}: invalid syntax",
                    crate::support::gofmt::go_quote(p)
                ));
                return Outcome::from(1);
            }
        }
    }
    let env: Vec<Value> =
        a.all("env").iter().filter_map(|kv| kv.split_once('=')).map(|(k, v)| jv!({"name": k, "value": v})).collect();
    if !env.is_empty() {
        container["env"] = jv!(env);
    }
    if let Some(p) = a.get("image-pull-policy") {
        container["imagePullPolicy"] = jv!(p);
    }
    if !rest.is_empty() {
        if a.bool("command") {
            container["command"] = jv!(rest);
        } else {
            container["args"] = jv!(rest);
        }
    }
    if interactive {
        container["stdin"] = jv!(true);
        container["stdinOnce"] = jv!(true);
        container["tty"] = jv!(a.bool("tty"));
    }
    let mut labels = jv!({"run": name});
    if let Some(l) = a.get("labels") {
        labels = jv!({});
        for kv in l.split(',') {
            if let Some((k, v)) = kv.split_once('=') {
                labels[k] = jv!(v);
            }
        }
    }
    let mut pod = jv!({"apiVersion":"v1","kind":"Pod","metadata":{"creationTimestamp":null,"labels":labels,"name":name},"spec":{"containers":[container],"dnsPolicy":"ClusterFirst","restartPolicy":restart},"status":{}});
    if dry == DryRun::Client {
        dryrun::print(ctx, output.as_ref(), Kind::Pod, &pod, &dry.op("created"));
        return Outcome::from(0);
    }
    // Sent to the server: the namespace is the request's.
    obj::meta_mut(&mut pod).insert("namespace".into(), jv!(ns));
    obj::meta_mut(&mut pod).remove("creationTimestamp");
    if let Some(m) = pod.as_object_mut() {
        m.remove("status");
    }
    let mut shadow = (dry == DryRun::Server).then(|| ctx.sim.clone());
    let created = match shadow.as_mut().unwrap_or(&mut *ctx.sim).create(pod) {
        Ok(created) => created,
        Err(e) => {
            ctx.report(&e);
            return Outcome::from(1);
        }
    };
    let key = ObjKey::new(Kind::Pod, &ns, &name);
    if !interactive {
        dryrun::print(ctx, output.as_ref(), Kind::Pod, &created, &dry.op("created"));
        return Outcome::from(0);
    }
    // Attach once the container runs, or has already run (kubectl waits up to
    // --pod-running-timeout, 1 minute).
    let deadline = ctx.sim.now().plus_ms(60_000);
    loop {
        let running = ctx
            .sim
            .store
            .get(&key)
            .is_some_and(|p| matches!(obj::str_at(p, "/status/phase"), Some("Running" | "Succeeded" | "Failed")));
        if running {
            break;
        }
        if !ctx.sim.step_before(deadline) {
            ctx.eprintln("error: timed out waiting for the condition");
            return Outcome::from(1);
        }
    }
    ctx.eprintln("If you don't see a command prompt, try pressing enter.");
    let b = banner(&image);
    if !b.is_empty() {
        ctx.out.out(b);
    }
    let shell_cmd = rest.first().cloned().unwrap_or_else(|| "sh".into());
    if (SHELLS.contains(&shell_cmd.as_str()) && rest.len() == 1) || rest.is_empty() {
        let shell = shell_cmd.rsplit('/').next().unwrap_or("sh").to_string();
        let attach = Attach { pod: key, container: name, remove: a.bool("rm"), shell, main: true };
        return Outcome::with(0, Effect::Attach(attach));
    }
    attached_run(ctx, &key, &name, &restart, a.bool("rm")).into()
}

/// `kubectl run -it` of a program that is not a shell: the terminal shows what it writes until
/// it ends; with `--restart=Never` (or OnFailure) kubectl waits for the pod to complete and
/// exits with the container's status (`run.go`), `--rm` deleting the pod first.
fn attached_run(ctx: &mut Ctx<'_>, key: &ObjKey, container: &str, restart: &str, remove: bool) -> i32 {
    let finished = |p: &Value| match restart {
        "Never" => matches!(obj::str_at(p, "/status/phase"), Some("Succeeded" | "Failed")),
        "OnFailure" => obj::str_at(p, "/status/phase") == Some("Succeeded"),
        _ => obj::arr_at(p, "/status/containerStatuses").first().is_some_and(|c| c.ptr("/state/running").is_none()),
    };
    let deadline = ctx.sim.now().plus_ms(super::get::WATCH_LIMIT_MS);
    while !ctx.sim.store.get(key).is_some_and(finished) {
        if !ctx.sim.step_before(deadline) {
            break;
        }
    }
    let Some(pod) = ctx.sim.store.get(key).cloned() else { return 1 };
    let uid = obj::uid(&pod).to_string();
    let lines = ctx.sim.logs.get(&(uid, container.to_string())).cloned().unwrap_or_default();
    for l in &lines {
        ctx.println(l);
    }
    if restart == "Always" {
        ctx.eprintln(&format!(
            "Session ended, resume using 'kubectl attach {} -c {container} -i -t' command when the pod is running",
            key.name
        ));
    }
    if remove {
        if ctx.sim.delete(key, crate::sim::DeleteOptions::default()).is_ok() {
            ctx.println(&format!("pod \"{}\" deleted", key.name));
        }
        let gone = ctx.sim.now().plus_ms(super::get::WATCH_LIMIT_MS);
        while ctx.sim.store.get(key).is_some_and(|p| obj::uid(p) == obj::uid(&pod)) && ctx.sim.step_before(gone) {}
    }
    if restart == "Always" {
        return 0;
    }
    match obj::str_at(&pod, "/status/phase") {
        Some("Failed") => {
            let t = obj::arr_at(&pod, "/status/containerStatuses")
                .first()
                .and_then(|c| c.ptr("/state/terminated"))
                .cloned();
            match t.as_ref().and_then(|t| obj::i64_at(t, "/exitCode")).filter(|&rc| rc != 0) {
                Some(rc) => {
                    let reason = t.as_ref().and_then(|t| obj::str_at(t, "/reason")).unwrap_or("Error");
                    ctx.eprintln(&format!("pod {}/{} terminated ({reason})", key.ns, key.name));
                    rc as i32
                }
                None => {
                    ctx.eprintln(&format!("error: pod {}/{} failed with unknown exit code", key.ns, key.name));
                    1
                }
            }
        }
        _ => 0,
    }
}

const LOG_FLAGS: &[Flag] = &[
    f("container", Some('c'), true),
    f("follow", Some('f'), false),
    f("tail", None, true),
    f("previous", Some('p'), false),
    f("timestamps", None, false),
    f("all-containers", None, false),
    f("since", None, true),
    f("selector", Some('l'), true),
    f("prefix", None, false),
    f("max-log-requests", None, true),
    f("ignore-errors", None, false),
];

/// `kubectl logs POD [-c CONTAINER] [--tail N]`.
pub fn logs(ctx: &mut Ctx<'_>, argv: &[String]) -> Outcome {
    let a = match args::parse("logs", argv, LOG_FLAGS) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    if a.bool("help") {
        ctx.println("Print the logs for a container in a pod or specified resource.\n\nUsage:\n  kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]");
        return Outcome::from(0);
    }
    let ns = ctx.namespace(&a);
    // With a selector: every matching pod, the last 10 lines of each unless --tail says.
    if let Some(sel) = a.get("selector") {
        if !a.positional.is_empty() {
            ctx.eprintln(
                "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples",
            );
            return Outcome::from(1);
        }
        let selector = match crate::sim::labels::Selector::parse(sel) {
            Ok(s) => s,
            Err(e) => {
                ctx.eprintln(&format!("error: {e}"));
                return Outcome::from(1);
            }
        };
        let pods: Vec<Value> = ctx
            .sim
            .store
            .list(Kind::Pod, Some(&ns))
            .map(|(_, p)| p)
            .filter(|p| selector.matches_obj(p))
            .cloned()
            .collect();
        if pods.is_empty() {
            ctx.eprintln(&format!("No resources found in {ns} namespace."));
            return Outcome::from(0);
        }
        let limit: usize = a.get("max-log-requests").and_then(|n| n.parse().ok()).unwrap_or(5);
        if a.bool("follow") && pods.len() > limit {
            ctx.eprintln(&format!("error: you are attempting to follow {} log streams, but maximum allowed concurrency is {limit}, use --max-log-requests to increase the limit", pods.len()));
            return Outcome::from(1);
        }
        let tail = a.get("tail").and_then(|t| t.parse::<i64>().ok()).unwrap_or(10);
        let mut code = 0;
        let mut streams = Vec::new();
        for pod in &pods {
            code |= pod_logs(ctx, &a, pod, tail, &mut streams);
        }
        return follow_logs(ctx, streams, code);
    }
    let Some(target) = a.positional.first().cloned() else {
        ctx.eprintln("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
        return Outcome::from(1);
    };
    let (_, pod) = match pod_object(ctx, &ns, &target, true) {
        Ok(p) => p,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    let tail = a.get("tail").and_then(|t| t.parse::<i64>().ok()).unwrap_or(-1);
    let mut streams = Vec::new();
    let code = pod_logs(ctx, &a, &pod, tail, &mut streams);
    follow_logs(ctx, streams, code)
}

/// `-f`: on the page the terminal follows the logs as the clock runs (Ctrl-C ends it); a
/// replay lets the cluster run until they end or go quiet (as a watch does).
fn follow_logs(ctx: &mut Ctx<'_>, streams: Vec<LogStream>, code: i32) -> Outcome {
    if streams.is_empty() || code != 0 {
        return Outcome::from(code);
    }
    let mut f = Follow { streams };
    if ctx.live && ctx.last_on_line {
        return Outcome::with(0, Effect::Hold(super::Job::Logs(f)));
    }
    let deadline = ctx.sim.now().plus_ms(super::get::WATCH_LIMIT_MS);
    let mut last = ctx.sim.now();
    while ctx.sim.step_before(deadline) {
        let (text, done) = f.poll(ctx.sim);
        if !text.is_empty() {
            last = ctx.sim.now();
        }
        ctx.out.out(&text);
        if done {
            return Outcome::from(0);
        }
        if ctx.sim.now().ms() > last.ms() + super::get::QUIET_MS {
            break;
        }
    }
    Outcome::with(130, Effect::Interrupted)
}

/// One pod's log: the container `-c` (or the second word) names, every container with
/// `--all-containers`, else the default one; `--prefix` names each line's source.
fn pod_logs(ctx: &mut Ctx<'_>, a: &args::Args, pod: &Value, tail: i64, follow: &mut Vec<LogStream>) -> i32 {
    let name = obj::name(pod).to_string();
    let names: Vec<String> =
        obj::arr_at(pod, "/spec/containers").iter().filter_map(|c| obj::str_at(c, "/name").map(String::from)).collect();
    let inits: Vec<String> = obj::arr_at(pod, "/spec/initContainers")
        .iter()
        .filter_map(|c| obj::str_at(c, "/name").map(String::from))
        .collect();
    let chosen: Vec<String> = if a.bool("all-containers") {
        inits.iter().chain(&names).cloned().collect()
    } else {
        match a.get("container").or(a.positional.get(1).map(String::as_str)) {
            Some(c) if names.iter().chain(&inits).any(|n| n == c) => vec![c.to_string()],
            Some(c) => {
                ctx.eprintln(&format!("error: container {c} is not valid for pod {name}"));
                return 1;
            }
            None => {
                if names.len() > 1 {
                    ctx.eprintln(&format!("Defaulted container \"{}\" out of: {}", names[0], names.join(", ")));
                }
                names.first().cloned().into_iter().collect()
            }
        }
    };
    for container in chosen {
        let status = obj::arr_at(pod, "/status/containerStatuses")
            .iter()
            .chain(obj::arr_at(pod, "/status/initContainerStatuses"))
            .find(|s| obj::str_at(s, "/name") == Some(container.as_str()))
            .cloned();
        // validateContainerLogStatus: `--previous` is the last terminated instance; otherwise
        // the running one, or the one that ended while the next waits (CrashLoopBackOff).
        let id = (obj::uid(pod).to_string(), container.clone());
        let has = |p: &str| status.as_ref().is_some_and(|s| s.ptr(p).is_some());
        let waiting = status.as_ref().and_then(|s| obj::str_at(s, "/state/waiting/reason").map(String::from));
        let previous = a.bool("previous");
        let lines = if previous {
            if !has("/lastState/terminated") {
                ctx.report(Error::bad_request(format!(
                    "previous terminated container \"{container}\" in pod \"{name}\" not found"
                )));
                return 1;
            }
            // While the next instance waits, the last one's log is still the current log.
            let source = if has("/state/waiting") { ctx.sim.logs.get(&id) } else { ctx.sim.previous_logs.get(&id) };
            source.cloned().unwrap_or_default()
        } else if has("/state/running") || has("/state/terminated") || has("/lastState/terminated") {
            ctx.sim.logs.get(&id).cloned().unwrap_or_default()
        } else {
            let reason = match waiting.as_deref().unwrap_or("ContainerCreating") {
                "ErrImagePull" => "image can't be pulled".to_string(),
                "ImagePullBackOff" => "trying and failing to pull image".to_string(),
                other => other.to_string(),
            };
            ctx.report(Error::bad_request(format!(
                "container \"{container}\" in pod \"{name}\" is waiting to start: {reason}"
            )));
            return 1;
        };
        let tail = usize::try_from(tail).unwrap_or(lines.len()).min(lines.len());
        let prefix = if a.bool("prefix") { format!("[pod/{name}/{container}] ") } else { String::new() };
        for l in &lines[lines.len() - tail..] {
            ctx.println(&format!("{prefix}{l}"));
        }
        if a.bool("follow") && !previous {
            let printed = ctx.sim.log_dropped.get(&id).copied().unwrap_or(0) + lines.len();
            follow.push(LogStream {
                key: ObjKey::new(Kind::Pod, obj::namespace(pod), &name),
                uid: id.0.clone(),
                container: container.clone(),
                prefix,
                printed,
            });
        }
    }
    0
}

/// One container's log that `kubectl logs -f` follows.
#[derive(Clone, Debug)]
pub struct LogStream {
    key: ObjKey,
    uid: String,
    container: String,
    prefix: String,
    /// Lines printed so far, counting those the log has since dropped.
    printed: usize,
}

/// `kubectl logs -f`: prints what the containers write as they write it, until they end.
#[derive(Clone, Debug)]
pub struct Follow {
    streams: Vec<LogStream>,
}

impl Follow {
    /// The lines written since the last look; `true` once every container followed has ended
    /// (kubectl returns when its log stream closes).
    pub fn poll(&mut self, sim: &crate::sim::Sim) -> (String, bool) {
        let mut text = String::new();
        self.streams.retain_mut(|st| {
            let id = (st.uid.clone(), st.container.clone());
            let lines = sim.logs.get(&id).map(Vec::as_slice).unwrap_or(&[]);
            let total = sim.log_dropped.get(&id).copied().unwrap_or(0) + lines.len();
            if total > st.printed {
                let new = (total - st.printed).min(lines.len());
                for l in &lines[lines.len() - new..] {
                    text.push_str(&format!("{}{l}\n", st.prefix));
                }
                st.printed = total;
            }
            // The stream closes when the container stops (or its pod is gone).
            sim.store.get(&st.key).filter(|p| obj::uid(p) == st.uid).is_some_and(|p| {
                obj::arr_at(p, "/status/containerStatuses").iter().any(|s| {
                    obj::str_at(s, "/name") == Some(st.container.as_str()) && s.ptr("/state/running").is_some()
                })
            })
        });
        (text, self.streams.is_empty())
    }
}

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
