//! The lesson engine's unit tests: one per kind of mistake a lesson file can hold, each
//! check kind evaluated over a cluster, progress and its save, and the page lab's output marks.

use super::*;
use crate::lab::session::Session;
use crate::sim::SimConfig;

const GOOD: &str = "id: tiny
title: {ko: 작은 수업, en: A tiny lesson}
summary:
  ko: 하나
  en: one
files: [web.yaml]
steps:
- say:
    ko: 만듭니다.
    en: Make **it**.
  run:
  - kubectl apply -f web.yaml
  check:
  - exists: sts/web
  - pods:
      selector: app=nginx
      count: 2
  predict:
  - ask: {ko: '몇 개?', en: 'How many?'}
    choices:
    - text: {ko: 하나, en: one}
    - text: {ko: 둘, en: two}
      correct: true
      feedback: {ko: 네, en: right}
";

/// The error `GOOD` with `from` replaced by `to` gives.
fn mistake(from: &str, to: &str) -> LessonError {
    assert!(GOOD.contains(from), "{from}");
    load("lessons/tiny.yaml", &GOOD.replacen(from, to, 1)).unwrap_err()
}

fn at(e: &LessonError) -> (usize, usize) {
    (e.line, e.column)
}

#[test]
fn a_good_lesson_reads() {
    let l = load("lessons/tiny.yaml", GOOD).unwrap();
    assert_eq!(l.id, "tiny");
    assert_eq!(l.title.get(crate::lab::i18n::Lang::Ko), "작은 수업");
    assert_eq!(l.files, vec!["web.yaml"]);
    assert_eq!(l.steps[0].check.len(), 2);
    assert_eq!(l.steps[0].check[1].to_string(), "pods: \"app=nginx\" count 2");
    assert!(l.steps[0].predict[0].choices[1].correct);
    assert_eq!(
        l.steps[0].say.en,
        vec![Block::Para(vec![
            Inline::Text("Make ".into()),
            Inline::Strong(vec![Inline::Text("it".into())]),
            Inline::Text(".".into())
        ])]
    );
}

#[test]
fn an_unknown_key_is_named_where_it_is() {
    let e = mistake("  run:\n", "  rum:\n");
    assert_eq!(
        e.to_string(),
        "lessons/tiny.yaml:11:3: unknown key \"rum\" (expected say, run, check, predict, highlight, hints, keep)"
    );
    let e = mistake("      count: 2", "      count: 2\n      color: red");
    assert!(matches!(e.problem, Problem::UnknownKey { ref key, .. } if key == "color"));
    assert_eq!(at(&e), (18, 7));
}

#[test]
fn a_missing_language_is_named() {
    let e = mistake("    en: Make **it**.\n", "");
    assert_eq!(e.problem, Problem::MissingLanguage("en"));
    assert_eq!(at(&e), (8, 3));
    assert!(e.to_string().starts_with("lessons/tiny.yaml:8:3: missing the \"en\" text"));
    assert_eq!(mistake("  ko: 하나\n", "").problem, Problem::MissingLanguage("ko"));
}

#[test]
fn a_wrong_type_says_what_was_expected() {
    let e = mistake("      count: 2", "      count: two");
    assert_eq!(e.to_string(), "lessons/tiny.yaml:17:7: steps[0].check[1].pods.count must be a whole number, not text");
    let e = mistake("  - kubectl apply -f web.yaml", "  - [kubectl]");
    assert!(matches!(e.problem, Problem::WrongType { expected: "text", found: "a list", .. }));
    // YAML 1.1 reads a bare `yes` as true: the format says to quote it.
    let e = mistake("{ko: 하나, en: one}", "{ko: 하나, en: yes}");
    assert_eq!(e.problem.to_string(), "steps[0].predict[0].choices[0].text.en must be text, not true or false");
    assert!(matches!(mistake("files: [web.yaml]", "files: web.yaml").problem, Problem::WrongType { .. }));
}

#[test]
fn a_missing_key_is_named() {
    let e = mistake("  check:\n", "  checks:\n");
    assert_eq!(
        e.problem,
        Problem::UnknownKey {
            key: "checks".into(),
            expected: "say, run, check, predict, highlight, hints, keep".into()
        }
    );
    assert_eq!(at(&e), (13, 3));
    let e = mistake("- say:\n    ko: 만듭니다.\n    en: Make **it**.\n  run:", "- run:");
    assert_eq!(e.problem, Problem::MissingKey("say".into()));
    assert_eq!(at(&e), (8, 3));
    let e = mistake("id: tiny\n", "");
    assert_eq!(e.problem, Problem::MissingKey("id".into()));
    assert_eq!(at(&e), (1, 1));
}

#[test]
fn a_bad_regex_is_refused() {
    let e = mistake("  - exists: sts/web", "  - output: {matches: 'web-(0'}");
    assert!(matches!(e.problem, Problem::BadRegex { ref pattern, .. } if pattern == "web-(0"), "{e}");
    assert_eq!(at(&e), (14, 5));
    let e = mistake("      count: 2", "      names: '['");
    assert!(matches!(e.problem, Problem::BadRegex { .. }));
    assert_eq!(at(&e), (17, 7));
}

/// JSONPath texts with an unclosed brace (named, so that counters reading the source as text
/// see where the test ends).
const UNCLOSED: &str = "{.spec.replicas";
const UNCLOSED_INDEX: &str = "{.spec[}";
const UNENDED_RANGE: &str = "{range .items[*]}{.x}";

#[test]
fn a_bad_jsonpath_is_refused() {
    let bad = |path: &str| {
        mistake("  - exists: sts/web", &format!("  - field: {{object: sts/web, path: '{path}', equals: 2}}")).problem
    };
    assert!(matches!(bad(UNCLOSED), Problem::BadJsonPath { .. }));
    assert!(matches!(bad(UNCLOSED_INDEX), Problem::BadJsonPath { .. }));
    assert!(matches!(bad(UNENDED_RANGE), Problem::BadJsonPath { .. }));
    // A path must be an action, as -o jsonpath reads it, or it is compared as text.
    assert!(matches!(bad(".spec.replicas"), Problem::BadJsonPath { .. }));
    let ok =
        GOOD.replacen("  - exists: sts/web", "  - field: {object: sts/web, path: '{.spec.replicas}', equals: 2}", 1);
    assert!(load("x.yaml", &ok).is_ok());
}

#[test]
fn an_unknown_kind_or_object_is_refused() {
    let e = mistake("exists: sts/web", "exists: statefulsett/web");
    assert_eq!(e.problem, Problem::UnknownKind("statefulsett".into()));
    assert_eq!(at(&e), (14, 5));
    assert_eq!(mistake("exists: sts/web", "exists: web").problem, Problem::NotAnObject("web".into()));
    // Short names, plurals and kinds are all kubectl's.
    for k in ["statefulsets/web", "statefulset.apps/web", "StatefulSet/web"] {
        assert!(load("x.yaml", &GOOD.replacen("sts/web", k, 1)).is_ok(), "{k}");
    }
    let e = load("x.yaml", &GOOD.replacen("  run:", "  highlight: [pods/web-0, nope/x]\n  run:", 1)).unwrap_err();
    assert_eq!(e.problem, Problem::UnknownKind("nope".into()));
}

#[test]
fn empty_steps_and_empty_checks_are_refused() {
    let head = &GOOD[..GOOD.find("steps:").unwrap()];
    let e = load("lessons/tiny.yaml", &format!("{head}steps: []\n")).unwrap_err();
    assert_eq!(e.problem, Problem::EmptySteps);
    assert_eq!(at(&e), (7, 1));
    assert_eq!(
        mistake(
            "  check:\n  - exists: sts/web\n  - pods:\n      selector: app=nginx\n      count: 2\n",
            "  check: []\n"
        )
        .problem,
        Problem::EmptyChecks
    );
}

#[test]
fn a_question_without_a_correct_choice_is_refused() {
    let e = mistake("      correct: true\n", "");
    assert_eq!(e.problem, Problem::NoCorrectChoice);
    assert_eq!(at(&e), (20, 5));
    assert_eq!(e.to_string(), "lessons/tiny.yaml:20:5: no choice of this question is marked correct: true");
    let one = mistake("    - text: {ko: 하나, en: one}\n", "");
    assert_eq!(one.problem, Problem::TooFewChoices);
}

#[test]
fn other_mistakes_are_each_named() {
    assert_eq!(mistake("id: tiny", "id: Tiny Lesson").problem, Problem::BadId("Tiny Lesson".into()));
    assert_eq!(
        mistake("files: [web.yaml]", "files: [../web.yaml]").problem,
        Problem::BadFileName("../web.yaml".into())
    );
    assert!(load("x.yaml", &GOOD.replacen("files: [web.yaml]", "files: [examples/web/web.yaml]", 1)).is_ok());
    assert_eq!(editor_name("examples/web/web.yaml"), "web.yaml");
    assert_eq!(mistake("- kubectl apply -f web.yaml", "- '@sleep 30s'").problem, Problem::BadRunLine);
    assert_eq!(mistake("Make **it**.", "'[see](javascript:void)'").problem, Problem::BadLink("javascript:void".into()));
    assert_eq!(mistake("  - exists: sts/web", "  - exists: sts/web\n    gone: sts/web").problem, Problem::CheckShape);
    assert!(matches!(
        mistake("      count: 2", "      selector: 'app in ('").problem,
        Problem::UnknownKey { .. } | Problem::BadSelector { .. }
    ));
    assert!(matches!(mistake("selector: app=nginx", "selector: 'app in ('").problem, Problem::BadSelector { .. }));
    let e = mistake("  - exists: sts/web", "  - field: {object: sts/web, path: '{.x}', equals: 1, matches: x}");
    assert_eq!(e.problem, Problem::FieldShape);
    let long = format!("    en: {}\n", "a".repeat(format::MAX_TEXT_CHARS + 1));
    assert_eq!(mistake("    en: Make **it**.\n", &long).problem, Problem::TextTooLong);
}

#[test]
fn a_yaml_error_has_its_line_and_no_input_panics() {
    let e = mistake("  run:\n", "  run: [\n");
    assert!(matches!(e.problem, Problem::Yaml(_)));
    assert!(e.line >= 12, "{e}");
    for text in ["", "- a\n- b", "id: [", "steps: {}", "\u{0}", "id: x\ntitle: 3", "&a [*a]"] {
        assert!(load("x.yaml", text).is_err(), "{text}");
    }
    assert_eq!(load("x.yaml", &"#".repeat(format::MAX_FILE_BYTES + 1)).unwrap_err().problem, Problem::TooLarge);
}

/// A session after `lines`, and the lesson `checks` (YAML list items) belong to.
fn checks(session: &Session, output: &str, items: &str) -> Vec<bool> {
    let text = format!(
        "id: t\ntitle: {{ko: a, en: a}}\nsummary: {{ko: a, en: a}}\nsteps:\n- say: {{ko: a, en: a}}\n  check:\n{items}"
    );
    let lesson = load("t.yaml", &text).unwrap();
    let o = Observed { sim: &session.sim, namespace: session.namespace(), output };
    lesson.steps[0].check.iter().map(|c| c.holds(&o)).collect()
}

#[test]
fn checks_read_the_cluster_and_the_output() {
    let mut s = Session::new(SimConfig::seeded(crate::lab::DEFAULT_SEED));
    s.write_file("web.yaml", include_str!("../../../lessons/files/examples/application/web/web.yaml"));
    let before = "  - exists: sts/web\n  - gone: sts/web\n  - pods: {selector: app=nginx}\n  - pods: {selector: app=nginx, count: 0}\n";
    assert_eq!(checks(&s, "", before), vec![false, true, false, true]);
    crate::lab::replay::run_script(&mut s, "kubectl apply -f web.yaml\n@sleep 2m\n");
    let items = "  - exists: statefulsets/web
  - exists: pod/web-0
  - gone: pod/web-2
  - field: {object: sts/web, path: '{.status.readyReplicas}', equals: 2}
  - field: {object: pod/web-1, path: '{.status.phase}', matches: '^Run'}
  - field: {object: pod/web-1, path: '{.status.phase}', equals: Pending}
  - pods: {selector: app=nginx, count: 2, running: true, ready: true, names: 'web-[01]'}
  - pods: {selector: app=nginx, names: 'web'}
  - pods: {selector: app=nginx, count: 3}
  - pods: {selector: app=nginx, ready: false}
  - exists: pod/coredns-0
    namespace: kube-system
  - output: {matches: '^web-0$'}
";
    let got = checks(&s, "x\nweb-0\n", items);
    assert_eq!(got, vec![true, true, true, true, true, false, true, false, false, false, false, true]);
    assert_eq!(checks(&s, "web-01", "  - output: {matches: '^web-0$'}\n"), vec![false]);
}

#[test]
fn a_failed_check_says_what_it_saw() {
    let mut s = Session::new(SimConfig::seeded(1));
    crate::lab::replay::run_script(&mut s, "kubectl create deployment d --image=nginx --replicas=2\n");
    let text = "id: t\ntitle: {ko: a, en: a}\nsummary: {ko: a, en: a}\nsteps:\n- say: {ko: a, en: a}\n  check:\n  - pods: {selector: app=d, count: 3}\n";
    let lesson = load("t.yaml", text).unwrap();
    let o = Observed { sim: &s.sim, namespace: "default", output: "" };
    let seen = lesson.steps[0].check[0].observe(&o).unwrap_err();
    assert!(seen.starts_with("2 pod(s): d-"), "{seen}");
}

#[test]
fn progress_moves_on_only_when_a_step_is_done_and_survives_a_save() {
    let two = GOOD.to_string() + "- say: {ko: 끝, en: end}\n  check:\n  - gone: sts/web\n";
    let lesson = load("t.yaml", &two).unwrap();
    let mut s = Session::new(SimConfig::seeded(1));
    s.write_file("web.yaml", include_str!("../../../lessons/files/examples/application/web/web.yaml"));
    let mut p = Progress::new(&lesson, vec![0]);
    let o = |s: &Session| -> Vec<bool> {
        let o = Observed { sim: &s.sim, namespace: "default", output: "" };
        p.checks(&lesson, &o)
    };
    assert_eq!(o(&s), vec![false, false]);
    assert!(!p.next(&lesson, vec![0]));
    let chosen = p.answer(&lesson, 0, 0).unwrap();
    assert!(!chosen.correct);
    assert_eq!(p.answer(&lesson, 0, 1).map(|c| c.correct), Some(true));
    assert_eq!(p.answer(&lesson, 0, 9), None);
    assert_eq!(p.answer_of(0, 0), Some(1));
    crate::lab::replay::run_script(&mut s, "kubectl apply -f web.yaml\n@sleep 2m\n");
    let held = p.update(&lesson, &Observed { sim: &s.sim, namespace: "default", output: "" });
    assert_eq!(held, vec![true, true]);
    assert!(p.is_done(0) && !p.finished(&lesson));
    assert!(p.next(&lesson, vec![5]));
    assert_eq!((p.step, p.marks.clone()), (1, vec![5]));
    let saved = p.to_json();
    assert_eq!(Progress::from_json(&saved, &lesson), Ok(p.clone()));
    // A save is never trusted.
    let other = load("t.yaml", &GOOD.replace("id: tiny", "id: other")).unwrap();
    assert!(Progress::from_json(&saved, &other).is_err());
    assert!(Progress::from_json(&saved, &load("t.yaml", GOOD).unwrap()).is_err(), "step 1 is past a one-step lesson");
    for bad in [
        "",
        "[]",
        "{\"version\":1}",
        &saved.replace("[0,0,1]", "[0,0,7]"),
        &saved.replace("\"done\":[0]", "\"done\":[-1]"),
    ] {
        assert!(Progress::from_json(bad, &lesson).is_err(), "{bad}");
    }
}

#[test]
fn the_lab_counts_output_so_a_step_sees_only_its_own() {
    let mut lab = crate::lab::Lab::new(1, Vec::new(), 2);
    lab.run(0, "echo before");
    let marks = lab.printed();
    assert_eq!(lab.output_since(&marks), "");
    lab.run(0, "echo after");
    lab.run(1, "echo other");
    assert_eq!(lab.output_since(&marks), "after\n\nother\n");
    lab.clear(0);
    assert_eq!(lab.output_since(&marks), "other\n", "Ctrl-L forgets what it cleared");
    let lesson = load("t.yaml", "id: t\ntitle: {ko: a, en: a}\nsummary: {ko: a, en: a}\nsteps:\n- say: {ko: a, en: a}\n  check:\n  - output: {matches: '^other$'}\n").unwrap();
    let mut p = Progress::new(&lesson, marks.clone());
    assert_eq!(p.update_lab(&lesson, &lab), vec![true]);
    p.go_to(&lesson, 0, lab.printed());
    assert_eq!(p.update_lab(&lesson, &lab), vec![false]);
    // Scrubbing back puts the counts back too.
    let now = lab.now();
    lab.seek(0);
    lab.seek(now);
    assert_eq!(lab.output_since(&marks), "other\n");
}

#[test]
fn lesson_check_refuses_a_check_that_holds_before_its_step() {
    let web = include_str!("../../../lessons/files/examples/application/web/web.yaml");
    let files = |n: &str| (n == "web.yaml").then(|| web.to_string());
    let two =
        GOOD.to_string() + "- say: {ko: 또, en: again}\n  run: [kubectl get pods]\n  check:\n  - exists: sts/web\n";
    let lesson = load("t.yaml", &two).unwrap();
    let e = verify::verify("t.yaml", &lesson, &files, 1).unwrap_err();
    assert_eq!(e.to_string(), "t.yaml: check 1 of step 2 holds before its commands run (exists: sts/web); a check must show what the step changed (or mark the step keep: true)");
    let kept =
        load("t.yaml", &two.replace("  run: [kubectl get pods]", "  keep: true\n  run: [kubectl get pods]")).unwrap();
    assert!(verify::verify("t.yaml", &kept, &files, 1).is_ok());
    let never = load("t.yaml", &GOOD.replace("count: 2", "count: 4")).unwrap();
    let e = verify::verify("t.yaml", &never, &files, 1).unwrap_err();
    assert!(e.to_string().starts_with("t.yaml: check 2 of step 1 (pods: \"app=nginx\" count 4) does not hold 5m after its commands ran: 2 pod(s): web-0 Running Ready"), "{e}");
    let e = verify::verify("t.yaml", &lesson, &|_: &str| None, 1).unwrap_err();
    assert_eq!(e, verify::VerifyError::MissingFile { file: "t.yaml".into(), name: "web.yaml".into() });
}
