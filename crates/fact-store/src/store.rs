//! The `FactStore` trait: the narrow interface through which everything above reads and
//! changes facts, whichever backend holds them; and the checks both backends share.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::catalog::{Catalog, FactTypeId, FieldId, Presence, Schema};
use crate::id::FactId;
use crate::intern::{Interner, Symbol, TextCapacityError};
use crate::memory::MemoryUsage;
use crate::value::{Record, Value};
use crate::value_type::ValueType;

/// An input field that no schema declares, kept as it came: its name and the exact JSON
/// text of its value, both interned. Writers put it back out unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Extra {
    /// The field name.
    pub name: Symbol,
    /// The value's JSON text, exactly as read (`"L07"`, `1.50`, `{"a":[1]}`).
    pub raw: Symbol,
}

/// One fact, copied out of a store.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// Its id.
    pub id: FactId,
    /// Declared fields, indexed by `FieldId`; `None` is missing.
    pub fields: Vec<Option<Value>>,
    /// Undeclared input fields, in the order the store first saw their names.
    pub extras: Vec<Extra>,
}

/// Why a store refused an operation.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreError {
    /// The id names no live fact: it was retracted, or never issued by this store.
    StaleId(FactId),
    /// The fact type is not in the store's catalog.
    UnknownType(FactTypeId),
    /// The field is not declared by the fact type.
    UnknownField {
        /// The fact type's name.
        fact_type: String,
        /// The field id given.
        field: FieldId,
    },
    /// An insert gave a different number of fields than the schema declares.
    WrongFieldCount {
        /// The fact type's name.
        fact_type: String,
        /// Declared fields.
        expected: usize,
        /// Fields given.
        found: usize,
    },
    /// A value of the wrong kind for its declared type.
    WrongType {
        /// The fact type's name.
        fact_type: String,
        /// The field's name.
        field: String,
        /// The declared type.
        expected: ValueType,
        /// The kind of value given.
        found: &'static str,
    },
    /// A required field was missing or null.
    MissingRequired {
        /// The fact type's name.
        fact_type: String,
        /// The field's name.
        field: String,
    },
    /// A fixed limit was reached; the text says which.
    Capacity(&'static str),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::StaleId(id) => write!(
                f,
                "fact {id} does not exist (it was retracted, or the id is from another store)"
            ),
            StoreError::UnknownType(ty) => write!(
                f,
                "fact type {ty:?} is not declared in this store's catalog"
            ),
            StoreError::UnknownField { fact_type, field } => {
                write!(f, "fact type `{fact_type}` has no field {field:?}")
            }
            StoreError::WrongFieldCount {
                fact_type,
                expected,
                found,
            } => {
                write!(
                    f,
                    "fact type `{fact_type}` declares {expected} fields but {found} were given"
                )
            }
            StoreError::WrongType {
                fact_type,
                field,
                expected,
                found,
            } => {
                write!(
                    f,
                    "`{fact_type}.{field}` is declared {expected}, but a {found} value was given"
                )
            }
            StoreError::MissingRequired { fact_type, field } => {
                write!(
                    f,
                    "`{fact_type}.{field}` is required, but no value was given"
                )
            }
            StoreError::Capacity(what) => write!(f, "the store is full: too many {what}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<TextCapacityError> for StoreError {
    fn from(_: TextCapacityError) -> StoreError {
        StoreError::Capacity("distinct text bytes (4 GiB)")
    }
}

/// Where facts live. Every backend gives the same ids for the same sequence of operations,
/// and the same answers; they differ only in layout and cost.
pub trait FactStore {
    /// The fact types this store holds.
    fn catalog(&self) -> &Arc<Catalog>;

    /// The interner that resolves this store's text values.
    fn interner(&self) -> &Interner;

    /// The interner, to intern text for new values.
    fn interner_mut(&mut self) -> &mut Interner;

    /// Adds a fact. `fields` holds one entry per declared field (`None` for missing);
    /// values are checked against the schema, and an int given for a decimal field is
    /// widened exactly.
    fn insert(
        &mut self,
        fact_type: FactTypeId,
        fields: &[Option<Value>],
        extras: &[Extra],
    ) -> Result<FactId, StoreError>;

    /// A copy of a live fact.
    fn get(&self, id: FactId) -> Option<Fact>;

    /// One field of a live fact; `Ok(None)` when the fact lacks it.
    fn get_field(&self, id: FactId, field: FieldId) -> Result<Option<Value>, StoreError>;

    /// One field of a live fact, `None` when it is missing or there is no such fact or
    /// field: for the hot paths that treat those alike, without making an error.
    fn field(&self, id: FactId, field: FieldId) -> Option<Value> {
        self.get_field(id, field).ok().flatten()
    }

    /// Replaces one field of a live fact (`None` makes it missing); returns the old value.
    fn update(
        &mut self,
        id: FactId,
        field: FieldId,
        value: Option<Value>,
    ) -> Result<Option<Value>, StoreError>;

    /// Removes a live fact. Its id goes stale for good.
    fn retract(&mut self, id: FactId) -> Result<(), StoreError>;

    /// True when `id` names a live fact.
    fn contains(&self, id: FactId) -> bool;

    /// The number of live facts of a type.
    fn len(&self, fact_type: FactTypeId) -> usize;

    /// True when no fact of the type is live.
    fn is_empty(&self, fact_type: FactTypeId) -> bool {
        self.len(fact_type) == 0
    }

    /// The ids of the live facts of a type, in row order.
    fn ids(&self, fact_type: FactTypeId) -> impl Iterator<Item = FactId> + '_;

    /// One field of every live fact of a type, in row order.
    fn column(
        &self,
        fact_type: FactTypeId,
        field: FieldId,
    ) -> Result<impl Iterator<Item = (FactId, Option<Value>)> + '_, StoreError>;

    /// The names of the undeclared fields seen for a type, in first-seen order.
    fn extra_names(&self, fact_type: FactTypeId) -> Vec<Symbol>;

    /// What the store's memory is spent on.
    fn memory(&self) -> MemoryUsage;
}

/// The schema of `fact_type` in `catalog`, or `UnknownType`.
pub(crate) fn schema_of(catalog: &Catalog, fact_type: FactTypeId) -> Result<&Schema, StoreError> {
    catalog
        .get(fact_type)
        .ok_or(StoreError::UnknownType(fact_type))
}

/// Checks a field's value against its declaration, without copying it.
pub(crate) fn check_field(
    schema: &Schema,
    field: FieldId,
    value: Option<&Value>,
    interner: &Interner,
) -> Result<(), StoreError> {
    let Some(def) = schema.fields().get(field.index()) else {
        return Err(StoreError::UnknownField {
            fact_type: schema.name().to_owned(),
            field,
        });
    };
    let missing = || StoreError::MissingRequired {
        fact_type: schema.name().to_owned(),
        field: def.name.clone(),
    };
    match value {
        None | Some(Value::Null) if def.presence == Presence::Required => Err(missing()),
        None | Some(Value::Null) => Ok(()),
        Some(value) if conforms(&def.ty, value, interner) => Ok(()),
        Some(value) => Err(StoreError::WrongType {
            fact_type: schema.name().to_owned(),
            field: def.name.clone(),
            expected: def.ty.clone(),
            found: value.kind_name(),
        }),
    }
}

/// Checks every field of an insert, without copying anything: what `insert` would refuse.
/// (Rule engines check a derived fact with it before deciding to make it.)
pub fn check_fields(
    schema: &Schema,
    fields: &[Option<Value>],
    interner: &Interner,
) -> Result<(), StoreError> {
    if fields.len() != schema.fields().len() {
        return Err(StoreError::WrongFieldCount {
            fact_type: schema.name().to_owned(),
            expected: schema.fields().len(),
            found: fields.len(),
        });
    }
    schema
        .iter()
        .zip(fields)
        .try_for_each(|((id, _), value)| check_field(schema, id, value.as_ref(), interner))
}

/// A checked value in the form a store keeps it: ints given for decimal fields (at any
/// depth) become decimals, exactly. Borrowed when nothing changes, which is the rule.
pub(crate) fn stored<'v>(ty: &ValueType, value: &'v Value, interner: &Interner) -> Cow<'v, Value> {
    if needs_widening(ty, value, interner) {
        Cow::Owned(widen(ty, value, interner))
    } else {
        Cow::Borrowed(value)
    }
}

/// True when `value` may be stored under `ty`. Nested null is allowed; nested record
/// fields that the record type does not declare are kept as given.
fn conforms(ty: &ValueType, value: &Value, interner: &Interner) -> bool {
    match (ty, value) {
        (ValueType::Any, _)
        | (ValueType::Bool, Value::Bool(_))
        | (ValueType::Int, Value::Int(_))
        | (ValueType::Decimal | ValueType::Money, Value::Decimal(_) | Value::Int(_))
        | (ValueType::Text, Value::Text(_))
        | (ValueType::Date, Value::Date(_))
        | (ValueType::DateTime, Value::DateTime(_))
        | (ValueType::Duration, Value::Duration(_))
        | (ValueType::Week, Value::Week(_)) => true,
        (ValueType::List(element), Value::List(items)) => items
            .iter()
            .all(|item| matches!(item, Value::Null) || conforms(element, item, interner)),
        (ValueType::Record(record_type), Value::Record(record)) => {
            record.fields().iter().all(|(name, field)| {
                match record_type.field(interner.resolve(*name)) {
                    Some(field_type) => {
                        matches!(field, Value::Null) || conforms(field_type, field, interner)
                    }
                    None => true,
                }
            })
        }
        _ => false,
    }
}

fn needs_widening(ty: &ValueType, value: &Value, interner: &Interner) -> bool {
    match (ty, value) {
        (ValueType::Decimal | ValueType::Money, Value::Int(_)) => true,
        (ValueType::List(element), Value::List(items)) => items
            .iter()
            .any(|item| needs_widening(element, item, interner)),
        (ValueType::Record(record_type), Value::Record(record)) => {
            record.fields().iter().any(|(name, field)| {
                record_type
                    .field(interner.resolve(*name))
                    .is_some_and(|field_type| needs_widening(field_type, field, interner))
            })
        }
        _ => false,
    }
}

fn widen(ty: &ValueType, value: &Value, interner: &Interner) -> Value {
    match (ty, value) {
        (ValueType::Decimal | ValueType::Money, Value::Int(i)) => Value::Decimal((*i).into()),
        (ValueType::List(element), Value::List(items)) => Value::List(
            items
                .iter()
                .map(|item| widen(element, item, interner))
                .collect::<Vec<_>>()
                .into(),
        ),
        (ValueType::Record(record_type), Value::Record(record)) => Value::Record(Record::new(
            record
                .fields()
                .iter()
                .map(
                    |(name, field)| match record_type.field(interner.resolve(*name)) {
                        Some(field_type) => (*name, widen(field_type, field, interner)),
                        None => (*name, field.clone()),
                    },
                )
                .collect::<Vec<_>>(),
        )),
        _ => value.clone(),
    }
}
