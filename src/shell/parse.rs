//! Parsing a terminal line into a `brush-parser` AST, with bash's error texts.
//!
//! `brush-parser` does the grammar; this file adds what a terminal needs on top:
//! the messages bash prints, guards against the inputs that would make the parser
//! panic or overflow the stack, and [`split_words`].

use std::sync::Arc;

use super::guard;

use brush_parser::word::{self, WordPiece, WordPieceWithSource};
use brush_parser::{
    ast, parse_tokens, uncached_tokenize_str, ParseError, ParserOptions, SourcePosition,
    SourceSpan, Token, TokenizerError,
};

/// Deepest nesting of brackets, quotes and compound commands a line may have.
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
    /// Valid bash that this shell refuses because brush-parser mishandles it.
    #[error("{0} is not supported in this shell")]
    Unsupported(&'static str),
}

/// The options used for lines and words. Tilde prefixes are expanded by this
/// module (brush-parser panics on `~+99999999999999999999`); extglob is off as in
/// a plain bash.
pub fn options() -> ParserOptions {
    ParserOptions {
        enable_extended_globbing: false,
        tilde_expansion_at_word_start: false,
        tilde_expansion_after_colon: false,
        ..ParserOptions::default()
    }
}

/// A parsed line, plus warnings bash would print before running it.
pub struct Parsed {
    /// The syntax tree.
    pub program: ast::Program,
    /// Lines for stderr, without `bash: ` and newline.
    pub warnings: Vec<String>,
}

/// Parses one terminal line (which may hold newlines).
pub fn parse_program(line: &str) -> Result<Parsed, SyntaxError> {
    guard::scan_line(line)?;
    let opts = options();
    guard::check_heredoc_lines(line, &opts)?;
    // Interactive bash sees the line with its newline: `a >` fails near `newline'.
    let text = format!("{line}\n");
    let mut warnings = Vec::new();
    let mut tokens = match uncached_tokenize_str(&text, &opts.tokenizer_options()) {
        Ok(tokens) => tokens,
        Err(TokenizerError::UnterminatedHereDocuments(tags, _)) if !tags.contains(',') => {
            let tag = unquote(tags.trim());
            warnings.push(format!(
                "warning: here-document at line 1 delimited by end-of-file (wanted `{tag}')"
            ));
            let closed = format!("{text}{tag}\n");
            uncached_tokenize_str(&closed, &opts.tokenizer_options())
                .map_err(|e| tokenizer_error(&e))?
        }
        Err(e) => return Err(tokenizer_error(&e)),
    };
    if guard::block_depth(&tokens) > MAX_NESTING {
        return Err(SyntaxError::TooDeep);
    }
    guard::defuse_io_numbers(&mut tokens);
    match parse_tokens(&tokens, &opts) {
        Ok(program) => Ok(Parsed { program, warnings }),
        Err(err) => Err(locate_error(&tokens, &err, &opts)),
    }
}

pub fn tokenizer_error(err: &TokenizerError) -> SyntaxError {
    match err {
        TokenizerError::UnterminatedSingleQuote(_) | TokenizerError::UnterminatedAnsiCQuote(_) => {
            SyntaxError::Unmatched('\'')
        }
        TokenizerError::UnterminatedDoubleQuote(_) => SyntaxError::Unmatched('"'),
        TokenizerError::UnterminatedBackquote(_) => SyntaxError::Unmatched('`'),
        TokenizerError::UnterminatedCommandSubstitution
        | TokenizerError::UnterminatedExpansion
        | TokenizerError::UnterminatedExtendedGlob(_) => SyntaxError::Unmatched(')'),
        TokenizerError::UnterminatedVariable => SyntaxError::Unmatched('}'),
        _ => SyntaxError::UnexpectedEof,
    }
}

/// Turns brush's error position into the token bash would name.
fn locate_error(tokens: &[Token], err: &ParseError, opts: &ParserOptions) -> SyntaxError {
    let at = match err {
        ParseError::ParsingNear(pos) => tokens
            .iter()
            .position(|t| t.location().start.index == pos.index)
            .unwrap_or(tokens.len()),
        _ => tokens.len(),
    };
    // brush-parser reports the token *after* a misplaced reserved word (it tries the
    // word as an assignment first). If the line up to and including that word cannot
    // even be followed by a newline, the reserved word is the culprit.
    if let Some(prev @ Token::Word(w, _)) = at.checked_sub(1).and_then(|i| tokens.get(i)) {
        if is_reserved(w) {
            let mut probe = tokens[..at].to_vec();
            probe.push(Token::Operator("\n".into(), far_span()));
            if let Err(ParseError::ParsingNear(pos)) = parse_tokens(&probe, opts) {
                if pos.index == usize::MAX {
                    return SyntaxError::UnexpectedToken(prev.to_str().to_owned());
                }
            }
        }
    }
    match tokens.get(at).map(Token::to_str) {
        Some("\n") => SyntaxError::UnexpectedToken("newline".into()),
        Some(tok) => SyntaxError::UnexpectedToken(tok.to_owned()),
        None => SyntaxError::UnexpectedEof,
    }
}

fn is_reserved(w: &str) -> bool {
    matches!(
        w,
        "!" | "{"
            | "}"
            | "case"
            | "do"
            | "done"
            | "elif"
            | "else"
            | "esac"
            | "fi"
            | "for"
            | "if"
            | "in"
            | "then"
            | "until"
            | "while"
            | "[["
            | "]]"
            | "function"
            | "select"
            | "coproc"
    )
}

/// A location no real token has (used to recognise probe tokens in errors).
pub fn far_span() -> SourceSpan {
    let pos = Arc::new(SourcePosition {
        index: usize::MAX,
        line: 0,
        column: 0,
    });
    SourceSpan {
        start: pos.clone(),
        end: pos,
    }
}

/// Splits `line` into words the way the shell would, removing quotes but performing
/// no expansion (`$HOME` stays `$HOME`). Operators such as `|` and `;` become their
/// own words; newlines are dropped. Errors carry bash's message (without `bash: `).
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let opts = options();
    guard::scan_line(line).map_err(|e| e.to_string())?;
    guard::check_heredoc_lines(line, &opts).map_err(|e| e.to_string())?;
    let tokens = uncached_tokenize_str(&format!("{line}\n"), &opts.tokenizer_options())
        .map_err(|e| tokenizer_error(&e).to_string())?;
    let mut words = Vec::new();
    for token in tokens {
        match token {
            Token::Operator(op, _) if op == "\n" => {}
            Token::Operator(op, _) => words.push(op),
            Token::Word(w, _) => words.push(unquote(&w)),
        }
    }
    Ok(words)
}

/// Removes quotes and backslashes from one word, leaving expansions as written.
pub fn unquote(word: &str) -> String {
    match word::parse(word, &options()) {
        Ok(pieces) => literal(word, &pieces),
        Err(_) => word.to_owned(),
    }
}

fn literal(source: &str, pieces: &[WordPieceWithSource]) -> String {
    let mut s = String::new();
    for p in pieces {
        match &p.piece {
            WordPiece::Text(t) | WordPiece::SingleQuotedText(t) => s.push_str(t),
            WordPiece::EscapeSequence(e) => s.push_str(e.strip_prefix('\\').unwrap_or(e)),
            WordPiece::AnsiCQuotedText(t) => s.push_str(&super::print::unescape(t, true).0),
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => s.push_str(&literal(source, inner)),
            _ => s.push_str(source.get(p.start_index..p.end_index).unwrap_or_default()),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(line: &str) -> String {
        match parse_program(line) {
            Ok(_) => "ok".into(),
            Err(e) => e.to_string(),
        }
    }

    /// Texts checked against `printf '%s\n' LINE | bash -i` (GNU bash 5.2.15).
    #[test]
    fn syntax_errors_match_bash() {
        let near = |t: &str| format!("syntax error near unexpected token `{t}'");
        let eof = "syntax error: unexpected end of file";
        let cases: Vec<(&str, String)> = vec![
            ("for i in 1; do echo; done done", near("done")),
            ("echo a; done", near("done")),
            ("echo a; done; echo b", near("done")),
            ("if true; then fi", near("fi")),
            ("if true; then echo; fi fi", near("fi")),
            ("echo a | done", near("done")),
            ("then", near("then")),
            ("in", near("in")),
            ("{ }", near("}")),
            ("echo; }", near("}")),
            ("for i in 1 2 3 do echo; done", near("done")),
            ("case x in a) echo;; esac esac", near("esac")),
            (";;", near(";;")),
            ("a ; ;", near(";")),
            ("| a", near("|")),
            ("&& b", near("&&")),
            ("a || || b", near("||")),
            ("&", near("&")),
            (")", near(")")),
            ("( )", near(")")),
            ("echo a)", near(")")),
            ("a >", near("newline")),
            ("a 2>", near("newline")),
            ("a > ;", near(";")),
            ("a |", eof.into()),
            ("a && ", eof.into()),
            ("if true; then echo", eof.into()),
            ("(", eof.into()),
            ("{ echo; ", eof.into()),
            ("for i in", eof.into()),
            ("while", eof.into()),
            (
                "echo 'abc",
                "unexpected EOF while looking for matching `''".into(),
            ),
            (
                "echo \"abc",
                "unexpected EOF while looking for matching `\"'".into(),
            ),
            (
                "echo `a",
                "unexpected EOF while looking for matching ``'".into(),
            ),
            (
                "echo $(echo",
                "unexpected EOF while looking for matching `)'".into(),
            ),
            (
                "echo $((1+",
                "unexpected EOF while looking for matching `)'".into(),
            ),
            (
                "echo ${a",
                "unexpected EOF while looking for matching `}'".into(),
            ),
        ];
        for (line, want) in cases {
            assert_eq!(err(line), want, "line: {line}");
        }
    }

    #[test]
    fn valid_lines_parse() {
        for line in [
            "",
            "   ",
            "# comment",
            "echo a\\",
            "echo }",
            "!",
            "echo a; !",
            "echo done fi",
            "for i in 0 1; do echo $i; done",
            "case x in a) echo;; *) ;; esac",
            "if a; then b; elif c; then d; else e; fi",
            "{ a; b; } > f 2>&1",
            "(a; b) | c",
            "echo hi 99999999999999999999>x",
            "cat <<EOF\nhi\nEOF",
            "f() { echo; }",
        ] {
            assert_eq!(err(line), "ok", "line: {line:?}");
        }
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = format!("{}echo x{}", "$(".repeat(40), ")".repeat(40));
        assert_eq!(parse_program(&deep).err(), Some(SyntaxError::TooDeep));
        let deep = format!("{}echo x{}", "{ ".repeat(40), "; }".repeat(40));
        assert_eq!(parse_program(&deep).err(), Some(SyntaxError::TooDeep));
        let deep = "if true; then ".repeat(40);
        assert_eq!(parse_program(&deep).err(), Some(SyntaxError::TooDeep));
        let flat = "for i in 1; do :; done; ".repeat(60);
        assert_eq!(err(&flat), "ok");
    }

    #[test]
    fn split_words_removes_quotes_only() {
        let w = split_words(r#"kubectl exec "web-$i" -- sh -c 'echo a b' a\ b | x"#).unwrap();
        assert_eq!(
            w,
            ["kubectl", "exec", "web-$i", "--", "sh", "-c", "echo a b", "a b", "|", "x"]
        );
        assert_eq!(
            split_words("a 'b").unwrap_err(),
            "unexpected EOF while looking for matching `''"
        );
        assert_eq!(split_words("").unwrap(), Vec::<String>::new());
    }
}
