//! Small readers and writers over objects held as JSON (`metadata.name`, ownerReferences, ...).

use crate::jv;
use serde_json::{Map, Value};

/// A JSON pointer lookup without the escaping `serde_json::Value::pointer` pays for (our
/// pointers never hold `~`): the hot path of every controller.
pub trait Ptr {
    fn ptr(&self, pointer: &str) -> Option<&Value>;
}

impl Ptr for Value {
    fn ptr(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut cur = self;
        for seg in rest.split('/') {
            cur = match cur {
                Value::Object(m) => m.get(seg)?,
                Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }
}

pub fn name(o: &Value) -> &str {
    o.ptr("/metadata/name").and_then(Value::as_str).unwrap_or("")
}
pub fn namespace(o: &Value) -> &str {
    o.ptr("/metadata/namespace").and_then(Value::as_str).unwrap_or("")
}
pub fn uid(o: &Value) -> &str {
    o.ptr("/metadata/uid").and_then(Value::as_str).unwrap_or("")
}
pub fn str_at<'a>(o: &'a Value, ptr: &str) -> Option<&'a str> {
    o.ptr(ptr).and_then(Value::as_str)
}
pub fn i64_at(o: &Value, ptr: &str) -> Option<i64> {
    o.ptr(ptr).and_then(Value::as_i64)
}
pub fn bool_at(o: &Value, ptr: &str) -> Option<bool> {
    o.ptr(ptr).and_then(Value::as_bool)
}
/// The container named `name` of pod `pod`: one of its containers or init containers.
pub fn container<'a>(pod: &'a Value, name: &str) -> Option<&'a Value> {
    arr_at(pod, "/spec/containers")
        .iter()
        .chain(arr_at(pod, "/spec/initContainers"))
        .find(|c| str_at(c, "/name") == Some(name))
}

pub fn arr_at<'a>(o: &'a Value, ptr: &str) -> &'a [Value] {
    o.ptr(ptr).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}
pub fn is_deleting(o: &Value) -> bool {
    o.ptr("/metadata/deletionTimestamp").is_some_and(|v| !v.is_null())
}
pub fn annotation<'a>(o: &'a Value, key: &str) -> Option<&'a str> {
    o.ptr("/metadata/annotations").and_then(|a| a.get(key)).and_then(Value::as_str)
}
pub fn label<'a>(o: &'a Value, key: &str) -> Option<&'a str> {
    o.ptr("/metadata/labels").and_then(|a| a.get(key)).and_then(Value::as_str)
}
pub fn finalizers(o: &Value) -> Vec<String> {
    arr_at(o, "/metadata/finalizers").iter().filter_map(|v| v.as_str().map(String::from)).collect()
}

/// The ownerReference with `controller: true`, if any.
pub fn controller_ref(o: &Value) -> Option<&Value> {
    arr_at(o, "/metadata/ownerReferences").iter().find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
}
pub fn controller_uid(o: &Value) -> Option<&str> {
    controller_ref(o).and_then(|r| r.get("uid")).and_then(Value::as_str)
}

/// An ownerReference pointing at `owner` (controller, blockOwnerDeletion).
pub fn owner_ref(owner: &Value, controller: bool) -> Value {
    jv!({
        "apiVersion": owner.get("apiVersion").cloned().unwrap_or(Value::Null),
        "kind": owner.get("kind").cloned().unwrap_or(Value::Null),
        "name": name(owner),
        "uid": uid(owner),
        "controller": controller,
        "blockOwnerDeletion": true,
    })
}

/// The object's `metadata` as a mutable map (created if missing).
pub fn meta_mut(o: &mut Value) -> &mut Map<String, Value> {
    object_mut(o, "metadata")
}

/// `o[key]` as a mutable map, replacing a non-object value.
pub fn object_mut<'a>(o: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    if !o.is_object() {
        *o = Value::Object(Map::new());
    }
    let m = o.as_object_mut().expect("just made an object");
    let e = m.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
    if !e.is_object() {
        *e = Value::Object(Map::new());
    }
    e.as_object_mut().expect("just made an object")
}

/// Sets a value at a `/a/b/c` pointer, creating objects on the way.
pub fn set(o: &mut Value, ptr: &str, v: Value) {
    let parts: Vec<&str> = ptr.trim_start_matches('/').split('/').collect();
    let mut cur = o;
    for p in &parts[..parts.len() - 1] {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        cur = cur.as_object_mut().expect("object").entry(p.to_string()).or_insert_with(|| Value::Object(Map::new()));
    }
    if !cur.is_object() {
        *cur = Value::Object(Map::new());
    }
    cur.as_object_mut().expect("object").insert(parts[parts.len() - 1].to_string(), v);
}

/// Removes the value at a `/a/b/c` pointer, if present.
pub fn remove(o: &mut Value, ptr: &str) {
    if let Some((parent, last)) = ptr.rsplit_once('/') {
        let p = if parent.is_empty() { Some(o) } else { o.pointer_mut(parent) };
        if let Some(m) = p.and_then(Value::as_object_mut) {
            m.remove(last);
        }
    }
}

/// Sets one annotation.
pub fn set_annotation(o: &mut Value, key: &str, value: &str) {
    object_mut(meta_mut_value(o), "annotations").insert(key.to_string(), Value::String(value.to_string()));
}

/// Sets one label.
pub fn set_label(o: &mut Value, key: &str, value: &str) {
    object_mut(meta_mut_value(o), "labels").insert(key.to_string(), Value::String(value.to_string()));
}

fn meta_mut_value(o: &mut Value) -> &mut Value {
    meta_mut(o);
    o.get_mut("metadata").expect("metadata was just made")
}

/// A pod's condition of the given type (`Ready`, `PodScheduled`...).
pub fn condition<'a>(o: &'a Value, ty: &str) -> Option<&'a Value> {
    arr_at(o, "/status/conditions").iter().find(|c| c.get("type").and_then(Value::as_str) == Some(ty))
}
pub fn condition_true(o: &Value, ty: &str) -> bool {
    condition(o, ty).and_then(|c| c.get("status")).and_then(Value::as_str) == Some("True")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_creates_the_path_and_remove_takes_it_away() {
        let mut v = json!({"a": 1});
        set(&mut v, "/spec/template/x", json!(3));
        assert_eq!(v, json!({"a":1,"spec":{"template":{"x":3}}}));
        remove(&mut v, "/spec/template/x");
        assert_eq!(v, json!({"a":1,"spec":{"template":{}}}));
        set(&mut v, "/a/b", json!(true));
        assert_eq!(v["a"], json!({"b": true}));
    }
}
