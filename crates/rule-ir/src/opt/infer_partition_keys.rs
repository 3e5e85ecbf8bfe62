//! Partition-key inference. Invariant established: each stratum's `partition` is either
//! `None`, or one field per fact type it keys such that splitting the facts by the value of
//! those fields gives partitions the stratum can run on independently: every join of two
//! facts of keyed types is (also) an equality of their keys, every grouping keeps a key in
//! its group key, and every fact emitted and read again within the stratum carries the key
//! of the match that made it. Types not listed are read only by single-fact rules and may go
//! to any partition. `Some` of an empty list means any split works.
//!
//! Candidates come from the equalities of the stratum's joins (`shift.employee_id ==
//! employee.id` puts both in one class) and from group keys; the first candidate, in a
//! fixed order, that satisfies every rule is chosen.

use std::collections::{BTreeMap, BTreeSet};

use reckon_fact_store::{FactTypeId, FieldId};

use crate::expr::{BinaryOp, Expr, ExprKind};
use crate::ids::{BindingId, RuleId};
use crate::opt::{Changed, Ctx};
use crate::program::Program;
use crate::rule::{Action, BindingKind, Condition, GroupKey, Rule};

/// The pass's name.
pub const NAME: &str = "infer_partition_keys";

type Slot = (FactTypeId, FieldId);

/// Finds each stratum's partition key.
pub fn run(program: &mut Program, _ctx: &Ctx) -> Changed {
    let mut changed = false;
    for index in 0..program.strata.len() {
        let partition = infer(program, &program.strata[index].rules);
        changed |= program.strata[index].partition != partition;
        program.strata[index].partition = partition;
    }
    Changed::from(changed)
}

/// A partition key for the whole program, as if it were one stratum: splitting the input
/// facts by it gives partitions that can run every rule independently, to the same results
/// as one run over all facts. `None` when there is none, when a key field is one rules set
/// (input facts are routed before rules run), or when a state rule updates a key field.
pub fn whole_program(program: &Program) -> Option<Vec<Slot>> {
    let rules: Vec<RuleId> = program.rules.iter().map(|rule| rule.id).collect();
    let keys = infer(program, &rules)?;
    let derived_key = keys
        .iter()
        .any(|(fact_type, field)| program.fact(*fact_type).fields[field.index()].derived);
    let updates_key = program.rules.iter().any(|rule| {
        rule.actions.iter().any(|action| match action {
            Action::Update {
                binding, fields, ..
            } => fact_type(rule, *binding)
                .is_some_and(|t| fields.iter().any(|(field, _)| keys.contains(&(t, *field)))),
            _ => false,
        })
    });
    (!derived_key && !updates_key).then_some(keys)
}

fn infer(program: &Program, rules: &[RuleId]) -> Option<Vec<Slot>> {
    let rules: Vec<&Rule> = rules.iter().map(|id| program.rule(*id)).collect();
    if rules
        .iter()
        .all(|rule| patterns(rule).len() <= 1 && rule.group.is_none())
    {
        return Some(Vec::new());
    }
    // Join equalities, as classes of slots (union-find by smallest member).
    let mut classes: Vec<Vec<Slot>> = Vec::new();
    for rule in &rules {
        for (a, b) in key_equalities(rule) {
            let (ia, ib) = (
                classes.iter().position(|c| c.contains(&a)),
                classes.iter().position(|c| c.contains(&b)),
            );
            match (ia, ib) {
                (Some(x), Some(y)) if x == y => {}
                (Some(x), Some(y)) => {
                    let moved = classes.remove(x.max(y));
                    classes[x.min(y)].extend(moved);
                }
                (Some(x), None) => classes[x].push(b),
                (None, Some(y)) => classes[y].push(a),
                (None, None) => classes.push(vec![a, b]),
            }
        }
    }
    for class in &mut classes {
        class.sort();
    }
    classes.sort();
    let read_types: BTreeSet<FactTypeId> = rules
        .iter()
        .flat_map(|rule| patterns(rule))
        .map(|(_, t)| t)
        .collect();
    // With no joins, group keys alone may still partition a stratum.
    classes.push(Vec::new());
    for class in classes {
        let mut keys: BTreeMap<FactTypeId, FieldId> = BTreeMap::new();
        let mut ambiguous = false;
        for (fact_type, field) in &class {
            if keys
                .insert(*fact_type, *field)
                .is_some_and(|other| other != *field)
            {
                ambiguous = true;
            }
        }
        if ambiguous {
            continue;
        }
        complete_from_group_keys(&rules, &mut keys);
        if rules
            .iter()
            .all(|rule| partitions(&read_types, rule, &keys))
        {
            return Some(keys.into_iter().collect());
        }
    }
    None
}

/// Gives types that joins did not key the field of a group key, where one exists.
fn complete_from_group_keys(rules: &[&Rule], keys: &mut BTreeMap<FactTypeId, FieldId>) {
    for rule in rules {
        let Some(group) = &rule.group else { continue };
        for key in &group.keys {
            if let GroupKey::Value {
                expr:
                    Expr {
                        kind: ExprKind::Field { binding, field },
                        ..
                    },
                ..
            } = key
            {
                if let Some(fact_type) = fact_type(rule, *binding) {
                    keys.entry(fact_type).or_insert(*field);
                }
            }
        }
    }
}

/// True when `rule` can run within partitions keyed by `keys`.
fn partitions(
    read_types: &BTreeSet<FactTypeId>,
    rule: &Rule,
    keys: &BTreeMap<FactTypeId, FieldId>,
) -> bool {
    let bindings = patterns(rule);
    let single_ungrouped = bindings.len() <= 1 && rule.group.is_none();
    if !single_ungrouped {
        // Every pattern keyed, and all connected through key equalities.
        if bindings
            .iter()
            .any(|(_, fact_type)| !keys.contains_key(fact_type))
        {
            return false;
        }
        let links: Vec<(BindingId, BindingId)> = key_links(rule, keys);
        let mut reached = vec![bindings[0].0];
        let mut grew = true;
        while grew {
            grew = false;
            for (a, b) in &links {
                for (from, to) in [(a, b), (b, a)] {
                    if reached.contains(from) && !reached.contains(to) {
                        reached.push(*to);
                        grew = true;
                    }
                }
            }
        }
        if bindings
            .iter()
            .any(|(binding, _)| !reached.contains(binding))
        {
            return false;
        }
    }
    if let Some(group) = &rule.group {
        let keeps_key = group.keys.iter().any(|key| match key {
            GroupKey::Fact(binding) => {
                fact_type(rule, *binding).is_some_and(|t| keys.contains_key(&t))
            }
            GroupKey::Value { expr, .. } => is_key(rule, expr, keys),
        });
        if !keeps_key {
            return false;
        }
    }
    // A fact emitted and read again in this stratum must land in its maker's partition.
    for action in &rule.actions {
        let Action::Emit(emit) = action else { continue };
        if !read_types.contains(&emit.fact_type) {
            continue;
        }
        let Some(key_field) = keys.get(&emit.fact_type) else {
            return false;
        };
        let carries_key = emit.fields.iter().any(|(field, value)| {
            field == key_field && (is_key(rule, value, keys) || is_key_var(rule, value, keys))
        });
        if !carries_key {
            return false;
        }
    }
    true
}

/// The fact bindings of a rule's patterns (matches, `no`, `exists`, accumulations).
fn patterns(rule: &Rule) -> Vec<(BindingId, FactTypeId)> {
    rule.conditions
        .iter()
        .filter_map(Condition::pattern)
        .map(|p| (p.binding, p.fact_type))
        .collect()
}

fn fact_type(rule: &Rule, binding: BindingId) -> Option<FactTypeId> {
    match rule.bindings.get(binding.index())?.kind {
        BindingKind::Fact(fact_type) => Some(fact_type),
        BindingKind::Value(_) => None,
    }
}

/// True when `expr` is the key field of a fact binding.
fn is_key(rule: &Rule, expr: &Expr, keys: &BTreeMap<FactTypeId, FieldId>) -> bool {
    match expr.kind {
        ExprKind::Field { binding, field } => {
            fact_type(rule, binding).is_some_and(|t| keys.get(&t) == Some(&field))
        }
        _ => false,
    }
}

/// True when `expr` is a group-key variable whose value is a key field.
fn is_key_var(rule: &Rule, expr: &Expr, keys: &BTreeMap<FactTypeId, FieldId>) -> bool {
    let ExprKind::Var(var) = expr.kind else {
        return false;
    };
    let Some(group) = &rule.group else {
        return false;
    };
    group.keys.iter().any(|key| matches!(key, GroupKey::Value { var: v, expr } if *v == var && is_key(rule, expr, keys)))
}

/// The equalities `a.f == b.g` between two fact bindings anywhere in a rule's tests.
fn equalities(rule: &Rule) -> Vec<((BindingId, FieldId), (BindingId, FieldId))> {
    let mut found = Vec::new();
    for condition in &rule.conditions {
        for expr in condition.exprs() {
            for conjunct in expr.conjuncts() {
                if let ExprKind::Binary {
                    op: BinaryOp::Eq,
                    left,
                    right,
                } = &conjunct.kind
                {
                    if let (
                        ExprKind::Field {
                            binding: a,
                            field: f,
                        },
                        ExprKind::Field {
                            binding: b,
                            field: g,
                        },
                    ) = (&left.kind, &right.kind)
                    {
                        if a != b {
                            found.push(((*a, *f), (*b, *g)));
                        }
                    }
                }
            }
        }
    }
    found
}

fn key_equalities(rule: &Rule) -> Vec<(Slot, Slot)> {
    equalities(rule)
        .into_iter()
        .filter_map(|((a, f), (b, g))| Some(((fact_type(rule, a)?, f), (fact_type(rule, b)?, g))))
        .collect()
}

fn key_links(rule: &Rule, keys: &BTreeMap<FactTypeId, FieldId>) -> Vec<(BindingId, BindingId)> {
    equalities(rule)
        .into_iter()
        .filter(|((a, f), (b, g))| {
            let key = |binding: &BindingId| fact_type(rule, *binding).and_then(|t| keys.get(&t));
            key(a) == Some(f) && key(b) == Some(g)
        })
        .map(|((a, _), (b, _))| (a, b))
        .collect()
}
