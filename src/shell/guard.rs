//! Checks run on a line's characters before it is parsed: the nesting limit over
//! brackets, quotes and substitutions, and where `<<` may appear. These limits
//! date from brush-parser, which panicked or overflowed its stack without them;
//! the hand-written parser does not need them, but they stay because the
//! refusals (and the order of their messages) are part of the shell's behaviour.

use super::parse::{SyntaxError, MAX_NESTING};

/// Checks a line on characters: nesting of `(`, `$(`, `${`, `$((`, `$[`, backquotes
/// and double quotes must stay within [`MAX_NESTING`], and `<<` may only start a
/// here-document with a plain delimiter outside any substitution, or be a left
/// shift in one level of `$((...))` before any `)`. With `<<` in the line, an
/// unclosed construct is reported here, before the here-document is looked for.
pub fn scan_line(line: &str) -> Result<(), SyntaxError> {
    // Contexts: '(' parentheses (`<(` too);
    // 's' `$(`; 'p' `${`; 'a' `$((`;
    // 'b' `$[` ('A'/'B' once another arithmetic opened inside: no shift is
    // accepted in those); '"'; '`'.
    let mut stack: Vec<char> = Vec::new();
    let mut saw_here_op = false;
    let mut open_quote = false;
    // Here-documents whose bodies start at the next newline: (delimiter, `<<-`).
    let mut docs: Vec<(String, bool)> = Vec::new();
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
            // A here-document's body is text, not syntax: its quotes open nothing.
            '\n' if !docs.is_empty() && stack.iter().all(|&k| k == '(') => i = skip_bodies(&chars, i, &mut docs),
            // A comment: `#` starting a word, outside substitutions' words.
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
            // Inside `$[` and `${`, only `]`/`}` end.
            '(' if !matches!(top, Some('b' | 'B' | 'p')) => stack.push(c),
            ')' if matches!(top, Some('(' | 's' | 'a' | 'A')) => {
                stack.pop();
                // No shift is accepted after a `)` closes inside arithmetic.
                stack.iter_mut().filter(|k| **k == 'a').for_each(|k| *k = 'A');
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
                    docs.push(check_here_tag(&chars[i..])?);
                } else if arithmetic != 1 || !stack.iter().all(|k| matches!(k, 'a' | 'b' | '(' | '"')) {
                    return Err(SyntaxError::Unsupported("`<<' inside a substitution or nested arithmetic"));
                }
            }
            _ => {}
        }
        if stack.len() > MAX_NESTING {
            return Err(SyntaxError::TooDeep);
        }
    }
    // With `<<` about (even where this scan saw a quote), an unclosed construct
    // is reported before any here-document.
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

/// Opens an arithmetic context (`kind` 'a' or 'b'). Nested arithmetic taints
/// all levels: no shift is accepted in any of them.
fn push_arithmetic(stack: &mut Vec<char>, kind: char) {
    // `$[` is always tainted.
    if kind == 'b' || stack.iter().any(|k| matches!(k, 'a' | 'b' | 'A' | 'B')) {
        for k in stack.iter_mut().filter(|k| matches!(k, 'a' | 'b')) {
            *k = k.to_ascii_uppercase();
        }
        stack.push(kind.to_ascii_uppercase());
    } else {
        stack.push(kind);
    }
}

/// Skips the bodies of `docs` (each up to its delimiter line), which start at `i`; returns
/// where the text goes on.
fn skip_bodies(chars: &[char], mut i: usize, docs: &mut Vec<(String, bool)>) -> usize {
    for (delimiter, strip_tabs) in docs.drain(..) {
        while i < chars.len() {
            let end = chars[i..].iter().position(|&c| c == '\n').map_or(chars.len(), |p| i + p);
            let mut line = &chars[i..end];
            i = (end + 1).min(chars.len());
            if strip_tabs {
                while let [first, rest @ ..] = line {
                    if *first != '\t' {
                        break;
                    }
                    line = rest;
                }
            }
            if line.iter().copied().eq(delimiter.chars()) {
                break;
            }
        }
    }
    i
}

/// The text after `<<`: an optional `-`, blanks, then a delimiter word without
/// expansions. Returns the delimiter (quotes removed) and whether tabs are stripped.
fn check_here_tag(rest: &[char]) -> Result<(String, bool), SyntaxError> {
    let strip_tabs = rest.first() == Some(&'-');
    let rest = rest.strip_prefix(&['-']).unwrap_or(rest);
    let start = rest.iter().position(|c| !matches!(c, ' ' | '\t')).unwrap_or(rest.len());
    let word: String = rest[start..]
        .iter()
        .take_while(|c| !matches!(c, ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')'))
        .collect();
    if word.is_empty() {
        let op: String = rest[start..].iter().take(2).take_while(|c| !matches!(c, ' ' | '\t')).collect();
        let op = if op.starts_with(['\n']) || op.is_empty() { "newline".to_owned() } else { op };
        let op = if op.len() == 2 && !matches!(op.as_str(), ";;" | "&&" | "||" | ">>" | "<<" | ">&" | "<&" | "&>") {
            op[..1].to_owned()
        } else {
            op
        };
        return Err(SyntaxError::UnexpectedToken(op));
    }
    if word.contains(['$', '`']) {
        return Err(SyntaxError::Unsupported("a here-document delimiter with expansions"));
    }
    Ok((super::syntax::word::unquote(&word), strip_tabs))
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
        assert_eq!(check("<<-$(( )) $("), unsupported("a here-document delimiter with expansions"));
        assert_eq!(check("do<<\"\" [[$["), Err(SyntaxError::Unmatched(']')));
        assert_eq!(check("EOF<<-\\))then\\\n{$(("), Err(SyntaxError::Unmatched(')')));
        assert_eq!(check("echo $(( $((1)) << 2 ))"), unsupported(nested));
        // Found by examples/fuzz.rs: the tokenizer's view of quotes and `))` differs.
        for garbage in [
            "$\"{fibreak!{ \\||E\nE\n<$[>(${#)!>[[}\n((]x}'${#$x<<-\\'(&)${x:-;&&|9x}{",
            "$[EOF\n-ecaseesac[[echo))-e!for#>in~<<E\n]];#-e$'\\x{$[?${##||for",
            "${#}${#&esac\\$'\\'in((?'printfa\nwhile<<E\n}\n}%s?EOF\n&&EOF\n#`(exit;;;$(]break[[<<<<?",
        ] {
            assert!(check(garbage).is_err(), "{garbage:?}");
        }
        assert_eq!(check("a <<"), Err(SyntaxError::UnexpectedToken("newline".into())));
        assert_eq!(check("a << ;"), Err(SyntaxError::UnexpectedToken(";".into())));
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
            "cat <<EOF; cat <<-'B'\ndon't\nEOF\n\t\"(${x\n\tB\necho ok",
        ] {
            assert_eq!(check(line), Ok(()), "{line:?}");
        }
    }
}
