//! The schema tree: the tables in `tables.rs` parsed once into structs, fields and types.

use crate::support::collections::VecMap;
use std::sync::OnceLock;

use super::tables::{KINDS, ROOT_KEYS, TYPES};

/// The type of a field, as the API server's Go decoder sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    /// A string; `Some(name)` for a named Go string type (`RestartPolicy` → `v1.RestartPolicy`).
    Str(Option<&'static str>),
    Int32,
    Int64,
    Float,
    Bool,
    /// `resource.Quantity`: a string or a number in quantity syntax.
    Quantity,
    /// `intstr.IntOrString`.
    IntOrString,
    /// `metav1.Time` (RFC 3339 string).
    Time,
    /// `runtime.RawExtension`: any JSON.
    Raw,
    /// Any JSON (`interface{}`, `FieldsV1`).
    Any,
    /// `[]byte`: a base64 string.
    Bytes,
    List(Box<Ty>),
    /// A string-keyed map; `Some(name)` when the Go map type is named (`ResourceList`).
    Map(Box<Ty>, Option<&'static str>),
    /// An index into [`Schema::structs`].
    Struct(usize),
}

/// One field of a struct.
#[derive(Clone, Debug)]
pub(super) struct Field {
    /// The JSON name.
    pub name: &'static str,
    /// The Go struct this field is promoted from (`VolumeSource` for `Volume.hostPath`).
    pub embedded: Option<&'static str>,
    pub ty: Ty,
    /// patchStrategy contains `merge`.
    pub merge: bool,
    /// patchMergeKey.
    pub merge_key: Option<&'static str>,
    /// patchStrategy contains `retainKeys`.
    pub retain_keys: bool,
}

/// One Go struct.
#[derive(Clone, Debug)]
pub(super) struct StructDef {
    /// The Go type name without its package (`StatefulSetSpec`).
    pub go: &'static str,
    /// Fields are not checked: any key is accepted (status blocks, rarely used volume plugins).
    pub open: bool,
    pub fields: Vec<Field>,
}

impl StructDef {
    pub(super) fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// The parsed schema.
#[derive(Debug)]
pub(super) struct Schema {
    pub structs: Vec<StructDef>,
    /// (apiVersion, kind, root struct index).
    pub kinds: Vec<(&'static str, &'static str, usize)>,
}

impl Schema {
    /// The parsed tables, built on first use.
    pub(super) fn get() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| parse(TYPES, KINDS))
    }

    /// The root struct of a kind.
    pub(super) fn root(&self, api_version: &str, kind: &str) -> Option<usize> {
        self.kinds.iter().find(|(v, k, _)| *v == api_version && *k == kind).map(|(_, _, i)| *i)
    }

    /// The Go spelling of a type, as `reflect.Type.String()` prints it.
    pub(super) fn go_type(&self, ty: &Ty) -> String {
        match ty {
            Ty::Str(None) => "string".into(),
            Ty::Str(Some(n)) | Ty::Map(_, Some(n)) => qualify(n),
            Ty::Int32 => "int32".into(),
            Ty::Int64 => "int64".into(),
            Ty::Float => "float64".into(),
            Ty::Bool => "bool".into(),
            Ty::Quantity => "resource.Quantity".into(),
            Ty::IntOrString => "intstr.IntOrString".into(),
            Ty::Time => "v1.Time".into(),
            Ty::Raw => "runtime.RawExtension".into(),
            Ty::Any => "interface {}".into(),
            Ty::Bytes => "[]uint8".into(),
            Ty::List(t) => format!("[]{}", self.go_type(t)),
            Ty::Map(t, None) => format!("map[string]{}", self.go_type(t)),
            Ty::Struct(i) => qualify(self.structs[*i].go),
        }
    }
}

/// Every Go type in these tables lives in a package named `v1` unless it says otherwise.
fn qualify(name: &str) -> String {
    if name.contains('.') {
        name.to_string()
    } else {
        format!("v1.{name}")
    }
}

fn parse(types: &'static str, kinds: &[(&'static str, &'static str)]) -> Schema {
    let lines: Vec<&'static str> = types.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let mut index = VecMap::new();
    for (i, line) in lines.iter().enumerate() {
        let head = line.split(' ').next().unwrap_or("");
        let key = head.split('=').next().unwrap_or(head);
        index.insert(key, i);
    }
    let structs = lines
        .iter()
        .map(|line| {
            let mut words = line.split(' ').filter(|w| !w.is_empty());
            let head = words.next().unwrap_or("");
            let go = head.split('=').nth(1).unwrap_or(head);
            let mut open = false;
            let mut fields = Vec::new();
            for w in words {
                if w == "*" {
                    open = true;
                } else {
                    fields.push(parse_field(w, &index));
                }
            }
            StructDef { go, open, fields }
        })
        .collect();
    let root = |v: &str, k: &'static str| {
        ROOT_KEYS.iter().find(|(rv, rk, _)| *rv == v && *rk == k).map_or(k, |(_, _, key)| *key)
    };
    let kinds = kinds.iter().filter_map(|(v, k)| index.get(&root(v, k)).map(|i| (*v, *k, *i))).collect();
    Schema { structs, kinds }
}

fn parse_field(word: &'static str, index: &VecMap<&'static str, usize>) -> Field {
    let (name, rest) = word.split_once(':').unwrap_or((word, "a"));
    let (embedded, name) = match name.rsplit_once('.') {
        Some((e, n)) => (Some(e), n),
        None => (None, name),
    };
    let retain_keys = rest.contains('^');
    let rest = rest.trim_end_matches('^');
    let (ty, merge, merge_key) = match rest.split_once('~') {
        Some((t, k)) => (t, true, if k.is_empty() { None } else { Some(k) }),
        None => (rest, false, None),
    };
    Field { name, embedded, ty: parse_ty(ty, index), merge, merge_key, retain_keys }
}

fn parse_ty(s: &'static str, index: &VecMap<&'static str, usize>) -> Ty {
    if let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        return Ty::List(Box::new(parse_ty(inner, index)));
    }
    if let Some(r) = s.strip_prefix('{') {
        let close = r.rfind('}').unwrap_or(r.len());
        let name = r.get(close + 1..).and_then(|n| n.strip_prefix('\''));
        return Ty::Map(Box::new(parse_ty(&r[..close], index)), name);
    }
    if let Some(n) = s.strip_prefix("s'") {
        return Ty::Str(Some(n));
    }
    match s {
        "s" => Ty::Str(None),
        "i" => Ty::Int32,
        "l" => Ty::Int64,
        "f" => Ty::Float,
        "b" => Ty::Bool,
        "q" => Ty::Quantity,
        "n" => Ty::IntOrString,
        "t" => Ty::Time,
        "x" => Ty::Raw,
        "y" => Ty::Bytes,
        "a" => Ty::Any,
        _ => match index.get(s) {
            Some(i) => Ty::Struct(*i),
            None => {
                debug_assert!(false, "schema table names an unknown type {s}");
                Ty::Any
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_root() {
        let s = Schema::get();
        assert_eq!(s.kinds.len(), KINDS.len());
        for (v, k) in KINDS {
            let root = s.root(v, k).expect("root");
            // A kind's root is its Go struct, in its own package for a second version (`v2.`).
            assert_eq!(s.structs[root].go.rsplit('.').next(), Some(*k));
        }
    }

    #[test]
    fn fields_parse() {
        let s = Schema::get();
        let spec = &s.structs[s.kinds.iter().find(|k| k.1 == "Pod").unwrap().2];
        let spec = match &spec.field("spec").unwrap().ty {
            Ty::Struct(i) => &s.structs[*i],
            t => panic!("{t:?}"),
        };
        assert_eq!(spec.go, "PodSpec");
        let c = spec.field("containers").unwrap();
        assert!(c.merge);
        assert_eq!(c.merge_key, Some("name"));
        assert_eq!(s.go_type(&c.ty), "[]v1.Container");
        let v = spec.field("volumes").unwrap();
        assert!(v.retain_keys && v.merge);
        assert_eq!(s.go_type(&spec.field("restartPolicy").unwrap().ty), "v1.RestartPolicy");
        assert_eq!(s.go_type(&spec.field("overhead").unwrap().ty), "v1.ResourceList");
        assert_eq!(s.go_type(&spec.field("nodeSelector").unwrap().ty), "map[string]string");
    }

    #[test]
    fn embedded_prefixes() {
        let s = Schema::get();
        let vol = s.structs.iter().find(|d| d.go == "Volume").unwrap();
        assert_eq!(vol.field("hostPath").unwrap().embedded, Some("VolumeSource"));
        assert_eq!(vol.field("name").unwrap().embedded, None);
        let dep = s.structs.iter().find(|d| d.go == "DeploymentSpec").unwrap();
        assert!(dep.field("strategy").unwrap().retain_keys);
        // two Go structs are named EndpointPort (core and discovery)
        assert_eq!(s.structs.iter().filter(|d| d.go == "EndpointPort").count(), 2);
    }

    #[test]
    fn no_dangling_struct_names() {
        // parse_ty debug-asserts on unknown names; touching the schema parses everything
        let s = Schema::get();
        assert!(s.structs.len() > 100);
    }
}
