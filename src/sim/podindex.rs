//! What the store keeps up to date about the pods of each controller, so that a controller's
//! sync costs what changed rather than what exists: counts for status, the ordinals present
//! (as contiguous runs, to find the first missing one at once), the unhealthy, terminal and
//! pending ordinals, the ready pods by the moment they became Ready (for minReadySeconds),
//! and pods per node for the scheduler.

use super::store::{ObjKey, PodFacts};
use crate::support::collections::{VecMap, VecSet};
use std::rc::Rc;

/// Pods by key: a std B-tree, as the store's objects (see `Store`), since it grows with the
/// cluster; one type for both uses, so the page carries one copy of the B-tree code for it.
pub type PodMap = std::collections::BTreeMap<ObjKey, Rc<PodFacts>>;

/// The pods of one controller.
#[derive(Clone, Debug, Default)]
pub struct OwnerPods {
    pub pods: PodMap,
    /// Not deleting and not terminal.
    pub live: usize,
    /// Live and Running with Ready true.
    pub live_ready: usize,
    /// Running with Ready true (deleting or not).
    pub ready: usize,
    /// Live pods per `controller-revision-hash`.
    pub rev_live: VecMap<String, usize>,
    /// Ordinal → pod, for names `<parent>-<ordinal>`.
    pub ordinals: VecMap<i64, ObjKey>,
    /// Contiguous runs of present ordinals: start → end (exclusive).
    runs: VecMap<i64, i64>,
    /// Ordinals whose pod is not Running+Ready, or is deleting, or is terminal.
    pub unhealthy: VecSet<i64>,
    pub terminal: VecSet<i64>,
    pub pending: VecSet<i64>,
    /// The live Running+Ready pods (those `live_ready` counts) by the Unix second of their Ready
    /// condition's `lastTransitionTime` ([`NEVER`] without one), oldest first: the pods not yet
    /// available for a minReadySeconds are a suffix of it.
    pub ready_at: VecSet<(i64, ObjKey)>,
}

/// The Ready time of a ready pod whose condition has no `lastTransitionTime`: it never becomes
/// available (`podutil.IsPodAvailable` asks for a non-zero one).
pub const NEVER: i64 = i64::MAX;

/// The Unix second a pod's Ready condition last turned true, if it is Running and Ready.
pub fn ready_second(f: &PodFacts) -> i64 {
    f.ready_since.as_deref().and_then(super::time::parse_rfc3339).unwrap_or(NEVER)
}

fn healthy(f: &PodFacts) -> bool {
    f.running_ready && !f.deleting && !f.terminal
}

impl OwnerPods {
    fn add(&mut self, f: &Rc<PodFacts>) {
        self.pods.insert(f.key.clone(), f.clone());
        let live = !f.deleting && !f.terminal;
        self.live += usize::from(live);
        self.live_ready += usize::from(live && f.running_ready);
        self.ready += usize::from(f.running_ready);
        if let (true, Some(r)) = (live, &f.revision) {
            *self.rev_live.entry(r.clone()).or_default() += 1;
        }
        if live && f.running_ready {
            self.ready_at.insert((ready_second(f), f.key.clone()));
        }
        if let Some(o) = f.ordinal {
            self.ordinals.insert(o, f.key.clone());
            self.insert_run(o);
            if !healthy(f) {
                self.unhealthy.insert(o);
            }
            if f.terminal {
                self.terminal.insert(o);
            }
            if f.pending && !f.deleting {
                self.pending.insert(o);
            }
        }
    }

    fn remove(&mut self, f: &PodFacts) {
        self.pods.remove(&f.key);
        let live = !f.deleting && !f.terminal;
        self.live -= usize::from(live);
        self.live_ready -= usize::from(live && f.running_ready);
        self.ready -= usize::from(f.running_ready);
        if live && f.running_ready {
            self.ready_at.remove(&(ready_second(f), f.key.clone()));
        }
        if let (true, Some(r)) = (live, &f.revision) {
            if let Some(c) = self.rev_live.get_mut(r) {
                *c -= 1;
                if *c == 0 {
                    self.rev_live.remove(r);
                }
            }
        }
        if let Some(o) = f.ordinal {
            if self.ordinals.get(&o) == Some(&f.key) {
                self.ordinals.remove(&o);
                self.remove_run(o);
                self.unhealthy.remove(&o);
                self.terminal.remove(&o);
                self.pending.remove(&o);
            }
        }
    }

    fn insert_run(&mut self, o: i64) {
        let before = self.runs.range(..=o).next_back().map(|(s, e)| (*s, *e));
        if let Some((_, e)) = before {
            if o < e {
                return;
            }
        }
        let mut start = o;
        let mut end = o + 1;
        if let Some((s, e)) = before {
            if e == o {
                start = s;
                self.runs.remove(&s);
            }
        }
        if let Some(e2) = self.runs.remove(&(o + 1)) {
            end = e2;
        }
        self.runs.insert(start, end);
    }

    fn remove_run(&mut self, o: i64) {
        let Some((s, e)) = self.runs.range(..=o).next_back().map(|(s, e)| (*s, *e)) else { return };
        if o >= e {
            return;
        }
        self.runs.remove(&s);
        if s < o {
            self.runs.insert(s, o);
        }
        if o + 1 < e {
            self.runs.insert(o + 1, e);
        }
    }

    /// The smallest ordinal ≥ `from` with no pod.
    pub fn first_missing(&self, from: i64) -> i64 {
        match self.runs.range(..=from).next_back() {
            Some((_, e)) if from < *e => *e,
            _ => from,
        }
    }

    /// The live ready pods not yet Ready for `min_ready_ms` at `now_ms` (Unix milliseconds),
    /// latest first, with the Unix second they became Ready; none when `min_ready_ms` is 0.
    /// Available is `podutil.IsPodAvailable` (pkg/api/v1/pod/util.go): Ready, and Ready since
    /// `lastTransitionTime` for minReadySeconds.
    pub fn not_yet_available(&self, now_ms: i64, min_ready_ms: i64) -> impl Iterator<Item = (i64, &ObjKey)> + '_ {
        self.ready_at
            .iter()
            .rev()
            .take_while(move |(s, _)| min_ready_ms > 0 && !available_at(*s, now_ms, min_ready_ms))
            .map(|(s, k)| (*s, k))
    }

    /// How many ordinals in `[start, end)` have a pod.
    pub fn present_in(&self, start: i64, end: i64) -> usize {
        self.runs.iter().map(|(s, e)| ((*e).min(end) - (*s).max(start)).max(0) as usize).sum()
    }
}

/// Whether a pod Ready since Unix second `ready` is available at `now_ms`: the rule of
/// `pod_summaries` (Ready for at least minReadySeconds).
pub fn available_at(ready: i64, now_ms: i64, min_ready_ms: i64) -> bool {
    min_ready_ms <= 0 || (ready != NEVER && now_ms - ready.saturating_mul(1000) >= min_ready_ms)
}

/// Pods per node, for the scheduler's spreading.
#[derive(Clone, Debug, Default)]
pub struct NodeLoad {
    /// Non-terminal pods bound to each node.
    pub pods: VecMap<String, usize>,
    /// The same, per (controller uid, node).
    pub by_owner: VecMap<(String, String), usize>,
}

impl NodeLoad {
    fn change(&mut self, f: &PodFacts, add: bool) {
        let (Some(node), false) = (&f.node, f.terminal) else { return };
        let bump = |c: &mut usize| if add { *c += 1 } else { *c = c.saturating_sub(1) };
        bump(self.pods.entry(node.clone()).or_default());
        if let Some(u) = &f.controller_uid {
            bump(self.by_owner.entry((u.clone(), node.clone())).or_default());
        }
    }
}

/// Both indexes, maintained on every pod write.
#[derive(Clone, Debug, Default)]
pub struct PodIndex {
    pub facts: PodMap,
    pub owners: VecMap<String, OwnerPods>,
    pub nodes: NodeLoad,
    /// Pods in a terminal phase per namespace (those the quota does not count).
    pub terminal: VecMap<String, usize>,
}

impl PodIndex {
    fn count_terminal(&mut self, f: &PodFacts, add: bool) {
        if !f.terminal {
            return;
        }
        let c = self.terminal.entry(f.key.ns.clone()).or_default();
        *c = if add { *c + 1 } else { c.saturating_sub(1) };
    }

    /// How many pods of namespace `ns` are in a terminal phase (Succeeded or Failed).
    pub fn terminal_in(&self, ns: &str) -> usize {
        self.terminal.get(ns).copied().unwrap_or(0)
    }

    /// Replaces what is known of `key` (None: the pod is gone).
    pub fn update(&mut self, key: &ObjKey, new: Option<PodFacts>) {
        // k8s-diff: the cluster's own pods do not count in the model's spreading by pod counts
        // (the real scheduler scores by requests, and theirs are alike on every worker).
        let counted = !super::system::is_system_namespace(&key.ns);
        if let Some(old) = self.facts.remove(key) {
            if let Some(u) = &old.controller_uid {
                if let Some(op) = self.owners.get_mut(u) {
                    op.remove(&old);
                    if op.pods.is_empty() {
                        self.owners.remove(u);
                    }
                }
            }
            if counted {
                self.nodes.change(&old, false);
            }
            self.count_terminal(&old, false);
        }
        if let Some(f) = new {
            let f = Rc::new(f);
            if let Some(u) = &f.controller_uid {
                self.owners.entry(u.clone()).or_default().add(&f);
            }
            if counted {
                self.nodes.change(&f, true);
            }
            self.count_terminal(&f, true);
            self.facts.insert(key.clone(), f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::Kind;

    fn facts(name: &str, ord: i64, ready: bool) -> PodFacts {
        PodFacts {
            key: ObjKey::new(Kind::Pod, "default", name),
            controller_uid: Some("u".into()),
            deleting: false,
            terminal: false,
            pending: !ready,
            scheduled: true,
            running_ready: ready,
            ready_since: None,
            revision: Some("r1".into()),
            created: String::new(),
            labels: Default::default(),
            ordinal: Some(ord),
            node: Some("n1".into()),
        }
    }

    #[test]
    fn runs_track_the_first_missing_ordinal() {
        let mut idx = PodIndex::default();
        for o in [0, 1, 2, 4] {
            let f = facts(&format!("web-{o}"), o, o != 1);
            idx.update(&f.key.clone(), Some(f));
        }
        let op = &idx.owners["u"];
        assert_eq!(op.first_missing(0), 3);
        assert_eq!(op.first_missing(3), 3);
        assert_eq!(op.first_missing(4), 5);
        assert_eq!(op.present_in(0, 5), 4);
        assert_eq!(op.unhealthy.iter().copied().collect::<Vec<_>>(), [1]);
        assert_eq!((op.live, op.live_ready, op.rev_live["r1"]), (4, 3, 4));
        idx.update(&ObjKey::new(Kind::Pod, "default", "web-1"), None);
        let op = &idx.owners["u"];
        assert_eq!(op.first_missing(0), 1);
        assert_eq!(op.present_in(0, 5), 3);
        assert!(op.unhealthy.is_empty());
        assert_eq!(idx.nodes.pods["n1"], 3);
    }

    #[test]
    fn ready_pods_are_kept_by_their_ready_time_until_they_stop_being_ready() {
        let mut idx = PodIndex::default();
        let at = |secs: &str| Some(format!("2024-01-01T00:00:{secs}Z"));
        for (o, since) in [(0, at("00")), (1, at("20")), (2, at("15")), (3, None)] {
            let mut f = facts(&format!("web-{o}"), o, true);
            f.ready_since = since;
            idx.update(&f.key.clone(), Some(f));
        }
        let t0 = crate::sim::time::parse_rfc3339("2024-01-01T00:00:00Z").unwrap() * 1000;
        let waiting = |idx: &PodIndex, now_s: i64, min_s: i64| -> Vec<String> {
            let op = &idx.owners["u"];
            op.not_yet_available(t0 + now_s * 1000, min_s * 1000).map(|(_, k)| k.name.clone()).collect()
        };
        // Latest first; a Ready condition without a transition time never becomes available.
        assert_eq!(waiting(&idx, 24, 10), ["web-3", "web-1", "web-2"]);
        assert_eq!(waiting(&idx, 25, 10), ["web-3", "web-1"]);
        assert!(waiting(&idx, 25, 0).is_empty(), "minReadySeconds 0: Ready is available");
        // Deleting or not ready any more: out of the set.
        let mut f = facts("web-1", 1, true);
        f.ready_since = at("20");
        f.deleting = true;
        idx.update(&f.key.clone(), Some(f));
        idx.update(&ObjKey::new(Kind::Pod, "default", "web-3"), Some(facts("web-3", 3, false)));
        assert_eq!(waiting(&idx, 24, 10), ["web-2"]);
        assert_eq!(idx.owners["u"].ready_at.len(), 2);
        assert!(available_at(0, 10_000, 10_000) && !available_at(0, 9_999, 10_000) && !available_at(NEVER, 0, 1));
    }
}
