//! Keeps the house standing: module invariants from ARCHITECTURE.md, checked on the source text.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The code before a file's unit tests (which sit at its end, after `#[cfg(test)]` or
/// `#[cfg(all(test, ...))]`, and may use anything).
fn before_tests(text: &str) -> &str {
    let cut = ["#[cfg(test)]", "#[cfg(all(test"].iter().filter_map(|m| text.find(m)).min();
    &text[..cut.unwrap_or(text.len())]
}

/// Code lines only (comments dropped), so that docs may name what the code must not use.
fn code(text: &str) -> String {
    text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

#[test]
fn every_file_starts_with_a_module_doc() {
    let mut bad = Vec::new();
    for dir in ["src", "tests", "benches", "examples"] {
        for f in rust_files(&root().join(dir)) {
            let text = std::fs::read_to_string(&f).unwrap();
            if !text.starts_with("//!") {
                bad.push(f.display().to_string());
            }
        }
    }
    assert!(bad.is_empty(), "files without a leading //! doc: {bad:#?}");
}

/// `file: word` for each banned word in the code (not comments) of the files under `paths`.
fn banned_uses(paths: &[&str], banned: &[&str]) -> Vec<String> {
    let mut bad = Vec::new();
    for dir in paths {
        let p = root().join(dir);
        let files = if p.is_dir() { rust_files(&p) } else { vec![p] };
        for f in files {
            let text = code(&std::fs::read_to_string(&f).unwrap());
            for b in banned {
                if text.contains(b) {
                    bad.push(format!("{}: {b}", f.display()));
                }
            }
        }
    }
    bad
}

#[test]
fn the_model_is_pure_and_deterministic() {
    let banned = [
        "yew",
        "web_sys",
        "js_sys",
        "gloo",
        "wasm_bindgen",
        "thread_rng",
        "SmallRng",
        "from_entropy",
        "from_os_rng",
        "Instant::now",
        "SystemTime",
        "HashMap",
        "HashSet",
        "std::fs",
        "std::time",
        "std::env",
        "println!",
        "eprintln!",
    ];
    let bad = banned_uses(&["src/sim"], &banned);
    assert!(bad.is_empty(), "src/sim must not reach for the browser, the clock, the OS or an unseeded RNG: {bad:#?}");
}

#[test]
fn text_layers_do_no_io_and_know_no_browser() {
    let banned = [
        "yew",
        "web_sys",
        "js_sys",
        "gloo",
        "std::fs",
        "std::env",
        "std::process",
        "SystemTime",
        "Instant::now",
        "thread_rng",
        "println!",
        "eprintln!",
    ];
    let dirs = ["src/support", "src/manifest", "src/kubectl", "src/shell", "src/programs", "src/lab"];
    let bad = banned_uses(&dirs, &banned);
    assert!(bad.is_empty(), "text-in, text-out layers must stay pure: {bad:#?}");
}

#[test]
fn tests_neither_ignore_nor_expect_panics() {
    let mut bad = Vec::new();
    for dir in ["src", "tests"] {
        for f in rust_files(&root().join(dir)) {
            if f.ends_with("tidy.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&f).unwrap();
            for b in ["#[ignore", "#[should_panic"] {
                if text.contains(b) {
                    bad.push(format!("{}: {b}", f.display()));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn deliberate_differences_are_marked_the_same_way() {
    let mut bad = Vec::new();
    for f in rust_files(&root().join("src")) {
        let text = std::fs::read_to_string(&f).unwrap();
        for (i, l) in text.lines().enumerate() {
            if l.contains("k8s-diff") && !l.contains("// k8s-diff:") && !l.contains("//! ") {
                bad.push(format!("{}:{}", f.display(), i + 1));
            }
        }
    }
    assert!(bad.is_empty(), "write deliberate differences as `// k8s-diff: ...`: {bad:#?}");
}

#[test]
fn the_ui_renders_and_never_rules() {
    // The yew components show the model and call the Lab; they never change the cluster
    // themselves nor reach into the controllers.
    let banned = [
        "sim::controllers",
        "sim::kubelet",
        "sim::scheduler",
        "sim::volumes",
        "store.put",
        "store.remove",
        ".sim.create(",
        ".sim.update(",
        ".sim.delete(",
        ".sim.modify(",
    ];
    let bad = banned_uses(&["src/ui"], &banned);
    assert!(bad.is_empty(), "src/ui renders the model; rules live in src/sim: {bad:#?}");
}

#[test]
fn the_ui_uses_only_known_words() {
    // Every `tr("key")` in the UI names a word with English and Korean text.
    let mut bad = Vec::new();
    for f in rust_files(&root().join("src/ui")) {
        let text = std::fs::read_to_string(&f).unwrap();
        for part in text.split("tr(\"").skip(1) {
            let key = &part[..part.find('"').unwrap()];
            if !kubelab::lab::i18n::has(key) {
                bad.push(format!("{}: {key}", f.display()));
            }
        }
    }
    assert!(bad.is_empty(), "words missing from src/i18n.rs: {bad:#?}");
}

#[test]
fn the_page_carries_one_copy_of_what_it_need_not_duplicate() {
    // ARCHITECTURE.md, "Size": the browser downloads every per-type copy the compiler makes.
    // B-trees only where a map grows with the cluster; no JSON deserializer or serde derive (the
    // YAML reader reads JSON); no Unicode case tables; objects built with `jv!` (one static text
    // per object) rather than `json!` (code for every key and leaf); no `Debug` formatting (its
    // string escaping carries Unicode tables).
    // The Endpoints controllers' cache holds an entry per selected pod; the event recorders'
    // caches (the event index that was in mod.rs) an entry per event source, object and message;
    // the scheduling queue an entry per pod tried and not placed.
    let btree_ok = [
        "src/sim/store.rs",
        "src/sim/podindex.rs",
        "src/sim/mod.rs",
        "src/sim/controllers/endpoints.rs",
        "src/sim/events.rs",
        "src/sim/schedqueue.rs",
    ];
    let mut bad = Vec::new();
    for f in rust_files(&root().join("src")) {
        let rel = f.strip_prefix(root()).unwrap().display().to_string();
        if rel.ends_with("tests.rs") || rel == "src/support/collections.rs" {
            continue;
        }
        let text = code(&std::fs::read_to_string(&f).unwrap());
        // Unit tests sit at the end of a file, after `#[cfg(test)]`: they may use anything.
        let text = before_tests(&text);
        let mut banned = vec![
            "serde_json::from_str",
            "serde_json::from_slice",
            "serde_json::from_value",
            "Deserialize",
            ".to_lowercase()",
            ".to_uppercase()",
            "json!(",
            ":?}",
        ];
        if !btree_ok.contains(&rel.as_str()) {
            banned.extend(["BTreeMap", "BTreeSet"]);
        }
        for b in banned {
            if text.contains(b) {
                bad.push(format!("{rel}: {b}"));
            }
        }
    }
    assert!(bad.is_empty(), "use crate::support::collections, the YAML reader, ASCII case folding and jv!: {bad:#?}");
}

/// The floors of `src/`, bottom up (ARCHITECTURE.md, "Code map"). A floor may use the floors
/// below it and never one above it or beside it.
const FLOORS: &[&str] = &["support", "sim", "manifest", "kubectl", "shell", "programs", "lab", "ui"];

/// The floors that the code of one file names (`crate::floor`, in code, not comments).
fn floors_named(text: &str) -> Vec<&'static str> {
    FLOORS
        .iter()
        .copied()
        .filter(|f| text.contains(&format!("crate::{f}::")) || text.contains(&format!("crate::{f};")))
        .collect()
}

#[test]
fn every_file_of_src_sits_on_a_floor() {
    let mut bad = Vec::new();
    for e in std::fs::read_dir(root().join("src")).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !(name == "lib.rs" || name == "bin" || FLOORS.contains(&name.as_str())) {
            bad.push(name);
        }
    }
    assert!(bad.is_empty(), "src/ holds lib.rs, bin/ and the floors' folders only: {bad:?}");
}

#[test]
fn floors_use_only_the_floors_below_them() {
    let mut bad = Vec::new();
    for (level, floor) in FLOORS.iter().enumerate() {
        for f in rust_files(&root().join("src").join(floor)) {
            let text = code(&std::fs::read_to_string(&f).unwrap());
            // Unit tests may reach up (a test of the view builds a lab).
            let text = before_tests(&text);
            for used in floors_named(text) {
                if FLOORS.iter().position(|x| *x == used).unwrap() > level {
                    bad.push(format!("{} uses {used}", f.strip_prefix(root()).unwrap().display()));
                }
            }
        }
    }
    assert!(bad.is_empty(), "an import runs up or sideways: {bad:#?}");
}

#[test]
fn the_store_knows_no_actor() {
    // Inside the model: the store, its index and the object helpers hold state; the actors
    // (controllers, scheduler, kubelet, volumes) act on it. Nothing below calls up.
    let lower = ["src/sim/store.rs", "src/sim/podindex.rs", "src/sim/obj.rs", "src/sim/names.rs", "src/sim/time.rs"];
    let actors = ["controllers::", "kubelet::", "scheduler::", "volumes::"];
    let bad = banned_uses(&lower, &actors);
    assert!(bad.is_empty(), "{bad:#?}");
}

/// A function's size and shape: how many lines it spans and how deeply its blocks nest.
struct FnShape {
    file: String,
    name: String,
    line: usize,
    lines: usize,
    /// Braces open inside the body at its deepest point (the body itself is 0), data macros
    /// (`jv!`, `json!`, `html!`) not counted.
    depth: usize,
}

/// The functions of one file, read off its text: comments, strings and character literals
/// skipped, braces counted.
fn fn_shapes(file: &str, text: &str) -> Vec<FnShape> {
    let b = text.as_bytes();
    let mut shapes: Vec<FnShape> = Vec::new();
    // Open braces: Some(index into `shapes`) for a function's body, None for any other block.
    let mut stack: Vec<Option<usize>> = Vec::new();
    let mut pending: Option<(String, usize)> = None;
    let (mut i, mut line) = (0, 1);
    let mut sig = 0usize; // brackets open in a pending function's signature
    let word_at = |i: usize| {
        let end = (i..b.len()).find(|&j| !(b[j].is_ascii_alphanumeric() || b[j] == b'_')).unwrap_or(b.len());
        &text[i..end]
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => line += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
                line += text[i..end].matches('\n').count();
                i = end;
                continue;
            }
            b'"' | b'r' if c == b'"' || (b.get(i + 1) == Some(&b'#') || b.get(i + 1) == Some(&b'"')) => {
                let raw = c == b'r' && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'));
                if c == b'r' && !raw {
                    i += 1;
                    continue;
                }
                let end = if raw {
                    let hashes = b[i + 1..].iter().take_while(|&&h| h == b'#').count();
                    let close = format!("\"{}", "#".repeat(hashes));
                    let start = i + 1 + hashes + 1;
                    text[start..].find(&close).map_or(b.len(), |e| start + e + close.len())
                } else {
                    let mut j = i + 1;
                    while j < b.len() && b[j] != b'"' {
                        j += if b[j] == b'\\' { 2 } else { 1 };
                    }
                    j + 1
                };
                let end = end.min(b.len());
                line += text[i..end].matches('\n').count();
                i = end;
                continue;
            }
            b'\'' => {
                // A character literal ('x', '\n', '{'), not a lifetime ('a).
                if b.get(i + 1) == Some(&b'\\') {
                    i += text[i + 2..].find('\'').map_or(b.len(), |e| e + 3);
                    continue;
                }
                if b.get(i + 2) == Some(&b'\'') {
                    i += 3;
                    continue;
                }
                let ch = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                if b.get(i + 1 + ch) == Some(&b'\'') {
                    i += 2 + ch;
                    continue;
                }
            }
            b'(' | b'[' if pending.is_some() => sig += 1,
            b')' | b']' if pending.is_some() => sig = sig.saturating_sub(1),
            // A declaration without a body (`fn f(&self);` in a trait), not `[u8; 4]`.
            b';' if pending.is_some() && sig == 0 => pending = None,
            b'{' => {
                if let Some((name, at)) = pending.take() {
                    shapes.push(FnShape { file: file.to_string(), name, line: at, lines: 0, depth: 0 });
                    stack.push(Some(shapes.len() - 1));
                } else {
                    stack.push(None);
                    let inner = stack.iter().rposition(Option::is_some);
                    if let Some(k) = inner {
                        let f = stack[k].unwrap();
                        shapes[f].depth = shapes[f].depth.max(stack.len() - 1 - k);
                    }
                }
            }
            b'}' => {
                if let Some(Some(f)) = stack.pop() {
                    shapes[f].lines = line - shapes[f].line + 1;
                }
            }
            _ if (c.is_ascii_alphabetic() || c == b'_')
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let w = word_at(i);
                if w == "fn" {
                    let rest = &text[i + 2..];
                    let name_start = rest.len() - rest.trim_start().len();
                    let name: String =
                        rest[name_start..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if !name.is_empty() {
                        pending = Some((name, line));
                        sig = 0;
                    }
                } else if ["jv", "json", "html"].contains(&w) && b.get(i + w.len()) == Some(&b'!') {
                    // rustfmt writes `html! {`: the delimiter may follow a space.
                    let open = (i + w.len() + 1..b.len()).find(|&j| b[j] != b' ').unwrap_or(b.len());
                    if b.get(open) == Some(&b'(') || b.get(open) == Some(&b'{') || b.get(open) == Some(&b'[') {
                        // Skip the whole invocation as data.
                        let (o, cl) = match b[open] {
                            b'(' => (b'(', b')'),
                            b'{' => (b'{', b'}'),
                            _ => (b'[', b']'),
                        };
                        let (mut d, mut j) = (0usize, open);
                        while j < b.len() {
                            if b[j] == b'"' {
                                j += 1;
                                while j < b.len() && b[j] != b'"' {
                                    j += if b[j] == b'\\' { 2 } else { 1 };
                                }
                            } else if b[j] == o {
                                d += 1;
                            } else if b[j] == cl {
                                d -= 1;
                                if d == 0 {
                                    break;
                                }
                            }
                            j += 1;
                        }
                        let end = (j + 1).min(b.len());
                        line += text[i..end].matches('\n').count();
                        i = end;
                        continue;
                    }
                }
                i += w.len();
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    shapes
}

/// Every function of `src/`, outside unit tests.
fn all_fn_shapes() -> Vec<FnShape> {
    let mut all = Vec::new();
    for f in rust_files(&root().join("src")) {
        let rel = f.strip_prefix(root()).unwrap().display().to_string();
        if rel.ends_with("/tests.rs") || rel.ends_with("/proptests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        all.extend(fn_shapes(&rel, before_tests(&text)));
    }
    all
}

/// Functions allowed past the limits, each a debt this list records until it is paid (the
/// test fails when one of them is brought within the limits and left here). Only tables of
/// data may stay for good. All paid in session 6.
const LONG_OR_DEEP: &[&str] = &[];

#[test]
fn functions_are_short_and_shallow() {
    const MAX_LINES: usize = 150;
    const MAX_DEPTH: usize = 5;
    let shapes = all_fn_shapes();
    let key = |s: &FnShape| format!("{}::{}", s.file, s.name);
    let over: Vec<&FnShape> = shapes.iter().filter(|s| s.lines > MAX_LINES || s.depth > MAX_DEPTH).collect();
    let mut longest: Vec<&FnShape> = shapes.iter().collect();
    longest.sort_by_key(|s| std::cmp::Reverse(s.lines));
    let mut deepest: Vec<&FnShape> = shapes.iter().collect();
    deepest.sort_by(|a, b| b.depth.cmp(&a.depth).then(b.lines.cmp(&a.lines)));
    println!("{} functions; longest:", shapes.len());
    for s in longest.iter().take(12) {
        println!("  {:4} lines  depth {}  {}:{} {}", s.lines, s.depth, s.file, s.line, s.name);
    }
    println!("deepest:");
    for s in deepest.iter().take(12) {
        println!("  depth {}  {:4} lines  {}:{} {}", s.depth, s.lines, s.file, s.line, s.name);
    }
    let new: Vec<String> = over.iter().map(|s| key(s)).filter(|k| !LONG_OR_DEEP.contains(&k.as_str())).collect();
    let paid: Vec<&&str> = LONG_OR_DEEP.iter().filter(|k| !over.iter().any(|s| key(s) == **k)).collect();
    assert!(new.is_empty(), "over {MAX_LINES} lines or nested deeper than {MAX_DEPTH}: {new:#?}");
    assert!(paid.is_empty(), "within the limits now: take them off LONG_OR_DEEP: {paid:#?}");
}

#[test]
fn the_shape_reader_counts_blocks_not_braces_in_text() {
    let text = r##"
fn a(x: [u8; 4]) -> char {
    let s = "{ { {";
    let r = r#"{"#;
    if x[0] == 1 {
        for _ in 0..2 {
            let _ = '{';
        }
    }
    // { a comment }
    jv!({"a": {"b": {"c": 1}}});
    html! { <div>{ if x[1] == 2 { "a" } else { "b" } }</div> };
    '}'
}

trait T {
    fn b(&self);
}

fn c<'a>(s: &'a str) -> &'a str {
    s
}
"##;
    let shapes = fn_shapes("x.rs", text);
    let got: Vec<(&str, usize, usize, usize)> =
        shapes.iter().map(|s| (s.name.as_str(), s.line, s.lines, s.depth)).collect();
    assert_eq!(got, vec![("a", 2, 13, 2), ("c", 20, 3, 0)]);
}

#[test]
fn api_errors_are_worded_in_one_place() {
    // ARCHITECTURE.md, "Errors": kubectl::errors turns an API error into kubectl's words; the
    // commands, the session and the page hand it the error, never the text.
    let mut bad = Vec::new();
    for f in rust_files(&root().join("src")) {
        let rel = f.strip_prefix(root()).unwrap().display().to_string();
        if rel == "src/kubectl/errors.rs" {
            continue;
        }
        let text = code(&std::fs::read_to_string(&f).unwrap());
        if before_tests(&text).contains("Error from server") {
            bad.push(rel);
        }
    }
    assert!(bad.is_empty(), "word API errors through kubectl::errors::Error: {bad:#?}");
}

#[test]
fn kubectl_commands_print_through_their_report() {
    // ARCHITECTURE.md, kubectl: a command parses, executes and renders a Report; the report
    // reaches the terminal in one place (kubectl/stages.rs), errors are worded in one place
    // (kubectl/errors.rs), and effects are returned. Nothing writes to the terminal itself.
    let banned = ["ctx.out", ".println(", ".eprintln(", "-> i32"];
    let mut bad = Vec::new();
    for f in rust_files(&root().join("src/kubectl")) {
        let rel = f.strip_prefix(root()).unwrap().display().to_string();
        if rel == "src/kubectl/stages.rs" {
            continue;
        }
        let text = code(&std::fs::read_to_string(&f).unwrap());
        for b in banned {
            if before_tests(&text).contains(b) {
                bad.push(format!("{rel}: {b}"));
            }
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn only_the_model_writes_its_store() {
    // ARCHITECTURE.md, kubectl: everything goes through Sim::create/update/delete, as a real
    // client goes through the API server; only the model writes the store.
    let banned = ["store.put(", "store.remove(", "store.next_resource_version("];
    let bad =
        banned_uses(&["src/support", "src/manifest", "src/kubectl", "src/shell", "src/programs", "src/lab"], &banned);
    assert!(bad.is_empty(), "{bad:#?}");
}
