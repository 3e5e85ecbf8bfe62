//! Property tests of the IR text form over random well-typed programs made through the
//! builder API as a front end makes them (see `support`): each builds without diagnostics,
//! verifies, prints and reads back to the same text; parsing does not depend on the order
//! of items; and hostile or damaged text never panics the parser.

mod support;

use std::collections::HashMap;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use reckon_rule_ir::text::{parse, print};
use reckon_rule_ir::{Diagnostic, Program, SourceId, verify};
use support::{Plan, build, plan};

fn config(cases: u32) -> ProptestConfig {
    // No regression files: the crate's tests folder is shared, and a failure prints its case.
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Diagnostics with line and column, for failure messages.
fn render(text: &str, diagnostics: &[Diagnostic]) -> String {
    let place = |offset: u32| {
        let before = &text[..(offset as usize).min(text.len())];
        let column = before
            .rsplit('\n')
            .next()
            .map_or(0, |line| line.chars().count())
            + 1;
        format!("{}:{column}", before.matches('\n').count() + 1)
    };
    let line = |d: &Diagnostic| {
        format!(
            "{}: {:?} {}\n",
            place(d.primary.span.start),
            d.code,
            d.message
        )
    };
    diagnostics.iter().map(line).collect()
}

/// The program of a plan, which verifies, and its text. A plan the builder rejects is a
/// bug in the generator or in the builder, shown with the program as far as it was built.
fn built(plan: &Plan) -> (Program, String) {
    let (program, diagnostics) = build(plan);
    let printed = print(&program);
    assert!(
        diagnostics.is_empty(),
        "the builder rejects a generated program:\n{diagnostics:#?}\n{printed}"
    );
    if let Err(problems) = verify::verify(&program) {
        panic!("the built program does not verify: {problems:#?}\n{printed}");
    }
    (program, printed)
}

/// Parses text that must read without diagnostics into a program that verifies.
fn reads_back(text: &str) -> Result<Program, TestCaseError> {
    let (program, diagnostics) = parse(text, SourceId(0));
    let shown = render(text, &diagnostics);
    prop_assert!(
        diagnostics.is_empty(),
        "the text does not read back:\n{shown}\n{text}"
    );
    let problems = verify::verify(&program).err();
    prop_assert!(
        problems.is_none(),
        "the parsed program does not verify: {problems:#?}\n{text}"
    );
    Ok(program)
}

/// Fails with the first differing line when `reread` is not `printed`.
fn same_text(printed: &str, reread: &str) -> Result<(), TestCaseError> {
    if printed == reread {
        return Ok(());
    }
    let (mut a, mut b) = (printed.lines(), reread.lines());
    let line = (0..)
        .find(|_| a.next() != b.next())
        .expect("the texts differ");
    let at = |text: &str| text.lines().nth(line).unwrap_or("<end>").to_string();
    let (printed_line, reread_line) = (at(printed), at(reread));
    let message = format!(
        "line {} differs:\n  printed: {printed_line}\n  reread:  {reread_line}",
        line + 1
    );
    Err(TestCaseError::fail(format!(
        "{message}\nthe printed program:\n{printed}"
    )))
}

/// Every label of every diagnostic is a range of `text` between characters, so that a
/// renderer can slice the text with it.
fn point_into(text: &str, diagnostics: &[Diagnostic]) -> Result<(), TestCaseError> {
    for d in diagnostics {
        for label in std::iter::once(&d.primary).chain(&d.secondary) {
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            let inside = start <= end && text.is_char_boundary(start) && text.is_char_boundary(end);
            let length = text.len();
            prop_assert!(
                inside,
                "{:?} points at {start}..{end} of {length} bytes:\n{text}",
                d.message
            );
        }
    }
    Ok(())
}

/// The printed items, each from its keyword line to the next one. Names and text never
/// hold a line break that starts a line with an item keyword, so lines tell items apart.
fn items(text: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for line in text.split_inclusive('\n') {
        let keywords = ["fact ", "calc ", "alpha ", "rule ", "stratum "];
        if items.is_empty() || keywords.iter().any(|k| line.starts_with(k)) {
            items.push(String::new());
        }
        items.last_mut().expect("an item is open").push_str(line);
    }
    items
}

/// The items in the order of `keys`, except that items of one kind keep their order (rule
/// ids and strata are positions).
fn interleave(items: &[String], keys: &[u8]) -> String {
    let kind = |item: &str| item.split_whitespace().next().unwrap_or("").to_string();
    let mut by_kind: HashMap<String, Vec<&String>> = HashMap::new();
    for item in items.iter().rev() {
        by_kind.entry(kind(item)).or_default().push(item);
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|i| keys.get(*i).copied().unwrap_or(0));
    let next = |i: usize| {
        by_kind
            .get_mut(&kind(&items[i]))
            .and_then(Vec::pop)
            .expect("one per item")
    };
    order.into_iter().map(next).map(String::as_str).collect()
}

/// The text form's words and marks.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "fact", "calc", "alpha", "rule", "stratum", "partition", "match", "next", "after", "by", "no",
    "exists", "expand", "accumulate", "into", "let", "when", "group", "key", "aggregate", "emit",
    "for", "each", "set", "alert", "retract", "update", "test", "join", "priority", "if", "then",
    "else", "and", "or", "not", "is", "missing", "null", "true", "template", "allocate", "where",
    "yield", "default", "optional", "derived", "uses", "it", "any", "int", "list", "r0", "a0", "x",
    "t", "{", "}", "(", ")", "[", "]", ",", ":", ".", "=", "->", "<", ">", "-", "+", "/", "%", "==",
    "\"s\"", "`q`", "1", "-2", "3.5", "40d", "d\"2025-01-06\"", "wk\"2025-W02\"", "sum", "count",
    "len", "\n",
];

/// Text made of the form's own words and marks, numbers and typed literals with any
/// content, so that the parser gets further than with arbitrary characters.
fn token_soup() -> impl Strategy<Value = String> {
    let number = "-?[0-9]{1,40}(\\.[0-9]{0,40})?d?";
    let prefix = select(&["d", "dt", "dur", "wk"][..]);
    let typed = (prefix, "[-+:0-9A-Za-z. \\[\\]]{0,30}").prop_map(|(p, t)| format!("{p}\"{t}\""));
    let word = select(WORDS).prop_map(String::from);
    let token = prop_oneof![8 => word, 1 => any::<String>(), 1 => number, 1 => typed];
    vec(token, 0..60).prop_map(|tokens| tokens.join(" "))
}

/// A damage to a text: a character replaced, a range removed, a range copied elsewhere, or
/// a word of the form inserted; positions are taken modulo the length.
#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, char),
    Remove(usize, usize),
    Copy(usize, usize, usize),
    Insert(usize, &'static str),
}

fn edit() -> impl Strategy<Value = Edit> {
    let marks = select(
        &[
            '{', '}', '(', ')', '[', ']', '"', '`', '\\', '-', '.', ':', '\n', 'd',
        ][..],
    );
    let (at, c) = (any::<usize>, prop_oneof![marks, any::<char>()]);
    prop_oneof![
        (at(), c).prop_map(|(at, c)| Edit::Replace(at, c)),
        (at(), 1usize..12).prop_map(|(at, len)| Edit::Remove(at, len)),
        (at(), 1usize..40, at()).prop_map(|(from, len, to)| Edit::Copy(from, len, to)),
        (at(), select(WORDS)).prop_map(|(at, word)| Edit::Insert(at, word)),
    ]
}

fn damage(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for edit in edits {
        let (n, room) = (chars.len().max(1), chars.len() + 1);
        match *edit {
            Edit::Replace(at, c) if !chars.is_empty() => chars[at % n] = c,
            Edit::Remove(at, len) if !chars.is_empty() => {
                chars.drain(at % n..(at % n + len).min(chars.len()));
            }
            Edit::Copy(from, len, to) if !chars.is_empty() => {
                let copied = chars[from % n..(from % n + len).min(chars.len())].to_vec();
                chars.splice(to % room..to % room, copied);
            }
            Edit::Insert(at, word) => {
                chars.splice(at % room..at % room, format!(" {word} ").chars());
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(config(256))]

    /// Every generated program builds without diagnostics and verifies, and its text reads
    /// back without diagnostics to a program that verifies and prints the same text.
    #[test]
    fn printed_programs_read_back_to_the_same_text(plan in plan()) {
        let (_, printed) = built(&plan);
        same_text(&printed, &print(&reads_back(&printed)?))?;
    }

    /// Parsing the same text twice gives the same program; the text with the calculators
    /// moved after the rules, or with the kinds of items interleaved in any order, reads
    /// back to the same printed program.
    #[test]
    fn parsing_does_not_depend_on_item_order(plan in plan(), keys in vec(any::<u8>(), 40)) {
        let (_, printed) = built(&plan);
        prop_assert_eq!(parse(&printed, SourceId(0)).0, parse(&printed, SourceId(0)).0);
        let items = items(&printed);
        let (calcs, others): (Vec<&String>, Vec<&String>) =
            items.iter().partition(|item| item.starts_with("calc "));
        let moved: String = others.into_iter().chain(calcs).map(String::as_str).collect();
        same_text(&printed, &print(&reads_back(&moved)?))?;
        same_text(&printed, &print(&reads_back(&interleave(&items, &keys))?))?;
    }

    /// A damaged program reads to a program, which prints, and diagnostics that point into
    /// the text, without a panic.
    #[test]
    fn damaged_programs_never_panic_the_parser(plan in plan(), edits in vec(edit(), 1..8)) {
        let (_, printed) = built(&plan);
        let damaged = damage(&printed, &edits);
        let (program, diagnostics) = parse(&damaged, SourceId(0));
        print(&program);
        point_into(&damaged, &diagnostics)?;
    }
}

proptest! {
    #![proptest_config(config(1024))]

    /// Arbitrary text, and text made of the form's own tokens, reads without a panic to a
    /// program, which prints, and diagnostics that point into the text.
    #[test]
    fn hostile_text_never_panics_the_parser(text in prop_oneof![any::<String>(), token_soup()]) {
        let (program, diagnostics) = parse(&text, SourceId(0));
        print(&program);
        point_into(&text, &diagnostics)?;
    }
}
