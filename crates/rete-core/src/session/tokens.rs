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

/// The slots of a match, inline up to [`FRAME_INLINE`]: a frame is built for each
/// evaluation over a match, and most matches have a few steps.
pub(crate) type Frame = smallvec::SmallVec<[Slot; FRAME_INLINE]>;

const FRAME_INLINE: usize = 8;

/// A few tokens, inline up to two.
pub(crate) type TokenList = smallvec::SmallVec<[TokenId; 2]>;

/// The token of the empty match, at the root.
pub(crate) const ROOT_TOKEN: TokenId = 0;

/// No token: the end of a list of children, or no parent.
const NONE: TokenId = TokenId::MAX;

/// What one step of a match adds. Kept to 16 bytes (the fact, the common case, inline;
/// values boxed), since there is a token per step of every partial match.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    /// Nothing (absence, existence, a guard): the match only went on.
    None,
    /// A fact, and its version when it was joined.
    Fact(FactId, u32),
    /// A value (a `let`, an accumulation's result).
    Value(Box<Cell>),
    /// A list element and its index.
    Element(u32, Box<Value>),
    /// A group: its key (for identity) and the frame it starts (keys, then aggregates).
    Group(Box<GroupItem>),
}

/// What a group's token holds.
#[derive(Debug, Clone)]
pub(crate) struct GroupItem {
    pub(crate) key: Key,
    pub(crate) frame: Vec<Slot>,
}

/// One token: 40 bytes. Its children are a doubly linked list through their sibling
/// links, so adding and freeing one are O(1) however many tokens extend the parent (the
/// root may have one per fact), and a token holds no list of its own.
#[derive(Debug)]
pub(crate) struct Token {
    parent: TokenId,
    node: u32,
    pub(crate) item: Item,
    first_child: TokenId,
    next_sibling: TokenId,
    previous_sibling: TokenId,
}

const _: () = assert!(std::mem::size_of::<Option<Token>>() == 40);

impl Token {
    /// The step before; `None` at the root and at a group.
    pub(crate) fn parent(&self) -> Option<TokenId> {
        (self.parent != NONE).then_some(self.parent)
    }

    /// The node that made it.
    pub(crate) fn node(&self) -> NodeId {
        self.node as NodeId
    }

    /// True when some token extends this one.
    pub(crate) fn has_children(&self) -> bool {
        self.first_child != NONE
    }
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
        let next_sibling = parent.map_or(NONE, |parent| self.get(parent).first_child);
        let token = Token {
            parent: parent.unwrap_or(NONE),
            node: u32::try_from(node).expect("fewer than 2^32 nodes"),
            item,
            first_child: NONE,
            next_sibling,
            previous_sibling: NONE,
        };
        let id = match self.free.pop() {
            Some(id) => {
                self.tokens[id as usize] = Some(token);
                id
            }
            None => {
                let id = TokenId::try_from(self.tokens.len())
                    .ok()
                    .filter(|&id| id != NONE)
                    .expect("fewer than 2^32 - 1 live tokens");
                self.tokens.push(Some(token));
                id
            }
        };
        if let Some(parent) = parent {
            if next_sibling != NONE {
                self.get_mut(next_sibling).previous_sibling = id;
            }
            self.get_mut(parent).first_child = id;
        }
        id
    }

    /// Frees a token with no children left, and unlinks it from its parent.
    pub(crate) fn free(&mut self, id: TokenId) -> Token {
        let token = self.tokens[id as usize]
            .take()
            .expect("a token is freed once");
        debug_assert!(!token.has_children());
        let (previous, next) = (token.previous_sibling, token.next_sibling);
        if next != NONE {
            self.get_mut(next).previous_sibling = previous;
        }
        if previous != NONE {
            self.get_mut(previous).next_sibling = next;
        } else if let Some(Some(parent)) = self.tokens.get_mut(token.parent as usize) {
            debug_assert_eq!(parent.first_child, id);
            parent.first_child = next;
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

    /// The tokens that extend `id`, in no particular order.
    pub(crate) fn children(&self, id: TokenId) -> impl Iterator<Item = TokenId> + '_ {
        let mut at = self.get(id).first_child;
        std::iter::from_fn(move || {
            let child = (at != NONE).then_some(at)?;
            at = self.get(child).next_sibling;
            Some(child)
        })
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
    pub(crate) fn frame(&self, id: TokenId) -> Frame {
        let mut items: smallvec::SmallVec<[&Item; FRAME_INLINE]> = smallvec::SmallVec::new();
        let mut at = Some(id);
        while let Some(token_id) = at {
            let token = self.get(token_id);
            items.push(&token.item);
            if matches!(token.item, Item::Group(_)) {
                break;
            }
            at = token.parent();
        }
        let mut frame = Frame::with_capacity(items.len());
        for item in items.into_iter().rev() {
            match item {
                Item::None => {}
                Item::Fact(fact, _) => frame.push(Slot::Fact(*fact)),
                Item::Value(value) => frame.push(Slot::Value((**value).clone())),
                Item::Element(_, value) => frame.push(Slot::Value(Some((**value).clone()))),
                Item::Group(group) => frame.extend(group.frame.iter().cloned()),
            }
        }
        frame
    }

    /// The identity of the match a token ends, for truth maintenance: its facts with their
    /// versions and its element indices, or its group's key.
    pub(crate) fn key(&self, id: TokenId) -> Key {
        let mut atoms = Key::new();
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
            at = token.parent();
        }
        atoms.reverse();
        atoms
    }
}

/// One part of a match's identity: 16 bytes, a value boxed, since every activation has a
/// key and most keys are a fact or two.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum KeyAtom {
    Fact(FactId, u32),
    Index(u32),
    Value(Box<HashKey>),
    /// A group key part that is missing.
    Missing,
}

const _: () = assert!(std::mem::size_of::<KeyAtom>() == 16);

/// A match's identity, inline up to two atoms: an activation's key would otherwise be an
/// allocation of its own.
pub(crate) type Key = smallvec::SmallVec<[KeyAtom; 2]>;

/// The bytes a key holds outside itself: its atoms once they spill, and boxed values.
pub(crate) fn key_heap_bytes(key: &Key) -> usize {
    let spilled = if key.spilled() {
        key.capacity() * std::mem::size_of::<KeyAtom>()
    } else {
        0
    };
    let values = key.iter().filter(|atom| matches!(atom, KeyAtom::Value(_)));
    spilled + values.count() * std::mem::size_of::<HashKey>()
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
