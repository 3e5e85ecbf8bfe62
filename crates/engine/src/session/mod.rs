//! A session: facts in (typed, or read from NDJSON, JSON arrays and CSV), runs to a
//! fixpoint, results out in canonical order, and explanations of what came out.
//!
//! - `output.rs` — results: facts in canonical order, alerts and errors, writers, and
//!   finding a fact by the reference a person gives.
//! - `events.rs` — alerts and run-time errors.
//! - `explain.rs` — derivation trees and why-not answers.
//! - `parts.rs` — partitions: routing input facts, ids that name their partition.
//!
//! A session keeps its facts in the backend its engine names; the code over it is generic
//! and `live!` picks the instance. A partitioned session has one network per partition
//! and runs them in parallel; a serial one has one.

mod events;
mod explain;
mod output;
mod parts;

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use reckon_fact_store::io::{ReadOptions, ReadReport, read_csv, read_json_array, read_ndjson};
use reckon_fact_store::{ColumnStore, FactId, FactStore, RowStore, Value};
use reckon_rete_core::Session as Network;

use crate::builder::Backend;
use crate::engine::Engine;
use crate::error::Error;
use crate::metrics::Metrics;

pub use events::{Alert, RunError};
pub use explain::{Derived, Explanation, WhyNot};
pub use output::{OutputFormat, Written};
pub(crate) use parts::MAX_PARTS;

/// Runs `$body` with `$s` bound to the session's network, whichever store it runs over.
macro_rules! live {
    ($live:expr, $s:ident => $body:expr) => {
        match $live {
            $crate::session::Live::Column($s) => $body,
            $crate::session::Live::Row($s) => $body,
        }
    };
}
pub(crate) use live;

/// The network over the store the engine chose.
#[derive(Debug)]
pub(crate) enum Live {
    Column(Box<Network<ColumnStore>>),
    Row(Box<Network<RowStore>>),
}

/// The format of a facts input.
///
/// ```
/// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
/// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
/// # let mut session = engine.session();
/// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
/// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
/// # session.run();
/// session.read("type,id,hours\nshift,S3,14\n".as_bytes(), reckon::InputFormat::Csv, "more.csv")?;
/// session.read(r#"[{"type":"shift","id":"S4","hours":2}]"#.as_bytes(), reckon::InputFormat::JsonArray, "more.json")?;
/// assert_eq!(session.metrics().facts_in, 4);
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One JSON object per line, each with a `"type"` member.
    Ndjson,
    /// One JSON array of such objects.
    JsonArray,
    /// CSV with a header row; a `type` column, or the fact type given.
    Csv,
}

impl InputFormat {
    /// The format a file's extension names: `.csv`, `.json`, anything else NDJSON.
    ///
    /// ```
    /// use reckon::InputFormat;
    /// use std::path::Path;
    /// assert_eq!(InputFormat::of_path(Path::new("shifts.csv")), InputFormat::Csv);
    /// assert_eq!(InputFormat::of_path(Path::new("shifts.ndjson")), InputFormat::Ndjson);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn of_path(path: &Path) -> InputFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => InputFormat::Csv,
            Some("json") => InputFormat::JsonArray,
            _ => InputFormat::Ndjson,
        }
    }
}

/// Facts, and the state of the rules over them.
///
/// ```
/// let engine = reckon::Engine::builder()
///     .calc("r.calc", "fact shift { id: text, hours: decimal }\n\
///                      output long { shift_id: text }\n\
///                      rule \"Long\"\n  for each shift s where s.hours > 12\n  \
///                      emit long { shift_id: s.id }\n")
///     .build()?;
/// let mut session = engine.session();
/// session.read(r#"{"type":"shift","id":"S1","hours":13.5}"#.as_bytes(),
///              reckon::InputFormat::Ndjson, "shifts.ndjson")?;
/// session.run();
/// let long = session.facts_of("long")?;
/// assert_eq!(session.json(long[0]), r#"{"type":"long","shift_id":"S1"}"#);
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug)]
pub struct Session {
    engine: Engine,
    /// One network per partition (one when serial).
    parts: Vec<Live>,
    /// Routing, when partitioned.
    split: Option<parts::Split>,
    facts_processed: u64,
    load_time: Duration,
    parse_time: Duration,
    evaluation_time: Duration,
}

impl Session {
    pub(crate) fn new(engine: Engine) -> Session {
        let shared = engine.shared();
        let count = engine.partitions();
        let parts = (0..count)
            .map(|_| match shared.backend {
                Backend::Column => Live::Column(Box::new(network(
                    &engine,
                    ColumnStore::new(shared.catalog.clone()),
                ))),
                Backend::Row => Live::Row(Box::new(network(
                    &engine,
                    RowStore::new(shared.catalog.clone()),
                ))),
            })
            .collect();
        let split = match &shared.partition {
            Some(keys) if count > 1 => Some(parts::Split::new(&engine, keys, count)),
            _ => None,
        };
        Session {
            engine,
            parts,
            split,
            facts_processed: 0,
            load_time: Duration::ZERO,
            parse_time: Duration::ZERO,
            evaluation_time: Duration::ZERO,
        }
    }

    /// The partition of a fact id this session handed out, and its id there.
    pub(crate) fn locate(&self, fact: FactId) -> (usize, FactId) {
        if self.split.is_none() {
            return (0, fact);
        }
        let (part, id) = parts::untag(fact);
        if part < self.parts.len() {
            (part, id)
        } else {
            (0, fact)
        }
    }

    /// The engine this session runs.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// assert_eq!(session.engine().rule_names().count(), 1);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// A text value, for typed inserts and updates.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let id = session.text("S9")?;
    /// session.insert("shift", &[("id", id), ("hours", reckon::Value::Int(20))])?;
    /// session.run();
    /// assert_eq!(session.facts_of("long_shift")?.len(), 2);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn text(&mut self, text: &str) -> Result<Value, Error> {
        let interned = match &mut self.split {
            Some(split) => split.staging.interner_mut().intern(text),
            None => live!(&mut self.parts[0], s => s.interner_mut().intern(text)),
        };
        interned
            .map(Value::Text)
            .map_err(|error| Error::Store(error.into()))
    }

    /// Adds an input fact of `fact_type` with the fields named; the rest are missing.
    ///
    /// ```
    /// # let engine = reckon::Engine::builder()
    /// #     .calc("r.calc", "fact shift { id: text, hours: decimal }\n").build()?;
    /// let mut session = engine.session();
    /// let id = session.text("S1")?;
    /// let fact = session.insert("shift", &[("id", id), ("hours", reckon::Value::Int(8))])?;
    /// assert_eq!(session.json(fact), r#"{"type":"shift","id":"S1","hours":8}"#);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn insert(&mut self, fact_type: &str, fields: &[(&str, Value)]) -> Result<FactId, Error> {
        let catalog = &self.engine.shared().catalog;
        let type_id = catalog
            .id(fact_type)
            .ok_or_else(|| Error::UnknownFactType {
                name: fact_type.to_owned(),
            })?;
        let schema = catalog.schema(type_id);
        let mut values = vec![None; schema.fields().len()];
        for (name, value) in fields {
            let field = schema.field_id(name).ok_or_else(|| Error::UnknownField {
                fact_type: fact_type.to_owned(),
                field: (*name).to_owned(),
            })?;
            values[field.index()] = Some(value.clone());
        }
        let fact = match &mut self.split {
            Some(split) => {
                let staged = split.staging.insert(type_id, &values, &[])?;
                split.distribute(&[staged], &mut self.parts, self.engine.pool())?[0]
            }
            None => live!(&mut self.parts[0], s => s.insert(type_id, &values))?,
        };
        self.facts_processed += 1;
        Ok(fact)
    }

    /// Changes a field of an input fact (`None` makes it missing); what depended on it
    /// follows in the next run.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let s2 = session.find("S2")?;
    /// session.update(s2, "hours", Some(reckon::Value::Int(14)))?;
    /// session.run();
    /// assert_eq!(session.facts_of("long_shift")?.len(), 2);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn update(&mut self, fact: FactId, field: &str, value: Option<Value>) -> Result<(), Error> {
        let field_id = self.field_id(fact, field)?;
        let (part, id) = self.locate(fact);
        let value = match &self.split {
            None => value,
            Some(split) => {
                if split.key(fact.fact_type()) == Some(field_id) {
                    return Err(Error::PartitionKey {
                        fact_type: self
                            .engine
                            .catalog()
                            .schema(fact.fact_type())
                            .name()
                            .to_owned(),
                        field: field.to_owned(),
                    });
                }
                match value {
                    Some(value) => Some(live!(&mut self.parts[part], s => {
                        parts::carry(&value, split.staging.interner(), s.interner_mut())
                    })?),
                    None => None,
                }
            }
        };
        live!(&mut self.parts[part], s => s.update(id, field_id, value))?;
        self.facts_processed += 1;
        Ok(())
    }

    /// Removes an input fact; what depended on it goes in the next run.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let s1 = session.find("S1")?;
    /// session.retract(s1)?;
    /// session.run();
    /// assert!(session.facts_of("long_shift")?.is_empty(), "what S1 made went with it");
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn retract(&mut self, fact: FactId) -> Result<(), Error> {
        let (part, id) = self.locate(fact);
        live!(&mut self.parts[part], s => s.retract(id))?;
        self.facts_processed += 1;
        Ok(())
    }

    /// Reads facts from `input` (`source` names it in errors) and adds them as one set.
    /// On bad input the error lists every problem kept with its line, column, fact and
    /// field; the good facts read before it are in.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let report = session.read(r#"{"type":"shift","id":"S3","hours":12.5}"#.as_bytes(), reckon::InputFormat::Ndjson, "more.ndjson")?;
    /// assert_eq!(report.facts, 1);
    /// let bad = session.read(r#"{"type":"shift","id":"S4","hours":"long"}"#.as_bytes(), reckon::InputFormat::Ndjson, "bad.ndjson");
    /// assert!(bad.unwrap_err().to_string().starts_with("bad.ndjson:1:"));
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn read(
        &mut self,
        input: impl Read,
        format: InputFormat,
        source: &str,
    ) -> Result<ReadReport, Error> {
        self.read_with(input, format, &ReadOptions::new(source))
    }

    /// [`read`](Self::read) with the reader's options (collect every error, a size limit,
    /// a fact type for CSV without a `type` column).
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let options = reckon::facts::io::ReadOptions::new("more.csv").collect_errors();
    /// let csv = "type,id,hours\nshift,S3,x\nshift,S4,15\nshift,S5,y\n";
    /// let error = session.read_with(csv.as_bytes(), reckon::InputFormat::Csv, &options).unwrap_err();
    /// let reckon::Error::Facts(error) = error else { panic!() };
    /// assert_eq!((error.errors.len(), error.facts), (2, 1), "both bad rows named, the good one in");
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn read_with(
        &mut self,
        input: impl Read,
        format: InputFormat,
        options: &ReadOptions,
    ) -> Result<ReadReport, Error> {
        let _span = tracing::info_span!("load", source = %options.source).entered();
        let started = Instant::now();
        let options = options.clone().keeping_ids();
        let parse_time = &mut self.parse_time;
        let mut result = match &mut self.split {
            Some(split) => timed_read_into(&mut split.staging, input, format, &options, parse_time),
            None => live!(&mut self.parts[0], s => s.insert_from(|store| {
                let mut result = timed_read_into(store, input, format, &options, parse_time);
                let ids = match &mut result {
                    Ok(report) => std::mem::take(&mut report.ids),
                    Err(error) => std::mem::take(&mut error.ids),
                };
                (result, ids)
            })),
        };
        if let Some(split) = &mut self.split {
            let staged = match &mut result {
                Ok(report) => std::mem::take(&mut report.ids),
                Err(error) => std::mem::take(&mut error.ids),
            };
            split.distribute(&staged, &mut self.parts, self.engine.pool())?;
        }
        self.load_time += started.elapsed();
        let facts = match &result {
            Ok(report) => report.facts,
            Err(error) => error.facts,
        };
        self.facts_processed += facts as u64;
        tracing::info!(facts, "loaded");
        result.map_err(Error::Facts)
    }

    /// Reads a facts file, its format by its extension (`.csv`, `.json`, else NDJSON).
    ///
    /// ```
    /// let engine = reckon::Engine::builder().file("../../examples/payroll/rules.calc").build()?;
    /// let mut session = engine.session();
    /// let report = session.read_file("../../examples/payroll/facts.ndjson")?;
    /// assert_eq!(report.facts, 76);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn read_file(&mut self, path: impl AsRef<Path>) -> Result<ReadReport, Error> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let input = std::io::BufReader::with_capacity(1 << 20, file);
        self.read(
            input,
            InputFormat::of_path(path),
            &path.display().to_string(),
        )
    }

    /// Fires rules until nothing is pending, or the loop guard stops the run. Run-time
    /// errors do not stop it: they are kept, with the match they were met on, in
    /// [`errors`](Self::errors).
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// let mut session = engine.session();
    /// session.read(r#"{"type":"shift","id":"S1","hours":13}"#.as_bytes(), reckon::InputFormat::Ndjson, "-")?;
    /// assert!(session.facts_of("long_shift")?.is_empty(), "nothing fires before a run");
    /// session.run();
    /// assert_eq!(session.facts_of("long_shift")?.len(), 1);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn run(&mut self) {
        let _span = tracing::info_span!("run").entered();
        let started = Instant::now();
        if self.parts.len() == 1 {
            live!(&mut self.parts[0], s => s.fire_all());
        } else {
            let pool = self.engine.pool();
            let span = tracing::Span::current();
            pool.install(|| {
                self.parts.par_iter_mut().for_each(|part| {
                    let _span = span.enter();
                    live!(part, s => s.fire_all());
                });
            });
        }
        self.evaluation_time += started.elapsed();
        let fired: u64 = self
            .parts
            .iter()
            .map(|part| live!(part, s => s.stats().fired))
            .sum();
        tracing::info!(fired, "ran");
    }

    /// Counts and times of the session so far.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// # let mut session = engine.session();
    /// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
    /// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
    /// # session.run();
    /// let metrics = session.metrics();
    /// assert_eq!(metrics.facts_processed, 2);
    /// assert_eq!(metrics.rules_fired, 1);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn metrics(&self) -> Metrics {
        let kinds = &self.engine.shared().kinds;
        let mut metrics = Metrics {
            facts_processed: self.facts_processed,
            load_time_ns: nanos(self.load_time),
            parse_time_ns: nanos(self.parse_time),
            evaluation_time_ns: nanos(self.evaluation_time),
            nodes: self.engine.node_counts().total(),
            ..Metrics::default()
        };
        for part in &self.parts {
            live!(part, s => {
                let stats = s.stats();
                metrics.activations += stats.activations;
                metrics.rules_fired += stats.fired;
                metrics.memory_used_bytes += s.store().memory().total() + s.memory_use().total();
                for (index, kind) in kinds.iter().enumerate() {
                    let fact_type = reckon_fact_store::FactTypeId::from_index(index)
                        .expect("fact types fit their ids");
                    let count = s.store().len(fact_type);
                    if *kind == crate::engine::TypeKind::Input {
                        metrics.facts_in += count;
                    } else {
                        metrics.facts_derived += count;
                    }
                }
            });
        }
        metrics
    }

    fn field_id(&self, fact: FactId, field: &str) -> Result<reckon_fact_store::FieldId, Error> {
        let schema = self.engine.shared().catalog.schema(fact.fact_type());
        schema.field_id(field).ok_or_else(|| Error::UnknownField {
            fact_type: schema.name().to_owned(),
            field: field.to_owned(),
        })
    }
}

/// Reads facts from `input` into `store`.
/// [`read_into`], adding the time it took to `parse_time`.
fn timed_read_into<S: FactStore>(
    store: &mut S,
    input: impl Read,
    format: InputFormat,
    options: &ReadOptions,
    parse_time: &mut Duration,
) -> Result<ReadReport, reckon_fact_store::io::ReadError> {
    let started = Instant::now();
    let result = read_into(store, input, format, options);
    *parse_time += started.elapsed();
    result
}

fn read_into<S: FactStore>(
    store: &mut S,
    input: impl Read,
    format: InputFormat,
    options: &ReadOptions,
) -> Result<ReadReport, reckon_fact_store::io::ReadError> {
    match format {
        InputFormat::Ndjson => read_ndjson(input, store, options),
        InputFormat::JsonArray => read_json_array(input, store, options),
        InputFormat::Csv => read_csv(input, store, options),
    }
}

fn network<S: FactStore>(engine: &Engine, store: S) -> Network<S> {
    let shared = engine.shared();
    Network::new(&shared.program, store, shared.options)
        .expect("the engine's program lowered into a network when it was built")
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}
