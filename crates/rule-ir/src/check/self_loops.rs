//! E0008: a rule that sets a derived field it also reads. A derived field exists exactly as
//! long as its match, and the match depends on the field: the rule would undo and redo
//! itself forever. (`update` of an input field is a state transition and may read what it
//! changes — `when status == "submitted" update status = "approved"` — the run's loop guard
//! bounds it.)

use crate::deps::{reads, writes};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::Program;

pub(crate) fn check(program: &Program, out: &mut Vec<Diagnostic>) {
    for rule in &program.rules {
        let reads = reads(rule);
        for ((fact_type, field), write_at) in writes(rule, program) {
            let Some(field) = field else { continue };
            let is_set = rule
                .actions
                .iter()
                .any(|a| matches!(a, crate::rule::Action::Set { span, .. } if *span == write_at));
            if !is_set {
                continue;
            }
            if let Some(read) = reads
                .iter()
                .find(|read| read.slot == (fact_type, Some(field)))
            {
                let decl = program.field(fact_type, field);
                let message = format!(
                    "rule \"{}\" sets `{}.{}`, which it also reads: each change would trigger it again",
                    rule.name,
                    program.fact(fact_type).name,
                    decl.name
                );
                let diagnostic = Diagnostic::new(Code::SetReadsOwnField, message, write_at, "sets the field here")
                    .with_secondary(read.span.span(), "and reads it here")
                    .with_help("compute the new value into another derived field, or test something the action does not change");
                out.push(diagnostic);
            }
        }
    }
}
