//! How long the model takes to settle big workloads (criterion; figures go in the README).
//!
//! A StatefulSet of N replicas under Parallel and OrderedReady, and a Deployment of N, from
//! creation until nothing more is scheduled to change; and the same behind a Service, on a
//! cluster with enough workers for the pods: the seed's StatefulSet (claim templates, headless
//! Service) and a Deployment behind a ClusterIP Service.

// criterion runs natively only; on wasm32 the bench is empty (so `clippy --all-targets` builds).
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, BenchmarkId, Criterion};
    use kubelab::sim::{Profile, Sim, SimConfig};
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

    fn headless_statefulset(n: u64) -> Vec<serde_json::Value> {
        vec![
            json!({"apiVersion":"v1","kind":"Service","metadata":{"name":"nginx","labels":{"app":"nginx"}},"spec":{"clusterIP":"None","selector":{"app":"nginx"},"ports":[{"port":80,"name":"web"}]}}),
            json!({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web"},"spec":{"serviceName":"nginx","replicas":n,"selector":{"matchLabels":{"app":"nginx"}},
                "template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"k8s.gcr.io/nginx-slim:0.8","ports":[{"containerPort":80,"name":"web"}],"volumeMounts":[{"name":"www","mountPath":"/usr/share/nginx/html"}]}]}},
                "volumeClaimTemplates":[{"metadata":{"name":"www"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}),
        ]
    }

    fn deployment_behind_service(n: u64) -> Vec<serde_json::Value> {
        vec![
            json!({"apiVersion":"v1","kind":"Service","metadata":{"name":"d"},"spec":{"selector":{"app":"d"},"ports":[{"port":80}]}}),
            deployment(n),
        ]
    }

    /// Creates the objects on a cluster with a worker per 100 pods and runs until it settles.
    pub fn settle_big(objs: Vec<serde_json::Value>, n: u64) -> Sim {
        let mut sim = Sim::new(SimConfig { seed: 1, profile: Profile::with_workers(n as usize / 100 + 1) });
        sim.store.record = false;
        for o in objs {
            sim.create(o).expect("valid object");
        }
        assert!(sim.run_until_idle(48 * 3600 * 1000), "did not settle");
        sim
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
        for n in [1000u64, 5000] {
            g.bench_with_input(BenchmarkId::new("statefulset-headless-service", n), &n, |b, &n| {
                b.iter(|| settle_big(headless_statefulset(n), n))
            });
            g.bench_with_input(BenchmarkId::new("deployment-clusterip-service", n), &n, |b, &n| {
                b.iter(|| settle_big(deployment_behind_service(n), n))
            });
        }
        g.finish();
    }

    criterion_group!(benches, bench);
}
