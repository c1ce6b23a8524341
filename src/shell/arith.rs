//! Shell arithmetic for `$((...))`, `((...))` and `for ((...))`: parsed by
//! `brush-parser`, evaluated here on wrapping `i64` as bash does.

use brush_parser::ast::{
    ArithmeticExpr as E, ArithmeticTarget, BinaryOperator as B, UnaryAssignmentOperator as Ua,
    UnaryOperator as U,
};

use super::exec::{Flow, Shell};
use super::expand::{fail, single};
use super::Output;

/// Longest expression text evaluated.
const MAX_EXPR_LEN: usize = 512;
/// Most operators (and parentheses) in one expression text: the parser and the
/// evaluator recurse per operator, and the wasm stack is 1 MiB.
const MAX_OPERATORS: usize = 128;
/// Deepest parenthesis nesting in one expression text.
const MAX_PARENS: usize = 24;
/// Deepest chain of variables whose values are themselves expressions.
const MAX_RECURSION: u32 = 16;
/// Deepest evaluation, over all texts of one expansion.
const MAX_FRAMES: u32 = 256;

/// `$((text))`: the value, or an error that aborts the line (as in bash).
pub fn expansion(sh: &mut Shell<'_>, text: &str, out: &mut Output) -> Result<i64, Flow> {
    let expanded = single(sh, text, out)?;
    Evaluator {
        sh,
        depth: 0,
        frames: 0,
    }
    .text(&expanded)
    .map_err(|msg| fail(out, &format!("{}: {msg}", expanded.trim())))
}

/// `((text))`: the value, or `None` after printing bash's `((: ` error (status 1).
pub fn command(sh: &mut Shell<'_>, text: &str, out: &mut Output) -> Result<Option<i64>, Flow> {
    let expanded = single(sh, text, out)?;
    match (Evaluator {
        sh,
        depth: 0,
        frames: 0,
    })
    .text(&expanded)
    {
        Ok(value) => Ok(Some(value)),
        Err(msg) => {
            out.err(&format!("bash: ((: {}: {msg}\n", expanded.trim()));
            Ok(None)
        }
    }
}

struct Evaluator<'s, 'a> {
    sh: &'s mut Shell<'a>,
    /// Texts being evaluated (variables holding expressions nest).
    depth: u32,
    /// Nodes being evaluated.
    frames: u32,
}

impl Evaluator<'_, '_> {
    fn text(&mut self, text: &str) -> Result<i64, String> {
        let token = text.trim();
        if self.depth >= MAX_RECURSION {
            return Err(format!(
                "expression recursion level exceeded (error token is \"{token}\")"
            ));
        }
        if text.len() > MAX_EXPR_LEN {
            return Err(format!("expression longer than {MAX_EXPR_LEN} characters"));
        }
        let operators = text
            .chars()
            .filter(|c| "()!~+-*/%<>=&|^?:,".contains(*c))
            .count();
        let mut parens = 0usize;
        let mut deepest = 0;
        for c in text.chars() {
            match c {
                '(' => parens += 1,
                ')' => parens = parens.saturating_sub(1),
                _ => {}
            }
            deepest = deepest.max(parens);
        }
        if operators > MAX_OPERATORS || deepest > MAX_PARENS {
            return Err("expression too complex for this shell".into());
        }
        let expr = brush_parser::arithmetic::parse(text)
            .map_err(|_| format!("syntax error in expression (error token is \"{token}\")"))?;
        self.depth += 1;
        let result = self.eval(&expr);
        self.depth -= 1;
        result
    }

    fn get(&mut self, target: &ArithmeticTarget) -> Result<i64, String> {
        let name = name(target);
        let value = self.sh.env.var(name).unwrap_or_default().trim().to_owned();
        if value.is_empty() {
            return Ok(0);
        }
        match value.parse::<i64>() {
            Ok(n) => Ok(n),
            Err(_) => self.text(&value),
        }
    }

    fn set(&mut self, target: &ArithmeticTarget, value: i64) -> i64 {
        self.sh.env.set_var(name(target), &value.to_string());
        value
    }

    fn eval(&mut self, e: &E) -> Result<i64, String> {
        if self.frames >= MAX_FRAMES {
            return Err(format!(
                "expression recursion level exceeded (error token is \"{e}\")"
            ));
        }
        self.frames += 1;
        let result = self.eval_node(e);
        self.frames -= 1;
        result
    }

    fn eval_node(&mut self, e: &E) -> Result<i64, String> {
        Ok(match e {
            E::Literal(n) => *n,
            E::Reference(target) => self.get(target)?,
            E::UnaryOp(op, x) => {
                let x = self.eval(x)?;
                match op {
                    U::UnaryPlus => x,
                    U::UnaryMinus => x.wrapping_neg(),
                    U::BitwiseNot => !x,
                    U::LogicalNot => i64::from(x == 0),
                }
            }
            E::BinaryOp(B::LogicalAnd, l, r) => i64::from(self.eval(l)? != 0 && self.eval(r)? != 0),
            E::BinaryOp(B::LogicalOr, l, r) => i64::from(self.eval(l)? != 0 || self.eval(r)? != 0),
            E::BinaryOp(op, l, r) => {
                let l = self.eval(l)?;
                let r_value = self.eval(r)?;
                binary(op, l, r_value, &r.to_string())?
            }
            E::Conditional(c, t, f) => {
                if self.eval(c)? != 0 {
                    self.eval(t)?
                } else {
                    self.eval(f)?
                }
            }
            E::Assignment(target, x) => {
                let v = self.eval(x)?;
                self.set(target, v)
            }
            E::BinaryAssignment(op, target, x) => {
                let current = self.get(target)?;
                let x_value = self.eval(x)?;
                let v = binary(op, current, x_value, &x.to_string())?;
                self.set(target, v)
            }
            E::UnaryAssignment(op, target) => {
                let old = self.get(target)?;
                let new = match op {
                    Ua::PrefixIncrement | Ua::PostfixIncrement => old.wrapping_add(1),
                    Ua::PrefixDecrement | Ua::PostfixDecrement => old.wrapping_sub(1),
                };
                self.set(target, new);
                match op {
                    Ua::PrefixIncrement | Ua::PrefixDecrement => new,
                    Ua::PostfixIncrement | Ua::PostfixDecrement => old,
                }
            }
        })
    }
}

fn name(target: &ArithmeticTarget) -> &str {
    match target {
        ArithmeticTarget::Variable(name) | ArithmeticTarget::ArrayElement(name, _) => name,
    }
}

/// Applies a binary operator; `token` is the right operand's text for messages.
fn binary(op: &B, l: i64, r: i64, token: &str) -> Result<i64, String> {
    let shift = u32::try_from(r & 63).unwrap_or(0);
    Ok(match op {
        // bash names the operand without its minus sign.
        B::Power if r < 0 => {
            let token = token.trim_start_matches('-');
            return Err(format!("exponent less than 0 (error token is \"{token}\")"));
        }
        B::Power => l.wrapping_pow(u32::try_from(r).unwrap_or(u32::MAX)),
        B::Divide | B::Modulo if r == 0 => {
            return Err(format!("division by 0 (error token is \"{token}\")"));
        }
        B::Divide => l.wrapping_div(r),
        B::Modulo => l.wrapping_rem(r),
        B::Multiply => l.wrapping_mul(r),
        B::Add => l.wrapping_add(r),
        B::Subtract => l.wrapping_sub(r),
        B::Comma => r,
        B::ShiftLeft => l.wrapping_shl(shift),
        B::ShiftRight => l.wrapping_shr(shift),
        B::LessThan => i64::from(l < r),
        B::LessThanOrEqualTo => i64::from(l <= r),
        B::GreaterThan => i64::from(l > r),
        B::GreaterThanOrEqualTo => i64::from(l >= r),
        B::Equals => i64::from(l == r),
        B::NotEquals => i64::from(l != r),
        B::BitwiseAnd => l & r,
        B::BitwiseXor => l ^ r,
        B::BitwiseOr => l | r,
        B::LogicalAnd => i64::from(l != 0 && r != 0),
        B::LogicalOr => i64::from(l != 0 || r != 0),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, FakeHost};

    fn sh(script: &str) -> String {
        run(script, &mut FakeHost::default()).0.text()
    }

    #[test]
    fn arithmetic_like_bash() {
        assert_eq!(sh("i=3; echo $((i*2+1)) $((i++)) $i $((++i)) $((0x1f + 010)) $((7/2)) $((-7%3)) $((2**10))"), "7 3 4 5 39 3 -1 1024\n");
        assert_eq!(
            sh("x=abc; y=2+3; echo $((x)) $((y*2)) $((1<2 && 2<1)) $((1?5:6))"),
            "0 10 0 5\n"
        );
        assert_eq!(
            sh("echo $((1/0)); echo after"),
            "bash: 1/0: division by 0 (error token is \"0\")\n"
        );
        assert_eq!(
            sh("echo $((2**-1))"),
            "bash: 2**-1: exponent less than 0 (error token is \"1\")\n"
        );
        assert_eq!(
            sh("((1/0)); echo after $?"),
            "bash: ((: 1/0: division by 0 (error token is \"0\")\nafter 1\n"
        );
        assert_eq!(
            sh("a=a; echo $((a))"),
            "bash: a: expression recursion level exceeded (error token is \"a\")\n"
        );
    }

    #[test]
    fn shifts_and_legacy_syntax() {
        assert_eq!(
            sh("echo $((1 << 4)) \"$((64 >> 2))\" $[1+3] $[3+4]"),
            "16 16 4 7\n"
        );
    }

    #[test]
    fn arithmetic_commands_and_loops() {
        assert_eq!(sh("((2>1)) && echo yes; ((0)) || echo no"), "yes\nno\n");
        assert_eq!(
            sh("for ((i=0; i<3; i++)); do echo -n $i; done; echo"),
            "012\n"
        );
        assert_eq!(
            sh("for (( ; ; )); do :; done"),
            "bash: for: loop stopped after 10000 iterations\n"
        );
    }
}
