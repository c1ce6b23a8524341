//! kubectl's commands about the cluster rather than its objects: `version`, `cluster-info`,
//! `config` (kubeadm's admin kubeconfig, read-only) and `api-resources`.

use super::args::{self, f, Flag};
use super::errors::Error;
use super::stages::{Parsed, Report};
use super::{Ctx, Effect};
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

/// The kustomize each kubectl release embeds: `sigs.k8s.io/kustomize/kustomize` in kubectl's
/// go.mod at kubernetes-1.24.0 (v4.5.4), 1.25.0 and 1.26.0 (v4.5.7), 1.27.0 (v5.0.1), 1.28.0
/// to 1.30.0 (v5.0.4-0.20230601165947-6ce0bf390ce3), 1.31.0 (v5.4.2), 1.32.0 (v5.5.0), 1.33.0
/// (v5.6.0), 1.34.0 and 1.35.0 (v5.7.1), which version.go reports (`GetKustomizeModVersion`).
fn kustomize(minor: u32) -> &'static str {
    match minor {
        ..=24 => "v4.5.4",
        25 | 26 => "v4.5.7",
        27 => "v5.0.1",
        28..=30 => "v5.0.4-0.20230601165947-6ce0bf390ce3",
        31 => "v5.4.2",
        32 => "v5.5.0",
        33 => "v5.6.0",
        _ => "v5.7.1",
    }
}

const VERSION_FLAGS: &[Flag] = &[f("short", None, false), f("client", None, false), f("output", Some('o'), true)];

/// `kubectl version`, parsed.
pub struct Version {
    /// `-o`: `yaml`, `json`, or empty.
    output: String,
    short: bool,
    /// `--client`: not the server's.
    client_only: bool,
}

#[inline(never)]
pub fn parse_version(argv: &[String]) -> Result<Parsed<Version>, Error> {
    let a = args::parse("version", argv, VERSION_FLAGS)?;
    let output = a.get("output").unwrap_or("").to_string();
    if !output.is_empty() && output != "yaml" && output != "json" {
        return Err(Error::cli("--output must be 'yaml' or 'json'"));
    }
    Ok(Parsed::Run(Version { output, short: a.bool("short"), client_only: a.bool("client") }))
}

/// `kubectl version` (version.go): kubectl 1.24-1.27 print Go's `%#v` of both builds after a
/// deprecation warning on stderr; `--short`, and from 1.28 the default, print the releases.
pub fn version(ctx: &mut Ctx<'_>, req: Version) -> Report {
    let p = &ctx.sim.profile;
    let kv = p.kubectl_version.clone().unwrap_or_else(|| p.kubernetes_version.clone());
    let sv = p.kubernetes_version.clone();
    let (kminor, sminor) = (ctx.kubectl_minor(), p.server_minor());
    let mut r = Report::default();
    // pkg/cmd/version/version.go: `MarkDeprecated("short", ...)` at kubernetes-1.24.0:89 and
    // kubernetes-1.27.0:91; not at kubernetes-1.23.0 (no deprecation) nor kubernetes-1.28.0
    // (the flag does nothing and short is the default).
    if req.short && (24..28).contains(&kminor) {
        r.note("Flag --short has been deprecated, and will be removed in the future. The --short output will become the default.");
    }
    let client = Info::of(&kv, false);
    let server = if req.client_only { None } else { Info::of(&sv, true) };
    // k8s-diff: a release whose build we have not read prints the short form.
    let known = client.is_some() && (req.client_only || server.is_some());
    let ku = kustomize(kminor);
    match (client, req.output.as_str()) {
        (Some(client), "yaml") if known => {
            let server = server.as_ref().map(|s| format!("serverVersion:\n{}", s.yaml())).unwrap_or_default();
            r.line(format!("clientVersion:\n{}kustomizeVersion: {ku}\n{server}", client.yaml()));
        }
        (Some(client), "json") if known => {
            let server = server.as_ref().map(|s| format!(",\n  \"serverVersion\": {}", s.json())).unwrap_or_default();
            r.line(format!(
                "{{\n  \"clientVersion\": {},\n  \"kustomizeVersion\": \"{ku}\"{server}\n}}",
                client.json()
            ));
        }
        // version.go prints `fmt.Sprintf("%#v", clientVersion)` up to kubernetes-1.27.0 (and
        // kubernetes-1.23.0's lines 138-140); the WARNING is `fmt.Fprintf(o.ErrOut, ...)` at
        // kubernetes-1.24.0:147 and kubernetes-1.27.0:151, absent at kubernetes-1.23.0.
        (Some(client), "") if known && !req.short && kminor < 28 => {
            if kminor >= 24 {
                r.note("WARNING: This version information is deprecated and will be replaced with the output from kubectl version --short.  Use --output=yaml|json to get the full version.");
            }
            r.line(format!("Client Version: {}", client.go_syntax()));
            r.line(format!("Kustomize Version: {ku}"));
            if let Some(s) = &server {
                r.line(format!("Server Version: {}", s.go_syntax()));
            }
        }
        _ => {
            r.line(format!("Client Version: v{kv}\nKustomize Version: {ku}"));
            if !req.client_only {
                r.line(format!("Server Version: v{sv}"));
            }
        }
    }
    if !req.client_only && kminor.abs_diff(sminor) > 1 {
        r.note(format!("WARNING: version difference between client (1.{kminor}) and server (1.{sminor}) exceeds the supported minor version skew of +/-1"));
    }
    r
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

/// `kubectl cluster-info`, parsed: the namespace whose Services it lists.
pub struct ClusterInfo {
    namespace: String,
}

#[inline(never)]
pub fn parse_cluster_info(argv: &[String]) -> Result<Parsed<ClusterInfo>, Error> {
    if argv.first().is_some_and(|w| w == "dump") {
        return Err(Error::cli("kubelab does not model `kubectl cluster-info dump` yet"));
    }
    let a = args::parse("cluster-info", argv, &[])?;
    Ok(Parsed::Run(ClusterInfo { namespace: a.get("namespace").unwrap_or("kube-system").to_string() }))
}

/// `kubectl cluster-info` (clusterinfo.go): the API server, then each Service in kube-system
/// labelled `kubernetes.io/cluster-service=true`, by its `kubernetes.io/name`, through the
/// API server's proxy.
pub fn cluster_info(ctx: &mut Ctx<'_>, req: ClusterInfo) -> Report {
    let ns = req.namespace;
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
    let mut r = Report::default();
    r.line(text);
    r
}

/// kubeadm's admin.conf names.
const CONTEXT: &str = "kubernetes-admin@kubernetes";
const CLUSTER: &str = "kubernetes";
const USER: &str = "kubernetes-admin";

/// `kubectl config SUBCOMMAND`, parsed: what the lab models of it.
pub enum Config {
    CurrentContext,
    GetContexts {
        /// `-o name`.
        names_only: bool,
        no_headers: bool,
    },
    /// `set-context --current` (or the one context by name), with its `--namespace`.
    SetContext {
        namespace: Option<String>,
    },
    GetClusters,
    GetUsers,
    UseContext,
    /// `view`, as YAML or through `-o jsonpath=TEMPLATE`.
    View {
        jsonpath: Option<String>,
    },
}

const CONFIG_FLAGS: &[Flag] = &[
    f("output", Some('o'), true),
    f("minify", None, false),
    f("raw", None, false),
    f("flatten", None, false),
    f("no-headers", None, false),
    f("current", None, false),
];

#[inline(never)]
pub fn parse_config(argv: &[String]) -> Result<Parsed<Config>, Error> {
    let sub = argv.first().map(String::as_str).unwrap_or("");
    let a = args::parse("config", argv.get(1..).unwrap_or(&[]), CONFIG_FLAGS)?;
    let config = match sub {
        "current-context" => Config::CurrentContext,
        "get-contexts" => {
            if let Some(name) = a.positional.first().filter(|n| *n != CONTEXT) {
                return Err(Error::cli(format!("context {name} not found")));
            }
            Config::GetContexts { names_only: a.get("output") == Some("name"), no_headers: a.bool("no-headers") }
        }
        // set_context.go: the current context's namespace (the lab's one context).
        "set-context" => {
            match (a.positional.first(), a.bool("current")) {
                (Some(_), true) => return Err(Error::cli("you cannot specify both a context name and --current")),
                (Some(n), false) if n != CONTEXT => {
                    return Err(Error::cli(format!("kubelab models only the context \"{CONTEXT}\"")))
                }
                (None, false) => return Err(Error::cli("you must specify a non-empty context name or --current")),
                _ => {}
            }
            Config::SetContext { namespace: a.get("namespace").map(String::from) }
        }
        "get-clusters" => Config::GetClusters,
        "get-users" => Config::GetUsers,
        "use-context" => match a.positional.first() {
            Some(n) if n == CONTEXT => Config::UseContext,
            Some(n) => return Err(Error::cli(format!("no context exists with the name: \"{n}\""))),
            None => {
                return Err(Error::cli("Unexpected args: []\nSee 'kubectl config use-context -h' for help and examples"))
            }
        },
        "view" => match a.get("output").unwrap_or("yaml") {
            "yaml" => Config::View { jsonpath: None },
            o if o.starts_with("jsonpath=") => Config::View { jsonpath: Some(o["jsonpath=".len()..].to_string()) },
            other => return Err(Error::cli(format!("kubelab does not model `kubectl config view -o {other}` yet"))),
        },
        "" => return Err(Error::cli("kubelab models `kubectl config view`, `current-context`, `get-contexts`, `get-clusters`, `get-users`, `use-context` and `set-context`")),
        other => return Err(Error::cli(format!("kubelab does not model `kubectl config {other}` yet"))),
    };
    Ok(Parsed::Run(config))
}

/// `kubectl config`: the lab machine's kubeconfig is kubeadm's admin.conf, read-only but for
/// the context's namespace, which `set-context` returns as its effect.
pub fn config(ctx: &mut Ctx<'_>, req: Config) -> Report {
    let mut r = Report::default();
    match req {
        Config::CurrentContext => r.line(CONTEXT),
        Config::GetContexts { names_only: true, .. } => r.line(CONTEXT),
        Config::GetContexts { no_headers, .. } => {
            let mut rows = vec![vec!["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]];
            rows.push(vec!["*", CONTEXT, CLUSTER, USER, &ctx.context_ns]);
            let rows: Vec<Vec<String>> = rows
                .into_iter()
                .skip(usize::from(no_headers))
                .map(|r| r.into_iter().map(String::from).collect())
                .collect();
            r.out(TabWriter::new().flush(&rows));
        }
        Config::SetContext { namespace } => {
            r.effect = namespace.map(Effect::Namespace);
            r.line(format!("Context \"{CONTEXT}\" modified."));
        }
        Config::GetClusters => r.line(format!("NAME\n{CLUSTER}")),
        Config::GetUsers => r.line(format!("NAME\n{USER}")),
        Config::UseContext => r.line(format!("Switched to context \"{CONTEXT}\".")),
        Config::View { jsonpath: None } => r.out(super::yaml::to_yaml(&kubeconfig(ctx))),
        Config::View { jsonpath: Some(t) } => match super::jsonpath::template(&t, &kubeconfig(ctx)) {
            Ok(text) => r.out(text),
            Err(e) => r.fail(Error::cli(e)),
        },
    }
    r
}

/// The kubeconfig as `kubectl config view` shows it.
fn kubeconfig(ctx: &Ctx<'_>) -> serde_json::Value {
    // k8s-diff: `--raw` also omits the data: the lab has no certificates to show.
    let mut context = crate::jv!({"cluster": CLUSTER, "user": USER});
    if !ctx.context_ns.is_empty() {
        context["namespace"] = crate::jv!(ctx.context_ns.clone());
    }
    crate::jv!({"apiVersion": "v1", "kind": "Config", "preferences": {}, "current-context": CONTEXT,
        "clusters": [{"name": CLUSTER, "cluster": {"certificate-authority-data": "DATA+OMITTED", "server": api_host(ctx)}}],
        "contexts": [{"name": CONTEXT, "context": context}],
        "users": [{"name": USER, "user": {"client-certificate-data": "DATA+OMITTED", "client-key-data": "DATA+OMITTED"}}]})
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

/// `kubectl api-resources`, parsed.
pub struct ApiResources {
    /// `--namespaced=true|false`: only those (none: all).
    namespaced: Option<bool>,
    /// `--api-group`: only that group's (`""` the core group).
    group: Option<String>,
    sort: Option<SortBy>,
    /// `-o name`.
    names_only: bool,
    no_headers: bool,
}

/// `--sort-by`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum SortBy {
    Name,
    Kind,
}

const API_RESOURCES_FLAGS: &[Flag] = &[
    f("namespaced", None, true),
    f("api-group", None, true),
    f("no-headers", None, false),
    f("output", Some('o'), true),
    f("sort-by", None, true),
    f("verbs", None, true),
    f("cached", None, false),
];

#[inline(never)]
pub fn parse_api_resources(argv: &[String]) -> Result<Parsed<ApiResources>, Error> {
    let a = args::parse("api-resources", argv, API_RESOURCES_FLAGS)?;
    let output = a.get("output").unwrap_or("");
    match output {
        "" | "name" => {}
        "wide" => return Err(Error::cli("kubelab does not model `kubectl api-resources -o wide` yet")),
        _ => return Err(Error::cli(format!("--output {output} is not available"))),
    }
    let sort = match a.get("sort-by") {
        Some("name") => Some(SortBy::Name),
        Some("kind") => Some(SortBy::Kind),
        Some(other) => return Err(Error::cli(format!("--sort-by accepts only name or kind, got {other}"))),
        None => None,
    };
    Ok(Parsed::Run(ApiResources {
        namespaced: a.get("namespaced").map(|v| v != "false"),
        group: a.get("api-group").map(String::from),
        sort,
        names_only: output == "name",
        no_headers: a.bool("no-headers"),
    }))
}

/// `kubectl api-resources` (apiresources.go) for a v1.26 server: `--namespaced`,
/// `--api-group`, `--no-headers`, `-o name`.
// k8s-diff: the table is v1.26's whatever the profile's release; `-o wide` is not modelled.
pub fn api_resources(_ctx: &mut Ctx<'_>, req: ApiResources) -> Report {
    let mut rows: Vec<&(&str, &str, &str, bool, &str)> = API_RESOURCES
        .iter()
        .filter(|r| req.namespaced.is_none_or(|n| r.3 == n))
        .filter(|r| req.group.as_deref().is_none_or(|g| r.2.rsplit_once('/').map(|(grp, _)| grp).unwrap_or("") == g))
        .collect();
    match req.sort {
        Some(SortBy::Name) => crate::support::sort::sort_by_key(&mut rows, |r| r.0),
        Some(SortBy::Kind) => crate::support::sort::sort_by_key(&mut rows, |r| r.4),
        None => {}
    }
    let mut r = Report::default();
    if req.names_only {
        for row in rows {
            match row.2.rsplit_once('/') {
                Some((g, _)) => r.line(format!("{}.{g}", row.0)),
                None => r.line(row.0),
            }
        }
        return r;
    }
    let mut table: Vec<Vec<String>> = Vec::new();
    if !req.no_headers {
        table.push(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"].map(String::from).to_vec());
    }
    for row in rows {
        table.push(vec![row.0.to_string(), row.1.to_string(), row.2.to_string(), row.3.to_string(), row.4.to_string()]);
    }
    r.out(TabWriter::new().flush(&table));
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::NoFiles;
    use crate::sim::{Sim, SimConfig};
    use crate::support::output::Output;

    fn argv(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    /// The error a command line is refused with at the parse stage.
    fn refused<R>(parsed: Result<Parsed<R>, Error>) -> String {
        match parsed {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted"),
        }
    }

    /// Runs `f` on a v1.26.5 cluster whose context's namespace is `context_ns`.
    fn on_cluster<T>(context_ns: &str, f: impl FnOnce(&mut Ctx<'_>) -> T) -> T {
        let mut sim = Sim::new(SimConfig::seeded(1));
        let mut out = Output::default();
        let mut ctx = Ctx {
            sim: &mut sim,
            files: &NoFiles,
            stdin: None,
            out: &mut out,
            live: false,
            last_on_line: true,
            forwarded: Vec::new(),
            context_ns: context_ns.to_string(),
        };
        f(&mut ctx)
    }

    /// A command's report as the terminal shows it, and its exit status.
    fn shown(r: Report) -> (i32, String) {
        let mut out = Output::default();
        let code = r.render(&mut out).code;
        (code, out.text())
    }

    fn run<R>(parsed: Result<Parsed<R>, Error>, execute: impl FnOnce(&mut Ctx<'_>, R) -> Report) -> (i32, String) {
        let Ok(Parsed::Run(req)) = parsed else { panic!("not a request") };
        shown(on_cluster("", |ctx| execute(ctx, req)))
    }

    #[test]
    fn parse_version_takes_yaml_or_json() {
        assert_eq!(refused(parse_version(&argv("-o xml"))), "error: --output must be 'yaml' or 'json'");
        assert_eq!(
            refused(parse_version(&argv("--shortt"))),
            "error: unknown flag: --shortt\nSee 'kubectl version --help' for usage."
        );
    }

    /// `sigs.k8s.io/kustomize/kustomize/v5` in kubectl's go.mod at kubernetes-1.31.0 (v5.4.2),
    /// 1.32.0 (v5.5.0), 1.33.0 (v5.6.0), 1.34.0 and 1.35.0 (v5.7.1; 1.35.0's version.go has
    /// `const kustomizeVersion = "v5.7.1"` too); v4.5.7 at 1.26.0.
    #[test]
    fn kustomize_is_the_one_kubectls_go_mod_names() {
        let got: Vec<&str> = [26, 31, 32, 33, 34, 35].into_iter().map(kustomize).collect();
        assert_eq!(got, ["v4.5.7", "v5.4.2", "v5.5.0", "v5.6.0", "v5.7.1", "v5.7.1"]);
    }

    #[test]
    fn version_short_warns_on_stderr_before_the_releases() {
        assert_eq!(
            run(parse_version(&argv("--short")), version),
            (0, "Flag --short has been deprecated, and will be removed in the future. The --short output will become the default.\nClient Version: v1.26.5\nKustomize Version: v4.5.7\nServer Version: v1.26.5\n".into())
        );
        let (code, yaml) = run(parse_version(&argv("-o yaml")), version);
        assert_eq!(code, 0);
        assert!(
            yaml.contains("kustomizeVersion: v4.5.7\nserverVersion:\n  buildDate: \"2023-05-17T14:08:49Z\"\n"),
            "{yaml}"
        );
    }

    #[test]
    fn parse_cluster_info_does_not_dump() {
        assert_eq!(
            refused(parse_cluster_info(&argv("dump"))),
            "error: kubelab does not model `kubectl cluster-info dump` yet"
        );
    }

    #[test]
    fn cluster_info_lists_the_namespaces_cluster_services() {
        let (code, text) = run(parse_cluster_info(&[]), cluster_info);
        assert_eq!(code, 0);
        assert!(text.contains("\x1b[0;32mCoreDNS\x1b[0m is running at"), "{text}");
        let (_, text) = run(parse_cluster_info(&argv("-n default")), cluster_info);
        assert_eq!(
            text,
            "\x1b[0;32mKubernetes control plane\x1b[0m is running at \x1b[0;33mhttps://192.168.10.10:6443\x1b[0m\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
        );
    }

    #[test]
    fn parse_config_knows_the_one_context() {
        assert_eq!(
            refused(parse_config(&argv("set-context web --current"))),
            "error: you cannot specify both a context name and --current"
        );
        assert_eq!(
            refused(parse_config(&argv("set-context other"))),
            "error: kubelab models only the context \"kubernetes-admin@kubernetes\""
        );
        assert_eq!(
            refused(parse_config(&argv("use-context other"))),
            "error: no context exists with the name: \"other\""
        );
        assert_eq!(refused(parse_config(&argv("get-contexts other"))), "error: context other not found");
        assert_eq!(
            refused(parse_config(&argv("view -o json"))),
            "error: kubelab does not model `kubectl config view -o json` yet"
        );
        assert_eq!(
            refused(parse_config(&argv("rename-context a b"))),
            "error: kubelab does not model `kubectl config rename-context` yet"
        );
    }

    #[test]
    fn config_set_context_returns_the_namespace_as_its_effect() {
        let Ok(Parsed::Run(req)) = parse_config(&argv("set-context --current --namespace=db")) else { panic!() };
        let r = on_cluster("", |ctx| config(ctx, req));
        assert!(matches!(&r.effect, Some(Effect::Namespace(ns)) if ns == "db"));
        assert_eq!(shown(r), (0, "Context \"kubernetes-admin@kubernetes\" modified.\n".into()));
        // The context's namespace shows in the kubeconfig and the contexts' table.
        let Ok(Parsed::Run(req)) = parse_config(&argv("view -o jsonpath={.contexts[0].context.namespace}")) else {
            panic!()
        };
        assert_eq!(shown(on_cluster("db", |ctx| config(ctx, req))), (0, "db".into()));
        let Ok(Parsed::Run(req)) = parse_config(&argv("get-contexts --no-headers")) else { panic!() };
        let (_, table) = shown(on_cluster("db", |ctx| config(ctx, req)));
        assert_eq!(table.split_whitespace().collect::<Vec<_>>(), ["*", CONTEXT, CLUSTER, USER, "db"]);
    }

    #[test]
    fn parse_api_resources_refuses_what_it_does_not_print() {
        assert_eq!(
            refused(parse_api_resources(&argv("-o wide"))),
            "error: kubelab does not model `kubectl api-resources -o wide` yet"
        );
        assert_eq!(refused(parse_api_resources(&argv("-o yaml"))), "error: --output yaml is not available");
        assert_eq!(
            refused(parse_api_resources(&argv("--sort-by=group"))),
            "error: --sort-by accepts only name or kind, got group"
        );
    }

    #[test]
    fn api_resources_filters_by_group_and_scope() {
        assert_eq!(
            run(parse_api_resources(&argv("--api-group=apps -o name")), api_resources),
            (
                0,
                "controllerrevisions.apps\ndaemonsets.apps\ndeployments.apps\nreplicasets.apps\nstatefulsets.apps\n"
                    .into()
            )
        );
        let (_, text) = run(parse_api_resources(&argv("--namespaced=false --api-group= --no-headers")), api_resources);
        let names: Vec<&str> = text.lines().filter_map(|l| l.split_whitespace().next()).collect();
        assert_eq!(names, ["componentstatuses", "namespaces", "nodes", "persistentvolumes"]);
    }
}
