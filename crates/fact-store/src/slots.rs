//! Row allocation with generations, shared by both store backends so that the same
//! sequence of inserts and retractions gives the same ids whichever backend holds the data.
//!
//! A row's generation is odd while a fact lives in it and even while it is free. Retraction
//! bumps it, so old ids go stale; a row whose generation would wrap is retired for good
//! instead of reused, so a stale id can never come back to life. This is a
//! structure-of-arrays slot map: the generation (two bytes) is the only per-fact overhead,
//! and the row index addresses the columns directly.

use crate::catalog::FactTypeId;
use crate::id::FactId;
use crate::store::StoreError;

/// The rows of one fact type: which are live, and which are free for reuse.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slots {
    generations: Vec<u16>,
    free: Vec<u32>,
    live: usize,
}

/// Where a new fact goes.
pub(crate) struct Allocation {
    pub(crate) id: FactId,
    /// True when the row is new (storage must grow by one), false when a free row is reused.
    pub(crate) appended: bool,
}

impl Slots {
    /// Takes a free row, or a new one at the end.
    pub(crate) fn allocate(&mut self, fact_type: FactTypeId) -> Result<Allocation, StoreError> {
        if let Some(row) = self.free.pop() {
            let generation = &mut self.generations[row as usize];
            *generation += 1;
            self.live += 1;
            return Ok(Allocation {
                id: FactId::new(fact_type, row, *generation),
                appended: false,
            });
        }
        let row = u32::try_from(self.generations.len())
            .map_err(|_| StoreError::Capacity("facts of one type"))?;
        self.generations.push(1);
        self.live += 1;
        Ok(Allocation {
            id: FactId::new(fact_type, row, 1),
            appended: true,
        })
    }

    /// The row of `id` if it names a live fact.
    pub(crate) fn row(&self, id: FactId) -> Option<usize> {
        let row = id.row() as usize;
        match self.generations.get(row) {
            Some(&generation) if generation == id.generation() && generation % 2 == 1 => Some(row),
            _ => None,
        }
    }

    /// Frees the row of a live `id`; returns the row.
    pub(crate) fn release(&mut self, id: FactId) -> Result<usize, StoreError> {
        let row = self.row(id).ok_or(StoreError::StaleId(id))?;
        let generation = &mut self.generations[row];
        if *generation == u16::MAX {
            // Retired: generation 0 is even (free) and the row never returns to the free list.
            *generation = 0;
        } else {
            *generation += 1;
            self.free.push(row as u32);
        }
        self.live -= 1;
        Ok(row)
    }

    /// The ids of live facts, in row order.
    pub(crate) fn live_ids(&self, fact_type: FactTypeId) -> impl Iterator<Item = FactId> + '_ {
        self.generations
            .iter()
            .enumerate()
            .filter(|(_, generation)| *generation % 2 == 1)
            .map(move |(row, &generation)| FactId::new(fact_type, row as u32, generation))
    }

    /// The number of live facts.
    pub(crate) fn live(&self) -> usize {
        self.live
    }

    /// Bytes allocated for generations and the free list.
    pub(crate) fn bytes(&self) -> usize {
        self.generations.capacity() * size_of::<u16>() + self.free.capacity() * size_of::<u32>()
    }

    /// Releases spare capacity.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.generations.shrink_to_fit();
        self.free.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> FactTypeId {
        FactTypeId::from_index(0).unwrap()
    }

    #[test]
    fn a_reused_row_gets_a_new_generation() {
        let mut slots = Slots::default();
        let first = slots.allocate(t0()).unwrap();
        assert!(first.appended);
        slots.release(first.id).unwrap();
        let second = slots.allocate(t0()).unwrap();
        assert!(!second.appended);
        assert_eq!(second.id.row(), first.id.row());
        assert_ne!(second.id, first.id);
        assert_eq!(slots.row(first.id), None);
        assert_eq!(
            slots.release(first.id).unwrap_err(),
            StoreError::StaleId(first.id)
        );
    }

    #[test]
    fn a_row_is_retired_before_its_generation_wraps() {
        let mut slots = Slots::default();
        let mut seen = std::collections::HashSet::new();
        let mut id = slots.allocate(t0()).unwrap().id;
        loop {
            assert!(seen.insert(id), "{id:?} was issued twice");
            slots.release(id).unwrap();
            let next = slots.allocate(t0()).unwrap();
            if next.appended {
                assert_eq!(id.generation(), u16::MAX);
                assert_eq!(next.id.row(), 1);
                break;
            }
            id = next.id;
        }
        assert_eq!(seen.len(), 32_768);
        assert_eq!(slots.live_ids(t0()).collect::<Vec<_>>().len(), 1);
    }
}
