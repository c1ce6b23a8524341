//! The "StatefulSet Basics" tutorial as the reference's checklist (§7, items 1-41), replayed
//! with real-cluster output (where the tutorial's samples are outdated, the reference's modern
//! form). Items 12 and 34 have no command; every other item is checked below.

mod common;
use common::output_of;
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

fn session(seed: u64) -> Session {
    Session::new(SimConfig::seeded(seed)).with_loader(common::files_loader())
}

fn run(s: &mut Session, line: &str) -> String {
    s.run_line(line).0.text()
}

fn image_of(s: &mut Session, pod: &str) -> String {
    run(
        s,
        &format!(
            "kubectl get pod {pod} --template '{{{{range $i, $c := .spec.containers}}}}{{{{$c.image}}}}{{{{end}}}}'"
        ),
    )
}

fn names(s: &mut Session) -> Vec<String> {
    run(s, "kubectl get pods -l app=nginx -o name").lines().map(|l| l.trim_start_matches("pod/").to_string()).collect()
}

#[test]
fn a_creating_and_b_pods_in_a_statefulset() {
    let mut s = session(3);
    // 1-2, 5: the watch prints nothing until pods appear; web-1 only after web-0 is Running and Ready.
    let t = kubelab::lab::replay::run_script(
        &mut s,
        "kubectl apply -f web.yaml && kubectl get pods --watch -l app=nginx\n",
    );
    let out = output_of(&t, "kubectl apply -f web.yaml && kubectl get pods --watch -l app=nginx");
    assert!(out.starts_with("service/nginx created\nstatefulset.apps/web created\nNAME    READY   STATUS    RESTARTS   AGE\nweb-0   0/1     Pending   0          0s\n"), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let web0_running = lines.iter().position(|l| l.starts_with("web-0") && l.contains("1/1     Running")).unwrap();
    let web1_first = lines.iter().position(|l| l.starts_with("web-1")).unwrap();
    assert!(web1_first > web0_running);
    // 3-4.
    let svc = run(&mut s, "kubectl get service nginx");
    assert!(svc.starts_with("NAME    TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nnginx   ClusterIP   None         <none>        80/TCP    "), "{svc}");
    assert!(run(&mut s, "kubectl get statefulset web").starts_with("NAME   READY   AGE\nweb    2/2     "));
    // 6-7.
    let pods = run(&mut s, "kubectl get pods -l app=nginx");
    assert!(pods.contains("web-0   1/1     Running   0") && pods.contains("web-1   1/1     Running   0"), "{pods}");
    assert_eq!(run(&mut s, "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; done"), "web-0\nweb-1\n");
    // 8: busybox 1.28's nslookup, with CoreDNS's reverse names.
    run(&mut s, "kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm");
    let out = run(&mut s, "nslookup web-0.nginx");
    assert!(out.starts_with("Server:    10.200.1.10\nAddress 1: 10.200.1.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: ") && out.ends_with(" web-0.nginx.default.svc.cluster.local\n"), "{out}");
    assert_eq!(run(&mut s, "exit"), "pod \"dns-test\" deleted\n");
    // 9-11: deleted together, back in order with the same names and new IPs.
    let ip0 = run(&mut s, "kubectl get pod web-0 -o jsonpath={.status.podIP}");
    let t = kubelab::lab::replay::run_script(&mut s, "kubectl delete pod -l app=nginx\n");
    assert_eq!(output_of(&t, "kubectl delete pod -l app=nginx"), "pod \"web-0\" deleted\npod \"web-1\" deleted\n");
    s.sim.run_until_idle(600_000);
    assert_eq!(names(&mut s), ["web-0", "web-1"]);
    assert_ne!(run(&mut s, "kubectl get pod web-0 -o jsonpath={.status.podIP}"), ip0);
    assert_eq!(run(&mut s, "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; done"), "web-0\nweb-1\n");
}

#[test]
fn c_stable_storage_and_d_scaling() {
    let mut s = session(4);
    run(&mut s, "kubectl apply -f web.yaml");
    s.sim.run_until_idle(600_000);
    // 13.
    let pvc = run(&mut s, "kubectl get pvc -l app=nginx");
    assert!(pvc.starts_with("NAME        STATUS   VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   AGE\nwww-web-0   Bound    pvc-"), "{pvc}");
    // 14-15.
    assert_eq!(run(&mut s, "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'echo \"$(hostname)\" > /usr/share/nginx/html/index.html'; done"), "");
    assert_eq!(
        run(&mut s, "for i in 0 1; do kubectl exec -i -t \"web-$i\" -- curl http://localhost/; done"),
        "web-0\nweb-1\n"
    );
    run(&mut s, "kubectl delete pod -l app=nginx");
    s.sim.run_until_idle(600_000);
    assert_eq!(
        run(&mut s, "for i in 0 1; do kubectl exec -i -t \"web-$i\" -- curl http://localhost/; done"),
        "web-0\nweb-1\n"
    );
    // 16: strictly sequential scale-up.
    let t = kubelab::lab::replay::run_script(
        &mut s,
        "kubectl scale sts web --replicas=5 && kubectl get pods -w -l app=nginx\n",
    );
    let out = output_of(&t, "kubectl scale sts web --replicas=5 && kubectl get pods -w -l app=nginx");
    assert!(out.starts_with("statefulset.apps/web scaled\n"));
    for n in 3..5 {
        let first = out.lines().position(|l| l.starts_with(&format!("web-{n} "))).unwrap();
        let prev_running =
            out.lines().position(|l| l.starts_with(&format!("web-{} ", n - 1)) && l.contains("Running")).unwrap();
        assert!(first > prev_running, "{out}");
    }
    // 17-18: web-4 then web-3, one at a time; five claims remain.
    let t = kubelab::lab::replay::run_script(
        &mut s,
        "kubectl patch sts web -p '{\"spec\":{\"replicas\":3}}' && kubectl get pods -w -l app=nginx\n",
    );
    let out =
        output_of(&t, "kubectl patch sts web -p '{\"spec\":{\"replicas\":3}}' && kubectl get pods -w -l app=nginx");
    assert!(out.starts_with("statefulset.apps/web patched\n"));
    let last4 = out.lines().collect::<Vec<_>>().iter().rposition(|l| l.starts_with("web-4")).unwrap();
    let first3 = out.lines().position(|l| l.starts_with("web-3") && l.contains("Terminating")).unwrap();
    assert!(first3 > last4, "{out}");
    assert_eq!(run(&mut s, "kubectl get pvc -l app=nginx -o name").lines().count(), 5);
}

#[test]
fn e_updating_statefulsets() {
    let mut s = session(5);
    run(&mut s, "kubectl apply -f web.yaml");
    run(&mut s, "kubectl scale sts web --replicas=3");
    s.sim.run_until_idle(600_000);
    // 19: reverse ordinal order, one at a time.
    let c = s.sim.store.cursor();
    assert_eq!(run(&mut s, "kubectl patch statefulset web --type='json' -p='[{\"op\": \"replace\", \"path\": \"/spec/template/spec/containers/0/image\", \"value\":\"registry.k8s.io/nginx-slim:0.24\"}]'"), "statefulset.apps/web patched\n");
    s.sim.run_until_idle(600_000);
    let deleted: Vec<String> = s
        .sim
        .store
        .events_since(c)
        .iter()
        .filter(|e| e.key.kind == kubelab::sim::Kind::Pod && e.ty == kubelab::sim::WatchType::Deleted)
        .map(|e| e.key.name.clone())
        .collect();
    assert_eq!(deleted, ["web-2", "web-1", "web-0"]);
    // 20.
    for p in 0..3 {
        assert_eq!(image_of(&mut s, &format!("web-{p}")), "registry.k8s.io/nginx-slim:0.24");
    }
    assert_eq!(
        run(&mut s, "kubectl rollout status sts/web"),
        "partitioned roll out complete: 3 new pods have been updated...\n"
    );
    // 21-22: staged behind a partition, no restarts; a deleted pod below it keeps the old image.
    run(&mut s, "kubectl patch statefulset web -p '{\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":3}}}}'");
    let c = s.sim.store.cursor();
    run(&mut s, "kubectl patch statefulset web --type='json' -p='[{\"op\": \"replace\", \"path\": \"/spec/template/spec/containers/0/image\", \"value\":\"registry.k8s.io/nginx-slim:0.21\"}]'");
    s.sim.run_until_idle(600_000);
    assert!(!s.sim.store.events_since(c).iter().any(|e| e.key.kind == kubelab::sim::Kind::Pod), "no pod restarts");
    run(&mut s, "kubectl delete pod web-2");
    s.sim.run_until_idle(600_000);
    assert_eq!(image_of(&mut s, "web-2"), "registry.k8s.io/nginx-slim:0.24");
    // 23-24: canary.
    run(&mut s, "kubectl patch statefulset web -p '{\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":2}}}}'");
    s.sim.run_until_idle(600_000);
    assert_eq!(image_of(&mut s, "web-2"), "registry.k8s.io/nginx-slim:0.21");
    run(&mut s, "kubectl delete pod web-1");
    s.sim.run_until_idle(600_000);
    assert_eq!(image_of(&mut s, "web-1"), "registry.k8s.io/nginx-slim:0.24");
    // 25: phased roll-out.
    run(&mut s, "kubectl patch statefulset web -p '{\"spec\":{\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}}}'");
    s.sim.run_until_idle(600_000);
    for p in 0..3 {
        assert_eq!(image_of(&mut s, &format!("web-{p}")), "registry.k8s.io/nginx-slim:0.21");
    }
    // 26: OnDelete needs rollingUpdate dropped; then changes wait for a deletion.
    assert!(run(&mut s, "kubectl patch statefulset web -p '{\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\"}}}'")
        .starts_with("The StatefulSet \"web\" is invalid: spec.updateStrategy.rollingUpdate: Invalid value:"));
    assert_eq!(run(&mut s, "kubectl patch statefulset web -p '{\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\",\"rollingUpdate\":null}}}'"), "statefulset.apps/web patched\n");
    run(&mut s, "kubectl patch statefulset web --type='json' -p='[{\"op\": \"replace\", \"path\": \"/spec/template/spec/containers/0/image\", \"value\":\"registry.k8s.io/nginx-slim:0.24\"}]'");
    s.sim.run_until_idle(600_000);
    assert_eq!(image_of(&mut s, "web-1"), "registry.k8s.io/nginx-slim:0.21");
    run(&mut s, "kubectl delete pod web-1");
    s.sim.run_until_idle(600_000);
    assert_eq!(image_of(&mut s, "web-1"), "registry.k8s.io/nginx-slim:0.24");
}

#[test]
fn f_deleting_g_parallel_and_h_cleanup() {
    let mut s = session(6);
    run(&mut s, "kubectl apply -f web.yaml");
    run(&mut s, "kubectl scale sts web --replicas=3");
    s.sim.run_until_idle(600_000);
    run(&mut s, "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'echo \"$(hostname)\" > /usr/share/nginx/html/index.html'; done");
    // 27-29: orphan, delete web-0, re-apply: web-0 back, web-1 adopted, web-2 removed.
    assert_eq!(run(&mut s, "kubectl delete statefulset web --cascade=orphan"), "statefulset.apps \"web\" deleted\n");
    assert_eq!(names(&mut s), ["web-0", "web-1", "web-2"]);
    run(&mut s, "kubectl delete pod web-0");
    assert_eq!(names(&mut s), ["web-1", "web-2"]);
    assert_eq!(run(&mut s, "kubectl apply -f web.yaml"), "service/nginx unchanged\nstatefulset.apps/web created\n");
    s.sim.run_until_idle(600_000);
    assert_eq!(names(&mut s), ["web-0", "web-1"]);
    assert_eq!(
        run(&mut s, "for i in 0 1; do kubectl exec -i -t \"web-$i\" -- curl http://localhost/; done"),
        "web-0\nweb-1\n"
    );
    // 30-33: cascading delete terminates the pods together; re-create; delete again.
    let c = s.sim.store.cursor();
    assert_eq!(run(&mut s, "kubectl delete statefulset web"), "statefulset.apps \"web\" deleted\n");
    s.sim.run_until_idle(600_000);
    let terminating: Vec<u64> = s
        .sim
        .store
        .events_since(c)
        .iter()
        .filter(|e| e.key.kind == kubelab::sim::Kind::Pod && kubelab::sim::obj::is_deleting(&e.obj))
        .map(|e| e.at.ms())
        .collect();
    assert!(
        terminating.first() == terminating.iter().min()
            && terminating.iter().filter(|t| **t == terminating[0]).count() >= 2,
        "both start terminating at once"
    );
    assert_eq!(run(&mut s, "kubectl delete service nginx"), "service \"nginx\" deleted\n");
    assert_eq!(run(&mut s, "kubectl apply -f web.yaml"), "service/nginx created\nstatefulset.apps/web created\n");
    s.sim.run_until_idle(600_000);
    assert_eq!(
        run(&mut s, "for i in 0 1; do kubectl exec -i -t \"web-$i\" -- curl http://localhost/; done"),
        "web-0\nweb-1\n"
    );
    assert_eq!(run(&mut s, "kubectl delete service nginx"), "service \"nginx\" deleted\n");
    assert_eq!(run(&mut s, "kubectl delete statefulset web"), "statefulset.apps \"web\" deleted\n");
    s.sim.run_until_idle(600_000);
    // 35-36: Parallel creates without waiting (its labels are app.kubernetes.io/name).
    assert_eq!(
        run(&mut s, "kubectl apply -f web-parallel.yaml"),
        "service/nginx created\nstatefulset.apps/web created\n"
    );
    let c = s.sim.store.cursor();
    assert_eq!(run(&mut s, "kubectl scale statefulset/web --replicas=5"), "statefulset.apps/web scaled\n");
    let added: Vec<u64> = s
        .sim
        .store
        .events_since(c)
        .iter()
        .filter(|e| e.key.kind == kubelab::sim::Kind::Pod && e.ty == kubelab::sim::WatchType::Added)
        .map(|e| e.at.ms())
        .collect();
    assert_eq!(added.len(), 3);
    assert!(added.iter().all(|t| *t == added[0]));
    s.sim.run_until_idle(600_000);
    // 37-41.
    assert_eq!(run(&mut s, "kubectl delete sts web"), "statefulset.apps \"web\" deleted\n");
    assert_eq!(run(&mut s, "kubectl delete svc nginx"), "service \"nginx\" deleted\n");
    s.sim.run_until_idle(600_000);
    let pvc = run(&mut s, "kubectl get pvc");
    assert_eq!(pvc.lines().count(), 6, "{pvc}");
    let pv = run(&mut s, "kubectl get pv");
    assert!(pv.lines().skip(1).all(|l| l.contains("Delete           Bound    default/www-web-")), "{pv}");
    let out = run(&mut s, "kubectl delete pvc www-web-0 www-web-1 www-web-2 www-web-3 www-web-4");
    assert_eq!(out, (0..5).map(|i| format!("persistentvolumeclaim \"www-web-{i}\" deleted\n")).collect::<String>());
    assert_eq!(run(&mut s, "kubectl get pvc"), "No resources found in default namespace.\n");
    s.sim.run_until_idle(600_000);
    assert_eq!(run(&mut s, "kubectl get pv"), "No resources found\n");
}
