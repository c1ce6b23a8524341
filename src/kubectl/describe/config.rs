//! `kubectl describe` for ConfigMaps, Secrets, quotas and Namespaces, and the generic describer
//! kubectl falls back on for kinds without their own (Events, ControllerRevisions).

use super::*;

pub(super) fn data(d: &mut Doc, o: &Value, kind: Kind) {
    // describeConfigMap, describeSecret: the data under its keys (a Secret's only as a
    // byte count); a Secret has no events section.
    meta_lines(d, o);
    let data: Vec<(String, String)> = o
        .get("data")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
        .unwrap_or_default();
    if kind == Kind::Secret {
        d.w(0, "");
        d.w(0, &format!("Type:\t{}", obj::str_at(o, "/type").unwrap_or("Opaque")));
        d.w(0, "");
        d.w(0, "Data");
        d.w(0, "====");
        for (k, v) in &data {
            let bytes = crate::support::base64::decode(v).map_or(0, |b| b.len());
            d.w(0, &format!("{k}:\t{bytes} bytes"));
        }
        return;
    }
    d.w(0, "");
    d.w(0, "Data");
    d.w(0, "====");
    for (k, v) in &data {
        d.w(0, &format!("{k}:"));
        d.w(0, "----");
        for line in v.split('\n') {
            d.lines.push(vec![line.to_string()]);
        }
    }
    d.w(0, "");
    d.w(0, "BinaryData");
    d.w(0, "====");
    for (k, v) in o.get("binaryData").and_then(Value::as_object).into_iter().flatten() {
        let bytes = crate::support::base64::decode(v.as_str().unwrap_or("")).map_or(0, |b| b.len());
        d.w(0, &format!("{k}: {bytes} bytes"));
    }
    d.w(0, "");
}

/// describeQuota: Name, Namespace, then each hard resource in name order with its usage.
pub(super) fn quota(d: &mut Doc, o: &Value) {
    d.w(0, &format!("Name:\t{}", obj::name(o)));
    d.w(0, &format!("Namespace:\t{}", obj::namespace(o)));
    quota_table(d, 0, o, "----");
}

/// A quota's resources in name order, `Used` and `Hard` (describeQuota's rules under its
/// header have four dashes, DescribeResourceQuotas' three).
fn quota_table(d: &mut Doc, level: usize, o: &Value, rule: &str) {
    d.w(level, "Resource\tUsed\tHard");
    d.w(level, &format!("--------\t{rule}\t{rule}"));
    let hard = o.ptr("/status/hard").and_then(Value::as_object);
    let mut names: Vec<&String> = hard.map(|h| h.keys().collect()).unwrap_or_default();
    crate::support::sort::sort(&mut names);
    for n in names {
        let q = |at: &str| o.ptr(&format!("/status/{at}")).and_then(|m| m.get(n.as_str())).and_then(Value::as_str);
        d.w(level, &format!("{n}\t{}\t{}", q("used").unwrap_or("0"), q("hard").unwrap_or("0")));
    }
}

/// describeNamespace: its phase and conditions, then its quotas (DescribeResourceQuotas) and
/// limit ranges (DescribeLimitRanges; the lab has none). No events section.
pub(super) fn namespace(d: &mut Doc, sim: &Sim, o: &Value) {
    d.w(0, &format!("Name:\t{}", obj::name(o)));
    map_lines(d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
    map_lines(d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
    d.w(0, &format!("Status:\t{}", obj::str_at(o, "/status/phase").unwrap_or("")));
    let conds = obj::arr_at(o, "/status/conditions");
    if !conds.is_empty() {
        d.w(0, "Conditions:");
        d.w(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage");
        d.w(1, "----\t------\t------------------\t------\t-------");
        for c in conds {
            let at = |p: &str| obj::str_at(c, p).unwrap_or("");
            let when = rfc1123z(at("/lastTransitionTime"));
            d.w(1, &format!("{}\t{}\t{when}\t{}\t{}", at("/type"), at("/status"), at("/reason"), at("/message")));
        }
    }
    d.w(0, "");
    let quotas = super::super::get::listed(sim, Kind::ResourceQuota, Some(obj::name(o)));
    if quotas.is_empty() {
        d.w(0, "No resource quota.");
    } else {
        d.w(0, "Resource Quotas");
        for q in &quotas {
            d.w(1, &format!("Name:\t{}", obj::name(q)));
            quota_table(d, 1, q, "---");
        }
    }
    d.w(0, "");
    d.w(0, "No LimitRange resource.");
}

/// The generic describer (kubectl's `genericDescriber`, for kinds describe.go has no describer
/// of its own for): Name, Namespace, Labels, Annotations, then every other field of the object
/// in name order (printUnstructuredContent).
pub(super) fn generic(d: &mut Doc, o: &Value) {
    d.w(0, &format!("Name:\t{}", obj::name(o)));
    d.w(0, &format!("Namespace:\t{}", obj::namespace(o)));
    map_lines(d, 0, "Labels:", o.ptr("/metadata/labels"), &[]);
    map_lines(d, 0, "Annotations:", o.ptr("/metadata/annotations"), &[LAST_APPLIED]);
    if let Some(m) = o.as_object() {
        unstructured(d, 0, m, "");
    }
}

const GENERIC_SKIP: &[&str] = &[".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"];

/// printUnstructuredContent: maps as a titled block a level deeper, lists as a title and each
/// item (a map's fields a level deeper, a value as Go's `%v`), values as `Label:\tvalue`.
fn unstructured(d: &mut Doc, level: usize, m: &serde_json::Map<String, Value>, prefix: &str) {
    for (field, value) in m {
        let path = format!("{prefix}.{field}");
        if GENERIC_SKIP.contains(&path.as_str()) {
            continue;
        }
        let label = smart_label(field);
        match value {
            Value::Object(inner) => {
                d.w(level, &format!("{label}:"));
                unstructured(d, level + 1, inner, &path);
            }
            Value::Array(items) => {
                d.w(level, &format!("{label}:"));
                for item in items {
                    match item.as_object() {
                        Some(inner) => unstructured(d, level + 1, inner, &path),
                        None => d.w(level + 1, &crate::support::gofmt::go_format(item)),
                    }
                }
            }
            v => d.w(level, &format!("{label}:\t{}", crate::support::gofmt::go_format(v))),
        }
    }
}

/// smartLabelFor: a field name of letters and `-` split where fatih/camelcase splits it, each
/// part title-cased or, if a common acronym, upper-cased (`apiVersion` → `API Version`).
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_ascii_alphabetic() && c != '-') {
        return field.to_string();
    }
    // Runs of one class (lower, upper, other); an upper run followed by a lower one gives
    // its last letter to the lower run (`HTTPServer` → `HTTP`, `Server`).
    let class = |c: char| {
        if c.is_ascii_lowercase() {
            0
        } else if c.is_ascii_uppercase() {
            1
        } else {
            2
        }
    };
    let mut runs: Vec<String> = Vec::new();
    let mut last = None;
    for c in field.chars() {
        match runs.last_mut() {
            Some(r) if last == Some(class(c)) => r.push(c),
            _ => runs.push(c.to_string()),
        }
        last = Some(class(c));
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_then_lower = runs[i].starts_with(|c: char| c.is_ascii_uppercase())
            && runs[i + 1].starts_with(|c: char| c.is_ascii_lowercase());
        if upper_then_lower {
            let moved = runs[i].pop().expect("a run is never empty here");
            runs[i + 1].insert(0, moved);
        }
    }
    let parts: Vec<String> = runs
        .into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| {
            let up = r.to_ascii_uppercase();
            if ["API", "URL", "UID", "OSB", "GUID"].contains(&up.as_str()) {
                up
            } else {
                let mut cs = r.chars();
                cs.next().map(|f| f.to_ascii_uppercase().to_string() + cs.as_str()).unwrap_or_default()
            }
        })
        .collect();
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::smart_label;

    #[test]
    fn smart_labels_split_as_fatih_camelcase_splits() {
        // describe_test.go's TestDescribeUnstructuredContent at kubernetes-1.26.0 (`Dummy -
        // Dummy`, `dummy/dummy`, `Item Bool`, `UID`, `URL` ...), and fatih/camelcase's own
        // example (`HTTPServer` → `HTTP`, `Server`).
        for (field, label) in [
            ("apiVersion", "API Version"),
            ("dummy-dummy", "Dummy - Dummy"),
            ("dummy-dummy@dummy", "dummy-dummy@dummy"),
            ("dummy/dummy", "dummy/dummy"),
            ("dummy2", "dummy2"),
            ("dummyDummy", "Dummy Dummy"),
            ("itemBool", "Item Bool"),
            ("creationTimestamp", "Creation Timestamp"),
            ("resourceVersion", "Resource Version"),
            ("uid", "UID"),
            ("url", "URL"),
            ("HTTPServer", "HTTP Server"),
        ] {
            assert_eq!(smart_label(field), label, "{field}");
        }
    }
}
