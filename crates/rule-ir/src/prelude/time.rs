//! Calendar built-ins: lengths of time between datetimes and dates, the parts of a date,
//! ISO weeks and ages.
//!
//! Datetimes are local wall-clock times with no time zone, so every day has 24 hours and a
//! length of time is the plain difference of the two civil datetimes.
//!
//! - `hours_between(start, end)` and `minutes_between(start, end)` are exact decimals,
//!   negative when `end` is before `start`, counting fractions of a second; a result that
//!   does not end within 28 significant digits is rounded half to even at the 28th (or at
//!   the 28th decimal place, the finest a decimal holds, when that comes first).
//! - `days_between(a, b)` is the whole days from date `a` to date `b` (`b - a`).
//! - `weekday` numbers the days 1 (Monday) to 7 (Sunday), as ISO 8601 does.
//! - `iso_week`, `week_start` and `week_end` use ISO weeks (Monday to Sunday), labelled by
//!   the ISO week-numbering year: Monday 2024-12-30 is in `2025-W01`.
//! - `age_in_years(birth, on)` counts completed years. Someone born on 29 February reaches
//!   each birthday on 1 March in a year without a 29 February (the common payroll and legal
//!   reading, as in the UK's Family Law Reform Act 1969). A date before the birth date is
//!   an error rather than a negative age.
//!
//! The functions that take a date also take a datetime (its date); `week_start` and
//! `week_end` also take a week.

use jiff::civil::{Date, DateTime};
use reckon_fact_store::{Value, Week};

use super::{argument, exact, wrong_kind};
use crate::builtin::Builtin;
use crate::ops::EvalError;

/// Nanoseconds in an hour.
const NANOS_PER_HOUR: i128 = 3_600_000_000_000;
/// Nanoseconds in a minute.
const NANOS_PER_MINUTE: i128 = 60_000_000_000;
/// Seconds in a (civil) day.
const SECONDS_PER_DAY: i64 = 86_400;

/// `hours_between(start, end)`.
pub(super) fn hours_between(start: &Value, end: &Value) -> Result<Value, EvalError> {
    between(Builtin::HoursBetween, start, end, NANOS_PER_HOUR)
}

/// `minutes_between(start, end)`.
pub(super) fn minutes_between(start: &Value, end: &Value) -> Result<Value, EvalError> {
    between(Builtin::MinutesBetween, start, end, NANOS_PER_MINUTE)
}

fn between(builtin: Builtin, start: &Value, end: &Value, unit: i128) -> Result<Value, EvalError> {
    let (start, end) = (datetime(builtin, start)?, datetime(builtin, end)?);
    let nanos = end.duration_since(start).as_nanos();
    exact::quotient(nanos, unit).map(Value::Decimal)
}

/// `days_between(a, b)`.
pub(super) fn days_between(a: &Value, b: &Value) -> Result<Value, EvalError> {
    let (a, b) = (
        date_only(Builtin::DaysBetween, a)?,
        date_only(Builtin::DaysBetween, b)?,
    );
    Ok(Value::Int(b.duration_since(a).as_secs() / SECONDS_PER_DAY))
}

/// `date(x)`.
pub(super) fn date(value: &Value) -> Result<Value, EvalError> {
    dated(Builtin::Date, value).map(Value::Date)
}

/// `iso_week(x)`.
pub(super) fn iso_week(value: &Value) -> Result<Value, EvalError> {
    dated(Builtin::IsoWeek, value).map(|d| Value::Week(Week::of(d)))
}

/// `weekday(x)`: 1 (Monday) to 7 (Sunday).
pub(super) fn weekday(value: &Value) -> Result<Value, EvalError> {
    dated(Builtin::Weekday, value)
        .map(|d| Value::Int(i64::from(d.weekday().to_monday_one_offset())))
}

/// `week_start(x)`: the Monday of the week.
pub(super) fn week_start(value: &Value) -> Result<Value, EvalError> {
    week(Builtin::WeekStart, value).map(|w| Value::Date(w.start()))
}

/// `week_end(x)`: the Sunday of the week.
pub(super) fn week_end(value: &Value) -> Result<Value, EvalError> {
    week(Builtin::WeekEnd, value).map(|w| Value::Date(w.end()))
}

/// `year(x)`.
pub(super) fn year(value: &Value) -> Result<Value, EvalError> {
    dated(Builtin::Year, value).map(|d| Value::Int(i64::from(d.year())))
}

/// `month(x)`: 1 to 12.
pub(super) fn month(value: &Value) -> Result<Value, EvalError> {
    dated(Builtin::Month, value).map(|d| Value::Int(i64::from(d.month())))
}

/// `day(x)`: 1 to 31.
pub(super) fn day(value: &Value) -> Result<Value, EvalError> {
    dated(Builtin::Day, value).map(|d| Value::Int(i64::from(d.day())))
}

/// `age_in_years(birth, on)`: completed years.
pub(super) fn age_in_years(birth: &Value, on: &Value) -> Result<Value, EvalError> {
    let builtin = Builtin::AgeInYears;
    let (birth, on) = (dated(builtin, birth)?, dated(builtin, on)?);
    if on < birth {
        return Err(argument(
            builtin,
            format!("the date {on} is before the birth date {birth}"),
        ));
    }
    // Comparing (month, day) pairs puts a 29 February birthday after 28 February and before
    // 1 March, so in a year without one the birthday is reached on 1 March.
    let before_birthday = (on.month(), on.day()) < (birth.month(), birth.day());
    let years = i64::from(on.year()) - i64::from(birth.year()) - i64::from(before_birthday);
    Ok(Value::Int(years))
}

/// A datetime argument.
fn datetime(builtin: Builtin, value: &Value) -> Result<DateTime, EvalError> {
    match value {
        Value::DateTime(d) => Ok(*d),
        other => Err(wrong_kind(builtin, other)),
    }
}

/// A date argument (only a date).
fn date_only(builtin: Builtin, value: &Value) -> Result<Date, EvalError> {
    match value {
        Value::Date(d) => Ok(*d),
        other => Err(wrong_kind(builtin, other)),
    }
}

/// A date or the date of a datetime.
fn dated(builtin: Builtin, value: &Value) -> Result<Date, EvalError> {
    match value {
        Value::Date(d) => Ok(*d),
        Value::DateTime(d) => Ok(d.date()),
        other => Err(wrong_kind(builtin, other)),
    }
}

/// A week, or the week of a date or datetime.
fn week(builtin: Builtin, value: &Value) -> Result<Week, EvalError> {
    match value {
        Value::Week(w) => Ok(*w),
        other => dated(builtin, other).map(Week::of),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use reckon_fact_store::Decimal;

    use super::*;

    fn dt(text: &str) -> Value {
        Value::DateTime(text.parse().unwrap())
    }

    fn d(text: &str) -> Value {
        Value::Date(text.parse().unwrap())
    }

    fn dec(text: &str) -> Value {
        Value::Decimal(Decimal::from_str(text).unwrap())
    }

    #[test]
    fn hours_and_minutes_cross_midnight_exactly() {
        let (start, end) = (dt("2025-01-05T22:00:00"), dt("2025-01-06T06:30:00"));
        assert_eq!(hours_between(&start, &end), Ok(dec("8.5")));
        assert_eq!(minutes_between(&start, &end), Ok(dec("510")));
        assert_eq!(hours_between(&end, &start), Ok(dec("-8.5")));
        let third = dt("2025-01-05T22:20:00");
        assert_eq!(
            hours_between(&start, &third),
            Ok(dec("0.3333333333333333333333333333"))
        );
        let odd = dt("2025-01-05T22:00:01.5");
        assert_eq!(minutes_between(&start, &odd), Ok(dec("0.025")));
        assert_eq!(hours_between(&start, &start), Ok(dec("0")));
        assert_eq!(
            hours_between(&d("2025-01-05"), &start),
            Err(EvalError::Operands {
                op: "hours_between",
                kinds: "date".into()
            })
        );
    }

    #[test]
    fn hours_over_the_widest_datetimes_stay_exact() {
        let (start, end) = (
            dt("-009999-01-01T00:00:00"),
            dt("9999-12-31T23:59:59.999999999"),
        );
        let Ok(Value::Decimal(hours)) = hours_between(&start, &end) else {
            panic!("a decimal")
        };
        assert_eq!(hours.to_string(), "175307615.9999999999997222222");
    }

    #[test]
    fn days_between_counts_whole_days_across_leap_days() {
        assert_eq!(
            days_between(&d("2024-02-28"), &d("2024-03-01")),
            Ok(Value::Int(2))
        );
        assert_eq!(
            days_between(&d("2023-02-28"), &d("2023-03-01")),
            Ok(Value::Int(1))
        );
        assert_eq!(
            days_between(&d("2025-01-01"), &d("2024-01-01")),
            Ok(Value::Int(-366))
        );
    }

    #[test]
    fn date_parts_and_weeks_at_year_boundaries() {
        let sunday = dt("2024-12-29T23:30:00");
        let monday = dt("2024-12-30T00:30:00");
        assert_eq!(
            iso_week(&sunday),
            Ok(Value::Week("2024-W52".parse().unwrap()))
        );
        assert_eq!(
            iso_week(&monday),
            Ok(Value::Week("2025-W01".parse().unwrap()))
        );
        assert_eq!(weekday(&sunday), Ok(Value::Int(7)));
        assert_eq!(weekday(&monday), Ok(Value::Int(1)));
        assert_eq!(date(&monday), Ok(d("2024-12-30")));
        assert_eq!(date(&d("2024-12-30")), Ok(d("2024-12-30")));
        assert_eq!(week_start(&d("2021-01-03")), Ok(d("2020-12-28")));
        assert_eq!(
            iso_week(&d("2021-01-03")),
            Ok(Value::Week("2020-W53".parse().unwrap()))
        );
        let week_53 = Value::Week("2026-W53".parse().unwrap());
        assert_eq!(week_start(&week_53), Ok(d("2026-12-28")));
        assert_eq!(week_end(&week_53), Ok(d("2027-01-03")));
        assert_eq!(year(&monday), Ok(Value::Int(2024)));
        assert_eq!(month(&monday), Ok(Value::Int(12)));
        assert_eq!(day(&d("2024-02-29")), Ok(Value::Int(29)));
        assert!(matches!(
            week_end(&dec("1")),
            Err(EvalError::Operands { .. })
        ));
    }

    #[test]
    fn ages_count_completed_years_with_leap_day_birthdays_on_1_march() {
        let age = |birth: &str, on: &str| age_in_years(&d(birth), &d(on));
        assert_eq!(age("2007-06-15", "2025-06-14"), Ok(Value::Int(17)));
        assert_eq!(age("2007-06-15", "2025-06-15"), Ok(Value::Int(18)));
        assert_eq!(age("2004-02-29", "2022-02-28"), Ok(Value::Int(17)));
        assert_eq!(age("2004-02-29", "2022-03-01"), Ok(Value::Int(18)));
        assert_eq!(age("2004-02-29", "2024-02-28"), Ok(Value::Int(19)));
        assert_eq!(age("2004-02-29", "2024-02-29"), Ok(Value::Int(20)));
        assert_eq!(age("2000-01-01", "2000-01-01"), Ok(Value::Int(0)));
        assert_eq!(
            age_in_years(&d("2004-02-29"), &dt("2022-03-01T08:00:00")),
            Ok(Value::Int(18))
        );
        let error = age("2025-01-02", "2025-01-01").unwrap_err();
        assert_eq!(
            error.to_string(),
            "`age_in_years`: the date 2025-01-01 is before the birth date 2025-01-02"
        );
    }
}
