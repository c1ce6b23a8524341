//! Manifests: YAML text in, JSON objects and kubectl-style diagnostics out.
//!
//! A file is split into documents on `---` lines; each document is parsed on its own, so a
//! broken document is reported with its file and line while the ones before it still apply
//! (as `kubectl apply` does). Strict field validation against the schema finds unknown fields;
//! `locate` turns a field path back into a line and column for our hint.

pub mod highlight;
pub mod schema;

use serde_json::Value;

/// One document of a manifest file.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The object, converted to JSON as kubectl does.
    pub object: Value,
    /// 1-based line of the document's first line in the file.
    pub first_line: usize,
    /// The document's own text (for locating fields).
    pub text: String,
}

/// A problem with a document, in kubectl's words, plus where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The message kubectl prints (without the `error: ` prefix where kubectl adds it).
    pub message: String,
    /// 1-based line and column in the file, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// Whether reading stops here (a YAML syntax error ends the stream).
    pub fatal: bool,
    /// The document is too large to send: its aliases expand past the API server's limit on a
    /// request's body (`support::yaml::MAX_ALIASED_BYTES`). kubectl would build it and the
    /// server refuse it (413); the reader stops before building it.
    pub too_large: bool,
}

/// Splits a file into documents and parses each one. Results are in file order; a syntax
/// error is the last entry (kubectl's decoder stops there).
pub fn parse_documents(text: &str, file: &str) -> Vec<Result<Document, Diagnostic>> {
    let mut out = Vec::new();
    let mut chunks: Vec<(usize, String)> = Vec::new();
    let mut cur = String::new();
    let mut start = 1;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_end();
        if t == "---" || (t.starts_with("--- ") && t[4..].trim_start().starts_with('#')) || t == "..." {
            chunks.push((start, std::mem::take(&mut cur)));
            start = i + 2;
            continue;
        }
        cur.push_str(line);
        cur.push('\n');
    }
    chunks.push((start, cur));
    for (first_line, chunk) in chunks {
        if chunk.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
            continue;
        }
        match crate::support::yaml::parse(&chunk) {
            Ok(Value::Null) => continue,
            Ok(object @ Value::Object(_)) => out.push(Ok(Document { object, first_line, text: chunk })),
            Ok(other) => out.push(Err(Diagnostic {
                message: format!("error: unable to decode \"{file}\": json: cannot unmarshal {} into Go value of type map[string]interface {{}}", schema::json_type_name(&other)),
                line: Some(first_line),
                column: Some(1),
                fatal: false,
                too_large: false,
            })),
            Err(e) => {
                // k8s-diff: kubectl counts the line from the document's start; we count from the file's.
                let message = format!("error: error parsing {file}: error converting YAML to JSON: {}", e.message(first_line - 1));
                let (line, column) = (Some(first_line + e.mark.line), Some(e.mark.column + 1));
                if e.is_too_large() {
                    // The document is read: kubectl goes on to the next one after the server's 413.
                    out.push(Err(Diagnostic { message, line, column, fatal: false, too_large: true }));
                    continue;
                }
                out.push(Err(Diagnostic { message, line, column, fatal: true, too_large: false }));
                break;
            }
        }
    }
    out
}

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// `spec.template.spec.containers[0].imagee` → segments.
pub fn parse_path(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(b) = rest.find('[') {
            if b > 0 {
                out.push(Seg::Key(rest[..b].to_string()));
            }
            rest = &rest[b..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let end = stripped.find(']').unwrap_or(stripped.len());
                if let Ok(i) = stripped[..end].parse() {
                    out.push(Seg::Index(i));
                }
                rest = stripped.get(end + 1..).unwrap_or("");
            }
        } else if !rest.is_empty() {
            out.push(Seg::Key(rest.to_string()));
        }
    }
    out
}

/// Finds the 1-based (line, column) of a field in block-style YAML text.
pub fn locate(text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let mut stack: Vec<(usize, Seg)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut indent = raw.len() - trimmed.len();
        let mut content = trimmed;
        while content == "-" || content.starts_with("- ") {
            while stack.last().is_some_and(|(d, _)| *d > indent) {
                stack.pop();
            }
            match stack.last_mut() {
                Some((d, Seg::Index(n))) if *d == indent => *n += 1,
                _ => stack.push((indent, Seg::Index(0))),
            }
            let after = content[1..].trim_start();
            indent += content.len() - after.len();
            content = after;
            if content.is_empty() {
                break;
            }
        }
        let key = match content.strip_prefix('"').or_else(|| content.strip_prefix('\'')) {
            Some(q) => q.find(['"', '\'']).map(|e| &q[..e]),
            None => content
                .find(':')
                .filter(|&c| content[c + 1..].is_empty() || content[c + 1..].starts_with(' '))
                .map(|c| &content[..c]),
        };
        let Some(key) = key else { continue };
        if key.is_empty() || key.contains(' ') && !content.starts_with(['"', '\'']) {
            continue;
        }
        // A key at this indentation ends what was open there: a sibling key, and a sequence
        // written at its key's own indentation (`env:` then `- name: ...` under it).
        while stack.last().is_some_and(|(d, _)| *d >= indent) {
            stack.pop();
        }
        let here: Vec<Seg> =
            stack.iter().map(|(_, s)| s.clone()).chain(std::iter::once(Seg::Key(key.to_string()))).collect();
        if here == path {
            return Some((i + 1, indent + 1));
        }
        stack.push((indent, Seg::Key(key.to_string())));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEB: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replica: 2\n  template:\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n      - name: b\n        imagee: x\n";

    #[test]
    fn documents_split_with_their_lines() {
        let docs = parse_documents(WEB, "web.yaml");
        assert_eq!(docs.len(), 2);
        let d = docs[1].as_ref().unwrap();
        assert_eq!(d.first_line, 6);
        assert_eq!(d.object["kind"], "StatefulSet");
    }

    #[test]
    fn locate_finds_keys_and_list_items() {
        let d = parse_documents(WEB, "web.yaml").remove(1).unwrap();
        assert_eq!(locate(&d.text, &parse_path("spec.replica")), Some((6, 3)));
        assert_eq!(locate(&d.text, &parse_path("spec.template.spec.containers[1].imagee")), Some((13, 9)));
        assert_eq!(locate(&d.text, &parse_path("spec.nothing")), None);
        // A sequence at its key's indentation ends at the next key there.
        let text = "spec:\n  containers:\n  - name: db\n    env:\n    - name: A\n      valuefrom: {}\n    port:\n    - containerPort: 1\n";
        assert_eq!(locate(text, &parse_path("spec.containers[0].env[0].valuefrom")), Some((6, 7)));
        assert_eq!(locate(text, &parse_path("spec.containers[0].port")), Some((7, 5)));
    }

    #[test]
    fn syntax_errors_name_the_file_and_line_and_stop_the_stream() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n   bad: x\n---\napiVersion: v1\nkind: Pod\n";
        let docs = parse_documents(text, "f.yaml");
        assert_eq!(docs.len(), 2);
        assert!(docs[0].is_ok());
        let e = docs[1].as_ref().unwrap_err();
        assert!(
            e.message.starts_with("error: error parsing f.yaml: error converting YAML to JSON: yaml: line 10"),
            "{}",
            e.message
        );
        assert!(e.fatal);
    }

    #[test]
    fn scalars_and_empty_documents() {
        assert!(parse_documents("", "x").is_empty());
        assert!(parse_documents("# only a comment\n", "x").is_empty());
        assert!(parse_documents("just a string", "x")[0].is_err());
    }
}
