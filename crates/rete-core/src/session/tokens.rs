//! Partial matches as tokens: each token is one step of a match (the fact a join added, a
//! list element, a value) and points at the token before it, so matches that share a
//! prefix share its tokens and no fact is ever copied into one. A group's token starts a
//! new chain, since what follows a group sees only the group.

use reckon_fact_store::{FactId, Value};
use reckon_rule_ir::ops::Cell;

use crate::compile::Slot;
use crate::hash_key::HashKey;
use crate::network::NodeId;

/// A token's index in [`Tokens`].
pub(crate) type TokenId = u32;

/// A few tokens, inline up to two.
pub(crate) type TokenList = smallvec::SmallVec<[TokenId; 2]>;

/// The token of the empty match, at the root.
pub(crate) const ROOT_TOKEN: TokenId = 0;

/// What one step of a match adds.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    /// Nothing (absence, existence, a guard): the match only went on.
    None,
    /// A fact, and its version when it was joined.
    Fact(FactId, u32),
    /// A value (a `let`, an accumulation's result).
    Value(Cell),
    /// A list element and its index.
    Element(u32, Value),
    /// A group: its key (for identity) and the frame it starts (keys, then aggregates).
    Group(Box<GroupItem>),
}

/// What a group's token holds.
#[derive(Debug, Clone)]
pub(crate) struct GroupItem {
    pub(crate) key: Vec<KeyAtom>,
    pub(crate) frame: Vec<Slot>,
}

/// One token.
#[derive(Debug)]
pub(crate) struct Token {
    /// The step before; `None` at the root and at a group.
    pub(crate) parent: Option<TokenId>,
    pub(crate) node: NodeId,
    pub(crate) item: Item,
    /// The tokens that extend this one, in no particular order (most tokens have one or
    /// two, kept inline).
    pub(crate) children: TokenList,
    /// Where this token is in its parent's `children`, so that freeing it is O(1) however
    /// many tokens extend the parent (the root may have one per fact).
    at: u32,
}

/// The arena of live tokens, reusing the places of dead ones.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    tokens: Vec<Option<Token>>,
    free: Vec<TokenId>,
}

impl Tokens {
    /// An arena holding the root token.
    pub(crate) fn new() -> Tokens {
        let mut tokens = Tokens::default();
        tokens.add(None, 0, Item::None);
        tokens
    }

    /// Adds a token after `parent` (and records it as the parent's child).
    pub(crate) fn add(&mut self, parent: Option<TokenId>, node: NodeId, item: Item) -> TokenId {
        let at = parent.map_or(0, |parent| self.get(parent).children.len() as u32);
        let token = Token {
            parent,
            node,
            item,
            children: TokenList::new(),
            at,
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.tokens[id as usize] = Some(token);
                id
            }
            None => {
                self.tokens.push(Some(token));
                (self.tokens.len() - 1) as TokenId
            }
        };
        if let Some(parent) = parent {
            self.get_mut(parent).children.push(id);
        }
        id
    }

    /// Frees a token with no children left, and unlinks it from its parent.
    pub(crate) fn free(&mut self, id: TokenId) -> Token {
        let token = self.tokens[id as usize]
            .take()
            .expect("a token is freed once");
        debug_assert!(token.children.is_empty());
        if let Some(parent) = token.parent
            && let Some(Some(parent)) = self.tokens.get_mut(parent as usize)
        {
            let at = token.at as usize;
            debug_assert_eq!(parent.children.get(at), Some(&id));
            parent.children.swap_remove(at);
            if let Some(&moved) = parent.children.get(at) {
                self.get_mut(moved).at = at as u32;
            }
        }
        self.free.push(id);
        token
    }

    pub(crate) fn get(&self, id: TokenId) -> &Token {
        self.tokens[id as usize].as_ref().expect("a live token")
    }

    pub(crate) fn get_mut(&mut self, id: TokenId) -> &mut Token {
        self.tokens[id as usize].as_mut().expect("a live token")
    }

    /// True when the token is live.
    pub(crate) fn contains(&self, id: TokenId) -> bool {
        matches!(self.tokens.get(id as usize), Some(Some(_)))
    }

    /// The live tokens.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Token> {
        self.tokens.iter().flatten()
    }

    /// How many tokens are live.
    pub(crate) fn live(&self) -> usize {
        self.tokens.len() - self.free.len()
    }

    /// The frame of the match a token ends: the slots of its chain, from the last group
    /// (or the root) on.
    pub(crate) fn frame(&self, id: TokenId) -> Vec<Slot> {
        let mut items = Vec::new();
        let mut at = Some(id);
        while let Some(token_id) = at {
            let token = self.get(token_id);
            items.push(&token.item);
            if matches!(token.item, Item::Group(_)) {
                break;
            }
            at = token.parent;
        }
        let mut frame = Vec::with_capacity(items.len());
        for item in items.into_iter().rev() {
            match item {
                Item::None => {}
                Item::Fact(fact, _) => frame.push(Slot::Fact(*fact)),
                Item::Value(value) => frame.push(Slot::Value(value.clone())),
                Item::Element(_, value) => frame.push(Slot::Value(Some(value.clone()))),
                Item::Group(group) => frame.extend(group.frame.iter().cloned()),
            }
        }
        frame
    }

    /// The identity of the match a token ends, for truth maintenance: its facts with their
    /// versions and its element indices, or its group's key.
    pub(crate) fn key(&self, id: TokenId) -> Vec<KeyAtom> {
        let mut atoms = Vec::new();
        let mut at = Some(id);
        while let Some(token_id) = at {
            let token = self.get(token_id);
            match &token.item {
                Item::Fact(fact, version) => atoms.push(KeyAtom::Fact(*fact, *version)),
                Item::Element(index, _) => atoms.push(KeyAtom::Index(*index)),
                Item::Group(group) => {
                    atoms.extend(group.key.iter().rev().cloned());
                    break;
                }
                Item::None | Item::Value(_) => {}
            }
            at = token.parent;
        }
        atoms.reverse();
        atoms
    }
}

/// One part of a match's identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum KeyAtom {
    Fact(FactId, u32),
    Index(u32),
    Value(HashKey),
    /// A group key part that is missing.
    Missing,
}

/// The facts of an activation key, in key order.
pub(crate) fn facts_of(atoms: &[KeyAtom]) -> Vec<FactId> {
    atoms
        .iter()
        .filter_map(|atom| match atom {
            KeyAtom::Fact(fact, _) => Some(*fact),
            _ => None,
        })
        .collect()
}
