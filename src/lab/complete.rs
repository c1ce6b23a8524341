//! Tab completion for the terminal: commands, kubectl's verbs, resource types, object names
//! from the model, and files (the editor's and the shell's), as bash-completion for kubectl
//! offers them.

use crate::lab::session::Session;
use crate::sim::resources::RESOURCES;
use crate::sim::Kind;

/// Programs the lab machine has.
/// The shell's builtins a lab types, besides the machine's programs.
const BUILTINS: &[&str] = &["cd", "clear", "echo", "pwd"];

/// kubectl's commands a lab uses.
const VERBS: &[&str] = &[
    "annotate",
    "api-resources",
    "apply",
    "autoscale",
    "cluster-info",
    "config",
    "cp",
    "create",
    "delete",
    "describe",
    "events",
    "exec",
    "expose",
    "get",
    "label",
    "logs",
    "patch",
    "port-forward",
    "rollout",
    "run",
    "scale",
    "set",
    "version",
    "wait",
];

/// Verbs that take `TYPE [NAME]`.
const TYPED: &[&str] =
    &["get", "describe", "delete", "label", "annotate", "patch", "scale", "autoscale", "rollout", "expose"];

/// What Tab offers at the end of `line`: the byte offset where the word being completed
/// starts, and the candidates, sorted.
pub fn complete(session: &Session, t: usize, line: &str) -> (usize, Vec<String>) {
    let start = line
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || c == '|' || c == ';' || c == '&')
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &line[start..];
    // The words of the current command (after the last `|`, `;` or `&&`).
    let cmd_start = line[..start].rfind(['|', ';', '&']).map_or(0, |i| i + 1);
    let words: Vec<&str> = line[cmd_start..start].split_whitespace().collect();
    let mut cands: Vec<String> = if words.is_empty() {
        let mut all: Vec<String> =
            BUILTINS.iter().chain(crate::lab::session::MACHINE_PROGRAMS).map(|s| s.to_string()).collect();
        crate::support::sort::sort(&mut all);
        all
    } else if words[0] == "kubectl" || words[0] == "k" {
        kubectl_candidates(session, t, &words[1..], word)
    } else {
        paths(session, t, word, words[0] == "cd")
    };
    cands.retain(|c| c.starts_with(word));
    crate::support::sort::sort(&mut cands);
    cands.dedup();
    (start, cands)
}

/// The files and directories (with a trailing `/`, as bash completes them) in the directory
/// `word` names so far; only directories for `cd`.
fn paths(session: &Session, t: usize, word: &str, dirs_only: bool) -> Vec<String> {
    let typed_dir = word.rfind('/').map_or("", |i| &word[..=i]);
    let dir =
        if typed_dir.starts_with('/') { typed_dir.to_string() } else { format!("{}/{typed_dir}", session.cwd_in(t)) };
    let dir = session.env.resolve_path(&dir);
    let prefix = if dir == "/" { dir } else { format!("{dir}/") };
    let env = &session.env;
    let mut out = Vec::new();
    for entry in env.files().map(|(f, _)| (f, false)).chain(env.dirs.iter().map(|d| (d.as_str(), true))) {
        let Some(rest) = entry.0.strip_prefix(&prefix) else { continue };
        match rest.split_once('/') {
            Some((name, _)) => out.push(format!("{typed_dir}{name}/")),
            None if entry.1 => out.push(format!("{typed_dir}{rest}/")),
            None if !dirs_only => out.push(format!("{typed_dir}{rest}")),
            None => {}
        }
    }
    out.retain(|p| !p.is_empty() && !p.ends_with("//"));
    out
}

fn kubectl_candidates(session: &Session, t: usize, args: &[&str], word: &str) -> Vec<String> {
    let prev = args.last().copied().unwrap_or("");
    if matches!(prev, "-f" | "--filename") {
        return paths(session, t, word, false);
    }
    if matches!(prev, "-n" | "--namespace") {
        return session.sim.store.list(Kind::Namespace, None).map(|(k, _)| k.name.clone()).collect();
    }
    let mut ns = session.namespace().to_string();
    let mut positional: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a == "-n" || a == "--namespace" {
            if let Some(n) = args.get(i + 1) {
                ns = n.to_string();
            }
            i += 2;
            continue;
        }
        if let Some(n) = a.strip_prefix("--namespace=") {
            ns = n.to_string();
        } else if !a.starts_with('-') {
            positional.push(a);
        } else if matches!(a, "-l" | "-o" | "-c" | "--selector" | "--output" | "--container" | "--image") {
            i += 1;
        }
        i += 1;
    }
    let Some(verb) = positional.first() else { return VERBS.iter().map(|s| s.to_string()).collect() };
    let rest = &positional[1..];
    let names = |kind: Kind| -> Vec<String> {
        let list_ns = if kind.namespaced() { Some(ns.as_str()) } else { None };
        session.sim.store.list(kind, list_ns).map(|(k, _)| k.name.clone()).collect()
    };
    match *verb {
        "logs" | "exec" | "port-forward" if rest.is_empty() => names(Kind::Pod),
        "rollout" if rest.is_empty() => {
            ["history", "restart", "status", "undo"].iter().map(|s| s.to_string()).collect()
        }
        "rollout" if rest.len() == 1 => ["deployment", "statefulset"].iter().map(|s| s.to_string()).collect(),
        "rollout" => rest.get(1).and_then(|t| Kind::from_arg(t)).map(names).unwrap_or_default(),
        "create" if rest.is_empty() => vec!["deployment".into(), "namespace".into()],
        "config" if rest.is_empty() => {
            ["current-context", "get-clusters", "get-contexts", "get-users", "set-context", "use-context", "view"]
                .iter()
                .map(|s| s.to_string())
                .collect()
        }
        "set" if rest.is_empty() => vec!["env".into(), "image".into()],
        "set" if rest.len() == 1 => {
            ["deployment", "pod", "replicaset", "statefulset"].iter().map(|s| s.to_string()).collect()
        }
        "set" => rest.get(1).and_then(|t| Kind::from_arg(t)).map(names).unwrap_or_default(),
        v if TYPED.contains(&v) => match rest.len() {
            0 => RESOURCES
                .iter()
                .filter(|r| r.kind != Kind::Event || v == "get")
                .map(|r| r.plural.to_string())
                .chain(["all".to_string()])
                .collect(),
            _ => match rest[0].split_once('/') {
                Some(_) => Vec::new(),
                None => Kind::from_arg(rest[0]).map(names).unwrap_or_default(),
            },
        },
        _ => Vec::new(),
    }
}

/// The longest prefix all candidates share.
pub fn common_prefix(cands: &[String]) -> String {
    let Some(first) = cands.first() else { return String::new() };
    let mut n = first.len();
    for c in &cands[1..] {
        n = n.min(first.bytes().zip(c.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(n) {
        n -= 1;
    }
    first[..n].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lab;

    #[test]
    fn completes_verbs_types_names_and_files() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "kubectl apply -f web.yaml");
        lab.advance(30_000);
        let s = &lab.session;
        assert_eq!(complete(s, 0, "kub"), (0, vec!["kubectl".to_string()]));
        assert_eq!(complete(s, 0, "kubectl ap").1, ["api-resources", "apply"], "only the commands kubelab models");
        assert_eq!(complete(s, 0, "kubectl config cu").1, ["current-context"]);
        assert_eq!(complete(s, 0, "kubectl set image sts w").1, ["web"]);
        assert_eq!(complete(s, 0, "kubectl apply -f w").1, ["web.yaml"]);
        assert_eq!(complete(s, 0, "kubectl get statef").1, ["statefulsets"]);
        assert_eq!(complete(s, 0, "kubectl get pods we").1, ["web-0", "web-1"]);
        assert_eq!(complete(s, 0, "kubectl exec -it w").1, ["web-0", "web-1"]);
        assert_eq!(complete(s, 0, "kubectl delete pvc ").1, ["www-web-0", "www-web-1"]);
        assert_eq!(complete(s, 0, "kubectl get pods -n kube-").1, ["kube-node-lease", "kube-public", "kube-system"]);
        assert_eq!(common_prefix(&["web-0".into(), "web-1".into()]), "web-");
        // Any text a learner types, Korean and wide spaces included, completes without panic.
        assert_eq!(complete(s, 0, "kubectl get pods\u{3000}we").1, ["web-0", "web-1"]);
        assert_eq!(complete(s, 0, "한글\u{3000}").1, ["deploy.yaml", "web.yaml"]);
        assert_eq!(common_prefix(&["가나".into(), "가다".into()]), "가");
    }

    #[test]
    fn completes_paths_a_directory_at_a_time_as_bash_does() {
        let mut lab = Lab::seed_lab();
        lab.run(0, "mkdir -p lab/db && echo x > lab/a.yaml && cd lab");
        let s = &lab.session;
        assert_eq!(complete(s, 0, "cat ").1, ["a.yaml", "db/"]);
        assert_eq!(complete(s, 0, "cd ").1, ["db/"]);
        assert_eq!(complete(s, 1, "kubectl apply -f lab/").1, ["lab/a.yaml", "lab/db/"]);
        assert_eq!(complete(s, 1, "cat /root/w").1, ["/root/web.yaml"]);
        assert_eq!(complete(s, 1, "cd /u").1, ["/usr/"]);
    }
}
