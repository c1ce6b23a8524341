//! Issue 12, item 5: the shell and the programs in pods are bounded. Each probe that took the
//! lab down (abort at 4 GB, exponential or quadratic time, an endless read, a log growing without
//! end) is typed here as a learner would, through a terminal line, and ends with the shell's or
//! the tool's words (or a Kubelab message where the real tool would run for hours), in bounded
//! time. Time bounds are loose: a debug build on a busy machine.

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;
use std::time::{Duration, Instant};

const SLOW: Duration = Duration::from_secs(60);

fn session() -> Session {
    Session::new(SimConfig::seeded(1)).with_loader(common::files_loader())
}

/// Runs `line` and returns what it printed, checking that it took less than [`SLOW`].
fn run(s: &mut Session, line: &str) -> String {
    let started = Instant::now();
    let out = s.run_line(line).0.text();
    assert!(started.elapsed() < SLOW, "{line:.60}: {:?}", started.elapsed());
    out
}

#[test]
fn a_doubled_variable_ends_in_bashs_words() {
    let mut s = session();
    let out = run(&mut s, "x=a; for i in $(seq 32); do x=$x$x; done; echo ${#x}");
    assert_eq!(out, "bash: xrealloc: cannot allocate 33554432 bytes\n");
    assert_eq!(run(&mut s, "echo $? ${#x}"), "2 16777216\n");
}

#[test]
fn brace_expansion_is_refused_before_it_is_made() {
    let mut s = session();
    let word = "{a,b}".repeat(24);
    let out = run(&mut s, &format!("echo {word} | wc -c"));
    assert_eq!(out, "bash: brace expansion: failed to allocate memory for 16777216 elements\n121\n");
    assert_eq!(run(&mut s, "echo {1..9223372036854775807}"), "{1..9223372036854775807}\n");
    assert_eq!(run(&mut s, "echo web-{0..2}"), "web-0 web-1 web-2\n");
}

#[test]
fn long_here_documents_open_quotes_and_blocks_are_read_in_linear_time() {
    let lines: String = (0..40_000).map(|i| format!("line {i}\n")).collect();
    let echoes: String = (0..40_000).map(|i| format!("echo line {i}\n")).collect();
    for (script, want) in [
        (format!("cat <<EOF | wc -l\n{lines}EOF\n"), "40000\n"),
        (format!("echo \"start\n{lines}end\" | wc -l\n"), "40002\n"),
        (format!("{{\n{echoes}}} | wc -l\n"), "40000\n"),
    ] {
        let started = Instant::now();
        let transcript = common::replay(&script, 1);
        assert!(started.elapsed() < SLOW, "{:?}", started.elapsed());
        assert!(transcript.ends_with(&format!("\n{want}")), "{:?}", &transcript[transcript.len() - 40..]);
    }
}

#[test]
fn endless_sources_and_pipes_are_bounded() {
    let mut s = session();
    let out = run(&mut s, "cat /dev/zero | wc -c");
    assert_eq!(out, "kubelab: cat: /dev/zero never ends; the lab stopped reading it after 16777216 bytes\n16777216\n");
    // 16 MiB is the most a value holds; a word of two is refused.
    let out = run(&mut s, "x=a; for i in $(seq 24); do x=$x$x; done; echo $x$x | wc -c");
    assert_eq!(out, "bash: xrealloc: cannot allocate 33554432 bytes\n");
    let out = run(&mut s, "echo $x | wc -c");
    assert_eq!(
        out,
        "kubelab: a pipe holds at most 16777216 bytes here; the rest of its writer's output was dropped\n16777216\n"
    );
}

#[test]
fn a_line_in_a_pod_is_bounded_in_its_shells_words() {
    let mut s = session();
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    // nginx's image is Debian: its sh is dash.
    let out = run(&mut s, "kubectl exec web-0 -- sh -c 'x=a; while true; do x=$x$x; done'");
    assert_eq!(out, "sh: 1: Out of space\ncommand terminated with exit code 2\n");
    let out = run(&mut s, "kubectl exec web-0 -- cat /dev/zero | wc -c");
    let stopped = "kubelab: cat: /dev/zero never ends; the lab stopped reading it after 16777216 bytes\n";
    assert_eq!(out, format!("{stopped}command terminated with exit code 1\n16777216\n"));
}

#[test]
fn a_chatty_containers_log_rotates_at_10_mib() {
    let mut s = session();
    let chatty = "kubectl run big --image=busybox -- sh -c 'x=a; for i in $(seq 20); do x=$x$x; done; while true; do echo $x; sleep 1; done'";
    assert_eq!(run(&mut s, chatty), "pod/big created\n");
    let started = Instant::now();
    s.sim.advance(125_000);
    assert!(started.elapsed() < SLOW, "{:?}", started.elapsed());
    // Each line is 1 MiB and its CRI prefix: every tenth one takes the file to 10 MiB and the
    // kubelet rotates it; `kubectl logs` reads the current file only.
    let lines: usize = run(&mut s, "kubectl logs big | wc -l").trim().parse().unwrap();
    assert!((1..10).contains(&lines), "{lines}");
    assert_eq!(run(&mut s, "kubectl get pod big --no-headers | wc -l"), "1\n");
}

#[test]
fn a_container_that_sleeps_a_millisecond_a_round_advances_in_bounded_work() {
    let mut s = session();
    let spin = "kubectl run spin --image=busybox -- sh -c 'while true; do echo x; sleep 0.001; done'";
    assert_eq!(run(&mut s, spin), "pod/spin created\n");
    // Ten virtual minutes are 600,000 rounds; they took 10 s natively (a step each millisecond)
    // before short sleeps were gathered into steps of 100 ms.
    let started = Instant::now();
    s.sim.advance(600_000);
    assert!(started.elapsed() < SLOW, "{:?}", started.elapsed());
    assert_eq!(run(&mut s, "kubectl logs spin | wc -l"), "5000\n");
    assert_eq!(run(&mut s, "kubectl logs spin --tail=1"), "x\n");
}

const BUDGET_WORDS: &str =
    " of virtual time: it passed the lab's work budget of 100000 steps (a step is a container waking up, a kubelet or volume action)\n";

/// Whether `text` is the lab's message for `what` (`line`, `@sleep`) stopped after `hours`.
fn stopped_after(text: &str, what: &str, hours: u64) -> bool {
    text == format!("kubelab: {what} stopped waiting after {hours}h{BUDGET_WORDS}")
}

#[test]
fn a_long_wait_beside_a_busy_container_stops_at_the_lines_work_budget() {
    let mut s = session();
    let busy = "kubectl run spin --image=busybox -- sh -c 'while true; do echo x; sleep 1; done'";
    assert_eq!(run(&mut s, busy), "pod/spin created\n");
    let before = s.sim.now();
    // The pod is never deleted: kubectl would wait 1,000 hours, a wake-up of the loop a second.
    let (out, code) = s.run_line("kubectl wait --for=delete pod/spin --timeout=1000h");
    assert_eq!(code, 130, "ended as Ctrl-C ends it");
    // A wake-up a second, and a few kubelet steps: about a day.
    let waited_h = (s.sim.now().ms() - before.ms()) / 3_600_000;
    assert!((24..30).contains(&waited_h), "{waited_h}");
    assert!(stopped_after(&out.text(), "line", waited_h), "{}", out.text());
    // The next line has its own budget, and the cluster is as the wait left it.
    assert_eq!(run(&mut s, "kubectl get pod spin --no-headers | awk '{print $3}'"), "Running\n");
    // A wait that ends on its own is not stopped: a pod deleted is gone within its grace period.
    assert_eq!(run(&mut s, "kubectl delete pod spin --grace-period=1"), "pod \"spin\" deleted\n");
}

#[test]
fn a_scripts_long_sleep_beside_a_busy_container_says_where_it_stopped() {
    let mut s = session();
    let busy = "kubectl run spin --image=busybox -- sh -c 'while true; do echo x; sleep 1; done'";
    assert_eq!(run(&mut s, busy), "pod/spin created\n");
    let before = s.sim.now();
    let said = s.sleep(1000 * 3_600_000).unwrap_or_default();
    let slept_h = (s.sim.now().ms() - before.ms()) / 3_600_000;
    assert!((24..30).contains(&slept_h), "{slept_h}");
    assert!(stopped_after(&said, "@sleep", slept_h), "{said}");
    // Without a busy container an hour's sleep is a handful of steps.
    let mut quiet = session();
    let t0 = quiet.sim.now().ms();
    assert_eq!(quiet.sleep(1000 * 3_600_000), None);
    assert_eq!(quiet.sim.now().ms(), t0 + 1000 * 3_600_000);
}
