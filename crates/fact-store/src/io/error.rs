//! Input errors as plain data: where (source, line, column, fact type, fact id, field) and
//! what (the expected type and the value found), with a hint where one helps. Rendering is
//! the `Display` impl; callers that want another form read the fields.

use std::fmt;
use std::sync::Arc;

use crate::store::StoreError;
use crate::suggest::closest_name;
use crate::value_type::ValueType;

/// One problem in input, located as precisely as the format allows.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// The file name (or `-` for standard input) given in the read options.
    pub source: Arc<str>,
    /// The line, from 1. For CSV, the line where the record starts.
    pub line: u64,
    /// The column in characters, from 1, where the format gives one.
    pub column: Option<u32>,
    /// The fact type, once known.
    pub fact_type: Option<String>,
    /// The fact's `id` field, if it has one.
    pub fact_id: Option<String>,
    /// The field at fault.
    pub field: Option<String>,
    /// What is wrong.
    pub kind: InputErrorKind,
}

/// What is wrong with a piece of input.
#[derive(Debug, Clone, PartialEq)]
pub enum InputErrorKind {
    /// The text is not valid JSON or CSV.
    Syntax(String),
    /// The bytes are not UTF-8.
    NotUtf8,
    /// A line (or a JSON array element) exceeds the size limit.
    TooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// A fact must be a JSON object.
    NotAnObject {
        /// What was found instead.
        found: String,
    },
    /// No `type` member (or column) and no default fact type.
    MissingType {
        /// The fact types the catalog declares.
        known: Vec<String>,
    },
    /// The `type` member is not a string.
    TypeNotText {
        /// What was found instead.
        found: String,
    },
    /// The fact type is not declared.
    UnknownType {
        /// The name found.
        found: String,
        /// The fact types the catalog declares.
        known: Vec<String>,
    },
    /// A field appears twice in one fact, or a column twice in a CSV header.
    DuplicateField,
    /// A required field is absent.
    MissingField {
        /// Its declared type.
        expected: ValueType,
    },
    /// A required field is null.
    NullField {
        /// Its declared type.
        expected: ValueType,
    },
    /// A value of the wrong kind.
    WrongType {
        /// The declared type.
        expected: ValueType,
        /// The value found, shortened, with its kind.
        found: String,
    },
    /// A value of the right kind that is not valid for the type (a 30th of February, a
    /// number beyond 28 digits, a datetime with an offset).
    InvalidValue {
        /// The declared type.
        expected: ValueType,
        /// The value found, shortened.
        found: String,
        /// Why it is not valid.
        reason: String,
    },
    /// The store refused the fact (it is full).
    Store(StoreError),
    /// Reading the input failed.
    Io(String),
}

impl InputError {
    /// A hint on how to fix the input, where there is one.
    pub fn help(&self) -> Option<String> {
        match &self.kind {
            InputErrorKind::WrongType { expected, found } => {
                let quoted_number = found.starts_with('"') && found.ends_with("(text)") && {
                    let inner = found.trim_end_matches(" (text)").trim_matches('"');
                    super::convert::number_kind(inner).is_some()
                };
                if quoted_number
                    && matches!(
                        expected,
                        ValueType::Int | ValueType::Decimal | ValueType::Money
                    )
                {
                    Some("write the number without quotes".into())
                } else if matches!(
                    expected,
                    ValueType::Text | ValueType::Date | ValueType::DateTime | ValueType::Duration
                ) && !found.starts_with('"')
                {
                    Some(format!(
                        "a {expected} is written as a string in double quotes"
                    ))
                } else if *expected == ValueType::Int && found.ends_with("(decimal)") {
                    Some("an int field takes whole numbers only; declare the field decimal if fractions are allowed".into())
                } else {
                    None
                }
            }
            InputErrorKind::MissingField { .. } => Some(
                "add the field to the fact, or declare it optional if facts may lack it".into(),
            ),
            InputErrorKind::NullField { .. } => {
                Some("give a value, or declare the field optional to allow null".into())
            }
            InputErrorKind::UnknownType { found, known } => {
                let suggestion = closest_name(found, known.iter().map(String::as_str));
                Some(match suggestion {
                    Some(name) => format!(
                        "did you mean `{name}`? Declared types: {}",
                        known.join(", ")
                    ),
                    None if known.is_empty() => {
                        "no fact types are declared yet; declare one with `fact`".into()
                    }
                    None => format!("declared types: {}", known.join(", ")),
                })
            }
            InputErrorKind::MissingType { known } if !known.is_empty() => {
                Some(format!("add \"type\": one of {}", known.join(", ")))
            }
            InputErrorKind::DuplicateField => Some("keep one of the two".into()),
            InputErrorKind::TooLong { .. } => Some(
                "split the input, or raise the size limit (`max_value_bytes` in the read options)"
                    .into(),
            ),
            _ => None,
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.source, self.line)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        f.write_str(": ")?;
        match (&self.fact_type, &self.fact_id) {
            (Some(ty), Some(id)) => write!(f, "{ty} {id}: ")?,
            (Some(ty), None) => write!(f, "{ty}: ")?,
            (None, Some(id)) => write!(f, "fact {id}: ")?,
            (None, None) => {}
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        match &self.kind {
            InputErrorKind::Syntax(message) => write!(f, "{message}")?,
            InputErrorKind::NotUtf8 => f.write_str("the text is not valid UTF-8")?,
            InputErrorKind::TooLong { limit } => {
                write!(f, "longer than the limit of {limit} bytes")?
            }
            InputErrorKind::NotAnObject { found } => {
                write!(f, "a fact must be a JSON object, found {found}")?
            }
            InputErrorKind::MissingType { .. } => {
                f.write_str("no \"type\" naming the fact type")?
            }
            InputErrorKind::TypeNotText { found } => write!(
                f,
                "\"type\" must be a string naming the fact type, found {found}"
            )?,
            InputErrorKind::UnknownType { found, .. } => {
                write!(f, "unknown fact type \"{found}\"")?
            }
            InputErrorKind::DuplicateField => f.write_str("appears twice")?,
            InputErrorKind::MissingField { expected } => {
                write!(f, "required {expected} value is missing")?
            }
            InputErrorKind::NullField { expected } => {
                write!(f, "required {expected} value is null")?
            }
            InputErrorKind::WrongType { expected, found } => {
                write!(f, "expected {expected}, found {found}")?
            }
            InputErrorKind::InvalidValue {
                expected,
                found,
                reason,
            } => write!(f, "expected {expected}, found {found}: {reason}")?,
            InputErrorKind::Store(error) => write!(f, "{error}")?,
            InputErrorKind::Io(message) => write!(f, "cannot read: {message}")?,
        }
        if let Some(help) = self.help() {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}
