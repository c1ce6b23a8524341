//! The few text tools a lab pipes kubectl into: `grep`, `head`, `tail`, `wc`, `sort`. They read
//! their file arguments or the piped-in text and write as GNU coreutils do (enough of it).

use crate::shell::Output;

/// JSON text as Go's `encoding/json` writes it by default (`json.Marshal`, `json.Encoder`): the
/// same as serde_json's, but HTML-safe, with `<`, `>`, `&`, U+2028 and U+2029 written as
/// `\u003c`, `\u003e`, `\u0026`, `\u2028` and `\u2029`. These characters only ever occur
/// inside strings in JSON text, so replacing them anywhere is safe.
pub fn go_json_escape(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Go's `%q` (`strconv.Quote`) for the plain strings Kubernetes quotes in its messages.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}


/// Runs a text tool, or returns None if `argv[0]` is not one. `read` gives a file's text.
pub fn run(argv: &[String], stdin: Option<&str>, read: &dyn Fn(&str) -> Option<String>, out: &mut Output) -> Option<i32> {
    let cmd = argv.first()?.as_str();
    if !["grep", "head", "tail", "wc", "sort"].contains(&cmd) {
        return None;
    }
    let mut flags: Vec<String> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    let mut n: Option<usize> = None;
    // grep's context: lines after (-A) and before (-B) each match.
    let (mut after, mut before) = (0usize, 0usize);
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        let context = (cmd == "grep").then(|| a.strip_prefix("-A").map(|v| ('A', v)).or_else(|| a.strip_prefix("-B").map(|v| ('B', v))).or_else(|| a.strip_prefix("-C").map(|v| ('C', v)))).flatten();
        if let Some((which, v)) = context.filter(|(_, v)| v.chars().all(|c| c.is_ascii_digit())) {
            let value = if v.is_empty() {
                i += 1;
                argv.get(i).cloned().unwrap_or_default()
            } else {
                v.to_string()
            };
            let Ok(k) = value.parse::<usize>() else {
                out.err(&format!("grep: {value}: invalid context length argument\n"));
                return Some(2);
            };
            match which {
                'A' => after = k,
                'B' => before = k,
                _ => (after, before) = (k, k),
            }
        } else if (a == "-n" && cmd != "grep") || a == "--lines" {
            i += 1;
            n = argv.get(i).and_then(|v| v.parse().ok());
        } else if let Some(v) = a.strip_prefix("--lines=") {
            n = v.parse().ok();
        } else if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) && cmd != "grep" {
            n = a[1..].parse().ok();
        } else if a.starts_with('-') && a.len() > 1 && args.is_empty() {
            flags.extend(a[1..].chars().map(|c| c.to_string()));
        } else {
            args.push(a.clone());
        }
        i += 1;
    }
    let has = |f: &str| flags.iter().any(|x| x == f);
    let (pattern, files) = if cmd == "grep" {
        match args.split_first() {
            Some((p, rest)) => (Some(p.clone()), rest.to_vec()),
            None => {
                out.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
                return Some(2);
            }
        }
    } else {
        (None, args)
    };
    let mut text = String::new();
    if files.is_empty() {
        text.push_str(stdin.unwrap_or(""));
    }
    for f in &files {
        match read(f) {
            Some(t) => text.push_str(&t),
            None => {
                out.err(&format!("{cmd}: {f}: No such file or directory\n"));
                return Some(if cmd == "grep" { 2 } else { 1 });
            }
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    let emit = |out: &mut Output, ls: &[&str]| {
        for l in ls {
            out.out(l);
            out.out("\n");
        }
    };
    match cmd {
        "grep" => {
            let p = pattern.unwrap_or_default();
            let ci = has("i");
            let matches = |l: &str| {
                // k8s-diff: -i folds ASCII letters only (grep in the C locale).
                let (l, p) = if ci { (l.to_ascii_lowercase(), p.to_ascii_lowercase()) } else { (l.to_string(), p.clone()) };
                // Alternatives: `a|b` with -E, `a\|b` in a basic pattern.
                let alternatives: Vec<&str> = if has("E") { p.split('|').collect() } else { p.split("\\|").collect() };
                let hit = alternatives.iter().any(|p| match (p.strip_prefix('^'), p.strip_suffix('$')) {
                    (Some(rest), _) if rest.ends_with('$') => l == rest.trim_end_matches('$'),
                    (Some(rest), _) => l.starts_with(rest),
                    (None, Some(rest)) => l.ends_with(rest),
                    _ => l.contains(p),
                });
                hit != has("v")
            };
            let hits: Vec<(usize, &str)> = lines.iter().enumerate().filter(|(_, l)| matches(l)).map(|(i, l)| (i, *l)).collect();
            if has("c") {
                out.out(&format!("{}\n", hits.len()));
            } else if !has("q") {
                // The lines to print, with context; groups that do not touch are parted by `--`.
                let mut shown: Vec<(usize, bool)> = Vec::new();
                for (i, _) in &hits {
                    for j in i.saturating_sub(before)..=(i + after).min(lines.len().saturating_sub(1)) {
                        let is_match = j == *i || hits.iter().any(|(h, _)| *h == j);
                        match shown.iter_mut().find(|(k, _)| *k == j) {
                            Some(s) => s.1 |= is_match,
                            None => shown.push((j, is_match)),
                        }
                    }
                }
                crate::sort::sort_by_key(&mut shown, |(j, _)| *j);
                let mut last: Option<usize> = None;
                for (j, is_match) in shown {
                    if (after > 0 || before > 0) && last.is_some_and(|l| j > l + 1) {
                        out.out("--\n");
                    }
                    if has("n") {
                        out.out(&format!("{}{}", j + 1, if is_match { ':' } else { '-' }));
                    }
                    out.out(lines[j]);
                    out.out("\n");
                    last = Some(j);
                }
            }
            Some(if hits.is_empty() { 1 } else { 0 })
        }
        "head" => {
            emit(out, &lines[..n.unwrap_or(10).min(lines.len())]);
            Some(0)
        }
        "tail" => {
            let k = n.unwrap_or(10).min(lines.len());
            emit(out, &lines[lines.len() - k..]);
            Some(0)
        }
        "wc" => {
            let (l, w, c) = (lines.len(), text.split_whitespace().count(), text.len());
            let only: Vec<String> = [("l", l), ("w", w), ("c", c)].iter().filter(|(f, _)| has(f)).map(|(_, v)| v.to_string()).collect();
            if only.is_empty() {
                out.out(&format!("{l:>7} {w:>7} {c:>7}\n"));
            } else {
                out.out(&format!("{}\n", only.join(" ")));
            }
            Some(0)
        }
        _ => {
            let mut sorted = lines.clone();
            crate::sort::sort(&mut sorted);
            if has("r") {
                sorted.reverse();
            }
            emit(out, &sorted);
            Some(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(line: &[&str], stdin: &str) -> (String, i32) {
        let mut out = Output::default();
        let argv: Vec<String> = line.iter().map(|s| s.to_string()).collect();
        let code = run(&argv, Some(stdin), &|_| None, &mut out).unwrap();
        (out.text(), code)
    }

    /// GNU grep's context lines (`-A`, `-B`, `-C`; `--` between groups, `N-` for context with
    /// `-n`) and alternatives (`-E 'a|b'`, `'a\|b'`).
    #[test]
    fn grep_prints_context_and_alternatives() {
        let text = "a\nb\nc\nd\ne\nf\ng\n";
        assert_eq!(go(&["grep", "-A1", "b\\|f"], text), ("b\nc\n--\nf\ng\n".into(), 0));
        assert_eq!(go(&["grep", "-n", "-B", "1", "d"], text), ("3-c\n4:d\n".into(), 0));
        assert_eq!(go(&["grep", "-C1", "c"], text), ("b\nc\nd\n".into(), 0));
        assert_eq!(go(&["grep", "-E", "a|g"], text), ("a\ng\n".into(), 0));
        assert_eq!(go(&["grep", "-A", "x", "a"], text), ("grep: x: invalid context length argument\n".into(), 2));
        assert_eq!(go(&["grep", "-A5", "Events"], "Name: web-0\nEvents:\n  Type  Reason\n"), ("Events:\n  Type  Reason\n".into(), 0));
    }

    #[test]
    fn tools_work_on_piped_text() {
        let t = "NAME\nweb-0\nweb-1\ndeploy-x\n";
        assert_eq!(go(&["grep", "web"], t), ("web-0\nweb-1\n".into(), 0));
        assert_eq!(go(&["grep", "-v", "web"], t), ("NAME\ndeploy-x\n".into(), 0));
        assert_eq!(go(&["grep", "nothing"], t).1, 1);
        assert_eq!(go(&["grep", "-c", "^web"], t).0, "2\n");
        assert_eq!(go(&["head", "-n", "2"], t).0, "NAME\nweb-0\n");
        assert_eq!(go(&["head", "-2"], t).0, "NAME\nweb-0\n");
        assert_eq!(go(&["tail", "-n", "1"], t).0, "deploy-x\n");
        assert_eq!(go(&["wc", "-l"], t).0, "4\n");
        assert_eq!(go(&["sort"], "b\na\n").0, "a\nb\n");
        let mut out = Output::default();
        assert_eq!(run(&["grep".to_string()], None, &|_| None, &mut out), Some(2));
        assert_eq!(run(&["ls".to_string()], None, &|_| None, &mut out), None);
    }
}
