//! Tokens through the beta nodes. A node is activated from the left when its parent makes
//! a token, and from the right when a fact enters or leaves its alpha memory; joins and
//! their kin index both sides by their equality keys, so a fact meets only the matches it
//! can join. Removing a token removes everything made from it.

use crate::maps::HashMap;

use std::sync::Arc;

use reckon_fact_store::{FactId, FactStore};

use super::Session;
use super::accumulate::Fold;
use super::errors::Basis;
use super::node_code::join_in;
use super::tokens::{Item, TokenId, TokenList};
use crate::compile::Slot;
use crate::hash_key::JoinKey;
use crate::network::{NodeId, NodeKind};

/// What a node remembers.
#[derive(Debug, Default)]
pub(crate) struct NodeState {
    /// Its parent's tokens by join key (joins and their kin).
    pub(super) left: HashMap<JoinKey, Vec<TokenId>>,
    pub(super) left_key: HashMap<TokenId, JoinKey>,
    /// Its memory's facts by join key, in no particular order.
    pub(super) right: HashMap<JoinKey, Vec<FactId>>,
    /// Each fact's join key and its place in the key's bucket (so that removing a fact
    /// is O(1) however many facts share the key).
    pub(super) right_key: HashMap<FactId, (JoinKey, usize)>,
    /// The tokens it made, by the fact they joined.
    pub(super) by_fact: HashMap<FactId, TokenList>,
    /// The facts that join each parent token (absence, existence, accumulation).
    pub(super) matched: HashMap<TokenId, Vec<FactId>>,
    /// A group node's groups.
    pub(super) groups: super::group::Groups,
    /// An accumulation's values, per parent token.
    pub(super) folds: HashMap<TokenId, Fold>,
}

/// A node whose output depends on many matches, to bring up to date before firing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Stale {
    /// An accumulation's result for one parent token.
    Accumulate(NodeId, TokenId),
    /// One group.
    Group(NodeId, super::tokens::Key),
}

/// Where a node's code failed: which of [`NodeKind::codes`].
pub(super) type CodeIndex = usize;

impl<S: FactStore> Session<S> {
    /// Passes a new token of `node` on to each of its children.
    pub(super) fn pass_on(&mut self, node: NodeId, token: TokenId) {
        let net = Arc::clone(&self.net);
        for &child in &net.nodes[node].children {
            self.left_add(child, token);
        }
    }

    pub(super) fn add_child(&mut self, node: NodeId, parent: TokenId, item: Item) -> TokenId {
        let fact = match item {
            Item::Fact(fact, _) => Some(fact),
            _ => None,
        };
        let child = self.tokens.add(Some(parent), node, item);
        if let Some(fact) = fact {
            self.nodes[node]
                .by_fact
                .entry(fact)
                .or_default()
                .push(child);
        }
        self.pass_on(node, child);
        child
    }

    fn left_add(&mut self, node: NodeId, token: TokenId) {
        self.activity[node] += 1;
        let kind = kind_of(&self.net.nodes[node].kind);
        match kind {
            Kind::Join | Kind::Not | Kind::Exists | Kind::Accumulate | Kind::Next => {
                // A key that is missing joins no fact; one that failed drops the match.
                let Ok(key) = self.left_key_of(node, token) else {
                    return;
                };
                let facts = match &key {
                    Some(key) => self.nodes[node].right.get(key).cloned().unwrap_or_default(),
                    None => Vec::new(),
                };
                if let Some(key) = key {
                    self.nodes[node]
                        .left
                        .entry(key.clone())
                        .or_default()
                        .push(token);
                    self.nodes[node].left_key.insert(token, key);
                }
                match kind {
                    Kind::Join => {
                        for fact in facts {
                            if self.joins(node, token, fact) {
                                let item = Item::Fact(fact, self.version(fact));
                                self.add_child(node, token, item);
                            }
                        }
                    }
                    Kind::Not | Kind::Exists => {
                        let matched: Vec<FactId> = facts
                            .into_iter()
                            .filter(|f| self.joins(node, token, *f))
                            .collect();
                        let passes = matched.is_empty() == (kind == Kind::Not);
                        self.nodes[node].matched.insert(token, matched);
                        if passes {
                            self.add_child(node, token, Item::None);
                        }
                    }
                    Kind::Accumulate => {
                        let matched: Vec<FactId> = facts
                            .into_iter()
                            .filter(|f| self.joins(node, token, *f))
                            .collect();
                        self.nodes[node].folds.insert(token, Fold::default());
                        for &fact in &matched {
                            self.fold_add(node, token, fact);
                        }
                        self.nodes[node].matched.insert(token, matched);
                        self.mark_stale(Stale::Accumulate(node, token));
                    }
                    Kind::Next => self.relink(node, token),
                    _ => unreachable!("a join kind"),
                }
            }
            Kind::Expand => {
                let net = Arc::clone(&self.net);
                match self.eval_at(token, None, net.nodes[node].kind.codes()[0]) {
                    Ok(Some(reckon_fact_store::Value::List(items))) => {
                        for (index, item) in items.iter().enumerate() {
                            self.add_child(
                                node,
                                token,
                                Item::Element(index as u32, Box::new(item.clone())),
                            );
                        }
                    }
                    Ok(_) => {}
                    Err(error) => self.node_error(node, 0, &error, token, None),
                }
            }
            Kind::Let => {
                let net = Arc::clone(&self.net);
                match self.eval_at(token, None, net.nodes[node].kind.codes()[0]) {
                    Ok(value) => {
                        self.add_child(node, token, Item::Value(Box::new(value)));
                    }
                    Err(error) => self.node_error(node, 0, &error, token, None),
                }
            }
            Kind::Guard => {
                let net = Arc::clone(&self.net);
                match self
                    .eval_at(token, None, net.nodes[node].kind.codes()[0])
                    .map(|v| reckon_rule_ir::ops::holds(&v))
                {
                    Ok(true) => {
                        self.add_child(node, token, Item::None);
                    }
                    Ok(false) => {}
                    Err(error) => self.node_error(node, 0, &error, token, None),
                }
            }
            Kind::Group => self.group_add(node, token),
            Kind::Terminal => {
                let activation = self.tokens.add(Some(token), node, Item::None);
                self.activation_added(node, activation);
            }
            Kind::Root => {}
        }
    }

    /// A fact entered the node's memory.
    pub(super) fn right_add(&mut self, node: NodeId, fact: FactId) {
        self.right_add_all(node, &[fact]);
    }

    /// A fact left the node's memory (or is about to change): everything it made here goes.
    pub(super) fn right_remove(&mut self, node: NodeId, fact: FactId) {
        self.activity[node] += 1;
        self.errors.fall(&Basis::Right(node, fact));
        let state = &mut self.nodes[node];
        let Some((key, at)) = state.right_key.remove(&fact) else {
            return;
        };
        if let Some(facts) = state.right.get_mut(&key) {
            facts.swap_remove(at);
            if let Some(moved) = facts.get(at) {
                state
                    .right_key
                    .get_mut(moved)
                    .expect("a fact in a bucket has a key")
                    .1 = at;
            }
            if facts.is_empty() {
                state.right.remove(&key);
            }
        }
        let kind = kind_of(&self.net.nodes[node].kind);
        if kind == Kind::Join {
            for token in self.nodes[node].by_fact.remove(&fact).unwrap_or_default() {
                if self.tokens.contains(token) {
                    self.remove_token(token);
                }
            }
            return;
        }
        let tokens = self.nodes[node].left.get(&key).cloned().unwrap_or_default();
        for token in tokens {
            match kind {
                Kind::Not | Kind::Exists | Kind::Accumulate => {
                    let Some(matched) = self.nodes[node].matched.get_mut(&token) else {
                        continue;
                    };
                    let before = matched.len();
                    matched.retain(|f| *f != fact);
                    if matched.len() == before {
                        continue;
                    }
                    let now_empty = matched.is_empty();
                    match kind {
                        Kind::Not if now_empty => {
                            self.add_child(node, token, Item::None);
                        }
                        Kind::Exists if now_empty => self.remove_children_at(node, token),
                        Kind::Accumulate => {
                            self.fold_remove(node, token, fact);
                            self.mark_stale(Stale::Accumulate(node, token));
                        }
                        _ => {}
                    }
                }
                Kind::Next => self.relink(node, token),
                _ => {}
            }
        }
    }

    /// Removes a token and everything made from it.
    pub(super) fn remove_token(&mut self, token: TokenId) {
        let children: Vec<TokenId> = self.tokens.children(token).collect();
        for child in children {
            if self.tokens.contains(child) {
                self.remove_token(child);
            }
        }
        let node = self.tokens.get(token).node();
        let net = Arc::clone(&self.net);
        for &child_node in &net.nodes[node].children {
            self.forget_left(child_node, token);
        }
        match &self.tokens.get(token).item {
            Item::Fact(fact, _) => {
                let fact = *fact;
                if let Some(tokens) = self.nodes[node].by_fact.get_mut(&fact) {
                    tokens.retain(|t| *t != token);
                    if tokens.is_empty() {
                        self.nodes[node].by_fact.remove(&fact);
                    }
                }
            }
            Item::Group(_) => self.group_token_removed(node, token),
            _ => {}
        }
        if matches!(self.net.nodes[node].kind, NodeKind::Terminal(_)) {
            self.activation_removed(token);
        }
        self.errors.fall(&Basis::Token(token));
        self.tokens.free(token);
    }

    /// Forgets `token` as a parent token of `node` (its children there are already gone).
    fn forget_left(&mut self, node: NodeId, token: TokenId) {
        let state = &mut self.nodes[node];
        if let Some(key) = state.left_key.remove(&token)
            && let Some(tokens) = state.left.get_mut(&key)
        {
            tokens.retain(|t| *t != token);
            if tokens.is_empty() {
                state.left.remove(&key);
            }
        }
        state.matched.remove(&token);
        state.folds.remove(&token);
        if matches!(self.net.nodes[node].kind, NodeKind::Group(_)) {
            self.group_remove(node, token);
        }
    }

    pub(super) fn remove_children_at(&mut self, node: NodeId, token: TokenId) {
        let children: Vec<TokenId> = self
            .tokens
            .children(token)
            .filter(|child| self.tokens.get(*child).node() == node)
            .collect();
        for child in children {
            self.remove_token(child);
        }
    }

    /// Re-links a successor pattern's parent token to the successor of its `after` fact.
    pub(super) fn relink(&mut self, node: NodeId, token: TokenId) {
        let NodeKind::Next(next) = &self.net.nodes[node].kind else {
            return;
        };
        let (after, order) = (next.after, next.order.clone());
        let frame = self.tokens.frame(token);
        let Some(Slot::Fact(after)) = frame.get(usize::from(after)).cloned() else {
            return;
        };
        let key = self.nodes[node].left_key.get(&token).cloned();
        let candidates = key
            .and_then(|key| self.nodes[node].right.get(&key).cloned())
            .unwrap_or_default();
        let mut best: Option<FactId> = None;
        for fact in candidates {
            if fact == after || !self.joins(node, token, fact) {
                continue;
            }
            if self.follows(fact, after, &order) != std::cmp::Ordering::Greater {
                continue;
            }
            if best.is_none_or(|b| self.follows(fact, b, &order) == std::cmp::Ordering::Less) {
                best = Some(fact);
            }
        }
        let current: Vec<TokenId> = self
            .tokens
            .children(token)
            .filter(|child| self.tokens.get(*child).node() == node)
            .collect();
        let current_fact = current
            .first()
            .and_then(|c| match self.tokens.get(*c).item {
                Item::Fact(fact, _) => Some(fact),
                _ => None,
            });
        if current_fact == best && current.len() <= 1 {
            return;
        }
        for child in current {
            self.remove_token(child);
        }
        if let Some(fact) = best {
            let item = Item::Fact(fact, self.version(fact));
            self.add_child(node, token, item);
        }
    }

    /// The order of a sequence (see [`Next::order`]), then the canonical order of facts.
    fn follows(
        &self,
        a: FactId,
        b: FactId,
        order: &[(reckon_fact_store::FieldId, Option<reckon_fact_store::Value>)],
    ) -> std::cmp::Ordering {
        let interner = self.store.interner();
        let read = |fact: FactId, field, default: &Option<reckon_fact_store::Value>| {
            self.store
                .get_field(fact, field)
                .ok()
                .flatten()
                .or_else(|| default.clone())
        };
        for (field, default) in order {
            let (x, y) = (read(a, *field, default), read(b, *field, default));
            let ordering = crate::order::cmp_cells(x.as_ref(), y.as_ref(), interner);
            if ordering != std::cmp::Ordering::Equal {
                return ordering;
            }
        }
        // Equal as read (a missing field and its default read alike): as stored, then by id.
        crate::order::cmp_facts(&self.program, &self.store, a, b)
    }

    /// True when `fact` passes the node's join tests with the match `token` ends. A test
    /// that fails to evaluate does not pass, and is a run-time error.
    pub(super) fn joins(&mut self, node: NodeId, token: TokenId, fact: FactId) -> bool {
        let net = Arc::clone(&self.net);
        let Some(join) = join_in(&net.nodes[node].kind) else {
            return false;
        };
        let offset = join.keys.len() * 2;
        for (index, code) in join.residual.iter().enumerate() {
            match self
                .eval_at(token, Some(fact), code)
                .map(|v| reckon_rule_ir::ops::holds(&v))
            {
                Ok(true) => {}
                Ok(false) => return false,
                Err(error) => {
                    self.node_error(node, offset + index, &error, token, Some(fact));
                    return false;
                }
            }
        }
        true
    }

    pub(super) fn version(&self, fact: FactId) -> u32 {
        self.versions.get(&fact).copied().unwrap_or(0)
    }
}

/// A node's kind without its data, to match on while the session is borrowed mutably.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Root,
    Join,
    Not,
    Exists,
    Accumulate,
    Next,
    Expand,
    Let,
    Guard,
    Group,
    Terminal,
}

pub(super) fn kind_of(kind: &NodeKind) -> Kind {
    match kind {
        NodeKind::Root => Kind::Root,
        NodeKind::Join(_) => Kind::Join,
        NodeKind::Not(_) => Kind::Not,
        NodeKind::Exists(_) => Kind::Exists,
        NodeKind::Accumulate(_) => Kind::Accumulate,
        NodeKind::Next(_) => Kind::Next,
        NodeKind::Expand(_) => Kind::Expand,
        NodeKind::Let(_) => Kind::Let,
        NodeKind::Guard(_) => Kind::Guard,
        NodeKind::Group(_) => Kind::Group,
        NodeKind::Terminal(_) => Kind::Terminal,
    }
}
