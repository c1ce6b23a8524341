//! Label selectors: the `-l` text form (equality and set-based) and the API's `LabelSelector`.

use super::obj::Ptr;
use crate::support::collections::VecMap;
use serde_json::Value;

/// One requirement of a selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A conjunction of requirements. The empty selector matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector(pub Vec<Requirement>);

impl Requirement {
    fn matches(&self, labels: &VecMap<String, String>) -> bool {
        match self {
            Requirement::Eq(k, v) => labels.get(k) == Some(v),
            Requirement::NotEq(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|l| vs.contains(l)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|l| !vs.contains(l)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::NotExists(k) => !labels.contains_key(k),
        }
    }
}

impl Selector {
    pub fn matches(&self, labels: &VecMap<String, String>) -> bool {
        self.0.iter().all(|r| r.matches(labels))
    }
    pub fn matches_obj(&self, obj: &Value) -> bool {
        self.matches_labels_of(obj)
    }

    /// Matches an object's labels in place (no copy of the label map).
    pub fn matches_labels_of(&self, obj: &Value) -> bool {
        let labels = obj.get("metadata").and_then(|m| m.get("labels")).and_then(Value::as_object);
        let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        self.0.iter().all(|r| match r {
            Requirement::Eq(k, v) => get(k) == Some(v.as_str()),
            Requirement::NotEq(k, v) => get(k) != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|l| vs.iter().any(|v| v == l)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|l| !vs.iter().any(|v| v == l)),
            Requirement::Exists(k) => labels.is_some_and(|l| l.contains_key(k)),
            Requirement::NotExists(k) => !labels.is_some_and(|l| l.contains_key(k)),
        })
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses kubectl's `-l` text: `app=nginx,tier!=web,env in (a,b),!legacy`.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut reqs = Vec::new();
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        let err = |m: &str| format!("unable to parse requirement: {m}");
        while i < chars.len() {
            while i < chars.len() && chars[i] == ' ' {
                i += 1;
            }
            if i >= chars.len() {
                break;
            }
            let neg = chars[i] == '!';
            if neg {
                i += 1;
            }
            let start = i;
            while i < chars.len() && !" ,=!()".contains(chars[i]) {
                i += 1;
            }
            let key: String = chars[start..i].iter().collect();
            if key.is_empty() || !valid_label_key(&key) {
                return Err(err(&format!(
                    "found '{}', expected: identifier",
                    chars.get(i).map(|c| c.to_string()).unwrap_or_default()
                )));
            }
            while i < chars.len() && chars[i] == ' ' {
                i += 1;
            }
            if neg {
                reqs.push(Requirement::NotExists(key));
            } else if i >= chars.len() || chars[i] == ',' {
                reqs.push(Requirement::Exists(key));
            } else if chars[i] == '=' || chars[i] == '!' {
                let op_neq = chars[i] == '!';
                i += 1;
                if i < chars.len() && chars[i] == '=' {
                    i += 1;
                } else if op_neq {
                    return Err(err("found '!', expected: '='"));
                }
                while i < chars.len() && chars[i] == ' ' {
                    i += 1;
                }
                let vstart = i;
                while i < chars.len() && !" ,()=!".contains(chars[i]) {
                    i += 1;
                }
                let val: String = chars[vstart..i].iter().collect();
                if !valid_label_value(&val) {
                    return Err(err(&format!("invalid label value: \"{val}\"")));
                }
                reqs.push(if op_neq { Requirement::NotEq(key, val) } else { Requirement::Eq(key, val) });
            } else {
                let wstart = i;
                while i < chars.len() && chars[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let word: String = chars[wstart..i].iter().collect();
                while i < chars.len() && chars[i] == ' ' {
                    i += 1;
                }
                if (word != "in" && word != "notin") || i >= chars.len() || chars[i] != '(' {
                    return Err(err(&format!("found '{word}', expected: in, notin, =, ==, !=, gt, lt")));
                }
                i += 1;
                let vstart = i;
                while i < chars.len() && chars[i] != ')' {
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(err("found '', expected: ')'"));
                }
                let vals: Vec<String> = chars[vstart..i]
                    .iter()
                    .collect::<String>()
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                i += 1;
                reqs.push(if word == "in" { Requirement::In(key, vals) } else { Requirement::NotIn(key, vals) });
            }
            while i < chars.len() && chars[i] == ' ' {
                i += 1;
            }
            if i < chars.len() {
                if chars[i] != ',' {
                    return Err(err(&format!("found '{}', expected: ',' or 'end of string'", chars[i])));
                }
                i += 1;
            }
        }
        Ok(Selector(reqs))
    }

    /// Builds a selector from an API `LabelSelector` (`matchLabels` and `matchExpressions`).
    pub fn from_label_selector(sel: &Value) -> Selector {
        let mut reqs = Vec::new();
        if let Some(m) = sel.get("matchLabels").and_then(Value::as_object) {
            for (k, v) in m {
                reqs.push(Requirement::Eq(k.clone(), v.as_str().unwrap_or_default().to_string()));
            }
        }
        if let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) {
            for e in exprs {
                let key = e.get("key").and_then(Value::as_str).unwrap_or_default().to_string();
                let vals: Vec<String> = e
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
                    .unwrap_or_default();
                match e.get("operator").and_then(Value::as_str).unwrap_or_default() {
                    "In" => reqs.push(Requirement::In(key, vals)),
                    "NotIn" => reqs.push(Requirement::NotIn(key, vals)),
                    "Exists" => reqs.push(Requirement::Exists(key)),
                    "DoesNotExist" => reqs.push(Requirement::NotExists(key)),
                    _ => reqs.push(Requirement::In(key, Vec::new())), // matches nothing, as an invalid operator would
                }
            }
        }
        Selector(reqs)
    }

    /// The `key=value,...` text kubectl prints in a SELECTOR column.
    pub fn to_text(&self) -> String {
        self.0
            .iter()
            .map(|r| match r {
                Requirement::Eq(k, v) => format!("{k}={v}"),
                Requirement::NotEq(k, v) => format!("{k}!={v}"),
                Requirement::In(k, v) => format!("{k} in ({})", v.join(",")),
                Requirement::NotIn(k, v) => format!("{k} notin ({})", v.join(",")),
                Requirement::Exists(k) => k.clone(),
                Requirement::NotExists(k) => format!("!{k}"),
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn valid_label_key(k: &str) -> bool {
    !k.is_empty() && k.len() <= 317 && k.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

fn valid_label_value(v: &str) -> bool {
    v.len() <= 63 && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// The labels of an object as a sorted map.
pub fn labels_of(obj: &Value) -> VecMap<String, String> {
    obj.ptr("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default()
}

/// `app=nginx,tier=web` for a map of labels (the SELECTOR and LABELS columns).
pub fn map_text(m: &VecMap<String, String>) -> String {
    m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(pairs: &[(&str, &str)]) -> VecMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn equality_and_set_selectors_match() {
        let s = Selector::parse("app=nginx").unwrap();
        assert!(s.matches(&l(&[("app", "nginx")])));
        assert!(!s.matches(&l(&[("app", "web")])));
        let s = Selector::parse("app in (a, b),!legacy,tier!=db").unwrap();
        assert!(s.matches(&l(&[("app", "a"), ("tier", "web")])));
        assert!(!s.matches(&l(&[("app", "a"), ("legacy", "")])));
        assert!(!s.matches(&l(&[("app", "c")])));
        assert!(Selector::parse("app==nginx").unwrap().matches(&l(&[("app", "nginx")])));
        assert!(Selector::parse("env notin (prod)").unwrap().matches(&l(&[])));
        assert!(Selector::parse("app").unwrap().matches(&l(&[("app", "x")])));
    }

    #[test]
    fn bad_selectors_are_errors_not_panics() {
        for bad in ["app=(", "=x", "app in a", "a!b", "app in (a"] {
            assert!(Selector::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn label_selector_objects() {
        let v = serde_json::json!({"matchLabels":{"app":"nginx"},"matchExpressions":[{"key":"tier","operator":"In","values":["web"]}]});
        let s = Selector::from_label_selector(&v);
        assert!(s.matches(&l(&[("app", "nginx"), ("tier", "web")])));
        assert!(!s.matches(&l(&[("app", "nginx")])));
        assert_eq!(s.to_text(), "app=nginx,tier in (web)");
    }
}
