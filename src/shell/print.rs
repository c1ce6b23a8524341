//! `echo` and `printf`, and the backslash-escape decoding they share with `$'...'`.

use super::Output;

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

pub fn echo(args: &[String], out: &mut Output) -> i32 {
    let (mut newline, mut escapes, mut first) = (true, false, 0);
    for arg in args {
        let Some(flags) = arg.strip_prefix('-') else {
            break;
        };
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
pub fn printf(args: &[String], out: &mut Output) -> i32 {
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
                'q' => shell_quote(arg),
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

/// `%q`: `arg` quoted so that the shell would read it back unchanged.
fn shell_quote(arg: &str) -> String {
    if arg.is_empty() {
        return "''".into();
    }
    if arg.chars().any(char::is_control) {
        let escaped: String = arg
            .chars()
            .map(|c| match c {
                '\n' => "\\n".into(),
                '\t' => "\\t".into(),
                '\'' | '\\' => format!("\\{c}"),
                c if c.is_control() => format!("\\x{:02x}", u32::from(c)),
                c => c.to_string(),
            })
            .collect();
        return format!("$'{escaped}'");
    }
    arg.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || !c.is_ascii() || "_./:=@%+,-".contains(c) {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
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
    let body = match (string || body.starts_with('-'), flags.contains('+'), flags.contains(' ')) {
        (false, true, _) => format!("+{body}"),
        (false, false, true) => format!(" {body}"),
        _ => body,
    };
    let fill = width.saturating_sub(body.chars().count());
    if flags.contains('-') {
        format!("{body}{}", " ".repeat(fill))
    } else if flags.contains('0') && !string {
        let sign_len = usize::from(body.starts_with(['-', '+', ' ']));
        let (sign, digits) = body.split_at(sign_len);
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, FakeHost};

    fn sh(script: &str) -> String {
        run(script, &mut FakeHost::default()).0.text()
    }

    #[test]
    fn echo_and_printf() {
        assert_eq!(
            sh(r#"echo -e "a\tb\nc" -n; echo -n -e x; echo; echo -- -n; echo -ne 'a\cb'"#),
            "a\tb\nc -n\nx\n-- -n\na"
        );
        assert_eq!(sh(r#"printf "%s-%d|" a 1 b 2 c; echo"#), "a-1|b-2|c-0|\n");
        assert_eq!(
            sh(r#"printf "%5s|%-4d|%x|%%|%b|%03d|%.2s\n" ab 7 255 "a\tb" 5 xyz"#),
            "   ab|7   |ff|%|a\tb|005|xy\n"
        );
        assert_eq!(sh(r#"printf "%d\n" 3abc; echo $?"#), "bash: printf: 3abc: invalid number\n3\n1\n");
        assert_eq!(sh("printf"), "printf: usage: printf [-v var] format [arguments]\n");
    }
}
