//! The store report: reads one million generated shift facts (and their 100,000
//! employees) from in-memory NDJSON into each fact-store backend, and prints the load
//! throughput and the bytes each shift fact costs, both as the stores account for it and
//! as an independent count of live heap bytes.
// A report binary: printing its table to standard output is its whole purpose.
#![allow(clippy::print_stdout)]

use std::alloc::System;
use std::sync::Arc;
use std::time::Instant;

use reckon_bench_harness::Workload;
use reckon_bench_harness::workforce::{self, SHIFT};
use reckon_fact_store::io::{ReadOptions, read_ndjson};
use reckon_fact_store::{ColumnStore, FactStore, RowStore};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

/// Every allocation of this binary is counted, so the heap a store holds can be measured
/// without trusting the store's own accounting.
#[global_allocator]
static HEAP: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Shift facts in the report's workload.
const SHIFTS: u64 = 1_000_000;

/// Timed loads per backend.
const LOADS: usize = 5;

/// The goal for a columnar shift fact, text payload excluded.
const GOAL_BYTES_PER_SHIFT: f64 = 48.0;

/// Bytes and allocations live on the heap at one moment, and allocations made so far.
#[derive(Debug, Clone, Copy)]
struct Heap {
    bytes: i64,
    allocations: i64,
    allocations_made: i64,
}

impl Heap {
    fn now() -> Heap {
        let stats = HEAP.stats();
        Heap {
            bytes: stats.bytes_allocated as i64 - stats.bytes_deallocated as i64,
            allocations: stats.allocations as i64 - stats.deallocations as i64,
            allocations_made: (stats.allocations + stats.reallocations) as i64,
        }
    }

    fn since(self, before: Heap) -> Heap {
        Heap {
            bytes: self.bytes - before.bytes,
            allocations: self.allocations - before.allocations,
            allocations_made: self.allocations_made - before.allocations_made,
        }
    }
}

/// What one backend's loads measured.
struct Loaded<S> {
    /// The store of the last load, still live.
    store: S,
    /// Seconds per load, fastest first.
    seconds: Vec<f64>,
    /// The heap live before the last load began.
    baseline: Heap,
    /// What the last load left on the heap.
    heap: Heap,
}

/// Reads `ndjson` into `LOADS` fresh stores from `make`, timing each; keeps the last.
fn load<S: FactStore>(ndjson: &[u8], make: impl Fn() -> S) -> Loaded<S> {
    let options = ReadOptions::new("workload.ndjson");
    let mut seconds = Vec::with_capacity(LOADS);
    let mut last = None;
    for _ in 0..LOADS {
        drop(last.take());
        let baseline = Heap::now();
        let started = Instant::now();
        let mut store = make();
        read_ndjson(ndjson, &mut store, &options).expect("the generated workload is valid");
        seconds.push(started.elapsed().as_secs_f64());
        last = Some((store, baseline, Heap::now().since(baseline)));
    }
    seconds.sort_by(f64::total_cmp);
    let (store, baseline, heap) = last.expect("at least one load ran");
    Loaded {
        store,
        seconds,
        baseline,
        heap,
    }
}

/// One row of the memory table.
struct MemoryRow {
    label: &'static str,
    /// `TypeMemory::per_fact` of the shift type: ids and fields, text excluded.
    shift_per_fact: f64,
    /// `MemoryUsage::total` over all facts and text, per shift.
    accounted_per_shift: f64,
    text_bytes: usize,
    text_index_bytes: usize,
    heap: Heap,
}

impl MemoryRow {
    fn of(label: &'static str, store: &impl FactStore, heap: Heap) -> MemoryRow {
        let memory = store.memory();
        let shift = store
            .catalog()
            .id(SHIFT)
            .expect("the workforce catalog declares shifts");
        let shifts = memory.of(shift).expect("the store accounts for every type");
        MemoryRow {
            label,
            shift_per_fact: shifts.per_fact(),
            accounted_per_shift: memory.total() as f64 / SHIFTS as f64,
            text_bytes: memory.text_bytes,
            text_index_bytes: memory.text_index_bytes,
            heap,
        }
    }

    fn heap_per_shift(&self) -> f64 {
        self.heap.bytes as f64 / SHIFTS as f64
    }

    fn heap_less_text_per_shift(&self) -> f64 {
        (self.heap.bytes as f64 - self.text_bytes as f64) / SHIFTS as f64
    }
}

fn main() {
    let workload = Workload::new(SHIFTS);
    let facts = workload.shifts + workload.employees();
    let started = Instant::now();
    let mut ndjson = Vec::new();
    workload
        .write_ndjson(&mut ndjson)
        .expect("writing to memory cannot fail");
    println!(
        "store report: {} shift + {} employee facts (seed {}), NDJSON {:.1} MB, generated in {:.2} s",
        thousands(workload.shifts),
        thousands(workload.employees()),
        workload.seed,
        ndjson.len() as f64 / 1e6,
        started.elapsed().as_secs_f64(),
    );
    println!("heap measured by counting allocations (stats_alloc INSTRUMENTED_SYSTEM)");

    let catalog = Arc::new(workforce::catalog());
    let mut column = load(&ndjson, || ColumnStore::new(Arc::clone(&catalog)));
    let column_loaded = MemoryRow::of("ColumnStore", &column.store, column.heap);
    column.store.shrink_to_fit();
    let column_shrunk = MemoryRow::of(
        "ColumnStore, shrunk",
        &column.store,
        Heap::now().since(column.baseline),
    );
    let column_seconds = column.seconds;
    drop(column.store);
    let row = load(&ndjson, || RowStore::new(Arc::clone(&catalog)));
    let row_memory = MemoryRow::of("RowStore", &row.store, row.heap);

    println!();
    println!(
        "load: read_ndjson into a fresh store, {LOADS} loads each, {} facts per load",
        thousands(facts)
    );
    println!(
        "{:<22}{:>16}{:>16}{:>16}{:>12}{:>14}",
        "backend", "median facts/s", "slowest", "fastest", "median s", "allocs/fact"
    );
    for (label, seconds, heap) in [
        ("ColumnStore", &column_seconds, column_loaded.heap),
        ("RowStore", &row.seconds, row.heap),
    ] {
        let median = seconds[seconds.len() / 2];
        let slowest = seconds[seconds.len() - 1];
        let fastest = seconds[0];
        println!(
            "{label:<22}{:>16}{:>16}{:>16}{median:>12.3}{:>14.2}",
            thousands((facts as f64 / median) as u64),
            thousands((facts as f64 / slowest) as u64),
            thousands((facts as f64 / fastest) as u64),
            heap.allocations_made as f64 / facts as f64,
        );
    }
    println!("allocs/fact: allocations and reallocations made during the last load / facts");

    println!();
    println!(
        "memory: bytes per shift fact ({} shifts)",
        thousands(SHIFTS)
    );
    println!(
        "{:<22}{:>11}{:>11}{:>11}{:>11}{:>11}{:>13}{:>13}",
        "backend", "shift", "store", "heap", "heap-text", "heap", "text", "text index"
    );
    println!(
        "{:<22}{:>11}{:>11}{:>11}{:>11}{:>11}{:>13}{:>13}",
        "", "memory()", "memory()", "", "", "allocs", "bytes", "bytes"
    );
    for row in [&column_loaded, &column_shrunk, &row_memory] {
        println!(
            "{:<22}{:>11.2}{:>11.2}{:>11.2}{:>11.2}{:>11.2}{:>13}{:>13}",
            row.label,
            row.shift_per_fact,
            row.accounted_per_shift,
            row.heap_per_shift(),
            row.heap_less_text_per_shift(),
            row.heap.allocations as f64 / SHIFTS as f64,
            thousands(row.text_bytes as u64),
            thousands(row.text_index_bytes as u64),
        );
    }
    println!();
    println!("shift memory(): TypeMemory::per_fact of the shift type (ids and fields, no text)");
    println!("store memory(): MemoryUsage::total (all types, text and its index) / shifts");
    println!("heap: live heap bytes after the load minus before, / shifts; this includes the");
    println!("  employees, the text and its index, and counts requested sizes, so the system");
    println!("  allocator's own per-allocation overhead is not in it");
    println!("heap-text: the same less the interner's text bytes");
    println!("heap allocs: live allocations after the load minus before, / shifts");

    println!();
    let text_per_shift = column_shrunk.text_bytes as f64 / SHIFTS as f64;
    println!(
        "goal: ColumnStore <= {GOAL_BYTES_PER_SHIFT:.0} B per shift + unique text ({text_per_shift:.2} B per shift here)"
    );
    println!(
        "  by memory(), shrunk: {:.2} B per shift -> {}",
        column_shrunk.shift_per_fact,
        verdict(column_shrunk.shift_per_fact)
    );
    println!(
        "  by heap less text, shrunk: {:.2} B per shift -> {} (includes employees and the text index)",
        column_shrunk.heap_less_text_per_shift(),
        verdict(column_shrunk.heap_less_text_per_shift())
    );
}

fn verdict(bytes_per_shift: f64) -> &'static str {
    if bytes_per_shift <= GOAL_BYTES_PER_SHIFT {
        "met"
    } else {
        "not met"
    }
}

/// `n` with thousands separators: `1,100,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}
