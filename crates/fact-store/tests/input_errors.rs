//! Every kind of bad input, and the message it gets: each names the file, the line (and the
//! column where the format has one), the fact type and id when known, the field, the
//! expected type and the value found. Nothing bad is inserted; nothing good is lost.

use std::sync::Arc;

use reckon_fact_store::io::{
    InputErrorKind, ReadError, ReadOptions, read_csv, read_json_array, read_ndjson,
};
use reckon_fact_store::{Catalog, ColumnStore, FactStore, Schema, ValueType};

fn catalog() -> Arc<Catalog> {
    let mut catalog = Catalog::new();
    catalog
        .add(
            Schema::builder("employee")
                .required("id", ValueType::Text)
                .required("hourly_rate", ValueType::Decimal)
                .build()
                .unwrap(),
        )
        .unwrap();
    catalog
        .add(
            Schema::builder("shift")
                .required("id", ValueType::Text)
                .required("start", ValueType::DateTime)
                .optional("end", ValueType::DateTime)
                .optional("break_minutes", ValueType::Int)
                .optional("day", ValueType::Date)
                .build()
                .unwrap(),
        )
        .unwrap();
    Arc::new(catalog)
}

const GOOD: &str = r#"{"type":"shift","id":"S1","start":"2025-01-06T09:00:00"}"#;

/// Reads `lines` (after a good first line) and returns the error messages.
fn ndjson_errors(line: &str) -> Vec<String> {
    let text = format!("{GOOD}\n{line}\n");
    let mut store = ColumnStore::new(catalog());
    let options = ReadOptions::new("facts.ndjson").collect_errors();
    let error = read_ndjson(text.as_bytes(), &mut store, &options).unwrap_err();
    assert_eq!(error.facts, 1, "the good line is kept");
    assert_eq!(
        store.len(store.catalog().id("shift").unwrap()),
        1,
        "the bad line is not inserted"
    );
    error.errors.iter().map(ToString::to_string).collect()
}

fn one(line: &str) -> String {
    let errors = ndjson_errors(line);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn invalid_json_names_line_and_column() {
    assert_eq!(
        one(r#"{"type":"shift","id":"S2",}"#),
        "facts.ndjson:2:27: invalid JSON: expected a field name in double quotes"
    );
    assert_eq!(
        one(r#"{"type":"shift"} {"#),
        "facts.ndjson:2:18: invalid JSON: unexpected text after the JSON value"
    );
    assert_eq!(
        one(r#"{"type":"shift","id":"S2"#),
        "facts.ndjson:2:25: invalid JSON: the JSON ends in the middle of a value"
    );
}

#[test]
fn a_fact_must_be_an_object_with_a_known_type() {
    assert_eq!(
        one("[1, 2]"),
        "facts.ndjson:2:1: a fact must be a JSON object, found [1, 2] (list)"
    );
    assert_eq!(
        one(r#"{"id":"S2","start":"2025-01-06T09:00:00"}"#),
        "facts.ndjson:2:1: fact S2: no \"type\" naming the fact type\n  help: add \"type\": one of employee, shift"
    );
    assert_eq!(
        one(r#"{"type":"shfit","id":"S2"}"#),
        "facts.ndjson:2:9: fact S2: unknown fact type \"shfit\"\n  help: did you mean `shift`? Declared types: employee, shift"
    );
    assert_eq!(
        one(r#"{"type":7,"id":"S2"}"#),
        "facts.ndjson:2:9: fact S2: \"type\" must be a string naming the fact type, found 7 (int)"
    );
}

#[test]
fn wrong_types_show_expected_and_found_even_before_the_id() {
    assert_eq!(
        one(r#"{"type":"shift","break_minutes":"15","id":"S2","start":"2025-01-06T09:00:00"}"#),
        "facts.ndjson:2:33: shift S2: field `break_minutes`: expected int, found \"15\" (text)\n  help: write the number without quotes"
    );
    assert_eq!(
        one(r#"{"type":"shift","id":"S2","start":"2025-01-06T09:00:00","break_minutes":30.0}"#),
        "facts.ndjson:2:73: shift S2: field `break_minutes`: expected int, found 30.0 (decimal)\n  help: an int field takes whole numbers only; declare the field decimal if fractions are allowed"
    );
    assert_eq!(
        one(r#"{"type":"shift","id":42,"start":"2025-01-06T09:00:00"}"#),
        "facts.ndjson:2:22: shift 42: field `id`: expected text, found 42 (int)\n  help: a text is written as a string in double quotes"
    );
}

#[test]
fn invalid_values_say_why() {
    assert_eq!(
        one(r#"{"type":"shift","id":"S2","start":"2025-01-06T09:00:00Z"}"#),
        "facts.ndjson:2:35: shift S2: field `start`: expected datetime, found \"2025-01-06T09:00:00Z\": a datetime is a local wall-clock time and takes no UTC offset or time zone; write it as 2025-01-06T09:00:00"
    );
    let impossible =
        one(r#"{"type":"shift","id":"S2","start":"2025-01-06T09:00:00","day":"2025-02-30"}"#);
    assert!(
        impossible.starts_with(
            "facts.ndjson:2:63: shift S2: field `day`: expected date, found \"2025-02-30\": "
        ),
        "{impossible}"
    );
    let huge = one(r#"{"type":"employee","id":"E1","hourly_rate":123456789012345678901234567890}"#);
    assert!(huge.ends_with("expected decimal, found 123456789012345678901234567890: not representable exactly: decimals hold at most 28 significant digits"), "{huge}");
}

#[test]
fn missing_null_and_repeated_fields_are_errors() {
    assert_eq!(
        one(r#"{"type":"shift","id":"S2"}"#),
        "facts.ndjson:2:1: shift S2: field `start`: required datetime value is missing\n  help: add the field to the fact, or declare it optional if facts may lack it"
    );
    assert_eq!(
        one(r#"{"type":"shift","id":"S2","start":null}"#),
        "facts.ndjson:2:35: shift S2: field `start`: required datetime value is null\n  help: give a value, or declare the field optional to allow null"
    );
    assert_eq!(
        one(r#"{"type":"shift","id":"S2","start":"2025-01-06T09:00:00","id":"S3"}"#),
        "facts.ndjson:2:57: shift S2: field `id`: appears twice\n  help: keep one of the two"
    );
}

#[test]
fn every_problem_of_one_fact_is_reported() {
    let errors = ndjson_errors(r#"{"type":"shift","id":"S2","break_minutes":"x","day":5}"#);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors[0].contains("field `break_minutes`"));
    assert!(errors[1].contains("field `day`"));
    assert!(errors[2].contains("field `start`: required datetime value is missing"));
}

#[test]
fn bytes_that_are_not_utf8_and_lines_too_long_are_errors() {
    let mut text = format!("{GOOD}\n").into_bytes();
    text.extend_from_slice(b"{\"type\":\"shift\",\"id\":\"S\xff\"}\n");
    text.extend_from_slice(format!("{GOOD}\n").as_bytes());
    let mut store = ColumnStore::new(catalog());
    let error = read_ndjson(
        &text[..],
        &mut store,
        &ReadOptions::new("facts.ndjson").collect_errors(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "facts.ndjson:2:24: the text is not valid UTF-8"
    );
    assert_eq!(error.facts, 2);

    let options = ReadOptions {
        max_value_bytes: 40,
        ..ReadOptions::new("facts.ndjson").collect_errors()
    };
    let text = format!("{GOOD}\n{{\"type\":\"employee\",\"id\":\"E1\",\"hourly_rate\":1}}\n");
    let error =
        read_ndjson(text.as_bytes(), &mut ColumnStore::new(catalog()), &options).unwrap_err();
    assert_eq!(error.errors.len(), 2);
    assert_eq!(
        error.errors[0].to_string(),
        "facts.ndjson:1: longer than the limit of 40 bytes\n  help: split the input, or raise the size limit (`max_value_bytes` in the read options)"
    );
}

#[test]
fn stopping_keeps_what_came_before_and_nothing_after() {
    let text = format!("{GOOD}\n{{\"type\":\"shift\"}}\n{GOOD}\n");
    let mut store = ColumnStore::new(catalog());
    let error: ReadError =
        read_ndjson(text.as_bytes(), &mut store, &ReadOptions::new("f")).unwrap_err();
    assert_eq!(
        error.errors.len(),
        2,
        "both problems of the bad fact: {error}"
    );
    assert_eq!(error.facts, 1);
    assert_eq!(store.len(store.catalog().id("shift").unwrap()), 1);
}

#[test]
fn collecting_counts_errors_beyond_the_limit() {
    let bad = "{\"type\":\"nope\"}\n".repeat(5);
    let text = format!("{GOOD}\n{bad}{GOOD}\n");
    let options = ReadOptions {
        max_errors: 2,
        ..ReadOptions::new("f").collect_errors()
    };
    let mut store = ColumnStore::new(catalog());
    let error = read_ndjson(text.as_bytes(), &mut store, &options).unwrap_err();
    assert_eq!(
        (error.errors.len(), error.unreported, error.facts),
        (2, 3, 2)
    );
    assert!(error.to_string().ends_with("... and 3 more errors"));
    assert!(matches!(
        error.errors[1].kind,
        InputErrorKind::UnknownType { .. }
    ));
    assert_eq!(error.errors[1].line, 3);
}

#[test]
fn json_array_errors_give_the_line_in_the_file() {
    let text =
        format!("[\n  {GOOD},\n  {{\"type\":\"shift\",\n   \"id\":\"S2\", \"start\": 5}}\n]");
    let mut store = ColumnStore::new(catalog());
    let error =
        read_json_array(text.as_bytes(), &mut store, &ReadOptions::new("facts.json")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "facts.json:4:24: shift S2: field `start`: expected datetime, found 5 (int)\n  help: a datetime is written as a string in double quotes"
    );
    for (text, message) in [
        (
            format!("[{GOOD}"),
            "facts.json:1:58: invalid JSON: the JSON ends in the middle of a value",
        ),
        (
            format!("[{GOOD}] x"),
            "facts.json:1:60: invalid JSON: unexpected text after the JSON value",
        ),
        (
            format!("[{GOOD} {GOOD}]"),
            "facts.json:1:59: invalid JSON: expected `,` or `]` after a fact",
        ),
        (
            GOOD.to_string(),
            "facts.json:1:1: invalid JSON: expected `[` to open an array of facts",
        ),
    ] {
        let error = read_json_array(
            text.as_bytes(),
            &mut ColumnStore::new(catalog()),
            &ReadOptions::new("facts.json"),
        );
        assert_eq!(error.unwrap_err().to_string(), message);
    }
}

fn csv_errors(text: &str, fact_type: Option<&str>) -> Vec<String> {
    let catalog = catalog();
    let mut options = ReadOptions::new("shifts.csv").collect_errors();
    options.fact_type = fact_type.map(|name| catalog.id(name).unwrap());
    let mut store = ColumnStore::new(catalog);
    let error = read_csv(text.as_bytes(), &mut store, &options).unwrap_err();
    error.errors.iter().map(ToString::to_string).collect()
}

#[test]
fn csv_errors_name_the_record_line_and_field() {
    let text = "id,start,break_minutes\nS1,2025-01-06T09:00:00,15\nS2,2025-01-06T09:00:00,fifteen\nS3,,30\nS4,2025-01-06T09:00:00\n";
    assert_eq!(
        csv_errors(text, Some("shift")),
        [
            "shifts.csv:3: shift S2: field `break_minutes`: expected int, found \"fifteen\"",
            "shifts.csv:4: shift S3: field `start`: required datetime value is missing\n  help: add the field to the fact, or declare it optional if facts may lack it",
            "shifts.csv:5: the row has 2 fields but the header has 3",
        ]
    );
}

#[test]
fn csv_headers_are_checked_before_any_row() {
    assert_eq!(
        csv_errors("id,break_minutes\nS1,15\n", Some("shift")),
        [
            "shifts.csv:1: shift: field `start`: the header has no column `start`, which every `shift` fact requires (datetime)"
        ]
    );
    assert_eq!(
        csv_errors("id,id\nS1,S2\n", Some("shift")),
        ["shifts.csv:1: the header names column `id` twice"]
    );
    assert_eq!(
        csv_errors("id,start\nS1,2025-01-06T09:00:00\n", None),
        [
            "shifts.csv:1: no \"type\" naming the fact type\n  help: add \"type\": one of employee, shift"
        ]
    );
    assert_eq!(
        csv_errors(
            "type,id,start\nshift,S1,2025-01-06T09:00:00\nsihft,S2,2025-01-06T09:00:00\n",
            None
        ),
        [
            "shifts.csv:3: fact S2: field `type`: unknown fact type \"sihft\"\n  help: did you mean `shift`? Declared types: employee, shift"
        ]
    );
}
