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
            let rev =
                obj::annotation(&r, "deployment.kubernetes.io/revision").and_then(|v| v.parse().ok()).unwrap_or(0);
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

/// The Deployment page's "Updating a Deployment" shows an old release's words:
/// `Scaled up replica set nginx-deployment-2035384211 to 3`, `Scaled up replica set
/// nginx-deployment-1564180365 to 1`, `Scaled down replica set nginx-deployment-2035384211 to
/// 2`, ... `Scaled down replica set nginx-deployment-2035384211 to 0`: sync.go before
/// kubernetes/kubernetes#101142, "Scaled %s replica set %s to %d", as v1.24.3's source has it
/// (pkg/controller/deployment/sync.go line 426 in kaisenlinux/kubernetes' import of the v1.24.3
/// release tarball, gitVersion aef86a93).
#[test]
fn before_v1_25_the_scaling_events_read_to_n() {
    let mut s = session_at(1, Some("v1.24.3"));
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

/// kubernetes/kubernetes#101142: `scaleReplicaSet` says "Scaled %s replica set %s to %d from
/// %d"; a new ReplicaSet's first size is still "Scaled up replica set %s to %d" (sync.go lines
/// 427 and 277 of the v1.25.1 and v1.25.9 release sources, kaisenlinux/kubernetes; line 429 and
/// 278 of v1.31.2's). A real 1.26 cluster (kubeadm, created 2023-02-24, before 1.27.0 existed)
/// printed, after `kubectl set image` of a 3-replica Deployment: `Scaled up replica set
/// nginx-579c9dfc44 to 3`, `Scaled up replica set nginx-7b8cbd4f76 to 1`, `Scaled down replica
/// set nginx-579c9dfc44 to 2 from 3`, `Scaled up replica set nginx-7b8cbd4f76 to 2 from 1`, ...,
/// `Scaled down replica set nginx-579c9dfc44 to 0 from 1`. #125118 changed it in 1.32.
#[test]
fn from_v1_25_a_scaled_replicaset_says_to_n_from_m() {
    for version in [Some("v1.25.1"), None, Some("v1.27.3"), Some("v1.31.2")] {
        let mut s = session_at(1, version);
        rolled_out(&mut s);
        run(&mut s, "kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1");
        s.sim.run_until_idle(300_000);
        let rs = replicasets(&s);
        let (old, new) = (&rs[0].0, &rs[1].0);
        let msgs = scaling_messages(&mut s);
        assert_eq!(msgs.first().unwrap(), &format!("Scaled up replica set {old} to 3"), "{version:?}");
        assert!(msgs.contains(&format!("Scaled up replica set {new} to 1")), "{version:?} {msgs:?}");
        assert!(msgs.contains(&format!("Scaled down replica set {old} to 2 from 3")), "{version:?} {msgs:?}");
        assert!(msgs.contains(&format!("Scaled up replica set {new} to 2 from 1")), "{version:?} {msgs:?}");
        assert_eq!(msgs.last().unwrap(), &format!("Scaled down replica set {old} to 0 from 1"), "{version:?}");
    }
}

/// kubernetes/kubernetes#125118 (release note in CHANGELOG-1.32.md, v1.32.0-alpha.2): "Scaled
/// <up|down> replica set <name> from <old> to <new>", the new ReplicaSet's creation too
/// ("from 0 to %d").
#[test]
fn at_v1_32_a_scaled_replicaset_says_from_m_to_n() {
    let mut s = session_at(1, Some("v1.32.0"));
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
    assert_eq!(
        (rs[0].2["deployment.kubernetes.io/revision"].as_str(), rs[1].2["deployment.kubernetes.io/revision"].as_str()),
        (Some("1"), Some("2"))
    );
    // Rolled out, nothing is unavailable and the field is left out (omitempty).
    run(&mut s, "kubectl rollout undo deployment/nginx-deployment");
    s.sim.run_until_idle(300_000);
    let d = deployment(&s);
    assert_eq!(d.pointer("/status/unavailableReplicas"), None);
    assert_eq!(obj::annotation(&d, "deployment.kubernetes.io/revision"), Some("3"));
    // The re-used ReplicaSet keeps the revision it had (`SetNewReplicaSetAnnotations`).
    let rs = replicasets(&s);
    let last = rs.last().unwrap();
    assert_eq!(
        (
            last.2["deployment.kubernetes.io/revision"].as_str(),
            last.2["deployment.kubernetes.io/revision-history"].as_str()
        ),
        (Some("3"), Some("1"))
    );
}

fn progressing(s: &Session) -> (String, String, String) {
    let d = deployment(s);
    let c = obj::arr_at(&d, "/status/conditions")
        .iter()
        .find(|c| obj::str_at(c, "/type") == Some("Progressing"))
        .cloned()
        .unwrap();
    let f = |k: &str| obj::str_at(&c, k).unwrap_or("").to_string();
    (f("/status"), f("/reason"), f("/message"))
}

/// The page's "Pausing and Resuming a rollout of a Deployment": `deployment.apps/nginx-deployment
/// paused`, changes while paused start no rollout (`rollout history` keeps one revision, no new
/// ReplicaSet), `kubectl set resources ... resource requirements updated`, `resumed`, and the
/// new ReplicaSet rolls out with both changes. The Progressing condition is Unknown with
/// `DeploymentPaused` / `DeploymentResumed` (`checkPausedConditions`, progress.go); undo and
/// restart refuse a paused Deployment (rollback.go, objectrestarter.go at kubectl 1.26).
#[test]
fn a_paused_deployment_rolls_out_its_changes_on_resume() {
    let mut s = session();
    rolled_out(&mut s);
    assert_eq!(
        run(&mut s, "kubectl rollout pause deployment/nginx-deployment"),
        "deployment.apps/nginx-deployment paused\n"
    );
    assert_eq!(
        run(&mut s, "kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1"),
        "deployment.apps/nginx-deployment image updated\n"
    );
    s.sim.advance(30_000);
    assert_eq!(
        run(&mut s, "kubectl rollout history deployment/nginx-deployment"),
        "deployment.apps/nginx-deployment \nREVISION  CHANGE-CAUSE\n1         <none>\n\n"
    );
    assert_eq!(replicasets(&s).len(), 1);
    assert_eq!(
        progressing(&s),
        ("Unknown".to_string(), "DeploymentPaused".to_string(), "Deployment is paused".to_string())
    );
    assert_eq!(
        run(&mut s, "kubectl set resources deployment/nginx-deployment -c=nginx --limits=cpu=200m,memory=512Mi"),
        "deployment.apps/nginx-deployment resource requirements updated\n"
    );
    // rollback.go looks for the revision before it looks at `paused`: with one revision, that
    // is what it says.
    let (out, code) = s.run_line("kubectl rollout undo deployment/nginx-deployment");
    assert_eq!(
        (out.text().as_str(), code),
        ("error: no rollout history found for deployment \"nginx-deployment\"\n", 1)
    );
    let (out, code) = s.run_line("kubectl rollout restart deployment/nginx-deployment");
    assert_eq!(
        (out.text().as_str(), code),
        (
            "error: deployments.apps \"nginx-deployment\" can't restart paused deployment (run rollout resume first)\n",
            1
        )
    );
    let (out, code) = s.run_line("kubectl rollout pause deployment/nginx-deployment");
    assert_eq!((out.text().as_str(), code), ("error: deployments.apps \"nginx-deployment\" is already paused\n", 1));
    assert_eq!(
        run(&mut s, "kubectl rollout resume deployment/nginx-deployment"),
        "deployment.apps/nginx-deployment resumed\n"
    );
    s.sim.run_until_idle(300_000);
    let rs = replicasets(&s);
    assert_eq!(rs.len(), 2);
    assert_eq!((rs[0].1, rs[1].1), (0, 3));
    let new = s.sim.get(Kind::ReplicaSet, "default", &rs[1].0).unwrap();
    let c = &obj::arr_at(new, "/spec/template/spec/containers")[0];
    assert_eq!(c["image"], "nginx:1.16.1");
    assert_eq!(c["resources"]["limits"], serde_json::json!({"cpu": "200m", "memory": "512Mi"}));
    assert_eq!(progressing(&s).1, "NewReplicaSetAvailable");
    let (out, code) = s.run_line("kubectl rollout resume deployment/nginx-deployment");
    assert_eq!((out.text().as_str(), code), ("error: deployments.apps \"nginx-deployment\" is not paused\n", 1));
    // With a revision to go back to, undo refuses the paused Deployment.
    run(&mut s, "kubectl rollout pause deployment/nginx-deployment");
    let (out, code) = s.run_line("kubectl rollout undo deployment/nginx-deployment");
    assert_eq!(
        (out.text().as_str(), code),
        ("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n", 1)
    );
}

/// Pausing a finished Deployment turns its Progressing condition `Unknown DeploymentPaused`;
/// resuming writes `Unknown DeploymentResumed` and, the rollout being complete, the same sync
/// makes it `True NewReplicaSetAvailable` again (`checkPausedConditions`, then
/// `syncRolloutStatus`, progress.go).
#[test]
fn pausing_and_resuming_a_finished_deployment() {
    let mut s = session();
    rolled_out(&mut s);
    run(&mut s, "kubectl rollout pause deployment/nginx-deployment");
    assert_eq!(progressing(&s).1, "DeploymentPaused");
    let describe = run(&mut s, "kubectl describe deployment nginx-deployment");
    assert!(describe.contains("  Progressing    Unknown  DeploymentPaused\n"), "{describe}");
    s.sim.advance(1_000);
    run(&mut s, "kubectl rollout resume deployment/nginx-deployment");
    let new = replicasets(&s)[0].0.clone();
    assert_eq!(
        progressing(&s),
        (
            "True".to_string(),
            "NewReplicaSetAvailable".to_string(),
            format!("ReplicaSet \"{new}\" has successfully progressed.")
        )
    );
}

/// `kubectl set resources` (set_resources.go): it needs limits or requests, and names a
/// container that is not there.
#[test]
fn set_resources_needs_a_change_and_a_container() {
    let mut s = session();
    rolled_out(&mut s);
    let (out, code) = s.run_line("kubectl set resources deployment/nginx-deployment -c=nginx");
    assert_eq!(
        (out.text().as_str(), code),
        ("error: you must specify an update to requests or limits (in the form of --requests/--limits)\n", 1)
    );
    let (out, code) = s.run_line("kubectl set resources deployment/nginx-deployment -c=app --requests=cpu=100m");
    assert_eq!((out.text().as_str(), code), ("error: unable to find container named app\n", 1));
    assert_eq!(
        run(&mut s, "kubectl set resources deployment nginx-deployment --requests=cpu=100m,memory=64Mi"),
        "deployment.apps/nginx-deployment resource requirements updated\n"
    );
}

/// The page's "Failed Deployment": past `progressDeadlineSeconds` (600 by default) the
/// Progressing condition turns `False ProgressDeadlineExceeded` and `kubectl rollout status`
/// ends with `error: deployment "nginx-deployment" exceeded its progress deadline` and exit 1
/// (rollout_status.go), even when the replay has no `--timeout` to wait that long for.
#[test]
fn rollout_status_reports_the_progress_deadline() {
    let mut s = session();
    rolled_out(&mut s);
    run(&mut s, "kubectl set image deployment/nginx-deployment nginx=nginx:1.161");
    let (out, code) = s.run_line("kubectl rollout status deployment/nginx-deployment");
    assert_eq!(code, 1);
    let text = out.text();
    assert!(text.starts_with("Waiting for deployment \"nginx-deployment\" rollout to finish: "), "{text}");
    assert!(text.ends_with("error: deployment \"nginx-deployment\" exceeded its progress deadline\n"), "{text}");
    assert!(!text.contains("timed out"), "{text}");
    assert_eq!(progressing(&s).1, "ProgressDeadlineExceeded");
    assert_eq!(progressing(&s).2, format!("ReplicaSet \"{}\" has timed out progressing.", replicasets(&s)[1].0));
}

/// `--timeout=30s` holds the terminal for the whole 30 s of (virtual) time, then says
/// `error: timed out waiting for the condition` (kubectl's wait.ErrWaitTimeout).
#[test]
fn rollout_status_holds_for_its_whole_timeout() {
    let mut s = session();
    rolled_out(&mut s);
    run(&mut s, "kubectl set image deployment/nginx-deployment nginx=nginx:1.161");
    s.sim.advance(60_000);
    let before = s.sim.now().ms();
    let (out, code) = s.run_line("kubectl rollout status deployment/nginx-deployment --timeout=30s");
    assert_eq!(code, 1);
    assert!(out.text().ends_with("error: timed out waiting for the condition\n"), "{}", out.text());
    assert!(s.sim.now().ms() >= before + 30_000, "held {} ms", s.sim.now().ms() - before);
    let before = s.sim.now().ms();
    let (_, code) =
        s.run_line("kubectl wait --for=condition=Available=false deployment/nginx-deployment --timeout=20s");
    assert_eq!(code, 1);
    assert!(s.sim.now().ms() >= before + 20_000, "held {} ms", s.sim.now().ms() - before);
}

/// `kubectl rollout status` on a paused Deployment whose template changed: kubectl's
/// `DeploymentStatusViewer.Status` (pkg/polymorphichelpers/rollout_status.go at
/// kubernetes-1.26.0, lines 59-92) has no paused check (nor at 1.27, 1.30, 1.35), so once
/// `observedGeneration` catches up (the controller's `sync` of a paused Deployment writes its
/// status) it says line 81's `Waiting for deployment %q rollout to finish: %d out of %d new
/// replicas have been updated...` (no new ReplicaSet: 0 of 3) and waits: no progress deadline
/// while paused, so only `--timeout` ends it (`error: timed out waiting for the condition`).
#[test]
fn rollout_status_of_a_paused_deployment_waits() {
    let mut s = session();
    rolled_out(&mut s);
    run(&mut s, "kubectl rollout pause deployment/nginx-deployment");
    run(&mut s, "kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1");
    s.sim.advance(5_000);
    let before = s.sim.now().ms();
    let (out, code) = s.run_line("kubectl rollout status deployment/nginx-deployment --timeout=30s");
    assert_eq!(
        (out.text().as_str(), code),
        (
            "Waiting for deployment \"nginx-deployment\" rollout to finish: 0 out of 3 new replicas have been updated...\nerror: timed out waiting for the condition\n",
            1
        )
    );
    assert!(s.sim.now().ms() >= before + 30_000, "held {} ms", s.sim.now().ms() - before);
}

/// The page's "Proportional scaling": 10 replicas, maxSurge 3, maxUnavailable 2, an image that
/// cannot be pulled (old 8, new 5); `kubectl scale --replicas=15` spreads the 5 more in
/// proportion: old 11, new 7 (`scale` and `GetProportion` in sync.go and deployment_util.go;
/// the page's `kubectl get rs` shows 11 and 7).
#[test]
fn scaling_a_rollout_in_flight_is_proportional() {
    let mut s = session();
    run(&mut s, "kubectl apply -f nginx-deployment.yaml");
    run(
        &mut s,
        "kubectl patch deployment nginx-deployment -p '{\"spec\":{\"replicas\":10,\"strategy\":{\"rollingUpdate\":{\"maxSurge\":3,\"maxUnavailable\":2}}}}'",
    );
    s.sim.run_until_idle(300_000);
    run(&mut s, "kubectl set image deployment/nginx-deployment nginx=nginx:sometag");
    s.sim.advance(30_000);
    let rs = replicasets(&s);
    assert_eq!((rs[0].1, rs[1].1), (8, 5));
    run(&mut s, "kubectl scale deployment/nginx-deployment --replicas=15");
    s.sim.advance(5_000);
    let rs = replicasets(&s);
    assert_eq!((rs[0].1, rs[1].1), (11, 7));
    assert_eq!(rs[0].2["deployment.kubernetes.io/max-replicas"], "18");
    assert_eq!(rs[1].2["deployment.kubernetes.io/desired-replicas"], "15");
}

/// A scale-down deletes pods gracefully: they show `Terminating` for their grace period before
/// they go, as the pods of any DELETE do.
#[test]
fn pods_a_replicaset_gives_up_terminate_gracefully() {
    let mut s = session();
    rolled_out(&mut s);
    run(&mut s, "kubectl scale deployment/nginx-deployment --replicas=1");
    let pods = run(&mut s, "kubectl get pods --no-headers");
    assert_eq!(pods.matches("Terminating").count(), 2, "{pods}");
    assert_eq!(pods.matches("Running").count(), 1, "{pods}");
    s.sim.run_until_idle(120_000);
    assert_eq!(run(&mut s, "kubectl get pods --no-headers").lines().count(), 1);
    // A bare pod with the template's labels is adopted, surplus, and goes the same way.
    let hash = replicasets(&s)[0].0.rsplit('-').next().unwrap().to_string();
    run(&mut s, &format!("kubectl run extra --image=nginx:1.14.2 --labels=app=nginx,pod-template-hash={hash}"));
    s.sim.advance(200);
    let pods = run(&mut s, "kubectl get pods --no-headers");
    assert!(pods.contains("extra ") && pods.matches("Terminating").count() == 1, "{pods}");
    s.sim.run_until_idle(120_000);
    assert_eq!(run(&mut s, "kubectl get pods --no-headers").lines().count(), 1);
}
