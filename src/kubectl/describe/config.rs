//! `kubectl describe` for ConfigMaps and Secrets, and the plain describer of the other kinds.

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
    d.w(0, "Resource\tUsed\tHard");
    d.w(0, "--------\t----\t----");
    let hard = o.ptr("/status/hard").and_then(Value::as_object);
    let mut names: Vec<&String> = hard.map(|h| h.keys().collect()).unwrap_or_default();
    crate::support::sort::sort(&mut names);
    for n in names {
        let q = |at: &str| o.ptr(&format!("/status/{at}")).and_then(|m| m.get(n.as_str())).and_then(Value::as_str);
        d.w(0, &format!("{n}\t{}\t{}", q("used").unwrap_or("0"), q("hard").unwrap_or("0")));
    }
}

pub(super) fn other(d: &mut Doc, o: &Value) {
    meta_lines(d, o);
}
