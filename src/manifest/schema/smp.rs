//! Strategic merge patch as the API server applies it (`apimachinery/pkg/util/strategicpatch`
//! `StrategicMergeMapPatch`: `MergeParallelList` and `IgnoreUnmatchedNulls` on).
//!
//! Maps merge recursively and `null` deletes a key; lists whose field has `patchStrategy:"merge"`
//! merge element-wise by `patchMergeKey` (lists of scalars merge as sets); other lists are
//! replaced. Directives: `$patch: replace|delete` in a map or a list element,
//! `$retainKeys`, `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`. The order of a
//! merged list follows the real algorithm (`normalizeElementOrder`): the patch's items keep the
//! patch's order and are interleaved with the live-only items by live position, and an item new
//! to the list goes before the live-only item it is compared with (so a lone new container lands
//! first, as `kubectl patch` shows).
//!
//! Differences from the real thing: values taken as-is from the patch (keys absent from the
//! original) are stripped of `null`s (as the server does) and of patch directives (the server
//! would keep those and then fail decoding on them).

use serde_json::{Map, Value};

use super::model::{Schema, StructDef, Ty};
use super::validate::go_quote;
use crate::support::gofmt::go_format;

/// What is known of the value at some point of the document.
#[derive(Clone, Copy)]
pub(super) enum Meta<'s> {
    Struct(&'s StructDef),
    /// A string-keyed map of this element type.
    Map(&'s Ty),
    /// An object of unchecked fields (a status block, unknown kind): merged without list strategies.
    Open,
    /// Opaque JSON (`RawExtension`, `interface{}`, scalars): merged without list strategies,
    /// never cleaned of nulls or directives.
    Opaque,
}

/// The patch metadata of one field.
pub(super) struct FieldMeta<'s> {
    pub(super) meta: Meta<'s>,
    pub(super) merge: bool,
    pub(super) key: Option<&'static str>,
    pub(super) retain_keys: bool,
}

pub(super) struct Merger<'s> {
    pub(super) schema: &'s Schema,
    /// kubectl's client-side merge of two patches (`MergeOptions{}`): directives are carried
    /// over instead of applied, and nulls are kept.
    pub(super) client: bool,
}

pub(super) const DIRECTIVE: &str = "$patch";
pub(super) const RETAIN_KEYS: &str = "$retainKeys";
pub(super) const SET_ORDER: &str = "$setElementOrder";
pub(super) const DELETE_PRIMITIVE: &str = "$deleteFromPrimitiveList";

/// Apply `patch` to `original` for the given kind (an unknown kind merges like JSON merge patch
/// plus directives: no list merging).
pub(super) fn strategic_merge(api_version: &str, kind: &str, original: &Value, patch: &Value) -> Result<Value, String> {
    let schema = Schema::get();
    let meta = match schema.root(api_version, kind) {
        Some(i) => Meta::Struct(&schema.structs[i]),
        None => Meta::Open,
    };
    let patch = match patch {
        Value::Object(m) => m.clone(),
        other => {
            return Err(format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                super::json_type_name(other)
            ))
        }
    };
    let original = match original {
        Value::Object(m) => m.clone(),
        Value::Null => Map::new(),
        _ => return Err("invalid JSON document".into()),
    };
    let m = Merger { schema, client: false };
    m.merge_map(original, patch, meta).map(Value::Object)
}

/// Go's `reflect.TypeOf(x)` of a decoded JSON value, for messages.
pub(super) fn go_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

pub(super) fn err_no_merge_key(m: &Value, key: &str) -> String {
    format!("map: {} does not contain declared merge key: {key}", go_format(m))
}

pub(super) fn err_bad_arg_type(expected: &str, actual: &Value) -> String {
    format!("expected a {expected}, but received a {}", go_type_name(actual))
}

fn err_bad_patch_type(t: &Value, m: &Value) -> String {
    format!("unknown patch type: {} in map: {}", go_format(t), go_format(m))
}

/// Same JSON type (numbers are one type here; Go tells int64 from float64, which only changes
/// which branch replaces a scalar).
pub(super) fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

impl<'s> Merger<'s> {
    pub(super) fn meta_of(&self, ty: &'s Ty) -> Meta<'s> {
        match ty {
            Ty::Struct(i) => {
                let d = &self.schema.structs[*i];
                if d.open && d.fields.is_empty() {
                    Meta::Open
                } else {
                    Meta::Struct(d)
                }
            }
            Ty::Map(t, _) => Meta::Map(t),
            Ty::List(t) => self.meta_of(t),
            _ => Meta::Opaque,
        }
    }

    /// `LookupPatchMetadata`: the field's type and patch strategy.
    pub(super) fn lookup(&self, meta: Meta<'s>, key: &str) -> Result<FieldMeta<'s>, String> {
        let plain = |meta| FieldMeta { meta, merge: false, key: None, retain_keys: false };
        match meta {
            Meta::Struct(d) => match d.field(key) {
                Some(f) => Ok(FieldMeta {
                    meta: self.meta_of(&f.ty),
                    merge: f.merge,
                    key: f.merge_key,
                    retain_keys: f.retain_keys,
                }),
                None if d.open => Ok(plain(Meta::Open)),
                None => {
                    Err(format!("unable to find api field in struct {} for the json field {}", d.go, go_quote(key)))
                }
            },
            Meta::Map(t) => Ok(plain(self.meta_of(t))),
            Meta::Open => Ok(plain(Meta::Open)),
            Meta::Opaque => Ok(plain(Meta::Opaque)),
        }
    }

    /// A patch value taken as-is: drop `null`s and patch directives (see the module doc).
    fn clean(&self, v: Value, meta: Meta<'s>) -> Value {
        if self.client || matches!(meta, Meta::Opaque) {
            return v;
        }
        match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, v) in m {
                    if v.is_null() || is_directive(&k) {
                        continue;
                    }
                    let sub = self.lookup(meta, &k).map(|f| f.meta).unwrap_or(Meta::Open);
                    out.insert(k, self.clean(v, sub));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.into_iter().map(|i| self.clean(i, meta)).collect()),
            other => other,
        }
    }

    pub(super) fn merge_map(
        &self,
        mut original: Map<String, Value>,
        mut patch: Map<String, Value>,
        meta: Meta<'s>,
    ) -> Result<Map<String, Value>, String> {
        if let Some(d) = patch.get(DIRECTIVE) {
            return match d.as_str() {
                Some("replace") => {
                    patch.remove(DIRECTIVE);
                    match self.clean(Value::Object(patch), meta) {
                        Value::Object(m) => Ok(m),
                        _ => Ok(Map::new()),
                    }
                }
                Some("delete") => Ok(Map::new()),
                _ => {
                    let d = d.clone();
                    Err(err_bad_patch_type(&d, &Value::Object(patch)))
                }
            };
        }
        self.apply_retain_keys(&mut original, &mut patch)?;
        self.merge_set_element_order(&mut original, &mut patch, meta)?;

        for (k, patch_v) in patch {
            if self.client && k.starts_with(DELETE_PRIMITIVE) {
                original.insert(k, patch_v);
                continue;
            }
            let (key, is_delete_list) = match k.strip_prefix(DELETE_PRIMITIVE) {
                Some(rest) => match rest.strip_prefix('/') {
                    Some(key) => (key.to_string(), true),
                    None => return Err("invalid patch format of primitive list".into()),
                },
                None => (k, false),
            };
            if patch_v.is_null() {
                original.remove(&key);
                if self.client {
                    // IgnoreUnmatchedNulls off: the null stays, to delete on the server
                    original.insert(key, Value::Null);
                }
                continue;
            }
            let Some(orig_v) = original.get_mut(&key) else {
                if !is_delete_list {
                    let sub = self.lookup(meta, &key).map(|f| f.meta).unwrap_or(Meta::Open);
                    original.insert(key, self.clean(patch_v, sub));
                }
                continue;
            };
            if !same_type(orig_v, &patch_v) {
                if !is_delete_list {
                    let sub = self.lookup(meta, &key).map(|f| f.meta).unwrap_or(Meta::Open);
                    *orig_v = self.clean(patch_v, sub);
                }
                continue;
            }
            let field = self.lookup(meta, &key)?;
            match (orig_v, patch_v) {
                (Value::Object(o), Value::Object(p)) => {
                    let o = std::mem::take(o);
                    let merged = self.merge_map(o, p, field.meta)?;
                    original.insert(key, Value::Object(merged));
                }
                (Value::Array(o), Value::Array(p)) => {
                    let merged = if field.merge {
                        let o = std::mem::take(o);
                        self.merge_slice(o, p, field.meta, field.key, is_delete_list)?
                    } else {
                        match self.clean(Value::Array(p), field.meta) {
                            Value::Array(a) => a,
                            _ => Vec::new(),
                        }
                    };
                    original.insert(key, Value::Array(merged));
                }
                (slot, p) => *slot = p,
            }
        }
        Ok(original)
    }

    /// `$retainKeys`: clear the original's keys that the list does not name.
    fn apply_retain_keys(
        &self,
        original: &mut Map<String, Value>,
        patch: &mut Map<String, Value>,
    ) -> Result<(), String> {
        let Some(list) = patch.remove(RETAIN_KEYS) else {
            return Ok(());
        };
        if self.client {
            match original.get(RETAIN_KEYS) {
                Some(o) if o != &list => {
                    return Err(format!(
                        "{} and {} are not deep equal: this may happen when calculating the 3-way diff patch",
                        go_format(o),
                        go_format(&list)
                    ))
                }
                Some(_) => {}
                None => {
                    original.insert(RETAIN_KEYS.to_string(), list);
                }
            }
            return Ok(());
        }
        let Value::Array(list) = list else {
            return Err("invalid patch format of retainKeys".into());
        };
        let keep = |k: &str| list.iter().any(|v| v.as_str() == Some(k));
        for (k, v) in patch.iter() {
            if v.is_null() || k.starts_with(DELETE_PRIMITIVE) || k.starts_with(SET_ORDER) {
                continue;
            }
            if !keep(k) {
                return Err("patch content doesn't match retainKeys list".into());
            }
        }
        original.retain(|k, _| keep(k));
        Ok(())
    }

    /// `$setElementOrder/<field>` (mergePatchIntoOriginal): merge that field's list now and
    /// order the result by the given order, then the patch's, then the live one.
    fn merge_set_element_order(
        &self,
        original: &mut Map<String, Value>,
        patch: &mut Map<String, Value>,
        meta: Meta<'s>,
    ) -> Result<(), String> {
        let keys: Vec<String> = patch.keys().filter(|k| k.starts_with(SET_ORDER)).cloned().collect();
        for k in keys {
            let order_v = patch.remove(&k).unwrap_or(Value::Null);
            if self.client {
                match original.get(&k) {
                    Some(o) if o != &order_v => return Err("invalid patch format of setElementOrder list".into()),
                    Some(_) => {}
                    None => {
                        original.insert(k.clone(), order_v.clone());
                    }
                }
            }
            let Value::Array(order) = order_v else {
                return Err(err_bad_arg_type("[]interface {}", &order_v));
            };
            let field_key = match k[SET_ORDER.len()..].strip_prefix('/') {
                Some(f) => f.to_string(),
                None => return Err("invalid patch format of setElementOrder list".into()),
            };
            let orig_list = match original.get(&field_key) {
                Some(Value::Array(a)) => Some(a.clone()),
                Some(other) => return Err(err_bad_arg_type("[]interface {}", other)),
                None => None,
            };
            let patch_list = match patch.get(&field_key) {
                Some(Value::Array(a)) => Some(a.clone()),
                Some(other) => return Err(err_bad_arg_type("[]interface {}", other)),
                None => None,
            };
            let field = self.lookup(meta, &field_key)?;
            let merge_key = if field.merge { field.key } else { None };
            validate_patch_with_set_order(patch_list.as_deref().unwrap_or(&[]), &order, merge_key)?;
            let merged = match (&orig_list, &patch_list) {
                (Some(o), None) => o.clone(),
                (None, Some(p)) => match self.clean(Value::Array(p.clone()), field.meta) {
                    Value::Array(a) => a,
                    _ => Vec::new(),
                },
                (Some(o), Some(p)) => {
                    if field.merge {
                        self.merge_slice(o.clone(), p.clone(), field.meta, field.key, false)?
                    } else {
                        p.clone()
                    }
                }
                (None, None) => return Ok(()),
            };
            let orig_slice = orig_list.unwrap_or_default();
            let (patch_items, server_only) = match merge_key {
                None => partition_primitives(merged, &order),
                Some(key) => partition_maps(merged, &order, key)?,
            };
            let kind = slice_element_kind(&[&orig_slice, patch_list.as_deref().unwrap_or(&[])])?;
            let both = normalize_element_order(patch_items, server_only, &order, &orig_slice, merge_key, kind)?;
            original.insert(field_key.clone(), Value::Array(both));
            patch.remove(&field_key);
        }
        Ok(())
    }

    pub(super) fn merge_slice(
        &self,
        original: Vec<Value>,
        patch: Vec<Value>,
        elem: Meta<'s>,
        merge_key: Option<&str>,
        is_delete_list: bool,
    ) -> Result<Vec<Value>, String> {
        if original.is_empty() && patch.is_empty() {
            return Ok(original);
        }
        let kind = slice_element_kind(&[&original, &patch])?;
        if kind != Kind::Object {
            if is_delete_list {
                return Ok(original.into_iter().filter(|v| !patch.contains(v)).collect());
            }
            let mut both = original.clone();
            both.extend(patch.iter().cloned());
            let merged = deduplicate_scalars(both);
            let (patch_items, server_only) = partition_primitives(merged, &patch);
            return normalize_element_order(patch_items, server_only, &patch, &original, None, kind);
        }
        let Some(key) = merge_key else {
            return Err("cannot merge lists without merge key for type struct".into());
        };
        let (original, patch) = merge_slice_special_elements(original, patch, key)?;
        let mut merged = original.clone();
        for v in &patch {
            let Some(kv) = v.get(key) else {
                return Err(err_no_merge_key(v, key));
            };
            match find_map_by_key(&merged, key, kv)? {
                Some(i) => {
                    let o = match std::mem::take(&mut merged[i]) {
                        Value::Object(m) => m,
                        _ => Map::new(),
                    };
                    let p = v.as_object().cloned().unwrap_or_default();
                    merged[i] = Value::Object(self.merge_map(o, p, elem)?);
                }
                None => merged.push(self.clean(v.clone(), elem)),
            }
        }
        let (patch_items, server_only) = partition_maps(merged, &patch, key)?;
        normalize_element_order(patch_items, server_only, &patch, &original, Some(key), kind)
    }
}

fn is_directive(k: &str) -> bool {
    k == DIRECTIVE || k == RETAIN_KEYS || k.starts_with(SET_ORDER) || k.starts_with(DELETE_PRIMITIVE)
}

/// The JSON type of list elements, for `sliceElementType`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Bool,
    Number,
    String,
    Object,
}

pub(super) fn slice_element_kind(slices: &[&[Value]]) -> Result<Kind, String> {
    let mut prev: Option<Kind> = None;
    for s in slices {
        for v in s.iter() {
            let k = match v {
                Value::Array(_) => return Err("lists of lists are not supported".into()),
                Value::Null => return Err("list element types are not identical: null element".into()),
                Value::Bool(_) => Kind::Bool,
                Value::Number(_) => Kind::Number,
                Value::String(_) => Kind::String,
                Value::Object(_) => Kind::Object,
            };
            match prev {
                Some(p) if p != k => {
                    let all: Vec<String> = slices.iter().map(|s| go_format(&Value::Array(s.to_vec()))).collect();
                    return Err(format!("list element types are not identical: [{}]", all.join(" ")));
                }
                _ => prev = Some(k),
            }
        }
    }
    prev.ok_or_else(|| "no elements in any of the given slices".to_string())
}

/// Go's in-place deduplication (it moves the last element into each duplicate's slot).
pub(super) fn deduplicate_scalars(mut s: Vec<Value>) -> Vec<Value> {
    let mut length = s.len() as isize - 1;
    let mut i: isize = 0;
    while i < length {
        let mut j = i + 1;
        while j <= length {
            if s[i as usize] == s[j as usize] {
                s[j as usize] = s[length as usize].clone();
                s.truncate(length as usize);
                length -= 1;
                j -= 1;
            }
            j += 1;
        }
        i += 1;
    }
    s
}

fn find_map_by_key(list: &[Value], key: &str, value: &Value) -> Result<Option<usize>, String> {
    for (i, v) in list.iter().enumerate() {
        let Some(m) = v.as_object() else {
            return Err(format!("value for key {i} is not a map."));
        };
        if m.get(key) == Some(value) {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// `mergeSliceWithSpecialElements`: apply `$patch: delete` items to the original, and
/// `$patch: replace` (the rest of the patch list replaces the original).
fn merge_slice_special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), String> {
    let mut rest = Vec::new();
    let mut replace = false;
    for v in patch {
        match v.get(DIRECTIVE) {
            None => rest.push(v),
            Some(d) => match d.as_str() {
                Some("delete") => {
                    let Some(kv) = v.get(key) else {
                        return Err(err_no_merge_key(&v, key));
                    };
                    while let Some(i) = find_map_by_key(&original, key, kv)? {
                        original.remove(i);
                    }
                }
                Some("replace") => replace = true,
                Some("merge") => return Err("merging lists cannot yet be specified in the patch".into()),
                _ => return Err(err_bad_patch_type(d, &v)),
            },
        }
    }
    if replace {
        let cleaned = rest
            .into_iter()
            .map(|v| match v {
                Value::Object(mut m) => {
                    m.retain(|k, v| !v.is_null() && !is_directive(k));
                    Value::Object(m)
                }
                other => other,
            })
            .collect();
        return Ok((cleaned, Vec::new()));
    }
    Ok((original, rest))
}

fn partition_primitives(merged: Vec<Value>, by: &[Value]) -> (Vec<Value>, Vec<Value>) {
    merged.into_iter().partition(|v| by.contains(v))
}

fn partition_maps(merged: Vec<Value>, by: &[Value], key: &str) -> Result<(Vec<Value>, Vec<Value>), String> {
    let mut patch = Vec::new();
    let mut server = Vec::new();
    for v in merged {
        if !v.is_object() {
            return Err(err_bad_arg_type("map[string]interface {}", &v));
        }
        let Some(kv) = v.get(key) else {
            return Err(err_no_merge_key(&v, key));
        };
        if find_map_by_key(by, key, kv)?.is_some() {
            patch.push(v);
        } else {
            server.push(v);
        }
    }
    Ok((patch, server))
}

/// Position of `v` in `list`, comparing merge-key values for maps and whole values otherwise.
pub(super) fn index_of(list: &[Value], v: &Value, key: Option<&str>) -> Option<usize> {
    match key {
        Some(k) => {
            let want = v.get(k);
            list.iter().position(|item| item.get(k) == want)
        }
        None => list.iter().position(|item| item == v),
    }
}

fn validate_merge_keys(key: &str, lists: &[&[Value]]) -> Result<(), String> {
    for list in lists {
        for item in list.iter() {
            if !item.is_object() {
                return Err(err_bad_arg_type("map[string]interface {}", item));
            }
            if item.get(key).is_none() {
                return Err(err_no_merge_key(item, key));
            }
        }
    }
    Ok(())
}

/// `normalizeSliceOrder`: a stable sort by position in `order` (Go's insertion sort with a
/// comparator that calls items missing from `order` "less", so they move to the front).
pub(super) fn normalize_slice_order(
    mut to_sort: Vec<Value>,
    order: &[Value],
    key: Option<&str>,
    kind: Kind,
) -> Result<Vec<Value>, String> {
    let mut to_delete = Vec::new();
    if kind == Kind::Object {
        let key = key.unwrap_or("");
        validate_merge_keys(key, &[&to_sort, order])?;
        let (keep, del): (Vec<Value>, Vec<Value>) =
            to_sort.into_iter().partition(|v| v.get(DIRECTIVE).and_then(Value::as_str) != Some("delete"));
        to_sort = keep;
        to_delete = del;
    }
    let less = |a: &Value, b: &Value| match (index_of(order, a, key), index_of(order, b, key)) {
        (Some(ia), Some(ib)) => ia < ib,
        _ => true,
    };
    for i in 1..to_sort.len() {
        let mut j = i;
        while j > 0 && less(&to_sort[j], &to_sort[j - 1]) {
            to_sort.swap(j, j - 1);
            j -= 1;
        }
    }
    to_sort.extend(to_delete);
    Ok(to_sort)
}

/// `normalizeElementOrder` + `mergeSortedSlice`: interleave server-only items into the patch
/// items by their live positions; patch items not in the live list go first.
fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    key: Option<&str>,
    kind: Kind,
) -> Result<Vec<Value>, String> {
    let right = normalize_slice_order(patch, patch_order, key, kind)?;
    let left = normalize_slice_order(server_only, server_order, key, kind)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut li, mut ri) = (left.into_iter().peekable(), right.into_iter().peekable());
    loop {
        match (li.peek(), ri.peek()) {
            (None, None) => break,
            (Some(_), None) => out.extend(li.next()),
            (None, Some(_)) => out.extend(ri.next()),
            (Some(l), Some(r)) => {
                let take_left = match (index_of(server_order, l, key), index_of(server_order, r, key)) {
                    (Some(a), Some(b)) => a < b,
                    _ => false,
                };
                if take_left {
                    out.extend(li.next());
                } else {
                    out.extend(ri.next());
                }
            }
        }
    }
    Ok(out)
}

/// `validatePatchWithSetOrderList`: the patch list's items must appear in the order list, in
/// the same relative order.
fn validate_patch_with_set_order(patch: &[Value], order: &[Value], key: Option<&str>) -> Result<(), String> {
    if patch.is_empty() || order.is_empty() {
        return Ok(());
    }
    let non_delete: Vec<&Value> = match key {
        Some(_) => {
            let mut v = Vec::new();
            for item in patch {
                if !item.is_object() {
                    return Err(err_bad_arg_type("map[string]interface {}", item));
                }
                if item.get(DIRECTIVE).and_then(Value::as_str) != Some("delete") {
                    v.push(item);
                }
            }
            v
        }
        None => patch.iter().collect(),
    };
    let (mut pi, mut si) = (0, 0);
    while pi < non_delete.len() && si < order.len() {
        if non_delete[pi].get(DIRECTIVE).is_some() {
            pi += 1;
            continue;
        }
        let equal = match key {
            None => non_delete[pi] == &order[si],
            Some(k) => {
                let a = non_delete[pi];
                let b = &order[si];
                if !b.is_object() {
                    return Err(err_bad_arg_type("map[string]interface {}", b));
                }
                let (Some(av), Some(bv)) = (a.get(k), b.get(k)) else {
                    let missing = if a.get(k).is_none() { a } else { b };
                    return Err(err_no_merge_key(missing, k));
                };
                av == bv
            }
        };
        if equal {
            pi += 1;
        }
        si += 1;
    }
    if pi < non_delete.len() && si >= order.len() {
        return Err(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ORDER} list:\n{}\n",
            go_format(&Value::Array(patch.to_vec())),
            go_format(&Value::Array(order.to_vec()))
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sts() -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "labels": {"app": "nginx"}, "finalizers": ["a", "b"]},
            "spec": {
                "replicas": 2,
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                "template": {"spec": {
                    "containers": [
                        {"name": "sidecar", "image": "busybox"},
                        {"name": "nginx", "image": "nginx-slim:0.8",
                         "ports": [{"containerPort": 80, "name": "web"}],
                         "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
                        {"name": "logger", "image": "fluentd"}
                    ],
                    "volumes": [{"name": "v", "emptyDir": {}}],
                    "tolerations": [{"key": "x"}]
                }}
            }
        })
    }

    fn smp(patch: Value) -> Value {
        strategic_merge("apps/v1", "StatefulSet", &sts(), &patch).unwrap()
    }

    #[test]
    fn container_merge_keeps_order() {
        let out = smp(json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "x"}]}}}}));
        let c = &out["spec"]["template"]["spec"]["containers"];
        let names: Vec<&str> = c.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["sidecar", "nginx", "logger"]);
        assert_eq!(c[1]["image"], "x");
        assert_eq!(c[1]["ports"][0]["containerPort"], 80);
    }

    #[test]
    fn new_list_items_go_first() {
        let out = smp(json!({"spec": {"template": {"spec": {"containers": [{"name": "redis", "image": "redis"}]}}}}));
        let names: Vec<String> = out["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(names, ["redis", "sidecar", "nginx", "logger"]);
    }

    #[test]
    fn delete_directive_in_list() {
        let out =
            smp(json!({"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}}}));
        assert_eq!(out["spec"]["template"]["spec"]["containers"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn replace_directive_in_list_and_map() {
        let out = smp(
            json!({"spec": {"template": {"spec": {"containers": [{"name": "only", "image": "i"}, {"$patch": "replace"}]}}}}),
        );
        assert_eq!(out["spec"]["template"]["spec"]["containers"], json!([{"name": "only", "image": "i"}]));
        let out = smp(json!({"spec": {"updateStrategy": {"$patch": "replace", "type": "OnDelete"}}}));
        assert_eq!(out["spec"]["updateStrategy"], json!({"type": "OnDelete"}));
        let out = smp(json!({"spec": {"updateStrategy": {"$patch": "delete"}}}));
        assert_eq!(out["spec"]["updateStrategy"], json!({}));
    }

    #[test]
    fn non_merge_lists_replace() {
        let out = smp(json!({"spec": {"template": {"spec": {"tolerations": [{"key": "y"}]}}}}));
        assert_eq!(out["spec"]["template"]["spec"]["tolerations"], json!([{"key": "y"}]));
    }

    #[test]
    fn env_merge_and_null_delete() {
        let out = smp(json!({"spec": {"template": {"spec": {"containers": [
            {"name": "nginx", "env": [{"name": "B", "value": "3"}, {"name": "C", "value": "4"}]}
        ]}}}}));
        let env = &out["spec"]["template"]["spec"]["containers"][1]["env"];
        // live-only A keeps its place before B; new C follows B as in the patch
        assert_eq!(
            env,
            &json!([{"name": "A", "value": "1"}, {"name": "B", "value": "3"}, {"name": "C", "value": "4"}])
        );
        let out = smp(json!({"metadata": {"labels": {"app": null, "tier": "web"}}}));
        assert_eq!(out["metadata"]["labels"], json!({"tier": "web"}));
    }

    #[test]
    fn primitive_merge_list() {
        let out = smp(json!({"metadata": {"finalizers": ["c", "a"]}}));
        assert_eq!(out["metadata"]["finalizers"], json!(["c", "a", "b"]));
        let out = smp(json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}));
        assert_eq!(out["metadata"]["finalizers"], json!(["b"]));
    }

    #[test]
    fn set_element_order() {
        let out = smp(json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "logger"}, {"name": "nginx"}, {"name": "sidecar"}],
            "containers": [{"name": "nginx", "image": "y"}]
        }}}}));
        let names: Vec<&str> = out["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["logger", "nginx", "sidecar"]);
        assert!(out["spec"]["template"]["spec"].get("$setElementOrder/containers").is_none());
    }

    #[test]
    fn retain_keys() {
        let d = json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}});
        let p = json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}});
        let out = strategic_merge("apps/v1", "Deployment", &d, &p).unwrap();
        assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));
        let bad = json!({"spec": {"strategy": {"$retainKeys": ["rollingUpdate"], "type": "Recreate"}}});
        assert!(strategic_merge("apps/v1", "Deployment", &d, &bad).is_err());
    }

    #[test]
    fn errors() {
        let e = strategic_merge(
            "apps/v1",
            "StatefulSet",
            &sts(),
            &json!({"spec": {"updateStrategy": {"$patch": "merge"}}}),
        );
        assert_eq!(e.unwrap_err(), "unknown patch type: merge in map: map[$patch:merge]");
        let e = strategic_merge(
            "apps/v1",
            "StatefulSet",
            &sts(),
            &json!({"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}),
        );
        assert_eq!(e.unwrap_err(), "map: map[image:x] does not contain declared merge key: name");
        assert!(strategic_merge("apps/v1", "StatefulSet", &sts(), &json!([1])).is_err());
    }

    #[test]
    fn directives_are_not_stored() {
        let out = strategic_merge(
            "v1",
            "Pod",
            &json!({"metadata": {"name": "p"}}),
            &json!({"spec": {"containers": [{"name": "a", "$patch": "merge", "env": null}], "$retainKeys": ["containers"]}}),
        )
        .unwrap();
        assert_eq!(out["spec"], json!({"containers": [{"name": "a"}]}));
    }
}
