//! The compiled rules: immutable, cheap to clone and share between threads; each
//! [`Session`] opened on it holds its own facts.

use std::sync::Arc;

use reckon_calc_dsl::source::SourceMap;
use reckon_fact_store::{Catalog, FactTypeId, FieldId};
use reckon_rete_core::{NodeCounts, RunOptions};
use reckon_rule_ir::{Diagnostic, Program, RuleId, Span};

use crate::builder::{Backend, EngineBuilder};
use crate::session::Session;

/// Rules compiled into a program and checked to lower into a network. Clones share it.
///
/// ```
/// let engine = reckon::Engine::builder()
///     .calc("r.calc", "fact shift { id: text, hours: decimal }\n\
///                      rule \"Long\"\n  for each shift s where s.hours > 12\n  \
///                      alert \"long shift {s.id}\"\n")
///     .build()?;
/// let (a, b) = (engine.session(), engine.session());
/// assert_eq!(a.metrics().facts_in, b.metrics().facts_in);
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    shared: Arc<Shared>,
}

/// What a fact type is for.
///
/// ```
/// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
/// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
/// assert_eq!(engine.type_kind("shift"), Some(reckon::TypeKind::Input));
/// assert_eq!(engine.type_kind("long_shift"), Some(reckon::TypeKind::Output));
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    /// Declared with `fact`: facts are read as it, and written back with derived fields.
    Input,
    /// Declared with `output`: rules emit it, and runs write it.
    Output,
    /// Emitted by rules without a declaration: a helper that runs do not write.
    Internal,
}

/// What every session of an engine reads.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) program: Program,
    pub(crate) catalog: Arc<Catalog>,
    /// By `FactTypeId`.
    pub(crate) kinds: Vec<TypeKind>,
    pub(crate) sources: SourceMap,
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) backend: Backend,
    /// Threads a run may use; a session splits into this many partitions when the
    /// program has a whole-program partition key.
    pub(crate) threads: usize,
    /// The whole program's partition key, if it has one.
    pub(crate) partition: Option<Vec<(FactTypeId, FieldId)>>,
    /// The threads partitions run on, made when first needed.
    pub(crate) pool: std::sync::OnceLock<rayon::ThreadPool>,
    pub(crate) options: RunOptions,
    pub(crate) nodes: NodeCounts,
}

impl Engine {
    /// A builder to add rule sources to.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// assert_eq!(engine.rule_names().count(), 1);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    pub(crate) fn new(shared: Shared) -> Engine {
        Engine {
            shared: Arc::new(shared),
        }
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// A new session with no facts.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// let mut session = engine.session();
    /// session.read(r#"{"type":"shift","id":"S1","hours":13}"#.as_bytes(), reckon::InputFormat::Ndjson, "-")?;
    /// session.run();
    /// assert_eq!(session.facts_of("long_shift")?.len(), 1);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn session(&self) -> Session {
        Session::new(self.clone())
    }

    /// The threads partitions run on.
    pub(crate) fn pool(&self) -> &rayon::ThreadPool {
        self.shared.pool.get_or_init(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(self.shared.threads)
                .thread_name(|i| format!("reckon-{i}"))
                .build()
                .expect("the thread pool starts")
        })
    }

    /// How many partitions sessions split into: the engine's threads when the program
    /// has a whole-program partition key, else 1.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// assert_eq!(engine.partitions(), 1, "one thread unless told");
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn partitions(&self) -> usize {
        match &self.shared.partition {
            Some(_) => self.shared.threads.clamp(1, crate::session::MAX_PARTS),
            None => 1,
        }
    }

    /// The optimised program the rules compiled to.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// assert_eq!(engine.program().rules.len(), 1);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn program(&self) -> &Program {
        &self.shared.program
    }

    /// The warnings the rules compiled with (errors stop [`build`](EngineBuilder::build)).
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// assert!(engine.warnings().is_empty());
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.shared.warnings
    }

    /// The fact types, with the ids facts carry.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// let shift = engine.catalog().id("shift").expect("declared");
    /// assert_eq!(engine.catalog().schema(shift).fields().len(), 2);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn catalog(&self) -> &Catalog {
        &self.shared.catalog
    }

    /// The rule sources, for rendering diagnostics and spans.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// assert_eq!(engine.sources().iter().count(), 1);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn sources(&self) -> &SourceMap {
        &self.shared.sources
    }

    /// The rules' names, in the order they were written.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// assert_eq!(engine.rule_names().collect::<Vec<_>>(), ["Long shift"]);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn rule_names(&self) -> impl Iterator<Item = &str> {
        self.shared
            .program
            .rules
            .iter()
            .map(|rule| rule.name.as_str())
    }

    /// What the fact type called `name` is for; `None` when there is none.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// assert_eq!(engine.type_kind("long_shift"), Some(reckon::TypeKind::Output));
    /// assert_eq!(engine.type_kind("manager"), None);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn type_kind(&self, name: &str) -> Option<TypeKind> {
        let id = self.shared.catalog.id(name)?;
        Some(self.shared.kinds[id.index()])
    }

    /// The network's nodes by kind.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
    /// assert!(engine.node_counts().total() > 0);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn node_counts(&self) -> &NodeCounts {
        &self.shared.nodes
    }

    /// The rule called `name`.
    pub(crate) fn rule_id(&self, name: &str) -> Option<RuleId> {
        let rules = &self.shared.program.rules;
        rules
            .iter()
            .find(|rule| rule.name == name)
            .map(|rule| rule.id)
    }

    /// The text of a span of the rules, on one line.
    pub(crate) fn text_of(&self, span: Span) -> String {
        let Some(file) = self.shared.sources.get(span.source) else {
            return String::new();
        };
        let text = file
            .text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Where a span starts: `file:line:column`.
    pub(crate) fn place_of(&self, span: Span) -> String {
        match self.shared.sources.place(span) {
            Some((name, line, column)) => format!("{name}:{line}:{column}"),
            None => String::from("?"),
        }
    }
}
