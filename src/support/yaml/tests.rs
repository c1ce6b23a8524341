//! The YAML reader against go-yaml v2's results and messages.

use super::*;
use serde_json::json;

fn ok(text: &str) -> Value {
    parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn err(text: &str) -> String {
    match parse(text) {
        Ok(v) => panic!("{text:?} parsed as {v}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn block_and_flow_collections() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: a\n        ports:\n        - containerPort: 80\n      - {name: b, args: [x, \"y z\"]}\n  list:\n  - 1\n  -\n  - - nested\n";
    assert_eq!(
        ok(text),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "a", "ports": [{"containerPort": 80}]}, {"name": "b", "args": ["x", "y z"]}]}}, "list": [1, null, ["nested"]]}})
    );
    assert_eq!(ok("[a, {b: c}, [d]]"), json!(["a", {"b": "c"}, ["d"]]));
    assert_eq!(ok("{a: 1, b, c: }"), json!({"a": 1, "b": null, "c": null}));
    assert_eq!(ok("? a\n: b\n"), json!({"a": "b"}));
    assert_eq!(ok("{image: nginx:1.14, url: http://x/y}"), json!({"image": "nginx:1.14", "url": "http://x/y"}));
}

#[test]
fn scalars_resolve_as_go_yaml_v2_does() {
    let v = ok("a: 0644\nb: 0x1F\nc: 0o17\nd: 1_000\ne: 1e3\nf: 1.5\ng: .5\nh: -12\ni: +7\nj: 08\nk: 12345678901234567890\nl: 1.0\nm: 1e400\nn: 2022-05-28T09:00:00Z\no: 1.26.5\np: 0b101\n");
    assert_eq!(
        v,
        json!({"a": 420, "b": 31, "c": 15, "d": 1000, "e": 1000, "f": 1.5, "g": 0.5, "h": -12, "i": 7, "j": 8, "k": 12345678901234567890u64, "l": 1, "m": "1e400", "n": "2022-05-28T09:00:00Z", "o": "1.26.5", "p": 5})
    );
    let v = ok("a: true\nb: False\nc: yes\nd: NO\ne: on\nf: Off\ng: y\nh: n\ni: ~\nj: null\nk:\nl: 'yes'\nm: \"null\"\nn: TRUE\no: tRUE\n");
    assert_eq!(
        v,
        json!({"a": true, "b": false, "c": true, "d": false, "e": true, "f": false, "g": "y", "h": "n", "i": null, "j": null, "k": null, "l": "yes", "m": "null", "n": true, "o": "tRUE"})
    );
    assert_eq!(err("a: .nan\n"), "json: unsupported value: NaN");
    assert_eq!(err("a: -.inf\n"), "json: unsupported value: -Inf");
    assert_eq!(ok(".inf: x\n"), json!({"+Inf": "x"}), "keys are text, so any float will do");
}

#[test]
fn keys_become_strings() {
    assert_eq!(
        ok("1: a\n2.5: b\ntrue: c\n1e6: d\n~: e\n0x10: f\non: g\n"),
        json!({"1": "a", "2.5": "b", "true": "g", "1e+06": "d", "null": "e", "16": "f"})
    );
    assert_eq!(err("[a]: b\n"), "yaml: invalid map key: []interface {}{\"a\"}");
    assert_eq!(err("{a: 1}: b\n"), "yaml: invalid map key: map[interface {}]interface {}{\"a\":1}");
    assert_eq!(ok("a: 1\na: 2\n"), json!({"a": 2}), "the last of duplicate keys wins, as in go-yaml v2");
}

#[test]
fn quoted_and_multi_line_scalars() {
    assert_eq!(
        ok("a: 'it''s'\nb: \"tab\\there \\u00e9\\x41\\U0001F600 \\\"q\\\"\"\nc: \"\\N\\_\\L\\P\"\n"),
        json!({"a": "it's", "b": "tab\there éA😀 \"q\"", "c": "\u{85}\u{a0}\u{2028}\u{2029}"})
    );
    assert_eq!(
        ok("a: plain\n  continued\n\n  para\nb: 'single\n  line'\nc: \"x\\\n  y\"\n"),
        json!({"a": "plain continued\npara", "b": "single line", "c": "xy"})
    );
    assert_eq!(ok("a: x:y\nb: a#b # comment\n# c\n"), json!({"a": "x:y", "b": "a#b"}));
}

#[test]
fn block_scalars_chomp_and_fold() {
    let v = ok("a: |\n  l1\n   l2\n\n\nb: |-\n  x\n\nc: |+\n  x\n\nd: >\n  f1\n  f2\n\n  f3\n   more\ne: >-\n  x\n  y\nf: |2\n    two\n   one\ng: |\nh: end\n");
    assert_eq!(
        v,
        json!({"a": "l1\n l2\n", "b": "x", "c": "x\n\n", "d": "f1 f2\nf3\n more\n", "e": "x y", "f": "  two\n one\n", "g": "", "h": "end"})
    );
    assert_eq!(ok("- |\n  a\n- >\n  b\n  c\n"), json!(["a\n", "b c\n"]));
}

#[test]
fn anchors_aliases_merges_and_tags() {
    assert_eq!(
        ok("a: &x {b: 1}\nc: *x\nd: &s str\ne: *s\n"),
        json!({"a": {"b": 1}, "c": {"b": 1}, "d": "str", "e": "str"})
    );
    // go-yaml v2 merges in order: keys before `<<` are overwritten by it, keys after it win.
    assert_eq!(
        ok("base: &b {x: 1, y: 2}\nd:\n  y: 0\n  <<: *b\n  x: 3\n"),
        json!({"base": {"x": 1, "y": 2}, "d": {"x": 3, "y": 2}})
    );
    assert_eq!(ok("<<: [{a: 1}, {a: 2, b: 2}]\n"), json!({"a": 1, "b": 2}));
    assert_eq!(ok("'<<': 1\n"), json!({"<<": 1}));
    assert_eq!(err("<<: 5\n"), "yaml: map merge requires map or sequence of maps as the value");
    assert_eq!(err("a: *nope\n"), "yaml: unknown anchor 'nope' referenced");
    assert_eq!(err("&a [*a]\n"), "yaml: anchor 'a' value contains itself");
    assert_eq!(
        ok("a: !!str 123\nb: !!int \"7\"\nc: !!float 1\nd: !custom 12\ne: !!bool yes\nf: ! 3\n"),
        json!({"a": "123", "b": 7, "c": 1, "d": "12", "e": true, "f": "3"})
    );
    assert_eq!(err("a: !!int abc\n"), "yaml: cannot decode !!str `abc` as a !!int");
    assert_eq!(ok("%TAG !e! tag:yaml.org,2002:\n---\na: !e!str 5\n"), json!({"a": "5"}));
}

#[test]
fn documents() {
    assert_eq!(ok(""), Value::Null);
    assert_eq!(ok("# nothing\n"), Value::Null);
    assert_eq!(ok("---\n"), Value::Null);
    assert_eq!(ok("--- text\n"), json!("text"));
    assert_eq!(err("--- a: 1\n"), "yaml: mapping values are not allowed in this context");
    assert_eq!(ok("a: 1\n---\nb: @\n"), json!({"a": 1}), "only the first document is read");
    assert_eq!(ok("\u{feff}a: 1\n"), json!({"a": 1}));
    assert_eq!(ok("a: 1\r\nb:\r\n  - 2\r\n"), json!({"a": 1, "b": [2]}));
    assert_eq!(err("%YAML 1.2\n---\na: 1\n"), "yaml: found incompatible YAML document");
}

#[test]
fn mistakes_get_go_yaml_words_and_lines() {
    // Scanner errors name the problem's line; parser errors name libyaml's 0-based line, so
    // usually the line before; neither names line "0".
    for (text, want) in [
        ("a:\n  b: 1\n c: 2\n", "yaml: line 2: did not find expected key"),
        ("a:\n  b: 1\n   c: 2\n", "yaml: line 3: mapping values are not allowed in this context"),
        ("a: b: c\n", "yaml: mapping values are not allowed in this context"),
        (
            "metadata:\n  name:x\n  labels:\n    app: x\n",
            "yaml: line 3: mapping values are not allowed in this context",
        ),
        ("a:\n\tb: 1\n", "yaml: line 2: found character that cannot start any token"),
        ("a: x\n\tb: y\n", "yaml: line 2: found a tab character that violates indentation"),
        ("a: |\n\tx\n", "yaml: line 2: found a tab character where an indentation space is expected"),
        ("a: \"abc\n", "yaml: line 2: found unexpected end of stream"),
        ("a: 'abc\nb: c\n", "yaml: line 3: found unexpected end of stream"),
        ("a: [1, 2\n", "yaml: line 1: did not find expected ',' or ']'"),
        ("a: {b: 1\nc: 2\n", "yaml: line 1: did not find expected ',' or '}'"),
        ("kind: [", "yaml: line 1: did not find expected node content"),
        ("a: ]\n", "yaml: did not find expected node content"),
        ("- a\nb: c\n", "yaml: line 1: did not find expected '-' indicator"),
        ("a: 1\n- b\n", "yaml: line 1: did not find expected key"),
        ("a:\n  b: 1\n  c\n  d: 2\n", "yaml: line 4: could not find expected ':'"),
        ("kind: Pod\nmetadata\n  name: p\n", "yaml: line 3: could not find expected ':'"),
        ("a: - b\n", "yaml: block sequence entries are not allowed in this context"),
        ("a: @x\n", "yaml: found character that cannot start any token"),
        ("a: \"\\q\"\n", "yaml: found unknown escape character"),
        ("a: \"\\u12\"\n", "yaml: did not find expected hexdecimal number"),
        ("a: |0\n", "yaml: found an indentation indicator equal to 0"),
        ("a: &\n", "yaml: did not find expected alphabetic or numeric character"),
        ("a: b\n\u{7}\n", "yaml: control characters are not allowed"),
        ("spec:\n  containers:\n  - name: c\n   image: nginx\n", "yaml: line 3: did not find expected key"),
    ] {
        assert_eq!(err(text), want, "{text:?}");
    }
}

#[test]
fn errors_know_where_the_problem_is() {
    let e = parse("a:\n  b: 1\n c: 2\n").unwrap_err();
    assert_eq!((e.line, e.mark.line, e.mark.column), (Some(2), 2, 1));
    assert_eq!(e.message(5), "yaml: line 7: did not find expected key");
    let e = parse("a: b: c\n").unwrap_err();
    assert_eq!((e.line, e.mark.line, e.mark.column), (None, 0, 4));
}

#[test]
fn nesting_and_aliases_are_bounded() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(parse(&deep(MAX_DEPTH)).is_ok());
    assert_eq!(err(&deep(MAX_DEPTH + 1)), format!("yaml: exceeded max depth of {MAX_DEPTH}"));
    assert!(parse(&"[".repeat(200_000)).is_err());
    assert!(parse(&"{a: ".repeat(100_000)).is_err());
    let block: String = (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    assert!(err(&block).ends_with(&format!("exceeded max depth of {MAX_DEPTH}")));
    assert!(parse(&"- ".repeat(10_000)).is_err());
    // An anchor nested in an alias nested in ... grows past the limit too.
    let mut chain = format!("a0: &a0 {}\n", deep(100));
    for i in 1..10 {
        chain += &format!("a{i}: &a{i} [[[[*a{}]]]]\n", i - 1);
    }
    assert!(err(&chain).contains("exceeded max depth"));
    // A billion laughs.
    let mut laughs = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n".to_string();
    for (i, c) in "bcdefghi".chars().enumerate() {
        let prev = (b'a' + i as u8) as char;
        laughs += &format!("{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n");
    }
    assert_eq!(err(&laughs), "yaml: document contains excessive aliasing");
}

#[test]
fn nasty_inputs_do_not_panic() {
    for text in [
        "\"\\",
        "'",
        "- - -",
        "? ? ?",
        ": : :",
        "&a *a",
        "!<",
        "!<>",
        "!!",
        "%",
        "%TAG",
        "%YAML 1",
        "%YAML 1.1.1",
        "{]",
        "[}",
        ",",
        "a:\n- b\n -c",
        "|",
        ">-9",
        "\"\\U0011FFFF\"",
        "\"\\uD800\"",
        "*",
        "&",
        "!a!b c",
        "? - a\n: - b",
        "- ? a\n  : b",
        "\u{2028}a\u{85}b:\u{2029}c",
        "a: \"x\u{2028}y\"",
        "--- |\n  a\n...\n",
        "[a: b: c]",
    ] {
        let _ = parse(text);
        let _ = parse(&format!("k:\n  {text}\n"));
        let _ = parse(&format!("[{text}]"));
    }
}

// The time each probe may take is asserted where kubectl reads it (tests/input_limits.rs): the
// text layers read no clock.

#[test]
fn nested_anchors_are_shared_not_copied() {
    // 120 anchored lists around 1,000,000 items: each anchor names its list as it closes. go-yaml
    // keeps the node tree and copies nothing until an alias is decoded; copying each list as
    // its anchor closed made 120,000,000 values (over 4 GB).
    let items = vec!["1"; 1_000_000].join(",");
    let text = format!("x: {}{items}{}\n", (0..120).map(|i| format!("&d{i} [")).collect::<String>(), "]".repeat(120));
    let v = ok(&text);
    let mut inner = &v["x"];
    for _ in 0..119 {
        inner = &inner[0];
    }
    assert_eq!(inner.as_array().map(Vec::len), Some(1_000_000));
    // An alias is one more reference until the value is copied out.
    let v = ok("x: &d0 [&d1 [&d2 [1, 2], 3], 4]\ny: *d0\nz: *d1\n");
    assert_eq!(v, json!({"x": [[[1, 2], 3], 4], "y": [[[1, 2], 3], 4], "z": [[1, 2], 3]}));
}

#[test]
fn anchors_are_found_in_logarithmic_time() {
    // 60,000 anchors named in descending order: a sorted vector took a shift of every name
    // before for each (quadratic); then an alias of each.
    let n = 60_000;
    let mut text: String = (0..n).rev().map(|i| format!("k{i}: &a{i:06} v{i}\n")).collect();
    text += &(0..n).map(|i| format!("r{i}: *a{i:06}\n")).collect::<String>();
    let v = ok(&text);
    assert_eq!(v.as_object().map(|m| m.len()), Some(2 * n));
    assert_eq!(v["r12345"], "v12345");
    // A name given again names the later node from there on, as in go-yaml's parser.
    assert_eq!(ok("a: &x 1\nb: *x\nc: &x 2\nd: *x\n"), json!({"a": 1, "b": 1, "c": 2, "d": 2}));
}

#[test]
fn aliases_that_expand_past_the_request_limit_are_refused_before_they_are_built() {
    // Few nodes (go-yaml's ratio check starts at 1,000), but each alias repeats 1 MiB of text:
    // the JSON would pass the API server's 3 MiB limit on a request, so the document is refused
    // before the copies are made.
    let big = "x".repeat(1 << 20);
    let text = format!("a: &a {big}\nb: [*a, *a, *a, *a, *a, *a, *a, *a]\n");
    let e = parse(&text).unwrap_err();
    assert!(e.is_too_large(), "{e}");
    // Under the limit the copies are made.
    let text = format!("a: &a {big}\nb: [*a]\n");
    assert_eq!(ok(&text)["b"][0].as_str().map(str::len), Some(1 << 20));
    // What is not built still merges as go-yaml merges it, with no error of its own.
    let text = format!("a: &a {big}\nm: &m {{k: *a}}\nb: [*a, *a, *a, *a]\nc: {{<<: *m}}\nd: {{<<: [*m]}}\n");
    assert!(parse(&text).unwrap_err().is_too_large());
    // go-yaml's own error, met further on, is the one kubectl prints.
    let text = format!("a: &a {big}\nb: [*a, *a, *a, *a]\nc: !!int x\n");
    assert_eq!(err(&text), "yaml: cannot decode !!str `x` as a !!int");
}

#[test]
fn a_billion_laughs_is_refused_by_go_yamls_ratio_before_it_is_expanded() {
    // Ten levels of ten aliases each: 10^10 nodes if expanded.
    let mut text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n".to_string();
    for i in 1..10 {
        let p = i - 1;
        text += &format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n");
    }
    let e = err(&text);
    assert_eq!(e, "yaml: document contains excessive aliasing");
    // Merges are decoded aliases too.
    let mut text = "m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n".to_string();
    for i in 1..12 {
        let p = i - 1;
        text += &format!("m{i}: &m{i} {{a: *m{p}, b: *m{p}, c: *m{p}, d: *m{p}, e: *m{p}, <<: [*m{p}, *m0]}}\n");
    }
    let e = parse(&text).unwrap_err();
    assert_eq!(e.to_string(), "yaml: document contains excessive aliasing");
}
