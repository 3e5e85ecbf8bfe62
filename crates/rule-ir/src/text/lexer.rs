//! Tokens of the IR text form, each with its byte range. Lexing never fails: a character
//! that starts no token becomes an `Unknown` token, which the parser reports.

use std::ops::Range;

/// One token.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    /// A name or keyword; `quoted` when written in backticks (then never a keyword).
    Ident { name: String, quoted: bool },
    /// A number as written (`12.50`, `-3`), with `d` marking a decimal without fraction.
    Number { text: String, decimal_mark: bool },
    /// A string, decoded.
    Str(String),
    /// A typed string: `d"..."`, `dt"..."`, `dur"..."`, `wk"..."`.
    Typed { prefix: String, text: String },
    /// Punctuation or an operator.
    Punct(&'static str),
    /// A character that starts no token, or an unterminated string.
    Unknown(String),
}

/// Splits `text` into tokens, skipping whitespace and `//` comments.
pub(crate) fn lex(text: &str) -> Vec<(Token, Range<usize>)> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let c = bytes[at];
        if c.is_ascii_whitespace() {
            at += 1;
            continue;
        }
        if text[at..].starts_with("//") {
            at = text[at..].find('\n').map_or(bytes.len(), |n| at + n);
            continue;
        }
        let start = at;
        let token = if c.is_ascii_alphabetic() || c == b'_' {
            while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
                at += 1;
            }
            let word = &text[start..at];
            if at < bytes.len() && bytes[at] == b'"' && matches!(word, "d" | "dt" | "dur" | "wk") {
                match string(text, at) {
                    Ok((value, end)) => {
                        at = end;
                        Token::Typed {
                            prefix: word.into(),
                            text: value,
                        }
                    }
                    Err(end) => {
                        at = end;
                        Token::Unknown(text[start..end].into())
                    }
                }
            } else {
                Token::Ident {
                    name: word.into(),
                    quoted: false,
                }
            }
        } else if c == b'`' {
            let mut name = String::new();
            at += 1;
            loop {
                match text[at..].find('`') {
                    None => {
                        at = bytes.len();
                        break Token::Unknown(text[start..].into());
                    }
                    Some(n) => {
                        name.push_str(&text[at..at + n]);
                        at += n + 1;
                        if bytes.get(at) == Some(&b'`') {
                            name.push('`');
                            at += 1;
                        } else {
                            break Token::Ident { name, quoted: true };
                        }
                    }
                }
            }
        } else if c.is_ascii_digit()
            || (c == b'-' && bytes.get(at + 1).is_some_and(u8::is_ascii_digit))
        {
            at += 1;
            while at < bytes.len() && (bytes[at].is_ascii_digit() || bytes[at] == b'.') {
                at += 1;
            }
            let number = text[start..at].to_string();
            let decimal_mark = bytes.get(at) == Some(&b'd')
                && !bytes.get(at + 1).is_some_and(|b| b.is_ascii_alphanumeric());
            if decimal_mark {
                at += 1;
            }
            Token::Number {
                text: number,
                decimal_mark,
            }
        } else if c == b'"' {
            match string(text, at) {
                Ok((value, end)) => {
                    at = end;
                    Token::Str(value)
                }
                Err(end) => {
                    at = end;
                    Token::Unknown(text[start..end].into())
                }
            }
        } else {
            const PUNCT: &[&str] = &[
                "->", "==", "!=", "<=", ">=", "{", "}", "(", ")", "[", "]", ",", ":", ".", "=",
                "+", "-", "*", "/", "%", "<", ">",
            ];
            match PUNCT.iter().find(|p| text[at..].starts_with(**p)) {
                Some(p) => {
                    at += p.len();
                    Token::Punct(p)
                }
                None => {
                    let width = text[at..].chars().next().map_or(1, char::len_utf8);
                    at += width;
                    Token::Unknown(text[start..at].into())
                }
            }
        };
        tokens.push((token, start..at));
    }
    tokens
}

/// Reads a double-quoted string with JSON escapes starting at `start`; `Err(end)` when it
/// is unterminated or has a bad escape.
fn string(text: &str, start: usize) -> Result<(String, usize), usize> {
    let mut out = String::new();
    let mut chars = text[start + 1..].char_indices();
    while let Some((offset, c)) = chars.next() {
        match c {
            '"' => return Ok((out, start + 1 + offset + 1)),
            '\\' => match chars.next().map(|(_, e)| e) {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('/') => out.push('/'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).map(|(_, h)| h).collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(decoded) => out.push(decoded),
                        None => return Err(start + 1 + offset + 2 + hex.len()),
                    }
                }
                _ => return Err(start + 1 + offset + 1),
            },
            '\n' => return Err(start + 1 + offset),
            c => out.push(c),
        }
    }
    Err(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Token> {
        lex(text).into_iter().map(|(token, _)| token).collect()
    }

    #[test]
    fn tokens_of_every_kind() {
        assert_eq!(
            kinds(r#"rule r0 "a\"b" `weird name` -12.50 40d 3 d"2025-01-06" (x >= -1) // note"#),
            vec![
                Token::Ident {
                    name: "rule".into(),
                    quoted: false
                },
                Token::Ident {
                    name: "r0".into(),
                    quoted: false
                },
                Token::Str("a\"b".into()),
                Token::Ident {
                    name: "weird name".into(),
                    quoted: true
                },
                Token::Number {
                    text: "-12.50".into(),
                    decimal_mark: false
                },
                Token::Number {
                    text: "40".into(),
                    decimal_mark: true
                },
                Token::Number {
                    text: "3".into(),
                    decimal_mark: false
                },
                Token::Typed {
                    prefix: "d".into(),
                    text: "2025-01-06".into()
                },
                Token::Punct("("),
                Token::Ident {
                    name: "x".into(),
                    quoted: false
                },
                Token::Punct(">="),
                Token::Number {
                    text: "-1".into(),
                    decimal_mark: false
                },
                Token::Punct(")"),
            ]
        );
    }

    #[test]
    fn bad_input_becomes_unknown_tokens() {
        assert!(matches!(kinds("\"open").as_slice(), [Token::Unknown(_)]));
        assert!(matches!(kinds("§").as_slice(), [Token::Unknown(_)]));
        assert!(matches!(kinds("`open").as_slice(), [Token::Unknown(_)]));
    }
}
