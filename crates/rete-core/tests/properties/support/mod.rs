//! Random cases for the RETE core's differential property tests: a program over a random
//! schema, built through the IR text parser (so through the builder), checked, optimised
//! and verified, and input facts for it.
//!
//! Generation reads its choices from a tape of numbers that proptest draws and shrinks
//! (as Hypothesis does): a choice past the end of the tape is 0, and 0 is always the
//! simplest option, so shrinking a tape (dropping choices, lowering them) shrinks the
//! program and its facts. The program and the facts have a tape each, so that facts shrink
//! without changing the program.
//!
//! A case prints as its program's canonical text and its facts as NDJSON; [`Case::read`]
//! makes the same case again from those two texts.

mod exprs;
mod facts;
mod programs;
mod schema;

use std::fmt;
use std::ops::RangeInclusive;

use proptest::collection::vec;
use proptest::prelude::*;
use reckon_fact_store::{FactStore, FactTypeId, Interner, Value};
use reckon_rule_ir::opt::{Ctx, optimize};
use reckon_rule_ir::text::{parse, print};
use reckon_rule_ir::{Program, Severity, SourceId, check, verify};

pub(crate) use facts::{Facts, transfer};

/// A source of choices: numbers drawn by proptest, read one per decision.
pub(crate) struct Tape<'a> {
    choices: &'a [u32],
    at: usize,
}

impl<'a> Tape<'a> {
    /// Choices from `choices`, then zeros.
    pub(crate) fn new(choices: &'a [u32]) -> Tape<'a> {
        Tape { choices, at: 0 }
    }

    /// A number below `n` (0 when `n` is 0 or 1, without using a choice).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let choice = self.choices.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        choice as usize % n
    }

    /// True `percent` times in a hundred; false when the tape has run out.
    pub(crate) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) + percent >= 100
    }

    /// One of `items`, which must not be empty.
    pub(crate) fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }
}

/// What cases to make.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Config {
    /// Percent of cases with `update`/`retract` rules.
    pub(crate) state_percent: usize,
    /// Percent of cases with list fields and `expand`.
    pub(crate) list_percent: usize,
    /// Rules per program, at most.
    pub(crate) max_rules: usize,
    /// Facts per input type, at most.
    pub(crate) max_facts: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            state_percent: 25,
            list_percent: 25,
            max_rules: 6,
            max_facts: 25,
        }
    }
}

/// Choices for a program: at least as many as nearly every program takes (fewer would
/// make the end of many programs the simplest), at most far more than any takes.
const PROGRAM_CHOICES: RangeInclusive<usize> = 384..=1200;
/// Choices for facts: up to enough for every input type to have its full count.
const FACT_CHOICES: RangeInclusive<usize> = 0..=1500;

/// One generated case.
#[derive(Clone)]
pub(crate) struct Case {
    /// The program in canonical text (as printed from the parsed draft); the spans of
    /// `program` point into it.
    pub(crate) source: String,
    /// The program parsed from `source`, checked and optimised.
    pub(crate) program: Program,
    /// The input facts.
    pub(crate) facts: Facts,
    /// The interner of the facts' text.
    pub(crate) words: Interner,
    /// Error diagnostics and failed invariants met on the way; empty for a valid case.
    pub(crate) problems: Vec<String>,
}

/// Cases made with `config`.
pub(crate) fn case(config: Config) -> impl Strategy<Value = Case> {
    let program = vec(any::<u32>(), PROGRAM_CHOICES);
    let facts = vec(any::<u32>(), FACT_CHOICES);
    (program, facts).prop_map(move |(program, facts)| Case::generate(&config, &program, &facts))
}

impl Case {
    /// The case that the two tapes of choices make.
    pub(crate) fn generate(config: &Config, program: &[u32], facts: &[u32]) -> Case {
        let draft = programs::generate(&mut Tape::new(program), config);
        let (parsed, diagnostics) = parse(&draft.text, SourceId(0));
        let mut problems = errors("the draft", &draft.text, &diagnostics);
        let source = print(&parsed);
        let mut case = Case::from_source(source, &mut problems);
        if problems.is_empty() {
            let mut tape = Tape::new(facts);
            case.facts = facts::generate(
                &case.program,
                draft.inputs,
                &mut tape,
                config.max_facts,
                &mut case.words,
            );
        } else {
            problems.push(format!("the draft:\n{}", draft.text));
        }
        case.problems = problems;
        case
    }

    /// The case printed as `source` and `ndjson` (a reported case).
    pub(crate) fn read(source: &str, ndjson: &str) -> Case {
        let mut problems = Vec::new();
        let mut case = Case::from_source(source.to_string(), &mut problems);
        if problems.is_empty() {
            (case.facts, case.words) = facts::read(&case.program, ndjson);
        }
        case.problems = problems;
        case
    }

    /// Parses, checks, optimises and verifies `source`, noting problems.
    fn from_source(source: String, problems: &mut Vec<String>) -> Case {
        let (mut program, diagnostics) = parse(&source, SourceId(0));
        problems.extend(errors("the source", &source, &diagnostics));
        if problems.is_empty() {
            problems.extend(errors("the checks", &source, &check::check(&program)));
        }
        if problems.is_empty() {
            if let Err(found) = verify::verify(&program) {
                problems.push(format!("the parsed program does not verify: {found:#?}"));
            }
        }
        if problems.is_empty() {
            optimize(&mut program, &Ctx::default());
            if let Err(found) = verify::verify(&program) {
                problems.push(format!("the optimised program does not verify: {found:#?}"));
            }
        }
        Case {
            source,
            program,
            facts: Vec::new(),
            words: Interner::new(),
            problems: Vec::new(),
        }
    }

    /// Inserts the facts into `store` in `order` (positions in `facts`).
    pub(crate) fn load<S: FactStore>(&self, store: &mut S, order: &[usize]) {
        facts::load(&self.facts, &self.words, store, order);
    }

    /// The fact at `position`, its text interned in `to`.
    pub(crate) fn fact(
        &self,
        position: usize,
        to: &mut Interner,
    ) -> (FactTypeId, Vec<Option<Value>>) {
        let (fact_type, fields) = &self.facts[position];
        let fields = fields
            .iter()
            .map(|cell| cell.as_ref().map(|v| facts::transfer(v, &self.words, to)))
            .collect();
        (*fact_type, fields)
    }

    /// The positions of the facts in their generated order.
    pub(crate) fn in_order(&self) -> Vec<usize> {
        (0..self.facts.len()).collect()
    }

    /// The positions of the facts in an order drawn from `seed` (a Fisher-Yates shuffle
    /// driven by splitmix64, so that an order is reproducible from its seed).
    pub(crate) fn shuffled(&self, seed: u64) -> Vec<usize> {
        let mut order = self.in_order();
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        for i in (1..order.len()).rev() {
            let j = (next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        order
    }

    /// The facts as NDJSON, one line each.
    pub(crate) fn ndjson(&self) -> String {
        let lines = self.facts.iter();
        lines
            .map(|fact| facts::json_line(&self.program, fact, &self.words) + "\n")
            .collect()
    }

    /// Fails with the problems of an invalid case.
    pub(crate) fn valid(&self) -> Result<(), TestCaseError> {
        match self.problems.is_empty() {
            true => Ok(()),
            false => Err(TestCaseError::fail(format!(
                "the generated program is invalid:\n{}",
                self.problems.join("\n")
            ))),
        }
    }
}

/// The error diagnostics among `diagnostics`, each with its line in `text`.
fn errors(what: &str, text: &str, diagnostics: &[reckon_rule_ir::Diagnostic]) -> Vec<String> {
    let line = |offset: u32| {
        text[..(offset as usize).min(text.len())]
            .matches('\n')
            .count()
            + 1
    };
    diagnostics
        .iter()
        .filter(|d| d.severity() == Severity::Error)
        .map(|d| {
            let at = line(d.primary.span.start);
            format!("{what}, line {at}: {} {}", d.code.as_str(), d.message)
        })
        .collect()
}

impl fmt::Debug for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Case::read(")?;
        writeln!(f, "r#\"\n{}\"#,", self.source)?;
        writeln!(f, "r#\"\n{}\"#)", self.ndjson())?;
        for problem in &self.problems {
            writeln!(f, "problem: {problem}")?;
        }
        Ok(())
    }
}
