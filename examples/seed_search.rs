//! Finds a seed under which the model's random draws reproduce the real seed session
//! (`tests/seed_lab.rs`): `cargo run --release --example seed_search [LIMIT]`. Run it again
//! when a model change shifts the draws, and put the seed and pause it prints into `SEED` and
//! the `@sleep` before the patch step there.
#![allow(dead_code)]

#[path = "../tests/seed_lab.rs"]
mod seed_lab;

use seed_lab::{common, STEPS};

const PATCH_LINE: &str = "kubectl patch sts web -p '{\"spec\":{\"replicas\":3}}' && kubectl get pods -w -l app=nginx";

/// The pause before the patch step in `SCRIPT`, in seconds.
fn patch_pause(script: &str) -> i64 {
    let lines: Vec<&str> = script.lines().collect();
    let i = lines.iter().position(|l| l.starts_with("kubectl patch sts web")).expect("patch step");
    lines[i - 1]
        .trim_start_matches("@sleep ")
        .trim_end_matches('s')
        .parse()
        .expect("a pause in seconds before the patch")
}

fn main() {
    let limit: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(4000);
    std::panic::set_hook(Box::new(|_| {}));
    let pause = patch_pause(seed_lab::SCRIPT);
    let mut best = 0;
    // The first deletion's shape is the rarest draw: check it on the start of the script first.
    let cut = seed_lab::SCRIPT.find("@sleep 8m").unwrap_or(seed_lab::SCRIPT.len());
    let prefix = &seed_lab::SCRIPT[..cut];
    for seed in 0..limit {
        let early = common::replay(prefix, seed);
        let early_ok = std::panic::catch_unwind(|| {
            seed_lab::step3_deleted_pods_come_back_in_order_with_the_same_names(&early);
        })
        .is_ok();
        if !early_ok {
            continue;
        }
        let t = common::replay(seed_lab::SCRIPT, seed);
        // Adjust the pause before the patch so web-2 is 86 s old then, as in the seed.
        let out = common::output_of(&t, PATCH_LINE);
        let age = out
            .lines()
            .find(|l| l.starts_with("web-2"))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|a| a.trim_end_matches('s').parse::<i64>().ok())
            .unwrap_or(86);
        let new_pause = pause + 86 - age;
        if new_pause < 0 {
            continue;
        }
        let script = seed_lab::SCRIPT
            .replace(&format!("@sleep {pause}s\nkubectl patch"), &format!("@sleep {new_pause}s\nkubectl patch"));
        let t = common::replay(&script, seed);
        let n = STEPS.iter().filter(|f| std::panic::catch_unwind(|| f(&t)).is_ok()).count();
        if n > best {
            best = n;
            eprintln!("seed {seed}: {n}/{} steps match with @sleep {new_pause}s before the patch", STEPS.len());
        }
        if n == STEPS.len() {
            break;
        }
    }
}
