//! Declarations: fact types and outputs with their fields, calculator signatures, types as
//! written, and literals (which declarations use as defaults and expressions as constants).

use reckon_rule_ir::builder::{FieldSpec, ProgramBuilder};
use reckon_rule_ir::{
    CalcId, Code, Decimal, Diagnostic, Literal, Presence, SignedDuration, Span, ValueType, Week,
    parse_date, parse_datetime,
};

use rust_decimal::prelude::ToPrimitive;

use crate::calc::ast::{self, ExprKind, FactDecl, TypeExpr, UnaryOp};

const TYPES: [&str; 10] = [
    "text", "int", "decimal", "money", "bool", "date", "datetime", "duration", "week", "any",
];

pub(super) fn declare_fact(builder: &mut ProgramBuilder, fact: &FactDecl) {
    let Some(id) = builder.fact(&fact.name.name, fact.name.span) else {
        return;
    };
    builder.fact_flags(id, fact.single, fact.output);
    for field in &fact.fields {
        let ty = value_type(builder, &field.ty);
        let default = field
            .default
            .as_ref()
            .and_then(|default| constant(builder, default));
        let presence = if field.optional || default.is_some() {
            Presence::Optional
        } else {
            Presence::Required
        };
        let spec = FieldSpec {
            name: field.name.name.clone(),
            ty,
            presence,
            default,
            derived: false,
            span: field.span,
        };
        builder.field(id, spec);
    }
}

pub(super) fn declare_calc(builder: &mut ProgramBuilder, calc: &ast::CalcDecl) -> Option<CalcId> {
    let params: Vec<(String, ValueType, Span)> = calc
        .params
        .iter()
        .map(|(name, ty)| (name.name.clone(), value_type(builder, ty), name.span))
        .collect();
    let returns = value_type(builder, &calc.returns);
    let span = calc.name.span;
    builder.calc(&calc.name.name, &params, returns, span)
}

/// The type a type expression names; an unknown name is reported and taken as `any`.
pub(super) fn value_type(builder: &mut ProgramBuilder, ty: &TypeExpr) -> ValueType {
    match ty {
        TypeExpr::Named(name) => match name.name.as_str() {
            "text" => ValueType::Text,
            "int" => ValueType::Int,
            "decimal" => ValueType::Decimal,
            "money" => ValueType::Money,
            "bool" => ValueType::Bool,
            "date" => ValueType::Date,
            "datetime" => ValueType::DateTime,
            "duration" => ValueType::Duration,
            "week" => ValueType::Week,
            "any" => ValueType::Any,
            other => {
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownName,
                    format!("there is no type called `{other}`"),
                    name.span,
                    "unknown type",
                );
                diagnostic = match reckon_rule_ir::closest_name(other, TYPES) {
                    Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
                    None => diagnostic.with_help(format!(
                        "the types are {}, list<T> and {{name: T, ...}}",
                        TYPES.join(", ")
                    )),
                };
                builder.report(diagnostic);
                ValueType::Any
            }
        },
        TypeExpr::List(element, _) => ValueType::list(value_type(builder, element)),
        TypeExpr::Record(fields, _) => {
            let fields: Vec<(String, ValueType)> = fields
                .iter()
                .map(|(name, ty)| (name.name.clone(), value_type(builder, ty)))
                .collect();
            ValueType::record(fields)
        }
    }
}

/// The constant an expression is, for defaults: a literal, or a negated number.
fn constant(builder: &mut ProgramBuilder, expr: &ast::Expr) -> Option<Literal> {
    let invalid = |builder: &mut ProgramBuilder| {
        let diagnostic = Diagnostic::new(
            Code::InvalidLiteral,
            "a default must be a constant value",
            expr.span,
            "not a constant",
        )
        .with_help("write a number, text, date or other literal");
        builder.report(diagnostic);
        None
    };
    match &expr.kind {
        ExprKind::Literal(literal) => literal_value(literal, expr.span)
            .map_err(|d| builder.report(d))
            .ok(),
        ExprKind::Paren(inner) => constant(builder, inner),
        ExprKind::Unary(UnaryOp::Neg, inner) => match constant(builder, inner)? {
            Literal::Int(i) => Some(Literal::Int(-i)),
            Literal::Decimal(d) => Some(Literal::Decimal(-d)),
            Literal::Duration(d) => Some(Literal::Duration(-d)),
            _ => invalid(builder),
        },
        _ => invalid(builder),
    }
}

/// The value of a literal as written, or why it is not one.
pub(super) fn literal_value(literal: &ast::Literal, span: Span) -> Result<Literal, Diagnostic> {
    let invalid =
        |message: String| Diagnostic::new(Code::InvalidLiteral, message, span, "not a valid value");
    Ok(match literal {
        ast::Literal::Int(text) => match text.parse::<i64>() {
            Ok(value) => Literal::Int(value),
            Err(_) => {
                return Err(invalid(format!(
                    "{text} is too large for a whole number (at most 9223372036854775807)"
                ))
                .with_help("write it with a decimal point to make it a decimal"));
            }
        },
        ast::Literal::Decimal(text) => Literal::Decimal(
            Decimal::from_str_exact(text)
                .map_err(|_| invalid(format!("{text} has more than 28 significant digits")))?,
        ),
        ast::Literal::Text(text) => Literal::Text(text.clone()),
        ast::Literal::Bool(b) => Literal::Bool(*b),
        ast::Literal::Null => Literal::Null,
        ast::Literal::Date(text) => Literal::Date(
            parse_date(text)
                .map_err(|reason| invalid(format!("{text} is not a date: {reason}")))?,
        ),
        ast::Literal::DateTime(text) => Literal::DateTime(
            parse_datetime(text)
                .map_err(|reason| invalid(format!("{text} is not a datetime: {reason}")))?,
        ),
        ast::Literal::Week(text) => Literal::Week(text.parse::<Week>().map_err(invalid)?),
        ast::Literal::Duration(amount, unit) => {
            let amount = Decimal::from_str_exact(amount)
                .map_err(|_| invalid(format!("{amount} has too many digits")))?;
            let nanos = amount
                .checked_mul(Decimal::from(unit.seconds()))
                .and_then(|seconds| seconds.checked_mul(Decimal::from(1_000_000_000i64)))
                .ok_or_else(|| {
                    invalid(format!("{amount} {} is too long a duration", unit.word()))
                })?;
            if !nanos.fract().is_zero() {
                return Err(invalid(format!(
                    "{amount} {} is not a whole number of nanoseconds",
                    unit.word()
                )));
            }
            let nanos = nanos.to_i128().ok_or_else(|| {
                invalid(format!("{amount} {} is too long a duration", unit.word()))
            })?;
            let seconds = i64::try_from(nanos / 1_000_000_000)
                .map_err(|_| invalid(format!("{amount} {} is too long a duration", unit.word())))?;
            Literal::Duration(SignedDuration::new(seconds, (nanos % 1_000_000_000) as i32))
        }
    })
}
