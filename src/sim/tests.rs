//! Unit tests of `Sim`: the API server's create, update and delete, settling, and the clock
//! (`step`, `run_until`, `run_until_idle`). Each expected value is what a real API server and
//! kube-controller-manager do; the garbage collector's propagation is tested in `controllers/gc.rs`.

use super::*;
use crate::jv;

fn cluster() -> Sim {
    Sim::new(SimConfig::seeded(1))
}

fn key(kind: Kind, name: &str) -> ObjKey {
    ObjKey::new(kind, "default", name)
}

fn config_map(name: &str) -> Value {
    jv!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":name,"namespace":"default"},"data":{"k":"v"}})
}

fn pod(name: &str) -> Value {
    jv!({"apiVersion":"v1","kind":"Pod","metadata":{"name":name,"namespace":"default"},
        "spec":{"containers":[{"name":"app","image":"nginx"}]}})
}

fn statefulset(name: &str, replicas: i64) -> Value {
    jv!({"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":name,"namespace":"default"},
        "spec":{"replicas":replicas,"serviceName":name,"selector":{"matchLabels":{"app":name}},
          "template":{"metadata":{"labels":{"app":name}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}})
}

fn deployment(name: &str, replicas: i64) -> Value {
    jv!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":name,"namespace":"default"},
        "spec":{"replicas":replicas,"selector":{"matchLabels":{"app":name}},
          "template":{"metadata":{"labels":{"app":name}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}})
}

fn resource_version(o: &Value) -> u64 {
    obj::str_at(o, "/metadata/resourceVersion").and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn generation(o: &Value) -> i64 {
    obj::i64_at(o, "/metadata/generation").unwrap_or(0)
}

// ----- create ---------------------------------------------------------------------------------

#[test]
fn create_sets_uid_resource_version_and_creation_timestamp() {
    let mut sim = cluster();
    let before = sim.store.revision();
    let made = sim.create(config_map("settings")).unwrap();
    // A version 4 UUID: 8-4-4-4-12 hex digits, version nibble 4, variant 8, 9, a or b.
    let uid = obj::uid(&made);
    let groups: Vec<usize> = uid.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12]);
    assert_eq!(&uid[14..15], "4");
    assert!(matches!(&uid[19..20], "8" | "9" | "a" | "b"));
    assert!(resource_version(&made) > before);
    assert_eq!(obj::str_at(&made, "/metadata/creationTimestamp"), Some(sim.timestamp().as_str()));
    assert_eq!(sim.get(Kind::ConfigMap, "default", "settings"), Some(&made));
}

#[test]
fn create_replaces_a_client_supplied_uid_and_drops_a_deletion_timestamp() {
    let mut sim = cluster();
    let mut cm = config_map("settings");
    cm["metadata"]["uid"] = jv!("11111111-1111-4111-8111-111111111111");
    cm["metadata"]["deletionTimestamp"] = jv!("2020-01-01T00:00:00Z");
    let made = sim.create(cm).unwrap();
    assert_ne!(obj::uid(&made), "11111111-1111-4111-8111-111111111111");
    assert!(!obj::is_deleting(&made));
}

#[test]
fn create_of_an_existing_name_is_already_exists() {
    let mut sim = cluster();
    sim.create(config_map("settings")).unwrap();
    let err = sim.create(config_map("settings")).unwrap_err();
    assert_eq!(err, ApiError::AlreadyExists { resource: "configmaps".into(), name: "settings".into() });
    assert_eq!(err.to_string(), "configmaps \"settings\" already exists");
}

#[test]
fn create_with_generate_name_appends_five_random_characters() {
    let mut sim = cluster();
    let mut cm = config_map("");
    obj::meta_mut(&mut cm).remove("name");
    cm["metadata"]["generateName"] = jv!("settings-");
    let a = sim.create(cm.clone()).unwrap();
    let b = sim.create(cm).unwrap();
    for made in [&a, &b] {
        let suffix = obj::name(made).strip_prefix("settings-").unwrap();
        assert_eq!(suffix.len(), 5);
        // apimachinery's utilrand alphabet: no vowels, no 0, 1 or 3.
        assert!(suffix.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)), "{suffix}");
        assert_eq!(obj::str_at(made, "/metadata/generateName"), Some("settings-"));
    }
    assert_ne!(obj::name(&a), obj::name(&b));
}

#[test]
fn create_without_name_or_generate_name_is_invalid() {
    let mut sim = cluster();
    let mut cm = config_map("");
    obj::meta_mut(&mut cm).remove("name");
    let Err(ApiError::Invalid { causes, .. }) = sim.create(cm) else { panic!("expected Invalid") };
    assert_eq!(causes, ["metadata.name: Required value: name or generateName is required"]);
}

#[test]
fn create_without_a_namespace_lands_in_default() {
    let mut sim = cluster();
    let mut cm = config_map("settings");
    obj::meta_mut(&mut cm).remove("namespace");
    let made = sim.create(cm).unwrap();
    assert_eq!(obj::namespace(&made), "default");
    assert!(sim.get(Kind::ConfigMap, "default", "settings").is_some());
}

#[test]
fn create_in_a_missing_namespace_is_not_found() {
    let mut sim = cluster();
    let mut cm = config_map("settings");
    cm["metadata"]["namespace"] = jv!("nowhere");
    let err = sim.create(cm).unwrap_err();
    assert_eq!(err.to_string(), "namespaces \"nowhere\" not found");
}

#[test]
fn create_in_a_terminating_namespace_is_forbidden() {
    let mut sim = cluster();
    sim.create(jv!({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"}})).unwrap();
    let mut held = config_map("held");
    held["metadata"]["namespace"] = jv!("team");
    held["metadata"]["finalizers"] = jv!(["example.com/hold"]);
    sim.create(held).unwrap();
    sim.delete(&ObjKey::new(Kind::Namespace, "", "team"), DeleteOptions::default()).unwrap();
    let ns = sim.get(Kind::Namespace, "", "team").unwrap();
    assert!(obj::is_deleting(ns));
    let mut cm = config_map("settings");
    cm["metadata"]["namespace"] = jv!("team");
    let err = sim.create(cm).unwrap_err();
    assert!(matches!(err, ApiError::Forbidden(_)));
    assert_eq!(
        err.to_string(),
        "configmaps \"settings\" is forbidden: unable to create new content in namespace team because it is being terminated"
    );
}

#[test]
fn create_starts_a_workload_at_generation_one() {
    let mut sim = cluster();
    let made = sim.create(statefulset("web", 0)).unwrap();
    assert_eq!(generation(&made), 1);
}

// ----- update ---------------------------------------------------------------------------------

#[test]
fn update_bumps_generation_on_spec_change_only() {
    let mut sim = cluster();
    let mut sts = sim.create(statefulset("web", 0)).unwrap();
    sts["metadata"]["labels"] = jv!({"tier":"front"});
    let relabelled = sim.update(sts).unwrap();
    assert_eq!(generation(&relabelled), 1);
    let mut scaled = relabelled.clone();
    scaled["spec"]["replicas"] = jv!(2);
    let scaled = sim.update(scaled).unwrap();
    assert_eq!(generation(&scaled), 2);
}

#[test]
fn update_increases_the_resource_version() {
    let mut sim = cluster();
    let mut cm = sim.create(config_map("settings")).unwrap();
    let first = resource_version(&cm);
    cm["data"]["k"] = jv!("w");
    let updated = sim.update(cm).unwrap();
    assert!(resource_version(&updated) > first);
    assert_eq!(obj::str_at(&updated, "/data/k"), Some("w"));
}

#[test]
fn update_that_changes_nothing_keeps_the_resource_version() {
    let mut sim = cluster();
    let cm = sim.create(config_map("settings")).unwrap();
    let cursor = sim.store.cursor();
    let same = sim.update(cm.clone()).unwrap();
    assert_eq!(resource_version(&same), resource_version(&cm));
    assert!(sim.store.events_since(cursor).is_empty());
}

#[test]
fn update_keeps_what_the_server_owns() {
    let mut sim = cluster();
    let made = sim.create(statefulset("web", 0)).unwrap();
    let mut sts = made.clone();
    sts["metadata"]["uid"] = jv!("11111111-1111-4111-8111-111111111111");
    sts["metadata"]["creationTimestamp"] = jv!("2020-01-01T00:00:00Z");
    sts["metadata"]["generation"] = jv!(7);
    sts["status"] = jv!({"replicas":9});
    sts["spec"]["replicas"] = jv!(1);
    let updated = sim.update(sts).unwrap();
    assert_eq!(obj::uid(&updated), obj::uid(&made));
    assert_eq!(updated.ptr("/metadata/creationTimestamp"), made.ptr("/metadata/creationTimestamp"));
    assert_eq!(generation(&updated), 2);
    assert_ne!(obj::i64_at(&updated, "/status/replicas"), Some(9));
}

#[test]
fn update_of_a_missing_object_is_not_found() {
    let mut sim = cluster();
    let err = sim.update(config_map("settings")).unwrap_err();
    assert_eq!(err, ApiError::NotFound { resource: "configmaps".into(), name: "settings".into() });
}

// ----- delete ---------------------------------------------------------------------------------

#[test]
fn delete_of_a_missing_object_is_not_found() {
    let mut sim = cluster();
    let err = sim.delete(&key(Kind::ConfigMap, "settings"), DeleteOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), "configmaps \"settings\" not found");
}

#[test]
fn delete_of_an_object_without_finalizers_removes_it_at_once() {
    let mut sim = cluster();
    sim.create(config_map("settings")).unwrap();
    let cursor = sim.store.cursor();
    sim.delete(&key(Kind::ConfigMap, "settings"), DeleteOptions::default()).unwrap();
    assert!(sim.get(Kind::ConfigMap, "default", "settings").is_none());
    let events = sim.store.events_since(cursor);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].ty, WatchType::Deleted);
}

#[test]
fn delete_of_an_object_with_a_finalizer_only_marks_it() {
    let mut sim = cluster();
    let mut cm = config_map("settings");
    cm["metadata"]["finalizers"] = jv!(["example.com/hold"]);
    sim.create(cm).unwrap();
    sim.delete(&key(Kind::ConfigMap, "settings"), DeleteOptions::default()).unwrap();
    let held = sim.get(Kind::ConfigMap, "default", "settings").unwrap();
    assert_eq!(obj::str_at(held, "/metadata/deletionTimestamp"), Some(sim.timestamp().as_str()));
    assert_eq!(obj::i64_at(held, "/metadata/deletionGracePeriodSeconds"), Some(0));
    assert_eq!(obj::finalizers(held), ["example.com/hold"]);
}

#[test]
fn delete_of_a_protected_namespace_is_forbidden() {
    let mut sim = cluster();
    let err = sim.delete(&ObjKey::new(Kind::Namespace, "", "default"), DeleteOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), "namespaces \"default\" is forbidden: this namespace may not be deleted");
}

#[test]
fn delete_of_a_running_pod_waits_for_its_grace_period() {
    let mut sim = cluster();
    let mut p = pod("web");
    p["spec"]["terminationGracePeriodSeconds"] = jv!(10);
    sim.create(p).unwrap();
    assert!(sim.run_until_idle(120_000));
    assert_eq!(obj::str_at(sim.get(Kind::Pod, "default", "web").unwrap(), "/status/phase"), Some("Running"));
    let deleted_at = sim.unix_at(sim.now());
    sim.delete(&key(Kind::Pod, "web"), DeleteOptions::default()).unwrap();
    let going = sim.get(Kind::Pod, "default", "web").unwrap();
    // The pod strategy's CheckGracefulDelete: deletionTimestamp is now + the grace period.
    assert_eq!(obj::str_at(going, "/metadata/deletionTimestamp"), Some(time::rfc3339(deleted_at + 10).as_str()));
    assert_eq!(obj::i64_at(going, "/metadata/deletionGracePeriodSeconds"), Some(10));
    assert!(sim.run_until_idle(120_000));
    assert!(sim.get(Kind::Pod, "default", "web").is_none());
}

#[test]
fn delete_with_grace_zero_removes_a_running_pod_at_once() {
    let mut sim = cluster();
    sim.create(pod("web")).unwrap();
    assert!(sim.run_until_idle(120_000));
    sim.delete(&key(Kind::Pod, "web"), DeleteOptions { grace_seconds: Some(0), ..DeleteOptions::default() }).unwrap();
    assert!(sim.get(Kind::Pod, "default", "web").is_none());
}

#[test]
fn delete_of_an_unscheduled_pod_needs_no_grace() {
    let mut sim = cluster();
    let mut p = pod("web");
    p["spec"]["nodeSelector"] = jv!({"disk":"none-has-this"});
    sim.create(p).unwrap();
    sim.run_until_idle(10_000);
    assert!(obj::str_at(sim.get(Kind::Pod, "default", "web").unwrap(), "/spec/nodeName").is_none());
    sim.delete(&key(Kind::Pod, "web"), DeleteOptions::default()).unwrap();
    assert!(sim.get(Kind::Pod, "default", "web").is_none());
}

// ----- settle ---------------------------------------------------------------------------------

#[test]
fn a_created_deployment_settles_into_its_replicaset_and_pods() {
    let mut sim = cluster();
    let d = sim.create(deployment("api", 2)).unwrap();
    sim.settle_now();
    let rss: Vec<Value> = sim.store.list(Kind::ReplicaSet, Some("default")).map(|(_, o)| o.clone()).collect();
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let hash = obj::label(rs, "pod-template-hash").unwrap();
    assert_eq!(obj::name(rs), format!("api-{hash}"));
    assert_eq!(obj::controller_uid(rs), Some(obj::uid(&d)));
    assert_eq!(obj::i64_at(rs, "/spec/replicas"), Some(2));
    let pods: Vec<Value> = sim
        .store
        .list(Kind::Pod, Some("default"))
        .filter(|(_, p)| obj::controller_uid(p) == Some(obj::uid(rs)))
        .map(|(_, p)| p.clone())
        .collect();
    assert_eq!(pods.len(), 2);
    for p in &pods {
        assert_eq!(obj::str_at(p, "/metadata/generateName"), Some(format!("api-{hash}-").as_str()));
        assert_eq!(obj::label(p, "pod-template-hash"), Some(hash));
    }
}

#[test]
fn a_settled_deployment_reports_its_pods_available_once_they_run() {
    let mut sim = cluster();
    sim.create(deployment("api", 2)).unwrap();
    // Not `run_until_idle`: the controller keeps a progress-deadline check queued.
    sim.advance(120_000);
    let d = sim.get(Kind::Deployment, "default", "api").unwrap();
    assert_eq!(obj::i64_at(d, "/status/availableReplicas"), Some(2));
    assert_eq!(obj::i64_at(d, "/status/observedGeneration"), Some(1));
}

// ----- the clock ------------------------------------------------------------------------------

#[test]
fn step_moves_the_clock_to_the_next_timer() {
    let mut sim = cluster();
    sim.create(pod("web")).unwrap();
    let due = sim.next_due().unwrap();
    assert!(sim.step());
    assert_eq!(sim.now(), due);
}

#[test]
fn step_with_nothing_scheduled_returns_false_and_keeps_the_clock() {
    let mut sim = cluster();
    assert!(sim.run_until_idle(300_000));
    let now = sim.now();
    assert!(!sim.step());
    assert_eq!(sim.now(), now);
}

#[test]
fn run_until_runs_nothing_past_the_limit() {
    let mut sim = cluster();
    sim.create(pod("web")).unwrap();
    let due = sim.next_due().unwrap();
    assert!(due > sim.now());
    let limit = SimTime(due.ms() - 1);
    let cursor = sim.store.cursor();
    sim.run_until(limit);
    assert_eq!(sim.now(), limit);
    assert_eq!(sim.next_due(), Some(due));
    assert!(sim.store.events_since(cursor).is_empty());
}

#[test]
fn run_until_handles_every_timer_due_by_the_limit() {
    let mut sim = cluster();
    sim.create(pod("web")).unwrap();
    let limit = sim.now().plus_ms(60_000);
    sim.run_until(limit);
    assert_eq!(sim.now(), limit);
    assert!(sim.next_due().is_none_or(|d| d > limit));
}

#[test]
fn run_until_idle_stops_when_nothing_is_due() {
    let mut sim = cluster();
    sim.create(pod("web")).unwrap();
    assert!(sim.run_until_idle(300_000));
    assert_eq!(sim.next_due(), None);
    assert_eq!(obj::str_at(sim.get(Kind::Pod, "default", "web").unwrap(), "/status/phase"), Some("Running"));
}

#[test]
fn run_until_idle_gives_up_at_its_limit() {
    let mut sim = cluster();
    sim.create(pod("web")).unwrap();
    let start = sim.now();
    let due = sim.next_due().unwrap();
    let limit = due.ms() - start.ms() - 1;
    assert!(!sim.run_until_idle(limit));
    assert_eq!(sim.now(), start.plus_ms(limit));
    assert_eq!(sim.next_due(), Some(due));
}

#[test]
fn advance_moves_the_clock_even_when_idle() {
    let mut sim = cluster();
    assert!(sim.run_until_idle(300_000));
    let now = sim.now();
    sim.advance(5_000);
    assert_eq!(sim.now(), now.plus_ms(5_000));
}

#[test]
fn a_requested_cluster_ip_must_be_in_the_range_and_free() {
    let mut sim = cluster();
    let (kubernetes, free) = (sim.service_ip(1), sim.service_ip(77));
    assert_eq!(sim.claim_service_ip(&free), Ok(()));
    for taken in [&free, &kubernetes] {
        assert_eq!(
            sim.claim_service_ip(taken),
            Err(format!(
                "spec.clusterIPs: Invalid value: []string{{\"{taken}\"}}: failed to allocate IP {taken}: provided IP is already allocated"
            ))
        );
    }
    let outside = sim.claim_service_ip("192.168.0.5").unwrap_err();
    assert!(outside.ends_with(&format!(
        "the provided IP (192.168.0.5) is not in the valid range. The range of valid IPs is {}",
        sim.profile.service_cidr
    )));
    assert!(sim.claim_service_ip(&sim.service_ip(255)).is_err(), "the broadcast address is outside the range");
}
