//! A pod the scheduler cannot place, over virtual time: when it is tried again and what its
//! FailedScheduling events show.
//!
//! Expected values follow upstream's rules, not this model's output:
//! - kube-scheduler's queue (`pkg/scheduler/internal/queue/scheduling_queue.go`): a failed pod
//!   waits in the unschedulable pool; `flushUnschedulablePodsLeftover` runs every 30 s and moves
//!   the pods that have waited more than `podMaxInUnschedulablePodsDuration` (5 min); a cluster
//!   event moves the pods it could help (a node only if `preCheckForNode` admits them there),
//!   to the back-off queue while their back-off lasts (1 s, doubling, 10 s at most), flushed
//!   every second.
//! - `handleSchedulingFailure` records FailedScheduling about the pod as it was popped (its
//!   resourceVersion included) and writes its PodScheduled condition only when it changes.
//! - client-go `tools/events/event_broadcaster.go`: an event whose key (action, reason,
//!   reporting controller, the object reference with its resourceVersion; from v1.27 also type
//!   and reporting instance) was recorded before makes it a series, written at once, of count
//!   1 (v1.26) or 2 (v1.27 on, kubernetes/kubernetes#112334); later ones bump the cached count,
//!   written by `refreshExistingEventSeries` every 30 min and by `finishSeries` (every 6 min)
//!   once the series has not been observed for 6 min.
//! - kubectl (`DescribeEvents`, `kubectl events`): `LAST (xCOUNT over FIRST)` from the series;
//!   the API server's `printEvent` (`get events`): LAST SEEN is the series' last observed
//!   time, COUNT its count.

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::{obj, Kind, Profile, SimConfig, SimTime};

const MIN: u64 = 60_000;

fn session(version: &str) -> Session {
    let profile = Profile { kubernetes_version: version.to_string(), ..Profile::default() };
    Session::new(SimConfig { seed: 1, profile }).with_loader(common::files_loader())
}

fn run(s: &mut Session, line: &str) -> String {
    s.run_line(line).0.stdout()
}

/// Lets virtual time run to `ms` after the start.
fn at(s: &mut Session, ms: u64) {
    s.sim.run_until(SimTime(ms));
}

/// A pod that asks for a node label no node has (applied at the start).
fn picky_pod(s: &mut Session) {
    s.write_file(
        "picky.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: picky\nspec:\n  nodeSelector:\n    disk: ssd\n  containers:\n  - name: c\n    image: nginx\n",
    );
    run(s, "kubectl apply -f picky.yaml");
}

/// The Age column of describe's FailedScheduling rows, in order.
fn failed_ages(s: &mut Session, pod: &str) -> Vec<String> {
    let out = run(s, &format!("kubectl describe pod {pod}"));
    let rows = out.split("\nEvents:\n").nth(1).unwrap_or("").lines().skip(2);
    rows.filter(|r| r.contains("FailedScheduling"))
        .map(|r| r.split("  ").map(str::trim).filter(|c| !c.is_empty()).nth(2).unwrap_or("").to_string())
        .collect()
}

/// v1.26: the first two attempts (at 0 and at the first flush past 5 minutes, 5m30s) make two
/// events, the pod's resourceVersion having changed in between (its condition was written);
/// the third (11m) makes the second a series of 1, written at once; the next ones (16m30s,
/// 22m, 27m30s) only bump it, until the refresh at 30m writes 4.
#[test]
fn a_pod_no_node_matches_is_tried_every_five_and_a_half_minutes_in_one_series() {
    let mut s = session("1.26.0");
    picky_pod(&mut s);
    at(&mut s, 5 * MIN);
    assert_eq!(failed_ages(&mut s, "picky"), ["5m"]);
    at(&mut s, 6 * MIN);
    assert_eq!(failed_ages(&mut s, "picky"), ["6m", "30s"]);
    at(&mut s, 11 * MIN);
    assert_eq!(failed_ages(&mut s, "picky"), ["11m", "0s (x1 over 5m30s)"]);
    at(&mut s, 29 * MIN);
    assert_eq!(failed_ages(&mut s, "picky"), ["29m", "18m (x1 over 23m)"]);
    at(&mut s, 30 * MIN);
    assert_eq!(failed_ages(&mut s, "picky"), ["30m", "2m30s (x4 over 24m)"]);
    // `kubectl events` words the same; `get events` shows the last observation and, wide,
    // the count (FIRST SEEN, COUNT, NAME are the last three cells).
    let rows = run(&mut s, "kubectl events --for pod/picky");
    assert!(rows.lines().any(|l| l.starts_with("2m30s (x4 over 24m)   Warning   FailedScheduling")), "{rows}");
    let wide = run(&mut s, "kubectl get events -o wide --field-selector reason=FailedScheduling");
    let tails: Vec<(String, String, String)> = wide
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            (c[0].to_string(), c[c.len() - 3].to_string(), c[c.len() - 2].to_string())
        })
        .collect();
    let want =
        [("30m", "30m", "1"), ("2m30s", "24m", "4")].map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(tails, want, "{wide}");
    // An hour on, the first event is gone (its one write is more than the TTL old); the series,
    // refreshed every 30 minutes, stays: attempts 3 to 11 (55m) are counted at the 60m refresh.
    at(&mut s, 61 * MIN);
    assert_eq!(failed_ages(&mut s, "picky"), ["6m (x9 over 55m)"]);
}

/// From v1.27 a series starts at 2.
#[test]
fn from_1_27_a_series_starts_at_two() {
    let mut s = session("1.27.0");
    picky_pod(&mut s);
    at(&mut s, 11 * MIN);
    assert_eq!(failed_ages(&mut s, "picky"), ["11m", "0s (x2 over 5m30s)"]);
}

/// A node labelled to match moves the pod at once (the node event, admitted by the
/// pre-check); its series, last observed at 16m30s, is finished at the first 6-minute pass
/// more than 6 minutes later (24m), which writes its count.
#[test]
fn a_matching_node_places_the_pod_at_once_and_the_series_is_finished() {
    let mut s = session("1.26.0");
    picky_pod(&mut s);
    at(&mut s, 17 * MIN);
    assert_eq!(failed_ages(&mut s, "picky"), ["17m", "6m (x1 over 11m)"]);
    run(&mut s, "kubectl label node k8s-w1 disk=ssd");
    let out = run(&mut s, "kubectl describe pod picky");
    assert!(out.contains("  Normal   Scheduled         0s"), "{out}");
    at(&mut s, 24 * MIN - 1);
    assert_eq!(failed_ages(&mut s, "picky"), ["23m", "12m (x1 over 18m)"]);
    at(&mut s, 24 * MIN);
    assert_eq!(failed_ages(&mut s, "picky"), ["24m", "7m30s (x2 over 18m)"]);
}

/// A node change that would not admit the pod does not move it: no attempt, so no second
/// event, until the leftover flush.
#[test]
fn a_node_change_that_cannot_help_is_no_retry() {
    let mut s = session("1.26.0");
    picky_pod(&mut s);
    at(&mut s, MIN);
    run(&mut s, "kubectl label node k8s-w1 disk=hdd");
    at(&mut s, 2 * MIN);
    assert_eq!(failed_ages(&mut s, "picky"), ["2m"]);
    at(&mut s, 6 * MIN);
    assert_eq!(failed_ages(&mut s, "picky"), ["6m", "30s"]);
}

/// A pod whose claim is missing; the claim, created half a second after the first attempt,
/// moves it to the back-off queue: it is tried when its 1 s back-off has passed (the
/// flush at 1 s), and asks for its volume on the node it picked then.
#[test]
fn a_claim_created_during_the_back_off_is_tried_when_it_ends() {
    let mut s = session("1.26.0");
    s.write_file(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - name: d\n      mountPath: /d\n  volumes:\n  - name: d\n    persistentVolumeClaim:\n      claimName: data\n",
    );
    s.write_file(
        "pvc.yaml",
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n",
    );
    run(&mut s, "kubectl apply -f pod.yaml");
    let msg = run(&mut s, "kubectl get pod db -o jsonpath={.status.conditions[0].message}");
    assert!(msg.starts_with("0/4 nodes are available: persistentvolumeclaim \"data\" not found."), "{msg}");
    at(&mut s, 500);
    run(&mut s, "kubectl apply -f pvc.yaml");
    let selected = |s: &Session| {
        s.sim
            .get(Kind::PersistentVolumeClaim, "default", "data")
            .and_then(|c| obj::annotation(c, "volume.kubernetes.io/selected-node"))
            .is_some()
    };
    at(&mut s, 999);
    assert!(!selected(&s));
    at(&mut s, 1_000);
    assert!(selected(&s));
}

/// Past the back-off, a claim created later moves the pod to an attempt at once (not at the
/// next leftover flush).
#[test]
fn a_claim_created_later_is_tried_at_once() {
    let mut s = session("1.26.0");
    s.write_file(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n  - name: c\n    image: nginx\n  volumes:\n  - name: d\n    persistentVolumeClaim:\n      claimName: data\n",
    );
    s.write_file(
        "pvc.yaml",
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n",
    );
    run(&mut s, "kubectl apply -f pod.yaml");
    at(&mut s, 2 * MIN);
    run(&mut s, "kubectl apply -f pvc.yaml");
    let node = s
        .sim
        .get(Kind::PersistentVolumeClaim, "default", "data")
        .and_then(|c| obj::annotation(c, "volume.kubernetes.io/selected-node"))
        .map(String::from);
    assert!(node.is_some_and(|n| n.starts_with("k8s-w")));
}

/// Cost stays bounded (issue 12): a thousand pods nobody can place, for an hour, are tried
/// about every 5.5 minutes each (eleven attempts an hour), not on every change in the cluster,
/// and keep at most two FailedScheduling events each (the first attempt's, and the series).
#[test]
fn a_thousand_pending_pods_for_an_hour_cost_linear_work() {
    let mut s = session("1.26.0");
    s.write_file(
        "d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 1000\n  selector:\n    matchLabels:\n      app: d\n  template:\n    metadata:\n      labels:\n        app: d\n    spec:\n      nodeSelector:\n        disk: ssd\n      containers:\n      - name: c\n        image: nginx\n",
    );
    run(&mut s, "kubectl apply -f d.yaml");
    at(&mut s, MIN);
    let pending = s.sim.store.list(Kind::Pod, Some("default")).count();
    assert_eq!(pending, 1000);
    let (work, wall) = (s.sim.work_done(), std::time::Instant::now());
    at(&mut s, 61 * MIN);
    let work = s.sim.work_done() - work;
    // 1,000 pods × 11 attempts, and the timers and event writes around them.
    assert!(work < 1000 * 11 * 3, "{work} units of work");
    assert!(wall.elapsed().as_secs() < 60, "{:?}", wall.elapsed());
    let failed = s
        .sim
        .store
        .list(Kind::Event, Some("default"))
        .filter(|(_, e)| obj::str_at(e, "/reason") == Some("FailedScheduling"))
        .count();
    assert!((1000..=2000).contains(&failed), "{failed} FailedScheduling events");
    println!(
        "an hour of 1,000 pending pods: {work} units of work, {failed} FailedScheduling events, {:?}",
        wall.elapsed()
    );
}

/// `recordEvent` of a series whose event is gone (deleted here): the patch finds nothing, so
/// the cached event is created again, series and first time included, at the next write.
#[test]
fn a_deleted_series_comes_back_at_its_next_write() {
    let mut s = session("1.26.0");
    picky_pod(&mut s);
    at(&mut s, 12 * MIN);
    run(&mut s, "kubectl delete events --all");
    at(&mut s, 29 * MIN);
    assert!(failed_ages(&mut s, "picky").is_empty());
    at(&mut s, 30 * MIN);
    assert_eq!(failed_ages(&mut s, "picky"), ["2m30s (x4 over 24m)"]);
}
