//! Random syntax trees for the printer's round-trip property: every item, step, action and
//! expression kind, literals of every kind, odd names (words of the language, spaces,
//! backticks), comments everywhere. Trees are well-formed but not well-typed, and they may
//! need parentheses the tree does not hold. Spans are all zero, except that a `not` whose
//! operand is `x in [...]` sometimes starts at 1, to ask for the `not x in [...]` spelling.
//!
//! Shapes the language cannot spell are not generated. Two follow from the grammar: after
//! `first`, an action step (it would be read as one more action of the last branch) or a
//! `when` step when no `otherwise` ends the branches (it would be read as one more branch);
//! lowering rejects any step after `first` anyway. One is a limit of the language: a template's
//! `{value}` cannot hold a string or template (the value is read from the string's raw text,
//! where `"` would end the outer string).

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use reckon_calc_dsl::calc::ast::{
    Action, ActionKind, Arg, BinaryOp, Branch, CalcDecl, Comment, DurationUnit, Expr, ExprKind,
    FactDecl, FieldDecl, FieldInit, File, GroupKey, Ident, Item, ItemKind, Literal, Pattern,
    RuleDecl, Step, StepKind, TemplatePart, TypeExpr, UnaryOp,
};
use reckon_rule_ir::{SourceId, Span};

const KEYWORDS: &[&str] = &[
    "for",
    "each",
    "in",
    "not",
    "and",
    "or",
    "if",
    "then",
    "else",
    "default",
    "optional",
    "rule",
    "fact",
    "calc",
    "first",
    "true",
    "null",
    "missing",
    "is",
    "between",
    "when",
    "with",
    "group",
    "as",
    "by",
    "emit",
    "set",
    "single",
    "no",
    "let",
    "next",
    "after",
    "otherwise",
];
const UNITS: &[&str] = &["hour", "hours", "day", "minutes", "week", "seconds"];
const ODD_NAMES: &[&str] = &["pay line", "a-b", "x`y", "2nd", "été", "`", "a.b", "list"];
const AGGREGATES: &[&str] = &["count", "sum", "min", "max", "avg", "collect"];
const TEXT_CHARS: &[char] = &[
    'a', 'b', 'Z', ' ', '{', '}', '"', '\\', '\n', '\t', '\r', '\u{1}', '\u{7f}', 'é', '/', '$',
];
const OPS: &[BinaryOp] = &[
    BinaryOp::Or,
    BinaryOp::And,
    BinaryOp::Eq,
    BinaryOp::Ne,
    BinaryOp::Lt,
    BinaryOp::Le,
    BinaryOp::Gt,
    BinaryOp::Ge,
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Div,
    BinaryOp::Rem,
];
const DURATION_UNITS: &[DurationUnit] = &[
    DurationUnit::Seconds,
    DurationUnit::Minutes,
    DurationUnit::Hours,
    DurationUnit::Days,
    DurationUnit::Weeks,
];

/// A random source file.
pub(crate) fn file() -> impl Strategy<Value = File> {
    let expr = expr(true);
    (vec(item(expr), 0..4), comments()).prop_map(|(items, trailing)| File { items, trailing })
}

fn span_at(start: u32) -> Span {
    Span {
        source: SourceId(0),
        start,
        end: start,
    }
}

fn ident(name: String) -> Ident {
    Ident {
        name,
        span: Span::default(),
    }
}

fn e(kind: ExprKind) -> Expr {
    Expr::new(kind, Span::default())
}

fn boxed(expr: Expr) -> Box<Expr> {
    Box::new(expr)
}

fn name() -> BoxedStrategy<Ident> {
    prop_oneof![
        8 => "[a-z][a-z0-9_]{0,5}",
        1 => "_[A-Za-z0-9_]{0,3}",
        3 => select(KEYWORDS).prop_map(String::from),
        1 => select(UNITS).prop_map(String::from),
        2 => select(ODD_NAMES).prop_map(String::from),
    ]
    .prop_map(ident)
    .boxed()
}

fn text() -> impl Strategy<Value = String> {
    vec(select(TEXT_CHARS), 0..6).prop_map(|chars| chars.into_iter().collect())
}

fn comments() -> impl Strategy<Value = Vec<Comment>> {
    let comment = prop_oneof!["[ -~]{0,16}", Just(" é // nested".to_string())];
    vec(comment, 0..2).prop_map(|texts| {
        let comment = |text| Comment {
            text,
            span: Span::default(),
        };
        texts.into_iter().map(comment).collect()
    })
}

fn literal(strings: bool) -> BoxedStrategy<Expr> {
    let int = "[0-9]{1,4}";
    let decimal = "[0-9]{1,3}\\.[0-9]{1,2}";
    let amount = prop_oneof![int, decimal, Just("1".to_string())];
    let mut kinds = vec![
        int.prop_map(Literal::Int).boxed(),
        decimal.prop_map(Literal::Decimal).boxed(),
        any::<bool>().prop_map(Literal::Bool).boxed(),
        Just(Literal::Null).boxed(),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(Literal::Date).boxed(),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,3})?)?"
            .prop_map(Literal::DateTime)
            .boxed(),
        "[0-9]{4}-W[0-9]{2}".prop_map(Literal::Week).boxed(),
        (amount, select(DURATION_UNITS))
            .prop_map(|(amount, unit)| Literal::Duration(amount, unit))
            .boxed(),
    ];
    if strings {
        kinds.push(text().prop_map(Literal::Text).boxed());
    }
    proptest::strategy::Union::new(kinds)
        .prop_map(|literal| e(ExprKind::Literal(literal)))
        .boxed()
}

/// An expression; `strings` allows strings and templates in it.
fn expr(strings: bool) -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![
        2 => literal(strings),
        1 => name().prop_map(|n| e(ExprKind::Name(n))),
    ];
    leaf.prop_recursive(4, 40, 4, move |inner| {
        let maybe = || option::of(inner.clone().prop_map(boxed));
        let pattern =
            (name(), name(), option::of(inner.clone())).prop_map(|(t, b, filter)| Pattern {
                fact_type: t,
                binding: b,
                filter,
            });
        let aggregate_facts = (select(AGGREGATES), maybe(), pattern, maybe()).prop_map(
            |(op, value, pattern, default)| ExprKind::AggregateFacts {
                op: ident(op.into()),
                value,
                pattern: Box::new(pattern),
                default,
            },
        );
        let comprehension = (
            select(AGGREGATES),
            maybe(),
            name(),
            inner.clone(),
            maybe(),
            maybe(),
        )
            .prop_map(|(op, value, var, source, filter, default)| {
                ExprKind::Comprehension {
                    op: ident(op.into()),
                    value,
                    var,
                    source: boxed(source),
                    filter,
                    default,
                }
            });
        let arg = (option::of(name()), inner.clone()).prop_map(|(name, value)| Arg { name, value });
        let call = (name(), vec(arg, 0..3)).prop_map(|(name, args)| ExprKind::Call { name, args });
        let unary = (any::<bool>(), any::<bool>(), inner.clone()).prop_map(|(neg, prefix, x)| {
            let op = if neg { UnaryOp::Neg } else { UnaryOp::Not };
            Expr::new(ExprKind::Unary(op, boxed(x)), span_at(u32::from(prefix)))
        });
        let binary = (select(OPS), inner.clone(), inner.clone())
            .prop_map(|(op, l, r)| ExprKind::Binary(op, boxed(l), boxed(r)));
        let within = (inner.clone(), vec(inner.clone(), 0..3))
            .prop_map(|(x, items)| ExprKind::In(boxed(x), items));
        let between = (inner.clone(), inner.clone(), inner.clone())
            .prop_map(|(x, low, high)| ExprKind::Between(boxed(x), boxed(low), boxed(high)));
        let is = (inner.clone(), any::<bool>(), any::<bool>()).prop_map(|(x, null, negated)| {
            ExprKind::Is {
                value: boxed(x),
                null,
                negated,
            }
        });
        let conditional = (inner.clone(), inner.clone(), inner.clone())
            .prop_map(|(c, a, b)| ExprKind::If(boxed(c), boxed(a), boxed(b)));
        let record = vec((name(), inner.clone()), 0..3).prop_map(ExprKind::Record);
        let mut kinds = vec![
            (inner.clone(), name())
                .prop_map(|(base, member)| e(ExprKind::Member(boxed(base), member)))
                .boxed(),
            call.prop_map(e).boxed(),
            aggregate_facts.prop_map(e).boxed(),
            comprehension.prop_map(e).boxed(),
            unary.boxed(),
            binary.clone().prop_map(e).boxed(),
            binary.prop_map(e).boxed(),
            within.prop_map(e).boxed(),
            between.prop_map(e).boxed(),
            is.prop_map(e).boxed(),
            conditional.prop_map(e).boxed(),
            vec(inner.clone(), 0..3)
                .prop_map(|items| e(ExprKind::List(items)))
                .boxed(),
            record.prop_map(e).boxed(),
            inner
                .clone()
                .prop_map(|x| e(ExprKind::Paren(boxed(x))))
                .boxed(),
        ];
        if strings {
            kinds.push(template().boxed());
        }
        proptest::strategy::Union::new(kinds)
    })
    .boxed()
}

/// A template as the parser builds one: at least one value, no empty or adjacent texts.
fn template() -> impl Strategy<Value = Expr> {
    let nonempty = || option::of(text().prop_filter("text parts are not empty", |t| !t.is_empty()));
    let value = (expr(false), nonempty());
    (nonempty(), vec(value, 1..3)).prop_map(|(lead, values)| {
        let mut parts: Vec<TemplatePart> = lead.into_iter().map(TemplatePart::Text).collect();
        for (value, text) in values {
            parts.push(TemplatePart::Value(value));
            parts.extend(text.map(TemplatePart::Text));
        }
        e(ExprKind::Template(parts))
    })
}

fn ty() -> impl Strategy<Value = TypeExpr> {
    name()
        .prop_map(TypeExpr::Named)
        .prop_recursive(2, 6, 3, |inner| {
            prop_oneof![
                inner
                    .clone()
                    .prop_map(|t| TypeExpr::List(Box::new(t), Span::default())),
                vec((name(), inner), 0..3).prop_map(|f| TypeExpr::Record(f, Span::default())),
            ]
        })
}

fn pattern(expr: &BoxedStrategy<Expr>) -> impl Strategy<Value = Pattern> + use<> {
    (name(), name(), option::of(expr.clone())).prop_map(|(fact_type, binding, filter)| Pattern {
        fact_type,
        binding,
        filter,
    })
}

fn action(expr: &BoxedStrategy<Expr>) -> impl Strategy<Value = Action> + use<> {
    let init =
        (name(), option::of(expr.clone())).prop_map(|(name, value)| FieldInit { name, value });
    let inits = vec(init, 0..5);
    prop_oneof![
        (name(), vec(name(), 0..3), inits.clone()).prop_map(|(fact_type, for_each, fields)| {
            ActionKind::Emit {
                fact_type,
                for_each,
                fields,
            }
        }),
        (name(), name(), expr.clone()).prop_map(|(binding, field, value)| ActionKind::Set {
            binding,
            field,
            value
        }),
        expr.clone().prop_map(ActionKind::Alert),
        name().prop_map(ActionKind::Retract),
        (name(), inits).prop_map(|(binding, fields)| ActionKind::Update { binding, fields }),
    ]
    .prop_map(|kind| Action {
        kind,
        span: Span::default(),
    })
}

fn branches(expr: &BoxedStrategy<Expr>) -> impl Strategy<Value = Vec<Branch>> + use<> {
    let actions = || vec(action(expr), 1..3);
    let branch = |test, actions| Branch {
        test,
        actions,
        span: Span::default(),
    };
    let when = (expr.clone(), actions()).prop_map(move |(test, a)| branch(Some(test), a));
    let otherwise = actions().prop_map(move |a| branch(None, a));
    (vec(when, 1..3), option::of(otherwise)).prop_map(|(mut branches, otherwise)| {
        branches.extend(otherwise);
        branches
    })
}

fn step(expr: &BoxedStrategy<Expr>) -> impl Strategy<Value = Step> + use<> {
    let key = (expr.clone(), option::of(name())).prop_map(|(expr, alias)| GroupKey { expr, alias });
    let kind = prop_oneof![
        1 => (any::<bool>(), pattern(expr))
            .prop_map(|(first, pattern)| StepKind::Match { first, pattern }),
        1 => (pattern(expr), name(), vec(name(), 0..3))
            .prop_map(|(pattern, after, order)| StepKind::Next { pattern, after, order }),
        1 => pattern(expr).prop_map(StepKind::No),
        1 => pattern(expr).prop_map(StepKind::Exists),
        1 => (name(), expr.clone())
            .prop_map(|(binding, source)| StepKind::Expand { binding, source }),
        1 => (name(), expr.clone()).prop_map(|(name, value)| StepKind::Let { name, value }),
        1 => expr.clone().prop_map(StepKind::When),
        1 => vec(key, 1..3).prop_map(StepKind::GroupBy),
        1 => branches(expr).prop_map(StepKind::First),
        3 => action(expr).prop_map(StepKind::Action),
    ];
    (comments(), kind).prop_map(|(comments, kind)| Step {
        comments,
        kind,
        span: Span::default(),
    })
}

/// Drops the steps that would be read into a `first` before them (see the module's doc).
fn spellable(steps: Vec<Step>) -> Vec<Step> {
    let mut kept: Vec<Step> = Vec::new();
    for step in steps {
        if let Some(StepKind::First(branches)) = kept.last().map(|s| &s.kind) {
            let open = branches.last().is_some_and(|b| b.test.is_some());
            match step.kind {
                StepKind::Action(_) => continue,
                StepKind::When(_) if open => continue,
                _ => {}
            }
        }
        kept.push(step);
    }
    kept
}

fn field_decl(expr: &BoxedStrategy<Expr>) -> impl Strategy<Value = FieldDecl> + use<> {
    (
        comments(),
        name(),
        ty(),
        any::<bool>(),
        option::of(expr.clone()),
    )
        .prop_map(|(comments, name, ty, optional, default)| FieldDecl {
            comments,
            name,
            ty,
            optional,
            default,
            span: Span::default(),
        })
}

fn item(expr: BoxedStrategy<Expr>) -> impl Strategy<Value = Item> {
    let fact = (
        name(),
        any::<bool>(),
        any::<bool>(),
        vec(field_decl(&expr), 0..4),
    )
        .prop_map(|(name, output, single, fields)| {
            ItemKind::Fact(FactDecl {
                name,
                output,
                single,
                fields,
            })
        });
    let calc = (name(), vec((name(), ty()), 0..3), ty(), expr.clone()).prop_map(
        |(name, params, returns, body)| {
            ItemKind::Calc(CalcDecl {
                name,
                params,
                returns,
                body,
            })
        },
    );
    let priority = option::of(prop_oneof![Just(i32::MIN), Just(i32::MAX), any::<i32>()]);
    let rule = (text(), priority, vec(step(&expr), 0..6)).prop_map(|(name, priority, steps)| {
        ItemKind::Rule(RuleDecl {
            name: (name, Span::default()),
            priority: priority.map(|p| (p, Span::default())),
            steps: spellable(steps),
        })
    });
    let kind = prop_oneof![1 => fact, 1 => calc, 2 => rule];
    (comments(), kind).prop_map(|(comments, kind)| Item {
        comments,
        kind,
        span: Span::default(),
    })
}
