//! The container runtime's door: what runs inside containers (a container's main process, its
//! probes' commands, `kubectl exec`) lives above the model, in `programs`, and the model reaches
//! it through [`Programs`], which the lab installs in [`Sim::programs`], as a kubelet reaches
//! its container runtime. Without one (benches, bare `Sim`s) the kubelet reads `exit N` and
//! `sleep N` from a command, probes pass, and nothing can be exec'd.

use super::{ObjKey, Sim};
use crate::support::output::Output;
use serde_json::Value;

/// What runs inside containers.
pub trait Programs {
    /// Runs a container's main process when it starts, or goes on with one that paused: what it
    /// wrote (lines of stdout and stderr), its exit status and how long it ran (the `sleep`s it
    /// did). `None` when the process is not one the lab can run.
    fn run(&self, sim: &mut Sim, pod: &ObjKey, container: &str, launch: Launch<'_>) -> Option<Ran>;

    /// Runs one probe of a pod's container (`kind` is `Readiness` or `Liveness`): `Ok`, or the
    /// failure as the kubelet words it in its Unhealthy event (`Readiness probe failed: ...`).
    fn probe(&self, sim: &mut Sim, pod: &ObjKey, container: &str, probe: &Value, kind: &str) -> Result<(), String>;

    /// Whether the container's image has the program `argv0` (a name or a path).
    fn has_program(&self, sim: &Sim, pod: &ObjKey, container: &str, argv0: &str) -> bool;

    /// `kubectl exec`: runs `argv` in a running container; its exit status.
    fn exec(
        &self,
        sim: &mut Sim,
        pod: &ObjKey,
        container: &str,
        argv: &[String],
        stdin: Option<&str>,
        out: &mut Output,
    ) -> i32;

    /// Whether the container's tools are GNU's (Debian images) rather than busybox's, for
    /// `tar`'s words under `kubectl cp`.
    fn gnu_tools(&self, sim: &Sim, pod: &ObjKey, container: &str) -> bool;
}

/// What [`Programs::run`] is asked to do: start a process with these words, or go on with one
/// that paused.
pub enum Launch<'a> {
    Start(&'a [String]),
    Resume(std::rc::Rc<dyn std::any::Any>),
}

/// How a step of a container's main process went.
pub enum Ran {
    /// It ended with `code` after printing `lines` (and sleeping `slept` ms on its way).
    Done { lines: Vec<String>, code: i32, slept: u64 },
    /// It printed `lines` and sleeps: run it on after `after_ms` with `state`.
    Waiting { lines: Vec<String>, after_ms: u64, state: std::rc::Rc<dyn std::any::Any> },
}
