//! `kubectl rollout status|history|undo|restart|pause|resume` for Deployments and
//! StatefulSets, with the messages of kubectl's `polymorphichelpers` (reference §2.1).

use super::args::{self, f, Flag};
use super::errors::Error;
use super::get::kind_arg;
use super::stages::{Parsed, Report};
use super::{Ctx, Effect};
use crate::jv;
use crate::sim::obj::{self, Ptr};
use crate::sim::{Kind, ObjKey};
use serde_json::Value;

const FLAGS: &[Flag] = &[
    f("watch", Some('w'), true),
    f("timeout", None, true),
    f("revision", None, true),
    f("to-revision", None, true),
    f("filename", Some('f'), true),
    f("selector", Some('l'), true),
];

/// `kubectl rollout VERB (TYPE NAME | TYPE/NAME)`, parsed.
pub struct Rollout {
    action: Action,
    /// A Deployment or a StatefulSet.
    kind: Kind,
    name: String,
    /// `-n`, when given.
    namespace: Option<String>,
}

/// What `rollout` does to its object.
enum Action {
    /// `status`: `watch` (`-w`, true unless `-w=false`) and `--timeout` in ms (`None` waits
    /// for ever; a bad duration is reported once the object is found, as the lab always has).
    Status {
        watch: bool,
        timeout: Result<Option<u64>, Error>,
    },
    /// `history`, of one `--revision` or of all.
    History {
        revision: Option<i64>,
    },
    /// `undo`, to `--to-revision` (0: the one before the current).
    Undo {
        to: i64,
    },
    Restart,
    /// `pause` (true) or `resume` (false): `spec.paused`.
    Pause(bool),
}

/// Reads `rollout VERB ...` (the words after `rollout`).
#[inline(never)]
pub fn parse_rollout(argv: &[String]) -> Result<Parsed<Rollout>, Error> {
    let Some(sub) = argv.iter().position(|a| !a.starts_with('-')) else {
        return Err(Error::cli("Required resource not specified.\nSee 'kubectl rollout -h' for help and examples"));
    };
    let verb = argv[sub].clone();
    let rest: Vec<String> = argv.iter().enumerate().filter(|(i, _)| *i != sub).map(|(_, a)| a.clone()).collect();
    if !["status", "history", "undo", "restart", "pause", "resume"].contains(&verb.as_str()) {
        return Err(Error::cli(format!(
            "unknown command \"{verb}\" for \"kubectl rollout\"\nRun 'kubectl rollout --help' for usage."
        )));
    }
    let a = args::parse(&format!("rollout {verb}"), &rest, FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help(format!("Manage the rollout of one or many resources.\n\nUsage:\n  kubectl rollout {verb} (TYPE NAME | TYPE/NAME) [flags] [options]")));
    }
    let (kind, name) = target(&a.positional, &verb)?;
    let number = |flag: &str| a.get(flag).and_then(|r| r.parse::<i64>().ok());
    let action = match verb.as_str() {
        "status" => {
            Action::Status { watch: a.get("watch").is_none_or(|w| w != "false"), timeout: timeout(a.get("timeout")) }
        }
        "history" => Action::History { revision: number("revision") },
        "undo" => Action::Undo { to: number("to-revision").unwrap_or(0) },
        "pause" => Action::Pause(true),
        "resume" => Action::Pause(false),
        _ => Action::Restart,
    };
    let namespace = a.get("namespace").filter(|n| !n.is_empty()).map(String::from);
    Ok(Parsed::Run(Rollout { action, kind, name, namespace }))
}

/// Resolves `deploy/x`, `deployment x`, `sts/web`, `statefulset web` to a kind that rolls out.
fn target(positional: &[String], verb: &str) -> Result<(Kind, String), Error> {
    let (kind, name) = match positional {
        [one] if one.contains('/') => {
            let (t, n) = one.split_once('/').unwrap_or((one, ""));
            (kind_arg(t)?, n.to_string())
        }
        [t, n, ..] => (kind_arg(t)?, n.clone()),
        _ => {
            return Err(Error::cli(format!(
                "required resource not specified\nSee 'kubectl rollout {verb} -h' for help and examples"
            )))
        }
    };
    if !matches!(kind, Kind::Deployment | Kind::StatefulSet) {
        return Err(Error::cli(format!(
            "no {verb} has been implemented for {{\"{}\" \"{}\"}}",
            kind.info().group,
            kind
        )));
    }
    Ok((kind, name))
}

/// `--timeout` (a Go duration; 0, the default, waits for ever) in ms.
fn timeout(flag: Option<&str>) -> Result<Option<u64>, Error> {
    let Some(t) = flag else { return Ok(None) };
    match go_duration_ms(t) {
        Some(ms) => Ok(Some(ms).filter(|&ms| ms > 0)),
        None => Err(Error::cli(format!(
            "invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration {}",
            crate::support::gofmt::go_quote(t)
        ))),
    }
}

/// A Go duration (`30s`, `5m`, `1h30m`, `500ms`) in milliseconds.
pub(crate) fn go_duration_ms(s: &str) -> Option<u64> {
    if s == "0" {
        return Some(0);
    }
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let ms = match &rest[..unit_len] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "us" | "µs" => 0.001,
            "ns" => 0.000_001,
            _ => return None,
        };
        total += n * ms;
        rest = &rest[unit_len..];
    }
    Some(total as u64)
}

/// The status message and whether the rollout is done.
fn status(o: &Value, kind: Kind) -> Result<(String, bool), Error> {
    let n = |p: &str| obj::i64_at(o, p).unwrap_or(0);
    let name = obj::name(o);
    if kind == Kind::Deployment {
        if n("/metadata/generation") > n("/status/observedGeneration") {
            return Ok(("Waiting for deployment spec update to be observed...".into(), false));
        }
        let progressing =
            obj::arr_at(o, "/status/conditions").iter().find(|c| obj::str_at(c, "/type") == Some("Progressing"));
        if progressing.is_some_and(|c| obj::str_at(c, "/reason") == Some("ProgressDeadlineExceeded")) {
            return Err(Error::cli(format!("deployment \"{name}\" exceeded its progress deadline")));
        }
        let replicas = n("/spec/replicas");
        let (updated, total, available) =
            (n("/status/updatedReplicas"), n("/status/replicas"), n("/status/availableReplicas"));
        if updated < replicas {
            return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {updated} out of {replicas} new replicas have been updated..."), false));
        }
        if total > updated {
            return Ok((
                format!(
                    "Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...",
                    total - updated
                ),
                false,
            ));
        }
        if available < updated {
            return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available..."), false));
        }
        return Ok((format!("deployment \"{name}\" successfully rolled out"), true));
    }
    if obj::str_at(o, "/spec/updateStrategy/type") != Some("RollingUpdate") {
        return Err(Error::cli("rollout status is only available for RollingUpdate strategy type"));
    }
    if n("/metadata/generation") > n("/status/observedGeneration") {
        return Ok(("Waiting for statefulset spec update to be observed...".into(), false));
    }
    let replicas = n("/spec/replicas");
    if n("/status/readyReplicas") < replicas {
        return Ok((format!("Waiting for {} pods to be ready...", replicas - n("/status/readyReplicas")), false));
    }
    if let Some(p) = obj::i64_at(o, "/spec/updateStrategy/rollingUpdate/partition") {
        let want = replicas - p;
        if n("/status/updatedReplicas") < want {
            return Ok((
                format!(
                    "Waiting for partitioned roll out to finish: {} out of {want} new pods have been updated...",
                    n("/status/updatedReplicas")
                ),
                false,
            ));
        }
        return Ok((
            format!("partitioned roll out complete: {} new pods have been updated...", n("/status/updatedReplicas")),
            true,
        ));
    }
    let (cur, upd) = (
        obj::str_at(o, "/status/currentRevision").unwrap_or(""),
        obj::str_at(o, "/status/updateRevision").unwrap_or(""),
    );
    if cur != upd {
        return Ok((
            format!(
                "waiting for statefulset rolling update to complete {} pods at revision {upd}...",
                n("/status/updatedReplicas")
            ),
            false,
        ));
    }
    Ok((
        format!("statefulset rolling update complete {} pods at revision {cur}...", n("/status/currentReplicas")),
        true,
    ))
}

/// Revisions of a workload, oldest first: (revision number, pod template, change cause).
fn revisions(sim: &crate::sim::Sim, key: &ObjKey) -> Vec<(i64, Value, String)> {
    let Some(o) = sim.store.get(key) else { return Vec::new() };
    let uid = obj::uid(o).to_string();
    let mut out: Vec<(i64, Value, String)> = if key.kind == Kind::Deployment {
        sim.store
            .dependents_of_kind(&uid, Kind::ReplicaSet)
            .filter_map(|k| sim.store.get(k))
            .map(|rs| {
                let mut t = rs.ptr("/spec/template").cloned().unwrap_or(Value::Null);
                obj::remove(&mut t, "/metadata/labels/pod-template-hash");
                let rev =
                    obj::annotation(rs, "deployment.kubernetes.io/revision").and_then(|r| r.parse().ok()).unwrap_or(0);
                (rev, t, obj::annotation(rs, "kubernetes.io/change-cause").unwrap_or("<none>").to_string())
            })
            .collect()
    } else {
        sim.store
            .dependents_of_kind(&uid, Kind::ControllerRevision)
            .filter_map(|k| sim.store.get(k))
            .map(|r| {
                let mut t = r.ptr("/data/spec/template").cloned().unwrap_or(Value::Null);
                obj::remove(&mut t, "/$patch");
                (
                    obj::i64_at(r, "/revision").unwrap_or(0),
                    t,
                    obj::annotation(r, "kubernetes.io/change-cause").unwrap_or("<none>").to_string(),
                )
            })
            .collect()
    };
    crate::support::sort::sort_by_key(&mut out, |(r, _, _)| *r);
    out
}

/// Runs the rollout verb on its object, which must exist.
pub fn rollout(ctx: &mut Ctx<'_>, req: Rollout) -> Report {
    let ns = req.namespace.clone().unwrap_or_else(|| ctx.default_namespace().to_string());
    let key = ObjKey::new(req.kind, &ns, &req.name);
    if !ctx.sim.store.contains(&key) {
        return Report::failure(Error::not_found(req.kind.qualified_plural(), req.name));
    }
    let done = match req.action {
        Action::Status { watch, timeout } => {
            return match timeout {
                Ok(timeout) => follow_status(ctx, key, watch, timeout),
                Err(e) => Report::failure(e),
            }
        }
        Action::History { revision: Some(r) } => revision(ctx.sim, &key, r),
        Action::History { revision: None } => Ok(Done::History(revisions(ctx.sim, &key))),
        Action::Undo { to } => undo(ctx.sim, &key, to),
        Action::Restart => restart(ctx.sim, &key),
        Action::Pause(pause) => set_paused(ctx.sim, &key, pause),
    };
    render_done(&key, done)
}

/// What `rollout history`, `undo` or `restart` did.
enum Done {
    /// Every revision: (number, template, change cause).
    History(Vec<(i64, Value, String)>),
    /// One revision's template, as `DescribePodTemplate` writes it.
    Revision(i64, String),
    RolledBack,
    /// The template already is the revision's.
    Skipped(i64),
    Restarted,
    Paused,
    Resumed,
}

/// `deployment.apps/web rolled back`, the history table, or the error.
fn render_done(key: &ObjKey, done: Result<Done, Error>) -> Report {
    let printed = format!("{}/{}", key.kind.qualified_singular(), key.name);
    let mut r = Report::default();
    match done {
        Ok(Done::History(revs)) => {
            let mut text = format!("{printed} \nREVISION  CHANGE-CAUSE\n");
            for (n, _, cause) in &revs {
                text.push_str(&format!("{:<10}{cause}\n", n));
            }
            text.push('\n');
            r.out(text);
        }
        Ok(Done::Revision(n, template)) => {
            r.line(format!("{printed} with revision #{n}"));
            // The name printer ends its operation text with a newline of its own.
            r.out(template + "\n");
        }
        Ok(Done::RolledBack) => r.line(format!("{printed} rolled back")),
        Ok(Done::Skipped(n)) => {
            r.line(format!("{printed} skipped rollback (current template already matches revision {n})"))
        }
        Ok(Done::Restarted) => r.line(format!("{printed} restarted")),
        Ok(Done::Paused) => r.line(format!("{printed} paused")),
        Ok(Done::Resumed) => r.line(format!("{printed} resumed")),
        Err(e) => r.fail(e),
    }
    r
}

/// `rollout history --revision=N` (history.go): the template as `DescribePodTemplate` writes
/// it, with the change-cause among its annotations; a ReplicaSet's template as it is, its
/// pod-template-hash label included.
fn revision(sim: &crate::sim::Sim, key: &ObjKey, r: i64) -> Result<Done, Error> {
    let revs = revisions(sim, key);
    let Some((_, t, cause)) = revs.iter().find(|(n, _, _)| *n == r) else {
        return Err(Error::cli("unable to find the specified revision"));
    };
    let rs_template = (key.kind == Kind::Deployment)
        .then(|| revision_rs(sim, key, r).and_then(|rs| rs.ptr("/spec/template").cloned()))
        .flatten();
    let mut t = rs_template.unwrap_or_else(|| t.clone());
    if cause != "<none>" {
        obj::set_annotation(&mut t, "kubernetes.io/change-cause", cause);
    }
    Ok(Done::Revision(r, super::describe::pod_template_raw(&t, sim)))
}

/// `rollout undo`: the template of revision `to`, or of the one before the current (`to` 0).
fn undo(sim: &mut crate::sim::Sim, key: &ObjKey, to: i64) -> Result<Done, Error> {
    let revs = revisions(sim, key);
    let current = revs.last().map(|(n, _, _)| *n).unwrap_or(0);
    let pick =
        if to > 0 { revs.iter().find(|(n, _, _)| *n == to) } else { revs.iter().rev().find(|(n, _, _)| *n < current) };
    // rollback.go's words: per revision, and per kind when there is nothing before.
    let Some((picked, template, _)) = pick.cloned() else {
        return Err(match (to > 0, key.kind) {
            (true, _) => Error::cli(format!("unable to find specified revision {to} in history")),
            (false, Kind::Deployment) => {
                Error::cli(format!("no rollout history found for deployment \"{}\"", key.name))
            }
            (false, _) => Error::cli("no last revision to roll back to"),
        });
    };
    let mut o = current_object(sim, key)?;
    if obj::bool_at(&o, "/spec/paused").unwrap_or(false) {
        return Err(Error::cli(
            "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
        ));
    }
    if o.get("spec").and_then(|s| s.get("template")) == Some(&template) {
        return Ok(Done::Skipped(if to > 0 { to } else { current - 1 }));
    }
    obj::set(&mut o, "/spec/template", template);
    if let Some(rs) = (key.kind == Kind::Deployment).then(|| revision_rs(sim, key, picked)).flatten() {
        let annotations = rollback_annotations(&o, rs);
        match o.pointer_mut("/metadata").and_then(Value::as_object_mut) {
            Some(m) if annotations.is_empty() => drop(m.remove("annotations")),
            Some(m) => drop(m.insert("annotations".into(), Value::Object(annotations))),
            None => {}
        }
    }
    sim.update(o)?;
    Ok(Done::RolledBack)
}

/// The ReplicaSet of a Deployment's revision `r`.
fn revision_rs<'s>(sim: &'s crate::sim::Sim, key: &ObjKey, r: i64) -> Option<&'s Value> {
    let uid = obj::uid(sim.store.get(key)?).to_string();
    sim.store
        .dependents_of_kind(&uid, Kind::ReplicaSet)
        .filter_map(|k| sim.store.get(k))
        .find(|rs| obj::annotation(rs, "deployment.kubernetes.io/revision") == Some(&r.to_string()))
}

/// The annotations a rollback leaves on a Deployment (`DeploymentRollbacker.Rollback`, kubectl
/// pkg/polymorphichelpers/rollback.go, which replaces them in the same patch as the template):
/// the Deployment's own of `annotationsToSkip`, and every other one of the revision's
/// ReplicaSet; so a change-cause comes back with its revision, and one the revision never had
/// is gone.
fn rollback_annotations(d: &Value, rs: &Value) -> serde_json::Map<String, Value> {
    use crate::sim::controllers::deployment::ANNOTATIONS_TO_SKIP as SKIP;
    let of = |o: &Value| o.pointer("/metadata/annotations").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut out = serde_json::Map::new();
    for (k, v) in of(d) {
        if SKIP.contains(&k.as_str()) {
            out.insert(k, v);
        }
    }
    for (k, v) in of(rs) {
        if !SKIP.contains(&k.as_str()) {
            out.insert(k, v);
        }
    }
    out
}

/// `rollout restart`: a new `kubectl.kubernetes.io/restartedAt` annotation on the template.
fn restart(sim: &mut crate::sim::Sim, key: &ObjKey) -> Result<Done, Error> {
    let mut o = current_object(sim, key)?;
    if obj::bool_at(&o, "/spec/paused").unwrap_or(false) {
        return Err(refused(key, "can't restart paused deployment (run rollout resume first)"));
    }
    let ts = sim.timestamp();
    obj::set(&mut o, "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt", jv!(ts));
    if let Some(a) = o.pointer_mut("/spec/template/metadata/annotations").and_then(Value::as_object_mut) {
        if let Some(v) = a.remove("kubectl.kubernetes.io~1restartedAt") {
            a.insert("kubectl.kubernetes.io/restartedAt".into(), v);
        }
    }
    sim.update(o)?;
    Ok(Done::Restarted)
}

/// `rollout pause|resume` (objectpauser.go, objectresumer.go): `spec.paused` set or cleared;
/// refused when it already is, and for kinds other than Deployments.
fn set_paused(sim: &mut crate::sim::Sim, key: &ObjKey, pause: bool) -> Result<Done, Error> {
    let mut o = current_object(sim, key)?;
    if key.kind != Kind::Deployment {
        return Err(refused(key, if pause { "pausing is not supported" } else { "resuming is not supported" }));
    }
    if obj::bool_at(&o, "/spec/paused").unwrap_or(false) == pause {
        return Err(refused(key, if pause { "is already paused" } else { "is not paused" }));
    }
    if pause {
        obj::set(&mut o, "/spec/paused", jv!(true));
    } else {
        obj::remove(&mut o, "/spec/paused");
    }
    sim.update(o)?;
    Ok(if pause { Done::Paused } else { Done::Resumed })
}

/// A patch the helper refused: `error: deployments.apps "web" <why>` (the rollout commands'
/// `fmt.Errorf("error: %s %q %v", resourceString, info.Name, patch.Err)`).
fn refused(key: &ObjKey, why: &str) -> Error {
    Error::cli(format!("{} \"{}\" {why}", key.kind.qualified_plural(), key.name))
}

fn current_object(sim: &crate::sim::Sim, key: &ObjKey) -> Result<Value, Error> {
    sim.store.get(key).cloned().ok_or_else(|| Error::not_found(key.kind.qualified_plural(), key.name.clone()))
}

/// `rollout status`: follows the rollout to its end (in a replay, virtual time runs and the
/// lines are printed as it does; on a live terminal, the rollout holds it).
fn follow_status(ctx: &mut Ctx<'_>, key: ObjKey, watch: bool, timeout: Option<u64>) -> Report {
    // A replay has no Ctrl-C: without `--timeout` it follows at least as long as a watch does,
    // and long enough for a Deployment's progress deadline to pass.
    let progress_ms = ctx
        .sim
        .store
        .get(&key)
        .filter(|_| key.kind == Kind::Deployment)
        .and_then(|d| obj::i64_at(d, "/spec/progressDeadlineSeconds"))
        .map_or(0, |s| s.max(0) as u64 * 1000 + 2000);
    let limit = timeout.unwrap_or(super::get::WATCH_LIMIT_MS.max(progress_ms));
    let deadline = ctx.sim.now().plus_ms(limit);
    let mut s = Status { key, cursor: ctx.sim.store.cursor(), deadline: timeout.map(|_| deadline) };
    let mut r = Report::default();
    let (mut text, mut end) = s.start(ctx.sim);
    loop {
        r.out(text);
        match end {
            Some(Err(e)) => {
                r.fail(e);
                return r;
            }
            Some(Ok(())) => return r,
            None if !watch => return r,
            None if ctx.live && ctx.last_on_line => {
                // The page's clock plays the rollout out; the terminal is held till done.
                r.effect = Some(Effect::Hold(super::Job::Rollout(s)));
                return r;
            }
            None => {}
        }
        if !ctx.sim.step_before(deadline) {
            // The wait holds for its whole timeout, in virtual time.
            ctx.sim.run_until(deadline);
            if ctx.sim.ran_out().is_some() {
                // The line's allowance of work is spent: ended as Ctrl-C would end it.
                r.code = Some(130);
                r.effect = Some(Effect::Interrupted);
                return r;
            }
            if timeout.is_some() {
                r.fail(Error::cli("timed out waiting for the condition"));
            }
            // k8s-diff: without `--timeout` kubectl waits until Ctrl-C; the replay ends the
            // wait at its limit, silently, as it ends a watch.
            return r;
        }
        (text, end) = s.follow(ctx.sim);
    }
}

/// `kubectl rollout status`, following a rollout as kubectl's watch does: one status line for
/// the object as first listed, then one for every change to it (ADDED or MODIFIED), even when
/// the line is the same as the one before (`Waiting for 1 pods to be ready...` twice, when the
/// status changed in a field the message does not show).
#[derive(Clone)]
pub struct Status {
    key: ObjKey,
    /// The resourceVersion read up to.
    cursor: u64,
    /// `--timeout`: when the page's clock reaches it, the wait gives up.
    deadline: Option<crate::sim::SimTime>,
}

impl Status {
    /// The line for the object as it is now and, if the rollout is complete or cannot be
    /// followed, the end: `Ok` or kubectl's error.
    pub fn start(&mut self, sim: &crate::sim::Sim) -> (String, Option<Result<(), Error>>) {
        let o = sim.store.get(&self.key).cloned().unwrap_or(Value::Null);
        self.cursor = sim.store.cursor();
        self.line_for(&o)
    }

    fn line_for(&mut self, o: &Value) -> (String, Option<Result<(), Error>>) {
        if o.is_null() {
            // kubectl's watch sees DELETED and gives up rather than follow a new object.
            return (String::new(), Some(Err(Error::cli("object has been deleted"))));
        }
        match status(o, self.key.kind) {
            Err(e) => (String::new(), Some(Err(e))),
            Ok((msg, done)) => (format!("{msg}\n"), done.then_some(Ok(()))),
        }
    }

    /// The lines for each change to the object since the last look (read from the store's
    /// watch cache, so how often the page or the loop looks does not change what is printed).
    pub fn follow(&mut self, sim: &crate::sim::Sim) -> (String, Option<Result<(), Error>>) {
        let changes: Vec<Value> = match sim.store.watch(self.key.kind, self.cursor) {
            Ok(events) => events
                .filter(|e| e.key == self.key)
                .map(|e| if e.ty == crate::sim::WatchType::Deleted { Value::Null } else { (*e.obj).clone() })
                .collect(),
            Err(_) => vec![Self::relisted(sim, &self.key)],
        };
        self.cursor = sim.store.cursor();
        let mut text = String::new();
        for o in changes {
            let (t, end) = self.line_for(&o);
            text.push_str(&t);
            if end.is_some() {
                return (text, end);
            }
        }
        if self.deadline.is_some_and(|d| sim.now() >= d) {
            return (text, Some(Err(Error::cli("timed out waiting for the condition"))));
        }
        (text, None)
    }

    /// What `UntilWithSync`'s informer hands on when its watch fell behind the kind's window:
    /// the reflector's next watch, from the resourceVersion it had reached, is refused as too
    /// old (410 Gone, `too old resource version: X (Y)`, logged only at `-v=4`), so it lists
    /// again, and the informer's `Replace` gives each listed object to `OnUpdate` (a MODIFIED
    /// event: one status line for the object as it is now) and an object gone from the list
    /// to `OnDelete` (DELETED: "object has been deleted").
    // k8s-diff: the reflector lists again after its back-off (0.8 to 1.6 s); the lab at once.
    fn relisted(sim: &crate::sim::Sim, key: &ObjKey) -> Value {
        sim.store.get(key).cloned().unwrap_or(Value::Null)
    }

    /// The kind this follows and the resourceVersion it has read up to.
    pub fn cursor(&self) -> (Kind, u64) {
        (self.key.kind, self.cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Sim, SimConfig};
    use crate::support::output::Output;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    fn parse_error(line: &str) -> String {
        match parse_rollout(&words(line)) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{line} parsed"),
        }
    }

    /// A cluster with Deployment `web` (2 replicas) rolled out.
    fn cluster() -> Sim {
        let mut sim = Sim::new(SimConfig::seeded(1));
        sim.create(jv!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
            "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
              "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}))
        .unwrap();
        sim.run_until_idle(120_000);
        sim
    }

    /// Runs `rollout ...` through its stages; what it printed and its exit status.
    fn run(sim: &mut Sim, line: &str) -> (String, i32) {
        let mut out = Output::default();
        let mut ctx = Ctx::plain(sim, &mut out);
        let report = match parse_rollout(&words(line)) {
            Ok(Parsed::Run(req)) => rollout(&mut ctx, req),
            Ok(Parsed::Help(_)) => panic!("help"),
            Err(e) => Report::failure(e),
        };
        let code = report.render(&mut out).code;
        (out.text(), code)
    }

    #[test]
    fn parse_rollout_needs_a_known_verb_and_a_resource() {
        assert_eq!(
            parse_error("--watch"),
            "error: Required resource not specified.\nSee 'kubectl rollout -h' for help and examples"
        );
        assert_eq!(
            parse_error("stop deploy/web"),
            "error: unknown command \"stop\" for \"kubectl rollout\"\nRun 'kubectl rollout --help' for usage."
        );
        assert_eq!(
            parse_error("status"),
            "error: required resource not specified\nSee 'kubectl rollout status -h' for help and examples"
        );
        assert_eq!(
            parse_error("history --bogus deploy/web"),
            "error: unknown flag: --bogus\nSee 'kubectl rollout history --help' for usage."
        );
    }

    #[test]
    fn parse_rollout_refuses_kinds_that_do_not_roll_out() {
        assert_eq!(parse_error("undo svc/web"), "error: no undo has been implemented for {\"\" \"Service\"}");
    }

    #[test]
    fn parse_rollout_reads_the_verbs_flags() {
        let Ok(Parsed::Run(r)) = parse_rollout(&words("status deployment web -w=false --timeout=1m30s -n prod")) else {
            panic!("not parsed")
        };
        assert_eq!((r.kind, r.name.as_str(), r.namespace.as_deref()), (Kind::Deployment, "web", Some("prod")));
        assert!(matches!(r.action, Action::Status { watch: false, timeout: Ok(Some(90_000)) }));
        let Ok(Parsed::Run(r)) = parse_rollout(&words("undo sts/db --to-revision=3")) else { panic!("not parsed") };
        assert!(matches!(r.action, Action::Undo { to: 3 }));
        assert!(matches!(parse_rollout(&words("restart -h")), Ok(Parsed::Help(_))));
    }

    #[test]
    fn a_bad_timeout_is_reported_once_the_object_is_found() {
        let mut sim = cluster();
        let (out, code) = run(&mut sim, "status deploy/nope --timeout=soon");
        assert_eq!((out.as_str(), code), ("Error from server (NotFound): deployments.apps \"nope\" not found\n", 1));
        let (out, code) = run(&mut sim, "status deploy/web --timeout=soon");
        assert_eq!(
            (out.as_str(), code),
            ("error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\"\n", 1)
        );
    }

    #[test]
    fn status_of_a_finished_rollout_says_so() {
        let mut sim = cluster();
        assert_eq!(run(&mut sim, "status deploy/web"), ("deployment \"web\" successfully rolled out\n".into(), 0));
    }

    /// Sets `kubernetes.io/change-cause` on Deployment `web`, as `kubectl annotate` does.
    fn set_cause(sim: &mut Sim, cause: &str) {
        let key = ObjKey::new(Kind::Deployment, "default", "web");
        let mut d = sim.store.get(&key).unwrap().clone();
        obj::set_annotation(&mut d, "kubernetes.io/change-cause", cause);
        sim.update(d).unwrap();
        sim.run_until_idle(120_000);
    }

    #[test]
    fn undo_brings_back_the_change_cause_of_the_revision_it_restores() {
        // kubectl rollback.go: the patch that restores a revision's template also replaces the
        // Deployment's annotations with that revision's ReplicaSet's (but annotationsToSkip),
        // so a change-cause written for revision 2 does not stay on revision 1's template.
        let mut sim = cluster();
        assert_eq!(run(&mut sim, "restart deploy/web"), ("deployment.apps/web restarted\n".into(), 0));
        sim.run_until_idle(120_000);
        set_cause(&mut sim, "restarted by hand");
        let (out, _) = run(&mut sim, "history deploy/web");
        assert_eq!(
            out,
            "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         restarted by hand\n\n"
        );
        assert_eq!(run(&mut sim, "undo deploy/web"), ("deployment.apps/web rolled back\n".into(), 0));
        sim.run_until_idle(120_000);
        let (out, _) = run(&mut sim, "history deploy/web");
        assert_eq!(
            out,
            "deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         restarted by hand\n3         <none>\n\n"
        );
        let d = sim.store.get(&ObjKey::new(Kind::Deployment, "default", "web")).unwrap();
        assert_eq!(obj::annotation(d, "kubernetes.io/change-cause"), None);
        assert_eq!(obj::annotation(d, "deployment.kubernetes.io/revision"), Some("3"));
        // Back to revision 2: its ReplicaSet's change-cause comes back with it.
        assert_eq!(run(&mut sim, "undo deploy/web"), ("deployment.apps/web rolled back\n".into(), 0));
        sim.run_until_idle(120_000);
        let d = sim.store.get(&ObjKey::new(Kind::Deployment, "default", "web")).unwrap();
        assert_eq!(obj::annotation(d, "kubernetes.io/change-cause"), Some("restarted by hand"));
        let (out, _) = run(&mut sim, "history deploy/web");
        assert_eq!(
            out,
            "deployment.apps/web \nREVISION  CHANGE-CAUSE\n3         <none>\n4         restarted by hand\n\n"
        );
    }

    #[test]
    fn restart_then_history_then_undo() {
        let mut sim = cluster();
        assert_eq!(run(&mut sim, "restart deploy/web"), ("deployment.apps/web restarted\n".into(), 0));
        sim.run_until_idle(120_000);
        let (out, _) = run(&mut sim, "history deploy/web");
        assert_eq!(out, "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n");
        assert_eq!(run(&mut sim, "undo deploy/web"), ("deployment.apps/web rolled back\n".into(), 0));
        assert_eq!(
            run(&mut sim, "undo deploy/web --to-revision=7"),
            ("error: unable to find specified revision 7 in history\n".into(), 1)
        );
        let (out, code) = run(&mut sim, "history deploy/web --revision=2");
        assert_eq!(code, 0);
        assert!(out.starts_with("deployment.apps/web with revision #2\nPod Template:\n"), "{out}");
    }
}
