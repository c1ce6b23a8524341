//! Readiness and liveness probes: readiness turns containers (and the pod) ready or unready,
//! liveness kills a container that fails its probe `failureThreshold` times in a row.

use super::restart::exit_step;
use super::status::{all_ready, is_running, set_ready_conditions, statuses_mut};
use super::terminate::{stop_time, stops_on_sigterm};
use super::{name_of, PodCtx, Step};
use crate::jv;
use crate::sim::obj::{self, Ptr};
use crate::sim::{Programs, Sim};
use serde_json::Value;
use std::rc::Rc;

/// Schedules the first readiness probes of a container instance (`instance`, the pod's
/// restarts): after the longest initial delay, jittered within the longest period.
pub(super) fn first_readiness(sim: &mut Sim, cx: &PodCtx, instance: u32) {
    let containers = cx.containers();
    let delay = containers
        .iter()
        .filter_map(|c| c.get("readinessProbe"))
        .map(|p| {
            let init = p.get("initialDelaySeconds").and_then(Value::as_u64).unwrap_or(0);
            init * 1000
        })
        .max()
        .unwrap_or(0);
    let period = containers
        .iter()
        .filter_map(|c| c.ptr("/readinessProbe/periodSeconds"))
        .filter_map(Value::as_u64)
        .max()
        .unwrap_or(10);
    let jitter = sim.rand_range(100, period * 1000);
    cx.at(sim, delay + jitter, Step::Ready { instance });
}

/// Liveness probes: a probe worker ticks every period and probes once the initial delay has
/// passed.
pub(super) fn first_liveness(sim: &mut Sim, cx: &PodCtx, instance: u32) {
    for (index, c) in cx.containers().iter().enumerate() {
        let Some(p) = c.get("livenessProbe") else { continue };
        let period = obj::i64_at(p, "/periodSeconds").unwrap_or(10).max(1) as u64 * 1000;
        let delay = obj::i64_at(p, "/initialDelaySeconds").unwrap_or(0).max(0) as u64 * 1000;
        let first = delay.div_ceil(period).max(1) * period;
        cx.at(sim, first, Step::Live { index, instance, failures: 0 });
    }
}

/// `Step::Ready`: the readiness probes, every period while the containers run. A failure is an
/// Unhealthy event; a container turns ready when its probe passes and unready after
/// failureThreshold failures in a row; the pod is ready when all its containers are.
pub(super) fn readiness(sim: &mut Sim, cx: &PodCtx, instance: u32) {
    if cx.restarts(sim) != instance {
        return;
    }
    let running = obj::arr_at(cx.pod, "/status/containerStatuses").iter().all(|c| c.ptr("/state/running").is_some());
    if !running {
        return;
    }
    let mut set: Vec<(String, bool)> = Vec::new();
    let mut probed = false;
    for c in cx.containers() {
        let name = name_of(&c);
        let ready = obj::arr_at(cx.pod, "/status/containerStatuses")
            .iter()
            .any(|s| obj::str_at(s, "/name") == Some(&name) && obj::bool_at(s, "/ready") == Some(true));
        let (Some(probe), Some(prober)) = (c.get("readinessProbe").cloned(), sim.programs.clone()) else {
            if !ready {
                set.push((name, true));
            }
            continue;
        };
        probed = true;
        if let Some(now_ready) = probe_readiness(sim, cx, prober, &name, &probe, ready) {
            set.push((name, now_ready));
        }
    }
    let ts = &cx.ts;
    sim.modify(cx.key, |p| {
        for c in statuses_mut(p) {
            let Some((_, r)) = set.iter().find(|(n, _)| c.get("name").and_then(Value::as_str) == Some(n.as_str()))
            else {
                continue;
            };
            if c.ptr("/state/running").is_some() {
                c["ready"] = jv!(*r);
            }
        }
        let all = all_ready(p);
        set_ready_conditions(p, all, ts);
    });
    if probed {
        let period = cx
            .containers()
            .iter()
            .filter_map(|c| c.ptr("/readinessProbe/periodSeconds"))
            .filter_map(Value::as_u64)
            .min()
            .unwrap_or(10);
        cx.at(sim, period * 1000, Step::Ready { instance });
    }
}

/// Runs container `name`'s readiness probe: its new readiness when that changes.
fn probe_readiness(
    sim: &mut Sim,
    cx: &PodCtx,
    prober: Rc<dyn Programs>,
    name: &str,
    probe: &Value,
    ready: bool,
) -> Option<bool> {
    let threshold = obj::i64_at(probe, "/failureThreshold").unwrap_or(3).max(1) as u32;
    match prober.probe(sim, cx.key, name, probe, "Readiness") {
        Ok(()) => {
            cx.runtime(sim).probe_failures.remove(name);
            (!ready).then_some(true)
        }
        Err(why) => {
            cx.event(sim, "Warning", "Unhealthy", why.trim().to_string());
            let failures = {
                let f = cx.runtime(sim).probe_failures.entry(name.to_string()).or_default();
                *f += 1;
                *f
            };
            (ready && failures >= threshold).then_some(false)
        }
    }
}

/// `Step::Live`: the liveness probe of the container at `index` (its instance `instance`), with
/// `failures` in a row so far.
#[inline(never)]
pub(super) fn liveness(sim: &mut Sim, cx: &PodCtx, index: usize, instance: u32, failures: u32) {
    let Some(c) = cx.containers().get(index).cloned() else { return };
    let name = name_of(&c);
    let current = cx.restarts(sim);
    let running = is_running(cx.pod, &name);
    let (Some(probe), Some(prober)) = (c.get("livenessProbe").cloned(), sim.programs.clone()) else { return };
    if current != instance || !running {
        return;
    }
    let period = obj::i64_at(&probe, "/periodSeconds").unwrap_or(10).max(1) as u64 * 1000;
    let threshold = obj::i64_at(&probe, "/failureThreshold").unwrap_or(3).max(1) as u32;
    let Err(why) = prober.probe(sim, cx.key, &name, &probe, "Liveness") else {
        cx.at(sim, period, Step::Live { index, instance, failures: 0 });
        return;
    };
    cx.event(sim, "Warning", "Unhealthy", why.trim().to_string());
    if failures + 1 < threshold {
        cx.at(sim, period, Step::Live { index, instance, failures: failures + 1 });
        return;
    }
    // Killed as a deleted pod's containers are: SIGTERM, then SIGKILL once the
    // grace period is over if the process ignores it (a shell as PID 1 does).
    cx.event(sim, "Normal", "Killing", format!("Container {name} failed liveness probe, will be restarted"));
    let grace = obj::i64_at(cx.pod, "/spec/terminationGracePeriodSeconds").unwrap_or(30).max(0) as u64 * 1000;
    let (ms, code) = stop_time(sim, stops_on_sigterm(&c), grace);
    let step = exit_step(cx.pod, index, code);
    cx.at(sim, ms, step);
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use crate::jv;
    use crate::sim::obj::{self, Ptr};

    #[test]
    fn a_readiness_probe_holds_a_running_pod_unready_until_it_passes() {
        let mut sim = cluster(true);
        let spec = jv!({"containers":[{"name":"c","image":"busybox:1.28",
            "command":["sh","-c","sleep 20; touch /tmp/ready; sleep 3600"],
            "readinessProbe":{"exec":{"command":["cat","/tmp/ready"]},"periodSeconds":2}}]});
        create_pod(&mut sim, "p", spec);
        assert!(run_until(&mut sim, 60_000, |s| phase(s, "p") == "Running"));
        // Running, not ready: 0/1 Running.
        assert_eq!(container_status(&sim, "p", "c").ptr("/ready"), Some(&jv!(false)));
        assert_eq!(condition(&sim, "p", "Ready"), "False");
        assert!(run_until(&mut sim, 15_000, |s| events(s, "p").iter().any(|e| e.starts_with("Unhealthy: "))));
        let unhealthy = events(&sim, "p").into_iter().find(|e| e.starts_with("Unhealthy: ")).unwrap_or_default();
        assert!(unhealthy.starts_with("Unhealthy: Readiness probe failed: "), "{unhealthy}");
        assert_eq!(condition(&sim, "p", "Ready"), "False");
        // The file appears after 20 s: the next probe passes and the pod is ready.
        assert!(run_until(&mut sim, 30_000, |s| condition(s, "p", "Ready") == "True"));
        assert_eq!(container_status(&sim, "p", "c").ptr("/ready"), Some(&jv!(true)));
        assert_eq!(condition(&sim, "p", "ContainersReady"), "True");
    }

    #[test]
    fn a_failing_liveness_probe_kills_the_container_and_it_restarts() {
        let mut sim = cluster(true);
        let spec = jv!({"terminationGracePeriodSeconds":2,"containers":[{"name":"c","image":"busybox:1.28",
            "command":["sleep","3600"],
            "livenessProbe":{"exec":{"command":["cat","/tmp/healthy"]},"periodSeconds":5,"failureThreshold":2}}]});
        create_pod(&mut sim, "p", spec);
        assert!(run_until(&mut sim, 60_000, |s| phase(s, "p") == "Running"));
        let killing = "Killing: Container c failed liveness probe, will be restarted".to_string();
        assert!(run_until(&mut sim, 60_000, |s| events(s, "p").contains(&killing)));
        // Two failures in a row (failureThreshold 2) before the kill: one Unhealthy event,
        // counted twice (the event recorder folds repeats into `count`).
        let unhealthy: Vec<_> = sim
            .store
            .list(crate::sim::Kind::Event, Some("default"))
            .map(|(_, e)| e)
            .filter(|e| {
                obj::str_at(e, "/involvedObject/name") == Some("p") && obj::str_at(e, "/reason") == Some("Unhealthy")
            })
            .collect();
        assert_eq!(unhealthy.len(), 1);
        assert!(obj::str_at(unhealthy[0], "/message").is_some_and(|m| m.starts_with("Liveness probe failed: ")));
        assert_eq!(obj::i64_at(unhealthy[0], "/count"), Some(2));
        // `sleep` as PID 1 ignores SIGTERM: SIGKILL after the grace period, exit code 137.
        assert!(run_until(&mut sim, 60_000, |s| container_status(s, "p", "c").ptr("/restartCount") == Some(&jv!(1))));
        let s = container_status(&sim, "p", "c");
        assert_eq!(s.ptr("/lastState/terminated/exitCode"), Some(&jv!(137)));
        assert_eq!(s.ptr("/lastState/terminated/reason"), Some(&jv!("Error")));
        assert!(s.ptr("/state/running").is_some(), "{s}");
    }
}
