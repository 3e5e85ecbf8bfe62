//! Evaluating a node's code over a match: the join keys of tokens and facts, the node's
//! compiled code by number, and the run-time errors a node's code records for the rules
//! that go through it.

use reckon_fact_store::{FactId, FactStore};
use reckon_rule_ir::ops::EvalError;

use super::Session;
use super::beta::CodeIndex;
use super::errors::Basis;
use super::tokens::TokenId;
use crate::compile::{Code, Eval, Slot};
use crate::hash_key::{HashKey, JoinKey};
use crate::network::{Join, NodeId, NodeKind};

impl<S: FactStore> Session<S> {
    /// The join key of a parent token: `None` when a part is missing (it joins nothing),
    /// an error (recorded) when a part fails to evaluate.
    pub(super) fn left_key_of(
        &mut self,
        node: NodeId,
        token: TokenId,
    ) -> Result<Option<JoinKey>, ()> {
        let Some(join) = join_in(&self.net.nodes[node].kind) else {
            return Err(());
        };
        let frame = self.tokens.frame(token);
        let mut eval = Eval::new(&mut self.store, &self.net.calcs, &frame);
        let mut key = JoinKey::new();
        let mut failed = None;
        for (index, (code, _)) in join.keys.iter().enumerate() {
            match eval.eval(code) {
                Ok(value) => match HashKey::of(value.as_ref()) {
                    Some(part) => key.push(part),
                    None => return Ok(None),
                },
                Err(error) => {
                    failed = Some((index, error));
                    break;
                }
            }
        }
        match failed {
            Some((index, error)) => {
                self.node_error(node, index * 2, &error, token, None);
                Err(())
            }
            None => Ok(Some(key)),
        }
    }

    /// The join key of a fact entering the node: `None` when a part is missing or fails
    /// to evaluate (recorded as an error of each rule through the node). Every part is
    /// evaluated up to the first that fails, even after a missing one: the fact's side of
    /// a key belongs to the fact, so its errors do not depend on the other parts.
    pub(super) fn right_key_of(&mut self, node: NodeId, fact: FactId) -> Option<JoinKey> {
        let join = join_in(&self.net.nodes[node].kind)?;
        let slot = usize::from(join.slot);
        let mut frame = vec![Slot::Value(None); slot];
        frame.push(Slot::Fact(fact));
        let mut eval = Eval::new(&mut self.store, &self.net.calcs, &frame);
        let mut key = Some(JoinKey::new());
        let mut failed = None;
        for (index, (_, code)) in join.keys.iter().enumerate() {
            match eval.eval(code) {
                Ok(value) => match (HashKey::of(value.as_ref()), key.as_mut()) {
                    (Some(part), Some(key)) => key.push(part),
                    _ => key = None,
                },
                Err(error) => {
                    failed = Some((index, error));
                    break;
                }
            }
        }
        let Some((index, error)) = failed else {
            return key;
        };
        let users = self.net.nodes[node].users.clone();
        let bases = [Basis::Right(node, fact)];
        for (rule, spans) in users {
            let span = spans.get(index * 2 + 1).copied().unwrap_or_default();
            self.record_error(rule, span, &error, &[fact], &bases);
        }
        None
    }

    pub(super) fn join_of(&self, node: NodeId) -> Option<&Join> {
        join_in(&self.net.nodes[node].kind)
    }

    /// Evaluates `code` over the match `token` ends, with `fact` at the next position.
    pub(super) fn eval_at(
        &mut self,
        token: TokenId,
        fact: Option<FactId>,
        code: &Code,
    ) -> Result<reckon_rule_ir::ops::Cell, EvalError> {
        let mut frame = self.tokens.frame(token);
        if let Some(fact) = fact {
            frame.push(Slot::Fact(fact));
        }
        Eval::new(&mut self.store, &self.net.calcs, &frame).eval(code)
    }

    /// Records a run-time error of each rule through `node`, naming the match's facts; it
    /// stands while the match does (and, with `fact`, while the fact is at the node).
    pub(super) fn node_error(
        &mut self,
        node: NodeId,
        index: CodeIndex,
        error: &EvalError,
        token: TokenId,
        fact: Option<FactId>,
    ) {
        let mut frame = self.tokens.frame(token);
        frame.extend(fact.map(Slot::Fact));
        let mut bases = vec![Basis::Token(token)];
        bases.extend(fact.map(|fact| Basis::Right(node, fact)));
        self.record_node_error(node, index, error, &frame, &bases);
    }

    /// Records a run-time error of each rule through `node`, naming the facts of `frame`,
    /// met on `bases`.
    pub(super) fn record_node_error(
        &mut self,
        node: NodeId,
        index: CodeIndex,
        error: &EvalError,
        frame: &[Slot],
        bases: &[Basis],
    ) {
        let facts: Vec<FactId> = frame
            .iter()
            .filter_map(|slot| match slot {
                Slot::Fact(fact) => Some(*fact),
                Slot::Value(_) => None,
            })
            .collect();
        let users = self.net.nodes[node].users.clone();
        for (rule, spans) in users {
            let span = spans.get(index).copied().unwrap_or_default();
            self.record_error(rule, span, error, &facts, bases);
        }
    }
}

/// The join of a node that joins facts.
pub(super) fn join_in(kind: &NodeKind) -> Option<&Join> {
    match kind {
        NodeKind::Join(join) | NodeKind::Not(join) | NodeKind::Exists(join) => Some(join),
        NodeKind::Accumulate(a) => Some(&a.join),
        NodeKind::Next(n) => Some(&n.join),
        _ => None,
    }
}
