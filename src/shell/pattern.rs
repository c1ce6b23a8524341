//! Shell pattern matching (`*`, `?`, `[...]`, `\x`; no globbing of file names) for
//! `case`, `[[ == ]]` and the `${x%pattern}` / `${x/pattern/string}` expansions.
//!
//! Patterns are compiled to a list of elements and run as an NFA, so one scan
//! finds every match end from a start in O(text × pattern). Scans share a work
//! budget ([`MAX_STEPS`]): `${x//a*b/c}` on a huge value fails instead of hanging.

use super::syntax::word::SubstringMatchKind;

/// Most NFA steps one expansion may spend.
pub const MAX_STEPS: u64 = 20_000_000;

/// The work budget ran out.
#[derive(Debug, PartialEq, Eq)]
pub struct TooExpensive;

/// One element of a compiled pattern.
#[derive(Clone, Debug)]
enum Elem {
    Char(char),
    Any,
    Star,
    /// `[...]`: inclusive ranges, negated with `!` or `^`.
    Class(bool, Vec<(char, char)>),
}

impl Elem {
    fn matches(&self, c: char) -> bool {
        match self {
            Elem::Char(x) => *x == c,
            Elem::Any => true,
            Elem::Star => false,
            Elem::Class(negate, ranges) => ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negate,
        }
    }
}

fn compile(pattern: &str) -> Vec<Elem> {
    let p: Vec<char> = pattern.chars().collect();
    let mut elems = Vec::new();
    let mut i = 0;
    while i < p.len() {
        let elem = match p[i] {
            '*' => Elem::Star,
            '?' => Elem::Any,
            '\\' if i + 1 < p.len() => {
                i += 1;
                Elem::Char(p[i])
            }
            '[' => match class(&p[i..]) {
                Some((elem, len)) => {
                    i += len - 1;
                    elem
                }
                None => Elem::Char('['),
            },
            c => Elem::Char(c),
        };
        elems.push(elem);
        i += 1;
    }
    elems
}

/// Parses the bracket expression at the start of `p` and its length; `None` when
/// it is not closed (then `[` is an ordinary character).
fn class(p: &[char]) -> Option<(Elem, usize)> {
    let negate = matches!(p.get(1), Some('!' | '^'));
    let start = if negate { 2 } else { 1 };
    // A `]` right after the opening is a member, not the end.
    let close = p.iter().skip(start + 1).position(|&x| x == ']')? + start + 1;
    let set = &p[start..close];
    let mut ranges = Vec::new();
    let mut i = 0;
    while i < set.len() {
        if i + 2 < set.len() && set[i + 1] == '-' {
            ranges.push((set[i], set[i + 2]));
            i += 3;
        } else {
            ranges.push((set[i], set[i]));
            i += 1;
        }
    }
    Some((Elem::Class(negate, ranges), close + 1))
}

/// Every end (a char index into `text`, ascending) of a match starting at `from`.
fn match_ends(pat: &[Elem], text: &[char], from: usize, budget: &mut u64) -> Result<Vec<usize>, TooExpensive> {
    let mut active = vec![false; pat.len() + 1];
    let close = |active: &mut Vec<bool>| {
        for s in 0..pat.len() {
            if active[s] && matches!(pat[s], Elem::Star) {
                active[s + 1] = true;
            }
        }
    };
    active[0] = true;
    close(&mut active);
    let mut ends = Vec::new();
    for (offset, &c) in text[from..].iter().enumerate() {
        if active[pat.len()] {
            ends.push(from + offset);
        }
        *budget = budget.checked_sub(pat.len() as u64 + 1).ok_or(TooExpensive)?;
        let mut next = vec![false; pat.len() + 1];
        for (s, elem) in pat.iter().enumerate() {
            if active[s] {
                match elem {
                    Elem::Star => next[s] = true,
                    e if e.matches(c) => next[s + 1] = true,
                    _ => {}
                }
            }
        }
        close(&mut next);
        if !next.contains(&true) {
            return Ok(ends);
        }
        active = next;
    }
    if active[pat.len()] {
        ends.push(text.len());
    }
    Ok(ends)
}

/// Whether `text` matches the shell pattern `pattern` as a whole.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let mut budget = MAX_STEPS;
    match_ends(&compile(pattern), &text, 0, &mut budget).is_ok_and(|ends| ends.last() == Some(&text.len()))
}

/// `${v%pat}` (`suffix`) / `${v#pat}`, shortest or `longest` match removed.
pub fn strip(v: &str, pat: &str, suffix: bool, longest: bool) -> Result<String, TooExpensive> {
    let mut budget = MAX_STEPS;
    let (mut elems, mut text): (Vec<Elem>, Vec<char>) = (compile(pat), v.chars().collect());
    if suffix {
        elems.reverse();
        text.reverse();
    }
    let ends = match_ends(&elems, &text, 0, &mut budget)?;
    let Some(&cut) = (if longest { ends.last() } else { ends.first() }) else {
        return Ok(v.to_owned());
    };
    let mut kept: Vec<char> = text[cut..].to_vec();
    if suffix {
        kept.reverse();
    }
    Ok(kept.into_iter().collect())
}

/// `${v/pat/rep}` and its `//`, `/#`, `/%` forms (longest match at each position).
/// `Ok(None)` when the result would pass `max` bytes.
pub fn replace(
    v: &str,
    pat: &str,
    rep: &str,
    kind: &SubstringMatchKind,
    max: usize,
) -> Result<Option<String>, TooExpensive> {
    if pat.is_empty() {
        return Ok(Some(v.to_owned()));
    }
    let mut budget = MAX_STEPS;
    let elems = compile(pat);
    let text: Vec<char> = v.chars().collect();
    let string = |chars: &[char]| chars.iter().collect::<String>();
    match kind {
        SubstringMatchKind::Prefix => Ok(Some(match match_ends(&elems, &text, 0, &mut budget)?.last() {
            Some(&end) => format!("{rep}{}", string(&text[end..])),
            None => v.to_owned(),
        })),
        SubstringMatchKind::Suffix => {
            let reversed: Vec<Elem> = elems.into_iter().rev().collect();
            let back: Vec<char> = text.iter().rev().copied().collect();
            Ok(Some(match match_ends(&reversed, &back, 0, &mut budget)?.last() {
                Some(&len) => format!("{}{rep}", string(&text[..text.len() - len])),
                None => v.to_owned(),
            }))
        }
        SubstringMatchKind::FirstOccurrence | SubstringMatchKind::Anywhere => {
            let all = matches!(kind, SubstringMatchKind::Anywhere);
            replace_matches(&elems, &text, rep, (all, max), &mut budget)
        }
    }
}

/// `${v/pat/rep}` (`all`: `${v//pat/rep}`): from the left, the longest non-empty match at each
/// position is replaced, and the search goes on after it. `Ok(None)` past `max` bytes.
fn replace_matches(
    elems: &[Elem],
    text: &[char],
    rep: &str,
    (all, max): (bool, usize),
    budget: &mut u64,
) -> Result<Option<String>, TooExpensive> {
    let string = |chars: &[char]| chars.iter().collect::<String>();
    let (mut result, mut copied, mut k) = (String::new(), 0, 0);
    while k < text.len() {
        let Some(&end) = match_ends(elems, text, k, budget)?.last().filter(|&&end| end > k) else {
            k += 1;
            continue;
        };
        result.push_str(&string(&text[copied..k]));
        if result.len() + rep.len() > max {
            return Ok(None);
        }
        result.push_str(rep);
        copied = end;
        k = end;
        if !all {
            break;
        }
    }
    result.push_str(&string(&text[copied..]));
    Ok(Some(result))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        for (p, t, want) in [
            ("*", "", true),
            ("a*c", "abbc", true),
            ("a?c", "ac", false),
            ("[a-c]x", "bx", true),
            ("[!a-c]x", "bx", false),
            ("[]]", "]", true),
            ("*.yaml", "web.yaml", true),
            ("\\*", "*", true),
            ("[", "[", true),
            ("**a", "ba", true),
            ("a*b*c", "aXbYbZc", true),
        ] {
            assert_eq!(glob_match(p, t), want, "{p} vs {t}");
        }
    }

    #[test]
    fn strip_and_replace() {
        assert_eq!(strip("a.b.c", ".*", true, false), Ok("a.b".into()));
        assert_eq!(strip("a.b.c", ".*", true, true), Ok("a".into()));
        assert_eq!(strip("a.b.c", "*.", false, false), Ok("b.c".into()));
        assert_eq!(strip("a.b.c", "*.", false, true), Ok("c".into()));
        let replace = |v: &str, p: &str, r: &str, k: &SubstringMatchKind| replace(v, p, r, k, 100);
        assert_eq!(replace("aXbXc", "X", "-", &SubstringMatchKind::Anywhere), Ok(Some("a-b-c".into())));
        assert_eq!(replace("aXbXc", "X*", "-", &SubstringMatchKind::FirstOccurrence), Ok(Some("a-".into())));
        assert_eq!(replace("abc", "c", "!", &SubstringMatchKind::Suffix), Ok(Some("ab!".into())));
        assert_eq!(replace(&"a".repeat(30), "a", "xyzw", &SubstringMatchKind::Anywhere), Ok(None));
    }

    #[test]
    fn huge_values_run_out_of_budget_instead_of_hanging() {
        let v = "a".repeat(100_000);
        assert_eq!(replace(&v, "a*a*b", "z", &SubstringMatchKind::Anywhere, 1 << 20), Err(TooExpensive));
        assert_eq!(strip(&v, "*b", true, true), Ok(v.clone()));
    }

    #[test]
    fn replace_matches_takes_the_longest_match_then_goes_on_after_it() {
        let text: Vec<char> = "aXbXc".chars().collect();
        let cases = [
            ("X?", "-", true, "a--"),
            ("X?", "-", false, "a-Xc"),
            ("[ab]", "", true, "XXc"),
            ("b*", "", true, "aX"),
            ("Q", "-", true, "aXbXc"),
        ];
        for (pat, rep, all, want) in cases {
            let mut budget = MAX_STEPS;
            assert_eq!(
                replace_matches(&compile(pat), &text, rep, (all, 1 << 20), &mut budget),
                Ok(Some(want.to_owned())),
                "{pat}"
            );
        }
    }
}
