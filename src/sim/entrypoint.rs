//! What the official images' entrypoints do before their server runs, when a container uses the
//! image's entrypoint (no `command` of its own): nginx's configuration scripts, and the
//! database images' checks of their environment and data directory (docker-library's
//! `docker-entrypoint.sh` for mysql, postgres and mongo). A MySQL or PostgreSQL container
//! started on an empty data directory without a password prints the script's error and exits 1,
//! and the kubelet restarts it into CrashLoopBackOff; a database initialized once on a
//! PersistentVolume is found there by the next pod.

use super::{images, kubelet, obj, ObjKey, Sim};
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
    let mut start = Start::default();
    if !obj::arr_at(c, "/command").is_empty() {
        return start;
    }
    let image = obj::str_at(c, "/image").unwrap_or("");
    let full = images::normalize(image).unwrap_or_default();
    let (repo, tag) = full.rsplit_once(':').unwrap_or((&full, "latest"));
    let args: Vec<&str> = obj::arr_at(c, "/args").iter().filter_map(Value::as_str).collect();
    let unix = sim.unix_at(sim.now());
    let db = match repo {
        "docker.io/library/nginx" => {
            if args.first().is_none_or(|a| *a == "nginx" || *a == "nginx-debug") {
                start.lines = nginx_lines(unix);
                start.server = true;
            }
            return start;
        }
        "docker.io/library/mysql" => Db::Mysql,
        "docker.io/library/postgres" => Db::Postgres,
        "docker.io/library/mongo" => Db::Mongo,
        _ => return start,
    };
    // The script's "$1": the image's CMD without args; a flag first means the server with flags.
    let server = match db {
        Db::Mysql => "mysqld",
        Db::Postgres => "postgres",
        Db::Mongo => "mongod",
    };
    let first = args.first().copied().unwrap_or(server);
    if !(first.starts_with('-') || first == server) {
        return start;
    }
    start.server = true;
    let name = obj::str_at(c, "/name").unwrap_or("").to_string();
    let Some(pod) = sim.store.get(key) else { return start };
    let env = kubelet::environment(sim, pod, &name).unwrap_or_default();
    let Some(view) = sim.fs_view(key, &name) else { return start };
    let dirs = view.all_dirs(&sim.fs);
    let files = view.all_files(&sim.fs);
    // `file_env`: VAR, or VAR_FILE naming a file that holds it; the script tests `-z`.
    let set = |k: &str| {
        env.get(k).is_some_and(|v| !v.is_empty()) || env.get(&format!("{k}_FILE")).is_some_and(|v| !v.is_empty())
    };
    let var = |k: &str| env.get(k).cloned().unwrap_or_default();
    let mut made: Vec<String> = Vec::new();
    match db {
        Db::Mysql => {
            // mysql_log: `date --rfc-3339=seconds`, in the container's UTC.
            let stamp = super::time::rfc3339(unix).replace('T', " ").replace('Z', "+00:00");
            let note = |t: &str| format!("{stamp} [Note] [Entrypoint]: {t}");
            let started = note(&format!("Entrypoint script for MySQL Server {} started.", mysql_version(tag)));
            // As root the script starts, switches to the mysql user and starts again.
            start.lines = vec![started.clone(), note("Switching to dedicated user 'mysql'"), started];
            let datadir = "/var/lib/mysql";
            if dirs.contains(&format!("{datadir}/mysql")) {
                return start;
            }
            let error = if var("MYSQL_USER") == "root" {
                Some(vec!["MYSQL_USER=\"root\", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be used for the root user".to_string()])
            } else if !set("MYSQL_ROOT_PASSWORD")
                && !set("MYSQL_ALLOW_EMPTY_PASSWORD")
                && !set("MYSQL_RANDOM_ROOT_PASSWORD")
            {
                Some(
                    [
                        "Database is uninitialized and password option is not specified",
                        "    You need to specify one of the following as an environment variable:",
                        "    - MYSQL_ROOT_PASSWORD",
                        "    - MYSQL_ALLOW_EMPTY_PASSWORD",
                        "    - MYSQL_RANDOM_ROOT_PASSWORD",
                    ]
                    .map(String::from)
                    .to_vec(),
                )
            } else {
                None
            };
            if let Some(mut text) = error {
                text[0] = format!("{stamp} [ERROR] [Entrypoint]: {}", text[0]);
                start.lines.extend(text);
                start.exit = Some(1);
                return start;
            }
            // k8s-diff: mysqld's own log lines (between these notes, and after them) are not
            // modelled, nor MYSQL_RANDOM_ROOT_PASSWORD's generated password line; the data
            // directory gets the system schemas' directories, not InnoDB's files.
            for t in [
                "Initializing database files",
                "Database files initialized",
                "Starting temporary server",
                "Temporary server started.",
            ] {
                start.lines.push(note(t));
            }
            let (database, user) = (var("MYSQL_DATABASE"), var("MYSQL_USER"));
            if !database.is_empty() {
                start.lines.push(note(&format!("Creating database {database}")));
                made.push(format!("{datadir}/{database}"));
            }
            if !user.is_empty() && set("MYSQL_PASSWORD") {
                start.lines.push(note(&format!("Creating user {user}")));
                if !database.is_empty() {
                    start.lines.push(note(&format!("Giving user {user} access to schema {database}")));
                }
            }
            start.lines.push(String::new());
            start.lines.extend([
                note("Stopping temporary server"),
                note("Temporary server stopped"),
                String::new(),
                note("MySQL init process done. Ready for start up."),
                String::new(),
            ]);
            made.extend(["mysql", "performance_schema", "sys"].map(|d| format!("{datadir}/{d}")));
            for d in made {
                let _ = view.mkdir(&mut sim.fs, &d);
            }
        }
        Db::Postgres => {
            let pgdata = env.get("PGDATA").cloned().unwrap_or_else(|| "/var/lib/postgresql/data".to_string());
            let version_file = format!("{}/PG_VERSION", pgdata.trim_end_matches('/'));
            if files.get(&version_file).is_some_and(|v| !v.is_empty()) {
                start.lines = vec![
                    String::new(),
                    "PostgreSQL Database directory appears to contain a database; Skipping initialization".into(),
                    String::new(),
                ];
                return start;
            }
            if !set("POSTGRES_PASSWORD") && var("POSTGRES_HOST_AUTH_METHOD") != "trust" {
                start.lines = [
                    "Error: Database is uninitialized and superuser password is not specified.",
                    "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
                    "       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".",
                    "",
                    "       You may also use \"POSTGRES_HOST_AUTH_METHOD=trust\" to allow all",
                    "       connections without a password. This is *not* recommended.",
                    "",
                    "       See PostgreSQL documentation about \"trust\":",
                    "       https://www.postgresql.org/docs/current/auth-trust.html",
                ]
                .map(String::from)
                .to_vec();
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
            let _ = view.write(&mut sim.fs, &version_file, &format!("{}\n", postgres_major(tag)));
            for d in ["base", "global", "pg_wal"] {
                let _ = view.mkdir(&mut sim.fs, &format!("{}/{d}", pgdata.trim_end_matches('/')));
            }
        }
        Db::Mongo => {
            if set("MONGO_INITDB_ROOT_USERNAME") != set("MONGO_INITDB_ROOT_PASSWORD") {
                start.lines = vec![
                    String::new(),
                    "error: missing 'MONGO_INITDB_ROOT_USERNAME' or 'MONGO_INITDB_ROOT_PASSWORD'".into(),
                    "       both must be specified for a user to be created".into(),
                    String::new(),
                ];
                start.exit = Some(1);
            }
            // k8s-diff: mongod's JSON log is not modelled.
        }
    }
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
    let stamp = super::time::rfc3339(unix).replace('-', "/").replace('T', " ").trim_end_matches('Z').to_string();
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
