//! YAML to JSON the way kubectl reads manifests: sigs.k8s.io/yaml over go-yaml v2.
//!
//! The scanner and parser are ports of libyaml's as go-yaml v2.4.0 has them, so a broken
//! manifest gets go-yaml's words and line (`yaml: line 7: did not find expected key`). This
//! file builds the value from their events with an explicit stack (no recursion: wasm's stack
//! is small) and decodes scalars as go-yaml does for `interface{}`: YAML 1.1 (`0644` is octal,
//! `on` is true), then as sigs.k8s.io/yaml turns the result into JSON (keys become strings,
//! whole floats become integers, `.nan` cannot be JSON).
//!
//! Only the first document of the text is read, as go-yaml's `Unmarshal` does; callers split
//! files on `---` themselves.

mod parser;
mod scanner;

use crate::support::collections::VecMap;
use parser::{Ev, Event, Parser};
use serde_json::{Map, Value};
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
}

impl YamlError {
    /// A scanner or parser error, with go-yaml's choice of line: the problem's line (counted
    /// from 1 for scanner errors only), else the context's line, else none when it is 0.
    pub(super) fn syntax(scanner: bool, context_mark: Mark, problem_mark: Mark, problem: &str) -> YamlError {
        let line = if problem_mark.line != 0 { problem_mark.line + usize::from(scanner) } else { context_mark.line };
        YamlError { problem: problem.into(), line: (line != 0).then_some(line), mark: problem_mark, source: "yaml" }
    }

    /// A problem found while decoding the parsed document (go-yaml names no line for these).
    fn decode(problem: String, mark: Mark) -> YamlError {
        YamlError { problem, line: None, mark, source: "yaml" }
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
    if p.next()?.kind != Ev::DocumentStart {
        return Ok(Value::Null);
    }
    let mut c = Composer::default();
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
    match root.bad_float {
        Some((what, mark)) => {
            Err(YamlError { problem: format!("unsupported value: {what}"), line: None, mark, source: "json" })
        }
        None => Ok(root.value),
    }
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

/// What a node means as a mapping key.
#[derive(Clone, Debug)]
enum Key {
    /// The value's own text: a string, or an integer, boolean or `null` written out.
    Plain,
    /// This text (a float as Go formats it; any key once it is waiting for its value).
    Text(String),
    /// `<<`: merge the value's mappings in.
    Merge,
    /// A collection: go-yaml refuses it.
    Invalid,
}

/// A finished node on its way into its parent.
#[derive(Clone, Debug)]
struct Node {
    value: Value,
    key: Key,
    /// Nodes in it (itself, keys and values, aliases' copies), for go-yaml's alias limit.
    nodes: usize,
    /// How many collections deep it is (0 for a scalar).
    height: usize,
    /// The first float in it that JSON cannot hold (kept as `null` in `value`).
    bad_float: Option<(&'static str, Mark)>,
    /// Where it starts.
    mark: Mark,
}

enum Collection {
    Seq(Vec<Value>),
    /// The mapping so far and the key waiting for its value.
    Map(Map<String, Value>, Option<Key>),
}

/// A collection being read.
struct Frame {
    items: Collection,
    /// Its anchor, and the id that tells whether the name still refers to it.
    anchor: Option<(String, usize)>,
    nodes: usize,
    height: usize,
    bad_float: Option<(&'static str, Mark)>,
    mark: Mark,
}

enum Anchor {
    /// Named by a collection still being read.
    Open(usize),
    Done(Node),
}

/// Builds the value from events.
#[derive(Default)]
struct Composer {
    stack: Vec<Frame>,
    anchors: VecMap<String, Anchor>,
    next_id: usize,
    /// Nodes decoded so far, and how many of them came from aliases.
    decoded: usize,
    aliased: usize,
    /// The first decoding error: go-yaml decodes after parsing, so a syntax error further on
    /// wins over it.
    error: Option<YamlError>,
}

impl Composer {
    /// Takes one event; returns the document's root node when it is complete.
    fn event(&mut self, mut ev: Event) -> Result<Option<Node>, YamlError> {
        let node = match ev.kind {
            Ev::Scalar => {
                self.decoded += 1;
                let anchor = ev.anchor.take();
                let node = self.scalar(ev);
                if let Some(name) = anchor {
                    self.anchors.insert(name, Anchor::Done(node.clone()));
                }
                node
            }
            Ev::Alias => {
                self.decoded += 1;
                self.alias(ev)?
            }
            Ev::SequenceStart | Ev::MappingStart => {
                self.decoded += 1;
                if self.stack.len() >= MAX_DEPTH {
                    return Err(YamlError::syntax(
                        true,
                        ev.start,
                        ev.start,
                        &format!("exceeded max depth of {MAX_DEPTH}"),
                    ));
                }
                let anchor = ev.anchor.map(|name| {
                    self.next_id += 1;
                    self.anchors.insert(name.clone(), Anchor::Open(self.next_id));
                    (name, self.next_id)
                });
                let items = if ev.kind == Ev::SequenceStart {
                    Collection::Seq(Vec::new())
                } else {
                    Collection::Map(Map::new(), None)
                };
                self.stack.push(Frame { items, anchor, nodes: 1, height: 0, bad_float: None, mark: ev.start });
                return Ok(None);
            }
            Ev::SequenceEnd | Ev::MappingEnd => {
                let Some(f) = self.stack.pop() else { return Ok(None) };
                let value = match f.items {
                    Collection::Seq(items) => Value::Array(items),
                    Collection::Map(map, _) => Value::Object(map),
                };
                let node = Node {
                    value,
                    key: Key::Invalid,
                    nodes: f.nodes,
                    height: f.height + 1,
                    bad_float: f.bad_float,
                    mark: f.mark,
                };
                if let Some((name, id)) = f.anchor {
                    if matches!(self.anchors.get(&name), Some(Anchor::Open(open)) if *open == id) {
                        self.anchors.insert(name, Anchor::Done(node.clone()));
                    }
                }
                node
            }
            Ev::StreamStart | Ev::StreamEnd | Ev::DocumentStart | Ev::DocumentEnd => return Ok(None),
        };
        Ok(self.add(node))
    }

    /// Records a decoding error unless there is one already.
    fn fail(&mut self, problem: String, mark: Mark) {
        if self.error.is_none() {
            self.error = Some(YamlError::decode(problem, mark));
        }
    }

    fn scalar(&mut self, ev: Event) -> Node {
        let mut node =
            Node { value: Value::Null, key: Key::Plain, nodes: 1, height: 0, bad_float: None, mark: ev.start };
        if ev.value == "<<" && (ev.implicit || ev.tag == "tag:yaml.org,2002:merge") {
            node.key = Key::Merge;
        }
        let scalar = if ev.tag.is_empty() && !ev.implicit {
            Scalar::Str
        } else {
            resolve_tagged(&ev.tag, &ev.value).unwrap_or_else(|problem| {
                self.fail(problem, ev.start);
                Scalar::Str
            })
        };
        node.value = match scalar {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::from(i),
            Scalar::Uint(u) => Value::from(u),
            Scalar::Float(f) => {
                node.key = Key::Text(crate::support::gofmt::go_float(f));
                if f.is_nan() || f.is_infinite() {
                    node.bad_float = Some((
                        if f.is_nan() {
                            "NaN"
                        } else if f > 0.0 {
                            "+Inf"
                        } else {
                            "-Inf"
                        },
                        ev.start,
                    ));
                    Value::Null
                } else if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    // encoding/json writes it without a fraction; read back, it is an integer.
                    Value::from(f as i64)
                } else {
                    Value::from(f)
                }
            }
            Scalar::Str => Value::String(ev.value),
        };
        node
    }

    fn alias(&mut self, ev: Event) -> Result<Node, YamlError> {
        let name = ev.anchor.unwrap_or_default();
        let stand_in =
            Node { value: Value::Null, key: Key::Plain, nodes: 1, height: 0, bad_float: None, mark: ev.start };
        let (height, nodes) = match self.anchors.get(&name) {
            None => return Err(YamlError::decode(format!("unknown anchor '{name}' referenced"), ev.start)),
            Some(Anchor::Open(_)) => (0, 0),
            Some(Anchor::Done(node)) => (node.height, node.nodes),
        };
        if nodes == 0 {
            self.fail(format!("anchor '{name}' value contains itself"), ev.start);
        }
        if self.stack.len() + height > MAX_DEPTH {
            return Err(YamlError::syntax(true, ev.start, ev.start, &format!("exceeded max depth of {MAX_DEPTH}")));
        }
        // go-yaml's limit on documents that grow by aliases (a "billion laughs").
        let (decoded, aliased) = (self.decoded + nodes, self.aliased + nodes);
        let allowed = if decoded <= 400_000 {
            0.99
        } else if decoded >= 4_000_000 {
            0.10
        } else {
            0.99 - 0.89 * ((decoded - 400_000) as f64 / 3_600_000.0)
        };
        if aliased > 100 && decoded > 1000 && aliased as f64 / decoded as f64 > allowed {
            self.fail("document contains excessive aliasing".into(), ev.start);
        }
        let (false, Some(Anchor::Done(anchored))) = (self.error.is_some(), self.anchors.get(&name)) else {
            return Ok(stand_in);
        };
        let mut node = anchored.clone();
        (self.decoded, self.aliased) = (decoded, aliased);
        node.nodes += 1;
        node.mark = ev.start;
        if let Key::Merge = node.key {
            node.key = Key::Text("<<".into());
        }
        Ok(node)
    }

    /// Puts a finished node into the collection being read; returns it if it is the root.
    fn add(&mut self, node: Node) -> Option<Node> {
        let Some(f) = self.stack.last_mut() else { return Some(node) };
        f.nodes += node.nodes;
        f.height = f.height.max(node.height);
        let mut problem = None;
        let is_value = match &mut f.items {
            Collection::Seq(items) => {
                items.push(node.value);
                true
            }
            Collection::Map(map, pending) => match pending.take() {
                None => {
                    *pending = Some(match node.key {
                        // sigs.k8s.io/yaml writes integer, boolean (and here null) keys out.
                        Key::Plain => Key::Text(match node.value {
                            Value::String(s) => s,
                            other => other.to_string(),
                        }),
                        Key::Invalid => {
                            problem = Some(format!("invalid map key: {}", go_syntax(&node.value)));
                            Key::Invalid
                        }
                        key => key,
                    });
                    false
                }
                Some(Key::Text(k)) => {
                    map.insert(k, node.value);
                    true
                }
                Some(Key::Merge) => {
                    problem = merge(map, node.value).err();
                    true
                }
                Some(Key::Invalid | Key::Plain) => true,
            },
        };
        if is_value && f.bad_float.is_none() {
            f.bad_float = node.bad_float;
        }
        if let Some(p) = problem {
            self.fail(p, node.mark);
        }
        None
    }
}

/// go-yaml v2's merge (`<<`): a mapping, or a list of them (earlier ones win), whose keys
/// overwrite the ones set before it; keys after it overwrite them in turn.
fn merge(map: &mut Map<String, Value>, v: Value) -> Result<(), String> {
    let maps: Vec<Value> = match v {
        Value::Object(_) => vec![v],
        Value::Array(items) if items.iter().all(Value::is_object) => items.into_iter().rev().collect(),
        _ => return Err("map merge requires map or sequence of maps as the value".into()),
    };
    for m in maps {
        if let Value::Object(m) = m {
            map.extend(m);
        }
    }
    Ok(())
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

/// A value as Go's `%#v` shows the `interface{}` go-yaml decoded (for "invalid map key").
fn go_syntax(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".into(),
        Value::String(s) => Value::String(s.clone()).to_string(),
        Value::Array(items) => {
            format!("[]interface {{}}{{{}}}", items.iter().map(go_syntax).collect::<Vec<_>>().join(", "))
        }
        Value::Object(m) => format!(
            "map[interface {{}}]interface {{}}{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}:{}", go_syntax(&Value::String(k.clone())), go_syntax(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
