//! Parameter expansion: `$NAME`, `$?`, `${NAME:-word}`, `${#NAME}`,
//! `${NAME%pattern}`, `${NAME/pattern/string}`, `${NAME:offset:length}`, ...
//! Arrays are not modelled: `${a[0]}` and `${a[@]}` read the scalar `a`.

use super::exec::{Flow, Shell};
use super::expand::{fail, single};
use super::pattern::{replace, strip};
use super::syntax::word::{ParamExpr, ParamOp, Parameter};
use super::{arith, Output};

pub use super::syntax::is_name;

/// What `$$` expands to (the lab is deterministic).
pub const SHELL_PID: &str = "4242";

/// Expands one parameter expression; `raw` is its source text (for messages).
pub fn expand(sh: &mut Shell<'_>, expr: &ParamExpr, raw: &str, out: &mut Output) -> Result<String, Flow> {
    let value = match &expr.op {
        ParamOp::Names(prefix) => {
            let names: Vec<&str> =
                sh.env.vars.keys().map(String::as_str).filter(|n| n.starts_with(prefix.as_str())).collect();
            return Ok(names.join(" "));
        }
        ParamOp::Keys(name) => {
            return Ok(if sh.env.var(name).is_some() { "0".into() } else { String::new() });
        }
        _ => lookup(sh, &expr.param, expr.indirect, out)?,
    };
    let v = value.clone().unwrap_or_default();
    Ok(match &expr.op {
        ParamOp::Test { colon, op, word } => test(sh, &expr.param, value, (*colon, *op), word, out)?,
        ParamOp::Length => v.chars().count().to_string(),
        ParamOp::Strip { suffix, longest, pattern } => {
            strip(&v, &single(sh, pattern, out)?, *suffix, *longest).map_err(|_| costly(raw, out))?
        }
        ParamOp::Substring { offset, length } => substring(sh, &v, offset, length.as_deref(), out)?,
        ParamOp::Transform(op) => transform(&v, *op, raw, out)?,
        ParamOp::Case { upper, all: false } => first_char(&v, *upper),
        ParamOp::Case { upper: true, .. } => v.to_ascii_uppercase(),
        ParamOp::Case { upper: false, .. } => v.to_ascii_lowercase(),
        ParamOp::Replace { kind, pattern, replacement } => {
            let pattern = single(sh, pattern, out)?;
            let replacement = single(sh, replacement, out)?;
            match replace(&v, &pattern, &replacement, kind, super::MAX_TEXT).map_err(|_| costly(raw, out))? {
                Some(done) => done,
                None => return Err(sh.too_big(super::MAX_TEXT + 1, out)),
            }
        }
        ParamOp::Plain | ParamOp::Names(_) | ParamOp::Keys(_) => v,
    })
}

/// `${name-word}`, `${name=word}`, `${name?word}`, `${name+word}` (`colon`: the `:` forms, where
/// an empty value is missing too) of the parameter's `value`.
fn test(
    sh: &mut Shell<'_>,
    param: &Parameter,
    value: Option<String>,
    (colon, op): (bool, char),
    word: &str,
    out: &mut Output,
) -> Result<String, Flow> {
    let missing = if colon { value.as_deref().unwrap_or_default().is_empty() } else { value.is_none() };
    Ok(match op {
        '+' if missing => String::new(),
        '+' => single(sh, word, out)?,
        _ if !missing => value.unwrap_or_default(),
        '-' => single(sh, word, out)?,
        '=' => {
            let Parameter::Named(name) = param else {
                return Err(fail(out, &format!("{}: cannot assign in this way", name_of(param))));
            };
            let new = single(sh, word, out)?;
            sh.env.set_var(name, &new);
            new
        }
        _ => {
            let mut msg = single(sh, word, out)?;
            if msg.is_empty() {
                msg = if colon { "parameter null or not set".into() } else { "parameter not set".into() };
            }
            return Err(fail(out, &format!("{}: {msg}", name_of(param))));
        }
    })
}

/// `${name:offset}` and `${name:offset:length}` of `v`: offsets and lengths count characters,
/// and negative ones count from the end.
fn substring(
    sh: &mut Shell<'_>,
    v: &str,
    offset: &str,
    length: Option<&str>,
    out: &mut Output,
) -> Result<String, Flow> {
    let chars: Vec<char> = v.chars().collect();
    let len = i64::try_from(chars.len()).unwrap_or(i64::MAX);
    let mut start = arith::expansion(sh, offset, out)?;
    if start < 0 {
        start = (len + start).max(0);
    }
    let start = start.min(len);
    let end = match length {
        None => len,
        Some(l) => match arith::expansion(sh, l, out)? {
            l if l < 0 && len + l < start => return Err(fail(out, &format!("{}: substring expression < 0", l.abs()))),
            l if l < 0 => len + l,
            l => start.saturating_add(l).min(len),
        },
    };
    let (start, end) = (usize::try_from(start).unwrap_or(0), usize::try_from(end).unwrap_or(0));
    Ok(chars.get(start..end.max(start)).unwrap_or_default().iter().collect())
}

/// `${name@op}` of `v`: `U`, `L`, `u`, `Q` and `E`; other operators are a bad substitution.
fn transform(v: &str, op: char, raw: &str, out: &mut Output) -> Result<String, Flow> {
    Ok(match op {
        'U' => v.to_ascii_uppercase(),
        'L' => v.to_ascii_lowercase(),
        'u' => first_char(v, true),
        'Q' => format!("'{}'", v.replace('\'', r"'\''")),
        'E' => super::print::unescape(v, true).0,
        _ => return Err(fail(out, &format!("{raw}: bad substitution"))),
    })
}

/// The value of a parameter (`None` when unset), following `${!name}` indirection.
fn lookup(sh: &Shell<'_>, parameter: &Parameter, indirect: bool, out: &mut Output) -> Result<Option<String>, Flow> {
    let value = match parameter {
        Parameter::Positional(_) => None,
        Parameter::Special(special) => match special {
            '0' => Some("bash".to_owned()),
            '?' => Some(sh.env.last_status.to_string()),
            '#' => Some("0".to_owned()),
            '$' => Some(SHELL_PID.to_owned()),
            '-' => Some("hB".to_owned()),
            _ => None,
        },
        Parameter::Named(name) => sh.env.var(name).map(str::to_owned),
        Parameter::Indexed(name, index) => match index.trim() {
            "0" | "" => sh.env.var(name).map(str::to_owned),
            _ => None,
        },
    };
    if !indirect {
        return Ok(value);
    }
    match value {
        Some(target) if is_name(&target) => Ok(sh.env.var(&target).map(str::to_owned)),
        _ => Err(fail(out, &format!("{}: invalid indirect expansion", name_of(parameter)))),
    }
}

fn costly(raw: &str, out: &mut Output) -> Flow {
    fail(out, &format!("{raw}: pattern matching too costly for this shell"))
}

fn name_of(parameter: &Parameter) -> String {
    match parameter {
        Parameter::Named(n) | Parameter::Indexed(n, _) => n.clone(),
        Parameter::Positional(n) => n.to_string(),
        Parameter::Special(c) => c.to_string(),
    }
}

// k8s-diff: case changes are ASCII only, as bash's in the C locale a container starts with (a
// host shell under a UTF-8 locale would also change other scripts' letters).
fn first_char(v: &str, upper: bool) -> String {
    let mut chars = v.chars();
    match chars.next() {
        Some(c) if upper => std::iter::once(c.to_ascii_uppercase()).chain(chars).collect(),
        Some(c) => std::iter::once(c.to_ascii_lowercase()).chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, FakeHost};

    fn echo(script: &str) -> String {
        run(script, &mut FakeHost::default()).0.text()
    }

    #[test]
    fn defaults_and_errors() {
        assert_eq!(
            echo("echo ${u:-d} ${u-x} ${e:-y}; e=; echo ${e-z}. ${u:=set} $u ${u:+alt}"),
            "d x y\n. set set alt\n"
        );
        assert_eq!(echo("echo ${x:?}; echo after"), "bash: x: parameter null or not set\n");
        assert_eq!(echo("echo ${x?}"), "bash: x: parameter not set\n");
        assert_eq!(echo("echo ${x:?custom $HOME}"), "bash: x: custom /root\n");
        assert_eq!(echo("echo ${!x}"), "bash: x: invalid indirect expansion\n");
        assert_eq!(echo("a=b; b=c; echo ${!a}"), "c\n");
    }

    #[test]
    fn patterns_and_substrings() {
        let s = "f=pod/web-0.yaml; echo ${f%.*} ${f%%/*} ${f#*/} ${f##*[/-]} ${#f} ${f:4:5} ${f: -4} ${f:4:-5}";
        assert_eq!(echo(s), "pod/web-0 pod web-0.yaml 0.yaml 14 web-0 yaml web-0\n");
        assert_eq!(
            echo("v=a.b.c; echo ${v/./-} ${v//./-} ${v/#a/x} ${v/%c/y} ${v//[ab]/}"),
            "a-b.c a-b-c x.b.c a.b.y ..c\n"
        );
        assert_eq!(echo("v=hello; echo ${v^} ${v^^} ${v@Q} ${v:10}."), "Hello HELLO 'hello' .\n");
    }

    #[test]
    fn substrings_count_from_either_end() {
        assert_eq!(
            echo("x=abcdef; echo ${x:1:2} ${x: -2} ${x:1:-1} ${x:3:0}. ${x:10}. ${x:2:100}"),
            "bc ef bcde . . cdef\n"
        );
    }

    #[test]
    fn transforms() {
        assert_eq!(
            echo(r#"x="it's"; echo ${x@Q} ${x@U} ${x@L} ${x@u}; y='a\tb'; echo "${y@E}""#),
            "'it'\\''s' IT'S it's It's\na\tb\n"
        );
        assert_eq!(echo("x=abc; echo ${x@Z}"), "bash: ${x@Z}: bad substitution\n");
    }
}
