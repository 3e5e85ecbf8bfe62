//! Facts entering, leaving and changing: each fact's tests are decided once — the
//! `field == constant` ones by one lookup per field, the others evaluated — and it joins
//! the alpha memories whose tests all pass, looking only at the memories whose gate test
//! passed; a change of one field re-decides the tests only if one reads it, and passes the
//! fact again only through the memories and nodes that read the field.

use std::sync::Arc;

use reckon_fact_store::{FactId, FactStore, FieldId};
use reckon_rule_ir::ops::EvalError;

use super::Session;
use super::errors::Basis;
use crate::compile::{Eval, Slot};
use crate::hash_key::HashKey;
use crate::network::{Decided, MemoryId, Network, TestId};

/// What the fact being looked at gave for each test decided so far: `marks[test]` is the
/// epoch doubled, plus one when it passed. One pass per fact, no clearing between facts.
#[derive(Debug, Default)]
pub(crate) struct Marks {
    marks: Vec<u32>,
    epoch: u32,
    /// The dispatched tests the fact passed.
    dispatched: Vec<TestId>,
}

impl Marks {
    pub(crate) fn new(tests: usize) -> Marks {
        Marks {
            marks: vec![0; tests],
            epoch: 0,
            dispatched: Vec::new(),
        }
    }

    /// Forgets every mark.
    fn start(&mut self) {
        self.dispatched.clear();
        self.epoch += 1;
        if self.epoch > u32::MAX >> 1 {
            self.marks.fill(0);
            self.epoch = 1;
        }
    }

    fn set(&mut self, test: TestId, passed: bool) {
        self.marks[test] = self.epoch << 1 | u32::from(passed);
    }

    /// The test's result, if decided for this fact.
    fn decided(&self, test: TestId) -> Option<bool> {
        let mark = self.marks[test];
        (mark >> 1 == self.epoch).then_some(mark & 1 == 1)
    }
}

/// Whether the fact being looked at (the one `marks` were started for) passes `test`. An
/// indexed test or one evaluated on every fact is decided already (not marked is not
/// passed); a test decided on demand is evaluated the first time it is asked, and cannot
/// fail.
#[inline]
fn passes<S: FactStore>(
    marks: &mut Marks,
    store: &mut S,
    net: &Network,
    fact: FactId,
    test: TestId,
) -> bool {
    match marks.decided(test) {
        Some(passed) => passed,
        None => {
            net.tests[test].decided == Decided::OnDemand && decide(marks, store, net, fact, test)
        }
    }
}

/// Evaluates a test decided on demand, and marks what it gave.
#[inline(never)]
fn decide<S: FactStore>(
    marks: &mut Marks,
    store: &mut S,
    net: &Network,
    fact: FactId,
    test: TestId,
) -> bool {
    let frame = [Slot::Fact(fact)];
    let mut eval = Eval::new(store, &net.calcs, &frame);
    let passed = matches!(eval.holds(&net.tests[test].code), Ok(true));
    marks.set(test, passed);
    passed
}

impl<S: FactStore> Session<S> {
    /// Brings a live fact of the store into the network.
    pub(super) fn assert_fact(&mut self, fact: FactId) {
        let net = Arc::clone(&self.net);
        for memory in self.memories_of(fact) {
            self.members[memory].insert(fact);
            for &node in &net.memories[memory].successors {
                self.right_add(node, fact);
            }
        }
    }

    /// Takes a fact out of the network (before the store forgets it). The memories that
    /// hold it are those whose tests it passes, as every change of a field keeps them;
    /// asking its tests again is cheaper than probing every memory of its type, which
    /// misses the cache once a memory is large.
    pub(super) fn retract_fact(&mut self, fact: FactId) {
        self.errors.fall(&Basis::Fact(fact));
        let (holding, _) = self.passing_memories(fact);
        let net = Arc::clone(&self.net);
        for memory in holding {
            if self.members[memory].remove(fact) {
                for &node in &net.memories[memory].successors {
                    self.right_remove(node, fact);
                }
            }
        }
    }

    /// Passes on a change of one field of a fact (already made in the store).
    pub(super) fn modify(&mut self, fact: FactId, field: FieldId) {
        if !self.store.contains(fact) {
            return;
        }
        if !self.program.field(fact.fact_type(), field).derived {
            self.reorder_winners(fact);
        }
        let net = Arc::clone(&self.net);
        let Some(change) = net.types[fact.fact_type().index()]
            .by_field
            .get(field.index())
        else {
            return;
        };
        // No test reads the field: the fact stays in exactly the memories it is in.
        let now = change.retest.then(|| self.memories_of(fact));
        // A test that does not read the field gives what it gave before the change: where
        // one of those fails now, the fact was not in the memory and is not now. (Decided
        // before anything moves, while the marks are this fact's.)
        let places: Vec<usize> = if now.is_some() {
            let mut places = change.ungated.clone();
            for test in &self.marks.dispatched {
                places.extend(change.by_gate.get(test).into_iter().flatten());
            }
            places.sort_unstable();
            places.dedup();
            places
        } else {
            (0..change.memories.len()).collect()
        };
        let mut concerned = Vec::with_capacity(places.len());
        for place in places {
            let (memory, others) = &change.memories[place];
            if now.is_none()
                || others
                    .iter()
                    .all(|&test| passes(&mut self.marks, &mut self.store, &net, fact, test))
            {
                concerned.push(*memory);
            }
        }
        for memory in concerned {
            let was = self.members[memory].contains(fact);
            let is = match &now {
                Some(now) => now.binary_search(&memory).is_ok(),
                None => was,
            };
            let successors = &net.memories[memory].successors;
            match (was, is) {
                (true, false) => {
                    self.members[memory].remove(fact);
                    for &node in successors {
                        self.right_remove(node, fact);
                    }
                }
                (false, true) => {
                    self.members[memory].insert(fact);
                    for &node in successors {
                        self.right_add(node, fact);
                    }
                }
                (true, true) => {
                    for &node in successors {
                        let node_info = &net.nodes[node];
                        if node_info.regroup_reads.contains(&field) {
                            self.regroup(node, fact);
                        } else if node_info.match_reads.contains(&field) {
                            self.right_remove(node, fact);
                            self.right_add(node, fact);
                        } else if node_info.reads.contains(&field) {
                            self.recompute_activations_below(node, fact, field);
                        }
                    }
                }
                (false, false) => {}
            }
        }
    }

    /// The memories (ascending) whose tests the fact passes. A test that fails to evaluate
    /// does not pass, and is a run-time error of each rule that makes it, naming the fact.
    pub(super) fn memories_of(&mut self, fact: FactId) -> Vec<MemoryId> {
        self.errors.fall(&Basis::Fact(fact));
        let (passing, failed) = self.passing_memories(fact);
        for (test, error) in failed {
            let net = Arc::clone(&self.net);
            for &(rule, span) in &net.tests[test].users {
                self.record_error(rule, span, &error, &[fact], &[Basis::Fact(fact)]);
            }
        }
        passing
    }

    /// The memories (ascending) whose tests the fact passes, and the tests that failed to
    /// evaluate, with their errors.
    fn passing_memories(&mut self, fact: FactId) -> (Vec<MemoryId>, Vec<(TestId, EvalError)>) {
        self.marks.start();
        let alpha = &self.net.types[fact.fact_type().index()];
        let mut candidates = alpha.open.clone();
        for dispatch in &alpha.dispatch {
            let value = match self.store.field(fact, dispatch.field) {
                Some(value) => Some(value),
                None => dispatch.default.clone(),
            };
            let Some(key) = HashKey::of(value.as_ref()) else {
                continue;
            };
            for &test in dispatch.by_value.get(&key).into_iter().flatten() {
                self.marks.set(test, true);
                self.marks.dispatched.push(test);
                candidates.extend(alpha.gated.get(&test).into_iter().flatten());
            }
        }
        let frame = [Slot::Fact(fact)];
        let mut failed = Vec::new();
        for &test in &alpha.scanned {
            let code = &self.net.tests[test].code;
            let mut eval = Eval::new(&mut self.store, &self.net.calcs, &frame);
            match eval.holds(code) {
                Ok(passed) => self.marks.set(test, passed),
                Err(error) => {
                    self.marks.set(test, false);
                    failed.push((test, error));
                }
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let net = &self.net;
        candidates.retain(|&memory| {
            net.memories[memory]
                .tests
                .iter()
                .all(|&test| passes(&mut self.marks, &mut self.store, net, fact, test))
        });
        (candidates, failed)
    }
}
