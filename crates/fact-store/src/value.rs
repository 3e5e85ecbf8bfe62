//! `Value`: the one value type of Reckon. Numbers with a fraction are exact decimals (money
//! never passes through a float); text is an interned `Symbol`; records and lists are
//! shared, so cloning a value never copies a nested structure.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use jiff::SignedDuration;
use jiff::civil::{Date, DateTime};
use rust_decimal::Decimal;

use crate::format;
use crate::intern::{Interner, Symbol};
use crate::week::Week;

/// One value of a field. A field that is absent is not a value: stores and readers say
/// "missing" with `None`, which is different from `Some(Value::Null)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An explicit null.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A 64-bit signed integer.
    Int(i64),
    /// An exact decimal; `1.50` keeps its two places when written.
    Decimal(Decimal),
    /// Interned text.
    Text(Symbol),
    /// A calendar date.
    Date(Date),
    /// A local wall-clock date and time.
    DateTime(DateTime),
    /// An exact signed duration.
    Duration(SignedDuration),
    /// An ISO week, `2025-W02`.
    Week(Week),
    /// A nested object.
    Record(Record),
    /// A list of values.
    List(Arc<[Value]>),
}

/// A nested object: named values in the order they were given.
#[derive(Debug, Clone, PartialEq)]
pub struct Record(Arc<[(Symbol, Value)]>);

impl Record {
    /// A record of the given fields, in the given order.
    pub fn new(fields: impl IntoIterator<Item = (Symbol, Value)>) -> Record {
        Record(fields.into_iter().collect())
    }

    /// The value of field `name`, if the record has it.
    pub fn get(&self, name: Symbol) -> Option<&Value> {
        self.0
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value)
    }

    /// The fields, in order.
    pub fn fields(&self) -> &[(Symbol, Value)] {
        &self.0
    }
}

impl Value {
    /// A short name of this value's kind, for messages: `int`, `decimal`, `text`, ...
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Decimal(_) => "decimal",
            Value::Text(_) => "text",
            Value::Date(_) => "date",
            Value::DateTime(_) => "datetime",
            Value::Duration(_) => "duration",
            Value::Week(_) => "week",
            Value::Record(_) => "record",
            Value::List(_) => "list",
        }
    }

    /// Compares two values by meaning: ints and decimals compare exactly with each other,
    /// text by its characters, lists element by element. `None` when the two cannot be
    /// ordered (different kinds, null, records).
    pub fn compare(&self, other: &Value, interner: &Interner) -> Option<Ordering> {
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Int(a), Value::Decimal(b)) => Some(Decimal::from(*a).cmp(b)),
            (Value::Decimal(a), Value::Int(b)) => Some(a.cmp(&Decimal::from(*b))),
            (Value::Decimal(a), Value::Decimal(b)) => Some(a.cmp(b)),
            (Value::Text(a), Value::Text(b)) if a == b => Some(Ordering::Equal),
            (Value::Text(a), Value::Text(b)) => {
                Some(interner.resolve(*a).cmp(interner.resolve(*b)))
            }
            (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
            (Value::DateTime(a), Value::DateTime(b)) => Some(a.cmp(b)),
            (Value::Duration(a), Value::Duration(b)) => Some(a.cmp(b)),
            (Value::Week(a), Value::Week(b)) => Some(a.cmp(b)),
            (Value::List(a), Value::List(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.compare(y, interner)? {
                        Ordering::Equal => continue,
                        unequal => return Some(unequal),
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            _ => None,
        }
    }

    /// Shows the value as JSON, resolving text through `interner`.
    pub fn display<'a>(&'a self, interner: &'a Interner) -> ValueDisplay<'a> {
        ValueDisplay {
            value: self,
            interner,
        }
    }
}

/// A value with the interner it needs to be shown; prints the value's JSON form.
pub struct ValueDisplay<'a> {
    value: &'a Value,
    interner: &'a Interner,
}

impl fmt::Display for ValueDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        format::write_json(&mut out, self.value, None, self.interner);
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(text: &str) -> Value {
        Value::Decimal(Decimal::from_str(text).unwrap())
    }

    #[test]
    fn ints_and_decimals_compare_exactly() {
        let interner = Interner::new();
        assert_eq!(
            Value::Int(40).compare(&dec("40.00"), &interner),
            Some(Ordering::Equal)
        );
        assert_eq!(
            Value::Int(40).compare(&dec("40.0000000000000000000000001"), &interner),
            Some(Ordering::Less)
        );
        assert_eq!(
            dec("-0.5").compare(&Value::Int(0), &interner),
            Some(Ordering::Less)
        );
        assert_eq!(
            Value::Int(i64::MAX).compare(&dec("9223372036854775807.5"), &interner),
            Some(Ordering::Less)
        );
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        let sum = Decimal::from_str("0.1").unwrap() + Decimal::from_str("0.2").unwrap();
        assert_eq!(Value::Decimal(sum), dec("0.3"));
    }

    #[test]
    fn text_orders_by_characters_not_by_symbol() {
        let mut interner = Interner::new();
        let z = Value::Text(interner.intern("zulu").unwrap());
        let a = Value::Text(interner.intern("alpha").unwrap());
        assert_eq!(z.compare(&a, &interner), Some(Ordering::Greater));
    }

    #[test]
    fn values_of_different_kinds_do_not_order() {
        let mut interner = Interner::new();
        let text = Value::Text(interner.intern("5").unwrap());
        assert_eq!(text.compare(&Value::Int(5), &interner), None);
        assert_eq!(Value::Null.compare(&Value::Null, &interner), None);
    }

    #[test]
    fn display_writes_json() {
        let mut interner = Interner::new();
        let name = interner.intern("note").unwrap();
        let text = interner.intern("say \"hi\"").unwrap();
        let record = Value::Record(Record::new([(name, Value::Text(text))]));
        let list = Value::List(Arc::from(vec![
            Value::Int(1),
            dec("1.50"),
            Value::Null,
            record,
        ]));
        assert_eq!(
            list.display(&interner).to_string(),
            r#"[1,1.50,null,{"note":"say \"hi\""}]"#
        );
    }
}
