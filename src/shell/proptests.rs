//! Property tests: no input makes the shell panic, hang or overflow its stack.

use proptest::prelude::*;

use super::tests::{run, FakeHost};

/// Shell-ish fragments for the property test.
const FRAGMENTS: &[&str] = &[
    "if",
    "then",
    "elif",
    "else",
    "fi",
    "for",
    "in",
    "do",
    "done",
    "while",
    "until",
    "case",
    "esac",
    "{",
    "}",
    "(",
    ")",
    "((",
    "))",
    "$(",
    "`",
    "\"",
    "'",
    "${",
    "${#",
    "${x:-",
    "${x%",
    "${!",
    "$((",
    "$[",
    "|",
    "||",
    "&&",
    ";",
    ";;",
    ";&",
    "&",
    ">",
    ">>",
    "<",
    "<<",
    "<<<",
    "2>&1",
    ">&",
    "&>",
    "EOF",
    "\n",
    "\\",
    "echo",
    "printf",
    "%d",
    "%s",
    "x",
    "$x",
    "$?",
    "=",
    "x=1",
    "1+",
    "*",
    "?",
    "[",
    "]",
    "[[",
    "]]",
    "!",
    "-n",
    "~",
    "~+99999999999999999999",
    "99999999999999999999",
    "break",
    "continue",
    "exit",
    "export",
    "read",
    "cd",
    "-",
    "#",
    "kubectl",
    "$'\\x41'",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(line in "\\PC{0,60}") {
        let mut host = FakeHost::default();
        let _ = run(&line, &mut host);
        let _ = super::split_words(&line);
    }

    #[test]
    fn random_shell_fragments_never_panic(parts in prop::collection::vec((0..FRAGMENTS.len(), any::<bool>()), 0..40)) {
        let line: String = parts.iter().map(|&(i, space)| format!("{}{}", FRAGMENTS[i], if space { " " } else { "" })).collect();
        let mut host = FakeHost::default();
        let (_, env) = run(&line, &mut host);
        prop_assert!(host.calls.len() <= super::MAX_COMMANDS as usize);
        prop_assert!((0..=255).contains(&env.last_status));
        let _ = super::split_words(&line);
    }
}
