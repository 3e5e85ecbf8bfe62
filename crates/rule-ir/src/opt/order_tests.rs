//! Selectivity ordering of single-fact tests. Invariant established: within every pattern
//! (matches, `next`, `no`, `exists`, accumulations) the tests are sorted, stably, by class —
//! first equalities of a field with a literal (`s.pay_code == "base"`, or `in` a list of
//! literals), which the network answers with one hash lookup; then ranges and inequalities
//! of a field with a literal (`<`, `<=`, `>`, `>=`, `!=`); then other tests without calls;
//! then tests with calls or comprehensions, the most expensive to evaluate.
//!
//! With statistics, tests of the first two classes whose field has a known count of
//! distinct values come first within their class, more distinct values (fewer facts pass)
//! first; tests of a field without a count follow them in their original order. Without
//! statistics each class keeps its original order. Join tests are not reordered.

use std::cmp::Reverse;

use reckon_fact_store::{FactTypeId, FieldId};

use crate::expr::{BinaryOp, Expr, ExprKind};
use crate::ids::BindingId;
use crate::opt::{Changed, Ctx, Statistics};
use crate::program::Program;
use crate::rule::Test;

/// The pass's name.
pub const NAME: &str = "order_tests";

/// The form of a single-fact test, as far as its cost and selectivity go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A field equal to a literal, or `in` a list of `candidates` literals.
    Equality {
        /// The field.
        field: FieldId,
        /// How many values pass (1 for `==`).
        candidates: usize,
    },
    /// A field compared with a literal by `<`, `<=`, `>`, `>=` or `!=`.
    Range {
        /// The field.
        field: FieldId,
    },
    /// Any other test without calls or comprehensions.
    Plain,
    /// A test with a call or a comprehension.
    Costly,
}

impl Shape {
    /// The test's class: 0 equality, 1 range, 2 plain, 3 costly.
    pub(crate) fn class(self) -> u8 {
        match self {
            Shape::Equality { .. } => 0,
            Shape::Range { .. } => 1,
            Shape::Plain => 2,
            Shape::Costly => 3,
        }
    }

    fn field(self) -> Option<FieldId> {
        match self {
            Shape::Equality { field, .. } | Shape::Range { field } => Some(field),
            Shape::Plain | Shape::Costly => None,
        }
    }
}

/// The shape of `test`, a test of the fact bound to `binding`.
pub(crate) fn shape(test: &Expr, binding: BindingId) -> Shape {
    let mut costly = false;
    test.walk(&mut |node| {
        costly |= matches!(
            node.kind,
            ExprKind::Call { .. } | ExprKind::Comprehension(_)
        )
    });
    if costly {
        return Shape::Costly;
    }
    let own_field = |expr: &Expr| match expr.kind {
        ExprKind::Field {
            binding: read,
            field,
        } if read == binding => Some(field),
        _ => None,
    };
    let literal = |expr: &Expr| expr.as_literal().is_some();
    match &test.kind {
        ExprKind::Binary { op, left, right } if op.is_comparison() => {
            let field = match (own_field(left), own_field(right)) {
                (Some(field), None) if literal(right) => field,
                (None, Some(field)) if literal(left) => field,
                _ => return Shape::Plain,
            };
            if *op == BinaryOp::Eq {
                Shape::Equality {
                    field,
                    candidates: 1,
                }
            } else {
                Shape::Range { field }
            }
        }
        ExprKind::In { value, list } if list.iter().all(literal) => match own_field(value) {
            Some(field) => Shape::Equality {
                field,
                candidates: list.len(),
            },
            None => Shape::Plain,
        },
        _ => Shape::Plain,
    }
}

/// The distinct values measured for a field, if any.
pub(crate) fn distinct(
    statistics: Option<&Statistics>,
    fact_type: FactTypeId,
    field: FieldId,
) -> Option<u64> {
    statistics?.distinct.get(&(fact_type, field)).copied()
}

/// Orders every pattern's tests.
pub fn run(program: &mut Program, ctx: &Ctx) -> Changed {
    let statistics = ctx.statistics.as_ref();
    let mut changed = false;
    for rule in &mut program.rules {
        for condition in &mut rule.conditions {
            let Some(pattern) = condition.pattern_mut() else {
                continue;
            };
            let (binding, fact_type) = (pattern.binding, pattern.fact_type);
            let key = |test: &Test| {
                let shape = shape(&test.expr, binding);
                let measured = shape
                    .field()
                    .and_then(|field| distinct(statistics, fact_type, field));
                // Measured fields first, more distinct values first; then the rest as they were.
                (
                    shape.class(),
                    measured.is_none(),
                    Reverse(measured.unwrap_or(0)),
                )
            };
            if pattern.tests.is_sorted_by_key(key) {
                continue;
            }
            pattern.tests.sort_by_key(key);
            changed = true;
        }
    }
    Changed::from(changed)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::ids::SourceId;
    use crate::text::{parse, print};

    const PROGRAM: &str = r#"
fact shift {
  id: text
  code: text
  location: text
  hours: decimal
  breaks: list<int>
}

rule r0 "x" {
  match s: shift
    test len(s.breaks) > 0
    test s.hours > s.hours * 2
    test s.hours >= 4
    test s.location == "north"
    test s.code in ["a", "b"]
    test s.code != "c"
}
"#;

    fn ordered(ctx: &Ctx) -> Vec<String> {
        let (mut program, diagnostics) = parse(PROGRAM, SourceId(0));
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        assert_eq!(run(&mut program, ctx), Changed::Yes);
        assert_eq!(run(&mut program, ctx), Changed::No);
        print(&program)
            .lines()
            .filter(|line| line.trim_start().starts_with("test"))
            .map(|l| l.trim().to_string())
            .collect()
    }

    #[test]
    fn equality_then_ranges_then_the_rest_then_calls() {
        let lines = ordered(&Ctx::default());
        let expected = [
            "test (s.location == \"north\")",
            "test (s.code in [\"a\", \"b\"])",
            "test (s.hours >= 4)",
            "test (s.code != \"c\")",
            "test (s.hours > (s.hours * 2))",
            "test (len(s.breaks) > 0)",
        ];
        assert_eq!(lines, expected);
    }

    #[test]
    fn statistics_put_the_most_distinct_field_first() {
        let shift = FactTypeId::from_index(0).unwrap();
        let field = |index| FieldId::from_index(index).unwrap();
        let mut distinct = HashMap::new();
        distinct.insert((shift, field(1)), 40);
        distinct.insert((shift, field(2)), 3);
        distinct.insert((shift, field(3)), 1000);
        let ctx = Ctx {
            statistics: Some(Statistics {
                facts: HashMap::new(),
                distinct,
            }),
        };
        let lines = ordered(&ctx);
        assert_eq!(
            &lines[..4],
            [
                "test (s.code in [\"a\", \"b\"])",
                "test (s.location == \"north\")",
                "test (s.hours >= 4)",
                "test (s.code != \"c\")"
            ]
        );
    }

    #[test]
    fn idempotent_on_every_case() {
        crate::opt::fold_constants::assert_idempotent_on_cases(NAME, run);
    }
}
