//! Expressions, types, names and literals in canonical form, with the parentheses the parser
//! needs to read the tree back and no others beyond the author's.
//!
//! The parser is a Pratt parser: at binding power `min` it reads a prefix form (`not`, `-`,
//! `if`) or a primary, then takes every infix operator stronger than `min`; `.member`
//! applies to whatever precedes it. So a printed expression needs parentheses when
//! - it is an infix form (`a + b`, `x in [...]`, `x between a and b`, `x is missing`) no
//!   stronger than the power its position is read at (`min`), or
//! - its right end is open (the right operand of `a + b`, the operand of `not` or `-`, the
//!   `else` value of `if`, the upper bound of `between`) and the operator printed after it
//!   (`follow`) would be read into that open end instead of applying to the whole.
//!
//! The powers are the parser's: `or` 1, `and` 2, the operand of `not` 3, comparisons, `in`,
//! `between` and `is` 4, `+ -` 5, `* / %` 6, the operand of `-` 7, and `.member` 8. An
//! `if`'s `else` value is read at the power of the `if`'s position, but at least 1.

use std::borrow::Cow;

use crate::calc::ast::{
    Arg, BinaryOp, Expr, ExprKind, Ident, Literal, Pattern, TemplatePart, TypeExpr, UnaryOp,
};
use crate::calc::lexer::{Tok, lex};

const OR: u8 = 1;
const AND: u8 = 2;
const NOT_OPERAND: u8 = 3;
const COMPARE: u8 = 4;
const ADD: u8 = 5;
const MUL: u8 = 6;
const NEG_OPERAND: u8 = 7;
const MEMBER: u8 = 8;

/// The text of an expression.
pub(crate) fn to_string(e: &Expr) -> String {
    let mut out = String::new();
    expr(&mut out, e);
    out
}

/// Appends an expression that stands alone (between keywords, commas or brackets).
pub(super) fn expr(out: &mut String, e: &Expr) {
    write(out, e, 0, 0);
}

/// Appends `e`, read at power `min` and followed by an operator of power `follow` (0 for
/// none), in parentheses when the parser would otherwise read it differently.
fn write(out: &mut String, e: &Expr, min: u8, follow: u8) {
    if fits_bare(e, min, follow) {
        write_bare(out, e, min, follow);
    } else {
        out.push('(');
        write_bare(out, e, 0, 0);
        out.push(')');
    }
}

fn fits_bare(e: &Expr, min: u8, follow: u8) -> bool {
    match &e.kind {
        ExprKind::Binary(op, ..) => {
            let power = power(*op);
            power > min && follow <= power
        }
        ExprKind::In(..) | ExprKind::Is { .. } => COMPARE > min,
        ExprKind::Unary(UnaryOp::Not, inner) if written_not_in(e, inner) => COMPARE > min,
        ExprKind::Between(..) => COMPARE > min && follow <= COMPARE,
        ExprKind::Unary(UnaryOp::Not, _) => follow <= NOT_OPERAND,
        ExprKind::Unary(UnaryOp::Neg, _) => follow < MEMBER,
        // The `else` value takes every operator stronger than the context's.
        ExprKind::If(..) => follow <= min,
        _ => true,
    }
}

/// True when `not (x in [...])` was written `x not in [...]`: the parser gives that `not`
/// the span of the whole, which starts where `x` does (a tree without spans has them equal).
fn written_not_in(not: &Expr, inner: &Expr) -> bool {
    matches!(inner.kind, ExprKind::In(..)) && not.span.start == inner.span.start
}

fn power(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Or => OR,
        BinaryOp::And => AND,
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            COMPARE
        }
        BinaryOp::Add | BinaryOp::Sub => ADD,
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => MUL,
    }
}

/// The left operand of an infix form or of `.member`, and the power of what follows it.
fn left_operand(e: &Expr) -> Option<(&Expr, u8)> {
    match &e.kind {
        ExprKind::Binary(op, left, _) => Some((left, power(*op))),
        ExprKind::Member(base, _) => Some((base, MEMBER)),
        ExprKind::In(value, _) | ExprKind::Between(value, ..) | ExprKind::Is { value, .. } => {
            Some((value, COMPARE))
        }
        ExprKind::Unary(UnaryOp::Not, inner) if written_not_in(e, inner) => match &inner.kind {
            ExprKind::In(value, _) => Some((value, COMPARE)),
            _ => None,
        },
        _ => None,
    }
}

/// Writes `e` without parentheses of its own. The parser reads left operands in a loop, not
/// by recursion, so a parsed tree nests them as deep as its text is long (`1 + 1 + ...`);
/// they are written by walking down that spine and back, without recursing once per level.
fn write_bare(out: &mut String, e: &Expr, min: u8, follow: u8) {
    let mut spine = vec![(e, follow)];
    while let Some(&(node, node_follow)) = spine.last() {
        match left_operand(node) {
            Some((left, power)) if fits_bare(left, min, power) => spine.push((left, power)),
            // In parentheses: it does not fit bare.
            Some((left, power)) => {
                write(out, left, min, power);
                break;
            }
            None => {
                spine.pop();
                write_operand(out, node, min, node_follow);
                break;
            }
        }
    }
    for &(node, node_follow) in spine.iter().rev() {
        write_after_left(out, node, node_follow);
    }
}

/// Writes what follows the left operand of an infix form or `.member`.
fn write_after_left(out: &mut String, e: &Expr, follow: u8) {
    match &e.kind {
        ExprKind::Binary(op, _, right) => {
            let power = power(*op);
            out.push(' ');
            out.push_str(op.symbol());
            out.push(' ');
            write(out, right, power, follow);
        }
        ExprKind::Member(_, member) => {
            out.push('.');
            out.push_str(&field(&member.name));
        }
        ExprKind::In(_, items) => {
            out.push_str(" in ");
            list(out, items);
        }
        ExprKind::Unary(UnaryOp::Not, inner) => {
            if let ExprKind::In(_, items) = &inner.kind {
                out.push_str(" not in ");
                list(out, items);
            }
        }
        ExprKind::Between(_, low, high) => {
            out.push_str(" between ");
            write(out, low, COMPARE, AND);
            out.push_str(" and ");
            write(out, high, COMPARE, follow);
        }
        ExprKind::Is { null, negated, .. } => {
            out.push_str(if *negated { " is not " } else { " is " });
            out.push_str(if *null { "null" } else { "missing" });
        }
        _ => {}
    }
}

/// Writes an expression that has no left operand: a primary, or a prefix form.
fn write_operand(out: &mut String, e: &Expr, min: u8, follow: u8) {
    match &e.kind {
        ExprKind::Literal(literal) => self::literal(out, literal),
        ExprKind::Template(parts) => template(out, parts),
        ExprKind::Name(ident) => out.push_str(&name(&ident.name)),
        ExprKind::Call { name: callee, args } => call(out, callee, args),
        ExprKind::AggregateFacts {
            op,
            value,
            pattern,
            default,
        } => {
            aggregate_head(out, op, value.as_deref());
            out.push_str("for each ");
            self::pattern(out, pattern);
            aggregate_tail(out, default.as_deref());
        }
        ExprKind::Comprehension {
            op,
            value,
            var,
            source,
            filter,
            default,
        } => {
            aggregate_head(out, op, value.as_deref());
            out.push_str("for ");
            out.push_str(&name(&var.name));
            out.push_str(" in ");
            expr(out, source);
            if let Some(filter) = filter {
                out.push_str(" where ");
                expr(out, filter);
            }
            aggregate_tail(out, default.as_deref());
        }
        ExprKind::Unary(UnaryOp::Not, inner) => {
            out.push_str("not ");
            write(out, inner, NOT_OPERAND, follow);
        }
        ExprKind::Unary(UnaryOp::Neg, operand) => {
            let mut text = String::new();
            write(&mut text, operand, NEG_OPERAND, follow);
            // `- -x`, not `--x`, which reads as one operator.
            out.push_str(if text.starts_with('-') { "- " } else { "-" });
            out.push_str(&text);
        }
        ExprKind::If(condition, then, otherwise) => {
            out.push_str("if ");
            expr(out, condition);
            out.push_str(" then ");
            expr(out, then);
            out.push_str(" else ");
            write(out, otherwise, min, follow);
        }
        ExprKind::List(items) => list(out, items),
        ExprKind::Record(fields) => {
            out.push('{');
            for (index, (key, value)) in fields.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                out.push_str(&field(&key.name));
                out.push_str(": ");
                expr(out, value);
            }
            out.push('}');
        }
        ExprKind::Paren(inner) => {
            out.push('(');
            expr(out, inner);
            out.push(')');
        }
        ExprKind::Error => out.push_str("<error>"),
        // Forms with a left operand are written by `write_bare`.
        ExprKind::Member(..)
        | ExprKind::Binary(..)
        | ExprKind::In(..)
        | ExprKind::Between(..)
        | ExprKind::Is { .. } => {}
    }
}

fn list(out: &mut String, items: &[Expr]) {
    out.push('[');
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        expr(out, item);
    }
    out.push(']');
}

fn call(out: &mut String, callee: &Ident, args: &[Arg]) {
    out.push_str(&name(&callee.name));
    out.push('(');
    for (index, arg) in args.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        if let Some(arg_name) = &arg.name {
            out.push_str(&name(&arg_name.name));
            out.push_str(": ");
        }
        expr(out, &arg.value);
    }
    out.push(')');
}

/// `op(` and the value each element contributes, if any.
fn aggregate_head(out: &mut String, op: &Ident, value: Option<&Expr>) {
    out.push_str(&name(&op.name));
    out.push('(');
    if let Some(value) = value {
        expr(out, value);
        out.push(' ');
    }
}

/// `, default d` if any, and `)`.
fn aggregate_tail(out: &mut String, default: Option<&Expr>) {
    if let Some(default) = default {
        out.push_str(", default ");
        expr(out, default);
    }
    out.push(')');
}

/// `type binding where test`.
pub(super) fn pattern(out: &mut String, pattern: &Pattern) {
    out.push_str(&name(&pattern.fact_type.name));
    out.push(' ');
    out.push_str(&name(&pattern.binding.name));
    if let Some(filter) = &pattern.filter {
        out.push_str(" where ");
        expr(out, filter);
    }
}

/// A type: `text`, `list<T>`, `{name: T, ...}`.
pub(crate) fn ty(out: &mut String, ty: &TypeExpr) {
    match ty {
        TypeExpr::Named(type_name) => out.push_str(&name(&type_name.name)),
        TypeExpr::List(element, _) => {
            out.push_str("list<");
            self::ty(out, element);
            out.push('>');
        }
        TypeExpr::Record(fields, _) => {
            out.push('{');
            for (index, (key, field_ty)) in fields.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                out.push_str(&field(&key.name));
                out.push_str(": ");
                self::ty(out, field_ty);
            }
            out.push('}');
        }
    }
}

fn literal(out: &mut String, literal: &Literal) {
    match literal {
        Literal::Int(text)
        | Literal::Decimal(text)
        | Literal::Date(text)
        | Literal::DateTime(text)
        | Literal::Week(text) => out.push_str(text),
        Literal::Text(text) => quoted(out, text, true),
        Literal::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Literal::Null => out.push_str("null"),
        Literal::Duration(amount, unit) => {
            out.push_str(amount);
            out.push(' ');
            let word = unit.word();
            out.push_str(if amount == "1" {
                word.strip_suffix('s').unwrap_or(word)
            } else {
                word
            });
        }
    }
}

fn template(out: &mut String, parts: &[TemplatePart]) {
    out.push('"');
    template_inside(out, parts, true);
    out.push('"');
}

/// A template's text between its quotes: literal text with braces doubled (and escaped for
/// a `.calc` string when `escaped`), values in braces.
pub(crate) fn template_inside(out: &mut String, parts: &[TemplatePart], escaped: bool) {
    for part in parts {
        match part {
            TemplatePart::Text(text) if escaped => escape(out, text, true),
            TemplatePart::Text(text) => braces_doubled(out, text),
            TemplatePart::Value(value) => {
                let text = to_string(value);
                // `{{` would be a brace of the text, not a value that is a record.
                if text.starts_with('{') {
                    out.push_str("{ ");
                    out.push_str(&text);
                    out.push_str(" }");
                } else {
                    out.push('{');
                    out.push_str(&text);
                    out.push('}');
                }
            }
        }
    }
}

/// Text with its braces doubled, so that it reads back as text in a template.
pub(crate) fn braces_doubled(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '{' => out.push_str("{{"),
            '}' => out.push_str("}}"),
            c => out.push(c),
        }
    }
}

/// Appends `text` in double quotes; `braces` doubles `{` and `}` (every string but a
/// rule's name may hold template values).
pub(super) fn quoted(out: &mut String, text: &str, braces: bool) {
    out.push('"');
    escape(out, text, braces);
    out.push('"');
}

fn escape(out: &mut String, text: &str, braces: bool) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '{' if braces => out.push_str("{{"),
            '}' if braces => out.push_str("}}"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
}

/// A binding, variable, type or function name: bare when the lexer reads it back as that
/// name, in backticks otherwise (words of the language included).
pub(crate) fn name(name: &str) -> Cow<'_, str> {
    if reads_back(name, false) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(backticked(name))
    }
}

/// A field name: words of the language stay bare, as the parser accepts them there.
pub(crate) fn field(name: &str) -> Cow<'_, str> {
    if reads_back(name, true) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(backticked(name))
    }
}

fn backticked(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// True when `name` alone lexes as one token naming it: an identifier, or a keyword where
/// `keyword_ok`.
fn reads_back(name: &str, keyword_ok: bool) -> bool {
    match lex(name).as_slice() {
        [(Some(token), range)] if range.len() == name.len() => match token {
            Tok::Ident(word) => word == name && !name.starts_with('`'),
            token => keyword_ok && token.is_keyword() && token.text() == Some(name),
        },
        _ => false,
    }
}
