//! The scanner: YAML text to tokens. A port of libyaml's scanner as go-yaml v2.4.0 has it
//! (`scannerc.go`, the code kubectl reads manifests with), kept close to the original so that
//! a mistake is reported with the same problem at the same place: simple keys (`key:` found
//! after the key was scanned), the indentation stack that turns columns into block starts and
//! ends, flow levels, and each kind of scalar with its folding rules.
//!
//! The original reads through a buffer that ends in NUL; here `at(k)` returns 0 past the end,
//! so the same look-ahead tests work on a plain byte slice and can never index out of bounds.
//! Marks count characters, as libyaml's do (columns in characters, lines from 0).
//!
//! Attribution: ported from go-yaml v2.4.0, itself a port of libyaml. libyaml and go-yaml's
//! libyaml-derived files: Copyright (c) 2006-2010 Kirill Simonov, Copyright (c) 2006-2011
//! Kirill Simonov, MIT License (go-yaml's LICENSE.libyaml). go-yaml: Copyright (c) 2011-2019
//! Canonical Ltd, Apache License 2.0.

use super::{Mark, YamlError};
use crate::support::collections::VecMap;
use std::collections::VecDeque;

/// The kinds of token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tok {
    StreamStart,
    StreamEnd,
    VersionDirective,
    TagDirective,
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias,
    Anchor,
    Tag,
    Scalar,
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Style {
    Plain,
    Quoted,
    Block,
}

/// One token with where it starts and ends.
#[derive(Debug)]
pub(super) struct Token {
    pub kind: Tok,
    pub start: Mark,
    pub end: Mark,
    /// A scalar's text, an anchor's or alias's name, a tag's handle, a `%TAG` handle, or a
    /// `%YAML` version as `major.minor`.
    pub value: String,
    /// A tag's suffix or a `%TAG` prefix.
    pub suffix: String,
    pub style: Style,
}

/// A place where a mapping key may have started (libyaml's "simple key").
#[derive(Clone, Copy, Default)]
struct SimpleKey {
    possible: bool,
    required: bool,
    token_number: usize,
    mark: Mark,
}

type R<T> = Result<T, YamlError>;

/// The scanner's state (libyaml's `yaml_parser_t`, scanner half).
pub(super) struct Scanner<'a> {
    src: &'a [u8],
    pos: usize,
    mark: Mark,
    tokens: VecDeque<Token>,
    tokens_parsed: usize,
    token_available: bool,
    stream_start_produced: bool,
    /// Whether the stream-end token has been taken.
    pub stream_end_produced: bool,
    flow_level: usize,
    indent: isize,
    indents: Vec<isize>,
    simple_key_allowed: bool,
    simple_keys: Vec<SimpleKey>,
    simple_keys_by_tok: VecMap<usize, usize>,
}

/// The length of the UTF-8 sequence a byte starts (1 for NUL, as in go-yaml).
fn width(b: u8) -> usize {
    match b {
        0..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

fn scanner_error(context_mark: Mark, problem_mark: Mark, problem: &str) -> YamlError {
    YamlError::syntax(true, context_mark, problem_mark, problem)
}

impl<'a> Scanner<'a> {
    pub fn new(text: &'a str) -> Scanner<'a> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Scanner {
            src: text.as_bytes(),
            pos: 0,
            mark: Mark::default(),
            tokens: VecDeque::new(),
            tokens_parsed: 0,
            token_available: false,
            stream_start_produced: false,
            stream_end_produced: false,
            flow_level: 0,
            indent: -1,
            indents: Vec::new(),
            simple_key_allowed: false,
            simple_keys: Vec::new(),
            simple_keys_by_tok: VecMap::new(),
        }
    }

    /// The next token's kind and marks, scanning as far as needed to know it.
    pub fn peek(&mut self) -> R<(Tok, Mark, Mark)> {
        if !self.token_available {
            self.fetch_more_tokens()?;
        }
        Ok(self.tokens.front().map_or((Tok::StreamEnd, self.mark, self.mark), |t| (t.kind, t.start, t.end)))
    }

    /// Takes the token `peek` returned.
    pub fn take(&mut self) -> Token {
        self.token_available = false;
        self.tokens_parsed += 1;
        let t = self.tokens.pop_front().unwrap_or(Token {
            kind: Tok::StreamEnd,
            start: self.mark,
            end: self.mark,
            value: String::new(),
            suffix: String::new(),
            style: Style::Plain,
        });
        self.stream_end_produced = t.kind == Tok::StreamEnd;
        t
    }

    // Characters at the read position.

    fn at(&self, k: usize) -> u8 {
        self.src.get(self.pos + k).copied().unwrap_or(0)
    }
    fn is_blank(&self, k: usize) -> bool {
        matches!(self.at(k), b' ' | b'\t')
    }
    fn is_break(&self, k: usize) -> bool {
        match self.at(k) {
            b'\r' | b'\n' => true,
            0xC2 => self.at(k + 1) == 0x85,
            0xE2 => self.at(k + 1) == 0x80 && matches!(self.at(k + 2), 0xA8 | 0xA9),
            _ => false,
        }
    }
    fn is_breakz(&self, k: usize) -> bool {
        self.at(k) == 0 || self.is_break(k)
    }
    fn is_blankz(&self, k: usize) -> bool {
        self.is_blank(k) || self.is_breakz(k)
    }
    fn is_alpha(&self, k: usize) -> bool {
        let c = self.at(k);
        c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
    }
    fn column(&self) -> isize {
        self.mark.column as isize
    }

    /// Moves past one character.
    fn skip(&mut self) {
        self.pos += width(self.at(0));
        self.mark.index += 1;
        self.mark.column += 1;
    }

    /// Moves past one line break.
    fn skip_line(&mut self) {
        if self.at(0) == b'\r' && self.at(1) == b'\n' {
            self.pos += 2;
            self.mark.index += 2;
        } else if self.is_break(0) {
            self.pos += width(self.at(0));
            self.mark.index += 1;
        } else {
            return;
        }
        self.mark.column = 0;
        self.mark.line += 1;
    }

    /// Copies one character into `s` and moves past it.
    fn read(&mut self, s: &mut Vec<u8>) {
        let w = width(self.at(0));
        s.extend_from_slice(self.src.get(self.pos..self.pos + w).unwrap_or_default());
        self.pos += w;
        self.mark.index += 1;
        self.mark.column += 1;
    }

    /// Copies one line break into `s` (CR, LF, CRLF and NEL as `\n`) and moves past it.
    fn read_line(&mut self, s: &mut Vec<u8>) {
        match self.at(0) {
            b'\r' if self.at(1) == b'\n' => {
                s.push(b'\n');
                self.pos += 2;
                self.mark.index += 1;
            }
            b'\r' | b'\n' => {
                s.push(b'\n');
                self.pos += 1;
            }
            0xC2 if self.at(1) == 0x85 => {
                s.push(b'\n');
                self.pos += 2;
            }
            0xE2 if self.is_break(0) => {
                s.extend_from_slice(&[0xE2, 0x80, self.at(2)]);
                self.pos += 3;
            }
            _ => return,
        }
        self.mark.index += 1;
        self.mark.column = 0;
        self.mark.line += 1;
    }

    fn skip_blanks(&mut self) {
        while self.is_blank(0) {
            self.skip();
        }
    }

    /// Skips a comment, if one starts here, up to the end of its line.
    fn skip_comment(&mut self) {
        if self.at(0) == b'#' {
            while !self.is_breakz(0) {
                self.skip();
            }
        }
    }

    // The token queue.

    fn token(&self, kind: Tok, start: Mark, end: Mark) -> Token {
        Token { kind, start, end, value: String::new(), suffix: String::new(), style: Style::Plain }
    }

    /// Inserts at `pos` places from the head; a negative place appends (as go-yaml does).
    fn insert_token(&mut self, pos: isize, t: Token) {
        if pos < 0 {
            self.tokens.push_back(t);
        } else {
            let pos = (pos as usize).min(self.tokens.len());
            self.tokens.insert(pos, t);
        }
    }

    fn push_token(&mut self, kind: Tok, start: Mark) {
        let t = self.token(kind, start, self.mark);
        self.tokens.push_back(t);
    }

    fn fetch_more_tokens(&mut self) -> R<()> {
        loop {
            if !self.tokens.is_empty() {
                match self.simple_keys_by_tok.get(&self.tokens_parsed) {
                    None => break,
                    Some(&i) => {
                        if !self.simple_key_is_valid(i)? {
                            break;
                        }
                    }
                }
            }
            self.fetch_next_token()?;
        }
        self.token_available = true;
        Ok(())
    }

    fn fetch_next_token(&mut self) -> R<()> {
        if !self.stream_start_produced {
            self.indent = -1;
            self.simple_keys.push(SimpleKey::default());
            self.simple_key_allowed = true;
            self.stream_start_produced = true;
            self.push_token(Tok::StreamStart, self.mark);
            return Ok(());
        }
        self.scan_to_next_token()?;
        self.unroll_indent(self.column());
        let c = self.at(0);
        if c == 0 {
            return self.fetch_stream_end();
        }
        if self.mark.column == 0 {
            if c == b'%' {
                return self.fetch_directive();
            }
            if (c == b'-' || c == b'.') && self.at(1) == c && self.at(2) == c && self.is_blankz(3) {
                return self.fetch_document_indicator(if c == b'-' { Tok::DocumentStart } else { Tok::DocumentEnd });
            }
        }
        let in_flow = self.flow_level > 0;
        match c {
            b'[' => self.fetch_flow_collection_start(Tok::FlowSequenceStart),
            b'{' => self.fetch_flow_collection_start(Tok::FlowMappingStart),
            b']' => self.fetch_flow_collection_end(Tok::FlowSequenceEnd),
            b'}' => self.fetch_flow_collection_end(Tok::FlowMappingEnd),
            b',' => self.fetch_flow_entry(),
            b'-' if self.is_blankz(1) => self.fetch_block_entry(),
            b'?' if in_flow || self.is_blankz(1) => self.fetch_key(),
            b':' if in_flow || self.is_blankz(1) => self.fetch_value(),
            b'*' => self.fetch_anchor(Tok::Alias),
            b'&' => self.fetch_anchor(Tok::Anchor),
            b'!' => self.fetch_tag(),
            b'|' | b'>' if !in_flow => self.fetch_block_scalar(c == b'|'),
            b'\'' | b'"' => self.fetch_flow_scalar(c == b'\''),
            _ => {
                let plain = !(self.is_blankz(0) || b"-?:,[]{}#&*!|>'\"%@`".contains(&c))
                    || (c == b'-' && !self.is_blank(1))
                    || (!in_flow && (c == b'?' || c == b':') && !self.is_blankz(1));
                if !plain {
                    return Err(scanner_error(self.mark, self.mark, "found character that cannot start any token"));
                }
                self.fetch_plain_scalar()
            }
        }
    }

    // Simple keys.

    fn simple_key_is_valid(&mut self, i: usize) -> R<bool> {
        let mark = self.mark;
        let Some(key) = self.simple_keys.get_mut(i) else { return Ok(false) };
        if !key.possible {
            return Ok(false);
        }
        if key.mark.line < mark.line || key.mark.index + 1024 < mark.index {
            if key.required {
                return Err(scanner_error(key.mark, mark, "could not find expected ':'"));
            }
            key.possible = false;
            return Ok(false);
        }
        Ok(true)
    }

    fn save_simple_key(&mut self) -> R<()> {
        let required = self.flow_level == 0 && self.indent == self.column();
        if self.simple_key_allowed {
            let key = SimpleKey {
                possible: true,
                required,
                token_number: self.tokens_parsed + self.tokens.len(),
                mark: self.mark,
            };
            self.remove_simple_key()?;
            if let Some(last) = self.simple_keys.last_mut() {
                *last = key;
                self.simple_keys_by_tok.insert(key.token_number, self.simple_keys.len() - 1);
            }
        }
        Ok(())
    }

    fn remove_simple_key(&mut self) -> R<()> {
        if let Some(key) = self.simple_keys.last_mut() {
            if key.possible {
                if key.required {
                    return Err(scanner_error(key.mark, self.mark, "could not find expected ':'"));
                }
                key.possible = false;
                let n = key.token_number;
                self.simple_keys_by_tok.remove(&n);
            }
        }
        Ok(())
    }

    fn increase_flow_level(&mut self) {
        self.simple_keys.push(SimpleKey {
            token_number: self.tokens_parsed + self.tokens.len(),
            mark: self.mark,
            ..SimpleKey::default()
        });
        self.flow_level += 1;
    }

    fn decrease_flow_level(&mut self) {
        if self.flow_level > 0 {
            self.flow_level -= 1;
            if let Some(key) = self.simple_keys.pop() {
                self.simple_keys_by_tok.remove(&key.token_number);
            }
        }
    }

    // Indentation.

    /// Opens a block collection if `column` is deeper than the current indentation; its start
    /// token goes before token `number` (a simple key's) or at the end.
    fn roll_indent(&mut self, column: isize, number: Option<usize>, kind: Tok, mark: Mark) {
        if self.flow_level > 0 || self.indent >= column {
            return;
        }
        self.indents.push(self.indent);
        self.indent = column;
        let t = self.token(kind, mark, mark);
        match number {
            Some(n) => self.insert_token(n as isize - self.tokens_parsed as isize, t),
            None => self.tokens.push_back(t),
        }
    }

    /// Closes the block collections deeper than `column`.
    fn unroll_indent(&mut self, column: isize) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            self.push_token(Tok::BlockEnd, self.mark);
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    // Fetching each kind of token.

    fn fetch_stream_end(&mut self) -> R<()> {
        if self.mark.column != 0 {
            self.mark.column = 0;
            self.mark.line += 1;
        }
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        self.push_token(Tok::StreamEnd, self.mark);
        Ok(())
    }

    fn fetch_directive(&mut self) -> R<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_directive()?;
        self.tokens.push_back(t);
        Ok(())
    }

    fn fetch_document_indicator(&mut self, kind: Tok) -> R<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.skip();
        self.skip();
        self.push_token(kind, start);
        Ok(())
    }

    fn fetch_flow_collection_start(&mut self, kind: Tok) -> R<()> {
        self.save_simple_key()?;
        self.increase_flow_level();
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.push_token(kind, start);
        Ok(())
    }

    fn fetch_flow_collection_end(&mut self, kind: Tok) -> R<()> {
        self.remove_simple_key()?;
        self.decrease_flow_level();
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.push_token(kind, start);
        Ok(())
    }

    fn fetch_flow_entry(&mut self) -> R<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.push_token(Tok::FlowEntry, start);
        Ok(())
    }

    fn fetch_block_entry(&mut self) -> R<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return Err(scanner_error(
                    self.mark,
                    self.mark,
                    "block sequence entries are not allowed in this context",
                ));
            }
            self.roll_indent(self.column(), None, Tok::BlockSequenceStart, self.mark);
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        self.push_token(Tok::BlockEntry, start);
        Ok(())
    }

    fn fetch_key(&mut self) -> R<()> {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return Err(scanner_error(self.mark, self.mark, "mapping keys are not allowed in this context"));
            }
            self.roll_indent(self.column(), None, Tok::BlockMappingStart, self.mark);
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = self.flow_level == 0;
        let start = self.mark;
        self.skip();
        self.push_token(Tok::Key, start);
        Ok(())
    }

    fn fetch_value(&mut self) -> R<()> {
        let i = self.simple_keys.len().saturating_sub(1);
        if self.simple_key_is_valid(i)? {
            let key = self.simple_keys[i];
            let t = self.token(Tok::Key, key.mark, key.mark);
            self.insert_token(key.token_number as isize - self.tokens_parsed as isize, t);
            self.roll_indent(key.mark.column as isize, Some(key.token_number), Tok::BlockMappingStart, key.mark);
            self.simple_keys[i].possible = false;
            self.simple_keys_by_tok.remove(&key.token_number);
            self.simple_key_allowed = false;
        } else {
            if self.flow_level == 0 {
                if !self.simple_key_allowed {
                    return Err(scanner_error(self.mark, self.mark, "mapping values are not allowed in this context"));
                }
                self.roll_indent(self.column(), None, Tok::BlockMappingStart, self.mark);
            }
            self.simple_key_allowed = self.flow_level == 0;
        }
        let start = self.mark;
        self.skip();
        self.push_token(Tok::Value, start);
        Ok(())
    }

    fn fetch_anchor(&mut self, kind: Tok) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        let mut s = Vec::new();
        while self.is_alpha(0) {
            self.read(&mut s);
        }
        let end = self.mark;
        if s.is_empty() || !(self.is_blankz(0) || b"?:,]}%@`".contains(&self.at(0))) {
            return Err(scanner_error(start, self.mark, "did not find expected alphabetic or numeric character"));
        }
        let mut t = self.token(kind, start, end);
        t.value = text(s);
        self.tokens.push_back(t);
        Ok(())
    }

    fn fetch_tag(&mut self) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        let (mut handle, suffix);
        if self.at(1) == b'<' {
            self.skip();
            self.skip();
            suffix = self.scan_tag_uri(&[], start)?;
            if self.at(0) != b'>' {
                return Err(scanner_error(start, self.mark, "did not find the expected '>'"));
            }
            self.skip();
            handle = Vec::new();
        } else {
            handle = self.scan_tag_handle(false, start)?;
            if handle.len() > 1 && handle.ends_with(b"!") {
                suffix = self.scan_tag_uri(&[], start)?;
            } else {
                let s = self.scan_tag_uri(&handle, start)?;
                handle = b"!".to_vec();
                if s.is_empty() {
                    (handle, suffix) = (s, handle);
                } else {
                    suffix = s;
                }
            }
        }
        if !self.is_blankz(0) {
            return Err(scanner_error(start, self.mark, "did not find expected whitespace or line break"));
        }
        let mut t = self.token(Tok::Tag, start, self.mark);
        t.value = text(handle);
        t.suffix = text(suffix);
        self.tokens.push_back(t);
        Ok(())
    }

    fn fetch_block_scalar(&mut self, literal: bool) -> R<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let t = self.scan_block_scalar(literal)?;
        self.tokens.push_back(t);
        Ok(())
    }

    fn fetch_flow_scalar(&mut self, single: bool) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_flow_scalar(single)?;
        self.tokens.push_back(t);
        Ok(())
    }

    fn fetch_plain_scalar(&mut self) -> R<()> {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_plain_scalar()?;
        self.tokens.push_back(t);
        Ok(())
    }

    // Scanning.

    /// Skips spaces, comments and line breaks (tabs too, where they cannot be indentation).
    fn scan_to_next_token(&mut self) -> R<()> {
        loop {
            while self.at(0) == b' ' || ((self.flow_level > 0 || !self.simple_key_allowed) && self.at(0) == b'\t') {
                self.skip();
            }
            self.skip_comment();
            if !self.is_break(0) {
                return Ok(());
            }
            self.skip_line();
            if self.flow_level == 0 {
                self.simple_key_allowed = true;
            }
        }
    }

    fn scan_directive(&mut self) -> R<Token> {
        let start = self.mark;
        self.skip();
        let mut name = Vec::new();
        while self.is_alpha(0) {
            self.read(&mut name);
        }
        if name.is_empty() {
            return Err(scanner_error(start, self.mark, "could not find expected directive name"));
        }
        if !self.is_blankz(0) {
            return Err(scanner_error(start, self.mark, "found unexpected non-alphabetical character"));
        }
        let mut t = self.token(Tok::VersionDirective, start, start);
        match &name[..] {
            b"YAML" => {
                self.skip_blanks();
                let major = self.scan_version_number(start)?;
                if self.at(0) != b'.' {
                    return Err(scanner_error(start, self.mark, "did not find expected digit or '.' character"));
                }
                self.skip();
                let minor = self.scan_version_number(start)?;
                t.value = format!("{major}.{minor}");
            }
            b"TAG" => {
                self.skip_blanks();
                let handle = self.scan_tag_handle(true, start)?;
                if !self.is_blank(0) {
                    return Err(scanner_error(start, self.mark, "did not find expected whitespace"));
                }
                self.skip_blanks();
                let prefix = self.scan_tag_uri(&[], start)?;
                if !self.is_blankz(0) {
                    return Err(scanner_error(start, self.mark, "did not find expected whitespace or line break"));
                }
                t.kind = Tok::TagDirective;
                t.value = text(handle);
                t.suffix = text(prefix);
            }
            _ => return Err(scanner_error(start, self.mark, "found unknown directive name")),
        }
        t.end = self.mark;
        self.skip_blanks();
        self.skip_comment();
        if !self.is_breakz(0) {
            return Err(scanner_error(start, self.mark, "did not find expected comment or line break"));
        }
        self.skip_line();
        Ok(t)
    }

    fn scan_version_number(&mut self, start: Mark) -> R<u32> {
        let (mut value, mut length) = (0, 0);
        while self.at(0).is_ascii_digit() {
            length += 1;
            if length > 2 {
                return Err(scanner_error(start, self.mark, "found extremely long version number"));
            }
            value = value * 10 + u32::from(self.at(0) - b'0');
            self.skip();
        }
        if length == 0 {
            return Err(scanner_error(start, self.mark, "did not find expected version number"));
        }
        Ok(value)
    }

    fn scan_tag_handle(&mut self, directive: bool, start: Mark) -> R<Vec<u8>> {
        if self.at(0) != b'!' {
            return Err(scanner_error(start, self.mark, "did not find expected '!'"));
        }
        let mut s = Vec::new();
        self.read(&mut s);
        while self.is_alpha(0) {
            self.read(&mut s);
        }
        if self.at(0) == b'!' {
            self.read(&mut s);
        } else if directive && s != b"!" {
            return Err(scanner_error(start, self.mark, "did not find expected '!'"));
        }
        Ok(s)
    }

    /// A tag's URI; `head` is a handle scanned before it that turned out to be part of it.
    fn scan_tag_uri(&mut self, head: &[u8], start: Mark) -> R<Vec<u8>> {
        let mut s = head.get(1..).unwrap_or_default().to_vec();
        let mut has_tag = !head.is_empty();
        while self.is_alpha(0) || b";/?:@&=+$,.!~*'()[]%".contains(&self.at(0)) {
            if self.at(0) == b'%' {
                self.scan_uri_escapes(start, &mut s)?;
            } else {
                self.read(&mut s);
            }
            has_tag = true;
        }
        if !has_tag {
            return Err(scanner_error(start, self.mark, "did not find expected tag URI"));
        }
        Ok(s)
    }

    /// `%XX` escapes making one UTF-8 character.
    fn scan_uri_escapes(&mut self, start: Mark, s: &mut Vec<u8>) -> R<()> {
        let mut w = 1024;
        while w > 0 {
            let (hi, lo) = (hex(self.at(1)), hex(self.at(2)));
            let (Some(hi), Some(lo), b'%') = (hi, lo, self.at(0)) else {
                return Err(scanner_error(start, self.mark, "did not find URI escaped octet"));
            };
            let octet = (hi << 4 | lo) as u8;
            if w == 1024 {
                w = match octet {
                    0..=0x7F => 1,
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    0xF0..=0xF7 => 4,
                    _ => return Err(scanner_error(start, self.mark, "found an incorrect leading UTF-8 octet")),
                };
            } else if octet & 0xC0 != 0x80 {
                return Err(scanner_error(start, self.mark, "found an incorrect trailing UTF-8 octet"));
            }
            s.push(octet);
            self.skip();
            self.skip();
            self.skip();
            w -= 1;
        }
        Ok(())
    }

    /// `|` and `>` scalars, with their chomping (`-`, `+`) and indentation indicators.
    fn scan_block_scalar(&mut self, literal: bool) -> R<Token> {
        let start = self.mark;
        self.skip();
        let (mut chomping, mut increment) = (0i8, 0isize);
        let chomp = |c: u8| if c == b'+' { 1 } else { -1 };
        let c = self.at(0);
        if c == b'+' || c == b'-' {
            chomping = chomp(c);
            self.skip();
            if self.at(0).is_ascii_digit() {
                if self.at(0) == b'0' {
                    return Err(scanner_error(start, self.mark, "found an indentation indicator equal to 0"));
                }
                increment = isize::from(self.at(0) - b'0');
                self.skip();
            }
        } else if c.is_ascii_digit() {
            if c == b'0' {
                return Err(scanner_error(start, self.mark, "found an indentation indicator equal to 0"));
            }
            increment = isize::from(c - b'0');
            self.skip();
            let c = self.at(0);
            if c == b'+' || c == b'-' {
                chomping = chomp(c);
                self.skip();
            }
        }
        self.skip_blanks();
        self.skip_comment();
        if !self.is_breakz(0) {
            return Err(scanner_error(start, self.mark, "did not find expected comment or line break"));
        }
        self.skip_line();
        let mut end = self.mark;
        let mut indent = 0;
        if increment > 0 {
            indent = if self.indent >= 0 { self.indent + increment } else { increment };
        }
        let (mut s, mut leading_break, mut trailing_breaks) = (Vec::new(), Vec::new(), Vec::new());
        self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        let mut leading_blank = false;
        while self.column() == indent && self.at(0) != 0 {
            let trailing_blank = self.is_blank(0);
            if !literal && !leading_blank && !trailing_blank && leading_break.first() == Some(&b'\n') {
                if trailing_breaks.is_empty() {
                    s.push(b' ');
                }
            } else {
                s.append(&mut leading_break);
            }
            leading_break.clear();
            s.append(&mut trailing_breaks);
            leading_blank = self.is_blank(0);
            while !self.is_breakz(0) {
                self.read(&mut s);
            }
            self.read_line(&mut leading_break);
            self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        }
        if chomping != -1 {
            s.append(&mut leading_break);
        }
        if chomping == 1 {
            s.append(&mut trailing_breaks);
        }
        let mut t = self.token(Tok::Scalar, start, end);
        t.value = text(s);
        t.style = Style::Block;
        Ok(t)
    }

    /// Empty lines before a block scalar's next line; finds the indentation if not yet known.
    fn scan_block_scalar_breaks(
        &mut self,
        indent: &mut isize,
        breaks: &mut Vec<u8>,
        start: Mark,
        end: &mut Mark,
    ) -> R<()> {
        *end = self.mark;
        let mut max_indent = 0;
        loop {
            while (*indent == 0 || self.column() < *indent) && self.at(0) == b' ' {
                self.skip();
            }
            max_indent = max_indent.max(self.column());
            if (*indent == 0 || self.column() < *indent) && self.at(0) == b'\t' {
                return Err(scanner_error(
                    start,
                    self.mark,
                    "found a tab character where an indentation space is expected",
                ));
            }
            if !self.is_break(0) {
                break;
            }
            self.read_line(breaks);
            *end = self.mark;
        }
        if *indent == 0 {
            *indent = max_indent.max(self.indent + 1).max(1);
        }
        Ok(())
    }

    /// `'...'` and `"..."` scalars: escapes, and line folding.
    fn scan_flow_scalar(&mut self, single: bool) -> R<Token> {
        // Eat the left quote.
        let start = self.mark;
        self.skip();
        // Consume the content of the quoted scalar.
        let (mut s, mut leading_break, mut trailing_breaks, mut whitespaces) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let quote = if single { b'\'' } else { b'"' };
        loop {
            // Check that there are no document indicators at the beginning of the line.
            if self.mark.column == 0
                && (self.at(0) == b'-' || self.at(0) == b'.')
                && self.at(1) == self.at(0)
                && self.at(2) == self.at(0)
                && self.is_blankz(3)
            {
                return Err(scanner_error(start, self.mark, "found unexpected document indicator"));
            }
            // Check for EOF.
            if self.at(0) == 0 {
                return Err(scanner_error(start, self.mark, "found unexpected end of stream"));
            }
            // Consume non-blank characters.
            let mut leading_blanks = false;
            while !self.is_blankz(0) {
                let c = self.at(0);
                if single && c == b'\'' && self.at(1) == b'\'' {
                    // An escaped single quote.
                    s.push(b'\'');
                    self.skip();
                    self.skip();
                } else if c == quote {
                    break;
                } else if !single && c == b'\\' && self.is_break(1) {
                    // An escaped line break.
                    self.skip();
                    self.skip_line();
                    leading_blanks = true;
                    break;
                } else if !single && c == b'\\' {
                    self.scan_flow_scalar_escape(start, &mut s)?;
                } else {
                    self.read(&mut s);
                }
            }
            // Check if we are at the end of the scalar.
            if self.at(0) == quote {
                break;
            }
            // Consume blank characters.
            while self.is_blank(0) || self.is_break(0) {
                if self.is_blank(0) {
                    if leading_blanks {
                        self.skip();
                    } else {
                        self.read(&mut whitespaces);
                    }
                } else if leading_blanks {
                    self.read_line(&mut trailing_breaks);
                } else {
                    whitespaces.clear();
                    self.read_line(&mut leading_break);
                    leading_blanks = true;
                }
            }
            // Join the whitespaces or fold line breaks.
            if leading_blanks {
                fold(&mut s, &mut leading_break, &mut trailing_breaks);
            } else {
                s.append(&mut whitespaces);
            }
        }
        // Eat the right quote.
        self.skip();
        let mut t = self.token(Tok::Scalar, start, self.mark);
        t.value = text(s);
        t.style = Style::Quoted;
        Ok(t)
    }

    /// An escape sequence in a `"..."` scalar (`\n`, `\x41`, `\u00e9`, `\U0001F600`, ...): its
    /// character is added to `s`.
    fn scan_flow_scalar_escape(&mut self, start: Mark, s: &mut Vec<u8>) -> R<()> {
        // Check the escape character.
        let code_length = match self.at(1) {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            e => {
                let Some(ch) = escaped(e) else {
                    return Err(scanner_error(start, self.mark, "found unknown escape character"));
                };
                push_char(s, ch);
                0
            }
        };
        self.skip();
        self.skip();
        // Consume an arbitrary escape code.
        if code_length == 0 {
            return Ok(());
        }
        let mut value: u32 = 0;
        for k in 0..code_length {
            let Some(d) = hex(self.at(k)) else {
                return Err(scanner_error(start, self.mark, "did not find expected hexdecimal number"));
            };
            value = value << 4 | d;
        }
        // Check the value and write the character.
        let Some(ch) = char::from_u32(value) else {
            return Err(scanner_error(start, self.mark, "found invalid Unicode character escape code"));
        };
        push_char(s, ch);
        for _ in 0..code_length {
            self.skip();
        }
        Ok(())
    }

    /// Unquoted scalars, which may go on over several lines (indented past the parent).
    fn scan_plain_scalar(&mut self) -> R<Token> {
        let (mut s, mut leading_break, mut trailing_breaks, mut whitespaces) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut leading_blanks = false;
        let indent = self.indent + 1;
        let start = self.mark;
        let mut end = self.mark;
        loop {
            if self.mark.column == 0
                && (self.at(0) == b'-' || self.at(0) == b'.')
                && self.at(1) == self.at(0)
                && self.at(2) == self.at(0)
                && self.is_blankz(3)
            {
                break;
            }
            if self.at(0) == b'#' {
                break;
            }
            while !self.is_blankz(0) {
                let c = self.at(0);
                if (c == b':' && self.is_blankz(1)) || (self.flow_level > 0 && b",?[]{}".contains(&c)) {
                    break;
                }
                if leading_blanks {
                    fold(&mut s, &mut leading_break, &mut trailing_breaks);
                    leading_blanks = false;
                } else {
                    s.append(&mut whitespaces);
                }
                self.read(&mut s);
                end = self.mark;
            }
            if !(self.is_blank(0) || self.is_break(0)) {
                break;
            }
            while self.is_blank(0) || self.is_break(0) {
                if self.is_blank(0) {
                    if leading_blanks && self.column() < indent && self.at(0) == b'\t' {
                        return Err(scanner_error(start, self.mark, "found a tab character that violates indentation"));
                    }
                    if leading_blanks {
                        self.skip();
                    } else {
                        self.read(&mut whitespaces);
                    }
                } else if leading_blanks {
                    self.read_line(&mut trailing_breaks);
                } else {
                    whitespaces.clear();
                    self.read_line(&mut leading_break);
                    leading_blanks = true;
                }
            }
            if self.flow_level == 0 && self.column() < indent {
                break;
            }
        }
        let mut t = self.token(Tok::Scalar, start, end);
        t.value = text(s);
        if leading_blanks {
            self.simple_key_allowed = true;
        }
        Ok(t)
    }
}

/// Joins lines of a folded scalar: one line break becomes a space, more keep all but one.
fn fold(s: &mut Vec<u8>, leading_break: &mut Vec<u8>, trailing_breaks: &mut Vec<u8>) {
    if leading_break.first() == Some(&b'\n') {
        if trailing_breaks.is_empty() {
            s.push(b' ');
        } else {
            s.append(trailing_breaks);
        }
    } else {
        s.append(leading_break);
        s.append(trailing_breaks);
    }
    leading_break.clear();
    trailing_breaks.clear();
}

/// The character a one-letter escape of a `"..."` scalar stands for (`n` for a line feed), if
/// it is one.
fn escaped(e: u8) -> Option<char> {
    Some(match e {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' | b'\t' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'\'' => '\'',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        _ => return None,
    })
}

fn hex(c: u8) -> Option<u32> {
    char::from(c).to_digit(16)
}

fn push_char(s: &mut Vec<u8>, c: char) {
    s.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
}

/// Bytes read from the text (whole characters, or escapes) as a string.
fn text(s: Vec<u8>) -> String {
    String::from_utf8(s).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text one escape sequence at the start of `text` stands for, and what follows it.
    fn escape(text: &str) -> Result<(String, String), String> {
        let mut scanner = Scanner::new(text);
        let mut s = Vec::new();
        match scanner.scan_flow_scalar_escape(Mark::default(), &mut s) {
            Ok(()) => Ok((super::text(s), text[scanner.pos..].to_owned())),
            Err(e) => Err(e.problem),
        }
    }

    #[test]
    fn escapes_stand_for_one_character() {
        assert_eq!(escape(r"\n."), Ok(("\n".into(), ".".into())));
        assert_eq!(escape("\\\t."), Ok(("\t".into(), ".".into())));
        assert_eq!(escape(r"\x41\x42"), Ok(("A".into(), r"\x42".into())));
        assert_eq!(escape(r"\u00e9!"), Ok(("é".into(), "!".into())));
        assert_eq!(escape(r"\U0001F600"), Ok(("😀".into(), String::new())));
        assert_eq!(escape(r"\q"), Err("found unknown escape character".into()));
        assert_eq!(escape(r"\x4"), Err("did not find expected hexdecimal number".into()));
        assert_eq!(escape(r"\uD800"), Err("found invalid Unicode character escape code".into()));
    }
}
