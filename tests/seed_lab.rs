//! The seed lab (`../shared/seed/`, a real cluster session of the DOIK study) replayed step by
//! step: every expected block below is the real cluster's output as the seed shows it; only
//! random parts are masked (AGE ±2 s, PV uids, IPs within their node's block).
//!
//! The model draws its timings (volume provisioning, image pulls, container stops) from the
//! seeded generator, so the run is deterministic. `SEED` is a draw under which the two pod
//! deletions end about a second apart, as they did in the real session (web-0 is already back
//! in ContainerCreating when the watch starts). `examples/seed_search.rs` finds such a seed again
//! when a change to the model shifts the draws.

mod common;
use common::{assert_like_real, assert_prefix_like_real, output_of, replay};

const SEED: u64 = 12;

const SCRIPT: &str = r#"
kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx
@sleep 1m
kubectl delete pod -l app=nginx && kubectl get pods -w -l app=nginx
@sleep 9m
kubectl get pvc -l app=nginx
@sleep 1m
kubectl delete pod -l app=nginx && kubectl get pods -w -l app=nginx
@sleep 85s
kubectl scale sts web --replicas=5 && kubectl get pods -w -l app=nginx
@sleep 59s
kubectl patch sts web -p '{"spec":{"replicas":3}}' && kubectl get pods -w -l app=nginx
kubectl delete -f web.yaml && kubectl delete pvc --all
"#;

fn transcript() -> String {
    replay(SCRIPT, SEED)
}

#[test]
fn step2_apply_and_watch_creates_web_0_then_web_1() {
    let t = transcript();
    assert_like_real(
        output_of(&t, "kubectl apply -f web.yaml && kubectl get pods -w -l app=nginx"),
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

#[test]
fn step3_deleted_pods_come_back_in_order_with_the_same_names() {
    let t = transcript();
    let marker = "kubectl delete pod -l app=nginx && kubectl get pods -w -l app=nginx";
    let first = output_of(&t, marker);
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

#[test]
fn step4_claims_are_bound_to_local_path_volumes() {
    let t = transcript();
    assert_like_real(
        output_of(&t, "kubectl get pvc -l app=nginx"),
        "NAME        STATUS   VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   AGE
        www-web-0   Bound    pvc-7cce446e-e68a-4783-99f9-fbb891538669   1Gi        RWO            local-path     11m
        www-web-1   Bound    pvc-7defb95e-8b02-4886-851b-e339e234fd71   1Gi        RWO            local-path     11m",
    );
}

#[test]
fn step6_second_deletion_reuses_the_claims() {
    let t = transcript();
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

#[test]
fn step8_scale_out_adds_web_2_with_a_new_claim() {
    let t = transcript();
    assert_prefix_like_real(
        output_of(&t, "kubectl scale sts web --replicas=5 && kubectl get pods -w -l app=nginx"),
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

#[test]
fn step8_scale_in_terminates_the_highest_ordinal_first() {
    let t = transcript();
    let out = output_of(&t, "kubectl patch sts web -p '{\"spec\":{\"replicas\":3}}' && kubectl get pods -w -l app=nginx");
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

#[test]
fn step9_delete_everything() {
    let t = transcript();
    assert_like_real(
        output_of(&t, "kubectl delete -f web.yaml && kubectl delete pvc --all"),
        "service \"nginx\" deleted
        statefulset.apps \"web\" deleted
        persistentvolumeclaim \"www-web-0\" deleted
        persistentvolumeclaim \"www-web-1\" deleted
        persistentvolumeclaim \"www-web-2\" deleted
        persistentvolumeclaim \"www-web-3\" deleted
        persistentvolumeclaim \"www-web-4\" deleted",
    );
}
