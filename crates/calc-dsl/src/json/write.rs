//! Writing a syntax tree as a canonical JSON rule document: sections in the order facts,
//! outputs, calcs, rules; members in a fixed order; expressions printed as `.calc` text. A
//! rule is written in the key form when that form reads back to exactly its steps, and as
//! `"steps"` otherwise. Comments are not written: JSON has none.

use super::read_rules::{ACTION_KEYS, STEP_KEYS};
use super::value::Json;
use crate::calc::ast::{
    Action, ActionKind, Branch, CalcDecl, Expr, ExprKind, FactDecl, FieldDecl, FieldInit, File,
    GroupKey, ItemKind, Literal, Pattern, RuleDecl, StepKind, UnaryOp,
};
use crate::calc::print::exprs::{self as calc_text, braces_doubled, name, template_inside};

/// The JSON form of a syntax tree. A tree with errors in it (from a source that did not
/// parse) writes what it can; an expression that could not be read is written as `?`.
pub fn write(file: &File) -> Json {
    let mut facts = Vec::new();
    let mut calcs = Vec::new();
    let mut rules = Vec::new();
    for item in &file.items {
        match &item.kind {
            ItemKind::Fact(fact) => facts.push(fact),
            ItemKind::Calc(calc) => calcs.push(calc),
            ItemKind::Rule(rule) => rules.push(rule),
        }
    }
    let mut top = Vec::new();
    // Declaration order is kept: when a fact type follows an output, both go in "facts" and
    // the outputs are marked.
    let interleaved = facts.iter().skip_while(|f| !f.output).any(|f| !f.output);
    let (plain, outputs): (Vec<&FactDecl>, Vec<&FactDecl>) = if interleaved {
        (facts, Vec::new())
    } else {
        facts.into_iter().partition(|fact| !fact.output)
    };
    for (key, section) in [("facts", plain), ("outputs", outputs)] {
        if !section.is_empty() {
            let members = section
                .iter()
                .map(|f| (f.name.name.clone(), fact(f, interleaved)))
                .collect();
            top.push((key.to_string(), Json::Object(members)));
        }
    }
    if !calcs.is_empty() {
        let members = calcs
            .iter()
            .map(|c| (c.name.name.clone(), calc(c)))
            .collect();
        top.push(("calcs".to_string(), Json::Object(members)));
    }
    if !rules.is_empty() {
        let rules = rules.into_iter().map(rule).collect();
        top.push(("rules".to_string(), Json::Array(rules)));
    }
    Json::Object(top)
}

/// The canonical JSON text of a syntax tree.
pub fn to_text(file: &File) -> String {
    write(file).to_text()
}

fn object(members: Vec<(&str, Json)>) -> Json {
    Json::Object(
        members
            .into_iter()
            .map(|(key, value)| (key.to_string(), value))
            .collect(),
    )
}

fn expr(e: &Expr) -> Json {
    Json::String(calc_text::to_string(e))
}

fn fact(fact: &FactDecl, mark_output: bool) -> Json {
    let mut members = Vec::new();
    if fact.single {
        members.push(("$single".to_string(), Json::Bool(true)));
    }
    if mark_output && fact.output {
        members.push(("$output".to_string(), Json::Bool(true)));
    }
    for field in &fact.fields {
        // A key starting with `$` is a marker; a field whose name does is written `$$name`.
        let key = if field.name.name.starts_with('$') {
            format!("${}", field.name.name)
        } else {
            field.name.name.clone()
        };
        members.push((key, field_spec(field)));
    }
    Json::Object(members)
}

fn field_spec(field: &FieldDecl) -> Json {
    let ty = Json::String(type_text(&field.ty));
    if !field.optional && field.default.is_none() {
        return ty;
    }
    let mut members = vec![("type", ty)];
    if field.optional {
        members.push(("optional", Json::Bool(true)));
    }
    if let Some(default) = &field.default {
        members.push(("default", constant(default)));
    }
    object(members)
}

/// A default: a number, boolean or null as JSON, anything else as an expression string.
fn constant(e: &Expr) -> Json {
    match &e.kind {
        ExprKind::Literal(Literal::Int(text) | Literal::Decimal(text)) if is_json_number(text) => {
            Json::Number(text.clone())
        }
        ExprKind::Unary(UnaryOp::Neg, inner) => match &inner.kind {
            ExprKind::Literal(Literal::Int(text) | Literal::Decimal(text))
                if is_json_number(text) =>
            {
                Json::Number(format!("-{text}"))
            }
            _ => expr(e),
        },
        ExprKind::Literal(Literal::Bool(value)) => Json::Bool(*value),
        ExprKind::Literal(Literal::Null) => Json::Null,
        _ => expr(e),
    }
}

/// True for digits that JSON takes as a number as they are: no leading zero before more
/// digits (`007` is a `.calc` number but not a JSON one).
fn is_json_number(text: &str) -> bool {
    let whole = text.split('.').next().unwrap_or_default();
    !whole.is_empty() && (whole == "0" || !whole.starts_with('0'))
}

fn calc(calc: &CalcDecl) -> Json {
    let params = calc
        .params
        .iter()
        .map(|(param, ty)| (param.name.clone(), Json::String(type_text(ty))))
        .collect();
    object(vec![
        ("params", Json::Object(params)),
        ("returns", Json::String(type_text(&calc.returns))),
        ("expr", expr(&calc.body)),
    ])
}

fn rule(rule: &RuleDecl) -> Json {
    let mut members = vec![("name".to_string(), Json::String(rule.name.0.clone()))];
    if let Some((priority, _)) = rule.priority {
        members.push(("priority".to_string(), Json::Number(priority.to_string())));
    }
    let entries: Vec<(&str, Json)> = rule.steps.iter().map(|s| step(&s.kind)).collect();
    match group(&entries, &STEP_KEYS) {
        Some(grouped) => members.extend(grouped),
        None => {
            let steps = entries
                .into_iter()
                .map(|(key, value)| object(vec![(key, value)]))
                .collect();
            members.push(("steps".to_string(), Json::Array(steps)));
        }
    }
    Json::Object(members)
}

/// The key form of steps (or actions): one member per key, in `order`, a list where a key
/// has several steps, `set` and `let` entries merged. `None` when the steps are not in that
/// order, or merging would lose one.
fn group(entries: &[(&str, Json)], order: &[&str]) -> Option<Vec<(String, Json)>> {
    let mut runs: Vec<(&str, Vec<Json>)> = Vec::new();
    let mut last = 0;
    for (key, value) in entries {
        let rank = order.iter().position(|k| k == key)?;
        if rank < last {
            return None;
        }
        last = rank;
        match runs.last_mut() {
            Some((run_key, values)) if run_key == key => values.push(value.clone()),
            _ => runs.push((key, vec![value.clone()])),
        }
    }
    runs.into_iter()
        .map(|(key, mut values)| {
            let value = match key {
                _ if values.len() == 1 => values.pop()?,
                "set" | "let" => {
                    let mut merged: Vec<(String, Json)> = Vec::new();
                    for value in values {
                        let Json::Object(members) = value else {
                            return None;
                        };
                        for (name, value) in members {
                            if merged.iter().any(|(seen, _)| *seen == name) {
                                return None;
                            }
                            merged.push((name, value));
                        }
                    }
                    Json::Object(merged)
                }
                "group_by" | "first" => return None,
                _ => Json::Array(values),
            };
            Some((key.to_string(), value))
        })
        .collect()
}

fn step(kind: &StepKind) -> (&'static str, Json) {
    match kind {
        StepKind::Match { first, pattern } => {
            let key = if *first { "for_each" } else { "with" };
            (key, pattern_json(pattern, Vec::new()))
        }
        StepKind::Next {
            pattern,
            after,
            order,
        } => {
            let by = order.iter().map(|f| Json::String(f.name.clone())).collect();
            let extra = vec![
                ("after", Json::String(after.name.clone())),
                ("by", Json::Array(by)),
            ];
            ("with", pattern_json(pattern, extra))
        }
        StepKind::No(pattern) => ("no", pattern_json(pattern, Vec::new())),
        StepKind::Exists(pattern) => ("exists", pattern_json(pattern, Vec::new())),
        StepKind::Expand { binding, source } => {
            let members = vec![
                ("as", Json::String(binding.name.clone())),
                ("in", expr(source)),
            ];
            ("for_each", object(members))
        }
        StepKind::Let { name, value } => {
            ("let", Json::Object(vec![(name.name.clone(), expr(value))]))
        }
        StepKind::When(test) => ("when", expr(test)),
        StepKind::GroupBy(keys) => (
            "group_by",
            Json::Array(keys.iter().map(group_key).collect()),
        ),
        StepKind::First(branches) => ("first", Json::Array(branches.iter().map(branch).collect())),
        StepKind::Action(action) => action_entry(action),
    }
}

fn pattern_json(pattern: &Pattern, extra: Vec<(&str, Json)>) -> Json {
    let mut members = vec![
        ("type", Json::String(pattern.fact_type.name.clone())),
        ("as", Json::String(pattern.binding.name.clone())),
    ];
    members.extend(extra);
    if let Some(filter) = &pattern.filter {
        members.push(("where", expr(filter)));
    }
    object(members)
}

fn group_key(key: &GroupKey) -> Json {
    match &key.alias {
        None => expr(&key.expr),
        Some(alias) => object(vec![
            ("key", expr(&key.expr)),
            ("as", Json::String(alias.name.clone())),
        ]),
    }
}

fn branch(branch: &Branch) -> Json {
    let actions = actions_json(&branch.actions);
    match &branch.test {
        Some(test) => object(vec![("when", expr(test)), ("then", actions)]),
        None => object(vec![("otherwise", actions)]),
    }
}

/// A branch's actions: one object of action keys when the actions are in that order, else
/// an array of one-key objects.
fn actions_json(actions: &[Action]) -> Json {
    let entries: Vec<(&str, Json)> = actions.iter().map(action_entry).collect();
    match group(&entries, &ACTION_KEYS) {
        Some(grouped) => Json::Object(grouped),
        None => Json::Array(
            entries
                .into_iter()
                .map(|(key, value)| object(vec![(key, value)]))
                .collect(),
        ),
    }
}

fn action_entry(action: &Action) -> (&'static str, Json) {
    match &action.kind {
        ActionKind::Emit {
            fact_type,
            for_each,
            fields,
        } => {
            let mut members = vec![("type", Json::String(fact_type.name.clone()))];
            match for_each.as_slice() {
                [] => {}
                [member] => members.push(("for_each", Json::String(member.name.clone()))),
                many => {
                    let names = many.iter().map(|m| Json::String(m.name.clone())).collect();
                    members.push(("for_each", Json::Array(names)));
                }
            }
            members.push(("fields", field_inits(fields)));
            ("emit", object(members))
        }
        ActionKind::Set {
            binding,
            field,
            value,
        } => {
            let target = format!("{}.{}", name(&binding.name), calc_text::field(&field.name));
            ("set", Json::Object(vec![(target, expr(value))]))
        }
        ActionKind::Alert(message) => {
            let value = match &message.kind {
                ExprKind::Template(parts) => {
                    let mut out = String::new();
                    template_inside(&mut out, parts, false);
                    Json::String(out)
                }
                ExprKind::Literal(Literal::Text(text)) => {
                    let mut out = String::new();
                    braces_doubled(&mut out, text);
                    Json::String(out)
                }
                _ => object(vec![("expr", expr(message))]),
            };
            ("alert", value)
        }
        ActionKind::Retract(binding) => ("retract", Json::String(binding.name.clone())),
        ActionKind::Update { binding, fields } => (
            "update",
            object(vec![
                ("fact", Json::String(binding.name.clone())),
                ("fields", field_inits(fields)),
            ]),
        ),
    }
}

/// Field values as expression strings; the shorthand `field` is the field's own name.
fn field_inits(fields: &[FieldInit]) -> Json {
    Json::Object(
        fields
            .iter()
            .map(|field| {
                let value = match &field.value {
                    Some(value) => expr(value),
                    None => Json::String(field.name.name.clone()),
                };
                (field.name.name.clone(), value)
            })
            .collect(),
    )
}

/// The `.calc` text of a type.
fn type_text(ty: &crate::calc::ast::TypeExpr) -> String {
    let mut out = String::new();
    calc_text::ty(&mut out, ty);
    out
}
