//! A strict JSON scanner (RFC 8259) over UTF-8 text that records where each value lies
//! instead of building a tree. Readers look values up by span and convert them straight
//! into typed cells, so numbers keep their exact text (no float in between), undeclared
//! fields keep their exact JSON, and every error has a byte offset.

use std::borrow::Cow;
use std::fmt;

/// Containers nested deeper than this are refused, so hostile input cannot exhaust the stack.
pub(crate) const MAX_DEPTH: u32 = 64;

/// What a scanned value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    True,
    False,
    Number { integer: bool },
    String { escaped: bool },
    Object,
    Array,
}

/// One scanned value: its kind and its span in the source (strings include their quotes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// One member of an object: the key (a string token) and the value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Member {
    pub(crate) key: Token,
    pub(crate) value: Token,
}

/// Invalid JSON at a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    pub(crate) offset: usize,
    pub(crate) problem: Problem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The input ended inside a value.
    Eof,
    ExpectedValue,
    Expected(&'static str),
    BadNumber,
    BadEscape,
    LoneSurrogate,
    ControlCharacter,
    TooDeep,
    Trailing,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            Problem::Eof => f.write_str("the JSON ends in the middle of a value"),
            Problem::ExpectedValue => f.write_str("expected a JSON value"),
            Problem::Expected(what) => write!(f, "expected {what}"),
            Problem::BadNumber => {
                f.write_str("invalid number (JSON numbers look like -12, 0.5 or 1e3)")
            }
            Problem::BadEscape => f.write_str(
                "invalid escape in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
            ),
            Problem::LoneSurrogate => f.write_str("a \\u escape names half of a surrogate pair"),
            Problem::ControlCharacter => f.write_str(
                "a control character inside a string must be escaped (as \\n, \\t or \\u00XX)",
            ),
            Problem::TooDeep => write!(f, "values nested deeper than {MAX_DEPTH} levels"),
            Problem::Trailing => f.write_str("unexpected text after the JSON value"),
        }
    }
}

impl Token {
    /// The value's exact JSON text.
    pub(crate) fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }

    /// The decoded contents of a string token.
    pub(crate) fn string<'a>(&self, src: &'a str) -> Cow<'a, str> {
        let inner = &src[self.start + 1..self.end - 1];
        match self.kind {
            Kind::String { escaped: false } => Cow::Borrowed(inner),
            _ => Cow::Owned(unescape(inner)),
        }
    }
}

/// Reads JSON values from `src`, starting at a position.
pub(crate) struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(src: &'a str) -> Scanner<'a> {
        Scanner::at(src, 0)
    }

    pub(crate) fn at(src: &'a str, pos: usize) -> Scanner<'a> {
        Scanner {
            bytes: src.as_bytes(),
            pos,
        }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Skips whitespace; returns the next byte without taking it.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        while let Some(&byte) = self.bytes.get(self.pos) {
            if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(byte);
            }
            self.pos += 1;
        }
        None
    }

    /// Takes `byte` (after whitespace) or fails, naming what was expected.
    pub(crate) fn expect(&mut self, byte: u8, what: &'static str) -> Result<(), JsonError> {
        match self.peek() {
            Some(found) if found == byte => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.error(Problem::Expected(what))),
            None => Err(self.error(Problem::Eof)),
        }
    }

    /// Fails unless only whitespace remains.
    pub(crate) fn finish(&mut self) -> Result<(), JsonError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error(Problem::Trailing)),
        }
    }

    /// Scans one complete value, validating everything inside it.
    pub(crate) fn value(&mut self) -> Result<Token, JsonError> {
        self.value_at_depth(0)
    }

    /// Scans an object, appending its members to `members`.
    pub(crate) fn object(&mut self, members: &mut Vec<Member>) -> Result<Token, JsonError> {
        self.object_at_depth(0, Some(members))
    }

    /// Scans an array, appending its items to `items`.
    pub(crate) fn array(&mut self, items: &mut Vec<Token>) -> Result<Token, JsonError> {
        self.array_at_depth(0, Some(items))
    }

    fn error(&self, problem: Problem) -> JsonError {
        JsonError {
            offset: self.pos,
            problem,
        }
    }

    fn value_at_depth(&mut self, depth: u32) -> Result<Token, JsonError> {
        let start = match self.peek() {
            Some(_) => self.pos,
            None => return Err(self.error(Problem::Eof)),
        };
        let kind = match self.bytes[start] {
            b'{' => return self.object_at_depth(depth, None),
            b'[' => return self.array_at_depth(depth, None),
            b'"' => return self.string(),
            b'n' => self.literal("null", Kind::Null)?,
            b't' => self.literal("true", Kind::True)?,
            b'f' => self.literal("false", Kind::False)?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return Err(self.error(Problem::ExpectedValue)),
        };
        Ok(Token {
            kind,
            start,
            end: self.pos,
        })
    }

    fn literal(&mut self, word: &'static str, kind: Kind) -> Result<Kind, JsonError> {
        let rest = &self.bytes[self.pos..];
        if rest.starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(kind)
        } else if word.as_bytes().starts_with(rest) {
            self.pos = self.bytes.len();
            Err(self.error(Problem::Eof))
        } else {
            Err(self.error(Problem::ExpectedValue))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Kind, JsonError> {
        let start = self.pos;
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        let int_start = self.pos;
        match self.digits() {
            0 => return Err(self.number_error(start)),
            n if n > 1 && self.bytes[int_start] == b'0' => {
                return Err(JsonError {
                    offset: start,
                    problem: Problem::BadNumber,
                });
            }
            _ => {}
        }
        let mut integer = true;
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            integer = false;
            if self.digits() == 0 {
                return Err(self.number_error(start));
            }
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            integer = false;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.number_error(start));
            }
        }
        Ok(Kind::Number { integer })
    }

    /// A number cut short by the end of input may be completed by more input.
    fn number_error(&self, start: usize) -> JsonError {
        let problem = if self.pos == self.bytes.len() {
            Problem::Eof
        } else {
            Problem::BadNumber
        };
        JsonError {
            offset: if problem == Problem::Eof {
                self.pos
            } else {
                start
            },
            problem,
        }
    }

    fn string(&mut self) -> Result<Token, JsonError> {
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        loop {
            let Some(&byte) = self.bytes.get(self.pos) else {
                return Err(self.error(Problem::Eof));
            };
            match byte {
                b'"' => {
                    self.pos += 1;
                    return Ok(Token {
                        kind: Kind::String { escaped },
                        start,
                        end: self.pos,
                    });
                }
                b'\\' => {
                    escaped = true;
                    self.escape()?;
                }
                0x00..=0x1f => return Err(self.error(Problem::ControlCharacter)),
                _ => self.pos += 1,
            }
        }
    }

    /// Validates one escape sequence at `pos` (which holds the backslash).
    fn escape(&mut self) -> Result<(), JsonError> {
        let at = self.pos;
        match self.bytes.get(self.pos + 1) {
            None => {
                self.pos = self.bytes.len();
                Err(self.error(Problem::Eof))
            }
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.pos += 2;
                Ok(())
            }
            Some(b'u') => {
                let unit = self.hex4(at + 2)?;
                self.pos = at + 6;
                match unit {
                    0xd800..=0xdbff => {
                        if self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u") {
                            let low = self.hex4(self.pos + 2)?;
                            if (0xdc00..=0xdfff).contains(&low) {
                                self.pos += 6;
                                return Ok(());
                            }
                        } else if self.bytes.len() < self.pos + 2 {
                            self.pos = self.bytes.len();
                            return Err(self.error(Problem::Eof));
                        }
                        Err(JsonError {
                            offset: at,
                            problem: Problem::LoneSurrogate,
                        })
                    }
                    0xdc00..=0xdfff => Err(JsonError {
                        offset: at,
                        problem: Problem::LoneSurrogate,
                    }),
                    _ => Ok(()),
                }
            }
            Some(_) => Err(JsonError {
                offset: at,
                problem: Problem::BadEscape,
            }),
        }
    }

    fn hex4(&mut self, at: usize) -> Result<u32, JsonError> {
        let Some(digits) = self.bytes.get(at..at + 4) else {
            if self.bytes[at.min(self.bytes.len())..]
                .iter()
                .all(u8::is_ascii_hexdigit)
            {
                self.pos = self.bytes.len();
                return Err(self.error(Problem::Eof));
            }
            return Err(JsonError {
                offset: at.saturating_sub(2),
                problem: Problem::BadEscape,
            });
        };
        let mut unit = 0;
        for &digit in digits {
            let value = (digit as char).to_digit(16).ok_or(JsonError {
                offset: at - 2,
                problem: Problem::BadEscape,
            })?;
            unit = unit * 16 + value;
        }
        Ok(unit)
    }

    fn object_at_depth(
        &mut self,
        depth: u32,
        mut members: Option<&mut Vec<Member>>,
    ) -> Result<Token, JsonError> {
        let start = self.pos;
        self.expect(b'{', "`{`")?;
        if depth >= MAX_DEPTH {
            return Err(JsonError {
                offset: start,
                problem: Problem::TooDeep,
            });
        }
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Token {
                kind: Kind::Object,
                start,
                end: self.pos,
            });
        }
        loop {
            let key = match self.peek() {
                Some(b'"') => self.string()?,
                Some(_) => {
                    return Err(self.error(Problem::Expected("a field name in double quotes")));
                }
                None => return Err(self.error(Problem::Eof)),
            };
            self.expect(b':', "`:` after the field name")?;
            let value = self.value_at_depth(depth + 1)?;
            if let Some(members) = members.as_deref_mut() {
                members.push(Member { key, value });
            }
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Token {
                        kind: Kind::Object,
                        start,
                        end: self.pos,
                    });
                }
                Some(_) => return Err(self.error(Problem::Expected("`,` or `}`"))),
                None => return Err(self.error(Problem::Eof)),
            }
        }
    }

    fn array_at_depth(
        &mut self,
        depth: u32,
        mut items: Option<&mut Vec<Token>>,
    ) -> Result<Token, JsonError> {
        let start = self.pos;
        self.expect(b'[', "`[`")?;
        if depth >= MAX_DEPTH {
            return Err(JsonError {
                offset: start,
                problem: Problem::TooDeep,
            });
        }
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Token {
                kind: Kind::Array,
                start,
                end: self.pos,
            });
        }
        loop {
            let item = self.value_at_depth(depth + 1)?;
            if let Some(items) = items.as_deref_mut() {
                items.push(item);
            }
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Token {
                        kind: Kind::Array,
                        start,
                        end: self.pos,
                    });
                }
                Some(_) => return Err(self.error(Problem::Expected("`,` or `]`"))),
                None => return Err(self.error(Problem::Eof)),
            }
        }
    }
}

/// Decodes the escapes of a string's contents, which the scanner has already validated.
fn unescape(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let high = hex_value(&mut chars);
                let code = if (0xd800..=0xdbff).contains(&high) {
                    chars.next();
                    chars.next();
                    let low = hex_value(&mut chars);
                    0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)
                } else {
                    high
                };
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn hex_value(chars: &mut std::str::Chars<'_>) -> u32 {
    chars
        .by_ref()
        .take(4)
        .fold(0, |unit, digit| unit * 16 + digit.to_digit(16).unwrap_or(0))
}

#[cfg(test)]
mod tests;
