//! Lowering expressions through any expression builder. Aggregates over facts (`sum(b.amount
//! for each bonus b where ..., default 0)`) need a rule to hoist into: the `Scope` trait
//! says where an expression is lowered, and a calculator reports them instead.

use reckon_rule_ir::builder::{CalcBuilder, ExprBuilder, RuleBuilder};
use reckon_rule_ir::{
    AggOp, BinaryOp, Code, Diagnostic, Expr, ExprKind as Ir, Literal, Span, TemplatePart,
    UnaryOp as IrUnary, ValueType,
};

use super::types::literal_value;
use crate::calc::ast::{self, ExprKind, UnaryOp};

/// Where an expression is lowered.
pub(super) trait Scope: ExprBuilder {
    /// An aggregate over facts (its result named `name` when that is free), or a report
    /// that it cannot be here.
    fn aggregate_facts(
        &mut self,
        name: Option<&str>,
        op: AggOp,
        value: Option<&ast::Expr>,
        pattern: &ast::Pattern,
        default: Option<&ast::Expr>,
        span: Span,
    ) -> Expr;
}

impl Scope for CalcBuilder<'_> {
    fn aggregate_facts(
        &mut self,
        _: Option<&str>,
        op: AggOp,
        _: Option<&ast::Expr>,
        _: &ast::Pattern,
        _: Option<&ast::Expr>,
        span: Span,
    ) -> Expr {
        let message = format!(
            "a calculator sees only its parameters; `{}(... for each ...)` belongs in a rule",
            op.name()
        );
        self.report(
            Diagnostic::new(
                Code::AggregateOutsideGroup,
                message,
                span,
                "aggregate over facts",
            )
            .with_help("compute it in the rule and pass it in"),
        );
        error(span)
    }
}

impl Scope for RuleBuilder<'_> {
    fn aggregate_facts(
        &mut self,
        name: Option<&str>,
        op: AggOp,
        value: Option<&ast::Expr>,
        pattern: &ast::Pattern,
        default: Option<&ast::Expr>,
        span: Span,
    ) -> Expr {
        if self.grouped() {
            let message = format!(
                "`{}(... for each ...)` must come before `group by`: it aggregates other facts \
                 for each match, not for each group",
                op.name()
            );
            self.report(
                Diagnostic::new(Code::Syntax, message, span, "after `group by`").with_help(
                    "compute it with a `let` before `group by`, and add that name to the group key",
                ),
            );
            return error(span);
        }
        let name = match name.filter(|name| self.lookup(name).is_none()) {
            Some(name) => name.to_string(),
            None => (1..)
                .map(|n| format!("{}_of_{}{n}", op.name(), pattern.fact_type.name))
                .find(|n| self.lookup(n).is_none())
                .expect("a free name"),
        };
        let (binding, fact_type) = (&pattern.binding, &pattern.fact_type);
        self.begin_accumulate(
            &name,
            span,
            op,
            &binding.name,
            binding.span,
            &fact_type.name,
            fact_type.span,
            span,
        );
        if let Some(filter) = &pattern.filter {
            let test = lower(self, filter);
            self.filter(test);
        }
        let value = value.map(|value| lower(self, value));
        let default = default.map(|default| lower(self, default));
        match self.end_pattern(value, default) {
            Some(_) => self.name(&name, span),
            None => error(span),
        }
    }
}

fn error(span: Span) -> Expr {
    Expr::new(Ir::Error, ValueType::Any, span)
}

/// Lowers the value of `let name = ...`: an aggregate over facts takes the let's name.
pub(super) fn lower_named(b: &mut RuleBuilder<'_>, name: &str, e: &ast::Expr) -> Option<Expr> {
    let ExprKind::AggregateFacts {
        op,
        value,
        pattern,
        default,
    } = &e.kind
    else {
        return None;
    };
    let op = aggregate(b, op)?;
    // After `group by` the aggregate is an error, reported where it is lowered as a value,
    // and the `let` still defines its name.
    if b.lookup(name).is_some() || b.grouped() {
        return None;
    }
    Some(b.aggregate_facts(
        Some(name),
        op,
        value.as_deref(),
        pattern,
        default.as_deref(),
        e.span,
    ))
}

/// Lowers an expression.
pub(super) fn lower<S: Scope>(b: &mut S, e: &ast::Expr) -> Expr {
    let span = e.span;
    match &e.kind {
        ExprKind::Literal(literal) => match literal_value(literal, span) {
            Ok(value) => b.literal(value, span),
            Err(diagnostic) => {
                b.report(diagnostic);
                error(span)
            }
        },
        ExprKind::Template(parts) => {
            let parts = parts
                .iter()
                .map(|part| match part {
                    ast::TemplatePart::Text(text) => TemplatePart::Text(text.clone()),
                    ast::TemplatePart::Value(value) => TemplatePart::Value(lower(b, value)),
                })
                .collect();
            b.template(parts, span)
        }
        ExprKind::Name(name) => b.name(&name.name, name.span),
        ExprKind::Member(base, member) => {
            let base = lower(b, base);
            b.member(base, &member.name, member.span)
        }
        ExprKind::Call { name, args } => call(b, name, args, span),
        ExprKind::AggregateFacts {
            op,
            value,
            pattern,
            default,
        } => match aggregate(b, op) {
            Some(op) => b.aggregate_facts(
                None,
                op,
                value.as_deref(),
                pattern,
                default.as_deref(),
                span,
            ),
            None => error(span),
        },
        ExprKind::Comprehension {
            op,
            value,
            var,
            source,
            filter,
            default,
        } => {
            let Some(op) = aggregate(b, op) else {
                return error(span);
            };
            let source = lower(b, source);
            let Some(var_id) = b.comprehension_var(&var.name, var.span, &source) else {
                return error(span);
            };
            let filter = filter.as_ref().map(|filter| lower(b, filter));
            let value = value.as_ref().map(|value| lower(b, value));
            let default = default.as_ref().map(|default| lower(b, default));
            b.comprehension(op, var_id, source, filter, value, default, span)
        }
        ExprKind::Unary(op, operand) => {
            let operand = lower(b, operand);
            let op = match op {
                UnaryOp::Neg => IrUnary::Neg,
                UnaryOp::Not => IrUnary::Not,
            };
            // A negated number literal is a negative literal.
            if let (IrUnary::Neg, Ir::Literal(Literal::Int(i))) = (op, &operand.kind) {
                if let Some(negated) = i.checked_neg() {
                    return b.literal(Literal::Int(negated), span);
                }
            }
            if let (IrUnary::Neg, Ir::Literal(Literal::Decimal(d))) = (op, &operand.kind) {
                return b.literal(Literal::Decimal(-*d), span);
            }
            b.unary(op, operand, span)
        }
        ExprKind::Binary(op, left, right) => {
            let (left, right) = (lower(b, left), lower(b, right));
            b.binary(*op, left, right, span)
        }
        ExprKind::In(value, list) => {
            let value = lower(b, value);
            let list = list.iter().map(|item| lower(b, item)).collect();
            b.in_list(value, list, span)
        }
        ExprKind::Between(value, low, high) => {
            let (at_least, at_most) = (lower(b, value), lower(b, value));
            let (low, high) = (lower(b, low), lower(b, high));
            let above = b.binary(BinaryOp::Ge, at_least, low, span);
            if matches!(above.kind, Ir::Error) {
                return above;
            }
            let below = b.binary(BinaryOp::Le, at_most, high, span);
            b.binary(BinaryOp::And, above, below, span)
        }
        ExprKind::Is {
            value,
            null,
            negated,
        } => {
            let value = lower(b, value);
            let test = b.unary(
                if *null {
                    IrUnary::IsNull
                } else {
                    IrUnary::IsMissing
                },
                value,
                span,
            );
            if *negated {
                b.unary(IrUnary::Not, test, span)
            } else {
                test
            }
        }
        ExprKind::If(condition, then, otherwise) => {
            let (condition, then, otherwise) =
                (lower(b, condition), lower(b, then), lower(b, otherwise));
            b.if_then(condition, then, otherwise, span)
        }
        ExprKind::List(items) => {
            let items = items.iter().map(|item| lower(b, item)).collect();
            b.list(items, span)
        }
        ExprKind::Record(fields) => {
            let fields = fields
                .iter()
                .map(|(name, value)| (name.name.clone(), lower(b, value)))
                .collect();
            b.record(fields, span)
        }
        ExprKind::Paren(inner) => lower(b, inner),
        ExprKind::Error => error(span),
    }
}

fn aggregate<S: Scope>(b: &mut S, op: &ast::Ident) -> Option<AggOp> {
    let found = AggOp::from_name(&op.name);
    if found.is_none() {
        let message = format!(
            "`{}` is not an aggregate; `... for ...` needs count, sum, min, max, avg or collect",
            op.name
        );
        b.report(Diagnostic::new(
            Code::UnknownName,
            message,
            op.span,
            "not an aggregate",
        ));
    }
    found
}

fn call<S: Scope>(b: &mut S, name: &ast::Ident, args: &[ast::Arg], span: Span) -> Expr {
    if name.name == "allocate" {
        return allocate(b, args, span);
    }
    if let Some(named) = args.iter().find_map(|arg| arg.name.as_ref()) {
        let message = format!(
            "`{}` takes its arguments in order, without names",
            name.name
        );
        b.report(Diagnostic::new(
            Code::WrongArgumentType,
            message,
            named.span,
            "a named argument",
        ));
        return error(span);
    }
    let args = args.iter().map(|arg| lower(b, &arg.value)).collect();
    b.call(&name.name, name.span, args, span)
}

/// `allocate(amount, weight: w, ties: t)`, names optional.
fn allocate<S: Scope>(b: &mut S, args: &[ast::Arg], span: Span) -> Expr {
    let mut slots: [Option<Expr>; 3] = [None, None, None];
    for (position, arg) in args.iter().enumerate() {
        let slot = match arg.name.as_ref().map(|n| n.name.as_str()) {
            None if position < 3 => position,
            Some("amount") => 0,
            Some("weight") => 1,
            Some("ties") => 2,
            _ => {
                let at = arg.name.as_ref().map_or(arg.value.span, |n| n.span);
                let message = "`allocate` takes an amount, `weight:` and `ties:`";
                b.report(Diagnostic::new(
                    Code::WrongArgumentCount,
                    message,
                    at,
                    "unexpected argument",
                ));
                return error(span);
            }
        };
        slots[slot] = Some(lower(b, &arg.value));
    }
    match slots {
        [Some(amount), Some(weight), Some(tie)] => b.allocate(amount, weight, tie, span),
        _ => {
            let message = "`allocate` needs an amount, a `weight:` and a `ties:` key";
            b.report(
                Diagnostic::new(Code::WrongArgumentCount, message, span, "arguments missing")
                    .with_help(
                        "write allocate(pool.amount, weight: m.points, ties: m.employee_id)",
                    ),
            );
            error(span)
        }
    }
}
