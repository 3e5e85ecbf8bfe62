//! Feeds arbitrary bytes to every fact reader: NDJSON, JSON arrays, CSV and schema
//! inference. Any panic, or a reader that reports more facts loaded than the store holds,
//! is a bug. Run with `cargo fuzz run read_facts` from `crates/fact-store`.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use reckon_fact_store::io::{ReadOptions, infer_ndjson, read_csv, read_json_array, read_ndjson};
use reckon_fact_store::{Catalog, ColumnStore, FactStore, Schema, ValueType};

fn catalog() -> Arc<Catalog> {
    let mut catalog = Catalog::new();
    let shift = Schema::builder("shift")
        .required("id", ValueType::Text)
        .required("start", ValueType::DateTime)
        .optional("break_minutes", ValueType::Int)
        .optional("pay", ValueType::Money)
        .optional("day", ValueType::Date)
        .optional("length", ValueType::Duration)
        .optional("breaks", ValueType::list(ValueType::record([("minutes", ValueType::Int)])))
        .optional("meta", ValueType::Any)
        .build()
        .expect("a valid schema");
    catalog.add(shift).expect("one type");
    Arc::new(catalog)
}

fn loaded(store: &ColumnStore) -> usize {
    store.catalog().iter().map(|(ty, _)| store.len(ty)).sum()
}

fuzz_target!(|bytes: &[u8]| {
    let catalog = catalog();
    let shift = catalog.id("shift").expect("declared above");
    let options = ReadOptions::new("fuzz").collect_errors().with_fact_type(shift);

    let mut store = ColumnStore::new(catalog.clone());
    let facts = read_ndjson(bytes, &mut store, &options).map_or_else(|e| e.facts, |r| r.facts);
    assert_eq!(facts, loaded(&store));

    let mut store = ColumnStore::new(catalog.clone());
    let facts = read_json_array(bytes, &mut store, &options).map_or_else(|e| e.facts, |r| r.facts);
    assert_eq!(facts, loaded(&store));

    let mut store = ColumnStore::new(catalog);
    let facts = read_csv(bytes, &mut store, &options).map_or_else(|e| e.facts, |r| r.facts);
    assert_eq!(facts, loaded(&store));

    let _ = infer_ndjson(bytes, "fuzz");
});
