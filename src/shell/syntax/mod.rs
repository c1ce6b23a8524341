//! The shell's grammar, written by hand: the syntax tree of a line ([`parse`]) and
//! the pieces of a word ([`word::parse`]).
//!
//! Words stay source text in the tree (quotes and expansions as typed); they are
//! split into pieces when they are expanded, as bash does. The parser is plain
//! recursive descent over the text, with the lexer inside it: the end of `$(...)`
//! is found by parsing the commands within, so `case` patterns and quotes there
//! need no special rules. Every construct that recurses counts against
//! [`MAX_NESTING`], so no input can exhaust the 1 MiB wasm stack.

mod parser;
pub mod word;

use std::cell::OnceCell;
use std::rc::Rc;

pub use parser::{parse, tokens, Token};
pub use word::is_name;

/// Deepest nesting of substitutions, brackets and compound commands a line may have.
/// The parser recurses per level; this keeps it far from the 1 MiB wasm stack.
pub const MAX_NESTING: usize = 24;

/// A line that cannot be run; `Display` gives bash's text (without the `bash: `).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    /// A token where the grammar does not allow it.
    #[error("syntax error near unexpected token `{0}'")]
    UnexpectedToken(String),
    /// The line ends inside a construct (`if` without `fi`, a trailing `|`, ...).
    #[error("syntax error: unexpected end of file")]
    UnexpectedEof,
    /// An unclosed quote or substitution; the char is the missing closer.
    #[error("unexpected EOF while looking for matching `{0}'")]
    Unmatched(char),
    /// Deeper than [`MAX_NESTING`]; bash has no such limit.
    #[error("syntax error: nesting deeper than {MAX_NESTING} levels")]
    TooDeep,
    /// Valid bash that this shell refuses.
    #[error("{0} is not supported in this shell")]
    Unsupported(&'static str),
}

/// A word as typed: quotes, escapes and expansions still in the text.
pub type Word = String;

/// Commands separated by `;`, `&` or newlines (`&` runs synchronously here, so
/// the separators need not be kept).
#[derive(Clone, Debug, Default)]
pub struct CompoundList(pub Vec<AndOrList>);

/// Pipelines joined by `&&` and `||`.
#[derive(Clone, Debug)]
pub struct AndOrList {
    /// The first pipeline.
    pub first: Pipeline,
    /// The pipelines after it, each with the operator before it.
    pub additional: Vec<AndOr>,
}

/// A pipeline after `&&` or `||`.
#[derive(Clone, Debug)]
pub enum AndOr {
    /// `&& pipeline`: runs when the status so far is 0.
    And(Pipeline),
    /// `|| pipeline`: runs when the status so far is not 0.
    Or(Pipeline),
}

/// `[time] [!] a | b | c`.
#[derive(Clone, Debug)]
pub struct Pipeline {
    /// Preceded by `time`.
    pub timed: bool,
    /// Preceded by an odd number of `!`: the status is inverted.
    pub bang: bool,
    /// The commands; empty only for a bare `!` or `time`.
    pub seq: Vec<Command>,
}

/// One stage of a pipeline.
#[derive(Clone, Debug)]
pub enum Command {
    /// Assignments, words and redirections.
    Simple(SimpleCommand),
    /// A compound command and the redirections after it.
    Compound(CompoundCommand, Vec<IoRedirect>),
    /// Valid bash this shell does not run (a function definition, `coproc`,
    /// process substitution): reported when reached, with status 2.
    Unsupported(&'static str),
}

/// `A=1 cmd arg >file`.
#[derive(Clone, Debug, Default)]
pub struct SimpleCommand {
    /// The assignments before the command name.
    pub assignments: Vec<Assignment>,
    /// The command name and its arguments.
    pub words: Vec<Word>,
    /// The redirections, in order, wherever they stood.
    pub redirects: Vec<IoRedirect>,
}

/// `NAME=value`, `NAME+=value`, `NAME[i]=value` or `NAME=(a b)`.
#[derive(Clone, Debug)]
pub struct Assignment {
    /// The variable (an index is dropped: arrays are not modelled).
    pub name: String,
    /// `+=`: appends to the current value.
    pub append: bool,
    /// The value as typed.
    pub value: AssignmentValue,
}

/// The right-hand side of an assignment.
#[derive(Clone, Debug)]
pub enum AssignmentValue {
    /// `NAME=word`.
    Scalar(Word),
    /// `NAME=(a b c)` (`[i]=` prefixes of elements dropped).
    Array(Vec<Word>),
}

/// The compound commands.
#[derive(Clone, Debug)]
pub enum CompoundCommand {
    /// `{ list; }`.
    BraceGroup(CompoundList),
    /// `( list )`.
    Subshell(CompoundList),
    /// `if c; then b; elif c; then b; else e; fi`.
    If {
        /// Each condition with its body, `if` first, then every `elif`.
        branches: Vec<(CompoundList, CompoundList)>,
        /// The `else` body.
        otherwise: Option<CompoundList>,
    },
    /// `for NAME [in words]; do list; done` (no `in`: no iterations, as `$@` is empty).
    For {
        /// The loop variable.
        variable: String,
        /// The words after `in`.
        values: Vec<Word>,
        /// The loop body.
        body: CompoundList,
    },
    /// `for ((init; condition; update)); do list; done`.
    ArithmeticFor {
        /// The three expressions as typed (each may be blank).
        parts: [String; 3],
        /// The loop body.
        body: CompoundList,
    },
    /// `while list; do list; done` and `until ...`.
    While {
        /// `until`: loops while the condition fails.
        until: bool,
        /// The condition.
        condition: CompoundList,
        /// The loop body.
        body: CompoundList,
    },
    /// `case word in pattern) list;; esac`.
    Case {
        /// The word matched against the patterns.
        value: Word,
        /// The items, in order.
        items: Vec<CaseItem>,
    },
    /// `(( expression ))`, the expression as typed.
    Arithmetic(String),
    /// `[[ expression ]]`.
    ExtendedTest(TestExpr),
}

/// `pattern | pattern) list ;;`.
#[derive(Clone, Debug)]
pub struct CaseItem {
    /// The patterns, as typed.
    pub patterns: Vec<Word>,
    /// The commands (possibly none).
    pub body: CompoundList,
    /// What follows when this item ran.
    pub action: CaseAction,
}

/// The terminator of a `case` item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseAction {
    /// `;;` (or none before `esac`): leave the `case`.
    Break,
    /// `;&`: run the next item's commands too.
    FallThrough,
    /// `;;&`: go on testing the next items.
    Continue,
}

/// An expression inside `[[ ]]`; operators are kept as typed (`-f`, `==`, `<`, ...).
#[derive(Clone, Debug)]
pub enum TestExpr {
    /// `a && b`.
    And(Box<TestExpr>, Box<TestExpr>),
    /// `a || b`.
    Or(Box<TestExpr>, Box<TestExpr>),
    /// `! a`.
    Not(Box<TestExpr>),
    /// `-op word`; a lone word is `-n word`.
    Unary(String, Word),
    /// `word op word`.
    Binary(String, Word, Word),
}

/// A redirection.
#[derive(Clone, Debug)]
pub enum IoRedirect {
    /// `[n]<word`, `[n]>word`, `[n]>>word`, `[n]<>word`, `[n]>&word`, ...
    File(Option<i32>, RedirectKind, Word),
    /// `&>word` (`true`: `&>>word`).
    OutputAndError(Word, bool),
    /// `<<DELIM` or `<<-DELIM` and its body.
    HereDocument(HereDocument),
    /// `<<< word`.
    HereString(Word),
}

/// The operator of an [`IoRedirect::File`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectKind {
    /// `<`.
    Read,
    /// `>` and `>|`.
    Write,
    /// `>>`.
    Append,
    /// `<>`.
    ReadWrite,
    /// `<&`.
    DuplicateInput,
    /// `>&`.
    DuplicateOutput,
}

/// A here-document. Its body comes after the line that holds the operator, so the
/// parser fills it in when it reaches that line's end.
#[derive(Clone, Debug)]
pub struct HereDocument {
    /// The delimiter was unquoted: the body is expanded like a double-quoted word.
    pub expand: bool,
    /// The body (leading tabs already removed for `<<-`).
    pub body: Rc<OnceCell<String>>,
}

impl HereDocument {
    /// The body text.
    pub fn text(&self) -> &str {
        self.body.get().map_or("", String::as_str)
    }
}

/// Splits an assignment word into name, `+=` and value (`None` if it is not one).
pub fn split_assignment(word: &str) -> Option<(&str, bool, &str)> {
    let (lhs, value) = word.split_once('=')?;
    let (lhs, append) = match lhs.strip_suffix('+') {
        Some(lhs) => (lhs, true),
        None => (lhs, false),
    };
    // `NAME[index]=`: arrays are not modelled; the index is dropped.
    let name = match lhs.split_once('[') {
        Some((name, index)) if index.ends_with(']') => name,
        Some(_) => return None,
        None => lhs,
    };
    is_name(name).then_some((name, append, value))
}
