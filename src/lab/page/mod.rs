//! The whole page's state without the page: the `Lab`, the editor's open file and its
//! diagnostics, each terminal's input line, half-typed command and place in its history, the
//! clock's play and speed, the panes shown, the object dialog, the lesson panel's `Guide`, and
//! the diagram and Events panel as last read from the model.
//!
//! `Page::update` takes an [`Action`] (a key, a click, the clock's tick) and returns an
//! [`Outcome`]: whether the page must be drawn again, and the [`Effect`]s only the browser can
//! carry out (storage, fetches, focus). The yew components in `ui` draw a `Page` and send its
//! actions; each pane reads a key of what it shows (`Page::terminal_key`, `Page::editor_key`),
//! so a pane whose key did not move is not drawn again on a clock tick. `tests/page.rs` drives
//! it natively.

mod clock;
mod editor;
pub mod terminal;

use crate::lab::i18n::Lang;
use crate::lab::lesson::guide::{self, Guide};
use crate::lab::{view, Lab};
use crate::sim::ObjKey;
pub use editor::apply_line;
use std::cell::RefCell;
use std::rc::Rc;
pub use terminal::{claims, Key, Term};

/// How often the page's clock ticks while playing (real milliseconds).
pub const TICK_MS: u32 = 50;
/// The clock's ticks read the cluster again at most this often (real milliseconds); what is
/// typed or clicked reads it at once.
pub const DIAGRAM_EVERY_MS: f64 = 250.0;
/// How many terminals the page has.
pub const TERMINALS: usize = 2;
/// How many of the newest events the Events panel lists.
pub const EVENT_ROWS: usize = 60;

/// A pane of the page, which can be shown or hidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Editor,
    Terminal,
    Diagram,
    Timeline,
}

pub const PANES: [Pane; 4] = [Pane::Editor, Pane::Terminal, Pane::Diagram, Pane::Timeline];

impl Pane {
    /// The pane's name in `?panes=` and its word in `i18n`.
    pub fn key(self) -> &'static str {
        match self {
            Pane::Editor => "editor",
            Pane::Terminal => "terminal",
            Pane::Diagram => "diagram",
            Pane::Timeline => "timeline",
        }
    }

    /// The panes a `?panes=` value names (`terminal,diagram`), none when it names none.
    pub fn list(v: &str) -> Option<Vec<Pane>> {
        let panes: Vec<Pane> =
            v.split(',').filter_map(|w| PANES.iter().copied().find(|p| p.key() == w.trim())).collect();
        (!panes.is_empty()).then_some(panes)
    }
}

/// Something that happened on the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Tick,
    /// The page is being hidden or left: save now, not at the next second.
    Leave,
    /// The open file's new text, and the 1-based line the caret is on.
    Edit(String, usize),
    /// The editor's caret moved to this 1-based line.
    Caret(usize),
    SelectFile(usize),
    NewFileName(String),
    AddFile,
    Apply,
    Input(usize, String),
    Key(usize, Key),
    SelectTerm(usize),
    Play,
    Pause,
    Speed(u64),
    Step,
    Seek(u64),
    Select(Option<ObjKey>),
    /// A terminal was scrolled: whether its view is at the bottom now.
    Scrolled(usize, bool),
    ToggleLang,
    AskReset,
    Reset(bool),
    Compare,
    TogglePane(Pane),
    /// Something for the lesson panel (`lab::lesson::guide`).
    Lesson(guide::Action),
    /// "Save as lesson": a lesson drafted from the lines typed so far, as `kubelab lesson new`
    /// drafts it, offered for download.
    SaveLesson,
}

/// What only the browser can do for the page, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Save the lab (`Lab::save`); a failure's word goes to `Page::notice`.
    Save,
    /// Save the lesson panel (`Guide::to_json`).
    SaveLessons,
    /// Remember the language (and mark the document with it).
    SaveLang,
    /// Forget every save (Reset).
    ClearStorage,
    /// Fetch a file and answer with `Action::Lesson(Fetched)`.
    Fetch(String),
    /// Offer a file for download.
    Download { name: String, text: String },
}

/// The id of a lesson drafted by "Save as lesson" (`kubelab lesson new`'s when it has no name).
pub const DRAFT_ID: &str = "new-lesson";

/// What the page's address asks of the lesson panel: `?lesson-url=`, `?lesson=`, `?step=`.
#[derive(Clone, Debug, Default)]
pub struct Asked {
    pub lesson_url: Option<String>,
    pub lesson: Option<String>,
    pub step: Option<String>,
}

/// What an action did: whether the page must be drawn again, and the browser's work.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub draw: bool,
    pub effects: Vec<Effect>,
}

/// The diagram and the Events panel as last read from the model, and when: read again only
/// when the model (or, for the events' LAST SEEN, the clock) moved, on a tick at most every
/// `DIAGRAM_EVERY_MS`. An equal reading keeps the old `Rc`, so its drawing is not rebuilt.
#[derive(Default)]
pub struct Views {
    pub diagram: Rc<view::Diagram>,
    diagram_of: Option<(u64, u64)>,
    diagram_read: f64,
    /// When the drawing last had an unscheduled pod (real ms), and whether it draws their lane
    /// now (`view::shows_unscheduled_lane`: kept a while, so the scale stays put).
    unscheduled_seen: Option<f64>,
    pub unscheduled_lane: bool,
    pub events: Rc<view::Events>,
    events_of: Option<((u64, u64), u64)>,
    events_read: f64,
    /// What the last readings made of each pod and event, kept while they are unchanged.
    reader: view::Reader,
}

/// The page's state.
pub struct Page {
    pub lab: Lab,
    pub lang: Lang,
    /// The editor's open file (an index of `lab.files`), the new-file box, the open file's
    /// diagnostics (refreshed when its text changes) and the line the caret is on.
    pub active_file: usize,
    pub new_file: String,
    pub diags: Vec<crate::kubectl::apply::Hint>,
    pub caret_line: usize,
    pub active_term: usize,
    pub terms: Vec<Term>,
    pub playing: bool,
    pub speed: u64,
    /// The object whose YAML the dialog shows.
    pub selected: Option<ObjKey>,
    pub panes: Vec<Pane>,
    /// A word of `i18n` the page shows as a notice (storage off, full, corrupt).
    pub notice: Option<&'static str>,
    pub confirm_reset: bool,
    /// Something to save changed since the last save.
    pub dirty: bool,
    since_save: u32,
    /// Real time of the last tick (ms): the clock moves by real elapsed time times the speed,
    /// however late a tick comes.
    last_tick: Option<f64>,
    /// The work budget of the next tick's advance (`lab::next_budget`).
    budget: u64,
    pub views: Views,
    /// Counts the times the lab was replaced or moved in time (Reset, a fresh lesson, a share
    /// link, the scrubber): within one, a terminal's text only grows, so its shape says
    /// whether it changed (`TermKey`).
    pub lab_gen: u64,
    /// The lesson panel's state (shared with its component), and how many times it changed.
    pub guide: Rc<RefCell<Guide>>,
    pub guide_version: u64,
    /// The real clock in milliseconds (the browser's `performance.now()`).
    pub real_ms: fn() -> f64,
    /// Called with each command line just before it runs (the page's `?inject-panic` hook).
    pub before_run: fn(&str),
    effects: Vec<Effect>,
}

fn no_clock() -> f64 {
    0.0
}

/// The key a terminal pane is drawn from: when it is equal, the pane is not drawn again.
#[derive(Clone, Debug, PartialEq)]
pub struct TermKey {
    lab_gen: u64,
    lang: Lang,
    active: usize,
    busy: Vec<bool>,
    /// The shown terminal's pieces: cut from the front, their count, the last one's length.
    text: (usize, usize, usize),
    input: String,
    pending: usize,
    fresh: bool,
}

impl TermKey {
    /// The shown terminal's text, as far as it can have changed (the pieces cut from the
    /// front, their count, the last one's length).
    pub fn text(&self) -> (usize, usize, usize) {
        self.text
    }
}

/// The key the editor pane is drawn from.
#[derive(Clone, Debug, PartialEq)]
pub struct EditorKey {
    lang: Lang,
    active: usize,
    /// The files' names and a digest of the open file's text.
    names: Vec<String>,
    text: u64,
    diags: usize,
    caret: usize,
    new_file: String,
}

/// FNV-1a of a text: a digest that says whether it changed.
fn digest(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

impl Page {
    /// The page over `lab`, every pane shown, the clock playing at 1×, the guide closed.
    pub fn new(lab: Lab, lang: Lang) -> Page {
        let terms = vec![Term::default(); lab.terms.len().max(TERMINALS)];
        let mut page = Page {
            lab,
            lang,
            active_file: 0,
            new_file: String::new(),
            diags: Vec::new(),
            caret_line: 0,
            active_term: 0,
            terms,
            playing: true,
            speed: 1,
            selected: None,
            panes: PANES.to_vec(),
            notice: None,
            confirm_reset: false,
            dirty: false,
            since_save: 0,
            last_tick: None,
            budget: crate::lab::MIN_BUDGET,
            views: Views::default(),
            lab_gen: 0,
            guide: Rc::default(),
            guide_version: 0,
            real_ms: no_clock,
            before_run: |_| {},
            effects: Vec::new(),
        };
        page.refresh_diags();
        page
    }

    pub fn shown(&self, p: Pane) -> bool {
        self.panes.contains(&p)
    }

    /// The page's work for `action`.
    pub fn update(&mut self, action: Action) -> Outcome {
        let tick = matches!(action, Action::Tick);
        let draw = match action {
            Action::Lesson(a) => self.lesson(a),
            Action::Tick => {
                let changed = self.on_tick();
                // The step's checks as the clock runs; Run's next line once its terminal is free.
                let wants = self.guide.borrow().wants_tick(&self.lab);
                wants && self.lesson(guide::Action::Tick) || changed
            }
            a => self.handle(a),
        };
        if draw {
            self.refresh_views(tick);
        }
        Outcome { draw, effects: std::mem::take(&mut self.effects) }
    }

    /// An action's work, but the lesson's and the tick's; true when the page must be drawn.
    fn handle(&mut self, action: Action) -> bool {
        match action {
            Action::Leave => {
                if self.dirty {
                    self.save();
                }
                false
            }
            Action::Edit(text, caret) => {
                self.caret_line = caret;
                self.on_edit(text)
            }
            Action::Caret(line) => {
                let changed = self.caret_line != line;
                self.caret_line = line;
                changed
            }
            Action::SelectFile(i) => {
                self.active_file = i.min(self.lab.files.len().saturating_sub(1));
                self.refresh_diags();
                true
            }
            Action::NewFileName(n) => {
                self.new_file = n;
                false
            }
            Action::AddFile => self.on_add_file(),
            Action::Apply => self.on_apply(),
            Action::Compare => self.on_compare(),
            Action::Input(t, v) => {
                if let Some(term) = self.terms.get_mut(t) {
                    term.input = v;
                }
                false
            }
            Action::Key(t, key) => {
                let changed = t < self.terms.len() && self.on_key(t, &key);
                if self.dirty {
                    // What was typed is saved at once, not on the next tick.
                    self.save();
                }
                changed
            }
            Action::SelectTerm(t) => {
                self.active_term = t.min(self.terms.len() - 1);
                true
            }
            Action::Scrolled(t, at_bottom) => {
                if let Some(term) = self.terms.get_mut(t) {
                    term.stick = at_bottom;
                }
                false
            }
            a => self.handle_page(a),
        }
    }

    /// The header's, the timeline's and the dialogs' actions.
    #[inline(never)]
    fn handle_page(&mut self, action: Action) -> bool {
        match action {
            Action::Play => self.playing = true,
            Action::Pause => self.playing = false,
            Action::Speed(s) => self.speed = s,
            Action::Step => {
                self.playing = false;
                self.lab.step_event();
                self.dirty = true;
            }
            Action::Seek(at) => {
                self.playing = false;
                self.lab_gen += 1;
                self.lab.seek(at);
                self.dirty = true;
            }
            Action::Select(k) => self.selected = k,
            Action::ToggleLang => {
                self.lang = if self.lang == Lang::En { Lang::Ko } else { Lang::En };
                self.effects.push(Effect::SaveLang);
            }
            Action::AskReset => self.confirm_reset = true,
            Action::SaveLesson => {
                let text = crate::lab::lesson::skeleton::from_lab(&self.lab, DRAFT_ID);
                self.effects.push(Effect::Download { name: format!("{DRAFT_ID}.yaml"), text });
            }
            Action::Reset(yes) => self.on_reset(yes),
            Action::TogglePane(p) => self.on_toggle_pane(p),
            _ => {}
        }
        true
    }

    fn save(&mut self) {
        self.effects.push(Effect::Save);
        self.dirty = false;
        self.since_save = 0;
    }

    /// The terminal a button's command goes to: the active one unless a watch holds it.
    fn free_term(&self) -> usize {
        if !self.lab.busy(self.active_term) {
            return self.active_term;
        }
        (0..self.terms.len()).find(|&t| !self.lab.busy(t)).unwrap_or(self.active_term)
    }

    /// Runs a button's command where it can be seen.
    fn run_visibly(&mut self, line: &str) {
        let t = self.free_term();
        self.active_term = t;
        self.lab.run(t, line);
        self.dirty = true;
    }

    /// The reset dialog's answer: on yes, a fresh lab, terminals and storage.
    #[inline(never)]
    fn on_reset(&mut self, yes: bool) {
        self.confirm_reset = false;
        if !yes {
            return;
        }
        self.lab = Lab::seed_lab();
        self.effects.push(Effect::ClearStorage);
        self.new_lab();
        self.save();
        self.guide.borrow_mut().lab_reset(&self.lab);
        self.guide_version += 1;
        self.effects.push(Effect::SaveLessons);
    }

    /// Puts `lab` on the page, as a fresh start does (a share link's lab, the saved one).
    pub fn show_lab(&mut self, lab: Lab) {
        self.lab = lab;
        self.new_lab();
        self.refresh_views(false);
    }

    /// The lab was replaced: the page forgets what it read of the old one and the terminals'
    /// half-typed lines.
    fn new_lab(&mut self) {
        self.lab_gen += 1;
        self.views.diagram_of = None;
        self.views.events_of = None;
        self.views.unscheduled_seen = None;
        self.active_file = 0;
        self.refresh_diags();
        self.terms = vec![Term::default(); self.terms.len()];
        self.selected = None;
        self.playing = true;
    }

    /// Shows or hides a pane; the last one shown stays.
    #[inline(never)]
    fn on_toggle_pane(&mut self, p: Pane) {
        if !self.shown(p) {
            self.panes.push(p);
        } else if self.panes.len() > 1 {
            self.panes.retain(|x| *x != p);
        }
    }

    /// At the page's start: the lesson index is fetched; the lesson the address asks for is
    /// opened, or the one open before the reload (`saved`, `Guide::to_json`), or on a
    /// newcomer's first visit (nothing saved) the first lesson. The views are read.
    pub fn start(&mut self, saved: Option<&str>, asked: Asked, first_visit: bool) -> Outcome {
        let (guide, before) = saved.map(Guide::from_json).unwrap_or_default();
        let was_open = guide.open;
        *self.guide.borrow_mut() = guide;
        self.effects.push(Effect::Fetch(crate::lab::lesson::index::INDEX_URL.into()));
        let step = asked.step.and_then(|s| s.trim().parse::<usize>().ok()).and_then(|n| n.checked_sub(1));
        let (target, step, keep_open) = if let Some(url) = asked.lesson_url {
            (Some(guide::Target::Url(url)), None, false)
        } else if let Some(id) = asked.lesson {
            (Some(guide::Target::Id(id)), step, false)
        } else if let Some(t) = before {
            (Some(t), None, true)
        } else {
            ((first_visit && saved.is_none()).then_some(guide::Target::First), None, false)
        };
        if let Some(target) = target {
            self.lesson(guide::Action::Open { target, step, fresh: false });
            if keep_open {
                // A reload keeps the panel as the learner left it.
                self.guide.borrow_mut().open = was_open;
            }
        }
        self.refresh_views(false);
        Outcome { draw: true, effects: std::mem::take(&mut self.effects) }
    }

    /// Reduces a lesson action and carries out its effects.
    fn lesson(&mut self, action: guide::Action) -> bool {
        let effects = self.guide.borrow_mut().reduce(action, &mut self.lab);
        self.guide_version += 1;
        for fx in effects {
            self.lesson_effect(fx);
        }
        true
    }

    fn lesson_effect(&mut self, fx: guide::Effect) {
        match fx {
            guide::Effect::Fetch(url) => self.effects.push(Effect::Fetch(url)),
            guide::Effect::Type(t, line) => {
                // As if typed: into the input line, then Enter, in the terminal shown.
                self.active_term = t;
                self.terms[t].input = line;
                self.enter(t);
                self.save();
            }
            guide::Effect::NewLab => {
                self.new_lab();
                self.save();
            }
            guide::Effect::Save => self.effects.push(Effect::SaveLessons),
            guide::Effect::ShowFile(name) => {
                if let Some(i) = self.lab.files.iter().position(|(n, _)| *n == name) {
                    self.active_file = i;
                    self.refresh_diags();
                }
            }
        }
    }

    /// What the terminal pane shows now, as a key: equal keys draw the same pane.
    pub fn terminal_key(&self) -> TermKey {
        let t = self.active_term;
        let term = &self.lab.terms[t];
        TermKey {
            lab_gen: self.lab_gen,
            lang: self.lang,
            active: t,
            busy: (0..self.terms.len()).map(|t| self.lab.busy(t)).collect(),
            text: (term.dropped, term.scrollback.len(), term.scrollback.last().map_or(0, |(_, s)| s.len())),
            input: self.terms[t].input.clone(),
            pending: self.terms[t].pending.text().len() + usize::from(!self.terms[t].pending.is_empty()),
            fresh: term.history.is_empty(),
        }
    }

    /// What the editor pane shows now, as a key.
    pub fn editor_key(&self) -> EditorKey {
        EditorKey {
            lang: self.lang,
            active: self.active_file,
            names: self.lab.files.iter().map(|(n, _)| n.clone()).collect(),
            text: self.lab.files.get(self.active_file).map_or(0, |(_, t)| digest(t)),
            diags: self.diags.len(),
            caret: self.caret_line,
            new_file: self.new_file.clone(),
        }
    }
}
