//! The built-in functions every program can call (the prelude), with their names and
//! how each types its arguments. Their run-time behaviour lives with the evaluator; here is
//! what the checker needs: arity, argument types, result type.

use reckon_fact_store::ValueType;

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Builtin {
    /// `hours_between(start, end)`: exact hours from one datetime to another.
    HoursBetween,
    /// `minutes_between(start, end)`: exact minutes from one datetime to another.
    MinutesBetween,
    /// `days_between(a, b)`: whole days from one date to another.
    DaysBetween,
    /// `split_by_day(start, end)`: the interval cut at each midnight, as
    /// `{date, minutes, hours}` records.
    SplitByDay,
    /// `date(datetime)`: the calendar date.
    Date,
    /// `iso_week(date or datetime)`: the ISO week.
    IsoWeek,
    /// `weekday(date or datetime)`: 1 (Monday) to 7 (Sunday).
    Weekday,
    /// `week_start(week, date or datetime)`: the Monday of the week.
    WeekStart,
    /// `week_end(week, date or datetime)`: the Sunday of the week.
    WeekEnd,
    /// `year(date or datetime)`.
    Year,
    /// `month(date or datetime)`: 1 to 12.
    Month,
    /// `day(date or datetime)`: the day of the month, 1 to 31.
    Day,
    /// `age_in_years(birth, on)`: completed years.
    AgeInYears,
    /// `round(x, places)`: half away from zero (half-up for money).
    Round,
    /// `round_even(x, places)`: half to even.
    RoundEven,
    /// `floor(x)`: the greatest whole number not above `x`.
    Floor,
    /// `ceil(x)`: the least whole number not below `x`.
    Ceil,
    /// `abs(x)`.
    Abs,
    /// `greatest(a, b, ...)`: the largest argument (scalar, not an aggregate).
    Greatest,
    /// `least(a, b, ...)`: the smallest argument (scalar, not an aggregate).
    Least,
    /// `clamp(x, low, high)`.
    Clamp,
    /// `percent_of(percent, amount)`: `amount * percent / 100`, exact.
    PercentOf,
    /// `tiered(amount, [[upto, rate], ...])`: banded rates applied to an amount.
    Tiered,
    /// `text(x)`: a value as text.
    Text,
    /// `len(list or text)`.
    Len,
}

const ALL: [Builtin; 25] = [
    Builtin::HoursBetween,
    Builtin::MinutesBetween,
    Builtin::DaysBetween,
    Builtin::SplitByDay,
    Builtin::Date,
    Builtin::IsoWeek,
    Builtin::Weekday,
    Builtin::WeekStart,
    Builtin::WeekEnd,
    Builtin::Year,
    Builtin::Month,
    Builtin::Day,
    Builtin::AgeInYears,
    Builtin::Round,
    Builtin::RoundEven,
    Builtin::Floor,
    Builtin::Ceil,
    Builtin::Abs,
    Builtin::Greatest,
    Builtin::Least,
    Builtin::Clamp,
    Builtin::PercentOf,
    Builtin::Tiered,
    Builtin::Text,
    Builtin::Len,
];

/// Why a call does not type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The call has the wrong number of arguments.
    Arity {
        /// What the function takes, as text (`2`, `at least 2`).
        expected: String,
        /// What was given.
        found: usize,
    },
    /// An argument has the wrong type.
    Argument {
        /// The argument's position, from 0.
        index: usize,
        /// What the function takes there, as text.
        expected: String,
        /// What was given.
        found: ValueType,
    },
}

impl Builtin {
    /// Every built-in, in a fixed order.
    pub fn all() -> &'static [Builtin] {
        &ALL
    }

    /// The name programs call it by.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::HoursBetween => "hours_between",
            Builtin::MinutesBetween => "minutes_between",
            Builtin::DaysBetween => "days_between",
            Builtin::SplitByDay => "split_by_day",
            Builtin::Date => "date",
            Builtin::IsoWeek => "iso_week",
            Builtin::Weekday => "weekday",
            Builtin::WeekStart => "week_start",
            Builtin::WeekEnd => "week_end",
            Builtin::Year => "year",
            Builtin::Month => "month",
            Builtin::Day => "day",
            Builtin::AgeInYears => "age_in_years",
            Builtin::Round => "round",
            Builtin::RoundEven => "round_even",
            Builtin::Floor => "floor",
            Builtin::Ceil => "ceil",
            Builtin::Abs => "abs",
            Builtin::Greatest => "greatest",
            Builtin::Least => "least",
            Builtin::Clamp => "clamp",
            Builtin::PercentOf => "percent_of",
            Builtin::Tiered => "tiered",
            Builtin::Text => "text",
            Builtin::Len => "len",
        }
    }

    /// The built-in called `name`.
    pub fn from_name(name: &str) -> Option<Builtin> {
        ALL.into_iter().find(|builtin| builtin.name() == name)
    }

    /// The type of a record of `split_by_day`'s result.
    pub fn day_part_type() -> ValueType {
        ValueType::record([
            ("date", ValueType::Date),
            ("minutes", ValueType::Int),
            ("hours", ValueType::Decimal),
        ])
    }

    /// The result type of a call with arguments of types `args`, or why it does not type.
    /// `any` arguments fit every parameter.
    pub fn result_type(self, args: &[ValueType]) -> Result<ValueType, CallError> {
        use ValueType as T;
        let datetime = || ["datetime"];
        let dated = ["date", "datetime"];
        let numeric = ["int", "decimal", "money"];
        let check = |params: &[&[&str]]| -> Result<(), CallError> {
            if args.len() != params.len() {
                return Err(CallError::Arity {
                    expected: params.len().to_string(),
                    found: args.len(),
                });
            }
            for (index, (arg, allowed)) in args.iter().zip(params).enumerate() {
                if !fits(arg, allowed) {
                    return Err(CallError::Argument {
                        index,
                        expected: allowed.join(" or "),
                        found: arg.clone(),
                    });
                }
            }
            Ok(())
        };
        match self {
            Builtin::HoursBetween | Builtin::MinutesBetween => {
                check(&[&datetime(), &datetime()]).map(|()| T::Decimal)
            }
            Builtin::DaysBetween => check(&[&["date"], &["date"]]).map(|()| T::Int),
            Builtin::SplitByDay => {
                check(&[&datetime(), &datetime()]).map(|()| T::list(Builtin::day_part_type()))
            }
            Builtin::Date => check(&[&dated]).map(|()| T::Date),
            Builtin::IsoWeek => check(&[&dated]).map(|()| T::Week),
            Builtin::Weekday | Builtin::Year | Builtin::Month | Builtin::Day => {
                check(&[&dated]).map(|()| T::Int)
            }
            Builtin::WeekStart | Builtin::WeekEnd => {
                check(&[&["week", "date", "datetime"]]).map(|()| T::Date)
            }
            Builtin::AgeInYears => check(&[&dated, &dated]).map(|()| T::Int),
            Builtin::Round | Builtin::RoundEven => {
                check(&[&numeric, &["int"]]).map(|()| T::Decimal)
            }
            Builtin::Floor | Builtin::Ceil => check(&[&numeric]).map(|()| T::Decimal),
            Builtin::Abs => {
                check(&[&["int", "decimal", "money", "duration"]]).map(|()| args[0].clone())
            }
            Builtin::PercentOf => check(&[&numeric, &numeric]).map(|()| T::Decimal),
            Builtin::Tiered => check(&[&numeric, &["list"]]).map(|()| T::Decimal),
            Builtin::Text => check(&[&["any"]]).map(|()| T::Text),
            Builtin::Len => check(&[&["list", "text"]]).map(|()| T::Int),
            Builtin::Clamp => {
                check(&[&["any"], &["any"], &["any"]])?;
                unify_all(args)
            }
            Builtin::Greatest | Builtin::Least => {
                if args.len() < 2 {
                    return Err(CallError::Arity {
                        expected: "at least 2".into(),
                        found: args.len(),
                    });
                }
                unify_all(args)
            }
        }
    }
}

/// True when a value of type `ty` may be passed where one of `allowed` is taken.
fn fits(ty: &ValueType, allowed: &[&str]) -> bool {
    let name = match ty {
        ValueType::Any => return true,
        ValueType::List(_) => "list",
        ValueType::Record(_) => "record",
        other => {
            return allowed
                .iter()
                .any(|a| *a == "any" || *a == other.to_string());
        }
    };
    allowed.iter().any(|a| *a == "any" || *a == name)
}

/// The one type that all `args` fit (ints widen to decimals), or an error on the first
/// argument that does not.
fn unify_all(args: &[ValueType]) -> Result<ValueType, CallError> {
    let mut result = ValueType::Any;
    for (index, arg) in args.iter().enumerate() {
        result = crate::types::unify(&result, arg).ok_or_else(|| CallError::Argument {
            index,
            expected: result.to_string(),
            found: arg.clone(),
        })?;
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for builtin in Builtin::all() {
            assert_eq!(Builtin::from_name(builtin.name()), Some(*builtin));
        }
        assert_eq!(Builtin::from_name("hours"), None);
    }

    #[test]
    fn calls_type_or_say_why_not() {
        use ValueType as T;
        assert_eq!(
            Builtin::HoursBetween.result_type(&[T::DateTime, T::DateTime]),
            Ok(T::Decimal)
        );
        assert_eq!(
            Builtin::HoursBetween.result_type(&[T::DateTime]),
            Err(CallError::Arity {
                expected: "2".into(),
                found: 1
            })
        );
        assert_eq!(
            Builtin::IsoWeek.result_type(&[T::Text]),
            Err(CallError::Argument {
                index: 0,
                expected: "date or datetime".into(),
                found: T::Text
            })
        );
        assert_eq!(
            Builtin::Greatest.result_type(&[T::Int, T::Decimal]),
            Ok(T::Decimal)
        );
        assert!(Builtin::Greatest.result_type(&[T::Int, T::Text]).is_err());
        assert_eq!(
            Builtin::Round.result_type(&[T::Any, T::Int]),
            Ok(T::Decimal)
        );
    }
}
