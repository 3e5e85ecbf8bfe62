//! The canonical `.calc` printer: on every case file and example it is idempotent, keeps the
//! program's meaning (same IR text, same diagnostics) and every comment; on random syntax
//! trees it prints text that parses back to the same tree with the fewest parentheses added;
//! and snapshots show what it makes of messy input.

#[path = "format/generate.rs"]
mod generate;
#[path = "format/tree.rs"]
mod tree;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use reckon_calc_dsl::calc::parser::parse;
use reckon_calc_dsl::calc::print::{format, print};
use reckon_calc_dsl::{Input, compile};
use reckon_rule_ir::SourceId;

/// Every case file, messy input and example's rules, with their text.
fn sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<PathBuf> = Vec::new();
    let folders = [root.join("tests/cases"), root.join("tests/format/messy")]
        .into_iter()
        .chain(
            std::fs::read_dir(root.join("../../examples"))
                .expect("the examples folder")
                .map(|entry| entry.expect("an example").path()),
        );
    for folder in folders.filter(|folder| folder.is_dir()) {
        for entry in std::fs::read_dir(&folder).expect("a folder") {
            let path = entry.expect("a file").path();
            if path.extension().is_some_and(|ext| ext == "calc") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    assert!(paths.len() > 3, "the case files and examples are found");
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            (path, text)
        })
        .collect()
}

/// The sources without syntax errors, and their canonical text.
fn formatted() -> Vec<(PathBuf, String, String)> {
    sources()
        .into_iter()
        .filter_map(|(path, text)| {
            let canonical = format(&text).ok()?;
            Some((path, text, canonical))
        })
        .collect()
}

#[test]
fn formatting_twice_changes_nothing() {
    let files = formatted();
    assert!(files.len() > 3);
    for (path, _, once) in files {
        let twice = format(&once).expect("canonical text parses");
        assert_eq!(twice, once, "{} is not stable", path.display());
    }
}

#[test]
fn formatting_keeps_the_program_and_its_diagnostics() {
    let compile_one = |text: &str| {
        let compiled = compile(&[Input::calc("case.calc", text)]);
        let program = reckon_rule_ir::text::print(&compiled.program);
        let found: Vec<_> = compiled
            .diagnostics
            .iter()
            .map(|d| (d.code, d.message.clone()))
            .collect();
        (program, found)
    };
    for (path, text, canonical) in formatted() {
        let (program, diagnostics) = compile_one(&text);
        let (program_after, diagnostics_after) = compile_one(&canonical);
        assert_eq!(program_after, program, "{}", path.display());
        assert_eq!(diagnostics_after, diagnostics, "{}", path.display());
    }
}

/// The comment lines of `.calc` text, from `//` to the end of the line, outside strings and
/// backticked names, without a CRLF's carriage return.
fn comment_lines(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for line in text.lines() {
        let (mut quote, mut escaped) = (None, false);
        for (at, c) in line.char_indices() {
            match (quote, c) {
                (Some(_), _) if escaped => escaped = false,
                (Some('"'), '\\') => escaped = true,
                (Some(open), c) if c == open => quote = None,
                (None, '"' | '`') => quote = Some(c),
                (None, '/') if line[at..].starts_with("//") => {
                    found.push(line[at + 2..].trim_end_matches('\r'));
                    break;
                }
                _ => {}
            }
        }
    }
    found
}

#[test]
fn formatting_keeps_every_comment_in_order() {
    let mut seen = 0;
    for (path, text, canonical) in formatted() {
        let before = comment_lines(&text);
        seen += before.len();
        assert_eq!(comment_lines(&canonical), before, "{}", path.display());
    }
    assert!(seen > 10, "the case files hold comments");
}

#[test]
fn broken_text_is_not_formatted() {
    let diagnostics = format("rule \"r\"\n  for each shift s where (s.hours > 1\n")
        .expect_err("an unclosed parenthesis is a syntax error");
    assert_eq!(diagnostics.len(), 1);
}

/// `1 + 1 + ...` and `x.a.a...` are read in a loop, but each operator is a level of the tree:
/// a chain within the bound formats, and one far beyond it is a syntax error, not a tree that
/// overflows the stack of a spawned thread (2 MiB) when printed or dropped.
#[test]
fn long_chains_format_up_to_the_depth_bound() {
    let within = format!(
        "calc f() -> int =\n  {}1 + x{} not in [1] is missing\n",
        "1 + ".repeat(60),
        ".a".repeat(60)
    );
    assert_eq!(format(&within).expect("within the bound"), within);

    let beyond = format!("calc f() -> int =\n  {}1\n", "1 + ".repeat(100_000));
    let diagnostics = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || format(&beyond).expect_err("beyond the bound"))
        .expect("a thread")
        .join()
        .expect("no overflow");
    assert_eq!(diagnostics.len(), 1);
    assert!(diagnostics[0].message.contains("nested deeper than"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn printed_trees_parse_back_the_same(file in generate::file()) {
        let text = print(&file);
        let (parsed, diagnostics) = parse(&text, SourceId(0));
        prop_assert!(diagnostics.is_empty(), "{}\n{:#?}", text, diagnostics);
        let added = tree::added_parens(&file, &parsed);
        prop_assert!(
            added.is_some(),
            "the tree read back is not the tree printed:\n{}\n{:#?}\n{:#?}",
            text,
            tree::labels(&file, true),
            tree::labels(&parsed, true)
        );
        // Each pair of parentheses the printer added is needed: without it, the text
        // does not parse, or parses to another tree.
        let meaning = tree::labels(&file, false);
        for span in added.unwrap_or_default() {
            let mut bytes = text.clone().into_bytes();
            bytes[span.start as usize] = b' ';
            bytes[span.end as usize - 1] = b' ';
            let without = String::from_utf8(bytes).expect("parentheses are ASCII");
            let (other, diagnostics) = parse(&without, SourceId(0));
            prop_assert!(
                !diagnostics.is_empty() || tree::labels(&other, false) != meaning,
                "needless parentheses at {}..{}:\n{}",
                span.start,
                span.end,
                text
            );
        }
        // Printing is idempotent, from the tree and from the text.
        prop_assert_eq!(print(&parsed), text.clone());
        prop_assert_eq!(format(&text).ok(), Some(text));
    }
}

/// The messy inputs of `format/messy/*.calc`, each beside its canonical text's snapshot.
#[test]
fn messy_input() {
    insta::glob!("format/messy/*.calc", |path| {
        let text = std::fs::read_to_string(path).expect("readable");
        insta::assert_snapshot!(format(&text).expect("messy but valid"));
    });
}
