//! The document as a tree of byte spans: every value with its range in the text, object
//! members in the order they are written, strings decoded and numbers left as their exact
//! text. The scanner checks the syntax as strictly as `serde_json`, which is asked what is
//! wrong only when something is (its error's line and column become a byte offset).

use std::ops::Range;

/// One value of the document and where it is.
#[derive(Debug)]
pub(crate) struct Node {
    /// The bytes of the value, quotes and brackets included.
    pub(crate) span: Range<usize>,
    /// What it is.
    pub(crate) kind: Kind,
}

/// What a value is.
#[derive(Debug)]
pub(crate) enum Kind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number; its text is the span's text.
    Number,
    /// A string, decoded.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object's members, in document order (duplicates kept).
    Object(Vec<Member>),
}

/// One `"key": value` of an object.
#[derive(Debug)]
pub(crate) struct Member {
    /// The key, decoded.
    pub(crate) key: String,
    /// The key's bytes, quotes included.
    pub(crate) key_span: Range<usize>,
    /// The value.
    pub(crate) value: Node,
}

/// Text that is not JSON: the parser's message and the byte offset it points at.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    /// What is wrong, without the position.
    pub(crate) message: String,
    /// Where.
    pub(crate) offset: usize,
}

impl Node {
    /// The members, when this is an object.
    pub(crate) fn members(&self) -> Option<&[Member]> {
        match &self.kind {
            Kind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The member with this key (the first, should the key appear twice).
    pub(crate) fn get(&self, key: &str) -> Option<&Member> {
        self.members()?.iter().find(|member| member.key == key)
    }

    /// The decoded text, when this is a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(text) => Some(text),
            _ => None,
        }
    }

    /// What kind of value this is, for messages.
    pub(crate) fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

impl Member {
    /// From the key to the end of the value.
    pub(crate) fn span(&self) -> Range<usize> {
        self.key_span.start..self.value.span.end
    }
}

/// Reads the document's structure, or says where its syntax is wrong.
pub(crate) fn index(text: &str) -> Result<Node, SyntaxError> {
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    scanner.skip_space();
    let root = scanner.value();
    let root = root.and_then(|root| {
        if scanner.pos < scanner.bytes.len() {
            return Err(scanner.pos);
        }
        Ok(root)
    });
    // On text that is not JSON, `serde_json` says what is wrong (and where) in its words.
    root.map_err(
        |offset| match serde_json::from_str::<serde_json::Value>(text) {
            Err(error) => syntax_error(text, &error),
            Ok(_) => SyntaxError {
                message: "unexpected text".to_string(),
                offset: char_floor(text, offset),
            },
        },
    )
}

/// The message and byte offset of a `serde_json` error (line from 1, column from 1 in
/// bytes; 0 at the start of a line).
fn syntax_error(text: &str, error: &serde_json::Error) -> SyntaxError {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(error.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let offset = line_start + error.column().saturating_sub(1);
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    };
    SyntaxError {
        message,
        offset: char_floor(text, offset),
    }
}

/// `offset`, within the text and moved back to a character boundary.
fn char_floor(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Nesting deeper than this is refused, as `serde_json` refuses it (its recursion limit of
/// 128 counts one more); it bounds the scanner's recursion and every walk of the tree.
const MAX_DEPTH: usize = 127;

/// A strict RFC 8259 scanner. Its errors are byte offsets only: the message comes from
/// `serde_json`, which reads the same grammar.
struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

type Scanned<T> = Result<T, usize>;

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Scanned<()> {
        if self.peek() != Some(byte) {
            return Err(self.pos);
        }
        self.pos += 1;
        self.skip_space();
        Ok(())
    }

    /// The value at the current position, and the space after it.
    fn value(&mut self) -> Scanned<Node> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => {
                self.nest()?;
                let mut members = Vec::new();
                if self.peek() != Some(b'}') {
                    loop {
                        let key_start = self.pos;
                        if self.peek() != Some(b'"') {
                            return Err(self.pos);
                        }
                        let key = self.string()?;
                        let key_span = key_start..self.pos;
                        self.skip_space();
                        self.expect(b':')?;
                        let value = self.value()?;
                        members.push(Member {
                            key,
                            key_span,
                            value,
                        });
                        if self.peek() != Some(b',') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                self.unnest(b'}')?;
                Kind::Object(members)
            }
            Some(b'[') => {
                self.nest()?;
                let mut items = Vec::new();
                if self.peek() != Some(b']') {
                    loop {
                        items.push(self.value()?);
                        if self.peek() != Some(b',') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                self.unnest(b']')?;
                Kind::Array(items)
            }
            Some(b'"') => Kind::String(self.string()?),
            Some(b't') => self.word("true", Kind::Bool(true))?,
            Some(b'f') => self.word("false", Kind::Bool(false))?,
            Some(b'n') => self.word("null", Kind::Null)?,
            _ => {
                self.number()?;
                Kind::Number
            }
        };
        let node = Node {
            span: start..self.pos,
            kind,
        };
        self.skip_space();
        Ok(node)
    }

    /// Past an opening bracket, one level deeper.
    fn nest(&mut self) -> Scanned<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.pos);
        }
        self.depth += 1;
        self.pos += 1;
        self.skip_space();
        Ok(())
    }

    /// Past the closing bracket (not the space after it), one level up.
    fn unnest(&mut self, close: u8) -> Scanned<()> {
        if self.peek() != Some(close) {
            return Err(self.pos);
        }
        self.depth -= 1;
        self.pos += 1;
        Ok(())
    }

    fn word(&mut self, word: &str, kind: Kind) -> Scanned<Kind> {
        if !self.bytes[self.pos..].starts_with(word.as_bytes()) {
            return Err(self.pos);
        }
        self.pos += word.len();
        Ok(kind)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Scanned<()> {
        let digits = |scanner: &mut Self| {
            let start = scanner.pos;
            while matches!(scanner.peek(), Some(b'0'..=b'9')) {
                scanner.pos += 1;
            }
            if scanner.pos == start {
                Err(scanner.pos)
            } else {
                Ok(())
            }
        };
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else {
            digits(self)?;
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            digits(self)?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            digits(self)?;
        }
        Ok(())
    }

    /// A string token, decoded (escapes by `serde_json`).
    fn string(&mut self) -> Scanned<String> {
        let start = self.pos;
        self.pos += 1;
        let mut has_escape = false;
        loop {
            match self.peek() {
                None => return Err(self.pos),
                Some(b'"') => break,
                Some(b'\\') => {
                    has_escape = true;
                    match self.bytes.get(self.pos + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 2;
                        }
                        Some(b'u')
                            if self.bytes.len() >= self.pos + 6
                                && self.bytes[self.pos + 2..self.pos + 6]
                                    .iter()
                                    .all(u8::is_ascii_hexdigit) =>
                        {
                            self.pos += 6;
                        }
                        _ => return Err(self.pos),
                    }
                }
                Some(byte) if byte < 0x20 => return Err(self.pos),
                Some(_) => self.pos += 1,
            }
        }
        self.pos += 1;
        let raw = &self.text[start..self.pos];
        if has_escape {
            // A lone surrogate (`"\ud800"`) is the one escape this does not decode.
            serde_json::from_str(raw).map_err(|_| start)
        } else {
            Ok(raw[1..raw.len() - 1].to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_keep_order_exact_numbers_and_decoded_strings() {
        let text = r#" {"b": [12.50, -3], "a": "x\"y", "c": {"d": null}} "#;
        let root = index(text).unwrap();
        let members = root.members().unwrap();
        let keys: Vec<&str> = members.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["b", "a", "c"]);
        let Kind::Array(items) = &members[0].value.kind else {
            panic!("an array")
        };
        assert_eq!(&text[items[0].span.clone()], "12.50");
        assert_eq!(&text[items[1].span.clone()], "-3");
        assert_eq!(members[1].value.as_str(), Some("x\"y"));
        assert_eq!(&text[members[2].value.span.clone()], r#"{"d": null}"#);
        assert_eq!(&text[root.span.clone()], text.trim());
    }

    const SAMPLE: &str =
        r#"{"a": [1, -0.5e+3, true, false, null], "b\u00e9\n": {"c": "d\\"}, "e": []}"#;

    proptest::proptest! {
        /// The scanner accepts exactly what `serde_json` accepts.
        #[test]
        fn accepts_what_serde_json_accepts(
            at in 0..SAMPLE.len(),
            cut in 0..4usize,
            insert in "[ -~]{0,3}|\\\\u[0-9a-fA-F]{0,4}|\u{e9}",
        ) {
            let end = (at + cut).min(SAMPLE.len());
            let mut bytes = SAMPLE.as_bytes().to_vec();
            bytes.splice(at..end, insert.bytes());
            let text = String::from_utf8_lossy(&bytes);
            let serde = serde_json::from_str::<serde_json::Value>(&text).is_ok();
            proptest::prop_assert_eq!(index(&text).is_ok(), serde, "{}", text);
        }
    }

    #[test]
    fn nesting_is_bounded_as_serde_json_bounds_it() {
        for depth in [127, 128, 129, 10_000] {
            let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let serde = serde_json::from_str::<serde_json::Value>(&text).is_ok();
            assert_eq!(index(&text).is_ok(), serde, "{depth}");
        }
        assert!(index(r#""\ud800""#).is_err());
    }

    #[test]
    fn syntax_errors_point_at_the_byte() {
        let text = "{\n  \"a\": 1\n  \"b\": 2\n}";
        let error = index(text).unwrap_err();
        assert_eq!(error.message, "expected `,` or `}`");
        assert_eq!(&text[error.offset..error.offset + 3], "\"b\"");
        let error = index("").unwrap_err();
        assert_eq!(error.offset, 0);
    }
}
