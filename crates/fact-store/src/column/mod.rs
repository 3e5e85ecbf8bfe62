//! `ColumnStore`, the default backend: per fact type, one typed column per declared field
//! and one column of raw JSON symbols per undeclared field, all indexed by the row of the
//! fact's id. A fact costs its fields' fixed-size cells plus a two-byte generation.

mod typed;

use std::sync::Arc;

use crate::catalog::{Catalog, FactTypeId, FieldId};
use crate::id::FactId;
use crate::intern::{Interner, Symbol};
use crate::memory::{MemoryUsage, TypeMemory};
use crate::slots::Slots;
use crate::store::{
    Extra, Fact, FactStore, StoreError, check_field, check_fields, schema_of, stored,
};
use crate::value::Value;
use typed::Column;

/// The columnar fact store.
#[derive(Debug, Clone)]
pub struct ColumnStore {
    catalog: Arc<Catalog>,
    interner: Interner,
    tables: Vec<Table>,
}

/// The facts of one type.
#[derive(Debug, Clone)]
struct Table {
    slots: Slots,
    /// One per declared field, in schema order.
    columns: Vec<Column>,
    /// One per undeclared field name seen, in first-seen order.
    extras: Vec<ExtraColumn>,
    /// Rows ever allocated: the length of every column.
    rows: usize,
}

#[derive(Debug, Clone)]
struct ExtraColumn {
    name: Symbol,
    raw: Vec<Option<Symbol>>,
}

impl ColumnStore {
    /// An empty store for the fact types of `catalog`.
    pub fn new(catalog: Arc<Catalog>) -> ColumnStore {
        let tables = catalog
            .iter()
            .map(|(_, schema)| Table {
                slots: Slots::default(),
                columns: schema
                    .fields()
                    .iter()
                    .map(|field| Column::new(&field.ty))
                    .collect(),
                extras: Vec::new(),
                rows: 0,
            })
            .collect();
        ColumnStore {
            catalog,
            interner: Interner::new(),
            tables,
        }
    }

    /// Releases spare capacity after a bulk load.
    pub fn shrink_to_fit(&mut self) {
        self.interner.shrink_to_fit();
        for table in &mut self.tables {
            table.slots.shrink_to_fit();
            table.columns.iter_mut().for_each(Column::shrink_to_fit);
            for extra in &mut table.extras {
                extra.raw.shrink_to_fit();
            }
        }
    }

    fn table(&self, fact_type: FactTypeId) -> Result<&Table, StoreError> {
        self.tables
            .get(fact_type.index())
            .ok_or(StoreError::UnknownType(fact_type))
    }

    fn live_row(&self, id: FactId) -> Result<(&Table, usize), StoreError> {
        let table = self
            .table(id.fact_type())
            .map_err(|_| StoreError::StaleId(id))?;
        let row = table.slots.row(id).ok_or(StoreError::StaleId(id))?;
        Ok((table, row))
    }
}

impl Table {
    fn write_extras(&mut self, row: usize, appended: bool, extras: &[Extra]) {
        for column in &mut self.extras {
            let given = extras
                .iter()
                .rev()
                .find(|extra| extra.name == column.name)
                .map(|extra| extra.raw);
            if appended {
                column.raw.push(given);
            } else {
                column.raw[row] = given;
            }
        }
        for extra in extras {
            if !self.extras.iter().any(|column| column.name == extra.name) {
                let mut raw = vec![None; self.rows];
                raw[row] = Some(extra.raw);
                self.extras.push(ExtraColumn {
                    name: extra.name,
                    raw,
                });
            }
        }
    }
}

impl FactStore for ColumnStore {
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
        let table = &mut self.tables[fact_type.index()];
        let allocation = table.slots.allocate(fact_type)?;
        let row = allocation.id.row() as usize;
        if allocation.appended {
            table.rows += 1;
        }
        for ((column, def), value) in table.columns.iter_mut().zip(schema.fields()).zip(fields) {
            let value = value
                .as_ref()
                .map(|value| stored(&def.ty, value, &self.interner));
            if allocation.appended {
                column.push(value.as_deref());
            } else {
                column.set(row, value.as_deref());
            }
        }
        table.write_extras(row, allocation.appended, extras);
        Ok(allocation.id)
    }

    fn get(&self, id: FactId) -> Option<Fact> {
        let (table, row) = self.live_row(id).ok()?;
        Some(Fact {
            id,
            fields: table.columns.iter().map(|column| column.get(row)).collect(),
            extras: table
                .extras
                .iter()
                .filter_map(|column| {
                    column.raw[row].map(|raw| Extra {
                        name: column.name,
                        raw,
                    })
                })
                .collect(),
        })
    }

    fn get_field(&self, id: FactId, field: FieldId) -> Result<Option<Value>, StoreError> {
        let (table, row) = self.live_row(id)?;
        let column = table
            .columns
            .get(field.index())
            .ok_or_else(|| StoreError::UnknownField {
                fact_type: self.catalog.schema(id.fact_type()).name().to_owned(),
                field,
            })?;
        Ok(column.get(row))
    }

    fn field(&self, id: FactId, field: FieldId) -> Option<Value> {
        let table = self.tables.get(id.fact_type().index())?;
        let row = table.slots.row(id)?;
        table.columns.get(field.index())?.get(row)
    }

    fn update(
        &mut self,
        id: FactId,
        field: FieldId,
        value: Option<Value>,
    ) -> Result<Option<Value>, StoreError> {
        let (_, row) = self.live_row(id)?;
        let schema = self.catalog.schema(id.fact_type());
        check_field(schema, field, value.as_ref(), &self.interner)?;
        let value = value
            .as_ref()
            .map(|value| stored(&schema.field(field).ty, value, &self.interner));
        let column = &mut self.tables[id.fact_type().index()].columns[field.index()];
        let old = column.get(row);
        column.set(row, value.as_deref());
        Ok(old)
    }

    fn retract(&mut self, id: FactId) -> Result<(), StoreError> {
        let table = self
            .tables
            .get_mut(id.fact_type().index())
            .ok_or(StoreError::StaleId(id))?;
        let row = table.slots.release(id)?;
        table
            .columns
            .iter_mut()
            .for_each(|column| column.clear(row));
        for extra in &mut table.extras {
            extra.raw[row] = None;
        }
        Ok(())
    }

    fn contains(&self, id: FactId) -> bool {
        self.live_row(id).is_ok()
    }

    fn len(&self, fact_type: FactTypeId) -> usize {
        self.table(fact_type).map_or(0, |table| table.slots.live())
    }

    fn ids(&self, fact_type: FactTypeId) -> impl Iterator<Item = FactId> + '_ {
        self.table(fact_type)
            .ok()
            .into_iter()
            .flat_map(move |table| table.slots.live_ids(fact_type))
    }

    fn column(
        &self,
        fact_type: FactTypeId,
        field: FieldId,
    ) -> Result<impl Iterator<Item = (FactId, Option<Value>)> + '_, StoreError> {
        let table = self.table(fact_type)?;
        let column = table
            .columns
            .get(field.index())
            .ok_or_else(|| StoreError::UnknownField {
                fact_type: self.catalog.schema(fact_type).name().to_owned(),
                field,
            })?;
        Ok(table
            .slots
            .live_ids(fact_type)
            .map(move |id| (id, column.get(id.row() as usize))))
    }

    fn extra_names(&self, fact_type: FactTypeId) -> Vec<Symbol> {
        self.table(fact_type).map_or_else(
            |_| Vec::new(),
            |table| table.extras.iter().map(|column| column.name).collect(),
        )
    }

    fn memory(&self) -> MemoryUsage {
        let types = self
            .catalog
            .iter()
            .zip(&self.tables)
            .map(|((fact_type, _), table)| TypeMemory {
                fact_type,
                facts: table.slots.live(),
                id_bytes: table.slots.bytes(),
                field_bytes: table.columns.iter().map(Column::bytes).sum(),
                extra_bytes: table
                    .extras
                    .iter()
                    .map(|column| column.raw.capacity() * size_of::<Option<Symbol>>())
                    .sum(),
            })
            .collect();
        MemoryUsage {
            types,
            text_bytes: self.interner.text_bytes(),
            text_index_bytes: self.interner.index_bytes(),
        }
    }
}
