//! Tests of the reference evaluator: small programs in the IR text form over a few facts
//! given as NDJSON, each outcome worked out by hand from `docs/semantics.md`. This file
//! holds the harness; the cases are grouped by what they show.

mod matching;

use reckon_fact_store::io::{ReadOptions, read_ndjson};
use reckon_fact_store::{ColumnStore, FactStore};
use reckon_rule_ir::opt::{Ctx, optimize};
use reckon_rule_ir::text::parse;
use reckon_rule_ir::{Program, Severity, SourceId};

use crate::{Outcome, RunOptions};

/// Parses a program, failing the test on any error diagnostic.
fn program(text: &str) -> Program {
    let (program, diagnostics) = parse(text, SourceId(0));
    let errors: Vec<String> = diagnostics
        .iter()
        .chain(&reckon_rule_ir::check::check(&program))
        .filter(|d| d.severity() == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    program
}

/// Parses and optimises a program (so rules have their strata).
fn optimised(text: &str) -> Program {
    let mut program = program(text);
    optimize(&mut program, &Ctx::default());
    program
}

/// Runs `program` over `facts` (NDJSON, each line naming its `type`) in a column store.
fn run_with(program: &Program, facts: &str, options: &RunOptions) -> Outcome {
    let mut store = ColumnStore::new(program.catalog().unwrap());
    load(&mut store, facts);
    super::run(program, &mut store, options)
}

/// Runs the optimised `text` over `facts` with the default options, as text.
fn outcome(text: &str, facts: &str) -> String {
    run_with(&optimised(text), facts, &RunOptions::default()).to_string()
}

fn load(store: &mut impl FactStore, facts: &str) {
    let facts: String = facts
        .lines()
        .map(|line| format!("{}\n", line.trim()))
        .collect();
    read_ndjson(facts.as_bytes(), store, &ReadOptions::default()).unwrap();
}
