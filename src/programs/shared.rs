//! The tools the lab machine and every container share, behind one dispatcher: `cat`, `date`,
//! the file tools (`ls`, `mkdir`, `rm`, `touch`) and the text tools (`grep`, `head`, `sed`,
//! `awk`, ...). What differs between machines is behind [`Machine`]: where files come from
//! besides the shell's own, which directories exist, and whose words the errors are in.

use super::text;
use crate::shell::files::{self, Tree};
use crate::shell::{Env, Output};

/// Where the shared tools run.
pub trait Machine: Tree {
    /// A file the shell's files lack, by its absolute path, read from elsewhere (a replay's
    /// script folder under the lab machine's home); containers have none.
    fn loaded(&self, path: &str) -> Option<String> {
        let _ = path;
        None
    }

    /// Unix seconds now, on the cluster's clock.
    fn unix_now(&self) -> i64;
}

/// Runs `argv` if it is one of the shared tools; `None` when it is not.
pub fn run(m: &mut dyn Machine, argv: &[String], stdin: Option<&str>, env: &mut Env, out: &mut Output) -> Option<i32> {
    let name = argv.first()?.as_str();
    if let Some(code) = files::run(name, argv, env, m, out) {
        return Some(code);
    }
    match name {
        "cat" => Some(cat(m, argv, stdin, env, out)),
        "date" => {
            out.out(&format!("{}\n", crate::support::gotime::unix_date(m.unix_now())));
            Some(0)
        }
        "grep" | "head" | "tail" | "wc" | "sort" => {
            let read = |p: &str| read_file(m, env, stdin, p);
            Some(text::run_on(argv, stdin, &read, m.busybox(), out).unwrap_or(127))
        }
        n if text::is_tool(n) => Some(text_tool_that_writes(m, argv, stdin, env, out)),
        _ => None,
    }
}

/// A file's text for the shared tools: what is piped in for `-` and `/dev/stdin` (nothing when
/// nothing is: the lab's terminals have no keyboard input to wait for), the shell's files, then
/// the machine's. Devices first (`/dev/null`, `/dev/zero`).
fn read_file(m: &dyn Machine, env: &Env, stdin: Option<&str>, path: &str) -> Option<String> {
    let abs = env.resolve_path(path);
    if path == "-" || crate::support::output::is_stdin_path(&abs) {
        return Some(stdin.unwrap_or("").to_string());
    }
    device(&abs).or_else(|| env.file(path).map(String::from)).or_else(|| m.loaded(&abs))
}

/// `cat FILE...` (flags ignored), or what is piped in; a missing file or a directory in the
/// words of the machine's `cat` (GNU's or busybox's).
fn cat(m: &dyn Machine, argv: &[String], stdin: Option<&str>, env: &Env, out: &mut Output) -> i32 {
    let names: Vec<&String> = argv[1..].iter().filter(|a| !a.starts_with('-') || *a == "-").collect();
    if names.is_empty() {
        out.out(stdin.unwrap_or(""));
        return 0;
    }
    let mut code = 0;
    for f in names {
        if env.resolve_path(f) == ZERO {
            out.out(&"\0".repeat(crate::shell::MAX_TEXT));
            // k8s-diff: /dev/zero never ends and cat reads it until it is stopped; the lab stops
            // it where a pipe's or a file's text ends.
            out.err(&format!(
                "kubelab: cat: {f} never ends; the lab stopped reading it after {} bytes\n",
                crate::shell::MAX_TEXT
            ));
            return 1;
        }
        match read_file(m, env, stdin, f) {
            Some(t) => out.out(&t),
            None => {
                let msg = if files::is_dir(env, m, &env.resolve_path(f)) {
                    format!("cat: {f}: Is a directory\n")
                } else if m.busybox() {
                    format!("cat: can't open '{f}': No such file or directory\n")
                } else {
                    format!("cat: {f}: No such file or directory\n")
                };
                out.err(&msg);
                code = 1;
            }
        }
    }
    code
}

/// `/dev/zero`, which never ends.
const ZERO: &str = "/dev/zero";

/// What reading a device gives: nothing from `/dev/null`; from `/dev/zero`, as many NULs as the
/// lab's text holds.
// k8s-diff: a tool that reads all of /dev/zero (`wc -c /dev/zero`) never ends; here it reads 16 MiB.
fn device(path: &str) -> Option<String> {
    match path {
        "/dev/null" => Some(String::new()),
        ZERO => Some("\0".repeat(crate::shell::MAX_TEXT)),
        _ => None,
    }
}

/// The text tools that may write files (`sed -i`): what they write lands in the shell's files.
fn text_tool_that_writes(
    m: &dyn Machine,
    argv: &[String],
    stdin: Option<&str>,
    env: &mut Env,
    out: &mut Output,
) -> i32 {
    let mut writes: Vec<(String, String)> = Vec::new();
    let code = {
        let read = |p: &str| read_file(m, env, stdin, p);
        let mut write = |p: &str, t: &str| writes.push((p.to_string(), t.to_string()));
        text::run_more_on(argv, stdin, &read, &mut write, m.busybox(), out).unwrap_or(127)
    };
    for (p, t) in writes {
        env.write_file(&p, &t);
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::collections::VecSet;

    struct Box {
        dirs: VecSet<String>,
        busybox: bool,
    }

    impl Tree for Box {
        fn dirs(&self) -> &VecSet<String> {
            &self.dirs
        }
        fn make_dir(&mut self, path: &str) -> Result<(), String> {
            self.dirs.insert(path.to_string());
            Ok(())
        }
        fn remove_dir(&mut self, _path: &str, _files: &[String]) {}
        fn removed_file(&mut self, _path: &str) {}
        fn busybox(&self) -> bool {
            self.busybox
        }
    }

    impl Machine for Box {
        fn loaded(&self, path: &str) -> Option<String> {
            (path == "/root/web.yaml").then(|| "kind: Service\n".to_string())
        }
        fn unix_now(&self) -> i64 {
            1_653_728_409
        }
    }

    fn run_on(m: &mut Box, line: &[&str], env: &mut Env) -> (Option<i32>, Output) {
        let argv: Vec<String> = line.iter().map(|s| s.to_string()).collect();
        let mut out = Output::default();
        let code = run(m, &argv, None, env, &mut out);
        (code, out)
    }

    #[test]
    fn cat_speaks_the_words_of_its_machine() {
        let mut env = Env::new();
        let mut gnu = Box { dirs: VecSet::new(), busybox: false };
        let (code, out) = run_on(&mut gnu, &["cat", "/nope"], &mut env);
        assert_eq!((code, out.stderr().as_str()), (Some(1), "cat: /nope: No such file or directory\n"));
        let mut bb = Box { dirs: VecSet::new(), busybox: true };
        let (_, out) = run_on(&mut bb, &["cat", "/nope"], &mut env);
        assert_eq!(out.stderr(), "cat: can't open '/nope': No such file or directory\n");
        let (_, out) = run_on(&mut bb, &["cat", "/"], &mut env);
        assert_eq!(out.stderr(), "cat: /: Is a directory\n");
    }

    #[test]
    fn dev_zero_is_endless_and_bounded() {
        let mut env = Env::new();
        let mut m = Box { dirs: VecSet::new(), busybox: false };
        // A real cat reads /dev/zero until it is stopped (it reached 2 GB here).
        let (code, out) = run_on(&mut m, &["cat", "/dev/zero"], &mut env);
        assert_eq!(code, Some(1));
        assert_eq!(out.stdout().len(), crate::shell::MAX_TEXT);
        assert!(out.stdout().bytes().all(|b| b == 0));
        assert_eq!(
            out.stderr(),
            "kubelab: cat: /dev/zero never ends; the lab stopped reading it after 16777216 bytes\n"
        );
        let (code, out) = run_on(&mut m, &["cat", "/dev/null"], &mut env);
        assert_eq!((code, out.text().as_str()), (Some(0), ""));
    }

    #[test]
    fn the_text_tools_read_what_the_machine_loads() {
        let mut env = Env::new();
        let mut m = Box { dirs: VecSet::new(), busybox: false };
        let (code, out) = run_on(&mut m, &["grep", "kind", "web.yaml"], &mut env);
        assert_eq!((code, out.stdout().as_str()), (Some(0), "kind: Service\n"));
        let (_, out) = run_on(&mut m, &["date"], &mut env);
        assert_eq!(out.stdout(), "Sat May 28 09:00:09 UTC 2022\n");
        assert_eq!(run_on(&mut m, &["kubectl"], &mut env).0, None);
    }
}
