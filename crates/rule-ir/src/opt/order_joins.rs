//! Join ordering. Invariant established, for each rule's conditions before `group by`: the
//! plain matches (patterns without `next`) come in greedy selectivity order — the most
//! selective first, then repeatedly the most selective of those connected to the ones
//! already placed (sharing a join test whose facts are all placed once it is), an
//! unconnected one only when none is connected, ties to the earlier; every other condition
//! (`no`, `exists`, accumulations, expansions, lets, guards, `next`) keeps its order among
//! the others and stands as early as everything it reads allows; and every join test of a
//! plain match that reads only facts of plain matches stands at the earliest plain match at
//! which all those facts are bound (a single-fact test there if it reads that fact alone).
//!
//! Selectivity without statistics is the number of equality tests with a constant (class 0
//! of `order_tests`): the more, the fewer facts pass. With statistics it is the estimated
//! number of facts that pass: the type's fact count, divided by the distinct values of the
//! field of each equality test (times the candidates of an `in`); a type without a count
//! comes after every type with one.
//!
//! A join test that also reads a variable, a list element or a `next` fact stays with its
//! pattern, and that pattern is placed only where all it reads is in scope; so the first
//! plain match of the original order can always be placed next, and the order always exists.
//! Since ties go to the earlier pattern and the chosen order puts each choice before every
//! pattern left, a second run chooses the same order: the pass is idempotent.

use std::cmp::Ordering;

use crate::expr::Expr;
use crate::ids::BindingId;
use crate::opt::normalize_conditions::{Scope, is_test, plain_match, reads};
use crate::opt::order_tests::{Shape, distinct, shape};
use crate::opt::{Changed, Ctx, Statistics};
use crate::program::Program;
use crate::rule::{Condition, Pattern, Rule, Test};

/// The pass's name.
pub const NAME: &str = "order_joins";

/// Orders every rule's patterns.
pub fn run(program: &mut Program, ctx: &Ctx) -> Changed {
    let statistics = ctx.statistics.as_ref();
    let mut changed = false;
    for rule in &mut program.rules {
        if let Some(conditions) = reorder(rule, statistics) {
            if conditions != rule.conditions {
                rule.conditions = conditions;
                changed = true;
            }
        }
    }
    Changed::from(changed)
}

/// A join test of a plain match.
struct Conjunct {
    expr: Expr,
    /// The plain match it was written in.
    owner: usize,
    /// The plain matches whose facts it reads.
    facts: Vec<usize>,
    /// It reads a variable, a list element or a `next` fact: it stays with its owner.
    anchored: bool,
}

/// The rule's conditions in the new order; `None` when no order keeps every read in scope
/// (the rule is then left as it is).
fn reorder(rule: &Rule, statistics: Option<&Statistics>) -> Option<Vec<Condition>> {
    let mut patterns: Vec<Pattern> = Vec::new();
    let mut others: Vec<Condition> = Vec::new();
    for condition in &rule.conditions {
        match plain_match(condition) {
            Some(pattern) => patterns.push(pattern.clone()),
            None => others.push(condition.clone()),
        }
    }
    let plain: Vec<BindingId> = patterns.iter().map(|p| p.binding).collect();
    let mut conjuncts = Vec::new();
    for (owner, pattern) in patterns.iter_mut().enumerate() {
        for expr in std::mem::take(&mut pattern.joins) {
            let (bindings, vars) = reads(&expr);
            let facts: Vec<usize> = bindings
                .iter()
                .filter_map(|b| plain.iter().position(|p| p == b))
                .collect();
            let anchored = !vars.is_empty() || facts.len() != bindings.len();
            conjuncts.push(Conjunct {
                expr,
                owner,
                facts,
                anchored,
            });
        }
    }
    let selectivity: Vec<Selectivity> = patterns
        .iter()
        .map(|p| Selectivity::of(p, statistics))
        .collect();

    let mut order: Vec<Condition> = Vec::with_capacity(rule.conditions.len());
    let mut scope = Scope::default();
    let mut others = others.into_iter().peekable();
    let mut emit_ready = |order: &mut Vec<Condition>, scope: &mut Scope| {
        while let Some(condition) = others.next_if(|condition| ready(condition, scope)) {
            scope.enter(&condition);
            order.push(condition);
        }
    };
    emit_ready(&mut order, &mut scope);
    let mut placed: Vec<usize> = Vec::new();
    let mut position_of = vec![0; patterns.len()];
    while placed.len() < patterns.len() {
        let eligible: Vec<usize> = (0..patterns.len())
            .filter(|i| !placed.contains(i))
            .filter(|i| {
                let mut inner = scope.clone();
                inner.bindings.push(plain[*i]);
                conjuncts
                    .iter()
                    .filter(|c| c.anchored && c.owner == *i)
                    .all(|c| inner.covers(&c.expr))
            })
            .collect();
        let connected: Vec<usize> = eligible
            .iter()
            .copied()
            .filter(|i| connected(&conjuncts, &placed, *i))
            .collect();
        let pool = if connected.is_empty() {
            eligible
        } else {
            connected
        };
        let best = pool
            .into_iter()
            .min_by(|a, b| selectivity[*a].cmp(&selectivity[*b]).then(a.cmp(b)))?;
        placed.push(best);
        position_of[best] = order.len();
        scope.bindings.push(plain[best]);
        order.push(Condition::Match(patterns[best].clone()));
        emit_ready(&mut order, &mut scope);
    }
    order.extend(others);

    // Each join test goes to its owner if anchored, else to the earliest plain match at which
    // every fact it reads is bound.
    for conjunct in conjuncts {
        let home = if conjunct.anchored {
            conjunct.owner
        } else {
            // The step at which the last fact it reads is placed; the first when it reads none.
            let step = conjunct
                .facts
                .iter()
                .filter_map(|f| placed.iter().position(|p| p == f))
                .max()
                .unwrap_or(0);
            placed[step]
        };
        let Some(pattern) = order[position_of[home]].pattern_mut() else {
            continue;
        };
        if is_test(&conjunct.expr, pattern.binding) {
            pattern.tests.push(Test {
                expr: conjunct.expr,
                alpha: None,
            });
        } else {
            pattern.joins.push(conjunct.expr);
        }
    }
    Some(order)
}

/// True when `candidate` shares a join test with the placed patterns that can be evaluated
/// once it is placed.
fn connected(conjuncts: &[Conjunct], placed: &[usize], candidate: usize) -> bool {
    conjuncts.iter().any(|c| {
        c.facts.contains(&candidate)
            && c.facts.iter().any(|f| placed.contains(f))
            && c.facts
                .iter()
                .all(|f| *f == candidate || placed.contains(f))
    })
}

/// True when everything `condition` reads is in scope.
fn ready(condition: &Condition, scope: &Scope) -> bool {
    let mut inner = scope.clone();
    if let Some(pattern) = condition.pattern() {
        // A pattern's own fact is in scope in its tests, joins and accumulated value.
        inner.bindings.push(pattern.binding);
        if let Some(next) = &pattern.next {
            if !scope.bindings.contains(&next.after) {
                return false;
            }
        }
    }
    condition.exprs().into_iter().all(|expr| inner.covers(expr))
}

/// How selective a pattern is; smaller compares as more selective.
#[derive(Debug, Clone, Copy)]
struct Selectivity {
    /// Estimated facts that pass, with statistics; `None` without, or without a count of
    /// the type's facts.
    estimate: Option<f64>,
    with_statistics: bool,
    /// Equality tests with a constant.
    equalities: usize,
}

impl Selectivity {
    fn of(pattern: &Pattern, statistics: Option<&Statistics>) -> Selectivity {
        let shapes: Vec<Shape> = pattern
            .tests
            .iter()
            .map(|t| shape(&t.expr, pattern.binding))
            .collect();
        let equalities = shapes.iter().filter(|s| s.class() == 0).count();
        let estimate = statistics.and_then(|stats| {
            let mut estimate = *stats.facts.get(&pattern.fact_type)? as f64;
            for shape in &shapes {
                if let Shape::Equality { field, candidates } = shape {
                    if let Some(d) =
                        distinct(Some(stats), pattern.fact_type, *field).filter(|d| *d > 0)
                    {
                        estimate *= (*candidates as f64 / d as f64).min(1.0);
                    }
                }
            }
            Some(estimate)
        });
        Selectivity {
            estimate,
            with_statistics: statistics.is_some(),
            equalities,
        }
    }

    fn cmp(&self, other: &Selectivity) -> Ordering {
        let by_estimate = match (self.estimate, other.estimate) {
            _ if !self.with_statistics => Ordering::Equal,
            (Some(a), Some(b)) => a.total_cmp(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_estimate.then(other.equalities.cmp(&self.equalities))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use reckon_fact_store::{FactTypeId, FieldId};

    use super::*;
    use crate::ids::SourceId;
    use crate::text::{parse, print};

    const FACTS: &str = "
fact employee {
  id: text
  visa: text
  location: text
}
fact shift {
  id: text
  employee_id: text
  location: text
  hours: decimal
}
fact site {
  code: text
  region: text
  open: bool
}
";

    fn ordered(rules: &str, ctx: &Ctx) -> (String, Changed) {
        let (mut program, diagnostics) = parse(&format!("{FACTS}{rules}"), SourceId(0));
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let first = run(&mut program, ctx);
        crate::verify::verify(&program).unwrap();
        assert_eq!(
            run(&mut program, ctx),
            Changed::No,
            "not idempotent:\n{}",
            print(&program)
        );
        let text = print(&program);
        let (again, problems) = parse(&text, SourceId(0));
        assert!(problems.is_empty(), "{text}\n{problems:#?}");
        assert_eq!(print(&again), text);
        (text[text.find("\nrule").unwrap()..].to_string(), first)
    }

    #[test]
    fn most_selective_first_then_connected() {
        let (text, changed) = ordered(
            r#"
rule r0 "x" {
  match s: shift
  match e: employee
    test e.visa == "student"
    join e.id == s.employee_id
  match l: site
    test l.code == "n1"
    test l.region == "north"
    join l.code == e.location
  no o: shift
    join o.employee_id == e.id
  let h: decimal = s.hours * 2
}
"#,
            &Ctx::default(),
        );
        assert_eq!(changed, Changed::Yes);
        let expected = r#"
rule r0 "x" {
  match l: site
    test (l.code == "n1")
    test (l.region == "north")
  match e: employee
    test (e.visa == "student")
    join (l.code == e.location)
  no o: shift
    join (o.employee_id == e.id)
  match s: shift
    join (e.id == s.employee_id)
  let h: decimal = (s.hours * 2)
}
"#;
        assert_eq!(text, expected);
    }

    #[test]
    fn unconnected_only_when_nothing_is_connected() {
        let (text, _) = ordered(
            r#"
rule r0 "x" {
  match e: employee
  match l: site
    test l.open == true
  match s: shift
    join s.employee_id == e.id
}
"#,
            &Ctx::default(),
        );
        let order: Vec<&str> = text.lines().filter(|l| l.starts_with("  match")).collect();
        assert_eq!(
            order,
            ["  match l: site", "  match e: employee", "  match s: shift"]
        );
    }

    #[test]
    fn joins_over_variables_wait_for_them() {
        let (text, changed) = ordered(
            r#"
rule r0 "x" {
  match s: shift
  let loc: text = s.location
  match l: site
    test l.code == "n1"
    join l.code == loc
}
"#,
            &Ctx::default(),
        );
        assert_eq!(changed, Changed::No, "{text}");
    }

    #[test]
    fn statistics_estimate_matching_facts() {
        let rules = r#"
rule r0 "x" {
  match e: employee
    test e.visa == "student"
  match s: shift
    test s.location == "north"
    join s.employee_id == e.id
}
"#;
        let (text, changed) = ordered(rules, &Ctx::default());
        assert_eq!(changed, Changed::No, "{text}");
        let (employee, shift) = (
            FactTypeId::from_index(0).unwrap(),
            FactTypeId::from_index(1).unwrap(),
        );
        let field = |index| FieldId::from_index(index).unwrap();
        let facts = HashMap::from([(employee, 1_000), (shift, 100_000)]);
        let distinct = HashMap::from([((employee, field(1)), 2), ((shift, field(2)), 10_000)]);
        let ctx = Ctx {
            statistics: Some(Statistics { facts, distinct }),
        };
        let (text, changed) = ordered(rules, &ctx);
        assert_eq!(changed, Changed::Yes);
        let order: Vec<&str> = text.lines().filter(|l| l.starts_with("  match")).collect();
        assert_eq!(order, ["  match s: shift", "  match e: employee"]);
        assert!(text.contains("  match e: employee\n    test (e.visa == \"student\")\n    join (s.employee_id == e.id)\n"), "{text}");
    }

    #[test]
    fn idempotent_on_every_case() {
        crate::opt::fold_constants::assert_idempotent_on_cases(NAME, run);
    }
}
