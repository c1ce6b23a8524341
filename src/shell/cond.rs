//! Conditions: the `test`/`[` builtin, `[[ ... ]]` and `case`.

use super::exec::{Flow, Shell, Status};
use super::expand::single;
use super::pattern::glob_match;
use super::syntax::{CaseAction, CaseItem, TestExpr as X};
use super::Output;

/// `test ARGS` / `[ ARGS ]`: 0 true, 1 false, 2 usage error (with bash's message).
pub fn test(sh: &mut Shell<'_>, argv: &[String], out: &mut Output) -> i32 {
    let name = argv[0].as_str();
    let mut args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
    if name == "[" && args.pop() != Some("]") {
        out.err("bash: [: missing `]'\n");
        return 2;
    }
    match eval_args(sh, &args) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(msg) => {
            out.err(&format!("bash: {name}: {msg}\n"));
            2
        }
    }
}

/// POSIX rules by argument count, then `!`, `-a`, `-o` and parentheses.
fn eval_args(sh: &Shell<'_>, args: &[&str]) -> Result<bool, String> {
    match args {
        [] => Ok(false),
        [one] => Ok(!one.is_empty()),
        ["!", rest @ ..] if args.len() <= 3 => eval_args(sh, rest).map(|b| !b),
        [op, arg] => unary(sh, op, arg).ok_or_else(|| format!("{op}: unary operator expected")),
        [l, op, r] if binary_op(op) => binary(l, op, r),
        ["(", inner, ")"] => Ok(!inner.is_empty()),
        [_, op, _] => Err(format!("{op}: binary operator expected")),
        _ => {
            let mut pos = 0;
            let value = or_expr(sh, args, &mut pos)?;
            match args.get(pos) {
                None => Ok(value),
                Some(_) => Err("too many arguments".into()),
            }
        }
    }
}

fn or_expr(sh: &Shell<'_>, args: &[&str], pos: &mut usize) -> Result<bool, String> {
    let mut value = and_expr(sh, args, pos)?;
    while args.get(*pos) == Some(&"-o") {
        *pos += 1;
        value |= and_expr(sh, args, pos)?;
    }
    Ok(value)
}

fn and_expr(sh: &Shell<'_>, args: &[&str], pos: &mut usize) -> Result<bool, String> {
    let mut value = primary(sh, args, pos)?;
    while args.get(*pos) == Some(&"-a") {
        *pos += 1;
        value &= primary(sh, args, pos)?;
    }
    Ok(value)
}

fn primary(sh: &Shell<'_>, args: &[&str], pos: &mut usize) -> Result<bool, String> {
    let rest = args.get(*pos..).unwrap_or_default();
    match rest {
        ["!", ..] => {
            *pos += 1;
            primary(sh, args, pos).map(|b| !b)
        }
        ["(", ..] => {
            *pos += 1;
            let value = or_expr(sh, args, pos)?;
            if args.get(*pos) != Some(&")") {
                return Err("`)' expected".into());
            }
            *pos += 1;
            Ok(value)
        }
        [l, op, r, ..] if binary_op(op) => {
            *pos += 3;
            binary(l, op, r)
        }
        [op, arg, ..] if op.len() == 2 && op.starts_with('-') && unary(sh, op, arg).is_some() => {
            *pos += 2;
            Ok(unary(sh, op, arg).unwrap_or(false))
        }
        [one, ..] => {
            *pos += 1;
            Ok(!one.is_empty())
        }
        [] => Err("argument expected".into()),
    }
}

fn binary_op(op: &str) -> bool {
    matches!(op, "=" | "==" | "!=" | "<" | ">" | "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" | "-nt" | "-ot" | "-ef")
}

/// A unary test; `None` when `op` is not a unary operator.
fn unary(sh: &Shell<'_>, op: &str, arg: &str) -> Option<bool> {
    let env = &*sh.env;
    let dir = |p: &str| {
        let p = env.resolve_path(p);
        p == "/" || p == env.cwd() || p == env.home() || env.files().any(|(f, _)| f.starts_with(&format!("{p}/")))
    };
    Some(match op {
        "-z" => arg.is_empty(),
        "-n" => !arg.is_empty(),
        "-e" | "-a" => env.file(arg).is_some() || dir(arg),
        "-f" | "-r" | "-w" => env.file(arg).is_some(),
        "-s" => env.file(arg).is_some_and(|c| !c.is_empty()),
        "-d" => dir(arg),
        "-v" => env.var(arg).is_some(),
        "-x" | "-h" | "-L" | "-p" | "-S" | "-b" | "-c" | "-g" | "-u" | "-k" | "-t" | "-O" | "-G" | "-N" => false,
        _ => return None,
    })
}

fn binary(l: &str, op: &str, r: &str) -> Result<bool, String> {
    let int = |s: &str| s.trim().parse::<i64>().map_err(|_| format!("{s}: integer expression expected"));
    Ok(match op {
        "=" | "==" => l == r,
        "!=" => l != r,
        "<" => l < r,
        ">" => l > r,
        "-eq" => int(l)? == int(r)?,
        "-ne" => int(l)? != int(r)?,
        "-lt" => int(l)? < int(r)?,
        "-le" => int(l)? <= int(r)?,
        "-gt" => int(l)? > int(r)?,
        "-ge" => int(l)? >= int(r)?,
        _ => false,
    })
}

/// `[[ expr ]]`: operands are expanded without field splitting; `==`/`!=` match
/// a glob pattern. `=~` is not supported (no regex engine): status 2.
pub fn extended_test(sh: &mut Shell<'_>, expr: &X, out: &mut Output) -> Status {
    Ok(match extended(sh, expr, out)? {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(msg) => {
            out.err(&format!("bash: {msg}\n"));
            2
        }
    })
}

fn extended(sh: &mut Shell<'_>, expr: &X, out: &mut Output) -> Result<Result<bool, String>, Flow> {
    Ok(match expr {
        X::And(l, r) => match extended(sh, l, out)? {
            Ok(true) => extended(sh, r, out)?,
            other => other,
        },
        X::Or(l, r) => match extended(sh, l, out)? {
            Ok(false) => extended(sh, r, out)?,
            other => other,
        },
        X::Not(e) => extended(sh, e, out)?.map(|b| !b),
        X::Unary(op, word) => {
            let arg = single(sh, word, out)?;
            Ok(unary(sh, op, &arg).unwrap_or(false))
        }
        X::Binary(op, left, right) => {
            let (l, r) = (single(sh, left, out)?, single(sh, right, out)?);
            match op.as_str() {
                "==" | "=" => Ok(glob_match(&r, &l)),
                "!=" => Ok(!glob_match(&r, &l)),
                "<" => Ok(l < r),
                ">" => Ok(l > r),
                // A quoted regular expression matches itself: a substring test.
                "=~" if right.starts_with(['\'', '"']) => Ok(l.contains(&r)),
                "=~" => Err("[[: =~ (regular expressions) is not supported in this shell".into()),
                "-ef" | "-nt" | "-ot" => Ok(false),
                _ => binary(&l, op, &r),
            }
        }
    })
}

/// `case WORD in PATTERN) ...;; esac`, including `;&` and `;;&`.
pub fn case(sh: &mut Shell<'_>, word: &str, items: &[CaseItem], out: &mut Output) -> Status {
    let value = single(sh, word, out)?;
    let mut status = 0;
    let mut fall_through = false;
    for item in items {
        if !fall_through {
            let mut matched = false;
            for pattern in &item.patterns {
                if glob_match(&single(sh, pattern, out)?, &value) {
                    matched = true;
                    break;
                }
            }
            if !matched {
                continue;
            }
        }
        status = sh.list(&item.body, out)?;
        match item.action {
            CaseAction::Break => return Ok(status),
            CaseAction::FallThrough => fall_through = true,
            CaseAction::Continue => fall_through = false,
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, FakeHost};

    fn sh(script: &str) -> String {
        run(script, &mut FakeHost::default()).0.text()
    }

    #[test]
    fn test_builtin() {
        let script = "[ a = a ] && echo 1; [ 2 -lt 10 ] && echo 2; test -z '' && echo 3; [ ! -n '' ] && echo 4; \
                      [ a = b -o 1 -eq 1 ] && echo 5; [ -n ] && echo 6; [ \\( x != y \\) ] && echo 7; [ -f none ] || echo 8";
        assert_eq!(sh(script), "1\n2\n3\n4\n5\n6\n7\n8\n");
        assert_eq!(sh("[ a = a; echo $?"), "bash: [: missing `]'\n2\n");
        assert_eq!(sh("[ x -lt 1 ]; echo $?"), "bash: [: x: integer expression expected\n2\n");
        assert_eq!(sh("echo hi > f.txt; [ -f f.txt ] && [ -s f.txt ] && [ -d / ] && echo files"), "files\n");
    }

    #[test]
    fn extended_test_and_case() {
        assert_eq!(
            sh("x=web-0; [[ $x == web-* && -n $x ]] && echo m; [[ $x != web-? ]] || echo n; [[ 3 -gt 2 ]] && echo g"),
            "m\nn\ng\n"
        );
        assert_eq!(
            sh("[[ a =~ a ]]; echo $?"),
            "bash: [[: =~ (regular expressions) is not supported in this shell\n2\n"
        );
        let case = "for v in web-0 db x; do case $v in web-*|api) echo w;; db) echo d;& q) echo q;; *) echo other;; esac; done";
        assert_eq!(sh(case), "w\nd\nq\nother\n");
    }
}
