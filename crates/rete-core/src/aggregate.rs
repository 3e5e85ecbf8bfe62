//! Folding values into an aggregate — `count`, `sum`, `min`, `max`, `avg`, `collect` — as
//! `docs/semantics.md` defines it: missing values are skipped, values are folded in
//! canonical order (so a sum that must round at 28 digits rounds the same way for any input
//! order), and when nothing is folded the result is the default, or `0` for `count`, `[]`
//! for `collect`, and missing otherwise.

use reckon_fact_store::{Interner, Value};
use reckon_rule_ir::ops::{self, Cell, EvalError};
use reckon_rule_ir::{AggOp, BinaryOp};

use crate::order::cmp_values;

/// Folds `values` (one per fact, element or match; `None` when it has no value) with `op`.
/// For `count()`, which counts facts rather than values, use [`count_all`].
pub fn fold(
    op: AggOp,
    values: impl IntoIterator<Item = Cell>,
    default: Option<Cell>,
    interner: &Interner,
) -> Result<Cell, EvalError> {
    let mut present: Vec<Value> = values.into_iter().flatten().collect();
    if present.is_empty() {
        return Ok(match (default, op) {
            (Some(default), _) => default,
            (None, AggOp::Count) => Some(Value::Int(0)),
            (None, AggOp::Collect) => Some(Value::List(Vec::new().into())),
            (None, _) => None,
        });
    }
    present.sort_by(|a, b| cmp_values(a, b, interner));
    Ok(match op {
        AggOp::Count => Some(count(present.len())?),
        AggOp::Sum => sum(&present, interner)?,
        AggOp::Min => present.first().cloned(),
        AggOp::Max => present.last().cloned(),
        AggOp::Avg => {
            let total = sum(&present, interner)?;
            ops::binary(
                BinaryOp::Div,
                &total,
                &Some(count(present.len())?),
                interner,
            )?
        }
        AggOp::Collect => Some(Value::List(present.into())),
    })
}

/// `count()` of `matches` facts or matches (with no value to skip); the count, even 0,
/// unless nothing was counted and there is a default.
pub fn count_all(matches: usize, default: Option<Cell>) -> Result<Cell, EvalError> {
    match (matches, default) {
        (0, Some(default)) => Ok(default),
        _ => count(matches).map(Some),
    }
}

fn count(n: usize) -> Result<Value, EvalError> {
    i64::try_from(n)
        .map(Value::Int)
        .map_err(|_| EvalError::Overflow("int"))
}

fn sum(values: &[Value], interner: &Interner) -> Result<Cell, EvalError> {
    let mut total: Cell = None;
    for value in values {
        total = match total {
            None => Some(value.clone()),
            Some(_) => ops::binary(BinaryOp::Add, &total, &Some(value.clone()), interner)?,
        };
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reckon_fact_store::Decimal;
    use std::str::FromStr;

    fn dec(text: &str) -> Cell {
        Some(Value::Decimal(Decimal::from_str(text).unwrap()))
    }

    #[test]
    fn missing_values_are_skipped_and_nothing_gives_the_default() {
        let interner = Interner::new();
        let values = vec![dec("1.5"), None, dec("2.25")];
        assert_eq!(
            fold(AggOp::Sum, values.clone(), None, &interner),
            Ok(dec("3.75"))
        );
        assert_eq!(
            fold(AggOp::Count, values.clone(), None, &interner),
            Ok(Some(Value::Int(2)))
        );
        assert_eq!(
            fold(AggOp::Min, values.clone(), None, &interner),
            Ok(dec("1.5"))
        );
        assert_eq!(fold(AggOp::Avg, values, None, &interner), Ok(dec("1.875")));
        assert_eq!(fold(AggOp::Sum, vec![None], None, &interner), Ok(None));
        assert_eq!(
            fold(AggOp::Count, Vec::new(), None, &interner),
            Ok(Some(Value::Int(0)))
        );
        assert_eq!(
            fold(AggOp::Sum, Vec::new(), Some(dec("0")), &interner),
            Ok(dec("0"))
        );
    }

    #[test]
    fn collect_is_sorted_whatever_the_input_order() {
        let interner = Interner::new();
        let forward = fold(
            AggOp::Collect,
            vec![dec("3"), dec("1"), dec("2")],
            None,
            &interner,
        );
        let backward = fold(
            AggOp::Collect,
            vec![dec("2"), dec("1"), dec("3")],
            None,
            &interner,
        );
        assert_eq!(forward, backward);
        let Ok(Some(Value::List(items))) = forward else {
            panic!("a list")
        };
        assert_eq!(items.first(), dec("1").as_ref());
    }

    #[test]
    fn int_sums_overflow_as_errors() {
        let interner = Interner::new();
        let values = vec![Some(Value::Int(i64::MAX)), Some(Value::Int(1))];
        assert!(fold(AggOp::Sum, values, None, &interner).is_err());
    }
}
