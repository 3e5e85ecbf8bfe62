//! The NDJSON reader: one JSON object per line, each naming its fact type in `"type"`.
//! Lines stream through a bounded buffer, so memory does not grow with the input; blank
//! lines are skipped and a trailing `\r` is ignored.

use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;

use super::error::InputErrorKind;
use super::json::Scanner;
use super::load::{Loader, ReadError, ReadOptions, ReadReport, column_of};
use crate::store::FactStore;

/// Reads NDJSON facts from `input` into `store`.
///
/// With [`OnError::Stop`](super::OnError::Stop) the read ends at the first bad line, with
/// [`OnError::Collect`](super::OnError::Collect) every bad line is reported; either way
/// the good facts before (and, when collecting, after) a bad line are in the store.
pub fn read_ndjson<S: FactStore + ?Sized>(
    input: impl Read,
    store: &mut S,
    options: &ReadOptions,
) -> Result<ReadReport, ReadError> {
    let mut loader = Loader::new(store, options);
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut line = Vec::new();
    let mut line_number = 0u64;
    loop {
        line_number += 1;
        let read = match next_line(&mut reader, &mut line, options.max_value_bytes) {
            Ok(read) => read,
            Err(error) => {
                let _ = loader.error(loader.at(
                    line_number,
                    None,
                    InputErrorKind::Io(error.to_string()),
                ));
                break;
            }
        };
        let flow = match read {
            Line::End => break,
            Line::TooLong => loader.error(loader.at(
                line_number,
                None,
                InputErrorKind::TooLong {
                    limit: options.max_value_bytes,
                },
            )),
            Line::Complete => read_line(&mut loader, &line, line_number),
        };
        if flow.is_break() {
            break;
        }
    }
    loader.finish()
}

fn read_line<S: FactStore + ?Sized>(
    loader: &mut Loader<'_, S>,
    bytes: &[u8],
    line_number: u64,
) -> ControlFlow<()> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default();
            let column = column_of(valid, valid.len());
            return loader.error(loader.at(line_number, Some(column), InputErrorKind::NotUtf8));
        }
    };
    let mut scanner = Scanner::new(text);
    if scanner.peek().is_none() {
        return ControlFlow::Continue(());
    }
    let start = scanner.pos();
    let token = match loader
        .scan(text, start)
        .and_then(|token| Scanner::at(text, token.end).finish().map(|()| token))
    {
        Ok(token) => token,
        Err(error) => {
            let kind = InputErrorKind::Syntax(format!("invalid JSON: {error}"));
            return loader.error(loader.at(line_number, Some(column_of(text, error.offset)), kind));
        }
    };
    loader.json_fact(text, &token, |offset| {
        (line_number, column_of(text, offset))
    })
}

enum Line {
    Complete,
    TooLong,
    End,
}

/// Reads the next line (without its `\n`) into `line`, holding at most `limit` bytes of it.
fn next_line(reader: &mut impl BufRead, line: &mut Vec<u8>, limit: usize) -> std::io::Result<Line> {
    line.clear();
    let mut too_long = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            return Ok(match (too_long, line.is_empty()) {
                (true, _) => Line::TooLong,
                (false, true) => Line::End,
                (false, false) => Line::Complete,
            });
        }
        let (chunk, found_newline) = match memchr::memchr(b'\n', available) {
            Some(at) => (&available[..at], true),
            None => (available, false),
        };
        if !too_long && line.len() + chunk.len() <= limit {
            line.extend_from_slice(chunk);
        } else {
            too_long = true;
            line.clear();
        }
        let used = chunk.len() + usize::from(found_newline);
        reader.consume(used);
        if found_newline {
            return Ok(if too_long {
                Line::TooLong
            } else {
                Line::Complete
            });
        }
    }
}
