//! Shared test helpers: run a replay script in memory, and compare a transcript with real
//! cluster output, masking only what is random (AGE within ±2 s, PV uids, hash suffixes, IPs
//! within their node's block).

#![allow(dead_code)]

use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

/// The files a script can `-f`: the lesson files of the repository, in root's home, with the
/// seed's `web.yaml` and `web-parallel.yaml` beside them as the seed had downloaded them.
pub fn files_loader() -> kubelab::lab::session::Loader {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/files");
    std::rc::Rc::new(move |p: &str| {
        let rel = kubelab::lab::session::under_home(p)?;
        let seed = dir.join("examples/application/web");
        std::fs::read(dir.join(rel)).or_else(|_| std::fs::read(seed.join(rel))).ok()
    })
}

/// Replays a script on the seed cluster with `seed`.
pub fn replay(script: &str, seed: u64) -> String {
    let mut s = Session::new(SimConfig::seeded(seed)).with_loader(files_loader());
    kubelab::lab::replay::run_script(&mut s, script)
}

/// The output of the command line `cmd` in a transcript (up to the next `$ ` line).
pub fn output_of<'a>(transcript: &'a str, cmd: &str) -> &'a str {
    nth_output_of(transcript, cmd, 0)
}

/// The output of the `n`-th (from 0) run of the command line `cmd`.
pub fn nth_output_of<'a>(transcript: &'a str, cmd: &str, n: usize) -> &'a str {
    let marker = format!("$ {cmd}\n");
    let mut from = 0;
    for _ in 0..n {
        from += transcript[from..].find(&marker).unwrap_or_else(|| panic!("fewer than {} runs of `{cmd}`", n + 1))
            + marker.len();
    }
    let start = from
        + transcript[from..]
            .find(&marker)
            .unwrap_or_else(|| panic!("no run {n} of `{cmd}` in transcript:\n{transcript}"))
        + marker.len();
    if transcript[start..].starts_with("$ ") {
        return "";
    }
    let end = transcript[start..].find("\n$ ").map(|e| start + e + 1).unwrap_or(transcript.len());
    &transcript[start..end]
}

/// Expands tabs to 8-column stops, as a terminal (and the blog's copy of it) shows them.
pub fn expand_tabs(text: &str) -> String {
    text.lines()
        .map(|l| {
            let mut out = String::new();
            for c in l.chars() {
                if c == '\t' {
                    let n = 8 - out.chars().count() % 8;
                    out.extend(std::iter::repeat_n(' ', n));
                } else {
                    out.push(c);
                }
            }
            out + "\n"
        })
        .collect()
}

fn age_secs(tok: &str) -> Option<i64> {
    kubelab::support::duration::parse_human(tok)
}

fn is_pv_name(t: &str) -> bool {
    t.len() == 40 && t.starts_with("pvc-") && t[4..].chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

fn ip_block(t: &str) -> Option<String> {
    let parts: Vec<&str> = t.split('.').collect();
    (parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok())).then(|| parts[..3].join("."))
}

/// Compares one token: equal, or both AGEs within `age_tol` seconds (the expected in minutes
/// allows a minute's worth), or both PV names, or IPs in the same /24.
fn token_matches(actual: &str, expected: &str, age_tol: i64) -> bool {
    if actual == expected {
        return true;
    }
    if let (Some(a), Some(e)) = (age_secs(actual), age_secs(expected)) {
        let tol = if expected.ends_with('m') { 60 } else { age_tol };
        return (a - e).abs() <= tol;
    }
    if is_pv_name(actual) && is_pv_name(expected) {
        return true;
    }
    if let (Some(a), Some(e)) = (ip_block(actual), ip_block(expected)) {
        return a == e;
    }
    false
}

/// Asserts that `actual` has the same lines as the real output `expected` (leading whitespace
/// of the blog's indentation removed), token by token under the masks above, and with the
/// same column alignment up to the last token.
#[track_caller]
pub fn assert_like_real(actual: &str, expected: &str) {
    let exp: Vec<&str> = expected.lines().map(str::trim_start).filter(|l| !l.is_empty()).collect();
    let act: Vec<&str> = actual.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        act.len(),
        exp.len(),
        "line count differs\n--- actual\n{actual}\n--- expected (real cluster)\n{}",
        exp.join("\n")
    );
    for (a, e) in act.iter().zip(&exp) {
        let at: Vec<&str> = a.split_whitespace().collect();
        let et: Vec<&str> = e.split_whitespace().collect();
        let ok = at.len() == et.len() && at.iter().zip(&et).all(|(x, y)| token_matches(x, y, 2));
        assert!(
            ok,
            "line differs\n  actual:   {a}\n  expected: {e}\n--- actual\n{actual}\n--- expected\n{}",
            exp.join("\n")
        );
        // Alignment: where each token starts, except the last one.
        let starts = |l: &str| -> Vec<usize> {
            let mut v = Vec::new();
            let mut prev_space = true;
            for (i, c) in l.char_indices() {
                if c != ' ' && prev_space {
                    v.push(i);
                }
                prev_space = c == ' ';
            }
            v.pop();
            v
        };
        assert_eq!(starts(a), starts(e), "column alignment differs\n  actual:   {a}\n  expected: {e}");
    }
}

/// Asserts that the expected real lines are the first lines of `actual` (the blog cut the rest).
#[track_caller]
pub fn assert_prefix_like_real(actual: &str, expected: &str) {
    let n = expected.lines().filter(|l| !l.trim().is_empty()).count();
    let head: String = actual.lines().filter(|l| !l.trim().is_empty()).take(n).map(|l| format!("{l}\n")).collect();
    assert_like_real(&head, expected);
}
