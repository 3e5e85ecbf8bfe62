//! Accumulations: for each parent token, the value of each fact that joins it is evaluated
//! once, when it joins, and kept in canonical order (an ordered multiset), so a fact
//! leaving costs a binary search and `min`, `max` and `count` are read off the ends and
//! length; `sum`, `avg` and `collect` fold the values in canonical order. A value that
//! fails is an error of the match and that fact, and while any does the match has no
//! result. Once per step a stale accumulation gets its result anew.

use std::cmp::Ordering;
use std::sync::Arc;

use reckon_fact_store::{FactId, FactStore, Interner, Value};
use reckon_rule_ir::AggOp;
use reckon_rule_ir::ops::Cell;

use super::Session;
use super::errors::Basis;
use super::tokens::{Item, TokenId};
use crate::aggregate;
use crate::maps::HashMap;
use crate::network::{NodeId, NodeKind};
use crate::order::{cmp_values, same_as_written};

/// An accumulation's values for one parent token.
#[derive(Debug, Default)]
pub(crate) struct Fold {
    /// The present values, in canonical order, each with its fact.
    values: Vec<(Value, FactId)>,
    /// Each joined fact's value (`None` when missing), or `Err` when it failed.
    of: HashMap<FactId, Result<Cell, ()>>,
    failed: usize,
}

impl Fold {
    fn add(&mut self, fact: FactId, value: Result<Cell, ()>, interner: &Interner) {
        if let Ok(Some(value)) = &value
            && let Err(at) = self
                .values
                .binary_search_by(|e| order(e, value, fact, interner))
        {
            self.values.insert(at, (value.clone(), fact));
        }
        self.failed += usize::from(value.is_err());
        self.of.insert(fact, value);
    }

    fn remove(&mut self, fact: FactId, interner: &Interner) {
        match self.of.remove(&fact) {
            Some(Ok(Some(value))) => {
                if let Ok(at) = self
                    .values
                    .binary_search_by(|e| order(e, &value, fact, interner))
                {
                    self.values.remove(at);
                }
            }
            Some(Err(())) => self.failed -= 1,
            _ => {}
        }
    }

    /// `op` over the values (`count()` when `has_value` is false counts the joined facts);
    /// `None` when nothing was folded, for the default to stand in.
    fn result(
        &self,
        op: AggOp,
        has_value: bool,
        interner: &Interner,
    ) -> Option<Result<Cell, reckon_rule_ir::ops::EvalError>> {
        if !has_value {
            return (!self.of.is_empty()).then(|| aggregate::count_all(self.of.len(), None));
        }
        if self.values.is_empty() {
            return None;
        }
        Some(match op {
            AggOp::Count => aggregate::count_all(self.values.len(), None),
            AggOp::Min => Ok(self.values.first().map(|e| e.0.clone())),
            AggOp::Max => Ok(self.values.last().map(|e| e.0.clone())),
            _ => {
                let values = self.values.iter().map(|e| Some(e.0.clone()));
                aggregate::fold(op, values, None, interner)
            }
        })
    }
}

fn order(entry: &(Value, FactId), value: &Value, fact: FactId, interner: &Interner) -> Ordering {
    cmp_values(&entry.0, value, interner).then(entry.1.cmp(&fact))
}

impl<S: FactStore> Session<S> {
    /// `fact` joined the parent token `token` of the accumulation `node`: its value goes
    /// into the fold (a failure is recorded, standing while the pair does).
    pub(super) fn fold_add(&mut self, node: NodeId, token: TokenId, fact: FactId) {
        let net = Arc::clone(&self.net);
        let NodeKind::Accumulate(accumulate) = &net.nodes[node].kind else {
            return;
        };
        let value = match &accumulate.value {
            None => Ok(None),
            Some(code) => match self.eval_at(token, Some(fact), code) {
                Ok(value) => Ok(value),
                Err(error) => {
                    self.node_error(node, self.value_index(node), &error, token, Some(fact));
                    Err(())
                }
            },
        };
        let interner = self.store.interner();
        if let Some(fold) = self.nodes[node].folds.get_mut(&token) {
            fold.add(fact, value, interner);
        }
    }

    /// `fact` no longer joins `token` at the accumulation `node`.
    pub(super) fn fold_remove(&mut self, node: NodeId, token: TokenId, fact: FactId) {
        let interner = self.store.interner();
        if let Some(fold) = self.nodes[node].folds.get_mut(&token) {
            fold.remove(fact, interner);
        }
    }

    /// The accumulation's value code's number among the node's codes (after its join's).
    fn value_index(&self, node: NodeId) -> usize {
        self.join_of(node)
            .map_or(0, |j| j.keys.len() * 2 + j.residual.len())
    }

    /// Brings an accumulation's result for one parent token up to date.
    pub(super) fn refresh_accumulate(&mut self, node: NodeId, token: TokenId) {
        if !self.tokens.contains(token) || !self.nodes[node].folds.contains_key(&token) {
            return;
        }
        let net = Arc::clone(&self.net);
        let NodeKind::Accumulate(accumulate) = &net.nodes[node].kind else {
            return;
        };
        let (op, has_value) = (accumulate.op, accumulate.value.is_some());
        let default = accumulate.default.as_ref();
        let value_index = self.value_index(node);
        let basis = Basis::Fold(node, token);
        self.errors.fall(&basis);
        let fold = &self.nodes[node].folds[&token];
        if fold.failed > 0 {
            self.remove_children_at(node, token);
            return;
        }
        let interner = self.store.interner();
        let result = match fold.result(op, has_value, interner) {
            Some(result) => result.map_err(|error| (value_index, error)),
            None => match default {
                Some(code) => self
                    .eval_at(token, None, code)
                    .map_err(|error| (value_index + usize::from(has_value), error)),
                // Over nothing: `0` for a count, `[]` for `collect`, missing otherwise.
                None if !has_value => {
                    aggregate::count_all(0, None).map_err(|error| (value_index, error))
                }
                None => aggregate::fold(op, std::iter::empty(), None, interner)
                    .map_err(|error| (value_index, error)),
            },
        };
        let value = match result {
            Ok(value) => value,
            Err((index, error)) => {
                let frame = self.tokens.frame(token);
                let bases = [Basis::Token(token), basis];
                self.record_node_error(node, index, &error, &frame, &bases);
                self.remove_children_at(node, token);
                return;
            }
        };
        let current = self
            .tokens
            .children(token)
            .find(|child| self.tokens.get(*child).node() == node);
        if let Some(child) = current {
            let interner = self.store.interner();
            if matches!(&self.tokens.get(child).item, Item::Value(old) if same_as_written(old, &value, interner))
            {
                return;
            }
            self.remove_token(child);
        }
        self.add_child(node, token, Item::Value(Box::new(value)));
    }
}
