//! CSV in and out. A header row names the columns; a `type` column, if present, names
//! each row's fact type, otherwise the read options give it. Declared columns convert
//! under their declared types; other columns are kept as text and written back unchanged.
//!
//! CSV has no null: an empty cell reads as missing, and null and missing both write as an
//! empty cell. Text that is empty therefore also reads back as missing.

use std::io::{Read, Write};
use std::sync::Arc;

use super::convert::convert_cell;
use super::decode::convert_problem;
use super::error::{InputError, InputErrorKind};
use super::load::{Loader, ReadError, ReadOptions, ReadReport};
use super::write::WriteError;
use crate::catalog::{FactTypeId, FieldId, Presence};
use crate::format::{write_json_string, write_plain};
use crate::id::FactId;
use crate::intern::{Symbol, TextCapacityError};
use crate::store::{Extra, FactStore};
use crate::value::Value;

/// How `write_csv` writes.
#[derive(Debug, Clone, Default)]
pub struct CsvWriteOptions {
    /// Start each row with a `type` column naming the fact type, so the file can be read
    /// back without being told its type.
    pub type_column: bool,
}

/// What one header column holds, for one fact type.
#[derive(Debug, Clone, Copy)]
enum Target {
    Type,
    Field(FieldId),
    Extra(Symbol),
}

/// Reads CSV facts from `input` into `store`. The first row is the header.
pub fn read_csv<S: FactStore + ?Sized>(
    input: impl Read,
    store: &mut S,
    options: &ReadOptions,
) -> Result<ReadReport, ReadError> {
    let mut loader = Loader::new(store, options);
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input);
    let header = match reader.headers() {
        Ok(header) => header.clone(),
        Err(error) => {
            let _ = loader.error(csv_error(&loader, &error));
            return loader.finish();
        }
    };
    if let Err(kind) = check_header(&header) {
        let _ = loader.error(loader.at(1, None, kind));
        return loader.finish();
    }
    let type_column = header.iter().position(|name| name == "type");
    let id_column = header.iter().position(|name| name == "id");
    if type_column.is_none() {
        match options.fact_type {
            None => {
                let kind = InputErrorKind::MissingType {
                    known: loader.catalog().type_names(),
                };
                let _ = loader.error(loader.at(1, None, kind));
                return loader.finish();
            }
            Some(fact_type) => {
                if let Some(error) = missing_required_column(&loader, &header, fact_type) {
                    let _ = loader.error(error);
                    return loader.finish();
                }
            }
        }
    }

    let catalog = Arc::clone(loader.store.catalog());
    let mut targets: Vec<Option<Vec<Target>>> = vec![None; catalog.len()];
    let mut record = ::csv::StringRecord::new();
    let mut fields: Vec<Option<Value>> = Vec::new();
    let mut extras: Vec<Extra> = Vec::new();
    let mut problems: Vec<InputError> = Vec::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let error = csv_error(&loader, &error);
                if loader.error(error).is_break() {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(0, ::csv::Position::line);
        let fact_id = id_column
            .and_then(|column| record.get(column))
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        let located = |loader: &Loader<'_, S>,
                       fact_type: Option<&str>,
                       field: Option<&str>,
                       kind| InputError {
            fact_type: fact_type.map(str::to_owned),
            fact_id: fact_id.clone(),
            field: field.map(str::to_owned),
            ..loader.at(line, None, kind)
        };
        if record.as_slice().len() > options.max_value_bytes {
            let error = located(
                &loader,
                None,
                None,
                InputErrorKind::TooLong {
                    limit: options.max_value_bytes,
                },
            );
            if loader.error(error).is_break() {
                break;
            }
            continue;
        }
        let fact_type = match type_column.map(|column| &record[column]) {
            None => options.fact_type.expect("checked before the first record"),
            Some(name) => match loader.catalog().id(name) {
                Some(fact_type) => fact_type,
                None => {
                    let known = loader.catalog().type_names();
                    let kind = if name.is_empty() {
                        InputErrorKind::MissingType { known }
                    } else {
                        InputErrorKind::UnknownType {
                            found: name.to_owned(),
                            known,
                        }
                    };
                    if loader
                        .error(located(&loader, None, Some("type"), kind))
                        .is_break()
                    {
                        break;
                    }
                    continue;
                }
            },
        };
        if targets[fact_type.index()].is_none() {
            match header_targets(&mut loader, &header, fact_type) {
                Ok(made) => targets[fact_type.index()] = Some(made),
                Err(full) => {
                    let _ = loader.error(loader.at(1, None, InputErrorKind::Store(full.into())));
                    break;
                }
            }
        }
        let targets = targets[fact_type.index()].as_ref().expect("filled above");
        let schema = catalog.schema(fact_type);
        fields.clear();
        fields.resize(schema.fields().len(), None);
        extras.clear();
        problems.clear();
        for (cell, target) in record.iter().zip(targets) {
            match *target {
                Target::Type => {}
                Target::Field(_) | Target::Extra(_) if cell.is_empty() => {}
                Target::Field(field) => {
                    let def = schema.field(field);
                    match convert_cell(cell, &def.ty, loader.store.interner_mut()) {
                        Ok(value) => fields[field.index()] = Some(value),
                        Err(error) => problems.push(located(
                            &loader,
                            Some(schema.name()),
                            Some(&def.name),
                            convert_problem(error),
                        )),
                    }
                }
                Target::Extra(name) => {
                    let mut raw = String::with_capacity(cell.len() + 2);
                    write_json_string(&mut raw, cell);
                    match loader.store.interner_mut().intern(&raw) {
                        Ok(raw) => extras.push(Extra { name, raw }),
                        Err(full) => problems.push(located(
                            &loader,
                            Some(schema.name()),
                            None,
                            InputErrorKind::Store(full.into()),
                        )),
                    }
                }
            }
        }
        for (field, def) in schema.iter() {
            let failed = problems
                .iter()
                .any(|problem| problem.field.as_deref() == Some(def.name.as_str()));
            if def.presence == Presence::Required && fields[field.index()].is_none() && !failed {
                let kind = InputErrorKind::MissingField {
                    expected: def.ty.clone(),
                };
                problems.push(located(&loader, Some(schema.name()), Some(&def.name), kind));
            }
        }
        let flow = if problems.is_empty() {
            let inserted = loader.store.insert(fact_type, &fields, &extras);
            loader.inserted(fact_type, inserted, line, None)
        } else {
            let mut flow = std::ops::ControlFlow::Continue(());
            for problem in problems.drain(..) {
                flow = loader.error(problem);
            }
            flow
        };
        if flow.is_break() {
            break;
        }
    }
    loader.finish()
}

/// Refuses a header that names a column twice.
fn check_header(header: &::csv::StringRecord) -> Result<(), InputErrorKind> {
    for (i, name) in header.iter().enumerate() {
        if header.iter().take(i).any(|earlier| earlier == name) {
            return Err(InputErrorKind::Syntax(format!(
                "the header names column `{name}` twice"
            )));
        }
    }
    Ok(())
}

/// The error for a required field of `fact_type` that has no column, if there is one.
fn missing_required_column<S: FactStore + ?Sized>(
    loader: &Loader<'_, S>,
    header: &::csv::StringRecord,
    fact_type: FactTypeId,
) -> Option<InputError> {
    let schema = loader.catalog().schema(fact_type);
    let def = schema.fields().iter().find(|def| {
        def.presence == Presence::Required && !header.iter().any(|name| name == def.name)
    })?;
    let kind = InputErrorKind::Syntax(format!(
        "the header has no column `{}`, which every `{}` fact requires ({})",
        def.name,
        schema.name(),
        def.ty
    ));
    Some(InputError {
        fact_type: Some(schema.name().to_owned()),
        field: Some(def.name.clone()),
        ..loader.at(1, None, kind)
    })
}

/// What each header column holds for facts of `fact_type`.
fn header_targets<S: FactStore + ?Sized>(
    loader: &mut Loader<'_, S>,
    header: &::csv::StringRecord,
    fact_type: FactTypeId,
) -> Result<Vec<Target>, TextCapacityError> {
    let catalog = Arc::clone(loader.store.catalog());
    let schema = catalog.schema(fact_type);
    header
        .iter()
        .map(|name| match (name, schema.field_id(name)) {
            ("type", _) => Ok(Target::Type),
            (_, Some(field)) => Ok(Target::Field(field)),
            (name, None) => loader.store.interner_mut().intern(name).map(Target::Extra),
        })
        .collect()
}

fn csv_error<S: FactStore + ?Sized>(loader: &Loader<'_, S>, error: &::csv::Error) -> InputError {
    let line = error.position().map_or(1, ::csv::Position::line);
    let kind = match error.kind() {
        ::csv::ErrorKind::Utf8 { .. } => InputErrorKind::NotUtf8,
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => InputErrorKind::Syntax(format!(
            "the row has {len} fields but the header has {expected_len}"
        )),
        ::csv::ErrorKind::Io(io) => InputErrorKind::Io(io.to_string()),
        _ => InputErrorKind::Syntax(error.to_string()),
    };
    loader.at(line, None, kind)
}

/// Writes every live fact of `fact_type` as CSV with a header row: declared fields in
/// schema order, then the undeclared fields seen. Returns how many facts were written.
pub fn write_csv<S: FactStore + ?Sized>(
    store: &S,
    fact_type: FactTypeId,
    out: impl Write,
    options: &CsvWriteOptions,
) -> Result<usize, WriteError> {
    write_csv_ids(store, fact_type, store.ids(fact_type), out, options)
}

/// Writes the facts `ids` of `fact_type`, in the order given, as [`write_csv`] does.
pub fn write_csv_ids<S: FactStore + ?Sized>(
    store: &S,
    fact_type: FactTypeId,
    ids: impl IntoIterator<Item = FactId>,
    out: impl Write,
    options: &CsvWriteOptions,
) -> Result<usize, WriteError> {
    let schema = store.catalog().schema(fact_type);
    let interner = store.interner();
    let extra_names = store.extra_names(fact_type);
    let mut writer = ::csv::Writer::from_writer(out);
    let mut row: Vec<String> = Vec::new();
    if options.type_column {
        row.push("type".into());
    }
    row.extend(schema.fields().iter().map(|def| def.name.clone()));
    row.extend(
        extra_names
            .iter()
            .map(|name| interner.resolve(*name).to_owned()),
    );
    writer.write_record(&row).map_err(csv_write_error)?;
    let mut written = 0;
    for id in ids {
        if id.fact_type() != fact_type {
            return Err(WriteError::StaleId(id));
        }
        let fact = store.get(id).ok_or(WriteError::StaleId(id))?;
        row.clear();
        if options.type_column {
            row.push(schema.name().to_owned());
        }
        for (def, value) in schema.fields().iter().zip(&fact.fields) {
            let mut cell = String::new();
            if let Some(value) = value {
                write_plain(&mut cell, value, Some(&def.ty), interner);
            }
            row.push(cell);
        }
        for name in &extra_names {
            let raw = fact
                .extras
                .iter()
                .find(|extra| extra.name == *name)
                .map(|extra| interner.resolve(extra.raw));
            row.push(match raw {
                None => String::new(),
                Some(raw) => match json_string_text(raw) {
                    Some(text) => text,
                    None => raw.to_owned(),
                },
            });
        }
        writer.write_record(&row).map_err(csv_write_error)?;
        written += 1;
    }
    writer.flush()?;
    Ok(written)
}

/// The decoded text of `raw` if it is a JSON string.
fn json_string_text(raw: &str) -> Option<String> {
    let mut scanner = super::json::Scanner::new(raw);
    let token = scanner.value().ok()?;
    scanner.finish().ok()?;
    matches!(token.kind, super::json::Kind::String { .. }).then(|| token.string(raw).into_owned())
}

fn csv_write_error(error: ::csv::Error) -> WriteError {
    match error.into_kind() {
        ::csv::ErrorKind::Io(io) => WriteError::Io(io),
        other => WriteError::Io(std::io::Error::other(format!("{other:?}"))),
    }
}
