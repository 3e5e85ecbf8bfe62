//! Running a network over a store: the session holds the store, the network's memories
//! (alpha memberships, tokens, per-node indexes), the agenda and what truth maintenance
//! needs; facts go in and out incrementally, and [`Session::run`] fires to a fixpoint.
//!
//! - `alpha.rs` — facts entering, leaving and changing: shared tests and alpha memories.
//! - `beta.rs` — tokens through joins, absence, existence, expansion, lets, guards and
//!   successors; `batch.rs` — facts entering a node as one set; `accumulate.rs` and
//!   `group.rs` — accumulations and groups, their values as ordered multisets.
//! - `agenda.rs` — pending activations in firing order; `fire.rs` — firing and truth
//!   maintenance (`effects.rs` reconciles what an activation should have made with what
//!   it has); `errors.rs` — run-time errors, standing as long as what they were met on.
//! - `tokens.rs` — the token arena; `node_code.rs` — a node's code over a match (join
//!   keys, errors); `members.rs` — an alpha memory's facts, as a bitmap of rows;
//!   `memory.rs` — the bytes the network holds, by node kind.
//!
//! Propagation is eager and synchronous; what depends on many matches at once (a group's
//! aggregates, an accumulation) is brought up to date once per step, before anything
//! fires, so a bulk load folds each group once.

mod accumulate;
mod agenda;
mod alpha;
mod batch;
mod beta;
mod effects;
mod errors;
mod explain;
mod fire;
mod group;
mod members;
mod memory;
mod node_code;
mod tokens;

use crate::maps::{HashMap, HashSet};

use std::sync::Arc;

use reckon_fact_store::{FactId, FactStore, FactTypeId, FieldId, StoreError, Value};
use reckon_rule_ir::Program;

use crate::network::{BuildError, Network};
use crate::options::RunOptions;
use crate::order::same_as_written;
use crate::outcome::{Alert, Outcome, Raised, RunError};
use agenda::Agenda;
use beta::NodeState;
use fire::Tms;
use tokens::{ROOT_TOKEN, Tokens};

pub use explain::Derivation;
pub use memory::MemoryUse;

/// A program running over a store.
#[derive(Debug)]
pub struct Session<S: FactStore> {
    program: Program,
    /// Shared, so that a step can hold the code it runs while it changes the session.
    net: Arc<Network>,
    store: S,
    options: RunOptions,
    tokens: Tokens,
    nodes: Vec<NodeState>,
    /// The facts in each alpha memory.
    members: Vec<members::Members>,
    /// Which tests the fact at hand passed.
    marks: alpha::Marks,
    /// The facts rules emitted (which `update` and `retract` may not change).
    emitted: HashSet<FactId>,
    /// How often `update` changed each fact.
    versions: HashMap<FactId, u32>,
    /// Groups and accumulations whose matches changed since they were last folded.
    stale: Vec<beta::Stale>,
    /// Stale groups left to fold until their rules' stratum comes, by that stratum.
    waiting: std::collections::BTreeMap<u32, Vec<beta::Stale>>,
    tms: Tms,
    supports: effects::Supports,
    agenda: Agenda,
    alerts: Vec<Raised<Alert>>,
    errors: errors::Errors,
    stopped: Option<RunError>,
    /// How many times each node was activated, for seeing how much work a change causes.
    activity: Vec<u64>,
    stats: Stats,
}

/// Counts of the work a session has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Activations made: matches (or groups) that passed all of a rule's conditions.
    pub activations: u64,
    /// Activations fired.
    pub fired: u64,
}

impl<S: FactStore> Session<S> {
    /// Compiles `program` (checked without errors, best optimised) for `store`, whose
    /// catalog must be `program.catalog()`, and brings in the facts it holds.
    pub fn new(program: &Program, mut store: S, options: RunOptions) -> Result<Self, BuildError> {
        let net = Network::build(program, store.interner_mut())?;
        let nodes = net.nodes.iter().map(|_| NodeState::default()).collect();
        let mut session = Session {
            program: program.clone(),
            members: net
                .memories
                .iter()
                .map(|_| members::Members::default())
                .collect(),
            marks: alpha::Marks::new(net.tests.len()),
            activity: vec![0; net.nodes.len()],
            net: Arc::new(net),
            store,
            options,
            tokens: Tokens::new(),
            nodes,
            emitted: HashSet::default(),
            versions: HashMap::default(),
            stale: Vec::new(),
            waiting: std::collections::BTreeMap::new(),
            tms: Tms::default(),
            supports: effects::Supports::default(),
            agenda: Agenda::default(),
            alerts: Vec::new(),
            errors: errors::Errors::default(),
            stopped: None,
            stats: Stats::default(),
        };
        session.pass_on(0, ROOT_TOKEN);
        let facts: Vec<FactId> = (0..session.program.facts.len())
            .filter_map(FactTypeId::from_index)
            .flat_map(|fact_type| session.store.ids(fact_type).collect::<Vec<_>>())
            .collect();
        session.assert_all(&facts);
        Ok(session)
    }

    /// Adds an input fact; it takes part in the next [`run`](Self::run).
    pub fn insert(
        &mut self,
        fact_type: FactTypeId,
        fields: &[Option<Value>],
    ) -> Result<FactId, StoreError> {
        let fact = self.store.insert(fact_type, fields, &[])?;
        self.assert_fact(fact);
        Ok(fact)
    }

    /// Adds input facts together, propagated through the network as one set (see
    /// `batch.rs`); they take part in the next [`run`](Self::run). On an error the facts
    /// before the one refused are in, as if inserted one by one.
    pub fn insert_all<'f>(
        &mut self,
        facts: impl IntoIterator<Item = (FactTypeId, &'f [Option<Value>])>,
    ) -> Result<Vec<FactId>, StoreError> {
        let mut ids = Vec::new();
        let mut refused = None;
        for (fact_type, fields) in facts {
            match self.store.insert(fact_type, fields, &[]) {
                Ok(fact) => ids.push(fact),
                Err(error) => {
                    refused = Some(error);
                    break;
                }
            }
        }
        self.assert_all(&ids);
        match refused {
            Some(error) => Err(error),
            None => Ok(ids),
        }
    }

    /// Adds the input facts `write` puts into the store (a reader, say), which returns
    /// its result and the ids of the facts it inserted; they are propagated as one set.
    pub fn insert_from<T>(&mut self, write: impl FnOnce(&mut S) -> (T, Vec<FactId>)) -> T {
        let (result, ids) = write(&mut self.store);
        let ids: Vec<FactId> = ids
            .into_iter()
            .filter(|id| self.store.contains(*id))
            .collect();
        self.assert_all(&ids);
        result
    }

    /// Changes a field of an input fact; what depended on the field follows in the next
    /// run. (This is a change of the fact, not a new version of it: what already fired
    /// for it does not fire again unless it matches anew.)
    pub fn update(
        &mut self,
        fact: FactId,
        field: FieldId,
        value: Option<Value>,
    ) -> Result<(), StoreError> {
        let old = self.store.update(fact, field, value.clone())?;
        // Compared as written (`1.0` is not `1` here): results show the scale.
        if !same_as_written(&old, &value, self.store.interner()) {
            self.modify(fact, field);
        }
        Ok(())
    }

    /// Removes an input fact; what depended on it goes in the next run.
    pub fn retract(&mut self, fact: FactId) -> Result<(), StoreError> {
        if !self.store.contains(fact) {
            return self.store.retract(fact);
        }
        self.retract_fact(fact);
        self.store.retract(fact)
    }

    /// Fires activations until none is pending (or the loop guard stops the run), and
    /// returns the session's state.
    pub fn run(&mut self) -> Outcome {
        self.fire_all();
        self.outcome()
    }

    /// Fires activations until none is pending or the loop guard stops the run, inside a
    /// `stratum` tracing span for each stratum in turn (so a subscriber sees where the
    /// time goes); [`run`](Self::run) without gathering the outcome.
    pub fn fire_all(&mut self) {
        self.settle();
        let mut stratum: Option<(u32, tracing::span::EnteredSpan)> = None;
        while self.stopped.is_none() {
            let Some(activation) = self.next_activation() else {
                if self.waiting.is_empty() {
                    break;
                }
                // Nothing is pending: the groups left waiting fold now.
                self.settle();
                continue;
            };
            if let Some(rule) = self.tms.get(activation).map(|a| a.key.rule) {
                let index = self.net.rules[rule.index()].stratum;
                if stratum
                    .as_ref()
                    .is_none_or(|(current, _)| *current != index)
                {
                    // The span of the stratum before closes first.
                    drop(stratum.take());
                    stratum = Some((index, tracing::info_span!("stratum", index).entered()));
                }
            }
            self.fire(activation);
            self.settle();
        }
    }

    /// The session's state: every live fact, the alerts and errors so far.
    pub fn outcome(&self) -> Outcome {
        Outcome::collect(
            &self.program,
            &self.store,
            &self.alerts,
            &self.errors.standing(),
            self.stopped.clone(),
        )
    }

    /// The alerts raised so far, each with the facts of its activation.
    pub fn alerts(&self) -> impl Iterator<Item = (Alert, &[FactId])> {
        self.alerts
            .iter()
            .map(|raised| (raised.finish(&self.program, &self.store), raised.ids()))
    }

    /// The run-time errors standing, each with the facts it was met on, and the loop error
    /// the last run stopped on.
    pub fn run_errors(&self) -> (Vec<(RunError, Vec<FactId>)>, Option<RunError>) {
        let standing = self.errors.standing();
        let errors = standing
            .iter()
            .map(|raised| {
                (
                    raised.finish(&self.program, &self.store),
                    raised.ids().to_vec(),
                )
            })
            .collect();
        (errors, self.stopped.clone())
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The interner of the store's text, for making text values to insert.
    pub fn interner_mut(&mut self) -> &mut reckon_fact_store::Interner {
        self.store.interner_mut()
    }

    /// The network.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// How many node activations the session has done so far, in all: a measure of how
    /// much work a change caused.
    pub fn activity(&self) -> u64 {
        self.activity.iter().sum()
    }

    /// Counts of the work done so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// How many tokens (partial matches) are live.
    pub fn live_tokens(&self) -> usize {
        self.tokens.live()
    }
}
