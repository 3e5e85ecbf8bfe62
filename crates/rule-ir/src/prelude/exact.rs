//! Exact integer arithmetic the prelude needs beyond `i128`: a full 256-bit product with
//! its division, and a division correctly rounded to 28 significant digits, which is also
//! what the `/` operator does to numbers (`ops`).

use std::cmp::Ordering;

use reckon_fact_store::Decimal;

use crate::ops::EvalError;

/// The most significant digits a result keeps, as in Python's default decimal context.
const SIGNIFICANT_DIGITS: u32 = 28;

/// `numerator / denominator`, rounded half to even to 28 significant digits (and to at
/// most 28 decimal places, the finest a `Decimal` holds), with trailing zeros dropped:
/// `1041 / 60` is `17.35`, `472 / 60` is `7.866666666666666666666666667`, `1440 / 60` is
/// `24`. This is exactly what Python's `Decimal(n) / Decimal(d)` gives for such integers.
pub(crate) fn quotient(numerator: i128, denominator: i128) -> Result<Decimal, EvalError> {
    scaled_quotient(numerator, denominator, 0)
}

/// `x / y` for decimals, rounded and written as [`quotient`] writes a quotient of
/// integers, whatever the places of `x` and `y`: `30 / 60` is `0.5`, `6.00 / 3` is `2`,
/// `7.5 / 2.5` is `3`, `1 / 3` is `0.3333333333333333333333333333`.
pub(crate) fn divide(x: Decimal, y: Decimal) -> Result<Decimal, EvalError> {
    // x / y = (mx / my) / 10^(sx - sy) for mantissas mx, my and scales sx, sy (0 to 28).
    let places = x.scale() as i32 - y.scale() as i32;
    scaled_quotient(x.mantissa(), y.mantissa(), places)
}

/// `numerator / denominator / 10^places`, rounded half to even at the 28th significant
/// digit or the 28th decimal place, whichever comes first, with trailing zeros dropped.
fn scaled_quotient(numerator: i128, denominator: i128, places: i32) -> Result<Decimal, EvalError> {
    if denominator == 0 {
        return Err(EvalError::DivisionByZero);
    }
    let overflow = || EvalError::Overflow("decimal");
    let max_scale = Decimal::MAX_SCALE as i32;
    let negative = (numerator < 0) != (denominator < 0);
    let (n, d) = (numerator.unsigned_abs(), denominator.unsigned_abs());
    // The quotient is `coefficient * 10^-scale`, plus `rest / d` of its last digit.
    let mut coefficient = n / d;
    let mut rest = n % d;
    let mut scale = places;
    // Long division to one digit beyond what is kept, to round by.
    while rest != 0 && digits(coefficient) <= SIGNIFICANT_DIGITS && scale <= max_scale {
        let (digit, next_rest) = match rest.checked_mul(10) {
            Some(shifted) => (shifted / d, shifted % d),
            None => {
                let (high, low) = mul_wide(rest, 10);
                div_wide(high, low, d)
            }
        };
        coefficient = coefficient * 10 + digit;
        rest = next_rest;
        scale += 1;
    }
    let excess = digits(coefficient)
        .saturating_sub(SIGNIFICANT_DIGITS)
        .max(u32::try_from(scale - max_scale).unwrap_or(0));
    if excess > 0 {
        // Drop `excess` digits, rounding half to even; a nonzero `rest` is beyond them.
        let unit = 10u128.pow(excess);
        let (kept, dropped) = (coefficient / unit, coefficient % unit);
        let round_up = match dropped.cmp(&(unit / 2)) {
            Ordering::Greater => true,
            Ordering::Equal => rest != 0 || kept % 2 == 1,
            Ordering::Less => false,
        };
        coefficient = kept + u128::from(round_up);
        scale -= excess as i32;
        if digits(coefficient) > SIGNIFICANT_DIGITS {
            // Rounding up carried into a new digit: 99...9.5 became 100...0.
            coefficient /= 10;
            scale -= 1;
        }
    }
    while scale > 0 && coefficient % 10 == 0 {
        coefficient /= 10;
        scale -= 1;
    }
    if coefficient == 0 {
        scale = 0;
    }
    if scale < 0 {
        let power = u32::try_from(-scale).map_err(|_| overflow())?;
        coefficient = 10u128
            .checked_pow(power)
            .and_then(|unit| coefficient.checked_mul(unit))
            .ok_or_else(overflow)?;
        scale = 0;
    }
    let magnitude = i128::try_from(coefficient).map_err(|_| overflow())?;
    let mantissa = if negative { -magnitude } else { magnitude };
    Decimal::try_from_i128_with_scale(mantissa, scale as u32).map_err(|_| overflow())
}

/// The number of decimal digits of `x` (none for 0).
fn digits(x: u128) -> u32 {
    x.checked_ilog10().map_or(0, |log| log + 1)
}

/// The full product `a * b` as `(high, low)` 128-bit halves.
pub(super) fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    // The middle column: the carry out of the low half plus the two cross products' lows.
    let middle = (lo_lo >> 64) + (hi_lo & MASK) + (lo_hi & MASK);
    let low = (middle << 64) | (lo_lo & MASK);
    let high = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (middle >> 64);
    (high, low)
}

/// `(high, low) / divisor` as `(quotient, remainder)`. The quotient must fit in 128 bits,
/// which holds whenever `high < divisor`; callers guarantee it.
pub(super) fn div_wide(high: u128, low: u128, divisor: u128) -> (u128, u128) {
    debug_assert!(
        divisor != 0 && high < divisor,
        "the quotient fits in 128 bits"
    );
    let mut rest = high;
    let mut quotient = 0u128;
    for bit in (0..128).rev() {
        // Shift one bit of `low` into the running remainder; the bit shifted out of its top
        // means the true remainder is at least 2^128, so above any divisor.
        let carry = rest >> 127;
        rest = (rest << 1) | ((low >> bit) & 1);
        if carry == 1 || rest >= divisor {
            rest = rest.wrapping_sub(divisor);
            quotient |= 1 << bit;
        }
    }
    (quotient, rest)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use proptest::prelude::*;

    use super::*;

    fn text(numerator: i128, denominator: i128) -> String {
        quotient(numerator, denominator).unwrap().to_string()
    }

    #[test]
    fn quotients_match_python_decimal() {
        assert_eq!(text(1041, 60), "17.35");
        assert_eq!(text(472, 60), "7.866666666666666666666666667");
        assert_eq!(text(1440, 60), "24");
        assert_eq!(text(600, 60), "10");
        assert_eq!(text(1, 3), "0.3333333333333333333333333333");
        assert_eq!(text(2, 3), "0.6666666666666666666666666667");
        assert_eq!(text(-2, 3), "-0.6666666666666666666666666667");
        assert_eq!(text(2, -3), "-0.6666666666666666666666666667");
        assert_eq!(text(0, -3), "0");
        // 28 significant digits, not the 29 a `Decimal` could sometimes hold.
        assert_eq!(text(7, 9), "0.7777777777777777777777777778");
        assert_eq!(text(70_000_001, 9), "7777777.888888888888888888889");
        // Exact halves at the 28th digit round to even.
        assert_eq!(text(10i128.pow(28) + 5, 10), "1000000000000000000000000000");
        assert_eq!(
            text(10i128.pow(28) + 15, 10),
            "1000000000000000000000000002"
        );
        // Below 1e-28 only 28 places fit.
        assert_eq!(text(1, 3_600_000_000_000), "0.0000000000002777777777777778");
        assert_eq!(quotient(1, 0), Err(EvalError::DivisionByZero));
        assert_eq!(
            quotient(10i128.pow(30), 1),
            Err(EvalError::Overflow("decimal"))
        );
    }

    #[test]
    fn decimal_quotients_round_like_integer_ones() {
        let shown = |x: &str, y: &str| {
            divide(Decimal::from_str(x).unwrap(), Decimal::from_str(y).unwrap())
                .unwrap()
                .to_string()
        };
        assert_eq!(shown("30", "60"), "0.5");
        assert_eq!(shown("6.00", "3"), "2");
        assert_eq!(shown("2.40", "2"), "1.2");
        assert_eq!(shown("1", "0.25"), "4");
        assert_eq!(shown("10.41", "0.6"), "17.35");
        assert_eq!(shown("4.72", "0.6"), "7.866666666666666666666666667");
        assert_eq!(shown("-0.001", "3"), "-0.0003333333333333333333333333");
        // Below 1e-28 only 28 places fit, rounded half to even at the last.
        assert_eq!(shown("0.0000000000000000000000000001", "2"), "0");
        assert_eq!(
            shown("0.0000000000000000000000000003", "2"),
            "0.0000000000000000000000000002"
        );
        // A 29-digit dividend keeps 28 significant digits.
        assert_eq!(
            shown("12345678901234567890123456789", "1"),
            "12345678901234567890123456790"
        );
        // Rounding can carry past the largest decimal.
        assert_eq!(
            divide(Decimal::MAX, Decimal::ONE),
            Err(EvalError::Overflow("decimal"))
        );
        assert_eq!(
            divide(Decimal::MAX, Decimal::from_str("0.5").unwrap()),
            Err(EvalError::Overflow("decimal"))
        );
        assert_eq!(
            divide(Decimal::ONE, Decimal::ZERO),
            Err(EvalError::DivisionByZero)
        );
    }

    #[test]
    fn wide_products_divide_back() {
        let (high, low) = mul_wide(u128::MAX, u128::MAX);
        assert_eq!((high, low), (u128::MAX - 1, 1));
        assert_eq!(div_wide(high, low, u128::MAX), (u128::MAX, 0));
        assert_eq!(mul_wide(1 << 100, 1 << 100), (1 << 72, 0));
    }

    proptest! {
        #[test]
        fn wide_arithmetic_agrees_with_u128(a in any::<u64>(), b in any::<u64>(), d in 1..u128::MAX) {
            let product = u128::from(a) * u128::from(b);
            prop_assert_eq!(mul_wide(u128::from(a), u128::from(b)), (0, product));
            prop_assert_eq!(div_wide(0, product, d), (product / d, product % d));
        }

        #[test]
        fn wide_division_inverts_multiplication(a in any::<u128>(), b in 1..u128::MAX, r in any::<u128>()) {
            let (high, low) = mul_wide(a, b);
            let r = r % b;
            let (low, carry) = low.overflowing_add(r);
            let high = high + u128::from(carry);
            prop_assert_eq!(div_wide(high, low, b), (a, r));
        }

        #[test]
        fn short_quotients_agree_with_decimal_division(n in -1_000_000_000i64..1_000_000_000, d in 1i64..100_000) {
            let ours = quotient(i128::from(n), i128::from(d)).unwrap();
            let theirs = Decimal::from(n) / Decimal::from(d);
            // The two differ at most in the last of 28 digits (rust_decimal may keep a 29th).
            let tolerance = Decimal::from_str("1e-20").unwrap() * Decimal::from(n.abs().max(1));
            prop_assert!((ours - theirs).abs() <= tolerance, "{} vs {}", ours, theirs);
            if (i128::from(n) * 10i128.pow(6)) % i128::from(d) == 0 {
                prop_assert_eq!(ours, theirs);
            }
        }

        #[test]
        fn decimal_quotients_agree_with_decimal_division(
            x in -1_000_000_000_000i64..1_000_000_000_000,
            x_places in 0u32..10,
            y in 1i64..10_000_000,
            y_places in 0u32..10,
        ) {
            let (x, y) = (Decimal::new(x, x_places), Decimal::new(y, y_places));
            let ours = divide(x, y).unwrap();
            let theirs = x / y;
            // At most the last of 28 digits differs, or the 28th place.
            let tolerance = theirs.abs() * Decimal::from_str("1e-27").unwrap()
                + Decimal::from_str("1e-28").unwrap();
            prop_assert!((ours - theirs).abs() <= tolerance, "{} vs {}", ours, theirs);
            prop_assert!(ours.mantissa().unsigned_abs() < 10u128.pow(SIGNIFICANT_DIGITS));
            prop_assert!(ours.scale() == 0 || ours.mantissa() % 10 != 0, "{}", ours);
        }
    }
}
