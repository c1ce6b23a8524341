//! `kubelab replay` as documented in the README: the transcript on stdout, `-f` paths relative
//! to the script, `@sleep`, comments, exit status 0 unless the script cannot be read. The lab
//! machine is a sandbox: the script's folder is its home and nothing else of the host shows.

use std::process::Command;

fn kubelab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kubelab"))
}

fn script(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kubelab-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("web.yaml"), include_str!("../lessons/files/examples/application/web/web.yaml")).unwrap();
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

/// Runs `kubelab replay` on `p` with its stdin an open pipe nobody writes to (a terminal nobody
/// types at), and fails if it takes longer than `secs`: the lab never reads the real stdin.
fn replay_within(p: &std::path::Path, secs: u64) -> (String, String, Option<i32>) {
    use std::process::Stdio;
    let mut child = kubelab()
        .args(["replay", p.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed().as_secs() > secs {
            child.kill().unwrap();
            panic!("kubelab replay {} still running after {secs} s", p.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap(), out.status.code())
}

#[test]
fn the_lab_machine_sees_only_the_script_folder_as_its_home() {
    let p = script(
        "sandbox",
        "cat ../kubelab-secret.txt\ncat /root/../kubelab-secret.txt\ncat /proc/self/status\nhead -1 /etc/hostname\ngrep root /etc/passwd\nwc -l /etc/passwd\nkubectl create configmap h --from-file=/etc/hostname\nkubectl apply -f /etc/passwd\ncat link\nmkdir sub && cd sub\nhead -2 ../web.yaml\ncd /tmp\ncat web.yaml\n",
    );
    let dir = p.parent().unwrap();
    std::fs::write(dir.parent().unwrap().join("kubelab-secret.txt"), "the host's secret\n").unwrap();
    #[cfg(unix)]
    {
        let _ = std::fs::remove_file(dir.join("link"));
        std::os::unix::fs::symlink("/etc/passwd", dir.join("link")).unwrap();
    }
    let (text, _, code) = replay_within(&p, 60);
    assert_eq!(code, Some(0));
    for line in [
        "cat: ../kubelab-secret.txt: No such file or directory\n",
        "cat: /root/../kubelab-secret.txt: No such file or directory\n",
        "cat: /proc/self/status: No such file or directory\n",
        "head: /etc/hostname: No such file or directory\n",
        "grep: /etc/passwd: No such file or directory\n",
        "wc: /etc/passwd: No such file or directory\n",
        "error: error reading /etc/hostname: no such file or directory\n",
        "error: the path \"/etc/passwd\" does not exist\n",
        "$ head -2 ../web.yaml\napiVersion: v1\nkind: Service\n",
        "$ cat web.yaml\ncat: web.yaml: No such file or directory\n",
    ] {
        assert!(text.contains(line), "wanted {line:?} in:\n{text}");
    }
    #[cfg(unix)]
    assert!(text.contains("cat: link: No such file or directory\n"), "{text}");
    assert!(!text.contains("the host's secret"), "{text}");
    assert!(!text.contains("root:x:0:0"), "{text}");
}

#[test]
fn stdin_is_the_lines_here_document_and_never_the_real_one() {
    let p = script(
        "stdin",
        "kubectl apply -f /dev/stdin <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-dev-stdin\nEOF\nkubectl apply -f /dev/stdin\nkubectl apply -f -\ncat /dev/stdin\ncat - <<EOF\nhere\nEOF\nkubectl apply -f fifo\ncat fifo\n",
    );
    #[cfg(unix)]
    {
        let fifo = p.with_file_name("fifo");
        let _ = std::fs::remove_file(&fifo);
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    }
    let (text, _, code) = replay_within(&p, 60);
    assert_eq!(code, Some(0));
    let want = "$ kubectl apply -f /dev/stdin <<EOF\n> apiVersion: v1\n> kind: ConfigMap\n> metadata:\n>   name: from-dev-stdin\n> EOF\nconfigmap/from-dev-stdin created\n$ kubectl apply -f /dev/stdin\nerror: no objects passed to apply\n$ kubectl apply -f -\nerror: no objects passed to apply\n$ cat /dev/stdin\n$ cat - <<EOF\n> here\n> EOF\nhere\n$ kubectl apply -f fifo\nerror: the path \"fifo\" does not exist\n$ cat fifo\ncat: fifo: No such file or directory\n";
    assert_eq!(text, want);
}

#[test]
fn files_that_are_not_utf8_are_read_as_kubectl_reads_them() {
    let p = script(
        "bytes",
        "kubectl apply -f latin1.yaml\nkubectl get cm latin1 -o jsonpath='{.data.k}'\nkubectl apply -f utf16.yaml\nkubectl create configmap raw --from-file=latin1.yaml\nkubectl get cm raw -o jsonpath='{.binaryData}'\nkubectl create secret generic s --from-file=latin1.yaml\nkubectl get secret s -o jsonpath='{.data}'\n",
    );
    let dir = p.parent().unwrap();
    std::fs::write(
        dir.join("latin1.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: latin1\ndata:\n  k: caf\xe9\n",
    )
    .unwrap();
    // UTF-16 with its byte-order mark, as Windows tools write it.
    let utf16: Vec<u8> = [0xFEFFu16]
        .into_iter()
        .chain("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: wide\n".encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(dir.join("utf16.yaml"), utf16).unwrap();
    let (text, _, _) = replay_within(&p, 60);
    let want = "$ kubectl apply -f latin1.yaml\nconfigmap/latin1 created\n$ kubectl get cm latin1 -o jsonpath='{.data.k}'\ncaf\u{FFFD}\n$ kubectl apply -f utf16.yaml\nconfigmap/wide created\n$ kubectl create configmap raw --from-file=latin1.yaml\nconfigmap/raw created\n$ kubectl get cm raw -o jsonpath='{.binaryData}'\n{\"latin1.yaml\":\"YXBpVmVyc2lvbjogdjEKa2luZDogQ29uZmlnTWFwCm1ldGFkYXRhOgogIG5hbWU6IGxhdGluMQpkYXRhOgogIGs6IGNhZukK\"}\n$ kubectl create secret generic s --from-file=latin1.yaml\nsecret/s created\n$ kubectl get secret s -o jsonpath='{.data}'\n{\"latin1.yaml\":\"YXBpVmVyc2lvbjogdjEKa2luZDogQ29uZmlnTWFwCm1ldGFkYXRhOgogIG5hbWU6IGxhdGluMQpkYXRhOgogIGs6IGNhZukK\"}\n";
    assert_eq!(text, want);
}

#[test]
fn a_byte_order_mark_does_not_belong_to_the_first_line() {
    let p = script("bom", "\u{FEFF}echo hi\n");
    let (text, _, _) = replay_within(&p, 60);
    assert_eq!(text, "$ echo hi\nhi\n");
}

#[test]
fn a_reader_that_goes_away_ends_the_replay_quietly() {
    use std::io::{BufRead, BufReader};
    let lines: String = (0..20_000).map(|i| format!("echo line {i}\n")).collect();
    let p = script("pipe", &lines);
    let mut child = kubelab()
        .args(["replay", p.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert_eq!(first, "$ echo line 0\n");
    // The reader is dropped here, as `| head -1` closes the pipe.
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(141), "{:?}", out.status);
}
