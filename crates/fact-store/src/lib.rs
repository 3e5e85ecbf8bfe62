//! Facts and their values: the one `Value` type of Reckon, fact schemas, stable generational
//! fact ids, the `FactStore` trait with its columnar (default) and row backends, and the
//! NDJSON, JSON-array and CSV readers and writers that stream facts in and out of a store.
//!
//! Nothing here knows about rules: this crate is the data layer everything else stands on.
#![forbid(unsafe_code)]

mod bits;
mod catalog;
mod column;
mod digits;
mod format;
mod id;
mod intern;
pub mod io;
mod memory;
mod row;
mod slots;
mod store;
mod suggest;
mod temporal;
mod value;
mod value_type;
mod week;

pub use catalog::{
    Catalog, FactTypeId, FieldDef, FieldId, Presence, Schema, SchemaBuilder, SchemaError,
};
pub use column::ColumnStore;
pub use id::FactId;
pub use intern::{Interner, Symbol, TextCapacityError};
pub use memory::{MemoryUsage, TypeMemory};
pub use row::RowStore;
pub use store::{Extra, Fact, FactStore, StoreError, check_fields};
pub use suggest::closest_name;
pub use temporal::{parse_date, parse_datetime, parse_duration};
pub use value::{Record, Value, ValueDisplay};
pub use value_type::{RecordType, ValueType};
pub use week::Week;

/// Calendar types (`Date`, `DateTime`) and exact durations, re-exported from `jiff`.
pub use jiff::{SignedDuration, civil::Date, civil::DateTime};
/// Exact decimal numbers, re-exported so users of Reckon need no second dependency.
pub use rust_decimal::Decimal;
