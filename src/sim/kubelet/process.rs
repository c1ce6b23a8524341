//! A container's main process: run through the session's runner from its start, resumed after a
//! sleep, or (when the lab cannot run it) its behaviour guessed from its command; what it prints
//! is the container's log.

use super::restart::{container_restarts, exit_step};
use super::{Paused, PodCtx, Step};
use crate::sim::images;
use crate::sim::obj;
use crate::sim::store::ObjKey;
use crate::sim::Sim;
use serde_json::Value;

/// A container's log keeps its last lines.
// k8s-diff: the kubelet keeps every line of the current file (up to its size, below); the lab
// keeps its last 5,000 lines.
const LOG_LINES: usize = 5_000;

/// The kubelet's `containerLogMaxSize` (10Mi by default): a running container's log file that
/// has reached it is rotated, and `kubectl logs` reads only the new, current file.
pub const LOG_MAX_SIZE: usize = 10 << 20;

/// What one line costs in the CRI log file besides its text: `<RFC 3339 nano time> stdout F `
/// before it and a newline after.
// k8s-diff: the runtime trims the time's trailing zeros; the lab counts the full nine digits.
const LOG_LINE_OVERHEAD: usize = 41;

/// Appends `lines` to a container's log. The kubelet's container log manager rotates a log file
/// that has reached [`LOG_MAX_SIZE`] (`rotateLog`): the file is renamed (and the older ones
/// compressed and trimmed to `containerLogMaxFiles`, 5) and the runtime reopens a new, empty
/// one, which is all `kubectl logs` shows.
// k8s-diff: the kubelet looks every 10 seconds (`containerLogMonitorInterval`), so a file may grow
// past 10 MiB in between; the lab rotates as soon as it reaches it, and keeps no rotated file
// (nothing in the lab reads them).
pub(crate) fn append_log(sim: &mut Sim, uid: &str, container: &str, lines: Vec<String>) {
    let id = (uid.to_string(), container.to_string());
    let log = sim.logs.entry(id.clone()).or_default();
    log.extend(lines);
    let mut dropped = log.len().saturating_sub(LOG_LINES);
    log.drain(..dropped);
    if log.iter().map(|l| l.len() + LOG_LINE_OVERHEAD).sum::<usize>() >= LOG_MAX_SIZE {
        dropped += log.len();
        log.clear();
    }
    if dropped > 0 {
        *sim.log_dropped.entry(id).or_default() += dropped;
    }
}

/// A container starts again: the dead instance's log is kept as the previous
/// (`kubectl logs --previous`), and the new one starts empty.
pub(super) fn keep_previous_log(sim: &mut Sim, uid: &str, container: &str) {
    let id = (uid.to_string(), container.to_string());
    let old = sim.logs.remove(&id).unwrap_or_default();
    sim.log_dropped.remove(&id);
    sim.previous_logs.insert(id, old);
}

/// How a step of a container's main process went, for the kubelet.
pub(super) enum Process {
    /// It ends this many milliseconds from now, with this code.
    Ends(u64, i32),
    /// It sleeps: `resume` was scheduled for when it goes on.
    Runs,
    /// The lab cannot run it (no runner, or a program the image lacks): the caller guesses.
    Unknown,
}

/// Runs container `name`'s main process (from its start, or on from where it paused) through
/// the session's runner, logging what it printed; a process that sleeps is kept and `resume`
/// is scheduled for when it wakes.
pub(super) fn run_process(
    sim: &mut Sim,
    key: &ObjKey,
    uid: &str,
    name: &str,
    launch: crate::sim::Launch<'_>,
    resume: Step,
) -> Process {
    let Some(programs) = sim.programs.clone() else { return Process::Unknown };
    sim.process_sleep = Some(0);
    let result = programs.run(sim, key, name, launch);
    sim.process_sleep = None;
    match result {
        Some(crate::sim::Ran::Done { lines, code, slept }) => {
            append_log(sim, uid, name, lines);
            Process::Ends(slept + 150, code)
        }
        Some(crate::sim::Ran::Waiting { lines, after_ms, state }) => {
            append_log(sim, uid, name, lines);
            sim.runtime.entry(uid.to_string()).or_default().processes.insert(name.to_string(), Paused(state));
            super::at(sim, key, uid, after_ms, resume);
            Process::Runs
        }
        None => Process::Unknown,
    }
}

/// `Step::Resume`: the main process of the container at `index` goes on after its sleep, unless
/// the container it belongs to (`instance`, its restart count) is gone or stopped.
#[inline(never)]
pub(super) fn resume(sim: &mut Sim, cx: &PodCtx, index: usize, instance: u32) {
    let container = cx.containers().get(index).map(super::name_of).unwrap_or_default();
    let current = container_restarts(cx.pod, index);
    let running = super::status::is_running(cx.pod, &container);
    let Some(state) = take_paused(sim, cx.uid, &container) else { return };
    if cx.deleting || current != instance || !running {
        return;
    }
    let launch = crate::sim::Launch::Resume(state.0);
    if let Process::Ends(ms, code) =
        run_process(sim, cx.key, cx.uid, &container, launch, Step::Resume { container: index, instance })
    {
        let step = exit_step(cx.pod, index, code);
        cx.at(sim, ms, step);
    }
}

/// The paused process of container `name`, taken from the kubelet's memory of the pod.
pub(super) fn take_paused(sim: &mut Sim, uid: &str, name: &str) -> Option<Paused> {
    sim.runtime.get_mut(uid).and_then(|r| r.processes.remove(name))
}

/// The words of container `c`'s command and args.
pub(super) fn argv_of(c: &Value) -> Vec<String> {
    obj::arr_at(c, "/command")
        .iter()
        .chain(obj::arr_at(c, "/args"))
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

/// Whether a command runs a server or follows a file: the kubelet's guess stands for it
/// (the lab runs neither).
pub(super) fn left_to_guess(script: &str) -> bool {
    let servers = ["nginx", "postgres", "mysqld", "redis-server", "httpd", "mongod"];
    script.contains("tail -f")
        || script
            .split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
            .any(|w| servers.contains(&w.rsplit('/').next().unwrap_or(w)))
}

/// The guess for container `c` when the lab cannot run its process: `behaviour` with its image.
pub(super) fn guess(c: &Value) -> Option<(u64, i32)> {
    let info = c.get("image").and_then(Value::as_str).and_then(|i| images::lookup(i).ok());
    behaviour(c, info.as_ref())
}

/// How a container's main process behaves: runs for `Some(ms)` then exits with the code, or forever.
pub(super) fn behaviour(c: &Value, info: Option<&images::ImageInfo>) -> Option<(u64, i32)> {
    let mut words: Vec<String> = obj::arr_at(c, "/command")
        .iter()
        .chain(obj::arr_at(c, "/args"))
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    let interactive = obj::bool_at(c, "/stdin").unwrap_or(false) || obj::bool_at(c, "/tty").unwrap_or(false);
    if words.is_empty() {
        if interactive {
            return None;
        }
        return if info.is_some_and(|i| i.long_running) { None } else { Some((100, 0)) };
    }
    let script = words.join(" ");
    // A shell alone reads its stdin: with one attached (`-it`) it waits for it; without, it
    // ends at once. Another program runs whether or not stdin is attached.
    let program = words[0].rsplit('/').next().unwrap_or(&words[0]);
    if ["sh", "bash", "zsh", "ash", "dash"].contains(&program) && words.len() == 1 {
        return if interactive { None } else { Some((100, 0)) };
    }
    // A server image running its own program (kube-proxy's binary, CoreDNS's flags): it
    // serves until stopped.
    let general = [
        "sh", "bash", "zsh", "ash", "dash", "echo", "sleep", "cat", "true", "false", "ls", "env", "date", "printf",
        "exit", "nslookup", "curl", "wget",
    ];
    if info.is_some_and(|i| i.serves_itself) && !general.contains(&program) {
        return None;
    }
    words.retain(|w| !w.is_empty());
    // Loops and waits anywhere in a script; servers as the program run (not a name that
    // merely contains one, such as `nslookup web-0.nginx`).
    let forever = ["while true", "while :", "sleep infinity", "tail -f", "sleep inf"];
    let servers = ["nginx", "postgres", "mysqld", "redis-server", "httpd"];
    let runs_server = script
        .split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
        .any(|w| servers.contains(&w.rsplit('/').next().unwrap_or(w)));
    if forever.iter().any(|f| script.contains(f)) || runs_server {
        return None;
    }
    if let Some(pos) = script.find("sleep ") {
        let n: String = script[pos + 6..].trim_start().chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(secs) = n.parse::<u64>() {
            return Some((secs * 1000 + 100, exit_code_of(&script)));
        }
    }
    Some((150, exit_code_of(&script)))
}

/// The code a script's `exit N` ends it with (0 without one).
fn exit_code_of(script: &str) -> i32 {
    match script.find("exit ") {
        Some(p) => script[p + 5..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .unwrap_or(0),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_log_rotates_at_the_kubelets_max_size() {
        use super::{append_log, LOG_LINE_OVERHEAD, LOG_MAX_SIZE};
        let mut sim = crate::sim::Sim::new(crate::sim::SimConfig::seeded(1));
        let id = ("u".to_string(), "c".to_string());
        // Nine lines of 1 MiB and their prefixes stay below 10 MiB: no rotation.
        let mib = "x".repeat(1 << 20);
        append_log(&mut sim, "u", "c", vec![mib.clone(); 9]);
        assert_eq!(sim.logs.get(&id).map(Vec::len), Some(9));
        const { assert!(9 * ((1 << 20) + LOG_LINE_OVERHEAD) < LOG_MAX_SIZE) };
        // The tenth takes the file to 10 MiB: it is rotated, and the current file starts empty.
        append_log(&mut sim, "u", "c", vec![mib]);
        assert_eq!(sim.logs.get(&id).map(Vec::len), Some(0));
        append_log(&mut sim, "u", "c", vec!["after".into()]);
        assert_eq!(sim.logs.get(&id), Some(&vec!["after".to_string()]));
        assert_eq!(sim.log_dropped.get(&id), Some(&10));
    }

    use super::*;
    use serde_json::json;

    #[test]
    fn behaviour_reads_the_command() {
        let c = json!({"image":"busybox","command":["sh","-c","sleep 3600"]});
        assert_eq!(behaviour(&c, None), Some((3_600_100, 0)));
        let c = json!({"image":"busybox","command":["sh","-c","while true; do sleep 1; done"]});
        assert_eq!(behaviour(&c, None), None);
        let c = json!({"image":"busybox","args":["sh","-c","echo hi; exit 3"]});
        assert_eq!(behaviour(&c, None), Some((150, 3)));
        let nginx = images::lookup("nginx").ok();
        assert_eq!(behaviour(&json!({"image":"nginx"}), nginx.as_ref()), None);
    }
}

#[cfg(test)]
mod handler_tests {
    use super::super::testkit::*;
    use crate::jv;
    use crate::sim::obj::{self, Ptr};

    #[test]
    fn a_commands_output_is_its_containers_log_and_its_exit_ends_the_pod() {
        let mut sim = cluster(true);
        let spec = jv!({"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1.28",
            "command":["sh","-c","echo hello; sleep 2; echo world"]}]});
        create_pod(&mut sim, "p", spec);
        assert!(run_until(&mut sim, 60_000, |s| phase(s, "p") == "Succeeded"));
        let uid = obj::uid(&pod(&sim, "p")).to_string();
        assert_eq!(sim.logs.get(&(uid, "c".to_string())), Some(&vec!["hello".to_string(), "world".to_string()]));
        let s = container_status(&sim, "p", "c");
        assert_eq!(s.ptr("/state/terminated/reason"), Some(&jv!("Completed")));
        assert_eq!(s.ptr("/state/terminated/exitCode"), Some(&jv!(0)));
    }

    #[test]
    fn a_process_that_sleeps_runs_until_it_wakes_and_ends() {
        let mut sim = cluster(true);
        let spec = jv!({"restartPolicy":"Never","containers":[{"name":"c","image":"busybox:1.28",
            "command":["sh","-c","sleep 30; exit 4"]}]});
        create_pod(&mut sim, "p", spec);
        assert!(run_until(&mut sim, 60_000, |s| phase(s, "p") == "Running"));
        let started = sim.now();
        assert!(run_until(&mut sim, 60_000, |s| phase(s, "p") == "Failed"));
        let ran = sim.now().ms() - started.ms();
        assert!((29_000..=31_500).contains(&ran), "ran {ran} ms");
        let s = container_status(&sim, "p", "c");
        assert_eq!(s.ptr("/state/terminated/reason"), Some(&jv!("Error")));
        assert_eq!(s.ptr("/state/terminated/exitCode"), Some(&jv!(4)));
    }
}
