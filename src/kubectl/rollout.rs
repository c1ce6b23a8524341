//! `kubectl rollout status|history|undo|restart` for Deployments and StatefulSets, with the
//! messages of kubectl's `polymorphichelpers` (reference §2.1).

use super::args::{self, f, Args, Flag};
use super::errors::Error;
use super::get::kind_arg;
use super::{Ctx, Effect, Outcome};
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

/// Resolves `deploy/x`, `deployment x`, `sts/web`, `statefulset web`.
fn target(ctx: &mut Ctx<'_>, a: &Args, verb: &str) -> Option<ObjKey> {
    let ns = ctx.namespace(a);
    let (kind, name) = match a.positional.as_slice() {
        [one] if one.contains('/') => {
            let (t, n) = one.split_once('/').unwrap_or((one, ""));
            (kind_arg(t), n.to_string())
        }
        [t, n, ..] => (kind_arg(t), n.clone()),
        _ => {
            ctx.eprintln(&format!(
                "error: required resource not specified\nSee 'kubectl rollout {verb} -h' for help and examples"
            ));
            return None;
        }
    };
    let kind = match kind {
        Ok(k) => k,
        Err(e) => {
            ctx.report(e);
            return None;
        }
    };
    if !matches!(kind, Kind::Deployment | Kind::StatefulSet) {
        ctx.eprintln(&format!("error: no {verb} has been implemented for {{\"{}\" \"{}\"}}", kind.info().group, kind));
        return None;
    }
    let key = ObjKey::new(kind, &ns, &name);
    if !ctx.sim.store.contains(&key) {
        ctx.report(Error::not_found(kind.qualified_plural(), name));
        return None;
    }
    Some(key)
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
fn revisions(ctx: &Ctx<'_>, key: &ObjKey) -> Vec<(i64, Value, String)> {
    let Some(o) = ctx.sim.store.get(key) else { return Vec::new() };
    let uid = obj::uid(o).to_string();
    let mut out: Vec<(i64, Value, String)> = if key.kind == Kind::Deployment {
        ctx.sim
            .store
            .dependents_of_kind(&uid, Kind::ReplicaSet)
            .filter_map(|k| ctx.sim.store.get(k))
            .map(|rs| {
                let mut t = rs.ptr("/spec/template").cloned().unwrap_or(Value::Null);
                obj::remove(&mut t, "/metadata/labels/pod-template-hash");
                let rev =
                    obj::annotation(rs, "deployment.kubernetes.io/revision").and_then(|r| r.parse().ok()).unwrap_or(0);
                (rev, t, obj::annotation(rs, "kubernetes.io/change-cause").unwrap_or("<none>").to_string())
            })
            .collect()
    } else {
        ctx.sim
            .store
            .dependents_of_kind(&uid, Kind::ControllerRevision)
            .filter_map(|k| ctx.sim.store.get(k))
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

/// `rollout status`: follows the rollout to its end (in a replay, virtual time runs; on a live
/// terminal, the rollout holds it).
fn follow_status(ctx: &mut Ctx<'_>, a: &Args, key: ObjKey) -> Outcome {
    let watch = a.get("watch").is_none_or(|w| w != "false");
    // `--timeout` (a Go duration; 0, the default, waits for ever).
    let timeout = match a.get("timeout").map(go_duration_ms) {
        Some(Some(ms)) => Some(ms).filter(|&ms| ms > 0),
        Some(None) => {
            ctx.eprintln(&format!(
                "error: invalid argument \"{}\" for \"--timeout\" flag: time: invalid duration {}",
                a.get("timeout").unwrap_or(""),
                crate::support::gofmt::go_quote(a.get("timeout").unwrap_or(""))
            ));
            return Outcome::from(1);
        }
        None => None,
    };
    let deadline = ctx.sim.now().plus_ms(timeout.unwrap_or(super::get::WATCH_LIMIT_MS));
    let mut r = Status { key, cursor: ctx.sim.store.cursor(), deadline: timeout.map(|_| deadline) };
    let (mut text, mut end) = r.start(ctx.sim);
    loop {
        ctx.out.out(&text);
        match end {
            Some(Err(e)) => {
                ctx.report(e);
                return Outcome::from(1);
            }
            Some(Ok(())) => return 0.into(),
            None if !watch => return 0.into(),
            None if ctx.live && ctx.last_on_line => {
                // The page's clock plays the rollout out; the terminal is held till done.
                return Outcome::with(0, Effect::Hold(super::Job::Rollout(r)));
            }
            None => {}
        }
        if !ctx.sim.step_before(deadline) {
            ctx.eprintln("error: timed out waiting for the condition");
            return Outcome::from(1);
        }
        (text, end) = r.follow(ctx.sim);
    }
}

pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> Outcome {
    let Some(sub) = argv.iter().position(|a| !a.starts_with('-')) else {
        ctx.eprintln("error: Required resource not specified.\nSee 'kubectl rollout -h' for help and examples");
        return Outcome::from(1);
    };
    let verb = argv[sub].clone();
    let rest: Vec<String> = argv.iter().enumerate().filter(|(i, _)| *i != sub).map(|(_, a)| a.clone()).collect();
    if !["status", "history", "undo", "restart"].contains(&verb.as_str()) {
        ctx.eprintln(&format!(
            "error: unknown command \"{verb}\" for \"kubectl rollout\"\nRun 'kubectl rollout --help' for usage."
        ));
        return Outcome::from(1);
    }
    let a = match args::parse(&format!("rollout {verb}"), &rest, FLAGS) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    if a.bool("help") {
        ctx.println(&format!("Manage the rollout of one or many resources.\n\nUsage:\n  kubectl rollout {verb} (TYPE NAME | TYPE/NAME) [flags] [options]"));
        return Outcome::from(0);
    }
    let Some(key) = target(ctx, &a, &verb) else { return Outcome::from(1) };
    let printed = format!("{}/{}", key.kind.qualified_singular(), key.name);
    if verb == "status" {
        return follow_status(ctx, &a, key);
    }
    edit(ctx, &verb, &a, key, &printed).into()
}

/// `rollout history`, `undo` and `restart`.
fn edit(ctx: &mut Ctx<'_>, verb: &str, a: &Args, key: ObjKey, printed: &str) -> i32 {
    match verb {
        "history" => {
            let revs = revisions(ctx, &key);
            if let Some(r) = a.get("revision").and_then(|r| r.parse::<i64>().ok()) {
                let Some((_, t, cause)) = revs.iter().find(|(n, _, _)| *n == r) else {
                    ctx.eprintln("error: unable to find the specified revision");
                    return 1;
                };
                // history.go: the template as `DescribePodTemplate` writes it, with the
                // change-cause among its annotations.
                // A ReplicaSet's template as it is, its pod-template-hash label included.
                let uid = ctx.sim.store.get(&key).map(|o| obj::uid(o).to_string()).unwrap_or_default();
                let rs_template = (key.kind == Kind::Deployment)
                    .then(|| {
                        ctx.sim
                            .store
                            .dependents_of_kind(&uid, Kind::ReplicaSet)
                            .filter_map(|k| ctx.sim.store.get(k))
                            .find(|rs| obj::annotation(rs, "deployment.kubernetes.io/revision") == Some(&r.to_string()))
                            .and_then(|rs| rs.ptr("/spec/template").cloned())
                    })
                    .flatten();
                let mut t = rs_template.unwrap_or_else(|| t.clone());
                if cause != "<none>" {
                    obj::set_annotation(&mut t, "kubernetes.io/change-cause", cause);
                }
                ctx.println(&format!("{printed} with revision #{r}"));
                // The name printer ends its operation text with a newline of its own.
                let text = super::describe::pod_template_raw(&t, ctx.sim) + "\n";
                ctx.out.out(&text);
                return 0;
            }
            let mut text = format!("{printed} \nREVISION  CHANGE-CAUSE\n");
            for (n, _, cause) in &revs {
                text.push_str(&format!("{:<10}{cause}\n", n));
            }
            text.push('\n');
            ctx.out.out(&text);
            0
        }
        "undo" => {
            let revs = revisions(ctx, &key);
            let current = revs.last().map(|(n, _, _)| *n).unwrap_or(0);
            let to = a.get("to-revision").and_then(|r| r.parse::<i64>().ok()).unwrap_or(0);
            let pick = if to > 0 {
                revs.iter().find(|(n, _, _)| *n == to)
            } else {
                revs.iter().rev().find(|(n, _, _)| *n < current)
            };
            // rollback.go's words: per revision, and per kind when there is nothing before.
            let Some((_, template, _)) = pick.cloned() else {
                let msg = match (to > 0, key.kind) {
                    (true, _) => format!("error: unable to find specified revision {to} in history"),
                    (false, Kind::Deployment) => {
                        format!("error: no rollout history found for deployment \"{}\"", key.name)
                    }
                    (false, _) => "error: no last revision to roll back to".to_string(),
                };
                ctx.eprintln(&msg);
                return 1;
            };
            let Some(mut o) = ctx.sim.store.get(&key).cloned() else { return 1 };
            if o.get("spec").and_then(|s| s.get("template")) == Some(&template) {
                ctx.println(&format!(
                    "{printed} skipped rollback (current template already matches revision {})",
                    if to > 0 { to } else { current - 1 }
                ));
                return 0;
            }
            obj::set(&mut o, "/spec/template", template);
            match ctx.sim.update(o) {
                Ok(_) => {
                    ctx.println(&format!("{printed} rolled back"));
                    0
                }
                Err(e) => {
                    ctx.report(&e);
                    1
                }
            }
        }
        _ => {
            let Some(mut o) = ctx.sim.store.get(&key).cloned() else { return 1 };
            let ts = ctx.sim.timestamp();
            obj::set(&mut o, "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt", jv!(ts));
            if let Some(a) = o.pointer_mut("/spec/template/metadata/annotations").and_then(Value::as_object_mut) {
                if let Some(v) = a.remove("kubectl.kubernetes.io~1restartedAt") {
                    a.insert("kubectl.kubernetes.io/restartedAt".into(), v);
                }
            }
            match ctx.sim.update(o) {
                Ok(_) => {
                    ctx.println(&format!("{printed} restarted"));
                    0
                }
                Err(e) => {
                    ctx.report(&e);
                    1
                }
            }
        }
    }
}

/// `kubectl rollout status`, following a rollout as kubectl's watch does: one status line for
/// the object as first listed, then one for every change to it (ADDED or MODIFIED), even when
/// the line is the same as the one before (`Waiting for 1 pods to be ready...` twice, when the
/// status changed in a field the message does not show).
#[derive(Clone)]
pub struct Status {
    key: ObjKey,
    cursor: usize,
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
    /// log, so how often the page or the loop looks does not change what is printed).
    pub fn follow(&mut self, sim: &crate::sim::Sim) -> (String, Option<Result<(), Error>>) {
        let changes: Vec<Value> = sim
            .store
            .events_since(self.cursor)
            .iter()
            .filter(|e| e.key == self.key)
            .map(|e| if e.ty == crate::sim::WatchType::Deleted { Value::Null } else { e.obj.clone() })
            .collect();
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

    /// The store position this still needs.
    pub fn cursor(&self) -> usize {
        self.cursor
    }
}
