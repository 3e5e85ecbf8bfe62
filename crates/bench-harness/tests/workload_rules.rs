//! The workload's rules and checksums. The checksums agree three ways: computed from the
//! generator's facts by the harness, computed by the reference's `reference.py` from the
//! same facts written as NDJSON, and read from what Reckon derived running the rules,
//! given as `.calc`, as JSON, and half and half. The rules give the reference's checksums
//! on facts from the reference's own generator too, and their network stays within the
//! node budgets of the workload's phases.

use std::path::{Path, PathBuf};
use std::process::Command;

use reckon::{Engine, InputFormat};
use reckon_bench_harness::{Workload, checksums, rules};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The line `reference.py` prints for `facts` and `k` rules.
fn reference(facts: &Path, k: usize) -> String {
    let output = Command::new("python3")
        .arg(root().join("testdata/workload/reference.py"))
        .arg("--facts")
        .arg(facts)
        .args(["--k", &k.to_string()])
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// A session of the `k` rules with `facts` read and run.
fn run(k: usize, facts: &[u8]) -> reckon::Session {
    let engine = Engine::builder()
        .calc("rules.calc", rules::calc(k))
        .build()
        .unwrap();
    let mut session = engine.session();
    session
        .read(facts, InputFormat::Ndjson, "facts.ndjson")
        .unwrap();
    session.run();
    assert!(session.errors().is_empty(), "{:?}", session.errors());
    session
}

fn engine_checksums(workload: &Workload, sources: &[(&str, String)]) -> checksums::Checksums {
    let mut builder = Engine::builder();
    for (name, text) in sources {
        builder = if name.ends_with(".json") {
            builder.json(*name, text.as_str())
        } else {
            builder.calc(*name, text.as_str())
        };
    }
    let engine = builder.build().expect("the workload's rules compile");
    let mut session = engine.session();
    let mut facts = Vec::new();
    workload.write_ndjson(&mut facts).unwrap();
    session
        .read(facts.as_slice(), InputFormat::Ndjson, "facts.ndjson")
        .unwrap();
    session.run();
    assert!(session.errors().is_empty(), "{:?}", session.errors());
    checksums::of_session(&session).unwrap()
}

#[test]
fn the_engine_and_the_independent_computation_agree_for_every_form_of_the_rules() {
    let workload = Workload::new(2_000).with_seed(7);
    let k = 60;
    let expected = checksums::expected(&workload, k);
    assert!(
        expected.overtime_records > 0 && expected.violations_r6 > 0 && expected.filler_matches > 0
    );
    let (half_calc, half_json) = rules::halves(k);
    for sources in [
        vec![("rules.calc", rules::calc(k))],
        vec![("rules.json", rules::json(k))],
        vec![("core.calc", half_calc), ("more.json", half_json)],
    ] {
        let names: Vec<&str> = sources.iter().map(|(name, _)| *name).collect();
        assert_eq!(engine_checksums(&workload, &sources), expected, "{names:?}");
    }
}

#[test]
fn the_reference_oracle_agrees_with_the_independent_computation() {
    let workload = Workload::new(3_000).with_seed(11);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("checksums-reference");
    std::fs::create_dir_all(&dir).unwrap();
    let facts = dir.join("facts.ndjson");
    workload
        .write_ndjson(std::fs::File::create(&facts).unwrap())
        .unwrap();
    for k in [6, 100, 500] {
        let expected = checksums::expected(&workload, k).to_string();
        assert_eq!(reference(&facts, k), expected, "k = {k}");
    }
}

#[test]
fn the_rules_give_the_reference_checksums_on_the_reference_generators_facts() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("checksums-python");
    let generated = Command::new("python3")
        .arg(root().join("testdata/workload/gen_workload.py"))
        .args(["--n", "3000", "--seed", "7", "--out"])
        .arg(&dir)
        .output()
        .expect("python3 runs");
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let facts = dir.join("facts.ndjson");
    let bytes = std::fs::read(&facts).unwrap();
    for k in [6, 500] {
        let session = run(k, &bytes);
        let found = checksums::of_session(&session).unwrap().to_string();
        assert_eq!(found, reference(&facts, k), "k = {k}");
    }
    // The example's facts were written by the same generator.
    let example = root().join("examples/workforce/facts.ndjson");
    let session = run(100, &std::fs::read(&example).unwrap());
    assert_eq!(
        checksums::of_session(&session).unwrap().to_string(),
        reference(&example, 100)
    );
}

/// The node budgets of the workload's phases (the performance spec): under 1,000 nodes at
/// 100 rules, 5,000 at 500 and 15,000 at 2,000.
#[test]
fn the_network_stays_within_the_node_budgets() {
    for (k, budget) in [(100, 1_000), (500, 5_000), (2_000, 15_000)] {
        let engine = Engine::builder()
            .calc("rules.calc", rules::calc(k))
            .build()
            .unwrap();
        let counts = engine.node_counts();
        assert!(counts.total() < budget, "{k} rules: {counts}");
    }
}

#[test]
fn rules_for_k_have_k_rules() {
    for k in [6, 100, 2_000] {
        let engine = Engine::builder()
            .calc("r.calc", rules::calc(k))
            .build()
            .unwrap();
        assert_eq!(engine.rule_names().count(), k);
    }
    let (calc, json) = rules::halves(2_000);
    let engine = Engine::builder()
        .calc("a.calc", calc)
        .json("b.json", json)
        .build()
        .unwrap();
    assert_eq!(engine.rule_names().count(), 2_000);
}
