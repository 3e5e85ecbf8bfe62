//! Criterion benchmarks of the two fact-store backends on generated workforce facts:
//! inserting shift rows, getting facts by random id, scanning one column, and reading
//! NDJSON into a fresh store.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, Throughput};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reckon_bench_harness::workforce::{self, SHIFT};
use reckon_bench_harness::{WorkforceFact, Workload};
use reckon_fact_store::io::{ReadOptions, read_ndjson};
use reckon_fact_store::{ColumnStore, FactId, FactStore, FactTypeId, RowStore, Value};

/// Shift facts per benchmark: small enough that the whole suite runs in about a minute on
/// two cores. Figures at a million facts come from the `store_report` bench.
const SHIFTS: u64 = 50_000;

/// Facts fetched per iteration of the `get` benchmark.
const LOOKUPS: usize = 10_000;

/// The generated workload every benchmark uses.
fn workload() -> Workload {
    Workload::new(SHIFTS)
}

/// The workload as NDJSON.
fn ndjson() -> Vec<u8> {
    let mut bytes = Vec::new();
    workload()
        .write_ndjson(&mut bytes)
        .expect("writing to memory cannot fail");
    bytes
}

/// The shift type of a store's catalog.
fn shift_type(store: &impl FactStore) -> FactTypeId {
    store
        .catalog()
        .id(SHIFT)
        .expect("the workforce catalog declares shifts")
}

fn insert(c: &mut Criterion) {
    let mut group = c.benchmark_group("insert");
    group.throughput(Throughput::Elements(SHIFTS));
    let catalog = Arc::new(workforce::catalog());
    bench_insert(&mut group, "column", ColumnStore::new(Arc::clone(&catalog)));
    bench_insert(&mut group, "row", RowStore::new(catalog));
    group.finish();
}

/// Times inserting every shift row into a copy of `prototype`, whose interner already
/// holds the rows' text: the copy is made outside the timing, and so is its drop.
fn bench_insert<S: FactStore + Clone>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    mut prototype: S,
) {
    let shift = shift_type(&prototype);
    let rows: Vec<Vec<Option<Value>>> = workload()
        .facts()
        .filter_map(|fact| match fact {
            WorkforceFact::Shift(shift) => Some(shift),
            WorkforceFact::Employee(_) => None,
        })
        .map(|fact| {
            fact.row(prototype.interner_mut())
                .expect("the workload's text fits the interner")
        })
        .collect();
    group.bench_function(name, |b| {
        b.iter_batched(
            || prototype.clone(),
            |mut store| {
                for row in &rows {
                    store
                        .insert(shift, row, &[])
                        .expect("generated rows conform to the schema");
                }
                store
            },
            BatchSize::LargeInput,
        );
    });
}

fn get(c: &mut Criterion) {
    let bytes = ndjson();
    let mut group = c.benchmark_group("get");
    group.throughput(Throughput::Elements(LOOKUPS as u64));
    let catalog = Arc::new(workforce::catalog());
    bench_get(
        &mut group,
        "column",
        loaded(ColumnStore::new(Arc::clone(&catalog)), &bytes),
    );
    bench_get(&mut group, "row", loaded(RowStore::new(catalog), &bytes));
    group.finish();
}

/// Times copying out shifts at ids drawn at random, the same ids for every backend.
fn bench_get<S: FactStore>(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, store: S) {
    let live: Vec<FactId> = store.ids(shift_type(&store)).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let ids: Vec<FactId> = (0..LOOKUPS)
        .map(|_| live[rng.random_range(0..live.len())])
        .collect();
    group.bench_function(name, |b| {
        b.iter(|| {
            for &id in &ids {
                black_box(store.get(id));
            }
        });
    });
}

fn column_scan(c: &mut Criterion) {
    let bytes = ndjson();
    let mut group = c.benchmark_group("column_scan");
    group.throughput(Throughput::Elements(SHIFTS));
    let catalog = Arc::new(workforce::catalog());
    bench_scan(
        &mut group,
        "column",
        loaded(ColumnStore::new(Arc::clone(&catalog)), &bytes),
    );
    bench_scan(&mut group, "row", loaded(RowStore::new(catalog), &bytes));
    group.finish();
}

/// Times summing `break_minutes` over every shift through `FactStore::column`.
fn bench_scan<S: FactStore>(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, store: S) {
    let shift = shift_type(&store);
    let break_minutes = store
        .catalog()
        .schema(shift)
        .field_id("break_minutes")
        .expect("shifts declare break_minutes");
    group.bench_function(name, |b| {
        b.iter(|| {
            store
                .column(shift, break_minutes)
                .expect("the field belongs to the type")
                .map(|(_, cell)| match cell {
                    Some(Value::Int(minutes)) => minutes,
                    _ => 0,
                })
                .sum::<i64>()
        });
    });
}

fn ndjson_read(c: &mut Criterion) {
    let bytes = ndjson();
    let workload = workload();
    let mut group = c.benchmark_group("read_ndjson");
    group.throughput(Throughput::Elements(workload.shifts + workload.employees()));
    let catalog = Arc::new(workforce::catalog());
    bench_read(&mut group, "column", &bytes, || {
        ColumnStore::new(Arc::clone(&catalog))
    });
    bench_read(&mut group, "row", &bytes, || {
        RowStore::new(Arc::clone(&catalog))
    });
    group.finish();
}

/// Times reading all of `bytes` into a store from `make`, made and dropped untimed.
fn bench_read<S: FactStore>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    bytes: &[u8],
    make: impl Fn() -> S,
) {
    let options = ReadOptions::new("workload.ndjson");
    group.bench_function(name, |b| {
        b.iter_batched(
            &make,
            |mut store| {
                read_ndjson(bytes, &mut store, &options).expect("the workload is valid");
                store
            },
            BatchSize::LargeInput,
        );
    });
}

/// `store` with the workload NDJSON read into it.
fn loaded<S: FactStore>(mut store: S, bytes: &[u8]) -> S {
    read_ndjson(bytes, &mut store, &ReadOptions::new("workload.ndjson"))
        .expect("the workload is valid");
    store
}

/// Runs the four groups as `criterion_group!`/`criterion_main!` would; written out because
/// the function the macro generates has no doc comment and the workspace warns on that.
fn main() {
    let mut criterion = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    insert(&mut criterion);
    get(&mut criterion);
    column_scan(&mut criterion);
    ndjson_read(&mut criterion);
    criterion.final_summary();
}
