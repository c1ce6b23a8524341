//! The kubelets: they take a bound pod through sandbox, image pull and container start
//! (STATUS `ContainerCreating` → `Running`), stop it gracefully on deletion, and hand out pod
//! IPs from each node's block (reference §6).
//!
//! Timings follow the seed's cluster: the sandbox and its IP about a second after binding; an
//! image the node lacks takes the image's pull time (nginx-slim about 7.6 s); an image already
//! there starts in about a second; nginx stops within a second of SIGTERM.
//!
//! The folder goes by phase: `admit` (sync, admission, the sandbox), `pull` (image pulls and
//! their back-off), `init` (init containers, one at a time), `start` (creating and starting
//! the containers), `process` (main processes and their logs), `probe` (readiness and
//! liveness), `restart` (exits, restarts and CrashLoopBackOff), `terminate` (graceful
//! termination and removal), `status` (the status fields they write) and `env` (a container's
//! environment). [`on_step`] looks up the step's pod once, as a `PodCtx`, and hands it to the
//! step's handler.

mod admit;
mod env;
mod init;
mod probe;
mod process;
mod pull;
mod restart;
mod start;
mod status;
mod terminate;

pub(crate) use self::process::append_log;

pub use admit::sync;
pub use env::environment;
pub use process::LOG_MAX_SIZE;

use super::obj;
use super::resources::Kind;
use super::store::ObjKey;
use super::{Sim, Timer};
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

/// The pod a kubelet step is about, as it was when the step fired. Handlers read this snapshot:
/// their own writes go to the store, not to it.
struct PodCtx<'a> {
    key: &'a ObjKey,
    uid: &'a str,
    pod: &'a Value,
    /// The node the pod is bound to.
    node: String,
    /// The pod has a deletion timestamp.
    deleting: bool,
    /// The moment of the step, as the API server stamps it.
    ts: String,
}

impl<'a> PodCtx<'a> {
    fn new(sim: &Sim, key: &'a ObjKey, uid: &'a str, pod: &'a Value) -> PodCtx<'a> {
        let node = obj::str_at(pod, "/spec/nodeName").unwrap_or_default().to_string();
        PodCtx { key, uid, pod, node, deleting: obj::is_deleting(pod), ts: sim.timestamp() }
    }

    /// Schedules `step` for this pod `after_ms` from now.
    fn at(&self, sim: &mut Sim, after_ms: u64, step: Step) {
        at(sim, self.key, self.uid, after_ms, step);
    }

    /// Records an event of the kubelet's about the pod.
    fn event(&self, sim: &mut Sim, ty: &str, reason: &str, message: String) {
        sim.record_event(self.key, ty, reason, "kubelet", message);
    }

    /// The pod's containers (its spec's, init containers aside).
    fn containers(&self) -> Vec<Value> {
        containers(self.pod)
    }

    /// What the kubelet remembers of the pod.
    fn runtime<'s>(&self, sim: &'s mut Sim) -> &'s mut PodRuntime {
        sim.runtime.entry(self.uid.to_string()).or_default()
    }

    /// The pod's restarts so far, as the kubelet counts them (a pod of one container).
    fn restarts(&self, sim: &Sim) -> u32 {
        sim.runtime.get(self.uid).map(|r| r.restarts).unwrap_or(0)
    }

    /// The pod's `namespace/name(uid)` words in back-off messages: `web-0_default(uid)`.
    fn pod_words(&self) -> String {
        format!("{}_{}({})", self.key.name, self.key.ns, self.uid)
    }
}

/// A kubelet timer fired.
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn on_step(sim: &mut Sim, key: &ObjKey, uid: &str, step: Step) {
    let Some(pod) = sim.store.get_rc(key) else { return };
    if obj::uid(&pod) != uid {
        return;
    }
    let cx = PodCtx::new(sim, key, uid, &pod);
    match step {
        // Termination's own steps run in a pod being deleted.
        Step::StopNotice => terminate::stop_notice(sim, &cx),
        Step::Stopped(code) => terminate::stopped(sim, &cx, code),
        Step::FinalStatus => terminate::final_status(sim, &cx),
        Step::Remove => terminate::remove(sim, &cx),
        // A sleeping process's step lets go of its paused state first, deleted pod or not.
        Step::Resume { container, instance } => process::resume(sim, &cx, container, instance),
        Step::InitResume { index, instance } => init::resume(sim, &cx, index, instance),
        // Every other step sets up or runs the pod: a pod being deleted drops them.
        _ if cx.deleting => {}
        Step::Accept => admit::accept(sim, &cx),
        Step::Sandbox => admit::sandbox(sim, &cx),
        Step::Init(i) => pull::pull(sim, &cx, Some(i)),
        Step::InitPulled(i) => init::start(sim, &cx, i),
        Step::InitExited(i, code) => init::exited(sim, &cx, i, code),
        Step::RetryPull => pull::pull(sim, &cx, None),
        Step::PullFailed => pull::failed(sim, &cx),
        Step::PullBackOff => pull::back_off(sim, &cx),
        Step::Pulled => start::create(sim, &cx),
        Step::Started => start::started(sim, &cx),
        Step::Ready { instance } => probe::readiness(sim, &cx, instance),
        Step::Live { index, instance, failures } => probe::liveness(sim, &cx, index, instance, failures),
        Step::ContainerExited { index, code, instance } => restart::container_exited(sim, &cx, index, code, instance),
        Step::ContainerRestart { index } => restart::container_restart(sim, &cx, index),
        Step::Exited(code) => restart::pod_exited(sim, &cx, code),
        Step::Restart => restart::pod_restart(sim, &cx),
    }
}

fn containers(pod: &Value) -> Vec<Value> {
    obj::arr_at(pod, "/spec/containers").to_vec()
}

fn init_containers(pod: &Value) -> Vec<Value> {
    obj::arr_at(pod, "/spec/initContainers").to_vec()
}

/// A container's `name`.
fn name_of(c: &Value) -> String {
    c.get("name").and_then(Value::as_str).unwrap_or_default().to_string()
}

fn at(sim: &mut Sim, pod: &ObjKey, uid: &str, after_ms: u64, step: Step) {
    sim.schedule(after_ms, Timer::Kubelet { pod: pod.clone(), uid: uid.to_string(), step });
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

/// What the handlers' tests share: a small cluster, a pod in it, and what the pod shows.
#[cfg(test)]
mod testkit {
    use crate::sim::obj::{self, Ptr};
    use crate::sim::{Kind, Sim, SimConfig};
    use serde_json::Value;

    /// The seed lab's cluster; `programs`: with the lab's container runtime (processes run and
    /// probes probe), else the kubelet guesses from the commands.
    pub fn cluster(programs: bool) -> Sim {
        let mut sim = Sim::new(SimConfig::seeded(7));
        if programs {
            sim.programs = Some(std::rc::Rc::new(crate::programs::Runtime));
        }
        sim
    }

    /// Creates pod `name` in `default` with this spec.
    pub fn create_pod(sim: &mut Sim, name: &str, spec: Value) {
        let pod =
            crate::jv!({"apiVersion":"v1","kind":"Pod","metadata":{"name":name,"namespace":"default"},"spec":spec});
        sim.create(pod).expect("the pod is valid");
    }

    /// The pod as the store has it now.
    pub fn pod(sim: &Sim, name: &str) -> Value {
        sim.get(Kind::Pod, "default", name).cloned().expect("the pod exists")
    }

    /// Runs the clock until `done` holds (checked after each timer), at most `limit_ms` on.
    pub fn run_until(sim: &mut Sim, limit_ms: u64, done: impl Fn(&Sim) -> bool) -> bool {
        let deadline = sim.now().plus_ms(limit_ms);
        sim.settle_now();
        while !done(sim) {
            if !sim.step_before(deadline) {
                return done(sim);
            }
        }
        true
    }

    /// The status of container `container` (init containers too).
    pub fn container_status(sim: &Sim, pod_name: &str, container: &str) -> Value {
        let p = pod(sim, pod_name);
        obj::arr_at(&p, "/status/containerStatuses")
            .iter()
            .chain(obj::arr_at(&p, "/status/initContainerStatuses"))
            .find(|s| obj::str_at(s, "/name") == Some(container))
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// The container's waiting reason, if it waits.
    pub fn waiting_reason(sim: &Sim, pod_name: &str, container: &str) -> Option<String> {
        container_status(sim, pod_name, container)
            .ptr("/state/waiting/reason")
            .and_then(Value::as_str)
            .map(String::from)
    }

    /// The pod's phase.
    pub fn phase(sim: &Sim, pod_name: &str) -> String {
        sim.get(Kind::Pod, "default", pod_name).and_then(|p| obj::str_at(p, "/status/phase")).unwrap_or("").to_string()
    }

    /// The pod's condition `ty`'s status (`True`, `False`).
    pub fn condition(sim: &Sim, pod_name: &str, ty: &str) -> String {
        obj::arr_at(&pod(sim, pod_name), "/status/conditions")
            .iter()
            .find(|c| obj::str_at(c, "/type") == Some(ty))
            .and_then(|c| obj::str_at(c, "/status"))
            .unwrap_or("")
            .to_string()
    }

    /// The pod's events as `reason: message`, oldest first.
    pub fn events(sim: &Sim, pod_name: &str) -> Vec<String> {
        sim.store
            .list(Kind::Event, Some("default"))
            .map(|(_, e)| e)
            .filter(|e| obj::str_at(e, "/involvedObject/name") == Some(pod_name))
            .map(|e| {
                let (reason, message) = (obj::str_at(e, "/reason"), obj::str_at(e, "/message"));
                format!("{}: {}", reason.unwrap_or(""), message.unwrap_or(""))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipam_hands_out_in_order_and_does_not_reuse_at_once() {
        let mut a = NodeIpam::new([172, 16, 158]);
        assert_eq!(a.allocate().unwrap(), "172.16.158.2");
        a.release("172.16.158.2");
        assert_eq!(a.allocate().unwrap(), "172.16.158.3");
        assert_eq!(a.allocate().unwrap(), "172.16.158.4");
    }
}
