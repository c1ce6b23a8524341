//! JSON merge patch (RFC 7386) and JSON patch (RFC 6902) as the API server applies them
//! (`gopkg.in/evanphx/json-patch.v4`, including its quirks: `replace` of a missing object key
//! adds it, negative list indices count from the end, `add` without a `value` adds `null`).

use serde_json::{Map, Value};

/// RFC 7386: objects merge recursively, `null` deletes, anything else replaces.
pub(super) fn json_merge(original: &Value, patch: &Value) -> Value {
    match patch {
        Value::Object(p) => {
            let mut target = match original {
                Value::Object(o) => o.clone(),
                _ => Map::new(),
            };
            for (k, v) in p {
                if v.is_null() {
                    target.remove(k);
                } else {
                    let merged = json_merge(target.get(k).unwrap_or(&Value::Null), v);
                    target.insert(k.clone(), merged);
                }
            }
            Value::Object(target)
        }
        other => other.clone(),
    }
}

const MISSING: &str = "missing value";

/// The most that a patch's `copy` operations may add, in bytes of JSON: json-patch's
/// `AccumulatedCopySizeLimit`, which the API server sets to its `JSONPatchMaxCopyBytes`
/// (3 MiB, apiserver's server/config.go).
pub const MAX_COPY_BYTES: usize = 3 * 1024 * 1024;
const INVALID_INDEX: &str = "invalid index referenced";

/// RFC 6902 with evanphx/json-patch v4 semantics and messages.
pub(super) fn json_patch(original: &Value, ops: &Value) -> Result<Value, String> {
    let Value::Array(ops) = ops else {
        return Err(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
            super::json_type_name(ops)
        ));
    };
    for op in ops {
        if !op.is_object() && !op.is_null() {
            return Err(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                super::json_type_name(op)
            ));
        }
    }
    let mut doc = original.clone();
    let mut copied = 0;
    for op in ops {
        let name = match op.get("op") {
            Some(Value::String(s)) => s.as_str(),
            _ => "unknown",
        };
        match name {
            "add" => add(&mut doc, op)?,
            "remove" => remove(&mut doc, op)?,
            "replace" => replace(&mut doc, op)?,
            "move" => move_op(&mut doc, op)?,
            "test" => test(&doc, op)?,
            "copy" => copy(&mut doc, op, &mut copied)?,
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

/// Operation.Path / From: the string, or the error text of decoding it.
fn string_field(op: &Value, field: &str, missing: &str) -> Result<String, String> {
    match op.get(field) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Null) | None => Err(format!("{missing}: {MISSING}")),
        Some(other) => {
            Err(format!("json: cannot unmarshal {} into Go value of type string", super::json_type_name(other)))
        }
    }
}

fn path_of(op: &Value) -> Result<String, String> {
    string_field(op, "path", "operation missing path field")
}

fn from_of(op: &Value) -> Result<String, String> {
    string_field(op, "from", "operation, missing from field")
}

fn value_of(op: &Value) -> Value {
    op.get("value").cloned().unwrap_or(Value::Null)
}

fn decode_key(k: &str) -> String {
    k.replace("~1", "/").replace("~0", "~")
}

/// Go's `strconv.Atoi` (an optional sign, then ASCII digits).
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {}: invalid syntax", super::validate::go_quote(s)));
    }
    s.parse::<i64>().map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", super::validate::go_quote(s)))
}

/// `findObject`: the container holding the path's last segment, and that segment.
fn find_object<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let (steps, last) = container_steps(doc, path)?;
    let mut cur = doc;
    for step in steps {
        cur = match cur {
            Value::Object(m) => m.get_mut(&step.0)?,
            Value::Array(a) => a.get_mut(step.1)?,
            _ => return None,
        };
    }
    Some((cur, last))
}

/// [`find_object`] without changing anything (for `test`, which must not copy the document).
fn find_object_ref<'a>(doc: &'a Value, path: &str) -> Option<(&'a Value, String)> {
    let (steps, last) = container_steps(doc, path)?;
    let mut cur = doc;
    for step in steps {
        cur = match cur {
            Value::Object(m) => m.get(&step.0)?,
            Value::Array(a) => a.get(step.1)?,
            _ => return None,
        };
    }
    Some((cur, last))
}

/// The steps (an object's key, or a list's index) down to the container of the path's last
/// segment, each through an object or a list, and that segment.
fn container_steps(doc: &Value, path: &str) -> Option<(Vec<(String, usize)>, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let mut steps = Vec::new();
    let mut cur = doc;
    for part in &split[1..split.len() - 1] {
        let part = decode_key(part);
        let (next, index) = match cur {
            Value::Object(m) => (m.get(&part)?, 0),
            Value::Array(a) => {
                let mut idx = atoi(&part).ok()?;
                let len = a.len() as i64;
                if idx < 0 {
                    if idx < -len {
                        return None;
                    }
                    idx += len;
                }
                if idx >= len {
                    return None;
                }
                (&a[idx as usize], idx as usize)
            }
            _ => return None,
        };
        if !next.is_object() && !next.is_array() {
            return None;
        }
        steps.push((part, index));
        cur = next;
    }
    if !cur.is_object() && !cur.is_array() {
        return None;
    }
    Some((steps, decode_key(split[split.len() - 1])))
}

fn invalid_index(idx: i64) -> String {
    format!("Unable to access invalid index: {idx}: {INVALID_INDEX}")
}

/// A list index for get/set/remove (negative counts from the end).
fn existing_index(a: &[Value], key: &str) -> Result<usize, String> {
    let mut idx = atoi(key)?;
    let len = a.len() as i64;
    if idx < 0 {
        if idx < -len {
            return Err(invalid_index(idx));
        }
        idx += len;
    }
    if idx >= len {
        return Err(invalid_index(idx));
    }
    Ok(idx as usize)
}

/// container.get: a missing object key is `Ok(None)`, a bad list index an error.
fn get(con: &Value, key: &str) -> Result<Option<Value>, String> {
    match con {
        Value::Object(m) => Ok(m.get(key).cloned()),
        Value::Array(a) => existing_index(a, key).map(|i| Some(a[i].clone())),
        _ => Ok(None),
    }
}

/// container.add.
fn add_to(con: &mut Value, key: &str, val: Value) -> Result<(), String> {
    match con {
        Value::Object(m) => {
            m.insert(key.to_string(), val);
            Ok(())
        }
        Value::Array(a) => {
            if key == "-" {
                a.push(val);
                return Ok(());
            }
            let mut idx = atoi(key).map_err(|e| format!("value was not a proper array index: '{key}': {e}"))?;
            let size = a.len() as i64 + 1;
            if idx >= size {
                return Err(invalid_index(idx));
            }
            if idx < 0 {
                if idx < -size {
                    return Err(invalid_index(idx));
                }
                idx += size;
            }
            a.insert(idx as usize, val);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// container.remove.
fn remove_from(con: &mut Value, key: &str) -> Result<(), String> {
    match con {
        Value::Object(m) => match m.remove(key) {
            Some(_) => Ok(()),
            None => Err(format!("Unable to remove nonexistent key: {key}: {MISSING}")),
        },
        Value::Array(a) => {
            let i = existing_index(a, key)?;
            a.remove(i);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn add(doc: &mut Value, op: &Value) -> Result<(), String> {
    let path = path_of(op).map_err(|_| format!("add operation failed to decode path: {MISSING}"))?;
    let Some((con, key)) = find_object(doc, &path) else {
        return Err(format!("add operation does not apply: doc is missing path: \"{path}\": {MISSING}"));
    };
    add_to(con, &key, value_of(op)).map_err(|e| format!("error in add for path: '{path}': {e}"))
}

fn remove(doc: &mut Value, op: &Value) -> Result<(), String> {
    let path = path_of(op).map_err(|_| format!("remove operation failed to decode path: {MISSING}"))?;
    let Some((con, key)) = find_object(doc, &path) else {
        return Err(format!("remove operation does not apply: doc is missing path: \"{path}\": {MISSING}"));
    };
    remove_from(con, &key).map_err(|e| format!("error in remove for path: '{path}': {e}"))
}

fn replace(doc: &mut Value, op: &Value) -> Result<(), String> {
    let path = path_of(op).map_err(|e| format!("replace operation failed to decode path: {e}"))?;
    if path.is_empty() {
        // v4 wraps a nil error here, so a scalar value is silently ignored
        let val = value_of(op);
        if val.is_object() || val.is_array() {
            *doc = val;
        }
        return Ok(());
    }
    let Some((con, key)) = find_object(doc, &path) else {
        return Err(format!("replace operation does not apply: doc is missing path: {path}: {MISSING}"));
    };
    if get(con, &key).is_err() {
        return Err(format!("replace operation does not apply: doc is missing key: {path}: {MISSING}"));
    }
    match con {
        Value::Object(m) => {
            m.insert(key, value_of(op));
        }
        Value::Array(a) => {
            let i = existing_index(a, &key).map_err(|e| format!("error in remove for path: '{path}': {e}"))?;
            a[i] = value_of(op);
        }
        _ => {}
    }
    Ok(())
}

fn move_op(doc: &mut Value, op: &Value) -> Result<(), String> {
    let from = from_of(op).map_err(|e| format!("move operation failed to decode from: {e}"))?;
    let Some((con, key)) = find_object(doc, &from) else {
        return Err(format!("move operation does not apply: doc is missing from path: {from}: {MISSING}"));
    };
    let val = get(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
    remove_from(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
    let path = path_of(op).map_err(|e| format!("move operation failed to decode path: {e}"))?;
    let Some((con, key)) = find_object(doc, &path) else {
        return Err(format!("move operation does not apply: doc is missing destination path: {path}: {MISSING}"));
    };
    add_to(con, &key, val.unwrap_or(Value::Null)).map_err(|e| format!("error in move for path: '{path}': {e}"))
}

fn test(doc: &Value, op: &Value) -> Result<(), String> {
    let path = path_of(op).map_err(|e| format!("test operation failed to decode path: {e}"))?;
    let failed = || format!("testing value {path} failed: test failed");
    let want = op.get("value");
    if path.is_empty() {
        return if want == Some(doc) { Ok(()) } else { Err(failed()) };
    }
    let Some((con, key)) = find_object_ref(doc, &path) else {
        return Err(format!("test operation does not apply: is missing path: {path}: {MISSING}"));
    };
    let got = get(con, &key).map_err(|e| format!("error in test for path: '{path}': {e}"))?;
    match (got, want) {
        (None, None) => Ok(()),
        (Some(g), Some(w)) if &g == w => Ok(()),
        _ => Err(failed()),
    }
}

fn copy(doc: &mut Value, op: &Value, copied: &mut usize) -> Result<(), String> {
    let from = from_of(op).map_err(|e| format!("copy operation failed to decode from: {e}"))?;
    let Some((con, key)) = find_object(doc, &from) else {
        return Err(format!("copy operation does not apply: doc is missing from path: {from}: {MISSING}"));
    };
    let val = get(con, &key).map_err(|e| format!("error in copy for from: '{from}': {e}"))?;
    let path = path_of(op).map_err(|_| format!("copy operation failed to decode path: {MISSING}"))?;
    let Some((con, key)) = find_object(doc, &path) else {
        return Err(format!("copy operation does not apply: doc is missing destination path: {path}: {MISSING}"));
    };
    // deepCopy measures the value as JSON; a missing one (`null`) is nothing.
    *copied += val.as_ref().map_or(0, crate::support::gofmt::go_json_len);
    if *copied > MAX_COPY_BYTES {
        return Err(format!(
            "Unable to complete the copy, the accumulated size increase of copy is {copied}, exceeding the limit {MAX_COPY_BYTES}"
        ));
    }
    add_to(con, &key, val.unwrap_or(Value::Null)).map_err(|e| format!("error while adding value during copy: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "nginx", "image": "a"}, {"name": "b", "image": "b"}]}}}})
    }

    #[test]
    fn replace_image() {
        let out = json_patch(
            &doc(),
            &json!([{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "registry.k8s.io/nginx-slim:0.24"}]),
        )
        .unwrap();
        assert_eq!(out["spec"]["template"]["spec"]["containers"][0]["image"], "registry.k8s.io/nginx-slim:0.24");
        assert_eq!(out["spec"]["template"]["spec"]["containers"][1]["image"], "b");
    }

    #[test]
    fn copies_stop_at_the_accumulated_copy_size_limit() {
        // evanphx's own case: the quotes are part of a string's size; each copy here adds 1,002
        // bytes, so the 3,140th passes the API server's 3 MiB.
        let doc = json!({"a": "x".repeat(1000)});
        let ops: Vec<Value> =
            (0..4000).map(|i| json!({"op": "copy", "from": "/a", "path": format!("/b{i}")})).collect();
        let e = json_patch(&doc, &Value::Array(ops[..3140].to_vec())).unwrap_err();
        assert_eq!(
            e,
            "Unable to complete the copy, the accumulated size increase of copy is 3146280, exceeding the limit 3145728"
        );
        assert!(json_patch(&doc, &Value::Array(ops[..3139].to_vec())).is_ok());
    }

    #[test]
    fn errors_in_evanphx_words() {
        let e = json_patch(&doc(), &json!([{"op": "replace", "path": "/spec/foo/bar", "value": 1}])).unwrap_err();
        assert_eq!(e, "replace operation does not apply: doc is missing path: /spec/foo/bar: missing value");
        let e = json_patch(
            &doc(),
            &json!([{"op": "replace", "path": "/spec/template/spec/containers/5/image", "value": 1}]),
        )
        .unwrap_err();
        assert_eq!(e, "replace operation does not apply: doc is missing path: /spec/template/spec/containers/5/image: missing value");
        let e = json_patch(&doc(), &json!([{"op": "replace", "path": "/spec/template/spec/containers/5", "value": 1}]))
            .unwrap_err();
        assert_eq!(
            e,
            "replace operation does not apply: doc is missing key: /spec/template/spec/containers/5: missing value"
        );
        let e = json_patch(&doc(), &json!([{"op": "remove", "path": "/spec/foo"}])).unwrap_err();
        assert_eq!(e, "error in remove for path: '/spec/foo': Unable to remove nonexistent key: foo: missing value");
        let e = json_patch(&doc(), &json!([{"op": "add", "path": "/nope/x", "value": 1}])).unwrap_err();
        assert_eq!(e, "add operation does not apply: doc is missing path: \"/nope/x\": missing value");
        let e = json_patch(&doc(), &json!([{"op": "test", "path": "/spec/replicas", "value": 3}])).unwrap_err();
        assert_eq!(e, "testing value /spec/replicas failed: test failed");
        let e = json_patch(&doc(), &json!([{"op": "frob", "path": "/"}])).unwrap_err();
        assert_eq!(e, "Unexpected kind: frob");
        let e = json_patch(&doc(), &json!([{"op": "add", "path": "/spec/template/spec/containers/9", "value": {}}]))
            .unwrap_err();
        assert_eq!(
            e,
            "error in add for path: '/spec/template/spec/containers/9': Unable to access invalid index: 9: invalid index referenced"
        );
    }

    #[test]
    fn replace_missing_key_adds_it_in_v4() {
        let out = json_patch(&doc(), &json!([{"op": "replace", "path": "/spec/paused", "value": true}])).unwrap();
        assert_eq!(out["spec"]["paused"], true);
    }

    #[test]
    fn add_move_copy_test() {
        let out = json_patch(
            &doc(),
            &json!([
                {"op": "add", "path": "/spec/template/spec/containers/-", "value": {"name": "c"}},
                {"op": "add", "path": "/spec/template/spec/containers/0", "value": {"name": "first"}},
                {"op": "copy", "from": "/spec/replicas", "path": "/spec/minReadySeconds"},
                {"op": "move", "from": "/spec/minReadySeconds", "path": "/spec/x"},
                {"op": "test", "path": "/spec/x", "value": 2},
                {"op": "remove", "path": "/spec/template/spec/containers/-1"}
            ]),
        )
        .unwrap();
        let names: Vec<&str> = out["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["first", "nginx", "b"]);
        assert_eq!(out["spec"]["x"], 2);
        assert!(out["spec"].get("minReadySeconds").is_none());
    }

    #[test]
    fn merge_patch() {
        let out =
            json_merge(&doc(), &json!({"spec": {"replicas": 3, "template": null}, "metadata": {"labels": {"a": "b"}}}));
        assert_eq!(out, json!({"spec": {"replicas": 3}, "metadata": {"labels": {"a": "b"}}}));
        assert_eq!(json_merge(&json!({"a": [1, 2]}), &json!({"a": [3]})), json!({"a": [3]}));
        assert_eq!(json_merge(&json!(1), &json!({"a": {"b": null}})), json!({"a": {}}));
    }
}
