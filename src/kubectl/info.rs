//! kubectl's commands about the cluster rather than its objects: `version`, `cluster-info`,
//! `config` (kubeadm's admin kubeconfig, read-only) and `api-resources`.

use super::args::{self, f, Flag};
use super::{Ctx, Effect, Outcome};
use crate::sim::{obj, Kind};
use crate::support::tabwriter::TabWriter;

/// Build facts of the releases whose `kubectl version` we have read from real clusters:
/// release, GitCommit, kubectl's BuildDate, kube-apiserver's BuildDate ("" when unknown), Go.
const RELEASES: &[(&str, &str, &str, &str, &str)] = &[
    ("1.26.0", "b46a3f887ca979b1a5d14fd39cb1af43e7e5d12d", "2022-12-08T19:58:30Z", "2022-12-08T19:51:45Z", "go1.19.4"),
    ("1.26.1", "8f94681cd294aa8cfd3407b8191f6c70214973a4", "2023-01-18T15:58:16Z", "2023-01-18T15:51:25Z", "go1.19.5"),
    ("1.26.2", "fc04e732bb3e7198d2fa44efa5457c7c6f8c0f5b", "2023-02-22T13:39:03Z", "", "go1.19.6"),
    ("1.26.3", "9e644106593f3f4aa98f8a84b23db5fa378900bd", "2023-03-15T13:40:17Z", "", "go1.19.7"),
    ("1.26.4", "f89670c3aa4059d6999cb42e23ccb4f0b9a03979", "", "", "go1.19.8"),
    ("1.26.5", "890a139214b4de1f01543d15003b5bda71aae9c7", "2023-05-17T14:14:46Z", "2023-05-17T14:08:49Z", "go1.19.9"),
    ("1.27.1", "4c9411232e10168d7b050c49a1b59f6df9d7ea4b", "2023-04-14T13:21:19Z", "", "go1.20.3"),
    ("1.27.2", "7f6f68fdabc4df88cfea2dcf9a19b2b830f1e647", "2023-05-17T14:20:07Z", "", "go1.20.4"),
    ("1.27.3", "25b4e43193bcda6c7328a6d147b1fb73a33f1598", "2023-06-14T09:53:42Z", "", "go1.20.5"),
    ("1.27.4", "fa3d7990104d7c1f16943a67f11b154b71f6a132", "2023-07-19T12:20:54Z", "", "go1.20.6"),
];

/// apimachinery's `version.Info` of one binary, when its build is known.
struct Info {
    major: String,
    minor: String,
    git_version: String,
    commit: &'static str,
    build_date: &'static str,
    go: &'static str,
}

impl Info {
    fn of(release: &str, server: bool) -> Option<Info> {
        let &(_, commit, client_date, server_date, go) = RELEASES.iter().find(|r| r.0 == release)?;
        let build_date = if server { server_date } else { client_date };
        if build_date.is_empty() {
            return None;
        }
        let mut parts = release.split('.');
        Some(Info {
            major: parts.next()?.to_string(),
            minor: parts.next()?.to_string(),
            git_version: format!("v{release}"),
            commit,
            build_date,
            go,
        })
    }

    /// Go's `%#v`.
    fn go_syntax(&self) -> String {
        format!(
            "version.Info{{Major:\"{}\", Minor:\"{}\", GitVersion:\"{}\", GitCommit:\"{}\", GitTreeState:\"clean\", BuildDate:\"{}\", GoVersion:\"{}\", Compiler:\"gc\", Platform:\"linux/amd64\"}}",
            self.major, self.minor, self.git_version, self.commit, self.build_date, self.go
        )
    }

    /// The struct's JSON fields in their declared order, nested one level (MarshalIndent).
    fn json(&self) -> String {
        let indent = "  ";
        let fields = [
            ("major", self.major.as_str()),
            ("minor", &self.minor),
            ("gitVersion", &self.git_version),
            ("gitCommit", self.commit),
            ("gitTreeState", "clean"),
            ("buildDate", self.build_date),
            ("goVersion", self.go),
            ("compiler", "gc"),
            ("platform", "linux/amd64"),
        ];
        let body: Vec<String> = fields.iter().map(|(k, v)| format!("{indent}  \"{k}\": \"{v}\"")).collect();
        format!("{{\n{}\n{indent}}}", body.join(",\n"))
    }

    /// sigs.k8s.io/yaml: keys sorted, quoted where YAML would read them otherwise.
    fn yaml(&self) -> String {
        format!(
            "  buildDate: \"{}\"\n  compiler: gc\n  gitCommit: {}\n  gitTreeState: clean\n  gitVersion: {}\n  goVersion: {}\n  major: \"{}\"\n  minor: \"{}\"\n  platform: linux/amd64\n",
            self.build_date, self.commit, self.git_version, self.go, self.major, self.minor
        )
    }
}

/// The kustomize each kubectl release embeds.
fn kustomize(minor: u32) -> &'static str {
    match minor {
        ..=24 => "v4.5.4",
        25 | 26 => "v4.5.7",
        27 => "v5.0.1",
        28..=30 => "v5.0.4-0.20230601165947-6ce0bf390ce3",
        _ => "v5.4.2",
    }
}

const VERSION_FLAGS: &[Flag] = &[f("short", None, false), f("client", None, false), f("output", Some('o'), true)];

/// `kubectl version` (version.go): kubectl 1.24-1.27 print Go's `%#v` of both builds after a
/// deprecation warning on stderr; `--short`, and from 1.28 the default, print the releases.
pub fn version(ctx: &mut Ctx<'_>, argv: &[String]) -> i32 {
    let a = match args::parse("version", argv, VERSION_FLAGS) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    let output = a.get("output").unwrap_or("").to_string();
    if !output.is_empty() && output != "yaml" && output != "json" {
        ctx.eprintln("error: --output must be 'yaml' or 'json'");
        return 1;
    }
    let p = &ctx.sim.profile;
    let kv = p.kubectl_version.clone().unwrap_or_else(|| p.kubernetes_version.clone());
    let sv = p.kubernetes_version.clone();
    let (kminor, sminor) = (ctx.kubectl_minor(), p.server_minor());
    let (short, client_only) = (a.bool("short"), a.bool("client"));
    if short && (24..28).contains(&kminor) {
        ctx.eprintln("Flag --short has been deprecated, and will be removed in the future. The --short output will become the default.");
    }
    let client = Info::of(&kv, false);
    let server = if client_only { None } else { Info::of(&sv, true) };
    // k8s-diff: a release whose build we have not read prints the short form.
    let known = client.is_some() && (client_only || server.is_some());
    let ku = kustomize(kminor);
    match output.as_str() {
        "yaml" | "json" if known => {
            // `known`: the client's build is there.
            let c = client.as_ref().map(|i| if output == "yaml" { i.yaml() } else { i.json() }).unwrap_or_default();
            if output == "yaml" {
                let server = server.as_ref().map(|s| format!("serverVersion:\n{}", s.yaml())).unwrap_or_default();
                ctx.println(&format!("clientVersion:\n{c}kustomizeVersion: {ku}\n{server}"));
            } else {
                let server =
                    server.as_ref().map(|s| format!(",\n  \"serverVersion\": {}", s.json())).unwrap_or_default();
                ctx.println(&format!("{{\n  \"clientVersion\": {c},\n  \"kustomizeVersion\": \"{ku}\"{server}\n}}"));
            }
        }
        "" if known && !short && kminor < 28 => {
            if kminor >= 24 {
                ctx.eprintln("WARNING: This version information is deprecated and will be replaced with the output from kubectl version --short.  Use --output=yaml|json to get the full version.");
            }
            ctx.println(&format!("Client Version: {}", client.as_ref().map(Info::go_syntax).unwrap_or_default()));
            ctx.println(&format!("Kustomize Version: {ku}"));
            if let Some(s) = &server {
                ctx.println(&format!("Server Version: {}", s.go_syntax()));
            }
        }
        _ => {
            ctx.println(&format!("Client Version: v{kv}\nKustomize Version: {ku}"));
            if !client_only {
                ctx.println(&format!("Server Version: v{sv}"));
            }
        }
    }
    if !client_only && kminor.abs_diff(sminor) > 1 {
        ctx.eprintln(&format!("WARNING: version difference between client (1.{kminor}) and server (1.{sminor}) exceeds the supported minor version skew of +/-1"));
    }
    0
}

/// The API server's address: the `kubernetes` Endpoints' address and port.
fn api_host(ctx: &Ctx<'_>) -> String {
    let ep = ctx.sim.get(Kind::Endpoints, "default", "kubernetes");
    let ip = ep.and_then(|e| obj::str_at(e, "/subsets/0/addresses/0/ip")).unwrap_or("127.0.0.1");
    let port = ep.and_then(|e| obj::i64_at(e, "/subsets/0/ports/0/port")).unwrap_or(6443);
    format!("https://{ip}:{port}")
}

/// go-colortext's sequences, written whether or not the output is a terminal.
const GREEN: &str = "\x1b[0;32m";
const YELLOW: &str = "\x1b[0;33m";
const RESET: &str = "\x1b[0m";

/// `kubectl cluster-info` (clusterinfo.go): the API server, then each Service in kube-system
/// labelled `kubernetes.io/cluster-service=true`, by its `kubernetes.io/name`, through the
/// API server's proxy.
pub fn cluster_info(ctx: &mut Ctx<'_>, argv: &[String]) -> i32 {
    if argv.first().is_some_and(|w| w == "dump") {
        ctx.eprintln("error: kubelab does not model `kubectl cluster-info dump` yet");
        return 1;
    }
    let a = match args::parse("cluster-info", argv, &[]) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    let ns = a.get("namespace").unwrap_or("kube-system").to_string();
    let host = api_host(ctx);
    let mut text = format!("{GREEN}Kubernetes control plane{RESET} is running at {YELLOW}{host}{RESET}\n");
    for (key, svc) in ctx.sim.store.list(Kind::Service, Some(&ns)) {
        if obj::label(svc, "kubernetes.io/cluster-service") != Some("true") {
            continue;
        }
        let mut name = key.name.clone();
        if let Some(port) = obj::arr_at(svc, "/spec/ports").first() {
            let port_name = obj::str_at(port, "/name").unwrap_or("");
            let https = port_name == "https" || obj::i64_at(port, "/port") == Some(443);
            // utilnet.JoinSchemeNamePort: scheme and port name only when set.
            name = [if https { "https" } else { "" }, &key.name, port_name]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(":");
        }
        let link = format!("{host}/api/v1/namespaces/{ns}/services/{name}/proxy");
        let shown = obj::label(svc, "kubernetes.io/name").unwrap_or(&key.name);
        text.push_str(&format!("{GREEN}{shown}{RESET} is running at {YELLOW}{link}{RESET}\n"));
    }
    text.push_str("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.");
    ctx.println(&text);
    0
}

/// kubeadm's admin.conf names.
const CONTEXT: &str = "kubernetes-admin@kubernetes";
const CLUSTER: &str = "kubernetes";
const USER: &str = "kubernetes-admin";

/// `kubectl config`: the lab machine's kubeconfig is kubeadm's admin.conf, read-only.
pub fn config(ctx: &mut Ctx<'_>, argv: &[String]) -> Outcome {
    let sub = argv.first().map(String::as_str).unwrap_or("");
    let mut effect = None;
    let a = match args::parse(
        "config",
        argv.get(1..).unwrap_or(&[]),
        &[
            f("output", Some('o'), true),
            f("minify", None, false),
            f("raw", None, false),
            f("flatten", None, false),
            f("no-headers", None, false),
            f("current", None, false),
        ],
    ) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    match sub {
        "current-context" => ctx.println(CONTEXT),
        "get-contexts" => {
            if let Some(name) = a.positional.first().filter(|n| *n != CONTEXT) {
                ctx.eprintln(&format!("error: context {name} not found"));
                return Outcome::from(1);
            }
            if a.get("output") == Some("name") {
                ctx.println(CONTEXT);
            } else {
                let mut rows = vec![vec!["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]];
                let ns = ctx.context_ns.clone();
                rows.push(vec!["*", CONTEXT, CLUSTER, USER, &ns]);
                let rows: Vec<Vec<String>> = rows
                    .into_iter()
                    .skip(usize::from(a.bool("no-headers")))
                    .map(|r| r.into_iter().map(String::from).collect())
                    .collect();
                let text = TabWriter::new().flush(&rows);
                ctx.out.out(&text);
            }
        }
        // set_context.go: the current context's namespace (the lab's one context).
        "set-context" => {
            let name = match (a.positional.first(), a.bool("current")) {
                (Some(_), true) => {
                    ctx.eprintln("error: you cannot specify both a context name and --current");
                    return Outcome::from(1);
                }
                (Some(n), false) => n.clone(),
                (None, true) => CONTEXT.to_string(),
                (None, false) => {
                    ctx.eprintln("error: you must specify a non-empty context name or --current");
                    return Outcome::from(1);
                }
            };
            if name != CONTEXT {
                ctx.eprintln(&format!("error: kubelab models only the context \"{CONTEXT}\""));
                return Outcome::from(1);
            }
            if let Some(ns) = a.get("namespace") {
                effect = Some(Effect::Namespace(ns.to_string()));
            }
            ctx.println(&format!("Context \"{CONTEXT}\" modified."));
        }
        "get-clusters" => ctx.println(&format!("NAME\n{CLUSTER}")),
        "get-users" => ctx.println(&format!("NAME\n{USER}")),
        "use-context" => match a.positional.first() {
            Some(n) if n == CONTEXT => ctx.println(&format!("Switched to context \"{CONTEXT}\".")),
            Some(n) => {
                ctx.eprintln(&format!("error: no context exists with the name: \"{n}\""));
                return Outcome::from(1);
            }
            None => {
                ctx.eprintln("error: Unexpected args: []\nSee 'kubectl config use-context -h' for help and examples");
                return Outcome::from(1);
            }
        },
        "view" => {
            // k8s-diff: `--raw` also omits the data: the lab has no certificates to show.
            let mut context = crate::jv!({"cluster": CLUSTER, "user": USER});
            if !ctx.context_ns.is_empty() {
                context["namespace"] = crate::jv!(ctx.context_ns.clone());
            }
            let config = crate::jv!({"apiVersion": "v1", "kind": "Config", "preferences": {}, "current-context": CONTEXT,
                "clusters": [{"name": CLUSTER, "cluster": {"certificate-authority-data": "DATA+OMITTED", "server": api_host(ctx)}}],
                "contexts": [{"name": CONTEXT, "context": context}],
                "users": [{"name": USER, "user": {"client-certificate-data": "DATA+OMITTED", "client-key-data": "DATA+OMITTED"}}]});
            match a.get("output").unwrap_or("yaml") {
                "yaml" => {
                    let text = super::yaml::to_yaml(&config);
                    ctx.out.out(&text);
                }
                o if o.starts_with("jsonpath=") => match super::jsonpath::template(&o["jsonpath=".len()..], &config) {
                    Ok(t) => ctx.out.out(&t),
                    Err(e) => {
                        ctx.eprintln(&format!("error: {e}"));
                        return Outcome::from(1);
                    }
                },
                other => {
                    ctx.eprintln(&format!("error: kubelab does not model `kubectl config view -o {other}` yet"));
                    return Outcome::from(1);
                }
            }
        }
        "" => {
            ctx.eprintln("error: kubelab models `kubectl config view`, `current-context`, `get-contexts`, `get-clusters`, `get-users`, `use-context` and `set-context`");
            return Outcome::from(1);
        }
        other => {
            ctx.eprintln(&format!("error: kubelab does not model `kubectl config {other}` yet"));
            return Outcome::from(1);
        }
    }
    Outcome { code: 0, effect }
}

/// What a v1.26 API server without CRDs serves (discovery's preferred versions), sorted as
/// api-resources sorts: by group (the core group first), then by name. NAME, SHORTNAMES,
/// APIVERSION, NAMESPACED, KIND.
const API_RESOURCES: &[(&str, &str, &str, bool, &str)] = &[
    ("bindings", "", "v1", true, "Binding"),
    ("componentstatuses", "cs", "v1", false, "ComponentStatus"),
    ("configmaps", "cm", "v1", true, "ConfigMap"),
    ("endpoints", "ep", "v1", true, "Endpoints"),
    ("events", "ev", "v1", true, "Event"),
    ("limitranges", "limits", "v1", true, "LimitRange"),
    ("namespaces", "ns", "v1", false, "Namespace"),
    ("nodes", "no", "v1", false, "Node"),
    ("persistentvolumeclaims", "pvc", "v1", true, "PersistentVolumeClaim"),
    ("persistentvolumes", "pv", "v1", false, "PersistentVolume"),
    ("pods", "po", "v1", true, "Pod"),
    ("podtemplates", "", "v1", true, "PodTemplate"),
    ("replicationcontrollers", "rc", "v1", true, "ReplicationController"),
    ("resourcequotas", "quota", "v1", true, "ResourceQuota"),
    ("secrets", "", "v1", true, "Secret"),
    ("serviceaccounts", "sa", "v1", true, "ServiceAccount"),
    ("services", "svc", "v1", true, "Service"),
    ("mutatingwebhookconfigurations", "", "admissionregistration.k8s.io/v1", false, "MutatingWebhookConfiguration"),
    ("validatingwebhookconfigurations", "", "admissionregistration.k8s.io/v1", false, "ValidatingWebhookConfiguration"),
    ("customresourcedefinitions", "crd,crds", "apiextensions.k8s.io/v1", false, "CustomResourceDefinition"),
    ("apiservices", "", "apiregistration.k8s.io/v1", false, "APIService"),
    ("controllerrevisions", "", "apps/v1", true, "ControllerRevision"),
    ("daemonsets", "ds", "apps/v1", true, "DaemonSet"),
    ("deployments", "deploy", "apps/v1", true, "Deployment"),
    ("replicasets", "rs", "apps/v1", true, "ReplicaSet"),
    ("statefulsets", "sts", "apps/v1", true, "StatefulSet"),
    ("tokenreviews", "", "authentication.k8s.io/v1", false, "TokenReview"),
    ("localsubjectaccessreviews", "", "authorization.k8s.io/v1", true, "LocalSubjectAccessReview"),
    ("selfsubjectaccessreviews", "", "authorization.k8s.io/v1", false, "SelfSubjectAccessReview"),
    ("selfsubjectrulesreviews", "", "authorization.k8s.io/v1", false, "SelfSubjectRulesReview"),
    ("subjectaccessreviews", "", "authorization.k8s.io/v1", false, "SubjectAccessReview"),
    ("horizontalpodautoscalers", "hpa", "autoscaling/v2", true, "HorizontalPodAutoscaler"),
    ("cronjobs", "cj", "batch/v1", true, "CronJob"),
    ("jobs", "", "batch/v1", true, "Job"),
    ("certificatesigningrequests", "csr", "certificates.k8s.io/v1", false, "CertificateSigningRequest"),
    ("leases", "", "coordination.k8s.io/v1", true, "Lease"),
    ("endpointslices", "", "discovery.k8s.io/v1", true, "EndpointSlice"),
    ("events", "ev", "events.k8s.io/v1", true, "Event"),
    ("flowschemas", "", "flowcontrol.apiserver.k8s.io/v1beta3", false, "FlowSchema"),
    ("prioritylevelconfigurations", "", "flowcontrol.apiserver.k8s.io/v1beta3", false, "PriorityLevelConfiguration"),
    ("ingressclasses", "", "networking.k8s.io/v1", false, "IngressClass"),
    ("ingresses", "ing", "networking.k8s.io/v1", true, "Ingress"),
    ("networkpolicies", "netpol", "networking.k8s.io/v1", true, "NetworkPolicy"),
    ("runtimeclasses", "", "node.k8s.io/v1", false, "RuntimeClass"),
    ("poddisruptionbudgets", "pdb", "policy/v1", true, "PodDisruptionBudget"),
    ("clusterrolebindings", "", "rbac.authorization.k8s.io/v1", false, "ClusterRoleBinding"),
    ("clusterroles", "", "rbac.authorization.k8s.io/v1", false, "ClusterRole"),
    ("rolebindings", "", "rbac.authorization.k8s.io/v1", true, "RoleBinding"),
    ("roles", "", "rbac.authorization.k8s.io/v1", true, "Role"),
    ("priorityclasses", "pc", "scheduling.k8s.io/v1", false, "PriorityClass"),
    ("csidrivers", "", "storage.k8s.io/v1", false, "CSIDriver"),
    ("csinodes", "", "storage.k8s.io/v1", false, "CSINode"),
    ("csistoragecapacities", "", "storage.k8s.io/v1", true, "CSIStorageCapacity"),
    ("storageclasses", "sc", "storage.k8s.io/v1", false, "StorageClass"),
    ("volumeattachments", "", "storage.k8s.io/v1", false, "VolumeAttachment"),
];

/// The plural of a resource type a v1.26 server serves, by any of the names kubectl takes for
/// it (plural, singular, short name, `plural.group`).
pub fn served_type(t: &str) -> Option<&'static str> {
    let t = t.to_ascii_lowercase();
    API_RESOURCES
        .iter()
        .find(|r| {
            let group = r.2.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
            r.0 == t
                || r.4.to_ascii_lowercase() == t
                || r.1.split(',').any(|s| !s.is_empty() && s == t)
                || (!group.is_empty() && format!("{}.{group}", r.0) == t)
        })
        .map(|r| r.0)
}

/// `kubectl api-resources` (apiresources.go) for a v1.26 server: `--namespaced`,
/// `--api-group`, `--no-headers`, `-o name`.
// k8s-diff: the table is v1.26's whatever the profile's release; `-o wide` is not modelled.
pub fn api_resources(ctx: &mut Ctx<'_>, argv: &[String]) -> i32 {
    let flags = [
        f("namespaced", None, true),
        f("api-group", None, true),
        f("no-headers", None, false),
        f("output", Some('o'), true),
        f("sort-by", None, true),
        f("verbs", None, true),
        f("cached", None, false),
    ];
    let a = match args::parse("api-resources", argv, &flags) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    let output = a.get("output").unwrap_or("");
    if !output.is_empty() && output != "name" {
        if output == "wide" {
            ctx.eprintln("error: kubelab does not model `kubectl api-resources -o wide` yet");
        } else {
            ctx.eprintln(&format!("error: --output {output} is not available"));
        }
        return 1;
    }
    let namespaced = a.get("namespaced").map(|v| v != "false");
    let group = a.get("api-group");
    let mut rows: Vec<&(&str, &str, &str, bool, &str)> = API_RESOURCES
        .iter()
        .filter(|r| namespaced.is_none_or(|n| r.3 == n))
        .filter(|r| group.is_none_or(|g| r.2.rsplit_once('/').map(|(grp, _)| grp).unwrap_or("") == g))
        .collect();
    match a.get("sort-by") {
        Some("name") => crate::support::sort::sort_by_key(&mut rows, |r| r.0),
        Some("kind") => crate::support::sort::sort_by_key(&mut rows, |r| r.4),
        Some(other) => {
            ctx.eprintln(&format!("error: --sort-by accepts only name or kind, got {other}"));
            return 1;
        }
        None => {}
    }
    if output == "name" {
        for r in rows {
            match r.2.rsplit_once('/') {
                Some((g, _)) => ctx.println(&format!("{}.{g}", r.0)),
                None => ctx.println(r.0),
            }
        }
        return 0;
    }
    let mut table: Vec<Vec<String>> = Vec::new();
    if !a.bool("no-headers") {
        table.push(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"].map(String::from).to_vec());
    }
    for r in rows {
        table.push(vec![r.0.to_string(), r.1.to_string(), r.2.to_string(), r.3.to_string(), r.4.to_string()]);
    }
    let text = TabWriter::new().flush(&table);
    ctx.out.out(&text);
    0
}
