//! How much memory a session's network holds, by node kind: the tokens each kind of node
//! made and the indexes it keeps, and the alpha memories. The figures are estimates from
//! lengths and capacities (what the collections reserved, their keys' heap parts), not an
//! allocator's count, and leave out the store, which reports its own.

use std::collections::BTreeMap;

use crate::maps::HashMap;
use std::fmt;
use std::mem::size_of;

use reckon_fact_store::{FactId, FactStore};

use super::Session;
use super::beta::NodeState;
use super::tokens::{Item, Token, TokenId, TokenList};
use crate::hash_key::JoinKey;
use crate::network::describe::kind_name;

/// Estimated bytes a session's network holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemoryUse {
    /// By beta node kind (`join`, `not`, ..., `terminal`): its tokens and indexes.
    pub by_kind: BTreeMap<&'static str, usize>,
    /// The alpha memories (sets of fact ids).
    pub alpha: usize,
}

impl MemoryUse {
    /// Every byte counted.
    pub fn total(&self) -> usize {
        self.by_kind.values().sum::<usize>() + self.alpha
    }
}

impl fmt::Display for MemoryUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes: alpha {}", self.total(), self.alpha)?;
        for (kind, bytes) in &self.by_kind {
            write!(f, ", {kind} {bytes}")?;
        }
        Ok(())
    }
}

impl<S: FactStore> Session<S> {
    /// Estimated memory of the network's state, by node kind (see [`MemoryUse`]).
    pub fn memory_use(&self) -> MemoryUse {
        let mut by_kind: BTreeMap<&'static str, usize> = BTreeMap::new();
        for (node, state) in self.nodes.iter().enumerate().skip(1) {
            let kind = kind_name(&self.net.nodes[node].kind);
            *by_kind.entry(kind).or_insert(0) += state.bytes();
        }
        for token in self.tokens.iter() {
            if token.node() == 0 {
                continue;
            }
            let kind = kind_name(&self.net.nodes[token.node()].kind);
            *by_kind.entry(kind).or_insert(0) += token_bytes(token);
        }
        let alpha = self.members.iter().map(|members| members.bytes()).sum();
        MemoryUse { by_kind, alpha }
    }
}

fn token_bytes(token: &Token) -> usize {
    let item = match &token.item {
        Item::Group(group) => {
            size_of::<super::tokens::GroupItem>()
                + super::tokens::key_heap_bytes(&group.key)
                + group.frame.capacity() * size_of::<crate::compile::Slot>()
        }
        Item::Value(_) => size_of::<reckon_rule_ir::ops::Cell>(),
        Item::Element(..) => size_of::<reckon_fact_store::Value>(),
        Item::None | Item::Fact(..) => 0,
    };
    size_of::<Option<Token>>() + item
}

/// A hash map's reserved entries (with a control byte each).
fn map_bytes<K, V>(map: &HashMap<K, V>) -> usize {
    map.capacity() * (size_of::<K>() + size_of::<V>() + 1)
}

/// A join key's bytes outside the entry that holds it.
fn key_bytes(key: &JoinKey) -> usize {
    if key.spilled() {
        std::mem::size_of_val(key.as_slice())
    } else {
        0
    }
}

/// A token list's bytes outside the token or entry that holds it.
fn list_bytes(list: &TokenList) -> usize {
    if list.spilled() {
        list.capacity() * size_of::<TokenId>()
    } else {
        0
    }
}

impl NodeState {
    /// Estimated bytes of the node's indexes.
    fn bytes(&self) -> usize {
        let mut bytes = map_bytes(&self.left) + map_bytes(&self.left_key);
        bytes += map_bytes(&self.right) + map_bytes(&self.right_key);
        bytes += map_bytes(&self.by_fact) + map_bytes(&self.matched);
        for (key, tokens) in &self.left {
            bytes += key_bytes(key) + tokens.capacity() * size_of::<TokenId>();
        }
        for key in self.left_key.values() {
            bytes += key_bytes(key);
        }
        for (key, facts) in &self.right {
            bytes += key_bytes(key) + facts.capacity() * size_of::<FactId>();
        }
        for (key, _) in self.right_key.values() {
            bytes += key_bytes(key);
        }
        for tokens in self.by_fact.values() {
            bytes += list_bytes(tokens);
        }
        for facts in self.matched.values() {
            bytes += facts.capacity() * size_of::<FactId>();
        }
        bytes + self.groups.bytes()
    }
}
