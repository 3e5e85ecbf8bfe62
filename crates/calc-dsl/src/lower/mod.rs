//! Lowering the syntax tree to the rule IR, through the IR builder (so names and types are
//! checked exactly as for any front end). Declarations first — fact types, outputs,
//! calculator signatures, and the fact types and derived fields that rules create without a
//! declaration — then calculator bodies and rules, so order across files does not matter.
//!
//! Undeclared derived fields (`set s.hours = ...`) and emitted fact types (`emit
//! weekly_hours { ... }`) take the types of the values rules give them. Those values may
//! read other such fields, so their types are found by lowering the rules repeatedly, each
//! round with the types the previous one found, until nothing changes.

mod exprs;
mod implicit;
mod rules;
mod types;

use reckon_rule_ir::builder::{FieldSpec, ProgramBuilder};
use reckon_rule_ir::{Diagnostic, Presence, Program};

use crate::calc::ast::{File, ItemKind};
use implicit::Implicit;

/// Lowers the files of one compilation into one program.
pub fn lower(files: &[&File]) -> (Program, Vec<Diagnostic>) {
    let mut implicit = Implicit::collect(files);
    // Each round lowers everything with the types found so far; the diagnostics of the
    // last round are the ones reported.
    for _ in 0..=implicit.len().min(16) {
        let (program, _) = build(files, &implicit);
        if !implicit.refine(&program) {
            break;
        }
    }
    build(files, &implicit)
}

fn build(files: &[&File], implicit: &Implicit) -> (Program, Vec<Diagnostic>) {
    let mut builder = ProgramBuilder::new();
    // Fact types and outputs, as declared.
    for file in files {
        for item in &file.items {
            if let ItemKind::Fact(fact) = &item.kind {
                types::declare_fact(&mut builder, fact);
            }
        }
    }
    implicit.declare(&mut builder);
    // Calculator signatures, then bodies.
    let mut calcs = Vec::new();
    for file in files {
        for item in &file.items {
            if let ItemKind::Calc(calc) = &item.kind {
                calcs.push((types::declare_calc(&mut builder, calc), calc));
            }
        }
    }
    for (id, calc) in calcs {
        let Some(id) = id else { continue };
        let mut body = builder.calc_body(id);
        let value = exprs::lower(&mut body, &calc.body);
        body.finish(value);
    }
    for file in files {
        for item in &file.items {
            if let ItemKind::Rule(rule) = &item.kind {
                rules::lower_rule(&mut builder, rule, item.span);
            }
        }
    }
    builder.finish()
}

/// A field spec for a derived field or a field of an emitted type, typed as found.
fn spec(name: &str, ty: reckon_rule_ir::ValueType, required: bool, derived: bool) -> FieldSpec {
    let presence = if required && !derived {
        Presence::Required
    } else {
        Presence::Optional
    };
    FieldSpec {
        name: name.into(),
        ty,
        presence,
        default: None,
        derived,
        span: Default::default(),
    }
}
