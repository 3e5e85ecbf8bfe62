//! Numeric built-ins: rounding, `floor`, `ceil`, `abs` and `percent_of`.
//!
//! - `round(x, places)` rounds half away from zero (half-up, the payroll default:
//!   `round(2.675, 2)` is `2.68`, `round(-2.675, 2)` is `-2.68`); `round_even(x, places)`
//!   rounds half to even (`round_even(0.125, 2)` is `0.12`). `places` is 0 to 28; anything
//!   else is an error. The result always has exactly `places` decimal places:
//!   `round(1.5, 2)` is `1.50`, `round(7, 0)` is `7`.
//! - `floor(x)` and `ceil(x)` are decimals with no decimal places.
//! - `abs` keeps the kind of its argument (int, decimal or duration); the absolute value of
//!   the smallest int or duration is an overflow error.
//! - `percent_of(p, amount)` is `amount * p / 100` with the arithmetic of the operators, so
//!   it is exact and writes as the same expression would.
//!
//! A zero result is never negative: `round(-0.001, 2)` is `0.00`, not `-0.00`.

use reckon_fact_store::{Decimal, Interner, Value};
use rust_decimal::RoundingStrategy;

use super::{argument, wrong_kind};
use crate::builtin::Builtin;
use crate::expr::BinaryOp;
use crate::ops::{self, EvalError};

/// `round(x, places)` or `round_even(x, places)`, by `strategy`.
pub(super) fn round(
    builtin: Builtin,
    x: &Value,
    places: &Value,
    strategy: RoundingStrategy,
) -> Result<Value, EvalError> {
    let x = number(builtin, x)?;
    let places = match places {
        Value::Int(places) => *places,
        other => return Err(wrong_kind(builtin, other)),
    };
    let places = u32::try_from(places)
        .ok()
        .filter(|places| *places <= Decimal::MAX_SCALE)
        .ok_or_else(|| {
            argument(
                builtin,
                format!("the number of decimal places must be from 0 to 28, not {places}"),
            )
        })?;
    let mut rounded = x.round_dp_with_strategy(places, strategy);
    rounded.rescale(places);
    if rounded.scale() != places {
        // Too many digits before the point to also show `places` after it.
        return Err(EvalError::Overflow("decimal"));
    }
    Ok(Value::Decimal(positive_zero(rounded)))
}

/// `floor(x)`.
pub(super) fn floor(x: &Value) -> Result<Value, EvalError> {
    number(Builtin::Floor, x).map(|x| Value::Decimal(positive_zero(x.floor())))
}

/// `ceil(x)`.
pub(super) fn ceil(x: &Value) -> Result<Value, EvalError> {
    number(Builtin::Ceil, x).map(|x| Value::Decimal(positive_zero(x.ceil())))
}

/// `abs(x)`.
pub(super) fn abs(x: &Value) -> Result<Value, EvalError> {
    match x {
        Value::Int(i) => i
            .checked_abs()
            .map(Value::Int)
            .ok_or(EvalError::Overflow("int")),
        Value::Decimal(d) => Ok(Value::Decimal(d.abs())),
        Value::Duration(d) if d.is_negative() => d
            .checked_neg()
            .map(Value::Duration)
            .ok_or(EvalError::Overflow("duration")),
        Value::Duration(d) => Ok(Value::Duration(*d)),
        other => Err(wrong_kind(Builtin::Abs, other)),
    }
}

/// `percent_of(p, amount)`: `amount * p / 100`.
pub(super) fn percent_of(
    percent: &Value,
    amount: &Value,
    interner: &Interner,
) -> Result<Value, EvalError> {
    number(Builtin::PercentOf, percent)?;
    number(Builtin::PercentOf, amount)?;
    let product = ops::binary(
        BinaryOp::Mul,
        &Some(amount.clone()),
        &Some(percent.clone()),
        interner,
    )?;
    let result = ops::binary(BinaryOp::Div, &product, &Some(Value::Int(100)), interner)?;
    Ok(result.expect("present operands give a present result"))
}

/// A number argument, as a decimal.
fn number(builtin: Builtin, value: &Value) -> Result<Decimal, EvalError> {
    match value {
        Value::Int(i) => Ok(Decimal::from(*i)),
        Value::Decimal(d) => Ok(*d),
        other => Err(wrong_kind(builtin, other)),
    }
}

/// `d`, with the sign of a zero cleared so that it never prints as `-0.00`.
fn positive_zero(mut d: Decimal) -> Decimal {
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    d
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use reckon_fact_store::SignedDuration;

    use super::*;

    fn dec(text: &str) -> Value {
        Value::Decimal(Decimal::from_str(text).unwrap())
    }

    /// A decimal result as text, an error as `error: ` and its message.
    fn shown(result: Result<Value, EvalError>) -> String {
        match result {
            Ok(Value::Decimal(d)) => d.to_string(),
            Ok(other) => format!("not a decimal: {other:?}"),
            Err(error) => format!("error: {error}"),
        }
    }

    fn half_up(x: &str, places: i64) -> String {
        let (x, places) = (dec(x), Value::Int(places));
        shown(round(
            Builtin::Round,
            &x,
            &places,
            RoundingStrategy::MidpointAwayFromZero,
        ))
    }

    fn half_even(x: &str, places: i64) -> String {
        let (x, places) = (dec(x), Value::Int(places));
        shown(round(
            Builtin::RoundEven,
            &x,
            &places,
            RoundingStrategy::MidpointNearestEven,
        ))
    }

    #[test]
    fn rounding_ties_go_up_or_to_even() {
        assert_eq!(half_up("2.675", 2), "2.68");
        assert_eq!(half_up("-2.675", 2), "-2.68");
        assert_eq!(half_up("0.125", 2), "0.13");
        assert_eq!(half_up("0.135", 2), "0.14");
        assert_eq!(half_even("2.675", 2), "2.68");
        assert_eq!(half_even("-2.675", 2), "-2.68");
        assert_eq!(half_even("0.125", 2), "0.12");
        assert_eq!(half_even("0.135", 2), "0.14");
        assert_eq!(half_up("2.5", 0), "3");
        assert_eq!(half_even("2.5", 0), "2");
        assert_eq!(half_even("3.5", 0), "4");
        assert_eq!(half_up("-0.5", 0), "-1");
        assert_eq!(half_even("-0.5", 0), "0");
    }

    #[test]
    fn rounding_sets_exactly_the_places_asked_for() {
        assert_eq!(half_up("1.5", 2), "1.50");
        assert_eq!(half_up("-0.001", 2), "0.00");
        assert_eq!(half_up("1.3456", 28), format!("1.3456{}", "0".repeat(24)));
        // 28 places leave room for only one digit before the point.
        assert_eq!(
            half_up("12.3456", 28),
            "error: the result is out of range for decimal"
        );
        let int = round(
            Builtin::Round,
            &Value::Int(7),
            &Value::Int(2),
            RoundingStrategy::MidpointAwayFromZero,
        );
        assert_eq!(shown(int), "7.00");
    }

    #[test]
    fn bad_places_and_huge_numbers_are_errors() {
        assert_eq!(
            half_up("1.5", -1),
            "error: `round`: the number of decimal places must be from 0 to 28, not -1"
        );
        assert_eq!(
            half_even("1.5", 29),
            "error: `round_even`: the number of decimal places must be from 0 to 28, not 29"
        );
        let max = Value::Decimal(Decimal::MAX);
        let places = Value::Int(2);
        assert_eq!(
            round(
                Builtin::Round,
                &max,
                &places,
                RoundingStrategy::MidpointAwayFromZero
            ),
            Err(EvalError::Overflow("decimal"))
        );
    }

    #[test]
    fn floor_and_ceil_are_whole_decimals() {
        assert_eq!(shown(floor(&dec("2.7"))), "2");
        assert_eq!(shown(floor(&dec("-2.1"))), "-3");
        assert_eq!(shown(ceil(&dec("2.1"))), "3");
        assert_eq!(shown(ceil(&dec("-0.5"))), "0");
        assert_eq!(shown(floor(&Value::Int(-4))), "-4");
        assert_eq!(shown(floor(&dec("5.000"))), "5");
        assert_eq!(
            shown(floor(&Value::Decimal(Decimal::MIN))),
            Decimal::MIN.to_string()
        );
    }

    #[test]
    fn abs_keeps_the_kind() {
        assert_eq!(abs(&Value::Int(-3)), Ok(Value::Int(3)));
        assert_eq!(abs(&dec("-1.50")), Ok(dec("1.50")));
        assert_eq!(
            abs(&Value::Duration(SignedDuration::from_mins(-90))),
            Ok(Value::Duration(SignedDuration::from_mins(90)))
        );
        assert_eq!(abs(&Value::Int(i64::MIN)), Err(EvalError::Overflow("int")));
        assert_eq!(
            abs(&Value::Duration(SignedDuration::MIN)),
            Err(EvalError::Overflow("duration"))
        );
    }

    #[test]
    fn percent_of_is_exact_and_overflow_is_an_error() {
        let interner = Interner::new();
        assert_eq!(
            percent_of(&dec("12.5"), &dec("200.00"), &interner),
            Ok(dec("25"))
        );
        assert_eq!(
            shown(percent_of(&dec("13.8"), &Value::Int(1234), &interner)),
            "170.292"
        );
        assert_eq!(
            percent_of(&Value::Int(0), &dec("99.99"), &interner),
            Ok(dec("0"))
        );
        assert_eq!(
            percent_of(&Value::Int(200), &Value::Decimal(Decimal::MAX), &interner),
            Err(EvalError::Overflow("decimal"))
        );
        assert!(matches!(
            percent_of(&Value::Bool(true), &Value::Int(1), &interner),
            Err(EvalError::Operands {
                op: "percent_of",
                ..
            })
        ));
    }
}
