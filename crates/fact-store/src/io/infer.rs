//! Inferring fact schemas from NDJSON: each `type` becomes a fact type, each field gets the
//! narrowest type that holds every value seen (ints and decimals make decimal, text that is
//! always a datetime makes datetime, values of mixed kinds make `any`), and a field is
//! required when every fact of the type has a non-null value. Used to summarise data before
//! any schema is written, and to draft `fact` declarations from real input.

use std::io::{BufRead, BufReader, Read};

use super::convert::object_members;
use super::error::{InputError, InputErrorKind};
use super::json::{Kind, Scanner, Token};
use super::load::{ReadError, column_of};
use crate::catalog::{Catalog, Presence, Schema};
use crate::temporal::{parse_date, parse_datetime, parse_duration};
use crate::value_type::ValueType;
use crate::week::Week;

/// The type of the values seen so far for one field.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// Only nulls so far.
    Unknown,
    Bool,
    Int,
    Decimal,
    Text,
    Date,
    DateTime,
    Duration,
    Week,
    Record(Vec<(String, Shape)>),
    List(Box<Shape>),
    Any,
}

#[derive(Debug)]
struct FieldStats {
    name: String,
    shape: Shape,
    /// Facts with a non-null value.
    filled: u64,
}

#[derive(Debug)]
struct TypeStats {
    name: String,
    facts: u64,
    fields: Vec<FieldStats>,
}

/// Infers a catalog from NDJSON facts, types and fields in first-seen order. Every line must
/// be an object with a string `type`; the first bad line is the error.
pub fn infer_ndjson(input: impl Read, source: &str) -> Result<Catalog, ReadError> {
    let mut types: Vec<TypeStats> = Vec::new();
    let reader = BufReader::with_capacity(1 << 20, input);
    let fail = |line: u64, column: Option<u32>, kind| ReadError {
        errors: vec![InputError {
            source: source.into(),
            line,
            column,
            fact_type: None,
            fact_id: None,
            field: None,
            kind,
        }],
        unreported: 0,
        facts: 0,
        ids: Vec::new(),
    };
    for (index, line) in reader.split(b'\n').enumerate() {
        let line_number = index as u64 + 1;
        let bytes =
            line.map_err(|error| fail(line_number, None, InputErrorKind::Io(error.to_string())))?;
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(&bytes);
        let text = std::str::from_utf8(bytes)
            .map_err(|_| fail(line_number, None, InputErrorKind::NotUtf8))?;
        let mut scanner = Scanner::new(text);
        if scanner.peek().is_none() {
            continue;
        }
        let syntax = |offset, message: String| {
            fail(
                line_number,
                Some(column_of(text, offset)),
                InputErrorKind::Syntax(message),
            )
        };
        let token = scanner
            .value()
            .and_then(|token| scanner.finish().map(|()| token))
            .map_err(|error| syntax(error.offset, format!("invalid JSON: {error}")))?;
        if token.kind != Kind::Object {
            return Err(syntax(token.start, "a fact must be a JSON object".into()));
        }
        let members = object_members(text, &token)
            .map_err(|error| syntax(error.offset, "a key appears twice".into()))?;
        let type_name = members
            .iter()
            .find(|member| member.key.string(text) == "type")
            .filter(|member| matches!(member.value.kind, Kind::String { .. }))
            .map(|member| member.value.string(text).into_owned())
            .ok_or_else(|| {
                fail(
                    line_number,
                    Some(column_of(text, token.start)),
                    InputErrorKind::MissingType { known: Vec::new() },
                )
            })?;
        let stats = match types.iter().position(|stats| stats.name == type_name) {
            Some(at) => &mut types[at],
            None => {
                types.push(TypeStats {
                    name: type_name,
                    facts: 0,
                    fields: Vec::new(),
                });
                types.last_mut().expect("just pushed")
            }
        };
        stats.facts += 1;
        for member in &members {
            let name = member.key.string(text);
            if name == "type" {
                continue;
            }
            let shape = shape_of(text, &member.value);
            let field = match stats.fields.iter().position(|field| field.name == name) {
                Some(at) => &mut stats.fields[at],
                None => {
                    stats.fields.push(FieldStats {
                        name: name.into_owned(),
                        shape: Shape::Unknown,
                        filled: 0,
                    });
                    stats.fields.last_mut().expect("just pushed")
                }
            };
            if member.value.kind != Kind::Null {
                field.filled += 1;
            }
            field.shape = join(std::mem::replace(&mut field.shape, Shape::Unknown), shape);
        }
    }
    let mut catalog = Catalog::new();
    for stats in types {
        let mut builder = Schema::builder(&stats.name);
        for field in stats.fields {
            let presence = if field.filled == stats.facts {
                Presence::Required
            } else {
                Presence::Optional
            };
            builder = builder.field(field.name, to_type(field.shape), presence);
        }
        let schema = builder
            .build()
            .map_err(|error| fail(0, None, InputErrorKind::Syntax(error.to_string())))?;
        catalog
            .add(schema)
            .map_err(|error| fail(0, None, InputErrorKind::Syntax(error.to_string())))?;
    }
    Ok(catalog)
}

fn shape_of(src: &str, token: &Token) -> Shape {
    match token.kind {
        Kind::Null => Shape::Unknown,
        Kind::True | Kind::False => Shape::Bool,
        Kind::Number { integer: true } if token.text(src).parse::<i64>().is_ok() => Shape::Int,
        Kind::Number { .. } => Shape::Decimal,
        Kind::String { .. } => {
            let text = token.string(src);
            if parse_datetime(&text).is_ok() {
                Shape::DateTime
            } else if parse_date(&text).is_ok() {
                Shape::Date
            } else if text.trim_start_matches('-').starts_with(['P', 'p'])
                && parse_duration(&text).is_ok()
            {
                Shape::Duration
            } else if text.parse::<Week>().is_ok() {
                Shape::Week
            } else {
                Shape::Text
            }
        }
        Kind::Array => {
            let mut items = Vec::new();
            let _ = Scanner::at(src, token.start).array(&mut items);
            Shape::List(Box::new(
                items
                    .iter()
                    .map(|item| shape_of(src, item))
                    .fold(Shape::Unknown, join),
            ))
        }
        Kind::Object => match object_members(src, token) {
            Ok(members) => Shape::Record(
                members
                    .iter()
                    .map(|member| {
                        (
                            member.key.string(src).into_owned(),
                            shape_of(src, &member.value),
                        )
                    })
                    .collect(),
            ),
            Err(_) => Shape::Any,
        },
    }
}

/// The narrowest shape holding both.
fn join(a: Shape, b: Shape) -> Shape {
    match (a, b) {
        (a, b) if a == b => a,
        (Shape::Unknown, other) | (other, Shape::Unknown) => other,
        (Shape::Int | Shape::Decimal, Shape::Int | Shape::Decimal) => Shape::Decimal,
        (
            Shape::Text | Shape::Date | Shape::DateTime | Shape::Duration | Shape::Week,
            Shape::Text | Shape::Date | Shape::DateTime | Shape::Duration | Shape::Week,
        ) => Shape::Text,
        (Shape::List(a), Shape::List(b)) => Shape::List(Box::new(join(*a, *b))),
        (Shape::Record(mut fields), Shape::Record(more)) => {
            for (name, shape) in more {
                match fields.iter_mut().find(|(existing, _)| *existing == name) {
                    Some((_, existing)) => {
                        *existing = join(std::mem::replace(existing, Shape::Unknown), shape)
                    }
                    None => fields.push((name, shape)),
                }
            }
            Shape::Record(fields)
        }
        _ => Shape::Any,
    }
}

fn to_type(shape: Shape) -> ValueType {
    match shape {
        Shape::Unknown | Shape::Any => ValueType::Any,
        Shape::Bool => ValueType::Bool,
        Shape::Int => ValueType::Int,
        Shape::Decimal => ValueType::Decimal,
        Shape::Text => ValueType::Text,
        Shape::Date => ValueType::Date,
        Shape::DateTime => ValueType::DateTime,
        Shape::Duration => ValueType::Duration,
        Shape::Week => ValueType::Week,
        Shape::List(element) => ValueType::list(to_type(*element)),
        Shape::Record(fields) => ValueType::record(
            fields
                .into_iter()
                .map(|(name, shape)| (name, to_type(shape))),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(text: &str) -> Vec<String> {
        let catalog = infer_ndjson(text.as_bytes(), "facts.ndjson").unwrap();
        catalog
            .iter()
            .flat_map(|(_, schema)| {
                schema.fields().iter().map(move |field| {
                    format!(
                        "{}.{}: {} {:?}",
                        schema.name(),
                        field.name,
                        field.ty,
                        field.presence
                    )
                })
            })
            .collect()
    }

    #[test]
    fn each_field_gets_the_narrowest_type_holding_every_value() {
        let text = concat!(
            r#"{"type":"shift","id":"S1","start":"2025-01-06T09:00:00","break":15,"rate":40,"note":null,"tags":["a"]}"#,
            "\n",
            r#"{"type":"shift","id":"S2","start":"2025-01-06T10:00:00","break":30,"rate":12.5,"day":"2025-01-06","tags":[]}"#,
            "\n\n",
            r#"{"type":"employee","id":"E1","length":"PT8H","mixed":1,"week":"2025-W02"}"#,
            "\n",
            r#"{"type":"employee","id":"E2","mixed":"x","day":"2025-01-06","x":{"a":1}}"#,
            "\n",
        );
        assert_eq!(
            infer(text),
            [
                "shift.id: text Required",
                "shift.start: datetime Required",
                "shift.break: int Required",
                "shift.rate: decimal Required",
                "shift.note: any Optional",
                "shift.tags: list<text> Required",
                "shift.day: date Optional",
                "employee.id: text Required",
                "employee.length: duration Optional",
                "employee.mixed: any Required",
                "employee.week: week Optional",
                "employee.day: date Optional",
                "employee.x: {a: int} Optional",
            ]
        );
    }

    #[test]
    fn a_line_without_a_type_is_an_error_with_its_place() {
        let error =
            infer_ndjson("{\"type\":\"a\"}\n{\"id\":1}\n".as_bytes(), "facts.ndjson").unwrap_err();
        assert_eq!(
            error.errors[0].to_string(),
            "facts.ndjson:2:1: no \"type\" naming the fact type"
        );
    }
}
