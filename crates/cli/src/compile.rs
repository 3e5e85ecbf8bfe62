//! `reckon compile`: compiles rule files and prints what they compile to: the optimised
//! program in the IR text form, the RETE network it runs as, or the rules themselves as one
//! `.calc` file or one JSON rule document (which converts between the two). Errors are reported as by `reckon check` (on
//! standard error) and nothing is printed.

use clap::{Args, ValueEnum};
use reckon::facts::Interner;
use reckon::ir::opt::{Ctx, optimize};
use reckon::ir::text::print;
use reckon::rete::Network;
use reckon::rules::calc::ast::File;
use reckon::rules::{Input, calc, compile, json, render};

use crate::inputs::{color_stderr, read_all};

/// Compile rule files and print what they compile to.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  reckon compile examples/workforce/rules.calc
  reckon compile --emit ir --no-optimize rules.calc
  reckon compile --emit network rules.calc
  reckon compile --emit json rules.calc > rules.json
  reckon compile --emit calc rules.json > rules.calc")]
pub(crate) struct CompileArgs {
    /// Rule files: `.calc`, or `.json` rule documents.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Emit::Ir)]
    emit: Emit,
    /// Print the program as lowered, before the optimisation passes (with `--emit ir`).
    #[arg(long)]
    no_optimize: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Emit {
    /// The rule IR's text form: facts, calculators, shared tests, rules and strata.
    Ir,
    /// The rules of every file as one canonical `.calc` file (comments are kept).
    Calc,
    /// The rules of every file as one canonical JSON rule document.
    Json,
    /// The RETE network the optimised program runs as: node counts, each fact type's alpha
    /// tests and memories, and the tree of beta nodes with the rules that share them.
    Network,
}

/// Returns whether the files compiled without errors.
pub(crate) fn run(args: &CompileArgs) -> Result<bool, String> {
    let inputs: Vec<Input> = read_all(&args.files)?
        .into_iter()
        .map(|s| Input::from_path(s.name, s.text))
        .collect();
    let mut compiled = compile(&inputs);
    if !compiled.diagnostics.is_empty() {
        eprint!(
            "{}",
            render::human(&compiled.diagnostics, &compiled.sources, color_stderr())
        );
    }
    if compiled.has_errors() {
        return Ok(false);
    }
    match args.emit {
        Emit::Ir => {
            if !args.no_optimize {
                optimize(&mut compiled.program, &Ctx::default());
            }
            print!("{}", print(&compiled.program));
        }
        Emit::Calc => print!("{}", calc::print::print(&merged(compiled.files))),
        Emit::Json => print!("{}", json::to_text(&merged(compiled.files))),
        Emit::Network => {
            optimize(&mut compiled.program, &Ctx::default());
            let mut interner = Interner::new();
            let network = Network::build(&compiled.program, &mut interner)
                .map_err(|error| format!("the network does not build: {error}"))?;
            print!("{}", network.text(&compiled.program, &interner));
        }
    }
    Ok(true)
}

/// The items of every file, in the order the files were named, as one file. Comments at the
/// end of a file go above the next file's first item, so they stay between the two.
fn merged(files: Vec<File>) -> File {
    let mut all = File::default();
    for mut file in files {
        if let Some(first) = file.items.first_mut() {
            let mut comments = std::mem::take(&mut all.trailing);
            comments.append(&mut first.comments);
            first.comments = comments;
        }
        all.items.extend(file.items);
        all.trailing.extend(file.trailing);
    }
    all
}
