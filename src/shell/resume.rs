//! A script that runs a little at a time: a container's main process. Each step runs the
//! script's top-level commands, and single rounds of its top-level loops, until they have
//! slept [`MIN_PAUSE_MS`] or more (the host says so, [`Host::slept`]); the caller lets that much
//! time pass and steps again. So `while true; do date; sleep 5; done` prints a line every five seconds of
//! the cluster's clock, and `until nslookup db; do sleep 2; done` waits for `db` to exist.
//!
//! Sleeps inside other constructs (a subshell, a pipeline, a nested loop) still count, but
//! the step ends only after the top-level command or loop round that holds them.

use super::exec::{Flow, Shell};
use super::expand;
use super::syntax::{AndOrList, Command, CompoundCommand, CompoundList};
use super::{parse, Env, Host, Output};
use std::rc::Rc;

/// Rounds of a loop that never sleeps run at most this many per step (a busy loop then goes
/// on a second later).
// k8s-diff: a loop that never sleeps is paced, a thousand rounds a second.
pub const BUSY_ROUNDS: u32 = 1_000;

/// A step that has slept less than this goes on (its sleeps add up) until it has slept this
/// long: a loop that sleeps a millisecond a round costs a step per tenth of a second of the
/// cluster's clock, not one per millisecond.
// k8s-diff: what such a loop prints between two steps shows up in its log at the first of them,
// up to 100 ms early.
pub const MIN_PAUSE_MS: u64 = 100;

/// Where a script stands between steps.
#[derive(Clone, Debug)]
pub struct Script {
    program: Rc<CompoundList>,
    /// The next top-level command.
    pc: usize,
    /// The words a top-level `for` has still to go through (once it has started).
    pending_for: Option<Vec<String>>,
    /// The last command's status.
    status: i32,
}

/// How a step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The script ended with this status (or ran `exit`).
    Done(i32),
    /// It slept, or spun [`BUSY_ROUNDS`] rounds of a loop: step again once that time passed.
    Paused,
}

/// A top-level loop the script can pause inside: a `while`, `until` or `for` standing alone.
fn top_loop(item: &AndOrList) -> Option<&CompoundCommand> {
    if !item.additional.is_empty() || item.first.bang || item.first.seq.len() != 1 {
        return None;
    }
    match &item.first.seq[0] {
        Command::Compound(c @ (CompoundCommand::While { .. } | CompoundCommand::For { .. }), redirects)
            if redirects.is_empty() =>
        {
            Some(c)
        }
        _ => None,
    }
}

impl Script {
    /// Parses `text`; `Err` is the syntax error as bash words it.
    pub fn new(text: &str) -> Result<Script, String> {
        let parsed = parse::parse_program(text).map_err(|e| format!("bash: {e}"))?;
        Ok(Script { program: Rc::new(parsed.program), pc: 0, pending_for: None, status: 0 })
    }

    /// Runs the next part of the script over `env` and `host`.
    pub fn step(&mut self, env: &mut Env, host: &mut dyn Host, out: &mut Output) -> Step {
        let program = self.program.clone();
        let mut sh = Shell::new(env, host);
        let mut rounds = 0;
        while let Some(item) = program.0.get(self.pc) {
            let outcome = match top_loop(item) {
                Some(l) => {
                    rounds += 1;
                    self.loop_round(&mut sh, l, out)
                }
                None => {
                    self.pc += 1;
                    sh.and_or_item(item, out).map(|s| self.status = s)
                }
            };
            match outcome {
                Ok(()) => {}
                Err(Flow::Exit(s) | Flow::Abort(s)) => {
                    sh.env.last_status = s;
                    return Step::Done(s);
                }
                // `break`/`continue` outside a loop do nothing.
                Err(Flow::Break(_) | Flow::Continue(_)) => {}
            }
            sh.env.last_status = self.status;
            if sh.slept() >= MIN_PAUSE_MS || rounds >= BUSY_ROUNDS {
                return Step::Paused;
            }
        }
        Step::Done(self.status)
    }

    /// One round of the top-level loop at `pc` (moving past it when it ends).
    fn loop_round(&mut self, sh: &mut Shell<'_>, l: &CompoundCommand, out: &mut Output) -> Result<(), Flow> {
        sh.loop_depth += 1;
        let result = self.round(sh, l, out);
        sh.loop_depth -= 1;
        match result {
            Ok(true) => Ok(()),
            Ok(false) => {
                self.pc += 1;
                self.pending_for = None;
                Ok(())
            }
            Err(flow) => Err(flow),
        }
    }

    /// Whether the loop goes on after this round.
    fn round(&mut self, sh: &mut Shell<'_>, l: &CompoundCommand, out: &mut Output) -> Result<bool, Flow> {
        match l {
            CompoundCommand::While { until, condition, body } => {
                let Some(cond) = sh.iteration(condition, out)? else { return Ok(false) };
                if (cond == 0) == *until {
                    // The loop's status is its last body's, 0 if none ran.
                    return Ok(false);
                }
                match sh.iteration(body, out)? {
                    Some(s) => {
                        self.status = s;
                        Ok(true)
                    }
                    None => Ok(false),
                }
            }
            CompoundCommand::For { variable, values, body } => {
                if self.pending_for.is_none() {
                    let mut items = Vec::new();
                    for word in values {
                        items.extend(expand::fields(sh, word, out)?);
                    }
                    items.reverse();
                    self.status = 0;
                    self.pending_for = Some(items);
                }
                let Some(item) = self.pending_for.as_mut().and_then(Vec::pop) else { return Ok(false) };
                sh.env.set_var(variable, &item);
                match sh.iteration(body, out)? {
                    Some(s) => {
                        self.status = s;
                        Ok(self.pending_for.as_ref().is_some_and(|p| !p.is_empty()))
                    }
                    None => Ok(false),
                }
            }
            _ => Ok(false),
        }
    }
}
