//! `kubectl wait` (wait.go): holds until each named object meets a condition (`--for=delete`,
//! `--for=condition=Ready[=true]`, `--for=jsonpath={.status.phase}=Running`), printing
//! `pod/web-0 condition met` for each, or gives up after `--timeout` (30 s by default).

use super::args::{self, f, Flag};
use super::errors::Error;
use super::get::resolve;
use super::{Ctx, Effect, Outcome};
use crate::sim::{obj, ObjKey, Sim, SimTime};

const FLAGS: &[Flag] = &[
    f("for", None, true),
    f("timeout", None, true),
    f("selector", Some('l'), true),
    f("all", None, false),
    f("all-namespaces", Some('A'), false),
    f("filename", Some('f'), true),
];

/// What the objects wait for.
#[derive(Clone, Debug)]
pub enum Until {
    Delete,
    /// A status condition's type and the status wanted (both compared without case).
    Condition(String, String),
    /// A JSONPath's value.
    JsonPath(String, String),
}

/// A wait in progress: the objects not yet done, in order.
#[derive(Clone, Debug)]
pub struct Wait {
    until: Until,
    /// Each object with the uid it had when the wait began (a new object of the same name
    /// is not the one waited for).
    pending: Vec<(ObjKey, String)>,
    deadline: SimTime,
}

impl Wait {
    /// Prints `condition met` for the objects at the head of the list that are done. `Some`
    /// once the wait has ended: `Ok`, or kubectl's timeout error.
    pub fn follow(&mut self, sim: &Sim) -> (String, Option<Result<(), Error>>) {
        let mut text = String::new();
        while let Some((key, uid)) = self.pending.first() {
            if !met(sim, &self.until, key, uid) {
                break;
            }
            text.push_str(&format!("{}/{} condition met\n", key.kind.qualified_singular(), key.name));
            self.pending.remove(0);
        }
        if self.pending.is_empty() {
            return (text, Some(Ok(())));
        }
        if sim.now() >= self.deadline {
            let (key, _) = &self.pending[0];
            return (
                text,
                Some(Err(Error::cli(format!(
                    "timed out waiting for the condition on {}/{}",
                    key.kind.info().plural,
                    key.name
                )))),
            );
        }
        (text, None)
    }
}

fn met(sim: &Sim, until: &Until, key: &ObjKey, uid: &str) -> bool {
    let o = sim.store.get(key).filter(|o| obj::uid(o) == uid);
    match (until, o) {
        (Until::Delete, o) => o.is_none(),
        (_, None) => false,
        (Until::Condition(ty, want), Some(o)) => obj::arr_at(o, "/status/conditions").iter().any(|c| {
            obj::str_at(c, "/type").is_some_and(|t| t.eq_ignore_ascii_case(ty))
                && obj::str_at(c, "/status").is_some_and(|s| s.eq_ignore_ascii_case(want))
        }),
        (Until::JsonPath(expr, want), Some(o)) => {
            super::jsonpath::values(expr, o).is_ok_and(|vs| vs.iter().any(|v| super::jsonpath::text(v) == *want))
        }
    }
}

fn parse_for(spec: &str) -> Result<Until, Error> {
    if spec.eq_ignore_ascii_case("delete") {
        return Ok(Until::Delete);
    }
    if let Some(rest) = spec.strip_prefix("condition=") {
        let (ty, want) = rest.split_once('=').unwrap_or((rest, "true"));
        return Ok(Until::Condition(ty.to_string(), want.to_string()));
    }
    if let Some(rest) = spec.strip_prefix("jsonpath=") {
        // `{.status.phase}=Running`: the expression ends at the last `}`.
        let Some(end) = rest.rfind('}') else {
            return Err(Error::cli("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3"));
        };
        let (expr, value) = rest.split_at(end + 1);
        let Some(value) = value.strip_prefix('=').filter(|v| !v.is_empty()) else {
            return Err(Error::cli("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3"));
        };
        return Ok(Until::JsonPath(expr.to_string(), value.to_string()));
    }
    Err(Error::cli(format!("unrecognized condition: \"{spec}\"")))
}

pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> Outcome {
    let a = match args::parse("wait", argv, FLAGS) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    let Some(spec) = a.get("for") else {
        ctx.eprintln("error: --for must be set");
        return Outcome::from(1);
    };
    let until = match parse_for(spec) {
        Ok(u) => u,
        Err(e) => {
            ctx.eprintln(&format!("error: {e}"));
            return Outcome::from(1);
        }
    };
    let timeout_ms = match a.get("timeout") {
        None => 30_000,
        Some(t) => match super::rollout::go_duration_ms(t) {
            Some(ms) => ms,
            None => {
                ctx.eprintln(&format!(
                    "error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration {}",
                    crate::support::gofmt::go_quote(t)
                ));
                return Outcome::from(1);
            }
        },
    };
    let ns = ctx.namespace(&a);
    if a.positional.is_empty() {
        ctx.eprintln("error: resource(s) were provided, but no name was specified");
        return Outcome::from(1);
    }
    let query = match resolve(&a.positional) {
        Ok(q) => q,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    let selector = match a.get("selector").map(crate::sim::labels::Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => {
            ctx.eprintln(&format!("error: {e}"));
            return Outcome::from(1);
        }
    };
    let mut pending = Vec::new();
    for (kind, names) in &query.targets {
        let list_ns = if kind.namespaced() { ns.as_str() } else { "" };
        if names.is_empty() {
            if selector.is_none() && !a.bool("all") {
                ctx.eprintln("error: resource(s) were provided, but no name was specified");
                return Outcome::from(1);
            }
            for (k, o) in ctx.sim.store.list(*kind, kind.namespaced().then_some(list_ns)) {
                if selector.as_ref().is_none_or(|s| s.matches_obj(o)) {
                    pending.push((k.clone(), obj::uid(o).to_string()));
                }
            }
            continue;
        }
        for name in names {
            let key = ObjKey::new(*kind, list_ns, name);
            match ctx.sim.store.get(&key) {
                Some(o) => pending.push((key.clone(), obj::uid(o).to_string())),
                // RunWait ignores NotFound when waiting for a deletion: nothing to print.
                None if matches!(until, Until::Delete) => {}
                None => {
                    ctx.report(Error::not_found(kind.qualified_plural(), name.clone()));
                    return Outcome::from(1);
                }
            }
        }
    }
    if pending.is_empty() && !query.targets.iter().all(|(_, n)| !n.is_empty()) {
        ctx.eprintln("error: no matching resources found");
        return Outcome::from(1);
    }
    let deadline = ctx.sim.now().plus_ms(timeout_ms);
    let mut w = Wait { until, pending, deadline };
    loop {
        let (text, end) = w.follow(ctx.sim);
        ctx.out.out(&text);
        match end {
            Some(Ok(())) => return 0.into(),
            Some(Err(e)) => {
                ctx.report(e);
                return Outcome::from(1);
            }
            None if ctx.live && ctx.last_on_line => {
                return Outcome::with(0, Effect::Hold(super::Job::Wait(w)));
            }
            None => {}
        }
        // Replay: the cluster's clock runs on until the condition or the deadline.
        if !ctx.sim.step_before(deadline) {
            ctx.sim.run_until(deadline);
        }
    }
}
