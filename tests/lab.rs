//! Properties of the page's lab (`kubelab::lab`): whatever a learner does, in whatever order
//! (typing in either terminal, Ctrl-C, editing files, letting time pass, scrubbing), nothing
//! panics, and scrubbing to a moment and back gives the same terminals as living through it.
#![cfg(not(target_arch = "wasm32"))]

use kubelab::lab::{view, Lab};
use proptest::prelude::*;

/// Things a learner does on the page.
#[derive(Clone, Debug)]
enum Do {
    Type(usize, &'static str),
    CtrlC(usize),
    Wait(u64),
    /// Up to this much time, within this work budget, as the page's frames advance.
    Slice(u64, u64),
    Step,
    Edit(&'static str),
    /// Scrub back by this fraction of the time so far (then later actions play on from there).
    Back(u8),
}

const LINES: &[&str] = &[
    "kubectl apply -f web.yaml",
    "kubectl apply -f deploy.yaml",
    "kubectl get pods -w",
    "kubectl get pods -o wide",
    "kubectl delete pod web-0",
    "kubectl scale sts web --replicas=3",
    "kubectl scale deploy deploy --replicas=1",
    "kubectl exec -it web-0 -- sh",
    "hostname",
    "exit",
    "kubectl delete -f web.yaml",
    "kubectl get pvc,pv",
    "echo 'unfinished",
    "kubectl get events",
    "kubectl get pods -w | grep web",
    "kubectl rollout status sts web",
    "kubectl rollout status deploy deploy",
    "sleep 3",
    "kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx",
    "kubectl delete pod web-1 && kubectl get pods",
];

const EDITS: &[&str] = &["replicas: 2", "replicas: 4", "replica: 2", "replicas: [", "replicas: 0"];

fn action() -> impl Strategy<Value = Do> {
    prop_oneof![
        4 => (0..2usize, prop::sample::select(LINES)).prop_map(|(t, l)| Do::Type(t, l)),
        1 => (0..2usize).prop_map(Do::CtrlC),
        3 => (0..30_000u64).prop_map(Do::Wait),
        2 => (0..30_000u64, 1..40u64).prop_map(|(ms, b)| Do::Slice(ms, b)),
        1 => Just(Do::Step),
        1 => prop::sample::select(EDITS).prop_map(Do::Edit),
        1 => (1..100u8).prop_map(Do::Back),
    ]
}

fn text(lab: &Lab, t: usize) -> String {
    lab.terms.get(t).map(|t| t.scrollback.iter().map(|(_, s)| s.as_str()).collect()).unwrap_or_default()
}

fn perform(lab: &mut Lab, a: &Do) {
    match a {
        Do::Type(t, l) => lab.run(*t, l),
        Do::CtrlC(t) => lab.interrupt(*t, ""),
        Do::Wait(ms) => lab.advance(*ms),
        Do::Slice(ms, budget) => {
            lab.advance_within(*ms, *budget);
        }
        Do::Step => {
            lab.step_event();
        }
        Do::Back(pct) => {
            let at = lab.now() * u64::from(*pct) / 100;
            lab.seek(at);
        }
        Do::Edit(to) => {
            let web = lab.files[0].1.replace("replicas: 2", to);
            lab.set_file("web.yaml", &web);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn scrubbing_back_and_forth_reproduces_the_terminals(actions in prop::collection::vec(action(), 1..14), back in 0.0f64..1.0) {
        let mut lab = Lab::seed_lab();
        for a in &actions {
            perform(&mut lab, a);
        }
        // A last slice may have left an instant part-way; the lab is compared at whole
        // instants, as a seek, a save and a typed line see it (each finishes the instant
        // first, and the terminals then read what it did).
        lab.finish_instant();
        let end = lab.now();
        let (t0, t1) = (text(&lab, 0), text(&lab, 1));
        lab.seek((end as f64 * back) as u64);
        lab.seek(end);
        prop_assert_eq!(text(&lab, 0), t0);
        prop_assert_eq!(text(&lab, 1), t1);
        // And a reload (save, restore) gives the same lab too.
        let saved = kubelab::lab::Saved::from_json(&lab.save().to_json()).unwrap();
        let back = Lab::restore(saved, 2).unwrap();
        prop_assert_eq!(text(&back, 0), text(&lab, 0));
        prop_assert_eq!(text(&back, 1), text(&lab, 1));
        prop_assert_eq!(&back.terms[0].history, &lab.terms[0].history);
        prop_assert_eq!(back.now(), end);
        // Playing on from a scrub back gives what seeking gives.
        let mut played = back;
        played.seek(end / 2);
        played.advance(end - end / 2 + 5_000);
        let mut sought = Lab::restore(kubelab::lab::Saved::from_json(&lab.save().to_json()).unwrap(), 2).unwrap();
        sought.seek(end + 5_000);
        prop_assert_eq!(text(&played, 0), text(&sought, 0));
        prop_assert_eq!(text(&played, 1), text(&sought, 1));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// The page keeps one reader of its diagram and Events panel for the lab's whole life (it
    /// keeps what it made of each pod and event while the object is unchanged): after whatever
    /// a learner does, slices and scrubs included, it reads what a fresh reading reads.
    #[test]
    fn a_kept_reader_reads_the_diagram_and_events_a_fresh_reading_reads(actions in prop::collection::vec(action(), 1..14)) {
        let mut lab = Lab::seed_lab();
        let mut reader = view::Reader::default();
        for a in &actions {
            perform(&mut lab, a);
            let sim = &lab.session.sim;
            prop_assert_eq!(reader.diagram(sim), view::diagram(sim), "after {:?}", a);
            prop_assert_eq!(reader.events(sim, 60), view::events(sim, 60), "after {:?}", a);
            prop_assert_eq!(reader.events(sim, usize::MAX), view::events(sim, usize::MAX), "after {:?}", a);
        }
    }
}

/// A pod's card names its Deployment (the owner of its ReplicaSet): when the Deployment goes
/// and leaves the ReplicaSet (`--cascade=orphan`), the pods themselves are unchanged, and a kept
/// reader draws them as the ReplicaSet's, as a fresh reading does.
#[test]
fn a_kept_reader_sees_a_pods_replicaset_change_without_the_pod() {
    let mut lab = Lab::seed_lab();
    lab.run(0, "kubectl apply -f deploy.yaml");
    lab.advance(30_000);
    let mut reader = view::Reader::default();
    let parts = |d: &view::Diagram| -> Vec<Vec<view::Part>> {
        d.lanes.iter().flat_map(|l| &l.pods).map(|p| p.name_parts.iter().map(|(_, k)| *k).collect()).collect()
    };
    let before = reader.diagram(&lab.session.sim);
    assert_eq!(parts(&before), vec![vec![view::Part::Stem, view::Part::Hash, view::Part::Random]; 3]);
    let pods = |lab: &Lab| {
        lab.session.sim.store.list(kubelab::sim::Kind::Pod, Some("default")).map(|(_, p)| p.clone()).collect::<Vec<_>>()
    };
    let pods_before = pods(&lab);
    lab.run(0, "kubectl delete deploy deploy --cascade=orphan");
    assert_eq!(pods(&lab), pods_before, "the pods are unchanged");
    let after = reader.diagram(&lab.session.sim);
    assert_eq!(parts(&after), vec![vec![view::Part::Stem, view::Part::Random]; 3]);
    assert_eq!(after, view::diagram(&lab.session.sim));
}

proptest! {
    #[test]
    fn tab_completion_takes_any_text(line in "\\PC{0,40}") {
        let lab = Lab::seed_lab();
        let (start, cands) = kubelab::lab::complete::complete(&lab.session, 0, &line);
        prop_assert!(line.is_char_boundary(start));
        for c in &cands {
            prop_assert!(c.starts_with(&line[start..]));
        }
    }
}

/// The seed's StatefulSet scaled to 40 with a watch open, then `ms` of time: in one advance, or
/// in frames of at most 500 ms each within `budget` units of work. The terminals' text, the
/// clock, and what `kubectl get` prints of the whole cluster then; and how many frames stopped
/// short.
fn scale_up(budget: Option<u64>, ms: u64) -> (String, String, u64, String, usize) {
    let mut lab = Lab::seed_lab();
    lab.run(0, "kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx");
    lab.advance(30_000);
    lab.run(1, "kubectl scale sts web --replicas=40");
    let target = lab.now() + ms;
    let mut short = 0;
    match budget {
        None => lab.advance(ms),
        Some(b) => {
            while lab.now() < target {
                short += usize::from(!lab.advance_within((target - lab.now()).min(500), b));
            }
        }
    }
    let (t0, t1) = (text(&lab, 0), text(&lab, 1));
    lab.run(1, "kubectl get sts,pods,pvc,pv,endpoints,endpointslices,events -o yaml");
    let all = text(&lab, 1)[t1.len()..].to_string();
    (t0, t1, lab.now(), all, short)
}

/// A watch's terminal read at a whole instant is the same after a scrub back and forth, also
/// when the last frame stopped inside an instant (a budget of one unit of work).
#[test]
fn a_lab_left_inside_an_instant_scrubs_back_to_the_same_terminals() {
    let mut lab = Lab::seed_lab();
    lab.run(0, "kubectl apply -f web.yaml && kubectl get pods -w");
    let mut inside = false;
    for _ in 0..200 {
        lab.advance_within(1_000, 1);
        if lab.mid_instant() {
            inside = true;
            break;
        }
    }
    assert!(inside, "a frame of one unit stops inside an instant");
    lab.finish_instant();
    let (end, t0) = (lab.now(), text(&lab, 0));
    lab.seek(0);
    lab.seek(end);
    assert_eq!(text(&lab, 0), t0);
    let back = Lab::restore(kubelab::lab::Saved::from_json(&lab.save().to_json()).unwrap(), 2).unwrap();
    assert_eq!(text(&back, 0), t0);
}

#[test]
fn an_advance_in_slices_reaches_the_same_lab_as_one_advance() {
    let whole = scale_up(None, 240_000);
    assert!(whole.0.contains("web-39"), "{}", whole.0);
    for budget in [1, 3, 8] {
        let sliced = scale_up(Some(budget), 240_000);
        assert!(sliced.4 > 0, "budget {budget}: no frame stopped short");
        assert_eq!((&sliced.0, &sliced.1, sliced.2), (&whole.0, &whole.1, whole.2), "budget {budget}");
        assert!(sliced.3 == whole.3, "budget {budget}: the cluster differs");
    }
}

#[test]
fn the_frames_budget_follows_what_the_last_frame_took() {
    use kubelab::lab::{next_budget, MAX_BUDGET, MIN_BUDGET};
    assert_eq!(next_budget(400, 50.0), 200);
    assert_eq!(next_budget(400, 12.0), 400);
    assert_eq!(next_budget(400, 2.0), 501);
    assert_eq!(next_budget(MIN_BUDGET, 500.0), MIN_BUDGET);
    assert_eq!(next_budget(MAX_BUDGET, 0.0), MAX_BUDGET);
}

/// The line typed while a frame stands inside an instant (`burst`).
const TYPED: &str = "kubectl get pods -o wide";

/// Lets `ms` pass: in one advance (typing `TYPED` in terminal 1 at `typed`, if it falls in
/// this stretch), or in frames of at most 500 ms within `budget` units of work (typing it at
/// the first frame that stops inside an instant, and saying when in `typed`). Counts the
/// frames that stopped inside an instant.
fn play(lab: &mut Lab, ms: u64, budget: Option<u64>, typed: &mut Option<u64>, inside: &mut usize) {
    let target = lab.now() + ms;
    match budget {
        None => {
            if let Some(at) = typed.filter(|at| (lab.now()..target).contains(at)) {
                lab.advance(at - lab.now());
                lab.run(1, TYPED);
            }
            lab.advance(target - lab.now());
        }
        Some(b) => {
            while lab.now() < target {
                lab.advance_within((target - lab.now()).min(500), b);
                if lab.mid_instant() {
                    *inside += 1;
                    if typed.is_none() {
                        *typed = Some(lab.now());
                        lab.run(1, TYPED);
                        assert!(!lab.mid_instant());
                    }
                }
            }
        }
    }
}

/// A burst, with a watch open in terminal 0: the seed's Deployment scaled from 3 to 60 (its
/// new pods start at the same instants), then to 0 (60 pods stop at one instant). Played in
/// one advance per stretch or in frames of `budget` units (see `play`). The terminals' text,
/// the clock, what `kubectl get` prints of the whole cluster then, when `TYPED` was typed, and
/// how many frames stopped inside an instant.
fn burst(budget: Option<u64>, mut typed: Option<u64>) -> (String, String, u64, String, Option<u64>, usize) {
    let mut lab = Lab::seed_lab();
    lab.run(0, "kubectl apply -f deploy.yaml");
    lab.advance(30_000);
    lab.run(0, "kubectl get pods -w");
    lab.run(1, "kubectl scale deploy deploy --replicas=60");
    let mut inside = 0;
    play(&mut lab, 90_000, budget, &mut typed, &mut inside);
    lab.run(1, "kubectl scale deploy deploy --replicas=0");
    play(&mut lab, 90_000, budget, &mut typed, &mut inside);
    let (t0, t1) = (text(&lab, 0), text(&lab, 1));
    lab.run(1, "kubectl get deploy,rs,pods,endpoints,events -o yaml");
    let all = text(&lab, 1)[t1.len()..].to_string();
    (t0, t1, lab.now(), all, typed, inside)
}

#[test]
fn an_instant_handled_in_slices_reaches_the_same_lab_as_one_advance() {
    for budget in [1, 5, 40] {
        let sliced = burst(Some(budget), None);
        assert!(sliced.5 > 0, "budget {budget}: no frame stopped inside an instant");
        let typed = sliced.4.expect("a line was typed inside an instant");
        // The same inputs (the line typed at the same virtual moment) in one advance per stretch.
        let whole = burst(None, Some(typed));
        assert!(whole.0.contains("deploy-"), "{}", whole.0);
        assert!(whole.1.contains(TYPED), "{}", whole.1);
        assert_eq!((&sliced.0, &sliced.1, sliced.2), (&whole.0, &whole.1, whole.2), "budget {budget}");
        assert!(sliced.3 == whole.3, "budget {budget}: the cluster differs");
    }
}
