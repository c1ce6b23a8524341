//! `kubectl cp` between the lab machine and a container, through the container's `tar`.

use super::runnable;
use crate::kubectl::args::{self, f, Flag};
use crate::kubectl::{Ctx, Effect, Outcome};
use crate::sim::{Kind, ObjKey};

const CP_FLAGS: &[Flag] = &[f("container", Some('c'), true), f("no-preserve", None, false), f("retries", None, true)];

/// `kubectl cp` between the lab machine and a container (`[NS/]POD:PATH`), through the
/// container's `tar` as kubectl does: its warning for an absolute path, its errors for a
/// missing one.
pub fn cp(ctx: &mut Ctx<'_>, argv: &[String]) -> Outcome {
    let a = match args::parse("cp", argv, CP_FLAGS) {
        Ok(a) => a,
        Err(e) => {
            ctx.report(e);
            return Outcome::from(1);
        }
    };
    let [src, dst] = a.positional.as_slice() else {
        ctx.eprintln("error: source and destination are required");
        return Outcome::from(1);
    };
    let ns = ctx.namespace(&a);
    // `pod:path` or `ns/pod:path`; a local path has no colon before its first slash.
    let remote = |spec: &str| -> Option<(String, String, String)> {
        let (who, path) = spec.split_once(':')?;
        if who.is_empty() || path.is_empty() {
            return None;
        }
        let (n, pod) = who.split_once('/').unwrap_or((ns.as_str(), who));
        Some((n.to_string(), pod.to_string(), path.to_string()))
    };
    let (from, to) = (remote(src), remote(dst));
    let (n, pod, path, upload) = match (from, to) {
        (Some((n, p, path)), None) => (n, p, path, false),
        (None, Some((n, p, path))) => (n, p, path, true),
        (None, None) => {
            ctx.eprintln("error: one of src or dest must be a remote file specification");
            return Outcome::from(1);
        }
        (Some(_), Some(_)) => {
            ctx.eprintln("error: one of src or dest must be a local file specification");
            return Outcome::from(1);
        }
    };
    let key = ObjKey::new(Kind::Pod, &n, &pod);
    let Some(container) = runnable(ctx, &key, a.get("container")) else { return Outcome::from(1) };
    // Debian images carry GNU tar; busybox and Alpine images busybox's.
    let gnu = ctx.sim.programs.clone().is_some_and(|p| p.gnu_tools(ctx.sim, &key, &container));
    let Some(view) = ctx.sim.fs_view(&key, &container) else { return Outcome::from(1) };
    let abs = if path.starts_with('/') { path.clone() } else { format!("/{path}") };
    if upload {
        let text = match ctx.files.read(src) {
            Ok(t) => t,
            Err(_) => {
                ctx.eprintln(&format!("error: {src} doesn't exist in local filesystem"));
                return Outcome::from(1);
            }
        };
        if let Err(e) = view.write(&mut ctx.sim.fs, &abs, &text) {
            ctx.eprintln(&format!("tar: {}: Cannot open: {e}\ntar: Exiting with failure status due to previous errors\ncommand terminated with exit code 2", abs.trim_start_matches('/')));
            return Outcome::from(1);
        }
        return Outcome::from(0);
    }
    if path.starts_with('/') {
        ctx.eprintln(if gnu {
            "tar: Removing leading `/' from member names"
        } else {
            "tar: removing leading '/' from member names"
        });
    }
    match view.all_files(&ctx.sim.fs).get(&abs).cloned() {
        Some(text) => Outcome::with(0, Effect::Write(vec![(dst.clone(), text)])),
        None if gnu => {
            ctx.eprintln(&format!("tar: {path}: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\ncommand terminated with exit code 2"));
            1.into()
        }
        None => {
            ctx.eprintln(&format!(
                "tar: can't open '{path}': No such file or directory\ncommand terminated with exit code 1"
            ));
            1.into()
        }
    }
}
