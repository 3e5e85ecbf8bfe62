//! `reckon check`: compiles `.calc` and JSON rule files together and reports every error and
//! warning, with the source line underlined (or as JSON). Exit 0 when there is no error.

use clap::{Args, ValueEnum};
use reckon::rules::{Input, compile, render};

use crate::inputs::{color, read_all};

/// Check rule files: every error and warning, with where and how to fix it.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  reckon check examples/payroll/rules.calc
  reckon check rules.calc more_rules.json
  reckon check --format json rules.calc")]
pub(crate) struct CheckArgs {
    /// Rule files: `.calc`, or `.json` rule documents; `-` reads `.calc` from standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// For people: the source line with the problem underlined.
    Text,
    /// For programs: a JSON array of diagnostics.
    Json,
}

/// Returns whether the files are free of errors.
pub(crate) fn run(args: &CheckArgs) -> Result<bool, String> {
    let inputs: Vec<Input> = read_all(&args.files)?
        .into_iter()
        .map(|s| Input::from_path(s.name, s.text))
        .collect();
    let compiled = compile(&inputs);
    match args.format {
        Format::Text => {
            print!(
                "{}",
                render::human(&compiled.diagnostics, &compiled.sources, color())
            );
            let (errors, warnings) = count(&compiled);
            if errors + warnings == 0 {
                println!(
                    "{}: no problems found ({} rules)",
                    args.files.join(", "),
                    compiled.program.rules.len()
                );
            } else {
                println!(
                    "{errors} error{}, {warnings} warning{}",
                    plural(errors),
                    plural(warnings)
                );
            }
        }
        Format::Json => println!("{}", render::json(&compiled.diagnostics, &compiled.sources)),
    }
    Ok(!compiled.has_errors())
}

fn count(compiled: &reckon::rules::Compiled) -> (usize, usize) {
    let errors = compiled
        .diagnostics
        .iter()
        .filter(|d| d.severity() == reckon::ir::Severity::Error)
        .count();
    (errors, compiled.diagnostics.len() - errors)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
