//! Facts entering, leaving and changing: each fact's tests are decided once — the
//! `field == constant` ones by one lookup per field, the others evaluated — and it joins
//! the alpha memories whose tests all pass, looking only at the memories whose gate test
//! passed; a change of one field re-decides the tests only if one reads it, and passes the
//! fact again only through the memories and nodes that read the field.

use reckon_fact_store::{FactId, FactStore, FieldId};

use super::Session;
use super::errors::Basis;
use crate::compile::{Eval, Slot};
use crate::hash_key::HashKey;
use crate::network::MemoryId;

/// Which tests the fact being looked at passed: `marks[test] == epoch`. One pass per fact,
/// no clearing between facts.
#[derive(Debug, Default)]
pub(crate) struct Marks {
    marks: Vec<u32>,
    epoch: u32,
}

impl Marks {
    pub(crate) fn new(tests: usize) -> Marks {
        Marks {
            marks: vec![0; tests],
            epoch: 0,
        }
    }

    /// Forgets every mark.
    fn start(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.marks.fill(0);
            self.epoch = 1;
        }
    }

    fn mark(&mut self, test: usize) {
        self.marks[test] = self.epoch;
    }

    fn passed(&self, test: usize) -> bool {
        self.marks[test] == self.epoch
    }
}

impl<S: FactStore> Session<S> {
    /// Brings a live fact of the store into the network.
    pub(super) fn assert_fact(&mut self, fact: FactId) {
        for memory in self.memories_of(fact) {
            self.members[memory].insert(fact);
            for node in self.memory_successors(memory) {
                self.right_add(node, fact);
            }
        }
    }

    /// Takes a fact out of the network (before the store forgets it).
    pub(super) fn retract_fact(&mut self, fact: FactId) {
        self.errors.fall(&Basis::Fact(fact));
        let memories = self.net.types[fact.fact_type().index()].memories.clone();
        for memory in memories {
            if self.members[memory].remove(&fact) {
                for node in self.memory_successors(memory) {
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
        let alpha = &self.net.types[fact.fact_type().index()];
        let mut concerned = alpha
            .by_field
            .get(field.index())
            .cloned()
            .unwrap_or_default();
        let retest = alpha
            .tests
            .iter()
            .any(|test| self.net.tests[*test].reads.contains(&field));
        // No test reads the field: the fact stays in exactly the memories it is in.
        let now = retest.then(|| self.memories_of(fact));
        // A test that does not read the field gives what it gave before the change: where
        // one of a memory's fails now, the fact was not in the memory and is not now.
        if now.is_some() {
            concerned.retain(|&memory| {
                self.net.memories[memory].tests.iter().all(|&test| {
                    self.marks.passed(test) || self.net.tests[test].reads.contains(&field)
                })
            });
        }
        for memory in concerned {
            let was = self.members[memory].contains(&fact);
            let is = match &now {
                Some(now) => now.binary_search(&memory).is_ok(),
                None => was,
            };
            let successors = self.memory_successors(memory);
            match (was, is) {
                (true, false) => {
                    self.members[memory].remove(&fact);
                    for node in successors {
                        self.right_remove(node, fact);
                    }
                }
                (false, true) => {
                    self.members[memory].insert(fact);
                    for node in successors {
                        self.right_add(node, fact);
                    }
                }
                (true, true) => {
                    for node in successors {
                        let node_info = &self.net.nodes[node];
                        if node_info.regroup_reads.contains(&field) {
                            self.regroup(node, fact);
                        } else if node_info.match_reads.contains(&field) {
                            self.right_remove(node, fact);
                            self.right_add(node, fact);
                        } else if node_info.reads.contains(&field) {
                            self.recompute_activations_below(node, fact);
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
        self.marks.start();
        let alpha = &self.net.types[fact.fact_type().index()];
        let mut candidates = alpha.open.clone();
        for dispatch in &alpha.dispatch {
            let value = match self.store.get_field(fact, dispatch.field) {
                Ok(Some(value)) => Some(value),
                _ => dispatch.default.clone(),
            };
            let Some(key) = HashKey::of(value.as_ref()) else {
                continue;
            };
            for &test in dispatch.by_value.get(&key).into_iter().flatten() {
                self.marks.mark(test);
                candidates.extend(alpha.gated.get(&test).into_iter().flatten());
            }
        }
        let frame = [Slot::Fact(fact)];
        let mut failed = Vec::new();
        for &test in &alpha.scanned {
            let code = &self.net.tests[test].code;
            let mut eval = Eval::new(&mut self.store, &self.net.calcs, &frame);
            match eval.holds(code) {
                Ok(true) => self.marks.mark(test),
                Ok(false) => {}
                Err(error) => failed.push((test, error)),
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let memories = &self.net.memories;
        candidates.retain(|&memory| {
            memories[memory]
                .tests
                .iter()
                .all(|&test| self.marks.passed(test))
        });
        for (test, error) in failed {
            let users = self.net.tests[test].users.clone();
            for (rule, span) in users {
                self.record_error(rule, span, &error, &[fact], &[Basis::Fact(fact)]);
            }
        }
        candidates
    }
}
