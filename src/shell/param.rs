//! Parameter expansion: `$NAME`, `$?`, `${NAME:-word}`, `${#NAME}`,
//! `${NAME%pattern}`, `${NAME/pattern/string}`, `${NAME:offset:length}`, ...
//! Arrays are not modelled: `${a[0]}` and `${a[@]}` read the scalar `a`.

use brush_parser::word::{
    Parameter, ParameterExpr, ParameterTestType, ParameterTransformOp, SpecialParameter,
};

use super::exec::{Flow, Shell};
use super::expand::{fail, single};
use super::pattern::{replace, strip};
use super::{arith, Output};

/// What `$$` expands to (the lab is deterministic).
pub const SHELL_PID: &str = "4242";

/// Expands one parameter expression; `raw` is its source text (for messages).
pub fn expand(
    sh: &mut Shell<'_>,
    expr: &ParameterExpr,
    raw: &str,
    out: &mut Output,
) -> Result<String, Flow> {
    use ParameterExpr as P;
    let (parameter, indirect) = match expr {
        P::Parameter {
            parameter,
            indirect,
        }
        | P::UseDefaultValues {
            parameter,
            indirect,
            ..
        }
        | P::AssignDefaultValues {
            parameter,
            indirect,
            ..
        }
        | P::IndicateErrorIfNullOrUnset {
            parameter,
            indirect,
            ..
        }
        | P::UseAlternativeValue {
            parameter,
            indirect,
            ..
        }
        | P::ParameterLength {
            parameter,
            indirect,
        }
        | P::RemoveSmallestSuffixPattern {
            parameter,
            indirect,
            ..
        }
        | P::RemoveLargestSuffixPattern {
            parameter,
            indirect,
            ..
        }
        | P::RemoveSmallestPrefixPattern {
            parameter,
            indirect,
            ..
        }
        | P::RemoveLargestPrefixPattern {
            parameter,
            indirect,
            ..
        }
        | P::Substring {
            parameter,
            indirect,
            ..
        }
        | P::Transform {
            parameter,
            indirect,
            ..
        }
        | P::UppercaseFirstChar {
            parameter,
            indirect,
            ..
        }
        | P::UppercasePattern {
            parameter,
            indirect,
            ..
        }
        | P::LowercaseFirstChar {
            parameter,
            indirect,
            ..
        }
        | P::LowercasePattern {
            parameter,
            indirect,
            ..
        }
        | P::ReplaceSubstring {
            parameter,
            indirect,
            ..
        } => (parameter, *indirect),
        P::VariableNames { prefix, .. } => {
            let names: Vec<&str> = sh
                .env
                .vars
                .keys()
                .map(String::as_str)
                .filter(|n| n.starts_with(prefix.as_str()))
                .collect();
            return Ok(names.join(" "));
        }
        P::MemberKeys { variable_name, .. } => {
            return Ok(if sh.env.var(variable_name).is_some() {
                "0".into()
            } else {
                String::new()
            });
        }
    };
    let value = lookup(sh, parameter, indirect, out)?;
    let missing = |test: &ParameterTestType| match test {
        ParameterTestType::UnsetOrNull => value.as_deref().unwrap_or_default().is_empty(),
        ParameterTestType::Unset => value.is_none(),
    };
    let word = |sh: &mut Shell<'_>, w: &Option<String>, out: &mut Output| {
        single(sh, w.as_deref().unwrap_or_default(), out)
    };
    let v = value.clone().unwrap_or_default();
    Ok(match expr {
        P::UseDefaultValues {
            test_type,
            default_value,
            ..
        } if missing(test_type) => word(sh, default_value, out)?,
        P::AssignDefaultValues {
            test_type,
            default_value,
            ..
        } if missing(test_type) => {
            let Parameter::Named(name) = parameter else {
                return Err(fail(
                    out,
                    &format!("{}: cannot assign in this way", name_of(parameter)),
                ));
            };
            let new = word(sh, default_value, out)?;
            sh.env.set_var(name, &new);
            new
        }
        P::IndicateErrorIfNullOrUnset {
            test_type,
            error_message,
            ..
        } if missing(test_type) => {
            let mut msg = word(sh, error_message, out)?;
            if msg.is_empty() {
                msg = match test_type {
                    ParameterTestType::UnsetOrNull => "parameter null or not set".into(),
                    ParameterTestType::Unset => "parameter not set".into(),
                };
            }
            return Err(fail(out, &format!("{}: {msg}", name_of(parameter))));
        }
        P::UseAlternativeValue {
            test_type,
            alternative_value,
            ..
        } => {
            if missing(test_type) {
                String::new()
            } else {
                word(sh, alternative_value, out)?
            }
        }
        P::ParameterLength { .. } => v.chars().count().to_string(),
        P::RemoveSmallestSuffixPattern { pattern, .. } => {
            strip(&v, &word(sh, pattern, out)?, true, false).map_err(|_| costly(raw, out))?
        }
        P::RemoveLargestSuffixPattern { pattern, .. } => {
            strip(&v, &word(sh, pattern, out)?, true, true).map_err(|_| costly(raw, out))?
        }
        P::RemoveSmallestPrefixPattern { pattern, .. } => {
            strip(&v, &word(sh, pattern, out)?, false, false).map_err(|_| costly(raw, out))?
        }
        P::RemoveLargestPrefixPattern { pattern, .. } => {
            strip(&v, &word(sh, pattern, out)?, false, true).map_err(|_| costly(raw, out))?
        }
        P::Substring { offset, length, .. } => {
            let chars: Vec<char> = v.chars().collect();
            let len = i64::try_from(chars.len()).unwrap_or(i64::MAX);
            let mut start = arith::expansion(sh, &offset.value, out)?;
            if start < 0 {
                start = (len + start).max(0);
            }
            let start = start.min(len);
            let end = match length {
                None => len,
                Some(l) => match arith::expansion(sh, &l.value, out)? {
                    l if l < 0 && len + l < start => {
                        return Err(fail(out, &format!("{}: substring expression < 0", l.abs())))
                    }
                    l if l < 0 => len + l,
                    l => start.saturating_add(l).min(len),
                },
            };
            let (start, end) = (
                usize::try_from(start).unwrap_or(0),
                usize::try_from(end).unwrap_or(0),
            );
            chars
                .get(start..end.max(start))
                .unwrap_or_default()
                .iter()
                .collect()
        }
        P::Transform { op, .. } => match op {
            ParameterTransformOp::ToUpperCase => v.to_uppercase(),
            ParameterTransformOp::ToLowerCase => v.to_lowercase(),
            ParameterTransformOp::CapitalizeInitial => first_char(&v, true),
            ParameterTransformOp::Quoted => format!("'{}'", v.replace('\'', r"'\''")),
            ParameterTransformOp::ExpandEscapeSequences => super::print::unescape(&v, true).0,
            _ => return Err(fail(out, &format!("{raw}: bad substitution"))),
        },
        P::UppercaseFirstChar { .. } => first_char(&v, true),
        P::LowercaseFirstChar { .. } => first_char(&v, false),
        P::UppercasePattern { .. } => v.to_uppercase(),
        P::LowercasePattern { .. } => v.to_lowercase(),
        P::ReplaceSubstring {
            pattern,
            replacement,
            match_kind,
            ..
        } => {
            let pattern = single(sh, pattern, out)?;
            let replacement = word(sh, replacement, out)?;
            replace(&v, &pattern, &replacement, match_kind).map_err(|_| costly(raw, out))?
        }
        _ => v,
    })
}

/// The value of a parameter (`None` when unset), following `${!name}` indirection.
fn lookup(
    sh: &Shell<'_>,
    parameter: &Parameter,
    indirect: bool,
    out: &mut Output,
) -> Result<Option<String>, Flow> {
    let value = match parameter {
        Parameter::Positional(0) | Parameter::Special(SpecialParameter::ShellName) => {
            Some("bash".to_owned())
        }
        Parameter::Positional(_) => None,
        Parameter::Special(special) => match special {
            SpecialParameter::LastExitStatus => Some(sh.env.last_status.to_string()),
            SpecialParameter::PositionalParameterCount => Some("0".to_owned()),
            SpecialParameter::ProcessId => Some(SHELL_PID.to_owned()),
            SpecialParameter::CurrentOptionFlags => Some("hB".to_owned()),
            _ => None,
        },
        Parameter::Named(name) | Parameter::NamedWithAllIndices { name, .. } => {
            sh.env.var(name).map(str::to_owned)
        }
        Parameter::NamedWithIndex { name, index } => match index.trim() {
            "0" | "" => sh.env.var(name).map(str::to_owned),
            _ => None,
        },
    };
    if !indirect {
        return Ok(value);
    }
    match value {
        Some(target) if is_name(&target) => Ok(sh.env.var(&target).map(str::to_owned)),
        _ => Err(fail(
            out,
            &format!("{}: invalid indirect expansion", name_of(parameter)),
        )),
    }
}

fn costly(raw: &str, out: &mut Output) -> Flow {
    fail(
        out,
        &format!("{raw}: pattern matching too costly for this shell"),
    )
}

/// True for a valid variable name.
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

fn name_of(parameter: &Parameter) -> String {
    match parameter {
        Parameter::Named(n)
        | Parameter::NamedWithIndex { name: n, .. }
        | Parameter::NamedWithAllIndices { name: n, .. } => n.clone(),
        Parameter::Positional(n) => n.to_string(),
        Parameter::Special(s) => s.to_string(),
    }
}

fn first_char(v: &str, upper: bool) -> String {
    let mut chars = v.chars();
    match chars.next() {
        Some(c) if upper => c.to_uppercase().chain(chars).collect(),
        Some(c) => c.to_lowercase().chain(chars).collect(),
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
        assert_eq!(
            echo("echo ${x:?}; echo after"),
            "bash: x: parameter null or not set\n"
        );
        assert_eq!(echo("echo ${x?}"), "bash: x: parameter not set\n");
        assert_eq!(echo("echo ${x:?custom $HOME}"), "bash: x: custom /root\n");
        assert_eq!(echo("echo ${!x}"), "bash: x: invalid indirect expansion\n");
        assert_eq!(echo("a=b; b=c; echo ${!a}"), "c\n");
    }

    #[test]
    fn patterns_and_substrings() {
        let s = "f=pod/web-0.yaml; echo ${f%.*} ${f%%/*} ${f#*/} ${f##*[/-]} ${#f} ${f:4:5} ${f: -4} ${f:4:-5}";
        assert_eq!(
            echo(s),
            "pod/web-0 pod web-0.yaml 0.yaml 14 web-0 yaml web-0\n"
        );
        assert_eq!(
            echo("v=a.b.c; echo ${v/./-} ${v//./-} ${v/#a/x} ${v/%c/y} ${v//[ab]/}"),
            "a-b.c a-b-c x.b.c a.b.y ..c\n"
        );
        assert_eq!(
            echo("v=hello; echo ${v^} ${v^^} ${v@Q} ${v:10}."),
            "Hello HELLO 'hello' .\n"
        );
    }
}
