//! The Deployment controller as pkg/controller/deployment has it (sync.go, rolling.go,
//! recreate.go, progress.go, util/deployment_util.go): a ReplicaSet
//! `<deploy>-<pod-template-hash>` per pod template, RollingUpdate (maxSurge, maxUnavailable) and
//! Recreate, proportional scaling of a rollout in flight, pause and resume, rollback re-using an
//! old ReplicaSet, the replicas and revision annotations, status and conditions as
//! `calculateStatus` and `syncRolloutStatus` compute them, and history clean-up.

use super::{adopt, owned};
use crate::jv;
use crate::sim::obj;
use crate::sim::obj::Ptr;
use crate::sim::resources::Kind;
use crate::sim::store::ObjKey;
use crate::sim::{names, ApiError, DeleteOptions, Sim, Timer, Work};
use serde_json::Value;

const HASH_LABEL: &str = "pod-template-hash";
const REVISION: &str = "deployment.kubernetes.io/revision";
const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
const DESIRED: &str = "deployment.kubernetes.io/desired-replicas";
const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
/// `util.MaxRevHistoryLengthInChars`.
const MAX_REV_HISTORY_CHARS: usize = 2000;

/// A ReplicaSet as one sync sees it.
type Rs = (ObjKey, Value);

/// Resolves an int-or-percent against `total` (percent rounded up for surge, down otherwise).
fn int_or_percent(v: Option<&Value>, total: i64, round_up: bool) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) if s.ends_with('%') => {
            let p: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            if round_up {
                (p * total + 99) / 100
            } else {
                p * total / 100
            }
        }
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

fn template_without_hash(t: &Value) -> Value {
    let mut t = t.clone();
    obj::remove(&mut t, &format!("/metadata/labels/{HASH_LABEL}"));
    t
}

fn replicas(o: &Value) -> i64 {
    obj::i64_at(o, "/spec/replicas").unwrap_or(0)
}

fn status_of(o: &Value, field: &str) -> i64 {
    obj::i64_at(o, &format!("/status/{field}")).unwrap_or(0)
}

fn revision_of(o: &Value) -> i64 {
    obj::annotation(o, REVISION).and_then(|r| r.parse().ok()).unwrap_or(0)
}

fn created(o: &Value) -> &str {
    obj::str_at(o, "/metadata/creationTimestamp").unwrap_or("")
}

fn is_rolling(d: &Value) -> bool {
    obj::str_at(d, "/spec/strategy/type").unwrap_or("RollingUpdate") == "RollingUpdate"
}

/// `ResolveFenceposts`: (maxSurge, maxUnavailable), never both 0.
fn fenceposts(d: &Value) -> (i64, i64) {
    let desired = replicas(d);
    let surge = int_or_percent(d.ptr("/spec/strategy/rollingUpdate/maxSurge"), desired, true);
    let unavailable = int_or_percent(d.ptr("/spec/strategy/rollingUpdate/maxUnavailable"), desired, false);
    if surge == 0 && unavailable == 0 {
        return (0, 1);
    }
    (surge, unavailable)
}

/// `MaxSurge`: 0 unless RollingUpdate.
fn max_surge(d: &Value) -> i64 {
    if is_rolling(d) {
        fenceposts(d).0
    } else {
        0
    }
}

/// `MaxUnavailable`: 0 unless RollingUpdate with replicas, never more than the replicas.
fn max_unavailable(d: &Value) -> i64 {
    if !is_rolling(d) || replicas(d) == 0 {
        return 0;
    }
    fenceposts(d).1.min(replicas(d))
}

/// `spec.progressDeadlineSeconds` when set (`HasProgressDeadline`: not nil, not MaxInt32).
fn progress_deadline(d: &Value) -> Option<i64> {
    obj::i64_at(d, "/spec/progressDeadlineSeconds").filter(|&s| s != i64::from(i32::MAX))
}

/// The `ScalingReplicaSet` event's words for a ReplicaSet scaled from `from` to `to`
/// (`scaleReplicaSet` in sync.go).
fn scaling_message(minor: u32, dir: &str, rs: &str, from: i64, to: i64) -> String {
    if minor >= 32 {
        // kubernetes/kubernetes#125118 (merged 2024-05; its release note is in CHANGELOG-1.32.md
        // under v1.32.0-alpha.2, so 1.31 still has the older order): "from %d to %d", as the
        // v1.33.0 and v1.33.3 sources have it (sync.go line 428 at v1.33.3, kaisenlinux/kubernetes).
        format!("Scaled {dir} replica set {rs} from {from} to {to}")
    } else if minor >= 25 {
        // kubernetes/kubernetes#101142 (opened 2021-04-15, no release note): "Scaled %s replica
        // set %s to %d from %d". Pinned by source: sync.go line 427 of v1.25.1 and v1.25.9
        // (kaisenlinux/kubernetes' imports of the release tarballs, gitVersion e4d4e1ab and
        // a1a87a0a) has it, and so does master in the v1.25.0-alpha.2 days (a `git archive` of
        // 9d577d8a, github fAce-coder/mykubernetes, before release-1.25 was cut); line 426 of
        // v1.24.3 (gitVersion aef86a93) does not. Same in v1.26.1, v1.27.4, v1.31.2.
        format!("Scaled {dir} replica set {rs} to {to} from {from}")
    } else {
        // The older sync.go: "Scaled %s replica set %s to %d" (v1.24.1, v1.24.3; v1.23.x, v1.22.x).
        format!("Scaled {dir} replica set {rs} to {to}")
    }
}

/// The event of a ReplicaSet created at `to` replicas (`getNewReplicaSet` in sync.go).
fn created_message(minor: u32, rs: &str, to: i64) -> String {
    if minor >= 32 {
        // kubernetes/kubernetes#125118 (first released in v1.32): "Scaled up replica set %s from 0 to %d".
        format!("Scaled up replica set {rs} from 0 to {to}")
    } else {
        // Up to v1.31 (#101142 left this one alone): "Scaled up replica set %s to %d", sync.go
        // line 277 of v1.24.3 and v1.25.9, line 278 of v1.31.2; "from 0 to %d" at v1.33.3 (line 280).
        format!("Scaled up replica set {rs} to {to}")
    }
}

/// `SetReplicasAnnotations`: whether the ReplicaSet's desired/max-replicas annotations change.
fn set_replicas_annotations(rs: &mut Value, desired: i64, max: i64) -> bool {
    let mut changed = false;
    for (a, v) in [(DESIRED, desired), (MAX_REPLICAS, max)] {
        let v = v.to_string();
        if obj::annotation(rs, a) != Some(v.as_str()) {
            obj::set_annotation(rs, a, &v);
            changed = true;
        }
    }
    changed
}

/// `scaleReplicaSet`: the new size and the replicas annotations in one update, the event
/// only when the size changed.
fn scale_rs(sim: &mut Sim, d_key: &ObjKey, d: &Value, rs_key: &ObjKey, to: i64, op: &str) -> bool {
    let Some(mut rs) = sim.store.get(rs_key).cloned() else { return false };
    let from = replicas(&rs);
    let desired = replicas(d);
    let annotations = set_replicas_annotations(&mut rs, desired, desired + max_surge(d));
    if from == to && !annotations {
        return false;
    }
    obj::set(&mut rs, "/spec/replicas", jv!(to));
    sim.modify(rs_key, |o| *o = rs);
    if from != to {
        let msg = scaling_message(sim.profile.server_minor(), op, &rs_key.name, from, to);
        sim.record_event(d_key, "Normal", "ScalingReplicaSet", "deployment-controller", msg);
    }
    from != to
}

/// `scaleReplicaSetAndRecordEvent`: nothing when the size is already `to`.
fn scale_and_record(sim: &mut Sim, d_key: &ObjKey, d: &Value, rs_key: &ObjKey, to: i64) -> bool {
    let Some(from) = sim.store.get(rs_key).map(replicas) else { return false };
    if from == to {
        return false;
    }
    scale_rs(sim, d_key, d, rs_key, to, if from < to { "up" } else { "down" })
}

/// The ReplicaSets of a sync read again from the store (after writes).
fn fresh(sim: &Sim, rss: &[Rs]) -> Vec<Rs> {
    rss.iter().filter_map(|(k, _)| sim.store.get(k).map(|v| (k.clone(), v.clone()))).collect()
}

fn fresh_one(sim: &Sim, rs: Option<&ObjKey>) -> Option<Rs> {
    rs.and_then(|k| sim.store.get(k).map(|v| (k.clone(), v.clone())))
}

/// `ReplicaSetsByCreationTimestamp`: oldest first, then by name.
fn sort_by_age(rss: &mut [Rs]) {
    crate::support::sort::sort_by(rss, |a, b| created(&a.1).cmp(created(&b.1)).then(a.0.name.cmp(&b.0.name)));
}

// A function of its own, for the page's wasm split (scripts/split.mjs).
#[inline(never)]
pub fn sync(sim: &mut Sim, key: &ObjKey) {
    let Some(d) = sim.store.get(key).cloned() else { return };
    if obj::is_deleting(&d) {
        return;
    }
    let uid = obj::uid(&d).to_string();
    adopt(sim, &d, Kind::ReplicaSet, |_| true);
    let mut d = d;
    check_paused_conditions(sim, key, &mut d);
    let all = owned(sim, Kind::ReplicaSet, &uid);
    let template = template_without_hash(d.ptr("/spec/template").unwrap_or(&Value::Null));
    let (news, olds): (Vec<Rs>, Vec<Rs>) = all
        .into_iter()
        .partition(|(_, r)| r.ptr("/spec/template").map(template_without_hash).as_ref() == Some(&template));
    // `FindNewReplicaSet`: the oldest of those with the template.
    let mut news = news;
    sort_by_age(&mut news);
    let mut olds = olds;
    olds.extend(news.iter().skip(1).cloned());
    let new = news.into_iter().next();
    if obj::bool_at(&d, "/spec/paused").unwrap_or(false) || is_scaling_event(&d, new.as_ref(), &olds) {
        sync_scaled(sim, key, &mut d, new, olds);
        return;
    }
    if is_rolling(&d) {
        rollout_rolling(sim, key, &mut d, new, olds);
    } else {
        rollout_recreate(sim, key, &mut d, new, olds);
    }
}

/// `checkPausedConditions`: the Progressing condition says Unknown/DeploymentPaused while the
/// Deployment is paused and Unknown/DeploymentResumed once it is resumed, unless the rollout
/// has already timed out.
fn check_paused_conditions(sim: &mut Sim, key: &ObjKey, d: &mut Value) {
    if progress_deadline(d).is_none() {
        return;
    }
    let reason = condition(d, "Progressing").and_then(|c| obj::str_at(c, "/reason")).map(String::from);
    if reason.as_deref() == Some("ProgressDeadlineExceeded") {
        return;
    }
    let paused = obj::bool_at(d, "/spec/paused").unwrap_or(false);
    let paused_cond = reason.as_deref() == Some("DeploymentPaused");
    let (why, msg) = match (paused, paused_cond) {
        (true, false) => ("DeploymentPaused", "Deployment is paused"),
        (false, true) => ("DeploymentResumed", "Deployment is resumed"),
        _ => return,
    };
    let ts = sim.timestamp();
    let mut st = d.get("status").cloned().unwrap_or(jv!({}));
    set_condition(&mut st, new_condition("Progressing", "Unknown", why, msg, &ts));
    d["status"] = st.clone();
    sim.modify(key, |o| o["status"] = st);
}

/// `isScalingEvent`: an active ReplicaSet was sized for another `spec.replicas`.
fn is_scaling_event(d: &Value, new: Option<&Rs>, olds: &[Rs]) -> bool {
    let desired = replicas(d);
    new.into_iter()
        .chain(olds)
        .filter(|(_, r)| replicas(r) > 0)
        .any(|(_, r)| obj::annotation(r, DESIRED).and_then(|a| a.parse::<i64>().ok()).is_some_and(|a| a != desired))
}

/// `sync`: scaling (proportional while a rollout is in flight) and, when paused, history
/// clean-up; the status without progress estimates (`syncDeploymentStatus`).
fn sync_scaled(sim: &mut Sim, key: &ObjKey, d: &mut Value, new: Option<Rs>, olds: Vec<Rs>) {
    let new_key = get_new_rs(sim, key, d, new.as_ref(), &olds, false);
    scale(sim, key, d, new_key.as_ref(), &olds);
    let olds = fresh(sim, &olds);
    if obj::bool_at(d, "/spec/paused").unwrap_or(false) {
        cleanup(sim, d, &olds);
    }
    let new = fresh_one(sim, new_key.as_ref());
    let st = calculate_status(sim, d, new.as_ref(), &fresh(sim, &olds));
    write_status(sim, key, d, st);
}

/// `scale`: one active ReplicaSet takes the whole size; a saturated new one sends the old ones
/// to 0; otherwise the change is spread in proportion to the ReplicaSets' sizes.
fn scale(sim: &mut Sim, key: &ObjKey, d: &Value, new: Option<&ObjKey>, olds: &[Rs]) {
    let desired = replicas(d);
    let new = fresh_one(sim, new);
    let mut olds_newest_first = olds.to_vec();
    sort_by_age(&mut olds_newest_first);
    olds_newest_first.reverse();
    let mut active: Vec<Rs> =
        new.iter().chain(olds_newest_first.iter()).filter(|(_, r)| replicas(r) > 0).cloned().collect();
    // `FindActiveOrLatest`.
    let only = match active.len() {
        0 => new.clone().or_else(|| olds_newest_first.first().cloned()),
        1 => active.first().cloned(),
        _ => None,
    };
    if let Some((k, r)) = only {
        if replicas(&r) != desired {
            scale_and_record(sim, key, d, &k, desired);
        }
        return;
    }
    if new.as_ref().is_some_and(|(_, r)| is_saturated(d, r)) {
        for (k, _) in olds.iter().filter(|(_, r)| replicas(r) > 0) {
            scale_and_record(sim, key, d, k, 0);
        }
        return;
    }
    if !is_rolling(d) {
        return;
    }
    let allowed = if desired > 0 { desired + max_surge(d) } else { 0 };
    let to_add = allowed - active.iter().map(|(_, r)| replicas(r)).sum::<i64>();
    // Larger first; of equal sizes, the newer first when scaling up, the older when down.
    crate::support::sort::sort_by(&mut active, |a, b| {
        let by_age = created(&a.1).cmp(created(&b.1)).then(a.0.name.cmp(&b.0.name));
        replicas(&b.1).cmp(&replicas(&a.1)).then(if to_add > 0 { by_age.reverse() } else { by_age })
    });
    let op = if to_add > 0 { "up" } else { "down" };
    let mut added = 0;
    let mut sizes: Vec<i64> = Vec::with_capacity(active.len());
    for (_, r) in &active {
        let p = if to_add != 0 { proportion(r, d, to_add, added) } else { 0 };
        sizes.push(replicas(r) + p);
        added += p;
    }
    for (i, (k, _)) in active.iter().enumerate() {
        let mut size = sizes[i];
        if i == 0 && to_add != 0 {
            // The leftover goes to the largest.
            size = (size + to_add - added).max(0);
        }
        scale_rs(sim, key, d, k, size, op);
    }
}

/// `IsSaturated`: sized for this `spec.replicas`, and all of them available.
fn is_saturated(d: &Value, rs: &Value) -> bool {
    let desired = replicas(d);
    obj::annotation(rs, DESIRED).and_then(|a| a.parse::<i64>().ok()) == Some(desired)
        && replicas(rs) == desired
        && status_of(rs, "availableReplicas") == desired
}

/// `GetProportion`: the ReplicaSet's share of `to_add`, within what is left to add.
fn proportion(rs: &Value, d: &Value, to_add: i64, added: i64) -> i64 {
    if replicas(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// `getReplicaSetFraction`: the ReplicaSet's size scaled from the Deployment's old maximum
/// (its max-replicas annotation) to the new one, rounded half away from zero, less its size.
fn fraction(rs: &Value, d: &Value) -> i64 {
    let desired = replicas(d);
    let size = replicas(rs);
    if desired == 0 {
        return -size;
    }
    let max = desired + max_surge(d);
    let before = match obj::annotation(rs, MAX_REPLICAS).and_then(|a| a.parse::<i64>().ok()) {
        Some(m) if m != 0 => m,
        // Edited by hand: the Deployment's current size instead.
        _ => status_of(d, "replicas"),
    };
    if before == 0 {
        return 0;
    }
    // integer.RoundToInt32(float64(size*max) / float64(before)), in integers.
    let (num, den) = (size * max, before);
    let rounded = (2 * num + den) / (2 * den);
    rounded - size
}

/// `getNewReplicaSet`: brings the new ReplicaSet's annotations (revision, the Deployment's own)
/// and minReadySeconds up to date, or creates it when asked to; the Deployment follows its
/// revision, and a new one is a `NewReplicaSetCreated` condition.
fn get_new_rs(
    sim: &mut Sim,
    key: &ObjKey,
    d: &mut Value,
    new: Option<&Rs>,
    olds: &[Rs],
    create: bool,
) -> Option<ObjKey> {
    let new_revision = olds.iter().map(|(_, r)| revision_of(r)).max().unwrap_or(0) + 1;
    let min_ready = obj::i64_at(d, "/spec/minReadySeconds").unwrap_or(0);
    if let Some((k, r)) = new {
        let mut rs = r.clone();
        let changed = set_new_rs_annotations(d, &mut rs, new_revision, true);
        if changed || obj::i64_at(&rs, "/spec/minReadySeconds").unwrap_or(0) != min_ready {
            obj::set(&mut rs, "/spec/minReadySeconds", jv!(min_ready));
            sim.modify(k, |o| *o = rs);
            return Some(k.clone());
        }
        let mut dirty = set_deployment_revision(d, revision_of(&rs));
        if progress_deadline(d).is_some() && condition(d, "Progressing").is_none() {
            let ts = sim.timestamp();
            let msg = format!("Found new replica set \"{}\"", k.name);
            set_status_condition(d, new_condition("Progressing", "True", "FoundNewReplicaSet", &msg, &ts));
            dirty = true;
        }
        if dirty {
            let d2 = d.clone();
            sim.modify(key, |o| *o = d2);
        }
        return Some(k.clone());
    }
    if !create {
        return None;
    }
    create_new_rs(sim, key, d, olds, new_revision)
}

/// The creating half of `getNewReplicaSet`.
fn create_new_rs(sim: &mut Sim, key: &ObjKey, d: &mut Value, olds: &[Rs], new_revision: i64) -> Option<ObjKey> {
    let template = d.ptr("/spec/template").cloned().unwrap_or(jv!({}));
    let collision = obj::i64_at(d, "/status/collisionCount").map(|c| c as u32);
    let hash = names::pod_template_hash(&template, collision);
    let name = format!("{}-{hash}", key.name);
    let mut t = template;
    obj::set_label(&mut t, HASH_LABEL, &hash);
    let mut sel = d.ptr("/spec/selector").cloned().unwrap_or(jv!({}));
    obj::set(&mut sel, &format!("/matchLabels/{HASH_LABEL}"), jv!(hash));
    // `NewRSNewReplicas` of a ReplicaSet at 0.
    let desired = replicas(d);
    let count = if is_rolling(d) {
        let current: i64 = olds.iter().map(|(_, r)| replicas(r)).sum();
        (desired + max_surge(d) - current).clamp(0, desired)
    } else {
        desired
    };
    let labels = t.ptr("/metadata/labels").cloned().unwrap_or(jv!({}));
    let mut rs = jv!({"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":name,"namespace":key.ns,"labels":labels,
        "ownerReferences":[obj::owner_ref(d, true)]},
        "spec":{"replicas":count,"selector":sel,"template":t,"minReadySeconds":obj::i64_at(d, "/spec/minReadySeconds").unwrap_or(0)}});
    set_new_rs_annotations(d, &mut rs, new_revision, false);
    let nk = ObjKey::new(Kind::ReplicaSet, &key.ns, &name);
    if let Err(e) = sim.create(rs) {
        create_failed(sim, key, d, &nk, collision, &e);
        return None;
    }
    super::forget(sim, key);
    if count > 0 {
        let msg = created_message(sim.profile.server_minor(), &name, count);
        sim.record_event(key, "Normal", "ScalingReplicaSet", "deployment-controller", msg);
    }
    set_deployment_revision(d, new_revision);
    if progress_deadline(d).is_some() {
        let ts = sim.timestamp();
        let msg = format!("Created new replica set \"{name}\"");
        set_status_condition(d, new_condition("Progressing", "True", "NewReplicaSetCreated", &msg, &ts));
    }
    let d2 = d.clone();
    sim.modify(key, |o| *o = d2);
    Some(nk)
}

/// The failing half of `getNewReplicaSet`: a ReplicaSet of that name with another template is
/// a hash collision (counted, so the next name differs); any other refusal is a Warning
/// `ReplicaSetCreateError` event and a Progressing False condition. Either way the sync fails
/// and the work queue tries again after its rate limit, at most `MAX_RETRIES` times in a row
/// (`handleErr`), as the status write wakes it at once only when the status changed.
fn create_failed(sim: &mut Sim, key: &ObjKey, d: &mut Value, nk: &ObjKey, collision: Option<u32>, e: &ApiError) {
    if let ApiError::AlreadyExists { .. } = e {
        let c = collision.unwrap_or(0) as i64 + 1;
        sim.modify(key, |o| obj::set(o, "/status/collisionCount", jv!(c)));
    } else {
        let msg = format!("Failed to create new replica set \"{}\": {}", nk.name, go_error(Kind::ReplicaSet, e));
        if progress_deadline(d).is_some() {
            let ts = sim.timestamp();
            set_status_condition(d, new_condition("Progressing", "False", "ReplicaSetCreateError", &msg, &ts));
            let status = d.get("status").cloned().unwrap_or(jv!({}));
            sim.modify(key, |o| o["status"] = status);
        }
        sim.record_event(key, "Warning", "ReplicaSetCreateError", "deployment-controller", msg);
    }
    if super::requeues(sim, key) < MAX_RETRIES {
        super::requeue_rate_limited(sim, key, Work::Deployment(key.clone()));
    } else {
        super::forget(sim, key);
    }
}

/// The Deployment controller's `maxRetries`: failed syncs in a row before a key is dropped.
const MAX_RETRIES: u32 = 15;

/// An API error as client-go's `StatusError.Error()` reads: the status message, which for a
/// 422 is `<Kind>.<group> "<name>" is invalid: <causes>` (one cause, or `[a, b]`).
fn go_error(kind: Kind, e: &ApiError) -> String {
    let ApiError::Invalid { name, causes, .. } = e else { return e.to_string() };
    let qualified = match kind.api_version().split_once('/') {
        Some((group, _)) => format!("{kind}.{group}"),
        None => kind.to_string(),
    };
    let causes = match causes.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    format!("{qualified} {} is invalid: {causes}", crate::support::gofmt::go_quote(name))
}

/// `SetDeploymentRevision`: whether the Deployment's revision annotation changed.
fn set_deployment_revision(d: &mut Value, revision: i64) -> bool {
    let r = revision.to_string();
    if revision <= 0 || obj::annotation(d, REVISION) == Some(r.as_str()) {
        return false;
    }
    obj::set_annotation(d, REVISION, &r);
    true
}

/// `SetNewReplicaSetAnnotations`: the Deployment's annotations, the revision (a re-used
/// ReplicaSet keeps the revisions it had in `revision-history`), and for a ReplicaSet about to
/// be created the replicas annotations. Whether anything changed.
fn set_new_rs_annotations(d: &Value, rs: &mut Value, new_revision: i64, exists: bool) -> bool {
    let mut changed = false;
    for (a, v) in copied_annotations(d) {
        let v = v.as_str().unwrap_or("");
        if obj::annotation(rs, &a) != Some(v) {
            obj::set_annotation(rs, &a, v);
            changed = true;
        }
    }
    let old = obj::annotation(rs, REVISION).map(String::from);
    let old_n: i64 = old.as_deref().and_then(|r| r.parse().ok()).unwrap_or(0);
    if old_n < new_revision {
        obj::set_annotation(rs, REVISION, &new_revision.to_string());
        changed = true;
        if let Some(old) = old {
            let history = obj::annotation(rs, REVISION_HISTORY).unwrap_or("").to_string();
            let mut list: Vec<&str> = history.split(',').filter(|h| !h.is_empty()).collect();
            list.push(&old);
            let mut joined = list.join(",");
            while joined.len() > MAX_REV_HISTORY_CHARS && list.len() > 1 {
                list.remove(0);
                joined = list.join(",");
            }
            obj::set_annotation(rs, REVISION_HISTORY, &joined);
        }
    }
    if !exists {
        let desired = replicas(d);
        changed |= set_replicas_annotations(rs, desired, desired + max_surge(d));
    }
    changed
}

/// `annotationsToSkip`: the last-applied configuration and the controller's own annotations,
/// which a ReplicaSet never takes from its Deployment, and which `kubectl rollout undo` keeps
/// on the Deployment rather than take from the ReplicaSet (kubectl
/// `pkg/polymorphichelpers/rollback.go`).
pub const ANNOTATIONS_TO_SKIP: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
];

/// The Deployment's annotations a ReplicaSet carries (`copyDeploymentAnnotationsToReplicaSet`):
/// all but the last-applied configuration and the controller's own.
fn copied_annotations(d: &Value) -> serde_json::Map<String, Value> {
    const SKIP: &[&str] = ANNOTATIONS_TO_SKIP;
    // Inserted one by one, not collected: collecting into a map sorts, and that would be the
    // page's second copy of the standard library's stable sort (see support::sort).
    let mut out = serde_json::Map::new();
    for (k, v) in d.ptr("/metadata/annotations").and_then(Value::as_object).into_iter().flatten() {
        if !SKIP.contains(&k.as_str()) {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// `rolloutRolling`: scale the new ReplicaSet up within the surge, else the old ones down
/// within the unavailability, else clean up a finished rollout's history.
fn rollout_rolling(sim: &mut Sim, key: &ObjKey, d: &mut Value, new: Option<Rs>, olds: Vec<Rs>) {
    let Some(nk) = get_new_rs(sim, key, d, new.as_ref(), &olds, true) else { return };
    let moved = reconcile_new(sim, key, d, &nk, &olds) || reconcile_olds(sim, key, d, &nk, &olds);
    let olds = fresh(sim, &olds);
    if !moved && complete(d, d.get("status").unwrap_or(&Value::Null)) {
        cleanup(sim, d, &olds);
    }
    sync_rollout_status(sim, key, d, Some(&nk), &fresh(sim, &olds));
}

/// `reconcileNewReplicaSet` with `NewRSNewReplicas`.
fn reconcile_new(sim: &mut Sim, key: &ObjKey, d: &Value, nk: &ObjKey, olds: &[Rs]) -> bool {
    let Some(new) = sim.store.get(nk).cloned() else { return false };
    let (desired, have) = (replicas(d), replicas(&new));
    if have == desired {
        return false;
    }
    if have > desired {
        return scale_and_record(sim, key, d, nk, desired);
    }
    let current = have + olds.iter().map(|(_, r)| replicas(r)).sum::<i64>();
    let max_total = desired + max_surge(d);
    if current >= max_total {
        return false;
    }
    scale_and_record(sim, key, d, nk, have + (max_total - current).min(desired - have))
}

/// `reconcileOldReplicaSets`: first the old replicas that are not available anyway
/// (`cleanupUnhealthyReplicas`), then available ones while enough stay available.
fn reconcile_olds(sim: &mut Sim, key: &ObjKey, d: &Value, nk: &ObjKey, olds: &[Rs]) -> bool {
    let Some(new) = sim.store.get(nk).cloned() else { return false };
    let old_count: i64 = olds.iter().map(|(_, r)| replicas(r)).sum();
    if old_count == 0 {
        return false;
    }
    let all_count = replicas(&new) + old_count;
    let min_available = replicas(d) - max_unavailable(d);
    let new_unavailable = replicas(&new) - status_of(&new, "availableReplicas");
    let max_down = all_count - min_available - new_unavailable;
    if max_down <= 0 {
        return false;
    }
    let mut olds: Vec<Rs> = olds.iter().filter(|(_, r)| replicas(r) > 0).cloned().collect();
    sort_by_age(&mut olds);
    let mut cleaned = 0;
    for (k, r) in &olds {
        let unhealthy = replicas(r) - status_of(r, "availableReplicas");
        if cleaned >= max_down || unhealthy <= 0 {
            continue;
        }
        let down = unhealthy.min(max_down - cleaned);
        scale_and_record(sim, key, d, k, replicas(r) - down);
        cleaned += down;
    }
    let olds = fresh(sim, &olds);
    // `scaleDownOldReplicaSetsForRollingUpdate`.
    let available =
        status_of(&new, "availableReplicas") + olds.iter().map(|(_, r)| status_of(r, "availableReplicas")).sum::<i64>();
    let mut left = available - min_available;
    let mut scaled = 0;
    for (k, r) in &olds {
        if left <= 0 {
            break;
        }
        let down = replicas(r).min(left);
        if down > 0 {
            scale_and_record(sim, key, d, k, replicas(r) - down);
            left -= down;
            scaled += down;
        }
    }
    cleaned + scaled > 0
}

/// `rolloutRecreate`: the old ReplicaSets to 0, and once their pods are gone the new one at
/// full size.
fn rollout_recreate(sim: &mut Sim, key: &ObjKey, d: &mut Value, new: Option<Rs>, olds: Vec<Rs>) {
    let mut new_key = get_new_rs(sim, key, d, new.as_ref(), &olds, false);
    let mut scaled = false;
    for (k, _) in olds.iter().filter(|(_, r)| replicas(r) > 0) {
        scaled |= scale_and_record(sim, key, d, k, 0);
    }
    let olds = fresh(sim, &olds);
    if !scaled && !old_pods_running(sim, new_key.as_ref(), &olds) {
        if new_key.is_none() {
            new_key = get_new_rs(sim, key, d, None, &olds, true);
        }
        if let Some(nk) = &new_key {
            scale_and_record(sim, key, d, nk, replicas(d));
        }
        if complete(d, d.get("status").unwrap_or(&Value::Null)) {
            cleanup(sim, d, &olds);
        }
    }
    sync_rollout_status(sim, key, d, new_key.as_ref(), &fresh(sim, &olds));
}

/// `oldPodsRunning`: old ReplicaSets still count pods, or have a pod that has not ended.
fn old_pods_running(sim: &Sim, new: Option<&ObjKey>, olds: &[Rs]) -> bool {
    if olds.iter().map(|(_, r)| status_of(r, "replicas")).sum::<i64>() > 0 {
        return true;
    }
    olds.iter()
        .filter(|(k, _)| Some(k) != new)
        .any(|(_, r)| sim.store.controlled_pods(obj::uid(r)).any(|p| !p.terminal))
}

/// `cleanupDeployment`: the oldest revisions past `revisionHistoryLimit`, of those at 0.
fn cleanup(sim: &mut Sim, d: &Value, olds: &[Rs]) {
    let Some(limit) = obj::i64_at(d, "/spec/revisionHistoryLimit") else { return };
    let mut alive: Vec<(i64, &Rs)> =
        olds.iter().filter(|(_, r)| !obj::is_deleting(r)).map(|rs| (revision_of(&rs.1), rs)).collect();
    let diff = alive.len() as i64 - limit.max(0);
    if diff <= 0 {
        return;
    }
    crate::support::sort::sort_by(&mut alive, |a, b| a.0.cmp(&b.0).then(created(&a.1 .1).cmp(created(&b.1 .1))));
    let doomed: Vec<ObjKey> = alive
        .iter()
        .take(diff as usize)
        .filter(|(_, (_, r))| {
            status_of(r, "replicas") == 0
                && replicas(r) == 0
                && obj::i64_at(r, "/metadata/generation").unwrap_or(0) <= status_of(r, "observedGeneration")
        })
        .map(|(_, (k, _))| k.clone())
        .collect();
    for k in doomed {
        let _ = sim.delete(&k, DeleteOptions::default());
    }
}

fn condition<'a>(o: &'a Value, ty: &str) -> Option<&'a Value> {
    obj::arr_at(o, "/status/conditions").iter().find(|c| obj::str_at(c, "/type") == Some(ty))
}

/// `NewDeploymentCondition`: both times now.
fn new_condition(ty: &str, status: &str, reason: &str, message: &str, ts: &str) -> Value {
    jv!({"type":ty,"status":status,"lastUpdateTime":ts,"lastTransitionTime":ts,"reason":reason,"message":message})
}

/// `SetDeploymentCondition` on a status: nothing if the condition of that type has this
/// status and reason; the transition time kept if only the reason changes; the new condition
/// goes last.
fn set_condition(status: &mut Value, mut c: Value) {
    let ty = obj::str_at(&c, "/type").unwrap_or("").to_string();
    let conds = obj::arr_at(status, "/conditions").to_vec();
    let current = conds.iter().find(|x| obj::str_at(x, "/type") == Some(ty.as_str()));
    if let Some(cur) = current {
        let same_status = obj::str_at(cur, "/status") == obj::str_at(&c, "/status");
        if same_status && obj::str_at(cur, "/reason") == obj::str_at(&c, "/reason") {
            return;
        }
        if same_status {
            c["lastTransitionTime"] = cur.get("lastTransitionTime").cloned().unwrap_or(Value::Null);
        }
    }
    let mut out: Vec<Value> = conds.into_iter().filter(|x| obj::str_at(x, "/type") != Some(ty.as_str())).collect();
    out.push(c);
    status["conditions"] = jv!(out);
}

fn set_status_condition(d: &mut Value, c: Value) {
    let mut st = d.get("status").cloned().unwrap_or(jv!({}));
    set_condition(&mut st, c);
    d["status"] = st;
}

fn remove_condition(status: &mut Value, ty: &str) {
    let out: Vec<Value> =
        obj::arr_at(status, "/conditions").iter().filter(|x| obj::str_at(x, "/type") != Some(ty)).cloned().collect();
    status["conditions"] = jv!(out);
}

/// `calculateStatus`: counts from the ReplicaSets (`replicas`, `updatedReplicas`,
/// `readyReplicas` and `availableReplicas` from their status; `unavailableReplicas` their
/// `spec.replicas` less the available ones, never negative), the Available condition, and the
/// rest of the conditions as they were. Zeros are left out, as `omitempty` leaves them.
fn calculate_status(sim: &Sim, d: &Value, new: Option<&Rs>, olds: &[Rs]) -> Value {
    let all: Vec<&Value> = new.into_iter().chain(olds.iter()).map(|(_, r)| r).collect();
    let sum = |f: &str| all.iter().map(|r| status_of(r, f)).sum::<i64>();
    let available = sum("availableReplicas");
    let total_spec: i64 = all.iter().map(|r| replicas(r)).sum();
    let prev = d.get("status").cloned().unwrap_or(jv!({}));
    let mut st = jv!({});
    for (f, v) in [
        ("observedGeneration", obj::i64_at(d, "/metadata/generation").unwrap_or(0)),
        ("replicas", sum("replicas")),
        ("updatedReplicas", new.map_or(0, |(_, r)| status_of(r, "replicas"))),
        ("readyReplicas", sum("readyReplicas")),
        ("availableReplicas", available),
        ("unavailableReplicas", (total_spec - available).max(0)),
        ("collisionCount", status_of(d, "collisionCount")),
    ] {
        if v != 0 {
            st[f] = jv!(v);
        }
    }
    st["conditions"] = jv!(obj::arr_at(&prev, "/conditions").to_vec());
    let ts = sim.timestamp();
    let c = if available >= replicas(d) - max_unavailable(d) {
        new_condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", &ts)
    } else {
        new_condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            &ts,
        )
    };
    set_condition(&mut st, c);
    st
}

/// `DeploymentComplete`.
fn complete(d: &Value, st: &Value) -> bool {
    let desired = replicas(d);
    let f = |k: &str| obj::i64_at(st, &format!("/{k}")).unwrap_or(0);
    f("updatedReplicas") == desired
        && f("replicas") == desired
        && f("availableReplicas") == desired
        && f("observedGeneration") >= obj::i64_at(d, "/metadata/generation").unwrap_or(0)
}

/// `DeploymentProgressing`: more updated, ready or available replicas, or fewer old ones.
fn progressing(prev: &Value, st: &Value) -> bool {
    let f = |s: &Value, k: &str| obj::i64_at(s, &format!("/{k}")).unwrap_or(0);
    f(st, "updatedReplicas") > f(prev, "updatedReplicas")
        || f(st, "replicas") - f(st, "updatedReplicas") < f(prev, "replicas") - f(prev, "updatedReplicas")
        || f(st, "readyReplicas") > f(prev, "readyReplicas")
        || f(st, "availableReplicas") > f(prev, "availableReplicas")
}

/// `syncRolloutStatus`: `calculateStatus` plus the Progressing condition: complete, or
/// progressing whenever the rollout moved (`lastUpdateTime` is then now), or, when it has not
/// moved for `progressDeadlineSeconds`, False with `ProgressDeadlineExceeded`. A stuck
/// rollout is looked at again when its deadline passes (`requeueStuckDeployment`).
fn sync_rollout_status(sim: &mut Sim, key: &ObjKey, d: &Value, new: Option<&ObjKey>, olds: &[Rs]) {
    let new = fresh_one(sim, new);
    let mut st = calculate_status(sim, d, new.as_ref(), olds);
    let deadline = progress_deadline(d);
    if deadline.is_none() {
        remove_condition(&mut st, "Progressing");
    }
    let prev = d.get("status").cloned().unwrap_or(jv!({}));
    let current = condition(d, "Progressing").cloned();
    let reason = |c: &Option<Value>| c.as_ref().and_then(|c| obj::str_at(c, "/reason")).unwrap_or("").to_string();
    let count = |k: &str| obj::i64_at(&st, &format!("/{k}")).unwrap_or(0);
    let done = count("replicas") == count("updatedReplicas") && reason(&current) == "NewReplicaSetAvailable";
    let what =
        new.as_ref().map_or(format!("Deployment \"{}\"", key.name), |(k, _)| format!("ReplicaSet \"{}\"", k.name));
    let ts = sim.timestamp();
    if let (Some(secs), false) = (deadline, done) {
        if complete(d, &st) {
            let msg = format!("{what} has successfully progressed.");
            set_condition(&mut st, new_condition("Progressing", "True", "NewReplicaSetAvailable", &msg, &ts));
        } else if progressing(&prev, &st) {
            let mut c =
                new_condition("Progressing", "True", "ReplicaSetUpdated", &format!("{what} is progressing."), &ts);
            if let Some(cur) = &current {
                if obj::str_at(cur, "/status") == Some("True") {
                    c["lastTransitionTime"] = cur.get("lastTransitionTime").cloned().unwrap_or(Value::Null);
                }
                remove_condition(&mut st, "Progressing");
            }
            set_condition(&mut st, c);
        } else if timed_out(sim, &st, secs) {
            let msg = format!("{what} has timed out progressing.");
            set_condition(&mut st, new_condition("Progressing", "False", "ProgressDeadlineExceeded", &msg, &ts));
        }
    }
    requeue_stuck(sim, key, d, &st);
    write_status(sim, key, d, st);
}

/// `DeploymentTimedOut`: the Progressing condition's last update is older than the deadline.
fn timed_out(sim: &Sim, st: &Value, secs: i64) -> bool {
    let Some(c) = obj::arr_at(st, "/conditions").iter().find(|c| obj::str_at(c, "/type") == Some("Progressing")) else {
        return false;
    };
    match obj::str_at(c, "/reason") {
        Some("NewReplicaSetAvailable") => false,
        Some("ProgressDeadlineExceeded") => true,
        _ => obj::str_at(c, "/lastUpdateTime").and_then(|t| sim.ms_since(t)).is_some_and(|ms| ms > secs * 1000),
    }
}

/// `requeueStuckDeployment`: a look once `lastUpdateTime + progressDeadlineSeconds` has
/// passed (one pending look per Deployment).
fn requeue_stuck(sim: &mut Sim, key: &ObjKey, d: &Value, st: &Value) {
    let Some(secs) = progress_deadline(d) else { return };
    let Some(c) = condition(d, "Progressing") else { return };
    if complete(d, st) || obj::str_at(c, "/reason") == Some("ProgressDeadlineExceeded") {
        return;
    }
    let since = obj::str_at(c, "/lastUpdateTime").and_then(|t| sim.ms_since(t)).unwrap_or(0).max(0) as u64;
    let now = sim.now().ms();
    let due = now.saturating_sub(since) + secs.max(0) as u64 * 1000 + 1000;
    if due <= now || sim.progress_checks.get(key).is_some_and(|&t| t >= due && t > now) {
        return;
    }
    sim.progress_checks.insert(key.clone(), due);
    sim.schedule(due - now, Timer::Requeue(Work::Deployment(key.clone())));
}

/// `UpdateStatus` when the status changed.
fn write_status(sim: &mut Sim, key: &ObjKey, d: &Value, st: Value) {
    if d.get("status") == Some(&st) && sim.store.get(key).and_then(|o| o.get("status")) == Some(&st) {
        return;
    }
    sim.modify(key, |o| o["status"] = st);
}
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn percentages_round_as_the_controller_does() {
        assert_eq!(int_or_percent(Some(&json!("25%")), 3, true), 1);
        assert_eq!(int_or_percent(Some(&json!("25%")), 3, false), 0);
        assert_eq!(int_or_percent(Some(&json!("25%")), 10, true), 3);
        assert_eq!(int_or_percent(Some(&json!(2)), 10, false), 2);
    }
}
