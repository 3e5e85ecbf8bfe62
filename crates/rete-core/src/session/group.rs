//! Grouping: the matches reaching a group node are kept by their group key, each with the
//! values it brings (its value keys and aggregated values, evaluated once, when it joins);
//! each group keeps those values per column as an ordered multiset (canonical order, so
//! `min`, `max` and `count` are read off its ends and length, and `sum`, `avg` and
//! `collect` fold it in the order the semantics asks for). Once per step, before anything
//! fires, each group whose matches changed gets its token (keys and aggregates) anew, so
//! what follows sees one match per group and a bulk load folds each group once.

use crate::maps::HashMap;
use std::cmp::Ordering;
use std::sync::Arc;

use reckon_fact_store::{FactId, FactStore, Interner, Value};
use reckon_rule_ir::AggOp;
use reckon_rule_ir::ops::Cell;

use super::Session;
use super::beta::Stale;
use super::errors::Basis;
use super::tokens::{GroupItem, Item, Key, KeyAtom, TokenId, key_heap_bytes};
use crate::aggregate;
use crate::compile::{Eval, Slot};
use crate::hash_key::HashKey;
use crate::network::{GroupKey, NodeId, NodeKind};
use crate::order::cmp_values;

/// A group node's groups.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    groups: HashMap<Key, Group>,
    member_of: HashMap<TokenId, Member>,
}

/// A match in a group: the group's key and the values it brings, one per column.
#[derive(Debug)]
struct Member {
    key: Key,
    values: Vec<Cell>,
    failed: bool,
}

#[derive(Debug, Default)]
struct Group {
    /// The matches, in the order they arrived.
    members: Vec<TokenId>,
    token: Option<TokenId>,
    /// Per column (each value key, then each aggregate with a value): the members' values,
    /// missing ones left out, in canonical order, each with its member.
    columns: Vec<Vec<(Value, TokenId)>>,
    /// How many members have a value that failed to evaluate: while any does, the group
    /// has no match.
    failed: usize,
}

impl Group {
    fn add(&mut self, token: TokenId, member: &Member, interner: &Interner) {
        self.members.push(token);
        self.failed += usize::from(member.failed);
        self.columns.resize_with(member.values.len(), Vec::new);
        for (column, value) in self.columns.iter_mut().zip(&member.values) {
            if let Some(value) = value
                && let Err(at) =
                    column.binary_search_by(|entry| order(entry, value, token, interner))
            {
                column.insert(at, (value.clone(), token));
            }
        }
    }

    fn remove(&mut self, token: TokenId, member: &Member, interner: &Interner) {
        self.members.retain(|other| *other != token);
        self.failed -= usize::from(member.failed);
        for (column, value) in self.columns.iter_mut().zip(&member.values) {
            if let Some(value) = value
                && let Ok(at) =
                    column.binary_search_by(|entry| order(entry, value, token, interner))
            {
                column.remove(at);
            }
        }
    }
}

/// Where a column entry stands against `(value, token)`: by value canonically, then by
/// member.
fn order(entry: &(Value, TokenId), value: &Value, token: TokenId, interner: &Interner) -> Ordering {
    cmp_values(&entry.0, value, interner).then(entry.1.cmp(&token))
}

impl Groups {
    /// The member tokens of the group with `key`, in the order they arrived.
    pub(super) fn members(&self, key: &[KeyAtom]) -> &[TokenId] {
        self.groups.get(key).map_or(&[], |group| &group.members)
    }

    /// Estimated bytes of the groups and their index of members.
    pub(super) fn bytes(&self) -> usize {
        use std::mem::size_of;
        let entry = size_of::<Key>() + size_of::<Group>() + 1;
        let mut bytes = self.groups.capacity() * entry;
        bytes += self.member_of.capacity() * (size_of::<TokenId>() + size_of::<Member>() + 1);
        for (key, group) in &self.groups {
            bytes += key_heap_bytes(key);
            bytes += group.members.capacity() * size_of::<TokenId>();
            for column in &group.columns {
                bytes += column.capacity() * size_of::<(Value, TokenId)>();
            }
        }
        for member in self.member_of.values() {
            bytes += key_heap_bytes(&member.key);
            bytes += member.values.capacity() * size_of::<Cell>();
        }
        bytes
    }
}

impl<S: FactStore> Session<S> {
    /// A match reached the group node.
    pub(super) fn group_add(&mut self, node: NodeId, token: TokenId) {
        let Some(member) = self.member(node, token) else {
            return;
        };
        let key = member.key.clone();
        let interner = self.store.interner();
        let groups = &mut self.nodes[node].groups;
        let group = groups.groups.entry(key.clone()).or_default();
        group.add(token, &member, interner);
        groups.member_of.insert(token, member);
        self.mark_stale(Stale::Group(node, key));
    }

    /// A match left the group node.
    pub(super) fn group_remove(&mut self, node: NodeId, token: TokenId) {
        let interner = self.store.interner();
        let groups = &mut self.nodes[node].groups;
        let Some(member) = groups.member_of.remove(&token) else {
            return;
        };
        if let Some(group) = groups.groups.get_mut(&member.key) {
            group.remove(token, &member, interner);
        }
        self.mark_stale(Stale::Group(node, member.key));
    }

    /// A field of `fact` that only the group nodes below `node` read changed: each of the
    /// fact's matches there leaves its group and joins again, with the key and values it
    /// has now (the errors met on it go, and come back if they still stand).
    pub(super) fn regroup(&mut self, node: NodeId, fact: FactId) {
        let tokens: Vec<TokenId> = self.nodes[node]
            .by_fact
            .get(&fact)
            .map(|tokens| tokens.to_vec())
            .unwrap_or_default();
        let net = Arc::clone(&self.net);
        let groups = &net.nodes[node].children;
        for token in tokens {
            self.errors.fall(&Basis::Token(token));
            for &group in groups {
                self.activity[group] += 1;
                self.group_remove(group, token);
                self.group_add(group, token);
            }
        }
    }

    /// A group's token was removed.
    pub(super) fn group_token_removed(&mut self, node: NodeId, token: TokenId) {
        if let Item::Group(item) = &self.tokens.get(token).item
            && let Some(group) = self.nodes[node].groups.groups.get_mut(&item.key)
            && group.token == Some(token)
        {
            group.token = None;
        }
    }

    /// The matches of the group whose token is `token`, in the order they arrived.
    pub(super) fn group_members(&self, node: NodeId, token: TokenId) -> Vec<TokenId> {
        match &self.tokens.get(token).item {
            Item::Group(item) => self.nodes[node]
                .groups
                .groups
                .get(&item.key)
                .map(|group| group.members.clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Gives a group whose matches changed its token anew (or none, once it is empty).
    pub(super) fn refresh_group(&mut self, node: NodeId, key: Key) {
        let basis = Basis::Group(node, key.clone());
        self.errors.fall(&basis);
        let Some(group) = self.nodes[node].groups.groups.get(&key) else {
            return;
        };
        let (first, current, failed) = (group.members.first().copied(), group.token, group.failed);
        let Some(first) = first else {
            if let Some(token) = current {
                self.remove_token(token);
            }
            self.nodes[node].groups.groups.remove(&key);
            return;
        };
        let frame = match failed {
            0 => self.group_frame(node, &key, first, &basis),
            _ => Err(()),
        };
        let frame = match frame {
            Ok(frame) => frame,
            Err(()) => {
                if let Some(token) = current {
                    self.remove_token(token);
                }
                return;
            }
        };
        // Re-made even when keys and aggregates stay the same: the members changed, and the
        // rule's later conditions and actions may read them (a fact key's fields, a
        // per-member emit).
        if let Some(token) = current {
            self.remove_token(token);
        }
        let item = Item::Group(Box::new(GroupItem {
            key: key.clone(),
            frame,
        }));
        let token = self.tokens.add(None, node, item);
        if let Some(group) = self.nodes[node].groups.groups.get_mut(&key) {
            group.token = Some(token);
        }
        self.pass_on(node, token);
    }

    /// A match's group key and the values it brings to the group; `None` (after recording
    /// the error) when a key part fails to evaluate. A value that fails is recorded, and
    /// the member marked failed.
    fn member(&mut self, node: NodeId, token: TokenId) -> Option<Member> {
        let NodeKind::Group(group) = &self.net.nodes[node].kind else {
            return None;
        };
        let frame = self.tokens.frame(token);
        let bases = [Basis::Token(token)];
        let mut key = Key::with_capacity(group.keys.len());
        let mut values = Vec::new();
        let mut code_index = 0;
        for part in &group.keys {
            match part {
                GroupKey::Fact(slot) => match frame.get(usize::from(*slot)) {
                    Some(Slot::Fact(fact)) => key.push(KeyAtom::Fact(*fact, self.version(*fact))),
                    _ => key.push(KeyAtom::Missing),
                },
                GroupKey::Value(code) => {
                    match Eval::new(&mut self.store, &self.net.calcs, &frame).eval(code) {
                        Ok(value) => {
                            let atom = HashKey::of(value.as_ref());
                            key.push(
                                atom.map_or(KeyAtom::Missing, |atom| {
                                    KeyAtom::Value(Box::new(atom))
                                }),
                            );
                            values.push(value);
                        }
                        Err(error) => {
                            self.record_node_error(node, code_index, &error, &frame, &bases);
                            return None;
                        }
                    }
                    code_index += 1;
                }
            }
        }
        // The first value that fails is an error of this match, which then keeps its group
        // from having a match.
        let mut failure = None;
        for (_, code) in &group.aggregates {
            let Some(code) = code else {
                continue;
            };
            let value = match failure {
                Some(_) => Ok(None),
                None => Eval::new(&mut self.store, &self.net.calcs, &frame).eval(code),
            };
            match value {
                Ok(value) => values.push(value),
                Err(error) => {
                    failure = Some((code_index, error));
                    values.push(None);
                }
            }
            code_index += 1;
        }
        let failed = failure.is_some();
        if let Some((code_index, error)) = failure {
            self.record_node_error(node, code_index, &error, &frame, &bases);
        }
        Some(Member {
            key,
            values,
            failed,
        })
    }

    /// A group's frame: its key parts (a fact key from its first member, a value key as
    /// the least of its members' values, so `1.0` and `1.00` in one group show the same way
    /// for any order), then its aggregates, read off the columns.
    fn group_frame(
        &mut self,
        node: NodeId,
        key: &[KeyAtom],
        first: TokenId,
        basis: &Basis,
    ) -> Result<Vec<Slot>, ()> {
        let NodeKind::Group(spec) = &self.net.nodes[node].kind else {
            return Err(());
        };
        let Some(group) = self.nodes[node].groups.groups.get(key) else {
            return Err(());
        };
        let interner = self.store.interner();
        let first_frame = self.tokens.frame(first);
        let mut out = Vec::with_capacity(spec.keys.len() + spec.aggregates.len());
        let mut columns = group.columns.iter();
        let mut fact_keys = Vec::new();
        for part in &spec.keys {
            match part {
                GroupKey::Fact(slot) => {
                    let slot = first_frame[usize::from(*slot)].clone();
                    fact_keys.push(slot.clone());
                    out.push(slot);
                }
                GroupKey::Value(_) => {
                    let least = columns.next().and_then(|c| c.first()).map(|e| e.0.clone());
                    out.push(Slot::Value(least));
                }
            }
        }
        let mut code_index = spec.keys.len() - fact_keys.len();
        let mut failure = None;
        for (op, value) in &spec.aggregates {
            let result = match value {
                None => aggregate::count_all(group.members.len(), None),
                Some(_) => {
                    let column = columns.next().map_or(&[][..], Vec::as_slice);
                    match op {
                        AggOp::Count => aggregate::count_all(column.len(), None),
                        AggOp::Min => Ok(column.first().map(|e| e.0.clone())),
                        AggOp::Max => Ok(column.last().map(|e| e.0.clone())),
                        _ => {
                            let values = column.iter().map(|e| Some(e.0.clone()));
                            aggregate::fold(*op, values, None, interner)
                        }
                    }
                }
            };
            match result {
                Ok(value) => out.push(Slot::Value(value)),
                Err(error) => {
                    failure = Some((code_index, error));
                    break;
                }
            }
            if value.is_some() {
                code_index += 1;
            }
        }
        if let Some((code_index, error)) = failure {
            // A fold that fails names the group's fact keys.
            let bases = std::slice::from_ref(basis);
            self.record_node_error(node, code_index, &error, &fact_keys, bases);
            return Err(());
        }
        Ok(out)
    }
}
