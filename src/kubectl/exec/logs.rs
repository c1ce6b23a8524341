//! `kubectl logs`: a container's log, of one pod or of every pod a selector picks, `--previous`
//! instance, and `-f` following it as the containers write.

use super::pod_object;
use crate::kubectl::args::{self, f, Flag};
use crate::kubectl::errors::Error;
use crate::kubectl::{Ctx, Effect, Outcome};
use crate::sim::obj::{self, Ptr};
use crate::sim::{Kind, ObjKey};
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
        return Outcome::with(0, Effect::Hold(crate::kubectl::Job::Logs(f)));
    }
    let deadline = ctx.sim.now().plus_ms(crate::kubectl::get::WATCH_LIMIT_MS);
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
        if ctx.sim.now().ms() > last.ms() + crate::kubectl::get::QUIET_MS {
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
