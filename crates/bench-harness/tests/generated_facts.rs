//! The generator's output as a store sees it: it loads without errors into both backends,
//! its NDJSON and its rows agree, the same seed gives the same bytes, and the loaded facts
//! follow the distributions of WORKLOAD.md (checked with generous bounds).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use reckon_bench_harness::workforce::{self, EMPLOYEE, SHIFT};
use reckon_bench_harness::{WorkforceFact, Workload};
use reckon_fact_store::io::{ReadOptions, read_ndjson};
use reckon_fact_store::{
    ColumnStore, DateTime, Decimal, Fact, FactStore, FactTypeId, RowStore, SignedDuration, Value,
};

const SHIFTS: u64 = 4_000;

fn ndjson(workload: Workload) -> Vec<u8> {
    let mut bytes = Vec::new();
    workload.write_ndjson(&mut bytes).unwrap();
    bytes
}

fn type_id(store: &impl FactStore, name: &str) -> FactTypeId {
    store.catalog().id(name).unwrap()
}

/// `store` with the default workload read into it, checking the read's report.
fn loaded<S: FactStore>(mut store: S) -> S {
    let bytes = ndjson(Workload::new(SHIFTS));
    let options = ReadOptions::new("workload.ndjson").collect_errors();
    let report = read_ndjson(&bytes[..], &mut store, &options).unwrap();
    assert_eq!(report.facts, 4_400);
    assert_eq!(report.per_type, [400, 4_000]);
    assert_eq!(store.len(type_id(&store, EMPLOYEE)), 400);
    assert_eq!(store.len(type_id(&store, SHIFT)), 4_000);
    store
}

/// One loaded fact with its fields looked up by name.
struct Loaded<'a> {
    store: &'a ColumnStore,
    fact_type: FactTypeId,
    fact: Fact,
}

impl Loaded<'_> {
    fn all<'a>(store: &'a ColumnStore, name: &str) -> Vec<Loaded<'a>> {
        let fact_type = type_id(store, name);
        store
            .ids(fact_type)
            .map(|id| Loaded {
                store,
                fact_type,
                fact: store.get(id).unwrap(),
            })
            .collect()
    }

    fn value(&self, name: &str) -> &Value {
        let field = self
            .store
            .catalog()
            .schema(self.fact_type)
            .field_id(name)
            .unwrap();
        self.fact.fields[field.index()].as_ref().unwrap()
    }

    fn text(&self, name: &str) -> &str {
        match self.value(name) {
            Value::Text(symbol) => self.store.interner().resolve(*symbol),
            other => panic!("`{name}` is not text: {other:?}"),
        }
    }

    fn decimal(&self, name: &str) -> Decimal {
        match self.value(name) {
            Value::Decimal(decimal) => *decimal,
            other => panic!("`{name}` is not a decimal: {other:?}"),
        }
    }

    fn datetime(&self, name: &str) -> DateTime {
        match self.value(name) {
            Value::DateTime(time) => *time,
            other => panic!("`{name}` is not a datetime: {other:?}"),
        }
    }

    fn int(&self, name: &str) -> i64 {
        match self.value(name) {
            Value::Int(int) => *int,
            other => panic!("`{name}` is not an int: {other:?}"),
        }
    }
}

/// The share of `items` for which `test` holds.
fn share<T>(items: &[T], test: impl Fn(&T) -> bool) -> f64 {
    items.iter().filter(|item| test(item)).count() as f64 / items.len() as f64
}

fn assert_between(what: &str, value: f64, low: f64, high: f64) {
    assert!(
        (low..=high).contains(&value),
        "{what} is {value:.4}, outside {low}..={high}"
    );
}

/// Every fact of `store`, its values written out as text, so stores with different
/// interners can be compared.
fn rendered(store: &impl FactStore) -> Vec<Vec<String>> {
    let catalog = Arc::clone(store.catalog());
    catalog
        .iter()
        .flat_map(|(fact_type, _)| store.ids(fact_type).collect::<Vec<_>>())
        .map(|id| {
            store
                .get(id)
                .unwrap()
                .fields
                .iter()
                .map(|value| {
                    value
                        .as_ref()
                        .unwrap()
                        .display(store.interner())
                        .to_string()
                })
                .collect()
        })
        .collect()
}

#[test]
fn both_backends_load_the_workload_without_errors_and_agree() {
    let catalog = Arc::new(workforce::catalog());
    let column = loaded(ColumnStore::new(Arc::clone(&catalog)));
    let row = loaded(RowStore::new(catalog));
    assert_eq!(rendered(&column), rendered(&row));
}

#[test]
fn rows_and_ndjson_give_the_same_facts() {
    let catalog = Arc::new(workforce::catalog());
    let from_ndjson = loaded(ColumnStore::new(Arc::clone(&catalog)));
    let mut from_rows = ColumnStore::new(catalog);
    let employee = type_id(&from_rows, EMPLOYEE);
    let shift = type_id(&from_rows, SHIFT);
    for fact in Workload::new(SHIFTS).facts() {
        let (fact_type, row) = match fact {
            WorkforceFact::Employee(fact) => (employee, fact.row(from_rows.interner_mut())),
            WorkforceFact::Shift(fact) => (shift, fact.row(from_rows.interner_mut())),
        };
        from_rows.insert(fact_type, &row.unwrap(), &[]).unwrap();
    }
    assert_eq!(rendered(&from_ndjson), rendered(&from_rows));
}

#[test]
fn the_seed_alone_decides_the_bytes() {
    let workload = Workload::new(SHIFTS);
    assert_eq!(ndjson(workload), ndjson(workload));
    assert_ne!(ndjson(workload), ndjson(workload.with_seed(1)));
}

#[test]
fn the_first_lines_are_employees_then_shifts() {
    let bytes = ndjson(Workload::new(20));
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 22);
    assert!(lines[0].starts_with(r#"{"type":"employee","id":"E000001","hourly_rate":"#));
    assert!(lines[1].starts_with(r#"{"type":"employee","id":"E000002","#));
    assert!(lines[2].starts_with(r#"{"type":"shift","id":"S00000001","employee_id":"E00000"#));
    assert!(lines[21].starts_with(r#"{"type":"shift","id":"S00000020","#));
}

#[test]
fn employees_follow_the_workload_distributions() {
    let store = loaded(ColumnStore::new(Arc::new(workforce::catalog())));
    let employees = Loaded::all(&store, EMPLOYEE);
    for (index, employee) in employees.iter().enumerate() {
        assert_eq!(employee.text("id"), format!("E{:06}", index + 1));
        let rate = employee.decimal("hourly_rate");
        assert!(rate >= Decimal::new(1250, 2) && rate <= Decimal::new(4000, 2));
        assert!((rate * Decimal::from(4)).fract().is_zero(), "rate {rate}");
        let threshold = employee.decimal("weekly_ot_threshold");
        assert!([38, 40, 45].map(Decimal::from).contains(&threshold));
        assert!(["student", "none"].contains(&employee.text("visa")));
        assert!(is_location(employee.text("location")));
    }
    let forty = Decimal::from(40);
    assert_between(
        "threshold 40 share",
        share(&employees, |e| e.decimal("weekly_ot_threshold") == forty),
        0.72,
        0.88,
    );
    assert_between(
        "student share",
        share(&employees, |e| e.text("visa") == "student"),
        0.05,
        0.16,
    );
}

#[test]
fn shifts_follow_the_workload_distributions() {
    let store = loaded(ColumnStore::new(Arc::new(workforce::catalog())));
    let home: HashMap<String, String> = Loaded::all(&store, EMPLOYEE)
        .iter()
        .map(|e| (e.text("id").to_owned(), e.text("location").to_owned()))
        .collect();
    let shifts = Loaded::all(&store, SHIFT);
    let first_day = DateTime::new(2025, 1, 6, 0, 0, 0, 0).unwrap();
    let last_day = DateTime::new(2025, 2, 2, 23, 59, 59, 0).unwrap();
    for (index, shift) in shifts.iter().enumerate() {
        assert_eq!(shift.text("id"), format!("S{:08}", index + 1));
        assert!(home.contains_key(shift.text("employee_id")));
        let start = shift.datetime("start");
        assert!(start >= first_day && start <= last_day, "start {start}");
        assert!((5..=21).contains(&start.hour()), "start {start}");
        assert!(
            start.minute() % 15 == 0 && start.second() == 0,
            "start {start}"
        );
        let length = start.duration_until(shift.datetime("end"));
        assert!(
            length >= SignedDuration::from_hours(4) && length <= SignedDuration::from_hours(12),
            "shift length {length:?}"
        );
        assert_eq!(length.as_secs() % (15 * 60), 0);
        assert!([0, 15, 30, 45, 60].contains(&shift.int("break_minutes")));
        assert!(["base", "holiday", "training"].contains(&shift.text("pay_code")));
        assert!(is_location(shift.text("location")));
    }
    let pay_code = |code: &'static str| share(&shifts, move |s| s.text("pay_code") == code);
    assert_between("base share", pay_code("base"), 0.75, 0.85);
    assert_between("holiday share", pay_code("holiday"), 0.07, 0.13);
    assert_between("training share", pay_code("training"), 0.07, 0.13);
    for minutes in [0, 15, 30, 45, 60] {
        let break_share = share(&shifts, |s| s.int("break_minutes") == minutes);
        assert_between("break share", break_share, 0.15, 0.25);
    }
    // 70% at home, and 1 in 50 of the other 30% lands at home by chance.
    assert_between(
        "home location share",
        share(&shifts, |s| {
            home[s.text("employee_id")] == s.text("location")
        }),
        0.66,
        0.75,
    );
    // 30% go to the first fifth of the employees, and a fifth of the other 70% do too.
    let heavy: HashSet<String> = (1..=80).map(|n| format!("E{n:06}")).collect();
    assert_between(
        "first-fifth employee share",
        share(&shifts, |s| heavy.contains(s.text("employee_id"))),
        0.40,
        0.48,
    );
    assert!(
        shifts
            .iter()
            .any(|s| s.datetime("end").date() > s.datetime("start").date())
    );
}

fn is_location(text: &str) -> bool {
    (0..50).any(|n| text == format!("L{n:02}"))
}
