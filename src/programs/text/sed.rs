//! `sed` as GNU sed 4 runs the scripts labs write: commands `s`, `d`, `p`, `q`, `=` and `#`
//! comments, separated by `;` or lines, each with no address, one, or a range (`N`, `$`,
//! `/re/`, `\cREc`, `0,/re/`, `!`); `s/re/replacement/flags` with `&`, `\1`..`\9`, `\n` and the
//! flags `g`, `p`, `N`, `I`; options `-n`, `-e`, `-E`/`-r`, `-i`, `-s`. Patterns are POSIX
//! basic ones, extended with `-E` (`posix.rs`).

use super::posix::{self, Syntax};
use crate::shell::Output;
use regex_lite::{Captures, Regex};

const USAGE: &str = "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n";

/// An address.
#[derive(Debug)]
enum Addr {
    Line(usize),
    Last,
    Re(Regex),
}

/// A piece of an `s` command's replacement.
#[derive(Debug)]
enum Piece {
    Text(String),
    Whole,
    Group(usize),
}

/// An `s` command.
#[derive(Debug)]
struct Subst {
    re: Regex,
    replacement: Vec<Piece>,
    global: bool,
    nth: usize,
    print: bool,
}

/// What a command does.
#[derive(Debug)]
enum Op {
    Subst(Subst),
    Delete,
    Print,
    LineNumber,
    Quit(i32),
}

/// A command with its addresses.
#[derive(Debug)]
struct Cmd {
    a1: Option<Addr>,
    a2: Option<Addr>,
    negate: bool,
    op: Op,
}

/// sed's command line.
#[derive(Default)]
struct Opts {
    scripts: Vec<String>,
    files: Vec<String>,
    quiet: bool,
    extended: bool,
    in_place: bool,
    separate: bool,
}

/// Runs `sed`. `read` gives a file's text, `write` saves one (`-i`); `busybox` picks busybox's
/// words for a bad pattern.
pub fn run(
    args: &[&str],
    stdin: Option<&str>,
    read: &dyn Fn(&str) -> Option<String>,
    write: &mut dyn FnMut(&str, &str),
    busybox: bool,
    out: &mut Output,
) -> i32 {
    let o = match parse_args(args) {
        Ok(o) => o,
        Err(e) => {
            out.err(&e);
            return 1;
        }
    };
    let syntax = match (o.extended, busybox) {
        (true, false) => Syntax::SedExtended,
        (true, true) => Syntax::Extended,
        (false, _) => Syntax::Basic,
    };
    let (mut cmds, mut weight) = (Vec::new(), 0u64);
    for (k, s) in o.scripts.iter().enumerate() {
        let mut p = Parser { p: s.chars().collect(), i: 0, expr: k + 1, syntax, busybox, last_re: None, weight: 0 };
        let parsed = p.script();
        weight = weight.saturating_add(p.weight);
        match parsed {
            Ok(mut c) => cmds.append(&mut c),
            Err(e) => {
                out.err(&e);
                return 1;
            }
        }
    }
    let mut code = 0;
    let mut inputs: Vec<(&str, String)> = Vec::new();
    let names: Vec<&str> = if o.files.is_empty() { vec!["-"] } else { o.files.iter().map(String::as_str).collect() };
    for f in names {
        match if f == "-" { Some(stdin.unwrap_or("").to_string()) } else { read(f) } {
            Some(t) => inputs.push((f, t)),
            None => {
                out.err(&format!("sed: can't read {f}: No such file or directory\n"));
                code = 2;
            }
        }
    }
    let bytes = inputs.iter().map(|(_, t)| t.len()).sum();
    if !posix::affordable(weight, bytes) {
        out.err(&super::grep::too_costly("sed", weight, bytes));
        return 1;
    }
    let mut machine =
        Run { cmds: &cmds, quiet: o.quiet, active: vec![false; cmds.len()], quit: None, missing_newline: false };
    if o.in_place {
        for (f, text) in &inputs {
            let mut edited = Output::default();
            machine.start();
            machine.missing_newline = false;
            machine.lines(&lines_of(&[text.as_str()]), &mut edited);
            write(f, &edited.stdout());
        }
    } else if o.separate {
        for (_, text) in &inputs {
            machine.start();
            machine.lines(&lines_of(&[text.as_str()]), out);
        }
    } else {
        let texts: Vec<&str> = inputs.iter().map(|(_, t)| t.as_str()).collect();
        machine.start();
        machine.lines(&lines_of(&texts), out);
    }
    machine.quit.unwrap_or(code)
}

/// The lines of the inputs in turn, each with whether a newline ended it.
fn lines_of<'a>(texts: &[&'a str]) -> Vec<(&'a str, bool)> {
    let mut lines = Vec::new();
    for t in texts {
        for l in t.split_inclusive('\n') {
            lines.push(l.strip_suffix('\n').map_or((l, false), |b| (b, true)));
        }
    }
    lines
}

/// Reads sed's options and its script(s) as getopt_long does.
fn parse_args(args: &[&str]) -> Result<Opts, String> {
    let mut o = Opts::default();
    let mut operands = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        i += 1;
        match a {
            "--quiet" | "--silent" => o.quiet = true,
            "--regexp-extended" => o.extended = true,
            "--separate" => o.separate = true,
            "--in-place" => o.in_place = true,
            "--expression" => {
                o.scripts.push(
                    args.get(i).ok_or(format!("sed: option '--expression' requires an argument\n{USAGE}"))?.to_string(),
                );
                i += 1;
            }
            "--" => {
                operands.extend(args[i..].iter().map(|s| s.to_string()));
                break;
            }
            _ if a.starts_with("--expression=") => o.scripts.push(a["--expression=".len()..].to_string()),
            _ if a.starts_with("--in-place=") => o.in_place = true,
            _ if a.starts_with("--") => return Err(format!("sed: unrecognized option '{a}'\n{USAGE}")),
            _ if a.len() > 1 && a.starts_with('-') => short_options(&mut o, &a[1..], args, &mut i)?,
            _ => operands.push(a.to_string()),
        }
    }
    if o.scripts.is_empty() {
        if operands.is_empty() {
            // k8s-diff: GNU sed prints its whole --help after this line; the lab its first.
            return Err(USAGE.to_string());
        }
        o.scripts.push(operands.remove(0));
    }
    o.files = operands;
    // GNU sed: -i implies -s.
    o.separate |= o.in_place;
    Ok(o)
}

/// A cluster of short options (`-ne`, `-i.bak`).
fn short_options(o: &mut Opts, cluster: &str, args: &[&str], i: &mut usize) -> Result<(), String> {
    for (at, c) in cluster.char_indices() {
        match c {
            'n' => o.quiet = true,
            'E' | 'r' => o.extended = true,
            's' => o.separate = true,
            // -i takes the rest of the word as a backup suffix.
            'i' => {
                o.in_place = true;
                return Ok(());
            }
            'e' => {
                let rest = &cluster[at + 1..];
                let script = if rest.is_empty() {
                    let s = args.get(*i).ok_or(format!("sed: option requires an argument -- 'e'\n{USAGE}"))?;
                    *i += 1;
                    s.to_string()
                } else {
                    rest.to_string()
                };
                o.scripts.push(script);
                return Ok(());
            }
            // k8s-diff: GNU sed prints its whole --help after this line; the lab its first.
            _ => return Err(format!("sed: invalid option -- '{c}'\n{USAGE}")),
        }
    }
    Ok(())
}

/// A script's parser: its characters, where it is, which `-e` it is (for the error words).
struct Parser {
    p: Vec<char>,
    i: usize,
    expr: usize,
    syntax: Syntax,
    busybox: bool,
    last_re: Option<Regex>,
    /// The weights of its patterns (see [`posix::Translated::weight`]).
    weight: u64,
}

/// GNU sed's words for an error in a script (`bad_prog`): which expression, how far it read.
const UNTERMINATED_S: &str = "unterminated `s' command";
const UNTERMINATED_ADDR: &str = "unterminated address regex";
const UNKNOWN_S_OPTION: &str = "unknown option to `s'";
const NO_REGEX: &str = "no previous regular expression";

impl Parser {
    fn peek(&self) -> Option<char> {
        self.p.get(self.i).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.i += 1;
        }
        c
    }

    /// The error `msg` where the parser is.
    // k8s-diff: busybox words its script errors its own way; the lab gives GNU's, but for a bad
    // pattern, worded as busybox's `xregcomp` words it.
    fn error(&self, msg: &str) -> String {
        format!("sed: -e expression #{}, char {}: {msg}\n", self.expr, self.i)
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(|c| c == ' ' || c == '\t') {
            self.i += 1;
        }
    }

    /// The whole script: its commands.
    fn script(&mut self) -> Result<Vec<Cmd>, String> {
        let mut cmds = Vec::new();
        loop {
            while self.peek().is_some_and(|c| c.is_whitespace() || c == ';') {
                self.i += 1;
            }
            match self.peek() {
                None => return Ok(cmds),
                Some('#') => while self.next().is_some_and(|c| c != '\n') {},
                Some(_) => cmds.push(self.command()?),
            }
        }
    }

    /// One command with its addresses.
    fn command(&mut self) -> Result<Cmd, String> {
        let a1 = self.address()?;
        let mut a2 = None;
        if a1.is_some() && self.peek() == Some(',') {
            self.i += 1;
            self.skip_blanks();
            a2 = self.address()?;
            if a2.is_none() {
                return Err(self.error("unexpected `,'"));
            }
        }
        if matches!(a1, Some(Addr::Line(0))) && !matches!(a2, Some(Addr::Re(_))) {
            return Err(self.error("invalid usage of line address 0"));
        }
        self.skip_blanks();
        let negate = self.peek() == Some('!');
        if negate {
            self.i += 1;
            self.skip_blanks();
        }
        let op = match self.next() {
            None => return Err(self.error("missing command")),
            Some('s') => Op::Subst(self.subst()?),
            Some('d') => Op::Delete,
            Some('p') => Op::Print,
            Some('=') => Op::LineNumber,
            Some('q') => {
                self.skip_blanks();
                let mut code = 0i32;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                    code = code.saturating_mul(10).saturating_add(d as i32);
                    self.i += 1;
                }
                Op::Quit(code)
            }
            Some(c) => return Err(self.error(&format!("unknown command: `{c}'"))),
        };
        if !matches!(op, Op::Subst(_)) {
            self.end_of_command()?;
        }
        Ok(Cmd { a1, a2, negate, op })
    }

    /// After a command: blanks, then its end (`;`, a line's end, `#`, the script's end).
    fn end_of_command(&mut self) -> Result<(), String> {
        self.skip_blanks();
        match self.peek() {
            None | Some(';' | '\n' | '#') => Ok(()),
            Some(_) => {
                self.i += 1;
                Err(self.error("extra characters after command"))
            }
        }
    }

    /// An address, if one starts here.
    fn address(&mut self) -> Result<Option<Addr>, String> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let mut n = 0usize;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    self.i += 1;
                }
                Ok(Some(Addr::Line(n)))
            }
            Some('$') => {
                self.i += 1;
                Ok(Some(Addr::Last))
            }
            Some('/') | Some('\\') => {
                if self.next() == Some('\\') && self.next().is_none() {
                    return Err(self.error(UNTERMINATED_ADDR));
                }
                let delim = self.p[self.i - 1];
                let text = self.delimited(delim).ok_or_else(|| self.error(UNTERMINATED_ADDR))?;
                let mut icase = false;
                while matches!(self.peek(), Some('I' | 'M')) {
                    icase |= self.next() == Some('I');
                }
                Ok(Some(Addr::Re(self.regex(&text, icase)?.0)))
            }
            _ => Ok(None),
        }
    }

    /// Text up to an unescaped `delim`, through it: `\delim` is the delimiter itself and `\n` a
    /// newline; other escapes are kept for the pattern. None when the script ends first.
    fn delimited(&mut self, delim: char) -> Option<String> {
        let mut s = String::new();
        loop {
            match self.next()? {
                c if c == delim => return Some(s),
                '\\' => match self.next()? {
                    c if c == delim => s.push(c),
                    'n' => s.push('\n'),
                    c => {
                        s.push('\\');
                        s.push(c);
                    }
                },
                c => s.push(c),
            }
        }
    }

    /// Compiles a pattern (an empty one is the last one); its groups.
    fn regex(&mut self, text: &str, icase: bool) -> Result<(Regex, usize), String> {
        if text.is_empty() {
            let re = self.last_re.clone().ok_or_else(|| self.error(NO_REGEX))?;
            return Ok((re, 9));
        }
        let bad = |e: &str| {
            if self.busybox {
                format!("sed: bad regex '{text}': {e}\n")
            } else {
                self.error(e)
            }
        };
        let t = posix::translate(text, self.syntax).map_err(bad)?;
        // k8s-diff: GNU sed takes the longest of the leftmost matches (POSIX); regex-lite the
        // first alternative that matches there (`s/a|ab/X/` on `ab` gives `Xb`, not `X`).
        let re = posix::compile(&t.pattern, icase).map_err(bad)?;
        self.weight = self.weight.saturating_add(t.weight);
        self.last_re = Some(re.clone());
        Ok((re, t.groups))
    }
}

impl Parser {
    /// An `s` command after its `s`: pattern, replacement, flags.
    fn subst(&mut self) -> Result<Subst, String> {
        let delim = match self.next() {
            None | Some('\n' | '\\') => return Err(self.error(UNTERMINATED_S)),
            Some(d) => d,
        };
        let pattern = self.delimited(delim).ok_or_else(|| self.error(UNTERMINATED_S))?;
        let replacement = self.replacement(delim).ok_or_else(|| self.error(UNTERMINATED_S))?;
        let (mut global, mut print, mut nth, mut icase) = (false, false, None::<usize>, false);
        loop {
            match self.next() {
                None | Some(';' | '\n') => break,
                Some('#') => {
                    self.i -= 1;
                    break;
                }
                Some(' ' | '\t' | 'm' | 'M') => {}
                Some('g') if global => return Err(self.error("multiple `g' options to `s' command")),
                Some('g') => global = true,
                Some('p') if print => return Err(self.error("multiple `p' options to `s' command")),
                Some('p') => print = true,
                Some('i' | 'I') => icase = true,
                Some(c) if c.is_ascii_digit() => {
                    if nth.is_some() {
                        return Err(self.error("multiple number options to `s' command"));
                    }
                    let mut n = c.to_digit(10).unwrap_or(0) as usize;
                    while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                        n = n.saturating_mul(10).saturating_add(d as usize);
                        self.i += 1;
                    }
                    if n == 0 {
                        return Err(self.error("number option to `s' command may not be zero"));
                    }
                    nth = Some(n);
                }
                Some(_) => return Err(self.error(UNKNOWN_S_OPTION)),
            }
        }
        let (re, groups) = self.regex(&pattern, icase)?;
        if let Some(n) = replacement.iter().find_map(|p| match p {
            Piece::Group(n) if *n > groups => Some(*n),
            _ => None,
        }) {
            return Err(self.error(&format!("invalid reference \\{n} on `s' command's RHS")));
        }
        Ok(Subst { re, replacement, global, nth: nth.unwrap_or(1), print })
    }

    /// A replacement up to `delim`: text, `&` (the match), `\1`..`\9` (a group).
    fn replacement(&mut self, delim: char) -> Option<Vec<Piece>> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        loop {
            let piece = match self.next()? {
                c if c == delim => break,
                '&' => Piece::Whole,
                '\\' => match self.next()? {
                    d @ '1'..='9' => Piece::Group(d.to_digit(10).unwrap_or(0) as usize),
                    'n' => Piece::Text("\n".into()),
                    't' => Piece::Text("\t".into()),
                    c => Piece::Text(c.to_string()),
                },
                c => Piece::Text(c.to_string()),
            };
            match piece {
                Piece::Text(t) => text.push_str(&t),
                p => {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                    pieces.push(p);
                }
            }
        }
        pieces.push(Piece::Text(text));
        Some(pieces)
    }
}

/// A run of the script over lines: the ranges that are open, whether output lacks a newline,
/// and the exit status a `q` set.
struct Run<'a> {
    cmds: &'a [Cmd],
    quiet: bool,
    active: Vec<bool>,
    quit: Option<i32>,
    missing_newline: bool,
}

impl Run<'_> {
    /// Opens `0,/re/` ranges, which are open before the first line.
    fn start(&mut self) {
        for (k, c) in self.cmds.iter().enumerate() {
            self.active[k] = matches!(c.a1, Some(Addr::Line(0)));
        }
    }

    /// Runs the script over `lines`, writing to `out`.
    fn lines(&mut self, lines: &[(&str, bool)], out: &mut Output) {
        let mut w = Writer { out, missing_newline: self.missing_newline };
        for (n, (line, nl)) in lines.iter().enumerate() {
            if self.quit.is_some() {
                break;
            }
            self.cycle(n + 1, n + 1 == lines.len(), line, *nl, &mut w);
        }
        self.missing_newline = w.missing_newline;
    }

    /// One cycle: line `number` (`last`: the last one) through the commands, then printed
    /// unless deleted or `-n`.
    fn cycle(&mut self, number: usize, last: bool, line: &str, nl: bool, w: &mut Writer) {
        let mut ps = line.to_string();
        let cmds = self.cmds;
        for (k, cmd) in cmds.iter().enumerate() {
            if !self.selected(k, number, last, &ps) {
                continue;
            }
            match &cmd.op {
                Op::Subst(s) => match substitute(s, &ps) {
                    Some(new) if s.print => {
                        ps = new;
                        w.emit(&ps, nl);
                    }
                    Some(new) => ps = new,
                    None => {}
                },
                Op::Delete => return,
                Op::Print => w.emit(&ps, nl),
                Op::LineNumber => w.emit(&number.to_string(), true),
                Op::Quit(code) => {
                    self.quit = Some(*code);
                    break;
                }
            }
        }
        if !self.quiet {
            w.emit(&ps, nl);
        }
    }

    /// Whether command `k` applies to line `number` (`last`: the last line) with pattern space
    /// `ps`, as GNU sed's `match_address_p` decides, ranges included.
    fn selected(&mut self, k: usize, number: usize, last: bool, ps: &str) -> bool {
        let cmd = &self.cmds[k];
        let is = |a: &Addr| match a {
            Addr::Line(n) => *n == number,
            Addr::Last => last,
            Addr::Re(re) => re.is_match(ps),
        };
        let hit = match (&cmd.a1, &cmd.a2) {
            (None, _) => true,
            (Some(a1), None) => is(a1),
            (Some(_), Some(a2)) if self.active[k] => {
                let ends = match a2 {
                    Addr::Line(n) => number >= *n,
                    a => is(a),
                };
                self.active[k] = !ends;
                true
            }
            (Some(a1), Some(a2)) if is(a1) => {
                // A second address that is a line at or before this one makes a one-line range.
                self.active[k] = !matches!(a2, Addr::Line(n) if *n <= number);
                true
            }
            _ => false,
        };
        hit != cmd.negate
    }
}

/// sed's output: a last line that had no newline gets none, unless more output follows it
/// (GNU sed's `output_missing_newline`).
struct Writer<'o> {
    out: &'o mut Output,
    missing_newline: bool,
}

impl Writer<'_> {
    fn emit(&mut self, text: &str, nl: bool) {
        if self.missing_newline {
            self.out.out("\n");
        }
        self.out.out(text);
        if nl {
            self.out.out("\n");
        }
        self.missing_newline = !nl;
    }
}

/// `s` on one pattern space: the new text, or None when nothing was replaced. An empty match
/// just after the previous match is not one (GNU: `s/a*/x/g` turns `baaac` into `xbxcx`).
fn substitute(s: &Subst, ps: &str) -> Option<String> {
    let (mut out, mut copied, mut pos, mut count) = (String::new(), 0, 0, 0);
    let mut prev_end: Option<usize> = None;
    let mut replaced = false;
    while pos <= ps.len() {
        let Some(c) = s.re.captures_at(ps, pos) else { break };
        let Some(m) = c.get(0) else { break };
        let skip = m.is_empty() && prev_end == Some(m.start());
        if !skip {
            count += 1;
            if count >= s.nth {
                out.push_str(&ps[copied..m.start()]);
                expand(&mut out, &s.replacement, &c);
                copied = m.end();
                replaced = true;
                if !s.global {
                    break;
                }
            }
            prev_end = Some(m.end());
        }
        pos = if m.is_empty() || skip {
            match ps[m.end()..].chars().next() {
                Some(ch) => m.end() + ch.len_utf8(),
                None => break,
            }
        } else {
            m.end()
        };
    }
    replaced.then(|| {
        out.push_str(&ps[copied..]);
        out
    })
}

/// A replacement with its `&` and `\N` filled in.
fn expand(out: &mut String, pieces: &[Piece], c: &Captures) {
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Whole => out.push_str(c.get(0).map_or("", |m| m.as_str())),
            Piece::Group(n) => out.push_str(c.get(*n).map_or("", |m| m.as_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sed(args: &[&str], stdin: &str) -> (String, i32) {
        sed_on(args, stdin, false)
    }

    fn sed_on(args: &[&str], stdin: &str, busybox: bool) -> (String, i32) {
        let mut out = Output::default();
        let read = |f: &str| (f == "a.txt").then(|| "one\ntwo\n".to_string());
        let code = run(args, Some(stdin), &read, &mut |_, _| {}, busybox, &mut out);
        (out.text(), code)
    }

    /// GNU sed's manual, "The s Command": `&` is the whole match, `\1`..`\9` the groups, `g`
    /// every match, a number the Nth, `p` prints the result; `-E` for extended patterns.
    #[test]
    fn substitutions_with_patterns() {
        assert_eq!(sed(&["s/web-[0-9]*/pod &/"], "web-12 up\n"), ("pod web-12 up\n".into(), 0));
        assert_eq!(sed(&["s/\\([a-z]*\\)-\\([0-9]\\)/\\2-\\1/"], "web-0\n"), ("0-web\n".into(), 0));
        assert_eq!(sed(&["-E", "s/([a-z]+)-([0-9])/\\2-\\1/"], "web-0\n"), ("0-web\n".into(), 0));
        assert_eq!(sed(&["-r", "s/o+/0/g"], "foo boo\n"), ("f0 b0\n".into(), 0));
        assert_eq!(sed(&["s/o+/0/g"], "foo o+\n"), ("foo 0\n".into(), 0));
        assert_eq!(sed(&["s/a/X/2"], "aaa\n"), ("aXa\n".into(), 0));
        assert_eq!(sed(&["s/a/X/2g"], "aaaa\n"), ("aXXX\n".into(), 0));
        assert_eq!(sed(&["s/x*/-/g"], "abc\n"), ("-a-b-c-\n".into(), 0));
        assert_eq!(sed(&["s/a*/x/g"], "baaac\n"), ("xbxcx\n".into(), 0));
        assert_eq!(sed(&["s/RUN/run/I"], "Running\n"), ("running\n".into(), 0));
        assert_eq!(sed(&["s|/|\\n|g"], "a/b\n"), ("a\nb\n".into(), 0));
        assert_eq!(sed(&["s/a/\\&&/"], "a\n"), ("&a\n".into(), 0));
        assert_eq!(sed(&["-n", "s/web/pod/p"], "web\ndb\n"), ("pod\n".into(), 0));
        assert_eq!(sed(&["s/^/> /;s/$/ </"], "x\n"), ("> x <\n".into(), 0));
    }

    /// GNU sed's manual, "Addresses": lines, `$`, `/re/`, ranges (a line number at or before
    /// the first line's ends the range at once), `0,/re/`, `!`.
    #[test]
    fn addresses_and_ranges() {
        let t = "a\nb\nc\nd\ne\n";
        assert_eq!(sed(&["-n", "2p"], t), ("b\n".into(), 0));
        assert_eq!(sed(&["-n", "$p"], t), ("e\n".into(), 0));
        assert_eq!(sed(&["2,4d"], t), ("a\ne\n".into(), 0));
        assert_eq!(sed(&["-n", "/b/,/d/p"], t), ("b\nc\nd\n".into(), 0));
        assert_eq!(sed(&["-n", "/c/,1p"], t), ("c\n".into(), 0));
        assert_eq!(sed(&["2!d"], t), ("b\n".into(), 0));
        assert_eq!(sed(&["0,/[a-c]/s/./X/"], t), ("X\nb\nc\nd\ne\n".into(), 0));
        assert_eq!(sed(&["1,/[a-c]/s/./X/"], t), ("X\nX\nc\nd\ne\n".into(), 0));
        assert_eq!(sed(&["-n", "\\,c,p"], t), ("c\n".into(), 0));
        assert_eq!(sed(&["/^[ace]$/d"], t), ("b\nd\n".into(), 0));
        assert_eq!(sed(&["3q"], t), ("a\nb\nc\n".into(), 0));
        assert_eq!(sed(&["-n", "$="], t), ("5\n".into(), 0));
        assert_eq!(sed(&["-e", "1d", "-e", "$d"], t), ("b\nc\nd\n".into(), 0));
        assert_eq!(sed(&["-n", "$p", "a.txt", "-"], "x\n"), ("x\n".into(), 0));
        assert_eq!(sed(&["-s", "-n", "$p", "a.txt", "-"], "x\n"), ("two\nx\n".into(), 0));
        // A last line without its newline stays so; output after it starts a new line.
        assert_eq!(sed(&["p"], "a"), ("a\na".into(), 0));
    }

    /// GNU sed's words (`bad_prog`: the expression, the characters read) and glibc's for a bad
    /// pattern; exit status 1, and 2 for a file it cannot read.
    #[test]
    fn errors() {
        let e = |m: &str| (format!("sed: -e expression #1, {m}\n"), 1);
        assert_eq!(sed(&["s/a/b"], ""), e("char 5: unterminated `s' command"));
        assert_eq!(sed(&["s/a/b/x"], ""), e("char 7: unknown option to `s'"));
        assert_eq!(sed(&["s/\\(a/b/"], ""), e("char 8: Unmatched ( or \\("));
        assert_eq!(sed(&["s/[a/b/"], ""), e("char 7: Unmatched [, [^, [:, [., or [="));
        assert_eq!(sed(&["-E", "s/a)/b/"], ""), e("char 7: Unmatched ) or \\)"));
        assert_eq!(sed(&["s/a/\\1/"], ""), e("char 7: invalid reference \\1 on `s' command's RHS"));
        assert_eq!(sed(&["k"], ""), e("char 1: unknown command: `k'"));
        assert_eq!(sed(&["/abc"], ""), e("char 4: unterminated address regex"));
        assert_eq!(sed(&["1"], ""), e("char 1: missing command"));
        assert_eq!(sed(&["pq"], ""), e("char 2: extra characters after command"));
        assert_eq!(sed(&["s//x/"], ""), e("char 5: no previous regular expression"));
        assert_eq!(
            sed(&["-e", "p", "-e", "s/a/b/gg"], ""),
            ("sed: -e expression #2, char 8: multiple `g' options to `s' command\n".into(), 1)
        );
        assert_eq!(sed_on(&["s/[a/b/"], "", true), ("sed: bad regex '[a': Unmatched [, [^, [:, [., or [=\n".into(), 1));
        assert_eq!(
            sed(&["p", "nope", "a.txt"], ""),
            ("sed: can't read nope: No such file or directory\none\none\ntwo\ntwo\n".into(), 2)
        );
        assert_eq!(sed(&[], ""), (USAGE.into(), 1));
        let long = "a".repeat(1 << 20);
        assert_eq!(
            sed(&["-E", "s/(a{100}){100}b//"], &long),
            (crate::programs::text::grep::too_costly("sed", 10_001, 1 << 20), 1)
        );
    }

    #[test]
    fn in_place_writes_each_file() {
        let mut written = Vec::new();
        let mut out = Output::default();
        let read = |f: &str| (f == "a.txt").then(|| "one\ntwo\n".to_string());
        let code = run(
            &["-i", "s/o/0/g;$d", "a.txt"],
            None,
            &read,
            &mut |f, t| written.push((f.to_string(), t.to_string())),
            false,
            &mut out,
        );
        assert_eq!((code, out.text()), (0, String::new()));
        assert_eq!(written, [("a.txt".to_string(), "0ne\n".to_string())]);
    }
}
