//! The conformance suite every backend passes: random sequences of insert, update and
//! retract, checked step by step against a plain map of live facts, with the column and
//! row stores run side by side. Stale ids must be refused and never reach a new fact.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::{Spec, catalog, shift, shift_type, to_value};
use proptest::prelude::*;
use reckon_fact_store::{
    Catalog, ColumnStore, Extra, FactId, FactStore, FieldId, RowStore, Schema, StoreError, Value,
    ValueType,
};

#[derive(Debug, Clone)]
enum Op {
    Insert(common::FactSpec),
    /// Retract the n-th id ever issued (live or not).
    Retract(usize),
    /// Set field `.1` of the n-th id ever issued; `None` makes it missing.
    Update(usize, usize, Option<Spec>),
    /// Try to insert a fact whose required field is missing.
    InsertInvalid,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => shift(false).prop_map(Op::Insert),
        2 => any::<usize>().prop_map(Op::Retract),
        2 => (any::<usize>(), 2usize..12, prop::option::of((0i64..100).prop_map(Spec::Int))).prop_map(|(i, f, v)| Op::Update(i, f, v)),
        1 => Just(Op::InsertInvalid),
    ]
}

/// A fact as the model keeps it: field values rendered to text, extras as (name, raw).
type Rendered = (Vec<Option<String>>, Vec<(String, String)>);

fn render<S: FactStore>(store: &S, id: FactId) -> Option<Rendered> {
    let fields = store.catalog().schema(id.fact_type()).fields().len();
    for field in (0..=fields).filter_map(FieldId::from_index) {
        let expected = store.get_field(id, field).ok().flatten();
        assert_eq!(store.field(id, field), expected, "{field:?} of {id:?}");
    }
    let fact = store.get(id)?;
    let interner = store.interner();
    Some((
        fact.fields
            .iter()
            .map(|f| f.as_ref().map(|v| v.display(interner).to_string()))
            .collect(),
        fact.extras
            .iter()
            .map(|e| {
                (
                    interner.resolve(e.name).to_owned(),
                    interner.resolve(e.raw).to_owned(),
                )
            })
            .collect(),
    ))
}

fn insert_spec<S: FactStore>(store: &mut S, spec: &common::FactSpec) -> Result<FactId, StoreError> {
    let ty = shift_type(store.catalog());
    let fields: Vec<Option<Value>> = spec
        .fields
        .iter()
        .map(|f| f.as_ref().map(|v| to_value(v, store.interner_mut())))
        .collect();
    let extras: Vec<Extra> = spec
        .extras
        .iter()
        .map(|(name, raw)| Extra {
            name: store.interner_mut().intern(name).unwrap(),
            raw: store.interner_mut().intern(raw).unwrap(),
        })
        .collect();
    store.insert(ty, &fields, &extras)
}

/// Applies `ops` to a store, checking it against a model after every step; returns the ids
/// issued and the rendered result of every step, for comparing backends.
fn run<S: FactStore>(mut store: S, ops: &[Op]) -> Result<Vec<String>, TestCaseError> {
    let ty = shift_type(store.catalog());
    let mut issued: Vec<FactId> = Vec::new();
    let mut live: BTreeMap<FactId, Rendered> = BTreeMap::new();
    let mut trace = Vec::new();
    for op in ops {
        match op {
            Op::Insert(spec) => {
                let id = insert_spec(&mut store, spec).unwrap();
                prop_assert!(!issued.contains(&id), "id {:?} issued twice", id);
                issued.push(id);
                live.insert(id, render(&store, id).unwrap());
                trace.push(format!("insert {id:?}"));
            }
            Op::Retract(n) if !issued.is_empty() => {
                let id = issued[n % issued.len()];
                let result = store.retract(id);
                if live.remove(&id).is_some() {
                    prop_assert_eq!(result, Ok(()));
                } else {
                    prop_assert_eq!(result, Err(StoreError::StaleId(id)));
                }
                trace.push(format!("retract {id:?}"));
            }
            Op::Update(n, field, value) if !issued.is_empty() => {
                let id = issued[n % issued.len()];
                let field = FieldId::from_index(*field).unwrap();
                let value = value.as_ref().map(|v| to_value(v, store.interner_mut()));
                let takes_int = matches!(
                    store.catalog().schema(ty).field(field).ty,
                    ValueType::Int | ValueType::Decimal | ValueType::Money | ValueType::Any
                );
                let result = store.update(id, field, value.clone());
                match live.get_mut(&id) {
                    None => prop_assert_eq!(result, Err(StoreError::StaleId(id))),
                    Some(model) if takes_int || value.is_none() => {
                        let old = model.0[field.index()].clone();
                        let old_value = result
                            .unwrap()
                            .map(|v| v.display(store.interner()).to_string());
                        prop_assert_eq!(old_value, old);
                        model.0[field.index()] =
                            value.map(|v| v.display(store.interner()).to_string());
                    }
                    Some(_) => prop_assert!(
                        matches!(result, Err(StoreError::WrongType { .. })),
                        "{:?}",
                        result
                    ),
                }
                trace.push(format!("update {id:?}"));
            }
            Op::InsertInvalid => {
                let fields = vec![None; store.catalog().schema(ty).fields().len()];
                let result = store.insert(ty, &fields, &[]);
                prop_assert!(
                    matches!(result, Err(StoreError::MissingRequired { .. })),
                    "{:?}",
                    result
                );
            }
            _ => {}
        }
        // Every issued id answers as the model says: live facts unchanged, stale ids refused.
        for id in &issued {
            prop_assert_eq!(render(&store, *id), live.get(id).cloned());
            prop_assert_eq!(store.contains(*id), live.contains_key(id));
        }
        prop_assert_eq!(store.len(ty), live.len());
        let listed: Vec<FactId> = store.ids(ty).collect();
        prop_assert_eq!(&listed, &live.keys().copied().collect::<Vec<_>>());
        let start = FieldId::from_index(1).unwrap();
        let column: Vec<(FactId, Option<String>)> = store
            .column(ty, start)
            .unwrap()
            .map(|(id, v)| (id, v.map(|v| v.display(store.interner()).to_string())))
            .collect();
        let expected: Vec<(FactId, Option<String>)> = live
            .iter()
            .map(|(id, fact)| (*id, fact.0[1].clone()))
            .collect();
        prop_assert_eq!(column, expected);
    }
    trace.extend(live.values().map(|fact| format!("{fact:?}")));
    Ok(trace)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn both_backends_follow_the_model_and_each_other(ops in prop::collection::vec(op(), 1..60)) {
        let columns = run(ColumnStore::new(catalog()), &ops)?;
        let rows = run(RowStore::new(catalog()), &ops)?;
        prop_assert_eq!(columns, rows);
    }
}

fn one_int_catalog() -> Arc<Catalog> {
    let mut catalog = Catalog::new();
    catalog
        .add(
            Schema::builder("n")
                .required("v", ValueType::Int)
                .build()
                .unwrap(),
        )
        .unwrap();
    Arc::new(catalog)
}

fn stale_ids_are_refused_everywhere<S: FactStore>(mut store: S) {
    let ty = store.catalog().id("n").unwrap();
    let v = FieldId::from_index(0).unwrap();
    let old = store.insert(ty, &[Some(Value::Int(1))], &[]).unwrap();
    store.retract(old).unwrap();
    let new = store.insert(ty, &[Some(Value::Int(2))], &[]).unwrap();
    assert_eq!(new.row(), old.row(), "the freed row is reused");
    assert_ne!(new, old);
    assert_eq!(store.get(old), None);
    assert_eq!(store.get_field(old, v), Err(StoreError::StaleId(old)));
    assert_eq!(
        store.update(old, v, Some(Value::Int(3))),
        Err(StoreError::StaleId(old))
    );
    assert_eq!(store.retract(old), Err(StoreError::StaleId(old)));
    assert_eq!(
        store.get_field(new, v),
        Ok(Some(Value::Int(2))),
        "the new fact is untouched"
    );
    assert_eq!(store.field(old, v), None);
    assert_eq!(store.field(new, v), Some(Value::Int(2)));
    assert_eq!(
        store.field(new, FieldId::from_index(1).unwrap()),
        None,
        "no such field"
    );
    let made_up = FactId::from_bits(new.to_bits() + 2);
    assert!(!store.contains(made_up));
    assert_eq!(store.field(made_up, v), None);
    assert_eq!(store.ids(ty).collect::<Vec<_>>(), vec![new]);
}

fn types_are_checked_on_every_write<S: FactStore>(mut store: S) {
    let ty = store.catalog().id("n").unwrap();
    let v = FieldId::from_index(0).unwrap();
    let text = Value::Text(store.interner_mut().intern("7").unwrap());
    let refused = store.insert(ty, &[Some(text.clone())], &[]).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "`n.v` is declared int, but a text value was given"
    );
    assert!(matches!(
        store.insert(ty, &[], &[]),
        Err(StoreError::WrongFieldCount {
            expected: 1,
            found: 0,
            ..
        })
    ));
    assert!(matches!(
        store.insert(ty, &[Some(Value::Null)], &[]),
        Err(StoreError::MissingRequired { .. })
    ));
    let id = store.insert(ty, &[Some(Value::Int(1))], &[]).unwrap();
    assert!(matches!(
        store.update(id, v, Some(text)),
        Err(StoreError::WrongType { .. })
    ));
    assert!(matches!(
        store.update(id, v, None),
        Err(StoreError::MissingRequired { .. })
    ));
    let nowhere = FieldId::from_index(5).unwrap();
    assert!(matches!(
        store.update(id, nowhere, None),
        Err(StoreError::UnknownField { .. })
    ));
    assert_eq!(
        store.get_field(id, v),
        Ok(Some(Value::Int(1))),
        "refused writes change nothing"
    );
}

#[test]
fn column_store_conforms() {
    stale_ids_are_refused_everywhere(ColumnStore::new(one_int_catalog()));
    types_are_checked_on_every_write(ColumnStore::new(one_int_catalog()));
}

#[test]
fn row_store_conforms() {
    stale_ids_are_refused_everywhere(RowStore::new(one_int_catalog()));
    types_are_checked_on_every_write(RowStore::new(one_int_catalog()));
}

#[test]
fn ints_widen_exactly_into_decimal_fields() {
    let mut catalog = Catalog::new();
    catalog
        .add(
            Schema::builder("rate")
                .required("amount", ValueType::Money)
                .build()
                .unwrap(),
        )
        .unwrap();
    let mut store = ColumnStore::new(Arc::new(catalog));
    let ty = store.catalog().id("rate").unwrap();
    let id = store
        .insert(ty, &[Some(Value::Int(i64::MAX))], &[])
        .unwrap();
    assert_eq!(
        store
            .get_field(id, FieldId::from_index(0).unwrap())
            .unwrap(),
        Some(Value::Decimal(i64::MAX.into()))
    );
}
