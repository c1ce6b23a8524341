//! How long the page's scrubber takes to go back in a long lab (`Lab::seek` replays the journal
//! from the nearest earlier snapshot, or from the start). Prints single-run timings; figures go
//! in the README.
//!
//! `cargo run --release --example seek_time [ROUNDS]`: each round applies the seed's StatefulSet
//! and a Deployment, scales, deletes pods, watches and waits a few virtual minutes.

use kubelab::lab::Lab;
use std::time::Instant;

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let mut lab = Lab::seed_lab();
    for r in 0..rounds {
        for line in [
            "kubectl apply -f web.yaml",
            "kubectl apply -f deploy.yaml",
            "kubectl scale sts web --replicas=4",
            "kubectl get pods -o wide",
            "kubectl delete pod web-0 --wait=false",
            "kubectl get pvc,pv",
            "kubectl get events",
        ] {
            lab.run(r % 2, line);
            lab.advance(20_000);
        }
        lab.run(0, "kubectl delete -f deploy.yaml --wait=false");
        lab.advance(120_000);
    }
    let end = lab.now();
    let lines = lab.journal.len();
    for at in [end / 2, end / 10, end] {
        let t = Instant::now();
        lab.seek(at);
        println!(
            "seek to {:>7.1} s of {:.1} s ({lines} journal entries): {:?}",
            at as f64 / 1000.0,
            end as f64 / 1000.0,
            t.elapsed()
        );
    }
}
