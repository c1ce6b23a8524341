//! `grep` as GNU grep 3 on the lab machine and busybox's in small images: basic (`-G`),
//! extended (`-E`) and fixed (`-F`) patterns, several of them (`-e`, or lines of one), `-i`,
//! `-v`, `-w`, `-x`, `-c`, `-l`, `-n`, `-o`, `-q`, `-s`, `-h`/`-H`, `-m`, and context
//! (`-A`, `-B`, `-C`, `-NUM`). Options may come after the pattern, as getopt permutes them.

use super::posix::{self, Syntax};
use crate::shell::Output;
use regex_lite::Regex;

const USAGE: &str = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";

/// Which patterns grep reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Kind {
    #[default]
    Basic,
    Extended,
    Fixed,
}

/// grep's command line.
#[derive(Debug, Default)]
struct Opts {
    patterns: Option<Vec<String>>,
    operands: Vec<String>,
    kind: Kind,
    icase: bool,
    invert: bool,
    count: bool,
    list: bool,
    number: bool,
    only: bool,
    word: bool,
    line: bool,
    quiet: bool,
    silent: bool,
    names: Option<bool>,
    max: Option<usize>,
    after: usize,
    before: usize,
}

/// Runs `grep`; `read` gives a file's text, `busybox` picks busybox's words for a bad pattern.
pub fn run(
    argv: &[String],
    stdin: Option<&str>,
    read: &dyn Fn(&str) -> Option<String>,
    busybox: bool,
    out: &mut Output,
) -> i32 {
    let mut o = match parse(argv) {
        Ok(o) => o,
        Err(e) => {
            out.err(&e);
            return 2;
        }
    };
    let patterns = match o.patterns.take() {
        Some(p) => p,
        None if o.operands.is_empty() => {
            out.err(USAGE);
            return 2;
        }
        None => vec![o.operands.remove(0)],
    };
    let re = match matcher(&o, &patterns, busybox) {
        Ok(m) => m,
        Err(e) => {
            out.err(&e);
            return 2;
        }
    };
    search(&o, &re, stdin, read, out)
}

/// The one pattern that matches what any of grep's patterns matches, as `-w`/`-x` and `-i` ask.
fn matcher(o: &Opts, patterns: &[String], busybox: bool) -> Result<(Regex, u64), String> {
    // GNU grep reads each line of a pattern as a pattern of its own.
    let all: Vec<&str> = patterns.iter().flat_map(|p| p.split('\n')).collect();
    let syntax = match (o.kind, busybox) {
        (Kind::Extended, false) => Syntax::GrepExtended,
        (Kind::Extended, true) => Syntax::Extended,
        (_, false) => Syntax::GrepBasic,
        (_, true) => Syntax::Basic,
    };
    let (mut alternatives, mut weight) = (Vec::new(), 0u64);
    for p in all {
        let one = if o.kind == Kind::Fixed {
            weight = weight.saturating_add(p.chars().count() as u64);
            posix::literal(p)
        } else {
            let t = posix::translate(p, syntax).map_err(|e| bad_pattern(p, e, busybox))?;
            weight = weight.saturating_add(t.weight);
            t.pattern
        };
        alternatives.push(if o.line {
            format!("^(?:{one})$")
        } else if o.word {
            // grep -w: no word character ([[:alnum:]_]) just before the match nor just after.
            format!("\\b{{start-half}}(?:{one})\\b{{end-half}}")
        } else {
            format!("(?:{one})")
        });
    }
    // k8s-diff: GNU grep picks the longest of the leftmost matches (POSIX); regex-lite picks
    // the first alternative that matches there, which `-o` shows for patterns like `a|ab`.
    let re =
        posix::compile(&alternatives.join("|"), o.icase).map_err(|e| bad_pattern(&patterns.join("\n"), e, busybox))?;
    Ok((re, weight))
}

/// What the lab says of a pattern too costly for the text (see [`posix::affordable`]).
pub fn too_costly(tool: &str, weight: u64, bytes: usize) -> String {
    format!("kubelab: {tool}: stopped: a pattern of {weight} positions over {bytes} bytes of text passes the lab's work budget\n")
}

/// A bad pattern in the words of GNU grep (glibc's message) or busybox (`xregcomp`'s
/// `bad regex '%s': %s`); both exit 2 (busybox's `grep_main` sets `xfunc_error_retval = 2`).
fn bad_pattern(p: &str, e: &str, busybox: bool) -> String {
    if busybox {
        format!("grep: bad regex '{p}': {e}\n")
    } else {
        format!("grep: {e}\n")
    }
}

/// Reads grep's arguments as getopt_long does (options anywhere before `--`).
fn parse(argv: &[String]) -> Result<Opts, String> {
    let mut o = Opts::default();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        i += 1;
        if a == "--" {
            o.operands.extend(argv[i..].iter().cloned());
            break;
        } else if let Some(long) = a.strip_prefix("--") {
            let (name, value) = long.split_once('=').map_or((long, None), |(n, v)| (n, Some(v.to_string())));
            long_option(&mut o, name, value, argv, &mut i)?;
        } else if a.len() > 1 && a.starts_with('-') {
            short_options(&mut o, &a[1..], argv, &mut i)?;
        } else {
            o.operands.push(a.to_string());
        }
    }
    Ok(o)
}

/// A cluster of short options (`-inA2`); one that takes a value takes the rest or the next word.
fn short_options(o: &mut Opts, cluster: &str, argv: &[String], i: &mut usize) -> Result<(), String> {
    if cluster.chars().all(|c| c.is_ascii_digit()) {
        return set_value(o, 'C', cluster);
    }
    for (at, c) in cluster.char_indices() {
        if "eABCm".contains(c) {
            let rest = &cluster[at + 1..];
            let value = if rest.is_empty() {
                let Some(v) = argv.get(*i) else {
                    return Err(format!("grep: option requires an argument -- '{c}'\n{USAGE}"));
                };
                *i += 1;
                v.clone()
            } else {
                rest.to_string()
            };
            return set_value(o, c, &value);
        }
        if !flag(o, c) {
            return Err(format!("grep: invalid option -- '{c}'\n{USAGE}"));
        }
    }
    Ok(())
}

/// Sets a flag that takes no value; false if grep has no such flag.
fn flag(o: &mut Opts, c: char) -> bool {
    match c {
        'E' => o.kind = Kind::Extended,
        'F' => o.kind = Kind::Fixed,
        'G' => o.kind = Kind::Basic,
        'i' | 'y' => o.icase = true,
        'v' => o.invert = true,
        'c' => o.count = true,
        'l' => o.list = true,
        'n' => o.number = true,
        'o' => o.only = true,
        'w' => o.word = true,
        'x' => o.line = true,
        'q' => o.quiet = true,
        's' => o.silent = true,
        'h' => o.names = Some(false),
        'H' => o.names = Some(true),
        _ => return false,
    }
    true
}

/// An option with a value: a pattern (`-e`), a context length or a count (`-m`).
fn set_value(o: &mut Opts, c: char, v: &str) -> Result<(), String> {
    if c == 'e' {
        o.patterns.get_or_insert_with(Vec::new).push(v.to_string());
        return Ok(());
    }
    if c == 'm' {
        o.max = Some(v.parse().map_err(|_| "grep: invalid max count\n".to_string())?);
        return Ok(());
    }
    let n: usize = v.parse().map_err(|_| format!("grep: {v}: invalid context length argument\n"))?;
    match c {
        'A' => o.after = n,
        'B' => o.before = n,
        _ => (o.after, o.before) = (n, n),
    }
    Ok(())
}

/// The long options a lab uses, by their full names.
fn long_option(o: &mut Opts, name: &str, value: Option<String>, argv: &[String], i: &mut usize) -> Result<(), String> {
    let short = match name {
        "regexp" => 'e',
        "after-context" => 'A',
        "before-context" => 'B',
        "context" => 'C',
        "max-count" => 'm',
        "extended-regexp" => 'E',
        "fixed-strings" => 'F',
        "basic-regexp" => 'G',
        "ignore-case" => 'i',
        "invert-match" => 'v',
        "count" => 'c',
        "files-with-matches" => 'l',
        "line-number" => 'n',
        "only-matching" => 'o',
        "word-regexp" => 'w',
        "line-regexp" => 'x',
        "quiet" | "silent" => 'q',
        "no-messages" => 's',
        "no-filename" => 'h',
        "with-filename" => 'H',
        n if n.starts_with("color") || n.starts_with("colour") => return Ok(()),
        _ => return Err(format!("grep: unrecognized option '--{name}'\n{USAGE}")),
    };
    if !"eABCm".contains(short) {
        flag(o, short);
        return Ok(());
    }
    let value = match value {
        Some(v) => v,
        None => {
            let Some(v) = argv.get(*i) else {
                return Err(format!("grep: option '--{name}' requires an argument\n{USAGE}"));
            };
            *i += 1;
            v.clone()
        }
    };
    set_value(o, short, &value)
}

/// Goes through the files (or what is piped in) and prints what the options ask for.
fn search(
    o: &Opts,
    (re, weight): &(Regex, u64),
    stdin: Option<&str>,
    read: &dyn Fn(&str) -> Option<String>,
    out: &mut Output,
) -> i32 {
    let files: Vec<&str> =
        if o.operands.is_empty() { vec!["-"] } else { o.operands.iter().map(String::as_str).collect() };
    let named = o.names.unwrap_or(files.len() > 1);
    let (mut selected, mut trouble, mut separate, mut bytes) = (false, false, false, 0);
    for f in files {
        let text = if f == "-" { Some(stdin.unwrap_or("").to_string()) } else { read(f) };
        let Some(text) = text else {
            if !o.silent {
                out.err(&format!("grep: {f}: No such file or directory\n"));
            }
            trouble = true;
            continue;
        };
        bytes += text.len();
        if !posix::affordable(*weight, bytes) {
            out.err(&too_costly("grep", *weight, bytes));
            return 2;
        }
        let label = if f == "-" { "(standard input)" } else { f };
        let prefix = if named { Some(label) } else { None };
        let hits = one_file(o, re, &text, prefix, &mut separate, out);
        selected |= hits > 0;
        if selected && o.quiet {
            return 0;
        }
    }
    if trouble && !(o.quiet && selected) {
        2
    } else if selected {
        0
    } else {
        1
    }
}

/// One file's selected lines, printed as asked; how many were selected.
fn one_file(o: &Opts, re: &Regex, text: &str, name: Option<&str>, separate: &mut bool, out: &mut Output) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let mut hits: Vec<usize> = (0..lines.len()).filter(|&i| re.is_match(lines[i]) != o.invert).collect();
    hits.truncate(o.max.unwrap_or(usize::MAX));
    let label = |sep: char| name.map(|n| format!("{n}{sep}")).unwrap_or_default();
    if o.quiet {
        return hits.len();
    }
    if o.list {
        if !hits.is_empty() {
            out.out(&format!("{}\n", name.unwrap_or("(standard input)")));
        }
        return hits.len();
    }
    if o.count {
        out.out(&format!("{}{}\n", label(':'), hits.len()));
        return hits.len();
    }
    let context = !o.only && (o.after > 0 || o.before > 0);
    let (before, after) = if context { (o.before, o.after) } else { (0, 0) };
    let mut last: Option<usize> = None;
    for (j, is_match) in shown_lines(&hits, lines.len(), before, after) {
        if context && (*separate && last.is_none_or(|l| j > l + 1)) {
            out.out("--\n");
        }
        let sep = if is_match { ':' } else { '-' };
        let number = if o.number { format!("{}{sep}", j + 1) } else { String::new() };
        if o.only {
            // -o prints each non-empty match of a selected line (none when -v selects it).
            for m in re.find_iter(lines[j]).filter(|m| !m.as_str().is_empty() && !o.invert) {
                out.out(&format!("{}{number}{}\n", label(sep), m.as_str()));
            }
        } else {
            out.out(&format!("{}{number}{}\n", label(sep), lines[j]));
        }
        (last, *separate) = (Some(j), true);
    }
    hits.len()
}

/// The lines grep prints for the matches at `hits`, with `before` and `after` lines of context,
/// in order, each with whether it matched.
fn shown_lines(hits: &[usize], total: usize, before: usize, after: usize) -> Vec<(usize, bool)> {
    let mut shown: Vec<(usize, bool)> = Vec::new();
    let mut next = 0;
    for (k, &i) in hits.iter().enumerate() {
        let from = i.saturating_sub(before).max(next);
        let to = (i + after).min(total.saturating_sub(1));
        let next_hit = hits.get(k + 1).copied();
        for j in from..=to {
            if next_hit.is_some_and(|h| j >= h) {
                break;
            }
            shown.push((j, j == i));
            next = j + 1;
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grep(line: &[&str], stdin: &str) -> (String, i32) {
        grep_on(line, stdin, false)
    }

    fn grep_on(line: &[&str], stdin: &str, busybox: bool) -> (String, i32) {
        let mut out = Output::default();
        let argv: Vec<String> = line.iter().map(|s| s.to_string()).collect();
        let read = |f: &str| (f == "pods.txt").then(|| "web-0\nweb-1\n".to_string());
        let code = run(&argv, Some(stdin), &read, busybox, &mut out);
        (out.text(), code)
    }

    const PODS: &str = "NAME    READY   STATUS    RESTARTS   AGE\nweb-0   1/1     Running   0          10s\n\
                        web-1   1/1     Running   0          8s\nweb-10  0/1     Pending   0          1s\n";

    /// The line: a bracket expression picks web-0 and web-1 (and web-10, which has
    /// `web-1` in it, as GNU grep prints it too).
    #[test]
    fn a_bracket_expression_selects_pods() {
        let (o, code) = grep(&["grep", "web-[01] "], PODS);
        assert_eq!(code, 0);
        assert_eq!(o, "web-0   1/1     Running   0          10s\nweb-1   1/1     Running   0          8s\n");
        assert_eq!(grep(&["grep", "-c", "web-[01]"], PODS), ("3\n".into(), 0));
        assert_eq!(grep(&["grep", "-E", "-c", "^web-[0-9]+ +1/1"], PODS), ("2\n".into(), 0));
        assert_eq!(grep(&["grep", "-c", "^web-[0-9]\\+ \\+1/1"], PODS), ("2\n".into(), 0));
    }

    /// GNU grep's manual, "Usage": -o prints each match on its own line; -w wants word
    /// constituents (letters, digits, underscore) on neither side; -x the whole line.
    #[test]
    fn only_matching_words_and_lines() {
        assert_eq!(grep(&["grep", "-o", "web-[0-9]*"], PODS), ("web-0\nweb-1\nweb-10\n".into(), 0));
        assert_eq!(grep(&["grep", "-on", "[0-9]s"], "a 10s 3s\nb\n"), ("1:0s\n1:3s\n".into(), 0));
        assert_eq!(grep(&["grep", "-w", "web-1"], PODS).0, "web-1   1/1     Running   0          8s\n");
        assert_eq!(grep(&["grep", "-wo", "a"], "a a_a a\n"), ("a\na\n".into(), 0));
        assert_eq!(grep(&["grep", "-x", "web-[01]"], "web-0\nweb-01\n"), ("web-0\n".into(), 0));
        assert_eq!(grep(&["grep", "-xv", "web-[01]"], "web-0\nweb-01\n"), ("web-01\n".into(), 0));
        assert_eq!(grep(&["grep", "-ov", "a"], "a\nb\n"), ("".into(), 0));
    }

    /// Several patterns: `-e` each, or a pattern's lines; `-F` reads them as they are; `-i`.
    #[test]
    fn several_fixed_and_folded_patterns() {
        assert_eq!(grep(&["grep", "-e", "web-0", "-e", "Pending"], PODS).0.lines().count(), 2);
        assert_eq!(grep(&["grep", "a\nc"], "a\nb\nc\n"), ("a\nc\n".into(), 0));
        assert_eq!(grep(&["grep", "-F", "a.c"], "abc\na.c\n"), ("a.c\n".into(), 0));
        assert_eq!(grep(&["grep", "a.c"], "abc\na.c\n"), ("abc\na.c\n".into(), 0));
        assert_eq!(grep(&["grep", "-Fx", "[x]"], "[x]\nx\n"), ("[x]\n".into(), 0));
        assert_eq!(grep(&["grep", "-i", "RUNNING"], PODS).0.lines().count(), 2);
        assert_eq!(grep(&["grep", "running", "-i", "pods.txt"], ""), ("".into(), 1));
        assert_eq!(
            grep(&["grep", "-e", "web", "pods.txt", "-", "nope"], "web-9\n"),
            (
                "pods.txt:web-0\npods.txt:web-1\n(standard input):web-9\ngrep: nope: No such file or directory\n"
                    .into(),
                2
            )
        );
        assert_eq!(grep(&["grep", "-q", "web", "pods.txt", "nope"], ""), ("".into(), 0));
        assert_eq!(grep(&["grep", "-m1", "web"], PODS).0.lines().count(), 1);
    }

    /// GNU grep's exit status 2 and glibc's words for a bad pattern; busybox's `bad regex`.
    #[test]
    fn bad_patterns_and_options() {
        assert_eq!(grep(&["grep", "web-["], PODS), ("grep: Unmatched [, [^, [:, [., or [=\n".into(), 2));
        assert_eq!(grep(&["grep", "-E", "(web"], PODS), ("grep: Unmatched ( or \\(\n".into(), 2));
        assert_eq!(grep(&["grep", "a\\{1,x\\}"], PODS), ("grep: Invalid content of \\{\\}\n".into(), 2));
        assert_eq!(grep(&["grep", "[[:foo:]]"], PODS), ("grep: Invalid character class name\n".into(), 2));
        assert_eq!(
            grep(&["grep", "[:digit:]"], PODS),
            ("grep: character class syntax is [[:space:]], not [:space:]\n".into(), 2)
        );
        assert_eq!(
            grep_on(&["grep", "web-["], PODS, true),
            ("grep: bad regex 'web-[': Unmatched [, [^, [:, [., or [=\n".into(), 2)
        );
        assert_eq!(grep(&["grep", "-F", "web-["], "web-[0]\n"), ("web-[0]\n".into(), 0));
        assert_eq!(grep(&["grep", "-Z", "x"], ""), (format!("grep: invalid option -- 'Z'\n{USAGE}"), 2));
        assert_eq!(grep(&["grep", "-e"], ""), (format!("grep: option requires an argument -- 'e'\n{USAGE}"), 2));
        assert_eq!(grep(&["grep"], ""), (USAGE.into(), 2));
        // Real grep would take minutes over this; the lab stops at once.
        let long = "a".repeat(1 << 20);
        assert_eq!(grep(&["grep", "-E", "(a{100}){100}b"], &long), (too_costly("grep", 10_001, 1 << 20), 2));
    }

    /// GNU grep's context: `--` between groups that do not touch, `N-` for context lines.
    #[test]
    fn context_groups() {
        let text = "a\nb\nc\nd\ne\nf\ng\n";
        assert_eq!(grep(&["grep", "-A1", "b\\|f"], text), ("b\nc\n--\nf\ng\n".into(), 0));
        assert_eq!(grep(&["grep", "-n", "-B", "1", "d"], text), ("3-c\n4:d\n".into(), 0));
        assert_eq!(grep(&["grep", "-2", "d"], text), ("b\nc\nd\ne\nf\n".into(), 0));
        assert_eq!(grep(&["grep", "-A", "x", "a"], text), ("grep: x: invalid context length argument\n".into(), 2));
        assert_eq!(shown_lines(&[1, 2], 6, 1, 1), [(0, false), (1, true), (2, true), (3, false)]);
        assert_eq!(shown_lines(&[0, 5], 6, 0, 2), [(0, true), (1, false), (2, false), (5, true)]);
    }
}
