//! The benchmark harness: the workforce workload of `WORKLOAD.md` (a seeded, streaming
//! generator of employee and shift facts, and the rules for any rule count), its
//! checksums computed independently of the engine, and the benchmark suites that measure
//! Reckon on it. Criterion benchmarks live in `benches/`.
#![forbid(unsafe_code)]

// `gen` is a reserved word in edition 2024, so the module is private and its items are
// re-exported here.
pub mod bench;
pub mod checksums;
mod r#gen;
pub mod peers;
pub mod rules;
pub mod workforce;

pub use checksums::Checksums;
pub use r#gen::{DEFAULT_SEED, Facts, WorkforceFact, Workload};
