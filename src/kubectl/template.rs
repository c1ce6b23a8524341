//! `--template`/`-o go-template=...`: the small part of Go's templates labs use (field paths,
//! `range ... end`, variables, quoted literals). JSONPath is in `jsonpath.rs`.

use serde_json::Value;

/// One step of a path: a field.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
}

/// All values a path reaches (several with `[*]`).
fn select<'a>(v: &'a Value, steps: &[Step]) -> Vec<&'a Value> {
    let Some((first, rest)) = steps.split_first() else { return vec![v] };
    match (first, v) {
        (Step::Field(f), Value::Object(m)) => m.get(f).map(|x| select(x, rest)).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        // Maps and lists print as json.Marshal writes them.
        other => crate::support::gofmt::go_json_escape(&other.to_string()),
    }
}

fn literal(s: &str) -> Option<String> {
    let s = s.trim();
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    Some(inner.replace("\\n", "\n").replace("\\t", "\t"))
}

fn matching_end(parts: &[(bool, String)], start: usize, opens: impl Fn(&str) -> bool) -> Result<usize, String> {
    let mut depth = 0;
    for (j, (is_expr, s)) in parts.iter().enumerate().skip(start) {
        if !is_expr {
            continue;
        }
        if opens(s.trim_start()) {
            depth += 1;
        } else if s.trim() == "end" {
            depth -= 1;
            if depth == 0 {
                return Ok(j);
            }
        }
    }
    Err("error: error parsing template: unexpected EOF".into())
}

/// Evaluates a Go template over the object: `{{.metadata.name}}`, `{{range .items}}...{{end}}`,
/// `{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}`, `{{"\n"}}`.
pub fn go_template(tpl: &str, v: &Value) -> Result<String, String> {
    let mut parts = Vec::new();
    let mut rest = tpl;
    while let Some(o) = rest.find("{{") {
        if o > 0 {
            parts.push((false, rest[..o].to_string()));
        }
        let after = &rest[o + 2..];
        let Some(c) = after.find("}}") else {
            return Err("error: error parsing template: unclosed action".into());
        };
        parts.push((true, after[..c].trim().to_string()));
        rest = &after[c + 2..];
    }
    if !rest.is_empty() {
        parts.push((false, rest.to_string()));
    }
    let mut out = String::new();
    eval_go(&parts, v, &mut Vec::new(), &mut out)?;
    Ok(out)
}

fn eval_go(
    parts: &[(bool, String)],
    dot: &Value,
    vars: &mut Vec<(String, Value)>,
    out: &mut String,
) -> Result<(), String> {
    let mut i = 0;
    while i < parts.len() {
        let (is_expr, s) = &parts[i];
        if !is_expr {
            out.push_str(s);
        } else if let Some(r) = s.strip_prefix("range ") {
            let end = matching_end(parts, i, |p| p.starts_with("range "))?;
            let (names, expr) = match r.split_once(":=") {
                Some((n, e)) => (n.split(',').map(|x| x.trim().to_string()).collect::<Vec<_>>(), e.trim()),
                None => (Vec::new(), r.trim()),
            };
            let items: Vec<Value> = match go_value(expr, dot, vars) {
                Some(Value::Array(a)) => a,
                Some(Value::Object(m)) => m.values().cloned().collect(),
                _ => Vec::new(),
            };
            for (idx, item) in items.iter().enumerate() {
                let before = vars.len();
                match names.as_slice() {
                    [one] => vars.push((one.clone(), item.clone())),
                    [a, b] => {
                        vars.push((a.clone(), Value::from(idx)));
                        vars.push((b.clone(), item.clone()));
                    }
                    _ => {}
                }
                eval_go(&parts[i + 1..end], item, vars, out)?;
                vars.truncate(before);
            }
            i = end;
        } else if let Some(l) = literal(s) {
            out.push_str(&l);
        } else {
            match go_value(s, dot, vars) {
                Some(v) => out.push_str(&text(&v)),
                None if s.starts_with('.') || s.starts_with('$') => out.push_str("<no value>"),
                None => {
                    return Err(format!(
                        "error: error parsing template {s}: function \"{}\" not defined",
                        s.split_whitespace().next().unwrap_or(s)
                    ))
                }
            }
        }
        i += 1;
    }
    Ok(())
}

fn go_value(expr: &str, dot: &Value, vars: &[(String, Value)]) -> Option<Value> {
    let expr = expr.trim();
    if expr == "." {
        return Some(dot.clone());
    }
    let (base, path) = if let Some(rest) = expr.strip_prefix('$') {
        let (name, path) = rest.split_once('.').unwrap_or((rest, ""));
        let v = vars.iter().rev().find(|(n, _)| n.trim_start_matches('$') == name)?.1.clone();
        (v, path.to_string())
    } else if let Some(p) = expr.strip_prefix('.') {
        (dot.clone(), p.to_string())
    } else {
        return None;
    };
    let steps: Vec<Step> = path.split('.').filter(|s| !s.is_empty()).map(|s| Step::Field(s.to_string())).collect();
    select(&base, &steps).first().map(|v| (*v).clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod() -> Value {
        json!({"metadata":{"name":"web-0"},"spec":{"containers":[{"name":"nginx","image":"registry.k8s.io/nginx-slim:0.24"},{"name":"side","image":"busybox"}]}})
    }

    #[test]
    fn the_tutorials_go_template() {
        assert_eq!(
            go_template("{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}", &pod()).unwrap(),
            "registry.k8s.io/nginx-slim:0.24busybox"
        );
        assert_eq!(go_template("{{.metadata.name}}{{\"\\n\"}}", &pod()).unwrap(), "web-0\n");
        assert_eq!(go_template("{{.metadata.nope}}", &pod()).unwrap(), "<no value>");
        assert!(go_template("{{.metadata.name", &pod()).is_err());
    }

    #[test]
    fn jsonpath_fields_indexes_and_ranges() {
        assert_eq!(
            crate::kubectl::jsonpath::template("{.spec.containers[0].image}", &pod()).unwrap(),
            "registry.k8s.io/nginx-slim:0.24"
        );
        assert_eq!(crate::kubectl::jsonpath::template("{.spec.containers[*].name}", &pod()).unwrap(), "nginx side");
        let list = json!({"items":[pod(), {"metadata":{"name":"web-1"}}]});
        assert_eq!(
            crate::kubectl::jsonpath::template("{range .items[*]}{.metadata.name}{\"\\n\"}{end}", &list).unwrap(),
            "web-0\nweb-1\n"
        );
        assert!(crate::kubectl::jsonpath::template("{.a", &pod()).is_err());
    }
}
