//! What the official images' entrypoints do before their server runs, when a container uses the
//! image's entrypoint (no `command` of its own): nginx's configuration scripts, and the
//! database images' checks of their environment and data directory (docker-library's
//! `docker-entrypoint.sh` for mysql, postgres and mongo). A MySQL or PostgreSQL container
//! started on an empty data directory without a password prints the script's error and exits 1,
//! and the kubelet restarts it into CrashLoopBackOff; a database initialized once on a
//! PersistentVolume is found there by the next pod.

use super::fs::View;
use super::{images, kubelet, obj, ObjKey, Sim};
use crate::support::collections::VecMap;
use serde_json::Value;

/// How a container's entrypoint starts.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Start {
    /// What it prints, stdout and stderr interleaved as the container's log holds them.
    pub lines: Vec<String>,
    /// `Some(code)`: it exits with `code` instead of running its server.
    pub exit: Option<i32>,
    /// The entrypoint runs the image's server (with the container's `args` as the server's
    /// flags): the container keeps running unless `exit` says otherwise.
    pub server: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Db {
    Mysql,
    Postgres,
    Mongo,
}

/// Runs container `c`'s entrypoint at its start: its output, its exit, and the files it
/// creates in the data directory.
pub fn start(sim: &mut Sim, key: &ObjKey, c: &Value) -> Start {
    if let Some(app) = app(c) {
        if app == App::Unknown {
            return agnhost_refuses(c);
        }
        return Start { lines: app.start_lines(sim.unix_at(sim.now())), exit: None, server: true };
    }
    if !obj::arr_at(c, "/command").is_empty() {
        return Start::default();
    }
    let image = obj::str_at(c, "/image").unwrap_or("");
    let full = images::normalize(image).unwrap_or_default();
    let (repo, tag) = images::split(&full);
    let args: Vec<&str> = obj::arr_at(c, "/args").iter().filter_map(Value::as_str).collect();
    let unix = sim.unix_at(sim.now());
    let db = match repo {
        "docker.io/library/nginx" => return nginx(&args, unix),
        "registry.k8s.io/coredns/coredns" => {
            return Start { lines: super::dns::coredns_log(sim, key, tag), exit: None, server: true }
        }
        "docker.io/library/mysql" => Db::Mysql,
        "docker.io/library/postgres" => Db::Postgres,
        "docker.io/library/mongo" => Db::Mongo,
        _ => return Start::default(),
    };
    if !db.runs_server(&args) {
        return Start::default();
    }
    let name = obj::str_at(c, "/name").unwrap_or("");
    let Some(script) = Script::read(sim, key, name, unix, tag) else {
        return Start { server: true, ..Start::default() };
    };
    match db {
        Db::Mysql => mysql(sim, &script),
        Db::Postgres => postgres(sim, &script),
        Db::Mongo => mongo(&script),
    }
}

/// nginx's entrypoint: its configuration scripts' output when it runs nginx (no args, or
/// `nginx`/`nginx-debug` first), nothing when it runs another program.
fn nginx(args: &[&str], unix: i64) -> Start {
    if !args.first().is_none_or(|a| *a == "nginx" || *a == "nginx-debug") {
        return Start::default();
    }
    Start { lines: nginx_lines(unix), exit: None, server: true }
}

impl Db {
    /// Whether the script runs the server: its "$1" is the image's CMD without args, and a flag
    /// first means the server with flags.
    fn runs_server(self, args: &[&str]) -> bool {
        let server = match self {
            Db::Mysql => "mysqld",
            Db::Postgres => "postgres",
            Db::Mongo => "mongod",
        };
        let first = args.first().copied().unwrap_or(server);
        first.starts_with('-') || first == server
    }
}

/// What a database image's entrypoint script reads: the container's environment and files,
/// the time and the image's tag.
struct Script<'a> {
    env: VecMap<String, String>,
    view: View,
    unix: i64,
    tag: &'a str,
}

impl<'a> Script<'a> {
    /// Container `name` of pod `key` as its script sees it; None without the pod or its files.
    fn read(sim: &Sim, key: &ObjKey, name: &str, unix: i64, tag: &'a str) -> Option<Self> {
        let pod = sim.store.get(key)?;
        let env = kubelet::environment(sim, pod, name).unwrap_or_default();
        let view = sim.fs_view(key, name)?;
        Some(Script { env, view, unix, tag })
    }

    /// `file_env`: VAR, or VAR_FILE naming a file that holds it; the script tests `-z`.
    fn set(&self, k: &str) -> bool {
        let env = &self.env;
        env.get(k).is_some_and(|v| !v.is_empty()) || env.get(&format!("{k}_FILE")).is_some_and(|v| !v.is_empty())
    }

    /// Variable `k`'s value, empty when unset.
    fn var(&self, k: &str) -> String {
        self.env.get(k).cloned().unwrap_or_default()
    }
}

/// The error mysql's script gives on an empty data directory without a password option.
const MYSQL_NO_PASSWORD: [&str; 5] = [
    "Database is uninitialized and password option is not specified",
    "    You need to specify one of the following as an environment variable:",
    "    - MYSQL_ROOT_PASSWORD",
    "    - MYSQL_ALLOW_EMPTY_PASSWORD",
    "    - MYSQL_RANDOM_ROOT_PASSWORD",
];

/// The error postgres's script gives on an empty PGDATA without a superuser password.
const POSTGRES_NO_PASSWORD: [&str; 9] = [
    "Error: Database is uninitialized and superuser password is not specified.",
    "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
    "       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".",
    "",
    "       You may also use \"POSTGRES_HOST_AUTH_METHOD=trust\" to allow all",
    "       connections without a password. This is *not* recommended.",
    "",
    "       See PostgreSQL documentation about \"trust\":",
    "       https://www.postgresql.org/docs/current/auth-trust.html",
];

/// mysql's data directory.
const MYSQL_DATADIR: &str = "/var/lib/mysql";

/// mysql's entrypoint: its start notes; on an empty data directory its check of the password
/// variables, then the initialization and the schemas' directories it creates.
fn mysql(sim: &mut Sim, s: &Script) -> Start {
    // mysql_log: `date --rfc-3339=seconds`, in the container's UTC.
    let stamp = super::time::rfc3339(s.unix).replace('T', " ").replace('Z', "+00:00");
    let started = mysql_note(&stamp, &format!("Entrypoint script for MySQL Server {} started.", mysql_version(s.tag)));
    // As root the script starts, switches to the mysql user and starts again.
    let lines = vec![started.clone(), mysql_note(&stamp, "Switching to dedicated user 'mysql'"), started];
    let mut start = Start { lines, exit: None, server: true };
    if s.view.all_dirs(&sim.fs).contains(&format!("{MYSQL_DATADIR}/mysql")) {
        return start;
    }
    if let Some(mut text) = mysql_env_error(s) {
        text[0] = format!("{stamp} [ERROR] [Entrypoint]: {}", text[0]);
        start.lines.extend(text);
        start.exit = Some(1);
        return start;
    }
    let made = mysql_init(s, &stamp, &mut start.lines);
    for d in made {
        let _ = s.view.mkdir(&mut sim.fs, &d);
    }
    start
}

/// One of mysql's script's notes, stamped `stamp`.
fn mysql_note(stamp: &str, t: &str) -> String {
    format!("{stamp} [Note] [Entrypoint]: {t}")
}

/// What is wrong with mysql's environment for initializing its database, if anything.
fn mysql_env_error(s: &Script) -> Option<Vec<String>> {
    if s.var("MYSQL_USER") == "root" {
        Some(vec!["MYSQL_USER=\"root\", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user".to_string()])
    } else if !s.set("MYSQL_ROOT_PASSWORD")
        && !s.set("MYSQL_ALLOW_EMPTY_PASSWORD")
        && !s.set("MYSQL_RANDOM_ROOT_PASSWORD")
    {
        Some(MYSQL_NO_PASSWORD.map(String::from).to_vec())
    } else {
        None
    }
}

/// mysql's initialization of an empty data directory: its notes go to `lines`; returns the
/// directories it makes (MYSQL_DATABASE's, then the system schemas').
fn mysql_init(s: &Script, stamp: &str, lines: &mut Vec<String>) -> Vec<String> {
    let note = |t: &str| mysql_note(stamp, t);
    let mut made: Vec<String> = Vec::new();
    // k8s-diff: mysqld's own log lines (between these notes, and after them) are not
    // modelled, nor MYSQL_RANDOM_ROOT_PASSWORD's generated password line; the data
    // directory gets the system schemas' directories, not InnoDB's files.
    for t in [
        "Initializing database files",
        "Database files initialized",
        "Starting temporary server",
        "Temporary server started.",
    ] {
        lines.push(note(t));
    }
    let (database, user) = (s.var("MYSQL_DATABASE"), s.var("MYSQL_USER"));
    if !database.is_empty() {
        lines.push(note(&format!("Creating database {database}")));
        made.push(format!("{MYSQL_DATADIR}/{database}"));
    }
    if !user.is_empty() && s.set("MYSQL_PASSWORD") {
        lines.push(note(&format!("Creating user {user}")));
        if !database.is_empty() {
            lines.push(note(&format!("Giving user {user} access to schema {database}")));
        }
    }
    lines.push(String::new());
    lines.extend([
        note("Stopping temporary server"),
        note("Temporary server stopped"),
        String::new(),
        note("MySQL init process done. Ready for start up."),
        String::new(),
    ]);
    made.extend(["mysql", "performance_schema", "sys"].map(|d| format!("{MYSQL_DATADIR}/{d}")));
    made
}

/// postgres's entrypoint: it skips a PGDATA holding a database; on an empty one it checks the
/// password variables, then initializes it (PG_VERSION and the top directories).
fn postgres(sim: &mut Sim, s: &Script) -> Start {
    let mut start = Start { server: true, ..Start::default() };
    let pgdata = s.env.get("PGDATA").cloned().unwrap_or_else(|| "/var/lib/postgresql/data".to_string());
    let pgdata = pgdata.trim_end_matches('/');
    let version_file = format!("{pgdata}/PG_VERSION");
    if s.view.all_files(&sim.fs).get(&version_file).is_some_and(|v| !v.is_empty()) {
        start.lines = vec![
            String::new(),
            "PostgreSQL Database directory appears to contain a database; Skipping initialization".into(),
            String::new(),
        ];
        return start;
    }
    if !s.set("POSTGRES_PASSWORD") && s.var("POSTGRES_HOST_AUTH_METHOD") != "trust" {
        start.lines = POSTGRES_NO_PASSWORD.map(String::from).to_vec();
        start.exit = Some(1);
        return start;
    }
    // k8s-diff: initdb's and the server's own output, and the warning box printed for
    // POSTGRES_HOST_AUTH_METHOD=trust, are not modelled; PGDATA gets PG_VERSION and
    // the top directories, not the cluster's files.
    start.lines = vec![
        String::new(),
        "/usr/local/bin/docker-entrypoint.sh: ignoring /docker-entrypoint-initdb.d/*".into(),
        String::new(),
        String::new(),
        "PostgreSQL init process complete; ready for start up.".into(),
        String::new(),
    ];
    let _ = s.view.write(&mut sim.fs, &version_file, &format!("{}\n", postgres_major(s.tag)));
    for d in ["base", "global", "pg_wal"] {
        let _ = s.view.mkdir(&mut sim.fs, &format!("{pgdata}/{d}"));
    }
    start
}

/// mongo's entrypoint: it exits when only one of the root user's name and password is set.
fn mongo(s: &Script) -> Start {
    let mut start = Start { server: true, ..Start::default() };
    if s.set("MONGO_INITDB_ROOT_USERNAME") != s.set("MONGO_INITDB_ROOT_PASSWORD") {
        start.lines = vec![
            String::new(),
            "error: missing 'MONGO_INITDB_ROOT_USERNAME' or 'MONGO_INITDB_ROOT_PASSWORD'".into(),
            "       both must be specified for a user to be created".into(),
            String::new(),
        ];
        start.exit = Some(1);
    }
    // k8s-diff: mongod's JSON log is not modelled.
    start
}

/// The MySQL version an image tag names (`MYSQL_VERSION` in docker-library's Dockerfiles).
// k8s-diff: a floating tag (`8.0`, `8.4`, `latest`) stands for the release its Dockerfile named
// when we read it (8.0.35, 8.4.10), whatever the lab's date.
fn mysql_version(tag: &str) -> String {
    let base = tag.split('-').next().unwrap_or(tag);
    let parts: Vec<&str> = base.split('.').collect();
    let full = match parts.as_slice() {
        [_, _, _] => base.to_string(),
        ["8", "0"] | ["8"] => "8.0.35".to_string(),
        ["5", "7"] | ["5"] => "5.7.44".to_string(),
        _ => "8.4.10".to_string(),
    };
    // Oracle Linux 7 under 5.7, 8 under 8.0, 9 from 8.1 on.
    let el = if full.starts_with("5.") {
        "el7"
    } else if full.starts_with("8.0.") {
        "el8"
    } else {
        "el9"
    };
    format!("{full}-1.{el}")
}

/// The PostgreSQL major version an image tag names (`PG_MAJOR`).
// k8s-diff: a tag without a number (`latest`, `alpine`) stands for 16.
fn postgres_major(tag: &str) -> String {
    let major: String = tag.chars().take_while(char::is_ascii_digit).collect();
    if major.is_empty() {
        "16".to_string()
    } else {
        major
    }
}

/// What the nginx image's entrypoint prints before nginx runs.
fn nginx_lines(unix: i64) -> Vec<String> {
    let stamp = go_log_stamp(unix);
    vec![
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration".into(),
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/".into(),
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh".into(),
        "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf".into(),
        "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf".into(),
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh".into(),
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh".into(),
        "/docker-entrypoint.sh: Configuration complete; ready for start up".into(),
        format!("{stamp} [notice] 1#1: using the \"epoll\" event method"),
        format!("{stamp} [notice] 1#1: start worker processes"),
    ]
}

/// `2006/01/02 15:04:05`: Go's `log` package's stamp (and nginx's), in the container's UTC.
fn go_log_stamp(unix: i64) -> String {
    super::time::rfc3339(unix).replace('-', "/").replace('T', " ").trim_end_matches('Z').to_string()
}

/// A line of Go's `log.Printf` at `unix`.
pub fn go_log(unix: i64, msg: &str) -> String {
    format!("{} {msg}", go_log_stamp(unix))
}

/// A server program of the tutorials' images that the lab answers for (`programs::apps`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum App {
    /// agnhost `netexec`: HTTP on `--http-port` (8080), UDP on `--udp-port` (8081, -1 none).
    Netexec { http: u16, udp: Option<u16> },
    /// agnhost `serve-hostname` (`agnhost`) or the old serve_hostname image: its hostname over
    /// HTTP on `--port` (9376).
    ServeHostname { port: u16, agnhost: bool },
    /// agnhost `liveness`: `/healthz` answers 200 for 10 seconds, then 500 (port 8080).
    Liveness,
    /// agnhost `pause` (its CMD): prints `Paused` and waits for a signal.
    Pause,
    /// Another of agnhost's subcommands.
    // k8s-diff: it runs until stopped, printing and serving nothing.
    Other,
    /// A word agnhost has no subcommand for: cobra's error, and agnhost ends with 0
    /// (agnhost.go ignores `rootCmd.Execute()`'s error).
    Unknown,
    /// hello-app: `Hello, world!`, its version and hostname, on `$PORT` (8080).
    HelloApp { port: u16, v2: bool },
    /// The guestbook's PHP frontend: Apache on port 80.
    GbFrontend,
}

/// Which program each of these images' repositories holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AppImage {
    Agnhost,
    ServeHostname,
    HelloApp,
    GbFrontend,
}

const APP_IMAGES: &[(&str, AppImage)] = &[
    ("registry.k8s.io/e2e-test-images/agnhost", AppImage::Agnhost),
    ("k8s.gcr.io/e2e-test-images/agnhost", AppImage::Agnhost),
    ("registry.k8s.io/serve_hostname", AppImage::ServeHostname),
    ("k8s.gcr.io/serve_hostname", AppImage::ServeHostname),
    ("gcr.io/google-samples/hello-app", AppImage::HelloApp),
    ("us-docker.pkg.dev/google-samples/containers/gke/hello-app", AppImage::HelloApp),
    ("gcr.io/google-samples/gb-frontend", AppImage::GbFrontend),
    ("gcr.io/google_samples/gb-frontend", AppImage::GbFrontend),
    ("us-docker.pkg.dev/google-samples/containers/gke/gb-frontend", AppImage::GbFrontend),
];

/// The server container `c` runs, when its image is one of [`APP_IMAGES`] and its command
/// and args run the image's program.
pub fn app(c: &Value) -> Option<App> {
    let full = images::normalize(obj::str_at(c, "/image").unwrap_or("")).ok()?;
    let (repo, tag) = images::split(&full);
    let image = APP_IMAGES.iter().find(|(r, _)| *r == repo)?.1;
    let words =
        |p: &str| -> Vec<String> { obj::arr_at(c, p).iter().filter_map(Value::as_str).map(String::from).collect() };
    let (command, args) = (words("/command"), words("/args"));
    let names = |w: &str, progs: &[&str]| progs.contains(&w.rsplit('/').next().unwrap_or(w));
    // The program's own words: after the image's ENTRYPOINT, or after a command naming it.
    let own = |progs: &[&str]| -> Option<Vec<String>> {
        match command.split_first() {
            None => Some(args.clone()),
            Some((first, rest)) if names(first, progs) => Some(rest.iter().chain(&args).cloned().collect()),
            Some(_) => None,
        }
    };
    match image {
        // ENTRYPOINT ["/agnhost"], CMD ["pause"] (test/images/agnhost/Dockerfile).
        AppImage::Agnhost => {
            let mut w = own(&["agnhost", "agnhost-2"])?;
            if command.is_empty() && args.is_empty() {
                w = vec!["pause".into()];
            }
            agnhost(&w)
        }
        // ENTRYPOINT ["/serve_hostname"] (test/images/serve_hostname/Dockerfile).
        AppImage::ServeHostname => {
            let w = own(&["serve_hostname"])?;
            Some(App::ServeHostname { port: go_flag(&w, "port").unwrap_or(9376) as u16, agnhost: false })
        }
        // CMD ["/hello-app"], ENV PORT=8080 (quickstarts/hello-app/Dockerfile).
        AppImage::HelloApp => {
            let runs = match (command.first(), args.first()) {
                (Some(first), _) | (None, Some(first)) => names(first, &["hello-app"]),
                (None, None) => true,
            };
            let port = obj::arr_at(c, "/env")
                .iter()
                .find(|e| obj::str_at(e, "/name") == Some("PORT"))
                .and_then(|e| obj::str_at(e, "/value")?.parse().ok())
                .unwrap_or(8080);
            runs.then_some(App::HelloApp { port, v2: tag.starts_with('2') })
        }
        // CMD ["apache2-foreground"] (php:5-apache).
        AppImage::GbFrontend => {
            let first = command.first().or(args.first());
            first.is_none_or(|f| names(f, &["apache2-foreground"])).then_some(App::GbFrontend)
        }
    }
}

/// agnhost's subcommand `w[0]` with its flags; None for one the lab does not answer for.
fn agnhost(w: &[String]) -> Option<App> {
    let (sub, flags) = w.split_first()?;
    Some(match sub.as_str() {
        "netexec" => {
            let udp = go_flag(flags, "udp-port").unwrap_or(8081);
            App::Netexec { http: go_flag(flags, "http-port").unwrap_or(8080) as u16, udp: u16::try_from(udp).ok() }
        }
        "serve-hostname" => App::ServeHostname { port: go_flag(flags, "port").unwrap_or(9376) as u16, agnhost: true },
        "liveness" => App::Liveness,
        "pause" => App::Pause,
        w if AGNHOST_COMMANDS.contains(&w) => App::Other,
        // Flags only: cobra prints the root command's usage.
        w if w.starts_with('-') => App::Other,
        _ => App::Unknown,
    })
}

/// agnhost given a word it has no subcommand for: cobra's error on stderr (the root command
/// is named `app`), and the status 0 agnhost ends with.
fn agnhost_refuses(c: &Value) -> Start {
    let command = obj::arr_at(c, "/command").iter().skip(1);
    let word = command.chain(obj::arr_at(c, "/args")).find_map(Value::as_str).unwrap_or("");
    let lines = vec![format!("Error: unknown command \"{word}\" for \"app\""), "Run 'app --help' for usage.".into()];
    Start { lines, exit: Some(0), server: false }
}

/// agnhost's other subcommands (agnhost.go's `rootCmd.AddCommand`s).
const AGNHOST_COMMANDS: &[&str] = &[
    "audit-proxy",
    "connect",
    "crd-conversion-webhook",
    "dns-suffix",
    "dns-server-list",
    "etc-hosts",
    "entrypoint-tester",
    "fake-gitserver",
    "guestbook",
    "inclusterclient",
    "logs-generator",
    "mounttest",
    "net",
    "nettest",
    "no-snat-test",
    "no-snat-test-proxy",
    "porter",
    "port-forward-tester",
    "resource-consumer-controller",
    "test-webserver",
    "webhook",
    "test-service-account-issuer-discovery",
];

/// A Go flag's number: `--name=N`, `-name=N`, `--name N`.
fn go_flag(words: &[String], name: &str) -> Option<i64> {
    words.iter().enumerate().find_map(|(i, w)| {
        let bare = w.trim_start_matches('-');
        if !w.starts_with('-') {
            return None;
        }
        match bare.split_once('=') {
            Some((n, v)) if n == name => v.parse().ok(),
            None if bare == name => words.get(i + 1)?.parse().ok(),
            _ => None,
        }
    })
}

impl App {
    /// The TCP port it serves HTTP on.
    pub fn port(self) -> Option<u16> {
        match self {
            App::Netexec { http, .. } => Some(http),
            App::ServeHostname { port, .. } | App::HelloApp { port, .. } => Some(port),
            App::Liveness => Some(8080),
            App::GbFrontend => Some(80),
            App::Pause | App::Other | App::Unknown => None,
        }
    }

    /// Whether it ends at once on SIGTERM: Go's default for a signal it does not catch, and
    /// the programs that catch it to exit; agnhost's serve-hostname waits 60 s for its pod to
    /// go, and is killed at the end of the grace period.
    pub fn stops_on_sigterm(self) -> bool {
        !matches!(self, App::ServeHostname { agnhost: true, .. })
    }

    /// What it prints as it starts.
    fn start_lines(self, unix: i64) -> Vec<String> {
        match self {
            // netexec.go: startServer's line, then the UDP server's goroutine's (its address is
            // "" unless --udp-listen-addresses, hence the two spaces).
            App::Netexec { http, udp } => {
                let mut lines = vec![go_log(unix, &format!("Started HTTP server on port {http}"))];
                lines.extend(udp.map(|u| go_log(unix, &format!("Started UDP server on port  {u}"))));
                lines
            }
            // agnhost serve-hostname: `Serving on port %d.`; the old image printed nothing.
            App::ServeHostname { port, agnhost: true } => vec![go_log(unix, &format!("Serving on port {port}."))],
            App::HelloApp { port, .. } => vec![go_log(unix, &format!("Server listening on port {port}"))],
            App::Pause => vec!["Paused".into()],
            // k8s-diff: Apache's start-up lines (AH00558, AH00094) are not modelled.
            App::ServeHostname { agnhost: false, .. } | App::Liveness | App::GbFrontend | App::Other | App::Unknown => {
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jv;

    #[test]
    fn the_tutorials_images_run_their_programs_with_their_flags() {
        let agnhost = "registry.k8s.io/e2e-test-images/agnhost:2.40";
        let app_of = |v: Value| app(&v);
        assert_eq!(app_of(jv!({"image":agnhost})), Some(App::Pause));
        assert_eq!(
            app_of(jv!({"image":agnhost,"args":["netexec","--http-port=8081","--udp-port=-1"]})),
            Some(App::Netexec { http: 8081, udp: None })
        );
        assert_eq!(
            app_of(jv!({"image":agnhost,"command":["/agnhost","serve-hostname","--port","8000"]})),
            Some(App::ServeHostname { port: 8000, agnhost: true })
        );
        assert_eq!(app_of(jv!({"image":agnhost,"command":["sh","-c","sleep 1"]})), None);
        assert_eq!(app_of(jv!({"image":agnhost,"args":["liveness"]})), Some(App::Liveness));
        assert_eq!(app_of(jv!({"image":agnhost,"args":["dns-suffix"]})), Some(App::Other));
        assert_eq!(app_of(jv!({"image":agnhost,"args":["sh","-c","echo hi"]})), Some(App::Unknown));
        assert_eq!(
            app_of(jv!({"image":"registry.k8s.io/serve_hostname"})),
            Some(App::ServeHostname { port: 9376, agnhost: false })
        );
        assert_eq!(
            app_of(jv!({"image":"gcr.io/google-samples/hello-app:2.0","env":[{"name":"PORT","value":"50001"}]})),
            Some(App::HelloApp { port: 50001, v2: true })
        );
        assert_eq!(app_of(jv!({"image":"gcr.io/google_samples/gb-frontend:v3"})), Some(App::GbFrontend));
        assert_eq!(app_of(jv!({"image":"nginx"})), None);
    }

    #[test]
    fn a_database_script_runs_its_server_without_args_with_flags_or_named() {
        assert!(Db::Mysql.runs_server(&[]));
        assert!(Db::Mysql.runs_server(&["--character-set-server=utf8mb4"]));
        assert!(Db::Postgres.runs_server(&["postgres", "-c", "max_connections=10"]));
        assert!(!Db::Postgres.runs_server(&["bash"]));
        assert!(!Db::Mongo.runs_server(&["mysqld"]));
    }

    #[test]
    fn nginx_configures_itself_only_before_nginx() {
        assert!(nginx(&[], 0).server);
        assert!(nginx(&["nginx-debug", "-g", "daemon off;"], 0).server);
        assert_eq!(nginx(&["sh"], 0), Start::default());
        assert_eq!(nginx(&[], 0).lines.last().unwrap(), "1970/01/01 00:00:00 [notice] 1#1: start worker processes");
    }
}
