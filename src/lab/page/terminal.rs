//! A terminal's line editing, without the page: the input line, the lines gathered of an
//! unfinished command (an open quote, a here-document), the place in the history that Up and
//! Down walk, Tab completion, Ctrl-C and Ctrl-L, and Enter.

use super::Page;
use crate::lab::complete;
use crate::shell::LineReader;

/// A terminal's editing state.
#[derive(Clone, Debug)]
pub struct Term {
    /// The input line as typed so far.
    pub input: String,
    /// Lines typed so far of an unfinished command.
    pub pending: LineReader,
    /// The history entry Up and Down have reached, if any.
    pub hist_pos: Option<usize>,
    /// Whether the terminal follows its output (the reader has not scrolled up).
    pub stick: bool,
}

impl Default for Term {
    fn default() -> Term {
        Term { input: String::new(), pending: LineReader::default(), hist_pos: None, stick: true }
    }
}

/// A key pressed in a terminal's input line (the browser's `KeyboardEvent.key` and modifiers).
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub key: String,
    pub ctrl: bool,
    pub shift: bool,
}

impl Key {
    fn ctrl_of(&self, letter: &str) -> bool {
        self.ctrl && self.key.eq_ignore_ascii_case(letter)
    }
}

/// Whether the terminal takes the key from the browser (which then does nothing with it) when
/// the input line is `input`: Enter, Up, Down, Ctrl-C, Ctrl-L, and Tab unless on an empty line
/// or with Shift (then Tab moves focus on, so that the terminal is no keyboard trap).
pub fn claims(key: &Key, input: &str) -> bool {
    if key.ctrl_of("c") || key.ctrl_of("l") {
        return true;
    }
    match key.key.as_str() {
        "Enter" | "ArrowUp" | "ArrowDown" => true,
        "Tab" => !key.shift && !input.is_empty(),
        _ => false,
    }
}

impl Page {
    /// A key in terminal `t`; true when the page must be drawn again.
    pub(super) fn on_key(&mut self, t: usize, key: &Key) -> bool {
        if key.ctrl_of("c") {
            let term = &mut self.terms[t];
            let pending = term.pending.take();
            let input = std::mem::take(&mut term.input);
            let typed = if pending.is_empty() { input } else { format!("{pending}\n{input}") };
            self.lab.interrupt(t, &typed);
            term.hist_pos = None;
            self.dirty = true;
            return true;
        }
        if key.ctrl_of("l") {
            self.lab.clear(t);
            self.dirty = true;
            return true;
        }
        match key.key.as_str() {
            "Enter" => {
                self.enter(t);
                true
            }
            "ArrowUp" => self.history(t, true),
            "ArrowDown" => self.history(t, false),
            "Tab" if claims(key, &self.terms[t].input) => self.complete(t),
            _ => false,
        }
    }

    /// Up (`back`) or Down: the history's previous or next line into the input line; past the
    /// newest, an empty line.
    fn history(&mut self, t: usize, back: bool) -> bool {
        let h = &self.lab.terms[t].history;
        if h.is_empty() {
            return false;
        }
        let term = &mut self.terms[t];
        let pos = match (back, term.hist_pos) {
            (true, None) => Some(h.len() - 1),
            (true, Some(p)) => Some(p.saturating_sub(1)),
            (false, Some(p)) if p + 1 < h.len() => Some(p + 1),
            _ => None,
        };
        term.hist_pos = pos;
        term.input = pos.map(|p| h[p].clone()).unwrap_or_default();
        true
    }

    /// Tab: the one candidate completes the word; several complete their common prefix, or,
    /// when it adds nothing, are listed under the line (as bash does on a second Tab).
    fn complete(&mut self, t: usize) -> bool {
        let line = self.terms[t].input.clone();
        let (start, cands) = complete::complete(&self.lab.session, t, &line);
        match cands.len() {
            0 => false,
            1 => {
                // A directory stays open for the next name, as in bash.
                let space = if cands[0].ends_with('/') { "" } else { " " };
                self.terms[t].input = format!("{}{}{space}", &line[..start], cands[0]);
                true
            }
            _ => {
                let prefix = complete::common_prefix(&cands);
                if prefix.len() > line.len() - start {
                    self.terms[t].input = format!("{}{prefix}", &line[..start]);
                } else {
                    self.lab.note(t, &line, &format!("{}\n", cands.join("  ")));
                }
                true
            }
        }
    }

    /// Enter in terminal `t`: its input line is run (or kept, when the command goes on).
    /// The lesson panel's Run types its lines through here too.
    pub(super) fn enter(&mut self, t: usize) {
        let term = &mut self.terms[t];
        let line = std::mem::take(&mut term.input);
        term.hist_pos = None;
        let busy = self.lab.busy(t);
        if term.pending.push(&line) && !busy {
            return;
        }
        let full = term.pending.take();
        (self.before_run)(&full);
        self.lab.run(t, &full);
        self.dirty = true;
    }
}
