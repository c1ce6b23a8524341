//! "Did you mean" for an unknown field: the closest field name of the same struct.

use super::model::{Schema, Ty};

/// The known field closest to the last segment of `path` (`spec.replica` → `replicas`).
pub fn suggest(api_version: &str, kind: &str, path: &str) -> Option<String> {
    let schema = Schema::get();
    let mut cur = schema.root(api_version, kind)?;
    let segs: Vec<&str> = path.split('.').collect();
    let (last, parents) = segs.split_last()?;
    let last = last.split('[').next().unwrap_or(last);
    for seg in parents {
        let name = seg.split('[').next().unwrap_or(seg);
        let field = schema.structs[cur].field(name)?;
        let mut ty = &field.ty;
        while let Ty::List(inner) | Ty::Map(inner, _) = ty {
            ty = inner;
        }
        match ty {
            Ty::Struct(i) => cur = *i,
            _ => return None,
        }
    }
    schema.structs[cur]
        .fields
        .iter()
        .map(|f| (distance(&last.to_ascii_lowercase(), &f.name.to_ascii_lowercase()), f.name))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, n)| n.to_string())
}

/// Levenshtein distance between two words (for "did you mean").
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + usize::from(a[i - 1] != b[j - 1]));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_near_field() {
        assert_eq!(suggest("apps/v1", "StatefulSet", "spec.replica").as_deref(), Some("replicas"));
        assert_eq!(
            suggest("apps/v1", "StatefulSet", "spec.template.spec.containers[0].imagee").as_deref(),
            Some("image")
        );
        assert_eq!(suggest("apps/v1", "StatefulSet", "spec.zzzzzzzz"), None);
    }
}
