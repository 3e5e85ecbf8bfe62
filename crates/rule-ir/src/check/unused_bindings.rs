//! W0001: a fact matched by `match`/`next`, or a list element bound by `expand`, that
//! nothing in the rule reads. The rule still fires once per such fact or element, which is
//! rarely what the author meant: usually a join or a field was left out.

use crate::diagnostic::{Code, Diagnostic};
use crate::expr::ExprKind;
use crate::ids::BindingId;
use crate::program::Program;
use crate::rule::{Action, BindingKind, Condition, GroupKey, Rule};
use crate::text::print_expr;

pub(crate) fn check(program: &Program, out: &mut Vec<Diagnostic>) {
    for rule in &program.rules {
        let used = used_bindings(rule);
        for condition in &rule.conditions {
            let (binding, what) = match condition {
                Condition::Match(pattern) => (
                    pattern.binding,
                    format!("each `{}` fact", program.fact(pattern.fact_type).name),
                ),
                Condition::Expand(expand) => (
                    expand.binding,
                    format!(
                        "each element of {}",
                        print_expr(program, Some(rule), &expand.source)
                    ),
                ),
                // `no`, `exists` and accumulations need a name to write their tests with.
                _ => continue,
            };
            let name = &rule.binding(binding).name;
            if used.contains(&binding) || name.starts_with('_') {
                continue;
            }
            let message = format!(
                "rule \"{}\" binds `{name}` to {what} but never uses it",
                rule.name
            );
            let help = match rule.binding(binding).kind {
                BindingKind::Fact(_) => format!(
                    "join `{name}` to the rule's other facts or use its fields; if it only needs to match, name it `_{name}`"
                ),
                BindingKind::Value(_) => {
                    format!(
                        "use `{name}` in a test or an action; if each element only needs to count, name it `_{name}`"
                    )
                }
            };
            let diagnostic = Diagnostic::new(
                Code::UnusedBinding,
                message,
                rule.binding(binding).span,
                "never used",
            )
            .with_help(help);
            out.push(diagnostic);
        }
    }
}

/// Every binding something in the rule reads or acts on.
fn used_bindings(rule: &Rule) -> Vec<BindingId> {
    let mut used = Vec::new();
    for expr in rule.exprs() {
        expr.walk(&mut |node| {
            if let ExprKind::Field { binding, .. } | ExprKind::Binding(binding) = node.kind {
                used.push(binding);
            }
        });
    }
    for condition in &rule.conditions {
        if let Some(next) = condition
            .pattern()
            .and_then(|pattern| pattern.next.as_ref())
        {
            used.push(next.after);
        }
    }
    if let Some(group) = &rule.group {
        used.extend(group.keys.iter().filter_map(|key| match key {
            GroupKey::Fact(binding) => Some(*binding),
            GroupKey::Value { .. } => None,
        }));
    }
    for action in &rule.actions {
        match action {
            Action::Emit(emit) => used.extend(&emit.for_each),
            Action::Set { binding, .. }
            | Action::Retract { binding, .. }
            | Action::Update { binding, .. } => used.push(*binding),
            Action::Alert { .. } => {}
        }
    }
    used
}

#[cfg(test)]
mod tests {
    use crate::ids::SourceId;
    use crate::text::parse;

    fn findings(text: &str) -> Vec<String> {
        let (program, diagnostics) = parse(text, SourceId(0));
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let mut out = Vec::new();
        super::check(&program, &mut out);
        out.into_iter().map(|d| d.message).collect()
    }

    const FACTS: &str = "fact shift { id: text  employee_id: text  start: datetime  end: datetime  hours: decimal derived }\n\
                         fact employee { id: text  rate: decimal }\n";

    #[test]
    fn a_fact_nothing_reads_is_reported() {
        let found = findings(&format!(
            "{FACTS}rule r0 \"Pay\" {{\n  match s: shift\n  match e: employee\n  alert template[\"shift \", s.id]\n}}"
        ));
        assert_eq!(
            found,
            ["rule \"Pay\" binds `e` to each `employee` fact but never uses it"]
        );
    }

    #[test]
    fn targets_keys_members_and_next_count_as_uses() {
        let text = format!(
            "{FACTS}\
             rule r0 \"Set\" {{\n  match s: shift\n  set s.hours = 1\n}}\n\
             rule r1 \"Retract\" {{\n  match s: shift\n  retract s\n}}\n\
             rule r2 \"Key\" {{\n  match e: employee\n  match s: shift\n    join s.employee_id == e.id\n  group by\n    key e\n    aggregate n: int = count()\n  alert template[\"n \", n]\n}}\n\
             rule r3 \"Next\" {{\n  match a: shift\n  next b: shift after a by (start)\n    join b.employee_id == a.employee_id\n  alert \"x\"\n}}\n\
             rule r4 \"Underscore\" {{\n  match _s: shift\n  alert \"x\"\n}}\n\
             rule r5 \"Absent\" {{\n  match e: employee\n  no s: shift\n  alert template[e.id]\n}}"
        );
        assert_eq!(findings(&text), Vec::<String>::new());
    }

    #[test]
    fn an_unused_expansion_is_reported() {
        let found = findings(&format!(
            "{FACTS}rule r0 \"Days\" {{\n  match s: shift\n  expand part: {{date: date, minutes: int, hours: decimal}} in split_by_day(s.start, s.end)\n  alert template[s.id]\n}}"
        ));
        assert_eq!(
            found,
            [
                "rule \"Days\" binds `part` to each element of split_by_day(s.start, s.end) but never uses it"
            ]
        );
    }
}
