//! Quick timing of big workloads settling (the criterion bench is the measured figure).
use kubelab::sim::{Sim, SimConfig};
use serde_json::json;
use std::time::Instant;

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let only = std::env::args().nth(2);
    for policy in ["Parallel", "OrderedReady", "deploy"] {
        if only.as_deref().is_some_and(|o| o != policy) {
            continue;
        }
        let obj = if policy == "deploy" {
            json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"deploy"},"spec":{"replicas":n,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.21"}]}}}})
        } else {
            json!({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web"},"spec":{"serviceName":"nginx","replicas":n,"podManagementPolicy":policy,"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"k8s.gcr.io/nginx-slim:0.8"}]}}}})
        };
        let t = Instant::now();
        let mut sim = Sim::new(SimConfig::seeded(1));
        sim.store.record = false;
        sim.create(obj).unwrap();
        let ok = sim.run_until_idle(48 * 3600 * 1000);
        println!("{policy} n={n}: {:?} settled={ok} virtual={} objects={}", t.elapsed(), sim.now(), sim.store.len());
        census(&sim);
    }
}

#[allow(dead_code)]
fn census(sim: &Sim) {
    let mut m = std::collections::BTreeMap::new();
    for k in kubelab::sim::resources::RESOURCES {
        m.insert(k.kind_name, sim.store.list(k.kind, None).count());
    }
    println!("{m:?}");
}
