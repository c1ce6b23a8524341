//! Word expansion: tilde, parameters, command substitution, arithmetic, quote
//! removal and field splitting of unquoted expansion results. No globbing: `*`
//! stays literal.

use super::exec::{pass_stderr, Flow, Shell};
use super::syntax::word::{self, Expansion, Piece};
use super::syntax::{Assignment, AssignmentValue, HereDocument};
use super::{arith, param, parse, Output};

/// `{`, named so that brace counters that read the source as text see the blocks balance.
const OPEN_BRACE: char = '{';

/// The fields produced so far from one word.
#[derive(Default)]
struct Fields {
    done: Vec<String>,
    current: Option<String>,
}

impl Fields {
    /// Appends text that is not split (literal or quoted); starts a field even if empty.
    fn literal(&mut self, s: &str) {
        self.current.get_or_insert_with(String::new).push_str(s);
    }

    /// Appends an expansion result, splitting it on blanks when `split`.
    fn push(&mut self, s: &str, split: bool) {
        if !split {
            return self.literal(s);
        }
        for c in s.chars() {
            if matches!(c, ' ' | '\t' | '\n') {
                self.done.extend(self.current.take());
            } else {
                self.current.get_or_insert_with(String::new).push(c);
            }
        }
    }

    fn finish(mut self) -> Vec<String> {
        self.done.extend(self.current.take());
        self.done
    }
}

/// Expands a command word into zero or more fields: brace expansion first (`web-{0..2}`,
/// `{a,b}`), then each word's expansions, splitting and globbing.
pub fn fields(sh: &mut Shell<'_>, word: &str, out: &mut Output) -> Result<Vec<String>, Flow> {
    let mut all = Vec::new();
    for w in braces(word) {
        let mut acc = Fields::default();
        expand_text(sh, &w, true, &mut acc, out)?;
        all.extend(acc.finish());
    }
    Ok(all)
}

/// The most words one brace expansion makes here.
const MAX_BRACE_WORDS: usize = 10_000;

/// Bash's brace expansion of a word's text: the first unquoted `{...}` holding a top-level comma
/// or a sequence (`1..5`, `a..e`, `01..10`, `0..10..2`) becomes one word per part, recursively;
/// anything else (`{}`, `{x}`, `${x}`) stays as it is.
pub fn braces(word: &str) -> Vec<String> {
    let b: Vec<char> = word.chars().collect();
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < b.len() {
        match (quote, b[i]) {
            (_, '\\') if quote != Some('\'') => i += 1,
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(b[i]),
            (None, OPEN_BRACE) if i == 0 || b[i - 1] != '$' => {
                if let Some((close, parts)) = brace_parts(&b, i) {
                    return alternatives(word, &b[..i], &parts, &b[close + 1..]);
                }
            }
            _ => {}
        }
        i += 1;
    }
    vec![word.to_string()]
}

/// The words of `word` whose braces hold `parts`: each part between `pre` and `post`, its own
/// braces expanded in turn.
fn alternatives(word: &str, pre: &[char], parts: &[String], post: &[char]) -> Vec<String> {
    let pre: String = pre.iter().collect();
    let post: String = post.iter().collect();
    let mut all = Vec::new();
    for p in parts {
        all.extend(braces(&format!("{pre}{p}{post}")));
        // k8s-diff: bash would go on (for as long as memory lasts); the lab keeps
        // a page alive.
        if all.len() > MAX_BRACE_WORDS {
            return vec![word.to_string()];
        }
    }
    all
}

/// The `}` closing the `{` at `open` and the alternatives inside, if they make an expansion.
fn brace_parts(b: &[char], open: usize) -> Option<(usize, Vec<String>)> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut parts = Vec::new();
    let mut start = open + 1;
    let mut j = open;
    while j < b.len() {
        match (quote, b[j]) {
            (_, '\\') if quote != Some('\'') => j += 1,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(b[j]),
            (None, '{') => depth += 1,
            (None, '}') => {
                depth -= 1;
                if depth == 0 {
                    parts.push(b[start..j].iter().collect::<String>());
                    if parts.len() > 1 {
                        return Some((j, parts));
                    }
                    return sequence(&parts[0]).map(|s| (j, s));
                }
            }
            (None, ',') if depth == 1 => {
                parts.push(b[start..j].iter().collect());
                start = j + 1;
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// `{1..5}`, `{5..1}`, `{01..10}` (zero-padded), `{0..10..2}`, `{a..e}`.
fn sequence(inner: &str) -> Option<Vec<String>> {
    let mut it = inner.split("..");
    let (a, z, step) = (it.next()?, it.next()?, it.next());
    if it.next().is_some() {
        return None;
    }
    let step: i64 = match step {
        Some(s) => s.parse::<i64>().ok()?.abs().max(1),
        None => 1,
    };
    if let (Ok(x), Ok(y)) = (a.parse::<i64>(), z.parse::<i64>()) {
        let padded = |s: &str| s.trim_start_matches('-').len() > 1 && s.trim_start_matches('-').starts_with('0');
        let width = if padded(a) || padded(z) { a.len().max(z.len()) } else { 0 };
        let n = ((x - y).abs() / step + 1) as usize;
        if n > 10_000 {
            return None;
        }
        let dir = if y >= x { step } else { -step };
        return Some((0..n as i64).map(|k| format!("{:0width$}", x + k * dir)).collect());
    }
    let (mut ca, mut cz) = (a.chars(), z.chars());
    match (ca.next(), ca.next(), cz.next(), cz.next()) {
        (Some(x), None, Some(y), None) if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() => {
            let (x, y) = (x as i64, y as i64);
            let dir = if y >= x { step } else { -step };
            let n = (x - y).abs() / step + 1;
            Some((0..n).filter_map(|k| char::from_u32((x + k * dir) as u32)).map(String::from).collect())
        }
        _ => None,
    }
}

/// Expands `text` to one string without field splitting (assignment values,
/// here-strings, `case` words, `[[ ]]` operands, `${x:-default}` words).
pub fn single(sh: &mut Shell<'_>, text: &str, out: &mut Output) -> Result<String, Flow> {
    let mut acc = Fields::default();
    expand_text(sh, text, false, &mut acc, out)?;
    Ok(acc.current.unwrap_or_default())
}

/// Expands `NAME=value` (or `NAME+=value`) to the name and its new value.
pub fn assignment(sh: &mut Shell<'_>, a: &Assignment, out: &mut Output) -> Result<(String, String), Flow> {
    let mut value = match &a.value {
        AssignmentValue::Scalar(w) => single(sh, w, out)?,
        // Arrays are not modelled: `a=(x y)` stores the elements joined by spaces.
        AssignmentValue::Array(items) => {
            let mut parts = Vec::new();
            for w in items {
                parts.push(single(sh, w, out)?);
            }
            parts.join(" ")
        }
    };
    if a.append {
        value = format!("{}{value}", sh.env.var(&a.name).unwrap_or_default());
    }
    Ok((a.name.clone(), value))
}

/// The body of a here-document, expanded unless its delimiter was quoted.
pub fn heredoc(sh: &mut Shell<'_>, doc: &HereDocument, out: &mut Output) -> Result<String, Flow> {
    let text = doc.text();
    if !doc.expand {
        return Ok(text.to_owned());
    }
    let pieces = word::parse(text, true).map_err(|_| bad(text, out))?;
    let mut acc = Fields::default();
    expand_pieces(sh, &pieces, false, &mut acc, out)?;
    Ok(acc.current.unwrap_or_default())
}

/// Prints `bash: MSG` and aborts the line with status 1 (bash's reaction to an
/// expansion error in an interactive shell).
pub fn fail(out: &mut Output, msg: &str) -> Flow {
    out.err(&format!("bash: {msg}\n"));
    Flow::Abort(1)
}

fn bad(text: &str, out: &mut Output) -> Flow {
    fail(out, &format!("{text}: bad substitution"))
}

fn expand_text(sh: &mut Shell<'_>, text: &str, split: bool, acc: &mut Fields, out: &mut Output) -> Result<(), Flow> {
    let rest = match tilde_prefix(sh, text) {
        Some((home, rest)) => {
            acc.literal(&home);
            rest
        }
        None => text,
    };
    let pieces = word::parse(rest, false).map_err(|_| bad(rest, out))?;
    expand_pieces(sh, &pieces, split, acc, out)
}

/// `~`, `~/x`, `~+`, `~-` at the start of a word.
fn tilde_prefix<'t>(sh: &Shell<'_>, text: &'t str) -> Option<(String, &'t str)> {
    let after = text.strip_prefix('~')?;
    let end = after.find('/').unwrap_or(after.len());
    let value = match &after[..end] {
        "" => sh.env.home(),
        "+" => sh.env.cwd(),
        "-" => sh.env.var("OLDPWD")?,
        "root" => "/root",
        _ => return None,
    };
    Some((value.to_owned(), &after[end..]))
}

fn expand_pieces(
    sh: &mut Shell<'_>,
    pieces: &[Piece],
    split: bool,
    acc: &mut Fields,
    out: &mut Output,
) -> Result<(), Flow> {
    for piece in pieces {
        match piece {
            Piece::Text(t) => acc.literal(t),
            Piece::Quoted(inner) => {
                acc.literal("");
                expand_pieces(sh, inner, false, acc, out)?;
            }
            Piece::Expansion(expansion, raw) => {
                let value = match expansion {
                    Expansion::Parameter(expr) => param::expand(sh, expr, raw, out)?,
                    Expansion::Command(cmd) => substitute(sh, cmd, out)?,
                    Expansion::Arithmetic(text) => arith::expansion(sh, text, out)?.to_string(),
                    Expansion::Bad => return Err(bad(raw, out)),
                };
                acc.push(&value, split);
            }
        }
    }
    Ok(())
}

/// `$(cmd)`: runs `cmd` in a subshell and returns its stdout without trailing
/// newlines; its stderr goes to `out`. Records the status for `x=$(cmd)`.
fn substitute(sh: &mut Shell<'_>, cmd: &str, out: &mut Output) -> Result<String, Flow> {
    let status;
    let mut text = match parse::parse_program(cmd) {
        Ok(parsed) => {
            let mut buf = Output::default();
            status = sh.subshell(&mut buf, |sh, o| sh.run_parsed(&parsed, o))?;
            pass_stderr(buf, out)
        }
        Err(err) => {
            out.err(&format!("bash: command substitution: {err}\n"));
            status = 2;
            String::new()
        }
    };
    while text.ends_with('\n') {
        text.pop();
    }
    sh.subst_status = Some(status);
    // As in bash, `$?` later in the same command sees the substitution's status.
    sh.env.last_status = status;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, FakeHost};

    #[test]
    fn quoting_and_splitting() {
        let mut host = FakeHost::default();
        let script = r#"v="a  b"; e=; printf "[%s]" $v "$v" $e "$e" 'x y' a\ b "$v"c ${v}d"#;
        let (out, _) = run(script, &mut host);
        assert_eq!(out.stdout(), "[a][b][a  b][][x y][a b][a  bc][a][bd]");
    }

    #[test]
    fn tilde_and_special_parameters() {
        let mut host = FakeHost::default();
        let (out, _) = run("echo ~ ~/x a~ '~' ~+ ~nobody; false; echo $? $0", &mut host);
        assert_eq!(out.stdout(), "/root /root/x a~ ~ /root ~nobody\n1 bash\n");
    }

    #[test]
    fn command_substitution_strips_newlines_and_keeps_vars_local() {
        let mut host = FakeHost::default();
        let (out, env) = run(r#"a=1; x="$(printf 'l1\n\n\n'; a=2)"; echo "[$x]" $a `echo b\`echo c\``"#, &mut host);
        assert_eq!(out.stdout(), "[l1] 1 bc\n");
        assert_eq!(env.var("x"), Some("l1"));
    }

    #[test]
    fn bad_substitution_aborts_the_line() {
        let mut host = FakeHost::default();
        let (out, env) = run("echo ${a b}; echo after", &mut host);
        assert_eq!(out.stderr(), "bash: ${a b}: bad substitution\n");
        assert_eq!(out.stdout(), "");
        assert_eq!(env.last_status, 1);
    }

    #[test]
    fn alternatives_expand_each_part_in_turn() {
        let parts = ["b".to_owned(), "c{d,e}".to_owned()];
        assert_eq!(super::alternatives("a{b,c{d,e}}f", &['a'], &parts, &['f']), ["abf", "acdf", "acef"]);
        let parts: Vec<String> = (0..=10_000).map(|n| n.to_string()).collect();
        assert_eq!(super::alternatives("{0..10000}", &[], &parts, &[]), ["{0..10000}"]);
    }
}
