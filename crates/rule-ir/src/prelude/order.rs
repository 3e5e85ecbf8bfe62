//! Scalar ordering built-ins: `greatest(a, b, ...)`, `least(a, b, ...)` and
//! `clamp(x, low, high)` (the aggregates `min` and `max` are not here).
//!
//! Values order as the comparison operators order them: ints and decimals exactly with each
//! other, text by its characters, dates, datetimes, durations and weeks in time, lists
//! element by element. Values that do not order with each other (a number and a text, two
//! records) are an error. Of equal values the first is returned; when any argument is a
//! decimal an int result becomes a decimal, as the checker types the call.
//!
//! `clamp(x, low, high)` is `least(greatest(x, low), high)`; a `low` above `high` is an
//! error rather than a silent pick of one bound.

use std::cmp::Ordering;

use reckon_fact_store::{Decimal, Interner, Value};

use super::argument;
use crate::builtin::Builtin;
use crate::ops::EvalError;

/// `greatest(...)` (`want` is `Greater`) or `least(...)` (`want` is `Less`).
pub(super) fn extreme<'a>(
    builtin: Builtin,
    values: impl IntoIterator<Item = &'a Value>,
    want: Ordering,
    interner: &Interner,
) -> Result<Value, EvalError> {
    let mut best: Option<&Value> = None;
    let mut any_decimal = false;
    for value in values {
        any_decimal |= matches!(value, Value::Decimal(_));
        let Some(current) = best else {
            best = Some(value);
            continue;
        };
        if order(builtin, value, current, interner)? == want {
            best = Some(value);
        }
    }
    let best = best.ok_or_else(|| argument(builtin, "takes at least 2 arguments, not 0".into()))?;
    Ok(widen(best, any_decimal))
}

/// `clamp(x, low, high)`.
pub(super) fn clamp(
    x: &Value,
    low: &Value,
    high: &Value,
    interner: &Interner,
) -> Result<Value, EvalError> {
    let builtin = Builtin::Clamp;
    if order(builtin, low, high, interner)? == Ordering::Greater {
        return Err(argument(
            builtin,
            format!(
                "the low bound {} is above the high bound {}",
                low.display(interner),
                high.display(interner)
            ),
        ));
    }
    let any_decimal = [x, low, high]
        .iter()
        .any(|value| matches!(value, Value::Decimal(_)));
    let result = if order(builtin, x, low, interner)? == Ordering::Less {
        low
    } else if order(builtin, x, high, interner)? == Ordering::Greater {
        high
    } else {
        x
    };
    Ok(widen(result, any_decimal))
}

/// How `a` orders against `b`, or an error naming both kinds.
fn order(
    builtin: Builtin,
    a: &Value,
    b: &Value,
    interner: &Interner,
) -> Result<Ordering, EvalError> {
    a.compare(b, interner).ok_or_else(|| EvalError::Operands {
        op: builtin.name(),
        kinds: format!("{} and {}", a.kind_name(), b.kind_name()),
    })
}

/// `value`, as a decimal when it is an int and the call mixes in decimals.
fn widen(value: &Value, any_decimal: bool) -> Value {
    match value {
        Value::Int(i) if any_decimal => Value::Decimal(Decimal::from(*i)),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn dec(text: &str) -> Value {
        Value::Decimal(Decimal::from_str(text).unwrap())
    }

    fn greatest(values: &[Value], interner: &Interner) -> Result<Value, EvalError> {
        extreme(Builtin::Greatest, values, Ordering::Greater, interner)
    }

    fn least(values: &[Value], interner: &Interner) -> Result<Value, EvalError> {
        extreme(Builtin::Least, values, Ordering::Less, interner)
    }

    #[test]
    fn numbers_compare_exactly_and_widen_to_decimal() {
        let interner = Interner::new();
        assert_eq!(
            greatest(&[Value::Int(3), dec("2.5"), Value::Int(-1)], &interner),
            Ok(dec("3"))
        );
        assert_eq!(
            greatest(&[Value::Int(3), Value::Int(4)], &interner),
            Ok(Value::Int(4))
        );
        assert_eq!(
            least(&[dec("0.10"), dec("0.1")], &interner).map(|v| format!("{v:?}")),
            Ok(format!("{:?}", dec("0.10")))
        );
        assert_eq!(
            least(
                &[Value::Int(40), dec("40.0000000000000000000000001")],
                &interner
            ),
            Ok(dec("40"))
        );
    }

    #[test]
    fn text_dates_and_weeks_order_by_meaning() {
        let mut interner = Interner::new();
        let zulu = Value::Text(interner.intern("zulu").unwrap());
        let alpha = Value::Text(interner.intern("alpha").unwrap());
        assert_eq!(
            greatest(&[alpha.clone(), zulu.clone()], &interner),
            Ok(zulu.clone())
        );
        assert_eq!(least(&[zulu, alpha.clone()], &interner), Ok(alpha));
        let days = [
            Value::Date("2025-01-06".parse().unwrap()),
            Value::Date("2024-12-30".parse().unwrap()),
        ];
        assert_eq!(least(&days, &interner), Ok(days[1].clone()));
        let weeks = [
            Value::Week("2024-W52".parse().unwrap()),
            Value::Week("2025-W01".parse().unwrap()),
        ];
        assert_eq!(greatest(&weeks, &interner), Ok(weeks[1].clone()));
    }

    #[test]
    fn values_that_do_not_order_are_errors() {
        let mut interner = Interner::new();
        let text = Value::Text(interner.intern("5").unwrap());
        assert_eq!(
            greatest(&[Value::Int(5), text], &interner),
            Err(EvalError::Operands {
                op: "greatest",
                kinds: "text and int".into()
            })
        );
    }

    #[test]
    fn clamp_keeps_within_bounds() {
        let interner = Interner::new();
        let clamp = |x, low, high| clamp(&x, &low, &high, &interner);
        assert_eq!(
            clamp(Value::Int(5), Value::Int(0), Value::Int(3)),
            Ok(Value::Int(3))
        );
        assert_eq!(
            clamp(Value::Int(-5), Value::Int(0), Value::Int(3)),
            Ok(Value::Int(0))
        );
        assert_eq!(
            clamp(Value::Int(2), Value::Int(0), dec("3.5")),
            Ok(dec("2"))
        );
        assert_eq!(
            clamp(Value::Int(2), Value::Int(2), Value::Int(2)),
            Ok(Value::Int(2))
        );
        assert_eq!(
            clamp(Value::Int(2), Value::Int(3), Value::Int(1))
                .unwrap_err()
                .to_string(),
            "`clamp`: the low bound 3 is above the high bound 1"
        );
        assert!(matches!(
            clamp(Value::Bool(true), Value::Int(3), Value::Int(4)),
            Err(EvalError::Operands { op: "clamp", .. })
        ));
    }
}
