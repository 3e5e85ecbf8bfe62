//! The tokens of `.calc` text. Keywords are words of the language; most of them may still
//! name a field where a field name is expected (after `.`, in declarations, in emits).
//! Comments are tokens, so that the formatter can keep them.

use logos::Logos;

/// One token of `.calc` text.
#[derive(Logos, Debug, Clone, PartialEq, Eq)]
#[logos(skip r"[ \t\r\n\f]+")]
pub(crate) enum Tok {
    #[regex(r"//[^\n]*", |lex| lex.slice()[2..].to_string())]
    Comment(String),

    #[token("fact")]
    Fact,
    #[token("output")]
    Output,
    #[token("calc")]
    Calc,
    #[token("rule")]
    Rule,
    #[token("priority")]
    Priority,
    #[token("for")]
    For,
    #[token("each")]
    Each,
    #[token("with")]
    With,
    #[token("next")]
    Next,
    #[token("after")]
    After,
    #[token("by")]
    By,
    #[token("no")]
    No,
    #[token("exists")]
    Exists,
    #[token("in")]
    In,
    #[token("where")]
    Where,
    #[token("when")]
    When,
    #[token("let")]
    Let,
    #[token("group")]
    Group,
    #[token("as")]
    As,
    #[token("emit")]
    Emit,
    #[token("set")]
    Set,
    #[token("alert")]
    Alert,
    #[token("retract")]
    Retract,
    #[token("update")]
    Update,
    #[token("first")]
    First,
    #[token("then")]
    Then,
    #[token("otherwise")]
    Otherwise,
    #[token("if")]
    If,
    #[token("else")]
    Else,
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("not")]
    Not,
    #[token("is")]
    Is,
    #[token("missing")]
    Missing,
    #[token("null")]
    Null,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("between")]
    Between,
    #[token("single")]
    Single,
    #[token("optional")]
    Optional,
    #[token("default")]
    Default,

    #[regex(r"[A-Za-z_][A-Za-z0-9_]*", |lex| lex.slice().to_string())]
    #[token("`", backtick_name)]
    Ident(String),

    /// Any literal that starts with a digit, read by [`number`]; [`lex`] turns it into one
    /// of the five kinds below.
    #[regex("[0-9]", number)]
    Number((NumberKind, String)),
    /// `40`.
    Int(String),
    /// `12.50`.
    Decimal(String),
    /// `2025-01-06`.
    Date(String),
    /// `2025-01-06T09:30`, with seconds and a fraction optional.
    DateTime(String),
    /// `2025-W02`.
    Week(String),
    /// A string with its quotes; escapes and `{...}` parts are read by the parser. One that
    /// the line ends before it closes becomes [`Tok::UnclosedStr`] in [`lex`].
    #[token("\"", string)]
    Str(String),
    /// A string that the line ends before it closes.
    UnclosedStr(String),

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token("->")]
    Arrow,
    #[token("=")]
    Assign,
    #[token("==")]
    Eq,
    #[token("!=")]
    Ne,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,

    /// Text that is no token of the language.
    Unknown(String),
}

impl Tok {
    /// The token as the author would recognise it in a message.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Comment(_) => "a comment".into(),
            Tok::Ident(name) => format!("`{name}`"),
            Tok::Int(text) | Tok::Decimal(text) => format!("the number {text}"),
            Tok::Date(text) | Tok::DateTime(text) | Tok::Week(text) => format!("`{text}`"),
            Tok::Str(_) | Tok::UnclosedStr(_) => "a string".into(),
            Tok::Unknown(text) => format!("`{text}`, which is not part of the language"),
            other => format!("`{}`", other.text().unwrap_or("?")),
        }
    }

    /// The fixed text of a keyword or punctuation token.
    pub(crate) fn text(&self) -> Option<&'static str> {
        Some(match self {
            Tok::Fact => "fact",
            Tok::Output => "output",
            Tok::Calc => "calc",
            Tok::Rule => "rule",
            Tok::Priority => "priority",
            Tok::For => "for",
            Tok::Each => "each",
            Tok::With => "with",
            Tok::Next => "next",
            Tok::After => "after",
            Tok::By => "by",
            Tok::No => "no",
            Tok::Exists => "exists",
            Tok::In => "in",
            Tok::Where => "where",
            Tok::When => "when",
            Tok::Let => "let",
            Tok::Group => "group",
            Tok::As => "as",
            Tok::Emit => "emit",
            Tok::Set => "set",
            Tok::Alert => "alert",
            Tok::Retract => "retract",
            Tok::Update => "update",
            Tok::First => "first",
            Tok::Then => "then",
            Tok::Otherwise => "otherwise",
            Tok::If => "if",
            Tok::Else => "else",
            Tok::And => "and",
            Tok::Or => "or",
            Tok::Not => "not",
            Tok::Is => "is",
            Tok::Missing => "missing",
            Tok::Null => "null",
            Tok::True => "true",
            Tok::False => "false",
            Tok::Between => "between",
            Tok::Single => "single",
            Tok::Optional => "optional",
            Tok::Default => "default",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::Colon => ":",
            Tok::Dot => ".",
            Tok::Arrow => "->",
            Tok::Assign => "=",
            Tok::Eq => "==",
            Tok::Ne => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            _ => return None,
        })
    }

    /// True for a keyword: a word that is a token of its own, which may still be a field name.
    pub(crate) fn is_keyword(&self) -> bool {
        !matches!(self, Tok::Ident(_))
            && self
                .text()
                .is_some_and(|t| t.chars().all(|c| c.is_ascii_alphabetic()))
    }

    /// The word of an identifier, or of a keyword used where a field name is expected.
    pub(crate) fn word(&self) -> Option<String> {
        match self {
            Tok::Ident(name) => Some(name.clone()),
            keyword if keyword.is_keyword() => keyword.text().map(str::to_string),
            _ => None,
        }
    }

    /// True for the words that begin a top-level item.
    pub(crate) fn starts_item(&self) -> bool {
        matches!(self, Tok::Fact | Tok::Output | Tok::Calc | Tok::Rule)
    }
}

// Literals, strings and names in backticks are read by hand: a repetition in a pattern
// can become one call per character in the generated lexer, which an unoptimised build
// runs out of stack on for long text.

/// After `"`: the string up to its closing quote, or to the end of the line if it has none.
fn string(lex: &mut logos::Lexer<'_, Tok>) -> String {
    let rest = lex.remainder().as_bytes();
    let mut at = 0;
    while let Some(&byte) = rest.get(at) {
        match byte {
            b'"' => {
                at += 1;
                break;
            }
            b'\n' => break,
            // An escape takes the next character, unless it ends the line.
            b'\\'
                if rest
                    .get(at + 1)
                    .is_some_and(|&next| next == b'"' || next == b'\\') =>
            {
                at += 2;
            }
            _ => at += 1,
        }
    }
    lex.bump(at);
    lex.slice().to_string()
}

/// What a literal starting with a digit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberKind {
    Int,
    Decimal,
    Date,
    DateTime,
    Week,
}

/// After a digit: the longest literal there, by the shapes `[0-9]+`, `[0-9]+.[0-9]+`,
/// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.f]]` and `YYYY-Www`.
fn number(lex: &mut logos::Lexer<'_, Tok>) -> (NumberKind, String) {
    let rest = lex.remainder().as_bytes();
    let digits = |from: usize| {
        rest.get(from..).map_or(0, |tail| {
            tail.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    };
    let at = |index: usize, byte: u8| rest.get(index) == Some(&byte);
    let mut end = digits(0);
    let mut kind = NumberKind::Int;
    if end == 3 && at(end, b'-') {
        if at(end + 1, b'W') && digits(end + 2) >= 2 {
            kind = NumberKind::Week;
            end += 4;
        } else if digits(end + 1) >= 2 && at(end + 3, b'-') && digits(end + 4) >= 2 {
            kind = NumberKind::Date;
            end += 6;
            if at(end, b'T') && digits(end + 1) >= 2 && at(end + 3, b':') && digits(end + 4) >= 2 {
                kind = NumberKind::DateTime;
                end += 6;
                if at(end, b':') && digits(end + 1) >= 2 {
                    end += 3;
                    if at(end, b'.') && digits(end + 1) >= 1 {
                        end += 1 + digits(end + 1);
                    }
                }
            }
        }
    } else if at(end, b'.') && digits(end + 1) >= 1 {
        kind = NumberKind::Decimal;
        end += 1 + digits(end + 1);
    }
    lex.bump(end);
    (kind, lex.slice().to_string())
}

/// After `` ` ``: the name up to the closing backtick, in which ``` `` ``` stands for one
/// backtick; `None` (not a token) when the line ends first.
fn backtick_name(lex: &mut logos::Lexer<'_, Tok>) -> Option<String> {
    let rest = lex.remainder();
    let mut name = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '`' if chars.peek().is_some_and(|&(_, next)| next == '`') => {
                chars.next();
                name.push('`');
            }
            '`' => {
                lex.bump(at + 1);
                return Some(name);
            }
            '\n' => return None,
            c => name.push(c),
        }
    }
    None
}

/// A token and its byte range.
pub(crate) type Spanned = (Option<Tok>, std::ops::Range<usize>);

/// Splits `text` into tokens; a run of text that is no token becomes one `Unknown` token.
pub(crate) fn lex(text: &str) -> Vec<Spanned> {
    let mut tokens: Vec<Spanned> = Vec::new();
    let mut lexer = Tok::lexer(text);
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        match result {
            Ok(Tok::Number((kind, text))) => {
                let token = match kind {
                    NumberKind::Int => Tok::Int(text),
                    NumberKind::Decimal => Tok::Decimal(text),
                    NumberKind::Date => Tok::Date(text),
                    NumberKind::DateTime => Tok::DateTime(text),
                    NumberKind::Week => Tok::Week(text),
                };
                tokens.push((Some(token), range));
            }
            Ok(Tok::Str(raw)) if !closed(&raw) => {
                tokens.push((Some(Tok::UnclosedStr(raw)), range));
            }
            Ok(token) => tokens.push((Some(token), range)),
            Err(()) => match tokens.last_mut() {
                Some((Some(Tok::Unknown(run)), last)) if last.end == range.start => {
                    run.push_str(&text[range.clone()]);
                    last.end = range.end;
                }
                _ => tokens.push((Some(Tok::Unknown(text[range.clone()].to_string())), range)),
            },
        }
    }
    tokens
}

/// True when a string token ends with its closing quote (not an escaped one).
fn closed(raw: &str) -> bool {
    let Some(body) = raw.strip_suffix('"').filter(|_| raw.len() >= 2) else {
        return false;
    };
    let escapes = body.bytes().rev().take_while(|&b| b == b'\\').count();
    escapes % 2 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Option<Tok>> {
        lex(text).into_iter().map(|(token, _)| token).collect()
    }

    #[test]
    fn literals_take_the_longest_shape_that_fits() {
        use Tok::{Date, DateTime, Decimal, Dot, Ident, Int, Minus, Week};
        let expected = [
            (
                "2025-01-061",
                vec![Date("2025-01-06".into()), Int("1".into())],
            ),
            (
                "12025-01-06",
                vec![
                    Int("12025".into()),
                    Minus,
                    Int("01".into()),
                    Minus,
                    Int("06".into()),
                ],
            ),
            ("1.5 1.", vec![Decimal("1.5".into()), Int("1".into()), Dot]),
            ("2025-W021", vec![Week("2025-W02".into()), Int("1".into())]),
            (
                "2025-W1",
                vec![Int("2025".into()), Minus, Ident("W1".into())],
            ),
            (
                "2025-01-06T09:30:00.5",
                vec![DateTime("2025-01-06T09:30:00.5".into())],
            ),
            (
                "2025-01-06T09:30:0",
                vec![
                    DateTime("2025-01-06T09:30".into()),
                    Tok::Colon,
                    Int("0".into()),
                ],
            ),
            (
                "2025-01-06T9:30",
                vec![
                    Date("2025-01-06".into()),
                    Ident("T9".into()),
                    Tok::Colon,
                    Int("30".into()),
                ],
            ),
        ];
        for (text, tokens) in expected {
            let tokens: Vec<Option<Tok>> = tokens.into_iter().map(Some).collect();
            assert_eq!(kinds(text), tokens, "{text}");
        }
    }

    #[test]
    fn literals_keywords_and_names() {
        assert_eq!(
            kinds(
                r#"for each shift s where s.start >= 2025-01-06T09:00 and s.week == 2025-W02 // note"#
            ),
            vec![
                Some(Tok::For),
                Some(Tok::Each),
                Some(Tok::Ident("shift".into())),
                Some(Tok::Ident("s".into())),
                Some(Tok::Where),
                Some(Tok::Ident("s".into())),
                Some(Tok::Dot),
                Some(Tok::Ident("start".into())),
                Some(Tok::Ge),
                Some(Tok::DateTime("2025-01-06T09:00".into())),
                Some(Tok::And),
                Some(Tok::Ident("s".into())),
                Some(Tok::Dot),
                Some(Tok::Ident("week".into())),
                Some(Tok::Eq),
                Some(Tok::Week("2025-W02".into())),
                Some(Tok::Comment(" note".into())),
            ]
        );
        assert_eq!(
            kinds("12.50 40 `first name` 2024-02-29"),
            vec![
                Some(Tok::Decimal("12.50".into())),
                Some(Tok::Int("40".into())),
                Some(Tok::Ident("first name".into())),
                Some(Tok::Date("2024-02-29".into())),
            ]
        );
    }

    #[test]
    fn strings_keep_their_escapes_for_the_parser() {
        assert_eq!(
            kinds(r#""a \"b\" {s.id}""#),
            vec![Some(Tok::Str(r#""a \"b\" {s.id}""#.into()))]
        );
        assert_eq!(
            kinds("\"open"),
            vec![Some(Tok::UnclosedStr("\"open".into()))]
        );
        assert_eq!(
            kinds("§§ x"),
            vec![
                Some(Tok::Unknown("§§".into())),
                Some(Tok::Ident("x".into()))
            ]
        );
    }
}
