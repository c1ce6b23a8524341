//! The replay format: a script of terminal lines run in a fresh cluster, printed as a
//! transcript (`$ ` + the line, then its output). This is the interface tests and lesson
//! checks stand on; the README documents it.
//!
//! - One terminal line per script line, as a person types it.
//! - Blank lines and lines starting with `#` are skipped.
//! - A line the shell finds unfinished (an open quote, a here-document, a trailing `|` or
//!   `&&`, `for ... do` without `done`) continues on the next script lines, as a terminal's
//!   `> ` prompt would; they are echoed with `> `.
//! - `@sleep 30s` (also `2m`, `500ms`, `1h`) lets virtual time pass.
//! - A watch (`-w`) streams until nothing more is scheduled to change (at most 10 virtual
//!   minutes), as if the person pressed Ctrl-C then.

use crate::lab::session::Session;

/// Parses `30s`, `2m`, `500ms`, `1h`, `1m30s` into milliseconds.
pub fn parse_duration_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            0.001
        } else {
            match c {
                'h' => 3600.0,
                'm' => 60.0,
                's' => 1.0,
                _ => return None,
            }
        };
        total += n * unit;
        any = true;
    }
    if !num.is_empty() {
        return None;
    }
    any.then_some((total * 1000.0).round() as u64)
}

/// Runs a script in the session and returns the transcript.
pub fn run_script(session: &mut Session, script: &str) -> String {
    let mut all = String::new();
    run_script_with(session, script, &mut |part| {
        all.push_str(part);
        true
    });
    all
}

/// An `@` line (`t`, its words after the `@` in `d`) of the script's line `i`: `@sleep`, or what
/// the replay says of one it cannot read.
fn directive(session: &mut Session, i: usize, t: &str, d: &str, out: &mut String) {
    let mut words = d.split_whitespace();
    match (words.next(), words.next()) {
        (Some("sleep"), Some(arg)) => match parse_duration_ms(arg) {
            Some(ms) => {
                if let Some(stopped) = session.sleep(ms) {
                    out.push_str(&stopped);
                }
            }
            None => out.push_str(&format!(
                "kubelab: line {i}: cannot read the duration {} (write 30s, 2m or 500ms)\n",
                crate::support::gofmt::go_quote(arg)
            )),
        },
        _ => out.push_str(&format!(
            "kubelab: line {i}: unknown directive {} (known: @sleep DURATION)\n",
            crate::support::gofmt::go_quote(t)
        )),
    }
}

/// Runs a script in the session, handing the transcript to `emit` a line of the script at a
/// time; stops when `emit` returns false (the reader has gone). A byte-order mark at the top
/// of the script is not part of its first line.
pub fn run_script_with(session: &mut Session, script: &str, emit: &mut dyn FnMut(&str) -> bool) {
    let script = script.strip_prefix('\u{FEFF}').unwrap_or(script);
    let mut out = String::new();
    let lines: Vec<&str> = script.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if !out.is_empty() && !emit(&std::mem::take(&mut out)) {
            return;
        }
        let raw = lines[i];
        i += 1;
        let line = raw.trim_end_matches('\r');
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(d) = t.strip_prefix('@') {
            directive(session, i, t, d, &mut out);
            continue;
        }
        out.push_str("$ ");
        out.push_str(line);
        out.push('\n');
        let mut reader = crate::shell::LineReader::default();
        let mut more = reader.push(line);
        while more && i < lines.len() {
            let next = lines[i].trim_end_matches('\r');
            i += 1;
            out.push_str("> ");
            out.push_str(next);
            out.push('\n');
            more = reader.push(next);
        }
        let (o, _) = session.run_line(&reader.take());
        let text = o.text();
        out.push_str(&text);
        if !text.is_empty() && !text.ends_with('\n') {
            out.push('\n');
        }
    }
    if !out.is_empty() {
        emit(&out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("30s"), Some(30_000));
        assert_eq!(parse_duration_ms("2m"), Some(120_000));
        assert_eq!(parse_duration_ms("500ms"), Some(500));
        assert_eq!(parse_duration_ms("1m30s"), Some(90_000));
        assert_eq!(parse_duration_ms("1h"), Some(3_600_000));
        assert_eq!(parse_duration_ms("x"), None);
        assert_eq!(parse_duration_ms("30"), None);
    }

    #[test]
    fn unfinished_lines_continue_on_the_next_ones() {
        let mut s = Session::new(crate::sim::SimConfig::seeded(1));
        let t = run_script(&mut s, "cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\nEOF\nfor i in 1 2; do\necho $i\ndone\necho 'a\nb'\n");
        assert_eq!(t, "$ cat <<EOF | kubectl apply -f -\n> apiVersion: v1\n> kind: ConfigMap\n> metadata:\n>   name: cm\n> EOF\nconfigmap/cm created\n$ for i in 1 2; do\n> echo $i\n> done\n1\n2\n$ echo 'a\n> b'\na\nb\n");
    }
}
