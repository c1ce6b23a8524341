//! A terminal session over one cluster: the shell runs each typed line and hands `kubectl`
//! (and the few other programs a lab types) to the model. `kubelab replay`, the tests and the
//! browser terminal all go through here, so they print the same thing.

use crate::kubectl::{self, Files};
use crate::shell::{self, Env, Output};
use crate::sim::{Sim, SimConfig, SimTime};

/// Reads a file of the lab machine that the session does not hold itself, by its absolute path
/// on the lab machine (`/root/web.yaml`), as bytes; `None` when there is none. The replay
/// reads root's home from its script's folder ([`under_home`]) and nothing else: every other
/// path (`/etc`, `/proc`, `/dev`) is the lab's own, as in the page.
pub type Loader = std::rc::Rc<dyn Fn(&str) -> Option<Vec<u8>>>;

/// Root's home on the lab machine, where a replay finds its script's folder.
pub const HOME: &str = "/root";

/// Where an absolute lab path lies under root's home (`/root/lab/web.yaml` → `lab/web.yaml`);
/// `None` for the home itself and everything outside it. The path is already resolved (no `.`
/// or `..`), so what comes back never climbs out of the home.
pub fn under_home(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(HOME)?.strip_prefix('/')?;
    (!rest.is_empty() && !rest.split('/').any(|p| p.is_empty() || p == "." || p == "..")).then_some(rest)
}

/// A shell with a cluster behind it, seen through one or more terminals.
#[derive(Clone)]
pub struct Session {
    pub sim: Sim,
    /// The lab machine: its files, shared by the terminals. While a terminal's line runs it
    /// also holds that terminal's shell process (variables, exports, `$?`; see `Term`).
    pub env: Env,
    loader: Option<Loader>,
    /// Whether the terminals are live (the page): a watch stays open and the clock is driven
    /// from outside, instead of each watch running until nothing more changes.
    pub live: bool,
    terms: Vec<Term>,
    /// The port-forwards listening on the lab machine, with the terminal that started each.
    forwards: Vec<(usize, kubectl::exec::PortForward)>,
    /// The kubeconfig context's namespace (`kubectl config set-context --current --namespace`).
    context_ns: String,
    /// A run of the clock left part-way by `run_until_within`: the minute mark it was heading
    /// for (its instant not finished) and where the run ends.
    paused: Option<(SimTime, SimTime)>,
}

/// What belongs to one terminal: its own shell process on the lab machine (variables, exports,
/// `$?`; the machine's files are shared), the container shell it is attached to, and an open
/// watch.
#[derive(Clone, Default)]
struct Term {
    /// The terminal's shell state while another terminal's runs (`None`: a fresh login shell).
    process: Option<Env>,
    attached: Option<(kubectl::exec::Attach, Env)>,
    job: Option<kubectl::Job>,
    /// What a job of this terminal printed while nobody looked (a port-forward taking a
    /// connection while another terminal's line ran, a watch during a long sleep), shown at
    /// its next poll; at most `PENDING_BYTES`, the newest kept.
    pending: Output,
    /// Whether its job ended while nobody looked (its last words are in `pending`).
    ended: bool,
    /// The `grep`s a held watch is piped into: each change it prints passes through them.
    filters: Vec<Vec<String>>,
}

/// Files as kubectl sees them: the shell's in-memory files, then the loader.
struct SessionFiles<'a> {
    env: &'a Env,
    loader: Option<&'a Loader>,
}

impl Files for SessionFiles<'_> {
    /// A manifest's text as kubectl's file visitor decodes it.
    fn read(&self, path: &str) -> Result<String, kubectl::errors::Error> {
        self.read_bytes(path).map(|b| kubectl::apply::file_text(&b))
    }

    fn read_bytes(&self, path: &str) -> Result<Vec<u8>, kubectl::errors::Error> {
        use kubectl::errors::Error;
        // `-f URL`: kubectl fetches it, as `curl` does the same pages.
        if path.starts_with("http://") || path.starts_with("https://") {
            return match fetched_page(path) {
                Some(body) => Ok(body.as_bytes().to_vec()),
                // The docs' hosts answer other paths with 404 (k8s.io after its redirect);
                // cli-runtime's readHttpWithRetries words it.
                None if on_docs_host(path) => Err(Error::cli(format!(
                    "unable to read URL {}, server reported 404 Not Found, status code=404",
                    crate::support::gofmt::go_quote(path)
                ))),
                None => {
                    let host = path.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("");
                    Err(Error::cli(format!("Get \"{path}\": dial tcp: lookup {host} on 127.0.0.53:53: no such host")))
                }
            };
        }
        if let Some(t) = self.env.file(path) {
            return Ok(t.as_bytes().to_vec());
        }
        if let Some(b) = self.loader.and_then(|l| l(&self.env.resolve_path(path))) {
            return Ok(b);
        }
        Err(Error::cli(format!("the path \"{path}\" does not exist")))
    }

    fn list_dir(&self, path: &str, deep: bool) -> Option<Vec<String>> {
        let dir = self.env.resolve_path(path);
        if self.env.dirs.is_empty() || !self.env.is_dir(&dir) {
            return None;
        }
        let prefix = if dir == "/" { dir.clone() } else { format!("{dir}/") };
        // Named as Go's filepath.Join(dir, name) names them: `a.yaml` for `.`, `lab/a.yaml`.
        let mut base = path.trim_end_matches('/');
        while let Some(rest) = base.strip_prefix("./") {
            base = rest.trim_start_matches('/');
        }
        let shown = match base {
            "" | "." => String::new(),
            b => format!("{b}/"),
        };
        let found =
            self.env.files().filter_map(|(f, _)| f.strip_prefix(&prefix)).filter(|rest| deep || !rest.contains('/'));
        Some(
            found
                .filter(|rest| [".json", ".yaml", ".yml"].iter().any(|x| rest.ends_with(x)))
                .map(|rest| format!("{shown}{rest}"))
                .collect(),
        )
    }
}

struct Host<'a> {
    sim: &'a mut Sim,
    /// The terminals (the one running this line holds no job meanwhile): a `sleep` that runs
    /// the clock inside the line keeps their jobs polled.
    terms: &'a mut [Term],
    /// The terminals whose port-forward ended while the line ran the clock.
    closed: Vec<usize>,
    loader: Option<&'a Loader>,
    interrupted: bool,
    /// The command about to run reads another's output in a pipeline.
    downstream: bool,
    attach: Option<kubectl::exec::Attach>,
    live: bool,
    /// The words of the line's last command, when nothing after it could wait for it (see
    /// `last_command`): only that command may leave a live job holding the terminal.
    /// The line's last command (or the first of its last pipeline) and the `grep`s it is
    /// piped into.
    last: Option<(Vec<String>, Vec<Vec<String>>)>,
    job: Option<kubectl::Job>,
    /// The `grep`s a held watch is piped into.
    filters: Vec<Vec<String>>,
    /// The port-forwards listening (by terminal), a forward the line opened, and the
    /// forwarded ports it connected to.
    forwards: Vec<(usize, kubectl::exec::PortForward)>,
    new_forward: Option<kubectl::exec::PortForward>,
    hits: Vec<u16>,
    /// The context's namespace while the line runs (a `config set-context` changes it).
    context_ns: String,
}

/// `text` passed through the `grep`s of a pipeline (a held watch's).
fn through_filters(filters: &[Vec<String>], text: &str) -> String {
    let mut text = text.to_string();
    for argv in filters {
        if text.is_empty() {
            break;
        }
        let mut out = Output::default();
        crate::programs::text::run(argv, Some(&text), &|_| None, &mut out);
        text = out.stdout();
    }
    text
}

/// The most a terminal keeps of what its job printed while nobody looked.
// k8s-diff: a real terminal keeps what a watch printed in its scrollback, within the
// terminal's own limit; the lab keeps the newest 1 MiB (whole lines) until the terminal is
// next looked at, so that a watch over a long sleep costs bounded memory.
pub const PENDING_BYTES: usize = 1 << 20;

/// What a terminal keeps of one line's output: its last 16 MiB (the most text one shell value
/// holds), as a terminal's scrollback keeps the end of what scrolled past. A line may print
/// about 128 MiB within its work budget; the page's scrollback keeps far less of it anyway.
pub const LINE_OUTPUT_BYTES: usize = crate::shell::MAX_TEXT;

/// Appends `text` to a terminal's pending output, cutting the oldest whole lines past
/// `PENDING_BYTES`.
fn push_pending(pending: &mut Output, stream: shell::Stream, text: &str) {
    pending.write(stream, text);
    cut_front_lines(&mut pending.chunks, PENDING_BYTES);
}

/// Cuts whole lines from the front of `pieces` (runs of text, each with its stream or style)
/// until they hold at most `limit` bytes; returns how many pieces went whole.
pub(crate) fn cut_front_lines<T>(pieces: &mut Vec<(T, String)>, limit: usize) -> usize {
    let mut total: usize = pieces.iter().map(|(_, s)| s.len()).sum();
    let mut gone = 0;
    while total > limit {
        let Some((_, first)) = pieces.first_mut() else { break };
        let excess = total - limit;
        if first.len() <= excess {
            total -= first.len();
        } else {
            // A newline byte is never inside a character: the cut falls on a boundary.
            let cut =
                first.as_bytes()[excess..].iter().position(|&b| b == b'\n').map_or(first.len(), |i| excess + i + 1);
            total -= cut;
            first.drain(..cut);
            if !first.is_empty() {
                continue;
            }
        }
        pieces.remove(0);
        gone += 1;
    }
    gone
}

/// What a terminal's job prints now (through the `grep`s it is piped into), whether it ended,
/// and whether it was a port-forward (whose ports close then); an ended job gives the terminal
/// back.
fn poll_term(sim: &Sim, term: &mut Term) -> (Output, bool, bool) {
    let mut out = Output::default();
    let Some(job) = term.job.as_mut() else { return (out, false, false) };
    let mut printed = Output::default();
    let ended = job.poll(sim, &mut printed);
    for (stream, text) in printed.chunks {
        let text = if stream == shell::Stream::Stdout { through_filters(&term.filters, &text) } else { text };
        out.write(stream, &text);
    }
    let forward = ended && matches!(term.job, Some(kubectl::Job::PortForward(_)));
    if ended {
        term.job = None;
    }
    (out, ended, forward)
}

/// Lets virtual time run to `end` a virtual minute at a time, or until the work allowance of
/// `Sim::allow_steps` runs out. After each minute every terminal's job reads what happened, as
/// a real kubectl keeps reading its watch (what it prints waits in the terminal's pending
/// output for its next poll), and the watch cache drops what no open watch still needs: a long
/// sleep keeps neither every version of every object nor a watch that fell behind its kind's
/// window. Returns the terminals whose port-forward ended.
fn run_polling(sim: &mut Sim, terms: &mut [Term], end: SimTime) -> Vec<usize> {
    let mut closed = Vec::new();
    let mut paused = None;
    run_polling_within(sim, terms, end, u64::MAX, &mut paused, &mut closed);
    closed
}

/// `run_polling`, stopping part-way once the model's work reaches `stop` (`Sim::work_done`):
/// then `paused` keeps the minute mark it was heading for, and the next call (with `paused`)
/// goes on to it before anything reads, so that the jobs read at the same moments as in one
/// run. True when `end` was reached (or the allowance ran out).
fn run_polling_within(
    sim: &mut Sim,
    terms: &mut [Term],
    end: SimTime,
    stop: u64,
    paused: &mut Option<SimTime>,
    closed: &mut Vec<usize>,
) -> bool {
    loop {
        let next = paused.take().unwrap_or_else(|| sim.now().plus_ms(60_000).min(end));
        if !sim.run_until_within(next, stop) {
            *paused = Some(next);
            return false;
        }
        for (t, term) in terms.iter_mut().enumerate() {
            let (printed, ended, forward) = poll_term(sim, term);
            for (stream, text) in &printed.chunks {
                push_pending(&mut term.pending, *stream, text);
            }
            term.ended |= ended;
            if forward {
                closed.push(t);
            }
        }
        trim_log(sim, terms);
        if next >= end || sim.ran_out().is_some() {
            return true;
        }
    }
}

/// Drops the watch cache no open job of `terms` still needs.
fn trim_log(sim: &mut Sim, terms: &[Term]) {
    let watching: Vec<(crate::sim::Kind, u64)> =
        terms.iter().filter_map(|t| t.job.as_ref()).filter_map(|j| j.cursor()).collect();
    sim.store.trim_log(&watching);
}

/// Where the docs serve their example manifests: `<prefix><path>` is the file
/// `content/en/examples/<path>` of the kubernetes/website repository.
const EXAMPLE_PREFIXES: [&str; 3] = [
    "https://k8s.io/examples/",
    "https://kubernetes.io/examples/",
    "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/",
];

/// Whether `url` is on one of the docs' hosts (which answer an unknown path with 404).
fn on_docs_host(url: &str) -> bool {
    let host = |u: &str| u.split('/').nth(2).map(str::to_ascii_lowercase);
    EXAMPLE_PREFIXES.iter().any(|p| host(p) == host(url))
}

/// The body of a page a lab fetches (`curl`, `kubectl apply -f URL`), kept locally (no network
/// here): the docs' example manifests, `lessons/files/examples/<path>` (see its README).
// k8s-diff: k8s.io answers a redirect to kubernetes.io; curl without -L saves the 301 page.
// The lab serves the file under each name, as `kubectl apply -f` (which follows it) sees it.
fn fetched_page(url: &str) -> Option<&'static str> {
    let path = EXAMPLE_PREFIXES.iter().find_map(|p| url.strip_prefix(p))?;
    macro_rules! examples {
        ($($path:literal),* $(,)?) => {
            match path {
                $($path => Some(include_str!(concat!("../../lessons/files/examples/", $path))),)*
                _ => None,
            }
        };
    }
    examples!(
        "admin/dns/dnsutils.yaml",
        "application/deployment.yaml",
        "application/deployment-scale.yaml",
        "application/deployment-update.yaml",
        "application/mysql/mysql-deployment.yaml",
        "application/mysql/mysql-pv.yaml",
        "application/web/web.yaml",
        "application/web/web-parallel.yaml",
        "controllers/frontend.yaml",
        "controllers/hpa-rs.yaml",
        "controllers/nginx-deployment.yaml",
        "pods/pod-rs.yaml",
        "pods/storage/pv-claim.yaml",
        "pods/storage/pv-pod.yaml",
        "pods/storage/pv-volume.yaml",
        "service/networking/nginx-svc.yaml",
        "service/networking/run-my-nginx.yaml",
    )
}

impl shell::Host for Host<'_> {
    fn run(&mut self, argv: &[String], stdin: Option<&str>, out: &mut Output) -> i32 {
        let mut env = Env::new();
        self.run_with_env(argv, stdin, &mut env, out)
    }

    fn is_dir(&self, env: &Env, path: &str) -> Option<bool> {
        (!env.dirs.is_empty()).then(|| env.is_dir(path))
    }

    fn pipe_stage(&mut self, downstream: bool) {
        self.downstream = downstream;
    }

    fn run_with_env(&mut self, argv: &[String], stdin: Option<&str>, env: &mut Env, out: &mut Output) -> i32 {
        // After a Ctrl-C (or a job that holds the terminal) the line stops; the commands
        // reading from the interrupted one in its pipeline still see what it wrote.
        if self.interrupted && !self.downstream {
            return 130;
        }
        // The Ctrl-C killed them too: their status is the signal's.
        let killed = self.interrupted;
        let code = self.command(argv, stdin, env, out);
        if killed {
            130
        } else {
            code
        }
    }
}

impl Host<'_> {
    /// What a kubectl command left the terminal with.
    fn take_effect(&mut self, effect: kubectl::Effect, env: &mut Env) {
        match effect {
            kubectl::Effect::Interrupted => self.interrupted = true,
            kubectl::Effect::Hold(job) => {
                // The job holds the terminal (a watch until Ctrl-C, a wait until done).
                if matches!(job, kubectl::Job::Watch(_)) {
                    self.filters = self.last.as_ref().map(|(_, f)| f.clone()).unwrap_or_default();
                }
                self.job = Some(job);
                self.interrupted = true;
            }
            kubectl::Effect::Attach(a) => {
                // The terminal now belongs to the container's shell: the rest of this line waits.
                self.attach = Some(a);
                self.interrupted = true;
            }
            kubectl::Effect::Write(files) => {
                for (path, text) in files {
                    let p = env.resolve_path(&path);
                    env.write_file(&p, &text);
                }
            }
            kubectl::Effect::Forward { forward, held } => {
                if held {
                    self.job = Some(kubectl::Job::PortForward(forward.pod.clone()));
                    self.interrupted = true;
                }
                self.new_forward = Some(forward);
            }
            kubectl::Effect::Namespace(ns) => self.context_ns = ns,
        }
    }

    fn command(&mut self, argv: &[String], stdin: Option<&str>, env: &mut Env, out: &mut Output) -> i32 {
        let Some(cmd) = argv.first() else { return 0 };
        match cmd.as_str() {
            "kubectl" | "k" => {
                let files = SessionFiles { env, loader: self.loader };
                let mut ctx = kubectl::Ctx {
                    sim: self.sim,
                    files: &files,
                    stdin,
                    out,
                    live: self.live,
                    last_on_line: self.last.as_ref().is_some_and(|(l, f)| l == argv && (f.is_empty() || watches(argv))),
                    forwarded: self.forwards.iter().flat_map(|(_, f)| f.ports.iter().map(|p| p.0)).collect(),
                    context_ns: self.context_ns.clone(),
                };
                let outcome = kubectl::run(&mut ctx, &argv[1..]);
                if let Some(effect) = outcome.effect {
                    self.take_effect(effect, env);
                }
                outcome.code
            }
            "sleep" => {
                let secs: f64 = argv.get(1).and_then(|s| s.trim_end_matches('s').parse().ok()).unwrap_or(0.0);
                // A lab's sleep lasts at most a day of virtual time (a sleep of years would
                // only make every replay of the journal slow).
                let ms = (secs.clamp(0.0, 86_400.0) * 1000.0) as u64;
                if self.live && self.last.as_ref().is_some_and(|(l, f)| l == argv && f.is_empty()) {
                    // The page's clock passes the time; the terminal is held meanwhile.
                    self.job = Some(kubectl::Job::Sleep(self.sim.now().plus_ms(ms)));
                    self.interrupted = true;
                } else if self.live {
                    // The other terminals' jobs read on while this line sleeps.
                    let closed = run_polling(self.sim, self.terms, self.sim.now().plus_ms(ms));
                    self.forwards.retain(|(o, _)| !closed.contains(o));
                    self.closed.extend(closed);
                } else {
                    self.sim.advance(ms);
                }
                0
            }
            "curl" => {
                let forwards = self
                    .forwards
                    .iter()
                    .flat_map(|(_, f)| f.ports.iter().map(|(l, r)| (*l, f.pod.clone(), *r)))
                    .collect();
                let (code, hits) = curl(self.sim, forwards, argv, env, out);
                self.hits.extend(hits);
                code
            }
            "hostname" => {
                out.out("k8s-m\n");
                0
            }
            "nslookup" => crate::programs::net::nslookup_from_node(self.sim, argv, out),
            "which" => {
                // The programs the lab machine has, where Ubuntu puts them.
                let mut code = 0;
                for p in &argv[1..] {
                    if MACHINE_PROGRAMS.contains(&p.as_str()) {
                        out.out(&format!("/usr/bin/{p}\n"));
                    } else {
                        code = 1;
                    }
                }
                code
            }
            "xargs" => {
                // `xargs [-n N] [-I R] CMD...`: CMD with stdin's words appended (or put for R).
                let mut i = 1;
                let (mut per, mut repl): (Option<usize>, Option<String>) = (None, None);
                while i < argv.len() && argv[i].starts_with('-') {
                    match argv[i].as_str() {
                        "-n" => {
                            per = argv.get(i + 1).and_then(|n| n.parse().ok());
                            i += 1;
                        }
                        "-I" => {
                            repl = argv.get(i + 1).cloned();
                            i += 1;
                        }
                        a if a.starts_with("-n") => per = a[2..].parse().ok(),
                        _ => {}
                    }
                    i += 1;
                }
                let cmd: Vec<String> = if i < argv.len() { argv[i..].to_vec() } else { vec!["echo".into()] };
                let input = stdin.unwrap_or("");
                let mut code = 0;
                let mut runs: Vec<Vec<String>> = Vec::new();
                if let Some(r) = &repl {
                    for line in input.lines().filter(|l| !l.trim().is_empty()) {
                        runs.push(cmd.iter().map(|w| w.replace(r.as_str(), line.trim())).collect());
                    }
                } else {
                    let words: Vec<String> = input.split_whitespace().map(String::from).collect();
                    if words.is_empty() {
                        runs.push(cmd.clone());
                    }
                    for chunk in words.chunks(per.unwrap_or(usize::MAX).max(1)) {
                        let mut a = cmd.clone();
                        a.extend(chunk.iter().cloned());
                        runs.push(a);
                    }
                }
                for a in runs {
                    // xargs runs programs, not the shell's builtins; of those only `echo` is also
                    // a program (/bin/echo) that xargs is given, and it is its default.
                    let c = if a[0] == "echo" {
                        out.out(&format!("{}\n", a[1..].join(" ")));
                        0
                    } else {
                        self.command(&a, None, env, out)
                    };
                    if c != 0 {
                        code = 123;
                    }
                }
                code
            }
            "clear" => 0,
            _ => {
                let mut machine = LabMachine {
                    dirs: MachineDirs(std::mem::take(&mut env.dirs)),
                    loader: self.loader,
                    unix_now: self.sim.unix_at(self.sim.now()),
                };
                let ran = crate::programs::shared::run(&mut machine, argv, stdin, env, out);
                env.dirs = machine.dirs.0;
                ran.unwrap_or_else(|| {
                    out.err(&format!("bash: {cmd}: command not found\n"));
                    127
                })
            }
        }
    }
}

/// The lab machine's directories (`Env::dirs`), lent to the file tools.
struct MachineDirs(crate::support::collections::VecSet<String>);

impl crate::shell::files::Tree for MachineDirs {
    fn dirs(&self) -> &crate::support::collections::VecSet<String> {
        &self.0
    }

    fn make_dir(&mut self, path: &str) -> Result<(), String> {
        self.0.insert(path.to_string());
        Ok(())
    }

    fn remove_dir(&mut self, path: &str, _files: &[String]) {
        crate::shell::files::forget_tree(&mut self.0, path);
    }

    fn removed_file(&mut self, _path: &str) {}
}

/// The lab machine, for the tools it shares with the containers.
struct LabMachine<'a> {
    dirs: MachineDirs,
    loader: Option<&'a Loader>,
    unix_now: i64,
}

impl crate::shell::files::Tree for LabMachine<'_> {
    fn dirs(&self) -> &crate::support::collections::VecSet<String> {
        self.dirs.dirs()
    }

    fn make_dir(&mut self, path: &str) -> Result<(), String> {
        self.dirs.make_dir(path)
    }

    fn remove_dir(&mut self, path: &str, files: &[String]) {
        self.dirs.remove_dir(path, files)
    }

    fn removed_file(&mut self, path: &str) {
        self.dirs.removed_file(path)
    }
}

impl crate::programs::shared::Machine for LabMachine<'_> {
    fn loaded(&self, path: &str) -> Option<String> {
        // A terminal shows bytes that are not UTF-8 as U+FFFD.
        self.loader.and_then(|l| l(path)).map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    fn unix_now(&self) -> i64 {
        self.unix_now
    }
}

/// The lab machine's programs (`which` finds them; Tab completes them).
pub const MACHINE_PROGRAMS: &[&str] = &[
    "kubectl", "cat", "curl", "date", "grep", "head", "ls", "mkdir", "rm", "sleep", "sort", "tail", "touch", "wc",
    "base64", "cut", "tr", "uniq", "seq", "sed", "awk", "xargs", "hostname", "which", "nslookup",
];

/// The lab machine's directories at the start (an Ubuntu server's top levels and root's home).
const MACHINE_DIRS: &[&str] = &[
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/home",
    "/lib",
    "/mnt",
    "/opt",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/srv",
    "/sys",
    "/tmp",
    "/usr",
    "/usr/bin",
    "/usr/local",
    "/usr/local/bin",
    "/usr/share",
    "/var",
    "/var/lib",
    "/var/log",
];

/// `curl [-s] [-O] [-o FILE] URL` against the few pages a lab downloads.
/// Returns the status and the forwarded local ports it connected to.
fn curl(
    sim: &mut Sim,
    forwards: Vec<(u16, crate::sim::ObjKey, u16)>,
    argv: &[String],
    env: &mut Env,
    out: &mut Output,
) -> (i32, Vec<u16>) {
    let mut save_remote = false;
    let mut save_to: Option<String> = None;
    let mut silent = false;
    let mut url = None;
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        if a == "-o" || a == "--output" {
            i += 1;
            save_to = argv.get(i).cloned();
        } else if a.starts_with('-') && !a.starts_with("--") {
            save_remote |= a.contains('O');
            silent |= a.contains('s');
            if a.contains('o') {
                i += 1;
                save_to = argv.get(i).cloned();
            }
        } else if a == "--remote-name" {
            save_remote = true;
        } else if a == "--silent" {
            silent = true;
        } else if !a.starts_with("--") {
            url = Some(a.clone());
        }
        i += 1;
    }
    let Some(url) = url else {
        out.err("curl: try 'curl --help' or 'curl --manual' for more information\n");
        return (2, Vec::new());
    };
    let host = url.split("://").last().unwrap_or(&url).split('/').next().unwrap_or("");
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    if name == "localhost" || (name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok())) {
        // The cluster's addresses, reached from the control-plane node (Calico routes pod IPs,
        // kube-proxy serves cluster IPs and NodePorts); Ubuntu 20.04's curl.
        let node_ip =
            sim.profile.nodes.iter().find(|n| n.role == "control-plane").map(|n| n.ip.clone()).unwrap_or_default();
        let client = crate::programs::net::Client {
            pod: None,
            ip: node_ip.clone(),
            node_ip: Some(node_ip),
            new_curl: false,
            agent: "curl/7.68.0",
            forwards,
            hits: Default::default(),
        };
        let code = crate::programs::net::curl_from(sim, &client, argv, env, out);
        return (code, client.hits.take());
    }
    let Some(body) = fetched_page(&url) else {
        if !silent || argv.iter().any(|a| a == "-S" || a == "--show-error") {
            out.err(&format!("curl: (6) Could not resolve host: {host}\n"));
        }
        return (6, Vec::new());
    };
    if save_remote {
        let name = url.rsplit('/').next().unwrap_or("index.html").to_string();
        env.write_file(&name, body);
    } else if let Some(f) = save_to {
        env.write_file(&f, body);
    } else {
        out.out(body);
    }
    (0, Vec::new())
}

/// The words of a line's final command (after its last `&&`, `||` or `;`), when they can be
/// recognised as typed: no pipes, background jobs, groups, loops, substitutions, expansions or
/// further lines. A live job (a watch, a wait) is allowed only there, where nothing else on the
/// line is left waiting for it.
/// Whether kubectl's arguments ask for a watch (which a `grep` can filter as it runs).
fn watches(argv: &[String]) -> bool {
    matches!(argv.first().map(String::as_str), Some("kubectl" | "k"))
        && argv.iter().any(|a| {
            a == "-w"
                || a == "--watch"
                || a == "--watch-only"
                || (a.starts_with('-') && !a.starts_with("--") && a.contains('w'))
        })
}

fn last_command(line: &str) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    if line.contains(['\n', '`', '$']) {
        return None;
    }
    let words = shell::split_words(line).ok()?;
    if words
        .iter()
        .any(|w| matches!(w.as_str(), "|&" | "&" | "(" | ")" | "{" | "}" | "do" | "done" | "then" | "fi" | "esac"))
    {
        return None;
    }
    let start = words.iter().rposition(|w| matches!(w.as_str(), "&&" | "||" | ";" | ";;")).map_or(0, |i| i + 1);
    // The last pipeline: its first command is the one that may hold the terminal, when what
    // follows it is only `grep`s, which filter a held watch line by line.
    let mut stages = words[start..].split(|w| w == "|").map(<[String]>::to_vec);
    let first = stages.next().filter(|f| !f.is_empty())?;
    let filters: Vec<Vec<String>> = stages.collect();
    if filters.iter().any(|f| f.first().map(String::as_str) != Some("grep")) {
        return None;
    }
    Some((first, filters))
}

impl Session {
    /// A fresh cluster from a config, with one terminal.
    pub fn new(config: SimConfig) -> Session {
        let mut env = Env::new();
        env.dirs = MACHINE_DIRS.iter().map(|d| d.to_string()).collect();
        let mut sim = Sim::new(config);
        sim.programs = Some(std::rc::Rc::new(crate::programs::Runtime));
        Session {
            sim,
            env,
            loader: None,
            live: false,
            terms: vec![Term::default()],
            forwards: Vec::new(),
            context_ns: String::new(),
            paused: None,
        }
    }

    /// Files not in the session's own workspace come from `loader`.
    pub fn with_loader(mut self, loader: Loader) -> Session {
        self.loader = Some(loader);
        self
    }

    /// Puts a file into the session's workspace (an editor tab, a lesson file).
    pub fn write_file(&mut self, path: &str, text: &str) {
        self.env.write_file(path, text);
    }

    /// Terminal `t`'s working directory on the lab machine.
    pub fn cwd_in(&self, t: usize) -> String {
        self.terms
            .get(t)
            .and_then(|t| t.process.as_ref())
            .map_or_else(|| self.env.home().to_string(), |p| p.cwd().to_string())
    }

    fn term(&mut self, t: usize) -> &mut Term {
        if self.terms.len() <= t {
            self.terms.resize_with(t + 1, Term::default);
        }
        &mut self.terms[t]
    }

    /// The prompt terminal 0 shows before the next line.
    pub fn prompt(&self) -> String {
        self.prompt_in(0)
    }

    /// The prompt terminal `t` shows before the next line: the lab machine's, or, when
    /// attached, the one the container's shell prints (netshoot's zsh theme, busybox's `/ # `,
    /// dash's `# `, bash's `root@<pod>:/# `).
    pub fn prompt_in(&self, t: usize) -> String {
        let Some((a, _)) = self.terms.get(t).and_then(|t| t.attached.as_ref()) else {
            let cp = self
                .sim
                .profile
                .nodes
                .iter()
                .find(|n| n.role == "control-plane")
                .map(|n| n.name.as_str())
                .unwrap_or("k8s-m");
            // Ubuntu's PS1 for root, `\u@\h:\w\$ `.
            let dir =
                self.terms.get(t).and_then(|t| t.process.as_ref()).map_or_else(|| "~".to_string(), Env::prompt_dir);
            return format!("root@{cp}:{dir}# ");
        };
        let image = self
            .sim
            .store
            .get(&a.pod)
            .and_then(|p| {
                crate::sim::obj::arr_at(p, "/spec/containers")
                    .iter()
                    .find(|c| crate::sim::obj::str_at(c, "/name") == Some(a.container.as_str()))
                    .and_then(|c| crate::sim::obj::str_at(c, "/image"))
                    .map(String::from)
            })
            .unwrap_or_default();
        let host = self
            .sim
            .store
            .get(&a.pod)
            .and_then(|p| crate::sim::obj::str_at(p, "/spec/hostname").map(String::from))
            .unwrap_or_else(|| a.pod.name.clone());
        match (crate::programs::traits(&image).flavor, a.shell.as_str()) {
            (crate::programs::Flavor::Zsh, "zsh") => format!(" {host}  ~  "),
            (_, "bash") | (crate::programs::Flavor::Zsh, _) => format!("{host}:~# "),
            (crate::programs::Flavor::Busybox, _) => "/ # ".to_string(),
            _ => "# ".to_string(),
        }
    }

    /// The namespace kubectl uses when none is given: the kubeconfig context's, or `default`.
    pub fn namespace(&self) -> &str {
        if self.context_ns.is_empty() {
            "default"
        } else {
            &self.context_ns
        }
    }

    /// Whether terminal 0 is attached to a shell in a container (and which pod).
    pub fn attached_to(&self) -> Option<&crate::sim::ObjKey> {
        self.attached_in(0)
    }

    /// Whether terminal `t` is attached to a shell in a container (and which pod).
    pub fn attached_in(&self, t: usize) -> Option<&crate::sim::ObjKey> {
        self.terms.get(t).and_then(|t| t.attached.as_ref()).map(|(a, _)| &a.pod)
    }

    /// The earliest moment a job ends by itself (a `sleep`), if any.
    pub fn next_deadline(&self) -> Option<SimTime> {
        self.terms
            .iter()
            .filter_map(|t| match &t.job {
                Some(kubectl::Job::Sleep(until)) => Some(*until),
                _ => None,
            })
            .min()
    }

    /// Whether terminal `t` is held by a job (an open watch, a wait).
    pub fn busy(&self, t: usize) -> bool {
        self.terms.get(t).is_some_and(|t| t.job.is_some())
    }

    /// Runs one line in terminal 0; see `run_line_in`.
    pub fn run_line(&mut self, line: &str) -> (Output, i32) {
        self.run_line_in(0, line)
    }

    /// Runs one terminal line in terminal `t`; returns its output and exit status. While
    /// attached to a container's shell, the line runs there; `exit` leaves it (and `run --rm`
    /// deletes the pod). A terminal held by a watch ignores the line, as a real one shows it
    /// without running it.
    pub fn run_line_in(&mut self, t: usize, line: &str) -> (Output, i32) {
        // A line runs after the instant the clock stands in, as it would have run had that
        // instant been handled in one piece (see `Lab::record`).
        self.finish_instant();
        let started = self.sim.now();
        self.sim.allow_steps(Some(LINE_STEPS));
        let (mut out, code) = self.run_line_bounded(t, line);
        if let Some(at) = self.sim.ran_out() {
            out.err(&out_of_steps("line", at.ms().saturating_sub(started.ms())));
        }
        self.sim.allow_steps(None);
        (out, code)
    }

    fn run_line_bounded(&mut self, t: usize, line: &str) -> (Output, i32) {
        let mut out = Output::keeping_last(LINE_OUTPUT_BYTES);
        self.term(t);
        self.trim_log();
        if self.terms[t].job.is_some() {
            return (out, 0);
        }
        if let Some((a, mut env)) = self.terms[t].attached.take() {
            let alive = self
                .sim
                .store
                .get(&a.pod)
                .is_some_and(|p| crate::sim::obj::str_at(p, "/status/phase") == Some("Running"));
            if !alive {
                return self.run_line_bounded(t, line);
            }
            let mut code = crate::programs::run_line(&mut self.sim, &a.pod, &a.container, line, &mut env, &mut out);
            if let Some(status) = env.exit_requested {
                code = self.detach(&a, status, &mut out);
                // What kubectl exited with is the terminal's `$?` now.
                #[allow(clippy::unwrap_or_default)]
                let process = self.terms[t].process.get_or_insert_with(Env::new);
                process.last_status = code;
            } else {
                self.terms[t].attached = Some((a, env));
            }
            return (out, code);
        }
        let last = last_command(line);
        // A login shell (`Env::new`: HOME, PWD, USER), not an empty `Env::default()`.
        #[allow(clippy::unwrap_or_default)]
        let mut process = self.terms[t].process.take().unwrap_or_else(Env::new);
        self.env.swap_process(&mut process);
        let mut host = Host {
            sim: &mut self.sim,
            terms: &mut self.terms,
            closed: Vec::new(),
            loader: self.loader.as_ref(),
            interrupted: false,
            downstream: false,
            attach: None,
            live: self.live,
            last,
            job: None,
            filters: Vec::new(),
            forwards: self.forwards.clone(),
            new_forward: None,
            hits: Vec::new(),
            context_ns: self.context_ns.clone(),
        };
        let code = shell::run_line(line, &mut self.env, &mut host, &mut out);
        let (new_forward, hits) = (host.new_forward.take(), std::mem::take(&mut host.hits));
        let (job, filters, attach) = (host.job.take(), std::mem::take(&mut host.filters), host.attach.take());
        let closed = std::mem::take(&mut host.closed);
        self.context_ns = std::mem::take(&mut host.context_ns);
        self.forwards.retain(|(o, _)| !closed.contains(o));
        self.env.swap_process(&mut process);
        self.terms[t].process = Some(process);
        self.terms[t].filters = filters;
        if let Some(a) = attach {
            let mut env = crate::programs::new_env(&self.sim, &a.pod, &a.container);
            env.dialect = crate::programs::dialect_in(&self.sim, &a.pod, &a.container, &a.shell);
            self.terms[t].attached = Some((a, env));
        }
        self.terms[t].job = job;
        if let Some(f) = new_forward {
            self.forwards.push((t, f));
        }
        // The forward says, in its own terminal, that it took each connection.
        for port in hits {
            if let Some((owner, _)) = self.forwards.iter().find(|(_, f)| f.ports.iter().any(|p| p.0 == port)) {
                let owner = *owner;
                self.term(owner);
                push_pending(
                    &mut self.terms[owner].pending,
                    shell::Stream::Stdout,
                    &format!("Handling connection for {port}\n"),
                );
            }
        }
        // In this terminal (a forward started without holding it), before what the line
        // printed: kubectl writes it as it accepts the connection, outside the line's pipes.
        let mine = std::mem::take(&mut self.terms[t].pending);
        self.terms[t].ended = false;
        out.chunks.splice(0..0, mine.chunks);
        (out, code)
    }

    /// What terminal `t`'s job prints for what happened since it last looked; a job that has
    /// ended (a wait whose objects are gone) gives the terminal back.
    pub fn poll(&mut self, t: usize) -> Output {
        self.poll_ended(t).0
    }

    /// The same, and whether the job ended since the terminal was last looked at (its prompt
    /// is due), here or while nobody looked.
    pub fn poll_ended(&mut self, t: usize) -> (Output, bool) {
        let Some(term) = self.terms.get_mut(t) else { return (Output::default(), false) };
        let mut out = std::mem::take(&mut term.pending);
        let ended_before = std::mem::take(&mut term.ended);
        let (printed, ended) = self.poll_job(t);
        for (stream, text) in printed.chunks {
            out.write(stream, &text);
        }
        self.trim_log();
        (out, ended_before || ended)
    }

    /// What terminal `t`'s job prints now, and whether it ended (see `poll_term`).
    fn poll_job(&mut self, t: usize) -> (Output, bool) {
        let Some(term) = self.terms.get_mut(t) else { return (Output::default(), false) };
        let (out, ended, forward) = poll_term(&self.sim, term);
        if forward {
            // A port-forward that ended closes its ports.
            self.forwards.retain(|(o, _)| *o != t);
        }
        (out, ended)
    }

    /// Ctrl-C in terminal `t`: ends its watch, or leaves the container shell it is attached
    /// to. Returns whether there was anything to end.
    pub fn interrupt(&mut self, t: usize) -> (Output, bool) {
        let mut out = Output::default();
        self.term(t);
        if let Some(job) = self.terms[t].job.take() {
            // Ctrl-C ends a port-forward: its ports close.
            if matches!(job, kubectl::Job::PortForward(_)) {
                self.forwards.retain(|(o, _)| *o != t);
            }
            self.trim_log();
            return (out, true);
        }
        // A real shell in the container would only print a new prompt; the lab lets Ctrl-C
        // leave it, so a learner is never stuck inside a pod (as `exit` does, `run --rm`
        // then deletes the pod).
        if let Some((a, _)) = self.terms[t].attached.take() {
            self.detach(&a, 0, &mut out);
            return (out, true);
        }
        (out, false)
    }

    /// Lets `ms` of virtual time pass (a script's `@sleep`); see `run_until`. It has the work
    /// allowance of a line: beside busy containers it may stop early, and then returns the
    /// lab's words for that.
    pub fn sleep(&mut self, ms: u64) -> Option<String> {
        let started = self.sim.now();
        self.sim.allow_steps(Some(LINE_STEPS));
        self.run_until(started.plus_ms(ms));
        let stopped = self.sim.ran_out().map(|at| out_of_steps("@sleep", at.ms().saturating_sub(started.ms())));
        self.sim.allow_steps(None);
        stopped
    }

    /// Lets virtual time run to `end`, every terminal's job keeping up (see `run_polling`).
    pub fn run_until(&mut self, end: SimTime) {
        self.finish_instant();
        let closed = run_polling(&mut self.sim, &mut self.terms, end);
        self.forwards.retain(|(o, _)| !closed.contains(o));
    }

    /// As `run_until`, but stops part-way, even inside one instant, once the model's work
    /// reaches `stop` (`Sim::work_done`); false then (`mid_instant`), and the next call (or
    /// `finish_instant`) goes on where it stopped, to the end it was given then.
    pub fn run_until_within(&mut self, end: SimTime, stop: u64) -> bool {
        let (mut next, end) = match self.paused.take() {
            Some((next, end)) => (Some(next), end),
            None => (None, end),
        };
        let mut closed = Vec::new();
        let done = run_polling_within(&mut self.sim, &mut self.terms, end, stop, &mut next, &mut closed);
        self.forwards.retain(|(o, _)| !closed.contains(o));
        self.paused = next.map(|n| (n, end));
        done
    }

    /// Whether a run of the clock stopped inside an instant (`run_until_within`): the cluster
    /// is then between two of its controllers' work items, a state no reader should take for
    /// the instant's.
    pub fn mid_instant(&self) -> bool {
        self.paused.is_some()
    }

    /// Ends what a run of the clock left part-way, whatever it costs.
    pub fn finish_instant(&mut self) {
        if let Some((_, end)) = self.paused {
            self.run_until_within(end, u64::MAX);
        }
    }

    /// Drops the watch cache no open watch still needs.
    fn trim_log(&mut self) {
        trim_log(&mut self.sim, &self.terms);
    }

    /// Leaves a container's shell; `kubectl run --rm` then deletes the pod and says so.
    /// The attached shell exited with `status`: what kubectl prints then and exits with. An
    /// exec session reports a failure (`command terminated with exit code N`); a `run -it` shell
    /// was the container's main process, so the container ends with it, and kubectl waits for
    /// the pod as `run.go` does (deleting it first with `--rm`).
    fn detach(&mut self, a: &kubectl::exec::Attach, status: i32, out: &mut Output) -> i32 {
        if !a.main {
            if status != 0 {
                out.err(&format!("command terminated with exit code {status}\n"));
            }
            return status;
        }
        let restart = self
            .sim
            .store
            .get(&a.pod)
            .and_then(|p| crate::sim::obj::str_at(p, "/spec/restartPolicy").map(String::from))
            .unwrap_or_else(|| "Always".into());
        crate::sim::kubelet::main_process_exited(&mut self.sim, &a.pod, status);
        if restart == "Always" {
            out.out(&format!(
                "Session ended, resume using 'kubectl attach {} -c {} -i -t' command when the pod is running\n",
                a.pod.name, a.container
            ));
        } else {
            // Until the pod completes (or the container restarts, for OnFailure).
            let limit = self.sim.now().plus_ms(60_000);
            while !self.sim.store.get(&a.pod).is_some_and(|p| {
                matches!(crate::sim::obj::str_at(p, "/status/phase"), Some("Succeeded" | "Failed"))
                    || crate::sim::obj::arr_at(p, "/status/containerStatuses")
                        .iter()
                        .any(|c| c.pointer("/state/running").is_none())
            }) {
                if !self.sim.step_before(limit) {
                    break;
                }
            }
        }
        if a.remove {
            let files = SessionFiles { env: &self.env, loader: self.loader.as_ref() };
            let mut ctx = kubectl::Ctx {
                sim: &mut self.sim,
                files: &files,
                stdin: None,
                out,
                live: false,
                last_on_line: false,
                forwarded: Vec::new(),
                context_ns: self.context_ns.clone(),
            };
            let argv: Vec<String> =
                ["delete", "pod", a.pod.name.as_str(), "-n", a.pod.ns.as_str()].iter().map(|s| s.to_string()).collect();
            // Its effects are none: a delete on a terminal that is not live holds nothing.
            let _ = kubectl::run(&mut ctx, &argv);
        }
        if restart != "Always" && status != 0 {
            out.err(&format!("pod {}/{} terminated (Error)\n", a.pod.ns, a.pod.name));
            return status;
        }
        0
    }
}

/// How many timers one line (or one `@sleep`) may make the cluster handle: a day's wake-ups of
/// a container that loops every second, with room to spare.
pub const LINE_STEPS: u64 = 100_000;

/// The lab's words for a line or `@sleep` whose allowance of work ran out `after_ms` into it.
fn out_of_steps(what: &str, after_ms: u64) -> String {
    format!(
        "kubelab: {what} stopped waiting after {} of virtual time: it passed the lab's work budget of {LINE_STEPS} steps (a step is a container waking up, a kubelet or volume action)\n",
        crate::support::duration::human_duration_ms(after_ms as i64)
    )
}

#[cfg(test)]
mod tests {
    use super::{push_pending, under_home, Output, PENDING_BYTES};
    use crate::shell::Stream;

    #[test]
    fn pending_output_keeps_the_newest_whole_lines_under_its_cap() {
        let mut p = Output::default();
        // Lines of 10 bytes with a two-byte character, so that a cut by bytes alone could
        // fall inside one.
        let line = "é-------\n";
        for _ in 0..PENDING_BYTES / 10 {
            push_pending(&mut p, Stream::Stdout, line);
        }
        push_pending(&mut p, Stream::Stderr, "error: lost connection to pod\n");
        let total: usize = p.chunks.iter().map(|(_, s)| s.len()).sum();
        assert!(total <= PENDING_BYTES && total > PENDING_BYTES - 10, "{total}");
        assert!(p.stdout().starts_with(line) && p.stdout().ends_with(line));
        assert_eq!(p.stderr(), "error: lost connection to pod\n");
        // A line longer than the cap leaves nothing older.
        push_pending(&mut p, Stream::Stdout, &"x".repeat(PENDING_BYTES + 1));
        assert_eq!(p.text(), "");
    }

    #[test]
    fn only_paths_below_the_home_reach_a_replays_folder() {
        assert_eq!(under_home("/root/web.yaml"), Some("web.yaml"));
        assert_eq!(under_home("/root/lab/web.yaml"), Some("lab/web.yaml"));
        for p in ["/root", "/root/", "/rootkit/x", "/etc/hostname", "/root/../etc/passwd", "/root/a//b", "web.yaml"] {
            assert_eq!(under_home(p), None, "{p}");
        }
    }
}
