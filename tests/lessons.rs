//! `kubelab lesson check` over every lesson in `lessons/` (through the library, as the CLI
//! does it): each file reads, each step's checks hold after its commands and not before.

use kubelab::lab::lesson::verify::{check_file, CheckError, VerifyError};
use std::path::{Path, PathBuf};

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

fn read_file(name: &str) -> Option<String> {
    std::fs::read_to_string(lessons_dir().join("files").join(name)).ok()
}

#[test]
fn every_lesson_passes_lesson_check() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(lessons_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    assert!(paths.iter().any(|p| p.ends_with("seed-lab.yaml")), "{paths:?}");
    for p in &paths {
        let name = format!("lessons/{}", p.file_name().unwrap().to_string_lossy());
        let text = std::fs::read_to_string(p).unwrap();
        // The page's seed and two others: a check must not lean on one seed's random names.
        for seed in [kubelab::lab::DEFAULT_SEED, 1, 2] {
            let verified = check_file(&name, &text, &read_file, seed);
            assert!(verified.is_ok(), "seed {seed}: {}", verified.unwrap_err());
        }
    }
}

#[test]
fn the_index_lists_every_lesson_once_and_each_lesson_asks_a_question() {
    // `lessons/index.txt` orders the lesson list: every lessons/*.yaml once, nothing else; and
    // each lesson reads, its id is its file's name, and it asks at least one question.
    let index = std::fs::read_to_string(lessons_dir().join("index.txt")).unwrap();
    let listed: Vec<&str> = index.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    let mut files: Vec<String> = std::fs::read_dir(lessons_dir())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    let mut sorted: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
    sorted.sort();
    assert_eq!(sorted, files, "index.txt must list every lesson file once");
    assert_eq!(listed.first(), Some(&"seed-lab.yaml"));
    assert!(listed.len() >= 8, "issue 14 ships eight lessons: {listed:?}");
    for name in &listed {
        let text = std::fs::read_to_string(lessons_dir().join(name)).unwrap();
        let lesson = kubelab::lab::lesson::load(&format!("lessons/{name}"), &text).unwrap();
        assert_eq!(format!("{}.yaml", lesson.id), *name);
        assert!(lesson.steps.iter().any(|s| !s.predict.is_empty()), "{name} asks no question");
    }
}

#[test]
fn the_seed_lesson_asks_before_it_shows() {
    let text = std::fs::read_to_string(lessons_dir().join("seed-lab.yaml")).unwrap();
    let lesson = kubelab::lab::lesson::load("lessons/seed-lab.yaml", &text).unwrap();
    let asks: Vec<&str> = lesson.steps.iter().flat_map(|s| &s.predict).map(|p| p.ask.en.as_str()).collect();
    assert!(asks.contains(&"What name will the pod that replaces web-0 get?"), "{asks:?}");
    assert_eq!(lesson.files, vec!["examples/application/web/web.yaml"]);
}

#[test]
fn a_vacuous_check_fails_lesson_check() {
    // The seed lesson with a check that already holds before its step: the claims exist from
    // step 1 on, so checking for them after `kubectl get pvc` proves nothing.
    let text = std::fs::read_to_string(lessons_dir().join("seed-lab.yaml")).unwrap();
    let vacuous = text.replacen(
        "  - output: {matches: 'www-web-0\\s+Bound'}",
        "  - exists: pvc/www-web-0\n  - output: {matches: 'www-web-0\\s+Bound'}",
        1,
    );
    assert_ne!(vacuous, text);
    let e = check_file("lessons/seed-lab.yaml", &vacuous, &read_file, kubelab::lab::DEFAULT_SEED).unwrap_err();
    assert!(matches!(e, CheckError::Replay(VerifyError::Vacuous { step: 9, check: 1, .. })), "{e}");
    assert_eq!(
        e.to_string(),
        "lessons/seed-lab.yaml: check 1 of step 9 holds before its commands run (exists: pvc/www-web-0); a check must show what the step changed (or mark the step keep: true)"
    );
}

#[test]
fn a_check_that_never_holds_names_the_lesson_the_step_and_the_check() {
    let text = std::fs::read_to_string(lessons_dir().join("seed-lab.yaml")).unwrap();
    let wrong = text.replacen("count: 5, running: true", "count: 6, running: true", 1);
    let e = check_file("lessons/seed-lab.yaml", &wrong, &read_file, kubelab::lab::DEFAULT_SEED).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("lessons/seed-lab.yaml: check 1 of step 13 (pods: \"app=nginx\" count 6 running ready names /web-[0-4]/) does not hold 5m after its commands ran: 5 pod(s): web-0 Running Ready"),
        "{msg}"
    );
}

#[test]
fn the_cli_checks_lessons_and_drafts_them() {
    let kubelab = || std::process::Command::new(env!("CARGO_BIN_EXE_kubelab"));
    // No path: every lessons/*.yaml of the working directory.
    let out = kubelab().args(["lesson", "check"]).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("lessons/seed-lab.yaml: ok (16 steps"), "{stdout}");
    // In the lesson list's order (index.txt), not the files' names'.
    let checked: Vec<&str> = stdout.lines().filter_map(|l| l.split(": ok").next()).collect();
    let index = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/lessons/index.txt")).unwrap();
    let listed: Vec<String> = kubelab::lab::lesson::index::read(&index).unwrap();
    let wanted: Vec<String> = listed.iter().map(|f| format!("lessons/{f}")).collect();
    assert_eq!(checked[..wanted.len()], wanted.iter().map(String::as_str).collect::<Vec<_>>()[..], "{stdout}");
    let dir = std::env::temp_dir().join(format!("kubelab-lessons-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("files")).unwrap();
    std::fs::write(dir.join("web.yaml"), include_str!("../lessons/files/examples/application/web/web.yaml")).unwrap();
    std::fs::write(dir.join("files/web.yaml"), include_str!("../lessons/files/examples/application/web/web.yaml"))
        .unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "id: bad\ntitle: {ko: a, en: a}\nsummary: {ko: a}\nsteps: []\n").unwrap();
    let out = kubelab().args(["lesson", "check", bad.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.ends_with("bad.yaml:3:1: missing the \"en\" text: write every text in both ko and en\n"),
        "{stderr}"
    );
    // A draft from a replay script passes the check as it is written.
    let script = dir.join("draft.replay");
    std::fs::write(&script, "kubectl apply -f web.yaml\n\nkubectl scale sts web --replicas=3\n").unwrap();
    let out = kubelab().args(["lesson", "new", script.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success());
    let draft = dir.join("draft.yaml");
    std::fs::write(&draft, &out.stdout).unwrap();
    let out = kubelab().args(["lesson", "check", draft.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_example_in_lessons_readme_passes_lesson_check() {
    let readme = std::fs::read_to_string(lessons_dir().join("README.md")).unwrap();
    let start = readme.find("## A complete example\n\n```yaml\n").unwrap() + "## A complete example\n\n```yaml\n".len();
    let example = &readme[start..start + readme[start..].find("```\n").unwrap()];
    let verified = check_file("lessons/README.md", example, &read_file, kubelab::lab::DEFAULT_SEED);
    assert_eq!(verified.map(|v| v.steps), Ok(2));
}

#[test]
fn mangled_lesson_files_are_refused_in_words_never_a_panic() {
    // A lesson can come from any URL (`?lesson-url=`): cut, repeat and splice the seed lesson
    // (a seeded generator, so a failure repeats) and read each result.
    let text = std::fs::read_to_string(lessons_dir().join("seed-lab.yaml")).unwrap();
    let tokens =
        ["{", "[", "*", "**", "`", "](", "- ", ": ", "\n", "'", "\"", "&a ", "*a", "{.x[", "(?", "\t", "ko", "en"];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    let mut refused = 0;
    for _ in 0..400 {
        let mut b = text.clone().into_bytes();
        for _ in 0..1 + next(4) {
            let at = next(b.len());
            let len = next(40).min(b.len() - at);
            match next(3) {
                0 => drop(b.drain(at..at + len)),
                1 => {
                    let piece: Vec<u8> = b[at..at + len].to_vec();
                    b.splice(at..at, piece);
                }
                _ => drop(b.splice(at..at, tokens[next(tokens.len())].bytes())),
            }
        }
        let mangled = String::from_utf8_lossy(&b);
        match kubelab::lab::lesson::load("lessons/x.yaml", &mangled) {
            Ok(lesson) => assert!(!lesson.steps.is_empty()),
            Err(e) => {
                assert!(e.to_string().starts_with("lessons/x.yaml:"), "{e}");
                assert!(e.line >= 1 && e.column >= 1);
                refused += 1;
            }
        }
    }
    assert!(refused > 100, "{refused}");
}
