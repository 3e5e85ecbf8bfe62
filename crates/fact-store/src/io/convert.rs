//! Turning input text into typed values: a scanned JSON token, or a CSV cell, under the
//! field's declared type. Nothing is coerced: a quoted number is not an int, `40.0` is not
//! an int, a datetime with an offset is not a local datetime. Ints widen to decimals
//! exactly; every other mismatch is an error that shows the value found.

use rust_decimal::Decimal;

use super::json::{JsonError, Kind, Member, Scanner, Token};
use crate::intern::{Interner, Symbol};
use crate::store::StoreError;
use crate::temporal::{parse_date, parse_datetime, parse_duration};
use crate::value::{Record, Value};
use crate::value_type::ValueType;
use crate::week::Week;

/// Why a value could not be converted, and where (a byte offset in the source).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConvertError {
    pub(crate) offset: usize,
    pub(crate) problem: ConvertProblem,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ConvertProblem {
    WrongType {
        expected: ValueType,
        found: String,
    },
    Invalid {
        expected: ValueType,
        found: String,
        reason: String,
    },
    DuplicateKey {
        key: String,
    },
    Syntax(JsonError),
    Store(StoreError),
}

impl ConvertError {
    fn wrong(token: &Token, src: &str, expected: &ValueType) -> ConvertError {
        ConvertError {
            offset: token.start,
            problem: ConvertProblem::WrongType {
                expected: expected.clone(),
                found: describe(token, src),
            },
        }
    }

    fn invalid(
        token: &Token,
        src: &str,
        expected: &ValueType,
        reason: impl Into<String>,
    ) -> ConvertError {
        ConvertError {
            offset: token.start,
            problem: ConvertProblem::Invalid {
                expected: expected.clone(),
                found: shorten(token.text(src)),
                reason: reason.into(),
            },
        }
    }
}

/// Converts the JSON value `token` of `src` to a value of type `ty`.
pub(crate) fn convert_json(
    src: &str,
    token: &Token,
    ty: &ValueType,
    interner: &mut Interner,
) -> Result<Value, ConvertError> {
    if token.kind == Kind::Null {
        return Ok(Value::Null);
    }
    let text = |interner: &mut Interner| -> Result<Symbol, ConvertError> {
        interner
            .intern(&token.string(src))
            .map_err(|e| ConvertError {
                offset: token.start,
                problem: ConvertProblem::Store(e.into()),
            })
    };
    let string_as = |parse: fn(&str) -> Result<Value, String>| -> Result<Value, ConvertError> {
        match token.kind {
            Kind::String { .. } => parse(&token.string(src))
                .map_err(|reason| ConvertError::invalid(token, src, ty, reason)),
            _ => Err(ConvertError::wrong(token, src, ty)),
        }
    };
    match (ty, token.kind) {
        (ValueType::Any, _) => convert_any(src, token, interner),
        (ValueType::Bool, Kind::True) => Ok(Value::Bool(true)),
        (ValueType::Bool, Kind::False) => Ok(Value::Bool(false)),
        (ValueType::Int, Kind::Number { integer: true }) => parse_int(token.text(src))
            .map_err(|reason| ConvertError::invalid(token, src, ty, reason)),
        (ValueType::Decimal | ValueType::Money, Kind::Number { .. }) => {
            parse_decimal(token.text(src))
                .map_err(|reason| ConvertError::invalid(token, src, ty, reason))
        }
        (ValueType::Text, Kind::String { .. }) => Ok(Value::Text(text(interner)?)),
        (ValueType::Date, _) => string_as(|s| parse_date(s).map(Value::Date)),
        (ValueType::DateTime, _) => string_as(|s| parse_datetime(s).map(Value::DateTime)),
        (ValueType::Duration, _) => string_as(|s| parse_duration(s).map(Value::Duration)),
        (ValueType::Week, _) => string_as(|s| s.parse::<Week>().map(Value::Week)),
        (ValueType::List(element), Kind::Array) => {
            let mut items = Vec::new();
            Scanner::at(src, token.start)
                .array(&mut items)
                .map_err(syntax)?;
            let values: Result<Vec<Value>, ConvertError> = items
                .iter()
                .map(|item| convert_json(src, item, element, interner))
                .collect();
            Ok(Value::List(values?.into()))
        }
        (ValueType::Record(record), Kind::Object) => {
            let members = object_members(src, token)?;
            let mut fields = Vec::with_capacity(members.len());
            for member in &members {
                let name = member.key.string(src);
                let value = match record.field(&name) {
                    Some(field_type) => convert_json(src, &member.value, field_type, interner)?,
                    None => convert_any(src, &member.value, interner)?,
                };
                fields.push((intern_at(interner, &name, member.key.start)?, value));
            }
            Ok(Value::Record(Record::new(fields)))
        }
        _ => Err(ConvertError::wrong(token, src, ty)),
    }
}

/// Converts a JSON value of no declared type: whole numbers become ints (decimals when they
/// exceed an int), numbers with a fraction or exponent become exact decimals.
fn convert_any(src: &str, token: &Token, interner: &mut Interner) -> Result<Value, ConvertError> {
    match token.kind {
        Kind::Null => Ok(Value::Null),
        Kind::True => Ok(Value::Bool(true)),
        Kind::False => Ok(Value::Bool(false)),
        Kind::Number { integer: true } => parse_int(token.text(src))
            .or_else(|_| parse_decimal(token.text(src)))
            .map_err(|reason| ConvertError::invalid(token, src, &ValueType::Any, reason)),
        Kind::Number { integer: false } => parse_decimal(token.text(src))
            .map_err(|reason| ConvertError::invalid(token, src, &ValueType::Any, reason)),
        Kind::String { .. } => Ok(Value::Text(intern_at(
            interner,
            &token.string(src),
            token.start,
        )?)),
        Kind::Array => convert_json(src, token, &ValueType::list(ValueType::Any), interner),
        Kind::Object => convert_json(src, token, &ValueType::record::<String>([]), interner),
    }
}

/// The members of an object token, refusing a key that appears twice.
pub(crate) fn object_members(src: &str, token: &Token) -> Result<Vec<Member>, ConvertError> {
    let mut members = Vec::new();
    Scanner::at(src, token.start)
        .object(&mut members)
        .map_err(syntax)?;
    for (i, member) in members.iter().enumerate() {
        let key = member.key.string(src);
        if members[..i]
            .iter()
            .any(|earlier| earlier.key.string(src) == key)
        {
            return Err(ConvertError {
                offset: member.key.start,
                problem: ConvertProblem::DuplicateKey {
                    key: key.into_owned(),
                },
            });
        }
    }
    Ok(members)
}

/// Converts a CSV cell (not empty) to a value of type `ty`. Text is taken as it is; records,
/// lists and `any` values are read as JSON.
pub(crate) fn convert_cell(
    cell: &str,
    ty: &ValueType,
    interner: &mut Interner,
) -> Result<Value, ConvertError> {
    let invalid = |reason: String| ConvertError {
        offset: 0,
        problem: ConvertProblem::Invalid {
            expected: ty.clone(),
            found: shorten(&quoted(cell)),
            reason,
        },
    };
    let wrong = || ConvertError {
        offset: 0,
        problem: ConvertProblem::WrongType {
            expected: ty.clone(),
            found: shorten(&quoted(cell)),
        },
    };
    match ty {
        ValueType::Text => Ok(Value::Text(intern_at(interner, cell, 0)?)),
        ValueType::Bool => match cell {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(wrong()),
        },
        ValueType::Int => match number_kind(cell) {
            Some(Kind::Number { integer: true }) => parse_int(cell).map_err(invalid),
            _ => Err(wrong()),
        },
        ValueType::Decimal | ValueType::Money => match number_kind(cell) {
            Some(_) => parse_decimal(cell).map_err(invalid),
            None => Err(wrong()),
        },
        ValueType::Date => parse_date(cell).map(Value::Date).map_err(invalid),
        ValueType::DateTime => parse_datetime(cell).map(Value::DateTime).map_err(invalid),
        ValueType::Duration => parse_duration(cell).map(Value::Duration).map_err(invalid),
        ValueType::Week => cell.parse::<Week>().map(Value::Week).map_err(invalid),
        ValueType::Any | ValueType::Record(_) | ValueType::List(_) => {
            let mut scanner = Scanner::new(cell);
            match scanner
                .value()
                .and_then(|json| scanner.finish().map(|()| json))
            {
                Ok(json) => convert_json(cell, &json, ty, interner),
                Err(_) if *ty == ValueType::Any => Ok(Value::Text(intern_at(interner, cell, 0)?)),
                Err(error) => Err(syntax(error)),
            }
        }
    }
}

/// The kind of `text` if it is exactly one JSON number.
pub(crate) fn number_kind(text: &str) -> Option<Kind> {
    let mut scanner = Scanner::new(text);
    match scanner.value() {
        Ok(token)
            if matches!(token.kind, Kind::Number { .. })
                && token.start == 0
                && token.end == text.len() =>
        {
            Some(token.kind)
        }
        _ => None,
    }
}

fn parse_int(text: &str) -> Result<Value, String> {
    text.parse::<i64>()
        .map(Value::Int)
        .map_err(|_| "out of range for int (-9223372036854775808 to 9223372036854775807); declare the field decimal".into())
}

/// Parses a JSON number exactly. Exponents are applied exactly or refused.
fn parse_decimal(text: &str) -> Result<Value, String> {
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str_exact(text)
    };
    parsed.map(Value::Decimal).map_err(|_| {
        "not representable exactly: decimals hold at most 28 significant digits".into()
    })
}

fn intern_at(interner: &mut Interner, text: &str, offset: usize) -> Result<Symbol, ConvertError> {
    interner.intern(text).map_err(|e| ConvertError {
        offset,
        problem: ConvertProblem::Store(e.into()),
    })
}

fn syntax(error: JsonError) -> ConvertError {
    ConvertError {
        offset: error.offset,
        problem: ConvertProblem::Syntax(error),
    }
}

/// Describes a JSON value for a message: the text, shortened, and its kind.
pub(crate) fn describe(token: &Token, src: &str) -> String {
    let kind = match token.kind {
        Kind::Null => return "null".into(),
        Kind::True | Kind::False => "bool",
        Kind::Number { integer: true } => "int",
        Kind::Number { integer: false } => "decimal",
        Kind::String { .. } => "text",
        Kind::Object => "object",
        Kind::Array => "list",
    };
    format!("{} ({kind})", shorten(token.text(src)))
}

fn quoted(cell: &str) -> String {
    let mut out = String::new();
    crate::format::write_json_string(&mut out, cell);
    out
}

/// At most 40 characters of `text`, with an ellipsis when cut.
pub(crate) fn shorten(text: &str) -> String {
    const LIMIT: usize = 40;
    match text.char_indices().nth(LIMIT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests;
