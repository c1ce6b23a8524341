//! Issue 12, items 5 and 8: what one line holds of what a command in a container prints. Found
//! by the fuzz run of session 9 (run 722,800 of the kubectl target): a script in `kubectl exec`
//! that doubles a variable and runs it as a command name writes about 100 MiB of `not found`
//! errors within the line's work budget, and the exec's stream, kubectl's report and the line's
//! output each held all of it (the process's peak grew by 290 MB). Now the exec's stream and the
//! line's output keep their last 16 to 32 MiB, as a terminal keeps the end of what scrolled past. One
//! test in this file, so that the process's memory is its alone to measure.

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

/// The process's peak resident memory so far in bytes (`VmHWM` in `/proc/self/status`).
fn peak_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status.lines().find_map(|l| l.strip_prefix("VmHWM:"));
    kb.and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok()).unwrap_or(0) * 1024
}

#[test]
fn a_line_keeps_the_end_of_what_a_command_in_a_container_prints() {
    let mut s = Session::new(SimConfig::seeded(1)).with_loader(common::files_loader());
    s.write_file("web.yaml", include_str!("../lessons/files/examples/application/web/web.yaml"));
    s.run_line("kubectl apply -f web.yaml");
    s.sim.advance(60_000);
    let before = peak_bytes();
    let line =
        "kubectl exec web-0 -- sh -c 'x=a; while true; do x=$x$x; dox$x; dox$x; dox$x; dox$x; dox$x; dox$x; done'";
    let (out, code) = s.run_line(line);
    let grew = peak_bytes().saturating_sub(before);
    assert!(grew < 150 << 20, "the peak grew by {} MiB", grew >> 20);
    let text = out.text();
    // At least its last 16 MiB, at most twice that (the front is cut when it reaches 32).
    assert!(text.len() <= 32 << 20, "{}", text.len());
    // The end is kept: the lab's words when the script passed its line's work budget, and
    // kubectl's for the status it ended with.
    let end = &text[text.len().saturating_sub(400)..];
    let words = ": not found\nkubelab: line stopped: it passed the lab's work budget of 500000 steps (a builtin is a step, a program 50, and 256 bytes of text one)\ncommand terminated with exit code 1\n";
    assert!(end.ends_with(words), "{end}");
    assert_eq!(code, 1);
}
