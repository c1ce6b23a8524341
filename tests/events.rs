//! Events as a real cluster keeps them: the API server forgets an event an hour after its last
//! write (`--event-ttl`), and the kubelet's recorder lets a pod's events through its spam
//! filter (25 at once, then one each 5 minutes) while counting every occurrence.

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::{obj, Kind, SimConfig};

const HOUR: u64 = 3_600_000;

fn session() -> Session {
    Session::new(SimConfig::seeded(1)).with_loader(common::files_loader())
}

fn run(s: &mut Session, line: &str) -> (String, String, i32) {
    let (out, code) = s.run_line(line);
    (out.stdout(), out.stderr(), code)
}

/// The rows of describe's Events table.
fn event_rows(describe: &str) -> Vec<String> {
    describe.split("\nEvents:\n").nth(1).unwrap_or("").lines().skip(2).map(String::from).collect()
}

/// Milliseconds of a HumanDuration (`4m57s`, `60m`, `23h`, `2d5h`).
fn ms_of(age: &str) -> u64 {
    let (mut total, mut n) = (0u64, 0u64);
    for c in age.chars() {
        match c.to_digit(10) {
            Some(d) => n = n * 10 + u64::from(d),
            None => {
                total += n * match c {
                    'd' => 24 * HOUR,
                    'h' => HOUR,
                    'm' => 60_000,
                    _ => 1_000,
                };
                n = 0;
            }
        }
    }
    total
}

/// A pod that started and then did nothing: an hour (and the lease's minute) after, its events
/// are gone from `get events` and from describe.
#[test]
fn a_quiet_pods_events_are_gone_after_an_hour() {
    let mut s = session();
    run(&mut s, "kubectl run p --image=nginx");
    s.sim.run_until_idle(60_000);
    s.sim.advance(59 * 60_000);
    let rows = event_rows(&run(&mut s, "kubectl describe pod p").0);
    assert!(rows.iter().any(|r| r.contains("Scheduled")) && rows.iter().any(|r| r.contains("Started")), "{rows:?}");
    s.sim.advance(3 * 60_000);
    let (out, err, _) = run(&mut s, "kubectl get events");
    assert_eq!((out.as_str(), err.as_str()), ("", "No resources found in default namespace.\n"));
    assert!(run(&mut s, "kubectl describe pod p").0.ends_with("\nEvents:                      <none>\n"));
}

/// A day of CrashLoopBackOff (the kubelet's back-off tops out at 5 minutes): describe keeps the
/// events written in the last hour only, each with every occurrence of the day counted (the
/// logger counts what the spam filter drops); the scheduler's event is long gone.
#[test]
fn a_crash_loop_day_keeps_its_counts_and_only_its_last_hour() {
    let mut s = session();
    run(&mut s, "kubectl run crash --image=busybox:1.36 -- false");
    s.sim.advance(HOUR);
    let rows = event_rows(&run(&mut s, "kubectl describe pod crash").0);
    assert!(rows.iter().any(|r| r.contains("Scheduled") && r.contains(" 60m ")), "{rows:?}");
    s.sim.advance(23 * HOUR);
    let rows = event_rows(&run(&mut s, "kubectl describe pod crash").0);
    assert!(!rows.is_empty() && !rows.iter().any(|r| r.contains("Scheduled")), "{rows:?}");
    for r in &rows {
        let cells: Vec<&str> = r.split_whitespace().collect();
        assert!(ms_of(cells[2]) <= HOUR + 60_000, "last seen within the hour: {r}");
        // About 24 h / 5 min restarts, each with its Created and Pulled.
        let n: u64 = r.split(" (x").nth(1).and_then(|t| t.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
        assert!(n > 250 && r.contains(" over 23h)"), "{r}");
    }
    // At most the 61 minutes' writes: one token each 5 minutes.
    assert!(rows.len() <= 13, "{rows:?}");
    let get = run(&mut s, "kubectl get events").0;
    assert!(get.lines().skip(1).all(|l| ms_of(l.split_whitespace().next().unwrap_or("")) <= HOUR + 60_000), "{get}");
}

/// Fifty crash-looping pods for a day (issue 12): the number of Event objects stays bounded by
/// the spam filter and the TTL (each pod's kubelet writes at most one event each 5 minutes once
/// its burst is spent, and only the last hour's stay), and the correlator's caches by their LRU.
#[test]
fn fifty_crash_looping_pods_for_a_day_keep_few_events() {
    let mut s = session();
    let script = "kubectl create deployment crash --image=busybox:1.36 --replicas=50 -- false\n@sleep 24h\n";
    let transcript = kubelab::lab::replay::run_script(&mut s, script);
    assert!(s.sim.now().ms() >= 24 * HOUR, "the day passed: {transcript}");
    let events = s.sim.store.list(Kind::Event, None).count();
    let pods = s
        .sim
        .store
        .list(Kind::Pod, Some("default"))
        .filter(|(_, p)| obj::str_at(p, "/spec/nodeName").is_some())
        .count();
    assert_eq!(pods, 50);
    // What the day began with (the Deployment's and ReplicaSet's events, the scheduler's, the
    // first pull's) is gone; each pod keeps at most its steady loop's four (the image already
    // present, Created, Started, BackOff), and only those written in the last hour.
    let sources: Vec<&str> =
        s.sim.store.list(Kind::Event, None).filter_map(|(_, e)| obj::str_at(e, "/source/component")).collect();
    assert!(sources.len() == events && sources.iter().all(|c| *c == "kubelet"), "{sources:?}");
    assert!(events <= 50 * 4, "{events} events");
    assert!(s.sim.event_cache_entries() <= 3 * 4096);
}

/// The event aggregator on a real 1.26 cluster (kubeadm, a session of 2023-04-12): a 3-replica
/// Deployment updated from nginx:1.22.1 to 1.23.4, then `kubectl rollout undo
/// --to-revision=1`. Its ScalingReplicaSet events all share source, object, type and reason,
/// so the tenth different message within ten minutes and those after it become one
/// `(combined from similar events)` event counting them; describe printed nine single events,
/// then `0s (x4 over 3s)  deployment-controller  (combined from similar events): Scaled down
/// replica set nginx-7b8cbd4f76 to 0 from 1`.
#[test]
fn a_rollback_after_an_update_combines_the_tenth_scaling_event_on() {
    let mut s = session();
    run(&mut s, "kubectl create deploy nginx --image nginx:1.22.1 --port 80 --replicas 3");
    s.sim.run_until_idle(120_000);
    run(&mut s, "kubectl set image deploy nginx nginx=nginx:1.23.4");
    s.sim.run_until_idle(120_000);
    run(&mut s, "kubectl rollout undo deploy nginx --to-revision=1");
    s.sim.run_until_idle(120_000);
    let rows = event_rows(&run(&mut s, "kubectl describe deploy nginx").0);
    assert_eq!(rows.len(), 10, "{rows:?}");
    assert!(rows[..9].iter().all(|r| !r.contains("combined") && !r.contains(" (x")), "{rows:?}");
    let last = &rows[9];
    assert!(last.contains(" (x4 over "), "{last}");
    let new_rs = run(&mut s, "kubectl get rs --sort-by=.metadata.creationTimestamp -o name | tail -1").0;
    let new_rs = new_rs.trim().trim_start_matches("replicaset.apps/");
    assert!(
        last.ends_with(&format!(
            "deployment-controller  (combined from similar events): Scaled down replica set {new_rs} to 0 from 1"
        )),
        "{last}"
    );
}
