//! kubectl apply's patch: `strategicpatch.CreateThreeWayMergePatch` (client side).
//!
//! The patch is the change from the live object (`current`) to the new manifest (`modified`)
//! without deletions, plus the deletions from the last-applied configuration (`original`) to the
//! manifest: fields the user removed from their file are deleted, fields set by others are kept.

use serde_json::{Map, Value};

use super::model::Schema;
use super::smp::{
    err_bad_arg_type, err_no_merge_key, normalize_slice_order, same_type, slice_element_kind, Kind, Merger, Meta,
    DELETE_PRIMITIVE, DIRECTIVE, RETAIN_KEYS, SET_ORDER,
};
use crate::support::gofmt::{go_format, sort_texts};

#[derive(Clone, Copy, Default)]
struct DiffOptions {
    set_element_order: bool,
    ignore_changes_and_additions: bool,
    ignore_deletions: bool,
    build_retain_keys: bool,
}

/// `CreateThreeWayMergePatch(original, modified, current, schema, overwrite=true)`.
pub(super) fn three_way_merge_patch(
    api_version: &str,
    kind: &str,
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
) -> Result<Value, String> {
    let schema = Schema::get();
    let meta = match schema.root(api_version, kind) {
        Some(i) => Meta::Struct(&schema.structs[i]),
        None => Meta::Open,
    };
    let as_map = |v: Option<&Value>| -> Result<Map<String, Value>, String> {
        match v {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(m)) => Ok(m.clone()),
            Some(_) => Err("invalid JSON document".into()),
        }
    };
    let (original, modified, current) = (as_map(original)?, as_map(Some(modified))?, as_map(Some(current))?);
    let m = Merger { schema, client: true };
    let delta_opts = DiffOptions { ignore_deletions: true, set_element_order: true, ..Default::default() };
    let delta = diff_maps(&m, &current, &modified, meta, delta_opts)?;
    let deletion_opts =
        DiffOptions { set_element_order: true, ignore_changes_and_additions: true, ..Default::default() };
    let deletions = diff_maps(&m, &original, &modified, meta, deletion_opts)?;
    m.merge_map(deletions, delta, meta).map(Value::Object)
}

fn diff_maps(
    m: &Merger<'_>,
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    meta: Meta<'_>,
    opts: DiffOptions,
) -> Result<Map<String, Value>, String> {
    let mut patch = Map::new();
    let mut retain: Vec<Value> = Vec::new();
    for (key, mv) in modified {
        if opts.build_retain_keys && !mv.is_null() {
            retain.push(Value::String(key.clone()));
        }
        let Some(ov) = original.get(key) else {
            if !opts.ignore_changes_and_additions {
                patch.insert(key.clone(), mv.clone());
            }
            continue;
        };
        if key == DIRECTIVE {
            let (Some(o), Some(n)) = (ov.as_str(), mv.as_str()) else {
                return Err(format!("invalid value for special key: {DIRECTIVE}"));
            };
            if o != n {
                patch.insert(key.clone(), mv.clone());
            }
            continue;
        }
        if !same_type(ov, mv) {
            if !opts.ignore_changes_and_additions {
                patch.insert(key.clone(), mv.clone());
            }
            continue;
        }
        match (ov, mv) {
            (Value::Object(o), Value::Object(n)) => {
                let field = match m.lookup(meta, key) {
                    Ok(f) => f,
                    Err(_) if ov == mv => continue,
                    Err(e) => return Err(e),
                };
                let sub_opts = DiffOptions { build_retain_keys: field.retain_keys, ..opts };
                let p = diff_maps(m, o, n, field.meta, sub_opts)?;
                if !p.is_empty() {
                    patch.insert(key.clone(), Value::Object(p));
                }
            }
            (Value::Array(o), Value::Array(n)) => {
                let field = match m.lookup(meta, key) {
                    Ok(f) => f,
                    Err(_) if ov == mv => continue,
                    Err(e) => return Err(e),
                };
                if field.merge {
                    let sub_opts = DiffOptions { build_retain_keys: field.retain_keys, ..opts };
                    let (add, del, order) = diff_lists(m, o, n, field.meta, field.key, sub_opts)?;
                    if !add.is_empty() {
                        patch.insert(key.clone(), Value::Array(add));
                    }
                    if !del.is_empty() {
                        patch.insert(format!("{DELETE_PRIMITIVE}/{key}"), Value::Array(del));
                    }
                    if !order.is_empty() {
                        patch.insert(format!("{SET_ORDER}/{key}"), Value::Array(order));
                    }
                } else if !opts.ignore_changes_and_additions && ov != mv {
                    patch.insert(key.clone(), mv.clone());
                }
            }
            _ => {
                if !opts.ignore_changes_and_additions && ov != mv {
                    patch.insert(key.clone(), mv.clone());
                }
            }
        }
    }
    if !opts.ignore_deletions {
        for key in original.keys() {
            if !modified.contains_key(key) {
                patch.insert(key.clone(), Value::Null);
            }
        }
    }
    let has_additional = original.iter().any(|(k, v)| !v.is_null() && !modified.contains_key(k));
    if !retain.is_empty() && (!patch.is_empty() || has_additional) {
        sort_scalars(&mut retain);
        patch.insert(RETAIN_KEYS.to_string(), Value::Array(retain));
    }
    Ok(patch)
}

/// Go sorts scalars and merge-key values by their `%v` text.
fn sort_scalars(v: &mut Vec<Value>) {
    let mut keyed: Vec<(String, usize)> = v.iter().enumerate().map(|(i, x)| (go_format(x), i)).collect();
    sort_texts(&mut keyed);
    let sorted = keyed.iter().map(|(_, i)| v[*i].clone()).collect();
    *v = sorted;
}

type Lists = (Vec<Value>, Vec<Value>, Vec<Value>);

/// List items with the `%v` text of their merge-key value.
type Keyed = Vec<(String, Map<String, Value>)>;

/// `diffLists`: (patch list, primitive deletion list, `$setElementOrder` list).
fn diff_lists(
    m: &Merger<'_>,
    original: &[Value],
    modified: &[Value],
    elem: Meta<'_>,
    key: Option<&str>,
    opts: DiffOptions,
) -> Result<Lists, String> {
    if original.is_empty() {
        if modified.is_empty() || opts.ignore_changes_and_additions {
            return Ok((Vec::new(), Vec::new(), Vec::new()));
        }
        return Ok((modified.to_vec(), Vec::new(), Vec::new()));
    }
    let kind = slice_element_kind(&[original, modified])?;
    if kind == Kind::Object {
        let key = key.unwrap_or("");
        let (patch, deletions) = diff_lists_of_maps(m, original, modified, elem, key, opts)?;
        let mut patch = normalize_slice_order(patch, modified, Some(key), kind)?;
        let order_same = is_order_same(original, modified, key)?;
        patch.extend(deletions);
        let mut order = Vec::new();
        if opts.set_element_order
            && ((!opts.ignore_changes_and_additions && (!patch.is_empty() || !order_same))
                || (!opts.ignore_deletions && !patch.is_empty()))
        {
            for v in modified {
                let mut one = Map::new();
                one.insert(key.to_string(), v.get(key).cloned().unwrap_or(Value::Null));
                order.push(Value::Object(one));
            }
        }
        return Ok((patch, Vec::new(), order));
    }
    let (add, del) = diff_lists_of_scalars(original, modified, opts);
    let add = normalize_slice_order(add, modified, None, kind)?;
    let order = if opts.set_element_order
        && ((!opts.ignore_deletions && !del.is_empty()) || (!opts.ignore_changes_and_additions && original != modified))
    {
        modified.to_vec()
    } else {
        Vec::new()
    };
    Ok((add, del, order))
}

fn is_order_same(original: &[Value], modified: &[Value], key: &str) -> Result<bool, String> {
    if original.len() != modified.len() {
        return Ok(false);
    }
    for (o, n) in original.iter().zip(modified) {
        for v in [o, n] {
            if !v.is_object() {
                return Err(err_bad_arg_type("map[string]interface {}", v));
            }
            if v.get(key).is_none() {
                return Err(err_no_merge_key(v, key));
            }
        }
        if o.get(key) != n.get(key) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn diff_lists_of_scalars(original: &[Value], modified: &[Value], opts: DiffOptions) -> (Vec<Value>, Vec<Value>) {
    let texts = |list: &[Value]| {
        let mut t: Vec<(String, usize)> = list.iter().enumerate().map(|(i, v)| (go_format(v), i)).collect();
        sort_texts(&mut t);
        t
    };
    let o: Vec<(String, &Value)> = texts(original).into_iter().map(|(t, i)| (t, &original[i])).collect();
    let n: Vec<(String, &Value)> = texts(modified).into_iter().map(|(t, i)| (t, &modified[i])).collect();
    let (mut add, mut del) = (Vec::new(), Vec::<Value>::new());
    let (mut i, mut j) = (0, 0);
    while i < o.len() || j < n.len() {
        match (o.get(i), n.get(j)) {
            (Some(a), Some(b)) if a.0 == b.0 => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a.0 > b.0 => {
                if !opts.ignore_changes_and_additions {
                    add.push(b.1.clone());
                }
                j += 1;
            }
            (None, Some(b)) => {
                if !opts.ignore_changes_and_additions {
                    add.push(b.1.clone());
                }
                j += 1;
            }
            (Some(a), _) => {
                if !opts.ignore_deletions && !del.contains(a.1) {
                    del.push(a.1.clone());
                }
                i += 1;
            }
            (None, None) => break,
        }
    }
    (add, del)
}

fn diff_lists_of_maps(
    m: &Merger<'_>,
    original: &[Value],
    modified: &[Value],
    elem: Meta<'_>,
    key: &str,
    opts: DiffOptions,
) -> Result<(Vec<Value>, Vec<Value>), String> {
    let keyed = |list: &[Value]| -> Result<Keyed, String> {
        let mut texts = Vec::new();
        for (i, v) in list.iter().enumerate() {
            let Some(map) = v.as_object() else {
                return Err(err_bad_arg_type("map[string]interface {}", v));
            };
            let Some(kv) = map.get(key) else {
                return Err(err_no_merge_key(v, key));
            };
            texts.push((go_format(kv), i));
        }
        sort_texts(&mut texts);
        Ok(texts.into_iter().map(|(t, i)| (t, list[i].as_object().cloned().unwrap_or_default())).collect())
    };
    let (o, n) = (keyed(original)?, keyed(modified)?);
    let (mut patch, mut deletions) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < o.len() || j < n.len() {
        match (o.get(i), n.get(j)) {
            (Some(a), Some(b)) if a.0 == b.0 => {
                let mut p = diff_maps(m, &a.1, &b.1, elem, opts)?;
                if !p.is_empty() {
                    p.insert(key.to_string(), b.1[key].clone());
                    patch.push(Value::Object(p));
                }
                i += 1;
                j += 1;
            }
            (None, Some(b)) => {
                if !opts.ignore_changes_and_additions {
                    patch.push(Value::Object(b.1.clone()));
                }
                j += 1;
            }
            (Some(a), Some(b)) if a.0 > b.0 => {
                if !opts.ignore_changes_and_additions {
                    patch.push(Value::Object(b.1.clone()));
                }
                j += 1;
            }
            (Some(a), _) => {
                if !opts.ignore_deletions {
                    let mut d = Map::new();
                    d.insert(DIRECTIVE.to_string(), Value::String("delete".into()));
                    d.insert(key.to_string(), a.1[key].clone());
                    deletions.push(Value::Object(d));
                }
                i += 1;
            }
            (None, None) => break,
        }
    }
    Ok((patch, deletions))
}

#[cfg(test)]
mod tests {
    use super::super::smp::strategic_merge;
    use super::*;
    use serde_json::json;

    fn apply(original: Option<&Value>, modified: &Value, current: &Value) -> (Value, Value) {
        let patch = three_way_merge_patch("apps/v1", "Deployment", original, modified, current).unwrap();
        let out = strategic_merge("apps/v1", "Deployment", current, &patch).unwrap();
        (patch, out)
    }

    fn dep(replicas: i64, image: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
               "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "c", "image": image}]}}}})
    }

    #[test]
    fn unchanged_is_empty() {
        let d = dep(2, "nginx");
        let mut live = d.clone();
        live["status"] = json!({"replicas": 2});
        live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = json!("Always");
        let (patch, _) = apply(Some(&d), &d, &live);
        assert_eq!(patch, json!({}));
    }

    #[test]
    fn change_keeps_server_fields() {
        let old = dep(2, "nginx");
        let new = dep(3, "nginx:2");
        let mut live = old.clone();
        live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = json!("Always");
        let (patch, out) = apply(Some(&old), &new, &live);
        assert_eq!(
            patch,
            json!({"spec": {"replicas": 3, "template": {"spec": {
                "$setElementOrder/containers": [{"name": "c"}],
                "containers": [{"name": "c", "image": "nginx:2"}]}}}})
        );
        assert_eq!(out["spec"]["replicas"], 3);
        assert_eq!(out["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"], "Always");
        assert_eq!(out["spec"]["template"]["spec"]["containers"][0]["image"], "nginx:2");
    }

    #[test]
    fn removed_fields_are_deleted() {
        let mut old = dep(2, "nginx");
        old["spec"]["minReadySeconds"] = json!(5);
        old["spec"]["template"]["spec"]["containers"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "side", "image": "busybox"}));
        let new = dep(2, "nginx");
        let (patch, out) = apply(Some(&old), &new, &old);
        assert_eq!(patch["spec"]["minReadySeconds"], Value::Null);
        assert!(out["spec"].get("minReadySeconds").is_none());
        assert_eq!(out["spec"]["template"]["spec"]["containers"], json!([{"name": "c", "image": "nginx"}]));
    }

    #[test]
    fn strategy_retain_keys() {
        let mut old = dep(2, "nginx");
        old["spec"]["strategy"] = json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}});
        let mut new = dep(2, "nginx");
        new["spec"]["strategy"] = json!({"type": "Recreate"});
        let (patch, out) = apply(Some(&old), &new, &old);
        assert_eq!(patch["spec"]["strategy"]["$retainKeys"], json!(["type"]));
        assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));
    }

    #[test]
    fn no_last_applied() {
        let new = dep(3, "nginx");
        let live = dep(2, "nginx");
        let (patch, _) = apply(None, &new, &live);
        assert_eq!(patch, json!({"spec": {"replicas": 3}}));
    }
}
