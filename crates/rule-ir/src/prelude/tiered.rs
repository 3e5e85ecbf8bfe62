//! `tiered(amount, [[upto, rate], ...])`: banded rates, as in income tax.
//!
//! Each band applies its rate to the part of the amount above the previous band's limit
//! (0 for the first band) and up to its own: `tiered(50000, [[12570, 0], [50270, 0.2],
//! [null, 0.4]])` is `(50000 - 12570) * 0.2 = 7486`. The result is the exact sum.
//!
//! - The last band's limit may be `null`: no upper limit. Without such an open band, the
//!   part of the amount above the last limit is not charged at all (a capped contribution,
//!   as with a wage base).
//! - Limits must not be negative and must increase strictly from band to band; rates may be
//!   any number. Bands are checked whole, even those the amount does not reach, so a badly
//!   written table fails on every call rather than only on large amounts.
//! - An amount of zero or less is charged nothing; no bands give zero.

use reckon_fact_store::{Decimal, Value};

use super::{argument, wrong_kind};
use crate::builtin::Builtin;
use crate::ops::EvalError;

const NAME: Builtin = Builtin::Tiered;

/// One band: its upper limit (`None`: no limit) and its rate.
struct Band {
    upto: Option<Decimal>,
    rate: Decimal,
}

/// `tiered(amount, bands)`.
pub(super) fn tiered(amount: &Value, bands: &Value) -> Result<Value, EvalError> {
    let amount = number(amount)?;
    let bands = parse_bands(bands)?;
    let overflow = || EvalError::Overflow("decimal");
    let mut total = Decimal::ZERO;
    let mut floor = Decimal::ZERO;
    for band in bands {
        if amount <= floor {
            break;
        }
        let top = band.upto.map_or(amount, |upto| upto.min(amount));
        let part = top.checked_sub(floor).ok_or_else(overflow)?;
        let charge = part.checked_mul(band.rate).ok_or_else(overflow)?;
        total = total.checked_add(charge).ok_or_else(overflow)?;
        match band.upto {
            Some(upto) => floor = upto,
            None => break,
        }
    }
    Ok(Value::Decimal(total))
}

/// The bands of the list `bands`, checked.
fn parse_bands(bands: &Value) -> Result<Vec<Band>, EvalError> {
    let Value::List(items) = bands else {
        return Err(wrong_kind(NAME, bands));
    };
    let mut parsed: Vec<Band> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let position = index + 1;
        let pair = match item {
            Value::List(pair) if pair.len() == 2 => pair,
            other => {
                return Err(argument(
                    NAME,
                    format!(
                        "band {position} must be a pair [upto, rate], not a {}",
                        describe(other)
                    ),
                ));
            }
        };
        let upto = match &pair[0] {
            Value::Null if position == items.len() => None,
            Value::Null => {
                return Err(argument(
                    NAME,
                    format!(
                        "only the last band may have no limit (null), but band {position} has none"
                    ),
                ));
            }
            limit => Some(number(limit)?),
        };
        let rate = match &pair[1] {
            Value::Null => {
                return Err(argument(
                    NAME,
                    format!("band {position} has no rate (null)"),
                ));
            }
            rate => number(rate)?,
        };
        let previous = parsed.last().and_then(|band| band.upto);
        match (upto, previous) {
            (Some(limit), _) if limit.is_sign_negative() && !limit.is_zero() => {
                return Err(argument(
                    NAME,
                    format!("band {position} has a negative limit, {limit}"),
                ));
            }
            (Some(limit), Some(previous)) if limit <= previous => {
                return Err(argument(
                    NAME,
                    format!(
                        "the limits must increase from band to band, but band {position}'s limit {limit} is not above {previous}"
                    ),
                ));
            }
            _ => {}
        }
        parsed.push(Band { upto, rate });
    }
    Ok(parsed)
}

/// A number, as a decimal.
fn number(value: &Value) -> Result<Decimal, EvalError> {
    match value {
        Value::Int(i) => Ok(Decimal::from(*i)),
        Value::Decimal(d) => Ok(*d),
        other => Err(wrong_kind(NAME, other)),
    }
}

/// What a malformed band is, for a message.
fn describe(value: &Value) -> String {
    match value {
        Value::List(items) => format!("list of {} values", items.len()),
        other => other.kind_name().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::sync::Arc;

    use super::*;

    fn num(text: &str) -> Value {
        if text == "null" {
            Value::Null
        } else {
            Value::Decimal(Decimal::from_str(text).unwrap())
        }
    }

    fn bands(rows: &[(&str, &str)]) -> Value {
        let rows: Vec<Value> = rows
            .iter()
            .map(|(upto, rate)| Value::List(Arc::from(vec![num(upto), num(rate)])))
            .collect();
        Value::List(rows.into())
    }

    fn uk() -> Value {
        bands(&[
            ("12570", "0"),
            ("50270", "0.2"),
            ("125140", "0.4"),
            ("null", "0.45"),
        ])
    }

    fn charge(amount: &str, bands: &Value) -> String {
        match tiered(&num(amount), bands) {
            Ok(Value::Decimal(d)) => d.normalize().to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn each_band_charges_its_own_slice() {
        assert_eq!(charge("50000", &uk()), "7486");
        assert_eq!(charge("12570", &uk()), "0");
        assert_eq!(charge("12571", &uk()), "0.2");
        assert_eq!(charge("50270", &uk()), "7540");
        assert_eq!(charge("60000", &uk()), "11432");
        // 37700 * 0.2 + 74870 * 0.4 + 74860 * 0.45
        assert_eq!(charge("200000", &uk()), "71175");
        assert_eq!(charge("0", &uk()), "0");
        assert_eq!(charge("-100", &uk()), "0");
    }

    #[test]
    fn without_an_open_band_the_excess_is_not_charged() {
        let capped = bands(&[("1000", "0.1"), ("2000", "0.05")]);
        assert_eq!(charge("1500.50", &capped), "125.025");
        assert_eq!(charge("10000", &capped), "150");
        assert_eq!(charge("10000", &bands(&[])), "0");
        assert_eq!(charge("10", &bands(&[("null", "0.5")])), "5");
    }

    #[test]
    fn badly_written_bands_are_errors() {
        let message = |bands: &Value| tiered(&num("1"), bands).unwrap_err().to_string();
        assert_eq!(
            message(&bands(&[("100", "0.1"), ("100", "0.2")])),
            "`tiered`: the limits must increase from band to band, but band 2's limit 100 is not above 100"
        );
        assert_eq!(
            message(&bands(&[("null", "0.1"), ("100", "0.2")])),
            "`tiered`: only the last band may have no limit (null), but band 1 has none"
        );
        assert_eq!(
            message(&bands(&[("-5", "0.1")])),
            "`tiered`: band 1 has a negative limit, -5"
        );
        assert_eq!(
            message(&bands(&[("5", "null")])),
            "`tiered`: band 1 has no rate (null)"
        );
        let flat = Value::List(Arc::from(vec![num("100"), num("0.1")]));
        assert_eq!(
            message(&flat),
            "`tiered`: band 1 must be a pair [upto, rate], not a decimal"
        );
        assert_eq!(message(&Value::Int(3)), "`tiered` does not apply to int");
    }

    #[test]
    fn overflow_is_an_error() {
        let huge = Value::Decimal(Decimal::MAX);
        let steep = bands(&[("null", "2")]);
        assert_eq!(tiered(&huge, &steep), Err(EvalError::Overflow("decimal")));
    }
}
