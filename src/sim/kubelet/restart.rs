//! Containers that end, and start again: a pod of one container ends and restarts as a whole, a
//! container of several on its own; `restartPolicy` decides, and restarts after the first wait
//! out the CrashLoopBackOff back-off. A container whose image changed is restarted too.

use super::process::{append_log, argv_of, guess, keep_previous_log, left_to_guess, run_process, Process};
use super::status::{
    container_id, exit_reason, image_id, is_running, last_state, set_crash_loop, set_ready_conditions, set_terminated,
    status_named_mut, statuses_mut,
};
use super::{name_of, pull, PodCtx, PodRuntime, Step};
use crate::jv;
use crate::sim::obj::{self, Ptr};
use crate::sim::Sim;
use serde_json::Value;

/// The step for container `index` ending with `code`: the pod's in a pod of one container
/// (its containers end and restart together), the container's own otherwise.
pub(super) fn exit_step(pod: &Value, index: usize, code: i32) -> Step {
    if super::containers(pod).len() == 1 {
        return Step::Exited(code);
    }
    let instance = container_restarts(pod, index);
    Step::ContainerExited { index, code, instance }
}

/// The restart count of the container at `index`, as the pod's status says.
pub(super) fn container_restarts(pod: &Value, index: usize) -> u32 {
    let name = super::containers(pod).get(index).map(name_of).unwrap_or_default();
    obj::arr_at(pod, "/status/containerStatuses")
        .iter()
        .find(|s| obj::str_at(s, "/name") == Some(name.as_str()))
        .and_then(|s| obj::i64_at(s, "/restartCount"))
        .unwrap_or(0) as u32
}

/// Whether the pod's `restartPolicy` starts a container again after it ended with `code`.
fn restarts_after(pod: &Value, code: i32) -> bool {
    let policy = obj::str_at(pod, "/spec/restartPolicy").unwrap_or("Always");
    policy == "Always" || (policy == "OnFailure" && code != 0)
}

/// The wait before the `n`th start of a crashing container (n ≥ 2): 10 s doubling to 300 s
/// (kubelet backOffPeriod and MaxContainerBackOff).
pub(super) fn crash_backoff_ms(n: u32) -> u64 {
    (10_000u64 << (n - 2).min(5)).min(300_000)
}

/// The `BackOff` event's message for container `name` of the pod `words` (`doBackOff` in
/// pkg/kubelet/kuberuntime/kuberuntime_manager.go) at server release `1.minor`.
pub(super) fn back_off_words(minor: u32, name: &str, words: &str) -> String {
    if minor >= 26 {
        // kubernetes/kubernetes#113216 ("Add container name in the `BackOff` event message",
        // opened 2022-10-20, after v1.25.0 shipped on 2022-08-23; no release note):
        // `fmt.Sprintf("Back-off restarting failed container %s in pod %s", container.Name,
        // format.Pod(pod))` in the v1.26.1 source (a `git archive` of 8f94681c, github
        // Jiaxuan-C/kubernetes-1.26.0-migration) and in v1.27.4, v1.31.2, v1.33.3 (kaisenlinux/
        // kubernetes' imports of the release tarballs).
        format!("Back-off restarting failed container {name} in pod {words}")
    } else {
        // The same line in v1.24.3, v1.25.1 and v1.25.9 (kaisenlinux/kubernetes' imports,
        // kuberuntime_manager.go line 964 / 919): "Back-off restarting failed container".
        "Back-off restarting failed container".into()
    }
}

/// `Step::ContainerExited`: in a pod of several containers, the one at `index` (its instance
/// `instance`) ended with `code`.
#[inline(never)]
pub(super) fn container_exited(sim: &mut Sim, cx: &PodCtx, index: usize, code: i32, instance: u32) {
    let Some(c) = cx.containers().get(index).cloned() else { return };
    let name = name_of(&c);
    if !is_running(cx.pod, &name) || container_restarts(cx.pod, index) != instance {
        return;
    }
    let restart = restarts_after(cx.pod, code);
    let ts = &cx.ts;
    sim.modify(cx.key, |p| {
        for s in status_named_mut(p, &name) {
            set_terminated(s, code, ts);
        }
        set_ready_conditions(p, false, ts);
        // Never restarted: the pod is done once all its containers are.
        let all_done = obj::arr_at(p, "/status/containerStatuses").iter().all(|s| s.ptr("/state/terminated").is_some());
        if !restart && all_done {
            let failed = obj::arr_at(p, "/status/containerStatuses")
                .iter()
                .any(|s| obj::i64_at(s, "/state/terminated/exitCode").unwrap_or(0) != 0);
            obj::set(p, "/status/phase", jv!(if failed { "Failed" } else { "Succeeded" }));
        }
    });
    if !restart {
        return;
    }
    let n = instance + 1;
    if n < 2 {
        let d = sim.rand_range(500, 1500);
        cx.at(sim, d, Step::ContainerRestart { index });
        return;
    }
    let backoff = crash_backoff_ms(n);
    let words = cx.pod_words();
    cx.event(sim, "Warning", "BackOff", back_off_words(sim.profile.server_minor(), &name, &words));
    sim.modify(cx.key, |p| {
        for s in status_named_mut(p, &name) {
            set_crash_loop(s, &name, backoff, &words);
        }
    });
    cx.at(sim, backoff, Step::ContainerRestart { index });
}

/// `Step::ContainerRestart`: the container at `index` starts again (EnsureImageExists, then a
/// new instance with the last one as its last state).
#[inline(never)]
pub(super) fn container_restart(sim: &mut Sim, cx: &PodCtx, index: usize) {
    let Some(c) = cx.containers().get(index).cloned() else { return };
    let name = name_of(&c);
    let old = obj::arr_at(cx.pod, "/status/containerStatuses")
        .iter()
        .find(|s| obj::str_at(s, "/name") == Some(name.as_str()))
        .cloned()
        .unwrap_or(jv!({}));
    if old.ptr("/state/running").is_some() {
        return;
    }
    pull::ensure_image(sim, cx, &c);
    super::start::created_and_started(sim, cx, "spec.containers", &name);
    keep_previous_log(sim, cx.uid, &name);
    let restarts = obj::i64_at(&old, "/restartCount").unwrap_or(0) as u32 + 1;
    let last = last_state(Some(&old));
    let probe = c.get("readinessProbe").is_some();
    let id = container_id(sim);
    let ts = &cx.ts;
    let status = jv!({"name":name,"image":c.get("image"),"imageID":image_id(&c),"containerID":id,
        "ready":!probe,"started":true,"restartCount":restarts,"lastState":last,"state":{"running":{"startedAt":ts}}});
    sim.modify(cx.key, |p| {
        for s in status_named_mut(p, &name) {
            *s = status.clone();
        }
        let all = super::status::all_ready(p);
        set_ready_conditions(p, all, ts);
    });
    run_again(sim, cx, &c, index, restarts);
}

/// A restarted container's process, as at the pod's start: its image's entrypoint, then its
/// command (run, or its behaviour guessed).
fn run_again(sim: &mut Sim, cx: &PodCtx, c: &Value, index: usize, instance: u32) {
    let name = name_of(c);
    let argv = argv_of(c);
    let start = crate::sim::entrypoint::start(sim, cx.key, c);
    append_log(sim, cx.uid, &name, start.lines);
    let exited = |code| Step::ContainerExited { index, code, instance };
    if let Some(code) = start.exit {
        cx.at(sim, 150, exited(code));
        return;
    }
    if start.server {
        return;
    }
    let outcome = if argv.is_empty() || left_to_guess(&argv.join(" ")) {
        Process::Unknown
    } else {
        let resume = Step::Resume { container: index, instance };
        run_process(sim, cx.key, cx.uid, &name, crate::sim::Launch::Start(&argv), resume)
    };
    match outcome {
        Process::Ends(ms, code) => cx.at(sim, ms, exited(code)),
        Process::Runs => {}
        Process::Unknown => {
            if let Some((ms, code)) = guess(c) {
                cx.at(sim, ms, exited(code));
            }
        }
    }
}

/// `Step::Exited`: a pod of one container. It ends (and restarts) as the pod's only container.
#[inline(never)]
pub(super) fn pod_exited(sim: &mut Sim, cx: &PodCtx, code: i32) {
    let restart = restarts_after(cx.pod, code);
    let reason = exit_reason(code);
    let ts = &cx.ts;
    let unreported = sim.runtime.get_mut(cx.uid).and_then(|r| r.unreported.take());
    let statuses =
        unreported.clone().unwrap_or_else(|| cx.pod.ptr("/status/containerStatuses").cloned().unwrap_or(jv!([])));
    let first = statuses.get(0).cloned().unwrap_or(Value::Null);
    let started = first.ptr("/state/running/startedAt").cloned().unwrap_or(jv!(ts));
    let terminated = jv!({"terminated":{"exitCode":code,"reason":reason,"startedAt":started,"finishedAt":ts,"containerID":first.get("containerID").cloned().unwrap_or(Value::Null)}});
    sim.modify(cx.key, |p| {
        if let Some(s) = &unreported {
            let st = obj::object_mut(p, "status");
            st.insert("phase".into(), jv!("Running"));
            st.insert("containerStatuses".into(), s.clone());
        }
        for c in statuses_mut(p) {
            c["state"] = terminated.clone();
            c["ready"] = jv!(false);
            c["started"] = jv!(false);
        }
        set_ready_conditions(p, false, ts);
        if !restart {
            obj::set(p, "/status/phase", jv!(if code == 0 { "Succeeded" } else { "Failed" }));
        }
    });
    if restart {
        // restartCount counts containers started after the first: it goes up when the
        // next one starts (kuberuntime `restartCount = status.RestartCount + 1`), not
        // when this one exits.
        cx.runtime(sim).restarts += 1;
        let d = sim.rand_range(500, 1500);
        cx.at(sim, d, Step::Restart);
    }
}

/// `Step::Restart`: a pod of one container starts again after CrashLoopBackOff.
#[inline(never)]
pub(super) fn pod_restart(sim: &mut Sim, cx: &PodCtx) {
    let n = sim.runtime.get(cx.uid).map(|r| r.restarts).unwrap_or(1);
    if n < 2 {
        cx.at(sim, 0, Step::RetryPull);
        return;
    }
    // The first restart is at once; later ones wait out a back-off, shown as
    // CrashLoopBackOff with the ended container as the last state.
    let backoff = crash_backoff_ms(n);
    let words = cx.pod_words();
    let cname = cx.containers().first().map(name_of).unwrap_or_default();
    sim.modify(cx.key, |p| {
        for c in statuses_mut(p) {
            set_crash_loop(c, &cname, backoff, &words);
        }
    });
    for c in cx.containers() {
        let cname = name_of(&c);
        cx.event(sim, "Warning", "BackOff", back_off_words(sim.profile.server_minor(), &cname, &words));
    }
    // Each start goes through EnsureImageExists: `already present on machine`, or
    // a pull again under `Always`.
    cx.at(sim, backoff, Step::RetryPull);
}

/// A running container whose image was changed (`kubectl set image pod/...`): the kubelet
/// kills it ("definition changed") and starts it again with the new image.
pub(super) fn redefine(sim: &mut Sim, cx: &PodCtx, rt: &PodRuntime) {
    let pod = cx.pod;
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
    if changed.is_empty() || rt.redefining || obj::str_at(pod, "/status/phase") != Some("Running") {
        return;
    }
    let r = cx.runtime(sim);
    r.redefining = true;
    r.restarts += 1;
    for name in &changed {
        cx.event(sim, "Normal", "Killing", format!("Container {name} definition changed, will be restarted"));
    }
    let ts = &cx.ts;
    sim.modify(cx.key, |p| {
        let is_changed =
            |c: &Value| c.get("name").and_then(Value::as_str).is_some_and(|n| changed.iter().any(|x| x == n));
        for c in statuses_mut(p).iter_mut().filter(|c| is_changed(c)) {
            set_terminated(c, 0, ts);
        }
        set_ready_conditions(p, false, ts);
    });
    pull::pull(sim, cx, None);
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::jv;
    use crate::sim::obj::{self, Ptr};
    use serde_json::Value;

    #[test]
    fn a_crashing_container_goes_into_crash_loop_back_off_doubling_from_10s() {
        let mut sim = cluster(true);
        create_pod(
            &mut sim,
            "p",
            jv!({"containers":[{"name":"c","image":"busybox:1.28","command":["sh","-c","exit 1"]}]}),
        );
        let crash_loop = |s: &crate::sim::Sim| waiting_reason(s, "p", "c").as_deref() == Some("CrashLoopBackOff");
        assert!(run_until(&mut sim, 60_000, crash_loop));
        let uid = obj::uid(&pod(&sim, "p")).to_string();
        let s = container_status(&sim, "p", "c");
        // The first restart is at once; the next waits 10 s, shown as CrashLoopBackOff.
        assert_eq!(s.ptr("/restartCount"), Some(&jv!(1)));
        assert_eq!(
            s.ptr("/state/waiting/message").and_then(Value::as_str),
            Some(format!("back-off 10s restarting failed container=c pod=p_default({uid})").as_str())
        );
        assert_eq!(s.ptr("/lastState/terminated/reason"), Some(&jv!("Error")));
        assert_eq!(s.ptr("/lastState/terminated/exitCode"), Some(&jv!(1)));
        let back_off = format!("BackOff: Back-off restarting failed container c in pod p_default({uid})");
        assert!(events(&sim, "p").contains(&back_off));
        // The next back-off is twice as long.
        assert!(run_until(&mut sim, 60_000, |s| container_status(s, "p", "c").ptr("/restartCount") == Some(&jv!(2))));
        assert!(run_until(&mut sim, 60_000, crash_loop));
        let message = container_status(&sim, "p", "c").ptr("/state/waiting/message").cloned().unwrap_or_default();
        assert!(message.as_str().is_some_and(|m| m.starts_with("back-off 20s ")), "{message}");
    }

    #[test]
    fn on_failure_leaves_a_container_that_succeeded_completed() {
        let mut sim = cluster(true);
        let spec = jv!({"restartPolicy":"OnFailure","containers":[{"name":"c","image":"busybox:1.28","command":["sh","-c","echo done"]}]});
        create_pod(&mut sim, "p", spec);
        assert!(run_until(&mut sim, 60_000, |s| phase(s, "p") == "Succeeded"));
        let s = container_status(&sim, "p", "c");
        assert_eq!(s.ptr("/restartCount"), Some(&jv!(0)));
        assert_eq!(s.ptr("/state/terminated/reason"), Some(&jv!("Completed")));
        assert_eq!(condition(&sim, "p", "Ready"), "False");
    }

    #[test]
    fn in_a_pod_of_several_containers_only_the_one_that_ended_restarts() {
        let mut sim = cluster(true);
        let spec = jv!({"containers":[{"name":"web","image":"nginx:1.14.2"},
            {"name":"job","image":"busybox:1.28","command":["sh","-c","sleep 3; exit 2"]}]});
        create_pod(&mut sim, "p", spec);
        assert!(run_until(&mut sim, 60_000, |s| phase(s, "p") == "Running"));
        let web_id = container_status(&sim, "p", "web").ptr("/containerID").cloned();
        assert!(run_until(&mut sim, 60_000, |s| container_status(s, "p", "job").ptr("/restartCount") == Some(&jv!(1))));
        let job = container_status(&sim, "p", "job");
        assert_eq!(job.ptr("/lastState/terminated/exitCode"), Some(&jv!(2)));
        let web = container_status(&sim, "p", "web");
        assert_eq!(web.ptr("/restartCount"), Some(&jv!(0)));
        assert_eq!(web.ptr("/containerID").cloned(), web_id);
        assert!(web.ptr("/state/running").is_some());
        assert_eq!(phase(&sim, "p"), "Running");
    }
}
