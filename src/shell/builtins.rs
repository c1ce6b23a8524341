//! The builtins this shell runs itself: `true`, `false`, `:`, `exit`, `export`,
//! `unset`, `cd`, `pwd`, `read`, `break`, `continue`, plus `echo`/`printf` (in
//! `print`) and `test`/`[` (in `cond`). Their messages follow bash's.

use super::exec::{Flow, Shell, Status};
use super::param::is_name;
use super::{cond, print, Output};

/// Runs `argv` if it names a builtin; `None` means "not a builtin".
pub fn run(sh: &mut Shell<'_>, argv: &[String], out: &mut Output) -> Option<Status> {
    let args = &argv[1..];
    Some(match argv[0].as_str() {
        "true" | ":" => Ok(0),
        "false" => Ok(1),
        "echo" => Ok(print::echo(args, out)),
        "printf" => Ok(print::printf(args, out)),
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

/// `exit [N]`: leaves the line with `N & 255` (default `$?`).
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

/// `break [N]` / `continue [N]` (N is capped at the loops there are).
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

/// `export [-n] [NAME[=VALUE]...]`; without names, lists like `export -p`.
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

/// `unset [-v|-f] NAME...`: without `-v`, an invalid name could be a function's,
/// and bash passes over it silently.
fn unset(sh: &mut Shell<'_>, args: &[String], out: &mut Output) -> i32 {
    let strict = args.first().is_some_and(|a| a == "-v");
    let mut status = 0;
    for name in args.iter().filter(|a| !matches!(a.as_str(), "-v" | "-f" | "--")) {
        if is_name(name) {
            sh.env.unset_var(name);
        } else if strict {
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
    if sh.is_dir(&new) == Some(false) {
        let why = if sh.env.file(&new).is_some() { "Not a directory" } else { "No such file or directory" };
        let (msg, code) = sh.env.dialect.cd_error(&target, why);
        out.err(&msg);
        return code;
    }
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
    use super::super::tests::{run, FakeHost};

    fn sh(script: &str) -> String {
        run(script, &mut FakeHost::default()).0.text()
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
        assert_eq!(
            sh("A=1; unset A; echo \"[$A]\"; unset 1a; unset -v 1a"),
            "[]\nbash: unset: `1a': not a valid identifier\n"
        );
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
