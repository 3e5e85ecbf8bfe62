//! Rules: the header, then one step per line — patterns, expansions, lets, tests, grouping,
//! `first` branches and actions — each read by its leading word. A broken step is reported
//! and skipped; the rest of the rule is still read.

use reckon_rule_ir::{Code, Diagnostic};

use super::{Parsed, Parser, Stop};
use crate::calc::ast::{
    Action, ActionKind, Branch, FieldInit, GroupKey, Pattern, RuleDecl, Step, StepKind,
};
use crate::calc::lexer::Tok;

impl Parser {
    pub(super) fn rule(&mut self) -> Parsed<RuleDecl> {
        self.bump();
        let name = match self.peek() {
            Some(Tok::Str(_)) => {
                let span = self.span();
                let text = self.string_text()?;
                (text, span)
            }
            _ => return self.fail("the rule's name in double quotes"),
        };
        let mut priority = None;
        if self.eat(&Tok::Priority) {
            let start = self.pos;
            let negative = self.eat(&Tok::Minus);
            let value = match self.peek() {
                Some(Tok::Int(text)) => text
                    .parse::<i64>()
                    .ok()
                    .map(|value| if negative { -value } else { value })
                    .and_then(|value| i32::try_from(value).ok()),
                _ => None,
            };
            match value {
                Some(value) => {
                    self.bump();
                    priority = Some((value, self.since(start)));
                }
                None => return self.fail("a whole number (the priority)"),
            }
        }
        let mut steps = Vec::new();
        while !self.at_end() && !self.at_item() {
            let comments = self.take_comments();
            let start = self.pos;
            match self.step() {
                Ok(kind) => steps.push(Step {
                    comments,
                    kind,
                    span: self.since(start),
                }),
                Err(Stop) => {
                    if self.pos == start {
                        self.bump();
                    }
                    self.skip_to_step();
                }
            }
        }
        Ok(RuleDecl {
            name,
            priority,
            steps,
        })
    }

    /// Skips to the next step or item, outside brackets.
    fn skip_to_step(&mut self) {
        let mut depth = 0usize;
        while let Some(token) = self.peek() {
            match token {
                Tok::LParen | Tok::LBracket | Tok::LBrace => depth += 1,
                Tok::RParen | Tok::RBracket | Tok::RBrace => depth = depth.saturating_sub(1),
                // `for` starts a step only as `for each`.
                token
                    if depth == 0
                        && (starts_step(token) || token.starts_item())
                        && (!matches!(token, Tok::For) || self.peek_at(1) == Some(&Tok::Each)) =>
                {
                    return;
                }
                _ => {}
            }
            self.bump();
        }
    }

    fn step(&mut self) -> Parsed<StepKind> {
        match self.peek() {
            Some(Tok::For) => {
                self.bump();
                if !self.eat(&Tok::Each) {
                    if !matches!(self.peek(), Some(Tok::Ident(_))) {
                        return self.fail("`each`");
                    }
                    // `for shift s`: said once, and read on as `for each shift s`.
                    let diagnostic = Diagnostic::new(
                        Code::Syntax,
                        "expected `each` after `for`",
                        self.span(),
                        "`for each` goes here",
                    )
                    .with_help("write `for each shift s` to match every fact of a type");
                    self.diagnostics.push(diagnostic);
                }
                if self.peek_at(1) == Some(&Tok::In) {
                    let binding = self.ident("a name for each element")?;
                    self.expect(&Tok::In)?;
                    let source = self.expr_or_error();
                    return Ok(StepKind::Expand { binding, source });
                }
                Ok(StepKind::Match { first: true, pattern: self.pattern()? })
            }
            Some(Tok::With) => {
                self.bump();
                if self.eat(&Tok::Next) {
                    let fact_type = self.ident("a fact type")?;
                    let binding = self.ident("a name for the next fact")?;
                    self.expect(&Tok::After)?;
                    let after = self.ident("the fact it follows")?;
                    self.expect(&Tok::By)?;
                    self.expect(&Tok::LParen)?;
                    let mut order = Vec::new();
                    while !self.eat(&Tok::RParen) {
                        if !order.is_empty() {
                            self.expect(&Tok::Comma)?;
                        }
                        order.push(self.field_name()?);
                    }
                    let filter = self.filter()?;
                    let pattern = Pattern { fact_type, binding, filter };
                    return Ok(StepKind::Next { pattern, after, order });
                }
                Ok(StepKind::Match { first: false, pattern: self.pattern()? })
            }
            Some(Tok::No) => {
                self.bump();
                Ok(StepKind::No(self.pattern()?))
            }
            Some(Tok::Exists) => {
                self.bump();
                Ok(StepKind::Exists(self.pattern()?))
            }
            Some(Tok::Let) => {
                self.bump();
                let name = self.ident("a name for the value")?;
                self.expect(&Tok::Assign)?;
                Ok(StepKind::Let { name, value: self.expr_or_error() })
            }
            Some(Tok::When) => {
                self.bump();
                Ok(StepKind::When(self.expr()?))
            }
            Some(Tok::Group) => {
                self.bump();
                self.expect(&Tok::By)?;
                let mut keys = Vec::new();
                loop {
                    let expr = self.expr_or_error();
                    if matches!(expr.kind, crate::calc::ast::ExprKind::Error) {
                        keys.push(GroupKey { expr, alias: None });
                        break;
                    }
                    let alias = if self.eat(&Tok::As) { Some(self.ident("a name for the key")?) } else { None };
                    keys.push(GroupKey { expr, alias });
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
                Ok(StepKind::GroupBy(keys))
            }
            Some(Tok::First) => {
                self.bump();
                self.branches().map(StepKind::First)
            }
            Some(token) if starts_action(token) => self.action().map(StepKind::Action),
            _ => self.fail("a step of the rule (`for each`, `with`, `no`, `when`, `let`, `group by`, an action, ...)"),
        }
    }

    /// `type binding [where test]`.
    fn pattern(&mut self) -> Parsed<Pattern> {
        let fact_type = self.ident("a fact type")?;
        if !matches!(self.peek(), Some(Tok::Ident(_))) {
            return self.fail("a name for the fact after its type, as in `for each shift s`");
        }
        let binding = self.ident("a name for the fact")?;
        let filter = self.filter()?;
        Ok(Pattern {
            fact_type,
            binding,
            filter,
        })
    }

    fn filter(&mut self) -> Parsed<Option<crate::calc::ast::Expr>> {
        if self.eat(&Tok::Where) {
            Ok(Some(self.expr_or_error()))
        } else {
            Ok(None)
        }
    }

    /// An expression; if it is broken (already reported), an `Error` node, having skipped
    /// to the next step — so that what the step names (a binding, a `let`) still exists and
    /// its uses are not reported again.
    fn expr_or_error(&mut self) -> crate::calc::ast::Expr {
        let start = self.pos;
        match self.expr() {
            Ok(expr) => expr,
            Err(Stop) => {
                let span = self.span_at(start);
                self.skip_to_step();
                crate::calc::ast::Expr::new(crate::calc::ast::ExprKind::Error, span)
            }
        }
    }

    /// The branches of `first`: `when test then actions`, ..., `otherwise actions`.
    fn branches(&mut self) -> Parsed<Vec<Branch>> {
        let mut branches = Vec::new();
        loop {
            let start = self.pos;
            let test = if self.eat(&Tok::When) {
                let test = self.expr()?;
                self.expect(&Tok::Then)?;
                Some(test)
            } else if self.eat(&Tok::Otherwise) {
                None
            } else if branches.is_empty() {
                return self.fail("`when` to begin the first branch");
            } else {
                return Ok(branches);
            };
            let mut actions = Vec::new();
            while self.peek().is_some_and(starts_action) {
                actions.push(self.action()?);
            }
            if actions.is_empty() {
                return self.fail("an action for the branch (`set`, `emit`, `alert`, ...)");
            }
            let otherwise = test.is_none();
            branches.push(Branch {
                test,
                actions,
                span: self.since(start),
            });
            if otherwise {
                return Ok(branches);
            }
        }
    }

    fn action(&mut self) -> Parsed<Action> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(Tok::Emit) => {
                self.bump();
                let fact_type = self.ident("the fact type to emit")?;
                let mut for_each = Vec::new();
                if self.eat(&Tok::For) {
                    self.expect(&Tok::Each)?;
                    loop {
                        for_each.push(self.ident("a member of the group")?);
                        if !self.eat(&Tok::Comma) {
                            break;
                        }
                    }
                }
                ActionKind::Emit {
                    fact_type,
                    for_each,
                    fields: self.field_inits()?,
                }
            }
            Some(Tok::Set) => {
                self.bump();
                let binding = self.ident("the fact to set a field of")?;
                self.expect(&Tok::Dot)?;
                let field = self.field_name()?;
                self.expect(&Tok::Assign)?;
                ActionKind::Set {
                    binding,
                    field,
                    value: self.expr()?,
                }
            }
            Some(Tok::Alert) => {
                self.bump();
                ActionKind::Alert(self.expr()?)
            }
            Some(Tok::Retract) => {
                self.bump();
                ActionKind::Retract(self.ident("the fact to retract")?)
            }
            Some(Tok::Update) => {
                self.bump();
                let binding = self.ident("the fact to update")?;
                ActionKind::Update {
                    binding,
                    fields: self.field_inits()?,
                }
            }
            _ => return self.fail("an action"),
        };
        Ok(Action {
            kind,
            span: self.since(start),
        })
    }

    /// `{ field: value, field, ... }`.
    fn field_inits(&mut self) -> Parsed<Vec<FieldInit>> {
        self.expect(&Tok::LBrace)?;
        let mut fields = Vec::new();
        while !self.eat(&Tok::RBrace) {
            if !fields.is_empty() {
                self.expect(&Tok::Comma)?;
                if self.eat(&Tok::RBrace) {
                    break;
                }
            }
            let name = self.field_name()?;
            let value = if self.eat(&Tok::Colon) {
                Some(self.expr()?)
            } else {
                None
            };
            if value.is_none() && !matches!(self.peek(), Some(Tok::Comma | Tok::RBrace)) {
                let span = self.span();
                let diagnostic = Diagnostic::new(
                    Code::Syntax,
                    "expected `:` and a value, `,` or `}`",
                    span,
                    "unexpected",
                )
                .with_help(
                    "write `field: value`, or just `field` when a value of that name is in scope",
                );
                self.diagnostics.push(diagnostic);
                return Err(Stop);
            }
            fields.push(FieldInit { name, value });
        }
        Ok(fields)
    }
}

fn starts_step(token: &Tok) -> bool {
    matches!(
        token,
        Tok::For
            | Tok::With
            | Tok::No
            | Tok::Exists
            | Tok::Let
            | Tok::When
            | Tok::Group
            | Tok::First
    ) || starts_action(token)
}

fn starts_action(token: &Tok) -> bool {
    matches!(
        token,
        Tok::Emit | Tok::Set | Tok::Alert | Tok::Retract | Tok::Update
    )
}
