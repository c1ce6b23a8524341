//! The page's lab, without the page: editor files, terminals with scrollback and history, the
//! virtual clock driven from outside, and a journal of everything typed so that any earlier
//! moment can be rebuilt (the model is deterministic: replaying the journal from the start
//! gives the same cluster and the same terminal text).
//!
//! The yew components in `ui` only render a `Lab` and call its methods; the native tests drive
//! it the same way.

pub mod complete;
pub mod embed;
pub mod i18n;
pub mod layout;
pub mod lesson;
pub mod page;
pub mod replay;
pub mod session;
pub mod share;
pub mod view;

use crate::jv;
use crate::lab::session::Session;
use crate::shell::Stream;
use crate::sim::{SimConfig, SimTime};
use serde_json::Value;

/// The seed the page starts from (the seed lab's draws; see `tests/seed_lab.rs`).
pub const DEFAULT_SEED: u64 = 28;

/// Most terminals a saved lab may name.
const MAX_TERMINALS: usize = 8;
/// Latest virtual moment a saved lab may name (ten years; `sleep` takes at most a day).
const MAX_TIME_MS: u64 = 10 * 365 * 24 * 3600 * 1000;

/// Most text a terminal keeps, in bytes (the oldest goes first).
const SCROLLBACK_BYTES: usize = 256 * 1024;

/// Longest scrollback a terminal keeps, in pieces of text.
const SCROLLBACK: usize = 4000;

/// A piece of one style grows to about this many bytes, then the next line starts a new piece,
/// so that a long watch adds pieces at the end instead of rewriting one long text.
const PIECE_BYTES: usize = 2048;

/// Virtual time between the snapshots that scrubbing back starts from.
const SNAPSHOT_EVERY_MS: u64 = 60_000;
/// Most snapshots kept: beyond it every other one is dropped, so they thin out over a long lab.
const MAX_SNAPSHOTS: usize = 24;

/// The lab at a moment (the cluster, the shells, the terminals' text), so that scrubbing back
/// replays from the nearest earlier snapshot instead of from the start. Cloning is cheap: the
/// store's objects are shared `Rc`s.
#[derive(Clone)]
struct Snapshot {
    /// Journal entries applied at that moment.
    applied: usize,
    session: Session,
    scrollback: Vec<Vec<(Style, String)>>,
    printed: Vec<u64>,
    synced: Vec<(String, String)>,
}

impl Snapshot {
    fn at(&self) -> u64 {
        self.session.sim.now().ms()
    }
}

/// Something a person did, at a moment of virtual time.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Virtual milliseconds since the cluster started.
    pub at: u64,
    /// Which terminal.
    pub term: usize,
    pub act: Act,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Act {
    /// A line typed and entered (with its continuation lines, joined by newlines).
    Line(String),
    /// Ctrl-C, with what had been typed on the line.
    Interrupt(String),
    /// Ctrl-L.
    Clear,
    /// An editor file as it was when the next line ran.
    File { name: String, text: String },
}

/// How a piece of terminal text is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Prompt,
    Input,
    Out,
    Err,
}

/// Splits terminal text at its SGR escape sequences (`ESC [ 0;32 m`, as go-colortext writes
/// them for `kubectl cluster-info`): each piece with the foreground colour in force (30-37, or
/// 0 for the default), without the sequences.
pub fn sgr_spans(text: &str) -> Vec<(u8, &str)> {
    let mut spans = Vec::new();
    let mut colour = 0u8;
    let mut rest = text;
    while let Some(at) = rest.find("\x1b[") {
        if at > 0 {
            spans.push((colour, &rest[..at]));
        }
        let after = &rest[at + 2..];
        let Some(end) = after.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
            rest = "";
            break;
        };
        if after.as_bytes()[end] == b'm' {
            for code in after[..end].split(';') {
                match code.parse::<u8>() {
                    Ok(0) | Err(_) => colour = 0,
                    Ok(c @ 30..=37) => colour = c,
                    Ok(39) => colour = 0,
                    Ok(_) => {}
                }
            }
        }
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        spans.push((colour, rest));
    }
    spans
}

/// One terminal as the page shows it.
#[derive(Clone, Debug, Default)]
pub struct TermView {
    pub scrollback: Vec<(Style, String)>,
    pub history: Vec<String>,
    /// How many pieces have left the front of the scrollback so far (cut or cleared): with
    /// it, a piece has the same number (`dropped` + its index) for as long as it is kept.
    pub dropped: usize,
    /// Bytes of command output (stdout and stderr) the terminal has shown since the lab began,
    /// Ctrl-L or not: a lesson marks where its step began with it.
    pub printed: u64,
}

/// What the page saves between visits (as JSON: `to_json`, `from_json`).
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    pub version: u32,
    pub seed: u64,
    /// The editor files when the journal began.
    pub initial_files: Vec<(String, String)>,
    /// The editor files now.
    pub files: Vec<(String, String)>,
    pub journal: Vec<Entry>,
    /// How far into the journal the cluster stands (entries after it were undone by scrubbing).
    pub applied: usize,
    /// The virtual clock, in milliseconds.
    pub now: u64,
    pub histories: Vec<Vec<String>>,
}

pub struct Lab {
    pub seed: u64,
    pub session: Session,
    /// The editor's files, as tabs, in order.
    pub files: Vec<(String, String)>,
    initial_files: Vec<(String, String)>,
    /// Files as the session last received them.
    synced: Vec<(String, String)>,
    pub journal: Vec<Entry>,
    /// Entries of `journal` that the cluster has seen.
    pub applied: usize,
    pub terms: Vec<TermView>,
    /// The latest moment reached (the scrubber's right end).
    pub horizon: u64,
    /// Earlier moments to scrub back to, oldest first (all on the journal's current future).
    snapshots: Vec<Snapshot>,
    /// How many times the cluster was rebuilt from a snapshot (each seek).
    rebuilds: u64,
}

/// A fresh cluster, before a lab is made over it (`Lab::fresh`, then `Lab::over`): the page
/// builds the two in tasks of their own, so that a key pressed meanwhile is not kept waiting.
pub struct Fresh {
    seed: u64,
    session: Session,
}

impl Lab {
    /// A fresh cluster with `files` in the editor and `terminals` terminals.
    pub fn new(seed: u64, files: Vec<(String, String)>, terminals: usize) -> Lab {
        Lab::over(Lab::fresh(seed), files, terminals)
    }

    /// The first half of `Lab::new`: the cluster from `seed`.
    pub fn fresh(seed: u64) -> Fresh {
        let mut session = Session::new(SimConfig::seeded(seed));
        session.live = true;
        Fresh { seed, session }
    }

    /// The second half of `Lab::new`: the lab over a fresh cluster.
    pub fn over(fresh: Fresh, files: Vec<(String, String)>, terminals: usize) -> Lab {
        let Fresh { seed, session } = fresh;
        let mut lab = Lab {
            seed,
            session,
            initial_files: files.clone(),
            files,
            synced: Vec::new(),
            journal: Vec::new(),
            applied: 0,
            terms: vec![TermView::default(); terminals.max(1)],
            horizon: 0,
            snapshots: Vec::new(),
            rebuilds: 0,
        };
        lab.sync_files(false);
        for t in 0..lab.terms.len() {
            lab.push_prompt(t);
        }
        // The start is the first snapshot: scrubbing to any moment replays from a snapshot.
        lab.snapshots.push(lab.snapshot());
        lab
    }

    /// The page's first state: the seed's `web.yaml` and `deploy.yaml` in the editor.
    pub fn seed_lab() -> Lab {
        Lab::seed_lab_over(Lab::fresh(DEFAULT_SEED))
    }

    /// `seed_lab` over its cluster built before (`Lab::fresh(DEFAULT_SEED)`).
    pub fn seed_lab_over(fresh: Fresh) -> Lab {
        Lab::over(fresh, default_files(), 2)
    }

    /// Virtual milliseconds since the cluster started.
    pub fn now(&self) -> u64 {
        self.session.sim.now().ms()
    }

    /// Changes whenever what the cluster diagram shows may have changed: a write to the store,
    /// or the cluster rebuilt by a seek. The page draws the diagram again only then.
    pub fn changes(&self) -> (u64, u64) {
        (self.rebuilds, self.session.sim.store.revision())
    }

    /// Whether terminal `t` is held by an open watch.
    pub fn busy(&self, t: usize) -> bool {
        self.session.busy(t)
    }

    /// The prompt terminal `t` shows now.
    pub fn prompt(&self, t: usize) -> String {
        self.session.prompt_in(t)
    }

    fn term(&mut self, t: usize) -> &mut TermView {
        if self.terms.len() <= t {
            self.terms.resize_with(t + 1, TermView::default);
        }
        &mut self.terms[t]
    }

    fn push(&mut self, t: usize, style: Style, text: &str) {
        if text.is_empty() {
            return;
        }
        let term = self.term(t);
        if matches!(style, Style::Out | Style::Err) {
            term.printed += text.len() as u64;
        }
        match term.scrollback.last_mut() {
            Some((s, last)) if *s == style && (last.len() < PIECE_BYTES || !last.ends_with('\n')) => {
                last.push_str(text)
            }
            _ => term.scrollback.push((style, text.to_string())),
        }
        if term.scrollback.len() > SCROLLBACK {
            let cut = term.scrollback.len() - SCROLLBACK;
            term.scrollback.drain(..cut);
            term.dropped += cut;
        }
        // A long watch grows one piece: cap the bytes too, cutting whole lines from the front.
        term.dropped += session::cut_front_lines(&mut term.scrollback, SCROLLBACK_BYTES);
    }

    /// A command's output: stdout and stderr in the order written, each in its style.
    fn push_output(&mut self, t: usize, out: crate::shell::Output) {
        for (s, text) in out.chunks {
            self.push(t, if s == Stream::Stdout { Style::Out } else { Style::Err }, &text);
        }
    }

    fn push_prompt(&mut self, t: usize) {
        if !self.session.busy(t) {
            let p = self.session.prompt_in(t);
            self.push(t, Style::Prompt, &p);
        }
    }

    /// Journals the editor files that changed since the session last saw them, and hands
    /// them to the session (so `kubectl apply -f web.yaml` reads the editor's text).
    fn sync_files(&mut self, journal: bool) {
        let changed: Vec<(String, String)> = self.files.iter().filter(|f| !self.synced.contains(f)).cloned().collect();
        for (name, text) in changed {
            self.session.write_file(&name, &text);
            if journal {
                self.journal.push(Entry {
                    at: self.now(),
                    term: 0,
                    act: Act::File { name: name.clone(), text: text.clone() },
                });
                self.applied = self.journal.len();
            }
            self.synced.retain(|(n, _)| *n != name);
            self.synced.push((name, text));
        }
    }

    /// An editor file the shell rewrote (`cat > web.yaml`, `curl -o web.yaml`) shows its new
    /// text, so the editor and `kubectl apply -f` never disagree.
    fn pull_files(&mut self) {
        for (name, text) in self.files.iter_mut() {
            if let Some(now) = self.session.env.file(name).filter(|now| *now != text.as_str()) {
                *text = now.to_string();
                self.synced.retain(|(n, _)| n != name);
                self.synced.push((name.clone(), text.clone()));
            }
        }
    }

    /// Forgets what was undone by scrubbing back: a new action starts a new future.
    fn branch(&mut self) {
        if self.applied < self.journal.len() {
            self.journal.truncate(self.applied);
            self.horizon = self.now();
        }
        // A snapshot later than now lacks what is about to be done now.
        let (applied, now) = (self.applied, self.now());
        self.snapshots.retain(|s| s.applied <= applied && s.at() <= now);
    }

    /// Keeps this moment as a snapshot if the last one is far enough behind (a minute of
    /// virtual time at least).
    /// Called where the journal is applied up to now (a later entry may share this moment: it
    /// is applied after the snapshot, as in any replay).
    fn maybe_snapshot(&mut self) {
        let now = self.now();
        // Further apart as the lab grows (about 16 over its length), so that a reload's replay
        // does not spend its time copying.
        let every = SNAPSHOT_EVERY_MS.max(now / 16);
        if now < self.snapshots.last().map_or(0, Snapshot::at) + every {
            return;
        }
        let snap = self.snapshot();
        self.snapshots.push(snap);
        if self.snapshots.len() > MAX_SNAPSHOTS {
            let mut i = 0;
            self.snapshots.retain(|_| {
                i += 1;
                i % 2 == 1
            });
        }
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            applied: self.applied,
            session: self.session.clone(),
            scrollback: self.terms.iter().map(|t| t.scrollback.clone()).collect(),
            printed: self.terms.iter().map(|t| t.printed).collect(),
            synced: self.synced.clone(),
        }
    }

    /// How many snapshots the lab keeps to scrub back to.
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }

    fn record(&mut self, term: usize, act: Act) {
        // What is done while a frame has left an instant part-way waits for the instant's end:
        // the model handles an instant's work in one piece (a replay of the journal, which knows
        // nothing of frames, does), so the action lands after it, at the same virtual moment.
        self.finish_instant();
        self.branch();
        self.sync_files(true);
        let e = Entry { at: self.now(), term, act };
        self.journal.push(e.clone());
        self.applied = self.journal.len();
        self.apply(&e);
    }

    /// Runs a line in terminal `t`, as typed.
    pub fn run(&mut self, t: usize, line: &str) {
        if !line.trim().is_empty() {
            let h = &mut self.term(t).history;
            if h.last().map(String::as_str) != Some(line) {
                h.push(line.to_string());
            }
        }
        self.record(t, Act::Line(line.to_string()));
    }

    /// Ctrl-C in terminal `t`, with `typed` on the input line.
    pub fn interrupt(&mut self, t: usize, typed: &str) {
        self.record(t, Act::Interrupt(typed.to_string()));
    }

    /// Text for terminal `t` that is not the cluster's (completion candidates): shown, then a
    /// fresh prompt; not journaled.
    pub fn note(&mut self, t: usize, typed: &str, text: &str) {
        self.push(t, Style::Input, &format!("{typed}\n"));
        self.push(t, Style::Out, text);
        self.push_prompt(t);
    }

    /// Ctrl-L in terminal `t`.
    pub fn clear(&mut self, t: usize) {
        self.record(t, Act::Clear);
    }

    fn apply(&mut self, e: &Entry) {
        let t = e.term;
        match &e.act {
            Act::Line(line) => {
                if self.session.busy(t) {
                    // A terminal held by a watch shows what is typed and runs nothing.
                    self.push(t, Style::Input, &format!("{line}\n"));
                    return;
                }
                let mut echo = String::new();
                for (i, l) in line.split('\n').enumerate() {
                    if i > 0 {
                        echo.push_str("> ");
                    }
                    echo.push_str(l);
                    echo.push('\n');
                }
                self.push(t, Style::Input, &echo);
                let (out, _) = self.session.run_line_in(t, line);
                self.push_output(t, out);
                self.pull_files();
                self.push_prompt(t);
            }
            Act::Interrupt(typed) => {
                let (out, _) = if typed.is_empty() || self.session.busy(t) {
                    self.session.interrupt(t)
                } else {
                    (Default::default(), false)
                };
                // The lines of an unfinished command after the first, as their `> ` prompts showed them.
                self.push(t, Style::Input, &format!("{}^C\n", typed.replace('\n', "\n> ")));
                self.push_output(t, out);
                self.push_prompt(t);
            }
            Act::Clear => {
                let term = self.term(t);
                term.dropped += term.scrollback.len();
                term.scrollback.clear();
                self.push_prompt(t);
            }
            Act::File { name, text } => {
                self.session.write_file(name, text);
                self.synced.retain(|(n, _)| n != name);
                self.synced.push((name.clone(), text.clone()));
            }
        }
        // What the command changed shows at once in the other terminals' watches.
        self.poll();
        self.horizon = self.horizon.max(self.now());
    }

    /// Lets `ms` of virtual time pass, printing what open watches see.
    pub fn advance(&mut self, ms: u64) {
        let to = self.now().saturating_add(ms);
        self.run_to(to, u64::MAX);
    }

    /// Lets up to `ms` of virtual time pass, as `advance` does, but stops once `budget` units
    /// of the model's work are spent (`Sim::work_done`: each timer and each work item its
    /// controllers run; at least one), so that a page's frame does a slice of a busy stretch,
    /// even of one busy instant: the clock then stands at the last instant handled, or inside
    /// the instant it was handling (`mid_instant`), and the next call goes on from there. The
    /// model's work runs in the same order in slices as in one `advance`, and nothing reads
    /// the cluster for the terminals until an instant is whole, so slices reach the same
    /// states, and print the same text, as one `advance` (`tests/lab.rs`). True when the whole
    /// `ms` passed.
    pub fn advance_within(&mut self, ms: u64, budget: u64) -> bool {
        let to = self.now().saturating_add(ms);
        self.run_to(to, budget)
    }

    /// Whether the clock stands inside an instant whose work a frame left part-way
    /// (`advance_within`): what the cluster shows then is between two of its controllers' work
    /// items (a drawing may show it; a check should wait for the instant's end).
    pub fn mid_instant(&self) -> bool {
        self.session.mid_instant()
    }

    /// Ends the instant a frame left part-way, if any (whatever it costs), with what the
    /// terminals' watches see at its end.
    pub fn finish_instant(&mut self) {
        if self.mid_instant() {
            self.session.finish_instant();
            self.poll();
        }
    }

    /// Lets the clock run to `to`, or, once `budget` units of work are spent (see
    /// `advance_within`), to where that work got; true when `to` was reached.
    /// After a scrub back, what was done later (the journal past `applied`) happens again as
    /// the clock passes it, as a recording plays.
    fn run_to(&mut self, to: u64, budget: u64) -> bool {
        let to = to.min(MAX_TIME_MS);
        let stop = self.session.sim.work_done().saturating_add(budget.max(1));
        // An instant the last frame left part-way goes on first.
        if self.mid_instant() && !self.session.run_until_within(SimTime(to), stop) {
            return false;
        }
        loop {
            // An entry whose command moved the clock on (a `sleep` or a wait inside a longer
            // line) may carry it past `to`: what was typed by then has happened too, so that any
            // moment inside such a jump is the moment it ends.
            let entry = self.journal.get(self.applied).filter(|e| e.at <= to.max(self.now())).map(|e| e.at);
            // The timers due before the entry (or by `to`) go first, one instant at a time.
            if let Some(due) = self.session.sim.next_due().filter(|d| d.ms() <= entry.unwrap_or(to)) {
                if self.session.sim.work_done() >= stop {
                    self.poll();
                    self.horizon = self.horizon.max(self.now());
                    self.maybe_snapshot();
                    return false;
                }
                if !self.session.run_until_within(due, stop) {
                    // Inside the instant: nothing reads the cluster until it is whole.
                    self.horizon = self.horizon.max(self.now());
                    return false;
                }
                continue;
            }
            let Some(at) = entry else { break };
            let Some(e) = self.journal.get(self.applied).cloned() else { break };
            self.session.run_until(SimTime(at));
            self.poll();
            self.apply(&e);
            self.applied += 1;
            // Inside a long replay too (a reload), so that scrubbing back afterwards is quick.
            self.maybe_snapshot();
        }
        self.session.run_until(SimTime(to));
        self.poll();
        self.horizon = self.horizon.max(self.now());
        self.maybe_snapshot();
        true
    }

    fn poll(&mut self) {
        for t in 0..self.terms.len() {
            let (out, ended) = self.session.poll_ended(t);
            self.push_output(t, out);
            if ended {
                // A wait ended (its objects are gone): the prompt comes back.
                self.push_prompt(t);
            }
        }
    }

    /// Each terminal's count of output bytes shown so far (`TermView::printed`): a mark to read
    /// what is printed after it with `output_since`.
    pub fn printed(&self) -> Vec<u64> {
        self.terms.iter().map(|t| t.printed).collect()
    }

    /// What the terminals printed (stdout and stderr, not what was typed) after `marks`, as far
    /// as their scrollback still holds it (Ctrl-L forgets it); terminal after terminal.
    pub fn output_since(&self, marks: &[u64]) -> String {
        let mut all = String::new();
        for (t, term) in self.terms.iter().enumerate() {
            let mut need = term.printed.saturating_sub(marks.get(t).copied().unwrap_or(0));
            let mut pieces: Vec<&str> = Vec::new();
            for (style, text) in term.scrollback.iter().rev() {
                if need == 0 {
                    break;
                }
                if matches!(style, Style::Out | Style::Err) {
                    let take = (need as usize).min(text.len());
                    pieces.push(text.get(text.len() - take..).unwrap_or(text));
                    need -= take as u64;
                }
            }
            if !pieces.is_empty() && !all.is_empty() {
                all.push('\n');
            }
            all.extend(pieces.into_iter().rev());
        }
        all
    }

    /// Jumps to the next moment something is scheduled to happen. False when nothing is.
    pub fn step_event(&mut self) -> bool {
        self.finish_instant();
        self.session.sim.settle_now();
        let next = [self.session.sim.next_due(), self.session.next_deadline()].into_iter().flatten().min();
        match next {
            Some(t) => {
                self.run_to(t.ms(), u64::MAX);
                true
            }
            None => false,
        }
    }

    /// Whether anything is scheduled to happen.
    pub fn pending(&self) -> bool {
        self.session.sim.next_due().is_some()
    }

    /// Rebuilds the lab as it was at virtual time `at` (back or forward), keeping the journal
    /// so that scrubbing forward again replays what was done.
    pub fn seek(&mut self, at: u64) {
        // The latest snapshot at or before `at`; the start when there is none (it is always
        // kept, unless the snapshots were dropped, as the tests do to replay from the start).
        let s = match self.snapshots.iter().rev().find(|s| s.at() <= at) {
            Some(s) => s.clone(),
            None => Lab::new(self.seed, self.initial_files.clone(), self.terms.len()).snapshot(),
        };
        let horizon = self.horizon.max(self.now());
        self.rebuilds += 1;
        self.session = s.session;
        for t in 0..self.terms.len() {
            // A terminal opened after the snapshot had only its first prompt then.
            self.terms[t].scrollback = match s.scrollback.get(t) {
                Some(text) => text.clone(),
                None => vec![(Style::Prompt, self.session.prompt_in(t))],
            };
            self.terms[t].printed = s.printed.get(t).copied().unwrap_or(0);
        }
        self.synced = s.synced;
        self.applied = s.applied;
        self.run_to(at, u64::MAX);
        self.horizon = horizon.max(self.now());
    }

    /// Adds an editor file, or replaces its text.
    pub fn set_file(&mut self, name: &str, text: &str) {
        match self.files.iter_mut().find(|(n, _)| n == name) {
            Some(f) => f.1 = text.to_string(),
            None => self.files.push((name.to_string(), text.to_string())),
        }
    }

    /// What to save.
    pub fn save(&self) -> Saved {
        Saved {
            version: 1,
            seed: self.seed,
            initial_files: self.initial_files.clone(),
            files: self.files.clone(),
            journal: self.journal.clone(),
            applied: self.applied,
            now: self.now(),
            histories: self.terms.iter().map(|t| t.history.clone()).collect(),
        }
    }

    /// The lab a save describes, rebuilt by replaying its journal. A save from another version
    /// is refused rather than half-read.
    pub fn restore(saved: Saved, terminals: usize) -> Result<Lab, String> {
        if saved.version != 1 {
            return Err(format!("saved lab has version {}, this page reads version 1", saved.version));
        }
        if saved.applied > saved.journal.len() {
            return Err("saved lab is inconsistent".into());
        }
        // A save is input like any other: refuse what the page could not have written.
        let mut last = 0;
        for e in &saved.journal {
            if e.term >= MAX_TERMINALS || e.at < last || e.at > MAX_TIME_MS {
                return Err("saved lab is inconsistent".into());
            }
            last = e.at;
        }
        if saved.now > MAX_TIME_MS || saved.histories.len() > MAX_TERMINALS {
            return Err("saved lab is inconsistent".into());
        }
        let end = saved.journal_end();
        let mut lab = Lab::new(saved.seed, saved.initial_files, terminals.max(saved.histories.len()));
        lab.horizon = end;
        lab.journal = saved.journal;
        // Rebuild exactly the applied prefix, then the clock.
        let at = saved.now.max(lab.journal.get(saved.applied.wrapping_sub(1)).map_or(0, |e| e.at));
        let tail = lab.journal.split_off(saved.applied);
        lab.seek(at);
        lab.journal.extend(tail);
        lab.horizon = lab.horizon.max(at);
        lab.files = saved.files;
        for (t, h) in saved.histories.into_iter().enumerate() {
            lab.term(t).history = h;
        }
        Ok(lab)
    }
}

impl Saved {
    fn journal_end(&self) -> u64 {
        self.journal.last().map_or(0, |e| e.at).max(self.now)
    }

    /// The save as JSON text. The shape is serde's default for these types (pairs as arrays,
    /// acts as `{"Line": ...}` or `"Clear"`), written by hand so the page carries no derive code.
    pub fn to_json(&self) -> String {
        self.to_value()
            .to_string()
            // The YAML reader that reads saves back folds a raw NEL in a quoted string into a space.
            .replace('\u{85}', "\\u0085")
    }

    /// The save as a JSON value (a share link carries it inside its own object).
    pub fn to_value(&self) -> Value {
        let pairs = |v: &[(String, String)]| Value::Array(v.iter().map(|(a, b)| jv!([a, b])).collect());
        let journal: Vec<Value> = self
            .journal
            .iter()
            .map(|e| {
                let act = match &e.act {
                    Act::Line(l) => jv!({ "Line": l }),
                    Act::Interrupt(l) => jv!({ "Interrupt": l }),
                    Act::Clear => jv!("Clear"),
                    Act::File { name, text } => jv!({ "File": { "name": name, "text": text } }),
                };
                jv!({ "at": e.at, "term": e.term, "act": act })
            })
            .collect();
        jv!({
            "version": self.version, "seed": self.seed, "initial_files": pairs(&self.initial_files),
            "files": pairs(&self.files), "journal": journal, "applied": self.applied, "now": self.now,
            "histories": self.histories,
        })
    }

    /// Reads what `to_json` wrote; anything else is an error, never a panic.
    pub fn from_json(text: &str) -> Result<Saved, String> {
        Saved::from_value(&crate::support::yaml::parse(text).map_err(|e| e.to_string())?)
    }

    /// Reads what `to_value` made.
    pub fn from_value(v: &Value) -> Result<Saved, String> {
        let bad = |what: &str| format!("saved lab: {what} is missing or malformed");
        let num = |k: &str| v.get(k).and_then(Value::as_u64).ok_or_else(|| bad(k));
        let string = |v: &Value| v.as_str().map(str::to_string);
        let pairs = |k: &str| -> Result<Vec<(String, String)>, String> {
            let items = v.get(k).and_then(Value::as_array).ok_or_else(|| bad(k))?;
            items
                .iter()
                .map(|p| match p.as_array().map(Vec::as_slice) {
                    Some([a, b]) => Some((string(a)?, string(b)?)),
                    _ => None,
                })
                .collect::<Option<_>>()
                .ok_or_else(|| bad(k))
        };
        let entry = |e: &Value| -> Option<Entry> {
            let act = match e.get("act")? {
                Value::String(s) if s == "Clear" => Act::Clear,
                Value::Object(m) if m.len() == 1 => {
                    let (tag, body) = m.iter().next()?;
                    match tag.as_str() {
                        "Line" => Act::Line(string(body)?),
                        "Interrupt" => Act::Interrupt(string(body)?),
                        "File" => Act::File { name: string(body.get("name")?)?, text: string(body.get("text")?)? },
                        _ => return None,
                    }
                }
                _ => return None,
            };
            Some(Entry { at: e.get("at")?.as_u64()?, term: usize::try_from(e.get("term")?.as_u64()?).ok()?, act })
        };
        let journal = v
            .get("journal")
            .and_then(Value::as_array)
            .and_then(|j| j.iter().map(entry).collect::<Option<Vec<_>>>())
            .ok_or_else(|| bad("journal"))?;
        let histories = v
            .get("histories")
            .and_then(Value::as_array)
            .and_then(|hs| {
                hs.iter()
                    .map(|h| h.as_array()?.iter().map(string).collect::<Option<Vec<_>>>())
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| bad("histories"))?;
        Ok(Saved {
            version: u32::try_from(num("version")?).map_err(|_| bad("version"))?,
            seed: num("seed")?,
            initial_files: pairs("initial_files")?,
            files: pairs("files")?,
            journal,
            applied: usize::try_from(num("applied")?).map_err(|_| bad("applied"))?,
            now: num("now")?,
            histories,
        })
    }
}

/// The work budget of the page's next frame (`Lab::advance_within`), from this frame's budget
/// and the real milliseconds its advance took: halved when it took more than `SLOW_MS`, grown
/// by a quarter when it took less than `FAST_MS`, within `MIN_BUDGET..=MAX_BUDGET`. Only what
/// each frame does depends on it, never what the lab reaches.
pub fn next_budget(budget: u64, took_ms: f64) -> u64 {
    let b = if took_ms > SLOW_MS {
        budget / 2
    } else if took_ms < FAST_MS {
        budget + budget / 4 + 1
    } else {
        budget
    };
    b.clamp(MIN_BUDGET, MAX_BUDGET)
}

/// A frame's advance that takes longer than this (ms) halves the next one's budget.
pub const SLOW_MS: f64 = 24.0;
/// One that takes less grows the next one's budget.
pub const FAST_MS: f64 = 8.0;
/// The budget of a frame's advance, at the least and at the most.
pub const MIN_BUDGET: u64 = 16;
pub const MAX_BUDGET: u64 = 4096;

/// The editor's files on a fresh page: the seed's manifests.
pub fn default_files() -> Vec<(String, String)> {
    vec![
        ("web.yaml".into(), include_str!("../../lessons/files/examples/application/web/web.yaml").into()),
        ("deploy.yaml".into(), include_str!("../../lessons/files/deploy.yaml").into()),
    ]
}

/// The file the "Deployment beside StatefulSet" button loads: one pod template, run by both.
pub fn compare_file() -> (String, String) {
    ("compare.yaml".into(), include_str!("../../lessons/files/compare.yaml").into())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sgr_sequences_colour_the_text_between_them() {
        let spans = super::sgr_spans("\x1b[0;32mCoreDNS\x1b[0m is running at \x1b[0;33mhttps://x\x1b[0m\n");
        assert_eq!(spans, vec![(32, "CoreDNS"), (0, " is running at "), (33, "https://x"), (0, "\n")]);
        assert_eq!(super::sgr_spans("plain"), vec![(0, "plain")]);
        // A sequence cut short drops what follows rather than showing escape bytes.
        assert_eq!(super::sgr_spans("a\x1b[0;3"), vec![(0, "a")]);
    }

    use super::*;

    fn text(lab: &Lab, t: usize) -> String {
        lab.terms[t].scrollback.iter().map(|(_, s)| s.as_str()).collect()
    }

    #[test]
    fn a_watch_follows_the_clock_and_ctrl_c_ends_it() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx");
        assert!(lab.busy(0));
        let first = text(&lab, 0);
        assert!(first.contains("service/nginx created"), "{first}");
        assert!(!first.contains("web-1"), "{first}");
        lab.advance(60_000);
        let later = text(&lab, 0);
        assert!(later.contains("web-1"), "{later}");
        lab.interrupt(0, "");
        assert!(!lab.busy(0));
        assert!(text(&lab, 0).ends_with("^C\nroot@k8s-m:~# "));
    }

    /// The scrollback's byte cap cuts whole lines, never inside a character.
    #[test]
    fn the_scrollback_cap_never_cuts_inside_a_character() {
        for pad in 0..3 {
            let mut lab = Lab::new(DEFAULT_SEED, Vec::new(), 1);
            let notes = "x".repeat(pad) + &"é\n".repeat(100_000);
            lab.note(0, "cat notes", &notes);
            let kept = text(&lab, 0);
            assert!(kept.len() <= SCROLLBACK_BYTES, "{}", kept.len());
            assert!(kept.starts_with("é\n"), "whole lines: {:?}", kept.chars().take(4).collect::<String>());
        }
    }

    /// A long jump of the clock (a scrub forward, a run of `step_event`) polls the terminals a
    /// virtual minute at a time, as `@sleep` does: a watch keeps up instead of falling behind
    /// its kind's window, and a job that ended on the way gives its prompt back.
    #[test]
    fn a_day_of_clock_keeps_a_watch_in_step_and_gives_ended_jobs_their_prompt() {
        let mut lab = Lab::new(DEFAULT_SEED, Vec::new(), 2);
        lab.run(0, "kubectl run crash --image=busybox -- sh -c 'exit 1'");
        lab.run(1, "kubectl get pods -w");
        lab.run(0, "sleep 30");
        assert!(lab.busy(0) && lab.busy(1));
        lab.advance(86_400_000);
        assert!(lab.busy(1), "the watch is still open");
        let rows = text(&lab, 1);
        assert!(rows.lines().count() > 500, "{rows}");
        assert!(!lab.busy(0));
        assert!(text(&lab, 0).ends_with("sleep 30\nroot@k8s-m:~# "), "{}", text(&lab, 0));
    }

    /// `kubectl get pods -w | grep Running` on the page: the watch holds the terminal and each
    /// change it prints passes through grep as the clock runs.
    #[test]
    fn a_watch_piped_into_grep_holds_the_terminal_and_filters_as_it_goes() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        lab.run(0, "kubectl get pods -w | grep -E 'Running|NAME'");
        assert!(lab.busy(0), "held, as the watch runs");
        let start = lab.now();
        lab.advance(60_000);
        assert_eq!(lab.now(), start + 60_000, "the clock was not run ahead by the line");
        let out = text(&lab, 0);
        let after = out.split("grep -E 'Running|NAME'\n").nth(1).unwrap();
        let names: Vec<&str> = after.lines().map(|l| l.split_whitespace().next().unwrap_or("")).collect();
        assert_eq!(names, ["NAME", "web-0", "web-1"], "{out}");
        lab.interrupt(0, "");
        assert!(!lab.busy(0));
    }

    #[test]
    fn delete_holds_the_terminal_while_the_pod_terminates() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        lab.advance(60_000);
        lab.run(0, "kubectl delete pod web-0");
        assert!(lab.busy(0));
        assert!(text(&lab, 0).ends_with("pod \"web-0\" deleted\n"), "{}", text(&lab, 0));
        let pod = lab
            .session
            .sim
            .store
            .get(&crate::sim::ObjKey::new(crate::sim::Kind::Pod, "default", "web-0"))
            .cloned()
            .unwrap();
        assert!(
            pod.pointer("/metadata/deletionTimestamp").is_some(),
            "the pod is Terminating while the terminal waits"
        );
        lab.advance(30_000);
        assert!(!lab.busy(0));
        assert!(text(&lab, 0).ends_with("pod \"web-0\" deleted\nroot@k8s-m:~# "), "{}", text(&lab, 0));
        // Within a line, the rest still waits for the delete as before (no live hold).
        lab.run(0, "kubectl delete pod web-1 && kubectl get pod web-1");
        assert!(!lab.busy(0));
        assert!(
            text(&lab, 0)
                .contains("pod \"web-1\" deleted\nNAME    READY   STATUS    RESTARTS   AGE\nweb-1   0/1     Pending"),
            "{}",
            text(&lab, 0)
        );
    }

    #[test]
    fn rollout_status_and_sleep_follow_the_clock() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        lab.run(0, "kubectl rollout status sts web");
        assert!(lab.busy(0));
        assert!(text(&lab, 0).ends_with("Waiting for 2 pods to be ready...\n"), "{}", text(&lab, 0));
        lab.advance(120_000);
        assert!(!lab.busy(0));
        assert!(
            text(&lab, 0).ends_with("partitioned roll out complete: 2 new pods have been updated...\nroot@k8s-m:~# "),
            "{}",
            text(&lab, 0)
        );
        let t = lab.now();
        lab.run(1, "sleep 5");
        assert!(lab.busy(1));
        assert_eq!(lab.now(), t);
        lab.advance(4_000);
        assert!(lab.busy(1));
        lab.advance(1_000);
        assert!(!lab.busy(1));
    }

    #[test]
    fn a_live_rollout_error_is_printed_as_an_error() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        lab.run(0, "kubectl rollout status sts web");
        assert!(lab.busy(0));
        lab.run(1, "kubectl delete sts web --wait=false");
        assert!(!lab.busy(0));
        let (style, text) = lab.terms[0].scrollback.iter().rev().find(|(s, _)| *s != Style::Prompt).cloned().unwrap();
        assert_eq!(style, Style::Err, "{text}");
        assert_eq!(text, "error: object has been deleted\n");
    }

    #[test]
    fn ctrl_c_leaves_a_pod_shell() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        lab.advance(60_000);
        lab.run(0, "kubectl exec -it web-0 -- sh");
        assert_eq!(lab.prompt(0), "# ");
        lab.run(0, "hostname");
        assert!(text(&lab, 0).ends_with("# hostname\nweb-0\n# "), "{}", text(&lab, 0));
        lab.interrupt(0, "");
        assert_eq!(lab.prompt(0), "root@k8s-m:~# ");
        assert!(text(&lab, 0).ends_with("^C\nroot@k8s-m:~# "));
    }

    #[test]
    fn scrubbing_back_and_forward_gives_the_same_text() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx");
        lab.advance(5_000);
        lab.run(1, "kubectl get pods");
        lab.advance(40_000);
        let t0 = text(&lab, 0);
        let t1 = text(&lab, 1);
        lab.seek(1_000);
        assert!(!text(&lab, 1).contains("web-0"));
        lab.seek(45_000);
        assert_eq!(text(&lab, 0), t0);
        assert_eq!(text(&lab, 1), t1);
    }

    #[test]
    fn the_editor_file_is_what_apply_reads() {
        let mut lab = Lab::seed_lab();
        lab.set_file(
            "web.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: edited\nspec:\n  ports:\n  - port: 80\n",
        );
        lab.run(0, "kubectl apply -f web.yaml");
        assert!(text(&lab, 0).contains("service/edited created"), "{}", text(&lab, 0));
    }

    #[test]
    fn a_tampered_save_is_refused_not_followed() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        let good = lab.save();
        let mut bad = good.clone();
        bad.journal[0].term = 99;
        assert!(Lab::restore(bad, 2).is_err());
        let mut bad = good.clone();
        bad.now = u64::MAX;
        assert!(Lab::restore(bad, 2).is_err());
        let mut bad = good.clone();
        bad.applied = 10;
        assert!(Lab::restore(bad, 2).is_err());
        let mut bad = good.clone();
        bad.version = 2;
        assert!(Lab::restore(bad, 2).is_err());
        assert!(Lab::restore(good, 2).is_ok());
    }

    #[test]
    fn a_file_the_shell_rewrites_shows_in_the_editor() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "echo 'kind: Pod' > web.yaml");
        assert_eq!(lab.files[0], ("web.yaml".to_string(), "kind: Pod\n".to_string()));
        lab.run(0, "kubectl apply -f web.yaml");
        assert!(text(&lab, 0).contains("apiVersion not set"), "{}", text(&lab, 0));
    }

    #[test]
    fn a_save_restores_the_same_lab() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        lab.advance(30_000);
        lab.run(0, "kubectl get pods");
        let json = lab.save().to_json();
        let back = Lab::restore(Saved::from_json(&json).unwrap(), 2).unwrap();
        assert_eq!(text(&back, 0), text(&lab, 0));
        assert_eq!(back.now(), lab.now());
        assert_eq!(back.terms[0].history, vec!["kubectl apply -f web.yaml", "kubectl get pods"]);
    }

    #[test]
    fn a_save_reads_back_every_character_and_the_earlier_shape() {
        // Written as serde's derive wrote saves before `to_json` (externally tagged acts).
        let old = r#"{"version":1,"seed":52,"initial_files":[["a b.yaml","x: \"1\"\n\tk: \\ \u001b é 한"]],"files":[],"journal":[{"at":0,"term":1,"act":{"Line":"echo '{\"a\":1}'"}},{"at":5,"term":0,"act":"Clear"},{"at":9,"term":0,"act":{"Interrupt":"ku"}},{"at":9,"term":0,"act":{"File":{"name":"n","text":"t\r\n"}}}],"applied":2,"now":12,"histories":[["h1"],[]]}"#;
        let saved = Saved::from_json(old).unwrap();
        assert_eq!(saved.initial_files, vec![("a b.yaml".to_string(), "x: \"1\"\n\tk: \\ \u{1b} é 한".to_string())]);
        assert_eq!(saved.journal[0].act, Act::Line("echo '{\"a\":1}'".into()));
        assert_eq!(saved.journal[1].act, Act::Clear);
        assert_eq!(saved.journal[3].act, Act::File { name: "n".into(), text: "t\r\n".into() });
        assert_eq!((saved.applied, saved.now, saved.histories.len()), (2, 12, 2));
        assert_eq!(Saved::from_json(&saved.to_json()).unwrap(), saved);
        // Characters the YAML reader treats specially inside quotes (NEL, LS, PS) come back too.
        let mut odd = saved.clone();
        odd.files = vec![("n.txt".into(), "a\u{85}b\u{2028}c\u{2029}d <&>".into())];
        assert_eq!(Saved::from_json(&odd.to_json()).unwrap(), odd);
        for broken in [
            "",
            "{",
            "[]",
            r#"{"version":1}"#,
            &old.replace("\"Clear\"", "\"Wipe\""),
            &old.replace("\"term\":1", "\"term\":-1"),
        ] {
            assert!(Saved::from_json(broken).is_err(), "{broken}");
        }
    }

    /// A lab of `rounds` rounds of typical commands, a few virtual minutes each.
    fn long_lab(rounds: usize) -> Lab {
        let mut lab = Lab::seed_lab();
        for r in 0..rounds {
            for line in [
                "kubectl apply -f web.yaml",
                "kubectl apply -f deploy.yaml",
                "kubectl scale sts web --replicas=4",
                "kubectl delete pod web-0 --wait=false",
                "kubectl get pods -o wide",
            ] {
                lab.run(r % 2, line);
                lab.advance(20_000);
            }
            lab.run(1, "kubectl get pods -w");
            lab.run(0, "kubectl delete -f deploy.yaml --wait=false");
            lab.advance(90_000);
            lab.interrupt(1, "");
        }
        lab
    }

    /// The same lab rebuilt from its save (a replay from the start, no snapshots) and sought.
    fn replayed(lab: &Lab, at: u64) -> Lab {
        let mut fresh = Lab::restore(Saved::from_json(&lab.save().to_json()).unwrap(), 2).unwrap();
        // The start is always a snapshot; later ones come once a minute has passed.
        assert_eq!(fresh.snapshots.first().map(|s| (s.at(), s.applied)), Some((0, 0)));
        assert_eq!(fresh.snapshot_count() > 1, fresh.now() >= SNAPSHOT_EVERY_MS);
        fresh.snapshots.clear();
        fresh.seek(at);
        fresh
    }

    #[test]
    fn scrubbing_back_from_a_snapshot_is_replaying_from_the_start() {
        let mut lab = long_lab(4);
        assert!(lab.snapshot_count() >= 4, "{}", lab.snapshot_count());
        let end = lab.now();
        for at in [end / 3, end / 2 + 1234, 61_000, 5_000, end] {
            lab.seek(at);
            let fresh = replayed(&lab, at);
            assert_eq!(lab.now(), at);
            for t in 0..2 {
                assert_eq!(text(&lab, t), text(&fresh, t), "terminal {t} at {at}");
            }
            // The clusters agree too, not only the terminals.
            let (mut a, mut b) = (lab.session.clone(), fresh.session.clone());
            for line in ["kubectl get pods,pvc -o wide", "kubectl get events"] {
                assert_eq!(a.run_line(line).0.text(), b.run_line(line).0.text(), "{line} at {at}");
            }
        }
    }

    #[test]
    fn a_new_action_after_scrubbing_back_drops_the_later_snapshots() {
        let mut lab = long_lab(4);
        let end = lab.now();
        lab.seek(end / 2);
        lab.run(0, "kubectl scale deploy deploy --replicas=5");
        assert!(lab.snapshots.iter().all(|s| s.at() <= end / 2));
        lab.advance(200_000);
        for at in [end / 2 + 100_000, end / 4, lab.now()] {
            lab.seek(at);
            let fresh = replayed(&lab, at);
            assert_eq!(text(&lab, 0), text(&fresh, 0), "at {at}");
            assert_eq!(text(&lab, 1), text(&fresh, 1), "at {at}");
        }
    }
}
