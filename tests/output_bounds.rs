//! Issue 12, items 5 and 8: what one step of a container's process may hold. A process that
//! prints without sleeping runs until the step's work budget ends it, and what it printed is its
//! log, of which the kubelet keeps at most one 10 MiB file. Found by the fuzz run of session 8
//! (`sleep$1` is `sleep` with no operand: the loop never sleeps): one step grew the process by
//! 366 MB, holding all it printed three times over. This file holds one test so that the process's
//! memory is its alone to measure.

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

/// The process's peak resident memory so far in bytes (`VmHWM` in `/proc/self/status`).
fn peak_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    kb.unwrap_or(0) * 1024
}

#[test]
fn a_process_that_prints_without_sleeping_holds_what_its_log_keeps() {
    let mut s = Session::new(SimConfig::seeded(1)).with_loader(common::files_loader());
    let before = peak_bytes();
    let line = "kubectl run big --image=busybox -- sh -c 'x=a; for i in $(seq 20); do x=$x$x; done; while true; do echo $x; sleep$1; done'";
    assert_eq!(s.run_line(line).0.text(), "pod/big created\n");
    s.sim.advance(10_000);
    let grew = peak_bytes().saturating_sub(before);
    assert!(grew < 150 << 20, "the peak grew by {} MiB", grew >> 20);
    // Each line is 1 MiB: the current log file holds fewer than ten of them (the tenth takes it
    // to 10 MiB with the runtime's prefixes, and the kubelet rotates it).
    let lines: usize = s.run_line("kubectl logs big | wc -l").0.text().trim().parse().unwrap();
    assert!(lines < 11, "{lines}");
}
