//! An alpha memory's members: the rows of its facts in a compressed bitmap. Every fact of
//! a memory has the memory's type, and a live fact is the only one of its row, so the row
//! names it. A lookup is a bit test instead of a hash probe, and a memory that holds most
//! of a type's facts costs about a bit a fact.

use reckon_fact_store::FactId;
use roaring::RoaringBitmap;

/// The live facts of one alpha memory. A fact must leave before the store forgets it, or
/// its row would stand for the next fact stored there.
#[derive(Debug, Default)]
pub(crate) struct Members(RoaringBitmap);

impl Members {
    /// Adds a fact; true when it was not a member.
    pub(crate) fn insert(&mut self, fact: FactId) -> bool {
        self.0.insert(fact.row())
    }

    /// Removes a fact; true when it was a member.
    pub(crate) fn remove(&mut self, fact: FactId) -> bool {
        self.0.remove(fact.row())
    }

    pub(crate) fn contains(&self, fact: FactId) -> bool {
        self.0.contains(fact.row())
    }

    /// The bytes the bitmap holds, as its serialised size (an estimate of its heap).
    pub(crate) fn bytes(&self) -> usize {
        self.0.serialized_size()
    }
}
