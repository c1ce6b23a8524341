//! Init containers: run one at a time, in order, before the pod's containers. Each is pulled,
//! started and run to its end; a failed one fails the pod under `Never`, else runs again after
//! the back-off (`Init:Error`, then `Init:CrashLoopBackOff`).

use super::process::{argv_of, guess, keep_previous_log, left_to_guess, run_process, take_paused, Process};
use super::pull::{self, flush_pulled_events};
use super::restart::{back_off_words, crash_backoff_ms};
use super::status::{container_id, image_id, last_state, set_crash_loop, set_terminated};
use super::{init_containers, name_of, PodCtx, Step};
use crate::jv;
use crate::sim::obj::{self, Ptr};
use crate::sim::Sim;
use serde_json::Value;

fn init_restarts(pod: &Value, i: usize) -> u32 {
    obj::arr_at(pod, "/status/initContainerStatuses").get(i).and_then(|s| obj::i64_at(s, "/restartCount")).unwrap_or(0)
        as u32
}

fn set_init_status(sim: &mut Sim, cx: &PodCtx, i: usize, status: Value) {
    sim.modify(cx.key, |p| {
        if let Some(s) = p.pointer_mut(&format!("/status/initContainerStatuses/{i}")) {
            *s = status;
        }
    });
}

/// `Step::InitPulled`: init container `i`'s image is there; it is created and started, and its
/// process runs.
#[inline(never)]
pub(super) fn start(sim: &mut Sim, cx: &PodCtx, i: usize) {
    flush_pulled_events(sim, cx);
    let Some(c) = init_containers(cx.pod).get(i).cloned() else { return };
    let name = name_of(&c);
    let old = obj::arr_at(cx.pod, "/status/initContainerStatuses").get(i).cloned();
    // A new instance after one that ended is a restart.
    let rerun =
        old.as_ref().is_some_and(|s| s.ptr("/state/terminated").is_some() || s.ptr("/lastState/terminated").is_some());
    // A restarted init container starts a new log; the dead one's is kept as the previous.
    if rerun {
        keep_previous_log(sim, cx.uid, &name);
    }
    super::start::created_and_started(sim, cx, "spec.initContainers", &name);
    let id = container_id(sim);
    let restarts = init_restarts(cx.pod, i) + u32::from(rerun);
    let last = last_state(old.as_ref());
    let ts = &cx.ts;
    let status = jv!({"name":name,"image":c.get("image"),"imageID":image_id(&c),"containerID":id,"ready":false,"started":true,"restartCount":restarts,"lastState":last,"state":{"running":{"startedAt":ts}}});
    set_init_status(sim, cx, i, status);
    // Its process, as a main container's runs.
    let argv = argv_of(&c);
    let outcome = if argv.is_empty() || left_to_guess(&argv.join(" ")) {
        Process::Unknown
    } else {
        let resume = Step::InitResume { index: i, instance: restarts };
        run_process(sim, cx.key, cx.uid, &name, crate::sim::Launch::Start(&argv), resume)
    };
    match outcome {
        Process::Ends(ms, code) => cx.at(sim, ms, Step::InitExited(i, code)),
        Process::Runs => {}
        Process::Unknown => {
            if let Some((ms, code)) = guess(&c) {
                cx.at(sim, ms, Step::InitExited(i, code));
            }
        }
    }
}

/// `Step::InitResume`: init container `i`'s process goes on after a sleep, unless its instance
/// (`instance`, its restarts) is gone or stopped.
#[inline(never)]
pub(super) fn resume(sim: &mut Sim, cx: &PodCtx, i: usize, instance: u32) {
    let Some(c) = init_containers(cx.pod).get(i).cloned() else { return };
    let name = name_of(&c);
    let Some(state) = take_paused(sim, cx.uid, &name) else { return };
    let running =
        obj::arr_at(cx.pod, "/status/initContainerStatuses").get(i).is_some_and(|s| s.ptr("/state/running").is_some());
    if cx.deleting || init_restarts(cx.pod, i) != instance || !running {
        return;
    }
    let resume = Step::InitResume { index: i, instance };
    if let Process::Ends(ms, code) =
        run_process(sim, cx.key, cx.uid, &name, crate::sim::Launch::Resume(state.0), resume)
    {
        cx.at(sim, ms, Step::InitExited(i, code));
    }
}

/// `Step::InitExited`: init container `i` ended with `code`.
#[inline(never)]
pub(super) fn exited(sim: &mut Sim, cx: &PodCtx, i: usize, code: i32) {
    let inits = init_containers(cx.pod);
    let Some(c) = inits.get(i).cloned() else { return };
    let name = name_of(&c);
    let mut status = obj::arr_at(cx.pod, "/status/initContainerStatuses").get(i).cloned().unwrap_or(jv!({}));
    set_terminated(&mut status, code, &cx.ts);
    status["ready"] = jv!(code == 0);
    set_init_status(sim, cx, i, status);
    if code == 0 {
        succeeded(sim, cx, i, inits.len());
        return;
    }
    // A failed init container: the pod fails under Never, else it runs again after
    // the back-off (Init:Error, then Init:CrashLoopBackOff).
    if obj::str_at(cx.pod, "/spec/restartPolicy") == Some("Never") {
        sim.modify(cx.key, |p| obj::set(p, "/status/phase", jv!("Failed")));
        return;
    }
    // The restart count goes up when the next instance starts.
    let n = init_restarts(cx.pod, i) + 1;
    if n < 2 {
        cx.at(sim, 1_000, Step::Init(i));
        return;
    }
    let backoff = crash_backoff_ms(n);
    let words = cx.pod_words();
    cx.event(sim, "Warning", "BackOff", back_off_words(sim.profile.server_minor(), &name, &words));
    sim.modify(cx.key, |p| {
        if let Some(s) = p.pointer_mut(&format!("/status/initContainerStatuses/{i}")) {
            set_crash_loop(s, &name, backoff, &words);
        }
    });
    cx.at(sim, backoff, Step::Init(i));
}

/// Init container `i` of `count` succeeded: the next one runs, or, after the last, the pod is
/// initialized and its containers' images are pulled.
fn succeeded(sim: &mut Sim, cx: &PodCtx, i: usize, count: usize) {
    if i + 1 < count {
        cx.at(sim, 0, Step::Init(i + 1));
        return;
    }
    let ts = &cx.ts;
    sim.modify(cx.key, |p| {
        let Some(conds) = p.pointer_mut("/status/conditions").and_then(Value::as_array_mut) else { return };
        for cond in conds.iter_mut().filter(|c| c.get("type").and_then(Value::as_str) == Some("Initialized")) {
            *cond = jv!({"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":ts});
        }
    });
    pull::pull(sim, cx, None);
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::jv;
    use crate::sim::obj::Ptr;

    #[test]
    fn init_containers_run_one_at_a_time_then_the_containers_start() {
        let mut sim = cluster(true);
        let spec = jv!({"initContainers":[
                {"name":"first","image":"busybox:1.28","command":["sh","-c","echo one"]},
                {"name":"second","image":"busybox:1.28","command":["sh","-c","echo two"]}],
            "containers":[{"name":"app","image":"nginx:1.14.2"}]});
        create_pod(&mut sim, "p", spec);
        assert!(run_until(&mut sim, 60_000, |s| phase(s, "p") == "Running"));
        for name in ["first", "second"] {
            let s = container_status(&sim, "p", name);
            assert_eq!(s.ptr("/state/terminated/reason"), Some(&jv!("Completed")), "{name}: {s}");
            assert_eq!(s.ptr("/state/terminated/exitCode"), Some(&jv!(0)));
            assert_eq!(s.ptr("/ready"), Some(&jv!(true)));
        }
        assert_eq!(condition(&sim, "p", "Initialized"), "True");
        // In order: the second starts after the first, the app after both.
        let events = events(&sim, "p");
        let at = |e: &str| events.iter().position(|x| x == e).unwrap_or_else(|| panic!("{e} in {events:#?}"));
        assert!(at("Started: Started container first") < at("Created: Created container second"));
        assert!(at("Started: Started container second") < at("Created: Created container app"));
        let uid = crate::sim::obj::uid(&pod(&sim, "p")).to_string();
        assert_eq!(sim.logs.get(&(uid, "second".to_string())), Some(&vec!["two".to_string()]));
    }

    #[test]
    fn a_failing_init_container_fails_the_pod_under_never() {
        let mut sim = cluster(true);
        let spec = jv!({"restartPolicy":"Never",
            "initContainers":[{"name":"check","image":"busybox:1.28","command":["sh","-c","exit 3"]}],
            "containers":[{"name":"app","image":"nginx:1.14.2"}]});
        create_pod(&mut sim, "p", spec);
        assert!(run_until(&mut sim, 60_000, |s| phase(s, "p") == "Failed"));
        let s = container_status(&sim, "p", "check");
        assert_eq!(s.ptr("/state/terminated/reason"), Some(&jv!("Error")));
        assert_eq!(s.ptr("/state/terminated/exitCode"), Some(&jv!(3)));
        assert_eq!(waiting_reason(&sim, "p", "app").as_deref(), Some("PodInitializing"));
        assert!(events(&sim, "p").iter().all(|e| e != "Created: Created container app"));
    }

    #[test]
    fn a_failing_init_container_restarts_into_init_crash_loop_back_off() {
        let mut sim = cluster(true);
        let spec = jv!({"initContainers":[{"name":"check","image":"busybox:1.28","command":["sh","-c","exit 1"]}],
            "containers":[{"name":"app","image":"nginx:1.14.2"}]});
        create_pod(&mut sim, "p", spec);
        assert!(run_until(&mut sim, 60_000, |s| waiting_reason(s, "p", "check").as_deref() == Some("CrashLoopBackOff")));
        let s = container_status(&sim, "p", "check");
        // The first restart is at once; the second waits out the first back-off, 10 s.
        assert_eq!(s.ptr("/restartCount"), Some(&jv!(1)));
        let message = s.ptr("/state/waiting/message").and_then(|m| m.as_str()).unwrap_or("");
        assert!(message.starts_with("back-off 10s restarting failed container=check pod=p_default("), "{message}");
        assert_eq!(s.ptr("/lastState/terminated/exitCode"), Some(&jv!(1)));
        assert_eq!(phase(&sim, "p"), "Pending");
    }
}
