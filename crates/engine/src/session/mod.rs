//! A session: facts in (typed, or read from NDJSON, JSON arrays and CSV), runs to a
//! fixpoint, results out in canonical order, and explanations of what came out.
//!
//! - `output.rs` — results: facts in canonical order, alerts and errors, writers, and
//!   finding a fact by the reference a person gives.
//! - `explain.rs` — derivation trees and why-not answers.
//!
//! A session keeps its facts in the backend its engine names; the code over it is generic
//! and `live!` picks the instance.

mod explain;
mod output;

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use reckon_fact_store::io::{ReadOptions, ReadReport, read_csv, read_json_array, read_ndjson};
use reckon_fact_store::{ColumnStore, FactId, FactStore, RowStore, Value};
use reckon_rete_core::Session as Network;

use crate::builder::Backend;
use crate::engine::Engine;
use crate::error::Error;
use crate::metrics::Metrics;

pub use explain::{Explanation, WhyNot};
pub use output::{Alert, OutputFormat, RunError, Written};

/// Runs `$body` with `$s` bound to the session's network, whichever store it runs over.
macro_rules! live {
    ($live:expr, $s:ident => $body:expr) => {
        match $live {
            Live::Column($s) => $body,
            Live::Row($s) => $body,
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
    live: Live,
    facts_processed: u64,
    load_time: Duration,
    evaluation_time: Duration,
}

impl Session {
    pub(crate) fn new(engine: Engine) -> Session {
        let shared = engine.shared();
        let live = match shared.backend {
            Backend::Column => Live::Column(Box::new(network(
                &engine,
                ColumnStore::new(shared.catalog.clone()),
            ))),
            Backend::Row => Live::Row(Box::new(network(
                &engine,
                RowStore::new(shared.catalog.clone()),
            ))),
        };
        Session {
            engine,
            live,
            facts_processed: 0,
            load_time: Duration::ZERO,
            evaluation_time: Duration::ZERO,
        }
    }

    /// The engine this session runs.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// A text value, for typed inserts and updates.
    pub fn text(&mut self, text: &str) -> Result<Value, Error> {
        live!(&mut self.live, s => s.interner_mut().intern(text))
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
        let fact = live!(&mut self.live, s => s.insert(type_id, &values))?;
        self.facts_processed += 1;
        Ok(fact)
    }

    /// Changes a field of an input fact (`None` makes it missing); what depended on it
    /// follows in the next run.
    pub fn update(&mut self, fact: FactId, field: &str, value: Option<Value>) -> Result<(), Error> {
        let field_id = self.field_id(fact, field)?;
        live!(&mut self.live, s => s.update(fact, field_id, value))?;
        self.facts_processed += 1;
        Ok(())
    }

    /// Removes an input fact; what depended on it goes in the next run.
    pub fn retract(&mut self, fact: FactId) -> Result<(), Error> {
        live!(&mut self.live, s => s.retract(fact))?;
        self.facts_processed += 1;
        Ok(())
    }

    /// Reads facts from `input` (`source` names it in errors) and adds them as one set.
    /// On bad input the error lists every problem kept with its line, column, fact and
    /// field; the good facts read before it are in.
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
    pub fn read_with(
        &mut self,
        input: impl Read,
        format: InputFormat,
        options: &ReadOptions,
    ) -> Result<ReadReport, Error> {
        let _span = tracing::info_span!("load", source = %options.source).entered();
        let started = Instant::now();
        let options = options.clone().keeping_ids();
        let result = live!(&mut self.live, s => s.insert_from(|store| {
            let mut result = match format {
                InputFormat::Ndjson => read_ndjson(input, store, &options),
                InputFormat::JsonArray => read_json_array(input, store, &options),
                InputFormat::Csv => read_csv(input, store, &options),
            };
            let ids = match &mut result {
                Ok(report) => std::mem::take(&mut report.ids),
                Err(error) => std::mem::take(&mut error.ids),
            };
            (result, ids)
        }));
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
    pub fn run(&mut self) {
        let _span = tracing::info_span!("run").entered();
        let started = Instant::now();
        live!(&mut self.live, s => s.fire_all());
        self.evaluation_time += started.elapsed();
        let stats = live!(&self.live, s => s.stats());
        tracing::info!(fired = stats.fired, "ran");
    }

    /// Counts and times of the session so far.
    pub fn metrics(&self) -> Metrics {
        let stats = live!(&self.live, s => s.stats());
        let kinds = &self.engine.shared().kinds;
        let (mut facts_in, mut facts_derived) = (0, 0);
        live!(&self.live, s => {
            for (index, kind) in kinds.iter().enumerate() {
                let fact_type = reckon_fact_store::FactTypeId::from_index(index)
                    .expect("fact types fit their ids");
                let count = s.store().len(fact_type);
                if *kind == crate::engine::TypeKind::Input {
                    facts_in += count;
                } else {
                    facts_derived += count;
                }
            }
        });
        let memory = live!(&self.live, s => s.store().memory().total() + s.memory_use().total());
        Metrics {
            facts_processed: self.facts_processed,
            facts_in,
            facts_derived,
            activations: stats.activations,
            rules_fired: stats.fired,
            load_time_ns: nanos(self.load_time),
            evaluation_time_ns: nanos(self.evaluation_time),
            memory_used_bytes: memory,
            nodes: self.engine.node_counts().total(),
        }
    }

    fn field_id(&self, fact: FactId, field: &str) -> Result<reckon_fact_store::FieldId, Error> {
        let schema = self.engine.shared().catalog.schema(fact.fact_type());
        schema.field_id(field).ok_or_else(|| Error::UnknownField {
            fact_type: schema.name().to_owned(),
            field: field.to_owned(),
        })
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
