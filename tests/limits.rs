//! The lab's limits in Kubernetes' own words (issue 12, items 2 and 7): the built-in
//! ResourceQuota and the ResourceQuota admission plugin's refusal, the scheduler's pod count per
//! node, the API server's validation of labels, annotations, quantities and replica counts, and
//! pflag's words for the numbers kubectl's flags reject. Expected texts are upstream's formats
//! (apiserver admission/plugin/resourcequota, apimachinery validation, kube-scheduler
//! NodeResourcesFit, kubectl describe/printers).

mod common;
use kubelab::jv;
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

fn session() -> Session {
    Session::new(SimConfig::seeded(1)).with_loader(common::files_loader())
}

fn run(s: &mut Session, line: &str) -> (String, String, i32) {
    let (out, code) = s.run_line(line);
    (out.stdout(), out.stderr(), code)
}

#[test]
fn every_namespace_shows_its_quota_as_kubectl_prints_one() {
    let mut s = session();
    let (out, _, code) = run(&mut s, "kubectl get quota");
    assert_eq!(code, 0);
    let mut lines = out.lines();
    // printResourceQuota: NAME, AGE, REQUEST (`resource: used/hard`, by name), LIMIT.
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["NAME", "AGE", "REQUEST", "LIMIT"]);
    let row = lines.next().unwrap();
    assert!(row.starts_with("kubelab-limits "), "{row}");
    assert!(row.contains("configmaps: 1/1k, "), "kube-root-ca.crt counts: {row}");
    assert!(row.contains(", pods: 0/1k, "), "{row}");
    let (out, _, _) = run(&mut s, "kubectl describe quota kubelab-limits");
    let text = common::expand_tabs(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), ["Name:", "kubelab-limits"]);
    assert_eq!(lines[1].split_whitespace().collect::<Vec<_>>(), ["Namespace:", "default"]);
    assert_eq!(lines[2].split_whitespace().collect::<Vec<_>>(), ["Resource", "Used", "Hard"]);
    assert_eq!(lines[3].split_whitespace().collect::<Vec<_>>(), ["--------", "----", "----"]);
    assert!(lines.iter().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["pods", "0", "1k"]));
    let (_, err, code) = run(&mut s, "kubectl get quota nothing");
    assert_eq!((err.trim(), code), ("Error from server (NotFound): resourcequotas \"nothing\" not found", 1));
}

#[test]
fn a_create_past_the_quota_is_forbidden_with_the_admission_plugins_words() {
    let mut s = session();
    for i in 0..999 {
        let cm =
            jv!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":format!("cm-{i}"),"namespace":"default"}});
        s.sim.create(cm).unwrap();
    }
    let (_, err, code) = run(&mut s, "kubectl create configmap last");
    assert_eq!(code, 1);
    assert!(
        err.trim().ends_with("configmaps \"last\" is forbidden: exceeded quota: kubelab-limits, requested: configmaps=1, used: configmaps=1k, limited: configmaps=1k"),
        "{err}"
    );
    // Other namespaces and other kinds are not harmed.
    assert_eq!(run(&mut s, "kubectl create configmap other -n kube-public").2, 0);
    assert_eq!(run(&mut s, "kubectl create secret generic s --from-literal=a=b").2, 0);
}

#[test]
fn a_replicaset_short_of_quota_records_failed_create_and_stays_short() {
    let mut s = session();
    assert_eq!(run(&mut s, "kubectl create deployment d --image=nginx --replicas=1000000").2, 0);
    run(&mut s, "sleep 5");
    let (out, _, _) = run(&mut s, "kubectl get rs -o jsonpath={.items[0].status.replicas}");
    assert_eq!(out, "1000");
    // The controller's recorder lets 25 events about the ReplicaSet through at once, then one
    // each 5 minutes (client-go's spam filter): its 1,000 `Created pod` events used them up, so
    // the first refused create is told only once a token has come back.
    run(&mut s, "sleep 600");
    let (out, _, _) =
        run(&mut s, "kubectl get events --field-selector reason=FailedCreate -o jsonpath={.items[0].message}");
    let words = "is forbidden: exceeded quota: kubelab-limits, requested: pods=1, used: pods=1k, limited: pods=1k";
    // Each refused create is a differently named pod: from the tenth such message on, the
    // aggregator tells them as one event (as real clusters show quota refusals).
    let out = out.trim_start_matches("(combined from similar events): ");
    assert!(out.starts_with("Error creating: pods \"d-") && out.ends_with(words), "{out}");
    let (_, err, _) = run(&mut s, "kubectl run extra --image=nginx");
    assert_eq!(err.trim(), format!("Error from server (Forbidden): pods \"extra\" {words}"));
}

/// The work queue's rate limit (5 ms doubling) in the first 5 s: tries at 0, 5, 15, 35, ...,
/// 2555 ms, and the `sleep` line's own instant.
/// Refused creates within the first 400 s when each waits out a back-off of 5 ms doubling
/// (client-go's per-item limiter): 5 ms · (2^n − 1) ≤ 400 s gives n ≤ 16.
const TRIES_IN_400S: i64 = 17;

/// Work items and FailedCreate events after `replicas` are asked for and 400 s pass. (The
/// recorder's spam filter lets the ReplicaSet's first 25 events through, then one each 5
/// minutes: the 1,000 `Created pod` events use them up, and the count of refused creates is
/// told with the first FailedCreate let through after that.)
fn asked_for(line: &str) -> (u64, i64) {
    let mut s = session();
    assert_eq!(run(&mut s, "kubectl create deployment d --image=nginx --replicas=1").2, 0);
    let before = s.sim.work_runs;
    assert_eq!(run(&mut s, line).2, 0);
    run(&mut s, "sleep 400");
    let (out, _, _) =
        run(&mut s, "kubectl get events --field-selector reason=FailedCreate -o jsonpath={.items[*].count}");
    let failed = out.split_whitespace().map(|c| c.parse::<i64>().unwrap()).sum();
    (s.sim.work_runs - before, failed)
}

#[test]
fn a_million_replicas_past_the_quota_cost_what_the_quota_holds_and_back_off() {
    // The ReplicaSet makes its 1,000 pods and then waits out its back-off between refused
    // creates, rather than trying again on each of its pods' changes (issue 12).
    let (work_1k, failed_1k) = asked_for("kubectl scale deploy d --replicas=1000");
    let (work_1m, failed_1m) = asked_for("kubectl scale deploy d --replicas=1000000");
    assert_eq!(failed_1k, 0);
    assert!((1..=TRIES_IN_400S).contains(&failed_1m), "{failed_1m} refused creates in 400 s");
    assert!(work_1m <= work_1k + work_1k / 10, "1,000,000 replicas: {work_1m} work items, 1,000: {work_1k}");
}

#[test]
fn a_refused_replicaset_is_a_create_error_tried_again_at_the_rate_limit() {
    // A 250-character Deployment makes a ReplicaSet name past 253 characters: the API server
    // refuses it, the controller says so (ReplicaSetCreateError, event and condition) and tries
    // again after its back-off, at most 15 times in a row (maxRetries), not in a tight loop.
    let mut s = session();
    let name = "a".repeat(250);
    let d = jv!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":name,"namespace":"default"},
        "spec":{"replicas":1,"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}});
    s.sim.create(d).unwrap();
    assert!(s.sim.run_until_idle(3_600_000), "the controller stops trying");
    assert!(s.sim.work_runs < 200, "{} work items", s.sim.work_runs);
    let (out, _, _) = run(&mut s, "kubectl get events -o jsonpath={.items[0].reason}/{.items[0].count}");
    assert_eq!(out, "ReplicaSetCreateError/16");
    let (out, _, _) = run(&mut s, "kubectl get deploy -o jsonpath={.items[0].status.conditions[0].message}");
    let rs = out.split('"').nth(1).unwrap_or_default();
    assert!(rs.starts_with(&format!("{name}-")), "{out}");
    let words = format!("Failed to create new replica set \"{rs}\": ReplicaSet.apps \"{rs}\" is invalid: metadata.name: Invalid value: \"{rs}\": must be no more than 253 characters");
    assert_eq!(out, words);
}

#[test]
fn a_node_holds_at_most_its_allocatable_pods() {
    let mut s = session();
    // Three workers of 110 pods, four of which the cluster's own pods already take.
    run(&mut s, "kubectl create deployment d --image=nginx --replicas=330");
    run(&mut s, "sleep 30");
    let (out, _, _) = run(&mut s, "kubectl get deploy d -o jsonpath={.status.readyReplicas}");
    assert_eq!(out, "326");
    let (out, _, _) =
        run(&mut s, "kubectl get events --field-selector reason=FailedScheduling -o jsonpath={.items[0].message}");
    assert_eq!(out, "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Too many pods. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod..");
}

#[test]
fn an_exabyte_request_is_insufficient_memory_not_nothing() {
    let mut s = session();
    s.write_file("big.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        memory: 1Ei\n");
    run(&mut s, "kubectl apply -f big.yaml");
    run(&mut s, "sleep 2");
    let (out, _, _) = run(&mut s, "kubectl get pod big -o jsonpath={.status.conditions[0].message}");
    assert!(out.contains("3 Insufficient memory"), "{out}");
}

#[test]
fn labels_and_annotations_are_validated_as_the_api_server_does() {
    let mut s = session();
    let long = "a".repeat(64);
    let (_, err, _) = run(&mut s, &format!("kubectl label ns default k={long}"));
    assert_eq!(
        err.trim(),
        format!("The Namespace \"default\" is invalid: metadata.labels: Invalid value: \"{long}\": must be no more than 63 characters")
    );
    let (_, err, _) = run(&mut s, &format!("kubectl label ns default {long}=v"));
    assert_eq!(
        err.trim(),
        format!("The Namespace \"default\" is invalid: metadata.labels: Invalid value: \"{long}\": name part must be no more than 63 characters")
    );
    // 63 characters are fine.
    assert_eq!(run(&mut s, &format!("kubectl label ns default k={}", &long[..63])).2, 0);
    let big = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  annotations:\n    a: {}\n",
        "x".repeat(300 * 1024)
    );
    s.write_file("big.yaml", &big);
    let (_, err, code) = run(&mut s, "kubectl create -f big.yaml");
    assert_eq!(code, 1);
    assert_eq!(
        err.lines().next(),
        Some("The ConfigMap \"big\" is invalid: metadata.annotations: Too long: must have at most 262144 bytes")
    );
}

#[test]
fn negative_quantities_are_invalid() {
    let mut s = session();
    s.write_file("claim.yaml", "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: -1Gi\n");
    let (_, err, _) = run(&mut s, "kubectl create -f claim.yaml");
    assert_eq!(
        err.lines().next(),
        Some("The PersistentVolumeClaim \"c\" is invalid: spec.resources[storage]: Invalid value: \"-1Gi\": must be greater than zero")
    );
    s.write_file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      limits:\n        cpu: -500m\n");
    let (_, err, _) = run(&mut s, "kubectl create -f pod.yaml");
    // The requests are defaulted from the limits, so both are refused.
    assert!(err.starts_with("The Pod \"p\" is invalid: \n"), "{err}");
    assert!(err.contains("* spec.containers[0].resources.limits[cpu]: Invalid value: \"-500m\": must be greater than or equal to 0\n"), "{err}");
}

#[test]
fn replica_counts_are_refused_in_kubectls_and_the_api_servers_words() {
    let mut s = session();
    let (_, err, _) = run(&mut s, "kubectl create deployment d --image=nginx --replicas=3000000000");
    assert_eq!(err.trim(), "error: invalid argument \"3000000000\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"3000000000\": value out of range\nSee 'kubectl create deployment --help' for usage.");
    let (_, err, _) = run(&mut s, "kubectl create deployment d --image=nginx --replicas=two");
    assert_eq!(err.trim(), "error: invalid argument \"two\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"two\": invalid syntax\nSee 'kubectl create deployment --help' for usage.");
    let (_, err, _) = run(&mut s, "kubectl create deployment d --image=nginx --replicas=-1");
    assert!(err.contains("spec.replicas: Invalid value: -1: must be greater than or equal to 0"), "{err}");
    assert_eq!(run(&mut s, "kubectl create deployment d --image=nginx --replicas=0x2").2, 0);
    let (_, err, _) = run(&mut s, "kubectl scale deploy d --replicas=99999999999999999999");
    assert_eq!(err.lines().next(), Some("error: invalid argument \"99999999999999999999\" for \"--replicas\" flag: strconv.ParseInt: parsing \"99999999999999999999\": value out of range"));
    let (_, err, _) = run(&mut s, "kubectl scale deploy d --replicas=5000000000");
    assert!(
        err.contains("cannot unmarshal number 5000000000 into Go struct field ScaleSpec.spec.replicas of type int32"),
        "{err}"
    );
    let (out, _, _) = run(&mut s, "kubectl get deploy d -o jsonpath={.spec.replicas}");
    assert_eq!(out, "2", "a refused scale leaves the Deployment alone");
}

#[test]
fn a_template_label_key_is_validated_as_the_objects_own() {
    // Found by tests/fuzz.rs: a Deployment whose template label key held a ':' was accepted,
    // and its controller then made ReplicaSets without end (24 GB in two minutes).
    // ValidatePodTemplateSpec validates the template's metadata as ValidateObjectMeta does.
    let mut s = session();
    s.write_file(
        "d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels:\n      app: d\n  template:\n    metadata:\n      labels:\n        app: d\n        app:ls: x\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
    );
    let (_, err, code) = run(&mut s, "kubectl apply -f d.yaml");
    assert_eq!(code, 1);
    assert!(
        err.starts_with("The Deployment \"d\" is invalid: spec.template.metadata.labels: Invalid value: \"app:ls\": name part must consist of alphanumeric characters"),
        "{err}"
    );
}

#[test]
fn a_long_deployment_name_makes_a_longer_replicaset_name_and_truncated_pod_names() {
    // Found by tests/fuzz.rs: a Deployment named with 60 characters made ReplicaSets without
    // end, each refused for a name over 63 characters. IsDNS1123Subdomain allows 253 and puts no
    // length on a label; generateName keeps the first 58 characters (maxGeneratedNameLength).
    let mut s = session();
    let name = "nginx-depginx-depginx-depginx-depginx-depginx-depginx-deploy";
    run(&mut s, &format!("kubectl create deployment {name} --image=nginx"));
    let (rs, _, _) = run(&mut s, "kubectl get rs -o jsonpath={.items[0].metadata.name}");
    assert!(rs.starts_with(&format!("{name}-")) && rs.len() > 63, "{rs}");
    let (pod, _, _) = run(&mut s, "kubectl get pods -o jsonpath={.items[0].metadata.name}");
    assert_eq!(pod.len(), 63, "{pod}");
    assert!(pod.starts_with(&rs[..58]), "{pod}");
}

#[test]
fn a_pod_whose_spec_is_null_is_invalid_not_a_crash() {
    // Found by tests/fuzz.rs (session 8): `spec:` with nothing after it is JSON null; the
    // defaulting took it for an object and the page would have died. Go decodes null as the zero
    // PodSpec, so the API server answers as for a pod without containers.
    let mut s = session();
    s.write_file("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: task-pv-pod\nspec:\n");
    let (_, err, code) = run(&mut s, "kubectl apply -f p.yaml");
    assert_eq!(code, 1);
    assert!(err.starts_with("The Pod \"task-pv-pod\" is invalid: spec.containers: Required value\n"), "{err}");
}

#[test]
fn a_label_with_no_value_is_the_empty_string() {
    // Found by tests/fuzz.rs (session 8): `app:` with nothing after it (JSON null) in a
    // Deployment's selector and template was stored as null, and the ReplicaSet did not know
    // its own pods: it made them until the quota stopped it (1,000 pods for 4 replicas). Go's
    // decoder stores null in a map[string]string as "", so the label is `app=` and matches.
    let mut s = session();
    s.write_file(
        "d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels:\n      app:\n  replicas: 4\n  template:\n    metadata:\n      labels:\n        app:\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
    );
    assert_eq!(run(&mut s, "kubectl apply -f d.yaml").2, 0);
    run(&mut s, "sleep 10");
    let (out, _, _) = run(&mut s, "kubectl get pods --no-headers | wc -l");
    assert_eq!(out.trim(), "4");
    let (out, _, _) =
        run(&mut s, "kubectl get deploy d -o jsonpath='{.spec.selector.matchLabels.app}|{.status.readyReplicas}'");
    assert_eq!(out, "|4");
}
