//! Inside pods (issue 3, first part): DNS answers in each client's format (reference §4.5),
//! curl against nginx and its errors, files on volumes versus the container's layer, and
//! kubectl exec's errors.

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

fn lab() -> Session {
    let mut s = Session::new(SimConfig::seeded(1)).with_loader(common::files_loader());
    s.run_line("kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    s
}

fn run(s: &mut Session, line: &str) -> String {
    s.run_line(line).0.text()
}

fn ip_of(s: &Session, pod: &str) -> String {
    kubelab::sim::obj::str_at(s.sim.get(kubelab::sim::Kind::Pod, "default", pod).unwrap(), "/status/podIP")
        .unwrap()
        .to_string()
}

#[test]
fn busybox_1_28_uses_the_search_list_and_prints_reverse_names() {
    let mut s = lab();
    run(&mut s, "kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm");
    let ip = ip_of(&s, "web-0");
    let out = run(&mut s, "nslookup web-0.nginx");
    assert_eq!(out, format!("Server:    10.200.1.10\nAddress 1: 10.200.1.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: {ip} web-0.nginx.default.svc.cluster.local\n"));
    assert!(run(&mut s, "nslookup -type=srv nginx").contains("Usage: nslookup [HOST] [SERVER]"));
    // `exit` exits with the last command's status (the usage error's 1): the pod fails.
    assert_eq!(run(&mut s, "exit"), "pod \"dns-test\" deleted\npod default/dns-test terminated (Error)\n");
}

#[test]
fn newer_busybox_does_not_search_dotted_names() {
    let mut s = lab();
    run(&mut s, "kubectl run -it --rm b --image=busybox:1.36 --restart=Never -- sh");
    let out = run(&mut s, "nslookup web-0.nginx");
    assert_eq!(out, "Server:\t\t10.200.1.10\nAddress:\t10.200.1.10:53\n\n** server can't find web-0.nginx: NXDOMAIN\n\n** server can't find web-0.nginx: NXDOMAIN\n\n");
    let out = run(&mut s, "nslookup web-0.nginx.default.svc.cluster.local");
    assert!(out.contains("Name:\tweb-0.nginx.default.svc.cluster.local\nAddress: "), "{out}");
    run(&mut s, "exit");
}

#[test]
fn headless_names_need_ready_endpoints_and_cluster_ips_resolve_anyway() {
    let mut s = lab();
    run(&mut s, "kubectl run -it --rm n --image=nicolaka/netshoot --restart=Never -- zsh");
    let out = run(&mut s, "nslookup kubernetes.default");
    assert!(out.contains("Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.200.1.1\n"), "{out}");
    assert!(run(&mut s, "nslookup nosuch").contains("** server can't find nosuch: NXDOMAIN"));
    assert_eq!(run(&mut s, "dig +short web-1.nginx.default.svc.cluster.local"), format!("{}\n", ip_of(&s, "web-1")));
    let out = run(&mut s, "dig +short SRV _web._tcp.nginx.default.svc.cluster.local");
    assert_eq!(out, "0 50 80 web-0.nginx.default.svc.cluster.local.\n0 50 80 web-1.nginx.default.svc.cluster.local.\n");
    // Scale to zero: no ready endpoints, so the headless name is NXDOMAIN.
    run(&mut s, "exit");
    run(&mut s, "kubectl scale sts web --replicas=0");
    s.sim.run_until_idle(600_000);
    run(&mut s, "kubectl run -it --rm n2 --image=nicolaka/netshoot --restart=Never -- zsh");
    assert!(run(&mut s, "nslookup nginx").contains("** server can't find nginx: NXDOMAIN"));
    run(&mut s, "exit");
}

#[test]
fn nginx_serves_its_html_volume_and_curl_reports_errors() {
    let mut s = lab();
    // The empty local-path volume hides the image's welcome page.
    assert!(run(&mut s, "kubectl exec web-0 -- curl -s http://localhost/").contains("<title>403 Forbidden</title>"));
    run(&mut s, "kubectl exec web-0 -- sh -c 'echo hello > /usr/share/nginx/html/index.html'");
    assert_eq!(run(&mut s, "kubectl exec web-0 -- curl -s http://localhost/"), "hello\n");
    assert_eq!(
        run(&mut s, "kubectl exec web-1 -- curl -s http://web-0.nginx/"),
        "hello\n",
        "pod DNS names through the search list"
    );
    assert!(run(&mut s, "kubectl exec web-0 -- curl http://nope/").contains("curl: (6) Could not resolve host: nope"));
    assert!(run(&mut s, "kubectl exec web-0 -- curl http://localhost:8080/")
        .contains("Failed to connect to localhost port 8080"));
    // A file outside the volume is gone when the pod is re-created; the volume's stays.
    run(&mut s, "kubectl exec web-0 -- sh -c 'echo scratch > /tmp/note'");
    assert_eq!(run(&mut s, "kubectl exec web-0 -- cat /tmp/note"), "scratch\n");
    run(&mut s, "kubectl delete pod web-0");
    s.sim.run_until_idle(600_000);
    assert!(run(&mut s, "kubectl exec web-0 -- cat /tmp/note").contains("cat: /tmp/note: No such file or directory"));
    assert_eq!(run(&mut s, "kubectl exec web-0 -- cat /usr/share/nginx/html/index.html"), "hello\n");
    // Scale down and up: the claim and its data come back with the ordinal.
    run(&mut s, "kubectl scale sts web --replicas=0");
    s.sim.run_until_idle(600_000);
    run(&mut s, "kubectl scale sts web --replicas=2");
    s.sim.run_until_idle(600_000);
    assert_eq!(run(&mut s, "kubectl exec web-0 -- cat /usr/share/nginx/html/index.html"), "hello\n");
    // Deleting the claims deletes the volumes and their data.
    run(&mut s, "kubectl delete sts web");
    run(&mut s, "kubectl delete pvc --all");
    s.sim.run_until_idle(600_000);
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    assert!(run(&mut s, "kubectl exec web-0 -- curl -s localhost").contains("403 Forbidden"));
}

#[test]
fn exec_errors_are_kubectls_and_the_shells() {
    let mut s = lab();
    assert_eq!(
        run(&mut s, "kubectl exec web-9 -- hostname"),
        "Error from server (NotFound): pods \"web-9\" not found\n"
    );
    assert_eq!(run(&mut s, "kubectl exec web-0"), "error: you must specify at least one command for the container\n");
    let out = run(&mut s, "kubectl exec web-0 -- sh -c 'nosuch'");
    assert_eq!(out, "sh: 1: nosuch: not found\ncommand terminated with exit code 127\n");
    assert!(run(&mut s, "kubectl exec web-0 -- nosuch")
        .contains("exec: \"nosuch\": executable file not found in $PATH: unknown"));
    assert_eq!(
        run(&mut s, "kubectl exec web-0 -c nope -- hostname"),
        "Error from server (BadRequest): container nope is not valid for pod web-0\n"
    );
    let out = run(&mut s, "kubectl exec web-0 -- cat /etc/hosts");
    assert!(out.ends_with(&format!("{}\tweb-0.nginx.default.svc.cluster.local\tweb-0\n", ip_of(&s, "web-0"))), "{out}");
    assert_eq!(
        run(&mut s, "kubectl exec web-0 -- cat /etc/resolv.conf"),
        "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.200.1.10\noptions ndots:5\n"
    );
    assert_eq!(
        run(&mut s, "kubectl exec web-1 -- sh -c 'echo $(hostname) && exit 3'"),
        "web-1\ncommand terminated with exit code 3\n"
    );
}

#[test]
fn prompts_fit_the_image_and_shell() {
    let mut s = lab();
    assert_eq!(s.prompt(), "root@k8s-m:~# ");
    run(&mut s, "kubectl run -it --rm netdebug --image=nicolaka/netshoot --restart=Never -- zsh");
    assert_eq!(s.prompt(), " netdebug  ~  ", "netshoot's zsh theme, as in the seed");
    run(&mut s, "exit");
    run(&mut s, "kubectl run -it --rm b --image=busybox:1.28 --restart=Never -- sh");
    assert_eq!(s.prompt(), "/ # ");
    run(&mut s, "exit");
    run(&mut s, "kubectl exec -it web-0 -- sh");
    assert_eq!(s.prompt(), "# ");
    assert_eq!(run(&mut s, "hostname"), "web-0\n");
    run(&mut s, "exit");
    assert_eq!(s.prompt(), "root@k8s-m:~# ");
    assert!(s.attached_to().is_none());
    // Ubuntu's root PS1 is `\u@\h:\w\$ `: the working directory, with ~ for $HOME.
    run(&mut s, "mkdir lab && cd lab");
    assert_eq!(s.prompt(), "root@k8s-m:~/lab# ");
    run(&mut s, "cd /tmp");
    assert_eq!(s.prompt(), "root@k8s-m:/tmp# ");
    run(&mut s, "cd");
    assert_eq!(s.prompt(), "root@k8s-m:~# ");
}

#[test]
fn two_terminals_are_two_shells_on_one_machine() {
    // Each terminal is its own bash: variables, exports, $? and the working directory are
    // its own; the files are the machine's, shared.
    let mut s = lab();
    let line = |s: &mut Session, t: usize, l: &str| s.run_line_in(t, l).0.text();
    line(&mut s, 0, "export NS=kube-system; cd /tmp; echo shared > /root/note.txt; false");
    assert_eq!(line(&mut s, 1, "echo \"[$NS]\" $? $PWD"), "[] 0 /root\n");
    assert_eq!(line(&mut s, 1, "cat note.txt"), "shared\n");
    assert_eq!(line(&mut s, 0, "echo $NS $PWD"), "kube-system /tmp\n");
    assert_eq!(s.prompt_in(0), "root@k8s-m:/tmp# ");
    assert_eq!(s.prompt_in(1), "root@k8s-m:~# ");
}

#[test]
fn max_unavailable_replaces_several_pods_at_once() {
    // MaxUnavailableStatefulSet is on by default from v1.35 (a v1.26 server drops the field).
    let mut config = SimConfig::seeded(1);
    config.profile.kubernetes_version = "1.35.0".to_string();
    let mut s = Session::new(config).with_loader(common::files_loader());
    s.run_line("kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    run(&mut s, "kubectl scale sts web --replicas=4");
    s.sim.run_until_idle(600_000);
    run(
        &mut s,
        "kubectl patch sts web -p '{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"maxUnavailable\":2}}}}'",
    );
    let c = s.sim.store.cursor();
    run(&mut s, "kubectl patch statefulset web --type='json' -p='[{\"op\": \"replace\", \"path\": \"/spec/template/spec/containers/0/image\", \"value\":\"registry.k8s.io/nginx-slim:0.24\"}]'");
    let first_wave: Vec<String> = s
        .sim
        .store
        .events_since(c)
        .iter()
        .filter(|e| e.key.kind == kubelab::sim::Kind::Pod && kubelab::sim::obj::is_deleting(&e.obj))
        .map(|e| e.key.name.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(first_wave, ["web-2", "web-3"], "the two highest ordinals go together");
    s.sim.run_until_idle(600_000);
    for p in 0..4 {
        let img = run(&mut s, &format!("kubectl get pod web-{p} -o jsonpath={{.spec.containers[0].image}}"));
        assert_eq!(img, "registry.k8s.io/nginx-slim:0.24");
    }
}

#[test]
fn malformed_lines_get_the_images_shell_words() {
    let mut s = lab();
    assert_eq!(
        run(&mut s, "kubectl exec web-0 -- sh -c 'echo \"oops'"),
        "sh: 1: Syntax error: Unterminated quoted string\ncommand terminated with exit code 2\n"
    );
    assert_eq!(
        run(&mut s, "kubectl exec web-0 -- sh -c 'done'"),
        "sh: 1: Syntax error: \"done\" unexpected\ncommand terminated with exit code 2\n"
    );
    run(&mut s, "kubectl run -it --rm b --image=busybox:1.28 --restart=Never -- sh");
    assert_eq!(run(&mut s, "fi"), "sh: syntax error: unexpected \"fi\"\n");
    run(&mut s, "exit");
}

#[test]
fn the_small_shell_inside_pods() {
    let mut s = lab();
    let out = run(&mut s, "kubectl exec web-0 -- sh -c 'mkdir -p /data/a && printf \"%s-%d\\n\" x 1 > /data/a/f && ls /data/a && cat /data/a/f | grep x && rm /data/a/f; ls /data/a; echo end'");
    assert_eq!(out, "f\nx-1\nend\n");
    let env = run(&mut s, "kubectl exec web-0 -- env");
    assert!(env.contains("HOSTNAME=web-0\n") && env.contains("KUBERNETES_SERVICE_HOST=10.200.1.1\n"), "{env}");
    assert_eq!(run(&mut s, "kubectl exec web-0 -- sh -c 'false || echo fallback; echo a >> /tmp/l; echo b >> /tmp/l; cat /tmp/l | head -n 1'"), "fallback\na\n");
    assert_eq!(
        run(&mut s, "kubectl exec web-0 -- sh -c 'cat /nope'"),
        "cat: /nope: No such file or directory\ncommand terminated with exit code 1\n"
    );
    run(&mut s, "kubectl run -it --rm n --image=nicolaka/netshoot --restart=Never -- zsh");
    let ip1 = ip_of(&s, "web-1");
    assert_eq!(run(&mut s, "host web-1.nginx"), format!("web-1.nginx.default.svc.cluster.local has address {ip1}\n"));
    assert_eq!(run(&mut s, "host nosuch"), "Host nosuch not found: 3(NXDOMAIN)\n");
    let ip0 = ip_of(&s, "web-0");
    let out = run(&mut s, &format!("nslookup {ip0}"));
    assert!(out.contains("name = web-0.nginx.default.svc.cluster.local."), "{out}");
    run(&mut s, "exit");
}

#[test]
fn logs_show_what_the_container_printed() {
    let mut s = lab();
    run(&mut s, "kubectl exec web-1 -- curl -s http://web-0.nginx/");
    let out = run(&mut s, "kubectl logs web-0");
    let ip1 = ip_of(&s, "web-1");
    assert!(
        out.starts_with(&format!("{ip1} - - [28/May/2022:"))
            && out.contains("] \"GET / HTTP/1.1\" 403 ")
            && out.ends_with(" \"-\" \"curl/7.38.0\" \"-\"\n"),
        "{out}"
    );
    assert_eq!(run(&mut s, "kubectl logs web-1"), "", "nginx-slim prints nothing at start");
    assert_eq!(run(&mut s, "kubectl logs web-9"), "Error from server (NotFound): pods \"web-9\" not found\n");
    s.write_file(
        "p.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: n\nspec:\n  containers:\n  - name: n\n    image: nginx:1.23\n",
    );
    run(&mut s, "kubectl apply -f p.yaml");
    assert_eq!(
        run(&mut s, "kubectl logs n"),
        "Error from server (BadRequest): container \"n\" in pod \"n\" is waiting to start: ContainerCreating\n"
    );
    s.sim.run_until_idle(600_000);
    let out = run(&mut s, "kubectl logs n --tail=1");
    assert!(out.ends_with("[notice] 1#1: start worker processes\n"), "{out}");
}

#[test]
fn the_lab_machine_has_directories_and_the_file_tools() {
    // GNU coreutils' and bash's words; the editor's files are in root's home.
    let mut s = lab();
    s.write_file("web.yaml", "kind: x\n");
    assert_eq!(s.run_line("cd /nonexistent").0.stderr(), "bash: cd: /nonexistent: No such file or directory\n");
    assert_eq!(s.run_line("cd web.yaml").0.stderr(), "bash: cd: web.yaml: Not a directory\n");
    assert_eq!(run(&mut s, "pwd"), "/root\n");
    assert_eq!(run(&mut s, "mkdir lab && cd lab && echo hi > note.txt && ls && pwd"), "note.txt\n/root/lab\n");
    assert_eq!(s.run_line("mkdir /root/lab").0.stderr(), "mkdir: cannot create directory '/root/lab': File exists\n");
    assert_eq!(s.run_line("mkdir a/b").0.stderr(), "mkdir: cannot create directory 'a/b': No such file or directory\n");
    assert_eq!(run(&mut s, "mkdir -p a/b && ls a"), "b\n");
    assert_eq!(s.run_line("cat /root/lab").0.stderr(), "cat: /root/lab: Is a directory\n");
    assert_eq!(s.run_line("rm /root/lab").0.stderr(), "rm: cannot remove '/root/lab': Is a directory\n");
    assert_eq!(run(&mut s, "cd .. && ls"), "lab\nweb.yaml\n");
    assert_eq!(run(&mut s, "rm -r lab && ls && ls /tmp"), "web.yaml\n");
    assert_eq!(s.run_line("ls lab").0.stderr(), "ls: cannot access 'lab': No such file or directory\n");
    assert_eq!(s.run_line("echo x > nodir/f.txt").0.stderr(), "bash: nodir/f.txt: No such file or directory\n");
    assert_eq!(s.run_line("cat > /tmp/f.txt <<EOF\nhi\nEOF").0.stderr(), "");
    assert_eq!(run(&mut s, "cat /tmp/f.txt"), "hi\n");
    assert_eq!(s.run_line("echo x > /tmp").0.stderr(), "bash: /tmp: Is a directory\n");
    assert_eq!(run(&mut s, "ls /tmp"), "f.txt\n");
}

/// A container has its image's directories, and its shell answers a bad `cd` or redirect in its
/// own words and status: dash and ash (`sh_error`, status 2) word them unlike bash.
#[test]
fn container_shells_check_directories_in_their_own_words() {
    let mut s = lab();
    let ls = run(&mut s, "kubectl exec web-0 -- ls /");
    for d in ["etc", "tmp", "usr", "var"] {
        assert!(ls.lines().any(|l| l == d), "{ls}");
    }
    let out = run(&mut s, "kubectl exec web-0 -- sh -c 'cd /nope; echo $?; cd /etc/hostname; cd /tmp && pwd; echo x > /nope/f; echo $?; echo x > /tmp; cat < /nofile; mkdir /data && cd /data && pwd'");
    assert_eq!(
        out,
        "sh: 1: cd: can't cd to /nope\n2\nsh: 1: cd: can't cd to /etc/hostname\n/tmp\nsh: 1: cannot create /nope/f: Directory nonexistent\n2\nsh: 1: cannot create /tmp: Is a directory\nsh: 1: cannot open /nofile: No such file\n/data\n"
    );
    let out = run(&mut s, "kubectl exec web-0 -- bash -c 'cd /nope; echo $?; echo x > /nope/f'");
    assert_eq!(out, "bash: cd: /nope: No such file or directory\n1\nbash: /nope/f: No such file or directory\ncommand terminated with exit code 1\n");
    run(&mut s, "kubectl run -it --rm b --image=busybox:1.36 --restart=Never -- sh");
    assert_eq!(run(&mut s, "cd /nope; echo $?"), "sh: cd: can't cd to /nope: No such file or directory\n2\n");
    assert_eq!(run(&mut s, "echo x > /nope/f"), "sh: can't create /nope/f: nonexistent directory\n");
    assert_eq!(run(&mut s, "cd /tmp && pwd"), "/tmp\n");
    run(&mut s, "exit");
    // Back on the lab machine: bash.
    assert_eq!(run(&mut s, "cd /nope"), "bash: cd: /nope: No such file or directory\n");
}

/// A container's main process runs: what it writes is its log, its status is the container's
/// exit code (`false` exits 1, so the pod shows Error, not Completed).
#[test]
fn containers_run_their_command_and_log_its_output() {
    let mut s = lab();
    run(&mut s, "kubectl run once --image=busybox --restart=Never -- echo hello");
    run(&mut s, "kubectl run fail --image=busybox --restart=Never -- sh -c 'echo starting; echo oops >&2; exit 3'");
    run(&mut s, "kubectl run no --image=busybox --restart=Never -- false");
    s.sim.run_until_idle(60_000);
    assert_eq!(run(&mut s, "kubectl logs once"), "hello\n");
    assert_eq!(run(&mut s, "kubectl logs fail"), "starting\noops\n");
    let status = |s: &mut Session, pod: &str| {
        run(s, &format!("kubectl get pod {pod} --no-headers")).split_whitespace().nth(2).unwrap().to_string()
    };
    assert_eq!(status(&mut s, "once"), "Completed");
    assert_eq!(status(&mut s, "fail"), "Error");
    assert_eq!(status(&mut s, "no"), "Error");
    let pod = s.sim.get(kubelab::sim::Kind::Pod, "default", "fail").unwrap();
    assert_eq!(kubelab::sim::obj::i64_at(pod, "/status/containerStatuses/0/state/terminated/exitCode"), Some(3));
}

/// A container that keeps failing: restartCount goes up when the next container starts
/// (kuberuntime: `restartCount = status.RestartCount + 1`), the first restart is at once and
/// later ones wait out a back-off; a process that ends within the PLEG's relist second is never
/// seen running.
#[test]
fn a_crash_loop_counts_restarts_as_the_kubelet_does() {
    let mut s = lab();
    run(&mut s, "kubectl run crash --image=busybox -- false");
    let out = run(&mut s, "kubectl get pod crash -w --request-timeout=45s");
    let rows: Vec<(String, String)> = out
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[2].to_string(), f[3].to_string())
        })
        .collect();
    assert!(!rows.iter().any(|(st, _)| st == "Running"), "{out}");
    let states: Vec<(&str, &str)> = rows
        .iter()
        .filter(|(st, _)| st != "Pending" && st != "ContainerCreating")
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .take(6)
        .collect();
    assert_eq!(
        states,
        [
            ("Error", "0"),
            ("Error", "1"),
            ("CrashLoopBackOff", "1"),
            ("Error", "2"),
            ("CrashLoopBackOff", "2"),
            ("Error", "3")
        ],
        "{out}"
    );
}

/// `TYPE/NAME` for `exec` and `logs`: the first of the workload's or Service's pods, ordered
/// as `podutils.ByLogging` orders them; `logs` says which it took (`logsforobject.go`).
#[test]
fn exec_and_logs_take_a_workloads_first_pod() {
    let mut s = lab();
    assert_eq!(run(&mut s, "kubectl exec sts/web -- hostname"), "web-0\n");
    assert_eq!(run(&mut s, "kubectl exec svc/nginx -- hostname"), "web-0\n");
    let (out, _) = s.run_line("kubectl logs statefulset/web");
    assert_eq!(out.stderr(), "Found 2 pods, using pod/web-0\n");
    assert_eq!(
        run(&mut s, "kubectl logs deploy/nope"),
        "Error from server (NotFound): deployments.apps \"nope\" not found\n"
    );
    assert_eq!(
        run(&mut s, "kubectl exec pvc/www-web-0 -- ls"),
        "error: cannot attach to *v1.PersistentVolumeClaim: not implemented\n"
    );
}

/// The lab machine reaches the cluster's addresses as a node does: pod IPs (Calico), cluster
/// IPs and NodePorts (kube-proxy, on `localhost` and every node's address); names stay
/// unresolved (the node does not use the cluster DNS).
#[test]
fn the_node_curls_pod_ips_cluster_ips_and_node_ports() {
    let mut s = lab();
    run(&mut s, "kubectl create deployment web2 --image=nginx:1.25 --replicas=2");
    run(&mut s, "kubectl expose deploy web2 --port=80 --type=NodePort");
    s.sim.run_until_idle(600_000);
    let svc = s.sim.get(kubelab::sim::Kind::Service, "default", "web2").unwrap().clone();
    let cluster_ip = kubelab::sim::obj::str_at(&svc, "/spec/clusterIP").unwrap().to_string();
    let node_port = kubelab::sim::obj::i64_at(&svc, "/spec/ports/0/nodePort").unwrap();
    let welcome = "<title>Welcome to nginx!</title>\n";
    assert_eq!(run(&mut s, &format!("curl -s {cluster_ip} | grep title")), welcome);
    assert_eq!(run(&mut s, &format!("curl -s localhost:{node_port} | grep title")), welcome);
    assert_eq!(run(&mut s, &format!("curl -s 192.168.10.101:{node_port} | grep title")), welcome);
    // web-0's html directory is its empty volume: nginx forbids the listing.
    let ip = ip_of(&s, "web-0");
    assert!(run(&mut s, &format!("curl -s {ip}")).contains("<title>403 Forbidden</title>"));
    assert_eq!(
        run(&mut s, "curl localhost:8080"),
        "curl: (7) Failed to connect to localhost port 8080: Connection refused\n"
    );
    assert_eq!(run(&mut s, "curl web2"), "curl: (6) Could not resolve host: web2\n");
}

/// A pod's spec is fixed but for images and a few fields (`ValidatePodUpdate`); a new image
/// makes the kubelet kill the container ("definition changed") and start it again: RESTARTS 1.
#[test]
fn pods_refuse_spec_changes_but_restart_for_a_new_image() {
    let mut s = lab();
    run(&mut s, "kubectl run p --image=nginx:1.25");
    s.sim.run_until_idle(60_000);
    let out = run(
        &mut s,
        r#"kubectl patch pod p -p '{"spec":{"containers":[{"name":"p","ports":[{"containerPort":8080}]}]}}'"#,
    );
    assert!(out.starts_with("The Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`"), "{out}");
    assert_eq!(run(&mut s, r#"kubectl patch pod p -p '{"spec":{"activeDeadlineSeconds":3600}}'"#), "pod/p patched\n");
    assert_eq!(run(&mut s, "kubectl set image pod/p p=nginx:1.26"), "pod/p image updated\n");
    s.sim.run_until_idle(60_000);
    let pod = s.sim.get(kubelab::sim::Kind::Pod, "default", "p").unwrap().clone();
    let st = |p: &str| kubelab::sim::obj::str_at(&pod, p).map(String::from);
    assert_eq!(st("/status/containerStatuses/0/image").as_deref(), Some("nginx:1.26"));
    assert_eq!(kubelab::sim::obj::i64_at(&pod, "/status/containerStatuses/0/restartCount"), Some(1));
    assert_eq!(st("/status/containerStatuses/0/lastState/terminated/reason").as_deref(), Some("Completed"));
    assert!(run(&mut s, "kubectl describe pod p").contains("Container p definition changed, will be restarted"));
}

/// `kubectl run -it --rm --restart=Never -- PROGRAM` (the DNS-debugging one-liner): the
/// terminal shows what the program wrote, the pod is deleted, and a failure is the container's
/// status (`run.go`: `pod default/t2 terminated (Error)`, exit 3).
#[test]
fn run_it_of_a_program_shows_its_output_and_cleans_up() {
    let mut s = lab();
    let ip = ip_of(&s, "web-0");
    let (out, code) = s.run_line("kubectl run t --image=busybox:1.28 --rm -it --restart=Never -- nslookup web-0.nginx");
    assert_eq!(code, 0);
    assert_eq!(out.stdout(), format!("Server:    10.200.1.10\nAddress 1: 10.200.1.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: {ip} web-0.nginx.default.svc.cluster.local\npod \"t\" deleted\n"));
    let (out, code) = s.run_line("kubectl run t2 --image=busybox --rm -it --restart=Never -- sh -c 'echo bye; exit 3'");
    assert_eq!(code, 3);
    assert_eq!(out.stdout(), "bye\npod \"t2\" deleted\n");
    assert!(out.stderr().ends_with("pod default/t2 terminated (Error)\n"), "{}", out.stderr());
    assert!(s.sim.get(kubelab::sim::Kind::Pod, "default", "t2").is_none());
}

/// `kubectl apply -f URL` reads the page as `curl` does; `date` prints GNU's format on the lab
/// machine as in containers.
#[test]
fn apply_reads_urls_and_date_prints_as_gnu_date() {
    let mut s = Session::new(SimConfig::seeded(1)).with_loader(common::files_loader());
    assert_eq!(
        run(&mut s, "kubectl apply -f https://k8s.io/examples/application/web/web.yaml"),
        "service/nginx created\nstatefulset.apps/web created\n"
    );
    assert_eq!(
        run(&mut s, "kubectl apply -f https://example.com/x.yaml"),
        "error: Get \"https://example.com/x.yaml\": dial tcp: lookup example.com on 127.0.0.53:53: no such host\n"
    );
    assert_eq!(run(&mut s, "date"), "Sat May 28 09:00:00 UTC 2022\n");
}

/// ConfigMaps and Secrets as a database lab uses them: `kubectl create secret generic` and
/// `create configmap` from literals (a Secret's values base64 in `data`, `stringData` folded into
/// it), `secretKeyRef`/`envFrom`/`fieldRef` in the container's environment with the Services'
/// variables; a missing Secret holds the container in CreateContainerConfigError until it
/// appears.
#[test]
fn secrets_and_config_maps_reach_the_container() {
    let mut s = lab();
    let (out, _) =
        s.run_line("kubectl create secret generic db --from-literal=password=s3cret --dry-run=client -o yaml");
    assert_eq!(
        out.stdout(),
        "apiVersion: v1\ndata:\n  password: czNjcmV0\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: db\n"
    );
    assert_eq!(run(&mut s, "kubectl create secret generic db --from-literal=password=s3cret"), "secret/db created\n");
    assert_eq!(
        run(&mut s, "kubectl create configmap cfg --from-literal=mode=dev --from-literal=level=3"),
        "configmap/cfg created\n"
    );
    s.write_file("s.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\nstringData:\n  user: root\n");
    run(&mut s, "kubectl apply -f s.yaml");
    let plain = s.sim.get(kubelab::sim::Kind::Secret, "default", "plain").unwrap();
    assert_eq!(kubelab::sim::obj::str_at(plain, "/data/user"), Some("cm9vdA=="));
    assert!(plain.get("stringData").is_none());
    assert_eq!(kubelab::sim::obj::str_at(plain, "/type"), Some("Opaque"));
    s.write_file("app.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n  - name: app\n    image: busybox\n    command: [\"sh\", \"-c\", \"sleep 3600\"]\n    env:\n    - name: DB_PASSWORD\n      valueFrom:\n        secretKeyRef:\n          name: db\n          key: password\n    - name: ME\n      valueFrom:\n        fieldRef:\n          fieldPath: metadata.name\n    envFrom:\n    - configMapRef:\n        name: cfg\n      prefix: CFG_\n    - secretRef:\n        name: nope\n");
    run(&mut s, "kubectl apply -f app.yaml");
    s.sim.run_until_idle(30_000);
    let status =
        |s: &mut Session| run(s, "kubectl get pod app --no-headers").split_whitespace().nth(2).unwrap().to_string();
    assert_eq!(status(&mut s), "CreateContainerConfigError");
    assert!(run(&mut s, "kubectl describe pod app").contains("Error: secret \"nope\" not found"));
    run(&mut s, "kubectl create secret generic nope --from-literal=k=v");
    s.sim.run_until_idle(30_000);
    assert_eq!(status(&mut s), "Running");
    assert_eq!(
        run(&mut s, "kubectl exec app -- printenv DB_PASSWORD CFG_mode CFG_level ME k"),
        "s3cret\ndev\n3\napp\nv\n"
    );
    let ip = kubelab::sim::obj::str_at(
        s.sim.get(kubelab::sim::Kind::Service, "default", "kubernetes").unwrap(),
        "/spec/clusterIP",
    )
    .unwrap()
    .to_string();
    assert_eq!(
        run(&mut s, "kubectl exec app -- printenv KUBERNETES_PORT_443_TCP KUBERNETES_SERVICE_PORT_HTTPS"),
        format!("tcp://{ip}:443\n443\n")
    );
}

/// `kubectl logs` shows the current container's output; `--previous` the one before it, or the
/// API server's BadRequest when there was none. `exec` into a pod with no node is refused by
/// the API server (`streamLocation`).
#[test]
fn logs_keep_the_previous_container_and_exec_needs_a_node() {
    let mut s = lab();
    run(&mut s, "kubectl run crash --image=busybox -- sh -c 'echo boom; exit 1'");
    run(&mut s, "kubectl run ok --image=busybox -- sh -c 'echo hi; sleep 3600'");
    s.sim.run_until_idle(40_000);
    assert_eq!(run(&mut s, "kubectl logs crash"), "boom\n", "one container's output, not every restart's");
    assert_eq!(run(&mut s, "kubectl logs crash --previous"), "boom\n");
    assert_eq!(
        run(&mut s, "kubectl logs ok -p"),
        "Error from server (BadRequest): previous terminated container \"ok\" in pod \"ok\" not found\n"
    );
    run(&mut s, "kubectl scale sts web --replicas=3");
    // web-2 waits for its volume's node (WaitForFirstConsumer) before it is scheduled.
    let (out, code) = s.run_line("kubectl exec web-2 -- hostname");
    assert_eq!(
        (out.stderr().as_str(), code),
        ("Error from server (BadRequest): pod web-2 does not have a host assigned\n", 1)
    );
}

/// Leaving an attached shell: an exec session's failure is `command terminated with exit code
/// N`; a `run -it` shell was the container's main process, so the pod completes, `--rm`
/// deletes it, and a failure is `pod default/t terminated (Error)` (run.go). `$?` follows.
#[test]
fn leaving_an_attached_shell_reports_its_status() {
    let mut s = lab();
    run(&mut s, "kubectl exec -it web-0 -- sh");
    let (out, _) = s.run_line("exit 3");
    assert_eq!(out.stderr(), "command terminated with exit code 3\n");
    assert_eq!(run(&mut s, "echo $?"), "3\n");
    run(&mut s, "kubectl run t --image=busybox -it --rm --restart=Never -- sh");
    let (out, _) = s.run_line("exit 3");
    assert_eq!(
        (out.stdout().as_str(), out.stderr().as_str()),
        ("pod \"t\" deleted\n", "pod default/t terminated (Error)\n")
    );
    assert_eq!(run(&mut s, "echo $?"), "3\n");
    run(&mut s, "kubectl run keep --image=busybox -it --restart=Never -- sh");
    run(&mut s, "exit");
    assert_eq!(run(&mut s, "kubectl get pod keep --no-headers").split_whitespace().nth(2), Some("Completed"));
}

/// The lab machine's other tools in a database lab's habits: a Secret's value through
/// `base64 -d`, a manifest edited with `sed -i`, columns with `awk`, `xargs` running kubectl.
#[test]
fn the_lab_machine_pipes_kubectl_through_its_tools() {
    let mut s = lab();
    run(&mut s, "kubectl create secret generic db --from-literal=password=s3cret");
    assert_eq!(run(&mut s, "kubectl get secret db -o jsonpath='{.data.password}' | base64 -d"), "s3cret");
    run(&mut s, "curl -s -O https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/application/web/web.yaml");
    run(&mut s, "sed -i 's/replicas: 2/replicas: 3/' web.yaml");
    assert_eq!(run(&mut s, "grep replicas: web.yaml"), "  replicas: 3\n");
    assert_eq!(run(&mut s, "kubectl get pods --no-headers | awk '{print $1, $3}'"), "web-0 Running\nweb-1 Running\n");
    assert_eq!(
        run(&mut s, "kubectl get pods -o name | xargs kubectl delete --wait=false"),
        "pod \"web-0\" deleted\npod \"web-1\" deleted\n"
    );
    assert_eq!(run(&mut s, "hostname; which kubectl nosuch; echo $?"), "k8s-m\n/usr/bin/kubectl\n1\n");
}

/// `hostname -f` reads the kubelet's /etc/hosts: a StatefulSet pod's name under its Service.
/// kubectl 1.24-1.27 warn that `version --short` is deprecated.
#[test]
fn hostname_f_and_the_short_version_warning() {
    let mut s = lab();
    assert_eq!(run(&mut s, "kubectl exec web-0 -- hostname -f"), "web-0.nginx.default.svc.cluster.local\n");
    assert_eq!(run(&mut s, "kubectl exec web-0 -- hostname"), "web-0\n");
    let (out, _) = s.run_line("kubectl version --short");
    assert_eq!(out.stderr(), "Flag --short has been deprecated, and will be removed in the future. The --short output will become the default.\n");
}

/// `uname` prints the pod's hostname (the UTS namespace is the pod's) and the node's kernel
/// (its `nodeInfo.kernelVersion`), fields in uname's own order whatever the flags' order.
#[test]
fn uname_names_the_pod_and_the_nodes_kernel() {
    let mut s = lab();
    let pod = s.sim.get(kubelab::sim::Kind::Pod, "default", "web-1").unwrap().clone();
    let node_name = kubelab::sim::obj::str_at(&pod, "/spec/nodeName").unwrap().to_string();
    let kernel = kubelab::sim::obj::str_at(
        s.sim.get(kubelab::sim::Kind::Node, "", &node_name).unwrap(),
        "/status/nodeInfo/kernelVersion",
    )
    .unwrap()
    .to_string();
    assert_eq!(run(&mut s, "kubectl exec web-1 -- uname -n"), "web-1\n");
    assert_eq!(run(&mut s, "kubectl exec web-1 -- uname -r -s"), format!("Linux {kernel}\n"));
    assert!(run(&mut s, "kubectl exec web-1 -- uname -a").starts_with(&format!("Linux web-1 {kernel} #")));
    assert!(run(&mut s, "kubectl exec web-1 -- uname -a").ends_with(" x86_64 GNU/Linux\n"));
    assert_eq!(run(&mut s, "kubectl exec web-1 -- uname"), "Linux\n");
}

/// A shell in a container starts in the image's WORKDIR (`/` for nginx; netshoot's Dockerfile
/// sets `/root`) or the container's `workingDir`; the runtime sets no `USER`.
#[test]
fn exec_starts_in_the_working_directory() {
    let mut s = lab();
    assert_eq!(run(&mut s, "kubectl exec web-0 -- pwd"), "/\n");
    assert!(run(&mut s, "kubectl exec web-0 -- ls").contains("usr\n"));
    assert!(!run(&mut s, "kubectl exec web-0 -- env").contains("USER="));
    run(&mut s, "kubectl run ns --image=nicolaka/netshoot -- sleep 3600");
    run(&mut s, "cat > w.yaml <<'E'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  containers:\n  - name: w\n    image: busybox\n    workingDir: /tmp\n    command: [sleep, \"3600\"]\nE");
    run(&mut s, "kubectl apply -f w.yaml");
    s.sim.run_until_idle(120_000);
    assert_eq!(run(&mut s, "kubectl exec ns -- pwd"), "/root\n");
    assert_eq!(run(&mut s, "kubectl exec w -- pwd"), "/tmp\n");
}

/// busybox's `wget`: the page to stdout with `-qO-`, and busybox's words for a name that does
/// not resolve and an error status.
#[test]
fn busybox_wget_fetches_from_services_and_pods() {
    let mut s = lab();
    run(&mut s, "kubectl create deployment web2 --image=nginx --replicas=2");
    run(&mut s, "kubectl expose deploy web2 --port=80");
    s.sim.run_until_idle(60_000);
    let (out, code) = s.run_line("kubectl run t --image=busybox --rm -it --restart=Never -- wget -qO- web2");
    assert_eq!(code, 0);
    assert!(
        out.stdout().contains("<title>Welcome to nginx!</title>") && out.stdout().ends_with("pod \"t\" deleted\n"),
        "{}{}",
        out.stdout(),
        out.stderr()
    );
    run(&mut s, "kubectl run b --image=busybox -it --rm --restart=Never -- sh");
    assert_eq!(run(&mut s, "wget nope"), "wget: bad address 'nope'\n");
    assert_eq!(run(&mut s, "wget -qO- web-0.nginx"), "wget: server returned error: HTTP/1.1 403 Forbidden\n");
    let out = run(&mut s, "wget web2 && cat index.html | grep title");
    assert!(out.contains("saving to 'index.html'") && out.ends_with("<title>Welcome to nginx!</title>\n"), "{out}");
}

/// `kubectl cp` both ways through the container's tar: a page copied into the nginx volume is
/// served, and copied back with GNU tar's warning about the leading slash.
#[test]
fn kubectl_cp_moves_files_between_the_machine_and_a_container() {
    let mut s = lab();
    run(&mut s, "echo '<h1>from the lab</h1>' > index.html");
    assert_eq!(run(&mut s, "kubectl cp index.html web-0:/usr/share/nginx/html/index.html"), "");
    assert_eq!(run(&mut s, "kubectl exec web-0 -- curl -s localhost"), "<h1>from the lab</h1>\n");
    assert_eq!(
        run(&mut s, "kubectl cp web-0:/usr/share/nginx/html/index.html copy.html"),
        "tar: Removing leading `/' from member names\n"
    );
    assert_eq!(run(&mut s, "cat copy.html"), "<h1>from the lab</h1>\n");
    assert_eq!(run(&mut s, "kubectl cp nope web-0:/tmp/x"), "error: nope doesn't exist in local filesystem\n");
    assert_eq!(run(&mut s, "kubectl cp a b"), "error: one of src or dest must be a remote file specification\n");
}

/// `kubectl port-forward` (portforward.go): held in one terminal on the page, it forwards the
/// lab machine's port to the pod's (a Service's port to its target port) and says `Handling
/// connection for PORT` there as each connection arrives; Ctrl-C closes the port. A pod that
/// is not running cannot be forwarded to; a port already forwarded cannot be taken again.
#[test]
fn port_forward_carries_the_lab_machines_connections_to_the_pod() {
    let mut s = lab();
    s.live = true;
    run(&mut s, "kubectl exec web-0 -- sh -c 'echo web-0 > /usr/share/nginx/html/index.html'");
    let (out, code) = s.run_line_in(0, "kubectl port-forward pod/web-0 8080:80");
    assert_eq!(
        (out.text(), code),
        ("Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n".to_string(), 0)
    );
    assert!(s.busy(0));
    assert_eq!(s.run_line_in(1, "curl -s localhost:8080").0.text(), "web-0\n");
    assert_eq!(s.poll(0).text(), "Handling connection for 8080\n");
    assert_eq!(s.poll(0).text(), "");
    let (out, _) = s.run_line_in(1, "kubectl port-forward svc/nginx 8080:80");
    assert_eq!(out.stderr(), "Unable to listen on port 8080: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:8080: bind: address already in use unable to create listener: Error listen tcp6 [::1]:8080: bind: address already in use]\nerror: unable to listen on any of the requested ports: [{8080 80}]\n");
    s.interrupt(0);
    assert_eq!(
        s.run_line_in(1, "curl localhost:8080").0.stderr(),
        "curl: (7) Failed to connect to localhost port 8080: Connection refused\n"
    );
    // A forward whose pod goes ends: client-go's ErrLostConnectionToPod.
    s.run_line_in(0, "kubectl port-forward pod/web-1 8080:80");
    assert!(s.busy(0));
    s.run_line_in(1, "kubectl delete pod web-1 --wait=false");
    assert_eq!(s.poll(0).stderr(), "error: lost connection to pod\n");
    assert!(!s.busy(0));
    run(&mut s, "kubectl run idle --image=nginx");
    assert_eq!(
        s.run_line_in(1, "kubectl port-forward idle 9090:80").0.stderr(),
        "error: unable to forward port because pod is not running. Current status=Pending\n"
    );
}

/// A missing command is reported in the words of the shell that looked for it: bash in a
/// Debian image says it as bash, its `sh` (dash) as dash.
#[test]
fn not_found_in_the_running_shells_words() {
    let mut s = lab();
    run(&mut s, "kubectl run n --image=nginx");
    s.sim.run_until_idle(120_000);
    assert_eq!(
        s.run_line("kubectl exec n -- bash -c foo").0.stderr(),
        "bash: foo: command not found\ncommand terminated with exit code 127\n"
    );
    assert_eq!(
        s.run_line("kubectl exec n -- sh -c foo").0.stderr(),
        "sh: 1: foo: not found\ncommand terminated with exit code 127\n"
    );
}

/// Readiness per container: an httpGet probe answered 404 by nginx fails with probe/http's
/// words until the page exists; an exec probe fails with its command's output until the file
/// is there; each container turns ready on its own (`1/2`). Probes get SetDefaults_Probe's
/// fields.
#[test]
fn readiness_probes_follow_what_the_containers_serve() {
    let mut s = lab();
    s.write_file("hp.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hp\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n    readinessProbe:\n      httpGet:\n        path: /healthz\n        port: 80\n  - name: side\n    image: busybox\n    command: [sleep, \"3600\"]\n    readinessProbe:\n      exec:\n        command: [cat, /tmp/ready]\n");
    run(&mut s, "kubectl apply -f hp.yaml");
    s.sim.run_until_idle(60_000);
    let messages = run(
        &mut s,
        "kubectl get events --field-selector reason=Unhealthy -o jsonpath='{range .items[*]}{.message}{\"\\n\"}{end}'",
    );
    assert!(messages.contains("Readiness probe failed: HTTP probe failed with statuscode: 404\n"), "{messages}");
    assert!(
        messages.contains("Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory\n"),
        "{messages}"
    );
    assert!(run(&mut s, "kubectl get pod hp --no-headers").contains(" 0/2 "));
    run(&mut s, "kubectl exec hp -c side -- touch /tmp/ready");
    s.sim.advance(15_000);
    assert!(run(&mut s, "kubectl get pod hp --no-headers").contains(" 1/2 "));
    run(&mut s, "kubectl exec hp -c nginx -- sh -c 'echo ok > /usr/share/nginx/html/healthz'");
    s.sim.advance(15_000);
    assert!(run(&mut s, "kubectl get pod hp --no-headers").contains(" 2/2 "));
    assert_eq!(
        run(&mut s, "kubectl get pod hp -o jsonpath={.spec.containers[0].readinessProbe}"),
        "{\"failureThreshold\":3,\"httpGet\":{\"path\":\"/healthz\",\"port\":80,\"scheme\":\"HTTP\"},\"periodSeconds\":10,\"successThreshold\":1,\"timeoutSeconds\":1}"
    );
}

/// `kubectl logs -l` (logs.go): every matching pod, the last 10 lines of each by default;
/// `--prefix` names each line's pod and container; following more pods than
/// --max-log-requests is refused.
#[test]
fn logs_by_selector_with_prefixes() {
    let mut s = lab();
    let out = run(&mut s, "kubectl logs -l app=nginx --prefix");
    assert!(out.lines().all(|l| l.starts_with("[pod/web-0/nginx] ") || l.starts_with("[pod/web-1/nginx] ")), "{out}");
    run(&mut s, "kubectl create deployment d --image=nginx --replicas=2");
    s.sim.run_until_idle(120_000);
    let out = run(&mut s, "kubectl logs -l app=d");
    assert_eq!(out.lines().count(), 20, "10 lines of each of the two pods: {out}");
    let last = run(&mut s, "kubectl logs -l app=d --tail=1");
    assert_eq!(last.lines().count(), 2);
    assert!(last.lines().all(|l| l.ends_with(" [notice] 1#1: start worker processes")), "{last}");
    let (out, code) = s.run_line("kubectl logs -f -l app=d --max-log-requests=1");
    assert_eq!((out.stderr(), code), ("error: you are attempting to follow 2 log streams, but maximum allowed concurrency is 1, use --max-log-requests to increase the limit\n".to_string(), 1));
    assert_eq!(s.run_line("kubectl logs -l app=none").0.stderr(), "No resources found in default namespace.\n");
}

/// A container's main process runs on the cluster's clock: the docs' counter prints a line a
/// second (kubectl logs grows as time passes), a wait loop waits until the Service it looks
/// for exists, and what a script prints after a `sleep` is logged after it.
#[test]
fn main_processes_run_on_the_clusters_clock() {
    let mut s = lab();
    run(&mut s, "kubectl run counter --image=busybox:1.28 -- /bin/sh -c 'i=0; while true; do echo \"$i: $(date)\"; i=$((i+1)); sleep 1; done'");
    run(&mut s, "kubectl run wait --image=busybox:1.28 --restart=Never -- sh -c 'until nslookup myservice; do echo waiting for myservice; sleep 2; done; echo found'");
    run(&mut s, "kubectl run later --image=busybox:1.36 --restart=Never -- sh -c 'echo before; sleep 30; echo after'");
    s.sim.advance(20_000);
    let first = run(&mut s, "kubectl logs counter");
    let n = first.lines().count();
    assert!((10..=20).contains(&n), "{first}");
    assert!(first.starts_with("0: "));
    let dates: Vec<&str> = first.lines().map(|l| l.split_once(": ").unwrap().1).collect();
    assert!(dates.windows(2).all(|w| w[0] < w[1]), "one line a second: {first}");
    assert_eq!(run(&mut s, "kubectl logs later"), "before\n");
    assert!(run(&mut s, "kubectl logs wait").contains("waiting for myservice\n"));
    assert!(run(&mut s, "kubectl get pod wait --no-headers").contains("Running"));
    run(&mut s, "kubectl expose pod counter --name=myservice --port=80");
    s.sim.advance(20_000);
    assert_eq!(run(&mut s, "kubectl logs later"), "before\nafter\n");
    assert!(run(&mut s, "kubectl get pod later --no-headers").contains("Completed"));
    assert!(run(&mut s, "kubectl logs wait").ends_with("found\n"));
    assert!(run(&mut s, "kubectl get pod wait --no-headers").contains("Completed"));
    assert!(run(&mut s, "kubectl logs counter").lines().count() > n + 10);
}

/// The docs' liveness example (exec-liveness.yaml): the file is there for 30 s, then the probe
/// fails with busybox cat's words three times in a row, the kubelet kills the container (the
/// shell ignores SIGTERM: after the grace period) and starts it again.
#[test]
fn a_failing_liveness_probe_restarts_the_container() {
    let mut s = lab();
    s.write_file("exec-liveness.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    test: liveness\n  name: liveness-exec\nspec:\n  containers:\n  - name: liveness\n    image: registry.k8s.io/busybox\n    args:\n    - /bin/sh\n    - -c\n    - touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600\n    livenessProbe:\n      exec:\n        command:\n        - cat\n        - /tmp/healthy\n      initialDelaySeconds: 5\n      periodSeconds: 5\n");
    run(&mut s, "kubectl apply -f exec-liveness.yaml");
    s.sim.advance(30_000);
    assert!(!run(&mut s, "kubectl describe pod liveness-exec").contains("Unhealthy"));
    s.sim.advance(35_000);
    let d = run(&mut s, "kubectl describe pod liveness-exec");
    assert!(
        d.contains(
            "kubelet            Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n"
        ),
        "{d}"
    );
    assert!(d.contains("(x3 over "), "{d}");
    assert!(d.contains("Container liveness failed liveness probe, will be restarted\n"), "{d}");
    s.sim.advance(60_000);
    let row = run(&mut s, "kubectl get pod liveness-exec --no-headers");
    assert!(row.contains("Running") && row.split_whitespace().nth(3) == Some("1"), "{row}");
}

/// `kubectl logs -f` follows what the container writes as the clock runs, and returns when the
/// container ends; a replayed watch stops once what it follows has been quiet for a while even
/// if a container's loop keeps the cluster busy.
#[test]
fn logs_follow_until_the_container_ends() {
    let mut s = lab();
    run(
        &mut s,
        "kubectl run c --image=busybox:1.28 --restart=Never -- sh -c 'for i in 1 2 3; do echo line $i; sleep 2; done'",
    );
    s.sim.advance(20_000);
    run(&mut s, "kubectl delete pod c");
    run(
        &mut s,
        "kubectl run c --image=busybox:1.28 --restart=Never -- sh -c 'for i in 1 2 3; do echo line $i; sleep 2; done'",
    );
    s.sim.advance(3_000);
    let before = s.sim.now().ms();
    let (out, code) = s.run_line("kubectl logs -f c");
    assert_eq!((out.stdout(), code), ("line 1\nline 2\nline 3\n".to_string(), 0));
    assert!(s.sim.now().ms() >= before + 3_000, "it waited for the lines");
    run(&mut s, "kubectl run counter --image=busybox:1.28 -- /bin/sh -c 'while true; do date; sleep 1; done'");
    let t = s.sim.now().ms();
    run(&mut s, "kubectl get pods -w");
    let waited = s.sim.now().ms() - t;
    assert!((60_000..300_000).contains(&waited), "the watch went quiet: {waited} ms");
}

/// The kubelet keeps probing readiness every period: a container whose probe starts failing
/// turns unready after failureThreshold failures, and its Service's endpoints drop it (the
/// address moves to notReadyAddresses); when the probe passes again it is back.
#[test]
fn readiness_is_probed_for_as_long_as_the_container_runs() {
    let mut s = lab();
    s.write_file("r.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: r\n  labels: {app: r}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    command: [sh, -c, 'touch /tmp/ready; sleep 3600']\n    readinessProbe:\n      exec:\n        command: [cat, /tmp/ready]\n      periodSeconds: 5\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: r\nspec:\n  selector: {app: r}\n  ports:\n  - port: 80\n");
    run(&mut s, "kubectl apply -f r.yaml");
    s.sim.advance(30_000);
    assert!(run(&mut s, "kubectl get pod r --no-headers").contains(" 1/1 "));
    let addresses =
        |s: &mut Session, which: &str| run(s, &format!("kubectl get ep r -o jsonpath={{.subsets[*].{which}[*].ip}}"));
    assert!(!addresses(&mut s, "addresses").is_empty());
    run(&mut s, "kubectl exec r -- rm /tmp/ready");
    s.sim.advance(30_000);
    assert!(run(&mut s, "kubectl get pod r --no-headers").contains(" 0/1 "));
    assert!(addresses(&mut s, "addresses").is_empty());
    assert!(!addresses(&mut s, "notReadyAddresses").is_empty());
    run(&mut s, "kubectl exec r -- touch /tmp/ready");
    s.sim.advance(10_000);
    assert!(run(&mut s, "kubectl get pod r --no-headers").contains(" 1/1 "));
}

/// validateContainerLogStatus: while a crashed container waits out its back-off, `logs` and
/// `logs --previous` both read the instance that ended; a container never started has no
/// previous one.
#[test]
fn logs_of_a_crash_looping_container() {
    let mut s = lab();
    run(&mut s, "kubectl run crash --image=busybox:1.36 -- sh -c 'date; exit 1'");
    s.sim.advance(90_000);
    assert!(run(&mut s, "kubectl get pod crash --no-headers").contains("CrashLoopBackOff"));
    let now = run(&mut s, "kubectl logs crash");
    assert_eq!(now.lines().count(), 1, "{now}");
    assert_eq!(run(&mut s, "kubectl logs crash --previous"), now);
    run(&mut s, "kubectl run fresh --image=busybox:1.36 -- sleep 600");
    let (out, code) = s.run_line("kubectl logs fresh --previous");
    assert_eq!(
        (out.stderr(), code),
        (
            "Error from server (BadRequest): previous terminated container \"fresh\" in pod \"fresh\" not found\n"
                .to_string(),
            1
        )
    );
}
