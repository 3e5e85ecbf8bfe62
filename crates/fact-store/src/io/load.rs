//! What every reader shares: the options, the report, and the `Loader` that inserts good
//! facts into the store and turns problems into located errors under the error policy
//! (stop at the first bad fact, or collect every error of the input).

use std::fmt;
use std::ops::ControlFlow;
use std::sync::Arc;

use super::decode::{FactDecoder, FactProblem};
use super::error::{InputError, InputErrorKind};
use super::json::{JsonError, Token};
use crate::catalog::{Catalog, FactTypeId};
use crate::id::FactId;
use crate::store::{FactStore, StoreError};

/// How a reader reads.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The name errors give for the input: a file name, or `-` for standard input.
    pub source: Arc<str>,
    /// Stop at the first bad fact, or collect the errors of all of them.
    pub on_error: OnError,
    /// When collecting, how many errors to keep; the rest are only counted.
    pub max_errors: usize,
    /// The largest line (NDJSON), array element (JSON) or record (CSV) accepted, in bytes.
    pub max_value_bytes: usize,
    /// The fact type of input that does not name one (no `type` member or column).
    pub fact_type: Option<FactTypeId>,
    /// Keep the ids of the facts inserted, in input order, in the report (for a caller
    /// that must act on each, such as a running session).
    pub keep_ids: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            source: Arc::from("-"),
            on_error: OnError::Stop,
            max_errors: 1000,
            max_value_bytes: 16 << 20,
            fact_type: None,
            keep_ids: false,
        }
    }
}

impl ReadOptions {
    /// Options for reading the input called `source`.
    pub fn new(source: impl Into<Arc<str>>) -> ReadOptions {
        ReadOptions {
            source: source.into(),
            ..ReadOptions::default()
        }
    }

    /// Collects every error instead of stopping at the first bad fact.
    pub fn collect_errors(mut self) -> ReadOptions {
        self.on_error = OnError::Collect;
        self
    }

    /// Keeps the ids of the facts inserted in the report.
    pub fn keeping_ids(mut self) -> ReadOptions {
        self.keep_ids = true;
        self
    }

    /// Takes input that names no type as facts of `fact_type`.
    pub fn with_fact_type(mut self, fact_type: FactTypeId) -> ReadOptions {
        self.fact_type = Some(fact_type);
        self
    }
}

/// What a reader does with a bad fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// Stop reading; facts read before it stay in the store.
    Stop,
    /// Skip the bad fact, note its errors, and read on. Good facts are inserted.
    Collect,
}

/// A read that went through without errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadReport {
    /// Facts inserted.
    pub facts: usize,
    /// Facts inserted per fact type, indexed by `FactTypeId`.
    pub per_type: Vec<usize>,
    /// With [`ReadOptions::keep_ids`], the facts inserted, in input order; else empty.
    pub ids: Vec<FactId>,
}

/// A read that met bad input. Facts that were good are in the store.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    /// The errors kept, in input order.
    pub errors: Vec<InputError>,
    /// Errors beyond `max_errors`, counted but not kept.
    pub unreported: usize,
    /// Good facts inserted.
    pub facts: usize,
    /// With [`ReadOptions::keep_ids`], the good facts inserted, in input order; else empty.
    pub ids: Vec<FactId>,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        if self.unreported > 0 {
            write!(f, "\n... and {} more errors", self.unreported)?;
        }
        Ok(())
    }
}

impl std::error::Error for ReadError {}

/// Inserts good facts and records located errors.
pub(crate) struct Loader<'a, S: FactStore + ?Sized> {
    pub(crate) store: &'a mut S,
    catalog: Arc<Catalog>,
    pub(crate) options: &'a ReadOptions,
    decoder: FactDecoder,
    problems: Vec<FactProblem>,
    errors: Vec<InputError>,
    unreported: usize,
    per_type: Vec<usize>,
    ids: Vec<FactId>,
}

impl<'a, S: FactStore + ?Sized> Loader<'a, S> {
    pub(crate) fn new(store: &'a mut S, options: &'a ReadOptions) -> Loader<'a, S> {
        let catalog = Arc::clone(store.catalog());
        let per_type = vec![0; catalog.len()];
        Loader {
            store,
            catalog,
            options,
            decoder: FactDecoder::default(),
            problems: Vec::new(),
            errors: Vec::new(),
            unreported: 0,
            per_type,
            ids: Vec::new(),
        }
    }

    pub(crate) fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Scans the JSON value at `start` of `src`, ready for [`json_fact`](Self::json_fact).
    pub(crate) fn scan(&mut self, src: &str, start: usize) -> Result<Token, JsonError> {
        self.decoder.scan(src, start)
    }

    /// Decodes and inserts the value [`scan`](Self::scan) returned; `locate` turns a byte offset of
    /// `src` into a line and column.
    pub(crate) fn json_fact(
        &mut self,
        src: &str,
        token: &Token,
        locate: impl Fn(usize) -> (u64, u32),
    ) -> ControlFlow<()> {
        self.problems.clear();
        let decoded = self.decoder.decode(
            src,
            token,
            &self.catalog,
            self.options.fact_type,
            self.store.interner_mut(),
            &mut self.problems,
        );
        match decoded {
            Some(fact_type) => {
                let inserted =
                    self.store
                        .insert(fact_type, &self.decoder.fields, &self.decoder.extras);
                let (line, column) = locate(token.start);
                self.inserted(fact_type, inserted, line, Some(column))
            }
            None => {
                let mut flow = ControlFlow::Continue(());
                for problem in std::mem::take(&mut self.problems) {
                    let (line, column) = locate(problem.offset);
                    let error = InputError {
                        source: Arc::clone(&self.options.source),
                        line,
                        column: Some(column),
                        fact_type: problem.fact_type,
                        fact_id: problem.fact_id,
                        field: problem.field,
                        kind: problem.kind,
                    };
                    flow = self.error(error);
                }
                flow
            }
        }
    }

    /// Counts an inserted fact, or makes a store refusal an error at `line`.
    pub(crate) fn inserted(
        &mut self,
        fact_type: FactTypeId,
        result: Result<FactId, StoreError>,
        line: u64,
        column: Option<u32>,
    ) -> ControlFlow<()> {
        match result {
            Ok(id) => {
                self.per_type[fact_type.index()] += 1;
                if self.options.keep_ids {
                    self.ids.push(id);
                }
                ControlFlow::Continue(())
            }
            Err(error) => {
                let fact_type = Some(self.catalog.schema(fact_type).name().to_owned());
                self.error(InputError {
                    fact_type,
                    ..self.at(line, column, InputErrorKind::Store(error))
                })
            }
        }
    }

    /// An error with no fact context, at a place in the input.
    pub(crate) fn at(&self, line: u64, column: Option<u32>, kind: InputErrorKind) -> InputError {
        InputError {
            source: Arc::clone(&self.options.source),
            line,
            column,
            fact_type: None,
            fact_id: None,
            field: None,
            kind,
        }
    }

    /// Records an error; says whether to go on.
    pub(crate) fn error(&mut self, error: InputError) -> ControlFlow<()> {
        if self.errors.len() < self.options.max_errors.max(1) {
            self.errors.push(error);
        } else {
            self.unreported += 1;
        }
        match self.options.on_error {
            OnError::Stop => ControlFlow::Break(()),
            OnError::Collect => ControlFlow::Continue(()),
        }
    }

    pub(crate) fn finish(self) -> Result<ReadReport, ReadError> {
        let facts = self.per_type.iter().sum();
        if self.errors.is_empty() {
            Ok(ReadReport {
                facts,
                per_type: self.per_type,
                ids: self.ids,
            })
        } else {
            Err(ReadError {
                errors: self.errors,
                unreported: self.unreported,
                facts,
                ids: self.ids,
            })
        }
    }
}

/// The 1-based character column of byte `offset` in `line`.
pub(crate) fn column_of(line: &str, offset: usize) -> u32 {
    let mut end = offset.min(line.len());
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    u32::try_from(line[..end].chars().count() + 1).unwrap_or(u32::MAX)
}
