//! Running a parsed line: lists, `&&`/`||`, pipelines, compound commands and
//! simple commands (builtins first, then the host).

use brush_parser::ast::{self, Command, CompoundCommand, CompoundList, IoRedirect};

use super::parse::Parsed;
use super::{Env, Host, MAX_COMMANDS, MAX_LOOP_ITERATIONS, Output, Stream};
use super::{arith, builtins, cond, expand, redirect};

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
            depth: 0,
        }
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
        let mut status = 0;
        for list in &parsed.program.complete_commands {
            status = self.list(list, out)?;
        }
        Ok(status)
    }

    /// Runs `cmd; cmd; ...` (a `&` separator runs synchronously too).
    pub fn list(&mut self, list: &CompoundList, out: &mut Output) -> Status {
        let mut status = 0;
        for item in &list.0 {
            status = self.and_or(&item.0, out)?;
        }
        Ok(status)
    }

    fn and_or(&mut self, list: &ast::AndOrList, out: &mut Output) -> Status {
        let mut status = self.pipeline(&list.first, out)?;
        for next in &list.additional {
            let (wanted, pipeline) = match next {
                ast::AndOr::And(p) => (status == 0, p),
                ast::AndOr::Or(p) => (status != 0, p),
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
    fn pipeline(&mut self, pipeline: &ast::Pipeline, out: &mut Output) -> Status {
        let mut status = 0;
        if let [only] = pipeline.seq.as_slice() {
            status = self.command(only, out)?;
        } else {
            let saved = self.stdin.take();
            let mut input = saved.clone();
            for (i, command) in pipeline.seq.iter().enumerate() {
                self.stdin = input.take();
                let result = if i + 1 == pipeline.seq.len() {
                    self.subshell(out, |sh, o| sh.command(command, o))
                } else {
                    let mut buf = Output::default();
                    let result = self.subshell(&mut buf, |sh, o| sh.command(command, o));
                    input = Some(pass_stderr(buf, out));
                    result
                };
                match result {
                    Ok(s) => status = s,
                    Err(flow) => {
                        self.stdin = saved;
                        return Err(flow);
                    }
                }
            }
            self.stdin = saved;
        }
        if pipeline.bang {
            status = i32::from(status == 0);
        }
        self.env.last_status = status;
        Ok(status)
    }

    fn command(&mut self, command: &Command, out: &mut Output) -> Status {
        match command {
            Command::Simple(simple) => self.simple(simple, out),
            Command::Compound(compound, redirects) => {
                let redirects: Vec<&IoRedirect> = redirects.iter().flat_map(|r| &r.0).collect();
                self.redirected(&redirects, out, |sh, o| sh.compound(compound, o))
            }
            Command::ExtendedTest(test, redirects) => {
                let redirects: Vec<&IoRedirect> = redirects.iter().flat_map(|r| &r.0).collect();
                self.redirected(&redirects, out, |sh, o| cond::extended_test(sh, &test.expr, o))
            }
            Command::Function(_) => {
                out.err("bash: function definitions are not supported in this shell\n");
                Ok(2)
            }
        }
    }

    fn simple(&mut self, simple: &ast::SimpleCommand, out: &mut Output) -> Status {
        self.tick(out)?;
        self.subst_status = None;
        let mut assignments = Vec::new();
        let mut redirects = Vec::new();
        let mut argv = Vec::new();
        let prefix = simple.prefix.iter().flat_map(|p| &p.0);
        let suffix = simple.suffix.iter().flat_map(|s| &s.0);
        for item in prefix {
            match item {
                ast::CommandPrefixOrSuffixItem::AssignmentWord(a, _) => assignments.push(a),
                ast::CommandPrefixOrSuffixItem::IoRedirect(r) => redirects.push(r),
                ast::CommandPrefixOrSuffixItem::Word(w) => argv.extend(expand::fields(self, w, out)?),
                ast::CommandPrefixOrSuffixItem::ProcessSubstitution(..) => return unsupported(out),
            }
        }
        if let Some(name) = &simple.word_or_name {
            argv.extend(expand::fields(self, name, out)?);
        }
        for item in suffix {
            match item {
                ast::CommandPrefixOrSuffixItem::Word(w) => argv.extend(expand::fields(self, w, out)?),
                // `export A=$x`: expanded like an assignment, without field splitting.
                ast::CommandPrefixOrSuffixItem::AssignmentWord(_, w) => {
                    argv.push(expand::single(self, &w.value, out)?);
                }
                ast::CommandPrefixOrSuffixItem::IoRedirect(r) => redirects.push(r),
                ast::CommandPrefixOrSuffixItem::ProcessSubstitution(..) => return unsupported(out),
            }
        }
        let mut values = Vec::new();
        for a in assignments {
            values.push(expand::assignment(self, a, out)?);
        }
        if argv.is_empty() {
            for (name, value) in values {
                self.env.set_var(&name, &value);
            }
            let status = self.subst_status.unwrap_or(0);
            return self.redirected(&redirects, out, |_, _| Ok(status));
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
        let result = self.redirected(&redirects, out, |sh, o| sh.dispatch(&argv, o));
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
        let stdin = self.stdin.clone();
        Ok(self.host.run_with_env(argv, stdin.as_deref(), self.env, out))
    }

    fn compound(&mut self, compound: &CompoundCommand, out: &mut Output) -> Status {
        match compound {
            CompoundCommand::BraceGroup(group) => self.list(&group.list, out),
            CompoundCommand::Subshell(sub) => self.subshell(out, |sh, o| sh.list(&sub.list, o)),
            CompoundCommand::IfClause(clause) => {
                if self.list(&clause.condition, out)? == 0 {
                    return self.list(&clause.then, out);
                }
                for branch in clause.elses.iter().flatten() {
                    match &branch.condition {
                        Some(cond) if self.list(cond, out)? != 0 => {}
                        _ => return self.list(&branch.body, out),
                    }
                }
                Ok(0)
            }
            CompoundCommand::ForClause(clause) => {
                let mut items = Vec::new();
                for word in clause.values.iter().flatten() {
                    items.extend(expand::fields(self, word, out)?);
                }
                self.looped(|sh| {
                    let mut status = 0;
                    for item in items {
                        sh.env.set_var(&clause.variable_name, &item);
                        match sh.iteration(&clause.body.list, out)? {
                            Some(s) => status = s,
                            None => break,
                        }
                    }
                    Ok(status)
                })
            }
            CompoundCommand::WhileClause(clause) | CompoundCommand::UntilClause(clause) => {
                let until = matches!(compound, CompoundCommand::UntilClause(_));
                let name = if until { "until" } else { "while" };
                self.looped(|sh| {
                    let mut status = 0;
                    for round in 0..=MAX_LOOP_ITERATIONS {
                        let Some(cond) = sh.iteration(&clause.0, out)? else { break };
                        if (cond == 0) == until {
                            break;
                        }
                        if round == MAX_LOOP_ITERATIONS {
                            return Ok(loop_cap(name, out));
                        }
                        match sh.iteration(&clause.1.list, out)? {
                            Some(s) => status = s,
                            None => break,
                        }
                    }
                    Ok(status)
                })
            }
            CompoundCommand::CaseClause(clause) => cond::case(self, clause, out),
            CompoundCommand::Arithmetic(cmd) => {
                let value = arith::command(self, &cmd.expr.value, out)?;
                Ok(value.map_or(1, |v| i32::from(v == 0)))
            }
            CompoundCommand::ArithmeticForClause(clause) => self.looped(|sh| {
                let eval = |sh: &mut Shell<'_>, e: &Option<ast::UnexpandedArithmeticExpr>, o: &mut Output| {
                    e.as_ref().map_or(Ok(Some(1)), |e| arith::command(sh, &e.value, o))
                };
                let mut status = 0;
                if eval(sh, &clause.initializer, out)?.is_none() {
                    return Ok(1);
                }
                for round in 0..=MAX_LOOP_ITERATIONS {
                    match eval(sh, &clause.condition, out)? {
                        None => return Ok(1),
                        Some(0) => break,
                        Some(_) if round == MAX_LOOP_ITERATIONS => return Ok(loop_cap("for", out)),
                        Some(_) => {}
                    }
                    match sh.iteration(&clause.body.list, out)? {
                        Some(s) => status = s,
                        None => break,
                    }
                    if eval(sh, &clause.updater, out)?.is_none() {
                        return Ok(1);
                    }
                }
                Ok(status)
            }),
            CompoundCommand::Coprocess(_) => unsupported(out),
        }
    }

    /// Runs `f` as the body of a loop (so `break`/`continue` are meaningful).
    fn looped(&mut self, f: impl FnOnce(&mut Self) -> Status) -> Status {
        self.loop_depth += 1;
        let result = f(self);
        self.loop_depth -= 1;
        result
    }

    /// Runs one part of a loop; `Ok(None)` means `break` out of this loop.
    fn iteration(&mut self, list: &CompoundList, out: &mut Output) -> Result<Option<i32>, Flow> {
        match self.list(list, out) {
            Ok(status) => Ok(Some(status)),
            Err(Flow::Break(n)) if n <= 1 => Ok(None),
            Err(Flow::Break(n)) => Err(Flow::Break(n - 1)),
            Err(Flow::Continue(n)) if n <= 1 => Ok(Some(0)),
            Err(Flow::Continue(n)) => Err(Flow::Continue(n - 1)),
            Err(flow) => Err(flow),
        }
    }

    /// Runs `f` in a subshell: variable changes are undone afterwards (files are
    /// shared) and `exit`, `break` and errors end only the subshell.
    pub fn subshell(
        &mut self,
        out: &mut Output,
        f: impl FnOnce(&mut Self, &mut Output) -> Status,
    ) -> Status {
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

    /// Counts one simple command against [`MAX_COMMANDS`].
    fn tick(&mut self, out: &mut Output) -> Result<(), Flow> {
        if self.commands_left == 0 {
            return Err(Flow::Abort(1));
        }
        self.commands_left -= 1;
        if self.commands_left == 0 {
            out.err(&format!("bash: line stopped after {MAX_COMMANDS} commands\n"));
            return Err(Flow::Abort(1));
        }
        Ok(())
    }

    /// Runs `body` with `redirects` applied to its output and input.
    fn redirected(
        &mut self,
        redirects: &[&IoRedirect],
        out: &mut Output,
        body: impl FnOnce(&mut Self, &mut Output) -> Status,
    ) -> Status {
        if redirects.is_empty() {
            return body(self, out);
        }
        let Some(plan) = redirect::open(self, redirects, out)? else {
            return Ok(1);
        };
        let saved = plan.stdin.map(|input| std::mem::replace(&mut self.stdin, Some(input)));
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
                    Sink::File(path) => self.env.append_file(path, &text),
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

/// Where a command's streams go after its redirections, and its new stdin.
pub struct Plan {
    /// Destination of file descriptor 1.
    pub stdout: Sink,
    /// Destination of file descriptor 2.
    pub stderr: Sink,
    /// Replacement standard input (`<`, here-documents), if any.
    pub stdin: Option<String>,
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

fn loop_cap(name: &str, out: &mut Output) -> i32 {
    out.err(&format!("bash: {name}: loop stopped after {MAX_LOOP_ITERATIONS} iterations\n"));
    1
}

fn unsupported(out: &mut Output) -> Status {
    out.err("bash: this construct is not supported in this shell\n");
    Ok(2)
}
