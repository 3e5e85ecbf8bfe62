//! Each declared type against the inputs it must take and the ones it must refuse.

use std::str::FromStr;

use super::*;
use crate::io::json::Scanner;

fn json(text: &str, ty: &ValueType) -> Result<Value, ConvertProblem> {
    let mut interner = Interner::new();
    let token = Scanner::new(text).value().unwrap();
    convert_json(text, &token, ty, &mut interner).map_err(|e| e.problem)
}

fn dec(text: &str) -> Value {
    Value::Decimal(Decimal::from_str(text).unwrap())
}

fn found(problem: ConvertProblem) -> String {
    match problem {
        ConvertProblem::WrongType { found, .. } => format!("wrong: {found}"),
        ConvertProblem::Invalid { found, reason, .. } => format!("invalid: {found}: {reason}"),
        other => format!("{other:?}"),
    }
}

#[test]
fn numbers_are_exact_and_never_coerced() {
    assert_eq!(json("12.50", &ValueType::Decimal), Ok(dec("12.50")));
    assert_eq!(json("40", &ValueType::Decimal), Ok(dec("40")));
    assert_eq!(json("1.5e2", &ValueType::Money), Ok(dec("150")));
    assert_eq!(json("-7", &ValueType::Int), Ok(Value::Int(-7)));
    assert_eq!(
        found(json("40.0", &ValueType::Int).unwrap_err()),
        "wrong: 40.0 (decimal)"
    );
    assert_eq!(
        found(json("\"15\"", &ValueType::Int).unwrap_err()),
        "wrong: \"15\" (text)"
    );
    assert_eq!(
        found(json("\"12.50\"", &ValueType::Decimal).unwrap_err()),
        "wrong: \"12.50\" (text)"
    );
    assert!(
        found(json("9223372036854775808", &ValueType::Int).unwrap_err())
            .contains("out of range for int")
    );
    assert!(
        found(json("1e-40", &ValueType::Decimal).unwrap_err()).contains("28 significant digits")
    );
    assert!(
        found(json("0.00000000000000000000000000001", &ValueType::Decimal).unwrap_err())
            .contains("28 significant")
    );
}

#[test]
fn text_and_times_must_be_strings() {
    let mut interner = Interner::new();
    let text = r#""caf\u00e9""#;
    let token = Scanner::new(text).value().unwrap();
    let Value::Text(symbol) = convert_json(text, &token, &ValueType::Text, &mut interner).unwrap()
    else {
        panic!()
    };
    assert_eq!(interner.resolve(symbol), "café");
    assert_eq!(
        found(json("15", &ValueType::Text).unwrap_err()),
        "wrong: 15 (int)"
    );
    assert_eq!(
        found(json("20250106", &ValueType::Date).unwrap_err()),
        "wrong: 20250106 (int)"
    );
    assert!(
        found(json("\"2025-01-06T09:00:00Z\"", &ValueType::DateTime).unwrap_err())
            .contains("local wall-clock")
    );
    assert!(
        found(json("\"2025-02-30\"", &ValueType::Date).unwrap_err())
            .starts_with("invalid: \"2025-02-30\"")
    );
    assert_eq!(
        json("\"PT8H\"", &ValueType::Duration),
        Ok(Value::Duration(jiff::SignedDuration::from_hours(8)))
    );
    assert_eq!(
        found(json("true", &ValueType::Duration).unwrap_err()),
        "wrong: true (bool)"
    );
    assert_eq!(json("null", &ValueType::DateTime), Ok(Value::Null));
}

#[test]
fn nested_records_and_lists_check_declared_fields_and_keep_the_rest() {
    let breaks = ValueType::list(ValueType::record([("minutes", ValueType::Int)]));
    let Ok(Value::List(items)) = json(
        r#"[{"minutes": 15, "paid": true}, {"minutes": 30}]"#,
        &breaks,
    ) else {
        panic!()
    };
    assert_eq!(items.len(), 2);
    let Value::Record(first) = &items[0] else {
        panic!()
    };
    assert_eq!(first.fields()[0].1, Value::Int(15));
    assert_eq!(first.fields()[1].1, Value::Bool(true));
    assert_eq!(
        found(json(r#"[{"minutes": "15"}]"#, &breaks).unwrap_err()),
        "wrong: \"15\" (text)"
    );
    assert!(matches!(
        json(r#"[{"minutes": 1, "minutes": 2}]"#, &breaks),
        Err(ConvertProblem::DuplicateKey { .. })
    ));
}

#[test]
fn values_of_no_declared_type_keep_their_exact_numbers() {
    let Ok(Value::List(items)) = json("[1, 1.50, 1e2, 99999999999999999999]", &ValueType::Any)
    else {
        panic!()
    };
    assert_eq!(items[0], Value::Int(1));
    assert_eq!(items[1], dec("1.50"));
    assert_eq!(items[2], dec("100"));
    assert_eq!(items[3], dec("99999999999999999999"));
}

#[test]
fn csv_cells_follow_the_same_rules() {
    let mut interner = Interner::new();
    let mut cell = |text: &str, ty: &ValueType| {
        convert_cell(text, ty, &mut interner).map_err(|e| found(e.problem))
    };
    assert_eq!(cell("15", &ValueType::Int), Ok(Value::Int(15)));
    assert_eq!(cell("12.50", &ValueType::Money), Ok(dec("12.50")));
    assert_eq!(
        cell("1_000", &ValueType::Int),
        Err("wrong: \"1_000\"".into())
    );
    assert_eq!(cell("+1", &ValueType::Decimal), Err("wrong: \"+1\"".into()));
    assert_eq!(cell("15.0", &ValueType::Int), Err("wrong: \"15.0\"".into()));
    assert_eq!(cell("yes", &ValueType::Bool), Err("wrong: \"yes\"".into()));
    assert!(
        cell("2025-01-06 09:00:00+01:00", &ValueType::DateTime)
            .unwrap_err()
            .contains("local wall-clock")
    );
    assert_eq!(
        cell("[1,2]", &ValueType::list(ValueType::Int)),
        Ok(Value::List(vec![Value::Int(1), Value::Int(2)].into()))
    );
}
