//! Lowering rules: each step drives the rule builder in order. A rule ending in `first`
//! becomes one IR rule per branch (`"Name [1]"`, `"Name [2]"`, `"Name [otherwise]"`), each
//! with the rule's other steps, its own test, and the negation of every earlier branch's
//! test — "does not hold" being `not (test == true)`, which is true where the test is false,
//! null or missing.

use reckon_rule_ir::builder::{ExprBuilder, ProgramBuilder, RuleBuilder};
use reckon_rule_ir::{BinaryOp, Code, Diagnostic, Expr, Literal, Span, UnaryOp as IrUnary};

use super::exprs::{lower, lower_named};
use crate::calc::ast::{self, Action, ActionKind, ExprKind, FieldInit, RuleDecl, StepKind};

pub(super) fn lower_rule(builder: &mut ProgramBuilder, rule: &RuleDecl, span: Span) {
    let priority = rule.priority.map_or(0, |(value, _)| value);
    let first = rule
        .steps
        .iter()
        .position(|step| matches!(step.kind, StepKind::First(_)));
    let Some(first) = first else {
        let mut r = builder.rule(&rule.name.0, priority, span);
        for step in &rule.steps {
            lower_step(&mut r, &step.kind, step.span);
        }
        r.finish();
        return;
    };
    if let Some(after) = rule.steps.get(first + 1) {
        let diagnostic = Diagnostic::new(
            Code::Syntax,
            "`first` must be the last step of a rule",
            after.span,
            "after `first`",
        )
        .with_help("move this step above `first`, or into a branch");
        builder.report(diagnostic);
    }
    let StepKind::First(branches) = &rule.steps[first].kind else {
        unreachable!("found above")
    };
    for (index, branch) in branches.iter().enumerate() {
        let label = if branch.test.is_some() {
            (index + 1).to_string()
        } else {
            "otherwise".into()
        };
        let mut r = builder.rule(&format!("{} [{label}]", rule.name.0), priority, span);
        for step in &rule.steps[..first] {
            lower_step(&mut r, &step.kind, step.span);
        }
        for earlier in &branches[..index] {
            if let Some(test) = &earlier.test {
                let test_ir = lower(&mut r, test);
                let truth = r.literal(Literal::Bool(true), test.span);
                let holds = r.binary(BinaryOp::Eq, test_ir, truth, test.span);
                let fails = r.unary(IrUnary::Not, holds, test.span);
                r.guard(fails);
            }
        }
        if let Some(test) = &branch.test {
            let test = lower(&mut r, test);
            r.guard(test);
        }
        for action in &branch.actions {
            lower_action(&mut r, action);
        }
        r.finish();
    }
}

fn lower_step(r: &mut RuleBuilder<'_>, step: &StepKind, span: Span) {
    match step {
        StepKind::Match { pattern, .. } => {
            let (binding, fact_type) = (&pattern.binding, &pattern.fact_type);
            let id = r.match_fact(
                &binding.name,
                binding.span,
                &fact_type.name,
                fact_type.span,
                span,
            );
            if let (Some(id), Some(filter)) = (id, &pattern.filter) {
                let test = lower(r, filter);
                r.filter_on(id, test);
            }
        }
        StepKind::Next {
            pattern,
            after,
            order,
        } => {
            let order: Vec<(String, Span)> = order
                .iter()
                .map(|field| (field.name.clone(), field.span))
                .collect();
            let (binding, fact_type) = (&pattern.binding, &pattern.fact_type);
            let id = r.match_next(
                &binding.name,
                binding.span,
                &fact_type.name,
                fact_type.span,
                &after.name,
                after.span,
                &order,
                span,
            );
            if let (Some(id), Some(filter)) = (id, &pattern.filter) {
                let test = lower(r, filter);
                r.filter_on(id, test);
            }
        }
        StepKind::No(pattern) | StepKind::Exists(pattern) => {
            let (binding, fact_type) = (&pattern.binding, &pattern.fact_type);
            if matches!(step, StepKind::No(_)) {
                r.begin_absent(
                    &binding.name,
                    binding.span,
                    &fact_type.name,
                    fact_type.span,
                    span,
                );
            } else {
                r.begin_exists(
                    &binding.name,
                    binding.span,
                    &fact_type.name,
                    fact_type.span,
                    span,
                );
            }
            if let Some(filter) = &pattern.filter {
                let test = lower(r, filter);
                r.filter(test);
            }
            r.end_pattern(None, None);
        }
        StepKind::Expand { binding, source } => {
            let source = lower(r, source);
            r.expand(&binding.name, binding.span, source, span);
        }
        StepKind::Let { name, value } => {
            // `let bonuses = sum(... for each bonus b ...)` is the accumulation itself.
            if lower_named(r, &name.name, value).is_none() {
                let value = lower(r, value);
                r.let_value(&name.name, name.span, value, span);
            }
        }
        StepKind::When(test) => {
            let test = lower(r, test);
            r.guard(test);
        }
        StepKind::GroupBy(keys) => {
            r.group_by(span);
            for (index, key) in keys.iter().enumerate() {
                lower_group_key(r, key, index);
            }
        }
        StepKind::First(_) => unreachable!("lower_rule splits rules at `first`"),
        StepKind::Action(action) => lower_action(r, action),
    }
}

/// `group by p` (a fact), `group by s.employee_id` (named `employee_id`), or `... as name`.
fn lower_group_key(r: &mut RuleBuilder<'_>, key: &ast::GroupKey, index: usize) {
    if key.alias.is_none() {
        if let ExprKind::Name(name) = &key.expr.kind {
            if r.lookup(&name.name).is_some_and(|found| {
                matches!(
                    found,
                    reckon_rule_ir::builder::Resolved::Binding(
                        _,
                        reckon_rule_ir::BindingKind::Fact(_)
                    )
                )
            }) {
                r.group_key_fact(&name.name, name.span);
                return;
            }
        }
    }
    let (name, name_span) = match (&key.alias, &key.expr.kind) {
        (Some(alias), _) => (alias.name.clone(), alias.span),
        (None, ExprKind::Member(_, field)) => (field.name.clone(), field.span),
        (None, ExprKind::Name(name)) => (name.name.clone(), name.span),
        (None, _) => {
            let diagnostic = Diagnostic::new(
                Code::Syntax,
                "a computed group key needs a name",
                key.expr.span,
                "no name",
            )
            .with_help(format!(
                "add `as` and a name, as in `... as key{}`",
                index + 1
            ));
            r.report(diagnostic);
            return;
        }
    };
    let value = lower(r, &key.expr);
    r.group_key(&name, name_span, value);
}

fn lower_action(r: &mut RuleBuilder<'_>, action: &Action) {
    let span = action.span;
    match &action.kind {
        ActionKind::Emit {
            fact_type,
            for_each,
            fields,
        } => {
            let members: Vec<(String, Span)> =
                for_each.iter().map(|m| (m.name.clone(), m.span)).collect();
            if !members.is_empty() {
                r.begin_members(&members);
            }
            let fields = field_values(r, fields);
            r.emit(&fact_type.name, fact_type.span, fields, span);
        }
        ActionKind::Set {
            binding,
            field,
            value,
        } => {
            let value = lower(r, value);
            r.set(
                &binding.name,
                binding.span,
                &field.name,
                field.span,
                value,
                span,
            );
        }
        ActionKind::Alert(message) => {
            let message = lower(r, message);
            r.alert(message, span);
        }
        ActionKind::Retract(binding) => r.retract(&binding.name, binding.span, span),
        ActionKind::Update { binding, fields } => {
            let fields = field_values(r, fields);
            r.update(&binding.name, binding.span, fields, span);
        }
    }
}

/// The values of `field: value` pairs, in order. `field` alone stands for the value of that
/// name; a field that a later field reads by name becomes a `let` of that name first, so
/// that `premium: hours * rate` may use `hours: total - threshold` given just before.
fn field_values(r: &mut RuleBuilder<'_>, fields: &[FieldInit]) -> Vec<(String, Span, Expr)> {
    let mut values = Vec::with_capacity(fields.len());
    for (index, field) in fields.iter().enumerate() {
        let name = &field.name;
        let value = match &field.value {
            None => r.name(&name.name, name.span),
            Some(value)
                if r.grouped()
                    && r.lookup(&name.name).is_none()
                    && aggregate_call(value).is_some() =>
            {
                // `total: sum(s.hours)` names the group's aggregate after the field.
                let (op, argument) = aggregate_call(value).expect("checked in the guard");
                let argument = argument.map(|argument| lower(r, argument));
                match r.group_aggregate(&name.name, name.span, op, argument, value.span) {
                    Some(_) => r.name(&name.name, name.span),
                    None => lower(r, value),
                }
            }
            Some(value) => {
                let read_later = fields[index + 1..].iter().any(|later| {
                    later
                        .value
                        .as_ref()
                        .is_some_and(|v| reads_name(v, &name.name))
                });
                let lowered = lower(r, value);
                if read_later && r.lookup(&name.name).is_none() {
                    r.let_value(&name.name, name.span, lowered, value.span);
                    r.name(&name.name, name.span)
                } else {
                    lowered
                }
            }
        };
        values.push((name.name.clone(), name.span, value));
    }
    values
}

/// The aggregate and argument of a call such as `sum(s.hours)` or `count()`.
fn aggregate_call(expr: &ast::Expr) -> Option<(reckon_rule_ir::AggOp, Option<&ast::Expr>)> {
    let ExprKind::Call { name, args } = &expr.kind else {
        return None;
    };
    let op = reckon_rule_ir::AggOp::from_name(&name.name)?;
    match (op, args.as_slice()) {
        (reckon_rule_ir::AggOp::Count, []) => Some((op, None)),
        (_, [arg]) if arg.name.is_none() => Some((op, Some(&arg.value))),
        _ => None,
    }
}

/// True when `expr` reads the bare name `name` anywhere.
fn reads_name(expr: &ast::Expr, name: &str) -> bool {
    let mut found = false;
    visit(expr, &mut |e| {
        if let ExprKind::Name(ident) = &e.kind {
            found |= ident.name == name;
        }
    });
    found
}

/// Calls `f` on `expr` and every expression inside it.
pub(crate) fn visit(expr: &ast::Expr, f: &mut dyn FnMut(&ast::Expr)) {
    f(expr);
    let mut each = |e: &ast::Expr| visit(e, f);
    match &expr.kind {
        ExprKind::Literal(_) | ExprKind::Name(_) | ExprKind::Error => {}
        ExprKind::Template(parts) => {
            for part in parts {
                if let ast::TemplatePart::Value(value) = part {
                    each(value);
                }
            }
        }
        ExprKind::Member(base, _) | ExprKind::Unary(_, base) | ExprKind::Paren(base) => each(base),
        ExprKind::Call { args, .. } => args.iter().for_each(|arg| each(&arg.value)),
        ExprKind::AggregateFacts {
            value,
            pattern,
            default,
            ..
        } => {
            value.iter().for_each(|e| each(e));
            pattern.filter.iter().for_each(&mut each);
            default.iter().for_each(|e| each(e));
        }
        ExprKind::Comprehension {
            value,
            source,
            filter,
            default,
            ..
        } => {
            value
                .iter()
                .chain(std::iter::once(source))
                .chain(filter.iter())
                .chain(default.iter())
                .for_each(|e| each(e));
        }
        ExprKind::Binary(_, left, right) => {
            each(left);
            each(right);
        }
        ExprKind::In(value, list) => {
            each(value);
            list.iter().for_each(&mut each);
        }
        ExprKind::Between(a, b, c) | ExprKind::If(a, b, c) => {
            each(a);
            each(b);
            each(c);
        }
        ExprKind::Is { value, .. } => each(value),
        ExprKind::List(items) => items.iter().for_each(&mut each),
        ExprKind::Record(fields) => fields.iter().for_each(|(_, value)| each(value)),
    }
}
