//! Placeholder until the schema lands: knows nothing, so nothing is unknown.
use serde_json::Value;
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldError { Unknown { path: String }, WrongType { path: String, message: String } }
pub fn is_known(_a: &str, _k: &str) -> bool { true }
pub fn validate(_a: &str, _k: &str, _o: &Value) -> Vec<FieldError> { Vec::new() }
pub fn strategic_merge(_a: &str, _k: &str, o: &Value, p: &Value) -> Result<Value, String> { Ok(json_merge(o, p)) }
pub fn json_merge(o: &Value, p: &Value) -> Value {
    match (o, p) {
        (Value::Object(a), Value::Object(b)) => {
            let mut m = a.clone();
            for (k, v) in b { if v.is_null() { m.remove(k); } else { let n = json_merge(a.get(k).unwrap_or(&Value::Null), v); m.insert(k.clone(), n); } }
            Value::Object(m)
        }
        (_, p) => p.clone(),
    }
}
pub fn json_patch(o: &Value, _ops: &Value) -> Result<Value, String> { Ok(o.clone()) }
pub fn suggest(_a: &str, _k: &str, _p: &str) -> Option<String> { None }
