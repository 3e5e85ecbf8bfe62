//! Reading facts into a store and writing them out: NDJSON, JSON arrays and CSV in;
//! NDJSON and CSV out. Readers stream, convert each value under its declared type as it
//! is read, and report every problem with its place; writers put undeclared fields back
//! out exactly as they came.

mod convert;
mod csv;
mod decode;
mod error;
mod infer;
mod json;
mod json_array;
mod load;
mod ndjson;
mod write;

pub use self::csv::{CsvWriteOptions, read_csv, write_csv, write_csv_ids};
pub use error::{InputError, InputErrorKind};
pub use infer::infer_ndjson;
pub use json_array::read_json_array;
pub use load::{OnError, ReadError, ReadOptions, ReadReport};
pub use ndjson::read_ndjson;
pub use write::{WriteError, fact_json, write_ndjson, write_ndjson_all};
