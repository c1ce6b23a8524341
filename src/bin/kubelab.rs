//! The native command line: `kubelab replay SCRIPT [--seed N] [--profile FILE]`.

use kubelab::lab::session::Session;
use kubelab::sim::{Profile, SimConfig};
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
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
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
                        eprintln!("kubelab: --seed needs a number");
                        return ExitCode::from(2);
                    }
                }
            }
            a if a.starts_with("--seed=") => match a[7..].parse() {
                Ok(s) => seed = s,
                Err(_) => {
                    eprintln!("kubelab: --seed needs a number");
                    return ExitCode::from(2);
                }
            },
            "--profile" => {
                i += 1;
                profile = args.get(i).cloned();
            }
            a if a.starts_with("--profile=") => profile = Some(a[10..].to_string()),
            a if a.starts_with('-') => {
                eprintln!("kubelab: unknown flag {a}\n{USAGE}");
                return ExitCode::from(2);
            }
            a => script = Some(a.to_string()),
        }
        i += 1;
    }
    let Some(script) = script else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&script) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kubelab: cannot read {script}: {e}");
            return ExitCode::from(1);
        }
    };
    let profile = match profile {
        None => Profile::default(),
        Some(p) => match std::fs::read_to_string(&p).map_err(|e| e.to_string()).and_then(|t| Profile::from_yaml(&t)) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("kubelab: profile {p}: {e}");
                return ExitCode::from(1);
            }
        },
    };
    let dir: PathBuf = Path::new(&script).parent().map(Path::to_path_buf).unwrap_or_default();
    let loader = std::rc::Rc::new(move |p: &str| std::fs::read_to_string(dir.join(p)).ok());
    let mut session = Session::new(SimConfig { seed, profile }).with_loader(loader);
    print!("{}", kubelab::lab::replay::run_script(&mut session, &text));
    ExitCode::SUCCESS
}
