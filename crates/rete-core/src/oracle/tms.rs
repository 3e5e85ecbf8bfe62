//! Truth maintenance, recomputed from scratch: the derived facts and set fields in the
//! store are exactly what the fired activations that still match say, with their values
//! as of now.
//!
//! One round of [`settle`](Oracle::settle): recompute every activation; forget the fired
//! ones that no longer match; evaluate the emits and sets of the rest (an activation whose
//! values fail to evaluate has none, and records the error); retract derived facts no
//! activation emits any more, update the others in place (keeping their identity), insert
//! new ones; give each set field the value of its winner (highest priority, then least in
//! agenda order), and a field no activation sets any more the value it had underneath.
//! Rounds repeat until one changes nothing. Each round starts with no run-time errors and
//! meets those of its state, so the errors of a run are those of its final state.
//!
//! A program whose derived values keep changing (two rules setting fields from each other
//! in a circle) never settles: after `max_firings_per_key` rounds more than there are fired
//! activations, the run stops with a loop error naming the first activation, in agenda
//! order, whose values changed in the last round.

use std::cmp::Reverse;

use reckon_fact_store::{FactId, FactStore, FactTypeId, FieldId, StoreError};
use reckon_rule_ir::ops::Cell;
use reckon_rule_ir::{RuleId, Span};

use super::actions::Effect;
use super::eval::Failure;
use super::key::{KeyPart, same_parts};
use super::{Activation, EmitId, Emitted, Oracle, Overlay};
use crate::order::same_as_written;
use crate::outcome::RunError;

/// A derived fact that a fired activation emits now.
struct WantedFact {
    id: EmitId,
    fact_type: FactTypeId,
    fields: Vec<(FieldId, Cell)>,
    span: Span,
    /// The activation's position in agenda order, to name it.
    position: usize,
}

/// A field that a fired activation sets now.
struct WantedField {
    fact: FactId,
    field: FieldId,
    value: Cell,
    priority: i32,
    rule: RuleId,
    key: Vec<KeyPart>,
    span: Span,
    position: usize,
}

impl<S: FactStore> Oracle<'_, S> {
    /// Brings derived facts and fields up to date and returns the activations of the
    /// settled state; or the loop error of a state that does not settle.
    pub(super) fn settle(&mut self) -> Result<Vec<Activation>, RunError> {
        let mut rounds: usize = 0;
        loop {
            // Errors are those of the state: each round meets again the ones that stand.
            self.errors.clear();
            let activations = self.activations();
            let interner = self.store.interner();
            let before = self.fired.len();
            self.fired.retain(|fired| {
                activations.iter().any(|activation| {
                    activation.rule == fired.rule
                        && same_parts(&activation.key, &fired.key, interner)
                })
            });
            let dropped = self.fired.len() != before;
            let (changed, first) = self.maintain(&activations);
            if !dropped && !changed {
                return Ok(activations);
            }
            rounds += 1;
            let limit = self.options.max_firings_per_key as usize + self.fired.len();
            if let Some(activation) = first.filter(|_| rounds > limit) {
                let why = format!(
                    "its emitted facts or set fields were still changing after {rounds} rounds \
                     of truth maintenance"
                );
                return Err(self.loop_error(&activation, why));
            }
        }
    }

    /// One round of writing what the fired activations emit and set. Returns whether the
    /// store changed, and the first activation in agenda order whose values changed it.
    fn maintain(&mut self, activations: &[Activation]) -> (bool, Option<Activation>) {
        let mut live: Vec<&Activation> = activations
            .iter()
            .filter(|activation| {
                self.fired
                    .iter()
                    .any(|fired| self.is(activation, fired.rule, &fired.key))
            })
            .collect();
        live.sort_by(|a, b| self.agenda_cmp(a, b));
        let mut facts = Vec::new();
        let mut fields = Vec::new();
        for (position, activation) in live.iter().enumerate() {
            let effects = match self.effects(activation) {
                Ok(effects) => effects,
                Err(failure) => {
                    self.record_error(activation.rule, failure, activation.key.clone());
                    continue;
                }
            };
            let priority = self.rule(activation.rule).priority;
            for effect in effects {
                match effect {
                    Effect::Emit {
                        action,
                        fact_type,
                        facts: made,
                        span,
                    } => facts.extend(made.into_iter().map(|made| WantedFact {
                        id: EmitId {
                            rule: activation.rule,
                            key: activation.key.clone(),
                            action,
                            member: made.member,
                        },
                        fact_type,
                        fields: made.fields,
                        span,
                        position,
                    })),
                    Effect::Set {
                        fact,
                        field,
                        value,
                        span,
                    } => fields.push(WantedField {
                        fact,
                        field,
                        value,
                        priority,
                        rule: activation.rule,
                        key: activation.key.clone(),
                        span,
                        position,
                    }),
                    Effect::Alert { .. } | Effect::Update { .. } | Effect::Retract { .. } => {}
                }
            }
        }
        let mut changed_by: Vec<usize> = Vec::new();
        let mut changed = self.write_facts(facts, &mut changed_by);
        changed |= self.write_fields(fields, &mut changed_by);
        let first = changed_by.into_iter().min().map(|at| live[at].clone());
        (changed, first)
    }

    /// Retracts derived facts nobody emits, updates the rest in place, inserts new ones.
    fn write_facts(&mut self, wanted: Vec<WantedFact>, changed_by: &mut Vec<usize>) -> bool {
        let interner = self.store.interner();
        let (kept, gone): (Vec<Emitted>, Vec<Emitted>) = std::mem::take(&mut self.emitted)
            .into_iter()
            .partition(|emitted| {
                wanted
                    .iter()
                    .any(|fact| same_emit(&fact.id, &emitted.id, interner))
            });
        self.emitted = kept;
        let mut changed = !gone.is_empty();
        for emitted in gone {
            let _ = self.store.retract(emitted.fact);
            self.overlays.retain(|overlay| overlay.fact != emitted.fact);
        }
        for fact in wanted {
            let interner = self.store.interner();
            let existing = self
                .emitted
                .iter()
                .find(|emitted| same_emit(&emitted.id, &fact.id, interner))
                .map(|emitted| emitted.fact);
            let mut wrote = false;
            match existing {
                Some(id) => {
                    for (field, value) in fact.fields {
                        match self.write_base(id, field, value) {
                            Ok(changed) => wrote |= changed,
                            Err(error) => self.store_error(&fact.id, fact.span, error),
                        }
                    }
                }
                None => {
                    let declared = self.program.fact(fact.fact_type).fields.len();
                    let mut values: Vec<Cell> = vec![None; declared];
                    for (field, value) in fact.fields {
                        values[field.index()] = value;
                    }
                    match self.store.insert(fact.fact_type, &values, &[]) {
                        Ok(id) => {
                            self.emitted.push(Emitted {
                                id: fact.id,
                                fact: id,
                            });
                            wrote = true;
                        }
                        Err(error) => self.store_error(&fact.id, fact.span, error),
                    }
                }
            }
            if wrote {
                changed = true;
                changed_by.push(fact.position);
            }
        }
        changed
    }

    /// Gives each set field its winner's value, and each field no longer set the value it
    /// has underneath.
    fn write_fields(&mut self, mut wanted: Vec<WantedField>, changed_by: &mut Vec<usize>) -> bool {
        wanted.sort_by_key(|field| (Reverse(field.priority), field.position));
        let mut winners: Vec<WantedField> = Vec::new();
        for field in wanted {
            let taken = winners
                .iter()
                .any(|winner| winner.fact == field.fact && winner.field == field.field);
            if !taken {
                winners.push(field);
            }
        }
        let mut changed = false;
        for winner in &winners {
            if !self.store.contains(winner.fact) {
                continue;
            }
            let held = self
                .overlays
                .iter()
                .any(|overlay| overlay.fact == winner.fact && overlay.field == winner.field);
            if !held {
                let base = self
                    .store
                    .get_field(winner.fact, winner.field)
                    .ok()
                    .flatten();
                self.overlays.push(Overlay {
                    fact: winner.fact,
                    field: winner.field,
                    base,
                });
            }
            match self.write_store(winner.fact, winner.field, winner.value.clone()) {
                Ok(false) => {}
                Ok(true) => {
                    changed = true;
                    changed_by.push(winner.position);
                }
                Err(error) => {
                    let failure = Failure::new(winner.span, error);
                    self.record_error(winner.rule, failure, winner.key.clone());
                }
            }
        }
        let (held, released): (Vec<Overlay>, Vec<Overlay>) = std::mem::take(&mut self.overlays)
            .into_iter()
            .partition(|overlay| {
                winners
                    .iter()
                    .any(|winner| winner.fact == overlay.fact && winner.field == overlay.field)
            });
        self.overlays = held;
        for overlay in released {
            if self.store.contains(overlay.fact) {
                changed |= self
                    .write_store(overlay.fact, overlay.field, overlay.base)
                    .unwrap_or(false);
            }
        }
        changed
    }

    /// Writes the value a field has underneath any set: into the overlay when a set holds
    /// the field, else into the store. Returns whether the store changed.
    pub(super) fn write_base(
        &mut self,
        fact: FactId,
        field: FieldId,
        value: Cell,
    ) -> Result<bool, StoreError> {
        let overlay = self
            .overlays
            .iter_mut()
            .find(|overlay| overlay.fact == fact && overlay.field == field);
        if let Some(overlay) = overlay {
            overlay.base = value;
            return Ok(false);
        }
        self.write_store(fact, field, value)
    }

    /// Writes a field, and returns whether its stored value changed as written (`1.50`
    /// replacing `1.5` is a change: results show the scale; and the store widens an int
    /// given for a decimal field, so the value is compared as stored).
    fn write_store(
        &mut self,
        fact: FactId,
        field: FieldId,
        value: Cell,
    ) -> Result<bool, StoreError> {
        let before = self.store.get_field(fact, field)?;
        if same_as_written(&before, &value, self.store.interner()) {
            return Ok(false);
        }
        self.store.update(fact, field, value)?;
        let after = self.store.get_field(fact, field)?;
        Ok(!same_as_written(&before, &after, self.store.interner()))
    }

    /// Records a refusal of the store to take an emitted fact's values.
    fn store_error(&mut self, id: &EmitId, span: Span, error: StoreError) {
        self.record_error(id.rule, Failure::new(span, error), id.key.clone());
    }
}

/// True when two emits name the same derived fact.
fn same_emit(a: &EmitId, b: &EmitId, interner: &reckon_fact_store::Interner) -> bool {
    a.rule == b.rule
        && a.action == b.action
        && same_parts(&a.key, &b.key, interner)
        && same_parts(&a.member, &b.member, interner)
}
