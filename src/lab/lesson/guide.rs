//! The lesson panel's state without the page: which lesson is open and from where, the
//! learner's `Progress` in it (and in the others, for the list), whether the step's checks
//! hold (re-evaluated as the clock runs), the hints shown, the lines Run still has to type.
//!
//! `Guide::reduce` takes an [`Action`] (a click, a fetched file, the clock's tick) over the
//! page's `Lab` and returns [`Effect`]s for the page to carry out: fetch a file, type a line
//! into a terminal (through the same path as a line typed and Entered), save. The page never
//! decides anything about a lesson itself; `tests/lesson_panel.rs` drives this natively.

use super::index::{self, Entry, INDEX_URL};
use super::{Lesson, Progress};
use crate::jv;
use crate::lab::Lab;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// The model's work (`Sim::work_done`) a tick gives the step's goal: a few milliseconds.
pub const GOAL_BUDGET: u64 = 1024;

/// A lab's `changes()` and `printed()`: when neither moved, no check can have changed.
type LabMoment = ((u64, u64), Vec<u64>);

/// Where a lesson comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The first lesson of the index (a newcomer's first visit).
    First,
    /// A lesson of the site by id, its file `lessons/ID.yaml` (`?lesson=ID`, the list).
    Id(String),
    /// A lesson file of the site, by name in `lessons/` (a reload).
    File(String),
    /// A lesson file anywhere on the web (`?lesson-url=`).
    Url(String),
}

/// Something that happened to the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Opens a lesson; `step` from 0 (`?step=N`); `fresh`: in a new cluster (chosen from the
    /// list), otherwise in the lab as it is (the address, a reload).
    Open {
        target: Target,
        step: Option<usize>,
        fresh: bool,
    },
    /// A file asked for by `Effect::Fetch` arrived (its address, its text or why not).
    Fetched {
        url: String,
        text: Result<String, String>,
    },
    /// Shows or hides the lesson list (its lessons are fetched for their titles).
    List(bool),
    Answer {
        question: usize,
        choice: usize,
    },
    Run,
    Check,
    Next,
    Hint,
    Restart,
    Tick,
    /// Shows the panel, or hides it for the free playground.
    Show(bool),
    /// Back at the furthest step reached (the reader left a link's lab for their own).
    Resume,
}

/// What the page must do for the panel.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Fetch a file (relative to the page, or a web address) and answer with `Action::Fetched`.
    Fetch(String),
    /// Type this line into terminal N and press Enter.
    Type(usize, String),
    /// The lab was replaced by a fresh one: the page forgets its terminals' half-typed lines.
    NewLab,
    /// Show this editor file (the lesson's first).
    ShowFile(String),
    /// Save the panel's state (`Guide::to_json`).
    Save,
}

/// A lesson being fetched: its file, then its editor files.
#[derive(Clone, Debug, Default, PartialEq)]
struct Pending {
    step: Option<usize>,
    fresh: bool,
    /// The file's address; empty while it waits for the index (`Target::First`).
    url: String,
    lesson: Option<Rc<Lesson>>,
    /// The editor files: name, address, text once fetched.
    files: Vec<(String, String, Option<String>)>,
}

#[derive(Debug, Default)]
pub struct Guide {
    /// The panel is shown.
    pub open: bool,
    /// The files `lessons/index.txt` lists, in order.
    pub index: Vec<String>,
    /// Why the index could not be read.
    pub index_error: Option<String>,
    /// The lesson list is shown.
    pub list_open: bool,
    /// The listed lessons read so far (file, entry or why it does not read); the list shows
    /// the others as loading.
    pub entries: Vec<(String, Result<Entry, String>)>,
    pub lesson: Option<Rc<Lesson>>,
    /// The address the open lesson came from (`lessons/seed-lab.yaml`, `https://…`).
    pub url: String,
    pub progress: Progress,
    /// Whether each check of the current step holds now.
    pub held: Vec<bool>,
    /// The learner asked to see the checks (the Check button).
    pub checked: bool,
    /// The step's lines were Run (or the learner has answered its questions): its checks'
    /// texts may be shown.
    pub ran: bool,
    /// How many of the step's hints are shown.
    pub hints: usize,
    /// Why the last lesson asked for could not be opened (shown in the panel).
    pub error: Option<String>,
    /// The step's goal, the cluster it should end with (`goal::goal`), drawn beside the live
    /// diagram; worked out at the first tick of the step (not while the page opens).
    pub goal: Option<Rc<crate::lab::view::Diagram>>,
    goal_due: bool,
    /// The goal while it is worked out, a slice of `GOAL_BUDGET` at each tick.
    goal_work: Option<Box<super::goal::Goal>>,
    pending: Option<Pending>,
    /// Each lesson's saved progress (id, JSON); the open one's is `progress`.
    saved: Vec<(String, String)>,
    /// Lines Run has still to type, in order.
    queue: Vec<String>,
    /// The terminal the lesson types into.
    pub term: usize,
    /// The open lesson's editor files as fetched (name, text), for Restart.
    files: Vec<(String, String)>,
    /// The lab's `changes()` and `printed()` when the checks were last looked at (by
    /// `wants_tick`, which only looks).
    seen: RefCell<Option<LabMoment>>,
}

/// The address of a lesson file of the site.
fn site_url(file: &str) -> String {
    format!("lessons/{file}")
}

/// The name a lesson file's errors carry: `lessons/NAME.yaml` for the site's, the address's
/// last part for one from elsewhere.
pub fn error_name(url: &str) -> String {
    if url.starts_with("lessons/") {
        return url.to_string();
    }
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or(path).to_string()
}

impl Guide {
    /// The current step, if a lesson is open.
    pub fn step(&self) -> Option<&super::Step> {
        self.lesson.as_ref()?.steps.get(self.progress.step)
    }

    /// What the Check list shows of each check of the step: whether it holds, and its text
    /// once it may be shown: when it holds, after the step's Run, or once the step's questions
    /// are all answered. Before, a check's text would give answers away (`gone: pod/web-4`
    /// answers "which pod goes first?"), so the list says only which check waits.
    pub fn check_list(&self) -> Vec<(bool, Option<String>)> {
        let Some(step) = self.step() else { return Vec::new() };
        let n = self.progress.step;
        let answered =
            !step.predict.is_empty() && (0..step.predict.len()).all(|q| self.progress.answer_of(n, q).is_some());
        let shown = self.ran || answered;
        step.check
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let held = self.held.get(i).copied().unwrap_or(false);
                (held, (held || shown).then(|| c.to_string()))
            })
            .collect()
    }

    /// Whether a lesson is being fetched.
    pub fn loading(&self) -> bool {
        self.pending.is_some()
    }

    /// Whether Next may be pressed: the step is done and is not the last.
    pub fn can_next(&self) -> bool {
        self.lesson
            .as_ref()
            .is_some_and(|l| self.progress.is_done(self.progress.step) && self.progress.step + 1 < l.steps.len())
    }

    /// How many steps of lesson `id` are done, as saved.
    pub fn done_count(&self, id: &str) -> usize {
        if self.lesson.as_ref().is_some_and(|l| l.id == id) {
            return self.progress.done.len();
        }
        let Some((_, json)) = self.saved.iter().find(|(i, _)| i == id) else { return 0 };
        crate::support::yaml::parse(json)
            .ok()
            .and_then(|v| v.get("done").and_then(Value::as_array).map(Vec::len))
            .unwrap_or(0)
    }

    /// Whether a tick has work: a line to type into a free terminal, or a check that holds
    /// now and did not (or the other way round). The page asks before it reduces a `Tick`, so
    /// that an unchanged panel is neither copied nor drawn again as the clock runs.
    pub fn wants_tick(&self, lab: &Lab) -> bool {
        let Some(lesson) = &self.lesson else { return false };
        if lab.mid_instant() {
            // The cluster is between two work items of one instant: its checks, and the
            // next line, wait for the instant's end.
            return false;
        }
        if self.goal_due || self.goal_work.is_some() || !self.queue.is_empty() && !lab.busy(self.term) {
            return true;
        }
        let now = (lab.changes(), lab.printed());
        if self.seen.borrow().as_ref() == Some(&now) {
            return false;
        }
        let output = lab.output_since(&self.progress.marks);
        let o = super::Observed { sim: &lab.session.sim, namespace: lab.session.namespace(), output: &output };
        *self.seen.borrow_mut() = Some(now);
        self.progress.checks(lesson, &o) != self.held
    }

    /// The page's work for `action`.
    pub fn reduce(&mut self, action: Action, lab: &mut Lab) -> Vec<Effect> {
        match action {
            Action::Open { target, step, fresh } => self.on_open(target, step, fresh),
            Action::Fetched { url, text } => self.on_fetched(url, text, lab),
            Action::List(open) => {
                self.list_open = open;
                self.fetch_list()
            }
            Action::Answer { question, choice } => {
                let lesson = self.lesson.clone();
                match lesson {
                    Some(l) if self.progress.answer(&l, question, choice).is_some() => vec![Effect::Save],
                    _ => Vec::new(),
                }
            }
            Action::Run => self.on_run(lab),
            Action::Check => {
                self.checked = true;
                self.evaluate(lab)
            }
            Action::Next => self.on_next(lab),
            Action::Hint => {
                let n = self.step().map_or(0, |s| s.hints.len());
                self.hints = (self.hints + 1).min(n);
                Vec::new()
            }
            Action::Restart => self.on_restart(lab),
            Action::Resume => {
                let Some(lesson) = self.lesson.clone() else { return Vec::new() };
                if self.progress.reached <= self.progress.step {
                    return Vec::new();
                }
                self.progress.go_to(&lesson, self.progress.reached, lab.printed());
                self.new_step();
                let mut fx = self.evaluate(lab);
                fx.push(Effect::Save);
                fx
            }
            Action::Tick => {
                self.work_on_goal(lab);
                let mut fx = self.type_next(lab);
                fx.extend(self.evaluate(lab));
                fx
            }
            Action::Show(open) => {
                self.open = open;
                let mut fx = vec![Effect::Save];
                if open && self.lesson.is_none() && self.pending.is_none() {
                    self.list_open = true;
                    fx.extend(self.fetch_list());
                }
                fx
            }
        }
    }

    /// Fetches the listed lessons not read yet, while the list is shown.
    fn fetch_list(&mut self) -> Vec<Effect> {
        if !self.list_open {
            return Vec::new();
        }
        let mut fx = Vec::new();
        for file in &self.index {
            if !self.entries.iter().any(|(f, _)| f == file) {
                self.entries.push((file.clone(), Err(String::new())));
                fx.push(Effect::Fetch(site_url(file)));
            }
        }
        fx
    }

    fn on_index(&mut self, text: Result<String, String>) -> Vec<Effect> {
        match text.map_err(|e| format!("{INDEX_URL}: {e}")).and_then(|t| index::read(&t)) {
            Ok(files) => self.index = files,
            Err(e) => self.index_error = Some(e),
        }
        let mut fx = self.fetch_list();
        // The first lesson waited for the index.
        if self.pending.as_ref().is_some_and(|p| p.url.is_empty()) {
            let p = self.pending.take().unwrap_or_default();
            fx.extend(self.on_open(Target::First, p.step, p.fresh));
        }
        fx
    }

    fn on_open(&mut self, target: Target, step: Option<usize>, fresh: bool) -> Vec<Effect> {
        self.open = true;
        self.error = None;
        let id_ok =
            |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let url = match target {
            Target::Url(u) if u.starts_with("https://") || u.starts_with("http://") => Ok(u),
            Target::Url(u) => Err(format!("{u}: not a web address (https://…)")),
            Target::Id(id) if id_ok(&id) => Ok(site_url(&format!("{id}.yaml"))),
            Target::Id(id) => Err(format!("\"{id}\" is not a lesson id (lowercase letters, digits and -)")),
            Target::File(f) => index::read(&f).map(|_| site_url(&f)),
            Target::First => match (self.index.first(), &self.index_error) {
                (Some(f), _) => Ok(site_url(f)),
                (None, Some(e)) => Err(e.clone()),
                // Not yet read: the index's arrival opens it.
                (None, None) => Ok(String::new()),
            },
        };
        let url = match url {
            Ok(u) => u,
            Err(e) => {
                self.pending = None;
                self.error = Some(e);
                return Vec::new();
            }
        };
        self.pending = Some(Pending { step, fresh, url: url.clone(), lesson: None, files: Vec::new() });
        if url.is_empty() {
            Vec::new()
        } else {
            vec![Effect::Fetch(url)]
        }
    }

    /// A fetched file: the index, the lesson being opened, one of its editor files, or a
    /// lesson of the list.
    fn on_fetched(&mut self, url: String, text: Result<String, String>, lab: &mut Lab) -> Vec<Effect> {
        if url == INDEX_URL {
            return self.on_index(text);
        }
        if let Some(p) = self.pending.as_mut().filter(|p| p.url == url && p.lesson.is_none()) {
            let name = error_name(&url);
            let read = text
                .map_err(|why| format!("{url}: {why}"))
                .and_then(|t| super::load(&name, &t).map_err(|e| e.to_string()));
            let lesson = match read {
                Ok(l) => l,
                Err(e) => {
                    self.pending = None;
                    self.error = Some(e);
                    return Vec::new();
                }
            };
            let base = url.rsplit_once('/').map_or(String::new(), |(dir, _)| format!("{dir}/"));
            p.files = lesson
                .files
                .iter()
                .map(|f| (super::editor_name(f).to_string(), format!("{base}files/{f}"), None))
                .collect();
            p.lesson = Some(Rc::new(lesson));
            let fx: Vec<Effect> = p.files.iter().map(|f| Effect::Fetch(f.1.clone())).collect();
            return if fx.is_empty() { self.install(lab) } else { fx };
        }
        if let Some(p) = self.pending.as_mut() {
            if let Some(f) = p.files.iter_mut().find(|f| f.1 == url && f.2.is_none()) {
                match text {
                    Ok(t) => f.2 = Some(t),
                    Err(e) => {
                        self.error = Some(format!("{url}: {e}"));
                        self.pending = None;
                        return Vec::new();
                    }
                }
                return if p.files.iter().all(|f| f.2.is_some()) { self.install(lab) } else { Vec::new() };
            }
        }
        if let Some(e) = self.entries.iter_mut().find(|(f, _)| site_url(f) == url) {
            let name = error_name(&url);
            e.1 = text
                .map_err(|why| format!("{url}: {why}"))
                .and_then(|t| super::load(&name, &t).map(|l| Entry::of(&l)).map_err(|e| e.to_string()));
        }
        Vec::new()
    }

    /// The lesson fetched with its files: in a fresh cluster or the lab as it is, at its saved
    /// progress (or the step asked for).
    fn install(&mut self, lab: &mut Lab) -> Vec<Effect> {
        let Some(p) = self.pending.take() else { return Vec::new() };
        let Some(lesson) = p.lesson else { return Vec::new() };
        let files: Vec<(String, String)> = p.files.into_iter().map(|(n, _, t)| (n, t.unwrap_or_default())).collect();
        self.remember();
        let mut fx = vec![Effect::Save];
        if p.fresh {
            *lab = fresh_lab(lab, &files);
            fx.push(Effect::NewLab);
        } else {
            // The learner's own lab stays; a lesson's files join it, replacing a file of the
            // editor only while it is the page's own, unedited.
            let defaults = crate::lab::default_files();
            for (name, text) in &files {
                let editable = match lab.files.iter().find(|(n, _)| n == name) {
                    None => true,
                    Some(f) => defaults.contains(f),
                };
                if editable {
                    lab.set_file(name, text);
                }
            }
        }
        let saved = self.saved.iter().find(|(id, _)| *id == lesson.id).map(|(_, j)| j.clone());
        let mut progress = saved
            .and_then(|j| Progress::from_json(&j, &lesson).ok())
            .unwrap_or_else(|| Progress::new(&lesson, lab.printed()));
        if p.fresh {
            progress.start_over(&lesson, lab.printed());
        }
        match p.step {
            // A link's or the address's step is shown; what the learner reached stays.
            Some(step) => progress.go_to(&lesson, step, lab.printed()),
            // Opened again without one: at the furthest step reached (a link's step left).
            None if progress.reached > progress.step => progress.go_to(&lesson, progress.reached, lab.printed()),
            None => {}
        }
        if let Some(e) = self.entries.iter_mut().find(|(f, _)| site_url(f) == p.url) {
            e.1 = Ok(Entry::of(&lesson));
        }
        fx.extend(files.first().map(|(name, _)| Effect::ShowFile(name.clone())));
        self.progress = progress;
        self.files = files;
        self.url = p.url;
        self.lesson = Some(lesson);
        self.new_step();
        fx
    }

    /// Types the step's lines: into the lesson's terminal, or, when a watch holds it, into
    /// a free one (the page shows the terminal it types into).
    fn on_run(&mut self, lab: &Lab) -> Vec<Effect> {
        let Some(step) = self.step() else { return Vec::new() };
        let lines = step.run.clone();
        if lab.busy(self.term) {
            if let Some(t) = (0..lab.terms.len()).find(|&t| !lab.busy(t)) {
                self.term = t;
            }
        }
        self.queue = lines;
        self.ran = true;
        let mut fx = self.type_next(lab);
        fx.push(Effect::Save);
        fx
    }

    /// The next line Run has to type, once the terminal is free of the last one's wait.
    fn type_next(&mut self, lab: &Lab) -> Vec<Effect> {
        if self.queue.is_empty() || lab.busy(self.term) {
            return Vec::new();
        }
        vec![Effect::Type(self.term, self.queue.remove(0))]
    }

    /// Evaluates the step's checks; saves when the step became done.
    fn evaluate(&mut self, lab: &Lab) -> Vec<Effect> {
        let Some(lesson) = self.lesson.clone() else { return Vec::new() };
        *self.seen.get_mut() = Some((lab.changes(), lab.printed()));
        let was = self.progress.is_done(self.progress.step);
        self.held = self.progress.update_lab(&lesson, lab);
        if !was && self.progress.is_done(self.progress.step) {
            vec![Effect::Save]
        } else {
            Vec::new()
        }
    }

    fn on_next(&mut self, lab: &Lab) -> Vec<Effect> {
        let Some(lesson) = self.lesson.clone() else { return Vec::new() };
        if !self.progress.next(&lesson, lab.printed()) {
            return Vec::new();
        }
        self.new_step();
        let mut fx = self.evaluate(lab);
        fx.push(Effect::Save);
        fx
    }

    /// The lesson again from its first step, in a fresh cluster.
    fn on_restart(&mut self, lab: &mut Lab) -> Vec<Effect> {
        let Some(lesson) = self.lesson.clone() else { return Vec::new() };
        *lab = fresh_lab(lab, &self.files);
        self.progress = Progress::new(&lesson, lab.printed());
        self.term = 0;
        self.new_step();
        let mut fx = vec![Effect::NewLab, Effect::Save];
        fx.extend(self.files.first().map(|(name, _)| Effect::ShowFile(name.clone())));
        fx
    }

    /// The page's lab was reset (its Reset button): the lesson starts over with it.
    pub fn lab_reset(&mut self, lab: &Lab) {
        if let Some(lesson) = self.lesson.clone() {
            self.progress = Progress::new(&lesson, lab.printed());
            self.term = 0;
            self.new_step();
        }
    }

    /// Starts the step's goal at its first tick (not while the page opens) and works it out
    /// a slice at each tick, so that a busy goal does not hold the page.
    fn work_on_goal(&mut self, lab: &Lab) {
        if std::mem::take(&mut self.goal_due) {
            let lines = self.step().map(|s| s.run.clone()).unwrap_or_default();
            self.goal_work = Some(Box::new(super::goal::Goal::start(lab, self.term, &lines)));
        }
        if let Some(d) = self.goal_work.as_mut().and_then(|w| w.go_on(GOAL_BUDGET)) {
            self.goal = Some(Rc::new(d));
            self.goal_work = None;
        }
    }

    fn new_step(&mut self) {
        self.queue.clear();
        self.hints = 0;
        self.checked = false;
        self.ran = false;
        self.goal = None;
        self.goal_due = true;
        self.goal_work = None;
        self.held.clear();
        *self.seen.get_mut() = None;
    }

    /// Keeps the open lesson's progress among the saved ones.
    fn remember(&mut self) {
        let Some(lesson) = &self.lesson else { return };
        let json = self.progress.to_json();
        match self.saved.iter_mut().find(|(id, _)| *id == lesson.id) {
            Some(s) => s.1 = json,
            None => self.saved.push((lesson.id.clone(), json)),
        }
    }

    /// The panel's state as saved between visits.
    pub fn to_json(&self) -> String {
        let open_id = self.lesson.as_ref().map(|l| l.id.as_str());
        // Inserted one by one: a collected map would bring a sort of its own into the page.
        let mut progress = serde_json::Map::new();
        for (id, j) in &self.saved {
            if let (false, Ok(v)) = (Some(id.as_str()) == open_id, crate::support::yaml::parse(j)) {
                progress.insert(id.clone(), v);
            }
        }
        if let (Some(id), Ok(v)) = (open_id, crate::support::yaml::parse(&self.progress.to_json())) {
            progress.insert(id.to_string(), v);
        }
        let current = self.lesson.as_ref().map(|_| self.url.clone());
        jv!({ "version": 1, "open": self.open, "current": current, "term": self.term, "progress": Value::Object(progress) })
            .to_string()
    }

    /// The state `to_json` wrote, and the lesson to open again (its address), if one was
    /// open. What cannot be read is left out, never trusted.
    pub fn from_json(text: &str) -> (Guide, Option<Target>) {
        let mut g = Guide::default();
        let Ok(v) = crate::support::yaml::parse(text) else { return (g, None) };
        if v.get("version").and_then(Value::as_u64) != Some(1) {
            return (g, None);
        }
        g.open = v.get("open").and_then(Value::as_bool).unwrap_or(false);
        g.term = v.get("term").and_then(Value::as_u64).map_or(0, |t| t.min(8) as usize);
        if let Some(Value::Object(m)) = v.get("progress") {
            g.saved = m.iter().map(|(id, p)| (id.clone(), p.to_string())).collect();
        }
        let target = v.get("current").and_then(Value::as_str).map(|u| match u.strip_prefix("lessons/") {
            Some(file) => Target::File(file.to_string()),
            None => Target::Url(u.to_string()),
        });
        (g, target)
    }
}

/// A fresh cluster with the page's default files and a lesson's, as many terminals as now.
fn fresh_lab(lab: &Lab, files: &[(String, String)]) -> Lab {
    let mut all = crate::lab::default_files();
    for (name, text) in files {
        match all.iter_mut().find(|(n, _)| n == name) {
            Some(f) => f.1 = text.clone(),
            None => all.push((name.clone(), text.clone())),
        }
    }
    Lab::new(lab.seed, all, lab.terms.len())
}
