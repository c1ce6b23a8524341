//! Image pulls: a pod's images (or one init container's), their Pulling and Pulled events, the
//! pull errors (`ErrImagePull`, `InvalidImageName`, `ErrImageNeverPull`) and `ImagePullBackOff`.

use super::status::set_waiting;
use super::{init_containers, PodCtx, Step};
use crate::sim::images::{self, PullError};
use crate::sim::Sim;
use serde_json::Value;

/// What one image's pull came to.
enum Pull {
    /// The image is there after this many milliseconds.
    Took(u64),
    /// The image does not exist: the pull fails (`Step::PullFailed`).
    Failing,
    /// The image cannot be pulled at all (a bad name, or `Never` and absent): the pod waits.
    Stop,
}

/// Pulls the images of the pod's containers, or (`Some(i)`) of its init container `i`.
// k8s-diff: an init container's image that cannot be pulled is reported on the pod's
// containers, not on the init container.
pub(super) fn pull(sim: &mut Sim, cx: &PodCtx, init: Option<usize>) {
    let mut total = 0u64;
    let mut failed = false;
    let list = match init {
        Some(i) => init_containers(cx.pod).get(i).cloned().into_iter().collect(),
        None => cx.containers(),
    };
    for c in list {
        match pull_image(sim, cx, &c) {
            Pull::Took(ms) => total += ms,
            Pull::Failing => failed = true,
            Pull::Stop => return,
        }
    }
    if failed {
        let d = sim.rand_range(800, 2500);
        cx.at(sim, d, Step::PullFailed);
    } else {
        cx.at(sim, total, init.map_or(Step::Pulled, Step::InitPulled));
    }
}

/// Ensures container `c`'s image is on the node, as `EnsureImageExists` does under the
/// container's pull policy.
fn pull_image(sim: &mut Sim, cx: &PodCtx, c: &Value) -> Pull {
    let image = c.get("image").and_then(Value::as_str).unwrap_or_default().to_string();
    let policy = c.get("imagePullPolicy").and_then(Value::as_str).unwrap_or("IfNotPresent").to_string();
    let info = match images::lookup(&image) {
        Err(PullError::InvalidName) => {
            let msg = format!("Failed to apply default image tag \"{image}\": couldn't parse image reference \"{image}\": invalid reference format");
            cx.event(sim, "Warning", "InspectFailed", msg.clone());
            set_waiting(sim, cx.key, c, "InvalidImageName", Some(msg));
            return Pull::Stop;
        }
        Err(PullError::NotFound { .. }) => {
            cx.event(sim, "Normal", "Pulling", format!("Pulling image \"{image}\""));
            return Pull::Failing;
        }
        Ok(info) => info,
    };
    let cached = sim.pulled.contains(&(cx.node.clone(), info.full.clone()));
    if cached && policy != "Always" {
        cx.event(sim, "Normal", "Pulled", format!("Container image \"{image}\" already present on machine"));
        return Pull::Took(sim.rand_range(300, 700));
    }
    if policy == "Never" {
        let msg = format!("Container image \"{image}\" is not present with pull policy of Never");
        set_waiting(sim, cx.key, c, "ErrImageNeverPull", Some(msg));
        return Pull::Stop;
    }
    cx.event(sim, "Normal", "Pulling", format!("Pulling image \"{image}\""));
    let ms = if cached { sim.rand_range(700, 1600) } else { info.pull_ms * sim.rand_range(90, 112) / 100 };
    sim.pulled.insert((cx.node.clone(), info.full.clone()));
    let pull_ns = ms * 1_000_000 + sim.rand_range(0, 999_999);
    let text = pulled_message(sim, &image, info.size_bytes, pull_ns);
    pending_pulled_event(sim, cx.uid, text);
    Pull::Took(ms)
}

/// `Step::PullFailed`: each image that does not exist is `ErrImagePull`.
#[inline(never)]
pub(super) fn failed(sim: &mut Sim, cx: &PodCtx) {
    flush_pulled_events(sim, cx);
    for c in cx.containers() {
        let image = c.get("image").and_then(Value::as_str).unwrap_or_default().to_string();
        let Err(PullError::NotFound { full }) = images::lookup(&image) else { continue };
        let msg = not_found_message(&full);
        cx.event(sim, "Warning", "Failed", format!("Failed to pull image \"{image}\": {msg}"));
        cx.event(sim, "Warning", "Failed", "Error: ErrImagePull".into());
        set_waiting(sim, cx.key, &c, "ErrImagePull", Some(msg));
    }
    let d = sim.rand_range(300, 1200);
    cx.at(sim, d, Step::PullBackOff);
}

/// Docker Hub answers a repository it does not have as it answers one it may not show
/// (containerd 1.6's words); a missing tag is NotFound.
fn not_found_message(full: &str) -> String {
    if full.starts_with("docker.io/") && !images::repository_exists(full) {
        format!("rpc error: code = Unknown desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed")
    } else {
        format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found")
    }
}

/// `Step::PullBackOff`: the failed images are `ImagePullBackOff` until the pull is tried again.
#[inline(never)]
pub(super) fn back_off(sim: &mut Sim, cx: &PodCtx) {
    let n = {
        let rt = cx.runtime(sim);
        rt.pull_failures += 1;
        rt.pull_failures
    };
    let minor = sim.profile.server_minor();
    for c in cx.containers() {
        let image = c.get("image").and_then(Value::as_str).unwrap_or_default().to_string();
        let error = match images::lookup(&image) {
            Ok(_) => continue,
            Err(PullError::NotFound { full }) => Some(not_found_message(&full)),
            Err(PullError::InvalidName) => None,
        };
        let backing_off = format!("Back-off pulling image \"{image}\"");
        cx.event(sim, "Normal", "BackOff", backing_off.clone());
        cx.event(sim, "Warning", "Failed", "Error: ImagePullBackOff".into());
        // kubernetes/kubernetes#127918 ("Use image pull error in `message` during back-off",
        // v1.32: its release blog's "the error is appended to the
        // status.containerStatuses[*].state.waiting.message"): image_manager.go keeps
        // `fmt.Sprintf("%s: %s", err, msg)` of the last pull (err `ErrImagePull` from
        // evalCRIPullErr) and the back-off's message becomes `fmt.Sprintf("%s: %s", msg,
        // prevPullErrMsg)`. The BackOff event keeps the short words. Sources: image_manager.go
        // line 148 of v1.31.2 returns the short words; lines 268-276 of v1.33.3 wrap them
        // (kaisenlinux/kubernetes' imports of the release tarballs).
        let waiting = match error {
            Some(e) if minor >= 32 => format!("{backing_off}: ErrImagePull: {e}"),
            _ => backing_off,
        };
        set_waiting(sim, cx.key, &c, "ImagePullBackOff", Some(waiting));
    }
    // Back-off 10 s doubling to 300 s (kubelet backOffPeriod and MaxContainerBackOff).
    let backoff = (10_000u64 << (n - 1).min(5)).min(300_000);
    cx.at(sim, backoff, Step::RetryPull);
}

/// A restarting container's `EnsureImageExists`: `already present on machine`, or a pull again
/// under `Always`.
pub(super) fn ensure_image(sim: &mut Sim, cx: &PodCtx, c: &Value) {
    let image = c.get("image").and_then(Value::as_str).unwrap_or_default().to_string();
    if c.get("imagePullPolicy").and_then(Value::as_str) != Some("Always") {
        cx.event(sim, "Normal", "Pulled", format!("Container image \"{image}\" already present on machine"));
        return;
    }
    cx.event(sim, "Normal", "Pulling", format!("Pulling image \"{image}\""));
    let pull_ns = sim.rand_range(700, 1600) * 1_000_000 + sim.rand_range(0, 999_999);
    let size = images::lookup(&image).map_or(0, |i| i.size_bytes);
    let text = pulled_message(sim, &image, size, pull_ns);
    cx.event(sim, "Normal", "Pulled", text);
}

/// The Pulled event of an image the kubelet pulled, in the profile's release's words
/// (`EnsureImageExists` in pkg/kubelet/images/image_manager.go), for a pull of `pull_ns`
/// nanoseconds; the wall time since the Pulling event (`time.Since(startTime)`) is a few
/// microseconds more (4 to 40 µs, taken from the pull's own digits so that no draw is added).
fn pulled_message(sim: &Sim, image: &str, size: u64, pull_ns: u64) -> String {
    let total_ns = pull_ns + 4_000 + pull_ns / 7 % 36_000;
    pulled_words(sim.profile.server_minor(), image, size, pull_ns, total_ns)
}

/// The words of [`pulled_message`] at server release `1.minor`.
fn pulled_words(minor: u32, image: &str, size: u64, pull_ns: u64, total_ns: u64) -> String {
    if minor < 26 {
        // kubernetes/kubernetes#91563 (v1.19): "Successfully pulled image %q in %v", with
        // time.Since(startTime): the wait behind other pulls included (image_manager.go in the
        // v1.24.3 and v1.25.5 release sources, kaisenlinux/kubernetes).
        // k8s-diff: the picks of #111772 below gave late patches the newer words (v1.25.8 and
        // v1.25.9 have them, v1.25.5 not); the lab words a whole minor as its .0 does.
        return format!("Successfully pulled image \"{image}\" in {}", go_duration(total_ns));
    }
    if minor < 28 {
        // kubernetes/kubernetes#111772 ("kubelet: make the image pull time more accurate in
        // event"): "Successfully pulled image %q in %v (%v including waiting)", the puller's
        // own time, then time.Since(startTime). Its release note is NONE, so no CHANGELOG
        // names its release; it was cherry-picked in December 2022 to release-1.25 (#114271),
        // release-1.24 (#114272) and release-1.23 (#114430) and to no release-1.26, which it
        // therefore already was in: v1.26.0 is the first minor release with these words
        // (v1.26.1's source line 167, a `git archive` of 8f94681c; v1.27.4's line 168).
        return format!(
            "Successfully pulled image \"{image}\" in {} ({} including waiting)",
            go_duration(pull_ns),
            go_duration(total_ns)
        );
    }
    // kubernetes/kubernetes#117276 ("kubelet: truncate the precision at a millisecond for
    // image pull event message", opened 2023-04-13, after v1.27.0 was out): both durations
    // .Truncate(time.Millisecond), from v1.28 (v1.28.3's source lines 167-168; not v1.27.4's).
    let (pull, total) = (go_duration(pull_ns - pull_ns % 1_000_000), go_duration(total_ns - total_ns % 1_000_000));
    if minor < 30 {
        return format!("Successfully pulled image \"{image}\" in {pull} ({total} including waiting)");
    }
    // kubernetes/kubernetes#121719 ("Add image pull duration metric with bucketed image size",
    // in the v1.30 release notes): "... (%v including waiting). Image size: %v bytes." (the
    // v1.30.0 source's line 171; not v1.28.3's).
    format!("Successfully pulled image \"{image}\" in {pull} ({total} including waiting). Image size: {size} bytes.")
}

/// A pull's Pulled event waits for the pull to end (`Step::Pulled`, or `Step::PullFailed` when
/// another image failed).
fn pending_pulled_event(sim: &mut Sim, uid: &str, text: String) {
    sim.runtime.entry(uid.to_string()).or_default().pulled_events.push(text);
}

/// The pulls ended: their Pulled events are recorded.
pub(super) fn flush_pulled_events(sim: &mut Sim, cx: &PodCtx) {
    let texts = sim.runtime.get_mut(cx.uid).map(|r| std::mem::take(&mut r.pulled_events)).unwrap_or_default();
    for text in texts {
        cx.event(sim, "Normal", "Pulled", text);
    }
}

/// Go's `time.Duration.String()` for durations under an hour: `7.839965732s`, `850ms`,
/// `1m21.284220239s`.
fn go_duration(ns: u64) -> String {
    const MINUTE: u64 = 60_000_000_000;
    if ns >= MINUTE {
        let rest = ns % MINUTE;
        let secs = trim_zeros(&format!("{}.{:09}", rest / 1_000_000_000, rest % 1_000_000_000));
        return format!("{}m{secs}s", ns / MINUTE);
    }
    // Integer arithmetic, as Go's: whole units, then the fraction's digits without trailing zeros.
    let (unit, per) = if ns < 1_000_000_000 { ("ms", 1_000_000) } else { ("s", 1_000_000_000) };
    let width = if per == 1_000_000 { 6 } else { 9 };
    trim_zeros(&format!("{}.{:0width$}", ns / per, ns % per)) + unit
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_as_go_prints_them() {
        // time.Duration(n).String() for each n.
        for (ns, go) in [
            (850_000_000, "850ms"),
            (7_839_965_732, "7.839965732s"),
            (1_500_000, "1.5ms"),
            (1_000_000_000, "1s"),
            (12_000_000_001, "12.000000001s"),
            (1_234_567, "1.234567ms"),
            (81_284_220_239, "1m21.284220239s"),
            (60_000_000_000, "1m0s"),
            (127_876_426_944, "2m7.876426944s"),
        ] {
            assert_eq!(go_duration(ns), go);
        }
    }
}

#[cfg(test)]
mod handler_tests {
    use super::super::testkit::*;
    use crate::jv;
    use crate::sim::obj::Ptr;
    use serde_json::Value;

    #[test]
    fn a_pull_of_a_missing_tag_sets_err_image_pull_then_image_pull_back_off() {
        let mut sim = cluster(false);
        create_pod(&mut sim, "web", jv!({"containers":[{"name":"nginx","image":"nginx:1.99"}]}));
        assert!(run_until(&mut sim, 10_000, |s| waiting_reason(s, "web", "nginx").as_deref() == Some("ErrImagePull")));
        let message = container_status(&sim, "web", "nginx")
            .ptr("/state/waiting/message")
            .and_then(Value::as_str)
            .map(String::from);
        assert_eq!(
            message.as_deref(),
            Some("rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.99\": failed to resolve reference \"docker.io/library/nginx:1.99\": docker.io/library/nginx:1.99: not found")
        );
        assert!(
            run_until(&mut sim, 5_000, |s| waiting_reason(s, "web", "nginx").as_deref() == Some("ImagePullBackOff"))
        );
        let events = events(&sim, "web");
        assert!(events.contains(&"Pulling: Pulling image \"nginx:1.99\"".to_string()), "{events:#?}");
        assert!(events.contains(&"Failed: Error: ErrImagePull".to_string()), "{events:#?}");
        assert!(events.contains(&"BackOff: Back-off pulling image \"nginx:1.99\"".to_string()), "{events:#?}");
        assert!(events.contains(&"Failed: Error: ImagePullBackOff".to_string()), "{events:#?}");
        assert_eq!(phase(&sim, "web"), "Pending");
    }

    #[test]
    fn an_image_reference_that_does_not_parse_is_invalid_image_name_and_never_pulled() {
        let mut sim = cluster(false);
        create_pod(&mut sim, "web", jv!({"containers":[{"name":"nginx","image":"NGINX:latest"}]}));
        assert!(
            run_until(&mut sim, 10_000, |s| waiting_reason(s, "web", "nginx").as_deref() == Some("InvalidImageName"))
        );
        assert!(events(&sim, "web").iter().all(|e| !e.starts_with("Pulling")), "{:#?}", events(&sim, "web"));
    }

    #[test]
    fn an_image_already_on_the_node_is_not_pulled_again() {
        let mut sim = cluster(false);
        let spec = jv!({"nodeName":"k8s-w1","containers":[{"name":"nginx","image":"nginx:1.14.2"}]});
        create_pod(&mut sim, "a", spec.clone());
        assert!(run_until(&mut sim, 30_000, |s| phase(s, "a") == "Running"));
        assert!(events(&sim, "a")
            .iter()
            .any(|e| e.starts_with("Pulled: Successfully pulled image \"nginx:1.14.2\" in ")));
        create_pod(&mut sim, "b", spec);
        assert!(run_until(&mut sim, 30_000, |s| phase(s, "b") == "Running"));
        let events = events(&sim, "b");
        assert!(events.contains(&"Pulled: Container image \"nginx:1.14.2\" already present on machine".to_string()));
        assert!(events.iter().all(|e| !e.starts_with("Pulling")), "{events:#?}");
    }

    #[test]
    fn never_pull_of_an_image_the_node_lacks_is_err_image_never_pull() {
        let mut sim = cluster(false);
        create_pod(
            &mut sim,
            "web",
            jv!({"containers":[{"name":"nginx","image":"nginx:1.14.2","imagePullPolicy":"Never"}]}),
        );
        assert!(
            run_until(&mut sim, 10_000, |s| waiting_reason(s, "web", "nginx").as_deref() == Some("ErrImageNeverPull"))
        );
        let message = container_status(&sim, "web", "nginx").ptr("/state/waiting/message").cloned();
        assert_eq!(message, Some(jv!("Container image \"nginx:1.14.2\" is not present with pull policy of Never")));
    }
}
