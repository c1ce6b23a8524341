//! kubectl's JSONPath (client-go `util/jsonpath`): templates such as
//! `{range .items[*]}{.metadata.name}{"\t"}{.status.podIP}{"\n"}{end}` for `-o jsonpath`, and
//! single expressions for `--sort-by` and `-o custom-columns`.
//!
//! Expressions: `.field`, `['field']`, `field\.with\.dots`, `..field` (recursive), `*` and
//! `[*]`, `[n]` (negative from the end), `[a:b:step]`, unions `[0,2]` and `['a','b']`, filters
//! `[?(@.type=="InternalIP")]` (`==`, `!=`, `<`, `<=`, `>`, `>=`, or a bare path: exists), `@`
//! and `$`. Missing fields give nothing (kubectl sets `AllowMissingKeys(true)`).

use serde_json::Value;

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    /// `.name` or `['name']` (several for a union).
    Fields(Vec<String>),
    /// `..name`: every descendant's field.
    Recursive(String),
    /// `*`, `[*]`.
    All,
    /// `[n]` or a union `[0,2]`.
    Indexes(Vec<i64>),
    /// `[a:b:step]`.
    Slice(Option<i64>, Option<i64>, Option<i64>),
    /// `[?(...)]`.
    Filter(Box<Filter>),
    /// `$`: the root.
    Root,
}

#[derive(Clone, Debug, PartialEq)]
struct Filter {
    left: Vec<Step>,
    /// `None`: the left side exists.
    op: Option<(String, Operand)>,
}

#[derive(Clone, Debug, PartialEq)]
enum Operand {
    Literal(Value),
    Path(Vec<Step>),
}

/// Parses a path (`.items[*].metadata.name`, `@.type`, `$.spec`).
fn parse(expr: &str) -> Result<Vec<Step>, String> {
    let b: Vec<char> = expr.trim().chars().collect();
    let mut i = 0;
    let mut steps = Vec::new();
    if b.first() == Some(&'$') {
        steps.push(Step::Root);
        i = 1;
    } else if b.first() == Some(&'@') {
        i = 1;
    }
    while i < b.len() {
        match b[i] {
            '.' if b.get(i + 1) == Some(&'.') => {
                let (name, next) = name_at(&b, i + 2);
                steps.push(Step::Recursive(name));
                i = next;
            }
            '.' => {
                if b.get(i + 1) == Some(&'*') {
                    steps.push(Step::All);
                    i += 2;
                    continue;
                }
                let (name, next) = name_at(&b, i + 1);
                if !name.is_empty() {
                    steps.push(Step::Fields(vec![name]));
                }
                i = next;
            }
            '[' => {
                let close = bracket_end(&b, i).ok_or_else(|| format!("unterminated array in {expr}"))?;
                let inner: String = b[i + 1..close].iter().collect();
                steps.push(bracket(inner.trim())?);
                i = close + 1;
            }
            c if c.is_whitespace() => i += 1,
            _ => {
                // A field without its dot (`metadata.name` as --sort-by may give it).
                let (name, next) = name_at(&b, i);
                steps.push(Step::Fields(vec![name]));
                i = next.max(i + 1);
            }
        }
    }
    Ok(steps)
}

/// A field name from `at`: up to an unescaped `.` or `[`; `\.` is a dot in the name.
fn name_at(b: &[char], mut at: usize) -> (String, usize) {
    let mut name = String::new();
    while at < b.len() {
        match b[at] {
            '\\' if at + 1 < b.len() => {
                name.push(b[at + 1]);
                at += 2;
            }
            '.' | '[' => break,
            c => {
                name.push(c);
                at += 1;
            }
        }
    }
    (name.trim().to_string(), at)
}

/// The `]` that closes the `[` at `open`, past quotes and nested brackets.
fn bracket_end(b: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (j, &c) in b.iter().enumerate().skip(open) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

fn bracket(inner: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::All);
    }
    if let Some(f) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
        return filter(f.trim()).map(|f| Step::Filter(Box::new(f)));
    }
    if inner.starts_with('\'') || inner.starts_with('"') {
        let names = inner.split(',').map(|n| unquote(n.trim()).unwrap_or_else(|| n.trim().to_string())).collect();
        return Ok(Step::Fields(names));
    }
    if inner.contains(':') {
        let mut parts = inner.split(':').map(|p| p.trim());
        let num = |p: Option<&str>| -> Result<Option<i64>, String> {
            match p {
                None | Some("") => Ok(None),
                Some(n) => n.parse().map(Some).map_err(|_| format!("invalid array index {n}")),
            }
        };
        let (a, b, s) = (num(parts.next())?, num(parts.next())?, num(parts.next())?);
        return Ok(Step::Slice(a, b, s));
    }
    let idx: Result<Vec<i64>, _> = inner.split(',').map(|n| n.trim().parse::<i64>()).collect();
    idx.map(Step::Indexes).map_err(|_| format!("invalid array index {inner}"))
}

fn unquote(s: &str) -> Option<String> {
    let q = s.chars().next()?;
    let inner = s.strip_prefix(q)?.strip_suffix(q)?;
    Some(inner.replace("\\n", "\n").replace("\\t", "\t").replace(&format!("\\{q}"), &q.to_string()))
}

fn filter(f: &str) -> Result<Filter, String> {
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
        if let Some((l, r)) = split_outside_quotes(f, op) {
            let right = r.trim();
            let operand = if right.starts_with('@') || right.starts_with('$') {
                Operand::Path(parse(right)?)
            } else if let Some(s) = unquote(right) {
                Operand::Literal(Value::String(s))
            } else if let Ok(n) = right.parse::<f64>() {
                Operand::Literal(serde_json::Number::from_f64(n).map(Value::Number).unwrap_or(Value::Null))
            } else if right == "true" || right == "false" {
                Operand::Literal(Value::Bool(right == "true"))
            } else {
                return Err(format!("unrecognized filter operand {right}"));
            };
            return Ok(Filter { left: parse(l.trim())?, op: Some((op.to_string(), operand)) });
        }
    }
    Ok(Filter { left: parse(f)?, op: None })
}

fn split_outside_quotes<'a>(s: &'a str, op: &str) -> Option<(&'a str, &'a str)> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, _) if s[i..].starts_with(op) => return Some((&s[..i], &s[i + op.len()..])),
            _ => {}
        }
    }
    None
}

/// Every value the path reaches from `cur` (`root` for `$`).
fn eval<'a>(steps: &[Step], cur: &'a Value, root: &'a Value) -> Vec<&'a Value> {
    let mut set = vec![cur];
    for step in steps {
        let mut next = Vec::new();
        for v in set {
            apply(step, v, root, &mut next);
        }
        set = next;
    }
    set
}

/// What one step reaches from one value, onto `out` (nothing when the step does not fit it).
fn apply<'a>(step: &Step, v: &'a Value, root: &'a Value, out: &mut Vec<&'a Value>) {
    match (step, v) {
        (Step::Root, _) => out.push(root),
        (Step::Fields(names), Value::Object(m)) => out.extend(names.iter().filter_map(|n| m.get(n))),
        (Step::Recursive(name), _) => descend(v, name, out),
        (Step::All, Value::Object(m)) => out.extend(m.values()),
        (Step::All, Value::Array(a)) => out.extend(a.iter()),
        (Step::Indexes(ix), Value::Array(a)) => out.extend(indexes(a, ix)),
        (Step::Slice(from, to, by), Value::Array(a)) => out.extend(slice(a, *from, *to, *by)),
        (Step::Filter(f), Value::Array(a)) => out.extend(a.iter().filter(|x| keeps(f, x, root))),
        (Step::Filter(f), x) if !x.is_array() && keeps(f, x, root) => out.push(x),
        _ => {}
    }
}

/// The items at `ix` (negative from the end), those out of range skipped.
fn indexes<'a>(a: &'a [Value], ix: &[i64]) -> Vec<&'a Value> {
    ix.iter()
        .filter_map(|&i| {
            let i = if i < 0 { a.len() as i64 + i } else { i };
            usize::try_from(i).ok().and_then(|i| a.get(i))
        })
        .collect()
}

/// The items of `[from:to:by]`: bounds negative from the end and clamped to the array, a step
/// below 1 taken as 1.
fn slice(a: &[Value], from: Option<i64>, to: Option<i64>, by: Option<i64>) -> Vec<&Value> {
    let len = a.len() as i64;
    let clamp = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
    let (s, e) = (from.map_or(0, clamp), to.map_or(len, clamp));
    let by = by.unwrap_or(1).max(1) as usize;
    if s >= e {
        return Vec::new();
    }
    a[s as usize..e as usize].iter().step_by(by).collect()
}

fn descend<'a>(v: &'a Value, name: &str, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            if let Some(x) = m.get(name) {
                out.push(x);
            }
            for x in m.values() {
                descend(x, name, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| descend(x, name, out)),
        _ => {}
    }
}

fn keeps(f: &Filter, item: &Value, root: &Value) -> bool {
    let left = eval(&f.left, item, root);
    let Some((op, operand)) = &f.op else { return !left.is_empty() };
    let right: Vec<&Value> = match operand {
        Operand::Literal(v) => vec![v],
        Operand::Path(p) => eval(p, item, root),
    };
    let (Some(l), Some(r)) = (left.first(), right.first()) else { return false };
    let ord = match (l.as_f64(), r.as_f64()) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        _ => match (l.as_str(), r.as_str()) {
            (Some(a), Some(b)) => Some(a.cmp(b)),
            _ => (l == r).then_some(std::cmp::Ordering::Equal),
        },
    };
    use std::cmp::Ordering::*;
    match op.as_str() {
        "==" => ord == Some(Equal),
        "!=" => ord != Some(Equal),
        "<" => ord == Some(Less),
        "<=" => matches!(ord, Some(Less | Equal)),
        ">" => ord == Some(Greater),
        ">=" => matches!(ord, Some(Greater | Equal)),
        _ => false,
    }
}

/// A value as the template prints it: strings bare, the rest as `json.Marshal` writes them.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => crate::support::gofmt::go_json_escape(&other.to_string()),
    }
}

/// `RelaxedJSONPathExpression`: `.metadata.name`, `metadata.name` or `{.metadata.name}`.
fn relaxed(expr: &str) -> Result<String, String> {
    let e = expr.trim();
    let inner = match e.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}').ok_or_else(|| "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".to_string())?,
        None => e,
    };
    Ok(inner.to_string())
}

/// The values one expression reaches (`--sort-by`, `-o custom-columns`).
pub fn values(expr: &str, root: &Value) -> Result<Vec<Value>, String> {
    let steps = parse(&relaxed(expr)?)?;
    Ok(eval(&steps, root, root).into_iter().cloned().collect())
}

/// Evaluates a template: text, and `{...}` actions (expressions, `"literals"`, `range`/`end`).
pub fn template(tpl: &str, root: &Value) -> Result<String, String> {
    let parts = actions(tpl)?;
    let mut out = String::new();
    run(&parts, root, root, &mut out)?;
    Ok(out)
}

/// Checks a template's syntax without a value to run it on (a lesson file's `path`): every
/// action parses and every `range` has its `end`.
pub fn validate(tpl: &str) -> Result<(), String> {
    let mut depth = 0usize;
    for (is_action, s) in actions(tpl)? {
        let a = s.trim();
        if !is_action || ((a.starts_with('"') || a.starts_with('\'')) && unquote(a).is_some()) {
            continue;
        }
        if a == "end" {
            depth = depth.checked_sub(1).ok_or("error: error parsing jsonpath: not in range, nothing to end")?;
            continue;
        }
        let expr = match a.strip_prefix("range ") {
            Some(e) => {
                depth += 1;
                e.trim()
            }
            None => a,
        };
        parse(expr).map_err(parse_error)?;
    }
    match depth {
        0 => Ok(()),
        _ => Err("error: error parsing jsonpath: a range has no end".into()),
    }
}

/// Splits a template into text (false) and actions (true).
fn actions(tpl: &str) -> Result<Vec<(bool, String)>, String> {
    let mut parts = Vec::new();
    let chars: Vec<char> = tpl.chars().collect();
    let mut i = 0;
    let mut text = String::new();
    while i < chars.len() {
        if chars[i] != '{' {
            text.push(chars[i]);
            i += 1;
            continue;
        }
        // The action runs to the `}` outside quotes and brackets.
        let mut j = i + 1;
        let mut quote: Option<char> = None;
        let mut depth = 0;
        while j < chars.len() {
            match (quote, chars[j]) {
                (Some(q), c) if c == q && chars[j - 1] != '\\' => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(chars[j]),
                (None, '[') => depth += 1,
                (None, ']') => depth -= 1,
                (None, '}') if depth <= 0 => break,
                _ => {}
            }
            j += 1;
        }
        if j >= chars.len() {
            return Err(format!("error: error parsing jsonpath {tpl}, unclosed action"));
        }
        if !text.is_empty() {
            parts.push((false, std::mem::take(&mut text)));
        }
        parts.push((true, chars[i + 1..j].iter().collect()));
        i = j + 1;
    }
    if !text.is_empty() {
        parts.push((false, text));
    }
    Ok(parts)
}

fn run(parts: &[(bool, String)], cur: &Value, root: &Value, out: &mut String) -> Result<(), String> {
    let mut i = 0;
    while i < parts.len() {
        let (is_action, s) = &parts[i];
        let a = s.trim();
        if !is_action {
            out.push_str(s);
        } else if let Some(expr) = a.strip_prefix("range ") {
            let end = range_end(parts, i)?;
            let steps = parse(expr.trim()).map_err(parse_error)?;
            let found = eval(&steps, cur, root);
            // `{range .items}` walks the list itself; `{range .items[*]}` walks what it reached.
            let items: Vec<&Value> = match found.as_slice() {
                [Value::Array(a)] => a.iter().collect(),
                _ => found,
            };
            for item in items {
                run(&parts[i + 1..end], item, root, out)?;
            }
            i = end;
        } else if a == "end" {
            return Err("error: error parsing jsonpath: not in range, nothing to end".into());
        } else if let Some(l) = unquote(a).filter(|_| a.starts_with('"') || a.starts_with('\'')) {
            out.push_str(&l);
        } else {
            let steps = parse(a).map_err(parse_error)?;
            let vals = eval(&steps, cur, root);
            out.push_str(&vals.iter().map(|v| text(v)).collect::<Vec<_>>().join(" "));
        }
        i += 1;
    }
    Ok(())
}

fn parse_error(e: String) -> String {
    format!("error: error parsing jsonpath: {e}")
}

fn range_end(parts: &[(bool, String)], start: usize) -> Result<usize, String> {
    let mut depth = 0;
    for (j, (is_action, s)) in parts.iter().enumerate().skip(start) {
        if !is_action {
            continue;
        }
        let s = s.trim();
        if s.starts_with("range ") {
            depth += 1;
        } else if s == "end" {
            depth -= 1;
            if depth == 0 {
                return Ok(j);
            }
        }
    }
    Err("error: error parsing jsonpath: unexpected EOF".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nodes() -> Value {
        json!({"kind":"List","items":[
            {"metadata":{"name":"k8s-m","labels":{"kubernetes.io/hostname":"k8s-m","node-role.kubernetes.io/control-plane":""}},
             "status":{"addresses":[{"type":"InternalIP","address":"192.168.10.10"},{"type":"Hostname","address":"k8s-m"}],"capacity":{"cpu":"2"}}},
            {"metadata":{"name":"k8s-w1","labels":{"kubernetes.io/hostname":"k8s-w1"}},
             "status":{"addresses":[{"type":"InternalIP","address":"192.168.10.101"},{"type":"Hostname","address":"k8s-w1"}],"capacity":{"cpu":"4"}}}]})
    }

    /// Each form the kubectl cheat sheet and the JSONPath support page use.
    #[test]
    fn reads_what_kubectl_reads() {
        let v = nodes();
        let t = |tpl: &str| template(tpl, &v).unwrap();
        assert_eq!(t("{.items[*].metadata.name}"), "k8s-m k8s-w1");
        assert_eq!(
            t("{.items[*].status.addresses[?(@.type==\"InternalIP\")].address}"),
            "192.168.10.10 192.168.10.101"
        );
        assert_eq!(t("{.items[?(@.metadata.name=='k8s-w1')].status.capacity.cpu}"), "4");
        assert_eq!(t("{.items[0].metadata.labels.kubernetes\\.io/hostname}"), "k8s-m");
        assert_eq!(t("{.items[-1:].metadata.name}"), "k8s-w1");
        assert_eq!(t("{.items[-1].metadata.name}"), "k8s-w1");
        assert_eq!(t("{.items[0:1].metadata.name}"), "k8s-m");
        assert_eq!(
            t("{range .items[*]}{@.metadata.name}{\"\\t\"}{.status.capacity.cpu}{\"\\n\"}{end}"),
            "k8s-m\t2\nk8s-w1\t4\n"
        );
        assert_eq!(t("{range .items}{.metadata.name}{\" \"}{end}"), "k8s-m k8s-w1 ");
        assert_eq!(t("{..address}"), "192.168.10.10 k8s-m 192.168.10.101 k8s-w1");
        assert_eq!(t("{.items[?(@.status.capacity.cpu>'3')].metadata.name}"), "k8s-w1");
        assert_eq!(
            t("{.items[?(@.metadata.labels.node-role\\.kubernetes\\.io/control-plane)].metadata.name}"),
            "k8s-m"
        );
        assert_eq!(
            t("{.items[0].metadata['name','labels']}"),
            "k8s-m {\"kubernetes.io/hostname\":\"k8s-m\",\"node-role.kubernetes.io/control-plane\":\"\"}"
        );
        assert_eq!(t("names: {.items[*].missing}."), "names: .");
        assert_eq!(t("{$.kind}"), "List");
        assert!(template("{.items[0]", &v).is_err());
        assert!(template("{end}", &v).is_err());
        assert_eq!(values(".metadata.name", &v["items"][1]).unwrap(), vec![json!("k8s-w1")]);
        assert_eq!(values("{.status.capacity.cpu}", &v["items"][0]).unwrap(), vec![json!("2")]);
        assert_eq!(values("metadata.name", &v["items"][0]).unwrap(), vec![json!("k8s-m")]);
    }

    #[test]
    fn indexes_and_slices_count_negatives_from_the_end() {
        let a: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let got = |v: Vec<&Value>| v.into_iter().map(|x| x.as_i64().unwrap()).collect::<Vec<_>>();
        assert_eq!(got(indexes(&a, &[-1, 7, 0])), [4, 0]);
        assert_eq!(got(slice(&a, Some(-2), None, None)), [3, 4]);
        assert_eq!(got(slice(&a, Some(1), Some(-1), Some(2))), [1, 3]);
        assert_eq!(got(slice(&a, None, Some(9), None)), [0, 1, 2, 3, 4]);
        assert!(slice(&a, Some(3), Some(1), None).is_empty());
    }
}
