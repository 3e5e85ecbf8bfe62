//! What a run produced, in canonical order, so that two evaluators' results (the network's
//! and the reference evaluator's) compare as text: every live fact with its fields, the
//! alerts, the run-time errors, and whether the run stopped on a loop.

use std::fmt::{self, Write as _};

use reckon_fact_store::{FactId, FactStore, FactTypeId};
use reckon_rule_ir::{Program, RuleId, Span};

/// An output event of an `alert`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Alert {
    /// The rule that fired.
    pub rule: RuleId,
    /// The message.
    pub message: String,
    /// The facts of the activation's key, as [`render_fact`] shows them at the end of the
    /// run (or, for a fact gone by then, when the alert fired).
    pub facts: Vec<String>,
}

/// An event that names facts (an alert, a run-time error) as an evaluator keeps it during
/// a run: the event, and the ids of the facts it names, so that the result can show each
/// fact as it is at the end of the run (truth maintenance makes that state independent of
/// firing order, while the state at the moment of the event is not); a fact gone by then
/// is shown as it was at the event.
#[derive(Debug, Clone)]
pub(crate) struct Raised<E> {
    event: E,
    ids: Vec<FactId>,
}

/// An event whose facts are shown as text.
pub(crate) trait NamesFacts: Clone {
    fn facts_mut(&mut self) -> &mut Vec<String>;
}

impl NamesFacts for Alert {
    fn facts_mut(&mut self) -> &mut Vec<String> {
        &mut self.facts
    }
}

impl NamesFacts for RunError {
    fn facts_mut(&mut self) -> &mut Vec<String> {
        &mut self.facts
    }
}

impl<E: NamesFacts> Raised<E> {
    /// `event`, naming the facts `ids` as they are now.
    pub(crate) fn new(
        program: &Program,
        store: &impl FactStore,
        mut event: E,
        ids: Vec<FactId>,
    ) -> Raised<E> {
        *event.facts_mut() = ids
            .iter()
            .map(|id| render_fact(program, store, *id))
            .collect();
        Raised { event, ids }
    }

    /// The ids of the facts the event names.
    pub(crate) fn ids(&self) -> &[FactId] {
        &self.ids
    }

    /// The event as it was raised.
    pub(crate) fn event(&self) -> &E {
        &self.event
    }

    /// The event, with the facts still live shown as they are now.
    pub(crate) fn finish(&self, program: &Program, store: &impl FactStore) -> E {
        let mut event = self.event.clone();
        for (shown, id) in event.facts_mut().iter_mut().zip(&self.ids) {
            if store.contains(*id) {
                *shown = render_fact(program, store, *id);
            }
        }
        event
    }
}

impl Raised<Alert> {
    /// The same alert with another message.
    pub(crate) fn with_message(&self, message: String) -> Raised<Alert> {
        let mut raised = self.clone();
        raised.event.message = message;
        raised
    }
}

/// A run-time error: an activation, or a candidate match, whose evaluation failed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RunError {
    /// The rule.
    pub rule: RuleId,
    /// The expression (or, for a loop, the rule) that failed.
    pub span: Span,
    /// What went wrong.
    pub message: String,
    /// The facts of the match, as [`render_fact`] shows them, sorted.
    pub facts: Vec<String>,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Every live fact, input and derived, rendered, sorted.
    pub facts: Vec<String>,
    /// The alerts, sorted.
    pub alerts: Vec<Alert>,
    /// The run-time errors, each once, sorted.
    pub errors: Vec<RunError>,
    /// The loop error the run stopped on, if it did.
    pub stopped: Option<RunError>,
}

impl Outcome {
    /// Gathers a run's result from the store it ran over and the events it recorded.
    pub(crate) fn collect(
        program: &Program,
        store: &impl FactStore,
        alerts: &[Raised<Alert>],
        errors: &[Raised<RunError>],
        stopped: Option<RunError>,
    ) -> Outcome {
        let mut alerts: Vec<Alert> = alerts.iter().map(|r| r.finish(program, store)).collect();
        let mut errors: Vec<RunError> = errors.iter().map(|r| r.finish(program, store)).collect();
        // An error names the facts involved in a canonical order: the order evaluators meet
        // them in depends on how conditions were arranged.
        for error in &mut errors {
            error.facts.sort();
        }
        let mut facts = Vec::new();
        let fact_types = (0..program.facts.len()).filter_map(FactTypeId::from_index);
        for fact_type in fact_types {
            facts.extend(
                store
                    .ids(fact_type)
                    .map(|id| render_fact(program, store, id)),
            );
        }
        facts.sort();
        alerts.sort();
        errors.sort();
        errors.dedup();
        Outcome {
            facts,
            alerts,
            errors,
            stopped,
        }
    }
}

/// A fact as `type {field: value, ...}`, its present fields in declaration order, values as
/// JSON; `<gone>` for a fact that is no longer live.
pub fn render_fact(program: &Program, store: &impl FactStore, id: FactId) -> String {
    let Some(fact) = store.get(id) else {
        return "<gone>".to_string();
    };
    let decl = program.fact(id.fact_type());
    let interner = store.interner();
    let mut out = format!("{} {{", decl.name);
    let mut first = true;
    for (field, value) in decl.fields.iter().zip(&fact.fields) {
        let Some(value) = value else { continue };
        let _ = write!(
            out,
            "{}{}: {}",
            if first { "" } else { ", " },
            field.name,
            value.display(interner)
        );
        first = false;
    }
    out.push('}');
    out
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "facts ({}):", self.facts.len())?;
        for fact in &self.facts {
            writeln!(f, "  {fact}")?;
        }
        writeln!(f, "alerts ({}):", self.alerts.len())?;
        for alert in &self.alerts {
            writeln!(
                f,
                "  {} {:?} on {}",
                alert.rule,
                alert.message,
                alert.facts.join(", ")
            )?;
        }
        writeln!(f, "errors ({}):", self.errors.len())?;
        for error in self.errors.iter().chain(&self.stopped) {
            writeln!(
                f,
                "  {} at {:?}: {} on {}",
                error.rule,
                error.span,
                error.message,
                error.facts.join(", ")
            )?;
        }
        if self.stopped.is_some() {
            writeln!(f, "stopped on the loop above")?;
        }
        Ok(())
    }
}
