//! Rule actions compiled against the frame at the rule's terminal node.

use reckon_fact_store::FieldId;
use reckon_rule_ir::{Action, Expr, Span};

use super::{Builder, slot_of};
use crate::compile::{Code, CompileError, Names};
use crate::network::ActionCode;

impl Builder<'_> {
    pub(super) fn action(
        &mut self,
        action: &Action,
        names: &mut Names,
        member_names: Option<&mut Names>,
    ) -> Result<ActionCode, CompileError> {
        Ok(match action {
            Action::Emit(emit) if !emit.for_each.is_empty() => {
                let names = member_names
                    .ok_or_else(|| CompileError("a per-member emit outside a group".into()))?;
                let members = emit
                    .for_each
                    .iter()
                    .map(|binding| slot_of(names, *binding))
                    .collect::<Result<Vec<_>, _>>()?;
                ActionCode::Emit {
                    fact_type: emit.fact_type,
                    fields: self.fields(&emit.fields, names)?,
                    members: Some(members),
                    span: emit.span,
                }
            }
            Action::Emit(emit) => ActionCode::Emit {
                fact_type: emit.fact_type,
                fields: self.fields(&emit.fields, names)?,
                members: None,
                span: emit.span,
            },
            Action::Set {
                binding,
                field,
                value,
                ..
            } => ActionCode::Set {
                slot: slot_of(names, *binding)?,
                field: *field,
                value: self.compiler.expr(value, names)?,
                span: value.span,
            },
            Action::Alert { message, .. } => ActionCode::Alert {
                message: self.compiler.expr(message, names)?,
                span: message.span,
            },
            Action::Update {
                binding,
                fields,
                span,
            } => ActionCode::Update {
                slot: slot_of(names, *binding)?,
                fields: self.fields(fields, names)?,
                span: *span,
            },
            Action::Retract { binding, span } => ActionCode::Retract {
                slot: slot_of(names, *binding)?,
                span: *span,
            },
        })
    }

    fn fields(
        &mut self,
        fields: &[(FieldId, Expr)],
        names: &mut Names,
    ) -> Result<Vec<(FieldId, Code, Span)>, CompileError> {
        fields
            .iter()
            .map(|(field, value)| Ok((*field, self.compiler.expr(value, names)?, value.span)))
            .collect()
    }
}
