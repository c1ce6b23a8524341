//! `kubelab replay` as documented in the README: the transcript on stdout, `-f` paths relative
//! to the script, `@sleep`, comments, exit status 0 unless the script cannot be read.

use std::process::Command;

fn kubelab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kubelab"))
}

fn script(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kubelab-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("web.yaml"), include_str!("../lessons/files/web.yaml")).unwrap();
    let p = dir.join("lab.replay");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn replay_prints_each_line_and_its_output() {
    let p = script("basic", "# a comment\n\nkubectl apply -f web.yaml\n@sleep 2m\nkubectl get sts\nkubectl nope\n");
    let out = kubelab().args(["replay", p.to_str().unwrap(), "--seed", "3"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let want_start = "$ kubectl apply -f web.yaml\nservice/nginx created\nstatefulset.apps/web created\n$ kubectl get sts\nNAME   READY   AGE\nweb    2/2     2m\n$ kubectl nope\nerror: unknown command \"nope\" for \"kubectl\"\n";
    assert!(text.starts_with(want_start), "{text}");
    assert!(!text.contains("a comment"));
}

#[test]
fn same_seed_same_bytes_and_seed_changes_names() {
    let p = script("seeded", "kubectl apply -f web.yaml\n@sleep 1m\nkubectl get pv -o name\n");
    let run = |seed: &str| kubelab().args(["replay", p.to_str().unwrap(), "--seed", seed]).output().unwrap().stdout;
    assert_eq!(run("9"), run("9"));
    assert_ne!(run("9"), run("10"));
}

#[test]
fn unreadable_script_is_the_only_failure() {
    let out = kubelab().args(["replay", "/nonexistent/lab.replay"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let out = kubelab().args(["replay"]).output().unwrap();
    assert!(!out.status.success());
}

#[test]
fn a_profile_changes_the_cluster() {
    let p = script("profile", "kubectl get nodes\nkubectl apply -f web.yaml\nkubectl delete svc nginx\n");
    let prof = p.with_file_name("profile.yaml");
    let text = kubelab::sim::profile::DEFAULT_PROFILE_YAML
        .replace("kubernetesVersion: 1.26.5", "kubernetesVersion: 1.34.1")
        .replace("- {name: k8s-w3, role: worker, ip: 192.168.10.103, podCidr: 172.16.197.0/24}\n", "");
    std::fs::write(&prof, text).unwrap();
    let out = kubelab().args(["replay", p.to_str().unwrap(), "--profile", prof.to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("k8s-w3"), "{text}");
    assert!(text.contains("v1.34.1"), "{text}");
    assert!(text.contains("service \"nginx\" deleted from default namespace"), "{text}");
    std::fs::write(&prof, "kubernetesVersion: nope\n").unwrap();
    let out = kubelab().args(["replay", p.to_str().unwrap(), "--profile", prof.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}
