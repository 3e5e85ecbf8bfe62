//! The actions of a rule: `emit` (once per match or group, or per member of a group),
//! `set` of a derived field, `alert`, and the state-machine actions `retract` and `update`.
//! Each checks its target and the types of its values.

use reckon_fact_store::{FactTypeId, FieldId, Presence, ValueType};

use super::RuleBuilder;
use crate::builder::exprs::{ExprBuilder, Resolved};
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{Expr, ExprKind};
use crate::ids::{BindingId, Span};
use crate::rule::{Action, BindingKind, Emit};
use crate::types;

impl RuleBuilder<'_> {
    /// Starts a per-member `emit ... for each m { ... }`: the members' bindings are values
    /// again while its fields are built. End it with [`emit`](Self::emit).
    pub fn begin_members(&mut self, members: &[(String, Span)]) {
        if self.rule.group.is_none() {
            if let Some((_, span)) = members.first() {
                let diagnostic = Diagnostic::new(Code::AggregateOutsideGroup, "`for each` member of an emit needs `group by`", *span, "no group")
                    .with_help("per-member output shares a group's result among its members; group the rule first");
                self.report(diagnostic);
            }
            return;
        }
        for (name, span) in members {
            match self.lookup(name) {
                Some(Resolved::Binding(binding, _)) => self.members.push(binding),
                _ => {
                    let message = format!("`{name}` is not a binding of this rule");
                    self.report(Diagnostic::new(
                        Code::UnknownName,
                        message,
                        *span,
                        "unknown member",
                    ));
                }
            }
        }
    }

    /// `emit T { field: value, ... }`.
    pub fn emit(
        &mut self,
        fact_type: &str,
        type_span: Span,
        fields: Vec<(String, Span, Expr)>,
        span: Span,
    ) {
        let members = std::mem::take(&mut self.members);
        let Some(fact_type) = self.builder.resolve_fact_type(fact_type, type_span) else {
            return;
        };
        let mut values: Vec<(FieldId, Expr)> = Vec::new();
        for (name, name_span, value) in fields {
            let value = self.value(value);
            let value = self.per_group_except(value, &members);
            let Some(field) = self.builder.resolve_field(fact_type, &name, name_span) else {
                continue;
            };
            if values.iter().any(|(existing, _)| *existing == field) {
                let message = format!("the emit sets `{name}` twice");
                self.report(Diagnostic::new(
                    Code::DuplicateName,
                    message,
                    name_span,
                    "set again here",
                ));
                continue;
            }
            self.check_assignable(fact_type, field, &value);
            values.push((field, value));
        }
        let fact = self.program().fact(fact_type);
        let missing: Vec<String> = fact
            .fields
            .iter()
            .enumerate()
            .filter(|(i, field)| {
                field.presence == Presence::Required
                    && field.default.is_none()
                    && !values.iter().any(|(given, _)| given.index() == *i)
            })
            .map(|(_, field)| field.name.clone())
            .collect();
        if !missing.is_empty() {
            let message = format!(
                "the emit of `{}` leaves out required field{} `{}`",
                fact.name,
                if missing.len() == 1 { "" } else { "s" },
                missing.join("`, `")
            );
            let diagnostic = Diagnostic::new(
                Code::MissingRequiredField,
                message,
                span,
                "required fields missing",
            )
            .with_secondary(fact.span, format!("`{}` is declared here", fact.name));
            self.report(diagnostic);
        }
        self.rule.actions.push(Action::Emit(Emit {
            fact_type,
            fields: values,
            for_each: members,
            span,
        }));
    }

    /// `set s.field = value`: a derived field of a matched fact.
    pub fn set(
        &mut self,
        binding: &str,
        binding_span: Span,
        field: &str,
        field_span: Span,
        value: Expr,
        span: Span,
    ) {
        let value = self.value(value);
        let value = self.per_group(value);
        let Some((binding, fact_type)) = self.fact_target(binding, binding_span) else {
            return;
        };
        let Some(field_id) = self.builder.resolve_field(fact_type, field, field_span) else {
            return;
        };
        let decl = self.program().field(fact_type, field_id);
        if !decl.derived {
            let message = format!(
                "`{field}` is an input field of `{}`; `set` makes derived fields",
                self.program().fact(fact_type).name
            );
            let diagnostic =
                Diagnostic::new(Code::SetOnInputField, message, field_span, "an input field")
                    .with_secondary(decl.span, "declared here as an input field")
                    .with_help(
                        "set a field of another name, which becomes a derived field, \
                         or change the input fact itself with `update`",
                    );
            self.report(diagnostic);
        }
        self.check_assignable(fact_type, field_id, &value);
        self.rule.actions.push(Action::Set {
            binding,
            field: field_id,
            value,
            span,
        });
    }

    /// `alert "text {value}"`: an output event.
    pub fn alert(&mut self, message: Expr, span: Span) {
        let message = self.value(message);
        let message = self.per_group(message);
        if !matches!(message.ty, ValueType::Text | ValueType::Any) {
            let text = format!(
                "an alert's message must be text, but this is {}",
                types::a(&message.ty)
            );
            self.report(Diagnostic::new(
                Code::TypeMismatch,
                text,
                message.span,
                format!("this is {}", message.ty),
            ));
        }
        self.rule.actions.push(Action::Alert { message, span });
    }

    /// `retract s`: removes a matched input fact.
    pub fn retract(&mut self, binding: &str, binding_span: Span, span: Span) {
        if let Some((binding, _)) = self.fact_target(binding, binding_span) {
            self.rule.actions.push(Action::Retract { binding, span });
        }
    }

    /// `update s { field: value, ... }`: changes fields of a matched input fact.
    pub fn update(
        &mut self,
        binding: &str,
        binding_span: Span,
        fields: Vec<(String, Span, Expr)>,
        span: Span,
    ) {
        let Some((binding, fact_type)) = self.fact_target(binding, binding_span) else {
            return;
        };
        let mut values = Vec::new();
        for (name, name_span, value) in fields {
            let value = self.value(value);
            let value = self.per_group(value);
            let Some(field) = self.builder.resolve_field(fact_type, &name, name_span) else {
                continue;
            };
            self.check_assignable(fact_type, field, &value);
            if values.iter().any(|(existing, _)| *existing == field) {
                let message = format!("the update sets `{name}` twice");
                self.report(Diagnostic::new(
                    Code::DuplicateName,
                    message,
                    name_span,
                    "set again here",
                ));
                continue;
            }
            values.push((field, value));
        }
        self.rule.actions.push(Action::Update {
            binding,
            fields: values,
            span,
        });
    }

    fn fact_target(&mut self, name: &str, span: Span) -> Option<(BindingId, FactTypeId)> {
        match self.lookup(name) {
            Some(Resolved::Binding(binding, BindingKind::Fact(fact_type))) => {
                if self
                    .kept
                    .as_ref()
                    .is_some_and(|kept| !kept.contains(&binding))
                {
                    let message = format!("after `group by`, `{name}` is not one fact but many");
                    let diagnostic =
                        Diagnostic::new(Code::AggregateOutsideGroup, message, span, "grouped away")
                            .with_help(format!(
                                "group by `{name}` itself to act on each of its facts"
                            ));
                    self.report(diagnostic);
                    return None;
                }
                Some((binding, fact_type))
            }
            Some(Resolved::Binding(binding, _)) if self.unresolved.contains(&binding) => None,
            Some(_) => {
                let message = format!("`{name}` is a value, not a matched fact");
                self.report(Diagnostic::new(
                    Code::TypeMismatch,
                    message,
                    span,
                    "not a fact",
                ));
                None
            }
            None => {
                self.name(name, span);
                None
            }
        }
    }

    fn check_assignable(&mut self, fact_type: FactTypeId, field: FieldId, value: &Expr) {
        let decl = self.program().field(fact_type, field);
        if types::assignable(&value.ty, &decl.ty) || matches!(value.kind, ExprKind::Error) {
            return;
        }
        let message = format!(
            "`{}` holds {}, but this value is {}",
            decl.name,
            decl.ty,
            types::a(&value.ty)
        );
        let diagnostic = Diagnostic::new(
            Code::AssignmentType,
            message,
            value.span,
            format!("this is {}", value.ty),
        )
        .with_secondary(decl.span, format!("declared {} here", decl.ty));
        self.report(diagnostic);
    }
}
