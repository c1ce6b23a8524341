//! Redirections: where a command's stdout/stderr go (terminal streams, the
//! in-memory files of [`Env`](super::Env), or nowhere) and what its stdin is.

use super::exec::{Flow, Shell, Status};
use super::expand::{fields, heredoc, single};
use super::syntax::{IoRedirect, RedirectKind as Kind};
use super::{Output, Stream, MAX_TEXT};

/// Where one output stream of a command goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sink {
    /// The enclosing standard output.
    Stdout,
    /// The enclosing standard error.
    Stderr,
    /// Discarded (`/dev/null`).
    Null,
    /// Appended to this in-memory file (absolute path).
    File(String),
}

/// Where a command's streams go after its redirections, and its new stdin.
pub struct Plan {
    /// Destination of file descriptor 1.
    pub stdout: Sink,
    /// Destination of file descriptor 2.
    pub stderr: Sink,
    /// Replacement standard input (`<`, here-documents), if any.
    pub stdin: Option<String>,
}

impl Shell<'_> {
    /// Runs `body` with `redirects` applied to its output and input.
    pub fn redirected(
        &mut self,
        redirects: &[IoRedirect],
        out: &mut Output,
        body: impl FnOnce(&mut Self, &mut Output) -> Status,
    ) -> Status {
        if redirects.is_empty() {
            return body(self, out);
        }
        let Some(plan) = open(self, redirects, out)? else {
            return Ok(self.env.dialect.create_error("", "").1);
        };
        let saved = plan.stdin.map(|input| self.stdin.replace(input));
        let result = if plan.stdout == Sink::Stdout && plan.stderr == Sink::Stderr {
            body(self, out)
        } else {
            let mut buf = Output::default();
            let result = body(self, &mut buf);
            for (stream, text) in buf.chunks {
                let sink = if stream == Stream::Stdout { &plan.stdout } else { &plan.stderr };
                match sink {
                    Sink::Stdout => out.out(&text),
                    Sink::Stderr => out.err(&text),
                    Sink::Null => {}
                    Sink::File(path) => self.append_capped(path, &text, out)?,
                }
            }
            result
        };
        if let Some(previous) = saved {
            self.stdin = previous;
        }
        result
    }
}

impl Shell<'_> {
    /// Appends `text` to the file at `path`, as far as [`MAX_TEXT`] bytes.
    fn append_capped(&mut self, path: &str, text: &str, out: &mut Output) -> Result<(), Flow> {
        self.charge(text.len(), out)?;
        let room = MAX_TEXT.saturating_sub(self.env.file(path).map_or(0, str::len));
        if text.len() <= room {
            self.env.append_file(path, text);
            return Ok(());
        }
        let mut end = room;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        self.env.append_file(path, &text[..end]);
        // k8s-diff: a real disk holds more; the lab's files are kept in the page's memory.
        out.err(&format!("kubelab: {path}: a file holds at most {MAX_TEXT} bytes here; the rest was not written\n"));
        Ok(())
    }
}

/// Applies `redirects` in order. `Ok(None)` means one failed: its message is
/// printed and the command must not run (status 1 in bash, 2 in dash and ash).
pub fn open(sh: &mut Shell<'_>, redirects: &[IoRedirect], out: &mut Output) -> Result<Option<Plan>, Flow> {
    let mut plan = Plan { stdout: Sink::Stdout, stderr: Sink::Stderr, stdin: None };
    for redirect in redirects {
        let applied = match redirect {
            IoRedirect::File(fd, kind, word) => {
                let fd = fd.unwrap_or(if matches!(kind, Kind::Read | Kind::DuplicateInput | Kind::ReadWrite) {
                    0
                } else {
                    1
                });
                match kind {
                    Kind::DuplicateInput => true,
                    Kind::DuplicateOutput => duplicate(sh, &mut plan, fd, word, out)?,
                    Kind::Read => read(sh, &mut plan, word, out)?,
                    _ => write(sh, &mut plan, fd, word, matches!(kind, Kind::Append | Kind::ReadWrite), out)?,
                }
            }
            IoRedirect::OutputAndError(word, append) => both(sh, &mut plan, word, *append, out)?,
            IoRedirect::HereDocument(doc) => {
                plan.stdin = Some(heredoc(sh, doc, out)?);
                true
            }
            IoRedirect::HereString(word) => {
                plan.stdin = Some(format!("{}\n", single(sh, word, out)?));
                true
            }
        };
        if !applied {
            return Ok(None);
        }
    }
    Ok(Some(plan))
}

/// `fd>&word`: `-` closes (discards), a number duplicates, and `>&file` sends both streams to
/// the file. False when it failed (its message printed).
fn duplicate(sh: &mut Shell<'_>, plan: &mut Plan, fd: i32, word: &str, out: &mut Output) -> Result<bool, Flow> {
    let text = single(sh, word, out)?;
    let sink = match text.as_str() {
        "-" => Sink::Null,
        n if n.parse::<i32>().is_ok() => {
            let Some(sink) = dup(plan, n.parse().unwrap_or(1), out) else {
                return Ok(false);
            };
            sink
        }
        // `>&file` sends both streams to the file.
        _ if fd == 1 => {
            let Some(sink) = open_sink(sh, plan, &text, false, out) else {
                return Ok(false);
            };
            plan.stderr = sink.clone();
            sink
        }
        _ => {
            out.err(&format!("bash: {text}: ambiguous redirect\n"));
            return Ok(false);
        }
    };
    set(plan, fd, sink);
    Ok(true)
}

/// `< word`: the file becomes the command's stdin. False when it failed (its message printed).
fn read(sh: &mut Shell<'_>, plan: &mut Plan, word: &str, out: &mut Output) -> Result<bool, Flow> {
    let Some(path) = target_path(sh, word, out)? else {
        return Ok(false);
    };
    let Some(text) = read_source(sh, plan, &path) else {
        out.err(&sh.env.dialect.open_error(&path));
        return Ok(false);
    };
    plan.stdin = Some(text);
    Ok(true)
}

/// `fd> word`, `fd>> word` (`append`) and `fd<> word`. False when it failed (its message printed).
fn write(
    sh: &mut Shell<'_>,
    plan: &mut Plan,
    fd: i32,
    word: &str,
    append: bool,
    out: &mut Output,
) -> Result<bool, Flow> {
    let Some(path) = target_path(sh, word, out)? else {
        return Ok(false);
    };
    let Some(sink) = open_sink(sh, plan, &path, append, out) else {
        return Ok(false);
    };
    set(plan, fd, sink);
    Ok(true)
}

/// `&> word` and `&>> word` (`append`): both streams to the file. False when it failed (its
/// message printed).
fn both(sh: &mut Shell<'_>, plan: &mut Plan, word: &str, append: bool, out: &mut Output) -> Result<bool, Flow> {
    let Some(path) = target_path(sh, word, out)? else {
        return Ok(false);
    };
    let Some(sink) = open_sink(sh, plan, &path, append, out) else {
        return Ok(false);
    };
    plan.stdout = sink.clone();
    plan.stderr = sink;
    Ok(true)
}

/// [`file_sink`], printing the shell's message when the file cannot be created.
fn open_sink(sh: &mut Shell<'_>, plan: &Plan, path: &str, append: bool, out: &mut Output) -> Option<Sink> {
    match file_sink(sh, plan, path, append) {
        Ok(sink) => Some(sink),
        Err(why) => {
            out.err(&sh.env.dialect.create_error(path, why).0);
            None
        }
    }
}

/// Points `fd` (1 or 2; others are not modelled) at `sink`.
fn set(plan: &mut Plan, fd: i32, sink: Sink) {
    match fd {
        1 => plan.stdout = sink,
        2 => plan.stderr = sink,
        _ => {}
    }
}

/// `N>&M`: the current destination of `M`.
fn dup(plan: &Plan, fd: i32, out: &mut Output) -> Option<Sink> {
    match fd {
        1 => Some(plan.stdout.clone()),
        2 => Some(plan.stderr.clone()),
        _ => {
            out.err(&format!("bash: {fd}: Bad file descriptor\n"));
            None
        }
    }
}

/// Expands a redirection target to exactly one word, as bash requires.
fn target_path(sh: &mut Shell<'_>, raw: &str, out: &mut Output) -> Result<Option<String>, Flow> {
    let mut expanded = fields(sh, raw, out)?;
    if expanded.len() != 1 {
        out.err(&format!("bash: {raw}: ambiguous redirect\n"));
        return Ok(None);
    }
    Ok(expanded.pop())
}

/// Opens `path` for writing: truncates it unless `append`; `/dev/null`,
/// `/dev/stdout` and `/dev/stderr` are recognised. Why not, in bash's words, when it cannot.
fn file_sink(sh: &mut Shell<'_>, plan: &Plan, path: &str, append: bool) -> Result<Sink, &'static str> {
    match path {
        "" => Err("No such file or directory"),
        "/dev/null" => Ok(Sink::Null),
        "/dev/stdout" | "/dev/fd/1" => Ok(plan.stdout.clone()),
        "/dev/stderr" | "/dev/fd/2" => Ok(plan.stderr.clone()),
        _ => {
            let absolute = sh.env.resolve_path(path);
            // Where the host keeps directories: no file in a missing one, and none over a
            // directory.
            let parent = absolute.rsplit_once('/').map(|(p, _)| p).filter(|p| !p.is_empty()).unwrap_or("/");
            if sh.is_dir(&absolute) == Some(true) {
                return Err("Is a directory");
            }
            if sh.is_dir(parent) == Some(false) {
                return Err("No such file or directory");
            }
            if append {
                sh.env.append_file(&absolute, "");
            } else {
                sh.env.write_file(&absolute, "");
            }
            Ok(Sink::File(absolute))
        }
    }
}

/// The text `< path` reads.
fn read_source(sh: &Shell<'_>, plan: &Plan, path: &str) -> Option<String> {
    match path {
        "/dev/null" => Some(String::new()),
        "/dev/stdin" => Some(plan.stdin.clone().or_else(|| sh.stdin.clone()).unwrap_or_default()),
        _ => sh.env.file(path).map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, FakeHost};

    #[test]
    fn files_and_descriptors() {
        let mut host = FakeHost::default();
        let (out, env) =
            run("echo a > f; echo b >> f; echo c 2>&1 >/dev/null; echo d >&2 2>/dev/null; cat < f", &mut host);
        assert_eq!(env.file("f"), Some("a\nb\n"));
        assert_eq!(env.file("/root/f"), Some("a\nb\n"));
        let (stdout, stderr) = (super::super::Stream::Stdout, super::super::Stream::Stderr);
        assert_eq!(out.chunks, vec![(stderr, "d\n".to_owned()), (stdout, "a\nb\n".to_owned())]);
        assert_eq!(host.calls, vec![(vec!["cat".to_owned()], Some("a\nb\n".to_owned()))]);
    }

    #[test]
    fn errors_like_bash() {
        let mut host = FakeHost::default();
        let (out, _) =
            run("echo a > $undefined; echo $?; echo a > \"\"; echo $?; cat < nope; echo $?; echo x >&3", &mut host);
        assert_eq!(
            out.text(),
            "bash: $undefined: ambiguous redirect\n1\nbash: : No such file or directory\n1\nbash: nope: No such file or directory\n1\nbash: 3: Bad file descriptor\n"
        );
        assert!(host.calls.is_empty());
    }

    #[test]
    fn both_streams_heredoc_herestring() {
        let mut host = FakeHost { stderr: "warn\n".into(), ..FakeHost::default() };
        let (_, env) = run("kubectl get pods &> all.txt; kubectl x >& two.txt; n=5; cat <<EOF\nn=$n\nEOF\ncat <<'E'\n$n\nE\ncat <<< \"$n 6\"", &mut host);
        assert_eq!(env.file("all.txt"), Some("ok\nwarn\n"));
        assert_eq!(env.file("two.txt"), Some("ok\nwarn\n"));
        let stdins: Vec<_> = host.calls[2..].iter().map(|c| c.1.clone().unwrap_or_default()).collect();
        assert_eq!(stdins, ["n=5\n", "$n\n", "5 6\n"]);
    }

    #[test]
    fn duplicating_to_a_file_needs_stdout() {
        let mut host = FakeHost::default();
        let (out, env) = run("echo a 2>&f; echo $?; echo b >&f; echo c 1>&2 2>&-", &mut host);
        assert_eq!(out.text(), "bash: f: ambiguous redirect\n1\nc\n");
        assert_eq!(env.file("f"), Some("b\n"));
    }
}
