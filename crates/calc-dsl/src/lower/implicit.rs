//! The fact types and derived fields that rules create without declaring them: a `set` of
//! a field the fact type does not declare makes a derived field; an `emit` of a type no
//! `fact` or `output` declares makes an internal fact type with the emitted fields (a field
//! every emit gives, never as a copy of a field that may be missing, is required). Where a
//! diagnostic points at their declaration, it points at the first `emit` or `set` of them. Their types are the types of the values given, found by
//! lowering the rules with the types known so far until nothing changes.

use std::collections::BTreeMap;

use reckon_rule_ir::builder::{FieldSpec, ProgramBuilder};
use reckon_rule_ir::types::unify;
use reckon_rule_ir::{
    Action, BindingKind, Expr, ExprKind, Presence, Program, Rule, Span, ValueType,
};

use super::spec;
use crate::calc::ast::{self, ActionKind, File, ItemKind, StepKind};

/// The undeclared fact types and fields of a compilation, with the types found so far.
#[derive(Debug, Default)]
pub(super) struct Implicit {
    /// Fact types made by emits, by name.
    types: BTreeMap<String, EmittedType>,
    /// The order fact types were first emitted in.
    type_order: Vec<String>,
    /// Derived fields made by sets, in first-seen order.
    fields: Vec<DerivedField>,
}

/// A fact type that rules emit without a declaration.
#[derive(Debug)]
struct EmittedType {
    /// The type's name in its first emit, which stands in for a declaration.
    span: Span,
    fields: Vec<EmittedField>,
}

#[derive(Debug)]
struct EmittedField {
    name: String,
    ty: ValueType,
    /// True while every emit gives the field a value that cannot be missing.
    required: bool,
    /// The field's name in the first emit that gives it.
    span: Span,
}

/// A field that rules set without a declaration.
#[derive(Debug)]
struct DerivedField {
    fact_type: String,
    name: String,
    ty: ValueType,
    /// The field's name in the first `set` of it.
    span: Span,
}

impl Implicit {
    /// Finds the undeclared fact types and fields in the files' rules.
    pub(super) fn collect(files: &[&File]) -> Implicit {
        let mut declared: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for file in files {
            for item in &file.items {
                if let ItemKind::Fact(fact) = &item.kind {
                    declared
                        .entry(&fact.name.name)
                        .or_default()
                        .extend(fact.fields.iter().map(|f| f.name.name.as_str()));
                }
            }
        }
        let mut implicit = Implicit::default();
        for file in files {
            for item in &file.items {
                let ItemKind::Rule(rule) = &item.kind else {
                    continue;
                };
                let mut bindings: BTreeMap<&str, &str> = BTreeMap::new();
                let mut emits: Vec<&ast::Action> = Vec::new();
                for step in &rule.steps {
                    match &step.kind {
                        StepKind::Match { pattern, .. } | StepKind::Next { pattern, .. } => {
                            bindings.insert(&pattern.binding.name, &pattern.fact_type.name);
                        }
                        StepKind::Action(action) => emits.push(action),
                        StepKind::First(branches) => {
                            emits.extend(branches.iter().flat_map(|b| &b.actions))
                        }
                        _ => {}
                    }
                }
                for action in emits {
                    match &action.kind {
                        ActionKind::Set { binding, field, .. } => {
                            let Some(fact_type) = bindings.get(binding.name.as_str()) else {
                                continue;
                            };
                            let explicit = declared
                                .get(fact_type)
                                .is_some_and(|fields| fields.contains(&field.name.as_str()));
                            let known = implicit
                                .fields
                                .iter()
                                .any(|f| f.fact_type == *fact_type && f.name == field.name);
                            if !explicit && !known {
                                implicit.fields.push(DerivedField {
                                    fact_type: fact_type.to_string(),
                                    name: field.name.clone(),
                                    ty: ValueType::Any,
                                    span: field.span,
                                });
                            }
                        }
                        ActionKind::Emit {
                            fact_type, fields, ..
                        } if !declared.contains_key(fact_type.name.as_str()) => {
                            implicit.emitted(fact_type, fields);
                        }
                        _ => {}
                    }
                }
            }
        }
        implicit
    }

    fn emitted(&mut self, fact_type: &ast::Ident, fields: &[ast::FieldInit]) {
        let first = !self.types.contains_key(&fact_type.name);
        if first {
            self.type_order.push(fact_type.name.clone());
        }
        let known = &mut self
            .types
            .entry(fact_type.name.clone())
            .or_insert_with(|| EmittedType {
                span: fact_type.span,
                fields: Vec::new(),
            })
            .fields;
        for field in fields {
            if !known.iter().any(|f| f.name == field.name.name) {
                // A field that an earlier emit of the type left out is optional.
                known.push(EmittedField {
                    name: field.name.name.clone(),
                    ty: ValueType::Any,
                    required: first,
                    span: field.name.span,
                });
            }
        }
        for known in known.iter_mut() {
            if !fields.iter().any(|f| f.name.name == known.name) {
                known.required = false;
            }
        }
    }

    /// How many undeclared types and fields there are.
    pub(super) fn len(&self) -> usize {
        self.fields.len() + self.types.values().map(|t| t.fields.len()).sum::<usize>()
    }

    /// Declares the undeclared types and fields with the types found so far.
    pub(super) fn declare(&self, builder: &mut ProgramBuilder) {
        for name in &self.type_order {
            let emitted = &self.types[name];
            let Some(id) = builder.fact(name, emitted.span) else {
                continue;
            };
            for field in &emitted.fields {
                let spec = spec(&field.name, field.ty.clone(), field.required, false);
                builder.field(
                    id,
                    FieldSpec {
                        span: field.span,
                        ..spec
                    },
                );
            }
        }
        for field in &self.fields {
            if let Some(id) = builder.program().fact_type(&field.fact_type) {
                let spec = spec(&field.name, field.ty.clone(), false, true);
                builder.field(
                    id,
                    FieldSpec {
                        span: field.span,
                        ..spec
                    },
                );
            }
        }
    }

    /// Learns types from the values the program's rules give; true when any changed.
    pub(super) fn refine(&mut self, program: &Program) -> bool {
        let mut changed = false;
        for rule in &program.rules {
            for action in &rule.actions {
                match action {
                    Action::Set {
                        binding,
                        field,
                        value,
                        ..
                    } => {
                        let BindingKind::Fact(fact_type) = rule.binding(*binding).kind else {
                            continue;
                        };
                        let (fact_type, field) = (
                            &program.fact(fact_type).name,
                            &program.field(fact_type, *field).name,
                        );
                        if let Some(known) = self
                            .fields
                            .iter_mut()
                            .find(|f| f.fact_type == *fact_type && f.name == *field)
                        {
                            changed |= learn(&mut known.ty, &value.ty);
                        }
                    }
                    Action::Emit(emit) => {
                        let name = &program.fact(emit.fact_type).name;
                        let Some(emitted) = self.types.get_mut(name) else {
                            continue;
                        };
                        for (field, value) in &emit.fields {
                            let field_name = &program.field(emit.fact_type, *field).name;
                            if let Some(known) =
                                emitted.fields.iter_mut().find(|f| f.name == *field_name)
                            {
                                changed |= learn(&mut known.ty, &value.ty);
                                if known.required && may_be_missing(program, rule, value) {
                                    known.required = false;
                                    changed = true;
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        changed
    }
}

/// Takes the first type a value gives (money stays money, an int met with a decimal widens);
/// true when `known` changed.
fn learn(known: &mut ValueType, found: &ValueType) -> bool {
    let next = match (&*known, found) {
        (_, ValueType::Any) => return false,
        (ValueType::Any, found) => found.clone(),
        (known, found) => unify(known, found).unwrap_or_else(|| known.clone()),
    };
    let changed = next != *known;
    *known = next;
    changed
}

/// True when `value` reads, as it is, an input field that may be missing: copying such a
/// field makes the emitted field optional.
fn may_be_missing(program: &Program, rule: &Rule, value: &Expr) -> bool {
    let ExprKind::Field { binding, field } = value.kind else {
        return false;
    };
    let BindingKind::Fact(fact_type) = rule.binding(binding).kind else {
        return false;
    };
    let decl = program.field(fact_type, field);
    decl.presence == Presence::Optional && decl.default.is_none()
}
