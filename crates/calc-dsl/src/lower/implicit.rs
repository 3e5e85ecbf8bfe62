//! The fact types and derived fields that rules create without declaring them: a `set` of
//! a field the fact type does not declare makes a derived field; an `emit` of a type no
//! `fact` or `output` declares makes an internal fact type with the emitted fields (a field
//! every emit gives is required). Their types are the types of the values given, found by
//! lowering the rules with the types known so far until nothing changes.

use std::collections::BTreeMap;

use reckon_rule_ir::builder::ProgramBuilder;
use reckon_rule_ir::types::unify;
use reckon_rule_ir::{Action, BindingKind, Program, ValueType};

use super::spec;
use crate::calc::ast::{self, ActionKind, File, ItemKind, StepKind};

/// The undeclared fact types and fields of a compilation, with the types found so far.
#[derive(Debug, Default)]
pub(super) struct Implicit {
    /// Fact types made by emits: name, then fields (name, type, given by every emit).
    types: BTreeMap<String, Vec<(String, ValueType, bool)>>,
    /// The order fact types were first emitted in.
    type_order: Vec<String>,
    /// Derived fields made by sets: (fact type, field) in first-seen order, with their type.
    fields: Vec<((String, String), ValueType)>,
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
                            let key = (fact_type.to_string(), field.name.clone());
                            if !explicit && !implicit.fields.iter().any(|(k, _)| *k == key) {
                                implicit.fields.push((key, ValueType::Any));
                            }
                        }
                        ActionKind::Emit {
                            fact_type, fields, ..
                        } if !declared.contains_key(fact_type.name.as_str()) => {
                            implicit.emitted(&fact_type.name, fields);
                        }
                        _ => {}
                    }
                }
            }
        }
        implicit
    }

    fn emitted(&mut self, fact_type: &str, fields: &[ast::FieldInit]) {
        let first = !self.types.contains_key(fact_type);
        if first {
            self.type_order.push(fact_type.to_string());
        }
        let known = self.types.entry(fact_type.to_string()).or_default();
        for field in fields {
            if !known.iter().any(|(name, _, _)| *name == field.name.name) {
                // A field that an earlier emit of the type left out is optional.
                known.push((field.name.name.clone(), ValueType::Any, first));
            }
        }
        for (name, _, every) in known.iter_mut() {
            if !fields.iter().any(|f| f.name.name == *name) {
                *every = false;
            }
        }
    }

    /// How many undeclared types and fields there are.
    pub(super) fn len(&self) -> usize {
        self.fields.len() + self.types.values().map(Vec::len).sum::<usize>()
    }

    /// Declares the undeclared types and fields with the types found so far.
    pub(super) fn declare(&self, builder: &mut ProgramBuilder) {
        for name in &self.type_order {
            let Some(id) = builder.fact(name, Default::default()) else {
                continue;
            };
            for (field, ty, every) in &self.types[name] {
                builder.field(id, spec(field, ty.clone(), *every, false));
            }
        }
        for ((fact_type, field), ty) in &self.fields {
            if let Some(id) = builder.program().fact_type(fact_type) {
                builder.field(id, spec(field, ty.clone(), false, true));
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
                        let key = (
                            program.fact(fact_type).name.clone(),
                            program.field(fact_type, *field).name.clone(),
                        );
                        if let Some((_, ty)) = self.fields.iter_mut().find(|(k, _)| *k == key) {
                            changed |= learn(ty, &value.ty);
                        }
                    }
                    Action::Emit(emit) => {
                        let name = &program.fact(emit.fact_type).name;
                        let Some(fields) = self.types.get_mut(name) else {
                            continue;
                        };
                        for (field, value) in &emit.fields {
                            let field_name = &program.field(emit.fact_type, *field).name;
                            if let Some((_, ty, _)) =
                                fields.iter_mut().find(|(n, _, _)| n == field_name)
                            {
                                changed |= learn(ty, &value.ty);
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
