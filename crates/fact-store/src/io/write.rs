//! The NDJSON writer: one object per fact, `"type"` first, then the declared fields in
//! schema order (missing ones left out), then the undeclared fields exactly as they were
//! read. Reading the output back gives the same facts.

use std::fmt;
use std::io::Write;

use crate::format::{write_json, write_json_string};
use crate::id::FactId;
use crate::store::{Fact, FactStore};

/// Why facts could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The output refused the bytes.
    Io(std::io::Error),
    /// An id to write names no live fact.
    StaleId(FactId),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Io(error) => write!(f, "cannot write facts: {error}"),
            WriteError::StaleId(id) => write!(f, "cannot write fact {id}: it does not exist"),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io(error) => Some(error),
            WriteError::StaleId(_) => None,
        }
    }
}

impl From<std::io::Error> for WriteError {
    fn from(error: std::io::Error) -> WriteError {
        WriteError::Io(error)
    }
}

/// Appends the JSON object of `fact` (no newline).
pub fn fact_json<S: FactStore + ?Sized>(store: &S, fact: &Fact, out: &mut String) {
    let schema = store.catalog().schema(fact.id.fact_type());
    let interner = store.interner();
    out.push_str(schema.json_head());
    for ((id, def), value) in schema.iter().zip(&fact.fields) {
        if let Some(value) = value {
            out.push_str(schema.json_key(id));
            write_json(out, value, Some(&def.ty), interner);
        }
    }
    for extra in &fact.extras {
        out.push(',');
        write_json_string(out, interner.resolve(extra.name));
        out.push(':');
        out.push_str(interner.resolve(extra.raw));
    }
    out.push('}');
}

/// Writes the facts `ids`, in the order given, one per line. Returns how many were written.
pub fn write_ndjson<S: FactStore + ?Sized>(
    store: &S,
    ids: impl IntoIterator<Item = FactId>,
    mut out: impl Write,
) -> Result<usize, WriteError> {
    let mut line = String::new();
    let mut written = 0;
    for id in ids {
        let fact = store.get(id).ok_or(WriteError::StaleId(id))?;
        line.clear();
        fact_json(store, &fact, &mut line);
        line.push('\n');
        out.write_all(line.as_bytes())?;
        written += 1;
    }
    out.flush()?;
    Ok(written)
}

/// Writes every live fact: fact types in catalog order, facts in row order.
pub fn write_ndjson_all<S: FactStore + ?Sized>(
    store: &S,
    mut out: impl Write,
) -> Result<usize, WriteError> {
    let mut written = 0;
    for (fact_type, _) in store.catalog().iter() {
        written += write_ndjson(store, store.ids(fact_type), &mut out)?;
    }
    Ok(written)
}
