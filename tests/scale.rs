//! Cost that grows with the work, not with its square (issue 12): a workload behind a Service
//! settles with work in proportion to its pods. Work is counted (controller work items run,
//! endpoints copied into written Endpoints and EndpointSlices) rather than timed, so the bounds
//! hold on a busy machine; a quadratic path makes four times the pods cost sixteen times the work.

use kubelab::sim::{Profile, Sim, SimConfig};
use serde_json::{json, Value};

fn headless_statefulset(n: u64, policy: &str) -> Vec<Value> {
    vec![
        json!({"apiVersion":"v1","kind":"Service","metadata":{"name":"nginx","labels":{"app":"nginx"}},"spec":{"clusterIP":"None","selector":{"app":"nginx"},"ports":[{"port":80,"name":"web"}]}}),
        json!({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web"},"spec":{"serviceName":"nginx","replicas":n,"podManagementPolicy":policy,"selector":{"matchLabels":{"app":"nginx"}},
            "template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"k8s.gcr.io/nginx-slim:0.8","ports":[{"containerPort":80,"name":"web"}],"volumeMounts":[{"name":"www","mountPath":"/usr/share/nginx/html"}]}]}},
            "volumeClaimTemplates":[{"metadata":{"name":"www"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}),
    ]
}

fn deployment_behind_service(n: u64) -> Vec<Value> {
    vec![
        json!({"apiVersion":"v1","kind":"Service","metadata":{"name":"d"},"spec":{"selector":{"app":"d"},"ports":[{"port":80}]}}),
        json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"deploy"},"spec":{"replicas":n,"selector":{"matchLabels":{"app":"d"}},
            "template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.21"}]}}}}),
    ]
}

/// A cluster with a worker per 100 pods and the built-in quota lifted past `n`, running `objs`
/// until it settles.
fn settled(objs: Vec<Value>, n: u64) -> Sim {
    let mut profile = Profile::with_workers(n as usize / 100 + 1);
    profile.object_limit = profile.object_limit.max(n as i64 + 100);
    let mut sim = Sim::new(SimConfig { seed: 1, profile });
    for o in objs {
        sim.create(o).expect("valid object");
    }
    assert!(sim.run_until_idle(48 * 3600 * 1000), "did not settle");
    sim
}

/// Settles the objects on a cluster with a worker per 100 pods; (work items, endpoints copied).
fn work(objs: Vec<Value>, n: u64) -> (u64, u64) {
    let sim = settled(objs, n);
    let ep = sim.get(
        kubelab::sim::Kind::Endpoints,
        "default",
        if sim.get(kubelab::sim::Kind::Service, "default", "d").is_some() { "d" } else { "nginx" },
    );
    let ready = ep.and_then(|e| e.pointer("/subsets/0/addresses")).and_then(Value::as_array).map_or(0, Vec::len);
    assert_eq!(ready as u64, n, "every pod is a ready address");
    (sim.work_runs, sim.endpoints_copied())
}

/// Four times the pods cost less than six times the work (a quadratic path costs sixteen).
fn assert_linear(small: (u64, u64), big: (u64, u64)) {
    assert!(big.0 < small.0 * 6, "controller work items: {} for n, {} for 4n", small.0, big.0);
    assert!(big.1 < small.1 * 6, "endpoints copied: {} for n, {} for 4n", small.1, big.1);
}

#[test]
fn the_seeds_statefulset_behind_its_headless_service_costs_in_proportion_to_its_pods() {
    assert_linear(
        work(headless_statefulset(100, "OrderedReady"), 100),
        work(headless_statefulset(400, "OrderedReady"), 400),
    );
}

#[test]
fn a_parallel_statefulset_with_claims_costs_in_proportion_to_its_pods() {
    // The scheduler moves back only the pods waiting for the claim that changed.
    assert_linear(work(headless_statefulset(100, "Parallel"), 100), work(headless_statefulset(400, "Parallel"), 400));
}

#[test]
fn a_deployment_behind_a_clusterip_service_costs_in_proportion_to_its_pods() {
    assert_linear(work(deployment_behind_service(100), 100), work(deployment_behind_service(400), 400));
}

#[test]
fn a_changed_pod_is_found_in_its_slice_without_walking_the_others() {
    // The EndpointSlice controller looked for each changed pod in every slice's endpoints, so a
    // StatefulSet coming up one pod at a time walked all the pods before it at each change
    // (16 times the walk for 4 times the pods); it now looks it up by its last address.
    let walked = |n: u64| settled(headless_statefulset(n, "OrderedReady"), n).endpoints_walked();
    let (small, big) = (walked(100), walked(400));
    assert!(big <= small * 6 + 400, "endpoints walked: {small} for 100 pods, {big} for 400");
}

#[test]
fn dns_answers_from_the_endpointslices_past_the_endpoints_1000_addresses() {
    // CoreDNS (1.9, Kubernetes 1.26) serves Services from EndpointSlices; the Endpoints object
    // stops at 1,000 addresses (`truncateEndpoints`).
    use kubelab::sim::dns::{lookup, Answer, QType, Record};
    let n = 1200;
    let mut objs = headless_statefulset(n, "Parallel");
    objs[1]["spec"].as_object_mut().unwrap().remove("volumeClaimTemplates");
    objs[1]["spec"]["template"]["spec"]["containers"][0].as_object_mut().unwrap().remove("volumeMounts");
    let sim = settled(objs, n);
    let ep = sim.get(kubelab::sim::Kind::Endpoints, "default", "nginx").unwrap();
    let held = ep.pointer("/subsets/0/addresses").and_then(Value::as_array).map_or(0, Vec::len);
    assert_eq!(held, 1000, "the Endpoints are truncated");
    let pod_ip = sim.get(kubelab::sim::Kind::Pod, "default", "web-1100").unwrap()["status"]["podIP"].clone();
    let name = "web-1100.nginx.default.svc.cluster.local";
    let Answer::Records(rs) = lookup(&sim, name, QType::A) else { panic!("{name} has no answer") };
    assert_eq!(rs, [Record::A { name: name.into(), ip: pod_ip.as_str().unwrap().into() }]);
    let Answer::Records(rs) = lookup(&sim, "nginx.default.svc.cluster.local", QType::A) else {
        panic!("the headless name has no answer")
    };
    assert_eq!(rs.len(), n as usize, "an A record per ready pod");
}
