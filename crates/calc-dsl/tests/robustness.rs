//! Robustness of the `.calc` front end: whatever text it is given, `compile` returns,
//! without a panic or a stack overflow, and every diagnostic points at a range of the
//! source it names, on character boundaries. Property tests feed it arbitrary strings,
//! strings of the language's words, and mutated copies of `tests/cases/*.calc`; the other
//! tests feed it inputs at the sizes the robustness goals name (10 MB lines, 10,000 levels
//! of nesting, 100,000 rules). Invalid UTF-8 cannot reach this API (it takes `&str`); the
//! command line's reading of files is where that is tested.

use std::path::Path;
use std::sync::LazyLock;

use proptest::prelude::*;
use reckon_calc_dsl::{Compiled, Input, compile};

/// The stack of a thread that `std::thread::spawn` starts when `RUST_MIN_STACK` is unset.
/// Deep inputs are compiled on a thread of exactly this size, so that a pass that
/// recurses once per level overflows here rather than passing on a larger main stack.
const DEFAULT_THREAD_STACK: usize = 2 * 1024 * 1024;

/// Levels of nesting in the deep inputs: far beyond any bound the parser sets.
const DEEP: usize = 10_000;

/// The size of the long single-line inputs.
const TEN_MB: usize = 10 * 1024 * 1024;

/// Declarations that the generated rules match against.
const SHIFT_FACT: &str = "fact shift { id: text, hours: decimal, location: text }\n\
                          output flagged { rule: text, shift_id: text }\n";

/// Words and punctuation of the language, and pieces that break it, for inserting into
/// case files and for building token soups.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "fact", "output", "calc", "rule", "priority", "for each", "with", "with next", "after",
    "by", "no", "exists", "in", "where", "when", "let", "group by", "as", "emit", "set",
    "alert", "retract", "update", "first", "then", "otherwise", "if", "else", "and", "or",
    "not", "is", "missing", "null", "true", "false", "between", "single", "optional",
    "default", "list<", "(", ")", "[", "]", "{", "}", ",", ":", ".", "->", "=", "==", "!=",
    "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "\"", "\"{", "}\"", "\"{s.id}\"", "\\",
    "`", "``", "//", "\n", "s", "s.hours", "shift", "shift s", "x", "0", "1.5", "-1",
    "99999999999999999999999999999", "2025-02-30", "2025-01-06T09:00", "2025-W53",
    "11 hours", "sum(", "count(", "é", "\u{fffd}", "\u{1f600}",
];

/// Compiles `text` as one `.calc` source.
fn compile_calc(text: &str) -> Compiled {
    compile(&[Input::calc("input.calc", text)])
}

/// Checks that every span of every diagnostic lies within the source it names, on
/// character boundaries.
fn check_spans(compiled: &Compiled) -> Result<(), String> {
    for diagnostic in &compiled.diagnostics {
        let labels = std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary);
        for label in labels {
            let Some(source) = compiled.sources.get(label.span.source) else {
                return Err(format!("{diagnostic}: the span names no source"));
            };
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            if start > end || end > source.text.len() {
                return Err(format!(
                    "{diagnostic}: span {start}..{end} outside {} bytes",
                    source.text.len()
                ));
            }
            if !source.text.is_char_boundary(start) || !source.text.is_char_boundary(end) {
                return Err(format!(
                    "{diagnostic}: span {start}..{end} splits a character"
                ));
            }
        }
    }
    Ok(())
}

/// Compiles `text` and asserts that its spans are sound.
fn compile_soundly(text: &str) -> Compiled {
    let compiled = compile_calc(text);
    if let Err(problem) = check_spans(&compiled) {
        panic!("{problem}");
    }
    compiled
}

/// True when some diagnostic says the nesting bound was passed.
fn reports_too_deep(compiled: &Compiled) -> bool {
    compiled
        .diagnostics
        .iter()
        .any(|d| d.message.contains("nested deeper than"))
}

/// Runs `f` on a thread with the default stack, and returns its result. A stack overflow
/// aborts the whole test binary, which is how a failure shows.
fn on_default_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(DEFAULT_THREAD_STACK)
        .spawn(f)
        .expect("a thread starts")
        .join()
        .expect("the thread does not panic")
}

/// The text of every `.calc` case, in file name order, read once.
fn case_texts() -> &'static [String] {
    static CASES: LazyLock<Vec<String>> = LazyLock::new(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .expect("tests/cases exists")
            .map(|entry| entry.expect("a readable entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "calc"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|path| std::fs::read_to_string(path).expect("a readable case"))
            .collect()
    });
    &CASES
}

/// One change to a case file's bytes; positions and lengths are taken modulo the text's
/// length when applied, so that any change applies to any file.
#[derive(Debug, Clone)]
enum Edit {
    /// Replace the byte at a position.
    Set(usize, u8),
    /// Delete a range.
    Delete(usize, usize),
    /// Copy a range to just after itself.
    Duplicate(usize, usize),
    /// Insert one of `WORDS`, with spaces around it.
    Insert(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Set(at, byte)),
        (any::<usize>(), 0..64usize).prop_map(|(at, len)| Edit::Delete(at, len)),
        (any::<usize>(), 0..256usize).prop_map(|(at, len)| Edit::Duplicate(at, len)),
        (any::<usize>(), 0..WORDS.len()).prop_map(|(at, word)| Edit::Insert(at, word)),
    ]
}

/// Applies `edits` to `text` as bytes; bytes that are no longer UTF-8 become U+FFFD.
fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for edit in edits {
        let len = bytes.len().max(1);
        match *edit {
            Edit::Set(at, byte) => {
                if let Some(slot) = bytes.get_mut(at % len) {
                    *slot = byte;
                }
            }
            Edit::Delete(at, count) => {
                let start = (at % len).min(bytes.len());
                let end = (start + count).min(bytes.len());
                bytes.drain(start..end);
            }
            Edit::Duplicate(at, count) => {
                let start = (at % len).min(bytes.len());
                let end = (start + count).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Edit::Insert(at, word) => {
                let at = (at % len).min(bytes.len());
                let piece = format!(" {} ", WORDS[word]);
                bytes.splice(at..at, piece.into_bytes());
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        let compiled = compile_calc(&text);
        prop_assert_eq!(check_spans(&compiled), Ok(()));
    }

    #[test]
    fn strings_of_the_languages_words_never_panic(
        words in prop::collection::vec(prop::sample::select(WORDS), 0..200),
    ) {
        let compiled = compile_calc(&words.join(" "));
        prop_assert_eq!(check_spans(&compiled), Ok(()));
    }

    #[test]
    fn mutated_cases_never_panic(
        case in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        let cases = case_texts();
        let text = mutate(case.get::<String>(cases), &edits);
        let compiled = compile_calc(&text);
        prop_assert_eq!(check_spans(&compiled), Ok(()));
    }
}

#[test]
fn every_case_file_is_read() {
    // The mutation test is only as good as its seeds: make sure they are there.
    assert!(case_texts().len() >= 3);
}

/// A rule over shifts whose `when` test is `test`, on one line.
fn rule_when(test: &str) -> String {
    format!("{SHIFT_FACT}rule \"long\" for each shift s when {test} alert \"long\"")
}

/// Compiles, on a thread with the default stack, a rule whose test compares a shift's
/// hours with `value`: the single long token under test, on one line.
fn compile_with_value(value: String) -> Compiled {
    on_default_stack(move || compile_soundly(&rule_when(&format!("s.hours > {value}"))))
}

#[test]
fn a_ten_megabyte_sum_gives_a_diagnostic() {
    // `1 + 1 + ...` is read in a loop, not by recursion, so its tree would be as deep as
    // the line is long: it must be refused (or built and walked) without a deep stack.
    let sum = "1 + ".repeat(TEN_MB / 4) + "1";
    let compiled = on_default_stack(move || compile_soundly(&rule_when(&sum)));
    assert!(compiled.has_errors());
}

#[test]
fn a_ten_megabyte_string_gives_a_diagnostic() {
    let compiled = compile_with_value(format!("\"{}\"", "x".repeat(TEN_MB)));
    assert!(
        compiled.has_errors(),
        "text is not comparable with a decimal"
    );
}

#[test]
fn a_ten_megabyte_number_gives_a_diagnostic() {
    let compiled = compile_with_value("9".repeat(TEN_MB));
    assert!(
        compiled.has_errors(),
        "the number is beyond any type's range"
    );
}

#[test]
fn a_ten_megabyte_name_in_backticks_is_read() {
    // A declared name, so that no did-you-mean search runs over it.
    let text = format!("fact `{}` {{ a: int }}\nrule", "x".repeat(TEN_MB));
    let compiled = on_default_stack(move || compile_soundly(&text));
    assert!(compiled.has_errors(), "the rule after the fact has no name");
}

#[test]
fn a_ten_megabyte_name_gives_a_diagnostic() {
    let compiled = compile_with_value(format!("s.{}", "x".repeat(TEN_MB)));
    assert!(compiled.has_errors(), "shifts have no such field");
}

#[test]
fn a_ten_megabyte_decimal_gives_a_diagnostic() {
    let compiled = compile_with_value(format!("1.{}", "5".repeat(TEN_MB)));
    assert!(compiled.has_errors(), "the decimal has too many places");
}

#[test]
fn a_ten_megabyte_comment_is_read() {
    let text = format!("{SHIFT_FACT}// {}\nrule", "x".repeat(TEN_MB));
    let compiled = on_default_stack(move || compile_soundly(&text));
    assert!(
        compiled.has_errors(),
        "the rule after the comment has no name"
    );
}

#[test]
fn ten_megabytes_of_garbage_give_diagnostics() {
    let garbage: String = "#@$~^&?!;|é\u{fffd}".chars().cycle().take(TEN_MB).collect();
    let compiled = on_default_stack(move || compile_soundly(&garbage));
    assert!(compiled.has_errors());
}

#[test]
fn ten_thousand_parentheses_are_too_deep() {
    let test = format!("{}s.hours > 1{}", "(".repeat(DEEP), ")".repeat(DEEP));
    let compiled = on_default_stack(move || compile_soundly(&rule_when(&test)));
    assert!(reports_too_deep(&compiled));
}

#[test]
fn ten_thousand_nots_are_too_deep() {
    let test = format!("{}s.hours > 1", "not ".repeat(DEEP));
    let compiled = on_default_stack(move || compile_soundly(&rule_when(&test)));
    assert!(reports_too_deep(&compiled));
}

#[test]
fn ten_thousand_minuses_are_too_deep() {
    let test = format!("{}s.hours > 1", "- ".repeat(DEEP));
    let compiled = on_default_stack(move || compile_soundly(&rule_when(&test)));
    assert!(reports_too_deep(&compiled));
}

#[test]
fn ten_thousand_nested_lists_are_too_deep() {
    let test = format!("s.id in {}1{}", "[".repeat(DEEP), "]".repeat(DEEP));
    let compiled = on_default_stack(move || compile_soundly(&rule_when(&test)));
    assert!(reports_too_deep(&compiled));
}

#[test]
fn ten_thousand_nested_list_types_give_a_diagnostic() {
    let ty = format!("{}int{}", "list<".repeat(DEEP), ">".repeat(DEEP));
    let text = format!("fact deep {{ x: {ty} }}\n");
    let compiled = on_default_stack(move || compile_soundly(&text));
    assert!(compiled.has_errors());
}

#[test]
fn ten_thousand_nested_record_types_give_a_diagnostic() {
    let ty = format!("{}int{}", "{a: ".repeat(DEEP), "}".repeat(DEEP));
    let text = format!("fact deep {{ x: {ty} }}\n");
    let compiled = on_default_stack(move || compile_soundly(&text));
    assert!(compiled.has_errors());
}

#[test]
fn a_hundred_thousand_rules_compile() {
    const RULES: usize = 100_000;
    let mut text = String::from(SHIFT_FACT);
    for i in 0..RULES {
        text.push_str(&format!(
            "rule \"r{i}\"\n  for each shift s where s.location == \"L{:02}\" and s.hours > {}\n  \
             emit flagged {{ rule: \"r{i}\", shift_id: s.id }}\n",
            i % 50,
            i % 8
        ));
    }
    let compiled = compile_soundly(&text);
    let diagnostics: Vec<String> = compiled
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(diagnostics, Vec::<String>::new());
    assert_eq!(compiled.program.rules.len(), RULES);
}
