//! The three stages every kubectl command goes through: **parse** its words into a typed
//! request (or the help text), **execute** the request against the cluster, **render** what
//! happened as a [`Report`]: what goes to stdout and stderr, in order, and how the command
//! ended. The report reaches the terminal in one place ([`Report::render`]), and errors are
//! worded in one place ([`super::errors`]).
//!
//! A command module reads, for `scale`:
//!
//! ```text
//! pub fn parse_scale(argv) -> Result<Parsed<Scale>, Error>     // words → request
//! fn scale(ctx, Scale) -> Vec<Result<Scaled, Error>>            // request → what happened
//! fn render_scaled(Vec<Result<Scaled, Error>>) -> Report        // what happened → text
//! ```
//!
//! Commands that let virtual time run while they print (a watch in a replay, `delete` waiting
//! for its objects, `rollout status`) execute into a report as the clock moves.

use super::errors::Error;
use super::{Ctx, Effect, Outcome};
use crate::support::output::Output;

/// A command line, parsed.
pub enum Parsed<R> {
    /// What to do.
    Run(R),
    /// `-h`/`--help`: the text to print.
    Help(String),
}

/// What a command printed, stdout and stderr in order, and how it ended.
#[must_use]
#[derive(Default)]
pub struct Report {
    /// What it printed so far.
    pub text: Output,
    /// Whether it reported an error.
    pub failed: bool,
    /// The exit status when it is not 0 or 1 (a container's own status under `exec`, 130
    /// for a watch Ctrl-C ends).
    pub code: Option<i32>,
    pub effect: Option<Effect>,
}

impl Report {
    /// A report of one failure.
    #[inline(never)]
    pub fn failure(e: Error) -> Report {
        let mut r = Report::default();
        r.push_err(e);
        r
    }

    /// A command's help text.
    #[inline(never)]
    pub fn help(text: String) -> Report {
        let mut r = Report::default();
        r.push_line(&text);
        r
    }

    /// A line to stdout (its newline added).
    pub fn line(&mut self, s: impl AsRef<str>) {
        self.push_line(s.as_ref());
    }

    // The generic doors stay thin; the work is done once (the page carries one copy).
    #[inline(never)]
    fn push_line(&mut self, s: &str) {
        self.text.out(s);
        self.text.out("\n");
    }

    /// Text to stdout as it is.
    pub fn out(&mut self, s: impl AsRef<str>) {
        self.text.out(s.as_ref());
    }

    /// An error, printed where it happened in kubectl's words; the command fails.
    pub fn fail(&mut self, e: impl Into<Error>) {
        self.push_err(e.into());
    }

    #[inline(never)]
    fn push_err(&mut self, e: Error) {
        self.text.err(&format!("{e}\n"));
        self.failed = true;
    }

    /// A line to stderr that is not a failure.
    pub fn note(&mut self, s: impl AsRef<str>) {
        self.push_note(s.as_ref());
    }

    #[inline(never)]
    fn push_note(&mut self, s: &str) {
        self.text.err(s);
        self.text.err("\n");
    }

    /// Another program's stderr, passed on as it is (no newline added).
    pub fn stderr(&mut self, s: impl AsRef<str>) {
        self.text.err(s.as_ref());
    }

    /// Whether an error was reported.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// What another report printed, after what this one did.
    pub fn append(&mut self, other: Report) {
        for (stream, s) in other.text.chunks {
            self.text.write(stream, &s);
        }
        self.failed |= other.failed;
    }

    /// Writes the report to the terminal; the outcome is its exit status (1 when an error
    /// was reported, unless the command gave its own) and its effect.
    #[inline(never)]
    pub fn render(self, out: &mut Output) -> Outcome {
        let code = self.code.unwrap_or(if self.failed { 1 } else { 0 });
        for (stream, s) in self.text.chunks {
            out.write(stream, &s);
        }
        Outcome { code, effect: self.effect }
    }
}

/// Shows a report on the command's terminal.
#[inline(never)]
pub fn show(ctx: &mut Ctx<'_>, report: Report) -> Outcome {
    report.render(ctx.out)
}

/// Runs a command's stages: `execute` the parsed request, or report the help or the error.
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn run<R>(
    ctx: &mut Ctx<'_>,
    parsed: Result<Parsed<R>, Error>,
    execute: impl FnOnce(&mut Ctx<'_>, R) -> Report,
) -> Outcome {
    let report = match parsed {
        Ok(Parsed::Run(request)) => execute(ctx, request),
        Ok(Parsed::Help(text)) => Report::help(text),
        Err(e) => Report::failure(e),
    };
    show(ctx, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_prints_in_order_and_fails_on_an_error() {
        let mut r = Report::default();
        r.line("deployment.apps/a scaled");
        r.fail(Error::not_found("deployments.apps", "b"));
        r.line("deployment.apps/c scaled");
        let mut out = Output::default();
        let outcome = r.render(&mut out);
        assert_eq!(outcome.code, 1);
        assert_eq!(
            out.text(),
            "deployment.apps/a scaled\nError from server (NotFound): deployments.apps \"b\" not found\ndeployment.apps/c scaled\n"
        );
        assert_eq!(out.stderr(), "Error from server (NotFound): deployments.apps \"b\" not found\n");
    }

    #[test]
    fn a_note_is_not_a_failure() {
        let mut r = Report::default();
        r.note("Defaulted container \"a\" out of: a, b");
        let mut out = Output::default();
        assert_eq!(r.render(&mut out).code, 0);
    }
}
