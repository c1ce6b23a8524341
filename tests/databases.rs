//! The database images' entrypoints (docker-library's `docker-entrypoint.sh` for mysql,
//! postgres and mongo): what a learner who forgets the password sees, and a database that
//! outlives its pod on a PersistentVolume. Expected texts are the scripts' own
//! (`mysql_error`'s heredoc, postgres's `docker_verify_minimum_env`, mongo's credential check).

mod common;
use kubelab::lab::session::Session;
use kubelab::sim::SimConfig;

fn session() -> Session {
    Session::new(SimConfig::seeded(3)).with_loader(common::files_loader())
}

fn run(s: &mut Session, line: &str) -> String {
    s.run_line(line).0.text()
}

/// A one-replica StatefulSet of `image` with its data directory on a claim, and `env`.
fn database(s: &mut Session, name: &str, image: &str, datadir: &str, env: &str) {
    let manifest = format!(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\nspec:\n  serviceName: {name}\n  replicas: 1\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n      - name: db\n        image: {image}\n{env}        volumeMounts:\n        - name: data\n          mountPath: {datadir}\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n"
    );
    run(s, &format!("cat > {name}.yaml <<'E'\n{manifest}E"));
    assert_eq!(run(s, &format!("kubectl apply -f {name}.yaml")), format!("statefulset.apps/{name} created\n"));
    s.sim.run_until_idle(120_000);
}

/// READY and STATUS of the only pod.
fn ready_status(s: &mut Session) -> String {
    run(s, "kubectl get pods --no-headers").split_whitespace().skip(1).take(2).collect::<Vec<_>>().join(" ")
}

/// Each log line without mysql_log's `date --rfc-3339=seconds` stamp.
fn unstamped(log: &str) -> Vec<String> {
    log.lines()
        .map(|l| {
            if l.len() > 26 && l.as_bytes()[4] == b'-' && &l[19..26] == "+00:00 " {
                l[26..].to_string()
            } else {
                l.to_string()
            }
        })
        .collect()
}

#[test]
fn mysql_without_a_password_crash_loops_with_the_entrypoints_error() {
    let mut s = session();
    database(&mut s, "mysql", "mysql:8.0", "/var/lib/mysql", "");
    let pods = run(&mut s, "kubectl get pods --no-headers");
    assert!(pods.contains("CrashLoopBackOff") || pods.contains("Error"), "{pods}");
    assert_eq!(
        unstamped(&run(&mut s, "kubectl logs mysql-0")),
        [
            "[Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.35-1.el8 started.",
            "[Note] [Entrypoint]: Switching to dedicated user 'mysql'",
            "[Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.35-1.el8 started.",
            "[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified",
            "    You need to specify one of the following as an environment variable:",
            "    - MYSQL_ROOT_PASSWORD",
            "    - MYSQL_ALLOW_EMPTY_PASSWORD",
            "    - MYSQL_RANDOM_ROOT_PASSWORD",
        ]
    );
    let status = kubelab::sim::obj::arr_at(
        s.sim.get(kubelab::sim::Kind::Pod, "default", "mysql-0").unwrap(),
        "/status/containerStatuses",
    )[0]
    .clone();
    assert!(status.pointer("/restartCount").and_then(|v| v.as_u64()).unwrap() >= 1);
    assert_eq!(status.pointer("/lastState/terminated/exitCode").and_then(|v| v.as_i64()), Some(1));
}

#[test]
fn mysql_initializes_once_and_the_next_pod_finds_the_database_on_the_volume() {
    let mut s = session();
    run(&mut s, "kubectl create secret generic mysql --from-literal=password=s3cret");
    let env = "        env:\n        - name: MYSQL_ROOT_PASSWORD\n          valueFrom:\n            secretKeyRef: {name: mysql, key: password}\n        - name: MYSQL_DATABASE\n          value: shop\n        args: [\"--character-set-server=utf8mb4\"]\n";
    database(&mut s, "mysql", "mysql:8.0.33", "/var/lib/mysql", env);
    assert_eq!(ready_status(&mut s), "1/1 Running");
    let first = unstamped(&run(&mut s, "kubectl logs mysql-0"));
    assert_eq!(first[0], "[Note] [Entrypoint]: Entrypoint script for MySQL Server 8.0.33-1.el8 started.");
    assert_eq!(
        first[3..],
        [
            "[Note] [Entrypoint]: Initializing database files",
            "[Note] [Entrypoint]: Database files initialized",
            "[Note] [Entrypoint]: Starting temporary server",
            "[Note] [Entrypoint]: Temporary server started.",
            "[Note] [Entrypoint]: Creating database shop",
            "",
            "[Note] [Entrypoint]: Stopping temporary server",
            "[Note] [Entrypoint]: Temporary server stopped",
            "",
            "[Note] [Entrypoint]: MySQL init process done. Ready for start up.",
            "",
        ]
    );
    // Each database is a directory of the data directory; it lives on the PV.
    assert!(run(&mut s, "kubectl exec mysql-0 -- ls /var/lib/mysql").contains("mysql\nperformance_schema\nshop\n"));
    run(&mut s, "kubectl delete pod mysql-0");
    s.sim.run_until_idle(120_000);
    assert_eq!(ready_status(&mut s), "1/1 Running");
    // `DATABASE_ALREADY_EXISTS`: the script goes straight to mysqld.
    assert_eq!(unstamped(&run(&mut s, "kubectl logs mysql-0")).len(), 3);
}

#[test]
fn postgres_asks_for_a_password_then_skips_initialization_on_an_initialized_volume() {
    let mut s = session();
    run(&mut s, "kubectl run pg --image=postgres:15");
    s.sim.run_until_idle(120_000);
    assert_eq!(
        run(&mut s, "kubectl logs pg"),
        "Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".

       You may also use \"POSTGRES_HOST_AUTH_METHOD=trust\" to allow all
       connections without a password. This is *not* recommended.

       See PostgreSQL documentation about \"trust\":
       https://www.postgresql.org/docs/current/auth-trust.html
"
    );
    database(
        &mut s,
        "pg",
        "postgres:15",
        "/var/lib/postgresql/data",
        "        env:\n        - name: POSTGRES_PASSWORD\n          value: pw\n",
    );
    assert!(run(&mut s, "kubectl logs pg-0").contains("PostgreSQL init process complete; ready for start up.\n"));
    assert_eq!(run(&mut s, "kubectl exec pg-0 -- cat /var/lib/postgresql/data/PG_VERSION"), "15\n");
    run(&mut s, "kubectl delete pod pg-0");
    s.sim.run_until_idle(120_000);
    assert_eq!(
        run(&mut s, "kubectl logs pg-0"),
        "\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n"
    );
}

#[test]
fn mongo_needs_both_credentials_or_neither() {
    let mut s = session();
    run(&mut s, "kubectl run m1 --image=mongo:7.0");
    run(&mut s, "kubectl run m2 --image=mongo:7.0 --env=MONGO_INITDB_ROOT_USERNAME=admin");
    s.sim.run_until_idle(120_000);
    let pods = run(&mut s, "kubectl get pods --no-headers");
    assert!(pods.lines().any(|l| l.starts_with("m1 ") && l.contains("Running")), "{pods}");
    assert!(pods.lines().any(|l| l.starts_with("m2 ") && !l.contains("Running")), "{pods}");
    assert_eq!(
        run(&mut s, "kubectl logs m2"),
        "\nerror: missing 'MONGO_INITDB_ROOT_USERNAME' or 'MONGO_INITDB_ROOT_PASSWORD'\n       both must be specified for a user to be created\n\n"
    );
}

/// Growing a claim goes through the PersistentVolumeClaimResize admission plugin, which
/// local-path's StorageClass (no allowVolumeExpansion) fails; shrinking a bound claim fails
/// validation first.
#[test]
fn a_local_path_claim_cannot_be_resized() {
    let mut s = session();
    database(
        &mut s,
        "pg",
        "postgres:15",
        "/var/lib/postgresql/data",
        "        env:\n        - name: POSTGRES_PASSWORD\n          value: pw\n",
    );
    let (out, code) =
        s.run_line("kubectl patch pvc data-pg-0 -p '{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"5Gi\"}}}}'");
    assert_eq!((out.stderr(), code), ("Error from server (Forbidden): persistentvolumeclaims \"data-pg-0\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize\n".to_string(), 1));
    let (out, _) = s
        .run_line("kubectl patch pvc data-pg-0 -p '{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"500Mi\"}}}}'");
    assert_eq!(out.stderr(), "The PersistentVolumeClaim \"data-pg-0\" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than previous value\n");
}

/// A readiness probe on a port nothing listens on fails (prober/tcp: the dial's error in the
/// Unhealthy event), the pod stays `0/1 Running`, and OrderedReady never makes the next pod.
/// A database's own client in an exec probe counts as its server answering.
#[test]
fn a_failing_readiness_probe_holds_an_ordered_statefulset() {
    let mut s = session();
    let env = "        env:\n        - name: POSTGRES_PASSWORD\n          value: pw\n        readinessProbe:\n          tcpSocket:\n            port: 5433\n";
    database(&mut s, "pg", "postgres:15", "/var/lib/postgresql/data", env);
    assert_eq!(ready_status(&mut s), "0/1 Running");
    assert!(s.sim.get(kubelab::sim::Kind::Pod, "default", "pg-1").is_none());
    let ip = kubelab::sim::obj::str_at(s.sim.get(kubelab::sim::Kind::Pod, "default", "pg-0").unwrap(), "/status/podIP")
        .unwrap()
        .to_string();
    let events = run(&mut s, "kubectl get events --field-selector reason=Unhealthy -o jsonpath={.items[0].message}");
    assert_eq!(events, format!("Readiness probe failed: dial tcp {ip}:5433: connect: connection refused"));
    // The right port: ready.
    let mut s = session();
    let env = "        env:\n        - name: POSTGRES_PASSWORD\n          value: pw\n        readinessProbe:\n          exec:\n            command: [pg_isready, -U, postgres]\n";
    database(&mut s, "pg", "postgres:15", "/var/lib/postgresql/data", env);
    assert_eq!(ready_status(&mut s), "1/1 Running");
}

/// describeContainers (describe.go): requests and limits by name, probes as DescribeProbe
/// words them, envFrom with its prefix, and each variable as it is set: a value, a field the
/// pod resolves, a Secret's key.
#[test]
fn describe_shows_a_containers_resources_probes_and_environment() {
    let mut s = session();
    run(&mut s, "kubectl create secret generic pg --from-literal=password=pw");
    run(&mut s, "kubectl create configmap cfg --from-literal=a=b");
    s.write_file("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pg\nspec:\n  containers:\n  - name: pg\n    image: postgres:15\n    env:\n    - name: POSTGRES_PASSWORD\n      valueFrom:\n        secretKeyRef: {name: pg, key: password}\n    - name: ME\n      valueFrom:\n        fieldRef: {fieldPath: metadata.name}\n    envFrom:\n    - configMapRef: {name: cfg}\n      prefix: C_\n    resources:\n      requests: {cpu: 250m, memory: 256Mi}\n      limits: {memory: 512Mi}\n    readinessProbe:\n      exec:\n        command: [pg_isready, -U, postgres]\n      initialDelaySeconds: 5\n    livenessProbe:\n      httpGet: {path: /, port: 80}\n");
    run(&mut s, "kubectl apply -f p.yaml");
    s.sim.run_until_idle(120_000);
    let text = run(&mut s, "kubectl describe pod pg");
    let from = text.find("    Limits:").expect("limits");
    let to = text.find("    Mounts:").expect("mounts");
    assert_eq!(
        &text[from..to],
        "    Limits:
      memory:  512Mi
    Requests:
      cpu:      250m
      memory:   256Mi
    Liveness:   http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3
    Readiness:  exec [pg_isready -U postgres] delay=5s timeout=1s period=10s #success=1 #failure=3
    Environment Variables from:
      cfg  ConfigMap with prefix 'C_'  Optional: false
    Environment:
      POSTGRES_PASSWORD:  <set to the key 'password' in secret 'pg'>  Optional: false
      ME:                 pg (v1:metadata.name)
"
    );
}

/// local-path-provisioner provisions node-local directories for ReadWriteOnce claims only: a
/// ReadWriteMany claim fails once, for good, and stays Pending with its pod.
#[test]
fn local_path_refuses_read_write_many() {
    let mut s = session();
    s.write_file("rwx.yaml", "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: shared\nspec:\n  accessModes: [ReadWriteMany]\n  resources:\n    requests:\n      storage: 1Gi\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: user\nspec:\n  containers:\n  - name: c\n    image: nginx\n    volumeMounts:\n    - {name: d, mountPath: /data}\n  volumes:\n  - name: d\n    persistentVolumeClaim: {claimName: shared}\n");
    run(&mut s, "kubectl apply -f rwx.yaml");
    s.sim.run_until_idle(120_000);
    assert!(run(&mut s, "kubectl get pvc shared --no-headers").contains("Pending"));
    assert!(run(&mut s, "kubectl get pod user --no-headers").contains("Pending"));
    let msg =
        run(&mut s, "kubectl get events --field-selector reason=ProvisioningFailed -o jsonpath={.items[0].message}");
    assert_eq!(
        msg,
        "failed to provision volume with StorageClass \"local-path\": Only support ReadWriteOnce access mode"
    );
}

/// redis-server listens on 6379 (redis.conf's `port 6379`, the image's default): a tcpSocket
/// readiness probe there holds, one on 6380 fails with the dial's error; and a container that
/// runs another command than the server listens on nothing.
#[test]
fn redis_listens_on_6379() {
    let probe = |port: u16| format!("        readinessProbe:\n          tcpSocket:\n            port: {port}\n");
    let mut s = session();
    database(&mut s, "redis", "redis:7", "/data", &probe(6379));
    assert_eq!(ready_status(&mut s), "1/1 Running");
    let mut s = session();
    database(&mut s, "redis", "redis:7", "/data", &probe(6380));
    assert_eq!(ready_status(&mut s), "0/1 Running");
    let ip =
        kubelab::sim::obj::str_at(s.sim.get(kubelab::sim::Kind::Pod, "default", "redis-0").unwrap(), "/status/podIP")
            .unwrap()
            .to_string();
    let events = run(&mut s, "kubectl get events --field-selector reason=Unhealthy -o jsonpath={.items[0].message}");
    assert_eq!(events, format!("Readiness probe failed: dial tcp {ip}:6380: connect: connection refused"));
    let mut s = session();
    let sleeping = format!("        command: [sleep, '3600']\n{}", probe(6379));
    database(&mut s, "redis", "redis:7", "/data", &sleeping);
    assert_eq!(ready_status(&mut s), "0/1 Running");
}
