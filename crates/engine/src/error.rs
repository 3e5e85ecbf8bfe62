//! The crate's one error type. Each variant says where the problem is (file, line,
//! column, field, fact) and, through its message, what would fix it.

use std::fmt;
use std::path::PathBuf;

use reckon_calc_dsl::render;
use reckon_calc_dsl::source::SourceMap;
use reckon_fact_store::StoreError;
use reckon_fact_store::io::{ReadError, WriteError};
use reckon_rete_core::BuildError;
use reckon_rule_ir::{Diagnostic, Severity};

/// What can go wrong building an engine, loading facts, running, explaining or writing.
///
/// ```
/// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
/// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
/// # let mut session = engine.session();
/// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
/// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
/// # session.run();
/// match session.insert("manager", &[]) {
///     Err(reckon::Error::UnknownFactType { name }) => assert_eq!(name, "manager"),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The rules have errors. Every diagnostic found is here, warnings included.
    Rules(RuleErrors),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Facts were malformed; every error kept names its source, line, column, fact and
    /// field. The good facts before (or, when collecting errors, around) them are in.
    Facts(ReadError),
    /// No fact type of the rules has this name.
    UnknownFactType {
        /// The name asked for.
        name: String,
    },
    /// The fact type has no field of this name.
    UnknownField {
        /// The fact type.
        fact_type: String,
        /// The field asked for.
        field: String,
    },
    /// No rule has this name.
    UnknownRule {
        /// The name asked for.
        name: String,
    },
    /// No live fact answers to this reference.
    UnknownFact {
        /// The reference as given.
        reference: String,
        /// What would find one.
        hint: String,
    },
    /// In a session split into partitions, a partition key field cannot be updated (the
    /// fact would change partition): retract the fact and insert it anew.
    PartitionKey {
        /// The fact type.
        fact_type: String,
        /// Its partition key field.
        field: String,
    },
    /// The store refused a change: a stale id, a value of the wrong type, a missing
    /// required field.
    Store(StoreError),
    /// The rules could not be lowered into a network.
    Build(BuildError),
    /// Results could not be written.
    Write(WriteError),
}

/// The diagnostics of rules that did not compile, and the sources they point into.
///
/// ```
/// let result = reckon::Engine::builder().calc("a.calc", "rule \"x\"\n  for each nothing n\n  alert \"x\"\n").build();
/// let Err(reckon::Error::Rules(errors)) = result else { panic!() };
/// assert_eq!(errors.diagnostics.len(), 1);
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RuleErrors {
    /// Every diagnostic, errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The sources, for rendering.
    pub sources: SourceMap,
}

impl RuleErrors {
    /// The diagnostics for people: each source line with the problem underlined.
    ///
    /// ```
    /// let result = reckon::Engine::builder().calc("a.calc", "rule \"x\"\n  for each nothing n\n  alert \"x\"\n").build();
    /// let Err(reckon::Error::Rules(errors)) = result else { panic!() };
    /// assert!(errors.render(false).contains("no fact type is called `nothing`"));
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn render(&self, color: bool) -> String {
        render::human(&self.diagnostics, &self.sources, color)
    }

    /// How many diagnostics are errors.
    ///
    /// ```
    /// let result = reckon::Engine::builder().calc("a.calc", "rule \"x\"\n  for each nothing n\n  alert \"x\"\n").build();
    /// let Err(reckon::Error::Rules(errors)) = result else { panic!() };
    /// assert_eq!(errors.error_count(), 1);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Rules(errors) => {
                let count = errors.error_count();
                let plural = if count == 1 { "" } else { "s" };
                writeln!(f, "the rules have {count} error{plural}:")?;
                write!(f, "{}", errors.render(false).trim_end())
            }
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Facts(error) => write!(f, "{error}"),
            Error::UnknownFactType { name } => write!(
                f,
                "no fact type is called `{name}`; the rules declare or emit the fact types there are"
            ),
            Error::UnknownField { fact_type, field } => {
                write!(f, "fact type `{fact_type}` has no field `{field}`")
            }
            Error::UnknownRule { name } => write!(
                f,
                "no rule is called `{name}`; `reckon compile` lists the rules by name"
            ),
            Error::UnknownFact { reference, hint } => {
                write!(f, "no fact is `{reference}`: {hint}")
            }
            Error::PartitionKey { fact_type, field } => write!(
                f,
                "`{fact_type}.{field}` splits the session's facts between threads and cannot be \
                 updated; retract the fact and insert it with the new value"
            ),
            Error::Store(error) => write!(f, "{error}"),
            Error::Build(error) => write!(f, "{error}"),
            Error::Write(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Facts(error) => Some(error),
            Error::Write(error) => Some(error),
            _ => None,
        }
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Error {
        Error::Store(error)
    }
}

impl From<ReadError> for Error {
    fn from(error: ReadError) -> Error {
        Error::Facts(error)
    }
}

impl From<WriteError> for Error {
    fn from(error: WriteError) -> Error {
        Error::Write(error)
    }
}

impl From<BuildError> for Error {
    fn from(error: BuildError) -> Error {
        Error::Build(error)
    }
}
