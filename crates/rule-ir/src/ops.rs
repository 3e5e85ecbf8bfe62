//! What the operators do to values: the one definition of Reckon's arithmetic, comparison
//! and logic, and of reading a member (`.name`), used by constant folding here and by every
//! evaluator of rules.
//!
//! Numbers are exact: ints stay ints under `+ - * %` (overflow is an error, never a wrap),
//! anything with a decimal is decimal, and `/` always gives a decimal: the exact quotient,
//! rounded half to even at the 28th significant digit (or at the 28th decimal place, the
//! finest a decimal holds, when that comes first), written without trailing zeros, so
//! `30 / 60` is `0.5` and `6.00 / 3` is `2`. `duration / duration` divides the same way.
//! A missing operand makes arithmetic missing and a comparison false; null behaves the
//! same in arithmetic and equals only null.

use std::cmp::Ordering;
use std::fmt;

use reckon_fact_store::{Decimal, Interner, SignedDuration, Symbol, Value};

use crate::expr::{BinaryOp, Literal, UnaryOp};
use crate::prelude::exact;

/// Why an operation has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// Division (or remainder) by zero.
    DivisionByZero,
    /// A result beyond the range of its type.
    Overflow(&'static str),
    /// Operands the operator does not take (a type the checker could not see, such as
    /// values of type `any`).
    Operands {
        /// The operator as written.
        op: &'static str,
        /// The kinds of the operands.
        kinds: String,
    },
    /// A member (`.name`) that a value does not have: a member of a value that is not a
    /// record (where the checker saw `any`), or of a week other than `start` and `end`.
    Member {
        /// The member's name.
        name: String,
        /// The kind of the value.
        kind: &'static str,
    },
    /// Adding a duration that is not whole days to a date.
    PartialDay,
    /// An argument a built-in function cannot take, though its type fits: a negative
    /// number of places, tax bands out of order, a birth date after the date asked about.
    Argument {
        /// The function's name.
        function: &'static str,
        /// What is wrong, in plain words, without the function's name.
        message: String,
    },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::DivisionByZero => f.write_str("division by zero"),
            EvalError::Overflow(what) => write!(f, "the result is out of range for {what}"),
            EvalError::Operands { op, kinds } => write!(f, "`{op}` does not apply to {kinds}"),
            EvalError::Member { name, kind } => write!(f, "`.{name}` does not apply to {kind}"),
            EvalError::PartialDay => f.write_str("a date moves by whole days only"),
            EvalError::Argument { function, message } => write!(f, "`{function}`: {message}"),
        }
    }
}

impl std::error::Error for EvalError {}

/// A value or missing (`None`).
pub type Cell = Option<Value>;

/// True only for a present `true`: a test that is missing, null or false does not pass.
pub fn holds(cell: &Cell) -> bool {
    matches!(cell, Some(Value::Bool(true)))
}

/// Applies a prefix operator.
pub fn unary(op: UnaryOp, operand: &Cell) -> Result<Cell, EvalError> {
    Ok(match (op, operand) {
        (UnaryOp::IsMissing, cell) => Some(Value::Bool(cell.is_none())),
        (UnaryOp::IsNull, cell) => Some(Value::Bool(matches!(cell, Some(Value::Null)))),
        (_, None) => None,
        (_, Some(Value::Null)) => Some(Value::Null),
        (UnaryOp::Not, Some(Value::Bool(b))) => Some(Value::Bool(!b)),
        (UnaryOp::Neg, Some(Value::Int(i))) => Some(Value::Int(
            i.checked_neg().ok_or(EvalError::Overflow("int"))?,
        )),
        (UnaryOp::Neg, Some(Value::Decimal(d))) => Some(Value::Decimal(-*d)),
        (UnaryOp::Neg, Some(Value::Duration(d))) => Some(Value::Duration(
            d.checked_neg().ok_or(EvalError::Overflow("duration"))?,
        )),
        (op, Some(value)) => {
            let symbol = if op == UnaryOp::Neg { "-" } else { "not" };
            return Err(EvalError::Operands {
                op: symbol,
                kinds: value.kind_name().into(),
            });
        }
    })
}

/// Applies an infix operator. `interner` resolves text for ordering.
pub fn binary(
    op: BinaryOp,
    left: &Cell,
    right: &Cell,
    interner: &Interner,
) -> Result<Cell, EvalError> {
    match op {
        BinaryOp::And => return Ok(Some(Value::Bool(holds(left) && holds(right)))),
        BinaryOp::Or => return Ok(Some(Value::Bool(holds(left) || holds(right)))),
        _ => {}
    }
    let (Some(a), Some(b)) = (left, right) else {
        // Missing: arithmetic is missing, a comparison is false.
        return Ok(op.is_comparison().then_some(Value::Bool(false)));
    };
    if op.is_comparison() {
        return Ok(Some(Value::Bool(compare(op, a, b, interner))));
    }
    if matches!(a, Value::Null) || matches!(b, Value::Null) {
        return Ok(Some(Value::Null));
    }
    arithmetic(op, a, b).map(Some)
}

/// `base.name`, where `base` is a value (a field of a matched fact is read from the
/// store instead): the member of a record, missing when the record lacks it; the `start`
/// (Monday) and `end` (Sunday) dates of a week, as `week_start` and `week_end` give them.
/// Missing stays missing and null stays null. `name` is a symbol of `interner`.
pub fn member(base: &Cell, name: Symbol, interner: &Interner) -> Result<Cell, EvalError> {
    let Some(value) = base else {
        return Ok(None);
    };
    Ok(match value {
        Value::Null => Some(Value::Null),
        Value::Record(record) => record.get(name).cloned(),
        Value::Week(week) => match interner.resolve(name) {
            "start" => Some(Value::Date(week.start())),
            "end" => Some(Value::Date(week.end())),
            other => return Err(no_member(other, value)),
        },
        other => return Err(no_member(interner.resolve(name), other)),
    })
}

fn no_member(name: &str, value: &Value) -> EvalError {
    EvalError::Member {
        name: name.into(),
        kind: value.kind_name(),
    }
}

/// True when `a op b` holds for a comparison operator.
pub fn compare(op: BinaryOp, a: &Value, b: &Value, interner: &Interner) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => return op == BinaryOp::Eq,
        (Value::Null, _) | (_, Value::Null) => return op == BinaryOp::Ne,
        _ => {}
    }
    let ordering = if matches!(op, BinaryOp::Eq | BinaryOp::Ne) {
        equal(a, b, interner).then_some(Ordering::Equal)
    } else {
        None
    };
    let ordering = ordering.or_else(|| a.compare(b, interner));
    match (op, ordering) {
        (BinaryOp::Eq, ordering) => ordering == Some(Ordering::Equal),
        (BinaryOp::Ne, ordering) => ordering != Some(Ordering::Equal),
        (_, None) => false,
        (BinaryOp::Lt, Some(o)) => o == Ordering::Less,
        (BinaryOp::Le, Some(o)) => o != Ordering::Greater,
        (BinaryOp::Gt, Some(o)) => o == Ordering::Greater,
        (BinaryOp::Ge, Some(o)) => o != Ordering::Less,
        _ => false,
    }
}

/// Equality by meaning: `40 == 40.00`, records and lists field by field.
pub fn equal(a: &Value, b: &Value, interner: &Interner) -> bool {
    match (a, b) {
        (Value::Record(x), Value::Record(y)) => {
            x.fields().len() == y.fields().len()
                && x.fields().iter().all(|(name, value)| {
                    y.get(*name)
                        .is_some_and(|other| equal(value, other, interner))
                })
        }
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| equal(p, q, interner))
        }
        (Value::Null, Value::Null) => true,
        _ => a.compare(b, interner) == Some(Ordering::Equal),
    }
}

fn operands(op: BinaryOp, a: &Value, b: &Value) -> EvalError {
    EvalError::Operands {
        op: op.symbol(),
        kinds: format!("{} and {}", a.kind_name(), b.kind_name()),
    }
}

fn decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Int(i) => Some(Decimal::from(*i)),
        Value::Decimal(d) => Some(*d),
        _ => None,
    }
}

fn arithmetic(op: BinaryOp, a: &Value, b: &Value) -> Result<Value, EvalError> {
    use Value as V;
    let overflow = |what| EvalError::Overflow(what);
    match (op, a, b) {
        (BinaryOp::Add, V::Int(x), V::Int(y)) => {
            x.checked_add(*y).map(V::Int).ok_or(overflow("int"))
        }
        (BinaryOp::Sub, V::Int(x), V::Int(y)) => {
            x.checked_sub(*y).map(V::Int).ok_or(overflow("int"))
        }
        (BinaryOp::Mul, V::Int(x), V::Int(y)) => {
            x.checked_mul(*y).map(V::Int).ok_or(overflow("int"))
        }
        (BinaryOp::Rem, V::Int(_), V::Int(0)) => Err(EvalError::DivisionByZero),
        (BinaryOp::Rem, V::Int(x), V::Int(y)) => {
            x.checked_rem(*y).map(V::Int).ok_or(overflow("int"))
        }
        (op, x, y) if decimal(x).is_some() && decimal(y).is_some() => {
            let (x, y) = (decimal(x).expect("checked"), decimal(y).expect("checked"));
            let result = match op {
                BinaryOp::Add => x.checked_add(y),
                BinaryOp::Sub => x.checked_sub(y),
                BinaryOp::Mul => x.checked_mul(y),
                BinaryOp::Div | BinaryOp::Rem if y.is_zero() => {
                    return Err(EvalError::DivisionByZero);
                }
                BinaryOp::Div => return exact::divide(x, y).map(V::Decimal),
                BinaryOp::Rem => x.checked_rem(y),
                _ => return Err(operands(op, a, b)),
            };
            result.map(V::Decimal).ok_or(overflow("decimal"))
        }
        (BinaryOp::Add, V::DateTime(t), V::Duration(d))
        | (BinaryOp::Add, V::Duration(d), V::DateTime(t)) => t
            .checked_add(*d)
            .map(V::DateTime)
            .map_err(|_| overflow("datetime")),
        (BinaryOp::Sub, V::DateTime(t), V::Duration(d)) => t
            .checked_sub(*d)
            .map(V::DateTime)
            .map_err(|_| overflow("datetime")),
        (BinaryOp::Add, V::Date(t), V::Duration(d))
        | (BinaryOp::Add, V::Duration(d), V::Date(t)) => add_days(*t, *d, false),
        (BinaryOp::Sub, V::Date(t), V::Duration(d)) => add_days(*t, *d, true),
        (BinaryOp::Sub, V::DateTime(x), V::DateTime(y)) => Ok(V::Duration(x.duration_since(*y))),
        (BinaryOp::Sub, V::Date(x), V::Date(y)) => Ok(V::Duration(x.duration_since(*y))),
        (BinaryOp::Add, V::Duration(x), V::Duration(y)) => x
            .checked_add(*y)
            .map(V::Duration)
            .ok_or(overflow("duration")),
        (BinaryOp::Sub, V::Duration(x), V::Duration(y)) => x
            .checked_sub(*y)
            .map(V::Duration)
            .ok_or(overflow("duration")),
        (BinaryOp::Mul, V::Duration(d), n) | (BinaryOp::Mul, n, V::Duration(d))
            if decimal(n).is_some() =>
        {
            scale_duration(*d, decimal(n).expect("checked"), false)
        }
        (BinaryOp::Div, V::Duration(d), n) if decimal(n).is_some() => {
            scale_duration(*d, decimal(n).expect("checked"), true)
        }
        (BinaryOp::Div, V::Duration(x), V::Duration(y)) => {
            exact::quotient(x.as_nanos(), y.as_nanos()).map(V::Decimal)
        }
        _ => Err(operands(op, a, b)),
    }
}

fn add_days(
    date: reckon_fact_store::Date,
    duration: SignedDuration,
    subtract: bool,
) -> Result<Value, EvalError> {
    const DAY: i64 = 86_400;
    if duration.subsec_nanos() != 0 || duration.as_secs() % DAY != 0 {
        return Err(EvalError::PartialDay);
    }
    let days = duration.as_secs() / DAY;
    let days = if subtract {
        days.checked_neg().ok_or(EvalError::Overflow("date"))?
    } else {
        days
    };
    date.checked_add(
        jiff::Span::new()
            .try_days(days)
            .map_err(|_| EvalError::Overflow("date"))?,
    )
    .map(Value::Date)
    .map_err(|_| EvalError::Overflow("date"))
}

/// A duration in nanoseconds, exactly.
fn nanos(duration: SignedDuration) -> Result<Decimal, EvalError> {
    Decimal::try_from_i128_with_scale(duration.as_nanos(), 0)
        .map_err(|_| EvalError::Overflow("duration"))
}

/// A duration times (or divided by) a number, to the nearest nanosecond.
fn scale_duration(
    duration: SignedDuration,
    factor: Decimal,
    divide: bool,
) -> Result<Value, EvalError> {
    let overflow = EvalError::Overflow("duration");
    let total = nanos(duration)?;
    let scaled = if divide {
        if factor.is_zero() {
            return Err(EvalError::DivisionByZero);
        }
        total.checked_div(factor)
    } else {
        total.checked_mul(factor)
    }
    .ok_or(overflow.clone())?;
    let whole =
        scaled.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let whole: i128 = whole.mantissa();
    let secs = i64::try_from(whole / 1_000_000_000).map_err(|_| overflow.clone())?;
    let subsec = (whole % 1_000_000_000) as i32;
    Ok(Value::Duration(SignedDuration::new(secs, subsec)))
}

/// The value of a literal; its text is interned in `interner`.
pub fn literal_value(literal: &Literal, interner: &mut Interner) -> Result<Value, EvalError> {
    Ok(match literal {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(i) => Value::Int(*i),
        Literal::Decimal(d) => Value::Decimal(*d),
        Literal::Text(text) => Value::Text(
            interner
                .intern(text)
                .map_err(|_| EvalError::Overflow("text"))?,
        ),
        Literal::Date(d) => Value::Date(*d),
        Literal::DateTime(d) => Value::DateTime(*d),
        Literal::Duration(d) => Value::Duration(*d),
        Literal::Week(w) => Value::Week(*w),
    })
}

/// The literal of a scalar value, if it has one (records and lists do not).
pub fn value_literal(value: &Value, interner: &Interner) -> Option<Literal> {
    Some(match value {
        Value::Null => Literal::Null,
        Value::Bool(b) => Literal::Bool(*b),
        Value::Int(i) => Literal::Int(*i),
        Value::Decimal(d) => Literal::Decimal(*d),
        Value::Text(symbol) => Literal::Text(interner.resolve(*symbol).to_string()),
        Value::Date(d) => Literal::Date(*d),
        Value::DateTime(d) => Literal::DateTime(*d),
        Value::Duration(d) => Literal::Duration(*d),
        Value::Week(w) => Literal::Week(*w),
        Value::Record(_) | Value::List(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn dec(text: &str) -> Cell {
        Some(Value::Decimal(Decimal::from_str(text).unwrap()))
    }

    fn run(op: BinaryOp, a: Cell, b: Cell) -> Result<Cell, EvalError> {
        binary(op, &a, &b, &Interner::new())
    }

    #[test]
    fn numbers_are_exact() {
        assert_eq!(run(BinaryOp::Add, dec("0.1"), dec("0.2")), Ok(dec("0.3")));
        assert_eq!(
            run(BinaryOp::Div, Some(Value::Int(30)), Some(Value::Int(60))),
            Ok(dec("0.5"))
        );
        assert_eq!(
            run(BinaryOp::Mul, Some(Value::Int(3)), dec("12.25")),
            Ok(dec("36.75"))
        );
        assert_eq!(
            run(
                BinaryOp::Add,
                Some(Value::Int(i64::MAX)),
                Some(Value::Int(1))
            ),
            Err(EvalError::Overflow("int"))
        );
        assert_eq!(
            run(BinaryOp::Div, Some(Value::Int(1)), Some(Value::Int(0))),
            Err(EvalError::DivisionByZero)
        );
        assert_eq!(
            run(BinaryOp::Div, dec("1"), dec("3")),
            Ok(dec("0.3333333333333333333333333333"))
        );
    }

    /// A quotient as it is written.
    fn quotient(a: Cell, b: Cell) -> String {
        match run(BinaryOp::Div, a, b) {
            Ok(Some(Value::Decimal(d))) => d.to_string(),
            other => panic!("not a decimal: {other:?}"),
        }
    }

    #[test]
    fn quotients_have_28_digits_and_no_trailing_zeros() {
        let int = |i| Some(Value::Int(i));
        assert_eq!(quotient(int(30), int(60)), "0.5");
        assert_eq!(quotient(int(90), int(60)), "1.5");
        assert_eq!(quotient(int(1), int(8)), "0.125");
        assert_eq!(quotient(int(120), int(60)), "2");
        assert_eq!(quotient(int(-1), int(4)), "-0.25");
        assert_eq!(quotient(dec("6.00"), int(3)), "2");
        assert_eq!(quotient(dec("15.00"), int(2)), "7.5");
        assert_eq!(quotient(dec("7.5"), dec("2.5")), "3");
        assert_eq!(quotient(int(10), dec("0.5")), "20");
        assert_eq!(quotient(dec("0.00"), int(100)), "0");
        // 28 significant digits, as `hours_between` gives: never a 29th.
        assert_eq!(quotient(int(100), int(3)), "33.33333333333333333333333333");
        assert_eq!(quotient(int(472), int(60)), "7.866666666666666666666666667");
        assert_eq!(
            quotient(int(1), dec("0.0000000000000000000000000001")),
            "10000000000000000000000000000"
        );
        assert_eq!(
            run(
                BinaryOp::Div,
                Some(Value::Decimal(Decimal::MAX)),
                dec("0.1")
            ),
            Err(EvalError::Overflow("decimal"))
        );
        // So a difference keeps only its operands' places: `6.5 - 30 / 60` is `6.0`.
        let half = run(BinaryOp::Div, int(30), int(60)).unwrap();
        assert_eq!(
            run(BinaryOp::Sub, dec("6.5"), half).unwrap(),
            Some(Value::Decimal(Decimal::new(60, 1)))
        );
        let hours = quotient(
            Some(Value::Duration(SignedDuration::from_mins(472))),
            Some(Value::Duration(SignedDuration::from_hours(1))),
        );
        assert_eq!(hours, "7.866666666666666666666666667");
        assert_eq!(
            quotient(
                Some(Value::Duration(SignedDuration::from_mins(90))),
                Some(Value::Duration(SignedDuration::from_hours(1))),
            ),
            "1.5"
        );
    }

    #[test]
    fn members_of_records_and_weeks() {
        let mut interner = Interner::new();
        let (start, end, date) = (
            interner.intern("start").unwrap(),
            interner.intern("end").unwrap(),
            interner.intern("date").unwrap(),
        );
        let day = |text: &str| Some(Value::Date(text.parse().unwrap()));
        let week = Some(Value::Week("2025-W10".parse().unwrap()));
        assert_eq!(member(&week, start, &interner), Ok(day("2025-03-03")));
        assert_eq!(member(&week, end, &interner), Ok(day("2025-03-09")));
        assert_eq!(
            member(&week, date, &interner),
            Err(EvalError::Member {
                name: "date".into(),
                kind: "week"
            })
        );
        let record = Some(Value::Record(reckon_fact_store::Record::new([(
            date,
            Value::Date("2025-03-05".parse().unwrap()),
        )])));
        assert_eq!(member(&record, date, &interner), Ok(day("2025-03-05")));
        assert_eq!(member(&record, start, &interner), Ok(None));
        assert_eq!(member(&None, start, &interner), Ok(None));
        assert_eq!(
            member(&Some(Value::Null), start, &interner),
            Ok(Some(Value::Null))
        );
        let error = member(&Some(Value::Int(3)), start, &interner).unwrap_err();
        assert_eq!(error.to_string(), "`.start` does not apply to int");
    }

    #[test]
    fn missing_spreads_through_arithmetic_and_fails_comparisons() {
        assert_eq!(run(BinaryOp::Add, None, Some(Value::Int(1))), Ok(None));
        assert_eq!(
            run(BinaryOp::Gt, None, Some(Value::Int(1))),
            Ok(Some(Value::Bool(false)))
        );
        assert_eq!(
            run(BinaryOp::Ne, None, Some(Value::Int(1))),
            Ok(Some(Value::Bool(false)))
        );
        assert_eq!(
            run(BinaryOp::Eq, Some(Value::Null), Some(Value::Null)),
            Ok(Some(Value::Bool(true)))
        );
        assert_eq!(
            run(BinaryOp::Mul, Some(Value::Null), Some(Value::Int(2))),
            Ok(Some(Value::Null))
        );
        assert_eq!(
            run(BinaryOp::Or, None, Some(Value::Bool(true))),
            Ok(Some(Value::Bool(true)))
        );
        assert_eq!(
            unary(UnaryOp::IsMissing, &None),
            Ok(Some(Value::Bool(true)))
        );
        assert!(!holds(&None));
    }

    #[test]
    fn time_arithmetic_is_exact() {
        let start: reckon_fact_store::DateTime = "2025-01-05T22:00:00".parse().unwrap();
        let end: reckon_fact_store::DateTime = "2025-01-06T06:30:00".parse().unwrap();
        let length = run(
            BinaryOp::Sub,
            Some(Value::DateTime(end)),
            Some(Value::DateTime(start)),
        )
        .unwrap();
        assert_eq!(
            length,
            Some(Value::Duration(SignedDuration::from_mins(510)))
        );
        let hours = run(
            BinaryOp::Div,
            length,
            Some(Value::Duration(SignedDuration::from_hours(1))),
        )
        .unwrap();
        assert_eq!(hours, dec("8.5"));
        let monday: reckon_fact_store::Date = "2025-01-06".parse().unwrap();
        let week = Some(Value::Duration(SignedDuration::from_hours(24 * 7)));
        assert_eq!(
            run(BinaryOp::Add, Some(Value::Date(monday)), week),
            Ok(Some(Value::Date("2025-01-13".parse().unwrap())))
        );
        let half_day = Some(Value::Duration(SignedDuration::from_hours(12)));
        assert_eq!(
            run(BinaryOp::Add, Some(Value::Date(monday)), half_day),
            Err(EvalError::PartialDay)
        );
        let doubled = run(
            BinaryOp::Mul,
            Some(Value::Duration(SignedDuration::from_mins(90))),
            dec("1.5"),
        )
        .unwrap();
        assert_eq!(
            doubled,
            Some(Value::Duration(SignedDuration::from_mins(135)))
        );
    }

    #[test]
    fn comparisons_by_meaning() {
        let mut interner = Interner::new();
        let a = Value::Text(interner.intern("apple").unwrap());
        let b = Value::Text(interner.intern("banana").unwrap());
        assert!(compare(BinaryOp::Lt, &a, &b, &interner));
        assert!(compare(
            BinaryOp::Eq,
            &Value::Int(40),
            &Value::Decimal(Decimal::from_str("40.00").unwrap()),
            &interner
        ));
        assert!(!compare(BinaryOp::Lt, &a, &Value::Int(3), &interner));
        assert!(compare(BinaryOp::Ne, &a, &Value::Int(3), &interner));
    }
}
