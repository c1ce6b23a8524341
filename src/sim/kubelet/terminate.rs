//! Graceful termination: a deleted pod's containers get SIGTERM (and SIGKILL once the grace
//! period is over if they ignore it), the pod turns not ready, its final status is written and
//! the pod object goes, with its IP, logs, writable layers and emptyDirs.

use super::status::{exit_reason, set_ready_conditions, statuses_mut};
use super::{name_of, PodCtx, Step};
use crate::jv;
use crate::sim::images;
use crate::sim::obj::{self, Ptr};
use crate::sim::Sim;
use serde_json::Value;

/// The pod is being deleted: its containers are stopped (`Step::Stopped`), or, when none runs,
/// the pod goes at once (`Step::Remove`).
pub(super) fn terminate(sim: &mut Sim, cx: &PodCtx, accepted: bool) {
    let pod = cx.pod;
    let phase = obj::str_at(pod, "/status/phase").unwrap_or("Pending").to_string();
    let grace_s = obj::i64_at(pod, "/metadata/deletionGracePeriodSeconds").unwrap_or(30).max(0) as u64;
    let started = obj::arr_at(pod, "/status/containerStatuses").iter().any(|c| c.ptr("/state/running").is_some());
    if !accepted || !started || phase == "Succeeded" || phase == "Failed" {
        let d = sim.rand_range(150, 600);
        cx.at(sim, d, Step::Remove);
        return;
    }
    for c in cx.containers() {
        let n = name_of(&c);
        cx.event(sim, "Normal", "Killing", format!("Stopping container {n}"));
    }
    let prompt = cx.containers().iter().all(stops_on_sigterm);
    let (stop_ms, code) = stop_time(sim, prompt, grace_s * 1000);
    // Before v1.27 the kubelet writes the not-ready status on its own while the containers
    // stop (the seed, a v1.26 cluster, watches `0/1 Terminating` before the pod goes); from
    // v1.27 that write is the terminal phase's (kubernetes/kubernetes#115331, see `stopped`).
    if sim.profile.server_minor() < 27 {
        let n = sim.rand_range(150, 450).min(stop_ms.saturating_sub(50));
        cx.at(sim, n, Step::StopNotice);
    }
    cx.at(sim, stop_ms, Step::Stopped(code));
}

/// Whether container `c`'s process ends on SIGTERM: its image's own program does (nginx); a
/// shell running a command as PID 1 ignores SIGTERM and is killed after the grace period.
pub(super) fn stops_on_sigterm(c: &Value) -> bool {
    let info = c.get("image").and_then(Value::as_str).and_then(|i| images::lookup(i).ok());
    let has_cmd = c.get("command").is_some() || c.get("args").is_some();
    if let Some(app) = crate::sim::entrypoint::app(c) {
        // The tutorials' servers, whatever flags they are given.
        return app.stops_on_sigterm();
    }
    info.is_some_and(|i| i.handles_sigterm) && !has_cmd
}

/// When a stopped process ends, and its code: within a second or so of SIGTERM if it handles
/// it (0), else SIGKILL once the grace period is over (137).
pub(super) fn stop_time(sim: &mut Sim, prompt: bool, grace_ms: u64) -> (u64, i32) {
    if prompt {
        (sim.rand_range(400, 1600), 0)
    } else {
        (grace_ms + sim.rand_range(50, 300), 137)
    }
}

/// `Step::StopNotice`: the kubelet marks the pod not ready as it stops it.
#[inline(never)]
pub(super) fn stop_notice(sim: &mut Sim, cx: &PodCtx) {
    sim.modify(cx.key, |p| set_ready_conditions(p, false, &cx.ts));
}

/// `Step::Stopped`: the containers have exited with `code`. From 1.27 the kubelet writes a
/// terminal phase before the pod goes: kubernetes/kubernetes#115331 ("Give terminal phase
/// correctly to all pods that will not be restarted", CHANGELOG-1.27.md, Urgent Upgrade Notes:
/// pods with RestartPolicy=Always "may end up in the Succeeded phase in two scenarios: pod
/// deletion and graceful node shutdown").
#[inline(never)]
pub(super) fn stopped(sim: &mut Sim, cx: &PodCtx, code: i32) {
    let reason = exit_reason(code);
    let minor = sim.profile.server_minor();
    let ts = &cx.ts;
    sim.modify(cx.key, |p| {
        for c in statuses_mut(p) {
            let started = c.ptr("/state/running/startedAt").cloned().unwrap_or(jv!(ts));
            c["state"] = jv!({"terminated":{"exitCode":code,"reason":reason,"startedAt":started,"finishedAt":ts}});
            c["ready"] = jv!(false);
            c["started"] = jv!(false);
        }
        set_ready_conditions(p, false, ts);
        if minor >= 27 {
            obj::set(p, "/status/phase", jv!(if code == 0 { "Succeeded" } else { "Failed" }));
        }
    });
    if minor < 27 {
        let d = sim.rand_range(10, 400);
        cx.at(sim, d, Step::FinalStatus);
    } else {
        let d = sim.rand_range(10, 120);
        cx.at(sim, d, Step::Remove);
    }
}

/// `Step::FinalStatus`: before 1.27, the final status write (grace period zero).
#[inline(never)]
pub(super) fn final_status(sim: &mut Sim, cx: &PodCtx) {
    sim.modify(cx.key, |p| {
        obj::meta_mut(p).insert("deletionGracePeriodSeconds".into(), jv!(0));
    });
    // The status manager deletes the pod once volumes are unmounted: its reconciler
    // and housekeeping loops make this take from a few milliseconds to over a second.
    let d = sim.rand_range(5, 1_400);
    cx.at(sim, d, Step::Remove);
}

/// `Step::Remove`: the pod's IP goes back to its node, the kubelet forgets it, and the pod
/// object is removed (unless finalizers hold it).
#[inline(never)]
pub(super) fn remove(sim: &mut Sim, cx: &PodCtx) {
    let uid = cx.uid;
    if let (Some(ip), Some(ipam)) = (obj::str_at(cx.pod, "/status/podIP"), sim.ipam.get_mut(&cx.node)) {
        ipam.release(ip);
    }
    sim.runtime.remove(uid);
    // The pod's writable layers and emptyDirs go with it; PV data stays.
    sim.fs.trees.retain(|k, _| !(k.starts_with(&format!("layer/{uid}/")) || k.starts_with(&format!("empty/{uid}/"))));
    sim.logs.retain(|(u, _), _| u != uid);
    sim.log_dropped.retain(|(u, _), _| u != uid);
    sim.previous_logs.retain(|(u, _), _| u != uid);
    if obj::finalizers(cx.pod).is_empty() {
        sim.store.remove(cx.key, sim.now());
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::jv;
    use crate::sim::obj::Ptr;
    use crate::sim::{DeleteOptions, Kind, ObjKey, Sim};

    fn delete(sim: &mut Sim, name: &str) -> u64 {
        sim.delete(&ObjKey::new(Kind::Pod, "default", name), DeleteOptions::default()).expect("the pod exists");
        sim.now().ms()
    }

    fn gone(sim: &Sim) -> bool {
        sim.get(Kind::Pod, "default", "p").is_none()
    }

    #[test]
    fn a_deleted_nginx_pod_stops_on_sigterm_and_goes_within_seconds() {
        let mut sim = cluster(true);
        create_pod(&mut sim, "p", jv!({"containers":[{"name":"nginx","image":"nginx:1.14.2"}]}));
        assert!(run_until(&mut sim, 60_000, |s| phase(s, "p") == "Running"));
        let uid = crate::sim::obj::uid(&pod(&sim, "p")).to_string();
        assert!(sim.logs.keys().any(|(u, _)| *u == uid), "nginx logs as it starts");
        let from = delete(&mut sim, "p");
        assert!(run_until(&mut sim, 10_000, gone));
        let took = sim.now().ms() - from;
        assert!(took < 4_000, "took {took} ms");
        assert!(events(&sim, "p").contains(&"Killing: Stopping container nginx".to_string()));
        assert!(sim.logs.keys().all(|(u, _)| *u != uid), "the pod's logs go with it");
    }

    #[test]
    fn a_process_that_ignores_sigterm_is_killed_once_the_grace_period_is_over() {
        let mut sim = cluster(true);
        let spec = jv!({"terminationGracePeriodSeconds":5,"containers":[{"name":"c","image":"busybox:1.28","command":["sleep","3600"]}]});
        create_pod(&mut sim, "p", spec);
        assert!(run_until(&mut sim, 60_000, |s| phase(s, "p") == "Running"));
        let from = delete(&mut sim, "p");
        let ended = |s: &Sim| container_status(s, "p", "c").ptr("/state/terminated").is_some();
        assert!(run_until(&mut sim, 10_000, ended));
        let took = sim.now().ms() - from;
        assert!((5_000..5_400).contains(&took), "took {took} ms");
        let s = container_status(&sim, "p", "c");
        assert_eq!(s.ptr("/state/terminated/exitCode"), Some(&jv!(137)));
        assert_eq!(s.ptr("/state/terminated/reason"), Some(&jv!("Error")));
        // Before 1.27 (the default cluster is 1.26) the phase stays Running until the pod goes.
        assert_eq!(phase(&sim, "p"), "Running");
        assert_eq!(condition(&sim, "p", "Ready"), "False");
        assert!(run_until(&mut sim, 5_000, gone));
    }
}
