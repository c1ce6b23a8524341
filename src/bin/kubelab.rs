//! The native command line: `kubelab replay SCRIPT [--seed N] [--profile FILE]`, and the
//! teachers' tools `kubelab lesson check [PATH...]` and `kubelab lesson new SCRIPT`.

use kubelab::lab::session::Session;
use kubelab::sim::{Profile, SimConfig};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: kubelab replay SCRIPT [--seed N] [--profile FILE]
       kubelab lesson check [PATH...] [--seed N]
       kubelab lesson new SCRIPT.replay [--id ID]

replay: runs SCRIPT (one terminal line per line; blank lines and # comments
skipped; @sleep 30s lets virtual time pass) in a fresh cluster and prints the
transcript.
lesson check: replays each lesson file (default: lessons/*.yaml) in a fresh
cluster and verifies every step's checks; exit status 1 on any failure.
lesson new: prints a lesson drafted from a replay script (a step per group of
lines separated by a blank line), for a teacher to finish.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("replay") => replay(&args[1..]),
        Some("lesson") => match args.get(1).map(String::as_str) {
            Some("check") => lesson_check(&args[2..]),
            Some("new") => lesson_new(&args[2..]),
            _ => {
                let _ = writeln!(std::io::stderr(), "{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("--help") | Some("-h") | Some("help") => {
            let _ = writeln!(std::io::stdout(), "{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            let _ = writeln!(std::io::stderr(), "{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn replay(args: &[String]) -> ExitCode {
    let mut script: Option<String> = None;
    let mut seed: u64 = kubelab::lab::DEFAULT_SEED;
    let mut profile: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" => {
                i += 1;
                match args.get(i).and_then(|s| s.parse().ok()) {
                    Some(s) => seed = s,
                    None => {
                        let _ = writeln!(std::io::stderr(), "kubelab: --seed needs a number");
                        return ExitCode::from(2);
                    }
                }
            }
            a if a.starts_with("--seed=") => match a[7..].parse() {
                Ok(s) => seed = s,
                Err(_) => {
                    let _ = writeln!(std::io::stderr(), "kubelab: --seed needs a number");
                    return ExitCode::from(2);
                }
            },
            "--profile" => {
                i += 1;
                profile = args.get(i).cloned();
            }
            a if a.starts_with("--profile=") => profile = Some(a[10..].to_string()),
            a if a.starts_with('-') => {
                let _ = writeln!(std::io::stderr(), "kubelab: unknown flag {a}\n{USAGE}");
                return ExitCode::from(2);
            }
            a => script = Some(a.to_string()),
        }
        i += 1;
    }
    let Some(script) = script else {
        let _ = writeln!(std::io::stderr(), "{USAGE}");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&script) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "kubelab: cannot read {script}: {e}");
            return ExitCode::from(1);
        }
    };
    let profile = match profile {
        None => Profile::default(),
        Some(p) => match std::fs::read_to_string(&p).map_err(|e| e.to_string()).and_then(|t| Profile::from_yaml(&t)) {
            Ok(p) => p,
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "kubelab: profile {p}: {e}");
                return ExitCode::from(1);
            }
        },
    };
    let dir: PathBuf = match Path::new(&script).parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let loader = std::rc::Rc::new(move |p: &str| read_in_folder(&dir, p));
    let mut session = Session::new(SimConfig { seed, profile }).with_loader(loader);
    let mut stdout = std::io::stdout().lock();
    let mut failed: Option<std::io::Error> = None;
    kubelab::lab::replay::run_script_with(&mut session, &text, &mut |part| match stdout
        .write_all(part.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => true,
        Err(e) => {
            failed = Some(e);
            false
        }
    });
    match failed {
        None => ExitCode::SUCCESS,
        // The reader has gone (`kubelab replay X | head -1`): end quietly with the status a
        // shell reports for `cat` killed by SIGPIPE (128 + 13).
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(141),
        Some(e) => {
            let _ = writeln!(std::io::stderr(), "kubelab: write error: {e}");
            ExitCode::from(1)
        }
    }
}

/// A file of the lab machine from the script's folder, which is root's home there: only a
/// regular file inside the folder (after following links), never a path above it, a device or
/// a pipe (which could block). Every other lab path is the lab's own.
fn read_in_folder(dir: &Path, lab_path: &str) -> Option<Vec<u8>> {
    let rel = kubelab::lab::session::under_home(lab_path)?;
    let root = dir.canonicalize().ok()?;
    let real = root.join(rel).canonicalize().ok()?;
    if !real.starts_with(&root) || !std::fs::metadata(&real).ok()?.is_file() {
        return None;
    }
    std::fs::read(&real).ok()
}

/// Reads `--seed N` (or `--seed=N`) out of `args`; the rest are returned in order.
fn take_seed(args: &[String]) -> Result<(u64, Vec<String>), String> {
    let mut seed = kubelab::lab::DEFAULT_SEED;
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = match a.strip_prefix("--seed=") {
            Some(v) => Some(v.to_string()),
            None if a == "--seed" => Some(it.next().cloned().unwrap_or_default()),
            None => None,
        };
        match value {
            Some(v) => seed = v.parse().map_err(|_| "kubelab: --seed needs a number".to_string())?,
            None => rest.push(a.clone()),
        }
    }
    Ok((seed, rest))
}

/// `kubelab lesson check [PATH...]`: every lesson replayed and checked; status 1 on a failure.
fn lesson_check(args: &[String]) -> ExitCode {
    let (seed, mut paths) = match take_seed(args) {
        Ok(x) => x,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{e}");
            return ExitCode::from(2);
        }
    };
    if let Some(flag) = paths.iter().find(|p| p.starts_with('-')) {
        let _ = writeln!(std::io::stderr(), "kubelab: unknown flag {flag}\n{USAGE}");
        return ExitCode::from(2);
    }
    if paths.is_empty() {
        paths = lesson_files(Path::new("lessons"));
    }
    let mut failed = false;
    for path in &paths {
        let outcome = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {e}")).and_then(|text| {
            let files_dir = Path::new(path).parent().unwrap_or(Path::new(".")).join("files");
            let files = move |name: &str| std::fs::read_to_string(files_dir.join(name)).ok();
            kubelab::lab::lesson::verify::check_file(path, &text, &files, seed).map_err(|e| e.to_string())
        });
        match outcome {
            Ok(v) => {
                let took = kubelab::support::duration::human_duration_ms(v.took_ms as i64);
                let _ = writeln!(std::io::stdout(), "{path}: ok ({} steps, {took} of virtual time)", v.steps);
            }
            Err(e) => {
                failed = true;
                let _ = writeln!(std::io::stderr(), "{e}");
            }
        }
    }
    if paths.is_empty() {
        let _ = writeln!(std::io::stderr(), "kubelab: no lesson files (lessons/*.yaml)");
        failed = true;
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The `*.yaml` files of a folder: those its `index.txt` lists first, in the lesson list's
/// order, then any others in name order (an index that cannot be read is reported by the
/// files' own checks and `tests/lessons.rs`, not here).
fn lesson_files(dir: &Path) -> Vec<String> {
    let mut all = yaml_files(dir);
    let index = std::fs::read_to_string(dir.join("index.txt")).ok();
    let listed = index.and_then(|t| kubelab::lab::lesson::index::read(&t).ok()).unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for name in listed {
        let path = dir.join(name).display().to_string();
        if let Some(at) = all.iter().position(|p| *p == path) {
            out.push(all.remove(at));
        }
    }
    out.extend(all);
    out
}

/// The `*.yaml` files of a folder, in name order.
fn yaml_files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml"))
                .map(|p| p.display().to_string())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// `kubelab lesson new SCRIPT.replay [--id ID]`: prints a drafted lesson.
fn lesson_new(args: &[String]) -> ExitCode {
    let mut script: Option<&String> = None;
    let mut id: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--id" => id = it.next().cloned(),
            a if a.starts_with("--id=") => id = Some(a[5..].to_string()),
            a if a.starts_with('-') => {
                let _ = writeln!(std::io::stderr(), "kubelab: unknown flag {a}\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => script = Some(a),
        }
    }
    let Some(script) = script else {
        let _ = writeln!(std::io::stderr(), "{USAGE}");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(script) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "kubelab: cannot read {script}: {e}");
            return ExitCode::from(1);
        }
    };
    let id = id.unwrap_or_else(|| {
        let stem = Path::new(script).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let id: String =
            stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
        if id.is_empty() {
            "new-lesson".into()
        } else {
            id
        }
    });
    let dir: PathBuf = match Path::new(script).parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let loader = std::rc::Rc::new(move |p: &str| read_in_folder(&dir, p));
    let mut session = Session::new(SimConfig::seeded(kubelab::lab::DEFAULT_SEED)).with_loader(loader);
    let lesson = kubelab::lab::lesson::skeleton::skeleton(&id, &text, &mut session);
    let _ = std::io::stdout().write_all(lesson.as_bytes());
    ExitCode::SUCCESS
}
