//! kubectl's words: messages and errors whose text the reference gives (§5.5, §5.6), and the
//! manifest diagnostics of issue 2 (strict fields, YAML errors, missing kind, unknown kinds,
//! selectors), each reported for its document while the others still apply.

mod common;
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
fn strict_field_validation_rejects_a_misspelled_field_with_the_servers_text() {
    let mut s = session();
    let web =
        include_str!("../lessons/files/examples/application/web/web.yaml").replace("  replicas: 2", "  replica: 2");
    s.write_file("web.yaml", &web);
    let (out, err, code) = run(&mut s, "kubectl apply -f web.yaml");
    assert_eq!(code, 1);
    assert_eq!(out, "service/nginx created\n", "the other document still applies");
    let mut lines = err.lines();
    assert_eq!(lines.next(), Some("Error from server (BadRequest): error when creating \"web.yaml\": StatefulSet in version \"v1\" cannot be handled as a StatefulSet: strict decoding error: unknown field \"spec.replica\""));
    assert_eq!(lines.next(), Some("hint: web.yaml:21:3: unknown field \"replica\"; did you mean \"replicas\"?"));
}

#[test]
fn manifest_errors_name_the_file_and_line_and_spare_the_other_documents() {
    let mut s = session();
    s.write_file(
        "mixed.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n---\nmetadata:\n  name: nokind\n---\napiVersion: v1\nkind: Gadget\nmetadata:\n  name: g\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels:\n      app: a\n  template:\n    metadata:\n      labels:\n        app: b\n    spec:\n      containers:\n      - name: c\n        image: nginx\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: second\n",
    );
    let (out, err, code) = run(&mut s, "kubectl apply -f mixed.yaml");
    assert_eq!(code, 1);
    assert_eq!(out, "configmap/good created\nconfigmap/second created\n");
    assert!(err.contains("error: error validating \"mixed.yaml\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false\nhint: mixed.yaml:6:1:"), "{err}");
    assert!(err.contains("error: resource mapping not found for name: \"g\" namespace: \"\" from \"mixed.yaml\": no matches for kind \"Gadget\" in version \"v1\"\nensure CRDs are installed first"), "{err}");
    assert!(err.contains("The Deployment \"d\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"b\"}: `selector` does not match template `labels`\nhint: mixed.yaml:24:7:"), "{err}");
}

#[test]
fn a_yaml_syntax_error_stops_the_file_there() {
    let mut s = session();
    s.write_file("broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: before\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n   x: y\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after\n");
    let (out, err, code) = run(&mut s, "kubectl apply -f broken.yaml");
    assert_eq!(code, 1);
    assert_eq!(out, "configmap/before created\n");
    assert!(
        err.starts_with("error: error parsing broken.yaml: error converting YAML to JSON: yaml: line 10:"),
        "{err}"
    );
}

#[test]
fn api_errors_print_as_kubectl_prints_them() {
    let mut s = session();
    run(&mut s, "kubectl apply -f web.yaml");
    assert_eq!(run(&mut s, "kubectl get pod web-9").1, "Error from server (NotFound): pods \"web-9\" not found\n");
    assert_eq!(
        run(&mut s, "kubectl get sts nope").1,
        "Error from server (NotFound): statefulsets.apps \"nope\" not found\n"
    );
    assert_eq!(run(&mut s, "kubectl get foo").1, "error: the server doesn't have a resource type \"foo\"\n");
    assert_eq!(run(&mut s, "kubectl create -f web.yaml").1, "Error from server (AlreadyExists): error when creating \"web.yaml\": services \"nginx\" already exists\nError from server (AlreadyExists): error when creating \"web.yaml\": statefulsets.apps \"web\" already exists\n");
    assert_eq!(
        run(&mut s, "kubectl get pods --bogus").1,
        "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n"
    );
    assert!(run(&mut s, "kubectl gett pods")
        .1
        .starts_with("error: unknown command \"gett\" for \"kubectl\"\n\nDid you mean this?\n\tget\n"));
    assert_eq!(run(&mut s, "kubectl get pods -n nowhere").1, "No resources found in nowhere namespace.\n");
    assert_eq!(run(&mut s, "kubectl delete pod -l app=nothing").0, "No resources found\n");
    // Tutorial step 26: OnDelete without dropping rollingUpdate is invalid on a real cluster.
    let (_, err, code) =
        run(&mut s, "kubectl patch statefulset web -p '{\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\"}}}'");
    assert_eq!(code, 1);
    assert_eq!(err, "The StatefulSet \"web\" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:0, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'\n");
    assert_eq!(run(&mut s, "kubectl patch statefulset web -p '{\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\",\"rollingUpdate\":null}}}'").0, "statefulset.apps/web patched\n");
    assert_eq!(run(&mut s, "kubectl patch statefulset web -p '{\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\",\"rollingUpdate\":null}}}'").0, "statefulset.apps/web patched (no change)\n");
}

#[test]
fn success_messages_follow_the_name_printer() {
    let mut s = session();
    assert_eq!(run(&mut s, "kubectl apply -f web.yaml").0, "service/nginx created\nstatefulset.apps/web created\n");
    assert_eq!(run(&mut s, "kubectl apply -f web.yaml").0, "service/nginx unchanged\nstatefulset.apps/web unchanged\n");
    assert_eq!(run(&mut s, "kubectl scale sts web --replicas=3").0, "statefulset.apps/web scaled\n");
    let web = include_str!("../lessons/files/examples/application/web/web.yaml").replace("replicas: 2", "replicas: 4");
    s.write_file("web4.yaml", &web);
    assert_eq!(
        run(&mut s, "kubectl apply -f web4.yaml").0,
        "service/nginx unchanged\nstatefulset.apps/web configured\n"
    );
    assert_eq!(run(&mut s, "kubectl label sts web tier=db").0, "statefulset.apps/web labeled\n");
    assert_eq!(run(&mut s, "kubectl label sts web tier-").0, "statefulset.apps/web unlabeled\n");
    assert_eq!(run(&mut s, "kubectl annotate sts web note=x").0, "statefulset.apps/web annotated\n");
    assert_eq!(run(&mut s, "kubectl get sts web -o name").0, "statefulset.apps/web\n");
    assert_eq!(run(&mut s, "kubectl delete sts web").0, "statefulset.apps \"web\" deleted\n");
}

#[test]
fn tables_and_other_outputs() {
    let mut s = session();
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    let (out, _, _) = run(&mut s, "kubectl get svc nginx");
    // Reference §7 item 3.
    assert!(out.starts_with("NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nnginx   ClusterIP   None         <none>        80/TCP    "), "{out}");
    let (out, _, _) = run(&mut s, "kubectl get sc");
    assert!(out.starts_with("NAME                   PROVISIONER             RECLAIMPOLICY   VOLUMEBINDINGMODE      ALLOWVOLUMEEXPANSION   AGE\nlocal-path (default)   rancher.io/local-path   Delete          WaitForFirstConsumer   false                  "), "{out}");
    let (out, _, _) = run(&mut s, "kubectl get nodes");
    assert!(out.contains("k8s-m    Ready    control-plane") && out.contains("k8s-w1   Ready    <none>"), "{out}");
    let (json, _, _) = run(&mut s, "kubectl get pod web-0 -o json");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"], "web-0");
    assert!(json.starts_with("{\n    \"apiVersion\": \"v1\",\n"), "four-space indent: {json}");
    let (yaml, _, _) = run(&mut s, "kubectl get pods -o yaml");
    assert!(yaml.starts_with("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n"), "{yaml}");
    assert!(yaml.ends_with("kind: List\nmetadata:\n  resourceVersion: \"\"\n"), "{yaml}");
    let (help, _, code) = run(&mut s, "kubectl get --help");
    assert_eq!(code, 0);
    assert!(help.starts_with("Display one or many resources."));
}

#[test]
fn patch_types_and_all_namespaces() {
    let mut s = session();
    run(&mut s, "kubectl apply -f web.yaml");
    // Reference §7 item 19: the json patch of the tutorial.
    let (out, _, code) = run(&mut s, "kubectl patch statefulset web --type='json' -p='[{\"op\": \"replace\", \"path\": \"/spec/template/spec/containers/0/image\", \"value\":\"registry.k8s.io/nginx-slim:0.24\"}]'");
    assert_eq!((out.as_str(), code), ("statefulset.apps/web patched\n", 0));
    assert!(run(&mut s, "kubectl get sts web -o wide").0.contains("registry.k8s.io/nginx-slim:0.24"));
    let (out, _, _) = run(&mut s, "kubectl patch sts web --type=merge -p '{\"spec\":{\"replicas\":1}}'");
    assert_eq!(out, "statefulset.apps/web patched\n");
    assert_eq!(s.sim.get(kubelab::sim::Kind::StatefulSet, "default", "web").unwrap()["spec"]["replicas"], 1);
    let (_, err, code) =
        run(&mut s, "kubectl patch sts web --type=json -p '[{\"op\":\"remove\",\"path\":\"/spec/nothing\"}]'");
    assert_eq!(
        (err.as_str(), code),
        ("The request is invalid: the server rejected our request due to an error in our request\n", 1)
    );
    let (out, _, _) = run(&mut s, "kubectl get svc -A");
    assert!(
        out.starts_with(
            "NAMESPACE     NAME         TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)                  AGE\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("kube-system   kube-dns     ClusterIP   10.200.1.10   <none>        53/UDP,53/TCP,9153/TCP"),
        "{out}"
    );
}

#[test]
fn templates_for_the_tutorials_image_checks() {
    let mut s = session();
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    // Reference §7 item 20.
    let (out, _, _) = run(&mut s, "for p in 0 1; do kubectl get pod \"web-$p\" --template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'; echo; done");
    assert_eq!(out, "k8s.gcr.io/nginx-slim:0.8\nk8s.gcr.io/nginx-slim:0.8\n");
    let (out, _, _) = run(&mut s, "kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{\"\\n\"}{end}'");
    assert_eq!(out, "web-0\nweb-1\n");
    let (out, _, _) = run(&mut s, "kubectl get pod web-0 -o jsonpath={.spec.hostname}");
    assert_eq!(out, "web-0");
}

#[test]
fn rollout_status_history_undo_and_restart() {
    let mut s = session();
    run(&mut s, "kubectl apply -f web.yaml -f deploy.yaml");
    // Reference §2.1: a defaulted RollingUpdate set ends with the partitioned message.
    let (out, _, code) = run(&mut s, "kubectl rollout status sts/web");
    assert_eq!(code, 0);
    assert!(out.ends_with("partitioned roll out complete: 2 new pods have been updated...\n"), "{out}");
    assert!(out.starts_with("Waiting for 2 pods to be ready...\n"), "{out}");
    run(&mut s, "kubectl patch deploy deploy -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.23\"}]}}}}'");
    let (out, _, _) = run(&mut s, "kubectl rollout status deploy/deploy");
    assert!(
        out.ends_with("deployment \"deploy\" successfully rolled out\n")
            && out.contains("Waiting for deployment \"deploy\" rollout to finish: "),
        "{out}"
    );
    assert_eq!(
        run(&mut s, "kubectl rollout history deploy/deploy").0,
        "deployment.apps/deploy \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    );
    assert_eq!(run(&mut s, "kubectl rollout undo deploy/deploy").0, "deployment.apps/deploy rolled back\n");
    run(&mut s, "kubectl rollout status deploy/deploy");
    assert_eq!(
        run(&mut s, "kubectl rollout history deploy/deploy").0,
        "deployment.apps/deploy \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n",
        "the rolled-back revision is renumbered"
    );
    assert_eq!(run(&mut s, "kubectl rollout restart sts web").0, "statefulset.apps/web restarted\n");
    run(&mut s, "kubectl patch statefulset web -p '{\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\",\"rollingUpdate\":null}}}'");
    assert_eq!(
        run(&mut s, "kubectl rollout status sts/web"),
        (String::new(), "error: rollout status is only available for RollingUpdate strategy type\n".into(), 1)
    );
}

#[test]
fn yaml_is_read_as_kubectl_reads_it() {
    let mut s = session();
    // go-yaml's words, and its line: for a parser error that is the line before the problem.
    s.write_file("indent.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n namespace: default\n");
    let (_, err, code) = run(&mut s, "kubectl apply -f indent.yaml");
    assert_eq!((err.as_str(), code), ("error: error parsing indent.yaml: error converting YAML to JSON: yaml: line 4: did not find expected key\n", 1));
    s.write_file("tab.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: a\n");
    let (_, err, _) = run(&mut s, "kubectl apply -f tab.yaml");
    assert_eq!(err, "error: error parsing tab.yaml: error converting YAML to JSON: yaml: line 4: found character that cannot start any token\n");
    let (_, err, code) = run(&mut s, "kubectl patch sts web -p 'a: b: c'");
    assert_eq!(
        (err.as_str(), code),
        ("error: unable to parse \"a: b: c\": yaml: mapping values are not allowed in this context\n", 1)
    );
    // YAML 1.1 scalars: `yes` is a boolean, `0644` octal.
    s.write_file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\n  labels: {quoted: \"yes\"}\ndata:\n  enabled: yes\n");
    let (_, err, _) = run(&mut s, "kubectl apply -f cm.yaml");
    assert!(err.starts_with("Error from server (BadRequest): error when creating \"cm.yaml\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field ConfigMap.data of type string\n"), "{err}");
    s.write_file("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n  volumes:\n  - name: v\n    configMap:\n      name: flags\n      defaultMode: 0644\n");
    assert_eq!(run(&mut s, "kubectl apply -f pod.yaml").0, "pod/p created\n");
    assert_eq!(run(&mut s, "kubectl get pod p -o jsonpath={.spec.volumes[0].configMap.defaultMode}").0, "420");
}

#[test]
fn rollout_status_prints_a_line_for_every_change_even_a_repeated_one() {
    let mut s = session();
    run(&mut s, "kubectl apply -f deploy.yaml");
    run(&mut s, "kubectl rollout status deploy/deploy");
    run(&mut s, "kubectl patch deploy deploy -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.23\"}]}}}}'");
    let (out, _, code) = run(&mut s, "kubectl rollout status deploy/deploy");
    assert_eq!(code, 0);
    // kubectl prints the status on every ADDED or MODIFIED event of the Deployment, without
    // comparing it with the line before (rollout.go): a status write that changes a field the
    // message does not show (readyReplicas, availableReplicas) repeats the line.
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.windows(2).any(|w| w[0] == w[1]), "{out}");
    // The phases come in the order of the deployment status viewer.
    let phase = |l: &str| {
        [
            "new replicas have been updated",
            "old replicas are pending termination",
            "updated replicas are available",
            "successfully rolled out",
        ]
        .iter()
        .position(|p| l.contains(p))
        .unwrap()
    };
    assert!(lines.windows(2).all(|w| phase(w[0]) <= phase(w[1])), "{out}");
    assert_eq!(lines.last(), Some(&"deployment \"deploy\" successfully rolled out"));
}

#[test]
fn json_is_written_html_safe_as_gos_encoder_writes_it() {
    // Go's encoding/json escapes <, > and & (and U+2028, U+2029) as \u003c, \u003e, \u0026 by
    // default; kubectl writes -o json with json.Marshal and the last-applied annotation with
    // json.Encoder, so both carry the escapes.
    let mut s = session();
    s.write_file(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: page\ndata:\n  index.html: \"<h1>Tom & Jerry</h1>\"\n",
    );
    assert_eq!(run(&mut s, "kubectl apply -f cm.yaml").0, "configmap/page created\n");
    let (json, _, _) = run(&mut s, "kubectl get cm page -o json");
    assert!(json.contains(r#""index.html": "\u003ch1\u003eTom \u0026 Jerry\u003c/h1\u003e""#), "{json}");
    let (yaml, _, _) = run(&mut s, "kubectl get cm page -o yaml");
    assert!(
        yaml.contains(r#"{"apiVersion":"v1","data":{"index.html":"\u003ch1\u003eTom \u0026 Jerry\u003c/h1\u003e"}"#),
        "{yaml}"
    );
    assert!(yaml.contains("index.html: <h1>Tom & Jerry</h1>\n"), "the data itself is unescaped: {yaml}");
    // The escaped annotation reads back as the same configuration: nothing to change.
    assert_eq!(run(&mut s, "kubectl apply -f cm.yaml").0, "configmap/page unchanged\n");
}

#[test]
fn a_directory_given_to_f_stands_for_its_manifests() {
    // kubectl's file visitor: the .json, .yaml and .yml files in the directory, in name order;
    // below it only with -R.
    let mut s = session();
    s.write_file("web.yaml", include_str!("../lessons/files/examples/application/web/web.yaml"));
    run(&mut s, "mkdir -p lab/more && cd lab && echo 'not yaml' > notes.txt");
    s.write_file("/root/lab/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n");
    s.write_file("/root/lab/a.yml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
    s.write_file("/root/lab/more/c.json", r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}"#);
    assert_eq!(
        run(&mut s, "kubectl apply -f ."),
        ("configmap/a created\nconfigmap/b created\n".into(), String::new(), 0)
    );
    assert_eq!(
        run(&mut s, "kubectl apply -f /root/lab -R").0,
        "configmap/a unchanged\nconfigmap/b unchanged\nconfigmap/c created\n"
    );
    assert_eq!(
        run(&mut s, "kubectl delete -f ../lab/ -R").0,
        "configmap \"a\" deleted\nconfigmap \"b\" deleted\nconfigmap \"c\" deleted\n"
    );
    // Sources are named as filepath.Join names them, in kubectl's errors too.
    s.write_file("/root/lab/bad.yaml", "kind: ConfigMap\n");
    assert!(
        run(&mut s, "kubectl apply -f .").1.contains("error validating \"bad.yaml\""),
        "{:?}",
        run(&mut s, "kubectl apply -f .")
    );
    assert!(run(&mut s, "kubectl apply -f ./").1.contains("error validating \"bad.yaml\""));
    assert!(run(&mut s, "cd .. && kubectl apply -f ./lab/").1.contains("error validating \"lab/bad.yaml\""));
}

/// Names carry their kind (`pod/web-0`) only when several types are asked for, or `all`
/// (`MultipleTypesRequested`, `--show-kind`): `TYPE/NAME` of one type prints plain names.
#[test]
fn kinds_prefix_names_only_when_several_types_are_asked_for() {
    let mut s = session();
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    let names = |s: &mut Session, line: &str| -> Vec<String> {
        run(s, line)
            .0
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty() && !l.starts_with("NAME"))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&mut s, "kubectl get pod/web-0"), ["web-0"]);
    assert_eq!(names(&mut s, "kubectl get pod/web-0 pod/web-1"), ["web-0", "web-1"]);
    assert_eq!(names(&mut s, "kubectl get pod/web-0 --show-kind"), ["pod/web-0"]);
    assert_eq!(names(&mut s, "kubectl get pod/web-0 svc/nginx"), ["pod/web-0", "service/nginx"]);
    assert_eq!(
        names(&mut s, "kubectl get sts,pvc"),
        ["statefulset.apps/web", "persistentvolumeclaim/www-web-0", "persistentvolumeclaim/www-web-1"]
    );
}

/// Files with no object (empty, comments, bare `---`): apply.go's and create.go's error.
#[test]
fn files_without_objects_are_refused() {
    let mut s = session();
    s.write_file("empty.yaml", "");
    s.write_file("c.yaml", "# only a comment\n---\n");
    assert_eq!(
        run(&mut s, "kubectl apply -f empty.yaml"),
        (String::new(), "error: no objects passed to apply\n".to_string(), 1)
    );
    assert_eq!(
        run(&mut s, "kubectl create -f c.yaml"),
        (String::new(), "error: no objects passed to create\n".to_string(), 1)
    );
}

/// `--cascade=false` still orphans, with `GetCascadingStrategy`'s deprecation warning.
#[test]
fn a_boolean_cascade_warns_and_still_works() {
    let mut s = session();
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    let (out, err, code) = run(&mut s, "kubectl delete sts web --cascade=false");
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "statefulset.apps \"web\" deleted\n",
            "warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n",
            0
        )
    );
    s.sim.run_until_idle(600_000);
    assert!(s.sim.get(kubelab::sim::Kind::Pod, "default", "web-0").is_some(), "orphaned, not deleted");
    let (_, err, code) = run(&mut s, "kubectl delete pod web-0 --cascade=maybe");
    assert_eq!(
        (err.as_str(), code),
        ("error: invalid cascade value (maybe). Must be \"background\", \"foreground\", or \"orphan\"\n", 1)
    );
}

/// `kubectl run --dry-run=client -o yaml`, the usual way to start a manifest: the Pod as
/// `kubectl run` builds it (a typed object: a null creationTimestamp, `resources: {}`,
/// `status: {}`), nothing created; and the manifest applies.
#[test]
fn run_dry_run_client_prints_the_pod_it_would_create() {
    let mut s = session();
    let (out, err, code) = run(&mut s, "kubectl run nginx --image=nginx --dry-run=client -o yaml");
    assert_eq!((err.as_str(), code), ("", 0));
    assert_eq!(
        out,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n  labels:\n    run: nginx\n  name: nginx\nspec:\n  containers:\n  - image: nginx\n    name: nginx\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Always\nstatus: {}\n"
    );
    assert_eq!(run(&mut s, "kubectl get pods").1, "No resources found in default namespace.\n");
    assert_eq!(run(&mut s, "kubectl run nginx --image=nginx --dry-run=client").0, "pod/nginx created (dry run)\n");
    assert_eq!(run(&mut s, "kubectl run nginx --image=nginx --port=80 --dry-run=server -o name").0, "pod/nginx\n");
    run(&mut s, "kubectl run nginx --image=nginx --port=80 --env=A=B --dry-run=client -o yaml > pod.yaml");
    assert_eq!(run(&mut s, "kubectl apply -f pod.yaml").0, "pod/nginx created\n");
    let pod = s.sim.get(kubelab::sim::Kind::Pod, "default", "nginx").unwrap();
    assert_eq!(kubelab::sim::obj::str_at(pod, "/spec/containers/0/env/0/value"), Some("B"));
    assert_eq!(kubelab::sim::obj::i64_at(pod, "/spec/containers/0/ports/0/containerPort"), Some(80));
    assert_eq!(
        run(&mut s, "kubectl run x --image=nginx --dry-run=maybe").1,
        "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n"
    );
    assert_eq!(
        run(&mut s, "kubectl run x --image=nginx --dry-run=client -it").1,
        "error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\n"
    );
}

/// apply, create and delete with `--dry-run`: the printers' `(dry run)` and `(server dry run)`,
/// and nothing stored or removed.
#[test]
fn dry_runs_change_nothing_and_say_so() {
    let mut s = session();
    assert_eq!(
        run(&mut s, "kubectl apply -f web.yaml --dry-run=client").0,
        "service/nginx created (dry run)\nstatefulset.apps/web created (dry run)\n"
    );
    assert_eq!(
        run(&mut s, "kubectl apply -f web.yaml --dry-run=server").0,
        "service/nginx created (server dry run)\nstatefulset.apps/web created (server dry run)\n"
    );
    assert_eq!(run(&mut s, "kubectl get sts").1, "No resources found in default namespace.\n");
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    assert_eq!(
        run(&mut s, "kubectl apply -f web.yaml --dry-run=server").0,
        "service/nginx unchanged (server dry run)\nstatefulset.apps/web unchanged (server dry run)\n"
    );
    assert_eq!(
        run(&mut s, "kubectl apply -f web.yaml --dry-run=client").0,
        "service/nginx configured (dry run)\nstatefulset.apps/web configured (dry run)\n"
    );
    assert_eq!(run(&mut s, "kubectl delete pod web-0 --dry-run=client").0, "pod \"web-0\" deleted (dry run)\n");
    assert_eq!(
        run(&mut s, "kubectl delete pod web-9 --dry-run=server").1,
        "Error from server (NotFound): pods \"web-9\" not found\n"
    );
    s.sim.run_until_idle(600_000);
    assert!(!kubelab::sim::obj::is_deleting(s.sim.get(kubelab::sim::Kind::Pod, "default", "web-0").unwrap()));
    // apply -o yaml prints the objects at the end, several as a List.
    assert_eq!(run(&mut s, "kubectl apply -f web.yaml -o jsonpath={.kind}").0, "List");
}

/// `get --sort-by`, `--field-selector`, `-L` and `-o custom-columns`, as the cheat sheet uses
/// them; an unknown field is the API server's BadRequest.
#[test]
fn get_sorts_selects_by_field_and_prints_custom_columns() {
    let mut s = session();
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    let names = |out: &str| -> Vec<String> {
        out.lines().skip(1).map(|l| l.split_whitespace().next().unwrap().to_string()).collect()
    };
    run(&mut s, "kubectl create configmap a --from-literal=k=z");
    run(&mut s, "kubectl create configmap b --from-literal=k=y");
    // Sorted by the field's value, objects without it first: not the name order.
    assert_eq!(names(&run(&mut s, "kubectl get cm --sort-by=.data.k").0), ["kube-root-ca.crt", "b", "a"]);
    assert_eq!(
        names(&run(&mut s, "kubectl get pods --field-selector=status.phase=Running,metadata.name!=web-0").0),
        ["web-1"]
    );
    assert_eq!(
        run(&mut s, "kubectl get pods --field-selector=foo=bar").1,
        "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"foo=bar\": field label not supported: foo\n"
    );
    let out = run(&mut s, "kubectl get pods -L app,statefulset.kubernetes.io/pod-name").0;
    let header: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "APP", "POD-NAME"], "{out}");
    assert!(out.lines().nth(1).unwrap().ends_with("nginx   web-0"), "{out}");
    let ip =
        kubelab::sim::obj::str_at(s.sim.get(kubelab::sim::Kind::Pod, "default", "web-0").unwrap(), "/status/podIP")
            .unwrap()
            .to_string();
    let out =
        run(&mut s, "kubectl get pod web-0 -o custom-columns=NAME:.metadata.name,IP:.status.podIP,GONE:.spec.nothing")
            .0;
    assert_eq!(out, format!("NAME    IP{}GONE\nweb-0   {ip}   <none>\n", " ".repeat(ip.len() + 1)));
    assert_eq!(
        run(&mut s, "kubectl get pods --sort-by=.nothing").1,
        "error: couldn't find any field with path \"{.nothing}\" in the list of objects\n"
    );
    // Printers other than tables say nothing when nothing matches.
    assert_eq!(run(&mut s, "kubectl get pvc -l app=nope -o name"), (String::new(), String::new(), 0));
}

/// The generators: `create deployment` (the container named after the image), `expose` (a
/// Service selecting the workload's pods), `set image` (a rollout; nothing printed when nothing
/// changes); commands kubectl has and kubelab lacks say so; unknown ones get cobra's suggestion.
#[test]
fn create_deployment_expose_and_set_image() {
    let mut s = session();
    let (out, _, _) =
        run(&mut s, "kubectl create deployment web --image=nginx:1.25 --replicas=3 --port=80 --dry-run=client -o yaml");
    assert_eq!(
        out,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  strategy: {}\n  template:\n    metadata:\n      creationTimestamp: null\n      labels:\n        app: web\n    spec:\n      containers:\n      - image: nginx:1.25\n        name: nginx\n        ports:\n        - containerPort: 80\n        resources: {}\nstatus: {}\n"
    );
    assert_eq!(
        run(&mut s, "kubectl create deployment web --image=nginx:1.25 --replicas=3 --port=80").0,
        "deployment.apps/web created\n"
    );
    let (out, _, _) = run(&mut s, "kubectl expose deployment web --port=80 --dry-run=client -o yaml");
    assert_eq!(out, "apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: web\n  name: web\nspec:\n  ports:\n  - port: 80\n    protocol: TCP\n    targetPort: 80\n  selector:\n    app: web\nstatus:\n  loadBalancer: {}\n");
    assert_eq!(
        run(&mut s, "kubectl expose deploy/web").0,
        "service/web exposed\n",
        "the port comes from the pod template"
    );
    // canbeexposed.go: a StatefulSet or a ConfigMap is not a kind expose takes.
    s.write_file("web.yaml", include_str!("../lessons/files/examples/application/web/web.yaml"));
    run(&mut s, "kubectl apply -f web.yaml");
    assert_eq!(
        run(&mut s, "kubectl expose sts web --port=80 --name=web2"),
        (String::new(), "error: cannot expose a StatefulSet.apps\n".into(), 1)
    );
    run(&mut s, "kubectl create configmap c --from-literal=a=b");
    assert_eq!(run(&mut s, "kubectl expose cm c --port=80").1, "error: cannot expose a ConfigMap\n");
    s.sim.run_until_idle(600_000);
    let ep = s.sim.get(kubelab::sim::Kind::Endpoints, "default", "web").unwrap();
    assert_eq!(kubelab::sim::obj::arr_at(ep, "/subsets/0/addresses").len(), 3);
    assert_eq!(
        run(&mut s, "kubectl set image deployment/web nginx=nginx:1.26").0,
        "deployment.apps/web image updated\n"
    );
    assert_eq!(run(&mut s, "kubectl set image deployment/web nginx=nginx:1.26"), (String::new(), String::new(), 0));
    assert_eq!(
        run(&mut s, "kubectl set image deployment web foo=nginx:1.26").1,
        "error: unable to find container named \"foo\"\n"
    );
    s.sim.run_until_idle(600_000);
    let rs: Vec<_> = s
        .sim
        .store
        .list(kubelab::sim::Kind::ReplicaSet, Some("default"))
        .map(|(_, r)| kubelab::sim::obj::i64_at(r, "/spec/replicas").unwrap())
        .collect();
    assert_eq!(rs.len(), 2, "the new image rolled out as a second ReplicaSet");
    assert!(rs.contains(&0) && rs.contains(&3));
    assert_eq!(run(&mut s, "kubectl explain pods").1, "error: kubelab does not model `kubectl explain` yet\n");
    assert_eq!(
        run(&mut s, "kubectl gt pods").1,
        "error: unknown command \"gt\" for \"kubectl\"\n\nDid you mean this?\n\tget\n"
    );
}

/// A watch piped into a filter: the filter reads what the watch printed before it was ended
/// (Ctrl-C ends the whole pipeline, after grep has passed each line on).
#[test]
fn a_watch_piped_into_grep_shows_the_matching_lines() {
    let mut s = session();
    run(&mut s, "kubectl apply -f web.yaml");
    let (out, _, code) = run(&mut s, "kubectl get pods -w | grep Running");
    assert_eq!(code, 130);
    let names: Vec<&str> = out.lines().map(|l| l.split_whitespace().next().unwrap()).collect();
    assert_eq!(names, ["web-0", "web-1"], "{out}");
    assert!(out.lines().all(|l| l.contains("Running")));
}

/// A kind a real cluster serves but the lab does not model says so plainly, and the other
/// documents still apply; a kind no cluster serves gets kubectl's own "no matches".
#[test]
fn unmodelled_kinds_say_so() {
    let mut s = session();
    s.write_file("job.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n    spec:\n      containers:\n      - name: pi\n        image: perl\n      restartPolicy: Never\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n");
    let (out, err, code) = run(&mut s, "kubectl apply -f job.yaml");
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "configmap/cm created\n",
            "error: kubelab does not model Job (batch/v1) yet: \"pi\" from \"job.yaml\" was not applied\n",
            1
        )
    );
    s.write_file("old.yaml", "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: d\n");
    assert!(run(&mut s, "kubectl apply -f old.yaml")
        .1
        .contains("no matches for kind \"Deployment\" in version \"apps/v1beta1\"\nensure CRDs are installed first"));
}

/// apply reads the live object first (apply.go), so a manifest without a name fails there;
/// create sends it and the API server refuses it.
#[test]
fn a_nameless_manifest_fails_where_each_command_fails() {
    let mut s = session();
    s.write_file("noname.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    app: x\nspec:\n  containers:\n  - name: x\n    image: nginx\n");
    assert_eq!(
        run(&mut s, "kubectl apply -f noname.yaml").1,
        "error: error when retrieving current configuration of:\nResource: \"/v1, Resource=pods\", GroupVersionKind: \"/v1, Kind=Pod\"\nName: \"\", Namespace: \"default\"\nfrom server for: \"noname.yaml\": resource name may not be empty\n"
    );
    assert!(run(&mut s, "kubectl create -f noname.yaml")
        .1
        .starts_with("The Pod \"\" is invalid: metadata.name: Required value: name or generateName is required\n"));
    assert_eq!(
        run(&mut s, "kubectl version --short").0,
        "Client Version: v1.26.5\nKustomize Version: v4.5.7\nServer Version: v1.26.5\n"
    );
}

/// describeConfigMap and describeSecret: the data under each key; a Secret's values only as a
/// byte count, and no events.
#[test]
fn describe_shows_config_map_data_and_secret_sizes() {
    let mut s = session();
    run(&mut s, "kubectl create configmap cfg --from-literal=mode=dev --from-literal=level=3");
    run(&mut s, "kubectl create secret generic db --from-literal=password=s3cret --from-literal=user=root");
    assert_eq!(
        run(&mut s, "kubectl describe cm cfg").0,
        "Name:         cfg\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\nlevel:\n----\n3\nmode:\n----\ndev\n\nBinaryData\n====\n\nEvents:  <none>\n"
    );
    assert_eq!(
        run(&mut s, "kubectl describe secret db").0,
        "Name:         db\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\npassword:  6 bytes\nuser:      4 bytes\n"
    );
}

/// rollback.go's errors, and custom columns without their header.
#[test]
fn rollout_undo_errors_and_headerless_custom_columns() {
    let mut s = session();
    run(&mut s, "kubectl apply -f web.yaml");
    run(&mut s, "kubectl create deployment d --image=nginx");
    s.sim.run_until_idle(600_000);
    assert_eq!(run(&mut s, "kubectl rollout undo sts/web").1, "error: no last revision to roll back to\n");
    assert_eq!(
        run(&mut s, "kubectl rollout undo deploy/d").1,
        "error: no rollout history found for deployment \"d\"\n"
    );
    assert_eq!(
        run(&mut s, "kubectl rollout undo deploy/d --to-revision=5").1,
        "error: unable to find specified revision 5 in history\n"
    );
    assert_eq!(run(&mut s, "kubectl get sts web -o custom-columns=NAME:.metadata.name --no-headers").0, "web\n");
}

/// `get events -o wide`: SUBOBJECT is the container the kubelet's event is about, SOURCE the
/// component and its host (`formatEventSource`); describe's From stays the component alone.
#[test]
fn wide_events_name_the_container_and_the_node() {
    let mut s = session();
    run(&mut s, "kubectl run p --image=nginx");
    s.sim.run_until_idle(60_000);
    let node = kubelab::sim::obj::str_at(s.sim.get(kubelab::sim::Kind::Pod, "default", "p").unwrap(), "/spec/nodeName")
        .unwrap()
        .to_string();
    let out = run(&mut s, "kubectl get events -o wide").0;
    let started = out.lines().find(|l| l.contains("Started container p")).unwrap();
    assert!(started.contains(&format!("spec.containers{{p}}   kubelet, {node}")), "{out}");
    let scheduled = out.lines().find(|l| l.contains("Scheduled")).unwrap();
    assert!(scheduled.contains("default-scheduler"), "{scheduled}");
    let described = run(&mut s, "kubectl describe pod p").0;
    assert!(
        described.lines().any(|l| l.contains("Started") && l.contains(" kubelet ") && !l.contains(&node)),
        "{described}"
    );
}

/// describeNode: roles, kubeadm's annotations, the kubelet's conditions, capacity, system info,
/// the node's pods with their requests (a 250m request on a 2-CPU node is 12%) and the totals.
#[test]
fn describe_node_shows_conditions_capacity_and_its_pods() {
    let mut s = session();
    s.write_file("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  nodeName: k8s-w2\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: 250m\n        memory: 64Mi\n");
    run(&mut s, "kubectl apply -f p.yaml");
    s.sim.run_until_idle(60_000);
    let out = run(&mut s, "kubectl describe node k8s-m").0;
    // kubeadm's control plane: its static pods, kube-proxy and CoreDNS, with their requests
    // (850m of CPU: 42% of 2).
    for line in [
        "Roles:              control-plane\n",
        "Taints:             node-role.kubernetes.io/control-plane:NoSchedule\n",
        "kubelet is posting ready status. AppArmor enabled\n",
        "  InternalIP:  192.168.10.10\n",
        "Non-terminated Pods:          (7 in total)\n",
        "  cpu                850m (42%)  0 (0%)\n",
        "  memory             240Mi (6%)  340Mi (8%)\n",
    ] {
        assert!(out.contains(line), "{line:?} in\n{out}");
    }
    assert!(
        out.lines().any(|l| l.starts_with("  kube-system")
            && l.contains(" etcd-k8s-m ")
            && l.contains("100m (5%)")
            && l.contains("100Mi (2%)")),
        "{out}"
    );
    assert!(out.lines().any(|l| l.starts_with("  Ready ") && l.split_whitespace().nth(1) == Some("True")), "{out}");
    let out = run(&mut s, "kubectl describe node k8s-w2").0;
    assert!(out.contains("Roles:              <none>\n"), "{out}");
    assert!(
        out.lines().any(|l| l.starts_with("  default")
            && l.contains(" p ")
            && l.contains("250m (12%)")
            && l.contains("64Mi (1%)")),
        "{out}"
    );
    assert!(out.contains("  cpu                250m (12%)  0 (0%)\n"), "{out}");
    assert!(out.ends_with("Events:              <none>\n"), "{out}");
}

/// `kubectl set env` (set_env.go): `env updated`; new variables last, existing ones replaced
/// in place, `KEY-` removes, nothing printed when nothing changes; `--from` a Secret adds a
/// reference per key (named by keyToEnvName, after `--prefix`); `--list` in its own words;
/// IsEnvVarName's error for a bad name.
#[test]
fn set_env_updates_lists_and_refuses_bad_names() {
    let mut s = session();
    run(&mut s, "kubectl create deployment web --image=nginx");
    run(&mut s, "kubectl create secret generic db --from-literal=db-password=x");
    assert_eq!(
        run(&mut s, "kubectl set env deploy/web A=1 B=2"),
        ("deployment.apps/web env updated\n".into(), String::new(), 0)
    );
    assert_eq!(run(&mut s, "kubectl set env deploy/web C=0 A=3 B-").0, "deployment.apps/web env updated\n");
    assert_eq!(run(&mut s, "kubectl set env deploy/web A=3"), (String::new(), String::new(), 0));
    assert_eq!(
        run(&mut s, "kubectl set env deploy/web --from=secret/db --prefix=DB_").0,
        "deployment.apps/web env updated\n"
    );
    assert_eq!(
        run(&mut s, "kubectl set env deploy/web --list").0,
        "# Deployment web, container nginx\nA=3\nC=0\n# DB_DB_PASSWORD from secret db, key db-password\n"
    );
    let (_, err, code) = run(&mut s, "kubectl set env deploy/web 1A=x");
    assert_eq!(code, 1);
    assert!(err.starts_with("error: \"1A\" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit"), "{err}");
    // The template changed three times: the Deployment rolled out a new ReplicaSet each time.
    assert_eq!(run(&mut s, "kubectl get rs --no-headers").0.lines().count(), 4);
}

/// kubectl's global flags are persistent: `-n` may come before the command and its
/// subcommand (`kubectl -n db rollout status ...`), and never becomes part of an exec'd command.
#[test]
fn global_flags_before_subcommands() {
    let mut s = session();
    run(&mut s, "kubectl create ns db");
    run(&mut s, "kubectl -n db create deployment web --image=nginx");
    assert_eq!(
        run(&mut s, "kubectl -n db set image deploy/web nginx=nginx:1.25").0,
        "deployment.apps/web image updated\n"
    );
    assert!(run(&mut s, "kubectl -n db rollout status deployment/web")
        .0
        .ends_with("deployment \"web\" successfully rolled out\n"));
    assert_eq!(run(&mut s, "kubectl -n db exec deploy/web -- echo -n x").0, "x");
    assert_eq!(run(&mut s, "kubectl -n db config current-context").0, "kubernetes-admin@kubernetes\n");
}

/// describeEndpoints: each subset's ready and not-ready addresses, and its ports with
/// `<unset>` for a nameless one.
#[test]
fn describe_endpoints_lists_subsets() {
    let mut s = session();
    s.write_file("web.yaml", include_str!("../lessons/files/examples/application/web/web.yaml"));
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    let out = run(&mut s, "kubectl describe ep nginx").0;
    let ips: Vec<String> = ["web-0", "web-1"]
        .iter()
        .map(|p| {
            kubelab::sim::obj::str_at(s.sim.get(kubelab::sim::Kind::Pod, "default", p).unwrap(), "/status/podIP")
                .unwrap()
                .to_string()
        })
        .collect();
    let mut sorted = ips.clone();
    sorted.sort();
    assert!(out.contains(&format!("Subsets:\n  Addresses:          {}\n  NotReadyAddresses:  <none>\n  Ports:\n    Name  Port  Protocol\n    ----  ----  --------\n    web   80    TCP\n\n", sorted.join(","))), "{out}");
}

/// describeService's Endpoints: three addresses at most, then how many more.
#[test]
fn describe_service_lists_three_endpoints_and_how_many_more() {
    let mut s = session();
    run(&mut s, "kubectl create deployment d --image=nginx --replicas=5");
    run(&mut s, "kubectl expose deploy d --port=80");
    s.sim.run_until_idle(300_000);
    let out = run(&mut s, "kubectl describe svc d").0;
    let line = out.lines().find(|l| l.starts_with("Endpoints:")).unwrap();
    assert!(line.ends_with(" + 2 more..."), "{line}");
    assert_eq!(line.matches(":80").count(), 3, "{line}");
}

/// kubernetes.io's Service page: a ClusterIP Service patched to `type: NodePort` gets a node
/// port for each port from the default range 30000-32767, as on create (pkg/registry/core/
/// service's allocator: `txnUpdateNodePorts` → `updateNodePorts` allocates a port for each one
/// that has none), and `get svc` shows it as `80:<nodePort>/TCP`; the patch keeps it.
#[test]
fn a_service_patched_to_nodeport_gets_a_node_port() {
    let mut s = session();
    run(&mut s, "kubectl create deployment web --image=nginx");
    assert_eq!(run(&mut s, "kubectl expose deployment web --port=80").0, "service/web exposed\n");
    let patch = r#"kubectl patch svc web -p '{"spec":{"type":"NodePort"}}'"#;
    assert_eq!(run(&mut s, patch).0, "service/web patched\n");
    let port: u32 = run(&mut s, "kubectl get svc web -o jsonpath={.spec.ports[0].nodePort}").0.parse().unwrap();
    assert!((30000..=32767).contains(&port), "{port}");
    let row = run(&mut s, "kubectl get svc web --no-headers").0;
    assert!(row.contains(" NodePort ") && row.contains(&format!("80:{port}/TCP")), "{row}");
    // The node port stays when the Service is patched again.
    run(&mut s, "kubectl label svc web tier=front");
    assert_eq!(run(&mut s, "kubectl get svc web -o jsonpath={.spec.ports[0].nodePort}").0, port.to_string());
}

/// `kubectl create service …` is not modelled: it says so, rather than reading the generator's
/// flags as unknown flags of `create -f` (`error: unknown flag: --tcp`), and makes nothing.
#[test]
fn create_service_says_plainly_that_it_is_not_modelled() {
    let mut s = session();
    for line in
        ["kubectl create service clusterip my-cs --tcp=5678:8080", "kubectl create svc clusterip h --clusterip=None"]
    {
        let (out, err, code) = run(&mut s, line);
        assert_eq!((out.as_str(), code), ("", 1), "{line}");
        assert!(err.contains("does not model `kubectl create service`") && !err.contains("unknown flag"), "{err}");
    }
    let (out, _, _) = run(&mut s, "kubectl get svc -o name");
    assert_eq!(out, "service/kubernetes\n");
}
