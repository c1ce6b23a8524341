//! `kubectl run`: a pod from an image, printed, or attached to (`-it`, `--rm`, `--restart`).

use super::{Attach, SHELLS};
use crate::jv;
use crate::kubectl::args::{self, f, Flag};
use crate::kubectl::dryrun::{self, DryRun};
use crate::kubectl::{Ctx, Effect, Outcome};
use crate::sim::obj::{self, Ptr};
use crate::sim::{Kind, ObjKey};
use serde_json::Value;

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
    let deadline = ctx.sim.now().plus_ms(crate::kubectl::get::WATCH_LIMIT_MS);
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
        let gone = ctx.sim.now().plus_ms(crate::kubectl::get::WATCH_LIMIT_MS);
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
