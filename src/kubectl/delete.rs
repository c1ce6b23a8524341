//! `kubectl delete`: by name, `TYPE/NAME`, `-l`, `--all`, `-f`; `--cascade`, `--grace-period`,
//! `--force`, `--wait`. Prints a line per object as the API accepts the deletion, then waits
//! (letting virtual time pass) until the objects are gone (reference §5.5).

use super::args::{self, f, Args, Flag};
use super::dryrun::DryRun;
use super::errors::Error;
use super::get::resolve;
use super::stages::{Parsed, Report};
use super::{Ctx, Effect, Job};
use crate::sim::labels::Selector;
use crate::sim::{obj, ApiError, DeleteOptions, Kind, ObjKey, Propagation};
use serde_json::Value;

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

/// `kubectl delete`, parsed.
pub struct Delete {
    dry: DryRun,
    propagation: Propagation,
    /// kubectl's warning for a boolean `--cascade`, printed before anything else.
    deprecated: Option<String>,
    /// The grace period sent, in seconds (`--now` is 1, `--force` alone 0).
    grace: Option<i64>,
    force: bool,
    wait: bool,
    ignore_not_found: bool,
    /// The objects, as the command line names them (`-f`, or `TYPE NAME`, `-l`, `--all`).
    args: Args,
}

impl Delete {
    /// `--force --grace-period=0`: nothing waits for the objects to be gone.
    fn immediate(&self) -> bool {
        self.force && self.grace == Some(0)
    }
}

/// An object whose deletion the API accepted, with its uid (`None` under `--dry-run`).
struct Deleted {
    key: ObjKey,
    uid: Option<String>,
}

#[inline(never)]
pub fn parse_delete(argv: &[String]) -> Result<Parsed<Delete>, Error> {
    // `--cascade` alone means background.
    let argv: Vec<String> =
        argv.iter().map(|a| if a == "--cascade" { "--cascade=background".to_string() } else { a.clone() }).collect();
    let a = args::parse("delete", &argv, FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help("Delete resources by file names, stdin, resources and names, or by resources and label selector.\n\nUsage:\n  kubectl delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [options]".into()));
    }
    let dry = DryRun::of(&a)?;
    let (propagation, deprecated) = cascade(a.get("cascade").unwrap_or("background"))?;
    let grace = grace_period(&a)?;
    Ok(Parsed::Run(Delete {
        dry,
        propagation,
        deprecated,
        grace,
        force: a.bool("force"),
        wait: a.get("wait").is_none_or(|w| w != "false"),
        ignore_not_found: a.bool("ignore-not-found"),
        args: a,
    }))
}

/// `GetCascadingStrategy`: a boolean (strconv.ParseBool's words) still works, with a warning.
fn cascade(value: &str) -> Result<(Propagation, Option<String>), Error> {
    let boolean = match value {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some("background"),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some("orphan"),
        _ => None,
    };
    let warning = boolean.map(|instead| {
        format!(
            "warning: --cascade={value} is deprecated (boolean value) and can be replaced with --cascade={instead}."
        )
    });
    let propagation = match boolean.unwrap_or(value) {
        "background" => Propagation::Background,
        "foreground" => Propagation::Foreground,
        "orphan" => Propagation::Orphan,
        other => {
            return Err(Error::cli(format!(
                "invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
            )))
        }
    };
    Ok((propagation, warning))
}

/// The grace period to send: `--grace-period` (a negative one is the object's own), 1 for
/// `--now`, 0 for `--force` alone; kubectl turns a zero grace period without `--force` into one
/// second.
fn grace_period(a: &Args) -> Result<Option<i64>, Error> {
    let mut grace = match a.get("grace-period").map(|g| (g, g.parse::<i64>())) {
        Some((_, Ok(g))) if g >= 0 => Some(g),
        Some((_, Ok(_))) | None => None,
        Some((g, Err(_))) => {
            return Err(Error::cli(format!("invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax\nSee 'kubectl delete --help' for usage.")))
        }
    };
    let force = a.bool("force");
    if a.bool("now") {
        grace = Some(1);
    }
    if force && grace.is_none() {
        grace = Some(0);
    }
    if grace == Some(0) && !force {
        grace = Some(1);
    }
    Ok(grace)
}

/// Deletes the objects, a line each, then waits for them to be gone.
pub fn delete(ctx: &mut Ctx<'_>, req: Delete) -> Report {
    let mut r = Report::default();
    if let Some(w) = &req.deprecated {
        r.note(w.clone());
    }
    let ns = ctx.namespace(&req.args);
    let keys = if !req.args.all("filename").is_empty() {
        from_files(ctx, &req.args, &ns, &mut r)
    } else {
        match named(ctx, &req.args, &ns) {
            Ok(keys) if keys.is_empty() => {
                r.line("No resources found");
                return r;
            }
            Ok(keys) => keys,
            Err(e) => {
                r.fail(e);
                return r;
            }
        }
    };
    if req.immediate() {
        r.note("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let minor = ctx.kubectl_minor();
    let mut waiting = Vec::new();
    for key in keys {
        match delete_one(ctx, &req, key) {
            Ok(Some(Deleted { key, uid })) => {
                r.line(deleted_line(&req, minor, &key));
                waiting.extend(uid.map(|uid| (key, uid)));
            }
            Ok(None) => {}
            Err(e) => r.fail(e),
        }
    }
    if req.wait && !req.immediate() {
        wait_gone(ctx, Gone { waiting }, &mut r);
    }
    r
}

/// Asks the API to delete one object (a dry run reads it, the builder's GET, and deletes
/// nothing); `None` for a missing object under `--ignore-not-found`.
fn delete_one(ctx: &mut Ctx<'_>, req: &Delete, key: ObjKey) -> Result<Option<Deleted>, Error> {
    let opts = DeleteOptions { grace_seconds: req.grace, propagation: req.propagation };
    let result = match req.dry {
        DryRun::None => ctx.sim.delete(&key, opts),
        _ => ctx
            .sim
            .store
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::NotFound { resource: key.kind.qualified_plural(), name: key.name.clone() }),
    };
    match result {
        Ok(o) => {
            let uid = (req.dry == DryRun::None).then(|| obj::uid(&o).to_string());
            Ok(Some(Deleted { key, uid }))
        }
        Err(ApiError::NotFound { .. }) if req.ignore_not_found => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// `pod "web-0" deleted` (`from default namespace` since kubectl 1.34), `force deleted`,
/// `deleted (dry run)` (`PrintObj` in pkg/cmd/delete/delete.go: kubernetes-1.34.0 line 510
/// `operation = fmt.Sprintf("%s from %s namespace", operation, info.Namespace)` when
/// `info.Namespaced()`; kubernetes-1.33.0's `PrintObj` (line 497) has no such line).
fn deleted_line(req: &Delete, kubectl_minor: u32, key: &ObjKey) -> String {
    let verb = req.dry.op(if req.immediate() { "force deleted" } else { "deleted" });
    let mut line = format!("{} \"{}\" {verb}", key.kind.qualified_singular(), key.name);
    // kubectl's repo, pkg/cmd/delete/delete.go: kubernetes-1.33.0 no, kubernetes-1.34.0:510 yes.
    if kubectl_minor >= 34 && key.kind.namespaced() {
        line.push_str(&format!(" from {} namespace", key.ns));
    }
    line
}

/// Waits until the objects are gone: a live terminal is held meanwhile (its clock plays the
/// wait out, and their Terminating state shows); a replay lets virtual time pass.
fn wait_gone(ctx: &mut Ctx<'_>, gone: Gone, r: &mut Report) {
    if ctx.live && ctx.last_on_line {
        r.effect = Some(Effect::Hold(Job::Gone(gone)));
        return;
    }
    let deadline = ctx.sim.now().plus_ms(WAIT_LIMIT_MS);
    while !gone.done(ctx.sim) {
        if !ctx.sim.step_before(deadline) {
            // Nothing will ever remove them (a finalizer no controller handles): kubectl would
            // wait until its timeout; the person presses Ctrl-C.
            r.code = Some(130);
            r.effect = Some(Effect::Interrupted);
            return;
        }
    }
}

/// The objects `TYPE NAME...`, `TYPE/NAME...`, `TYPE -l SELECTOR` or `TYPE --all` name (none:
/// `No resources found`).
fn named(ctx: &Ctx<'_>, a: &Args, ns: &str) -> Result<Vec<ObjKey>, Error> {
    if a.positional.is_empty() {
        return Err(Error::cli("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"));
    }
    let selector = a.get("selector").map(Selector::parse).transpose().map_err(Error::cli)?;
    let q = resolve(&a.positional)?;
    if !q.by_name && selector.is_none() && !a.bool("all") {
        return Err(Error::cli("resource(s) were provided, but no name was specified"));
    }
    let all_ns = a.bool("all-namespaces");
    let sel = selector.unwrap_or_default();
    let mut keys = Vec::new();
    for (kind, names) in &q.targets {
        if names.is_empty() {
            let list_ns = if all_ns || !kind.namespaced() { None } else { Some(ns) };
            keys.extend(ctx.sim.store.list(*kind, list_ns).filter(|(_, o)| sel.matches_obj(o)).map(|(k, _)| k.clone()));
        } else {
            keys.extend(names.iter().map(|n| ObjKey::new(*kind, ns, n)));
        }
    }
    Ok(keys)
}

/// The objects of the `-f` sources; what cannot be read or mapped is reported, and a YAML
/// syntax error stops the reading there.
pub(super) fn from_files(ctx: &Ctx<'_>, a: &Args, ns: &str, r: &mut Report) -> Vec<ObjKey> {
    let mut keys = Vec::new();
    let (docs, unread) = super::apply::read_manifests(ctx, &a.all("filename"), a.bool("recursive"));
    for e in unread {
        r.fail(e);
    }
    for (source, d) in docs {
        match d {
            Ok(doc) => match doc_key(&doc.object, ns, &source) {
                Ok(key) => keys.push(key),
                Err(e) => r.fail(e),
            },
            Err(diag) => {
                r.fail(Error::text(diag.message));
                if diag.fatal {
                    break;
                }
            }
        }
    }
    keys
}

/// The object a manifest names (in `ns` when it names no namespace).
fn doc_key(o: &Value, ns: &str, source: &str) -> Result<ObjKey, Error> {
    let av = o.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let k = o.get("kind").and_then(Value::as_str).unwrap_or("");
    let Some(kind) = Kind::from_api(av, k) else {
        return Err(Error::cli(format!("resource mapping not found for name: \"{}\" namespace: \"\" from \"{source}\": no matches for kind \"{k}\" in version \"{av}\"\nensure CRDs are installed first", obj::name(o))));
    };
    let o_ns = obj::namespace(o);
    Ok(ObjKey::new(kind, if o_ns.is_empty() { ns } else { o_ns }, obj::name(o)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jv;
    use crate::kubectl::{stages, NoFiles, Outcome};
    use crate::sim::{Sim, SimConfig};
    use crate::support::output::Output;

    fn argv(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    fn request(line: &str) -> Delete {
        match parse_delete(&argv(line)) {
            Ok(Parsed::Run(req)) => req,
            Ok(Parsed::Help(_)) => panic!("help"),
            Err(e) => panic!("{e}"),
        }
    }

    fn err(line: &str) -> String {
        parse_delete(&argv(line)).err().expect("an error").to_string()
    }

    fn config_map(name: &str, finalizers: &[&str]) -> Value {
        jv!({"apiVersion":"v1","kind":"ConfigMap",
            "metadata":{"name":name,"namespace":"default","labels":{"app":"lab"},"finalizers":finalizers}})
    }

    /// A cluster with config maps `a` and `b` (label `app=lab`).
    fn cluster() -> Sim {
        let mut sim = Sim::new(SimConfig::seeded(1));
        for name in ["a", "b"] {
            sim.create(config_map(name, &[])).unwrap();
        }
        sim
    }

    /// Runs `kubectl delete LINE` (with `stdin`, on a live terminal or not): its outcome, stdout
    /// and stderr.
    fn run(sim: &mut Sim, line: &str, live: bool, stdin: Option<&str>) -> (Outcome, String, String) {
        let mut out = Output::default();
        let mut ctx = Ctx {
            sim,
            files: &NoFiles,
            stdin,
            out: &mut out,
            live,
            last_on_line: true,
            forwarded: Vec::new(),
            context_ns: String::new(),
        };
        let outcome = stages::run(&mut ctx, parse_delete(&argv(line)), delete);
        (outcome, out.stdout(), out.stderr())
    }

    fn exists(sim: &Sim, name: &str) -> bool {
        sim.store.get(&ObjKey::new(Kind::ConfigMap, "default", name)).is_some()
    }

    #[test]
    fn parse_delete_refuses_an_unknown_cascade_and_a_malformed_grace_period() {
        assert_eq!(
            err("cm a --cascade=sideways"),
            "error: invalid cascade value (sideways). Must be \"background\", \"foreground\", or \"orphan\""
        );
        assert_eq!(
            err("cm a --grace-period=soon"),
            "error: invalid argument \"soon\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"soon\": invalid syntax\nSee 'kubectl delete --help' for usage."
        );
        assert_eq!(
            err("cm a --dry-run=maybe"),
            "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\"."
        );
    }

    #[test]
    fn parse_delete_works_out_the_grace_period() {
        assert_eq!(request("cm a").grace, None);
        assert_eq!(request("cm a --force").grace, Some(0));
        assert_eq!(request("cm a --grace-period=0").grace, Some(1), "zero without --force is one second");
        assert_eq!(request("cm a --now").grace, Some(1));
        assert_eq!(request("cm a --force --grace-period=5").grace, Some(5));
        assert!(request("cm a --force --grace-period=0").immediate());
    }

    #[test]
    fn a_boolean_cascade_is_taken_with_a_warning() {
        let req = request("cm a --cascade=false");
        assert_eq!(req.propagation, Propagation::Orphan);
        assert_eq!(
            req.deprecated.as_deref(),
            Some("warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.")
        );
        assert_eq!(request("cm a --cascade").propagation, Propagation::Background);
        assert_eq!(request("cm a --cascade=foreground").deprecated, None);
    }

    #[test]
    fn delete_names_each_object_and_reports_the_missing_one() {
        let mut sim = cluster();
        let (outcome, out, errs) = run(&mut sim, "cm a nope --cascade=true", false, None);
        assert_eq!(outcome.code, 1);
        assert!(out.starts_with("configmap \"a\" deleted"), "{out}");
        assert_eq!(
            errs,
            "warning: --cascade=true is deprecated (boolean value) and can be replaced with --cascade=background.\nError from server (NotFound): configmaps \"nope\" not found\n"
        );
        assert!(!exists(&sim, "a") && exists(&sim, "b"));
        let (outcome, out, errs) = run(&mut sim, "cm nope --ignore-not-found", false, None);
        assert_eq!((outcome.code, out.as_str(), errs.as_str()), (0, "", ""));
    }

    #[test]
    fn delete_by_selector_or_nothing() {
        let mut sim = cluster();
        let (outcome, _, errs) = run(&mut sim, "cm", false, None);
        assert_eq!((outcome.code, errs.as_str()), (1, "error: resource(s) were provided, but no name was specified\n"));
        let (outcome, out, _) = run(&mut sim, "cm -l app=none", false, None);
        assert_eq!((outcome.code, out.as_str()), (0, "No resources found\n"));
        let (_, out, _) = run(&mut sim, "cm -l app=lab --dry-run=client", false, None);
        assert_eq!(out.lines().count(), 2, "{out}");
        assert!(out.lines().all(|l| l.contains("deleted (dry run)")), "{out}");
        assert!(exists(&sim, "a") && exists(&sim, "b"), "a dry run deletes nothing");
    }

    #[test]
    fn delete_reads_manifests_from_stdin() {
        let mut sim = cluster();
        let stdin = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Gadget\nmetadata:\n  name: g\n";
        let (outcome, out, errs) = run(&mut sim, "-f -", false, Some(stdin));
        assert_eq!(outcome.code, 1);
        assert!(out.starts_with("configmap \"a\" deleted"), "{out}");
        assert_eq!(errs, "error: resource mapping not found for name: \"g\" namespace: \"\" from \"STDIN\": no matches for kind \"Gadget\" in version \"v1\"\nensure CRDs are installed first\n");
        assert!(!exists(&sim, "a"));
    }

    #[test]
    fn a_finalizer_nobody_removes_holds_the_wait_until_ctrl_c() {
        let mut sim = cluster();
        sim.create(config_map("kept", &["example.com/keep"])).unwrap();
        let (outcome, _, _) = run(&mut sim, "cm kept", false, None);
        assert_eq!(outcome.code, 130);
        assert!(matches!(outcome.effect, Some(Effect::Interrupted)));
        let (outcome, _, _) = run(&mut sim, "cm kept --wait=false", false, None);
        assert_eq!(outcome.code, 0);
        assert!(outcome.effect.is_none());
    }

    #[test]
    fn a_live_terminal_is_held_until_the_objects_are_gone() {
        let mut sim = cluster();
        sim.create(config_map("kept", &["example.com/keep"])).unwrap();
        let (outcome, _, _) = run(&mut sim, "cm kept", true, None);
        let Some(Effect::Hold(Job::Gone(gone))) = outcome.effect else { panic!("not held") };
        assert!(!gone.done(&sim));
        let (outcome, _, errs) = run(&mut sim, "cm a --force --grace-period=0", true, None);
        assert!(errs.starts_with("Warning: Immediate deletion does not wait"), "{errs}");
        assert!(outcome.effect.is_none(), "an immediate deletion does not wait");
    }
}
