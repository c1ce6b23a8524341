//! `kubectl autoscale (TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS [--cpu-percent=CPU]`
//! (staging/src/k8s.io/kubectl/pkg/cmd/autoscale/autoscale.go at v1.26): an autoscaling/v1
//! HorizontalPodAutoscaler for each object, created through the v1 client
//! (`horizontalpodautoscaler.autoscaling/NAME autoscaled`). The API server keeps it as v2.
// k8s-diff: kubectl 1.34's `--cpu` and `--memory` (quantities or percentages) are not modelled.

use super::args::{self, f, Args, Flag};
use super::dryrun::{self, DryRun};
use super::errors::Error;
use super::get::{resolve, Format};
use super::stages::{Parsed, Report};
use super::Ctx;
use crate::jv;
use crate::sim::{obj, Kind, ObjKey};
use serde_json::Value;

const FLAGS: &[Flag] = &[
    f("min", None, true),
    f("max", None, true),
    f("cpu-percent", None, true),
    f("name", None, true),
    f("dry-run", None, true),
    f("output", Some('o'), true),
    f("save-config", None, false),
    f("record", None, false),
    f("field-manager", None, true),
    f("filename", Some('f'), true),
];

/// `kubectl autoscale`, parsed.
pub struct Autoscale {
    /// `--min` (`-1`, unset: the server's default of 1).
    min: i64,
    max: i64,
    /// `--cpu-percent` (`-1`, unset: the default policy, 80%).
    cpu: i64,
    /// `--name` (none: the object's).
    name: Option<String>,
    dry: DryRun,
    out: Option<Format>,
    args: Args,
}

/// An `Int32Var` flag, or its default.
fn int32(a: &Args, name: &str, default: i64) -> Result<i64, Error> {
    let Some(v) = a.get(name) else { return Ok(default) };
    args::go_parse_int(v, 32).map_err(|why| {
        Error::cli(format!(
            "invalid argument \"{v}\" for \"--{name}\" flag: strconv.ParseInt: parsing \"{v}\": {why}\nSee 'kubectl autoscale --help' for usage."
        ))
    })
}

#[inline(never)]
pub fn parse_autoscale(argv: &[String]) -> Result<Parsed<Autoscale>, Error> {
    let a = args::parse("autoscale", argv, FLAGS)?;
    if a.bool("help") {
        return Ok(Parsed::Help("Creates an autoscaler that automatically chooses and sets the number of pods that run in a Kubernetes cluster.\n\nLooks up a deployment, replica set, stateful set, or replication controller by name and creates an autoscaler that uses the given resource as a reference.\nAn autoscaler can automatically increase or decrease number of pods deployed within the system as needed.\n\nUsage:\n  kubectl autoscale (-f FILENAME | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS [--cpu-percent=CPU] [options]".into()));
    }
    // cobra checks required flags before Complete and Validate.
    if !a.has("max") {
        return Err(Error::cli("required flag(s) \"max\" not set"));
    }
    let (min, max, cpu) = (int32(&a, "min", -1)?, int32(&a, "max", -1)?, int32(&a, "cpu-percent", -1)?);
    let (dry, out) = dryrun::options(&a)?;
    if max < 1 {
        return Err(Error::cli(format!("--max=MAXPODS is required and must be at least 1, max: {max}")));
    }
    if max < min {
        return Err(Error::cli(format!(
            "--max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
        )));
    }
    if a.positional.is_empty() && !a.has("filename") {
        return Err(Error::cli("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"));
    }
    Ok(Parsed::Run(Autoscale { min, max, cpu, name: a.get("name").map(String::from), dry, out, args: a }))
}

/// Creates an autoscaler for each object named (by `-f` files, then by the arguments).
pub fn autoscale(ctx: &mut Ctx<'_>, req: Autoscale) -> Report {
    let ns = ctx.namespace(&req.args);
    let mut r = Report::default();
    if ctx.kubectl_minor() >= 34 && req.args.has("cpu-percent") {
        // pflag's `MarkDeprecated`, as the flag is parsed: pkg/cmd/autoscale/autoscale.go,
        // kubernetes-1.34.0:146 `cmd.Flags().MarkDeprecated("cpu-percent", "Use --cpu with
        // percentage or resource quantity format ...")`; kubernetes-1.33.0 has no such call.
        r.stderr("Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity format (e.g., '70%' for utilization or '500m' for milliCPU).\n");
    }
    let mut keys: Vec<ObjKey> = Vec::new();
    if req.args.has("filename") {
        keys = super::delete::from_files(ctx, &req.args, &ns, &mut r);
    }
    if !req.args.positional.is_empty() {
        let query = match resolve(&req.args.positional) {
            Ok(q) => q,
            Err(e) => return Report::failure(e),
        };
        for (kind, names) in query.targets {
            if names.is_empty() {
                r.fail(Error::cli("resource(s) were provided, but no name was specified"));
                return r;
            }
            keys.extend(names.iter().map(|n| ObjKey::new(kind, &ns, n)));
        }
    }
    let mut count = 0;
    for key in keys {
        match autoscale_one(ctx, &req, &key) {
            Ok(text) => {
                count += 1;
                r.out(text);
            }
            // The visitor stops at its first error.
            Err(e) => {
                r.fail(e);
                return r;
            }
        }
    }
    if count == 0 && !r.failed() {
        r.fail(Error::cli("no objects passed to autoscale"));
    }
    r
}

/// The autoscaler of one object, created; what kubectl prints of it.
fn autoscale_one(ctx: &mut Ctx<'_>, req: &Autoscale, key: &ObjKey) -> Result<String, Error> {
    if ctx.sim.store.get(key).is_none() {
        return Err(Error::not_found(key.kind.qualified_plural(), key.name.clone()));
    }
    if !matches!(key.kind, Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet) {
        // `ScaleForResource`: the discovery has no scale subresource for the resource
        // (schema.GroupVersionResource's String: `group/version, Resource=plural`).
        let info = key.kind.info();
        return Err(Error::cli(format!(
            "cannot autoscale a {}: could not find scale subresource for {}/{}, Resource={} in discovery information",
            key.kind, info.group, info.version, info.plural
        )));
    }
    // From kubectl 1.33 the request is autoscaling/v2 (its CPU target only when above 0), and
    // what it prints is the v2 object the server answers: autoscale.go at kubernetes-1.33.0
    // has `createHorizontalPodAutoscalerV2` (line 291) and `HPAClientV2...Create` (line 274);
    // kubernetes-1.32.0's `Run` (line 190) creates v1 only.
    let v2 = ctx.kubectl_minor() >= 33;
    let hpa = if v2 { v2_request(req, key) } else { v1_request(req, key) };
    let written = match req.dry {
        DryRun::Client => {
            let mut shown = hpa;
            shown["metadata"]["creationTimestamp"] = Value::Null;
            return Ok(dryrun::printed(
                req.out.as_ref(),
                Kind::HorizontalPodAutoscaler,
                &shown,
                &req.dry.op("created"),
            ));
        }
        DryRun::Server => ctx.sim.clone().create(in_namespace(hpa, &key.ns))?,
        DryRun::None => ctx.sim.create(in_namespace(hpa, &key.ns))?,
    };
    let shown = if v2 { written } else { v1_of(&written) };
    Ok(dryrun::printed(req.out.as_ref(), Kind::HorizontalPodAutoscaler, &shown, &req.dry.op("autoscaled")))
}

/// `createHorizontalPodAutoscaler`: the v1 object kubectl sends (status empty, as Go's zero
/// value serializes it).
fn v1_request(req: &Autoscale, key: &ObjKey) -> Value {
    let api_version = key.kind.api_version();
    let name = req.name.clone().unwrap_or_else(|| key.name.clone());
    let mut spec = jv!({"maxReplicas": req.max, "scaleTargetRef": {"apiVersion": api_version, "kind": key.kind.to_string(), "name": key.name}});
    if req.min > 0 {
        spec["minReplicas"] = jv!(req.min);
    }
    if req.cpu >= 0 {
        spec["targetCPUUtilizationPercentage"] = jv!(req.cpu);
    }
    jv!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": name},
        "spec": spec, "status": {"currentReplicas": 0, "desiredReplicas": 0}})
}

/// `createHorizontalPodAutoscalerV2` (kubectl 1.33 and later).
fn v2_request(req: &Autoscale, key: &ObjKey) -> Value {
    let mut hpa = v1_request(req, key);
    hpa["apiVersion"] = jv!("autoscaling/v2");
    hpa["status"] = jv!({"currentMetrics": null, "desiredReplicas": 0});
    if let Some(spec) = hpa["spec"].as_object_mut() {
        spec.remove("targetCPUUtilizationPercentage");
    }
    if req.cpu > 0 {
        hpa["spec"]["metrics"] = jv!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": req.cpu}}}]);
    }
    hpa
}

/// The request to `HorizontalPodAutoscalers(namespace)` (the API server stores it as v2).
fn in_namespace(mut hpa: Value, ns: &str) -> Value {
    hpa["metadata"]["namespace"] = jv!(ns);
    hpa
}

/// The stored object as the v1 client gets it back: the first CPU utilization target as
/// `targetCPUUtilizationPercentage`, the counts (v1's `currentReplicas` has no omitempty).
pub fn v1_of(o: &Value) -> Value {
    let mut spec =
        jv!({"maxReplicas": o["spec"]["maxReplicas"].clone(), "scaleTargetRef": o["spec"]["scaleTargetRef"].clone()});
    if let Some(m) = o.pointer("/spec/minReplicas") {
        spec["minReplicas"] = m.clone();
    }
    let cpu = obj::arr_at(o, "/spec/metrics")
        .iter()
        .find(|m| obj::str_at(m, "/type") == Some("Resource") && obj::str_at(m, "/resource/name") == Some("cpu"));
    if let Some(u) = cpu.and_then(|m| m.pointer("/resource/target/averageUtilization")) {
        spec["targetCPUUtilizationPercentage"] = u.clone();
    }
    let n = |p: &str| obj::i64_at(o, p).unwrap_or(0);
    let status =
        jv!({"currentReplicas": n("/status/currentReplicas"), "desiredReplicas": n("/status/desiredReplicas")});
    jv!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": o["metadata"].clone(), "spec": spec, "status": status})
}
