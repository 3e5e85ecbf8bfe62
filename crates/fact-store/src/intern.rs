//! Interned text: every distinct string is stored once, back to back in one buffer, and is
//! named by a 4-byte `Symbol`. Text columns hold symbols, so a repeated value such as a pay
//! code costs four bytes per fact and text equality is an integer comparison.

use std::fmt;
use std::num::NonZeroU32;

use hashbrown::HashTable;

/// The name of one interned string. Symbols are only meaningful with the `Interner` that
/// made them; they compare by identity, not by text order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(NonZeroU32);

impl Symbol {
    fn from_index(index: usize) -> Symbol {
        let raw =
            u32::try_from(index + 1).expect("symbol count is bounded by the text capacity check");
        Symbol(NonZeroU32::new(raw).expect("index + 1 is never zero"))
    }

    /// The position of this symbol in its interner, from 0.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sym{}", self.index())
    }
}

/// The interner ran out of room: offsets are 32-bit, so the distinct text of one interner
/// is limited to 4 GiB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextCapacityError;

impl fmt::Display for TextCapacityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the text store is full: one store holds at most 4 GiB of distinct text")
    }
}

impl std::error::Error for TextCapacityError {}

/// Stores each distinct string once. Strings are never removed: a symbol stays valid for
/// the life of the interner.
#[derive(Clone)]
pub struct Interner {
    /// All strings, back to back.
    text: String,
    /// End offset in `text` of each symbol's string; its start is the previous end.
    ends: Vec<u32>,
    /// Symbol indexes, hashed by their text.
    table: HashTable<u32>,
    hasher: ahash::RandomState,
}

impl Default for Interner {
    fn default() -> Self {
        Interner::new()
    }
}

impl fmt::Debug for Interner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interner")
            .field("symbols", &self.len())
            .field("text_bytes", &self.text.len())
            .finish()
    }
}

impl Interner {
    /// An empty interner. Hashing uses fixed seeds so that runs are reproducible.
    pub fn new() -> Interner {
        Interner {
            text: String::new(),
            ends: Vec::new(),
            table: HashTable::new(),
            hasher: ahash::RandomState::with_seeds(
                0x5eed_0001,
                0x5eed_0002,
                0x5eed_0003,
                0x5eed_0004,
            ),
        }
    }

    /// The symbol for `text`, adding it if it is new.
    pub fn intern(&mut self, text: &str) -> Result<Symbol, TextCapacityError> {
        let hash = self.hasher.hash_one(text);
        let Interner {
            text: all,
            ends,
            table,
            hasher,
        } = self;
        if let Some(&index) = table.find(hash, |&index| slice(all, ends, index as usize) == text) {
            return Ok(Symbol::from_index(index as usize));
        }
        let new_end = all
            .len()
            .checked_add(text.len())
            .and_then(|end| u32::try_from(end).ok())
            .ok_or(TextCapacityError)?;
        let index = u32::try_from(ends.len()).map_err(|_| TextCapacityError)?;
        if index == u32::MAX {
            return Err(TextCapacityError);
        }
        all.push_str(text);
        ends.push(new_end);
        table.insert_unique(hash, index, |&i| {
            hasher.hash_one(slice(all, ends, i as usize))
        });
        Ok(Symbol::from_index(index as usize))
    }

    /// The symbol for `text` if it has been interned.
    pub fn lookup(&self, text: &str) -> Option<Symbol> {
        let hash = self.hasher.hash_one(text);
        self.table
            .find(hash, |&index| {
                slice(&self.text, &self.ends, index as usize) == text
            })
            .map(|&index| Symbol::from_index(index as usize))
    }

    /// The text of `symbol`.
    ///
    /// # Panics
    /// If `symbol` was made by another interner with more symbols than this one.
    pub fn resolve(&self, symbol: Symbol) -> &str {
        slice(&self.text, &self.ends, symbol.index())
    }

    /// The number of distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when nothing has been interned.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Releases spare capacity after a bulk load.
    pub fn shrink_to_fit(&mut self) {
        let Interner {
            text,
            ends,
            table,
            hasher,
        } = self;
        text.shrink_to_fit();
        ends.shrink_to_fit();
        table.shrink_to_fit(|&i| hasher.hash_one(slice(text, ends, i as usize)));
    }

    /// Bytes of distinct text held (the payload, without the index).
    pub fn text_bytes(&self) -> usize {
        self.text.capacity()
    }

    /// Bytes of the index over the text: offsets and the hash table.
    pub fn index_bytes(&self) -> usize {
        self.ends.capacity() * size_of::<u32>() + self.table.allocation_size()
    }
}

fn slice<'a>(text: &'a str, ends: &[u32], index: usize) -> &'a str {
    let start = if index == 0 {
        0
    } else {
        ends[index - 1] as usize
    };
    &text[start..ends[index] as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_twice_gives_the_same_symbol() {
        let mut interner = Interner::new();
        let a = interner.intern("base").unwrap();
        let b = interner.intern("holiday").unwrap();
        assert_ne!(a, b);
        assert_eq!(interner.intern("base").unwrap(), a);
        assert_eq!(interner.resolve(a), "base");
        assert_eq!(interner.resolve(b), "holiday");
        assert_eq!(interner.len(), 2);
    }

    #[test]
    fn empty_and_unicode_strings_are_kept_exactly() {
        let mut interner = Interner::new();
        let empty = interner.intern("").unwrap();
        let accented = interner.intern("Zoë – café").unwrap();
        assert_eq!(interner.resolve(empty), "");
        assert_eq!(interner.resolve(accented), "Zoë – café");
        assert_eq!(interner.lookup(""), Some(empty));
        assert_eq!(interner.lookup("cafe"), None);
    }

    #[test]
    fn many_symbols_survive_table_growth() {
        let mut interner = Interner::new();
        let symbols: Vec<Symbol> = (0..10_000)
            .map(|i| interner.intern(&format!("S{i:08}")).unwrap())
            .collect();
        for (i, symbol) in symbols.iter().enumerate() {
            assert_eq!(interner.resolve(*symbol), format!("S{i:08}"));
            assert_eq!(interner.lookup(&format!("S{i:08}")), Some(*symbol));
        }
    }
}
