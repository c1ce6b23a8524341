//! `kubectl describe`: a describer per kind the lab serves, as describe.go's describerMap has
//! them (the generic describer for the kinds it has none for), with the object's events at the
//! bottom. Layout follows `pkg/describe/describe.go`: a Go tabwriter
//! with padding 2, whose column blocks are runs of consecutive lines.

use super::args::{self, f, Args, Flag};
use super::errors::Error;
use super::get::resolve;
use super::stages::{self, Parsed, Report};
use super::{Ctx, Outcome};
use crate::sim::labels::Selector;
use crate::sim::obj::Ptr;
use crate::sim::{obj, Kind, ObjKey, Sim};
use crate::support::collections::VecMap;
use crate::support::duration::human_duration_ms;
use crate::support::gotime::rfc1123z;
use crate::support::tabwriter::{self, TabWriter};
use serde_json::Value;

mod autoscaling;
mod config;
mod network;
mod node;
mod pod;
mod storage;
mod workloads;

const FLAGS: &[Flag] = &[
    f("selector", Some('l'), true),
    f("all-namespaces", Some('A'), false),
    f("show-events", None, true),
    f("filename", Some('f'), true),
];

/// Lines of tab-separated cells, formatted by Go's text/tabwriter as describe sets it up.
#[derive(Default)]
struct Doc {
    lines: Vec<Vec<String>>,
}

impl Doc {
    /// Writes a line at an indent level (2 spaces per level); `\t` separates cells.
    fn w(&mut self, level: usize, text: &str) {
        let line = format!("{}{}", "  ".repeat(level), text);
        self.lines.push(line.split('\t').map(String::from).collect());
    }

    fn render(&self) -> String {
        TabWriter::with(tabwriter::DESCRIBE).flush(&self.lines)
    }
}

/// The lines most describers open with: Name, Namespace (for a namespaced object), Labels and
/// Annotations (the last-applied configuration left out).
fn meta_lines(d: &mut Doc, o: &Value) {
    d.w(0, &format!("Name:\t{}", obj::name(o)));
    let ns = obj::namespace(o);
    if !ns.is_empty() {
        d.w(0, &format!("Namespace:\t{ns}"));
    }
    map_lines(d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
    map_lines(d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
}

fn map_lines(d: &mut Doc, level: usize, title: &str, m: Option<&Value>, skip: &[&str]) {
    let entries: Vec<(String, String)> = m
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(k, _)| !skip.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.as_str().map(String::from).unwrap_or_else(|| v.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let sep = if title.starts_with("Annotations") { ": " } else { "=" };
    if entries.is_empty() {
        d.w(level, &format!("{title}\t<none>"));
        return;
    }
    for (i, (k, v)) in entries.iter().enumerate() {
        let lead = if i == 0 { title } else { "" };
        // printAnnotationsMultiline: a value with a newline, or longer than maxAnnotationLen
        // (140) with its key, goes under its key a line each, each cut at 138 bytes.
        let v = if sep == ": " { v.strip_suffix('\n').unwrap_or(v) } else { v };
        if sep == ": " && (v.len() + k.len() + 2 > MAX_ANNOTATION_LEN || v.contains('\n')) {
            d.w(level, &format!("{lead}\t{k}:"));
            for line in v.split('\n') {
                d.w(level, &format!("\t  {}", shorten(line, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            d.w(level, &format!("{lead}\t{k}{sep}{v}"));
        }
    }
}

const MAX_ANNOTATION_LEN: usize = 140;

/// describe.go's `shorten`: the first `max` bytes and `...`.
// k8s-diff: cut at a character boundary; Go cuts at the byte, splitting a character.
fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The events of each involved object, by namespace and uid: one pass over the events for a
/// describe of many objects (a look through every event for each object cost the square).
struct EventsOf<'a>(VecMap<(&'a str, &'a str), Vec<&'a Value>>);

impl<'a> EventsOf<'a> {
    fn of(sim: &'a Sim) -> EventsOf<'a> {
        let mut by: VecMap<(&str, &str), Vec<&Value>> = VecMap::new();
        for (k, e) in sim.store.list(Kind::Event, None) {
            if let Some(uid) = obj::str_at(e, "/involvedObject/uid") {
                by.entry((k.ns.as_str(), uid)).or_default().push(e);
            }
        }
        EventsOf(by)
    }
}

fn events(sim: &Sim, all: &EventsOf<'_>, d: &mut Doc, o: &Value) {
    let uid = obj::uid(o);
    let ns = obj::namespace(o);
    let ns = if ns.is_empty() { "default" } else { ns };
    let mut evs: Vec<&Value> = all.0.get(&(ns, uid)).cloned().unwrap_or_default();
    crate::support::sort::sort_by_key(&mut evs, |e| obj::str_at(e, "/lastTimestamp").unwrap_or("").to_string());
    if evs.is_empty() {
        d.w(0, "Events:\t<none>");
        return;
    }
    d.w(0, "Events:");
    d.w(1, "Type\tReason\tAge\tFrom\tMessage");
    d.w(1, "----\t------\t----\t----\t-------");
    for e in evs {
        let since = |p: &str| {
            obj::str_at(e, p).and_then(|t| sim.ms_since(t)).map(human_duration_ms).unwrap_or_else(|| "<unknown>".into())
        };
        // DescribeEvents: the first time is the event time (events.k8s.io's) or the first
        // timestamp; a series' count and last time, or a repeated event's.
        let first = if obj::str_at(e, "/eventTime").is_some() { since("/eventTime") } else { since("/firstTimestamp") };
        let count = obj::i64_at(e, "/count").unwrap_or(1);
        let age = if let Some(n) = obj::i64_at(e, "/series/count") {
            format!("{} (x{n} over {first})", since("/series/lastObservedTime"))
        } else if count > 1 {
            format!("{} (x{count} over {first})", since("/lastTimestamp"))
        } else {
            first
        };
        let from = obj::str_at(e, "/source/component")
            .filter(|c| !c.is_empty())
            .or(obj::str_at(e, "/reportingComponent"))
            .unwrap_or("");
        let mut message = obj::str_at(e, "/message").unwrap_or("").trim().to_string();
        // kubectl 1.35's DescribeEvents (pkg/describe/describe.go at kubernetes-1.35.0, lines
        // 4143-4145; not at kubernetes-1.34.0): `message = fmt.Sprintf("%s: %s",
        // e.InvolvedObject.FieldPath, message)` when the event names a field
        // (kubernetes/kubernetes#133627, "kubectl: include container fieldPath in event messages").
        let field = obj::str_at(e, "/involvedObject/fieldPath").unwrap_or("");
        if sim.profile.kubectl_minor() >= 35 && !field.is_empty() {
            message = format!("{field}: {message}");
        }
        d.w(
            1,
            &format!(
                "{}\t{}\t{age}\t{from}\t{message}",
                obj::str_at(e, "/type").unwrap_or(""),
                obj::str_at(e, "/reason").unwrap_or(""),
            ),
        );
    }
}

/// `Controlled By:\tKind/name` (printController), when the object has a controller.
fn controlled_by(d: &mut Doc, o: &Value) {
    if let Some(r) = obj::controller_ref(o) {
        let at = |p: &str| obj::str_at(r, p).unwrap_or("");
        d.w(0, &format!("Controlled By:\t{}/{}", at("/kind"), at("/name")));
    }
}

/// `Terminating (lasts 5s)`: the Status a pod, claim or volume being deleted shows, its age
/// counted from the deletionTimestamp (translateTimestampSince).
fn terminating(sim: &Sim, o: &Value) -> String {
    let since = obj::str_at(o, "/metadata/deletionTimestamp").and_then(|t| sim.ms_since(t)).unwrap_or(0);
    format!("Terminating (lasts {})", human_duration_ms(since))
}

fn selector_of(o: &Value) -> String {
    let s = o.ptr("/spec/selector").map(Selector::from_label_selector).unwrap_or_default();
    s.to_text()
}

/// `DescribePodTemplate` through a bare `PrefixWriter` (`rollout history --revision`): cells
/// parted by raw tabs, not aligned; a continuation line has no indent before its tab.
pub fn pod_template_raw(t: &Value, sim: &Sim) -> String {
    let mut d = Doc::default();
    template_lines(&mut d, t, sim);
    let mut out = String::new();
    for cells in &d.lines {
        let first = if cells.len() > 1 && cells[0].trim().is_empty() { "" } else { cells[0].as_str() };
        out.push_str(first);
        for c in &cells[1..] {
            out.push('\t');
            out.push_str(c);
        }
        out.push('\n');
    }
    out
}

fn template_lines(d: &mut Doc, t: &Value, sim: &Sim) {
    d.w(0, "Pod Template:");
    map_lines(d, 1, "Labels:", t.ptr("/metadata/labels"), &[]);
    if t.ptr("/metadata/annotations").is_some() {
        map_lines(d, 1, "Annotations:", t.ptr("/metadata/annotations"), &[]);
    }
    for (list, title) in [("/spec/initContainers", "Init Containers:"), ("/spec/containers", "Containers:")] {
        let cs = obj::arr_at(t, list);
        if cs.is_empty() && list == "/spec/initContainers" {
            continue;
        }
        d.w(1, title);
        for c in cs {
            let mut sub = Doc::default();
            pod::container_lines(&mut sub, 1, c, None, sim, None);
            // The container's name line has one more space than its level (` nginx:`).
            if let Some(first) = sub.lines.first_mut() {
                first[0] = format!(" {}", first[0]);
            }
            d.lines.extend(sub.lines);
        }
    }
    pod::volume_lines(d, 1, obj::arr_at(t, "/spec/volumes"));
}

fn describe_one(sim: &Sim, kind: Kind, o: &Value, events_of: Option<&EventsOf<'_>>) -> String {
    let mut d = Doc::default();
    match kind {
        Kind::Pod => pod::pod(&mut d, sim, o),
        Kind::StatefulSet => workloads::stateful_set(&mut d, sim, o),
        Kind::Deployment => workloads::deployment(&mut d, sim, o),
        Kind::ReplicaSet => workloads::replica_set(&mut d, sim, o),
        Kind::Service => network::service(&mut d, sim, o),
        Kind::PersistentVolumeClaim => storage::claim(&mut d, sim, o),
        Kind::PersistentVolume => storage::volume(&mut d, sim, o),
        Kind::Node => node::node_lines(&mut d, o, sim),
        Kind::ConfigMap | Kind::Secret => config::data(&mut d, o, kind),
        Kind::Endpoints => network::endpoints(&mut d, o),
        Kind::ResourceQuota => config::quota(&mut d, o),
        Kind::Namespace => config::namespace(&mut d, sim, o),
        Kind::StorageClass => storage::storage_class(&mut d, o),
        Kind::EndpointSlice => network::endpoint_slice(&mut d, o),
        Kind::HorizontalPodAutoscaler => autoscaling::autoscaler(&mut d, sim, o),
        // describerMap has none for these: kubectl falls back on its generic describer.
        Kind::Event | Kind::ControllerRevision => config::generic(&mut d, o),
    }
    // The Secret, ResourceQuota and Namespace describers have no events section.
    if let Some(all) = events_of.filter(|_| !matches!(kind, Kind::Secret | Kind::ResourceQuota | Kind::Namespace)) {
        events(sim, all, &mut d, o);
    }
    d.render()
}

/// `kubectl describe`, parsed.
pub struct Describe {
    args: Args,
    selector: Selector,
    show_events: bool,
}

#[inline(never)]
pub fn parse_describe(argv: &[String]) -> Result<Parsed<Describe>, Error> {
    let args = args::parse("describe", argv, FLAGS)?;
    if args.bool("help") {
        return Ok(Parsed::Help("Show details of a specific resource or group of resources.\n\nUsage:\n  kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]".into()));
    }
    let selector = args.get("selector").map(Selector::parse).transpose().map_err(Error::cli)?.unwrap_or_default();
    let show_events = args.get("show-events").is_none_or(|v| v != "false");
    Ok(Parsed::Run(Describe { args, selector, show_events }))
}

/// Runs `kubectl describe ARGS` (its three stages).
// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> Outcome {
    stages::run(ctx, parse_describe(argv), describe)
}

/// Describes each object the request names (by type and names, by `-f` files, or every
/// object of a type), then the errors met, as kubectl's `DescribeOptions.Run` prints them.
pub fn describe(ctx: &mut Ctx<'_>, req: Describe) -> Report {
    let a = &req.args;
    let has_files = !a.all("filename").is_empty();
    if a.positional.is_empty() && !has_files {
        return Report::failure(Error::cli("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources."));
    }
    let ns = ctx.namespace(a);
    let all_ns = a.bool("all-namespaces");
    let mut r = Report::default();
    let mut found: Vec<(Kind, Value)> = Vec::new();
    let mut errors: Vec<Error> = Vec::new();
    if has_files {
        for key in super::delete::from_files(ctx, a, &ns, &mut r) {
            match super::get::listed(ctx.sim, key.kind, key.kind.namespaced().then_some(key.ns.as_str()))
                .into_iter()
                .find(|o| obj::name(o) == key.name)
            {
                Some(o) => found.push((key.kind, o)),
                None => errors.push(Error::not_found(key.kind.qualified_plural(), key.name.clone())),
            }
        }
    }
    if !a.positional.is_empty() {
        let q = match resolve(&a.positional) {
            Ok(q) => q,
            Err(e) => return Report::failure(e),
        };
        let list_ns = (!all_ns).then_some(ns.as_str());
        // DescribeMatchingResources: `TYPE NAME` whose NAME is no object's describes every
        // object whose name begins with it, each followed by a blank line.
        if let [(kind, names)] = q.targets.as_slice() {
            if a.positional.len() == 2 && !names[0].contains('/') {
                if let Some(report) = by_prefix(ctx, *kind, &names[0], list_ns, req.show_events) {
                    return report;
                }
            }
        }
        for (kind, names) in &q.targets {
            for o in matching(ctx, *kind, names, list_ns, &req.selector, &mut errors) {
                found.push((*kind, o));
            }
        }
    }
    let sim: &Sim = ctx.sim;
    let events_of = req.show_events.then(|| EventsOf::of(sim));
    let parts: Vec<String> = found.iter().map(|(k, o)| describe_one(sim, *k, o, events_of.as_ref())).collect();
    if parts.is_empty() && errors.is_empty() && !r.failed() {
        r.note(if all_ns {
            "No resources found".to_string()
        } else {
            format!("No resources found in {ns} namespace.")
        });
    }
    r.out(parts.join("\n\n"));
    for e in errors {
        r.fail(e);
    }
    r
}

/// `describe TYPE NAME` when NAME is no object of TYPE: the objects whose names begin with
/// it, or `None` (the NotFound stands) when there are none.
fn by_prefix(ctx: &mut Ctx<'_>, kind: Kind, prefix: &str, ns: Option<&str>, events: bool) -> Option<Report> {
    let listed = super::get::listed(ctx.sim, kind, if kind.namespaced() { ns } else { None });
    if listed.iter().any(|o| obj::name(o) == prefix) {
        return None;
    }
    let mut r = Report::default();
    let mut any = false;
    let events_of = events.then(|| EventsOf::of(ctx.sim));
    for o in listed.iter().filter(|o| obj::name(o).starts_with(prefix)) {
        r.out(describe_one(ctx.sim, kind, o, events_of.as_ref()));
        r.out("\n");
        any = true;
    }
    any.then_some(r)
}

/// The objects of `kind` that `names` name, or those the selector picks when there are no
/// names; a name that is no object's is a NotFound in `errors`.
fn matching(
    ctx: &Ctx<'_>,
    kind: Kind,
    names: &[String],
    ns: Option<&str>,
    sel: &Selector,
    errors: &mut Vec<Error>,
) -> Vec<Value> {
    let listed = super::get::listed(ctx.sim, kind, if kind.namespaced() { ns } else { None });
    if names.is_empty() {
        return listed.into_iter().filter(|o| sel.matches_obj(o)).collect();
    }
    let mut out = Vec::new();
    for n in names {
        match listed.iter().find(|o| obj::name(o) == n) {
            Some(o) => out.push(o.clone()),
            None => errors.push(Error::not_found(kind.qualified_plural(), n.clone())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parse_describe_reads_show_events_and_the_selector() {
        let Ok(Parsed::Run(d)) = parse_describe(&words("pods -l app=web --show-events=false")) else {
            panic!("not a request")
        };
        assert!(!d.show_events);
        assert!(!d.selector.is_empty());
    }

    #[test]
    fn a_name_describes_every_object_it_begins() {
        let mut sim = Sim::new(crate::sim::SimConfig::seeded(1));
        for n in ["web", "web-2", "db"] {
            let cm =
                crate::jv!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": n, "namespace": "default"}});
            sim.create(cm).unwrap();
        }
        let mut out = crate::support::output::Output::default();
        let mut ctx = Ctx::plain(&mut sim, &mut out);
        // An exact name wins; a prefix takes every object it begins; nothing is NotFound.
        let mut errors = Vec::new();
        let web = matching(&ctx, Kind::ConfigMap, &words("web"), Some("default"), &Selector::default(), &mut errors);
        assert_eq!(web.len(), 1);
        let we = by_prefix(&mut ctx, Kind::ConfigMap, "we", Some("default"), false).expect("two match");
        assert_eq!(we.text.stdout().matches("Name:").count(), 2);
        assert!(by_prefix(&mut ctx, Kind::ConfigMap, "web", Some("default"), false).is_none(), "an exact name");
        let outcome = run(&mut ctx, &words("configmap nope"));
        assert_eq!(outcome.code, 1);
        assert_eq!(out.stderr(), "Error from server (NotFound): configmaps \"nope\" not found\n");
    }

    #[test]
    fn annotations_print_as_print_annotations_multiline_prints_them() {
        // describe_test.go's TestPrintLabelsMultiline at kubernetes-1.26.0: cells joined by
        // tabs as the PrefixWriter writes them (before the tabwriter).
        let key = "MaxLenAnnotation";
        let value = "a".repeat(MAX_ANNOTATION_LEN - key.len() - 2);
        let cases = [
            (crate::jv!({"col1": "asd", "COL2": "zxc"}), "Annotations:\tCOL2: zxc\n\tcol1: asd\n".to_string()),
            (crate::jv!({key: value}), format!("Annotations:\t{key}: {value}\n")),
            (crate::jv!({key: format!("{value}1")}), format!("Annotations:\t{key}:\n\t  {value}1\n")),
            (
                crate::jv!({key: format!("{value}{value}")}),
                format!("Annotations:\t{key}:\n\t  {}...\n", "a".repeat(MAX_ANNOTATION_LEN - 2)),
            ),
            (
                crate::jv!({"key": "value\nwith\nnewlines\n"}),
                "Annotations:\tkey:\n\t  value\n\t  with\n\t  newlines\n".to_string(),
            ),
            (crate::jv!({}), "Annotations:\t<none>\n".to_string()),
        ];
        for (annotations, want) in cases {
            let mut d = Doc::default();
            map_lines(&mut d, 0, "Annotations:", Some(&annotations), &[]);
            let got: String = d.lines.iter().map(|cells| cells.join("\t") + "\n").collect();
            assert_eq!(got, want);
        }
    }
}
