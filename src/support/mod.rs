//! The ground floor: small tools every layer above may use, and nothing of Kubernetes in them.
//!
//! - `collections`, `sort`: sorted vectors with B-tree APIs and one stable sort (one copy of
//!   each in the page, see ARCHITECTURE.md "Size").
//! - `jv`: the `jv!` macro, objects written as one static JSON text with holes.
//! - `yaml`: the YAML reader (libyaml's scanner and parser, as go-yaml v2 has them).
//! - `gofmt`, `duration`, `gotime`: Go's ways of writing values, durations and times.
//! - `tabwriter`: kubectl's table writer. `base64`. `output`: a program's stdout and stderr.
//! - `glob`: Go's `path.Match`.
pub mod base64;
pub mod collections;
pub mod duration;
pub mod gofmt;
pub mod gotime;
pub mod jv;
pub mod output;
pub mod sort;
pub mod tabwriter;
pub mod yaml;
