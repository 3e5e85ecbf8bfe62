//! W0004: a rule that reads an optional input field with no default and never tests it
//! with `is missing` or `is null`. Where the field is absent, arithmetic with it is
//! missing and a comparison with it is false, so the rule quietly skips or blanks facts —
//! the analyst should decide what a missing value means.
//!
//! Copying the field as it is into a field that may itself be missing (an optional emit or
//! update field, a derived field) is not a use that can go wrong, and is not reported; nor
//! is aggregating it as it is (`sum(s.bonus)`), since aggregates skip missing values.

use reckon_fact_store::{FieldId, Presence};

use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{Expr, ExprKind, UnaryOp};
use crate::ids::BindingId;
use crate::program::Program;
use crate::rule::{Action, BindingKind, Condition, Rule};

pub(crate) fn check(program: &Program, out: &mut Vec<Diagnostic>) {
    for rule in &program.rules {
        let copies = copies(program, rule);
        let mut tested: Vec<(BindingId, FieldId)> = Vec::new();
        let mut reads: Vec<(BindingId, FieldId, &Expr)> = Vec::new();
        for expr in rule.exprs() {
            expr.walk(&mut |node| match &node.kind {
                ExprKind::Unary {
                    op: UnaryOp::IsMissing | UnaryOp::IsNull,
                    operand,
                } => {
                    if let ExprKind::Field { binding, field } = operand.kind {
                        tested.push((binding, field));
                    }
                }
                ExprKind::Field { binding, field } => {
                    let copied = copies.iter().any(|copy| std::ptr::eq(*copy, node));
                    if !copied && !reads.iter().any(|(b, f, _)| (b, f) == (binding, field)) {
                        reads.push((*binding, *field, node));
                    }
                }
                _ => {}
            });
        }
        for (binding, field, read) in reads {
            let BindingKind::Fact(fact_type) = rule.binding(binding).kind else {
                continue;
            };
            let decl = program.field(fact_type, field);
            let may_be_missing =
                decl.presence == Presence::Optional && !decl.derived && decl.default.is_none();
            if !may_be_missing || tested.contains(&(binding, field)) {
                continue;
            }
            let (name, fact) = (&rule.binding(binding).name, &program.fact(fact_type).name);
            let message = format!(
                "rule \"{}\" reads {name}.{}, an optional field of `{fact}` with no default, so it may be missing at run time: \
                 arithmetic with it is missing and a comparison with it is false",
                rule.name, decl.name
            );
            let diagnostic = Diagnostic::new(Code::MayReadMissing, message, read.span, "may be missing here")
                .with_secondary(decl.span, "declared optional, with no default")
                .with_help(format!(
                    "test `{name}.{} is missing` first, or give `{}` a default in the declaration of `{fact}`",
                    decl.name, decl.name
                ));
            out.push(diagnostic);
        }
    }
}

/// The field reads that are the whole value of an action's field which may itself be
/// missing (the missing value is passed on, not computed with), or the whole value of an
/// aggregate (which skips missing values).
fn copies<'r>(program: &Program, rule: &'r Rule) -> Vec<&'r Expr> {
    let mut found = Vec::new();
    let mut keep = |target_optional: bool, value: &'r Expr| {
        if target_optional && matches!(value.kind, ExprKind::Field { .. }) {
            found.push(value);
        }
    };
    let accumulated = rule.conditions.iter().filter_map(|c| match c {
        Condition::Accumulate(accumulate) => accumulate.value.as_ref(),
        _ => None,
    });
    let grouped = rule
        .group
        .iter()
        .flat_map(|group| group.aggregates.iter().filter_map(|a| a.value.as_ref()));
    for value in accumulated.chain(grouped) {
        keep(true, value);
    }
    let optional =
        |fact_type, field| program.field(fact_type, field).presence == Presence::Optional;
    for action in &rule.actions {
        match action {
            Action::Emit(emit) => {
                for (field, value) in &emit.fields {
                    keep(optional(emit.fact_type, *field), value);
                }
            }
            Action::Set {
                binding,
                field,
                value,
                ..
            } => {
                if let BindingKind::Fact(fact_type) = rule.binding(*binding).kind {
                    keep(optional(fact_type, *field), value);
                }
            }
            Action::Update {
                binding, fields, ..
            } => {
                if let BindingKind::Fact(fact_type) = rule.binding(*binding).kind {
                    for (field, value) in fields {
                        keep(optional(fact_type, *field), value);
                    }
                }
            }
            Action::Alert { .. } | Action::Retract { .. } => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::ids::SourceId;
    use crate::text::parse;

    fn findings(rules: &str) -> Vec<String> {
        let text = format!(
            "fact shift {{ id: text  hours: decimal  bonus: decimal optional  breaks: int optional default 0  pay: decimal derived }}\n\
             fact extra {{ id: text  bonus: decimal optional  note: text optional }}\n{rules}"
        );
        let (program, diagnostics) = parse(&text, SourceId(0));
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let mut out = Vec::new();
        super::check(&program, &mut out);
        out.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn an_unguarded_optional_read_is_reported_once() {
        let found = findings(
            "rule r0 \"Bonus\" {\n  match s: shift\n    test s.bonus > 0\n  set s.pay = s.hours + s.bonus\n}",
        );
        assert_eq!(
            found,
            [
                "rule \"Bonus\" reads s.bonus, an optional field of `shift` with no default, so it may be missing at run time: \
              arithmetic with it is missing and a comparison with it is false"
            ]
        );
    }

    #[test]
    fn tests_defaults_required_and_derived_fields_are_quiet() {
        let rules = "rule r0 \"Missing\" {\n  match s: shift\n  set s.pay = if s.bonus is missing then s.hours else s.hours + s.bonus\n}\n\
                     rule r1 \"Null\" {\n  match s: shift\n    test not (s.bonus is null)\n  alert template[s.bonus]\n}\n\
                     rule r2 \"Default\" {\n  match s: shift\n    test s.breaks > 2\n  alert \"x\"\n}\n\
                     rule r3 \"Derived\" {\n  match s: shift\n    test s.pay > 2\n  alert \"x\"\n}\n\
                     rule r4 \"Copy\" {\n  match s: shift\n  match x: extra\n    join x.id == s.id\n  update x { note: x.note, bonus: s.bonus }\n}";
        assert_eq!(findings(rules), Vec::<String>::new());
    }

    #[test]
    fn aggregating_an_optional_field_as_it_is_is_quiet() {
        let rules = "rule r0 \"Total\" {\n  match s: shift\n  accumulate x: extra into total: decimal = sum(x.bonus) default 0\n  alert template[total]\n}\n\
                     rule r1 \"Grouped\" {\n  match s: shift\n  group by\n    key id: text = s.id\n    aggregate most: decimal = max(s.bonus)\n  alert template[most]\n}";
        assert_eq!(findings(rules), Vec::<String>::new());
        let computed = "rule r0 \"Total\" {\n  match s: shift\n  accumulate x: extra into total: decimal = sum(x.bonus * 2) default 0\n  alert template[total]\n}";
        assert_eq!(findings(computed).len(), 1);
    }

    #[test]
    fn a_test_of_another_binding_does_not_guard() {
        let rules = "rule r0 \"Two\" {\n  match s: shift\n  match x: extra\n    join x.id == s.id and x.bonus is missing\n  set s.pay = s.bonus * 2\n}";
        assert_eq!(findings(rules).len(), 1);
    }
}
