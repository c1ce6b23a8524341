//! Creating and starting the pod's containers once their images are there: the environment
//! check (`CreateContainerConfigError`), the Created and Started events, the images'
//! entrypoints and main processes, the Running status, and the first probes and exits.

use super::env::environment;
use super::process::{argv_of, guess, keep_previous_log, left_to_guess, run_process, Process};
use super::pull::flush_pulled_events;
use super::status::{container_id, image_id, last_state, set_ready_conditions, set_waiting};
use super::{name_of, probe, PodCtx, Step};
use crate::jv;
use crate::sim::obj;
use crate::sim::Sim;
use crate::support::collections::VecMap;
use serde_json::Value;

/// The kubelet's PLEG relists containers every second (`plegRelistPeriod`).
const PLEG_RELIST_MS: u64 = 1000;

/// `Step::Pulled`: the images are there; the containers are created and started.
pub(super) fn create(sim: &mut Sim, cx: &PodCtx) {
    flush_pulled_events(sim, cx);
    // A container whose environment names a missing Secret, ConfigMap or key is not
    // created: CreateContainerConfigError, tried again after the pod worker's back-off.
    let problem = cx
        .containers()
        .iter()
        .find_map(|c| environment(sim, cx.pod, obj::str_at(c, "/name").unwrap_or("")).err().map(|e| (c.clone(), e)));
    if let Some((c, e)) = problem {
        cx.event(sim, "Warning", "Failed", format!("Error: {e}"));
        set_waiting(sim, cx.key, &c, "CreateContainerConfigError", Some(e));
        let d = sim.rand_range(10_000, 15_000);
        cx.at(sim, d, Step::RetryPull);
        return;
    }
    for c in cx.containers() {
        created_and_started(sim, cx, "spec.containers", &name_of(&c));
    }
    let d = sim.rand_range(250, 600);
    cx.at(sim, d, Step::Started);
}

/// The Created and Started events of container `name` of `list` (`spec.containers`,
/// `spec.initContainers`) (`startContainer` in pkg/kubelet/kuberuntime/kuberuntime_container.go),
/// in the profile's release's words, about the container's field as `recordContainerEvent`
/// makes it.
pub(super) fn created_and_started(sim: &mut Sim, cx: &PodCtx, list: &str, name: &str) {
    let (created, started) = created_started_words(sim.profile.server_minor(), name);
    let path = format!("{list}{{{name}}}");
    sim.record_container_event(cx.key, "Normal", "Created", &path, created);
    sim.record_container_event(cx.key, "Normal", "Started", &path, started);
}

/// The Created and Started events' messages at server release `1.minor`.
fn created_started_words(minor: u32, name: &str) -> (String, String) {
    if minor >= 35 {
        // kubernetes/kubernetes#134043 ("Remove container name from container event messages",
        // in CHANGELOG-1.35.md under v1.35.0-alpha.1): "Container created", "Container started".
        return ("Container created".into(), "Container started".into());
    }
    let created = if minor >= 32 {
        // kuberuntime_container.go's `startContainer`: `"Created container: %v", container.Name`
        // in the v1.33.0 and v1.33.3 sources (`git archive`s of 60a317ea and 80779bd6: github
        // liuzelin12345/OffloadScheduler, kaisenlinux/kubernetes) and in kubeedge's vendored
        // v1.32.10; not in v1.31.4. It is a Go 1.24 vet fix (a constant format for the printf
        // wrapper `recordContainerEvent`), most likely kubernetes/kubernetes#127422 ("Go vet
        // fixes for gotip", opened after v1.31.0), which was picked into release-1.29, -1.30
        // and -1.31 only (#129524, #129521, #129519, January 2025), so release-1.32 had it.
        // v1.32.0's own source was not reachable: the gate at 32 rests on that inference.
        // k8s-diff: those picks gave late 1.29–1.31 patches the colon too (v1.31.4 prints
        // none, kubeedge's vendored v1.31.11 does); the lab words a whole minor as its .0 does.
        format!("Created container: {name}")
    } else {
        // kubernetes/kubernetes#73892 (v1.14): fmt.Sprintf("Created container %s",
        // container.Name), as in the v1.31.0 and v1.31.4 sources (github wt2017/kubernetes-wyou,
        // "base from .../tree/v1.31.0", gitVersion 9edcffcd) and v1.24.3–v1.31.2 (kaisenlinux).
        format!("Created container {name}")
    };
    // #73892 too: "Started container %s"; #127422 made it "Started container %v", same words.
    (created, format!("Started container {name}"))
}

/// What the containers' processes came to as they started.
#[derive(Default)]
struct Launched {
    /// Containers whose process ends: in how many milliseconds, with what code.
    ran: VecMap<String, (u64, i32)>,
    /// Containers that serve until stopped.
    serving: Vec<String>,
}

/// The containers' new statuses, and when their processes end.
struct Running {
    statuses: Vec<Value>,
    /// No container has a readiness probe: the pod is ready at once.
    all_ready: bool,
    /// The first process to end: in how many milliseconds, with what code.
    first_exit: Option<(u64, i32)>,
    /// Each container's process that ends: (index, milliseconds, code).
    exits: Vec<(usize, u64, i32)>,
}

/// `Step::Started`: the containers run. Their entrypoints and processes start, the pod is
/// Running (or, for a process that ends before the PLEG sees it run, about to be seen ended),
/// and the probes and exits are scheduled.
pub(super) fn started(sim: &mut Sim, cx: &PodCtx) {
    // A restarted container starts a new log; the dead one's is kept as the previous.
    if sim.runtime.get(cx.uid).is_some_and(|r| r.restarts > 0) {
        for c in cx.containers() {
            keep_previous_log(sim, cx.uid, &name_of(&c));
        }
    }
    let mut launched = entrypoints(sim, cx);
    if sim.programs.is_some() {
        main_processes(sim, cx, &mut launched);
    }
    let now_ms = sim.now().ms();
    cx.runtime(sim).started_ms = now_ms;
    cx.runtime(sim).redefining = false;
    let restarts = cx.restarts(sim);
    let running = running_statuses(sim, cx, &launched, restarts);
    report(sim, cx, &running);
    if !running.all_ready {
        probe::first_readiness(sim, cx, restarts);
    }
    if cx.containers().len() == 1 {
        if let Some((ms, code)) = running.first_exit {
            cx.at(sim, ms, Step::Exited(code));
        }
    } else {
        // Each container of several ends on its own.
        for &(index, ms, code) in &running.exits {
            cx.at(sim, ms, Step::ContainerExited { index, code, instance: restarts });
        }
    }
    probe::first_liveness(sim, cx, restarts);
}

/// The images' entrypoints: what they print, and whether they run their server (`serving`) or
/// give up at once (in `ran`).
fn entrypoints(sim: &mut Sim, cx: &PodCtx) -> Launched {
    let mut launched = Launched::default();
    for c in cx.containers() {
        let name = name_of(&c);
        let start = crate::sim::entrypoint::start(sim, cx.key, &c);
        super::process::append_log(sim, cx.uid, &name, start.lines);
        match start.exit {
            Some(code) => {
                launched.ran.insert(name, (150, code));
            }
            None if start.server => launched.serving.push(name),
            None => {}
        }
    }
    launched
}

/// Main processes that end: run them (their output is the container's log), unless the lab
/// cannot run them (then `behaviour` guesses).
fn main_processes(sim: &mut Sim, cx: &PodCtx, launched: &mut Launched) {
    let instance = cx.restarts(sim);
    for (index, c) in cx.containers().into_iter().enumerate() {
        let argv = argv_of(&c);
        let name = name_of(&c);
        if !runnable(&c, &argv) || launched.ran.contains_key(&name) || launched.serving.contains(&name) {
            continue;
        }
        let resume = Step::Resume { container: index, instance };
        match run_process(sim, cx.key, cx.uid, &name, crate::sim::Launch::Start(&argv), resume) {
            Process::Ends(ms, code) => {
                launched.ran.insert(name, (ms, code));
            }
            Process::Runs => launched.serving.push(name),
            Process::Unknown => {}
        }
    }
}

/// Whether the lab runs container `c`'s command `argv` itself.
fn runnable(c: &Value, argv: &[String]) -> bool {
    // A shell alone with a terminal attached reads what the learner types.
    let interactive = obj::bool_at(c, "/stdin").unwrap_or(false) || obj::bool_at(c, "/tty").unwrap_or(false);
    let lone_shell =
        argv.len() == 1 && ["sh", "bash", "zsh", "ash", "dash"].contains(&argv[0].rsplit('/').next().unwrap_or(""));
    !(argv.is_empty() || (interactive && lone_shell) || left_to_guess(&argv.join(" ")))
}

/// Each container's running status (a new container ID each), and when its process ends.
fn running_statuses(sim: &mut Sim, cx: &PodCtx, launched: &Launched, restarts: u32) -> Running {
    let mut running = Running { statuses: Vec::new(), all_ready: true, first_exit: None, exits: Vec::new() };
    for (index, c) in cx.containers().into_iter().enumerate() {
        let probe = c.get("readinessProbe").is_some();
        running.all_ready &= !probe;
        let cname = name_of(&c);
        let ran = launched.ran.get(&cname).copied();
        let guessed = if launched.serving.contains(&cname) { None } else { guess(&c) };
        if let Some(b) = ran.or(guessed) {
            running.first_exit = Some(running.first_exit.map_or(b, |e| if b.0 < e.0 { b } else { e }));
            running.exits.push((index, b.0, b.1));
        }
        // A restarted container's last state is how the one before it ended.
        let old = obj::arr_at(cx.pod, "/status/containerStatuses").iter().find(|s| s.get("name") == c.get("name"));
        let prev = last_state(old);
        let id = container_id(sim);
        let ts = &cx.ts;
        running.statuses.push(jv!({"name":c.get("name"),"image":c.get("image"),"imageID":image_id(&c),"containerID":id,
            "ready":!probe,"started":true,"restartCount":restarts,"lastState":prev,"state":{"running":{"startedAt":ts}}}));
    }
    // The kubelet reports statuses sorted by container name (SortedContainerStatuses).
    crate::support::sort::sort_by_key(&mut running.statuses, |s: &Value| {
        obj::str_at(s, "/name").unwrap_or("").to_string()
    });
    running
}

/// Writes the pod Running with its statuses, or, in a pod of one container whose process ends
/// before the next PLEG relist, keeps them unreported: it is first seen ended, never running.
fn report(sim: &mut Sim, cx: &PodCtx, running: &Running) {
    let statuses = &running.statuses;
    if cx.containers().len() == 1 && running.first_exit.is_some_and(|(ms, _)| ms < PLEG_RELIST_MS) {
        cx.runtime(sim).unreported = Some(jv!(statuses));
        return;
    }
    sim.modify(cx.key, |p| {
        let st = obj::object_mut(p, "status");
        st.insert("phase".into(), jv!("Running"));
        st.insert("containerStatuses".into(), jv!(statuses));
        if running.all_ready {
            set_ready_conditions(p, true, &cx.ts);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::jv;
    use crate::sim::obj::Ptr;
    use serde_json::Value;

    #[test]
    fn containers_without_probes_run_ready_with_a_containerd_id() {
        let mut sim = cluster(false);
        create_pod(&mut sim, "web", jv!({"containers":[{"name":"nginx","image":"nginx:1.14.2"}]}));
        assert!(run_until(&mut sim, 30_000, |s| phase(s, "web") == "Running"));
        let s = container_status(&sim, "web", "nginx");
        assert!(s.ptr("/state/running/startedAt").is_some(), "{s}");
        assert_eq!(s.ptr("/ready"), Some(&jv!(true)));
        assert_eq!(s.ptr("/started"), Some(&jv!(true)));
        assert_eq!(s.ptr("/restartCount"), Some(&jv!(0)));
        let id = s.ptr("/containerID").and_then(Value::as_str).unwrap_or("");
        assert!(id.starts_with("containerd://") && id.len() == "containerd://".len() + 64, "{id}");
        assert_eq!(condition(&sim, "web", "Ready"), "True");
        assert_eq!(condition(&sim, "web", "ContainersReady"), "True");
        let events = events(&sim, "web");
        assert!(
            events.ends_with(&["Created: Created container nginx".into(), "Started: Started container nginx".into()])
        );
    }

    #[test]
    fn a_container_whose_env_names_a_missing_config_map_waits_in_create_container_config_error() {
        let mut sim = cluster(false);
        let spec = jv!({"containers":[{"name":"app","image":"busybox:1.28","command":["sleep","3600"],
            "env":[{"name":"X","valueFrom":{"configMapKeyRef":{"name":"settings","key":"x"}}}]}]});
        create_pod(&mut sim, "p", spec);
        let waiting =
            |s: &crate::sim::Sim| waiting_reason(s, "p", "app").as_deref() == Some("CreateContainerConfigError");
        assert!(run_until(&mut sim, 30_000, waiting));
        let s = container_status(&sim, "p", "app");
        assert_eq!(s.ptr("/state/waiting/message"), Some(&jv!("configmap \"settings\" not found")));
        assert!(events(&sim, "p").contains(&"Failed: Error: configmap \"settings\" not found".to_string()));
        // Once the ConfigMap is there, the retry creates the container.
        let cm = jv!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"default"},"data":{"x":"1"}});
        sim.create(cm).expect("the ConfigMap is valid");
        assert!(run_until(&mut sim, 30_000, |s| phase(s, "p") == "Running"));
    }
}
