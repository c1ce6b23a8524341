//! `kubectl logs`: a container's log, of one pod or of every pod a selector picks, `--previous`
//! instance, and `-f` following it as the containers write.

use super::{namespace, namespace_of, pod_object};
use crate::kubectl::args::{self, f, Flag};
use crate::kubectl::errors::Error;
use crate::kubectl::get::{QUIET_MS, WATCH_LIMIT_MS};
use crate::kubectl::stages::{Parsed, Report};
use crate::kubectl::{Ctx, Effect, Job};
use crate::sim::labels::Selector;
use crate::sim::obj::{self, Ptr};
use crate::sim::{Kind, ObjKey, Sim};
use serde_json::Value;

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

/// `kubectl logs`, parsed.
pub struct Logs {
    /// Whose logs: every pod `-l` picks, or the pod `POD`/`TYPE/NAME` names.
    source: Source,
    /// `-c`, or the word after the pod.
    container: Option<String>,
    all_containers: bool,
    /// `-p`: the last terminated instance's log.
    previous: bool,
    /// `--prefix`: each line says its pod and container.
    prefix: bool,
    follow: bool,
    /// `--tail` (when a number).
    tail: Option<i64>,
    /// `--max-log-requests`: how many pods `-f -l` may follow.
    max_requests: usize,
    namespace: Option<String>,
}

enum Source {
    Selector(Selector),
    Target(String),
}

#[inline(never)]
pub fn parse_logs(argv: &[String]) -> Result<Parsed<Logs>, Error> {
    let a = args::parse("logs", argv, LOG_FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help("Print the logs for a container in a pod or specified resource.\n\nUsage:\n  kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]".into()));
    }
    let source = match (a.get("selector"), a.positional.first()) {
        (Some(_), Some(_)) => {
            return Err(Error::cli(
                "only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples",
            ))
        }
        (Some(sel), None) => Source::Selector(Selector::parse(sel).map_err(Error::cli)?),
        (None, Some(target)) => Source::Target(target.clone()),
        (None, None) => return Err(Error::cli("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples")),
    };
    Ok(Parsed::Run(Logs {
        source,
        container: a.get("container").or(a.positional.get(1).map(String::as_str)).map(String::from),
        all_containers: a.bool("all-containers"),
        previous: a.bool("previous"),
        prefix: a.bool("prefix"),
        follow: a.bool("follow"),
        tail: a.get("tail").and_then(|t| t.parse::<i64>().ok()),
        max_requests: a.get("max-log-requests").and_then(|n| n.parse().ok()).unwrap_or(5),
        namespace: namespace_of(&a),
    }))
}

/// Prints the logs, then follows them with `-f`.
pub fn logs(ctx: &mut Ctx<'_>, req: Logs) -> Report {
    let mut r = Report::default();
    let streams = match &req.source {
        Source::Selector(sel) => selected_logs(ctx, &req, sel, &mut r),
        Source::Target(target) => target_logs(ctx, &req, target, &mut r),
    };
    if let Some(streams) = streams.filter(|s| !s.is_empty() && !r.failed()) {
        follow_logs(ctx, streams, &mut r);
    }
    r
}

/// Every pod the selector picks, the last 10 lines of each unless `--tail` says; the streams
/// to follow.
fn selected_logs(ctx: &mut Ctx<'_>, req: &Logs, sel: &Selector, r: &mut Report) -> Option<Vec<LogStream>> {
    let ns = namespace(ctx, &req.namespace);
    let pods: Vec<Value> =
        ctx.sim.store.list(Kind::Pod, Some(&ns)).map(|(_, p)| p).filter(|p| sel.matches_obj(p)).cloned().collect();
    if pods.is_empty() {
        r.note(format!("No resources found in {ns} namespace."));
        return None;
    }
    if req.follow && pods.len() > req.max_requests {
        r.fail(Error::cli(format!("you are attempting to follow {} log streams, but maximum allowed concurrency is {}, use --max-log-requests to increase the limit", pods.len(), req.max_requests)));
        return None;
    }
    let tail = req.tail.unwrap_or(10);
    let mut streams = Vec::new();
    for pod in &pods {
        // One pod's error does not keep the others' logs from printing.
        match pod_logs(ctx.sim, req, pod, tail, r) {
            Ok(s) => streams.extend(s),
            Err(e) => r.fail(e),
        }
    }
    Some(streams)
}

/// The pod `POD` or `TYPE/NAME` names (`Found 3 pods, using pod/web-0`); the streams to follow.
fn target_logs(ctx: &mut Ctx<'_>, req: &Logs, target: &str, r: &mut Report) -> Option<Vec<LogStream>> {
    let ns = namespace(ctx, &req.namespace);
    let found = pod_object(ctx.sim, &ns, target, true).and_then(|(_, pod, picked)| {
        if let Some(note) = picked.note() {
            r.note(note);
        }
        pod_logs(ctx.sim, req, &pod, req.tail.unwrap_or(-1), r)
    });
    found.map_err(|e| r.fail(e)).ok()
}

/// `-f`: on the page the terminal follows the logs as the clock runs (Ctrl-C ends it); a
/// replay lets the cluster run until they end or go quiet (as a watch does), printing as they
/// come.
fn follow_logs(ctx: &mut Ctx<'_>, streams: Vec<LogStream>, r: &mut Report) {
    let mut f = Follow { streams };
    if ctx.live && ctx.last_on_line {
        r.effect = Some(Effect::Hold(Job::Logs(f)));
        return;
    }
    let deadline = ctx.sim.now().plus_ms(WATCH_LIMIT_MS);
    let mut last = ctx.sim.now();
    while ctx.sim.step_before(deadline) {
        let (text, done) = f.poll(ctx.sim);
        if !text.is_empty() {
            last = ctx.sim.now();
        }
        r.out(text);
        if done {
            return;
        }
        if ctx.sim.now().ms() > last.ms() + QUIET_MS {
            break;
        }
    }
    r.code = Some(130);
    r.effect = Some(Effect::Interrupted);
}

/// The containers of a pod whose logs print: every one with `--all-containers`, the one `-c`
/// names, else the default one (kubectl says which when there are several).
fn containers(pod: &Value, req: &Logs, r: &mut Report) -> Result<Vec<String>, Error> {
    let names_at = |p: &str| -> Vec<String> {
        obj::arr_at(pod, p).iter().filter_map(|c| obj::str_at(c, "/name").map(String::from)).collect()
    };
    let (names, inits) = (names_at("/spec/containers"), names_at("/spec/initContainers"));
    if req.all_containers {
        return Ok(inits.iter().chain(&names).cloned().collect());
    }
    match req.container.as_deref() {
        Some(c) if names.iter().chain(&inits).any(|n| n == c) => Ok(vec![c.to_string()]),
        Some(c) => Err(Error::cli(format!("container {c} is not valid for pod {}", obj::name(pod)))),
        None => {
            if names.len() > 1 {
                r.note(format!("Defaulted container \"{}\" out of: {}", names[0], names.join(", ")));
            }
            Ok(names.first().cloned().into_iter().collect())
        }
    }
}

/// One pod's log, `--prefix` naming each line's source; the streams `-f` follows.
fn pod_logs(sim: &Sim, req: &Logs, pod: &Value, tail: i64, r: &mut Report) -> Result<Vec<LogStream>, Error> {
    let name = obj::name(pod).to_string();
    let mut follow = Vec::new();
    for container in containers(pod, req, r)? {
        let id = (obj::uid(pod).to_string(), container.clone());
        let lines = log_lines(sim, pod, &container, req.previous)?;
        let tail = usize::try_from(tail).unwrap_or(lines.len()).min(lines.len());
        let prefix = if req.prefix { format!("[pod/{name}/{container}] ") } else { String::new() };
        for l in &lines[lines.len() - tail..] {
            r.line(format!("{prefix}{l}"));
        }
        if req.follow && !req.previous {
            let printed = sim.log_dropped.get(&id).copied().unwrap_or(0) + lines.len();
            let key = ObjKey::new(Kind::Pod, obj::namespace(pod), &name);
            follow.push(LogStream { key, uid: id.0, container, prefix, printed });
        }
    }
    Ok(follow)
}

/// validateContainerLogStatus: `--previous` is the last terminated instance; otherwise the
/// running one, or the one that ended while the next waits (CrashLoopBackOff).
fn log_lines(sim: &Sim, pod: &Value, container: &str, previous: bool) -> Result<Vec<String>, Error> {
    let name = obj::name(pod);
    let status = obj::arr_at(pod, "/status/containerStatuses")
        .iter()
        .chain(obj::arr_at(pod, "/status/initContainerStatuses"))
        .find(|s| obj::str_at(s, "/name") == Some(container));
    let id = (obj::uid(pod).to_string(), container.to_string());
    let has = |p: &str| status.is_some_and(|s| s.ptr(p).is_some());
    if previous {
        if !has("/lastState/terminated") {
            return Err(Error::bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{name}\" not found"
            )));
        }
        // While the next instance waits, the last one's log is still the current log.
        let source = if has("/state/waiting") { sim.logs.get(&id) } else { sim.previous_logs.get(&id) };
        return Ok(source.cloned().unwrap_or_default());
    }
    if has("/state/running") || has("/state/terminated") || has("/lastState/terminated") {
        return Ok(sim.logs.get(&id).cloned().unwrap_or_default());
    }
    let waiting = status.and_then(|s| obj::str_at(s, "/state/waiting/reason"));
    let reason = match waiting.unwrap_or("ContainerCreating") {
        "ErrImagePull" => "image can't be pulled",
        "ImagePullBackOff" => "trying and failing to pull image",
        other => other,
    };
    Err(Error::bad_request(format!("container \"{container}\" in pod \"{name}\" is waiting to start: {reason}")))
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
    pub fn poll(&mut self, sim: &Sim) -> (String, bool) {
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

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;

    #[test]
    fn parse_logs_takes_a_selector_or_a_pod() {
        assert_eq!(
            refused(parse_logs(&words("web -l app=demo"))),
            "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples"
        );
        assert_eq!(refused(parse_logs(&words("-f"))), "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
        let Ok(Parsed::Run(l)) = parse_logs(&words("web side --tail=3 -p")) else { panic!("not parsed") };
        assert_eq!((l.container.as_deref(), l.tail, l.previous), (Some("side"), Some(3), true));
    }

    #[test]
    fn logs_print_the_tail_and_know_no_previous_instance() {
        let mut sim = cluster();
        assert_eq!(run(&mut sim, &words("web"), parse_logs, logs).0.stdout(), "one\ntwo\n");
        assert_eq!(run(&mut sim, &words("web --tail=1 --prefix"), parse_logs, logs).0.stdout(), "[pod/web/web] two\n");
        let (out, outcome) = run(&mut sim, &words("web -p"), parse_logs, logs);
        assert_eq!(
            out.stderr(),
            "Error from server (BadRequest): previous terminated container \"web\" in pod \"web\" not found\n"
        );
        assert_eq!(outcome.code, 1);
        let (out, _) = run(&mut sim, &words("-l app=nobody"), parse_logs, logs);
        assert_eq!(out.stderr(), "No resources found in default namespace.\n");
    }

    #[test]
    fn logs_f_holds_a_live_terminal_and_ends_a_quiet_replay_as_ctrl_c_does() {
        let mut sim = cluster();
        let parsed = parse_logs(&words("-f web"));
        let (out, outcome) = run_in(&mut sim, &crate::kubectl::NoFiles, true, Vec::new(), parsed, logs);
        assert_eq!(out.stdout(), "one\ntwo\n");
        assert!(matches!(outcome.effect, Some(Effect::Hold(Job::Logs(_)))));
        let (out, outcome) = run(&mut sim, &words("-f web"), parse_logs, logs);
        assert_eq!(out.stdout(), "one\ntwo\n");
        assert!(matches!(outcome.effect, Some(Effect::Interrupted)));
        assert_eq!(outcome.code, 130);
    }
}
