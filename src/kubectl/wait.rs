//! `kubectl wait` (wait.go): holds until each named object meets a condition (`--for=delete`,
//! `--for=condition=Ready[=true]`, `--for=jsonpath={.status.phase}=Running`), printing
//! `pod/web-0 condition met` for each, or gives up after `--timeout` (30 s by default).

use super::args::{self, f, Args, Flag};
use super::errors::Error;
use super::get::{resolve, Query};
use super::stages::{Parsed, Report};
use super::{Ctx, Effect, Job};
use crate::sim::labels::Selector;
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

/// `kubectl wait`, parsed.
pub struct WaitFor {
    until: Until,
    timeout_ms: u64,
    /// The objects: by name, or each type's objects that `-l` matches (`--all`: every one).
    query: Query,
    selector: Option<Selector>,
    all: bool,
    /// The command line (for `-n`).
    args: Args,
}

#[inline(never)]
pub fn parse_wait(argv: &[String]) -> Result<Parsed<WaitFor>, Error> {
    let a = args::parse("wait", argv, FLAGS)?;
    let Some(spec) = a.get("for") else {
        return Err(Error::cli("--for must be set"));
    };
    let until = parse_for(spec)?;
    let timeout_ms = match a.get("timeout") {
        None => 30_000,
        Some(t) => super::rollout::go_duration_ms(t).ok_or_else(|| {
            Error::cli(format!(
                "invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration {}",
                crate::support::gofmt::go_quote(t)
            ))
        })?,
    };
    if a.positional.is_empty() {
        return Err(Error::cli("resource(s) were provided, but no name was specified"));
    }
    let query = resolve(&a.positional)?;
    let selector = a.get("selector").map(Selector::parse).transpose().map_err(Error::cli)?;
    let all = a.bool("all");
    Ok(Parsed::Run(WaitFor { until, timeout_ms, query, selector, all, args: a }))
}

/// Follows the objects until each meets the condition, or the timeout: a replay lets virtual
/// time run, printing as the objects get there; a live terminal is held meanwhile.
pub fn wait(ctx: &mut Ctx<'_>, req: WaitFor) -> Report {
    let pending = match pending(ctx, &req) {
        Ok(p) => p,
        Err(e) => return Report::failure(e),
    };
    let deadline = ctx.sim.now().plus_ms(req.timeout_ms);
    let mut w = Wait { until: req.until, pending, deadline };
    let mut r = Report::default();
    loop {
        let (text, end) = w.follow(ctx.sim);
        r.out(text);
        match end {
            Some(Ok(())) => return r,
            Some(Err(e)) => {
                r.fail(e);
                return r;
            }
            None if ctx.live && ctx.last_on_line => {
                r.effect = Some(Effect::Hold(Job::Wait(w)));
                return r;
            }
            None => {}
        }
        // Replay: the cluster's clock runs on until the condition or the deadline.
        if !ctx.sim.step_before(deadline) {
            ctx.sim.run_until(deadline);
        }
        // The line's allowance of work is spent: the wait ends as Ctrl-C would end it (the
        // session says why).
        if ctx.sim.ran_out().is_some() {
            r.code = Some(130);
            r.effect = Some(Effect::Interrupted);
            return r;
        }
    }
}

/// The objects to wait for, each with its uid. A named object that is not there is an error,
/// unless the wait is for its deletion (RunWait ignores NotFound then: nothing to print).
fn pending(ctx: &Ctx<'_>, req: &WaitFor) -> Result<Vec<(ObjKey, String)>, Error> {
    let ns = ctx.namespace(&req.args);
    let mut pending = Vec::new();
    for (kind, names) in &req.query.targets {
        let list_ns = if kind.namespaced() { ns.as_str() } else { "" };
        if names.is_empty() {
            if req.selector.is_none() && !req.all {
                return Err(Error::cli("resource(s) were provided, but no name was specified"));
            }
            let listed = ctx.sim.store.list(*kind, kind.namespaced().then_some(list_ns));
            let matched = listed.filter(|(_, o)| req.selector.as_ref().is_none_or(|s| s.matches_obj(o)));
            pending.extend(matched.map(|(k, o)| (k.clone(), obj::uid(o).to_string())));
            continue;
        }
        for name in names {
            let key = ObjKey::new(*kind, list_ns, name);
            match ctx.sim.store.get(&key) {
                Some(o) => pending.push((key.clone(), obj::uid(o).to_string())),
                None if matches!(req.until, Until::Delete) => {}
                None => return Err(Error::not_found(kind.qualified_plural(), name.clone())),
            }
        }
    }
    if pending.is_empty() && !req.query.targets.iter().all(|(_, n)| !n.is_empty()) {
        return Err(Error::cli("no matching resources found"));
    }
    Ok(pending)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jv;
    use crate::kubectl::{stages, NoFiles, Outcome};
    use crate::sim::SimConfig;
    use crate::support::output::Output;

    fn argv(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    fn err(line: &str) -> String {
        parse_wait(&argv(line)).err().expect("an error").to_string()
    }

    /// A cluster with config map `a` (`data.k: v`, label `app=lab`).
    fn cluster() -> Sim {
        let mut sim = Sim::new(SimConfig::seeded(1));
        sim.create(jv!({"apiVersion":"v1","kind":"ConfigMap",
            "metadata":{"name":"a","namespace":"default","labels":{"app":"lab"}},"data":{"k":"v"}}))
            .unwrap();
        sim
    }

    /// Runs `kubectl wait LINE`: its outcome, stdout and stderr.
    fn run(sim: &mut Sim, line: &str, live: bool) -> (Outcome, String, String) {
        let mut out = Output::default();
        let mut ctx = Ctx {
            sim,
            files: &NoFiles,
            stdin: None,
            out: &mut out,
            live,
            last_on_line: true,
            forwarded: Vec::new(),
            context_ns: String::new(),
        };
        let outcome = stages::run(&mut ctx, parse_wait(&argv(line)), wait);
        (outcome, out.stdout(), out.stderr())
    }

    #[test]
    fn parse_wait_needs_a_condition_and_a_duration() {
        assert_eq!(err("cm/a"), "error: --for must be set");
        assert_eq!(
            err("cm/a --for=delete --timeout=soon"),
            "error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\""
        );
        assert_eq!(err("--for=delete"), "error: resource(s) were provided, but no name was specified");
    }

    #[test]
    fn parse_wait_refuses_an_unknown_condition_in_kubectls_words() {
        // The doubled `error: ` is the lab's (kubectl prints one); see parse_wait.
        assert_eq!(err("cm/a --for=soon"), "error: unrecognized condition: \"soon\"");
        assert_eq!(
            err("cm/a --for=jsonpath={.data.k}"),
            "error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3"
        );
    }

    #[test]
    fn parse_for_reads_each_kind_of_condition() {
        assert!(matches!(parse_for("Delete"), Ok(Until::Delete)));
        assert!(matches!(parse_for("condition=Ready"), Ok(Until::Condition(t, w)) if t == "Ready" && w == "true"));
        assert!(
            matches!(parse_for("jsonpath={.a}=b=c"), Ok(Until::JsonPath(e, v)) if e == "{.a}" && v == "b=c"),
            "the value is what follows the expression"
        );
    }

    #[test]
    fn wait_prints_each_object_that_meets_the_condition() {
        let mut sim = cluster();
        let (outcome, out, _) = run(&mut sim, "cm -l app=lab --for=jsonpath={.data.k}=v", false);
        assert_eq!((outcome.code, out.as_str()), (0, "configmap/a condition met\n"));
        let (outcome, out, errs) = run(&mut sim, "cm/gone --for=delete", false);
        assert_eq!((outcome.code, out.as_str(), errs.as_str()), (0, "", ""), "a missing object is deleted already");
        let (outcome, _, errs) = run(&mut sim, "cm/gone --for=condition=Ready", false);
        assert_eq!((outcome.code, errs.as_str()), (1, "Error from server (NotFound): configmaps \"gone\" not found\n"));
        let (_, _, errs) = run(&mut sim, "cm -l app=none --for=delete", false);
        assert_eq!(errs, "error: no matching resources found\n");
    }

    #[test]
    fn wait_gives_up_at_the_timeout_or_holds_a_live_terminal() {
        let mut sim = cluster();
        let t0 = sim.now().ms();
        let (outcome, _, errs) = run(&mut sim, "cm/a --for=jsonpath={.data.k}=w --timeout=5s", false);
        assert_eq!((outcome.code, errs.as_str()), (1, "error: timed out waiting for the condition on configmaps/a\n"));
        assert_eq!(sim.now().ms(), t0 + 5_000);
        let (outcome, out, _) = run(&mut sim, "cm/a --for=jsonpath={.data.k}=w", true);
        assert_eq!((outcome.code, out.as_str()), (0, ""));
        assert!(matches!(outcome.effect, Some(Effect::Hold(Job::Wait(_)))));
    }
}
