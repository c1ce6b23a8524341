//! Builds the document's value from the parser's events, as go-yaml v2's decoder does for
//! `interface{}`, in bounded time and memory on any input.
//!
//! go-yaml keeps the parsed node tree and decodes an alias by decoding its anchor's node again;
//! its only bound is the share of decoded nodes that come from aliases (`allowedAliasRatio`,
//! "document contains excessive aliasing"). Here a collection is built once and shared: an
//! anchor and every alias of it hold one reference (`Rc`), so nested anchors and aliases cost
//! nothing until the end, where the value is copied out once (`into_value`), after the
//! counts go-yaml checks and the size of the JSON it would make are known to be within bounds.
//! Anchors are found by name in a sorted map, in logarithmic time.

use super::parser::{Ev, Event};
use super::{resolve_tagged, Mark, Scalar, YamlError, MAX_DEPTH};
use serde_json::{Map, Value};
use std::rc::Rc;

/// The most JSON that aliases may add to a document, in bytes: the API server's limit on a
/// request's body (`MaxRequestBodyBytes`, 3 MiB). A document whose aliases alone expand past it
/// cannot be sent to a cluster.
pub const MAX_ALIASED_BYTES: usize = 3 * 1024 * 1024;

/// A decoded value whose collections may be shared.
#[derive(Clone, Debug)]
pub(super) enum Tree {
    /// A scalar (or `null` standing in for what could not be decoded).
    Leaf(Value),
    Seq(Rc<Shared<Vec<Tree>>>),
    /// A mapping's entries in the order go-yaml sets them: a key given again (or merged in
    /// again) is a later entry, and the later one wins when the value is copied out.
    Map(Rc<Entries>),
}

/// A mapping's entries, shared.
pub(super) type Entries = Shared<Vec<(String, Tree)>>;

/// A collection and the length of the JSON it makes.
#[derive(Debug)]
pub(super) struct Shared<T> {
    items: T,
    bytes: usize,
}

impl Tree {
    /// The length of the compact JSON it makes (as Go's encoding/json writes it; a mapping
    /// with a key given twice counts both entries).
    fn bytes(&self) -> usize {
        match self {
            Tree::Leaf(v) => scalar_bytes(v),
            Tree::Seq(s) => s.bytes,
            Tree::Map(m) => m.bytes,
        }
    }

    /// The value, copying shared collections and moving the rest. Recursion is bounded: a
    /// document is at most `MAX_DEPTH` collections deep, aliases included.
    pub(super) fn into_value(self) -> Value {
        match self {
            Tree::Leaf(v) => v,
            // `into_iter().map().collect()` reuses the vector's memory (same size of item).
            Tree::Seq(s) => Value::Array(match Rc::try_unwrap(s) {
                Ok(s) => s.items.into_iter().map(Tree::into_value).collect(),
                Err(s) => s.items.iter().map(|t| t.clone().into_value()).collect(),
            }),
            Tree::Map(m) => {
                let mut map = Map::new();
                match Rc::try_unwrap(m) {
                    Ok(m) => m.items.into_iter().for_each(|(k, t)| {
                        map.insert(k, t.into_value());
                    }),
                    Err(m) => m.items.iter().for_each(|(k, t)| {
                        map.insert(k.clone(), t.clone().into_value());
                    }),
                }
                Value::Object(map)
            }
        }
    }
}

/// The length of a scalar's JSON as Go's encoding/json writes it.
fn scalar_bytes(v: &Value) -> usize {
    match v {
        Value::Null | Value::Bool(true) => 4,
        Value::Bool(false) => 5,
        Value::Number(n) => n.to_string().len(),
        Value::String(s) => string_bytes(s),
        // Collections are never leaves.
        Value::Array(_) | Value::Object(_) => 2,
    }
}

/// A JSON string's length, quotes included, with Go's escapes (`\u003c` for `<`, `>`, `&`).
fn string_bytes(s: &str) -> usize {
    2 + s
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' => 2,
            '\0'..='\x1f' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
            c => c.len_utf8(),
        })
        .sum::<usize>()
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
pub(super) struct Node {
    pub tree: Tree,
    key: Key,
    /// Nodes in it (itself, keys and values, aliases' copies), as go-yaml's decoder counts them.
    nodes: usize,
    /// How many collections deep it is (0 for a scalar).
    height: usize,
    /// The first float in it that JSON cannot hold (kept as `null` in the tree).
    pub bad_float: Option<(&'static str, Mark)>,
    /// Where it starts.
    mark: Mark,
}

impl Node {
    /// A `null` scalar at `mark`, counted as one node: a scalar's start, or an alias's stand-in.
    fn null_at(mark: Mark) -> Node {
        Node { tree: Tree::Leaf(Value::Null), key: Key::Plain, nodes: 1, height: 0, bad_float: None, mark }
    }
}

enum Collection {
    Seq(Vec<Tree>),
    /// The entries so far and the key waiting for its value.
    Map(Vec<(String, Tree)>, Option<Key>),
}

/// A collection being read.
struct Frame {
    items: Collection,
    /// Its anchor's slot, if it has one.
    anchor: Option<usize>,
    nodes: usize,
    height: usize,
    /// The JSON of its items so far (keys and their colons included), without brackets and commas.
    bytes: usize,
    bad_float: Option<(&'static str, Mark)>,
    mark: Mark,
}

enum Anchor {
    /// Named by a collection still being read (an alias to it is go-yaml's "contains itself").
    Open,
    Done(Node),
}

/// Builds the value from events.
#[derive(Default)]
pub(super) struct Composer {
    stack: Vec<Frame>,
    /// Each anchor name's slot in `slots`, as a number: serde_json's `Map` is the one sorted
    /// map of strings the program already has (another key type would add a B-tree to the page).
    names: Map<String, Value>,
    slots: Vec<Anchor>,
    /// go-yaml's decoder's counts: nodes decoded so far, and how many of them came from aliases.
    decoded: usize,
    aliased: usize,
    /// The JSON that aliases have added so far.
    aliased_bytes: usize,
    /// The first decoding error: go-yaml decodes after parsing, so a syntax error further on
    /// wins over it.
    pub error: Option<YamlError>,
    /// Where the aliases' JSON first passed `MAX_ALIASED_BYTES`; from there on aliases are
    /// counted, not built.
    pub too_large: Option<Mark>,
}

impl Composer {
    /// Takes one event; returns the document's root node when it is complete.
    pub fn event(&mut self, mut ev: Event) -> Result<Option<Node>, YamlError> {
        let node = match ev.kind {
            Ev::Scalar => {
                if !(self.merge_key_next() && is_merge(&ev)) {
                    self.count(ev.start);
                }
                let anchor = ev.anchor.take();
                let node = self.scalar(ev);
                if let Some(name) = anchor {
                    let slot = self.name_slot(name);
                    self.slots[slot] = Anchor::Done(node.clone());
                }
                node
            }
            Ev::Alias => {
                self.count(ev.start);
                self.alias(ev)?
            }
            Ev::SequenceStart | Ev::MappingStart => {
                self.start(ev)?;
                return Ok(None);
            }
            Ev::SequenceEnd | Ev::MappingEnd => {
                let Some(f) = self.stack.pop() else { return Ok(None) };
                let anchor = f.anchor;
                let node = close(f);
                if let Some(slot) = anchor {
                    self.slots[slot] = Anchor::Done(node.clone());
                }
                node
            }
            Ev::DocumentStart => {
                // go-yaml decodes the document node too.
                self.count(ev.start);
                return Ok(None);
            }
            Ev::StreamStart | Ev::StreamEnd | Ev::DocumentEnd => return Ok(None),
        };
        Ok(self.add(node))
    }

    /// A collection starts.
    fn start(&mut self, ev: Event) -> Result<(), YamlError> {
        // go-yaml decodes the items of a merged sequence (`<<: [*a, *b]`), not the sequence.
        if !(ev.kind == Ev::SequenceStart && self.merge_value_next()) {
            self.count(ev.start);
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError::syntax(true, ev.start, ev.start, &format!("exceeded max depth of {MAX_DEPTH}")));
        }
        let anchor = ev.anchor.map(|name| self.name_slot(name));
        if let Some(slot) = anchor {
            self.slots[slot] = Anchor::Open;
        }
        let items =
            if ev.kind == Ev::SequenceStart { Collection::Seq(Vec::new()) } else { Collection::Map(Vec::new(), None) };
        self.stack.push(Frame { items, anchor, nodes: 1, height: 0, bytes: 0, bad_float: None, mark: ev.start });
        Ok(())
    }

    /// A new slot for an anchor `name` (a name given again names the later node from here on,
    /// as in go-yaml's parser).
    fn name_slot(&mut self, name: String) -> usize {
        self.slots.push(Anchor::Open);
        let slot = self.slots.len() - 1;
        self.names.insert(name, Value::from(slot));
        slot
    }

    /// Whether the next node is a mapping's key.
    fn merge_key_next(&self) -> bool {
        matches!(self.stack.last(), Some(Frame { items: Collection::Map(_, None), .. }))
    }

    /// Whether the next node is the value of a `<<` key.
    fn merge_value_next(&self) -> bool {
        matches!(self.stack.last(), Some(Frame { items: Collection::Map(_, Some(Key::Merge)), .. }))
    }

    /// go-yaml's `unmarshal` counts each node it decodes and checks the share that came from
    /// aliases as it goes; `more` nodes of an alias's anchor come at once.
    fn count(&mut self, mark: Mark) {
        self.decoded += 1;
        self.check_aliasing(mark);
    }

    /// go-yaml v2's `allowedAliasRatio` check (decode.go): 99% of up to 400,000 decoded nodes
    /// may come from aliases, falling to 10% at 4,000,000.
    fn check_aliasing(&mut self, mark: Mark) {
        let (decoded, aliased) = (self.decoded, self.aliased);
        let allowed = if decoded <= 400_000 {
            0.99
        } else if decoded >= 4_000_000 {
            0.10
        } else {
            0.99 - 0.89 * ((decoded - 400_000) as f64 / 3_600_000.0)
        };
        if aliased > 100 && decoded > 1000 && aliased as f64 / decoded as f64 > allowed {
            self.fail("document contains excessive aliasing".into(), mark);
        }
    }

    /// Records a decoding error unless there is one already.
    pub fn fail(&mut self, problem: String, mark: Mark) {
        if self.error.is_none() {
            self.error = Some(YamlError::decode(problem, mark));
        }
    }

    fn scalar(&mut self, ev: Event) -> Node {
        let mut node = Node::null_at(ev.start);
        if is_merge(&ev) {
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
        let value = match scalar {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::from(i),
            Scalar::Uint(u) => Value::from(u),
            Scalar::Float(f) => {
                node.key = Key::Text(crate::support::gofmt::go_float(f));
                float_value(f, ev.start, &mut node.bad_float)
            }
            Scalar::Str => Value::String(ev.value),
        };
        node.tree = Tree::Leaf(value);
        node
    }

    /// An alias: its anchor's node, shared. go-yaml decodes the anchor's nodes again, each one
    /// counted as aliased (the alias node itself is counted by `event`).
    fn alias(&mut self, ev: Event) -> Result<Node, YamlError> {
        let name = ev.anchor.unwrap_or_default();
        let stand_in = Node::null_at(ev.start);
        let slot = self.names.get(&name).and_then(Value::as_u64).map(|s| s as usize);
        let Some(anchor) = slot.and_then(|s| self.slots.get(s)) else {
            return Err(YamlError::decode(format!("unknown anchor '{name}' referenced"), ev.start));
        };
        let Anchor::Done(anchored) = anchor else {
            self.fail(format!("anchor '{name}' value contains itself"), ev.start);
            return Ok(stand_in);
        };
        if self.stack.len() + anchored.height > MAX_DEPTH {
            return Err(YamlError::syntax(true, ev.start, ev.start, &format!("exceeded max depth of {MAX_DEPTH}")));
        }
        let mut node = anchored.clone();
        if self.error.is_some() {
            return Ok(stand_in);
        }
        // The counts go on after the expansion has stopped (`too_large`): go-yaml would go on
        // decoding, and its own error, if any, is the one kubectl prints.
        self.decoded += node.nodes;
        self.aliased += node.nodes;
        self.check_aliasing(ev.start);
        self.aliased_bytes = self.aliased_bytes.saturating_add(node.tree.bytes());
        if self.aliased_bytes > MAX_ALIASED_BYTES && self.too_large.is_none() {
            self.too_large = Some(ev.start);
        }
        if self.error.is_some() {
            return Ok(stand_in);
        }
        if self.too_large.is_some() {
            // Not built: an empty one of its kind, so that a merge or a key of it still
            // gets go-yaml's verdict.
            node.tree = match node.tree {
                Tree::Leaf(_) => Tree::Leaf(Value::Null),
                Tree::Seq(_) => Tree::Seq(Rc::new(Shared { items: Vec::new(), bytes: 2 })),
                Tree::Map(_) => Tree::Map(Rc::new(Shared { items: Vec::new(), bytes: 2 })),
            };
        }
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
                f.bytes += node.tree.bytes();
                items.push(node.tree);
                true
            }
            Collection::Map(entries, pending) => match pending.take() {
                None => {
                    *pending = Some(match node.key {
                        // sigs.k8s.io/yaml writes integer, boolean (and here null) keys out.
                        Key::Plain => Key::Text(match node.tree {
                            Tree::Leaf(Value::String(s)) => s,
                            Tree::Leaf(other) => other.to_string(),
                            _ => String::new(),
                        }),
                        Key::Invalid => {
                            problem = Some(format!("invalid map key: {}", go_syntax(&node.tree.into_value())));
                            Key::Invalid
                        }
                        key => key,
                    });
                    false
                }
                Some(Key::Text(k)) => {
                    f.bytes += string_bytes(&k) + 1 + node.tree.bytes();
                    entries.push((k, node.tree));
                    true
                }
                Some(Key::Merge) => {
                    problem = merge(entries, &mut f.bytes, node.tree).err();
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

/// A finished collection.
fn close(f: Frame) -> Node {
    // Brackets, and a comma between items.
    let frame = |len: usize| f.bytes + 2 + len.saturating_sub(1);
    let tree = match f.items {
        Collection::Seq(items) => Tree::Seq(Rc::new(Shared { bytes: frame(items.len()), items })),
        Collection::Map(items, _) => Tree::Map(Rc::new(Shared { bytes: frame(items.len()), items })),
    };
    Node { tree, key: Key::Invalid, nodes: f.nodes, height: f.height + 1, bad_float: f.bad_float, mark: f.mark }
}

/// A `<<` key, as go-yaml's `isMerge` tells it: plain, or tagged `!!merge`.
fn is_merge(ev: &Event) -> bool {
    ev.value == "<<" && (ev.implicit || ev.tag == "tag:yaml.org,2002:merge")
}

/// A float's JSON: `null` (and the reason) for one JSON cannot hold; a whole one as an integer.
fn float_value(f: f64, mark: Mark, bad: &mut Option<(&'static str, Mark)>) -> Value {
    if f.is_nan() || f.is_infinite() {
        let what = if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "+Inf"
        } else {
            "-Inf"
        };
        *bad = Some((what, mark));
        Value::Null
    } else if f.fract() == 0.0 && f.abs() < 9.2e18 {
        // encoding/json writes it without a fraction; read back, it is an integer.
        Value::from(f as i64)
    } else {
        Value::from(f)
    }
}

/// go-yaml v2's merge (`<<`): a mapping, or a list of them (earlier ones win), whose keys
/// overwrite the ones set before it; keys after it overwrite them in turn.
fn merge(entries: &mut Vec<(String, Tree)>, bytes: &mut usize, tree: Tree) -> Result<(), String> {
    let maps: Vec<Rc<Entries>> = match tree {
        Tree::Map(m) => vec![m],
        Tree::Seq(s) if s.items.iter().all(|t| matches!(t, Tree::Map(_))) => s
            .items
            .iter()
            .rev()
            .filter_map(|t| match t {
                Tree::Map(m) => Some(m.clone()),
                _ => None,
            })
            .collect(),
        _ => return Err("map merge requires map or sequence of maps as the value".into()),
    };
    for m in maps {
        for (k, t) in &m.items {
            *bytes += string_bytes(k) + 1 + t.bytes();
            entries.push((k.clone(), t.clone()));
        }
    }
    Ok(())
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
