//! The page without the page (`lab::page`): a terminal's line editing (Enter, history,
//! completion, continuation lines, Ctrl-C, Ctrl-L), the editor's files and Apply, the panes,
//! what the browser is asked to do (save, fetch), the lesson panel's Run through the same
//! Enter, and the keys that say which pane must be drawn again after a clock tick.

use kubelab::lab::lesson::guide;
use kubelab::lab::page::{claims, Action, Asked, Effect, Key, Page, Pane, TERMINALS};
use kubelab::lab::Lab;
use std::cell::Cell;
use std::path::Path;

thread_local! {
    /// The test's real clock (ms), moved by hand.
    static NOW: Cell<f64> = const { Cell::new(0.0) };
}

fn clock() -> f64 {
    NOW.with(Cell::get)
}

fn page() -> Page {
    let mut p = Page::new(Lab::seed_lab(), kubelab::lab::i18n::Lang::En);
    p.real_ms = clock;
    p
}

fn key(name: &str) -> Key {
    Key { key: name.into(), ctrl: false, shift: false }
}

fn ctrl(name: &str) -> Key {
    Key { key: name.into(), ctrl: true, shift: false }
}

fn text(p: &Page, t: usize) -> String {
    p.lab.terms[t].scrollback.iter().map(|(_, s)| s.as_str()).collect()
}

/// Types `line` into terminal `t` as the browser does (the input event), then presses `k`.
fn type_key(p: &mut Page, t: usize, line: &str, k: Key) -> Vec<Effect> {
    p.update(Action::Input(t, line.into()));
    assert_eq!(claims(&k, line), k.key != "Tab" || !line.is_empty());
    p.update(Action::Key(t, k)).effects
}

fn enter(p: &mut Page, t: usize, line: &str) -> Vec<Effect> {
    type_key(p, t, line, key("Enter"))
}

/// A clock tick `ms` of real time after the last.
fn tick(p: &mut Page, ms: f64) -> bool {
    NOW.with(|n| n.set(n.get() + ms));
    p.update(Action::Tick).draw
}

#[test]
fn enter_runs_the_line_and_saves_it_at_once() {
    let mut p = page();
    let fx = enter(&mut p, 0, "kubectl get ns");
    assert_eq!(fx, vec![Effect::Save]);
    let out = text(&p, 0);
    assert!(out.starts_with("root@k8s-m:~# kubectl get ns\nNAME                 STATUS   AGE\n"), "{out}");
    assert!(out.ends_with("root@k8s-m:~# "), "{out}");
    assert_eq!(p.terms[0].input, "");
    assert!(!p.dirty);
}

#[test]
fn up_and_down_walk_the_history_and_end_on_an_empty_line() {
    let mut p = page();
    // Nothing typed yet: Up has nothing to recall, and the page is not drawn again.
    assert!(!p.update(Action::Key(0, key("ArrowUp"))).draw);
    for l in ["echo one", "echo two", "echo three"] {
        enter(&mut p, 0, l);
    }
    let walk = |p: &mut Page, k: &str| {
        p.update(Action::Key(0, key(k)));
        p.terms[0].input.clone()
    };
    assert_eq!(walk(&mut p, "ArrowUp"), "echo three");
    assert_eq!(walk(&mut p, "ArrowUp"), "echo two");
    assert_eq!(walk(&mut p, "ArrowUp"), "echo one");
    // The oldest stays.
    assert_eq!(walk(&mut p, "ArrowUp"), "echo one");
    assert_eq!(walk(&mut p, "ArrowDown"), "echo two");
    assert_eq!(walk(&mut p, "ArrowDown"), "echo three");
    assert_eq!(walk(&mut p, "ArrowDown"), "");
    // Enter starts the walk again from the newest; each terminal has its own history.
    assert_eq!(walk(&mut p, "ArrowUp"), "echo three");
    enter(&mut p, 0, "echo four");
    assert_eq!(walk(&mut p, "ArrowUp"), "echo four");
    p.update(Action::Key(1, key("ArrowUp")));
    assert_eq!(p.terms[1].input, "");
}

#[test]
fn tab_completes_one_candidate_and_lists_several() {
    let mut p = page();
    type_key(&mut p, 0, "kubectl apply -f we", key("Tab"));
    assert_eq!(p.terms[0].input, "kubectl apply -f web.yaml ");
    // Two commands start with "s": the line stays and they are listed under it, as bash does.
    type_key(&mut p, 0, "kubectl s", key("Tab"));
    assert_eq!(p.terms[0].input, "kubectl s");
    assert!(text(&p, 0).contains("scale  set\n"), "{}", text(&p, 0));
    // Their common prefix is written when it adds to the word.
    enter(&mut p, 0, "kubectl apply -f web.yaml");
    p.lab.advance(60_000);
    type_key(&mut p, 0, "kubectl get pvc w", key("Tab"));
    assert_eq!(p.terms[0].input, "kubectl get pvc www-web-");
}

#[test]
fn tab_is_no_keyboard_trap() {
    // On an empty line, or with Shift, Tab is the browser's: focus moves on.
    assert!(!claims(&key("Tab"), ""));
    assert!(!claims(&Key { key: "Tab".into(), ctrl: false, shift: true }, "kubectl"));
    assert!(claims(&key("Tab"), "kubectl"));
    for k in ["Enter", "ArrowUp", "ArrowDown"] {
        assert!(claims(&key(k), ""), "{k}");
    }
    assert!(claims(&ctrl("c"), "") && claims(&ctrl("L"), ""));
    assert!(!claims(&key("a"), "") && !claims(&key("c"), ""));
    let mut p = page();
    let before = text(&p, 0);
    assert!(!type_key(&mut p, 0, "", key("Tab")).contains(&Effect::Save));
    assert_eq!(text(&p, 0), before);
}

#[test]
fn an_unfinished_line_waits_for_the_next_and_ctrl_c_drops_both() {
    let mut p = page();
    let before = p.terminal_key();
    enter(&mut p, 0, "echo \"one");
    // Gathered, not run: shown under a `> ` prompt (the key moved), nothing printed.
    assert_eq!(p.terms[0].pending.text(), "echo \"one");
    assert_ne!(p.terminal_key(), before);
    assert_eq!(text(&p, 0), "root@k8s-m:~# ");
    enter(&mut p, 0, "two\"");
    assert!(text(&p, 0).contains("echo \"one\n> two\"\none\ntwo\n"), "{}", text(&p, 0));
    assert!(p.terms[0].pending.is_empty());
    enter(&mut p, 0, "cat <<EOF");
    enter(&mut p, 0, "kept");
    type_key(&mut p, 0, "half", ctrl("c"));
    assert!(p.terms[0].pending.is_empty() && p.terms[0].input.is_empty());
    let out = text(&p, 0);
    assert!(out.ends_with("cat <<EOF\n> kept\n> half^C\nroot@k8s-m:~# "), "{out}");
    assert!(!out.contains("\nkept\n"), "{out}");
}

#[test]
fn ctrl_l_clears_the_screen() {
    let mut p = page();
    enter(&mut p, 0, "echo hi");
    p.update(Action::Key(0, ctrl("l")));
    assert_eq!(text(&p, 0), "root@k8s-m:~# ");
}

#[test]
fn files_are_added_by_a_good_name_only_and_their_problems_follow_the_text() {
    let mut p = page();
    assert!(p.diags.is_empty());
    let names = |p: &Page| p.lab.files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    for bad in ["", "a b", "x/y", &"n".repeat(65)] {
        p.update(Action::NewFileName(bad.into()));
        assert!(!p.update(Action::AddFile).draw, "{bad:?}");
    }
    assert_eq!(names(&p), ["web.yaml", "deploy.yaml"]);
    p.update(Action::NewFileName(" 파드.yaml ".into()));
    p.update(Action::AddFile);
    assert_eq!(names(&p), ["web.yaml", "deploy.yaml", "파드.yaml"]);
    assert_eq!((p.active_file, p.new_file.as_str()), (2, ""));
    // A name that exists opens its file.
    p.update(Action::NewFileName("web.yaml".into()));
    p.update(Action::AddFile);
    assert_eq!((p.active_file, p.lab.files.len()), (0, 3));
    let text = p.lab.files[0].1.replace("serviceName:", "servicename:");
    let fx = p.update(Action::Edit(text, 3)).effects;
    assert_eq!(fx, vec![Effect::Save]);
    assert_eq!(p.caret_line, 3);
    assert!(p.diags.iter().any(|d| d.text.contains("did you mean \"serviceName\"?")));
    p.update(Action::SelectFile(1));
    assert!(p.diags.is_empty());
    // Out of range: the last file.
    p.update(Action::SelectFile(9));
    assert_eq!(p.active_file, 2);
}

#[test]
fn apply_types_its_command_where_it_can_be_seen() {
    let mut p = page();
    p.update(Action::NewFileName("it's.yaml".into()));
    p.update(Action::AddFile);
    assert_eq!(kubelab::lab::page::apply_line("it's.yaml"), "kubectl apply -f 'it'\\''s.yaml'");
    p.update(Action::SelectFile(0));
    // A watch holds terminal 1, the one shown: Apply goes to the free one and shows it.
    p.update(Action::SelectTerm(1));
    enter(&mut p, 1, "kubectl get pods -w");
    assert!(p.lab.busy(1));
    p.update(Action::Apply);
    assert_eq!(p.active_term, 0);
    assert!(
        text(&p, 0).starts_with("root@k8s-m:~# kubectl apply -f web.yaml\nservice/nginx created\n"),
        "{}",
        text(&p, 0)
    );
    // Deployment beside StatefulSet: its file is added, opened and applied.
    p.update(Action::Compare);
    assert_eq!(p.lab.files[p.active_file].0, "compare.yaml");
    assert!(text(&p, 0).contains("kubectl apply -f compare.yaml\n"));
}

#[test]
fn panes_are_shown_and_hidden_and_the_last_one_stays() {
    assert_eq!(Pane::list("terminal, diagram"), Some(vec![Pane::Terminal, Pane::Diagram]));
    assert_eq!(Pane::list("nothing"), None);
    let mut p = page();
    p.panes = vec![Pane::Terminal, Pane::Diagram];
    p.update(Action::TogglePane(Pane::Diagram));
    assert_eq!(p.panes, [Pane::Terminal]);
    p.update(Action::TogglePane(Pane::Terminal));
    assert_eq!(p.panes, [Pane::Terminal]);
    p.update(Action::TogglePane(Pane::Editor));
    assert_eq!(p.panes, [Pane::Terminal, Pane::Editor]);
}

#[test]
fn a_tick_that_moves_nothing_of_a_pane_leaves_its_key() {
    let mut p = page();
    p.refresh_views(false);
    let (term, editor, diagram) = (p.terminal_key(), p.editor_key(), p.views.diagram.clone());
    // Paused: nothing moves, nothing is drawn.
    p.update(Action::Pause);
    assert!(!tick(&mut p, 50.0));
    // Playing in an empty cluster: the clock moves (the timeline), the panes do not.
    p.update(Action::Play);
    assert!(tick(&mut p, 50.0));
    assert!(tick(&mut p, 300.0));
    assert_eq!(p.terminal_key(), term);
    assert_eq!(p.editor_key(), editor);
    assert!(std::rc::Rc::ptr_eq(&diagram, &p.views.diagram));
    // A watch's new lines move the terminal's key, not the editor's.
    enter(&mut p, 0, "kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx");
    let (term, diagram) = (p.terminal_key(), p.views.diagram.clone());
    for _ in 0..40 {
        tick(&mut p, 300.0);
    }
    assert_ne!(p.terminal_key(), term);
    assert_eq!(p.editor_key(), editor);
    assert!(!std::rc::Rc::ptr_eq(&diagram, &p.views.diagram));
    // Typing moves the terminal's key; the editor's moves with its text.
    let term = p.terminal_key();
    p.update(Action::Input(0, "k".into()));
    assert_ne!(p.terminal_key(), term);
    let text = format!("{}#\n", p.lab.files[0].1);
    p.update(Action::Edit(text, 1));
    assert_ne!(p.editor_key(), editor);
}

/// The clock's tick reads the drawing or the Events panel again, never both in one tick (each
/// is a reading and a drawing): while pods start, both change, on ticks of their own.
#[test]
fn a_tick_reads_the_drawing_or_the_events_panel_not_both() {
    let mut p = page();
    enter(&mut p, 0, "kubectl apply -f web.yaml");
    let (mut drawings, mut panels) = (0, 0);
    for _ in 0..200 {
        let (d, e) = (p.views.diagram.clone(), p.views.events.clone());
        tick(&mut p, 300.0);
        let (drawn, listed) = (!std::rc::Rc::ptr_eq(&d, &p.views.diagram), !std::rc::Rc::ptr_eq(&e, &p.views.events));
        assert!(!(drawn && listed), "both read at {}", p.lab.now());
        drawings += usize::from(drawn);
        panels += usize::from(listed);
    }
    assert!(drawings > 3 && panels > 3, "{drawings} drawings, {panels} panels");
    // Outside the clock (a typed line, a scrub) both are read at once.
    let (d, e) = (p.views.diagram.clone(), p.views.events.clone());
    enter(&mut p, 0, "kubectl delete pod web-0 --wait=false");
    assert!(!std::rc::Rc::ptr_eq(&d, &p.views.diagram) && !std::rc::Rc::ptr_eq(&e, &p.views.events));
}

#[test]
fn a_lab_put_in_place_of_another_moves_the_terminals_key_even_with_text_of_the_same_shape() {
    // Two labs whose terminal text has the same pieces and lengths (a share link's lab over
    // the saved one): the pane must be drawn again.
    let mut p = page();
    enter(&mut p, 0, "echo mine");
    let before = p.terminal_key();
    let mut theirs = Lab::seed_lab();
    theirs.run(0, "echo yours");
    p.show_lab(theirs);
    assert_ne!(p.terminal_key(), before);
    // Scrubbing back too.
    let before = p.terminal_key();
    p.update(Action::Seek(0));
    assert_ne!(p.terminal_key(), before);
}

#[test]
fn the_clock_saves_a_second_after_a_change_and_when_the_page_is_left() {
    let mut p = page();
    assert!(p.update(Action::Leave).effects.is_empty());
    p.update(Action::Step);
    assert!(p.dirty);
    let mut saves = 0;
    for _ in 0..20 {
        NOW.with(|n| n.set(n.get() + 50.0));
        saves += p.update(Action::Tick).effects.iter().filter(|e| **e == Effect::Save).count();
    }
    assert_eq!(saves, 1);
    p.update(Action::Seek(0));
    assert_eq!(p.update(Action::Leave).effects, vec![Effect::Save]);
}

#[test]
fn reset_asks_first_then_starts_afresh_and_forgets_the_saves() {
    let mut p = page();
    enter(&mut p, 0, "kubectl apply -f web.yaml");
    p.update(Action::Input(1, "half".into()));
    p.update(Action::AskReset);
    assert!(p.confirm_reset);
    p.update(Action::Reset(false));
    assert!(!p.confirm_reset && !p.lab.journal.is_empty());
    p.update(Action::AskReset);
    let fx = p.update(Action::Reset(true)).effects;
    assert_eq!(fx, vec![Effect::ClearStorage, Effect::Save, Effect::SaveLessons]);
    assert!(p.lab.journal.is_empty());
    assert!(p.terms.iter().all(|t| t.input.is_empty()));
    assert_eq!(p.terms.len(), TERMINALS);
    assert_eq!(p.update(Action::ToggleLang).effects, vec![Effect::SaveLang]);
}

/// The page's fetches, answered from the site's folder.
fn serve(p: &mut Page, effects: Vec<Effect>) {
    for fx in effects {
        if let Effect::Fetch(url) = fx {
            let rel = url.strip_prefix("lessons/").expect("a site address");
            let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons").join(rel));
            let out = p.update(Action::Lesson(guide::Action::Fetched { url, text: text.map_err(|e| e.to_string()) }));
            serve(p, out.effects);
        }
    }
}

#[test]
fn a_newcomer_is_guided_and_run_types_through_the_terminal() {
    let mut p = page();
    let out = p.start(None, Asked::default(), true);
    assert_eq!(out.effects.first(), Some(&Effect::Fetch("lessons/index.txt".into())));
    serve(&mut p, out.effects);
    let first = p.guide.borrow().step().map(|s| s.run.clone()).expect("lesson 1 open");
    assert!(p.guide.borrow().open);
    let version = p.guide_version;
    let fx = p.update(Action::Lesson(guide::Action::Run)).effects;
    assert!(p.guide_version > version);
    assert!(fx.contains(&Effect::Save) && fx.contains(&Effect::SaveLessons));
    // Typed as if by hand: the line in the terminal's history, after its prompt.
    assert_eq!(p.lab.terms[0].history.first(), first.first());
    assert!(text(&p, 0).starts_with(&format!("root@k8s-m:~# {}\n", first[0])));
    // A reload opens it again where it was, the panel as the learner left it.
    let saved = p.guide.borrow().to_json();
    let mut again = page();
    let out = again.start(Some(&saved), Asked::default(), false);
    serve(&mut again, out.effects);
    assert_eq!(
        again.guide.borrow().lesson.as_ref().map(|l| l.id.clone()),
        p.guide.borrow().lesson.as_ref().map(|l| l.id.clone())
    );
    // The address wins over the saved lesson.
    let mut asked = page();
    let out = asked.start(
        Some(&saved),
        Asked { lesson: Some("clean-up".into()), step: Some("2".into()), ..Asked::default() },
        false,
    );
    serve(&mut asked, out.effects);
    let g = asked.guide.borrow();
    assert_eq!((g.lesson.as_ref().map(|l| l.id.as_str()), g.progress.step), (Some("clean-up"), 1));
}

#[test]
fn save_as_lesson_drafts_what_lesson_new_makes_of_the_same_lines() {
    let mut p = page();
    enter(&mut p, 0, "kubectl apply -f web.yaml");
    for _ in 0..200 {
        tick(&mut p, 300.0);
    }
    enter(&mut p, 1, "kubectl delete pod web-0");
    enter(&mut p, 0, "echo \"one");
    enter(&mut p, 0, "two\"");
    enter(&mut p, 0, "kubectl scale sts web --replicas=3");
    let fx = p.update(Action::SaveLesson).effects;
    let [Effect::Download { name, text }] = &fx[..] else { panic!("{fx:?}") };
    assert_eq!(name, "new-lesson.yaml");
    // The same lines as a replay script beside the editor's files, through the CLI.
    let dir = std::env::temp_dir().join(format!("kubelab-save-as-lesson-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (n, t) in &p.lab.files {
        std::fs::write(dir.join(n), t).unwrap();
    }
    let script = kubelab::lab::lesson::skeleton::script_of(&p.lab);
    assert_eq!(
        script,
        "kubectl apply -f web.yaml\n\nkubectl delete pod web-0\n\necho \"one\ntwo\"\n\nkubectl scale sts web --replicas=3\n"
    );
    std::fs::write(dir.join("typed.replay"), &script).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kubelab"))
        .args(["lesson", "new", "typed.replay", "--id", "new-lesson"])
        .current_dir(&dir)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(*text, String::from_utf8(out.stdout).unwrap());
    // A step per line typed, with the line to Run and checks read off the cluster.
    assert_eq!(text.matches("\n- say:").count(), 4, "{text}");
    assert!(
        text.contains("  run:\n  - 'kubectl scale sts web --replicas=3'\n  check:\n  - exists: 'pvc/www-web-2'\n"),
        "{text}"
    );
}
