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

/// One thing a command printed.
#[derive(Debug, PartialEq)]
pub enum Item {
    /// Text to stdout, as it is (a table, a document, or lines with their newlines).
    Out(String),
    /// An error: stderr, in kubectl's words, and the command fails.
    Err(Error),
    /// A notice to stderr that is not a failure (`Defaulted container "x" out of: ...`).
    Note(String),
    /// What another program wrote to stderr through kubectl (`exec`), as it is.
    Stderr(String),
}

/// What a command printed, in order, and how it ended.
#[must_use]
#[derive(Default)]
pub struct Report {
    pub items: Vec<Item>,
    /// The exit status when it is not 0 or 1 (a container's own status under `exec`, 130
    /// for a watch Ctrl-C ends).
    pub code: Option<i32>,
    pub effect: Option<Effect>,
}

impl Report {
    /// A report of one failure.
    pub fn failure(e: Error) -> Report {
        Report { items: vec![Item::Err(e)], ..Report::default() }
    }

    /// A line to stdout (its newline added).
    pub fn line(&mut self, s: impl AsRef<str>) {
        self.out(format!("{}\n", s.as_ref()));
    }

    /// Text to stdout as it is.
    pub fn out(&mut self, s: impl Into<String>) {
        let s = s.into();
        if !s.is_empty() {
            self.items.push(Item::Out(s));
        }
    }

    /// An error, printed where it happened; the command fails.
    pub fn fail(&mut self, e: impl Into<Error>) {
        self.items.push(Item::Err(e.into()));
    }

    /// A line to stderr that is not a failure.
    pub fn note(&mut self, s: impl Into<String>) {
        self.items.push(Item::Note(s.into()));
    }

    /// Another program's stderr, passed on as it is (no newline added).
    pub fn stderr(&mut self, s: impl Into<String>) {
        let s = s.into();
        if !s.is_empty() {
            self.items.push(Item::Stderr(s));
        }
    }

    /// Whether an error was reported.
    pub fn failed(&self) -> bool {
        self.items.iter().any(|i| matches!(i, Item::Err(_)))
    }

    /// Writes the report to the terminal; the outcome is its exit status (1 when an error
    /// was reported, unless the command gave its own) and its effect.
    pub fn render(self, out: &mut Output) -> Outcome {
        let code = self.code.unwrap_or(if self.failed() { 1 } else { 0 });
        for item in self.items {
            match item {
                Item::Out(s) => out.out(&s),
                Item::Err(e) => out.err(&format!("{e}\n")),
                Item::Note(s) => out.err(&format!("{s}\n")),
                Item::Stderr(s) => out.err(&s),
            }
        }
        Outcome { code, effect: self.effect }
    }
}

/// Shows a report on the command's terminal.
pub fn show(ctx: &mut Ctx<'_>, report: Report) -> Outcome {
    report.render(ctx.out)
}

/// Runs a command's stages: `execute` the parsed request, or report the help or the error.
pub fn run<R>(
    ctx: &mut Ctx<'_>,
    parsed: Result<Parsed<R>, Error>,
    execute: impl FnOnce(&mut Ctx<'_>, R) -> Report,
) -> Outcome {
    let report = match parsed {
        Ok(Parsed::Run(request)) => execute(ctx, request),
        Ok(Parsed::Help(text)) => {
            let mut r = Report::default();
            r.line(text);
            r
        }
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
