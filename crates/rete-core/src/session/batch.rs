//! Set-at-a-time propagation: facts that enter a memory together (a bulk load, a batch of
//! inserts) go through each successor node as one set. Each fact is indexed by its join
//! key first; then each parent token whose key some of them share is visited once for
//! all of them: a join extends it by each, a `no` or `exists` changes state at most once,
//! an accumulation is marked stale once, and a successor pattern re-links once, instead of
//! once per fact.

use std::sync::Arc;

use reckon_fact_store::{FactId, FactStore};

use super::Session;
use super::beta::{Kind, Stale, kind_of};
use super::errors::Basis;
use super::tokens::Item;
use crate::hash_key::JoinKey;
use crate::maps::HashMap;
use crate::network::NodeId;

impl<S: FactStore> Session<S> {
    /// Brings live facts of the store into the network together.
    pub(super) fn assert_all(&mut self, facts: &[FactId]) {
        let mut entering: Vec<Vec<FactId>> = vec![Vec::new(); self.net.memories.len()];
        for &fact in facts {
            for memory in self.memories_of(fact) {
                self.members[memory].insert(fact);
                entering[memory].push(fact);
            }
        }
        let net = Arc::clone(&self.net);
        for (memory, batch) in entering.iter().enumerate() {
            if batch.is_empty() {
                continue;
            }
            for &node in &net.memories[memory].successors {
                self.right_add_all(node, batch);
            }
        }
    }

    /// Facts entered the node's memory together.
    pub(super) fn right_add_all(&mut self, node: NodeId, facts: &[FactId]) {
        self.activity[node] += facts.len() as u64;
        // The facts by join key, keys in first-seen order; a map finds a key's place only
        // when there is more than one fact (a single one is the hot path of every change).
        let mut groups: Vec<(JoinKey, Vec<FactId>)> = Vec::new();
        let mut place: HashMap<JoinKey, usize> = HashMap::default();
        for &fact in facts {
            self.errors.fall(&Basis::Right(node, fact));
            let Some(key) = self.right_key_of(node, fact) else {
                continue;
            };
            let state = &mut self.nodes[node];
            let bucket = state.right.entry(key.clone()).or_default();
            bucket.push(fact);
            let at = bucket.len() - 1;
            state.right_key.insert(fact, (key.clone(), at));
            if facts.len() == 1 {
                groups.push((key, vec![fact]));
                continue;
            }
            match place.get(&key) {
                Some(&at) => groups[at].1.push(fact),
                None => {
                    place.insert(key.clone(), groups.len());
                    groups.push((key, vec![fact]));
                }
            }
        }
        let kind = kind_of(&self.net.nodes[node].kind);
        for (key, joining) in groups {
            let tokens = self.nodes[node].left.get(&key).cloned().unwrap_or_default();
            for token in tokens {
                match kind {
                    Kind::Join => {
                        for &fact in &joining {
                            if self.joins(node, token, fact) {
                                let item = Item::Fact(fact, self.version(fact));
                                self.add_child(node, token, item);
                            }
                        }
                    }
                    Kind::Not | Kind::Exists => {
                        let joined: Vec<FactId> = joining
                            .iter()
                            .copied()
                            .filter(|&fact| self.joins(node, token, fact))
                            .collect();
                        let matched = self.nodes[node].matched.entry(token).or_default();
                        let before = matched.len();
                        matched.extend(joined);
                        if before == 0 && !matched.is_empty() {
                            if kind == Kind::Not {
                                self.remove_children_at(node, token);
                            } else {
                                self.add_child(node, token, Item::None);
                            }
                        }
                    }
                    Kind::Accumulate => {
                        let joined: Vec<FactId> = joining
                            .iter()
                            .copied()
                            .filter(|&fact| self.joins(node, token, fact))
                            .collect();
                        if !joined.is_empty() {
                            for &fact in &joined {
                                self.fold_add(node, token, fact);
                            }
                            self.nodes[node]
                                .matched
                                .entry(token)
                                .or_default()
                                .extend(joined);
                            self.mark_stale(Stale::Accumulate(node, token));
                        }
                    }
                    Kind::Next => self.relink(node, token),
                    _ => unreachable!("only joins take facts"),
                }
            }
        }
    }
}
