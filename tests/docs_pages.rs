//! kubernetes.io's pages as a learner follows them in the lab, each step's output compared with
//! what the page shows: the Deployment page
//! (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/), the ReplicaSet page
//! (.../controllers/replicaset/) and "Debug Services"
//! (https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/), with the example
//! manifests fetched from the addresses the pages use.
//!
//! The expected texts are the pages' outputs, adjusted only for what must differ: the random
//! parts (ReplicaSet hashes and pod suffixes, ages, IPs, uids) are masked in both texts, and
//! where a page shows an older or newer kubectl's words, the release's (v1.26) are written with
//! the upstream source that says so.

mod common;
use common::{output_of, replay};

/// `word` with the random part after each of `prefixes` masked: `nginx-deployment-75675f5897`
/// is `nginx-deployment-HASH`, its pod `nginx-deployment-HASH-POD`, `frontend-b2zdv`
/// `frontend-POD`; an age (`18s`, `2m`, `6m36s`) is `AGE`; a `pod-template-hash=` label's value
/// `HASH`; an IP address `IP` (with its `:port` or `#port`).
fn mask_word(word: &str, prefixes: &[&str]) -> String {
    if word.is_empty() {
        return String::new();
    }
    if kubelab::support::duration::parse_human(word).is_some() {
        return "AGE".into();
    }
    if word.contains(',') {
        return word.split(',').map(|w| mask_word(w, prefixes)).collect::<Vec<_>>().join(",");
    }
    let is_ip = |w: &str| w.split('.').count() == 4 && w.split('.').all(|p| p.parse::<u8>().is_ok());
    match word.split_once([':', '#']) {
        Some((ip, port)) if is_ip(ip) => return format!("IP{}{port}", &word[ip.len()..=ip.len()]),
        _ if is_ip(word) => return "IP".into(),
        _ => {}
    }
    let word = match word.split_once("pod-template-hash=") {
        Some((head, _)) => format!("{head}pod-template-hash=HASH"),
        None => word.to_string(),
    };
    for p in prefixes {
        let Some(rest) = word.strip_prefix(p) else { continue };
        let parts: Vec<&str> = rest.splitn(3, '-').collect();
        let random = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        return match parts.as_slice() {
            [h, pod, tail @ ..] if h.len() >= 8 && random(h) && pod.len() == 5 && random(pod) => {
                format!("{p}HASH-POD{}", tail.iter().map(|t| format!("-{t}")).collect::<String>())
            }
            [h, ..] if h.len() >= 8 && random(h) => format!("{p}HASH{}", &rest[h.len()..]),
            [pod, ..] if pod.len() == 5 && random(pod) => format!("{p}POD{}", &rest[pod.len()..]),
            _ => word,
        };
    }
    word
}

/// The text's non-empty lines, each as its masked words.
fn masked(text: &str, prefixes: &[&str]) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().map(|w| mask_word(w, prefixes)).collect())
        .collect()
}

/// Asserts that `actual` says what the page's `expected` says, line for line, under the masks.
#[track_caller]
fn assert_page(actual: &str, expected: &str, prefixes: &[&str]) {
    assert_eq!(masked(actual, prefixes), masked(expected, prefixes), "\n--- lab\n{actual}\n--- page\n{expected}");
}

/// The same for a table whose rows come in the order of their random names: header first, then
/// the rows in any order.
#[track_caller]
fn assert_page_table(actual: &str, expected: &str, prefixes: &[&str]) {
    let sorted = |t: &str| {
        let mut rows = masked(t, prefixes);
        if rows.len() > 1 {
            rows[1..].sort();
        }
        rows
    };
    assert_eq!(sorted(actual), sorted(expected), "\n--- lab\n{actual}\n--- page\n{expected}");
}

const DEPLOY: &[&str] = &["nginx-deployment-"];

/// "Creating a Deployment": the first command of the page, through k8s.io's address.
#[test]
fn the_deployment_page_creates_its_deployment() {
    let t = replay(
        "kubectl apply -f https://k8s.io/examples/controllers/nginx-deployment.yaml
kubectl rollout status deployment/nginx-deployment
kubectl get deployments
kubectl get rs
kubectl get pods --show-labels
",
        1,
    );
    assert_eq!(
        output_of(&t, "kubectl apply -f https://k8s.io/examples/controllers/nginx-deployment.yaml"),
        "deployment.apps/nginx-deployment created\n"
    );
    // The page's `Waiting for rollout to finish: 2 out of 3 new replicas have been updated...`
    // is an older kubectl's; v1.26's rollout_status.go says
    // `Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...`.
    let status = output_of(&t, "kubectl rollout status deployment/nginx-deployment");
    assert!(status.ends_with(
        "Waiting for deployment \"nginx-deployment\" rollout to finish: 2 of 3 updated replicas are available...
deployment \"nginx-deployment\" successfully rolled out
"
    ));
    assert_page(
        output_of(&t, "kubectl get deployments"),
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE
nginx-deployment   3/3     3            3           18s",
        DEPLOY,
    );
    let rs = output_of(&t, "kubectl get rs");
    assert_page(
        rs,
        "NAME                          DESIRED   CURRENT   READY   AGE
nginx-deployment-75675f5897   3         3         3       18s",
        DEPLOY,
    );
    // The page's table is an older kubectl's (wider columns); the words are the same.
    let pods = output_of(&t, "kubectl get pods --show-labels");
    assert_page_table(
        pods,
        "NAME                                READY   STATUS    RESTARTS   AGE   LABELS
nginx-deployment-75675f5897-7ci7o   1/1     Running   0          18s   app=nginx,pod-template-hash=75675f5897
nginx-deployment-75675f5897-kzszj   1/1     Running   0          18s   app=nginx,pod-template-hash=75675f5897
nginx-deployment-75675f5897-qqcnn   1/1     Running   0          18s   app=nginx,pod-template-hash=75675f5897",
        DEPLOY,
    );
    // "The HASH string is the same as the pod-template-hash label on the ReplicaSet."
    let hash = rs.lines().nth(1).and_then(|l| l.split_whitespace().next()).unwrap().trim_start_matches(DEPLOY[0]);
    assert_eq!(pods.matches(&format!("pod-template-hash={hash}")).count(), 3, "{pods}");
    assert_eq!(pods.matches(&format!("nginx-deployment-{hash}-")).count(), 3, "{pods}");
}

const UPDATED: &str = "kubectl apply -f https://k8s.io/examples/controllers/nginx-deployment.yaml
kubectl rollout status deployment/nginx-deployment
kubectl set image deployment.v1.apps/nginx-deployment nginx=nginx:1.16.1
kubectl rollout status deployment/nginx-deployment
@sleep 5s
kubectl get rs
kubectl get pods
kubectl describe deployments
";

/// "Updating a Deployment": set image, the rollout, two ReplicaSets, and describe's events.
#[test]
fn the_deployment_page_updates_its_deployment() {
    let t = replay(UPDATED, 1);
    assert_eq!(
        output_of(&t, "kubectl set image deployment.v1.apps/nginx-deployment nginx=nginx:1.16.1"),
        "deployment.apps/nginx-deployment image updated\n"
    );
    assert_page_table(
        output_of(&t, "kubectl get rs"),
        "NAME                          DESIRED   CURRENT   READY   AGE
nginx-deployment-1564180365   3         3         3       6s
nginx-deployment-2035384211   0         0         0       36s",
        DEPLOY,
    );
    assert_page_table(
        output_of(&t, "kubectl get pods"),
        "NAME                                READY   STATUS    RESTARTS   AGE
nginx-deployment-1564180365-khku8   1/1     Running   0          14s
nginx-deployment-1564180365-nacti   1/1     Running   0          14s
nginx-deployment-1564180365-z9gth   1/1     Running   0          14s",
        DEPLOY,
    );
    // The page's describe is an older kubectl's: v1.26 writes annotations `key: value`
    // (describe.go's printAnnotationsMultiline), the containers' `Host Port`, and the template
    // at the first level. Its events are an older controller's: v1.26's sync.go says which
    // size a ReplicaSet was scaled from (kubernetes/kubernetes#101142, `to %d from %d`;
    // see `scaling_message` in src/sim/controllers/deployment.rs for the evidence), except
    // for a ReplicaSet created at its size.
    assert_page(
        output_of(&t, "kubectl describe deployments"),
        "Name:                   nginx-deployment
Namespace:              default
CreationTimestamp:      Thu, 30 Nov 2017 10:56:25 +0000
Labels:                 app=nginx
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               app=nginx
Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=nginx
  Containers:
   nginx:
    Image:        nginx:1.16.1
    Port:         80/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   nginx-deployment-1564180365 (3/3 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  2m    deployment-controller  Scaled up replica set nginx-deployment-2035384211 to 3
  Normal  ScalingReplicaSet  24s   deployment-controller  Scaled up replica set nginx-deployment-1564180365 to 1
  Normal  ScalingReplicaSet  22s   deployment-controller  Scaled down replica set nginx-deployment-2035384211 to 2 from 3
  Normal  ScalingReplicaSet  22s   deployment-controller  Scaled up replica set nginx-deployment-1564180365 to 2 from 1
  Normal  ScalingReplicaSet  19s   deployment-controller  Scaled down replica set nginx-deployment-2035384211 to 1 from 2
  Normal  ScalingReplicaSet  19s   deployment-controller  Scaled up replica set nginx-deployment-1564180365 to 3 from 2
  Normal  ScalingReplicaSet  14s   deployment-controller  Scaled down replica set nginx-deployment-2035384211 to 0 from 1"
            .replace("Thu, 30 Nov 2017 10:56:25 +0000", "Sat, 28 May 2022 09:00:00 +0000")
            .as_str(),
        DEPLOY,
    );
}

/// "Rolling Back a Deployment": the typo `nginx:1.161` sticks the rollout at one new pod in
/// ImagePullBackOff; history (v1.26 records no change-cause without `--record`), one
/// revision's template, and undo.
#[test]
fn the_deployment_page_rolls_back_a_stuck_rollout() {
    let script = format!(
        "{UPDATED}kubectl set image deployment/nginx-deployment nginx=nginx:1.161
@sleep 20s
kubectl get rs
kubectl get pods
kubectl describe deployment
kubectl rollout history deployment/nginx-deployment
kubectl rollout history deployment/nginx-deployment --revision=2
kubectl rollout undo deployment/nginx-deployment --to-revision=2
@sleep 30s
kubectl get deployment nginx-deployment
kubectl describe deployment nginx-deployment
"
    );
    let t = replay(&script, 1);
    assert_page_table(
        common::nth_output_of(&t, "kubectl get rs", 1),
        "NAME                          DESIRED   CURRENT   READY   AGE
nginx-deployment-1564180365   3         3         3       25s
nginx-deployment-2035384211   0         0         0       36s
nginx-deployment-3066724191   1         1         0       6s",
        DEPLOY,
    );
    assert_page_table(
        common::nth_output_of(&t, "kubectl get pods", 1),
        "NAME                                READY   STATUS             RESTARTS   AGE
nginx-deployment-1564180365-70iae   1/1     Running            0          25s
nginx-deployment-1564180365-jbqqo   1/1     Running            0          25s
nginx-deployment-1564180365-hysrc   1/1     Running            0          25s
nginx-deployment-3066724191-08mng   0/1     ImagePullBackOff   0          6s",
        DEPLOY,
    );
    let describe = output_of(&t, "kubectl describe deployment");
    for line in [
        "Replicas:               3 desired | 1 updated | 4 total | 3 available | 1 unavailable\n",
        "    Image:        nginx:1.161\n",
        "  Available      True    MinimumReplicasAvailable\n  Progressing    True    ReplicaSetUpdated\n",
    ] {
        assert!(describe.contains(line), "{line}\n--- lab\n{describe}");
    }
    assert_page(
        describe
            .lines()
            .skip_while(|l| !l.starts_with("OldReplicaSets"))
            .take(2)
            .collect::<Vec<_>>()
            .join("\n")
            .as_str(),
        "OldReplicaSets:  nginx-deployment-1564180365 (3/3 replicas created)
NewReplicaSet:   nginx-deployment-3066724191 (1/1 replicas created)",
        DEPLOY,
    );
    // The page's CHANGE-CAUSE came from `--record`, gone from its commands: v1.26's history
    // prints `<none>`, and its header is `deployment.apps/NAME ` (history.go's
    // PrintObj of the object, then the table).
    assert_eq!(
        output_of(&t, "kubectl rollout history deployment/nginx-deployment"),
        "deployment.apps/nginx-deployment \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n3         <none>\n\n"
    );
    // v1.26's `--revision` prints the template with describe's tab-separated words
    // (`deployment.apps/NAME with revision #2`, then `Pod Template:`).
    let rev2 = output_of(&t, "kubectl rollout history deployment/nginx-deployment --revision=2");
    assert_page(
        rev2,
        "deployment.apps/nginx-deployment with revision #2
Pod Template:
  Labels:\tapp=nginx
\tpod-template-hash=1159050644
  Containers:
   nginx:
    Image:\tnginx:1.16.1
    Port:\t80/TCP
    Host Port:\t0/TCP
    Environment:\t<none>
    Mounts:\t<none>
  Volumes:\t<none>",
        DEPLOY,
    );
    assert_eq!(
        output_of(&t, "kubectl rollout undo deployment/nginx-deployment --to-revision=2"),
        "deployment.apps/nginx-deployment rolled back\n"
    );
    assert_page(
        output_of(&t, "kubectl get deployment nginx-deployment"),
        "NAME               READY   UP-TO-DATE   AVAILABLE   AGE
nginx-deployment   3/3     3            3           30m",
        DEPLOY,
    );
    // The page's `DeploymentRollback` event came from the controller's `spec.rollbackTo`, which
    // apps/v1 does not have: v1.26's kubectl rolls back by patching the template, so the
    // events end with the stuck ReplicaSet scaled down (`from` as above).
    let after = output_of(&t, "kubectl describe deployment nginx-deployment");
    assert!(after.contains("Annotations:            deployment.kubernetes.io/revision: 4\n"), "{after}");
    assert!(after.contains("OldReplicaSets:  <none>\n"), "{after}");
    let events: Vec<&str> = after.lines().skip_while(|l| !l.starts_with("Events:")).skip(3).collect();
    assert_page(
        &events.join("\n"),
        "  Normal  ScalingReplicaSet   12m   deployment-controller  Scaled up replica set nginx-deployment-75675f5897 to 3
  Normal  ScalingReplicaSet   11m   deployment-controller  Scaled up replica set nginx-deployment-c4747d96c to 1
  Normal  ScalingReplicaSet   11m   deployment-controller  Scaled down replica set nginx-deployment-75675f5897 to 2 from 3
  Normal  ScalingReplicaSet   11m   deployment-controller  Scaled up replica set nginx-deployment-c4747d96c to 2 from 1
  Normal  ScalingReplicaSet   11m   deployment-controller  Scaled down replica set nginx-deployment-75675f5897 to 1 from 2
  Normal  ScalingReplicaSet   11m   deployment-controller  Scaled up replica set nginx-deployment-c4747d96c to 3 from 2
  Normal  ScalingReplicaSet   11m   deployment-controller  Scaled down replica set nginx-deployment-75675f5897 to 0 from 1
  Normal  ScalingReplicaSet   11m   deployment-controller  Scaled up replica set nginx-deployment-595696685f to 1
  Normal  ScalingReplicaSet   15s   deployment-controller  Scaled down replica set nginx-deployment-595696685f to 0 from 1",
        DEPLOY,
    );
}

/// "Scaling a Deployment" and "Proportional scaling": 10 replicas with maxSurge 3 and
/// maxUnavailable 2, an image that never pulls, then 15 replicas spread 3 to the old
/// ReplicaSet and 2 to the new. The autoscaler the page makes (min 10, max 15) leaves the
/// Deployment alone between its bounds: without metrics-server it has no metrics to scale by.
#[test]
fn the_deployment_page_scales_proportionally() {
    let t = replay(
        r#"kubectl apply -f https://k8s.io/examples/controllers/nginx-deployment.yaml
kubectl patch deployment/nginx-deployment -p '{"spec":{"strategy":{"rollingUpdate":{"maxSurge":3,"maxUnavailable":2}}}}'
kubectl scale deployment/nginx-deployment --replicas=10
kubectl rollout status deployment/nginx-deployment
kubectl autoscale deployment/nginx-deployment --min=10 --max=15 --cpu-percent=80
kubectl set image deployment/nginx-deployment nginx=nginx:sometag
@sleep 9s
kubectl get rs
kubectl scale deployment/nginx-deployment --replicas=15
@sleep 1m
kubectl get rs
"#,
        1,
    );
    assert_eq!(
        output_of(&t, "kubectl scale deployment/nginx-deployment --replicas=10"),
        "deployment.apps/nginx-deployment scaled\n"
    );
    // autoscale.go's printer, operation "autoscaled", of the HorizontalPodAutoscaler it created.
    assert_eq!(
        output_of(&t, "kubectl autoscale deployment/nginx-deployment --min=10 --max=15 --cpu-percent=80"),
        "horizontalpodautoscaler.autoscaling/nginx-deployment autoscaled\n"
    );
    assert_page_table(
        common::nth_output_of(&t, "kubectl get rs", 0),
        "NAME                          DESIRED   CURRENT   READY     AGE
nginx-deployment-1989198191   5         5         0         9s
nginx-deployment-618515232    8         8         8         1m",
        DEPLOY,
    );
    assert_page_table(
        common::nth_output_of(&t, "kubectl get rs", 1),
        "NAME                          DESIRED   CURRENT   READY     AGE
nginx-deployment-1989198191   7         7         0         7m
nginx-deployment-618515232    11        11        11        7m",
        DEPLOY,
    );
}

/// "Pausing and Resuming a rollout": no new ReplicaSet while paused, one rollout of both
/// changes on resume, watched with `get rs -w` to its end.
#[test]
fn the_deployment_page_pauses_and_resumes() {
    let t = replay(
        "kubectl apply -f https://k8s.io/examples/controllers/nginx-deployment.yaml
kubectl rollout status deployment/nginx-deployment
kubectl rollout pause deployment/nginx-deployment
kubectl set image deployment/nginx-deployment nginx=nginx:1.16.1
kubectl rollout history deployment/nginx-deployment
kubectl get rs
kubectl set resources deployment/nginx-deployment -c=nginx --limits=cpu=200m,memory=512Mi
kubectl rollout resume deployment/nginx-deployment
kubectl get rs -w
kubectl get rs
",
        1,
    );
    assert_eq!(
        output_of(&t, "kubectl rollout pause deployment/nginx-deployment"),
        "deployment.apps/nginx-deployment paused\n"
    );
    assert_eq!(
        output_of(&t, "kubectl rollout history deployment/nginx-deployment"),
        "deployment.apps/nginx-deployment \nREVISION  CHANGE-CAUSE\n1         <none>\n\n"
    );
    assert_page(
        common::nth_output_of(&t, "kubectl get rs", 0),
        "NAME               DESIRED   CURRENT   READY     AGE
nginx-deployment-2142116321   3         3         3         2m",
        DEPLOY,
    );
    assert_eq!(
        output_of(&t, "kubectl set resources deployment/nginx-deployment -c=nginx --limits=cpu=200m,memory=512Mi"),
        "deployment.apps/nginx-deployment resource requirements updated\n"
    );
    assert_eq!(
        output_of(&t, "kubectl rollout resume deployment/nginx-deployment"),
        "deployment.apps/nginx-deployment resumed\n"
    );
    // The watch's last rows: the old ReplicaSet emptied; then the new one holds all three.
    let watch = output_of(&t, "kubectl get rs -w");
    let last: Vec<&str> = watch.lines().rev().take(2).collect();
    assert_page(
        &last.join("\n"),
        "nginx-deployment-2142116321   0         0         0         2m
nginx-deployment-2142116321   0         1         1         2m",
        DEPLOY,
    );
    assert_page_table(
        common::nth_output_of(&t, "kubectl get rs", 1),
        "NAME               DESIRED   CURRENT   READY     AGE
nginx-deployment-2142116321   0         0         0         2m
nginx-deployment-3926361531   3         3         3         28s",
        DEPLOY,
    );
    // The watch ends when the rollout has settled, not ten minutes on at the controller's
    // progress-deadline look: the next listing is seconds later.
    let ages: Vec<&str> = common::nth_output_of(&t, "kubectl get rs", 1)
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    assert!(ages.iter().all(|a| kubelab::support::duration::parse_human(a).is_some_and(|s| s < 60)), "{ages:?}");
}

/// "Failed Deployment": the deadline patched in (600 s is the default: no change), a stuck
/// rollout, `rollout status` ending with the deadline's error and status 1.
#[test]
fn the_deployment_page_reports_the_progress_deadline() {
    let t = replay(
        r#"kubectl apply -f https://k8s.io/examples/controllers/nginx-deployment.yaml
kubectl rollout status deployment/nginx-deployment
echo $?
kubectl patch deployment/nginx-deployment -p '{"spec":{"progressDeadlineSeconds":600}}'
kubectl set image deployment/nginx-deployment nginx=nginx:1.161
kubectl rollout status deployment/nginx-deployment
echo $?
kubectl describe deployment nginx-deployment
"#,
        1,
    );
    assert_eq!(common::nth_output_of(&t, "echo $?", 0), "0\n");
    assert_eq!(
        output_of(&t, r#"kubectl patch deployment/nginx-deployment -p '{"spec":{"progressDeadlineSeconds":600}}'"#),
        "deployment.apps/nginx-deployment patched (no change)\n"
    );
    // The page's `deployment "nginx"` is a slip for the page's own name.
    assert!(common::nth_output_of(&t, "kubectl rollout status deployment/nginx-deployment", 1)
        .ends_with("error: deployment \"nginx-deployment\" exceeded its progress deadline\n"));
    assert_eq!(common::nth_output_of(&t, "echo $?", 1), "1\n");
    let describe = output_of(&t, "kubectl describe deployment nginx-deployment");
    assert!(describe.contains(
        "Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    False   ProgressDeadlineExceeded
"
    ));
}

const RS: &[&str] = &["frontend-"];

/// The ReplicaSet page: frontend.yaml from kubernetes.io's address, describe, the pods'
/// ownerReferences, bare pods acquired and terminated, then acquired first.
#[test]
fn the_replicaset_page_walks_through() {
    let t = replay(
        "kubectl apply -f https://kubernetes.io/examples/controllers/frontend.yaml
@sleep 30s
kubectl get rs
kubectl describe rs/frontend
kubectl get pods
kubectl get pods -o name | head -1 | xargs kubectl get -o yaml | head -16
kubectl apply -f https://kubernetes.io/examples/pods/pod-rs.yaml
kubectl get pods
",
        1,
    );
    assert_page(
        output_of(&t, "kubectl get rs"),
        "NAME       DESIRED   CURRENT   READY   AGE
frontend   3         3         3       6s",
        RS,
    );
    // The page's manifest was then labelled `app: guestbook` and ran gb-frontend as
    // `php-redis`; the address serves today's (nginx). v1.26's describe leaves out the
    // last-applied annotation (describe.go's skipAnnotations).
    assert_page(
        output_of(&t, "kubectl describe rs/frontend"),
        "Name:         frontend
Namespace:    default
Selector:     tier=frontend
Labels:       app=nginx
              tier=frontend
Annotations:  <none>
Replicas:     3 current / 3 desired
Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  tier=frontend
  Containers:
   nginx:
    Image:        nginx
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:
  Type    Reason            Age   From                   Message
  ----    ------            ----  ----                   -------
  Normal  SuccessfulCreate  117s  replicaset-controller  Created pod: frontend-wtsmm
  Normal  SuccessfulCreate  116s  replicaset-controller  Created pod: frontend-b2zdv
  Normal  SuccessfulCreate  116s  replicaset-controller  Created pod: frontend-vcmts",
        RS,
    );
    assert_page_table(
        common::nth_output_of(&t, "kubectl get pods", 0),
        "NAME             READY   STATUS    RESTARTS   AGE
frontend-b2zdv   1/1     Running   0          6m36s
frontend-vcmts   1/1     Running   0          6m36s
frontend-wtsmm   1/1     Running   0          6m36s",
        RS,
    );
    let yaml = output_of(&t, "kubectl get pods -o name | head -1 | xargs kubectl get -o yaml | head -16");
    let owner: Vec<&str> = yaml.lines().skip_while(|l| !l.starts_with("  ownerReferences:")).take(7).collect();
    assert_page(
        &owner.join("\n"),
        "  ownerReferences:
  - apiVersion: apps/v1
    blockOwnerDeletion: true
    controller: true
    kind: ReplicaSet
    name: frontend
    uid: f391f6db-bb9b-4c09-ae74-6a1f77f3d5cf"
            .replace("f391f6db-bb9b-4c09-ae74-6a1f77f3d5cf", uid_of(yaml))
            .as_str(),
        RS,
    );
    assert!(yaml.contains("  generateName: frontend-\n  labels:\n    tier: frontend\n"), "{yaml}");
    assert_eq!(
        output_of(&t, "kubectl apply -f https://kubernetes.io/examples/pods/pod-rs.yaml"),
        "pod/pod1 created\npod/pod2 created\n"
    );
    assert_page_table(
        common::nth_output_of(&t, "kubectl get pods", 1),
        "NAME             READY   STATUS        RESTARTS   AGE
frontend-b2zdv   1/1     Running       0          10m
frontend-vcmts   1/1     Running       0          10m
frontend-wtsmm   1/1     Running       0          10m
pod1             0/1     Terminating   0          1s
pod2             0/1     Terminating   0          1s",
        RS,
    );
}

/// The uid of the owner in a pod's YAML (random: the page's is another).
fn uid_of(yaml: &str) -> &str {
    yaml.lines().find_map(|l| l.strip_prefix("    uid: ")).unwrap_or("")
}

/// "If you create the Pods first": the ReplicaSet acquires them and makes one more.
#[test]
fn the_replicaset_page_acquires_bare_pods_made_first() {
    let t = replay(
        "kubectl apply -f https://kubernetes.io/examples/pods/pod-rs.yaml
@sleep 27s
kubectl apply -f https://kubernetes.io/examples/controllers/frontend.yaml
@sleep 9s
kubectl get pods
kubectl scale rs frontend --replicas=2
kubectl autoscale rs frontend --max=10 --min=3 --cpu-percent=50
",
        1,
    );
    assert_page_table(
        output_of(&t, "kubectl get pods"),
        "NAME             READY   STATUS    RESTARTS   AGE
frontend-hmmj2   1/1     Running   0          9s
pod1             1/1     Running   0          36s
pod2             1/1     Running   0          36s",
        RS,
    );
    assert_eq!(output_of(&t, "kubectl scale rs frontend --replicas=2"), "replicaset.apps/frontend scaled\n");
    assert_eq!(
        output_of(&t, "kubectl autoscale rs frontend --max=10 --min=3 --cpu-percent=50"),
        "horizontalpodautoscaler.autoscaling/frontend autoscaled\n"
    );
}

const HOSTNAMES: &[&str] = &["hostnames-"];

/// "Debug Services": the hostnames Deployment, its pods serving on 9376, the Service that does
/// not exist yet, expose, DNS from a busybox pod, the Service by IP, its Endpoints.
#[test]
fn the_debug_services_page_walks_through() {
    let t = replay(
        r#"kubectl create deployment hostnames --image=registry.k8s.io/serve_hostname
kubectl scale deployment hostnames --replicas=3
@sleep 30s
kubectl get pods -l app=hostnames
kubectl get svc hostnames
kubectl expose deployment hostnames --port=80 --target-port=9376
kubectl get svc hostnames
kubectl get endpoints hostnames
kubectl run -it --rm --restart=Never busybox --image=gcr.io/google-containers/busybox sh
nslookup hostnames
nslookup hostnames.default
cat /etc/resolv.conf
nslookup kubernetes.default
for i in $(seq 1 3); do wget -qO- hostnames:80; echo; done
exit
nslookup hostnames.default.svc.cluster.local 10.200.1.10
"#,
        1,
    );
    assert_eq!(
        output_of(&t, "kubectl create deployment hostnames --image=registry.k8s.io/serve_hostname"),
        "deployment.apps/hostnames created\n"
    );
    assert_eq!(output_of(&t, "kubectl scale deployment hostnames --replicas=3"), "deployment.apps/hostnames scaled\n");
    assert_page_table(
        output_of(&t, "kubectl get pods -l app=hostnames"),
        "NAME                        READY     STATUS    RESTARTS   AGE
hostnames-632524106-bbpiw   1/1       Running   0          2m
hostnames-632524106-ly40y   1/1       Running   0          2m
hostnames-632524106-tlaok   1/1       Running   0          2m",
        HOSTNAMES,
    );
    // The page's `No resources found.` line is an older kubectl's: v1.26 says only the error.
    assert_eq!(
        common::nth_output_of(&t, "kubectl get svc hostnames", 0),
        "Error from server (NotFound): services \"hostnames\" not found\n"
    );
    assert_eq!(
        output_of(&t, "kubectl expose deployment hostnames --port=80 --target-port=9376"),
        "service/hostnames exposed\n"
    );
    assert_page(
        common::nth_output_of(&t, "kubectl get svc hostnames", 1),
        "NAME        TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
hostnames   ClusterIP   10.0.1.175   <none>        80/TCP    5s",
        HOSTNAMES,
    );
    // v1.26's Endpoints table has an AGE column the page's older one lacks.
    assert_page(
        output_of(&t, "kubectl get endpoints hostnames"),
        "NAME        ENDPOINTS                                         AGE
hostnames   10.244.0.5:9376,10.244.0.6:9376,10.244.0.7:9376   1s",
        HOSTNAMES,
    );
    // The busybox of gcr.io/google-containers is 1.x's old nslookup, as the page shows it; the
    // cluster's DNS Service is 10.200.1.10 here (the page's 10.0.0.10).
    assert_page(
        output_of(&t, "nslookup hostnames"),
        "Server:    10.0.0.10
Address 1: 10.0.0.10 kube-dns.kube-system.svc.cluster.local

Name:      hostnames
Address 1: 10.0.1.175 hostnames.default.svc.cluster.local",
        HOSTNAMES,
    );
    assert_page(
        output_of(&t, "nslookup hostnames.default"),
        "Server:    10.0.0.10
Address 1: 10.0.0.10 kube-dns.kube-system.svc.cluster.local

Name:      hostnames.default
Address 1: 10.0.1.175 hostnames.default.svc.cluster.local",
        HOSTNAMES,
    );
    assert_page(
        output_of(&t, "nslookup kubernetes.default"),
        "Server:    10.0.0.10
Address 1: 10.0.0.10 kube-dns.kube-system.svc.cluster.local

Name:      kubernetes.default
Address 1: 10.0.0.1 kubernetes.default.svc.cluster.local",
        HOSTNAMES,
    );
    // The page's resolv.conf has its own cluster's extra search domain; the lines are the
    // kubelet's (nameserver, search, options) in the order it writes them.
    let resolv = output_of(&t, "cat /etc/resolv.conf");
    assert!(resolv.contains("search default.svc.cluster.local svc.cluster.local cluster.local\n"), "{resolv}");
    assert!(resolv.contains("nameserver 10.200.1.10\n") && resolv.contains("options ndots:5\n"), "{resolv}");
    // "You can also try this from a Node in the cluster": bind's nslookup, asking the
    // cluster's DNS Service by its address.
    assert_page(
        output_of(&t, "nslookup hostnames.default.svc.cluster.local 10.200.1.10"),
        "Server:         10.0.0.10
Address:        10.0.0.10#53

Name:   hostnames.default.svc.cluster.local
Address: 10.0.1.175",
        HOSTNAMES,
    );
    // Through the Service, each answer is one of the pods' hostnames.
    let answers = output_of(&t, "for i in $(seq 1 3); do wget -qO- hostnames:80; echo; done");
    assert_page_table(
        &format!("HEADER\n{answers}"),
        "HEADER
hostnames-632524106-bbpiw
hostnames-632524106-ly40y
hostnames-632524106-tlaok",
        HOSTNAMES,
    );
}

/// Every address form the docs use serves the same file, and `curl -O` saves it by its name.
#[test]
fn the_docs_example_addresses_all_serve_the_file() {
    let t = replay(
        "curl -s https://k8s.io/examples/pods/storage/pv-volume.yaml | head -3
curl -s https://kubernetes.io/examples/pods/storage/pv-volume.yaml | head -3
curl -s https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/pods/storage/pv-volume.yaml | head -3
curl -O https://k8s.io/examples/application/mysql/mysql-deployment.yaml
kubectl apply -f mysql-deployment.yaml --dry-run=client
kubectl apply -f https://k8s.io/examples/nope.yaml
",
        1,
    );
    for prefix in [
        "https://k8s.io/examples/",
        "https://kubernetes.io/examples/",
        "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/",
    ] {
        assert_eq!(
            output_of(&t, &format!("curl -s {prefix}pods/storage/pv-volume.yaml | head -3")),
            "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n"
        );
    }
    assert_eq!(
        output_of(&t, "kubectl apply -f mysql-deployment.yaml --dry-run=client"),
        "service/mysql created (dry run)\ndeployment.apps/mysql created (dry run)\n"
    );
    // cli-runtime's readHttpWithRetries, after k8s.io's redirect to kubernetes.io's 404.
    assert_eq!(
        output_of(&t, "kubectl apply -f https://k8s.io/examples/nope.yaml"),
        "error: unable to read URL \"https://k8s.io/examples/nope.yaml\", server reported 404 Not Found, status code=404\n"
    );
}

/// "Debug Services", from within a pod: each pod answers on 9376 with its own name, and before
/// the Service exists its name does not resolve. The page shows GNU wget's words; the page's
/// busybox image has busybox's (libbb/xconnect.c: `bad address '%s'`).
#[test]
fn the_debug_services_page_reaches_the_pods_from_a_pod() {
    let mut s = kubelab::lab::session::Session::new(kubelab::sim::SimConfig::seeded(1));
    let mut run = |line: &str| s.run_line(line).0.text();
    run("kubectl create deployment hostnames --image=registry.k8s.io/serve_hostname");
    run("kubectl scale deployment hostnames --replicas=3");
    run("sleep 30");
    let ips =
        run(r#"kubectl get pods -l app=hostnames -o go-template='{{range .items}}{{.status.podIP}}{{"\n"}}{{end}}'"#);
    assert_page(&ips, "10.244.0.5\n10.244.0.6\n10.244.0.7\n", HOSTNAMES);
    run("kubectl run -it --rm --restart=Never busybox --image=gcr.io/google-containers/busybox sh");
    let eps: Vec<String> = ips.lines().map(|ip| format!("{ip}:9376")).collect();
    let answers = run(&format!("for ep in {}; do wget -qO- $ep; echo; done", eps.join(" ")));
    assert_page_table(
        &format!("HEADER\n{answers}"),
        "HEADER
hostnames-632524106-bbpiw
hostnames-632524106-ly40y
hostnames-632524106-tlaok",
        HOSTNAMES,
    );
    // Each pod answers with its own name, the order of the pods' IPs.
    let names = run("exit");
    assert!(names.contains("pod \"busybox\" deleted"), "{names}");
    let pods = run("kubectl get pods -l app=hostnames -o jsonpath='{.items[*].metadata.name}'");
    let mut want: Vec<&str> = pods.split_whitespace().collect();
    let mut got: Vec<&str> = answers.lines().collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    run("kubectl run -it --rm --restart=Never busybox --image=gcr.io/google-containers/busybox sh");
    assert_eq!(run("wget -O- hostnames"), "wget: bad address 'hostnames'\n");
}

/// "Isolating Pods from a ReplicaSet": a pod relabelled out of the selector is released (its
/// ownerReference dropped, as `ClaimPods` releases it) and replaced.
#[test]
fn the_replicaset_page_isolates_a_pod_by_its_labels() {
    let mut s = kubelab::lab::session::Session::new(kubelab::sim::SimConfig::seeded(1));
    let mut run = |line: &str| s.run_line(line).0.text();
    run("kubectl apply -f https://kubernetes.io/examples/controllers/frontend.yaml");
    run("sleep 20");
    let pods = run("kubectl get pods -o name");
    let first = pods.lines().next().unwrap().trim_start_matches("pod/").to_string();
    assert_eq!(run(&format!("kubectl label pod {first} tier=debug --overwrite")), format!("pod/{first} labeled\n"));
    run("sleep 20");
    assert_eq!(run(&format!("kubectl get pod {first} -o jsonpath='{{.metadata.ownerReferences}}'")), "");
    assert_page_table(
        &run("kubectl get pods -L tier"),
        "NAME             READY   STATUS    RESTARTS   AGE   TIER
frontend-b2zdv   1/1     Running   0          40s   debug
frontend-hmmj2   1/1     Running   0          20s   frontend
frontend-vcmts   1/1     Running   0          40s   frontend
frontend-wtsmm   1/1     Running   0          40s   frontend",
        RS,
    );
    assert_page(
        &run("kubectl get rs frontend"),
        "NAME       DESIRED   CURRENT   READY   AGE\nfrontend   3         3         3       40s",
        RS,
    );
}
