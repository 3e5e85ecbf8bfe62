//! Accounting of a store's memory: what each fact type's ids, fields and undeclared fields
//! cost, and what the interned text costs. Figures are allocated capacities, so they are
//! what the process actually holds, not the bytes in use.

use crate::catalog::FactTypeId;
use crate::value::Value;

/// The memory of one store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryUsage {
    /// One entry per fact type.
    pub types: Vec<TypeMemory>,
    /// Distinct text, back to back.
    pub text_bytes: usize,
    /// The index over the distinct text (offsets and hash table).
    pub text_index_bytes: usize,
}

/// The memory of one fact type's facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeMemory {
    /// The fact type.
    pub fact_type: FactTypeId,
    /// Live facts.
    pub facts: usize,
    /// Generations and free rows: what makes ids stable.
    pub id_bytes: usize,
    /// Declared fields, including nested records and lists.
    pub field_bytes: usize,
    /// Undeclared fields kept for output.
    pub extra_bytes: usize,
}

impl TypeMemory {
    /// All bytes of this type's facts, text excluded.
    pub fn total(&self) -> usize {
        self.id_bytes + self.field_bytes + self.extra_bytes
    }

    /// Bytes per live fact, text excluded.
    pub fn per_fact(&self) -> f64 {
        if self.facts == 0 {
            0.0
        } else {
            self.total() as f64 / self.facts as f64
        }
    }
}

impl MemoryUsage {
    /// All bytes: facts and text.
    pub fn total(&self) -> usize {
        self.types.iter().map(TypeMemory::total).sum::<usize>()
            + self.text_bytes
            + self.text_index_bytes
    }

    /// The entry for one fact type.
    pub fn of(&self, fact_type: FactTypeId) -> Option<&TypeMemory> {
        self.types.iter().find(|entry| entry.fact_type == fact_type)
    }
}

/// Heap bytes owned by a value beyond its own inline size: the contents of records and
/// lists. Shared contents are counted once per holder, which overstates sharing but never
/// understates memory.
pub(crate) fn heap_bytes(value: &Value) -> usize {
    match value {
        Value::Record(record) => {
            size_of_val(record.fields())
                + record
                    .fields()
                    .iter()
                    .map(|(_, field)| heap_bytes(field))
                    .sum::<usize>()
        }
        Value::List(items) => {
            items.len() * size_of::<Value>() + items.iter().map(heap_bytes).sum::<usize>()
        }
        _ => 0,
    }
}
