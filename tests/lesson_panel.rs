//! The lesson panel without the page (`lab::lesson::guide`): the lesson list as the site
//! serves it, opening a lesson (first visit, `?lesson=`, `?lesson-url=`, a reload), Run typing
//! its lines into a terminal, the checks re-evaluated as the clock runs, Next, predict
//! answers, Restart, and what a failed fetch or a bad file leaves (a message, the lab as it was).

use kubelab::lab::lesson::guide::{Action, Effect, Guide, Target};
use kubelab::lab::lesson::index::{self, INDEX_URL};
use kubelab::lab::Lab;
use std::path::{Path, PathBuf};

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

fn site_file(url: &str) -> String {
    let rel = url.strip_prefix("lessons/").expect("a site address");
    std::fs::read_to_string(lessons_dir().join(rel)).unwrap_or_else(|e| panic!("{url}: {e}"))
}

/// The page's part: fetches (from the folder), typing (as Enter does: `Lab::run`).
fn perform(g: &mut Guide, lab: &mut Lab, effects: Vec<Effect>) -> Vec<Effect> {
    let mut seen = Vec::new();
    for fx in effects {
        seen.push(fx.clone());
        let more = match fx {
            Effect::Fetch(url) => {
                let text = Ok(site_file(&url));
                g.reduce(Action::Fetched { url, text }, lab)
            }
            Effect::Type(t, line) => {
                lab.run(t, &line);
                Vec::new()
            }
            Effect::NewLab | Effect::Save | Effect::ShowFile(_) => Vec::new(),
        };
        seen.extend(perform(g, lab, more));
    }
    seen
}

fn act(g: &mut Guide, lab: &mut Lab, a: Action) -> Vec<Effect> {
    let fx = g.reduce(a, lab);
    perform(g, lab, fx)
}

/// Lets the clock run a second at a time (the page's ticks) until Next opens.
fn run_until_next(g: &mut Guide, lab: &mut Lab) -> u64 {
    for s in 0..300 {
        lab.advance(1000);
        if g.wants_tick(lab) {
            act(g, lab, Action::Tick);
        }
        if g.can_next() {
            return s;
        }
    }
    panic!("step {} never done: {:?}", g.progress.step + 1, g.held);
}

fn first_visit() -> (Guide, Lab) {
    let mut g = Guide::default();
    let mut lab = Lab::seed_lab();
    assert_eq!(act(&mut g, &mut lab, Action::Open { target: Target::First, step: None, fresh: false }), vec![]);
    assert!(g.open && g.loading(), "waits for the index");
    let url = INDEX_URL.to_string();
    let fx = act(&mut g, &mut lab, Action::Fetched { text: Ok(site_file(&url)), url });
    assert_eq!(fx[0], Effect::Fetch("lessons/seed-lab.yaml".into()));
    assert_eq!(fx[1], Effect::Fetch("lessons/files/examples/application/web/web.yaml".into()));
    assert!(fx.contains(&Effect::ShowFile("web.yaml".into())), "the editor shows the lesson's file: {fx:?}");
    (g, lab)
}

#[test]
fn the_index_names_files_of_lessons_and_nothing_else() {
    let listed = index::read(&site_file(INDEX_URL)).unwrap();
    assert_eq!(listed[0], "seed-lab.yaml", "lesson 1 comes first");
    assert_eq!(index::read("# c\n\n a.yaml \nb.yaml").unwrap(), ["a.yaml", "b.yaml"]);
    for bad in ["../x.yaml", "files/web.yaml", ".hidden.yaml", "x.yml", "https://e.com/x.yaml"] {
        let e = index::read(&format!("a.yaml\n{bad}\n")).unwrap_err();
        assert_eq!(e, format!("lessons/index.txt:2: \"{bad}\" is not a lesson file of lessons/"));
    }
}

#[test]
fn the_list_reads_each_lesson_when_it_is_opened() {
    let (mut g, mut lab) = first_visit();
    assert!(g.entries.is_empty(), "nothing fetched for the list until it is shown");
    let fx = act(&mut g, &mut lab, Action::List(true));
    let files = index::read(&site_file(INDEX_URL)).unwrap();
    assert_eq!(fx.len(), files.len(), "{fx:?}");
    assert_eq!(g.entries.len(), files.len());
    for (file, e) in &g.entries {
        let e = e.as_ref().unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(format!("{}.yaml", e.id), *file);
        assert!(e.steps > 0 && !e.title.ko.is_empty() && !e.title.en.is_empty());
    }
    assert_eq!(g.done_count("seed-lab"), 0);
    // Shown again: nothing fetched twice.
    act(&mut g, &mut lab, Action::List(false));
    assert_eq!(act(&mut g, &mut lab, Action::List(true)), vec![]);
    // A listed file that does not read is named in the list, in the format's words.
    let url = format!("lessons/{}", files[1]);
    g.entries[1].1 = Err(String::new());
    g.reduce(Action::Fetched { url, text: Ok("id: [".into()) }, &mut lab);
    let e = g.entries[1].1.as_ref().unwrap_err();
    assert!(e.starts_with(&format!("lessons/{}:", files[1])) && e.contains("the YAML does not read"), "{e}");
}

#[test]
fn a_first_visit_opens_lesson_1_ready_to_start_in_the_lab_as_it_is() {
    let (g, lab) = first_visit();
    let l = g.lesson.as_ref().unwrap();
    assert_eq!((l.id.as_str(), g.progress.step, g.url.as_str()), ("seed-lab", 0, "lessons/seed-lab.yaml"));
    assert!(g.error.is_none() && !g.loading());
    assert!(lab.journal.is_empty(), "nothing typed for the learner");
    assert!(lab.files.iter().any(|(n, _)| n == "deploy.yaml"), "the page's other files stay");
    assert!(!g.can_next());
}

#[test]
fn a_lesson_opened_in_the_lab_as_it_is_keeps_the_learners_edits() {
    let mut g = Guide::default();
    let mut lab = Lab::seed_lab();
    // Edited before the lesson's files arrive (a first visit's fetch is slower than a hand).
    lab.set_file("web.yaml", "# mine\n");
    act(&mut g, &mut lab, Action::Open { target: Target::Id("seed-lab".into()), step: None, fresh: false });
    assert_eq!(g.lesson.as_ref().unwrap().id, "seed-lab");
    assert_eq!(lab.files.iter().find(|(n, _)| n == "web.yaml").unwrap().1, "# mine\n");
    // A file the editor lacks joins it.
    lab.files.retain(|(n, _)| n != "web.yaml");
    act(&mut g, &mut lab, Action::Open { target: Target::Id("seed-lab".into()), step: None, fresh: false });
    assert!(lab.files.iter().any(|(n, t)| n == "web.yaml" && t.contains("kind: StatefulSet")));
}

#[test]
fn run_types_the_steps_lines_and_next_opens_when_the_checks_hold() {
    let (mut g, mut lab) = first_visit();
    act(&mut g, &mut lab, Action::Tick);
    assert_eq!(g.held, vec![false, false, false]);
    // The predict question, before Run.
    assert_eq!(act(&mut g, &mut lab, Action::Answer { question: 0, choice: 1 }), vec![Effect::Save]);
    assert_eq!(g.progress.answer_of(0, 0), Some(1));
    assert!(g.lesson.as_ref().unwrap().steps[0].predict[0].choices[1].correct);
    let fx = act(&mut g, &mut lab, Action::Run);
    let line = "kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx";
    assert_eq!(fx[0], Effect::Type(0, line.into()));
    assert_eq!(lab.terms[0].history.last().map(String::as_str), Some(line), "typed where it shows");
    assert!(!g.can_next(), "the pods are not Ready at once");
    run_until_next(&mut g, &mut lab);
    assert_eq!(g.held, vec![true, true, true]);
    act(&mut g, &mut lab, Action::Next);
    assert_eq!((g.progress.step, g.progress.done.clone()), (1, vec![0]));
    assert!(!g.can_next() && g.hints == 0);
    // The watch still holds terminal 0: Run types into terminal 1, and stays there.
    assert!(lab.busy(0));
    let fx = act(&mut g, &mut lab, Action::Run);
    assert!(matches!(&fx[0], Effect::Type(1, l) if l.contains("hostname")), "{fx:?}");
    run_until_next(&mut g, &mut lab);
    act(&mut g, &mut lab, Action::Next);
    let fx = act(&mut g, &mut lab, Action::Run);
    assert!(matches!(&fx[0], Effect::Type(1, l) if l.contains("netshoot")), "{fx:?}");
    assert_eq!(g.term, 1);
}

#[test]
fn run_waits_for_a_line_that_waits_before_typing_the_next() {
    let lesson = "id: waits\ntitle: {ko: 기다림, en: Waits}\nsummary: {ko: 요약, en: Summary}\nsteps:\n- say: {ko: 가, en: a}\n  run:\n  - kubectl run web --image=nginx\n  - kubectl delete pod web\n  - kubectl get pods\n  check:\n  - output: {matches: 'No resources found'}\n";
    let mut g = Guide::default();
    let mut lab = Lab::seed_lab();
    let url = "https://example.com/lessons/waits.yaml".to_string();
    let fx = g.reduce(Action::Open { target: Target::Url(url.clone()), step: None, fresh: false }, &mut lab);
    assert_eq!(fx, vec![Effect::Fetch(url.clone())]);
    let fx = g.reduce(Action::Fetched { url, text: Ok(lesson.into()) }, &mut lab);
    assert_eq!(fx, vec![Effect::Save], "no editor files to fetch: open at once");
    let fx = act(&mut g, &mut lab, Action::Run);
    assert_eq!(fx[0], Effect::Type(0, "kubectl run web --image=nginx".into()));
    let mut typed = Vec::new();
    for _ in 0..120 {
        lab.advance(1000);
        if g.wants_tick(&lab) {
            for fx in act(&mut g, &mut lab, Action::Tick) {
                if let Effect::Type(_, l) = fx {
                    // Each line is typed only when the terminal has its prompt back.
                    typed.push((l, lab.now()));
                }
            }
        }
        if g.progress.is_done(0) {
            break;
        }
    }
    let lines: Vec<&str> = typed.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(lines, ["kubectl delete pod web", "kubectl get pods"]);
    assert!(typed[1].1 > typed[0].1, "`get pods` waited for the delete: {typed:?}");
    assert!(g.progress.is_done(0), "{:?}", lab.terms[0].scrollback);
}

#[test]
fn progress_survives_a_reload() {
    let (mut g, mut lab) = first_visit();
    act(&mut g, &mut lab, Action::Answer { question: 0, choice: 0 });
    act(&mut g, &mut lab, Action::Run);
    run_until_next(&mut g, &mut lab);
    act(&mut g, &mut lab, Action::Next);
    let saved_lab = lab.save();
    let json = g.to_json();
    // The reload: the lab from its save, the panel from its.
    let mut lab = Lab::restore(saved_lab, 2).unwrap();
    let (mut g2, target) = Guide::from_json(&json);
    assert_eq!(target, Some(Target::File("seed-lab.yaml".into())));
    assert!(g2.open);
    act(&mut g2, &mut lab, Action::Open { target: target.unwrap(), step: None, fresh: false });
    assert_eq!((g2.progress.step, g2.progress.done.clone()), (1, vec![0]));
    assert_eq!(g2.progress.answer_of(0, 0), Some(0));
    assert_eq!(g2.progress.marks, g.progress.marks, "the step's output is counted from where it was");
    assert_eq!(g2.done_count("seed-lab"), 1);
    // Unreadable saves are ignored, never trusted.
    for bad in ["", "{", "{\"version\": 2}", "{\"version\": 1, \"progress\": 3, \"term\": 99}"] {
        let (g, t) = Guide::from_json(bad);
        assert!(t.is_none() && !g.open && g.term <= 8, "{bad}");
    }
}

#[test]
fn lesson_and_step_from_the_address_open_at_that_step() {
    let mut g = Guide::default();
    let mut lab = Lab::seed_lab();
    act(&mut g, &mut lab, Action::Open { target: Target::Id("seed-lab".into()), step: Some(3), fresh: false });
    assert_eq!(g.progress.step, 3);
    let fx = g.reduce(Action::Open { target: Target::Id("no-such".into()), step: None, fresh: false }, &mut lab);
    assert_eq!(fx, vec![Effect::Fetch("lessons/no-such.yaml".into())]);
    g.reduce(Action::Fetched { url: "lessons/no-such.yaml".into(), text: Err("HTTP 404".into()) }, &mut lab);
    assert_eq!(g.error.as_deref(), Some("lessons/no-such.yaml: HTTP 404"));
    act(&mut g, &mut lab, Action::Open { target: Target::Id("../x".into()), step: None, fresh: false });
    assert_eq!(g.error.as_deref(), Some("\"../x\" is not a lesson id (lowercase letters, digits and -)"));
    assert_eq!(g.progress.step, 3, "the open lesson stays");
}

#[test]
fn a_links_step_is_shown_without_lowering_the_step_reached() {
    // The learner does steps 1 and 2 and stands at step 3.
    let (mut g, mut lab) = first_visit();
    act(&mut g, &mut lab, Action::Answer { question: 0, choice: 0 });
    for _ in 0..2 {
        act(&mut g, &mut lab, Action::Run);
        run_until_next(&mut g, &mut lab);
        act(&mut g, &mut lab, Action::Next);
    }
    assert_eq!((g.progress.step, g.progress.done.clone()), (2, vec![0, 1]));
    let own = g.to_json();
    // A link (or `?lesson=seed-lab&step=1`) opens the lesson at its first step: it is shown.
    let (mut g2, _) = Guide::from_json(&own);
    act(&mut g2, &mut lab, Action::Open { target: Target::Id("seed-lab".into()), step: Some(0), fresh: false });
    assert_eq!(g2.progress.step, 0);
    assert_eq!((g2.progress.reached, g2.progress.done.clone()), (2, vec![0, 1]), "nothing lowered");
    // What the page saves then still says step 3 was reached; opened again without a step,
    // the lesson is back there.
    let (mut g3, target) = Guide::from_json(&g2.to_json());
    act(&mut g3, &mut lab, Action::Open { target: target.unwrap(), step: None, fresh: false });
    assert_eq!((g3.progress.step, g3.progress.reached, g3.progress.done.clone()), (2, 2, vec![0, 1]));
    assert_eq!(g3.done_count("seed-lab"), 2);
    // Leaving the link's lab for one's own goes back to the step reached too.
    act(&mut g2, &mut lab, Action::Resume);
    assert_eq!(g2.progress.step, 2);
    // A step further than reached raises it; the learner's own Restart starts over.
    act(&mut g2, &mut lab, Action::Open { target: Target::Id("seed-lab".into()), step: Some(3), fresh: false });
    assert_eq!((g2.progress.step, g2.progress.reached), (3, 3));
    act(&mut g2, &mut lab, Action::Restart);
    assert_eq!((g2.progress.step, g2.progress.reached), (0, 0));
    // A save from before `reached` was kept reads as having reached its step.
    let old = own.replace("\"reached\":2,", "");
    assert_ne!(old, own);
    let (mut g4, target) = Guide::from_json(&old);
    act(&mut g4, &mut lab, Action::Open { target: target.unwrap(), step: None, fresh: false });
    assert_eq!((g4.progress.step, g4.progress.reached), (2, 2));
}

#[test]
fn a_failed_fetch_or_a_bad_file_leaves_a_message_and_the_lab_as_it_was() {
    let (mut g, mut lab) = first_visit();
    lab.run(0, "kubectl get pods");
    let journal = lab.journal.len();
    let url = "https://example.com/x/missing.yaml".to_string();
    g.reduce(Action::Open { target: Target::Url(url.clone()), step: None, fresh: false }, &mut lab);
    act(&mut g, &mut lab, Action::Fetched { url: url.clone(), text: Err("HTTP 404".into()) });
    assert_eq!(g.error.as_deref(), Some("https://example.com/x/missing.yaml: HTTP 404"));
    let url = "https://example.com/x/bad.yaml".to_string();
    g.reduce(Action::Open { target: Target::Url(url.clone()), step: None, fresh: false }, &mut lab);
    let text =
        "id: bad\ntitle: {ko: 가, en: a}\nsummary: {ko: 가, en: a}\nsteps:\n- say: {ko: 가, en: a}\n  chekc: []\n";
    act(&mut g, &mut lab, Action::Fetched { url, text: Ok(text.into()) });
    assert_eq!(
        g.error.as_deref(),
        Some("bad.yaml:6:3: unknown key \"chekc\" (expected say, run, check, predict, highlight, hints, keep)")
    );
    act(&mut g, &mut lab, Action::Open { target: Target::Url("javascript:alert(1)".into()), step: None, fresh: false });
    assert_eq!(g.error.as_deref(), Some("javascript:alert(1): not a web address (https://…)"));
    // A site lesson's errors name it as lessons/NAME.yaml.
    assert_eq!(kubelab::lab::lesson::guide::error_name("lessons/seed-lab.yaml"), "lessons/seed-lab.yaml");
    assert_eq!(g.lesson.as_ref().unwrap().id, "seed-lab", "the open lesson stays");
    assert_eq!(lab.journal.len(), journal, "the lab is untouched");
    // A late answer to a fetch nobody waits for is dropped.
    assert_eq!(
        g.reduce(Action::Fetched { url: "lessons/seed-lab.yaml".into(), text: Ok(String::new()) }, &mut lab),
        vec![]
    );
}

#[test]
fn restart_and_a_lesson_chosen_from_the_list_start_a_fresh_cluster() {
    let (mut g, mut lab) = first_visit();
    act(&mut g, &mut lab, Action::Run);
    run_until_next(&mut g, &mut lab);
    act(&mut g, &mut lab, Action::Next);
    let fx = act(&mut g, &mut lab, Action::Restart);
    assert!(fx.contains(&Effect::NewLab), "{fx:?}");
    assert!(lab.journal.is_empty() && lab.now() == 0);
    assert_eq!((g.progress.step, g.progress.done.len()), (0, 0));
    assert!(lab.files.iter().any(|(n, t)| n == "web.yaml" && t.contains("kind: StatefulSet")));
    act(&mut g, &mut lab, Action::Run);
    assert!(!lab.journal.is_empty());
    let fx = act(&mut g, &mut lab, Action::Open { target: Target::Id("seed-lab".into()), step: None, fresh: true });
    assert!(fx.contains(&Effect::NewLab), "{fx:?}");
    assert!(lab.journal.is_empty());
    assert_eq!(g.progress.step, 0);
}

#[test]
fn hints_show_one_at_a_time_and_the_panel_closes_for_the_playground() {
    let (mut g, mut lab) = first_visit();
    let n = g.step().unwrap().hints.len();
    assert!(n >= 1);
    for _ in 0..n + 2 {
        act(&mut g, &mut lab, Action::Hint);
    }
    assert_eq!(g.hints, n);
    assert_eq!(act(&mut g, &mut lab, Action::Show(false)), vec![Effect::Save]);
    assert!(!g.open);
    assert!(!Guide::from_json(&g.to_json()).0.open);
}

#[test]
fn a_checks_text_waits_for_run_or_the_answer_so_it_gives_nothing_away() {
    let (mut g, mut lab) = first_visit();
    act(&mut g, &mut lab, Action::Check);
    assert!(g.checked);
    // Step 1 asks a question before Run: its checks are named by number only.
    assert_eq!(g.check_list(), vec![(false, None), (false, None), (false, None)]);
    // A check that holds shows, whatever else.
    lab.set_file(
        "svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  clusterIP: None\n  ports:\n  - port: 80\n",
    );
    lab.run(1, "kubectl apply -f svc.yaml");
    let t1: String = lab.terms[1].scrollback.iter().map(|(_, s)| s.as_str()).collect();
    assert!(t1.contains("service/nginx created"), "{t1}");
    act(&mut g, &mut lab, Action::Tick);
    assert_eq!(g.check_list()[0], (true, Some("exists: svc/nginx".into())));
    assert_eq!(g.check_list()[1], (false, None));
    // Answered: the question's answer is out; the checks show.
    act(&mut g, &mut lab, Action::Answer { question: 0, choice: 0 });
    assert_eq!(g.check_list()[1], (false, Some("exists: sts/web".into())));
    // The next step (no question) shows them after Run.
    run_until_next_after_run(&mut g, &mut lab);
    act(&mut g, &mut lab, Action::Next);
    assert!(g.step().unwrap().predict.is_empty());
    assert!(g.check_list().iter().all(|(held, text)| !held && text.is_none()), "{:?}", g.check_list());
    act(&mut g, &mut lab, Action::Run);
    assert_eq!(g.check_list()[0].1.as_deref(), Some("output: matches /^web-0$/"));
}

/// Runs the step's lines and lets the clock run until Next opens.
fn run_until_next_after_run(g: &mut Guide, lab: &mut Lab) {
    act(g, lab, Action::Run);
    run_until_next(g, lab);
}

#[test]
fn a_steps_goal_is_the_cluster_after_its_lines_in_a_copy_of_the_lab() {
    use kubelab::lab::view::Stage;
    let (mut g, mut lab) = first_visit();
    // Not while the page opens: from the step's first tick, a slice of it at each tick
    // (the step's line, then its settling, at most ten virtual seconds a tick).
    assert!(g.goal.is_none() && g.wants_tick(&lab));
    let journal = lab.journal.len();
    let mut ticks = 0;
    while g.goal.is_none() {
        assert!(g.wants_tick(&lab), "the panel asks for ticks until its goal is drawn");
        act(&mut g, &mut lab, Action::Tick);
        ticks += 1;
        assert!(ticks <= 30, "the goal of step 1 is worked out within 30 ticks");
    }
    // The line (whose watch plays its two quiet minutes out inside it, as in a replay) at one
    // tick, what is left to settle at the next.
    assert!(ticks >= 2, "worked out in slices, not in one tick: {ticks}");
    let goal = g.goal.clone().expect("the goal of step 1");
    // Step 1 ends with web's two pods Running behind the headless Service, each with its claim.
    let pods: Vec<(String, Stage)> =
        goal.lanes.iter().flat_map(|l| &l.pods).map(|p| (p.key.name.clone(), p.stage)).collect();
    assert_eq!(pods.len(), 2, "{pods:?}");
    assert!(pods.iter().all(|(n, s)| (n == "web-0" || n == "web-1") && *s == Stage::Running), "{pods:?}");
    assert!(goal.services.iter().any(|s| s.key.name == "nginx" && s.cluster_ip == "None"));
    assert_eq!(goal.disks.len(), 2);
    // The lab itself is as it was: nothing typed, nothing made, the clock where it was.
    assert_eq!(lab.journal.len(), journal);
    assert!(kubelab::lab::view::diagram(&lab.session.sim).lanes.iter().all(|l| l.pods.is_empty()));
    assert_eq!(lab.now(), 0);
    // Worked out once per step.
    act(&mut g, &mut lab, Action::Tick);
    assert!(std::rc::Rc::ptr_eq(g.goal.as_ref().unwrap(), &goal));
}

#[test]
fn a_goal_worked_out_in_slices_is_the_goal_worked_out_in_one_go() {
    use kubelab::lab::lesson::goal::{goal, Goal};
    // Two lines, then a scale-out one pod at a time and a pod back under its name: many
    // seconds of settling, split at second marks and inside instants.
    let mut lab = Lab::seed_lab();
    lab.run(0, "kubectl apply -f web.yaml");
    lab.advance(5_000);
    let lines = vec!["kubectl scale sts web --replicas=4".to_string(), "kubectl delete pod web-0".to_string()];
    let whole = goal(&lab, 0, &lines);
    for budget in [1, 7, 64, 1024] {
        let mut g = Goal::start(&lab, 0, &lines);
        let mut slices = 0;
        let sliced = loop {
            slices += 1;
            if let Some(d) = g.go_on(budget) {
                break d;
            }
        };
        assert_eq!(sliced, whole, "budget {budget}, {slices} slices");
        assert!(slices > 3, "budget {budget}: {slices} slices");
    }
    let pods: Vec<&str> = whole.lanes.iter().flat_map(|l| &l.pods).map(|p| p.key.name.as_str()).collect();
    assert_eq!(pods.len(), 4, "{pods:?}");
}
