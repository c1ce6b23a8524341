//! `kubectl cp` between the lab machine and a container, through the container's `tar`.

use super::{namespace, namespace_of, runnable};
use crate::kubectl::args::{self, f, Flag};
use crate::kubectl::errors::Error;
use crate::kubectl::stages::{Parsed, Report};
use crate::kubectl::{Ctx, Effect};
use crate::sim::{Kind, ObjKey};

const CP_FLAGS: &[Flag] = &[f("container", Some('c'), true), f("no-preserve", None, false), f("retries", None, true)];

/// `kubectl cp`, parsed: one side local, the other `[NS/]POD:PATH`.
pub struct Cp {
    /// The local file, as given.
    local: String,
    remote: Remote,
    /// From the lab machine into the container.
    upload: bool,
    container: Option<String>,
    namespace: Option<String>,
}

/// `[NS/]POD:PATH`.
#[derive(Debug, PartialEq)]
struct Remote {
    ns: Option<String>,
    pod: String,
    path: String,
}

impl Remote {
    /// `pod:path` or `ns/pod:path`; a local path has no colon before its first slash.
    fn of(spec: &str) -> Option<Remote> {
        let (who, path) = spec.split_once(':')?;
        if who.is_empty() || path.is_empty() {
            return None;
        }
        let (ns, pod) = match who.split_once('/') {
            Some((ns, pod)) => (Some(ns.to_string()), pod),
            None => (None, who),
        };
        Some(Remote { ns, pod: pod.to_string(), path: path.to_string() })
    }
}

#[inline(never)]
pub fn parse_cp(argv: &[String]) -> Result<Parsed<Cp>, Error> {
    let a = args::parse("cp", argv, CP_FLAGS)?;
    let [src, dst] = a.positional.as_slice() else {
        return Err(Error::cli("source and destination are required"));
    };
    let (local, remote, upload) = match (Remote::of(src), Remote::of(dst)) {
        (Some(remote), None) => (dst.clone(), remote, false),
        (None, Some(remote)) => (src.clone(), remote, true),
        (None, None) => return Err(Error::cli("one of src or dest must be a remote file specification")),
        (Some(_), Some(_)) => return Err(Error::cli("one of src or dest must be a local file specification")),
    };
    let container = a.get("container").map(String::from);
    Ok(Parsed::Run(Cp { local, remote, upload, container, namespace: namespace_of(&a) }))
}

/// `kubectl cp` through the container's `tar` as kubectl does: its warning for an absolute
/// path, its errors for a missing one; a file copied out is written on the lab machine.
pub fn cp(ctx: &mut Ctx<'_>, req: Cp) -> Report {
    let mut r = Report::default();
    if let Err(e) = cp_into(ctx, req, &mut r) {
        r.fail(e);
    }
    r
}

fn cp_into(ctx: &mut Ctx<'_>, req: Cp, r: &mut Report) -> Result<(), Error> {
    let ns = req.remote.ns.clone().unwrap_or_else(|| namespace(ctx, &req.namespace));
    let key = ObjKey::new(Kind::Pod, &ns, &req.remote.pod);
    let container = runnable(ctx.sim, &key, req.container.as_deref(), r)?;
    // Debian images carry GNU tar; busybox and Alpine images busybox's.
    let gnu = ctx.sim.programs.clone().is_some_and(|p| p.gnu_tools(ctx.sim, &key, &container));
    let Some(view) = ctx.sim.fs_view(&key, &container) else {
        r.code = Some(1);
        return Ok(());
    };
    let path = &req.remote.path;
    let abs = if path.starts_with('/') { path.clone() } else { format!("/{path}") };
    if req.upload {
        let Ok(text) = ctx.files.read(&req.local) else {
            return Err(Error::cli(format!("{} doesn't exist in local filesystem", req.local)));
        };
        if let Err(e) = view.write(&mut ctx.sim.fs, &abs, &text) {
            return Err(Error::text(format!("tar: {}: Cannot open: {e}\ntar: Exiting with failure status due to previous errors\ncommand terminated with exit code 2", abs.trim_start_matches('/'))));
        }
        return Ok(());
    }
    if path.starts_with('/') {
        r.note(if gnu {
            "tar: Removing leading `/' from member names"
        } else {
            "tar: removing leading '/' from member names"
        });
    }
    match view.all_files(&ctx.sim.fs).get(&abs).cloned() {
        Some(text) => r.effect = Some(Effect::Write(vec![(req.local, text)])),
        None if gnu => return Err(Error::text(format!("tar: {path}: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\ncommand terminated with exit code 2"))),
        None => {
            return Err(Error::text(format!(
                "tar: can't open '{path}': No such file or directory\ncommand terminated with exit code 1"
            )))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;

    #[test]
    fn parse_cp_needs_one_remote_and_one_local_side() {
        assert_eq!(refused(parse_cp(&words("web:/etc/hosts"))), "error: source and destination are required");
        assert_eq!(refused(parse_cp(&words("a b"))), "error: one of src or dest must be a remote file specification");
        assert_eq!(
            refused(parse_cp(&words("web:/a two:/b"))),
            "error: one of src or dest must be a local file specification"
        );
        let Ok(Parsed::Run(cp)) = parse_cp(&words("notes.txt prod/db:tmp/notes.txt")) else { panic!("not parsed") };
        assert!(cp.upload);
        let want = Remote { ns: Some("prod".into()), pod: "db".into(), path: "tmp/notes.txt".into() };
        assert_eq!((cp.local.as_str(), cp.remote), ("notes.txt", want));
    }

    #[test]
    fn a_file_goes_in_and_comes_back_out() {
        let mut sim = cluster();
        let files = OneFile("notes.txt", "hello\n");
        let (out, outcome) =
            run_in(&mut sim, &files, false, Vec::new(), parse_cp(&words("notes.txt web:/tmp/notes.txt")), cp);
        assert_eq!((out.text().as_str(), outcome.code), ("", 0));
        let (out, outcome) = run(&mut sim, &words("web:/tmp/notes.txt copy.txt"), parse_cp, cp);
        assert_eq!(out.stderr(), "tar: removing leading '/' from member names\n");
        let Some(Effect::Write(written)) = outcome.effect else { panic!("nothing written") };
        assert_eq!(written, [("copy.txt".to_string(), "hello\n".to_string())]);
    }

    #[test]
    fn a_missing_file_is_tars_error() {
        let mut sim = cluster();
        let (out, outcome) = run(&mut sim, &words("web:nope here.txt"), parse_cp, cp);
        assert_eq!(
            out.stderr(),
            "tar: can't open 'nope': No such file or directory\ncommand terminated with exit code 1\n"
        );
        assert!(outcome.effect.is_none());
        assert_eq!(outcome.code, 1);
        let (out, _) = run(&mut sim, &words("missing.txt web:/tmp/x"), parse_cp, cp);
        assert_eq!(out.stderr(), "error: missing.txt doesn't exist in local filesystem\n");
    }
}
