//! The Deployment half as kubernetes.io's Deployment page walks it
//! (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/), at the seed's
//! release (v1.26) unless a test says otherwise: the controller's events, status, pause and
//! resume, `set resources`, the progress deadline, proportional scaling and graceful scale-down.
//! Expected texts come from that page or from the upstream source named beside them.

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::{obj, Kind, SimConfig};
use serde_json::Value;

/// controllers/nginx-deployment.yaml of the Deployment page.
const NGINX: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
";

fn session_at(seed: u64, version: Option<&str>) -> Session {
    let mut config = SimConfig::seeded(seed);
    if let Some(v) = version {
        config.profile.kubernetes_version = v.to_string();
    }
    let mut s = Session::new(config).with_loader(common::files_loader());
    s.write_file("nginx-deployment.yaml", NGINX);
    s
}

fn session() -> Session {
    session_at(1, None)
}

fn run(s: &mut Session, line: &str) -> String {
    s.run_line(line).0.text()
}

/// A Deployment created from the page's manifest and rolled out.
fn rolled_out(s: &mut Session) {
    run(s, "kubectl apply -f nginx-deployment.yaml");
    s.sim.run_until_idle(300_000);
}

fn deployment(s: &Session) -> Value {
    s.sim.get(Kind::Deployment, "default", "nginx-deployment").cloned().unwrap()
}

/// The ReplicaSets of the Deployment, oldest revision first: (name, spec.replicas, annotations).
fn replicasets(s: &Session) -> Vec<(String, i64, Value)> {
    let mut out: Vec<(i64, String, i64, Value)> = s
        .sim
        .store
        .list(Kind::ReplicaSet, Some("default"))
        .map(|(_, r)| {
            let r = r.clone();
            let rev = obj::annotation(&r, "deployment.kubernetes.io/revision").and_then(|v| v.parse().ok()).unwrap_or(0);
            let a = r.pointer("/metadata/annotations").cloned().unwrap_or(Value::Null);
            (rev, obj::name(&r).to_string(), obj::i64_at(&r, "/spec/replicas").unwrap_or(0), a)
        })
        .collect();
    out.sort_by_key(|r| r.0);
    out.into_iter().map(|(_, n, r, a)| (n, r, a)).collect()
}

/// The messages of the Deployment's events, oldest first.
fn scaling_messages(s: &mut Session) -> Vec<String> {
    let out = run(s, "kubectl get events --field-selector involvedObject.kind=Deployment --sort-by=.metadata.creationTimestamp -o custom-columns=M:.message --no-headers");
    out.lines().map(String::from).collect()
}

/// The Deployment page's "Updating a Deployment": at v1.26 the controller's events read
/// `Scaled up replica set nginx-deployment-2035384211 to 3`, `Scaled up replica set
/// nginx-deployment-1564180365 to 1`, `Scaled down replica set nginx-deployment-2035384211 to
/// 2`, ... `Scaled down replica set nginx-deployment-2035384211 to 0` (sync.go at v1.26:
/// "Scaled %s replica set %s to %d").
#[test]
fn at_v1_26_the_scaling_events_read_to_n() {
    let mut s = session();
    rolled_out(&mut s);
    run(&mut s, "kubectl set image deployment.v1.apps/nginx-deployment nginx=nginx:1.16.1");
    s.sim.run_until_idle(300_000);
    let rs = replicasets(&s);
    let (old, new) = (&rs[0].0, &rs[1].0);
    let msgs = scaling_messages(&mut s);
    assert_eq!(msgs.first().unwrap(), &format!("Scaled up replica set {old} to 3"));
    assert!(msgs.contains(&format!("Scaled up replica set {new} to 1")), "{msgs:?}");
    assert!(msgs.contains(&format!("Scaled down replica set {old} to 2")), "{msgs:?}");
    assert!(msgs.contains(&format!("Scaled up replica set {new} to 3")), "{msgs:?}");
    assert_eq!(msgs.last().unwrap(), &format!("Scaled down replica set {old} to 0"));
    assert!(msgs.iter().all(|m| !m.contains(" from ")), "{msgs:?}");
}

/// kubernetes/kubernetes#101142 (v1.27): `scaleReplicaSet` says "Scaled %s replica set %s to
/// %d from %d"; a new ReplicaSet's first size is still "Scaled up replica set %s to %d".
#[test]
fn at_v1_27_a_scaled_replicaset_says_to_n_from_m() {
    let mut s = session_at(1, Some("v1.27.3"));
    rolled_out(&mut s);
    run(&mut s, "kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1");
    s.sim.run_until_idle(300_000);
    let rs = replicasets(&s);
    let (old, new) = (&rs[0].0, &rs[1].0);
    let msgs = scaling_messages(&mut s);
    assert_eq!(msgs.first().unwrap(), &format!("Scaled up replica set {old} to 3"));
    assert!(msgs.contains(&format!("Scaled up replica set {new} to 1")), "{msgs:?}");
    assert!(msgs.contains(&format!("Scaled down replica set {old} to 2 from 3")), "{msgs:?}");
    assert_eq!(msgs.last().unwrap(), &format!("Scaled down replica set {old} to 0 from 1"));
}

/// kubernetes/kubernetes#125118 (v1.31): "Scaled <up|down> replica set <name> from <old> to
/// <new>", the new ReplicaSet's creation too ("from 0 to %d").
#[test]
fn at_v1_31_a_scaled_replicaset_says_from_m_to_n() {
    let mut s = session_at(1, Some("v1.31.0"));
    rolled_out(&mut s);
    run(&mut s, "kubectl scale deployment/nginx-deployment --replicas=1");
    s.sim.run_until_idle(300_000);
    let old = replicasets(&s)[0].0.clone();
    let msgs = scaling_messages(&mut s);
    assert_eq!(
        msgs,
        vec![format!("Scaled up replica set {old} from 0 to 3"), format!("Scaled down replica set {old} from 3 to 1")]
    );
}

/// The page's "Rolling Back a Deployment": with `nginx:1.161` the rollout sticks, and
/// `kubectl describe deployment` reads `Replicas: 3 desired | 1 updated | 4 total | 3
/// available | 1 unavailable` with `Available True MinimumReplicasAvailable` and `Progressing
/// True ReplicaSetUpdated`; `kubectl get rs` shows the old at 3 and the new at 1.
/// `unavailableReplicas` is the ReplicaSets' `spec.replicas` less the available ones
/// (`calculateStatus`); the replicas annotations follow the Deployment (`SetReplicasAnnotations`).
#[test]
fn a_stuck_rollout_counts_its_unavailable_replica() {
    let mut s = session();
    rolled_out(&mut s);
    run(&mut s, "kubectl set image deployment/nginx-deployment nginx=nginx:1.161");
    s.sim.advance(60_000);
    let describe = run(&mut s, "kubectl describe deployment nginx-deployment");
    assert!(
        describe.contains("Replicas:               3 desired | 1 updated | 4 total | 3 available | 1 unavailable\n"),
        "{describe}"
    );
    assert!(describe.contains("  Available      True    MinimumReplicasAvailable\n"), "{describe}");
    assert!(describe.contains("  Progressing    True    ReplicaSetUpdated\n"), "{describe}");
    let d = deployment(&s);
    assert_eq!(obj::i64_at(&d, "/status/unavailableReplicas"), Some(1));
    assert_eq!(obj::i64_at(&d, "/status/observedGeneration"), Some(2));
    assert_eq!(obj::annotation(&d, "deployment.kubernetes.io/revision"), Some("2"));
    let rs = replicasets(&s);
    assert_eq!((rs[0].1, rs[1].1), (3, 1));
    for (_, _, a) in &rs {
        assert_eq!(a["deployment.kubernetes.io/desired-replicas"], "3");
        assert_eq!(a["deployment.kubernetes.io/max-replicas"], "4");
    }
    assert_eq!((rs[0].2["deployment.kubernetes.io/revision"].as_str(), rs[1].2["deployment.kubernetes.io/revision"].as_str()), (Some("1"), Some("2")));
    // Rolled out, nothing is unavailable and the field is left out (omitempty).
    run(&mut s, "kubectl rollout undo deployment/nginx-deployment");
    s.sim.run_until_idle(300_000);
    let d = deployment(&s);
    assert_eq!(d.pointer("/status/unavailableReplicas"), None);
    assert_eq!(obj::annotation(&d, "deployment.kubernetes.io/revision"), Some("3"));
    // The re-used ReplicaSet keeps the revision it had (`SetNewReplicaSetAnnotations`).
    let rs = replicasets(&s);
    let last = rs.last().unwrap();
    assert_eq!((last.2["deployment.kubernetes.io/revision"].as_str(), last.2["deployment.kubernetes.io/revision-history"].as_str()), (Some("3"), Some("1")));
}
