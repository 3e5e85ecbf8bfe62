//! Feeds arbitrary bytes, read as UTF-8 with invalid sequences replaced, to the `.calc`
//! parser alone and to the whole front end (parse, lower, check). Any panic, or a
//! diagnostic whose span is not a range of its source on character boundaries, is a bug.
//! Run with `cargo fuzz run calc_source` from `crates/calc-dsl`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reckon_calc_dsl::calc::parser::parse;
use reckon_calc_dsl::source::SourceMap;
use reckon_calc_dsl::{Input, compile};
use reckon_rule_ir::Diagnostic;

/// Panics unless every span of `diagnostic` lies within the source it names in `sources`,
/// on character boundaries.
fn assert_spans_within(diagnostic: &Diagnostic, sources: &SourceMap) {
    let labels = std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary);
    for label in labels {
        let text = &sources
            .get(label.span.source)
            .unwrap_or_else(|| panic!("a span names no source: {diagnostic}"))
            .text;
        let (start, end) = (label.span.start as usize, label.span.end as usize);
        assert!(
            start <= end && end <= text.len(),
            "span {start}..{end} outside a text of {} bytes: {diagnostic}",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "span {start}..{end} splits a character: {diagnostic}"
        );
    }
}

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);

    let mut sources = SourceMap::new();
    let id = sources.add("fuzz.calc", text.as_ref());
    let (_, diagnostics) = parse(&text, id);
    for diagnostic in &diagnostics {
        assert_spans_within(diagnostic, &sources);
    }

    let compiled = compile(&[Input::calc("fuzz.calc", text.as_ref())]);
    for diagnostic in &compiled.diagnostics {
        assert_spans_within(diagnostic, &compiled.sources);
    }
});
