//! The kubelets: they take a bound pod through sandbox, image pull and container start
//! (STATUS `ContainerCreating` → `Running`), stop it gracefully on deletion, and hand out pod
//! IPs from each node's block (reference §6).
//!
//! Timings follow the seed's cluster: the sandbox and its IP about a second after binding; an
//! image the node lacks takes the image's pull time (nginx-slim about 7.6 s); an image already
//! there starts in about a second; nginx stops within a second of SIGTERM.

use super::images::{self, PullError};
use super::obj;
use super::obj::Ptr;
use super::resources::Kind;
use super::store::ObjKey;
use super::{Sim, Timer};
use crate::jv;
use crate::support::collections::{VecMap, VecSet};
use serde_json::Value;

/// One node's pod address block. Addresses are handed out in increasing order and not reused
/// at once (the seed's web-0 goes from .2 to .3 when re-created).
#[derive(Clone, Debug)]
pub struct NodeIpam {
    block: [u8; 3],
    next: u8,
    used: VecSet<u8>,
}

impl NodeIpam {
    pub fn new(block: [u8; 3]) -> NodeIpam {
        NodeIpam { block, next: 2, used: VecSet::new() }
    }
    pub(crate) fn allocate(&mut self) -> Option<String> {
        for i in 0..253u16 {
            let cand = 2 + ((self.next as u16 - 2 + i) % 253) as u8;
            if !self.used.contains(&cand) {
                self.used.insert(cand);
                self.next = if cand == 254 { 2 } else { cand + 1 };
                return Some(format!("{}.{}.{}.{cand}", self.block[0], self.block[1], self.block[2]));
            }
        }
        None
    }
    fn release(&mut self, ip: &str) {
        if let Some(last) = ip.rsplit('.').next().and_then(|l| l.parse().ok()) {
            self.used.remove(&last);
        }
    }
}

/// A step of a pod's life on its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// The kubelet admits the pod: `ContainerCreating`.
    Accept,
    /// The sandbox is up and has its IP; image pulls begin.
    Sandbox,
    /// Pulls finished (or images were present); containers are created and started next.
    Pulled,
    /// A pull failed: `ErrImagePull`.
    PullFailed,
    /// `ImagePullBackOff` after a failed pull.
    PullBackOff,
    /// Retry the pull after back-off.
    RetryPull,
    /// Containers are running.
    Started,
    /// The readiness probes run (for the container instance `instance`, its restart count).
    Ready { instance: u32 },
    /// The main process exited by itself (code).
    Exited(i32),
    /// In a pod of several containers, the one at `index` ended with `code` (`instance`: its
    /// restart count then).
    ContainerExited { index: usize, code: i32, instance: u32 },
    /// In a pod of several containers, the one at `index` starts again.
    ContainerRestart { index: usize },
    /// The liveness probe of the container at `index` runs (`failures` in a row so far).
    Live { index: usize, instance: u32, failures: u32 },
    /// Init container `i`'s image is pulled next (init containers run one at a time, first).
    Init(usize),
    /// Init container `i`'s image is there: it is created and started.
    InitPulled(usize),
    /// Init container `i` ended with this code.
    InitExited(usize, i32),
    /// Init container `index`'s process goes on after a sleep (`instance`: its restarts).
    InitResume { index: usize, instance: u32 },
    /// The main process of the container at this index goes on after a sleep (`instance`:
    /// the restart count it belongs to; a restarted container's old process is gone).
    Resume { container: usize, instance: u32 },
    /// Restart after CrashLoopBackOff.
    Restart,
    /// Termination: the kubelet marked the pod not ready.
    StopNotice,
    /// Termination: containers have exited (code).
    Stopped(i32),
    /// Termination: the final status write.
    FinalStatus,
    /// The pod object is removed (grace period zero delete).
    Remove,
}

/// What the kubelet remembers of one pod (by uid).
#[derive(Clone, Debug, Default)]
pub struct PodRuntime {
    pub accepted: bool,
    pub killing: bool,
    pub pull_failures: u32,
    pub restarts: u32,
    pub started_ms: u64,
    /// Container statuses of a start not yet reported: a process that ends before the next
    /// PLEG relist (1 s) is first seen ended, never running.
    pub unreported: Option<Value>,
    /// A container's image changed: it is being stopped and started again.
    pub redefining: bool,
    /// Pulled events of pulls still under way.
    pub pulled_events: Vec<String>,
    /// Main processes that sleep, by container, until their `Step::Resume`.
    pub processes: VecMap<String, Paused>,
    /// Readiness probe failures in a row, by container.
    pub probe_failures: VecMap<String, u32>,
}

/// A paused main process, as the session's runner keeps it.
#[derive(Clone)]
pub struct Paused(pub std::rc::Rc<dyn std::any::Any>);

impl std::fmt::Debug for Paused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Paused")
    }
}

/// A container's log keeps its last lines.
// k8s-diff: the kubelet rotates a container's log by size (10 MiB); the lab keeps 5,000 lines.
const LOG_LINES: usize = 5_000;

fn append_log(sim: &mut Sim, uid: &str, container: &str, lines: Vec<String>) {
    let log = sim.logs.entry((uid.to_string(), container.to_string())).or_default();
    log.extend(lines);
    if log.len() > LOG_LINES {
        let extra = log.len() - LOG_LINES;
        log.drain(..extra);
        *sim.log_dropped.entry((uid.to_string(), container.to_string())).or_default() += extra;
    }
}

/// How a step of a container's main process went, for the kubelet.
enum Process {
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
fn run_process(
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
            at(sim, key, uid, after_ms, resume);
            Process::Runs
        }
        None => Process::Unknown,
    }
}

/// The words of container `c`'s command and args.
fn argv_of(c: &Value) -> Vec<String> {
    obj::arr_at(c, "/command")
        .iter()
        .chain(obj::arr_at(c, "/args"))
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

/// The step for container `index` ending with `code`: the pod's in a pod of one container
/// (its containers end and restart together), the container's own otherwise.
fn exit_step(pod: &Value, index: usize, code: i32) -> Step {
    if containers(pod).len() == 1 {
        return Step::Exited(code);
    }
    let instance = container_restarts(pod, index);
    Step::ContainerExited { index, code, instance }
}

fn container_restarts(pod: &Value, index: usize) -> u32 {
    let name = containers(pod).get(index).and_then(|c| obj::str_at(c, "/name").map(String::from)).unwrap_or_default();
    obj::arr_at(pod, "/status/containerStatuses")
        .iter()
        .find(|s| obj::str_at(s, "/name") == Some(name.as_str()))
        .and_then(|s| obj::i64_at(s, "/restartCount"))
        .unwrap_or(0) as u32
}

/// Whether a command runs a server or follows a file: the kubelet's guess stands for it
/// (the lab runs neither).
fn left_to_guess(script: &str) -> bool {
    let servers = ["nginx", "postgres", "mysqld", "redis-server", "httpd", "mongod"];
    script.contains("tail -f")
        || script
            .split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
            .any(|w| servers.contains(&w.rsplit('/').next().unwrap_or(w)))
}

/// The kubelet's PLEG relists containers every second (`plegRelistPeriod`).
const PLEG_RELIST_MS: u64 = 1000;

fn containers(pod: &Value) -> Vec<Value> {
    obj::arr_at(pod, "/spec/containers").to_vec()
}

fn at(sim: &mut Sim, pod: &ObjKey, uid: &str, after_ms: u64, step: Step) {
    sim.schedule(after_ms, Timer::Kubelet { pod: pod.clone(), uid: uid.to_string(), step });
}

/// How a container's main process behaves: runs for `Some(ms)` then exits with the code, or forever.
fn behaviour(c: &Value, info: Option<&images::ImageInfo>) -> Option<(u64, i32)> {
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

/// Reacts to a change of a pod bound to a node.
pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let Some(pod) = sim.store.get_rc(key) else { return };
    let pod: &Value = &pod;
    // No kubelet runs on a node that does not exist: a pod bound there stays Pending.
    let Some(node) = obj::str_at(pod, "/spec/nodeName") else { return };
    if sim.store.get(&ObjKey::new(Kind::Node, "", node)).is_none() {
        // k8s-diff: the pod garbage collector removes such a pod (an orphan of a missing node)
        // once it is deleted, at once rather than after its quarantine.
        if obj::is_deleting(pod) && obj::finalizers(pod).is_empty() {
            sim.store.remove(key, sim.now());
        }
        return;
    }
    let uid = obj::uid(pod).to_string();
    let rt = sim.runtime.entry(uid.clone()).or_default().clone();
    if obj::is_deleting(pod) {
        if rt.killing {
            return;
        }
        sim.runtime.get_mut(&uid).expect("just inserted").killing = true;
        terminate(sim, key, &uid, pod, rt.accepted);
        return;
    }
    if !rt.accepted {
        sim.runtime.get_mut(&uid).expect("just inserted").accepted = true;
        let d = sim.rand_range(30, 120);
        at(sim, key, &uid, d, Step::Accept);
        return;
    }
    // A running container whose image was changed (`kubectl set image pod/...`): the kubelet
    // kills it ("definition changed") and starts it again with the new image.
    let changed: Vec<String> = obj::arr_at(pod, "/status/containerStatuses")
        .iter()
        .filter(|s| s.ptr("/state/running").is_some())
        .filter(|s| {
            obj::arr_at(pod, "/spec/containers")
                .iter()
                .any(|c| c.get("name") == s.get("name") && c.get("image") != s.get("image"))
        })
        .filter_map(|s| obj::str_at(s, "/name").map(String::from))
        .collect();
    if !changed.is_empty() && !rt.redefining && obj::str_at(pod, "/status/phase") == Some("Running") {
        {
            let r = sim.runtime.get_mut(&uid).expect("just inserted");
            r.redefining = true;
            r.restarts += 1;
        }
        let ts = sim.timestamp();
        for name in &changed {
            sim.record_event(
                key,
                "Normal",
                "Killing",
                "kubelet",
                format!("Container {name} definition changed, will be restarted"),
            );
        }
        sim.modify(key, |p| {
            if let Some(cs) = p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
                for c in cs.iter_mut().filter(|c| c.get("name").and_then(Value::as_str).is_some_and(|n| changed.iter().any(|x| x == n))) {
                    let started = c.ptr("/state/running/startedAt").cloned().unwrap_or(jv!(ts));
                    let id = c.get("containerID").cloned().unwrap_or(Value::Null);
                    c["state"] = jv!({"terminated":{"exitCode":0,"reason":"Completed","startedAt":started,"finishedAt":ts,"containerID":id}});
                    c["ready"] = jv!(false);
                    c["started"] = jv!(false);
                }
            }
            set_ready_conditions(p, false, &ts);
        });
        let node = obj::str_at(pod, "/spec/nodeName").unwrap_or("").to_string();
        pull(sim, key, &uid, pod, &node, None);
    }
}

fn terminate(sim: &mut Sim, key: &ObjKey, uid: &str, pod: &Value, accepted: bool) {
    let phase = obj::str_at(pod, "/status/phase").unwrap_or("Pending").to_string();
    let grace_s = obj::i64_at(pod, "/metadata/deletionGracePeriodSeconds").unwrap_or(30).max(0) as u64;
    let started = obj::arr_at(pod, "/status/containerStatuses").iter().any(|c| c.ptr("/state/running").is_some());
    if !accepted || !started || phase == "Succeeded" || phase == "Failed" {
        let d = sim.rand_range(150, 600);
        at(sim, key, uid, d, Step::Remove);
        return;
    }
    for c in containers(pod) {
        let n = c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        sim.record_event(key, "Normal", "Killing", "kubelet", format!("Stopping container {n}"));
    }
    let prompt = containers(pod).iter().all(|c| {
        let info = c.get("image").and_then(Value::as_str).and_then(|i| images::lookup(i).ok());
        let has_cmd = c.get("command").is_some() || c.get("args").is_some();
        // A shell running a command as PID 1 ignores SIGTERM and is killed after the grace period.
        info.is_some_and(|i| i.handles_sigterm) && !has_cmd
    });
    let stop_ms = if prompt { sim.rand_range(400, 1600) } else { grace_s * 1000 + sim.rand_range(50, 300) };
    let code = if prompt { 0 } else { 137 };
    if sim.profile.server_minor() < 27 {
        let n = sim.rand_range(150, 450).min(stop_ms.saturating_sub(50));
        at(sim, key, uid, n, Step::StopNotice);
    }
    at(sim, key, uid, stop_ms, Step::Stopped(code));
}

/// A kubelet timer fired.
pub fn on_step(sim: &mut Sim, key: &ObjKey, uid: &str, step: Step) {
    let Some(pod) = sim.store.get_rc(key) else { return };
    let pod: &Value = &pod;
    if obj::uid(pod) != uid {
        return;
    }
    let node = obj::str_at(pod, "/spec/nodeName").unwrap_or_default().to_string();
    let deleting = obj::is_deleting(pod);
    let minor = sim.profile.server_minor();
    let ts = sim.timestamp();
    match step {
        Step::Accept => {
            if deleting {
                return;
            }
            let host_ip = sim.profile.nodes.iter().find(|n| n.name == node).map(|n| n.ip.clone()).unwrap_or_default();
            // With init containers, every container waits for them (`PodInitializing`).
            let inits = init_containers(pod);
            let waiting = if inits.is_empty() { "ContainerCreating" } else { "PodInitializing" };
            let mut statuses: Vec<Value> =
                containers(pod).iter().map(|c| waiting_status(c, waiting, None, 0)).collect();
            crate::support::sort::sort_by_key(&mut statuses, |s: &Value| {
                obj::str_at(s, "/name").unwrap_or("").to_string()
            });
            let init_statuses: Vec<Value> =
                inits.iter().map(|c| waiting_status(c, "PodInitializing", None, 0)).collect();
            let initialized = if inits.is_empty() {
                jv!({"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":ts})
            } else {
                jv!({"type":"Initialized","status":"False","lastProbeTime":null,"lastTransitionTime":ts,"reason":"ContainersNotInitialized","message":format!("containers with incomplete status: [{}]", names(&init_statuses))})
            };
            sim.modify(key, |p| {
                let st = obj::object_mut(p, "status");
                st.insert("phase".into(), jv!("Pending"));
                st.insert("hostIP".into(), jv!(host_ip));
                st.insert("startTime".into(), jv!(ts));
                if !init_statuses.is_empty() {
                    st.insert("initContainerStatuses".into(), jv!(init_statuses));
                }
                st.insert("conditions".into(), jv!([
                    initialized,
                    {"type":"Ready","status":"False","lastProbeTime":null,"lastTransitionTime":ts,"reason":"ContainersNotReady","message":format!("containers with unready status: [{}]", names(&statuses))},
                    {"type":"ContainersReady","status":"False","lastProbeTime":null,"lastTransitionTime":ts,"reason":"ContainersNotReady","message":format!("containers with unready status: [{}]", names(&statuses))},
                    {"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":ts}
                ]));
                st.insert("containerStatuses".into(), jv!(statuses));
            });
            let d = sim.rand_range(450, 1100);
            at(sim, key, uid, d, Step::Sandbox);
        }
        Step::Sandbox => {
            if deleting {
                return;
            }
            let ip = sim.ipam.get_mut(&node).and_then(NodeIpam::allocate).unwrap_or_default();
            sim.modify(key, |p| {
                let st = obj::object_mut(p, "status");
                st.insert("podIP".into(), jv!(ip));
                st.insert("podIPs".into(), jv!([{"ip": ip}]));
            });
            let first = if init_containers(pod).is_empty() { None } else { Some(0) };
            pull(sim, key, uid, pod, &node, first);
        }
        Step::Init(i) => {
            if !deleting {
                pull(sim, key, uid, pod, &node, Some(i));
            }
        }
        Step::InitPulled(i) => {
            if deleting {
                return;
            }
            flush_pulled_events(sim, key, uid);
            let Some(c) = init_containers(pod).get(i).cloned() else { return };
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            // A restarted init container starts a new log; the dead one's is kept as the previous.
            if obj::arr_at(pod, "/status/initContainerStatuses")
                .get(i)
                .is_some_and(|s| s.ptr("/state/terminated").is_some() || s.ptr("/lastState/terminated").is_some())
            {
                let id = (uid.to_string(), name.clone());
                let old = sim.logs.remove(&id).unwrap_or_default();
                sim.log_dropped.remove(&id);
                sim.previous_logs.insert(id, old);
            }
            sim.record_event(key, "Normal", "Created", "kubelet", format!("Created container {name}"));
            sim.record_event(key, "Normal", "Started", "kubelet", format!("Started container {name}"));
            let id = format!(
                "containerd://{:016x}{:016x}{:016x}{:016x}",
                sim_rand(sim),
                sim_rand(sim),
                sim_rand(sim),
                sim_rand(sim)
            );
            let old = obj::arr_at(pod, "/status/initContainerStatuses").get(i).cloned();
            // A new instance after one that ended is a restart.
            let rerun = old
                .as_ref()
                .is_some_and(|s| s.ptr("/state/terminated").is_some() || s.ptr("/lastState/terminated").is_some());
            let restarts = init_restarts(pod, i) + u32::from(rerun);
            let last = match old.as_ref().and_then(|s| s.ptr("/state/terminated")) {
                Some(t) => jv!({"terminated": t}),
                None => old.as_ref().and_then(|s| s.get("lastState")).cloned().unwrap_or(jv!({})),
            };
            let status = jv!({"name":name,"image":c.get("image"),"imageID":image_id(&c),"containerID":id,"ready":false,"started":true,"restartCount":restarts,"lastState":last,"state":{"running":{"startedAt":ts}}});
            set_init_status(sim, key, i, status);
            // Its process, as a main container's runs.
            let argv = argv_of(&c);
            let outcome = if argv.is_empty() || left_to_guess(&argv.join(" ")) {
                Process::Unknown
            } else {
                run_process(
                    sim,
                    key,
                    uid,
                    &name,
                    crate::sim::Launch::Start(&argv),
                    Step::InitResume { index: i, instance: restarts },
                )
            };
            match outcome {
                Process::Ends(ms, code) => at(sim, key, uid, ms, Step::InitExited(i, code)),
                Process::Runs => {}
                Process::Unknown => {
                    let info = c.get("image").and_then(Value::as_str).and_then(|im| images::lookup(im).ok());
                    if let Some((ms, code)) = behaviour(&c, info.as_ref()) {
                        at(sim, key, uid, ms, Step::InitExited(i, code));
                    }
                }
            }
        }
        Step::InitResume { index: i, instance } => {
            let Some(c) = init_containers(pod).get(i).cloned() else { return };
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            let Some(state) = sim.runtime.get_mut(uid).and_then(|r| r.processes.remove(&name)) else { return };
            let running = obj::arr_at(pod, "/status/initContainerStatuses")
                .get(i)
                .is_some_and(|s| s.ptr("/state/running").is_some());
            if deleting || init_restarts(pod, i) != instance || !running {
                return;
            }
            if let Process::Ends(ms, code) = run_process(
                sim,
                key,
                uid,
                &name,
                crate::sim::Launch::Resume(state.0),
                Step::InitResume { index: i, instance },
            ) {
                at(sim, key, uid, ms, Step::InitExited(i, code));
            }
        }
        Step::InitExited(i, code) => {
            if deleting {
                return;
            }
            let inits = init_containers(pod);
            let Some(c) = inits.get(i).cloned() else { return };
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            let mut status = obj::arr_at(pod, "/status/initContainerStatuses").get(i).cloned().unwrap_or(jv!({}));
            let started = status.ptr("/state/running/startedAt").cloned().unwrap_or(jv!(ts));
            let reason = if code == 0 { "Completed" } else { "Error" };
            status["state"] = jv!({"terminated":{"exitCode":code,"reason":reason,"startedAt":started,"finishedAt":ts,"containerID":status.get("containerID").cloned().unwrap_or(Value::Null)}});
            status["started"] = jv!(false);
            status["ready"] = jv!(code == 0);
            set_init_status(sim, key, i, status);
            if code == 0 {
                if i + 1 < inits.len() {
                    at(sim, key, uid, 0, Step::Init(i + 1));
                    return;
                }
                // All done: the pod is initialized, and its containers start.
                sim.modify(key, |p| {
                    if let Some(conds) = p.pointer_mut("/status/conditions").and_then(Value::as_array_mut) {
                        for cond in conds.iter_mut().filter(|c| c.get("type").and_then(Value::as_str) == Some("Initialized")) {
                            *cond = jv!({"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":ts});
                        }
                    }
                });
                pull(sim, key, uid, pod, &node, None);
                return;
            }
            // A failed init container: the pod fails under Never, else it runs again after
            // the back-off (Init:Error, then Init:CrashLoopBackOff).
            if obj::str_at(pod, "/spec/restartPolicy") == Some("Never") {
                sim.modify(key, |p| obj::set(p, "/status/phase", jv!("Failed")));
                return;
            }
            // The restart count goes up when the next instance starts.
            let n = init_restarts(pod, i) + 1;
            if n >= 2 {
                let backoff = (10_000u64 << (n - 2).min(5)).min(300_000);
                sim.record_event(
                    key,
                    "Warning",
                    "BackOff",
                    "kubelet",
                    format!("Back-off restarting failed container {name} in pod {}_{}({uid})", key.name, key.ns),
                );
                sim.modify(key, |p| {
                    if let Some(s) = p.pointer_mut(&format!("/status/initContainerStatuses/{i}")) {
                        let t = s.ptr("/state/terminated").cloned();
                        if let Some(t) = t {
                            s["lastState"] = jv!({"terminated": t});
                        }
                        s["state"] = jv!({"waiting":{"reason":"CrashLoopBackOff","message":format!("back-off {}s restarting failed container={name} pod={}_{}({uid})", backoff / 1000, key.name, key.ns)}});
                    }
                });
                at(sim, key, uid, backoff, Step::Init(i));
            } else {
                at(sim, key, uid, 1_000, Step::Init(i));
            }
        }
        Step::RetryPull => {
            if !deleting {
                pull(sim, key, uid, pod, &node, None);
            }
        }
        Step::PullFailed => {
            if deleting {
                return;
            }
            flush_pulled_events(sim, key, uid);
            for c in containers(pod) {
                let image = c.get("image").and_then(Value::as_str).unwrap_or_default().to_string();
                if let Err(PullError::NotFound { full }) = images::lookup(&image) {
                    // Docker Hub answers a repository it does not have as it answers one it
                    // may not show (containerd 1.6's words); a missing tag is NotFound.
                    let msg = if full.starts_with("docker.io/") && !images::repository_exists(&full) {
                        format!("rpc error: code = Unknown desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed")
                    } else {
                        format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found")
                    };
                    sim.record_event(
                        key,
                        "Warning",
                        "Failed",
                        "kubelet",
                        format!("Failed to pull image \"{image}\": {msg}"),
                    );
                    sim.record_event(key, "Warning", "Failed", "kubelet", "Error: ErrImagePull".into());
                    set_waiting(sim, key, &c, "ErrImagePull", Some(msg));
                }
            }
            let d = sim.rand_range(300, 1200);
            at(sim, key, uid, d, Step::PullBackOff);
        }
        Step::PullBackOff => {
            if deleting {
                return;
            }
            let n = {
                let rt = sim.runtime.entry(uid.to_string()).or_default();
                rt.pull_failures += 1;
                rt.pull_failures
            };
            for c in containers(pod) {
                let image = c.get("image").and_then(Value::as_str).unwrap_or_default().to_string();
                if images::lookup(&image).is_err() {
                    sim.record_event(
                        key,
                        "Normal",
                        "BackOff",
                        "kubelet",
                        format!("Back-off pulling image \"{image}\""),
                    );
                    sim.record_event(key, "Warning", "Failed", "kubelet", "Error: ImagePullBackOff".into());
                    set_waiting(sim, key, &c, "ImagePullBackOff", Some(format!("Back-off pulling image \"{image}\"")));
                }
            }
            // Back-off 10 s doubling to 300 s (kubelet backOffPeriod and MaxContainerBackOff).
            let backoff = (10_000u64 << (n - 1).min(5)).min(300_000);
            at(sim, key, uid, backoff, Step::RetryPull);
        }
        Step::Pulled => {
            if deleting {
                return;
            }
            flush_pulled_events(sim, key, uid);
            // A container whose environment names a missing Secret, ConfigMap or key is not
            // created: CreateContainerConfigError, tried again after the pod worker's back-off.
            let problem = containers(pod).iter().find_map(|c| {
                environment(sim, pod, obj::str_at(c, "/name").unwrap_or("")).err().map(|e| (c.clone(), e))
            });
            if let Some((c, e)) = problem {
                sim.record_event(key, "Warning", "Failed", "kubelet", format!("Error: {e}"));
                set_waiting(sim, key, &c, "CreateContainerConfigError", Some(e));
                let d = sim.rand_range(10_000, 15_000);
                at(sim, key, uid, d, Step::RetryPull);
                return;
            }
            for c in containers(pod) {
                let n = c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
                sim.record_event(key, "Normal", "Created", "kubelet", format!("Created container {n}"));
                sim.record_event(key, "Normal", "Started", "kubelet", format!("Started container {n}"));
            }
            let d = sim.rand_range(250, 600);
            at(sim, key, uid, d, Step::Started);
        }
        Step::Started => {
            if deleting {
                return;
            }
            // A restarted container starts a new log; the dead one's is kept as the previous.
            if sim.runtime.get(uid).is_some_and(|r| r.restarts > 0) {
                for c in containers(pod) {
                    let id = (uid.to_string(), c.get("name").and_then(Value::as_str).unwrap_or_default().to_string());
                    let old = sim.logs.remove(&id).unwrap_or_default();
                    sim.log_dropped.remove(&id);
                    sim.previous_logs.insert(id, old);
                }
            }
            // The images' entrypoints: what they print, and whether they run their server
            // (`serving`) or give up at once (in `ran`).
            let mut ran: VecMap<String, (u64, i32)> = VecMap::new();
            let mut serving: Vec<String> = Vec::new();
            for c in containers(pod) {
                let name = c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
                let start = super::entrypoint::start(sim, key, &c);
                sim.logs.entry((uid.to_string(), name.clone())).or_default().extend(start.lines);
                match start.exit {
                    Some(code) => {
                        ran.insert(name, (150, code));
                    }
                    None if start.server => serving.push(name),
                    None => {}
                }
            }
            // Main processes that end: run them (their output is the container's log), unless
            // the lab has no runner or cannot run them (then `behaviour` guesses).
            if sim.programs.is_some() {
                let instance = sim.runtime.get(uid).map(|r| r.restarts).unwrap_or(0);
                for (index, c) in containers(pod).into_iter().enumerate() {
                    let argv = argv_of(&c);
                    let named = c.get("name").and_then(Value::as_str).unwrap_or_default();
                    // A shell alone with a terminal attached reads what the learner types.
                    let interactive =
                        obj::bool_at(&c, "/stdin").unwrap_or(false) || obj::bool_at(&c, "/tty").unwrap_or(false);
                    let lone_shell = argv.len() == 1
                        && ["sh", "bash", "zsh", "ash", "dash"].contains(&argv[0].rsplit('/').next().unwrap_or(""));
                    if argv.is_empty()
                        || (interactive && lone_shell)
                        || ran.contains_key(named)
                        || serving.iter().any(|n| n == named)
                        || left_to_guess(&argv.join(" "))
                    {
                        continue;
                    }
                    let name = named.to_string();
                    match run_process(
                        sim,
                        key,
                        uid,
                        &name,
                        crate::sim::Launch::Start(&argv),
                        Step::Resume { container: index, instance },
                    ) {
                        Process::Ends(ms, code) => {
                            ran.insert(name, (ms, code));
                        }
                        Process::Runs => serving.push(name),
                        Process::Unknown => {}
                    }
                }
            }
            let now_ms = sim.now().ms();
            sim.runtime.entry(uid.to_string()).or_default().started_ms = now_ms;
            sim.runtime.entry(uid.to_string()).or_default().redefining = false;
            let restarts = sim.runtime.get(uid).map(|r| r.restarts).unwrap_or(0);
            let mut all_ready = true;
            let mut exits: Option<(u64, i32)> = None;
            let mut own_exits: Vec<(usize, u64, i32)> = Vec::new();
            let mut statuses = Vec::new();
            for (index, c) in containers(pod).into_iter().enumerate() {
                let info = c.get("image").and_then(Value::as_str).and_then(|i| images::lookup(i).ok());
                let probe = c.get("readinessProbe").is_some();
                all_ready &= !probe;
                let cname = c.get("name").and_then(Value::as_str).unwrap_or_default();
                let ran = ran.get(cname).copied();
                let guess = if serving.iter().any(|n| n == cname) { None } else { behaviour(&c, info.as_ref()) };
                if let Some(b) = ran.or(guess) {
                    exits = Some(exits.map_or(b, |e: (u64, i32)| if b.0 < e.0 { b } else { e }));
                    own_exits.push((index, b.0, b.1));
                }
                // A restarted container's last state is how the one before it ended.
                let old = obj::arr_at(pod, "/status/containerStatuses")
                    .iter()
                    .find(|s| s.get("name") == c.get("name"))
                    .cloned();
                let prev = match old.as_ref().and_then(|s| s.ptr("/state/terminated")) {
                    Some(t) => jv!({"terminated": t}),
                    None => old.as_ref().and_then(|s| s.get("lastState")).cloned().unwrap_or(jv!({})),
                };
                statuses.push(jv!({"name":c.get("name"),"image":c.get("image"),"imageID":image_id(&c),"containerID":format!("containerd://{:016x}{:016x}{:016x}{:016x}", sim_rand(sim), sim_rand(sim), sim_rand(sim), sim_rand(sim)),
                    "ready":!probe,"started":true,"restartCount":restarts,"lastState":prev,"state":{"running":{"startedAt":ts}}}));
            }
            // The kubelet reports statuses sorted by container name (SortedContainerStatuses).
            crate::support::sort::sort_by_key(&mut statuses, |s: &Value| {
                obj::str_at(s, "/name").unwrap_or("").to_string()
            });
            if containers(pod).len() == 1 && exits.is_some_and(|(ms, _)| ms < PLEG_RELIST_MS) {
                sim.runtime.entry(uid.to_string()).or_default().unreported = Some(jv!(statuses));
            } else {
                sim.modify(key, |p| {
                    let st = obj::object_mut(p, "status");
                    st.insert("phase".into(), jv!("Running"));
                    st.insert("containerStatuses".into(), jv!(statuses));
                    if all_ready {
                        set_ready_conditions(p, true, &ts);
                    }
                });
            }
            if !all_ready {
                let delay = containers(pod)
                    .iter()
                    .filter_map(|c| c.get("readinessProbe"))
                    .map(|p| {
                        let init = p.get("initialDelaySeconds").and_then(Value::as_u64).unwrap_or(0);
                        init * 1000
                    })
                    .max()
                    .unwrap_or(0);
                let period = containers(pod)
                    .iter()
                    .filter_map(|c| c.ptr("/readinessProbe/periodSeconds"))
                    .filter_map(Value::as_u64)
                    .max()
                    .unwrap_or(10);
                let jitter = sim.rand_range(100, period * 1000);
                at(sim, key, uid, delay + jitter, Step::Ready { instance: restarts });
            }
            if containers(pod).len() == 1 {
                if let Some((ms, code)) = exits {
                    at(sim, key, uid, ms, Step::Exited(code));
                }
            } else {
                // Each container of several ends on its own.
                for (index, ms, code) in own_exits {
                    at(sim, key, uid, ms, Step::ContainerExited { index, code, instance: restarts });
                }
            }
            // Liveness probes: a probe worker ticks every period and probes once the initial
            // delay has passed.
            for (index, c) in containers(pod).iter().enumerate() {
                let Some(p) = c.get("livenessProbe") else { continue };
                let period = obj::i64_at(p, "/periodSeconds").unwrap_or(10).max(1) as u64 * 1000;
                let delay = obj::i64_at(p, "/initialDelaySeconds").unwrap_or(0).max(0) as u64 * 1000;
                let first = delay.div_ceil(period).max(1) * period;
                at(sim, key, uid, first, Step::Live { index, instance: restarts, failures: 0 });
            }
        }
        Step::Ready { instance } => {
            let current = sim.runtime.get(uid).map(|r| r.restarts).unwrap_or(0);
            if deleting || current != instance {
                return;
            }
            // The readiness probes, every period while the containers run: a failure is an
            // Unhealthy event; a container turns ready when its probe passes and unready after
            // failureThreshold failures in a row; the pod is ready when all its containers are.
            let running =
                obj::arr_at(pod, "/status/containerStatuses").iter().all(|c| c.ptr("/state/running").is_some());
            if !running {
                return;
            }
            let mut set: Vec<(String, bool)> = Vec::new();
            let mut probed = false;
            for c in containers(pod) {
                let name = c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
                let ready = obj::arr_at(pod, "/status/containerStatuses")
                    .iter()
                    .any(|s| obj::str_at(s, "/name") == Some(&name) && obj::bool_at(s, "/ready") == Some(true));
                let (Some(probe), Some(prober)) = (c.get("readinessProbe").cloned(), sim.programs.clone()) else {
                    if !ready {
                        set.push((name, true));
                    }
                    continue;
                };
                probed = true;
                let threshold = obj::i64_at(&probe, "/failureThreshold").unwrap_or(3).max(1) as u32;
                match prober.probe(sim, key, &name, &probe, "Readiness") {
                    Ok(()) => {
                        sim.runtime.entry(uid.to_string()).or_default().probe_failures.remove(&name);
                        if !ready {
                            set.push((name, true));
                        }
                    }
                    Err(why) => {
                        sim.record_event(key, "Warning", "Unhealthy", "kubelet", why.trim().to_string());
                        let failures = {
                            let f = sim
                                .runtime
                                .entry(uid.to_string())
                                .or_default()
                                .probe_failures
                                .entry(name.clone())
                                .or_default();
                            *f += 1;
                            *f
                        };
                        if ready && failures >= threshold {
                            set.push((name, false));
                        }
                    }
                }
            }
            sim.modify(key, |p| {
                if let Some(cs) = p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
                    for c in cs.iter_mut() {
                        if let Some((_, r)) =
                            set.iter().find(|(n, _)| c.get("name").and_then(Value::as_str) == Some(n.as_str()))
                        {
                            if c.ptr("/state/running").is_some() {
                                c["ready"] = jv!(*r);
                            }
                        }
                    }
                }
                let all =
                    obj::arr_at(p, "/status/containerStatuses").iter().all(|c| obj::bool_at(c, "/ready") == Some(true));
                set_ready_conditions(p, all, &ts);
            });
            if probed {
                let period = containers(pod)
                    .iter()
                    .filter_map(|c| c.ptr("/readinessProbe/periodSeconds"))
                    .filter_map(Value::as_u64)
                    .min()
                    .unwrap_or(10);
                at(sim, key, uid, period * 1000, Step::Ready { instance });
            }
        }
        Step::Live { index, instance, failures } => {
            let Some(c) = containers(pod).get(index).cloned() else { return };
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            let current = sim.runtime.get(uid).map(|r| r.restarts).unwrap_or(0);
            let running = obj::arr_at(pod, "/status/containerStatuses")
                .iter()
                .any(|s| obj::str_at(s, "/name") == Some(name.as_str()) && s.ptr("/state/running").is_some());
            let (Some(probe), Some(prober)) = (c.get("livenessProbe").cloned(), sim.programs.clone()) else { return };
            if deleting || current != instance || !running {
                return;
            }
            let period = obj::i64_at(&probe, "/periodSeconds").unwrap_or(10).max(1) as u64 * 1000;
            let threshold = obj::i64_at(&probe, "/failureThreshold").unwrap_or(3).max(1) as u32;
            match prober.probe(sim, key, &name, &probe, "Liveness") {
                Ok(()) => at(sim, key, uid, period, Step::Live { index, instance, failures: 0 }),
                Err(why) => {
                    sim.record_event(key, "Warning", "Unhealthy", "kubelet", why.trim().to_string());
                    if failures + 1 < threshold {
                        at(sim, key, uid, period, Step::Live { index, instance, failures: failures + 1 });
                        return;
                    }
                    // Killed as a deleted pod's containers are: SIGTERM, then SIGKILL once the
                    // grace period is over if the process ignores it (a shell as PID 1 does).
                    sim.record_event(
                        key,
                        "Normal",
                        "Killing",
                        "kubelet",
                        format!("Container {name} failed liveness probe, will be restarted"),
                    );
                    let info = c.get("image").and_then(Value::as_str).and_then(|i| images::lookup(i).ok());
                    let prompt = info.is_some_and(|i| i.handles_sigterm)
                        && c.get("command").is_none()
                        && c.get("args").is_none();
                    let grace =
                        obj::i64_at(pod, "/spec/terminationGracePeriodSeconds").unwrap_or(30).max(0) as u64 * 1000;
                    let (ms, code) =
                        if prompt { (sim.rand_range(400, 1600), 0) } else { (grace + sim.rand_range(50, 300), 137) };
                    let step = exit_step(pod, index, code);
                    at(sim, key, uid, ms, step);
                }
            }
        }
        Step::Resume { container: index, instance } => {
            let container = containers(pod)
                .get(index)
                .and_then(|c| c.get("name").and_then(Value::as_str).map(String::from))
                .unwrap_or_default();
            let current = container_restarts(pod, index);
            let running = obj::arr_at(pod, "/status/containerStatuses")
                .iter()
                .any(|s| obj::str_at(s, "/name") == Some(container.as_str()) && s.ptr("/state/running").is_some());
            let Some(state) = sim.runtime.get_mut(uid).and_then(|r| r.processes.remove(&container)) else { return };
            if deleting || current != instance || !running {
                return;
            }
            if let Process::Ends(ms, code) = run_process(
                sim,
                key,
                uid,
                &container,
                crate::sim::Launch::Resume(state.0),
                Step::Resume { container: index, instance },
            ) {
                let step = exit_step(pod, index, code);
                at(sim, key, uid, ms, step);
            }
        }
        Step::ContainerExited { index, code, instance } => {
            let Some(c) = containers(pod).get(index).cloned() else { return };
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            let running = obj::arr_at(pod, "/status/containerStatuses")
                .iter()
                .any(|s| obj::str_at(s, "/name") == Some(name.as_str()) && s.ptr("/state/running").is_some());
            if deleting || !running || container_restarts(pod, index) != instance {
                return;
            }
            let reason = if code == 0 { "Completed" } else { "Error" };
            let policy = obj::str_at(pod, "/spec/restartPolicy").unwrap_or("Always").to_string();
            let restart = policy == "Always" || (policy == "OnFailure" && code != 0);
            sim.modify(key, |p| {
                if let Some(cs) = p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
                    for s in cs.iter_mut().filter(|s| s.get("name").and_then(Value::as_str) == Some(name.as_str())) {
                        let started = s.ptr("/state/running/startedAt").cloned().unwrap_or(jv!(ts));
                        s["state"] = jv!({"terminated":{"exitCode":code,"reason":reason,"startedAt":started,"finishedAt":ts,"containerID":s.get("containerID").cloned().unwrap_or(Value::Null)}});
                        s["ready"] = jv!(false);
                        s["started"] = jv!(false);
                    }
                }
                set_ready_conditions(p, false, &ts);
                // Never restarted: the pod is done once all its containers are.
                let all_done = obj::arr_at(p, "/status/containerStatuses").iter().all(|s| s.ptr("/state/terminated").is_some());
                if !restart && all_done {
                    let failed = obj::arr_at(p, "/status/containerStatuses").iter().any(|s| obj::i64_at(s, "/state/terminated/exitCode").unwrap_or(0) != 0);
                    obj::set(p, "/status/phase", jv!(if failed { "Failed" } else { "Succeeded" }));
                }
            });
            if restart {
                let n = instance + 1;
                if n >= 2 {
                    let backoff = (10_000u64 << (n - 2).min(5)).min(300_000);
                    sim.record_event(
                        key,
                        "Warning",
                        "BackOff",
                        "kubelet",
                        format!("Back-off restarting failed container {name} in pod {}_{}({uid})", key.name, key.ns),
                    );
                    sim.modify(key, |p| {
                        if let Some(cs) = p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
                            for s in cs.iter_mut().filter(|s| s.get("name").and_then(Value::as_str) == Some(name.as_str())) {
                                if let Some(t) = s.ptr("/state/terminated").cloned() {
                                    s["lastState"] = jv!({"terminated": t});
                                }
                                s["state"] = jv!({"waiting":{"reason":"CrashLoopBackOff","message":format!("back-off {}s restarting failed container={name} pod={}_{}({uid})", backoff / 1000, key.name, key.ns)}});
                            }
                        }
                    });
                    at(sim, key, uid, backoff, Step::ContainerRestart { index });
                } else {
                    let d = sim.rand_range(500, 1500);
                    at(sim, key, uid, d, Step::ContainerRestart { index });
                }
            }
        }
        Step::ContainerRestart { index } => {
            let Some(c) = containers(pod).get(index).cloned() else { return };
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            let old = obj::arr_at(pod, "/status/containerStatuses")
                .iter()
                .find(|s| obj::str_at(s, "/name") == Some(name.as_str()))
                .cloned()
                .unwrap_or(jv!({}));
            if deleting || old.ptr("/state/running").is_some() {
                return;
            }
            // EnsureImageExists, then a new instance with the last one as its last state.
            let image = c.get("image").and_then(Value::as_str).unwrap_or_default().to_string();
            if c.get("imagePullPolicy").and_then(Value::as_str) == Some("Always") {
                sim.record_event(key, "Normal", "Pulling", "kubelet", format!("Pulling image \"{image}\""));
                let ns = sim.rand_range(700, 1600) * 1_000_000 + sim.rand_range(0, 999_999);
                sim.record_event(
                    key,
                    "Normal",
                    "Pulled",
                    "kubelet",
                    format!("Successfully pulled image \"{image}\" in {}", go_duration(ns)),
                );
            } else {
                sim.record_event(
                    key,
                    "Normal",
                    "Pulled",
                    "kubelet",
                    format!("Container image \"{image}\" already present on machine"),
                );
            }
            sim.record_event(key, "Normal", "Created", "kubelet", format!("Created container {name}"));
            sim.record_event(key, "Normal", "Started", "kubelet", format!("Started container {name}"));
            let id = (uid.to_string(), name.clone());
            let previous = sim.logs.remove(&id).unwrap_or_default();
            sim.log_dropped.remove(&id);
            sim.previous_logs.insert(id, previous);
            let restarts = obj::i64_at(&old, "/restartCount").unwrap_or(0) as u32 + 1;
            let last = match old.ptr("/state/terminated") {
                Some(t) => jv!({"terminated": t}),
                None => old.get("lastState").cloned().unwrap_or(jv!({})),
            };
            let probe = c.get("readinessProbe").is_some();
            let status = jv!({"name":name,"image":image,"imageID":image_id(&c),"containerID":format!("containerd://{:016x}{:016x}{:016x}{:016x}", sim_rand(sim), sim_rand(sim), sim_rand(sim), sim_rand(sim)),
                "ready":!probe,"started":true,"restartCount":restarts,"lastState":last,"state":{"running":{"startedAt":ts}}});
            sim.modify(key, |p| {
                if let Some(cs) = p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
                    for s in cs.iter_mut().filter(|s| s.get("name").and_then(Value::as_str) == Some(name.as_str())) {
                        *s = status.clone();
                    }
                }
                let all =
                    obj::arr_at(p, "/status/containerStatuses").iter().all(|s| obj::bool_at(s, "/ready") == Some(true));
                set_ready_conditions(p, all, &ts);
            });
            // Its process, as at the pod's start.
            let argv = argv_of(&c);
            let start = super::entrypoint::start(sim, key, &c);
            append_log(sim, uid, &name, start.lines);
            if let Some(code) = start.exit {
                at(sim, key, uid, 150, Step::ContainerExited { index, code, instance: restarts });
                return;
            }
            let outcome = if start.server || argv.is_empty() || left_to_guess(&argv.join(" ")) {
                Process::Unknown
            } else {
                run_process(
                    sim,
                    key,
                    uid,
                    &name,
                    crate::sim::Launch::Start(&argv),
                    Step::Resume { container: index, instance: restarts },
                )
            };
            match outcome {
                Process::Ends(ms, code) => {
                    at(sim, key, uid, ms, Step::ContainerExited { index, code, instance: restarts })
                }
                Process::Runs => {}
                Process::Unknown if !start.server => {
                    let info = c.get("image").and_then(Value::as_str).and_then(|i| images::lookup(i).ok());
                    if let Some((ms, code)) = behaviour(&c, info.as_ref()) {
                        at(sim, key, uid, ms, Step::ContainerExited { index, code, instance: restarts });
                    }
                }
                Process::Unknown => {}
            }
        }
        // A pod of one container: it ends (and restarts) as the pod's only container.
        Step::Exited(code) => {
            if deleting {
                return;
            }
            let policy = obj::str_at(pod, "/spec/restartPolicy").unwrap_or("Always").to_string();
            let reason = if code == 0 { "Completed" } else { "Error" };
            let unreported = sim.runtime.get_mut(uid).and_then(|r| r.unreported.take());
            let statuses =
                unreported.clone().unwrap_or_else(|| pod.ptr("/status/containerStatuses").cloned().unwrap_or(jv!([])));
            let first = statuses.get(0).cloned().unwrap_or(Value::Null);
            let started = first.ptr("/state/running/startedAt").cloned().unwrap_or(jv!(ts));
            let terminated = jv!({"terminated":{"exitCode":code,"reason":reason,"startedAt":started,"finishedAt":ts,"containerID":first.get("containerID").cloned().unwrap_or(Value::Null)}});
            let restart = policy == "Always" || (policy == "OnFailure" && code != 0);
            sim.modify(key, |p| {
                if let Some(s) = &unreported {
                    let st = obj::object_mut(p, "status");
                    st.insert("phase".into(), jv!("Running"));
                    st.insert("containerStatuses".into(), s.clone());
                }
                if let Some(cs) = p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
                    for c in cs.iter_mut() {
                        c["state"] = terminated.clone();
                        c["ready"] = jv!(false);
                        c["started"] = jv!(false);
                    }
                }
                set_ready_conditions(p, false, &ts);
                if !restart {
                    obj::set(p, "/status/phase", jv!(if code == 0 { "Succeeded" } else { "Failed" }));
                }
            });
            if restart {
                // restartCount counts containers started after the first: it goes up when the
                // next one starts (kuberuntime `restartCount = status.RestartCount + 1`), not
                // when this one exits.
                sim.runtime.entry(uid.to_string()).or_default().restarts += 1;
                let d = sim.rand_range(500, 1500);
                sim.schedule(d, Timer::Kubelet { pod: key.clone(), uid: uid.to_string(), step: Step::Restart });
            }
        }
        Step::Restart => {
            if deleting {
                return;
            }
            let n = sim.runtime.get(uid).map(|r| r.restarts).unwrap_or(1);
            let cname = containers(pod)
                .first()
                .and_then(|c| c.get("name").and_then(Value::as_str).map(String::from))
                .unwrap_or_default();
            if n >= 2 {
                // The first restart is at once; later ones wait out a back-off, shown as
                // CrashLoopBackOff with the ended container as the last state.
                sim.modify(key, |p| {
                    if let Some(cs) = p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
                        for c in cs.iter_mut() {
                            if let Some(t) = c.ptr("/state/terminated").cloned() {
                                c["lastState"] = jv!({"terminated": t});
                            }
                            c["state"] = jv!({"waiting":{"reason":"CrashLoopBackOff","message":format!("back-off {}s restarting failed container={cname} pod={}_{}({uid})", (10u64 << (n - 2).min(5)).min(300), key.name, key.ns)}});
                        }
                    }
                });
                for c in containers(pod) {
                    let cname = c.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
                    sim.record_event(
                        key,
                        "Warning",
                        "BackOff",
                        "kubelet",
                        format!("Back-off restarting failed container {cname} in pod {}_{}({uid})", key.name, key.ns),
                    );
                }
                let backoff = (10_000u64 << (n - 2).min(5)).min(300_000);
                // Each start goes through EnsureImageExists: `already present on machine`, or
                // a pull again under `Always`.
                at(sim, key, uid, backoff, Step::RetryPull);
            } else {
                at(sim, key, uid, 0, Step::RetryPull);
            }
        }
        Step::StopNotice => {
            sim.modify(key, |p| set_ready_conditions(p, false, &ts));
        }
        Step::Stopped(code) => {
            let reason = if code == 0 { "Completed" } else { "Error" };
            sim.modify(key, |p| {
                if let Some(cs) = p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
                    for c in cs.iter_mut() {
                        let started = c.ptr("/state/running/startedAt").cloned().unwrap_or(jv!(ts));
                        c["state"] =
                            jv!({"terminated":{"exitCode":code,"reason":reason,"startedAt":started,"finishedAt":ts}});
                        c["ready"] = jv!(false);
                        c["started"] = jv!(false);
                    }
                }
                set_ready_conditions(p, false, &ts);
                if minor >= 27 {
                    obj::set(p, "/status/phase", jv!(if code == 0 { "Succeeded" } else { "Failed" }));
                }
            });
            if minor < 27 {
                let d = sim.rand_range(10, 400);
                at(sim, key, uid, d, Step::FinalStatus);
            } else {
                let d = sim.rand_range(10, 120);
                at(sim, key, uid, d, Step::Remove);
            }
        }
        Step::FinalStatus => {
            sim.modify(key, |p| {
                obj::meta_mut(p).insert("deletionGracePeriodSeconds".into(), jv!(0));
            });
            // The status manager deletes the pod once volumes are unmounted: its reconciler
            // and housekeeping loops make this take from a few milliseconds to over a second.
            let d = sim.rand_range(5, 1_400);
            at(sim, key, uid, d, Step::Remove);
        }
        Step::Remove => {
            if let Some(ip) = obj::str_at(pod, "/status/podIP") {
                if let Some(ipam) = sim.ipam.get_mut(&node) {
                    ipam.release(ip);
                }
            }
            sim.runtime.remove(uid);
            // The pod's writable layers and emptyDirs go with it; PV data stays.
            sim.fs
                .trees
                .retain(|k, _| !(k.starts_with(&format!("layer/{uid}/")) || k.starts_with(&format!("empty/{uid}/"))));
            sim.logs.retain(|(u, _), _| u != uid);
            sim.log_dropped.retain(|(u, _), _| u != uid);
            sim.previous_logs.retain(|(u, _), _| u != uid);
            let fs = obj::finalizers(pod);
            if fs.is_empty() {
                sim.store.remove(key, sim.now());
            }
        }
    }
}

fn sim_rand(sim: &mut Sim) -> u64 {
    sim.rng().next_u64()
}

/// Go's `time.Duration.String()` for durations under a minute: `7.839965732s`, `850ms`.
fn go_duration(ns: u64) -> String {
    // Integer arithmetic, as Go's: whole units, then the fraction's digits without trailing zeros.
    let (unit, per) = if ns < 1_000_000_000 { ("ms", 1_000_000) } else { ("s", 1_000_000_000) };
    let width = if per == 1_000_000 { 6 } else { 9 };
    trim_zeros(&format!("{}.{:0width$}", ns / per, ns % per)) + unit
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

fn names(statuses: &[Value]) -> String {
    statuses.iter().filter_map(|s| s.get("name").and_then(Value::as_str)).collect::<Vec<_>>().join(" ")
}

fn image_id(c: &Value) -> String {
    let image = c.get("image").and_then(Value::as_str).unwrap_or_default();
    let full = images::normalize(image).unwrap_or_else(|_| image.to_string());
    let repo = full.rsplit_once(':').map(|(r, _)| r.to_string()).unwrap_or(full.clone());
    // A stable stand-in for the image's digest (the same image has the same ID everywhere).
    let digest: String =
        (0..8u8).map(|i| format!("{:08x}", super::names::fnv1a32(&[&[i][..], full.as_bytes()].concat()))).collect();
    format!("{repo}@sha256:{digest}")
}

fn waiting_status(c: &Value, reason: &str, message: Option<String>, restarts: u32) -> Value {
    let mut w = jv!({"reason": reason});
    if let Some(m) = message {
        w["message"] = jv!(m);
    }
    jv!({"name":c.get("name"),"image":c.get("image"),"imageID":"","ready":false,"started":false,"restartCount":restarts,"lastState":{},"state":{"waiting":w}})
}

fn set_waiting(sim: &mut Sim, key: &ObjKey, c: &Value, reason: &str, message: Option<String>) {
    let name = c.get("name").cloned();
    let st = waiting_status(c, reason, message, 0);
    sim.modify(key, |p| {
        if let Some(cs) = p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
            for s in cs.iter_mut() {
                if s.get("name") == name.as_ref() {
                    s["state"] = st["state"].clone();
                }
            }
        }
    });
}

fn set_ready_conditions(p: &mut Value, ready: bool, ts: &str) {
    let unready: Vec<String> = obj::arr_at(p, "/status/containerStatuses")
        .iter()
        .filter(|c| !c.get("ready").and_then(Value::as_bool).unwrap_or(false))
        .filter_map(|c| c.get("name").and_then(Value::as_str).map(String::from))
        .collect();
    if let Some(conds) = p.pointer_mut("/status/conditions").and_then(Value::as_array_mut) {
        for c in conds.iter_mut() {
            let ty = c.get("type").and_then(Value::as_str).unwrap_or_default().to_string();
            if ty == "Ready" || ty == "ContainersReady" {
                let was = c.get("status").and_then(Value::as_str) == Some("True");
                if was != ready {
                    c["lastTransitionTime"] = jv!(ts);
                }
                c["status"] = jv!(if ready { "True" } else { "False" });
                let m = c.as_object_mut().expect("condition is an object");
                if ready {
                    m.remove("reason");
                    m.remove("message");
                } else {
                    m.insert("reason".into(), jv!("ContainersNotReady"));
                    m.insert("message".into(), jv!(format!("containers with unready status: [{}]", unready.join(" "))));
                }
            }
        }
    }
}

/// Pulls the images of the pod's containers, or (`Some(i)`) of its init container `i`.
// k8s-diff: an init container's image that cannot be pulled is reported on the pod's
// containers, not on the init container.
fn pull(sim: &mut Sim, key: &ObjKey, uid: &str, pod: &Value, node: &str, init: Option<usize>) {
    let mut total = 0u64;
    let mut failed = false;
    let list = match init {
        Some(i) => init_containers(pod).get(i).cloned().into_iter().collect(),
        None => containers(pod),
    };
    for c in list {
        let image = c.get("image").and_then(Value::as_str).unwrap_or_default().to_string();
        let policy = c.get("imagePullPolicy").and_then(Value::as_str).unwrap_or("IfNotPresent").to_string();
        match images::lookup(&image) {
            Err(PullError::InvalidName) => {
                sim.record_event(key, "Warning", "InspectFailed", "kubelet", format!("Failed to apply default image tag \"{image}\": couldn't parse image reference \"{image}\": invalid reference format"));
                set_waiting(sim, key, &c, "InvalidImageName", Some(format!("Failed to apply default image tag \"{image}\": couldn't parse image reference \"{image}\": invalid reference format")));
                return;
            }
            Err(PullError::NotFound { .. }) => {
                sim.record_event(key, "Normal", "Pulling", "kubelet", format!("Pulling image \"{image}\""));
                failed = true;
            }
            Ok(info) => {
                let cached = sim.pulled.contains(&(node.to_string(), info.full.clone()));
                if cached && policy != "Always" {
                    sim.record_event(
                        key,
                        "Normal",
                        "Pulled",
                        "kubelet",
                        format!("Container image \"{image}\" already present on machine"),
                    );
                    total += sim.rand_range(300, 700);
                } else if policy == "Never" {
                    set_waiting(
                        sim,
                        key,
                        &c,
                        "ErrImageNeverPull",
                        Some(format!("Container image \"{image}\" is not present with pull policy of Never")),
                    );
                    return;
                } else {
                    sim.record_event(key, "Normal", "Pulling", "kubelet", format!("Pulling image \"{image}\""));
                    let ms =
                        if cached { sim.rand_range(700, 1600) } else { info.pull_ms * sim.rand_range(90, 112) / 100 };
                    total += ms;
                    sim.pulled.insert((node.to_string(), info.full.clone()));
                    let ns = ms * 1_000_000 + sim.rand_range(0, 999_999);
                    let took = go_duration(ns);
                    let text = if sim.profile.server_minor() >= 28 {
                        format!("Successfully pulled image \"{image}\" in {took} ({took} including waiting)")
                    } else {
                        format!("Successfully pulled image \"{image}\" in {took}")
                    };
                    pending_pulled_event(sim, uid, text);
                }
            }
        }
    }
    if failed {
        let d = sim.rand_range(800, 2500);
        at(sim, key, uid, d, Step::PullFailed);
    } else {
        at(sim, key, uid, total, init.map_or(Step::Pulled, Step::InitPulled));
    }
}

fn init_containers(pod: &Value) -> Vec<Value> {
    obj::arr_at(pod, "/spec/initContainers").to_vec()
}

fn init_restarts(pod: &Value, i: usize) -> u32 {
    obj::arr_at(pod, "/status/initContainerStatuses").get(i).and_then(|s| obj::i64_at(s, "/restartCount")).unwrap_or(0)
        as u32
}

fn set_init_status(sim: &mut Sim, key: &ObjKey, i: usize, status: Value) {
    sim.modify(key, |p| {
        if let Some(list) = p.pointer_mut("/status/initContainerStatuses").and_then(Value::as_array_mut) {
            if let Some(s) = list.get_mut(i) {
                *s = status;
            }
        }
    });
}

/// A pull's Pulled event waits for the pull to end (`Step::Pulled`, or `Step::PullFailed` when
/// another image failed).
fn pending_pulled_event(sim: &mut Sim, uid: &str, text: String) {
    sim.runtime.entry(uid.to_string()).or_default().pulled_events.push(text);
}

fn flush_pulled_events(sim: &mut Sim, key: &ObjKey, uid: &str) {
    let texts = sim.runtime.get_mut(uid).map(|r| std::mem::take(&mut r.pulled_events)).unwrap_or_default();
    for text in texts {
        sim.record_event(key, "Normal", "Pulled", "kubelet", text);
    }
}

/// Is the pod Running with its Ready condition true?
pub fn is_running_and_ready(pod: &Value) -> bool {
    obj::str_at(pod, "/status/phase") == Some("Running") && obj::condition_true(pod, "Ready")
}

/// Pods that count as using a claim: not yet terminated.
pub fn pods_using_claim<'a>(sim: &'a Sim, ns: &'a str, claim: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    sim.store.list(Kind::Pod, Some(ns)).map(|(_, p)| p).filter(move |p| {
        !matches!(obj::str_at(p, "/status/phase"), Some("Succeeded") | Some("Failed"))
            && obj::arr_at(p, "/spec/volumes")
                .iter()
                .any(|v| obj::str_at(v, "/persistentVolumeClaim/claimName") == Some(claim))
    })
}

/// The container's main process (an attached shell) exited with `code`: the kubelet sees the
/// container end, as when a command ends by itself.
pub fn main_process_exited(sim: &mut Sim, key: &ObjKey, code: i32) {
    let Some(uid) = sim.store.get(key).map(|p| obj::uid(p).to_string()) else { return };
    // The PLEG sees it at its next relist: within a second.
    at(sim, key, &uid, 500, Step::Exited(code));
}

/// The environment the kubelet gives container `container` (`makeEnvironmentVariables`): the
/// Services' variables (the `kubernetes` Service's always, the namespace's with
/// `enableServiceLinks`; those that existed when the pod started), then `envFrom`, then `env`
/// with its `valueFrom` references. Err: kubelet's words for a missing Secret, ConfigMap or key
/// (the container then waits in CreateContainerConfigError).
pub fn environment(sim: &Sim, pod: &Value, container: &str) -> Result<VecMap<String, String>, String> {
    let mut vars = VecMap::new();
    let ns = obj::namespace(pod).to_string();
    let ns = if ns.is_empty() { "default".to_string() } else { ns };
    let started = obj::str_at(pod, "/status/startTime")
        .or(obj::str_at(pod, "/metadata/creationTimestamp"))
        .unwrap_or("")
        .to_string();
    let links = obj::bool_at(pod, "/spec/enableServiceLinks").unwrap_or(true);
    for (k, svc) in sim.store.list(Kind::Service, None) {
        let master = k.ns == "default" && k.name == "kubernetes";
        if !(master || (links && k.ns == ns))
            || obj::str_at(svc, "/metadata/creationTimestamp").unwrap_or("") > started.as_str()
        {
            continue;
        }
        let Some(ip) = obj::str_at(svc, "/spec/clusterIP").filter(|ip| !ip.is_empty() && *ip != "None") else {
            continue;
        };
        let prefix = k.name.replace('-', "_").to_ascii_uppercase();
        let ports = obj::arr_at(svc, "/spec/ports");
        let Some(first) = ports.first().and_then(|p| obj::i64_at(p, "/port")) else { continue };
        vars.insert(format!("{prefix}_SERVICE_HOST"), ip.to_string());
        vars.insert(format!("{prefix}_SERVICE_PORT"), first.to_string());
        for (i, p) in ports.iter().enumerate() {
            let port = obj::i64_at(p, "/port").unwrap_or(0);
            if let Some(n) = obj::str_at(p, "/name").filter(|n| !n.is_empty()) {
                vars.insert(
                    format!("{prefix}_SERVICE_PORT_{}", n.replace('-', "_").to_ascii_uppercase()),
                    port.to_string(),
                );
            }
            let proto = obj::str_at(p, "/protocol").unwrap_or("TCP");
            let url = format!("{}://{ip}:{port}", proto.to_ascii_lowercase());
            if i == 0 {
                vars.insert(format!("{prefix}_PORT"), url.clone());
            }
            let pp = format!("{prefix}_PORT_{port}_{}", proto.to_ascii_uppercase());
            vars.insert(pp.clone(), url);
            vars.insert(format!("{pp}_PROTO"), proto.to_ascii_lowercase());
            vars.insert(format!("{pp}_PORT"), port.to_string());
            vars.insert(format!("{pp}_ADDR"), ip.to_string());
        }
    }
    let Some(c) = obj::container(pod, container).cloned() else { return Ok(vars) };
    // A Secret's or ConfigMap's data as text; kubelet's error when it or the key is missing.
    let source = |kind: Kind, name: &str, optional: bool| -> Result<Option<VecMap<String, String>>, String> {
        let word = if kind == Kind::Secret { "secret" } else { "configmap" };
        let Some(o) = sim.get(kind, &ns, name) else {
            return if optional { Ok(None) } else { Err(format!("{word} \"{name}\" not found")) };
        };
        Ok(Some(super::fs::data_text(kind, o)))
    };
    for from in obj::arr_at(&c, "/envFrom") {
        let prefix = obj::str_at(from, "/prefix").unwrap_or("");
        let (kind, r) = match (from.get("configMapRef"), from.get("secretRef")) {
            (Some(r), _) => (Kind::ConfigMap, r),
            (_, Some(r)) => (Kind::Secret, r),
            _ => continue,
        };
        if let Some(data) =
            source(kind, obj::str_at(r, "/name").unwrap_or(""), obj::bool_at(r, "/optional").unwrap_or(false))?
        {
            for (k, v) in data {
                vars.insert(format!("{prefix}{k}"), v);
            }
        }
    }
    for e in obj::arr_at(&c, "/env") {
        let Some(name) = obj::str_at(e, "/name") else { continue };
        let value = if let Some(v) = obj::str_at(e, "/value") {
            v.to_string()
        } else if let Some(r) = e.ptr("/valueFrom/secretKeyRef").or(e.ptr("/valueFrom/configMapKeyRef")) {
            let kind = if e.ptr("/valueFrom/secretKeyRef").is_some() { Kind::Secret } else { Kind::ConfigMap };
            let (src, key) = (obj::str_at(r, "/name").unwrap_or(""), obj::str_at(r, "/key").unwrap_or(""));
            let optional = obj::bool_at(r, "/optional").unwrap_or(false);
            match source(kind, src, optional)? {
                Some(data) => match data.get(key) {
                    Some(v) => v.clone(),
                    None if optional => continue,
                    None => {
                        return Err(format!(
                            "couldn't find key {key} in {} {ns}/{src}",
                            if kind == Kind::Secret { "Secret" } else { "ConfigMap" }
                        ))
                    }
                },
                None => continue,
            }
        } else if let Some(path) = obj::str_at(e, "/valueFrom/fieldRef/fieldPath") {
            match path {
                "metadata.name" => obj::name(pod).to_string(),
                "metadata.namespace" => ns.clone(),
                "metadata.uid" => obj::uid(pod).to_string(),
                "spec.nodeName" => obj::str_at(pod, "/spec/nodeName").unwrap_or("").to_string(),
                "spec.serviceAccountName" => obj::str_at(pod, "/spec/serviceAccountName").unwrap_or("").to_string(),
                "status.podIP" => obj::str_at(pod, "/status/podIP").unwrap_or("").to_string(),
                "status.hostIP" => obj::str_at(pod, "/status/hostIP").unwrap_or("").to_string(),
                p => p
                    .strip_prefix("metadata.labels['")
                    .and_then(|l| l.strip_suffix("']"))
                    .and_then(|l| obj::label(pod, l))
                    .unwrap_or("")
                    .to_string(),
            }
        } else {
            String::new()
        };
        vars.insert(name.to_string(), value);
    }
    Ok(vars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ipam_hands_out_in_order_and_does_not_reuse_at_once() {
        let mut a = NodeIpam::new([172, 16, 158]);
        assert_eq!(a.allocate().unwrap(), "172.16.158.2");
        a.release("172.16.158.2");
        assert_eq!(a.allocate().unwrap(), "172.16.158.3");
        assert_eq!(a.allocate().unwrap(), "172.16.158.4");
    }

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

    #[test]
    fn durations_print_as_go_prints_them() {
        // time.Duration(n).String() for each n.
        for (ns, go) in [
            (850_000_000, "850ms"),
            (7_839_965_732, "7.839965732s"),
            (1_500_000, "1.5ms"),
            (1_000_000_000, "1s"),
            (12_000_000_001, "12.000000001s"),
            (1_234_567, "1.234567ms"),
        ] {
            assert_eq!(go_duration(ns), go);
        }
    }
}
