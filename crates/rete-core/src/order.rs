//! The canonical order of values and facts: a total order defined on content, never on ids
//! or input order, so that the agenda, aggregates and results come out the same for any
//! input order (`docs/semantics.md`, "Canonical order").
//!
//! Values: missing < null < bool < numbers (int and decimal compared exactly; equal numbers
//! by scale) < text (by characters) < date < datetime < duration < week < records < lists.

use std::cmp::Ordering;

use reckon_fact_store::{FactId, FactStore, FieldId, Interner, Value};
use reckon_rule_ir::Program;
use reckon_rule_ir::ops::Cell;

/// Compares two cells (`None` is missing).
pub fn cmp_cells(a: Option<&Value>, b: Option<&Value>, interner: &Interner) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => cmp_values(a, b, interner),
    }
}

/// Compares two values.
pub fn cmp_values(a: &Value, b: &Value, interner: &Interner) -> Ordering {
    cmp_values_across(a, interner, b, interner)
}

/// Compares two cells whose text is interned in different interners (facts of two
/// stores, as when partitions' results are merged).
pub fn cmp_cells_across(
    a: Option<&Value>,
    ia: &Interner,
    b: Option<&Value>,
    ib: &Interner,
) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => cmp_values_across(a, ia, b, ib),
    }
}

/// Compares `a` (its text in `ia`) with `b` (its text in `ib`).
pub fn cmp_values_across(a: &Value, ia: &Interner, b: &Value, ib: &Interner) -> Ordering {
    let by_kind = rank(a).cmp(&rank(b));
    if by_kind != Ordering::Equal {
        return by_kind;
    }
    match (a, b) {
        (Value::Decimal(x), Value::Decimal(y)) => x.cmp(y).then(x.scale().cmp(&y.scale())),
        (Value::Int(_) | Value::Decimal(_), Value::Int(_) | Value::Decimal(_)) => {
            let by_number = a.compare(b, ia).unwrap_or(Ordering::Equal);
            // Equal numbers: an int (scale 0) before a decimal of the same value.
            by_number.then(scale(a).cmp(&scale(b)))
        }
        // Text by its characters (UTF-8 bytes order as code points do).
        (Value::Text(x), Value::Text(y)) if x == y && std::ptr::eq(ia, ib) => Ordering::Equal,
        (Value::Text(x), Value::Text(y)) => ia.resolve(*x).cmp(ib.resolve(*y)),
        (Value::Record(x), Value::Record(y)) => {
            let (x, y) = (x.fields(), y.fields());
            for ((xn, xv), (yn, yv)) in x.iter().zip(y) {
                let by_name = ia.resolve(*xn).cmp(ib.resolve(*yn));
                let ordering = by_name.then_with(|| cmp_values_across(xv, ia, yv, ib));
                if ordering != Ordering::Equal {
                    return ordering;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::List(x), Value::List(y)) => {
            for (xv, yv) in x.iter().zip(y.iter()) {
                let ordering = cmp_values_across(xv, ia, yv, ib);
                if ordering != Ordering::Equal {
                    return ordering;
                }
            }
            x.len().cmp(&y.len())
        }
        // The other kinds hold no text: the interner is not read.
        _ => a.compare(b, ia).unwrap_or(Ordering::Equal),
    }
}

fn rank(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Int(_) | Value::Decimal(_) => 2,
        Value::Text(_) => 3,
        Value::Date(_) => 4,
        Value::DateTime(_) => 5,
        Value::Duration(_) => 6,
        Value::Week(_) => 7,
        Value::Record(_) => 8,
        Value::List(_) => 9,
    }
}

fn scale(value: &Value) -> u32 {
    match value {
        Value::Decimal(d) => d.scale() + 1,
        _ => 0,
    }
}

/// True when two cells are the same as written: equal in the canonical order, so `1`,
/// `1.0` and `1.00` differ (unlike `==`). A change between such values must still reach
/// what shows them.
pub fn same_as_written(a: &Cell, b: &Cell, interner: &Interner) -> bool {
    cmp_cells(a.as_ref(), b.as_ref(), interner).is_eq()
}

/// Compares two live facts of one type by their declared fields in declaration order,
/// leaving out derived fields (what rules set must not change which of two activations
/// comes first), then by id. A fact that is not live orders after every live one.
pub fn cmp_facts(program: &Program, store: &impl FactStore, a: FactId, b: FactId) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    if !(store.contains(a) && store.contains(b)) {
        return store.contains(b).cmp(&store.contains(a)).then(a.cmp(&b));
    }
    // Field by field, so that the usual case, a difference in the first fields, reads
    // only those: a whole row is a copy on some stores.
    let interner = store.interner();
    let x_fields = &program.fact(a.fact_type()).fields;
    let y_fields = &program.fact(b.fact_type()).fields;
    let cell = |fact: FactId, index: usize| {
        FieldId::from_index(index).and_then(|field| store.field(fact, field))
    };
    x_fields
        .iter()
        .zip(y_fields)
        .enumerate()
        .filter(|(_, (field, _))| !field.derived)
        .map(|(index, _)| cmp_cells(cell(a, index).as_ref(), cell(b, index).as_ref(), interner))
        .find(|ordering| *ordering != Ordering::Equal)
        .unwrap_or_else(|| x_fields.len().cmp(&y_fields.len()))
        .then_with(|| a.fact_type().cmp(&b.fact_type()))
        .then(a.cmp(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reckon_fact_store::Decimal;
    use std::str::FromStr;

    fn dec(text: &str) -> Value {
        Value::Decimal(Decimal::from_str(text).unwrap())
    }

    #[test]
    fn kinds_order_before_values_and_numbers_compare_exactly() {
        let mut interner = Interner::new();
        let text = Value::Text(interner.intern("a").unwrap());
        let ordered = [
            None,
            Some(Value::Null),
            Some(Value::Bool(false)),
            Some(Value::Bool(true)),
            Some(dec("-1.5")),
            Some(Value::Int(2)),
            Some(dec("2.0")),
            Some(dec("2.00")),
            Some(Value::Int(10)),
            Some(text),
        ];
        for (i, a) in ordered.iter().enumerate() {
            for (j, b) in ordered.iter().enumerate() {
                assert_eq!(
                    cmp_cells(a.as_ref(), b.as_ref(), &interner),
                    i.cmp(&j),
                    "{a:?} against {b:?}"
                );
            }
        }
    }

    #[test]
    fn text_orders_by_characters() {
        let mut interner = Interner::new();
        let zulu = Value::Text(interner.intern("zulu").unwrap());
        let alpha = Value::Text(interner.intern("alpha").unwrap());
        assert_eq!(cmp_values(&alpha, &zulu, &interner), Ordering::Less);
    }
}
