//! The commands that write an object for you: `kubectl set image|env`, `kubectl create
//! deployment|configmap|secret generic` and `kubectl expose`, each with `--dry-run` and `-o` as
//! the others have them. Each parses its words into a request (`parse_set`, `parse_create`,
//! `parse_expose`), executes it against the cluster and reports what it wrote ([`Report`]).

use super::args::{self, f, Args, Flag};
use super::dryrun::{self, DryRun};
use super::errors::Error;
use super::get::{resolve, Format};
use super::stages::{Parsed, Report};
use super::Ctx;
use crate::jv;
use crate::sim::obj::Ptr;
use crate::sim::{obj, Kind, ObjKey};
use serde_json::Value;

fn strip_client_fields(o: &mut Value) {
    obj::meta_mut(o).remove("creationTimestamp");
    if let Some(t) = o.pointer_mut("/spec/template/metadata").and_then(Value::as_object_mut) {
        t.remove("creationTimestamp");
    }
    if let Some(m) = o.as_object_mut() {
        m.remove("status");
    }
}

/// `--dry-run` and `-o` of a command that writes an object.
#[derive(Clone)]
pub struct Writing {
    dry: DryRun,
    /// `None`: `KIND/NAME VERB`.
    out: Option<Format>,
}

/// The command's flags, and its `--dry-run` and `-o`.
fn parse(cmd: &str, argv: &[String], flags: &[Flag]) -> Result<(Args, Writing), Error> {
    let a = args::parse(cmd, argv, flags)?;
    let (dry, out) = dryrun::options(&a)?;
    Ok((a, Writing { dry, out }))
}

/// A parsed subcommand as its command's request.
fn wrap<R, S>(parsed: Parsed<R>, into: impl FnOnce(R) -> S) -> Parsed<S> {
    match parsed {
        Parsed::Run(r) => Parsed::Run(into(r)),
        Parsed::Help(text) => Parsed::Help(text),
    }
}

/// `-n`, when given.
fn namespace_flag(a: &Args) -> Option<String> {
    a.get("namespace").filter(|n| !n.is_empty()).map(String::from)
}

/// `-n`, or the context's namespace.
fn namespace(ctx: &Ctx<'_>, flag: &Option<String>) -> String {
    flag.clone().unwrap_or_else(|| ctx.default_namespace().to_string())
}

const SET_FLAGS: &[Flag] = &[
    f("all", None, false),
    f("selector", Some('l'), true),
    f("dry-run", None, true),
    f("output", Some('o'), true),
    f("local", None, false),
    f("record", None, false),
    f("filename", Some('f'), true),
];

/// `kubectl set image|env|resources`, parsed.
pub enum Set {
    Image(SetImage),
    Env(SetEnv),
    Resources(SetResources),
}

/// `kubectl set resources`: `--limits` and `--requests` for the `--containers` (a pattern).
pub struct SetResources {
    targets: Targets,
    containers: String,
    limits: Vec<(String, String)>,
    requests: Vec<(String, String)>,
}

/// The objects whose pod templates `set` changes, and how the change is written.
pub struct Targets {
    /// `TYPE NAME...` or `TYPE/NAME...`, as the command line names them.
    objects: Vec<String>,
    namespace: Option<String>,
    writing: Writing,
}

/// `kubectl set image`: each `CONTAINER=IMAGE` (`*` for every container).
pub struct SetImage {
    targets: Targets,
    images: Vec<(String, String)>,
}

/// `kubectl set env`, its changes read as envutil.ParseEnv reads them.
pub struct SetEnv {
    targets: Targets,
    /// The variables to set (`{"name": .., "value": ..}`), in order.
    set: Vec<Value>,
    /// `KEY-`: the variables to remove.
    remove: Vec<String>,
    /// `--from`: a Secret's or ConfigMap's keys, each added as a reference.
    from: Option<EnvSource>,
    /// `--containers`: which containers, a pattern with `*`.
    containers: String,
    /// `--list`: print the variables instead of changing them.
    list: bool,
    overwrite: bool,
}

/// `--from=secret/NAME` or `configmap/NAME`, with `--keys` (none: all) and `--prefix`.
struct EnvSource {
    kind: Kind,
    name: String,
    keys: Vec<String>,
    prefix: String,
}

#[inline(never)]
pub fn parse_set(argv: &[String]) -> Result<Parsed<Set>, Error> {
    let Some((sub, rest)) = argv.split_first() else {
        return Err(Error::cli("Required resource not specified.\nSee 'kubectl set -h' for help and examples"));
    };
    match sub.as_str() {
        "image" => Ok(wrap(parse_set_image(rest)?, Set::Image)),
        "env" => Ok(wrap(parse_set_env(rest)?, Set::Env)),
        "resources" => Ok(wrap(parse_set_resources(rest)?, Set::Resources)),
        "selector" | "serviceaccount" | "subject" => {
            Err(Error::cli(format!("kubelab does not model `kubectl set {sub}` yet; edit the manifest and apply it")))
        }
        _ => Err(Error::cli(format!("unknown command \"{sub}\" for \"kubectl set\""))),
    }
}

/// `kubectl set image|env`.
pub fn set(ctx: &mut Ctx<'_>, req: Set) -> Report {
    match req {
        Set::Image(req) => set_image(ctx, req),
        Set::Env(req) => set_env(ctx, req),
        Set::Resources(req) => set_resources(ctx, req),
    }
}

const RESOURCES_FLAGS: &[Flag] = &[
    f("all", None, false),
    f("selector", Some('l'), true),
    f("dry-run", None, true),
    f("output", Some('o'), true),
    f("local", None, false),
    f("record", None, false),
    f("filename", Some('f'), true),
    f("containers", Some('c'), true),
    f("limits", None, true),
    f("requests", None, true),
];

/// `kubectl set resources (TYPE NAME | TYPE/NAME) [--containers=C] --limits=.. --requests=..`
/// (set_resources.go).
#[inline(never)]
pub fn parse_set_resources(argv: &[String]) -> Result<Parsed<SetResources>, Error> {
    let (a, writing) = parse("set resources", argv, RESOURCES_FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help("Specify compute resource requirements (CPU, memory) for any resource that defines a pod template.\n\nUsage:\n  kubectl set resources (-f FILENAME | TYPE NAME)  ([--limits=LIMITS & --requests=REQUESTS] [options]".into()));
    }
    let list = |flag: &str| -> Result<Vec<(String, String)>, Error> {
        let Some(v) = a.get(flag).filter(|v| !v.is_empty()) else { return Ok(Vec::new()) };
        v.split(',')
            .map(|kv| match kv.split_once('=') {
                Some((k, q)) if !k.is_empty() && !q.is_empty() => Ok((k.to_string(), q.to_string())),
                _ => Err(Error::cli(format!("Invalid argument syntax {kv}, expected <resource>=<value>"))),
            })
            .collect()
    };
    let (limits, requests) = (list("limits")?, list("requests")?);
    if limits.is_empty() && requests.is_empty() {
        return Err(Error::cli(
            "you must specify an update to requests or limits (in the form of --requests/--limits)",
        ));
    }
    if a.positional.is_empty() {
        return Err(Error::cli("one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl set resources -h' for help and examples"));
    }
    let containers = a.get("containers").unwrap_or("*").to_string();
    let targets = Targets { objects: a.positional.clone(), namespace: namespace_flag(&a), writing };
    Ok(Parsed::Run(SetResources { targets, containers, limits, requests }))
}

/// `deployment.apps/web resource requirements updated`: each chosen container's limits and
/// requests, the named ones set and the others kept.
fn set_resources(ctx: &mut Ctx<'_>, req: SetResources) -> Report {
    update_pod_specs(ctx, &req.targets, "resource requirements updated", |_, _, containers| {
        let mut found = false;
        for c in containers.iter_mut().filter(|c| select_string(obj::str_at(c, "/name").unwrap_or(""), &req.containers))
        {
            found = true;
            for (field, list) in [("limits", &req.limits), ("requests", &req.requests)] {
                for (k, q) in list {
                    // k8s-diff: the quantity is kept as written, where kubectl re-serializes it
                    // in resource.Quantity's canonical form (`512Mi` and `200m` are unchanged).
                    obj::set(c, &format!("/resources/{field}/{k}"), jv!(q));
                }
            }
        }
        if found {
            Ok(())
        } else {
            Err(Error::cli(format!("unable to find container named {}", req.containers)))
        }
    })
}

/// `kubectl set image (TYPE NAME | TYPE/NAME) CONTAINER=IMAGE ...` (`*=IMAGE` for every
/// container).
#[inline(never)]
pub fn parse_set_image(argv: &[String]) -> Result<Parsed<SetImage>, Error> {
    let (a, writing) = parse("set image", argv, SET_FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help("Update existing container image(s) of resources.\n\nUsage:\n  kubectl set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N [options]".into()));
    }
    let (pairs, objects): (Vec<String>, Vec<String>) = a.positional.iter().cloned().partition(|p| p.contains('='));
    if pairs.is_empty() {
        return Err(Error::cli(
            "at least one image update is required\nSee 'kubectl set image -h' for help and examples",
        ));
    }
    if objects.is_empty() {
        return Err(Error::cli("one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl set image -h' for help and examples"));
    }
    let images = pairs
        .iter()
        .map(|p| p.split_once('=').map(|(c, i)| (c.to_string(), i.to_string())).unwrap_or((p.clone(), String::new())))
        .collect();
    Ok(Parsed::Run(SetImage { targets: Targets { objects, namespace: namespace_flag(&a), writing }, images }))
}

/// `deployment.apps/web image updated`, nothing when nothing changes.
fn set_image(ctx: &mut Ctx<'_>, req: SetImage) -> Report {
    update_pod_specs(ctx, &req.targets, "image updated", |_, _, containers| set_images(containers, &req.images))
}

fn set_images(containers: &mut [Value], images: &[(String, String)]) -> Result<(), Error> {
    for (container, image) in images {
        let mut found = false;
        for c in containers
            .iter_mut()
            .filter(|c| container == "*" || c.get("name").and_then(Value::as_str) == Some(container))
        {
            c["image"] = jv!(image);
            found = true;
        }
        if !found {
            return Err(Error::cli(format!("unable to find container named \"{container}\"")));
        }
    }
    Ok(())
}

const ENV_FLAGS: &[Flag] = &[
    f("all", None, false),
    f("selector", Some('l'), true),
    f("dry-run", None, true),
    f("output", Some('o'), true),
    f("local", None, false),
    f("filename", Some('f'), true),
    f("env", Some('e'), true),
    f("containers", Some('c'), true),
    f("list", None, false),
    f("resolve", None, false),
    f("overwrite", None, false),
    f("from", None, true),
    f("keys", None, true),
    f("prefix", None, true),
];

/// `kubectl set env (TYPE NAME | TYPE/NAME) KEY=VALUE ... KEY- ...` (set_env.go).
#[inline(never)]
pub fn parse_set_env(argv: &[String]) -> Result<Parsed<SetEnv>, Error> {
    let (a, mut writing) = parse("set env", argv, ENV_FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help("Update environment variables on a pod template.\n\nUsage:\n  kubectl set env RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N [options]".into()));
    }
    // SplitEnvironmentFromResources: resources first, then the changes.
    let split = a
        .positional
        .iter()
        .position(|p| p.contains('=') || (p.ends_with('-') && p.len() > 1))
        .unwrap_or(a.positional.len());
    let (objects, changes) = a.positional.split_at(split);
    if changes.iter().any(|p| !(p.contains('=') || p.ends_with('-'))) {
        return Err(Error::cli(format!(
            "all resources must be specified before environment changes: {}",
            a.positional.join(" ")
        )));
    }
    if objects.is_empty() {
        return Err(Error::cli("one or more resources must be specified as <resource> <name> or <resource>/<name>"));
    }
    let list = a.bool("list");
    if list && a.get("output").is_some() {
        return Err(Error::cli("--list and --output may not be specified together"));
    }
    if a.get("keys").is_some() && a.get("from").is_none() {
        return Err(Error::cli("when specifying --keys, a configmap or secret must be provided with --from"));
    }
    let (mut set, remove) = parse_env(a.all("env").iter().chain(changes))?;
    let from = a.get("from").map(|from| env_source(&a, from)).transpose()?;
    if let (None, Some(prefix)) = (&from, a.get("prefix")) {
        for v in &mut set {
            let n = v["name"].as_str().unwrap_or("").to_string();
            v["name"] = jv!(format!("{prefix}{n}"));
        }
    }
    // `--list` changes nothing: a client-side dry run that prints no object.
    if list {
        writing.dry = DryRun::Client;
    }
    Ok(Parsed::Run(SetEnv {
        targets: Targets { objects: objects.to_vec(), namespace: namespace_flag(&a), writing },
        set,
        remove,
        from,
        containers: a.get("containers").unwrap_or("*").to_string(),
        list,
        overwrite: a.get("overwrite").is_none_or(|v| v != "false"),
    }))
}

/// envutil.ParseEnv: `KEY=VALUE` to set, `KEY-` to remove.
fn parse_env<'a>(specs: impl Iterator<Item = &'a String>) -> Result<(Vec<Value>, Vec<String>), Error> {
    let mut set = Vec::new();
    let mut remove = Vec::new();
    for spec in specs {
        if let Some((k, v)) = spec.split_once('=') {
            crate::sim::validation::env_var_name(k)
                .map_err(|e| Error::cli(format!("\"{k}\" is not a valid key name: {e}")))?;
            set.push(jv!({"name": k, "value": v}));
        } else if let Some(k) = spec.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            return Err(Error::cli(format!("unknown environment variable: {spec}")));
        }
    }
    Ok((set, remove))
}

/// `--from TYPE/NAME`, a Secret or a ConfigMap.
fn env_source(a: &Args, from: &str) -> Result<EnvSource, Error> {
    let keys = a.get("keys").map(|k| k.split(',').map(String::from).collect()).unwrap_or_default();
    match from.split_once('/').map(|(t, n)| (Kind::from_arg(t), n)) {
        Some((Some(kind @ (Kind::Secret | Kind::ConfigMap)), name)) => {
            Ok(EnvSource { kind, name: name.to_string(), keys, prefix: a.get("prefix").unwrap_or("").to_string() })
        }
        _ => Err(Error::cli("unsupported resource specified in --from")),
    }
}

/// New variables go at the end, existing ones are replaced in place, `KEY-` removes; `--list`
/// prints the variables after what the command reported.
fn set_env(ctx: &mut Ctx<'_>, mut req: SetEnv) -> Report {
    if let Some(source) = &req.from {
        let ns = namespace(ctx, &req.targets.namespace);
        match env_from(ctx, source, &ns) {
            Ok(vars) => req.set.extend(vars),
            Err(e) => return Report::failure(e),
        }
    }
    let mut listing = String::new();
    let op = if req.list { "" } else { "env updated" };
    let mut r = update_pod_specs(ctx, &req.targets, op, |kind, name, containers| {
        set_env_in(&req, kind, name, containers, &mut listing)
    });
    r.out(listing);
    r
}

/// A reference to each key of the `--from` object.
fn env_from(ctx: &Ctx<'_>, source: &EnvSource, ns: &str) -> Result<Vec<Value>, Error> {
    let Some(object) = ctx.sim.get(source.kind, ns, &source.name) else {
        return Err(Error::not_found(source.kind.qualified_plural(), source.name.clone()));
    };
    let data: Vec<String> =
        object.get("data").and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
    let reference = if source.kind == Kind::Secret { "secretKeyRef" } else { "configMapKeyRef" };
    // k8s-diff: the keys in their sorted order (kubectl ranges over a Go map).
    let vars = data
        .into_iter()
        .filter(|k| source.keys.is_empty() || source.keys.contains(k))
        .map(|key| {
            let env_name: String = key
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_uppercase() } else { '_' })
                .collect();
            let mut v = jv!({"name": format!("{}{env_name}", source.prefix), "valueFrom": {}});
            v["valueFrom"][reference] = jv!({"key": key, "name": source.name});
            v
        })
        .collect();
    Ok(vars)
}

/// Changes (or, with `--list`, lists into `listing`) the variables of the chosen containers
/// of one object.
fn set_env_in(
    req: &SetEnv,
    kind: Kind,
    name: &str,
    containers: &mut [Value],
    listing: &mut String,
) -> Result<(), Error> {
    let chosen: Vec<&mut Value> = containers
        .iter_mut()
        .filter(|c| select_string(c.get("name").and_then(Value::as_str).unwrap_or(""), &req.containers))
        .collect();
    if chosen.is_empty() {
        return Err(Error::text(format!(
            "warning: {kind}/{name} does not have any containers matching \"{}\"",
            req.containers
        )));
    }
    for c in chosen {
        let old = c.get("env").and_then(Value::as_array).cloned().unwrap_or_default();
        if !req.overwrite {
            no_overwrites(&old, &req.set, kind, name)?;
        }
        let new = update_env(&old, &req.set, &req.remove);
        if req.list {
            listing.push_str(&list_env(kind, name, c, &new));
        } else if new.is_empty() {
            if let Some(m) = c.as_object_mut() {
                m.remove("env");
            }
        } else {
            c["env"] = Value::Array(new);
        }
    }
    Ok(())
}

/// set_env.go's validateNoOverwrites.
fn no_overwrites(old: &[Value], set: &[Value], kind: Kind, name: &str) -> Result<(), Error> {
    for e in set {
        let n = e.get("name").and_then(Value::as_str).unwrap_or("");
        if let Some(have) = old.iter().find(|o| o.get("name").and_then(Value::as_str) == Some(n)) {
            let v = have.get("value").and_then(Value::as_str).unwrap_or("");
            return Err(Error::cli(format!(
                "{}/{name} '{n}' already has a value ({v}), and --overwrite is false",
                kind.info().plural
            )));
        }
    }
    Ok(())
}

/// `--list`: `# Deployment web, container app`, then `KEY=VALUE` or `# KEY from <source>`.
fn list_env(kind: Kind, name: &str, container: &Value, vars: &[Value]) -> String {
    let mut s = format!("# {kind} {name}, container {}\n", container.get("name").and_then(Value::as_str).unwrap_or(""));
    for e in vars {
        let n = e.get("name").and_then(Value::as_str).unwrap_or("");
        match e.get("valueFrom") {
            None => s.push_str(&format!("{n}={}\n", e.get("value").and_then(Value::as_str).unwrap_or(""))),
            Some(from) => s.push_str(&format!("# {n} from {}\n", ref_string(from))),
        }
    }
    s
}

/// set_env.go's updateEnv.
fn update_env(existing: &[Value], set: &[Value], remove: &[String]) -> Vec<Value> {
    let name = |v: &Value| v.get("name").and_then(Value::as_str).unwrap_or("").to_string();
    let mut covered: Vec<String> = remove.to_vec();
    let mut out = Vec::new();
    for e in existing {
        let n = name(e);
        if covered.contains(&n) {
            continue;
        }
        match set.iter().find(|s| name(s) == n) {
            Some(newer) => {
                covered.push(n);
                out.push(newer.clone());
            }
            None => out.push(e.clone()),
        }
    }
    for e in set {
        let n = name(e);
        if !covered.contains(&n) {
            covered.push(n);
            out.push(e.clone());
        }
    }
    out
}

/// envutil.GetEnvVarRefString.
fn ref_string(from: &Value) -> String {
    let s = |p: &str| obj::str_at(from, p).unwrap_or("").to_string();
    if from.get("configMapKeyRef").is_some() {
        format!("configmap {}, key {}", s("/configMapKeyRef/name"), s("/configMapKeyRef/key"))
    } else if from.get("secretKeyRef").is_some() {
        format!("secret {}, key {}", s("/secretKeyRef/name"), s("/secretKeyRef/key"))
    } else if from.get("fieldRef").is_some() {
        format!("field path {}", s("/fieldRef/fieldPath"))
    } else if from.get("resourceFieldRef").is_some() {
        let c = s("/resourceFieldRef/containerName");
        format!(
            "resource field {}{}",
            if c.is_empty() { String::new() } else { format!("{c}/") },
            s("/resourceFieldRef/resource")
        )
    } else {
        "invalid source".into()
    }
}

/// Changes the pod spec's containers of each named object with `edit` (given the object's
/// Kind and name), then sends the update (or not, in a dry run) and reports `op`; an object
/// whose spec did not change is left alone and not reported. An error of `edit` ends the
/// command, unless it is a warning.
fn update_pod_specs(
    ctx: &mut Ctx<'_>,
    t: &Targets,
    op: &str,
    mut edit: impl FnMut(Kind, &str, &mut [Value]) -> Result<(), Error>,
) -> Report {
    let ns = namespace(ctx, &t.namespace);
    let query = match resolve(&t.objects) {
        Ok(q) => q,
        Err(e) => return Report::failure(e),
    };
    let mut r = Report::default();
    for (kind, name) in query.targets.into_iter().flat_map(|(k, names)| names.into_iter().map(move |n| (k, n))) {
        let (mut o, path) = match with_pod_template(ctx, kind, &ns, &name) {
            Ok(found) => found,
            Err(e) => {
                r.fail(e);
                continue;
            }
        };
        let before = o.clone();
        let Some(list) = o.pointer_mut(path).and_then(Value::as_array_mut) else { continue };
        match edit(kind, &name, list) {
            Ok(()) => {}
            Err(warning) if warning.is_warning() => {
                r.note(warning.to_string());
                continue;
            }
            Err(e) => {
                r.fail(e);
                return r;
            }
        }
        if o == before || op.is_empty() {
            continue;
        }
        match write_update(ctx, t.writing.dry, o) {
            Ok(after) => r.out(dryrun::printed(t.writing.out.as_ref(), kind, &after, &t.writing.dry.op(op))),
            Err(e) => r.fail(e),
        }
    }
    r
}

/// The object and where its pod spec's containers are.
fn with_pod_template(ctx: &Ctx<'_>, kind: Kind, ns: &str, name: &str) -> Result<(Value, &'static str), Error> {
    let Some(o) = ctx.sim.store.get(&ObjKey::new(kind, ns, name)).cloned() else {
        return Err(Error::not_found(kind.qualified_plural(), name));
    };
    let path = match kind {
        Kind::Pod => "/spec/containers",
        Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet => "/spec/template/spec/containers",
        _ => return Err(Error::cli(format!("the object of kind {kind} has no pod template"))),
    };
    Ok((o, path))
}

/// Sends `o` as an update (to a copy of the cluster in a server dry run, not at all in a
/// client one); what the server kept.
fn write_update(ctx: &mut Ctx<'_>, dry: DryRun, o: Value) -> Result<Value, Error> {
    Ok(match dry {
        DryRun::Client => o,
        DryRun::Server => ctx.sim.clone().update(o)?,
        DryRun::None => ctx.sim.update(o)?,
    })
}

/// The container name `kubectl create deployment` gives an image: its last path segment
/// without tag or digest (`registry.k8s.io/nginx-slim:0.8` → `nginx-slim`).
fn container_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let name = last.split([':', '@']).next().unwrap_or(last);
    name.replace('_', "-")
}

const DEPLOY_FLAGS: &[Flag] = &[
    f("image", None, true),
    f("replicas", Some('r'), true),
    f("port", None, true),
    f("dry-run", None, true),
    f("output", Some('o'), true),
    f("save-config", None, false),
    f("validate", None, true),
];

/// `kubectl create deployment|configmap|secret generic`, parsed.
pub enum Create {
    Deployment(CreateDeployment),
    Data(CreateData),
}

/// `kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=P] [-- COMMAND...]`.
pub struct CreateDeployment {
    name: String,
    /// One container each.
    images: Vec<String>,
    /// After `--`: every container's command.
    command: Vec<String>,
    replicas: i64,
    /// `--port`: every container's port (one that is not a number is left out).
    port: Option<i64>,
    namespace: Option<String>,
    writing: Writing,
}

/// `kubectl create` whose generator word (`deployment`, `configmap`, `secret`) is `argv[at]`.
pub fn parse_create(argv: &[String], at: usize) -> Result<Parsed<Create>, Error> {
    let mut argv = argv.to_vec();
    let word = argv.remove(at);
    match word.as_str() {
        "deployment" | "deploy" => Ok(wrap(parse_create_deployment(&argv)?, Create::Deployment)),
        "configmap" | "cm" => Ok(wrap(parse_create_data(&argv, Kind::ConfigMap)?, Create::Data)),
        // k8s-diff: kubectl's `create service clusterip|nodeport|loadbalancer|externalname`
        // generators are not modelled (no lesson or walkthrough uses them); said plainly rather
        // than as an unknown flag of `create -f`.
        "service" | "svc" => Err(Error::cli(
            "kubelab does not model `kubectl create service` yet: `kubectl expose` or a Service manifest makes a Service",
        )),
        _ => match argv.get(at).map(String::as_str) {
            Some("generic") => {
                argv.remove(at);
                Ok(wrap(parse_create_data(&argv, Kind::Secret)?, Create::Data))
            }
            Some(other @ ("docker-registry" | "tls")) => {
                Err(Error::cli(format!("kubelab does not model `kubectl create secret {other}` yet")))
            }
            _ => Err(Error::cli(
                "must specify one of: generic, docker-registry, tls\nSee 'kubectl create secret -h' for help and examples",
            )),
        },
    }
}

/// Creates the object the generator made (`deployment.apps/web created`).
pub fn create(ctx: &mut Ctx<'_>, req: Create) -> Report {
    match req {
        Create::Deployment(req) => {
            let ns = namespace(ctx, &req.namespace);
            send_new(ctx, &req.writing, Kind::Deployment, deployment(&req), &ns, "created")
        }
        Create::Data(req) => create_data(ctx, req),
    }
}

/// Sends `o` as a create (to a copy of the cluster in a server dry run, not at all in a client
/// one) and reports what `op` did.
fn send_new(ctx: &mut Ctx<'_>, w: &Writing, kind: Kind, o: Value, ns: &str, op: &str) -> Report {
    let mut r = Report::default();
    match write_new(ctx, w.dry, kind, o, ns) {
        Ok(written) => r.out(dryrun::printed(w.out.as_ref(), kind, &written, &w.dry.op(op))),
        Err(e) => r.fail(e),
    }
    r
}

/// What the server made of `o` (in a client dry run, `o` as the generator made it).
fn write_new(ctx: &mut Ctx<'_>, dry: DryRun, kind: Kind, mut o: Value, ns: &str) -> Result<Value, Error> {
    if dry == DryRun::Client {
        return Ok(o);
    }
    if kind.namespaced() {
        obj::meta_mut(&mut o).insert("namespace".into(), jv!(ns));
    }
    // What the server gets has no null timestamp or empty status.
    strip_client_fields(&mut o);
    Ok(match dry {
        DryRun::Server => ctx.sim.clone().create(o)?,
        _ => ctx.sim.create(o)?,
    })
}

#[inline(never)]
pub fn parse_create_deployment(argv: &[String]) -> Result<Parsed<CreateDeployment>, Error> {
    let (a, writing) = parse("create deployment", argv, DEPLOY_FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help("Create a deployment with the specified name.\n\nUsage:\n  kubectl create deployment NAME --image=image -- [COMMAND] [args...] [options]".into()));
    }
    let Some(name) = a.positional.first().cloned() else {
        return Err(Error::cli(
            "exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples",
        ));
    };
    let images = a.all("image");
    if images.is_empty() {
        return Err(Error::cli("required flag(s) \"image\" not set"));
    }
    let command = a.rest.clone().unwrap_or_default();
    if images.len() > 1 && !command.is_empty() {
        return Err(Error::cli("cannot specify multiple --image options and command"));
    }
    // Int32 flags (`-r, --replicas`, `--port`): past int32 is out of range; a negative count is
    // the API server's to refuse.
    let replicas = int32_flag(&a, "replicas", "-r, --replicas")?.unwrap_or(1);
    let port = int32_flag(&a, "port", "--port")?;
    Ok(Parsed::Run(CreateDeployment { name, images, command, replicas, port, namespace: namespace_flag(&a), writing }))
}

/// An Int32 flag of `create deployment`, read as pflag reads it; its error is a flag error,
/// with cobra's usage line.
fn int32_flag(a: &args::Args, name: &str, shown: &str) -> Result<Option<i64>, Error> {
    let Some(v) = a.get(name) else { return Ok(None) };
    args::go_parse_int(v, 32).map(Some).map_err(|why| {
        Error::cli(format!(
            "invalid argument \"{v}\" for \"{shown}\" flag: strconv.ParseInt: parsing \"{v}\": {why}\nSee 'kubectl create deployment --help' for usage."
        ))
    })
}

/// The Deployment the generator makes, as `--dry-run=client -o yaml` shows it.
fn deployment(req: &CreateDeployment) -> Value {
    let mut containers = Vec::new();
    for image in &req.images {
        let mut c = jv!({"image": image, "name": container_name(image), "resources": {}});
        if !req.command.is_empty() {
            c["command"] = jv!(req.command);
        }
        if let Some(p) = req.port {
            c["ports"] = jv!([{"containerPort": p}]);
        }
        containers.push(c);
    }
    let (name, replicas) = (&req.name, req.replicas);
    jv!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"creationTimestamp":null,"labels":{"app":name},"name":name},
        "spec":{"replicas":replicas,"selector":{"matchLabels":{"app":name}},"strategy":{},
            "template":{"metadata":{"creationTimestamp":null,"labels":{"app":name}},"spec":{"containers":containers}}},"status":{}})
}

const EXPOSE_FLAGS: &[Flag] = &[
    f("port", None, true),
    f("target-port", None, true),
    f("type", None, true),
    f("name", None, true),
    f("protocol", None, true),
    f("selector", None, true),
    f("labels", Some('l'), true),
    f("cluster-ip", None, true),
    f("dry-run", None, true),
    f("output", Some('o'), true),
    f("filename", Some('f'), true),
];

/// `kubectl expose (TYPE NAME | TYPE/NAME) [--port=P] [--target-port=T] [--type=T] [--name=N]`:
/// a Service selecting the object's pods (`service/web exposed`).
pub struct Expose {
    kind: Kind,
    name: String,
    /// `--port` (none: the pods' container ports), or what kubectl says of it, reported once
    /// the object's selector is known, where kubectl reports it.
    port: Result<Option<i64>, Error>,
    /// `--target-port`: a number or a port's name.
    target_port: Option<Value>,
    protocol: Option<String>,
    /// `--name` (none: the object's).
    service_name: Option<String>,
    service_type: Option<String>,
    cluster_ip: Option<String>,
    namespace: Option<String>,
    writing: Writing,
}

#[inline(never)]
pub fn parse_expose(argv: &[String]) -> Result<Parsed<Expose>, Error> {
    let (a, writing) = parse("expose", argv, EXPOSE_FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help("Expose a resource as a new Kubernetes service.\n\nUsage:\n  kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type] [options]".into()));
    }
    if a.positional.is_empty() {
        return Err(Error::cli("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"));
    }
    let query = resolve(&a.positional)?;
    let Some((kind, name)) = query.targets.first().and_then(|(k, n)| n.first().map(|n| (*k, n.clone()))) else {
        return Err(Error::cli("resource(s) were provided, but no name was specified"));
    };
    let port = a
        .get("port")
        .map(|p| {
            p.parse::<i64>().map_err(|_| {
                Error::cli(format!(
                    "invalid argument \"{p}\" for \"--port\" flag: strconv.ParseInt: parsing \"{p}\": invalid syntax"
                ))
            })
        })
        .transpose();
    Ok(Parsed::Run(Expose {
        kind,
        name,
        port,
        target_port: a.get("target-port").map(|t| t.parse::<i64>().map(|n| jv!(n)).unwrap_or_else(|_| jv!(t))),
        protocol: a.get("protocol").map(String::from),
        service_name: a.get("name").map(String::from),
        service_type: a.get("type").map(String::from),
        cluster_ip: a.get("cluster-ip").map(String::from),
        namespace: namespace_flag(&a),
        writing,
    }))
}

/// Creates the Service.
pub fn expose(ctx: &mut Ctx<'_>, req: Expose) -> Report {
    let ns = namespace(ctx, &req.namespace);
    match service_for(ctx, &req, &ns) {
        Ok(svc) => send_new(ctx, &req.writing, Kind::Service, svc, &ns, "exposed"),
        Err(e) => Report::failure(e),
    }
}

/// The Service the generator makes for the object.
fn service_for(ctx: &Ctx<'_>, req: &Expose, ns: &str) -> Result<Value, Error> {
    let Some(o) = ctx.sim.store.get(&ObjKey::new(req.kind, ns, &req.name)) else {
        return Err(Error::not_found(req.kind.qualified_plural(), req.name.clone()));
    };
    let (selector, pod_spec) = exposed(req.kind, o)?;
    let Some(selector) = selector.filter(|s| s.as_object().is_some_and(|m| !m.is_empty())) else {
        return Err(Error::cli(format!(
            "couldn't retrieve selectors via --selector flag or introspection: the {} has no labels",
            req.kind.info().singular
        )));
    };
    let ports = service_ports(req, introspected_ports(req.kind, o, pod_spec.as_ref()))?;
    let svc_name = req.service_name.clone().unwrap_or_else(|| obj::name(o).to_string());
    let labels = o.ptr("/metadata/labels").cloned().unwrap_or(jv!({}));
    let mut svc = jv!({"apiVersion":"v1","kind":"Service","metadata":{"creationTimestamp":null,"name":svc_name},"spec":{"ports":ports,"selector":selector},"status":{"loadBalancer":{}}});
    if labels.as_object().is_some_and(|m| !m.is_empty()) {
        svc["metadata"]["labels"] = labels;
    }
    if let Some(t) = &req.service_type {
        svc["spec"]["type"] = jv!(t);
    }
    if let Some(ip) = &req.cluster_ip {
        svc["spec"]["clusterIP"] = jv!(ip);
    }
    Ok(svc)
}

/// The object's pod selector and pod spec (canbeexposed.go: only these kinds, a StatefulSet
/// not one of them, named by GroupKind).
fn exposed(kind: Kind, o: &Value) -> Result<(Option<Value>, Option<Value>), Error> {
    Ok(match kind {
        Kind::Pod => (o.ptr("/metadata/labels").cloned(), o.get("spec").cloned()),
        Kind::Deployment | Kind::ReplicaSet => {
            (o.ptr("/spec/selector/matchLabels").cloned(), o.ptr("/spec/template/spec").cloned())
        }
        Kind::Service => (o.ptr("/spec/selector").cloned(), None),
        other => {
            let group = other.api_version().rsplit_once('/').map(|(g, _)| format!(".{g}")).unwrap_or_default();
            return Err(Error::cli(format!("cannot expose a {other}{group}")));
        }
    })
}

/// The pods' container ports (`PortsForObject`), or a Service's ports, with their protocols.
fn introspected_ports(kind: Kind, o: &Value, pod_spec: Option<&Value>) -> Vec<(i64, String)> {
    let protocol = |p: &Value| obj::str_at(p, "/protocol").unwrap_or("TCP").to_string();
    match pod_spec {
        Some(s) => obj::arr_at(s, "/containers")
            .iter()
            .flat_map(|c| obj::arr_at(c, "/ports"))
            .filter_map(|p| Some((obj::i64_at(p, "/containerPort")?, protocol(p))))
            .collect(),
        None if kind == Kind::Service => {
            obj::arr_at(o, "/spec/ports").iter().filter_map(|p| Some((obj::i64_at(p, "/port")?, protocol(p)))).collect()
        }
        None => Vec::new(),
    }
}

/// The Service's ports: `--port`, else the introspected ones (named `port-N` when several).
fn service_ports(req: &Expose, introspected: Vec<(i64, String)>) -> Result<Vec<Value>, Error> {
    let ports: Vec<(i64, String)> = match req.port.clone()? {
        Some(n) => vec![(n, req.protocol.clone().unwrap_or_else(|| "TCP".into()))],
        None => introspected.into_iter().map(|(n, pr)| (n, req.protocol.clone().unwrap_or(pr))).collect(),
    };
    if ports.is_empty() {
        return Err(Error::cli(
            "couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples",
        ));
    }
    let several = ports.len() > 1;
    Ok(ports
        .iter()
        .enumerate()
        .map(|(i, (port, proto))| {
            let target = req.target_port.clone().unwrap_or(jv!(port));
            let mut p = jv!({"port": port, "protocol": proto, "targetPort": target});
            if several {
                p["name"] = jv!(format!("port-{}", i + 1));
            }
            p
        })
        .collect())
}

const DATA_FLAGS: &[Flag] = &[
    f("from-literal", None, true),
    f("from-file", None, true),
    f("from-env-file", None, true),
    f("type", None, true),
    f("dry-run", None, true),
    f("output", Some('o'), true),
    f("save-config", None, false),
    f("append-hash", None, false),
];

/// `kubectl create configmap NAME` and `kubectl create secret generic NAME`, from
/// `--from-literal=KEY=VALUE` and `--from-file=[KEY=]PATH` (a Secret's values base64 in `data`).
pub struct CreateData {
    kind: Kind,
    name: String,
    /// `--from-literal`: (key, value), the keys distinct.
    literals: Vec<(String, String)>,
    /// `--from-file`: (key, path), read when the command runs.
    files: Vec<(String, String)>,
    /// A Secret's `--type`.
    secret_type: Option<String>,
    namespace: Option<String>,
    writing: Writing,
}

pub fn parse_create_data(argv: &[String], kind: Kind) -> Result<Parsed<CreateData>, Error> {
    let what = if kind == Kind::Secret { "secret generic" } else { "configmap" };
    let (a, writing) = parse(&format!("create {what}"), argv, DATA_FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help(format!("Create a {} from a local file, directory or literal value.\n\nUsage:\n  kubectl create {what} NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none] [options]", if kind == Kind::Secret { "secret" } else { "config map" })));
    }
    let Some(name) = a.positional.first().cloned() else {
        return Err(Error::cli(format!(
            "exactly one NAME is required, got 0\nSee 'kubectl create {what} -h' for help and examples"
        )));
    };
    let mut literals: Vec<(String, String)> = Vec::new();
    for lit in a.all("from-literal") {
        let Some((k, v)) = lit.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Err(Error::cli(format!("invalid literal source {lit}, expected key=value")));
        };
        if literals.iter().any(|(have, _)| have == k) {
            return Err(Error::cli(format!(
                "cannot add key {k}, another key by that name already exists in Data for {} \"{name}\"",
                if kind == Kind::Secret { "Secret" } else { "ConfigMap" }
            )));
        }
        literals.push((k.to_string(), v.to_string()));
    }
    let files = a
        .all("from-file")
        .into_iter()
        .map(|spec| match spec.split_once('=') {
            Some((k, p)) => (k.to_string(), p.to_string()),
            None => (spec.rsplit('/').next().unwrap_or(&spec).to_string(), spec.clone()),
        })
        .collect();
    let secret_type = a.get("type").filter(|_| kind == Kind::Secret).map(String::from);
    Ok(Parsed::Run(CreateData { kind, name, literals, files, secret_type, namespace: namespace_flag(&a), writing }))
}

/// Reads the `--from-file` files, then creates the object.
fn create_data(ctx: &mut Ctx<'_>, req: CreateData) -> Report {
    let mut data = serde_json::Map::new();
    for (k, v) in &req.literals {
        data.insert(k.clone(), jv!(v));
    }
    // A file that is not UTF-8 goes to a ConfigMap's binaryData (base64), as kubectl's
    // addKeyFromFileToConfigMap puts it; a Secret's data is base64 of the bytes either way.
    let mut binary = serde_json::Map::new();
    for (key, path) in &req.files {
        match ctx.files.read_bytes(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    data.insert(key.clone(), jv!(text));
                }
                Err(e) => {
                    binary.insert(key.clone(), jv!(crate::support::base64::encode(e.as_bytes())));
                }
            },
            Err(_) => return Report::failure(Error::cli(format!("error reading {path}: no such file or directory"))),
        }
    }
    let ns = namespace(ctx, &req.namespace);
    send_new(ctx, &req.writing, req.kind, data_object(&req, data, binary), &ns, "created")
}

/// The ConfigMap or Secret the generator makes of `data`.
fn data_object(
    req: &CreateData,
    mut data: serde_json::Map<String, Value>,
    mut binary: serde_json::Map<String, Value>,
) -> Value {
    let name = &req.name;
    let mut o = if req.kind == Kind::Secret {
        for v in data.values_mut() {
            *v = jv!(crate::support::base64::encode(v.as_str().unwrap_or("").as_bytes()));
        }
        data.extend(std::mem::take(&mut binary));
        jv!({"apiVersion":"v1","kind":"Secret","metadata":{"creationTimestamp":null,"name":name}})
    } else {
        jv!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"creationTimestamp":null,"name":name}})
    };
    if !data.is_empty() {
        o["data"] = Value::Object(data);
    }
    if !binary.is_empty() {
        o["binaryData"] = Value::Object(binary);
    }
    if let Some(t) = &req.secret_type {
        o["type"] = jv!(t);
    }
    o
}

/// kubectl's `selectString` (`pkg/cmd/set/helper.go`), which picks the containers of `set env`
/// and `set image`: `spec` with a non-greedy `*` wildcard. Its quirk is kept: each part is found
/// in what follows the previous one, but its index is compared as if counted from the start.
fn select_string(s: &str, spec: &str) -> bool {
    if spec == "*" {
        return true;
    }
    if !spec.contains('*') {
        return s == spec;
    }
    let parts: Vec<&str> = spec.split('*').collect();
    let mut pos: i64 = 0;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        let next = s.get(pos as usize..).and_then(|rest| rest.find(part)).map_or(-1, |n| n as i64);
        let last = i == parts.len() - 1;
        if next < pos || (i == 0 && pos != 0) || (last && s.len() as i64 != part.len() as i64 + next) {
            return false;
        }
        pos = next;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::stages;
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

    /// A cluster with Deployment `web` (one container `app`, `MODE=dev`) and ConfigMap `cfg`.
    fn cluster() -> Sim {
        let mut sim = Sim::new(SimConfig::seeded(1));
        sim.create(jv!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
            "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
              "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
                {"name":"app","image":"nginx","env":[{"name":"MODE","value":"dev"}],"ports":[{"containerPort":80}]}]}}}}))
        .unwrap();
        sim.create(jv!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"default"},
            "data":{"log-level":"debug"}}))
            .unwrap();
        sim
    }

    /// Runs a command's stages on `sim`: its exit status and what it printed.
    fn run<R>(
        sim: &mut Sim,
        parsed: Result<Parsed<R>, Error>,
        execute: impl FnOnce(&mut Ctx<'_>, R) -> Report,
    ) -> (i32, Output) {
        let mut out = Output::default();
        let mut ctx = Ctx::plain(sim, &mut out);
        let code = stages::run(&mut ctx, parsed, execute).code;
        (code, out)
    }

    fn web(sim: &Sim) -> &Value {
        sim.get(Kind::Deployment, "default", "web").unwrap()
    }

    #[test]
    fn parse_set_needs_a_subcommand_it_models() {
        assert_eq!(
            refused(parse_set(&[])),
            "error: Required resource not specified.\nSee 'kubectl set -h' for help and examples"
        );
        assert_eq!(
            refused(parse_set(&argv("selector svc/web app=web"))),
            "error: kubelab does not model `kubectl set selector` yet; edit the manifest and apply it"
        );
        assert_eq!(refused(parse_set(&argv("imag deploy/web"))), "error: unknown command \"imag\" for \"kubectl set\"");
    }

    #[test]
    fn parse_set_image_needs_an_update_and_an_object() {
        assert_eq!(
            refused(parse_set_image(&argv("deploy/web"))),
            "error: at least one image update is required\nSee 'kubectl set image -h' for help and examples"
        );
        assert_eq!(
            refused(parse_set_image(&argv("app=nginx:1.25"))),
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl set image -h' for help and examples"
        );
        assert_eq!(
            refused(parse_set_image(&argv("deploy/web app=nginx --dry-run=maybe"))),
            "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\"."
        );
    }

    #[test]
    fn parse_set_env_reads_changes_as_parse_env_does() {
        assert_eq!(
            refused(parse_set_env(&argv("deploy/web A=1 deploy/other"))),
            "error: all resources must be specified before environment changes: deploy/web A=1 deploy/other"
        );
        assert_eq!(
            refused(parse_set_env(&argv("deploy/web --keys=a"))),
            "error: when specifying --keys, a configmap or secret must be provided with --from"
        );
        assert_eq!(
            refused(parse_set_env(&argv("deploy/web --list -o yaml"))),
            "error: --list and --output may not be specified together"
        );
        assert_eq!(
            refused(parse_set_env(&argv("deploy/web --from=pod/x"))),
            "error: unsupported resource specified in --from"
        );
        assert!(refused(parse_set_env(&argv("deploy/web 1A=x")))
            .starts_with("error: \"1A\" is not a valid key name: a valid environment variable name must consist"));
        let Ok(Parsed::Run(req)) = parse_set_env(&argv("deploy/web A=1 B- --prefix=P_ --list")) else { panic!() };
        assert_eq!(req.set, vec![jv!({"name": "P_A", "value": "1"})]);
        assert_eq!(req.remove, ["B"]);
        assert_eq!(req.targets.writing.dry, DryRun::Client);
    }

    #[test]
    fn set_image_updates_the_template_and_says_so_once() {
        let mut sim = cluster();
        let (code, out) = run(&mut sim, parse_set(&argv("image deploy/web app=nginx:1.25")), set);
        assert_eq!((code, out.text().as_str()), (0, "deployment.apps/web image updated\n"));
        assert_eq!(obj::str_at(web(&sim), "/spec/template/spec/containers/0/image"), Some("nginx:1.25"));
        // The same image again changes nothing and prints nothing.
        let (code, out) = run(&mut sim, parse_set(&argv("image deploy/web app=nginx:1.25")), set);
        assert_eq!((code, out.text().as_str()), (0, ""));
        let (code, out) = run(&mut sim, parse_set(&argv("image deploy/web db=mysql")), set);
        assert_eq!((code, out.stderr().as_str()), (1, "error: unable to find container named \"db\"\n"));
    }

    #[test]
    fn set_env_reports_each_object_and_lists_after() {
        let mut sim = cluster();
        let (code, out) =
            run(&mut sim, parse_set(&argv("env deploy/web deploy/gone --from=configmap/cfg MODE=prod")), set);
        assert_eq!(code, 1);
        assert_eq!(
            out.text(),
            "deployment.apps/web env updated\nError from server (NotFound): deployments.apps \"gone\" not found\n"
        );
        let (code, out) = run(&mut sim, parse_set(&argv("env deploy/web --list")), set);
        assert_eq!(
            (code, out.stdout().as_str()),
            (0, "# Deployment web, container app\nMODE=prod\n# LOG_LEVEL from configmap cfg, key log-level\n")
        );
        // No container matches: a warning, not a failure.
        let (code, out) = run(&mut sim, parse_set(&argv("env deploy/web -c db A=1")), set);
        assert_eq!(
            (code, out.stderr().as_str()),
            (0, "warning: Deployment/web does not have any containers matching \"db\"\n")
        );
        let (code, out) = run(&mut sim, parse_set(&argv("env deploy/web --from=secret/none")), set);
        assert_eq!((code, out.text().as_str()), (1, "Error from server (NotFound): secrets \"none\" not found\n"));
    }

    /// `kubectl create WORDS...` parsed as the dispatch parses it.
    fn parse_create_line(line: &str) -> Result<Parsed<Create>, Error> {
        let words = argv(line);
        let at = words.iter().position(|w| ["deployment", "deploy", "configmap", "cm", "secret"].contains(&w.as_str()));
        parse_create(&words, at.unwrap())
    }

    #[test]
    fn parse_create_deployment_needs_a_name_and_an_image() {
        assert_eq!(
            refused(parse_create_line("deployment --image=nginx")),
            "error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples"
        );
        assert_eq!(refused(parse_create_line("deployment web")), "error: required flag(s) \"image\" not set");
        assert_eq!(
            refused(parse_create_line("deployment web --image=a --image=b -- sleep 1")),
            "error: cannot specify multiple --image options and command"
        );
        assert_eq!(
            refused(parse_create_line("deployment web --image=nginx -r two")),
            "error: invalid argument \"two\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"two\": invalid syntax\nSee 'kubectl create deployment --help' for usage."
        );
        assert_eq!(
            refused(parse_create_line("deployment web --image=nginx --port=http")),
            "error: invalid argument \"http\" for \"--port\" flag: strconv.ParseInt: parsing \"http\": invalid syntax\nSee 'kubectl create deployment --help' for usage."
        );
        assert!(
            matches!(parse_create_line("deploy web -h"), Ok(Parsed::Help(h)) if h.starts_with("Create a deployment"))
        );
    }

    #[test]
    fn parse_create_secret_needs_a_modelled_type() {
        assert_eq!(
            refused(parse_create_line("secret web")),
            "error: must specify one of: generic, docker-registry, tls\nSee 'kubectl create secret -h' for help and examples"
        );
        assert_eq!(
            refused(parse_create_line("secret tls web")),
            "error: kubelab does not model `kubectl create secret tls` yet"
        );
        assert_eq!(
            refused(parse_create_line("secret generic db --from-literal=a=1 --from-literal=a=2")),
            "error: cannot add key a, another key by that name already exists in Data for Secret \"db\""
        );
        assert_eq!(
            refused(parse_create_line("cm cfg --from-literal==1")),
            "error: invalid literal source =1, expected key=value"
        );
    }

    #[test]
    fn create_deployment_sends_what_the_dry_run_shows() {
        let mut sim = Sim::new(SimConfig::seeded(1));
        let (code, out) =
            run(&mut sim, parse_create_line("deployment api --image=registry.k8s.io/echo:1 -r 2 --port=8080"), create);
        assert_eq!((code, out.text().as_str()), (0, "deployment.apps/api created\n"));
        let d = sim.get(Kind::Deployment, "default", "api").unwrap();
        assert_eq!(obj::i64_at(d, "/spec/replicas"), Some(2));
        assert_eq!(obj::str_at(d, "/spec/template/spec/containers/0/name"), Some("echo"));
        assert_eq!(obj::i64_at(d, "/spec/template/spec/containers/0/ports/0/containerPort"), Some(8080));
        let (code, out) = run(&mut sim, parse_create_line("deployment api --image=nginx -n default"), create);
        assert_eq!(
            (code, out.stderr().as_str()),
            (1, "Error from server (AlreadyExists): deployments.apps \"api\" already exists\n")
        );
        let (code, out) =
            run(&mut sim, parse_create_line("deployment other --image=nginx --dry-run=client -o name"), create);
        assert_eq!((code, out.text().as_str()), (0, "deployment.apps/other\n"));
        assert!(sim.get(Kind::Deployment, "default", "other").is_none());
    }

    #[test]
    fn create_secret_generic_encodes_its_literals() {
        let mut sim = Sim::new(SimConfig::seeded(1));
        let (code, out) =
            run(&mut sim, parse_create_line("secret generic db --from-literal=password=s3cret --type=Opaque"), create);
        assert_eq!((code, out.text().as_str()), (0, "secret/db created\n"));
        let s = sim.get(Kind::Secret, "default", "db").unwrap();
        assert_eq!(obj::str_at(s, "/data/password"), Some("czNjcmV0"));
        assert_eq!(obj::str_at(s, "/type"), Some("Opaque"));
        let (code, out) = run(&mut sim, parse_create_line("configmap cfg --from-file=app.conf"), create);
        assert_eq!((code, out.text().as_str()), (1, "error: error reading app.conf: no such file or directory\n"));
    }

    #[test]
    fn parse_expose_needs_one_named_object() {
        assert!(refused(parse_expose(&[]))
            .starts_with("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n"));
        assert_eq!(
            refused(parse_expose(&argv("deployment"))),
            "error: resource(s) were provided, but no name was specified"
        );
        // A --port that is not a number is kept to be reported where kubectl reports it.
        let Ok(Parsed::Run(req)) = parse_expose(&argv("deploy/web --port=http")) else { panic!() };
        assert_eq!(
            req.port.unwrap_err().to_string(),
            "error: invalid argument \"http\" for \"--port\" flag: strconv.ParseInt: parsing \"http\": invalid syntax"
        );
    }

    #[test]
    fn expose_selects_the_pods_on_their_container_ports() {
        let mut sim = cluster();
        let (code, out) = run(&mut sim, parse_expose(&argv("deploy/web --target-port=http --name=front")), expose);
        assert_eq!((code, out.text().as_str()), (0, "service/front exposed\n"));
        let svc = sim.get(Kind::Service, "default", "front").unwrap();
        assert_eq!(svc["spec"]["selector"], jv!({"app": "web"}));
        assert_eq!(svc["spec"]["ports"][0]["port"], jv!(80));
        assert_eq!(svc["spec"]["ports"][0]["targetPort"], jv!("http"));
        let (code, out) = run(&mut sim, parse_expose(&argv("configmap cfg --port=80")), expose);
        assert_eq!((code, out.text().as_str()), (1, "error: cannot expose a ConfigMap\n"));
        let (code, out) = run(&mut sim, parse_expose(&argv("deploy/gone --port=x")), expose);
        assert_eq!(
            (code, out.text().as_str()),
            (1, "Error from server (NotFound): deployments.apps \"gone\" not found\n")
        );
    }

    #[test]
    fn container_names_come_from_the_image() {
        assert_eq!(container_name("nginx"), "nginx");
        assert_eq!(container_name("nginx:1.25"), "nginx");
        assert_eq!(container_name("registry.k8s.io/nginx-slim:0.8"), "nginx-slim");
        assert_eq!(container_name("busybox@sha256:abc"), "busybox");
        assert_eq!(container_name("my_app"), "my-app");
    }
}
