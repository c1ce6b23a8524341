//! `kubectl delete`: by name, `TYPE/NAME`, `-l`, `--all`, `-f`; `--cascade`, `--grace-period`,
//! `--force`, `--wait`. Prints a line per object as the API accepts the deletion, then waits
//! (letting virtual time pass) until the objects are gone (reference §5.5).

use super::args::{self, f, Flag};
use super::dryrun::DryRun;
use super::get::resolve;
use super::{Ctx, Effect, Outcome};
use crate::sim::labels::Selector;
use crate::sim::{obj, ApiError, DeleteOptions, Kind, ObjKey, Propagation};

pub const FLAGS: &[Flag] = &[
    f("filename", Some('f'), true),
    f("selector", Some('l'), true),
    f("all", None, false),
    f("all-namespaces", Some('A'), false),
    f("cascade", None, true),
    f("grace-period", None, true),
    f("force", None, false),
    f("now", None, false),
    f("wait", None, true),
    f("timeout", None, true),
    f("ignore-not-found", None, false),
    f("recursive", Some('R'), false),
    f("output", Some('o'), true),
    f("dry-run", None, true),
];

/// Longest `--wait` lets virtual time pass before giving up.
pub const WAIT_LIMIT_MS: u64 = 10 * 60 * 1000;

pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> Outcome {
    // `--cascade` alone means background.
    let argv: Vec<String> =
        argv.iter().map(|a| if a == "--cascade" { "--cascade=background".to_string() } else { a.clone() }).collect();
    let a = match args::parse("delete", &argv, FLAGS) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    if a.bool("help") {
        ctx.println("Delete resources by file names, stdin, resources and names, or by resources and label selector.\n\nUsage:\n  kubectl delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [options]");
        return Outcome::from(0);
    }
    let dry = match DryRun::of(&a) {
        Ok(d) => d,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    // `GetCascadingStrategy`: a boolean (strconv.ParseBool's words) still works, with a warning.
    let cascade = a.get("cascade").unwrap_or("background").to_string();
    let boolean = match cascade.as_str() {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some("background"),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some("orphan"),
        _ => None,
    };
    if let Some(instead) = boolean {
        ctx.eprintln(&format!(
            "warning: --cascade={cascade} is deprecated (boolean value) and can be replaced with --cascade={instead}."
        ));
    }
    let propagation = match boolean.unwrap_or(&cascade) {
        "background" => Propagation::Background,
        "foreground" => Propagation::Foreground,
        "orphan" => Propagation::Orphan,
        other => {
            ctx.eprintln(&format!(
                "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
            ));
            return Outcome::from(1);
        }
    };
    let force = a.bool("force");
    let mut grace: Option<i64> = match a.get("grace-period").map(|g| g.parse::<i64>()) {
        Some(Ok(g)) if g >= 0 => Some(g),
        Some(Ok(_)) | None => None,
        Some(Err(_)) => {
            ctx.eprintln(&format!("error: invalid argument \"{}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax\nSee 'kubectl delete --help' for usage.", a.get("grace-period").unwrap_or(""), a.get("grace-period").unwrap_or("")));
            return Outcome::from(1);
        }
    };
    if a.bool("now") {
        grace = Some(1);
    }
    if force && grace.is_none() {
        grace = Some(0);
    }
    if grace == Some(0) && !force {
        // kubectl turns a zero grace period without --force into one second.
        grace = Some(1);
    }
    let wait = a.get("wait").is_none_or(|w| w != "false");
    let ns = ctx.namespace(&a);
    let ignore_nf = a.bool("ignore-not-found");
    let mut code = 0;
    let mut keys: Vec<ObjKey> = Vec::new();
    let files = a.all("filename");
    if !files.is_empty() {
        let (docs, failed) = super::apply::read_sources(ctx, &files, a.bool("recursive"));
        if failed {
            code = 1;
        }
        for (source, d) in docs {
            match d {
                Ok(doc) => {
                    let av = doc.object.get("apiVersion").and_then(|v| v.as_str()).unwrap_or("");
                    let k = doc.object.get("kind").and_then(|v| v.as_str()).unwrap_or("");
                    match Kind::from_api(av, k) {
                        Some(kind) => {
                            let o_ns = obj::namespace(&doc.object);
                            keys.push(ObjKey::new(
                                kind,
                                if o_ns.is_empty() { &ns } else { o_ns },
                                obj::name(&doc.object),
                            ));
                        }
                        None => {
                            ctx.eprintln(&format!("error: resource mapping not found for name: \"{}\" namespace: \"\" from \"{source}\": no matches for kind \"{k}\" in version \"{av}\"\nensure CRDs are installed first", obj::name(&doc.object)));
                            code = 1;
                        }
                    }
                }
                Err(diag) => {
                    ctx.eprintln(&diag.message);
                    code = 1;
                    if diag.fatal {
                        break;
                    }
                }
            }
        }
    } else {
        if a.positional.is_empty() {
            ctx.eprintln("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
            return Outcome::from(1);
        }
        let selector = match a.get("selector").map(Selector::parse).transpose() {
            Ok(s) => s,
            Err(e) => {
                ctx.eprintln(&format!("error: {e}"));
                return Outcome::from(1);
            }
        };
        let q = match resolve(&a.positional) {
            Ok(q) => q,
            Err(e) => {
                ctx.report(e);
                return Outcome::from(1);
            }
        };
        if !q.by_name && selector.is_none() && !a.bool("all") {
            ctx.eprintln("error: resource(s) were provided, but no name was specified");
            return Outcome::from(1);
        }
        let all_ns = a.bool("all-namespaces");
        let mut found = false;
        for (kind, names) in &q.targets {
            if names.is_empty() {
                let list_ns = if all_ns || !kind.namespaced() { None } else { Some(ns.as_str()) };
                let sel = selector.clone().unwrap_or_default();
                let matched: Vec<ObjKey> = ctx
                    .sim
                    .store
                    .list(*kind, list_ns)
                    .filter(|(_, o)| sel.matches_obj(o))
                    .map(|(k, _)| k.clone())
                    .collect();
                found |= !matched.is_empty();
                keys.extend(matched);
            } else {
                for n in names {
                    keys.push(ObjKey::new(*kind, &ns, n));
                    found = true;
                }
            }
        }
        if !found {
            ctx.println("No resources found");
            return Outcome::from(0);
        }
    }
    if force && grace == Some(0) {
        ctx.eprintln("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let mut waiting: Vec<(ObjKey, String)> = Vec::new();
    for key in keys {
        let opts = DeleteOptions { grace_seconds: grace, propagation };
        // A dry run reads the object (the builder's GET) and deletes nothing.
        let result =
            match dry {
                DryRun::None => ctx.sim.delete(&key, opts),
                _ => ctx.sim.store.get(&key).cloned().ok_or_else(|| ApiError::NotFound {
                    resource: key.kind.qualified_plural(),
                    name: key.name.clone(),
                }),
            };
        match result {
            Ok(o) => {
                let verb = dry.op(if force && grace == Some(0) { "force deleted" } else { "deleted" });
                let mut line = format!("{} \"{}\" {verb}", key.kind.qualified_singular(), key.name);
                if ctx.kubectl_minor() >= 34 && key.kind.namespaced() {
                    line.push_str(&format!(" from {} namespace", key.ns));
                }
                ctx.println(&line);
                if dry == DryRun::None {
                    waiting.push((key, obj::uid(&o).to_string()));
                }
            }
            Err(ApiError::NotFound { .. }) if ignore_nf => {}
            Err(e) => {
                ctx.report(&e);
                code = 1;
            }
        }
    }
    if wait && !(force && grace == Some(0)) {
        if ctx.live && ctx.last_on_line {
            // The page's clock plays the wait out: the terminal is held until the objects are
            // gone, and their Terminating state shows meanwhile.
            return Outcome::with(code, Effect::Hold(super::Job::Gone(Gone { waiting })));
        }
        let deadline = ctx.sim.now().plus_ms(WAIT_LIMIT_MS);
        loop {
            let pending = waiting.iter().any(|(k, uid)| ctx.sim.store.get(k).is_some_and(|o| obj::uid(o) == uid));
            if !pending {
                break;
            }
            if !ctx.sim.step_before(deadline) {
                // Nothing will ever remove them (a finalizer no controller handles): kubectl would
                // wait until its timeout; the person presses Ctrl-C.
                return Outcome::with(130, Effect::Interrupted);
            }
        }
    }
    Outcome::from(code)
}

/// A live terminal's `kubectl delete`, waiting for the objects to be gone.
#[derive(Clone)]
pub struct Gone {
    waiting: Vec<(ObjKey, String)>,
}

impl Gone {
    /// Whether every object it waits for is gone (or replaced by a new one of the same name).
    pub fn done(&self, sim: &crate::sim::Sim) -> bool {
        !self.waiting.iter().any(|(k, uid)| sim.store.get(k).is_some_and(|o| obj::uid(o) == uid))
    }
}
