//! Compound commands: `{ }`, `( )`, `if`, `for`, `while`/`until`, `case`, `((...))`
//! and `for ((...))`. Loops stop after [`MAX_LOOP_ITERATIONS`] iterations.

use brush_parser::ast::{self, CompoundCommand, CompoundList};

use super::exec::{unsupported, Flow, Shell, Status};
use super::{arith, cond, expand, Output, MAX_LOOP_ITERATIONS};

impl Shell<'_> {
    /// Runs one compound command.
    pub fn compound(&mut self, compound: &CompoundCommand, out: &mut Output) -> Status {
        match compound {
            CompoundCommand::BraceGroup(group) => self.list(&group.list, out),
            CompoundCommand::Subshell(sub) => self.subshell(out, |sh, o| sh.list(&sub.list, o)),
            CompoundCommand::IfClause(clause) => {
                if self.list(&clause.condition, out)? == 0 {
                    return self.list(&clause.then, out);
                }
                for branch in clause.elses.iter().flatten() {
                    match &branch.condition {
                        Some(cond) if self.list(cond, out)? != 0 => {}
                        _ => return self.list(&branch.body, out),
                    }
                }
                Ok(0)
            }
            CompoundCommand::ForClause(clause) => {
                let mut items = Vec::new();
                for word in clause.values.iter().flatten() {
                    items.extend(expand::fields(self, word, out)?);
                }
                self.looped(|sh| {
                    let mut status = 0;
                    for item in items {
                        sh.env.set_var(&clause.variable_name, &item);
                        match sh.iteration(&clause.body.list, out)? {
                            Some(s) => status = s,
                            None => break,
                        }
                    }
                    Ok(status)
                })
            }
            CompoundCommand::WhileClause(clause) | CompoundCommand::UntilClause(clause) => {
                let until = matches!(compound, CompoundCommand::UntilClause(_));
                let name = if until { "until" } else { "while" };
                self.looped(|sh| {
                    let mut status = 0;
                    for round in 0..=MAX_LOOP_ITERATIONS {
                        let Some(cond) = sh.iteration(&clause.0, out)? else {
                            break;
                        };
                        if (cond == 0) == until {
                            break;
                        }
                        if round == MAX_LOOP_ITERATIONS {
                            return Ok(loop_cap(name, out));
                        }
                        match sh.iteration(&clause.1.list, out)? {
                            Some(s) => status = s,
                            None => break,
                        }
                    }
                    Ok(status)
                })
            }
            CompoundCommand::CaseClause(clause) => cond::case(self, clause, out),
            CompoundCommand::Arithmetic(cmd) => {
                let value = arith::command(self, &cmd.expr.value, out)?;
                Ok(value.map_or(1, |v| i32::from(v == 0)))
            }
            CompoundCommand::ArithmeticForClause(clause) => self.looped(|sh| {
                let eval = |sh: &mut Shell<'_>,
                            e: &Option<ast::UnexpandedArithmeticExpr>,
                            o: &mut Output| {
                    match e {
                        Some(e) if !e.value.trim().is_empty() => arith::command(sh, &e.value, o),
                        _ => Ok(Some(1)),
                    }
                };
                let mut status = 0;
                if eval(sh, &clause.initializer, out)?.is_none() {
                    return Ok(1);
                }
                for round in 0..=MAX_LOOP_ITERATIONS {
                    match eval(sh, &clause.condition, out)? {
                        None => return Ok(1),
                        Some(0) => break,
                        Some(_) if round == MAX_LOOP_ITERATIONS => return Ok(loop_cap("for", out)),
                        Some(_) => {}
                    }
                    match sh.iteration(&clause.body.list, out)? {
                        Some(s) => status = s,
                        None => break,
                    }
                    if eval(sh, &clause.updater, out)?.is_none() {
                        return Ok(1);
                    }
                }
                Ok(status)
            }),
            CompoundCommand::Coprocess(_) => unsupported(out, "coproc"),
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
    fn iteration(&mut self, list: &CompoundList, out: &mut Output) -> Result<Option<i32>, Flow> {
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
    out.err(&format!(
        "bash: {name}: loop stopped after {MAX_LOOP_ITERATIONS} iterations\n"
    ));
    1
}
