//! What the tutorials' server images answer over HTTP ([`crate::sim::entrypoint::App`]), read
//! from their sources: agnhost's `netexec`, `serve-hostname` and `liveness`
//! (kubernetes/kubernetes test/images/agnhost), the old serve_hostname image
//! (test/images/serve_hostname), hello-app (GoogleCloudPlatform/kubernetes-engine-samples
//! quickstarts/hello-app) and the guestbook's PHP frontend (kubernetes/examples
//! guestbook/php-redis), each with the lines it logs per request.

use crate::shell::Output;
use crate::sim::entrypoint::{go_log, App};
use crate::sim::{obj, ObjKey, Sim};
use crate::support::gofmt::{go_float, go_json_escape};

/// An answer: status, reason, body, and the server's headers after the status line.
pub struct Answer {
    pub status: u16,
    pub reason: &'static str,
    pub body: String,
    /// `Server: ...` and the content type, as the server writes them.
    pub server: &'static str,
    pub content_type: &'static str,
}

/// Go's `http.StatusText` for the codes a lesson meets.
fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        412 => "Precondition Failed",
        417 => "Expectation Failed",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// A query parameter, decoded as Go's `FormValue` decodes it.
fn param(query: &str, name: &str) -> String {
    query
        .split('&')
        .find_map(|kv| kv.split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| v))
        .map(unescape)
        .unwrap_or_default()
}

/// `%XX` and `+` decoded.
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit() => {
                let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                out.push(hex(b[i + 1]) * 16 + hex(b[i + 2]));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The pod's hostname, as `os.Hostname()` gives it.
fn hostname(sim: &Sim, pod: &ObjKey) -> String {
    sim.store.get(pod).map(|p| obj::str_at(p, "/spec/hostname").unwrap_or(obj::name(p)).to_string()).unwrap_or_default()
}

/// Answers GET `target` (path and query) from `remote` (`ip:port`) to `app` in container
/// `container` of `pod`, and logs what the program logs.
pub fn answer(sim: &mut Sim, pod: &ObjKey, container: &str, app: App, target: &str, remote: &str) -> Answer {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let ok = |body: String| Answer {
        status: 200,
        reason: "OK",
        body,
        server: "",
        content_type: "text/plain; charset=utf-8",
    };
    let mut log = Vec::new();
    let answer = match app {
        App::Netexec { udp, .. } => netexec(sim, (pod, container), udp, (path, query), remote, &mut log),
        App::ServeHostname { .. } => {
            log.push(format!("HTTP request from {remote}"));
            ok(hostname(sim, pod))
        }
        App::Liveness => liveness(sim, pod, container, path),
        App::HelloApp { v2, .. } => {
            log.push(format!("Serving request: {path}"));
            let version = if v2 { "2.0.0" } else { "1.0.0" };
            ok(format!("Hello, world!\nVersion: {version}\nHostname: {}\n", hostname(sim, pod)))
        }
        App::GbFrontend => guestbook(path),
        App::Pause | App::Other | App::Unknown => ok(String::new()),
    };
    let unix = sim.unix_at(sim.now());
    if let Some(uid) = sim.store.get(pod).map(|p| obj::uid(p).to_string()) {
        // Each of these programs logs with Go's `log.Printf`.
        let lines: Vec<String> =
            log.iter().flat_map(|l| go_log(unix, l).lines().map(String::from).collect::<Vec<_>>()).collect();
        sim.logs.entry((uid, container.to_string())).or_default().extend(lines);
    }
    answer
}

/// netexec's handlers (netexec.go `addRoutes`): `/` (and any path it has no handler for) the
/// time, `/hostname`, `/echo`, `/clientip`, `/healthz`, `/shell`.
fn netexec(
    sim: &mut Sim,
    (pod, container): (&ObjKey, &str),
    udp: Option<u16>,
    (path, query): (&str, &str),
    remote: &str,
    log: &mut Vec<String>,
) -> Answer {
    let mut a = Answer {
        status: 200,
        reason: "OK",
        body: String::new(),
        server: "",
        content_type: "text/plain; charset=utf-8",
    };
    match path {
        "/hostname" | "/hostName" => {
            log.push(format!("GET {path}"));
            a.body = hostname(sim, pod);
        }
        "/echo" => {
            let (msg, code) = (param(query, "msg"), param(query, "code"));
            log.push(format!("GET /echo?msg={msg}&code={code}"));
            match code.parse::<u16>() {
                Ok(n) => {
                    a.status = n;
                    a.reason = reason(n);
                    a.body = msg;
                }
                Err(_) if !code.is_empty() => {
                    a.body = format!(
                        "argument 'code' must be an integer or empty, got {}\n",
                        crate::support::gofmt::go_quote(&code)
                    )
                }
                Err(_) => a.body = msg,
            }
        }
        "/clientip" => {
            log.push("GET /clientip".into());
            a.body = remote.to_string();
        }
        "/healthz" => {
            log.push("GET /healthz".into());
            // Ready once its UDP server runs: never, with `--udp-port=-1`.
            if udp.is_none() {
                a.status = 412;
                a.reason = reason(412);
            }
        }
        "/shell" => {
            let cmd =
                Some(param(query, "shellCommand")).filter(|c| !c.is_empty()).unwrap_or_else(|| param(query, "cmd"));
            log.push(format!("GET /shell?cmd={cmd}"));
            let mut out = Output::default();
            let before = sim.process_sleep.replace(0);
            let code = super::exec(sim, pod, container, &["/bin/sh".into(), "-c".into(), cmd], None, &mut out);
            sim.process_sleep = before;
            let text = out.text();
            // json.Marshal of a map[string]string: keys sorted, HTML-safe escapes.
            let mut fields = Vec::new();
            let mut shown = Vec::new();
            if code != 0 {
                fields.push(format!("\"error\":{}", serde_json::Value::from(format!("exit status {code}"))));
                shown.push(format!("error:exit status {code}"));
            }
            if !text.is_empty() {
                fields.push(format!("\"output\":{}", serde_json::Value::from(text.clone())));
                shown.push(format!("output:{text}"));
            }
            log.push(format!("Output: map[{}]", shown.join(" ")));
            a.body = go_json_escape(&format!("{{{}}}", fields.join(",")));
        }
        // k8s-diff: /dial, /exit, /redirect, /shutdown and /upload are not modelled: they
        // answer as `/`, which netexec's ServeMux gives every path it has no handler for.
        _ => {
            log.push("GET /".into());
            a.body = format!("NOW: {}", go_time_now(sim));
        }
    }
    a
}

/// `time.Now()` as `%v` prints it: `2026-12-05 03:40:12.345 +0000 UTC m=+12.345000001`.
fn go_time_now(sim: &Sim) -> String {
    let ms = sim.now().ms();
    let stamp = crate::sim::time::rfc3339(sim.unix_at(sim.now())).replace('T', " ").replace('Z', "");
    let frac = if ms.is_multiple_of(1000) {
        String::new()
    } else {
        format!(".{:03}", ms % 1000).trim_end_matches('0').to_string()
    };
    format!("{stamp}{frac} +0000 UTC m=+{}.{:03}000000", ms / 1000, ms % 1000)
}

/// agnhost liveness (liveness/server.go): `/healthz` is `ok` for the first 10 seconds of the
/// process, then 500 `error: SECONDS`; `/started` the time since it started.
fn liveness(sim: &Sim, pod: &ObjKey, container: &str, path: &str) -> Answer {
    let started = sim
        .store
        .get(pod)
        .and_then(|p| {
            obj::arr_at(p, "/status/containerStatuses")
                .iter()
                .find(|s| obj::str_at(s, "/name") == Some(container))
                .cloned()
        })
        .and_then(|s| obj::str_at(&s, "/state/running/startedAt").and_then(|t| sim.ms_since(t)))
        .unwrap_or(0)
        .max(0);
    let secs = started as f64 / 1000.0;
    let text = |status: u16, body: String| Answer {
        status,
        reason: reason(status),
        body,
        server: "",
        content_type: "text/plain; charset=utf-8",
    };
    match path {
        "/healthz" if secs > 10.0 => text(500, format!("error: {}", go_float(secs))),
        "/healthz" => text(200, "ok".into()),
        "/started" => text(200, format!("{}s", go_float(secs))),
        _ => text(404, "404 page not found\n".into()),
    }
}

/// The guestbook frontend's page (guestbook/php-redis/index.html), served by Apache.
// k8s-diff: guestbook.php (which reads and writes Redis) and Apache's access log are not
// modelled.
fn guestbook(path: &str) -> Answer {
    let (status, body) = match path {
        "/" | "/index.html" => (200, GUESTBOOK_INDEX.to_string()),
        _ => (404, format!("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL {path} was not found on this server.</p>\n</body></html>\n")),
    };
    Answer { status, reason: reason(status), body, server: "Apache/2.4.10 (Debian)", content_type: "text/html" }
}

/// kubernetes/examples guestbook/php-redis/index.html.
const GUESTBOOK_INDEX: &str = r#"<html ng-app="redis">
  <head>
    <title>Guestbook</title>
    <link rel="stylesheet" href="//netdna.bootstrapcdn.com/bootstrap/3.1.1/css/bootstrap.min.css">
    <script src="https://ajax.googleapis.com/ajax/libs/angularjs/1.2.12/angular.min.js"></script>
    <script src="controllers.js"></script>
    <script src="https://cdnjs.cloudflare.com/ajax/libs/angular-ui-bootstrap/0.13.0/ui-bootstrap-tpls.js"></script>
  </head>
  <body ng-controller="RedisCtrl">
    <div style="width: 50%; margin-left: 20px">
      <h2>Guestbook</h2>
    <form>
    <fieldset>
    <input ng-model="msg" placeholder="Messages" class="form-control" type="text" name="input"><br>
    <button type="button" class="btn btn-primary" ng-click="controller.onRedis()">Submit</button>
    </fieldset>
    </form>
    <div>
      <div ng-repeat="msg in messages track by $index">
        {{msg}}
      </div>
    </div>
    </div>
  </body>
</html>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_decode_as_go_decodes_them() {
        assert_eq!(param("msg=hello%20there&code=", "msg"), "hello there");
        assert_eq!(param("msg=a+b", "msg"), "a b");
        assert_eq!(param("cmd=echo", "msg"), "");
        assert_eq!(reason(417), "Expectation Failed");
    }
}
