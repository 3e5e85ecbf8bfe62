//! Reading values and the `.calc` text inside a document's strings: expression strings,
//! exact numbers, values of every JSON shape, type strings and alert templates. Each string
//! of `.calc` text becomes a source of its own, named `rules.json: rules[3].with[0].where`,
//! so that an error inside it is reported at line 1 and the column within the string.

use reckon_rule_ir::{Code, Diagnostic, Span};

use super::read::{Reader, Strings, at_index, at_key};
use super::spans::{Kind, Node};
use crate::calc::ast::{Expr, ExprKind, Ident, Literal, TemplatePart, TypeExpr, UnaryOp};
use crate::calc::lexer::lex;
use crate::calc::parser::{Parser, closing_brace, parse_expr};

impl Reader<'_> {
    /// An expression string.
    pub(super) fn expr(&mut self, node: &Node, path: &str) -> Expr {
        match node.as_str() {
            Some(text) => self.expr_text(text, node, path),
            None => {
                let message = format!(
                    "expected an expression in a string, found {}",
                    node.describe()
                );
                self.fail(&node.span, path, message, "not a string");
                Expr::new(ExprKind::Error, self.span(&node.span))
            }
        }
    }

    /// Parses `text` (the string `node`) as an expression, in a source of its own.
    pub(super) fn expr_text(&mut self, text: &str, node: &Node, path: &str) -> Expr {
        if text.trim().is_empty() {
            self.fail(&node.span, path, "the expression is empty", "empty");
            return Expr::new(ExprKind::Error, self.span(&node.span));
        }
        let id = self.source(path, text);
        let (expr, found) = parse_expr(text, id, 0);
        self.report(found.into_iter().map(in_expression));
        expr.unwrap_or_else(|| Expr::new(ExprKind::Error, Span::new(id, 0, text.len())))
    }

    /// A value: a string (an expression or text, as `strings` says), a number (exact, from
    /// the document's text), `true`, `false`, `null`, an array of values, `{"text": ...}` or
    /// `{"expr": ...}`.
    pub(super) fn value(&mut self, node: &Node, path: &str, strings: Strings) -> Expr {
        let span = self.span(&node.span);
        let literal = |literal| Expr::new(ExprKind::Literal(literal), span);
        match &node.kind {
            Kind::String(text) if strings == Strings::Expressions => {
                self.expr_text(text, node, path)
            }
            Kind::String(text) => literal(Literal::Text(text.clone())),
            Kind::Number => self.number(node, path),
            Kind::Bool(value) => literal(Literal::Bool(*value)),
            Kind::Null => literal(Literal::Null),
            Kind::Array(items) => {
                let items = items
                    .iter()
                    .enumerate()
                    .map(|(index, item)| self.value(item, &at_index(path, index), strings))
                    .collect();
                Expr::new(ExprKind::List(items), span)
            }
            Kind::Object(members) => match members.as_slice() {
                [member] if member.key == "text" && member.value.as_str().is_some() => literal(
                    Literal::Text(member.value.as_str().unwrap_or_default().to_string()),
                ),
                [member] if member.key == "expr" => self.expr(&member.value, &at_key(path, "expr")),
                _ => {
                    let message = "expected a value: an expression string, a number, true, false, \
                                   null, {\"text\": \"...\"} or {\"expr\": \"...\"}";
                    self.fail(&node.span, path, message, "not a value");
                    Expr::new(ExprKind::Error, span)
                }
            },
        }
    }

    /// A number, exactly as written: a whole number or a decimal, negated by a leading `-`.
    pub(super) fn number(&mut self, node: &Node, path: &str) -> Expr {
        let span = self.span(&node.span);
        let text = self.text_at(&node.span);
        let (negative, digits) = match text.strip_prefix('-') {
            Some(digits) => (true, digits),
            None => (false, text),
        };
        if digits.contains(['e', 'E']) {
            let message = format!("the number {text} has an exponent; numbers here are exact");
            let help = Some("write it out in full, as in 1500 or 0.015".to_string());
            self.fail_with(
                Code::InvalidLiteral,
                &node.span,
                path,
                message,
                "exponent",
                help,
            );
            return Expr::new(ExprKind::Error, span);
        }
        let literal = if digits.contains('.') {
            Literal::Decimal(digits.to_string())
        } else {
            Literal::Int(digits.to_string())
        };
        let start = node.span.start + usize::from(negative);
        let value = Expr::new(
            ExprKind::Literal(literal),
            self.span(&(start..node.span.end)),
        );
        if negative {
            Expr::new(ExprKind::Unary(UnaryOp::Neg, Box::new(value)), span)
        } else {
            value
        }
    }

    /// A type string, read with the `.calc` type grammar (`list<{start: datetime}>`).
    pub(super) fn type_expr(&mut self, node: &Node, path: &str) -> TypeExpr {
        let fallback = |span| {
            TypeExpr::Named(Ident {
                name: "any".into(),
                span,
            })
        };
        let Some(text) = self.string(node, path, "a type such as \"text\" or \"list<decimal>\"")
        else {
            return fallback(self.span(&node.span));
        };
        if text.trim().is_empty() {
            self.fail(&node.span, path, "the type is empty", "empty");
            return fallback(self.span(&node.span));
        }
        let id = self.source(path, text);
        let mut parser = Parser::new(lex(text), id, 0, text.len());
        let parsed = parser.ty();
        let complete = parsed.is_ok() && parser.at_end();
        if parsed.is_ok() && !complete {
            let _ = parser.fail::<()>("the end of the type");
        }
        let found = std::mem::take(&mut parser.diagnostics);
        self.report(found.into_iter().map(in_expression));
        match parsed {
            Ok(ty) if complete => ty,
            _ => fallback(Span::new(id, 0, text.len())),
        }
    }

    /// An alert's text: literal text with `{value}` parts (`{{` and `}}` are braces), in a
    /// source of its own.
    pub(super) fn template(&mut self, text: &str, path: &str) -> Expr {
        let id = self.source(path, text);
        let whole = Span::new(id, 0, text.len());
        let error = |reader: &mut Reader<'_>, at: usize, message: &str, label: &str, help: &str| {
            let span = Span::new(id, at, at + 1);
            let diagnostic = Diagnostic::new(Code::Syntax, message, span, label).with_help(help);
            reader.report([diagnostic]);
            Expr::new(ExprKind::Error, whole)
        };
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut at = 0;
        while let Some(found) = text[at..].find(['{', '}']) {
            let brace = at + found;
            literal.push_str(&text[at..brace]);
            let c = text.as_bytes()[brace];
            if text.as_bytes().get(brace + 1) == Some(&c) {
                literal.push(char::from(c));
                at = brace + 2;
                continue;
            }
            if c == b'}' {
                let help = "write `}}` for a brace in the text";
                let message = "a `}` in the text closes nothing";
                return error(self, brace, message, "unmatched `}`", help);
            }
            let Some(close) = closing_brace(text, brace) else {
                let help = "write `{{` for a brace in the text";
                let message = "the `{` in the text is not closed";
                return error(self, brace, message, "no closing `}`", help);
            };
            let inside = &text[brace + 1..close];
            if inside.trim().is_empty() {
                let help = "put a value between the braces, or write `{{}}` for braces";
                return error(self, brace, "the braces hold no value", "empty", help);
            }
            let (value, found) = parse_expr(inside, id, brace + 1);
            self.report(found.into_iter().map(in_expression));
            let Some(value) = value else {
                return Expr::new(ExprKind::Error, whole);
            };
            if !literal.is_empty() {
                parts.push(TemplatePart::Text(std::mem::take(&mut literal)));
            }
            parts.push(TemplatePart::Value(value));
            at = close + 1;
        }
        literal.push_str(&text[at..]);
        if parts.is_empty() {
            return Expr::new(ExprKind::Literal(Literal::Text(literal)), whole);
        }
        if !literal.is_empty() {
            parts.push(TemplatePart::Text(literal));
        }
        Expr::new(ExprKind::Template(parts), whole)
    }
}

/// A diagnostic of the `.calc` parser about a string of the document, which ends where the
/// string does, not the file.
fn in_expression(mut diagnostic: Diagnostic) -> Diagnostic {
    diagnostic.message = diagnostic
        .message
        .replace("the end of the file", "the end of the text");
    diagnostic
}
