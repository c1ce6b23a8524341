//! The store's watch cache bounded as the API server's (issue 12, item 1): a window per kind,
//! sized as `watch_cache.go` sizes it; a watch that falls behind its kind's window ends as
//! kubectl's does (`get -w` quietly, `rollout status` by listing again); and a long sleep
//! polls every terminal's watch, so it keeps up with bounded memory, its output waiting in
//! the terminal up to a cap. Expected lines are kubectl's formats (rollout_status.go's status
//! viewer, the pod table's columns) and the kubelet's back-off (10 s doubling to 5 min).

use kubelab::lab::session::{Session, PENDING_BYTES};
use kubelab::sim::{Kind, SimConfig};

/// A session whose terminals are live, as the page's: a watch holds its terminal.
fn live() -> Session {
    let mut s = Session::new(SimConfig::seeded(1));
    s.live = true;
    s
}

fn run(s: &mut Session, t: usize, line: &str) -> String {
    let (out, _) = s.run_line_in(t, line);
    out.text()
}

/// Terminal 0 makes a kind change faster than its window keeps, in one line that runs the clock
/// without looking at the other terminals (a `kubectl wait` that is not the line's last command
/// follows its objects itself): a change now, then, 80 s later (past `eventFreshDuration`,
/// 75 s), 120 more in the same instant, so the window is full with its oldest stale and lets
/// it go.
fn outrun(s: &mut Session, first: &str, then: &str) {
    let wait = "kubectl wait --for=jsonpath='{.metadata.name}'=never configmap/kube-root-ca.crt --timeout=80s";
    let out = run(s, 0, &format!("{first}; {wait}; for i in $(seq 120); do {then} >/dev/null; done"));
    assert!(out.ends_with("error: timed out waiting for the condition on configmaps/kube-root-ca.crt\n"), "{out}");
}

const DEPLOY: &str = "kubectl create deployment web --image=nginx --replicas=3";

#[test]
fn rollout_status_followed_in_step_prints_each_change() {
    // The control for the next test: polled as the page polls, every change is a line.
    let mut s = live();
    run(&mut s, 0, DEPLOY);
    let first = run(&mut s, 1, "kubectl rollout status deployment/web");
    assert_eq!(first, "Waiting for deployment \"web\" rollout to finish: 0 of 3 updated replicas are available...\n");
    assert!(s.busy(1));
    let mut seen = String::new();
    while s.busy(1) && s.sim.now().ms() < 600_000 {
        assert_eq!(s.sleep(1000), None);
        seen.push_str(&s.poll(1).text());
    }
    assert!(seen.contains("1 of 3 updated replicas are available...\n"), "{seen}");
    assert!(seen.ends_with("deployment \"web\" successfully rolled out\n"), "{seen}");
}

#[test]
fn rollout_status_that_fell_behind_lists_again_and_still_ends() {
    let mut s = live();
    run(&mut s, 0, DEPLOY);
    run(&mut s, 1, "kubectl rollout status deployment/web");
    let behind = s.sim.store.cursor();
    // Terminal 0's line runs the clock itself: terminal 1 is not looked at meanwhile.
    outrun(&mut s, "kubectl create deployment other --image=nginx", "kubectl annotate deploy other n=$i --overwrite");
    let e = s.sim.store.watch(Kind::Deployment, behind).err().expect("the window let go of web's changes");
    assert!(e.to_string().starts_with(&format!("too old resource version: {behind} (")), "{e}");
    // The informer lists again: one MODIFIED for web as it is now, rolled out; the changes in
    // between are not seen, and the rollout ends there.
    let (out, ended) = s.poll_ended(1);
    assert_eq!(out.text(), "deployment \"web\" successfully rolled out\n");
    assert!(ended && !s.busy(1));
}

#[test]
fn rollout_status_that_fell_behind_an_object_deleted_meanwhile_says_so() {
    let mut s = live();
    run(&mut s, 0, DEPLOY);
    run(&mut s, 1, "kubectl rollout status deployment/web");
    outrun(&mut s, "kubectl delete deployment web", "kubectl create deployment d$i --image=nginx");
    // The relist does not have it: the informer's Replace hands it to OnDelete.
    let (out, ended) = s.poll_ended(1);
    assert_eq!(out.stderr(), "error: object has been deleted\n");
    assert!(ended && !s.busy(1));
}

#[test]
fn get_watch_that_fell_behind_ends_quietly_and_gives_the_terminal_back() {
    let mut s = live();
    let listed = run(&mut s, 1, "kubectl get configmaps -w");
    assert!(listed.starts_with("NAME               DATA   AGE\nkube-root-ca.crt   1      "), "{listed}");
    assert!(s.busy(1));
    outrun(&mut s, "kubectl create configmap first", "kubectl create configmap c$i");
    // The API server closed the watch; get.go ignores UntilWithoutRetry's ErrWatchClosed.
    let (out, ended) = s.poll_ended(1);
    assert_eq!(out.text(), "");
    assert!(ended && !s.busy(1));
    // The terminal runs lines again.
    assert_eq!(run(&mut s, 1, "echo back"), "back\n");
}

#[test]
fn get_watch_in_step_sees_every_change_of_the_same_churn() {
    // The control for the test above: the same churn, with the clock run by a `sleep` in the
    // line, which keeps the other terminals' jobs reading as it goes.
    let mut s = live();
    run(&mut s, 1, "kubectl get configmaps -w");
    run(&mut s, 0, "kubectl create configmap first; sleep 80; for i in $(seq 120); do kubectl create configmap c$i >/dev/null; done");
    let seen = s.poll(1).text();
    assert!(s.busy(1));
    assert_eq!(seen.lines().count(), 121, "{seen}");
    assert!(seen.starts_with("first              0      0s\n"), "{seen}");
}

/// The pod's restarts in a watch row or a `get pods` row (`290 (1s ago)` → 290).
fn restarts(row: &str) -> u32 {
    row.split_whitespace().nth(3).and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[test]
fn a_watch_over_a_day_long_sleep_keeps_up_with_a_crash_loop_in_bounded_memory() {
    let mut s = live();
    run(&mut s, 0, "kubectl run crash --image=busybox -- sh -c 'echo boom; exit 1'");
    run(&mut s, 1, "kubectl get pods -w");
    // `@sleep 24h` in a replay.
    assert_eq!(s.sleep(86_400_000), None, "the day passed within the work allowance");
    // The watch read as it went: the store keeps nothing it has read, nor any kind no watch
    // follows (without the minute-by-minute polls it would hold the day's changes, or, past
    // its window, have been ended).
    assert_eq!(s.sim.store.log_len(), 0);
    assert!(s.busy(1));
    let seen = s.poll(1).text();
    let rows: Vec<&str> = seen.lines().collect();
    // A row per change of the pod, in kubectl's columns, never the header again.
    assert!(rows.iter().all(|r| r.starts_with("crash ") && r.split_whitespace().nth(1) == Some("0/1")), "{seen}");
    assert!(rows.windows(2).all(|w| restarts(w[0]) <= restarts(w[1])), "{seen}");
    let statuses = ["ContainerCreating", "Error", "CrashLoopBackOff"];
    assert!(rows.iter().all(|r| statuses.contains(&r.split_whitespace().nth(2).unwrap_or(""))), "{seen}");
    // The kubelet's back-off: 10 s doubling to 5 min, so after the first five restarts
    // (10+20+40+80+160 s) one restart per 5 min and a few seconds of run: 5 + 86,090/300 = 291
    // at most, 5 + 86,090/305 = 287 at least.
    let last = rows.last().copied().unwrap_or("");
    assert!((287..=291).contains(&restarts(last)), "{last}");
    // Its last row is the pod as it is.
    let now = run(&mut s, 0, "kubectl get pods --no-headers");
    assert_eq!(restarts(&now), restarts(last), "{now} / {last}");
}

#[test]
fn what_a_watch_prints_while_nobody_looks_is_capped_keeping_the_newest() {
    let mut s = live();
    run(&mut s, 0, "kubectl run crash --image=busybox -- sh -c 'echo boom; exit 1'");
    run(&mut s, 1, "kubectl get pods -w -o yaml");
    assert_eq!(s.sleep(86_400_000), None, "the day passed within the work allowance");
    let seen = s.poll(1).text();
    // A day of pod YAML is more than the cap: the oldest whole lines went.
    assert!(seen.len() <= PENDING_BYTES && seen.len() > PENDING_BYTES - 8192, "{}", seen.len());
    assert!(!seen.starts_with("apiVersion: v1\nkind: Pod\n"), "cut from the front");
    // The newest is all there: the pod as `get -o yaml` prints it now, then the separator.
    let now = run(&mut s, 0, "kubectl get pod crash -o yaml");
    assert!(seen.ends_with(&format!("{now}---\n")));
    // Once shown, the terminal's pending output is empty again.
    assert_eq!(s.poll(1).text(), "");
}
