//! The pod status fields the kubelet writes: container statuses (waiting, terminated), their
//! image and container IDs, and the pod's Ready and ContainersReady conditions.

use crate::jv;
use crate::sim::images;
use crate::sim::obj::{self, Ptr};
use crate::sim::store::ObjKey;
use crate::sim::Sim;
use serde_json::Value;

/// The statuses' container names, as the conditions' messages list them.
pub(super) fn names(statuses: &[Value]) -> String {
    statuses.iter().filter_map(|s| s.get("name").and_then(Value::as_str)).collect::<Vec<_>>().join(" ")
}

pub(super) fn image_id(c: &Value) -> String {
    let image = c.get("image").and_then(Value::as_str).unwrap_or_default();
    let full = images::normalize(image).unwrap_or_else(|_| image.to_string());
    if full.contains('@') {
        // Pulled by digest: that digest is its ID.
        return full;
    }
    let repo = full.rsplit_once(':').map(|(r, _)| r.to_string()).unwrap_or(full.clone());
    // A stable stand-in for the image's digest (the same image has the same ID everywhere).
    let digest: String = (0..8u8)
        .map(|i| format!("{:08x}", crate::sim::names::fnv1a32(&[&[i][..], full.as_bytes()].concat())))
        .collect();
    format!("{repo}@sha256:{digest}")
}

/// A new container's ID, as containerd writes it (four random draws).
pub(super) fn container_id(sim: &mut Sim) -> String {
    format!(
        "containerd://{:016x}{:016x}{:016x}{:016x}",
        sim.rng().next_u64(),
        sim.rng().next_u64(),
        sim.rng().next_u64(),
        sim.rng().next_u64()
    )
}

pub(super) fn waiting_status(c: &Value, reason: &str, message: Option<String>, restarts: u32) -> Value {
    let mut w = jv!({"reason": reason});
    if let Some(m) = message {
        w["message"] = jv!(m);
    }
    jv!({"name":c.get("name"),"image":c.get("image"),"imageID":"","ready":false,"started":false,"restartCount":restarts,"lastState":{},"state":{"waiting":w}})
}

pub(super) fn set_waiting(sim: &mut Sim, key: &ObjKey, c: &Value, reason: &str, message: Option<String>) {
    let name = c.get("name").cloned();
    let st = waiting_status(c, reason, message, 0);
    sim.modify(key, |p| {
        for s in statuses_mut(p).iter_mut().filter(|s| s.get("name") == name.as_ref()) {
            s["state"] = st["state"].clone();
        }
    });
}

/// The pod's container statuses, to change (none if it has no list yet).
pub(super) fn statuses_mut(p: &mut Value) -> &mut [Value] {
    match p.pointer_mut("/status/containerStatuses").and_then(Value::as_array_mut) {
        Some(cs) => cs,
        None => &mut [],
    }
}

/// The status of the container named `name`, to change, if the pod has one.
pub(super) fn status_named_mut<'p>(p: &'p mut Value, name: &str) -> impl Iterator<Item = &'p mut Value> {
    let name = name.to_string();
    statuses_mut(p).iter_mut().filter(move |s| s.get("name").and_then(Value::as_str) == Some(name.as_str()))
}

/// A container ended with `code` now: its running state becomes terminated (`Completed` for 0,
/// `Error` otherwise), and it is neither ready nor started.
pub(super) fn set_terminated(s: &mut Value, code: i32, ts: &str) {
    let started = s.ptr("/state/running/startedAt").cloned().unwrap_or(jv!(ts));
    let reason = exit_reason(code);
    s["state"] = jv!({"terminated":{"exitCode":code,"reason":reason,"startedAt":started,"finishedAt":ts,"containerID":s.get("containerID").cloned().unwrap_or(Value::Null)}});
    s["ready"] = jv!(false);
    s["started"] = jv!(false);
}

/// The runtime's reason for an exit code.
pub(super) fn exit_reason(code: i32) -> &'static str {
    if code == 0 {
        "Completed"
    } else {
        "Error"
    }
}

/// A new instance's last state: how the one before it ended (or what that one had as its own).
pub(super) fn last_state(old: Option<&Value>) -> Value {
    match old.and_then(|s| s.ptr("/state/terminated")) {
        Some(t) => jv!({"terminated": t}),
        None => old.and_then(|s| s.get("lastState")).cloned().unwrap_or(jv!({})),
    }
}

/// CrashLoopBackOff: the ended instance becomes the last state, and the container waits out
/// `backoff_ms` before it starts again.
pub(super) fn set_crash_loop(s: &mut Value, name: &str, backoff_ms: u64, pod_words: &str) {
    if let Some(t) = s.ptr("/state/terminated").cloned() {
        s["lastState"] = jv!({"terminated": t});
    }
    s["state"] = jv!({"waiting":{"reason":"CrashLoopBackOff","message":format!("back-off {}s restarting failed container={name} pod={pod_words}", backoff_ms / 1000)}});
}

pub(super) fn set_ready_conditions(p: &mut Value, ready: bool, ts: &str) {
    let unready: Vec<String> = obj::arr_at(p, "/status/containerStatuses")
        .iter()
        .filter(|c| !c.get("ready").and_then(Value::as_bool).unwrap_or(false))
        .filter_map(|c| c.get("name").and_then(Value::as_str).map(String::from))
        .collect();
    let Some(conds) = p.pointer_mut("/status/conditions").and_then(Value::as_array_mut) else { return };
    for c in conds.iter_mut() {
        let ty = c.get("type").and_then(Value::as_str).unwrap_or_default().to_string();
        if ty != "Ready" && ty != "ContainersReady" {
            continue;
        }
        let was = c.get("status").and_then(Value::as_str) == Some("True");
        if was != ready {
            c["lastTransitionTime"] = jv!(ts);
        }
        c["status"] = jv!(if ready { "True" } else { "False" });
        let m = c.as_object_mut().expect("condition is an object");
        if ready {
            m.remove("reason");
            m.remove("message");
        } else {
            m.insert("reason".into(), jv!("ContainersNotReady"));
            m.insert("message".into(), jv!(format!("containers with unready status: [{}]", unready.join(" "))));
        }
    }
}

/// Whether every container status says ready.
pub(super) fn all_ready(p: &Value) -> bool {
    obj::arr_at(p, "/status/containerStatuses").iter().all(|s| obj::bool_at(s, "/ready") == Some(true))
}

/// Whether the container named `name` is running, as the pod's status says.
pub(super) fn is_running(pod: &Value, name: &str) -> bool {
    obj::arr_at(pod, "/status/containerStatuses")
        .iter()
        .any(|s| obj::str_at(s, "/name") == Some(name) && s.ptr("/state/running").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod_with(ready: &[(&str, bool)]) -> Value {
        let statuses: Vec<Value> = ready.iter().map(|(n, r)| jv!({"name":n,"ready":r})).collect();
        jv!({"status":{"containerStatuses":statuses,"conditions":[
            {"type":"Ready","status":"True","lastTransitionTime":"2022-05-28T09:00:00Z"},
            {"type":"ContainersReady","status":"True","lastTransitionTime":"2022-05-28T09:00:00Z"},
            {"type":"PodScheduled","status":"True","lastTransitionTime":"2022-05-28T08:00:00Z"}]}})
    }

    #[test]
    fn unready_conditions_name_the_unready_containers_and_keep_their_reason() {
        let mut p = pod_with(&[("a", true), ("b", false)]);
        set_ready_conditions(&mut p, false, "2022-05-28T09:01:00Z");
        for i in 0..2 {
            let c = &p["status"]["conditions"][i];
            assert_eq!(c["status"], jv!("False"));
            assert_eq!(c["reason"], jv!("ContainersNotReady"));
            assert_eq!(c["message"], jv!("containers with unready status: [b]"));
            assert_eq!(c["lastTransitionTime"], jv!("2022-05-28T09:01:00Z"));
        }
        // PodScheduled is not the kubelet's to change.
        assert_eq!(p["status"]["conditions"][2]["lastTransitionTime"], jv!("2022-05-28T08:00:00Z"));
    }

    #[test]
    fn a_condition_that_stays_as_it_was_keeps_its_transition_time() {
        let mut p = pod_with(&[("a", true)]);
        set_ready_conditions(&mut p, true, "2022-05-28T09:05:00Z");
        let c = &p["status"]["conditions"][0];
        assert_eq!(c["lastTransitionTime"], jv!("2022-05-28T09:00:00Z"));
        assert_eq!(c.get("reason"), None);
        assert_eq!(c.get("message"), None);
    }

    #[test]
    fn an_image_id_is_the_repository_at_a_digest_the_same_for_the_same_image() {
        let a = image_id(&jv!({"image":"nginx:1.14.2"}));
        assert!(a.starts_with("docker.io/library/nginx@sha256:"), "{a}");
        assert_eq!(a.len(), "docker.io/library/nginx@sha256:".len() + 64);
        assert_eq!(a, image_id(&jv!({"image":"docker.io/library/nginx:1.14.2"})));
        assert_ne!(a, image_id(&jv!({"image":"nginx:1.15"})));
    }

    #[test]
    fn a_crash_loop_keeps_the_ended_instance_as_the_last_state() {
        let mut s = jv!({"name":"c","state":{"terminated":{"exitCode":1,"reason":"Error"}}});
        set_crash_loop(&mut s, "c", 20_000, "p_default(u1)");
        assert_eq!(s["lastState"], jv!({"terminated":{"exitCode":1,"reason":"Error"}}));
        assert_eq!(
            s["state"],
            jv!({"waiting":{"reason":"CrashLoopBackOff","message":"back-off 20s restarting failed container=c pod=p_default(u1)"}})
        );
    }
}
