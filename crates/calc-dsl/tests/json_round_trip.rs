//! The JSON form round trip. Every `.calc` case that compiles without errors, and every
//! example's `rules.calc`, written as JSON and read back lowers to the same IR text as the
//! `.calc` original; writing what was read back gives the same document again. Every JSON
//! case that compiles without errors reads back from its canonical form to the same IR.

use std::path::{Path, PathBuf};

use reckon_calc_dsl::{Compiled, Input, compile, json, render};
use reckon_rule_ir::text::print;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files of `dir` ending in `.extension`, in name order.
fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    paths.sort();
    paths
}

/// Writes the first file of a clean compilation as JSON, reads it back, and checks that the
/// program and the document are the same; `false` when the original has errors.
fn round_trips(name: &str, original: &Compiled) -> bool {
    if original.has_errors() {
        return false;
    }
    let written = json::write(&original.files[0]);
    let document = written.to_text();
    let back = compile(&[Input::json(format!("{name}.json"), document.clone())]);
    assert!(
        !back.has_errors(),
        "{name}: the JSON form does not compile:\n{}\n{document}",
        render::human(&back.diagnostics, &back.sources, false)
    );
    assert_eq!(
        print(&back.program),
        print(&original.program),
        "{name}: the JSON form lowers to other IR:\n{document}"
    );
    assert_eq!(
        json::write(&back.files[0]),
        written,
        "{name}: writing the read-back document changes it"
    );
    true
}

#[test]
fn every_clean_calc_case_round_trips_through_json() {
    let mut clean = 0;
    for path in files(&root().join("tests/cases"), "calc") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        clean += usize::from(round_trips(&name, &compile(&[Input::calc(&name, text)])));
    }
    assert!(clean >= 10, "only {clean} clean cases");
}

#[test]
fn every_example_round_trips_through_json() {
    let mut examples = 0;
    for dir in std::fs::read_dir(root().join("../../examples")).unwrap() {
        let path = dir.unwrap().path().join("rules.calc");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path.display().to_string();
        let compiled = compile(&[Input::calc(&name, text)]);
        assert!(round_trips(&name, &compiled), "{name} has errors");
        examples += 1;
    }
    assert!(examples >= 1, "the workforce example at least");
}

#[test]
fn every_clean_json_case_reads_back_from_its_canonical_form() {
    let mut clean = 0;
    for path in files(&root().join("tests/cases"), "json") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        clean += usize::from(round_trips(&name, &compile(&[Input::json(&name, text)])));
    }
    assert!(clean >= 6, "only {clean} clean JSON cases");
}
