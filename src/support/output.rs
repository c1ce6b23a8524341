//! What a program wrote: its standard output and standard error, interleaved as written.

/// Whether an absolute path names the process's standard input (`/dev/stdin` and the links
/// Linux gives it), which the lab's tools and kubectl read as `-`.
pub fn is_stdin_path(path: &str) -> bool {
    matches!(path, "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0")
}

/// The most text one value may hold, in bytes: a shell variable, a word, a here-document's
/// expansion, what a pipe carries, a file the shell writes; and what a terminal keeps of one
/// line's output or of one `kubectl exec`'s stream.
pub const MAX_TEXT: usize = 16 << 20;

/// Which stream a chunk of output went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// Output in the order it was produced (stdout and stderr interleaved as written).
///
/// Adjacent writes to the same stream are merged into one chunk; empty writes are
/// dropped.
#[derive(Clone, Debug, Default)]
pub struct Output {
    /// The chunks, oldest first.
    pub chunks: Vec<(Stream, String)>,
    /// Keep only about the last this many bytes (see [`Output::keeping_last`]).
    keep: Option<usize>,
    /// Bytes held in `chunks`, counted only when `keep` is set.
    held: usize,
}

/// Two outputs are equal when they hold the same text on the same streams, whatever they keep.
impl PartialEq for Output {
    fn eq(&self, other: &Output) -> bool {
        self.chunks == other.chunks
    }
}

impl Eq for Output {}

impl Output {
    /// Output that holds only its last `bytes` bytes (whole lines), as a log file that rotates:
    /// a process that prints without end holds at most twice that while it runs.
    pub fn keeping_last(bytes: usize) -> Self {
        Output { keep: Some(bytes), ..Output::default() }
    }

    /// Appends `s` to standard output.
    pub fn out(&mut self, s: &str) {
        self.write(Stream::Stdout, s);
    }

    /// Appends `s` to standard error.
    pub fn err(&mut self, s: &str) {
        self.write(Stream::Stderr, s);
    }

    /// Appends `s` to `stream`.
    pub fn write(&mut self, stream: Stream, s: &str) {
        if s.is_empty() {
            return;
        }
        match self.chunks.last_mut() {
            Some((last, text)) if *last == stream => text.push_str(s),
            _ => self.chunks.push((stream, s.to_owned())),
        }
        if let Some(keep) = self.keep {
            self.held += s.len();
            if self.held > keep.saturating_mul(2) {
                self.cut_front(keep);
            }
        }
    }

    /// Drops the oldest text until at most `keep` bytes are held, from a line's start: whole
    /// chunks in one drain (not one at a time: a line may hold many small chunks), then the
    /// front of the first one left.
    fn cut_front(&mut self, keep: usize) {
        let mut excess = self.held.saturating_sub(keep);
        let whole = self.chunks.iter().take_while(|(_, t)| {
            let all = t.len() <= excess;
            if all {
                excess -= t.len();
            }
            all
        });
        let n = whole.count();
        self.held -= self.chunks.drain(..n).map(|(_, t)| t.len()).sum::<usize>();
        if let Some((_, text)) = self.chunks.first_mut().filter(|_| excess > 0) {
            // Cut after the first newline at or past `excess`; a chunk with none goes whole.
            // (From a character's start: the byte count may fall inside one.)
            let from = (excess..text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
            let cut = text[from..].find('\n').map_or(text.len(), |i| from + i + 1);
            self.held -= cut;
            text.drain(..cut);
            if text.is_empty() {
                self.chunks.remove(0);
            }
        }
    }

    /// All chunks concatenated, as a terminal would show them.
    pub fn text(&self) -> String {
        self.chunks.iter().map(|(_, s)| s.as_str()).collect()
    }

    /// Everything written to standard output.
    pub fn stdout(&self) -> String {
        self.collect(Stream::Stdout)
    }

    /// Everything written to standard error.
    pub fn stderr(&self) -> String {
        self.collect(Stream::Stderr)
    }

    fn collect(&self, stream: Stream) -> String {
        self.chunks.iter().filter(|(s, _)| *s == stream).map(|(_, t)| t.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotating_output_keeps_its_last_whole_lines() {
        let mut out = Output::keeping_last(10);
        for i in 0..100 {
            out.out(&format!("line {i}\n"));
        }
        let text = out.text();
        assert!(text.len() <= 20, "{text:?}");
        assert!(text.ends_with("line 99\n") && text.starts_with("line "), "{text:?}");
        out.err("e\n");
        assert!(out.stderr() == "e\n");
    }

    #[test]
    fn a_cut_inside_a_character_moves_to_its_end() {
        let mut out = Output::keeping_last(7);
        for _ in 0..10 {
            out.out("파드\n");
            out.err("x");
        }
        assert!(out.text().ends_with("파드\nx"), "{:?}", out.text());
        assert!(out.text().len() <= 14);
    }

    #[test]
    fn plain_output_keeps_everything() {
        let mut out = Output::default();
        for _ in 0..1000 {
            out.out("0123456789\n");
        }
        assert_eq!(out.text().len(), 11_000);
    }
}
