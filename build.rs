//! For the page's wasm split (scripts/split.mjs): the browser build's link writes a map of
//! where each data object (a string, a table) lies, so that the split can tell which objects
//! only the second module's code can reach and let the second module carry them.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // Only the release-like link (the page's `web` profile): a wasm32 test build links the same
    // binary too, and its map would stand for a module the page does not ship.
    let release = std::env::var("PROFILE").as_deref() == Ok("release");
    if release && std::env::var("TARGET").as_deref() == Ok("wasm32-unknown-unknown") {
        let dir = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("target");
        let _ = std::fs::create_dir_all(&dir);
        println!("cargo:rustc-link-arg-bin=kubelab-web=--Map={}", dir.join("kubelab-web.map").display());
    }
}
