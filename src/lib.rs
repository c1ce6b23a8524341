//! Kubelab: a deterministic model of a small Kubernetes cluster, with `kubectl` over it.
pub mod sim;
pub mod manifest;
pub mod kubectl;
pub mod shell;
