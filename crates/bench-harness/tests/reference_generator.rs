//! The workforce catalog accepts what the reference generator, `gen_workload.py` (copied
//! into `testdata/workload`), writes: its rates are plain JSON numbers (`12.5`) and its thresholds
//! integers (`40`), and both must load into decimal fields.

use std::fs::{self, File};
use std::io::BufReader;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use reckon_bench_harness::workforce::{self, EMPLOYEE};
use reckon_fact_store::io::{ReadOptions, read_ndjson};
use reckon_fact_store::{ColumnStore, Decimal, FactStore, Value};

#[test]
fn reference_generator_output_loads_into_the_workforce_catalog() {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/workload/gen_workload.py");
    let out = std::env::temp_dir().join(format!(
        "reckon-bench-harness-reference-{}",
        std::process::id()
    ));
    let generated = Command::new("python3")
        .arg(&script)
        .args(["--n", "2000", "--out"])
        .arg(&out)
        .output()
        .expect("python3 runs");
    assert!(
        generated.status.success(),
        "{} failed: {}",
        script.display(),
        String::from_utf8_lossy(&generated.stderr)
    );

    let mut store = ColumnStore::new(Arc::new(workforce::catalog()));
    let facts = File::open(out.join("facts.ndjson")).unwrap();
    let options = ReadOptions::new("facts.ndjson").collect_errors();
    let report = read_ndjson(BufReader::new(facts), &mut store, &options);
    fs::remove_dir_all(&out).unwrap();

    let report = report.unwrap_or_else(|error| panic!("reference facts did not load:\n{error}"));
    assert_eq!(report.facts, 2_200);
    assert_eq!(report.per_type, [200, 2_000]);
    let employee = store.catalog().id(EMPLOYEE).unwrap();
    let schema = store.catalog().schema(employee);
    let rate = schema.field_id("hourly_rate").unwrap();
    let threshold = schema.field_id("weekly_ot_threshold").unwrap();
    for (_, value) in store.column(employee, rate).unwrap() {
        let Some(Value::Decimal(rate)) = value else {
            panic!("hourly_rate loaded as {value:?}");
        };
        assert!((rate * Decimal::from(4)).fract().is_zero(), "rate {rate}");
    }
    for (_, value) in store.column(employee, threshold).unwrap() {
        assert!(
            [38, 40, 45]
                .map(|hours| Some(Value::Decimal(Decimal::from(hours))))
                .contains(&value),
            "weekly_ot_threshold loaded as {value:?}"
        );
    }
}
