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
    #[regex(r"`([^`\n]|``)*`", |lex| { let s = lex.slice(); s[1..s.len() - 1].replace("``", "`") })]
    Ident(String),

    #[regex(r"[0-9]+", |lex| lex.slice().to_string())]
    Int(String),
    #[regex(r"[0-9]+\.[0-9]+", |lex| lex.slice().to_string())]
    Decimal(String),
    #[regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", |lex| lex.slice().to_string())]
    Date(String),
    #[regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?", |lex| lex.slice().to_string())]
    DateTime(String),
    #[regex(r"[0-9]{4}-W[0-9]{2}", |lex| lex.slice().to_string())]
    Week(String),
    /// A string with its quotes; escapes and `{...}` parts are read by the parser.
    #[regex(r#""([^"\\\n]|\\[^\n])*""#, |lex| lex.slice().to_string())]
    Str(String),
    /// A string that the line ends before it closes.
    #[regex(r#""([^"\\\n]|\\[^\n])*"#, |lex| lex.slice().to_string())]
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

/// A token and its byte range, or a run of text that is no token (`None`).
pub(crate) type Spanned = (Option<Tok>, std::ops::Range<usize>);

/// Splits `text` into tokens; text that is no token comes out as `None` with its range.
pub(crate) fn lex(text: &str) -> Vec<Spanned> {
    let mut tokens: Vec<Spanned> = Vec::new();
    let mut lexer = Tok::lexer(text);
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        match result {
            Ok(token) => tokens.push((Some(token), range)),
            // Merge a run of unknown characters into one error token.
            Err(()) => match tokens.last_mut() {
                Some((None, last)) if last.end == range.start => last.end = range.end,
                _ => tokens.push((None, range)),
            },
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Option<Tok>> {
        lex(text).into_iter().map(|(token, _)| token).collect()
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
        assert_eq!(kinds("§§ x"), vec![None, Some(Tok::Ident("x".into()))]);
    }
}
