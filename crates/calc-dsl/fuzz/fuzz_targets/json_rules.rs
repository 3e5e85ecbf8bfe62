//! Feeds arbitrary bytes, read as UTF-8 with invalid sequences replaced, to the JSON rule
//! front end through `compile`. Any panic, or a diagnostic whose span does not lie within
//! the source it names on character boundaries, is a bug. Run with
//! `cargo fuzz run json_rules` from `crates/calc-dsl`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reckon_calc_dsl::{Input, compile};

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let compiled = compile(&[Input::json("fuzz.json", text.as_ref())]);
    for diagnostic in &compiled.diagnostics {
        let labels = std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary);
        for label in labels {
            // The JSON front end may add a source per expression string, so each span is
            // checked against the source it names rather than against the document.
            let source = compiled
                .sources
                .get(label.span.source)
                .unwrap_or_else(|| panic!("a span names no source: {diagnostic}"));
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(
                start <= end && end <= source.text.len(),
                "span {start}..{end} outside a text of {} bytes: {diagnostic}",
                source.text.len()
            );
            assert!(
                source.text.is_char_boundary(start) && source.text.is_char_boundary(end),
                "span {start}..{end} splits a character: {diagnostic}"
            );
        }
    }
});
