//! Kubelab: a deterministic model of a small Kubernetes cluster, with `kubectl` over it.
//!
//! Each folder is a floor; a floor uses only the floors below it:
//!
//! - `support`: sorted collections, the YAML reader, Go's formatters, the table writer.
//! - `sim`: the pure cluster model (store, clock, controllers, scheduler, kubelet, volumes, DNS).
//! - `manifest`: manifests in, objects and diagnostics out (documents, schema, patches).
//! - `kubectl`: kubectl's commands and printers over the model.
//! - `shell`: the shell's syntax and interpreter, over a host that runs programs.
//! - `programs`: the programs of the lab machine and of containers (text tools, curl,
//!   nslookup, the images' tools), and the container runtime the kubelet calls.
//! - `lab`: a terminal session over a cluster, replay scripts, and the page's state without
//!   the page (journal, view, completion, words).
//! - `ui`: the yew components (wasm32 only).
#![recursion_limit = "512"]
// The floors, bottom up: each may use the ones listed before it, never one after it
// (tests/tidy.rs checks).
pub mod support;
pub mod sim;
pub mod manifest;
pub mod kubectl;
pub mod shell;
pub mod programs;
pub mod lab;
#[cfg(target_arch = "wasm32")]
pub mod ui;
