//! Typing rules shared by the builder and the passes: which types unify, which compare,
//! and what each operator yields. Ints widen to decimals; `money` behaves as a decimal in
//! arithmetic; `any` (null, or a value known only at run time) fits everywhere.

use reckon_fact_store::ValueType;

use crate::expr::{BinaryOp, UnaryOp};

/// The type with its article, for messages: "an int", "a decimal", "a record".
pub fn a(ty: &ValueType) -> String {
    match ty {
        ValueType::Record(_) => "a record".into(),
        ValueType::Int | ValueType::Any => format!("an {ty}"),
        _ => format!("a {ty}"),
    }
}

/// True for int, decimal and money.
pub fn is_numeric(ty: &ValueType) -> bool {
    matches!(ty, ValueType::Int | ValueType::Decimal | ValueType::Money)
}

/// The one type both fit, if any: equal types, ints with decimals (decimal), money with
/// decimals (decimal), `any` with anything (the other).
pub fn unify(a: &ValueType, b: &ValueType) -> Option<ValueType> {
    match (a, b) {
        (ValueType::Any, other) | (other, ValueType::Any) => Some(other.clone()),
        (a, b) if a == b => Some(a.clone()),
        (a, b) if is_numeric(a) && is_numeric(b) => Some(ValueType::Decimal),
        (ValueType::List(a), ValueType::List(b)) => unify(a, b).map(ValueType::list),
        _ => None,
    }
}

/// True when values of the two types can be tested for equality.
pub fn comparable(a: &ValueType, b: &ValueType) -> bool {
    unify(a, b).is_some()
}

/// True when values of the two types can be ordered with `<`.
pub fn orderable(a: &ValueType, b: &ValueType) -> bool {
    match unify(a, b) {
        Some(ValueType::Record(_)) | None => false,
        Some(_) => true,
    }
}

/// The type a value of type `value` may be stored in a field of type `field` as, if it may.
pub fn assignable(value: &ValueType, field: &ValueType) -> bool {
    match (value, field) {
        (_, ValueType::Any) | (ValueType::Any, _) => true,
        (value, field) if value == field => true,
        (value, ValueType::Decimal | ValueType::Money) => is_numeric(value),
        (ValueType::List(value), ValueType::List(field)) => assignable(value, field),
        (ValueType::Record(value), ValueType::Record(field)) => field
            .fields()
            .iter()
            .all(|(name, ty)| value.field(name).is_none_or(|given| assignable(given, ty))),
        _ => false,
    }
}

/// The result type of a unary operator, if it applies to `operand`.
pub fn unary(op: UnaryOp, operand: &ValueType) -> Option<ValueType> {
    match op {
        UnaryOp::Neg => match operand {
            ValueType::Money => Some(ValueType::Decimal),
            ValueType::Int | ValueType::Decimal | ValueType::Duration | ValueType::Any => {
                Some(operand.clone())
            }
            _ => None,
        },
        UnaryOp::Not => {
            matches!(operand, ValueType::Bool | ValueType::Any).then_some(ValueType::Bool)
        }
        UnaryOp::IsMissing | UnaryOp::IsNull => Some(ValueType::Bool),
    }
}

/// The result type of a binary operator, if it applies to the two operand types.
pub fn binary(op: BinaryOp, left: &ValueType, right: &ValueType) -> Option<ValueType> {
    use ValueType as T;
    let any = matches!(left, T::Any) || matches!(right, T::Any);
    match op {
        BinaryOp::And | BinaryOp::Or => (matches!(left, T::Bool | T::Any)
            && matches!(right, T::Bool | T::Any))
        .then_some(T::Bool),
        BinaryOp::Eq | BinaryOp::Ne => comparable(left, right).then_some(T::Bool),
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            orderable(left, right).then_some(T::Bool)
        }
        _ if any => Some(arithmetic_with_any(op, left, right)),
        BinaryOp::Add => match (left, right) {
            (T::Int, T::Int) => Some(T::Int),
            (a, b) if is_numeric(a) && is_numeric(b) => Some(T::Decimal),
            (T::DateTime, T::Duration) | (T::Duration, T::DateTime) => Some(T::DateTime),
            (T::Date, T::Duration) | (T::Duration, T::Date) => Some(T::Date),
            (T::Duration, T::Duration) => Some(T::Duration),
            _ => None,
        },
        BinaryOp::Sub => match (left, right) {
            (T::Int, T::Int) => Some(T::Int),
            (a, b) if is_numeric(a) && is_numeric(b) => Some(T::Decimal),
            (T::DateTime, T::DateTime) | (T::Date, T::Date) | (T::Duration, T::Duration) => {
                Some(T::Duration)
            }
            (T::DateTime, T::Duration) => Some(T::DateTime),
            (T::Date, T::Duration) => Some(T::Date),
            _ => None,
        },
        BinaryOp::Mul => match (left, right) {
            (T::Int, T::Int) => Some(T::Int),
            (a, b) if is_numeric(a) && is_numeric(b) => Some(T::Decimal),
            (T::Duration, n) | (n, T::Duration) if is_numeric(n) => Some(T::Duration),
            _ => None,
        },
        BinaryOp::Div => match (left, right) {
            (a, b) if is_numeric(a) && is_numeric(b) => Some(T::Decimal),
            (T::Duration, T::Duration) => Some(T::Decimal),
            (T::Duration, n) if is_numeric(n) => Some(T::Duration),
            _ => None,
        },
        BinaryOp::Rem => match (left, right) {
            (T::Int, T::Int) => Some(T::Int),
            (a, b) if is_numeric(a) && is_numeric(b) => Some(T::Decimal),
            _ => None,
        },
    }
}

/// With one operand of unknown type, the result is known only where the other operand
/// decides it.
fn arithmetic_with_any(op: BinaryOp, left: &ValueType, right: &ValueType) -> ValueType {
    let known = if matches!(left, ValueType::Any) {
        right
    } else {
        left
    };
    match (op, known) {
        (BinaryOp::Div, k) if is_numeric(k) => ValueType::Decimal,
        (_, ValueType::Decimal | ValueType::Money) => ValueType::Decimal,
        _ => ValueType::Any,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ValueType as T;

    #[test]
    fn arithmetic_follows_the_numeric_tower_and_time() {
        assert_eq!(binary(BinaryOp::Add, &T::Int, &T::Int), Some(T::Int));
        assert_eq!(binary(BinaryOp::Div, &T::Int, &T::Int), Some(T::Decimal));
        assert_eq!(
            binary(BinaryOp::Mul, &T::Money, &T::Decimal),
            Some(T::Decimal)
        );
        assert_eq!(
            binary(BinaryOp::Sub, &T::DateTime, &T::DateTime),
            Some(T::Duration)
        );
        assert_eq!(binary(BinaryOp::Add, &T::Date, &T::Duration), Some(T::Date));
        assert_eq!(binary(BinaryOp::Add, &T::Text, &T::Int), None);
        assert_eq!(binary(BinaryOp::Gt, &T::Text, &T::Int), None);
        assert_eq!(binary(BinaryOp::Gt, &T::Int, &T::Decimal), Some(T::Bool));
        assert_eq!(binary(BinaryOp::Lt, &T::DateTime, &T::Date), None);
    }

    #[test]
    fn values_assign_to_fields_that_hold_them() {
        assert!(assignable(&T::Int, &T::Money));
        assert!(assignable(&T::Decimal, &T::Money));
        assert!(!assignable(&T::Decimal, &T::Int));
        assert!(!assignable(&T::Text, &T::Date));
        assert!(assignable(&T::Any, &T::Date));
    }
}
