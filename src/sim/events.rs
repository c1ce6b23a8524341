//! Events: how the cluster's components record them and how long the API server keeps them.
//!
//! The kubelet, the controllers of kube-controller-manager and the volume provisioners write
//! core/v1 Events through client-go's `tools/record`, whose `EventCorrelator`
//! (`events_cache.go`) sees each one first: the **aggregator** turns the tenth event in ten
//! minutes that differs from its kin only by message into one `(combined from similar events):
//! MESSAGE` event; the **logger** turns an event it has seen before into a patch of the stored
//! one (`count` + 1, `lastTimestamp`); the **spam filter** gives each source and object a
//! token bucket of 25 events that refills one every 5 minutes, and drops what finds it empty
//! (after the logger has counted it, so the next one that passes carries the count). Each cache
//! is an LRU of 4,096 entries.
//!
//! The scheduler writes events.k8s.io/v1 Events through `tools/events`, whose broadcaster
//! keeps each event it wrote under its key (type, action, reason, reporting controller and
//! instance, and the object as it was, resourceVersion included): an isomorphic event makes the
//! first a series (count 2, from v1.27; 1 before) written at once; later ones only bump the
//! cached series, written every 30 minutes (`refreshTime`) and when the series ends (no
//! occurrence in the last 6 minutes at a `finishTime` pass, every 6 minutes), which also
//! forgets singletons older than that. Its core/v1 view has an `eventTime`, a
//! `reportingComponent`, a `series` once repeated, and no count or first/last times.
//!
//! The API server stores every Event under an etcd lease of `--event-ttl` (1 h), renewed by each
//! write, so an event is gone an hour (plus the lease manager's reuse window, up to a minute)
//! after its last write, whoever wrote it.

use super::obj::{self, Ptr};
use super::{names, time, Kind, ObjKey, Sim, SimTime, Timer};
use crate::jv;
use crate::support::collections::VecSet;
use serde_json::Value;

/// Entries of each of the correlator's caches (`maxLruCacheEntries`).
const CACHE_ENTRIES: usize = 4096;
/// Events a source may send about one object at once (`defaultSpamBurst`).
const SPAM_BURST: u64 = 25;
/// One more every 5 minutes (`defaultSpamQPS = 1/300`).
const SPAM_REFILL_MS: u64 = 300_000;
/// Similar events (differing only by message) before they are combined (`defaultAggregateMaxEvents`).
const AGGREGATE_MAX_EVENTS: usize = 10;
/// How long a run of similar events lasts without one (`defaultAggregateIntervalInSeconds`).
const AGGREGATE_INTERVAL_MS: u64 = 600_000;
/// The API server's `--event-ttl` (default 1 h).
pub const EVENT_TTL_MS: u64 = 3_600_000;
/// etcd3's lease manager reuses a lease for writes within min(60 s, 5% of the TTL) of its
/// grant, and grants leases that much longer (`getReuseDurationSecondsLocked`).
const LEASE_REUSE_MS: u64 = 60_000;
/// At most this many writes share a lease (`defaultLeaseMaxObjectCount`).
const LEASE_MAX_OBJECTS: u32 = 1000;

/// The scheduler's name as its events' reporting controller.
const SCHEDULER: &str = "default-scheduler";
/// The first part of the events.k8s.io broadcaster's keys in the recorders' cache (before
/// the correlator's `a`, `l`, `L` and `s`).
const SERIES: &str = "\u{1}";
/// A series not observed for this long is finished at the next pass (`finishTime`), which
/// runs as often.
const SERIES_FINISH_MS: u64 = 360_000;
/// Series are written this often (`refreshTime`).
const SERIES_REFRESH_MS: u64 = 1_800_000;

/// (cache and source, object, detail): one ordered map holds the three caches' entries.
type CacheKey = (String, String, String);

#[derive(Clone, Copy)]
enum Cache {
    Spam = 0,
    Aggregate = 1,
    Log = 2,
}

#[derive(Clone)]
enum Entry {
    /// A token bucket, in milliseconds of refill (a token is [`SPAM_REFILL_MS`]), as of `at`.
    Spam { tokens: u64, at: u64 },
    /// The messages of a run of similar events, the last one at `at`.
    Aggregate { messages: VecSet<String>, at: u64 },
    /// An event seen before: how often, since when, under which name.
    Log { count: i64, first: String, name: String },
    /// An event the events.k8s.io broadcaster has written (its `eventCache`).
    Series(Box<Series>),
}

#[derive(Clone)]
struct Cached {
    entry: Entry,
    /// When it was last written (the LRU's order).
    used: u64,
}

/// One cache's use order: (use, key) pairs oldest first; a pair whose use is not its entry's
/// latest is stale and skipped.
#[derive(Clone, Default)]
struct Lru {
    order: Vec<(u64, CacheKey)>,
    head: usize,
    live: usize,
}

/// An etcd lease and the Event writes attached to it (key and the resourceVersion written).
#[derive(Clone)]
struct Lease {
    expires: SimTime,
    writes: Vec<(ObjKey, String)>,
}

/// The recorders' correlator caches and the API server's event leases.
// k8s-diff: upstream each recording process (each node's kubelet, each controller's broadcaster
// in kube-controller-manager, each provisioner) has a correlator of its own, three LRUs of 4,096
// entries each; here the sources share one set of three, keyed by source, so a cluster with
// many busy sources forgets sooner than a real one would.
#[derive(Clone, Default)]
pub(crate) struct Recorder {
    // A std B-tree: the caches grow with the cluster, up to 3 × 4,096 entries.
    cache: std::collections::BTreeMap<CacheKey, Cached>,
    lru: [Lru; 3],
    uses: u64,
    /// Events named so far (each name is unique).
    named: u64,
    /// Leases in the order granted (so in the order they expire).
    leases: Vec<Lease>,
    /// Writes attached to the newest lease.
    lease_writes: u32,
    /// How many entries of `cache` are the events.k8s.io broadcaster's (keyed first by
    /// [`SERIES`], which sorts before the correlator's keys), and how many after the last
    /// sweep of finished singletons.
    series_len: usize,
    series_swept: usize,
    /// When its next finish and refresh passes are due, if they are scheduled (only while a
    /// series is open: they write nothing else).
    finish_due: Option<u64>,
    refresh_due: Option<u64>,
}

/// An event the events.k8s.io broadcaster has written, as its cache holds it.
#[derive(Clone)]
struct Series {
    /// The event as created (to create it again if the API server has let it go), shared
    /// with the store's first version of it.
    event: std::rc::Rc<Value>,
    /// Its key in the store.
    at: ObjKey,
    /// Its `eventTime`, in virtual ms.
    first: u64,
    /// Its series once repeated: count and last observed time (virtual ms).
    series: Option<(i64, u64)>,
}

/// Which of the broadcaster's periodic passes a timer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SeriesTick {
    /// `finishSeries`, every 6 minutes.
    Finish,
    /// `refreshExistingEventSeries`, every 30 minutes.
    Refresh,
}

impl Recorder {
    fn get(&self, key: &CacheKey) -> Option<&Entry> {
        self.cache.get(key).map(|c| &c.entry)
    }

    /// Writes an entry as most recently used, evicting the least recently used one of its cache
    /// past [`CACHE_ENTRIES`] (golang/groupcache's `lru.Add`).
    fn put(&mut self, which: Cache, key: CacheKey, entry: Entry) {
        self.uses += 1;
        let used = self.uses;
        let lru = &mut self.lru[which as usize];
        if self.cache.insert(key.clone(), Cached { entry, used }).is_none() {
            lru.live += 1;
        }
        lru.order.push((used, key));
        while lru.live > CACHE_ENTRIES && lru.head < lru.order.len() {
            let (seq, key) = std::mem::take(&mut lru.order[lru.head]);
            lru.head += 1;
            if self.cache.get(&key).is_some_and(|c| c.used == seq) {
                self.cache.remove(&key);
                lru.live -= 1;
            }
        }
        if lru.order.len() > 2 * lru.live + 64 {
            let cache = &self.cache;
            lru.order.drain(..lru.head);
            lru.head = 0;
            lru.order.retain(|(seq, k)| cache.get(k).is_some_and(|c| c.used == *seq));
        }
    }

    /// How many entries the correlator's caches hold (for tests of its bounds).
    pub(crate) fn cached(&self) -> usize {
        self.cache.len() - self.series_len
    }

    fn series_key(key: &str) -> CacheKey {
        (SERIES.to_string(), key.to_string(), String::new())
    }

    fn series_mut(&mut self, key: &str) -> Option<&mut Series> {
        match self.cache.get_mut(&Recorder::series_key(key)).map(|c| &mut c.entry) {
            Some(Entry::Series(s)) => Some(s),
            _ => None,
        }
    }

    fn series_insert(&mut self, key: &str, s: Series) {
        if self.cache.insert(Recorder::series_key(key), Cached { entry: Entry::Series(Box::new(s)), used: 0 }).is_none()
        {
            self.series_len += 1;
        }
    }

    /// The broadcaster's entries, key first (they sort before every other).
    fn series(&self) -> impl Iterator<Item = (&CacheKey, &Series)> {
        self.cache.iter().map_while(|(k, c)| match &c.entry {
            Entry::Series(s) if k.0 == SERIES => Some((k, &**s)),
            _ => None,
        })
    }

    /// Keeps the broadcaster's entries `keep` says to keep.
    fn series_retain(&mut self, mut keep: impl FnMut(&Series) -> bool) {
        let gone: Vec<CacheKey> = self.series().filter(|(_, s)| !keep(s)).map(|(k, _)| k.clone()).collect();
        for k in gone {
            self.cache.remove(&k);
            self.series_len -= 1;
        }
    }
}

/// An event as a recorder makes it, before the correlator has seen it.
struct Draft {
    ns: String,
    involved: Value,
    component: String,
    host: String,
    ty: String,
    reason: String,
    message: String,
}

impl Draft {
    fn at(&self, field: &str) -> &str {
        self.involved.get(field).and_then(Value::as_str).unwrap_or("")
    }

    /// Source component and host (the spam and aggregation keys' first fields).
    fn source_key(&self) -> String {
        format!("{}\0{}", self.component, self.host)
    }

    /// The involved object's kind, namespace, name, uid and apiVersion.
    fn object_key(&self) -> String {
        ["kind", "namespace", "name", "uid", "apiVersion"].map(|f| self.at(f)).join("\0")
    }
}

/// What the correlator makes of an event that passes: the stored event to create or patch.
struct Correlated {
    name: String,
    count: i64,
    first: String,
    message: String,
    aggregated: bool,
}

impl Sim {
    /// Records an event about an object as its source's recorder would: the scheduler's as an
    /// events.k8s.io event, everyone else's through the correlator.
    pub(crate) fn record_event(&mut self, about: &ObjKey, ty: &str, reason: &str, source: &str, message: String) {
        let draft = self.draft_event(about, ty, reason, source, message);
        self.record_draft(draft);
    }

    /// Records a kubelet event about container `field_path` of pod `about`
    /// (`spec.containers{web}`), named outright rather than found in the message (whose words
    /// name no container from v1.35).
    pub(crate) fn record_container_event(
        &mut self,
        about: &ObjKey,
        ty: &str,
        reason: &str,
        field_path: &str,
        message: String,
    ) {
        let mut draft = self.draft_event(about, ty, reason, "kubelet", message);
        draft.involved["fieldPath"] = jv!(field_path);
        self.record_draft(draft);
    }

    fn record_draft(&mut self, draft: Draft) {
        let source = draft.component.clone();
        if source == SCHEDULER {
            self.write_scheduler_event(draft);
            return;
        }
        if let Some(c) = self.correlate(&draft) {
            self.write_event(draft, c);
        }
    }

    /// The event a recorder makes (`makeEvent` with `GetReference`): the involved object's
    /// reference, and for the kubelet its node and the container the message names.
    fn draft_event(&self, about: &ObjKey, ty: &str, reason: &str, source: &str, message: String) -> Draft {
        let stored = self.store.get(about);
        let uid = stored.map(|o| obj::uid(o).to_string()).unwrap_or_default();
        let mut involved = jv!({"kind":about.kind.to_string(),"namespace":about.ns,"name":about.name,"uid":uid,"apiVersion":about.kind.api_version()});
        let mut host = String::new();
        // `GetReference` names the object's resourceVersion; the scheduler's key holds it.
        if let (Some(o), SCHEDULER) = (stored, source) {
            involved["resourceVersion"] = jv!(obj::str_at(o, "/metadata/resourceVersion").unwrap_or_default());
        }
        if let (Some(pod), "kubelet") = (stored, source) {
            host = obj::str_at(pod, "/spec/nodeName").unwrap_or_default().to_string();
            if let Some(path) = container_field_path(pod, &message) {
                involved["fieldPath"] = jv!(path);
            }
        }
        Draft {
            ns: if about.ns.is_empty() { "default".to_string() } else { about.ns.clone() },
            involved,
            component: source.to_string(),
            host,
            ty: ty.to_string(),
            reason: reason.to_string(),
            message,
        }
    }

    /// `EventCorrelate`: aggregate, then observe (count), then filter; `None` when the spam
    /// filter drops the event.
    fn correlate(&mut self, d: &Draft) -> Option<Correlated> {
        let (src, object) = (d.source_key(), d.object_key());
        let (message, log_key, aggregated) = self.aggregate(d, &src, &object);
        let (name, count, first) = self.observe(d, log_key);
        if !self.spam_accept(d, &src, &object) {
            return None;
        }
        Some(Correlated { name, count, first, message, aggregated })
    }

    /// `EventAggregate`: the message to record and the logger's key for it. Similar events are
    /// those of one source, object, type and reason; the tenth distinct message within ten
    /// minutes of the last makes the combined event, keyed by the group.
    fn aggregate(&mut self, d: &Draft, src: &str, object: &str) -> (String, CacheKey, bool) {
        let now = self.now.ms();
        let key = (format!("a{src}"), object.to_string(), format!("{}\0{}", d.ty, d.reason));
        let mut messages = match self.events.get(&key) {
            Some(Entry::Aggregate { messages, at }) if now.saturating_sub(*at) <= AGGREGATE_INTERVAL_MS => {
                messages.clone()
            }
            _ => VecSet::new(),
        };
        messages.insert(d.message.clone());
        let combine = messages.len() >= AGGREGATE_MAX_EVENTS;
        if combine {
            // `localKeys.PopAny()`: the set is a Go map, so which message leaves is chance.
            let i = self.rand_range(0, messages.len() as u64 - 1) as usize;
            if let Some(m) = messages.iter().nth(i).cloned() {
                messages.remove(&m);
            }
        }
        self.events.put(Cache::Aggregate, key.clone(), Entry::Aggregate { messages, at: now });
        if combine {
            let message = format!("(combined from similar events): {}", d.message);
            return (message, (format!("L{src}"), object.to_string(), key.2), true);
        }
        let field_path = d.at("fieldPath");
        let detail = format!("{}\0{}\0{}", d.ty, d.reason, d.message);
        (d.message.clone(), (format!("l{src}"), format!("{object}\0{field_path}"), detail), false)
    }

    /// `eventObserve`: a repeat takes the first occurrence's name and first time, and one more
    /// count; the count is kept whether or not the event is then written.
    fn observe(&mut self, d: &Draft, key: CacheKey) -> (String, i64, String) {
        let (name, count, first) = match self.events.get(&key) {
            Some(Entry::Log { count, first, name }) => (name.clone(), count + 1, first.clone()),
            _ => (self.event_name(d.at("name")), 1, self.timestamp()),
        };
        self.events.put(Cache::Log, key, Entry::Log { count, first: first.clone(), name: name.clone() });
        (name, count, first)
    }

    /// `EventSourceObjectSpamFilter.Filter`: takes a token from the source and object's bucket.
    /// From v1.32 the key holds the event's type too (kubernetes/kubernetes@99d20307, "Updating
    /// event spam key to allow recording of more unique events"), so Normal and Warning events
    /// have a bucket each.
    fn spam_accept(&mut self, d: &Draft, src: &str, object: &str) -> bool {
        let now = self.now.ms();
        let ty = if self.profile.server_minor() >= 32 { d.ty.clone() } else { String::new() };
        let key = (format!("s{src}"), object.to_string(), ty);
        let full = SPAM_BURST * SPAM_REFILL_MS;
        let mut tokens = match self.events.get(&key) {
            Some(Entry::Spam { tokens, at }) => (tokens + now.saturating_sub(*at)).min(full),
            _ => full,
        };
        let accept = tokens >= SPAM_REFILL_MS;
        if accept {
            tokens -= SPAM_REFILL_MS;
        }
        self.events.put(Cache::Spam, key, Entry::Spam { tokens, at: now });
        accept
    }

    /// A new event's name: the object's name and a unique hexadecimal suffix (upstream, the
    /// moment's Unix nanoseconds).
    fn event_name(&mut self, about: &str) -> String {
        self.events.named += 1;
        let suffix = 0x16f0_0000_0000_0000u64 + self.events.named * 0x1_0000_0000 + self.now.ms();
        format!("{about}.{suffix:016x}")
    }

    /// `recordEvent`: a repeat patches the stored event (count, last time, message); a first
    /// occurrence, or a repeat whose event is gone (the TTL, a delete), is created.
    fn write_event(&mut self, d: Draft, c: Correlated) {
        let key = ObjKey::new(Kind::Event, &d.ns, &c.name);
        let ts = self.timestamp();
        if c.count > 1
            && self.modify(&key, |e| {
                e["count"] = jv!(c.count);
                e["lastTimestamp"] = jv!(ts);
                e["message"] = jv!(c.message);
            })
        {
            return;
        }
        let mut source = jv!({"component":d.component});
        if !d.host.is_empty() {
            source["host"] = jv!(d.host);
        }
        let mut e = jv!({"apiVersion":"v1","kind":"Event","metadata":{"name":c.name,"namespace":d.ns,"uid":names::uuid_v4(&mut self.rng),"creationTimestamp":ts},
            "involvedObject":d.involved,"reason":d.reason,"message":c.message,"source":source,"firstTimestamp":c.first,"lastTimestamp":ts,"count":c.count,"type":d.ty,
            "eventTime":null,"reportingComponent":"","reportingInstance":""});
        // From v1.28 the recorder names itself as the reporting controller and instance too
        // (kubernetes/kubernetes@df0a2538, "generate ReportingInstance and ReportingController
        // in Event"); the aggregator's combined event is made afresh, without them.
        if self.profile.server_minor() >= 28 && !c.aggregated {
            e["reportingComponent"] = jv!(d.component);
            e["reportingInstance"] = jv!(d.host);
        }
        self.store.put(key, e, self.now);
    }

    /// The scheduler's events.k8s.io/v1 event as core/v1 shows it: `eventTime` (microseconds),
    /// the action, the reporting controller and instance (`default-scheduler-HOSTNAME`, the
    /// control-plane node's name as the static pod runs on its network), an empty source and
    /// no count or first/last times. An isomorphic one (`recordToSink`) makes the cached
    /// event a series, written at once, or bumps its series, written later.
    fn write_scheduler_event(&mut self, d: Draft) {
        let action = if d.reason == "Scheduled" { "Binding" } else { "Scheduling" };
        let host = self.profile.nodes.iter().find(|n| n.role == "control-plane").map(|n| n.name.clone());
        let instance = format!("{SCHEDULER}-{}", host.unwrap_or_default());
        let minor = self.profile.server_minor();
        // `getKey`: from v1.27 the type and the reporting instance too.
        let regarding = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"];
        let ty = if minor >= 27 { d.ty.as_str() } else { "" };
        let key = format!("{ty}\0{action}\0{}\0{}", d.reason, regarding.map(|f| d.at(f)).join("\0"));
        let now = self.now.ms();
        self.forget_finished_singletons(Some(&key));
        if let Some(cached) = self.events.series_mut(&key) {
            if let Some((count, last)) = cached.series.as_mut() {
                *count += 1;
                *last = now;
                return;
            }
            // The first repeat: from v1.27 a series of 2 (kubernetes/kubernetes#112334,
            // "Fix EventSeries starting count discrepancy"), before it of 1.
            cached.series = Some((if minor >= 27 { 2 } else { 1 }, now));
            let cached = cached.clone();
            self.write_series(&cached);
            self.series_due(SeriesTick::Finish, SERIES_FINISH_MS);
            self.series_due(SeriesTick::Refresh, SERIES_REFRESH_MS);
            return;
        }
        let ts = self.timestamp();
        let micro = self.micro_time(now);
        let name = self.event_name(d.at("name"));
        let e = jv!({"apiVersion":"v1","kind":"Event","metadata":{"name":name,"namespace":d.ns,"uid":names::uuid_v4(&mut self.rng),"creationTimestamp":ts},
            "involvedObject":d.involved,"reason":d.reason,"message":d.message,"source":{},"firstTimestamp":null,"lastTimestamp":null,"type":d.ty,
            "eventTime":micro,"action":action,"reportingComponent":SCHEDULER,"reportingInstance":instance});
        let at = ObjKey::new(Kind::Event, &d.ns, &name);
        self.store.put(at.clone(), e, self.now);
        if let Some(event) = self.store.get_rc(&at) {
            self.events.series_insert(&key, Series { event, at, first: now, series: None });
        }
    }

    /// The singletons a finish pass would have forgotten by now (one runs every 6 minutes and
    /// forgets those older than that): forgotten when looked up, and all of them when the
    /// cache has doubled, rather than by a timer that would keep an idle cluster busy.
    fn forget_finished_singletons(&mut self, key: Option<&str>) {
        let last_pass = self.now.ms() / SERIES_FINISH_MS * SERIES_FINISH_MS;
        let finished = |c: &Series| c.series.is_none() && c.first + SERIES_FINISH_MS < last_pass;
        let r = &mut self.events;
        if let Some(k) = key {
            if r.series_mut(k).is_some_and(|c| finished(c)) && r.cache.remove(&Recorder::series_key(k)).is_some() {
                r.series_len -= 1;
            }
        }
        if r.series_len > 2 * r.series_swept + 64 {
            r.series_retain(|c| !finished(c));
            r.series_swept = r.series_len;
        }
    }

    /// A moment as a MicroTime (`2022-05-28T07:00:00.123000Z`).
    fn micro_time(&self, ms: u64) -> String {
        let ts = time::rfc3339(self.unix_at(SimTime(ms)));
        format!("{}.{:03}000Z", ts.trim_end_matches('Z'), ms % 1000)
    }

    /// `recordEvent` of a series: a patch of its `series`; if the event is gone (its TTL),
    /// created again from the cache, series and all.
    fn write_series(&mut self, cached: &Series) {
        let Some((count, last)) = cached.series else { return };
        let series = jv!({"count":count,"lastObservedTime":self.micro_time(last)});
        if self.modify(&cached.at, |e| e["series"] = series.clone()) {
            return;
        }
        let mut e = (*cached.event).clone();
        e["series"] = series;
        if let Some(m) = e["metadata"].as_object_mut() {
            m.remove("resourceVersion");
        }
        e["metadata"]["uid"] = jv!(names::uuid_v4(&mut self.rng));
        e["metadata"]["creationTimestamp"] = jv!(self.timestamp());
        self.store.put(cached.at.clone(), e, self.now);
    }

    /// Schedules the next pass of a kind, at its period's next tick, unless one is due.
    fn series_due(&mut self, tick: SeriesTick, period: u64) {
        let now = self.now.ms();
        let due = match tick {
            SeriesTick::Finish => &mut self.events.finish_due,
            SeriesTick::Refresh => &mut self.events.refresh_due,
        };
        if due.is_some() {
            return;
        }
        let at = (now / period + 1) * period;
        *due = Some(at);
        self.schedule(at - now, Timer::EventSeries(tick));
    }

    /// A periodic pass of the broadcaster: `finishSeries` writes and forgets the series not
    /// observed in the last 6 minutes and forgets the singletons older than that;
    /// `refreshExistingEventSeries` writes every series (so its event outlives the TTL).
    pub(crate) fn series_tick(&mut self, tick: SeriesTick) {
        let now = self.now.ms();
        let cutoff = now.saturating_sub(SERIES_FINISH_MS);
        let mut writes = Vec::new();
        match tick {
            SeriesTick::Finish => {
                self.events.finish_due = None;
                self.events.series_retain(|c| match c.series {
                    Some((_, last)) if last < cutoff => {
                        writes.push(c.clone());
                        false
                    }
                    Some(_) => true,
                    None => c.first >= cutoff,
                });
            }
            SeriesTick::Refresh => {
                self.events.refresh_due = None;
                writes.extend(self.events.series().map(|(_, c)| c).filter(|c| c.series.is_some()).cloned());
            }
        }
        for c in &writes {
            self.write_series(c);
        }
        if self.events.series().any(|(_, c)| c.series.is_some()) {
            self.series_due(SeriesTick::Finish, SERIES_FINISH_MS);
            self.series_due(SeriesTick::Refresh, SERIES_REFRESH_MS);
        }
    }

    /// The API server has written an Event: it goes under a lease of the TTL (etcd3's
    /// `leaseManager.GetLease`: the newest lease is reused by writes within a minute of its
    /// grant, up to 1,000 of them, and is granted for the TTL and that minute).
    pub(crate) fn lease_event(&mut self, key: &ObjKey) {
        let Some(rv) = self.store.get(key).and_then(|o| obj::str_at(o, "/metadata/resourceVersion")) else { return };
        let (rv, now) = (rv.to_string(), self.now.ms());
        let r = &mut self.events;
        r.lease_writes += 1;
        // valid: now + ttl before the lease's end; sufficient: now + ttl + reuse after it.
        // k8s-diff: "after" is "not before" here, as writes of one virtual instant would be
        // nanoseconds apart on a real server and share the lease.
        let reuse = r.leases.last().is_some_and(|l| {
            let end = l.expires.ms();
            now + EVENT_TTL_MS < end && now + EVENT_TTL_MS + LEASE_REUSE_MS >= end
        }) && r.lease_writes <= LEASE_MAX_OBJECTS;
        if !reuse {
            r.leases.push(Lease { expires: SimTime(now + EVENT_TTL_MS + LEASE_REUSE_MS), writes: Vec::new() });
            r.lease_writes = 1;
        }
        if let Some(l) = r.leases.last_mut() {
            l.writes.push((key.clone(), rv));
        }
    }

    /// Lets the leases that end by `until` expire, each at its moment: etcd deletes the Events
    /// whose last write each holds (a later write moved the Event to a later lease).
    pub(crate) fn expire_events(&mut self, until: SimTime) {
        while self.events.leases.first().is_some_and(|l| l.expires <= until) {
            let lease = self.events.leases.remove(0);
            if lease.expires > self.now {
                self.now = lease.expires;
            }
            for (key, rv) in lease.writes {
                let current = self.store.get(&key).and_then(|o| obj::str_at(o, "/metadata/resourceVersion"));
                if current == Some(rv.as_str()) {
                    self.store.remove(&key, self.now);
                }
            }
            self.settle_now();
        }
    }

    /// How many entries the event recorders' correlator caches hold.
    pub fn event_cache_entries(&self) -> usize {
        self.events.cached()
    }
}

/// The container of a pod an event's message is about, as the involved object's field
/// (`spec.containers{nginx}`): by name first (`Started container init-x`), then by image for a
/// pull (the container being started now: the init container not yet done).
fn container_field_path(pod: &Value, message: &str) -> Option<String> {
    let named = |c: &&Value| {
        let name = obj::str_at(c, "/name").unwrap_or("");
        message.ends_with(&format!("container {name}"))
            || message.contains(&format!("container {name} "))
            || message.contains(&format!("Container {name} "))
    };
    let imaged = |c: &&Value| message.contains(&format!("\"{}\"", obj::str_at(c, "/image").unwrap_or("")));
    let lists = [
        ("spec.initContainers", obj::arr_at(pod, "/spec/initContainers")),
        ("spec.containers", obj::arr_at(pod, "/spec/containers")),
    ];
    let found = lists.iter().find_map(|(path, cs)| cs.iter().find(named).map(|c| (*path, c))).or_else(|| {
        let init_pending =
            obj::arr_at(pod, "/status/initContainerStatuses").iter().any(|s| s.ptr("/state/terminated").is_none());
        let order = if init_pending { [0, 1] } else { [1, 0] };
        order.iter().find_map(|&i| lists[i].1.iter().find(imaged).map(|c| (lists[i].0, c)))
    });
    let (path, c) = found?;
    Some(format!("{path}{{{}}}", obj::str_at(c, "/name")?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimConfig;

    fn sim() -> (Sim, ObjKey) {
        (Sim::new(SimConfig::seeded(1)), ObjKey::new(Kind::Deployment, "default", "d"))
    }

    /// The stored events about `d`, oldest name first.
    fn events(sim: &Sim) -> Vec<Value> {
        sim.store
            .list(Kind::Event, Some("default"))
            .filter(|(_, e)| obj::str_at(e, "/involvedObject/name") == Some("d"))
            .map(|(_, e)| e.clone())
            .collect()
    }

    fn texts(sim: &Sim, field: &str) -> Vec<String> {
        events(sim).iter().map(|e| obj::str_at(e, field).unwrap_or("").to_string()).collect()
    }

    #[test]
    fn an_identical_event_bumps_the_count_and_the_last_time() {
        let (mut sim, d) = sim();
        for _ in 0..3 {
            sim.record_event(&d, "Normal", "ScalingReplicaSet", "deployment-controller", "Scaled up".into());
            sim.advance(10_000);
        }
        let evs = events(&sim);
        assert_eq!(evs.len(), 1, "{evs:?}");
        assert_eq!(obj::i64_at(&evs[0], "/count"), Some(3));
        let (first, last) = (obj::str_at(&evs[0], "/firstTimestamp"), obj::str_at(&evs[0], "/lastTimestamp"));
        assert_eq!(last.and_then(|l| sim.ms_since(l)), Some(10_000), "{evs:?}");
        assert_eq!(first.and_then(|f| sim.ms_since(f)), Some(30_000), "{evs:?}");
    }

    #[test]
    fn the_tenth_similar_message_in_ten_minutes_is_combined() {
        let (mut sim, d) = sim();
        for i in 1..=11 {
            sim.record_event(&d, "Warning", "FailedCreate", "replicaset-controller", format!("quota exceeded #{i}"));
            sim.advance(1_000);
        }
        let messages = texts(&sim, "/message");
        assert_eq!(messages.len(), 10, "{messages:?}");
        assert_eq!(messages.iter().filter(|m| m.starts_with("quota exceeded #")).count(), 9, "{messages:?}");
        // The tenth made the combined event; the eleventh patched it (count and message).
        let combined = events(&sim).into_iter().find(|e| obj::str_at(e, "/message").unwrap_or("").starts_with('('));
        let combined = combined.expect("a combined event");
        assert_eq!(obj::str_at(&combined, "/message"), Some("(combined from similar events): quota exceeded #11"));
        assert_eq!(obj::i64_at(&combined, "/count"), Some(2));
    }

    #[test]
    fn similar_events_ten_minutes_apart_are_not_combined() {
        let (mut sim, d) = sim();
        for i in 1..=12 {
            sim.record_event(&d, "Warning", "FailedCreate", "replicaset-controller", format!("quota exceeded #{i}"));
            sim.advance(601_000);
        }
        assert!(texts(&sim, "/message").iter().all(|m| m.starts_with("quota")), "{:?}", texts(&sim, "/message"));
    }

    /// 100 distinct events about one object from one source within a minute: the bucket's 25
    /// are written; then one each 5 minutes.
    #[test]
    fn the_spam_filter_lets_25_through_then_one_each_five_minutes() {
        let (mut sim, d) = sim();
        for i in 0..100 {
            sim.record_event(&d, "Normal", &format!("Reason{i}"), "deployment-controller", "m".into());
            sim.advance(600);
        }
        assert_eq!(events(&sim).len(), 25);
        // The bucket refills one token in 300 s from the moment the 25th was taken.
        let mut written = Vec::new();
        for minute in 1..=20u64 {
            sim.advance(60_000);
            sim.record_event(&d, "Normal", &format!("Later{minute}"), "deployment-controller", "m".into());
            written.push(events(&sim).len());
        }
        assert_eq!(*written.last().unwrap_or(&0), 25 + 4, "{written:?}");
        assert_eq!(written.windows(2).filter(|w| w[1] > w[0]).count() + usize::from(written[0] > 25), 4, "{written:?}");
        // Another source, or another object, has its own bucket.
        sim.record_event(&d, "Normal", "Other", "replicaset-controller", "m".into());
        assert_eq!(events(&sim).len(), 30);
    }

    /// The logger counts what the spam filter drops: the next write carries the count.
    #[test]
    fn a_dropped_repeat_still_counts() {
        let (mut sim, d) = sim();
        for i in 0..25 {
            sim.record_event(&d, "Normal", &format!("Fill{i}"), "deployment-controller", "m".into());
        }
        for _ in 0..5 {
            sim.record_event(&d, "Warning", "BackOff", "deployment-controller", "again".into());
        }
        assert!(!texts(&sim, "/reason").contains(&"BackOff".to_string()));
        sim.advance(300_000);
        sim.record_event(&d, "Warning", "BackOff", "deployment-controller", "again".into());
        let backoff = events(&sim).into_iter().find(|e| obj::str_at(e, "/reason") == Some("BackOff"));
        assert_eq!(backoff.and_then(|e| obj::i64_at(&e, "/count")), Some(6));
    }

    #[test]
    fn an_event_is_gone_an_hour_after_its_last_write() {
        let (mut sim, d) = sim();
        sim.record_event(&d, "Normal", "Once", "deployment-controller", "m".into());
        for _ in 0..8 {
            sim.record_event(&d, "Normal", "Often", "deployment-controller", "m".into());
            sim.advance(15 * 60_000);
        }
        // Two hours on: the repeated one was written 15 minutes ago, the other two hours ago.
        assert_eq!(texts(&sim, "/reason"), ["Often"]);
        // Its lease, granted at its last write, runs for the hour and the minute of reuse: it
        // is there 60.5 minutes after that write, and gone at 61.
        sim.advance(45 * 60_000 + 30_000);
        assert_eq!(events(&sim).len(), 1);
        sim.advance(30_000);
        assert!(events(&sim).is_empty());
    }

    /// The logger still knows a forgotten event: the next occurrence creates it again with the
    /// old name, first time and count + 1 (the patch's NotFound → Create).
    #[test]
    fn an_expired_event_comes_back_with_its_count() {
        let (mut sim, d) = sim();
        sim.record_event(&d, "Normal", "Again", "deployment-controller", "m".into());
        let name = texts(&sim, "/metadata/name");
        sim.advance(2 * EVENT_TTL_MS);
        assert!(events(&sim).is_empty());
        sim.record_event(&d, "Normal", "Again", "deployment-controller", "m".into());
        assert_eq!(texts(&sim, "/metadata/name"), name);
        let e = &events(&sim)[0];
        assert_eq!(obj::i64_at(e, "/count"), Some(2));
        assert_eq!(obj::str_at(e, "/firstTimestamp").and_then(|t| sim.ms_since(t)), Some(2 * EVENT_TTL_MS as i64));
    }

    #[test]
    fn the_caches_forget_the_least_recently_used_past_4096() {
        let (mut sim, _) = sim();
        for i in 0..5000 {
            let about = ObjKey::new(Kind::Deployment, "default", &format!("d{i}"));
            sim.record_event(&about, "Normal", "R", "deployment-controller", "m".into());
        }
        // Three caches (spam, aggregate, log) of at most 4,096 entries each.
        assert_eq!(sim.event_cache_entries(), 3 * CACHE_ENTRIES);
    }

    fn sim_at(version: &str) -> Sim {
        let profile = crate::sim::Profile { kubernetes_version: version.to_string(), ..Default::default() };
        Sim::new(SimConfig { seed: 1, profile })
    }

    #[test]
    fn from_1_28_the_recorder_names_itself_as_reporting_controller() {
        let d = ObjKey::new(Kind::Deployment, "default", "d");
        for (version, reporting) in [("1.27.3", ""), ("1.28.0", "deployment-controller")] {
            let mut sim = sim_at(version);
            sim.record_event(&d, "Normal", "ScalingReplicaSet", "deployment-controller", "Scaled up".into());
            assert_eq!(texts(&sim, "/reportingComponent"), [reporting], "{version}");
        }
    }

    #[test]
    fn from_1_32_normal_and_warning_events_have_a_bucket_each() {
        let d = ObjKey::new(Kind::Deployment, "default", "d");
        for (version, written) in [("1.31.0", 25), ("1.32.0", 26)] {
            let mut sim = sim_at(version);
            for i in 0..25 {
                sim.record_event(&d, "Normal", &format!("Fill{i}"), "deployment-controller", "m".into());
            }
            sim.record_event(&d, "Warning", "Failed", "deployment-controller", "m".into());
            assert_eq!(events(&sim).len(), written, "{version}");
        }
    }

    #[test]
    fn the_scheduler_writes_events_k8s_io_events() {
        let (mut sim, _) = sim();
        let p = ObjKey::new(Kind::Pod, "default", "p");
        sim.record_event(&p, "Normal", "Scheduled", SCHEDULER, "Successfully assigned default/p to k8s-w1".into());
        let e = sim.store.list(Kind::Event, Some("default")).map(|(_, e)| e.clone()).next().unwrap_or_default();
        assert_eq!(obj::str_at(&e, "/reportingComponent"), Some("default-scheduler"));
        assert_eq!(obj::str_at(&e, "/action"), Some("Binding"));
        assert!(e.get("count").is_none() && e["firstTimestamp"].is_null() && e["source"] == jv!({}), "{e}");
        assert!(obj::str_at(&e, "/eventTime").is_some_and(|t| t.ends_with(".000000Z")), "{e}");
    }
}
