//! File-driven snapshot tests of the front ends: each `tests/cases/*.calc` or `*.json` is
//! compiled alone; the snapshot shows the rendered diagnostics (no colour) and, when there
//! is no error, the IR text of the program. Adding a case means adding a file;
//! `INSTA_UPDATE=always cargo test` records new snapshots for review.

use std::collections::BTreeSet;

use reckon_calc_dsl::{Input, compile, render};
use reckon_rule_ir::Code;
use reckon_rule_ir::text::print;

fn run(name: &str, text: &str) -> String {
    let compiled = compile(&[Input::from_path(name, text)]);
    let mut out = String::new();
    if !compiled.diagnostics.is_empty() {
        out.push_str(&render::human(
            &compiled.diagnostics,
            &compiled.sources,
            false,
        ));
    }
    if !compiled.has_errors() {
        out.push_str("== program\n");
        out.push_str(&print(&compiled.program));
    }
    out
}

#[test]
fn cases() {
    insta::glob!("cases/*.{calc,json}", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(run(&name, &text));
    });
}

/// Every diagnostic code is shown by at least one case.
#[test]
fn every_code_has_a_case() {
    let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut shown = BTreeSet::new();
    for entry in std::fs::read_dir(cases).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let compiled = compile(&[Input::from_path(name, text)]);
        shown.extend(compiled.diagnostics.iter().map(|d| d.code));
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|code| !shown.contains(code))
        .map(|code| code.as_str())
        .collect();
    assert!(missing.is_empty(), "no case shows {missing:?}");
}
