//! Reading a lesson file: the YAML is read with the project's reader, then walked key by key
//! against the format (`lessons/README.md`). Every mistake is a [`LessonError`] that names
//! the file, the line and the column of the key that is wrong, never a panic.

use super::check::{self, Check, ObjRef};
use super::markdown::{self, Block};
use super::{Both, Choice, Lesson, Predict, Step};
use crate::manifest::Seg;
use serde_json::{Map, Value};

/// Longest lesson file read, in bytes.
pub const MAX_FILE_BYTES: usize = 512 * 1024;
/// Longest text of one field (narration, a question), in characters: the Markdown reader's
/// work grows with its square.
pub const MAX_TEXT_CHARS: usize = 8000;
/// Most steps a lesson may have.
pub const MAX_STEPS: usize = 200;

/// A mistake in a lesson file, where it is: `lessons/NAME.yaml:LINE:COL: what is wrong`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {problem}")]
pub struct LessonError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub problem: Problem,
}

/// What is wrong with a lesson file.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Problem {
    #[error("the YAML does not read: {0}")]
    Yaml(String),
    #[error("the file is larger than {MAX_FILE_BYTES} bytes")]
    TooLarge,
    #[error("unknown key \"{key}\" (expected {expected})")]
    UnknownKey { key: String, expected: String },
    #[error("missing key \"{0}\"")]
    MissingKey(String),
    #[error("missing the \"{0}\" text: write every text in both ko and en")]
    MissingLanguage(&'static str),
    #[error("{what} must be {expected}, not {found}")]
    WrongType { what: String, expected: &'static str, found: &'static str },
    #[error("bad regular expression \"{pattern}\": {reason}")]
    BadRegex { pattern: String, reason: String },
    #[error("bad JSONPath \"{path}\": {reason}")]
    BadJsonPath { path: String, reason: String },
    #[error("bad label selector \"{selector}\": {reason}")]
    BadSelector { selector: String, reason: String },
    #[error("unknown kind \"{0}\" (write it as kubectl does: pod/web-0, sts/web, svc/nginx, pvc/www-web-0)")]
    UnknownKind(String),
    #[error("\"{0}\" is not KIND/NAME (write pod/web-0, sts/web)")]
    NotAnObject(String),
    #[error("a lesson needs at least one step")]
    EmptySteps,
    #[error("a lesson has at most {MAX_STEPS} steps")]
    TooManySteps,
    #[error("a step needs at least one check")]
    EmptyChecks,
    #[error("a check has exactly one of exists, gone, field, pods, output")]
    CheckShape,
    #[error("a field check has exactly one of equals, matches")]
    FieldShape,
    #[error("a question needs at least two choices")]
    TooFewChoices,
    #[error("no choice of this question is marked correct: true")]
    NoCorrectChoice,
    #[error("link \"{0}\" is not a web address (https://...)")]
    BadLink(String),
    #[error("\"{0}\" is not a lesson id (lowercase letters, digits and -)")]
    BadId(String),
    #[error("\"{0}\" is not a file name in lessons/files/")]
    BadFileName(String),
    #[error("a run line is a terminal line: not empty, not an @directive")]
    BadRunLine,
    #[error("the text is longer than {MAX_TEXT_CHARS} characters")]
    TextTooLong,
}

/// A value of the document and where it sits.
#[derive(Clone)]
pub(super) struct Node<'v> {
    pub v: &'v Value,
    pub path: Vec<Seg>,
}

impl<'v> Node<'v> {
    fn child(&self, seg: Seg, v: &'v Value) -> Node<'v> {
        let mut path = self.path.clone();
        path.push(seg);
        Node { v, path }
    }

    /// The path as the format names it: `steps[2].check[0].pods`.
    pub fn name(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) if s.is_empty() => s.push_str(k),
                Seg::Key(k) => {
                    s.push('.');
                    s.push_str(k);
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        if s.is_empty() {
            s.push_str("the lesson");
        }
        s
    }
}

/// Walks one lesson file's document, turning mistakes into located errors.
pub(super) struct Reader<'a> {
    pub file: &'a str,
    pub text: &'a str,
}

/// Boxed, so that every `Result` the reader passes up stays a pointer wide (the page's size).
pub(super) type Res<T> = Result<T, Box<LessonError>>;

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

impl Reader<'_> {
    /// The error at a node's key (or the nearest enclosing key the text shows).
    pub fn fail(&self, node: &Node, problem: Problem) -> Box<LessonError> {
        let (line, column) = self.position(node);
        Box::new(LessonError { file: self.file.to_string(), line, column, problem })
    }

    fn position(&self, node: &Node) -> (usize, usize) {
        let mut path = node.path.clone();
        // A list item is found by its first key.
        if let (Some(Seg::Index(_)), Value::Object(m)) = (path.last(), node.v) {
            let found = m.keys().filter_map(|k| {
                let mut p = path.clone();
                p.push(Seg::Key(k.clone()));
                crate::manifest::locate(self.text, &p)
            });
            if let Some(at) = found.min() {
                return at;
            }
        }
        while !path.is_empty() {
            if let Some(at) = crate::manifest::locate(self.text, &path) {
                return at;
            }
            path.pop();
        }
        (1, 1)
    }

    fn wrong_type(&self, node: &Node, expected: &'static str) -> Box<LessonError> {
        self.fail(node, Problem::WrongType { what: node.name(), expected, found: type_name(node.v) })
    }

    /// A map whose keys are all among `keys`.
    pub fn map<'v>(&self, node: &Node<'v>, keys: &[&str]) -> Res<&'v Map<String, Value>> {
        let Value::Object(m) = node.v else { return Err(self.wrong_type(node, "a map")) };
        if let Some(k) = m.keys().find(|k| !keys.contains(&k.as_str())) {
            let expected = keys.join(", ");
            return Err(
                self.fail(&node.child(Seg::Key(k.clone()), &m[k]), Problem::UnknownKey { key: k.clone(), expected })
            );
        }
        Ok(m)
    }

    /// A key of a map, if it is there and not empty.
    pub fn get<'v>(&self, node: &Node<'v>, key: &str) -> Option<Node<'v>> {
        let v = node.v.get(key).filter(|v| !v.is_null())?;
        Some(node.child(Seg::Key(key.to_string()), v))
    }

    /// A key the map must have.
    pub fn need<'v>(&self, node: &Node<'v>, key: &str) -> Res<Node<'v>> {
        self.get(node, key).ok_or_else(|| self.fail(node, Problem::MissingKey(key.to_string())))
    }

    pub fn string(&self, node: &Node) -> Res<String> {
        let s = node.v.as_str().ok_or_else(|| self.wrong_type(node, "text"))?;
        if s.chars().count() > MAX_TEXT_CHARS {
            return Err(self.fail(node, Problem::TextTooLong));
        }
        Ok(s.to_string())
    }

    /// Text, or a number or true/false written as text (`equals: 3`).
    pub fn scalar(&self, node: &Node) -> Res<String> {
        match node.v {
            Value::Bool(b) => Ok(b.to_string()),
            Value::Number(n) => Ok(n.to_string()),
            _ => self.string(node),
        }
    }

    pub fn boolean(&self, node: &Node) -> Res<bool> {
        node.v.as_bool().ok_or_else(|| self.wrong_type(node, "true or false"))
    }

    pub fn number(&self, node: &Node) -> Res<u64> {
        node.v.as_u64().ok_or_else(|| self.wrong_type(node, "a whole number"))
    }

    pub fn list<'v>(&self, node: &Node<'v>) -> Res<Vec<Node<'v>>> {
        let a = node.v.as_array().ok_or_else(|| self.wrong_type(node, "a list"))?;
        Ok(a.iter().enumerate().map(|(i, v)| node.child(Seg::Index(i), v)).collect())
    }

    /// An optional list: empty when the key is absent.
    pub fn list_at<'v>(&self, node: &Node<'v>, key: &str) -> Res<Vec<Node<'v>>> {
        self.get(node, key).map_or(Ok(Vec::new()), |n| self.list(&n))
    }

    /// `{ko: ..., en: ...}`, each read by `read`.
    fn both<T>(&self, node: &Node, read: impl Fn(&Node) -> Res<T>) -> Res<Both<T>> {
        self.map(node, &["ko", "en"])?;
        let lang = |l: &'static str| self.get(node, l).ok_or_else(|| self.fail(node, Problem::MissingLanguage(l)));
        Ok(Both { ko: read(&lang("ko")?)?, en: read(&lang("en")?)? })
    }

    /// Plain text in both languages.
    pub fn text(&self, node: &Node) -> Res<Both<String>> {
        self.both(node, |n| self.string(n))
    }

    /// Narration in both languages, its links checked.
    pub fn narration(&self, node: &Node) -> Res<Both<Vec<Block>>> {
        self.both(node, |n| {
            let blocks = markdown::parse(&self.string(n)?);
            match markdown::links(&blocks).into_iter().find(|u| !markdown::safe_url(u)) {
                Some(bad) => Err(self.fail(n, Problem::BadLink(bad.to_string()))),
                None => Ok(blocks),
            }
        })
    }
}

/// Reads a lesson file. `file` names it in errors (`lessons/seed-lab.yaml`).
pub fn load(file: &str, text: &str) -> Result<Lesson, LessonError> {
    let r = Reader { file, text };
    let at = |line: usize, column: usize, problem| LessonError { file: file.to_string(), line, column, problem };
    if text.len() > MAX_FILE_BYTES {
        return Err(at(1, 1, Problem::TooLarge));
    }
    let doc = crate::support::yaml::parse(text).map_err(|e| {
        // go-yaml's message names a line of its own choosing; the prefix names the mark.
        let problem = Problem::Yaml(e.problem.clone());
        at(e.mark.line + 1, e.mark.column + 1, problem)
    })?;
    lesson(&r, &Node { v: &doc, path: Vec::new() }).map_err(|e| *e)
}

fn lesson(r: &Reader, root: &Node) -> Res<Lesson> {
    r.map(root, &["id", "title", "summary", "files", "steps"])?;
    let id_node = r.need(root, "id")?;
    let id = r.string(&id_node)?;
    let id_ok = id.len() <= 63
        && id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Err(r.fail(&id_node, Problem::BadId(id)));
    }
    let title = r.text(&r.need(root, "title")?)?;
    let summary = r.text(&r.need(root, "summary")?)?;
    let mut files = Vec::new();
    for f in r.list_at(root, "files")? {
        let name = r.string(&f)?;
        let ok = name.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        });
        if !ok {
            return Err(r.fail(&f, Problem::BadFileName(name)));
        }
        files.push(name);
    }
    let steps_node = r.need(root, "steps")?;
    let list = r.list(&steps_node)?;
    if list.is_empty() {
        return Err(r.fail(&steps_node, Problem::EmptySteps));
    }
    if list.len() > MAX_STEPS {
        return Err(r.fail(&steps_node, Problem::TooManySteps));
    }
    let steps = list.iter().map(|s| step(r, s)).collect::<Res<Vec<_>>>()?;
    Ok(Lesson { id, title, summary, files, steps })
}

fn step(r: &Reader, node: &Node) -> Res<Step> {
    r.map(node, &["say", "run", "check", "predict", "highlight", "hints", "keep"])?;
    let say = r.narration(&r.need(node, "say")?)?;
    let mut run = Vec::new();
    for line in r.list_at(node, "run")? {
        let text = r.string(&line)?;
        if text.trim().is_empty() || text.trim_start().starts_with('@') {
            return Err(r.fail(&line, Problem::BadRunLine));
        }
        run.push(text);
    }
    let check_node = r.need(node, "check")?;
    let checks = r.list(&check_node)?;
    if checks.is_empty() {
        return Err(r.fail(&check_node, Problem::EmptyChecks));
    }
    let check = checks.iter().map(|c| check::read(r, c)).collect::<Res<Vec<Check>>>()?;
    let predict = r.list_at(node, "predict")?.iter().map(|p| question(r, p)).collect::<Res<Vec<_>>>()?;
    let highlight = r.list_at(node, "highlight")?.iter().map(|h| ObjRef::read(r, h, None)).collect::<Res<Vec<_>>>()?;
    let hints = r.list_at(node, "hints")?.iter().map(|h| r.narration(h)).collect::<Res<Vec<_>>>()?;
    let keep = r.get(node, "keep").map_or(Ok(false), |k| r.boolean(&k))?;
    Ok(Step { say, run, check, predict, highlight, hints, keep })
}

fn question(r: &Reader, node: &Node) -> Res<Predict> {
    r.map(node, &["ask", "choices"])?;
    let ask = r.text(&r.need(node, "ask")?)?;
    let choices_node = r.need(node, "choices")?;
    let mut choices = Vec::new();
    for c in r.list(&choices_node)? {
        r.map(&c, &["text", "correct", "feedback"])?;
        choices.push(Choice {
            text: r.text(&r.need(&c, "text")?)?,
            correct: r.get(&c, "correct").map_or(Ok(false), |k| r.boolean(&k))?,
            feedback: r.get(&c, "feedback").map(|f| r.text(&f)).transpose()?,
        });
    }
    if choices.len() < 2 {
        return Err(r.fail(&choices_node, Problem::TooFewChoices));
    }
    if !choices.iter().any(|c| c.correct) {
        return Err(r.fail(&choices_node, Problem::NoCorrectChoice));
    }
    Ok(Predict { ask, choices })
}
