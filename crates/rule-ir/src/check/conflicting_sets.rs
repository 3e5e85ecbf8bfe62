//! E0009: two rules that set the same field of the same fact type with the same priority,
//! unless the checker can see they never match the same fact: one has `no X` where the
//! other has `with X` or `exists X` (the same tests), or their tests contradict (`x > 40` /
//! `x <= 40`).

use std::collections::HashMap;

use crate::deps::writes;
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{Expr, ExprKind, UnaryOp};
use crate::program::Program;
use crate::rule::{Condition, Rule};
use crate::text::print_expr;

pub(crate) fn check(program: &Program, out: &mut Vec<Diagnostic>) {
    let sets: Vec<Vec<_>> = program
        .rules
        .iter()
        .map(|rule| {
            writes(rule, program)
                .into_iter()
                .filter(|(_, span)| {
                    rule.actions
                        .iter()
                        .any(|a| matches!(a, crate::rule::Action::Set { span: s, .. } if s == span))
                })
                .collect()
        })
        .collect();
    // The rules that set each field, so that only those are compared, not every pair.
    let mut setters: HashMap<_, Vec<usize>> = HashMap::new();
    for (index, slots) in sets.iter().enumerate() {
        for (slot, _) in slots {
            let rules = setters.entry(*slot).or_default();
            if rules.last() != Some(&index) {
                rules.push(index);
            }
        }
    }
    for (i, first) in program.rules.iter().enumerate() {
        let mut others: Vec<usize> = sets[i]
            .iter()
            .flat_map(|(slot, _)| setters[slot].iter().copied().filter(|&j| j > i))
            .collect();
        others.sort_unstable();
        others.dedup();
        for j in others {
            let second = &program.rules[j];
            if first.priority != second.priority {
                continue;
            }
            for (slot, first_at) in &sets[i] {
                let Some((_, second_at)) = sets[j].iter().find(|(other, _)| other == slot) else {
                    continue;
                };
                if exclusive(program, first, second) {
                    continue;
                }
                let (fact_type, field) = (slot.0, slot.1.expect("sets write fields"));
                let message = format!(
                    "rules \"{}\" and \"{}\" both set `{}.{}`, and nothing says which wins",
                    first.name,
                    second.name,
                    program.fact(fact_type).name,
                    program.field(fact_type, field).name
                );
                let diagnostic = Diagnostic::new(Code::ConflictingSets, message, *second_at, "set here")
                    .with_secondary(*first_at, "and here")
                    .with_help("give one rule a higher `priority`, or make their conditions exclude each other");
                out.push(diagnostic);
            }
        }
    }
}

/// True when the two rules can be seen never to match together.
fn exclusive(program: &Program, a: &Rule, b: &Rule) -> bool {
    let filters = |rule: &Rule| -> Vec<(bool, String)> {
        rule.conditions
            .iter()
            .filter_map(|condition| match condition {
                Condition::Match(p) | Condition::Exists(p) => {
                    Some((true, pattern_key(program, rule, p)))
                }
                Condition::Absent(p) => Some((false, pattern_key(program, rule, p))),
                _ => None,
            })
            .collect()
    };
    let (fa, fb) = (filters(a), filters(b));
    if fa.iter().any(|(present, key)| {
        fb.iter()
            .any(|(other, other_key)| present != other && key == other_key)
    }) {
        return true;
    }
    let (ta, tb) = (tests(program, a), tests(program, b));
    ta.iter().any(|(text, negated)| {
        tb.iter().any(|(other, _)| other == negated)
            || tb.iter().any(|(_, other_negated)| other_negated == text)
    })
}

/// A pattern's fact type and tests, with binding names left out, for comparison.
fn pattern_key(program: &Program, rule: &Rule, pattern: &crate::rule::Pattern) -> String {
    let binding = &rule.binding(pattern.binding).name;
    let mut parts: Vec<String> = pattern
        .tests
        .iter()
        .map(|t| &t.expr)
        .chain(&pattern.joins)
        .map(|e| anonymous(&print_expr(program, Some(rule), e), binding))
        .collect();
    parts.sort();
    format!(
        "{}|{}",
        program.fact(pattern.fact_type).name,
        parts.join("&")
    )
}

/// Every comparison among a rule's tests and guards, as text and as the text of its negation.
fn tests(program: &Program, rule: &Rule) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for condition in &rule.conditions {
        for expr in condition.exprs() {
            for conjunct in expr.conjuncts() {
                if let ExprKind::Binary { op, left, right } = &conjunct.kind {
                    if let Some(negated) = op.negated() {
                        let flipped = Expr::new(
                            ExprKind::Binary {
                                op: negated,
                                left: left.clone(),
                                right: right.clone(),
                            },
                            conjunct.ty.clone(),
                            conjunct.span,
                        );
                        found.push((
                            normal(program, rule, conjunct),
                            normal(program, rule, &flipped),
                        ));
                    }
                }
                if let ExprKind::Unary {
                    op: UnaryOp::Not,
                    operand,
                } = &conjunct.kind
                {
                    // `not (x == true)` is how `first` says a branch's test does not hold.
                    let tested = match &operand.kind {
                        ExprKind::Binary {
                            op: crate::expr::BinaryOp::Eq,
                            left,
                            right,
                        } if matches!(
                            right.kind,
                            ExprKind::Literal(crate::expr::Literal::Bool(true))
                        ) =>
                        {
                            left
                        }
                        _ => operand,
                    };
                    found.push((
                        normal(program, rule, conjunct),
                        normal(program, rule, tested),
                    ));
                }
            }
        }
    }
    found
}

fn normal(program: &Program, rule: &Rule, expr: &Expr) -> String {
    let mut text = print_expr(program, Some(rule), expr);
    for binding in &rule.bindings {
        text = anonymous(&text, &binding.name);
    }
    text
}

/// `text` with `binding.` replaced by `_.`, so two rules' tests compare by meaning.
fn anonymous(text: &str, binding: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let needle = format!("{binding}.");
    while let Some(at) = rest.find(&needle) {
        let boundary =
            at == 0 || !rest[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        out.push_str(&rest[..at]);
        out.push_str(if boundary { "_." } else { &needle });
        rest = &rest[at + needle.len()..];
    }
    out.push_str(rest);
    out
}
