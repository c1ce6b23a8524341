//! How long the model takes to settle big workloads (criterion; figures go in the README).
//!
//! A StatefulSet of N replicas under Parallel and OrderedReady, and a Deployment of N, from
//! creation until nothing more is scheduled to change.

// criterion runs natively only; on wasm32 the bench is empty (so `clippy --all-targets` builds).
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, BenchmarkId, Criterion};
    use kubelab::sim::{Sim, SimConfig};
    use serde_json::json;

    fn statefulset(n: u64, policy: &str) -> serde_json::Value {
        json!({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web"},
            "spec":{"serviceName":"nginx","replicas":n,"podManagementPolicy":policy,"selector":{"matchLabels":{"app":"nginx"}},
            "template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"k8s.gcr.io/nginx-slim:0.8"}]}}}})
    }

    fn deployment(n: u64) -> serde_json::Value {
        json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"deploy"},
            "spec":{"replicas":n,"selector":{"matchLabels":{"app":"d"}},
            "template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.21"}]}}}})
    }

    /// Creates the object in a fresh cluster and runs until it settles; returns the settled cluster.
    pub fn settle(obj: serde_json::Value) -> Sim {
        let mut sim = Sim::new(SimConfig::seeded(1));
        sim.store.record = false;
        sim.create(obj).expect("valid object");
        assert!(sim.run_until_idle(24 * 3600 * 1000), "did not settle");
        sim
    }

    fn bench(c: &mut Criterion) {
        let mut g = c.benchmark_group("settle");
        g.sample_size(10);
        for n in [100u64, 1000, 10_000] {
            g.bench_with_input(BenchmarkId::new("statefulset-parallel", n), &n, |b, &n| {
                b.iter(|| settle(statefulset(n, "Parallel")))
            });
            g.bench_with_input(BenchmarkId::new("statefulset-orderedready", n), &n, |b, &n| {
                b.iter(|| settle(statefulset(n, "OrderedReady")))
            });
            g.bench_with_input(BenchmarkId::new("deployment", n), &n, |b, &n| b.iter(|| settle(deployment(n))));
        }
        g.finish();
    }

    criterion_group!(benches, bench);
}
