//! `kubelab lesson new SCRIPT.replay`: a lesson drafted from a replay script, for a teacher to
//! finish. Each group of lines (groups are separated by a blank line) becomes a step: its
//! comment lines are the draft narration, its lines the step's `run`, and its checks are read
//! off the cluster after it (objects made or deleted, the pods of each workload that changed;
//! failing those, the last line the step printed).

use crate::lab::session::{under_home, Loader, Session};
use crate::lab::{Act, Lab};
use crate::sim::labels::Selector;
use crate::sim::{obj, Kind, ObjKey};

/// Kinds whose objects a lesson names (the rest are the cluster's own bookkeeping).
const NAMED: &[Kind] = &[
    Kind::Service,
    Kind::StatefulSet,
    Kind::Deployment,
    Kind::ConfigMap,
    Kind::Secret,
    Kind::PersistentVolumeClaim,
    Kind::Pod,
];

/// Longest a step's cluster is given to settle before its state is read.
const SETTLE_MS: u64 = 3 * 60_000;

/// What a script step does, in order.
enum Item {
    Line(String),
    Sleep(u64),
}

/// One step of the draft.
#[derive(Default)]
struct Draft {
    notes: Vec<String>,
    items: Vec<Item>,
}

/// The cluster as the checks see it: named objects, and each workload's pods.
#[derive(PartialEq)]
struct State {
    objects: Vec<ObjKey>,
    /// (workload, its selector, pods, Running ones, Ready ones).
    workloads: Vec<(ObjKey, String, usize, usize, usize)>,
}

/// The draft lesson, as YAML text.
pub fn skeleton(id: &str, script: &str, session: &mut Session) -> String {
    let drafts = groups(script);
    let mut files: Vec<String> = Vec::new();
    let mut steps = String::new();
    for d in &drafts {
        let before = state(session);
        let (run, output) = run_items(session, &d.items, &mut files);
        settle(session);
        let checks = checks(&before, &state(session), &output);
        steps.push_str(&step_text(d, &run, &checks));
    }
    let mut seen = Vec::new();
    files.retain(|f| {
        let new = !seen.contains(f);
        seen.push(f.clone());
        new
    });
    let files = files.iter().map(|f| quote(f)).collect::<Vec<_>>().join(", ");
    format!(
        "# Drafted by `kubelab lesson new`: write the narration in both languages, look over the\n\
         # checks, then run `kubelab lesson check` on this file.\n\
         id: {}\ntitle: {{ko: 'TODO', en: 'TODO'}}\nsummary: {{ko: 'TODO', en: 'TODO'}}\nfiles: [{files}]\nsteps:\n{steps}",
        quote(id)
    )
}

/// The lines typed in `lab` so far (every terminal's, in the order typed) as a replay script,
/// a step each: the page's "Save as lesson" drafts what `kubelab lesson new` makes of it.
pub fn script_of(lab: &Lab) -> String {
    let lines = lab.journal[..lab.applied].iter().filter_map(|e| match &e.act {
        Act::Line(l) if !l.trim().is_empty() => Some(format!("{l}\n")),
        _ => None,
    });
    lines.collect::<Vec<_>>().join("\n")
}

/// The page's "Save as lesson": the draft of `script_of(lab)`, replayed as `kubelab lesson
/// new` replays it (the default seed, a fresh cluster) with the lab's editor files as the
/// script's folder.
pub fn from_lab(lab: &Lab, id: &str) -> String {
    let files = lab.files.clone();
    let loader: Loader = std::rc::Rc::new(move |path: &str| {
        let name = under_home(path)?;
        files.iter().find(|(n, _)| n == name).map(|(_, text)| text.as_bytes().to_vec())
    });
    let mut session = Session::new(crate::sim::SimConfig::seeded(crate::lab::DEFAULT_SEED)).with_loader(loader);
    skeleton(id, &script_of(lab), &mut session)
}

/// Runs a step's lines (and sleeps): the lines, and what they printed. The files they give
/// to `-f` join `files`.
fn run_items(session: &mut Session, items: &[Item], files: &mut Vec<String>) -> (Vec<String>, String) {
    let mut output = String::new();
    let mut run = Vec::new();
    for item in items {
        match item {
            Item::Line(l) => {
                output.push_str(&session.run_line(l).0.text());
                run.push(l.clone());
                files.extend(file_args(l));
            }
            Item::Sleep(ms) => {
                session.sleep(*ms);
            }
        }
    }
    (run, output)
}

/// The script's groups of lines, each a step; comment lines are kept as notes.
fn groups(script: &str) -> Vec<Draft> {
    let script = script.strip_prefix('\u{FEFF}').unwrap_or(script);
    let lines: Vec<&str> = script.lines().map(|l| l.trim_end_matches('\r')).collect();
    let mut drafts = vec![Draft::default()];
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        i += 1;
        let cur = drafts.last_mut().expect("drafts start with one");
        if t.is_empty() {
            if !cur.items.is_empty() || !cur.notes.is_empty() {
                drafts.push(Draft::default());
            }
        } else if let Some(note) = t.strip_prefix('#') {
            cur.notes.push(note.trim().to_string());
        } else if let Some(d) = t.strip_prefix("@sleep") {
            if let Some(ms) = crate::lab::replay::parse_duration_ms(d) {
                cur.items.push(Item::Sleep(ms));
            }
        } else {
            let mut reader = crate::shell::LineReader::default();
            let mut more = reader.push(lines[i - 1]);
            while more && i < lines.len() {
                more = reader.push(lines[i]);
                i += 1;
            }
            cur.items.push(Item::Line(reader.take()));
        }
    }
    drafts.retain(|d| d.items.iter().any(|i| matches!(i, Item::Line(_))));
    drafts
}

/// Plain file names given to `-f` (`kubectl apply -f web.yaml`): the lesson's editor files.
fn file_args(line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    words
        .windows(2)
        .filter(|w| w[0] == "-f" || w[0] == "--filename")
        .map(|w| w[1].trim_matches(['"', '\'']))
        .filter(|f| !f.is_empty() && *f != "-" && !f.contains('/') && !f.contains('$'))
        .map(String::from)
        .collect()
}

/// Lets the cluster settle (nothing left to happen, or a few virtual minutes).
fn settle(session: &mut Session) {
    let mut waited = 0;
    while session.sim.next_due().is_some() && waited < SETTLE_MS {
        session.sleep(1000);
        waited += 1000;
    }
}

fn state(session: &Session) -> State {
    let ns = session.namespace();
    let store = &session.sim.store;
    let mut objects = Vec::new();
    for kind in NAMED {
        for (k, o) in store.list(*kind, Some(ns)) {
            // A workload's pods are counted, not named.
            if *kind != Kind::Pod || obj::controller_ref(o).is_none() {
                objects.push(k.clone());
            }
        }
    }
    let mut workloads = Vec::new();
    for kind in [Kind::StatefulSet, Kind::Deployment] {
        for (k, o) in store.list(kind, Some(ns)) {
            let sel = Selector::from_label_selector(o.pointer("/spec/selector").unwrap_or(&serde_json::Value::Null));
            let pods: Vec<&serde_json::Value> =
                store.list(Kind::Pod, Some(ns)).map(|(_, p)| p).filter(|p| sel.matches_obj(p)).collect();
            let live = |p: &&&serde_json::Value| !obj::is_deleting(p);
            let running =
                pods.iter().filter(live).filter(|p| obj::str_at(p, "/status/phase") == Some("Running")).count();
            let ready = pods.iter().filter(live).filter(|p| obj::condition_true(p, "Ready")).count();
            workloads.push((k.clone(), sel.to_text(), pods.len(), running, ready));
        }
    }
    State { objects, workloads }
}

/// The checks of a step, as YAML list items.
fn checks(before: &State, after: &State, output: &str) -> Vec<String> {
    let name = |k: &ObjKey| {
        let info = k.kind.info();
        quote(&format!("{}/{}", info.short.first().unwrap_or(&info.singular), k.name))
    };
    let mut out: Vec<String> = Vec::new();
    out.extend(after.objects.iter().filter(|k| !before.objects.contains(k)).map(|k| format!("exists: {}", name(k))));
    out.extend(before.objects.iter().filter(|k| !after.objects.contains(k)).map(|k| format!("gone: {}", name(k))));
    for w in &after.workloads {
        if before.workloads.contains(w) {
            continue;
        }
        let (_, sel, pods, running, ready) = w;
        let mut c = format!("pods: {{selector: {}, count: {pods}", quote(sel));
        if *pods > 0 {
            c.push_str(&format!(", running: {}, ready: {}", running == pods, ready == pods));
        }
        out.push(c + "}");
    }
    for (k, sel, pods, ..) in &before.workloads {
        if *pods > 0 && !after.workloads.iter().any(|w| w.0 == *k) {
            out.push(format!("pods: {{selector: {}, count: 0}}", quote(sel)));
        }
    }
    if out.is_empty() {
        out.push(match output.lines().rev().map(str::trim).find(|l| !l.is_empty()) {
            Some(last) => format!("output: {{matches: {}}}", quote(&regex_lite::escape(last))),
            None => "output: {matches: 'TODO: what the step prints'}".to_string(),
        });
    }
    out
}

fn step_text(d: &Draft, run: &[String], checks: &[String]) -> String {
    let en = if d.notes.is_empty() { "TODO".to_string() } else { d.notes.join(" ") };
    let mut s = format!("- say:\n    ko: 'TODO'\n    en: {}\n  run:\n", quote(&en));
    for l in run {
        s.push_str(&format!("  - {}\n", quote(l)));
    }
    s.push_str("  check:\n");
    for c in checks {
        s.push_str(&format!("  - {c}\n"));
    }
    s
}

/// A YAML scalar: single-quoted, or double-quoted with escapes when it holds a line break or a
/// control character.
fn quote(s: &str) -> String {
    if s.chars().any(char::is_control) {
        crate::support::gofmt::go_json_escape(&serde_json::Value::String(s.to_string()).to_string())
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimConfig;

    #[test]
    fn a_replay_script_becomes_a_lesson_that_loads_and_passes() {
        let script = "# Make the set.\nkubectl apply -f web.yaml\n\n# Who am I?\nkubectl exec web-0 -- hostname\n\nkubectl delete pod web-0\n\n@sleep 1m\nkubectl delete -f web.yaml\n";
        let web = include_str!("../../../lessons/files/examples/application/web/web.yaml");
        let mut s = Session::new(SimConfig::seeded(crate::lab::DEFAULT_SEED));
        s.write_file("web.yaml", web);
        let text = skeleton("drafted", script, &mut s);
        assert!(text.contains("files: ['web.yaml']"), "{text}");
        assert!(text.contains("  - exists: 'sts/web'\n"), "{text}");
        assert!(text.contains("  - pods: {selector: 'app=nginx', count: 2, running: true, ready: true}\n"), "{text}");
        assert!(text.contains("  - output: {matches: 'web\\-0'}\n"), "{text}");
        assert!(text.contains("    en: 'Who am I?'\n"), "{text}");
        assert!(text.contains("  - gone: 'sts/web'\n"), "{text}");
        let lesson = super::super::load("drafted.yaml", &text).unwrap();
        assert_eq!(lesson.steps.len(), 4);
        let files = |n: &str| (n == "web.yaml").then(|| web.to_string());
        let verified = super::super::verify::verify("drafted.yaml", &lesson, &files, crate::lab::DEFAULT_SEED);
        assert!(verified.is_ok(), "{verified:?}\n{text}");
    }
}
