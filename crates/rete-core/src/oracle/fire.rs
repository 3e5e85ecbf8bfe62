//! The run's loop and the firing of one activation: settle, take the least pending
//! activation in agenda order, fire it; until nothing is pending or the loop guard stops
//! the run.
//!
//! Firing evaluates every action first; a failure records one run-time error and the
//! activation does nothing (it still counts as fired, and has no truth-maintained effects
//! while it matches). Otherwise alerts are recorded with the key's facts as they are when
//! it fires, updates and retractions change the store at once, and the emits and sets are
//! written by the settle that follows. An update gives its fact a new version, whether or
//! not a value changed, so matches of it are new activations.
//!
//! The loop guard: an activation key (versions ignored) may fire `max_firings_per_key`
//! times; when it is due to fire once more, the run stops with a loop error instead.

use reckon_fact_store::{FactId, FactStore, FieldId, Value};
use reckon_rule_ir::ops::Cell;
use reckon_rule_ir::{Builtin, Span, prelude};

use super::actions::Effect;
use super::eval::Failure;
use super::key::{same_parts, unversioned};
use super::{Activation, Fired, Oracle};
use crate::outcome::{Alert, Raised, RunError};

impl<S: FactStore> Oracle<'_, S> {
    /// Runs until no activation is pending, or a loop error stops the run.
    pub(super) fn run_to_fixpoint(&mut self) {
        loop {
            let activations = match self.settle() {
                Ok(activations) => activations,
                Err(stopped) => {
                    self.stopped = Some(stopped);
                    return;
                }
            };
            let next = activations
                .iter()
                .filter(|activation| {
                    !self
                        .fired
                        .iter()
                        .any(|fired| self.is(activation, fired.rule, &fired.key))
                })
                .min_by(|a, b| self.agenda_cmp(a, b));
            let Some(next) = next.cloned() else {
                return;
            };
            let limit = self.options.max_firings_per_key;
            if self.count_firing(&next) > limit {
                let why = self.options.loop_message();
                self.stopped = Some(self.loop_error(&next, why));
                return;
            }
            self.fire(&next);
        }
    }

    /// Counts a firing of `activation`'s key (versions ignored), and returns how many
    /// times the key has now fired, this one included.
    fn count_firing(&mut self, activation: &Activation) -> u32 {
        let key = unversioned(&activation.key);
        let interner = self.store.interner();
        let entry = self
            .firings
            .iter_mut()
            .find(|(rule, other, _)| *rule == activation.rule && same_parts(other, &key, interner));
        match entry {
            Some((_, _, count)) => {
                *count += 1;
                *count
            }
            None => {
                self.firings.push((activation.rule, key, 1));
                1
            }
        }
    }

    /// A loop error naming the activation's rule and the facts of its key.
    pub(super) fn loop_error(&self, activation: &Activation, why: String) -> RunError {
        RunError {
            rule: activation.rule,
            span: self.rule(activation.rule).span,
            message: why,
            facts: self.render_parts(&activation.key),
        }
    }

    fn fire(&mut self, activation: &Activation) {
        let effects = match self.effects(activation) {
            Ok(effects) => effects,
            Err(failure) => {
                self.record_error(activation.rule, failure, activation.key.clone());
                self.fired.push(Fired {
                    rule: activation.rule,
                    key: activation.key.clone(),
                });
                return;
            }
        };
        self.fired.push(Fired {
            rule: activation.rule,
            key: activation.key.clone(),
        });
        // An alert names the facts as they were when the activation fired, before any of
        // its actions changed them.
        let ids = self.key_fact_ids(&activation.key);
        let alert = Alert {
            rule: activation.rule,
            message: String::new(),
            facts: Vec::new(),
        };
        let snapshot = Raised::new(self.program, &*self.store, alert, ids);
        for effect in effects {
            match effect {
                Effect::Alert { message } => {
                    let message = self.message_text(message);
                    self.alerts.push(snapshot.with_message(message));
                }
                Effect::Update { fact, fields, span } => {
                    self.update(activation, fact, fields, span);
                }
                Effect::Retract { fact } => {
                    if self.store.retract(fact).is_ok() {
                        self.overlays.retain(|overlay| overlay.fact != fact);
                    }
                }
                // Truth-maintained: the settle after this firing writes them.
                Effect::Emit { .. } | Effect::Set { .. } => {}
            }
        }
    }

    fn update(
        &mut self,
        activation: &Activation,
        fact: FactId,
        fields: Vec<(FieldId, Cell)>,
        span: Span,
    ) {
        if !self.store.contains(fact) {
            return;
        }
        for (field, value) in fields {
            if let Err(error) = self.write_base(fact, field, value) {
                let failure = Failure::new(span, error);
                self.record_error(activation.rule, failure, activation.key.clone());
            }
        }
        *self.versions.entry(fact).or_insert(0) += 1;
    }

    /// An alert's message as text: text as it is, other values as `text(...)` writes
    /// them, null as `null`, and a missing message as empty text.
    fn message_text(&mut self, message: Cell) -> String {
        // `effects` refused a missing or null text already.
        let Some(value) = message else {
            return String::new();
        };
        let written = prelude::call(
            Builtin::Text,
            &[Some(value.clone())],
            self.store.interner_mut(),
        );
        let interner = self.store.interner();
        match written {
            Ok(Some(Value::Text(symbol))) => interner.resolve(symbol).to_string(),
            _ => value.display(interner).to_string(),
        }
    }
}
