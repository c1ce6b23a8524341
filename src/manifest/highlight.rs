//! YAML syntax colouring for the editor: each line split into classed pieces. It colours;
//! it does not judge (diagnostics come from the real parser and the schema).

/// What a piece of a line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Plain,
    Key,
    Str,
    Num,
    Comment,
    Punct,
}

impl Tok {
    /// The CSS class the editor uses.
    pub fn class(self) -> &'static str {
        match self {
            Tok::Plain => "t-plain",
            Tok::Key => "t-key",
            Tok::Str => "t-str",
            Tok::Num => "t-num",
            Tok::Comment => "t-com",
            Tok::Punct => "t-punct",
        }
    }
}

/// Where a `#` starts a comment (outside quotes, at the start or after a space).
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && prev.is_whitespace() => return Some(i),
            None => {}
        }
        prev = c;
    }
    None
}

fn scalar(text: &str) -> Tok {
    let t = text.trim();
    if t.starts_with('"') || t.starts_with('\'') {
        Tok::Str
    } else if t.parse::<f64>().is_ok() || matches!(t, "true" | "false" | "null" | "~") {
        Tok::Num
    } else {
        Tok::Plain
    }
}

/// One line's pieces; their texts joined give the line back.
pub fn line(text: &str) -> Vec<(Tok, String)> {
    let mut out = Vec::new();
    let (body, comment) = match comment_start(text) {
        Some(i) => (&text[..i], Some(&text[i..])),
        None => (text, None),
    };
    let trimmed = body.trim_start();
    let mut rest = body;
    let indent = body.len() - trimmed.len();
    if indent > 0 {
        out.push((Tok::Plain, body[..indent].to_string()));
        rest = &body[indent..];
    }
    if rest.trim_end() == "---" || rest.trim_end() == "..." {
        out.push((Tok::Punct, rest.to_string()));
        rest = "";
    }
    while let Some(r) = rest.strip_prefix("- ") {
        out.push((Tok::Punct, "- ".into()));
        rest = r;
    }
    if rest == "-" {
        out.push((Tok::Punct, "-".into()));
        rest = "";
    }
    let key_end = if rest.starts_with('"') || rest.starts_with('\'') {
        None
    } else {
        rest.find(": ").or_else(|| rest.strip_suffix(':').map(|r| r.len()))
    };
    if let Some(k) = key_end.filter(|&k| k > 0 && !rest[..k].contains(['{', '[', ','])) {
        out.push((Tok::Key, rest[..k].to_string()));
        out.push((Tok::Punct, ":".into()));
        rest = &rest[k + 1..];
        let sp = rest.len() - rest.trim_start().len();
        if sp > 0 {
            out.push((Tok::Plain, rest[..sp].to_string()));
            rest = &rest[sp..];
        }
    }
    if !rest.is_empty() {
        out.push((scalar(rest), rest.to_string()));
    }
    if let Some(c) = comment {
        out.push((Tok::Comment, c.to_string()));
    }
    out
}

/// Pieces with their neighbours of the same kind joined: what a page draws, one element (or
/// one text, for plain pieces) a run.
pub fn runs(pieces: impl IntoIterator<Item = (Tok, String)>) -> Vec<(Tok, String)> {
    let mut out: Vec<(Tok, String)> = Vec::new();
    for (tok, text) in pieces {
        match out.last_mut() {
            Some((last, joined)) if *last == tok => joined.push_str(&text),
            _ => out.push((tok, text)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_join_neighbours_of_a_kind() {
        let r = runs(line("      - name: nginx"));
        assert_eq!(
            r,
            vec![
                (Tok::Plain, "      ".into()),
                (Tok::Punct, "- ".into()),
                (Tok::Key, "name".into()),
                (Tok::Punct, ":".into()),
                (Tok::Plain, " nginx".into())
            ]
        );
        assert_eq!(runs(vec![(Tok::Punct, "---".into()), (Tok::Plain, "\n".into())]).len(), 2);
        assert!(runs(Vec::new()).is_empty());
    }

    #[test]
    fn keys_values_and_comments() {
        let l = line("  replicas: 2 # two");
        assert_eq!(
            l,
            vec![
                (Tok::Plain, "  ".into()),
                (Tok::Key, "replicas".into()),
                (Tok::Punct, ":".into()),
                (Tok::Plain, " ".into()),
                (Tok::Num, "2 ".into()),
                (Tok::Comment, "# two".into())
            ]
        );
        let l = line("      - name: nginx");
        assert_eq!(
            l.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
            vec![Tok::Plain, Tok::Punct, Tok::Key, Tok::Punct, Tok::Plain, Tok::Plain]
        );
        let l = line("  serviceName: \"nginx\"");
        assert_eq!(l.last().unwrap(), &(Tok::Str, "\"nginx\"".to_string()));
        for text in ["image: k8s.gcr.io/nginx-slim:0.8", "---", "- \"a: b\"", "url: http://x#y"] {
            assert_eq!(line(text).iter().map(|(_, s)| s.as_str()).collect::<String>(), text);
        }
    }
}
