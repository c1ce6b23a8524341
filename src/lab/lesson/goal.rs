//! A step's goal as a picture: the cluster the step should end with, drawn small beside the
//! live diagram in its own visual language. It is the lab as it is when the step begins, with
//! the step's lines run in a copy of it and the copy let settle (as `kubelab lesson new` lets
//! each step settle); the lab itself is not touched.
//!
//! Settling can be minutes of a busy cluster's virtual time (a pod that never gets Ready keeps
//! its probes and restarts going), so the page works it out in slices of the model's work
//! between frames ([`Goal::go_on`]), as its clock does: the same states as one go ([`goal`]).

use crate::lab::session::{Session, LINE_STEPS};
use crate::lab::view::{self, Diagram};
use crate::lab::Lab;

/// Longest the copy is given to settle after the step's lines (virtual ms).
const SETTLE_MS: u64 = 3 * 60_000;
/// The copy settles a second at a time: it has settled when nothing is due after a second.
const SETTLE_STEP_MS: u64 = 1000;
/// Seconds of settling one slice may take, whatever little work they hold (each costs the
/// terminals' polling and the watch cache's trim, which the work count does not see).
const SLICE_STEPS: u64 = 10;

/// A goal being worked out: the copy of the lab, its step's lines run one a slice, then
/// settling.
#[derive(Clone)]
pub struct Goal {
    session: Session,
    /// The terminal the lines go to, and the lines still to run (last first).
    term: usize,
    lines: Vec<String>,
    waited: u64,
}

impl std::fmt::Debug for Goal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Goal").field("waited", &self.waited).field("now", &self.session.sim.now()).finish()
    }
}

impl Goal {
    /// A copy of `lab` about to have `lines` typed in terminal `term` (a free one when a
    /// watch holds it, as Run types them), then settle.
    pub fn start(lab: &Lab, term: usize, lines: &[String]) -> Goal {
        let mut s = lab.session.clone();
        // Waits play out in virtual time, as in a replay, instead of holding the terminal.
        s.live = false;
        let term = if s.busy(term) { (0..lab.terms.len()).find(|&t| !s.busy(t)).unwrap_or(term) } else { term };
        if lines.is_empty() {
            s.sim.allow_steps(Some(LINE_STEPS));
        }
        Goal { session: s, term, lines: lines.iter().rev().cloned().collect(), waited: 0 }
    }

    /// Runs the next of the step's lines in the copy, or lets it settle on for at most
    /// `budget` units of the model's work (`Sim::work_done`) and `SLICE_STEPS` seconds; the
    /// diagram once it has settled: nothing due after a second, `SETTLE_MS` passed, or the
    /// copy's allowance of timers for settling (`LINE_STEPS`, as a line's) spent.
    pub fn go_on(&mut self, budget: u64) -> Option<Diagram> {
        let s = &mut self.session;
        if let Some(line) = self.lines.pop() {
            s.run_line_in(self.term, &line);
            if self.lines.is_empty() {
                s.sim.allow_steps(Some(LINE_STEPS));
            }
            return None;
        }
        let stop = s.sim.work_done().saturating_add(budget.max(1));
        let last = self.waited + SLICE_STEPS * SETTLE_STEP_MS;
        loop {
            let settled = !s.mid_instant()
                && (s.sim.next_due().is_none() || self.waited >= SETTLE_MS || s.sim.ran_out().is_some());
            if settled {
                return Some(view::diagram(&s.sim));
            }
            if s.sim.work_done() >= stop || self.waited >= last {
                return None;
            }
            // Heading for the next second mark (a run stopped part-way goes on to the mark
            // it was heading for, whatever is passed here).
            if !s.run_until_within(s.sim.now().plus_ms(SETTLE_STEP_MS), stop) {
                return None;
            }
            self.waited += SETTLE_STEP_MS;
        }
    }
}

/// The diagram of `lab` after `lines` typed in terminal `term`, once settled, in one go.
pub fn goal(lab: &Lab, term: usize, lines: &[String]) -> Diagram {
    let mut g = Goal::start(lab, term, lines);
    loop {
        if let Some(d) = g.go_on(u64::MAX) {
            return d;
        }
    }
}
