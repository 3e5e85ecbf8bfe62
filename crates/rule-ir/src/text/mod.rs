//! The IR's text form: one deterministic, human-readable rendering of a program (sorted by
//! id, no addresses, no hash-map order) and a parser that reads it back through the
//! builder, so that `print(parse(text)) == text`. Snapshot tests, `reckon compile --emit
//! ir` and pass tests all speak it.

mod lexer;
mod parse;
mod print;

pub use parse::parse;
pub use print::{print, print_expr};

/// Words of the text form that cannot be bare names.
pub(crate) const KEYWORDS: &[&str] = &[
    "fact",
    "calc",
    "alpha",
    "rule",
    "stratum",
    "partition",
    "match",
    "next",
    "after",
    "by",
    "no",
    "exists",
    "expand",
    "in",
    "accumulate",
    "into",
    "let",
    "when",
    "group",
    "key",
    "aggregate",
    "emit",
    "for",
    "each",
    "set",
    "alert",
    "retract",
    "update",
    "test",
    "join",
    "priority",
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "is",
    "missing",
    "null",
    "true",
    "false",
    "template",
    "allocate",
    "where",
    "yield",
    "default",
    "optional",
    "derived",
    "single",
    "output",
    "uses",
    "it",
];

/// A field or member name as the text form writes it: bare when it is made of identifier
/// characters (keywords included: the parser expects a name there), otherwise in backticks.
pub(crate) fn field(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

/// A name as the text form writes it: bare when it is a plain identifier, otherwise in
/// backticks.
pub(crate) fn name(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&name);
    if plain {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}
