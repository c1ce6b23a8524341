//! The builtins this shell runs itself: `echo`, `printf`, `true`, `false`, `:`,
//! `exit`, `export`, `unset`, `cd`, `pwd`, `read`, `break`, `continue` (and
//! `test`/`[`, in `cond`). Their messages follow bash's.

use super::exec::{Flow, Shell, Status};
use super::param::is_name;
use super::{Output, cond};

/// Runs `argv` if it names a builtin; `None` means "not a builtin".
pub fn run(sh: &mut Shell<'_>, argv: &[String], out: &mut Output) -> Option<Status> {
    let args = &argv[1..];
    Some(match argv[0].as_str() {
        "true" | ":" => Ok(0),
        "false" => Ok(1),
        "echo" => Ok(echo(args, out)),
        "printf" => Ok(printf(args, out)),
        "test" | "[" => Ok(cond::test(sh, argv, out)),
        "exit" => exit(sh, args, out),
        "break" | "continue" => loop_control(sh, argv, out),
        "export" => Ok(export(sh, args, out)),
        "unset" => Ok(unset(sh, args, out)),
        "cd" => Ok(cd(sh, args, out)),
        "pwd" => {
            out.out(&format!("{}\n", sh.env.cwd()));
            Ok(0)
        }
        "read" => Ok(read(sh, args, out)),
        _ => return None,
    })
}

/// Processes backslash escapes as `echo -e`/`printf %b` do (`ansi_c`: as in
/// `$'...'`). The flag is true when `\c` asked to stop all further output.
pub fn unescape(s: &str, ansi_c: bool) -> (String, bool) {
    let mut result = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            result.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            result.push('\\');
            break;
        };
        let mut number = |radix: u32, max: usize, first: Option<char>| {
            let mut digits: String = first.into_iter().collect();
            while digits.len() < max && chars.peek().is_some_and(|d| d.is_digit(radix)) {
                digits.extend(chars.next());
            }
            u32::from_str_radix(&digits, radix).ok().and_then(char::from_u32)
        };
        let decoded = match e {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'e' | 'E' => Some('\x1b'),
            'f' => Some('\x0c'),
            'v' => Some('\x0b'),
            '\\' => Some('\\'),
            '\'' | '"' | '?' if ansi_c => Some(e),
            'c' if !ansi_c => return (result, true),
            '0' if !ansi_c => number(8, 3, None).or(Some('\0')),
            '0'..='7' if ansi_c => number(8, 3, Some(e)),
            'x' => number(16, 2, None),
            _ => None,
        };
        match decoded {
            Some(d) => result.push(d),
            None => {
                result.push('\\');
                result.push(e);
            }
        }
    }
    (result, false)
}

fn echo(args: &[String], out: &mut Output) -> i32 {
    let (mut newline, mut escapes, mut first) = (true, false, 0);
    for arg in args {
        let Some(flags) = arg.strip_prefix('-') else { break };
        if flags.is_empty() || !flags.chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            break;
        }
        for c in flags.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        first += 1;
    }
    let mut text = args[first..].join(" ");
    if escapes {
        let (unescaped, stop) = unescape(&text, false);
        text = unescaped;
        newline &= !stop;
    }
    if newline {
        text.push('\n');
    }
    out.out(&text);
    0
}

/// `printf FORMAT ARGS...`: `%s %b %c %d %i %u %x %X %o %%` with flags, width and
/// precision; the format is reused while arguments remain.
fn printf(args: &[String], out: &mut Output) -> i32 {
    let Some((format, mut rest)) = args.split_first() else {
        out.err("printf: usage: printf [-v var] format [arguments]\n");
        return 2;
    };
    let (format, _) = unescape(format.strip_prefix("--").unwrap_or(format), false);
    let mut status = 0;
    let mut text = String::new();
    loop {
        let before = rest.len();
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                text.push(c);
                continue;
            }
            let mut spec = String::new();
            while let Some(&f) = chars.peek().filter(|f| "-+ #0123456789.".contains(**f)) {
                spec.push(f);
                chars.next();
            }
            let Some(conv) = chars.next() else {
                text.push('%');
                text.push_str(&spec);
                break;
            };
            if conv == '%' {
                text.push('%');
                continue;
            }
            let arg = rest.first().map_or("", String::as_str);
            rest = rest.get(1..).unwrap_or_default();
            let body = match conv {
                's' => arg.to_owned(),
                'b' => {
                    let (s, stop) = unescape(arg, false);
                    if stop {
                        text.push_str(&pad(&s, &spec, true));
                        out.out(&text);
                        return status;
                    }
                    s
                }
                'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                    let (n, ok) = number(arg);
                    if !ok {
                        out.err(&format!("bash: printf: {arg}: invalid number\n"));
                        status = 1;
                    }
                    match conv {
                        'x' => format!("{n:x}"),
                        'X' => format!("{n:X}"),
                        'o' => format!("{n:o}"),
                        _ => n.to_string(),
                    }
                }
                other => {
                    out.err(&format!("bash: printf: `{other}': invalid format character\n"));
                    out.out(&text);
                    return 1;
                }
            };
            text.push_str(&pad(&body, &spec, matches!(conv, 's' | 'b' | 'c')));
        }
        if rest.is_empty() || rest.len() == before {
            break;
        }
    }
    out.out(&text);
    status
}

/// Parses a printf number like bash: leading digits count, `'c` is a char code.
fn number(arg: &str) -> (i64, bool) {
    let arg = arg.trim_start();
    if let Some(c) = arg.strip_prefix(['\'', '"']) {
        return (c.chars().next().map_or(0, |c| i64::from(u32::from(c))), true);
    }
    if arg.is_empty() {
        return (0, true);
    }
    let (sign, digits) = match arg.strip_prefix('-') {
        Some(d) => (-1, d),
        None => (1, arg.strip_prefix('+').unwrap_or(arg)),
    };
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        (16, h)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    let end = body.find(|c: char| !c.is_digit(radix)).unwrap_or(body.len());
    let value = i64::from_str_radix(&body[..end], radix).unwrap_or(0);
    (sign * value, end == body.len() && end > 0 || body.is_empty() && radix == 8)
}

/// Pads `body` as a printf spec (`[flags][width][.precision]`) asks: `-` pads on
/// the right, `0` with zeros; a precision truncates strings (`string`).
fn pad(body: &str, spec: &str, string: bool) -> String {
    let flags_end = spec.find(|c| !"-+ #0".contains(c)).unwrap_or(spec.len());
    let (flags, rest) = spec.split_at(flags_end);
    let (width, precision) = match rest.split_once('.') {
        Some((w, p)) => (w, Some(p.parse::<usize>().unwrap_or(0))),
        None => (rest, None),
    };
    let width = width.parse::<usize>().unwrap_or(0).min(4096);
    let body: String = match precision {
        Some(p) if string => body.chars().take(p).collect(),
        _ => body.to_owned(),
    };
    let fill = width.saturating_sub(body.chars().count());
    if flags.contains('-') {
        format!("{body}{}", " ".repeat(fill))
    } else if flags.contains('0') && !string {
        match body.strip_prefix('-') {
            Some(digits) => format!("-{}{digits}", "0".repeat(fill)),
            None => format!("{}{body}", "0".repeat(fill)),
        }
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

fn exit(sh: &mut Shell<'_>, args: &[String], out: &mut Output) -> Status {
    match args {
        [] => Err(Flow::Exit(sh.env.last_status)),
        [code] => match code.trim().parse::<i64>() {
            Ok(n) => Err(Flow::Exit(i32::from(n.to_le_bytes()[0]))),
            Err(_) => {
                out.err(&format!("bash: exit: {code}: numeric argument required\n"));
                Err(Flow::Exit(2))
            }
        },
        _ => {
            out.err("bash: exit: too many arguments\n");
            Err(Flow::Exit(1))
        }
    }
}

fn loop_control(sh: &mut Shell<'_>, argv: &[String], out: &mut Output) -> Status {
    let name = &argv[0];
    if sh.loop_depth == 0 {
        out.err(&format!("bash: {name}: only meaningful in a `for', `while', or `until' loop\n"));
        return Ok(0);
    }
    let count = match argv.get(1).map(|n| n.parse::<i64>()) {
        None => 1,
        Some(Ok(n)) if n >= 1 => u32::try_from(n).unwrap_or(u32::MAX).min(sh.loop_depth),
        Some(Ok(n)) => {
            out.err(&format!("bash: {name}: {n}: loop count out of range\n"));
            return Ok(1);
        }
        Some(Err(_)) => {
            out.err(&format!("bash: {name}: {}: numeric argument required\n", argv[1]));
            return Ok(2);
        }
    };
    Err(if name == "break" { Flow::Break(count) } else { Flow::Continue(count) })
}

fn export(sh: &mut Shell<'_>, args: &[String], out: &mut Output) -> i32 {
    let unexport = args.first().is_some_and(|a| a == "-n");
    let names: Vec<&String> = args.iter().filter(|a| !matches!(a.as_str(), "-n" | "-p" | "--")).collect();
    if names.is_empty() {
        for name in &sh.env.exported {
            match sh.env.var(name) {
                Some(v) => {
                    let quoted: String = v
                        .chars()
                        .flat_map(|c| ['\\', c].into_iter().skip(usize::from(!matches!(c, '"' | '\\' | '$' | '`'))))
                        .collect();
                    out.out(&format!("declare -x {name}=\"{quoted}\"\n"));
                }
                None => out.out(&format!("declare -x {name}\n")),
            }
        }
        return 0;
    }
    let mut status = 0;
    for arg in names {
        let (name, value) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (arg.as_str(), None),
        };
        if !is_name(name) {
            out.err(&format!("bash: export: `{arg}': not a valid identifier\n"));
            status = 1;
            continue;
        }
        if let Some(v) = value {
            sh.env.set_var(name, v);
        }
        if unexport {
            sh.env.exported.remove(name);
        } else {
            sh.env.exported.insert(name.to_owned());
        }
    }
    status
}

fn unset(sh: &mut Shell<'_>, args: &[String], out: &mut Output) -> i32 {
    let mut status = 0;
    for name in args.iter().filter(|a| !matches!(a.as_str(), "-v" | "-f" | "--")) {
        if is_name(name) {
            sh.env.unset_var(name);
        } else {
            out.err(&format!("bash: unset: `{name}': not a valid identifier\n"));
            status = 1;
        }
    }
    status
}

/// `cd [DIR|-]`: only updates `PWD`/`OLDPWD` (directories are not modelled).
fn cd(sh: &mut Shell<'_>, args: &[String], out: &mut Output) -> i32 {
    let target = match args.iter().find(|a| !matches!(a.as_str(), "-L" | "-P" | "--")) {
        None => sh.env.home().to_owned(),
        Some(dash) if dash == "-" => match sh.env.var("OLDPWD") {
            Some(old) => {
                out.out(&format!("{old}\n"));
                old.to_owned()
            }
            None => {
                out.err("bash: cd: OLDPWD not set\n");
                return 1;
            }
        },
        Some(dir) => dir.clone(),
    };
    let new = sh.env.resolve_path(&target);
    let old = sh.env.cwd().to_owned();
    sh.env.set_var("OLDPWD", &old);
    sh.env.set_var("PWD", &new);
    0
}

/// `read [-r] [NAME...]`: takes one line of the command's stdin.
fn read(sh: &mut Shell<'_>, args: &[String], out: &mut Output) -> i32 {
    let raw = args.iter().any(|a| a == "-r");
    let mut names: Vec<&str> = args.iter().map(String::as_str).filter(|a| !a.starts_with('-')).collect();
    if let Some(bad) = names.iter().find(|n| !is_name(n)) {
        out.err(&format!("bash: read: `{bad}': not a valid identifier\n"));
        return 1;
    }
    if names.is_empty() {
        names.push("REPLY");
    }
    let input = sh.stdin.take().unwrap_or_default();
    let (line, rest, status) = match input.split_once('\n') {
        Some((line, rest)) => (line.to_owned(), rest.to_owned(), 0),
        None => (input.clone(), String::new(), 1),
    };
    sh.stdin = Some(rest);
    let line = if raw { line } else { line.replace('\\', "") };
    let blank = [' ', '\t'];
    let mut rest = line.trim_matches(blank);
    for (i, name) in names.iter().enumerate() {
        let value = if i + 1 == names.len() {
            std::mem::take(&mut rest)
        } else {
            let end = rest.find(blank).unwrap_or(rest.len());
            let (field, tail) = rest.split_at(end);
            rest = tail.trim_start_matches(blank);
            field
        };
        sh.env.set_var(name, value);
    }
    status
}

#[cfg(test)]
mod tests {
    use super::super::tests::{FakeHost, run};

    fn sh(script: &str) -> String {
        run(script, &mut FakeHost::default()).0.text()
    }

    #[test]
    fn echo_and_printf() {
        assert_eq!(sh(r#"echo -e "a\tb\nc" -n; echo -n -e x; echo; echo -- -n; echo -ne 'a\cb'"#), "a\tb\nc -n\nx\n-- -n\na");
        assert_eq!(sh(r#"printf "%s-%d|" a 1 b 2 c; echo"#), "a-1|b-2|c-0|\n");
        assert_eq!(sh(r#"printf "%5s|%-4d|%x|%%|%b|%03d|%.2s\n" ab 7 255 "a\tb" 5 xyz"#), "   ab|7   |ff|%|a\tb|005|xy\n");
        assert_eq!(sh(r#"printf "%d\n" 3abc; echo $?"#), "bash: printf: 3abc: invalid number\n3\n1\n");
        assert_eq!(sh("printf"), "printf: usage: printf [-v var] format [arguments]\n");
    }

    #[test]
    fn exit_export_unset_cd() {
        let (out, env) = run("exit 300; echo no", &mut FakeHost::default());
        assert_eq!((out.text(), env.exit_requested), (String::new(), Some(44)));
        let (out, env) = run("exit foo", &mut FakeHost::default());
        assert_eq!((out.text(), env.exit_requested), ("bash: exit: foo: numeric argument required\n".into(), Some(2)));
        assert_eq!(sh("(exit 3); echo $?"), "3\n");
        assert_eq!(sh("export 1a=b; echo $?"), "bash: export: `1a=b': not a valid identifier\n1\n");
        assert_eq!(sh("export X; export Y=\"a b\"; export -p"), "declare -x HOME=\"/root\"\ndeclare -x PWD=\"/root\"\ndeclare -x USER=\"root\"\ndeclare -x X\ndeclare -x Y=\"a b\"\n");
        assert_eq!(sh("A=1; unset A; echo \"[$A]\"; unset 1a"), "[]\nbash: unset: `1a': not a valid identifier\n");
        assert_eq!(sh("cd /tmp/../etc; pwd; cd; pwd; cd -; echo $OLDPWD"), "/etc\n/root\n/etc\n/root\n");
    }

    #[test]
    fn loops_break_continue_read() {
        assert_eq!(sh("break; echo $?"), "bash: break: only meaningful in a `for', `while', or `until' loop\n0\n");
        assert_eq!(sh("for i in 1 2 3; do for j in a b; do [ $j = b ] && continue 2; [ $i = 3 ] && break 2; echo $i$j; done; done"), "1a\n2a\n");
        assert_eq!(sh("printf 'a b c\\nd\\n' | while read x y; do echo \"[$x][$y]\"; done"), "[a][b c]\n[d][]\n");
        assert_eq!(sh("read -r a b <<< '1 2 3'; echo \"[$a][$b]\""), "[1][2 3]\n");
    }
}
