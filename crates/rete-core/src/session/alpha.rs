//! Facts entering, leaving and changing: each fact's shared tests are evaluated once, and
//! it joins the alpha memories whose tests all pass; a change of one field re-evaluates
//! only the tests that read it, and passes the fact again only through the nodes that read
//! the field.

use reckon_fact_store::{FactId, FactStore, FieldId};

use super::Session;
use super::errors::Basis;
use crate::compile::{Eval, Slot};

impl<S: FactStore> Session<S> {
    /// Brings a live fact of the store into the network.
    pub(super) fn assert_fact(&mut self, fact: FactId) {
        let passing = self.passing_tests(fact);
        let memories = self.net.types[fact.fact_type().index()].memories.clone();
        for memory in memories {
            if self.passes(memory, &passing) {
                self.members[memory].insert(fact);
                for node in self.memory_successors(memory) {
                    self.right_add(node, fact);
                }
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
        let type_tests = &self.net.types[fact.fact_type().index()].tests;
        let retest = type_tests
            .iter()
            .any(|test| self.net.tests[*test].reads.contains(&field));
        // No test reads the field: the fact stays in exactly the memories it is in.
        let passing = if retest {
            Some(self.passing_tests(fact))
        } else {
            None
        };
        let memories = self.net.types[fact.fact_type().index()].memories.clone();
        for memory in memories {
            let was = self.members[memory].contains(&fact);
            let is = match &passing {
                Some(passing) => self.passes(memory, passing),
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
                        if self.net.nodes[node].reads.contains(&field) {
                            self.right_remove(node, fact);
                            self.right_add(node, fact);
                        }
                    }
                }
                (false, false) => {}
            }
        }
    }

    /// The shared tests of the fact's type that it passes. A test that fails to evaluate
    /// does not pass, and is a run-time error of each rule that makes it, naming the fact.
    fn passing_tests(&mut self, fact: FactId) -> Vec<usize> {
        self.errors.fall(&Basis::Fact(fact));
        let tests = self.net.types[fact.fact_type().index()].tests.clone();
        let frame = [Slot::Fact(fact)];
        let mut passing = Vec::new();
        for test in tests {
            let code = &self.net.tests[test].code;
            let mut eval = Eval::new(&mut self.store, &self.net.calcs, &frame);
            match eval.holds(code) {
                Ok(true) => passing.push(test),
                Ok(false) => {}
                Err(error) => {
                    let users = self.net.tests[test].users.clone();
                    for (rule, span) in users {
                        self.record_error(rule, span, &error, &[fact], &[Basis::Fact(fact)]);
                    }
                }
            }
        }
        passing
    }

    fn passes(&self, memory: usize, passing: &[usize]) -> bool {
        self.net.memories[memory]
            .tests
            .iter()
            .all(|test| passing.contains(test))
    }
}
