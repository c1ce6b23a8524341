//! Strict decoding of one object against its kind's schema, with the API server's messages.
//!
//! The API server decodes a create/update body with `sigs.k8s.io/json` (a fork of Go's
//! `encoding/json`) in strict mode. What it reports, and what this module reproduces:
//! - a value of the wrong JSON type is an `UnmarshalTypeError`, printed as
//!   `json: cannot unmarshal <what> into Go struct field <Struct>.<json.path> of type <GoType>`:
//!   `<Struct>` is the innermost Go struct holding the field, the path lists JSON field names
//!   from the root (no list indices, no map keys; the Go name of an embedded struct is spliced in
//!   for promoted fields, e.g. `Volume.spec.volumes.VolumeSource.hostPath`), `<what>` is `string`,
//!   `bool`, `array`, `object`, `number`, or `number <literal>` when the target is an integer.
//!   Only the first such error is reported, and decoding goes on;
//! - a value that a type's own `UnmarshalJSON` rejects (quantities, int-or-string, times) stops
//!   decoding at once, and that error wins over a type error found earlier;
//! - when neither happened, every unknown field (strict mode), as
//!   `strict decoding error: unknown field "spec.replica", unknown field "spec.foo"`, with list
//!   indices and map keys in the path (`spec.template.spec.containers[0].imagee`).
//!
//! Order: serde_json's `Map` is a `VecMap` unless the `preserve_order` feature is on, so keys are
//! visited in sorted order, not document order; the server reports in document order (create) or
//! sorted by message (patch). Sorted order is what we give; for the usual one-mistake manifest it
//! is the same.

use serde_json::Value;

use super::model::{Schema, Ty};
use super::FieldError;

/// Walks a value against a type, collecting errors.
struct Checker<'s> {
    schema: &'s Schema,
    errors: Vec<FieldError>,
    /// The strict-decoding path: `spec.containers[0].image`.
    path: String,
    /// Go's error context: the innermost struct and the JSON field names from the root.
    go_struct: Option<&'static str>,
    go_fields: Vec<&'static str>,
}

/// Check `obj` against the root struct of `(api_version, kind)`; `None` for an unknown kind.
pub(super) fn validate(api_version: &str, kind: &str, obj: &Value) -> Option<Vec<FieldError>> {
    let schema = Schema::get();
    let root = schema.root(api_version, kind)?;
    let mut c = Checker { schema, errors: Vec::new(), path: String::new(), go_struct: None, go_fields: Vec::new() };
    c.check(&Ty::Struct(root), obj);
    Some(c.errors)
}

/// What the API server says after `<Kind> in version "<v>" cannot be handled as a <Kind>: `,
/// given the errors of [`validate`]; `None` when there are none.
pub(super) fn decode_error_message(errors: &[FieldError]) -> Option<String> {
    if let Some(FieldError::Malformed { message, .. }) =
        errors.iter().find(|e| matches!(e, FieldError::Malformed { .. }))
    {
        return Some(message.clone());
    }
    if let Some(FieldError::WrongType { message, .. }) =
        errors.iter().find(|e| matches!(e, FieldError::WrongType { .. }))
    {
        return Some(message.clone());
    }
    let mut seen: Vec<&str> = Vec::new();
    for e in errors {
        if let FieldError::Unknown { path } = e {
            if !seen.contains(&path.as_str()) && seen.len() < 100 {
                seen.push(path);
            }
        }
    }
    if seen.is_empty() {
        return None;
    }
    let list: Vec<String> = seen.iter().map(|p| format!("unknown field {}", go_quote(p))).collect();
    Some(format!("strict decoding error: {}", list.join(", ")))
}

pub(super) use crate::support::gofmt::go_quote;

/// How Go's decoder names a JSON value in a type error.
fn describe(v: &Value, integer_target: bool) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        Value::String(_) => "string".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
        Value::Number(n) if integer_target => format!("number {n}"),
        Value::Number(_) => "number".into(),
    }
}

/// Whether JSON value `v` decodes into scalar type `ty` (a string, an integer in range, a
/// number, a bool).
fn scalar_fits(ty: &Ty, v: &Value) -> bool {
    match (ty, v) {
        (Ty::Str(_), _) => v.is_string(),
        (Ty::Int32, Value::Number(n)) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
        (Ty::Int64, Value::Number(n)) => n.as_i64().is_some(),
        (Ty::Float, _) => v.is_number(),
        (Ty::Bool, _) => v.is_boolean(),
        _ => false,
    }
}

impl Checker<'_> {
    /// `json: cannot unmarshal <what> into Go struct field <S>.<path> of type <T>`.
    fn unmarshal_message(&self, what: &str, go_type: &str) -> String {
        if self.go_struct.is_some() || !self.go_fields.is_empty() {
            format!(
                "json: cannot unmarshal {what} into Go struct field {}.{} of type {go_type}",
                self.go_struct.unwrap_or(""),
                self.go_fields.join(".")
            )
        } else {
            format!("json: cannot unmarshal {what} into Go value of type {go_type}")
        }
    }

    fn wrong_type(&mut self, v: &Value, ty: &Ty) {
        let integer = matches!(ty, Ty::Int32 | Ty::Int64);
        let message = self.unmarshal_message(&describe(v, integer), &self.schema.go_type(ty));
        self.errors.push(FieldError::WrongType { path: self.path.clone(), message });
    }

    fn malformed(&mut self, message: String) {
        self.errors.push(FieldError::Malformed { path: self.path.clone(), message });
    }

    /// Checks value `v` against type `ty`, and what it holds against the types they decode into.
    fn check(&mut self, ty: &Ty, v: &Value) {
        if v.is_null() {
            // null leaves a Go value at its zero value, whatever the type
            return;
        }
        match ty {
            Ty::Str(_) | Ty::Int32 | Ty::Int64 | Ty::Float | Ty::Bool => {
                if !scalar_fits(ty, v) {
                    self.wrong_type(v, ty);
                }
            }
            Ty::Any | Ty::Raw => {}
            Ty::Quantity => self.check_quantity(v),
            Ty::IntOrString => self.check_int_or_string(v),
            Ty::Time => {
                // metav1.Time.UnmarshalJSON: json.Unmarshal into a string first.
                // Approximation: the RFC 3339 syntax of a string is not checked.
                if !v.is_string() {
                    let m = self.unmarshal_message(&describe(v, false), "string");
                    self.malformed(m);
                }
            }
            Ty::Bytes => match v {
                Value::String(s) => self.check_base64(s),
                Value::Array(items) => self.check_byte_list(items),
                _ => self.wrong_type(v, ty),
            },
            Ty::List(elem) => match v {
                Value::Array(items) => self.check_items(elem, items),
                _ => self.wrong_type(v, ty),
            },
            Ty::Map(elem, _) => match v {
                Value::Object(map) => self.check_entries(elem, map),
                _ => self.wrong_type(v, ty),
            },
            Ty::Struct(i) => match v {
                Value::Object(map) => self.check_fields(*i, map),
                _ => self.wrong_type(v, ty),
            },
        }
    }

    /// resource.Quantity.UnmarshalJSON: strips the quotes and parses; its error has no
    /// field context and stops decoding.
    fn check_quantity(&mut self, v: &Value) {
        let text = match v {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            other => other.to_string(),
        };
        if let Err(e) = parse_quantity(&text) {
            self.malformed(e.into());
        }
    }

    /// intstr.IntOrString.UnmarshalJSON: a string, else json.Unmarshal into an int32,
    /// whose UnmarshalTypeError then gets the outer decoder's field context.
    fn check_int_or_string(&mut self, v: &Value) {
        let ok = match v {
            Value::String(_) => true,
            Value::Number(n) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
            _ => false,
        };
        if !ok {
            let m = self.unmarshal_message(&describe(v, true), "int32");
            self.malformed(m);
        }
    }

    /// A `[]byte` given as a string: standard base64.
    fn check_base64(&mut self, s: &str) {
        if let Some(at) = base64_error(s.as_bytes()) {
            // base64.CorruptInputError, saved like a type error, without context
            self.errors.push(FieldError::WrongType {
                path: self.path.clone(),
                message: format!("illegal base64 data at input byte {at}"),
            });
        }
    }

    /// A `[]byte` given as an array: each item a number that fits a uint8 (or null).
    fn check_byte_list(&mut self, items: &[Value]) {
        for (i, item) in items.iter().enumerate() {
            if item.is_null() || item.as_u64().is_some_and(|n| n <= 255) {
                continue;
            }
            let len = self.path.len();
            self.path.push_str(&format!("[{i}]"));
            let what = describe(item, true);
            let message = self.unmarshal_message(&what, "uint8");
            self.errors.push(FieldError::WrongType { path: self.path.clone(), message });
            self.path.truncate(len);
        }
    }

    /// A list's items, each against `elem`, at `[i]` in the path.
    fn check_items(&mut self, elem: &Ty, items: &[Value]) {
        for (i, item) in items.iter().enumerate() {
            let len = self.path.len();
            self.path.push_str(&format!("[{i}]"));
            self.check(elem, item);
            self.path.truncate(len);
        }
    }

    /// A map's values, each against `elem`, at its key in the path.
    fn check_entries(&mut self, elem: &Ty, map: &serde_json::Map<String, Value>) {
        for (k, item) in map {
            let len = self.path.len();
            self.push_key(k);
            self.check(elem, item);
            self.path.truncate(len);
        }
    }

    /// A struct's fields (struct `i` of the schema), each against its type with the struct and
    /// its JSON name as Go's error context; a field it does not have is unknown unless it is open.
    fn check_fields(&mut self, i: usize, map: &serde_json::Map<String, Value>) {
        let def = &self.schema.structs[i];
        for (k, item) in map {
            let len = self.path.len();
            self.push_key(k);
            match def.field(k) {
                Some(f) => {
                    let saved_struct = self.go_struct.replace(def.go);
                    let depth = self.go_fields.len();
                    if let Some(e) = f.embedded {
                        self.go_fields.push(e);
                    }
                    self.go_fields.push(f.name);
                    self.check(&f.ty, item);
                    self.go_fields.truncate(depth);
                    self.go_struct = saved_struct;
                }
                None if def.open => {}
                None => self.errors.push(FieldError::Unknown { path: self.path.clone() }),
            }
            self.path.truncate(len);
        }
    }

    fn push_key(&mut self, k: &str) {
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(k);
    }
}

const QUANTITY_FORMAT: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_SUFFIX: &str = "unable to parse quantity's suffix";
const QUANTITY_NUMERIC: &str = "unable to parse numeric part of quantity";

/// `resource.ParseQuantity`'s verdict on a string: `Ok` or its error text
/// (follows apimachinery's `parseQuantityString` and suffix table).
pub(super) fn parse_quantity(s: &str) -> Result<(), &'static str> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(QUANTITY_FORMAT);
    }
    if s == "0" {
        return Ok(());
    }
    let end = b.len();
    let mut pos = 0;
    if b[0] == b'-' || b[0] == b'+' {
        pos = 1;
    }
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        return Ok(()); // only zeros
    }
    let num_start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let num_len = (pos - num_start).max(1); // an empty numerator counts as "0"
    if pos >= end {
        return Ok(());
    }
    let mut denom_len = 0;
    if b[pos] == b'.' {
        pos += 1;
        let d = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom_len = pos - d;
    }
    let value = &s[..pos];
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < end && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        return Err(QUANTITY_FORMAT);
    }
    let suffix = &s[suffix_start..];
    // (exponent, binary)
    let (exponent, binary): (i64, bool) = match suffix {
        "Ki" => (10, true),
        "Mi" => (20, true),
        "Gi" => (30, true),
        "Ti" => (40, true),
        "Pi" => (50, true),
        "Ei" => (60, true),
        "n" => (-9, false),
        "u" => (-6, false),
        "m" => (-3, false),
        "" => (0, false),
        "k" => (3, false),
        "M" => (6, false),
        "G" => (9, false),
        "T" => (12, false),
        "P" => (15, false),
        "E" => (18, false),
        _ if suffix.len() > 1 && (suffix.starts_with('e') || suffix.starts_with('E')) => {
            match suffix[1..].parse::<i64>() {
                Ok(e) => (e, false),
                Err(_) => return Err(QUANTITY_SUFFIX),
            }
        }
        _ => return Err(QUANTITY_SUFFIX),
    };
    let (precision, scale) = if binary {
        if denom_len == 0 {
            (15 - num_len as i64 - (exponent as f32 * 3.0 / 10.0) as i64 - 1, 0)
        } else {
            (-1, 0)
        }
    } else {
        (18 - (num_len + denom_len) as i64, exponent)
    };
    if precision >= 0 && scale - denom_len as i64 >= -9 {
        return Ok(()); // the int64 fast path
    }
    // inf.Dec.SetString(value)
    let digits = value.trim_start_matches(['+', '-']);
    if digits.bytes().any(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(QUANTITY_NUMERIC)
    }
}

/// Where Go's `base64.StdEncoding.Decode` reports a `CorruptInputError`, if it does.
pub(super) fn base64_error(src: &[u8]) -> Option<usize> {
    fn sextet(c: u8) -> bool {
        c.is_ascii_alphanumeric() || c == b'+' || c == b'/'
    }
    let mut si = 0;
    loop {
        // one quantum (decodeQuantum)
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                return match j {
                    0 => None,
                    _ => Some(si - j),
                };
            }
            let c = src[si];
            si += 1;
            if sextet(c) {
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Some(si - 1);
            }
            match j {
                0 | 1 => return Some(si - 1),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Some(src.len());
                    }
                    if src[si] != b'=' {
                        return Some(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            return if si < src.len() { Some(si) } else { None };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg(av: &str, kind: &str, v: Value) -> Option<String> {
        decode_error_message(&validate(av, kind, &v).unwrap())
    }

    #[test]
    fn replicas_as_string() {
        let m = msg("apps/v1", "StatefulSet", json!({"spec": {"replicas": "3"}}));
        assert_eq!(
            m.as_deref(),
            Some("json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32")
        );
    }

    #[test]
    fn label_number() {
        let m = msg("v1", "Pod", json!({"metadata": {"name": "p", "labels": {"app": 1}}}));
        assert_eq!(
            m.as_deref(),
            Some("json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string")
        );
    }

    #[test]
    fn container_env_value_number() {
        let m = msg(
            "apps/v1",
            "Deployment",
            json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "env": [{"name": "X", "value": 1}]}]}}}}),
        );
        assert_eq!(
            m.as_deref(),
            Some("json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string")
        );
    }

    #[test]
    fn int_errors_print_the_literal() {
        let m = msg("apps/v1", "Deployment", json!({"spec": {"replicas": 1.5}}));
        assert_eq!(
            m.as_deref(),
            Some("json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32")
        );
        let m = msg("apps/v1", "Deployment", json!({"spec": {"replicas": 3_000_000_000_i64}}));
        assert!(m.unwrap().contains("number 3000000000 into"));
    }

    #[test]
    fn struct_and_list_mismatches() {
        let m = msg("apps/v1", "Deployment", json!({"spec": {"selector": "app=x"}}));
        assert_eq!(
            m.as_deref(),
            Some("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.selector of type v1.LabelSelector")
        );
        let m = msg("v1", "Pod", json!({"spec": {"containers": {"name": "x"}}}));
        assert_eq!(
            m.as_deref(),
            Some("json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container")
        );
        let m = msg("v1", "Pod", json!({"spec": {"restartPolicy": 1}}));
        assert_eq!(
            m.as_deref(),
            Some("json: cannot unmarshal number into Go struct field PodSpec.spec.restartPolicy of type v1.RestartPolicy")
        );
    }

    #[test]
    fn embedded_struct_in_path() {
        let m = msg("v1", "Pod", json!({"spec": {"volumes": [{"name": "v", "emptyDir": "x"}]}}));
        assert_eq!(
            m.as_deref(),
            Some("json: cannot unmarshal string into Go struct field Volume.spec.volumes.VolumeSource.emptyDir of type v1.EmptyDirVolumeSource")
        );
    }

    #[test]
    fn quantity_errors() {
        let m = msg("v1", "PersistentVolumeClaim", json!({"spec": {"resources": {"requests": {"storage": "1 Gi"}}}}));
        assert_eq!(m.as_deref(), Some(QUANTITY_FORMAT));
        for ok in ["1Gi", "500m", "1.5", "1e3", "0", "+1", "2E", "100M", ".5", "1."] {
            assert_eq!(parse_quantity(ok), Ok(()), "{ok}");
        }
        assert_eq!(parse_quantity("1Gb"), Err(QUANTITY_FORMAT));
        assert_eq!(parse_quantity("1mi"), Err(QUANTITY_SUFFIX));
        assert_eq!(parse_quantity("1e"), Err(QUANTITY_SUFFIX));
        assert_eq!(parse_quantity("Gi"), Ok(())); // num "0", binary fast path: like Go
        assert_eq!(parse_quantity("1.5Ki"), Ok(()));
        assert_eq!(parse_quantity(".e-10"), Err(QUANTITY_NUMERIC));
        assert_eq!(parse_quantity("abc"), Err(QUANTITY_FORMAT));
        assert_eq!(parse_quantity("true"), Err(QUANTITY_FORMAT));
        // numbers are accepted as quantities
        assert_eq!(
            msg("v1", "Pod", json!({"spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": 2}}}]}})),
            None
        );
    }

    #[test]
    fn malformed_wins_over_wrong_type() {
        let errs =
            validate("v1", "Service", &json!({"spec": {"clusterIP": 1, "ports": [{"port": 80, "targetPort": true}]}}))
                .unwrap();
        assert_eq!(errs.len(), 2);
        assert_eq!(
            decode_error_message(&errs).as_deref(),
            Some("json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32")
        );
    }

    #[test]
    fn int_or_string_accepts_both() {
        assert_eq!(msg("v1", "Service", json!({"spec": {"ports": [{"port": 80, "targetPort": "web"}]}})), None);
        assert_eq!(msg("v1", "Service", json!({"spec": {"ports": [{"port": 80, "targetPort": 8080}]}})), None);
        let d = json!({"spec": {"strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}}});
        assert_eq!(msg("apps/v1", "Deployment", d), None);
    }

    #[test]
    fn secret_data_base64() {
        let m = msg("v1", "Secret", json!({"data": {"password": "mypassword"}}));
        assert_eq!(m.as_deref(), Some("illegal base64 data at input byte 8"));
        assert_eq!(msg("v1", "Secret", json!({"data": {"password": "bXlwYXNzd29yZA=="}})), None);
        assert_eq!(msg("v1", "Secret", json!({"stringData": {"password": "mypassword"}})), None);
        assert_eq!(base64_error(b"abc"), Some(0));
        assert_eq!(base64_error(b"ab!d"), Some(2));
        assert_eq!(base64_error(b"YQ=="), None);
        assert_eq!(base64_error(b"YQ="), Some(3));
        assert_eq!(base64_error(b"YQ==YQ=="), Some(4));
        assert_eq!(base64_error(b"=AAA"), Some(0));
    }

    #[test]
    fn time_needs_a_string() {
        let m = msg("v1", "Pod", json!({"metadata": {"creationTimestamp": 5}}));
        assert_eq!(
            m.as_deref(),
            Some("json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string")
        );
    }

    #[test]
    fn unknown_fields_are_listed() {
        let m = msg("apps/v1", "StatefulSet", json!({"spec": {"replica": 2, "foo": 1}}));
        assert_eq!(
            m.as_deref(),
            Some(r#"strict decoding error: unknown field "spec.foo", unknown field "spec.replica""#)
        );
    }

    #[test]
    fn open_structs_accept_anything() {
        let m = msg("v1", "Pod", json!({"status": {"phase": "Running", "whatever": {"x": 1}}}));
        assert_eq!(m, None);
        let m = msg("v1", "Pod", json!({"spec": {"volumes": [{"name": "v", "rbd": {"anything": true}}]}}));
        assert_eq!(m, None);
    }

    #[test]
    fn case_sensitive() {
        let errs = validate("v1", "Pod", &json!({"Spec": {}})).unwrap();
        assert_eq!(errs, vec![FieldError::Unknown { path: "Spec".into() }]);
    }

    #[test]
    fn go_quote_escapes() {
        assert_eq!(go_quote("a\"b"), r#""a\"b""#);
    }

    #[test]
    fn scalars_fit_their_go_types() {
        let big = json!(2147483648u64);
        assert!(!scalar_fits(&Ty::Int32, &big));
        assert!(scalar_fits(&Ty::Int64, &big));
        assert!(!scalar_fits(&Ty::Int64, &json!(1.5)));
        assert!(!scalar_fits(&Ty::Int32, &json!("3")));
        assert!(scalar_fits(&Ty::Float, &json!(3)));
        assert!(!scalar_fits(&Ty::Bool, &json!("true")));
    }
}
