//! Partitions: when the rules have a partition key for the whole program (every join,
//! grouping and re-read emit goes through it; `rule_ir::opt::infer_partition_keys`) and
//! the engine may use more than one thread, a session keeps one network per partition.
//! Input facts are read into a staging store first, then routed by the hash of their key
//! field's value (facts of unkeyed types, which only single-fact rules read, go round
//! robin) into the partition's store, their text carried into its interner. Runs go in
//! parallel; results are merged in canonical order, so they equal a serial run's.
//!
//! A fact id a partitioned session hands out carries its partition in the top four bits
//! of its row (partition stores stay under 2^28 rows per type).

use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use reckon_fact_store::{
    ColumnStore, Extra, Fact, FactId, FactStore, FieldId, Interner, Record, StoreError, Value,
};

use super::{Live, live};
use crate::engine::Engine;
use crate::error::Error;

/// The most partitions a session splits into (four bits of the row).
pub(crate) const MAX_PARTS: usize = 16;
const PART_SHIFT: u32 = 44;
const ROW_BITS_LEFT: u32 = 28;

/// What moving one partition's facts gave: each fact's place in the input with its new
/// id, and the refusal that stopped the move, if one did.
type Moved = (Vec<(usize, FactId)>, Option<StoreError>);

/// Routing for a partitioned session.
#[derive(Debug)]
pub(crate) struct Split {
    /// The key field of each fact type; `None`: any partition.
    keys: Vec<Option<FieldId>>,
    /// Where input facts land before they are routed; `text` values are interned here.
    pub(crate) staging: ColumnStore,
    /// The partition the next unkeyed fact goes to.
    next: usize,
    /// Partitions.
    parts: usize,
}

impl Split {
    /// The routing for `engine`'s partition key over `parts` partitions.
    pub(crate) fn new(
        engine: &Engine,
        keys: &[(reckon_fact_store::FactTypeId, FieldId)],
        parts: usize,
    ) -> Split {
        let catalog = engine.catalog();
        let mut by_type = vec![None; catalog.len()];
        for (fact_type, field) in keys {
            by_type[fact_type.index()] = Some(*field);
        }
        Split {
            keys: by_type,
            staging: ColumnStore::new(engine.shared().catalog.clone()),
            next: 0,
            parts,
        }
    }

    /// The partition of the staged fact `id`.
    fn route(&mut self, id: FactId) -> usize {
        let Some(field) = self.keys[id.fact_type().index()] else {
            self.next = (self.next + 1) % self.parts;
            return self.next;
        };
        let value = self.staging.field(id, field);
        let mut hasher = std::hash::DefaultHasher::new();
        match &value {
            None | Some(Value::Null) => 0u8.hash(&mut hasher),
            // Equal numbers join: `1`, `1.0` and `1.00` go together.
            Some(Value::Int(n)) => reckon_fact_store::Decimal::from(*n)
                .normalize()
                .hash(&mut hasher),
            Some(Value::Decimal(d)) => d.normalize().hash(&mut hasher),
            Some(Value::Text(symbol)) => self.staging.interner().resolve(*symbol).hash(&mut hasher),
            Some(other) => other
                .display(self.staging.interner())
                .to_string()
                .hash(&mut hasher),
        }
        (hasher.finish() % self.parts as u64) as usize
    }

    /// Moves the staged facts `ids` into their partitions, as one set per partition and
    /// the partitions in parallel on `pool`, and returns their ids there (tagged), in the
    /// order given.
    pub(crate) fn distribute(
        &mut self,
        ids: &[FactId],
        parts: &mut [Live],
        pool: &rayon::ThreadPool,
    ) -> Result<Vec<FactId>, Error> {
        let mut by_part: Vec<Vec<(usize, FactId)>> = vec![Vec::new(); parts.len()];
        for (at, id) in ids.iter().enumerate() {
            let part = self.route(*id);
            by_part[part].push((at, *id));
        }
        let staging = &self.staging;
        let moved: Vec<Moved> = pool.install(|| {
            parts
                .par_iter_mut()
                .zip(by_part)
                .enumerate()
                .map(|(part, (live, staged))| {
                    live!(live, s => s.insert_from(|store| {
                        let mut placed = Vec::with_capacity(staged.len());
                        let mut inserted = Vec::with_capacity(staged.len());
                        let mut refused = None;
                        for (at, id) in &staged {
                            let staged = staging.get(*id).ok_or(StoreError::StaleId(*id));
                            match staged.and_then(|fact| copy_fact(staging, &fact, store)) {
                                Ok(new) => {
                                    placed.push((*at, tag(part, new)));
                                    inserted.push(new);
                                }
                                Err(error) => {
                                    refused = Some(error);
                                    break;
                                }
                            }
                        }
                        ((placed, refused), inserted)
                    }))
                })
                .collect()
        });
        for id in ids {
            let _ = self.staging.retract(*id);
        }
        let mut placed = vec![None; ids.len()];
        for (part_placed, refused) in moved {
            if let Some(error) = refused {
                return Err(Error::Store(error));
            }
            for (at, id) in part_placed {
                placed[at] = Some(id);
            }
        }
        Ok(placed.into_iter().flatten().collect())
    }

    /// The key field of a fact type, if it has one.
    pub(crate) fn key(&self, fact_type: reckon_fact_store::FactTypeId) -> Option<FieldId> {
        self.keys[fact_type.index()]
    }
}

/// Copies `fact` of the store `from` into `to`, its text interned there.
pub(crate) fn copy_fact<F: FactStore, T: FactStore>(
    from: &F,
    fact: &Fact,
    to: &mut T,
) -> Result<FactId, StoreError> {
    let source = from.interner();
    let mut fields = Vec::with_capacity(fact.fields.len());
    for value in &fact.fields {
        fields.push(match value {
            Some(value) => Some(carry(value, source, to.interner_mut())?),
            None => None,
        });
    }
    let mut extras = Vec::with_capacity(fact.extras.len());
    for extra in &fact.extras {
        let interner = to.interner_mut();
        extras.push(Extra {
            name: interner.intern(source.resolve(extra.name))?,
            raw: interner.intern(source.resolve(extra.raw))?,
        });
    }
    to.insert(fact.id.fact_type(), &fields, &extras)
}

/// `value` with its text (interned in `from`) interned in `to`.
pub(crate) fn carry(
    value: &Value,
    from: &Interner,
    to: &mut Interner,
) -> Result<Value, StoreError> {
    Ok(match value {
        Value::Text(symbol) => Value::Text(to.intern(from.resolve(*symbol))?),
        Value::Record(record) => {
            let mut fields = Vec::with_capacity(record.fields().len());
            for (name, value) in record.fields() {
                fields.push((to.intern(from.resolve(*name))?, carry(value, from, to)?));
            }
            Value::Record(Record::new(fields))
        }
        Value::List(items) => {
            let items: Result<Vec<Value>, StoreError> =
                items.iter().map(|item| carry(item, from, to)).collect();
            Value::List(items?.into())
        }
        other => other.clone(),
    })
}

/// The id of a partition's fact as the session hands it out.
pub(crate) fn tag(part: usize, id: FactId) -> FactId {
    if part == 0 {
        return id;
    }
    debug_assert!(
        id.row() < 1 << ROW_BITS_LEFT,
        "partition stores stay under 2^28 rows"
    );
    FactId::from_bits(id.to_bits() | ((part as u64) << PART_SHIFT))
}

/// The partition of a handed-out id, and its id there.
pub(crate) fn untag(id: FactId) -> (usize, FactId) {
    let part = ((id.to_bits() >> PART_SHIFT) & 0xF) as usize;
    (part, FactId::from_bits(id.to_bits() & !(0xF << PART_SHIFT)))
}
