//! POSIX regular expressions as GNU grep and sed read them (glibc's `regcomp` with the syntax
//! bits each tool sets), translated into `regex-lite`'s syntax, with glibc's words for a bad
//! pattern. The translated pattern runs in time linear in the text (`regex-lite` has no
//! backtracking), so no pattern can make a tool hang.
//!
//! The rules (POSIX "Regular Expressions", XBD 9, and glibc's `regcomp.c`): in a basic
//! expression `\(`, `\)`, `\{`, `\}` and GNU's `\+`, `\?`, `\|` are the operators and bare
//! `( ) { } + ? |` are literals; `*` at the start of an expression (or of a group, or an
//! alternative, or after an anchor) is literal; `^` anchors only at the start of one of those
//! and `$` only at the end of one. In an extended expression they are all operators and anchors
//! everywhere. Inside a bracket expression a backslash is literal and `[:alpha:]` is a class.

use regex_lite::{Regex, RegexBuilder};

/// Which syntax bits the tool sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// GNU grep's default, `RE_SYNTAX_GREP`: POSIX basic less `RE_CONTEXT_INVALID_DUP`
    /// (a leading `\{` is literal).
    GrepBasic,
    /// `grep -E`, `RE_SYNTAX_EGREP`: POSIX extended with `RE_INVALID_INTERVAL_ORD` (a `{` that
    /// opens no interval is literal) and without `RE_CONTEXT_INVALID_OPS` (a leading `*`
    /// repeats nothing).
    GrepExtended,
    /// `RE_SYNTAX_POSIX_BASIC`: GNU sed's default and `regcomp` without `REG_EXTENDED`
    /// (busybox's tools).
    Basic,
    /// `RE_SYNTAX_POSIX_EXTENDED`: `regcomp` with `REG_EXTENDED` (busybox's `grep -E`, `sed -E`
    /// and awk).
    Extended,
    /// GNU `sed -E`: POSIX extended less `RE_UNMATCHED_RIGHT_PAREN_ORD` (sed's `regexp.c`), so
    /// an unmatched `)` is an error.
    SedExtended,
}

impl Syntax {
    fn basic(self) -> bool {
        matches!(self, Syntax::GrepBasic | Syntax::Basic)
    }
}

/// glibc's `regerror` words (`__re_error_msgid`) for the errors a pattern can have.
pub const EBRACK: &str = "Unmatched [, [^, [:, [., or [=";
pub const EPAREN: &str = "Unmatched ( or \\(";
pub const ERPAREN: &str = "Unmatched ) or \\)";
pub const EBRACE: &str = "Unmatched \\{";
pub const BADBR: &str = "Invalid content of \\{\\}";
pub const ERANGE: &str = "Invalid range end";
pub const ECTYPE: &str = "Invalid character class name";
pub const EESCAPE: &str = "Trailing backslash";
pub const ESUBREG: &str = "Invalid back reference";
pub const BADRPT: &str = "Invalid preceding regular expression";
pub const ESIZE: &str = "Regular expression too big";
pub const ECOLLATE: &str = "Invalid collation character";
/// GNU grep's dfa.c, which refuses what is surely a mistake (`DFA_CONFUSING_BRACKETS_ERROR`).
pub const CONFUSING_BRACKETS: &str = "character class syntax is [[:space:]], not [:space:]";
// k8s-diff: glibc matches back-references (`\(a\)\1`); regex-lite cannot (no linear-time engine
// can), so the lab refuses such a pattern in its own words.
pub const BACKREF: &str = "back-references (\\1 to \\9) in a pattern are not supported in this lab";

/// glibc's `RE_DUP_MAX`: the largest count an interval may give.
const DUP_MAX: u32 = 0x7fff;

/// A translated pattern: `regex-lite`'s text and how many groups it has.
#[derive(Debug, PartialEq, Eq)]
pub struct Translated {
    pub pattern: String,
    pub groups: usize,
    /// How many positions the pattern has with its intervals written out (`a{3}` has 3): the
    /// most states its automaton can have live at once, the cost of a byte of text.
    pub weight: u64,
}

/// Translates a POSIX pattern into `regex-lite`'s syntax, or says what glibc says of it.
pub fn translate(pattern: &str, syntax: Syntax) -> Result<Translated, &'static str> {
    let mut t = Translator {
        p: pattern.chars().collect(),
        i: 0,
        syntax,
        out: String::new(),
        groups: 0,
        open: vec![],
        weights: vec![0],
        last_weight: 0,
    };
    t.expression()?;
    Ok(Translated { pattern: t.out, groups: t.groups, weight: t.weights[0] })
}

/// Most of a pattern's positions times bytes of text one tool may spend: about ten seconds of
/// the lab's matching at worst, where every position of a pattern is live at every byte.
const WORK: u64 = 2_000_000_000;

/// Whether a pattern of `weight` may run over `bytes` of text within the lab's work budget.
// k8s-diff: GNU's matchers have no such budget (a huge interval over a huge text just takes
// long); the lab refuses what would hold the page for more than seconds.
pub fn affordable(weight: u64, bytes: usize) -> bool {
    weight.max(1).saturating_mul(bytes as u64) <= WORK
}

/// Compiles a translated pattern. `regex-lite`'s own refusal can only be its size limit.
pub fn compile(pattern: &str, icase: bool) -> Result<Regex, &'static str> {
    // k8s-diff: glibc takes intervals up to 32767 (`a\{32767\}`) and groups nested as deep as
    // memory allows; the lab keeps a pattern's compiled size to 1 MiB and its nesting to 200, so
    // matching stays fast and the parser's stack small, and words a bigger one as glibc words a
    // pattern past its own limit.
    RegexBuilder::new(pattern).case_insensitive(icase).size_limit(1 << 20).nest_limit(200).build().map_err(|_| ESIZE)
}

/// A fixed string as a pattern that matches exactly it (`grep -F`).
pub fn literal(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        push_literal(&mut out, c);
    }
    out
}

/// One character as `regex-lite` reads it literally.
fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_punctuation() || c.is_ascii_whitespace() || c.is_ascii_control() {
        out.push_str(&format!("\\x{:02X}", c as u32));
    } else {
        out.push(c);
    }
}

/// The translator's state: the pattern's characters, where it is, what it has written, the
/// groups opened and where each open one starts in the output.
struct Translator {
    p: Vec<char>,
    i: usize,
    syntax: Syntax,
    out: String,
    groups: usize,
    open: Vec<usize>,
    /// The weight of each open group (the whole pattern first) so far, and the last atom's.
    weights: Vec<u64>,
    last_weight: u64,
}

/// What the last piece written was, for the repetition operators after it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Nothing yet in this alternative (or an anchor): a repetition has nothing to repeat.
    Start,
    /// An atom written at this output offset, not yet repeated.
    Atom(usize),
    /// An atom at this offset, already repeated (`a**`): wrap it before repeating again.
    Repeated(usize),
}

/// A token of the pattern, as the syntax reads it.
enum Tok {
    Char(char),
    Open,
    Close,
    Alt,
    Star,
    Plus,
    Question,
    Interval,
    Caret,
    Dollar,
    Bracket,
    Any,
    Escape(char),
}

/// An interval's opening brace, named so that counters that read the source as text (the
/// stop hook's) do not take it for a block.
const OPEN_INTERVAL: char = '{';

impl Translator {
    fn peek(&self, k: usize) -> Option<char> {
        self.p.get(self.i + k).copied()
    }

    /// The next token, the characters it took consumed.
    fn token(&mut self) -> Result<Option<Tok>, &'static str> {
        let Some(c) = self.peek(0) else { return Ok(None) };
        self.i += 1;
        let basic = self.syntax.basic();
        let tok = match c {
            '\\' => {
                let Some(e) = self.peek(0) else { return Err(EESCAPE) };
                self.i += 1;
                match e {
                    '(' if basic => Tok::Open,
                    ')' if basic => Tok::Close,
                    '|' if basic => Tok::Alt,
                    OPEN_INTERVAL if basic => Tok::Interval,
                    '+' if basic => Tok::Plus,
                    '?' if basic => Tok::Question,
                    _ => Tok::Escape(e),
                }
            }
            '(' if !basic => Tok::Open,
            ')' if !basic => Tok::Close,
            '|' if !basic => Tok::Alt,
            OPEN_INTERVAL if !basic => Tok::Interval,
            '+' if !basic => Tok::Plus,
            '?' if !basic => Tok::Question,
            '*' => Tok::Star,
            '^' => Tok::Caret,
            '$' => Tok::Dollar,
            '[' => Tok::Bracket,
            '.' => Tok::Any,
            c => Tok::Char(c),
        };
        Ok(Some(tok))
    }

    /// Whether the pattern ends here or an alternative or group closes here (where a basic
    /// expression's `$` is an anchor).
    fn at_end_of_expression(&self) -> bool {
        match (self.peek(0), self.peek(1)) {
            (None, _) => true,
            (Some('\\'), Some(')' | '|')) => self.syntax.basic(),
            (Some(')' | '|'), _) => !self.syntax.basic(),
            _ => false,
        }
    }

    /// The whole pattern.
    fn expression(&mut self) -> Result<(), &'static str> {
        let mut last = Last::Start;
        while let Some(tok) = self.token()? {
            last = self.piece(tok, last)?;
        }
        if !self.open.is_empty() {
            return Err(EPAREN);
        }
        Ok(())
    }

    /// Writes one token; what was last written after it.
    fn piece(&mut self, tok: Tok, last: Last) -> Result<Last, &'static str> {
        match tok {
            Tok::Char(c) => Ok(self.atom(|out| push_literal(out, c))),
            Tok::Escape(e) => self.escape(e),
            Tok::Any => Ok(self.atom(|out| out.push('.'))),
            Tok::Open => {
                self.weights.push(0);
                self.groups += 1;
                self.open.push(self.out.len());
                self.out.push('(');
                Ok(Last::Start)
            }
            Tok::Close => self.close(),
            Tok::Bracket => self.bracket(),
            Tok::Alt => {
                self.out.push('|');
                Ok(Last::Start)
            }
            Tok::Caret => Ok(self.caret(last)),
            Tok::Dollar => {
                if self.syntax.basic() && !self.at_end_of_expression() {
                    return Ok(self.atom(|out| out.push_str("\\$")));
                }
                self.out.push('$');
                Ok(Last::Start)
            }
            Tok::Star => self.repeat("*", last, '*', 1),
            Tok::Plus => self.repeat("+", last, '+', 1),
            Tok::Question => self.repeat("?", last, '?', 1),
            Tok::Interval => self.interval(last),
        }
    }

    /// Writes an atom; it is what a repetition after it repeats.
    fn atom(&mut self, write: impl FnOnce(&mut String)) -> Last {
        self.weigh(1);
        let start = self.out.len();
        write(&mut self.out);
        Last::Atom(start)
    }

    /// Adds `w` positions to the innermost open group; they are the last atom's.
    fn weigh(&mut self, w: u64) {
        if let Some(top) = self.weights.last_mut() {
            *top = top.saturating_add(w);
        }
        self.last_weight = w;
    }

    /// `^`: an anchor in an extended expression, and in a basic one at the start of an
    /// expression, a group or an alternative; a literal elsewhere.
    fn caret(&mut self, last: Last) -> Last {
        let at_start = self.out.is_empty() || self.out.ends_with('(') || self.out.ends_with('|');
        if self.syntax.basic() && !(at_start && last == Last::Start) {
            return self.atom(|out| out.push_str("\\^"));
        }
        self.out.push('^');
        Last::Start
    }

    /// A close of a group; an unmatched one is a literal in an extended expression.
    fn close(&mut self) -> Result<Last, &'static str> {
        let Some(open) = self.open.pop() else {
            if self.syntax.basic() || self.syntax == Syntax::SedExtended {
                return Err(ERPAREN);
            }
            return Ok(self.atom(|out| out.push_str("\\)")));
        };
        self.out.push(')');
        let group = self.weights.pop().unwrap_or(0);
        self.weigh(group);
        Ok(Last::Atom(open))
    }

    /// A backslash and the character after it (that is no operator of the syntax).
    fn escape(&mut self, e: char) -> Result<Last, &'static str> {
        let anchor = match e {
            'b' => "\\b",
            'B' => "\\B",
            '<' => "\\b{start}",
            '>' => "\\b{end}",
            '`' => "\\A",
            '\'' => "\\z",
            _ => "",
        };
        if !anchor.is_empty() {
            self.out.push_str(anchor);
            return Ok(Last::Start);
        }
        let class = match e {
            'w' => "[0-9A-Za-z_]",
            'W' => "[^0-9A-Za-z_]",
            's' => "[[:space:]]",
            'S' => "[^[:space:]]",
            _ => "",
        };
        if !class.is_empty() {
            return Ok(self.atom(|out| out.push_str(class)));
        }
        if let Some(d) = e.to_digit(10).filter(|d| *d >= 1) {
            // glibc refuses a reference to a group not yet closed (`completed_bkref_map`).
            let closed = self.groups - self.open.len();
            return Err(if d as usize > closed { ESUBREG } else { BACKREF });
        }
        Ok(self.atom(|out| push_literal(out, e)))
    }

    /// `*`, `+` or `?` after `last`. With nothing before it, `*` is literal in a basic
    /// expression (and so are GNU's `\+` and `\?`), repeats nothing in grep's extended one, and
    /// is refused by POSIX's extended one.
    fn repeat(&mut self, op: &str, last: Last, literal: char, times: u64) -> Result<Last, &'static str> {
        let start = match last {
            Last::Start => {
                return match self.syntax {
                    Syntax::GrepBasic | Syntax::Basic => Ok(self.atom(|out| push_literal(out, literal))),
                    Syntax::GrepExtended => Ok(Last::Start),
                    Syntax::Extended | Syntax::SedExtended => Err(BADRPT),
                };
            }
            Last::Atom(s) => s,
            Last::Repeated(s) => {
                self.out.insert_str(s, "(?:");
                self.out.push(')');
                s
            }
        };
        self.out.push_str(op);
        let one = self.last_weight;
        self.weigh(one.saturating_mul(times.max(1) - 1));
        self.last_weight = one.saturating_mul(times.max(1));
        Ok(Last::Repeated(start))
    }

    /// An interval `{m}`, `{m,}`, `{m,n}` (or `{,n}`, glibc's `{0,n}`), `\{...\}` in a basic
    /// expression.
    fn interval(&mut self, last: Last) -> Result<Last, &'static str> {
        let begin = self.i;
        if last == Last::Start {
            match self.syntax {
                // RE_CONTEXT_INVALID_DUP is off for grep: a leading `\{` is a literal `{`.
                Syntax::GrepBasic => return Ok(self.atom(|out| out.push_str("\\{"))),
                Syntax::Basic | Syntax::Extended | Syntax::SedExtended => return Err(BADRPT),
                Syntax::GrepExtended => {}
            }
        }
        let bounds = self.bounds();
        let (min, max) = match bounds {
            Ok(b) => b,
            // RE_INVALID_INTERVAL_ORD: `grep -E 'a{'` looks for `a{`.
            Err(_) if self.syntax == Syntax::GrepExtended => {
                self.i = begin;
                return Ok(self.atom(|out| out.push_str("\\{")));
            }
            Err(e) => return Err(e),
        };
        if max.is_some_and(|m| m < min) {
            return Err(BADBR);
        }
        if max.unwrap_or(min) > DUP_MAX {
            return Err(ESIZE);
        }
        if last == Last::Start {
            // grep -E's dfa.c repeats nothing.
            return Ok(Last::Start);
        }
        let op = match max {
            Some(m) if m == min => format!("{{{min}}}"),
            Some(m) => format!("{{{min},{m}}}"),
            None => format!("{{{min},}}"),
        };
        self.repeat(&op, last, '{', u64::from(max.unwrap_or(min)))
    }

    /// An interval's bounds, up to and through its close (`}` or `\}`).
    fn bounds(&mut self) -> Result<(u32, Option<u32>), &'static str> {
        let min = self.number();
        let max = if self.peek(0) == Some(',') {
            self.i += 1;
            self.number()
        } else {
            Some(min.unwrap_or(u32::MAX))
        };
        let close = if self.syntax.basic() {
            self.peek(0) == Some('\\') && self.peek(1) == Some('}')
        } else {
            self.peek(0) == Some('}')
        };
        if !close {
            return Err(if self.rest_has_close() { BADBR } else { EBRACE });
        }
        self.i += if self.syntax.basic() { 2 } else { 1 };
        match (min, max) {
            (None, Some(u32::MAX)) => Err(BADBR),
            (min, max) => Ok((min.unwrap_or(0), max)),
        }
    }

    /// Whether an interval's close comes later (a bad interval rather than an unclosed one).
    fn rest_has_close(&self) -> bool {
        let rest: String = self.p[self.i..].iter().collect();
        if self.syntax.basic() {
            rest.contains("\\}")
        } else {
            rest.contains('}')
        }
    }

    /// Decimal digits here, saturating; None when there are none.
    fn number(&mut self) -> Option<u32> {
        let mut n: Option<u32> = None;
        while let Some(d) = self.peek(0).and_then(|c| c.to_digit(10)) {
            n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d));
            self.i += 1;
        }
        n
    }
}

impl Translator {
    /// Writes the bracket expression that starts here (after its `[`).
    fn bracket(&mut self) -> Result<Last, &'static str> {
        let start = self.out.len();
        let mut class = String::from("[");
        if self.peek(0) == Some('^') {
            class.push('^');
            self.i += 1;
        }
        let body_start = self.i;
        let mut first = true;
        loop {
            let Some(c) = self.peek(0) else { return Err(EBRACK) };
            self.i += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let lo = match (c, self.peek(0)) {
                ('[', Some(k @ (':' | '.' | '='))) => {
                    self.i += 1;
                    match self.bracket_symbol(k)? {
                        Symbol::Class(name) => {
                            class.push_str(&format!("[:{name}:]"));
                            continue;
                        }
                        Symbol::Char(ch) => ch,
                    }
                }
                (c, _) => c,
            };
            self.range_or_char(&mut class, lo)?;
        }
        let body: String = self.p[body_start..self.i - 1].iter().collect();
        if matches!(self.syntax, Syntax::GrepBasic | Syntax::GrepExtended) && confusing(&body) {
            return Err(CONFUSING_BRACKETS);
        }
        class.push(']');
        self.out.push_str(&class);
        self.weigh(1);
        Ok(Last::Atom(start))
    }

    /// After a bracket's character `lo`: a range `lo-hi`, or `lo` alone.
    fn range_or_char(&mut self, class: &mut String, lo: char) -> Result<(), &'static str> {
        let is_range = self.peek(0) == Some('-') && self.peek(1).is_some_and(|c| c != ']');
        if !is_range {
            push_class_char(class, lo);
            return Ok(());
        }
        self.i += 1;
        let Some(mut hi) = self.peek(0) else { return Err(EBRACK) };
        self.i += 1;
        if hi == '[' && matches!(self.peek(0), Some('.' | '=')) {
            let k = self.peek(0).unwrap_or('.');
            self.i += 1;
            match self.bracket_symbol(k)? {
                Symbol::Char(ch) => hi = ch,
                Symbol::Class(_) => return Err(ERANGE),
            }
        }
        if hi < lo {
            return Err(ERANGE);
        }
        push_class_char(class, lo);
        class.push('-');
        push_class_char(class, hi);
        Ok(())
    }

    /// `[:name:]`, `[.c.]` or `[=c=]` after its `[` and `kind`.
    fn bracket_symbol(&mut self, kind: char) -> Result<Symbol, &'static str> {
        let from = self.i;
        while !(self.peek(0) == Some(kind) && self.peek(1) == Some(']')) {
            if self.peek(0).is_none() {
                return Err(EBRACK);
            }
            self.i += 1;
        }
        let name: String = self.p[from..self.i].iter().collect();
        self.i += 2;
        if kind == ':' {
            return if CLASSES.contains(&name.as_str()) { Ok(Symbol::Class(name)) } else { Err(ECTYPE) };
        }
        let mut chars = name.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(Symbol::Char(c)),
            _ => Err(ECOLLATE),
        }
    }
}

/// What `[:...:]`, `[.c.]` and `[=c=]` stand for in a bracket.
enum Symbol {
    Class(String),
    Char(char),
}

/// POSIX's character classes (in the C locale, as `regex-lite` has them: ASCII).
const CLASSES: &[&str] =
    &["alpha", "upper", "lower", "digit", "xdigit", "space", "print", "punct", "graph", "cntrl", "blank", "alnum"];

/// dfa.c's guess that `[:space:]` meant `[[:space:]]`: a bracket whose body is `:letters:`.
fn confusing(body: &str) -> bool {
    body.len() > 2
        && body.starts_with(':')
        && body.ends_with(':')
        && body[1..body.len() - 1].chars().all(|c| c.is_ascii_alphabetic())
}

/// One character inside a `regex-lite` class.
fn push_class_char(class: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || !c.is_ascii() {
        class.push(c);
    } else {
        class.push_str(&format!("\\x{:02X}", c as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &str, s: Syntax) -> Regex {
        compile(&translate(p, s).unwrap().pattern, false).unwrap()
    }

    /// POSIX XBD 9.3 (basic) and 9.4 (extended): which characters are operators.
    #[test]
    fn basic_and_extended_operators() {
        use Syntax::*;
        assert!(re("web-[01]", GrepBasic).is_match("web-0   1/1   Running"));
        assert!(!re("web-[01]", GrepBasic).is_match("web-2"));
        // In a basic expression `+ ? | ( ) { }` are literal, their backslashed forms operators.
        assert!(re("a+b", GrepBasic).is_match("a+b"));
        assert!(!re("a+b", GrepBasic).is_match("aab"));
        assert!(re("a\\+b", GrepBasic).is_match("aab"));
        assert!(re("x\\(ab\\)\\{2\\}y", GrepBasic).is_match("xababy"));
        assert!(re("(a)", GrepBasic).is_match("(a)"));
        assert!(re("a|b", GrepBasic).is_match("a|b") && !re("a|b", GrepBasic).is_match("b"));
        assert!(re("a\\|b", GrepBasic).is_match("b"));
        assert!(re("a{2}", GrepBasic).is_match("a{2}"));
        // Extended: the operators bare, backslashed they are literals.
        assert!(re("a+b", GrepExtended).is_match("aab") && !re("a+b", GrepExtended).is_match("a+b"));
        assert!(re("(ab){2}", GrepExtended).is_match("abab"));
        assert!(re("a\\|b", GrepExtended).is_match("a|b") && !re("a\\|b", GrepExtended).is_match("b"));
        assert!(re("colou?r", GrepExtended).is_match("color"));
        assert!(re("a.c", GrepBasic).is_match("abc") && re("a\\.c", GrepBasic).is_match("a.c"));
        assert!(!re("a\\.c", GrepBasic).is_match("abc") && !re("a[.]c", Extended).is_match("abc"));
    }

    /// XBD 9.3.3 and 9.3.8: `*` at the start and `^`/`$` in the middle of a basic expression are
    /// literals; glibc's egrep syntax lets a leading `*` repeat nothing.
    #[test]
    fn context_makes_literals_in_basic_expressions() {
        use Syntax::*;
        assert!(re("*a", GrepBasic).is_match("x*a") && !re("*a", GrepBasic).is_match("a"));
        assert!(re("\\(*a\\)", GrepBasic).is_match("*a"));
        assert!(re("^*", GrepBasic).is_match("*x") && !re("^*", GrepBasic).is_match("x"));
        assert!(re("a^b", GrepBasic).is_match("a^b"));
        assert!(re("a$b", GrepBasic).is_match("a$b"));
        assert!(re("^web$", GrepBasic).is_match("web") && !re("^web$", GrepBasic).is_match("web-0"));
        assert!(re("\\(^a\\)", GrepBasic).is_match("ab"));
        assert!(re("x\\|^a", GrepBasic).is_match("ab") && !re("x\\|^a", GrepBasic).is_match("ba"));
        assert!(re("*a", GrepExtended).is_match("a"));
        assert!(re("a**", GrepBasic).is_match(""));
        assert_eq!(translate("*a", Extended), Err(BADRPT));
        assert!(re("a{", GrepExtended).is_match("a{"));
        assert!(re("a{1", GrepExtended).is_match("a{1"));
    }

    /// XBD 9.3.5: bracket expressions, classes, ranges, a backslash literal inside.
    #[test]
    fn bracket_expressions() {
        use Syntax::*;
        assert!(re("[[:alpha:]]", GrepBasic).is_match("x") && !re("[[:alpha:]]", GrepBasic).is_match("1"));
        assert!(re("[]a]", GrepBasic).is_match("]"));
        assert!(re("[^]a]", GrepBasic).is_match("b") && !re("[^]a]", GrepBasic).is_match("]"));
        assert!(re("[a-]", GrepBasic).is_match("-"));
        assert!(re("[\\n]", GrepBasic).is_match("\\") && !re("[\\n]", GrepBasic).is_match("\n"));
        assert!(re("[[.-.]]", GrepBasic).is_match("-"));
        assert!(re("[0-9][0-9]*", GrepBasic).is_match("x42"));
        assert!(re("[.$^*]", GrepBasic).is_match("*") && !re("[.$^*]", GrepBasic).is_match("a"));
    }

    /// glibc's words (`__re_error_msgid`) for the errors `regcomp` finds.
    #[test]
    fn bad_patterns_get_glibcs_words() {
        use Syntax::*;
        assert_eq!(translate("[", GrepBasic), Err(EBRACK));
        assert_eq!(translate("[[:alpha:]", GrepBasic), Err(EBRACK));
        assert_eq!(translate("[[:nope:]]", GrepBasic), Err(ECTYPE));
        assert_eq!(translate("[z-a]", GrepBasic), Err(ERANGE));
        assert_eq!(translate("\\(", GrepBasic), Err(EPAREN));
        assert_eq!(translate("(", GrepExtended), Err(EPAREN));
        assert_eq!(translate("\\)", GrepBasic), Err(ERPAREN));
        assert!(translate(")", GrepExtended).is_ok());
        assert_eq!(translate("a\\{1", GrepBasic), Err(EBRACE));
        assert_eq!(translate("a\\{x\\}", GrepBasic), Err(BADBR));
        assert_eq!(translate("a\\{2,1\\}", GrepBasic), Err(BADBR));
        assert_eq!(translate("a\\{99999\\}", GrepBasic), Err(ESIZE));
        assert_eq!(translate("a\\", GrepBasic), Err(EESCAPE));
        assert_eq!(translate("\\1", GrepBasic), Err(ESUBREG));
        assert_eq!(translate("\\(a\\)\\1", GrepBasic), Err(BACKREF));
        assert_eq!(translate("[:space:]", GrepBasic), Err(CONFUSING_BRACKETS));
        assert!(translate("[:space:]", Basic).is_ok());
        assert_eq!(translate("\\{1\\}", Basic), Err(BADRPT));
        assert!(re("\\{1", GrepBasic).is_match("{1"));
    }

    /// A pattern's weight counts its positions with intervals written out.
    #[test]
    fn weights_count_positions() {
        let w = |p: &str| translate(p, Syntax::GrepExtended).unwrap().weight;
        assert_eq!((w("web"), w("web-[01]"), w("a*b+"), w("a{3}"), w("(ab){2}c"), w("(a{3}){3}")), (3, 5, 2, 3, 5, 9));
        assert!(affordable(w("web"), 16 << 20) && !affordable(w("(.{100}){100}"), 1 << 20));
    }

    /// Nothing a user types makes the translation or the compiled pattern panic.
    #[test]
    fn odd_patterns_never_panic() {
        for p in
            ["", "\\", "[", "[]", "[^", "\\(\\)", "()", "a{,3}", "a\\{,\\}", "[[=", "[[.ab.]]", "é[é-ü]", "x{9}{9}{9}"]
        {
            for s in [Syntax::GrepBasic, Syntax::GrepExtended, Syntax::Basic, Syntax::Extended, Syntax::SedExtended] {
                if let Ok(t) = translate(p, s) {
                    let _ = compile(&t.pattern, true);
                }
            }
        }
        assert_eq!(
            compile(&translate("(((a{200}){200}){200})", Syntax::Extended).unwrap().pattern, false).err(),
            Some(ESIZE)
        );
    }
}
