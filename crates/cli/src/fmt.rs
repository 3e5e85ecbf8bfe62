//! `reckon fmt`: rewrites rule files in their canonical layout, `.calc` files as `.calc` (with
//! every comment kept) and JSON rule documents as canonical JSON. A file with a syntax error
//! is reported and left as it is; `--check` changes nothing and lists the files that would
//! change.

use clap::Args;
use reckon::rules::{Input, Language, calc, json, parse, render};

use crate::inputs::{Source, color_stderr, read_all};

/// Rewrite rule files in the canonical layout.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  reckon fmt rules.calc more_rules.json
  reckon fmt --check rules/*.calc
  reckon fmt - < rules.calc > tidy.calc")]
pub(crate) struct FmtArgs {
    /// Rule files: `.calc`, or `.json` rule documents; `-` reads `.calc` from standard input
    /// and writes the result to standard output.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Change nothing: list the files whose layout is not canonical, and fail if there are any.
    #[arg(long)]
    check: bool,
}

/// Returns whether every file was canonical (with `--check`) or was rewritten.
pub(crate) fn run(args: &FmtArgs) -> Result<bool, String> {
    let mut all_well = true;
    for source in read_all(&args.files)? {
        let Some(formatted) = canonical(&source) else {
            all_well = false;
            continue;
        };
        if source.name == "<stdin>" {
            print!("{formatted}");
        } else if formatted == source.text {
            continue;
        } else if args.check {
            println!("{}", source.name);
            all_well = false;
        } else {
            std::fs::write(&source.name, formatted)
                .map_err(|error| format!("cannot write {}: {error}", source.name))?;
        }
    }
    Ok(all_well)
}

/// The canonical text of one file, or `None` after reporting why it cannot be formatted.
fn canonical(source: &Source) -> Option<String> {
    let input = Input::from_path(source.name.clone(), source.text.clone());
    let language = input.language;
    let parsed = parse(&[input]);
    if !parsed.diagnostics.is_empty() {
        eprint!(
            "{}",
            render::human(&parsed.diagnostics, &parsed.sources, color_stderr())
        );
        eprintln!("{}: not formatted: fix the errors above first", source.name);
        return None;
    }
    match language {
        // Formatting from the text, not the tree, keeps the blank lines between comments.
        Language::Calc => calc::print::format(&source.text).ok(),
        Language::Json => Some(json::to_text(&parsed.files[0])),
    }
}
