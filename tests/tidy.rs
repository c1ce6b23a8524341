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
    let btree_ok = ["src/sim/store.rs", "src/sim/podindex.rs", "src/sim/mod.rs"];
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
