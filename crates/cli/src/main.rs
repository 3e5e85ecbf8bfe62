//! The `reckon` command. Each subcommand is one module; this file parses the command line
//! and maps outcomes to exit codes: 0 success, 1 bad input, 2 bad usage.

// A command-line tool reports on its standard streams.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod facts;

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
    Facts(facts::FactsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Facts(args) => facts::run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
