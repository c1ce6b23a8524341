//! `kubectl events` (beta in 1.26; events.go and event_printer.go): the namespace's events
//! oldest first, each object named by its Kind as written (`Pod/web-0`), repeated events as
//! `51s (x25 over 2m48s)`.

use super::args::{self, f, Flag};
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

pub fn events(ctx: &mut Ctx<'_>, argv: &[String]) -> i32 {
    let a = match args::parse("events", argv, FLAGS) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return 1;
        }
    };
    if a.bool("watch") || a.get("output").is_some_and(|o| !o.is_empty()) {
        ctx.eprintln("error: kubelab does not model `kubectl events` with --watch or --output yet; `kubectl get events` takes them");
        return 1;
    }
    // --for TYPE/NAME: the involved object's kind and name.
    let target = match a.get("for") {
        Some(spec) => {
            let Some((ty, name)) = spec.split_once('/') else {
                ctx.eprintln("error: --for must be in resource/name form");
                return 1;
            };
            let Some(kind) = Kind::from_arg(ty) else {
                ctx.eprintln(&format!("error: the server doesn't have a resource type \"{ty}\""));
                return 1;
            };
            Some((kind.to_string(), name.to_string()))
        }
        None => None,
    };
    let mut types: Vec<String> = Vec::new();
    for t in a.get("types").unwrap_or("").split(',').filter(|t| !t.is_empty()) {
        let t = t.trim();
        match t.to_ascii_lowercase().as_str() {
            "normal" => types.push("Normal".into()),
            "warning" => types.push("Warning".into()),
            _ => {
                ctx.eprintln("error: valid --types are Normal or Warning");
                return 1;
            }
        }
    }
    let all = a.bool("all-namespaces");
    let ns = ctx.namespace(&a);
    let mut list: Vec<&Value> = ctx
        .sim
        .store
        .list(Kind::Event, if all { None } else { Some(ns.as_str()) })
        .map(|(_, e)| e)
        .filter(|e| {
            target.as_ref().is_none_or(|(k, n)| {
                obj::str_at(e, "/involvedObject/kind") == Some(k) && obj::str_at(e, "/involvedObject/name") == Some(n)
            })
        })
        .filter(|e| types.is_empty() || types.iter().any(|t| obj::str_at(e, "/type") == Some(t)))
        .collect();
    if list.is_empty() {
        ctx.eprintln(&if all { "No events found.".to_string() } else { format!("No events found in {ns} namespace.") });
        return 0;
    }
    // SortableEvents: by the last time each was seen.
    let seen = |e: &Value| {
        obj::str_at(e, "/lastTimestamp")
            .or(obj::str_at(e, "/eventTime"))
            .and_then(crate::sim::time::parse_rfc3339)
            .unwrap_or(0)
    };
    crate::support::sort::sort_by_key(&mut list, |e| seen(e));
    let since = |stamp: Option<&str>| {
        stamp.and_then(|t| ctx.sim.ms_since(t)).map(human_duration_ms).unwrap_or_else(|| "<unknown>".into())
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !a.bool("no-headers") {
        let mut h = vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
        if all {
            h.insert(0, "NAMESPACE");
        }
        rows.push(h.into_iter().map(String::from).collect());
    }
    for e in list {
        let first = since(obj::str_at(e, "/eventTime").or(obj::str_at(e, "/firstTimestamp")));
        let count = obj::i64_at(e, "/count").unwrap_or(0);
        let interval = if count > 1 {
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
        rows.push(row);
    }
    let text = TabWriter::new().flush(&rows);
    ctx.out.out(&text);
    0
}
