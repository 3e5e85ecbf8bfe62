//! The `reckon` command. Each subcommand is one module; this file parses the command line
//! and maps outcomes to exit codes: 0 success, 1 bad input, 2 bad usage.

// A command-line tool reports on its standard streams.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod check;
mod compile;
mod explain;
mod facts;
mod fmt;
mod inputs;
mod open;
mod progress;
mod run;
mod summary;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Reckon: business rules over large fact sets, with exact money and explained results.
#[derive(Debug, Parser)]
#[command(name = "reckon", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Check(check::CheckArgs),
    Compile(compile::CompileArgs),
    Explain(explain::ExplainArgs),
    Facts(facts::FactsArgs),
    Fmt(fmt::FmtArgs),
    Run(run::RunArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Compile(args) => compile::run(&args),
        Command::Facts(args) => facts::run(&args).map(|()| true),
        Command::Fmt(args) => fmt::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Explain(args) => explain::run(&args),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
