//! The local patterns of a rule: `no`, `exists` and accumulations, whose bindings are
//! visible only inside them, opened, tested and closed in turn.

use super::{LocalKind, LocalPattern, Open, RuleBuilder};
use crate::builder::exprs::{ExprBuilder, aggregate_type};
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{AggOp, Expr};
use crate::ids::{BindingId, Span, VarId};
use crate::rule::{Accumulate, Condition, Pattern};
use crate::types;

impl RuleBuilder<'_> {
    /// `no c: shift where ...`: opens a pattern that must match nothing; close it with
    /// [`end_pattern`](Self::end_pattern).
    pub fn begin_absent(
        &mut self,
        name: &str,
        name_span: Span,
        fact_type: &str,
        type_span: Span,
        span: Span,
    ) {
        self.begin_local(
            LocalKind::Absent,
            name,
            name_span,
            fact_type,
            type_span,
            span,
        );
    }

    /// `exists t: term where ...`: opens a pattern that must match something; close it with
    /// [`end_pattern`](Self::end_pattern).
    pub fn begin_exists(
        &mut self,
        name: &str,
        name_span: Span,
        fact_type: &str,
        type_span: Span,
        span: Span,
    ) {
        self.begin_local(
            LocalKind::Exists,
            name,
            name_span,
            fact_type,
            type_span,
            span,
        );
    }

    /// `let total = sum(b.amount for each bonus b where ..., default 0)`: opens the pattern
    /// aggregated into `var`; build its value, then close it with
    /// [`end_pattern`](Self::end_pattern).
    #[allow(clippy::too_many_arguments)]
    pub fn begin_accumulate(
        &mut self,
        var: &str,
        var_span: Span,
        op: AggOp,
        name: &str,
        name_span: Span,
        fact_type: &str,
        type_span: Span,
        span: Span,
    ) {
        let kind = LocalKind::Accumulate {
            name: var.into(),
            name_span: var_span,
            op,
        };
        self.begin_local(kind, name, name_span, fact_type, type_span, span);
    }

    fn begin_local(
        &mut self,
        kind: LocalKind,
        name: &str,
        name_span: Span,
        fact_type: &str,
        type_span: Span,
        span: Span,
    ) {
        if self.local.is_some() {
            self.report(Diagnostic::new(
                Code::Syntax,
                "`no`, `exists` and accumulations do not nest",
                span,
                "nested here",
            ));
            return;
        }
        if !self.before_group("a pattern", span) {
            return;
        }
        let scope_len = self.scope.len();
        let binding = self.fact_binding(name, name_span, fact_type, type_span);
        let Some(pattern) = binding.and_then(|binding| self.pattern(binding, span)) else {
            self.scope.truncate(scope_len);
            // Keep a placeholder so that the matching `end_pattern` stays balanced.
            let placeholder = Pattern {
                binding: BindingId::SUBJECT,
                fact_type: reckon_fact_store::FactTypeId::from_index(0).expect("zero fits"),
                tests: Vec::new(),
                joins: Vec::new(),
                next: None,
                span,
            };
            self.local = Some(LocalPattern {
                kind,
                pattern: placeholder,
                scope_len,
            });
            self.open = Open::Local;
            return;
        };
        self.local = Some(LocalPattern {
            kind,
            pattern,
            scope_len,
        });
        self.open = Open::Local;
    }

    /// Closes the open `no`, `exists` or accumulation. An accumulation takes the value each
    /// fact contributes (none for `count`) and the default for when no fact passes.
    pub fn end_pattern(&mut self, value: Option<Expr>, default: Option<Expr>) -> Option<VarId> {
        let Some(local) = self.local.take() else {
            let span = value.as_ref().map_or(self.rule.span, |v| v.span);
            self.report(Diagnostic::new(
                Code::Syntax,
                "no `no`, `exists` or accumulation is open",
                span,
                "nothing to close",
            ));
            return None;
        };
        self.scope.truncate(local.scope_len);
        self.open = Open::Nothing;
        if local.pattern.binding == BindingId::SUBJECT {
            return None;
        }
        let span = local.pattern.span;
        match local.kind {
            LocalKind::Absent => self.rule.conditions.push(Condition::Absent(local.pattern)),
            LocalKind::Exists => self.rule.conditions.push(Condition::Exists(local.pattern)),
            LocalKind::Accumulate {
                name,
                name_span,
                op,
            } => {
                let value = value.map(|value| self.value(value));
                let default = default.map(|default| self.value(default));
                let mut ty = aggregate_type(self, op, value.as_ref(), span);
                if let Some(default) = &default {
                    match types::unify(&ty, &default.ty) {
                        Some(unified) => ty = unified,
                        None => {
                            let message = format!(
                                "the default is {} but the aggregate gives {}",
                                types::a(&default.ty),
                                types::a(&ty)
                            );
                            let label = format!("this is {}", default.ty);
                            self.report(Diagnostic::new(
                                Code::TypeMismatch,
                                message,
                                default.span,
                                label,
                            ));
                        }
                    }
                }
                let var = self.declare_var(&name, ty, name_span)?;
                self.rule.conditions.push(Condition::Accumulate(Accumulate {
                    var,
                    op,
                    pattern: local.pattern,
                    value,
                    default,
                    span,
                }));
                return Some(var);
            }
        }
        None
    }
}
