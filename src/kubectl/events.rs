//! `kubectl events` (beta in 1.26; events.go and event_printer.go): the namespace's events
//! oldest first, each object named by its Kind as written (`Pod/web-0`), repeated events as
//! `51s (x25 over 2m48s)`.

use super::args::{self, f, Flag};
use super::errors::Error;
use super::stages::{Parsed, Report};
use super::Ctx;
use crate::sim::{obj, Kind};
use crate::support::duration::human_duration_ms;
use crate::support::tabwriter::TabWriter;
use serde_json::Value;

const FLAGS: &[Flag] = &[
    f("all-namespaces", Some('A'), false),
    f("for", None, true),
    f("types", None, true),
    f("watch", Some('w'), false),
    f("no-headers", None, false),
    f("output", Some('o'), true),
    f("chunk-size", None, true),
];

/// `kubectl events`, parsed.
pub struct Events {
    /// `-A`: every namespace's, with a NAMESPACE column.
    all: bool,
    /// `--for TYPE/NAME`: the involved object's Kind and name.
    target: Option<(String, String)>,
    /// `--types`: `Normal`, `Warning` (none: both).
    types: Vec<String>,
    no_headers: bool,
    /// `-n`, when given.
    namespace: Option<String>,
}

#[inline(never)]
pub fn parse_events(argv: &[String]) -> Result<Parsed<Events>, Error> {
    let a = args::parse("events", argv, FLAGS)?;
    if a.bool("watch") || a.get("output").is_some_and(|o| !o.is_empty()) {
        return Err(Error::cli(
            "kubelab does not model `kubectl events` with --watch or --output yet; `kubectl get events` takes them",
        ));
    }
    let target = a.get("for").map(involved).transpose()?;
    let mut types: Vec<String> = Vec::new();
    for t in a.get("types").unwrap_or("").split(',').filter(|t| !t.is_empty()) {
        match t.trim().to_ascii_lowercase().as_str() {
            "normal" => types.push("Normal".into()),
            "warning" => types.push("Warning".into()),
            _ => return Err(Error::cli("valid --types are Normal or Warning")),
        }
    }
    Ok(Parsed::Run(Events {
        all: a.bool("all-namespaces"),
        target,
        types,
        no_headers: a.bool("no-headers"),
        namespace: a.get("namespace").filter(|n| !n.is_empty()).map(String::from),
    }))
}

/// `--for TYPE/NAME`: the Kind as events name it, and the name.
fn involved(spec: &str) -> Result<(String, String), Error> {
    let Some((ty, name)) = spec.split_once('/') else {
        return Err(Error::cli("--for must be in resource/name form"));
    };
    let Some(kind) = Kind::from_arg(ty) else {
        return Err(Error::cli(format!("the server doesn't have a resource type \"{ty}\"")));
    };
    Ok((kind.to_string(), name.to_string()))
}

/// The events, oldest first, as a table; `No events found in NS namespace.` on stderr when
/// there are none (the command still succeeds).
pub fn events(ctx: &mut Ctx<'_>, req: Events) -> Report {
    let ns = req.namespace.clone().unwrap_or_else(|| ctx.default_namespace().to_string());
    let list = chosen(ctx, &req, &ns);
    let mut r = Report::default();
    if list.is_empty() {
        r.note(if req.all { "No events found.".to_string() } else { format!("No events found in {ns} namespace.") });
        return r;
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !req.no_headers {
        let mut h = vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
        if req.all {
            h.insert(0, "NAMESPACE");
        }
        rows.push(h.into_iter().map(String::from).collect());
    }
    rows.extend(list.into_iter().map(|e| row(ctx, e, req.all)));
    r.out(TabWriter::new().flush(&rows));
    r
}

/// The events the request asks for, sorted by the last time each was seen (SortableEvents).
fn chosen<'c>(ctx: &'c Ctx<'_>, req: &Events, ns: &'c str) -> Vec<&'c Value> {
    let mut list: Vec<&Value> = ctx
        .sim
        .store
        .list(Kind::Event, if req.all { None } else { Some(ns) })
        .map(|(_, e)| e)
        .filter(|e| {
            req.target.as_ref().is_none_or(|(k, n)| {
                obj::str_at(e, "/involvedObject/kind") == Some(k) && obj::str_at(e, "/involvedObject/name") == Some(n)
            })
        })
        .filter(|e| req.types.is_empty() || req.types.iter().any(|t| obj::str_at(e, "/type") == Some(t)))
        .collect();
    // eventTime(): a series' last observed time, the last timestamp, or the event time.
    let seen = |e: &Value| {
        obj::str_at(e, "/series/lastObservedTime")
            .or(obj::str_at(e, "/lastTimestamp"))
            .or(obj::str_at(e, "/eventTime"))
            .and_then(crate::sim::time::parse_rfc3339)
            .unwrap_or(0)
    };
    crate::support::sort::sort_by_key(&mut list, |e| seen(e));
    list
}

/// One event's row: `51s (x25 over 2m48s)` for a repeated one.
fn row(ctx: &Ctx<'_>, e: &Value, all: bool) -> Vec<String> {
    let since = |stamp: Option<&str>| {
        stamp.and_then(|t| ctx.sim.ms_since(t)).map(human_duration_ms).unwrap_or_else(|| "<unknown>".into())
    };
    let first = since(obj::str_at(e, "/eventTime").or(obj::str_at(e, "/firstTimestamp")));
    let count = obj::i64_at(e, "/count").unwrap_or(0);
    let interval = if let Some(n) = obj::i64_at(e, "/series/count") {
        format!("{} (x{n} over {first})", since(obj::str_at(e, "/series/lastObservedTime")))
    } else if count > 1 {
        format!("{} (x{count} over {first})", since(obj::str_at(e, "/lastTimestamp")))
    } else {
        first
    };
    let mut row = vec![
        interval,
        obj::str_at(e, "/type").unwrap_or("").to_string(),
        obj::str_at(e, "/reason").unwrap_or("").to_string(),
        format!(
            "{}/{}",
            obj::str_at(e, "/involvedObject/kind").unwrap_or(""),
            obj::str_at(e, "/involvedObject/name").unwrap_or("")
        ),
        obj::str_at(e, "/message").unwrap_or("").trim().to_string(),
    ];
    if all {
        row.insert(0, obj::namespace(e).to_string());
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jv;
    use crate::kubectl::stages;
    use crate::sim::{Sim, SimConfig};
    use crate::support::output::Output;

    fn argv(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    fn refused(line: &str) -> String {
        match parse_events(&argv(line)) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted"),
        }
    }

    /// A cluster with a pod's repeated warning in `default` and a Normal event in `db`.
    fn cluster() -> Sim {
        let mut sim = Sim::new(SimConfig::seeded(1));
        let now = sim.timestamp();
        sim.create(jv!({"apiVersion":"v1","kind":"Event","metadata":{"name":"web-0.1","namespace":"default"},
            "involvedObject":{"kind":"Pod","name":"web-0","namespace":"default"},"type":"Warning","reason":"BackOff",
            "message":"Back-off restarting failed container","count":3,"firstTimestamp":now,"lastTimestamp":now}))
            .unwrap();
        sim.create(jv!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"db"}})).unwrap();
        sim.create(jv!({"apiVersion":"v1","kind":"Event","metadata":{"name":"db-0.1","namespace":"db"},
            "involvedObject":{"kind":"Pod","name":"db-0","namespace":"db"},"type":"Normal","reason":"Pulled",
            "message":"Container image already present","count":1,"firstTimestamp":now,"lastTimestamp":now}))
            .unwrap();
        sim
    }

    fn run(sim: &mut Sim, line: &str) -> (i32, Output) {
        let mut out = Output::default();
        let mut ctx = Ctx::plain(sim, &mut out);
        let code = stages::run(&mut ctx, parse_events(&argv(line)), events).code;
        (code, out)
    }

    #[test]
    fn parse_events_refuses_bad_flag_values() {
        assert_eq!(refused("--for web-0"), "error: --for must be in resource/name form");
        assert_eq!(refused("--for widget/web-0"), "error: the server doesn't have a resource type \"widget\"");
        assert_eq!(refused("--types=Normal,Bad"), "error: valid --types are Normal or Warning");
        assert_eq!(
            refused("-w"),
            "error: kubelab does not model `kubectl events` with --watch or --output yet; `kubectl get events` takes them"
        );
    }

    #[test]
    fn events_are_a_table_of_the_namespace() {
        let mut sim = cluster();
        let (code, out) = run(&mut sim, "--for pod/web-0");
        assert_eq!(code, 0);
        assert_eq!(
            out.stdout(),
            "LAST SEEN         TYPE      REASON    OBJECT      MESSAGE\n0s (x3 over 0s)   Warning   BackOff   Pod/web-0   Back-off restarting failed container\n"
        );
        let (_, out) = run(&mut sim, "-A --types=normal --no-headers");
        assert_eq!(
            out.stdout().split_whitespace().take(5).collect::<Vec<_>>(),
            ["db", "0s", "Normal", "Pulled", "Pod/db-0"]
        );
    }

    #[test]
    fn no_events_is_a_note_not_a_failure() {
        let mut sim = cluster();
        let (code, out) = run(&mut sim, "-n kube-public --types=Warning");
        assert_eq!(
            (code, out.stderr().as_str(), out.stdout().as_str()),
            (0, "No events found in kube-public namespace.\n", "")
        );
        let (code, out) = run(&mut sim, "-A --for pod/none");
        assert_eq!((code, out.stderr().as_str()), (0, "No events found.\n"));
    }
}
