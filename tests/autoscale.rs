//! `kubectl autoscale` and the HorizontalPodAutoscaler controller in a cluster without
//! metrics-server (a plain kubeadm cluster, like the lab's), as kubernetes.io's Deployment and
//! ReplicaSet pages use them.
//!
//! Where the expected texts come from:
//! - the command: kubectl v1.26 `pkg/cmd/autoscale/autoscale.go` (its flags, `Validate`'s
//!   messages, the printer's operation `autoscaled`, `createHorizontalPodAutoscaler`);
//! - `kubectl get hpa`: `printHorizontalPodAutoscaler` and `formatHPAMetrics` in
//!   kubernetes/kubernetes `pkg/printers/internalversion/printers.go` (the resource's name in
//!   TARGETS from v1.30, #122804 in CHANGELOG-1.30.md);
//! - the controller: `pkg/controller/podautoscaler/horizontal.go` (`enqueueHPA` adds with the
//!   15 s resync delay; `reconcileAutoscaler` rescales to the bounds before asking for metrics;
//!   `getUnableComputeReplicaCountCondition`; "invalid metrics (%v invalid out of %v), first
//!   error is: %v") and `replica_calculator.go`/`metrics/client.go` (the metrics are asked for
//!   before the pods' requests are read, so pods without a CPU request, as nginx-deployment's,
//!   fail the same way);
//! - a real cluster's `kubectl describe hpa` without metrics-server (a v2 describer, October
//!   2022), whose metric line, conditions and event messages are quoted in
//!   `describe_v2_reads_as_a_real_cluster_without_metrics`;
//! - `kubectl describe` in kubectl v1.26 `pkg/describe/describe.go`: it asks for
//!   autoscaling/v2beta2, which a 1.26 server no longer serves, and falls back on
//!   `describeHorizontalPodAutoscalerV1` (kubernetes/kubernetes#114886, which moved kubectl to
//!   v2 in 1.27, says so).

mod common;
use common::{nth_output_of, output_of, replay};
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

const DEPLOY: &str = "kubectl apply -f https://k8s.io/examples/controllers/nginx-deployment.yaml\n";
const AUTOSCALE: &str = "kubectl autoscale deployment/nginx-deployment --min=10 --max=15 --cpu-percent=80";

const METRICS_ERROR: &str = "failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";

/// A replay on a cluster of the given versions (server, kubectl).
fn replay_on(script: &str, server: &str, kubectl: Option<&str>) -> String {
    let mut config = SimConfig::seeded(1);
    config.profile.kubernetes_version = server.to_string();
    config.profile.kubectl_version = kubectl.map(String::from);
    let mut s = Session::new(config).with_loader(common::files_loader());
    kubelab::lab::replay::run_script(&mut s, script)
}

/// The words of one line.
fn w(line: &str) -> Vec<String> {
    line.split_whitespace().map(String::from).collect()
}

/// The words of each line, so that column widths and ages do not matter.
fn words(text: &str) -> Vec<Vec<String>> {
    text.lines().map(|l| l.split_whitespace().map(String::from).collect()).collect()
}

#[test]
fn the_deployment_page_autoscales_and_the_minimum_is_enforced_without_metrics() {
    let t = replay(
        &format!(
            "{DEPLOY}@sleep 20s\n{AUTOSCALE}\nkubectl get hpa\n@sleep 16s\nkubectl get hpa\nkubectl get deploy\n@sleep 15s\nkubectl get hpa\n"
        ),
        1,
    );
    assert_eq!(output_of(&t, AUTOSCALE), "horizontalpodautoscaler.autoscaling/nginx-deployment autoscaled\n");
    // Before the controller's first look (15 s after the HPA was added): no current count yet
    // (status.currentReplicas is 0), no metric (`<unknown>`), the target as the CPU percentage.
    assert_eq!(
        nth_output_of(&t, "kubectl get hpa", 0),
        "NAME               REFERENCE                     TARGETS         MINPODS   MAXPODS   REPLICAS   AGE
nginx-deployment   Deployment/nginx-deployment   <unknown>/80%   10        15        0          0s
"
    );
    // The first look found 3 replicas, below the minimum: it scaled the Deployment to 10 and
    // recorded the 3 it saw (setStatus(currentReplicas, desiredReplicas)).
    assert_eq!(
        words(nth_output_of(&t, "kubectl get hpa", 1))[1],
        ["nginx-deployment", "Deployment/nginx-deployment", "<unknown>/80%", "10", "15", "3", "16s"]
    );
    assert_eq!(words(output_of(&t, "kubectl get deploy"))[1][..3], ["nginx-deployment", "3/10", "10"]);
    assert_eq!(words(nth_output_of(&t, "kubectl get hpa", 2))[1][5], "10");
}

#[test]
fn the_autoscalers_events_say_why_it_cannot_scale() {
    let t = replay(
        &format!("{DEPLOY}@sleep 20s\n{AUTOSCALE}\n@sleep 31s\nkubectl get events --field-selector involvedObject.kind=HorizontalPodAutoscaler\n"),
        1,
    );
    let ev = output_of(&t, "kubectl get events --field-selector involvedObject.kind=HorizontalPodAutoscaler");
    let lines: Vec<&str> = ev.lines().collect();
    assert_eq!(lines.len(), 4, "{ev}");
    let object = "horizontalpodautoscaler/nginx-deployment";
    let rescale = "New size: 10; reason: Current number of replicas below Spec.MinReplicas";
    assert_eq!(w(lines[1])[1..5], ["Normal", "SuccessfulRescale", object, "New"]);
    assert!(lines[1].ends_with(rescale), "{ev}");
    assert_eq!(w(lines[2])[1..4], ["Warning", "FailedGetResourceMetric", object]);
    assert!(lines[2].ends_with(METRICS_ERROR), "{ev}");
    assert_eq!(w(lines[3])[1..4], ["Warning", "FailedComputeMetricsReplicas", object]);
    assert!(
        lines[3].ends_with(&format!("invalid metrics (1 invalid out of 1), first error is: {METRICS_ERROR}")),
        "{ev}"
    );
}

/// A real cluster of October 2022 (`kubectl describe hpa` through the v2 describer): a
/// Deployment the autoscaler raised to its minimum of 3 9m47s before, a 70% CPU target, no
/// metrics-server. Its first failing look came 15 s after the rescale, and the event
/// recorder's spam filter (25 events, then one per 5 minutes, per source and object) let the
/// twelfth FailedComputeMetricsReplicas be the last one seen.
#[test]
fn describe_v2_reads_as_a_real_cluster_without_metrics() {
    let t = replay_on(
        "kubectl create deployment backend-user --image=nginx\n@sleep 20s\nkubectl autoscale deployment backend-user --min=3 --max=5 --cpu-percent=70\n@sleep 15s\n@sleep 9m47s\nkubectl describe hpa\n",
        "1.26.5",
        Some("1.27.0"),
    );
    let d = output_of(&t, "kubectl describe hpa");
    // The real lines; its second event is cut where the page quoting it was, and completed
    // with the controller's message.
    let real = format!("Name:                                                  backend-user
Namespace:                                             default
Labels:                                                <none>
Annotations:                                           <none>
CreationTimestamp:                                     Mon, 10 Oct 2022 00:15:34 +0200
Reference:                                             Deployment/backend-user
Metrics:                                               ( current / target )
  resource cpu on pods  (as a percentage of request):  <unknown> / 70%
Min replicas:                                          3
Max replicas:                                          5
Deployment pods:                                       3 current / 3 desired
Conditions:
  Type           Status  Reason                   Message
  ----           ------  ------                   -------
  AbleToScale    True    SucceededGetScale        the HPA controller was able to get the target's current scale
  ScalingActive  False   FailedGetResourceMetric  the HPA was unable to compute the replica count: {METRICS_ERROR}
Events:
  Type     Reason                        Age                     From                       Message
  ----     ------                        ----                    ----                       -------
  Normal   SuccessfulRescale             9m47s                   horizontal-pod-autoscaler  New size: 3; reason: Current number of replicas below Spec.MinReplicas
  Warning  FailedComputeMetricsReplicas  6m46s (x12 over 9m32s)  horizontal-pod-autoscaler  invalid metrics (1 invalid out of 1), first error is: {METRICS_ERROR}
");
    // Everything but the creation time, ages within the helpers' ±2 s (which compare lines
    // without their indentation).
    let but_creation = |text: &str| -> String {
        text.lines().filter(|l| !l.starts_with("CreationTimestamp:")).map(|l| format!("{}\n", l.trim_start())).collect()
    };
    common::assert_prefix_like_real(&but_creation(d), &but_creation(&real));
}

/// kubectl 1.26 against a 1.26 server: the v2beta2 get fails, so the v1 describer prints the
/// CPU target and the counts; the conditions are in v1's annotation.
#[test]
fn describe_on_1_26_falls_back_on_the_v1_describer() {
    let t = replay(&format!("{DEPLOY}@sleep 20s\n{AUTOSCALE}\n@sleep 31s\nkubectl describe hpa nginx-deployment\n"), 1);
    let d = output_of(&t, "kubectl describe hpa nginx-deployment");
    let lines: Vec<&str> = d.lines().collect();
    assert_eq!(w(lines[0]), ["Name:", "nginx-deployment"]);
    assert_eq!(w(lines[3]), ["Annotations:", "autoscaling.alpha.kubernetes.io/conditions:"]);
    // printAnnotationsMultiline: a value over 140 bytes goes on its own line, cut at 138 bytes.
    assert!(
        lines[4].trim_start().starts_with(r#"[{"type":"AbleToScale","status":"True","lastTransitionTime":""#),
        "{d}"
    );
    assert_eq!(lines[4].trim_start().len(), 138 + 3, "{d}");
    assert!(lines[4].ends_with("..."), "{d}");
    let rest: Vec<Vec<String>> = lines[6..12].iter().map(|l| w(l)).collect();
    assert_eq!(
        rest,
        [
            vec!["Reference:", "Deployment/nginx-deployment"],
            vec!["Target", "CPU", "utilization:", "80%"],
            vec!["Current", "CPU", "utilization:", "<unknown>%"],
            vec!["Min", "replicas:", "10"],
            vec!["Max", "replicas:", "15"],
            vec!["Deployment", "pods:", "10", "current", "/", "10", "desired"],
        ]
    );
    assert!(!d.contains("Conditions:"), "{d}");
    assert_eq!(w(lines[12]), ["Events:"]);
}

/// `kubectl get hpa -o yaml` reads autoscaling/v2 (the group's preferred version): the CPU
/// percentage as a Resource metric, `currentMetrics: null` (no omitempty in v2), the
/// conditions in the order the controller first set them.
#[test]
fn the_autoscaler_as_yaml_is_autoscaling_v2() {
    let t = replay(&format!("{DEPLOY}@sleep 20s\n{AUTOSCALE}\nkubectl get hpa nginx-deployment -o yaml\n@sleep 31s\nkubectl get hpa nginx-deployment -o yaml\n"), 1);
    let before = nth_output_of(&t, "kubectl get hpa nginx-deployment -o yaml", 0);
    assert!(before.starts_with("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"), "{before}");
    assert!(
        before.contains(
            "spec:
  maxReplicas: 15
  metrics:
  - resource:
      name: cpu
      target:
        averageUtilization: 80
        type: Utilization
    type: Resource
  minReplicas: 10
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: nginx-deployment
status:
  currentMetrics: null
  desiredReplicas: 0
"
        ),
        "{before}"
    );
    let after = nth_output_of(&t, "kubectl get hpa nginx-deployment -o yaml", 1);
    let status = &after[after.find("status:").expect("status")..];
    let lines: Vec<&str> = status.lines().collect();
    assert_eq!(lines[3], "    message: the HPA controller was able to get the target's current scale");
    assert_eq!(lines[4], "    reason: SucceededGetScale");
    assert_eq!(lines[6], "    type: AbleToScale");
    assert_eq!(lines[8], format!("    message: \"the HPA was unable to compute the replica count: {METRICS_ERROR}\""));
    assert_eq!(
        lines[9..12],
        ["    reason: FailedGetResourceMetric", "    status: \"False\"", "    type: ScalingActive"]
    );
    assert_eq!(lines[12..15], ["  currentMetrics: null", "  currentReplicas: 10", "  desiredReplicas: 10"]);
    assert!(lines[15].starts_with("  lastScaleTime: \""), "{status}");
}

/// `kubectl scale` against the autoscaler: above the maximum it is scaled back at the next
/// look ("Current number of replicas above Spec.MaxReplicas"); between the bounds, without
/// metrics, it stays where it was put.
#[test]
fn a_manual_scale_is_held_within_the_bounds() {
    let t = replay(
        &format!(
            "{DEPLOY}@sleep 20s\n{AUTOSCALE}\n@sleep 20s\nkubectl scale deployment/nginx-deployment --replicas=20\n@sleep 15s\nkubectl get deploy nginx-deployment\nkubectl get events --field-selector reason=SuccessfulRescale\nkubectl scale deployment/nginx-deployment --replicas=12\n@sleep 45s\nkubectl get hpa\n"
        ),
        1,
    );
    assert_eq!(
        words(output_of(&t, "kubectl get deploy nginx-deployment"))[1][..3],
        ["nginx-deployment", "15/15", "15"]
    );
    let ev = output_of(&t, "kubectl get events --field-selector reason=SuccessfulRescale");
    assert!(ev.contains("New size: 15; reason: Current number of replicas above Spec.MaxReplicas"), "{ev}");
    assert_eq!(words(output_of(&t, "kubectl get hpa"))[1][5], "12");
}

/// A target scaled to zero switches the autoscaler off (`ScalingDisabled`); a target that is
/// gone makes it fail to get the scale.
#[test]
fn a_target_at_zero_or_gone_stops_the_autoscaler() {
    let t = replay_on(
        &format!(
            "{DEPLOY}@sleep 20s\n{AUTOSCALE}\n@sleep 20s\nkubectl scale deployment/nginx-deployment --replicas=0\n@sleep 15s\nkubectl describe hpa\nkubectl delete deployment nginx-deployment\n@sleep 15s\nkubectl describe hpa\n"
        ),
        "1.26.5",
        Some("1.27.0"),
    );
    let d = nth_output_of(&t, "kubectl describe hpa", 0);
    assert!(d.contains("  ScalingActive  False   ScalingDisabled    scaling is disabled since the replica count of the target is zero\n"), "{d}");
    assert!(words(d).contains(&w("Deployment pods: 0 current / 0 desired")), "{d}");
    let d = nth_output_of(&t, "kubectl describe hpa", 1);
    assert!(d.contains("  AbleToScale    False   FailedGetScale   the HPA controller was unable to get the target's current scale: deployments.apps \"nginx-deployment\" not found\n"), "{d}");
    assert!(d.contains("horizontal-pod-autoscaler  deployments.apps \"nginx-deployment\" not found\n"), "{d}");
}

/// The ReplicaSet page's `kubectl autoscale rs frontend --max=10 --min=3 --cpu-percent=50`
/// after the page scaled it to 2: the autoscaler brings it to 3.
#[test]
fn the_replicaset_page_autoscales_its_replicaset() {
    let t = replay(
        "kubectl apply -f https://kubernetes.io/examples/controllers/frontend.yaml
@sleep 20s
kubectl scale rs frontend --replicas=2
kubectl autoscale rs frontend --max=10 --min=3 --cpu-percent=50
kubectl get hpa
@sleep 16s
kubectl get rs frontend
",
        1,
    );
    assert_eq!(
        output_of(&t, "kubectl get hpa"),
        "NAME       REFERENCE             TARGETS         MINPODS   MAXPODS   REPLICAS   AGE
frontend   ReplicaSet/frontend   <unknown>/50%   3         10        0          0s
"
    );
    assert_eq!(words(output_of(&t, "kubectl get rs frontend"))[1][..2], ["frontend", "3"]);
}

/// From v1.30 TARGETS names the resource (#122804).
#[test]
fn targets_name_the_resource_from_1_30() {
    let t = replay_on(&format!("{DEPLOY}{AUTOSCALE}\nkubectl get hpa\n"), "1.30.0", None);
    assert_eq!(words(output_of(&t, "kubectl get hpa"))[1][2..4], ["cpu:", "<unknown>/80%"]);
}

/// kubectl's own checks and the API server's, in their words.
#[test]
fn autoscale_refuses_what_kubectl_refuses() {
    let t = replay(
        &format!(
            "{DEPLOY}kubectl autoscale deployment/nginx-deployment --min=2
kubectl autoscale deployment/nginx-deployment --max=0
kubectl autoscale deployment/nginx-deployment --min=5 --max=3
kubectl autoscale deployment/nginx-deployment --max=x
kubectl autoscale deployment/nope --max=3
kubectl run pod1 --image=nginx
kubectl autoscale pod pod1 --max=3
kubectl autoscale deployment/nginx-deployment --max=3 --cpu-percent=0
kubectl autoscale deployment/nginx-deployment --max=3
kubectl autoscale deployment/nginx-deployment --max=3
kubectl get hpa nginx-deployment
kubectl delete hpa nginx-deployment
"
        ),
        1,
    );
    let out = |c: &str| output_of(&t, c).to_string();
    assert_eq!(
        out("kubectl autoscale deployment/nginx-deployment --min=2"),
        "error: required flag(s) \"max\" not set\n"
    );
    assert_eq!(
        out("kubectl autoscale deployment/nginx-deployment --max=0"),
        "error: --max=MAXPODS is required and must be at least 1, max: 0\n"
    );
    assert_eq!(
        out("kubectl autoscale deployment/nginx-deployment --min=5 --max=3"),
        "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 3, min: 5\n"
    );
    assert!(out("kubectl autoscale deployment/nginx-deployment --max=x").starts_with(
        "error: invalid argument \"x\" for \"--max\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\n"
    ));
    assert_eq!(
        out("kubectl autoscale deployment/nope --max=3"),
        "Error from server (NotFound): deployments.apps \"nope\" not found\n"
    );
    assert_eq!(
        out("kubectl autoscale pod pod1 --max=3"),
        "error: cannot autoscale a Pod: could not find scale subresource for /v1, Resource=pods in discovery information\n"
    );
    assert_eq!(
        out("kubectl autoscale deployment/nginx-deployment --max=3 --cpu-percent=0"),
        "The HorizontalPodAutoscaler \"nginx-deployment\" is invalid: spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0\n"
    );
    assert_eq!(
        nth_output_of(&t, "kubectl autoscale deployment/nginx-deployment --max=3", 1),
        "Error from server (AlreadyExists): horizontalpodautoscalers.autoscaling \"nginx-deployment\" already exists\n"
    );
    // Without --min the server's default of 1; without --cpu-percent the default policy, 80%.
    assert_eq!(words(out("kubectl get hpa nginx-deployment").as_str())[1][2..5], ["<unknown>/80%", "1", "3"]);
    assert_eq!(
        out("kubectl delete hpa nginx-deployment"),
        "horizontalpodautoscaler.autoscaling \"nginx-deployment\" deleted\n"
    );
}

/// Two autoscalers over the same pods (v1.26's selector check, kubernetes/kubernetes#112011 in
/// CHANGELOG-1.26.md): once both have looked, neither scales, each saying so in an event, the
/// condition and the failure event. Real clusters print it as
/// `pods by selector app=scaletestapp are controlled by multiple HPAs: [default/scaletestapp-hpa default/scaletestapp-hpa-rps]`
/// with the `AmbiguousSelector` reason on the ScalingActive condition.
#[test]
fn two_autoscalers_over_the_same_pods_stop_each_other() {
    let t = replay_on(
        &format!(
            "{DEPLOY}kubectl autoscale deployment/nginx-deployment --max=5
kubectl autoscale deployment/nginx-deployment --max=5 --name=second
@sleep 46s
kubectl describe hpa second
kubectl delete hpa nginx-deployment
@sleep 30s
kubectl describe hpa second
"
        ),
        "1.26.5",
        Some("1.27.0"),
    );
    let msg = "pods by selector app=nginx are controlled by multiple HPAs: [default/nginx-deployment default/second]";
    let d = nth_output_of(&t, "kubectl describe hpa second", 0);
    assert!(d.contains(&format!("  ScalingActive  False   AmbiguousSelector  {msg}\n")), "{d}");
    assert!(
        d.contains(&format!(
            "Warning  AmbiguousSelector             1s (x3 over 31s)  horizontal-pod-autoscaler  {msg}\n"
        )),
        "{d}"
    );
    assert!(
        d.contains(&format!(
            "Warning  FailedComputeMetricsReplicas  1s (x3 over 31s)  horizontal-pod-autoscaler  {msg}\n"
        )),
        "{d}"
    );
    // The other one gone (`deleteHPA` forgets its selector), the next look is a plain one.
    let d = nth_output_of(&t, "kubectl describe hpa second", 1);
    assert!(d.contains(&format!("ScalingActive  False   FailedGetResourceMetric  the HPA was unable to compute the replica count: {METRICS_ERROR}\n")), "{d}");
}

/// The ReplicaSet page's "ReplicaSet as a Horizontal Pod Autoscaler Target": hpa-rs.yaml, an
/// autoscaling/v1 manifest, applied (and applied again: unchanged, as kubectl reads the live
/// object back in v1), kept as v2; then the page's `kubectl autoscale` alternative makes a
/// second autoscaler over the same pods, and both stop (`AmbiguousSelector`, v1.26).
#[test]
fn the_replicaset_page_applies_its_autoscaler_manifest() {
    let t = replay_on(
        "kubectl apply -f https://kubernetes.io/examples/controllers/frontend.yaml
@sleep 20s
kubectl create -f https://k8s.io/examples/controllers/hpa-rs.yaml --dry-run=server -o yaml | head -2
kubectl apply -f https://k8s.io/examples/controllers/hpa-rs.yaml
kubectl get hpa
kubectl apply -f https://k8s.io/examples/controllers/hpa-rs.yaml
kubectl get hpa frontend-scaler -o jsonpath={.spec.metrics[0].resource.target.averageUtilization}
kubectl autoscale rs frontend --max=10 --min=3 --cpu-percent=50
@sleep 31s
kubectl describe hpa frontend-scaler
",
        "1.26.5",
        Some("1.27.0"),
    );
    // The server answers in the version it was asked in.
    assert_eq!(
        output_of(
            &t,
            "kubectl create -f https://k8s.io/examples/controllers/hpa-rs.yaml --dry-run=server -o yaml | head -2"
        ),
        "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\n"
    );
    let apply = "kubectl apply -f https://k8s.io/examples/controllers/hpa-rs.yaml";
    assert_eq!(nth_output_of(&t, apply, 0), "horizontalpodautoscaler.autoscaling/frontend-scaler created\n");
    assert_eq!(nth_output_of(&t, apply, 1), "horizontalpodautoscaler.autoscaling/frontend-scaler unchanged\n");
    assert_eq!(
        output_of(&t, "kubectl get hpa"),
        "NAME              REFERENCE             TARGETS         MINPODS   MAXPODS   REPLICAS   AGE
frontend-scaler   ReplicaSet/frontend   <unknown>/50%   3         10        0          0s
"
    );
    assert_eq!(
        output_of(
            &t,
            "kubectl get hpa frontend-scaler -o jsonpath={.spec.metrics[0].resource.target.averageUtilization}"
        ),
        "50\n"
    );
    let d = output_of(&t, "kubectl describe hpa frontend-scaler");
    let msg =
        "pods by selector tier=frontend are controlled by multiple HPAs: [default/frontend default/frontend-scaler]";
    assert!(d.contains(&format!("AmbiguousSelector  {msg}\n")), "{d}");
}

/// kubectl 1.33 sends autoscaling/v2 (`createHorizontalPodAutoscalerV2`) and prints what the
/// server answers in v2; 1.34 marks `--cpu-percent` deprecated (pflag's words on stderr).
#[test]
fn newer_kubectl_sends_v2_and_deprecates_cpu_percent() {
    let t = replay_on(
        &format!("{DEPLOY}{AUTOSCALE}\nkubectl autoscale deployment/nginx-deployment --max=3 --name=b -o yaml\n"),
        "1.34.0",
        Some("1.34.0"),
    );
    assert_eq!(
        output_of(&t, AUTOSCALE),
        "Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity format (e.g., '70%' for utilization or '500m' for milliCPU).
horizontalpodautoscaler.autoscaling/nginx-deployment autoscaled
"
    );
    let y = output_of(&t, "kubectl autoscale deployment/nginx-deployment --max=3 --name=b -o yaml");
    assert!(y.starts_with("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"), "{y}");
    // No --cpu-percent: no metric sent, and v2's defaulting gives the 80% CPU target.
    assert!(y.contains("        averageUtilization: 80\n"), "{y}");
}

/// `-f`: the objects a manifest names (the builder's `FilenameParam`).
#[test]
fn autoscale_takes_the_objects_of_a_file() {
    let t = replay(
        "kubectl apply -f https://kubernetes.io/examples/controllers/frontend.yaml
kubectl autoscale -f https://kubernetes.io/examples/controllers/frontend.yaml --max=4
kubectl get hpa frontend -o jsonpath={.spec.scaleTargetRef}
",
        1,
    );
    assert_eq!(
        output_of(&t, "kubectl autoscale -f https://kubernetes.io/examples/controllers/frontend.yaml --max=4"),
        "horizontalpodautoscaler.autoscaling/frontend autoscaled\n"
    );
    assert_eq!(
        output_of(&t, "kubectl get hpa frontend -o jsonpath={.spec.scaleTargetRef}"),
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"frontend\"}\n"
    );
}
