//! Building an [`Engine`]: rule sources in, every diagnostic out together, or an engine
//! whose program has been checked, optimised and lowered once.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use reckon_calc_dsl::{Input, compile};
use reckon_fact_store::ColumnStore;
use reckon_rete_core::{Network, RunOptions};
use reckon_rule_ir::opt::{Ctx, optimize};

use crate::engine::{Engine, Shared, TypeKind};
use crate::error::{Error, RuleErrors};

/// Which fact store sessions keep their facts in.
///
/// ```
/// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
/// let engine = reckon::Engine::builder()
///     .calc("shifts.calc", rules)
///     .backend(reckon::Backend::Row)
///     .build()?;
/// assert_eq!(engine.rule_names().count(), 1);
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Backend {
    /// Typed columns per fact type, text interned: the default, and the smallest.
    #[default]
    Column,
    /// A boxed row of values per fact: simpler, larger; for comparison.
    Row,
}

/// Collects rule sources and settings; [`build`](Self::build) compiles them.
///
/// ```
/// let engine = reckon::Engine::builder()
///     .calc("pay.calc", "fact shift { id: text, hours: decimal }\n\
///                        rule \"Long\"\n  for each shift s where s.hours > 12\n  \
///                        alert \"long shift {s.id}\"\n")
///     .backend(reckon::Backend::Row)
///     .build()?;
/// assert_eq!(engine.rule_names().collect::<Vec<_>>(), ["Long"]);
/// # Ok::<(), reckon::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct EngineBuilder {
    inputs: Vec<Input>,
    unreadable: Option<Error>,
    backend: Backend,
    threads: Option<usize>,
    options: RunOptions,
}

impl EngineBuilder {
    /// Adds `.calc` text; `name` is what messages call it.
    ///
    /// ```
    /// let engine = reckon::Engine::builder()
    ///     .calc("shifts.calc", "fact shift { id: text, hours: decimal }\n")
    ///     .build()?;
    /// assert!(engine.catalog().id("shift").is_some());
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn calc(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.inputs.push(Input::calc(name, text));
        self
    }

    /// Adds a JSON rule document; `name` is what messages call it.
    ///
    /// ```
    /// let document = r#"{
    ///   "facts": {"shift": {"id": "text", "hours": "decimal"}},
    ///   "outputs": {"long_shift": {"shift_id": "text"}},
    ///   "rules": [{
    ///     "name": "Long shift",
    ///     "for_each": {"type": "shift", "as": "s", "where": "s.hours > 12"},
    ///     "emit": {"type": "long_shift", "fields": {"shift_id": "s.id"}}
    ///   }]
    /// }"#;
    /// let engine = reckon::Engine::builder().json("shifts.json", document).build()?;
    /// assert_eq!(engine.rule_names().collect::<Vec<_>>(), ["Long shift"]);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn json(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.inputs.push(Input::json(name, text));
        self
    }

    /// Adds a rule file: a `.json` file is a JSON rule document, any other `.calc` text. A
    /// file that cannot be read is reported by [`build`](Self::build).
    ///
    /// ```
    /// let engine = reckon::Engine::builder()
    ///     .file("../../examples/payroll/rules.calc")
    ///     .build()?;
    /// assert!(engine.rule_names().any(|name| name == "Weekly overtime"));
    /// let missing = reckon::Engine::builder().file("no/such/rules.calc").build();
    /// assert!(matches!(missing, Err(reckon::Error::Io { .. })));
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn file(mut self, path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        match std::fs::read_to_string(path) {
            Ok(text) => self
                .inputs
                .push(Input::from_path(path.display().to_string(), text)),
            Err(source) => {
                self.unreadable.get_or_insert(Error::Io {
                    path: PathBuf::from(path),
                    source,
                });
            }
        }
        self
    }

    /// Chooses the fact store (the column store unless told).
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// let engine = reckon::Engine::builder()
    ///     .calc("shifts.calc", rules)
    ///     .backend(reckon::Backend::Row)
    ///     .build()?;
    /// assert_eq!(engine.type_kind("shift"), Some(reckon::TypeKind::Input));
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn backend(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }

    /// How many threads a run may use: 1 (the default) runs serially; 0 is one per core.
    /// With more than one, and rules that have a partition key for the whole program,
    /// sessions split their facts into that many partitions and run them in parallel,
    /// with the same results as a serial run.
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// let engine = reckon::Engine::builder().calc("shifts.calc", rules).threads(2).build()?;
    /// // Single-fact rules split any way: two partitions.
    /// assert_eq!(engine.partitions(), 2);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }

    /// How many times one activation may fire before a run stops on a loop (1,000 unless
    /// told).
    ///
    /// ```
    /// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
    /// let engine = reckon::Engine::builder().calc("shifts.calc", rules).loop_limit(10).build()?;
    /// assert_eq!(engine.rule_names().count(), 1);
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn loop_limit(mut self, firings: u32) -> Self {
        self.options.max_firings_per_key = firings;
        self
    }

    /// Parses, checks, optimises and lowers the rules. On any error, every diagnostic
    /// (warnings too) comes back in [`Error::Rules`].
    ///
    /// ```
    /// let result = reckon::Engine::builder()
    ///     .calc("bad.calc", "rule \"x\"\n  for each nothing n\n  alert \"x\"\n")
    ///     .build();
    /// let Err(reckon::Error::Rules(errors)) = result else { panic!("the rules have an error") };
    /// assert_eq!(errors.error_count(), 1);
    /// assert!(errors.render(false).contains("bad.calc:2:"));
    /// # Ok::<(), reckon::Error>(())
    /// ```
    pub fn build(self) -> Result<Engine, Error> {
        let _span = tracing::info_span!("compile", sources = self.inputs.len()).entered();
        if let Some(error) = self.unreadable {
            return Err(error);
        }
        let compiled = compile(&self.inputs);
        if compiled.has_errors() {
            return Err(Error::Rules(RuleErrors {
                diagnostics: compiled.diagnostics,
                sources: compiled.sources,
            }));
        }
        let kinds = type_kinds(&compiled);
        let threads = match self.threads.unwrap_or(1) {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let mut program = compiled.program;
        optimize(&mut program, &Ctx::default());
        let partition = if threads > 1 {
            reckon_rule_ir::opt::infer_partition_keys::whole_program(&program)
        } else {
            None
        };
        let catalog = program.catalog().map_err(|error| {
            Error::Build(reckon_rete_core::BuildError {
                rule: None,
                message: error.to_string(),
            })
        })?;
        // Lowering once here finds what the network cannot run before any session does.
        let mut store = ColumnStore::new(Arc::clone(&catalog));
        let network = Network::build(
            &program,
            reckon_fact_store::FactStore::interner_mut(&mut store),
        )?;
        tracing::info!(
            rules = program.rules.len(),
            nodes = network.counts().total(),
            "compiled"
        );
        Ok(Engine::new(Shared {
            program,
            catalog,
            kinds,
            sources: compiled.sources,
            warnings: compiled.diagnostics,
            backend: self.backend,
            threads,
            partition,
            pool: std::sync::OnceLock::new(),
            options: self.options,
            nodes: network.counts(),
        }))
    }
}

/// Each fact type's kind: declared with `fact`, declared with `output`, or neither.
fn type_kinds(compiled: &reckon_calc_dsl::Compiled) -> Vec<TypeKind> {
    use reckon_calc_dsl::calc::ast::ItemKind;
    let declared_inputs: Vec<&str> = compiled
        .files
        .iter()
        .flat_map(|file| &file.items)
        .filter_map(|item| match &item.kind {
            ItemKind::Fact(decl) if !decl.output => Some(decl.name.name.as_str()),
            _ => None,
        })
        .collect();
    compiled
        .program
        .facts
        .iter()
        .map(|decl| {
            if decl.output {
                TypeKind::Output
            } else if declared_inputs.contains(&decl.name.as_str()) {
                TypeKind::Input
            } else {
                TypeKind::Internal
            }
        })
        .collect()
}
