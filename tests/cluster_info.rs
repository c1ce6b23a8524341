//! kubectl's commands about the cluster: `version`, `cluster-info`, `config` and
//! `api-resources`. Expected outputs are real v1.26.5 clusters' (kubectl version pasted from a
//! kubespray 2.22.1 cluster; kubeadm's admin.conf names) and upstream kubectl's printers
//! (version.go, clusterinfo.go with go-colortext's sequences, get_contexts.go,
//! apiresources.go).

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
fn version_of_a_1_26_cluster_prints_both_builds_after_the_deprecation_warning() {
    let mut s = session();
    let (out, err, code) = run(&mut s, "kubectl version");
    assert_eq!(code, 0);
    assert_eq!(err, "WARNING: This version information is deprecated and will be replaced with the output from kubectl version --short.  Use --output=yaml|json to get the full version.\n");
    assert_eq!(
        out,
        "Client Version: version.Info{Major:\"1\", Minor:\"26\", GitVersion:\"v1.26.5\", GitCommit:\"890a139214b4de1f01543d15003b5bda71aae9c7\", GitTreeState:\"clean\", BuildDate:\"2023-05-17T14:14:46Z\", GoVersion:\"go1.19.9\", Compiler:\"gc\", Platform:\"linux/amd64\"}
Kustomize Version: v4.5.7
Server Version: version.Info{Major:\"1\", Minor:\"26\", GitVersion:\"v1.26.5\", GitCommit:\"890a139214b4de1f01543d15003b5bda71aae9c7\", GitTreeState:\"clean\", BuildDate:\"2023-05-17T14:08:49Z\", GoVersion:\"go1.19.9\", Compiler:\"gc\", Platform:\"linux/amd64\"}
"
    );
    // `-o yaml`: sigs.k8s.io/yaml's sorted keys, then Fprintln's extra newline.
    let yaml = run(&mut s, "kubectl version -o yaml --client").0;
    assert_eq!(yaml, "clientVersion:\n  buildDate: \"2023-05-17T14:14:46Z\"\n  compiler: gc\n  gitCommit: 890a139214b4de1f01543d15003b5bda71aae9c7\n  gitTreeState: clean\n  gitVersion: v1.26.5\n  goVersion: go1.19.9\n  major: \"1\"\n  minor: \"26\"\n  platform: linux/amd64\nkustomizeVersion: v4.5.7\n\n");
    // `-o json`: MarshalIndent in the struct's field order.
    let json = run(&mut s, "kubectl version -o json").0;
    assert!(json.starts_with("{\n  \"clientVersion\": {\n    \"major\": \"1\",\n    \"minor\": \"26\",\n    \"gitVersion\": \"v1.26.5\",\n"), "{json}");
    assert!(json.ends_with("    \"platform\": \"linux/amd64\"\n  }\n}\n"), "{json}");
    assert_eq!(
        run(&mut s, "kubectl version -o xml"),
        (String::new(), "error: --output must be 'yaml' or 'json'\n".into(), 1)
    );
}

#[test]
fn cluster_info_lists_the_control_plane_and_coredns_in_colour() {
    let mut s = session();
    assert_eq!(
        run(&mut s, "kubectl cluster-info").0,
        "\x1b[0;32mKubernetes control plane\x1b[0m is running at \x1b[0;33mhttps://192.168.10.10:6443\x1b[0m
\x1b[0;32mCoreDNS\x1b[0m is running at \x1b[0;33mhttps://192.168.10.10:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\x1b[0m

To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.
"
    );
}

#[test]
fn config_is_kubeadms_admin_kubeconfig() {
    let mut s = session();
    assert_eq!(run(&mut s, "kubectl config current-context").0, "kubernetes-admin@kubernetes\n");
    // The empty NAMESPACE cell leaves the AUTHINFO column's padding at the end of the line.
    assert_eq!(
        run(&mut s, "kubectl config get-contexts").0,
        "CURRENT   NAME                          CLUSTER      AUTHINFO           NAMESPACE\n*         kubernetes-admin@kubernetes   kubernetes   kubernetes-admin   \n"
    );
    let view = run(&mut s, "kubectl config view").0;
    assert!(view.starts_with("apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://192.168.10.10:6443\n  name: kubernetes\n"), "{view}");
    assert!(view.ends_with("users:\n- name: kubernetes-admin\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n"), "{view}");
    assert_eq!(
        run(&mut s, "kubectl config use-context other"),
        (String::new(), "error: no context exists with the name: \"other\"\n".into(), 1)
    );
}

#[test]
fn api_resources_sorts_by_group_then_name_and_filters() {
    let mut s = session();
    let all = run(&mut s, "kubectl api-resources").0;
    let lines: Vec<&str> = all.lines().collect();
    assert_eq!(
        lines[0],
        "NAME                              SHORTNAMES   APIVERSION                             NAMESPACED   KIND"
    );
    assert_eq!(
        lines[1],
        "bindings                                       v1                                     true         Binding"
    );
    assert_eq!(lines.len(), 56);
    assert_eq!(lines[55], "volumeattachments                              storage.k8s.io/v1                      false        VolumeAttachment");
    // The columns are as wide as the rows that are printed.
    assert_eq!(
        run(&mut s, "kubectl api-resources --api-group=apps --namespaced=true").0,
        "NAME                  SHORTNAMES   APIVERSION   NAMESPACED   KIND\ncontrollerrevisions                apps/v1      true         ControllerRevision\ndaemonsets            ds           apps/v1      true         DaemonSet\ndeployments           deploy       apps/v1      true         Deployment\nreplicasets           rs           apps/v1      true         ReplicaSet\nstatefulsets          sts          apps/v1      true         StatefulSet\n"
    );
    assert_eq!(
        run(&mut s, "kubectl api-resources -o name --api-group=apps").0.lines().next(),
        Some("controllerrevisions.apps")
    );
}

/// `kubectl events` (event_printer.go): oldest first, the object as `Kind/name`, nothing found
/// said on stderr; `--for` and `--types` filter.
#[test]
fn events_lists_the_namespaces_events_oldest_first() {
    let mut s = session();
    assert_eq!(run(&mut s, "kubectl events"), (String::new(), "No events found in default namespace.\n".into(), 0));
    assert_eq!(run(&mut s, "kubectl events -A --types=warning"), (String::new(), "No events found.\n".into(), 0));
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    let (out, _, _) = run(&mut s, "kubectl events --for pod/web-1");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("LAST SEEN   TYPE     REASON      OBJECT      MESSAGE"), "{out}");
    let reasons: Vec<&str> = lines[1..].iter().map(|l| l.split_whitespace().nth(2).unwrap()).collect();
    assert_eq!(reasons, ["Scheduled", "Pulling", "Pulled", "Created", "Started"]);
    assert!(lines[1..].iter().all(|l| l.contains(" Pod/web-1 ")));
    let all = run(&mut s, "kubectl events -A").0;
    assert!(all.starts_with("NAMESPACE   LAST SEEN"), "{all}");
    assert_eq!(run(&mut s, "kubectl events --for web-0").1, "error: --for must be in resource/name form\n");
    assert_eq!(run(&mut s, "kubectl events --types=Info").1, "error: valid --types are Normal or Warning\n");
}

/// The server's event table (printers.go printEvent) shows only when an event was last seen;
/// `kubectl events` adds how often and since when.
#[test]
fn get_events_shows_the_last_time_and_kubectl_events_the_count() {
    let mut s = session();
    run(&mut s, "kubectl run crash --image=busybox -- false");
    s.sim.run_until_idle(300_000);
    let get = run(&mut s, "kubectl get events --field-selector reason=BackOff").0;
    let row = get.lines().nth(1).unwrap_or_default().to_string();
    assert!(!row.contains(" (x"), "{get}");
    assert!(row.split_whitespace().nth(2) == Some("BackOff"), "{get}");
    let events = run(&mut s, "kubectl events --for pod/crash --types=Warning").0;
    assert!(events.lines().nth(1).is_some_and(|l| l.contains(" (x") && l.contains(" over ")), "{events}");
}

/// `kubectl config set-context --current --namespace=db` (set_context.go) makes `db` the
/// namespace of every command that names none, applied manifests included; an empty value
/// clears it.
#[test]
fn set_context_namespace_changes_where_commands_go() {
    let mut s = session();
    run(&mut s, "kubectl create ns db");
    assert_eq!(
        run(&mut s, "kubectl config set-context --current --namespace=db").0,
        "Context \"kubernetes-admin@kubernetes\" modified.\n"
    );
    assert_eq!(run(&mut s, "kubectl config get-contexts").0, "CURRENT   NAME                          CLUSTER      AUTHINFO           NAMESPACE\n*         kubernetes-admin@kubernetes   kubernetes   kubernetes-admin   db\n");
    run(&mut s, "kubectl apply -f web.yaml");
    assert!(s.sim.get(kubelab::sim::Kind::StatefulSet, "db", "web").is_some());
    assert_eq!(run(&mut s, "kubectl get sts -n default").1, "No resources found in default namespace.\n");
    assert!(run(&mut s, "kubectl get sts").0.starts_with("NAME   READY"));
    assert!(run(&mut s, "kubectl config view")
        .0
        .contains("    cluster: kubernetes\n    namespace: db\n    user: kubernetes-admin\n"));
    assert_eq!(
        run(&mut s, "kubectl config set-context --namespace=x").1,
        "error: you must specify a non-empty context name or --current\n"
    );
    run(&mut s, "kubectl config set-context --current --namespace=");
    assert_eq!(run(&mut s, "kubectl get sts").1, "No resources found in default namespace.\n");
}

/// `config view -o jsonpath` reads the kubeconfig as an object; `set env` refuses to overwrite
/// under `--overwrite=false` and `--keys` without `--from` (set_env.go's words); a pod bound
/// to a node that does not exist stays Pending (no kubelet runs there).
#[test]
fn config_jsonpath_set_env_refusals_and_a_missing_node() {
    let mut s = session();
    run(&mut s, "kubectl config set-context --current --namespace=default");
    assert_eq!(run(&mut s, "kubectl config view -o jsonpath='{..namespace}'").0, "default");
    run(&mut s, "kubectl create deployment web --image=nginx");
    run(&mut s, "kubectl set env deploy/web MODE=dev");
    assert_eq!(
        run(&mut s, "kubectl set env deploy/web MODE=prod --overwrite=false").1,
        "error: deployments/web 'MODE' already has a value (dev), and --overwrite is false\n"
    );
    assert_eq!(
        run(&mut s, "kubectl set env deploy/web --keys=a").1,
        "error: when specifying --keys, a configmap or secret must be provided with --from\n"
    );
    s.write_file("lost.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: lost\nspec:\n  nodeName: k8s-w9\n  containers:\n  - name: c\n    image: nginx\n");
    run(&mut s, "kubectl apply -f lost.yaml");
    s.sim.run_until_idle(60_000);
    assert!(run(&mut s, "kubectl get pod lost --no-headers").0.contains("Pending"));
}
