//! The kubelet's image and container events in each release's words (issue 13, item 1): the
//! Pulled event of a pull (first start and a restart under `imagePullPolicy: Always`, one
//! wording for both, as one `EnsureImageExists` prints both upstream), and the Created and
//! Started events (first start, an init container, a restart). Each test names the upstream
//! source of the words on each side of its release gate.

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

/// A pod whose container exits at once and is restarted, pulling its image each time.
const ALWAYS: &str = "apiVersion: v1
kind: Pod
metadata:
  name: again
spec:
  containers:
  - name: once
    image: busybox:1.28
    imagePullPolicy: Always
    command: [\"sh\", \"-c\", \"exit 1\"]
";

/// A pod with an init container.
const WITH_INIT: &str = "apiVersion: v1
kind: Pod
metadata:
  name: inited
spec:
  initContainers:
  - name: prepare
    image: busybox:1.28
    command: [\"sh\", \"-c\", \"true\"]
  containers:
  - name: web
    image: nginx
";

fn session_at(version: &str) -> Session {
    let mut config = SimConfig::seeded(5);
    config.profile.kubernetes_version = version.to_string();
    let mut s = Session::new(config).with_loader(common::files_loader());
    s.write_file("again.yaml", ALWAYS);
    s.write_file("inited.yaml", WITH_INIT);
    s
}

fn run(s: &mut Session, line: &str) -> String {
    s.run_line(line).0.text()
}

/// The messages of pod `pod`'s events with `reason`, oldest first.
fn messages(s: &mut Session, pod: &str, reason: &str) -> Vec<String> {
    let out = run(
        s,
        &format!("kubectl get events --field-selector involvedObject.name={pod},reason={reason} --sort-by=.metadata.creationTimestamp -o custom-columns=M:.message --no-headers"),
    );
    out.lines().map(String::from).collect()
}

/// `nginx` pulled onto a node that lacks it, at `version`: its Pulled message.
fn first_pull(version: &str) -> String {
    let mut s = session_at(version);
    run(&mut s, "kubectl run web --image=nginx");
    s.sim.run_until_idle(120_000);
    let pulled = messages(&mut s, "web", "Pulled");
    assert_eq!(pulled.len(), 1, "{pulled:?}");
    pulled[0].clone()
}

/// Whether `d` reads as Go prints a `time.Duration` under a minute (`7.839965732s`, `850ms`).
fn go_duration(d: &str) -> bool {
    let num = d.strip_suffix("ms").or_else(|| d.strip_suffix('s')).unwrap_or("");
    !num.is_empty() && num.chars().all(|c| c.is_ascii_digit() || c == '.') && !num.ends_with('0')
}

/// Digits after the point in a Go duration (`7.839s` → 3).
fn decimals(d: &str) -> usize {
    d.trim_end_matches(|c: char| c.is_ascii_alphabetic()).split_once('.').map_or(0, |(_, f)| f.len())
}

/// The two durations of `Successfully pulled image "nginx" in A (B including waiting)…`.
fn durations(msg: &str) -> (String, String) {
    let rest = msg.strip_prefix("Successfully pulled image \"nginx\" in ").unwrap_or_else(|| panic!("{msg}"));
    let (a, rest) = rest.split_once(" (").unwrap_or_else(|| panic!("{msg}"));
    let b = rest.split_once(" including waiting)").unwrap_or_else(|| panic!("{msg}")).0;
    (a.to_string(), b.to_string())
}

/// Before kubernetes/kubernetes#111772, image_manager.go's `EnsureImageExists` recorded
/// `fmt.Sprintf("Successfully pulled image %q in %v", container.Image, time.Since(startTime))`
/// (#91563, v1.19). #111772 was cherry-picked to release-1.25/1.24/1.23 (#114271, #114272,
/// #114430) for later patch releases; a v1.25 profile keeps the .0 release's words.
#[test]
fn before_v1_26_a_pull_says_only_its_time() {
    let msg = first_pull("v1.25.0");
    let d = msg.strip_prefix("Successfully pulled image \"nginx\" in ").unwrap_or_else(|| panic!("{msg}"));
    assert!(go_duration(d), "{msg}");
}

/// kubernetes/kubernetes#111772: `fmt.Sprintf("Successfully pulled image %q in %v (%v
/// including waiting)", container.Image, imagePullResult.pullDuration, time.Since(startTime))`,
/// untruncated (the PR's own example: `in 49.18401355s(72.871704s including waiting)`; a
/// cluster's: `in 4.358345527s (4.35836754s including waiting)`). It was not cherry-picked to
/// release-1.26, which already had it, so v1.26.0 and v1.27 print it.
#[test]
fn from_v1_26_a_pull_counts_its_waiting_too() {
    for version in ["v1.26.0", "v1.27.3"] {
        let msg = first_pull(version);
        let (pull, total) = durations(&msg);
        assert!(go_duration(&pull) && go_duration(&total), "{msg}");
        assert!(decimals(&pull) > 3 || decimals(&total) > 3, "not truncated before 1.28: {msg}");
        assert!(!msg.contains("Image size"), "{msg}");
    }
}

/// kubernetes/kubernetes#117276 (opened 2023-04-13, after v1.27.0): both durations
/// `.Truncate(time.Millisecond)`, "Before `in 4.614356447s (4.614439819s including waiting)`,
/// After `in 4.614s (4.614s including waiting)`", from v1.28; v1.29 the same.
#[test]
fn from_v1_28_pull_times_are_cut_to_milliseconds() {
    for version in ["v1.28.0", "v1.29.2"] {
        let msg = first_pull(version);
        let (pull, total) = durations(&msg);
        assert!(go_duration(&pull) && go_duration(&total), "{msg}");
        assert!(decimals(&pull) <= 3 && decimals(&total) <= 3, "{msg}");
        assert!(msg.ends_with(" including waiting)"), "{msg}");
    }
}

/// kubernetes/kubernetes#121719 (in the v1.30 release notes): `fmt.Sprintf("Successfully
/// pulled image %q in %v (%v including waiting). Image size: %v bytes.", …,
/// imagePullResult.imageSize)`. A real cluster pulling `nginx`: `Successfully pulled image
/// "nginx" in 27.88s (27.88s including waiting). Image size: 68507108 bytes.`
#[test]
fn from_v1_30_a_pull_names_the_image_size() {
    for version in ["v1.30.0", "v1.35.0"] {
        let msg = first_pull(version);
        let (pull, total) = durations(&msg);
        assert!(decimals(&pull) <= 3 && decimals(&total) <= 3, "{msg}");
        assert!(msg.ends_with(" including waiting). Image size: 68507108 bytes."), "{msg}");
    }
    assert!(!first_pull("v1.29.2").contains("Image size"));
}

/// A restart under `imagePullPolicy: Always` pulls again through the same
/// `EnsureImageExists`, so its Pulled event has the same words as the first pull's, on each
/// side of each gate (`Image size: 727869 bytes.` is what a real cluster reported for
/// `busybox:1.28`).
#[test]
fn a_restart_that_pulls_again_words_it_as_the_first_pull() {
    for (version, tail) in [
        ("v1.25.0", None),
        ("v1.26.0", Some(" including waiting)")),
        ("v1.30.0", Some(" including waiting). Image size: 727869 bytes.")),
    ] {
        let mut s = session_at(version);
        run(&mut s, "kubectl apply -f again.yaml");
        s.sim.run_until_idle(60_000);
        let pulled = messages(&mut s, "again", "Pulled");
        assert!(pulled.len() >= 2, "{version}: {pulled:?}");
        for msg in &pulled {
            assert!(msg.starts_with("Successfully pulled image \"busybox:1.28\" in "), "{version}: {msg}");
            match tail {
                None => assert!(!msg.contains('('), "{version}: {msg}"),
                Some(t) => assert!(msg.ends_with(t), "{version}: {msg}"),
            }
        }
    }
}

/// The Created and Started events of `pod`'s containers.
fn created_started(version: &str, manifest: &str, pod: &str) -> (Vec<String>, Vec<String>) {
    let mut s = session_at(version);
    run(&mut s, &format!("kubectl apply -f {manifest}"));
    s.sim.run_until_idle(60_000);
    (messages(&mut s, pod, "Created"), messages(&mut s, pod, "Started"))
}

/// kubernetes/kubernetes#73892 (v1.14) gave kuberuntime_container.go's `startContainer`
/// `fmt.Sprintf("Created container %s", container.Name)` and `fmt.Sprintf("Started container
/// %s", container.Name)`: a real v1.26 cluster's `Created container nginx`, `Started container
/// nginx`; the same lines in the v1.24.3 and v1.31.2 release sources (kaisenlinux/kubernetes)
/// and in v1.31.0 and v1.31.4 (wt2017/kubernetes-wyou).
#[test]
fn up_to_v1_31_created_and_started_name_the_container() {
    for version in ["v1.24.3", "v1.26.0", "v1.31.0"] {
        let (created, started) = created_started(version, "inited.yaml", "inited");
        assert_eq!(created, ["Created container prepare", "Created container web"], "{version}");
        assert_eq!(started, ["Started container prepare", "Started container web"], "{version}");
    }
}

/// Later kuberuntime_container.go: `"Created container: %v", container.Name` and `"Started
/// container %v", container.Name` (the v1.33.0 and v1.33.3 release sources, kubeedge's
/// vendored v1.32.10; a real cluster: `Created container: nginx`, `Started container nginx`),
/// on first starts, init containers and restarts alike. v1.32.0's own source was not reached:
/// its side of the gate rests on the Go 1.24 vet fix having been picked into release-1.29 to
/// -1.31 only (see `kubelet::start`).
#[test]
fn from_v1_32_created_has_a_colon_and_started_does_not() {
    for version in ["v1.32.0", "v1.33.0", "v1.34.1"] {
        let (created, started) = created_started(version, "inited.yaml", "inited");
        assert_eq!(created, ["Created container: prepare", "Created container: web"], "{version}");
        assert_eq!(started, ["Started container prepare", "Started container web"], "{version}");
        let (created, started) = created_started(version, "again.yaml", "again");
        assert_eq!(created, ["Created container: once"], "{version}: one event, counted again on each restart");
        assert_eq!(started, ["Started container once"], "{version}");
    }
}

/// kubernetes/kubernetes#134043 ("Remove container name from container event messages",
/// CHANGELOG-1.35.md, v1.35.0-alpha.1: "Remove container name from messages for container
/// created and started events"): `Container created`, `Container started`. The two
/// containers' events stay two: the correlator's key (client-go `getEventKey`) holds the
/// involved object's fieldPath (`spec.initContainers{prepare}`, `spec.containers{web}`).
#[test]
fn from_v1_35_created_and_started_name_no_container() {
    let (created, started) = created_started("v1.35.0", "inited.yaml", "inited");
    assert_eq!(created, ["Container created", "Container created"]);
    assert_eq!(started, ["Container started", "Container started"]);
    let mut s = session_at("v1.35.0");
    run(&mut s, "kubectl apply -f inited.yaml");
    s.sim.run_until_idle(60_000);
    let paths = run(
        &mut s,
        "kubectl get events --field-selector reason=Created --sort-by=.metadata.creationTimestamp -o custom-columns=F:.involvedObject.fieldPath --no-headers",
    );
    assert_eq!(paths, "spec.initContainers{prepare}\nspec.containers{web}\n");
    let (created, _) = created_started("v1.35.0", "again.yaml", "again");
    assert_eq!(created, ["Container created"]);
}

/// The Events lines of `kubectl describe pod web` after `kubectl run web --image=nginx`.
fn described_events(version: &str) -> Vec<String> {
    let mut s = session_at(version);
    run(&mut s, "kubectl run web --image=nginx");
    s.sim.run_until_idle(120_000);
    let out = run(&mut s, "kubectl describe pod web");
    let events = out.split_once("Events:\n").unwrap_or_else(|| panic!("{out}")).1;
    events.lines().skip(2).map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

/// kubectl 1.35's DescribeEvents prefixes an event's message with its involved object's
/// fieldPath (kubernetes/kubernetes#133627; pkg/describe/describe.go at kubernetes-1.35.0
/// lines 4143-4145, absent at kubernetes-1.34.0). A real v1.35 cluster (kind) described:
/// `Normal Pulling 6s kubelet spec.containers{hello}: Pulling image "nginx:1.27-alpine"`, then
/// `spec.containers{hello}: Successfully pulled image ... Image size: 20984244 bytes.`,
/// `spec.containers{hello}: Container created`, `spec.containers{hello}: Container started`;
/// the scheduler's event names no field and has no prefix.
#[test]
fn kubectl_1_35_describes_container_events_with_their_field() {
    let events = described_events("v1.35.0");
    let msgs: Vec<&str> = events.iter().map(|l| l.split_once(" kubelet ").map_or("", |m| m.1)).collect();
    assert!(events[0].contains("default-scheduler Successfully assigned default/web to "), "{events:?}");
    assert_eq!(msgs[1], "spec.containers{web}: Pulling image \"nginx\"", "{events:?}");
    assert!(msgs[2].starts_with("spec.containers{web}: Successfully pulled image \"nginx\" in "), "{events:?}");
    assert_eq!(&msgs[3..], ["spec.containers{web}: Container created", "spec.containers{web}: Container started"]);
    let before = described_events("v1.34.1");
    let msgs: Vec<&str> = before.iter().map(|l| l.split_once(" kubelet ").map_or("", |m| m.1)).collect();
    assert_eq!(msgs[1], "Pulling image \"nginx\"", "{before:?}");
    assert_eq!(&msgs[3..], ["Created container: web", "Started container web"]);
}

/// A pod whose image tag does not exist, at `version`, once it is in ImagePullBackOff: its
/// container's waiting message.
fn back_off_message(version: &str) -> String {
    let mut s = session_at(version);
    run(&mut s, "kubectl run bad --image=nginx:1.161");
    for _ in 0..120 {
        s.sim.advance(500);
        let reason = run(&mut s, "kubectl get pod bad -o jsonpath={.status.containerStatuses[0].state.waiting.reason}");
        if reason == "ImagePullBackOff" {
            return run(&mut s, "kubectl get pod bad -o jsonpath={.status.containerStatuses[0].state.waiting.message}");
        }
    }
    panic!("never in ImagePullBackOff at {version}");
}

/// kubernetes/kubernetes#127918 (v1.32; the v1.32 release blog: "When an image pull back-off
/// occurs, the error is appended to the `status.containerStatuses[*].state.waiting.message`
/// field"): image_manager.go's `fmt.Sprintf("%s: %s", msg, prevPullErrMsg)` with
/// `fmt.Sprintf("%s: %s", err, msg)` of the failed pull. A real cluster's waiting message:
/// `Back-off pulling image "mirror.gcr.io/library/nginx:1.27-alpne": ErrImagePull: rpc error:
/// code = NotFound desc = failed to pull and unpack image ...: not found`. Before v1.32 only
/// `Back-off pulling image %q`.
#[test]
fn from_v1_32_the_back_off_message_keeps_the_pull_error() {
    let full = "docker.io/library/nginx:1.161";
    let error = format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found");
    assert_eq!(back_off_message("v1.31.0"), "Back-off pulling image \"nginx:1.161\"");
    for version in ["v1.32.0", "v1.35.0"] {
        assert_eq!(back_off_message(version), format!("Back-off pulling image \"nginx:1.161\": ErrImagePull: {error}"));
    }
}

/// A pod whose init container fails every time.
const INIT_FAILS: &str = "apiVersion: v1
kind: Pod
metadata:
  name: stuck
spec:
  initContainers:
  - name: check
    image: busybox:1.28
    command: [\"sh\", \"-c\", \"exit 1\"]
  containers:
  - name: web
    image: nginx
";

/// The BackOff messages of pod `pod` (from `manifest`) once it has some, and its uid.
fn back_off_events(version: &str, file: &str, manifest: &str, pod: &str) -> (Vec<String>, String) {
    let mut s = session_at(version);
    s.write_file(file, manifest);
    run(&mut s, &format!("kubectl apply -f {file}"));
    for _ in 0..240 {
        s.sim.advance(500);
        let msgs = messages(&mut s, pod, "BackOff");
        if !msgs.is_empty() {
            return (msgs, run(&mut s, &format!("kubectl get pod {pod} -o jsonpath={{.metadata.uid}}")));
        }
    }
    panic!("{pod} never backed off at {version}");
}

/// kuberuntime_manager.go's `doBackOff` before kubernetes/kubernetes#113216: `Back-off
/// restarting failed container`, no name (line 964 of the v1.24.3 source, line 919 of v1.25.1
/// and v1.25.9: kaisenlinux/kubernetes' imports of the release tarballs), for a container and
/// an init container alike.
#[test]
fn before_v1_26_a_back_off_names_no_container() {
    for version in ["v1.24.3", "v1.25.9"] {
        let (msgs, _) = back_off_events(version, "crash.yaml", ALWAYS, "again");
        assert_eq!(msgs, ["Back-off restarting failed container"], "{version}");
        let (msgs, _) = back_off_events(version, "stuck.yaml", INIT_FAILS, "stuck");
        assert_eq!(msgs, ["Back-off restarting failed container"], "{version}");
    }
}

/// kubernetes/kubernetes#113216 ("Add container name in the `BackOff` event message", opened
/// 2022-10-20, after v1.25.0 shipped): `fmt.Sprintf("Back-off restarting failed container %s in
/// pod %s", container.Name, format.Pod(pod))`, `format.Pod` giving `name_namespace(uid)` (the
/// v1.26.1 source, a `git archive` of 8f94681c; v1.27.4, v1.31.2 and v1.33.3 alike).
#[test]
fn from_v1_26_a_back_off_names_the_container_and_the_pod() {
    for version in ["v1.26.1", "v1.33.3"] {
        let (msgs, uid) = back_off_events(version, "crash.yaml", ALWAYS, "again");
        assert_eq!(
            msgs,
            [format!("Back-off restarting failed container once in pod again_default({uid})")],
            "{version}"
        );
        let (msgs, uid) = back_off_events(version, "stuck.yaml", INIT_FAILS, "stuck");
        assert_eq!(
            msgs,
            [format!("Back-off restarting failed container check in pod stuck_default({uid})")],
            "{version}"
        );
    }
}
