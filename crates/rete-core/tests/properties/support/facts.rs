//! The input facts of a case: up to `max_facts` per input type, values from the schema's
//! small domains (missing and null sometimes where a field is optional); their NDJSON
//! form, which the fact-store reader takes back; and loading them into any store, in any
//! order.

use reckon_fact_store::io::{ReadOptions, read_ndjson};
use reckon_fact_store::{
    Decimal, FactStore, FactTypeId, Interner, Presence, RowStore, Value, ValueType, parse_date,
};
use reckon_rule_ir::{FieldDecl, Program};

use super::Tape;
use super::schema::{DATES, DECIMALS, WORDS};

/// Facts as a store takes them: a fact type and one cell per declared field (`None` is
/// missing); text is interned in the case's own interner.
pub(crate) type Facts = Vec<(FactTypeId, Vec<Option<Value>>)>;

/// Facts for the first `inputs` fact types of `program`, grouped by type.
pub(crate) fn generate(
    program: &Program,
    inputs: usize,
    tape: &mut Tape<'_>,
    max_facts: usize,
    words: &mut Interner,
) -> Facts {
    let mut facts = Vec::new();
    for (index, decl) in program.facts.iter().enumerate().take(inputs) {
        let fact_type = FactTypeId::from_index(index).expect("few fact types");
        for _ in 0..tape.below(max_facts + 1) {
            let fields = decl
                .fields
                .iter()
                .map(|field| cell(tape, field, words))
                .collect();
            facts.push((fact_type, fields));
        }
    }
    facts
}

fn cell(tape: &mut Tape<'_>, field: &FieldDecl, words: &mut Interner) -> Option<Value> {
    if field.derived {
        return None;
    }
    if field.presence == Presence::Optional {
        match tape.below(100) {
            75..=91 => return None,
            92.. => return Some(Value::Null),
            _ => {}
        }
    }
    Some(value(tape, &field.ty, words))
}

fn value(tape: &mut Tape<'_>, ty: &ValueType, words: &mut Interner) -> Value {
    match ty {
        ValueType::Int => Value::Int(tape.below(5) as i64),
        ValueType::Decimal => {
            let text = *tape.pick(&DECIMALS);
            Value::Decimal(Decimal::from_str_exact(text).expect("a decimal"))
        }
        ValueType::Text => {
            let word = *tape.pick(&WORDS);
            Value::Text(words.intern(word).expect("room for four words"))
        }
        ValueType::Bool => Value::Bool(tape.chance(50)),
        ValueType::Date => {
            let text = *tape.pick(&DATES);
            Value::Date(parse_date(text).expect("a date"))
        }
        ValueType::List(element) => {
            let items: Vec<Value> = (0..tape.below(4))
                .map(|_| value(tape, element, words))
                .collect();
            Value::List(items.into())
        }
        other => unreachable!("no input field of type {other} is generated"),
    }
}

/// One fact as a line of NDJSON, its type in `"type"`, missing fields left out.
pub(crate) fn json_line(
    program: &Program,
    fact: &(FactTypeId, Vec<Option<Value>>),
    words: &Interner,
) -> String {
    let (fact_type, fields) = fact;
    let decl = program.fact(*fact_type);
    let mut line = format!("{{\"type\":\"{}\"", decl.name);
    for (field, cell) in decl.fields.iter().zip(fields) {
        if let Some(value) = cell {
            line.push_str(&format!(",\"{}\":{}", field.name, value.display(words)));
        }
    }
    line.push('}');
    line
}

/// Reads facts back from their NDJSON lines (to reproduce a reported case).
pub(crate) fn read(program: &Program, ndjson: &str) -> (Facts, Interner) {
    let catalog = program.catalog().expect("the program's catalog");
    let mut store = RowStore::new(catalog);
    if let Err(error) = read_ndjson(ndjson.as_bytes(), &mut store, &ReadOptions::new("facts")) {
        panic!("the facts do not read back: {error}");
    }
    let mut facts = Vec::new();
    for index in 0..program.facts.len() {
        let fact_type = FactTypeId::from_index(index).expect("few fact types");
        for id in store.ids(fact_type) {
            let fact = store.get(id).expect("a live fact");
            facts.push((fact_type, fact.fields));
        }
    }
    (facts, store.interner().clone())
}

/// Inserts `facts` into `store` in the order of the positions in `order`, interning their
/// text in the store's interner.
pub(crate) fn load<S: FactStore>(facts: &Facts, words: &Interner, store: &mut S, order: &[usize]) {
    for &position in order {
        let (fact_type, fields) = &facts[position];
        let fields: Vec<Option<Value>> = fields
            .iter()
            .map(|cell| {
                cell.as_ref()
                    .map(|v| transfer(v, words, store.interner_mut()))
            })
            .collect();
        if let Err(error) = store.insert(*fact_type, &fields, &[]) {
            panic!("a generated fact does not fit its schema: {error}");
        }
    }
}

/// `value` with its text interned in `to` rather than `from`.
pub(crate) fn transfer(value: &Value, from: &Interner, to: &mut Interner) -> Value {
    match value {
        Value::Text(symbol) => Value::Text(to.intern(from.resolve(*symbol)).expect("room")),
        Value::List(items) => {
            let items: Vec<Value> = items.iter().map(|item| transfer(item, from, to)).collect();
            Value::List(items.into())
        }
        other => other.clone(),
    }
}
