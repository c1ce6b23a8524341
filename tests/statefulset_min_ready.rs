//! StatefulSet `minReadySeconds`: a pod counts as available only once it has been Ready for
//! that long (`isRunningAndAvailable`, pkg/controller/statefulset/stateful_set_utils.go, through
//! `podutil.IsPodAvailable`: the Ready condition's lastTransitionTime + minReadySeconds). In
//! v1.26 availability gates ordered start and, through it, an OrderedReady rolling update
//! (`processReplica` in stateful_set_control.go), and is what `status.availableReplicas` counts
//! (`computeReplicaStatus`). Times are read from the watch log; a Ready condition's
//! lastTransitionTime has whole seconds, so "Ready for 10 s" may begin up to 1 s before the
//! event that made the pod Ready.

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::{obj, Kind, SimConfig, SimTime, WatchEvent, WatchType};
use serde_json::Value;

const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  MIN_READY
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: c
        image: nginx:1.21
";

fn session_with(min_ready: &str) -> Session {
    let mut s = Session::new(SimConfig::seeded(1)).with_loader(common::files_loader());
    s.write_file("db.yaml", &STS.replace("MIN_READY", min_ready));
    s
}

fn run(s: &mut Session, line: &str) -> String {
    s.run_line(line).0.text()
}

/// Applies the set and runs until nothing is left to do; returns the events of that run.
fn apply_and_settle(s: &mut Session) -> Vec<WatchEvent> {
    let c = s.sim.store.cursor();
    run(s, "kubectl apply -f db.yaml");
    s.sim.run_until_idle(600_000);
    s.sim.store.events_since(c).to_vec()
}

fn is_pod(e: &WatchEvent, name: &str) -> bool {
    e.key.kind == Kind::Pod && e.key.name == name
}

fn ready(e: &WatchEvent) -> bool {
    kubelab::sim::kubelet::is_running_and_ready(&e.obj)
}

/// When `name` was created.
fn created_at(events: &[WatchEvent], name: &str) -> SimTime {
    events.iter().find(|e| is_pod(e, name) && e.ty == WatchType::Added).unwrap_or_else(|| panic!("{name} created")).at
}

/// The first event in which `name` is Running and Ready: its time, and the Ready condition's
/// lastTransitionTime in Unix milliseconds.
fn ready_at(s: &Session, events: &[WatchEvent], name: &str) -> (SimTime, i64) {
    let e = events.iter().find(|e| is_pod(e, name) && ready(e)).unwrap_or_else(|| panic!("{name} ready"));
    let cond = obj::arr_at(&e.obj, "/status/conditions").iter().find(|c| c["type"] == "Ready").cloned().unwrap();
    let ltt = kubelab::sim::time::parse_rfc3339(cond["lastTransitionTime"].as_str().unwrap()).unwrap();
    assert!(ltt <= s.sim.unix_at(e.at), "the transition is stamped when it happens");
    (e.at, ltt * 1000)
}

/// Unix milliseconds of a moment of the run.
fn unix_ms(s: &Session, t: SimTime) -> i64 {
    s.sim.unix_at(SimTime::ZERO) * 1000 + t.ms() as i64
}

/// The StatefulSet's status after each of its writes in `events`.
fn statuses(events: &[WatchEvent]) -> Vec<(SimTime, Value)> {
    events
        .iter()
        .filter(|e| e.key.kind == Kind::StatefulSet && e.key.name == "db")
        .map(|e| (e.at, e.obj.get("status").cloned().unwrap_or(Value::Null)))
        .collect()
}

fn count(status: &Value, field: &str) -> i64 {
    status.get(field).and_then(Value::as_i64).unwrap_or(0)
}

/// `processReplica` (stateful_set_control.go, v1.26), monotonic: `db-1` is not created until
/// `db-0` is `isRunningAndAvailable(pod, 10)`, i.e. Ready since its lastTransitionTime for 10 s,
/// and the controller wakes itself for that moment (`enqueueSSAfter` in stateful_set.go) rather
/// than waiting for some other event.
#[test]
fn ordered_ready_creates_the_next_pod_once_the_previous_has_been_ready_for_min_ready_seconds() {
    let mut s = session_with("minReadySeconds: 10");
    let events = apply_and_settle(&mut s);
    for n in 1..3 {
        let (ready, ltt_ms) = ready_at(&s, &events, &format!("db-{}", n - 1));
        let created = created_at(&events, &format!("db-{n}"));
        assert!(
            unix_ms(&s, created) >= ltt_ms + 10_000,
            "db-{n} created at {created}, before db-{} had been Ready for 10 s (since {ready})",
            n - 1
        );
        let waited = created.ms() - ready.ms();
        assert!((9_000..=11_000).contains(&waited), "db-{n} came {waited} ms after db-{} was Ready", n - 1);
    }
    let out = run(&mut s, "kubectl get pods -o name");
    assert_eq!(out, "pod/db-0\npod/db-1\npod/db-2\n");
}

/// `computeReplicaStatus` (stateful_set_control.go, v1.26): a pod counts in readyReplicas when it
/// is Running and Ready, and in availableReplicas only once it is `isRunningAndAvailable`; so
/// availableReplicas reaches each count about minReadySeconds after readyReplicas did.
#[test]
fn available_replicas_lag_ready_replicas_by_min_ready_seconds() {
    let mut s = session_with("minReadySeconds: 10");
    let events = apply_and_settle(&mut s);
    let st = statuses(&events);
    let first = |field: &str, k: i64| st.iter().find(|(_, v)| count(v, field) >= k).map(|(t, _)| *t).unwrap();
    for k in 1..=3 {
        let (ready, available) = (first("readyReplicas", k), first("availableReplicas", k));
        let lag = available.ms() - ready.ms();
        assert!((9_000..=11_000).contains(&lag), "availableReplicas {k} came {lag} ms after readyReplicas {k}");
    }
    assert!(st.iter().all(|(_, v)| count(v, "availableReplicas") <= count(v, "readyReplicas")), "{st:?}");
    let last = &st.last().unwrap().1;
    assert_eq!((count(last, "readyReplicas"), count(last, "availableReplicas")), (3, 3), "{last}");
}

/// An OrderedReady rolling update replaces the highest ordinal first and moves to the next lower
/// one only after the updated pod is available: `processReplica` stops the pass at a replica
/// that is not `isRunningAndAvailable`, before the update loop of `updateStatefulSet`
/// (stateful_set_control.go, v1.26) deletes the next old-revision pod.
#[test]
fn a_rolling_update_moves_down_only_after_the_updated_pod_has_been_available_for_min_ready_seconds() {
    let mut s = session_with("minReadySeconds: 10");
    apply_and_settle(&mut s);
    let c = s.sim.store.cursor();
    run(&mut s, "kubectl set image sts/db c=nginx:1.23");
    s.sim.run_until_idle(600_000);
    let events = s.sim.store.events_since(c).to_vec();
    let new_ready = |n: i64| {
        let name = format!("db-{n}");
        let recreated = created_at(&events, &name);
        let after: Vec<WatchEvent> = events.iter().filter(|e| e.at >= recreated).cloned().collect();
        ready_at(&s, &after, &name)
    };
    let condemned_at = |n: i64| {
        let name = format!("db-{n}");
        events
            .iter()
            .find(|e| is_pod(e, &name) && (e.ty == WatchType::Deleted || obj::is_deleting(&e.obj)))
            .unwrap_or_else(|| panic!("{name} replaced"))
            .at
    };
    assert!(condemned_at(2) < condemned_at(1) && condemned_at(1) < condemned_at(0), "highest ordinal first");
    for n in [2, 1] {
        let (ready, ltt_ms) = new_ready(n);
        let next = condemned_at(n - 1);
        assert!(
            unix_ms(&s, next) >= ltt_ms + 10_000,
            "db-{} deleted at {next}, before the updated db-{n} had been Ready for 10 s (since {ready})",
            n - 1
        );
        let waited = next.ms() - ready.ms();
        assert!((9_000..=11_000).contains(&waited), "db-{} went {waited} ms after db-{n} was Ready", n - 1);
    }
    let images = run(&mut s, "kubectl get pods -o jsonpath={.items[*].spec.containers[0].image}");
    assert_eq!(images, "nginx:1.23 nginx:1.23 nginx:1.23");
}

/// With `minReadySeconds: 0` (the default) a Ready pod is available at once: the same pods,
/// created and deleted at the same moments, and the same statuses, as a set that does not name
/// the field; while no pod is terminating, availableReplicas equals readyReplicas.
#[test]
fn min_ready_seconds_zero_changes_nothing() {
    let trace = |min_ready: &str| {
        let mut s = session_with(min_ready);
        let start = apply_and_settle(&mut s);
        let c = s.sim.store.cursor();
        run(&mut s, "kubectl set image sts/db c=nginx:1.23");
        s.sim.run_until_idle(600_000);
        let update = s.sim.store.events_since(c).to_vec();
        (s, start, update)
    };
    let (s, zero_start, zero_update) = trace("minReadySeconds: 0");
    let (_, absent_start, absent_update) = trace("");
    let pods = |events: &[WatchEvent]| -> Vec<(u64, WatchType, String)> {
        events.iter().filter(|e| e.key.kind == Kind::Pod).map(|e| (e.at.ms(), e.ty, e.key.name.clone())).collect()
    };
    assert_eq!(pods(&zero_start), pods(&absent_start));
    assert_eq!(pods(&zero_update), pods(&absent_update));
    assert_eq!(statuses(&zero_start), statuses(&absent_start));
    assert_eq!(statuses(&zero_update), statuses(&absent_update));
    for (t, st) in statuses(&zero_start) {
        assert_eq!(count(&st, "availableReplicas"), count(&st, "readyReplicas"), "at {t}: {st}");
    }
    // Without the wait, db-1 follows db-0's Ready at once.
    let (ready, _) = ready_at(&s, &zero_start, "db-0");
    assert!(created_at(&zero_start, "db-1").ms() - ready.ms() < 1_000);
}

/// `processCondemned` (stateful_set_control.go, v1.26), monotonic: a condemned pod that is Ready
/// but not yet `isRunningAndAvailable` blocks the scale-down unless it is the first unhealthy
/// pod, and a Ready pod is not unhealthy (`isHealthy`); so it goes once it is available.
#[test]
fn scale_down_waits_for_a_condemned_pod_to_become_available() {
    let mut s = session_with("minReadySeconds: 10");
    apply_and_settle(&mut s);
    let c = s.sim.store.cursor();
    run(&mut s, "kubectl scale sts db --replicas=4");
    let ready_db3 = loop {
        assert!(s.sim.step(), "db-3 becomes Ready");
        if s.sim.get(Kind::Pod, "default", "db-3").is_some_and(kubelab::sim::kubelet::is_running_and_ready) {
            break s.sim.now();
        }
    };
    s.sim.run_until(ready_db3.plus_ms(2_000));
    run(&mut s, "kubectl scale sts db --replicas=3");
    let scaled = s.sim.now();
    s.sim.run_until_idle(600_000);
    let events = s.sim.store.events_since(c).to_vec();
    let (_, ltt_ms) = ready_at(&s, &events, "db-3");
    let gone = events
        .iter()
        .find(|e| is_pod(e, "db-3") && (e.ty == WatchType::Deleted || obj::is_deleting(&e.obj)))
        .expect("db-3 scaled away")
        .at;
    assert!(gone > scaled, "db-3 was not deleted at once ({gone}, scaled at {scaled})");
    assert!(unix_ms(&s, gone) >= ltt_ms + 10_000, "db-3 deleted at {gone}, before it was available");
    assert!(gone.ms() - ready_db3.ms() <= 11_000, "db-3 deleted at {gone}, long after it was available");
    assert!(!events.iter().any(|e| is_pod(e, "db-4")), "no db-4 was ever made");
}
