//! Guards run before brush-parser sees a line: brush-parser 0.4 panics, loops or
//! overflows the stack on some inputs, and none of those may reach a terminal.

use brush_parser::{uncached_tokenize_str, ParserOptions, Token};

use super::parse::{far_span, tokenizer_error, SyntaxError, MAX_NESTING};

/// Checks a line on characters, before brush-parser's tokenizer sees it: nesting
/// of `(`, `$(`, `${`, `$((`, `$[`, backquotes and double quotes must stay
/// within [`MAX_NESTING`], and `<<` may only start a here-document with a plain
/// delimiter outside any substitution, or be a left shift in one level of
/// `$((...))` before any `)`. (The tokenizer panics or allocates without bound on `${${x<<y}`,
/// `<<$( ) $(`, `$(($[ <<x`, ...)
pub fn scan_line(line: &str) -> Result<(), SyntaxError> {
    // Contexts: '(' parentheses (`<(` too: the tokenizer sees operators there);
    // 's' `$(`; 'p' `${`; 'a' `$((`;
    // 'b' `$[` ('A'/'B' once another arithmetic opened inside, which makes the
    // tokenizer forget it is in arithmetic); '"'; '`'.
    let mut stack: Vec<char> = Vec::new();
    let mut saw_here_op = false;
    let mut open_quote = false;
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let (c, next) = (chars[i], chars.get(i + 1).copied());
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let top = stack.last().copied();
        let in_dq = top == Some('"');
        i += 1;
        match c {
            '\\' => i += 1,
            // A comment: `#` starting a word, where the tokenizer looks for words.
            '#' if stack.iter().all(|k| matches!(k, '(' | 's'))
                && prev.is_none_or(|p| p.is_whitespace() || ";&|()<>".contains(p)) =>
            {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '$' if next == Some('\'') && !in_dq => {
                // ANSI-C quoting: backslash escapes, even of a quote.
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                open_quote |= i >= chars.len();
                i += 1;
            }
            '\'' if !in_dq => {
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                open_quote |= i >= chars.len();
                i += 1;
            }
            '"' if in_dq => {
                stack.pop();
            }
            '"' => stack.push('"'),
            '`' if top == Some('`') => {
                stack.pop();
            }
            '`' => stack.push('`'),
            '$' if next == Some('(') && chars.get(i + 1) == Some(&'(') => {
                push_arithmetic(&mut stack, 'a');
                stack.push('(');
                i += 2;
            }
            '$' if next == Some('[') => {
                push_arithmetic(&mut stack, 'b');
                i += 1;
            }
            '$' if matches!(next, Some('(' | '{')) => {
                stack.push(if next == Some('(') { 's' } else { 'p' });
                i += 1;
            }
            _ if in_dq => {}
            // Inside `$[` and `${`, only `]`/`}` end; braces never nest for the tokenizer.
            '(' if !matches!(top, Some('b' | 'B' | 'p')) => stack.push(c),
            ')' if matches!(top, Some('(' | 's' | 'a' | 'A')) => {
                stack.pop();
                // The tokenizer leaves arithmetic at any `))`: no shift after one.
                stack
                    .iter_mut()
                    .filter(|k| **k == 'a')
                    .for_each(|k| *k = 'A');
            }
            '}' if top == Some('p') => {
                stack.pop();
            }
            ']' if matches!(top, Some('b' | 'B')) => {
                stack.pop();
            }
            '<' if next == Some('<') && chars.get(i + 1) == Some(&'<') => i += 2,
            '<' if next == Some('<') => {
                i += 1;
                saw_here_op = true;
                let arithmetic = stack.iter().filter(|k| matches!(k, 'a' | 'b')).count();
                if stack.iter().all(|&k| k == '(') {
                    check_here_tag(&chars[i..])?;
                } else if arithmetic != 1
                    || !stack.iter().all(|k| matches!(k, 'a' | 'b' | '(' | '"'))
                {
                    return Err(SyntaxError::Unsupported(
                        "`<<' inside a substitution or nested arithmetic",
                    ));
                }
            }
            _ => {}
        }
        if stack.len() > MAX_NESTING {
            return Err(SyntaxError::TooDeep);
        }
    }
    // With `<<` about (even where this scan saw a quote), an unclosed construct
    // must not reach the tokenizer.
    if !(saw_here_op || line.contains("<<")) {
        return Ok(());
    }
    if open_quote {
        return Err(SyntaxError::Unmatched('\''));
    }
    match stack.iter().rev().find(|&&k| k != '(') {
        None if stack.is_empty() => Ok(()),
        None => Err(SyntaxError::UnexpectedEof),
        Some(open) => Err(SyntaxError::Unmatched(match open {
            's' | 'a' | 'A' => ')',
            'p' => '}',
            'b' | 'B' => ']',
            other => *other,
        })),
    }
}

/// brush-parser's tokenizer panics when a construct opened on a here-document's
/// command line is left unclosed (`cat <<E $(`). Tokenize such lines alone first,
/// with `<<` defused, so that these errors are found without the here-document.
pub fn check_heredoc_lines(text: &str, opts: &ParserOptions) -> Result<(), SyntaxError> {
    if !text.contains("<<") {
        return Ok(());
    }
    // Join `\`-newline continuations so each line is a logical line.
    let mut joined = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            joined.push(c);
            continue;
        }
        match chars.next() {
            Some('\n') | None => {}
            Some(next) => joined.extend([c, next]),
        }
    }
    // Physical lines too: a `\` at the end of a comment continues nothing.
    for line in joined
        .lines()
        .chain(text.lines())
        .filter(|l| l.contains("<<"))
    {
        let defused = format!("{}\n", line.replace("<<", "< "));
        uncached_tokenize_str(&defused, &opts.tokenizer_options())
            .map_err(|e| tokenizer_error(&e))?;
    }
    Ok(())
}

/// Opens an arithmetic context (`kind` 'a' or 'b'). brush-parser keeps a single
/// "in arithmetic" flag, cleared when any arithmetic closes: nesting taints all.
fn push_arithmetic(stack: &mut Vec<char>, kind: char) {
    // `$[` is always tainted: brush-parser leaves it at any `))` inside.
    if kind == 'b' || stack.iter().any(|k| matches!(k, 'a' | 'b' | 'A' | 'B')) {
        for k in stack.iter_mut().filter(|k| matches!(k, 'a' | 'b')) {
            *k = k.to_ascii_uppercase();
        }
        stack.push(kind.to_ascii_uppercase());
    } else {
        stack.push(kind);
    }
}

/// The text after `<<`: an optional `-`, blanks, then a delimiter word without
/// expansions.
fn check_here_tag(rest: &[char]) -> Result<(), SyntaxError> {
    let rest = rest.strip_prefix(&['-']).unwrap_or(rest);
    let start = rest
        .iter()
        .position(|c| !matches!(c, ' ' | '\t'))
        .unwrap_or(rest.len());
    let word: String = rest[start..]
        .iter()
        .take_while(|c| {
            !matches!(
                c,
                ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')'
            )
        })
        .collect();
    if word.is_empty() {
        let op: String = rest[start..]
            .iter()
            .take(2)
            .take_while(|c| !matches!(c, ' ' | '\t'))
            .collect();
        let op = if op.starts_with(['\n']) || op.is_empty() {
            "newline".to_owned()
        } else {
            op
        };
        let op = if op.len() == 2
            && !matches!(
                op.as_str(),
                ";;" | "&&" | "||" | ">>" | "<<" | ">&" | "<&" | "&>"
            ) {
            op[..1].to_owned()
        } else {
            op
        };
        return Err(SyntaxError::UnexpectedToken(op));
    }
    if word.contains(['$', '`']) {
        return Err(SyntaxError::Unsupported(
            "a here-document delimiter with expansions",
        ));
    }
    Ok(())
}

/// Nesting of compound commands, counted on tokens (reserved words only count in
/// command position, closers only close their own opener).
pub fn block_depth(tokens: &[Token]) -> usize {
    let mut stack: Vec<&str> = Vec::new();
    let mut max = 0;
    let mut command_position = true;
    for token in tokens {
        match token {
            Token::Operator(op, _) => {
                if op == "(" || op == "((" {
                    stack.push("(");
                } else if op.starts_with(')') && stack.last() == Some(&"(") {
                    stack.pop();
                }
                command_position = true;
            }
            Token::Word(w, _) => {
                let w = w.as_str();
                if command_position {
                    let closes = match w {
                        "fi" => "if",
                        "done" => "loop",
                        "esac" => "case",
                        "}" => "{",
                        _ => "",
                    };
                    match w {
                        "if" | "case" | "{" => stack.push(w),
                        "while" | "until" | "for" | "select" => stack.push("loop"),
                        _ if !closes.is_empty() && stack.last() == Some(&closes) => {
                            stack.pop();
                        }
                        _ => {}
                    }
                }
                command_position = matches!(
                    w,
                    "then" | "do" | "else" | "elif" | "{" | "!" | "if" | "while" | "until" | "time"
                );
            }
        }
        max = max.max(stack.len());
    }
    max
}

/// brush-parser unwraps `i32` parsing of a redirection's fd number (`99999999999>x`
/// panics). Bash treats such a number as an ordinary word; make it one by breaking
/// its contiguity with the operator.
pub fn defuse_io_numbers(tokens: &mut [Token]) {
    for i in 1..tokens.len() {
        let overflowing = match (&tokens[i - 1], &tokens[i]) {
            (Token::Word(w, _), Token::Operator(op, _)) => {
                !w.is_empty()
                    && w.bytes().all(|b| b.is_ascii_digit())
                    && w.parse::<i32>().is_err()
                    && op.starts_with(['<', '>'])
            }
            _ => false,
        };
        if overflowing {
            if let Token::Word(w, span) = &tokens[i - 1] {
                let span = brush_parser::SourceSpan {
                    start: span.start.clone(),
                    end: far_span().end,
                };
                tokens[i - 1] = Token::Word(w.clone(), span);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::{parse_program, SyntaxError};

    fn check(line: &str) -> Result<(), SyntaxError> {
        parse_program(line).map(drop)
    }

    #[test]
    fn inputs_that_break_brush_parser_are_refused() {
        let unsupported = |what| Err(SyntaxError::Unsupported(what));
        let nested = "`<<' inside a substitution or nested arithmetic";
        // Each of these panicked or exhausted memory inside brush-parser 0.4.
        assert_eq!(check("${${if<<ifif}"), unsupported(nested));
        assert_eq!(
            check("<<-$(( )) $("),
            unsupported("a here-document delimiter with expansions")
        );
        assert_eq!(check("do<<\"\" [[$["), Err(SyntaxError::Unmatched(']')));
        assert_eq!(
            check("EOF<<-\\))then\\\n{$(("),
            Err(SyntaxError::Unmatched(')'))
        );
        assert_eq!(check("echo $(( $((1)) << 2 ))"), unsupported(nested));
        // Found by examples/fuzz.rs: the tokenizer's view of quotes and `))` differs.
        for garbage in [
            "$\"{fibreak!{ \\||E\nE\n<$[>(${#)!>[[}\n((]x}'${#$x<<-\\'(&)${x:-;&&|9x}{",
            "$[EOF\n-ecaseesac[[echo))-e!for#>in~<<E\n]];#-e$'\\x{$[?${##||for",
            "${#}${#&esac\\$'\\'in((?'printfa\nwhile<<E\n}\n}%s?EOF\n&&EOF\n#`(exit;;;$(]break[[<<<<?",
        ] {
            assert!(check(garbage).is_err(), "{garbage:?}");
        }
        assert_eq!(
            check("a <<"),
            Err(SyntaxError::UnexpectedToken("newline".into()))
        );
        assert_eq!(
            check("a << ;"),
            Err(SyntaxError::UnexpectedToken(";".into()))
        );
        assert!(check("echo hi 99999999999999999999>x").is_ok());
    }

    #[test]
    fn ordinary_here_documents_and_shifts_pass() {
        for line in [
            "cat <<EOF\n$HOME ${USER} $(date)\nEOF",
            "cat <<-'E' | kubectl apply -f -\n\tkind: Pod\n\tE",
            "echo $((1 << 4)) \"$((2<<1))\" $[1+2]",
            "cat <<< 'here string' # a comment with <<",
            "( cat <<E\nx\nE\n)",
        ] {
            assert_eq!(check(line), Ok(()), "{line:?}");
        }
    }
}
