//! `-o yaml` as kubectl writes it (sigs.k8s.io/yaml over go-yaml v2): sorted keys, lists at
//! their parent's indent, double quotes for strings a YAML 1.1 reader would take for something
//! else, `|` blocks for multi-line strings.

use serde_json::Value;

/// Serializes a JSON value as kubectl prints it.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => write_map(&mut out, v, 0),
        Value::Array(a) if !a.is_empty() => write_list(&mut out, v, 0),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn write_map(out: &mut String, v: &Value, indent: usize) {
    let Value::Object(m) = v else { return };
    for (k, val) in m {
        out.push_str(&" ".repeat(indent));
        out.push_str(&key(k));
        out.push(':');
        value_after_key(out, val, indent);
    }
}

fn value_after_key(out: &mut String, val: &Value, indent: usize) {
    match val {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, val, indent + 2);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_list(out, val, indent);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other, indent + 2));
            out.push('\n');
        }
    }
}

fn write_list(out: &mut String, v: &Value, indent: usize) {
    let Value::Array(a) = v else { return };
    for item in a {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => {
                // The first key goes on the dash's line, the rest under it.
                let mut first = true;
                for (k, val) in m {
                    if !first {
                        out.push_str(&" ".repeat(indent + 2));
                    }
                    first = false;
                    out.push_str(&key(k));
                    out.push(':');
                    value_after_key(out, val, indent + 2);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                let mut sub = String::new();
                write_list(&mut sub, item, indent + 2);
                out.push_str(sub.trim_start());
            }
            other => {
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn key(k: &str) -> String {
    if needs_quotes(k) {
        quote(k)
    } else {
        k.to_string()
    }
}

fn scalar(v: &Value, indent: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            if s.contains('\n') && !s.chars().any(|c| c.is_control() && c != '\n') && !s.starts_with(' ') {
                let chomp = if s.ends_with('\n') { "" } else { "-" };
                let body: String = s
                    .trim_end_matches('\n')
                    .lines()
                    .map(|l| if l.is_empty() { "\n".to_string() } else { format!("{}{l}\n", " ".repeat(indent)) })
                    .collect();
                format!("|{chomp}\n{}", body.trim_end_matches('\n'))
            } else if needs_quotes(s) {
                quote(s)
            } else {
                s.clone()
            }
        }
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            c if c.is_control() => q.push_str(&format!("\\u{:04X}", c as u32)),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// Would a YAML 1.1 reader take the plain text for something other than this string?
fn needs_quotes(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"].contains(&lower.as_str()) {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !(first == '-' && s.len() > 1 && !s[1..].starts_with(' ') && s.parse::<f64>().is_err())
    {
        return true;
    }
    if s.starts_with(' ')
        || s.ends_with(' ')
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars().any(|c| c.is_control())
    {
        return true;
    }
    // What go-yaml v2's `resolve` reads as a number (a plain scalar starting with a digit or a
    // sign: Go's ParseInt with base 0, or ParseFloat, `_` removed; `.5`), and base-60 floats
    // (`1:20`), which its encoder quotes. An IP address (`172.16.0.2`) is neither.
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    let digits = plain.trim_start_matches(['-', '+']);
    let int = match digits.get(..2) {
        Some("0x" | "0X") => digits.len() > 2 && digits[2..].chars().all(|c| c.is_ascii_hexdigit()),
        Some("0o" | "0O") => digits.len() > 2 && digits[2..].chars().all(|c| c.is_digit(8)),
        Some("0b" | "0B") => digits.len() > 2 && digits[2..].chars().all(|c| c == '0' || c == '1'),
        _ => !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()),
    };
    let numeric = match first {
        '0'..='9' | '-' | '+' => int || plain.parse::<f64>().is_ok(),
        '.' => plain.parse::<f64>().is_ok(),
        _ => false,
    } || is_base60_float(s);
    let timestamp = s.len() >= 10
        && s.as_bytes()[4] == b'-'
        && s.as_bytes()[7] == b'-'
        && s[..4].chars().all(|c| c.is_ascii_digit());
    numeric || timestamp || lower == ".inf" || lower == ".nan" || lower == "-.inf"
}

/// go-yaml v2's `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut parts = whole.split(':');
    let head = parts.next().unwrap_or("");
    let sixties: Vec<&str> = parts.collect();
    head.starts_with(|c: char| c.is_ascii_digit())
        && head.chars().all(|c| c.is_ascii_digit() || c == '_')
        && !sixties.is_empty()
        && sixties.iter().all(|p| {
            matches!(p.as_bytes(), [d] if d.is_ascii_digit())
                || matches!(p.as_bytes(), [a, b] if (b'0'..=b'5').contains(a) && b.is_ascii_digit())
        })
        && frac.chars().all(|c| c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_like_kubectl() {
        let v = json!({"apiVersion":"v1","kind":"Pod","metadata":{"creationTimestamp":"2022-05-28T09:00:00Z","labels":{"app":"nginx"},"resourceVersion":"46","annotations":{"a":"{\"x\":1}\n"}},
            "spec":{"containers":[{"name":"nginx","ports":[{"containerPort":80}],"args":["-c","yes"]}],"securityContext":{},"tolerations":[]},"status":{"phase":"Running","startTime":null}});
        let want = "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    a: |\n      {\"x\":1}\n  creationTimestamp: \"2022-05-28T09:00:00Z\"\n  labels:\n    app: nginx\n  resourceVersion: \"46\"\nspec:\n  containers:\n  - args:\n    - -c\n    - \"yes\"\n    name: nginx\n    ports:\n    - containerPort: 80\n  securityContext: {}\n  tolerations: []\nstatus:\n  phase: Running\n  startTime: null\n";
        assert_eq!(to_yaml(&v), want);
    }

    #[test]
    fn quotes_what_would_be_misread() {
        for s in [
            "",
            "true",
            "no",
            "80",
            "1.5",
            "2022-05-28T09:00:00Z",
            "a: b",
            "*x",
            " x",
            "0x1F",
            "1_000",
            "-5",
            ".5",
            "1e3",
            "1:20",
            "190:20:30.15",
        ] {
            assert!(needs_quotes(s), "{s:?}");
        }
        for s in [
            "nginx",
            "k8s.gcr.io/nginx-slim:0.8",
            "-c",
            "app=nginx",
            "ReadWriteOnce",
            "172.16.158.2",
            "10.96.0.1",
            "1.2.3",
            "1:60",
            "0xZ",
        ] {
            assert!(!needs_quotes(s), "{s:?}");
        }
    }
}
