//! Results in canonical order: which facts a run writes (input and output types, not
//! internal ones), each type's facts sorted by their fields, alerts and run-time errors
//! sorted; the writers; and finding a fact by the reference a person gives.

use std::cmp::Ordering;
use std::io::Write;

use reckon_fact_store::io::{WriteError, fact_json};
use reckon_fact_store::{FactId, FactStore, FactTypeId, Value};
use reckon_rete_core::order::cmp_cells;

use super::{Live, Session, live};
use crate::engine::TypeKind;
use crate::error::Error;

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON object per line: facts, then alerts.
    Ndjson,
    /// One JSON array of the same objects.
    Json,
}

/// An alert a rule raised.
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

/// What [`Session::write`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Facts written per fact type, by name, in catalog order (input and output types).
    pub per_type: Vec<(String, usize)>,
    /// Alerts written.
    pub alerts: usize,
}

impl Session {
    /// The live facts of `fact_type`, in canonical order.
    pub fn facts_of(&self, fact_type: &str) -> Result<Vec<FactId>, Error> {
        let id = self.fact_type(fact_type)?;
        Ok(live!(&self.live, s => sorted(self, s.store(), id)))
    }

    /// The fact as a JSON object: `"type"` first, declared fields in order, then the
    /// undeclared fields it was read with; `"<gone>"` for a fact no longer live.
    pub fn json(&self, fact: FactId) -> String {
        live!(&self.live, s => json_of(s.store(), fact))
    }

    /// The value of a field (`None` when missing); text values name the session's
    /// interned text, which [`display`](Self::display) shows.
    pub fn value(&self, fact: FactId, field: &str) -> Result<Option<Value>, Error> {
        let field = self.field_id(fact, field)?;
        Ok(live!(&self.live, s => s.store().get_field(fact, field))?)
    }

    /// A value as JSON text.
    pub fn display(&self, value: &Value) -> String {
        live!(&self.live, s => value.display(s.store().interner()).to_string())
    }

    /// The alerts raised, in canonical order (by rule, message and facts).
    pub fn alerts(&self) -> Vec<Alert> {
        let program = self.engine.program();
        let mut alerts: Vec<(reckon_rule_ir::RuleId, Alert)> = live!(&self.live, s => s
            .alerts()
            .map(|(alert, ids)| {
                let facts = ids
                    .iter()
                    .zip(&alert.facts)
                    .map(|(id, shown)| shown_fact(s.store(), *id, shown))
                    .collect();
                let rule = program.rule(alert.rule).name.clone();
                (alert.rule, Alert { rule, message: alert.message, facts })
            })
            .collect());
        alerts
            .sort_by(|a, b| (a.0, &a.1.message, &a.1.facts).cmp(&(b.0, &b.1.message, &b.1.facts)));
        alerts.into_iter().map(|(_, alert)| alert).collect()
    }

    /// The run-time errors standing, in canonical order, then the loop error the last
    /// run stopped on, if it did.
    pub fn errors(&self) -> Vec<RunError> {
        let program = self.engine.program();
        let (standing, stopped) = live!(&self.live, s => {
            let (standing, stopped) = s.run_errors();
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
            (standing, stopped)
        });
        let mut errors: Vec<(reckon_rule_ir::RuleId, reckon_rule_ir::Span, RunError)> = standing
            .into_iter()
            .map(|(error, facts)| {
                let found = RunError {
                    rule: program.rule(error.rule).name.clone(),
                    place: self.engine.place_of(error.span),
                    message: error.message,
                    facts,
                };
                (error.rule, error.span, found)
            })
            .collect();
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

    /// The fact types a run writes (input types and declared outputs), in catalog order.
    pub fn written_types(&self) -> Vec<FactTypeId> {
        let kinds = &self.engine.shared().kinds;
        (0..kinds.len())
            .filter(|&index| kinds[index] != TypeKind::Internal)
            .filter_map(FactTypeId::from_index)
            .collect()
    }

    /// Writes every fact of the input and output types, type by type in catalog order and
    /// canonically within a type, then the alerts as `{"type":"alert",...}`.
    pub fn write(&self, out: impl Write, format: OutputFormat) -> Result<Written, Error> {
        let _span = tracing::info_span!("write").entered();
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        let mut written = Written::default();
        let mut first = true;
        let mut line = String::new();
        let mut emit = |out: &mut std::io::BufWriter<_>, line: &str| -> Result<(), WriteError> {
            match format {
                OutputFormat::Ndjson => writeln!(out, "{line}")?,
                OutputFormat::Json => {
                    let lead = if first { "[\n" } else { ",\n" };
                    write!(out, "{lead}{line}")?;
                }
            }
            first = false;
            Ok(())
        };
        for fact_type in self.written_types() {
            let ids = live!(&self.live, s => sorted(self, s.store(), fact_type));
            for id in &ids {
                line.clear();
                live!(&self.live, s => {
                    let fact = s.store().get(*id).ok_or(WriteError::StaleId(*id))?;
                    fact_json(s.store(), &fact, &mut line);
                });
                emit(&mut out, &line)?;
            }
            let name = self
                .engine
                .shared()
                .catalog
                .schema(fact_type)
                .name()
                .to_owned();
            written.per_type.push((name, ids.len()));
        }
        for alert in self.alerts() {
            line.clear();
            line.push_str("{\"type\":\"alert\",\"rule\":");
            line.push_str(&json_string(&alert.rule));
            line.push_str(",\"message\":");
            line.push_str(&json_string(&alert.message));
            line.push_str(",\"facts\":[");
            line.push_str(&alert.facts.join(","));
            line.push_str("]}");
            emit(&mut out, &line)?;
            written.alerts += 1;
        }
        if format == OutputFormat::Json {
            out.write_all(if first { b"[]\n" } else { b"\n]\n" })
                .map_err(WriteError::Io)?;
        }
        out.flush().map_err(WriteError::Io)?;
        Ok(written)
    }

    /// Writes the facts of one fact type as CSV with a header row, canonically ordered.
    pub fn write_csv(&self, fact_type: &str, out: impl Write) -> Result<usize, Error> {
        let id = self.fact_type(fact_type)?;
        let options = reckon_fact_store::io::CsvWriteOptions::default();
        Ok(live!(&self.live, s => {
            let ids = sorted(self, s.store(), id);
            reckon_fact_store::io::write_csv_ids(s.store(), id, ids, out, &options)
        })?)
    }

    /// The fact a person means by `reference`: `TYPE:N` is the Nth fact (from 1) of a
    /// type in canonical order, as `write` lists them; anything else is the value of an
    /// `id` field, which must name exactly one live fact (`TYPE:ID` picks the type).
    pub fn find(&self, reference: &str) -> Result<FactId, Error> {
        let unknown = |hint: String| Error::UnknownFact {
            reference: reference.to_owned(),
            hint,
        };
        let catalog = &self.engine.shared().catalog;
        let (types, wanted): (Vec<FactTypeId>, &str) = match reference.split_once(':') {
            Some((name, rest)) if catalog.id(name).is_some() => {
                let fact_type = catalog.id(name).expect("just found");
                if let Ok(n) = rest.parse::<usize>() {
                    let ids = live!(&self.live, s => sorted(self, s.store(), fact_type));
                    return n
                        .checked_sub(1)
                        .and_then(|i| ids.get(i).copied())
                        .ok_or_else(|| {
                            unknown(format!(
                                "there are {} `{name}` facts, numbered from 1",
                                ids.len()
                            ))
                        });
                }
                (vec![fact_type], rest)
            }
            _ => (catalog.iter().map(|(id, _)| id).collect(), reference),
        };
        let mut found = Vec::new();
        for fact_type in types {
            let Some(field) = catalog.schema(fact_type).field_id("id") else {
                continue;
            };
            live!(&self.live, s => {
                let interner = s.store().interner();
                for id in s.store().ids(fact_type) {
                    if let Ok(Some(value)) = s.store().get_field(id, field)
                        && id_matches(&value, wanted, interner)
                    {
                        found.push(id);
                    }
                }
            });
        }
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(unknown(
                "no live fact has that `id`; give `TYPE:ID`, or `TYPE:N` for the Nth fact of a type in output order".into(),
            )),
            _ => Err(unknown(format!(
                "{} facts have that `id`; say which type with `TYPE:ID`",
                found.len()
            ))),
        }
    }

    pub(crate) fn fact_type(&self, name: &str) -> Result<FactTypeId, Error> {
        self.engine
            .shared()
            .catalog
            .id(name)
            .ok_or_else(|| Error::UnknownFactType {
                name: name.to_owned(),
            })
    }
}

/// The facts of `fact_type` in canonical order: by every declared field in declaration
/// order (canonically, missing first), then by undeclared fields as written, then by id.
pub(crate) fn sorted<S: FactStore>(
    session: &Session,
    store: &S,
    fact_type: FactTypeId,
) -> Vec<FactId> {
    let _ = session;
    let mut facts: Vec<_> = store
        .ids(fact_type)
        .filter_map(|id| store.get(id))
        .collect();
    let interner = store.interner();
    facts.sort_by(|a, b| {
        for (x, y) in a.fields.iter().zip(&b.fields) {
            let ordering = cmp_cells(x.as_ref(), y.as_ref(), interner);
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        let extras = |fact: &reckon_fact_store::Fact| -> Vec<(String, String)> {
            fact.extras
                .iter()
                .map(|e| {
                    (
                        interner.resolve(e.name).to_owned(),
                        interner.resolve(e.raw).to_owned(),
                    )
                })
                .collect()
        };
        extras(a).cmp(&extras(b)).then(a.id.cmp(&b.id))
    });
    facts.into_iter().map(|fact| fact.id).collect()
}

pub(crate) fn json_of<S: FactStore>(store: &S, fact: FactId) -> String {
    match store.get(fact) {
        Some(fact) => {
            let mut line = String::new();
            fact_json(store, &fact, &mut line);
            line
        }
        None => "\"<gone>\"".to_owned(),
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

fn id_matches(value: &Value, wanted: &str, interner: &reckon_fact_store::Interner) -> bool {
    match value {
        Value::Text(symbol) => interner.resolve(*symbol) == wanted,
        Value::Int(n) => wanted.parse::<i64>() == Ok(*n),
        _ => false,
    }
}

pub(crate) fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}
