//! `split_by_day(start, end)`: an interval cut at each midnight, so that hours count on the
//! calendar day (and so in the ISO week) in which they are worked.
//!
//! The result is a list of records `{date, minutes, hours}`, one per calendar date on which
//! the half-open interval `[start, end)` has a positive length, in date order:
//!
//! - `hours` is the exact length of that day's part in hours (seconds / 3600), rounded half
//!   to even at 28 significant digits (28 decimal places below 0.1 hours) only when it does
//!   not end sooner;
//! - `minutes` is the part's whole minutes: exact for whole-minute datetimes, and truncated
//!   toward zero when the part has a fraction of a minute (so `minutes` never claims time
//!   that was not worked; `hours` keeps the exact length).
//!
//! An interval that ends at or before it starts gives an empty list; one that ends exactly
//! at midnight has no part on the day that midnight begins. Datetimes have no time zone, so
//! every full day is 24 hours.

use jiff::civil::{Date, DateTime, Time};
use reckon_fact_store::{Interner, Record, Value};

use super::{exact, wrong_kind};
use crate::builtin::Builtin;
use crate::ops::EvalError;

/// Nanoseconds in an hour.
const NANOS_PER_HOUR: i128 = 3_600_000_000_000;
/// Nanoseconds in a minute.
const NANOS_PER_MINUTE: i128 = 60_000_000_000;

/// `split_by_day(start, end)`; the record field names are interned in `interner`.
pub(super) fn split_by_day(
    start: &Value,
    end: &Value,
    interner: &mut Interner,
) -> Result<Value, EvalError> {
    let datetime = |value: &Value| match value {
        Value::DateTime(d) => Ok(*d),
        other => Err(wrong_kind(Builtin::SplitByDay, other)),
    };
    let (start, end) = (datetime(start)?, datetime(end)?);
    let mut intern = |name| {
        interner
            .intern(name)
            .map_err(|_| EvalError::Overflow("text"))
    };
    let names = [intern("date")?, intern("minutes")?, intern("hours")?];
    let mut parts = Vec::new();
    for (date, from, to) in day_parts(start, end) {
        let nanos = to.duration_since(from).as_nanos();
        let minutes =
            i64::try_from(nanos / NANOS_PER_MINUTE).map_err(|_| EvalError::Overflow("int"))?;
        let hours = exact::quotient(nanos, NANOS_PER_HOUR)?;
        parts.push(Value::Record(Record::new([
            (names[0], Value::Date(date)),
            (names[1], Value::Int(minutes)),
            (names[2], Value::Decimal(hours)),
        ])));
    }
    Ok(Value::List(parts.into()))
}

/// The parts of `[start, end)` on each date it touches for a positive length, as
/// `(date, part start, part end)`.
fn day_parts(start: DateTime, end: DateTime) -> impl Iterator<Item = (Date, DateTime, DateTime)> {
    let mut day = (start < end).then(|| start.date());
    std::iter::from_fn(move || {
        loop {
            let date = day?;
            // The last date never asks for its successor, so the largest date cannot fail.
            let next = if date < end.date() {
                date.tomorrow().ok()
            } else {
                None
            };
            day = next;
            let from = start.max(date.to_datetime(Time::midnight()));
            let to = next.map_or(end, |next| end.min(next.to_datetime(Time::midnight())));
            if from < to {
                return Some((date, from, to));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use reckon_fact_store::Decimal;

    use super::*;

    /// The parts as `(date, minutes, hours)` text triples.
    fn split(start: &str, end: &str) -> Vec<(String, i64, String)> {
        let mut interner = Interner::new();
        let value = split_by_day(
            &Value::DateTime(start.parse().unwrap()),
            &Value::DateTime(end.parse().unwrap()),
            &mut interner,
        )
        .unwrap();
        let Value::List(parts) = value else {
            panic!("a list")
        };
        parts
            .iter()
            .map(|part| {
                let Value::Record(record) = part else {
                    panic!("a record")
                };
                let names: Vec<&str> = record
                    .fields()
                    .iter()
                    .map(|(name, _)| interner.resolve(*name))
                    .collect();
                assert_eq!(names, ["date", "minutes", "hours"]);
                match record.fields() {
                    [
                        (_, Value::Date(d)),
                        (_, Value::Int(m)),
                        (_, Value::Decimal(h)),
                    ] => (d.to_string(), *m, h.to_string()),
                    other => panic!("unexpected fields {other:?}"),
                }
            })
            .collect()
    }

    fn part(date: &str, minutes: i64, hours: &str) -> (String, i64, String) {
        (date.into(), minutes, hours.into())
    }

    #[test]
    fn a_night_shift_splits_at_midnight_and_across_iso_weeks() {
        // Sunday 2025-01-05 is in 2025-W01, Monday 2025-01-06 in 2025-W02.
        assert_eq!(
            split("2025-01-05T22:00:00", "2025-01-06T06:30:00"),
            [part("2025-01-05", 120, "2"), part("2025-01-06", 390, "6.5")]
        );
    }

    #[test]
    fn whole_days_in_between_have_24_hours() {
        assert_eq!(
            split("2024-02-28T18:00:00", "2024-03-01T01:15:00"),
            [
                part("2024-02-28", 360, "6"),
                part("2024-02-29", 1440, "24"),
                part("2024-03-01", 75, "1.25"),
            ]
        );
        assert_eq!(
            split("2024-12-31T23:00:00", "2025-01-01T00:20:00"),
            [
                part("2024-12-31", 60, "1"),
                part("2025-01-01", 20, "0.3333333333333333333333333333"),
            ]
        );
    }

    #[test]
    fn ending_at_midnight_leaves_no_empty_part() {
        assert_eq!(
            split("2025-01-05T00:00:00", "2025-01-06T00:00:00"),
            [part("2025-01-05", 1440, "24")]
        );
        assert_eq!(
            split("2025-01-05T12:00:00", "2025-01-07T00:00:00"),
            [
                part("2025-01-05", 720, "12"),
                part("2025-01-06", 1440, "24")
            ]
        );
    }

    #[test]
    fn empty_and_backwards_intervals_give_no_parts() {
        assert_eq!(split("2025-01-05T09:00:00", "2025-01-05T09:00:00"), []);
        assert_eq!(split("2025-01-06T09:00:00", "2025-01-05T09:00:00"), []);
    }

    #[test]
    fn seconds_keep_exact_hours_and_truncate_minutes() {
        assert_eq!(
            split("2025-01-05T23:59:30", "2025-01-06T00:01:45.5"),
            [
                // A decimal holds at most 28 places, so below 0.1 fewer than 28
                // significant digits remain (Python would show 0.008333333333333333333333333333).
                part("2025-01-05", 0, "0.0083333333333333333333333333"),
                part("2025-01-06", 1, "0.0293055555555555555555555556"),
            ]
        );
    }

    #[test]
    fn the_last_representable_day_does_not_overflow() {
        assert_eq!(
            split("9999-12-30T23:00:00", "9999-12-31T23:59:59"),
            [
                part("9999-12-30", 60, "1"),
                part("9999-12-31", 1439, "23.99972222222222222222222222"),
            ]
        );
    }

    #[test]
    fn parts_sum_to_the_whole_interval() {
        // Every part is a multiple of three minutes, so its hours are exact.
        let (start, end) = ("2025-03-01T07:12:00", "2025-03-04T19:57:00");
        let parts = split(start, end);
        let minutes: i64 = parts.iter().map(|p| p.1).sum();
        let hours: Decimal = parts.iter().map(|p| Decimal::from_str(&p.2).unwrap()).sum();
        assert_eq!(minutes, 3 * 1440 + 12 * 60 + 45);
        assert_eq!(hours * Decimal::from(60), Decimal::from(minutes));
    }

    #[test]
    fn other_kinds_are_refused() {
        let mut interner = Interner::new();
        let error = split_by_day(&Value::Int(1), &Value::Int(2), &mut interner).unwrap_err();
        assert_eq!(error.to_string(), "`split_by_day` does not apply to int");
    }
}
