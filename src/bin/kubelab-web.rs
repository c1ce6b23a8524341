//! The browser app's entry point (Trunk builds this binary for wasm32; see index.html).

#[cfg(target_arch = "wasm32")]
fn main() {
    kubelab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kubelab-web is the browser app: serve it with scripts/serve (Trunk builds it for wasm32)");
    std::process::exit(2);
}
