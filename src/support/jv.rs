//! `jv!`: `serde_json::json!` written as data.
//!
//! `json!` expands every key and leaf into code (a `String` for the key, `to_value(..).unwrap()`
//! for the leaf, a map insert), about a hundred bytes of WebAssembly each; the crate builds a few
//! thousand of them. `jv!` takes the same syntax, turns the literal part into one static JSON text
//! at compile time (`{"kind":"Pod","metadata":{"name":?}}`) and fills the `?` holes, in order,
//! with the expressions: one call per object, the literals as bytes of data.
//!
//! Differences from `json!`: a key that is not a literal must be an identifier or an expression in
//! parentheses whose value is a string, and a value that is not a literal, `null`,
//! an object or an array is an expression converted with [`ToJv`] (taken by reference, as `json!`
//! does).
//!
//! Invariant: the text is written by the macro, never by a user, so [`build`] may treat a
//! malformed text as a bug (it panics, and the unit tests below run every shape the macro writes).

use serde_json::{Map, Number, Value};

/// A value an expression in `jv!` stands for.
pub trait ToJv {
    fn to_jv(&self) -> Value;
}

impl<T: ToJv + ?Sized> ToJv for &T {
    fn to_jv(&self) -> Value {
        (**self).to_jv()
    }
}

impl ToJv for Value {
    fn to_jv(&self) -> Value {
        self.clone()
    }
}

impl ToJv for str {
    fn to_jv(&self) -> Value {
        Value::String(self.to_string())
    }
}

impl ToJv for String {
    fn to_jv(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJv for bool {
    fn to_jv(&self) -> Value {
        Value::Bool(*self)
    }
}

macro_rules! to_jv_int {
    ($($t:ty),*) => {$(
        impl ToJv for $t {
            fn to_jv(&self) -> Value {
                Value::Number(Number::from(*self))
            }
        }
    )*};
}
to_jv_int!(i64, i32, u64, u32, u16, u8, usize);

impl ToJv for f64 {
    fn to_jv(&self) -> Value {
        Number::from_f64(*self).map(Value::Number).unwrap_or(Value::Null)
    }
}

impl<T: ToJv> ToJv for Option<T> {
    fn to_jv(&self) -> Value {
        self.as_ref().map(ToJv::to_jv).unwrap_or(Value::Null)
    }
}

impl<T: ToJv> ToJv for [T] {
    fn to_jv(&self) -> Value {
        Value::Array(self.iter().map(ToJv::to_jv).collect())
    }
}

impl<T: ToJv> ToJv for Vec<T> {
    fn to_jv(&self) -> Value {
        self.as_slice().to_jv()
    }
}

impl ToJv for Map<String, Value> {
    fn to_jv(&self) -> Value {
        Value::Object(self.clone())
    }
}

/// `json!` as data: see the module documentation.
#[macro_export]
macro_rules! jv {
    // A value.
    (@v [$($s:tt)*] [$($e:tt)*] null $($r:tt)*) => { $crate::jv!(@n [$($s)* "null",] [$($e)*] $($r)*) };
    (@v [$($s:tt)*] [$($e:tt)*] {} $($r:tt)*) => { $crate::jv!(@n [$($s)* "{}",] [$($e)*] $($r)*) };
    (@v [$($s:tt)*] [$($e:tt)*] [] $($r:tt)*) => { $crate::jv!(@n [$($s)* "[]",] [$($e)*] $($r)*) };
    (@v [$($s:tt)*] [$($e:tt)*] {$($i:tt)+} $($r:tt)*) => { $crate::jv!(@k [$($s)* "{",] [$($e)*] $($i)+ @obj $($r)*) };
    (@v [$($s:tt)*] [$($e:tt)*] [$($i:tt)+] $($r:tt)*) => { $crate::jv!(@v [$($s)* "[",] [$($e)*] $($i)+ @arr $($r)*) };
    // A minus sign: a negative number, or an expression (`-n`), which a `literal` fragment
    // would refuse with an error rather than let the next rule try.
    (@v [$($s:tt)*] [$($e:tt)*] - $l:literal , $($r:tt)*) => { $crate::jv!(@n [$($s)* "-", stringify!($l),] [$($e)*] , $($r)*) };
    (@v [$($s:tt)*] [$($e:tt)*] - $l:literal @ $m:ident $($r:tt)*) => { $crate::jv!(@n [$($s)* "-", stringify!($l),] [$($e)*] @ $m $($r)*) };
    (@v [$($s:tt)*] [$($e:tt)*] - $($r:tt)*) => { $crate::jv!(@x [$($s)*] [$($e)*] [] - $($r)*) };
    (@v [$($s:tt)*] [$($e:tt)*] $l:literal , $($r:tt)*) => { $crate::jv!(@n [$($s)* stringify!($l),] [$($e)*] , $($r)*) };
    (@v [$($s:tt)*] [$($e:tt)*] $l:literal @ $m:ident $($r:tt)*) => { $crate::jv!(@n [$($s)* stringify!($l),] [$($e)*] @ $m $($r)*) };
    (@v [$($s:tt)*] [$($e:tt)*] $($r:tt)*) => { $crate::jv!(@x [$($s)*] [$($e)*] [] $($r)*) };

    // An expression: its tokens up to a comma or the end of its object or array.
    (@x [$($s:tt)*] [$($e:tt)*] [$($x:tt)+] , $($r:tt)*) => { $crate::jv!(@n [$($s)* "?",] [$($e)* ($($x)+)] , $($r)*) };
    (@x [$($s:tt)*] [$($e:tt)*] [$($x:tt)+] @ $m:ident $($r:tt)*) => { $crate::jv!(@n [$($s)* "?",] [$($e)* ($($x)+)] @ $m $($r)*) };
    (@x [$($s:tt)*] [$($e:tt)*] [$($x:tt)*] $t:tt $($r:tt)*) => { $crate::jv!(@x [$($s)*] [$($e)*] [$($x)* $t] $($r)*) };

    // After a value: a comma, or the end of an object, an array or the whole.
    (@n [$($s:tt)*] [$($e:tt)*] , @obj $($r:tt)*) => { $crate::jv!(@n [$($s)* "}",] [$($e)*] $($r)*) };
    (@n [$($s:tt)*] [$($e:tt)*] , @arr $($r:tt)*) => { $crate::jv!(@n [$($s)* "]",] [$($e)*] $($r)*) };
    (@n [$($s:tt)*] [$($e:tt)*] @obj $($r:tt)*) => { $crate::jv!(@n [$($s)* "}",] [$($e)*] $($r)*) };
    (@n [$($s:tt)*] [$($e:tt)*] @arr $($r:tt)*) => { $crate::jv!(@n [$($s)* "]",] [$($e)*] $($r)*) };
    (@n [$($s:tt)*] [$($e:tt)*] @end) => {
        $crate::support::jv::build(concat!($($s)*), &mut [$($crate::support::jv::ToJv::to_jv(&$e)),*])
    };
    // A comma inside an object goes on with a key; the macro cannot tell objects from arrays
    // here, so the key rule below also accepts a value (the text says which it was).
    (@n [$($s:tt)*] [$($e:tt)*] , $($r:tt)*) => { $crate::jv!(@k [$($s)* ",",] [$($e)*] $($r)*) };

    // A key (literal) and its colon, or, after a comma in an array, a value.
    // A key that is a constant or an expression in parentheses: a hole, filled with a string.
    (@k [$($s:tt)*] [$($e:tt)*] $key:ident : $($r:tt)*) => { $crate::jv!(@v [$($s)* "?", ":",] [$($e)* ($key)] $($r)*) };
    (@k [$($s:tt)*] [$($e:tt)*] ($($key:tt)+) : $($r:tt)*) => { $crate::jv!(@v [$($s)* "?", ":",] [$($e)* ($($key)+)] $($r)*) };
    (@k [$($s:tt)*] [$($e:tt)*] - $($r:tt)*) => { $crate::jv!(@v [$($s)*] [$($e)*] - $($r)*) };
    (@k [$($s:tt)*] [$($e:tt)*] $key:literal : $($r:tt)*) => { $crate::jv!(@v [$($s)* stringify!($key), ":",] [$($e)*] $($r)*) };
    (@k [$($s:tt)*] [$($e:tt)*] $($r:tt)*) => { $crate::jv!(@v [$($s)*] [$($e)*] $($r)*) };

    // Entry: a value (last, so that it never takes the rules' own steps).
    ($($t:tt)+) => { $crate::jv!(@v [] [] $($t)+ @end) };
}

/// Reads the text `jv!` wrote, taking the `?` holes' values from `args` in order.
pub fn build(text: &str, args: &mut [Value]) -> Value {
    let mut r = Reader { b: text.as_bytes(), at: 0, args, next: 0 };
    let v = r.value();
    r.ws();
    assert!(r.at == r.b.len() && r.next == r.args.len(), "jv!: malformed template {text}");
    v
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    args: &'a mut [Value],
    next: usize,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while self.at < self.b.len() && self.b[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> u8 {
        self.ws();
        self.b.get(self.at).copied().unwrap_or(0)
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == c {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn bad(&self) -> ! {
        panic!("jv!: malformed template at byte {}: {}", self.at, String::from_utf8_lossy(self.b))
    }

    fn value(&mut self) -> Value {
        match self.peek() {
            b'{' => {
                self.at += 1;
                let mut map = Map::new();
                while !self.eat(b'}') {
                    let k = if self.peek() == b'?' { self.value() } else { self.string() };
                    let Value::String(k) = k else { self.bad() };
                    if !self.eat(b':') {
                        self.bad()
                    }
                    let v = self.value();
                    map.insert(k, v);
                    self.eat(b',');
                }
                Value::Object(map)
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                while !self.eat(b']') {
                    items.push(self.value());
                    self.eat(b',');
                }
                Value::Array(items)
            }
            b'?' => {
                self.at += 1;
                let Some(v) = self.args.get_mut(self.next) else { self.bad() };
                self.next += 1;
                std::mem::take(v)
            }
            b'"' => self.string(),
            _ => self.word(),
        }
    }

    /// A string literal as Rust writes it (`stringify!`): `\n`, `\t`, `\\`, `\"`, `\'`, `\0`,
    /// `\u{..}`.
    fn string(&mut self) -> Value {
        if !self.eat(b'"') {
            self.bad()
        }
        let mut out = String::new();
        loop {
            let Some(&c) = self.b.get(self.at) else { self.bad() };
            self.at += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.b.get(self.at) else { self.bad() };
                    self.at += 1;
                    match e {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'0' => out.push('\0'),
                        b'\\' | b'"' | b'\'' => out.push(e as char),
                        b'u' => {
                            let close = self.b[self.at..].iter().position(|&c| c == b'}').unwrap_or_else(|| self.bad());
                            let hex = std::str::from_utf8(&self.b[self.at + 1..self.at + close]).unwrap_or_default();
                            let ch = u32::from_str_radix(hex, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .unwrap_or_else(|| self.bad());
                            out.push(ch);
                            self.at += close + 1;
                        }
                        _ => self.bad(),
                    }
                }
                _ => {
                    // Copy a run of plain bytes (UTF-8 stays whole: no byte of a multi-byte
                    // character is `"` or `\`).
                    let run = self.b[self.at - 1..]
                        .iter()
                        .position(|&c| c == b'"' || c == b'\\')
                        .unwrap_or_else(|| self.bad());
                    out.push_str(
                        std::str::from_utf8(&self.b[self.at - 1..self.at - 1 + run]).unwrap_or_else(|_| self.bad()),
                    );
                    self.at += run - 1;
                }
            }
        }
        Value::String(out)
    }

    /// `null`, `true`, `false` or a number (`stringify!` may put a space after a minus sign).
    fn word(&mut self) -> Value {
        let start = self.at;
        while self.at < self.b.len() && !matches!(self.b[self.at], b',' | b'}' | b']') {
            self.at += 1;
        }
        let word: String = std::str::from_utf8(&self.b[start..self.at])
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_')
            .collect();
        match word.as_str() {
            "null" => Value::Null,
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            w => {
                if let Ok(i) = w.parse::<i64>() {
                    Value::Number(i.into())
                } else if let Ok(u) = w.parse::<u64>() {
                    Value::Number(u.into())
                } else {
                    match w.parse::<f64>().ok().and_then(Number::from_f64) {
                        Some(n) => Value::Number(n),
                        None => self.bad(),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// Every shape the macro writes reads back as `json!` builds it.
    #[test]
    fn jv_builds_what_json_builds() {
        let name = String::from("web-0");
        let n = 3_i64;
        let items = vec![json!("a"), json!(1)];
        let opt: Option<&str> = None;
        const KEY: &str = "revision";
        assert_eq!(jv!({KEY: 1, (format!("{KEY}s")): [n]}), json!({KEY: 1, (format!("{KEY}s")): [n]}));
        assert_eq!(jv!(null), json!(null));
        assert_eq!(jv!({}), json!({}));
        assert_eq!(jv!([]), json!([]));
        assert_eq!(jv!("x"), json!("x"));
        assert_eq!(jv!(-1), json!(-1));
        assert_eq!(jv!(name), json!(name));
        assert_eq!(
            jv!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {}}, "n": n, "neg": -5, "f": 0.5, "t": true, "no": false, "z": null,}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {}}, "n": n, "neg": -5, "f": 0.5, "t": true, "no": false, "z": null,})
        );
        assert_eq!(
            jv!([1, "two", [3, {"four": 4}], name.clone(), format!("{n}-x"), items, {"a": [], "b": opt}, n + 1, -n]),
            json!([1, "two", [3, {"four": 4}], name.clone(), format!("{n}-x"), items, {"a": [], "b": opt}, n + 1, -n])
        );
        assert_eq!(
            jv!({"esc": "a\"b\\c\nd\te\u{2028}é한", "k\"ey": "v", "e": if n > 2 { "big" } else { "small" }}),
            json!({"esc": "a\"b\\c\nd\te\u{2028}é한", "k\"ey": "v", "e": if n > 2 { "big" } else { "small" }})
        );
    }
}
