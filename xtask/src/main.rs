//! Project automation, run as `cargo xtask <task>`: the checks and reports that need more
//! than one cargo command. Each task is one module.

// A command-line tool reports on its standard streams.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod store_report;
mod tidy;
mod workload;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  tidy           check the source tree's house rules (crate graph, file headers, file sizes)
  store-report   measure fact-store memory per fact and NDJSON load rate at 1M shift facts
  workload       write a workforce workload: --n N --k K --out DIR [--seed S]
  bench          run the benchmark suites: [--suite NAME]... [--quick] [--runs N]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("tidy") => tidy::run(&tidy::workspace_root()),
        Some("store-report") => store_report::run(),
        Some("workload") => workload::run(&args[1..]),
        Some("bench") => workload::harness_program("bench", &args[1..]),
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
