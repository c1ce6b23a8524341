//! kubectl over the model: parse a command line, execute it against the `Sim`, print what
//! kubectl prints (reference §5). Output goes to an `Output` as stdout and stderr chunks, in
//! the order kubectl writes them; the return value is kubectl's exit status.
//!
//! Commands that wait (`delete` until objects are gone, `get -w` until the cluster settles)
//! let virtual time pass on the `Sim` while they run.

pub mod apply;
pub mod autoscale;
pub mod args;
pub mod delete;
pub mod describe;
pub mod dryrun;
pub mod edit;
pub mod errors;
pub mod events;
pub mod exec;
pub mod generators;
pub mod get;
pub mod info;
pub mod jsonpath;
pub mod rollout;
pub mod selectfields;
pub mod stages;
pub mod tables;
pub mod template;
pub mod wait;
pub mod yaml;

use crate::sim::Sim;
use crate::support::output::Output;
use errors::Error;

/// Where `-f FILE` reads from.
pub trait Files {
    /// The file's text as kubectl reads a manifest (see [`apply::file_text`]), or kubectl's
    /// error for a missing file.
    fn read(&self, path: &str) -> Result<String, Error>;

    /// The file's bytes as they are (what `--from-file` reads).
    fn read_bytes(&self, path: &str) -> Result<Vec<u8>, Error> {
        self.read(path).map(String::into_bytes)
    }

    /// For a directory, the manifests in it (`.json`, `.yaml`, `.yml`; below it too with
    /// `deep`), named as kubectl names them (`lab/web.yaml`), in order; `None` for anything else.
    fn list_dir(&self, path: &str, deep: bool) -> Option<Vec<String>> {
        let _ = (path, deep);
        None
    }
}

impl<'a> Ctx<'a> {
    /// A context that reads no files, on a terminal that is not live, with nothing after the
    /// command on its line (what unit tests run commands in).
    pub fn plain(sim: &'a mut Sim, out: &'a mut Output) -> Ctx<'a> {
        Ctx {
            sim,
            files: &NoFiles,
            stdin: None,
            out,
            live: false,
            last_on_line: true,
            forwarded: Vec::new(),
            context_ns: String::new(),
        }
    }
}

/// No files at all.
pub struct NoFiles;
impl Files for NoFiles {
    fn read(&self, path: &str) -> Result<String, Error> {
        Err(Error::cli(format!("the path \"{path}\" does not exist")))
    }
}

/// Everything a kubectl invocation works with.
pub struct Ctx<'a> {
    pub sim: &'a mut Sim,
    pub files: &'a dyn Files,
    pub stdin: Option<&'a str>,
    pub out: &'a mut Output,
    /// A live terminal (the page): a watch stays open as `job` instead of running ahead.
    pub live: bool,
    /// Whether nothing follows this command on its line (so a live wait can hold the terminal
    /// without holding back the rest of the line).
    pub last_on_line: bool,
    /// Local ports already forwarded on the lab machine.
    pub forwarded: Vec<u16>,
    /// The kubeconfig context's namespace (empty: none, so `default`).
    pub context_ns: String,
}

/// How a command ended: its exit status, and what it leaves its terminal with besides what
/// it printed. Commands return it; nothing is written back through the [`Ctx`].
#[must_use]
pub struct Outcome {
    pub code: i32,
    pub effect: Option<Effect>,
}

impl From<i32> for Outcome {
    fn from(code: i32) -> Outcome {
        Outcome { code, effect: None }
    }
}

impl Outcome {
    pub fn with(code: i32, effect: Effect) -> Outcome {
        Outcome { code, effect: Some(effect) }
    }
}

/// What a command leaves its terminal with.
pub enum Effect {
    /// It ended the way Ctrl-C ends it (a watch in a replay): the rest of the line is dropped.
    Interrupted,
    /// A job now holds the live terminal (a watch, a wait, a rollout, logs, a delete).
    Hold(Job),
    /// The terminal is attached to an interactive shell in a container (`exec -it`, `run -it`).
    Attach(exec::Attach),
    /// Files written on the lab machine (`kubectl cp POD:PATH FILE`): (path, text).
    Write(Vec<(String, String)>),
    /// A port-forward now listens on the lab machine; `held` when it holds the live terminal.
    Forward { forward: exec::PortForward, held: bool },
    /// The context's namespace changed (`config set-context --current --namespace`).
    Namespace(String),
}

/// Something a live terminal keeps doing after the command returned, as the clock runs.
#[derive(Clone)]
pub enum Job {
    /// `kubectl get -w`: prints each change until Ctrl-C.
    Watch(get::Watch),
    /// `kubectl delete` waiting for its objects to be gone.
    Gone(delete::Gone),
    /// `kubectl rollout status` following a rollout to its end.
    Rollout(rollout::Status),
    /// `sleep`: the terminal is held until this moment.
    Sleep(crate::sim::SimTime),
    /// `kubectl port-forward` to this pod: the terminal is held while it forwards, until Ctrl-C
    /// or the pod goes.
    PortForward(crate::sim::ObjKey),
    /// `kubectl wait` until its objects meet the condition or the timeout.
    Wait(wait::Wait),
    /// `kubectl logs -f`: what the containers write, until they end or Ctrl-C.
    Logs(exec::Follow),
}

impl Job {
    /// Writes what happened since the last poll to `out` (errors to its stderr, as the command
    /// would); true once the job has ended.
    pub fn poll(&mut self, sim: &Sim, out: &mut Output) -> bool {
        match self {
            Job::Watch(w) => {
                let (text, ended) = w.poll(sim);
                out.out(&text);
                ended
            }
            Job::Gone(g) => g.done(sim),
            Job::Sleep(until) => sim.now() >= *until,
            // client-go's ErrLostConnectionToPod once the pod's stream closes.
            Job::PortForward(pod) => {
                let gone = sim.store.get(pod).is_none_or(|p| {
                    crate::sim::obj::is_deleting(p) || crate::sim::obj::str_at(p, "/status/phase") != Some("Running")
                });
                if gone {
                    out.err("error: lost connection to pod\n");
                }
                gone
            }
            Job::Logs(f) => {
                let (text, done) = f.poll(sim);
                out.out(&text);
                done
            }
            Job::Wait(w) => {
                let (text, end) = w.follow(sim);
                out.out(&text);
                if let Some(Err(e)) = &end {
                    out.err(&format!("{e}\n"));
                }
                end.is_some()
            }
            Job::Rollout(r) => {
                let (text, end) = r.follow(sim);
                out.out(&text);
                if let Some(Err(e)) = &end {
                    out.err(&format!("{e}\n"));
                }
                end.is_some()
            }
        }
    }

    /// The kind whose changes this job reads and the resourceVersion it has read up to (a
    /// watch reads the store's watch cache; a wait reads the objects as they are).
    pub fn cursor(&self) -> Option<(crate::sim::Kind, u64)> {
        match self {
            Job::Watch(w) => Some(w.cursor()),
            Job::Rollout(r) => Some(r.cursor()),
            Job::Gone(_) | Job::Sleep(_) | Job::PortForward(_) | Job::Wait(_) | Job::Logs(_) => None,
        }
    }
}

impl Ctx<'_> {
    /// The namespace of `-n`, or the context's (`default`).
    pub fn namespace(&self, a: &args::Args) -> String {
        a.get("namespace").filter(|n| !n.is_empty()).unwrap_or(self.default_namespace()).to_string()
    }
    /// The context's namespace, or `default`.
    pub fn default_namespace(&self) -> &str {
        if self.context_ns.is_empty() {
            "default"
        } else {
            &self.context_ns
        }
    }
    pub fn kubectl_minor(&self) -> u32 {
        self.sim.profile.kubectl_minor()
    }
}

/// kubectl's commands (v1.26), for "Did you mean this?".
const COMMANDS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "alpha",
    "api-resources",
    "api-versions",
    "config",
    "plugin",
    "version",
    "options",
];

/// The commands kubelab models; the rest of [`COMMANDS`] say so.
const MODELLED: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "get",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "describe",
    "logs",
    "exec",
    "cp",
    "apply",
    "patch",
    "label",
    "annotate",
    "version",
    "cluster-info",
    "config",
    "api-resources",
    "events",
    "port-forward",
    "wait",
    "help",
];

/// Runs `kubectl ARGS...` (argv without the leading `kubectl`): the command's three stages.
pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> Outcome {
    let Some((cmd, rest)) = command_word(argv) else { return stages::show(ctx, usage()) };
    match cmd.as_str() {
        "get" => get::run(ctx, &rest),
        "apply" => stages::run(ctx, apply::parse_apply(&rest, apply::Mode::Apply), apply::apply),
        "create" => match generator_word(&rest) {
            Some(at) => stages::run(ctx, generators::parse_create(&rest, at), generators::create),
            None => stages::run(ctx, apply::parse_apply(&rest, apply::Mode::Create), apply::apply),
        },
        "set" => stages::run(ctx, generators::parse_set(&rest), generators::set),
        "expose" => stages::run(ctx, generators::parse_expose(&rest), generators::expose),
        "delete" => stages::run(ctx, delete::parse_delete(&rest), delete::delete),
        "describe" => describe::run(ctx, &rest),
        "scale" => stages::run(ctx, edit::parse_scale(&rest), edit::scale),
        "autoscale" => stages::run(ctx, autoscale::parse_autoscale(&rest), autoscale::autoscale),
        "exec" => stages::run(ctx, exec::parse_exec(&rest), exec::exec),
        "rollout" => stages::run(ctx, rollout::parse_rollout(&rest), rollout::rollout),
        "run" => stages::run(ctx, exec::run::parse_run(&rest), exec::run::run),
        "logs" => stages::run(ctx, exec::logs::parse_logs(&rest), exec::logs::logs),
        "cp" => stages::run(ctx, exec::cp::parse_cp(&rest), exec::cp::cp),
        "patch" => stages::run(ctx, edit::parse_patch(&rest), edit::patch),
        "label" => stages::run(ctx, edit::parse_label(&rest), edit::label),
        "annotate" => stages::run(ctx, edit::parse_annotate(&rest), edit::label),
        "version" => stages::run(ctx, info::parse_version(&rest), info::version),
        "cluster-info" => stages::run(ctx, info::parse_cluster_info(&rest), info::cluster_info),
        "config" => stages::run(ctx, info::parse_config(&rest), info::config),
        "api-resources" => stages::run(ctx, info::parse_api_resources(&rest), info::api_resources),
        "events" => stages::run(ctx, events::parse_events(&rest), events::events),
        "wait" => stages::run(ctx, wait::parse_wait(&rest), wait::wait),
        "port-forward" => {
            stages::run(ctx, exec::port_forward::parse_port_forward(&rest), exec::port_forward::port_forward)
        }
        other => stages::show(ctx, not_a_modelled_command(other)),
    }
}

/// The command word, and the rest of the words with the global flags that came before the
/// command put after its own words (`kubectl -n db rollout status sts/x` is `rollout status
/// sts/x -n db`), before a `--` that starts a container's command.
fn command_word(argv: &[String]) -> Option<(String, Vec<String>)> {
    let mut i = 0;
    while i < argv.len() && argv[i].starts_with('-') {
        let takes = matches!(argv[i].as_str(), "-n" | "--namespace" | "--context" | "--kubeconfig");
        i += if takes { 2 } else { 1 };
    }
    let cmd = argv.get(i).cloned()?;
    let mut rest: Vec<String> = argv[i + 1..].to_vec();
    let at = rest.iter().position(|a| a == "--").unwrap_or(rest.len());
    rest.splice(at..at, argv[..i.min(argv.len())].iter().cloned());
    Some((cmd, rest))
}

/// `kubectl` alone, or `kubectl help`.
#[inline(never)]
fn usage() -> stages::Report {
    let mut r = stages::Report::default();
    r.line(USAGE);
    r
}

/// What kubectl says of a command word the lab does not run.
#[inline(never)]
fn not_a_modelled_command(word: &str) -> stages::Report {
    let e = match word {
        "help" | "--help" | "-h" => return usage(),
        // kubeadm installs no metrics-server: the Metrics API is not there.
        "top" => Error::cli("Metrics API not available"),
        other if COMMANDS.contains(&other) && !MODELLED.contains(&other) => {
            Error::cli(format!("kubelab does not model `kubectl {other}` yet"))
        }
        other => {
            // kubectl silences cobra's own error printing (`RunNoErrOutput`): no "Run 'kubectl
            // --help' for usage." line, only `CheckErr`'s.
            let mut msg = format!("unknown command \"{other}\" for \"kubectl\"");
            if let Some(s) = suggest(other, COMMANDS) {
                msg.push_str(&format!("\n\nDid you mean this?\n\t{s}"));
            }
            Error::cli(msg)
        }
    };
    stages::Report::failure(e)
}

/// Where `deployment` (or `deploy`) names `kubectl create`'s generator, not a flag's value.
fn generator_word(argv: &[String]) -> Option<usize> {
    let takes_value = |f: &str| {
        matches!(
            f,
            "-n" | "--namespace"
                | "-o"
                | "--output"
                | "-f"
                | "--filename"
                | "--image"
                | "-r"
                | "--replicas"
                | "--port"
                | "--dry-run"
                | "--context"
                | "--kubeconfig"
                | "--from-literal"
                | "--from-file"
                | "--type"
        )
    };
    let first =
        argv.iter().enumerate().position(|(i, w)| !w.starts_with('-') && (i == 0 || !takes_value(&argv[i - 1])))?;
    matches!(argv[first].as_str(), "deployment" | "deploy" | "configmap" | "cm" | "secret" | "service" | "svc")
        .then_some(first)
}

/// The closest known word (Levenshtein distance ≤ 2), as cobra suggests.
pub fn suggest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (crate::manifest::schema::edit_distance(word, k), *k))
        .filter(|(d, k)| *d <= 2 || k.starts_with(word))
        .min()
        .map(|(_, k)| k)
}

pub const USAGE: &str = "kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  run             Run a particular image on the cluster
  set             Set specific features on objects

Basic Commands (Intermediate):
  get             Display one or many resources
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller
  autoscale       Auto-scale a deployment, replica set, stateful set, or replication controller

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  exec            Execute a command in a container

Advanced Commands:
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource

Other Commands:
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]

Use \"kubectl <command> --help\" for more information about a given command.";
