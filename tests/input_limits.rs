//! Inputs a learner can paste that once took the page down (issue 12, items 3 and 4): each is
//! applied through kubectl in a session, and answers with the words a real cluster prints, in
//! bounded time (the bounds are loose: a debug build on a busy machine).

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;
use std::time::{Duration, Instant};

fn session() -> Session {
    Session::new(SimConfig::seeded(1)).with_loader(common::files_loader())
}

/// Runs a line, failing if it takes longer than `limit`: (stdout, stderr, status).
fn run_within(s: &mut Session, line: &str, limit: Duration) -> (String, String, i32) {
    let start = Instant::now();
    let (out, code) = s.run_line(line);
    assert!(start.elapsed() < limit, "`{line}` took {:?}", start.elapsed());
    (out.stdout(), out.stderr(), code)
}

const CONFIGMAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ";

#[test]
fn nested_anchored_lists_are_read_once() {
    // `&d0 [&d1 [ ... 1,000,000 items ... ]]`, 120 levels: each anchored list was copied as it
    // closed (over 4 GB). Read once, the object reaches the server, which refuses the field.
    let items = vec!["1"; 1_000_000].join(",");
    let open: String = (0..120).map(|i| format!("&d{i} [")).collect();
    let mut s = session();
    s.write_file("nested.yaml", &format!("{CONFIGMAP}nested\nx: {open}{items}{}\n", "]".repeat(120)));
    let (out, err, code) = run_within(&mut s, "kubectl apply -f nested.yaml", Duration::from_secs(60));
    assert_eq!((out.as_str(), code), ("", 1));
    assert_eq!(
        err.lines().next(),
        Some("Error from server (BadRequest): error when creating \"nested.yaml\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"x\"")
    );
}

#[test]
fn many_anchors_are_found_by_name_in_logarithmic_time() {
    // 50,000 anchors named in descending order, each aliased: quadratic before.
    let n = 50_000;
    let mut text = format!("{CONFIGMAP}many\ndata:\n");
    text += &(0..n).rev().map(|i| format!("  k{i}: &a{i:06} v{i}\n")).collect::<String>();
    text += &(0..n).map(|i| format!("  r{i}: *a{i:06}\n")).collect::<String>();
    let mut s = session();
    s.write_file("many.yaml", &text);
    let (out, err, _) = run_within(&mut s, "kubectl create -f many.yaml", Duration::from_secs(60));
    assert_eq!((out.as_str(), err.as_str()), ("configmap/many created\n", ""));
    let (out, _, _) = run_within(&mut s, "kubectl get cm many -o jsonpath={.data.r49999}", Duration::from_secs(30));
    assert_eq!(out, "v49999");
}

#[test]
fn a_billion_laughs_is_go_yamls_excessive_aliasing() {
    let mut text =
        format!("{CONFIGMAP}lol\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (i, c) in "bcdefghi".chars().enumerate() {
        let p = (b'a' + i as u8) as char;
        text += &format!("{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n");
    }
    let mut s = session();
    s.write_file("laughs.yaml", &text);
    let (out, err, code) = run_within(&mut s, "kubectl apply -f laughs.yaml", Duration::from_secs(10));
    assert_eq!((out.as_str(), code), ("", 1));
    assert_eq!(
        err,
        "error: error parsing laughs.yaml: error converting YAML to JSON: yaml: document contains excessive aliasing\n"
    );
}

#[test]
fn objects_past_the_request_limit_are_refused_as_the_api_server_refuses_them() {
    let mut s = session();
    // A few aliases of 1 MiB: under go-yaml's ratio, over the 3 MiB a request may carry. The
    // document is refused before its copies are made; the next one still applies.
    let big = "x".repeat(1 << 20);
    let aliases = format!("{CONFIGMAP}aliased\ndata:\n  a: &a {big}\n  b: *a\n  c: *a\n  d: *a\n");
    s.write_file("big.yaml", &format!("{aliases}---\n{CONFIGMAP}small\n"));
    let (out, err, code) = run_within(&mut s, "kubectl apply -f big.yaml", Duration::from_secs(30));
    assert_eq!((out.as_str(), code), ("configmap/small created\n", 1));
    assert_eq!(
        err,
        "Error from server (RequestEntityTooLarge): error when creating \"big.yaml\": Request entity too large: limit is 3145728\n"
    );
    // Without aliases: a 2 MiB ConfigMap with apply's copy of itself in its annotation.
    s.write_file("plain.yaml", &format!("{CONFIGMAP}plain\ndata:\n  a: {}\n", "y".repeat(2 << 20)));
    let (_, err, code) = run_within(&mut s, "kubectl apply -f plain.yaml", Duration::from_secs(30));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "Error from server (RequestEntityTooLarge): error when creating \"plain.yaml\": Request entity too large: limit is 3145728\n"
    );
}

#[test]
fn a_json_patch_that_doubles_the_object_stops_at_the_copy_limit() {
    let mut s = session();
    run_within(&mut s, "kubectl create configmap c --from-literal=k=v", Duration::from_secs(5));
    // Each copy puts the whole metadata inside itself under a new name: 2^60 times the object
    // if it went on.
    let ops: Vec<String> =
        (0..60).map(|i| format!(r#"{{"op":"copy","from":"/metadata","path":"/metadata/x{i}"}}"#)).collect();
    s.write_file("double.json", &format!("[{}]", ops.join(",")));
    let (out, err, code) =
        run_within(&mut s, "kubectl patch cm c --type=json --patch-file=double.json", Duration::from_secs(10));
    assert_eq!((out.as_str(), code), ("", 1));
    assert_eq!(err, "The request is invalid: the server rejected our request due to an error in our request\n");
    // More operations than the server takes at all.
    let op = r#"{"op":"test","path":"/data/k","value":"v"}"#;
    s.write_file("many.json", &format!("[{}]", vec![op; 10_001].join(",")));
    let (_, err, code) =
        run_within(&mut s, "kubectl patch cm c --type=json --patch-file=many.json", Duration::from_secs(30));
    assert_eq!(code, 1);
    assert_eq!(err, "Error from server (RequestEntityTooLarge): Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001\n");
    // 10,000 are taken, each `test` without copying the object.
    s.write_file("tests.json", &format!("[{}]", vec![op; 10_000].join(",")));
    let (out, _, code) =
        run_within(&mut s, "kubectl patch cm c --type=json --patch-file=tests.json", Duration::from_secs(30));
    assert_eq!((out.as_str(), code), ("configmap/c patched (no change)\n", 0));
}

#[test]
fn a_merge_patch_past_the_request_limit_is_refused() {
    let mut s = session();
    run_within(&mut s, "kubectl create configmap c --from-literal=k=v", Duration::from_secs(5));
    s.write_file("big.yaml", &format!("data:\n  big: {}\n", "z".repeat(3 << 20)));
    for ty in ["merge", "strategic"] {
        let (_, err, code) = run_within(
            &mut s,
            &format!("kubectl patch cm c --type={ty} --patch-file=big.yaml"),
            Duration::from_secs(30),
        );
        assert_eq!(code, 1);
        assert_eq!(err, "Error from server (RequestEntityTooLarge): Request entity too large: limit is 3145728\n");
    }
}

#[test]
fn describe_of_a_service_with_many_ports_is_linear() {
    // 20,000 ports behind two ready pods: describe matched every Service port against every
    // Endpoints port (20,000 ports took a minute).
    let mut s = session();
    s.write_file("web.yaml", include_str!("../lessons/files/examples/application/web/web.yaml"));
    run_within(&mut s, "kubectl apply -f web.yaml", Duration::from_secs(30));
    s.sim.run_until_idle(600_000);
    let ports: String = (1..=20_000).map(|i| format!("  - name: p{i}\n    port: {i}\n")).collect();
    s.write_file("svc.yaml", &format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: big\nspec:\n  selector:\n    app: nginx\n  ports:\n{ports}"));
    // `create`, not `apply`: the last-applied annotation of 20,000 ports would pass the API
    // server's 256 KiB for annotations, as on a real cluster.
    let (_, err, code) = run_within(&mut s, "kubectl create -f svc.yaml", Duration::from_secs(60));
    assert_eq!(code, 0, "{err}");
    s.sim.run_until_idle(600_000);
    let (out, _, code) = run_within(&mut s, "kubectl describe svc big", Duration::from_secs(60));
    assert_eq!(code, 0);
    let endpoints: Vec<&str> = out.lines().filter(|l| l.starts_with("Endpoints:")).collect();
    assert_eq!(endpoints.len(), 20_000);
    // Each port's own addresses, with its own number.
    assert!(endpoints[19_999].ends_with(":20000"), "{}", endpoints[19_999]);
    assert_eq!(endpoints[19_999].matches(":20000").count(), 2, "{}", endpoints[19_999]);
}
