//! The Markdown a lesson's narration is written in, a small subset: paragraphs, `*emphasis*`,
//! `**strong**`, `` `inline code` ``, fenced code blocks, lists (`- `, `* `, `1. `) and
//! `[links](url)`. It becomes a tree of blocks and inlines that the page renders as text
//! nodes, never as HTML: a `<b>` in the text is shown as written. Anything else (headings,
//! tables, HTML) is text. A marker without its closing half is text too.

/// A block of narration.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    Para(Vec<Inline>),
    /// A fenced code block, with the word after the opening fence (`sh`, `yaml`) if any.
    Code {
        lang: String,
        text: String,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
}

/// A piece of text inside a block.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    Text(String),
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Code(String),
    Link { text: Vec<Inline>, url: String },
}

/// How deeply emphasis and links may nest; deeper markers are text.
const MAX_NESTING: usize = 4;

/// Parses narration into blocks.
pub fn parse(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            i += 1;
        } else if let Some(lang) = fence(line) {
            i = code_block(&lines, i + 1, lang, &mut blocks);
        } else if list_item(line).is_some() {
            i = list(&lines, i, &mut blocks);
        } else {
            let start = i;
            while i < lines.len() && !ends_paragraph(lines[i]) {
                i += 1;
            }
            let joined = lines[start..i].iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
            blocks.push(Block::Para(inlines(&joined)));
        }
    }
    blocks
}

fn ends_paragraph(line: &str) -> bool {
    line.trim().is_empty() || fence(line).is_some() || list_item(line).is_some()
}

/// The language word of an opening fence (```` ```sh ````), or `None` for a line that is none.
fn fence(line: &str) -> Option<&str> {
    line.trim_start().strip_prefix("```").map(str::trim)
}

fn code_block(lines: &[&str], mut i: usize, lang: &str, blocks: &mut Vec<Block>) -> usize {
    let mut text = String::new();
    while i < lines.len() && fence(lines[i]).is_none() {
        text.push_str(lines[i]);
        text.push('\n');
        i += 1;
    }
    blocks.push(Block::Code { lang: lang.to_string(), text });
    // The closing fence (or the end of the text, which closes it too).
    i + 1
}

/// A list item's marker: whether it is numbered, and the item's text.
fn list_item(line: &str) -> Option<(bool, &str)> {
    let t = line.trim_start();
    if line.len() - t.len() > 3 {
        return None;
    }
    if let Some(rest) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
        return Some((false, rest));
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let rest = t[digits..].strip_prefix(". ")?;
    (digits > 0 && digits < 10).then_some((true, rest))
}

fn list(lines: &[&str], mut i: usize, blocks: &mut Vec<Block>) -> usize {
    let ordered = list_item(lines[i]).is_some_and(|(o, _)| o);
    let mut items: Vec<String> = Vec::new();
    while i < lines.len() {
        let line = lines[i];
        match list_item(line) {
            Some((o, text)) if o == ordered => items.push(text.trim().to_string()),
            Some(_) => break,
            // An indented line continues the item above it.
            None if !line.trim().is_empty() && line.starts_with("  ") && fence(line).is_none() => {
                if let Some(last) = items.last_mut() {
                    last.push(' ');
                    last.push_str(line.trim());
                }
            }
            None => break,
        }
        i += 1;
    }
    blocks.push(Block::List { ordered, items: items.iter().map(|t| inlines(t)).collect() });
    i
}

/// Parses the inlines of one paragraph or list item.
pub fn inlines(text: &str) -> Vec<Inline> {
    let chars: Vec<char> = text.chars().collect();
    spans(&chars, 0)
}

fn spans(c: &[char], depth: usize) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < c.len() {
        match span_at(c, i, depth) {
            Some((inline, next)) => {
                if !text.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut text)));
                }
                out.push(inline);
                i = next;
            }
            None if c[i] == '\\' && c.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                text.push(c[i + 1]);
                i += 2;
            }
            None => {
                text.push(c[i]);
                i += 1;
            }
        }
    }
    if !text.is_empty() {
        out.push(Inline::Text(text));
    }
    out
}

/// The inline that starts at `i` (code, strong, emphasis, a link) and where it ends.
fn span_at(c: &[char], i: usize, depth: usize) -> Option<(Inline, usize)> {
    match c[i] {
        '`' => {
            let end = find(c, i + 1, &['`'])?;
            Some((Inline::Code(c[i + 1..end].iter().collect()), end + 1))
        }
        _ if depth >= MAX_NESTING => None,
        '*' if c.get(i + 1) == Some(&'*') => {
            let end = find(c, i + 2, &['*', '*']).filter(|&e| e > i + 2)?;
            Some((Inline::Strong(spans(&c[i + 2..end], depth + 1)), end + 2))
        }
        '*' => {
            let end = find(c, i + 1, &['*']).filter(|&e| e > i + 1 && !c[i + 1].is_whitespace())?;
            Some((Inline::Emph(spans(&c[i + 1..end], depth + 1)), end + 1))
        }
        '[' => {
            let close = find(c, i + 1, &[']', '('])?;
            let end = find(c, close + 2, &[')'])?;
            let url: String = c[close + 2..end].iter().collect();
            (!url.trim().is_empty() && !url.contains(' '))
                .then(|| (Inline::Link { text: spans(&c[i + 1..close], depth + 1), url }, end + 1))
        }
        _ => None,
    }
}

/// Where `pat` next occurs in `c` from `from`, skipping code spans for the other markers.
fn find(c: &[char], from: usize, pat: &[char]) -> Option<usize> {
    let mut i = from;
    while i + pat.len() <= c.len() {
        if c[i..i + pat.len()] == *pat {
            return Some(i);
        }
        if c[i] == '`' && pat[0] != '`' {
            i = find(c, i + 1, &['`'])?;
        }
        i += 1;
    }
    None
}

/// Every link's address in the blocks (the format refuses addresses that are not web pages).
pub fn links(blocks: &[Block]) -> Vec<&str> {
    fn walk<'a>(inlines: &'a [Inline], out: &mut Vec<&'a str>) {
        for i in inlines {
            match i {
                Inline::Emph(x) | Inline::Strong(x) => walk(x, out),
                Inline::Link { text, url } => {
                    out.push(url);
                    walk(text, out);
                }
                Inline::Text(_) | Inline::Code(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    for b in blocks {
        match b {
            Block::Para(x) => walk(x, &mut out),
            Block::List { items, .. } => items.iter().for_each(|x| walk(x, &mut out)),
            Block::Code { .. } => {}
        }
    }
    out
}

/// Whether a link may be followed from a lesson: a web address (`https://`, `http://`) or a
/// path on the same site, never `javascript:` or `data:`.
pub fn safe_url(url: &str) -> bool {
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(at) if url.as_bytes()[at] == b':' => {
            let scheme = &url[..at];
            scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")
        }
        _ => true,
    }
}

/// The plain text of some inlines (for a summary, or a screen reader's label).
pub fn plain(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emph(x) | Inline::Strong(x) | Inline::Link { text: x, .. } => out.push_str(&plain(x)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    #[test]
    fn paragraphs_lists_and_code_blocks() {
        let md = "The pods come up\nin order.\n\n- first `web-0`\n- then\n  web-1\n\n1. one\n2. two\n\n```sh\nkubectl get pods\n```\nafter";
        let b = parse(md);
        assert_eq!(b.len(), 5);
        assert_eq!(b[0], Block::Para(vec![t("The pods come up in order.")]));
        assert_eq!(
            b[1],
            Block::List {
                ordered: false,
                items: vec![vec![t("first "), Inline::Code("web-0".into())], vec![t("then web-1")]]
            }
        );
        assert_eq!(b[2], Block::List { ordered: true, items: vec![vec![t("one")], vec![t("two")]] });
        assert_eq!(b[3], Block::Code { lang: "sh".into(), text: "kubectl get pods\n".into() });
        assert_eq!(b[4], Block::Para(vec![t("after")]));
    }

    #[test]
    fn emphasis_strong_code_and_links_nest() {
        let i = inlines("a *b* **c *d* e** `*e*` [the **docs**](https://kubernetes.io/docs/) \\*f\\*");
        assert_eq!(
            i,
            vec![
                t("a "),
                Inline::Emph(vec![t("b")]),
                t(" "),
                Inline::Strong(vec![t("c "), Inline::Emph(vec![t("d")]), t(" e")]),
                t(" "),
                Inline::Code("*e*".into()),
                t(" "),
                Inline::Link {
                    text: vec![t("the "), Inline::Strong(vec![t("docs")])],
                    url: "https://kubernetes.io/docs/".into()
                },
                t(" *f*"),
            ]
        );
        assert_eq!(plain(&i), "a b c d e *e* the docs *f*");
    }

    #[test]
    fn markers_without_their_other_half_are_text_and_html_is_text() {
        assert_eq!(inlines("2 * 3 and `open and [x](y"), vec![t("2 * 3 and `open and [x](y")]);
        assert_eq!(inlines("<b>x</b>"), vec![t("<b>x</b>")]);
        assert_eq!(parse("```\nunclosed"), vec![Block::Code { lang: String::new(), text: "unclosed\n".into() }]);
        // Deep nesting stops being parsed, never overflows.
        let deep = "*".repeat(10_000) + "x" + &"*".repeat(10_000);
        assert!(!inlines(&deep).is_empty());
    }

    #[test]
    fn only_web_links_are_safe() {
        assert!(safe_url("https://kubernetes.io"));
        assert!(safe_url("HTTP://x"));
        assert!(safe_url("./other.html"));
        assert!(safe_url("#top"));
        assert!(safe_url("?lesson=seed-lab&step=2"));
        assert!(!safe_url("javascript:alert(1)"));
        assert!(!safe_url("data:text/html,x"));
        let b = parse("see [a](javascript:x) and [b](https://y)");
        assert_eq!(links(&b), vec!["javascript:x", "https://y"]);
    }
}
