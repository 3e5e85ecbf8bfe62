//! `FactId`: a stable, generational name for one fact. It packs the fact type, the row the
//! fact occupies in its type's storage and the row's generation into 64 bits, so an id held
//! after its fact was retracted is recognised as stale and never names the fact that later
//! reuses the row.

use std::fmt;

use crate::catalog::FactTypeId;

/// The id of one fact. Ids order by fact type, then row. Prints as `f<type>.<row>`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactId(u64);

impl FactId {
    pub(crate) fn new(fact_type: FactTypeId, row: u32, generation: u16) -> FactId {
        FactId(((fact_type.index() as u64) << 48) | (u64::from(row) << 16) | u64::from(generation))
    }

    /// The fact's type.
    pub fn fact_type(self) -> FactTypeId {
        FactTypeId::from_index((self.0 >> 48) as usize).expect("sixteen bits always fit")
    }

    /// The row the fact occupies in its type's storage.
    pub fn row(self) -> u32 {
        (self.0 >> 16) as u32
    }

    /// The generation of the row when the fact was inserted.
    pub fn generation(self) -> u16 {
        self.0 as u16
    }

    /// The id as one integer, for APIs that carry ids as numbers.
    pub fn to_bits(self) -> u64 {
        self.0
    }

    /// The id whose [`to_bits`](Self::to_bits) is `bits`. A made-up number gives an id
    /// that stores reject as stale; it can never reach another fact's data by mistake
    /// unless it equals that fact's id.
    pub fn from_bits(bits: u64) -> FactId {
        FactId(bits)
    }
}

impl fmt::Debug for FactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "f{}.{}v{}",
            self.fact_type().index(),
            self.row(),
            self.generation()
        )
    }
}

impl fmt::Display for FactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "f{}.{}", self.fact_type().index(), self.row())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_survive_packing() {
        let ty = FactTypeId::from_index(65_535).unwrap();
        let id = FactId::new(ty, u32::MAX, 0xabcd);
        assert_eq!(id.fact_type(), ty);
        assert_eq!(id.row(), u32::MAX);
        assert_eq!(id.generation(), 0xabcd);
        assert_eq!(FactId::from_bits(id.to_bits()), id);
        assert_eq!(format!("{id}"), "f65535.4294967295");
    }

    #[test]
    fn ids_order_by_type_then_row() {
        let t0 = FactTypeId::from_index(0).unwrap();
        let t1 = FactTypeId::from_index(1).unwrap();
        assert!(FactId::new(t0, 5, 9) < FactId::new(t0, 6, 1));
        assert!(FactId::new(t0, 6, 1) < FactId::new(t1, 0, 1));
    }
}
