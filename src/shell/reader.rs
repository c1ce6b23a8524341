//! A terminal's unfinished line, read a line at a time as bash's reader does: the text gathered
//! so far and what it waits for. Parsing the whole text again for every line typed would cost
//! the square of its length (a pasted 40,000-line here-document); a line that cannot end what
//! the text waits for (a here-document's delimiter, the closing quote) is only appended.

use super::parse::{self, SyntaxError};

/// What an unfinished text waits for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
enum Wait {
    /// Nothing: the text is complete (or wrong: running it reports the error).
    #[default]
    Nothing,
    /// The delimiters of its open here-documents (a `<<-` one may follow tabs).
    Delimiters(Vec<String>),
    /// This quote to close.
    Quote(char),
    /// An unfinished compound command or substitution, which only a line with a closer
    /// (`done`, `fi`, `esac`, `}`, `)`, `]`) can end, or an operator at the end of the text
    /// (`|`, `&&`, `\`), which any line may end.
    More,
}

/// The lines of one command as typed, until it is complete.
#[derive(Clone, Debug, Default)]
pub struct LineReader {
    text: String,
    wait: Wait,
}

impl LineReader {
    /// Adds a typed line (the first, or one more after a `> ` prompt) and returns whether the
    /// text still needs more lines.
    pub fn push(&mut self, line: &str) -> bool {
        let first = self.text.is_empty() && self.wait == Wait::Nothing;
        let may_end = first || self.may_end(line);
        if !first {
            self.text.push('\n');
        }
        self.text.push_str(line);
        if may_end {
            self.wait = wait_of(&self.text);
        }
        self.wait != Wait::Nothing
    }

    /// Whether no line has been gathered.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.wait == Wait::Nothing
    }

    /// The text gathered so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text gathered so far, which the reader forgets.
    pub fn take(&mut self) -> String {
        self.wait = Wait::Nothing;
        std::mem::take(&mut self.text)
    }

    /// Whether `line`, added to the text, can end what the text waits for. A text past
    /// [`super::MAX_LINE`] ends at once (running it says it is too long).
    fn may_end(&self, line: &str) -> bool {
        if self.text.len() + line.len() > super::MAX_LINE {
            return true;
        }
        match &self.wait {
            Wait::Nothing => true,
            Wait::More => {
                self.text.trim_end().ends_with(['|', '&', '\\', '!'])
                    || ["done", "fi", "esac", "}", ")", "]"].iter().any(|closer| line.contains(closer))
            }
            Wait::Delimiters(wanted) => wanted.iter().any(|d| line.trim_start_matches('\t') == d),
            Wait::Quote(q) => line.contains(*q),
        }
    }
}

/// What `text` waits for: an open quote or substitution, an unfinished compound command or
/// pipe, here-documents whose delimiters have not been typed yet.
fn wait_of(text: &str) -> Wait {
    if text.len() > super::MAX_LINE {
        return Wait::Nothing;
    }
    match parse::parse_program(text) {
        Ok(parsed) => {
            let wanted: Vec<String> = parsed
                .warnings
                .iter()
                .filter_map(|w| w.split_once("(wanted `")?.1.strip_suffix("')").map(String::from))
                .collect();
            if wanted.is_empty() {
                Wait::Nothing
            } else {
                Wait::Delimiters(wanted)
            }
        }
        Err(SyntaxError::Unmatched(q @ ('\'' | '"' | '`'))) => Wait::Quote(q),
        Err(SyntaxError::UnexpectedEof | SyntaxError::Unmatched(_)) => Wait::More,
        Err(_) => Wait::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::LineReader;

    fn read(lines: &[&str]) -> Vec<bool> {
        let mut r = LineReader::default();
        lines.iter().map(|l| r.push(l)).collect()
    }

    #[test]
    fn a_line_waits_for_what_bash_waits_for() {
        assert_eq!(read(&["echo hi"]), [false]);
        assert_eq!(read(&["cat <<EOF", "a", " EOF", "EOF"]), [true, true, true, false]);
        assert_eq!(read(&["cat <<-A; cat <<B", "\tA", "x", "B"]), [true, true, true, false]);
        assert_eq!(read(&["echo 'a", "b\"", "c'"]), [true, true, false]);
        assert_eq!(read(&["echo \"a", "'", "\""]), [true, true, false]);
        assert_eq!(read(&["for i in 1; do", "echo $i", "done"]), [true, true, false]);
        assert_eq!(read(&["if true; then", "cat <<E", "fi", "E", "fi"]), [true, true, true, true, false]);
        assert_eq!(read(&["{ echo a", "echo b; }"]), [true, false]);
        assert_eq!(read(&["x=$(echo a", "echo b)"]), [true, false]);
        assert_eq!(read(&["case a in", "a) echo;;", "esac"]), [true, true, false]);
        assert_eq!(read(&["while true; do", "break", "done"]), [true, true, false]);
        assert_eq!(read(&["echo a |", "grep a"]), [true, false]);
        assert_eq!(read(&["true &&", "", "echo b"]), [true, true, false]);
        assert_eq!(read(&["(( 1 +", "2 ))"]), [true, false]);
        assert_eq!(read(&["echo 'a", "b' \"", "\""]), [true, true, false]);
    }

    #[test]
    fn a_long_here_document_is_gathered_whole() {
        // (Gathering these 40,000 lines took 25 s when each one parsed the whole text again;
        // tests/shell_limits.rs bounds the time.)
        let mut r = LineReader::default();
        assert!(r.push("cat <<EOF | wc -l"));
        for i in 0..40_000 {
            assert!(r.push(&format!("line {i} 'x\" $y")));
        }
        assert!(!r.push("EOF"));
        assert_eq!(r.take().lines().count(), 40_002);
        assert!(r.is_empty());
    }
}
