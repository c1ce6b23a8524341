//! The everyday tools of a container image: `hostname`, `cat`, `ls`, `mkdir`, `rm`, `touch`,
//! `env`, `date`, `sleep`, and the text tools. They work on the shell's view of the files,
//! which `exec` loads from the container and writes back.

use super::PodHost;
use crate::shell::{Env, Output};

/// Programs every image here has (besides the shell's builtins, which never reach the host).
pub const BASIC: &[&str] = &[
    "sh", "hostname", "cat", "ls", "mkdir", "rm", "touch", "env", "printenv", "date", "sleep", "whoami", "id", "uname",
    "grep", "head", "tail", "wc", "sort", "echo", "printf", "true", "false", "test", "[", "pwd", "cd", "export",
    "exit", "read", "ps", "df", "base64", "cut", "tr", "uniq", "seq", "sed", "awk",
];

pub fn run(
    host: &mut PodHost<'_>,
    name: &str,
    argv: &[String],
    stdin: Option<&str>,
    env: &mut Env,
    out: &mut Output,
) -> i32 {
    let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
    let files: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-') || *a == "-").collect();
    let flags: String =
        args.iter().filter(|a| a.starts_with('-') && a.len() > 1).map(|a| a.trim_start_matches('-')).collect();
    if let Some(code) = super::shared::run(host, argv, stdin, env, out) {
        return code;
    }
    match name {
        "hostname" => {
            let short = env.var("HOSTNAME").unwrap_or("").to_string();
            // `-f`: the canonical name the resolver gives it, from /etc/hosts (a StatefulSet
            // pod's `web-0.nginx.default.svc.cluster.local`).
            let name = if flags.contains('f') {
                env.file("/etc/hosts")
                    .and_then(|h| {
                        h.lines()
                            .find(|l| !l.starts_with('#') && l.split_whitespace().skip(1).any(|n| n == short))
                            .and_then(|l| l.split_whitespace().nth(1))
                            .map(String::from)
                    })
                    .unwrap_or_else(|| short.clone())
            } else {
                short
            };
            out.out(&format!("{name}\n"));
            0
        }
        "env" | "printenv" => {
            let vars = env.exported_vars();
            if name == "printenv" && !files.is_empty() {
                // Each named variable's value in turn; status 1 if any is unset.
                let mut code = 0;
                for one in &files {
                    match vars.get(*one) {
                        Some(v) => out.out(&format!("{v}\n")),
                        None => code = 1,
                    }
                }
                return code;
            }
            for (k, v) in vars {
                out.out(&format!("{k}={v}\n"));
            }
            0
        }
        "sleep" => {
            // Each argument a number with an optional unit (s, m, h, d), summed; `infinity`
            // sleeps for good.
            let mut ms: u64 = 0;
            for word in &files {
                let (num, mul) = match word.as_bytes().last() {
                    Some(b's') => (&word[..word.len() - 1], 1_000.0),
                    Some(b'm') => (&word[..word.len() - 1], 60_000.0),
                    Some(b'h') => (&word[..word.len() - 1], 3_600_000.0),
                    Some(b'd') => (&word[..word.len() - 1], 86_400_000.0),
                    _ => (&word[..], 1_000.0),
                };
                if *word == "infinity" || *word == "inf" {
                    ms = ms.saturating_add(FOREVER_MS);
                    continue;
                }
                match num.parse::<f64>() {
                    Ok(n) if n >= 0.0 => ms = ms.saturating_add((n * mul) as u64),
                    _ => {
                        out.err(&format!("sleep: invalid time interval '{word}'\n"));
                        return 1;
                    }
                }
            }
            // A container's main process run at its start sleeps on its own time.
            match host.sim.process_sleep.as_mut() {
                Some(slept) => *slept += ms,
                None => host.sim.advance(ms),
            }
            0
        }
        "whoami" => {
            out.out("root\n");
            0
        }
        "id" => {
            out.out("uid=0(root) gid=0(root) groups=0(root)\n");
            0
        }
        "uname" => {
            // The node's kernel (its nodeInfo), the pod's hostname; fields in uname's fixed
            // order whatever the order of the flags; `-a` leaves out the unknown -p and -i.
            let node = host
                .sim
                .store
                .get(&host.pod)
                .and_then(|p| crate::sim::obj::str_at(p, "/spec/nodeName"))
                .unwrap_or("")
                .to_string();
            let release = host
                .sim
                .get(crate::sim::Kind::Node, "", &node)
                .and_then(|n| crate::sim::obj::str_at(n, "/status/nodeInfo/kernelVersion"))
                .unwrap_or("")
                .to_string();
            let hostname = env.var("HOSTNAME").unwrap_or("").to_string();
            // k8s-diff: the kernel's version string without its build date.
            let fields = [
                ('s', "Linux"),
                ('n', &hostname),
                ('r', &release),
                ('v', "#127-Ubuntu SMP"),
                ('m', "x86_64"),
                ('o', "GNU/Linux"),
            ];
            let all = flags.contains('a');
            let chosen: Vec<&str> = fields.iter().filter(|(f, _)| all || flags.contains(*f)).map(|(_, v)| *v).collect();
            out.out(&format!("{}\n", if chosen.is_empty() { "Linux".to_string() } else { chosen.join(" ") }));
            0
        }
        other => {
            // A tool the image lists but the model does not run.
            out.err(&format!("{other}: not available in this lab\n"));
            127
        }
    }
}

/// What `sleep infinity` sleeps: far beyond any lab.
const FOREVER_MS: u64 = 100 * 365 * 86_400_000;
