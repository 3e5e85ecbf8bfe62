//! The values of an activation's actions: what each emit, set, alert, update and retract
//! would do, computed before anything is done, so that one failure means the activation
//! does nothing. Firing needs every action; truth maintenance recomputes only the emits
//! and sets of activations that have fired.
//!
//! A per-member emit makes one fact per distinct combination of its member bindings among
//! the group's matches (facts by identity and version, list elements by value), in the
//! canonical order of those members; `allocate` sees the members in that order.
//!
//! `update` and `retract` change input facts. Aimed at a fact a rule emitted, they fail:
//! truth maintenance would bring that fact straight back, so it could never take effect.

use reckon_fact_store::{FactId, FactStore, FactTypeId, FieldId, Value, check_fields};
use reckon_rule_ir::ops::Cell;
use reckon_rule_ir::{Action, BindingId, Span};

use super::eval::Failure;
use super::key::{KeyPart, cmp_parts, same_parts};
use super::{Activation, Bound, Env, Oracle};

/// What one action of an activation computed.
#[derive(Debug, Clone)]
pub(super) enum Effect {
    /// The facts an emit makes: one per member, or one with no member for a plain emit.
    Emit {
        /// The emit's position among the rule's actions.
        action: usize,
        fact_type: FactTypeId,
        facts: Vec<MemberFact>,
        span: Span,
    },
    /// A field a set holds.
    Set {
        fact: FactId,
        field: FieldId,
        value: Cell,
        span: Span,
    },
    /// An alert's message.
    Alert { message: Cell },
    /// New values for fields of an input fact.
    Update {
        fact: FactId,
        fields: Vec<(FieldId, Cell)>,
        span: Span,
    },
    /// An input fact to remove.
    Retract { fact: FactId },
}

/// One fact of an emit: the member it is for (empty for a plain emit) and its fields.
#[derive(Debug, Clone)]
pub(super) struct MemberFact {
    pub(super) member: Vec<KeyPart>,
    pub(super) fields: Vec<(FieldId, Cell)>,
}

impl<S: FactStore> Oracle<'_, S> {
    /// The effects of `act`'s actions, in the rule's order. Every action is evaluated, also
    /// when only the truth-maintained ones (emits and sets) are wanted, so that whether an
    /// activation fails depends only on its match. The first failure stops it.
    pub(super) fn effects(&mut self, act: &Activation) -> Result<Vec<Effect>, Failure> {
        let rule = self.rule(act.rule);
        let mut effects = Vec::new();
        for (index, action) in rule.actions.iter().enumerate() {
            match action {
                Action::Emit(emit) => {
                    let per_member = !emit.for_each.is_empty();
                    let members = if per_member {
                        self.members(act, &emit.for_each)
                    } else {
                        vec![(Vec::new(), act.env.clone())]
                    };
                    let envs: Vec<Env> = members.iter().map(|(_, env)| env.clone()).collect();
                    let mut facts = Vec::with_capacity(members.len());
                    for (position, (member, env)) in members.into_iter().enumerate() {
                        let scope = per_member.then_some((envs.as_slice(), position));
                        let mut fields = Vec::with_capacity(emit.fields.len());
                        for (field, expr) in &emit.fields {
                            let value = self
                                .eval_in(expr, &env, scope)
                                .map_err(|f| f.within(expr))?;
                            fields.push((*field, value));
                        }
                        self.check_emitted(emit.fact_type, &fields, emit.span)?;
                        facts.push(MemberFact { member, fields });
                    }
                    effects.push(Effect::Emit {
                        action: index,
                        fact_type: emit.fact_type,
                        facts,
                        span: emit.span,
                    });
                }
                Action::Set {
                    binding,
                    field,
                    value,
                    span,
                } => {
                    let value = self.eval(value, &act.env)?;
                    if let Some(fact) = act.env.fact(*binding) {
                        effects.push(Effect::Set {
                            fact,
                            field: *field,
                            value,
                            span: *span,
                        });
                    }
                }
                Action::Alert { message: text, .. } => {
                    let message = self.eval(text, &act.env)?;
                    let why = match message {
                        None => "the alert's text is missing: a value in it is missing",
                        Some(Value::Null) => "the alert's text is null: a value in it is null",
                        Some(_) => "",
                    };
                    if !why.is_empty() {
                        return Err(Failure::new(text.span, why));
                    }
                    effects.push(Effect::Alert { message });
                }
                Action::Update {
                    binding,
                    fields,
                    span,
                } => {
                    let fact = self.input_target(act, *binding, "update", *span)?;
                    let mut values = Vec::with_capacity(fields.len());
                    for (field, expr) in fields {
                        values.push((*field, self.eval(expr, &act.env)?));
                    }
                    effects.push(Effect::Update {
                        fact,
                        fields: values,
                        span: *span,
                    });
                }
                Action::Retract { binding, span } => {
                    let fact = self.input_target(act, *binding, "retract", *span)?;
                    effects.push(Effect::Retract { fact });
                }
            }
        }
        Ok(effects)
    }

    /// Fails, as the store would, when an emitted fact's fields do not fit its type (a
    /// required field missing, a value of the wrong type).
    fn check_emitted(
        &self,
        fact_type: FactTypeId,
        values: &[(FieldId, Cell)],
        span: Span,
    ) -> Result<(), Failure> {
        let mut fields = vec![None; self.program.fact(fact_type).fields.len()];
        for (field, value) in values {
            fields[field.index()] = value.clone();
        }
        let schema = self.store.catalog().schema(fact_type);
        check_fields(schema, &fields, self.store.interner()).map_err(|e| Failure::new(span, e))
    }

    /// The input fact an update or retract acts on.
    fn input_target(
        &self,
        act: &Activation,
        binding: BindingId,
        what: &str,
        span: Span,
    ) -> Result<FactId, Failure> {
        let Some(fact) = act.env.fact(binding) else {
            return Err(Failure::new(
                span,
                format!("`{what}` has no fact to act on"),
            ));
        };
        if self.emitted.iter().any(|emitted| emitted.fact == fact) {
            let why = format!("`{what}` changes input facts, but this fact was emitted by a rule");
            return Err(Failure::new(span, why));
        }
        Ok(fact)
    }

    /// The distinct members of a group for a per-member emit, each with its identity and
    /// the environment its fields are computed in (the group's, plus the member's
    /// bindings), in canonical order.
    fn members(&self, act: &Activation, for_each: &[BindingId]) -> Vec<(Vec<KeyPart>, Env)> {
        let interner = self.store.interner();
        let mut members: Vec<(Vec<KeyPart>, Env)> = Vec::new();
        for matched in &act.matches {
            let identity: Vec<KeyPart> = for_each
                .iter()
                .map(|binding| match &matched.bindings[binding.index()] {
                    Some(Bound::Fact(id)) => self.fact_part(*id),
                    Some(Bound::Element { value, .. }) => KeyPart::Value(Some(value.clone())),
                    None => KeyPart::Value(None),
                })
                .collect();
            if members
                .iter()
                .any(|(other, _)| same_parts(other, &identity, interner))
            {
                continue;
            }
            let mut env = act.env.clone();
            for binding in for_each {
                env.bindings[binding.index()] = matched.bindings[binding.index()].clone();
            }
            members.push((identity, env));
        }
        members.sort_by(|(a, _), (b, _)| cmp_parts(self.program, &*self.store, a, b));
        members
    }
}
