//! The alpha layer's discrimination index: single-fact tests of the form
//! `field == constant` (or `field in [constants]`) are not evaluated one by one; each fact
//! reads the field once and one hash lookup names every such test it passes, so thousands
//! of rules testing `pay_code` or `location` cost one lookup per fact. A memory gated by
//! such a test is looked at only when its gate passes.
//!
//! An indexed test holds exactly when the value's [`HashKey`] is one of the constants'
//! keys: `==` on scalars is equality by meaning (`40 == 40.00`), never an error, false
//! with missing and false between a value and `null`, and so are hash keys. Constants that
//! are `null`, lists or records are left to evaluation.

use crate::maps::HashMap;

use reckon_fact_store::{FieldId, Value};
use reckon_rule_ir::BinaryOp;

use super::{Decided, FieldChange, MemoryId, Network, TestId, TypeAlpha};
use crate::compile::Code;
use crate::hash_key::HashKey;

/// The tests of one fact type that read one field and compare it with constants.
#[derive(Debug)]
pub(crate) struct Dispatch {
    pub(crate) field: FieldId,
    /// What the field reads as when the fact lacks it.
    pub(crate) default: Option<Value>,
    /// For each constant, the tests it passes.
    pub(crate) by_value: HashMap<HashKey, Vec<TestId>>,
}

/// A test in the form `field == constant` or `field in [constants]`: the field, its
/// default, and the constants' keys.
fn indexable(code: &Code) -> Option<(FieldId, Option<Value>, Vec<HashKey>)> {
    let field_of = |code: &Code| match code {
        Code::Field {
            slot: 0,
            field,
            default,
        } => Some((*field, default.clone())),
        _ => None,
    };
    let (field, constants) = match code {
        Code::Binary(BinaryOp::Eq, left, right) => match (field_of(left), field_of(right)) {
            (Some(field), None) => (field, vec![&**right]),
            (None, Some(field)) => (field, vec![&**left]),
            _ => return None,
        },
        Code::In(value, items) => (field_of(value)?, items.iter().collect()),
        _ => return None,
    };
    let mut keys = Vec::with_capacity(constants.len());
    for constant in constants {
        let Code::Const(Some(value)) = constant else {
            return None;
        };
        if !scalar(value) {
            return None;
        }
        let key = HashKey::of(Some(value))?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Some((field.0, field.1, keys))
}

fn scalar(value: &Value) -> bool {
    !matches!(value, Value::Null | Value::List(_) | Value::Record(_))
}

/// Splits each fact type's tests into indexed ones, ones evaluated on every fact and ones
/// evaluated on demand, gates its memories, and works out what a change of each field
/// concerns.
pub(super) fn index(net: &mut Network) {
    for alpha in &mut net.types {
        let mut dispatch: Vec<Dispatch> = Vec::new();
        let mut dispatched: Vec<TestId> = Vec::new();
        alpha.scanned.clear();
        for &test in &alpha.tests {
            let Some((field, default, keys)) = indexable(&net.tests[test].code) else {
                net.tests[test].decided = if net.tests[test].code.cannot_fail() {
                    Decided::OnDemand
                } else {
                    alpha.scanned.push(test);
                    Decided::EveryFact
                };
                continue;
            };
            net.tests[test].decided = Decided::Indexed;
            let at = match dispatch
                .iter()
                .position(|d| d.field == field && d.default == default)
            {
                Some(at) => at,
                None => {
                    dispatch.push(Dispatch {
                        field,
                        default,
                        by_value: HashMap::default(),
                    });
                    dispatch.len() - 1
                }
            };
            for key in keys {
                dispatch[at].by_value.entry(key).or_default().push(test);
            }
            dispatched.push(test);
        }
        // A memory's gate is its indexed test whose field has the most distinct constants
        // (the likeliest to fail), so that each fact looks at few memories.
        let values = |test: TestId| {
            dispatch
                .iter()
                .filter(|d| d.by_value.values().any(|tests| tests.contains(&test)))
                .map(|d| d.by_value.len())
                .max()
                .unwrap_or(0)
        };
        alpha.open.clear();
        alpha.gated.clear();
        for &memory in &alpha.memories {
            let tests = &mut net.memories[memory].tests;
            // What is decided already first, what must be evaluated last.
            tests.sort_by_key(|&test| {
                (
                    net.tests[test].decided != Decided::Indexed,
                    net.tests[test].decided == Decided::OnDemand,
                    test,
                )
            });
            let gate = tests
                .iter()
                .copied()
                .filter(|test| dispatched.contains(test))
                .max_by_key(|&test| (values(test), std::cmp::Reverse(test)));
            match gate {
                Some(gate) => alpha.gated.entry(gate).or_default().push(memory),
                None => alpha.open.push(memory),
            }
        }
        alpha.dispatch = dispatch;
    }
    for index in 0..net.types.len() {
        let changes = field_changes(net, &net.types[index]);
        net.types[index].by_field = changes;
    }
}

/// For each field of a type, what a change of it concerns.
fn field_changes(net: &Network, alpha: &TypeAlpha) -> Vec<FieldChange> {
    fn change(by_field: &mut Vec<FieldChange>, field: FieldId) -> &mut FieldChange {
        if by_field.len() <= field.index() {
            by_field.resize_with(field.index() + 1, FieldChange::default);
        }
        &mut by_field[field.index()]
    }
    let mut by_field: Vec<FieldChange> = Vec::new();
    let gate_of: HashMap<MemoryId, TestId> = alpha
        .gated
        .iter()
        .flat_map(|(&gate, memories)| memories.iter().map(move |&memory| (memory, gate)))
        .collect();
    for &test in &alpha.tests {
        for &field in &net.tests[test].reads {
            change(&mut by_field, field).retest = true;
        }
    }
    for &memory in &alpha.memories {
        let tests = &net.memories[memory].tests;
        let mut fields: Vec<FieldId> = Vec::new();
        for &test in tests {
            fields.extend(&net.tests[test].reads);
        }
        for &node in &net.memories[memory].successors {
            fields.extend(&net.nodes[node].reads);
        }
        fields.sort_unstable();
        fields.dedup();
        for field in fields {
            let others = tests
                .iter()
                .copied()
                .filter(|&test| !net.tests[test].reads.contains(&field))
                .collect();
            let change = change(&mut by_field, field);
            let place = change.memories.len();
            change.memories.push((memory, others));
            match gate_of.get(&memory) {
                Some(&gate) if !net.tests[gate].reads.contains(&field) => {
                    change.by_gate.entry(gate).or_default().push(place);
                }
                _ => change.ungated.push(place),
            }
        }
    }
    by_field
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(index: usize) -> Code {
        Code::Field {
            slot: 0,
            field: FieldId::from_index(index).unwrap(),
            default: None,
        }
    }

    fn int(i: i64) -> Code {
        Code::Const(Some(Value::Int(i)))
    }

    #[test]
    fn equalities_and_memberships_with_constants_are_indexed() {
        let eq = Code::Binary(BinaryOp::Eq, Box::new(int(3)), Box::new(field(1)));
        let (at, _, keys) = indexable(&eq).expect("indexed");
        assert_eq!(at.index(), 1);
        assert_eq!(keys, vec![HashKey::of(Some(&Value::Int(3))).unwrap()]);
        let within = Code::In(Box::new(field(0)), vec![int(1), int(2), int(1)]);
        assert_eq!(indexable(&within).expect("indexed").2.len(), 2);
    }

    #[test]
    fn other_tests_are_scanned() {
        let ne = Code::Binary(BinaryOp::Ne, Box::new(field(0)), Box::new(int(3)));
        let two_fields = Code::Binary(BinaryOp::Eq, Box::new(field(0)), Box::new(field(1)));
        let null = Code::Binary(
            BinaryOp::Eq,
            Box::new(field(0)),
            Box::new(Code::Const(Some(Value::Null))),
        );
        let in_a_list_value = Code::In(Box::new(field(0)), vec![field(1)]);
        for code in [ne, two_fields, null, in_a_list_value] {
            assert!(indexable(&code).is_none(), "{code:?}");
        }
    }

    #[test]
    fn comparisons_of_fields_and_constants_cannot_fail() {
        let gt = Code::Binary(BinaryOp::Gt, Box::new(field(0)), Box::new(int(3)));
        let both = Code::And(
            Box::new(gt.clone()),
            Box::new(Code::In(Box::new(field(1)), vec![int(1)])),
        );
        assert!(gt.cannot_fail());
        assert!(both.cannot_fail());
        let quotient = Code::Binary(BinaryOp::Div, Box::new(int(1)), Box::new(field(0)));
        let compared = Code::Binary(BinaryOp::Gt, Box::new(quotient), Box::new(int(3)));
        let negated = Code::Unary(reckon_rule_ir::UnaryOp::Not, Box::new(gt));
        for code in [compared, negated] {
            assert!(!code.cannot_fail(), "{code:?}");
        }
    }
}
