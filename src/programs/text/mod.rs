//! The text tools a lab pipes kubectl into: `grep` (`grep.rs`), `sed` (`sed.rs`), `awk`,
//! `head`, `tail`, `wc`, `sort`, `cut`, `tr`, `uniq`, `seq`, `base64`. They read their file
//! arguments or the piped-in text and write as GNU's tools do (busybox's words where they differ
//! and the machine is busybox's). `posix.rs` reads the patterns of grep, sed and awk.

pub mod grep;
pub mod posix;
mod sed;

use crate::shell::Output;

/// Runs a text tool of the lab machine (GNU's), or returns None if `argv[0]` is not one.
pub fn run(
    argv: &[String],
    stdin: Option<&str>,
    read: &dyn Fn(&str) -> Option<String>,
    out: &mut Output,
) -> Option<i32> {
    run_on(argv, stdin, read, false, out)
}

/// Runs a text tool (`busybox`: in busybox's words), or returns None if `argv[0]` is not one.
/// `read` gives a file's text.
pub fn run_on(
    argv: &[String],
    stdin: Option<&str>,
    read: &dyn Fn(&str) -> Option<String>,
    busybox: bool,
    out: &mut Output,
) -> Option<i32> {
    let cmd = argv.first()?.as_str();
    if cmd == "grep" {
        return Some(grep::run(argv, stdin, read, busybox, out));
    }
    if !["head", "tail", "wc", "sort"].contains(&cmd) {
        return None;
    }
    let opts = TextOptions::parse(cmd, argv);
    let text = match input(&opts.args, stdin, read) {
        Ok(t) => t,
        Err(f) => {
            out.err(&format!("{cmd}: {f}: No such file or directory\n"));
            return Some(1);
        }
    };
    if let Some(bytes) = opts.bytes {
        return Some(bytes_of(&text, cmd == "head", bytes, opts.from_start, out));
    }
    let lines: Vec<&str> = text.lines().collect();
    Some(match cmd {
        "head" => emit(out, &lines[..opts.n.unwrap_or(10).min(lines.len())]),
        // `tail -n +N`: from the Nth line on.
        "tail" if opts.from_start => emit(out, &lines[opts.n.unwrap_or(1).saturating_sub(1).min(lines.len())..]),
        "tail" => emit(out, &lines[lines.len() - opts.n.unwrap_or(10).min(lines.len())..]),
        "wc" => wc(&opts, &text, out),
        _ => sort(&opts, &lines, out),
    })
}

/// `head -c N`: the first N bytes as they are (a character cut in two is cut in two);
/// `tail -c N` the last N, `tail -c +N` from the Nth on.
fn bytes_of(text: &str, head: bool, n: usize, from_start: bool, out: &mut Output) -> i32 {
    let all = text.as_bytes();
    let bytes = match (head, from_start) {
        (true, _) => &all[..n.min(all.len())],
        (false, true) => &all[n.saturating_sub(1).min(all.len())..],
        (false, false) => &all[all.len() - n.min(all.len())..],
    };
    out.out(&String::from_utf8_lossy(bytes));
    0
}

/// A text tool's command line: its one-letter flags, its other arguments, the line count of
/// `head`/`tail` (`-n N`, `--lines N`, `--lines=N`, `-N`) and their byte count (`-c N`,
/// `--bytes N`, `--bytes=N`); `tail`'s counts may start with `+` (from that line or byte on).
#[derive(Debug, Default)]
struct TextOptions {
    flags: Vec<String>,
    args: Vec<String>,
    n: Option<usize>,
    bytes: Option<usize>,
    from_start: bool,
}

impl TextOptions {
    /// Reads `argv` for `cmd`.
    fn parse(cmd: &str, argv: &[String]) -> TextOptions {
        let mut o = TextOptions::default();
        let mut i = 1;
        while i < argv.len() {
            let a = &argv[i];
            let ends = cmd == "head" || cmd == "tail";
            if a == "-n" || a == "--lines" {
                i += 1;
                o.n = argv.get(i).and_then(|v| o.count(cmd, v));
            } else if let Some(v) = a.strip_prefix("--lines=") {
                o.n = o.count(cmd, v);
            } else if ends && (a == "-c" || a == "--bytes") {
                i += 1;
                o.bytes = argv.get(i).and_then(|v| o.count(cmd, v));
            } else if let Some(v) =
                a.strip_prefix("--bytes=").or(a.strip_prefix("-c")).filter(|v| ends && !v.is_empty())
            {
                o.bytes = o.count(cmd, v);
            } else if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) {
                o.n = a[1..].parse().ok();
            } else if a.starts_with('-') && a.len() > 1 && o.args.is_empty() {
                o.flags.extend(a[1..].chars().map(|c| c.to_string()));
            } else {
                o.args.push(a.clone());
            }
            i += 1;
        }
        o
    }

    /// A count of lines or bytes; `tail`'s `+N` counts from the start.
    fn count(&mut self, cmd: &str, v: &str) -> Option<usize> {
        match v.strip_prefix('+') {
            Some(n) if cmd == "tail" => {
                self.from_start = true;
                n.parse().ok()
            }
            _ => v.parse().ok(),
        }
    }

    /// Whether the one-letter flag `f` was given.
    fn has(&self, f: &str) -> bool {
        self.flags.iter().any(|x| x == f)
    }
}

/// The text of the files named, or what was piped in when none is; the first missing file.
fn input<'a>(
    files: &'a [String],
    stdin: Option<&str>,
    read: &dyn Fn(&str) -> Option<String>,
) -> Result<String, &'a str> {
    let mut text = String::new();
    if files.is_empty() {
        text.push_str(stdin.unwrap_or(""));
    }
    for f in files {
        text.push_str(&read(f).ok_or(f.as_str())?);
    }
    Ok(text)
}

/// Writes lines, each ended; exit status 0.
fn emit(out: &mut Output, ls: &[&str]) -> i32 {
    for l in ls {
        out.out(l);
        out.out("\n");
    }
    0
}

/// wc: lines, words and bytes, or only those its flags ask for.
fn wc(opts: &TextOptions, text: &str, out: &mut Output) -> i32 {
    let (l, w, c) = (text.lines().count(), text.split_whitespace().count(), text.len());
    let only: Vec<String> =
        [("l", l), ("w", w), ("c", c)].iter().filter(|(f, _)| opts.has(f)).map(|(_, v)| v.to_string()).collect();
    if only.is_empty() {
        out.out(&format!("{l:>7} {w:>7} {c:>7}\n"));
    } else {
        out.out(&format!("{}\n", only.join(" ")));
    }
    0
}

/// sort: the lines in byte order, `-r` reversed.
fn sort(opts: &TextOptions, lines: &[&str], out: &mut Output) -> i32 {
    let mut sorted = lines.to_vec();
    crate::support::sort::sort(&mut sorted);
    if opts.has("r") {
        sorted.reverse();
    }
    emit(out, &sorted)
}

/// The other text tools a lab reaches for, on the lab machine (GNU's).
pub fn run_more(
    argv: &[String],
    stdin: Option<&str>,
    read: &dyn Fn(&str) -> Option<String>,
    write: &mut dyn FnMut(&str, &str),
    out: &mut Output,
) -> Option<i32> {
    run_more_on(argv, stdin, read, write, false, out)
}

/// The other text tools a lab reaches for: `base64`, `cut`, `tr`, `uniq`, `seq`, `sed` and `awk`
/// (`[pattern] { print ... }`). `write` saves a file (`sed -i`); `busybox`: in busybox's words.
pub fn run_more_on(
    argv: &[String],
    stdin: Option<&str>,
    read: &dyn Fn(&str) -> Option<String>,
    write: &mut dyn FnMut(&str, &str),
    busybox: bool,
    out: &mut Output,
) -> Option<i32> {
    let cmd = argv.first()?.as_str();
    if !MORE.contains(&cmd) {
        return None;
    }
    let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
    // The input: the named files, or what was piped in.
    let input = |files: &[&str], out: &mut Output| -> Option<String> {
        if files.is_empty() || files == ["-"] {
            return Some(stdin.unwrap_or("").to_string());
        }
        let mut text = String::new();
        for f in files {
            match read(f) {
                Some(t) => text.push_str(&t),
                None => {
                    out.err(&format!("{cmd}: {f}: No such file or directory\n"));
                    return None;
                }
            }
        }
        Some(text)
    };
    Some(match cmd {
        "base64" => {
            let decode = args.iter().any(|a| matches!(*a, "-d" | "--decode" | "-D"));
            let files: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
            let Some(text) = input(&files, out) else { return Some(1) };
            if decode {
                let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                match crate::support::base64::decode(&clean) {
                    Some(bytes) => {
                        out.out(&String::from_utf8_lossy(&bytes));
                        0
                    }
                    None => {
                        out.err("base64: invalid input\n");
                        1
                    }
                }
            } else {
                let coded = crate::support::base64::encode(text.as_bytes());
                let wrap = !args.iter().any(|a| *a == "-w0" || *a == "--wrap=0");
                if wrap {
                    for chunk in coded.as_bytes().chunks(76) {
                        out.out(&String::from_utf8_lossy(chunk));
                        out.out("\n");
                    }
                } else {
                    out.out(&coded);
                }
                0
            }
        }
        "cut" => cut(&args, &input, out),
        "tr" => {
            let delete = args.first() == Some(&"-d");
            let sets: Vec<String> =
                args.iter().filter(|a| !a.starts_with('-') || a.len() == 1).map(|a| expand_set(a)).collect();
            let text = stdin.unwrap_or("");
            let mapped: String = if delete {
                let gone = sets.first().cloned().unwrap_or_default();
                text.chars().filter(|c| !gone.contains(*c)).collect()
            } else {
                let (from, to): (Vec<char>, Vec<char>) = (
                    sets.first().map(|s| s.chars().collect()).unwrap_or_default(),
                    sets.get(1).map(|s| s.chars().collect()).unwrap_or_default(),
                );
                if from.is_empty() || to.is_empty() {
                    out.err("tr: missing operand\nTry 'tr --help' for more information.\n");
                    return Some(1);
                }
                text.chars().map(|c| from.iter().position(|f| *f == c).map_or(c, |i| to[i.min(to.len() - 1)])).collect()
            };
            out.out(&mapped);
            0
        }
        "uniq" => {
            let count = args.contains(&"-c");
            let files: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
            let Some(text) = input(&files, out) else { return Some(1) };
            let mut groups: Vec<(usize, &str)> = Vec::new();
            for l in text.lines() {
                match groups.last_mut() {
                    Some((n, last)) if *last == l => *n += 1,
                    _ => groups.push((1, l)),
                }
            }
            for (n, l) in groups {
                if count {
                    out.out(&format!("{n:>7} {l}\n"));
                } else {
                    out.out(&format!("{l}\n"));
                }
            }
            0
        }
        "seq" => {
            let nums: Vec<i64> = args.iter().filter_map(|a| a.parse().ok()).collect();
            let (first, step, last) = match nums.as_slice() {
                [l] => (1, 1, *l),
                [f, l] => (*f, 1, *l),
                [f, s, l] => (*f, *s, *l),
                _ => {
                    out.err("seq: missing operand\nTry 'seq --help' for more information.\n");
                    return Some(1);
                }
            };
            if step == 0 {
                out.err("seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n");
                return Some(1);
            }
            let (mut n, mut printed) = (first, String::new());
            while (step > 0 && n <= last) || (step < 0 && n >= last) {
                printed.push_str(&format!("{n}\n"));
                if printed.len() > crate::shell::MAX_TEXT {
                    // k8s-diff: GNU seq goes on to the last number; the lab stops where a pipe's
                    // text ends.
                    out.out(&printed);
                    out.err(&format!(
                        "kubelab: seq: stopped at {n}, after {} bytes, the most the lab's text holds\n",
                        printed.len()
                    ));
                    return Some(1);
                }
                let Some(next) = n.checked_add(step) else { break };
                n = next;
            }
            out.out(&printed);
            0
        }
        "sed" => sed::run(&args, stdin, read, write, busybox, out),
        _ => awk(&args, &input, out),
    })
}

const MORE: &[&str] = &["base64", "cut", "tr", "uniq", "seq", "sed", "awk"];

/// Whether `cmd` is one of the text tools.
pub fn is_tool(cmd: &str) -> bool {
    ["grep", "head", "tail", "wc", "sort"].contains(&cmd) || MORE.contains(&cmd)
}

/// `tr`'s sets: ranges (`a-z`), classes (`[:upper:]`), `\n` and `\t`.
fn expand_set(s: &str) -> String {
    let s = s
        .replace("[:upper:]", "A-Z")
        .replace("[:lower:]", "a-z")
        .replace("[:digit:]", "0-9")
        .replace("[:space:]", " \t\n")
        .replace("\\n", "\n")
        .replace("\\t", "\t");
    let c: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        if i + 2 < c.len() && c[i + 1] == '-' && c[i] <= c[i + 2] {
            for x in c[i]..=c[i + 2] {
                out.push(x);
            }
            i += 3;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// `cut -d D -f LIST` and `cut -c LIST`.
fn cut(args: &[&str], input: &dyn Fn(&[&str], &mut Output) -> Option<String>, out: &mut Output) -> i32 {
    let mut delim = '\t';
    let mut fields: Option<&str> = None;
    let mut chars: Option<&str> = None;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        let value = |i: &mut usize, flag: &str| -> String {
            if a.len() > flag.len() {
                a[flag.len()..].to_string()
            } else {
                *i += 1;
                args.get(*i).copied().unwrap_or("").to_string()
            }
        };
        if a.starts_with("-d") {
            delim = value(&mut i, "-d").chars().next().unwrap_or('\t');
        } else if a.starts_with("-f") {
            fields = Some(args.get(i).copied().filter(|x| x.len() > 2).map(|x| &x[2..]).unwrap_or_else(|| {
                i += 1;
                args.get(i).copied().unwrap_or("")
            }));
        } else if a.starts_with("-c") {
            chars = Some(args.get(i).copied().filter(|x| x.len() > 2).map(|x| &x[2..]).unwrap_or_else(|| {
                i += 1;
                args.get(i).copied().unwrap_or("")
            }));
        } else {
            files.push(a);
        }
        i += 1;
    }
    let Some(list) = fields.or(chars) else {
        out.err(
            "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n",
        );
        return 1;
    };
    let wanted = |n: usize| {
        list.split(',').any(|r| match r.split_once('-') {
            Some((a, b)) => a.parse().unwrap_or(1) <= n && (b.is_empty() || n <= b.parse().unwrap_or(usize::MAX)),
            None => r.parse() == Ok(n),
        })
    };
    let Some(text) = input(&files, out) else { return 1 };
    for l in text.lines() {
        if chars.is_some() {
            let s: String = l.chars().enumerate().filter(|(i, _)| wanted(i + 1)).map(|(_, c)| c).collect();
            out.out(&format!("{s}\n"));
        } else if !l.contains(delim) {
            out.out(&format!("{l}\n"));
        } else {
            let picked: Vec<&str> = l.split(delim).enumerate().filter(|(i, _)| wanted(i + 1)).map(|(_, f)| f).collect();
            out.out(&format!("{}\n", picked.join(&delim.to_string())));
        }
    }
    0
}

/// `awk [-F SEP] '[NR>N | NR==N | /PAT/ | $N=="S"] { print ITEMS }'`: fields `$N`, `$NF`, `$0`,
/// `NR`, `NF`, quoted strings; `,` puts a space between items.
fn awk(args: &[&str], input: &dyn Fn(&[&str], &mut Output) -> Option<String>, out: &mut Output) -> i32 {
    let mut sep: Option<String> = None;
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if let Some(s) = args[i].strip_prefix("-F") {
            sep = Some(if s.is_empty() {
                i += 1;
                args.get(i).copied().unwrap_or(" ").to_string()
            } else {
                s.to_string()
            });
        } else {
            rest.push(args[i]);
        }
        i += 1;
    }
    let Some((prog, files)) = rest.split_first() else {
        out.err("usage: awk [-F value] [-v var=value] [--] 'program text' [file ...]\n");
        return 2;
    };
    let prog = prog.trim();
    let (cond, action) = match prog.find('{') {
        Some(b) => (prog[..b].trim(), prog[b + 1..].trim_end().trim_end_matches('}').trim()),
        None => (prog, "print $0"),
    };
    let Some(items) = action.strip_prefix("print").map(str::trim) else {
        out.err(&format!("awk: syntax error in '{action}': only print is modelled here\n"));
        return 2;
    };
    let pattern = match awk_pattern(cond) {
        Ok(p) => p,
        Err(e) => {
            out.err(&e);
            return 2;
        }
    };
    let Some(text) = input(files, out) else { return 2 };
    if let Some((_, weight)) = &pattern {
        if !posix::affordable(*weight, text.len()) {
            out.err(&grep::too_costly("awk", *weight, text.len()));
            return 2;
        }
    }
    for (n, line) in text.lines().enumerate() {
        let nr = n + 1;
        let fields: Vec<&str> = match &sep {
            Some(s) if s != " " => line.split(s.as_str()).collect(),
            _ => line.split_whitespace().collect(),
        };
        let field = |spec: &str| -> String {
            match spec {
                "$0" => line.to_string(),
                "$NF" => fields.last().copied().unwrap_or("").to_string(),
                "NR" => nr.to_string(),
                "NF" => fields.len().to_string(),
                s => match s.strip_prefix('$').and_then(|k| k.parse::<usize>().ok()) {
                    Some(k) if k >= 1 => fields.get(k - 1).copied().unwrap_or("").to_string(),
                    _ => s.trim_matches('"').to_string(),
                },
            }
        };
        let keep = if cond.is_empty() {
            true
        } else if let Some((re, _)) = &pattern {
            re.is_match(line)
        } else if let Some((l, r)) = cond.split_once("==") {
            field(l.trim()) == field(r.trim())
        } else if let Some((l, r)) = cond.split_once("!=") {
            field(l.trim()) != field(r.trim())
        } else if let Some((l, r)) = cond.split_once('>') {
            field(l.trim()).parse::<f64>().unwrap_or(0.0) > field(r.trim()).parse::<f64>().unwrap_or(0.0)
        } else if let Some((l, r)) = cond.split_once('<') {
            field(l.trim()).parse::<f64>().unwrap_or(0.0) < field(r.trim()).parse::<f64>().unwrap_or(0.0)
        } else {
            true
        };
        if !keep {
            continue;
        }
        let printed: Vec<String> = if items.is_empty() {
            vec![line.to_string()]
        } else {
            items.split(',').map(|part| awk_concat(part.trim(), &field)).collect()
        };
        out.out(&format!("{}\n", printed.join(" ")));
    }
    0
}

/// The pattern of an awk condition `/re/`: an extended expression (POSIX awk), `\/` a slash.
fn awk_pattern(cond: &str) -> Result<Option<(regex_lite::Regex, u64)>, String> {
    let Some(p) = cond.strip_prefix('/').and_then(|c| c.strip_suffix('/')) else { return Ok(None) };
    let p = p.replace("\\/", "/");
    // k8s-diff: gawk and mawk word a bad pattern their own ways (gawk points at it under the
    // program's line); the lab words it as busybox's awk does.
    let bad = |e: &str| format!("awk: bad regex '{p}': {e}\n");
    let t = posix::translate(&p, posix::Syntax::Extended).map_err(bad)?;
    Ok(Some((posix::compile(&t.pattern, false).map_err(bad)?, t.weight)))
}

/// Items side by side in a print (`$1 "-" $2`) are joined without a space.
fn awk_concat(part: &str, field: &dyn Fn(&str) -> String) -> String {
    let mut s = String::new();
    let mut rest = part.trim();
    while !rest.is_empty() {
        let (tok, next) = if let Some(q) = rest.strip_prefix('"') {
            match q.find('"') {
                Some(end) => (&rest[..end + 2], &q[end + 1..]),
                None => (rest, ""),
            }
        } else {
            let end = rest.find([' ', '"']).unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        s.push_str(&field(tok));
        rest = next.trim_start();
    }
    s
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

    fn more(line: &[&str], stdin: &str) -> (String, i32) {
        let mut out = Output::default();
        let argv: Vec<String> = line.iter().map(|s| s.to_string()).collect();
        let code = run_more(&argv, Some(stdin), &|_| None, &mut |_, _| {}, &mut out).unwrap();
        (out.text(), code)
    }

    /// What coreutils, sed and awk print for the uses labs make of them.
    #[test]
    fn the_other_text_tools() {
        assert_eq!(more(&["base64"], "hello\n"), ("aGVsbG8K\n".into(), 0));
        assert_eq!(more(&["base64", "-d"], "czNjcmV0"), ("s3cret".into(), 0));
        assert_eq!(more(&["base64", "-d"], "%%%"), ("base64: invalid input\n".into(), 1));
        assert_eq!(more(&["cut", "-d/", "-f2"], "pod/web-0\npod/web-1\n"), ("web-0\nweb-1\n".into(), 0));
        assert_eq!(more(&["cut", "-c1-3"], "abcdef\n"), ("abc\n".into(), 0));
        assert_eq!(more(&["cut", "-d", " ", "-f", "1,3"], "a b c d\nnodelim\n"), ("a c\nnodelim\n".into(), 0));
        assert_eq!(more(&["tr", "a-z", "A-Z"], "Hello\n"), ("HELLO\n".into(), 0));
        assert_eq!(more(&["tr", "-d", "\\n"], "a\nb\n"), ("ab".into(), 0));
        assert_eq!(more(&["uniq", "-c"], "a\na\nb\na\n"), ("      2 a\n      1 b\n      1 a\n".into(), 0));
        assert_eq!(more(&["seq", "3"], ""), ("1\n2\n3\n".into(), 0));
        assert_eq!(more(&["seq", "0", "2", "4"], ""), ("0\n2\n4\n".into(), 0));
        let top = ["seq", "9223372036854775806", "9223372036854775807"];
        assert_eq!(more(&top, ""), ("9223372036854775806\n9223372036854775807\n".into(), 0));
        // Real seq prints 100,000,000 lines; the lab stops past 16 MiB and says so.
        let (printed, code) = more(&["seq", "100000000"], "");
        let said = "kubelab: seq: stopped at 2236041, after 16777224 bytes, the most the lab's text holds\n";
        assert_eq!((code, printed.len() - said.len()), (1, 16_777_224));
        assert!(printed.ends_with(&format!("\n2236041\n{said}")));
        assert_eq!(more(&["sed", "s/a/X/"], "aaa\nbab\n"), ("Xaa\nbXb\n".into(), 0));
        assert_eq!(more(&["sed", "s|a|X|g"], "aaa\n"), ("XXX\n".into(), 0));
        assert_eq!(more(&["sed", "/b/d"], "a\nb\nc\n"), ("a\nc\n".into(), 0));
        assert_eq!(more(&["awk", "{print $1, $3}"], "web-0 1/1 Running\n"), ("web-0 Running\n".into(), 0));
        assert_eq!(more(&["awk", "NR>1 {print $NF}"], "A B\nc d\ne f\n"), ("d\nf\n".into(), 0));
        assert_eq!(more(&["awk", "-F:", "{print $2 \"-\" $1}"], "a:b\n"), ("b-a\n".into(), 0));
        assert_eq!(more(&["awk", "/Running/ {print $1}"], "x Running\ny Pending\n"), ("x\n".into(), 0));
        // POSIX awk's patterns are extended expressions.
        assert_eq!(
            more(&["awk", "/^web-[0-9]+ / {print $1}"], "web-0 a\nweb-x b\nweb-12 c\n"),
            ("web-0\nweb-12\n".into(), 0)
        );
        assert_eq!(more(&["awk", "/a\\/b/"], "a/b\nab\n"), ("a/b\n".into(), 0));
        assert_eq!(more(&["awk", "/(web/"], "x\n"), ("awk: bad regex '(web': Unmatched ( or \\(\n".into(), 2));
        assert_eq!(more(&["awk", "$3==\"Pending\" {print NR}"], "x 1 Running\ny 1 Pending\n"), ("2\n".into(), 0));
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

    #[test]
    fn head_tail_counts_and_missing_files() {
        let text = "1
2
3
4
";
        assert_eq!(
            go(&["head", "-2"], text),
            (
                "1
2
"
                .into(),
                0
            )
        );
        assert_eq!(
            go(&["tail", "-n", "1"], text),
            (
                "4
"
                .into(),
                0
            )
        );
        assert_eq!(go(&["tail", "--lines=9"], text), (text.into(), 0));
        // GNU head's -c: the first N bytes, newlines among them.
        assert_eq!(go(&["head", "-c", "3"], text), ("1\n2".into(), 0));
        assert_eq!(go(&["head", "-c5"], text), ("1\n2\n3".into(), 0));
        assert_eq!(go(&["head", "--bytes=99"], text), (text.into(), 0));
        assert_eq!(
            go(&["wc", "-l"], text),
            (
                "4
"
                .into(),
                0
            )
        );
        assert_eq!(
            go(
                &["sort", "-r"],
                "b
a
c
"
            ),
            (
                "c
b
a
"
                .into(),
                0
            )
        );
        assert_eq!(
            go(&["head", "x.txt"], ""),
            (
                "head: x.txt: No such file or directory
"
                .into(),
                1
            )
        );
        assert_eq!(
            go(&["grep", "a", "x.txt"], ""),
            (
                "grep: x.txt: No such file or directory
"
                .into(),
                2
            )
        );
    }
}
