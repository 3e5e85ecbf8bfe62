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

use super::{MemoryId, Network, TestId};
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

/// Splits each fact type's tests into dispatched and scanned ones, gates its memories, and
/// lists which memories a change of each field can concern.
pub(super) fn index(net: &mut Network) {
    for alpha in &mut net.types {
        let mut dispatch: Vec<Dispatch> = Vec::new();
        let mut dispatched: Vec<TestId> = Vec::new();
        alpha.scanned.clear();
        for &test in &alpha.tests {
            let Some((field, default, keys)) = indexable(&net.tests[test].code) else {
                alpha.scanned.push(test);
                continue;
            };
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
        alpha.dispatch = dispatch;
        alpha.open.clear();
        alpha.gated.clear();
        for &memory in &alpha.memories {
            let gate = net.memories[memory]
                .tests
                .iter()
                .copied()
                .find(|test| dispatched.contains(test));
            match gate {
                Some(gate) => alpha.gated.entry(gate).or_default().push(memory),
                None => alpha.open.push(memory),
            }
        }
    }
    for alpha in &mut net.types {
        let mut by_field: Vec<Vec<MemoryId>> = Vec::new();
        for &memory in &alpha.memories {
            let mut fields: Vec<FieldId> = Vec::new();
            for &test in &net.memories[memory].tests {
                fields.extend(&net.tests[test].reads);
            }
            for &node in &net.memories[memory].successors {
                fields.extend(&net.nodes[node].reads);
            }
            for field in fields {
                if by_field.len() <= field.index() {
                    by_field.resize_with(field.index() + 1, Vec::new);
                }
                if !by_field[field.index()].contains(&memory) {
                    by_field[field.index()].push(memory);
                }
            }
        }
        alpha.by_field = by_field;
    }
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
}
