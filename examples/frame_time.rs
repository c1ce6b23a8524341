//! The page's clock ticks without the browser: the seed's StatefulSet scaled from 2 to 300 at
//! 10× with `kubectl get pods -w -l app=nginx` in terminal 1, as `scripts/budget.mjs sts300`
//! does, each tick timed (`Page::update(Action::Tick)`: the model's slice and the reading of
//! the diagram and the Events panel), and the longest ticks said with what they did. Single
//! runs, natively (the page's wasm is slower); figures go in the README.
//!
//! `cargo run --release --example frame_time [SPEED]`

use kubelab::lab::i18n::Lang;
use kubelab::lab::page::{Action, Key, Page};
use kubelab::lab::Lab;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::Instant;

thread_local! {
    /// Real time that passed between ticks (the browser's 50 ms interval), added by hand.
    static IDLE: Cell<f64> = const { Cell::new(0.0) };
}
static START: OnceLock<Instant> = OnceLock::new();

fn real_ms() -> f64 {
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0 + IDLE.with(Cell::get)
}

fn enter(p: &mut Page, t: usize, line: &str) {
    p.update(Action::Input(t, line.into()));
    p.update(Action::Key(t, Key { key: "Enter".into(), ctrl: false, shift: false }));
}

fn running(p: &Page) -> usize {
    let d = &p.views.diagram;
    d.lanes.iter().flat_map(|l| &l.pods).filter(|c| c.key.name.starts_with("web-") && c.status == "Running").count()
}

/// One tick after 50 ms of idle real time; its real milliseconds.
fn tick(p: &mut Page) -> f64 {
    IDLE.with(|i| i.set(i.get() + 50.0));
    let t = Instant::now();
    p.update(Action::Tick);
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let speed: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let mut p = Page::new(Lab::seed_lab(), Lang::En);
    p.real_ms = real_ms;
    p.speed = speed;
    enter(&mut p, 0, "kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx");
    while running(&p) < 2 {
        tick(&mut p);
    }
    enter(&mut p, 1, "kubectl scale sts web --replicas=300");
    let mut ticks = Vec::new();
    while running(&p) < 300 && ticks.len() < 200_000 {
        let (snaps, diagram, events) = (p.lab.snapshot_count(), p.views.diagram.clone(), p.views.events.clone());
        let ms = tick(&mut p);
        let did = format!(
            "{}{}{}{}",
            if p.lab.snapshot_count() != snaps { " snapshot" } else { "" },
            if !Rc::ptr_eq(&diagram, &p.views.diagram) { " diagram" } else { "" },
            if !Rc::ptr_eq(&events, &p.views.events) { " events" } else { "" },
            if p.lab.mid_instant() { " mid-instant" } else { "" },
        );
        ticks.push((ms, p.lab.now(), did));
    }
    let total: f64 = ticks.iter().map(|t| t.0).sum();
    println!(
        "{} ticks to 300 Running at {speed}×, {:.1} s of ticks, clock {:.1} s",
        ticks.len(),
        total / 1000.0,
        p.lab.now() as f64 / 1000.0
    );
    let mut sorted: Vec<f64> = ticks.iter().map(|t| t.0).collect();
    sorted.sort_by(f64::total_cmp);
    for q in [0.5, 0.9, 0.99, 0.999] {
        println!("  p{}: {:.2} ms", q * 100.0, sorted[((sorted.len() - 1) as f64 * q) as usize]);
    }
    // The parts of a long tick, on the lab at the end.
    let sim = &p.lab.session.sim;
    let t = Instant::now();
    for _ in 0..19 {
        drop(kubelab::lab::view::diagram(sim));
    }
    let d = kubelab::lab::view::diagram(sim);
    println!("  the diagram read: {:.2} ms (mean of 20)", t.elapsed().as_secs_f64() * 50.0);
    let t = Instant::now();
    for _ in 0..19 {
        drop(kubelab::lab::view::events(sim, 60));
    }
    let e = kubelab::lab::view::events(sim, 60);
    println!("  the Events panel read: {:.2} ms (mean of 20)", t.elapsed().as_secs_f64() * 50.0);
    // As the page reads them: a reader kept from the last reading.
    let mut reader = kubelab::lab::view::Reader::default();
    reader.diagram(sim);
    reader.events(sim, 60);
    let t = Instant::now();
    for _ in 0..if std::env::var_os("KEPT").is_some() { 500 } else { 20 } {
        drop(reader.diagram(sim));
    }
    println!("  the diagram read again by a kept reader: {:.2} ms (mean of 20)", t.elapsed().as_secs_f64() * 50.0);
    let t = Instant::now();
    for _ in 0..20 {
        drop(reader.events(sim, 60));
    }
    println!("  the Events panel read again by a kept reader: {:.2} ms (mean of 20)", t.elapsed().as_secs_f64() * 50.0);
    let t = Instant::now();
    let same = d == *p.views.diagram && e == *p.views.events;
    println!("  compared with the last ({same}): {:.2} ms", t.elapsed().as_secs_f64() * 1000.0);
    let t = Instant::now();
    let copy = p.lab.session.clone();
    println!("  the session copied (a snapshot): {:.2} ms", t.elapsed().as_secs_f64() * 1000.0);
    let time = |what: &str, f: &dyn Fn()| {
        let t = Instant::now();
        f();
        println!("    of it {what}: {:.2} ms", t.elapsed().as_secs_f64() * 1000.0);
    };
    time("the cluster", &|| drop(p.lab.session.sim.clone()));
    time("the store", &|| drop(p.lab.session.sim.store.clone()));
    time("the files", &|| drop(p.lab.session.sim.fs.clone()));
    time("the logs", &|| drop(p.lab.session.sim.logs.clone()));
    time("the lab machine", &|| drop(p.lab.session.env.clone()));
    time("the scrollbacks", &|| drop(p.lab.terms.iter().map(|t| t.scrollback.clone()).collect::<Vec<_>>()));
    if std::env::var_os("VIEWS").is_some() {
        for _ in 0..300 {
            drop(kubelab::lab::view::diagram(sim));
            drop(kubelab::lab::view::events(sim, 60));
        }
    }
    if std::env::var_os("CLONES").is_some() {
        for _ in 0..300 {
            drop(p.lab.session.sim.clone());
        }
    }
    let t = Instant::now();
    drop(copy);
    println!("  the copy dropped: {:.2} ms", t.elapsed().as_secs_f64() * 1000.0);
    let mut longest: Vec<_> = ticks.iter().enumerate().collect();
    longest.sort_by(|a, b| b.1 .0.total_cmp(&a.1 .0));
    for (i, (ms, at, did)) in longest.into_iter().take(12) {
        println!("  tick {i}: {ms:.2} ms at {:.1} s:{did}", *at as f64 / 1000.0);
    }
}
