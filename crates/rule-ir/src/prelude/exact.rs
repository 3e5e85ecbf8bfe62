//! Exact integer arithmetic the prelude needs beyond `i128`: a full 256-bit product with
//! its division, and a division of two integers correctly rounded to 28 significant digits.

use std::cmp::Ordering;

use reckon_fact_store::Decimal;

use crate::ops::EvalError;

/// The most significant digits a result keeps, as in Python's default decimal context.
const SIGNIFICANT_DIGITS: u32 = 28;

/// `numerator / denominator`, rounded half to even to 28 significant digits (and to at
/// most 28 decimal places, the finest a `Decimal` holds), with trailing zeros dropped:
/// `1041 / 60` is `17.35`, `472 / 60` is `7.866666666666666666666666667`, `1440 / 60` is
/// `24`. This is exactly what Python's `Decimal(n) / Decimal(d)` gives for such integers.
pub(super) fn quotient(numerator: i128, denominator: i128) -> Result<Decimal, EvalError> {
    if denominator == 0 {
        return Err(EvalError::DivisionByZero);
    }
    let negative = (numerator < 0) != (denominator < 0);
    let (n, d) = (numerator.unsigned_abs(), denominator.unsigned_abs());
    let limit = 10u128.pow(SIGNIFICANT_DIGITS);
    let mut coefficient = n / d;
    let mut rest = n % d;
    if coefficient >= limit {
        return Err(EvalError::Overflow("decimal"));
    }
    let mut scale = 0;
    while rest != 0 && coefficient < limit / 10 && scale < Decimal::MAX_SCALE {
        let (high, low) = mul_wide(rest, 10);
        let (digit, next_rest) = div_wide(high, low, d);
        coefficient = coefficient * 10 + digit;
        rest = next_rest;
        scale += 1;
    }
    if rest != 0 {
        // Compare the discarded part with one half: `rest` against `d - rest`.
        let round_up = match rest.cmp(&(d - rest)) {
            Ordering::Greater => true,
            Ordering::Equal => coefficient % 2 == 1,
            Ordering::Less => false,
        };
        coefficient += u128::from(round_up);
    }
    let magnitude = i128::try_from(coefficient).map_err(|_| EvalError::Overflow("decimal"))?;
    let mantissa = if negative { -magnitude } else { magnitude };
    Decimal::try_from_i128_with_scale(mantissa, scale)
        .map(|d| d.normalize())
        .map_err(|_| EvalError::Overflow("decimal"))
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
    }
}
