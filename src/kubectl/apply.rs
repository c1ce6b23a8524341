//! `kubectl apply -f` and `kubectl create -f`: read manifests, validate them strictly, create
//! or update each object, one line per object in file order; an error in one document does
//! not stop the others (reference §5.5, §5.6).

use super::args::{self, f, Flag};
use super::dryrun::{self, DryRun};
use super::errors::Error;
use super::Ctx;
use crate::jv;
use crate::manifest::{self, schema, Diagnostic, Document};
use crate::sim::{obj, ApiError, Kind, ObjKey};
use serde_json::Value;

pub const FLAGS: &[Flag] = &[
    f("filename", Some('f'), true),
    f("recursive", Some('R'), false),
    f("validate", None, true),
    f("dry-run", None, true),
    f("output", Some('o'), true),
    f("server-side", None, false),
    f("force-conflicts", None, false),
    f("field-manager", None, true),
    f("selector", Some('l'), true),
    f("prune", None, false),
    f("save-config", None, false),
    f("record", None, false),
    f("overwrite", None, false),
];

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Apply,
    Create,
}

/// The last-applied-configuration annotation's text: what kubectl's `json.Encoder` writes (Go's
/// HTML-safe JSON and a newline).
fn last_applied_text(applied: &Value) -> String {
    // k8s-diff: U+0085 (NEL) is escaped too, which Go leaves as it is: the annotation is read
    // back with the YAML reader, which would fold a raw NEL into a space.
    crate::support::gofmt::go_json_escape(&applied.to_string()).replace('\u{85}', "\\u0085") + "\n"
}

/// Each document of the sources, with the source it came from (or why it could not be read).
pub type Sourced = Vec<(String, Result<Document, Diagnostic>)>;

/// Reads every `-f` source into documents (with the name kubectl uses for the source).
/// A directory stands for the manifests in it (below it too with `recursive`), as kubectl's
/// file visitor reads them.
pub fn read_sources(ctx: &mut Ctx<'_>, files: &[String], recursive: bool) -> (Sourced, bool) {
    let (docs, errors) = read_manifests(ctx, files, recursive);
    let failed = !errors.is_empty();
    for e in errors {
        ctx.report(e);
    }
    (docs, failed)
}

/// The documents of `-f FILE|DIR|-|URL` (directories read as kubectl's file visitor does), and
/// the errors of the files that could not be read.
pub fn read_manifests(ctx: &Ctx<'_>, files: &[String], recursive: bool) -> (Sourced, Vec<Error>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    let mut expanded = Vec::new();
    for file in files {
        match (file != "-").then(|| ctx.files.list_dir(file, recursive)).flatten() {
            Some(inside) => expanded.extend(inside),
            None => expanded.push(file.clone()),
        }
    }
    for file in &expanded {
        let (name, text) = if file == "-" {
            ("STDIN".to_string(), ctx.stdin.unwrap_or("").to_string())
        } else {
            match ctx.files.read(file) {
                Ok(t) => (file.clone(), t),
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
        };
        for d in manifest::parse_documents(&text, &name) {
            docs.push((name.clone(), d));
        }
    }
    (docs, errors)
}

/// Checks apiVersion/kind and the schema. Returns the kind, or prints kubectl's error.
pub fn check_document(ctx: &mut Ctx<'_>, source: &str, doc: &Document, verb: &str) -> Option<Kind> {
    match document_problems(source, doc, verb) {
        Ok(kind) => Some(kind),
        Err(p) => {
            ctx.eprintln(&p.error);
            for h in &p.hints {
                hint(ctx, source, doc, h.line, h.column, &h.text);
            }
            None
        }
    }
}

/// Where in a file a problem is, and what it is (our `hint:` line; the editor's diagnostics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    pub line: usize,
    pub column: usize,
    pub text: String,
}

/// kubectl's error for a document it refuses, and the hints that point into the file.
pub struct Problems {
    pub error: String,
    pub hints: Vec<Hint>,
}

/// The checks `check_document` prints, as data: apiVersion and kind, the kind's existence,
/// and strict field validation.
pub fn document_problems(source: &str, doc: &Document, verb: &str) -> Result<Kind, Problems> {
    let o = &doc.object;
    let av = o.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let k = o.get("kind").and_then(Value::as_str).unwrap_or("");
    let mut missing = Vec::new();
    if av.is_empty() {
        missing.push("apiVersion not set");
    }
    if k.is_empty() {
        missing.push("kind not set");
    }
    if !missing.is_empty() {
        let what = if missing.len() == 1 { missing[0].to_string() } else { format!("[{}]", missing.join(", ")) };
        let error = format!("error: error validating \"{source}\": error validating data: {what}; if you choose to ignore these errors, turn validation off with --validate=false");
        let text = format!(
            "every document needs {}",
            missing.iter().map(|m| m.trim_end_matches(" not set")).collect::<Vec<_>>().join(" and ")
        );
        return Err(Problems { error, hints: vec![Hint { line: doc.first_line, column: 1, text }] });
    }
    let Some(kind) = Kind::from_api(av, k) else {
        if UNMODELLED.contains(&(av, k)) {
            // k8s-diff: a real cluster knows these kinds; the lab says plainly it does not model
            // them rather than answer as if they did not exist.
            let error = format!(
                "error: kubelab does not model {k} ({av}) yet: \"{}\" from \"{source}\" was not applied",
                obj::name(o)
            );
            return Err(Problems { error, hints: Vec::new() });
        }
        let error = format!("error: resource mapping not found for name: \"{}\" namespace: \"{}\" from \"{source}\": no matches for kind \"{k}\" in version \"{av}\"\nensure CRDs are installed first", obj::name(o), obj::namespace(o));
        return Err(Problems { error, hints: Vec::new() });
    };
    let errs = schema::validate(av, k, o);
    if !errs.is_empty() {
        let version = av.rsplit('/').next().unwrap_or(av);
        let detail = schema::decode_error_message(&errs).unwrap_or_default();
        let why = ApiError::BadRequest(format!("{k} in version \"{version}\" cannot be handled as a {k}: {detail}"));
        let error = Error::during(&why, verb, source).to_string();
        let mut hints = Vec::new();
        for e in &errs {
            let p = e.path();
            let segs = manifest::parse_path(p);
            let (line, column) = manifest::locate(&doc.text, &segs)
                .map(|(l, c)| (l + doc.first_line - 1, c))
                .unwrap_or((doc.first_line, 1));
            let last = p.rsplit('.').next().unwrap_or(p);
            let text = match e {
                schema::FieldError::Unknown { .. } => match schema::suggest(av, k, p) {
                    Some(s) => format!("unknown field \"{last}\"; did you mean \"{s}\"?"),
                    None => format!("unknown field \"{last}\""),
                },
                schema::FieldError::WrongType { .. } => format!("\"{last}\" has the wrong type"),
                _ => format!("\"{last}\" is not a valid value here"),
            };
            hints.push(Hint { line, column, text });
        }
        return Err(Problems { error, hints });
    }
    Ok(kind)
}

/// An editor's diagnostics for a file as it is typed: YAML errors and what `kubectl apply`
/// would refuse, each at its line and column (1-based), in file order.
pub fn diagnose(name: &str, text: &str) -> Vec<Hint> {
    let mut out = Vec::new();
    for d in manifest::parse_documents(text, name) {
        match d {
            Ok(doc) => {
                if let Err(p) = document_problems(name, &doc, "creating") {
                    if p.hints.is_empty() {
                        out.push(Hint {
                            line: doc.first_line,
                            column: 1,
                            text: p.error.trim_start_matches("error: ").to_string(),
                        });
                    }
                    out.extend(p.hints);
                }
            }
            Err(diag) => {
                let text = diag.message.trim_start_matches("error: ").to_string();
                out.push(Hint { line: diag.line.unwrap_or(1), column: diag.column.unwrap_or(1), text });
            }
        }
    }
    out
}

/// Points at the field each cause of an Invalid error names (`spec.template.metadata.labels: ...`).
fn invalid_hints(ctx: &mut Ctx<'_>, source: &str, doc: &Document, e: &crate::sim::ApiError) {
    let crate::sim::ApiError::Invalid { causes, .. } = e else { return };
    for cause in causes {
        let Some((path, detail)) = cause.split_once(": ") else { continue };
        let mut segs = manifest::parse_path(path);
        // The field itself, or the nearest enclosing field the manifest has.
        while !segs.is_empty() {
            if let Some((l, c)) = manifest::locate(&doc.text, &segs) {
                let reason = detail.rsplit(": ").next().unwrap_or(detail);
                hint(ctx, source, doc, l + doc.first_line - 1, c, &format!("{path}: {reason}"));
                break;
            }
            segs.pop();
        }
    }
}

/// Kubelab's own pointer to the line (not something kubectl prints).
fn hint(ctx: &mut Ctx<'_>, source: &str, _doc: &Document, line: usize, col: usize, text: &str) {
    ctx.eprintln(&format!("hint: {source}:{line}:{col}: {text}"));
}

pub fn run(ctx: &mut Ctx<'_>, argv: &[String], mode: Mode) -> i32 {
    let name = if mode == Mode::Apply { "apply" } else { "create" };
    let a = match args::parse(name, argv, FLAGS) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    if a.bool("help") {
        ctx.println(&format!(
            "{}\n\nUsage:\n  kubectl {name} (-f FILENAME) [options]",
            if mode == Mode::Apply {
                "Apply a configuration to a resource by file name or stdin."
            } else {
                "Create a resource from a file or from stdin."
            }
        ));
        return 0;
    }
    let files = a.all("filename");
    if files.is_empty() {
        if mode == Mode::Create && !a.positional.is_empty() {
            return create_subcommand(ctx, &a);
        }
        ctx.eprintln(&format!("error: must specify one of -f and -k\n\nSee 'kubectl {name} -h' for help and examples"));
        return 1;
    }
    let (dry, output) = match dryrun::options(&a) {
        Ok(opts) => opts,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    let flag_ns = a.get("namespace").map(String::from);
    // `apply -o yaml|json|...` prints every object at the end, as a List when there are several.
    let mut shown: Vec<Value> = Vec::new();
    let (docs, mut failed) = read_sources(ctx, &files, a.bool("recursive"));
    // apply.go and create.go: files that hold no object at all.
    if docs.is_empty() && !failed {
        ctx.eprintln(&format!("error: no objects passed to {name}"));
        return 1;
    }
    // Both say "creating" in their errors ("error when creating \"web.yaml\": ...").
    let verb = "creating";
    for (source, d) in docs {
        let doc = match d {
            Ok(doc) => doc,
            Err(diag) => {
                ctx.eprintln(&diag.message);
                failed = true;
                if diag.fatal {
                    break;
                }
                continue;
            }
        };
        let Some(kind) = check_document(ctx, &source, &doc, verb) else {
            failed = true;
            continue;
        };
        let mut o = doc.object.clone();
        let obj_ns = obj::namespace(&o).to_string();
        if kind.namespaced() {
            match (&flag_ns, obj_ns.is_empty()) {
                (Some(f), false) if *f != obj_ns => {
                    ctx.eprintln(&format!("error: the namespace from the provided object \"{obj_ns}\" does not match the namespace \"{f}\". You must pass '--namespace={obj_ns}' to perform this operation."));
                    failed = true;
                    continue;
                }
                (Some(f), true) => {
                    obj::meta_mut(&mut o).insert("namespace".into(), jv!(f));
                }
                // An object without one goes to the context's namespace.
                (None, true) => {
                    let ns = ctx.default_namespace().to_string();
                    obj::meta_mut(&mut o).insert("namespace".into(), jv!(ns));
                }
                _ => {}
            }
        }
        let ns = if kind.namespaced() { obj::namespace(&o).to_string() } else { String::new() };
        if mode == Mode::Apply && obj::name(&o).is_empty() {
            // apply.go reads the live object first; a nameless one cannot be read.
            if obj::str_at(&o, "/metadata/generateName").is_some() {
                ctx.eprintln(&format!("error: from {source}: cannot use generate name with apply"));
            } else {
                let i = kind.info();
                let ns_text = if kind.namespaced() {
                    if ns.is_empty() {
                        "default"
                    } else {
                        ns.as_str()
                    }
                } else {
                    ""
                };
                ctx.eprintln(&format!("error: error when retrieving current configuration of:\nResource: \"{}/{}, Resource={}\", GroupVersionKind: \"{}/{}, Kind={}\"\nName: \"\", Namespace: \"{ns_text}\"\nfrom server for: \"{source}\": resource name may not be empty", i.group, i.version, i.plural, i.group, i.version, i.kind));
            }
            failed = true;
            continue;
        }
        let key = ObjKey::new(kind, if ns.is_empty() { "default" } else { &ns }, obj::name(&o));
        let exists = !key.name.is_empty() && ctx.sim.store.contains(&key);
        if mode == Mode::Create || !exists {
            if mode == Mode::Apply {
                let mut applied = doc.object.clone();
                if kind.namespaced() && obj::namespace(&applied).is_empty() {
                    obj::meta_mut(&mut applied).insert("namespace".into(), jv!(key.ns));
                }
                let text = last_applied_text(&applied);
                obj::set_annotation(&mut o, LAST_APPLIED, &text);
            }
            if dry == DryRun::Client {
                // Nothing is sent: the object printed is the one that would have been.
                emit(ctx, &mut shown, mode, output.as_ref(), kind, &o, &dry.op("created"));
                continue;
            }
            let mut shadow = (dry == DryRun::Server).then(|| ctx.sim.clone());
            match shadow.as_mut().unwrap_or(&mut *ctx.sim).create(o) {
                Ok(created) => emit(ctx, &mut shown, mode, output.as_ref(), kind, &created, &dry.op("created")),
                Err(e) => {
                    ctx.report(Error::during(&e, "creating", &source));
                    invalid_hints(ctx, &source, &doc, &e);
                    failed = true;
                }
            }
            continue;
        }
        // Apply to an existing object: a three-way merge reduced to "the manifest, plus nulls
        // for what the last applied configuration had and this one dropped".
        let live = ctx.sim.store.get(&key).cloned().unwrap_or(Value::Null);
        if dry == DryRun::Client {
            // apply.go sends no patch in a client dry run: it prints the live object, configured.
            emit(ctx, &mut shown, mode, output.as_ref(), kind, &live, &dry.op("configured"));
            continue;
        }
        let last: Option<Value> =
            obj::annotation(&live, LAST_APPLIED).and_then(|t| crate::support::yaml::parse(t).ok());
        let mut applied = doc.object.clone();
        if kind.namespaced() && obj::namespace(&applied).is_empty() {
            obj::meta_mut(&mut applied).insert("namespace".into(), jv!(key.ns));
        }
        let text = last_applied_text(&applied);
        let mut modified = applied.clone();
        obj::set_annotation(&mut modified, LAST_APPLIED, &text);
        let av = live.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
        let kind_name = kind.to_string();
        let merged =
            schema::three_way_merge_patch(&av, &kind_name, last.as_ref(), &modified, &live).and_then(|patch| {
                if patch == jv!({}) {
                    Ok(live.clone())
                } else {
                    schema::strategic_merge(&av, &kind_name, &live, &patch)
                }
            });
        let merged = match merged {
            Ok(m) => m,
            Err(e) => {
                ctx.eprintln(&format!("error: {e}"));
                failed = true;
                continue;
            }
        };
        let before = obj::str_at(&live, "/metadata/resourceVersion").map(String::from);
        let mut shadow = (dry == DryRun::Server).then(|| ctx.sim.clone());
        match shadow.as_mut().unwrap_or(&mut *ctx.sim).update(merged) {
            Ok(after) => {
                let changed = obj::str_at(&after, "/metadata/resourceVersion").map(String::from) != before;
                // apply.go prints an unchanged object only when `-o` asks for it.
                let op = if changed { "configured" } else { "unchanged" };
                emit(ctx, &mut shown, mode, output.as_ref(), kind, &after, &dry.op(op));
            }
            Err(e) => {
                ctx.report(Error::during(&e, "applying patch", &source));
                invalid_hints(ctx, &source, &doc, &e);
                failed = true;
            }
        }
    }
    if !shown.is_empty() {
        if let Some(f) = &output {
            let text = super::get::serialize(&shown, true, f);
            ctx.out.out(&text);
        }
    }
    i32::from(failed)
}

/// What apply and create print for an object: `KIND/NAME OP` or `-o name` at once; apply keeps
/// the other `-o` formats for the end (`shouldPrintObject`), create prints them at once.
fn emit(
    ctx: &mut Ctx<'_>,
    shown: &mut Vec<Value>,
    mode: Mode,
    output: Option<&super::get::Format>,
    kind: Kind,
    o: &Value,
    op: &str,
) {
    match output {
        Some(f) if mode == Mode::Apply && *f != super::get::Format::Name => shown.push(o.clone()),
        _ => dryrun::print(ctx, output, kind, o, op),
    }
}

/// Kinds a v1.26 API server serves that the lab does not model.
const UNMODELLED: &[(&str, &str)] = &[
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("apps/v1", "DaemonSet"),
    ("networking.k8s.io/v1", "Ingress"),
    ("networking.k8s.io/v1", "IngressClass"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("autoscaling/v1", "HorizontalPodAutoscaler"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("policy/v1", "PodDisruptionBudget"),
    ("v1", "ServiceAccount"),
    ("v1", "LimitRange"),
    ("v1", "ResourceQuota"),
    ("v1", "ReplicationController"),
    ("v1", "PodTemplate"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("scheduling.k8s.io/v1", "PriorityClass"),
    ("coordination.k8s.io/v1", "Lease"),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
];

/// `kubectl create namespace NAME` (the one generator labs use before any manifest).
fn create_subcommand(ctx: &mut Ctx<'_>, a: &args::Args) -> i32 {
    match a.positional[0].as_str() {
        "namespace" | "ns" => {
            let Some(name) = a.positional.get(1) else {
                ctx.eprintln("error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples");
                return 1;
            };
            match ctx.sim.create(jv!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":name}})) {
                Ok(_) => {
                    ctx.println(&format!("namespace/{name} created"));
                    0
                }
                Err(e) => {
                    ctx.report(&e);
                    1
                }
            }
        }
        other => {
            ctx.eprintln(&format!("error: kubelab does not model `kubectl create {other}` yet; write a manifest and use `kubectl create -f`"));
            1
        }
    }
}
