//! A step's checks, as data over the cluster and the terminal: an object exists or is gone, a
//! field read by kubectl's JSONPath equals or matches a value, pods matching a selector number
//! N and are Running and Ready with names matching a pattern, or the terminal printed a
//! pattern since the step began.

use super::format::{Node, Problem, Reader, Res};
use crate::sim::labels::Selector;
use crate::sim::{Kind, ObjKey, Sim};
use std::fmt;

/// An object a lesson names: `pod/web-0`, `sts/web` (kubectl's names for the kind).
#[derive(Clone, Debug, PartialEq)]
pub struct ObjRef {
    pub kind: Kind,
    pub name: String,
    /// `None`: the session's namespace.
    pub namespace: Option<String>,
    /// As the lesson wrote it.
    pub typed: String,
}

impl ObjRef {
    /// Reads `KIND/NAME`.
    pub(super) fn read(r: &Reader, node: &Node, namespace: Option<String>) -> Res<ObjRef> {
        let typed = r.string(node)?;
        let (kind, name) = typed
            .split_once('/')
            .filter(|(k, n)| !k.is_empty() && !n.is_empty() && !n.contains('/'))
            .ok_or_else(|| r.fail(node, Problem::NotAnObject(typed.clone())))?;
        let kind = Kind::from_arg(kind).ok_or_else(|| r.fail(node, Problem::UnknownKind(kind.to_string())))?;
        Ok(ObjRef { kind, name: name.to_string(), namespace, typed: typed.clone() })
    }

    /// The object's key, in the namespace the session uses when none is named.
    pub fn key(&self, namespace: &str) -> ObjKey {
        ObjKey::new(self.kind, self.namespace.as_deref().unwrap_or(namespace), &self.name)
    }
}

/// A regular expression, as written and compiled.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub text: String,
    re: regex_lite::Regex,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.text == other.text
    }
}

impl Pattern {
    /// `^` and `$` match at each line's ends; `whole`: the pattern must match all of the text.
    /// Its compiled size and nesting are bounded as grep's are (`programs::text::posix`).
    fn read(r: &Reader, node: &Node, whole: bool) -> Res<Pattern> {
        let text = r.scalar(node)?;
        let source = if whole { format!("^(?:{text})$") } else { format!("(?m){text}") };
        let re = regex_lite::RegexBuilder::new(&source)
            .size_limit(1 << 20)
            .nest_limit(200)
            .build()
            .map_err(|e| r.fail(node, Problem::BadRegex { pattern: text.clone(), reason: e.to_string() }))?;
        Ok(Pattern { text, re })
    }

    pub fn is_match(&self, s: &str) -> bool {
        self.re.is_match(s)
    }
}

/// What a field must be.
#[derive(Clone, Debug, PartialEq)]
pub enum Want {
    Equals(String),
    Matches(Pattern),
}

/// One check of a step.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    Exists(ObjRef),
    Gone(ObjRef),
    Field { object: ObjRef, path: String, want: Want },
    Pods(PodsCheck),
    Output(Pattern),
}

/// `pods: {selector, count, running, ready, names}`.
#[derive(Clone, Debug, PartialEq)]
pub struct PodsCheck {
    pub namespace: Option<String>,
    pub selector: Selector,
    pub selector_text: String,
    /// How many pods match (Terminating ones too, as `kubectl get pods` lists them); `None`:
    /// at least one.
    pub count: Option<u64>,
    /// `Some(true)`: every one is Running (and not Terminating); `Some(false)`: none is.
    pub running: Option<bool>,
    /// `Some(true)`: every one is Ready (and not Terminating); `Some(false)`: none is.
    pub ready: Option<bool>,
    /// A pattern every pod's whole name matches.
    pub names: Option<Pattern>,
}

/// What a check looks at.
pub struct Observed<'a> {
    pub sim: &'a Sim,
    /// The session's namespace (`default` unless the context names another).
    pub namespace: &'a str,
    /// What the terminals printed since the step began.
    pub output: &'a str,
}

impl<'a> Observed<'a> {
    /// A session's cluster in its namespace, with what was printed since the step began.
    pub fn of(session: &'a crate::lab::session::Session, output: &'a str) -> Observed<'a> {
        Observed { sim: &session.sim, namespace: session.namespace(), output }
    }
}

/// Reads one item of a step's `check:` list.
pub(super) fn read(r: &Reader, node: &Node) -> Res<Check> {
    r.map(node, &["exists", "gone", "field", "pods", "output", "namespace"])?;
    let namespace = r.get(node, "namespace").map(|n| r.string(&n)).transpose()?;
    let present: Vec<Node> =
        ["exists", "gone", "field", "pods", "output"].iter().filter_map(|k| r.get(node, k)).collect();
    let [one] = present.as_slice() else { return Err(r.fail(node, Problem::CheckShape)) };
    let Some(crate::manifest::Seg::Key(which)) = one.path.last() else { return Err(r.fail(node, Problem::CheckShape)) };
    match which.as_str() {
        "exists" => Ok(Check::Exists(ObjRef::read(r, one, namespace)?)),
        "gone" => Ok(Check::Gone(ObjRef::read(r, one, namespace)?)),
        "field" => read_field(r, one, namespace),
        "pods" => read_pods(r, one, namespace),
        _ => {
            r.map(one, &["matches"])?;
            Ok(Check::Output(Pattern::read(r, &r.need(one, "matches")?, false)?))
        }
    }
}

/// The brace that opens a JSONPath action (named, so that counters reading the source as text
/// see where `read_field` ends).
const OPEN_ACTION: char = '{';

fn read_field(r: &Reader, node: &Node, namespace: Option<String>) -> Res<Check> {
    r.map(node, &["object", "path", "equals", "matches"])?;
    let object = ObjRef::read(r, &r.need(node, "object")?, namespace)?;
    let path_node = r.need(node, "path")?;
    let path = r.string(&path_node)?;
    let braced = if path.contains(OPEN_ACTION) {
        Ok(())
    } else {
        Err("write it in braces, as -o jsonpath reads it: {.status.phase}".to_string())
    };
    braced
        .and_then(|()| crate::kubectl::jsonpath::validate(&path))
        .map_err(|reason| r.fail(&path_node, Problem::BadJsonPath { path: path.clone(), reason }))?;
    let want = match (r.get(node, "equals"), r.get(node, "matches")) {
        (Some(e), None) => Want::Equals(r.scalar(&e)?),
        (None, Some(m)) => Want::Matches(Pattern::read(r, &m, false)?),
        _ => return Err(r.fail(node, Problem::FieldShape)),
    };
    Ok(Check::Field { object, path, want })
}

fn read_pods(r: &Reader, node: &Node, namespace: Option<String>) -> Res<Check> {
    r.map(node, &["selector", "count", "running", "ready", "names"])?;
    let selector_text = r.get(node, "selector").map(|s| r.string(&s)).transpose()?.unwrap_or_default();
    let selector = Selector::parse(&selector_text).map_err(|reason| {
        let at = r.get(node, "selector").unwrap_or_else(|| node.clone());
        r.fail(&at, Problem::BadSelector { selector: selector_text.clone(), reason })
    })?;
    let flag = |k: &str| r.get(node, k).map(|n| r.boolean(&n)).transpose();
    Ok(Check::Pods(PodsCheck {
        namespace,
        selector,
        selector_text,
        count: r.get(node, "count").map(|n| r.number(&n)).transpose()?,
        running: flag("running")?,
        ready: flag("ready")?,
        names: r.get(node, "names").map(|n| Pattern::read(r, &n, true)).transpose()?,
    }))
}

impl Check {
    /// Whether the check holds now.
    pub fn holds(&self, o: &Observed) -> bool {
        self.observe(o).is_ok()
    }

    /// Whether the check holds now; when not, what was seen instead.
    pub fn observe(&self, o: &Observed) -> Result<(), String> {
        match self {
            Check::Exists(obj) => match o.sim.store.get(&obj.key(o.namespace)) {
                Some(_) => Ok(()),
                None => Err(format!("{} does not exist", obj.typed)),
            },
            Check::Gone(obj) => match o.sim.store.get(&obj.key(o.namespace)) {
                None => Ok(()),
                Some(_) => Err(format!("{} still exists", obj.typed)),
            },
            Check::Field { object, path, want } => field(o, object, path, want),
            Check::Pods(p) => p.observe(o),
            Check::Output(p) if p.is_match(o.output) => Ok(()),
            Check::Output(_) => Err("the terminal has not printed it since the step began".into()),
        }
    }
}

fn field(o: &Observed, object: &ObjRef, path: &str, want: &Want) -> Result<(), String> {
    let obj = o.sim.store.get(&object.key(o.namespace)).ok_or_else(|| format!("{} does not exist", object.typed))?;
    let got = crate::kubectl::jsonpath::template(path, obj)?;
    let ok = match want {
        Want::Equals(v) => got == *v,
        Want::Matches(p) => p.is_match(&got),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{path} of {} is \"{got}\"", object.typed))
    }
}

impl PodsCheck {
    fn observe(&self, o: &Observed) -> Result<(), String> {
        let ns = self.namespace.as_deref().unwrap_or(o.namespace);
        let pods: Vec<&serde_json::Value> =
            o.sim.store.list(Kind::Pod, Some(ns)).map(|(_, p)| p).filter(|p| self.selector.matches_obj(p)).collect();
        let seen = || describe_pods(&pods);
        let count_ok = match self.count {
            Some(n) => pods.len() as u64 == n,
            None => !pods.is_empty(),
        };
        let running = |p: &serde_json::Value| {
            crate::sim::obj::str_at(p, "/status/phase") == Some("Running") && !crate::sim::obj::is_deleting(p)
        };
        let ready =
            |p: &serde_json::Value| crate::sim::obj::condition_true(p, "Ready") && !crate::sim::obj::is_deleting(p);
        let all_or_none = |want: Option<bool>, f: &dyn Fn(&serde_json::Value) -> bool| match want {
            None => true,
            Some(w) => pods.iter().all(|p| f(p) == w),
        };
        let names_ok = self.names.as_ref().is_none_or(|re| pods.iter().all(|p| re.is_match(crate::sim::obj::name(p))));
        if count_ok && all_or_none(self.running, &running) && all_or_none(self.ready, &ready) && names_ok {
            Ok(())
        } else {
            Err(seen())
        }
    }
}

/// `2 pods: web-0 Running Ready, web-1 Pending`.
fn describe_pods(pods: &[&serde_json::Value]) -> String {
    if pods.is_empty() {
        return "no pod matches".into();
    }
    let each: Vec<String> = pods
        .iter()
        .map(|p| {
            let mut s = crate::sim::obj::name(p).to_string();
            if crate::sim::obj::is_deleting(p) {
                s.push_str(" Terminating");
            } else {
                s.push(' ');
                s.push_str(crate::sim::obj::str_at(p, "/status/phase").unwrap_or("Pending"));
                if crate::sim::obj::condition_true(p, "Ready") {
                    s.push_str(" Ready");
                }
            }
            s
        })
        .collect();
    format!("{} pod(s): {}", pods.len(), each.join(", "))
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = |n: &Option<String>| n.as_ref().map(|n| format!(" in {n}")).unwrap_or_default();
        match self {
            Check::Exists(o) => write!(f, "exists: {}{}", o.typed, ns(&o.namespace)),
            Check::Gone(o) => write!(f, "gone: {}{}", o.typed, ns(&o.namespace)),
            Check::Field { object, path, want: Want::Equals(v) } => {
                write!(f, "field: {path} of {}{} equals \"{v}\"", object.typed, ns(&object.namespace))
            }
            Check::Field { object, path, want: Want::Matches(p) } => {
                write!(f, "field: {path} of {}{} matches /{}/", object.typed, ns(&object.namespace), p.text)
            }
            Check::Pods(p) => {
                write!(f, "pods: \"{}\"{}", p.selector_text, ns(&p.namespace))?;
                if let Some(n) = p.count {
                    write!(f, " count {n}")?;
                }
                let flag = |w: Option<bool>, yes: &'static str, no: &'static str| match w {
                    Some(true) => yes,
                    Some(false) => no,
                    None => "",
                };
                write!(f, "{}{}", flag(p.running, " running", " not running"), flag(p.ready, " ready", " not ready"))?;
                match &p.names {
                    Some(re) => write!(f, " names /{}/", re.text),
                    None => Ok(()),
                }
            }
            Check::Output(p) => write!(f, "output: matches /{}/", p.text),
        }
    }
}
