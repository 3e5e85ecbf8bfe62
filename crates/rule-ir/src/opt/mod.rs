//! Optimisation passes: each one file with a `NAME` and a `run(&mut Program, &Ctx) ->
//! Changed`, pure (no I/O, no clock), documented with the invariant it establishes. The
//! order is the one list below; `optimize` runs it, and in tests and debug builds checks
//! the IR's invariants after every pass.

pub mod fold_constants;
pub mod infer_partition_keys;
pub mod normalize_conditions;
pub mod order_joins;
pub mod order_tests;
pub mod share_alpha_tests;
pub mod stratify;

use std::collections::HashMap;

use reckon_fact_store::{FactTypeId, FieldId};

use crate::program::Program;

/// Whether a pass changed the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    /// It did.
    Yes,
    /// It did not.
    No,
}

impl Changed {
    /// `Yes` when `changed`.
    pub fn from(changed: bool) -> Changed {
        if changed { Changed::Yes } else { Changed::No }
    }
}

/// What passes may know besides the program.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// Counts from data, where they are known; passes fall back to rules of thumb.
    pub statistics: Option<Statistics>,
}

/// Counts measured on a data set, to order tests and joins by real selectivity.
#[derive(Debug, Clone, Default)]
pub struct Statistics {
    /// Facts per fact type.
    pub facts: HashMap<FactTypeId, u64>,
    /// Distinct values per field.
    pub distinct: HashMap<(FactTypeId, FieldId), u64>,
}

/// A pass.
pub type Pass = fn(&mut Program, &Ctx) -> Changed;

/// The passes in order. Each line says why it comes where it does.
pub const PIPELINE: &[(&str, Pass)] = &[
    // First, so that every later pass sees literals where the author wrote constant
    // arithmetic, and contradictions show as `false`.
    (fold_constants::NAME, fold_constants::run),
    // After folding: splits tests into conjuncts in one canonical form, so that equal
    // tests are written alike, and places each where its bindings are first all bound.
    (normalize_conditions::NAME, normalize_conditions::run),
    // After normalising: identical tests are now identical text, so one shared node each.
    (share_alpha_tests::NAME, share_alpha_tests::run),
    // After sharing: orders each pattern's tests, cheap and selective first.
    (order_tests::NAME, order_tests::run),
    // After the tests are known: orders patterns, connected and most selective first, and
    // re-places join tests for the new order.
    (order_joins::NAME, order_joins::run),
    // On the final rules: which rules run before which.
    (stratify::NAME, stratify::run),
    // Needs the strata: a field through which every join of a stratum passes.
    (infer_partition_keys::NAME, infer_partition_keys::run),
];

/// Runs every pass in order; returns each pass's name and whether it changed the program.
/// In debug builds the IR's invariants are verified after every pass.
pub fn optimize(program: &mut Program, ctx: &Ctx) -> Vec<(&'static str, Changed)> {
    PIPELINE
        .iter()
        .map(|(name, pass)| {
            let changed = pass(program, ctx);
            if cfg!(debug_assertions) {
                if let Err(problems) = crate::verify::verify(program) {
                    panic!("pass {name} broke the IR:\n{}", problems.join("\n"));
                }
            }
            (*name, changed)
        })
        .collect()
}
