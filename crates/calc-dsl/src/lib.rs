//! The front ends: the `.calc` language that business analysts write and the JSON rule
//! documents that programs send. Both parse without failing into one syntax tree, report
//! diagnostics as plain data with spans, and lower to the same `reckon-rule-ir` program.
//!
//! ```
//! let compiled = reckon_calc_dsl::compile(&[reckon_calc_dsl::Input::calc(
//!     "pay.calc",
//!     "fact shift { id: text, hours: decimal }\n\
//!      rule \"Long\"\n  for each shift s where s.hours > 12\n  alert \"long shift {s.id}\"\n",
//! )]);
//! assert!(!compiled.has_errors());
//! assert_eq!(compiled.program.rules.len(), 1);
//! ```
#![forbid(unsafe_code)]

pub mod calc;
pub mod json;
pub mod lower;
pub mod render;
pub mod source;

use reckon_rule_ir::{Diagnostic, Program, Severity, check};

use calc::ast::File;
use source::SourceMap;

/// One source to compile.
#[derive(Debug, Clone)]
pub struct Input {
    /// Its name, for messages (a path).
    pub name: String,
    /// Its text.
    pub text: String,
    /// Which language it is in.
    pub language: Language,
}

/// The language of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// `.calc` text.
    Calc,
    /// A JSON rule document.
    Json,
}

impl Input {
    /// A `.calc` source.
    pub fn calc(name: impl Into<String>, text: impl Into<String>) -> Input {
        Input {
            name: name.into(),
            text: text.into(),
            language: Language::Calc,
        }
    }

    /// A JSON rule document.
    pub fn json(name: impl Into<String>, text: impl Into<String>) -> Input {
        Input {
            name: name.into(),
            text: text.into(),
            language: Language::Json,
        }
    }

    /// A source whose language follows its name: `.json` is JSON, anything else `.calc`.
    pub fn from_path(name: impl Into<String>, text: impl Into<String>) -> Input {
        let name = name.into();
        let language = if name.ends_with(".json") {
            Language::Json
        } else {
            Language::Calc
        };
        Input {
            name,
            text: text.into(),
            language,
        }
    }
}

/// The result of compiling sources: the program (as far as it could be built), every
/// diagnostic, the sources the diagnostics point into, and the syntax trees.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The program.
    pub program: Program,
    /// Errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The source texts.
    pub sources: SourceMap,
    /// The syntax tree of each input, in input order.
    pub files: Vec<File>,
}

impl Compiled {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity() == Severity::Error)
    }
}

/// The syntax trees of some sources, and the syntax errors found reading them.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The syntax tree of each input, in input order (as far as it could be read).
    pub files: Vec<File>,
    /// Syntax errors, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// The source texts.
    pub sources: SourceMap,
}

/// Reads each input into its syntax tree, without lowering or checking: what `reckon fmt`
/// and conversions between `.calc` and JSON need.
pub fn parse(inputs: &[Input]) -> Parsed {
    let mut sources = SourceMap::new();
    let mut files = Vec::with_capacity(inputs.len());
    let mut diagnostics = Vec::new();
    for input in inputs {
        let id = sources.add(input.name.clone(), input.text.clone());
        let (file, found) = match input.language {
            Language::Calc => calc::parser::parse(&input.text, id),
            Language::Json => json::read(&input.text, id, &mut sources),
        };
        files.push(file);
        diagnostics.extend(found);
    }
    Parsed {
        files,
        diagnostics,
        sources,
    }
}

/// Parses, lowers and checks the inputs as one program.
pub fn compile(inputs: &[Input]) -> Compiled {
    let Parsed {
        files,
        mut diagnostics,
        sources,
    } = parse(inputs);
    let parsed_cleanly = diagnostics.is_empty();
    let (program, lowered) = lower::lower(&files.iter().collect::<Vec<_>>());
    diagnostics.extend(lowered);
    if parsed_cleanly && !diagnostics.iter().any(|d| d.severity() == Severity::Error) {
        diagnostics.extend(check::check(&program));
    }
    diagnostics.sort_by_key(|d| (d.primary.span.source, d.primary.span.start, d.code));
    Compiled {
        program,
        diagnostics,
        sources,
        files,
    }
}
