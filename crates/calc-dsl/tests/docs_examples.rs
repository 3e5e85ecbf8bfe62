//! The examples in the documentation compile as they say they do, so the docs stay true.
//!
//! Every fenced ```` ```calc ```` block of `docs/language.md` and `docs/diagnostics.md` is
//! compiled on its own. Its info string says what must happen:
//!
//! - ```` ```calc ```` and ```` ```calc fixed E0002 ````: no diagnostic at all;
//! - ```` ```calc wrong E0002 ````: a diagnostic with each code named, and none with any
//!   other code (name several codes when one mistake rightly gives several);
//! - ```` ```calc fragment ````: not compiled (a piece of a rule shown for its syntax; keep
//!   these rare).
//!
//! Every code of [`Code::ALL`] has a section, a wrong example and a fixed example in
//! `docs/diagnostics.md`, and every `examples/*/rules.calc` compiles with no diagnostic.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use reckon_calc_dsl::{Input, compile, render};
use reckon_rule_ir::Code;

/// What a block's info string asks of it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Compiles with no diagnostic (`calc`, or `calc fixed CODE`).
    Clean { fixes: Option<Code> },
    /// Gives exactly these codes (`calc wrong CODE...`).
    Codes(BTreeSet<Code>),
    /// Not compiled (`calc fragment`).
    Fragment,
}

/// A ```calc block of a Markdown file.
#[derive(Debug)]
struct Block {
    /// `file:line` of the opening fence, for messages.
    place: String,
    expect: Expect,
    text: String,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the crate lives in crates/<name>")
        .to_path_buf()
}

fn code_named(name: &str) -> Option<Code> {
    Code::ALL.iter().copied().find(|code| code.as_str() == name)
}

/// What an info string after ```` ``` ```` asks, or why it makes no sense.
fn expectation(words: &[&str]) -> Result<Expect, String> {
    let codes = |names: &[&str]| -> Result<Vec<Code>, String> {
        names
            .iter()
            .map(|name| code_named(name).ok_or_else(|| format!("`{name}` is not a code")))
            .collect()
    };
    match words {
        [] => Ok(Expect::Clean { fixes: None }),
        ["fragment"] => Ok(Expect::Fragment),
        ["fixed", code] => Ok(Expect::Clean {
            fixes: Some(codes(&[code])?[0]),
        }),
        ["wrong", names @ ..] if !names.is_empty() => {
            Ok(Expect::Codes(codes(names)?.into_iter().collect()))
        }
        other => Err(format!(
            "`calc {}` means nothing; write `calc`, `calc fragment`, `calc wrong CODE...` or `calc fixed CODE`",
            other.join(" ")
        )),
    }
}

/// The ```calc blocks of a Markdown text; `problems` gets malformed ones.
fn calc_blocks(name: &str, markdown: &str, problems: &mut Vec<String>) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        // A fence may be indented (inside a list item); its lines lose that indentation.
        let trimmed = line.trim_start();
        let Some(info) = trimmed.strip_prefix("```") else {
            continue;
        };
        let indent = line.len() - trimmed.len();
        let words: Vec<&str> = info.split_whitespace().collect();
        let is_calc = words.first() == Some(&"calc");
        let mut text = String::new();
        let mut closed = false;
        for (_, inner) in lines.by_ref() {
            if inner.trim() == "```" {
                closed = true;
                break;
            }
            let kept = inner.len() - inner.trim_start().len();
            text.push_str(&inner[kept.min(indent)..]);
            text.push('\n');
        }
        let place = format!("{name}:{}", index + 1);
        if !closed {
            problems.push(format!("{place}: the code block is never closed"));
        }
        if !is_calc {
            continue;
        }
        match expectation(&words[1..]) {
            Ok(expect) => blocks.push(Block {
                place,
                expect,
                text,
            }),
            Err(message) => problems.push(format!("{place}: {message}")),
        }
    }
    blocks
}

fn read_doc(file: &str, problems: &mut Vec<String>) -> Vec<Block> {
    let path = workspace_root().join("docs").join(file);
    let markdown = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    calc_blocks(&format!("docs/{file}"), &markdown, problems)
}

/// Compiles `text` alone: the codes it gives, and the diagnostics rendered for a message.
fn compile_one(name: &str, text: &str) -> (BTreeSet<Code>, String) {
    let compiled = compile(&[Input::calc(name, text)]);
    let codes = compiled.diagnostics.iter().map(|d| d.code).collect();
    let shown = render::human(&compiled.diagnostics, &compiled.sources, false);
    (codes, shown)
}

/// Checks one block; a problem comes back as a message.
fn check_block(block: &Block) -> Option<String> {
    let (found, shown) = match block.expect {
        Expect::Fragment => return None,
        _ => compile_one(&format!("{} (example)", block.place), &block.text),
    };
    let listed = |codes: &BTreeSet<Code>| {
        codes
            .iter()
            .map(|code| code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &block.expect {
        Expect::Fragment => None,
        Expect::Clean { .. } if found.is_empty() => None,
        Expect::Clean { .. } => Some(format!(
            "{}: expected to compile with no diagnostic, but gives {}:\n{shown}",
            block.place,
            listed(&found)
        )),
        Expect::Codes(expected) if *expected == found => None,
        Expect::Codes(expected) => Some(format!(
            "{}: expected exactly {}, but gives {}:\n{shown}",
            block.place,
            listed(expected),
            if found.is_empty() {
                "nothing".to_string()
            } else {
                listed(&found)
            }
        )),
    }
}

fn assert_no_problems(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn language_reference_examples_compile_as_marked() {
    let mut problems = Vec::new();
    let blocks = read_doc("language.md", &mut problems);
    assert!(blocks.len() > 50, "only {} examples found", blocks.len());
    problems.extend(blocks.iter().filter_map(check_block));
    let fragments = blocks
        .iter()
        .filter(|b| b.expect == Expect::Fragment)
        .count();
    if fragments * 10 > blocks.len() {
        problems.push(format!(
            "{fragments} of {} examples are fragments; keep them rare, prefer complete examples",
            blocks.len()
        ));
    }
    assert_no_problems(&problems);
}

#[test]
fn diagnostics_catalogue_examples_compile_as_marked() {
    let mut problems = Vec::new();
    let blocks = read_doc("diagnostics.md", &mut problems);
    problems.extend(blocks.iter().filter_map(check_block));
    assert_no_problems(&problems);
}

#[test]
fn every_code_has_a_section_a_wrong_example_and_a_fixed_example() {
    let mut problems = Vec::new();
    let path = workspace_root().join("docs/diagnostics.md");
    let markdown = std::fs::read_to_string(&path).expect("docs/diagnostics.md is readable");
    let blocks = calc_blocks("docs/diagnostics.md", &markdown, &mut problems);
    for &code in Code::ALL {
        let name = code.as_str();
        if !markdown
            .lines()
            .any(|line| line.starts_with("## ") && line.contains(name))
        {
            problems.push(format!("{name} has no `## {name}` section"));
        }
        let wrong = blocks
            .iter()
            .any(|b| matches!(&b.expect, Expect::Codes(codes) if codes.contains(&code)));
        if !wrong {
            problems.push(format!("{name} has no `calc wrong {name}` example"));
        }
        let fixed = blocks
            .iter()
            .any(|b| b.expect == Expect::Clean { fixes: Some(code) });
        if !fixed {
            problems.push(format!("{name} has no `calc fixed {name}` example"));
        }
    }
    assert_no_problems(&problems);
}

#[test]
fn every_example_ruleset_compiles_with_no_diagnostic() {
    let examples = workspace_root().join("examples");
    let mut found = 0;
    let mut problems = Vec::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&examples)
        .expect("examples/ is readable")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let rules = folder.join("rules.calc");
        let Ok(text) = std::fs::read_to_string(&rules) else {
            continue;
        };
        found += 1;
        let name = rules
            .strip_prefix(workspace_root())
            .unwrap_or(&rules)
            .display()
            .to_string();
        let (codes, shown) = compile_one(&name, &text);
        if !codes.is_empty() {
            problems.push(format!("{name} gives diagnostics:\n{shown}"));
        }
    }
    assert!(found >= 2, "expected the example rule sets, found {found}");
    assert_no_problems(&problems);
}

#[test]
fn info_strings_are_read_as_documented() {
    assert_eq!(expectation(&[]), Ok(Expect::Clean { fixes: None }));
    assert_eq!(expectation(&["fragment"]), Ok(Expect::Fragment));
    assert_eq!(
        expectation(&["fixed", "E0002"]),
        Ok(Expect::Clean {
            fixes: Some(Code::UnknownField)
        })
    );
    assert_eq!(
        expectation(&["wrong", "E0018", "E0003"]),
        Ok(Expect::Codes(
            [Code::Syntax, Code::UnknownName].into_iter().collect()
        ))
    );
    assert!(expectation(&["wrong"]).is_err());
    assert!(expectation(&["wrong", "E9999"]).is_err());
    assert!(expectation(&["fixed"]).is_err());
    assert!(expectation(&["rong", "E0002"]).is_err());
    let mut problems = Vec::new();
    let blocks = calc_blocks(
        "t.md",
        "text\n```calc wrong E0001\nrule \"r\"\n```\n```json\n{}\n```\n- item:\n\n  ```calc\n  fact a {\n    b: int\n  }\n  ```\n```calc\n",
        &mut problems,
    );
    assert_eq!(blocks.len(), 3);
    assert_eq!(blocks[0].place, "t.md:2");
    assert_eq!(blocks[0].text, "rule \"r\"\n");
    assert_eq!(blocks[1].text, "fact a {\n  b: int\n}\n");
    assert_eq!(problems, ["t.md:15: the code block is never closed"]);
}
