//! Shared tests, rules and strata of the text form: each step of a rule body drives the
//! matching method of the rule builder.

use reckon_fact_store::{FactTypeId, ValueType};

use super::{Parsed, Parser, STEPS, Stop, TOP};
use crate::builder::{ExprBuilder, ProgramBuilder, RuleBuilder};
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{AggOp, Expr};
use crate::ids::{AlphaId, RuleId, Span};
use crate::program::{Program, Stratum};
use crate::text::lexer::Token;

impl Parser {
    pub(super) fn alpha(&mut self, builder: &mut ProgramBuilder) {
        let result = (|| -> Parsed<()> {
            let (id, id_span) = self.name()?;
            let expected = AlphaId::from_index(builder.program().alpha.len());
            if id != expected.to_string() {
                self.syntax.push(Diagnostic::new(
                    Code::Syntax,
                    format!("expected shared test `{expected}` here, found `{id}`"),
                    id_span,
                    "out of order",
                ));
            }
            let (fact, fact_span) = self.name()?;
            let fact_type = builder.resolve_fact_type(&fact, fact_span).ok_or(Stop)?;
            self.punct(":")?;
            let mut alpha = builder.alpha(fact_type);
            let test = self.expr(&mut alpha)?;
            self.word("uses")?;
            let uses = self.number()?;
            alpha.finish(test, uses);
            self.item_end();
            Ok(())
        })();
        let _ = result;
    }

    pub(super) fn rule(&mut self, builder: &mut ProgramBuilder) {
        let start = self.pos.saturating_sub(1);
        let Ok((id, id_span)) = self.name() else {
            return;
        };
        let expected = RuleId::from_index(builder.program().rules.len());
        if id != expected.to_string() {
            self.syntax.push(Diagnostic::new(
                Code::Syntax,
                format!("expected rule `{expected}` here, found `{id}`"),
                id_span,
                "out of order",
            ));
        }
        let Ok(name) = self.string() else { return };
        let mut priority = 0;
        let mut stratum = None;
        loop {
            if self.eat_word("priority") {
                let negative = self.eat_punct("-");
                match self.number::<i32>() {
                    Ok(value) => priority = if negative { -value } else { value },
                    Err(Stop) => return,
                }
            } else if self.eat_word("stratum") {
                match self.number::<u32>() {
                    Ok(value) => stratum = Some(value),
                    Err(Stop) => return,
                }
            } else {
                break;
            }
        }
        if self.punct("{").is_err() {
            return;
        }
        let span = self.since(start);
        let mut rule = builder.rule(&name, priority, span);
        if let Some(stratum) = stratum {
            rule.stratum(stratum);
        }
        while self.peek().is_some() && !self.is_punct("}") {
            if self.step(&mut rule).is_err() {
                self.skip_step();
            }
        }
        self.eat_punct("}");
        rule.finish();
    }

    fn step(&mut self, rule: &mut RuleBuilder<'_>) -> Parsed<()> {
        let start = self.pos;
        let keyword = match self.peek() {
            Some(Token::Ident {
                name,
                quoted: false,
            }) if STEPS.contains(&name.as_str()) => name.clone(),
            _ => return self.fail("a condition or an action"),
        };
        self.pos += 1;
        match keyword.as_str() {
            "match" => {
                let (binding, binding_span, fact, fact_span) = self.fact_binding()?;
                rule.match_fact(&binding, binding_span, &fact, fact_span, self.since(start));
            }
            "next" => {
                let (binding, binding_span, fact, fact_span) = self.fact_binding()?;
                self.word("after")?;
                let (after, after_span) = self.name()?;
                self.word("by")?;
                self.punct("(")?;
                let mut order = Vec::new();
                while !self.eat_punct(")") {
                    if !order.is_empty() {
                        self.punct(",")?;
                    }
                    order.push(self.field_name()?);
                }
                rule.match_next(
                    &binding,
                    binding_span,
                    &fact,
                    fact_span,
                    &after,
                    after_span,
                    &order,
                    self.since(start),
                );
            }
            "test" | "join" => {
                let alpha = if keyword == "test" && self.eat_punct("[") {
                    let (id, span) = self.name()?;
                    self.punct("]")?;
                    let index = id.strip_prefix('a').and_then(|n| n.parse::<usize>().ok());
                    match index.filter(|i| *i < rule.program().alpha.len()) {
                        Some(index) => Some(AlphaId::from_index(index)),
                        None => {
                            self.syntax.push(Diagnostic::new(
                                Code::Syntax,
                                format!("no shared test `{id}`"),
                                span,
                                "unknown shared test",
                            ));
                            None
                        }
                    }
                } else {
                    None
                };
                let test = self.expr(rule)?;
                rule.filter_shared(test, alpha);
            }
            "no" | "exists" => {
                let (binding, binding_span, fact, fact_span) = self.fact_binding()?;
                let span = self.since(start);
                if keyword == "no" {
                    rule.begin_absent(&binding, binding_span, &fact, fact_span, span);
                } else {
                    rule.begin_exists(&binding, binding_span, &fact, fact_span, span);
                }
                self.filters(rule);
                rule.end_pattern(None, None);
            }
            "accumulate" => {
                let (binding, binding_span, fact, fact_span) = self.fact_binding()?;
                self.word("into")?;
                let (var, var_span) = self.name()?;
                self.punct(":")?;
                let declared = self.ty()?;
                self.punct("=")?;
                let (op_name, op_span) = self.name()?;
                let Some(op) = AggOp::from_name(&op_name) else {
                    self.syntax.push(Diagnostic::new(
                        Code::Syntax,
                        format!("`{op_name}` is not an aggregate"),
                        op_span,
                        "not an aggregate",
                    ));
                    return Err(Stop);
                };
                rule.begin_accumulate(
                    &var,
                    var_span,
                    op,
                    &binding,
                    binding_span,
                    &fact,
                    fact_span,
                    self.since(start),
                );
                let value_and_default = (|| -> Parsed<(Option<Expr>, Option<Expr>)> {
                    self.punct("(")?;
                    let value = if self.eat_punct(")") {
                        None
                    } else {
                        let value = self.expr(rule)?;
                        self.punct(")")?;
                        Some(value)
                    };
                    let default = if self.eat_word("default") {
                        Some(self.expr(rule)?)
                    } else {
                        None
                    };
                    Ok((value, default))
                })();
                let (value, default) = match value_and_default {
                    Ok(parts) => parts,
                    Err(stop) => {
                        rule.end_pattern(None, None);
                        return Err(stop);
                    }
                };
                self.filters(rule);
                if let Some(var) = rule.end_pattern(value, default) {
                    let actual = rule.var_type(var);
                    self.declared_type(&declared, &actual, var_span);
                }
            }
            "expand" => {
                let (binding, binding_span) = self.name()?;
                self.punct(":")?;
                let declared = self.ty()?;
                self.word("in")?;
                let source = self.expr(rule)?;
                if let reckon_fact_store::ValueType::List(element) = &source.ty {
                    self.declared_type(&declared, element, binding_span);
                }
                rule.expand(&binding, binding_span, source, self.since(start));
            }
            "let" => {
                let (var, var_span, declared) = self.typed_name()?;
                self.punct("=")?;
                let value = self.expr(rule)?;
                self.declared_type(&declared, &value.ty.clone(), var_span);
                rule.let_value(&var, var_span, value, self.since(start));
            }
            "when" => {
                let test = self.expr(rule)?;
                rule.guard(test);
            }
            "group" => {
                self.word("by")?;
                rule.group_by(self.since(start));
            }
            "key" => {
                let (name, name_span) = self.name()?;
                if self.eat_punct(":") {
                    let declared = self.ty()?;
                    self.punct("=")?;
                    let value = self.expr(rule)?;
                    self.declared_type(&declared, &value.ty.clone(), name_span);
                    rule.group_key(&name, name_span, value);
                } else {
                    rule.group_key_fact(&name, name_span);
                }
            }
            "aggregate" => {
                let (var, var_span, declared) = self.typed_name()?;
                self.punct("=")?;
                let (op_name, op_span) = self.name()?;
                let Some(op) = AggOp::from_name(&op_name) else {
                    self.syntax.push(Diagnostic::new(
                        Code::Syntax,
                        format!("`{op_name}` is not an aggregate"),
                        op_span,
                        "not an aggregate",
                    ));
                    return Err(Stop);
                };
                self.punct("(")?;
                let value = if self.eat_punct(")") {
                    None
                } else {
                    let value = self.expr(rule)?;
                    self.punct(")")?;
                    Some(value)
                };
                if let Some(var) =
                    rule.group_aggregate(&var, var_span, op, value, self.since(start))
                {
                    let actual = rule.var_type(var);
                    self.declared_type(&declared, &actual, var_span);
                }
            }
            "emit" => {
                let (fact, fact_span) = self.name()?;
                if self.eat_word("for") {
                    self.word("each")?;
                    self.punct("(")?;
                    let mut members = Vec::new();
                    while !self.eat_punct(")") {
                        if !members.is_empty() {
                            self.punct(",")?;
                        }
                        members.push(self.name()?);
                    }
                    rule.begin_members(&members);
                }
                let fields = self.field_values(rule)?;
                rule.emit(&fact, fact_span, fields, self.since(start));
            }
            "set" => {
                let (binding, binding_span) = self.name()?;
                self.punct(".")?;
                let (field, field_span) = self.field_name()?;
                self.punct("=")?;
                let value = self.expr(rule)?;
                rule.set(
                    &binding,
                    binding_span,
                    &field,
                    field_span,
                    value,
                    self.since(start),
                );
            }
            "alert" => {
                let message = self.expr(rule)?;
                rule.alert(message, self.since(start));
            }
            "retract" => {
                let (binding, binding_span) = self.name()?;
                rule.retract(&binding, binding_span, self.since(start));
            }
            _ => {
                let (binding, binding_span) = self.name()?;
                let fields = self.field_values(rule)?;
                rule.update(&binding, binding_span, fields, self.since(start));
            }
        }
        Ok(())
    }

    /// The `test` and `join` lines of the pattern just opened.
    fn filters(&mut self, rule: &mut RuleBuilder<'_>) {
        while self.is_word("test") || self.is_word("join") {
            if self.step(rule).is_err() {
                self.skip_step();
            }
        }
    }

    fn fact_binding(&mut self) -> Parsed<(String, Span, String, Span)> {
        let (binding, binding_span) = self.name()?;
        self.punct(":")?;
        let (fact, fact_span) = self.name()?;
        Ok((binding, binding_span, fact, fact_span))
    }

    fn typed_name(&mut self) -> Parsed<(String, Span, ValueType)> {
        let (name, span) = self.name()?;
        self.punct(":")?;
        Ok((name, span, self.ty()?))
    }

    fn field_values(&mut self, rule: &mut RuleBuilder<'_>) -> Parsed<Vec<(String, Span, Expr)>> {
        self.punct("{")?;
        let mut fields = Vec::new();
        while !self.eat_punct("}") {
            if !fields.is_empty() {
                self.punct(",")?;
            }
            let (field, field_span) = self.field_name()?;
            self.punct(":")?;
            fields.push((field, field_span, self.expr(rule)?));
        }
        Ok(fields)
    }

    /// Reports a declared type that differs from the type the builder computed.
    fn declared_type(&mut self, declared: &ValueType, actual: &ValueType, span: Span) {
        if declared != actual && *actual != ValueType::Any {
            let message = format!(
                "declared {declared}, but the value is {}",
                crate::types::a(actual)
            );
            self.syntax.push(Diagnostic::new(
                Code::TypeMismatch,
                message,
                span,
                format!("this is {actual}"),
            ));
        }
    }

    pub(super) fn strata(&mut self, builder: &ProgramBuilder) -> Vec<Stratum> {
        let program = builder.program();
        let mut strata = Vec::new();
        self.pos = 0;
        while self.pos < self.tokens.len() {
            if self.is_word("stratum") && self.at_item() {
                self.pos += 1;
                if let Ok(stratum) = self.stratum(program, strata.len()) {
                    strata.push(stratum);
                    self.item_end();
                    continue;
                }
            }
            self.pos += 1;
        }
        strata
    }

    fn stratum(&mut self, program: &Program, expected: usize) -> Parsed<Stratum> {
        let index_span = self.span();
        let index: usize = self.number()?;
        if index != expected {
            self.syntax.push(Diagnostic::new(
                Code::Syntax,
                format!("expected stratum {expected} here, found {index}"),
                index_span,
                "out of order",
            ));
        }
        self.punct(":")?;
        let mut rules = Vec::new();
        while let Some(Token::Ident {
            name,
            quoted: false,
        }) = self.peek()
        {
            if name == "partition" || TOP.contains(&name.as_str()) {
                break;
            }
            let span = self.span();
            match name
                .strip_prefix('r')
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|i| *i < program.rules.len())
            {
                Some(index) => rules.push(RuleId::from_index(index)),
                None => self.syntax.push(Diagnostic::new(
                    Code::Syntax,
                    format!("no rule `{name}`"),
                    span,
                    "unknown rule",
                )),
            }
            self.pos += 1;
        }
        let mut partition = None;
        if self.eat_word("partition") {
            let mut fields = Vec::new();
            // `partition any` means any split; `partition any.x` keys a fact type called `any`.
            let fact_named_any =
                matches!(self.tokens.get(self.pos + 1), Some((Token::Punct("."), _)));
            if !fact_named_any && self.eat_word("any") {
                return Ok(Stratum {
                    rules,
                    partition: Some(fields),
                });
            }
            loop {
                let (fact, fact_span) = self.name()?;
                self.punct(".")?;
                let (field, field_span) = self.field_name()?;
                let fact_type: Option<FactTypeId> = program.fact_type(&fact);
                match fact_type.and_then(|ty| program.fact(ty).field_id(&field).map(|f| (ty, f))) {
                    Some(pair) => fields.push(pair),
                    None => {
                        let span = fact_span.to(field_span);
                        self.syntax.push(Diagnostic::new(
                            Code::UnknownField,
                            format!("no field `{fact}.{field}`"),
                            span,
                            "unknown field",
                        ));
                    }
                }
                if !self.eat_punct(",") {
                    break;
                }
            }
            partition = Some(fields);
        }
        Ok(Stratum { rules, partition })
    }
}
