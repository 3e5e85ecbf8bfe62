//! Allocation: sharing an amount among the members of a group by weight, to the cent, with
//! the largest-remainder rule, so that the shares always sum exactly to the amount (tip
//! pools, tronc). The rule runtime calls this once per group for `ExprKind::Allocate`.
//!
//! The rule, computed exactly (in wide integers, never rounded on the way):
//!
//! 1. each member's exact share is `amount * weight / total weight`;
//! 2. each member first gets that share floored to the cent;
//! 3. the cents left over go one each to the members with the largest discarded fractions;
//!    equal fractions go first to the smaller tie key, and equal keys to the earlier member.
//!
//! So every share is within one cent of its exact proportion, and a member with weight 0
//! gets `0.00`. Shares have exactly two decimal places.
//!
//! Decisions where the rule leaves room:
//!
//! - A negative amount is shared as its absolute value and each share negated, so
//!   `allocate(-x)` is exactly `-allocate(x)`: shares are rounded toward zero and the
//!   leftover (negative) cents go to the largest fractions, as for a positive amount.
//! - The amount must be a whole number of cents (`1.005` is an error): shares of two places
//!   could not sum to it.
//! - A negative weight is an error; a zero total weight (or no members) is a division by
//!   zero.
//! - Weights and amounts beyond what `i128` holds after scaling every weight to the finest
//!   weight's decimal places are an overflow error.

use std::cmp::Ordering;

use reckon_fact_store::Decimal;

use super::exact::{div_wide, mul_wide};
use crate::ops::EvalError;

/// The name errors give.
const NAME: &str = "allocate";

/// Shares `amount` among `members`, each a `(weight, tie key)`, by the largest-remainder
/// rule; the shares come back in the order of `members`. Tie keys are anything ordered:
/// the runtime passes the members' tie values, tests pass strings.
pub fn allocate<K: Ord>(
    amount: Decimal,
    members: &[(Decimal, K)],
) -> Result<Vec<Decimal>, EvalError> {
    let weights: Vec<Decimal> = members.iter().map(|(weight, _)| *weight).collect();
    allocate_by(amount, &weights, |a, b| members[a].1.cmp(&members[b].1))
}

/// Shares `amount` by `weights` like [`allocate`], with ties between equal remainders
/// ordered by `ties(a, b)`, which compares members `a` and `b` by their positions (for tie
/// keys that need a context to order, such as interned text).
pub fn allocate_by(
    amount: Decimal,
    weights: &[Decimal],
    mut ties: impl FnMut(usize, usize) -> Ordering,
) -> Result<Vec<Decimal>, EvalError> {
    let overflow = || EvalError::Overflow("decimal");
    let cents = whole_cents(amount)?;
    let weights = scaled_weights(weights)?;
    let total = weights
        .iter()
        .try_fold(0u128, |sum, weight| sum.checked_add(*weight))
        .ok_or_else(overflow)?;
    if total == 0 {
        return Err(EvalError::DivisionByZero);
    }
    // Every product is below `cents * total`, so each quotient is at most `cents` and fits.
    let (mut floors, remainders): (Vec<u128>, Vec<u128>) = weights
        .iter()
        .map(|weight| {
            let (high, low) = mul_wide(cents, *weight);
            div_wide(high, low, total)
        })
        .unzip();
    let handed_out: u128 = floors.iter().sum();
    let leftover = usize::try_from(cents - handed_out).expect("fewer leftover cents than members");
    let mut order: Vec<usize> = (0..weights.len())
        .filter(|&member| remainders[member] > 0)
        .collect();
    order.sort_by(|&a, &b| {
        remainders[b]
            .cmp(&remainders[a])
            .then_with(|| ties(a, b))
            .then(a.cmp(&b))
    });
    for &member in &order[..leftover] {
        floors[member] += 1;
    }
    let negative = amount.is_sign_negative();
    floors
        .into_iter()
        .map(|share| {
            let share = i128::try_from(share).map_err(|_| overflow())?;
            let share = if negative { -share } else { share };
            Decimal::try_from_i128_with_scale(share, 2).map_err(|_| overflow())
        })
        .collect()
}

/// The magnitude of `amount` in cents, or an error if it has a fraction of a cent.
fn whole_cents(amount: Decimal) -> Result<u128, EvalError> {
    let normalized = amount.normalize();
    if normalized.scale() > 2 {
        return Err(EvalError::Argument {
            function: NAME,
            message: format!("the amount {amount} is not a whole number of cents"),
        });
    }
    // A mantissa below 2^96 times at most 100 fits easily.
    Ok(normalized.mantissa().unsigned_abs() * 10u128.pow(2 - normalized.scale()))
}

/// The weights as integers, all scaled to the decimal places of the finest one.
fn scaled_weights(weights: &[Decimal]) -> Result<Vec<u128>, EvalError> {
    let normalized: Vec<Decimal> = weights.iter().map(Decimal::normalize).collect();
    if let Some((position, weight)) = normalized
        .iter()
        .enumerate()
        .find(|(_, weight)| weight.is_sign_negative() && !weight.is_zero())
    {
        return Err(EvalError::Argument {
            function: NAME,
            message: format!(
                "weights must not be negative, but member {} has weight {weight}",
                position + 1
            ),
        });
    }
    let finest = normalized.iter().map(Decimal::scale).max().unwrap_or(0);
    normalized
        .iter()
        .map(|weight| {
            10u128
                .checked_pow(finest - weight.scale())
                .and_then(|factor| weight.mantissa().unsigned_abs().checked_mul(factor))
                .ok_or(EvalError::Overflow("decimal"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use proptest::prelude::*;

    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    /// Shares as text, members given as `(weight, key)`.
    fn shares(amount: &str, members: &[(&str, &str)]) -> Vec<String> {
        let members: Vec<(Decimal, &str)> = members
            .iter()
            .map(|(weight, key)| (dec(weight), *key))
            .collect();
        allocate(dec(amount), &members)
            .unwrap()
            .iter()
            .map(Decimal::to_string)
            .collect()
    }

    #[test]
    fn equal_thirds_give_the_spare_cent_to_the_smallest_key() {
        let three = [("1", "carol"), ("1", "alice"), ("1", "bob")];
        assert_eq!(shares("100.00", &three), ["33.33", "33.34", "33.33"]);
        assert_eq!(shares("100.01", &three), ["33.33", "33.34", "33.34"]);
        assert_eq!(shares("100.02", &three), ["33.34", "33.34", "33.34"]);
        assert_eq!(shares("0.01", &three), ["0.00", "0.01", "0.00"]);
    }

    #[test]
    fn the_largest_fraction_wins_before_the_key() {
        // Exact shares 6.67 and 3.33 cents: the spare cent goes to the larger fraction,
        // though its key is the larger one.
        assert_eq!(
            shares("0.10", &[("2", "zed"), ("1", "amy")]),
            ["0.07", "0.03"]
        );
        // Exact shares 0.5, 1 and 3.5 cents: two equal fractions, the smaller key wins.
        assert_eq!(
            shares("0.05", &[("7", "b"), ("2", "c"), ("1", "a")]),
            ["0.03", "0.01", "0.01"]
        );
        // Equal keys fall back to the order of the members.
        assert_eq!(shares("0.01", &[("1", "x"), ("1", "x")]), ["0.01", "0.00"]);
    }

    #[test]
    fn zero_weights_get_nothing_and_one_member_gets_all() {
        assert_eq!(shares("9.99", &[("0", "a"), ("3", "b")]), ["0.00", "9.99"]);
        assert_eq!(shares("9.9", &[("2.5", "a")]), ["9.90"]);
        assert_eq!(shares("0", &[("1", "a"), ("1", "b")]), ["0.00", "0.00"]);
    }

    #[test]
    fn negative_amounts_mirror_positive_ones() {
        let three = [("1", "carol"), ("1", "alice"), ("1", "bob")];
        assert_eq!(shares("-100.00", &three), ["-33.33", "-33.34", "-33.33"]);
    }

    #[test]
    fn impossible_allocations_are_errors_not_panics() {
        let one = [(dec("1"), "a")];
        assert_eq!(
            allocate(dec("10"), &[(dec("0"), "a"), (dec("0.00"), "b")]),
            Err(EvalError::DivisionByZero)
        );
        assert_eq!(
            allocate::<&str>(dec("10"), &[]),
            Err(EvalError::DivisionByZero)
        );
        assert_eq!(
            allocate(dec("10"), &[(dec("1"), "a"), (dec("-1"), "b")])
                .unwrap_err()
                .to_string(),
            "`allocate`: weights must not be negative, but member 2 has weight -1"
        );
        assert_eq!(
            allocate(dec("1.005"), &one).unwrap_err().to_string(),
            "`allocate`: the amount 1.005 is not a whole number of cents"
        );
        assert_eq!(
            allocate(Decimal::MAX, &one),
            Err(EvalError::Overflow("decimal"))
        );
        let extreme = [
            (Decimal::MAX, "a"),
            (dec("0.0000000000000000000000000001"), "b"),
        ];
        assert_eq!(
            allocate(dec("1"), &extreme),
            Err(EvalError::Overflow("decimal"))
        );
    }

    #[test]
    fn fine_weights_such_as_computed_hours_stay_exact() {
        // Hours of 472 and 1041 minutes, as `split_by_day` gives them.
        let members = [
            (dec("7.866666666666666666666666667"), "a"),
            (dec("17.35"), "b"),
        ];
        let result = allocate(dec("999999999.99"), &members).unwrap();
        assert_eq!(result.iter().sum::<Decimal>(), dec("999999999.99"));
    }

    fn cents(value: i64) -> Decimal {
        Decimal::new(value, 2)
    }

    proptest! {
        #[test]
        fn shares_sum_to_the_amount_within_a_cent_of_exact(
            amount in -10_000_000_000i64..10_000_000_000,
            weights in prop::collection::vec((0i64..100_000, 0u32..4), 1..12),
        ) {
            let weights: Vec<Decimal> =
                weights.iter().map(|(units, scale)| Decimal::new(*units, *scale)).collect();
            let total: Decimal = weights.iter().sum();
            let members: Vec<(Decimal, usize)> =
                weights.iter().enumerate().map(|(i, w)| (*w, i)).collect();
            let result = allocate(cents(amount), &members);
            if total.is_zero() {
                prop_assert_eq!(result, Err(EvalError::DivisionByZero));
                return Ok(());
            }
            let result = result.unwrap();
            prop_assert_eq!(result.iter().sum::<Decimal>(), cents(amount));
            for (share, weight) in result.iter().zip(&weights) {
                prop_assert_eq!(share.scale(), 2);
                // |share - amount * weight / total| < 0.01, without dividing.
                let gap = (*share * total - cents(amount) * *weight).abs();
                prop_assert!(gap < cents(1) * total, "share {} of weight {}", share, weight);
            }
        }

        #[test]
        fn shares_follow_their_members_not_the_order_given(
            amount in 0i64..1_000_000,
            weights in prop::collection::vec(1i64..50, 1..10),
        ) {
            let members: Vec<(Decimal, usize)> =
                weights.iter().enumerate().map(|(i, w)| (Decimal::from(*w), i)).collect();
            let forward = allocate(cents(amount), &members).unwrap();
            let reversed: Vec<(Decimal, usize)> = members.iter().rev().copied().collect();
            let mut backward = allocate(cents(amount), &reversed).unwrap();
            backward.reverse();
            prop_assert_eq!(forward, backward);
        }
    }
}
