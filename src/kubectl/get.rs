//! `kubectl get`: tables, `-o wide|yaml|json|name`, `--show-labels`, `-l`, `-A`, and `-w`
//! (reference §5.1–5.4).

use super::args::{self, f, Args, Flag};
use super::errors::Error;
use super::stages::{self, Parsed, Report};
use super::tables;
use super::{Ctx, Effect, Outcome};
use crate::jv;
use crate::sim::labels::{labels_of, map_text, Selector};
use crate::sim::{obj, Kind, ObjKey, WatchType};
use crate::support::tabwriter::TabWriter;
use serde_json::Value;

pub const FLAGS: &[Flag] = &[
    f("watch", Some('w'), false),
    f("watch-only", None, false),
    f("selector", Some('l'), true),
    f("output", Some('o'), true),
    f("show-labels", None, false),
    f("all-namespaces", Some('A'), false),
    f("no-headers", None, false),
    f("show-kind", None, false),
    f("output-watch-events", None, false),
    f("field-selector", None, true),
    f("label-columns", Some('L'), true),
    f("sort-by", None, true),
    f("ignore-not-found", None, false),
    f("filename", Some('f'), true),
    f("chunk-size", None, true),
    f("template", None, true),
];

/// What was asked for: kinds and, per kind, names (empty: all).
pub struct Query {
    pub targets: Vec<(Kind, Vec<String>)>,
    pub by_name: bool,
}

/// Resolves `pods`, `po,svc`, `pod/web-0 svc/nginx`, `all`, `sts web-0 web-1`.
pub fn resolve(positional: &[String]) -> Result<Query, Error> {
    let Some(first) = positional.first() else {
        return Err(Error::text("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples"));
    };
    let mut targets: Vec<(Kind, Vec<String>)> = Vec::new();
    if first.contains('/') {
        for p in positional {
            let Some((t, n)) = p.split_once('/') else {
                return Err(Error::cli("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'"));
            };
            let k = kind_arg(t)?;
            match targets.iter_mut().find(|(kk, _)| *kk == k) {
                Some((_, names)) => names.push(n.to_string()),
                None => targets.push((k, vec![n.to_string()])),
            }
        }
        return Ok(Query { targets, by_name: true });
    }
    let names: Vec<String> = positional[1..].to_vec();
    for t in first.split(',').filter(|t| !t.is_empty()) {
        if t == "all" {
            // The `all` category as discovery lists it (horizontalpodautoscalers.autoscaling
            // after the apps group; the lab has no daemonsets, jobs or cronjobs).
            for k in [
                Kind::Pod,
                Kind::Service,
                Kind::Deployment,
                Kind::ReplicaSet,
                Kind::StatefulSet,
                Kind::HorizontalPodAutoscaler,
            ] {
                targets.push((k, names.clone()));
            }
        } else {
            targets.push((kind_arg(t)?, names.clone()));
        }
    }
    let by_name = !names.is_empty();
    Ok(Query { targets, by_name })
}

/// The objects of `kind` in `ns` (`None`: in every namespace), in the API's order; the
/// built-in quotas are read from the model, not the store.
pub fn listed(sim: &crate::sim::Sim, kind: Kind, ns: Option<&str>) -> Vec<Value> {
    if kind == Kind::ResourceQuota {
        return crate::sim::quota::list(sim, ns);
    }
    sim.store.list(kind, ns).map(|(_, o)| o.clone()).collect()
}

/// One object by name, as `listed` would have it.
pub fn fetched(sim: &crate::sim::Sim, kind: Kind, ns: &str, name: &str) -> Option<Value> {
    if kind == Kind::ResourceQuota {
        return crate::sim::quota::object(sim, ns).filter(|o| obj::name(o) == name);
    }
    sim.store.get(&ObjKey::new(kind, ns, name)).cloned()
}

pub fn kind_arg(t: &str) -> Result<Kind, Error> {
    Kind::from_arg(t).ok_or_else(|| match super::info::served_type(t) {
        // A type a real cluster has, that the lab does not.
        Some(plural) => Error::cli(format!("kubelab does not model {plural} yet")),
        None => Error::cli(format!("the server doesn't have a resource type \"{t}\"")),
    })
}

/// Filters a listing.
#[derive(Clone)]
pub struct Filter {
    pub kind: Kind,
    pub ns: Option<String>,
    pub selector: Selector,
    pub names: Vec<String>,
}

impl Filter {
    pub fn matches(&self, key: &ObjKey, o: &Value) -> bool {
        key.kind == self.kind
            && (!self.kind.namespaced() || self.ns.as_ref().is_none_or(|n| &key.ns == n))
            && self.selector.matches(&labels_of(o))
            && (self.names.is_empty() || self.names.contains(&key.name))
    }
}

/// How rows print.
#[derive(Clone, PartialEq, Eq)]
pub enum Format {
    Table {
        wide: bool,
    },
    Name,
    Yaml,
    Json,
    JsonPath(String),
    GoTemplate(String),
    /// `-o custom-columns=HEADER:PATH,...`, and whether to print the headers.
    CustomColumns(Vec<(String, String)>, bool),
}

pub fn format_of(a: &Args) -> Result<Format, Error> {
    if let Some(t) = a.get("template") {
        return Ok(Format::GoTemplate(t.to_string()));
    }
    let o = a.get("output").unwrap_or("");
    if let Some(t) = o.strip_prefix("jsonpath=") {
        return Ok(Format::JsonPath(t.to_string()));
    }
    if let Some(t) = o.strip_prefix("go-template=").or_else(|| o.strip_prefix("template=")) {
        return Ok(Format::GoTemplate(t.to_string()));
    }
    if let Some(spec) = o.strip_prefix("custom-columns=") {
        // `NewCustomColumnsPrinterFromSpec`.
        let mut cols = Vec::new();
        for part in spec.split(',') {
            match part.split_once(':') {
                Some((h, p)) if !h.is_empty() => cols.push((h.to_string(), p.to_string())),
                _ => {
                    return Err(Error::cli(format!(
                        "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
                    )))
                }
            }
        }
        return Ok(Format::CustomColumns(cols, !a.bool("no-headers")));
    }
    if o == "custom-columns" {
        return Err(Error::cli("custom-columns format specified but no custom columns given"));
    }
    Ok(match o {
        "" => Format::Table { wide: false },
        "wide" => Format::Table { wide: true },
        "name" => Format::Name,
        "yaml" => Format::Yaml,
        "json" => Format::Json,
        other => return Err(Error::cli(format!("unable to match a printer suitable for the output format \"{other}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"))),
    })
}

/// Table options beyond the kind's columns.
#[derive(Clone)]
pub struct TableOpts {
    pub wide: bool,
    pub show_labels: bool,
    /// `-L KEY,...`: a column per label key, before LABELS.
    pub label_columns: Vec<String>,
    pub show_kind: bool,
    pub all_ns: bool,
    pub no_headers: bool,
}

pub fn header_row(sim: &crate::sim::Sim, kind: Kind, t: &TableOpts) -> Vec<String> {
    let mut h = tables::headers(kind, t.wide, sim);
    if t.all_ns && kind.namespaced() {
        h.insert(0, "NAMESPACE".into());
    }
    // `formatLabelHeaders`: the key's last path segment, upper-cased.
    for l in &t.label_columns {
        h.push(l.rsplit('/').next().unwrap_or(l).to_ascii_uppercase());
    }
    if t.show_labels {
        h.push("LABELS".into());
    }
    h
}

pub fn data_row(sim: &crate::sim::Sim, kind: Kind, o: &Value, t: &TableOpts) -> Vec<String> {
    let mut r = tables::row(sim, kind, o, t.wide);
    if t.show_kind && kind != Kind::Event {
        r[0] = format!("{}/{}", kind.qualified_singular(), r[0]);
    }
    if t.all_ns && kind.namespaced() {
        r.insert(0, obj::namespace(o).to_string());
    }
    for l in &t.label_columns {
        r.push(obj::label(o, l).unwrap_or("").to_string());
    }
    if t.show_labels {
        let l = map_text(&labels_of(o));
        r.push(if l.is_empty() { "<none>".into() } else { l });
    }
    r
}

/// Serializes objects as `-o yaml`/`-o json` print them (a `List` when not a single named object).
pub fn serialize(objs: &[Value], single: bool, fmt: &Format) -> String {
    let doc = if single && objs.len() == 1 {
        objs[0].clone()
    } else {
        jv!({"apiVersion":"v1","items":objs,"kind":"List","metadata":{"resourceVersion":""}})
    };
    match fmt {
        Format::JsonPath(t) => super::jsonpath::template(t, &doc).unwrap_or_else(|e| e + "\n"),
        Format::GoTemplate(t) => super::template::go_template(t, &doc).unwrap_or_else(|e| e + "\n"),
        Format::CustomColumns(cols, headers) => custom_columns(cols, &doc, *headers),
        Format::Json => {
            let mut buf = Vec::new();
            let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
            let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
            let _ = serde::Serialize::serialize(&doc, &mut ser);
            // json.Marshal, then json.Indent: Go's HTML-safe escapes.
            crate::support::gofmt::go_json_escape(&String::from_utf8(buf).unwrap_or_default()) + "\n"
        }
        Format::Yaml | Format::Table { .. } | Format::Name => super::yaml::to_yaml(&doc),
    }
}

/// The custom-columns printer over an object or a List: a header, then a row per item, each
/// cell the path's values joined by `,`, or `<none>`.
fn custom_columns(cols: &[(String, String)], doc: &Value, headers: bool) -> String {
    let items: Vec<&Value> = match doc.get("items").and_then(Value::as_array) {
        Some(items) if doc.get("kind").and_then(Value::as_str) == Some("List") => items.iter().collect(),
        _ => vec![doc],
    };
    crate::support::tabwriter::table(&custom_rows(cols, items.into_iter(), headers))
}

fn custom_rows<'a>(
    cols: &[(String, String)],
    items: impl Iterator<Item = &'a Value>,
    headers: bool,
) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    if headers {
        rows.push(cols.iter().map(|(h, _)| h.clone()).collect());
    }
    for item in items {
        rows.push(
            cols.iter()
                .map(|(_, p)| {
                    let vals = super::jsonpath::values(p, item).unwrap_or_default();
                    if vals.is_empty() || vals.iter().all(Value::is_null) {
                        "<none>".to_string()
                    } else {
                        vals.iter().map(super::jsonpath::text).collect::<Vec<_>>().join(",")
                    }
                })
                .collect(),
        );
    }
    rows
}

/// `kubectl get`, parsed.
pub struct Get {
    args: Args,
    fmt: Format,
    selector: Selector,
    fields: Option<super::selectfields::FieldSelector>,
}

#[inline(never)]
pub fn parse_get(argv: &[String]) -> Result<Parsed<Get>, Error> {
    let args = args::parse("get", argv, FLAGS)?;
    if args.bool("help") {
        return Ok(Parsed::Help(HELP.into()));
    }
    let fmt = format_of(&args)?;
    let selector = args.get("selector").map(Selector::parse).transpose().map_err(Error::cli)?.unwrap_or_default();
    let fields = args.get("field-selector").map(super::selectfields::FieldSelector::parse).transpose()?;
    Ok(Parsed::Run(Get { args, fmt, selector, fields }))
}

const HELP: &str = "Display one or many resources.\n\nExamples:\n  # List all pods in ps output format\n  kubectl get pods\n\n  # List a single pod and watch it\n  kubectl get pod web-0 -w\n\nOptions:\n  -A, --all-namespaces=false\n  -l, --selector='': Selector (label query) to filter on\n  -o, --output='': json|yaml|name|wide\n      --show-labels=false\n  -w, --watch=false\n\nUsage:\n  kubectl get [(-o|--output=)json|yaml|name|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags] [options]";

/// Runs `kubectl get ARGS` (its three stages).
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> Outcome {
    stages::run(ctx, parse_get(argv), get)
}

/// Lists (or watches) what the request names.
pub fn get(ctx: &mut Ctx<'_>, mut req: Get) -> Report {
    // `-f FILE`: the objects the manifests name.
    let mut r = Report::default();
    if !name_files(ctx, &mut req.args, &mut r) {
        return r;
    }
    let query = match resolve(&req.args.positional) {
        Ok(q) => q,
        Err(e) => return Report::failure(e),
    };
    let a = &req.args;
    let all_ns = a.bool("all-namespaces");
    let ns = ctx.namespace(a);
    let t = table_opts(a, &req.fmt, &query);
    if a.bool("watch") || a.bool("watch-only") {
        if query.targets.len() != 1 {
            return Report::failure(Error::cli(format!(
                "watch is only supported on individual resources and resource collections, but {} resources were found",
                query.targets.len()
            )));
        }
        let (kind, names) = query.targets[0].clone();
        let filter = Filter { kind, ns: if all_ns { None } else { Some(ns) }, selector: req.selector, names };
        return watch_loop(ctx, filter, t, req.fmt, a.bool("watch-only"), a.bool("output-watch-events"));
    }
    let listed = match list(ctx, &req, &query, &ns) {
        Ok(listing) => render_listing(ctx.sim, &req, &query, &t, &ns, listing),
        Err(e) => Report::failure(e),
    };
    r.append(listed);
    r
}

/// Adds the objects the `-f` manifests name to the positional arguments; false when there is
/// nothing to get (what went wrong is in the report).
fn name_files(ctx: &mut Ctx<'_>, a: &mut Args, report: &mut Report) -> bool {
    let files = a.all("filename");
    if files.is_empty() {
        return true;
    }
    let (docs, errors) = super::apply::read_manifests(ctx, &files, a.bool("recursive"));
    if docs.is_empty() && !errors.is_empty() {
        for e in errors {
            report.fail(e);
        }
        return false;
    }
    // k8s-diff: a file that cannot be read beside others that can is reported and the others
    // listed with status 0; kubectl's builder would stop at the error and print nothing else.
    for e in errors {
        report.note(e.to_string());
    }
    for (source, d) in docs {
        let Ok(doc) = d else { continue };
        let av = doc.object.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let k = doc.object.get("kind").and_then(Value::as_str).unwrap_or("");
        match Kind::from_api(av, k) {
            Some(kind) => a.positional.push(format!("{}/{}", kind.info().plural, obj::name(&doc.object))),
            None => {
                report.fail(Error::cli(format!("resource mapping not found for name: \"{}\" namespace: \"\" from \"{source}\": no matches for kind \"{k}\" in version \"{av}\"\nensure CRDs are installed first", obj::name(&doc.object))));
                return false;
            }
        }
    }
    true
}

fn table_opts(a: &Args, fmt: &Format, query: &Query) -> TableOpts {
    TableOpts {
        wide: matches!(fmt, Format::Table { wide: true }),
        show_labels: a.bool("show-labels"),
        label_columns: a
            .all("label-columns")
            .iter()
            .flat_map(|l| l.split(','))
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        // `MultipleTypesRequested`: `all`, or more than one type (`pod/web-0` alone is one).
        show_kind: a.bool("show-kind")
            || a.positional.iter().any(|p| p == "all")
            || query.targets.iter().any(|(k, _)| *k != query.targets[0].0),
        all_ns: a.bool("all-namespaces"),
        no_headers: a.bool("no-headers"),
    }
}

/// What `get` found: the objects of each kind asked for, in the order asked, and the names
/// that were not there.
struct Listing {
    found: Vec<(Kind, Vec<Value>)>,
    missing: Vec<Error>,
}

fn list(ctx: &mut Ctx<'_>, req: &Get, query: &Query, ns: &str) -> Result<Listing, Error> {
    let a = &req.args;
    let all_ns = a.bool("all-namespaces");
    let mut listing = Listing { found: Vec::new(), missing: Vec::new() };
    for (kind, names) in &query.targets {
        let mut objs: Vec<Value> = Vec::new();
        if names.is_empty() {
            if let Some(f) = &req.fields {
                f.check(*kind, a.get("selector").unwrap_or(""), a.get("field-selector").unwrap_or(""))?;
            }
            let list_ns = if all_ns || !kind.namespaced() { None } else { Some(ns) };
            objs = listed(ctx.sim, *kind, list_ns)
                .into_iter()
                .filter(|o| req.selector.matches_obj(o) && req.fields.as_ref().is_none_or(|f| f.matches(*kind, o)))
                .collect();
        } else {
            for n in names {
                match fetched(ctx.sim, *kind, ns, n) {
                    Some(o) => objs.push(o),
                    None if a.bool("ignore-not-found") => {}
                    None => listing.missing.push(Error::not_found(kind.qualified_plural(), n.clone())),
                }
            }
        }
        if objs.is_empty() {
            continue;
        }
        if let Some(by) = a.get("sort-by") {
            super::selectfields::sort(&mut objs, by)?;
        }
        listing.found.push((*kind, objs));
    }
    Ok(listing)
}

/// The listing as the request's printer writes it, then the names not found, or kubectl's
/// words for nothing at all.
fn render_listing(
    sim: &crate::sim::Sim,
    req: &Get,
    query: &Query,
    t: &TableOpts,
    ns: &str,
    listing: Listing,
) -> Report {
    let mut r = Report::default();
    let printed_any = !listing.found.is_empty();
    match &req.fmt {
        Format::Table { .. } => {
            let tables: Vec<String> = listing.found.iter().map(|(kind, objs)| table_of(sim, *kind, objs, t)).collect();
            r.out(tables.join("\n"));
        }
        Format::Name => {
            for (kind, objs) in &listing.found {
                for o in objs {
                    r.line(format!("{}/{}", kind.qualified_singular(), obj::name(o)));
                }
            }
        }
        fmt => {
            if printed_any {
                let all: Vec<Value> = listing.found.iter().flat_map(|(_, objs)| objs.iter().cloned()).collect();
                let single = query.by_name && all.len() == 1 && query.targets.len() == 1;
                r.out(serialize(&all, single, fmt));
            }
        }
    }
    let none_missing = listing.missing.is_empty();
    for e in listing.missing {
        r.fail(e);
    }
    // Only tables say there was nothing; the other printers (`printGeneric`) print an empty
    // List, and `--ignore-not-found` prints nothing at all.
    if !printed_any && none_missing && !req.args.bool("ignore-not-found") {
        match &req.fmt {
            Format::Table { .. } if t.all_ns || query.targets.iter().all(|(k, _)| !k.namespaced()) => {
                r.note("No resources found")
            }
            Format::Table { .. } => r.note(format!("No resources found in {ns} namespace.")),
            Format::Name => {}
            fmt => r.out(serialize(&[], false, fmt)),
        }
    }
    r
}

/// One kind's table: its header (unless `--no-headers`) and a row per object.
fn table_of(sim: &crate::sim::Sim, kind: Kind, objs: &[Value], t: &TableOpts) -> String {
    let mut rows = Vec::new();
    if !t.no_headers {
        rows.push(header_row(sim, kind, t));
    }
    for o in objs {
        rows.push(data_row(sim, kind, o, t));
    }
    crate::support::tabwriter::table(&rows)
}

/// Longest a watch follows the cluster before the person presses Ctrl-C (virtual time).
pub const WATCH_LIMIT_MS: u64 = 10 * 60 * 1000;

fn watch_loop(
    ctx: &mut Ctx<'_>,
    filter: Filter,
    t: TableOpts,
    fmt: Format,
    watch_only: bool,
    events_col: bool,
) -> Report {
    let mut r = Report::default();
    let mut w = Watch {
        header_done: t.no_headers || !matches!(fmt, Format::Table { .. }),
        header: header_row(ctx.sim, filter.kind, &t),
        filter,
        t,
        fmt,
        events_col,
        tw: TabWriter::new(),
        cursor: 0,
    };
    if events_col {
        w.header.insert(0, "EVENT".into());
    }
    if !watch_only {
        let f = &w.filter;
        let list_ns = if f.kind.namespaced() { f.ns.as_deref() } else { None };
        let objs: Vec<Value> =
            listed(ctx.sim, f.kind, list_ns).into_iter().filter(|o| f.matches(&ObjKey::of(f.kind, o), o)).collect();
        if !objs.is_empty() {
            let mut rows = Vec::new();
            if !w.header_done {
                rows.push(w.header.clone());
                w.header_done = true;
            }
            for o in &objs {
                let mut r = data_row(ctx.sim, w.filter.kind, o, &w.t);
                if w.events_col {
                    r.insert(0, "ADDED".into());
                }
                rows.push(r);
            }
            r.out(print_rows(ctx.sim, &mut w.tw, &rows, &w.fmt, w.filter.kind, &objs));
        }
    }
    w.cursor = ctx.sim.store.cursor();
    if ctx.live && ctx.last_on_line {
        // The terminal keeps the watch open: the page's clock drives it (`Watch::poll`), and
        // the session passes what it prints next through the `grep`s it is piped into (they
        // filter what it printed so far in the pipeline itself).
        r.effect = Some(Effect::Hold(super::Job::Watch(w)));
        return r;
    }
    // A replay has no Ctrl-C: the watch ends once nothing more is due, or once what it follows
    // has been quiet for a while though the cluster is busy elsewhere (a container's loop).
    let deadline = ctx.sim.now().plus_ms(WATCH_LIMIT_MS);
    let mut last_change = ctx.sim.now();
    // Nor does the person wait past the quiet spell for a controller's later look (a
    // Deployment's progress-deadline check, due ten minutes after its last progress).
    let quiet_look = |sim: &crate::sim::Sim, since: crate::sim::SimTime| {
        sim.next_look_due().is_some_and(|t| t.ms() > since.ms() + QUIET_MS)
    };
    while !quiet_look(ctx.sim, last_change) && ctx.sim.step_before(deadline) {
        let (text, ended) = w.poll(ctx.sim);
        if !text.is_empty() {
            last_change = ctx.sim.now();
        }
        r.out(text);
        if ended {
            // The server ended the watch: kubectl returns, status 0 (see `Watch::poll`).
            return r;
        }
        if ctx.sim.now().ms() > last_change.ms() + QUIET_MS {
            break;
        }
    }
    r.code = Some(130);
    r.effect = Some(Effect::Interrupted);
    r
}

/// How long a replayed watch waits for what it follows to change again.
pub const QUIET_MS: u64 = 2 * 60 * 1000;

/// An open `kubectl get -w`: it prints each change to the objects it follows.
#[derive(Clone)]
pub struct Watch {
    filter: Filter,
    t: TableOpts,
    fmt: Format,
    events_col: bool,
    tw: TabWriter,
    header_done: bool,
    header: Vec<String>,
    /// The resourceVersion this watch has read up to.
    cursor: u64,
}

impl Watch {
    /// The kind this watch follows and the resourceVersion it has read up to (its kind's
    /// changes must be kept from there on).
    pub fn cursor(&self) -> (Kind, u64) {
        (self.filter.kind, self.cursor)
    }

    /// The lines for every change since the last poll, and whether the watch has ended.
    ///
    /// A watch that fell behind its kind's window (the page or a replay did not poll it while
    /// its kind changed faster than the window keeps) has been ended by the API server, as a
    /// `cacheWatcher` that cannot keep up is closed. `UntilWithoutRetry` then returns
    /// `ErrWatchClosed`, and `get.go` drops `intr.Run`'s error and returns nil (at every
    /// release from 1.23 to 1.36): kubectl exits quietly with status 0.
    // k8s-diff: the API server closes a watcher whose own buffer (10 to 1,000 events) stays
    // full; the lab ends it only once it needs a change its kind's window let go of, and what
    // the watcher had not printed by then is not printed.
    pub fn poll(&mut self, sim: &crate::sim::Sim) -> (String, bool) {
        let mut text = String::new();
        let Ok(changes) = sim.store.watch(self.filter.kind, self.cursor) else { return (text, true) };
        let events: Vec<(WatchType, Value, crate::sim::SimTime)> =
            changes.filter(|e| self.filter.matches(&e.key, &e.obj)).map(|e| (e.ty, (*e.obj).clone(), e.at)).collect();
        self.cursor = sim.store.cursor();
        for (ty, o, at) in events {
            let mut rows = Vec::new();
            if !self.header_done {
                rows.push(self.header.clone());
                self.header_done = true;
            }
            let mut r = sim.seen_at(at, || data_row(sim, self.filter.kind, &o, &self.t));
            if self.events_col {
                r.insert(0, ty.as_str().into());
            }
            rows.push(r);
            text.push_str(&print_rows(sim, &mut self.tw, &rows, &self.fmt, self.filter.kind, &[o]));
        }
        (text, false)
    }
}

fn print_rows(
    _sim: &crate::sim::Sim,
    tw: &mut TabWriter,
    rows: &[Vec<String>],
    fmt: &Format,
    kind: Kind,
    objs: &[Value],
) -> String {
    match fmt {
        Format::Table { .. } => tw.flush(rows),
        Format::Name => objs.iter().map(|o| format!("{}/{}\n", kind.qualified_singular(), obj::name(o))).collect(),
        Format::Yaml => objs.iter().map(|o| format!("{}---\n", super::yaml::to_yaml(o))).collect(),
        Format::Json | Format::JsonPath(_) | Format::GoTemplate(_) => {
            objs.iter().map(|o| serialize(std::slice::from_ref(o), true, fmt)).collect()
        }
        Format::CustomColumns(cols, headers) => {
            let rows = custom_rows(cols, objs.iter(), *headers && tw.is_fresh());
            tw.flush(&rows)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn parse_err(s: &str) -> String {
        match parse_get(&words(s)) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("`get {s}` parsed"),
        }
    }

    #[test]
    fn parse_get_refuses_an_unknown_output_format_in_printers_words() {
        assert_eq!(
            parse_err("pods -o xml"),
            "error: unable to match a printer suitable for the output format \"xml\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
        );
    }

    #[test]
    fn parse_get_reads_the_selector_and_the_printer() {
        let Ok(Parsed::Run(g)) = parse_get(&words("pods -l app=nginx -o wide")) else { panic!("not a request") };
        assert!(matches!(g.fmt, Format::Table { wide: true }));
        assert_eq!(g.args.positional, ["pods"]);
        assert!(!g.selector.is_empty());
    }

    #[test]
    fn parse_get_gives_the_help_for_dash_h() {
        assert!(
            matches!(parse_get(&words("-h")), Ok(Parsed::Help(h)) if h.starts_with("Display one or many resources."))
        );
    }

    #[test]
    fn an_empty_namespace_says_so_on_stderr_and_succeeds() {
        let mut sim = crate::sim::Sim::new(crate::sim::SimConfig::seeded(1));
        let mut out = crate::support::output::Output::default();
        let mut ctx = Ctx::plain(&mut sim, &mut out);
        let outcome = run(&mut ctx, &words("pods"));
        assert_eq!(outcome.code, 0);
        assert_eq!(out.stderr(), "No resources found in default namespace.\n");
        assert_eq!(out.stdout(), "");
    }
}
