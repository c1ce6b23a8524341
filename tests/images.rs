//! The images of kubernetes.io's tutorials and task pages (issue 13, item 8): what each serves,
//! prints and logs, from its source (cited at each test), reached as a learner reaches it:
//! curl and wget from another pod, `kubectl exec`, `kubectl logs`. And images the lab does not
//! know: pulled and run, unless a typo of one it knows.

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::{obj, Kind, SimConfig};

fn lab() -> Session {
    Session::new(SimConfig::seeded(3)).with_loader(common::files_loader())
}

fn run(s: &mut Session, line: &str) -> String {
    let (out, _) = s.run_line(line);
    format!("{}{}", out.stdout(), out.stderr())
}

fn settle(s: &mut Session) {
    s.sim.run_until_idle(120_000);
}

/// The pods whose names start with `prefix`.
fn pods(s: &Session, prefix: &str) -> Vec<String> {
    s.sim
        .store
        .list(Kind::Pod, Some("default"))
        .map(|(k, _)| k.name.clone())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

fn ip_of(s: &Session, pod: &str) -> String {
    obj::str_at(s.sim.get(Kind::Pod, "default", pod).unwrap(), "/status/podIP").unwrap().to_string()
}

fn phase(s: &Session, pod: &str) -> String {
    obj::str_at(s.sim.get(Kind::Pod, "default", pod).unwrap(), "/status/phase").unwrap_or("").to_string()
}

/// hello-app (GoogleCloudPlatform/kubernetes-engine-samples quickstarts/hello-app/main.go):
/// listens on $PORT (8080), logs `Server listening on port 8080` and `Serving request: PATH`,
/// and answers every path with its greeting, version and hostname, as kubernetes.io's
/// "Set up Ingress on Minikube" shows: `Hello, world!`, `Version: 1.0.0`,
/// `Hostname: web-55b8c6998d-8k564`.
#[test]
fn hello_app_greets_with_its_version_and_hostname() {
    let mut s = lab();
    run(&mut s, "kubectl create deployment web --image=gcr.io/google-samples/hello-app:1.0");
    run(&mut s, "kubectl create deployment web2 --image=gcr.io/google-samples/hello-app:2.0");
    run(&mut s, "kubectl expose deployment web --port=8080");
    settle(&mut s);
    let web = pods(&s, "web-");
    assert_eq!(web.len(), 1, "{web:?}");
    let out = run(&mut s, "kubectl run -it --rm c --image=radial/busyboxplus:curl --restart=Never -- sh");
    assert!(!out.contains("ErrImagePull"), "{out}");
    assert_eq!(run(&mut s, "curl -s web:8080"), format!("Hello, world!\nVersion: 1.0.0\nHostname: {}\n", web[0]));
    let web2 = pods(&s, "web2-");
    let ip2 = ip_of(&s, &web2[0]);
    let out = run(&mut s, &format!("curl -s {ip2}:8080/any/path"));
    assert_eq!(out, format!("Hello, world!\nVersion: 2.0.0\nHostname: {}\n", web2[0]));
    run(&mut s, "exit");
    let logs = run(&mut s, "kubectl logs deploy/web");
    let lines: Vec<&str> =
        logs.lines().map(|l| l.split_once(' ').and_then(|(_, r)| r.split_once(' ')).map_or(l, |x| x.1)).collect();
    assert_eq!(lines, ["Server listening on port 8080", "Serving request: /"], "{logs}");
    // From the lab machine: through a port-forward, and a NodePort on a node's address.
    s.live = true;
    s.run_line_in(0, "kubectl port-forward deploy/web 8080");
    let greeting = format!("Hello, world!\nVersion: 1.0.0\nHostname: {}\n", web[0]);
    assert_eq!(s.run_line_in(1, "curl -s localhost:8080").0.text(), greeting);
    s.interrupt(0);
    s.live = false;
    run(&mut s, "kubectl expose deployment web2 --type=NodePort --port=8080");
    let port = run(&mut s, "kubectl get svc web2 -o jsonpath='{.spec.ports[0].nodePort}'");
    let out = run(&mut s, &format!("curl -s 192.168.10.101:{port}"));
    assert_eq!(out, format!("Hello, world!\nVersion: 2.0.0\nHostname: {}\n", web2[0]));
    let logs2 = run(&mut s, "kubectl logs deploy/web2");
    assert!(logs2.contains(" Serving request: /any/path\n"), "{logs2}");
    // Go's log stamp: `2006/01/02 15:04:05 `.
    assert!(logs.as_bytes()[4] == b'/' && logs.as_bytes()[7] == b'/' && logs.as_bytes()[10] == b' ', "{logs}");
}

/// kubernetes.io's "Debug Services": `registry.k8s.io/serve_hostname` behind a Service on
/// port 80 to 9376, reached with `wget -qO-` from `gcr.io/google-containers/busybox`, whose
/// busybox 1.24 `nslookup` answers in the old form. serve_hostname.go answers every request with
/// its hostname (`fmt.Fprintf(w, "%s", hostname)`, no newline).
#[test]
fn serve_hostname_answers_its_hostname_on_9376() {
    let mut s = lab();
    run(&mut s, "kubectl create deployment hostnames --image=registry.k8s.io/serve_hostname --replicas=3");
    run(&mut s, "kubectl expose deployment hostnames --port=80 --target-port=9376");
    settle(&mut s);
    let names = pods(&s, "hostnames-");
    assert_eq!(names.len(), 3);
    for n in &names {
        assert_eq!(phase(&s, n), "Running", "{}", run(&mut s, &format!("kubectl describe pod {n}")));
    }
    run(&mut s, "kubectl run -it --rm --restart=Never busybox --image=gcr.io/google-containers/busybox sh");
    for n in &names {
        let ip = ip_of(&s, n);
        assert_eq!(run(&mut s, &format!("wget -qO- {ip}:9376")), *n);
    }
    let via_service = run(&mut s, "wget -qO- hostnames");
    assert!(names.contains(&via_service), "{via_service}");
    let out = run(&mut s, "nslookup hostnames");
    assert!(
        out.contains("\nName:      hostnames\nAddress 1: 10.")
            && out.contains(" hostnames.default.svc.cluster.local\n"),
        "{out}"
    );
    // Nothing listens on port 80 of a pod.
    let ip0 = ip_of(&s, &names[0]);
    let refused = run(&mut s, &format!("wget -qO- {ip0}:80"));
    assert!(refused.contains("Connection refused"), "{refused}");
    run(&mut s, "exit");
}

const NETEXEC: &str = "apiVersion: v1
kind: Pod
metadata:
  name: netexec
spec:
  containers:
  - name: agnhost
    image: registry.k8s.io/e2e-test-images/agnhost:2.40
    args: [\"netexec\", \"--http-port=8080\"]
";

/// agnhost netexec (test/images/agnhost/netexec/netexec.go): `Started HTTP server on port
/// 8080` and the UDP server's line; `/hostname` the hostname, `/echo?msg=` the message,
/// `/clientip` the caller's `ip:port`, `/shell?cmd=` the command's output as JSON; each request
/// logged as `GET PATH`.
#[test]
fn agnhost_netexec_answers_its_endpoints() {
    let mut s = lab();
    s.write_file("netexec.yaml", NETEXEC);
    run(&mut s, "kubectl apply -f netexec.yaml");
    settle(&mut s);
    let ip = ip_of(&s, "netexec");
    run(&mut s, "kubectl run -it --rm c --image=nicolaka/netshoot --restart=Never -- zsh");
    let client = ip_of(&s, "c");
    assert_eq!(run(&mut s, &format!("curl -s {ip}:8080/hostname")), "netexec");
    assert_eq!(run(&mut s, &format!("curl -s '{ip}:8080/echo?msg=hello%20there'")), "hello there");
    let clientip = run(&mut s, &format!("curl -s {ip}:8080/clientip"));
    assert!(clientip.starts_with(&format!("{client}:")), "{clientip}");
    assert_eq!(run(&mut s, &format!("curl -s '{ip}:8080/shell?cmd=echo%20hi'")), "{\"output\":\"hi\\n\"}");
    assert!(run(&mut s, &format!("curl -s {ip}:8080/")).starts_with("NOW: 20"));
    let head = run(&mut s, &format!("curl -si '{ip}:8080/echo?msg=x&code=417'"));
    assert!(head.starts_with("HTTP/1.1 417 Expectation Failed\r\nDate: "), "{head}");
    assert!(head.ends_with("Content-Length: 1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nx"), "{head}");
    // Nothing serves on netexec's UDP port over HTTP.
    assert!(run(&mut s, &format!("curl -s {ip}:8081/")).is_empty());
    run(&mut s, "exit");
    let logs = run(&mut s, "kubectl logs netexec");
    // Each line after Go's `2006/01/02 15:04:05 ` stamp; the shell's output goes on a line of
    // its own, as `log.Printf("Output: %s", output)` prints a map whose value ends in a newline.
    let msgs: Vec<&str> = logs.lines().map(|l| l.get(20..).unwrap_or(l)).collect();
    assert_eq!(
        msgs,
        [
            "Started HTTP server on port 8080",
            "Started UDP server on port  8081",
            "GET /hostname",
            "GET /echo?msg=hello there&code=",
            "GET /clientip",
            "GET /shell?cmd=echo hi",
            "Output: map[output:hi",
            "]",
            "GET /",
            "GET /echo?msg=x&code=417",
        ],
        "{logs}"
    );
}

/// agnhost's other uses: its CMD `pause` prints `Paused` and keeps running (pause.go);
/// `serve-hostname` serves on 9376 (`Serving on port 9376.`); the image has BIND's `nslookup`
/// and `dig`, curl and bash (the Dockerfile's `apk add bind-tools curl ... bash`).
#[test]
fn agnhost_pauses_serves_its_hostname_and_has_dns_tools() {
    let mut s = lab();
    run(&mut s, "kubectl run pause --image=registry.k8s.io/e2e-test-images/agnhost:2.40");
    run(&mut s, "kubectl run sh --image=registry.k8s.io/e2e-test-images/agnhost:2.40 -- serve-hostname");
    settle(&mut s);
    assert_eq!(phase(&s, "pause"), "Running");
    assert_eq!(run(&mut s, "kubectl logs pause"), "Paused\n");
    assert!(run(&mut s, "kubectl logs sh").ends_with(" Serving on port 9376.\n"));
    let ip = ip_of(&s, "sh");
    assert_eq!(run(&mut s, &format!("kubectl exec pause -- curl -s {ip}:9376")), "sh");
    let out = run(&mut s, "kubectl exec pause -- nslookup kubernetes.default");
    assert!(out.starts_with("Server:\t\t10.200.1.10\nAddress:\t10.200.1.10#53\n\n"), "{out}");
    assert!(out.contains("Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.200.1.1\n"), "{out}");
    assert_eq!(run(&mut s, "kubectl exec pause -- dig +short kubernetes.default.svc.cluster.local"), "10.200.1.1\n");
    assert_eq!(run(&mut s, "kubectl exec pause -- bash -c 'echo ok'"), "ok\n");
    // FROM alpine (test/images/agnhost/BASEIMAGE).
    assert!(run(&mut s, "kubectl exec pause -- cat /etc/os-release").contains("ID=alpine"));
    assert!(run(&mut s, "kubectl exec pause -- zsh").contains("zsh"), "no zsh in agnhost");
}

/// kubernetes.io's "Configure Liveness, Readiness and Startup Probes": the http liveness pod
/// runs agnhost `liveness`, whose `/healthz` answers 200 for 10 seconds and then 500
/// (liveness/server.go); the kubelet's events then read `Liveness probe failed: HTTP probe
/// failed with statuscode: 500` and the container is restarted.
#[test]
fn agnhost_liveness_fails_after_ten_seconds() {
    let mut s = lab();
    s.write_file(
        "http-liveness.yaml",
        "apiVersion: v1
kind: Pod
metadata:
  labels:
    test: liveness
  name: liveness-http
spec:
  containers:
  - name: liveness
    image: registry.k8s.io/e2e-test-images/agnhost:2.40
    args:
    - liveness
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
        httpHeaders:
        - name: Custom-Header
          value: Awesome
      initialDelaySeconds: 3
      periodSeconds: 3
",
    );
    run(&mut s, "kubectl apply -f http-liveness.yaml");
    s.sim.advance(60_000);
    let out = run(&mut s, "kubectl describe pod liveness-http");
    assert!(out.contains("Liveness probe failed: HTTP probe failed with statuscode: 500"), "{out}");
    assert!(out.contains("Container liveness failed liveness probe, will be restarted"), "{out}");
    let restarts = obj::i64_at(
        &obj::arr_at(s.sim.get(Kind::Pod, "default", "liveness-http").unwrap(), "/status/containerStatuses")[0],
        "/restartCount",
    );
    assert!(restarts.unwrap_or(0) >= 1, "{out}");
}

/// The ReplicaSet page's frontend (gb-frontend, kubernetes/examples guestbook/php-redis): Apache
/// serves the guestbook's index.html on port 80.
#[test]
fn gb_frontend_serves_the_guestbook_page() {
    let mut s = lab();
    run(&mut s, "kubectl create deployment frontend --image=gcr.io/google_samples/gb-frontend:v3");
    settle(&mut s);
    let pod = pods(&s, "frontend-").remove(0);
    let ip = ip_of(&s, &pod);
    let page = run(&mut s, &format!("kubectl run t --image=busybox:1.36 --rm -it --restart=Never -- wget -qO- {ip}"));
    assert!(page.starts_with("<html ng-app=\"redis\">\n  <head>\n    <title>Guestbook</title>\n"), "{page}");
}

/// The dns-debugging page's pod: `jessie-dnsutils:1.3` running `sleep infinity`, then
/// `kubectl exec -i -t dnsutils -- nslookup kubernetes.default` with Debian's BIND nslookup.
#[test]
fn jessie_dnsutils_answers_with_binds_nslookup() {
    let mut s = lab();
    run(
        &mut s,
        "kubectl run dnsutils --image=registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3 --command -- sleep infinity",
    );
    settle(&mut s);
    assert_eq!(phase(&s, "dnsutils"), "Running");
    let out = run(&mut s, "kubectl exec -i -t dnsutils -- nslookup kubernetes.default");
    assert_eq!(out, "Server:\t\t10.200.1.10\nAddress:\t10.200.1.10#53\n\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.200.1.1\n\n");
}

/// An image the lab does not know is pulled and runs as a real cluster would run a learner's
/// own image: its command, or (without one) it keeps running. A typo of a known image
/// (`nginxx`) and a tag a known image lacks (the Deployment page's `nginx:1.161`) fail to pull.
#[test]
fn unknown_images_run_and_typos_fail_to_pull() {
    let mut s = lab();
    run(&mut s, "kubectl run mine --image=example.com/team/shop:2.3");
    run(&mut s, "kubectl run job --image=myname/tools:v1 --restart=Never -- echo built by me");
    run(&mut s, "kubectl run typo --image=nginxx");
    run(&mut s, "kubectl create deployment nginx-deployment --image=nginx:1.161");
    s.sim.advance(60_000);
    assert_eq!(phase(&s, "mine"), "Running");
    assert!(
        run(&mut s, "kubectl describe pod mine").contains("Successfully pulled image \"example.com/team/shop:2.3\"")
    );
    assert_eq!(phase(&s, "job"), "Succeeded");
    assert_eq!(run(&mut s, "kubectl logs job"), "built by me\n");
    let table = run(&mut s, "kubectl get pods");
    assert!(
        table.lines().any(|l| l.starts_with("typo ") && (l.contains("ErrImagePull") || l.contains("ImagePullBackOff"))),
        "{table}"
    );
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("nginx-deployment-")
                && (l.contains("ErrImagePull") || l.contains("ImagePullBackOff"))),
        "{table}"
    );
}

/// agnhost is one program with subcommands (agnhost.go): a word it has no subcommand for (`args:
/// [sh, -c, ...]` without `command`) gets cobra's error for its root command `app`, and agnhost
/// ends with status 0 as it ignores `Execute`'s error, so the pod completes and restarts. And
/// netexec's `/healthz` answers 412 while no UDP server runs (`--udp-port=-1`), so a readiness
/// probe on it keeps the pod unready.
#[test]
fn agnhost_refuses_words_it_has_no_subcommand_for() {
    let mut s = lab();
    run(&mut s, "kubectl run oops --image=registry.k8s.io/e2e-test-images/agnhost:2.40 -- sh -c 'echo hi'");
    s.write_file(
        "ready.yaml",
        "apiVersion: v1
kind: Pod
metadata:
  name: noudp
spec:
  containers:
  - name: agnhost
    image: registry.k8s.io/e2e-test-images/agnhost:2.40
    args: [netexec, --udp-port=-1]
    readinessProbe:
      httpGet:
        path: /healthz
        port: 8080
",
    );
    run(&mut s, "kubectl apply -f ready.yaml");
    s.sim.advance(60_000);
    let logs = run(&mut s, "kubectl logs oops");
    assert_eq!(logs, "Error: unknown command \"sh\" for \"app\"\nRun 'app --help' for usage.\n");
    let table = run(&mut s, "kubectl get pods oops noudp --no-headers");
    assert!(
        table.lines().any(|l| l.starts_with("oops ") && (l.contains("Completed") || l.contains("CrashLoopBackOff"))),
        "{table}"
    );
    assert!(table.lines().any(|l| l.starts_with("noudp ") && l.contains(" 0/1 ") && l.contains("Running")), "{table}");
    let out = run(&mut s, "kubectl describe pod noudp");
    assert!(out.contains("Readiness probe failed: HTTP probe failed with statuscode: 412"), "{out}");
    assert_eq!(
        run(&mut s, "kubectl logs noudp").lines().next().map(|l| &l[20..]),
        Some("Started HTTP server on port 8080")
    );
}

/// The docs' guestbook pins its Redis by digest (`registry.k8s.io/redis@sha256:...`,
/// redis-leader-deployment.yaml): the pull takes the digest, and the container's imageID is it.
#[test]
fn an_image_pinned_by_digest_pulls_and_is_its_own_id() {
    let mut s = lab();
    let image = "registry.k8s.io/redis@sha256:cb111d1bd870a6a471385a4a69ad17469d326e9dd91e0e455350cacf36e1b3ee";
    run(&mut s, &format!("kubectl run leader --image={image}"));
    run(&mut s, &format!("kubectl run web --image=nginx@{}", &image[22..]));
    settle(&mut s);
    assert_eq!(phase(&s, "leader"), "Running");
    assert_eq!(phase(&s, "web"), "Running");
    let id = run(&mut s, "kubectl get pod leader -o jsonpath='{.status.containerStatuses[0].imageID}'");
    assert_eq!(id, image);
}
