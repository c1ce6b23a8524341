//! What commands that change objects print, and `--dry-run`: `GetDryRunStrategy`, the printers'
//! operation suffix (`created (dry run)`, `deleted (server dry run)`), and `-o` on `run`,
//! `apply`, `create` (`PrintFlags.WithTypeSetter`).

use super::args::Args;
use super::errors::Error;
use super::get::{format_of, serialize, Format};
use crate::sim::resources::Kind;
use serde_json::Value;

/// `--dry-run`: none, client (nothing is sent) or server (the API server validates and
/// defaults, and stores nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    /// `GetDryRunStrategy`.
    pub fn of(a: &Args) -> Result<DryRun, Error> {
        // k8s-diff: kubectl also accepts the old boolean values, with a klog warning line
        // (which carries the wall clock and a process id); here they are taken silently.
        match a.get("dry-run") {
            None | Some("none") | Some("false") => Ok(DryRun::None),
            Some("client") | Some("true") => Ok(DryRun::Client),
            Some("server") => Ok(DryRun::Server),
            Some(v) => {
                Err(Error::cli(format!("Invalid dry-run value ({v}). Must be \"none\", \"server\", or \"client\".")))
            }
        }
    }

    /// The operation as the printer words it: `created`, `created (dry run)`,
    /// `created (server dry run)`.
    pub fn op(self, verb: &str) -> String {
        match self {
            DryRun::None => verb.to_string(),
            DryRun::Client => format!("{verb} (dry run)"),
            DryRun::Server => format!("{verb} (server dry run)"),
        }
    }
}

/// `--dry-run` and `-o` together, as every command that changes objects reads them.
pub fn options(a: &Args) -> Result<(DryRun, Option<Format>), Error> {
    Ok((DryRun::of(a)?, output_of(a)?))
}

/// The `-o` of a command that changes objects: `None` when it prints `KIND/NAME VERB`.
pub fn output_of(a: &Args) -> Result<Option<Format>, Error> {
    if a.get("output").is_none() && a.get("template").is_none() {
        return Ok(None);
    }
    match format_of(a)? {
        // `-o wide` is a table format; these commands print no tables.
        Format::Table { .. } => Err(Error::cli(format!("unable to match a printer suitable for the output format \"{}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml", a.get("output").unwrap_or("")))),
        f => Ok(Some(f)),
    }
}

/// What a command that changes an object prints: `KIND/NAME OP`, or the object in the `-o`
/// format (the name printer leaves the operation out).
pub fn printed(out: Option<&Format>, kind: Kind, obj: &Value, op: &str) -> String {
    let name = crate::sim::obj::name(obj);
    match out {
        None => format!("{}/{name} {op}\n", kind.qualified_singular()),
        Some(Format::Name) => format!("{}/{name}\n", kind.qualified_singular()),
        Some(f) => serialize(std::slice::from_ref(obj), true, f),
    }
}
