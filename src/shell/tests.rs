//! Tests of `run_line` as a whole, with a fake host that records its calls.

use crate::support::collections::VecMap;

use super::{run_line, Env, Host, Output, Stream};

/// A host that records `(argv, stdin)` and answers from a script: commands listed
/// in `responses` print their text; `cat [FILE]`, `wc -l` and `grep WORD` behave
/// like the real tools; `kubectl exec POD ...` prints the pod's name; everything
/// else prints `ok` (and `stderr` to stderr).
#[derive(Default)]
pub struct FakeHost {
    pub calls: Vec<(Vec<String>, Option<String>)>,
    pub responses: VecMap<String, (String, i32)>,
    pub stderr: String,
    /// Exported variables seen by each call.
    pub envs: Vec<VecMap<String, String>>,
}

impl Host for FakeHost {
    fn run(&mut self, argv: &[String], stdin: Option<&str>, out: &mut Output) -> i32 {
        self.calls.push((argv.to_vec(), stdin.map(str::to_owned)));
        if let Some((text, status)) = self.responses.get(&argv.join(" ")) {
            out.out(text);
            return *status;
        }
        let input = stdin.unwrap_or_default();
        match argv.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["cat"] => out.out(input),
            ["wc", "-l"] => out.out(&format!("{}\n", input.lines().count())),
            ["grep", word] => {
                let hits: String = input.lines().filter(|l| l.contains(word)).map(|l| format!("{l}\n")).collect();
                out.out(&hits);
                return i32::from(hits.is_empty());
            }
            ["sleep", ..] => {}
            ["kubectl", "exec", pod, ..] => out.out(&format!("{pod}\n")),
            _ => {
                out.out("ok\n");
                out.err(&self.stderr);
            }
        }
        0
    }

    fn run_with_env(&mut self, argv: &[String], stdin: Option<&str>, env: &mut Env, out: &mut Output) -> i32 {
        self.envs.push(env.exported_vars());
        if let [cat, file] = argv {
            if cat == "cat" {
                self.calls.push((argv.to_vec(), None));
                return match env.file(file) {
                    Some(text) => {
                        out.out(text);
                        0
                    }
                    None => {
                        out.err(&format!("cat: {file}: No such file or directory\n"));
                        1
                    }
                };
            }
        }
        self.run(argv, stdin, out)
    }
}

/// Runs `line` in a fresh [`Env::new`].
pub fn run(line: &str, host: &mut FakeHost) -> (Output, Env) {
    let mut env = Env::new();
    let mut out = Output::default();
    run_line(line, &mut env, host, &mut out);
    (out, env)
}

fn argvs(host: &FakeHost) -> Vec<Vec<String>> {
    host.calls.iter().map(|c| c.0.clone()).collect()
}

fn strings(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

#[test]
fn and_list_gives_two_host_calls() {
    let mut host = FakeHost::default();
    let (out, env) = run("kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx", &mut host);
    assert_eq!(
        argvs(&host),
        vec![
            strings(&["kubectl", "apply", "-f", "web.yaml"]),
            strings(&["kubectl", "get", "pods", "-w", "-l", "app=nginx"])
        ]
    );
    assert_eq!((out.text(), env.last_status), ("ok\nok\n".to_owned(), 0));
}

#[test]
fn for_loop_expands_quoted_variable() {
    let mut host = FakeHost::default();
    let (out, _) = run(r#"for i in 0 1; do kubectl exec "web-$i" -- sh -c 'hostname'; done"#, &mut host);
    assert_eq!(
        argvs(&host),
        vec![
            strings(&["kubectl", "exec", "web-0", "--", "sh", "-c", "hostname"]),
            strings(&["kubectl", "exec", "web-1", "--", "sh", "-c", "hostname"]),
        ]
    );
    assert_eq!(out.stdout(), "web-0\nweb-1\n");
}

#[test]
fn and_or_and_negation() {
    let mut host = FakeHost::default();
    assert_eq!(run("false && echo no || echo yes", &mut host).0.text(), "yes\n");
    assert_eq!(run("true || echo no; ! false && echo neg; ! true; echo $?", &mut host).0.text(), "neg\n1\n");
    let mut failing = FakeHost::default();
    failing.responses.insert("kubectl get pod x".into(), ("".into(), 1));
    let (out, env) = run("kubectl get pod x && echo found", &mut failing);
    assert_eq!((out.text(), env.last_status), (String::new(), 1));
}

#[test]
fn command_substitution_calls_host() {
    let mut host = FakeHost::default();
    host.responses.insert("kubectl get pods -o name".into(), ("pod/web-0\npod/web-1\n\n".into(), 0));
    let (out, _) = run(
        "echo \"pods: $(kubectl get pods -o name)\"; for p in $(kubectl get pods -o name); do echo [$p]; done",
        &mut host,
    );
    assert_eq!(out.stdout(), "pods: pod/web-0\npod/web-1\n[pod/web-0]\n[pod/web-1]\n");
    let (_, env) = run("x=$(false); echo $?", &mut host);
    assert_eq!(env.var("x"), Some(""));
}

#[test]
fn pipes_pass_stdout_and_let_stderr_through() {
    let mut host = FakeHost::default();
    host.responses.insert("kubectl get pods".into(), ("NAME\nweb-0\nweb-1\ndb-0\n".into(), 0));
    let (out, env) = run("kubectl get pods | grep web | wc -l", &mut host);
    assert_eq!(out.stdout(), "2\n");
    assert_eq!(host.calls[1], (strings(&["grep", "web"]), Some("NAME\nweb-0\nweb-1\ndb-0\n".to_owned())));
    assert_eq!(host.calls[2].1.as_deref(), Some("web-0\nweb-1\n"));
    assert_eq!(env.last_status, 0);

    let mut noisy = FakeHost { stderr: "warning\n".into(), ..FakeHost::default() };
    let (out, _) = run("kubectl get pods | cat; echo x | grep y; echo $?", &mut noisy);
    assert_eq!(out.chunks, vec![(Stream::Stderr, "warning\n".into()), (Stream::Stdout, "ok\n1\n".into())]);
}

#[test]
fn pipeline_stages_are_subshells() {
    let mut host = FakeHost::default();
    let (out, env) = run("a=1; echo x | a=2; echo $a; exit 3 | cat; echo still", &mut host);
    assert_eq!(out.stdout(), "1\nstill\n");
    assert_eq!(env.exit_requested, None);
}

#[test]
fn redirection_writes_the_in_memory_file_map() {
    let mut host = FakeHost::default();
    host.responses.insert("kubectl get pods -o yaml".into(), ("kind: List\n".into(), 0));
    let (out, env) = run("kubectl get pods -o yaml > pods.yaml; echo more >> pods.yaml; cat pods.yaml", &mut host);
    assert_eq!(env.file("pods.yaml"), Some("kind: List\nmore\n"));
    assert_eq!(out.text(), "kind: List\nmore\n");
    let (out, env) =
        run("{ echo a; kubectl x; } > both 2>&1; (echo b; echo c >&2) 2>/dev/null | cat", &mut FakeHost::default());
    assert_eq!(env.file("both"), Some("a\nok\n"));
    assert_eq!(out.text(), "b\n");
}

#[test]
fn syntax_errors_print_bash_text_without_host_calls() {
    for (line, msg) in [
        ("kubectl get pods 'oops", "bash: unexpected EOF while looking for matching `''\n"),
        ("kubectl get \"pods", "bash: unexpected EOF while looking for matching `\"'\n"),
        ("for i in 1; do kubectl get; done done", "bash: syntax error near unexpected token `done'\n"),
        ("kubectl get ;; x", "bash: syntax error near unexpected token `;;'\n"),
        ("kubectl get pods |", "bash: syntax error: unexpected end of file\n"),
        ("kubectl get pods >", "bash: syntax error near unexpected token `newline'\n"),
    ] {
        let mut host = FakeHost::default();
        let (out, env) = run(line, &mut host);
        assert_eq!(out.chunks, vec![(Stream::Stderr, msg.to_owned())], "line: {line}");
        assert_eq!(env.last_status, 2);
        assert!(host.calls.is_empty());
    }
}

#[test]
fn variables_persist_and_prefix_assignments_do_not() {
    let mut host = FakeHost::default();
    let mut env = Env::new();
    let mut out = Output::default();
    run_line("export NS=prod; A=1; KUBECONFIG=/tmp/k kubectl get pods -n $NS", &mut env, &mut host, &mut out);
    run_line("echo $A $NS ${KUBECONFIG:-unset}; false", &mut env, &mut host, &mut out);
    assert_eq!(out.stdout(), "ok\n1 prod unset\n");
    assert_eq!(host.calls[0].0, strings(&["kubectl", "get", "pods", "-n", "prod"]));
    assert_eq!(host.envs[0].get("KUBECONFIG").map(String::as_str), Some("/tmp/k"));
    assert_eq!(host.envs[0].get("NS").map(String::as_str), Some("prod"));
    assert_eq!(host.envs[0].get("A"), None);
    assert_eq!(env.last_status, 1);
    let status = run_line("echo $?", &mut env, &mut host, &mut out);
    assert_eq!((status, out.stdout().ends_with("\n1\n")), (0, true));
}

#[test]
fn control_flow_and_exit() {
    let mut host = FakeHost::default();
    let script = "if kubectl get ns; then echo yes; elif false; then :; else echo no; fi; n=0; \
                  while [ $n -lt 3 ]; do n=$((n+1)); done; until true; do :; done; echo $n";
    assert_eq!(run(script, &mut host).0.stdout(), "ok\nyes\n3\n");
    let (out, env) = run("echo a; exit 4; echo b", &mut host);
    assert_eq!((out.text(), env.exit_requested, env.last_status), ("a\n".to_owned(), Some(4), 4));
    let (_, env) = run("sleep 2", &mut host);
    assert_eq!((host.calls.last().map(|c| c.0.clone()), env.last_status), (Some(strings(&["sleep", "2"])), 0));
}

#[test]
fn runaway_loops_stop() {
    let mut host = FakeHost::default();
    let (out, env) = run("while true; do :; done; echo after", &mut host);
    assert_eq!(out.text(), "bash: while: loop stopped after 10000 iterations\nafter\n");
    assert_eq!(env.last_status, 0);
    // Each inner loop stops at its cap; the line stops at the command budget.
    let (out, env) = run("while :; do until false; do : >/dev/null; done; done; echo never", &mut host);
    let capped = "bash: until: loop stopped after 10000 iterations\n";
    assert_eq!(out.text(), format!("{}bash: line stopped after 100000 commands\n", capped.repeat(4)));
    assert_eq!(env.last_status, 1);
}

#[test]
fn a_program_costs_more_of_the_budget_than_a_builtin() {
    // Found by the fuzz run: 100,000 `kubectl` calls on one line took 1-2 s natively.
    let mut host = FakeHost::default();
    let (out, env) = run("while :; do while :; do kubectl get pods >/dev/null; done; done; echo never", &mut host);
    assert_eq!(
        out.text(),
        "kubelab: line stopped: it passed the lab's work budget of 500000 steps (a builtin is a step, a program 50, and 256 bytes of text one)\n"
    );
    assert_eq!(env.last_status, 1);
    let ran = host.calls.iter().filter(|c| c.0.first().is_some_and(|p| p == "kubectl")).count();
    // 51 steps a round (the call and the `:` of its loop): about 9,800 calls.
    assert!((9_500..10_000).contains(&ran), "{ran}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let mut host = FakeHost::default();
    let line = format!("{}x{}", "$(".repeat(200), ")".repeat(200));
    let (out, env) = run(&line, &mut host);
    assert_eq!(out.text(), "bash: syntax error: nesting deeper than 24 levels\n");
    assert_eq!(env.last_status, 2);
    let ok = format!("echo {}x{}", "$(echo ".repeat(20), ")".repeat(20));
    assert_eq!(run(&ok, &mut host).0.text(), "x\n");
}

#[test]
fn multi_line_input_with_here_document() {
    let mut host = FakeHost::default();
    let (out, env) = run("cat > web.yaml <<EOF\nkind: Pod\nname: $HOME\nEOF\nkubectl apply -f web.yaml", &mut host);
    assert_eq!(env.file("web.yaml"), Some("kind: Pod\nname: /root\n"));
    assert_eq!(out.text(), "ok\n");
    let (out, _) = run("cat <<EOF", &mut host);
    assert_eq!(out.text(), "bash: warning: here-document at line 1 delimited by end-of-file (wanted `EOF')\n");
}

#[test]
fn substitutions_and_subshells_parse_as_in_bash() {
    let mut host = FakeHost::default();
    let cases = [
        ("echo $(case x in x) echo matched;; esac)", "matched\n"),
        ("( (echo nested) ); ((echo x) )", "nested\nx\n"),
        ("echo `echo \\$HOME` \"${u:-{a}}\"", "/root {a}\n"),
        ("[[ xay =~ \"a\" ]] && echo substring", "substring\n"),
        ("cat <<EOF\na\\\nb $((1 << 2))\nEOF", "ab 4\n"),
        ("a=(x  y) b+=1; echo \"$a\" $b", "x y 1\n"),
        ("case x in x) false;& y) ;; esac; echo $?", "0\n"),
    ];
    for (line, want) in cases {
        assert_eq!(run(line, &mut host).0.text(), want, "line: {line}");
    }
}

/// Bash's brace expansion: lists, sequences (padded, stepped, letters, backwards), nesting,
/// and what bash leaves alone (quoted braces, `${x}`, `{}`, `{x}`).
#[test]
fn brace_expansion_is_bashs() {
    let echo = |line: &str| -> String {
        let mut host = FakeHost::default();
        run(line, &mut host).0.stdout()
    };
    assert_eq!(echo("echo web-{0..2}"), "web-0 web-1 web-2\n");
    assert_eq!(echo("for i in {0..2}; do echo $i; done"), "0\n1\n2\n");
    assert_eq!(echo("echo {a,b}{1,2}"), "a1 a2 b1 b2\n");
    assert_eq!(echo("echo {01..03} {3..1} {0..10..5} {a..c}"), "01 02 03 3 2 1 0 5 10 a b c\n");
    assert_eq!(echo("echo x{a,b{1,2}}y"), "xay xb1y xb2y\n");
    assert_eq!(echo("echo '{a,b}' \"{0..2}\" {} {x} a{b"), "{a,b} {0..2} {} {x} a{b\n");
    assert_eq!(echo("x=5; echo ${x} {$x,y}"), "5 5 y\n");
}

#[test]
fn huge_brace_expansions_stay_bounded() {
    let mut host = FakeHost::default();
    let out = run("echo {1..9999}{1..9999} | wc -c", &mut host).0;
    assert!(out.stdout().len() < 100, "not expanded beyond the bound");
}

/// Runs `line` on a fresh shell. (tests/shell_limits.rs bounds the time these probes take.)
fn timed(line: &str) -> (Output, Env) {
    run(line, &mut FakeHost::default())
}

#[test]
fn a_variable_doubled_past_the_cap_ends_the_line_as_a_failed_malloc() {
    // Doubled 32 times this aborted the process at 4 GB.
    let (out, env) = timed("x=a; for i in {1..32}; do x=$x$x; done; echo never");
    assert_eq!(out.text(), "bash: xrealloc: cannot allocate 33554432 bytes\n");
    assert_eq!((env.last_status, env.var("x").map(str::len)), (2, Some(1 << 24)));
    let (out, _) = timed("x=abcdefgh; for i in {1..11}; do x=$x$x; done; y=${x//?/$x}; echo never");
    assert_eq!(out.text(), "bash: xrealloc: cannot allocate 16777217 bytes\n");
    let (out, _) = timed("x=a; for i in {1..24}; do x=$x$x; done; x+=b; echo never");
    assert_eq!(out.text(), "bash: xrealloc: cannot allocate 16777217 bytes\n");
}

#[test]
fn brace_expansion_is_sized_before_it_is_made() {
    // 24 groups of two took 17-31 s; now they are counted, refused in braces.c's words, and the
    // word stays as typed.
    let word = "{a,b}".repeat(24);
    let (out, env) = timed(&format!("echo {word}; echo $?"));
    assert_eq!(out.stderr(), "bash: brace expansion: failed to allocate memory for 16777216 elements\n");
    assert_eq!(out.stdout(), format!("{word}\n0\n"));
    assert_eq!(env.last_status, 0);
    // More than INT_MAX - 3 terms is no sequence for bash's mkseq: the word stays, silently.
    for word in ["{1..9223372036854775807}", "{-9223372036854775808..9223372036854775807}", "{0..3000000000}"] {
        let (out, _) = timed(&format!("echo {word}"));
        assert_eq!(out.text(), format!("{word}\n"));
    }
    let (out, _) = timed("echo {1..100001}");
    assert_eq!(out.stderr(), "bash: brace expansion: failed to allocate memory for 100001 elements\n");
    let (out, _) = timed("echo a{1..3}{x,y{,z}} {08..10} {c..a} {1..7..3} {,}");
    assert_eq!(out.text(), "a1x a1y a1yz a2x a2y a2yz a3x a3y a3yz 08 09 10 c b a 1 4 7\n");
}

#[test]
fn a_long_here_document_parses_in_linear_time() {
    let body: String = (0..40_000).map(|i| format!("line {i} don't \"quote\" $HOME\n")).collect();
    let (out, _) = timed(&format!("cat <<EOF | wc -l\n{body}EOF"));
    assert_eq!(out.text(), "40000\n");
}

#[test]
fn pipes_files_and_lines_have_caps() {
    let sixteen = "x=a; for i in {1..24}; do x=$x$x; done";
    let (out, env) = timed(&format!("{sixteen}; echo $x | cat >p"));
    assert_eq!(
        out.text(),
        "kubelab: a pipe holds at most 16777216 bytes here; the rest of its writer's output was dropped\n"
    );
    assert_eq!(env.file("p").map(|p| (p.len(), p.ends_with('\n'))), Some((16 << 20, false)));
    let (out, env) = timed(&format!("{sixteen}; echo $x > f; echo more >> f"));
    let full = "kubelab: /root/f: a file holds at most 16777216 bytes here; the rest was not written\n";
    assert_eq!(out.text(), full.repeat(2));
    assert_eq!(env.file("f").map(str::len), Some(16 << 20));
    let line = format!("echo {}", "y".repeat(5 << 20));
    let (out, env) = timed(&line);
    assert_eq!(
        out.text(),
        "kubelab: this line is 5242885 bytes long, past the lab's limit of 4194304; it was not run\n"
    );
    assert_eq!(env.last_status, 2);
}

#[test]
fn a_line_has_a_work_budget() {
    // Each copy of an 8 MiB value costs 32,768 steps: about fifteen copies use the line's budget.
    let (out, env) = timed("x=a; for i in {1..23}; do x=$x$x; done; for i in {1..1000}; do y=$x; done; echo never");
    assert_eq!(
        out.text(),
        "kubelab: line stopped: it passed the lab's work budget of 500000 steps (a builtin is a step, a program 50, and 256 bytes of text one)\n"
    );
    assert_eq!(env.last_status, 1);
}
