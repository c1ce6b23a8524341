//! Quick timing of big workloads settling (the criterion bench is the measured figure).
//!
//! `cargo run --release --example settle_time N [CASE]`: CASE is one of Parallel, OrderedReady,
//! deploy (alone, on the seed's cluster), sts-svc (the seed's StatefulSet with its claim
//! template behind its headless Service; sts-svc-parallel the same under Parallel) or deploy-svc (a Deployment behind a ClusterIP
//! Service); the Service cases run on a cluster with enough workers for N pods.
use kubelab::sim::{Profile, Sim, SimConfig};
use serde_json::{json, Value};
use std::time::Instant;

fn objects(case: &str, n: u64) -> Vec<Value> {
    match case {
        "deploy" => vec![deployment(n)],
        "deploy-svc" => vec![
            json!({"apiVersion":"v1","kind":"Service","metadata":{"name":"d"},"spec":{"selector":{"app":"d"},"ports":[{"port":80}]}}),
            deployment(n),
        ],
        "sts-svc" | "sts-svc-parallel" => vec![
            json!({"apiVersion":"v1","kind":"Service","metadata":{"name":"nginx","labels":{"app":"nginx"}},"spec":{"clusterIP":"None","selector":{"app":"nginx"},"ports":[{"port":80,"name":"web"}]}}),
            json!({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web"},"spec":{"serviceName":"nginx","replicas":n,"podManagementPolicy":if case == "sts-svc" { "OrderedReady" } else { "Parallel" },"selector":{"matchLabels":{"app":"nginx"}},
                "template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"k8s.gcr.io/nginx-slim:0.8","ports":[{"containerPort":80,"name":"web"}],"volumeMounts":[{"name":"www","mountPath":"/usr/share/nginx/html"}]}]}},
                "volumeClaimTemplates":[{"metadata":{"name":"www"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}),
        ],
        policy => vec![
            json!({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web"},"spec":{"serviceName":"nginx","replicas":n,"podManagementPolicy":policy,"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"k8s.gcr.io/nginx-slim:0.8"}]}}}}),
        ],
    }
}

fn deployment(n: u64) -> Value {
    json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"deploy"},"spec":{"replicas":n,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.21"}]}}}})
}

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let only = std::env::args().nth(2);
    let record = std::env::var("RECORD").is_ok();
    for case in ["Parallel", "OrderedReady", "deploy", "sts-svc", "sts-svc-parallel", "deploy-svc"] {
        if only.as_deref().is_some_and(|o| o != case) {
            continue;
        }
        let t = Instant::now();
        let profile =
            if case.ends_with("-svc") { Profile::with_workers(n as usize / 100 + 1) } else { Profile::default() };
        let mut sim = Sim::new(SimConfig { seed: 1, profile });
        sim.store.record = record;
        for o in objects(case, n) {
            sim.create(o).unwrap();
        }
        let ok = sim.run_until_idle(48 * 3600 * 1000);
        println!(
            "{case} n={n}: {:?} settled={ok} virtual={} objects={} work={} endpoints copied={}",
            t.elapsed(),
            sim.now(),
            sim.store.len(),
            sim.work_runs,
            sim.endpoints_copied()
        );
        census(&sim);
    }
}

fn census(sim: &Sim) {
    let mut m = std::collections::BTreeMap::new();
    for k in kubelab::sim::resources::RESOURCES {
        m.insert(k.kind_name, sim.store.list(k.kind, None).count());
    }
    println!("{m:?}");
}
