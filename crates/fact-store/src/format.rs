//! Writing values as text: the JSON form used by NDJSON output and `Value::display`, and
//! the plain form of a CSV cell. Both are lossless: reading them back under the same
//! declared type gives the same value.

use std::fmt::Write;

use crate::digits;
use crate::intern::Interner;
use crate::value::Value;
use crate::value_type::ValueType;

/// Appends the JSON form of `value`. `declared` is the field's declared type when known; it
/// makes `money` values print with at least two decimal places.
pub(crate) fn write_json(
    out: &mut String,
    value: &Value,
    declared: Option<&ValueType>,
    interner: &Interner,
) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => digits::push_int(out, *i),
        Value::Decimal(d) => write_decimal(out, d, matches!(declared, Some(ValueType::Money))),
        Value::Text(symbol) => write_json_string(out, interner.resolve(*symbol)),
        Value::Date(d) => {
            out.push('"');
            digits::push_date(out, *d);
            out.push('"');
        }
        Value::DateTime(dt) => {
            out.push('"');
            digits::push_datetime(out, *dt);
            out.push('"');
        }
        Value::Duration(d) => {
            let _ = write!(out, "\"{d}\"");
        }
        Value::Week(w) => {
            let _ = write!(out, "\"{w}\"");
        }
        Value::Record(record) => {
            let field_types = match declared {
                Some(ValueType::Record(ty)) => Some(ty),
                _ => None,
            };
            out.push('{');
            for (i, (name, field)) in record.fields().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let name = interner.resolve(*name);
                write_json_string(out, name);
                out.push(':');
                write_json(
                    out,
                    field,
                    field_types.and_then(|ty| ty.field(name)),
                    interner,
                );
            }
            out.push('}');
        }
        Value::List(items) => {
            let element = match declared {
                Some(ValueType::List(element)) => Some(&**element),
                _ => None,
            };
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item, element, interner);
            }
            out.push(']');
        }
    }
}

/// Appends the CSV cell form of `value`: text as it is, numbers and times as in JSON but
/// unquoted, records and lists as JSON. Null has no CSV form and writes as an empty cell.
pub(crate) fn write_plain(
    out: &mut String,
    value: &Value,
    declared: Option<&ValueType>,
    interner: &Interner,
) {
    match value {
        Value::Null => {}
        Value::Text(symbol) => out.push_str(interner.resolve(*symbol)),
        Value::Date(d) => digits::push_date(out, *d),
        Value::DateTime(dt) => digits::push_datetime(out, *dt),
        Value::Duration(d) => {
            let _ = write!(out, "{d}");
        }
        Value::Week(w) => {
            let _ = write!(out, "{w}");
        }
        other => write_json(out, other, declared, interner),
    }
}

/// Decimals keep their scale (`1.50` stays `1.50`); money gets at least two places. The
/// padding is textual so that it can never overflow the 28-digit mantissa.
fn write_decimal(out: &mut String, d: &rust_decimal::Decimal, money: bool) {
    digits::push_decimal(out, d);
    if money {
        match d.scale() {
            0 => out.push_str(".00"),
            1 => out.push('0'),
            _ => {}
        }
    }
}

/// Appends `text` as a JSON string: quotes, backslashes and control characters escaped,
/// everything else as UTF-8.
pub(crate) fn write_json_string(out: &mut String, text: &str) {
    out.push('"');
    // Most text needs no escape: one scan that the compiler vectorises decides it.
    if !text
        .bytes()
        .any(|byte| byte < 0x20 || byte == b'"' || byte == b'\\')
    {
        out.push_str(text);
        out.push('"');
        return;
    }
    let mut plain_from = 0;
    for (i, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[plain_from..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        plain_from = i + 1;
    }
    out.push_str(&text[plain_from..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn json(value: &Value, declared: Option<&ValueType>) -> String {
        let mut out = String::new();
        write_json(&mut out, value, declared, &Interner::new());
        out
    }

    #[test]
    fn money_always_has_two_places_and_never_loses_digits() {
        let money = Some(&ValueType::Money);
        assert_eq!(json(&Value::Decimal(Decimal::from(30)), money), "30.00");
        assert_eq!(
            json(&Value::Decimal(Decimal::from_str("0.5").unwrap()), money),
            "0.50"
        );
        assert_eq!(
            json(&Value::Decimal(Decimal::from_str("1.005").unwrap()), money),
            "1.005"
        );
        assert_eq!(
            json(&Value::Decimal(Decimal::MAX), money),
            "79228162514264337593543950335.00"
        );
        assert_eq!(
            json(&Value::Decimal(Decimal::from_str("1.50").unwrap()), None),
            "1.50"
        );
    }

    #[test]
    fn strings_escape_what_json_requires() {
        let mut out = String::new();
        write_json_string(&mut out, "a\"b\\c\nd\u{1}é");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é""#);
        let decoded: String = serde_json::from_str(&out).unwrap();
        assert_eq!(decoded, "a\"b\\c\nd\u{1}é");
    }
}
