//! `kubectl get --field-selector` (the API server's field selectors) and `--sort-by` (kubectl's
//! `RuntimeSort`).

use super::errors::Error;
use super::jsonpath;
use crate::sim::obj::Ptr;
use crate::sim::resources::Kind;
use serde_json::Value;
use std::cmp::Ordering;

/// The fields a kind can be selected by, and where they are in the object (the registries'
/// `GetAttrs`/`AddFieldLabelConversionFunc`); every kind has `metadata.name` and
/// `metadata.namespace`.
fn fields(kind: Kind) -> &'static [(&'static str, &'static str)] {
    match kind {
        Kind::Pod => &[
            ("spec.nodeName", "/spec/nodeName"),
            ("spec.restartPolicy", "/spec/restartPolicy"),
            ("spec.schedulerName", "/spec/schedulerName"),
            ("spec.serviceAccountName", "/spec/serviceAccountName"),
            ("spec.hostNetwork", "/spec/hostNetwork"),
            ("status.phase", "/status/phase"),
            ("status.podIP", "/status/podIP"),
            ("status.nominatedNodeName", "/status/nominatedNodeName"),
        ],
        Kind::Event => &[
            ("involvedObject.kind", "/involvedObject/kind"),
            ("involvedObject.namespace", "/involvedObject/namespace"),
            ("involvedObject.name", "/involvedObject/name"),
            ("involvedObject.uid", "/involvedObject/uid"),
            ("involvedObject.apiVersion", "/involvedObject/apiVersion"),
            ("involvedObject.resourceVersion", "/involvedObject/resourceVersion"),
            ("involvedObject.fieldPath", "/involvedObject/fieldPath"),
            ("reason", "/reason"),
            ("reportingComponent", "/reportingComponent"),
            ("source", "/source/component"),
            ("type", "/type"),
        ],
        Kind::Node => &[("spec.unschedulable", "/spec/unschedulable")],
        Kind::Namespace => &[("status.phase", "/status/phase")],
        Kind::ReplicaSet => &[("status.replicas", "/status/replicas")],
        Kind::Secret => &[("type", "/type")],
        _ => &[],
    }
}

/// One requirement: field, equal (`=`, `==`) or not (`!=`), value.
pub struct FieldSelector(Vec<(String, bool, String)>);

impl FieldSelector {
    /// `fields.ParseSelector`.
    pub fn parse(text: &str) -> Result<FieldSelector, Error> {
        let mut reqs = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, eq, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, true, v)
            } else {
                return Err(Error::cli(format!("invalid selector: '{text}'; can't understand '{part}'")));
            };
            reqs.push((field.trim().to_string(), eq, value.trim().to_string()));
        }
        Ok(FieldSelector(reqs))
    }

    /// The API server's answer to a field it cannot select `kind` by.
    pub fn check(&self, kind: Kind, labels: &str, text: &str) -> Result<(), Error> {
        for (field, _, _) in &self.0 {
            if field == "metadata.name" || field == "metadata.namespace" || fields(kind).iter().any(|(f, _)| f == field)
            {
                continue;
            }
            let why = if fields(kind).is_empty() {
                format!("\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"")
            } else {
                format!("field label not supported: {field}")
            };
            let i = kind.info();
            let msg = format!("Unable to find \"{}/{}, Resource={}\" that match label selector \"{labels}\", field selector \"{text}\": {why}", i.group, i.version, i.plural);
            return Err(Error::bad_request(msg));
        }
        Ok(())
    }

    pub fn matches(&self, kind: Kind, o: &Value) -> bool {
        self.0.iter().all(|(field, eq, want)| {
            let ptr = match field.as_str() {
                "metadata.name" => "/metadata/name",
                "metadata.namespace" => "/metadata/namespace",
                f => fields(kind).iter().find(|(n, _)| *n == f).map_or("", |(_, p)| p),
            };
            // Absent fields read as empty (and booleans as "false"), as the registries set them.
            let have = match o.ptr(ptr) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None if field.ends_with("unschedulable") || field.ends_with("hostNetwork") => {
                    "false".into()
                }
                Some(Value::Null) | None => String::new(),
                Some(v) => v.to_string(),
            };
            (have == *want) == *eq
        })
    }
}

/// `--sort-by`: objects in order of the field (missing values first), stably.
pub fn sort(objs: &mut [Value], expr: &str) -> Result<(), Error> {
    let keys: Result<Vec<Option<Value>>, String> =
        objs.iter().map(|o| jsonpath::values(expr, o).map(|v| v.into_iter().next())).collect();
    let keys = keys.map_err(Error::cli)?;
    if !objs.is_empty() && keys.iter().all(Option::is_none) {
        return Err(Error::cli(format!(
            "couldn't find any field with path \"{{{}}}\" in the list of objects",
            expr.trim().trim_start_matches('{').trim_end_matches('}')
        )));
    }
    let mut order: Vec<usize> = (0..objs.len()).collect();
    crate::support::sort::sort_by(&mut order, |&a, &b| less(&keys[a], &keys[b]));
    let sorted: Vec<Value> = order.iter().map(|&i| objs[i].clone()).collect();
    for (slot, o) in objs.iter_mut().zip(sorted) {
        *slot = o;
    }
    Ok(())
}

/// `RuntimeSort.Less`: numbers by value, strings (timestamps too) by text, absent first.
fn less(a: &Option<Value>, b: &Option<Value>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(x), Some(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(Ordering::Equal),
            _ => jsonpath::text(x).cmp(&jsonpath::text(y)),
        },
    }
}
