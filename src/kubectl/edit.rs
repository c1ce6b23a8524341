//! Commands that change one field group of existing objects: `scale`, `patch`, `label`, `annotate`.

use super::args::{self, f, Args, Flag};
use super::errors::Error;
use super::get::resolve;
use super::stages::{Parsed, Report};
use super::Ctx;
use crate::jv;
use crate::manifest::{self, schema};
use crate::sim::labels::Selector;
use crate::sim::{obj, Kind, ObjKey};
use serde_json::Value;

fn parse_or_print(ctx: &mut Ctx<'_>, cmd: &str, argv: &[String], flags: &[Flag]) -> Option<Args> {
    match args::parse(cmd, argv, flags) {
        Ok(a) => Some(a),
        Err(e) => {
            ctx.report(e);
            None
        }
    }
}

/// Names the objects of `TYPE NAME...` / `TYPE/NAME...` (and `-l`/`--all` when allowed).
fn targets(ctx: &mut Ctx<'_>, a: &Args, allow_select: bool) -> Result<Vec<ObjKey>, Error> {
    let ns = ctx.namespace(a);
    let q = resolve(&a.positional)?;
    let mut keys = Vec::new();
    for (kind, names) in q.targets {
        if names.is_empty() {
            let sel = a.get("selector").map(Selector::parse).transpose().map_err(Error::cli)?;
            if !allow_select || (sel.is_none() && !a.bool("all")) {
                return Err(Error::cli("resource(s) were provided, but no name was specified"));
            }
            let sel = sel.unwrap_or_default();
            let list_ns = if kind.namespaced() { Some(ns.as_str()) } else { None };
            keys.extend(ctx.sim.store.list(kind, list_ns).filter(|(_, o)| sel.matches_obj(o)).map(|(k, _)| k.clone()));
        } else {
            keys.extend(names.iter().map(|n| ObjKey::new(kind, &ns, n)));
        }
    }
    Ok(keys)
}

const SCALE_FLAGS: &[Flag] = &[
    f("replicas", None, true),
    f("current-replicas", None, true),
    f("resource-version", None, true),
    f("selector", Some('l'), true),
    f("all", None, false),
    f("timeout", None, true),
    f("filename", Some('f'), true),
];

/// `kubectl scale`, parsed.
pub struct Scale {
    replicas: i64,
    /// `--current-replicas`: scale only from this size.
    current: Option<i64>,
    /// The objects, as the command line names them.
    args: Args,
}

/// What `scale` did to one object.
pub struct Scaled(ObjKey);

pub fn parse_scale(argv: &[String]) -> Result<Parsed<Scale>, Error> {
    let a = args::parse("scale", argv, SCALE_FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help("Set a new size for a deployment, replica set, replication controller, or stateful set.\n\nUsage:\n  kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME) [options]".into()));
    }
    let Some(r) = a.get("replicas") else {
        return Err(Error::cli("required flag(s) \"replicas\" not set"));
    };
    let replicas: i64 = match r.parse() {
        Ok(n) if n >= 0 => n,
        Ok(_) => {
            return Err(Error::cli(
                "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
            ))
        }
        Err(_) => {
            return Err(Error::cli(format!("invalid argument \"{r}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax\nSee 'kubectl scale --help' for usage.")))
        }
    };
    if a.positional.is_empty() {
        return Err(Error::cli("required resource not specified"));
    }
    let current = a.get("current-replicas").and_then(|c| c.parse::<i64>().ok());
    Ok(Parsed::Run(Scale { replicas, current, args: a }))
}

/// Sets each object's `spec.replicas` through the API.
pub fn scale(ctx: &mut Ctx<'_>, req: Scale) -> Report {
    let keys = match targets(ctx, &req.args, true) {
        Ok(k) => k,
        Err(e) => return Report::failure(e),
    };
    let done = keys.into_iter().map(|key| scale_one(ctx, &req, key)).collect();
    render_scaled(done)
}

fn scale_one(ctx: &mut Ctx<'_>, req: &Scale, key: ObjKey) -> Result<Scaled, Error> {
    if !matches!(key.kind, Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet) {
        let info = key.kind.info();
        return Err(Error::cli(format!("no scaler has been implemented for {{\"{}\" \"{}\"}}", info.group, key.kind)));
    }
    let Some(mut o) = ctx.sim.store.get(&key).cloned() else {
        return Err(Error::not_found(key.kind.qualified_plural(), key.name.clone()));
    };
    let now = obj::i64_at(&o, "/spec/replicas");
    if let Some(cur) = req.current.filter(|c| now != Some(*c)) {
        return Err(Error::cli(format!("Expected replicas to be {cur}, was {}", now.unwrap_or(0))));
    }
    obj::set(&mut o, "/spec/replicas", jv!(req.replicas));
    ctx.sim.update(o)?;
    Ok(Scaled(key))
}

/// `deployment.apps/web scaled`, or the error, one object a line.
fn render_scaled(done: Vec<Result<Scaled, Error>>) -> Report {
    let mut r = Report::default();
    for d in done {
        match d {
            Ok(Scaled(key)) => r.line(format!("{}/{} scaled", key.kind.qualified_singular(), key.name)),
            Err(e) => r.fail(e),
        }
    }
    r
}

const PATCH_FLAGS: &[Flag] = &[
    f("patch", Some('p'), true),
    f("type", None, true),
    f("patch-file", None, true),
    f("output", Some('o'), true),
    f("dry-run", None, true),
    f("local", None, false),
    f("subresource", None, true),
    f("filename", Some('f'), true),
];

/// Reads a patch given as JSON or YAML text, as kubectl does (`yaml.ToJSON`: JSON is YAML).
fn parse_patch(text: &str) -> Result<Value, Error> {
    crate::support::yaml::parse(text).map_err(|e| Error::cli(format!("unable to parse \"{text}\": {e}")))
}

/// Removes the value at a dotted field path like `spec.template.spec.containers[0].foo`.
fn drop_path(v: &mut Value, path: &str) {
    let segs = manifest::parse_path(path);
    let mut cur = v;
    for (i, s) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        match s {
            manifest::Seg::Key(k) => {
                if last {
                    if let Some(m) = cur.as_object_mut() {
                        m.remove(k);
                    }
                    return;
                }
                let Some(next) = cur.get_mut(k) else { return };
                cur = next;
            }
            manifest::Seg::Index(n) => {
                let Some(next) = cur.get_mut(*n) else { return };
                cur = next;
            }
        }
    }
}

pub fn patch(ctx: &mut Ctx<'_>, argv: &[String]) -> i32 {
    let Some(a) = parse_or_print(ctx, "patch", argv, PATCH_FLAGS) else { return 1 };
    if a.bool("help") {
        ctx.println("Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON patch.\n\nUsage:\n  kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] [options]");
        return 0;
    }
    let text = match (a.get("patch"), a.get("patch-file")) {
        (Some(p), _) => p.to_string(),
        (None, Some(file)) => match ctx.files.read(file) {
            Ok(t) => t,
            Err(e) => {
                ctx.report(e);
                return 1;
            }
        },
        _ => {
            ctx.eprintln("error: must specify --patch or --patch-file containing the contents of the patch");
            return 1;
        }
    };
    let ty = a.get("type").unwrap_or("strategic").to_string();
    if !["strategic", "merge", "json"].contains(&ty.as_str()) {
        ctx.eprintln(&format!("error: --type must be one of [json merge strategic], not \"{ty}\""));
        return 1;
    }
    let p = match parse_patch(&text) {
        Ok(p) => p,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    if a.positional.is_empty() {
        ctx.eprintln("error: You must provide one or more resources by argument or filename.");
        return 1;
    }
    let keys = match targets(ctx, &a, false) {
        Ok(k) => k,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    let mut code = 0;
    for key in keys {
        let Some(live) = ctx.sim.store.get(&key).cloned() else {
            ctx.report(Error::not_found(key.kind.qualified_plural(), key.name.clone()));
            code = 1;
            continue;
        };
        let av = live.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
        let merged = match ty.as_str() {
            "json" => schema::json_patch(&live, &p),
            "merge" => Ok(schema::json_merge(&live, &p)),
            _ => schema::strategic_merge(&av, &key.kind.to_string(), &live, &p),
        };
        let mut merged = match merged {
            Ok(m) => m,
            Err(e) => {
                let err = if ty == "json" {
                    Error::Text(schema::JSON_PATCH_REJECTED.to_string())
                } else {
                    Error::bad_request(e)
                };
                ctx.report(err);
                code = 1;
                continue;
            }
        };
        // Unknown fields are dropped with a warning (the server's default field validation for
        // patches); a value of the wrong type is refused.
        let errs = schema::validate(&av, &key.kind.to_string(), &merged);
        if let Some(bad) = errs.iter().find(|e| !matches!(e, schema::FieldError::Unknown { .. })) {
            let detail = schema::decode_error_message(std::slice::from_ref(bad)).unwrap_or_default();
            ctx.report(Error::bad_request(detail));
            code = 1;
            continue;
        }
        for e in errs {
            if let schema::FieldError::Unknown { path } = e {
                ctx.eprintln(&format!("Warning: unknown field \"{path}\""));
                drop_path(&mut merged, &path);
            }
        }
        let printed = format!("{}/{}", key.kind.qualified_singular(), key.name);
        let before = obj::str_at(&live, "/metadata/resourceVersion").map(String::from);
        match ctx.sim.update(merged) {
            Ok(after) => {
                let changed = obj::str_at(&after, "/metadata/resourceVersion").map(String::from) != before;
                ctx.println(&format!("{printed} patched{}", if changed { "" } else { " (no change)" }));
            }
            Err(e) => {
                ctx.report(&e);
                code = 1;
            }
        }
    }
    code
}

const LABEL_FLAGS: &[Flag] = &[
    f("overwrite", None, false),
    f("selector", Some('l'), true),
    f("all", None, false),
    f("list", None, false),
    f("output", Some('o'), true),
    f("resource-version", None, true),
    f("filename", Some('f'), true),
    f("dry-run", None, true),
];

/// `kubectl label` (field = "labels") and `kubectl annotate` (field = "annotations").
pub fn label(ctx: &mut Ctx<'_>, argv: &[String], field: &str) -> i32 {
    let cmd = if field == "labels" { "label" } else { "annotate" };
    let Some(mut a) = parse_or_print(ctx, cmd, argv, LABEL_FLAGS) else { return 1 };
    if a.bool("help") {
        ctx.println(&format!("Update the {field} on a resource.\n\nUsage:\n  kubectl {cmd} [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]"));
        return 0;
    }
    // Split `key=value` / `key-` arguments from the resource arguments.
    let mut changes: Vec<(String, Option<String>)> = Vec::new();
    let mut res = Vec::new();
    for p in &a.positional {
        if let Some((k, v)) = p.split_once('=') {
            changes.push((k.to_string(), Some(v.to_string())));
        } else if p.ends_with('-') && !res.is_empty() && !p.contains('/') {
            changes.push((p.trim_end_matches('-').to_string(), None));
        } else {
            res.push(p.clone());
        }
    }
    if changes.is_empty() {
        ctx.eprintln(&format!(
            "error: at least one {} update is required",
            if field == "labels" { "label" } else { "annotation" }
        ));
        return 1;
    }
    a.positional = res;
    let keys = match targets(ctx, &a, true) {
        Ok(k) => k,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    let overwrite = a.bool("overwrite");
    let mut code = 0;
    for key in keys {
        let Some(mut o) = ctx.sim.store.get(&key).cloned() else {
            ctx.report(Error::not_found(key.kind.qualified_plural(), key.name.clone()));
            code = 1;
            continue;
        };
        let before = o.clone();
        let mut bad = None;
        let entry = obj::meta_mut(&mut o).entry(field.to_string()).or_insert(jv!({}));
        if !entry.is_object() {
            *entry = jv!({});
        }
        let map = entry.as_object_mut().expect("just made an object");
        for (k, v) in &changes {
            match v {
                Some(v) => {
                    if let Some(old) = map.get(k).and_then(Value::as_str) {
                        if old != v && !overwrite {
                            bad = Some(format!("error: '{k}' already has a value ({old}), and --overwrite is false"));
                            break;
                        }
                    }
                    map.insert(k.clone(), jv!(v));
                }
                None => {
                    map.remove(k);
                }
            }
        }
        if let Some(b) = bad {
            ctx.eprintln(&b);
            code = 1;
            continue;
        }
        if map.is_empty() {
            obj::meta_mut(&mut o).remove(field);
        }
        let past = if field == "labels" { "labeled" } else { "annotated" };
        let printed = format!("{}/{}", key.kind.qualified_singular(), key.name);
        if o == before {
            ctx.println(&format!("{printed} not {past}"));
            continue;
        }
        match ctx.sim.update(o) {
            Ok(_) => {
                let word = if changes.iter().all(|(_, v)| v.is_none()) {
                    if field == "labels" {
                        "unlabeled"
                    } else {
                        "annotated"
                    }
                } else {
                    past
                };
                ctx.println(&format!("{printed} {word}"));
            }
            Err(e) => {
                ctx.report(&e);
                code = 1;
            }
        }
    }
    code
}
