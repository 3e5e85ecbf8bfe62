//! The workforce program of the benchmark workload (WORKLOAD.md: six core rules and
//! filler rules), run through the whole pipeline — `.calc` text, IR, passes, network —
//! on facts from the workload's reference generator, gives exactly the checksums that the
//! workload's independent reference computes (`testdata/workload/reference.py`).

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::Command;

use reckon::facts::io::{ReadOptions, read_ndjson};
use reckon::facts::{ColumnStore, Decimal, FactStore, Value};
use reckon::ir::opt::{Ctx, optimize};
use reckon::rete::{RunOptions, Session};
use reckon::rules::{Input, compile};

/// The core rules, with the declarations they need, as the example writes them.
const WORKFORCE: &str = include_str!("../../../examples/workforce/rules.calc");

/// The pay codes that filler rules test, in turn.
const PAY_CODES: [&str; 3] = ["base", "holiday", "training"];

/// The workforce program with `k` rules: the core rules and `k - 6` filler rules as
/// WORKLOAD.md defines them.
fn program_text(k: usize) -> String {
    let core = WORKFORCE
        .find("rule \"filler_")
        .map_or(WORKFORCE, |end| &WORKFORCE[..end]);
    let mut text = String::from(core);
    for i in 0..k.saturating_sub(6) {
        let location = format!("L{:02}", i % 50);
        let (pay_code, hours) = (PAY_CODES[i % 3], i % 8);
        writeln!(
            text,
            "rule \"filler_{i}\"\n  for each shift s where s.location == \"{location}\" and \
             s.pay_code == \"{pay_code}\" and s.hours > {hours}\n  \
             emit filler_match {{ rule: \"filler_{i}\", shift_id: s.id }}\n"
        )
        .unwrap();
    }
    text
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The reference checksum line for `facts` and `k` rules.
fn reference(facts: &Path, k: usize) -> String {
    let out = Command::new("python3")
        .arg(root().join("testdata/workload/reference.py"))
        .arg("--facts")
        .arg(facts)
        .args(["--k", &k.to_string()])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The workforce program with `k` rules, compiled and optimised.
fn program(k: usize) -> reckon::ir::Program {
    let compiled = compile(&[Input::calc("workforce.calc", program_text(k).as_str())]);
    assert!(
        compiled.diagnostics.is_empty(),
        "{:#?}",
        compiled.diagnostics
    );
    let mut program = compiled.program;
    optimize(&mut program, &Ctx::default());
    program
}

/// Runs the workforce program with `k` rules over `facts` and writes its checksums in
/// the reference's form.
fn checksums(facts: &Path, k: usize) -> String {
    let program = program(k);
    let mut store = ColumnStore::new(program.catalog().unwrap());
    let reader = BufReader::new(File::open(facts).unwrap());
    read_ndjson(reader, &mut store, &ReadOptions::new("facts.ndjson")).unwrap();
    let mut session = Session::new(&program, store, RunOptions::default()).unwrap();
    let outcome = session.run();
    assert!(
        outcome.errors.is_empty() && outcome.stopped.is_none(),
        "{outcome}"
    );
    Sums::of(session.store()).line()
}

/// The checksums of WORKLOAD.md, read from the store after a run.
struct Sums<'s, S: FactStore> {
    store: &'s S,
}

impl<'s, S: FactStore> Sums<'s, S> {
    fn of(store: &'s S) -> Self {
        Sums { store }
    }

    /// The values of `field` over every fact of `fact_type`.
    fn column(&self, fact_type: &str, field: &str) -> Vec<Option<Value>> {
        let catalog = self.store.catalog();
        let id = catalog.id(fact_type).unwrap();
        let field = catalog.schema(id).field_id(field).unwrap();
        self.store
            .column(id, field)
            .unwrap()
            .map(|(_, value)| value)
            .collect()
    }

    fn count(&self, fact_type: &str) -> usize {
        let id = self.store.catalog().id(fact_type).unwrap();
        self.store.ids(id).count()
    }

    /// The sum of a decimal field in cents, rounded half up once at the end.
    fn cents(&self, fact_type: &str, field: &str) -> Decimal {
        let total: Decimal = self
            .column(fact_type, field)
            .into_iter()
            .map(|value| match value {
                Some(Value::Decimal(d)) => d,
                Some(Value::Int(i)) => Decimal::from(i),
                other => panic!("{fact_type}.{field} is {other:?}"),
            })
            .sum();
        assert!(
            total >= Decimal::ZERO,
            "{fact_type}.{field} sums to {total}"
        );
        (total * Decimal::from(100) + Decimal::new(5, 1)).floor()
    }

    fn violations(&self, rule: &str) -> usize {
        let wanted = Value::Text(self.store.interner().lookup(rule).unwrap());
        self.column("violation", "rule")
            .into_iter()
            .filter(|value| value.as_ref() == Some(&wanted))
            .count()
    }

    fn line(&self) -> String {
        format!(
            "CHECKSUM shifts={} total_pay_cents={} weekly_totals={} overtime_records={} \
             overtime_premium_cents={} violations_R5={} violations_R6={} filler_matches={}",
            self.count("shift"),
            self.cents("shift", "pay"),
            self.count("weekly_hours"),
            self.count("overtime"),
            self.cents("overtime", "premium"),
            self.violations("student_visa_limit"),
            self.violations("break_rule"),
            self.count("filler_match"),
        )
    }
}

#[test]
fn the_example_gives_the_reference_checksums() {
    let facts = root().join("examples/workforce/facts.ndjson");
    for k in [6, 100] {
        assert_eq!(checksums(&facts, k), reference(&facts, k), "with {k} rules");
    }
}

#[test]
fn generated_facts_give_the_reference_checksums() {
    let out = std::env::temp_dir().join(format!("reckon-workforce-{}", std::process::id()));
    let generated = Command::new("python3")
        .arg(root().join("testdata/workload/gen_workload.py"))
        .args(["--n", "3000", "--seed", "7", "--out"])
        .arg(&out)
        .output()
        .expect("python3 runs");
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let facts = out.join("facts.ndjson");
    let (found, expected) = (checksums(&facts, 500), reference(&facts, 500));
    fs::remove_dir_all(&out).unwrap();
    assert_eq!(found, expected);
}

/// The node budgets of the workload's phases (the performance spec): under 1,000 nodes at
/// 100 rules, 5,000 at 500 and 15,000 at 2,000.
#[test]
fn the_network_stays_within_the_node_budgets() {
    for (k, budget) in [(100, 1_000), (500, 5_000), (2_000, 15_000)] {
        let program = program(k);
        let store = ColumnStore::new(program.catalog().unwrap());
        let session = Session::new(&program, store, RunOptions::default()).unwrap();
        let counts = session.network().counts();
        assert!(counts.total() < budget, "{k} rules: {counts}");
    }
}
