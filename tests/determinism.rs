//! The same seed and script give the same transcript; another seed gives other random names.
//! `tests/wasm_determinism.rs` checks that wasm32 prints the very same bytes: both compare the
//! transcript's digest with `det::GOLDEN` (update it there when the model changes on purpose).

#[path = "common/det.rs"]
mod det;

#[test]
fn same_seed_same_transcript() {
    let a = det::transcript(7);
    let b = det::transcript(7);
    assert_eq!(a, b);
    assert!(a.contains("deploy-"), "{a}");
}

#[test]
fn other_seed_other_random_names_same_ordinals() {
    let a = det::transcript(7);
    let b = det::transcript(8);
    assert_ne!(a, b);
    let names = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.starts_with("deploy-"))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    assert_ne!(names(&a), names(&b));
    for t in [&a, &b] {
        assert!(t.contains("web-0") && t.contains("web-1"));
    }
}

#[test]
fn native_digest_matches_the_golden_the_wasm_test_checks() {
    let d = det::digest(&det::transcript(7));
    assert_eq!(
        d,
        det::GOLDEN,
        "digest is {d:#x}: if the model changed on purpose, update GOLDEN in tests/common/det.rs"
    );
}
