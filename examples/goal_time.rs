//! How long a lesson step's goal picture takes to work out (`lab::lesson::goal`: the step's
//! lines run in a copy of the lab and let settle), for every step of every shipped lesson,
//! walked as a learner walks it (each step's lines run, then a virtual minute). Single-run
//! timings; figures go in the README.
//!
//! Each goal is worked out as the page does, in slices of `GOAL_BUDGET` units of the model's
//! work; the longest slice (or the copy and the step's lines, before the first) is what a
//! frame pays.
//!
//! `cargo run --release --example goal_time`

use kubelab::lab::lesson::guide::GOAL_BUDGET;
use kubelab::lab::lesson::{editor_name, format, goal};
use kubelab::lab::Lab;
use std::time::{Duration, Instant};

fn main() {
    let index = std::fs::read_to_string("lessons/index.txt").expect("lessons/index.txt");
    let mut worst = (Duration::ZERO, String::new());
    let mut slice_worst = Duration::ZERO;
    for file in index.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let text = std::fs::read_to_string(format!("lessons/{file}")).expect("lesson file");
        let lesson = format::load(file, &text).expect("lesson reads");
        let files = lesson
            .files
            .iter()
            .map(|f| (editor_name(f).to_string(), std::fs::read_to_string(format!("lessons/files/{f}")).expect("file")))
            .collect();
        let mut lab = Lab::new(1, files, 2);
        // The walk runs each step as `kubelab lesson check` does (waits play out in virtual time).
        lab.session.live = false;
        let mut total = Duration::ZERO;
        for (i, step) in lesson.steps.iter().enumerate() {
            let t = Instant::now();
            let mut g = goal::Goal::start(&lab, 0, &step.run);
            let start = t.elapsed();
            let (mut slices, mut longest) = (0, start);
            loop {
                let t = Instant::now();
                let done = g.go_on(GOAL_BUDGET).is_some();
                slices += 1;
                longest = longest.max(t.elapsed());
                if done {
                    break;
                }
            }
            let took = t.elapsed();
            slice_worst = slice_worst.max(longest);
            if took > Duration::from_millis(10) {
                println!(
                    "  step {}: {:?} in {slices} slices of {GOAL_BUDGET}, the longest {:?} (start {:?})",
                    i + 1,
                    took,
                    longest,
                    start
                );
            }
            total += took;
            if took > worst.0 {
                worst = (took, format!("{file} step {}", i + 1));
            }
            for line in &step.run {
                lab.session.run_line(line);
            }
            lab.session.sleep(60_000);
        }
        println!(
            "{file}: {} steps, goals {:?} in all, {:?} a step",
            lesson.steps.len(),
            total,
            total / lesson.steps.len() as u32
        );
    }
    println!("longest goal: {:?} ({}); longest slice or start: {:?}", worst.0, worst.1, slice_worst);
}
