//! The JSON rule front end: rule documents that programs send, read into the same syntax
//! tree as `.calc` (so they lower, check and run exactly alike), and written back from any
//! tree as a canonical document. The format is documented in `docs/json-rules.md`, with a
//! JSON Schema beside it.
//!
//! - `spans.rs` reads the document's structure with the byte span of every value, so that
//!   numbers keep their exact text and every error points at its value.
//! - `read.rs` (with `read_values.rs`, `read_rules.rs` and `read_actions.rs`) turns the
//!   document into an `ast::File`; every structural error names its JSON path
//!   (`rules[3].with[0].where`), and each expression string is a source of its own, so
//!   errors inside it have the column within the string.
//! - `write.rs` turns an `ast::File` into an ordered [`Json`] value (`value.rs`), with
//!   expressions printed as `.calc` text by the formatter's expression printer.
//!
//! ```
//! use reckon_calc_dsl::{Input, compile, json};
//!
//! let calc = compile(&[Input::calc(
//!     "pay.calc",
//!     "fact shift { id: text, hours: decimal }\n\
//!      rule \"Long\"\n  for each shift s where s.hours > 12\n  alert \"long shift {s.id}\"\n",
//! )]);
//! let document = json::to_text(&calc.files[0]);
//! assert!(document.contains(r#""where": "s.hours > 12""#));
//! let again = compile(&[Input::json("pay.json", document)]);
//! assert!(!again.has_errors());
//! assert_eq!(again.program.rules.len(), 1);
//! ```
//!
//! **Architecture Invariant:** the JSON front end produces the same `ast::File` the `.calc`
//! parser does; nothing after parsing knows which language a rule was written in.

mod read;
mod read_actions;
mod read_rules;
mod read_values;
mod spans;
mod value;
mod write;

pub use read::read;
pub use value::Json;
pub use write::{to_text, write};
