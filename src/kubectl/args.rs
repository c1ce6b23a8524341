//! Command-line flags the way cobra/pflag reads them: long `--flag=v` / `--flag v`, short
//! `-f v` / `-fv` / `-abc` for booleans, flags anywhere among the arguments, `--` ending them.

use super::errors::Error;
use crate::support::collections::VecMap;

/// One flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    pub takes_value: bool,
}

pub const fn f(long: &'static str, short: Option<char>, takes_value: bool) -> Flag {
    Flag { long, short, takes_value }
}

/// Flags every command takes.
pub const GLOBAL: &[Flag] = &[
    f("namespace", Some('n'), true),
    f("help", Some('h'), false),
    f("context", None, true),
    f("kubeconfig", None, true),
    f("cluster", None, true),
    f("user", None, true),
    f("v", Some('v'), true),
    f("request-timeout", None, true),
];

/// How pflag's integer flags read a value: `strconv.ParseInt(s, 0, bits)` (a sign, then
/// decimal, `0x`, `0o`, `0b` or a leading-`0` octal, `_` between digits); Err: the words after
/// `strconv.ParseInt: parsing "s": `.
pub fn go_parse_int(s: &str, bits: u32) -> Result<i64, &'static str> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = match lower.as_bytes() {
        [b'0', b'x', ..] => (16, &lower[2..]),
        [b'0', b'o', ..] => (8, &lower[2..]),
        [b'0', b'b', ..] => (2, &lower[2..]),
        [b'0', _, ..] => (8, &lower[1..]),
        _ => (10, &lower[..]),
    };
    let underscores_ok = radix != 10 || !digits.starts_with('_');
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() || !underscores_ok || digits.ends_with('_') || digits.contains("__") {
        return Err("invalid syntax");
    }
    let mut v: i128 = 0;
    for c in clean.chars() {
        let d = c.to_digit(radix).ok_or("invalid syntax")?;
        v = (v * radix as i128 + d as i128).min(i128::from(u64::MAX) + 1);
    }
    let v = if neg { -v } else { v };
    let (lo, hi) = (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1);
    if v < lo || v > hi {
        return Err("value out of range");
    }
    Ok(v as i64)
}

/// The parsed command line.
#[derive(Clone, Debug, Default)]
pub struct Args {
    pub positional: Vec<String>,
    pub flags: VecMap<String, Vec<String>>,
    /// Arguments after `--`.
    pub rest: Option<Vec<String>>,
}

impl Args {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.flags.get(name).and_then(|v| v.last()).map(String::as_str)
    }
    pub fn all(&self, name: &str) -> Vec<String> {
        self.flags.get(name).cloned().unwrap_or_default()
    }
    pub fn has(&self, name: &str) -> bool {
        self.flags.contains_key(name)
    }
    /// A boolean flag: present without a value, or `=true`.
    pub fn bool(&self, name: &str) -> bool {
        match self.get(name) {
            Some(v) => v != "false",
            None => false,
        }
    }
}

fn find<'a>(specs: &'a [&[Flag]], pred: impl Fn(&Flag) -> bool) -> Option<&'a Flag> {
    specs.iter().flat_map(|s| s.iter()).find(|f| pred(f))
}

/// Parses `args` (after the command words) against the command's flags and the global ones.
pub fn parse(cmd: &str, args: &[String], own: &[Flag]) -> Result<Args, Error> {
    let specs: [&[Flag]; 2] = [own, GLOBAL];
    let usage = format!("See 'kubectl {cmd} --help' for usage.");
    let mut a = Args::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--" {
            a.rest = Some(args[i + 1..].to_vec());
            break;
        }
        if let Some(long) = arg.strip_prefix("--") {
            i = long_flag(&specs, long, args, i, &mut a).map_err(|e| Error::cli(format!("{e}\n{usage}")))?;
        } else if arg.starts_with('-') && arg.len() > 1 {
            i = shorthand_flags(&specs, arg, args, i, &mut a).map_err(|e| Error::cli(format!("{e}\n{usage}")))?;
        } else {
            a.positional.push(arg.clone());
        }
        i += 1;
    }
    Ok(a)
}

/// Reads the long flag `--{long}` at `args[i]` (`--flag=v`, `--flag v`, a boolean's `--flag`)
/// into `a`; the index of the last argument it took, or pflag's complaint.
fn long_flag(specs: &[&[Flag]], long: &str, args: &[String], i: usize, a: &mut Args) -> Result<usize, String> {
    let (name, inline) = match long.split_once('=') {
        Some((n, v)) => (n, Some(v.to_string())),
        None => (long, None),
    };
    let Some(spec) = find(specs, |f| f.long == name) else {
        return Err(format!("unknown flag: --{name}"));
    };
    let (value, last) = match inline {
        Some(v) => (v, i),
        None if spec.takes_value => match args.get(i + 1) {
            Some(v) => (v.clone(), i + 1),
            None => return Err(format!("flag needs an argument: --{name}")),
        },
        None => ("true".into(), i),
    };
    a.flags.entry(spec.long.to_string()).or_default().push(value);
    Ok(last)
}

/// Reads the shorthand flags of `arg` at `args[i]` into `a`: booleans grouped (`-abc`, `-a=false`)
/// and the first that takes a value ending the group with it (`-fv`, `-f=v`, or the next
/// argument); the index of the last argument taken, or pflag's complaint.
fn shorthand_flags(specs: &[&[Flag]], arg: &str, args: &[String], i: usize, a: &mut Args) -> Result<usize, String> {
    let chars: Vec<char> = arg[1..].chars().collect();
    let mut j = 0;
    while j < chars.len() {
        let c = chars[j];
        let Some(spec) = find(specs, |f| f.short == Some(c)) else {
            return Err(format!("unknown shorthand flag: '{c}' in {arg}"));
        };
        let rest: String = chars[j + 1..].iter().collect();
        if spec.takes_value {
            let (value, last) = if !rest.is_empty() {
                (rest.strip_prefix('=').map(String::from).unwrap_or(rest), i)
            } else {
                match args.get(i + 1) {
                    Some(v) => (v.clone(), i + 1),
                    None => return Err(format!("flag needs an argument: '{c}' in -{c}")),
                }
            };
            a.flags.entry(spec.long.to_string()).or_default().push(value);
            return Ok(last);
        }
        if let Some(v) = rest.strip_prefix('=') {
            a.flags.entry(spec.long.to_string()).or_default().push(v.to_string());
            return Ok(i);
        }
        a.flags.entry(spec.long.to_string()).or_default().push("true".into());
        j += 1;
    }
    Ok(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_as_strconv_parse_int_with_base_zero() {
        assert_eq!(go_parse_int("1000000", 64), Ok(1_000_000));
        assert_eq!(go_parse_int("-3", 32), Ok(-3));
        assert_eq!(go_parse_int("0x10", 32), Ok(16));
        assert_eq!(go_parse_int("010", 32), Ok(8));
        assert_eq!(go_parse_int("1_000", 32), Ok(1000));
        assert_eq!(go_parse_int("2147483647", 32), Ok(i32::MAX as i64));
        assert_eq!(go_parse_int("2147483648", 32), Err("value out of range"));
        assert_eq!(go_parse_int("-2147483649", 32), Err("value out of range"));
        assert_eq!(go_parse_int("99999999999999999999", 64), Err("value out of range"));
        assert_eq!(go_parse_int("x", 64), Err("invalid syntax"));
        assert_eq!(go_parse_int("", 64), Err("invalid syntax"));
        assert_eq!(go_parse_int("1.5", 64), Err("invalid syntax"));
        assert_eq!(go_parse_int("08", 64), Err("invalid syntax"));
    }

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    const GET: &[Flag] = &[f("watch", Some('w'), false), f("selector", Some('l'), true), f("output", Some('o'), true)];

    #[test]
    fn flags_anywhere_and_in_every_form() {
        let a = parse("get", &v(&["pods", "-w", "-l", "app=nginx", "--output=wide", "-n", "x"]), GET).unwrap();
        assert_eq!(a.positional, ["pods"]);
        assert!(a.bool("watch"));
        assert_eq!(a.get("selector"), Some("app=nginx"));
        assert_eq!(a.get("output"), Some("wide"));
        assert_eq!(a.get("namespace"), Some("x"));
        let a = parse("get", &v(&["-lapp=nginx", "po", "-owide"]), GET).unwrap();
        assert_eq!(a.get("selector"), Some("app=nginx"));
        assert_eq!(a.get("output"), Some("wide"));
    }

    #[test]
    fn unknown_flags_are_kubectl_errors() {
        assert_eq!(
            parse("get", &v(&["--foo"]), GET).unwrap_err().to_string(),
            "error: unknown flag: --foo\nSee 'kubectl get --help' for usage."
        );
        assert_eq!(
            parse("get", &v(&["-x"]), GET).unwrap_err().to_string(),
            "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage."
        );
        assert!(parse("get", &v(&["-l"]), GET).unwrap_err().to_string().starts_with("error: flag needs an argument"));
    }

    #[test]
    fn double_dash_ends_flags() {
        let a = parse("exec", &v(&["web-0", "--", "sh", "-c", "hostname"]), &[]).unwrap();
        assert_eq!(a.rest.unwrap(), ["sh", "-c", "hostname"]);
    }

    #[test]
    fn shorthand_groups_and_equals_forms() {
        let a = parse("get", &v(&["-wlapp=x"]), GET).unwrap();
        assert!(a.bool("watch"));
        assert_eq!(a.get("selector"), Some("app=x"));
        let a = parse("get", &v(&["-wl", "app=y", "po"]), GET).unwrap();
        assert_eq!((a.get("selector"), a.positional.as_slice()), (Some("app=y"), &["po".to_string()][..]));
        let a = parse("get", &v(&["-w=false", "-l=app"]), GET).unwrap();
        assert!(!a.bool("watch"));
        assert_eq!(a.get("selector"), Some("app"));
        assert!(!parse("get", &v(&["--watch=false"]), GET).unwrap().bool("watch"));
        assert_eq!(
            parse("get", &v(&["-wl"]), GET).unwrap_err().to_string(),
            "error: flag needs an argument: 'l' in -l\nSee 'kubectl get --help' for usage."
        );
        assert_eq!(
            parse("get", &v(&["--output"]), GET).unwrap_err().to_string(),
            "error: flag needs an argument: --output\nSee 'kubectl get --help' for usage."
        );
    }
}
