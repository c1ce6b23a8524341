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

pub(super) fn other(d: &mut Doc, o: &Value) {
    meta_lines(d, o);
}
