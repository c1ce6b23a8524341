//! Property tests: whatever a person types or pastes, nothing panics (a panic kills the page),
//! every command answers, and the cluster still settles.
#![cfg(not(target_arch = "wasm32"))]

use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;
use proptest::prelude::*;

const WEB: &str = include_str!("../lessons/files/examples/application/web/web.yaml");

fn session() -> Session {
    let mut s = Session::new(SimConfig::seeded(3));
    s.write_file("web.yaml", WEB);
    s
}

/// A mutation of a text: (position fraction, operation, payload).
fn mutate(text: &str, edits: &[(f64, u8, String)]) -> String {
    let mut t: Vec<char> = text.chars().collect();
    for (pos, op, s) in edits {
        if t.is_empty() {
            break;
        }
        let i = ((*pos * t.len() as f64) as usize).min(t.len() - 1);
        match op % 4 {
            0 => {
                t.remove(i);
            }
            1 => {
                for (k, c) in s.chars().enumerate() {
                    t.insert(i + k, c);
                }
            }
            2 => {
                t[i] = s.chars().next().unwrap_or(' ');
            }
            _ => {
                let line_start = t[..i].iter().rposition(|c| *c == '\n').map_or(0, |p| p + 1);
                let line_end = t[i..].iter().position(|c| *c == '\n').map_or(t.len(), |p| i + p + 1);
                let line: Vec<char> = t[line_start..line_end].to_vec();
                for (k, c) in line.iter().enumerate() {
                    t.insert(line_end + k, *c);
                }
            }
        }
    }
    t.into_iter().collect()
}

const WORDS: &[&str] = &[
    "kubectl",
    "get",
    "apply",
    "create",
    "delete",
    "describe",
    "scale",
    "patch",
    "label",
    "annotate",
    "pods",
    "po",
    "sts",
    "statefulset",
    "deploy",
    "rs",
    "svc",
    "ep",
    "endpointslices",
    "pvc",
    "pv",
    "sc",
    "nodes",
    "events",
    "all",
    "controllerrevisions",
    "web",
    "web-0",
    "web-1",
    "nginx",
    "-f",
    "web.yaml",
    "-",
    "-l",
    "app=nginx",
    "-o",
    "yaml",
    "json",
    "wide",
    "name",
    "-w",
    "--watch",
    "-A",
    "-n",
    "default",
    "kube-system",
    "--replicas=3",
    "--replicas",
    "5",
    "-p",
    "{\"spec\":{\"replicas\":1}}",
    "--type=json",
    "--type=merge",
    "[{\"op\":\"remove\",\"path\":\"/spec\"}]",
    "--cascade=orphan",
    "--cascade=foreground",
    "--grace-period=0",
    "--force",
    "--all",
    "--show-labels",
    "x=y",
    "x-",
    "--overwrite",
    "&&",
    ";",
    "||",
    "|",
    "'",
    "\"",
    "for",
    "i",
    "in",
    "0",
    "1",
    "do",
    "done",
    "echo",
    "$i",
    "$(",
    ")",
    "sleep",
    "cat",
    "--help",
    "-h",
    "--wait=false",
    "web-9",
    "foo",
    "--",
    "@",
    "{",
    "}",
];

const POD_WORDS: &[&str] = &[
    "echo",
    "cat",
    "ls",
    "rm",
    "mkdir",
    "-p",
    "-rf",
    "touch",
    "hostname",
    "curl",
    "-s",
    "http://localhost/",
    "http://web-0.nginx/",
    "http://nginx:80/x",
    "nslookup",
    "dig",
    "+short",
    "SRV",
    "host",
    "env",
    "sh",
    "-c",
    "/usr/share/nginx/html/index.html",
    "/tmp/x",
    "/etc/hosts",
    ">",
    ">>",
    "|",
    "grep",
    "web",
    "&&",
    ";",
    "$(hostname)",
    "'",
    "\"",
    "exit",
    "sleep",
    "1",
    "nosuch",
    "-type=srv",
    "nginx",
    "web-0.nginx",
    "1.2.3.4",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_lines_inside_pods_never_panic(words in proptest::collection::vec(prop::sample::select(POD_WORDS.to_vec()), 1..8), raw in "[ -~]{0,24}") {
        let mut s = session();
        s.run_line("kubectl apply -f web.yaml");
        s.sim.run_until_idle(15 * 60 * 1000);
        let line = words.join(" ");
        let quoted = line.replace('\'', "");
        s.run_line(&format!("kubectl exec web-0 -- sh -c '{quoted}'"));
        s.run_line("kubectl run -it --rm t --image=nicolaka/netshoot --restart=Never -- zsh");
        prop_assert!(s.attached_to().is_some());
        s.run_line(&line);
        s.run_line(&raw);
        if s.attached_to().is_some() {
            let (out, _) = s.run_line("exit");
            prop_assert!(out.text().contains("pod \"t\" deleted"));
        }
        let (out, _) = s.run_line("kubectl get pods");
        prop_assert!(!out.text().is_empty());
    }

    #[test]
    fn mangled_manifests_never_panic(edits in proptest::collection::vec((0.0f64..1.0, any::<u8>(), "[ -~\\n\\t]{0,6}"), 0..6)) {
        let text = mutate(WEB, &edits);
        let mut s = session();
        s.write_file("bad.yaml", &text);
        let (out, code) = s.run_line("kubectl apply -f bad.yaml");
        prop_assert!(!out.text().is_empty() || code == 0);
        s.sim.run_until_idle(15 * 60 * 1000);
        let (out, _) = s.run_line("kubectl get all,pvc,pv");
        prop_assert!(!out.text().is_empty());
    }

    #[test]
    fn random_objects_never_panic(kind in prop::sample::select(vec![("v1", "Pod"), ("v1", "Service"), ("v1", "PersistentVolumeClaim"), ("v1", "PersistentVolume"), ("apps/v1", "StatefulSet"), ("apps/v1", "Deployment"), ("apps/v1", "ReplicaSet"), ("storage.k8s.io/v1", "StorageClass")]),
                                  replicas in prop::option::of(-3i64..6), name in "[a-z0-9.-]{0,12}", image in "[a-z:./0-9]{0,14}", junk in "[a-z]{1,8}", use_junk in any::<bool>(), labels in any::<bool>()) {
        let lbl = if labels { "app: x" } else { "app: y" };
        let mut text = format!("apiVersion: {}\nkind: {}\nmetadata:\n  name: {name:?}\n", kind.0, kind.1);
        text.push_str(&format!("spec:\n  selector:\n    matchLabels:\n      app: x\n  template:\n    metadata:\n      labels:\n        {lbl}\n    spec:\n      containers:\n      - name: c\n        image: {image:?}\n"));
        if let Some(r) = replicas { text.push_str(&format!("  replicas: {r}\n")); }
        text.push_str("  containers:\n  - name: c\n    image: nginx\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n  ports:\n  - port: 80\n");
        if use_junk { text.push_str(&format!("  {junk}: 1\n")); }
        let mut s = session();
        s.write_file("r.yaml", &text);
        let (out, _) = s.run_line("kubectl create -f r.yaml");
        prop_assert!(!out.text().is_empty());
        s.sim.run_until_idle(15 * 60 * 1000);
        s.run_line("kubectl delete -f r.yaml");
        s.run_line("kubectl get all -A -o wide");
    }

    #[test]
    fn random_command_lines_never_panic(words in proptest::collection::vec(prop::sample::select(WORDS.to_vec()), 1..9), raw in "[ -~]{0,20}") {
        let mut s = session();
        s.run_line("kubectl apply -f web.yaml");
        let line = words.join(" ");
        let (_out, _code) = s.run_line(&line);
        let (_out, _code) = s.run_line(&raw);
        let (_out, _code) = s.run_line(&format!("kubectl {raw}"));
        // The cluster still answers and settles.
        s.sim.run_until_idle(15 * 60 * 1000);
        let (out, _) = s.run_line("kubectl get pods");
        prop_assert!(!out.text().is_empty());
    }
}

/// Pieces of YAML syntax to splice into manifests.
const YAML_PIECES: &[&str] = &[
    ":",
    ": ",
    "- ",
    "-",
    "\t",
    "  ",
    "\n",
    "\n  ",
    "\n- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    "\"",
    "\\",
    "&a ",
    "*a",
    "&b [*a, *a]",
    "!!int ",
    "!!str ",
    "!x ",
    "|",
    "|-\n",
    ">+2\n",
    "? ",
    "#",
    " #",
    "<<: *a",
    "<<: ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%TAG ! x\n",
    "\u{feff}",
    "\u{85}",
    "\u{2028}",
    "\r",
    "\r\n",
    "0x",
    "0o7",
    "1e9",
    ".nan",
    "~",
    "yes",
    "\\u12",
    "[[[[[[[[",
    "{a: {b: {c: ",
    "\u{7}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The YAML reader answers any text with a value or an error: no panic, no stack overflow.
    #[test]
    fn the_yaml_reader_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = kubelab::support::yaml::parse(&text);
        let _ = kubelab::manifest::parse_documents(&text, "x.yaml");
    }

    #[test]
    fn the_yaml_reader_never_panics_on_mangled_manifests(
        file in prop::sample::select(vec![WEB, include_str!("../lessons/files/deploy.yaml"), include_str!("../lessons/files/compare.yaml")]),
        edits in proptest::collection::vec((0.0f64..1.0, any::<u8>(), prop::sample::select(YAML_PIECES.to_vec()).prop_map(String::from)), 1..8),
    ) {
        let text = mutate(file, &edits);
        let _ = kubelab::support::yaml::parse(&text);
        for d in kubelab::manifest::parse_documents(&text, "m.yaml") {
            if let Err(diag) = d {
                // A problem always says where it is.
                // YAML 1.1 breaks lines at NEL, LS and PS and a lone CR too, as go-yaml does.
                let breaks = text.matches(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']).count();
                prop_assert!(diag.line.is_some_and(|l| l >= 1 && l <= breaks + 2), "{diag:?}");
            }
        }
    }
}

/// Pieces of POSIX patterns, whole and broken, for grep and sed.
const PATTERN_PIECES: &[&str] = &[
    "a",
    "web-",
    ".",
    "*",
    "\\+",
    "\\?",
    "+",
    "?",
    "|",
    "\\|",
    "(",
    ")",
    "\\(",
    "\\)",
    "{",
    "}",
    "\\{",
    "\\}",
    "{2}",
    "\\{2,\\}",
    "{1,3}",
    "{99999}",
    "[",
    "]",
    "[^",
    "[:alpha:]",
    "[[:digit:]]",
    "[[:nope:]]",
    "[a-",
    "z-a]",
    "[.",
    "[=",
    "^",
    "$",
    "\\",
    "\\1",
    "\\w",
    "\\<",
    "\\b",
    "&",
    "/",
    "é",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any pattern, whole or broken, in any syntax: grep answers 0, 1 or 2 and sed 0 or 1, with
    /// no panic (regex-lite runs in linear time, so none can hang either).
    #[test]
    fn any_pattern_gets_an_answer(
        pieces in proptest::collection::vec(prop::sample::select(PATTERN_PIECES.to_vec()), 0..8),
        flags in prop::sample::select(vec!["-G", "-E", "-F", "-w", "-x", "-o", "-io", "-Ewo"]),
    ) {
        let pattern: String = pieces.concat();
        let text = "web-0   1/1   Running\nweb-1 a{2} [x] (y) aaa é\n\n";
        let argv: Vec<String> = ["grep", flags, "-e", &pattern].iter().map(|s| s.to_string()).collect();
        let mut out = kubelab::shell::Output::default();
        let code = kubelab::programs::text::run(&argv, Some(text), &|_| None, &mut out);
        prop_assert!(matches!(code, Some(0..=2)), "{argv:?}: {code:?}");
        for sed_flag in ["-n", "-E"] {
            let script = format!("s/{}/<&>/gp", pattern.replace('/', "\\/"));
            let argv: Vec<String> = ["sed", sed_flag, &script].iter().map(|s| s.to_string()).collect();
            let mut out = kubelab::shell::Output::default();
            let code = kubelab::programs::text::run_more(&argv, Some(text), &|_| None, &mut |_, _| {}, &mut out);
            prop_assert!(matches!(code, Some(0..=1)), "{argv:?}: {code:?} {}", out.text());
        }
    }
}
