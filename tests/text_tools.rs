//! The text tools over a session (issue 13, item 10): grep, sed and awk match regular
//! expressions, on the lab machine (GNU's words) and in a busybox container (busybox's).

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

fn lab() -> Session {
    let mut s = Session::new(SimConfig::seeded(1)).with_loader(common::files_loader());
    s.run_line("kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    s
}

fn run(s: &mut Session, line: &str) -> (String, i32) {
    let (out, code) = s.run_line(line);
    (out.text(), code)
}

/// The issue's line: `web-[01]` is a bracket expression (POSIX XBD 9.3.5), so grep prints the
/// lines of both pods, exactly as `kubectl get pods` printed them.
#[test]
fn grep_selects_pods_by_a_bracket_expression() {
    let mut s = lab();
    let (all, _) = run(&mut s, "kubectl get pods");
    let pods: Vec<&str> = all.lines().filter(|l| l.starts_with("web-0 ") || l.starts_with("web-1 ")).collect();
    assert_eq!(pods.len(), 2, "{all}");
    let (out, code) = run(&mut s, "kubectl get pods | grep 'web-[01]'");
    assert_eq!((out, code), (format!("{}\n{}\n", pods[0], pods[1]), 0));
    assert_eq!(run(&mut s, "kubectl get pods -o name | grep -c -E '^pod/web-[0-9]+$'"), ("2\n".into(), 0));
    assert_eq!(run(&mut s, "kubectl get pods -o name | grep -o 'web-[0-9]' | sort -r"), ("web-1\nweb-0\n".into(), 0));
    assert_eq!(run(&mut s, "kubectl get pods -o name | grep -x 'web-0'"), ("".into(), 1));
    // GNU grep: exit status 2 and glibc's words for a bad pattern.
    assert_eq!(run(&mut s, "kubectl get pods | grep 'web-['"), ("grep: Unmatched [, [^, [:, [., or [=\n".into(), 2));
}

/// sed's `s` with groups and `\N` (GNU sed manual, "The s Command") and a `/re/` address.
#[test]
fn sed_rewrites_with_groups_and_addresses() {
    let mut s = lab();
    let (out, code) = run(&mut s, "kubectl get pods -o name | sed 's|pod/\\(web\\)-\\([0-9]\\)|\\2 \\1|'");
    assert_eq!((out.as_str(), code), ("0 web\n1 web\n", 0));
    assert_eq!(run(&mut s, "kubectl get pods -o name | sed -n -E '/-1$/s/pod\\/(.*)/\\1!/p'"), ("web-1!\n".into(), 0));
    // GNU sed's bad_prog counts the characters read (`prog.cur - prog.base`): all 8 of the
    // script, its end read as EOF, which counts none.
    assert_eq!(
        run(&mut s, "echo x | sed 's/\\(x/y/'"),
        ("sed: -e expression #1, char 8: Unmatched ( or \\(\n".into(), 1)
    );
}

/// In a busybox container grep and sed are busybox's: a bad pattern is `xregcomp`'s
/// `bad regex 'PATTERN': MESSAGE` (libbb/xregcomp.c).
#[test]
fn busybox_words_a_bad_pattern_its_own_way() {
    let mut s = lab();
    run(&mut s, "kubectl run -i --tty --image busybox:1.28 t --restart=Never --rm");
    assert_eq!(run(&mut s, "echo web-1 | grep 'web-[01]'"), ("web-1\n".into(), 0));
    assert_eq!(
        run(&mut s, "echo web-1 | grep 'web-['"),
        ("grep: bad regex 'web-[': Unmatched [, [^, [:, [., or [=\n".into(), 2)
    );
    assert_eq!(run(&mut s, "echo web-1 | sed 's/[0-9]*$/x/'"), ("web-x\n".into(), 0));
}

/// `tail -n +N` prints from the Nth line on (POSIX tail: "+number: relative to the beginning"),
/// the usual way to drop a table's header; `-c N` / `-c +N` count bytes the same ways, as
/// `head -c N` does from the start.
#[test]
fn tail_counts_from_the_start_with_a_plus_and_counts_bytes() {
    let mut s = lab();
    let (all, _) = run(&mut s, "kubectl get pods");
    let rows: String = all.lines().skip(1).map(|l| format!("{l}\n")).collect();
    assert_eq!(rows.lines().count(), 2, "{all}");
    assert_eq!(run(&mut s, "kubectl get pods | tail -n +2"), (rows.clone(), 0));
    assert_eq!(run(&mut s, "kubectl get pods | tail --lines=+2"), (rows, 0));
    assert_eq!(run(&mut s, "printf 'a\\nb\\nc\\n' | tail -n 2"), ("b\nc\n".into(), 0));
    assert_eq!(run(&mut s, "printf 'a\\nb\\nc\\n' | tail -n +9"), ("".into(), 0));
    assert_eq!(run(&mut s, "echo hello world | tail -c 6"), ("world\n".into(), 0));
    assert_eq!(run(&mut s, "echo hello world | tail -c +7"), ("world\n".into(), 0));
    assert_eq!(run(&mut s, "echo hello world | head -c 5"), ("hello".into(), 0));
}
