//! Shell arithmetic for `$((...))`, `((...))` and `for ((...))`: parsed and
//! evaluated in one pass, as bash does, on wrapping `i64`. Operators and their
//! precedence are C's plus `**`; the branches not taken by `&&`, `||` and `?:`
//! are parsed without being evaluated.

use super::exec::{Flow, Shell};
use super::expand::{fail, single};
use super::Output;

/// Longest expression text evaluated.
const MAX_EXPR_LEN: usize = 512;
/// Most operators (and parentheses) in one expression text: the evaluator
/// recurses per operator, and the wasm stack is 1 MiB.
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
    Evaluator::new(sh).text(&expanded).map_err(|msg| fail(out, &format!("{}: {msg}", expanded.trim())))
}

/// `((text))`: the value, or `None` after printing bash's `((: ` error (status 1).
pub fn command(sh: &mut Shell<'_>, text: &str, out: &mut Output) -> Result<Option<i64>, Flow> {
    let expanded = single(sh, text, out)?;
    match Evaluator::new(sh).text(&expanded) {
        Ok(value) => Ok(Some(value)),
        Err(msg) => {
            out.err(&format!("bash: ((: {}: {msg}\n", expanded.trim()));
            Ok(None)
        }
    }
}

/// Why an evaluation stopped.
enum Error {
    /// Not an expression: worded by [`Evaluator::text`], which knows the whole text.
    Syntax,
    /// Bash's message (division by 0, ...).
    Msg(String),
}

type Value = Result<i64, Error>;

/// A position in one expression text.
struct Cursor<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Cursor<'t> {
    /// Skips blanks; returns the rest of the text.
    fn rest(&mut self) -> &'t str {
        let text = self.text;
        let rest = &text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
        &text[self.pos..]
    }

    /// Consumes `op` if it comes next (after blanks).
    fn eat(&mut self, op: &str) -> bool {
        let found = self.rest().starts_with(op);
        if found {
            self.pos += op.len();
        }
        found
    }

    /// Consumes a variable name if one comes next.
    fn name(&mut self) -> Option<&'t str> {
        let rest = self.rest();
        let first = rest.bytes().next()?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
        self.pos += len;
        Some(&rest[..len])
    }
}

/// The binary operator at the start of `rest` and its precedence (higher binds
/// tighter); `None` for anything else, assignment operators included.
fn binary_operator(rest: &str) -> Option<(&'static str, u8)> {
    const OPERATORS: [(&str, u8); 19] = [
        ("||", 1),
        ("&&", 2),
        ("**", 11),
        ("<<", 8),
        (">>", 8),
        ("<=", 7),
        (">=", 7),
        ("==", 6),
        ("!=", 6),
        ("|", 3),
        ("^", 4),
        ("&", 5),
        ("<", 7),
        (">", 7),
        ("+", 9),
        ("-", 9),
        ("*", 10),
        ("/", 10),
        ("%", 10),
    ];
    let (op, precedence) = OPERATORS.into_iter().find(|(op, _)| rest.starts_with(op))?;
    // `x += 1`, `x <<= 1`: assignments.
    let assignment = rest[op.len()..].starts_with('=') && !matches!(op, "<=" | ">=" | "==" | "!=");
    (!assignment).then_some((op, precedence))
}

/// Evaluates texts against the shell's variables.
struct Evaluator<'s, 'a> {
    sh: &'s mut Shell<'a>,
    /// Texts being evaluated (variables holding expressions nest).
    depth: u32,
    /// Nested operands being evaluated.
    frames: u32,
    /// Inside a branch not taken: parse only (no assignments, no errors).
    skip: u32,
}

impl<'s, 'a> Evaluator<'s, 'a> {
    fn new(sh: &'s mut Shell<'a>) -> Self {
        Evaluator { sh, depth: 0, frames: 0, skip: 0 }
    }

    /// Evaluates a whole text.
    fn text(&mut self, text: &str) -> Result<i64, String> {
        let token = text.trim();
        if self.depth >= MAX_RECURSION {
            return Err(format!("expression recursion level exceeded (error token is \"{token}\")"));
        }
        if text.len() > MAX_EXPR_LEN {
            return Err(format!("expression longer than {MAX_EXPR_LEN} characters"));
        }
        let operators = text.chars().filter(|c| "()!~+-*/%<>=&|^?:,".contains(*c)).count();
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
        if token.is_empty() {
            return Ok(0);
        }
        self.depth += 1;
        let mut c = Cursor { text, pos: 0 };
        let result = self.comma(&mut c).and_then(|v| if c.rest().is_empty() { Ok(v) } else { Err(Error::Syntax) });
        self.depth -= 1;
        result.map_err(|e| match e {
            Error::Msg(msg) => msg,
            Error::Syntax => format!("syntax error in expression (error token is \"{token}\")"),
        })
    }

    /// Runs `f` one frame deeper (`skip`: without evaluating).
    fn deeper(&mut self, c: &mut Cursor<'_>, skip: bool, f: impl FnOnce(&mut Self, &mut Cursor<'_>) -> Value) -> Value {
        if self.frames >= MAX_FRAMES {
            let token = c.rest().trim_end();
            return Err(Error::Msg(format!("expression recursion level exceeded (error token is \"{token}\")")));
        }
        self.frames += 1;
        self.skip += u32::from(skip);
        let result = f(self, c);
        self.skip -= u32::from(skip);
        self.frames -= 1;
        result
    }

    /// `a, b`: the value of the last.
    fn comma(&mut self, c: &mut Cursor<'_>) -> Value {
        let mut value = self.assign(c)?;
        while c.eat(",") {
            value = self.assign(c)?;
        }
        Ok(value)
    }

    /// `name = a`, `name op= a`, or a conditional.
    fn assign(&mut self, c: &mut Cursor<'_>) -> Value {
        let start = c.pos;
        if let Some(name) = c.name() {
            self.index(c)?;
            let rest = c.rest();
            let op = ["<<=", ">>=", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "="]
                .into_iter()
                .find(|op| rest.starts_with(op) && !rest.starts_with("=="));
            if let Some(op) = op {
                c.pos += op.len();
                let operand = c.pos;
                let value = self.deeper(c, false, Self::assign)?;
                let value = match &op[..op.len() - 1] {
                    "" => value,
                    binary => {
                        let current = self.get(name)?;
                        self.binary(binary, current, value, &c.text[operand..])?
                    }
                };
                return Ok(self.set(name, value));
            }
        }
        c.pos = start;
        self.conditional(c)
    }

    /// `a ? b : c`.
    fn conditional(&mut self, c: &mut Cursor<'_>) -> Value {
        let condition = self.binary_chain(c, 1)?;
        if !c.eat("?") {
            return Ok(condition);
        }
        let yes = self.deeper(c, condition == 0, Self::comma)?;
        if !c.eat(":") {
            return Err(Error::Syntax);
        }
        let no = self.deeper(c, condition != 0, Self::conditional)?;
        Ok(if condition != 0 { yes } else { no })
    }

    /// Binary operators of precedence `min` and above (precedence climbing).
    fn binary_chain(&mut self, c: &mut Cursor<'_>, min: u8) -> Value {
        let mut left = self.unary(c)?;
        while let Some((op, precedence)) = binary_operator(c.rest()) {
            if precedence < min {
                break;
            }
            c.pos += op.len();
            let operand = c.pos;
            // `**` is right-associative; `&&` and `||` skip what cannot matter.
            let next = if op == "**" { precedence } else { precedence + 1 };
            let skip = (op == "&&" && left == 0) || (op == "||" && left != 0);
            let right = self.deeper(c, skip, |e, c| e.binary_chain(c, next))?;
            left = match op {
                "&&" => i64::from(left != 0 && right != 0),
                "||" => i64::from(left != 0 || right != 0),
                _ => self.binary(op, left, right, &c.text[operand..])?,
            };
        }
        Ok(left)
    }

    /// Prefix operators, then an operand.
    fn unary(&mut self, c: &mut Cursor<'_>) -> Value {
        let rest = c.rest();
        for (op, delta) in [("++", 1), ("--", -1)] {
            if rest.starts_with(op) {
                let start = c.pos;
                c.pos += 2;
                if let Some(name) = c.name() {
                    self.index(c)?;
                    let value = self.get(name)?.wrapping_add(delta);
                    return Ok(self.set(name, value));
                }
                c.pos = start;
            }
        }
        let Some(op @ (b'!' | b'~' | b'-' | b'+')) = rest.bytes().next() else {
            return self.operand(c);
        };
        c.pos += 1;
        let x = self.deeper(c, false, Self::unary)?;
        Ok(match op {
            b'!' => i64::from(x == 0),
            b'~' => !x,
            b'-' => x.wrapping_neg(),
            _ => x,
        })
    }

    /// `( expr )`, a number, or a variable (with postfix `++`/`--`).
    fn operand(&mut self, c: &mut Cursor<'_>) -> Value {
        if c.eat("(") {
            let value = self.deeper(c, false, Self::comma)?;
            return if c.eat(")") { Ok(value) } else { Err(Error::Syntax) };
        }
        if let Some(name) = c.name() {
            self.index(c)?;
            for (op, delta) in [("++", 1), ("--", -1)] {
                if c.eat(op) {
                    let old = self.get(name)?;
                    self.set(name, old.wrapping_add(delta));
                    return Ok(old);
                }
            }
            return self.get(name);
        }
        let rest = c.rest();
        let len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'#' | b'@' | b'_')).count();
        c.pos += len;
        number(&rest[..len]).ok_or(Error::Syntax)
    }

    /// Skips an array index after a name (`a[i]` reads `a`: arrays are not modelled).
    fn index(&mut self, c: &mut Cursor<'_>) -> Result<(), Error> {
        if c.text[c.pos..].starts_with('[') {
            c.pos += 1;
            self.deeper(c, true, Self::comma)?;
            if !c.eat("]") {
                return Err(Error::Syntax);
            }
        }
        Ok(())
    }

    /// A variable's value: blank is 0, an expression is evaluated.
    fn get(&mut self, name: &str) -> Value {
        if self.skip > 0 {
            return Ok(0);
        }
        let value = self.sh.env.var(name).unwrap_or_default().trim().to_owned();
        if value.is_empty() {
            return Ok(0);
        }
        match value.parse::<i64>() {
            Ok(n) => Ok(n),
            Err(_) => self.text(&value).map_err(Error::Msg),
        }
    }

    fn set(&mut self, name: &str, value: i64) -> i64 {
        if self.skip == 0 {
            self.sh.env.set_var(name, &value.to_string());
        }
        value
    }

    /// Applies a binary operator; `right` is the text from the right operand on
    /// (bash names it in messages).
    fn binary(&self, op: &str, l: i64, r: i64, right: &str) -> Value {
        if self.skip > 0 {
            return Ok(0);
        }
        let shift = u32::try_from(r & 63).unwrap_or(0);
        Ok(match op {
            // bash names the operand without its minus sign.
            "**" if r < 0 => {
                let token = right.trim().trim_start_matches('-');
                return Err(Error::Msg(format!("exponent less than 0 (error token is \"{token}\")")));
            }
            "**" => l.wrapping_pow(u32::try_from(r).unwrap_or(u32::MAX)),
            "/" | "%" if r == 0 => {
                let token = right.trim();
                return Err(Error::Msg(format!("division by 0 (error token is \"{token}\")")));
            }
            "/" => l.wrapping_div(r),
            "%" => l.wrapping_rem(r),
            "*" => l.wrapping_mul(r),
            "+" => l.wrapping_add(r),
            "-" => l.wrapping_sub(r),
            "<<" => l.wrapping_shl(shift),
            ">>" => l.wrapping_shr(shift),
            "<" => i64::from(l < r),
            "<=" => i64::from(l <= r),
            ">" => i64::from(l > r),
            ">=" => i64::from(l >= r),
            "==" => i64::from(l == r),
            "!=" => i64::from(l != r),
            "&" => l & r,
            "^" => l ^ r,
            _ => l | r,
        })
    }
}

/// A number literal: decimal, `0x` hex, `0` octal or `BASE#digits` (bases 2 to 64).
fn number(word: &str) -> Option<i64> {
    if let Some((base, digits)) = word.split_once('#') {
        let base: u32 = base.parse().ok().filter(|b| (2..=64).contains(b))?;
        if digits.is_empty() {
            return None;
        }
        let mut value = 0i64;
        for c in digits.chars() {
            let digit = match c {
                '0'..='9' | 'a'..='z' => c.to_digit(36)?,
                'A'..='Z' if base <= 36 => c.to_digit(36)?,
                'A'..='Z' => c.to_digit(36)? + 26,
                '@' => 62,
                _ => 63,
            };
            if digit >= base {
                return None;
            }
            value = value.wrapping_mul(i64::from(base)).wrapping_add(i64::from(digit));
        }
        return Some(value);
    }
    if !word.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if let Some(hex) = word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
        i64::from_str_radix(hex, 16).ok()
    } else if word.starts_with('0') {
        i64::from_str_radix(word, 8).ok()
    } else {
        // i64::MAX + 1 is accepted (wrapping) so that `-9223372036854775808` works.
        word.parse::<u64>().ok().map(u64::cast_signed)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{run, FakeHost};

    fn sh(script: &str) -> String {
        run(script, &mut FakeHost::default()).0.text()
    }

    #[test]
    fn arithmetic_like_bash() {
        assert_eq!(
            sh("i=3; echo $((i*2+1)) $((i++)) $i $((++i)) $((0x1f + 010)) $((7/2)) $((-7%3)) $((2**10))"),
            "7 3 4 5 39 3 -1 1024\n"
        );
        assert_eq!(sh("x=abc; y=2+3; echo $((x)) $((y*2)) $((1<2 && 2<1)) $((1?5:6))"), "0 10 0 5\n");
        assert_eq!(sh("echo $((1/0)); echo after"), "bash: 1/0: division by 0 (error token is \"0\")\n");
        assert_eq!(sh("echo $((2**-1))"), "bash: 2**-1: exponent less than 0 (error token is \"1\")\n");
        assert_eq!(sh("((1/0)); echo after $?"), "bash: ((: 1/0: division by 0 (error token is \"0\")\nafter 1\n");
        assert_eq!(sh("a=a; echo $((a))"), "bash: a: expression recursion level exceeded (error token is \"a\")\n");
    }

    #[test]
    fn shifts_and_legacy_syntax() {
        assert_eq!(sh("echo $((1 << 4)) \"$((64 >> 2))\" $[1+3] $[3+4]"), "16 16 4 7\n");
    }

    #[test]
    fn arithmetic_commands_and_loops() {
        assert_eq!(sh("((2>1)) && echo yes; ((0)) || echo no"), "yes\nno\n");
        assert_eq!(sh("for ((i=0; i<3; i++)); do echo -n $i; done; echo"), "012\n");
        assert_eq!(sh("for (( ; ; )); do :; done"), "bash: for: loop stopped after 10000 iterations\n");
    }
}
