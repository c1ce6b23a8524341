//! Fuzzing the lab's five doors (issue 12, item 8): manifests, kubectl lines, lines of the
//! lab machine's shell, lines of a shell in a pod, and a saved lab restored. Each target
//! mutates a corpus seeded from the project's own examples (the lesson files and replay
//! script, the command lines of the test suites) and runs every input through the same
//! public paths the page uses, watching for the four ways the page dies:
//!
//! - a panic (caught here; in the page it kills the module);
//! - a hang: one input working longer than `KUBELAB_FUZZ_HANG_MS` (1 s in a release build,
//!   30 s in a debug build) of CPU time, or ten times that in real time (so that a shared
//!   machine's load does not count, and an input that blocks still does);
//! - memory: the process's data growing by `KUBELAB_FUZZ_MEM_MB` (256) while one input runs;
//! - an abort (an allocation failing): `scripts/fuzz` runs this test under `prlimit --data`,
//!   and the input being run is always in `target/fuzz/<target>.current` to read afterwards.
//!
//! The inputs depend only on `KUBELAB_FUZZ_SEED` and the corpus: a failure's input is
//! reproduced by running again. `cargo test` (`.ci/run`) runs `KUBELAB_FUZZ_RUNS` (default
//! 200) executions of each target; `scripts/fuzz 1000000` is the long run.
//! `KUBELAB_FUZZ_ONLY=shell,pod` runs only the targets named (to share the long run among
//! processes). `KUBELAB_FUZZ_FROM=N` goes on after a reported run (inputs before run N are made,
//! not run). Each target reports its slowest input, and a long run (`KUBELAB_FUZZ_KEEP`) its
//! progress every 100,000 runs; `KUBELAB_FUZZ_LOCATE=1` tells which run made each `.current` input.

use kubelab::lab::session::Session;
use kubelab::lab::Lab;
use kubelab::sim::SimConfig;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// What the watchdog sees of the input being run.
struct Watch {
    input: Mutex<(String, String)>,
    started_ms: AtomicU64,
    /// The data segment when the input started: growth is counted per input (the allocator
    /// keeps what earlier inputs freed, so the process's total only grows).
    data_at_start: AtomicU64,
    busy: AtomicBool,
    /// The run's number within its target, to go on after it (`KUBELAB_FUZZ_FROM`).
    run: AtomicU64,
    /// The fuzzing thread's CPU time when the input started, in milliseconds.
    cpu_at_start: AtomicU64,
    /// `/proc/self/task/<tid>/stat` of the fuzzing thread.
    stat_path: Mutex<PathBuf>,
}

/// The CPU time (user and system) a thread has used, in milliseconds, from its `stat` file
/// (fields 14 and 15, in clock ticks of 10 ms).
fn cpu_ms(stat_path: &std::path::Path) -> u64 {
    let stat = std::fs::read_to_string(stat_path).unwrap_or_default();
    // The command name (field 2) may hold spaces: count from the `)` that closes it.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    (ticks(11) + ticks(12)) * 10
}

/// The calling thread's `stat` file.
fn this_threads_stat() -> PathBuf {
    let me = std::fs::read_link("/proc/thread-self").unwrap_or_default();
    PathBuf::from("/proc").join(me).join("stat")
}

/// The process's data segment (heap included) in bytes, from `/proc/self/statm`.
fn data_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(5).and_then(|p| p.parse::<u64>().ok()).unwrap_or(0) * 4096
}

/// Ends the process when the input being run takes too long or grows the data too far,
/// printing it first.
fn watchdog(watch: Arc<Watch>, epoch: Instant, hang_ms: u64, mem_cap: u64) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(5));
        if !watch.busy.load(Ordering::SeqCst) {
            continue;
        }
        let ran = epoch.elapsed().as_millis() as u64 - watch.started_ms.load(Ordering::SeqCst);
        let stat_path = watch.stat_path.lock().map(|p| p.clone()).unwrap_or_default();
        let cpu = cpu_ms(&stat_path).saturating_sub(watch.cpu_at_start.load(Ordering::SeqCst));
        let grown = data_bytes().saturating_sub(watch.data_at_start.load(Ordering::SeqCst));
        // A hang is work: the input's CPU time, so that a busy machine's waits count for nothing;
        // an input that blocks without working is caught by ten times the limit in real time.
        let why = if cpu > hang_ms || ran > hang_ms * 10 {
            format!("a hang: still running after {ran} ms ({cpu} ms of CPU)")
        } else if grown > mem_cap {
            format!("memory: the data segment grew by {} MB", grown >> 20)
        } else {
            continue;
        };
        let (target, input) = watch.input.lock().map(|g| g.clone()).unwrap_or_default();
        let run = watch.run.load(Ordering::SeqCst);
        eprintln!("fuzz target {target}: {why}, run {run}, on the input:\n{input}");
        std::process::exit(101);
    });
}

/// A corpus and the mutations of it.
struct Mutator {
    rng: ChaCha8Rng,
    corpus: Vec<String>,
    tokens: Vec<&'static str>,
}

const TOKENS: &[&str] = &[
    "\n",
    " ",
    "'",
    "\"",
    "\\",
    "$",
    "${x}",
    "$(",
    ")",
    "`",
    "{a,b}",
    "{1..99999999999}",
    "&&",
    "||",
    "|",
    ";",
    "&",
    ">",
    "<<EOF\n",
    "EOF\n",
    "*",
    "?",
    "[",
    "]",
    "{",
    "}",
    ":",
    "- ",
    "---\n",
    "&a ",
    "*a",
    "!!",
    "#",
    "-1",
    "0",
    "2147483648",
    "9223372036854775807",
    "1e309",
    "-0x10",
    "1Ei",
    "-1Gi",
    "NaN",
    "\u{feff}",
    "é",
    "--replicas=",
    "-o",
    "yaml",
    "json",
    "jsonpath={.items[*]}",
    "-w",
    "-A",
    "--all",
    "-f",
    "-",
    "/dev/stdin",
    "/dev/zero",
    "/proc/self/status",
    "../",
    "web-0",
    "nginx",
    "sts",
    "deploy",
    "svc",
    "pvc",
    "pod",
    "x=$x$x",
];

impl Mutator {
    fn new(seed: u64, corpus: Vec<String>) -> Mutator {
        assert!(!corpus.is_empty(), "an empty corpus");
        Mutator { rng: ChaCha8Rng::seed_from_u64(seed), corpus, tokens: TOKENS.to_vec() }
    }

    fn below(&mut self, n: usize) -> usize {
        (self.rng.next_u64() % n.max(1) as u64) as usize
    }

    /// A corpus entry with one to four mutations.
    fn next(&mut self) -> String {
        let pick = self.below(self.corpus.len());
        let mut b = self.corpus[pick].clone().into_bytes();
        // One mutation half the time, two a quarter, up to four: most inputs stay near the
        // corpus, where the deeper paths are.
        let n = 1 + (self.rng.next_u64() | 1 << 3).trailing_zeros();
        for _ in 0..n {
            if self.below(3) == 0 {
                self.mutate_word(&mut b);
            } else {
                self.mutate(&mut b);
            }
        }
        b.truncate(1 << 16);
        String::from_utf8_lossy(&b).into_owned()
    }

    /// A word (between spaces) replaced by a token or by a word of another corpus entry.
    fn mutate_word(&mut self, b: &mut Vec<u8>) {
        let starts: Vec<usize> = (0..b.len()).filter(|&i| i == 0 || b[i - 1] == b' ').collect();
        let Some(&at) = starts.get(self.below(starts.len())) else { return };
        let end = b[at..].iter().position(|&c| c == b' ' || c == b'\n').map_or(b.len(), |e| at + e);
        let (pick, nth) = (self.below(self.corpus.len()), self.rng.next_u64() as usize);
        let word: Vec<u8> = if self.below(2) == 0 {
            self.tokens[nth % self.tokens.len()].bytes().collect()
        } else {
            let words: Vec<&str> = self.corpus[pick].split(' ').collect();
            words[nth % words.len()].bytes().collect()
        };
        b.splice(at..end, word);
    }

    fn mutate(&mut self, b: &mut Vec<u8>) {
        let (at, len) = (self.below(b.len() + 1), 1 + self.below(16));
        let end = (at + len).min(b.len());
        match self.below(7) {
            0 => drop(b.drain(at..end)),
            1 => {
                let pick = self.below(self.tokens.len());
                let t = self.tokens[pick];
                b.splice(at..at, t.bytes());
            }
            2 => {
                let piece = b[at..end].to_vec();
                for _ in 0..1 + self.below(8) {
                    b.splice(at..at, piece.iter().copied());
                }
            }
            3 if at < b.len() => b[at] ^= 1 << self.below(8),
            4 => {
                let pick = self.below(self.corpus.len());
                let other = self.corpus[pick].clone().into_bytes();
                let from = self.below(other.len());
                b.splice(at..end, other[from..].iter().copied().take(64));
            }
            5 => b.truncate(at),
            _ => {
                let n = ["0", "-1", "99999", "2147483647", "4294967296", "18446744073709551616"][self.below(6)];
                b.splice(at..end, n.bytes());
            }
        }
    }
}

/// Runs `runs` mutated inputs through `exec`; the first panic fails the test.
/// A target left out by `KUBELAB_FUZZ_ONLY` (a comma-separated list of targets) runs nothing.
fn fuzz(watch: &Arc<Watch>, epoch: Instant, name: &str, corpus: Vec<String>, exec: &dyn Fn(&str)) {
    if std::env::var("KUBELAB_FUZZ_ONLY").is_ok_and(|only| !only.split(',').any(|t| t.trim() == name)) {
        return;
    }
    let runs = env_u64("KUBELAB_FUZZ_RUNS", 200);
    let mut m = Mutator::new(env_u64("KUBELAB_FUZZ_SEED", 1), corpus);
    let current = repo("target/fuzz").join(format!("{name}.current"));
    let keep = std::env::var_os("KUBELAB_FUZZ_KEEP").is_some();
    // Go on after run N (a hang seen on a busy machine, checked alone): the inputs before it are
    // made, not run, so the sequence is the same.
    let from = env_u64("KUBELAB_FUZZ_FROM", 0);
    let started = Instant::now();
    let (mut slowest, mut most_cpu) = ((Duration::ZERO, 0), (0, 0));
    let stat_path = this_threads_stat();
    *watch.stat_path.lock().unwrap() = stat_path.clone();
    if std::env::var_os("KUBELAB_FUZZ_LOCATE").is_some() {
        return locate(name, &mut m, runs, &current);
    }
    for i in 0..runs {
        let input = m.next();
        if i < from {
            continue;
        }
        if keep && i > from && i % 100_000 == 0 {
            eprintln!("fuzz target {name}: run {i} after {:.0} s", started.elapsed().as_secs_f64());
        }
        watch.run.store(i, Ordering::SeqCst);
        let one = Instant::now();
        if keep {
            let _ = std::fs::write(&current, &input);
        }
        *watch.input.lock().unwrap() = (name.to_string(), input.clone());
        watch.data_at_start.store(data_bytes(), Ordering::SeqCst);
        watch.cpu_at_start.store(cpu_ms(&stat_path), Ordering::SeqCst);
        watch.started_ms.store(epoch.elapsed().as_millis() as u64, Ordering::SeqCst);
        watch.busy.store(true, Ordering::SeqCst);
        let result = catch_unwind(AssertUnwindSafe(|| exec(&input)));
        watch.busy.store(false, Ordering::SeqCst);
        if result.is_err() {
            panic!("fuzz target {name}: run {i} panicked on the input:\n{input}");
        }
        slowest = slowest.max((one.elapsed(), i));
        let cpu = cpu_ms(&stat_path).saturating_sub(watch.cpu_at_start.load(Ordering::SeqCst));
        most_cpu = most_cpu.max((cpu, i));
    }
    let data_mb = data_bytes() >> 20;
    eprintln!(
        "fuzz target {name}: runs {from} to {runs} in {:.1} s (data segment now {data_mb} MB; slowest: run {}, {} ms; most CPU: run {}, {} ms)",
        started.elapsed().as_secs_f64(),
        slowest.1,
        slowest.0.as_millis(),
        most_cpu.1,
        most_cpu.0
    );
}

/// Which run made the input in `current` (a long run's `.current` file): the inputs are made
/// again, not run, and the first run whose input it is is printed.
fn locate(name: &str, m: &mut Mutator, runs: u64, current: &std::path::Path) {
    let wanted = std::fs::read_to_string(current).unwrap_or_default();
    let at = (0..runs).find(|_| m.next() == wanted);
    eprintln!("fuzz target {name}: {} is run {at:?}", current.display());
}

/// The command lines in the test suites' and the lesson's text: `kubectl ...` up to the end
/// of its string or line.
fn lines_of_the_suites(prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut sources: Vec<PathBuf> = std::fs::read_dir(repo("tests")).unwrap().flatten().map(|e| e.path()).collect();
    sources.push(repo("lessons/doik-statefulset.replay"));
    for path in sources.iter().filter(|p| p.is_file()) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for (at, _) in text.match_indices(prefix) {
            let line: String = text[at..].chars().take_while(|c| !matches!(c, '"' | '\n')).collect();
            if !found.contains(&line) {
                found.push(line);
            }
        }
    }
    found
}

fn lesson_files() -> Vec<String> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut dirs = vec![repo("lessons/files")];
    while let Some(dir) = dirs.pop() {
        for path in std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()) {
            match path.is_dir() {
                true => dirs.push(path),
                false if path.extension().is_some_and(|x| x == "yaml") => files.push(path),
                false => {}
            }
        }
    }
    files.sort();
    files.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}

/// The seed's cluster with its StatefulSet applied and settled.
fn seed_session() -> Session {
    let mut s = Session::new(SimConfig::seeded(1)).with_loader(common::files_loader());
    s.run_line("kubectl apply -f web.yaml");
    s.run_line("sleep 60");
    s
}

/// A line run in a copy of `base`; a held watch is let go, then time passes.
fn run_in(base: &Session, lines: &[&str]) {
    let mut s = base.clone();
    for line in lines {
        s.run_line(line);
        if s.busy(0) {
            s.interrupt(0);
        }
    }
}

fn saved_labs() -> Vec<String> {
    let mut lab = Lab::seed_lab();
    lab.run(0, "kubectl apply -f web.yaml");
    lab.advance(30_000);
    lab.run(1, "kubectl get pods -w");
    lab.advance(5_000);
    vec![lab.save().to_json(), Lab::seed_lab().save().to_json()]
}

#[test]
fn the_five_doors_survive_mutated_input() {
    let epoch = Instant::now();
    let watch = Arc::new(Watch {
        input: Mutex::default(),
        started_ms: AtomicU64::new(0),
        data_at_start: AtomicU64::new(0),
        busy: AtomicBool::new(false),
        run: AtomicU64::new(0),
        cpu_at_start: AtomicU64::new(0),
        stat_path: Mutex::new(PathBuf::new()),
    });
    let hang_ms = env_u64("KUBELAB_FUZZ_HANG_MS", if cfg!(debug_assertions) { 30_000 } else { 1_000 });
    watchdog(watch.clone(), epoch, hang_ms, env_u64("KUBELAB_FUZZ_MEM_MB", 256) << 20);
    let _ = std::fs::create_dir_all(repo("target/fuzz"));
    let seed = seed_session();
    let fresh = Session::new(SimConfig::seeded(1)).with_loader(common::files_loader());

    fuzz(&watch, epoch, "manifests", lesson_files(), &|text| {
        let mut s = fresh.clone();
        s.write_file("fuzz.yaml", text);
        run_in(&s, &["kubectl apply -f fuzz.yaml", "sleep 30", "kubectl get all,pvc -o wide", "kubectl describe pods"]);
    });
    fuzz(&watch, epoch, "kubectl", lines_of_the_suites("kubectl "), &|line| run_in(&seed, &[line, "sleep 5"]));
    let mut shell = lines_of_the_suites("for i in ");
    shell.extend(SHELL_LINES.iter().map(|l| l.to_string()));
    fuzz(&watch, epoch, "shell", shell, &|line| run_in(&seed, &[line]));
    let mut attached = seed.clone();
    attached.run_line("kubectl exec -it web-0 -- sh");
    fuzz(&watch, epoch, "pod", POD_LINES.iter().map(|l| l.to_string()).collect(), &|line| run_in(&attached, &[line]));
    fuzz(&watch, epoch, "restore", saved_labs(), &|text| {
        if let Ok(saved) = kubelab::lab::Saved::from_json(text) {
            let _ = Lab::restore(saved, 2);
        }
    });
}

const SHELL_LINES: &[&str] = &[
    "x=1; echo $((x + 2)) ${x:-none} ${#x}",
    "cat web.yaml | grep -c kind; wc -l web.yaml",
    "echo {a,b}{c,d} {1..3}",
    "printf '%s\\n' b a | sort | head -n 1",
    "cd /tmp && pwd; ls -la; cd -",
    "sed -n '1,3p' web.yaml | awk '{print $1}'",
    "cat <<EOF\nhello $USER\nEOF",
    "if [ -f web.yaml ]; then echo yes; else echo no; fi",
    "while read l; do echo \"$l\"; done < deploy.yaml",
    "f() { echo \"$@\"; }; f 1 2",
    "echo 'open",
    "date; sleep 2; date",
];

const POD_LINES: &[&str] = &[
    "hostname",
    "cat /etc/hosts; cat /etc/resolv.conf",
    "curl http://localhost/",
    "echo \"$(hostname)-pv-test\" > /usr/share/nginx/html/index.html",
    "ls / && env | sort",
    "nslookup nginx",
    "for i in 1 2 3; do echo $i; done | tail -n 1",
    "cat /dev/null; exit 3",
];
