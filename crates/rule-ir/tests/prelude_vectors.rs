//! The prelude against the independent test vectors in `testdata/vectors/` (computed with
//! Python's standard library and exact decimals): every entry of every file is checked
//! through `prelude::call` and `prelude::allocate`, the way an evaluator calls them.

use std::str::FromStr;

use reckon_fact_store::{Date, DateTime, Decimal, Interner, Value};
use reckon_rule_ir::Builtin;
use reckon_rule_ir::ops::Cell;
use reckon_rule_ir::prelude::{allocate, call};
use serde_json::Value as Json;

/// The entries of one vector file.
fn vectors(name: &str) -> Vec<Json> {
    let path = format!(
        "{}/../../testdata/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let Json::Array(entries) = serde_json::from_str(&text).unwrap() else {
        panic!("{path} holds an array")
    };
    assert!(!entries.is_empty(), "{path} is empty");
    entries
}

fn text<'a>(entry: &'a Json, field: &str) -> &'a str {
    entry[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} of {entry}"))
}

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// The result of a call, written as `text(...)` would write it.
fn run(builtin: Builtin, args: &[Value], interner: &mut Interner) -> String {
    let args: Vec<Cell> = args.iter().cloned().map(Some).collect();
    let result = call(builtin, &args, interner)
        .unwrap_or_else(|e| panic!("{}: {e}", builtin.name()))
        .expect("present arguments give a present result");
    let written = call(Builtin::Text, &[Some(result)], interner).unwrap();
    let Some(Value::Text(symbol)) = written else {
        panic!("text gives text")
    };
    interner.resolve(symbol).to_string()
}

#[test]
fn iso_weeks_weekdays_and_week_bounds_match_every_date() {
    let mut interner = Interner::new();
    for entry in vectors("iso_weeks.json") {
        let date: Date = text(&entry, "date").parse().unwrap();
        let late: DateTime = format!("{date}T23:59:59.999").parse().unwrap();
        for value in [Value::Date(date), Value::DateTime(late)] {
            let week = run(
                Builtin::IsoWeek,
                std::slice::from_ref(&value),
                &mut interner,
            );
            assert_eq!(week, text(&entry, "iso_week"), "{date}");
            let weekday = run(
                Builtin::Weekday,
                std::slice::from_ref(&value),
                &mut interner,
            );
            assert_eq!(weekday, entry["weekday"].to_string(), "{date}");
            let week_value = Value::Week(week.parse().unwrap());
            for of in [value.clone(), week_value] {
                let start = run(Builtin::WeekStart, std::slice::from_ref(&of), &mut interner);
                assert_eq!(start, text(&entry, "week_start"), "{date}");
                let end = run(Builtin::WeekEnd, &[of], &mut interner);
                assert_eq!(end, text(&entry, "week_end"), "{date}");
            }
        }
    }
}

/// The expected hours of a part. Python keeps 28 significant digits, which below 0.1 can
/// need more than the 28 decimal places a `Decimal` holds (`0.01666666666666666666666666667`);
/// there the vector is compared rounded half to even at 28 places, the nearest `Decimal`.
fn expected_hours(text: &str) -> Decimal {
    let places = text
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.len());
    if places <= 28 {
        return decimal(text);
    }
    let (whole, fraction) = text.split_once('.').unwrap();
    let kept = decimal(&format!("{whole}.{}", &fraction[..28]));
    let (next, rest) = (&fraction[28..29], &fraction[29..]);
    let ulp = Decimal::new(1, 28);
    let last_digit_odd = fraction.as_bytes()[27] % 2 == 1;
    let round_up = match (next, rest.trim_end_matches('0').is_empty()) {
        ("5", true) => last_digit_odd,
        (digit, _) => digit >= "5",
    };
    if round_up { kept + ulp } else { kept }
}

#[test]
fn split_by_day_matches_every_interval() {
    let mut interner = Interner::new();
    let mut parts_checked = 0;
    for entry in vectors("split_by_day.json") {
        let start = Value::DateTime(text(&entry, "start").parse().unwrap());
        let end = Value::DateTime(text(&entry, "end").parse().unwrap());
        let total = run(
            Builtin::MinutesBetween,
            &[start.clone(), end.clone()],
            &mut interner,
        );
        assert_eq!(total, entry["minutes"].to_string(), "{entry}");
        let args = [Some(start), Some(end)];
        let Some(Value::List(parts)) = call(Builtin::SplitByDay, &args, &mut interner).unwrap()
        else {
            panic!("split_by_day gives a list")
        };
        let expected = entry["parts"].as_array().unwrap();
        assert_eq!(parts.len(), expected.len(), "{entry}");
        for (part, want) in parts.iter().zip(expected) {
            let Value::Record(record) = part else {
                panic!("a record")
            };
            let [
                (_, Value::Date(date)),
                (_, Value::Int(minutes)),
                (_, Value::Decimal(hours)),
            ] = record.fields()
            else {
                panic!("{{date, minutes, hours}}: {:?}", record.fields())
            };
            assert_eq!(date.to_string(), text(want, "date"), "{entry}");
            assert_eq!(Some(*minutes), want["minutes"].as_i64(), "{entry}");
            let want_hours = text(want, "hours");
            assert_eq!(*hours, expected_hours(want_hours), "{entry}");
            if want_hours
                .split_once('.')
                .is_none_or(|(_, f)| f.len() <= 28)
            {
                assert_eq!(hours.to_string(), want_hours, "{entry}");
            }
            parts_checked += 1;
        }
    }
    assert!(parts_checked >= 120, "{parts_checked} parts");
}

#[test]
fn allocate_matches_every_case() {
    for entry in vectors("allocate.json") {
        let amount = decimal(text(&entry, "amount"));
        let members: Vec<(Decimal, String)> = entry["weights"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(key, weight)| (decimal(weight.as_str().unwrap()), key.clone()))
            .collect();
        let shares = allocate(amount, &members).unwrap_or_else(|e| panic!("{entry}: {e}"));
        let want = entry["shares"].as_object().unwrap();
        assert_eq!(shares.len(), want.len(), "{entry}");
        for ((_, key), share) in members.iter().zip(&shares) {
            assert_eq!(
                share.to_string(),
                text(&entry["shares"], key),
                "{key} in {entry}"
            );
        }
        assert_eq!(shares.iter().sum::<Decimal>(), amount, "{entry}");
        // The members given in reverse get the same shares: only weights and keys count.
        let reversed: Vec<(Decimal, String)> = members.iter().rev().cloned().collect();
        let mut again = allocate(amount, &reversed).unwrap();
        again.reverse();
        assert_eq!(again, shares, "{entry}");
    }
}

/// `want` as the prelude writes it: Python keeps the sign of a zero (`-0.00`), the prelude
/// never makes a negative zero, so a pay line never reads `-0.00`.
fn without_negative_zero(want: &str) -> &str {
    match want.strip_prefix('-') {
        Some(magnitude) if decimal(magnitude).is_zero() => magnitude,
        _ => want,
    }
}

#[test]
fn round_and_round_even_match_every_number() {
    let mut interner = Interner::new();
    for entry in vectors("rounding.json") {
        let x = Value::Decimal(decimal(text(&entry, "x")));
        for (builtin, field) in [
            (Builtin::Round, "half_up"),
            (Builtin::RoundEven, "half_even"),
        ] {
            let got = run(builtin, &[x.clone(), Value::Int(2)], &mut interner);
            let want = text(&entry, field);
            assert_eq!(decimal(&got), decimal(want), "{field} of {entry}");
            assert_eq!(got, without_negative_zero(want), "{field} of {entry}");
        }
    }
}
