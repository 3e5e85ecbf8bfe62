//! Enumerating activations from scratch: every rule's conditions are evaluated in order by
//! nested loops over the store's live facts, and a grouped rule's matches are partitioned
//! by group key, aggregated, and filtered by its `having` conditions.
//!
//! A pattern's single-fact tests belong to the fact, not to a match: every test of every
//! pattern is evaluated on every live fact of its type, whatever else matches, and one that
//! fails to evaluate records a run-time error naming that fact alone; the fact then does
//! not pass the pattern. A pattern's joins go as the network indexes them (`passing`): an
//! equality with one side reading only the pattern's fact is an index key, whose fact side
//! also belongs to the fact (evaluated on each fact that passes the tests; a failure names
//! the fact, which then joins nothing) and whose other side belongs to the match (a failure
//! names the match's facts and drops it); the other joins are tried, in written order, on
//! each fact whose keys are equal, and one that fails is an error naming the match and the
//! fact, which does not pass. Any other condition that fails to evaluate drops the match
//! and records an error naming everything bound at that point, in binding order. The facts
//! of a `no`, `exists`, accumulation or `next` pattern are all tried even when the answer
//! is already known, so the errors met do not depend on the order facts are tried in.

use std::cmp::Ordering;

use reckon_fact_store::{FactId, FactStore, FieldId, Value};
use reckon_rule_ir::ops::{self, Cell};
use reckon_rule_ir::{BinaryOp, Condition, Expr, ExprKind, Group, GroupKey, Pattern, Rule, RuleId};

use super::eval::{Failure, counted};
use super::key::{KeyPart, same_parts};
use super::{Activation, Bound, Env, Oracle};
use crate::order::{cmp_cells, cmp_facts};
use crate::outcome::{Raised, RunError};

impl<'p, S: FactStore> Oracle<'p, S> {
    /// Every activation of every rule in the current state.
    pub(super) fn activations(&mut self) -> Vec<Activation> {
        let program = self.program;
        self.test_every_fact();
        let mut all = Vec::new();
        for rule in &program.rules {
            let mut matches = Vec::new();
            self.extend(rule, &rule.conditions, Env::new(rule), &mut matches);
            match &rule.group {
                None => all.extend(matches.into_iter().map(|env| Activation {
                    rule: rule.id,
                    key: self.env_parts(&env),
                    env,
                    matches: Vec::new(),
                })),
                Some(group) => all.extend(self.groups(rule, group, matches)),
            }
        }
        all
    }

    /// Extends `env` through `conditions` in order, pushing every complete match to `out`.
    pub(super) fn extend(
        &mut self,
        rule: &'p Rule,
        conditions: &'p [Condition],
        env: Env,
        out: &mut Vec<Env>,
    ) {
        let Some((condition, rest)) = conditions.split_first() else {
            out.push(env);
            return;
        };
        match condition {
            Condition::Match(pattern) if pattern.next.is_none() => {
                for candidate in self.passing(rule, pattern, &env, None).unwrap_or_default() {
                    self.extend(rule, rest, candidate, out);
                }
            }
            Condition::Match(pattern) => {
                if let Some(Some(next)) = self.successor(rule, pattern, &env) {
                    let candidate = env.with(pattern.binding, Bound::Fact(next));
                    self.extend(rule, rest, candidate, out);
                }
            }
            Condition::Absent(pattern) => {
                if self
                    .passing(rule, pattern, &env, None)
                    .is_some_and(|f| f.is_empty())
                {
                    self.extend(rule, rest, env, out);
                }
            }
            Condition::Exists(pattern) => {
                if self
                    .passing(rule, pattern, &env, None)
                    .is_some_and(|f| !f.is_empty())
                {
                    self.extend(rule, rest, env, out);
                }
            }
            Condition::Expand(expand) => {
                let items = match self.eval(&expand.source, &env) {
                    Ok(None | Some(Value::Null)) => Vec::new(),
                    Ok(Some(Value::List(items))) => items.to_vec(),
                    Ok(Some(other)) => {
                        let why =
                            format!("`expand` needs a list, but this is {}", other.kind_name());
                        let failure = Failure::new(expand.source.span, why);
                        self.condition_error(rule, failure, &env);
                        return;
                    }
                    Err(failure) => return self.condition_error(rule, failure, &env),
                };
                for (index, value) in items.into_iter().enumerate() {
                    let element = Bound::Element { value, index };
                    self.extend(rule, rest, env.with(expand.binding, element), out);
                }
            }
            Condition::Accumulate(accumulate) => {
                let Some(facts) = self.passing(rule, &accumulate.pattern, &env, None) else {
                    return;
                };
                let mut values = Vec::new();
                let mut failed = false;
                for inner in &facts {
                    match &accumulate.value {
                        None => values.push(counted()),
                        Some(value) => match self.eval(value, inner) {
                            Ok(value) => values.push(value),
                            Err(failure) => {
                                self.condition_error(rule, failure, inner);
                                failed = true;
                            }
                        },
                    }
                }
                if failed {
                    return;
                }
                let default = accumulate.default.as_ref();
                let span = accumulate
                    .value
                    .as_ref()
                    .map_or(accumulate.span, |v| v.span);
                match self.aggregate(accumulate.op, values, default, &env, span) {
                    Ok(result) => {
                        let mut env = env;
                        env.vars[accumulate.var.index()] = result;
                        self.extend(rule, rest, env, out);
                    }
                    Err(failure) => self.condition_error(rule, failure, &env),
                }
            }
            Condition::Let(let_) => match self.eval(&let_.value, &env) {
                Ok(value) => {
                    let mut env = env;
                    env.vars[let_.var.index()] = value;
                    self.extend(rule, rest, env, out);
                }
                Err(failure) => self.condition_error(rule, failure, &env),
            },
            Condition::Guard(guard) => match self.holds(guard, &env) {
                Ok(true) => self.extend(rule, rest, env, out),
                Ok(false) => {}
                Err(failure) => self.condition_error(rule, failure, &env),
            },
        }
    }

    /// Evaluates every single-fact test of every pattern on every live fact of its type,
    /// and on each fact that passes them its side of each index key, recording the errors
    /// (each naming the fact alone).
    fn test_every_fact(&mut self) {
        let program = self.program;
        for rule in &program.rules {
            for condition in &rule.conditions {
                let pattern = match condition {
                    Condition::Match(p) | Condition::Absent(p) | Condition::Exists(p) => p,
                    Condition::Accumulate(accumulate) => &accumulate.pattern,
                    _ => continue,
                };
                let (keys, _) = split_joins(pattern);
                for id in self.ids(pattern) {
                    let env = Env::new(rule).with(pattern.binding, Bound::Fact(id));
                    let mut passes = true;
                    for test in &pattern.tests {
                        match self.holds(&test.expr, &env) {
                            Ok(holds) => passes &= holds,
                            Err(failure) => {
                                let parts = vec![self.fact_part(id)];
                                self.record_error(rule.id, failure, parts);
                                passes = false;
                            }
                        }
                    }
                    if !passes {
                        continue;
                    }
                    for key in &keys {
                        if let Err(failure) = self.eval(key.of_fact, &env) {
                            let parts = vec![self.fact_part(id)];
                            self.record_error(rule.id, failure.within(key.whole), parts);
                            break;
                        }
                    }
                }
            }
        }
    }

    /// The live facts of a pattern's type.
    fn ids(&self, pattern: &Pattern) -> Vec<FactId> {
        self.store.ids(pattern.fact_type).collect()
    }

    /// Every fact (but `except`) that passes the pattern given `env`, each as `env` with
    /// the pattern's binding bound to it, as the network joins them: the match's side of
    /// each index key first (one that fails drops the match: `None`; one that is missing
    /// joins no fact), then for each fact that passes the tests, its side of each key
    /// (one that fails or is missing joins nothing; its error belongs to the fact, met
    /// by `test_every_fact`), equal keys, then the other joins in written order (one that
    /// fails is an error of that candidate, which does not pass).
    pub(super) fn passing(
        &mut self,
        rule: &Rule,
        pattern: &Pattern,
        env: &Env,
        except: Option<FactId>,
    ) -> Option<Vec<Env>> {
        let (keys, others) = split_joins(pattern);
        let mut wanted = Vec::with_capacity(keys.len());
        for key in &keys {
            match self.eval(key.of_match, env) {
                Ok(Some(value)) => wanted.push(value),
                Ok(None) => return Some(Vec::new()),
                Err(failure) => {
                    self.condition_error(rule, failure.within(key.whole), env);
                    return None;
                }
            }
        }
        let mut found = Vec::new();
        'facts: for id in self.ids(pattern) {
            if Some(id) == except {
                continue;
            }
            let candidate = env.with(pattern.binding, Bound::Fact(id));
            for test in &pattern.tests {
                if !matches!(self.holds(&test.expr, &candidate), Ok(true)) {
                    continue 'facts;
                }
            }
            for (key, wanted) in keys.iter().zip(&wanted) {
                let Ok(Some(value)) = self.eval(key.of_fact, &candidate) else {
                    continue 'facts;
                };
                if !ops::compare(BinaryOp::Eq, wanted, &value, self.store.interner()) {
                    continue 'facts;
                }
            }
            for join in &others {
                match self.holds(join, &candidate) {
                    Ok(true) => {}
                    Ok(false) => continue 'facts,
                    Err(failure) => {
                        self.condition_error(rule, failure, &candidate);
                        continue 'facts;
                    }
                }
            }
            found.push(candidate);
        }
        Some(found)
    }

    /// For `next b after a by (...)`: the least fact greater than `a` among those that pass
    /// (`Some(None)` when there is none); `None` when some fact failed to evaluate.
    fn successor(&mut self, rule: &Rule, pattern: &Pattern, env: &Env) -> Option<Option<FactId>> {
        let next = pattern.next.as_ref()?;
        let after = env.fact(next.after)?;
        let passing = self.passing(rule, pattern, env, Some(after))?;
        let mut best: Option<FactId> = None;
        for candidate in passing.iter().filter_map(|env| env.fact(pattern.binding)) {
            if self.cmp_in_sequence(candidate, after, &next.order) != Ordering::Greater {
                continue;
            }
            let better = match best {
                None => true,
                Some(best) => self.cmp_in_sequence(candidate, best, &next.order) == Ordering::Less,
            };
            if better {
                best = Some(candidate);
            }
        }
        Some(best)
    }

    /// The order of a `next` sequence: the `by` fields, then every input (not derived)
    /// field in declaration order, as rules read them (defaults applied, a missing value
    /// first); then the canonical order of facts (as stored, then by id).
    fn cmp_in_sequence(&mut self, a: FactId, b: FactId, by: &[FieldId]) -> Ordering {
        let fields = &self.program.fact(a.fact_type()).fields;
        let inputs = (0..fields.len())
            .filter(|&f| !fields[f].derived)
            .filter_map(FieldId::from_index);
        for field in by.iter().copied().chain(inputs) {
            let (x, y) = (self.read(a, field), self.read(b, field));
            let ordering = cmp_cells(x.as_ref(), y.as_ref(), self.store.interner());
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        cmp_facts(self.program, &*self.store, a, b)
    }

    /// The activations of a grouped rule: one per group key that has a match and passes the
    /// `having` conditions.
    fn groups(&mut self, rule: &'p Rule, group: &'p Group, matches: Vec<Env>) -> Vec<Activation> {
        let mut groups: Vec<(Vec<KeyPart>, Vec<Env>)> = Vec::new();
        for env in matches {
            let Some(key) = self.group_key(rule, group, &env) else {
                continue;
            };
            let interner = self.store.interner();
            match groups
                .iter_mut()
                .find(|(other, _)| same_parts(other, &key, interner))
            {
                Some((shown, members)) => {
                    // Equal values may be written differently (`1.0`, `1.00`): the group
                    // shows the least, whatever order its matches came in.
                    for (shown, part) in shown.iter_mut().zip(key) {
                        if let (KeyPart::Value(old), KeyPart::Value(new)) = (&*shown, &part)
                            && cmp_cells(new.as_ref(), old.as_ref(), interner).is_lt()
                        {
                            *shown = part;
                        }
                    }
                    members.push(env);
                }
                None => groups.push((key, vec![env])),
            }
        }
        let mut activations = Vec::new();
        for (key, matches) in groups {
            let Some(env) = self.group_env(rule, group, &key, &matches) else {
                continue;
            };
            let mut passed = Vec::new();
            self.extend(rule, &group.then, env, &mut passed);
            activations.extend(passed.into_iter().map(|env| Activation {
                rule: rule.id,
                key: key.clone(),
                env,
                matches: matches.clone(),
            }));
        }
        activations
    }

    /// A match's group key; `None` when a key part failed to evaluate.
    pub(super) fn group_key(
        &mut self,
        rule: &Rule,
        group: &Group,
        env: &Env,
    ) -> Option<Vec<KeyPart>> {
        let mut key = Vec::with_capacity(group.keys.len());
        for part in &group.keys {
            key.push(match part {
                GroupKey::Fact(binding) => self.fact_part(env.fact(*binding)?),
                GroupKey::Value { expr, .. } => match self.eval(expr, env) {
                    Ok(value) => KeyPart::Value(value),
                    Err(failure) => {
                        self.condition_error(rule, failure, env);
                        return None;
                    }
                },
            });
        }
        Some(key)
    }

    /// A group's environment: its fact keys bound, its value keys and aggregates computed;
    /// `None` when an aggregate failed to evaluate for some match.
    pub(super) fn group_env(
        &mut self,
        rule: &Rule,
        group: &Group,
        key: &[KeyPart],
        matches: &[Env],
    ) -> Option<Env> {
        let mut env = Env::new(rule);
        for (part, value) in group.keys.iter().zip(key) {
            match (part, value) {
                (GroupKey::Fact(binding), KeyPart::Fact { id, .. }) => {
                    env.bindings[binding.index()] = Some(Bound::Fact(*id));
                }
                (GroupKey::Value { var, .. }, KeyPart::Value(value)) => {
                    env.vars[var.index()] = value.clone();
                }
                _ => unreachable!("group keys are made part by part from the group's keys"),
            }
        }
        // Each match's values, aggregate by aggregate: its first failure is an error of
        // that match, and the group then has no environment.
        let mut columns: Vec<Vec<Cell>> =
            vec![Vec::with_capacity(matches.len()); group.aggregates.len()];
        let mut failed = false;
        for member in matches {
            for (aggregate, column) in group.aggregates.iter().zip(&mut columns) {
                match &aggregate.value {
                    None => column.push(counted()),
                    Some(value) => match self.eval(value, member) {
                        Ok(value) => column.push(value),
                        Err(failure) => {
                            self.condition_error(rule, failure, member);
                            failed = true;
                            break;
                        }
                    },
                }
            }
        }
        if failed {
            return None;
        }
        for (aggregate, values) in group.aggregates.iter().zip(columns) {
            let span = aggregate.value.as_ref().map_or(aggregate.span, |v| v.span);
            match self.aggregate(aggregate.op, values, None, &env, span) {
                Ok(value) => env.vars[aggregate.var.index()] = value,
                Err(failure) => {
                    self.condition_error(rule, failure, &env);
                    return None;
                }
            }
        }
        Some(env)
    }

    /// Records the failure of a condition, naming what `env` has bound.
    fn condition_error(&mut self, rule: &Rule, failure: Failure, env: &Env) {
        let parts = self.env_parts(env);
        self.record_error(rule.id, failure, parts);
    }

    /// Records a run-time error once per (rule, span, message, key).
    pub(super) fn record_error(&mut self, rule: RuleId, failure: Failure, parts: Vec<KeyPart>) {
        let interner = self.store.interner();
        let known = self.errors.iter().any(|(key, raised)| {
            let error = raised.event();
            error.rule == rule
                && error.span == failure.span
                && error.message == failure.message
                && same_parts(key, &parts, interner)
        });
        if known {
            return;
        }
        let error = RunError {
            rule,
            span: failure.span,
            message: failure.message,
            facts: Vec::new(),
        };
        let ids = self.key_fact_ids(&parts);
        let raised = Raised::new(self.program, &*self.store, error, ids);
        self.errors.push((parts, raised));
    }
}

/// An index key of a pattern: an equality join whose one side reads the pattern's fact
/// and nothing else bound, and whose other side does not read it.
pub(super) struct IndexKey<'p> {
    pub(super) whole: &'p Expr,
    of_match: &'p Expr,
    of_fact: &'p Expr,
}

/// A pattern's joins as the network splits them: its index keys, then the others, each in
/// written order.
pub(super) fn split_joins(pattern: &Pattern) -> (Vec<IndexKey<'_>>, Vec<&Expr>) {
    let only_fact = |side: &Expr| side.bindings() == [pattern.binding] && side.vars().is_empty();
    let no_fact = |side: &Expr| !side.bindings().contains(&pattern.binding);
    let mut keys = Vec::new();
    let mut others = Vec::new();
    for join in &pattern.joins {
        let sides = match &join.kind {
            ExprKind::Binary {
                op: BinaryOp::Eq,
                left,
                right,
            } => {
                if no_fact(left) && only_fact(right) {
                    Some((&**left, &**right))
                } else if only_fact(left) && no_fact(right) {
                    Some((&**right, &**left))
                } else {
                    None
                }
            }
            _ => None,
        };
        match sides {
            Some((of_match, of_fact)) => keys.push(IndexKey {
                whole: join,
                of_match,
                of_fact,
            }),
            None => others.push(join),
        }
    }
    (keys, others)
}
