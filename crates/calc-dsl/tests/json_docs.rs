//! The JSON rule reference stays true: every ```` ```json ```` and ```` ```calc ```` block of
//! `docs/json-rules.md` compiles with no diagnostic (```` ```json fragment ```` blocks are
//! pieces of a document and are not compiled), the first JSON example is the `.calc` shown
//! beside it, and the JSON Schema is a JSON document of draft 2020-12.

use std::path::{Path, PathBuf};

use reckon_calc_dsl::{Input, compile, render};
use reckon_rule_ir::text::print;

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

/// The fenced blocks of a Markdown text: info string, line of the fence, text.
fn blocks(markdown: &str) -> Vec<(String, usize, String)> {
    let mut found = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(info)) => open = Some((info.trim().to_string(), index + 1, String::new())),
            (Some(_), Some(_)) => found.extend(open.take()),
            (Some((_, _, text)), None) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    found
}

#[test]
fn every_example_compiles_cleanly() {
    let markdown = std::fs::read_to_string(docs().join("json-rules.md")).unwrap();
    let mut compiled = Vec::new();
    for (info, line, text) in blocks(&markdown) {
        let input = match info.as_str() {
            "json" => Input::json(format!("json-rules.md:{line}.json"), text),
            "calc" => Input::calc(format!("json-rules.md:{line}.calc"), text),
            "json fragment" | "text" | "rust" => continue,
            other => panic!("json-rules.md:{line}: unknown block kind `{other}`"),
        };
        let result = compile(&[input]);
        assert!(
            result.diagnostics.is_empty(),
            "json-rules.md:{line}:\n{}",
            render::human(&result.diagnostics, &result.sources, false)
        );
        compiled.push((info, print(&result.program)));
    }
    assert!(compiled.iter().filter(|(info, _)| info == "json").count() >= 6);
    let first_json = compiled.iter().find(|(info, _)| info == "json").unwrap();
    let first_calc = compiled.iter().find(|(info, _)| info == "calc").unwrap();
    assert_eq!(
        first_json.1, first_calc.1,
        "the first example and its `.calc` differ"
    );
}

#[test]
fn the_schema_is_json_of_draft_2020_12() {
    let text = std::fs::read_to_string(docs().join("json-rules.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let top: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    assert_eq!(top, ["$schema", "calcs", "facts", "outputs", "rules"]);
}
