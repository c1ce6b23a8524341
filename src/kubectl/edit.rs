//! Commands that change one field group of existing objects: `scale`, `patch`, `label`, `annotate`.

use super::args::{self, f, Args, Flag};
use super::dryrun::DryRun;
use super::errors::Error;
use super::get::resolve;
use super::stages::{Parsed, Report};
use super::Ctx;
use crate::jv;
use crate::manifest::{self, schema};
use crate::sim::labels::Selector;
use crate::sim::{obj, ApiError, Kind, ObjKey, MAX_JSON_PATCH_OPERATIONS, MAX_REQUEST_BODY_BYTES};
use serde_json::Value;

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

#[inline(never)]
pub fn parse_scale(argv: &[String]) -> Result<Parsed<Scale>, Error> {
    let a = args::parse("scale", argv, SCALE_FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help("Set a new size for a deployment, replica set, replication controller, or stateful set.\n\nUsage:\n  kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME) [options]".into()));
    }
    let Some(r) = a.get("replicas") else {
        return Err(Error::cli("required flag(s) \"replicas\" not set"));
    };
    // An IntVar: a Go int (64 bits).
    let replicas: i64 = match args::go_parse_int(r, 64) {
        Ok(n) if n >= 0 => n,
        Ok(_) => {
            return Err(Error::cli(
                "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
            ))
        }
        Err(why) => {
            return Err(Error::cli(format!("invalid argument \"{r}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{r}\": {why}\nSee 'kubectl scale --help' for usage.")))
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
    if req.replicas > i64::from(i32::MAX) {
        // The scaler patches the scale subresource with `{"spec":{"replicas":N}}`, which the
        // API server cannot decode into an autoscaling/v1 Scale.
        // k8s-diff: the API server's message also quotes the patched Scale as JSON.
        return Err(Error::from(crate::sim::ApiError::Invalid {
            kind: String::new(),
            name: String::new(),
            causes: vec![format!("patch: Invalid value: json: cannot unmarshal number {} into Go struct field ScaleSpec.spec.replicas of type int32", req.replicas)],
        }));
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
fn patch_value(text: &str) -> Result<Value, Error> {
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

/// `--type`: how the patch merges into the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PatchType {
    Strategic,
    Merge,
    Json,
}

/// Where the patch is.
#[derive(Debug, PartialEq)]
enum PatchText {
    /// `-p`, read.
    Given(Value),
    /// `--patch-file`, read when the command runs.
    File(String),
}

/// `kubectl patch`, parsed.
pub struct Patch {
    ty: PatchType,
    patch: PatchText,
    /// `--dry-run`: client merges and shows, server merges and validates, neither stores.
    dry: DryRun,
    /// The objects, as the command line names them.
    args: Args,
}

/// What `patch` did to one object: whether the object changed.
pub struct Patched {
    key: ObjKey,
    changed: bool,
}

/// An object with the patch merged in, not yet sent.
struct Merged {
    live: Value,
    merged: Value,
    /// Fields the kind does not have, dropped with a warning each.
    unknown: Vec<String>,
}

#[inline(never)]
pub fn parse_patch(argv: &[String]) -> Result<Parsed<Patch>, Error> {
    let a = args::parse("patch", argv, PATCH_FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help("Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON patch.\n\nUsage:\n  kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] [options]".into()));
    }
    let (given, file) = (a.get("patch"), a.get("patch-file"));
    if given.is_none() && file.is_none() {
        return Err(Error::cli("must specify --patch or --patch-file containing the contents of the patch"));
    }
    let ty = match a.get("type").unwrap_or("strategic") {
        "strategic" => PatchType::Strategic,
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        other => return Err(Error::cli(format!("--type must be one of [json merge strategic], not \"{other}\""))),
    };
    let patch = match (given, file) {
        (Some(p), _) => PatchText::Given(patch_value(p)?),
        (None, file) => PatchText::File(file.unwrap_or_default().to_string()),
    };
    let dry = DryRun::of(&a)?;
    Ok(Parsed::Run(Patch { ty, patch, dry, args: a }))
}

/// Merges the patch into each object and sends it to the API.
pub fn patch(ctx: &mut Ctx<'_>, req: Patch) -> Report {
    let p = match &req.patch {
        PatchText::Given(p) => p.clone(),
        PatchText::File(file) => match ctx.files.read(file).and_then(|t| patch_value(&t)) {
            Ok(p) => p,
            Err(e) => return Report::failure(e),
        },
    };
    if req.args.positional.is_empty() {
        return Report::failure(Error::cli("You must provide one or more resources by argument or filename."));
    }
    let keys = match targets(ctx, &req.args, false) {
        Ok(k) => k,
        Err(e) => return Report::failure(e),
    };
    let mut r = Report::default();
    for key in keys {
        // A client dry run sends nothing, so no server limit applies.
        if let (false, Some(e)) = (req.dry == DryRun::Client, too_large(req.ty, &p)) {
            r.fail(e);
            continue;
        }
        let done = merge_patch(ctx, req.ty, &key, &p).inspect(|m| {
            for path in &m.unknown {
                r.note(format!("Warning: unknown field \"{path}\""));
            }
        });
        match done.and_then(|m| send_patch(ctx, req.dry, key, m)) {
            Ok(Patched { key, changed }) => {
                // patch.go's `patchOperation`, then the dry run's words around it.
                let op = req.dry.op(if changed { "patched" } else { "patched (no change)" });
                r.line(format!("{}/{} {op}", key.kind.qualified_singular(), key.name))
            }
            Err(e) => r.fail(e),
        }
    }
    r
}

/// The API server's 413 for a patch: a body over its limit, or a JSON patch of more than
/// `maxJSONPatchOperations` (10,000) operations (endpoints/handlers/patch.go).
fn too_large(ty: PatchType, p: &Value) -> Option<ApiError> {
    if crate::support::gofmt::go_json_len(p) > MAX_REQUEST_BODY_BYTES {
        return Some(ApiError::body_too_large());
    }
    match (ty, p) {
        (PatchType::Json, Value::Array(ops)) if ops.len() > MAX_JSON_PATCH_OPERATIONS => {
            Some(ApiError::too_many_patch_operations(ops.len()))
        }
        _ => None,
    }
}

/// The object with the patch merged in. Unknown fields are dropped with a warning (the
/// server's default field validation for patches); a value of the wrong type is refused.
fn merge_patch(ctx: &Ctx<'_>, ty: PatchType, key: &ObjKey, p: &Value) -> Result<Merged, Error> {
    let Some(live) = ctx.sim.store.get(key).cloned() else {
        return Err(Error::not_found(key.kind.qualified_plural(), key.name.clone()));
    };
    let av = live.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
    let merged = match ty {
        PatchType::Json => schema::json_patch(&live, p),
        PatchType::Merge => Ok(schema::json_merge(&live, p)),
        PatchType::Strategic => schema::strategic_merge(&av, &key.kind.to_string(), &live, p),
    };
    let mut merged = merged.map_err(|e| match ty {
        PatchType::Json => Error::text(schema::JSON_PATCH_REJECTED.to_string()),
        _ => Error::bad_request(e),
    })?;
    let errs = schema::validate(&av, &key.kind.to_string(), &merged);
    if let Some(bad) = errs.iter().find(|e| !matches!(e, schema::FieldError::Unknown { .. })) {
        let detail = schema::decode_error_message(std::slice::from_ref(bad)).unwrap_or_default();
        return Err(Error::bad_request(detail));
    }
    let mut unknown = Vec::new();
    for e in errs {
        if let schema::FieldError::Unknown { path } = e {
            drop_path(&mut merged, &path);
            unknown.push(path);
        }
    }
    Ok(Merged { live, merged, unknown })
}

/// Sends the patched object; it changed when its resourceVersion moved. A client dry run sends
/// nothing (patch.go patches locally and compares); a server dry run is checked by a copy of
/// the cluster that is then dropped.
fn send_patch(ctx: &mut Ctx<'_>, dry: DryRun, key: ObjKey, m: Merged) -> Result<Patched, Error> {
    if dry == DryRun::Client {
        return Ok(Patched { key, changed: m.merged != m.live });
    }
    let version = |o: &Value| obj::str_at(o, "/metadata/resourceVersion").map(String::from);
    let before = version(&m.live);
    let mut shadow = (dry == DryRun::Server).then(|| ctx.sim.clone());
    let after = shadow.as_mut().unwrap_or(&mut *ctx.sim).update(m.merged)?;
    Ok(Patched { key, changed: version(&after) != before })
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

/// Which metadata map `label` and `annotate` change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Meta {
    Labels,
    Annotations,
}

impl Meta {
    fn field(self) -> &'static str {
        match self {
            Meta::Labels => "labels",
            Meta::Annotations => "annotations",
        }
    }
    fn command(self) -> &'static str {
        match self {
            Meta::Labels => "label",
            Meta::Annotations => "annotate",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Meta::Labels => "label",
            Meta::Annotations => "annotation",
        }
    }
    fn past(self) -> &'static str {
        match self {
            Meta::Labels => "labeled",
            Meta::Annotations => "annotated",
        }
    }
    /// The word when every change removes a key.
    fn removed(self) -> &'static str {
        match self {
            Meta::Labels => "unlabeled",
            Meta::Annotations => "annotated",
        }
    }
}

/// `kubectl label` or `kubectl annotate`, parsed.
pub struct Label {
    meta: Meta,
    /// `key=value` sets, `key-` removes (`None`), in order.
    changes: Vec<(String, Option<String>)>,
    overwrite: bool,
    /// The objects, as the command line names them (the changes taken out).
    args: Args,
}

/// What `label`/`annotate` did to one object: whether it changed.
pub struct Labeled {
    key: ObjKey,
    changed: bool,
}

#[inline(never)]
pub fn parse_label(argv: &[String]) -> Result<Parsed<Label>, Error> {
    parse_meta(argv, Meta::Labels)
}

#[inline(never)]
pub fn parse_annotate(argv: &[String]) -> Result<Parsed<Label>, Error> {
    parse_meta(argv, Meta::Annotations)
}

fn parse_meta(argv: &[String], meta: Meta) -> Result<Parsed<Label>, Error> {
    let (field, cmd) = (meta.field(), meta.command());
    let mut a = args::parse(cmd, argv, LABEL_FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help(format!("Update the {field} on a resource.\n\nUsage:\n  kubectl {cmd} [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]")));
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
        return Err(Error::cli(format!("at least one {} update is required", meta.noun())));
    }
    a.positional = res;
    let overwrite = a.bool("overwrite");
    Ok(Parsed::Run(Label { meta, changes, overwrite, args: a }))
}

/// Changes each object's labels (or annotations) through the API.
pub fn label(ctx: &mut Ctx<'_>, req: Label) -> Report {
    let keys = match targets(ctx, &req.args, true) {
        Ok(k) => k,
        Err(e) => return Report::failure(e),
    };
    let done = keys.into_iter().map(|key| label_one(ctx, &req, key)).collect();
    render_labeled(&req, done)
}

fn label_one(ctx: &mut Ctx<'_>, req: &Label, key: ObjKey) -> Result<Labeled, Error> {
    let Some(mut o) = ctx.sim.store.get(&key).cloned() else {
        return Err(Error::not_found(key.kind.qualified_plural(), key.name.clone()));
    };
    let before = o.clone();
    relabel(&mut o, req)?;
    if o == before {
        return Ok(Labeled { key, changed: false });
    }
    ctx.sim.update(o)?;
    Ok(Labeled { key, changed: true })
}

/// Makes the request's changes to the object's map; a key that has another value is refused
/// without `--overwrite`.
fn relabel(o: &mut Value, req: &Label) -> Result<(), Error> {
    let field = req.meta.field();
    let entry = obj::meta_mut(o).entry(field.to_string()).or_insert(jv!({}));
    if !entry.is_object() {
        *entry = jv!({});
    }
    let map = entry.as_object_mut().expect("just made an object");
    for (k, v) in &req.changes {
        let Some(v) = v else {
            map.remove(k);
            continue;
        };
        if let Some(old) = map.get(k).and_then(Value::as_str) {
            if old != v && !req.overwrite {
                return Err(Error::cli(format!("'{k}' already has a value ({old}), and --overwrite is false")));
            }
        }
        map.insert(k.clone(), jv!(v));
    }
    if map.is_empty() {
        obj::meta_mut(o).remove(field);
    }
    Ok(())
}

/// `pod/web-0 labeled`, `pod/web-0 not labeled`, `pod/web-0 unlabeled`, or the error.
fn render_labeled(req: &Label, done: Vec<Result<Labeled, Error>>) -> Report {
    let removes = req.changes.iter().all(|(_, v)| v.is_none());
    let mut r = Report::default();
    for d in done {
        match d {
            Ok(Labeled { key, changed }) => {
                let printed = format!("{}/{}", key.kind.qualified_singular(), key.name);
                match (changed, removes) {
                    (false, _) => r.line(format!("{printed} not {}", req.meta.past())),
                    (true, true) => r.line(format!("{printed} {}", req.meta.removed())),
                    (true, false) => r.line(format!("{printed} {}", req.meta.past())),
                }
            }
            Err(e) => r.fail(e),
        }
    }
    r
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

    fn err<R>(parsed: Result<Parsed<R>, Error>) -> String {
        parsed.err().expect("an error").to_string()
    }

    /// A cluster with deployment `web` (label `app=web`) and config map `settings`.
    fn cluster() -> Sim {
        let mut sim = Sim::new(SimConfig::seeded(1));
        sim.create(jv!({"apiVersion":"apps/v1","kind":"Deployment",
            "metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
            "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
              "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}))
        .unwrap();
        sim.create(jv!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"default"}}))
            .unwrap();
        sim
    }

    /// Runs a command's stages on `sim`: (stdout, stderr, exit status).
    fn run<R>(
        sim: &mut Sim,
        parsed: Result<Parsed<R>, Error>,
        execute: impl FnOnce(&mut Ctx<'_>, R) -> Report,
    ) -> (String, String, i32) {
        let mut out = Output::default();
        let mut ctx = Ctx::plain(sim, &mut out);
        let code = stages::run(&mut ctx, parsed, execute).code;
        (out.stdout(), out.stderr(), code)
    }

    fn key(kind: Kind, name: &str) -> ObjKey {
        ObjKey::new(kind, "default", name)
    }

    #[test]
    fn parse_scale_refuses_a_negative_count() {
        assert_eq!(
            err(parse_scale(&argv("deploy web --replicas=-1"))),
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        );
        assert_eq!(err(parse_scale(&argv("deploy web"))), "error: required flag(s) \"replicas\" not set");
    }

    #[test]
    fn scale_sets_the_replicas_and_names_the_object() {
        let mut sim = cluster();
        let (out, errs, code) = run(&mut sim, parse_scale(&argv("deploy/web --replicas=3")), scale);
        assert_eq!((out.as_str(), errs.as_str(), code), ("deployment.apps/web scaled\n", "", 0));
        assert_eq!(obj::i64_at(sim.store.get(&key(Kind::Deployment, "web")).unwrap(), "/spec/replicas"), Some(3));
    }

    #[test]
    fn parse_patch_needs_a_patch_and_a_known_type() {
        assert_eq!(
            err(parse_patch(&argv("deploy web"))),
            "error: must specify --patch or --patch-file containing the contents of the patch"
        );
        assert_eq!(
            err(parse_patch(&argv("deploy web --type=xml -p {}"))),
            "error: --type must be one of [json merge strategic], not \"xml\""
        );
    }

    #[test]
    fn parse_patch_checks_the_type_before_the_text() {
        let e = err(parse_patch(&argv("deploy web --type=xml -p {")));
        assert!(e.starts_with("error: --type must be one of"), "{e}");
        let e = err(parse_patch(&argv("deploy web -p {")));
        assert!(e.starts_with("error: unable to parse \"{\": "), "{e}");
    }

    #[test]
    fn patch_changes_an_object_once_and_then_says_no_change() {
        let mut sim = cluster();
        let line = r#"deploy web -p {"spec":{"replicas":4}}"#;
        let (out, _, code) = run(&mut sim, parse_patch(&argv(line)), patch);
        assert_eq!((out.as_str(), code), ("deployment.apps/web patched\n", 0));
        let (out, _, _) = run(&mut sim, parse_patch(&argv(line)), patch);
        assert_eq!(out, "deployment.apps/web patched (no change)\n");
    }

    #[test]
    fn a_dry_run_patch_says_so_and_changes_nothing() {
        // patch.go: a client dry run patches locally and prints the operation in
        // `%s (dry run)`; a server dry run sends with dryRun=All (`%s (server dry run)`).
        let mut sim = cluster();
        let replicas = |sim: &Sim| obj::i64_at(sim.get(Kind::Deployment, "default", "web").unwrap(), "/spec/replicas");
        let before = replicas(&sim);
        let line = r#"deploy web --dry-run=client -p {"spec":{"replicas":4}}"#;
        let (out, _, code) = run(&mut sim, parse_patch(&argv(line)), patch);
        assert_eq!((out.as_str(), code), ("deployment.apps/web patched (dry run)\n", 0));
        let line = r#"deploy web --dry-run=server -p {"spec":{"replicas":4}}"#;
        let (out, _, _) = run(&mut sim, parse_patch(&argv(line)), patch);
        assert_eq!(out, "deployment.apps/web patched (server dry run)\n");
        assert_eq!(replicas(&sim), before);
        let same = format!(r#"deploy web --dry-run=client -p {{"spec":{{"replicas":{}}}}}"#, before.unwrap_or(0));
        let (out, _, _) = run(&mut sim, parse_patch(&argv(&same)), patch);
        assert_eq!(out, "deployment.apps/web patched (no change) (dry run)\n");
    }

    #[test]
    fn patch_drops_an_unknown_field_with_a_warning_and_reports_a_missing_object() {
        let mut sim = cluster();
        let (out, errs, code) =
            run(&mut sim, parse_patch(&argv(r#"deploy web nope -p {"spec":{"replica":4}}"#)), patch);
        assert_eq!(out, "deployment.apps/web patched (no change)\n");
        assert_eq!(
            errs,
            "Warning: unknown field \"spec.replica\"\nError from server (NotFound): deployments.apps \"nope\" not found\n"
        );
        assert_eq!(code, 1);
    }

    #[test]
    fn parse_label_needs_a_change() {
        assert_eq!(err(parse_label(&argv("deploy web"))), "error: at least one label update is required");
        assert_eq!(err(parse_annotate(&argv("deploy web"))), "error: at least one annotation update is required");
    }

    #[test]
    fn parse_label_tells_changes_from_resources() {
        let Ok(Parsed::Run(req)) = parse_label(&argv("deploy web tier=front app- --overwrite")) else {
            panic!("a request");
        };
        assert_eq!(req.changes, vec![("tier".to_string(), Some("front".to_string())), ("app".to_string(), None)]);
        assert_eq!(req.args.positional, argv("deploy web"));
        assert!(req.overwrite);
    }

    #[test]
    fn label_refuses_another_value_without_overwrite() {
        let mut sim = cluster();
        let (out, errs, code) = run(&mut sim, parse_label(&argv("deploy web app=db")), label);
        assert_eq!(out, "");
        assert_eq!(errs, "error: 'app' already has a value (web), and --overwrite is false\n");
        assert_eq!(code, 1);
        let (out, _, code) = run(&mut sim, parse_label(&argv("deploy web app=db --overwrite")), label);
        assert_eq!((out.as_str(), code), ("deployment.apps/web labeled\n", 0));
        let (out, _, _) = run(&mut sim, parse_label(&argv("deploy web app=db")), label);
        assert_eq!(out, "deployment.apps/web not labeled\n");
    }

    #[test]
    fn removing_keys_unlabels_but_still_annotates() {
        let mut sim = cluster();
        let (out, _, _) = run(&mut sim, parse_label(&argv("deploy web app-")), label);
        assert_eq!(out, "deployment.apps/web unlabeled\n");
        let web = sim.store.get(&key(Kind::Deployment, "web")).unwrap();
        assert_eq!(web.pointer("/metadata/labels"), None, "an emptied map is removed");
        let (out, _, _) = run(&mut sim, parse_annotate(&argv("cm settings note=x")), label);
        assert_eq!(out, "configmap/settings annotated\n");
        let (out, _, _) = run(&mut sim, parse_annotate(&argv("cm settings note-")), label);
        assert_eq!(out, "configmap/settings annotated\n");
    }
}
