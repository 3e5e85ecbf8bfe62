//! Printing a program in the text form. Expressions are fully parenthesised, so the text
//! shows exactly the tree and reads back to it.

use std::fmt::Write;

use reckon_fact_store::{FactTypeId, Presence};

use super::{field as field_name, name};
use crate::expr::{Expr, ExprKind, Function, Literal, TemplatePart, UnaryOp};
use crate::ids::BindingId;
use crate::program::{Calc, FactDecl, Program};
use crate::rule::{Action, BindingKind, Condition, GroupKey, Pattern, Rule};

/// The whole program as text.
pub fn print(program: &Program) -> String {
    let mut out = String::new();
    for fact in &program.facts {
        print_fact(&mut out, fact);
    }
    for calc in &program.calcs {
        print_calc(&mut out, program, calc);
    }
    if !program.alpha.is_empty() {
        out.push('\n');
        for alpha in &program.alpha {
            let names = Names {
                program,
                rule: None,
                calc: None,
                subject: Some(alpha.fact_type),
            };
            let _ = writeln!(
                out,
                "alpha {} {}: {} uses {}",
                alpha.id,
                name(&program.fact(alpha.fact_type).name),
                expr(&names, &alpha.expr),
                alpha.uses
            );
        }
    }
    for rule in &program.rules {
        print_rule(&mut out, program, rule);
    }
    if !program.strata.is_empty() {
        out.push('\n');
        for (index, stratum) in program.strata.iter().enumerate() {
            let rules: Vec<String> = stratum.rules.iter().map(ToString::to_string).collect();
            let _ = write!(out, "stratum {index}: {}", rules.join(" "));
            if let Some(partition) = &stratum.partition {
                let fields: Vec<String> = partition
                    .iter()
                    .map(|(fact, field)| {
                        let decl = program.fact(*fact);
                        format!(
                            "{}.{}",
                            name(&decl.name),
                            field_name(&decl.fields[field.index()].name)
                        )
                    })
                    .collect();
                let fields = if fields.is_empty() {
                    "any".to_string()
                } else {
                    fields.join(", ")
                };
                let _ = write!(out, " partition {fields}");
            }
            out.push('\n');
        }
    }
    // Every section starts with a blank line, but the text does not.
    match out.strip_prefix('\n') {
        Some(rest) => rest.to_string(),
        None => out,
    }
}

/// One expression of a rule as text (for diagnostics and pass logs).
pub fn print_expr(program: &Program, rule: Option<&Rule>, e: &Expr) -> String {
    expr(
        &Names {
            program,
            rule,
            calc: None,
            subject: None,
        },
        e,
    )
}

fn print_fact(out: &mut String, fact: &FactDecl) {
    let _ = write!(out, "\nfact {}", name(&fact.name));
    if fact.single {
        out.push_str(" single");
    }
    if fact.output {
        out.push_str(" output");
    }
    out.push_str(" {\n");
    for field in &fact.fields {
        let _ = write!(out, "  {}: {}", field_name(&field.name), field.ty);
        if field.derived {
            out.push_str(" derived");
        } else if field.presence == Presence::Optional {
            out.push_str(" optional");
        }
        if let Some(default) = &field.default {
            let _ = write!(out, " default {}", literal(default));
        }
        out.push('\n');
    }
    out.push_str("}\n");
}

fn print_calc(out: &mut String, program: &Program, calc: &Calc) {
    let params: Vec<String> = calc
        .params
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                name(&calc.vars[p.index()].name),
                calc.vars[p.index()].ty
            )
        })
        .collect();
    let names = Names {
        program,
        rule: None,
        calc: Some(calc),
        subject: None,
    };
    let _ = write!(
        out,
        "\ncalc {}({}) -> {} =\n  {}\n",
        name(&calc.name),
        params.join(", "),
        calc.returns,
        expr(&names, &calc.body)
    );
}

fn print_rule(out: &mut String, program: &Program, rule: &Rule) {
    let names = Names {
        program,
        rule: Some(rule),
        calc: None,
        subject: None,
    };
    let _ = write!(out, "\nrule {} {}", rule.id, quoted(&rule.name));
    if rule.priority != 0 {
        let _ = write!(out, " priority {}", rule.priority);
    }
    if !program.strata.is_empty() {
        let _ = write!(out, " stratum {}", rule.stratum);
    }
    out.push_str(" {\n");
    for condition in &rule.conditions {
        print_condition(out, &names, condition, "  ");
    }
    if let Some(group) = &rule.group {
        out.push_str("  group by\n");
        for key in &group.keys {
            match key {
                GroupKey::Fact(binding) => {
                    let _ = writeln!(out, "    key {}", name(&rule.binding(*binding).name));
                }
                GroupKey::Value { var, expr: key } => {
                    let v = rule.var(*var);
                    let _ = writeln!(
                        out,
                        "    key {}: {} = {}",
                        name(&v.name),
                        v.ty,
                        expr(&names, key)
                    );
                }
            }
        }
        for aggregate in &group.aggregates {
            let v = rule.var(aggregate.var);
            let value = aggregate
                .value
                .as_ref()
                .map_or(String::new(), |value| expr(&names, value));
            let _ = writeln!(
                out,
                "    aggregate {}: {} = {}({value})",
                name(&v.name),
                v.ty,
                aggregate.op.name()
            );
        }
        for condition in &group.then {
            print_condition(out, &names, condition, "    ");
        }
    }
    for action in &rule.actions {
        print_action(out, &names, action);
    }
    out.push_str("}\n");
}

fn print_condition(out: &mut String, names: &Names<'_>, condition: &Condition, indent: &str) {
    let rule = names.rule.expect("conditions belong to rules");
    let fact = |pattern: &Pattern| {
        format!(
            "{}: {}",
            name(&rule.binding(pattern.binding).name),
            name(&names.program.fact(pattern.fact_type).name)
        )
    };
    match condition {
        Condition::Match(pattern) => {
            match &pattern.next {
                None => {
                    let _ = writeln!(out, "{indent}match {}", fact(pattern));
                }
                Some(next) => {
                    let decl = names.program.fact(pattern.fact_type);
                    let order: Vec<String> = next
                        .order
                        .iter()
                        .map(|f| field_name(&decl.fields[f.index()].name))
                        .collect();
                    let after = name(&rule.binding(next.after).name);
                    let _ = writeln!(
                        out,
                        "{indent}next {} after {after} by ({})",
                        fact(pattern),
                        order.join(", ")
                    );
                }
            }
            print_filters(out, names, pattern, indent);
        }
        Condition::Absent(pattern) => {
            let _ = writeln!(out, "{indent}no {}", fact(pattern));
            print_filters(out, names, pattern, indent);
        }
        Condition::Exists(pattern) => {
            let _ = writeln!(out, "{indent}exists {}", fact(pattern));
            print_filters(out, names, pattern, indent);
        }
        Condition::Expand(expand) => {
            let binding = rule.binding(expand.binding);
            let ty = match &binding.kind {
                BindingKind::Value(ty) => ty.to_string(),
                BindingKind::Fact(fact) => names.program.fact(*fact).name.clone(),
            };
            let _ = writeln!(
                out,
                "{indent}expand {}: {ty} in {}",
                name(&binding.name),
                expr(names, &expand.source)
            );
        }
        Condition::Accumulate(accumulate) => {
            let v = rule.var(accumulate.var);
            let value = accumulate
                .value
                .as_ref()
                .map_or(String::new(), |value| expr(names, value));
            let _ = write!(
                out,
                "{indent}accumulate {} into {}: {} = {}({value})",
                fact(&accumulate.pattern),
                name(&v.name),
                v.ty,
                accumulate.op.name()
            );
            if let Some(default) = &accumulate.default {
                let _ = write!(out, " default {}", expr(names, default));
            }
            out.push('\n');
            print_filters(out, names, &accumulate.pattern, indent);
        }
        Condition::Let(let_) => {
            let v = rule.var(let_.var);
            let _ = writeln!(
                out,
                "{indent}let {}: {} = {}",
                name(&v.name),
                v.ty,
                expr(names, &let_.value)
            );
        }
        Condition::Guard(test) => {
            let _ = writeln!(out, "{indent}when {}", expr(names, test));
        }
    }
}

fn print_filters(out: &mut String, names: &Names<'_>, pattern: &Pattern, indent: &str) {
    for test in &pattern.tests {
        match test.alpha {
            Some(alpha) => {
                let _ = writeln!(out, "{indent}  test [{alpha}] {}", expr(names, &test.expr));
            }
            None => {
                let _ = writeln!(out, "{indent}  test {}", expr(names, &test.expr));
            }
        }
    }
    for join in &pattern.joins {
        let _ = writeln!(out, "{indent}  join {}", expr(names, join));
    }
}

fn print_action(out: &mut String, names: &Names<'_>, action: &Action) {
    let rule = names.rule.expect("actions belong to rules");
    let program = names.program;
    let fields = |fact_type: FactTypeId, fields: &[(reckon_fact_store::FieldId, Expr)]| {
        let decl = program.fact(fact_type);
        let parts: Vec<String> = fields
            .iter()
            .map(|(field, value)| {
                format!(
                    "{}: {}",
                    field_name(&decl.fields[field.index()].name),
                    expr(names, value)
                )
            })
            .collect();
        format!("{{ {} }}", parts.join(", "))
    };
    match action {
        Action::Emit(emit) => {
            let _ = write!(out, "  emit {}", name(&program.fact(emit.fact_type).name));
            if !emit.for_each.is_empty() {
                let members: Vec<String> = emit
                    .for_each
                    .iter()
                    .map(|b| name(&rule.binding(*b).name))
                    .collect();
                let _ = write!(out, " for each ({})", members.join(", "));
            }
            let _ = writeln!(out, " {}", fields(emit.fact_type, &emit.fields));
        }
        Action::Set {
            binding,
            field,
            value,
            ..
        } => {
            let fact_type = binding_fact(rule, *binding);
            let field = &program.fact(fact_type).fields[field.index()].name;
            let _ = writeln!(
                out,
                "  set {}.{} = {}",
                name(&rule.binding(*binding).name),
                self::field_name(field),
                expr(names, value)
            );
        }
        Action::Alert { message, .. } => {
            let _ = writeln!(out, "  alert {}", expr(names, message));
        }
        Action::Retract { binding, .. } => {
            let _ = writeln!(out, "  retract {}", name(&rule.binding(*binding).name));
        }
        Action::Update {
            binding,
            fields: values,
            ..
        } => {
            let fact_type = binding_fact(rule, *binding);
            let _ = writeln!(
                out,
                "  update {} {}",
                name(&rule.binding(*binding).name),
                fields(fact_type, values)
            );
        }
    }
}

fn binding_fact(rule: &Rule, binding: BindingId) -> FactTypeId {
    match rule.binding(binding).kind {
        BindingKind::Fact(fact_type) => fact_type,
        BindingKind::Value(_) => unreachable!("the builder only sets fields of fact bindings"),
    }
}

/// What names resolve against while printing.
struct Names<'a> {
    program: &'a Program,
    rule: Option<&'a Rule>,
    calc: Option<&'a Calc>,
    /// In a shared test, the fact type of `it`.
    subject: Option<FactTypeId>,
}

impl Names<'_> {
    fn binding(&self, binding: BindingId) -> (String, Option<FactTypeId>) {
        if binding == BindingId::SUBJECT {
            return ("it".into(), self.subject);
        }
        match self.rule {
            Some(rule) => {
                let b = rule.binding(binding);
                let fact = match b.kind {
                    BindingKind::Fact(fact) => Some(fact),
                    BindingKind::Value(_) => None,
                };
                (name(&b.name), fact)
            }
            None => (format!("{binding}"), None),
        }
    }

    fn var(&self, var: crate::ids::VarId) -> String {
        if let Some(rule) = self.rule {
            return name(&rule.var(var).name);
        }
        if let Some(calc) = self.calc {
            return name(&calc.vars[var.index()].name);
        }
        format!("{var}")
    }
}

fn expr(names: &Names<'_>, e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(value) => literal(value),
        ExprKind::Field { binding, field } => {
            let (binding_name, fact) = names.binding(*binding);
            let field_name = match fact {
                Some(fact) => field_name(&names.program.fact(fact).fields[field.index()].name),
                None => format!("{field:?}"),
            };
            format!("{binding_name}.{field_name}")
        }
        ExprKind::Binding(binding) => names.binding(*binding).0,
        ExprKind::Var(var) => names.var(*var),
        ExprKind::Member { base, name: member } => {
            format!("{}.{}", expr(names, base), field_name(member))
        }
        ExprKind::Unary { op, operand } => match op {
            UnaryOp::Neg => format!("(- {})", expr(names, operand)),
            UnaryOp::Not => format!("(not {})", expr(names, operand)),
            UnaryOp::IsMissing => format!("({} is missing)", expr(names, operand)),
            UnaryOp::IsNull => format!("({} is null)", expr(names, operand)),
        },
        ExprKind::Binary { op, left, right } => format!(
            "({} {} {})",
            expr(names, left),
            op.symbol(),
            expr(names, right)
        ),
        ExprKind::In { value, list } => {
            format!("({} in [{}])", expr(names, value), list_of(names, list))
        }
        ExprKind::If {
            condition,
            then,
            otherwise,
        } => {
            format!(
                "(if {} then {} else {})",
                expr(names, condition),
                expr(names, then),
                expr(names, otherwise)
            )
        }
        ExprKind::Call { function, args } => {
            let callee = match function {
                Function::Builtin(builtin) => builtin.name().to_string(),
                Function::Calc(calc) => name(&names.program.calc(*calc).name),
            };
            format!("{callee}({})", list_of(names, args))
        }
        ExprKind::List(items) => format!("[{}]", list_of(names, items)),
        ExprKind::Record(fields) => {
            let parts: Vec<String> = fields
                .iter()
                .map(|(field, value)| format!("{}: {}", field_name(field), expr(names, value)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        ExprKind::Template(parts) => {
            let parts: Vec<String> = parts
                .iter()
                .map(|part| match part {
                    TemplatePart::Text(text) => quoted(text),
                    // A bare string is a text part; a value that is a string is bracketed.
                    TemplatePart::Value(
                        value @ Expr {
                            kind: ExprKind::Literal(Literal::Text(_)),
                            ..
                        },
                    ) => {
                        format!("({})", expr(names, value))
                    }
                    TemplatePart::Value(value) => expr(names, value),
                })
                .collect();
            format!("template[{}]", parts.join(", "))
        }
        ExprKind::Comprehension(c) => {
            let var = names.var(c.var);
            let mut text = format!("{}(for {var} in {}", c.op.name(), expr(names, &c.source));
            if let Some(filter) = &c.filter {
                let _ = write!(text, " where {}", expr(names, filter));
            }
            if let Some(value) = &c.value {
                let _ = write!(text, " yield {}", expr(names, value));
            }
            if let Some(default) = &c.default {
                let _ = write!(text, " default {}", expr(names, default));
            }
            text.push(')');
            text
        }
        ExprKind::Allocate {
            amount,
            weight,
            tie,
        } => {
            format!(
                "allocate({}, {}, {})",
                expr(names, amount),
                expr(names, weight),
                expr(names, tie)
            )
        }
        ExprKind::Error => "<error>".into(),
    }
}

fn list_of(names: &Names<'_>, items: &[Expr]) -> String {
    items
        .iter()
        .map(|item| expr(names, item))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A literal as the text form writes it.
pub(crate) fn literal(value: &Literal) -> String {
    match value {
        Literal::Null => "null".into(),
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) => i.to_string(),
        // A decimal with no fraction is marked so that it does not read back as an int;
        // zero prints without a sign, as it reads back.
        Literal::Decimal(d) => {
            let mut d = *d;
            if d.is_zero() {
                d.set_sign_positive(true);
            }
            if d.scale() == 0 {
                format!("{d}d")
            } else {
                d.to_string()
            }
        }
        Literal::Text(text) => quoted(text),
        Literal::Date(d) => format!("d\"{d}\""),
        Literal::DateTime(d) => format!("dt\"{d}\""),
        Literal::Duration(d) => format!("dur\"{d}\""),
        Literal::Week(w) => format!("wk\"{w}\""),
    }
}

/// Text in double quotes, with JSON's escapes.
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
