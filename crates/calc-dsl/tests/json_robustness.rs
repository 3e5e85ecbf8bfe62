//! Robustness of the JSON front end: whatever document it is given, `compile` returns
//! without a panic or a stack overflow, and every diagnostic points at a range of the
//! source it names (the document or one of its expression strings), on character
//! boundaries. Property tests feed it arbitrary text, byte-mutated copies of the
//! `tests/cases/json_*.json` documents (mostly syntax errors), and copies whose values are
//! replaced by values of other shapes (every structural error path); the other tests feed it
//! the sizes the robustness goals name.

use std::path::Path;

use proptest::prelude::*;
use reckon_calc_dsl::source::SourceMap;
use reckon_calc_dsl::{Compiled, Input, compile, json};
use serde_json::{Value, json};

/// The stack of a thread that `std::thread::spawn` starts when `RUST_MIN_STACK` is unset.
const DEFAULT_THREAD_STACK: usize = 2 * 1024 * 1024;

fn compile_json(text: &str) -> Compiled {
    compile(&[Input::json("input.json", text)])
}

/// Every span of every diagnostic lies within the source it names, on character boundaries.
fn check_spans(compiled: &Compiled) -> Result<(), String> {
    for diagnostic in &compiled.diagnostics {
        for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
            let Some(source) = compiled.sources.get(label.span.source) else {
                return Err(format!("{diagnostic}: the span names no source"));
            };
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            let text = &source.text;
            if start > end || end > text.len() {
                return Err(format!(
                    "{diagnostic}: {start}..{end} outside {}",
                    text.len()
                ));
            }
            if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                return Err(format!("{diagnostic}: {start}..{end} splits a character"));
            }
        }
    }
    Ok(())
}

fn compile_soundly(text: &str) -> Compiled {
    let compiled = compile_json(text);
    if let Err(problem) = check_spans(&compiled) {
        panic!("{problem}");
    }
    compiled
}

fn on_default_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(DEFAULT_THREAD_STACK)
        .spawn(f)
        .expect("a thread starts")
        .join()
        .expect("the thread does not panic")
}

/// The JSON case documents that are valid JSON.
fn documents() -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/cases exists")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|path| serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok())
        .collect()
}

/// Values of every shape the reader meets, and strings that break expressions.
fn replacements() -> Vec<Value> {
    vec![
        json!(null),
        json!(true),
        json!(0),
        json!(-12.50),
        json!(1.5e3),
        json!(""),
        json!("s"),
        json!("s.hours > "),
        json!("{s.id"),
        json!("} {} {{"),
        json!("list<"),
        json!("`"),
        json!("\u{e9}\u{1f600}"),
        json!([]),
        json!([1, "x", null]),
        json!({}),
        json!({"type": "shift"}),
        json!({"type": "shift", "as": "s", "after": "s"}),
        json!({"as": "x", "in": "[1, 2]"}),
        json!({"field": "hours", "op": "in", "value": 3}),
        json!({"when": "true"}),
        json!({"otherwise": []}),
        json!({"text": 1}),
        json!({"expr": "("}),
        json!({"$single": "yes"}),
    ]
}

/// Every value of a document, as a path of keys and indexes.
fn paths(value: &Value, here: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(here.clone());
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                here.push(PathStep::Index(index));
                paths(item, here, out);
                here.pop();
            }
        }
        Value::Object(members) => {
            for (key, item) in members {
                here.push(PathStep::Key(key.clone()));
                paths(item, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at<'v>(value: &'v mut Value, path: &[PathStep]) -> &'v mut Value {
    path.iter().fold(value, |value, step| match step {
        PathStep::Key(key) => &mut value[key.as_str()],
        PathStep::Index(index) => &mut value[*index],
    })
}

/// Replaces the `pick`-th value of the document with replacement `with`, or (for an odd
/// `with`) removes it from its object or array.
fn reshape(mut document: Value, pick: usize, with: usize) -> Value {
    let mut all = Vec::new();
    paths(&document, &mut Vec::new(), &mut all);
    let path = &all[pick % all.len()];
    let replacements = replacements();
    match path.split_last() {
        Some((last, parent)) if with % 2 == 1 => match (at(&mut document, parent), last) {
            (Value::Object(members), PathStep::Key(key)) => {
                members.remove(key);
            }
            (Value::Array(items), PathStep::Index(index)) => {
                items.remove(*index);
            }
            _ => {}
        },
        _ => *at(&mut document, path) = replacements[with / 2 % replacements.len()].clone(),
    }
    document
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        prop_assert_eq!(check_spans(&compile_json(&text)), Ok(()));
    }

    #[test]
    fn byte_mutated_documents_never_panic(
        document in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        cut in 0..16usize,
        byte in any::<u8>(),
    ) {
        let documents = documents();
        let text = serde_json::to_string_pretty(document.get(&documents)).unwrap();
        let mut bytes = text.into_bytes();
        let start = at.index(bytes.len());
        let end = (start + cut).min(bytes.len());
        bytes.splice(start..end, [byte]);
        let text = String::from_utf8_lossy(&bytes);
        prop_assert_eq!(check_spans(&compile_json(&text)), Ok(()));
    }

    #[test]
    fn reshaped_documents_never_panic(
        document in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<usize>(), any::<usize>()), 1..4),
    ) {
        let documents = documents();
        let mut value = document.get(&documents).clone();
        for (pick, with) in edits {
            value = reshape(value, pick, with);
        }
        let text = serde_json::to_string(&value).unwrap();
        prop_assert_eq!(check_spans(&compile_json(&text)), Ok(()));
    }
}

#[test]
fn there_are_documents_to_mutate() {
    assert!(documents().len() >= 10);
}

/// A document with one rule over shifts whose `when` is `test`.
fn rule_when(test: &str) -> String {
    let document = json!({
        "facts": {"shift": {"id": "text", "hours": "decimal"}},
        "rules": [{"name": "r", "for_each": {"type": "shift", "as": "s"}, "when": test, "alert": "x"}]
    });
    document.to_string()
}

#[test]
fn ten_thousand_nested_arrays_are_a_syntax_error() {
    let text = format!(
        "{{\"rules\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let compiled = on_default_stack(move || compile_soundly(&text));
    assert!(compiled.diagnostics[0].message.contains("recursion limit"));
}

#[test]
fn ten_thousand_parentheses_in_an_expression_are_too_deep() {
    let test = format!("{}s.hours > 1{}", "(".repeat(10_000), ")".repeat(10_000));
    let compiled = on_default_stack(move || compile_soundly(&rule_when(&test)));
    assert!(
        compiled
            .diagnostics
            .iter()
            .any(|d| d.message.contains("nested deeper than"))
    );
}

#[test]
fn ten_megabyte_strings_are_read() {
    // An alert text and a field's name of 10 MB each, on one line. (A 10 MB string inside
    // an expression is the `.calc` lexer's to bear, and tested with the `.calc` front end.)
    let long = "x".repeat(10 * 1024 * 1024);
    let document = json!({
        "facts": {"shift": {"id": "text", long.clone(): "text"}},
        "rules": [
            {"name": "r", "for_each": {"type": "shift", "as": "s"}, "alert": format!("{long} {{s.id}}")}
        ]
    });
    let compiled = compile_soundly(&document.to_string());
    assert!(
        compiled.diagnostics.is_empty(),
        "{:?}",
        compiled.diagnostics
    );
}

#[test]
fn ten_megabytes_of_garbage_give_one_diagnostic() {
    let text = "{\"rules\": [".to_string() + &"\u{e9}]x".repeat(3 * 1024 * 1024);
    let compiled = compile_soundly(&text);
    assert_eq!(compiled.diagnostics.len(), 1);
}

#[test]
fn a_long_list_of_conditions_is_refused() {
    let conditions: Vec<Value> = (0..10_000)
        .map(|i| json!({"field": "id", "op": "!=", "value": format!("x{i}")}))
        .collect();
    let document = json!({
        "facts": {"shift": {"id": "text"}},
        "rules": [{"name": "r", "for_each": {"type": "shift", "as": "s", "where": conditions}, "alert": "x"}]
    });
    let text = document.to_string();
    let compiled = on_default_stack(move || compile_soundly(&text));
    assert!(compiled.diagnostics[0].message.contains("holds at most"));
}

#[test]
fn a_hundred_thousand_rules_are_read() {
    // Reading is the JSON front end's part; lowering and checking that many rules is the
    // same work as for `.calc`, and tested there.
    let rules: Vec<Value> = (0..100_000)
        .map(|i| {
            json!({
                "name": format!("r{i}"),
                "for_each": {"type": "shift", "as": "s", "where": {"field": "hours", "op": ">", "value": i}},
                "set": {"s.flagged": "true"}
            })
        })
        .collect();
    let document = json!({
        "facts": {"shift": {"id": "text", "hours": "decimal"}},
        "rules": rules
    });
    let text = document.to_string();
    let mut sources = SourceMap::new();
    let id = sources.add("rules.json", text.as_str());
    let (file, diagnostics) = json::read(&text, id, &mut sources);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(file.items.len(), 100_001);
}
