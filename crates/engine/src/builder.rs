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
    options: RunOptions,
}

impl EngineBuilder {
    /// Adds `.calc` text; `name` is what messages call it.
    pub fn calc(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.inputs.push(Input::calc(name, text));
        self
    }

    /// Adds a JSON rule document; `name` is what messages call it.
    pub fn json(mut self, name: impl Into<String>, text: impl Into<String>) -> Self {
        self.inputs.push(Input::json(name, text));
        self
    }

    /// Adds a rule file: a `.json` file is a JSON rule document, any other `.calc` text. A
    /// file that cannot be read is reported by [`build`](Self::build).
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
    pub fn backend(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }

    /// How many times one activation may fire before a run stops on a loop (1,000 unless
    /// told).
    pub fn loop_limit(mut self, firings: u32) -> Self {
        self.options.max_firings_per_key = firings;
        self
    }

    /// Parses, checks, optimises and lowers the rules. On any error, every diagnostic
    /// (warnings too) comes back in [`Error::Rules`].
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
        let mut program = compiled.program;
        optimize(&mut program, &Ctx::default());
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
