//! Go's ways of writing values into text: `%v` of decoded JSON, as the API server puts it into
//! messages (`map[spec:map[replicas:3]]`), Go's float digits, `%q` quoting and `encoding/json`'s
//! HTML-safe escaping.

use serde_json::Value;

/// Go's `fmt.Sprintf("%v", x)` of `x` decoded from JSON into `interface{}` with integers kept as
/// `int64` (what the API server does with a patch): maps print as `map[k:v ...]` with sorted keys,
/// lists as `[a b]`, strings bare, null as `<nil>`, floats like Go's `%v` (`1e+06`).
pub fn go_format(v: &Value) -> String {
    let mut out = String::new();
    write(v, &mut out);
    out
}

fn write(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::String(s) => out.push_str(s),
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() {
                out.push_str(&n.to_string());
            } else {
                out.push_str(&go_float(n.as_f64().unwrap_or(0.0)));
            }
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<(String, usize)> = map.keys().map(|k| (k.clone(), 0)).collect();
            sort_texts(&mut keys);
            out.push_str("map[");
            for (i, (k, _)) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write(&map[k.as_str()], out);
            }
            out.push(']');
        }
    }
}

/// Sort by text, stably (one instantiation of the sort for the whole module: binary size).
pub fn sort_texts(items: &mut [(String, usize)]) {
    crate::support::sort::sort(items);
}

/// `strconv.FormatFloat(f, 'g', -1, 64)` (what `%v` uses): the shortest digits, in exponent
/// form when the decimal exponent is below -4 or at least 6.
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    // serde_json prints the shortest round-trip digits ("1000000.0", "1e16", "1.5e-7");
    // take its digits and decimal exponent, and lay them out as Go does.
    let text = Value::from(f).to_string();
    let (neg, text) = match text.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, text.as_str()),
    };
    let (mant, exp10) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
    let all = format!("{int_part}{frac_part}");
    let lead = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_matches('0');
    if digits.is_empty() {
        return if neg { "-0".into() } else { "0".into() };
    }
    // value = 0.DIGITS × 10^point
    let point = int_part.len() as i32 - lead as i32 + exp10;
    let exp = point - 1;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        out.push_str(&e.to_string());
    } else if point <= 0 {
        out.push_str("0.");
        for _ in 0..(-point) {
            out.push('0');
        }
        out.push_str(digits);
    } else if point as usize >= digits.len() {
        out.push_str(digits);
        for _ in 0..(point as usize - digits.len()) {
            out.push('0');
        }
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
    out
}

/// JSON text as Go's `encoding/json` writes it by default (`json.Marshal`, `json.Encoder`): the
/// same as serde_json's, but HTML-safe, with `<`, `>`, `&`, U+2028 and U+2029 written as
/// `\u003c`, `\u003e`, `\u0026`, `\u2028` and `\u2029`. These characters only ever occur
/// inside strings in JSON text, so replacing them anywhere is safe.
pub fn go_json_escape(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The length of `v` as Go's `json.Marshal` writes it (compact, HTML-safe): the size of a
/// request body kubectl sends.
pub fn go_json_len(v: &serde_json::Value) -> usize {
    let json = v.to_string();
    json.len()
        + json
            .chars()
            .map(|c| match c {
                '<' | '>' | '&' => 5,
                '\u{2028}' | '\u{2029}' => 3,
                _ => 0,
            })
            .sum::<usize>()
}

/// Go's `%q` (`strconv.Quote`) for the plain strings Kubernetes quotes in its messages.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_and_lists() {
        let v = json!({"spec": {"replica": 3, "b": [1, "x", null, true]}});
        assert_eq!(go_format(&v), "map[spec:map[b:[1 x <nil> true] replica:3]]");
    }

    #[test]
    fn floats() {
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(100000.0), "100000");
        assert_eq!(go_float(1_000_000.0), "1e+06");
        assert_eq!(go_float(123_456_789.0), "1.23456789e+08");
        assert_eq!(go_float(0.0001), "0.0001");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(-2.5), "-2.5");
        assert_eq!(go_float(1e16), "1e+16");
        assert_eq!(go_float(1.5e-7), "1.5e-07");
        assert_eq!(go_float(120.0), "120");
        assert_eq!(go_float(0.0), "0");
        assert_eq!(go_float(123456.5), "123456.5");
    }
}
