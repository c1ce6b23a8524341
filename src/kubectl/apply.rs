//! `kubectl apply -f` and `kubectl create -f`: read manifests, validate them strictly, create
//! or update each object, one line per object in file order; an error in one document does
//! not stop the others (reference §5.5, §5.6).

use super::args::{self, f, Args, Flag};
use super::dryrun::{self, DryRun};
use super::errors::Error;
use super::get::Format;
use super::stages::{Parsed, Report};
use super::Ctx;
use crate::jv;
use crate::manifest::{self, schema, Diagnostic, Document};
use crate::sim::{obj, ApiError, Kind, ObjKey, MAX_REQUEST_BODY_BYTES};
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

/// A manifest file's text as kubectl's file visitor decodes it
/// (`unicode.BOMOverride(unicode.UTF8.NewDecoder())`): a byte-order mark picks UTF-16 in its
/// order or is dropped (UTF-8), and bytes that are not UTF-8 become U+FFFD, each maximal
/// ill-formed part one, as `from_utf8_lossy` replaces them.
pub fn file_text(bytes: &[u8]) -> String {
    fn utf16(b: &[u8], unit: fn([u8; 2]) -> u16) -> String {
        let mut text: String = char::decode_utf16(b.chunks_exact(2).map(|c| unit([c[0], c[1]])))
            .map(|c| c.unwrap_or('\u{FFFD}'))
            .collect();
        if b.len() % 2 == 1 {
            text.push('\u{FFFD}');
        }
        text
    }
    match bytes {
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xEF, 0xBB, 0xBF, rest @ ..] => String::from_utf8_lossy(rest).into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Each document of the sources, with the source it came from (or why it could not be read).
pub type Sourced = Vec<(String, Result<Document, Diagnostic>)>;

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
        } else if crate::support::output::is_stdin_path(file) {
            // Opened as a file, named as given; what is piped in (or a here-document), and
            // nothing when nothing is: a lab's line never waits for keys.
            (file.clone(), file_text(ctx.stdin.unwrap_or("").as_bytes()))
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

/// Checks apiVersion/kind and the schema: the kind, or kubectl's error (and our hints) in `r`.
fn checked(r: &mut Report, source: &str, doc: &Document, verb: &str) -> Option<Kind> {
    match document_problems(source, doc, verb) {
        Ok(kind) => Some(kind),
        Err(p) => {
            r.fail(Error::text(p.error));
            for h in &p.hints {
                hint(r, source, h.line, h.column, &h.text);
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

/// The checks `checked` reports, as data: apiVersion and kind, the kind's existence,
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
            Ok(doc) => out.extend(document_hints(name, &doc)),
            Err(diag) => {
                let text = diag.message.trim_start_matches("error: ").to_string();
                out.push(Hint { line: diag.line.unwrap_or(1), column: diag.column.unwrap_or(1), text });
            }
        }
    }
    out
}

/// The diagnostics of one well-formed document: what `kubectl apply` would refuse, its error
/// at the document's first line when it points nowhere in particular.
fn document_hints(name: &str, doc: &Document) -> Vec<Hint> {
    let Err(p) = document_problems(name, doc, "creating") else { return Vec::new() };
    if !p.hints.is_empty() {
        return p.hints;
    }
    vec![Hint { line: doc.first_line, column: 1, text: p.error.trim_start_matches("error: ").to_string() }]
}

/// Points at the field each cause of an Invalid error names (`spec.template.metadata.labels: ...`).
fn invalid_hints(r: &mut Report, source: &str, doc: &Document, e: &crate::sim::ApiError) {
    let crate::sim::ApiError::Invalid { causes, .. } = e else { return };
    for cause in causes {
        let Some((path, detail)) = cause.split_once(": ") else { continue };
        let mut segs = manifest::parse_path(path);
        // The field itself, or the nearest enclosing field the manifest has.
        while !segs.is_empty() {
            if let Some((l, c)) = manifest::locate(&doc.text, &segs) {
                let reason = detail.rsplit(": ").next().unwrap_or(detail);
                hint(r, source, l + doc.first_line - 1, c, &format!("{path}: {reason}"));
                break;
            }
            segs.pop();
        }
    }
}

/// Kubelab's own pointer to the line (not something kubectl prints).
fn hint(r: &mut Report, source: &str, line: usize, col: usize, text: &str) {
    r.note(format!("hint: {source}:{line}:{col}: {text}"));
}

/// `kubectl apply -f` or `kubectl create -f`, parsed.
pub struct Apply {
    mode: Mode,
    args: Args,
    files: Vec<String>,
    dry: DryRun,
    output: Option<Format>,
}

pub fn parse_apply(argv: &[String], mode: Mode) -> Result<Parsed<Apply>, Error> {
    let name = if mode == Mode::Apply { "apply" } else { "create" };
    let args = args::parse(name, argv, FLAGS)?;
    if args.bool("help") {
        let what = if mode == Mode::Apply {
            "Apply a configuration to a resource by file name or stdin."
        } else {
            "Create a resource from a file or from stdin."
        };
        return Ok(Parsed::Help(format!("{what}\n\nUsage:\n  kubectl {name} (-f FILENAME) [options]")));
    }
    let files = args.all("filename");
    let generator = mode == Mode::Create && !args.positional.is_empty();
    if files.is_empty() && !generator {
        return Err(Error::cli(format!(
            "must specify one of -f and -k\n\nSee 'kubectl {name} -h' for help and examples"
        )));
    }
    let (dry, output) = if files.is_empty() { (DryRun::None, None) } else { dryrun::options(&args)? };
    Ok(Parsed::Run(Apply { mode, args, files, dry, output }))
}

/// Creates or applies every object of the files, in order.
pub fn apply(ctx: &mut Ctx<'_>, req: Apply) -> Report {
    if req.files.is_empty() {
        return create_subcommand(ctx, &req.args);
    }
    let mut r = Report::default();
    let (docs, errors) = read_manifests(ctx, &req.files, req.args.bool("recursive"));
    let unread = !errors.is_empty();
    for e in errors {
        r.fail(e);
    }
    // apply.go and create.go: files that hold no object at all.
    if docs.is_empty() && !unread {
        let name = if req.mode == Mode::Apply { "apply" } else { "create" };
        r.fail(Error::cli(format!("no objects passed to {name}")));
        return r;
    }
    // `apply -o yaml|json|...` prints every object at the end, as a List when there are several.
    let mut shown: Vec<Value> = Vec::new();
    for (source, d) in docs {
        let doc = match d {
            Ok(doc) => doc,
            Err(diag) if diag.too_large => {
                // kubectl builds the object and sends it; the API server refuses the body.
                r.fail(Error::during(&ApiError::body_too_large(), "creating", &source));
                continue;
            }
            Err(diag) => {
                r.fail(Error::text(diag.message));
                if diag.fatal {
                    break;
                }
                continue;
            }
        };
        apply_document(ctx, &req, &source, &doc, &mut shown, &mut r);
    }
    if let (false, Some(f)) = (shown.is_empty(), &req.output) {
        r.out(super::get::serialize(&shown, true, f));
    }
    r
}

/// One document of a file: checked, placed in its namespace, then created or applied.
fn apply_document(
    ctx: &mut Ctx<'_>,
    req: &Apply,
    source: &str,
    doc: &Document,
    shown: &mut Vec<Value>,
    r: &mut Report,
) {
    // Both say "creating" in their errors ("error when creating \"web.yaml\": ...").
    let Some(kind) = checked(r, source, doc, "creating") else { return };
    let mut o = doc.object.clone();
    if let Err(e) = place_in_namespace(ctx, req, kind, &mut o) {
        return r.fail(e);
    }
    let ns = if kind.namespaced() { obj::namespace(&o).to_string() } else { String::new() };
    if req.mode == Mode::Apply && obj::name(&o).is_empty() {
        return r.fail(nameless_apply(kind, &o, &ns, source));
    }
    let key = ObjKey::new(kind, if ns.is_empty() { "default" } else { &ns }, obj::name(&o));
    let exists = !key.name.is_empty() && ctx.sim.store.contains(&key);
    let done = if req.mode == Mode::Create || !exists {
        create_object(ctx, req, doc, &key, o).map_err(|e| Error::during(&e, "creating", source))
    } else {
        patch_object(ctx, req, doc, &key).map_err(|e| match e.api() {
            Some(err) => Error::during(err, "applying patch", source),
            None => e,
        })
    };
    let in_v1 =
        kind == Kind::HorizontalPodAutoscaler && obj::str_at(&doc.object, "/apiVersion") == Some("autoscaling/v1");
    match done {
        // The answer comes in the manifest's version.
        Ok((object, op)) if in_v1 && obj::str_at(&object, "/apiVersion") == Some("autoscaling/v2") => {
            emit(r, shown, req, kind, &super::autoscale::v1_of(&object), &op)
        }
        Ok((object, op)) => emit(r, shown, req, kind, &object, &op),
        Err(e) => {
            let cause = e.api().cloned();
            r.fail(e);
            if let Some(err) = cause {
                invalid_hints(r, source, doc, &err);
            }
        }
    }
}

/// `-n` against the object's own namespace; an object without one goes to `-n` or to the
/// context's namespace.
fn place_in_namespace(ctx: &Ctx<'_>, req: &Apply, kind: Kind, o: &mut Value) -> Result<(), Error> {
    if !kind.namespaced() {
        return Ok(());
    }
    let obj_ns = obj::namespace(o).to_string();
    match (req.args.get("namespace"), obj_ns.is_empty()) {
        (Some(f), false) if f != obj_ns => Err(Error::cli(format!("the namespace from the provided object \"{obj_ns}\" does not match the namespace \"{f}\". You must pass '--namespace={obj_ns}' to perform this operation."))),
        (Some(f), true) => {
            obj::meta_mut(o).insert("namespace".into(), jv!(f));
            Ok(())
        }
        (None, true) => {
            let ns = ctx.default_namespace().to_string();
            obj::meta_mut(o).insert("namespace".into(), jv!(ns));
            Ok(())
        }
        _ => Ok(()),
    }
}

/// apply.go reads the live object first; a nameless one cannot be read.
fn nameless_apply(kind: Kind, o: &Value, ns: &str, source: &str) -> Error {
    if obj::str_at(o, "/metadata/generateName").is_some() {
        return Error::cli(format!("from {source}: cannot use generate name with apply"));
    }
    let i = kind.info();
    let ns_text = match (kind.namespaced(), ns.is_empty()) {
        (false, _) => "",
        (true, true) => "default",
        (true, false) => ns,
    };
    Error::cli(format!("error when retrieving current configuration of:\nResource: \"{}/{}, Resource={}\", GroupVersionKind: \"{}/{}, Kind={}\"\nName: \"\", Namespace: \"{ns_text}\"\nfrom server for: \"{source}\": resource name may not be empty", i.group, i.version, i.plural, i.group, i.version, i.kind))
}

/// The object as the document has it (with `apply`'s last-applied annotation), created, or
/// in a client dry run only shown: the object and the printers' operation word.
fn create_object(
    ctx: &mut Ctx<'_>,
    req: &Apply,
    doc: &Document,
    key: &ObjKey,
    mut o: Value,
) -> Result<(Value, String), crate::sim::ApiError> {
    if req.mode == Mode::Apply {
        let text = last_applied_text(&with_namespace(doc, key));
        obj::set_annotation(&mut o, LAST_APPLIED, &text);
    }
    let op = req.dry.op("created");
    if req.dry == DryRun::Client {
        // Nothing is sent: the object printed is the one that would have been.
        return Ok((o, op));
    }
    if crate::support::gofmt::go_json_len(&o) > MAX_REQUEST_BODY_BYTES {
        return Err(ApiError::body_too_large());
    }
    let mut shadow = (req.dry == DryRun::Server).then(|| ctx.sim.clone());
    let created = shadow.as_mut().unwrap_or(&mut *ctx.sim).create(o)?;
    Ok((created, op))
}

/// The document's object with the namespace it lands in (what the last-applied annotation
/// records).
fn with_namespace(doc: &Document, key: &ObjKey) -> Value {
    let mut applied = doc.object.clone();
    if key.kind.namespaced() && obj::namespace(&applied).is_empty() {
        obj::meta_mut(&mut applied).insert("namespace".into(), jv!(key.ns));
    }
    applied
}

/// Apply to an existing object: a three-way merge of the last applied configuration, this
/// one and the live object; `configured`, or `unchanged` when nothing moved.
fn patch_object(ctx: &mut Ctx<'_>, req: &Apply, doc: &Document, key: &ObjKey) -> Result<(Value, String), Error> {
    let mut live = ctx.sim.store.get(key).cloned().unwrap_or(Value::Null);
    if key.kind == Kind::HorizontalPodAutoscaler && obj::str_at(&doc.object, "/apiVersion") == Some("autoscaling/v1") {
        // kubectl reads the live object in the manifest's version and patches that one.
        live = super::autoscale::v1_of(&live);
    }
    if req.dry == DryRun::Client {
        // apply.go sends no patch in a client dry run: it prints the live object, configured.
        return Ok((live, req.dry.op("configured")));
    }
    let last: Option<Value> = obj::annotation(&live, LAST_APPLIED).and_then(|t| crate::support::yaml::parse(t).ok());
    let applied = with_namespace(doc, key);
    let mut modified = applied.clone();
    obj::set_annotation(&mut modified, LAST_APPLIED, &last_applied_text(&applied));
    let av = live.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
    let kind_name = key.kind.to_string();
    // A patch the merge cannot make is kubectl's own error, not the server's.
    let patch = schema::three_way_merge_patch(&av, &kind_name, last.as_ref(), &modified, &live).map_err(Error::cli)?;
    if crate::support::gofmt::go_json_len(&patch) > MAX_REQUEST_BODY_BYTES {
        return Err(ApiError::body_too_large().into());
    }
    let merged = if patch == jv!({}) {
        live.clone()
    } else {
        schema::strategic_merge(&av, &kind_name, &live, &patch).map_err(Error::cli)?
    };
    let before = obj::str_at(&live, "/metadata/resourceVersion").map(String::from);
    let mut shadow = (req.dry == DryRun::Server).then(|| ctx.sim.clone());
    let after = shadow.as_mut().unwrap_or(&mut *ctx.sim).update(merged)?;
    let changed = obj::str_at(&after, "/metadata/resourceVersion").map(String::from) != before;
    // apply.go prints an unchanged object only when `-o` asks for it.
    let op = if changed { "configured" } else { "unchanged" };
    Ok((after, req.dry.op(op)))
}

/// What apply and create print for an object: `KIND/NAME OP` or `-o name` at once; apply keeps
/// the other `-o` formats for the end (`shouldPrintObject`), create prints them at once.
fn emit(r: &mut Report, shown: &mut Vec<Value>, req: &Apply, kind: Kind, o: &Value, op: &str) {
    match &req.output {
        Some(f) if req.mode == Mode::Apply && *f != Format::Name => shown.push(o.clone()),
        out => r.out(dryrun::printed(out.as_ref(), kind, o, op)),
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
fn create_subcommand(ctx: &mut Ctx<'_>, a: &args::Args) -> Report {
    let mut r = Report::default();
    match a.positional[0].as_str() {
        "namespace" | "ns" => {
            let Some(name) = a.positional.get(1) else {
                r.fail(Error::cli(
                    "exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples",
                ));
                return r;
            };
            match ctx.sim.create(jv!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":name}})) {
                Ok(_) => r.line(format!("namespace/{name} created")),
                Err(e) => r.fail(e),
            }
        }
        other => r.fail(Error::cli(format!(
            "kubelab does not model `kubectl create {other}` yet; write a manifest and use `kubectl create -f`"
        ))),
    }
    r
}

#[cfg(test)]
mod stage_tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parse_apply_wants_a_file() {
        let e = parse_apply(&words(""), Mode::Apply).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("error: must specify one of -f and -k\n\nSee 'kubectl apply -h' for help and examples")
        );
        // `create` without -f is a generator (`create namespace x`), not an error.
        assert!(matches!(parse_apply(&words("namespace x"), Mode::Create), Ok(Parsed::Run(_))));
    }

    #[test]
    fn parse_apply_refuses_a_table_printer() {
        let e = parse_apply(&words("-f web.yaml -o wide"), Mode::Apply).err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.starts_with("error: unable to match a printer suitable for the output format \"wide\"")));
    }

    #[test]
    fn a_namespace_flag_that_disagrees_with_the_object_is_refused() {
        let mut sim = crate::sim::Sim::new(crate::sim::SimConfig::seeded(1));
        let mut out = crate::support::output::Output::default();
        let ctx = Ctx::plain(&mut sim, &mut out);
        let Ok(Parsed::Run(req)) = parse_apply(&words("-f x.yaml -n a"), Mode::Apply) else { panic!() };
        let mut o = jv!({"metadata": {"name": "c", "namespace": "b"}});
        let e = place_in_namespace(&ctx, &req, Kind::ConfigMap, &mut o).unwrap_err().to_string();
        assert_eq!(e, "error: the namespace from the provided object \"b\" does not match the namespace \"a\". You must pass '--namespace=b' to perform this operation.");
        let mut o = jv!({"metadata": {"name": "c"}});
        place_in_namespace(&ctx, &req, Kind::ConfigMap, &mut o).unwrap();
        assert_eq!(obj::namespace(&o), "a");
    }

    #[test]
    fn diagnose_puts_an_error_without_hints_at_its_document() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v9\nkind: Gadget\nmetadata:\n  name: g\n";
        let hints = diagnose("x.yaml", text);
        assert_eq!(hints.len(), 1);
        assert_eq!((hints[0].line, hints[0].column), (6, 1));
        assert!(hints[0].text.starts_with("resource mapping not found for name: \"g\""), "{}", hints[0].text);
        let hints = diagnose("x.yaml", "metadata:\n  name: a\n");
        assert_eq!(hints, vec![Hint { line: 1, column: 1, text: "every document needs apiVersion and kind".into() }]);
    }
}

#[cfg(test)]
mod tests {
    use super::file_text;

    #[test]
    fn file_text_decodes_as_kubectls_file_visitor() {
        assert_eq!(file_text(b"\xEF\xBB\xBFkind: Pod\n"), "kind: Pod\n");
        assert_eq!(file_text(b"\xFF\xFEk\0:\0 \0x\0"), "k: x");
        assert_eq!(file_text(b"\xFE\xFF\0k\0:\0 \0x\0"), "k: x\u{FFFD}");
        assert_eq!(file_text(b"caf\xE9 \xE2\x82x"), "caf\u{FFFD} \u{FFFD}x");
        assert_eq!(file_text(b"\xEF\xBB"), "\u{FFFD}");
    }
}
