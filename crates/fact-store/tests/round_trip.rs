//! Read -> store -> write round trips exactly, for both backends: NDJSON text written by an
//! emitter independent of the crate's writer is read and written back byte for byte, and
//! CSV written from a store reads back to the same facts.

mod common;

use common::{FactSpec, Spec, catalog, shift, shift_type};
use proptest::prelude::*;
use reckon_fact_store::io::{
    CsvWriteOptions, ReadOptions, read_csv, read_json_array, read_ndjson, write_csv,
    write_ndjson_all,
};
use reckon_fact_store::{ColumnStore, FactId, FactStore, RowStore, Schema, ValueType};

/// The canonical NDJSON line of a fact: `type`, declared fields in schema order, then
/// undeclared fields in the order their names were first seen in the input.
fn emit(schema: &Schema, fact: &FactSpec, extra_order: &[String]) -> String {
    let mut out = format!("{{\"type\":{}", json_string(schema.name()));
    for (def, field) in schema.fields().iter().zip(&fact.fields) {
        if let Some(value) = field {
            out.push_str(&format!(
                ",{}:{}",
                json_string(&def.name),
                emit_value(value, Some(&def.ty))
            ));
        }
    }
    for name in extra_order {
        if let Some((_, raw)) = fact.extras.iter().find(|(extra, _)| extra == name) {
            out.push_str(&format!(",{}:{raw}", json_string(name)));
        }
    }
    out.push('}');
    out
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

fn emit_value(value: &Spec, ty: Option<&ValueType>) -> String {
    match value {
        Spec::Null => "null".into(),
        Spec::Bool(b) => b.to_string(),
        Spec::Int(i) => i.to_string(),
        Spec::Decimal(d) => {
            let text = d.to_string();
            match (ty, d.scale()) {
                (Some(ValueType::Money), 0) => format!("{text}.00"),
                (Some(ValueType::Money), 1) => format!("{text}0"),
                _ => text,
            }
        }
        Spec::Text(t) => json_string(t),
        Spec::Date(d) => format!("\"{d}\""),
        Spec::DateTime(d) => format!("\"{d}\""),
        Spec::Duration(d) => format!("\"{d}\""),
        Spec::Week(w) => format!("\"{w}\""),
        Spec::List(items) => {
            let element = match ty {
                Some(ValueType::List(element)) => Some(&**element),
                _ => None,
            };
            let items: Vec<String> = items.iter().map(|item| emit_value(item, element)).collect();
            format!("[{}]", items.join(","))
        }
        Spec::Record(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(name, field)| {
                    let field_type = match ty {
                        Some(ValueType::Record(record)) => record.field(name),
                        _ => None,
                    };
                    format!("{}:{}", json_string(name), emit_value(field, field_type))
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        }
    }
}

fn ndjson_of(facts: &[FactSpec]) -> String {
    let catalog = catalog();
    let schema = catalog.schema(shift_type(&catalog));
    let mut extra_order: Vec<String> = Vec::new();
    for (name, _) in facts.iter().flat_map(|fact| &fact.extras) {
        if !extra_order.contains(name) {
            extra_order.push(name.clone());
        }
    }
    // Each fact is emitted with its extras in the canonical order, so the input already is
    // in the form the writer produces.
    facts
        .iter()
        .map(|fact| emit(schema, fact, &extra_order) + "\n")
        .collect()
}

/// A fact's declared fields as text, comparable across stores with different interners.
fn declared_text<S: FactStore>(store: &S, id: FactId) -> Vec<Option<String>> {
    let fact = store.get(id).unwrap();
    fact.fields
        .iter()
        .map(|field| {
            field
                .as_ref()
                .map(|value| value.display(store.interner()).to_string())
        })
        .collect()
}

fn written<S: FactStore>(store: &S) -> String {
    let mut out = Vec::new();
    write_ndjson_all(store, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn csv_of<S: FactStore>(store: &S) -> String {
    let mut out = Vec::new();
    write_csv(
        store,
        shift_type(store.catalog()),
        &mut out,
        &CsvWriteOptions::default(),
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

fn round_trip_ndjson<S: FactStore>(mut store: S, text: &str) -> Result<(), TestCaseError> {
    let report = read_ndjson(
        text.as_bytes(),
        &mut store,
        &ReadOptions::new("facts.ndjson"),
    );
    prop_assert!(report.is_ok(), "{}", report.unwrap_err());
    prop_assert_eq!(written(&store), text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ndjson_round_trips_exactly_in_both_backends(facts in prop::collection::vec(shift(false), 0..12)) {
        let text = ndjson_of(&facts);
        round_trip_ndjson(ColumnStore::new(catalog()), &text)?;
        round_trip_ndjson(RowStore::new(catalog()), &text)?;
    }

    #[test]
    fn a_json_array_reads_like_the_same_ndjson(facts in prop::collection::vec(shift(false), 0..12), pretty in any::<bool>()) {
        let text = ndjson_of(&facts);
        let separator = if pretty { ",\n  " } else { "," };
        let array = format!("[{}]", text.lines().collect::<Vec<_>>().join(separator));
        let mut store = ColumnStore::new(catalog());
        let report = read_json_array(array.as_bytes(), &mut store, &ReadOptions::new("facts.json"));
        prop_assert!(report.is_ok(), "{}", report.unwrap_err());
        prop_assert_eq!(written(&store), text);
    }

    #[test]
    fn csv_round_trips_in_both_backends(facts in prop::collection::vec(shift(true), 0..12)) {
        let text = ndjson_of(&facts);
        let mut original = ColumnStore::new(catalog());
        read_ndjson(text.as_bytes(), &mut original, &ReadOptions::new("facts.ndjson")).unwrap();
        let csv = csv_of(&original);
        let options = ReadOptions::new("shifts.csv").with_fact_type(shift_type(original.catalog()));

        let mut columns = ColumnStore::new(catalog());
        let report = read_csv(csv.as_bytes(), &mut columns, &options);
        prop_assert!(report.is_ok(), "{}", report.unwrap_err());
        let mut rows = RowStore::new(catalog());
        read_csv(csv.as_bytes(), &mut rows, &options).unwrap();

        prop_assert_eq!(csv_of(&columns), csv.clone());
        prop_assert_eq!(csv_of(&rows), csv);
        // Declared fields come back as the same values; the CSV text of extras stays text.
        let ty = shift_type(original.catalog());
        prop_assert_eq!(columns.len(ty), facts.len());
        for ((a, b), c) in original.ids(ty).zip(columns.ids(ty)).zip(rows.ids(ty)) {
            prop_assert_eq!(declared_text(&original, a), declared_text(&columns, b));
            prop_assert_eq!(declared_text(&columns, b), declared_text(&rows, c));
        }
    }
}

#[test]
fn undeclared_fields_keep_their_exact_json_even_when_reordered() {
    let text = concat!(
        "{\"type\":\"employee\",\"id\":\"E1\",\"hourly_rate\":12.5,\"a\":1.50,\"b\":{\"x\": [1e3]}}\n",
        "{\"type\":\"employee\",\"b\":\"\\u00e9\",\"id\":\"E2\",\"a\":null,\"hourly_rate\":40}\n",
    );
    let mut store = ColumnStore::new(catalog());
    read_ndjson(text.as_bytes(), &mut store, &ReadOptions::default()).unwrap();
    assert_eq!(
        written(&store),
        concat!(
            "{\"type\":\"employee\",\"id\":\"E1\",\"hourly_rate\":12.5,\"a\":1.50,\"b\":{\"x\": [1e3]}}\n",
            "{\"type\":\"employee\",\"id\":\"E2\",\"hourly_rate\":40,\"a\":null,\"b\":\"\\u00e9\"}\n",
        )
    );
}
