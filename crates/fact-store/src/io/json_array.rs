//! The JSON-array reader: `[ {fact}, {fact}, ... ]`, streamed. The buffer holds only the
//! element being read (up to the size limit), however long the array is; an element cut
//! by the end of the buffer is read again once more input has arrived.

use std::io::Read;

use super::error::InputErrorKind;
use super::json::{JsonError, Problem, Scanner};
use super::load::{Loader, ReadError, ReadOptions, ReadReport, column_of};
use crate::store::FactStore;

/// Reads a JSON array of facts from `input` into `store`.
///
/// A syntax error in the array ends the read whatever the error policy, since no later
/// element can be found reliably; errors inside well-formed facts follow the policy.
pub fn read_json_array<S: FactStore + ?Sized>(
    input: impl Read,
    store: &mut S,
    options: &ReadOptions,
) -> Result<ReadReport, ReadError> {
    let mut loader = Loader::new(store, options);
    let mut stream = Stream {
        input,
        buf: Vec::new(),
        start: 0,
        line: 1,
        column: 0,
        eof: false,
    };
    if let Err(kind) = read_elements(&mut stream, &mut loader) {
        let (line, column) = match &kind {
            Failure::At(offset, _) => stream.locate(*offset),
            Failure::Io(_) => (stream.line, 1),
        };
        let kind = match kind {
            Failure::At(_, kind) => kind,
            Failure::Io(message) => InputErrorKind::Io(message),
        };
        let _ = loader.error(loader.at(line, Some(column), kind));
    }
    loader.finish()
}

enum Failure {
    /// A problem at a byte offset in the current text.
    At(usize, InputErrorKind),
    Io(String),
}

#[derive(Clone, Copy)]
enum State {
    Open,
    First,
    Item,
    AfterItem,
    Closed,
}

fn read_elements<R: Read, S: FactStore + ?Sized>(
    stream: &mut Stream<R>,
    loader: &mut Loader<'_, S>,
) -> Result<(), Failure> {
    let limit = loader.options.max_value_bytes;
    let mut state = State::Open;
    loop {
        let text = stream.text()?;
        let mut scanner = Scanner::new(text);
        let next = scanner.peek();
        let at = scanner.pos();
        if next.is_none() && !stream.eof {
            stream.refill(at, limit)?;
            continue;
        }
        let syntax = |offset, problem| {
            Failure::At(
                offset,
                InputErrorKind::Syntax(format!("invalid JSON: {}", JsonError { offset, problem })),
            )
        };
        let unexpected = |what| {
            syntax(
                at,
                if next.is_none() {
                    Problem::Eof
                } else {
                    Problem::Expected(what)
                },
            )
        };
        // Each arm says how many bytes of `text` it has read and which state comes next.
        let (read, next_state) = match (state, next) {
            (State::Open, Some(b'[')) => (at + 1, State::First),
            (State::Open, _) => return Err(unexpected("`[` to open an array of facts")),
            (State::First, Some(b']')) => (at + 1, State::Closed),
            (State::First | State::Item, _) => match loader.scan(text, at) {
                Ok(token) => {
                    let flow =
                        loader.json_fact(text, &token, |offset| stream.locate_in(text, offset));
                    if flow.is_break() {
                        return Ok(());
                    }
                    (token.end, State::AfterItem)
                }
                Err(JsonError {
                    problem: Problem::Eof,
                    ..
                }) if !stream.eof => {
                    stream.refill(at, limit)?;
                    continue;
                }
                Err(error) => return Err(syntax(error.offset, error.problem)),
            },
            (State::AfterItem, Some(b',')) => (at + 1, State::Item),
            (State::AfterItem, Some(b']')) => (at + 1, State::Closed),
            (State::AfterItem, _) => return Err(unexpected("`,` or `]` after a fact")),
            (State::Closed, None) => return Ok(()),
            (State::Closed, Some(_)) => return Err(syntax(at, Problem::Trailing)),
        };
        stream.consume(read);
        state = next_state;
    }
}

/// The unread part of the input, with the place in the file where it starts.
struct Stream<R> {
    input: R,
    buf: Vec<u8>,
    start: usize,
    /// The line of `buf[start]`, from 1.
    line: u64,
    /// The characters before `buf[start]` on its line.
    column: u32,
    eof: bool,
}

impl<R: Read> Stream<R> {
    /// The unread text up to the last complete character.
    fn text(&self) -> Result<&str, Failure> {
        let unread = &self.buf[self.start..];
        match std::str::from_utf8(unread) {
            Ok(text) => Ok(text),
            Err(error) if error.error_len().is_none() && !self.eof => {
                Ok(std::str::from_utf8(&unread[..error.valid_up_to()]).unwrap_or_default())
            }
            Err(error) => Err(Failure::At(error.valid_up_to(), InputErrorKind::NotUtf8)),
        }
    }

    /// Marks `count` bytes of the unread text as read.
    fn consume(&mut self, count: usize) {
        let consumed = &self.buf[self.start..self.start + count];
        let on_last_line = match memchr::memrchr(b'\n', consumed) {
            Some(newline) => {
                self.line += memchr::memchr_iter(b'\n', consumed).count() as u64;
                self.column = 0;
                &consumed[newline + 1..]
            }
            None => consumed,
        };
        // Consumed bytes always end on a character boundary: they are scanned text.
        let chars = std::str::from_utf8(on_last_line)
            .map_or(on_last_line.len(), |text| text.chars().count());
        self.column = self
            .column
            .saturating_add(u32::try_from(chars).unwrap_or(u32::MAX));
        self.start += count;
    }

    /// Consumes `count` bytes, then reads more input after what is left.
    fn refill(&mut self, count: usize, limit: usize) -> Result<(), Failure> {
        self.consume(count);
        self.buf.drain(..self.start);
        self.start = 0;
        if self.buf.len() > limit {
            return Err(Failure::At(0, InputErrorKind::TooLong { limit }));
        }
        let want = (64 << 10).max(self.buf.len());
        let old_len = self.buf.len();
        self.buf.resize(old_len + want, 0);
        let read = loop {
            match self.input.read(&mut self.buf[old_len..]) {
                Ok(read) => break read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    self.buf.truncate(old_len);
                    return Err(Failure::Io(error.to_string()));
                }
            }
        };
        self.buf.truncate(old_len + read);
        self.eof = read == 0;
        Ok(())
    }

    fn locate(&self, offset: usize) -> (u64, u32) {
        let text = std::str::from_utf8(&self.buf[self.start..]).unwrap_or_else(|e| {
            std::str::from_utf8(&self.buf[self.start..self.start + e.valid_up_to()])
                .unwrap_or_default()
        });
        self.locate_in(text, offset)
    }

    fn locate_in(&self, text: &str, offset: usize) -> (u64, u32) {
        let before = &text[..offset.min(text.len())];
        let newlines = memchr::memchr_iter(b'\n', before.as_bytes()).count();
        match memchr::memrchr(b'\n', before.as_bytes()) {
            Some(newline) => (
                self.line + newlines as u64,
                column_of(&text[newline + 1..], offset - newline - 1),
            ),
            None => (
                self.line,
                self.column.saturating_add(column_of(text, offset)),
            ),
        }
    }
}
