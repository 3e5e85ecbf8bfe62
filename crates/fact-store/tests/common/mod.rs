//! Shared by the integration tests: a schema that uses every value type, and generators of
//! facts described independently of any store (plain Rust values, not symbols).

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use proptest::prelude::*;
use reckon_fact_store::{
    Catalog, Decimal, FactTypeId, Interner, Record, Schema, SignedDuration, Value, ValueType, Week,
};

/// A value as the tests describe it, before it is interned into a store.
#[derive(Debug, Clone, PartialEq)]
pub enum Spec {
    Null,
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Text(String),
    Date(jiff::civil::Date),
    DateTime(jiff::civil::DateTime),
    Duration(SignedDuration),
    Week(Week),
    List(Vec<Spec>),
    Record(Vec<(String, Spec)>),
}

/// One fact: a value or nothing (missing) per declared field, and undeclared fields as
/// (name, raw JSON) in the order the tests keep them.
#[derive(Debug, Clone)]
pub struct FactSpec {
    pub fields: Vec<Option<Spec>>,
    pub extras: Vec<(String, String)>,
}

pub const EXTRA_NAMES: [&str; 3] = ["location", "notes", "x_meta"];

pub fn breaks_type() -> ValueType {
    ValueType::list(ValueType::record([
        ("start", ValueType::DateTime),
        ("minutes", ValueType::Int),
    ]))
}

/// `shift` (every value type) and `employee`.
pub fn catalog() -> Arc<Catalog> {
    let mut catalog = Catalog::new();
    catalog
        .add(
            Schema::builder("shift")
                .required("id", ValueType::Text)
                .required("start", ValueType::DateTime)
                .optional("end", ValueType::DateTime)
                .optional("break_minutes", ValueType::Int)
                .optional("pay", ValueType::Money)
                .optional("factor", ValueType::Decimal)
                .optional("paid", ValueType::Bool)
                .optional("day", ValueType::Date)
                .optional("length", ValueType::Duration)
                .optional("week", ValueType::Week)
                .optional("pay_code", ValueType::Text)
                .optional("breaks", breaks_type())
                .optional("meta", ValueType::Any)
                .build()
                .unwrap(),
        )
        .unwrap();
    catalog
        .add(
            Schema::builder("employee")
                .required("id", ValueType::Text)
                .required("hourly_rate", ValueType::Decimal)
                .build()
                .unwrap(),
        )
        .unwrap();
    Arc::new(catalog)
}

pub fn shift_type(catalog: &Catalog) -> FactTypeId {
    catalog.id("shift").unwrap()
}

pub fn to_value(spec: &Spec, interner: &mut Interner) -> Value {
    match spec {
        Spec::Null => Value::Null,
        Spec::Bool(b) => Value::Bool(*b),
        Spec::Int(i) => Value::Int(*i),
        Spec::Decimal(d) => Value::Decimal(*d),
        Spec::Text(t) => Value::Text(interner.intern(t).unwrap()),
        Spec::Date(d) => Value::Date(*d),
        Spec::DateTime(d) => Value::DateTime(*d),
        Spec::Duration(d) => Value::Duration(*d),
        Spec::Week(w) => Value::Week(*w),
        Spec::List(items) => Value::List(
            items
                .iter()
                .map(|item| to_value(item, interner))
                .collect::<Vec<_>>()
                .into(),
        ),
        Spec::Record(fields) => Value::Record(Record::new(
            fields
                .iter()
                .map(|(name, value)| (interner.intern(name).unwrap(), to_value(value, interner)))
                .collect::<Vec<_>>(),
        )),
    }
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Za-z0-9_ ]{0,12}",
        1 => any::<String>(),
        1 => "[\"\\\\\\n\\t\u{1}é€😀/,]{1,6}",
    ]
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=12).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale))
}

fn date() -> impl Strategy<Value = jiff::civil::Date> {
    (-9999i16..=9999, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| jiff::civil::date(y, m, d))
}

fn datetime() -> impl Strategy<Value = jiff::civil::DateTime> {
    (
        date(),
        0i8..24,
        0i8..60,
        0i8..60,
        prop_oneof![3 => Just(0i32), 1 => 0i32..1_000_000_000],
    )
        .prop_map(|(date, h, m, s, nanos)| date.at(h, m, s, nanos))
}

fn week() -> impl Strategy<Value = Week> {
    date().prop_map(Week::of)
}

fn duration() -> impl Strategy<Value = SignedDuration> {
    (
        -10_000_000_000i64..10_000_000_000,
        0i32..1_000_000_000,
        prop_oneof![3 => Just(true), 1 => Just(false)],
    )
        .prop_map(|(secs, nanos, whole)| {
            let nanos = if whole {
                0
            } else if secs < 0 {
                -nanos
            } else {
                nanos
            };
            SignedDuration::new(secs, nanos)
        })
}

/// Values of no declared type, as a JSON reader would make them.
fn any_value() -> impl Strategy<Value = Spec> {
    let leaf = prop_oneof![
        Just(Spec::Null),
        any::<bool>().prop_map(Spec::Bool),
        any::<i64>().prop_map(Spec::Int),
        decimal()
            .prop_filter("a whole decimal reads back as an int", |d| d.scale() > 0)
            .prop_map(Spec::Decimal),
        text().prop_map(Spec::Text),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Spec::List),
            prop::collection::btree_map("[a-z]{1,5}", inner, 0..4)
                .prop_map(|m| Spec::Record(m.into_iter().collect())),
        ]
    })
}

fn breaks() -> impl Strategy<Value = Spec> {
    let one = (datetime(), prop::option::of(any::<i32>())).prop_map(|(start, minutes)| {
        let mut fields = vec![("start".to_string(), Spec::DateTime(start))];
        if let Some(minutes) = minutes {
            fields.push(("minutes".to_string(), Spec::Int(i64::from(minutes))));
        }
        Spec::Record(fields)
    });
    prop::collection::vec(one, 0..3).prop_map(Spec::List)
}

/// A field that may be missing, null (when `nulls`), or a value.
fn optional(
    value: impl Strategy<Value = Spec> + 'static,
    nulls: bool,
) -> BoxedStrategy<Option<Spec>> {
    let value = value.boxed();
    if nulls {
        prop_oneof![1 => Just(None), 1 => Just(Some(Spec::Null)), 4 => value.prop_map(Some)].boxed()
    } else {
        prop_oneof![1 => Just(None), 4 => value.prop_map(Some)].boxed()
    }
}

fn raw_json() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z][0-9]{2}".prop_map(|s| format!("\"{s}\"")),
        Just("1.50".to_string()),
        Just("{\"a\": [1, 2e3, null], \"b\": \"\\u00e9\"}".to_string()),
        Just("[ ]".to_string()),
        text().prop_map(|s| serde_json::to_string(&s).unwrap()),
    ]
}

/// A shift. With `csv_safe`, no top-level null or empty text (CSV cannot tell them from
/// missing) and only text in undeclared fields (CSV cells are text).
pub fn shift(csv_safe: bool) -> impl Strategy<Value = FactSpec> {
    let nulls = !csv_safe;
    let text_value = if csv_safe {
        text().prop_filter("not empty", |t| !t.is_empty()).boxed()
    } else {
        text().boxed()
    };
    let fields = (
        text_value.clone().prop_map(Spec::Text),
        datetime().prop_map(Spec::DateTime),
        optional(datetime().prop_map(Spec::DateTime), nulls),
        optional(any::<i64>().prop_map(Spec::Int), nulls),
        optional(decimal().prop_map(Spec::Decimal), nulls),
        optional(decimal().prop_map(Spec::Decimal), nulls),
        optional(any::<bool>().prop_map(Spec::Bool), nulls),
        optional(date().prop_map(Spec::Date), nulls),
        optional(duration().prop_map(Spec::Duration), nulls),
        optional(text_value.prop_map(Spec::Text), nulls),
        optional(breaks(), nulls),
        optional(
            any_value().prop_filter("csv any cells must not be text", move |v| {
                !csv_safe || !matches!(v, Spec::Text(_) | Spec::Null)
            }),
            nulls,
        ),
    );
    let extra_value = if csv_safe {
        "[A-Za-z0-9 ,\"]{1,8}"
            .prop_map(|s| serde_json::to_string(&s).unwrap())
            .boxed()
    } else {
        raw_json().boxed()
    };
    let extras = prop::collection::vec(prop::option::of(extra_value), EXTRA_NAMES.len());
    let week = optional(week().prop_map(Spec::Week), nulls);
    (fields, week, extras).prop_map(|(f, week, extras)| FactSpec {
        fields: vec![
            Some(f.0),
            Some(f.1),
            f.2,
            f.3,
            f.4,
            f.5,
            f.6,
            f.7,
            f.8,
            week,
            f.9,
            f.10,
            f.11,
        ],
        extras: EXTRA_NAMES
            .iter()
            .zip(extras)
            .filter_map(|(name, raw)| raw.map(|raw| (name.to_string(), raw)))
            .collect(),
    })
}
