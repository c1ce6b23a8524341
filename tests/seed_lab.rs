//! The seed lab (`../shared/seed/`, a real cluster session of the DOIK study) replayed step by
//! step: every expected block below is the real cluster's output as the seed shows it; only
//! random parts are masked (AGE ±2 s, PV uids, IPs within their node's block; which worker
//! holds which address block is the profile's choice, so DNS answers are compared with our
//! blocks mapped onto the seed's).
//!
//! The model draws its timings (volume provisioning, image pulls, container stops) from the
//! seeded generator, so the run is deterministic. `SEED` is a draw under which the two pod
//! deletions end about a second apart, as they did in the real session (web-0 is already back
//! in ContainerCreating when the watch starts). `examples/seed_search.rs` finds such a seed again
//! when a change to the model shifts the draws.

#[path = "common/mod.rs"]
pub mod common;
use common::{assert_like_real, assert_prefix_like_real, expand_tabs, nth_output_of, output_of, replay};

pub const SEED: u64 = 28;

pub const SCRIPT: &str = r#"
kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx
for i in 0 1; do kubectl exec "web-$i" -- sh -c 'hostname'; done
kubectl run -it --rm netdebug --image=nicolaka/netshoot --restart=Never -- zsh
nslookup nginx
nslookup -type=srv nginx
nslookup web-0.nginx
nslookup web-1.nginx
exit
@sleep 90s
kubectl delete pod -l app=nginx && kubectl get pods -w -l app=nginx
for i in 0 1; do kubectl exec web-$i -- sh -c 'hostname'; done
kubectl run -it --rm netdebug --image=nicolaka/netshoot --restart=Never -- zsh
nslookup nginx
nslookup -type=srv nginx
nslookup web-0.nginx
nslookup web-1.nginx
exit
@sleep 8m30s
kubectl get pvc -l app=nginx
for i in 0 1; do kubectl exec "web-$i" -- sh -c 'echo "$(hostname)-pv-test" > /usr/share/nginx/html/index.html'; done
for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
@sleep 1m
kubectl delete pod -l app=nginx && kubectl get pods -w -l app=nginx
for i in 0 1; do kubectl exec -i -t "web-$i" -- curl http://localhost/; done
@sleep 85s
kubectl scale sts web --replicas=5 && kubectl get pods -w -l app=nginx
@sleep 59s
kubectl patch sts web -p '{"spec":{"replicas":3}}' && kubectl get pods -w -l app=nginx
kubectl delete -f web.yaml && kubectl delete pvc --all
"#;

/// The transcript of `SCRIPT` with `SEED`.
pub fn transcript() -> String {
    replay(SCRIPT, SEED)
}

/// Checks the transcript against the seed.
pub fn step2_apply_and_watch_creates_web_0_then_web_1(t: &str) {
    assert_like_real(
        output_of(t, "kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx"),
        "service/nginx created
        statefulset.apps/web created
        NAME    READY   STATUS    RESTARTS   AGE
        web-0   0/1     Pending   0          0s
        web-0   0/1     Pending   0          9s
        web-0   0/1     ContainerCreating   0          9s
        web-0   0/1     ContainerCreating   0          9s
        web-0   1/1     Running             0          18s
        web-1   0/1     Pending             0          0s
        web-1   0/1     Pending             0          10s
        web-1   0/1     ContainerCreating   0          10s
        web-1   0/1     ContainerCreating   0          11s
        web-1   1/1     Running             0          20s",
    );
}

/// Checks the transcript against the seed.
pub fn step3_deleted_pods_come_back_in_order_with_the_same_names(t: &str) {
    let marker = "kubectl delete pod -l app=nginx && kubectl get pods -w -l app=nginx";
    let first = output_of(t, marker);
    assert_like_real(
        first,
        "pod \"web-0\" deleted
        pod \"web-1\" deleted
        NAME    READY   STATUS              RESTARTS   AGE
        web-0   0/1     ContainerCreating   0          1s
        web-0   1/1     Running             0          2s
        web-1   0/1     Pending             0          0s
        web-1   0/1     Pending             0          0s
        web-1   0/1     ContainerCreating   0          0s
        web-1   0/1     ContainerCreating   0          1s
        web-1   1/1     Running             0          2s",
    );
}

/// Checks the transcript against the seed.
pub fn step4_claims_are_bound_to_local_path_volumes(t: &str) {
    assert_like_real(
        output_of(t, "kubectl get pvc -l app=nginx"),
        "NAME        STATUS   VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   AGE
        www-web-0   Bound    pvc-7cce446e-e68a-4783-99f9-fbb891538669   1Gi        RWO            local-path     11m
        www-web-1   Bound    pvc-7defb95e-8b02-4886-851b-e339e234fd71   1Gi        RWO            local-path     11m",
    );
}

/// Checks the transcript against the seed.
pub fn step6_second_deletion_reuses_the_claims(t: &str) {
    let marker = "$ kubectl delete pod -l app=nginx && kubectl get pods -w -l app=nginx\n";
    let second_at = t.rfind(marker).expect("second deletion");
    let second = output_of(&t[second_at..], marker.trim_start_matches("$ ").trim_end());
    assert_like_real(
        second,
        "pod \"web-0\" deleted
        pod \"web-1\" deleted
        NAME    READY   STATUS              RESTARTS   AGE
        web-0   0/1     ContainerCreating   0          0s
        web-0   0/1     ContainerCreating   0          1s
        web-0   1/1     Running             0          2s
        web-1   0/1     Pending             0          0s
        web-1   0/1     Pending             0          0s
        web-1   0/1     ContainerCreating   0          0s
        web-1   0/1     ContainerCreating   0          1s
        web-1   1/1     Running             0          2s",
    );
}

/// Checks the transcript against the seed.
pub fn step8_scale_out_adds_web_2_with_a_new_claim(t: &str) {
    assert_prefix_like_real(
        output_of(t, "kubectl scale sts web --replicas=5 && kubectl get pods -w -l app=nginx"),
        "statefulset.apps/web scaled
        NAME    READY   STATUS    RESTARTS   AGE
        web-0   1/1     Running   0          88s
        web-1   1/1     Running   0          86s
        web-2   0/1     Pending   0          0s
        web-2   0/1     Pending   0          10s
        web-2   0/1     ContainerCreating   0          10s
        web-2   0/1     ContainerCreating   0          11s
        web-2   1/1     Running             0          18s",
    );
}

/// Checks the transcript against the seed.
pub fn step8_scale_in_terminates_the_highest_ordinal_first(t: &str) {
    let out =
        output_of(t, "kubectl patch sts web -p '{\"spec\":{\"replicas\":3}}' && kubectl get pods -w -l app=nginx");
    assert_prefix_like_real(
        out,
        "statefulset.apps/web patched
        NAME    READY   STATUS        RESTARTS   AGE
        web-0   1/1     Running       0          2m54s
        web-1   1/1     Running       0          2m52s
        web-2   1/1     Running       0          86s
        web-3   1/1     Running       0          68s
        web-4   1/1     Terminating   0          61s
        web-4   1/1     Terminating   0          62s
        web-4   0/1     Terminating   0          62s
        web-4   0/1     Terminating   0          62s
        web-4   0/1     Terminating   0          62s",
    );
    // After web-4 is gone, and only then, web-3 goes (the seed cut these lines).
    let lines: Vec<&str> = out.lines().collect();
    let last_web4 = lines.iter().rposition(|l| l.starts_with("web-4")).unwrap();
    let first_web3_term = lines.iter().position(|l| l.starts_with("web-3") && l.contains("Terminating")).unwrap();
    assert!(first_web3_term > last_web4, "{out}");
    assert!(!out.lines().any(|l| l.starts_with("web-2") && l.contains("Terminating")), "{out}");
}

/// Checks the transcript against the seed.
pub fn step9_delete_everything(t: &str) {
    assert_like_real(
        output_of(t, "kubectl delete -f web.yaml && kubectl delete pvc --all"),
        "service \"nginx\" deleted
        statefulset.apps \"web\" deleted
        persistentvolumeclaim \"www-web-0\" deleted
        persistentvolumeclaim \"www-web-1\" deleted
        persistentvolumeclaim \"www-web-2\" deleted
        persistentvolumeclaim \"www-web-3\" deleted
        persistentvolumeclaim \"www-web-4\" deleted",
    );
}

/// Checks the transcript against the seed.
pub fn step3_each_pod_knows_its_hostname(t: &str) {
    assert_like_real(
        output_of(t, "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; done"),
        "web-0\n        web-1",
    );
    assert_like_real(
        output_of(t, "for i in 0 1; do kubectl exec web-$i -- sh -c 'hostname'; done"),
        "web-0\n        web-1",
    );
}

/// Maps the pods' node blocks in our run onto the real cluster's (web-0 ran in 172.16.158.0/24,
/// web-1 in 172.16.24.0/24 there): which worker gets which block is the profile's choice, not a
/// fact of the seed. Also puts multi-address answers in one order on both sides (the order
/// follows the IP numbers, so it follows that choice too).
fn in_seed_blocks(t: &str, text: &str, n: usize) -> String {
    let block = |cmd: &str| -> String {
        let out = nth_output_of(t, cmd, n);
        let ip = out
            .lines()
            .rfind(|l| l.starts_with("Address: "))
            .and_then(|l| l.split_whitespace().last())
            .unwrap_or("0.0.0.0");
        ip.rsplit_once('.').map(|(b, _)| b.to_string()).unwrap_or_default()
    };
    let (b0, b1) = (block("nslookup web-0.nginx"), block("nslookup web-1.nginx"));
    assert_ne!(b0, b1, "web-0 and web-1 run on different nodes");
    text.replace(&format!("{b0}."), "@WEB0@.")
        .replace(&format!("{b1}."), "@WEB1@.")
        .replace("@WEB0@", "172.16.158")
        .replace("@WEB1@", "172.16.24")
}

/// Sorts `Name:`/`Address:` pairs so that two answers compare as sets.
fn pairs_sorted(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_start).collect();
    let split = lines.iter().position(|l| l.starts_with("Name:")).unwrap_or(lines.len());
    let mut pairs: Vec<String> = lines[split..].chunks(2).map(|c| c.join("\n")).collect();
    pairs.sort();
    let mut out: Vec<String> = lines[..split].iter().map(|l| l.to_string()).collect();
    out.extend(pairs);
    out.join("\n")
}

/// Checks the transcript against the seed.
pub fn step3_headless_dns_answers_from_netshoot(t: &str) {
    let run = "kubectl run -it --rm netdebug --image=nicolaka/netshoot --restart=Never -- zsh";
    for n in 0..2 {
        let out = nth_output_of(t, run, n);
        assert!(out.starts_with("If you don't see a command prompt, try pressing enter.\n"), "{out}");
        assert!(out.contains("Welcome to Netshoot! (github.com/nicolaka/netshoot)"), "{out}");
        let ours = |cmd: &str| expand_tabs(&in_seed_blocks(t, nth_output_of(t, cmd, n), n));
        let seed_a = "Server:         10.200.1.10
            Address:        10.200.1.10#53

            Name:   nginx.default.svc.cluster.local
            Address: 172.16.24.2
            Name:   nginx.default.svc.cluster.local
            Address: 172.16.158.2";
        assert_like_real(&pairs_sorted(&ours("nslookup nginx")), &pairs_sorted(seed_a));
        assert_like_real(
            &ours("nslookup -type=srv nginx"),
            "Server:         10.200.1.10
            Address:        10.200.1.10#53

            nginx.default.svc.cluster.local service = 0 50 80 web-0.nginx.default.svc.cluster.local.
            nginx.default.svc.cluster.local service = 0 50 80 web-1.nginx.default.svc.cluster.local.",
        );
        assert_like_real(
            &ours("nslookup web-0.nginx"),
            "Server:         10.200.1.10
            Address:        10.200.1.10#53

            Name:   web-0.nginx.default.svc.cluster.local
            Address: 172.16.158.2",
        );
        assert_like_real(
            &ours("nslookup web-1.nginx"),
            "Server:         10.200.1.10
            Address:        10.200.1.10#53

            Name:   web-1.nginx.default.svc.cluster.local
            Address: 172.16.24.2",
        );
        assert_like_real(nth_output_of(t, "exit", n), "pod \"netdebug\" deleted");
    }
    // The pods were re-created in between: new IPs, in the same nodes' blocks (their volumes
    // pin them), not reused at once.
    let ip = |n: usize| {
        nth_output_of(t, "nslookup web-0.nginx", n)
            .lines()
            .rfind(|l| l.starts_with("Address: "))
            .unwrap()
            .split_whitespace()
            .last()
            .unwrap()
            .to_string()
    };
    assert_ne!(ip(0), ip(1));
    assert_eq!(ip(0).rsplit_once('.').unwrap().0, ip(1).rsplit_once('.').unwrap().0);
}

/// Checks the transcript against the seed.
pub fn step5_written_files_are_served(t: &str) {
    assert_eq!(output_of(t, "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'echo \"$(hostname)-pv-test\" > /usr/share/nginx/html/index.html'; done"), "");
    assert_like_real(
        output_of(t, "for i in 0 1; do kubectl exec -i -t \"web-$i\" -- curl http://localhost/; done"),
        "web-0-pv-test\n        web-1-pv-test",
    );
}

/// Checks the transcript against the seed.
pub fn step7_the_data_outlived_the_pods(t: &str) {
    assert_like_real(
        nth_output_of(t, "for i in 0 1; do kubectl exec -i -t \"web-$i\" -- curl http://localhost/; done", 1),
        "web-0-pv-test\n        web-1-pv-test",
    );
}

/// Every step, in the seed's order: what `examples/seed_search.rs` checks each draw against.
pub const STEPS: &[fn(&str)] = &[
    step3_each_pod_knows_its_hostname,
    step3_headless_dns_answers_from_netshoot,
    step5_written_files_are_served,
    step7_the_data_outlived_the_pods,
    step2_apply_and_watch_creates_web_0_then_web_1,
    step3_deleted_pods_come_back_in_order_with_the_same_names,
    step4_claims_are_bound_to_local_path_volumes,
    step6_second_deletion_reuses_the_claims,
    step8_scale_out_adds_web_2_with_a_new_claim,
    step8_scale_in_terminates_the_highest_ordinal_first,
    step9_delete_everything,
];

/// One test per step, so that a failure names the step.
mod each_step {
    #[allow(unused_imports)]
    use super::*;

    #[test]
    fn step3_each_pod_knows_its_hostname_() {
        super::step3_each_pod_knows_its_hostname(&transcript());
    }

    #[test]
    fn step3_headless_dns_answers_from_netshoot_() {
        super::step3_headless_dns_answers_from_netshoot(&transcript());
    }

    #[test]
    fn step5_written_files_are_served_() {
        super::step5_written_files_are_served(&transcript());
    }

    #[test]
    fn step7_the_data_outlived_the_pods_() {
        super::step7_the_data_outlived_the_pods(&transcript());
    }

    #[test]
    fn step2_apply_and_watch_creates_web_0_then_web_1_() {
        super::step2_apply_and_watch_creates_web_0_then_web_1(&transcript());
    }

    #[test]
    fn step3_deleted_pods_come_back_in_order_with_the_same_names_() {
        super::step3_deleted_pods_come_back_in_order_with_the_same_names(&transcript());
    }

    #[test]
    fn step4_claims_are_bound_to_local_path_volumes_() {
        super::step4_claims_are_bound_to_local_path_volumes(&transcript());
    }

    #[test]
    fn step6_second_deletion_reuses_the_claims_() {
        super::step6_second_deletion_reuses_the_claims(&transcript());
    }

    #[test]
    fn step8_scale_out_adds_web_2_with_a_new_claim_() {
        super::step8_scale_out_adds_web_2_with_a_new_claim(&transcript());
    }

    #[test]
    fn step8_scale_in_terminates_the_highest_ordinal_first_() {
        super::step8_scale_in_terminates_the_highest_ordinal_first(&transcript());
    }

    #[test]
    fn step9_delete_everything_() {
        super::step9_delete_everything(&transcript());
    }
}
