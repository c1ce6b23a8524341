//! The parser: tokens to events (a node starts, a scalar, a collection ends). A port of
//! libyaml's parser state machine as go-yaml v2.4.0 has it (`parserc.go`): an explicit stack of
//! states instead of recursion, so nesting costs heap, not stack, and the errors ("did not find
//! expected key", "did not find expected node content", ...) come from the same states.
//!
//! Attribution: ported from go-yaml v2.4.0, itself a port of libyaml. libyaml and go-yaml's
//! libyaml-derived files: Copyright (c) 2006-2010 Kirill Simonov, Copyright (c) 2006-2011
//! Kirill Simonov, MIT License (go-yaml's LICENSE.libyaml). go-yaml: Copyright (c) 2011-2019
//! Canonical Ltd, Apache License 2.0.

use super::scanner::{Scanner, Style, Tok};
use super::{Mark, YamlError};

/// What an event is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ev {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias,
    Scalar,
    SequenceStart,
    SequenceEnd,
    MappingStart,
    MappingEnd,
}

/// One event.
#[derive(Debug)]
pub(super) struct Event {
    pub kind: Ev,
    pub start: Mark,
    /// The node's anchor, or the name an alias refers to.
    pub anchor: Option<String>,
    /// The node's tag, resolved through the `%TAG` handles (empty when none).
    pub tag: String,
    /// A scalar's text.
    pub value: String,
    /// A plain scalar without a tag (or with `!`): its type comes from its text.
    pub implicit: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    StreamStart,
    ImplicitDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    BlockNode,
    BlockSequenceFirstEntry,
    BlockSequenceEntry,
    IndentlessSequenceEntry,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingValue,
    FlowSequenceFirstEntry,
    FlowSequenceEntry,
    FlowSequenceEntryMappingKey,
    FlowSequenceEntryMappingValue,
    FlowSequenceEntryMappingEnd,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingValue,
    FlowMappingEmptyValue,
    End,
}

type R<T> = Result<T, YamlError>;

/// The parser's state (libyaml's `yaml_parser_t`, parser half).
pub(super) struct Parser<'a> {
    scanner: Scanner<'a>,
    state: State,
    states: Vec<State>,
    marks: Vec<Mark>,
    tag_directives: Vec<(String, String)>,
}

fn parser_error(context_mark: Option<Mark>, problem_mark: Mark, problem: &str) -> YamlError {
    YamlError::syntax(false, context_mark.unwrap_or_default(), problem_mark, problem)
}

fn event(kind: Ev, start: Mark) -> Event {
    Event { kind, start, anchor: None, tag: String::new(), value: String::new(), implicit: false }
}

/// An empty plain scalar (a key or value left out).
fn empty_scalar(mark: Mark) -> Event {
    Event { implicit: true, ..event(Ev::Scalar, mark) }
}

impl<'a> Parser<'a> {
    pub fn new(text: &'a str) -> Parser<'a> {
        Parser {
            scanner: Scanner::new(text),
            state: State::StreamStart,
            states: Vec::new(),
            marks: Vec::new(),
            tag_directives: Vec::new(),
        }
    }

    /// The next event; after the end of the stream, more stream ends.
    pub fn next(&mut self) -> R<Event> {
        if self.scanner.stream_end_produced || self.state == State::End {
            return Ok(event(Ev::StreamEnd, Mark::default()));
        }
        match self.state {
            State::StreamStart => {
                let (_, start, _) = self.scanner.peek()?;
                self.state = State::ImplicitDocumentStart;
                self.scanner.take();
                Ok(event(Ev::StreamStart, start))
            }
            State::ImplicitDocumentStart => self.document_start(true),
            State::DocumentStart => self.document_start(false),
            State::DocumentContent => {
                let (t, start, _) = self.scanner.peek()?;
                if matches!(
                    t,
                    Tok::VersionDirective | Tok::TagDirective | Tok::DocumentStart | Tok::DocumentEnd | Tok::StreamEnd
                ) {
                    self.pop_state();
                    return Ok(empty_scalar(start));
                }
                self.node(true, false)
            }
            State::DocumentEnd => {
                let (t, start, _) = self.scanner.peek()?;
                if t == Tok::DocumentEnd {
                    self.scanner.take();
                }
                self.tag_directives.clear();
                self.state = State::DocumentStart;
                Ok(event(Ev::DocumentEnd, start))
            }
            State::BlockNode => self.node(true, false),
            State::BlockSequenceFirstEntry => self.block_sequence_entry(true),
            State::BlockSequenceEntry => self.block_sequence_entry(false),
            State::IndentlessSequenceEntry => self.indentless_sequence_entry(),
            State::BlockMappingFirstKey => self.block_mapping_key(true),
            State::BlockMappingKey => self.block_mapping_key(false),
            State::BlockMappingValue => self.block_mapping_value(),
            State::FlowSequenceFirstEntry => self.flow_sequence_entry(true),
            State::FlowSequenceEntry => self.flow_sequence_entry(false),
            State::FlowSequenceEntryMappingKey => {
                let (t, _, end) = self.scanner.peek()?;
                if !matches!(t, Tok::Value | Tok::FlowEntry | Tok::FlowSequenceEnd) {
                    self.states.push(State::FlowSequenceEntryMappingValue);
                    return self.node(false, false);
                }
                self.scanner.take();
                self.state = State::FlowSequenceEntryMappingValue;
                Ok(empty_scalar(end))
            }
            State::FlowSequenceEntryMappingValue => {
                let (t, start, _) = self.scanner.peek()?;
                if t == Tok::Value {
                    self.scanner.take();
                    let (t, _, _) = self.scanner.peek()?;
                    if t != Tok::FlowEntry && t != Tok::FlowSequenceEnd {
                        self.states.push(State::FlowSequenceEntryMappingEnd);
                        return self.node(false, false);
                    }
                }
                self.state = State::FlowSequenceEntryMappingEnd;
                Ok(empty_scalar(start))
            }
            State::FlowSequenceEntryMappingEnd => {
                let (_, start, _) = self.scanner.peek()?;
                self.state = State::FlowSequenceEntry;
                Ok(event(Ev::MappingEnd, start))
            }
            State::FlowMappingFirstKey => self.flow_mapping_key(true),
            State::FlowMappingKey => self.flow_mapping_key(false),
            State::FlowMappingValue => self.flow_mapping_value(false),
            State::FlowMappingEmptyValue => self.flow_mapping_value(true),
            State::End => Ok(event(Ev::StreamEnd, Mark::default())),
        }
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    /// Takes a collection's first token and remembers where the collection starts.
    fn first(&mut self) -> R<()> {
        let (_, start, _) = self.scanner.peek()?;
        self.marks.push(start);
        self.scanner.take();
        Ok(())
    }

    /// Ends a collection at the current token (taking it).
    fn end(&mut self, kind: Ev, start: Mark) -> Event {
        self.pop_state();
        self.marks.pop();
        self.scanner.take();
        event(kind, start)
    }

    fn document_start(&mut self, implicit: bool) -> R<Event> {
        let (mut t, mut start, _) = self.scanner.peek()?;
        if !implicit {
            while t == Tok::DocumentEnd {
                self.scanner.take();
                (t, start, _) = self.scanner.peek()?;
            }
        }
        if implicit && !matches!(t, Tok::VersionDirective | Tok::TagDirective | Tok::DocumentStart | Tok::StreamEnd) {
            self.process_directives()?;
            self.states.push(State::DocumentEnd);
            self.state = State::BlockNode;
            Ok(event(Ev::DocumentStart, start))
        } else if t != Tok::StreamEnd {
            self.process_directives()?;
            let (t, at, _) = self.scanner.peek()?;
            if t != Tok::DocumentStart {
                return Err(parser_error(None, at, "did not find expected <document start>"));
            }
            self.states.push(State::DocumentEnd);
            self.state = State::DocumentContent;
            self.scanner.take();
            Ok(event(Ev::DocumentStart, start))
        } else {
            self.state = State::End;
            self.scanner.take();
            Ok(event(Ev::StreamEnd, start))
        }
    }

    /// `%YAML` and `%TAG` lines before a document, then the default tag handles.
    fn process_directives(&mut self) -> R<()> {
        let mut version = false;
        loop {
            let (t, start, _) = self.scanner.peek()?;
            match t {
                Tok::VersionDirective => {
                    if version {
                        return Err(parser_error(None, start, "found duplicate %YAML directive"));
                    }
                    if self.scanner.take().value != "1.1" {
                        return Err(parser_error(None, start, "found incompatible YAML document"));
                    }
                    version = true;
                }
                Tok::TagDirective => {
                    let tok = self.scanner.take();
                    if self.tag_directives.iter().any(|(h, _)| *h == tok.value) {
                        return Err(parser_error(None, start, "found duplicate %TAG directive"));
                    }
                    self.tag_directives.push((tok.value, tok.suffix));
                }
                _ => break,
            }
        }
        for (handle, prefix) in [("!", "!"), ("!!", "tag:yaml.org,2002:")] {
            if !self.tag_directives.iter().any(|(h, _)| h == handle) {
                self.tag_directives.push((handle.into(), prefix.into()));
            }
        }
        Ok(())
    }

    /// A node: an alias, a scalar or the start of a collection, with its anchor and tag.
    fn node(&mut self, block: bool, indentless_sequence: bool) -> R<Event> {
        let (mut t, mut start, _) = self.scanner.peek()?;
        if t == Tok::Alias {
            self.pop_state();
            let tok = self.scanner.take();
            return Ok(Event { anchor: Some(tok.value), ..event(Ev::Alias, start) });
        }
        let (mut anchor, mut tag_token, mut tag_mark) = (None, None, start);
        let node_start = start;
        for _ in 0..2 {
            if t == Tok::Anchor && anchor.is_none() {
                anchor = Some(self.scanner.take().value);
            } else if t == Tok::Tag && tag_token.is_none() {
                tag_mark = start;
                let tok = self.scanner.take();
                tag_token = Some((tok.value, tok.suffix));
            } else {
                break;
            }
            (t, start, _) = self.scanner.peek()?;
        }
        let mut tag = String::new();
        if let Some((handle, suffix)) = tag_token {
            if handle.is_empty() {
                tag = suffix;
            } else {
                let Some((_, prefix)) = self.tag_directives.iter().find(|(h, _)| *h == handle) else {
                    return Err(parser_error(Some(node_start), tag_mark, "found undefined tag handle"));
                };
                tag = format!("{prefix}{suffix}");
            }
        }
        let implicit = tag.is_empty();
        let collection = |kind| Event { anchor: anchor.clone(), tag: tag.clone(), implicit, ..event(kind, node_start) };
        let next = match t {
            Tok::BlockEntry if indentless_sequence => State::IndentlessSequenceEntry,
            Tok::Scalar => {
                let tok = self.scanner.take();
                self.pop_state();
                let implicit = (implicit && tok.style == Style::Plain) || tag == "!";
                return Ok(Event { anchor, tag, value: tok.value, implicit, ..event(Ev::Scalar, node_start) });
            }
            Tok::FlowSequenceStart => State::FlowSequenceFirstEntry,
            Tok::FlowMappingStart => State::FlowMappingFirstKey,
            Tok::BlockSequenceStart if block => State::BlockSequenceFirstEntry,
            Tok::BlockMappingStart if block => State::BlockMappingFirstKey,
            _ if anchor.is_some() || !tag.is_empty() => {
                self.pop_state();
                return Ok(Event { anchor, tag, implicit, ..event(Ev::Scalar, node_start) });
            }
            _ => return Err(parser_error(Some(node_start), start, "did not find expected node content")),
        };
        self.state = next;
        let mapping = matches!(next, State::FlowMappingFirstKey | State::BlockMappingFirstKey);
        Ok(collection(if mapping { Ev::MappingStart } else { Ev::SequenceStart }))
    }

    fn block_sequence_entry(&mut self, first: bool) -> R<Event> {
        if first {
            self.first()?;
        }
        let (t, start, end) = self.scanner.peek()?;
        match t {
            Tok::BlockEntry => {
                self.scanner.take();
                let (t, _, _) = self.scanner.peek()?;
                if t != Tok::BlockEntry && t != Tok::BlockEnd {
                    self.states.push(State::BlockSequenceEntry);
                    return self.node(true, false);
                }
                self.state = State::BlockSequenceEntry;
                Ok(empty_scalar(end))
            }
            Tok::BlockEnd => Ok(self.end(Ev::SequenceEnd, start)),
            _ => Err(parser_error(self.marks.pop(), start, "did not find expected '-' indicator")),
        }
    }

    fn indentless_sequence_entry(&mut self) -> R<Event> {
        let (t, start, end) = self.scanner.peek()?;
        if t != Tok::BlockEntry {
            self.pop_state();
            return Ok(event(Ev::SequenceEnd, start));
        }
        self.scanner.take();
        let (t, _, _) = self.scanner.peek()?;
        if !matches!(t, Tok::BlockEntry | Tok::Key | Tok::Value | Tok::BlockEnd) {
            self.states.push(State::IndentlessSequenceEntry);
            return self.node(true, false);
        }
        self.state = State::IndentlessSequenceEntry;
        Ok(empty_scalar(end))
    }

    fn block_mapping_key(&mut self, first: bool) -> R<Event> {
        if first {
            self.first()?;
        }
        let (t, start, end) = self.scanner.peek()?;
        match t {
            Tok::Key => {
                self.scanner.take();
                let (t, _, _) = self.scanner.peek()?;
                if !matches!(t, Tok::Key | Tok::Value | Tok::BlockEnd) {
                    self.states.push(State::BlockMappingValue);
                    return self.node(true, true);
                }
                self.state = State::BlockMappingValue;
                Ok(empty_scalar(end))
            }
            Tok::BlockEnd => Ok(self.end(Ev::MappingEnd, start)),
            _ => Err(parser_error(self.marks.pop(), start, "did not find expected key")),
        }
    }

    fn block_mapping_value(&mut self) -> R<Event> {
        let (t, start, end) = self.scanner.peek()?;
        self.state = State::BlockMappingKey;
        if t != Tok::Value {
            return Ok(empty_scalar(start));
        }
        self.scanner.take();
        let (t, _, _) = self.scanner.peek()?;
        if !matches!(t, Tok::Key | Tok::Value | Tok::BlockEnd) {
            self.states.push(State::BlockMappingKey);
            return self.node(true, true);
        }
        Ok(empty_scalar(end))
    }

    fn flow_sequence_entry(&mut self, first: bool) -> R<Event> {
        if first {
            self.first()?;
        }
        let (mut t, mut start, _) = self.scanner.peek()?;
        if t != Tok::FlowSequenceEnd {
            if !first {
                if t != Tok::FlowEntry {
                    return Err(parser_error(self.marks.pop(), start, "did not find expected ',' or ']'"));
                }
                self.scanner.take();
                (t, start, _) = self.scanner.peek()?;
            }
            if t == Tok::Key {
                self.state = State::FlowSequenceEntryMappingKey;
                self.scanner.take();
                return Ok(Event { implicit: true, ..event(Ev::MappingStart, start) });
            }
            if t != Tok::FlowSequenceEnd {
                self.states.push(State::FlowSequenceEntry);
                return self.node(false, false);
            }
        }
        Ok(self.end(Ev::SequenceEnd, start))
    }

    fn flow_mapping_key(&mut self, first: bool) -> R<Event> {
        if first {
            self.first()?;
        }
        let (mut t, mut start, _) = self.scanner.peek()?;
        if t != Tok::FlowMappingEnd {
            if !first {
                if t != Tok::FlowEntry {
                    return Err(parser_error(self.marks.pop(), start, "did not find expected ',' or '}'"));
                }
                self.scanner.take();
                (t, start, _) = self.scanner.peek()?;
            }
            if t == Tok::Key {
                self.scanner.take();
                let (t, start, _) = self.scanner.peek()?;
                if !matches!(t, Tok::Value | Tok::FlowEntry | Tok::FlowMappingEnd) {
                    self.states.push(State::FlowMappingValue);
                    return self.node(false, false);
                }
                self.state = State::FlowMappingValue;
                return Ok(empty_scalar(start));
            }
            if t != Tok::FlowMappingEnd {
                self.states.push(State::FlowMappingEmptyValue);
                return self.node(false, false);
            }
        }
        Ok(self.end(Ev::MappingEnd, start))
    }

    fn flow_mapping_value(&mut self, empty: bool) -> R<Event> {
        let (t, mut start, _) = self.scanner.peek()?;
        self.state = State::FlowMappingKey;
        if !empty && t == Tok::Value {
            self.scanner.take();
            let (t, at, _) = self.scanner.peek()?;
            if t != Tok::FlowEntry && t != Tok::FlowMappingEnd {
                self.states.push(State::FlowMappingKey);
                return self.node(false, false);
            }
            start = at;
        }
        Ok(empty_scalar(start))
    }
}
