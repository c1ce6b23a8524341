//! `ls`, `mkdir`, `rm` and `touch` over the shell's files, as GNU coreutils word them: shared by
//! the lab machine's shell and the containers' (each says where its directories are, through
//! [`Tree`]).

use super::{Env, Output};
use crate::support::collections::VecSet;

/// Where the file tools find directories, and how they make and remove them.
pub trait Tree {
    /// The directories known besides those implied by files (a file's parent is a directory).
    fn dirs(&self) -> &VecSet<String>;
    /// Makes directory `path` (absolute); an error in `strerror` words.
    fn make_dir(&mut self, path: &str) -> Result<(), String>;
    /// Forgets directory `path` and what is under it; `files` were removed from the shell's
    /// files already.
    fn remove_dir(&mut self, path: &str, files: &[String]);
    /// A file was removed.
    fn removed_file(&mut self, path: &str);
    /// The tools are busybox's (busybox and Alpine images), which word errors their own way.
    fn busybox(&self) -> bool {
        false
    }
}

/// Whether `path` (absolute) is a directory: the root, a known one, or one a file lies under.
pub fn is_dir(env: &Env, tree: &dyn Tree, path: &str) -> bool {
    env.is_dir_among(tree.dirs(), path)
}

/// Forgets directory `path` and the directories under it.
pub fn forget_tree(dirs: &mut VecSet<String>, path: &str) {
    let prefix = format!("{path}/");
    dirs.retain(|d| d != path && !d.starts_with(&prefix));
}

/// Runs `ls`, `mkdir`, `rm` or `touch`; `None` for another command.
pub fn run(name: &str, argv: &[String], env: &mut Env, tree: &mut dyn Tree, out: &mut Output) -> Option<i32> {
    let args: Vec<&str> = argv.iter().skip(1).map(String::as_str).collect();
    let files: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-') || *a == "-").collect();
    let flags: String =
        args.iter().filter(|a| a.starts_with('-') && a.len() > 1).map(|a| a.trim_start_matches('-')).collect();
    Some(match name {
        "ls" => ls(&files, &flags, env, tree, out),
        "mkdir" => mkdir(&files, &flags, env, tree, out),
        "rm" => rm(&files, &flags, env, tree, out),
        "touch" => {
            for f in files {
                let p = env.resolve_path(f);
                if env.file(&p).is_none() && !is_dir(env, tree, &p) {
                    env.write_file(&p, "");
                }
            }
            0
        }
        _ => return None,
    })
}

// k8s-diff: `ls` writes one name a line, as GNU ls does into a pipe; into a terminal it would
// lay short names out in columns.
fn ls(files: &[&str], flags: &str, env: &Env, tree: &dyn Tree, out: &mut Output) -> i32 {
    let targets: Vec<&str> = if files.is_empty() { vec!["."] } else { files.to_vec() };
    let mut code = 0;
    for t in &targets {
        let p = env.resolve_path(t);
        if env.file(&p).is_some() {
            out.out(&format!("{t}\n"));
            continue;
        }
        if !is_dir(env, tree, &p) {
            if tree.busybox() {
                out.err(&format!("ls: {t}: No such file or directory\n"));
                code = 1;
            } else {
                out.err(&format!("ls: cannot access '{t}': No such file or directory\n"));
                code = 2;
            }
            continue;
        }
        let prefix = if p == "/" { "/".to_string() } else { format!("{p}/") };
        let mut names: VecSet<String> = VecSet::new();
        for f in env.files().map(|(f, _)| f).chain(tree.dirs().iter().map(String::as_str)) {
            if let Some(rest) = f.strip_prefix(&prefix) {
                names.insert(rest.split('/').next().unwrap_or(rest).to_string());
            }
        }
        names.retain(|n| !n.is_empty() && (flags.contains('a') || !n.starts_with('.')));
        if targets.len() > 1 {
            out.out(&format!("{t}:\n"));
        }
        for n in names {
            out.out(&format!("{n}\n"));
        }
    }
    code
}

fn mkdir(files: &[&str], flags: &str, env: &Env, tree: &mut dyn Tree, out: &mut Output) -> i32 {
    let mut code = 0;
    for f in files {
        let p = env.resolve_path(f);
        if is_dir(env, tree, &p) || env.file(&p).is_some() {
            if !flags.contains('p') || env.file(&p).is_some() {
                out.err(&format!("mkdir: cannot create directory '{f}': File exists\n"));
                code = 1;
            }
            continue;
        }
        let parent = p.rsplit_once('/').map(|(a, _)| a).filter(|a| !a.is_empty()).unwrap_or("/");
        if !is_dir(env, tree, parent) {
            if !flags.contains('p') {
                out.err(&if tree.busybox() {
                    format!("mkdir: can't create directory '{f}': No such file or directory\n")
                } else {
                    format!("mkdir: cannot create directory '{f}': No such file or directory\n")
                });
                code = 1;
                continue;
            }
            // -p: the missing parents first, outermost first.
            let mut missing = Vec::new();
            let mut at = parent;
            while !is_dir(env, tree, at) {
                missing.push(at.to_string());
                at = at.rsplit_once('/').map(|(a, _)| a).filter(|a| !a.is_empty()).unwrap_or("/");
            }
            for d in missing.iter().rev() {
                let _ = tree.make_dir(d);
            }
        }
        if let Err(e) = tree.make_dir(&p) {
            out.err(&format!("mkdir: cannot create directory '{f}': {e}\n"));
            code = 1;
        }
    }
    code
}

fn rm(files: &[&str], flags: &str, env: &mut Env, tree: &mut dyn Tree, out: &mut Output) -> i32 {
    let mut code = 0;
    for f in files {
        let p = env.resolve_path(f);
        if env.remove_file(&p).is_some() {
            tree.removed_file(&p);
        } else if is_dir(env, tree, &p) {
            if flags.contains('r') || flags.contains('R') {
                let prefix = format!("{p}/");
                let inner: Vec<String> =
                    env.files().filter(|(k, _)| k.starts_with(&prefix)).map(|(k, _)| k.to_string()).collect();
                for k in &inner {
                    env.remove_file(k);
                }
                tree.remove_dir(&p, &inner);
            } else {
                out.err(&format!("rm: cannot remove '{f}': Is a directory\n"));
                code = 1;
            }
        } else if !flags.contains('f') {
            out.err(&if tree.busybox() {
                format!("rm: can't remove '{f}': No such file or directory\n")
            } else {
                format!("rm: cannot remove '{f}': No such file or directory\n")
            });
            code = 1;
        }
    }
    code
}
