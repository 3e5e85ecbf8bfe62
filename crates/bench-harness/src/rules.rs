//! The workforce rules for any rule count K (WORKLOAD.md): the six core rules, as
//! `examples/workforce/rules.calc` writes them, and K − 6 filler rules; as `.calc` text,
//! as one JSON rule document, or (phase 3) split into a `.calc` half and a JSON half that
//! compile together.

use std::fmt::Write as _;

use reckon::rules::{Input, json, parse};

/// The example, whose core rules (everything before its own filler rules) are used.
const EXAMPLE: &str = include_str!("../../../examples/workforce/rules.calc");

/// The pay codes filler rules test, in turn.
const PAY_CODES: [&str; 3] = ["base", "holiday", "training"];

/// The declarations and the six core rules.
pub fn core() -> &'static str {
    EXAMPLE
        .find("rule \"filler_")
        .map_or(EXAMPLE, |end| &EXAMPLE[..end])
}

/// Filler rule `i`: location `L{i mod 50}`, pay code `i mod 3`, hours over `i mod 8`.
pub fn filler(i: usize) -> String {
    format!(
        "rule \"filler_{i}\"\n  for each shift s where s.location == \"L{:02}\" and \
         s.pay_code == \"{}\" and s.hours > {}\n  \
         emit filler_match {{ rule: \"filler_{i}\", shift_id: s.id }}\n\n",
        i % 50,
        PAY_CODES[i % 3],
        i % 8
    )
}

/// The thresholds of the filler rules among `k` rules, by location and pay code: what
/// the independent checksums need.
pub fn fillers(k: usize) -> impl Iterator<Item = (u8, &'static str, u32)> {
    (0..k.saturating_sub(6)).map(|i| ((i % 50) as u8, PAY_CODES[i % 3], (i % 8) as u32))
}

/// The `k` rules as one `.calc` file.
pub fn calc(k: usize) -> String {
    let mut text = String::from(core());
    for i in 0..k.saturating_sub(6) {
        text.push_str(&filler(i));
    }
    text
}

/// The `k` rules as one JSON rule document.
pub fn json(k: usize) -> String {
    to_json(&calc(k))
}

/// The `k` rules in two sources that compile together: the declarations, the core rules
/// and the first half of the filler rules as `.calc`, the other half as JSON.
pub fn halves(k: usize) -> (String, String) {
    let fillers = k.saturating_sub(6);
    let mut first = String::from(core());
    for i in 0..fillers / 2 {
        first.push_str(&filler(i));
    }
    let mut second = String::new();
    for i in fillers / 2..fillers {
        let _ = write!(second, "{}", filler(i));
    }
    (first, to_json(&second))
}

/// `.calc` text as a JSON rule document.
fn to_json(text: &str) -> String {
    let parsed = parse(&[Input::calc("rules.calc", text)]);
    assert!(
        parsed.diagnostics.is_empty(),
        "the workload's rules parse: {:?}",
        parsed.diagnostics
    );
    json::to_text(&parsed.files[0])
}
