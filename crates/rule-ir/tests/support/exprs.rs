//! Expressions for generated programs: the types of values, what makes a value of each
//! (literals, operators, calls of built-ins and calculators, members, comprehensions,
//! templates) as data tables, and the proptest strategies that draw an expression of a
//! wanted type. A `Ref` leaf stands for "a value of this type in scope", resolved when the
//! program is built, with a fallback of the same type for when nothing in scope fits.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::Union;
use reckon_fact_store::{Date, Decimal, SignedDuration, ValueType, Week};
use reckon_rule_ir::{AggOp, BinaryOp as B, Builtin, Literal, UnaryOp as U};

/// The types of generated values: the field types, then records and a list of tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Text,
    Int,
    Decimal,
    Money,
    Bool,
    Date,
    DateTime,
    Duration,
    Week,
    ListInt,
    ListRec,
    Any,
    Rec,
    Day,
    ListDay,
    Tiers,
}

pub(crate) use Ty as T;

#[rustfmt::skip]
pub(crate) const ALL_TYPES: [Ty; 16] = [
    T::Text, T::Int, T::Decimal, T::Money, T::Bool, T::Date, T::DateTime, T::Duration, T::Week,
    T::ListInt, T::ListRec, T::Any, T::Rec, T::Day, T::ListDay, T::Tiers,
];
pub(crate) const FIELD_TYPES: &[Ty] = ALL_TYPES.split_at(12).0;
pub(crate) const SCALARS: &[Ty] = ALL_TYPES.split_at(9).0;
const NUM: &[Ty] = &[T::Int, T::Decimal, T::Money];
const DATED: &[Ty] = &[T::Date, T::DateTime];
pub(crate) const COMPARISONS: [B; 6] = [B::Eq, B::Ne, B::Lt, B::Le, B::Gt, B::Ge];

/// Lists by element type, and records by member types.
const LISTS: &[(Ty, Ty)] = &[
    (T::ListInt, T::Int),
    (T::ListRec, T::Rec),
    (T::ListDay, T::Day),
];
#[rustfmt::skip]
const RECORDS: &[(Ty, &[(&str, Ty)])] = &[
    (T::Rec, &[("a", T::Int), ("b", T::Text)]),
    (T::Day, &[("date", T::Date), ("minutes", T::Int), ("hours", T::Decimal)]),
];

/// Operand types for the tables below.
const INT: &[Ty] = &[T::Int];
const DEC: &[Ty] = &[T::Decimal];
const DUR: &[Ty] = &[T::Duration];
const DATE: &[Ty] = &[T::Date];
const DT: &[Ty] = &[T::DateTime];
const BOOL: &[Ty] = &[T::Bool];
const ANY: &[Ty] = &[T::Any];
const MONEY: &[Ty] = &[T::Money];
const WEEKLY: &[Ty] = &[T::Week, T::Date, T::DateTime];

/// Infix operators: `(result, operator, left, right)`, each operand of any of its types.
#[rustfmt::skip]
const OPERATORS: &[(Ty, B, &[Ty], &[Ty])] = &[
    (T::Int, B::Add, INT, INT), (T::Int, B::Sub, INT, INT), (T::Int, B::Mul, INT, INT),
    (T::Int, B::Rem, INT, INT), (T::Decimal, B::Add, DEC, NUM), (T::Decimal, B::Sub, NUM, DEC),
    (T::Decimal, B::Mul, DEC, NUM), (T::Decimal, B::Rem, NUM, DEC), (T::Decimal, B::Div, NUM, NUM),
    (T::Decimal, B::Div, DUR, DUR), (T::Decimal, B::Add, ANY, DEC), (T::Decimal, B::Div, ANY, INT),
    (T::Bool, B::And, &[T::Bool, T::Any], BOOL), (T::Bool, B::Or, BOOL, &[T::Bool, T::Any]),
    (T::Bool, B::Lt, INT, &[T::Decimal, T::Money]), (T::Bool, B::Ge, ANY, INT),
    (T::Date, B::Add, DATE, DUR), (T::Date, B::Add, DUR, DATE), (T::Date, B::Sub, DATE, DUR),
    (T::DateTime, B::Add, DT, DUR), (T::DateTime, B::Add, DUR, DT), (T::DateTime, B::Sub, DT, DUR),
    (T::Duration, B::Add, DUR, DUR), (T::Duration, B::Sub, DUR, DUR), (T::Duration, B::Sub, DT, DT),
    (T::Duration, B::Sub, DATE, DATE), (T::Duration, B::Mul, DUR, NUM),
    (T::Duration, B::Mul, INT, DUR), (T::Duration, B::Div, DUR, NUM),
    // With an operand of unknown type, arithmetic is of unknown type.
    (T::Any, B::Mul, ANY, INT), (T::Any, B::Sub, DUR, ANY),
];

/// Prefix operators and null tests: `(result, operator, operand)`.
#[rustfmt::skip]
const UNARY: &[(Ty, U, Ty)] = &[
    (T::Int, U::Neg, T::Int), (T::Decimal, U::Neg, T::Decimal), (T::Decimal, U::Neg, T::Money),
    (T::Duration, U::Neg, T::Duration), (T::Any, U::Neg, T::Any), (T::Bool, U::Not, T::Bool),
    (T::Bool, U::Not, T::Any), (T::Bool, U::IsNull, T::Any),
];

/// Calls of built-ins: `(result, function, the types each argument may have)`.
#[rustfmt::skip]
const CALLS: &[(Ty, Builtin, &[&[Ty]])] = &[
    (T::Int, Builtin::Len, &[&[T::ListInt, T::ListRec, T::ListDay, T::Tiers, T::Text]]),
    (T::Int, Builtin::Weekday, &[DATED]), (T::Int, Builtin::Year, &[DATED]),
    (T::Int, Builtin::Month, &[DATED]), (T::Int, Builtin::Day, &[DATED]),
    (T::Int, Builtin::DaysBetween, &[DATE, DATE]), (T::Int, Builtin::AgeInYears, &[DATE, DATE]),
    (T::Int, Builtin::Abs, &[INT]), (T::Int, Builtin::Least, &[INT, INT]),
    (T::Int, Builtin::Greatest, &[INT, INT, INT]), (T::Int, Builtin::Clamp, &[INT, INT, INT]),
    (T::Decimal, Builtin::HoursBetween, &[DT, DT]),
    (T::Decimal, Builtin::MinutesBetween, &[DT, DT]),
    (T::Decimal, Builtin::Round, &[NUM, INT]), (T::Decimal, Builtin::RoundEven, &[NUM, INT]),
    (T::Decimal, Builtin::Floor, &[NUM]), (T::Decimal, Builtin::Ceil, &[NUM]),
    (T::Decimal, Builtin::PercentOf, &[NUM, NUM]),
    (T::Decimal, Builtin::Tiered, &[NUM, &[T::Tiers, T::ListInt]]),
    (T::Decimal, Builtin::Abs, &[DEC]), (T::Decimal, Builtin::Greatest, &[DEC, NUM]),
    (T::Money, Builtin::Abs, &[MONEY]), (T::Money, Builtin::Greatest, &[MONEY, MONEY]),
    (T::Text, Builtin::Text, &[&ALL_TYPES]), (T::Date, Builtin::Date, &[DATED]),
    (T::Date, Builtin::WeekStart, &[WEEKLY]), (T::Date, Builtin::WeekEnd, &[WEEKLY]),
    (T::Date, Builtin::Least, &[DATE, DATE]), (T::DateTime, Builtin::Greatest, &[DT, DT]),
    (T::Duration, Builtin::Abs, &[DUR]), (T::Week, Builtin::IsoWeek, &[DATED]),
    (T::ListDay, Builtin::SplitByDay, &[DT, DT]),
];

/// Member access: `(result, value, member)`.
#[rustfmt::skip]
const MEMBERS: &[(Ty, Ty, &str)] = &[
    (T::Int, T::Rec, "a"), (T::Text, T::Rec, "b"), (T::Int, T::Day, "minutes"),
    (T::Decimal, T::Day, "hours"), (T::Date, T::Day, "date"), (T::Date, T::Week, "start"),
    (T::Date, T::Week, "end"),
];

/// Aggregates: `(aggregate, what each value is, result)`; `min` and `max` of the scalars
/// follow in [`folds`].
#[rustfmt::skip]
const FOLDS: &[(AggOp, Option<Ty>, Ty)] = &[
    (AggOp::Count, None, T::Int), (AggOp::Sum, Some(T::Int), T::Int),
    (AggOp::Sum, Some(T::Decimal), T::Decimal), (AggOp::Sum, Some(T::Money), T::Decimal),
    (AggOp::Sum, Some(T::Duration), T::Duration), (AggOp::Avg, Some(T::Int), T::Decimal),
    (AggOp::Avg, Some(T::Decimal), T::Decimal), (AggOp::Collect, Some(T::Int), T::ListInt),
    (AggOp::Collect, Some(T::Rec), T::ListRec),
];

pub(crate) fn folds() -> impl Iterator<Item = (AggOp, Option<Ty>, Ty)> {
    let ordered = SCALARS
        .iter()
        .flat_map(|t| [(AggOp::Min, Some(*t), *t), (AggOp::Max, Some(*t), *t)]);
    FOLDS.iter().copied().chain(ordered)
}

impl Ty {
    /// The IR type. An expression drawn for `Money` may also be a decimal (there is no
    /// money literal); every place that takes money takes a decimal.
    pub(crate) fn value_type(self) -> ValueType {
        if let Some((_, element)) = LISTS.iter().find(|(list, _)| *list == self) {
            return ValueType::list(element.value_type());
        }
        if let Some((_, members)) = RECORDS.iter().find(|(record, _)| *record == self) {
            return ValueType::record(members.iter().map(|(name, ty)| (*name, ty.value_type())));
        }
        match self {
            T::Text => ValueType::Text,
            T::Int => ValueType::Int,
            T::Decimal => ValueType::Decimal,
            T::Money => ValueType::Money,
            T::Bool => ValueType::Bool,
            T::Date => ValueType::Date,
            T::DateTime => ValueType::DateTime,
            T::Duration => ValueType::Duration,
            T::Week => ValueType::Week,
            T::Tiers => ValueType::list(ValueType::list(ValueType::Decimal)),
            _ => ValueType::Any,
        }
    }
}

/// An expression of a known type.
#[derive(Debug, Clone)]
pub(crate) enum E {
    Lit(Literal),
    /// The `n`th value of the type in scope, else the fallback.
    Ref(Ty, u8, Box<E>),
    Unary(U, Box<E>),
    /// `v is missing` / `v is null` of the `n`th value in scope (`null` when none).
    Check(U, u8),
    Binary(B, Box<E>, Box<E>),
    If(Box<E>, Box<E>, Box<E>),
    In(Box<E>, Vec<E>),
    List(Vec<E>),
    Record(Vec<(String, E)>),
    Member(Box<E>, String),
    Builtin(Builtin, Vec<E>),
    /// A call of the plan's `n`th calculator.
    Calc(usize, Vec<E>),
    /// `len` of the `n`th list or text in scope, else of the fallback.
    Len(u8, Box<E>),
    /// `op(for var in source where filter yield value default d)`.
    Fold(
        AggOp,
        String,
        Box<E>,
        Option<Box<E>>,
        Option<Box<E>>,
        Option<Box<E>>,
    ),
    Template(Vec<Part>),
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    Text(String),
    Value(E),
}

// ----- names and literals -----

/// Names of every kind: text-form keywords, type and function names, names that need
/// backticks, and the empty name.
#[rustfmt::skip]
pub(crate) const NAMES: &[&str] = &[
    "s", "e", "amount", "start", "end", "rule", "match", "key", "test", "join", "in", "is", "not",
    "it", "for", "where", "yield", "default", "optional", "derived", "null", "true", "group", "by",
    "emit", "set", "let", "when", "no", "exists", "next", "after", "alpha", "stratum", "partition",
    "calc", "fact", "priority", "single", "output", "uses", "int", "list", "any", "date", "text",
    "len", "sum", "count", "week", "d", "dt", "a b", "pay-code", "1st", "\u{e9}t\u{e9}", "a`b", "`",
    "", "_", "x_1", "a.b", "//c", "\"q\"", "tab\there",
];

pub(crate) fn name() -> BoxedStrategy<String> {
    let any_chars = vec(any::<char>(), 1..4).prop_map(|chars| chars.into_iter().collect());
    prop_oneof![5 => select(NAMES).prop_map(String::from), 2 => "[a-z][a-z_]{0,6}", 1 => any_chars]
        .boxed()
}

pub(crate) fn text() -> BoxedStrategy<String> {
    #[rustfmt::skip]
    const SPECIAL: &[char] = &[
        '"', '\\', '\n', '\r', '\t', '\0', '\u{1f}', '\u{7f}', '\u{e9}', '\u{65e5}', '\u{1f600}',
        '\u{2028}', '`', '{', ' ', '/',
    ];
    let special = vec(select(SPECIAL), 0..6).prop_map(|chars| chars.into_iter().collect());
    let any_chars = vec(any::<char>(), 0..6).prop_map(|chars| chars.into_iter().collect());
    prop_oneof!["[a-zA-Z0-9 ]{0,8}", special, any_chars].boxed()
}

fn decimal() -> BoxedStrategy<Decimal> {
    let mut negative_zero = Decimal::new(0, 2);
    negative_zero.set_sign_negative(true);
    let extremes = vec![
        Decimal::MAX,
        Decimal::MIN,
        Decimal::new(1, 28),
        Decimal::new(40, 0),
        negative_zero,
    ];
    prop_oneof![
        4 => (-100_000i64..100_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
        2 => (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        1 => select(extremes),
    ]
    .boxed()
}

fn year() -> BoxedStrategy<i16> {
    prop_oneof![3 => 1900i16..2100, 1 => -9999i16..=9999].boxed()
}

fn date() -> BoxedStrategy<Date> {
    (year(), 1i8..=12, 1i8..=31)
        .prop_filter_map("no such day", |(y, m, d)| Date::new(y, m, d).ok())
        .boxed()
}

/// A literal of type `ty`: `null` for lists and records, a decimal for money, anything for `any`.
pub(crate) fn literal(ty: Ty) -> BoxedStrategy<Literal> {
    let nanos = || prop_oneof![Just(0), Just(500_000_000), 0i32..1_000_000_000];
    match ty {
        T::Text => text().prop_map(Literal::Text).boxed(),
        T::Int => {
            let extremes = select(vec![i64::MIN, i64::MAX]);
            let int = prop_oneof![4 => -1000i64..1000, 1 => any::<i64>(), 1 => extremes];
            int.prop_map(Literal::Int).boxed()
        }
        T::Decimal | T::Money => decimal().prop_map(Literal::Decimal).boxed(),
        T::Bool => any::<bool>().prop_map(Literal::Bool).boxed(),
        T::Date => date().prop_map(Literal::Date).boxed(),
        T::DateTime => (date(), 0i8..24, 0i8..60, 0i8..60, nanos())
            .prop_map(|(d, h, m, s, n)| Literal::DateTime(d.at(h, m, s, n)))
            .boxed(),
        T::Duration => {
            let seconds = prop_oneof![4 => -1_000_000i64..1_000_000, 1 => any::<i64>()];
            let duration = (seconds, nanos()).prop_map(|(s, n)| SignedDuration::new(s, n));
            duration.prop_map(Literal::Duration).boxed()
        }
        T::Week => {
            let week = (year(), 1i8..=53).prop_filter_map("no such week", |(y, n)| Week::new(y, n));
            week.prop_map(Literal::Week).boxed()
        }
        T::Any => {
            let scalar = select(SCALARS).prop_flat_map(literal);
            prop_oneof![2 => Just(Literal::Null), 1 => scalar].boxed()
        }
        _ => Just(Literal::Null).boxed(),
    }
}

// ----- expressions -----

/// How deep expressions nest above their leaves.
const DEPTH: usize = 3;

type Of<'a> = &'a dyn Fn(Ty) -> BoxedStrategy<E>;

/// The expression strategies of each type and depth, for a program whose calculators have
/// the given signatures (those an expression may call).
pub(crate) struct Exprs {
    table: Vec<Vec<BoxedStrategy<E>>>,
}

impl Exprs {
    pub(crate) fn new(calcs: &[(Vec<Ty>, Ty)]) -> Exprs {
        let leaves = ALL_TYPES.iter().map(|ty| {
            let fallback = leaf(*ty);
            prop_oneof![
                fallback.clone(),
                (any::<u8>(), fallback).prop_map(|(n, f)| E::Ref(*ty, n, Box::new(f)))
            ]
            .boxed()
        });
        let mut table: Vec<Vec<BoxedStrategy<E>>> = vec![leaves.collect()];
        for depth in 1..=DEPTH {
            let below = &table[depth - 1];
            let s = |ty: Ty| below[ty as usize].clone();
            table.push(
                ALL_TYPES
                    .iter()
                    .map(|ty| Union::new_weighted(options(*ty, &s, calcs)).boxed())
                    .collect(),
            );
        }
        Exprs { table }
    }

    /// An expression of type `ty`.
    pub(crate) fn of(&self, ty: Ty) -> BoxedStrategy<E> {
        self.table[DEPTH][ty as usize].clone()
    }

    /// An expression of any of the types.
    pub(crate) fn any_of(&self, types: &[Ty]) -> BoxedStrategy<E> {
        Union::new(types.iter().map(|ty| self.of(*ty))).boxed()
    }
}

fn union(s: Of<'_>, types: &[Ty]) -> BoxedStrategy<E> {
    Union::new(types.iter().map(|ty| s(*ty))).boxed()
}

/// A value of `ty` made from literals alone.
fn leaf(ty: Ty) -> BoxedStrategy<E> {
    match ty {
        T::Any => Just(E::Lit(Literal::Null)).boxed(),
        _ => shaped(ty, &leaf).unwrap_or_else(|| literal(ty).prop_map(E::Lit).boxed()),
    }
}

/// A list or record of `ty` built from its parts.
fn shaped(ty: Ty, s: Of<'_>) -> Option<BoxedStrategy<E>> {
    if let Some((_, element)) = LISTS.iter().find(|(list, _)| *list == ty) {
        return Some(vec(s(*element), 1..3).prop_map(E::List).boxed());
    }
    if let Some((_, members)) = RECORDS.iter().find(|(record, _)| *record == ty) {
        let members: Vec<_> = members
            .iter()
            .map(|(n, t)| s(*t).prop_map(move |e| (n.to_string(), e)))
            .collect();
        return Some(members.prop_map(E::Record).boxed());
    }
    (ty == T::Tiers).then(|| {
        vec(vec![s(T::Int), s(T::Decimal)].prop_map(E::List), 1..3)
            .prop_map(E::List)
            .boxed()
    })
}

/// A strategy for an expression, with its weight among the options.
type Weighted = (u32, BoxedStrategy<E>);

fn add(o: &mut Vec<Weighted>, weight: u32, s: impl Strategy<Value = E> + 'static) {
    o.push((weight, s.boxed()));
}

pub(crate) fn binary(op: B) -> impl Fn((E, E)) -> E + Clone {
    move |(l, r)| E::Binary(op, Box::new(l), Box::new(r))
}

/// The ways to make a value of `ty` from values one level down, with their weights.
fn options(ty: Ty, s: Of<'_>, calcs: &[(Vec<Ty>, Ty)]) -> Vec<Weighted> {
    let mut o = vec![(8, s(ty))];
    let choice = (s(T::Bool), s(ty), s(ty));
    add(
        &mut o,
        1,
        choice.prop_map(|(c, a, b)| E::If(Box::new(c), Box::new(a), Box::new(b))),
    );
    add(&mut o, 1, record_member(s(ty)));
    o.extend(shaped(ty, s).map(|shape| (2, shape)));
    for (_, op, left, right) in OPERATORS.iter().filter(|o| o.0 == ty) {
        add(
            &mut o,
            1,
            (union(s, left), union(s, right)).prop_map(binary(*op)),
        );
    }
    for (_, op, operand) in UNARY.iter().filter(|u| u.0 == ty) {
        let op = *op;
        add(
            &mut o,
            1,
            s(*operand).prop_map(move |e| E::Unary(op, Box::new(e))),
        );
    }
    for (_, builtin, args) in CALLS.iter().filter(|c| c.0 == ty) {
        let (builtin, args): (_, Vec<_>) = (*builtin, args.iter().map(|t| union(s, t)).collect());
        add(
            &mut o,
            1,
            args.prop_map(move |args| E::Builtin(builtin, args)),
        );
    }
    for (_, base, member) in MEMBERS.iter().filter(|m| m.0 == ty) {
        add(
            &mut o,
            1,
            s(*base).prop_map(move |b| E::Member(Box::new(b), member.to_string())),
        );
    }
    for (op, value, _) in folds().filter(|f| f.2 == ty) {
        let boxed = |ty: Ty| s(ty).prop_map(Box::new);
        let value = value.map_or(Just(None).boxed(), |v| boxed(v).prop_map(Some).boxed());
        let default = if op == AggOp::Collect {
            None
        } else {
            Some(boxed(ty))
        };
        let lists = union(s, &[T::ListInt, T::ListRec, T::ListDay]).prop_map(Box::new);
        let parts = (
            name(),
            lists,
            option::of(boxed(T::Bool)),
            value,
            maybe(default),
        );
        add(
            &mut o,
            1,
            parts.prop_map(move |(v, l, f, y, d)| E::Fold(op, v, l, f, y, d)),
        );
    }
    for (index, (params, returns)) in calcs.iter().enumerate() {
        if *returns == ty || (ty == T::Money && *returns == T::Decimal) {
            let args: Vec<_> = params.iter().map(|p| s(*p)).collect();
            add(&mut o, 1, args.prop_map(move |args| E::Calc(index, args)));
        }
    }
    match ty {
        T::Money => o.push((3, s(T::Decimal))),
        T::Int => add(
            &mut o,
            1,
            (any::<u8>(), s(T::ListInt)).prop_map(|(n, f)| E::Len(n, Box::new(f))),
        ),
        T::Text => {
            let value = union(s, &ALL_TYPES).prop_map(Part::Value);
            let part = prop_oneof![text().prop_map(Part::Text), value];
            add(&mut o, 1, vec(part, 0..4).prop_map(E::Template));
        }
        T::Bool => {
            for op in COMPARISONS {
                let types = if matches!(op, B::Eq | B::Ne) {
                    &ALL_TYPES[..]
                } else {
                    SCALARS
                };
                let pairs = types
                    .iter()
                    .map(|t| (s(*t), s(*t)).prop_map(binary(op)).boxed());
                add(&mut o, 2, Union::new(pairs.collect::<Vec<_>>()));
            }
            let member_of =
                |t: &Ty| (s(*t), vec(s(*t), 0..3)).prop_map(|(v, l)| E::In(Box::new(v), l));
            add(
                &mut o,
                2,
                Union::new(SCALARS.iter().map(|t| member_of(t).boxed())),
            );
            let check = (select(&[U::IsMissing, U::IsNull][..]), any::<u8>());
            add(&mut o, 2, check.prop_map(|(op, n)| E::Check(op, n)));
        }
        _ => {}
    }
    o
}

/// `{..., name: value, ...}.name`.
fn record_member(value: BoxedStrategy<E>) -> BoxedStrategy<E> {
    let parts = (
        name(),
        value,
        vec((name(), leaf(T::Int)), 0..2),
        any::<Index>(),
    );
    let member = parts.prop_map(|(name, value, others, at)| {
        let mut fields: Vec<(String, E)> = Vec::new();
        for (other, e) in others {
            if other != name && !fields.iter().any(|(taken, _)| *taken == other) {
                fields.push((other, e));
            }
        }
        fields.insert(at.index(fields.len() + 1), (name.clone(), value));
        E::Member(Box::new(E::Record(fields)), name)
    });
    member.boxed()
}

/// A record of scalars whose type is printed (as a `let`'s), with members of any name.
pub(crate) fn record(x: &Exprs) -> BoxedStrategy<E> {
    let member = (select(NAMES), x.any_of(SCALARS));
    let record = vec(member, 1..4).prop_map(|fields| {
        let mut members: Vec<(String, E)> = Vec::new();
        for (name, e) in fields {
            if !members.iter().any(|(taken, _)| taken == name) {
                members.push((name.to_string(), e));
            }
        }
        E::Record(members)
    });
    record.boxed()
}

pub(crate) fn maybe<S: Strategy + 'static>(strategy: Option<S>) -> BoxedStrategy<Option<S::Value>>
where
    S::Value: Clone,
{
    strategy.map_or(Just(None).boxed(), |s| s.prop_map(Some).boxed())
}
