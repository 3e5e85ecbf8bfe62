//! Condition normalisation. Invariant established, for the conditions before `group by`:
//! no pattern test, join test or guard is an `and` (each conjunct stands alone); no
//! comparison has a literal on its left unless both sides are literals; an equality or
//! inequality of two field reads names the smaller (binding, field) first; no boolean is
//! negated twice; no pattern repeats a test or a join test, and no guard repeats an
//! earlier one; and every conjunct of a plain `match` (one without `next`), and every guard
//! that reads only facts of plain matches, sits at the earliest plain match at which all
//! it reads is bound — as a single-fact test where it reads that fact alone, as a join
//! test otherwise.
//!
//! Negated comparisons: `not (a < b)` becomes `a >= b` (and `not (a == b)` becomes
//! `a != b`) only when neither operand can be missing or null — a literal other than null,
//! or a required input field, which stores refuse to leave empty. A comparison with a
//! missing operand is false, so for an operand that may be missing `not (a < b)` holds
//! while `a >= b` does not, and the rewrite would change the rule. For the same reason
//! `not` is not pushed through `and`/`or` or `is missing`. Removing a double negation is sound: `not` maps
//! missing to missing and null to null, so `not (not x)` is `x` for every boolean `x`.
//! Conjuncts of `no`, `exists`, accumulations and `next` patterns are split, rewritten and
//! deduplicated but never leave their pattern: they define what it matches. Guards that
//! read variables or list elements stay guards. Guards after `group by` are left alone.

use reckon_fact_store::Presence;

use crate::expr::{BinaryOp, Expr, ExprKind, Literal, UnaryOp};
use crate::ids::{BindingId, VarId};
use crate::opt::{Changed, Ctx};
use crate::program::Program;
use crate::rule::{BindingKind, Condition, Pattern, Rule, Test};
use crate::text::print_expr;

/// The pass's name.
pub const NAME: &str = "normalize_conditions";

/// Normalises the conditions of every rule.
pub fn run(program: &mut Program, _ctx: &Ctx) -> Changed {
    let mut changed = false;
    for index in 0..program.rules.len() {
        let conditions = normalize(program, &program.rules[index]);
        if conditions != program.rules[index].conditions {
            program.rules[index].conditions = conditions;
            changed = true;
        }
    }
    Changed::from(changed)
}

fn normalize(program: &Program, rule: &Rule) -> Vec<Condition> {
    let present = |expr: &Expr| always_present(program, rule, expr);
    let mut conditions: Vec<Condition> = Vec::with_capacity(rule.conditions.len());
    for condition in &rule.conditions {
        match condition {
            Condition::Guard(guard) => {
                conditions.extend(split(guard, &present).into_iter().map(Condition::Guard))
            }
            other => {
                let mut other = other.clone();
                if let Some(pattern) = other.pattern_mut() {
                    split_pattern(pattern, &present);
                }
                conditions.push(other);
            }
        }
    }
    let mut conditions = place(&conditions);
    for condition in &mut conditions {
        if let Some(pattern) = condition.pattern_mut() {
            dedup_pattern(program, rule, pattern);
        }
    }
    let mut seen: Vec<String> = Vec::new();
    conditions.retain(|condition| match condition {
        Condition::Guard(guard) => {
            let text = print_expr(program, Some(rule), guard);
            let fresh = !seen.contains(&text);
            seen.push(text);
            fresh
        }
        _ => true,
    });
    conditions
}

/// Splits a pattern's tests and joins into rewritten conjuncts; a join conjunct that reads
/// only the pattern's fact becomes a test, as the builder would have made it.
fn split_pattern(pattern: &mut Pattern, present: &dyn Fn(&Expr) -> bool) {
    let mut tests = Vec::with_capacity(pattern.tests.len());
    for test in &pattern.tests {
        let parts = split(&test.expr, present);
        let unchanged = parts.len() == 1 && parts[0] == test.expr;
        let alpha = if unchanged { test.alpha } else { None };
        tests.extend(parts.into_iter().map(|expr| Test { expr, alpha }));
    }
    let mut joins = Vec::with_capacity(pattern.joins.len());
    for part in pattern.joins.iter().flat_map(|join| split(join, present)) {
        if is_test(&part, pattern.binding) {
            tests.push(Test {
                expr: part,
                alpha: None,
            });
        } else {
            joins.push(part);
        }
    }
    pattern.tests = tests;
    pattern.joins = joins;
}

fn dedup_pattern(program: &Program, rule: &Rule, pattern: &mut Pattern) {
    let mut seen: Vec<String> = Vec::new();
    pattern.tests.retain(|test| {
        let text = print_expr(program, Some(rule), &test.expr);
        let fresh = !seen.contains(&text);
        seen.push(text);
        fresh
    });
    seen.clear();
    pattern.joins.retain(|join| {
        let text = print_expr(program, Some(rule), join);
        let fresh = !seen.contains(&text);
        seen.push(text);
        fresh
    });
}

/// The conjuncts of `expr` (split on top-level `and`), each rewritten to its canonical form.
pub(crate) fn split(expr: &Expr, present: &dyn Fn(&Expr) -> bool) -> Vec<Expr> {
    let mut parts = Vec::new();
    collect_conjuncts(expr, &mut parts);
    parts
        .into_iter()
        .map(|part| canonical(part, present))
        .collect()
}

/// True when `expr` can never be missing or null: a literal other than null, or a required
/// input field of a matched fact.
fn always_present(program: &Program, rule: &Rule, expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Literal(literal) => *literal != Literal::Null,
        ExprKind::Field { binding, field } => {
            match rule.bindings.get(binding.index()).map(|b| &b.kind) {
                Some(BindingKind::Fact(fact_type)) => {
                    let decl = program.field(*fact_type, *field);
                    decl.presence == Presence::Required && !decl.derived
                }
                _ => false,
            }
        }
        _ => false,
    }
}

fn collect_conjuncts(expr: &Expr, parts: &mut Vec<Expr>) {
    match &expr.kind {
        ExprKind::Binary {
            op: BinaryOp::And,
            left,
            right,
        } => {
            collect_conjuncts(left, parts);
            collect_conjuncts(right, parts);
        }
        _ => parts.push(expr.clone()),
    }
}

/// `expr` with double negations removed, negated comparisons of operands that are always
/// present rewritten, and comparison operands in canonical order, throughout.
fn canonical(mut expr: Expr, present: &dyn Fn(&Expr) -> bool) -> Expr {
    for child in expr.children_mut() {
        let taken = std::mem::replace(
            child,
            Expr::new(ExprKind::Error, child.ty.clone(), child.span),
        );
        *child = canonical(taken, present);
    }
    match expr.kind {
        // `not (not x)` is `x` for a boolean `x` (missing and null pass through `not`).
        ExprKind::Unary {
            op: UnaryOp::Not,
            operand,
        } => match operand.kind {
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand: inner,
            } if inner.ty == expr.ty => *inner,
            ExprKind::Binary { op, left, right }
                if op.negated().is_some() && present(&left) && present(&right) =>
            {
                let negated = op.negated().expect("checked above");
                canonical(
                    Expr {
                        kind: ExprKind::Binary {
                            op: negated,
                            left,
                            right,
                        },
                        ..*operand
                    },
                    present,
                )
            }
            kind => Expr {
                kind: ExprKind::Unary {
                    op: UnaryOp::Not,
                    operand: Box::new(Expr { kind, ..*operand }),
                },
                ..expr
            },
        },
        ExprKind::Binary { op, left, right }
            if op.is_comparison() && swapped(op, &left, &right) =>
        {
            Expr {
                kind: ExprKind::Binary {
                    op: op.flipped(),
                    left: right,
                    right: left,
                },
                ..expr
            }
        }
        kind => Expr { kind, ..expr },
    }
}

/// True when the operands of comparison `op` are out of canonical order: a literal before a
/// non-literal, or, for `==` and `!=`, two field reads with the larger (binding, field)
/// first.
fn swapped(op: BinaryOp, left: &Expr, right: &Expr) -> bool {
    match (&left.kind, &right.kind) {
        (ExprKind::Literal(_), ExprKind::Literal(_)) => false,
        (ExprKind::Literal(_), _) => true,
        (
            ExprKind::Field {
                binding: lb,
                field: lf,
            },
            ExprKind::Field {
                binding: rb,
                field: rf,
            },
        ) if matches!(op, BinaryOp::Eq | BinaryOp::Ne) => (lb, lf) > (rb, rf),
        _ => false,
    }
}

/// True when a conjunct of a pattern over `binding` is a single-fact test rather than a
/// join: it reads that fact alone and no variable. This is the builder's rule, so that the
/// text form reads back to the same tests and joins (a comprehension's element variable
/// counts as a variable there).
pub(crate) fn is_test(expr: &Expr, binding: BindingId) -> bool {
    !matches!(expr.kind, ExprKind::Error)
        && expr.vars().is_empty()
        && expr.bindings().iter().all(|read| *read == binding)
}

/// The bindings and the variables `expr` reads from its rule (the element variables of its
/// own comprehensions excluded).
pub(crate) fn reads(expr: &Expr) -> (Vec<BindingId>, Vec<VarId>) {
    let mut local = Vec::new();
    expr.walk(&mut |node| {
        if let ExprKind::Comprehension(c) = &node.kind {
            local.push(c.var);
        }
    });
    let vars = expr
        .vars()
        .into_iter()
        .filter(|var| !local.contains(var))
        .collect();
    (expr.bindings(), vars)
}

/// What is in scope at a point of a rule's conditions.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    /// Bound bindings.
    pub(crate) bindings: Vec<BindingId>,
    /// Defined variables.
    pub(crate) vars: Vec<VarId>,
}

impl Scope {
    /// True when everything `expr` reads is in scope.
    pub(crate) fn covers(&self, expr: &Expr) -> bool {
        let (bindings, vars) = reads(expr);
        bindings.iter().all(|b| self.bindings.contains(b))
            && vars.iter().all(|v| self.vars.contains(v))
    }

    /// Adds what `condition` binds or defines for the conditions after it.
    pub(crate) fn enter(&mut self, condition: &Condition) {
        match condition {
            Condition::Match(pattern) => self.bindings.push(pattern.binding),
            Condition::Expand(expand) => self.bindings.push(expand.binding),
            Condition::Let(let_) => self.vars.push(let_.var),
            Condition::Accumulate(accumulate) => self.vars.push(accumulate.var),
            Condition::Absent(_) | Condition::Exists(_) | Condition::Guard(_) => {}
        }
    }
}

/// A plain match: one without `next`.
pub(crate) fn plain_match(condition: &Condition) -> Option<&Pattern> {
    match condition {
        Condition::Match(pattern) if pattern.next.is_none() => Some(pattern),
        _ => None,
    }
}

/// Puts each conjunct of a plain match, and each guard that reads only facts of plain
/// matches, at the earliest plain match where all it reads is in scope. A pattern's own
/// tests that stay keep their shared test; conjuncts keep their order of appearance.
fn place(conditions: &[Condition]) -> Vec<Condition> {
    let plain: Vec<BindingId> = conditions
        .iter()
        .filter_map(plain_match)
        .map(|p| p.binding)
        .collect();
    // The scope at each plain match (its own binding included), by position.
    let mut scopes: Vec<(usize, Scope)> = Vec::new();
    let mut scope = Scope::default();
    for (index, condition) in conditions.iter().enumerate() {
        scope.enter(condition);
        if plain_match(condition).is_some() {
            scopes.push((index, scope.clone()));
        }
    }
    let target = |expr: &Expr| {
        scopes
            .iter()
            .find(|(_, scope)| scope.covers(expr))
            .map(|(index, _)| *index)
    };
    let movable_guard = |guard: &Expr| {
        let (bindings, vars) = reads(guard);
        vars.is_empty() && bindings.iter().all(|b| plain.contains(b)) && !scopes.is_empty()
    };
    let mut placed: Vec<Condition> = conditions
        .iter()
        .map(|condition| match (plain_match(condition), condition) {
            (Some(pattern), _) => Condition::Match(Pattern {
                tests: Vec::new(),
                joins: Vec::new(),
                ..pattern.clone()
            }),
            (None, other) => other.clone(),
        })
        .collect();
    let mut moved_guards = Vec::new();
    for (index, condition) in conditions.iter().enumerate() {
        let conjuncts: Vec<(Expr, Option<crate::ids::AlphaId>)> =
            match (plain_match(condition), condition) {
                (Some(pattern), _) => pattern
                    .tests
                    .iter()
                    .map(|test| (test.expr.clone(), test.alpha))
                    .chain(pattern.joins.iter().map(|join| (join.clone(), None)))
                    .collect(),
                (None, Condition::Guard(guard)) if movable_guard(guard) => {
                    moved_guards.push(index);
                    vec![(guard.clone(), None)]
                }
                _ => continue,
            };
        for (expr, alpha) in conjuncts {
            // A conjunct is in scope where it was written, so it always has a place.
            let at = target(&expr).unwrap_or(index);
            let Some(pattern) = placed[at].pattern_mut() else {
                continue;
            };
            if is_test(&expr, pattern.binding) {
                let alpha = if at == index { alpha } else { None };
                pattern.tests.push(Test { expr, alpha });
            } else {
                pattern.joins.push(expr);
            }
        }
    }
    placed
        .into_iter()
        .enumerate()
        .filter(|(index, _)| !moved_guards.contains(index))
        .map(|(_, condition)| condition)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SourceId;
    use crate::text::{parse, print};

    const FACTS: &str = "
fact employee {
  id: text
  visa: text
  rate: decimal
}
fact shift {
  id: text
  employee_id: text
  hours: decimal
  flag: bool
  code: text
  rest: decimal optional
  note: text derived
}
";

    fn normalized(rules: &str) -> (String, Changed, Changed) {
        let (mut program, diagnostics) = parse(&format!("{FACTS}{rules}"), SourceId(0));
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let first = run(&mut program, &Ctx::default());
        crate::verify::verify(&program).unwrap();
        let second = run(&mut program, &Ctx::default());
        let text = print(&program);
        (
            text[text.find("\nrule").unwrap()..].to_string(),
            first,
            second,
        )
    }

    #[test]
    fn splits_flips_and_places_conjuncts() {
        let (text, first, second) = normalized(
            r#"
rule r0 "x" {
  match s: shift
  match e: employee
    join e.id == s.employee_id and 8 < s.hours and "student" == e.visa
  when not not s.flag and e.rate > 10
}
"#,
        );
        assert_eq!(first, Changed::Yes);
        assert_eq!(second, Changed::No);
        let expected = r#"
rule r0 "x" {
  match s: shift
    test (s.hours > 8)
    test s.flag
  match e: employee
    test (e.visa == "student")
    test (e.rate > 10)
    join (s.employee_id == e.id)
}
"#;
        assert_eq!(text, expected);
    }

    #[test]
    fn negates_comparisons_only_of_values_that_are_always_present() {
        let (text, _, _) = normalized(
            r#"
rule r0 "x" {
  match s: shift
  when not (s.hours < 4) and not (s.rest == 2) and not (s.note == "x")
}
"#,
        );
        let expected = r#"
rule r0 "x" {
  match s: shift
    test (s.hours >= 4)
    test (not (s.rest == 2))
    test (not (s.note == "x"))
}
"#;
        assert_eq!(text, expected);
    }

    #[test]
    fn keeps_negated_comparisons_and_local_patterns() {
        let (text, first, _) = normalized(
            r#"
rule r0 "x" {
  match s: shift
  no o: shift
    join o.employee_id == s.employee_id and o.hours > 2 and o.hours > 2
  when not (s.rest < 4)
}
"#,
        );
        assert_eq!(first, Changed::Yes);
        let expected = r#"
rule r0 "x" {
  match s: shift
    test (not (s.rest < 4))
  no o: shift
    test (o.hours > 2)
    join (s.employee_id == o.employee_id)
}
"#;
        assert_eq!(text, expected);
    }

    #[test]
    fn guards_over_variables_stay() {
        let (text, _, second) = normalized(
            r#"
rule r0 "x" {
  match s: shift
  let limit: decimal = s.hours * 2
  match e: employee
    join e.id == s.employee_id and e.rate > limit and e.rate > s.hours
  when limit > 3 and s.flag
}
"#,
        );
        assert_eq!(second, Changed::No);
        let expected = r#"
rule r0 "x" {
  match s: shift
    test s.flag
  let limit: decimal = (s.hours * 2)
  match e: employee
    join (s.employee_id == e.id)
    join (e.rate > limit)
    join (e.rate > s.hours)
  when (limit > 3)
}
"#;
        assert_eq!(text, expected);
    }

    #[test]
    fn idempotent_on_every_case() {
        crate::opt::fold_constants::assert_idempotent_on_cases(NAME, run);
    }
}
