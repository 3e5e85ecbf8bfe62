//! The events of a run: the alerts rules raised and the run-time errors standing, from
//! every partition, in canonical order, each naming its facts as JSON.

use reckon_fact_store::{FactId, FactStore};

use super::output::{json_of, json_string};
use super::{Session, live};

/// An alert a rule raised.
///
/// ```
/// let engine = reckon::Engine::builder()
///     .calc("a.calc", "fact shift { id: text, hours: decimal }\nrule \"Long\"\n  for each shift s where s.hours > 12\n  alert \"{s.id} is long\"\n")
///     .build()?;
/// let mut session = engine.session();
/// session.read(r#"{"type":"shift","id":"S1","hours":13}"#.as_bytes(), reckon::InputFormat::Ndjson, "-")?;
/// session.run();
/// let alert = &session.alerts()[0];
/// assert_eq!((alert.rule.as_str(), alert.message.as_str()), ("Long", "S1 is long"));
/// assert_eq!(alert.facts, [r#"{"type":"shift","id":"S1","hours":13}"#]);
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The rule's name.
    pub rule: String,
    /// The message.
    pub message: String,
    /// The facts of the match, each as a JSON object (as it is now, or for a fact gone
    /// since, as the text it had when the alert was raised).
    pub facts: Vec<String>,
}

/// A run-time error: an expression that failed for a match.
///
/// ```
/// let engine = reckon::Engine::builder()
///     .calc("r.calc", "fact shift { id: text, hours: decimal }\nrule \"Rate\"\n  for each shift s\n  set s.rate = 100 / s.hours\n")
///     .build()?;
/// let mut session = engine.session();
/// session.read(r#"{"type":"shift","id":"S1","hours":0}"#.as_bytes(), reckon::InputFormat::Ndjson, "-")?;
/// session.run();
/// let error = &session.errors()[0];
/// assert_eq!((error.rule.as_str(), error.place.as_str()), ("Rate", "r.calc:4:16"));
/// assert_eq!(error.message, "division by zero");
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunError {
    /// The rule's name.
    pub rule: String,
    /// Where in the rules: `file:line:column`.
    pub place: String,
    /// What went wrong.
    pub message: String,
    /// The facts of the match, as JSON objects.
    pub facts: Vec<String>,
}

impl Session {
    /// The alerts raised, in canonical order (by rule, message and facts).
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// assert!(session.alerts().is_empty(), "these rules raise none");
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn alerts(&self) -> Vec<Alert> {
        let program = self.engine.program();
        let mut alerts: Vec<(reckon_rule_ir::RuleId, Alert)> = Vec::new();
        for part in &self.parts {
            live!(part, s => alerts.extend(s.alerts().map(|(alert, ids)| {
                let facts = ids
                    .iter()
                    .zip(&alert.facts)
                    .map(|(id, shown)| shown_fact(s.store(), *id, shown))
                    .collect();
                let rule = program.rule(alert.rule).name.clone();
                (alert.rule, Alert { rule, message: alert.message, facts })
            })));
        }
        alerts
            .sort_by(|a, b| (a.0, &a.1.message, &a.1.facts).cmp(&(b.0, &b.1.message, &b.1.facts)));
        alerts.into_iter().map(|(_, alert)| alert).collect()
    }

    /// The run-time errors standing, in canonical order, then the loop error the last
    /// run stopped on, if it did.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// assert!(session.errors().is_empty());
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn errors(&self) -> Vec<RunError> {
        let program = self.engine.program();
        let mut errors: Vec<(reckon_rule_ir::RuleId, reckon_rule_ir::Span, RunError)> = Vec::new();
        let mut stopped = None;
        for part in &self.parts {
            let (standing, stop) = live!(part, s => {
                let (standing, stop) = s.run_errors();
                let standing: Vec<_> = standing
                    .into_iter()
                    .map(|(error, ids)| {
                        let mut facts: Vec<String> = ids
                            .iter()
                            .zip(&error.facts)
                            .map(|(id, shown)| shown_fact(s.store(), *id, shown))
                            .collect();
                        facts.sort();
                        (error, facts)
                    })
                    .collect();
                (standing, stop)
            });
            stopped = stopped.or(stop);
            errors.extend(standing.into_iter().map(|(error, facts)| {
                let found = RunError {
                    rule: program.rule(error.rule).name.clone(),
                    place: self.engine.place_of(error.span),
                    message: error.message,
                    facts,
                };
                (error.rule, error.span, found)
            }));
        }
        errors.sort_by(|a, b| {
            (a.0, a.1.start, &a.2.message, &a.2.facts).cmp(&(
                b.0,
                b.1.start,
                &b.2.message,
                &b.2.facts,
            ))
        });
        errors.dedup_by(|a, b| a.2 == b.2);
        let mut errors: Vec<RunError> = errors.into_iter().map(|(_, _, error)| error).collect();
        if let Some(error) = stopped {
            errors.push(RunError {
                rule: program.rule(error.rule).name.clone(),
                place: self.engine.place_of(error.span),
                message: error.message,
                facts: error.facts,
            });
        }
        errors
    }
}

/// A fact an event names: its JSON now, or the text it had at the event, as a string.
fn shown_fact<S: FactStore>(store: &S, id: FactId, shown: &str) -> String {
    if store.contains(id) {
        json_of(store, id)
    } else {
        json_string(shown)
    }
}
