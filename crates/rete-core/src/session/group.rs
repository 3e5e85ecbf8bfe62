//! Grouping: the matches reaching a group node are kept by their group key; once per step,
//! before anything fires, each group whose matches changed gets its token (keys and
//! aggregates) anew, so what follows sees one match per group and a bulk load folds each
//! group once.

use std::collections::HashMap;

use reckon_fact_store::FactStore;
use reckon_rule_ir::ops::Cell;

use super::Session;
use super::beta::Stale;
use super::errors::Basis;
use super::tokens::{GroupItem, Item, KeyAtom, TokenId};
use crate::aggregate;
use crate::compile::{Eval, Slot};
use crate::hash_key::HashKey;
use crate::network::{GroupKey, NodeId, NodeKind};
use crate::order::cmp_cells;

/// A group node's groups.
#[derive(Debug, Default)]
pub(crate) struct Groups {
    groups: HashMap<Vec<KeyAtom>, Group>,
    member_of: HashMap<TokenId, Vec<KeyAtom>>,
}

#[derive(Debug, Default)]
struct Group {
    members: Vec<TokenId>,
    token: Option<TokenId>,
}

impl Groups {
    /// Estimated bytes of the groups and their index of members.
    pub(super) fn bytes(&self) -> usize {
        use std::mem::size_of;
        let entry = size_of::<Vec<KeyAtom>>() + size_of::<Group>() + 1;
        let mut bytes = self.groups.capacity() * entry;
        bytes += self.member_of.capacity() * (size_of::<TokenId>() + size_of::<Vec<KeyAtom>>() + 1);
        for (key, group) in &self.groups {
            bytes += key.capacity() * size_of::<KeyAtom>();
            bytes += group.members.capacity() * size_of::<TokenId>();
        }
        for key in self.member_of.values() {
            bytes += key.capacity() * size_of::<KeyAtom>();
        }
        bytes
    }
}

impl<S: FactStore> Session<S> {
    /// A match reached the group node.
    pub(super) fn group_add(&mut self, node: NodeId, token: TokenId) {
        let Some(key) = self.group_key(node, token) else {
            return;
        };
        let groups = &mut self.nodes[node].groups;
        groups
            .groups
            .entry(key.clone())
            .or_default()
            .members
            .push(token);
        groups.member_of.insert(token, key.clone());
        self.mark_stale(Stale::Group(node, key));
    }

    /// A match left the group node.
    pub(super) fn group_remove(&mut self, node: NodeId, token: TokenId) {
        let groups = &mut self.nodes[node].groups;
        let Some(key) = groups.member_of.remove(&token) else {
            return;
        };
        if let Some(group) = groups.groups.get_mut(&key) {
            group.members.retain(|member| *member != token);
        }
        self.mark_stale(Stale::Group(node, key));
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
    pub(super) fn refresh_group(&mut self, node: NodeId, key: Vec<KeyAtom>) {
        let basis = Basis::Group(node, key.clone());
        self.errors.fall(&basis);
        let Some(group) = self.nodes[node].groups.groups.get(&key) else {
            return;
        };
        let (members, current) = (group.members.clone(), group.token);
        if members.is_empty() {
            if let Some(token) = current {
                self.remove_token(token);
            }
            self.nodes[node].groups.groups.remove(&key);
            return;
        }
        let frame = match self.group_frame(node, &members, &basis) {
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

    /// The key of the group a match belongs to; `None` (after recording the error) when a
    /// part fails to evaluate.
    fn group_key(&mut self, node: NodeId, token: TokenId) -> Option<Vec<KeyAtom>> {
        let NodeKind::Group(group) = &self.net.nodes[node].kind else {
            return None;
        };
        let frame = self.tokens.frame(token);
        let mut key = Vec::with_capacity(group.keys.len());
        let mut code_index = 0;
        for part in &group.keys {
            match part {
                GroupKey::Fact(slot) => match frame.get(usize::from(*slot)) {
                    Some(Slot::Fact(fact)) => key.push(KeyAtom::Fact(*fact, self.version(*fact))),
                    _ => key.push(KeyAtom::Missing),
                },
                GroupKey::Value(code) => {
                    let value = Eval::new(&mut self.store, &self.net.calcs, &frame).eval(code);
                    match value {
                        Ok(value) => key.push(
                            HashKey::of(value.as_ref()).map_or(KeyAtom::Missing, KeyAtom::Value),
                        ),
                        Err(error) => {
                            let bases = [Basis::Token(token)];
                            self.record_node_error(node, code_index, &error, &frame, &bases);
                            return None;
                        }
                    }
                    code_index += 1;
                }
            }
        }
        Some(key)
    }

    /// A group's frame: its key parts (a value key as the least of its members' values, so
    /// `1.0` and `1.00` in one group show the same way for any order), then its aggregates.
    fn group_frame(
        &mut self,
        node: NodeId,
        members: &[TokenId],
        basis: &Basis,
    ) -> Result<Vec<Slot>, ()> {
        let bases = std::slice::from_ref(basis);
        let NodeKind::Group(group) = &self.net.nodes[node].kind else {
            return Err(());
        };
        let keys = group.keys.len();
        let aggregates = group.aggregates.clone();
        let key_codes: Vec<Option<crate::compile::Code>> = group
            .keys
            .iter()
            .map(|key| match key {
                GroupKey::Value(code) => Some(code.clone()),
                GroupKey::Fact(_) => None,
            })
            .collect();
        let key_slots: Vec<Option<u16>> = group
            .keys
            .iter()
            .map(|key| match key {
                GroupKey::Fact(slot) => Some(*slot),
                GroupKey::Value(_) => None,
            })
            .collect();
        let frames: Vec<Vec<Slot>> = members.iter().map(|m| self.tokens.frame(*m)).collect();
        let mut out = Vec::with_capacity(keys + aggregates.len());
        let mut code_index = 0;
        for (code, slot) in key_codes.iter().zip(&key_slots) {
            if let Some(slot) = slot {
                out.push(frames[0][usize::from(*slot)].clone());
                continue;
            }
            let code = code.as_ref().expect("a value key has code");
            let mut least: Option<Cell> = None;
            for frame in &frames {
                let value = Eval::new(&mut self.store, &self.net.calcs, frame)
                    .eval(code)
                    .map_err(|error| {
                        self.record_node_error(node, code_index, &error, frame, bases)
                    })?;
                let interner = self.store.interner();
                if least
                    .as_ref()
                    .is_none_or(|l| cmp_cells(value.as_ref(), l.as_ref(), interner).is_lt())
                {
                    least = Some(value);
                }
            }
            out.push(Slot::Value(least.flatten()));
            code_index += 1;
        }
        for (op, value) in &aggregates {
            let result = match value {
                None => aggregate::count_all(members.len(), None),
                Some(code) => {
                    // Every member's value is evaluated, each failure an error of its own.
                    let mut values = Vec::with_capacity(frames.len());
                    let mut failed = false;
                    for frame in &frames {
                        match Eval::new(&mut self.store, &self.net.calcs, frame).eval(code) {
                            Ok(value) => values.push(value),
                            Err(error) => {
                                self.record_node_error(node, code_index, &error, frame, bases);
                                failed = true;
                            }
                        }
                    }
                    if failed {
                        return Err(());
                    }
                    aggregate::fold(*op, values, None, self.store.interner())
                }
            };
            match result {
                Ok(value) => out.push(Slot::Value(value)),
                Err(error) => {
                    // A fold that fails names the group's fact keys.
                    let keys: Vec<Slot> = key_slots
                        .iter()
                        .flatten()
                        .map(|slot| frames[0][usize::from(*slot)].clone())
                        .collect();
                    self.record_node_error(node, code_index, &error, &keys, bases);
                    return Err(());
                }
            }
            if value.is_some() {
                code_index += 1;
            }
        }
        Ok(out)
    }
}
