//! The embed mode without the page: its address parameters read with bounds, the messages a
//! host page and the embed exchange (format version 1, checked for shape), and the runner that
//! types a host's code blocks (or an autoplayed script) into one terminal of the lab, in order,
//! and reads back what each block printed.
//!
//! Everything here comes from strangers (an author's parameters, a host page's messages): it is
//! data, bounded as typed input is, and what it produces is text the page renders as text.
//!
//! The message format (README, "Embedding Kubelab"): every message is an object with
//! `kubelab: 1` and a `type`.
//! - host → embed: `{kubelab: 1, type: "run", id, lines: [..], files?: [{name, text}], wait?}`
//!   runs a block (its files are written into the lab first); with `wait: true` it begins once
//!   the block before it has settled (its terminal free, or a watch that can show nothing more),
//!   otherwise a hold left by the block before is ended at once (Ctrl-C);
//!   `{kubelab: 1, type: "stop", id}` is Ctrl-C for that block; `{kubelab: 1, type: "link", id}`
//!   asks for a share link of the lab as it stood when that block ended (as it is, while the
//!   block still runs), answered `{kubelab: 1, type: "link", id, url}` once the block settled.
//! - embed → host: `{kubelab: 1, type: "ready"}` once it can take blocks; `{kubelab: 1, type:
//!   "output", id, text, done, lines}` a block's whole output so far (sent again as it grows)
//!   and how many of its lines were typed (a block stopped with none never began);
//!   `{kubelab: 1, type: "height", height}` the embed's content height in CSS pixels.

use crate::jv;
use crate::lab::i18n::Lang;
use crate::lab::{Lab, Saved};
use serde_json::Value;

/// The message format's version: a message with another is refused.
pub const VERSION: u64 = 1;
/// Longest message text the embed reads (JSON).
pub const MAX_MESSAGE_BYTES: usize = 512 * 1024;
/// Most lines in one block or script.
pub const MAX_LINES: usize = 200;
/// Longest line of a block or script.
pub const MAX_LINE_BYTES: usize = 16 * 1024;
/// Most files one block carries, and the longest file text.
pub const MAX_FILES: usize = 16;
pub const MAX_FILE_BYTES: usize = 256 * 1024;
/// Longest block id.
pub const MAX_ID_BYTES: usize = 64;
/// Longest `script` parameter.
pub const MAX_SCRIPT_BYTES: usize = 16 * 1024;
/// Most blocks the runner remembers (the oldest finished ones are forgotten).
pub const MAX_BLOCKS: usize = 256;
/// Most ended blocks whose lab the runner keeps for their code links (the older ones' links
/// are of the lab as it is): each is a copy of the lab's save.
pub const MAX_SNAPSHOTS: usize = 32;
/// Most output one block's message carries: its last part.
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024;
/// The speeds the embed plays at (as the timeline offers them).
pub const SPEEDS: [u64; 4] = [1, 2, 5, 10];
/// A line waiting behind a held terminal (a watch) presses Ctrl-C once the hold can show nothing
/// more (nothing is due in the cluster) or has printed nothing for this long (virtual ms), as a
/// replay's watch ends.
pub const QUIET_MS: u64 = crate::kubectl::get::QUIET_MS;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// The reader's system setting.
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub fn key(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// One step of an autoplayed script.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Line(String),
    Sleep(u64),
}

/// The embed's address parameters (`?embed&panes=terminal,diagram&theme=dark&lang=ko&speed=5
/// &autoplay=1&script=...`), each bounded: an unknown or malformed value is the default.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Whether the page is an embed at all (`embed` present).
    pub embed: bool,
    /// The panes' keys, in the author's order, known keys only.
    pub panes: Vec<&'static str>,
    pub theme: Theme,
    pub lang: Option<Lang>,
    pub speed: u64,
    /// Play the script (or the lesson) at once; otherwise a Play button starts it.
    pub autoplay: bool,
    pub script: Vec<Step>,
    /// Driven by `kubelab-embed.js`: the page's blocks are the script.
    pub host: bool,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            embed: false,
            panes: Vec::new(),
            theme: Theme::Auto,
            lang: None,
            speed: 1,
            autoplay: false,
            script: Vec::new(),
            host: false,
        }
    }
}

/// The parameters the embed reads.
pub const PARAM_KEYS: [&str; 8] = ["embed", "panes", "theme", "lang", "speed", "autoplay", "script", "host"];

/// The pane keys the page knows.
pub const PANE_KEYS: [&str; 4] = ["editor", "terminal", "diagram", "timeline"];

impl Params {
    /// Reads the address's parameters (as `URLSearchParams` decodes them). Later repeats of
    /// a key are ignored.
    pub fn read(pairs: &[(String, String)]) -> Params {
        let mut p = Params::default();
        let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        p.embed = get("embed").is_some();
        if let Some(v) = get("panes") {
            for w in v.split(',').take(PANE_KEYS.len() * 2) {
                if let Some(k) = PANE_KEYS.iter().find(|k| **k == w.trim()) {
                    if !p.panes.contains(k) {
                        p.panes.push(k);
                    }
                }
            }
        }
        p.theme = match get("theme") {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::Auto,
        };
        p.lang = get("lang").and_then(Lang::from_code);
        p.speed = get("speed").and_then(|s| s.trim().parse::<u64>().ok()).filter(|s| SPEEDS.contains(s)).unwrap_or(1);
        p.autoplay = matches!(get("autoplay"), Some("" | "1" | "true" | "yes"));
        p.host = get("host").is_some();
        if let Some(s) = get("script") {
            p.script = read_script(s).unwrap_or_default();
        }
        p
    }
}

/// Why a script or a message was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Refused {
    #[error("not a Kubelab message")]
    NotOurs,
    #[error("message format version {0}, this embed reads version 1")]
    Version(String),
    #[error("message too long: {0} bytes, at most {MAX_MESSAGE_BYTES}")]
    TooLong(usize),
    #[error("malformed message: {0}")]
    Shape(&'static str),
}

/// A script in the replay format's subset: one line per command, `#` comments and blank lines
/// skipped, `@sleep 30s`. Bounded: at most `MAX_LINES` steps of `MAX_LINE_BYTES` each.
pub fn read_script(text: &str) -> Result<Vec<Step>, Refused> {
    if text.len() > MAX_SCRIPT_BYTES {
        return Err(Refused::Shape("script too long"));
    }
    let mut steps = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if steps.len() == MAX_LINES {
            return Err(Refused::Shape("too many lines"));
        }
        if let Some(d) = t.strip_prefix("@sleep") {
            let ms = crate::lab::replay::parse_duration_ms(d).ok_or(Refused::Shape("@sleep needs a duration"))?;
            // At most ten minutes a step, as a watch's limit.
            steps.push(Step::Sleep(ms.min(crate::kubectl::get::WATCH_LIMIT_MS)));
            continue;
        }
        if line.len() > MAX_LINE_BYTES {
            return Err(Refused::Shape("line too long"));
        }
        steps.push(Step::Line(line.trim_end_matches('\r').to_string()));
    }
    Ok(steps)
}

/// What a host page asks of the embed.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Runs a block: its files written into the lab, then its lines typed one by one; `wait`:
    /// it begins once the block before has settled, rather than ending its hold at once.
    Run { id: String, lines: Vec<String>, files: Vec<(String, String)>, wait: bool },
    /// Ctrl-C for the block (and its lines not yet typed are dropped).
    Stop { id: String },
    /// A share link of the lab as it is now, for the block.
    Link { id: String },
}

/// Whether an editor file name is one the page accepts (as its New file box does).
pub fn file_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || (!c.is_ascii() && !c.is_whitespace()) || "._-".contains(c))
        && !name.starts_with('.')
}

/// Reads a host's message (its JSON text): our format's version 1 and shape, or why not.
/// A message without `kubelab` is someone else's (`NotOurs`): the page ignores it silently.
pub fn read_message(json: &str) -> Result<Request, Refused> {
    if json.len() > MAX_MESSAGE_BYTES {
        return Err(Refused::TooLong(json.len()));
    }
    // The YAML reader reads JSON as kubectl's does; a raw NEL in a string would fold.
    let v = crate::support::yaml::parse(&json.replace('\u{85}', "\\u0085")).map_err(|_| Refused::NotOurs)?;
    let Some(version) = v.get("kubelab") else { return Err(Refused::NotOurs) };
    if version.as_u64() != Some(VERSION) {
        let shown: String = version.to_string().chars().take(16).collect();
        return Err(Refused::Version(shown));
    }
    let id = v.get("id").and_then(Value::as_str).ok_or(Refused::Shape("id must be a string"))?;
    if id.is_empty() || id.len() > MAX_ID_BYTES {
        return Err(Refused::Shape("id must have 1 to 64 bytes"));
    }
    let id = id.to_string();
    match v.get("type").and_then(Value::as_str) {
        Some("run") => {
            let lines = read_lines(v.get("lines"))?;
            let files = read_files(v.get("files"))?;
            let wait = match v.get("wait") {
                None | Some(Value::Null) => false,
                Some(w) => w.as_bool().ok_or(Refused::Shape("wait must be true or false"))?,
            };
            Ok(Request::Run { id, lines, files, wait })
        }
        Some("stop") => Ok(Request::Stop { id }),
        Some("link") => Ok(Request::Link { id }),
        _ => Err(Refused::Shape("type must be run, stop or link")),
    }
}

fn read_lines(v: Option<&Value>) -> Result<Vec<String>, Refused> {
    let items = v.and_then(Value::as_array).ok_or(Refused::Shape("lines must be an array of strings"))?;
    if items.len() > MAX_LINES {
        return Err(Refused::Shape("too many lines"));
    }
    items
        .iter()
        .map(|l| match l.as_str() {
            Some(s) if s.len() <= MAX_LINE_BYTES => Ok(s.to_string()),
            Some(_) => Err(Refused::Shape("line too long")),
            None => Err(Refused::Shape("lines must be an array of strings")),
        })
        .collect()
}

fn read_files(v: Option<&Value>) -> Result<Vec<(String, String)>, Refused> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let items = v.as_array().ok_or(Refused::Shape("files must be an array"))?;
    if items.len() > MAX_FILES {
        return Err(Refused::Shape("too many files"));
    }
    let file = |f: &Value| -> Result<(String, String), Refused> {
        let name = f.get("name").and_then(Value::as_str).filter(|n| file_name_ok(n));
        let name = name.ok_or(Refused::Shape("a file's name must be letters, digits and ._- (at most 64)"))?;
        let text = f.get("text").and_then(Value::as_str).ok_or(Refused::Shape("a file's text must be a string"))?;
        if text.len() > MAX_FILE_BYTES {
            return Err(Refused::Shape("file too long"));
        }
        Ok((name.to_string(), text.to_string()))
    };
    items.iter().map(file).collect()
}

/// The embed's messages to its host, as JSON text.
pub fn ready_message() -> String {
    jv!({ "kubelab": VERSION, "type": "ready" }).to_string()
}

/// A block's output so far; `lines`: how many of its lines have been typed (0: it never began,
/// so a stopped block with none is as if never run).
pub fn output_message(id: &str, text: &str, done: bool, lines: usize) -> String {
    jv!({ "kubelab": VERSION, "type": "output", "id": id, "text": text, "done": done, "lines": lines }).to_string()
}

pub fn link_message(id: &str, url: &str) -> String {
    jv!({ "kubelab": VERSION, "type": "link", "id": id, "url": url }).to_string()
}

pub fn height_message(height: u64) -> String {
    jv!({ "kubelab": VERSION, "type": "height", "height": height }).to_string()
}

/// What the embed says of a message it refused (to the window that sent it).
pub fn error_message(why: &str) -> String {
    jv!({ "kubelab": VERSION, "type": "error", "message": why }).to_string()
}

/// What a share link of the lab depends on, looked at cheaply: the journal (lines, Ctrl-C,
/// file versions), the editor's files, the lesson's step and the language. The embed makes
/// its "Open in Kubelab" link again only when this moved (the clock alone does not count: the
/// link's moment is refreshed when the reader points at it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkMark {
    journal: (usize, usize, u64),
    files: u64,
    step: Option<usize>,
    lang: Lang,
}

impl LinkMark {
    pub fn of(lab: &Lab, step: Option<usize>, lang: Lang) -> LinkMark {
        // FNV-1a over the files' names and texts.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for (name, text) in &lab.files {
            for b in name.bytes().chain([0]).chain(text.bytes()).chain([0]) {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        let last = lab.journal.last().map_or(0, |e| e.at);
        LinkMark { journal: (lab.journal.len(), lab.applied, last), files: h, step, lang }
    }
}

/// Text for an HTML attribute's double quotes.
fn attr(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The `<iframe>` snippet the full page's "Copy embed code" gives: the site at `site` (its
/// folder), its `embed.html` with `panes` in `lang`, full width and a height that fits a
/// terminal and a diagram.
pub fn iframe_snippet(site: &str, panes: &[&str], lang: Lang) -> String {
    let panes: Vec<&str> = panes.iter().copied().filter(|p| PANE_KEYS.contains(p)).collect();
    let height = if panes.len() > 2 { 640 } else { 480 };
    let src = format!("{site}embed.html?panes={}&lang={}", panes.join(","), lang.code());
    format!(
        "<iframe src=\"{}\" title=\"Kubelab\" width=\"100%\" height=\"{height}\" style=\"border:0\" loading=\"lazy\"></iframe>",
        attr(&src)
    )
}

/// The last `max` bytes of `text` at most, cut at a character's start.
fn tail(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// What terminal `t` printed (stdout and stderr) after its count stood at `mark`.
fn printed_since(lab: &Lab, t: usize, mark: u64) -> String {
    let mut marks = lab.printed();
    if let Some(m) = marks.get_mut(t) {
        *m = mark;
    }
    lab.output_since(&marks)
}

/// A block's lines as a terminal takes them: a line the shell finds unfinished (an open quote,
/// a here-document, a trailing `|`) goes on with the next ones, as at a `> ` prompt; blank
/// lines outside such a command are skipped.
fn whole_lines(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut reader = crate::shell::LineReader::default();
    for l in lines {
        if reader.is_empty() && l.trim().is_empty() {
            continue;
        }
        if !reader.push(l) {
            out.push(reader.take());
        }
    }
    if !reader.is_empty() {
        out.push(reader.take());
    }
    out
}

/// One block as the runner keeps it.
#[derive(Clone, Debug)]
struct Block {
    id: String,
    /// Each line typed so far, with its terminal's printed count just before.
    typed: Vec<(String, u64)>,
    /// How many lines the block has in all.
    lines: usize,
    done: bool,
    /// The terminal's printed count when the block ended (what follows is another's).
    end: Option<u64>,
    /// (printed count, done) when last reported.
    reported: Option<(u64, usize, bool)>,
    /// The lab as it stood when the block ended: its code link.
    snapshot: Option<Box<Saved>>,
}

#[derive(Clone, Debug, PartialEq)]
enum Item {
    /// A block begins: a hold left by the one before it is ended (Ctrl-C), at once or (`true`)
    /// once it has settled.
    Start(String, bool),
    Line(String, String),
    Sleep(u64),
}

/// Types blocks of lines into one terminal of a lab, in the order they were asked for, and
/// says what each printed. A line waits while its terminal is held (a watch, a delete that
/// waits); a new block, or a line after `@sleep`, ends such a hold with Ctrl-C, as the seed's
/// author did before typing on; inside a block, a hold that has printed nothing for
/// [`QUIET_MS`] is ended the same way.
#[derive(Clone, Debug, Default)]
pub struct Runner {
    pub term: usize,
    queue: Vec<Item>,
    blocks: Vec<Block>,
    /// The block whose lines are being typed, or whose last line holds the terminal.
    current: Option<String>,
    sleep_until: Option<u64>,
    after_sleep: bool,
    /// The terminal's printed count when it last changed, and the virtual moment then.
    last_print: (u64, u64),
    /// Blocks whose code link was asked for and is not given yet.
    links: Vec<String>,
}

impl Runner {
    pub fn new(term: usize) -> Runner {
        Runner { term, ..Runner::default() }
    }

    /// Whether anything is queued or running.
    pub fn active(&self) -> bool {
        !self.queue.is_empty() || self.current.is_some()
    }

    /// Queues a block (its files go into the lab now, as an editor's edit does); `wait`: it
    /// begins once the block before has settled (a catch-up of blocks the reader skipped).
    pub fn run(&mut self, lab: &mut Lab, id: &str, lines: &[String], files: &[(String, String)], wait: bool) {
        for (name, text) in files {
            lab.set_file(name, text);
        }
        // The same id again is a fresh run of it.
        self.blocks.retain(|b| b.id != id);
        self.queue.retain(|i| !matches!(i, Item::Line(b, _) | Item::Start(b, _) if b == id));
        if self.blocks.len() >= MAX_BLOCKS {
            if let Some(i) = self.blocks.iter().position(|b| b.done) {
                self.blocks.remove(i);
            } else {
                return;
            }
        }
        let lines = whole_lines(lines);
        self.blocks.push(Block {
            id: id.to_string(),
            typed: Vec::new(),
            lines: lines.len(),
            done: false,
            end: None,
            reported: None,
            snapshot: None,
        });
        self.queue.push(Item::Start(id.to_string(), wait));
        self.queue.extend(lines.into_iter().map(|l| Item::Line(id.to_string(), l)));
    }

    /// Queues a script as one block named `id`.
    pub fn play(&mut self, lab: &mut Lab, id: &str, steps: &[Step]) {
        let lines: Vec<String> =
            steps.iter().filter_map(|s| if let Step::Line(l) = s { Some(l.clone()) } else { None }).collect();
        self.run(lab, id, &[], &[], false);
        if let Some(b) = self.blocks.iter_mut().find(|b| b.id == id) {
            b.lines = lines.len();
        }
        for s in steps {
            self.queue.push(match s {
                Step::Line(l) => Item::Line(id.to_string(), l.clone()),
                Step::Sleep(ms) => Item::Sleep(*ms),
            });
        }
    }

    /// Ctrl-C for block `id`: its untyped lines are dropped, a hold of its is ended.
    pub fn stop(&mut self, lab: &mut Lab, id: &str) {
        self.queue.retain(|i| !matches!(i, Item::Line(b, _) | Item::Start(b, _) if b == id));
        if self.current.as_deref() == Some(id) {
            if lab.busy(self.term) {
                lab.interrupt(self.term, "");
            }
            self.current = None;
        }
        self.finish(lab, id);
    }

    fn finish_current(&mut self, lab: &Lab) {
        if let Some(id) = self.current.take() {
            self.finish(lab, &id);
        }
    }

    fn finish(&mut self, lab: &Lab, id: &str) {
        let printed = lab.printed().get(self.term).copied().unwrap_or(0);
        if let Some(b) = self.blocks.iter_mut().find(|b| b.id == id && !b.done) {
            b.done = true;
            b.end = Some(printed);
            b.snapshot = Some(Box::new(lab.save()));
        }
        let kept = self.blocks.iter().filter(|b| b.snapshot.is_some()).count();
        if kept > MAX_SNAPSHOTS {
            if let Some(old) = self.blocks.iter_mut().find(|b| b.snapshot.is_some()) {
                old.snapshot = None;
            }
        }
    }

    /// Whether the hold on the terminal may be ended as a replay's watch ends: it has printed
    /// nothing for [`QUIET_MS`], or nothing in the cluster is due that could change what it
    /// shows (or only a controller's look past that quiet spell).
    fn settled(&self, lab: &Lab) -> bool {
        if lab.mid_instant() {
            return false;
        }
        let since = self.last_print.1;
        let sim = &lab.session.sim;
        let idle = match sim.next_due() {
            None => true,
            Some(_) => sim.next_look_due().is_some_and(|t| t.ms() > since.saturating_add(QUIET_MS)),
        };
        idle || lab.now().saturating_sub(since) >= QUIET_MS
    }

    /// Types what can be typed now; call it after the lab's clock moved and after `run`.
    pub fn step(&mut self, lab: &mut Lab) {
        let t = self.term;
        let printed = lab.printed().get(t).copied().unwrap_or(0);
        if printed != self.last_print.0 {
            self.last_print = (printed, lab.now());
        }
        loop {
            if let Some(until) = self.sleep_until {
                if lab.now() < until {
                    return;
                }
                self.sleep_until = None;
                self.after_sleep = true;
            }
            let Some(item) = self.queue.first().cloned() else { break };
            match item {
                Item::Start(id, wait) => {
                    if lab.busy(t) {
                        if wait && !self.settled(lab) {
                            return;
                        }
                        lab.interrupt(t, "");
                    }
                    self.finish_current(lab);
                    self.current = Some(id);
                    self.after_sleep = false;
                }
                Item::Sleep(ms) => self.sleep_until = Some(lab.now().saturating_add(ms)),
                Item::Line(id, line) => {
                    if lab.busy(t) {
                        if !(self.after_sleep || self.settled(lab)) {
                            return;
                        }
                        lab.interrupt(t, "");
                    }
                    self.after_sleep = false;
                    let mark = lab.printed().get(t).copied().unwrap_or(0);
                    if let Some(b) = self.blocks.iter_mut().find(|b| b.id == id) {
                        b.typed.push((line.clone(), mark));
                    }
                    lab.run(t, &line);
                    self.last_print = (lab.printed().get(t).copied().unwrap_or(0), lab.now());
                }
            }
            self.queue.remove(0);
        }
        if !lab.busy(t) {
            self.finish_current(lab);
        }
    }

    /// Block `id`'s output so far: each line's output (after `$ line` when the block has more
    /// than one line), its last [`MAX_OUTPUT_BYTES`] at most.
    pub fn output(&self, lab: &Lab, id: &str) -> Option<String> {
        let b = self.blocks.iter().find(|b| b.id == id)?;
        let Some(first) = b.typed.first() else { return Some(String::new()) };
        let mut all = printed_since(lab, self.term, first.1);
        if let Some(end) = b.end {
            let mut n = ((end - first.1) as usize).min(all.len());
            while !all.is_char_boundary(n) {
                n -= 1;
            }
            all.truncate(n);
        }
        let mut text = String::new();
        for (i, (line, mark)) in b.typed.iter().enumerate() {
            let from = (mark - first.1) as usize;
            let to = b.typed.get(i + 1).map_or(all.len(), |(_, m)| (m - first.1) as usize);
            if b.lines > 1 {
                text.push_str("$ ");
                text.push_str(line);
                text.push('\n');
            }
            text.push_str(all.get(from.min(all.len())..to.min(all.len())).unwrap_or(""));
        }
        Some(tail(&text, MAX_OUTPUT_BYTES).to_string())
    }

    /// Asks for block `id`'s code link: given by [`Runner::links`] once the block settled.
    pub fn ask_link(&mut self, id: &str) {
        if !self.links.iter().any(|l| l == id) && self.links.len() < MAX_BLOCKS {
            self.links.push(id.to_string());
        }
    }

    /// The code links due now: (id, the lab for its link). A block that ended gives the lab as
    /// it stood then; the running block, once its lines are typed and its hold settled, the
    /// lab as it is; a block the runner does not know, the lab as it is. A block still waiting
    /// its turn keeps its request.
    pub fn links(&mut self, lab: &Lab) -> Vec<(String, Saved)> {
        if self.links.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let asked = std::mem::take(&mut self.links);
        for id in asked {
            let block = self.blocks.iter().find(|b| b.id == id);
            let queued = self.queue.iter().any(|i| matches!(i, Item::Line(b, _) | Item::Start(b, _) if *b == id));
            let saved = match block {
                None => Some(lab.save()),
                Some(b) if b.done => Some(b.snapshot.as_deref().cloned().unwrap_or_else(|| lab.save())),
                // (A block's snapshot may have been dropped: see `MAX_SNAPSHOTS`.)
                Some(_) if queued => None,
                Some(_) => (!lab.busy(self.term) || self.settled(lab)).then(|| lab.save()),
            };
            match saved {
                Some(s) => out.push((id, s)),
                None => self.links.push(id),
            }
        }
        out
    }

    /// Whether a code link waits for its block.
    pub fn links_pending(&self) -> bool {
        !self.links.is_empty()
    }

    /// The blocks whose output or state changed since last asked: (id, output, done, lines
    /// typed).
    pub fn updates(&mut self, lab: &Lab) -> Vec<(String, String, bool, usize)> {
        let printed = lab.printed().get(self.term).copied().unwrap_or(0);
        let mut out = Vec::new();
        for i in 0..self.blocks.len() {
            let b = &self.blocks[i];
            let live = self.current.as_deref() == Some(b.id.as_str());
            // Only the running block's count moves; the others' output ends where the next began.
            let now = (if live { printed } else { 0 }, b.typed.len(), b.done);
            if b.reported == Some(now) || (b.typed.is_empty() && !b.done) {
                continue;
            }
            let text = self.output(lab, &b.id).unwrap_or_default();
            out.push((b.id.clone(), text, b.done, b.typed.len()));
            self.blocks[i].reported = Some(now);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn parameters_are_read_with_bounds_and_defaults() {
        let p = Params::read(&pairs(&[
            ("embed", ""),
            ("panes", "terminal, diagram,bogus,terminal,<script>"),
            ("theme", "dark"),
            ("lang", "ko"),
            ("speed", "5"),
            ("autoplay", "1"),
        ]));
        assert!(p.embed);
        assert_eq!(p.panes, vec!["terminal", "diagram"]);
        assert_eq!((p.theme, p.lang, p.speed, p.autoplay), (Theme::Dark, Some(Lang::Ko), 5, true));
        let q =
            Params::read(&pairs(&[("theme", "\"><img src=x onerror=alert(1)>"), ("lang", "xx"), ("speed", "1000")]));
        assert!(!q.embed);
        assert_eq!((q.theme, q.lang, q.speed, q.autoplay), (Theme::Auto, None, 1, false));
        assert!(Params::read(&pairs(&[("speed", "-3")])).speed == 1);
        assert!(Params::read(&pairs(&[("autoplay", "0")])).autoplay.eq(&false));
    }

    #[test]
    fn a_script_is_lines_and_sleeps_within_bounds() {
        let s = read_script("# set up\nkubectl apply -f web.yaml\n\n@sleep 30s\nkubectl get pods\n").unwrap();
        assert_eq!(
            s,
            vec![
                Step::Line("kubectl apply -f web.yaml".into()),
                Step::Sleep(30_000),
                Step::Line("kubectl get pods".into())
            ]
        );
        assert_eq!(read_script("@sleep 99h").unwrap(), vec![Step::Sleep(600_000)]);
        assert!(read_script("@sleep soon").is_err());
        assert!(read_script(&"echo\n".repeat(MAX_LINES + 1)).is_err());
        assert!(read_script(&"x".repeat(MAX_SCRIPT_BYTES + 1)).is_err());
        let p = Params::read(&pairs(&[("script", &"echo\n".repeat(MAX_LINES + 1))]));
        assert!(p.script.is_empty());
    }

    #[test]
    fn messages_are_checked_for_version_and_shape() {
        let run = r#"{"kubelab":1,"type":"run","id":"b1","lines":["kubectl get pods"],"files":[{"name":"web.yaml","text":"a: 1"}]}"#;
        assert_eq!(
            read_message(run),
            Ok(Request::Run {
                id: "b1".into(),
                lines: vec!["kubectl get pods".into()],
                files: vec![("web.yaml".into(), "a: 1".into())],
                wait: false
            })
        );
        assert_eq!(read_message(r#"{"kubelab":1,"type":"stop","id":"b1"}"#), Ok(Request::Stop { id: "b1".into() }));
        assert_eq!(read_message(r#"{"kubelab":1,"type":"link","id":"b1"}"#), Ok(Request::Link { id: "b1".into() }));
        assert_eq!(read_message(r#"{"source":"react-devtools"}"#), Err(Refused::NotOurs));
        assert_eq!(read_message("\"just text\""), Err(Refused::NotOurs));
        assert_eq!(read_message("{"), Err(Refused::NotOurs));
        assert_eq!(read_message(r#"{"kubelab":2,"type":"run","id":"b"}"#), Err(Refused::Version("2".into())));
        let bad = [
            r#"{"kubelab":1,"type":"eval","id":"b","code":"alert(1)"}"#,
            r#"{"kubelab":1,"type":"run","id":"b","lines":"kubectl get pods"}"#,
            r#"{"kubelab":1,"type":"run","id":"b","lines":[1]}"#,
            r#"{"kubelab":1,"type":"run","id":7,"lines":[]}"#,
            r#"{"kubelab":1,"type":"run","id":"","lines":[]}"#,
            r#"{"kubelab":1,"type":"run","id":"b","lines":[],"files":[{"name":"../etc/passwd","text":""}]}"#,
            r#"{"kubelab":1,"type":"run","id":"b","lines":[],"files":[{"name":"<img src=x>.yaml","text":""}]}"#,
            r#"{"kubelab":1,"type":"run","id":"b","lines":[],"files":[{"name":"a.yaml","text":3}]}"#,
        ];
        for m in bad {
            assert!(matches!(read_message(m), Err(Refused::Shape(_))), "{m}");
        }
        let long = format!(r#"{{"kubelab":1,"type":"run","id":"{}","lines":[]}}"#, "i".repeat(65));
        assert!(matches!(read_message(&long), Err(Refused::Shape(_))));
        let many = format!(r#"{{"kubelab":1,"type":"run","id":"b","lines":[{}"x"]}}"#, "\"x\",".repeat(MAX_LINES));
        assert!(matches!(read_message(&many), Err(Refused::Shape(_))));
        let huge = format!(r#"{{"kubelab":1,"type":"run","id":"b","lines":["{}"]}}"#, "x".repeat(MAX_MESSAGE_BYTES));
        assert!(matches!(read_message(&huge), Err(Refused::TooLong(_))));
    }

    #[test]
    fn replies_are_json_with_the_text_as_a_string() {
        let m = output_message("b1", "<script>alert(1)</script>\n\"x\"", true, 2);
        let v = crate::support::yaml::parse(&m).unwrap();
        assert_eq!(v.get("text").and_then(Value::as_str), Some("<script>alert(1)</script>\n\"x\""));
        assert_eq!(v.get("kubelab").and_then(Value::as_u64), Some(1));
        assert_eq!(v.get("done"), Some(&Value::Bool(true)));
        assert_eq!(v.get("lines").and_then(Value::as_u64), Some(2));
        assert!(height_message(420).contains("\"height\":420"));
    }

    #[test]
    fn the_embed_code_is_an_iframe_with_its_address_quoted() {
        let s = iframe_snippet("https://x.example/lab/", &["terminal", "diagram"], Lang::Ko);
        assert_eq!(
            s,
            "<iframe src=\"https://x.example/lab/embed.html?panes=terminal,diagram&amp;lang=ko\" title=\"Kubelab\" \
             width=\"100%\" height=\"480\" style=\"border:0\" loading=\"lazy\"></iframe>"
        );
        let s = iframe_snippet("https://x.example/\"><script>alert(1)</script>", &["x"], Lang::En);
        assert!(!s.contains("<script>") && s.contains("&quot;&gt;&lt;script&gt;"), "{s}");
    }

    #[test]
    fn the_open_link_is_made_again_only_when_the_lab_moved() {
        let mut lab = Lab::seed_lab();
        let first = LinkMark::of(&lab, None, Lang::En);
        lab.advance(60_000);
        assert_eq!(LinkMark::of(&lab, None, Lang::En), first, "the clock alone");
        assert_ne!(LinkMark::of(&lab, Some(1), Lang::En), first, "a lesson step");
        assert_ne!(LinkMark::of(&lab, None, Lang::Ko), first, "the language");
        lab.run(0, "kubectl get pods");
        let typed = LinkMark::of(&lab, None, Lang::En);
        assert_ne!(typed, first, "a line typed");
        lab.set_file("web.yaml", "kind: Pod\n");
        assert_ne!(LinkMark::of(&lab, None, Lang::En), typed, "a file edited");
    }

    fn lines(ls: &[&str]) -> Vec<String> {
        ls.iter().map(|s| s.to_string()).collect()
    }

    /// Lets the lab's clock run as the page does, the runner typing as it can.
    fn play(lab: &mut Lab, r: &mut Runner, ms: u64) {
        for _ in 0..ms / 500 {
            lab.advance(500);
            r.step(lab);
        }
    }

    #[test]
    fn blocks_run_in_order_in_one_lab_and_a_new_block_ends_a_watch() {
        let mut lab = Lab::seed_lab();
        let mut r = Runner::new(0);
        let apply = lines(&["kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx"]);
        r.run(&mut lab, "b1", &apply, &[], false);
        r.step(&mut lab);
        play(&mut lab, &mut r, 60_000);
        // The seed's facts: both created, then web-0 and web-1 in order, each Running.
        let out = r.output(&lab, "b1").unwrap();
        assert!(out.starts_with("service/nginx created\nstatefulset.apps/web created\nNAME"), "{out}");
        let w0 = out.find("web-0   1/1     Running").unwrap();
        assert!(out.find("web-1   0/1     Pending").unwrap() > w0, "{out}");
        assert!(out.contains("web-1   1/1     Running"), "{out}");
        let u = r.updates(&lab);
        assert_eq!(u.len(), 1);
        assert!(!u[0].2, "the watch still holds the terminal");
        assert!(r.updates(&lab).is_empty(), "nothing new to say");
        let exec = lines(&["for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; done"]);
        r.run(&mut lab, "b2", &exec, &[], false);
        r.step(&mut lab);
        assert!(!lab.busy(0));
        assert_eq!(r.output(&lab, "b2").unwrap(), "web-0\nweb-1\n");
        let u = r.updates(&lab);
        assert_eq!(
            u.iter().map(|(id, _, done, _)| (id.as_str(), *done)).collect::<Vec<_>>(),
            [("b1", true), ("b2", true)]
        );
        // The watch's output ended where the next block began.
        assert_eq!(u[0].1, out);
    }

    #[test]
    fn a_block_of_several_lines_runs_in_an_attached_shell_and_shows_each_line() {
        let mut lab = Lab::seed_lab();
        let mut r = Runner::new(0);
        r.run(&mut lab, "a", &lines(&["kubectl apply -f web.yaml"]), &[], false);
        r.step(&mut lab);
        play(&mut lab, &mut r, 60_000);
        let dns = lines(&[
            "kubectl run -it --rm netdebug --image=nicolaka/netshoot --restart=Never -- zsh",
            "nslookup -type=srv nginx",
            "exit",
        ]);
        r.run(&mut lab, "b", &dns, &[], false);
        r.step(&mut lab);
        let out = r.output(&lab, "b").unwrap();
        assert!(out.starts_with("$ kubectl run -it --rm netdebug"), "{out}");
        assert!(
            out.contains("$ nslookup -type=srv nginx\nServer:\t\t10.200.1.10\n")
                || out.contains("$ nslookup -type=srv nginx\nServer:         10.200.1.10\n"),
            "{out}"
        );
        assert!(out.contains("service = 0 50 80 web-1.nginx.default.svc.cluster.local."), "{out}");
        assert!(out.ends_with("$ exit\npod \"netdebug\" deleted\n"), "{out}");
    }

    #[test]
    fn a_here_document_is_one_line_of_the_block() {
        let mut lab = Lab::seed_lab();
        let mut r = Runner::new(0);
        let heredoc = lines(&["cat <<EOF > note.txt", "hello", "EOF", "", "cat note.txt"]);
        r.run(&mut lab, "h", &heredoc, &[], false);
        r.step(&mut lab);
        assert_eq!(r.output(&lab, "h").unwrap(), "$ cat <<EOF > note.txt\nhello\nEOF\n$ cat note.txt\nhello\n");
    }

    #[test]
    fn files_go_into_the_lab_and_stop_ends_a_hold() {
        let mut lab = Lab::seed_lab();
        let mut r = Runner::new(0);
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n";
        r.run(
            &mut lab,
            "m",
            &lines(&["kubectl apply -f cm.yaml", "kubectl get cm -w"]),
            &[("cm.yaml".into(), cm.into())],
            false,
        );
        r.step(&mut lab);
        assert!(lab.files.iter().any(|(n, t)| n == "cm.yaml" && t == cm));
        assert!(lab.busy(0));
        assert!(r.active());
        r.stop(&mut lab, "m");
        assert!(!lab.busy(0) && !r.active());
        let u = r.updates(&lab);
        assert!(
            u[0].1.starts_with("$ kubectl apply -f cm.yaml\nconfigmap/cm created\n$ kubectl get cm -w\nNAME"),
            "{u:?}"
        );
        assert!(u[0].2);
    }

    #[test]
    fn a_stopped_block_says_whether_it_began() {
        let mut lab = Lab::seed_lab();
        let mut r = Runner::new(0);
        r.run(&mut lab, "w", &lines(&["kubectl apply -f web.yaml && kubectl get pods -w"]), &[], false);
        r.run(&mut lab, "q", &lines(&["kubectl get pods"]), &[], true);
        r.step(&mut lab);
        // "w" holds the terminal; "q" waits for it to settle. Both stopped, the last first.
        r.stop(&mut lab, "q");
        r.stop(&mut lab, "w");
        let u = r.updates(&lab);
        let said: Vec<_> = u.iter().map(|(id, _, done, typed)| (id.as_str(), *done, *typed)).collect();
        assert_eq!(said, [("w", true, 1), ("q", true, 0)]);
        assert_eq!(u[1].1, "", "nothing of it ran");
        assert!(!r.active());
        // The same lab again with "q" begun before the stop: it says so.
        let mut lab = Lab::seed_lab();
        let mut r = Runner::new(0);
        r.run(&mut lab, "q", &lines(&["x=1"]), &[], false);
        r.step(&mut lab);
        r.stop(&mut lab, "q");
        assert_eq!(r.updates(&lab).iter().map(|u| (u.2, u.3)).collect::<Vec<_>>(), [(true, 1)]);
    }

    /// The lines a saved lab's journal typed, in order.
    fn typed(saved: &Saved) -> Vec<String> {
        saved
            .journal
            .iter()
            .filter_map(|e| if let crate::lab::Act::Line(l) = &e.act { Some(l.clone()) } else { None })
            .collect()
    }

    #[test]
    fn skipped_blocks_run_first_each_waiting_for_the_one_before_to_settle() {
        // The reader presses Run on the third block first: the page sends the two before it
        // and then it, each waiting for the one before (as the post's author did).
        let mut lab = Lab::seed_lab();
        let mut r = Runner::new(0);
        let apply = lines(&["kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx"]);
        let names = lines(&["for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; done"]);
        let pvc = lines(&["kubectl get pvc -l app=nginx"]);
        r.run(&mut lab, "b1", &apply, &[], true);
        r.run(&mut lab, "b2", &names, &[], true);
        r.run(&mut lab, "b3", &pvc, &[], true);
        r.step(&mut lab);
        r.ask_link("b1");
        assert!(r.links(&lab).is_empty(), "b1's link waits for b1 to end");
        let mut waited = 0;
        while r.active() && waited < 10 * 60_000 {
            play(&mut lab, &mut r, 1_000);
            waited += 1_000;
        }
        assert!(!r.active(), "every block ran");
        let one = r.output(&lab, "b1").unwrap();
        assert!(one.contains("web-1   1/1     Running"), "{one}");
        // The watch ended once the cluster had nothing more to show, well before a quiet
        // spell of two minutes after web-1 went Running.
        assert!(waited < QUIET_MS, "{waited} ms");
        assert_eq!(r.output(&lab, "b2").unwrap(), "web-0\nweb-1\n");
        let three = r.output(&lab, "b3").unwrap();
        assert!(three.starts_with("NAME        STATUS   VOLUME"), "{three}");
        assert!(three.contains("www-web-0   Bound") && three.contains("www-web-1   Bound"), "{three}");
        // A block's code link is the lab as it stood when the block ended, later blocks not in it.
        let links = r.links(&lab);
        assert_eq!(links.len(), 1);
        assert_eq!(typed(&links[0].1), apply);
        r.ask_link("b3");
        let links = r.links(&lab);
        assert_eq!(typed(&links[0].1), [apply, names, pvc].concat());
    }

    #[test]
    fn without_wait_a_block_ends_the_hold_before_it_at_once() {
        let mut lab = Lab::seed_lab();
        let mut r = Runner::new(0);
        r.run(&mut lab, "b1", &lines(&["kubectl apply -f web.yaml && kubectl get pods -w"]), &[], false);
        r.step(&mut lab);
        r.run(&mut lab, "b2", &lines(&["kubectl get pods"]), &[], false);
        r.step(&mut lab);
        assert!(!r.active());
        let out = r.output(&lab, "b2").unwrap();
        assert!(out.contains("web-0   0/1     Pending"), "{out}");
    }

    #[test]
    fn only_the_latest_ended_blocks_keep_their_lab() {
        let mut lab = Lab::seed_lab();
        let mut r = Runner::new(0);
        for i in 0..MAX_SNAPSHOTS + 5 {
            r.run(&mut lab, &format!("e{i}"), &lines(&[&format!("echo {i}")]), &[], false);
            r.step(&mut lab);
        }
        assert_eq!(r.blocks.iter().filter(|b| b.snapshot.is_some()).count(), MAX_SNAPSHOTS);
        r.ask_link("e0");
        r.ask_link("e10");
        let links = r.links(&lab);
        assert_eq!(typed(&links[0].1).len(), MAX_SNAPSHOTS + 5, "e0's lab is gone: the lab as it is");
        assert_eq!(typed(&links[1].1).len(), 11);
    }

    #[test]
    fn a_running_blocks_link_waits_until_it_settles() {
        let mut lab = Lab::seed_lab();
        let mut r = Runner::new(0);
        r.run(&mut lab, "w", &lines(&["kubectl apply -f web.yaml && kubectl get pods -w"]), &[], false);
        r.step(&mut lab);
        r.ask_link("w");
        assert!(r.links(&lab).is_empty(), "the pods are still coming");
        assert!(r.links_pending());
        let mut waited = 0;
        let mut got = Vec::new();
        while got.is_empty() && waited < QUIET_MS {
            play(&mut lab, &mut r, 1_000);
            waited += 1_000;
            got = r.links(&lab);
        }
        assert_eq!(got.len(), 1, "{waited} ms");
        assert!(lab.busy(0), "the watch still runs: the link is the lab as it is");
        assert!(r.output(&lab, "w").unwrap().contains("web-1   1/1     Running"));
        assert!(!r.links_pending());
    }

    #[test]
    fn a_script_sleeps_then_ends_the_watch_before_its_next_line() {
        let mut lab = Lab::seed_lab();
        let mut r = Runner::new(0);
        let steps =
            read_script("kubectl apply -f web.yaml && kubectl get pods -w\n@sleep 45s\nkubectl get pvc -l app=nginx\n");
        r.play(&mut lab, "script", &steps.unwrap());
        r.step(&mut lab);
        play(&mut lab, &mut r, 30_000);
        assert!(lab.busy(0), "the watch runs during the sleep");
        play(&mut lab, &mut r, 20_000);
        assert!(!r.active());
        let out = r.output(&lab, "script").unwrap();
        assert!(out.contains("$ kubectl get pvc -l app=nginx\nNAME        STATUS   VOLUME"), "{out}");
        assert!(out.contains("www-web-0   Bound"), "{out}");
    }
}
