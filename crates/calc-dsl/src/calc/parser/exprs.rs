//! Expressions, by precedence climbing: `or` < `and` < `not` < comparisons, `in`,
//! `between`, `is` < `+ -` < `* / %` < unary `-` < `.member`. Also calls (with named
//! arguments), aggregates over facts and over lists (`sum(x for each bonus b where ...,
//! default 0)`, `max(x for b in s.breaks)`), string templates, and literals, durations
//! included (`11 hours`).

use reckon_rule_ir::{BinaryOp, Code, Diagnostic, Span};

use super::{Parsed, Parser, Stop};
use crate::calc::ast::{
    Arg, DurationUnit, Expr, ExprKind, Ident, Literal, Pattern, TemplatePart, UnaryOp,
};
use crate::calc::lexer::{Tok, lex};

const AGGREGATES: [&str; 6] = ["count", "sum", "min", "max", "avg", "collect"];

impl Parser {
    /// A whole expression.
    pub(crate) fn expr(&mut self) -> Parsed<Expr> {
        self.expr_bp(0)
    }

    fn expr_bp(&mut self, min: u8) -> Parsed<Expr> {
        let entry = self.depth;
        self.deeper()?;
        let result = self.expr_bp_nested(min);
        self.depth = entry;
        result
    }

    /// One level deeper in the tree, or a diagnostic when that is beyond the bound. Each
    /// operator in a chain (`a + b + c`, `x.a.b`) is a level too, so that no tree the parser
    /// builds is deeper than the bound, however it is spelled.
    fn deeper(&mut self) -> Parsed<()> {
        if self.too_deep() {
            return Err(Stop);
        }
        self.depth += 1;
        Ok(())
    }

    fn expr_bp_nested(&mut self, min: u8) -> Parsed<Expr> {
        let start = self.pos;
        let mut left = match self.peek() {
            Some(Tok::Not) => {
                self.bump();
                let operand = self.expr_bp(3)?;
                Expr::new(
                    ExprKind::Unary(UnaryOp::Not, Box::new(operand)),
                    self.since(start),
                )
            }
            Some(Tok::Minus) => {
                self.bump();
                let operand = self.expr_bp(7)?;
                Expr::new(
                    ExprKind::Unary(UnaryOp::Neg, Box::new(operand)),
                    self.since(start),
                )
            }
            Some(Tok::If) => {
                self.bump();
                let condition = self.expr()?;
                self.expect(&Tok::Then)?;
                let then = self.expr()?;
                self.expect(&Tok::Else)?;
                // The `else` value reaches as far as the context allows, as in
                // `if c then a else b or d`, which is `if c then a else (b or d)`.
                let otherwise = self.expr_bp(min)?;
                Expr::new(
                    ExprKind::If(Box::new(condition), Box::new(then), Box::new(otherwise)),
                    self.since(start),
                )
            }
            _ => self.primary()?,
        };
        loop {
            if self.is(&Tok::Dot) {
                self.deeper()?;
                self.bump();
                let member = self.field_name()?;
                left = Expr::new(ExprKind::Member(Box::new(left), member), self.since(start));
                continue;
            }
            let power = match self.peek() {
                Some(Tok::Or) => 1,
                Some(Tok::And) => 2,
                Some(
                    Tok::Eq
                    | Tok::Ne
                    | Tok::Lt
                    | Tok::Le
                    | Tok::Gt
                    | Tok::Ge
                    | Tok::In
                    | Tok::Between
                    | Tok::Is
                    | Tok::Assign,
                ) => 4,
                Some(Tok::Not) if self.peek_at(1) == Some(&Tok::In) => 4,
                Some(Tok::Plus | Tok::Minus) => 5,
                Some(Tok::Star | Tok::Slash | Tok::Percent) => 6,
                _ => break,
            };
            if power <= min {
                break;
            }
            self.deeper()?;
            let token = self.peek().cloned().expect("checked above");
            if token == Tok::Assign {
                self.equals_for_comparison();
            }
            self.bump();
            let kind = match token {
                Tok::In => ExprKind::In(Box::new(left), self.list_of_values()?),
                Tok::Not => {
                    self.expect(&Tok::In)?;
                    let list = self.list_of_values()?;
                    let within = Expr::new(ExprKind::In(Box::new(left), list), self.since(start));
                    ExprKind::Unary(UnaryOp::Not, Box::new(within))
                }
                Tok::Between => {
                    let low = self.expr_bp(4)?;
                    self.expect(&Tok::And)?;
                    let high = self.expr_bp(4)?;
                    ExprKind::Between(Box::new(left), Box::new(low), Box::new(high))
                }
                Tok::Is => {
                    let negated = self.eat(&Tok::Not);
                    let null = if self.eat(&Tok::Null) {
                        true
                    } else if self.eat(&Tok::Missing) {
                        false
                    } else {
                        return self.fail("`missing` or `null`");
                    };
                    ExprKind::Is {
                        value: Box::new(left),
                        null,
                        negated,
                    }
                }
                Tok::Assign => {
                    let right = self.expr_bp(power)?;
                    ExprKind::Binary(BinaryOp::Eq, Box::new(left), Box::new(right))
                }
                token => {
                    let op = binary_op(&token).expect("operator tokens map to operators");
                    let right = self.expr_bp(power)?;
                    ExprKind::Binary(op, Box::new(left), Box::new(right))
                }
            };
            left = Expr::new(kind, self.since(start));
        }
        Ok(left)
    }

    /// Reports a `=` between two values, which is read on as `==` so that one slip gives
    /// one error.
    fn equals_for_comparison(&mut self) {
        let diagnostic = Diagnostic::new(
            Code::Syntax,
            "`=` gives a value in `let` and `set`; it does not compare",
            self.span(),
            "did you mean `==`?",
        )
        .with_help("to compare two values, write `==`");
        self.diagnostics.push(diagnostic);
    }

    /// `[a, b, ...]` after `in`.
    fn list_of_values(&mut self) -> Parsed<Vec<Expr>> {
        if !self.is(&Tok::LBracket) {
            let failed = self.fail("`[` and the values to look among");
            if let Some(last) = self.diagnostics.last_mut() {
                last.help = Some(
                    "`in` takes values written out in brackets; to look in a list value, \
                     write `count(for t in the_list where t == x) > 0`"
                        .into(),
                );
            }
            return failed;
        }
        self.bump();
        self.items_until(&Tok::RBracket)
    }

    fn items_until(&mut self, close: &Tok) -> Parsed<Vec<Expr>> {
        let mut items = Vec::new();
        while !self.eat(close) {
            if !items.is_empty() {
                self.expect(&Tok::Comma)?;
                if self.eat(close) {
                    break;
                }
            }
            items.push(self.expr()?);
        }
        Ok(items)
    }

    fn primary(&mut self) -> Parsed<Expr> {
        let start = self.pos;
        let span = self.span();
        let token = match self.peek() {
            Some(token) => token.clone(),
            None => return self.fail("a value"),
        };
        let kind = match token {
            Tok::Int(ref text) | Tok::Decimal(ref text) => {
                let text = text.clone();
                self.bump();
                // A name in backticks (two characters longer than the name) is never a unit.
                let unit = match self.peek() {
                    Some(Tok::Ident(word))
                        if (self.span().end - self.span().start) as usize == word.len() =>
                    {
                        DurationUnit::from_word(word)
                    }
                    _ => None,
                };
                match unit {
                    Some(unit) => {
                        self.bump();
                        ExprKind::Literal(Literal::Duration(text, unit))
                    }
                    None if matches!(token, Tok::Int(_)) => ExprKind::Literal(Literal::Int(text)),
                    None => ExprKind::Literal(Literal::Decimal(text)),
                }
            }
            Tok::Str(raw) => {
                self.bump();
                self.template(&raw, span)?
            }
            Tok::UnclosedStr(_) => {
                let diagnostic = Diagnostic::new(
                    Code::Syntax,
                    "the string is not closed before the end of the line",
                    span,
                    "no closing `\"`",
                )
                .with_help("end the text with `\"`");
                self.diagnostics.push(diagnostic);
                self.bump();
                return Err(Stop);
            }
            Tok::Date(text) => self.literal_token(Literal::Date(text)),
            Tok::DateTime(text) => self.literal_token(Literal::DateTime(text)),
            Tok::Week(text) => self.literal_token(Literal::Week(text)),
            Tok::True => self.literal_token(Literal::Bool(true)),
            Tok::False => self.literal_token(Literal::Bool(false)),
            Tok::Null => self.literal_token(Literal::Null),
            Tok::Ident(name) => {
                self.bump();
                let ident = Ident { name, span };
                if self.is(&Tok::LParen) {
                    self.bump();
                    self.call(ident, start)?
                } else {
                    ExprKind::Name(ident)
                }
            }
            Tok::LParen => {
                self.bump();
                let inner = self.expr()?;
                self.expect(&Tok::RParen)?;
                ExprKind::Paren(Box::new(inner))
            }
            Tok::LBracket => {
                self.bump();
                ExprKind::List(self.items_until(&Tok::RBracket)?)
            }
            Tok::LBrace => {
                self.bump();
                let mut fields = Vec::new();
                while !self.eat(&Tok::RBrace) {
                    if !fields.is_empty() {
                        self.expect(&Tok::Comma)?;
                        if self.eat(&Tok::RBrace) {
                            break;
                        }
                    }
                    let name = self.field_name()?;
                    self.expect(&Tok::Colon)?;
                    fields.push((name, self.expr()?));
                }
                ExprKind::Record(fields)
            }
            _ => return self.fail("a value"),
        };
        Ok(Expr::new(kind, self.since(start)))
    }

    fn literal_token(&mut self, literal: Literal) -> ExprKind {
        self.bump();
        ExprKind::Literal(literal)
    }

    /// The arguments of a call, after `(`: values, named values (`weight: m.points`), or an
    /// aggregate's `value for each type b where test, default d`.
    fn call(&mut self, name: Ident, start: usize) -> Parsed<ExprKind> {
        let aggregate = AGGREGATES.contains(&name.name.as_str());
        if aggregate && self.is(&Tok::For) {
            return self.aggregate(name, None);
        }
        let mut args = Vec::new();
        while !self.eat(&Tok::RParen) {
            if !args.is_empty() {
                self.expect(&Tok::Comma)?;
            }
            let named =
                matches!(self.peek(), Some(Tok::Ident(_))) && self.peek_at(1) == Some(&Tok::Colon);
            let arg_name = if named {
                let arg_name = self.ident("an argument name")?;
                self.bump();
                Some(arg_name)
            } else {
                None
            };
            let value = self.expr()?;
            if aggregate && args.is_empty() && arg_name.is_none() && self.is(&Tok::For) {
                return self.aggregate(name, Some(value));
            }
            args.push(Arg {
                name: arg_name,
                value,
            });
        }
        let _ = start;
        Ok(ExprKind::Call { name, args })
    }

    /// After `op(value`: `for each type b where test, default d)` or `for x in list ...)`.
    fn aggregate(&mut self, op: Ident, value: Option<Expr>) -> Parsed<ExprKind> {
        self.expect(&Tok::For)?;
        let value = value.map(Box::new);
        let kind = if self.eat(&Tok::Each) {
            let fact_type = self.ident("a fact type")?;
            let binding = self.ident("a name for each fact")?;
            let filter = if self.eat(&Tok::Where) {
                Some(self.expr()?)
            } else {
                None
            };
            let default = self.aggregate_default()?;
            ExprKind::AggregateFacts {
                op,
                value,
                pattern: Box::new(Pattern {
                    fact_type,
                    binding,
                    filter,
                }),
                default,
            }
        } else {
            let var = self.ident("a name for each element")?;
            self.expect(&Tok::In)?;
            let source = Box::new(self.expr()?);
            let filter = if self.eat(&Tok::Where) {
                Some(Box::new(self.expr()?))
            } else {
                None
            };
            let default = self.aggregate_default()?;
            ExprKind::Comprehension {
                op,
                value,
                var,
                source,
                filter,
                default,
            }
        };
        self.expect(&Tok::RParen)?;
        Ok(kind)
    }

    fn aggregate_default(&mut self) -> Parsed<Option<Box<Expr>>> {
        if self.eat(&Tok::Comma) {
            self.expect(&Tok::Default)?;
            return Ok(Some(Box::new(self.expr()?)));
        }
        Ok(None)
    }

    /// The text of a string token (escapes resolved, braces kept as they are).
    pub(crate) fn string_text(&mut self) -> Parsed<String> {
        let span = self.span();
        let raw = match self.peek() {
            Some(Tok::Str(raw)) => raw.clone(),
            _ => return self.fail("a string"),
        };
        self.bump();
        let mut out = String::new();
        let inner = &raw[1..raw.len() - 1];
        let mut chars = inner.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            if c == '\\' {
                out.push(self.escape(&mut chars, span)?);
            } else {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// A string literal: text, or a template when it holds `{value}` parts (`{{` and `}}`
    /// stand for braces).
    fn template(&mut self, raw: &str, span: Span) -> Parsed<ExprKind> {
        let inner = &raw[1..raw.len() - 1];
        let base = span.start as usize + 1;
        let mut parts: Vec<TemplatePart> = Vec::new();
        let mut text = String::new();
        let mut chars = inner.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => text.push(self.escape(&mut chars, span)?),
                '{' if chars.peek().is_some_and(|(_, next)| *next == '{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek().is_some_and(|(_, next)| *next == '}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let close = closing_brace(inner, at).ok_or_else(|| {
                        let at_span = Span::new(span.source, base + at, base + at + 1);
                        let diagnostic = if inner[at..].contains("\\\"") {
                            Diagnostic::new(
                                Code::Syntax,
                                "a value in `{...}` inside text cannot hold a string",
                                at_span,
                                "this value has a string in it",
                            )
                            .with_help("compute the value with `let` and write `{name}` here")
                        } else {
                            Diagnostic::new(
                                Code::Syntax,
                                "the `{` in the text is not closed",
                                at_span,
                                "no closing `}`",
                            )
                            .with_help("write `{{` for a brace in the text")
                        };
                        self.diagnostics.push(diagnostic);
                        Stop
                    })?;
                    if !text.is_empty() {
                        parts.push(TemplatePart::Text(std::mem::take(&mut text)));
                    }
                    let expr_text = &inner[at + 1..close];
                    let mut sub =
                        Parser::new(lex(expr_text), span.source, base + at + 1, expr_text.len());
                    sub.depth = self.depth;
                    let value = sub.expr();
                    let trailing = !sub.at_end();
                    if trailing {
                        let _ = sub.fail::<()>("`}` after the value");
                    }
                    self.diagnostics.append(&mut sub.diagnostics);
                    parts.push(TemplatePart::Value(value?));
                    if trailing {
                        return Err(Stop);
                    }
                    while chars.peek().is_some_and(|(i, _)| *i <= close) {
                        chars.next();
                    }
                }
                '}' => {
                    let at_span = Span::new(span.source, base + at, base + at + 1);
                    let diagnostic = Diagnostic::new(
                        Code::Syntax,
                        "a `}` in the text closes nothing",
                        at_span,
                        "unmatched `}`",
                    )
                    .with_help("write `}}` for a brace in the text");
                    self.diagnostics.push(diagnostic);
                    return Err(Stop);
                }
                c => text.push(c),
            }
        }
        if parts.is_empty() {
            return Ok(ExprKind::Literal(Literal::Text(text)));
        }
        if !text.is_empty() {
            parts.push(TemplatePart::Text(text));
        }
        Ok(ExprKind::Template(parts))
    }

    /// The character an escape stands for, after its backslash.
    fn escape(
        &mut self,
        chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>,
        span: Span,
    ) -> Parsed<char> {
        let decoded = match chars.next().map(|(_, c)| c) {
            Some('"') => Some('"'),
            Some('\\') => Some('\\'),
            Some('/') => Some('/'),
            Some('n') => Some('\n'),
            Some('t') => Some('\t'),
            Some('r') => Some('\r'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).map(|(_, c)| c).collect();
                u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
            }
            _ => None,
        };
        decoded.ok_or_else(|| {
            let diagnostic = Diagnostic::new(
                Code::Syntax,
                "the text has an escape that means nothing",
                span,
                "unknown escape",
            )
            .with_help("the escapes are \\\" \\\\ \\n \\t \\r and \\uXXXX");
            self.diagnostics.push(diagnostic);
            Stop
        })
    }
}

/// The position of the `}` closing the `{` at `open`, skipping nested braces and strings.
pub(crate) fn closing_brace(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (at, c) in text[open..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '{' if !in_string => depth += 1,
            '}' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + at);
                }
            }
            _ => {}
        }
    }
    None
}

fn binary_op(token: &Tok) -> Option<BinaryOp> {
    Some(match token {
        Tok::Or => BinaryOp::Or,
        Tok::And => BinaryOp::And,
        Tok::Eq => BinaryOp::Eq,
        Tok::Ne => BinaryOp::Ne,
        Tok::Lt => BinaryOp::Lt,
        Tok::Le => BinaryOp::Le,
        Tok::Gt => BinaryOp::Gt,
        Tok::Ge => BinaryOp::Ge,
        Tok::Plus => BinaryOp::Add,
        Tok::Minus => BinaryOp::Sub,
        Tok::Star => BinaryOp::Mul,
        Tok::Slash => BinaryOp::Div,
        Tok::Percent => BinaryOp::Rem,
        _ => return None,
    })
}
