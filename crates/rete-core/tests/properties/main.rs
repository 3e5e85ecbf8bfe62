//! Property tests of the RETE core over random programs and facts (made by `support`):
//! the reference evaluator's own properties (`oracle`), and the network against the
//! reference evaluator (`differential`).
//!
//! `RECKON_SOAK=1` runs twenty times as many cases.

mod differential;
mod found;
mod oracle;
mod support;

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use reckon_fact_store::{ColumnStore, RowStore};
use reckon_rete_core::{Outcome, RunOptions};
use support::{Case, Config};

/// `cases` cases, or twenty times as many, drawn afresh, under `RECKON_SOAK`. No regression files: a
/// failure prints its case, which `Case::read` takes back.
fn config(cases: u32) -> ProptestConfig {
    let soak = std::env::var("RECKON_SOAK").is_ok_and(|v| !v.is_empty() && v != "0");
    ProptestConfig {
        cases: if soak { cases * 20 } else { cases },
        // The default run tries the same cases every time, so that it passes or fails the
        // same way on every machine; the soak draws new ones.
        rng_seed: if soak {
            RngSeed::Random
        } else {
            RngSeed::Fixed(2026)
        },
        failure_persistence: None,
        max_shrink_iters: 100,
        ..ProptestConfig::default()
    }
}

/// A loop limit low enough that a state rule that never settles stops soon.
const OPTIONS: RunOptions = RunOptions {
    max_firings_per_key: 20,
};

/// Cases whose runs do not depend on their history: no `update` or `retract` rules.
fn stateless() -> Config {
    Config {
        state_percent: 0,
        list_percent: 40,
        ..Config::default()
    }
}

/// Cases with state rules and lists in half of them.
fn stateful() -> Config {
    Config {
        state_percent: 50,
        list_percent: 50,
        ..Config::default()
    }
}

fn column_store(case: &Case) -> ColumnStore {
    ColumnStore::new(case.program.catalog().expect("the case's catalog"))
}

fn row_store(case: &Case) -> RowStore {
    RowStore::new(case.program.catalog().expect("the case's catalog"))
}

/// Fails, showing both outcomes, when they differ.
fn same(what: &str, first: &Outcome, second: &Outcome) -> Result<(), TestCaseError> {
    if first == second {
        return Ok(());
    }
    Err(TestCaseError::fail(format!(
        "{what}:\n--- first\n{first}--- second\n{second}"
    )))
}
