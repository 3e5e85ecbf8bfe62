//! Grouping: `group by` with fact and value keys, the group's aggregates, and the rule that
//! after grouping a value of each match may only appear inside an aggregate (or spell a
//! key's expression again, which stands for the key).

use super::{Open, RuleBuilder};
use crate::builder::exprs::{ExprBuilder, Resolved, aggregate_type, error};
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{AggOp, Expr, ExprKind};
use crate::ids::{BindingId, Span, VarId};
use crate::rule::{Aggregate, BindingKind, Group, GroupKey};

impl RuleBuilder<'_> {
    /// `group by`: starts grouping; keys and aggregates follow.
    pub fn group_by(&mut self, span: Span) {
        if self.local.is_some() {
            self.report(Diagnostic::new(
                Code::Syntax,
                "close the open pattern before `group by`",
                span,
                "pattern still open",
            ));
        }
        if self.rule.group.is_some() {
            self.report(Diagnostic::new(
                Code::Syntax,
                "a rule groups once",
                span,
                "second `group by`",
            ));
            return;
        }
        self.group_vars_from = self.rule.vars.len();
        self.rule.group = Some(Group {
            keys: Vec::new(),
            aggregates: Vec::new(),
            then: Vec::new(),
            span,
        });
        self.kept = Some(Vec::new());
        self.open = Open::Nothing;
    }

    /// `group by p`: a whole fact as a key part; its fields stay in scope.
    pub fn group_key_fact(&mut self, name: &str, span: Span) {
        if self.rule.group.is_none() {
            self.report(Diagnostic::new(
                Code::Syntax,
                "a group key needs `group by` first",
                span,
                "no group",
            ));
            return;
        }
        match self.lookup(name) {
            Some(Resolved::Binding(binding, BindingKind::Fact(_))) => {
                if let Some(group) = &mut self.rule.group {
                    group.keys.push(GroupKey::Fact(binding));
                }
                if let Some(kept) = &mut self.kept {
                    kept.push(binding);
                }
            }
            _ => {
                let message = format!("`group by {name}` needs a fact bound earlier in the rule");
                self.report(Diagnostic::new(
                    Code::UnknownName,
                    message,
                    span,
                    "not a fact binding",
                ));
            }
        }
    }

    /// `group by value as name`: a named key part.
    pub fn group_key(&mut self, name: &str, name_span: Span, expr: Expr) -> Option<VarId> {
        let expr = self.value(expr);
        if self.rule.group.is_none() {
            let diagnostic = Diagnostic::new(
                Code::Syntax,
                "a group key needs `group by` first",
                name_span,
                "no group",
            );
            self.report(diagnostic);
            return None;
        }
        let var = self.declare_var(name, expr.ty.clone(), name_span)?;
        if let Some(group) = &mut self.rule.group {
            group.keys.push(GroupKey::Value { var, expr });
        }
        Some(var)
    }

    /// A named aggregate of the group (the IR text form lists them; the `.calc` front end
    /// makes them from aggregate calls such as `sum(s.hours)`).
    pub fn group_aggregate(
        &mut self,
        name: &str,
        name_span: Span,
        op: AggOp,
        value: Option<Expr>,
        span: Span,
    ) -> Option<VarId> {
        let mut value = value.map(|value| self.value(value));
        if let Some(read) = value
            .iter()
            .flat_map(Expr::vars)
            .find(|var| var.index() >= self.group_vars_from)
        {
            let name = self.rule.vars[read.index()].name.clone();
            let message = format!(
                "an aggregate combines a value of each match, but `{name}` is a value of the group"
            );
            let at = value.as_ref().map_or(span, |v| v.span);
            self.report(Diagnostic::new(
                Code::AggregateOutsideGroup,
                message,
                at,
                "a value of the group",
            ));
            value = Some(error(at));
        }
        let ty = aggregate_type(self, op, value.as_ref(), span);
        let var = self.declare_var(name, ty, name_span)?;
        match &mut self.rule.group {
            Some(group) => group.aggregates.push(Aggregate {
                var,
                op,
                value,
                span,
            }),
            None => self.report(Diagnostic::new(
                Code::AggregateOutsideGroup,
                "an aggregate needs `group by`",
                span,
                "no group",
            )),
        }
        Some(var)
    }

    /// After `group by`, a value of each match may only appear inside an aggregate.
    pub(super) fn per_group(&mut self, expr: Expr) -> Expr {
        self.per_group_except(expr, &[])
    }

    pub(super) fn per_group_except(&mut self, mut expr: Expr, members: &[BindingId]) -> Expr {
        let Some(kept) = self.kept.clone() else {
            return expr;
        };
        if let Some(group) = &self.rule.group {
            let keys: Vec<(VarId, Expr)> = group
                .keys
                .iter()
                .filter_map(|key| match key {
                    GroupKey::Value { var, expr } => Some((*var, without_spans(expr))),
                    GroupKey::Fact(_) => None,
                })
                .collect();
            to_keys(&mut expr, &keys);
        }
        let mut stray: Option<Span> = None;
        let per_match_vars = self.group_vars_from;
        expr.walk(&mut |node| {
            let per_match = match node.kind {
                ExprKind::Field { binding, .. } | ExprKind::Binding(binding) => {
                    !kept.contains(&binding) && !members.contains(&binding)
                }
                ExprKind::Var(var) => var.index() < per_match_vars,
                _ => false,
            };
            if per_match && stray.is_none() {
                stray = Some(node.span);
            }
        });
        match stray {
            None => expr,
            Some(span) => {
                let diagnostic = Diagnostic::new(
                    Code::AggregateOutsideGroup,
                    "after `group by`, a value of each match must be aggregated",
                    span,
                    "differs from match to match",
                )
                .with_help(
                    "aggregate it (`sum(...)`, `max(...)`), or make it part of the group key",
                );
                self.report(diagnostic);
                error(expr.span)
            }
        }
    }
}

/// Replaces each part of `expr` that spells a value key's expression again (`s.employee_id`
/// after `group by s.employee_id`) with the key, which is the same for the whole group.
fn to_keys(expr: &mut Expr, keys: &[(VarId, Expr)]) {
    let same_kind =
        |key: &Expr| std::mem::discriminant(&key.kind) == std::mem::discriminant(&expr.kind);
    let found = keys
        .iter()
        .find(|(_, key)| same_kind(key) && without_spans(expr) == *key);
    if let Some((var, _)) = found {
        *expr = Expr::new(ExprKind::Var(*var), expr.ty.clone(), expr.span);
        return;
    }
    for child in expr.children_mut() {
        to_keys(child, keys);
    }
}

/// A copy of `expr` with every span empty, to compare expressions by what they say.
fn without_spans(expr: &Expr) -> Expr {
    fn clear(expr: &mut Expr) {
        expr.span = Span::default();
        for child in expr.children_mut() {
            clear(child);
        }
    }
    let mut copy = expr.clone();
    clear(&mut copy);
    copy
}
