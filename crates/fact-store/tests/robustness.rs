//! Hostile input never panics a reader: arbitrary bytes, and valid input with random bytes
//! changed, go through every reader, which must either load facts or report errors — and
//! the facts it reports loaded must be exactly the facts in the store.

mod common;

use common::{catalog, shift_type};
use proptest::prelude::*;
use reckon_fact_store::io::{ReadOptions, infer_ndjson, read_csv, read_json_array, read_ndjson};
use reckon_fact_store::{ColumnStore, FactStore, RowStore};

const VALID_NDJSON: &str = concat!(
    r#"{"type":"shift","id":"S1","start":"2025-01-06T09:00:00","end":"2025-01-06T17:30:00","break_minutes":30,"pay":"x"}"#,
    "\n",
    r#"{"type":"shift","id":"S2","start":"2025-01-06T22:00:00","pay":12.50,"breaks":[{"start":"2025-01-07T01:00:00","minutes":15}],"meta":{"a":[1,2.5,null]}}"#,
    "\n",
    r#"{"type":"employee","id":"E1","hourly_rate":12.5,"note":"caf\u00e9"}"#,
    "\n",
);

const VALID_CSV: &str = "id,start,break_minutes,pay,breaks,meta,extra\nS1,2025-01-06T09:00:00,30,12.50,\"[{\"\"minutes\"\":5}]\",\"{}\",x\nS2,2025-01-06T10:00:00,,,,,\n";

fn mutated(base: &str) -> impl Strategy<Value = Vec<u8>> {
    let len = base.len();
    prop::collection::vec((0..len, any::<u8>()), 0..8).prop_map(move |edits| {
        let mut bytes = base.as_bytes().to_vec();
        for (at, byte) in edits {
            bytes[at] = byte;
        }
        bytes
    })
}

fn check_all_readers(bytes: &[u8]) -> Result<(), TestCaseError> {
    let options = ReadOptions::new("fuzz").collect_errors();
    let catalog = catalog();
    let shift = shift_type(&catalog);
    let loaded = |store: &ColumnStore| {
        store
            .catalog()
            .iter()
            .map(|(ty, _)| store.len(ty))
            .sum::<usize>()
    };

    let mut store = ColumnStore::new(catalog.clone());
    let facts = match read_ndjson(bytes, &mut store, &options) {
        Ok(report) => report.facts,
        Err(error) => {
            prop_assert!(!error.errors.is_empty());
            error.facts
        }
    };
    prop_assert_eq!(facts, loaded(&store));

    let mut store = ColumnStore::new(catalog.clone());
    let facts = read_json_array(bytes, &mut store, &options).map_or_else(|e| e.facts, |r| r.facts);
    prop_assert_eq!(facts, loaded(&store));

    let mut store = RowStore::new(catalog.clone());
    let csv_options = options.clone().with_fact_type(shift);
    let facts = read_csv(bytes, &mut store, &csv_options).map_or_else(|e| e.facts, |r| r.facts);
    prop_assert_eq!(facts, store.len(shift));

    let _ = infer_ndjson(bytes, "fuzz");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check_all_readers(&bytes)?;
    }

    #[test]
    fn damaged_ndjson_never_panics(bytes in mutated(VALID_NDJSON)) {
        check_all_readers(&bytes)?;
    }

    #[test]
    fn damaged_json_arrays_never_panic(bytes in mutated(&format!("[{}]", VALID_NDJSON.trim_end().replace('\n', ",\n")))) {
        check_all_readers(&bytes)?;
    }

    #[test]
    fn damaged_csv_never_panics(bytes in mutated(VALID_CSV)) {
        check_all_readers(&bytes)?;
    }
}

#[test]
fn the_valid_samples_load() {
    let options = ReadOptions::new("sample");
    let mut store = ColumnStore::new(catalog());
    assert!(
        read_ndjson(VALID_NDJSON.as_bytes(), &mut store, &options).is_err(),
        "S1 has a text pay"
    );
    let csv_options = options.with_fact_type(shift_type(store.catalog()));
    let mut store = ColumnStore::new(catalog());
    let report = read_csv(VALID_CSV.as_bytes(), &mut store, &csv_options).unwrap();
    assert_eq!(report.facts, 2);
}
