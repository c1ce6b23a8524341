//! The lexer and the recursive-descent parser of command lines.
//!
//! The lexer knows no context: reserved words are ordinary [`Token::Word`]s that
//! the parser recognises in command position. It does the character-level work
//! bash's lexer does: quotes, `$(...)`, `${...}`, `$((...))` and backquotes stay
//! inside one word (their ends found by the `*_end` scanners, which
//! [`word`](super::word) reuses), `#` starts a comment, `\`-newline joins lines,
//! and here-document bodies are read at the end of the line that asked for them.

use std::cell::OnceCell;
use std::rc::Rc;

use super::word::unquote;
use super::{
    AndOr, AndOrList, Assignment, AssignmentValue, CaseAction, CaseItem, Command, CompoundCommand, CompoundList,
    HereDocument, IoRedirect, Pipeline, RedirectKind, SimpleCommand, SyntaxError, TestExpr, MAX_NESTING,
};

/// The word that opens a `{ ...; }` group, named so that brace counters that read the source
/// as text see the blocks balance.
const OPEN_GROUP: &str = "{";

type Result<T> = std::result::Result<T, SyntaxError>;

/// A token of the command grammar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// A word as typed (quotes included).
    Word(String),
    /// Digits written right before `<` or `>`: the redirected file descriptor.
    IoNumber(i32),
    /// An operator; a newline is `"\n"`.
    Op(&'static str),
    /// The end of the text.
    Eof,
}

/// The operators, longest first so that the first match is the longest.
const OPERATORS: [&str; 24] = [
    ";;&", "<<<", "<<-", "&>>", ";;", ";&", "&&", "&>", "||", "|&", "<<", "<&", "<>", ">>", ">&", ">|", ";", "&", "|",
    "(", ")", "<", ">", "\n",
];

/// The error for finding `token` where something else was needed.
fn unexpected(token: &Token) -> SyntaxError {
    SyntaxError::UnexpectedToken(match token {
        Token::Eof => return SyntaxError::UnexpectedEof,
        Token::Op("\n") => "newline".into(),
        Token::Op(op) => (*op).into(),
        Token::Word(w) => w.clone(),
        Token::IoNumber(n) => n.to_string(),
    })
}

/// Characters that end an unquoted word.
fn is_meta(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')')
}

/// Reserved words that cannot start a command: the closers, `in`, `]]`, a `!`
/// after `|`, and `select` (not supported).
fn is_reserved(w: &str) -> bool {
    matches!(w, "}" | "then" | "else" | "elif" | "fi" | "do" | "done" | "esac" | "in" | "]]" | "!" | "select")
}

/// A here-document whose body has not been read yet.
struct Pending {
    delimiter: String,
    strip_tabs: bool,
    body: Rc<OnceCell<String>>,
}

/// Parser state over one text. The lexer and the parser share it, because the
/// end of `$(...)` is found by parsing what is inside.
pub(super) struct Parser<'a> {
    pub(super) src: &'a str,
    /// Where lexing continues.
    pos: usize,
    /// The next token, once looked at.
    peeked: Option<Token>,
    /// Where the peeked token starts.
    start: usize,
    /// Constructs being parsed (see [`MAX_NESTING`]).
    depth: usize,
    /// Here-documents waiting for the end of their line.
    pending: Vec<Pending>,
    /// Warnings for stderr (here-documents delimited by end-of-file).
    warnings: Vec<String>,
}

/// Parses a whole text (a line and its continuation lines, ending in a newline so
/// that here-documents and errors such as `a >` see one). Returns the commands and
/// the warnings bash prints before running them.
pub fn parse(text: &str) -> Result<(CompoundList, Vec<String>)> {
    let mut p = Parser::new(text);
    let list = p.list(true)?;
    match p.peek()? {
        Token::Eof => {}
        token => return Err(unexpected(token)),
    }
    p.read_heredocs();
    Ok((list, p.warnings))
}

/// The tokens of `text`, without parsing (here-document bodies are not set apart).
pub fn tokens(text: &str) -> Result<Vec<Token>> {
    let mut p = Parser::new(text);
    let mut tokens = Vec::new();
    loop {
        match p.next()? {
            Token::Eof => return Ok(tokens),
            token => tokens.push(token),
        }
    }
}

impl<'a> Parser<'a> {
    /// A parser at the start of `src`.
    pub(super) fn new(src: &'a str) -> Self {
        Parser { src, pos: 0, peeked: None, start: 0, depth: 0, pending: Vec::new(), warnings: Vec::new() }
    }

    // ---- Characters -------------------------------------------------------------

    /// The byte at `i`, if any.
    pub(super) fn byte(&self, i: usize) -> Option<u8> {
        self.src.as_bytes().get(i).copied()
    }

    /// The end of the character starting at `i` (`i` itself at the end of the text).
    pub(super) fn char_end(&self, i: usize) -> usize {
        i + self.src.get(i..).and_then(|s| s.chars().next()).map_or(0, char::len_utf8)
    }

    /// Runs `f` one nesting level deeper.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.depth >= MAX_NESTING {
            return Err(SyntaxError::TooDeep);
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// The end of a word starting at `i` (at the first unquoted metacharacter).
    fn word_end(&mut self, mut i: usize) -> Result<usize> {
        let start = i;
        while let Some(b) = self.byte(i) {
            i = match b {
                // `NAME=(a b)`: the array ends the assignment word.
                b'(' if super::split_assignment(&self.src[start..i]).is_some_and(|(_, _, value)| value.is_empty()) => {
                    return self.nested(|p| p.array_end(i + 1));
                }
                _ if is_meta(b) => break,
                _ => self.piece_end(i, false)?,
            };
        }
        Ok(i)
    }

    /// The end of one piece of a word at `i`: a quoted part, an expansion, an
    /// escaped character or one plain character. `in_dq`: inside double quotes.
    pub(super) fn piece_end(&mut self, i: usize, in_dq: bool) -> Result<usize> {
        match self.byte(i) {
            Some(b'\\') => Ok(self.char_end(i + 1)),
            Some(b'\'') if !in_dq => self.quote_end(i + 1),
            Some(b'"') => self.dq_end(i + 1),
            Some(b'`') => self.bq_end(i + 1),
            Some(b'$') => self.dollar_end(i, in_dq),
            _ => Ok(self.char_end(i)),
        }
    }

    /// The end of `'...'` whose text starts at `i`.
    pub(super) fn quote_end(&self, i: usize) -> Result<usize> {
        match self.src.get(i..).and_then(|s| s.find('\'')) {
            Some(n) => Ok(i + n + 1),
            None => Err(SyntaxError::Unmatched('\'')),
        }
    }

    /// The end of `$'...'` whose text starts at `i` (backslash escapes a quote).
    pub(super) fn ansi_end(&self, mut i: usize) -> Result<usize> {
        loop {
            match self.byte(i) {
                None => return Err(SyntaxError::Unmatched('\'')),
                Some(b'\'') => return Ok(i + 1),
                Some(b'\\') => i = self.char_end(i + 1),
                _ => i += 1,
            }
        }
    }

    /// The end of `` `...` `` whose text starts at `i`.
    pub(super) fn bq_end(&self, mut i: usize) -> Result<usize> {
        loop {
            match self.byte(i) {
                None => return Err(SyntaxError::Unmatched('`')),
                Some(b'`') => return Ok(i + 1),
                Some(b'\\') => i = self.char_end(i + 1),
                _ => i += 1,
            }
        }
    }

    /// The end of `"..."` whose text starts at `i`.
    pub(super) fn dq_end(&mut self, mut i: usize) -> Result<usize> {
        loop {
            i = match self.byte(i) {
                None => return Err(SyntaxError::Unmatched('"')),
                Some(b'"') => return Ok(i + 1),
                _ => self.piece_end(i, true)?,
            };
        }
    }

    /// The end of what a `$` at `i` starts (just past the `$` if nothing).
    pub(super) fn dollar_end(&mut self, i: usize, in_dq: bool) -> Result<usize> {
        match self.byte(i + 1) {
            Some(b'\'') if !in_dq => self.ansi_end(i + 2),
            Some(b'"') if !in_dq => self.dq_end(i + 2),
            Some(b'{') => self.nested(|p| p.brace_end(i + 2)),
            Some(b'[') => self.nested(|p| p.bracket_end(i + 2)),
            Some(b'(') => self.nested(|p| match p.arith_end(i + 1)? {
                Some(end) => Ok(end),
                None => p.comsub_end(i + 2),
            }),
            _ => Ok(i + 1),
        }
    }

    /// The end of `${...}` whose text starts at `i`. As in bash, bare braces nest
    /// and single quotes quote, even inside double quotes.
    pub(super) fn brace_end(&mut self, mut i: usize) -> Result<usize> {
        let mut braces = 0;
        loop {
            i = match self.byte(i) {
                None => return Err(SyntaxError::Unmatched('}')),
                Some(b'}') if braces == 0 => return Ok(i + 1),
                Some(b'}') => {
                    braces -= 1;
                    i + 1
                }
                Some(b'{') => {
                    braces += 1;
                    i + 1
                }
                _ => self.piece_end(i, false)?,
            };
        }
    }

    /// The end of `$[...]` whose text starts at `i`.
    pub(super) fn bracket_end(&mut self, mut i: usize) -> Result<usize> {
        let mut brackets = 0;
        loop {
            i = match self.byte(i) {
                None => return Err(SyntaxError::Unmatched(']')),
                Some(b']') if brackets == 0 => return Ok(i + 1),
                Some(b']') => {
                    brackets -= 1;
                    i + 1
                }
                Some(b'[') => {
                    brackets += 1;
                    i + 1
                }
                _ => self.piece_end(i, false)?,
            };
        }
    }

    /// The end of `((...))` starting at `i`; `None` when it is not one (a
    /// single `(`, or a `)` closing the first `(` alone: then `((` was two
    /// parentheses, and the caller parses them as such; each such retry costs
    /// two nesting levels, so retries stay few).
    pub(super) fn arith_end(&mut self, mut i: usize) -> Result<Option<usize>> {
        if self.src.get(i..i + 2) != Some("((") {
            return Ok(None);
        }
        i += 2;
        let mut parens = 0;
        loop {
            i = match self.byte(i) {
                None => return Err(SyntaxError::Unmatched(')')),
                Some(b'(') => {
                    parens += 1;
                    i + 1
                }
                Some(b')') if parens > 0 => {
                    parens -= 1;
                    i + 1
                }
                Some(b')') => return Ok((self.byte(i + 1) == Some(b')')).then_some(i + 2)),
                _ => self.piece_end(i, false)?,
            };
        }
    }

    /// The end of `$(...)` (or `<(...)`) whose text starts at `i`: the commands in
    /// it are parsed, as bash does, so that a `)` in a `case` pattern or a quote
    /// does not end it.
    pub(super) fn comsub_end(&mut self, i: usize) -> Result<usize> {
        let (pos, peeked, start) = (self.pos, self.peeked.take(), self.start);
        self.pos = i;
        let result = (|| {
            self.list(true)?;
            match self.next()? {
                Token::Op(")") => Ok(self.pos),
                token => Err(unexpected(&token)),
            }
        })();
        (self.pos, self.peeked, self.start) = (pos, peeked, start);
        result.map_err(|e| match e {
            SyntaxError::UnexpectedEof => SyntaxError::Unmatched(')'),
            e => e,
        })
    }

    /// The end of the elements of `NAME=(...)` starting at `i`.
    fn array_end(&mut self, mut i: usize) -> Result<usize> {
        loop {
            match self.byte(i) {
                None => return Err(SyntaxError::Unmatched(')')),
                Some(b')') => return Ok(i + 1),
                Some(b' ' | b'\t' | b'\n') => i += 1,
                Some(b) if is_meta(b) => return Err(SyntaxError::UnexpectedToken(char::from(b).to_string())),
                _ => i = self.word_end(i)?,
            }
        }
    }

    // ---- Tokens -----------------------------------------------------------------

    /// Reads the next token.
    fn lex(&mut self) -> Result<Token> {
        loop {
            match self.byte(self.pos) {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'\\') if self.byte(self.pos + 1) == Some(b'\n') => self.pos += 2,
                Some(b'#') => {
                    let rest = &self.src[self.pos..];
                    self.pos += rest.find('\n').unwrap_or(rest.len());
                }
                _ => break,
            }
        }
        let start = self.pos;
        let rest = &self.src[start..];
        let token = if rest.is_empty() {
            Token::Eof
        } else if rest.starts_with("<(") || rest.starts_with(">(") {
            // Process substitution: one word, refused by the parser.
            self.pos = self.nested(|p| p.comsub_end(start + 2))?;
            Token::Word(self.src[start..self.pos].to_owned())
        } else if let Some(op) = OPERATORS.into_iter().find(|op| rest.starts_with(op)) {
            self.pos += op.len();
            if op == "\n" {
                self.read_heredocs();
            }
            Token::Op(op)
        } else {
            self.pos = self.word_end(start)?;
            let word = &self.src[start..self.pos];
            let io_number =
                word.bytes().all(|b| b.is_ascii_digit()) && matches!(self.byte(self.pos), Some(b'<' | b'>'));
            match word.parse() {
                Ok(n) if io_number => Token::IoNumber(n),
                _ => Token::Word(word.to_owned()),
            }
        };
        self.start = start;
        Ok(token)
    }

    /// Reads the bodies of the pending here-documents, which start at `pos`.
    fn read_heredocs(&mut self) {
        for doc in std::mem::take(&mut self.pending) {
            let mut body = String::new();
            let mut closed = false;
            while self.pos < self.src.len() {
                let rest = &self.src[self.pos..];
                let end = rest.find('\n').unwrap_or(rest.len());
                self.pos += (end + 1).min(rest.len());
                let mut line = &rest[..end];
                if doc.strip_tabs {
                    line = line.trim_start_matches('\t');
                }
                if line == doc.delimiter {
                    closed = true;
                    break;
                }
                body.push_str(line);
                body.push('\n');
            }
            if !closed {
                self.warnings.push(format!(
                    "warning: here-document at line 1 delimited by end-of-file (wanted `{}')",
                    doc.delimiter
                ));
            }
            let _ = doc.body.set(body);
        }
    }

    /// The next token, without consuming it.
    fn peek(&mut self) -> Result<&Token> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lex()?);
        }
        Ok(self.peeked.get_or_insert(Token::Eof))
    }

    /// Consumes the next token.
    fn next(&mut self) -> Result<Token> {
        self.peek()?;
        Ok(self.peeked.take().unwrap_or(Token::Eof))
    }

    /// Consumes the next token if it is `token`.
    fn eat(&mut self, token: Token) -> Result<bool> {
        let found = *self.peek()? == token;
        if found {
            self.peeked = None;
        }
        Ok(found)
    }

    /// Consumes operator `op` if it comes next.
    fn eat_op(&mut self, op: &'static str) -> Result<bool> {
        self.eat(Token::Op(op))
    }

    /// Consumes word `w` if it comes next.
    fn eat_word(&mut self, w: &str) -> Result<bool> {
        let found = matches!(self.peek()?, Token::Word(x) if x == w);
        if found {
            self.peeked = None;
        }
        Ok(found)
    }

    /// Consumes `token`, or fails naming what came instead.
    fn expect(&mut self, token: Token) -> Result<()> {
        if self.eat(token)? {
            Ok(())
        } else {
            Err(unexpected(self.peek()?))
        }
    }

    /// Consumes word `w`, or fails naming what came instead.
    fn expect_word(&mut self, w: &str) -> Result<()> {
        if self.eat_word(w)? {
            Ok(())
        } else {
            Err(unexpected(self.peek()?))
        }
    }

    /// Consumes a word (an fd number counts as one), or fails.
    fn word(&mut self) -> Result<String> {
        match self.next()? {
            Token::Word(w) => Ok(w),
            Token::IoNumber(n) => Ok(n.to_string()),
            token => Err(unexpected(&token)),
        }
    }

    /// Skips newlines.
    fn linebreak(&mut self) -> Result<()> {
        while self.eat_op("\n")? {}
        Ok(())
    }

    /// Whether the next token ends a list (in command position).
    fn at_closer(&mut self) -> Result<bool> {
        Ok(match self.peek()? {
            Token::Eof => true,
            Token::Op(op) => matches!(*op, ")" | ";;" | ";&" | ";;&"),
            Token::Word(w) => matches!(w.as_str(), "}" | "then" | "else" | "elif" | "fi" | "do" | "done" | "esac"),
            Token::IoNumber(_) => false,
        })
    }

    // ---- Grammar ----------------------------------------------------------------

    /// And-or lists separated by `;`, `&` or newlines, up to a token that closes
    /// the enclosing construct (which the caller checks). Only `allow_empty` lists
    /// may hold no command.
    fn list(&mut self, allow_empty: bool) -> Result<CompoundList> {
        self.linebreak()?;
        let mut items = Vec::new();
        if allow_empty && self.at_closer()? {
            return Ok(CompoundList(items));
        }
        loop {
            items.push(self.and_or()?);
            if self.eat_op(";")? || self.eat_op("&")? || *self.peek()? == Token::Op("\n") {
                self.linebreak()?;
            } else {
                break;
            }
            if self.at_closer()? {
                break;
            }
        }
        Ok(CompoundList(items))
    }

    /// `pipeline && pipeline || ...`.
    fn and_or(&mut self) -> Result<AndOrList> {
        let first = self.pipeline()?;
        let mut additional = Vec::new();
        loop {
            let and = if self.eat_op("&&")? {
                true
            } else if self.eat_op("||")? {
                false
            } else {
                return Ok(AndOrList { first, additional });
            };
            self.linebreak()?;
            let next = self.pipeline()?;
            additional.push(if and { AndOr::And(next) } else { AndOr::Or(next) });
        }
    }

    /// `[time [-p]] [!]... command | command ...`.
    fn pipeline(&mut self) -> Result<Pipeline> {
        let timed = self.eat_word("time")?;
        if timed {
            self.eat_word("-p")?;
        }
        let mut bang = false;
        while self.eat_word("!")? {
            bang = !bang;
        }
        let mut seq = Vec::new();
        // A bare `!` or `time` is a pipeline of no command.
        let ends = self.at_closer()? || matches!(self.peek()?, Token::Op(";" | "&" | "\n" | "&&" | "||"));
        if (timed || bang) && ends {
            return Ok(Pipeline { timed, bang, seq });
        }
        loop {
            let mut command = self.command()?;
            let both = self.eat_op("|&")?;
            if both {
                // `a |& b` is `a 2>&1 | b`.
                let dup = IoRedirect::File(Some(2), RedirectKind::DuplicateOutput, "1".into());
                match &mut command {
                    Command::Simple(simple) => simple.redirects.push(dup),
                    Command::Compound(_, redirects) => redirects.push(dup),
                    Command::Unsupported(_) => {}
                }
            }
            seq.push(command);
            if !both && !self.eat_op("|")? {
                return Ok(Pipeline { timed, bang, seq });
            }
            self.linebreak()?;
        }
    }

    /// One command: compound (with its redirections), a function definition or a
    /// simple command.
    fn command(&mut self) -> Result<Command> {
        let compound = match self.peek()?.clone() {
            Token::Op("(") => self.nested(Self::paren_command)?,
            Token::Word(w) => match w.as_str() {
                OPEN_GROUP | "if" | "for" | "while" | "until" | "case" | "[[" => {
                    self.next()?;
                    self.nested(|p| p.compound(&w))?
                }
                "function" => {
                    self.next()?;
                    self.word()?;
                    if self.eat_op("(")? {
                        self.expect(Token::Op(")"))?;
                    }
                    return self.function_body();
                }
                "coproc" => {
                    self.next()?;
                    self.nested(Self::command)?;
                    return Ok(Command::Unsupported("coproc"));
                }
                _ if is_reserved(&w) => return Err(unexpected(&Token::Word(w))),
                _ => return self.simple(),
            },
            Token::Op(op) if op.starts_with(['<', '>']) || op.starts_with("&>") => return self.simple(),
            Token::IoNumber(_) => return self.simple(),
            token => return Err(unexpected(&token)),
        };
        let mut redirects = Vec::new();
        while self.at_redirect()? {
            redirects.push(self.redirect()?);
        }
        Ok(Command::Compound(compound, redirects))
    }

    /// `( list )` or `(( expression ))`, at a `(`.
    fn paren_command(&mut self) -> Result<CompoundCommand> {
        if let Some(end) = self.arith_end(self.start)? {
            self.peeked = None;
            self.pos = end;
            let text = &self.src[self.start + 2..end - 2];
            return Ok(CompoundCommand::Arithmetic(text.to_owned()));
        }
        self.next()?;
        let list = self.list(false)?;
        self.expect(Token::Op(")"))?;
        Ok(CompoundCommand::Subshell(list))
    }

    /// The compound command started by reserved word `keyword` (consumed).
    fn compound(&mut self, keyword: &str) -> Result<CompoundCommand> {
        Ok(match keyword {
            "{" => {
                let list = self.list(false)?;
                self.expect_word("}")?;
                CompoundCommand::BraceGroup(list)
            }
            "if" => {
                let mut branches = Vec::new();
                let mut otherwise = None;
                loop {
                    let condition = self.list(false)?;
                    self.expect_word("then")?;
                    branches.push((condition, self.list(false)?));
                    if self.eat_word("elif")? {
                        continue;
                    }
                    if self.eat_word("else")? {
                        otherwise = Some(self.list(false)?);
                    }
                    self.expect_word("fi")?;
                    break CompoundCommand::If { branches, otherwise };
                }
            }
            "while" | "until" => CompoundCommand::While {
                until: keyword == "until",
                condition: self.list(false)?,
                body: self.do_group()?,
            },
            "for" => self.for_clause()?,
            "case" => self.case_clause()?,
            _ => {
                let test = self.test_or()?;
                self.linebreak()?;
                self.expect_word("]]")?;
                CompoundCommand::ExtendedTest(test)
            }
        })
    }

    /// `do list done`.
    fn do_group(&mut self) -> Result<CompoundList> {
        self.expect_word("do")?;
        let list = self.list(false)?;
        self.expect_word("done")?;
        Ok(list)
    }

    /// After `for`: `NAME [in words] ; do ... done` or `((...)) do ... done`.
    fn for_clause(&mut self) -> Result<CompoundCommand> {
        if *self.peek()? == Token::Op("(") {
            let Some(end) = self.arith_end(self.start)? else {
                return Err(SyntaxError::UnexpectedToken("(".into()));
            };
            self.peeked = None;
            self.pos = end;
            let text = &self.src[self.start + 2..end - 2];
            let mut parts = text.split(';').map(str::to_owned);
            let (Some(init), Some(condition), Some(update), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(SyntaxError::UnexpectedToken("((".into()));
            };
            self.eat_op(";")?;
            self.linebreak()?;
            let body = if self.eat_word("{")? {
                let list = self.list(false)?;
                self.expect_word("}")?;
                list
            } else {
                self.do_group()?
            };
            return Ok(CompoundCommand::ArithmeticFor { parts: [init, condition, update], body });
        }
        let variable = self.word()?;
        self.linebreak()?;
        let mut values = Vec::new();
        if self.eat_word("in")? {
            while matches!(self.peek()?, Token::Word(_) | Token::IoNumber(_)) {
                values.push(self.word()?);
            }
            if !self.eat_op(";")? && *self.peek()? != Token::Op("\n") {
                return Err(unexpected(self.peek()?));
            }
        } else {
            self.eat_op(";")?;
        }
        self.linebreak()?;
        Ok(CompoundCommand::For { variable, values, body: self.do_group()? })
    }

    /// After `case`: `word in [(]pattern[|pattern]) list ;; ... esac`.
    fn case_clause(&mut self) -> Result<CompoundCommand> {
        let value = self.word()?;
        self.linebreak()?;
        self.expect_word("in")?;
        self.linebreak()?;
        let mut items = Vec::new();
        while !self.eat_word("esac")? {
            self.eat_op("(")?;
            let mut patterns = vec![self.word()?];
            while self.eat_op("|")? {
                patterns.push(self.word()?);
            }
            self.expect(Token::Op(")"))?;
            let body = self.list(true)?;
            let action = if self.eat_op(";;")? {
                CaseAction::Break
            } else if self.eat_op(";&")? {
                CaseAction::FallThrough
            } else if self.eat_op(";;&")? {
                CaseAction::Continue
            } else {
                // The last item needs no `;;`.
                items.push(CaseItem { patterns, body, action: CaseAction::Break });
                self.expect_word("esac")?;
                break;
            };
            items.push(CaseItem { patterns, body, action });
            self.linebreak()?;
        }
        Ok(CompoundCommand::Case { value, items })
    }

    /// `a || b` inside `[[ ]]`.
    fn test_or(&mut self) -> Result<TestExpr> {
        let mut expr = self.test_and()?;
        loop {
            self.linebreak()?;
            if !self.eat_op("||")? {
                return Ok(expr);
            }
            expr = TestExpr::Or(Box::new(expr), Box::new(self.test_and()?));
        }
    }

    /// `a && b` inside `[[ ]]`.
    fn test_and(&mut self) -> Result<TestExpr> {
        let mut expr = self.test_primary()?;
        loop {
            self.linebreak()?;
            if !self.eat_op("&&")? {
                return Ok(expr);
            }
            expr = TestExpr::And(Box::new(expr), Box::new(self.test_primary()?));
        }
    }

    /// `! e`, `( e )`, `-op word`, `word op word` or `word` inside `[[ ]]`.
    fn test_primary(&mut self) -> Result<TestExpr> {
        let mut negate = false;
        loop {
            self.linebreak()?;
            if !self.eat_word("!")? {
                break;
            }
            negate = !negate;
        }
        let expr = if self.eat_op("(")? {
            let inner = self.nested(Self::test_or)?;
            self.linebreak()?;
            self.expect(Token::Op(")"))?;
            inner
        } else {
            let first = match self.peek()? {
                Token::Word(w) if w == "]]" => return Err(unexpected(self.peek()?)),
                _ => self.word()?,
            };
            let op = match self.peek()? {
                Token::Word(w) if is_test_binary(w) => Some(w.clone()),
                Token::Op(op @ ("<" | ">")) => Some((*op).to_owned()),
                _ => None,
            };
            match op {
                Some(op) => {
                    self.next()?;
                    let right = if op == "=~" { self.regex()? } else { self.word()? };
                    TestExpr::Binary(op, first, right)
                }
                None if is_test_unary(&first) => match self.peek()? {
                    Token::Word(w) if w == "]]" => return Err(unexpected(self.peek()?)),
                    _ => TestExpr::Unary(first, self.word()?),
                },
                None => TestExpr::Unary("-n".into(), first),
            }
        };
        Ok(if negate { TestExpr::Not(Box::new(expr)) } else { expr })
    }

    /// The operand of `=~`: words and `(`, `)`, `|` up to `]]`.
    fn regex(&mut self) -> Result<String> {
        let mut text = String::new();
        let mut parens = 0;
        loop {
            match self.peek()? {
                Token::Word(w) if w != "]]" || parens > 0 => text.push_str(w),
                Token::IoNumber(n) => text.push_str(&n.to_string()),
                Token::Op("(") => {
                    parens += 1;
                    text.push('(');
                }
                Token::Op(")") if parens > 0 => {
                    parens -= 1;
                    text.push(')');
                }
                Token::Op("|") => text.push('|'),
                token if text.is_empty() => return Err(unexpected(token)),
                _ => return Ok(text),
            }
            self.next()?;
        }
    }

    /// After a function's name (and `()`): the body, a compound command.
    fn function_body(&mut self) -> Result<Command> {
        self.linebreak()?;
        let compound = matches!(self.peek()?, Token::Op("("))
            || matches!(self.peek()?, Token::Word(w)
                if matches!(w.as_str(), "{" | "if" | "for" | "while" | "until" | "case" | "[["));
        if !compound {
            return Err(unexpected(self.peek()?));
        }
        self.nested(Self::command)?;
        Ok(Command::Unsupported("defining functions"))
    }

    /// Assignments, words and redirections, up to an operator.
    fn simple(&mut self) -> Result<Command> {
        let mut cmd = SimpleCommand::default();
        let mut unsupported = None;
        loop {
            if self.at_redirect()? {
                let redirect = self.redirect()?;
                if let IoRedirect::File(_, _, w) = &redirect {
                    if w.starts_with("<(") || w.starts_with(">(") {
                        unsupported = Some("process substitution");
                    }
                }
                cmd.redirects.push(redirect);
                continue;
            }
            let Token::Word(w) = self.peek()? else {
                break;
            };
            let w = w.clone();
            self.next()?;
            // Assignments come before the command name.
            let assignment = if cmd.words.is_empty() { assignment(&w)? } else { None };
            if w.starts_with("<(") || w.starts_with(">(") {
                unsupported = Some("process substitution");
            } else if let Some(assignment) = assignment {
                cmd.assignments.push(assignment);
            } else {
                cmd.words.push(w);
                let first = cmd.words.len() == 1 && cmd.assignments.is_empty();
                if first && cmd.redirects.is_empty() && self.eat_op("(")? {
                    // `name() compound-command`.
                    self.expect(Token::Op(")"))?;
                    return self.function_body();
                }
            }
        }
        Ok(match unsupported {
            Some(what) => Command::Unsupported(what),
            None => Command::Simple(cmd),
        })
    }

    /// Whether a redirection comes next.
    fn at_redirect(&mut self) -> Result<bool> {
        Ok(match self.peek()? {
            Token::IoNumber(_) => true,
            Token::Op(op) => op.starts_with(['<', '>']) || op.starts_with("&>"),
            _ => false,
        })
    }

    /// `[n]op word`; a here-document's body is read at the end of the line.
    fn redirect(&mut self) -> Result<IoRedirect> {
        let (fd, op) = match self.next()? {
            Token::IoNumber(n) => (Some(n), self.next()?),
            op => (None, op),
        };
        let Token::Op(op) = op else {
            return Err(unexpected(&op));
        };
        let target = self.word()?;
        let kind = match op {
            "<" => RedirectKind::Read,
            ">" | ">|" => RedirectKind::Write,
            ">>" => RedirectKind::Append,
            "<>" => RedirectKind::ReadWrite,
            "<&" => RedirectKind::DuplicateInput,
            ">&" => RedirectKind::DuplicateOutput,
            "&>" | "&>>" => return Ok(IoRedirect::OutputAndError(target, op == "&>>")),
            "<<<" => return Ok(IoRedirect::HereString(target)),
            _ => {
                let body = Rc::new(OnceCell::new());
                self.pending.push(Pending { delimiter: unquote(&target), strip_tabs: op == "<<-", body: body.clone() });
                return Ok(IoRedirect::HereDocument(HereDocument {
                    expand: !target.contains(['\'', '"', '\\']),
                    body,
                }));
            }
        };
        Ok(IoRedirect::File(fd, kind, target))
    }
}

/// `w` as an assignment (`None` if it is not one).
fn assignment(w: &str) -> Result<Option<Assignment>> {
    let Some((name, append, value)) = super::split_assignment(w) else {
        return Ok(None);
    };
    let value = match value.strip_prefix('(').and_then(|v| v.strip_suffix(')')) {
        // Only the lexer puts an unquoted `(` in a word: `NAME=(...)`.
        Some(elements) => {
            let mut words = Vec::new();
            for token in tokens(elements)? {
                match token {
                    Token::Word(w) => words.push(match w.split_once("]=") {
                        Some((index, value)) if index.starts_with('[') => value.to_owned(),
                        _ => w,
                    }),
                    Token::Op("\n") => {}
                    token => return Err(unexpected(&token)),
                }
            }
            AssignmentValue::Array(words)
        }
        None => AssignmentValue::Scalar(value.to_owned()),
    };
    Ok(Some(Assignment { name: name.to_owned(), append, value }))
}

/// Binary operators of `[[ ]]` that are words (`<` and `>` are operators).
fn is_test_binary(w: &str) -> bool {
    matches!(w, "==" | "=" | "!=" | "=~" | "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" | "-ef" | "-nt" | "-ot")
}

/// Unary operators of `[[ ]]`.
fn is_test_unary(w: &str) -> bool {
    matches!(w.as_bytes(), [b'-', c] if b"abcdefghknoprstuvwxzGLNORS".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> CompoundList {
        match parse(&format!("{text}\n")) {
            Ok((list, _)) => list,
            Err(e) => panic!("{text:?}: {e}"),
        }
    }

    #[test]
    fn words_keep_their_quotes_and_expansions() {
        let words = |text: &str| -> Vec<Token> { tokens(text).unwrap() };
        assert_eq!(
            words(r#"a"b c"'d e'$(f ")") ${g:-"}"} $((1+(2))) `h i`"#),
            [
                Token::Word(r#"a"b c"'d e'$(f ")")"#.into()),
                Token::Word(r#"${g:-"}"}"#.into()),
                Token::Word("$((1+(2)))".into()),
                Token::Word("`h i`".into()),
            ]
        );
        assert_eq!(
            words("2>&1 a=(x y) # c"),
            [Token::IoNumber(2), Token::Op(">&"), Token::Word("1".into()), Token::Word("a=(x y)".into()),]
        );
        assert_eq!(words("$(case x in a) :;; esac)").len(), 1);
    }

    #[test]
    fn nesting_is_limited() {
        let deep = |open: &str, close: &str, n| format!("{}x{}\n", open.repeat(n), close.repeat(n));
        for (open, close) in [("$(", ")"), ("${x:-", "}"), ("{ ", ";}"), ("( ", " )")] {
            assert!(parse(&deep(open, close, 20)).is_ok(), "{open}");
            assert_eq!(parse(&deep(open, close, 30)).err(), Some(SyntaxError::TooDeep), "{open}");
        }
        let test = format!("[[ {}x{} ]]\n", "( ".repeat(20), " )".repeat(20));
        assert!(parse(&test).is_ok());
        // `$((` that turns out to be `$( (` is retried as commands, level by level.
        assert!(parse(&deep("$(( ", " ) )", 12)).is_ok());
    }

    #[test]
    fn bash_constructs_parse_to_their_commands() {
        let commands = |text| -> Vec<String> {
            ok(text)
                .0
                .iter()
                .map(|a| format!("{:?}", a.first.seq[0]).split(['(', ' ']).next().unwrap_or("").to_owned())
                .collect()
        };
        let list = ok("a=(x y) b+=z c[1]=w; ((x++)); ( (y) ); f() { :; }; cat <(ls); [[ -n $x ]]");
        let Command::Simple(assign) = &list.0[0].first.seq[0] else {
            panic!("not simple");
        };
        let values: Vec<String> =
            assign.assignments.iter().map(|a| format!("{}{}={:?}", a.name, a.append, a.value)).collect();
        assert_eq!(values, [r#"afalse=Array(["x", "y"])"#, r#"btrue=Scalar("z")"#, r#"cfalse=Scalar("w")"#]);
        assert_eq!(
            commands("((x++)); ( (y) ); f() { :; }; cat <(ls); coproc x"),
            ["Compound", "Compound", "Unsupported", "Unsupported", "Unsupported"]
        );
        assert!(matches!(&ok("( (y) )").0[0].first.seq[0], Command::Compound(CompoundCommand::Subshell(_), _)));
        assert!(matches!(
            &ok("((y))").0[0].first.seq[0],
            Command::Compound(CompoundCommand::Arithmetic(e), _) if e == "y"
        ));
    }

    #[test]
    fn here_documents_are_read_at_the_end_of_their_line() {
        let list = ok("cat <<A <<-'B'; echo x\none\nA\n\ttwo\n\tB\necho y");
        assert_eq!(list.0.len(), 3);
        let Command::Simple(cat) = &list.0[0].first.seq[0] else {
            panic!("not simple");
        };
        let bodies: Vec<(bool, &str)> = cat
            .redirects
            .iter()
            .map(|r| match r {
                IoRedirect::HereDocument(doc) => (doc.expand, doc.text()),
                _ => (false, ""),
            })
            .collect();
        assert_eq!(bodies, [(true, "one\n"), (false, "two\n")]);
    }
}
