//! Compound commands: `{ }`, `( )`, `if`, `for`, `while`/`until`, `case`, `((...))`,
//! `[[ ]]` and `for ((...))`. Loops stop after [`MAX_LOOP_ITERATIONS`] iterations.

use super::exec::{Flow, Shell, Status};
use super::syntax::{CompoundCommand, CompoundList};
use super::{arith, cond, expand, Output, MAX_LOOP_ITERATIONS};

impl Shell<'_> {
    /// Runs one compound command.
    pub fn compound(&mut self, compound: &CompoundCommand, out: &mut Output) -> Status {
        match compound {
            CompoundCommand::BraceGroup(list) => self.list(list, out),
            CompoundCommand::Subshell(list) => self.subshell(out, |sh, o| sh.list(list, o)),
            CompoundCommand::If { branches, otherwise } => {
                for (condition, body) in branches {
                    if self.list(condition, out)? == 0 {
                        return self.list(body, out);
                    }
                }
                match otherwise {
                    Some(body) => self.list(body, out),
                    None => Ok(0),
                }
            }
            CompoundCommand::For { variable, values, body } => {
                let mut items = Vec::new();
                for word in values {
                    items.extend(expand::fields(self, word, out)?);
                }
                self.looped(|sh| {
                    let mut status = 0;
                    for item in items {
                        sh.env.set_var(variable, &item);
                        match sh.iteration(body, out)? {
                            Some(s) => status = s,
                            None => break,
                        }
                    }
                    Ok(status)
                })
            }
            CompoundCommand::While { until, condition, body } => {
                let name = if *until { "until" } else { "while" };
                self.looped(|sh| {
                    let mut status = 0;
                    for round in 0..=MAX_LOOP_ITERATIONS {
                        let Some(cond) = sh.iteration(condition, out)? else {
                            break;
                        };
                        if (cond == 0) == *until {
                            break;
                        }
                        if round == MAX_LOOP_ITERATIONS {
                            return Ok(loop_cap(name, out));
                        }
                        match sh.iteration(body, out)? {
                            Some(s) => status = s,
                            None => break,
                        }
                    }
                    Ok(status)
                })
            }
            CompoundCommand::Case { value, items } => cond::case(self, value, items, out),
            CompoundCommand::ExtendedTest(test) => cond::extended_test(self, test, out),
            CompoundCommand::Arithmetic(text) => {
                let value = arith::command(self, text, out)?;
                Ok(value.map_or(1, |v| i32::from(v == 0)))
            }
            CompoundCommand::ArithmeticFor { parts: [init, condition, update], body } => self.looped(|sh| {
                // A blank expression counts as 1 (a `for ((;;))` runs forever).
                let eval = |sh: &mut Shell<'_>, text: &str, o: &mut Output| {
                    if text.trim().is_empty() {
                        Ok(Some(1))
                    } else {
                        arith::command(sh, text, o)
                    }
                };
                let mut status = 0;
                if eval(sh, init, out)?.is_none() {
                    return Ok(1);
                }
                for round in 0..=MAX_LOOP_ITERATIONS {
                    match eval(sh, condition, out)? {
                        None => return Ok(1),
                        Some(0) => break,
                        Some(_) if round == MAX_LOOP_ITERATIONS => return Ok(loop_cap("for", out)),
                        Some(_) => {}
                    }
                    match sh.iteration(body, out)? {
                        Some(s) => status = s,
                        None => break,
                    }
                    if eval(sh, update, out)?.is_none() {
                        return Ok(1);
                    }
                }
                Ok(status)
            }),
        }
    }

    /// Runs `f` as the body of a loop (so `break`/`continue` are meaningful).
    fn looped(&mut self, f: impl FnOnce(&mut Self) -> Status) -> Status {
        self.loop_depth += 1;
        let result = f(self);
        self.loop_depth -= 1;
        result
    }

    /// Runs one part of a loop; `Ok(None)` means `break` out of this loop.
    pub(crate) fn iteration(&mut self, list: &CompoundList, out: &mut Output) -> Result<Option<i32>, Flow> {
        match self.list(list, out) {
            Ok(status) => Ok(Some(status)),
            Err(Flow::Break(n)) if n <= 1 => Ok(None),
            Err(Flow::Break(n)) => Err(Flow::Break(n - 1)),
            Err(Flow::Continue(n)) if n <= 1 => Ok(Some(0)),
            Err(Flow::Continue(n)) => Err(Flow::Continue(n - 1)),
            Err(flow) => Err(flow),
        }
    }
}

fn loop_cap(name: &str, out: &mut Output) -> i32 {
    out.err(&format!("bash: {name}: loop stopped after {MAX_LOOP_ITERATIONS} iterations\n"));
    1
}
