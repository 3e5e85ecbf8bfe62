//! Activations and truth maintenance. An activation is a rule's match (or group) that
//! passes every condition, identified by its key (the rule, the facts with their versions,
//! element indices, or the group key). Its token may be removed and made again while a
//! change passes through the network; only when a step is over does an activation that
//! has no token any more lose what it made, and one whose token was made again have what
//! it made brought up to date — so a derived fact keeps its identity when only its values
//! change, and an alert never fires twice for one key.

use crate::maps::{HashMap, HashSet};
use hashbrown::HashTable;
use std::cmp::Ordering;

use reckon_fact_store::{FactId, FactStore, FieldId};
use reckon_rule_ir::ops::{Cell, EvalError};
use reckon_rule_ir::{Program, RuleId, Span};

use super::Session;
use super::beta::Stale;
use super::effects::Made;
use super::errors::{Basis, Identity};
use super::tokens::{Key, KeyAtom, TokenId};
use crate::hash_key::cmp_hash_keys;
use crate::network::{NodeId, NodeKind};
use crate::order::cmp_facts;

use crate::outcome::{Alert, Raised, RunError, render_fact};

/// An activation's index in [`Tms`].
pub(crate) type ActId = usize;

/// The identity of an activation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ActKey {
    pub(crate) rule: RuleId,
    pub(crate) atoms: Key,
}

#[derive(Debug)]
pub(crate) struct Activation {
    pub(crate) key: ActKey,
    pub(crate) token: Option<TokenId>,
    pub(crate) fired: bool,
    /// How often its key (whatever its facts' versions) has fired, counting the
    /// activations of the key forgotten before this one.
    firings: u32,
    pub(crate) made: Made,
}

impl ActKey {
    /// The key with its facts' versions left out, which the loop guard counts by.
    fn unversioned(&self) -> ActKey {
        let atoms = self.atoms.iter().map(|atom| match atom {
            KeyAtom::Fact(fact, _) => KeyAtom::Fact(*fact, 0),
            other => other.clone(),
        });
        ActKey {
            rule: self.rule,
            atoms: atoms.collect(),
        }
    }
}

/// The activations, and what truth maintenance has left to do at the end of a step.
#[derive(Debug, Default)]
pub(crate) struct Tms {
    pub(crate) acts: Vec<Option<Activation>>,
    free: Vec<ActId>,
    /// The live activations by key; each key is held once, in its activation.
    by_key: HashTable<ActId>,
    hasher: ahash::RandomState,
    by_token: ActsByToken,
    /// Fired activations whose token went: undone at the end of the step unless made again.
    gone: Vec<ActId>,
    /// Fired activations whose token was made again: brought up to date.
    dirty: Vec<ActId>,
    /// How often each unversioned key fired, for keys whose activations were forgotten
    /// after firing (a live activation holds its own count).
    retired: HashMap<ActKey, u32>,
    /// Stale groups and accumulations already queued.
    pub(crate) queued: HashSet<Stale>,
}

/// The activation of each terminal token, in a vector indexed by token: a token's
/// activation is looked up for every change below a node, and a probe of a hash map
/// there was a cache miss each time.
#[derive(Debug, Default)]
struct ActsByToken {
    acts: Vec<u32>,
}

impl ActsByToken {
    const NONE: u32 = u32::MAX;

    fn get(&self, token: TokenId) -> Option<ActId> {
        match self.acts.get(token as usize) {
            Some(&act) if act != Self::NONE => Some(act as ActId),
            _ => None,
        }
    }

    fn insert(&mut self, token: TokenId, act: ActId) {
        let act = u32::try_from(act)
            .ok()
            .filter(|&act| act != Self::NONE)
            .expect("fewer than 2^32 - 1 activations");
        let at = token as usize;
        if at >= self.acts.len() {
            self.acts.resize(at + 1, Self::NONE);
        }
        self.acts[at] = act;
    }

    fn remove(&mut self, token: TokenId) -> Option<ActId> {
        let found = self.get(token)?;
        self.acts[token as usize] = Self::NONE;
        Some(found)
    }
}

impl Tms {
    /// True when the activation exists, has a token and has not fired.
    /// True when `act` is a pending activation of `rule`. (An activation's place is reused
    /// once it is gone, so an agenda entry may outlive it and name another rule's.)
    pub(crate) fn is_pending(&self, act: ActId, rule: RuleId) -> bool {
        matches!(self.acts.get(act), Some(Some(a)) if !a.fired && a.token.is_some() && a.key.rule == rule)
    }

    pub(crate) fn get(&self, act: ActId) -> Option<&Activation> {
        self.acts.get(act).and_then(Option::as_ref)
    }

    /// Compares two activations of one rule by their keys: facts canonically, then element
    /// indices and group keys.
    pub(crate) fn cmp_keys(
        &self,
        program: &Program,
        store: &impl FactStore,
        a: ActId,
        b: ActId,
    ) -> Ordering {
        let (Some(a), Some(b)) = (self.get(a), self.get(b)) else {
            return Ordering::Equal;
        };
        cmp_atoms(program, store, &a.key.atoms, &b.key.atoms)
    }

    /// The live activation with this key.
    fn find(&self, key: &ActKey) -> Option<ActId> {
        let acts = &self.acts;
        let same = |act: &ActId| acts[*act].as_ref().is_some_and(|a| a.key == *key);
        self.by_key.find(self.hasher.hash_one(key), same).copied()
    }

    /// Places a new activation and indexes it by key.
    fn insert(&mut self, activation: Activation) -> ActId {
        let hash = self.hasher.hash_one(&activation.key);
        let act = match self.free.pop() {
            Some(act) => {
                self.acts[act] = Some(activation);
                act
            }
            None => {
                self.acts.push(Some(activation));
                self.acts.len() - 1
            }
        };
        let (acts, hasher) = (&self.acts, &self.hasher);
        let rehash = |act: &ActId| {
            let key = &acts[*act].as_ref().expect("indexed activations live").key;
            hasher.hash_one(key)
        };
        self.by_key.insert_unique(hash, act, rehash);
        act
    }

    fn remove(&mut self, act: ActId) {
        let Some(activation) = self.acts[act].take() else {
            return;
        };
        let hash = self.hasher.hash_one(&activation.key);
        if let Ok(entry) = self.by_key.find_entry(hash, |&found| found == act) {
            entry.remove();
        }
        if let Some(token) = activation.token {
            self.by_token.remove(token);
        }
        if activation.fired {
            self.retired
                .insert(activation.key.unversioned(), activation.firings);
        }
        self.free.push(act);
    }
}

/// Compares activation keys: facts in canonical order, indices by number, group key values
/// canonically.
pub(crate) fn cmp_atoms(
    program: &Program,
    store: &impl FactStore,
    a: &[KeyAtom],
    b: &[KeyAtom],
) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let ordering = match (x, y) {
            (KeyAtom::Fact(x, xv), KeyAtom::Fact(y, yv)) => {
                cmp_facts(program, store, *x, *y).then(xv.cmp(yv))
            }
            (KeyAtom::Index(x), KeyAtom::Index(y)) => x.cmp(y),
            (KeyAtom::Value(x), KeyAtom::Value(y)) => cmp_hash_keys(x, y, store.interner()),
            (x, y) => rank(x).cmp(&rank(y)),
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    a.len().cmp(&b.len())
}

fn rank(atom: &KeyAtom) -> u8 {
    match atom {
        KeyAtom::Missing => 0,
        KeyAtom::Fact(..) => 1,
        KeyAtom::Index(_) => 2,
        KeyAtom::Value(_) => 3,
    }
}

impl<S: FactStore> Session<S> {
    /// A token reached a terminal node.
    pub(super) fn activation_added(&mut self, node: NodeId, token: TokenId) {
        let NodeKind::Terminal(rule) = self.net.nodes[node].kind else {
            return;
        };
        let mut atoms = self.tokens.key(token);
        let order = &self.net.rules[rule.index()].key_order;
        if !order.is_empty() {
            atoms = order.iter().map(|&at| atoms[at].clone()).collect();
        }
        let key = ActKey { rule, atoms };
        if let Some(act) = self.tms.find(&key) {
            let activation = self.tms.acts[act]
                .as_mut()
                .expect("keys name live activations");
            if let Some(old) = activation.token.replace(token) {
                self.tms.by_token.remove(old);
            }
            self.tms.by_token.insert(token, act);
            if activation.fired {
                self.tms.dirty.push(act);
            }
            return;
        }
        let act = self.tms.insert(Activation {
            key,
            token: Some(token),
            fired: false,
            firings: 0,
            made: Made::default(),
        });
        self.tms.by_token.insert(token, act);
        self.stats.activations += 1;
        let info = &self.net.rules[rule.index()];
        self.agenda.push(info.stratum, info.priority, rule, act);
    }

    /// A terminal node's token was removed.
    pub(super) fn activation_removed(&mut self, token: TokenId) {
        let Some(act) = self.tms.by_token.remove(token) else {
            return;
        };

        let activation = self.tms.acts[act]
            .as_mut()
            .expect("tokens name live activations");
        if activation.token == Some(token) {
            activation.token = None;
        }
        if activation.fired {
            self.tms.gone.push(act);
        } else if activation.token.is_none() {
            self.forget_activation(act);
        }
    }

    /// A field of `fact` that only actions below `node` read changed: the matches stay,
    /// and each fired activation made from the fact's tokens there whose rule reads the
    /// field recomputes what it made (a pending one reads the field when it fires).
    pub(super) fn recompute_activations_below(
        &mut self,
        node: NodeId,
        fact: FactId,
        field: FieldId,
    ) {
        let mut stack: Vec<TokenId> = self.nodes[node]
            .by_fact
            .get(&fact)
            .map(|tokens| tokens.to_vec())
            .unwrap_or_default();
        while let Some(token) = stack.pop() {
            if let Some(act) = self.tms.by_token.get(token) {
                if let Some(activation) = self.tms.get(act)
                    && activation.fired
                    && self.net.rules[activation.key.rule.index()]
                        .reads
                        .contains(&(node, field))
                {
                    self.tms.dirty.push(act);
                }
                continue;
            }
            stack.extend(self.tokens.children(token));
        }
    }

    /// Finishes a step: folds stale groups and accumulations, then brings fired
    /// activations up to date with their matches, until nothing changes.
    ///
    /// A stale group whose rules' stratum is not reached yet waits: nothing that fires
    /// before that stratum reads it, and a group that many firings change (a weekly total
    /// while a lower stratum sets each shift's hours) is then folded once, not once per
    /// firing. Waiting groups fold before any fired activation is brought up to date or
    /// undone, so those steps see what they always saw.
    pub(super) fn settle(&mut self) {
        loop {
            if let Some(stale) = self.stale.pop() {
                if let Stale::Group(node, _) = &stale {
                    let stratum = self.net.nodes[*node].stratum;
                    if self.may_wait(stratum) {
                        self.waiting.entry(stratum).or_default().push(stale);
                        continue;
                    }
                }
                self.tms.queued.remove(&stale);
                match stale {
                    Stale::Accumulate(node, token) => self.refresh_accumulate(node, token),
                    Stale::Group(node, key) => self.refresh_group(node, key),
                }
                continue;
            }
            if let Some((&stratum, _)) = self.waiting.first_key_value()
                && !self.may_wait(stratum)
            {
                let (_, due) = self.waiting.pop_first().expect("a first stratum");
                self.stale.extend(due);
                continue;
            }
            if let Some(act) = self.tms.dirty.pop() {
                if matches!(self.tms.get(act), Some(a) if a.fired && a.token.is_some()) {
                    self.update_effects(act);
                }
                continue;
            }
            if let Some(act) = self.tms.gone.pop() {
                if matches!(self.tms.get(act), Some(a) if a.token.is_none()) {
                    self.reconcile(act, Vec::new(), Vec::new());
                    self.forget_activation(act);
                }
                continue;
            }
            break;
        }
    }

    /// True when a stale group of rules of `stratum` may be folded later: every pending
    /// activation is of a lower stratum, and no fired activation waits to be brought up
    /// to date or undone (the run is not stopping).
    fn may_wait(&self, stratum: u32) -> bool {
        self.tms.dirty.is_empty()
            && self.tms.gone.is_empty()
            && self.stopped.is_none()
            && self
                .agenda
                .first_stratum()
                .is_some_and(|next| next < stratum)
    }

    /// Forgets an activation that has no token and has undone what it made, and the errors
    /// its actions met.
    fn forget_activation(&mut self, act: ActId) {
        self.errors.fall(&Basis::Act(act));
        self.tms.remove(act);
    }

    /// Queues a stale group or accumulation once.
    pub(super) fn mark_stale(&mut self, stale: Stale) {
        if self.tms.queued.insert(stale.clone()) {
            self.stale.push(stale);
        }
    }

    /// Fires one pending activation.
    pub(super) fn fire(&mut self, act: ActId) {
        let Some(activation) = self.tms.acts[act].as_mut() else {
            return;
        };
        activation.fired = true;
        self.stats.fired += 1;
        // An activation fires once; its key fired before only if an activation of it
        // was forgotten after firing (a fact's new version, a match made again).
        let before = if self.tms.retired.is_empty() {
            0
        } else {
            let unversioned = activation.key.unversioned();
            self.tms.retired.remove(&unversioned).unwrap_or(0)
        };
        activation.firings = before + 1;
        let rule = activation.key.rule;
        if activation.firings > self.options.max_firings_per_key {
            let span = self.program.rules[rule.index()].span;
            let facts = self
                .act_facts(act)
                .into_iter()
                .map(|fact| render_fact(&self.program, &self.store, fact))
                .collect();
            self.stopped = Some(RunError {
                rule,
                span,
                message: self.options.loop_message(),
                facts,
            });
            return;
        }
        match self.desired(act) {
            Ok(desired) => {
                for message in desired.alerts {
                    let ids = self.act_facts(act);
                    let alert = Alert {
                        rule,
                        message,
                        facts: Vec::new(),
                    };
                    let raised = Raised::new(&self.program, &self.store, alert, ids);
                    self.alerts.push(raised);
                }
                self.reconcile(act, desired.emits, desired.sets);
                for (fact, fields) in desired.updates {
                    self.update_fact(fact, fields);
                }
                for fact in desired.retracts {
                    if self.store.contains(fact) {
                        self.retract_fact(fact);
                        let _ = self.store.retract(fact);
                    }
                }
            }
            Err((span, error)) => {
                let facts = self.act_facts(act);
                self.record_message(rule, span, error, &facts, &[Basis::Act(act)]);
            }
        }
    }

    /// The facts of a live activation's key, in key order.
    fn act_facts(&self, act: ActId) -> Vec<FactId> {
        self.tms.get(act).map_or_else(Vec::new, |activation| {
            self.key_facts_ids(&activation.key.atoms)
        })
    }

    /// Brings what a fired activation made up to date with its match.
    fn update_effects(&mut self, act: ActId) {
        self.errors.fall(&Basis::Act(act));
        match self.desired(act) {
            Ok(desired) => self.reconcile(act, desired.emits, desired.sets),
            Err((span, error)) => {
                let Some(rule) = self.tms.get(act).map(|a| a.key.rule) else {
                    return;
                };
                let facts = self.act_facts(act);
                self.record_message(rule, span, error, &facts, &[Basis::Act(act)]);
                self.reconcile(act, Vec::new(), Vec::new());
            }
        }
    }

    /// `update` by a state rule: a new version of the fact, so every match of it is new.
    fn update_fact(&mut self, fact: FactId, fields: Vec<(FieldId, Cell)>) {
        if !self.store.contains(fact) {
            return;
        }
        self.retract_fact(fact);
        for (field, value) in fields {
            let _ = self.store.update(fact, field, value);
        }
        *self.versions.entry(fact).or_insert(0) += 1;
        self.assert_fact(fact);
    }

    /// Records a run-time error of `rule`, met on `bases`.
    pub(super) fn record_error(
        &mut self,
        rule: RuleId,
        span: Span,
        error: &EvalError,
        facts: &[FactId],
        bases: &[Basis],
    ) {
        self.record_message(rule, span, error.to_string(), facts, bases);
    }

    /// Records a run-time error of `rule`, met on `bases`: it stands as long as they do.
    pub(super) fn record_message(
        &mut self,
        rule: RuleId,
        span: Span,
        message: String,
        facts: &[FactId],
        bases: &[Basis],
    ) {
        let (program, store) = (&self.program, &self.store);
        let raise = |(rule, span, message, facts): &Identity| {
            let error = RunError {
                rule: *rule,
                span: *span,
                message: message.clone(),
                facts: Vec::new(),
            };
            Raised::new(program, store, error, facts.clone())
        };
        self.errors
            .sight((rule, span, message, facts.to_vec()), bases, raise);
    }

    fn key_facts_ids(&self, atoms: &[KeyAtom]) -> Vec<FactId> {
        super::tokens::facts_of(atoms)
    }
}
