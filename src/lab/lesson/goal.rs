//! A step's goal as a picture: the cluster the step should end with, drawn small beside the
//! live diagram in its own visual language. It is the lab as it is when the step begins, with
//! the step's lines run in a copy of it and the copy let settle (as `kubelab lesson new` lets
//! each step settle); the lab itself is not touched.

use crate::lab::view::{self, Diagram};
use crate::lab::Lab;

/// Longest the copy is given to settle after the step's lines (virtual ms).
const SETTLE_MS: u64 = 3 * 60_000;

/// The diagram of `lab` after `lines` typed in terminal `term` (a free one when a watch holds
/// it, as Run types them), once settled.
pub fn goal(lab: &Lab, term: usize, lines: &[String]) -> Diagram {
    let mut s = lab.session.clone();
    // Waits play out in virtual time, as in a replay, instead of holding the terminal.
    s.live = false;
    let t = if s.busy(term) { (0..lab.terms.len()).find(|&t| !s.busy(t)).unwrap_or(term) } else { term };
    for line in lines {
        s.run_line_in(t, line);
    }
    let mut waited = 0;
    while s.sim.next_due().is_some() && waited < SETTLE_MS {
        s.sleep(1000);
        waited += 1000;
    }
    view::diagram(&s.sim)
}
