//! The run-time behaviour of the built-in functions (the prelude): [`call`] applies one
//! built-in to argument values; [`allocate`] shares an amount among the members of a group.
//! The names and typing rules of the built-ins live in `builtin.rs`; this module is what
//! every evaluator of rules runs.
//!
//! Rules every built-in follows:
//!
//! - **Missing spreads.** If any argument is missing (`None`), the result is missing, for
//!   every built-in including `text`, `greatest` and `least`. Otherwise, if any argument is
//!   null, the result is null. Only then does the function look at its arguments.
//! - **Exact numbers.** No built-in uses floating point. Durations become hours or minutes
//!   by exact division rounded half to even to 28 significant digits (what Python's
//!   `decimal` module gives by default), or to 28 decimal places where that is fewer digits
//!   (below 0.1, as a `Decimal` holds no more places); sums and products are exact or an
//!   overflow error.
//! - **Errors, never panics.** A value of the wrong kind (possible where the checker saw
//!   `any`) is [`EvalError::Operands`]; a value of the right kind that the function cannot
//!   take (negative places, bands out of order) is [`EvalError::Argument`]; results out of
//!   range are [`EvalError::Overflow`]; a zero total weight is
//!   [`EvalError::DivisionByZero`].
//!
//! Where a function has a choice to make, its file documents it: `time.rs` (calendar),
//! `split.rs` (`split_by_day`), `numbers.rs` (rounding), `order.rs` (`greatest`, `least`,
//! `clamp`), `tiered.rs`, `text.rs` and `allocate.rs`.

mod allocate;
pub(crate) mod exact;
mod numbers;
mod order;
mod split;
mod text;
mod tiered;
mod time;

use std::cmp::Ordering;

use reckon_fact_store::{Interner, Value};
use rust_decimal::RoundingStrategy;

use crate::builtin::Builtin;
use crate::ops::{Cell, EvalError};

pub use allocate::{allocate, allocate_by};

/// Applies `builtin` to `args`. Text the result holds (from `text` and the field names of
/// `split_by_day`'s records) is interned in `interner`.
pub fn call(builtin: Builtin, args: &[Cell], interner: &mut Interner) -> Result<Cell, EvalError> {
    check_arity(builtin, args.len())?;
    if args.iter().any(Option::is_none) {
        return Ok(None);
    }
    if args.iter().any(|arg| matches!(arg, Some(Value::Null))) {
        return Ok(Some(Value::Null));
    }
    let mut present = args.iter().flatten();
    let mut next = || present.next().expect("the arity was checked");
    use Builtin as B;
    let value = match builtin {
        B::HoursBetween => time::hours_between(next(), next())?,
        B::MinutesBetween => time::minutes_between(next(), next())?,
        B::DaysBetween => time::days_between(next(), next())?,
        B::SplitByDay => split::split_by_day(next(), next(), interner)?,
        B::Date => time::date(next())?,
        B::IsoWeek => time::iso_week(next())?,
        B::Weekday => time::weekday(next())?,
        B::WeekStart => time::week_start(next())?,
        B::WeekEnd => time::week_end(next())?,
        B::Year => time::year(next())?,
        B::Month => time::month(next())?,
        B::Day => time::day(next())?,
        B::AgeInYears => time::age_in_years(next(), next())?,
        B::Round => numbers::round(
            builtin,
            next(),
            next(),
            RoundingStrategy::MidpointAwayFromZero,
        )?,
        B::RoundEven => numbers::round(
            builtin,
            next(),
            next(),
            RoundingStrategy::MidpointNearestEven,
        )?,
        B::Floor => numbers::floor(next())?,
        B::Ceil => numbers::ceil(next())?,
        B::Abs => numbers::abs(next())?,
        B::PercentOf => numbers::percent_of(next(), next(), interner)?,
        B::Greatest => order::extreme(builtin, args.iter().flatten(), Ordering::Greater, interner)?,
        B::Least => order::extreme(builtin, args.iter().flatten(), Ordering::Less, interner)?,
        B::Clamp => order::clamp(next(), next(), next(), interner)?,
        B::Tiered => tiered::tiered(next(), next())?,
        B::Text => text::text(next(), interner)?,
        B::Len => text::len(next(), interner)?,
    };
    Ok(Some(value))
}

/// An error unless `found` arguments suit `builtin`. The checker rejects such calls; this
/// keeps an evaluator handed an unchecked program from panicking.
fn check_arity(builtin: Builtin, found: usize) -> Result<(), EvalError> {
    let expected = match builtin {
        Builtin::Greatest | Builtin::Least => {
            if found >= 2 {
                return Ok(());
            }
            return Err(argument(
                builtin,
                format!("takes at least 2 arguments, not {found}"),
            ));
        }
        Builtin::Date
        | Builtin::IsoWeek
        | Builtin::Weekday
        | Builtin::WeekStart
        | Builtin::WeekEnd
        | Builtin::Year
        | Builtin::Month
        | Builtin::Day
        | Builtin::Floor
        | Builtin::Ceil
        | Builtin::Abs
        | Builtin::Text
        | Builtin::Len => 1,
        Builtin::Clamp => 3,
        _ => 2,
    };
    if found == expected {
        Ok(())
    } else {
        let plural = if expected == 1 { "" } else { "s" };
        Err(argument(
            builtin,
            format!("takes {expected} argument{plural}, not {found}"),
        ))
    }
}

/// A value of a kind `builtin` does not take.
fn wrong_kind(builtin: Builtin, value: &Value) -> EvalError {
    EvalError::Operands {
        op: builtin.name(),
        kinds: value.kind_name().into(),
    }
}

/// A value of the right kind that `builtin` still cannot take.
fn argument(builtin: Builtin, message: String) -> EvalError {
    EvalError::Argument {
        function: builtin.name(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(builtin: Builtin, args: &[Cell]) -> Result<Cell, EvalError> {
        call(builtin, args, &mut Interner::new())
    }

    #[test]
    fn missing_spreads_before_null_for_every_builtin() {
        for &builtin in Builtin::all() {
            let arity = match builtin {
                Builtin::Clamp => 3,
                Builtin::HoursBetween
                | Builtin::MinutesBetween
                | Builtin::DaysBetween
                | Builtin::SplitByDay
                | Builtin::AgeInYears
                | Builtin::Round
                | Builtin::RoundEven
                | Builtin::Greatest
                | Builtin::Least
                | Builtin::PercentOf
                | Builtin::Tiered => 2,
                _ => 1,
            };
            let mut args = vec![Some(Value::Null); arity];
            assert_eq!(
                run(builtin, &args),
                Ok(Some(Value::Null)),
                "{}",
                builtin.name()
            );
            args[arity - 1] = None;
            assert_eq!(run(builtin, &args), Ok(None), "{}", builtin.name());
        }
    }

    #[test]
    fn a_sunday_night_shift_counts_in_two_days_and_two_iso_weeks() {
        let mut interner = Interner::new();
        let start = Some(Value::DateTime("2024-12-29T22:00:00".parse().unwrap()));
        let end = Some(Value::DateTime("2024-12-30T06:00:00".parse().unwrap()));
        let hours = call(
            Builtin::HoursBetween,
            &[start.clone(), end.clone()],
            &mut interner,
        );
        assert_eq!(hours, Ok(Some(Value::Decimal(8.into()))));
        let Ok(Some(Value::List(parts))) = call(Builtin::SplitByDay, &[start, end], &mut interner)
        else {
            panic!("a list of parts")
        };
        let weeks: Vec<String> = parts
            .iter()
            .map(|part| {
                let Value::Record(record) = part else {
                    panic!("a record")
                };
                let date = record.fields()[0].1.clone();
                let week = call(Builtin::IsoWeek, &[Some(date)], &mut interner).unwrap();
                let text = call(Builtin::Text, &[week], &mut interner).unwrap();
                let Some(Value::Text(symbol)) = text else {
                    panic!("text")
                };
                interner.resolve(symbol).to_string()
            })
            .collect();
        assert_eq!(weeks, ["2024-W52", "2025-W01"]);
    }

    #[test]
    fn greatest_and_least_take_any_number_of_arguments() {
        let ints: Vec<Cell> = [4, 9, -2, 7].map(|i| Some(Value::Int(i))).into();
        assert_eq!(run(Builtin::Greatest, &ints), Ok(Some(Value::Int(9))));
        assert_eq!(run(Builtin::Least, &ints), Ok(Some(Value::Int(-2))));
        let with_missing = [ints.as_slice(), &[None]].concat();
        assert_eq!(run(Builtin::Greatest, &with_missing), Ok(None));
    }

    #[test]
    fn wrong_arity_and_wrong_kinds_are_errors() {
        let error = run(Builtin::Round, &[Some(Value::Int(1))]).unwrap_err();
        assert_eq!(error.to_string(), "`round`: takes 2 arguments, not 1");
        let error = run(Builtin::Greatest, &[Some(Value::Int(1))]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`greatest`: takes at least 2 arguments, not 1"
        );
        let error = run(Builtin::Len, &[Some(Value::Int(1))]).unwrap_err();
        assert_eq!(error.to_string(), "`len` does not apply to int");
        let error = run(Builtin::Year, &[Some(Value::Bool(true))]).unwrap_err();
        assert_eq!(error.to_string(), "`year` does not apply to bool");
    }
}
