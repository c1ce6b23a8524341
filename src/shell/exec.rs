//! Running a parsed line: lists, `&&`/`||`, pipelines, compound commands and
//! simple commands (builtins first, then the host).

use super::syntax::{split_assignment, AndOr, AndOrList, Command, CompoundList, Pipeline, SimpleCommand};

use super::parse::Parsed;
use super::{builtins, expand};
use super::{Env, Host, Output, Stream, MAX_COMMANDS, MAX_TEXT, MAX_WORK, PROGRAM_STEPS};

/// Why a command stopped other than by finishing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// `exit N`: leave the line, or the enclosing subshell.
    Exit(i32),
    /// `break N`: leave N enclosing loops.
    Break(u32),
    /// `continue N`: next iteration of the Nth enclosing loop.
    Continue(u32),
    /// A fatal error already reported (bad substitution, ...): abandon the line, or
    /// the enclosing subshell, with this status.
    Abort(i32),
}

/// A command's exit status, or why it stopped early.
pub type Status = Result<i32, Flow>;

/// The interpreter for one line.
pub struct Shell<'a> {
    /// Variables and files.
    pub env: &'a mut Env,
    host: &'a mut dyn Host,
    /// Standard input of the running command: piped text, a here-document or `< file`.
    pub stdin: Option<String>,
    /// Loops enclosing the running command (for `break`/`continue`).
    pub loop_depth: u32,
    /// Status of the last command substitution run while expanding the current command.
    pub subst_status: Option<i32>,
    commands_left: u32,
    /// Steps of work the line may still do (see [`MAX_WORK`]).
    work_left: u64,
    depth: usize,
}

impl<'a> Shell<'a> {
    /// An interpreter over `env` calling `host`.
    pub fn new(env: &'a mut Env, host: &'a mut dyn Host) -> Self {
        Shell {
            env,
            host,
            stdin: None,
            loop_depth: 0,
            subst_status: None,
            commands_left: MAX_COMMANDS,
            work_left: MAX_WORK,
            depth: 0,
        }
    }

    /// Whether `path` (absolute) is a directory, if the host keeps directories.
    pub fn is_dir(&self, path: &str) -> Option<bool> {
        self.host.is_dir(self.env, path)
    }

    /// Runs a top-level line; records `exit` in the environment.
    pub fn run_program(&mut self, parsed: &Parsed, out: &mut Output) -> i32 {
        match self.run_parsed(parsed, out) {
            Ok(status) | Err(Flow::Abort(status)) => status,
            Err(Flow::Exit(status)) => {
                self.env.exit_requested = Some(status);
                status
            }
            Err(Flow::Break(_) | Flow::Continue(_)) => 0,
        }
    }

    /// Runs a parsed program (a line or a command substitution's text).
    pub fn run_parsed(&mut self, parsed: &Parsed, out: &mut Output) -> Status {
        for warning in &parsed.warnings {
            out.err(&format!("bash: {warning}\n"));
        }
        self.list(&parsed.program, out)
    }

    /// Runs `cmd; cmd; ...` (a `&` separator runs synchronously too).
    pub fn list(&mut self, list: &CompoundList, out: &mut Output) -> Status {
        let mut status = 0;
        for item in &list.0 {
            status = self.and_or(item, out)?;
        }
        Ok(status)
    }

    /// Runs one top-level item of a list (see [`super::resume::Script`]).
    pub(crate) fn and_or_item(&mut self, list: &AndOrList, out: &mut Output) -> Status {
        self.and_or(list, out)
    }

    /// How long the running process has slept in its current step.
    pub(crate) fn slept(&self) -> u64 {
        self.host.slept()
    }

    fn and_or(&mut self, list: &AndOrList, out: &mut Output) -> Status {
        let mut status = self.pipeline(&list.first, out)?;
        for next in &list.additional {
            let (wanted, pipeline) = match next {
                AndOr::And(p) => (status == 0, p),
                AndOr::Or(p) => (status != 0, p),
            };
            if wanted {
                status = self.pipeline(pipeline, out)?;
            }
        }
        Ok(status)
    }

    /// Runs `a | b | c`: each stage to completion, its stdout text becoming the next
    /// stage's stdin; stderr goes straight through. Stages of a real pipe run as
    /// subshells, as in bash.
    fn pipeline(&mut self, pipeline: &Pipeline, out: &mut Output) -> Status {
        let mut status = 0;
        if let [only] = pipeline.seq.as_slice() {
            status = self.command(only, out)?;
        } else {
            let saved = self.stdin.take();
            let mut input = saved.clone();
            for (i, command) in pipeline.seq.iter().enumerate() {
                self.stdin = input.take();
                self.host.pipe_stage(i > 0);
                let result = if i + 1 == pipeline.seq.len() {
                    self.subshell(out, |sh, o| sh.command(command, o))
                } else {
                    let mut buf = Output::default();
                    let result = self.subshell(&mut buf, |sh, o| sh.command(command, o));
                    let text = pass_stderr(buf, out);
                    self.charge(text.len(), out)?;
                    input = Some(cap_pipe(text, out));
                    result
                };
                match result {
                    Ok(s) => status = s,
                    Err(flow) => {
                        self.host.pipe_stage(false);
                        self.stdin = saved;
                        return Err(flow);
                    }
                }
            }
            self.host.pipe_stage(false);
            self.stdin = saved;
        }
        if pipeline.bang {
            status = i32::from(status == 0);
        }
        if pipeline.timed {
            // Virtual time is the host's business; report what a fast command shows.
            out.err("\nreal\t0m0.000s\nuser\t0m0.000s\nsys\t0m0.000s\n");
        }
        self.env.last_status = status;
        Ok(status)
    }

    fn command(&mut self, command: &Command, out: &mut Output) -> Status {
        match command {
            Command::Simple(simple) => self.simple(simple, out),
            Command::Compound(compound, redirects) => self.redirected(redirects, out, |sh, o| sh.compound(compound, o)),
            Command::Unsupported(what) => unsupported(out, what),
        }
    }

    fn simple(&mut self, simple: &SimpleCommand, out: &mut Output) -> Status {
        self.tick(out)?;
        self.subst_status = None;
        let mut argv = Vec::new();
        for (i, word) in simple.words.iter().enumerate() {
            if i > 0 && split_assignment(word).is_some() {
                // `export A=$x`: expanded like an assignment, without field splitting.
                argv.push(expand::single(self, word, out)?);
            } else {
                argv.extend(expand::fields(self, word, out)?);
            }
        }
        // A command's words may hold a full value and then some.
        let size: usize = argv.iter().map(String::len).sum();
        if size > 2 * MAX_TEXT {
            return Err(self.too_big(size, out));
        }
        let redirects = &simple.redirects;
        let mut values = Vec::new();
        for a in &simple.assignments {
            values.push(expand::assignment(self, a, out)?);
        }
        if argv.is_empty() {
            for (name, value) in values {
                self.env.set_var(&name, &value);
            }
            let status = self.subst_status.unwrap_or(0);
            return self.redirected(redirects, out, |_, _| Ok(status));
        }
        // `VAR=x cmd`: visible (and exported) for this command only.
        let saved: Vec<_> = values
            .iter()
            .map(|(n, _)| (n.clone(), self.env.vars.get(n).cloned(), self.env.exported.contains(n)))
            .collect();
        for (name, value) in &values {
            self.env.set_var(name, value);
            self.env.exported.insert(name.clone());
        }
        let result = self.redirected(redirects, out, |sh, o| sh.dispatch(&argv, o));
        for (name, value, exported) in saved.into_iter().rev() {
            match value {
                Some(v) => self.env.set_var(&name, &v),
                None => self.env.unset_var(&name),
            }
            if !exported {
                self.env.exported.remove(&name);
            }
        }
        result
    }

    /// Runs a builtin, or hands the command to the host.
    fn dispatch(&mut self, argv: &[String], out: &mut Output) -> Status {
        if let Some(result) = builtins::run(self, argv, out) {
            return result;
        }
        // `tick` has counted the command's first step.
        self.spend(PROGRAM_STEPS - 1, out)?;
        let stdin = self.stdin.clone();
        Ok(self.host.run_with_env(argv, stdin.as_deref(), self.env, out))
    }

    /// Runs `f` in a subshell: variable changes are undone afterwards (files are
    /// shared) and `exit`, `break` and errors end only the subshell.
    pub fn subshell(&mut self, out: &mut Output, f: impl FnOnce(&mut Self, &mut Output) -> Status) -> Status {
        if self.depth >= super::parse::MAX_NESTING {
            out.err("bash: maximum subshell nesting level exceeded\n");
            return Ok(1);
        }
        let (vars, exported) = (self.env.vars.clone(), self.env.exported.clone());
        let loop_depth = self.loop_depth;
        self.depth += 1;
        let result = f(self, out);
        self.depth -= 1;
        self.loop_depth = loop_depth;
        self.env.vars = vars;
        self.env.exported = exported;
        match result {
            Ok(status) | Err(Flow::Exit(status)) => Ok(status),
            Err(Flow::Break(_) | Flow::Continue(_)) => Ok(0),
            Err(Flow::Abort(status)) if self.commands_left > 0 => Ok(status),
            Err(flow) => Err(flow),
        }
    }

    /// Counts `bytes` of text made (expanded, piped, written) against [`MAX_WORK`]: a step per
    /// 256 bytes, so that what one line makes (and may print) stays near 128 MiB.
    pub fn charge(&mut self, bytes: usize, out: &mut Output) -> Result<(), Flow> {
        self.spend(1 + bytes as u64 / 256, out)
    }

    fn spend(&mut self, steps: u64, out: &mut Output) -> Result<(), Flow> {
        if self.work_left == 0 {
            return Err(Flow::Abort(1));
        }
        self.work_left = self.work_left.saturating_sub(steps);
        if self.work_left == 0 {
            self.commands_left = 0;
            // k8s-diff: bash runs a line for as long as it takes; the lab gives one line a
            // budget, counted in steps so that it is the same on every machine.
            out.err(&format!(
                "kubelab: line stopped: it passed the lab's work budget of {MAX_WORK} steps (a builtin is a step, a program {PROGRAM_STEPS}, and 256 bytes of text one)\n"
            ));
            return Err(Flow::Abort(1));
        }
        Ok(())
    }

    /// A value that would pass [`MAX_TEXT`] bytes: the shell's words for a failed malloc, and the
    /// line ends.
    pub fn too_big(&mut self, bytes: usize, out: &mut Output) -> Flow {
        let (msg, status) = self.env.dialect.out_of_memory(bytes);
        out.err(&msg);
        self.commands_left = 0;
        Flow::Abort(status)
    }

    /// Counts one simple command against [`MAX_COMMANDS`].
    fn tick(&mut self, out: &mut Output) -> Result<(), Flow> {
        if self.commands_left == 0 {
            return Err(Flow::Abort(1));
        }
        self.commands_left -= 1;
        self.spend(1, out)?;
        if self.commands_left == 0 {
            out.err(&format!("bash: line stopped after {MAX_COMMANDS} commands\n"));
            return Err(Flow::Abort(1));
        }
        Ok(())
    }
}

/// What a pipe carries: at most [`MAX_TEXT`] bytes of its writer's output.
// k8s-diff: a real pipe blocks its writer until the reader reads; the lab runs each stage to its
// end and keeps what fits in 16 MiB.
pub fn cap_pipe(mut text: String, out: &mut Output) -> String {
    if text.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        out.err(&format!(
            "kubelab: a pipe holds at most {MAX_TEXT} bytes here; the rest of its writer's output was dropped\n"
        ));
    }
    text
}

/// Forwards the stderr chunks of `buf` to `out` and returns its stdout text.
pub fn pass_stderr(buf: Output, out: &mut Output) -> String {
    let mut stdout = String::new();
    for (stream, text) in buf.chunks {
        match stream {
            Stream::Stdout => stdout.push_str(&text),
            Stream::Stderr => out.err(&text),
        }
    }
    stdout
}

/// Reports valid bash that this shell does not run (status 2, like a syntax error).
pub fn unsupported(out: &mut Output, what: &str) -> Status {
    out.err(&format!("bash: {what} is not supported in this shell\n"));
    Ok(2)
}
