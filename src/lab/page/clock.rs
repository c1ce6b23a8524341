//! The page's clock without the page: each tick moves the lab on by the real time passed
//! (times the speed, within a work budget), saves a second after a change, and reads the
//! diagram and the Events panel again when the model moved.

use super::{Page, Pane, DIAGRAM_EVERY_MS, EVENT_ROWS, TICK_MS};
use crate::lab::{self, view};
use std::rc::Rc;

impl Page {
    /// The clock's tick: saves a second after a change, and moves the lab on by the real time
    /// passed (times the speed) while playing.
    pub(super) fn on_tick(&mut self) -> bool {
        self.since_save += 1;
        if self.dirty && self.since_save * TICK_MS >= 1000 {
            self.save();
        }
        let now = (self.real_ms)();
        let elapsed = self.last_tick.map_or(f64::from(TICK_MS), |t| (now - t).clamp(0.0, 1000.0));
        self.last_tick = Some(now);
        if !self.playing {
            return false;
        }
        let before = self.lab.now();
        // A slice of the model's work per tick, sized to what the last ones took: when the
        // cluster is busy the clock falls behind rather than the page freezing.
        self.lab.advance_within((elapsed * self.speed as f64) as u64, self.budget);
        self.budget = lab::next_budget(self.budget, (self.real_ms)() - now);
        self.dirty |= self.lab.now() != before;
        true
    }

    /// Reads the diagram and the Events panel again if they may have changed. On the clock's
    /// tick, not both in one: a tick that read the drawing leaves the panel to the next (each
    /// costs the page a reading and a drawing; together, with the model's slice, a long frame).
    pub fn refresh_views(&mut self, tick: bool) {
        if !(self.refresh_diagram(tick) && tick) {
            self.refresh_events(tick);
        }
    }

    /// Reads the diagram again if the model changed since it was last read; an equal diagram
    /// keeps the old one, so the drawing is not rebuilt. On the clock's tick, at most every
    /// `DIAGRAM_EVERY_MS` (a busy cluster changes at every tick, and a large drawing costs the
    /// browser a layout each time it changes). True when it read it.
    fn refresh_diagram(&mut self, tick: bool) -> bool {
        let real = (self.real_ms)();
        let v = &mut self.views;
        v.unscheduled_lane = view::shows_unscheduled_lane(v.unscheduled_seen, real);
        let now = Some(self.lab.changes());
        if now == v.diagram_of || !self.panes.contains(&Pane::Diagram) {
            return false;
        }
        if tick && real - v.diagram_read < DIAGRAM_EVERY_MS {
            return false;
        }
        v.diagram_read = real;
        v.diagram_of = now;
        let d = v.reader.diagram(&self.lab.session.sim);
        v.unscheduled_seen = view::unscheduled_seen(&d, v.unscheduled_seen, real);
        v.unscheduled_lane = view::shows_unscheduled_lane(v.unscheduled_seen, real);
        if d != *v.diagram {
            v.diagram = Rc::new(d);
        }
        true
    }

    /// Reads the Events panel again if the model or the clock moved since it was last read (its
    /// LAST SEEN column moves with the clock); on the clock's tick at most every
    /// `DIAGRAM_EVERY_MS`. An equal panel keeps the old one, so it is not drawn again.
    fn refresh_events(&mut self, tick: bool) {
        let now = Some((self.lab.changes(), self.lab.now()));
        let v = &mut self.views;
        if now == v.events_of || !self.panes.contains(&Pane::Diagram) {
            return;
        }
        let real = (self.real_ms)();
        if tick && real - v.events_read < DIAGRAM_EVERY_MS {
            return;
        }
        v.events_read = real;
        v.events_of = now;
        let e = v.reader.events(&self.lab.session.sim, EVENT_ROWS);
        if e != *v.events {
            v.events = Rc::new(e);
        }
    }
}
