//! The native command line: `kubelab replay SCRIPT [--seed N] [--profile FILE]`.

use kubelab::lab::session::Session;
use kubelab::sim::{Profile, SimConfig};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: kubelab replay SCRIPT [--seed N] [--profile FILE]

Runs SCRIPT (one terminal line per line; blank lines and # comments skipped;
@sleep 30s lets virtual time pass) in a fresh cluster and prints the transcript.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("replay") => replay(&args[1..]),
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
