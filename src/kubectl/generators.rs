//! The commands that write an object for you: `kubectl set image`, `kubectl create deployment`
//! and `kubectl expose`, each with `--dry-run` and `-o` as the others have them.

use super::args::{self, f, Args, Flag};
use super::dryrun::{self, DryRun};
use super::errors::Error;
use super::get::resolve;
use super::Ctx;
use crate::jv;
use crate::sim::obj::Ptr;
use crate::sim::{obj, Kind, ObjKey};
use serde_json::Value;

fn parse(
    ctx: &mut Ctx<'_>,
    cmd: &str,
    argv: &[String],
    flags: &[Flag],
) -> Option<(Args, DryRun, Option<super::get::Format>)> {
    let a = match args::parse(cmd, argv, flags) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return None;
        }
    };
    match dryrun::options(&a) {
        Ok((d, o)) => Some((a, d, o)),
        Err(e) => {
            ctx.report(e);
            None
        }
    }
}

/// Sends `o` as a create (or not, in a dry run) and prints what `op` did.
fn create(
    ctx: &mut Ctx<'_>,
    dry: DryRun,
    out: Option<&super::get::Format>,
    kind: Kind,
    mut o: Value,
    ns: &str,
    op: &str,
) -> i32 {
    if dry == DryRun::Client {
        dryrun::print(ctx, out, kind, &o, &dry.op(op));
        return 0;
    }
    if kind.namespaced() {
        obj::meta_mut(&mut o).insert("namespace".into(), jv!(ns));
    }
    // What the server gets has no null timestamp or empty status.
    strip_client_fields(&mut o);
    let mut shadow = (dry == DryRun::Server).then(|| ctx.sim.clone());
    match shadow.as_mut().unwrap_or(&mut *ctx.sim).create(o) {
        Ok(created) => {
            dryrun::print(ctx, out, kind, &created, &dry.op(op));
            0
        }
        Err(e) => {
            ctx.report(&e);
            1
        }
    }
}

fn strip_client_fields(o: &mut Value) {
    obj::meta_mut(o).remove("creationTimestamp");
    if let Some(t) = o.pointer_mut("/spec/template/metadata").and_then(Value::as_object_mut) {
        t.remove("creationTimestamp");
    }
    if let Some(m) = o.as_object_mut() {
        m.remove("status");
    }
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

/// `kubectl set image|env`.
pub fn set(ctx: &mut Ctx<'_>, argv: &[String]) -> i32 {
    let Some((sub, rest)) = argv.split_first() else {
        ctx.eprintln("error: Required resource not specified.\nSee 'kubectl set -h' for help and examples");
        return 1;
    };
    match sub.as_str() {
        "image" => set_image(ctx, rest),
        "env" => set_env(ctx, rest),
        "resources" | "selector" | "serviceaccount" | "subject" => {
            ctx.eprintln(&format!(
                "error: kubelab does not model `kubectl set {sub}` yet; edit the manifest and apply it"
            ));
            1
        }
        _ => {
            ctx.eprintln(&format!("error: unknown command \"{sub}\" for \"kubectl set\""));
            1
        }
    }
}

/// `kubectl set image (TYPE NAME | TYPE/NAME) CONTAINER=IMAGE ...` (`*=IMAGE` for every
/// container): `deployment.apps/web image updated`, nothing when nothing changes.
fn set_image(ctx: &mut Ctx<'_>, rest: &[String]) -> i32 {
    let Some((a, dry, out)) = parse(ctx, "set image", rest, SET_FLAGS) else { return 1 };
    if a.bool("help") {
        ctx.println("Update existing container image(s) of resources.\n\nUsage:\n  kubectl set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N [options]");
        return 0;
    }
    let (pairs, objects): (Vec<String>, Vec<String>) = a.positional.iter().cloned().partition(|p| p.contains('='));
    if pairs.is_empty() {
        ctx.eprintln("error: at least one image update is required\nSee 'kubectl set image -h' for help and examples");
        return 1;
    }
    if objects.is_empty() {
        ctx.eprintln("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl set image -h' for help and examples");
        return 1;
    }
    update_pod_specs(ctx, &a, dry, out.as_ref(), &objects, "image updated", |_, _, containers| {
        for pair in &pairs {
            let (container, image) = pair.split_once('=').unwrap_or((pair, ""));
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
    })
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

/// `kubectl set env (TYPE NAME | TYPE/NAME) KEY=VALUE ... KEY- ...` (set_env.go): new
/// variables go at the end, existing ones are replaced in place, `KEY-` removes; `--from` a
/// Secret or ConfigMap adds a reference per key; `--list` prints the variables.
fn set_env(ctx: &mut Ctx<'_>, rest: &[String]) -> i32 {
    let Some((a, dry, out)) = parse(ctx, "set env", rest, ENV_FLAGS) else { return 1 };
    if a.bool("help") {
        ctx.println("Update environment variables on a pod template.\n\nUsage:\n  kubectl set env RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N [options]");
        return 0;
    }
    // SplitEnvironmentFromResources: resources first, then the changes.
    let split = a
        .positional
        .iter()
        .position(|p| p.contains('=') || (p.ends_with('-') && p.len() > 1))
        .unwrap_or(a.positional.len());
    let (objects, changes) = a.positional.split_at(split);
    if changes.iter().any(|p| !(p.contains('=') || p.ends_with('-'))) {
        ctx.eprintln(&format!(
            "error: all resources must be specified before environment changes: {}",
            a.positional.join(" ")
        ));
        return 1;
    }
    if objects.is_empty() {
        ctx.eprintln("error: one or more resources must be specified as <resource> <name> or <resource>/<name>");
        return 1;
    }
    if a.bool("list") && a.get("output").is_some() {
        ctx.eprintln("error: --list and --output may not be specified together");
        return 1;
    }
    if a.get("keys").is_some() && a.get("from").is_none() {
        ctx.eprintln("error: when specifying --keys, a configmap or secret must be provided with --from");
        return 1;
    }
    let overwrite = a.get("overwrite").is_none_or(|v| v != "false");
    // envutil.ParseEnv.
    let mut set: Vec<Value> = Vec::new();
    let mut remove: Vec<String> = Vec::new();
    for spec in a.all("env").iter().chain(changes) {
        if let Some((k, v)) = spec.split_once('=') {
            if let Err(e) = crate::sim::validation::env_var_name(k) {
                ctx.eprintln(&format!("error: \"{k}\" is not a valid key name: {e}"));
                return 1;
            }
            set.push(jv!({"name": k, "value": v}));
        } else if let Some(k) = spec.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            ctx.eprintln(&format!("error: unknown environment variable: {spec}"));
            return 1;
        }
    }
    let ns = ctx.namespace(&a);
    if let Some(from) = a.get("from") {
        let keys: Vec<String> = a.get("keys").map(|k| k.split(',').map(String::from).collect()).unwrap_or_default();
        let (kind, name) = match from.split_once('/').map(|(t, n)| (Kind::from_arg(t), n)) {
            Some((Some(k @ (Kind::Secret | Kind::ConfigMap)), n)) => (k, n.to_string()),
            _ => {
                ctx.eprintln("error: unsupported resource specified in --from");
                return 1;
            }
        };
        let Some(source) = ctx.sim.get(kind, &ns, &name).cloned() else {
            ctx.report(Error::not_found(kind.qualified_plural(), name));
            return 1;
        };
        // k8s-diff: the keys in their sorted order (kubectl ranges over a Go map).
        let data = source
            .get("data")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        let prefix = a.get("prefix").unwrap_or("");
        for key in data.into_iter().filter(|k| keys.is_empty() || keys.contains(k)) {
            let env_name: String = key
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_uppercase() } else { '_' })
                .collect();
            let reference = if kind == Kind::Secret { "secretKeyRef" } else { "configMapKeyRef" };
            let mut v = jv!({"name": format!("{prefix}{env_name}"), "valueFrom": {}});
            v["valueFrom"][reference] = jv!({"key": key, "name": name});
            set.push(v);
        }
    } else if let Some(prefix) = a.get("prefix") {
        for v in &mut set {
            let n = v["name"].as_str().unwrap_or("").to_string();
            v["name"] = jv!(format!("{prefix}{n}"));
        }
    }
    let selector = a.get("containers").unwrap_or("*").to_string();
    let list = a.bool("list");
    let mut listing = String::new();
    let code = update_pod_specs(
        ctx,
        &a,
        if list { DryRun::Client } else { dry },
        out.as_ref(),
        objects,
        if list { "" } else { "env updated" },
        |kind, name, containers| {
            let chosen: Vec<&mut Value> = containers
                .iter_mut()
                .filter(|c| select_string(c.get("name").and_then(Value::as_str).unwrap_or(""), &selector))
                .collect();
            if chosen.is_empty() {
                return Err(Error::Text(format!(
                    "warning: {kind}/{name} does not have any containers matching \"{selector}\""
                )));
            }
            for c in chosen {
                let old = c.get("env").and_then(Value::as_array).cloned().unwrap_or_default();
                // validateNoOverwrites.
                if !overwrite {
                    for e in &set {
                        let n = e.get("name").and_then(Value::as_str).unwrap_or("");
                        if let Some(have) = old.iter().find(|o| o.get("name").and_then(Value::as_str) == Some(n)) {
                            let v = have.get("value").and_then(Value::as_str).unwrap_or("");
                            return Err(Error::cli(format!(
                                "{}/{name} '{n}' already has a value ({v}), and --overwrite is false",
                                kind.info().plural
                            )));
                        }
                    }
                }
                let new = update_env(&old, &set, &remove);
                if list {
                    listing.push_str(&format!(
                        "# {kind} {name}, container {}\n",
                        c.get("name").and_then(Value::as_str).unwrap_or("")
                    ));
                    for e in &new {
                        let n = e.get("name").and_then(Value::as_str).unwrap_or("");
                        match e.get("valueFrom") {
                            None => listing
                                .push_str(&format!("{n}={}\n", e.get("value").and_then(Value::as_str).unwrap_or(""))),
                            Some(from) => listing.push_str(&format!("# {n} from {}\n", ref_string(from))),
                        }
                    }
                    continue;
                }
                if new.is_empty() {
                    if let Some(m) = c.as_object_mut() {
                        m.remove("env");
                    }
                } else {
                    c["env"] = Value::Array(new);
                }
            }
            Ok(())
        },
    );
    if list {
        ctx.out.out(&listing);
    }
    code
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
/// Kind and name), then sends the update (or not, in a dry run) and prints `op`; an object
/// whose spec did not change is left alone and not printed.
fn update_pod_specs(
    ctx: &mut Ctx<'_>,
    a: &Args,
    dry: DryRun,
    out: Option<&super::get::Format>,
    objects: &[String],
    op: &str,
    mut edit: impl FnMut(Kind, &str, &mut Vec<Value>) -> Result<(), Error>,
) -> i32 {
    let ns = ctx.namespace(a);
    let query = match resolve(objects) {
        Ok(q) => q,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    let mut code = 0;
    for (kind, names) in query.targets {
        for name in names {
            let key = ObjKey::new(kind, &ns, &name);
            let Some(mut o) = ctx.sim.store.get(&key).cloned() else {
                ctx.report(Error::not_found(kind.qualified_plural(), name));
                code = 1;
                continue;
            };
            let path = match kind {
                Kind::Pod => "/spec/containers",
                Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet => "/spec/template/spec/containers",
                _ => {
                    ctx.eprintln(&format!("error: the object of kind {kind} has no pod template"));
                    code = 1;
                    continue;
                }
            };
            let before = o.clone();
            let Some(list) = o.pointer_mut(path).and_then(Value::as_array_mut) else { continue };
            if let Err(e) = edit(kind, &name, list) {
                let warning = matches!(&e, Error::Text(t) if t.starts_with("warning:"));
                ctx.report(e);
                if warning {
                    continue;
                }
                return 1;
            }
            if o == before || op.is_empty() {
                continue;
            }
            let op = dry.op(op);
            match dry {
                DryRun::Client => dryrun::print(ctx, out, kind, &o, &op),
                _ => {
                    let mut shadow = (dry == DryRun::Server).then(|| ctx.sim.clone());
                    match shadow.as_mut().unwrap_or(&mut *ctx.sim).update(o) {
                        Ok(after) => dryrun::print(ctx, out, kind, &after, &op),
                        Err(e) => {
                            ctx.report(&e);
                            code = 1;
                        }
                    }
                }
            }
        }
    }
    code
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

/// `kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=P] [-- COMMAND...]`.
pub fn create_deployment(ctx: &mut Ctx<'_>, argv: &[String]) -> i32 {
    let Some((a, dry, out)) = parse(ctx, "create deployment", argv, DEPLOY_FLAGS) else { return 1 };
    if a.bool("help") {
        ctx.println("Create a deployment with the specified name.\n\nUsage:\n  kubectl create deployment NAME --image=image -- [COMMAND] [args...] [options]");
        return 0;
    }
    let Some(name) = a.positional.first().cloned() else {
        ctx.eprintln(
            "error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples",
        );
        return 1;
    };
    let images = a.all("image");
    if images.is_empty() {
        ctx.eprintln("error: required flag(s) \"image\" not set");
        return 1;
    }
    let command = a.rest.clone().unwrap_or_default();
    if images.len() > 1 && !command.is_empty() {
        ctx.eprintln("error: cannot specify multiple --image options and command");
        return 1;
    }
    let replicas: i64 = match a.get("replicas").map(str::parse).transpose() {
        Ok(r) => r.unwrap_or(1),
        Err(_) => {
            ctx.eprintln(&format!("error: invalid argument \"{}\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"{0}\": invalid syntax", a.get("replicas").unwrap_or("")));
            return 1;
        }
    };
    let mut containers = Vec::new();
    for image in &images {
        let mut c = jv!({"image": image, "name": container_name(image), "resources": {}});
        if !command.is_empty() {
            c["command"] = jv!(command);
        }
        if let Some(p) = a.get("port").and_then(|p| p.parse::<i64>().ok()) {
            c["ports"] = jv!([{"containerPort": p}]);
        }
        containers.push(c);
    }
    let d = jv!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"creationTimestamp":null,"labels":{"app":name},"name":name},
        "spec":{"replicas":replicas,"selector":{"matchLabels":{"app":name}},"strategy":{},
            "template":{"metadata":{"creationTimestamp":null,"labels":{"app":name}},"spec":{"containers":containers}}},"status":{}});
    let ns = ctx.namespace(&a);
    create(ctx, dry, out.as_ref(), Kind::Deployment, d, &ns, "created")
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
pub fn expose(ctx: &mut Ctx<'_>, argv: &[String]) -> i32 {
    let Some((a, dry, out)) = parse(ctx, "expose", argv, EXPOSE_FLAGS) else { return 1 };
    if a.bool("help") {
        ctx.println("Expose a resource as a new Kubernetes service.\n\nUsage:\n  kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type] [options]");
        return 0;
    }
    if a.positional.is_empty() {
        ctx.eprintln("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        return 1;
    }
    let ns = ctx.namespace(&a);
    let query = match resolve(&a.positional) {
        Ok(q) => q,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    let Some((kind, name)) = query.targets.first().and_then(|(k, n)| n.first().map(|n| (*k, n.clone()))) else {
        ctx.eprintln("error: resource(s) were provided, but no name was specified");
        return 1;
    };
    let Some(o) = ctx.sim.store.get(&ObjKey::new(kind, &ns, &name)).cloned() else {
        ctx.report(Error::not_found(kind.qualified_plural(), name));
        return 1;
    };
    let (selector, pod_spec) = match kind {
        Kind::Pod => (o.ptr("/metadata/labels").cloned(), o.get("spec").cloned()),
        Kind::Deployment | Kind::ReplicaSet => {
            (o.ptr("/spec/selector/matchLabels").cloned(), o.ptr("/spec/template/spec").cloned())
        }
        Kind::Service => (o.ptr("/spec/selector").cloned(), None),
        // canbeexposed.go: only these kinds (a StatefulSet is not one), named by GroupKind.
        other => {
            let group = other.api_version().rsplit_once('/').map(|(g, _)| format!(".{g}")).unwrap_or_default();
            ctx.eprintln(&format!("error: cannot expose a {other}{group}"));
            return 1;
        }
    };
    let Some(selector) = selector.filter(|s| s.as_object().is_some_and(|m| !m.is_empty())) else {
        ctx.eprintln(&format!(
            "error: couldn't retrieve selectors via --selector flag or introspection: the {} has no labels",
            kind.info().singular
        ));
        return 1;
    };
    // The port: --port, else the pods' container ports (`PortsForObject`).
    let introspected: Vec<(i64, String)> = pod_spec
        .as_ref()
        .map(|s| {
            obj::arr_at(s, "/containers")
                .iter()
                .flat_map(|c| obj::arr_at(c, "/ports"))
                .filter_map(|p| {
                    Some((obj::i64_at(p, "/containerPort")?, obj::str_at(p, "/protocol").unwrap_or("TCP").to_string()))
                })
                .collect()
        })
        .or_else(|| {
            (kind == Kind::Service).then(|| {
                obj::arr_at(&o, "/spec/ports")
                    .iter()
                    .filter_map(|p| {
                        Some((obj::i64_at(p, "/port")?, obj::str_at(p, "/protocol").unwrap_or("TCP").to_string()))
                    })
                    .collect()
            })
        })
        .unwrap_or_default();
    let protocol = a.get("protocol").map(String::from);
    let ports: Vec<(i64, String)> = match a.get("port") {
        Some(p) => match p.parse::<i64>() {
            Ok(n) => vec![(n, protocol.clone().unwrap_or_else(|| "TCP".into()))],
            Err(_) => {
                ctx.eprintln(&format!("error: invalid argument \"{p}\" for \"--port\" flag: strconv.ParseInt: parsing \"{p}\": invalid syntax"));
                return 1;
            }
        },
        None => introspected.into_iter().map(|(n, pr)| (n, protocol.clone().unwrap_or(pr))).collect(),
    };
    if ports.is_empty() {
        ctx.eprintln(
            "error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples",
        );
        return 1;
    }
    let several = ports.len() > 1;
    let target = a.get("target-port").map(|t| t.parse::<i64>().map(|n| jv!(n)).unwrap_or_else(|_| jv!(t)));
    let svc_ports: Vec<Value> = ports
        .iter()
        .enumerate()
        .map(|(i, (port, proto))| {
            let mut p = jv!({"port": port, "protocol": proto, "targetPort": target.clone().unwrap_or(jv!(port))});
            if several {
                p["name"] = jv!(format!("port-{}", i + 1));
            }
            p
        })
        .collect();
    let svc_name = a.get("name").map(String::from).unwrap_or_else(|| obj::name(&o).to_string());
    let labels = o.ptr("/metadata/labels").cloned().unwrap_or(jv!({}));
    let mut svc = jv!({"apiVersion":"v1","kind":"Service","metadata":{"creationTimestamp":null,"name":svc_name},"spec":{"ports":svc_ports,"selector":selector},"status":{"loadBalancer":{}}});
    if labels.as_object().is_some_and(|m| !m.is_empty()) {
        svc["metadata"]["labels"] = labels;
    }
    if let Some(t) = a.get("type") {
        svc["spec"]["type"] = jv!(t);
    }
    if let Some(ip) = a.get("cluster-ip") {
        svc["spec"]["clusterIP"] = jv!(ip);
    }
    create(ctx, dry, out.as_ref(), Kind::Service, svc, &ns, "exposed")
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
pub fn create_data(ctx: &mut Ctx<'_>, argv: &[String], kind: Kind) -> i32 {
    let what = if kind == Kind::Secret { "secret generic" } else { "configmap" };
    let Some((a, dry, out)) = parse(ctx, &format!("create {what}"), argv, DATA_FLAGS) else { return 1 };
    if a.bool("help") {
        ctx.println(&format!("Create a {} from a local file, directory or literal value.\n\nUsage:\n  kubectl create {what} NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none] [options]", if kind == Kind::Secret { "secret" } else { "config map" }));
        return 0;
    }
    let Some(name) = a.positional.first().cloned() else {
        ctx.eprintln(&format!(
            "error: exactly one NAME is required, got 0\nSee 'kubectl create {what} -h' for help and examples"
        ));
        return 1;
    };
    let mut data = serde_json::Map::new();
    for lit in a.all("from-literal") {
        let Some((k, v)) = lit.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            ctx.eprintln(&format!("error: invalid literal source {lit}, expected key=value"));
            return 1;
        };
        if data.contains_key(k) {
            ctx.eprintln(&format!(
                "error: cannot add key {k}, another key by that name already exists in Data for {} \"{name}\"",
                if kind == Kind::Secret { "Secret" } else { "ConfigMap" }
            ));
            return 1;
        }
        data.insert(k.to_string(), jv!(v));
    }
    for spec in a.all("from-file") {
        let (key, path) = match spec.split_once('=') {
            Some((k, p)) => (k.to_string(), p.to_string()),
            None => (spec.rsplit('/').next().unwrap_or(&spec).to_string(), spec.clone()),
        };
        match ctx.files.read(&path) {
            Ok(text) => {
                data.insert(key, jv!(text));
            }
            Err(_) => {
                ctx.eprintln(&format!("error: error reading {path}: no such file or directory"));
                return 1;
            }
        }
    }
    let mut o = if kind == Kind::Secret {
        for v in data.values_mut() {
            *v = jv!(crate::support::base64::encode(v.as_str().unwrap_or("").as_bytes()));
        }
        jv!({"apiVersion":"v1","kind":"Secret","metadata":{"creationTimestamp":null,"name":name}})
    } else {
        jv!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"creationTimestamp":null,"name":name}})
    };
    if !data.is_empty() {
        o["data"] = Value::Object(data);
    }
    if let Some(t) = a.get("type").filter(|_| kind == Kind::Secret) {
        o["type"] = jv!(t);
    }
    let ns = ctx.namespace(&a);
    create(ctx, dry, out.as_ref(), kind, o, &ns, "created")
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

    #[test]
    fn container_names_come_from_the_image() {
        assert_eq!(container_name("nginx"), "nginx");
        assert_eq!(container_name("nginx:1.25"), "nginx");
        assert_eq!(container_name("registry.k8s.io/nginx-slim:0.8"), "nginx-slim");
        assert_eq!(container_name("busybox@sha256:abc"), "busybox");
        assert_eq!(container_name("my_app"), "my-app");
    }
}
