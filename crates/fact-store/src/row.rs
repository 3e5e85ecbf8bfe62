//! `RowStore`: each fact kept whole, as a boxed row of values. Simple enough to be obviously
//! right, so it serves as the oracle the columnar store is tested against, and as the
//! baseline its memory is compared with.

use std::sync::Arc;

use crate::catalog::{Catalog, FactTypeId, FieldId};
use crate::id::FactId;
use crate::intern::{Interner, Symbol};
use crate::memory::{MemoryUsage, TypeMemory, heap_bytes};
use crate::slots::Slots;
use crate::store::{
    Extra, Fact, FactStore, StoreError, check_field, check_fields, schema_of, stored,
};
use crate::value::Value;

/// The row-per-fact store.
#[derive(Debug, Clone)]
pub struct RowStore {
    catalog: Arc<Catalog>,
    interner: Interner,
    tables: Vec<Table>,
}

#[derive(Debug, Clone, Default)]
struct Table {
    slots: Slots,
    /// Indexed by row; `None` for free rows.
    rows: Vec<Option<Row>>,
    /// Undeclared field names in first-seen order.
    extra_names: Vec<Symbol>,
}

#[derive(Debug, Clone)]
struct Row {
    fields: Box<[Option<Value>]>,
    extras: Box<[Extra]>,
}

impl RowStore {
    /// An empty store for the fact types of `catalog`.
    pub fn new(catalog: Arc<Catalog>) -> RowStore {
        let tables = (0..catalog.len()).map(|_| Table::default()).collect();
        RowStore {
            catalog,
            interner: Interner::new(),
            tables,
        }
    }

    fn row(&self, id: FactId) -> Result<&Row, StoreError> {
        let table = self
            .tables
            .get(id.fact_type().index())
            .ok_or(StoreError::StaleId(id))?;
        let row = table.slots.row(id).ok_or(StoreError::StaleId(id))?;
        Ok(table.rows[row].as_ref().expect("a live slot has a row"))
    }
}

impl FactStore for RowStore {
    fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    fn interner(&self) -> &Interner {
        &self.interner
    }

    fn interner_mut(&mut self) -> &mut Interner {
        &mut self.interner
    }

    fn insert(
        &mut self,
        fact_type: FactTypeId,
        fields: &[Option<Value>],
        extras: &[Extra],
    ) -> Result<FactId, StoreError> {
        let schema = schema_of(&self.catalog, fact_type)?;
        check_fields(schema, fields, &self.interner)?;
        let fields: Box<[Option<Value>]> = schema
            .fields()
            .iter()
            .zip(fields)
            .map(|(def, value)| {
                value
                    .as_ref()
                    .map(|value| stored(&def.ty, value, &self.interner).into_owned())
            })
            .collect();
        let table = &mut self.tables[fact_type.index()];
        for extra in extras {
            if !table.extra_names.contains(&extra.name) {
                table.extra_names.push(extra.name);
            }
        }
        // Keep extras in first-seen name order, the last value of a repeated name winning,
        // as the columnar store does.
        let extras: Box<[Extra]> = table
            .extra_names
            .iter()
            .filter_map(|name| {
                extras
                    .iter()
                    .rev()
                    .find(|extra| extra.name == *name)
                    .copied()
            })
            .collect();
        let allocation = table.slots.allocate(fact_type)?;
        let row = Some(Row { fields, extras });
        if allocation.appended {
            table.rows.push(row);
        } else {
            table.rows[allocation.id.row() as usize] = row;
        }
        Ok(allocation.id)
    }

    fn get(&self, id: FactId) -> Option<Fact> {
        let row = self.row(id).ok()?;
        Some(Fact {
            id,
            fields: row.fields.to_vec(),
            extras: row.extras.to_vec(),
        })
    }

    fn get_field(&self, id: FactId, field: FieldId) -> Result<Option<Value>, StoreError> {
        let row = self.row(id)?;
        row.fields
            .get(field.index())
            .cloned()
            .ok_or_else(|| StoreError::UnknownField {
                fact_type: self.catalog.schema(id.fact_type()).name().to_owned(),
                field,
            })
    }

    fn update(
        &mut self,
        id: FactId,
        field: FieldId,
        value: Option<Value>,
    ) -> Result<Option<Value>, StoreError> {
        self.row(id)?;
        let schema = self.catalog.schema(id.fact_type());
        check_field(schema, field, value.as_ref(), &self.interner)?;
        let value =
            value.map(|value| stored(&schema.field(field).ty, &value, &self.interner).into_owned());
        let table = &mut self.tables[id.fact_type().index()];
        let row = table.rows[id.row() as usize]
            .as_mut()
            .expect("checked live above");
        Ok(std::mem::replace(&mut row.fields[field.index()], value))
    }

    fn retract(&mut self, id: FactId) -> Result<(), StoreError> {
        let table = self
            .tables
            .get_mut(id.fact_type().index())
            .ok_or(StoreError::StaleId(id))?;
        let row = table.slots.release(id)?;
        table.rows[row] = None;
        Ok(())
    }

    fn contains(&self, id: FactId) -> bool {
        self.row(id).is_ok()
    }

    fn len(&self, fact_type: FactTypeId) -> usize {
        self.tables
            .get(fact_type.index())
            .map_or(0, |table| table.slots.live())
    }

    fn ids(&self, fact_type: FactTypeId) -> impl Iterator<Item = FactId> + '_ {
        self.tables
            .get(fact_type.index())
            .into_iter()
            .flat_map(move |table| table.slots.live_ids(fact_type))
    }

    fn column(
        &self,
        fact_type: FactTypeId,
        field: FieldId,
    ) -> Result<impl Iterator<Item = (FactId, Option<Value>)> + '_, StoreError> {
        let schema = schema_of(&self.catalog, fact_type)?;
        if field.index() >= schema.fields().len() {
            return Err(StoreError::UnknownField {
                fact_type: schema.name().to_owned(),
                field,
            });
        }
        Ok(self.ids(fact_type).map(move |id| {
            (
                id,
                self.row(id).expect("listed ids are live").fields[field.index()].clone(),
            )
        }))
    }

    fn extra_names(&self, fact_type: FactTypeId) -> Vec<Symbol> {
        self.tables
            .get(fact_type.index())
            .map_or_else(Vec::new, |table| table.extra_names.clone())
    }

    fn memory(&self) -> MemoryUsage {
        let types = self
            .catalog
            .iter()
            .zip(&self.tables)
            .map(|((fact_type, _), table)| {
                let live = table.rows.iter().flatten();
                TypeMemory {
                    fact_type,
                    facts: table.slots.live(),
                    id_bytes: table.slots.bytes(),
                    field_bytes: table.rows.capacity() * size_of::<Option<Row>>()
                        + live
                            .clone()
                            .map(|row| {
                                row.fields.len() * size_of::<Option<Value>>()
                                    + row.fields.iter().flatten().map(heap_bytes).sum::<usize>()
                            })
                            .sum::<usize>(),
                    extra_bytes: live
                        .map(|row| row.extras.len() * size_of::<Extra>())
                        .sum::<usize>()
                        + table.extra_names.capacity() * size_of::<Symbol>(),
                }
            })
            .collect();
        MemoryUsage {
            types,
            text_bytes: self.interner.text_bytes(),
            text_index_bytes: self.interner.index_bytes(),
        }
    }
}
