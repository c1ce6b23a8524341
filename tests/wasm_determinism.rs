//! On wasm32 the model prints byte for byte what it prints natively (run with
//! wasm-bindgen-test-runner; see `.ci/run`).
#![cfg(target_arch = "wasm32")]

#[path = "common/det.rs"]
mod det;

use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn wasm_transcript_matches_native() {
    let d = det::digest(&det::transcript(7));
    assert_eq!(d, det::GOLDEN, "digest on wasm32 is {d:#x}");
}
