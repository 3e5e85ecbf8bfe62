//! The reference evaluator ("oracle"): a naive, obviously correct reading of
//! `docs/semantics.md` that the RETE network is property-tested against. It keeps no
//! memories between steps: every step recomputes every activation of every rule from
//! scratch with nested loops over the store's facts, so there is no incremental state that
//! could drift from what the contract says. Speed does not matter here; clarity does.
//!
//! The run is one loop (`fire.rs`):
//!
//! 1. settle (`tms.rs`): recompute all activations (`matches.rs`), forget fired activations
//!    that no longer match, recompute what every fired activation emits and sets, and write
//!    that into the store; repeat until nothing changes;
//! 2. take the least activation that has not fired, in agenda order, and fire it;
//!
//! until no activation is pending. Expressions are evaluated in `eval.rs` with
//! `rule_ir::ops` and `rule_ir::prelude`; what an activation's actions compute is in
//! `actions.rs`; activation keys and their orders are in `key.rs`.

mod actions;
mod eval;
mod fire;
mod key;
mod matches;
mod tms;
mod why_not;

use std::collections::BTreeMap;

use reckon_fact_store::{FactId, FactStore, FieldId, Value};
use reckon_rule_ir::ops::Cell;
use reckon_rule_ir::{BindingId, Program, Rule, RuleId};

use crate::options::RunOptions;
use crate::outcome::{Alert, Outcome, Raised, RunError};
use key::KeyPart;
pub use why_not::{Blocked, Reason, Step, WhyNot, why_not};

/// Runs `program` over the facts in `store` to its fixpoint, as `docs/semantics.md`
/// defines, and returns the result. The store arrives holding the input facts; the run
/// inserts derived facts, writes derived fields and applies updates and retractions, so
/// the store holds the final state afterwards.
pub fn run<S: FactStore>(program: &Program, store: &mut S, options: &RunOptions) -> Outcome {
    let mut oracle = Oracle::new(program, store, *options);
    oracle.run_to_fixpoint();
    let Oracle {
        alerts,
        errors,
        stopped,
        ..
    } = oracle;
    let errors: Vec<_> = errors.into_iter().map(|(_, error)| error).collect();
    Outcome::collect(program, store, &alerts, &errors, stopped)
}

/// What one binding of a rule holds in a match.
#[derive(Debug, Clone)]
enum Bound {
    /// A fact.
    Fact(FactId),
    /// An element of an expanded list, and its index in the list.
    Element { value: Value, index: usize },
}

/// An environment: what a rule's bindings and variables hold at one point of matching.
#[derive(Debug, Clone)]
struct Env {
    /// By `BindingId`; `None` where the binding is not bound (yet, or at all).
    bindings: Vec<Option<Bound>>,
    /// By `VarId`; `None` is missing (or not yet computed).
    vars: Vec<Cell>,
}

impl Env {
    /// The empty environment of a rule.
    fn new(rule: &Rule) -> Env {
        Env {
            bindings: vec![None; rule.bindings.len()],
            vars: vec![None; rule.vars.len()],
        }
    }

    /// A copy with `binding` bound to `bound`.
    fn with(&self, binding: BindingId, bound: Bound) -> Env {
        let mut env = self.clone();
        env.bindings[binding.index()] = Some(bound);
        env
    }

    /// The fact a binding holds, if it holds one.
    fn fact(&self, binding: BindingId) -> Option<FactId> {
        match self.bindings.get(binding.index()) {
            Some(Some(Bound::Fact(id))) => Some(*id),
            _ => None,
        }
    }
}

/// An activation: a match of a rule (or a group of matches) that passes every condition.
#[derive(Debug, Clone)]
struct Activation {
    rule: RuleId,
    /// The activation key: the match's facts (with versions) and element indices in
    /// binding order, or for a grouped rule the group key.
    key: Vec<KeyPart>,
    /// What the actions read: the match, or for a grouped rule the group's keys,
    /// aggregates and lets.
    env: Env,
    /// For a grouped rule, the group's matches (its members); empty otherwise.
    matches: Vec<Env>,
}

/// An activation that has fired and still matches.
#[derive(Debug, Clone)]
struct Fired {
    rule: RuleId,
    key: Vec<KeyPart>,
}

/// What identifies an emitted fact: the activation, which emit of the rule, and for a
/// per-member emit the member.
#[derive(Debug, Clone)]
struct EmitId {
    rule: RuleId,
    key: Vec<KeyPart>,
    action: usize,
    member: Vec<KeyPart>,
}

/// A derived fact in the store and the emit it stands for.
#[derive(Debug, Clone)]
struct Emitted {
    id: EmitId,
    fact: FactId,
}

/// A field that a `set` currently holds, and the value it would have without the set (the
/// input's value, or what an emit or update wrote underneath).
#[derive(Debug, Clone)]
struct Overlay {
    fact: FactId,
    field: FieldId,
    base: Cell,
}

/// The state of one run.
struct Oracle<'p, S: FactStore> {
    program: &'p Program,
    store: &'p mut S,
    options: RunOptions,
    /// Fact versions; a fact not listed has version 0.
    versions: BTreeMap<FactId, u32>,
    /// The activations that have fired and still match.
    fired: Vec<Fired>,
    /// The derived facts in the store.
    emitted: Vec<Emitted>,
    /// The fields `set` holds.
    overlays: Vec<Overlay>,
    /// How many times each activation key, versions ignored, has fired.
    firings: Vec<(RuleId, Vec<KeyPart>, u32)>,
    alerts: Vec<Raised<Alert>>,
    /// Run-time errors, each with the key parts that identify it beside rule, span and
    /// message (so an error is recorded once however often it is met).
    errors: Vec<(Vec<KeyPart>, Raised<RunError>)>,
    stopped: Option<RunError>,
}

impl<'p, S: FactStore> Oracle<'p, S> {
    fn new(program: &'p Program, store: &'p mut S, options: RunOptions) -> Self {
        Oracle {
            program,
            store,
            options,
            versions: BTreeMap::new(),
            fired: Vec::new(),
            emitted: Vec::new(),
            overlays: Vec::new(),
            firings: Vec::new(),
            alerts: Vec::new(),
            errors: Vec::new(),
            stopped: None,
        }
    }
}

#[cfg(test)]
mod tests;
