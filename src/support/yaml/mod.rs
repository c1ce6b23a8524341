//! YAML to JSON the way kubectl reads manifests: sigs.k8s.io/yaml over go-yaml v2.
//!
//! The scanner and parser are ports of libyaml's as go-yaml v2.4.0 has them, so a broken
//! manifest gets go-yaml's words and line (`yaml: line 7: did not find expected key`).
//! `compose.rs` builds the value from their events with an explicit stack (wasm's stack is
//! small), sharing each anchored node with its aliases and copying it out once at the end, after
//! go-yaml's alias-ratio check (`document contains excessive aliasing`) and a cap on what
//! aliases add; this file decodes scalars as go-yaml does for `interface{}`: YAML 1.1 (`0644` is
//! octal, `on` is true), then as sigs.k8s.io/yaml turns the result into JSON (keys become
//! strings, whole floats become integers, `.nan` cannot be JSON).
//!
//! Only the first document of the text is read, as go-yaml's `Unmarshal` does; callers split
//! files on `---` themselves.

mod compose;
mod parser;
mod scanner;

pub use compose::MAX_ALIASED_BYTES;
use parser::{Ev, Parser};
use serde_json::Value;
use std::fmt;

/// The deepest nesting of collections a document may have (go-yaml allows 10000; the rest of
/// the program, like serde_json, walks values recursively on a small stack).
pub const MAX_DEPTH: usize = 128;

/// A place in the text as libyaml counts: lines and columns from 0, columns in characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    /// Characters from the start of the text.
    pub index: usize,
    pub line: usize,
    pub column: usize,
}

/// Why a text could not be read, in go-yaml's (or encoding/json's) words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// The problem as go-yaml states it (`did not find expected key`).
    pub problem: String,
    /// The 1-based line go-yaml's message names, where it names one. For a parser error this
    /// is libyaml's 0-based line of the problem, so it often names the line before: go-yaml's
    /// own quirk, kept because kubectl prints it.
    pub line: Option<usize>,
    /// Where the problem was found, for pointing at it.
    pub mark: Mark,
    /// `yaml`, or `json` for a value JSON cannot hold.
    source: &'static str,
    /// Whether the document's aliases expand past [`MAX_ALIASED_BYTES`].
    too_large: bool,
}

impl YamlError {
    /// A scanner or parser error, with go-yaml's choice of line: the problem's line (counted
    /// from 1 for scanner errors only), else the context's line, else none when it is 0.
    pub(super) fn syntax(scanner: bool, context_mark: Mark, problem_mark: Mark, problem: &str) -> YamlError {
        let line = if problem_mark.line != 0 { problem_mark.line + usize::from(scanner) } else { context_mark.line };
        YamlError {
            problem: problem.into(),
            line: (line != 0).then_some(line),
            mark: problem_mark,
            source: "yaml",
            too_large: false,
        }
    }

    /// A problem found while decoding the parsed document (go-yaml names no line for these).
    fn decode(problem: String, mark: Mark) -> YamlError {
        YamlError { problem, line: None, mark, source: "yaml", too_large: false }
    }

    /// A document whose aliases expand past [`MAX_ALIASED_BYTES`] of JSON.
    // k8s-diff: go-yaml has no such limit: kubectl builds every copy and sends the object, and
    // the API server refuses a body over 3 MiB (`Request entity too large: limit is 3145728`),
    // which is what the manifest reader reports for it (`too_large`). These words are for the
    // other readers (a profile, a saved lab).
    fn too_large(mark: Mark) -> YamlError {
        let problem = format!("document's aliases expand past {MAX_ALIASED_BYTES} bytes");
        YamlError { problem, line: None, mark, source: "yaml", too_large: true }
    }

    /// Whether the document was refused for what its aliases expand to, not for its syntax.
    pub fn is_too_large(&self) -> bool {
        self.too_large
    }

    /// The message with the line counted from `offset` + 1 (for a document inside a file).
    pub fn message(&self, offset: usize) -> String {
        match self.line {
            Some(l) => format!("{}: line {}: {}", self.source, l + offset, self.problem),
            None => format!("{}: {}", self.source, self.problem),
        }
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(0))
    }
}

/// Reads the first YAML document of `text` as JSON; no document is `null`.
pub fn parse(text: &str) -> Result<Value, YamlError> {
    if let Some(mark) = control_character(text) {
        return Err(YamlError::decode("control characters are not allowed".into(), mark));
    }
    let mut p = Parser::new(text);
    p.next()?;
    let start = p.next()?;
    if start.kind != Ev::DocumentStart {
        return Ok(Value::Null);
    }
    let mut c = compose::Composer::default();
    c.event(start)?;
    let root = loop {
        if let Some(node) = c.event(p.next()?)? {
            break node;
        }
    };
    // The document's end: go-yaml reads it, and with it the next token (which may be bad).
    p.next()?;
    if let Some(e) = c.error {
        return Err(e);
    }
    // sigs.k8s.io/yaml's JSON encoding fails before kubectl could send anything.
    if let Some((what, mark)) = root.bad_float {
        return Err(YamlError {
            problem: format!("unsupported value: {what}"),
            line: None,
            mark,
            source: "json",
            too_large: false,
        });
    }
    if let Some(mark) = c.too_large {
        return Err(YamlError::too_large(mark));
    }
    // The anchors' references go with the composer, so that what is not shared is moved out.
    drop(c);
    Ok(root.tree.into_value())
}

/// Where the first character libyaml's reader refuses is, if any.
fn control_character(text: &str) -> Option<Mark> {
    let mut mark = Mark::default();
    for c in text.chars() {
        if !matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        {
            return Some(mark);
        }
        mark.index += 1;
        if c == '\n' {
            mark.line += 1;
            mark.column = 0;
        } else {
            mark.column += 1;
        }
    }
    None
}

/// What go-yaml makes of a scalar.
#[derive(Debug, PartialEq)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str,
}

/// go-yaml's `resolve` for a scalar with `tag` (empty for a plain one): the type the text
/// has, and an error where an explicit `!!int`, `!!bool`, `!!float` or `!!null` does not fit.
/// `!!str` and other tags leave the text as it is.
// k8s-diff: go-yaml also checks `!!timestamp` values and decodes `!!binary` (base64); here both stay text.
fn resolve_tagged(tag: &str, text: &str) -> Result<Scalar, String> {
    let want = match tag.strip_prefix("tag:yaml.org,2002:") {
        _ if tag.is_empty() => "",
        Some(t @ ("bool" | "int" | "float" | "null")) => t,
        _ => return Ok(Scalar::Str),
    };
    let s = resolve(text);
    let got = match s {
        Scalar::Null => "null",
        Scalar::Bool(_) => "bool",
        Scalar::Int(_) | Scalar::Uint(_) => "int",
        Scalar::Float(_) => "float",
        Scalar::Str => "str",
    };
    if want.is_empty() || want == got || (want == "float" && got == "int") {
        Ok(s)
    } else {
        Err(format!("cannot decode !!{got} `{text}` as a !!{want}"))
    }
}

/// go-yaml v2's implicit types of plain scalars (YAML 1.1): null, booleans, integers in any
/// base Go's `ParseInt` reads (`0x1F`, `0o17`, `017`, with `_`), floats (`1e3`, `.inf`).
fn resolve(text: &str) -> Scalar {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        // k8s-diff: go-yaml v2 also reads `y`, `Y`, `n` and `N` as booleans; here they stay
        // strings (a pod named `n` is fine).
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Scalar::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let float = |t: &str| match t.parse::<f64>() {
        Ok(f) if is_float(t.as_bytes()) && f.is_finite() => Scalar::Float(f),
        _ => Scalar::Str,
    };
    match text.as_bytes().first() {
        Some(b'.') => float(text),
        Some(b'0'..=b'9' | b'+' | b'-') => {
            let plain = text.replace('_', "");
            if let Some(i) = parse_int(&plain) {
                Scalar::Int(i)
            } else if let Some(u) = parse_uint(&plain) {
                Scalar::Uint(u)
            } else {
                float(&plain)
            }
        }
        _ => Scalar::Str,
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`: `0x`, `0o`, `0b` prefixes, a leading `0` for octal.
fn parse_uint(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let (base, digits) = match b {
        [] => return None,
        [b'0', b'b' | b'B', ..] if b.len() >= 3 => (2, &b[2..]),
        [b'0', b'o' | b'O', ..] if b.len() >= 3 => (8, &b[2..]),
        [b'0', b'x' | b'X', ..] if b.len() >= 3 => (16, &b[2..]),
        [b'0', rest @ ..] => (8, rest),
        _ => (10, b),
    };
    digits.iter().try_fold(0u64, |n, &c| {
        let d = char::from(c).to_digit(36).filter(|&d| d < base)?;
        n.checked_mul(u64::from(base))?.checked_add(u64::from(d))
    })
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
fn parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint(rest)?;
    match (neg, u) {
        (false, u) if u < 1 << 63 => Some(u as i64),
        (true, u) if u <= 1 << 63 => Some((u as i64).wrapping_neg()),
        _ => None,
    }
}

/// go-yaml's float pattern: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
fn is_float(s: &[u8]) -> bool {
    let mut i = usize::from(matches!(s.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let from = *i;
        while s.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > from
    };
    if s.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    } else {
        if !digits(&mut i) {
            return false;
        }
        if s.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == s.len()
}

#[cfg(test)]
mod tests;
