//! Parsing a terminal line, with bash's error texts: the guards of `guard`, then
//! the grammar of `syntax`; and [`split_words`].

use super::guard;
use super::syntax::word::unquote;
use super::syntax::{self, CompoundList, Token};

pub use super::syntax::{SyntaxError, MAX_NESTING};

/// A parsed line, plus warnings bash would print before running it.
pub struct Parsed {
    /// The syntax tree.
    pub program: CompoundList,
    /// Lines for stderr, without `bash: ` and newline.
    pub warnings: Vec<String>,
}

/// Parses one terminal line (which may hold newlines).
pub fn parse_program(line: &str) -> Result<Parsed, SyntaxError> {
    guard::scan_line(line)?;
    // Interactive bash sees the line with its newline: `a >` fails near `newline'.
    let (program, warnings) = syntax::parse(&format!("{line}\n"))?;
    Ok(Parsed { program, warnings })
}

/// Splits `line` into words the way the shell would, removing quotes but performing
/// no expansion (`$HOME` stays `$HOME`). Operators such as `|` and `;` become their
/// own words; newlines are dropped. Errors carry bash's message (without `bash: `).
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    guard::scan_line(line).map_err(|e| e.to_string())?;
    let tokens = syntax::tokens(&format!("{line}\n")).map_err(|e| e.to_string())?;
    let mut words = Vec::new();
    for token in tokens {
        match token {
            Token::Op("\n") | Token::Eof => {}
            Token::Op(op) => words.push(op.to_owned()),
            Token::Word(w) => words.push(unquote(&w)),
            Token::IoNumber(n) => words.push(n.to_string()),
        }
    }
    Ok(words)
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
            ("echo 'abc", "unexpected EOF while looking for matching `''".into()),
            ("echo \"abc", "unexpected EOF while looking for matching `\"'".into()),
            ("echo `a", "unexpected EOF while looking for matching ``'".into()),
            ("echo $(echo", "unexpected EOF while looking for matching `)'".into()),
            ("echo $((1+", "unexpected EOF while looking for matching `)'".into()),
            ("echo ${a", "unexpected EOF while looking for matching `}'".into()),
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
        assert_eq!(w, ["kubectl", "exec", "web-$i", "--", "sh", "-c", "echo a b", "a b", "|", "x"]);
        assert_eq!(split_words("a 'b").unwrap_err(), "unexpected EOF while looking for matching `''");
        assert_eq!(split_words("").unwrap(), Vec::<String>::new());
    }
}
