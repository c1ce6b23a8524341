//! The browser page: yew components over a `Lab`. They render the model's state and events
//! and call the lab's methods; no rule of the cluster lives here.
//!
//! Panes (editor, terminal, diagram, timeline) can be shown alone or together: `?panes=`
//! in the address picks them (`?panes=terminal,diagram`), and the header's toggles change them.

mod diagram;
mod editor;
mod embed;
mod lesson;
mod share;
mod storage;
mod terminal;

use crate::lab::i18n::{self, Lang};
use crate::lab::lesson::guide::{Action, Guide};
use crate::lab::{self, Lab};
use crate::sim::ObjKey;
use gloo::timers::callback::Interval;
use std::rc::Rc;
use yew::prelude::*;

/// How often the clock moves while playing (real milliseconds).
const TICK_MS: u32 = 50;
/// The clock's ticks draw the cluster again at most this often (real milliseconds); what is
/// typed or clicked draws it at once.
const DIAGRAM_EVERY_MS: f64 = 250.0;
/// How many terminals the page has.
const TERMINALS: usize = 2;
/// A terminal's `App::scrolled` before it is first scrolled: no text looks like it.
const NOT_SCROLLED: (usize, usize, usize) = (usize::MAX, 0, 0);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Editor,
    Terminal,
    Diagram,
    Timeline,
}

const PANES: [Pane; 4] = [Pane::Editor, Pane::Terminal, Pane::Diagram, Pane::Timeline];

impl Pane {
    fn key(self) -> &'static str {
        match self {
            Pane::Editor => "editor",
            Pane::Terminal => "terminal",
            Pane::Diagram => "diagram",
            Pane::Timeline => "timeline",
        }
    }
}

pub enum Msg {
    Tick,
    /// The page is being hidden or left: save now, not at the next second.
    Leave,
    Edit(String),
    /// The editor's caret moved to this 1-based line.
    Caret(usize),
    SelectFile(usize),
    NewFileName(String),
    AddFile,
    Apply,
    Input(usize, String),
    Key(usize, KeyboardEvent),
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
    Lesson(Action),
    /// Share links (`share.rs`).
    Share(share::Msg),
    /// Something for the embed mode (`embed`).
    Embed(embed::Msg),
}

pub struct App {
    lab: Lab,
    lang: Lang,
    active_file: usize,
    new_file: String,
    active_term: usize,
    inputs: Vec<String>,
    /// Lines typed so far of an unfinished command (an open quote, a here-document).
    pending: Vec<crate::shell::LineReader>,
    hist_pos: Vec<Option<usize>>,
    playing: bool,
    speed: u64,
    selected: Option<ObjKey>,
    panes: Vec<Pane>,
    notice: Option<&'static str>,
    confirm_reset: bool,
    dirty: bool,
    since_save: u32,
    /// Real time of the last tick (ms, `performance.now()`): the clock moves by real elapsed
    /// time times the speed, however late a tick comes.
    last_tick: Option<f64>,
    /// The editor's diagnostics, refreshed when the text changes.
    diags: Vec<crate::kubectl::apply::Hint>,
    /// The editor line the caret is on (its diagnostics show right under it).
    caret_line: usize,
    _clock: Option<Interval>,
    /// `pagehide` and `visibilitychange` listeners (removed when dropped).
    _leave: Vec<gloo::events::EventListener>,
    term_out: [NodeRef; TERMINALS],
    term_in: [NodeRef; TERMINALS],
    /// Whether each terminal follows its output (the reader has not scrolled up).
    stick: [bool; TERMINALS],
    /// The object dialog's close button, focused when the dialog opens.
    dialog_close: NodeRef,
    focus_dialog: bool,
    /// The cluster diagram as last read from the lab, and the lab's `changes()` then: read
    /// again only when the model changed, so an unchanged drawing is not rebuilt.
    diagram: Rc<lab::view::Diagram>,
    diagram_of: Option<(u64, u64)>,
    /// When the diagram was last read (real ms).
    diagram_read: f64,
    /// When the drawing last had an unscheduled pod (real ms), and whether it draws their lane
    /// now (`lab::view::shows_unscheduled_lane`: kept a while, so the scale stays put).
    unscheduled_seen: Option<f64>,
    unscheduled_lane: bool,
    /// The Events panel as last read, the lab's `changes()` and clock then, and when (real ms):
    /// read again when either moved, on the clock's tick at most every `DIAGRAM_EVERY_MS`.
    events: Rc<lab::view::Events>,
    events_of: Option<((u64, u64), u64)>,
    events_read: f64,
    /// A click on a card of the diagram (made once, so the drawing's properties stay equal).
    on_select: Callback<ObjKey>,
    /// Each terminal's text when it was last scrolled to the bottom (scrolling asks the
    /// browser for a layout: only when the text changed).
    scrolled: [(usize, usize, usize); TERMINALS],
    /// The work budget of the next tick's advance (`lab::next_budget`).
    budget: u64,
    /// The lesson panel's state, and how many times it changed (the panel draws only then).
    guide: Rc<std::cell::RefCell<Guide>>,
    guide_version: u64,
    on_lesson: Callback<Action>,
    share: share::Sharing,
    /// The embed mode (`?embed`), and the full page's embed code.
    embed: embed::Embed,
}

impl App {
    fn tr(&self, key: &str) -> &'static str {
        i18n::t(self.lang, key)
    }

    fn refresh_diags(&mut self) {
        self.diags = match self.lab.files.get(self.active_file) {
            Some((name, text)) => crate::kubectl::apply::diagnose(name, text),
            None => Vec::new(),
        };
    }

    fn shown(&self, p: Pane) -> bool {
        self.panes.contains(&p)
    }

    fn save(&mut self) {
        if !self.share.may_save() || self.embed.on() {
            // An embed keeps nothing: the reader's own saved lab stays as it is.
            return;
        }
        if let Err(key) = storage::save(&self.lab.save()) {
            self.notice = Some(key);
        }
        self.dirty = false;
        self.since_save = 0;
    }

    /// The terminal a button's command goes to: the active one unless a watch holds it.
    fn free_term(&self) -> usize {
        if !self.lab.busy(self.active_term) {
            return self.active_term;
        }
        (0..TERMINALS).find(|&t| !self.lab.busy(t)).unwrap_or(self.active_term)
    }

    /// `kubectl apply -f NAME`, with the name quoted for the shell when it needs it.
    fn apply_line(name: &str) -> String {
        if name.chars().all(|c| c.is_ascii_alphanumeric() || "._-/".contains(c)) {
            format!("kubectl apply -f {name}")
        } else {
            format!("kubectl apply -f '{}'", name.replace('\'', "'\\''"))
        }
    }

    fn run_visibly(&mut self, line: &str) {
        let t = self.free_term();
        self.active_term = t;
        self.lab.run(t, line);
        self.dirty = true;
    }
}

fn query_panes() -> Option<Vec<Pane>> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let v = params.get("panes")?;
    let panes: Vec<Pane> = v.split(',').filter_map(|w| PANES.iter().copied().find(|p| p.key() == w.trim())).collect();
    (!panes.is_empty()).then_some(panes)
}

/// Marks the whole document with the page's language (screen readers, fonts, hyphenation).
fn set_document_lang(lang: Lang) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = el.set_attribute("lang", lang.code());
    }
}

fn browser_lang() -> Lang {
    if let Some(l) = storage::load_lang() {
        return l;
    }
    let langs: Vec<String> = web_sys::window()
        .map(|w| w.navigator().languages().iter().filter_map(|v| v.as_string()).collect())
        .unwrap_or_default();
    Lang::from_browser(&langs)
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let mut first_visit = false;
        let embed = embed::Embed::from_page(ctx);
        let loaded = if embed.on() { storage::Loaded::Nothing } else { storage::load() };
        let (lab, notice) = match loaded {
            storage::Loaded::Saved(saved) => match Lab::restore(saved, TERMINALS) {
                Ok(lab) => (lab, None),
                Err(_) => {
                    storage::keep_unreadable();
                    (Lab::seed_lab(), Some("storage_corrupt"))
                }
            },
            storage::Loaded::Nothing => {
                first_visit = true;
                (Lab::seed_lab(), None)
            }
            storage::Loaded::Corrupt => (Lab::seed_lab(), Some("storage_corrupt")),
            // Nothing saved can be known: a newcomer as far as the page can tell.
            storage::Loaded::Unavailable => {
                first_visit = true;
                (Lab::seed_lab(), Some("storage_off"))
            }
        };
        let link = ctx.link().clone();
        let clock = Interval::new(TICK_MS, move || link.send_message(Msg::Tick));
        // Edits and typed lines are saved at once, the running clock once a second: without these
        // a reload or a closed tab would lose up to a second of the clock.
        let mut leave = Vec::new();
        if let Some(w) = web_sys::window() {
            let link = ctx.link().clone();
            leave.push(gloo::events::EventListener::new(&w, "pagehide", move |_| link.send_message(Msg::Leave)));
            if let Some(d) = w.document() {
                let link = ctx.link().clone();
                let doc = d.clone();
                leave.push(gloo::events::EventListener::new(&d, "visibilitychange", move |_| {
                    if doc.hidden() {
                        link.send_message(Msg::Leave);
                    }
                }));
            }
        }
        let mut app = App {
            lab,
            lang: embed.params.lang.unwrap_or_else(browser_lang),
            active_file: 0,
            new_file: String::new(),
            active_term: 0,
            inputs: vec![String::new(); TERMINALS],
            pending: vec![crate::shell::LineReader::default(); TERMINALS],
            hist_pos: vec![None; TERMINALS],
            playing: true,
            selected: None,
            panes: embed.panes().or_else(query_panes).unwrap_or_else(|| PANES.to_vec()),
            speed: embed.params.speed,
            notice,
            confirm_reset: false,
            dirty: false,
            since_save: 0,
            last_tick: None,
            diags: Vec::new(),
            caret_line: 0,
            _clock: Some(clock),
            _leave: leave,
            term_out: Default::default(),
            term_in: Default::default(),
            stick: [true; TERMINALS],
            dialog_close: NodeRef::default(),
            focus_dialog: false,
            diagram: Rc::new(lab::view::Diagram::default()),
            diagram_of: None,
            diagram_read: 0.0,
            unscheduled_seen: None,
            unscheduled_lane: false,
            events: Rc::default(),
            events_of: None,
            events_read: 0.0,
            on_select: ctx.link().callback(|k| Msg::Select(Some(k))),
            scrolled: [NOT_SCROLLED; TERMINALS],
            budget: lab::MIN_BUDGET,
            guide: Rc::default(),
            guide_version: 0,
            on_lesson: ctx.link().callback(Msg::Lesson),
            share: Default::default(),
            embed,
        };
        app.start_lessons(ctx, first_visit && !app.embed.on());
        app.start_share(ctx);
        app.refresh_diagram(false);
        app.refresh_events(false);
        app.refresh_diags();
        set_document_lang(app.lang);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let tick = matches!(msg, Msg::Tick);
        let changed = match msg {
            Msg::Lesson(a) => self.lesson(ctx, a),
            Msg::Share(m) => self.on_share(ctx, m),
            Msg::Embed(m) => self.on_embed(m),
            Msg::Tick => {
                let changed = self.handle(msg);
                self.embed_tick();
                self.embed_link(ctx);
                self.lesson_autoplay(ctx);
                // The step's checks as the clock runs; Run's next line once its terminal is free.
                let wants = self.guide.borrow().wants_tick(&self.lab);
                wants && self.lesson(ctx, Action::Tick) || changed
            }
            msg => self.handle(msg),
        };
        if changed {
            self.refresh_diagram(tick);
            self.refresh_events(tick);
        }
        changed
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first: bool) {
        for t in 0..TERMINALS {
            let term = &self.lab.terms[t];
            let seen = (term.dropped, term.scrollback.len(), term.scrollback.last().map_or(0, |(_, s)| s.len()));
            let el = self.term_out[t].cast::<web_sys::Element>().filter(|_| self.stick[t]);
            // A terminal shown again (a tab switch, a pane toggled) has had `scrolled` forgotten.
            if let Some(el) = el.filter(|_| seen != self.scrolled[t]) {
                el.set_scroll_top(el.scroll_height());
                self.scrolled[t] = seen;
            }
        }
        if std::mem::take(&mut self.focus_dialog) {
            if let Some(el) = self.dialog_close.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
        // An embed leaves the keyboard to the page it sits in.
        if first && !self.embed.on() {
            if let Some(el) = self.term_in[0].cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let open = self.guide.borrow().open;
        let toggles = PANES.iter().map(|&p| {
            let pressed = self.shown(p);
            html! { <button class="toggle" aria-pressed={pressed.to_string()} onclick={link.callback(move |_| Msg::TogglePane(p))}>{ self.tr(p.key()) }</button> }
        });
        let layout = format!(
            "layout {}{}",
            if self.embed.on() { "embed " } else { "" },
            self.panes.iter().map(|p| format!("with-{}", p.key())).collect::<Vec<_>>().join(" ")
        );
        html! {
            <div class={layout} lang={self.lang.code()}>
                if self.embed.on() { { self.embed_bar(ctx) } } else {
                <header class="bar">
                    <h1>{ self.tr("title") }<small>{ self.tr("tagline") }</small></h1>
                    <nav class="tools" aria-label={self.tr("panes")}>
                        { for toggles }
                        <button data-testid="lessons" aria-pressed={open.to_string()} onclick={self.on_lesson.reform(move |_| Action::Show(!open))}>{ self.tr("lessons") }</button>
                        { share::button(self, ctx) }
                        <button data-testid="compare" onclick={link.callback(|_| Msg::Compare)}>{ self.tr("compare") }</button>
                        <button data-testid="lang" aria-label={self.tr("language_label")} onclick={link.callback(|_| Msg::ToggleLang)}>{ self.tr("language") }</button>
                        <button data-testid="reset" onclick={link.callback(|_| Msg::AskReset)}>{ self.tr("reset") }</button>
                        { self.embed_code_view(ctx) }
                    </nav>
                </header>
                }
                if self.confirm_reset {
                    <div class="confirm" role="alertdialog" aria-label={self.tr("reset")} onkeydown={link.batch_callback(|e: KeyboardEvent| (e.key() == "Escape").then_some(Msg::Reset(false)))}>
                        <p>{ self.tr("reset_confirm") }</p>
                        <button data-testid="reset-yes" onclick={link.callback(|_| Msg::Reset(true))}>{ self.tr("yes") }</button>
                        <button onclick={link.callback(|_| Msg::Reset(false))}>{ self.tr("no") }</button>
                    </div>
                }
                if let Some(n) = self.notice {
                    <p class="notice" role="status" data-testid="notice">{ self.tr(n) }</p>
                }
                { share::view(self, ctx) }
                <div class="work">
                if open {
                    <lesson::LessonPanel guide={self.guide.clone()} version={self.guide_version} lang={self.lang} on={self.on_lesson.clone()} />
                }
                <main class="panes">
                    if self.shown(Pane::Editor) { { editor::view(self, ctx) } }
                    if self.shown(Pane::Terminal) { { terminal::view(self, ctx) } }
                    if self.shown(Pane::Diagram) { { diagram::view(self) } }
                    if self.shown(Pane::Timeline) { { self.timeline(ctx) } }
                </main>
                </div>
                if let Some(k) = &self.selected {
                    { self.object_dialog(ctx, k) }
                }
            </div>
        }
    }
}

impl App {
    /// A message's work; true when the page must be drawn again.
    fn handle(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::Leave => {
                if self.dirty {
                    self.save();
                }
                false
            }
            Msg::Tick => self.on_tick(),
            Msg::Edit(text) => self.on_edit(text),
            Msg::Caret(line) => {
                let changed = self.caret_line != line;
                self.caret_line = line;
                changed
            }
            Msg::SelectFile(i) => {
                self.active_file = i.min(self.lab.files.len().saturating_sub(1));
                self.refresh_diags();
                true
            }
            Msg::NewFileName(n) => {
                self.new_file = n;
                false
            }
            Msg::AddFile => self.on_add_file(),
            Msg::Apply => {
                if let Some((name, _)) = self.lab.files.get(self.active_file).cloned() {
                    self.run_visibly(&App::apply_line(&name));
                }
                true
            }
            Msg::Input(t, v) => {
                self.inputs[t] = v;
                false
            }
            Msg::Key(t, e) => {
                let changed = self.on_key(t, e);
                if self.dirty {
                    // What was typed is saved at once, not on the next tick.
                    self.save();
                }
                changed
            }
            Msg::SelectTerm(t) => {
                self.active_term = t;
                self.scrolled = [NOT_SCROLLED; TERMINALS];
                true
            }
            Msg::Play => {
                self.playing = true;
                true
            }
            Msg::Pause => {
                self.playing = false;
                true
            }
            Msg::Speed(s) => {
                self.speed = s;
                true
            }
            Msg::Step => {
                self.playing = false;
                self.lab.step_event();
                self.dirty = true;
                true
            }
            Msg::Seek(at) => {
                self.playing = false;
                self.lab.seek(at);
                self.dirty = true;
                true
            }
            Msg::Select(k) => {
                self.focus_dialog = k.is_some();
                self.selected = k;
                true
            }
            Msg::Scrolled(t, at_bottom) => {
                self.stick[t] = at_bottom;
                false
            }
            Msg::ToggleLang => {
                self.lang = if self.lang == Lang::En { Lang::Ko } else { Lang::En };
                storage::save_lang(self.lang);
                set_document_lang(self.lang);
                true
            }
            Msg::AskReset => {
                self.confirm_reset = true;
                true
            }
            Msg::Reset(yes) => self.on_reset(yes),
            Msg::Compare => self.on_compare(),
            Msg::TogglePane(p) => {
                self.scrolled = [NOT_SCROLLED; TERMINALS];
                self.on_toggle_pane(p)
            }
            Msg::Lesson(_) | Msg::Share(_) | Msg::Embed(_) => false,
        }
    }

    /// Reads the diagram again if the model changed since it was last read; an equal diagram
    /// keeps the old one, so the drawing is not rebuilt.
    /// On the clock's tick, at most every `DIAGRAM_EVERY_MS` (a busy cluster changes at every
    /// tick, and a large drawing costs the browser a layout each time it changes).
    fn refresh_diagram(&mut self, tick: bool) {
        let real = real_ms();
        self.unscheduled_lane = lab::view::shows_unscheduled_lane(self.unscheduled_seen, real);
        let now = Some(self.lab.changes());
        if now == self.diagram_of || !self.shown(Pane::Diagram) {
            return;
        }
        if tick && real - self.diagram_read < DIAGRAM_EVERY_MS {
            return;
        }
        self.diagram_read = real;
        self.diagram_of = now;
        let d = lab::view::diagram(&self.lab.session.sim);
        self.unscheduled_seen = lab::view::unscheduled_seen(&d, self.unscheduled_seen, real);
        self.unscheduled_lane = lab::view::shows_unscheduled_lane(self.unscheduled_seen, real);
        if d != *self.diagram {
            self.diagram = Rc::new(d);
        }
    }
}

impl App {
    /// Reads the Events panel again if the model or the clock moved since it was last read (its
    /// LAST SEEN column moves with the clock); on the clock's tick at most every
    /// `DIAGRAM_EVERY_MS`. An equal panel keeps the old one, so it is not drawn again.
    fn refresh_events(&mut self, tick: bool) {
        let now = Some((self.lab.changes(), self.lab.now()));
        if now == self.events_of || !self.shown(Pane::Diagram) {
            return;
        }
        let real = real_ms();
        if tick && real - self.events_read < DIAGRAM_EVERY_MS {
            return;
        }
        self.events_read = real;
        self.events_of = now;
        let e = lab::view::events(&self.lab.session.sim, diagram::EVENT_ROWS);
        if e != *self.events {
            self.events = Rc::new(e);
        }
    }

    /// The clock's tick: saves a second after a change, and moves the lab on by the real time
    /// passed (times the speed) while playing.
    fn on_tick(&mut self) -> bool {
        self.since_save += 1;
        if self.dirty && self.since_save * TICK_MS >= 1000 {
            self.save();
        }
        let now = real_ms();
        let elapsed = self.last_tick.map_or(TICK_MS as f64, |t| (now - t).clamp(0.0, 1000.0));
        self.last_tick = Some(now);
        if !self.playing {
            return false;
        }
        let before = self.lab.now();
        // A slice of the model's work per tick, sized to what the last ones took: when the
        // cluster is busy the clock falls behind rather than the page freezing.
        self.lab.advance_within((elapsed * self.speed as f64) as u64, self.budget);
        self.budget = lab::next_budget(self.budget, real_ms() - now);
        self.dirty |= self.lab.now() != before;
        true
    }

    /// The open file's new text: its diagnostics again, saved at once.
    fn on_edit(&mut self, text: String) -> bool {
        if let Some(f) = self.lab.files.get_mut(self.active_file) {
            f.1 = text;
        }
        self.refresh_diags();
        self.dirty = true;
        self.save();
        true
    }

    /// Adds the file named in the new-file box (or opens it when it exists); a name that is
    /// empty, too long or has other characters than letters, digits and `._-` is ignored.
    fn on_add_file(&mut self) -> bool {
        let name = self.new_file.trim().to_string();
        if name.is_empty()
            || name.len() > 64
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || (!c.is_ascii() && !c.is_whitespace()) || "._-".contains(c))
        {
            return false;
        }
        if !self.lab.files.iter().any(|(n, _)| *n == name) {
            self.lab.set_file(&name, "");
        }
        self.active_file = self.lab.files.iter().position(|(n, _)| *n == name).unwrap_or(0);
        self.refresh_diags();
        self.new_file.clear();
        self.dirty = true;
        true
    }

    /// The reset dialog's answer: on yes, a fresh lab, terminals and storage.
    fn on_reset(&mut self, yes: bool) -> bool {
        self.confirm_reset = false;
        if yes {
            self.lab = Lab::seed_lab();
            self.diagram_of = None;
            self.events_of = None;
            self.unscheduled_seen = None;
            self.active_file = 0;
            self.refresh_diags();
            self.inputs = vec![String::new(); TERMINALS];
            self.pending = vec![crate::shell::LineReader::default(); TERMINALS];
            self.hist_pos = vec![None; TERMINALS];
            self.selected = None;
            self.playing = true;
            storage::clear();
            self.save();
            self.guide.borrow_mut().lab_reset(&self.lab);
            self.guide_version += 1;
            storage::save_lessons(&self.guide.borrow().to_json());
        }
        true
    }

    /// Opens the comparison manifest (added unless the learner has it) and applies it where
    /// it can be seen.
    fn on_compare(&mut self) -> bool {
        let (name, text) = lab::compare_file();
        // The learner's own edits to the file stay.
        if !self.lab.files.iter().any(|(n, _)| *n == name) {
            self.lab.set_file(&name, &text);
        }
        self.active_file = self.lab.files.iter().position(|(n, _)| *n == name).unwrap_or(0);
        self.refresh_diags();
        self.run_visibly(&App::apply_line(&name));
        true
    }

    /// Shows or hides a pane; the last one shown stays.
    fn on_toggle_pane(&mut self, p: Pane) -> bool {
        if self.shown(p) {
            if self.panes.len() > 1 {
                self.panes.retain(|x| *x != p);
            }
        } else {
            self.panes.push(p);
        }
        true
    }

    fn on_key(&mut self, t: usize, e: KeyboardEvent) -> bool {
        let key = e.key();
        if e.ctrl_key() && (key == "c" || key == "C") {
            e.prevent_default();
            let pending = self.pending[t].take();
            let input = std::mem::take(&mut self.inputs[t]);
            let typed = if pending.is_empty() { input } else { format!("{pending}\n{input}") };
            self.lab.interrupt(t, &typed);
            self.hist_pos[t] = None;
            self.dirty = true;
            return true;
        }
        if e.ctrl_key() && (key == "l" || key == "L") {
            e.prevent_default();
            self.lab.clear(t);
            self.dirty = true;
            return true;
        }
        match key.as_str() {
            "Enter" => {
                e.prevent_default();
                self.enter(t);
                true
            }
            "ArrowUp" | "ArrowDown" => {
                e.prevent_default();
                let h = &self.lab.terms[t].history;
                if h.is_empty() {
                    return false;
                }
                let pos = match (key.as_str(), self.hist_pos[t]) {
                    ("ArrowUp", None) => Some(h.len() - 1),
                    ("ArrowUp", Some(p)) => Some(p.saturating_sub(1)),
                    ("ArrowDown", Some(p)) if p + 1 < h.len() => Some(p + 1),
                    _ => None,
                };
                self.hist_pos[t] = pos;
                self.inputs[t] = pos.map(|p| h[p].clone()).unwrap_or_default();
                true
            }
            "Tab" => {
                // Not a keyboard trap: on an empty line, or with Shift, Tab moves focus on.
                if e.shift_key() || self.inputs[t].is_empty() {
                    return false;
                }
                e.prevent_default();
                let line = self.inputs[t].clone();
                let (start, cands) = crate::lab::complete::complete(&self.lab.session, t, &line);
                match cands.len() {
                    0 => false,
                    1 => {
                        // A directory stays open for the next name, as in bash.
                        let space = if cands[0].ends_with('/') { "" } else { " " };
                        self.inputs[t] = format!("{}{}{space}", &line[..start], cands[0]);
                        true
                    }
                    _ => {
                        let prefix = crate::lab::complete::common_prefix(&cands);
                        if prefix.len() > line.len() - start {
                            self.inputs[t] = format!("{}{prefix}", &line[..start]);
                        } else {
                            // As bash does on a second Tab: list the candidates, keep the line.
                            self.lab.note(t, &line, &format!("{}\n", cands.join("  ")));
                        }
                        true
                    }
                }
            }
            _ => false,
        }
    }

    /// Enter in terminal `t`: its input line is run (or kept, when the command goes on).
    /// The lesson panel's Run types its lines through here too.
    fn enter(&mut self, t: usize) {
        let line = std::mem::take(&mut self.inputs[t]);
        self.hist_pos[t] = None;
        let busy = self.lab.busy(t);
        if self.pending[t].push(&line) && !busy {
            return;
        }
        let full = self.pending[t].take();
        maybe_inject_panic(&full);
        self.lab.run(t, &full);
        self.dirty = true;
    }

    fn timeline(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let now = self.lab.now();
        let horizon = self.lab.horizon.max(now);
        let speeds = [1u64, 2, 5, 10].iter().map(|&s| {
            html! { <button class="speed" aria-pressed={(self.speed == s).to_string()} onclick={link.callback(move |_| Msg::Speed(s))}>{ format!("{s}×") }</button> }
        });
        let play = if self.playing {
            html! { <button data-testid="pause" onclick={link.callback(|_| Msg::Pause)}>{ "❚❚ " }{ self.tr("pause") }</button> }
        } else {
            html! { <button data-testid="play" onclick={link.callback(|_| Msg::Play)}>{ "▶ " }{ self.tr("play") }</button> }
        };
        // Seek when the scrubber is let go (each seek replays the journal from the start).
        let seek = link.callback(|e: Event| {
            let el: web_sys::HtmlInputElement = e.target_unchecked_into();
            Msg::Seek(el.value().parse::<f64>().map_or(0, |v| v.max(0.0) as u64))
        });
        html! {
            <section class="pane timeline" data-testid="timeline" aria-label={self.tr("timeline")}>
                <span class="clock" data-testid="clock" title={self.tr("clock")}>{ clock_text(now) }</span>
                { play }
                <span class="speeds" role="group" aria-label={self.tr("speed")}>{ for speeds }</span>
                <button data-testid="step" onclick={link.callback(|_| Msg::Step)}>{ "⏭ " }{ self.tr("step") }</button>
                <input type="range" data-testid="scrub" aria-label={self.tr("scrub")} min="0" max={horizon.to_string()} step="any" value={now.to_string()} onchange={seek} />
                <span class="clock">{ clock_text(horizon) }</span>
            </section>
        }
    }

    fn object_dialog(&self, ctx: &Context<Self>, k: &ObjKey) -> Html {
        let text = crate::lab::view::object_yaml(&self.lab.session.sim, k).unwrap_or_else(|| {
            format!("{}\n", crate::kubectl::errors::Error::not_found(k.kind.info().plural, k.name.clone()))
        });
        html! {
            <div class="dialog" role="dialog" aria-modal="true" aria-label={self.tr("object_yaml")} onkeydown={ctx.link().batch_callback(|e: KeyboardEvent| (e.key() == "Escape").then_some(Msg::Select(None)))}>
                <div class="dialog-head">
                    <strong>{ format!("kubectl get {} {} -o yaml", k.kind.info().singular, k.name) }</strong>
                    <button data-testid="close-yaml" ref={self.dialog_close.clone()} onclick={ctx.link().callback(|_| Msg::Select(None))}>{ self.tr("close") }</button>
                </div>
                <pre data-testid="object-yaml">{ text }</pre>
            </div>
        }
    }
}

/// The page's real clock (`performance.now()`), in milliseconds.
fn real_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
}

/// `m:ss.s` of virtual time.
fn clock_text(ms: u64) -> String {
    format!("{}:{:02}.{}", ms / 60_000, (ms / 1000) % 60, (ms % 1000) / 100)
}

/// Mounts the app in `root` (the component tests mount it in a fresh element).
pub fn mount(root: web_sys::Element) -> yew::AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}

/// The typed line that panics when the address has `?inject-panic` (the e2e test of the
/// panic overlay; harmless elsewhere: without the parameter it is an unknown command).
const INJECTED_PANIC_LINE: &str = "kubelab-panic";

/// Panics on [`INJECTED_PANIC_LINE`] under `?inject-panic`, as a bug in the model would.
fn maybe_inject_panic(line: &str) {
    if line.trim() != INJECTED_PANIC_LINE {
        return;
    }
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    if web_sys::UrlSearchParams::new_with_str(&search).is_ok_and(|p| p.has("inject-panic")) {
        panic!("injected panic (?inject-panic): the page's panic overlay under test");
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// index.html's overlay for a module that has panicked: what happened, the saved lab to
    /// download, a reload that restores it.
    #[wasm_bindgen(js_namespace = window, js_name = kubelabPanic, catch)]
    fn report_panic(what: &str) -> Result<(), wasm_bindgen::JsValue>;
}

/// Mounts the app on the page, with a panic hook that stops saving (the lab may be half
/// changed) and hands the message to the page's overlay.
pub fn start() {
    // Through yew, which would otherwise put its own hook in at render.
    yew::set_custom_panic_hook(Box::new(|info| {
        storage::stop();
        let _ = report_panic(&info.to_string());
    }));
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) {
        yew::Renderer::<App>::with_root(root).render();
    } else {
        yew::Renderer::<App>::new().render();
    }
}
