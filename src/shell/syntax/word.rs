//! The pieces of a word, found when the word is expanded: literal text (quotes
//! removed), double-quoted parts, and expansions with their source text. Also
//! parameter expressions (`${name%pattern}`, ...), whose inner words stay text
//! until they are needed.

use super::parser::Parser;
use super::SyntaxError;
use crate::shell::print;

/// `{`, named so that brace counters that read the source as text see the blocks balance.
const OPEN_BRACE: u8 = b'{';

/// One piece of a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Literal text: unquoted, single-quoted, `$'...'` or escaped characters, with
    /// quotes and escapes resolved. Starts a field even when empty (`''`).
    Text(String),
    /// A double-quoted part: its expansions are not split into fields.
    Quoted(Vec<Piece>),
    /// An expansion and its source text (for messages, and for [`unquote`]).
    Expansion(Expansion, String),
}

/// What a `$` or a backquote asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expansion {
    /// `$name`, `${...}`.
    Parameter(ParamExpr),
    /// `$(...)` or `` `...` ``: the commands' text.
    Command(String),
    /// `$((...))` or `$[...]`: the expression's text.
    Arithmetic(String),
    /// A `${...}` this shell cannot read: a bad substitution when expanded.
    Bad,
}

/// `${...}`: a parameter and what to do with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamExpr {
    /// The parameter.
    pub param: Parameter,
    /// `${!name...}`: the value names the variable to use.
    pub indirect: bool,
    /// The operation.
    pub op: ParamOp,
}

/// A parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parameter {
    /// A variable (`name[@]` and `name[*]` too: arrays are not modelled).
    Named(String),
    /// `name[index]`.
    Indexed(String, String),
    /// `$1`, `${10}`, ...
    Positional(u32),
    /// `$?`, `$#`, `$$`, `$-`, `$0`, `$@`, `$*`, `$!`.
    Special(char),
}

/// The operation of a parameter expression. Words and patterns are source text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamOp {
    /// `${name}`.
    Plain,
    /// `${#name}`.
    Length,
    /// `${name-word}`, `${name=word}`, `${name?word}`, `${name+word}`; `colon` for
    /// the `:-` forms, which also treat an empty value as missing.
    Test {
        /// `:` before the operator.
        colon: bool,
        /// One of `-`, `=`, `?`, `+`.
        op: char,
        /// The word.
        word: String,
    },
    /// `${name%pat}`, `${name%%pat}`, `${name#pat}`, `${name##pat}`.
    Strip {
        /// `%`: from the end.
        suffix: bool,
        /// Doubled operator: the longest match.
        longest: bool,
        /// The pattern.
        pattern: String,
    },
    /// `${name:offset:length}`.
    Substring {
        /// Arithmetic text.
        offset: String,
        /// Arithmetic text.
        length: Option<String>,
    },
    /// `${name@op}`.
    Transform(char),
    /// `${name^}`, `${name^^}`, `${name,}`, `${name,,}` (patterns ignored).
    Case {
        /// `^`: to upper case.
        upper: bool,
        /// Doubled operator: every character.
        all: bool,
    },
    /// `${name/pat/rep}`, `//`, `/#`, `/%`.
    Replace {
        /// Which matches are replaced.
        kind: SubstringMatchKind,
        /// The pattern.
        pattern: String,
        /// The replacement.
        replacement: String,
    },
    /// `${!prefix*}`: names of the variables starting with the prefix.
    Names(String),
    /// `${!name[@]}`: the indices of an array.
    Keys(String),
}

/// Which matches of `${name/pattern/string}` are replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubstringMatchKind {
    /// `/#`: a match at the start.
    Prefix,
    /// `/%`: a match at the end.
    Suffix,
    /// `/`: the first match.
    FirstOccurrence,
    /// `//`: every match.
    Anywhere,
}

/// The quoting rules of the text being split.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A word: all quotes apply.
    Word,
    /// Inside double quotes.
    Quoted,
    /// A here-document body: quotes are plain characters.
    HereDoc,
}

/// True for a valid variable name.
pub fn is_name(s: &str) -> bool {
    name_len(s) == s.len() && !s.is_empty()
}

/// The length of the variable name at the start of `s`.
fn name_len(s: &str) -> usize {
    match s.as_bytes().first() {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
            s.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count()
        }
        _ => 0,
    }
}

/// Splits a word into pieces (`heredoc`: a here-document body, where quotes are
/// plain characters). Fails on an unclosed quote or substitution.
pub fn parse(text: &str, heredoc: bool) -> Result<Vec<Piece>, SyntaxError> {
    let mut p = Parser::new(text);
    let mode = if heredoc { Mode::HereDoc } else { Mode::Word };
    pieces(&mut p, 0, text.len(), mode)
}

/// Removes quotes and backslashes from one word, leaving expansions as written.
pub fn unquote(word: &str) -> String {
    fn literal(pieces: &[Piece], s: &mut String) {
        for piece in pieces {
            match piece {
                Piece::Text(t) | Piece::Expansion(_, t) => s.push_str(t),
                Piece::Quoted(inner) => literal(inner, s),
            }
        }
    }
    match parse(word, false) {
        Ok(pieces) => {
            let mut s = String::new();
            literal(&pieces, &mut s);
            s
        }
        Err(_) => word.to_owned(),
    }
}

/// The pieces of `p.src[i..end]`.
fn pieces(p: &mut Parser, mut i: usize, end: usize, mode: Mode) -> Result<Vec<Piece>, SyntaxError> {
    let src = p.src;
    let mut out = Vec::new();
    // Literal text so far; `Some("")` after `''`, which still makes a field.
    let mut text: Option<String> = None;
    while i < end {
        let start = i;
        let expansion = match src.as_bytes()[i] {
            b'\\' => {
                i = backslash(p, i, mode, &mut text);
                continue;
            }
            b'\'' if mode == Mode::Word => {
                i = p.quote_end(i + 1)?;
                text.get_or_insert_with(String::new).push_str(&src[start + 1..i - 1]);
                continue;
            }
            b'"' if mode == Mode::Word => {
                i = p.dq_end(i + 1)?;
                Piece::Quoted(pieces(p, start + 1, i - 1, Mode::Quoted)?)
            }
            b'`' => {
                i = p.bq_end(i + 1)?;
                let command = backquoted(&src[start + 1..i - 1]);
                Piece::Expansion(Expansion::Command(command), src[start..i].to_owned())
            }
            b'$' => {
                let (after, piece) = dollar(p, i, end, mode, &mut text)?;
                i = after;
                let Some(piece) = piece else {
                    continue;
                };
                piece
            }
            _ => {
                i = p.char_end(i);
                text.get_or_insert_with(String::new).push_str(&src[start..i]);
                continue;
            }
        };
        out.extend(text.take().map(Piece::Text));
        out.push(expansion);
    }
    out.extend(text.take().map(Piece::Text));
    Ok(out)
}

/// The `\` at `i` and the character it escapes, added to `text`; returns where they end.
fn backslash(p: &Parser, i: usize, mode: Mode, text: &mut Option<String>) -> usize {
    let end = p.char_end(i + 1);
    let escaped = &p.src[i + 1..end];
    // `\`-newline joins lines.
    if escaped == "\n" {
        return end;
    }
    let special = match mode {
        Mode::Word => true,
        Mode::Quoted => matches!(p.byte(i + 1), Some(b'$' | b'`' | b'"' | b'\\')),
        Mode::HereDoc => matches!(p.byte(i + 1), Some(b'$' | b'`' | b'\\')),
    };
    let t = text.get_or_insert_with(String::new);
    // A lone trailing `\` stays.
    if !special || escaped.is_empty() {
        t.push('\\');
    }
    t.push_str(escaped);
    end
}

/// The commands inside backquotes, where a backslash quotes only `$`, `` ` `` and `\`.
fn backquoted(body: &str) -> String {
    let mut command = String::new();
    let mut chars = body.chars().peekable();
    while let Some(ch) = chars.next() {
        match chars.peek() {
            Some('$' | '`' | '\\') if ch == '\\' => command.extend(chars.next()),
            _ => command.push(ch),
        }
    }
    command
}

/// What the `$` at `i` starts: where it ends, and its piece (`None` when it was literal text,
/// added to `text`: `$'...'`, or a `$` that starts no expansion).
fn dollar(
    p: &mut Parser,
    mut i: usize,
    end: usize,
    mode: Mode,
    text: &mut Option<String>,
) -> Result<(usize, Option<Piece>), SyntaxError> {
    let src = p.src;
    let start = i;
    let expansion = match p.byte(i + 1) {
        Some(b'\'') if mode == Mode::Word => {
            i = p.ansi_end(i + 2)?;
            let (decoded, _) = print::unescape(&src[start + 2..i - 1], true);
            text.get_or_insert_with(String::new).push_str(&decoded);
            return Ok((i, None));
        }
        Some(b'"') if mode == Mode::Word => {
            i = p.dq_end(i + 2)?;
            return Ok((i, Some(Piece::Quoted(pieces(p, start + 2, i - 1, Mode::Quoted)?))));
        }
        Some(OPEN_BRACE) => {
            i = p.brace_end(i + 2)?;
            param(&src[start + 2..i - 1]).map_or(Expansion::Bad, Expansion::Parameter)
        }
        Some(b'[') => {
            i = p.bracket_end(i + 2)?;
            Expansion::Arithmetic(src[start + 2..i - 1].to_owned())
        }
        Some(b'(') => match p.arith_end(i + 1)? {
            Some(e) => {
                i = e;
                Expansion::Arithmetic(src[start + 3..i - 2].to_owned())
            }
            None => {
                i = p.comsub_end(i + 2)?;
                Expansion::Command(src[start + 2..i - 1].to_owned())
            }
        },
        _ => match unbraced(&src[i + 1..end]) {
            Some((param, len)) => {
                i += 1 + len;
                Expansion::Parameter(ParamExpr { param, indirect: false, op: ParamOp::Plain })
            }
            None => {
                text.get_or_insert_with(String::new).push('$');
                return Ok((i + 1, None));
            }
        },
    };
    Ok((i, Some(Piece::Expansion(expansion, src[start..i].to_owned()))))
}

/// The parameter of `$name`, `$1`, `$?`, ... at the start of `s`, and its length.
fn unbraced(s: &str) -> Option<(Parameter, usize)> {
    let n = name_len(s);
    if n > 0 {
        return Some((Parameter::Named(s[..n].to_owned()), n));
    }
    let c = char::from(*s.as_bytes().first()?);
    match c {
        '1'..='9' => Some((Parameter::Positional(u32::from(c) - u32::from('0')), 1)),
        '0' | '@' | '*' | '#' | '?' | '-' | '$' | '!' => Some((Parameter::Special(c), 1)),
        _ => None,
    }
}

/// The parameter at the start of `s` (inside braces) and the rest of `s`.
fn parameter(s: &str) -> Option<(Parameter, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && !s.starts_with('0') {
        return Some((Parameter::Positional(s[..digits].parse().ok()?), &s[digits..]));
    }
    if let Some(c @ ('0' | '@' | '*' | '#' | '?' | '-' | '$' | '!')) = s.chars().next() {
        return Some((Parameter::Special(c), &s[1..]));
    }
    let n = name_len(s);
    if n == 0 {
        return None;
    }
    let (name, rest) = s.split_at(n);
    let Some(index) = rest.strip_prefix('[') else {
        return Some((Parameter::Named(name.to_owned()), rest));
    };
    let (index, rest) = index.split_once(']')?;
    let param = match index {
        "@" | "*" => Parameter::Named(name.to_owned()),
        _ => Parameter::Indexed(name.to_owned(), index.to_owned()),
    };
    Some((param, rest))
}

/// Reads the text between `${` and `}`; `None` for a bad substitution.
fn param(s: &str) -> Option<ParamExpr> {
    if let Some((param, "")) = s.strip_prefix('#').and_then(parameter) {
        return Some(ParamExpr { param, indirect: false, op: ParamOp::Length });
    }
    let (indirect, s) = match s.strip_prefix('!') {
        Some(rest) if !rest.is_empty() => {
            let n = name_len(rest);
            let (name, tail) = rest.split_at(n);
            let op = match tail {
                "[@]" | "[*]" if n > 0 => ParamOp::Keys(name.to_owned()),
                "*" | "@" if n > 0 => ParamOp::Names(name.to_owned()),
                _ => ParamOp::Plain,
            };
            if op != ParamOp::Plain {
                let param = Parameter::Named(name.to_owned());
                return Some(ParamExpr { param, indirect: false, op });
            }
            (true, rest)
        }
        _ => (false, s),
    };
    let (param, rest) = parameter(s)?;
    let (colon, after) = match rest.strip_prefix(':') {
        Some(after) => (true, after),
        None => (false, rest),
    };
    let op = match after.chars().next() {
        None if !colon => ParamOp::Plain,
        Some(op @ ('-' | '=' | '?' | '+')) => ParamOp::Test { colon, op, word: after[1..].to_owned() },
        _ if colon => {
            // `${name:offset:length}`; a `:` inside parentheses belongs to the offset.
            let mut parens = 0i32;
            let split = after.bytes().position(|b| {
                parens += i32::from(b == b'(') - i32::from(b == b')');
                b == b':' && parens == 0
            });
            let (offset, length) = match split {
                Some(k) => (&after[..k], Some(after[k + 1..].to_owned())),
                None => (after, None),
            };
            if length.as_deref().is_some_and(|l| l.contains(':')) {
                return None;
            }
            ParamOp::Substring { offset: offset.to_owned(), length }
        }
        _ => operation(rest)?,
    };
    Some(ParamExpr { param, indirect, op })
}

/// The pattern operators: `%`, `#`, `/`, `^`, `,` and `@`, with what follows them.
fn operation(rest: &str) -> Option<ParamOp> {
    let strip = |suffix, longest, pattern: &str| ParamOp::Strip { suffix, longest, pattern: pattern.to_owned() };
    let case = |upper, all| Some(ParamOp::Case { upper, all });
    let (op, tail) = (rest.get(..2).unwrap_or(""), rest.get(2..).unwrap_or(""));
    match op {
        "%%" => return Some(strip(true, true, tail)),
        "##" => return Some(strip(false, true, tail)),
        "^^" => return case(true, true),
        ",," => return case(false, true),
        "/#" | "/%" | "//" => return Some(replace(op, tail)),
        _ => {}
    }
    let tail = rest.get(1..).unwrap_or("");
    match rest.as_bytes().first()? {
        b'%' => Some(strip(true, false, tail)),
        b'#' => Some(strip(false, false, tail)),
        b'^' => case(true, false),
        b',' => case(false, false),
        b'/' => Some(replace("/", tail)),
        b'@' => {
            let mut chars = tail.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Some(ParamOp::Transform(c)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `${name/pattern/replacement}` after the operator `op`.
fn replace(op: &str, s: &str) -> ParamOp {
    let kind = match op {
        "/#" => SubstringMatchKind::Prefix,
        "/%" => SubstringMatchKind::Suffix,
        "//" => SubstringMatchKind::Anywhere,
        _ => SubstringMatchKind::FirstOccurrence,
    };
    // The pattern ends at the first `/` outside quotes and expansions.
    let mut p = Parser::new(s);
    let mut i = 0;
    while i < s.len() && s.as_bytes()[i] != b'/' {
        i = p.piece_end(i, false).unwrap_or(s.len());
    }
    ParamOp::Replace { kind, pattern: s[..i].to_owned(), replacement: s.get(i + 1..).unwrap_or_default().to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Piece {
        Piece::Text(t.into())
    }

    #[test]
    fn pieces_resolve_quotes_and_keep_expansion_text() {
        let var = |name: &str, raw: &str| {
            let expr = ParamExpr { param: Parameter::Named(name.into()), indirect: false, op: ParamOp::Plain };
            Piece::Expansion(Expansion::Parameter(expr), raw.into())
        };
        assert_eq!(
            parse(r#"a\ b'c d'"e $x\$"$'\t'$"#, false).unwrap(),
            [text("a bc d"), Piece::Quoted(vec![text("e "), var("x", "$x"), text("$")]), text("\t$"),]
        );
        assert_eq!(parse("''", false).unwrap(), [text("")]);
        assert_eq!(parse("`echo \\`x\\``$((1+2))$(a)${b", false), Err(SyntaxError::Unmatched('}')));
        assert_eq!(parse("\"q\" '$x' \\$", true).unwrap(), [text("\"q\" '"), var("x", "$x"), text("' $")]);
        assert_eq!(unquote(r#"'a'"b$c"\d${e:-"f"}"#), r#"ab$cd${e:-"f"}"#);
    }

    #[test]
    fn parameter_expressions() {
        let op = |s: &str| param(s).map(|p| p.op);
        assert_eq!(op("x"), Some(ParamOp::Plain));
        assert_eq!(op("#x"), Some(ParamOp::Length));
        assert_eq!(param("#").map(|p| p.param), Some(Parameter::Special('#')));
        assert_eq!(op("x:-a}b"), Some(ParamOp::Test { colon: true, op: '-', word: "a}b".into() }));
        assert_eq!(op("x: -4"), Some(ParamOp::Substring { offset: " -4".into(), length: None }));
        assert_eq!(
            op("x//'/'/y"),
            Some(ParamOp::Replace {
                kind: SubstringMatchKind::Anywhere,
                pattern: "'/'".into(),
                replacement: "y".into()
            })
        );
        assert_eq!(op("!p*"), Some(ParamOp::Names("p".into())));
        assert_eq!(param("!x").map(|p| p.indirect), Some(true));
        assert_eq!(op("a b"), None);
        assert_eq!(op(""), None);
    }

    #[test]
    fn backquotes_unescape_only_dollar_backquote_and_backslash() {
        assert_eq!(backquoted(r#"echo \$HOME \`date\` \\ \n \""#), r#"echo $HOME `date` \ \n \""#);
        assert_eq!(backquoted(r"trailing \"), r"trailing \");
    }
}
