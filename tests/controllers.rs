//! One test per controller rule of the reference (§1–§3, §6): what the StatefulSet,
//! ReplicaSet, Deployment, scheduler, kubelet, volume and garbage-collection models do.

mod common;
use common::replay;
use kubelab::lab::session::Session;
use kubelab::sim::{obj, Kind, SimConfig, WatchType};
use serde_json::Value;

fn session(seed: u64) -> Session {
    Session::new(SimConfig::seeded(seed)).with_loader(common::files_loader())
}

/// A cluster of another release (the seed's is v1.26).
fn session_at(seed: u64, version: &str) -> Session {
    let mut config = SimConfig::seeded(seed);
    config.profile.kubernetes_version = version.to_string();
    Session::new(config).with_loader(common::files_loader())
}

fn run(s: &mut Session, line: &str) -> String {
    s.run_line(line).0.text()
}

fn pod(s: &Session, name: &str) -> Option<Value> {
    s.sim.get(Kind::Pod, "default", name).cloned()
}

const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  POLICY
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: c
        image: nginx:1.21
        volumeMounts:
        - name: data
          mountPath: /data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
";

fn sts(policy: &str) -> String {
    STS.replace("POLICY", policy)
}

/// The order in which pods were first created (ADDED events) during `f`.
fn added_order(s: &mut Session, f: impl FnOnce(&mut Session)) -> Vec<(String, u64)> {
    let c = s.sim.store.cursor();
    f(s);
    s.sim
        .store
        .events_since(c)
        .iter()
        .filter(|e| e.ty == WatchType::Added && e.key.kind == Kind::Pod)
        .map(|e| (e.key.name.clone(), e.at.ms()))
        .collect()
}

#[test]
fn ordered_ready_creates_the_next_pod_only_after_the_previous_is_running_and_ready() {
    let mut s = session(1);
    s.write_file("db.yaml", &sts(""));
    let c = s.sim.store.cursor();
    run(&mut s, "kubectl apply -f db.yaml");
    s.sim.run_until_idle(600_000);
    let events: Vec<_> = s.sim.store.events_since(c).iter().filter(|e| e.key.kind == Kind::Pod).cloned().collect();
    for n in 1..3 {
        let created = events.iter().find(|e| e.ty == WatchType::Added && e.key.name == format!("db-{n}")).unwrap().at;
        let prev_ready = events
            .iter()
            .find(|e| e.key.name == format!("db-{}", n - 1) && kubelab::sim::kubelet::is_running_and_ready(&e.obj))
            .unwrap()
            .at;
        assert!(created >= prev_ready, "db-{n} created at {created} before db-{} was ready at {prev_ready}", n - 1);
    }
    // Each claim existed before its pod.
    for n in 0..3 {
        let pvc = s.sim.get(Kind::PersistentVolumeClaim, "default", &format!("data-db-{n}")).unwrap();
        let p = pod(&s, &format!("db-{n}")).unwrap();
        assert!(obj::str_at(pvc, "/metadata/creationTimestamp") <= obj::str_at(&p, "/metadata/creationTimestamp"));
        assert_eq!(obj::label(pvc, "app"), Some("db"), "claims carry the selector labels");
    }
}

#[test]
fn parallel_creates_all_pods_at_once() {
    let mut s = session(1);
    s.write_file("db.yaml", &sts("podManagementPolicy: Parallel"));
    let order = added_order(&mut s, |s| {
        run(s, "kubectl apply -f db.yaml");
        s.sim.run_until_idle(600_000);
    });
    assert_eq!(order.len(), 3);
    assert!(order.iter().all(|(_, t)| *t == order[0].1), "{order:?}");
}

#[test]
fn ordinals_start_names_pods_from_the_start() {
    // StatefulSetStartOrdinal is on by default from v1.27.
    let mut s = session_at(1, "1.27.3");
    s.write_file("db.yaml", &sts("ordinals:\n    start: 5"));
    run(&mut s, "kubectl apply -f db.yaml");
    s.sim.run_until_idle(600_000);
    let out = run(&mut s, "kubectl get pods -o name");
    assert_eq!(out, "pod/db-5\npod/db-6\npod/db-7\n");
}

#[test]
fn statefulset_pods_get_identity_labels_hostname_and_subdomain() {
    let mut s = session(1);
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    let p = pod(&s, "web-1").unwrap();
    assert_eq!(obj::label(&p, "statefulset.kubernetes.io/pod-name"), Some("web-1"));
    assert!(obj::label(&p, "controller-revision-hash").is_some_and(|h| h.starts_with("web-")));
    assert_eq!(obj::str_at(&p, "/spec/hostname"), Some("web-1"));
    assert_eq!(obj::str_at(&p, "/spec/subdomain"), Some("nginx"));
    assert_eq!(obj::str_at(&p, "/metadata/generateName"), Some("web-"));
    let claim = obj::arr_at(&p, "/spec/volumes")
        .iter()
        .find_map(|v| obj::str_at(v, "/persistentVolumeClaim/claimName"))
        .unwrap();
    assert_eq!(claim, "www-web-1");
    let out = run(&mut s, "kubectl get controllerrevisions");
    assert!(out.contains("statefulset.apps/web   1"), "{out}");
}

#[test]
fn scale_down_goes_highest_first_one_at_a_time() {
    let mut s = session(2);
    s.write_file("db.yaml", &sts("replicas: 5").replace("  replicas: 3\n", ""));
    run(&mut s, "kubectl apply -f db.yaml");
    s.sim.run_until_idle(600_000);
    let c = s.sim.store.cursor();
    run(&mut s, "kubectl scale sts db --replicas=2");
    s.sim.run_until_idle(600_000);
    let evs: Vec<_> = s.sim.store.events_since(c).iter().filter(|e| e.key.kind == Kind::Pod).cloned().collect();
    let deleted: Vec<(String, u64)> =
        evs.iter().filter(|e| e.ty == WatchType::Deleted).map(|e| (e.key.name.clone(), e.at.ms())).collect();
    assert_eq!(deleted.iter().map(|d| d.0.as_str()).collect::<Vec<_>>(), ["db-4", "db-3", "db-2"]);
    for w in deleted.windows(2) {
        let next_term = evs.iter().find(|e| e.key.name == w[1].0 && obj::is_deleting(&e.obj)).unwrap().at.ms();
        assert!(next_term >= w[0].1, "{} began terminating before {} was gone", w[1].0, w[0].0);
    }
    // Claims are retained by default.
    assert_eq!(s.sim.store.list(Kind::PersistentVolumeClaim, Some("default")).count(), 5);
}

#[test]
fn a_deleted_statefulset_pod_returns_with_its_name_and_claim_on_its_volume_node() {
    let mut s = session(1);
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    let before = pod(&s, "web-0").unwrap();
    run(&mut s, "kubectl delete pod web-0");
    s.sim.run_until_idle(600_000);
    let after = pod(&s, "web-0").unwrap();
    assert_ne!(obj::uid(&before), obj::uid(&after));
    assert_eq!(
        obj::str_at(&before, "/spec/nodeName"),
        obj::str_at(&after, "/spec/nodeName"),
        "local volume pins the node"
    );
    let ip = |p: &Value| obj::str_at(p, "/status/podIP").unwrap().to_string();
    assert_ne!(ip(&before), ip(&after), "a new IP, not reused at once");
    assert_eq!(ip(&before).rsplit_once('.').unwrap().0, ip(&after).rsplit_once('.').unwrap().0, "same node block");
}

#[test]
fn orphaned_pods_are_adopted_and_extras_removed_when_the_set_returns() {
    let mut s = session(1);
    run(&mut s, "kubectl apply -f web.yaml");
    run(&mut s, "kubectl scale sts web --replicas=3");
    s.sim.run_until_idle(600_000);
    let out = run(&mut s, "kubectl delete statefulset web --cascade=orphan");
    assert_eq!(out, "statefulset.apps \"web\" deleted\n");
    s.sim.run_until_idle(600_000);
    assert_eq!(run(&mut s, "kubectl get pods -o name"), "pod/web-0\npod/web-1\npod/web-2\n");
    assert!(obj::controller_ref(&pod(&s, "web-1").unwrap()).is_none());
    run(&mut s, "kubectl delete pod web-0");
    s.sim.run_until_idle(600_000);
    assert_eq!(run(&mut s, "kubectl get pods -o name"), "pod/web-1\npod/web-2\n", "nothing re-creates an orphan");
    let out = run(&mut s, "kubectl apply -f web.yaml");
    assert_eq!(out, "service/nginx unchanged\nstatefulset.apps/web created\n");
    s.sim.run_until_idle(600_000);
    assert_eq!(
        run(&mut s, "kubectl get pods -o name"),
        "pod/web-0\npod/web-1\n",
        "web-0 created, web-1 adopted, web-2 removed"
    );
    assert!(obj::controller_ref(&pod(&s, "web-1").unwrap()).is_some());
}

#[test]
fn retention_policy_delete_removes_claims_with_the_set() {
    // StatefulSetAutoDeletePVC is on by default from v1.27.
    let mut s = session_at(1, "1.27.3");
    s.write_file(
        "db.yaml",
        &sts("persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Delete\n    whenScaled: Delete"),
    );
    run(&mut s, "kubectl apply -f db.yaml");
    s.sim.run_until_idle(600_000);
    run(&mut s, "kubectl scale sts db --replicas=2");
    s.sim.run_until_idle(600_000);
    assert!(s.sim.get(Kind::PersistentVolumeClaim, "default", "data-db-2").is_none(), "whenScaled: Delete");
    assert!(s.sim.get(Kind::PersistentVolumeClaim, "default", "data-db-1").is_some());
    run(&mut s, "kubectl delete sts db");
    s.sim.run_until_idle(600_000);
    assert_eq!(s.sim.store.list(Kind::PersistentVolumeClaim, Some("default")).count(), 0, "whenDeleted: Delete");
    // With the claims gone, their local-path volumes are released and then deleted.
    assert_eq!(s.sim.store.list(Kind::PersistentVolume, None).count(), 0);
}

#[test]
fn volumes_wait_for_the_first_consumer_and_are_named_after_the_claim() {
    let mut s = session(1);
    s.write_file("pvc.yaml", "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 2Gi\n");
    run(&mut s, "kubectl apply -f pvc.yaml");
    s.sim.advance(60_000);
    let out = run(&mut s, "kubectl get pvc c");
    assert!(out.contains("c      Pending                                      local-path     60s"), "{out}");
    let out = run(&mut s, "kubectl describe pvc c");
    assert!(
        out.contains("WaitForFirstConsumer") && out.contains("waiting for first consumer to be created before binding"),
        "{out}"
    );
    s.write_file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.21\n    volumeMounts:\n    - name: v\n      mountPath: /v\n  volumes:\n  - name: v\n    persistentVolumeClaim:\n      claimName: c\n");
    run(&mut s, "kubectl apply -f pod.yaml");
    s.sim.run_until_idle(600_000);
    let pvc = s.sim.get(Kind::PersistentVolumeClaim, "default", "c").unwrap().clone();
    assert_eq!(obj::str_at(&pvc, "/status/phase"), Some("Bound"));
    assert_eq!(obj::str_at(&pvc, "/spec/volumeName").unwrap(), format!("pvc-{}", obj::uid(&pvc)));
    // A claim in use stays Terminating until its pod is gone; then the volume is released and deleted.
    let out = run(&mut s, "kubectl delete pvc c --wait=false");
    assert_eq!(out, "persistentvolumeclaim \"c\" deleted\n");
    s.sim.run_until_idle(600_000);
    assert!(run(&mut s, "kubectl get pvc c").contains("Terminating"));
    run(&mut s, "kubectl delete pod p");
    s.sim.run_until_idle(600_000);
    assert!(s.sim.get(Kind::PersistentVolumeClaim, "default", "c").is_none());
    assert_eq!(s.sim.store.list(Kind::PersistentVolume, None).count(), 0);
}

#[test]
fn unknown_images_back_off_as_the_kubelet_does() {
    let mut s = session(1);
    s.write_file(
        "p.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n  - name: c\n    image: nginx:1.99\n",
    );
    run(&mut s, "kubectl apply -f p.yaml");
    let c = s.sim.store.cursor();
    s.sim.run_until(kubelab::sim::SimTime(s.sim.now().ms() + 120_000));
    let statuses: Vec<(String, u64)> = s
        .sim
        .store
        .events_since(c)
        .iter()
        .filter(|e| e.key.kind == Kind::Pod)
        .map(|e| (kubelab::kubectl::tables::pod_status(&s.sim, &e.obj).1, e.at.ms()))
        .collect();
    let seq: Vec<&str> = statuses.iter().map(|(s, _)| s.as_str()).collect();
    assert!(seq.windows(2).any(|w| w == ["ErrImagePull", "ImagePullBackOff"]), "{seq:?}");
    // Back-off between pulls doubles: 10 s, 20 s, 40 s.
    let pulls: Vec<u64> = statuses.iter().filter(|(s, _)| s == "ErrImagePull").map(|(_, t)| *t).collect();
    assert!(pulls.len() >= 3, "{statuses:?}");
    let gaps: Vec<u64> = pulls.windows(2).map(|w| (w[1] - w[0]) / 1000).collect();
    assert!(gaps[0] >= 10 && gaps[0] <= 14 && gaps[1] >= 20 && gaps[1] <= 24, "{gaps:?}");
    let out = run(&mut s, "kubectl describe pod bad");
    assert!(out.contains("Failed to pull image \"nginx:1.99\": rpc error: code = NotFound"), "{out}");
}

#[test]
fn graceful_termination_waits_for_processes_that_ignore_sigterm() {
    let mut s = session(1);
    s.write_file("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: sleeper\nspec:\n  containers:\n  - name: c\n    image: busybox:1.28\n    command: [sh, -c, 'sleep 3600']\n");
    run(&mut s, "kubectl apply -f p.yaml");
    s.sim.run_until(kubelab::sim::SimTime(60_000));
    assert!(run(&mut s, "kubectl get pod sleeper").contains("Running"));
    let t0 = s.sim.now().ms();
    run(&mut s, "kubectl delete pod sleeper");
    let took = s.sim.now().ms() - t0;
    assert!((30_000..32_000).contains(&took), "took {took} ms: the 30 s grace period");
    run(&mut s, "kubectl apply -f p.yaml");
    s.sim.run_until(kubelab::sim::SimTime(s.sim.now().ms() + 60_000));
    let t0 = s.sim.now().ms();
    run(&mut s, "kubectl delete pod sleeper --grace-period=5");
    let took = s.sim.now().ms() - t0;
    assert!((5_000..7_000).contains(&took), "took {took} ms");
}

#[test]
fn deployment_names_replicasets_by_template_hash_and_pods_randomly() {
    let t = replay("kubectl create -f deploy.yaml\n@sleep 30s\nkubectl get rs,pods -o name\n", 4);
    let names: Vec<&str> = t.lines().filter(|l| l.contains('/')).filter(|l| !l.starts_with('$')).collect();
    let rs = names.iter().find(|n| n.starts_with("replicaset.apps/")).unwrap().trim_start_matches("replicaset.apps/");
    let hash = rs.strip_prefix("deploy-").unwrap();
    assert!(
        (1..=10).contains(&hash.len()) && hash.chars().all(|c| "456789bcdf".contains(c)) && !hash.starts_with('4'),
        "{hash}"
    );
    let pods: Vec<&str> = names.iter().filter_map(|n| n.strip_prefix("pod/")).collect();
    assert_eq!(pods.len(), 3);
    for p in &pods {
        let suffix = p.strip_prefix(&format!("{rs}-")).unwrap();
        assert_eq!(suffix.len(), 5);
        assert!(suffix.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)), "{suffix}");
    }
}

#[test]
fn deployment_replaces_deleted_pods_under_new_names_and_rolls_back_to_the_old_replicaset() {
    let mut s = session(5);
    run(&mut s, "kubectl create -f deploy.yaml");
    s.sim.run_until_idle(600_000);
    let names = |s: &mut Session| run(s, "kubectl get pods -o name");
    let before = names(&mut s);
    let first = before.lines().next().unwrap().trim_start_matches("pod/").to_string();
    run(&mut s, &format!("kubectl delete pod {first}"));
    s.sim.run_until_idle(600_000);
    let after = names(&mut s);
    assert_eq!(after.lines().count(), 3);
    assert!(!after.contains(&first), "{after}");
    let rs1 = run(&mut s, "kubectl get rs -o name");
    // During the rollout the ReplicaSets' replicas add up to at most replicas + maxSurge (3 + 1).
    let mut sizes: std::collections::BTreeMap<String, i64> = s
        .sim
        .store
        .list(Kind::ReplicaSet, Some("default"))
        .map(|(k, r)| (k.name.clone(), obj::i64_at(r, "/spec/replicas").unwrap_or(0)))
        .collect();
    let c = s.sim.store.cursor();
    run(&mut s, "kubectl patch deploy deploy -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.23\"}]}}}}'");
    s.sim.run_until_idle(600_000);
    let mut most = 0;
    for e in s.sim.store.events_since(c).iter().filter(|e| e.key.kind == Kind::ReplicaSet && e.ty != WatchType::Deleted)
    {
        sizes.insert(e.key.name.clone(), obj::i64_at(&e.obj, "/spec/replicas").unwrap_or(0));
        most = most.max(sizes.values().sum::<i64>());
    }
    assert_eq!(most, 4, "maxSurge 25% of 3 rounds up to one extra replica");
    let rs_all = run(&mut s, "kubectl get rs");
    assert_eq!(rs_all.lines().count(), 3, "{rs_all}");
    run(&mut s, "kubectl patch deploy deploy -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.21\"}]}}}}'");
    s.sim.run_until_idle(600_000);
    let rs_after = run(&mut s, "kubectl get rs");
    assert_eq!(rs_after.lines().count(), 3, "rolling back re-uses the first ReplicaSet: {rs_after}");
    let first_rs = rs1.trim().trim_start_matches("replicaset.apps/");
    assert!(
        rs_after.lines().any(|l| l.starts_with(first_rs) && l.split_whitespace().nth(1) == Some("3")),
        "{rs_after}"
    );
    let d = s.sim.get(Kind::Deployment, "default", "deploy").unwrap();
    assert_eq!(obj::annotation(d, "deployment.kubernetes.io/revision"), Some("3"));
}

#[test]
fn services_get_cluster_ips_from_the_range_and_endpoints_list_ready_pods_only() {
    let mut s = session(1);
    s.write_file("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: front\nspec:\n  selector:\n    app: nginx\n  ports:\n  - port: 8080\n    targetPort: web\n");
    run(&mut s, "kubectl apply -f svc.yaml -f web.yaml");
    let out = run(&mut s, "kubectl get svc front");
    let ip = out.lines().nth(1).unwrap().split_whitespace().nth(2).unwrap().to_string();
    assert!(ip.starts_with("10.200.1."), "{out}");
    // While web-0 is still starting, the endpoints have no ready address.
    assert!(
        run(&mut s, "kubectl get ep nginx").contains("<none>")
            || run(&mut s, "kubectl get ep nginx").lines().count() == 1
    );
    s.sim.run_until_idle(600_000);
    let out = run(&mut s, "kubectl get ep front");
    assert!(
        out.contains(":80,") && out.lines().nth(1).unwrap().matches(":80").count() == 2,
        "targetPort by name resolves to 80: {out}"
    );
    let out = run(&mut s, "kubectl get svc nginx");
    assert!(out.contains("None"), "{out}");
}

#[test]
fn garbage_collection_background_foreground_and_orphan() {
    for (flag, pods_left) in [("", 0), ("--cascade=foreground", 0), ("--cascade=orphan", 3)] {
        let mut s = session(1);
        run(&mut s, "kubectl create -f deploy.yaml");
        s.sim.run_until_idle(600_000);
        run(&mut s, &format!("kubectl delete deploy deploy {flag}"));
        s.sim.run_until_idle(600_000);
        assert_eq!(s.sim.store.list(Kind::Pod, Some("default")).count(), pods_left, "{flag}");
        let rs = s.sim.store.list(Kind::ReplicaSet, Some("default")).count();
        assert_eq!(rs, if pods_left > 0 { 1 } else { 0 }, "{flag}");
    }
}

#[test]
fn newer_kubectl_names_the_namespace_when_deleting() {
    let mut cfg = SimConfig::seeded(1);
    cfg.profile.kubectl_version = Some("1.34.0".into());
    let mut s = Session::new(cfg).with_loader(common::files_loader());
    run(&mut s, "kubectl apply -f web.yaml");
    let out = run(&mut s, "kubectl delete svc nginx");
    assert_eq!(out, "service \"nginx\" deleted from default namespace\n");
}

#[test]
fn newer_kubelets_report_completed_while_terminating() {
    let mut cfg = SimConfig::seeded(1);
    cfg.profile.kubernetes_version = "1.31.0".into();
    let t = {
        let mut s = Session::new(cfg).with_loader(common::files_loader());
        kubelab::lab::replay::run_script(
            &mut s,
            "kubectl apply -f web.yaml\n@sleep 60s\nkubectl scale sts web --replicas=1 && kubectl get pods -w\n",
        )
    };
    let web1: Vec<&str> = t.lines().filter(|l| l.starts_with("web-1")).collect();
    // Reference §7 item 17: `1/1 Terminating`, `0/1 Completed`, then the DELETED event repeats it.
    assert_eq!(web1.len(), 3, "{t}");
    assert!(web1[0].contains("1/1     Terminating"), "{t}");
    assert!(web1[1].contains("0/1     Completed"), "{t}");
    assert!(web1[2].contains("0/1     Completed"), "{t}");
}

/// Endpoints list addresses as `RepackSubsets` sorts them: by the IP's text, byte by byte
/// (`LessEndpointAddress`), so `172.16.197.2` comes before `172.16.24.2`; and `-o yaml` writes
/// an IP plain, as go-yaml does (it is no number).
#[test]
fn endpoints_sort_addresses_by_their_text() {
    let mut s = session(1);
    run(&mut s, "kubectl apply -f web.yaml");
    run(&mut s, "kubectl scale sts web --replicas=4");
    s.sim.run_until_idle(600_000);
    let ep = s.sim.get(Kind::Endpoints, "default", "nginx").cloned().unwrap();
    let ips: Vec<String> =
        obj::arr_at(&ep, "/subsets/0/addresses").iter().map(|a| obj::str_at(a, "/ip").unwrap().to_string()).collect();
    assert_eq!(ips.len(), 4);
    let numeric = |ip: &String| ip.split('.').map(|p| p.parse::<u32>().unwrap()).collect::<Vec<_>>();
    let mut by_text = ips.clone();
    by_text.sort();
    let mut by_number = ips.clone();
    by_number.sort_by_key(numeric);
    assert_ne!(by_text, by_number, "this lab's IPs tell the two orders apart");
    assert_eq!(ips, by_text);
    let column = run(&mut s, "kubectl get ep nginx --no-headers");
    assert!(column.contains(&format!("{}:80,{}:80,{}:80 + 1 more...", ips[0], ips[1], ips[2])), "{column}");
    let yaml = run(&mut s, "kubectl get ep nginx -o yaml");
    assert!(yaml.contains(&format!("    ip: {}\n", ips[0])), "{yaml}");
}

/// A rollout that cannot progress (its image does not exist) is marked after
/// `progressDeadlineSeconds` (600): Progressing False, ProgressDeadlineExceeded, and `rollout
/// status` says so (`rollout_status.go`); `--timeout` gives up earlier.
#[test]
fn a_stuck_rollout_exceeds_its_progress_deadline() {
    let mut s = session(1);
    run(&mut s, "kubectl create deployment web --image=nginx:1.25 --replicas=2");
    s.sim.run_until_idle(120_000);
    run(&mut s, "kubectl set image deploy/web nginx=nginx:nope");
    let (out, code) = s.run_line("kubectl rollout status deploy/web --timeout=30s");
    assert_eq!(code, 1);
    assert_eq!(out.stderr(), "error: timed out waiting for the condition\n");
    let progressing = |s: &Session| -> (String, String) {
        let d = s.sim.get(Kind::Deployment, "default", "web").unwrap();
        let c = obj::arr_at(d, "/status/conditions")
            .iter()
            .find(|c| obj::str_at(c, "/type") == Some("Progressing"))
            .unwrap()
            .clone();
        (obj::str_at(&c, "/status").unwrap().to_string(), obj::str_at(&c, "/reason").unwrap().to_string())
    };
    s.sim.advance(540_000);
    assert_eq!(
        progressing(&s),
        ("True".to_string(), "ReplicaSetUpdated".to_string()),
        "not yet 600 s without progress"
    );
    s.sim.advance(120_000);
    assert_eq!(progressing(&s), ("False".to_string(), "ProgressDeadlineExceeded".to_string()));
    let (out, code) = s.run_line("kubectl rollout status deploy/web");
    assert_eq!((out.stderr().as_str(), code), ("error: deployment \"web\" exceeded its progress deadline\n", 1));
    run(&mut s, "kubectl set image deploy/web nginx=nginx:1.26");
    assert!(run(&mut s, "kubectl rollout status deploy/web").ends_with("deployment \"web\" successfully rolled out\n"));
    assert_eq!(progressing(&s), ("True".to_string(), "NewReplicaSetAvailable".to_string()));
}

/// The change-cause annotation travels from the Deployment to its new ReplicaSet
/// (`copyDeploymentAnnotationsToReplicaSet`, `SetNewReplicaSetAnnotations`), so `rollout
/// history` shows it; `--revision` prints the template as `DescribePodTemplate` writes it.
#[test]
fn rollout_history_shows_change_causes_and_a_revisions_template() {
    let mut s = session(1);
    run(&mut s, "kubectl create deployment web --image=nginx:1.25 --port=80");
    s.sim.run_until_idle(120_000);
    run(&mut s, "kubectl set image deploy/web nginx=nginx:1.26");
    run(&mut s, "kubectl annotate deploy web kubernetes.io/change-cause=\"image 1.26\"");
    s.sim.run_until_idle(120_000);
    assert_eq!(
        run(&mut s, "kubectl rollout history deploy/web"),
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         image 1.26\n\n"
    );
    let out = run(&mut s, "kubectl rollout history deploy/web --revision=2");
    let hash = s
        .sim
        .store
        .list(Kind::ReplicaSet, Some("default"))
        .find(|(_, r)| obj::annotation(r, "deployment.kubernetes.io/revision") == Some("2"))
        .map(|(k, _)| k.name.trim_start_matches("web-").to_string())
        .unwrap();
    assert_eq!(
        out,
        format!("deployment.apps/web with revision #2\nPod Template:\n  Labels:\tapp=web\n\tpod-template-hash={hash}\n  Annotations:\tkubernetes.io/change-cause: image 1.26\n  Containers:\n   nginx:\n    Image:\tnginx:1.26\n    Port:\t80/TCP\n    Host Port:\t0/TCP\n    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n\n")
    );
    let (out, _) = s.run_line("kubectl rollout history deploy/web --revision=9");
    assert_eq!(out.stderr(), "error: unable to find the specified revision\n");
}

/// A v1.26 API server has StatefulSetStartOrdinal, StatefulSetAutoDeletePVC and
/// MaxUnavailableStatefulSet off (alpha): it drops their fields (`dropStatefulSetDisabledFields`),
/// so the pods count from 0 and the claims stay.
#[test]
fn a_1_26_server_drops_the_fields_of_alpha_features() {
    let mut s = session(1);
    s.write_file("db.yaml", &sts("ordinals:\n    start: 5\n  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Delete\n    whenScaled: Delete"));
    run(&mut s, "kubectl apply -f db.yaml");
    s.sim.run_until_idle(600_000);
    assert_eq!(run(&mut s, "kubectl get pods -o name"), "pod/db-0\npod/db-1\npod/db-2\n");
    let set = s.sim.get(Kind::StatefulSet, "default", "db").unwrap();
    assert!(
        set.pointer("/spec/ordinals").is_none() && set.pointer("/spec/persistentVolumeClaimRetentionPolicy").is_none()
    );
    run(&mut s, "kubectl patch sts db -p '{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"maxUnavailable\":2}}}}'");
    assert!(s
        .sim
        .get(Kind::StatefulSet, "default", "db")
        .unwrap()
        .pointer("/spec/updateStrategy/rollingUpdate/maxUnavailable")
        .is_none());
    run(&mut s, "kubectl scale sts db --replicas=1");
    s.sim.run_until_idle(600_000);
    assert!(s.sim.get(Kind::PersistentVolumeClaim, "default", "data-db-2").is_some(), "claims stay");
}

/// A claim deleted while its pod uses it stays (pvc-protection) until the pod goes; the
/// StatefulSet's failed syncs are retried with the work queue's back-off, so web-0 comes back
/// with a new claim once the old one is gone.
#[test]
fn a_statefulset_recovers_after_its_claim_is_deleted() {
    let mut s = session(1);
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    let old = obj::str_at(s.sim.get(Kind::PersistentVolumeClaim, "default", "www-web-0").unwrap(), "/metadata/uid")
        .unwrap()
        .to_string();
    run(&mut s, "kubectl delete pvc www-web-0 --wait=false");
    assert!(
        obj::is_deleting(s.sim.get(Kind::PersistentVolumeClaim, "default", "www-web-0").unwrap()),
        "held by pvc-protection"
    );
    run(&mut s, "kubectl delete pod web-0 --wait=false");
    s.sim.run_until_idle(600_000);
    let pvc = s.sim.get(Kind::PersistentVolumeClaim, "default", "www-web-0").expect("a new claim");
    assert_ne!(obj::str_at(pvc, "/metadata/uid").unwrap(), old);
    assert_eq!(obj::str_at(&pod(&s, "web-0").expect("web-0 is back"), "/status/phase"), Some("Running"));
    assert!(run(&mut s, "kubectl describe sts web").contains("failed error: pvc www-web-0 is being deleted"));
}

/// The Pulled event is the kubelet's when the pull ends: after Pulling by the pull's time, and
/// together with Created and Started.
#[test]
fn the_pulled_event_comes_when_the_pull_ends() {
    let mut s = session(1);
    run(&mut s, "kubectl run p --image=nginx");
    s.sim.run_until_idle(60_000);
    let events: Vec<Value> = s.sim.store.list(Kind::Event, Some("default")).map(|(_, e)| e.clone()).collect();
    let at = |reason: &str| {
        events
            .iter()
            .find(|e| obj::str_at(e, "/reason") == Some(reason))
            .and_then(|e| obj::str_at(e, "/firstTimestamp").map(String::from))
            .unwrap()
    };
    assert!(at("Pulled") > at("Pulling"), "the pull takes seconds");
    assert_eq!(at("Pulled"), at("Created"));
}

/// The scheduler's FitError (framework/types.go): each filter's reason with how many nodes it
/// rejected, sorted as strings, then what preemption found. Requests count against each
/// node's allocatable (2 CPUs here): a pod asking for more stays Pending.
#[test]
fn unschedulable_pods_say_why_in_the_schedulers_words() {
    let mut s = session(5);
    s.write_file("big.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: huge\nspec:\n  containers:\n  - name: db\n    image: nginx\n    resources:\n      requests:\n        cpu: \"16\"\n        memory: 64Gi\n");
    s.run_line("kubectl apply -f big.yaml");
    s.write_file("sel.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: picky\nspec:\n  nodeSelector:\n    disk: ssd\n  containers:\n  - name: c\n    image: nginx\n");
    s.run_line("kubectl apply -f sel.yaml");
    s.sim.run_until_idle(60_000);
    let msg = |s: &mut Session, pod: &str| {
        s.run_line(&format!("kubectl get events --field-selector involvedObject.name={pod},reason=FailedScheduling -o jsonpath={{.items[0].message}}")).0.stdout()
    };
    assert_eq!(
        msg(&mut s, "huge"),
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu, 3 Insufficient memory. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.."
    );
    assert_eq!(
        msg(&mut s, "picky"),
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.."
    );
    assert!(s.run_line("kubectl get pod huge --no-headers").0.stdout().contains("Pending"));
    // Three pods of 1.5 CPUs take a worker each; a fourth finds none with room.
    s.run_line("kubectl create deployment cpu --image=nginx --replicas=4");
    s.run_line("kubectl patch deployment cpu -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"resources\":{\"requests\":{\"cpu\":\"1500m\"}}}]}}}}'");
    s.sim.run_until_idle(120_000);
    let pods = s.run_line("kubectl get pods -l app=cpu --no-headers").0.stdout();
    let pending: Vec<&str> = pods.lines().filter(|l| l.contains("Pending")).collect();
    assert_eq!(pending.len(), 1, "{pods}");
    let name = pending[0].split_whitespace().next().unwrap().to_string();
    assert!(msg(&mut s, &name).starts_with("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption:"));
}

/// Every start of a container goes through EnsureImageExists: a crash-looping container's
/// restarts each say its image is already present (IfNotPresent), or pull it again (Always).
#[test]
fn restarts_check_the_image_each_time() {
    let mut s = session(5);
    s.run_line("kubectl run crash --image=busybox:1.36 -- false");
    s.run_line("kubectl run crash2 --image=busybox -- false");
    s.sim.run_until_idle(200_000);
    let count = |s: &Session, pod: &str, message: &str| {
        s.sim
            .store
            .list(kubelab::sim::Kind::Event, Some("default"))
            .map(|(_, e)| e)
            .filter(|e| {
                kubelab::sim::obj::str_at(e, "/involvedObject/name") == Some(pod)
                    && kubelab::sim::obj::str_at(e, "/message") == Some(message)
            })
            .map(|e| kubelab::sim::obj::i64_at(e, "/count").unwrap_or(0))
            .sum::<i64>()
    };
    assert!(count(&s, "crash", "Container image \"busybox:1.36\" already present on machine") >= 3);
    assert!(count(&s, "crash2", "Pulling image \"busybox\"") >= 3);
}

/// Init containers (the docs' "Init Containers" example): they run one at a time before the
/// app, `Init:0/2` while the first waits for its Service, then the app runs; `kubectl get -f`
/// names the manifest's objects; `logs -c` reads an init container; describe lists them
/// first. A failing init container is retried with back-off, or fails the pod under Never.
#[test]
fn init_containers_run_first_in_order() {
    let mut s = session(5);
    s.write_file("myapp.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: myapp-pod\n  labels:\n    app.kubernetes.io/name: MyApp\nspec:\n  containers:\n  - name: myapp-container\n    image: busybox:1.28\n    command: ['sh', '-c', 'echo The app is running! && sleep 3600']\n  initContainers:\n  - name: init-myservice\n    image: busybox:1.28\n    command: ['sh', '-c', \"until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for myservice; sleep 2; done\"]\n  - name: init-mydb\n    image: busybox:1.28\n    command: ['sh', '-c', \"until nslookup mydb.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for mydb; sleep 2; done\"]\n");
    s.run_line("kubectl apply -f myapp.yaml");
    s.sim.advance(30_000);
    let get = |s: &mut Session| {
        s.run_line("kubectl get -f myapp.yaml --no-headers")
            .0
            .stdout()
            .split_whitespace()
            .skip(1)
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(get(&mut s), "0/1 Init:0/2");
    assert!(s.run_line("kubectl logs myapp-pod -c init-myservice").0.stdout().contains("waiting for myservice\n"));
    assert!(s
        .run_line("kubectl describe pod myapp-pod")
        .0
        .stdout()
        .contains("\nInit Containers:\n  init-myservice:\n"));
    s.write_file("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: myservice\nspec:\n  ports:\n  - protocol: TCP\n    port: 80\n    targetPort: 9376\n");
    s.run_line("kubectl apply -f svc.yaml");
    s.sim.advance(10_000);
    assert_eq!(get(&mut s), "0/1 Init:1/2");
    s.write_file("db.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: mydb\nspec:\n  ports:\n  - protocol: TCP\n    port: 80\n    targetPort: 9377\n");
    s.run_line("kubectl apply -f db.yaml");
    s.sim.advance(10_000);
    assert_eq!(get(&mut s), "1/1 Running");
    assert_eq!(s.run_line("kubectl logs myapp-pod").0.stdout(), "The app is running!\n");
    // Events name the init container as the subobject they are about.
    let wide = s.run_line("kubectl get events -o wide").0.stdout();
    assert!(
        wide.lines().any(|l| l.contains("Started container init-mydb") && l.contains("spec.initContainers{init-mydb}")),
        "{wide}"
    );
    // Failing init containers.
    s.write_file("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n  - name: app\n    image: busybox:1.28\n    command: [sleep, \"3600\"]\n  initContainers:\n  - name: fail\n    image: busybox:1.28\n    command: [sh, -c, 'exit 3']\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: once\nspec:\n  restartPolicy: Never\n  containers:\n  - name: app\n    image: busybox:1.28\n    command: [sleep, \"3600\"]\n  initContainers:\n  - name: fail\n    image: busybox:1.28\n    command: [sh, -c, 'exit 3']\n");
    s.run_line("kubectl apply -f bad.yaml");
    s.sim.advance(60_000);
    let pods = s.run_line("kubectl get pods bad once --no-headers").0.stdout();
    assert!(
        pods.lines().any(|l| l.starts_with("bad ") && l.contains("Init:CrashLoopBackOff") && l.contains(" ago)")),
        "{pods}"
    );
    assert_eq!(s.run_line("kubectl logs bad -c fail").0.stdout(), "", "each run its own log");
    assert!(pods.lines().any(|l| l.starts_with("once ") && l.contains("Init:Error")), "{pods}");
}

/// A pull that fails: Docker Hub answers a repository it does not have with containerd's
/// "pull access denied" (code Unknown), a tag it does not have with NotFound.
#[test]
fn failed_pulls_say_whether_the_repository_or_the_tag_is_missing() {
    let mut s = session(5);
    s.run_line("kubectl run typo --image=postgress:15");
    s.run_line("kubectl run tag --image=nginx:1.999");
    s.sim.run_until_idle(30_000);
    let msg = |s: &mut Session, pod: &str| {
        s.sim
            .store
            .list(kubelab::sim::Kind::Event, Some("default"))
            .map(|(_, e)| e)
            .filter(|e| kubelab::sim::obj::str_at(e, "/involvedObject/name") == Some(pod))
            .filter_map(|e| kubelab::sim::obj::str_at(e, "/message"))
            .find(|m| m.starts_with("Failed to pull image"))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(msg(&mut s, "typo"), "Failed to pull image \"postgress:15\": rpc error: code = Unknown desc = failed to pull and unpack image \"docker.io/library/postgress:15\": failed to resolve reference \"docker.io/library/postgress:15\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed");
    assert_eq!(msg(&mut s, "tag"), "Failed to pull image \"nginx:1.999\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.999\": failed to resolve reference \"docker.io/library/nginx:1.999\": docker.io/library/nginx:1.999: not found");
}

/// `kubectl wait` (wait.go): until each object meets `--for` (a condition, a JSONPath value,
/// its deletion), `condition met` for each; the clock runs meanwhile; `--timeout` (30 s by
/// default) gives up naming the object.
#[test]
fn wait_holds_until_the_condition() {
    let mut s = session(5);
    s.run_line("kubectl apply -f web.yaml");
    let t0 = s.sim.now().ms();
    // The selector picks what exists when the wait begins: only web-0 (OrderedReady).
    assert_eq!(
        s.run_line("kubectl wait --for=condition=Ready pod -l app=nginx --timeout=2m").0.stdout(),
        "pod/web-0 condition met\n"
    );
    assert!(s.sim.now().ms() > t0 + 5_000, "the wait let the pods start");
    assert_eq!(
        s.run_line("kubectl wait --for=jsonpath='{.status.readyReplicas}'=2 statefulset/web").0.stdout(),
        "statefulset.apps/web condition met\n"
    );
    s.run_line("kubectl delete pod web-0 --wait=false");
    assert_eq!(s.run_line("kubectl wait --for=delete pod/web-0").0.stdout(), "pod/web-0 condition met\n");
    let t1 = s.sim.now().ms();
    let (out, code) = s.run_line("kubectl wait --for=condition=Bogus pod/web-1");
    assert_eq!((out.stderr(), code), ("error: timed out waiting for the condition on pods/web-1\n".to_string(), 1));
    assert_eq!(s.sim.now().ms(), t1 + 30_000, "the default timeout");
    assert_eq!(s.run_line("kubectl wait pod/web-1").0.stderr(), "error: --for must be set\n");
}

/// The cluster's own pods are there from the start (`kubectl get pods -A`), CoreDNS's are the
/// kube-dns Endpoints, and its ReplicaSet replaces a deleted one, which runs the image's
/// server like the others.
#[test]
fn the_system_pods_are_there_and_coredns_is_replaced() {
    let mut s = session(5);
    let all = s.run_line("kubectl get pods -A --no-headers").0.stdout();
    for name in [
        "etcd-k8s-m",
        "kube-apiserver-k8s-m",
        "kube-controller-manager-k8s-m",
        "kube-scheduler-k8s-m",
        "coredns-787d4945fb-",
        "kube-proxy-",
        "local-path-provisioner-",
    ] {
        assert!(
            all.lines()
                .any(|l| l.split_whitespace().nth(1).is_some_and(|n| n.starts_with(name)) && l.contains(" Running ")),
            "{name} in {all}"
        );
    }
    assert_eq!(all.lines().filter(|l| l.contains(" kube-proxy-")).count(), 4);
    let ep = s.run_line("kubectl get ep kube-dns -n kube-system --no-headers").0.stdout();
    assert!(ep.contains(":53,") && ep.contains(" + 3 more..."), "{ep}");
    let victim = all
        .lines()
        .find_map(|l| l.split_whitespace().nth(1).filter(|n| n.starts_with("coredns-")))
        .unwrap()
        .to_string();
    s.run_line(&format!("kubectl delete pod -n kube-system {victim}"));
    s.sim.run_until_idle(120_000);
    let dns: Vec<String> = s
        .run_line("kubectl get pods -n kube-system -l k8s-app=kube-dns --no-headers")
        .0
        .stdout()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(dns.len(), 2, "{dns:?}");
    assert!(dns.iter().all(|l| l.contains("1/1") && l.contains("Running") && !l.starts_with(&victim)), "{dns:?}");
}

/// SetDefaults_Pod: a limit without a request asks for what it limits (so a pod limited to 5
/// CPUs does not fit a 2-CPU node); GetPodQOS names the pods' classes.
#[test]
fn limits_default_requests_and_qos_classes_follow() {
    let mut s = session(5);
    s.write_file("q.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: g\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      limits: {cpu: 100m, memory: 64Mi}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests: {cpu: 100m}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: e\nspec:\n  containers:\n  - name: c\n    image: nginx\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      limits: {cpu: \"5\"}\n");
    s.run_line("kubectl apply -f q.yaml");
    s.sim.run_until_idle(60_000);
    let qos = |s: &mut Session, p: &str| {
        s.run_line(&format!("kubectl get pod {p} -o jsonpath={{.status.qosClass}}")).0.stdout()
    };
    assert_eq!(
        (qos(&mut s, "g"), qos(&mut s, "b"), qos(&mut s, "e")),
        ("Guaranteed".to_string(), "Burstable".to_string(), "BestEffort".to_string())
    );
    assert_eq!(
        s.run_line("kubectl get pod big -o jsonpath={.spec.containers[0].resources.requests.cpu}").0.stdout(),
        "5"
    );
    assert!(s.run_line("kubectl get pod big --no-headers").0.stdout().contains("Pending"));
    // RunWait: waiting for the deletion of what is gone prints nothing.
    assert_eq!(s.run_line("kubectl wait --for=delete pod/never"), (kubelab::shell::Output::default(), 0));
}

/// Pods that did not fit are tried again when the cluster changes: a label on a node lets a
/// nodeSelector pod in, a deleted pod's freed requests let a waiting one in.
#[test]
fn unschedulable_pods_are_retried_when_nodes_or_pods_change() {
    let mut s = session(5);
    s.write_file("sel.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: picky\nspec:\n  nodeSelector:\n    disktype: ssd\n  containers:\n  - name: c\n    image: nginx\n");
    s.run_line("kubectl apply -f sel.yaml");
    s.sim.run_until_idle(30_000);
    assert!(s.run_line("kubectl get pod picky --no-headers").0.stdout().contains("Pending"));
    s.run_line("kubectl label node k8s-w2 disktype=ssd");
    s.sim.run_until_idle(60_000);
    assert!(s.run_line("kubectl get pod picky -o wide --no-headers").0.stdout().contains(" Running "));
    assert_eq!(s.run_line("kubectl get pod picky -o jsonpath={.spec.nodeName}").0.stdout(), "k8s-w2");
    // Three 1.5-CPU pods fill the workers; a fourth waits until one of them goes.
    for i in 0..4 {
        s.write_file(&format!("cpu{i}.yaml"), &format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: cpu{i}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests: {{cpu: 1500m}}\n"));
        s.run_line(&format!("kubectl apply -f cpu{i}.yaml"));
    }
    s.sim.run_until_idle(60_000);
    let pending = |s: &mut Session| {
        s.run_line("kubectl get pods --no-headers")
            .0
            .stdout()
            .lines()
            .filter(|l| l.starts_with("cpu") && l.contains("Pending"))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let waiting = pending(&mut s);
    assert_eq!(waiting.len(), 1);
    let running = ["cpu0", "cpu1", "cpu2", "cpu3"].into_iter().find(|p| *p != waiting[0]).unwrap();
    s.run_line(&format!("kubectl delete pod {running}"));
    s.sim.run_until_idle(60_000);
    assert!(pending(&mut s).is_empty());
}

/// In a pod of several containers each ends and restarts on its own (kuberuntime computes each
/// container's actions): a sidecar that exits crash-loops while nginx keeps serving; `1/2`, the
/// sidecar's restart count and its own previous log.
#[test]
fn containers_of_a_pod_restart_on_their_own() {
    let mut s = session(5);
    s.write_file("mc.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: mc\nspec:\n  containers:\n  - name: web\n    image: nginx\n  - name: side\n    image: busybox:1.36\n    command: [sh, -c, 'echo side; sleep 2; exit 2']\n");
    s.run_line("kubectl apply -f mc.yaml");
    s.sim.advance(90_000);
    let row = s.run_line("kubectl get pod mc --no-headers").0.stdout();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[1], "1/2", "{row}");
    assert!(["Error", "CrashLoopBackOff"].contains(&cells[2]), "{row}");
    let counts = |s: &mut Session| {
        s.run_line("kubectl get pod mc -o jsonpath={.status.containerStatuses[*].restartCount}").0.stdout()
    };
    // Statuses come sorted by container name: side, then web.
    let c = counts(&mut s);
    let (side, web) = (c.split(' ').next().unwrap().parse::<u32>().unwrap(), c.split(' ').nth(1).unwrap());
    assert!(side >= 2, "{c}");
    assert_eq!(web, "0", "nginx never restarted: {c}");
    assert_eq!(s.run_line("kubectl exec mc -c web -- hostname").0.stdout(), "mc\n");
    assert_eq!(s.run_line("kubectl logs mc -c side --previous").0.stdout(), "side\n");
}

/// kubeadm's CoreDNS configuration is there to read, and pods of the built-in priority classes
/// get their priorities (the Priority admission plugin).
#[test]
fn coredns_config_and_priorities() {
    let mut s = session(5);
    let corefile = s.run_line("kubectl get cm coredns -n kube-system -o jsonpath={.data.Corefile}").0.stdout();
    assert!(
        corefile.starts_with(".:53 {\n    errors\n")
            && corefile.contains("    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n"),
        "{corefile}"
    );
    let victim = s
        .run_line("kubectl get pods -n kube-system -l k8s-app=kube-dns -o jsonpath={.items[0].metadata.name}")
        .0
        .stdout();
    s.run_line(&format!("kubectl delete pod -n kube-system {victim}"));
    s.sim.run_until_idle(60_000);
    let priorities = s
        .run_line("kubectl get pods -n kube-system -l k8s-app=kube-dns -o jsonpath={.items[*].spec.priority}")
        .0
        .stdout();
    assert_eq!(priorities, "2000000000 2000000000");
}

/// The ExternalProvisioning event in the release's words: pv_controller.go at v1.26 says
/// "waiting for a volume to be created, either by external provisioner %q or manually created
/// by system administrator"; kubernetes/kubernetes#118262 (v1.28) made it "Waiting for a volume
/// to be created either by the external provisioner '%s' or manually by the system
/// administrator. If volume creation is delayed, please verify that the provisioner is running
/// and correctly registered.".
#[test]
fn the_external_provisioning_event_is_worded_as_the_release_words_it() {
    for (version, want) in [
        ("v1.26.3", "waiting for a volume to be created, either by external provisioner \"rancher.io/local-path\" or manually created by system administrator"),
        ("v1.28.0", "Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."),
    ] {
        let mut s = session_at(1, version);
        run(&mut s, "kubectl apply -f web.yaml");
        s.sim.run_until_idle(120_000);
        let out = run(&mut s, "kubectl get events --field-selector reason=ExternalProvisioning -o custom-columns=M:.message --no-headers");
        assert!(out.lines().next().is_some_and(|l| l == want), "{version}: {out}");
    }
}
