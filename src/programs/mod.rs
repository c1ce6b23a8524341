//! Programs inside containers: `kubectl exec` runs a command line in a container's view of the
//! files (its image, its layer, its volumes), with the tools its image has (`hostname`, `cat`,
//! `ls`, `curl`, `nslookup`, ...). Files written under a PVC mount land on the PV and outlive
//! the pod; anything else lives in the container's layer.

pub mod shared;
pub mod text;

pub mod apps;
pub mod net;
pub mod probe;
pub mod tools;

use crate::shell::{self, Dialect, Env, Output};
use crate::sim::fs::View;
use crate::sim::kubelet::LOG_MAX_SIZE;
use crate::sim::{obj, Launch, ObjKey, Ran, Sim};
use crate::support::collections::{VecMap, VecSet};
use serde_json::Value;

/// The lab's container runtime: what the kubelet and `kubectl exec` reach through
/// [`crate::sim::Programs`].
pub struct Runtime;

impl crate::sim::Programs for Runtime {
    fn run(&self, sim: &mut Sim, pod: &ObjKey, container: &str, launch: Launch<'_>) -> Option<Ran> {
        main_process(sim, pod, container, launch)
    }

    fn probe(&self, sim: &mut Sim, pod: &ObjKey, container: &str, probe: &Value, kind: &str) -> Result<(), String> {
        probe::run(sim, pod, container, probe, kind)
    }

    fn has_program(&self, sim: &Sim, pod: &ObjKey, container: &str, argv0: &str) -> bool {
        let image = sim
            .store
            .get(pod)
            .and_then(|p| obj::container(p, container).and_then(|c| obj::str_at(c, "/image")))
            .unwrap_or("");
        has_program(&traits(image), argv0)
    }

    fn exec(
        &self,
        sim: &mut Sim,
        pod: &ObjKey,
        container: &str,
        argv: &[String],
        stdin: Option<&str>,
        out: &mut Output,
    ) -> i32 {
        exec(sim, pod, container, argv, stdin, out)
    }

    fn gnu_tools(&self, sim: &Sim, pod: &ObjKey, container: &str) -> bool {
        // Debian images (dash) carry GNU's tools; busybox and Alpine images busybox's.
        dialect_in(sim, pod, container, "sh") == Dialect::Dash
    }
}

/// Whether an image with these traits has the program `cmd` (a name or a path).
pub fn has_program(t: &ImageTraits, cmd: &str) -> bool {
    let cmd = cmd.rsplit('/').next().unwrap_or(cmd);
    match cmd {
        "curl" => t.has_curl,
        // busybox's applet, in busybox and Alpine images.
        "wget" => matches!(t.flavor, Flavor::Busybox | Flavor::Zsh),
        "nslookup" => t.nslookup.is_some(),
        "dig" | "host" => t.has_dig,
        "zsh" => t.flavor == Flavor::Zsh,
        "bash" => t.flavor != Flavor::Busybox || t.bash,
        _ => tools::BASIC.contains(&cmd) || t.clients.contains(&cmd),
    }
}

/// Which shell an image's `sh` is, for its error texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// Debian's dash (`sh: 1: foo: not found`).
    Dash,
    /// busybox ash (`sh: foo: not found`).
    Busybox,
    /// bash (`bash: foo: command not found`).
    Bash,
    /// zsh (`zsh: command not found: foo`).
    Zsh,
}

/// What the tools of an image behave like.
#[derive(Clone, Debug)]
pub struct ImageTraits {
    pub flavor: Flavor,
    /// `nslookup` is BIND's (netshoot, dnsutils) or busybox's; busybox before 1.29 is the old applet.
    pub nslookup: Option<&'static str>,
    pub has_curl: bool,
    pub has_dig: bool,
    /// Serves `/usr/share/nginx/html` on port 80.
    pub nginx: Option<String>,
    /// curl 8 prints `after N ms: Couldn't connect to server`.
    pub new_curl: bool,
    /// The database clients the image ships (`psql`, `redis-cli`), which the lab does not run.
    pub clients: &'static [&'static str],
    /// A busybox or Alpine image that has bash besides its `sh`.
    pub bash: bool,
}

/// A row of [`TUTORIAL_TOOLS`]: the repository's end, its `sh`, its `nslookup`, its curl
/// (`Some(new)`), and whether it has bash besides its `sh`.
type ToolsRow = (&'static str, Flavor, Option<&'static str>, Option<bool>, bool);

/// The tools of the tutorials' images, by repository (`dig` comes with BIND's `nslookup`).
const TUTORIAL_TOOLS: &[ToolsRow] = &[
    // Alpine with bind-tools, curl and bash (test/images/agnhost/Dockerfile).
    ("e2e-test-images/agnhost", Flavor::Busybox, Some("bind"), Some(true), true),
    // Debian jessie with dnsutils (BIND's nslookup, dig, host).
    ("e2e-test-images/jessie-dnsutils", Flavor::Dash, Some("bind"), None, true),
    // busybox 1.22 and curl 7 (the docs' `nslookup` answers in busybox's old form).
    ("radial/busyboxplus", Flavor::Busybox, Some("busybox-old"), Some(false), false),
    // busybox 1.24: the old nslookup (the docs' Service debugging page).
    ("google-containers/busybox", Flavor::Busybox, Some("busybox-old"), None, false),
    ("google_containers/busybox", Flavor::Busybox, Some("busybox-old"), None, false),
    // k8s-diff: hello-app's and gb-frontend's tools are not modelled (hello-app's image has
    // been Alpine, and is distroless now); they get the Debian set below.
    // FROM busybox (test/images/serve_hostname/Dockerfile).
    ("/serve_hostname", Flavor::Busybox, Some("busybox-old"), None, false),
];

/// The traits of an image reference.
pub fn traits(image: &str) -> ImageTraits {
    let full = crate::sim::images::normalize(image).unwrap_or_default();
    let tag = full.rsplit(':').next().unwrap_or("latest").to_string();
    let repo = crate::sim::images::split(&full).0;
    if let Some(&(_, flavor, nslookup, curl, bash)) = TUTORIAL_TOOLS.iter().find(|t| repo.ends_with(t.0)) {
        return ImageTraits {
            flavor,
            nslookup,
            has_curl: curl.is_some(),
            has_dig: nslookup == Some("bind"),
            nginx: None,
            new_curl: curl == Some(true),
            clients: &[],
            bash,
        };
    }
    if full.contains("/netshoot") {
        return ImageTraits {
            flavor: Flavor::Zsh,
            nslookup: Some("bind"),
            has_curl: true,
            has_dig: true,
            nginx: None,
            new_curl: true,
            clients: &[],
            bash: false,
        };
    }
    if full.contains("/busybox") {
        let old =
            tag.split('.').nth(1).and_then(|m| m.parse::<u32>().ok()).is_some_and(|m| m <= 28) && tag.starts_with("1.");
        return ImageTraits {
            flavor: Flavor::Busybox,
            nslookup: Some(if old { "busybox-old" } else { "busybox" }),
            has_curl: false,
            has_dig: false,
            nginx: None,
            new_curl: false,
            clients: &[],
            bash: false,
        };
    }
    if full.contains("/alpine") {
        return ImageTraits {
            flavor: Flavor::Busybox,
            nslookup: Some("busybox"),
            has_curl: false,
            has_dig: false,
            nginx: None,
            new_curl: false,
            clients: &[],
            bash: false,
        };
    }
    if full.contains("/nginx-slim") {
        return ImageTraits {
            flavor: Flavor::Dash,
            nslookup: None,
            has_curl: true,
            has_dig: false,
            nginx: Some("nginx/1.11.1".into()),
            new_curl: false,
            clients: &[],
            bash: false,
        };
    }
    if full.contains("/nginx:") {
        let v = if tag.starts_with("1.") {
            format!("nginx/{}", tag.split('-').next().unwrap_or(&tag))
        } else {
            "nginx/1.25.3".into()
        };
        return ImageTraits {
            flavor: Flavor::Dash,
            nslookup: None,
            has_curl: true,
            has_dig: false,
            nginx: Some(v),
            new_curl: true,
            clients: &[],
            bash: false,
        };
    }
    // k8s-diff: any other image (the databases', a learner's own) gets Debian's shell and the
    // basic tools.
    ImageTraits {
        flavor: Flavor::Dash,
        nslookup: None,
        has_curl: false,
        has_dig: false,
        nginx: None,
        new_curl: false,
        clients: probe::database_clients(image),
        bash: false,
    }
}

/// A container, as the shell's host.
pub struct PodHost<'a> {
    pub sim: &'a mut Sim,
    pub pod: ObjKey,
    pub container: String,
    pub view: View,
    pub traits: ImageTraits,
    pub dirs: VecSet<String>,
    pub removed: VecSet<String>,
}

impl PodHost<'_> {
    /// The running shell's words (bash in a Debian image says it as bash, not as its `sh`).
    fn not_found(&self, dialect: shell::Dialect, cmd: &str, out: &mut Output) -> i32 {
        let msg = match dialect {
            shell::Dialect::Dash => format!("sh: 1: {cmd}: not found\n"),
            shell::Dialect::Ash => format!("sh: {cmd}: not found\n"),
            shell::Dialect::Bash => format!("bash: {cmd}: command not found\n"),
            shell::Dialect::Zsh => format!("zsh: command not found: {cmd}\n"),
        };
        out.err(&msg);
        127
    }

    /// Whether the program exists in the image at all.
    pub fn has_program(&self, cmd: &str) -> bool {
        has_program(&self.traits, cmd)
    }
}

/// The container's directories: its image's and volumes' (`view`), and those made meanwhile.
impl shared::Machine for PodHost<'_> {
    fn unix_now(&self) -> i64 {
        self.sim.unix_at(self.sim.now())
    }
}

impl shell::files::Tree for PodHost<'_> {
    fn dirs(&self) -> &VecSet<String> {
        &self.dirs
    }

    fn busybox(&self) -> bool {
        self.traits.flavor == Flavor::Busybox
    }

    fn make_dir(&mut self, path: &str) -> Result<(), String> {
        self.dirs.insert(path.to_string());
        self.view.mkdir(&mut self.sim.fs, path)
    }

    fn remove_dir(&mut self, path: &str, files: &[String]) {
        for f in files {
            self.removed.insert(f.clone());
        }
        shell::files::forget_tree(&mut self.dirs, path);
        self.removed.insert(path.to_string());
    }

    fn removed_file(&mut self, path: &str) {
        self.removed.insert(path.to_string());
    }
}

impl shell::Host for PodHost<'_> {
    fn run(&mut self, argv: &[String], stdin: Option<&str>, out: &mut Output) -> i32 {
        let mut env = Env::new();
        self.run_with_env(argv, stdin, &mut env, out)
    }

    fn slept(&self) -> u64 {
        self.sim.process_sleep.unwrap_or(0)
    }

    fn is_dir(&self, env: &Env, path: &str) -> Option<bool> {
        Some(env.is_dir_among(&self.dirs, path))
    }

    fn run_with_env(&mut self, argv: &[String], stdin: Option<&str>, env: &mut Env, out: &mut Output) -> i32 {
        let Some(cmd) = argv.first() else { return 0 };
        let name = cmd.rsplit('/').next().unwrap_or(cmd).to_string();
        if !self.has_program(&name) {
            return self.not_found(env.dialect, &name, out);
        }
        match name.as_str() {
            "sh" | "bash" | "ash" | "dash" | "zsh" => {
                if argv.get(1).map(String::as_str) == Some("-c") {
                    let script = argv.get(2).cloned().unwrap_or_default();
                    let from = out.chunks.len();
                    let outer = std::mem::replace(&mut env.dialect, dialect(&self.traits, &name));
                    let code = shell::run_line(&script, env, self, out);
                    reword_syntax_errors(env.dialect, out, from);
                    env.dialect = outer;
                    code
                } else {
                    0
                }
            }
            "curl" => net::curl(self, argv, env, out),
            "wget" => net::wget(self, argv, env, out),
            "nslookup" => net::nslookup(self, argv, out),
            "dig" => net::dig(self, argv, out),
            "host" => net::host(self, argv, out),
            _ => tools::run(self, &name, argv, stdin, env, out),
        }
    }
}

/// The environment a container starts with.
fn container_env(sim: &Sim, pod: &serde_json::Value, container: &str) -> VecMap<String, String> {
    let mut vars = VecMap::new();
    let hostname = obj::str_at(pod, "/spec/hostname").unwrap_or(obj::name(pod)).to_string();
    vars.insert("HOSTNAME".to_string(), hostname);
    vars.insert("HOME".to_string(), "/root".to_string());
    vars.insert("PATH".to_string(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string());
    // What the kubelet gave the container (a container runs only once it could be given).
    for (k, v) in crate::sim::kubelet::environment(sim, pod, container).unwrap_or_default() {
        vars.insert(k, v);
    }
    vars
}

/// Single-quotes a word for the shell.
pub fn quote(w: &str) -> String {
    if !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c)) {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

/// Runs `f` with the container's files loaded into `env`, then writes what changed back
/// where each path lives: a volume (which may outlive the pod) or the container's layer.
fn in_container(
    sim: &mut Sim,
    key: &ObjKey,
    container: &str,
    env: &mut Env,
    out: &mut Output,
    f: impl FnOnce(&mut PodHost<'_>, &mut Env, &mut Output) -> i32,
) -> i32 {
    let Some(pod) = sim.store.get(key) else { return 1 };
    let image = obj::container(pod, container).and_then(|c| obj::str_at(c, "/image")).unwrap_or("").to_string();
    let Some(view) = sim.fs_view(key, container) else { return 1 };
    let before = view.all_files(&sim.fs);
    for (p, c) in &before {
        env.write_file(p, c);
    }
    let dirs = view.all_dirs(&sim.fs);
    let mut host = PodHost {
        sim,
        pod: key.clone(),
        container: container.to_string(),
        view,
        traits: traits(&image),
        dirs,
        removed: VecSet::new(),
    };
    let code = f(&mut host, env, out);
    let after: VecMap<String, String> = env.files().map(|(p, c)| (p.to_string(), c.to_string())).collect();
    for (p, c) in &after {
        if before.get(p) != Some(c) {
            if let Err(e) = host.view.write(&mut host.sim.fs, p, c) {
                out.err(&format!("sh: 1: cannot create {p}: {e}\n"));
            }
        }
    }
    for p in &host.removed {
        let _ = host.view.remove(&mut host.sim.fs, p);
    }
    code
}

/// Whose words the errors of `program` (a shell) in an image with `traits` are in.
pub fn dialect(traits: &ImageTraits, program: &str) -> Dialect {
    match (program, traits.flavor) {
        ("bash", _) | (_, Flavor::Bash) => Dialect::Bash,
        ("zsh", _) => Dialect::Zsh,
        (_, Flavor::Dash) => Dialect::Dash,
        // Alpine's (netshoot's) `sh` is busybox's ash, as busybox's is.
        (_, Flavor::Busybox | Flavor::Zsh) => Dialect::Ash,
    }
}

/// [`dialect`] of `program` run in container `container` of pod `key`.
pub fn dialect_in(sim: &Sim, key: &ObjKey, container: &str, program: &str) -> Dialect {
    let image = sim
        .store
        .get(key)
        .and_then(|pod| obj::container(pod, container).and_then(|c| obj::str_at(c, "/image")))
        .unwrap_or("");
    dialect(&traits(image), program.rsplit('/').next().unwrap_or(program))
}

/// The shell's syntax errors (worded as bash words them) in the words of the running shell.
fn reword_syntax_errors(dialect: Dialect, out: &mut Output, from: usize) {
    let flavor = match dialect {
        Dialect::Bash => return,
        Dialect::Dash => Flavor::Dash,
        Dialect::Ash => Flavor::Busybox,
        Dialect::Zsh => Flavor::Zsh,
    };
    for (stream, text) in out.chunks.iter_mut().skip(from) {
        if *stream != shell::Stream::Stderr {
            continue;
        }
        let mut lines = Vec::new();
        for l in text.lines() {
            let Some(msg) = l.strip_prefix("bash: ") else {
                lines.push(l.to_string());
                continue;
            };
            let token = msg.strip_prefix("syntax error near unexpected token `").and_then(|t| t.strip_suffix('\''));
            let unterminated = msg.starts_with("unexpected EOF while looking for matching");
            let eof = msg == "syntax error: unexpected end of file";
            let reworded = match (flavor, token, unterminated, eof) {
                (Flavor::Dash, Some(t), _, _) => format!("sh: 1: Syntax error: \"{t}\" unexpected"),
                (Flavor::Dash, _, true, _) => "sh: 1: Syntax error: Unterminated quoted string".to_string(),
                (Flavor::Dash, _, _, true) => "sh: 1: Syntax error: end of file unexpected".to_string(),
                (Flavor::Busybox, Some(t), _, _) => format!("sh: syntax error: unexpected \"{t}\""),
                (Flavor::Busybox, _, true, _) => "sh: syntax error: unterminated quoted string".to_string(),
                (Flavor::Busybox, _, _, true) => "sh: syntax error: unexpected end of file".to_string(),
                (Flavor::Zsh, Some(t), _, _) => format!("zsh: parse error near `{t}'"),
                (Flavor::Zsh, _, true, _) => "zsh: unmatched '".to_string(),
                (Flavor::Zsh, _, _, true) => "zsh: parse error near `\\n'".to_string(),
                _ => l.to_string(),
            };
            lines.push(reworded);
        }
        let ends = text.ends_with('\n');
        *text = lines.join("\n");
        if ends {
            text.push('\n');
        }
    }
}

/// A line typed into an interactive shell in the container (`kubectl exec -it POD -- sh`).
pub fn run_line(sim: &mut Sim, key: &ObjKey, container: &str, line: &str, env: &mut Env, out: &mut Output) -> i32 {
    in_container(sim, key, container, env, out, |host, env, out| {
        let from = out.chunks.len();
        let code = shell::run_line(line, env, host, out);
        reword_syntax_errors(env.dialect, out, from);
        code
    })
}

/// A container's main process between its steps: its script and its shell's variables.
#[derive(Clone, Debug)]
pub struct Process {
    script: shell::resume::Script,
    env: Env,
}

/// Runs a container's main process ([`crate::sim::Programs::run`]): from its start, or
/// on from where it paused. It runs until it ends or sleeps ([`shell::resume`]); its output
/// is the container's log (of which a step keeps what the kubelet's rotation would keep at most:
/// a loop that prints without sleeping holds 20 MiB, not all it printed). `None` for a program the image lacks (the container would not
/// start; the kubelet's guess stands).
pub fn main_process(sim: &mut Sim, key: &ObjKey, container: &str, launch: Launch<'_>) -> Option<Ran> {
    let (mut process, mut out) = match launch {
        Launch::Start(argv) => {
            let image = sim.store.get(key).and_then(|pod| {
                obj::container(pod, container).and_then(|c| obj::str_at(c, "/image")).map(String::from)
            })?;
            let program = argv.first()?;
            let name = program.rsplit('/').next().unwrap_or(program);
            if !has_program(&traits(&image), name) {
                return None;
            }
            let mut env = new_env(sim, key, container);
            // `sh -c SCRIPT`: the shell runs the script itself, a step at a time; any other
            // command runs as its words.
            let script = if ["sh", "bash", "ash", "dash", "zsh"].contains(&name)
                && argv.get(1).is_some_and(|a| a == "-c")
                && argv.len() >= 3
            {
                env.dialect = dialect(&traits(&image), name);
                argv[2].clone()
            } else {
                argv.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
            };
            let mut out = Output::keeping_last(LOG_MAX_SIZE);
            match shell::resume::Script::new(&script) {
                Ok(script) => (Process { script, env }, out),
                Err(e) => {
                    out.err(&format!("{e}\n"));
                    return Some(Ran::Done { lines: lines_of(&out), code: 2, slept: 0 });
                }
            }
        }
        Launch::Resume(state) => (state.downcast_ref::<Process>()?.clone(), Output::keeping_last(LOG_MAX_SIZE)),
    };
    let mut step = shell::resume::Step::Done(0);
    let Process { script, env } = &mut process;
    env.clear_files();
    in_container(sim, key, container, env, &mut out, |host, env, out| {
        step = script.step(env, host, out);
        0
    });
    let slept = sim.process_sleep.unwrap_or(0);
    let lines = lines_of(&out);
    Some(match step {
        shell::resume::Step::Done(code) => Ran::Done { lines, code, slept },
        // A busy loop that did not sleep goes on a second later.
        shell::resume::Step::Paused => {
            Ran::Waiting { lines, after_ms: if slept == 0 { 1_000 } else { slept }, state: std::rc::Rc::new(process) }
        }
    })
}

fn lines_of(out: &Output) -> Vec<String> {
    out.text().lines().map(String::from).collect()
}

/// A fresh shell environment for container `container` of `key`.
/// The shell starts in the container's working directory (`workingDir`, else the image's
/// `WORKDIR`); the runtime sets no `USER`.
pub fn new_env(sim: &Sim, key: &ObjKey, container: &str) -> Env {
    let mut env = Env::new();
    env.unset_var("USER");
    if let Some(pod) = sim.store.get(key) {
        for (k, v) in container_env(sim, pod, container) {
            env.set_var(&k, &v);
            env.exported.insert(k);
        }
        let c = obj::container(pod, container);
        let image = c.and_then(|c| obj::str_at(c, "/image")).unwrap_or("");
        let dir = c.and_then(|c| obj::str_at(c, "/workingDir")).unwrap_or_else(|| crate::sim::fs::image_workdir(image));
        env.set_var("PWD", dir);
    }
    env
}

/// Runs `argv` in container `container` of pod `key` (the caller checked it is running).
/// Returns the command's exit status; the output goes to `out`.
pub fn exec(
    sim: &mut Sim,
    key: &ObjKey,
    container: &str,
    argv: &[String],
    stdin: Option<&str>,
    out: &mut Output,
) -> i32 {
    let mut env = new_env(sim, key, container);
    // The command runs as its words quoted: builtins (echo, printf) are the shell's own.
    let line = argv.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ");
    in_container(sim, key, container, &mut env, out, |host, env, out| match stdin {
        Some(input) if !input.is_empty() => shell::Host::run_with_env(host, argv, Some(input), env, out),
        _ => shell::run_line(&line, env, host, out),
    })
}
