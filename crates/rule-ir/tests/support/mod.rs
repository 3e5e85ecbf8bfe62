//! Random well-typed rule programs as plain data: a `Plan` of fact types, calculators and
//! rules drawn by proptest strategies, which `build` turns into a program through the
//! builder API exactly as a front end would.

mod build;
mod exprs;

use std::rc::Rc;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::strategy::Union;
use reckon_rule_ir::{AggOp, BinaryOp as B, Builtin, Literal, UnaryOp as U};

pub(crate) use build::build;
use exprs::{ALL_TYPES, COMPARISONS, E, Exprs, FIELD_TYPES, Part, SCALARS, T, Ty};
use exprs::{binary, folds, literal, maybe, name, record, text};

/// A program to build: its declarations by position, so that rules can name them.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) facts: Vec<FactPlan>,
    pub(crate) calcs: Vec<CalcPlan>,
    pub(crate) rules: Vec<RulePlan>,
    pub(crate) strata: Option<StrataPlan>,
}

/// Strata as `stratify` and `infer_partition_keys` record them.
#[derive(Debug, Clone)]
pub(crate) struct StrataPlan {
    /// The stratum of each rule (the first numbers count).
    pub(crate) of_rule: Vec<u8>,
    /// Each stratum's partition keys as (fact, field) numbers, taken modulo what exists.
    pub(crate) partitions: Vec<Option<Vec<(usize, usize)>>>,
}

#[derive(Debug, Clone)]
pub(crate) struct FactPlan {
    pub(crate) name: String,
    pub(crate) single: bool,
    pub(crate) output: bool,
    pub(crate) fields: Vec<FieldPlan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Required,
    Optional,
    Derived,
}

#[derive(Debug, Clone)]
pub(crate) struct FieldPlan {
    pub(crate) name: String,
    pub(crate) ty: Ty,
    pub(crate) kind: Kind,
    pub(crate) default: Option<Literal>,
}

#[derive(Debug, Clone)]
pub(crate) struct CalcPlan {
    pub(crate) name: String,
    pub(crate) params: Vec<(String, Ty)>,
    pub(crate) returns: Ty,
    pub(crate) body: E,
}

/// A rule: its steps in order, its grouping and its actions.
#[derive(Debug, Clone)]
pub(crate) struct RulePlan {
    pub(crate) name: String,
    pub(crate) priority: i32,
    pub(crate) steps: Vec<Step>,
    pub(crate) group: Option<GroupPlan>,
    pub(crate) actions: Vec<Action>,
}

/// A pattern: its tests read its own fact only, its joins earlier bindings too.
#[derive(Debug, Clone)]
pub(crate) struct PatternPlan {
    pub(crate) binding: String,
    pub(crate) fact: usize,
    /// `next ... after <the latest match of the type> by (fields)`.
    pub(crate) next: Option<Vec<usize>>,
    pub(crate) tests: Vec<E>,
    pub(crate) joins: Vec<Join>,
}

#[derive(Debug, Clone)]
pub(crate) enum Join {
    /// A field equal to a field of the same type of an earlier match, the `n`th such pair.
    Equal(u8),
    Expr(E),
}

/// A condition of a rule, in the order the builder is told them.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    Match(PatternPlan),
    Absent(PatternPlan),
    Exists(PatternPlan),
    Accumulate(String, AggOp, PatternPlan, Option<E>, Option<E>),
    Expand(String, E),
    Let(String, E),
    Guard(E),
}

#[derive(Debug, Clone)]
pub(crate) struct GroupPlan {
    /// `key <first match>`, which keeps its fields in scope and allows acting on it.
    pub(crate) fact_key: bool,
    pub(crate) keys: Vec<(String, E)>,
    pub(crate) aggregates: Vec<(String, AggOp, Option<E>)>,
    pub(crate) lets: Vec<(String, E)>,
    pub(crate) having: Option<E>,
}

/// An action; a binding is a position among the rule's matches, a field a position in
/// its fact type.
#[derive(Debug, Clone)]
pub(crate) enum Action {
    Set(usize, usize, E),
    Emit(usize, Vec<(usize, E)>),
    Alert(Vec<Part>),
    /// An alert quoting an aggregate call, which the builder hoists into the group.
    Aggregate(AggOp, Option<E>),
    Retract(usize),
    Update(usize, Vec<(usize, E)>),
}

// ----- programs -----

/// A whole program: fact types and calculator signatures first, since what bodies and
/// rules may say depends on them.
pub(crate) fn plan() -> impl Strategy<Value = Plan> {
    let signature = (
        name(),
        vec((name(), select(FIELD_TYPES)), 1..=3),
        select(FIELD_TYPES),
    );
    let declarations = (vec(fact(), 1..=4), vec(signature, 0..=2));
    let plan = declarations.prop_flat_map(|(facts, signatures)| {
        let types: Vec<(Vec<Ty>, Ty)> = signatures
            .iter()
            .map(|(_, params, to)| (params.iter().map(|p| p.1).collect(), *to))
            .collect();
        // A calculator may call those declared before it.
        let bodies: Vec<_> = (0..types.len())
            .map(|i| Exprs::new(&types[..i]).of(types[i].1))
            .collect();
        let facts = Rc::new(facts);
        let rules = vec(rule(&facts, &Rc::new(Exprs::new(&types))), 1..=8);
        let partition = option::of(vec((any::<usize>(), any::<usize>()), 0..3));
        let strata = (vec(0u8..3, 8), vec(partition, 3));
        let strata = strata.prop_map(|(of_rule, partitions)| StrataPlan {
            of_rule,
            partitions,
        });
        let strata = option::weighted(0.3, strata);
        (Just(facts), Just(signatures), bodies, rules, strata)
    });
    plan.prop_map(|(facts, signatures, bodies, rules, strata)| {
        let calcs = signatures.into_iter().zip(bodies);
        let calcs = calcs.map(|((name, params, returns), body)| CalcPlan {
            name,
            params,
            returns,
            body,
        });
        Plan {
            facts: (*facts).clone(),
            calcs: calcs.collect(),
            rules,
            strata,
        }
    })
}

fn fact() -> BoxedStrategy<FactPlan> {
    const KINDS: [Kind; 3] = [Kind::Required, Kind::Optional, Kind::Derived];
    let shape = (name(), select(FIELD_TYPES), select(&KINDS[..]), 0u8..4);
    let field = shape.prop_flat_map(|(name, ty, kind, default)| {
        let default = match default {
            0 => literal(ty).prop_map(Some).boxed(),
            1 => Just(Some(Literal::Null)).boxed(),
            _ => Just(None).boxed(),
        };
        let field = move |default| FieldPlan {
            name: name.clone(),
            ty,
            kind,
            default,
        };
        default.prop_map(field)
    });
    let fact = (name(), any::<bool>(), any::<bool>(), vec(field, 1..=6));
    fact.prop_map(|(name, single, output, fields)| FactPlan {
        name,
        single,
        output,
        fields,
    })
    .boxed()
}

/// A single-fact test of a fact whose fields have the `types`: comparisons of a field with
/// a literal, `in` lists, missing and null tests, any test, and `not`/`and`/`or` of them.
fn test(types: &[Ty], x: &Exprs) -> BoxedStrategy<E> {
    let lit = |ty: Ty| match ty {
        T::Int | T::Decimal | T::Money => prop_oneof![literal(T::Int), literal(T::Decimal)].boxed(),
        _ => prop_oneof![6 => literal(ty), 1 => Just(Literal::Null)].boxed(),
    };
    let shape = (
        select(types.to_vec()),
        select(&COMPARISONS[..]),
        any::<u8>(),
        0..3,
    );
    let compare = shape.prop_flat_map(move |(ty, op, n, form)| {
        // The type is one of the fact's, so the field is found and the fallback unused.
        let field = E::Ref(ty, n, Box::new(E::Lit(Literal::Null)));
        let (f, compare) = (field.clone(), binary(op));
        match (ty, form) {
            (T::ListInt | T::ListRec, _) => {
                let len = E::Builtin(Builtin::Len, vec![field]);
                literal(T::Int)
                    .prop_map(move |n| compare((len.clone(), E::Lit(n))))
                    .boxed()
            }
            (_, 0) => lit(ty)
                .prop_map(move |value| compare((f.clone(), E::Lit(value))))
                .boxed(),
            (_, 1) => lit(ty)
                .prop_map(move |value| compare((E::Lit(value), f.clone())))
                .boxed(),
            _ => vec(lit(ty).prop_map(E::Lit), 0..3)
                .prop_map(move |l| E::In(Box::new(f.clone()), l))
                .boxed(),
        }
    });
    let check =
        (select(&[U::IsMissing, U::IsNull][..]), any::<u8>()).prop_map(|(op, n)| E::Check(op, n));
    let leaf = prop_oneof![5 => compare, 1 => check, 1 => x.of(T::Bool)];
    let test = leaf.prop_recursive(2, 6, 2, |inner| {
        let both = (select(&[B::And, B::Or][..]), inner.clone(), inner.clone());
        let not = inner.prop_map(|t| E::Unary(U::Not, Box::new(t)));
        prop_oneof![not, both.prop_map(|(op, a, b)| binary(op)((a, b)))]
    });
    test.boxed()
}

type Joins = std::ops::RangeInclusive<usize>;

/// A pattern over the `fact`th type, with a number of joins in the range, and an order if
/// it is a `next` pattern.
fn pattern(
    facts: &[FactPlan],
    fact: usize,
    joins: Joins,
    next: bool,
    x: &Exprs,
) -> BoxedStrategy<PatternPlan> {
    let types: Vec<Ty> = facts[fact].fields.iter().map(|f| f.ty).collect();
    let equal = any::<u8>().prop_map(Join::Equal);
    let join = prop_oneof![3 => equal, 1 => x.of(T::Bool).prop_map(Join::Expr)];
    let next = maybe(next.then(|| vec(0..types.len(), 1..=2)));
    let parts = (name(), next, vec(test(&types, x), 0..=3), vec(join, joins));
    parts
        .prop_map(move |(binding, next, tests, joins)| PatternPlan {
            binding,
            fact,
            next,
            tests,
            joins,
        })
        .boxed()
}

/// An aggregate and the value it combines, with a default of its result's type if `default`.
fn aggregate(x: &Exprs, default: bool) -> BoxedStrategy<(AggOp, Option<E>, Option<E>)> {
    let options = folds().map(|(op, value, result)| {
        let value = maybe(value.map(|ty| x.of(ty)));
        let default = match default {
            true => option::of(x.of(result)).boxed(),
            false => Just(None).boxed(),
        };
        (Just(op), value, default).boxed()
    });
    Union::new(options.collect::<Vec<_>>()).boxed()
}

/// The steps of a rule before they are put in order: matches, a `no` or `exists`, an
/// accumulation, an expansion, lets and guards.
type Steps = (
    Vec<PatternPlan>,
    Option<Step>,
    Option<Step>,
    Option<Step>,
    Vec<Step>,
    Vec<Step>,
);

/// The shape of a rule's steps: its matches (fact type, and whether a `next` after the one
/// before), a `no` or `exists` (which, and of what type), an accumulation (of what type),
/// and whether it expands, how many lets and guards.
type Shape = (
    Vec<(usize, bool)>,
    Option<(bool, usize)>,
    Option<usize>,
    (bool, usize, usize),
);

fn rule(facts: &Rc<Vec<FactPlan>>, x: &Rc<Exprs>) -> BoxedStrategy<RulePlan> {
    let (facts, x, n) = (facts.clone(), x.clone(), facts.len());
    let local = option::weighted(0.4, (any::<bool>(), 0..n));
    let counts = (prop::bool::weighted(0.3), 0usize..=2, 0usize..=2);
    let shape = (
        vec((0..n, any::<bool>()), 1..=3),
        local,
        option::weighted(0.3, 0..n),
        counts,
    );
    let group = option::weighted(0.3, any::<bool>());
    let rule =
        (shape, group, vec(any::<u8>(), 12)).prop_flat_map(move |(mut shape, group, order)| {
            // A `next` match is of the type of the match before it.
            for k in 1..shape.0.len() {
                if shape.0[k].1 {
                    shape.0[k].0 = shape.0[k - 1].0;
                }
            }
            let bound: Vec<usize> = shape.0.iter().map(|m| m.0).collect();
            let actions = vec(action(&facts, &bound, group, &x), 1..=3);
            let group = maybe(group.map(|fact_key| group_by(&x, fact_key)));
            (
                text(),
                priority(),
                steps(&facts, &x, shape),
                group,
                actions,
                Just(order),
            )
        });
    rule.prop_map(|(name, priority, steps, group, actions, order)| RulePlan {
        name,
        priority,
        steps: in_order(steps, &order),
        group,
        actions,
    })
    .boxed()
}

fn priority() -> BoxedStrategy<i32> {
    let extremes = select(vec![i32::MIN, i32::MAX]);
    prop_oneof![4 => Just(0), 2 => -5i32..5, 1 => any::<i32>(), 1 => extremes].boxed()
}

fn steps(facts: &[FactPlan], x: &Exprs, shape: Shape) -> BoxedStrategy<Steps> {
    let (matches, local, acc, (expand, lets, guards)) = shape;
    let patterns = matches.iter().enumerate().map(|(k, (fact, next))| {
        let joins = 0..=(k.min(1) * 2);
        pattern(facts, *fact, joins, k > 0 && *next, x)
    });
    let local = local.map(|(exists, fact)| {
        let step = move |p| {
            if exists {
                Step::Exists(p)
            } else {
                Step::Absent(p)
            }
        };
        pattern(facts, fact, 1..=2, false, x).prop_map(step)
    });
    let acc = acc.map(|fact| {
        let parts = (
            name(),
            aggregate(x, true),
            pattern(facts, fact, 0..=2, false, x),
        );
        parts
            .prop_map(|(var, (op, value, default), p)| Step::Accumulate(var, op, p, value, default))
    });
    let lists = x.any_of(&[T::ListInt, T::ListRec, T::ListDay]);
    let expand = expand.then(|| (name(), lists).prop_map(|(name, list)| Step::Expand(name, list)));
    let value = prop_oneof![4 => x.any_of(&ALL_TYPES), 1 => record(x)];
    let lets = vec(
        (name(), value).prop_map(|(name, value)| Step::Let(name, value)),
        lets,
    );
    let guards = vec(x.of(T::Bool).prop_map(Step::Guard), guards);
    let patterns: Vec<_> = patterns.collect();
    (
        patterns,
        maybe(local),
        maybe(acc),
        maybe(expand),
        lets,
        guards,
    )
        .boxed()
}

/// The first match, then the other steps in the order of `keys`, except that matches keep
/// theirs (actions name matches by position, and a `next` follows an earlier match).
fn in_order((patterns, local, acc, expand, lets, guards): Steps, keys: &[u8]) -> Vec<Step> {
    let mut patterns = patterns.into_iter().map(Step::Match);
    let mut steps: Vec<Step> = patterns.next().into_iter().collect();
    let mut rest: Vec<Step> = patterns.collect();
    let later_matches = rest.len();
    rest.extend(
        local
            .into_iter()
            .chain(acc)
            .chain(expand)
            .chain(lets)
            .chain(guards),
    );
    let mut at: Vec<usize> = (0..rest.len()).collect();
    at.sort_by_key(|i| keys[*i]);
    let mut next_match = 0..later_matches;
    for i in at {
        let i = if i < later_matches {
            next_match.next().expect("one per match")
        } else {
            i
        };
        steps.push(rest[i].clone());
    }
    steps
}

fn group_by(x: &Exprs, fact_key: bool) -> BoxedStrategy<GroupPlan> {
    let aggregate = (name(), aggregate(x, false)).prop_map(|(n, (op, v, _))| (n, op, v));
    let keys = (
        vec((name(), x.any_of(SCALARS)), 1..=2),
        vec(aggregate, 1..=3),
    );
    let lets = vec((name(), x.any_of(&ALL_TYPES)), 0..=1);
    let group = (keys, lets, option::of(x.of(T::Bool)));
    group
        .prop_map(move |((keys, aggregates), lets, having)| GroupPlan {
            fact_key,
            keys,
            aggregates,
            lets,
            having,
        })
        .boxed()
}

/// What a rule may do: `bound` are the fact types of its matches; `group` says whether it
/// groups, and whether by its first match (the only one that can then be acted on).
fn action(
    facts: &[FactPlan],
    bound: &[usize],
    group: Option<bool>,
    x: &Exprs,
) -> BoxedStrategy<Action> {
    let kept = match group {
        None => 0..bound.len(),
        Some(by_first) => 0..usize::from(by_first),
    };
    let emit = |(fact, decl): (usize, &FactPlan)| {
        let values = decl.fields.iter().enumerate().map(|(i, field)| {
            let value = x.of(field.ty).prop_map(move |e| Some((i, e)));
            let required = field.kind == Kind::Required && field.default.is_none();
            if required {
                value.boxed()
            } else {
                prop_oneof![Just(None), value].boxed()
            }
        });
        let values: Vec<_> = values.collect();
        values
            .prop_map(move |fields| Action::Emit(fact, fields.into_iter().flatten().collect()))
            .boxed()
    };
    let part = prop_oneof![
        text().prop_map(Part::Text),
        x.any_of(&ALL_TYPES).prop_map(Part::Value)
    ];
    let emits: Vec<_> = facts.iter().enumerate().map(emit).collect();
    let mut options = vec![
        Union::new(emits).boxed(),
        vec(part, 1..4).prop_map(Action::Alert).boxed(),
    ];
    if group.is_some() {
        options.push(
            aggregate(x, false)
                .prop_map(|(op, value, _)| Action::Aggregate(op, value))
                .boxed(),
        );
    }
    for binding in kept {
        let fields = &facts[bound[binding]].fields;
        for (field, decl) in fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == Kind::Derived)
        {
            options.push(
                x.of(decl.ty)
                    .prop_map(move |value| Action::Set(binding, field, value))
                    .boxed(),
            );
        }
        options.push(Just(Action::Retract(binding)).boxed());
        let update = fields
            .iter()
            .enumerate()
            .map(|(f, decl)| x.of(decl.ty).prop_map(move |e| (f, e)).boxed());
        let update =
            vec(Union::new(update.collect::<Vec<_>>()), 1..=2).prop_map(move |mut fields| {
                fields.dedup_by_key(|(f, _)| *f);
                Action::Update(binding, fields)
            });
        options.push(update.boxed());
    }
    Union::new(options).boxed()
}
