//! The scanner checked against `serde_json` as an oracle: the same inputs accepted and
//! refused, the same strings decoded, and every cut-short object reported as unfinished.

use proptest::prelude::*;

use super::*;

fn scan_document(text: &str) -> Result<Token, JsonError> {
    let mut scanner = Scanner::new(text);
    let token = scanner.value()?;
    scanner.finish()?;
    Ok(token)
}

/// `serde_json::Value` decodes every string (so it refuses lone surrogates, as the scanner
/// does); the fragments below never form a number beyond a float's range.
fn oracle_accepts(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok()
}

/// Fragments that are valid JSON, nearly valid, or classic mistakes. Exponent digits are
/// left out because concatenation would make numbers beyond a float's range, which the
/// oracle refuses and the scanner (which keeps exact text) need not; exponents are
/// covered by `exponents_follow_the_grammar`.
fn fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        " ",
        "\t",
        "\n",
        "\"a\"",
        "\"key\"",
        "1",
        "-0.5",
        "0",
        "01",
        "1.",
        ".5",
        "-",
        "e",
        "E+",
        "true",
        "false",
        "null",
        "nul",
        "tru",
        "\"\\u00e9\"",
        "\"\\ud83d\\ude00\"",
        "\"\\ud83d\"",
        "\"\\ude00\"",
        "\"\\x\"",
        "\"\u{1}\"",
        "\"é\"",
        "\"\\\"\"",
        "\"\\/\"",
        "\"",
        "\\",
        "NaN",
        "+1",
    ])
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        (-1.0e12f64..1.0e12).prop_map(serde_json::Value::from),
        "\\PC{0,12}".prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map("\\PC{0,6}", inner, 0..6)
                .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn accepts_exactly_what_serde_json_accepts(parts in prop::collection::vec(fragment(), 0..16)) {
        let text: String = parts.concat();
        prop_assert_eq!(scan_document(&text).is_ok(), oracle_accepts(&text), "input: {:?}", text);
    }

    #[test]
    fn valid_documents_scan_whole_and_strings_decode_alike(value in arbitrary_json(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
        let token = scan_document(&text).unwrap();
        prop_assert_eq!((token.start, token.end), (0, text.len()));
        if let serde_json::Value::String(expected) = &value {
            prop_assert_eq!(token.string(&text), expected.as_str());
        }
    }

    #[test]
    fn a_cut_short_object_is_unfinished_not_wrong(value in arbitrary_json(), cut in any::<prop::sample::Index>()) {
        let text = serde_json::json!({ "v": value }).to_string();
        let mut at = cut.index(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let error = Scanner::new(&text[..at]).value().unwrap_err();
        prop_assert_eq!(error.problem, Problem::Eof, "prefix {:?}", &text[..at]);
    }
}

#[test]
fn object_members_are_reported_with_their_spans() {
    let text = r#" {"id": "S1", "n": 1.50, "x": {"a": [1, "b"]}} "#;
    let mut members = Vec::new();
    let mut scanner = Scanner::new(text);
    scanner.object(&mut members).unwrap();
    scanner.finish().unwrap();
    let pairs: Vec<(String, &str)> = members
        .iter()
        .map(|member| {
            (
                member.key.string(text).into_owned(),
                member.value.text(text),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("id".into(), "\"S1\""),
            ("n".into(), "1.50"),
            ("x".into(), r#"{"a": [1, "b"]}"#)
        ]
    );
    assert_eq!(members[1].value.kind, Kind::Number { integer: false });
}

#[test]
fn errors_point_at_the_offending_byte() {
    let error = scan_document(r#"{"a": 1 "b": 2}"#).unwrap_err();
    assert_eq!(error.offset, 8);
    assert_eq!(error.to_string(), "expected `,` or `}`");
    let error = scan_document(r#"{"a": 012}"#).unwrap_err();
    assert_eq!((error.offset, error.problem), (6, Problem::BadNumber));
}

#[test]
fn nesting_is_bounded() {
    let deep = format!(
        "{}{}",
        "[".repeat(MAX_DEPTH as usize + 1),
        "]".repeat(MAX_DEPTH as usize + 1)
    );
    assert_eq!(scan_document(&deep).unwrap_err().problem, Problem::TooDeep);
    let fine = format!(
        "{}{}",
        "[".repeat(MAX_DEPTH as usize),
        "]".repeat(MAX_DEPTH as usize)
    );
    assert!(scan_document(&fine).is_ok());
}

#[test]
fn exponents_follow_the_grammar() {
    for text in [
        "1e5", "1E+5", "-0.5e-3", "0e0", "1e", "1e+", "1.e5", "01e5", "-e5", "1e5.5",
    ] {
        assert_eq!(scan_document(text).is_ok(), oracle_accepts(text), "{text}");
    }
    assert!(
        scan_document("1e999999").is_ok(),
        "the scanner checks syntax only; range is the converter's job"
    );
}
