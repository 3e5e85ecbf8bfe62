//! Types, literals and expressions of the text form: a Pratt parser over the usual
//! precedence (`or` < `and` < `not` < comparisons, `in`, `is` < `+ -` < `* / %` < unary `-`
//! < `.member`), making each node through the builder.

use reckon_fact_store::{Decimal, ValueType, parse_date, parse_datetime, parse_duration};

use super::{Parsed, Parser, Stop};
use crate::builder::ExprBuilder;
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{AggOp, BinaryOp, Expr, Literal, MAX_EXPR_DEPTH, TemplatePart, UnaryOp};
use crate::text::lexer::Token;

impl Parser {
    /// A type: `int`, `list<T>`, `{name: T, ...}`, ...
    pub(super) fn ty(&mut self) -> Parsed<ValueType> {
        if self.eat_punct("{") {
            let mut fields = Vec::new();
            while !self.eat_punct("}") {
                if !fields.is_empty() {
                    self.punct(",")?;
                }
                let (name, _) = self.field_name()?;
                self.punct(":")?;
                fields.push((name, self.ty()?));
            }
            return Ok(ValueType::record(fields));
        }
        let ty = match self.peek() {
            Some(Token::Ident {
                name,
                quoted: false,
            }) => match name.as_str() {
                "any" => ValueType::Any,
                "bool" => ValueType::Bool,
                "int" => ValueType::Int,
                "decimal" => ValueType::Decimal,
                "money" => ValueType::Money,
                "text" => ValueType::Text,
                "date" => ValueType::Date,
                "datetime" => ValueType::DateTime,
                "duration" => ValueType::Duration,
                "week" => ValueType::Week,
                "list" => {
                    self.pos += 1;
                    self.punct("<")?;
                    let element = self.ty()?;
                    self.punct(">")?;
                    return Ok(ValueType::list(element));
                }
                _ => return self.fail("a type"),
            },
            _ => return self.fail("a type"),
        };
        self.pos += 1;
        Ok(ty)
    }

    pub(super) fn literal(&mut self) -> Parsed<Literal> {
        let span = self.span();
        let literal = match self.peek().cloned() {
            Some(Token::Number { text, decimal_mark }) => {
                let parsed = if text.contains('.') || decimal_mark {
                    Decimal::from_str_exact(&text).ok().map(Literal::Decimal)
                } else {
                    text.parse::<i64>().ok().map(Literal::Int)
                };
                match parsed {
                    Some(literal) => literal,
                    None => return self.fail("a number within range"),
                }
            }
            Some(Token::Str(text)) => Literal::Text(text),
            Some(Token::Typed { prefix, text }) => {
                let parsed = match prefix.as_str() {
                    "d" => parse_date(&text).map(Literal::Date),
                    "dt" => parse_datetime(&text).map(Literal::DateTime),
                    "dur" => parse_duration(&text).map(Literal::Duration),
                    _ => text.parse().map(Literal::Week),
                };
                match parsed {
                    Ok(literal) => literal,
                    Err(reason) => {
                        self.syntax.push(Diagnostic::new(
                            Code::Syntax,
                            format!("invalid {prefix}\"...\" literal: {reason}"),
                            span,
                            "invalid literal",
                        ));
                        return Err(Stop);
                    }
                }
            }
            Some(Token::Ident {
                name,
                quoted: false,
            }) if name == "null" => Literal::Null,
            Some(Token::Ident {
                name,
                quoted: false,
            }) if name == "true" => Literal::Bool(true),
            Some(Token::Ident {
                name,
                quoted: false,
            }) if name == "false" => Literal::Bool(false),
            _ => return self.fail("a literal"),
        };
        self.pos += 1;
        Ok(literal)
    }

    /// A whole expression. Nesting is bounded (by [`MAX_EXPR_DEPTH`]) so that no input, however
    /// deep, can exhaust the stack of the parser or of anything that walks the tree later.
    pub(super) fn expr<B: ExprBuilder>(&mut self, b: &mut B) -> Parsed<Expr> {
        let start = self.pos;
        let expr = self.expr_bp(b, 0)?;
        if self.depth == 0 && expr.depth() > MAX_EXPR_DEPTH {
            let span = self.since(start);
            let message = format!("the expression is nested deeper than {MAX_EXPR_DEPTH} levels");
            self.syntax.push(
                Diagnostic::new(Code::Syntax, message, span, "too deep")
                    .with_help("name parts of it with `let`"),
            );
            return Err(Stop);
        }
        Ok(expr)
    }

    fn expr_bp<B: ExprBuilder>(&mut self, b: &mut B, min: u8) -> Parsed<Expr> {
        if self.depth >= MAX_EXPR_DEPTH {
            let span = self.span();
            let message = format!("the expression is nested deeper than {MAX_EXPR_DEPTH} levels");
            self.syntax.push(
                Diagnostic::new(Code::Syntax, message, span, "too deep")
                    .with_help("name parts of it with `let`"),
            );
            return Err(Stop);
        }
        self.depth += 1;
        let result = self.expr_bp_nested(b, min);
        self.depth -= 1;
        result
    }

    fn expr_bp_nested<B: ExprBuilder>(&mut self, b: &mut B, min: u8) -> Parsed<Expr> {
        let start = self.pos;
        let mut left = if self.eat_word("not") {
            let operand = self.expr_bp(b, 3)?;
            b.unary(UnaryOp::Not, operand, self.since(start))
        } else if self.eat_punct("-") {
            let operand = self.expr_bp(b, 7)?;
            b.unary(UnaryOp::Neg, operand, self.since(start))
        } else {
            self.primary(b)?
        };
        loop {
            if self.eat_punct(".") {
                let (member, _) = self.field_name()?;
                let span = self.since(start);
                left = b.member(left, &member, span);
                continue;
            }
            let (op, power) = match self.peek() {
                Some(Token::Ident {
                    name,
                    quoted: false,
                }) => match name.as_str() {
                    "or" => (Infix::Binary(BinaryOp::Or), 1),
                    "and" => (Infix::Binary(BinaryOp::And), 2),
                    "in" => (Infix::In, 4),
                    "is" => (Infix::Is, 4),
                    _ => break,
                },
                Some(Token::Punct(p)) => match *p {
                    "==" => (Infix::Binary(BinaryOp::Eq), 4),
                    "!=" => (Infix::Binary(BinaryOp::Ne), 4),
                    "<" => (Infix::Binary(BinaryOp::Lt), 4),
                    "<=" => (Infix::Binary(BinaryOp::Le), 4),
                    ">" => (Infix::Binary(BinaryOp::Gt), 4),
                    ">=" => (Infix::Binary(BinaryOp::Ge), 4),
                    "+" => (Infix::Binary(BinaryOp::Add), 5),
                    "-" => (Infix::Binary(BinaryOp::Sub), 5),
                    "*" => (Infix::Binary(BinaryOp::Mul), 6),
                    "/" => (Infix::Binary(BinaryOp::Div), 6),
                    "%" => (Infix::Binary(BinaryOp::Rem), 6),
                    _ => break,
                },
                _ => break,
            };
            if power <= min {
                break;
            }
            self.pos += 1;
            left = match op {
                Infix::Binary(op) => {
                    let right = self.expr_bp(b, power)?;
                    b.binary(op, left, right, self.since(start))
                }
                Infix::In => {
                    self.punct("[")?;
                    let items = self.list_items(b, "]")?;
                    b.in_list(left, items, self.since(start))
                }
                Infix::Is => {
                    let op = if self.eat_word("missing") {
                        UnaryOp::IsMissing
                    } else {
                        self.word("null")?;
                        UnaryOp::IsNull
                    };
                    b.unary(op, left, self.since(start))
                }
            };
        }
        Ok(left)
    }

    fn list_items<B: ExprBuilder>(&mut self, b: &mut B, close: &str) -> Parsed<Vec<Expr>> {
        let mut items = Vec::new();
        while !self.eat_punct(close) {
            if !items.is_empty() {
                self.punct(",")?;
            }
            items.push(self.expr(b)?);
        }
        Ok(items)
    }

    fn primary<B: ExprBuilder>(&mut self, b: &mut B) -> Parsed<Expr> {
        let start = self.pos;
        match self.peek().cloned() {
            Some(Token::Punct("(")) => {
                self.pos += 1;
                let inner = self.expr(b)?;
                self.punct(")")?;
                Ok(inner)
            }
            Some(Token::Punct("[")) => {
                self.pos += 1;
                let items = self.list_items(b, "]")?;
                Ok(b.list(items, self.since(start)))
            }
            Some(Token::Punct("{")) => {
                self.pos += 1;
                let mut fields = Vec::new();
                while !self.eat_punct("}") {
                    if !fields.is_empty() {
                        self.punct(",")?;
                    }
                    let (field, _) = self.field_name()?;
                    self.punct(":")?;
                    fields.push((field, self.expr(b)?));
                }
                Ok(b.record(fields, self.since(start)))
            }
            Some(Token::Ident {
                name,
                quoted: false,
            }) if name == "if" => {
                self.pos += 1;
                let condition = self.expr(b)?;
                self.word("then")?;
                let then = self.expr(b)?;
                self.word("else")?;
                let otherwise = self.expr(b)?;
                Ok(b.if_then(condition, then, otherwise, self.since(start)))
            }
            Some(Token::Ident {
                name,
                quoted: false,
            }) if name == "template" => {
                self.pos += 1;
                self.punct("[")?;
                let mut parts = Vec::new();
                while !self.eat_punct("]") {
                    if !parts.is_empty() {
                        self.punct(",")?;
                    }
                    match self.peek() {
                        Some(Token::Str(text)) => {
                            parts.push(TemplatePart::Text(text.clone()));
                            self.pos += 1;
                        }
                        _ => parts.push(TemplatePart::Value(self.expr(b)?)),
                    }
                }
                Ok(b.template(parts, self.since(start)))
            }
            Some(Token::Ident {
                name,
                quoted: false,
            }) if name == "allocate" => {
                self.pos += 1;
                self.punct("(")?;
                let amount = self.expr(b)?;
                self.punct(",")?;
                let weight = self.expr(b)?;
                self.punct(",")?;
                let tie = self.expr(b)?;
                self.punct(")")?;
                Ok(b.allocate(amount, weight, tie, self.since(start)))
            }
            Some(Token::Ident { name, quoted })
                if !quoted && matches!(name.as_str(), "null" | "true" | "false") =>
            {
                let literal = self.literal()?;
                Ok(b.literal(literal, self.since(start)))
            }
            Some(Token::Ident { name, quoted })
                if quoted || !crate::text::KEYWORDS.contains(&name.as_str()) || name == "it" =>
            {
                let name_span = self.span();
                self.pos += 1;
                if !self.eat_punct("(") {
                    return Ok(b.name(&name, name_span));
                }
                if let (Some(op), true) = (AggOp::from_name(&name), self.is_word("for")) {
                    return self.comprehension(b, op, start);
                }
                let args = self.list_items(b, ")")?;
                Ok(b.call(&name, name_span, args, self.since(start)))
            }
            Some(Token::Number { .. } | Token::Str(_) | Token::Typed { .. }) => {
                let literal = self.literal()?;
                Ok(b.literal(literal, self.since(start)))
            }
            _ => self.fail("an expression"),
        }
    }

    /// `op(for x in source [where test] [yield value] [default d])`, after `op(`.
    fn comprehension<B: ExprBuilder>(
        &mut self,
        b: &mut B,
        op: AggOp,
        start: usize,
    ) -> Parsed<Expr> {
        self.word("for")?;
        let (var_name, var_span) = self.name()?;
        self.word("in")?;
        let source = self.expr(b)?;
        let var = b.comprehension_var(&var_name, var_span, &source);
        let parts = (|| -> Parsed<(Option<Expr>, Option<Expr>, Option<Expr>)> {
            let filter = if self.eat_word("where") {
                Some(self.expr(b)?)
            } else {
                None
            };
            let value = if self.eat_word("yield") {
                Some(self.expr(b)?)
            } else {
                None
            };
            let default = if self.eat_word("default") {
                Some(self.expr(b)?)
            } else {
                None
            };
            self.punct(")")?;
            Ok((filter, value, default))
        })();
        let Some(var) = var else {
            return parts.map(|_| crate::builder::exprs_error(self.since(start)));
        };
        match parts {
            Ok((filter, value, default)) => {
                Ok(b.comprehension(op, var, source, filter, value, default, self.since(start)))
            }
            Err(stop) => {
                b.leave_var(var);
                Err(stop)
            }
        }
    }
}

enum Infix {
    Binary(BinaryOp),
    In,
    Is,
}
