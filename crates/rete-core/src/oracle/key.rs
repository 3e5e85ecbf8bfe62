//! Activation keys: what identifies a match (its facts with their versions, and its
//! element indices, in binding order) or a group (its key parts), when two keys are the
//! same activation, and how keys order on the agenda (facts canonically, indices by
//! number, values canonically, part by part).

use std::cmp::Ordering;

use reckon_fact_store::{Decimal, FactId, FactStore, Interner, Value};
use reckon_rule_ir::ops::Cell;
use reckon_rule_ir::{Program, Rule, RuleId};

use super::{Activation, Bound, Env, Oracle};
use crate::order::{cmp_cells, cmp_facts, cmp_values};
use crate::outcome::render_fact;

/// One part of an activation key.
#[derive(Debug, Clone)]
pub(super) enum KeyPart {
    /// A fact, at a version.
    Fact { id: FactId, version: u32 },
    /// The index of an element of an expanded list.
    Index(usize),
    /// A value of a group key (or of a per-member emit's element member).
    Value(Cell),
}

/// True when two cells are the same value as `==` sees it: numbers by value (so `1.0` and
/// `1.00`, or `2` and `2.0`, are one group key), lists and records element by element,
/// anything else equal in the canonical order; missing is the same only as missing.
pub(super) fn same_cell(a: &Cell, b: &Cell, interner: &Interner) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => same_value(x, y, interner),
        (None, None) => true,
        _ => false,
    }
}

fn same_value(x: &Value, y: &Value, interner: &Interner) -> bool {
    let number = |value: &Value| match value {
        Value::Int(i) => Some(Decimal::from(*i)),
        Value::Decimal(d) => Some(*d),
        _ => None,
    };
    match (x, y) {
        (Value::List(a), Value::List(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b.iter())
                    .all(|(x, y)| same_value(x, y, interner))
        }
        (Value::Record(a), Value::Record(b)) => {
            let (a, b) = (a.fields(), b.fields());
            a.len() == b.len()
                && a.iter().all(|(name, x)| {
                    b.iter()
                        .any(|(other, y)| other == name && same_value(x, y, interner))
                })
        }
        _ => match (number(x), number(y)) {
            (Some(a), Some(b)) => a == b,
            _ => cmp_values(x, y, interner) == Ordering::Equal,
        },
    }
}

pub(super) fn same_parts(a: &[KeyPart], b: &[KeyPart], interner: &Interner) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|pair| match pair {
            (
                KeyPart::Fact { id, version },
                KeyPart::Fact {
                    id: other,
                    version: other_version,
                },
            ) => id == other && version == other_version,
            (KeyPart::Index(a), KeyPart::Index(b)) => a == b,
            (KeyPart::Value(a), KeyPart::Value(b)) => same_cell(a, b, interner),
            _ => false,
        })
}

/// Orders two keys of one rule part by part: facts in the canonical order of their
/// contents, indices by number, values canonically.
pub(super) fn cmp_parts(
    program: &Program,
    store: &impl FactStore,
    a: &[KeyPart],
    b: &[KeyPart],
) -> Ordering {
    for pair in a.iter().zip(b) {
        let ordering = match pair {
            (KeyPart::Fact { id: x, .. }, KeyPart::Fact { id: y, .. }) => {
                cmp_facts(program, store, *x, *y)
            }
            (KeyPart::Index(x), KeyPart::Index(y)) => x.cmp(y),
            (KeyPart::Value(x), KeyPart::Value(y)) => {
                cmp_cells(x.as_ref(), y.as_ref(), store.interner())
            }
            // Keys of one rule have the same shape; this only keeps the order total.
            (x, y) => rank(x).cmp(&rank(y)),
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    a.len().cmp(&b.len())
}

fn rank(part: &KeyPart) -> u8 {
    match part {
        KeyPart::Fact { .. } => 0,
        KeyPart::Index(_) => 1,
        KeyPart::Value(_) => 2,
    }
}

/// The key with every version set to 0: what the loop guard counts by.
pub(super) fn unversioned(key: &[KeyPart]) -> Vec<KeyPart> {
    key.iter()
        .map(|part| match part {
            KeyPart::Fact { id, .. } => KeyPart::Fact {
                id: *id,
                version: 0,
            },
            other => other.clone(),
        })
        .collect()
}

impl<'p, S: FactStore> Oracle<'p, S> {
    /// A fact's current version.
    pub(super) fn version(&self, id: FactId) -> u32 {
        self.versions.get(&id).copied().unwrap_or(0)
    }

    /// A fact as a key part, at its current version.
    pub(super) fn fact_part(&self, id: FactId) -> KeyPart {
        KeyPart::Fact {
            id,
            version: self.version(id),
        }
    }

    /// What `env` has bound, in binding order: facts (with versions) and element indices.
    /// For a complete match this is its key, since the bindings of `no`, `exists` and
    /// accumulations are bound only while their pattern is evaluated.
    pub(super) fn env_parts(&self, env: &Env) -> Vec<KeyPart> {
        env.bindings
            .iter()
            .flatten()
            .map(|bound| match bound {
                Bound::Fact(id) => self.fact_part(*id),
                Bound::Element { index, .. } => KeyPart::Index(*index),
            })
            .collect()
    }

    /// The facts of a key as `render_fact` shows them now.
    /// The facts of a key, in key order.
    pub(super) fn key_fact_ids(&self, key: &[KeyPart]) -> Vec<FactId> {
        key.iter()
            .filter_map(|part| match part {
                KeyPart::Fact { id, .. } => Some(*id),
                _ => None,
            })
            .collect()
    }

    pub(super) fn render_parts(&self, key: &[KeyPart]) -> Vec<String> {
        key.iter()
            .filter_map(|part| match part {
                KeyPart::Fact { id, .. } => Some(render_fact(self.program, &*self.store, *id)),
                _ => None,
            })
            .collect()
    }

    /// The agenda order: stratum, priority (higher first), rule id, then the key.
    pub(super) fn agenda_cmp(&self, a: &Activation, b: &Activation) -> Ordering {
        let (x, y) = (self.rule(a.rule), self.rule(b.rule));
        x.stratum
            .cmp(&y.stratum)
            .then(y.priority.cmp(&x.priority))
            .then(a.rule.cmp(&b.rule))
            .then_with(|| cmp_parts(self.program, &*self.store, &a.key, &b.key))
    }

    /// True when the activation `(rule, key)` is `activation`.
    pub(super) fn is(&self, activation: &Activation, rule: RuleId, key: &[KeyPart]) -> bool {
        activation.rule == rule && same_parts(&activation.key, key, self.store.interner())
    }

    /// The rule with this id.
    pub(super) fn rule(&self, id: RuleId) -> &'p Rule {
        self.program.rule(id)
    }
}
