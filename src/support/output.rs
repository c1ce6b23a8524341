//! What a program wrote: its standard output and standard error, interleaved as written.

/// Whether an absolute path names the process's standard input (`/dev/stdin` and the links
/// Linux gives it), which the lab's tools and kubectl read as `-`.
pub fn is_stdin_path(path: &str) -> bool {
    matches!(path, "/dev/stdin" | "/dev/fd/0" | "/proc/self/fd/0")
}

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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// The chunks, oldest first.
    pub chunks: Vec<(Stream, String)>,
}

impl Output {
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
