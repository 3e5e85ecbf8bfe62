//! The declared type of a field: what a reader checks input against and what a column
//! stores. `money` is a decimal that is always written with at least two places.

use std::fmt;
use std::sync::Arc;

/// The type of a field or of a value inside a record or list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// Any value; used for fields whose values differ in kind from fact to fact.
    Any,
    /// `true` or `false`.
    Bool,
    /// A 64-bit signed integer.
    Int,
    /// An exact decimal (up to 28 significant digits).
    Decimal,
    /// An exact decimal written with at least two decimal places.
    Money,
    /// Text, interned.
    Text,
    /// A calendar date, `2025-01-06`.
    Date,
    /// A local wall-clock date and time without offset, `2025-01-06T09:30:00`.
    DateTime,
    /// An exact signed duration, written in ISO 8601 (`PT8H30M`).
    Duration,
    /// An ISO week (Monday to Sunday), written `2025-W02`.
    Week,
    /// A nested object with declared fields (undeclared ones are kept as they come).
    Record(Arc<RecordType>),
    /// A list whose elements all have the given type.
    List(Arc<ValueType>),
}

/// The declared fields of a nested record type, in declaration order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct RecordType {
    fields: Vec<(String, ValueType)>,
}

impl RecordType {
    /// A record type with the given fields. A repeated name keeps its first declaration.
    pub fn new(fields: impl IntoIterator<Item = (String, ValueType)>) -> RecordType {
        let mut kept: Vec<(String, ValueType)> = Vec::new();
        for (name, ty) in fields {
            if !kept.iter().any(|(existing, _)| *existing == name) {
                kept.push((name, ty));
            }
        }
        RecordType { fields: kept }
    }

    /// The declared fields, in order.
    pub fn fields(&self) -> &[(String, ValueType)] {
        &self.fields
    }

    /// The declared type of `name`, if declared.
    pub fn field(&self, name: &str) -> Option<&ValueType> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, ty)| ty)
    }
}

impl ValueType {
    /// A list of `element`.
    pub fn list(element: ValueType) -> ValueType {
        ValueType::List(Arc::new(element))
    }

    /// A record of the given fields.
    pub fn record<N: Into<String>>(fields: impl IntoIterator<Item = (N, ValueType)>) -> ValueType {
        ValueType::Record(Arc::new(RecordType::new(
            fields.into_iter().map(|(name, ty)| (name.into(), ty)),
        )))
    }

    /// True for the two exact-number types that hold decimals.
    pub fn is_decimal(&self) -> bool {
        matches!(self, ValueType::Decimal | ValueType::Money)
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueType::Any => f.write_str("any"),
            ValueType::Bool => f.write_str("bool"),
            ValueType::Int => f.write_str("int"),
            ValueType::Decimal => f.write_str("decimal"),
            ValueType::Money => f.write_str("money"),
            ValueType::Text => f.write_str("text"),
            ValueType::Date => f.write_str("date"),
            ValueType::DateTime => f.write_str("datetime"),
            ValueType::Duration => f.write_str("duration"),
            ValueType::Week => f.write_str("week"),
            ValueType::List(element) => write!(f, "list<{element}>"),
            ValueType::Record(record) => {
                f.write_str("{")?;
                for (i, (name, ty)) in record.fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    let plain = name
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                    if plain {
                        write!(f, "{name}: {ty}")?;
                    } else {
                        write!(f, "`{}`: {ty}", name.replace('`', "``"))?;
                    }
                }
                f.write_str("}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_print_as_an_analyst_writes_them() {
        let breaks = ValueType::list(ValueType::record([
            ("start", ValueType::DateTime),
            ("end", ValueType::DateTime),
        ]));
        assert_eq!(breaks.to_string(), "list<{start: datetime, end: datetime}>");
        assert_eq!(ValueType::Money.to_string(), "money");
        let odd = ValueType::record([("first name", ValueType::Text)]);
        assert_eq!(odd.to_string(), "{`first name`: text}");
    }
}
