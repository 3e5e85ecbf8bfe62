//! Results in canonical order: which facts a run writes (input and output types, not
//! internal ones), each type's facts sorted by their fields, alerts and run-time errors
//! sorted; the writers; and finding a fact by the reference a person gives.

use std::cmp::Ordering;
use std::io::Write;

use rayon::prelude::*;
use reckon_fact_store::io::{WriteError, fact_json};
use reckon_fact_store::{Fact, FactId, FactStore, FactTypeId, FieldId, Interner, Value};
use reckon_rete_core::order::cmp_cells_across;

use super::parts::{copy_fact, tag};
use super::{Session, live};
use crate::engine::TypeKind;
use crate::error::Error;

/// Facts formatted together by one thread when a partitioned session writes.
const FACTS_A_CHUNK: usize = 4096;

/// How results are written.
///
/// ```
/// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
/// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
/// # let mut session = engine.session();
/// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
/// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
/// # session.run();
/// let mut out = Vec::new();
/// session.write(&mut out, reckon::OutputFormat::Json)?;
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with("[\n{\"type\":\"shift\",\"id\":\"S1\""));
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON object per line: facts, then alerts.
    Ndjson,
    /// One JSON array of the same objects.
    Json,
}

/// What [`Session::write`] wrote.
///
/// ```
/// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
/// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
/// # let mut session = engine.session();
/// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
/// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
/// # session.run();
/// let written = session.write(std::io::sink(), reckon::OutputFormat::Ndjson)?;
/// assert_eq!(written.per_type, [("shift".to_string(), 2), ("long_shift".to_string(), 1)]);
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Facts written per fact type, by name, in catalog order (input and output types).
    pub per_type: Vec<(String, usize)>,
    /// Alerts written.
    pub alerts: usize,
}

impl Session {
    /// The live facts of `fact_type`, in canonical order.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let shifts = session.facts_of("shift")?;
    /// assert_eq!(session.json(shifts[0]), r#"{"type":"shift","id":"S1","hours":13}"#);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn facts_of(&self, fact_type: &str) -> Result<Vec<FactId>, Error> {
        let id = self.fact_type(fact_type)?;
        Ok(self
            .sorted(id)
            .into_iter()
            .map(|(part, fact)| tag(part, fact))
            .collect())
    }

    /// The fact as a JSON object: `"type"` first, declared fields in order, then the
    /// undeclared fields it was read with; `"<gone>"` for a fact no longer live.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let s2 = session.find("S2")?;
    /// assert_eq!(session.json(s2), r#"{"type":"shift","id":"S2","hours":8}"#);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn json(&self, fact: FactId) -> String {
        let (part, id) = self.locate(fact);
        live!(&self.parts[part], s => json_of(s.store(), id))
    }

    /// The value of a field as JSON text (`180.00`, `"E1"`); `None` when it is missing.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let s1 = session.find("S1")?;
    /// assert_eq!(session.field(s1, "hours")?.as_deref(), Some("13"));
    /// assert_eq!(session.field(s1, "id")?.as_deref(), Some("\"S1\""));
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn field(&self, fact: FactId, field: &str) -> Result<Option<String>, Error> {
        let field = self.field_id(fact, field)?;
        let (part, id) = self.locate(fact);
        Ok(live!(&self.parts[part], s => s
            .store()
            .get_field(id, field)?
            .map(|value| value.display(s.store().interner()).to_string())))
    }

    /// The fact types a run writes (input types and declared outputs), in catalog order.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let names: Vec<&str> = session
    ///     .written_types()
    ///     .into_iter()
    ///     .map(|t| session.engine().catalog().schema(t).name())
    ///     .collect();
    /// assert_eq!(names, ["shift", "long_shift"]);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn written_types(&self) -> Vec<FactTypeId> {
        let kinds = &self.engine.shared().kinds;
        (0..kinds.len())
            .filter(|&index| kinds[index] != TypeKind::Internal)
            .filter_map(FactTypeId::from_index)
            .collect()
    }

    /// Writes every fact of the input and output types, type by type in catalog order and
    /// canonically within a type, then the alerts as `{"type":"alert",...}`.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let mut out = Vec::new();
    /// session.write(&mut out, reckon::OutputFormat::Ndjson)?;
    /// assert_eq!(String::from_utf8(out).unwrap(), r#"{"type":"shift","id":"S1","hours":13}
    /// {"type":"shift","id":"S2","hours":8}
    /// {"type":"long_shift","shift_id":"S1"}
    /// "#);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn write(&self, out: impl Write, format: OutputFormat) -> Result<Written, Error> {
        let _span = tracing::info_span!("write").entered();
        let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
        let mut written = Written::default();
        let mut first = true;
        let mut line = String::new();
        let mut emit = |out: &mut std::io::BufWriter<_>, line: &str| -> Result<(), WriteError> {
            match format {
                OutputFormat::Ndjson => {
                    out.write_all(line.as_bytes())?;
                    out.write_all(b"\n")?;
                }
                OutputFormat::Json => {
                    let lead = if first { "[\n" } else { ",\n" };
                    out.write_all(lead.as_bytes())?;
                    out.write_all(line.as_bytes())?;
                }
            }
            first = false;
            Ok(())
        };
        // A partitioned session formats its facts on all its threads, a window of chunks
        // at a time so that only the window's text is held, and writes them in order.
        let threads = if self.parts.len() > 1 {
            self.engine.pool().current_num_threads()
        } else {
            1
        };
        for fact_type in self.written_types() {
            let extras_order = self.extras_order(fact_type);
            let facts = self.sorted(fact_type);
            let count = facts.len();
            for window in facts.chunks(FACTS_A_CHUNK * threads) {
                let chunk_lines = |chunk: &[(usize, FactId)]| {
                    let mut lines = Vec::with_capacity(chunk.len());
                    let mut text = String::new();
                    for &(part, id) in chunk {
                        let start = text.len();
                        self.fact_line(part, id, extras_order.as_deref(), &mut text);
                        lines.push(start..text.len());
                    }
                    (text, lines)
                };
                let chunks: Vec<(String, Vec<std::ops::Range<usize>>)> = if threads > 1 {
                    self.engine
                        .pool()
                        .install(|| window.par_chunks(FACTS_A_CHUNK).map(chunk_lines).collect())
                } else {
                    vec![chunk_lines(window)]
                };
                for (text, lines) in &chunks {
                    for range in lines.iter().filter(|range| !range.is_empty()) {
                        emit(&mut out, &text[range.clone()])?;
                    }
                }
            }
            let name = self.engine.catalog().schema(fact_type).name().to_owned();
            written.per_type.push((name, count));
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
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let mut out = Vec::new();
    /// session.write_csv("shift", &mut out)?;
    /// assert_eq!(String::from_utf8(out).unwrap(), "id,hours\nS1,13\nS2,8\n");
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn write_csv(&self, fact_type: &str, out: impl Write) -> Result<usize, Error> {
        let id = self.fact_type(fact_type)?;
        let options = reckon_fact_store::io::CsvWriteOptions::default();
        let facts = self.sorted(id);
        let Some(split) = &self.split else {
            let ids = facts.iter().map(|(_, fact)| *fact);
            return Ok(live!(&self.parts[0], s => {
                reckon_fact_store::io::write_csv_ids(s.store(), id, ids, out, &options)
            })?);
        };
        // Partitions' facts are gathered into a copy of the staging store, which has seen
        // the undeclared fields in the order the input first had them, and written from
        // there.
        let mut gathered = split.staging.clone();
        let mut ids = Vec::with_capacity(facts.len());
        for &(part, id) in &facts {
            let Some(fact) = self.fact_of(part, id) else {
                continue;
            };
            let copied = live!(&self.parts[part], s => copy_fact(s.store(), &fact, &mut gathered))?;
            ids.push(copied);
        }
        Ok(reckon_fact_store::io::write_csv_ids(
            &gathered, id, ids, out, &options,
        )?)
    }

    /// The fact a person means by `reference`: `TYPE:N` is the Nth fact (from 1) of a
    /// type in canonical order, as `write` lists them; anything else is the value of an
    /// `id` field, which must name exactly one live fact (`TYPE:ID` picks the type).
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// assert_eq!(session.find("S1")?, session.find("shift:S1")?);
    /// assert_eq!(session.find("shift:2")?, session.find("S2")?, "the second shift in output order");
    /// assert!(session.find("S9").is_err());
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn find(&self, reference: &str) -> Result<FactId, Error> {
        let unknown = |hint: String| Error::UnknownFact {
            reference: reference.to_owned(),
            hint,
        };
        let catalog = self.engine.catalog();
        let (types, wanted): (Vec<FactTypeId>, &str) = match reference.split_once(':') {
            Some((name, rest)) if catalog.id(name).is_some() => {
                let fact_type = catalog.id(name).expect("just found");
                if let Ok(n) = rest.parse::<usize>() {
                    let facts = self.sorted(fact_type);
                    return n
                        .checked_sub(1)
                        .and_then(|i| facts.get(i))
                        .map(|(part, fact)| tag(*part, *fact))
                        .ok_or_else(|| {
                            unknown(format!(
                                "there are {} `{name}` facts, numbered from 1",
                                facts.len()
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
            for (part, live) in self.parts.iter().enumerate() {
                live!(live, s => {
                    let interner = s.store().interner();
                    for id in s.store().ids(fact_type) {
                        if let Ok(Some(value)) = s.store().get_field(id, field)
                            && id_matches(&value, wanted, interner)
                        {
                            found.push(tag(part, id));
                        }
                    }
                });
            }
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
            .catalog()
            .id(name)
            .ok_or_else(|| Error::UnknownFactType {
                name: name.to_owned(),
            })
    }

    /// The facts of `fact_type` in every partition, in canonical order: by every declared
    /// field in declaration order (canonically, missing first), then by undeclared fields
    /// as written, then by id; each with its partition.
    ///
    /// Ids are sorted by their first field, not copies of the facts: only a run of facts
    /// whose first fields tie is copied out of the store to be sorted by the rest. A
    /// partitioned session sorts on all its threads.
    fn sorted(&self, fact_type: FactTypeId) -> Vec<(usize, FactId)> {
        let first = FieldId::from_index(0)
            .filter(|_| !self.engine.catalog().schema(fact_type).fields().is_empty());
        let mut keyed: Vec<(Option<Value>, usize, FactId)> = Vec::new();
        let mut interners: Vec<&Interner> = Vec::with_capacity(self.parts.len());
        for (part, live) in self.parts.iter().enumerate() {
            live!(live, s => {
                let store = s.store();
                keyed.extend(store.ids(fact_type).map(|id| {
                    let value = first.and_then(|field| store.field(id, field));
                    (value, part, id)
                }));
                interners.push(store.interner());
            });
        }
        let cmp_first = |(x, pa, _): &(Option<Value>, usize, FactId),
                         (y, pb, _): &(Option<Value>, usize, FactId)| {
            cmp_cells_across(x.as_ref(), interners[*pa], y.as_ref(), interners[*pb])
        };
        // A run of ties is copied out and sorted by the rest of its facts.
        let sort_run = |run: &mut [(Option<Value>, usize, FactId)]| {
            if run.len() < 2 {
                return;
            }
            let copies: Option<Vec<(usize, Fact)>> = run
                .iter()
                .map(|&(_, part, id)| self.fact_of(part, id).map(|fact| (part, fact)))
                .collect();
            let Some(mut copies) = copies else {
                return;
            };
            copies.sort_by(|(pa, a), (pb, b)| {
                cmp_facts_across((a, interners[*pa], *pa), (b, interners[*pb], *pb))
            });
            for (slot, (part, fact)) in run.iter_mut().zip(copies) {
                (slot.1, slot.2) = (part, fact.id);
            }
        };
        let tie = |a: &(Option<Value>, usize, FactId), b: &(Option<Value>, usize, FactId)| {
            cmp_first(a, b).is_eq()
        };
        if self.parts.len() > 1 {
            self.engine.pool().install(|| {
                keyed.par_sort_by(cmp_first);
                keyed.par_chunk_by_mut(tie).for_each(sort_run);
            });
        } else {
            keyed.sort_by(cmp_first);
            keyed.chunk_by_mut(tie).for_each(sort_run);
        }
        keyed.into_iter().map(|(_, part, id)| (part, id)).collect()
    }

    /// Appends a fact's JSON line (nothing when it is not live), its undeclared fields in
    /// `extras_order` when given.
    fn fact_line(
        &self,
        part: usize,
        id: FactId,
        extras_order: Option<&[String]>,
        out: &mut String,
    ) {
        let Some(mut fact) = self.fact_of(part, id) else {
            return;
        };
        live!(&self.parts[part], s => {
            if let Some(order) = extras_order {
                let interner = s.store().interner();
                fact.extras.sort_by_key(|extra| {
                    order.iter().position(|name| name == interner.resolve(extra.name))
                });
            }
            fact_json(s.store(), &fact, out);
        });
    }

    /// A copy of a live fact of a partition.
    fn fact_of(&self, part: usize, id: FactId) -> Option<Fact> {
        live!(&self.parts[part], s => s.store().get(id))
    }

    /// In a partitioned session, the undeclared fields of a fact type in the order the
    /// input first had them (each partition's store saw only some of the input).
    fn extras_order(&self, fact_type: FactTypeId) -> Option<Vec<String>> {
        let split = self.split.as_ref()?;
        let interner = split.staging.interner();
        Some(
            split
                .staging
                .extra_names(fact_type)
                .iter()
                .map(|name| interner.resolve(*name).to_owned())
                .collect(),
        )
    }
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

/// Compares two facts of one type canonically: declared fields, then undeclared ones as
/// written, then ids (with their partitions).
fn cmp_facts_across(a: (&Fact, &Interner, usize), b: (&Fact, &Interner, usize)) -> Ordering {
    let ((a, ia, pa), (b, ib, pb)) = (a, b);
    for (x, y) in a.fields.iter().zip(&b.fields) {
        let ordering = cmp_cells_across(x.as_ref(), ia, y.as_ref(), ib);
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    let extras = |fact: &Fact, interner: &Interner| -> Vec<(String, String)> {
        fact.extras
            .iter()
            .map(|e| {
                let name = interner.resolve(e.name).to_owned();
                (name, interner.resolve(e.raw).to_owned())
            })
            .collect()
    };
    extras(a, ia)
        .cmp(&extras(b, ib))
        .then(tag(pa, a.id).cmp(&tag(pb, b.id)))
}
