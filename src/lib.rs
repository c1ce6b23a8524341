//! Kubelab: a deterministic model of a small Kubernetes cluster, with `kubectl` over it.
//!
//! - `sim`: the pure cluster model (store, clock, controllers, scheduler, kubelet, volumes).
//! - `manifest`: YAML in, objects and diagnostics out.
//! - `kubectl`: kubectl's commands and printers over the model.
//! - `shell`: the terminal's shell syntax and builtins.
//! - `session` and `replay`: a terminal over a cluster, and the script format on top.
#![recursion_limit = "512"]
pub mod base64;
pub mod collections;
pub mod complete;
pub mod i18n;
pub mod jv;
pub mod kubectl;
pub mod lab;
pub mod manifest;
pub mod pod;
pub mod replay;
pub mod session;
pub mod shell;
pub mod sim;
pub mod sort;
pub mod textutils;
#[cfg(target_arch = "wasm32")]
pub mod ui;
pub mod view;
