//! Building one rule: its conditions in order, its grouping, its actions. Names come into
//! scope as they are bound; the bindings of `no`, `exists` and accumulations are visible
//! only inside them; after `group by` only group keys, aggregates and lets are values of
//! the rule, and per-match values must be aggregated.

use reckon_fact_store::{FieldId, ValueType};

mod actions;
mod group;
mod patterns;

use super::ProgramBuilder;
use super::exprs::{ExprBuilder, Resolved, error};
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{AggOp, Expr, ExprKind};
use crate::ids::{BindingId, RuleId, Span, VarId};
use crate::program::Program;
use crate::rule::{Binding, BindingKind, Condition, Expand, Let, Next, Pattern, Rule, Test, Var};
use crate::types;

/// Builds one rule; [`finish`](Self::finish) adds it to the program.
pub struct RuleBuilder<'p> {
    builder: &'p mut ProgramBuilder,
    rule: Rule,
    /// Names in scope, innermost last.
    scope: Vec<(String, Resolved)>,
    /// The pattern `filter` adds to.
    open: Open,
    /// A `no`, `exists` or accumulation being built.
    local: Option<LocalPattern>,
    /// After `group by`: the bindings that are still values (fact keys, and the members
    /// of a per-member emit while it is built).
    kept: Option<Vec<BindingId>>,
    /// Inside a per-member emit.
    members: Vec<BindingId>,
    /// Bindings whose fact type did not resolve; their uses are not reported again.
    unresolved: Vec<BindingId>,
    /// After `group by`: variables from this index on are values of the group (keys,
    /// aggregates, later lets); those before are values of each match.
    group_vars_from: usize,
}

#[derive(Debug, Clone, Copy)]
enum Open {
    Nothing,
    Match(usize),
    Local,
}

struct LocalPattern {
    kind: LocalKind,
    pattern: Pattern,
    scope_len: usize,
}

enum LocalKind {
    Absent,
    Exists,
    Accumulate {
        name: String,
        name_span: Span,
        op: AggOp,
    },
}

impl<'p> RuleBuilder<'p> {
    pub(super) fn new(
        builder: &'p mut ProgramBuilder,
        name: &str,
        priority: i32,
        span: Span,
    ) -> RuleBuilder<'p> {
        let id = RuleId::from_index(builder.program().rules.len());
        let rule = Rule {
            id,
            name: name.into(),
            priority,
            stratum: 0,
            bindings: Vec::new(),
            vars: Vec::new(),
            conditions: Vec::new(),
            group: None,
            actions: Vec::new(),
            span,
        };
        RuleBuilder {
            builder,
            rule,
            scope: Vec::new(),
            open: Open::Nothing,
            local: None,
            kept: None,
            members: Vec::new(),
            unresolved: Vec::new(),
            group_vars_from: 0,
        }
    }

    /// The type of a variable of the rule.
    pub fn var_type(&self, var: VarId) -> ValueType {
        self.rule.vars[var.index()].ty.clone()
    }

    /// True once `group by` has been given.
    pub fn grouped(&self) -> bool {
        self.rule.group.is_some()
    }

    /// Sets the stratum (the IR text form records what `stratify` found).
    pub fn stratum(&mut self, stratum: u32) {
        self.rule.stratum = stratum;
    }

    /// `for each s: shift` / `with e: employee`: matches every fact of the type. Its `where`
    /// tests follow with [`filter`](Self::filter).
    pub fn match_fact(
        &mut self,
        name: &str,
        name_span: Span,
        fact_type: &str,
        type_span: Span,
        span: Span,
    ) -> Option<BindingId> {
        if !self.before_group("a pattern", span) {
            return None;
        }
        let binding = self.fact_binding(name, name_span, fact_type, type_span)?;
        let pattern = self.pattern(binding, span)?;
        self.rule.conditions.push(Condition::Match(pattern));
        self.open = Open::Match(self.rule.conditions.len() - 1);
        Some(binding)
    }

    /// `with next b: shift after a by (start, end, id)`: the fact that follows `a` in that
    /// order, among those that pass the tests that follow.
    #[allow(clippy::too_many_arguments)]
    pub fn match_next(
        &mut self,
        name: &str,
        name_span: Span,
        fact_type: &str,
        type_span: Span,
        after: &str,
        after_span: Span,
        order: &[(String, Span)],
        span: Span,
    ) -> Option<BindingId> {
        if !self.before_group("a pattern", span) {
            return None;
        }
        let after_binding = match self.lookup(after) {
            Some(Resolved::Binding(id, BindingKind::Fact(_))) => Some(id),
            _ => {
                let message = format!("`after {after}` needs a fact bound earlier in the rule");
                self.report(Diagnostic::new(
                    Code::UnknownName,
                    message,
                    after_span,
                    "not a fact binding",
                ));
                None
            }
        };
        let binding = self.fact_binding(name, name_span, fact_type, type_span)?;
        let mut pattern = self.pattern(binding, span)?;
        if let Some(after_binding) = after_binding {
            if self.rule.bindings[after_binding.index()].kind
                != BindingKind::Fact(pattern.fact_type)
            {
                let message = format!("`next {name}` must be the same fact type as `{after}`");
                self.report(Diagnostic::new(
                    Code::TypeMismatch,
                    message,
                    type_span,
                    "a different fact type",
                ));
            } else {
                let fields: Vec<FieldId> = order
                    .iter()
                    .filter_map(|(field, field_span)| {
                        self.builder
                            .resolve_field(pattern.fact_type, field, *field_span)
                    })
                    .collect();
                pattern.next = Some(Next {
                    after: after_binding,
                    order: fields,
                });
            }
        }
        self.rule.conditions.push(Condition::Match(pattern));
        self.open = Open::Match(self.rule.conditions.len() - 1);
        Some(binding)
    }

    /// A `where` test of the pattern just opened. Tests of that fact alone become single-fact
    /// tests; tests that also read earlier bindings or values become join tests.
    pub fn filter(&mut self, expr: Expr) {
        self.filter_shared(expr, None);
    }

    /// A `where` test of the pattern that binds `binding` (a `match` or `next` pattern made
    /// earlier), whatever has been opened since. A test that reads values defined after that
    /// pattern cannot be one of its tests and becomes a guard here instead.
    pub fn filter_on(&mut self, binding: BindingId, expr: Expr) {
        let index = self
            .rule
            .conditions
            .iter()
            .rposition(|c| matches!(c, Condition::Match(p) if p.binding == binding));
        let reads_later_vars = expr.vars().iter().any(|var| {
            index.is_some_and(|at| !self.rule.conditions[..=at].iter().any(|c| defines(c, *var)))
        });
        match index {
            Some(index) if !reads_later_vars => {
                let saved = std::mem::replace(&mut self.open, Open::Match(index));
                self.filter(expr);
                self.open = saved;
            }
            _ => self.guard(expr),
        }
    }

    /// A `where` test already shared as `alpha` (the IR text form records the sharing).
    pub fn filter_shared(&mut self, expr: Expr, alpha: Option<crate::ids::AlphaId>) {
        let expr = self.boolean(expr, "a `where` test");
        let pattern = match self.open {
            Open::Match(index) => self.rule.conditions[index].pattern_mut(),
            Open::Local => self.local.as_mut().map(|local| &mut local.pattern),
            Open::Nothing => None,
        };
        let Some(pattern) = pattern else {
            let span = expr.span;
            self.report(Diagnostic::new(
                Code::Syntax,
                "a `where` test must follow a pattern",
                span,
                "no pattern to test",
            ));
            return;
        };
        let single =
            expr.vars().is_empty() && expr.bindings().iter().all(|b| *b == pattern.binding);
        if single && !matches!(expr.kind, ExprKind::Error) {
            pattern.tests.push(Test { expr, alpha });
        } else {
            pattern.joins.push(expr);
        }
    }

    /// `for each part in split_by_day(s.start, s.end)`: one match per element.
    pub fn expand(
        &mut self,
        name: &str,
        name_span: Span,
        source: Expr,
        span: Span,
    ) -> Option<BindingId> {
        if !self.before_group("an expansion", span) {
            return None;
        }
        let source = self.value(source);
        let element = match &source.ty {
            ValueType::List(element) => (**element).clone(),
            ValueType::Any => ValueType::Any,
            other => {
                let message = format!(
                    "`for each {name} in ...` needs a list, but this is {}",
                    types::a(other)
                );
                self.report(Diagnostic::new(
                    Code::TypeMismatch,
                    message,
                    source.span,
                    format!("this is {other}"),
                ));
                ValueType::Any
            }
        };
        let binding = self.declare_binding(name, BindingKind::Value(element), name_span)?;
        self.rule.conditions.push(Condition::Expand(Expand {
            binding,
            source,
            span,
        }));
        self.open = Open::Nothing;
        Some(binding)
    }

    /// `let name = value`: before `group by`, per match; after it, per group.
    pub fn let_value(
        &mut self,
        name: &str,
        name_span: Span,
        value: Expr,
        span: Span,
    ) -> Option<VarId> {
        let value = self.value(value);
        let value = self.per_group(value);
        let var = self.declare_var(name, value.ty.clone(), name_span)?;
        let condition = Condition::Let(Let { var, value, span });
        self.push_step(condition);
        Some(var)
    }

    /// `when test`: a test across bindings and values (after `group by`: a `having` test).
    pub fn guard(&mut self, test: Expr) {
        let test = self.boolean(test, "a `when` test");
        let test = self.per_group(test);
        self.push_step(Condition::Guard(test));
    }

    /// Adds the rule to the program.
    pub fn finish(mut self) -> RuleId {
        if self.local.is_some() {
            let span = self.rule.span;
            self.report(Diagnostic::new(
                Code::Syntax,
                "a `no`, `exists` or accumulation was left open",
                span,
                "unclosed pattern",
            ));
        }
        let first_named = *self
            .builder
            .rule_names
            .entry(self.rule.name.clone())
            .or_insert(self.rule.id);
        if first_named != self.rule.id {
            let earlier = self.program().rules[first_named.index()].span;
            let message = format!("two rules are called \"{}\"", self.rule.name);
            let diagnostic = Diagnostic::new(
                Code::DuplicateName,
                message,
                self.rule.span,
                "named again here",
            )
            .with_secondary(earlier, "first rule of that name")
            .with_help("rule names identify derived facts in explanations; give each rule its own");
            self.report(diagnostic);
        }
        let id = self.rule.id;
        self.builder.program_mut().rules.push(self.rule);
        id
    }

    fn before_group(&mut self, what: &str, span: Span) -> bool {
        if self.rule.group.is_some() {
            let message = format!("{what} must come before `group by`");
            self.report(Diagnostic::new(
                Code::Syntax,
                message,
                span,
                "after `group by`",
            ));
            return false;
        }
        true
    }

    fn fact_binding(
        &mut self,
        name: &str,
        name_span: Span,
        fact_type: &str,
        type_span: Span,
    ) -> Option<BindingId> {
        let resolved = self.builder.resolve_fact_type(fact_type, type_span);
        let kind = match resolved {
            Some(id) => BindingKind::Fact(id),
            // Bound as an untyped value, so that its uses are not reported again.
            None => BindingKind::Value(ValueType::Any),
        };
        let binding = self.declare_binding(name, kind, name_span)?;
        if resolved.is_none() {
            self.unresolved.push(binding);
        }
        Some(binding)
    }

    fn pattern(&mut self, binding: BindingId, span: Span) -> Option<Pattern> {
        match self.rule.bindings[binding.index()].kind {
            BindingKind::Fact(fact_type) => Some(Pattern {
                binding,
                fact_type,
                tests: Vec::new(),
                joins: Vec::new(),
                next: None,
                span,
            }),
            BindingKind::Value(_) => None,
        }
    }

    fn taken(&mut self, name: &str, span: Span) -> bool {
        if self.scope.iter().any(|(existing, _)| existing == name) {
            let message = format!("`{name}` is already a name in this rule");
            self.report(
                Diagnostic::new(Code::DuplicateName, message, span, "named again here")
                    .with_help("choose another name"),
            );
            return true;
        }
        false
    }

    fn declare_binding(&mut self, name: &str, kind: BindingKind, span: Span) -> Option<BindingId> {
        if self.taken(name, span) {
            return None;
        }
        let id = BindingId::from_index(self.rule.bindings.len());
        self.rule.bindings.push(Binding {
            name: name.into(),
            kind: kind.clone(),
            span,
        });
        self.scope.push((name.into(), Resolved::Binding(id, kind)));
        Some(id)
    }

    fn declare_var(&mut self, name: &str, ty: ValueType, span: Span) -> Option<VarId> {
        if self.taken(name, span) {
            return None;
        }
        let id = VarId::from_index(self.rule.vars.len());
        self.rule.vars.push(Var {
            name: name.into(),
            ty: ty.clone(),
            span,
        });
        self.scope.push((name.into(), Resolved::Var(id, ty)));
        Some(id)
    }

    fn push_step(&mut self, condition: Condition) {
        self.open = Open::Nothing;
        match &mut self.rule.group {
            Some(group) => group.then.push(condition),
            None => self.rule.conditions.push(condition),
        }
    }
}

impl ExprBuilder for RuleBuilder<'_> {
    fn program(&self) -> &Program {
        self.builder.program()
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.builder.report(diagnostic);
    }

    fn lookup(&self, name: &str) -> Option<Resolved> {
        self.scope
            .iter()
            .rev()
            .find(|(existing, _)| existing == name)
            .map(|(_, resolved)| resolved.clone())
    }

    fn names_in_scope(&self) -> Vec<String> {
        self.scope.iter().map(|(name, _)| name.clone()).collect()
    }

    fn enter_var(&mut self, name: &str, ty: ValueType, span: Span) -> Option<VarId> {
        self.declare_var(name, ty, span)
    }

    fn leave_var(&mut self, var: VarId) {
        if let Some(at) = self
            .scope
            .iter()
            .rposition(|(_, resolved)| matches!(resolved, Resolved::Var(v, _) if *v == var))
        {
            self.scope.remove(at);
        }
    }

    fn aggregate(&mut self, op: AggOp, value: Option<Expr>, span: Span) -> Expr {
        if self.rule.group.is_none() {
            let diagnostic = Diagnostic::new(
                Code::AggregateOutsideGroup,
                format!(
                    "`{}` combines the matches of a group, but this rule has no `group by`",
                    op.name()
                ),
                span,
                "no group to combine",
            )
            .with_help(format!(
                "add `group by ...`; to combine other facts for each match write \
                 `{0}(b.x for each type b where ...)`, and for a list inside one fact \
                 `{0}(x for x in list)`",
                op.name()
            ));
            self.report(diagnostic);
            return error(span);
        }
        let name = (1..)
            .map(|n| format!("{}{n}", op.name()))
            .find(|name| self.lookup(name).is_none())
            .expect("a free name exists");
        match self.group_aggregate(&name, span, op, value, span) {
            Some(var) => {
                let ty = self.rule.vars[var.index()].ty.clone();
                Expr::new(ExprKind::Var(var), ty, span)
            }
            None => error(span),
        }
    }

    fn allocate_allowed(&self) -> bool {
        !self.members.is_empty()
    }

    fn binding(&self, binding: BindingId) -> Option<(String, BindingKind)> {
        self.rule
            .bindings
            .get(binding.index())
            .map(|b| (b.name.clone(), b.kind.clone()))
    }
}

/// True when `condition` defines `var`.
fn defines(condition: &Condition, var: VarId) -> bool {
    match condition {
        Condition::Let(let_) => let_.var == var,
        Condition::Accumulate(accumulate) => accumulate.var == var,
        _ => false,
    }
}
