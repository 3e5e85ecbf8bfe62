//! `bench`: the benchmark suites (run through `cargo xtask bench`). Each measurement runs
//! in a fresh process of this program (`bench measure ...`), so that its peak memory is
//! its own; the suites' report goes to `target/bench/report.json` and
//! `target/bench/report.md`, and its table to standard output.

// A command-line tool reports on its standard streams.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use reckon_bench_harness::bench::measure::{RuleSet, measure};
use reckon_bench_harness::bench::{self, suites};

/// Run the benchmark suites on the workforce workload.
#[derive(Debug, Parser)]
#[command(name = "bench")]
struct Args {
    #[command(subcommand)]
    measure: Option<Measure>,
    /// Suites to run (all when none is named): phase1, phase2, phase3, scale, compile,
    /// incremental, parallel.
    #[arg(long = "suite", value_name = "NAME")]
    suites: Vec<String>,
    /// Phase 1 at a tenth of its size: a check that runs in seconds.
    #[arg(long)]
    quick: bool,
    /// Measurements per case.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Where reports go.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
}

#[derive(Debug, Subcommand)]
enum Measure {
    /// One measurement in this process (what the suites run in a child process).
    #[command(hide = true)]
    Measure {
        #[arg(long)]
        k: usize,
        #[arg(long)]
        half_json: bool,
        #[arg(long, default_value_t = 1)]
        threads: usize,
        #[arg(long)]
        facts: PathBuf,
        #[arg(long)]
        expected: String,
        #[arg(long)]
        incremental: bool,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match &args.measure {
        Some(Measure::Measure {
            k,
            half_json,
            threads,
            facts,
            expected,
            incremental,
        }) => {
            let rules = RuleSet {
                k: *k,
                half_json: *half_json,
            };
            measure(rules, facts, *threads, expected, *incremental).and_then(|measurement| {
                let json = serde_json::to_string(&measurement).map_err(|e| e.to_string())?;
                println!("{json}");
                Ok(())
            })
        }
        None => suites_run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn suites_run(args: &Args) -> Result<(), String> {
    let names: Vec<String> = if !args.suites.is_empty() {
        args.suites.clone()
    } else if args.quick {
        suites::QUICK.iter().map(|s| (*s).to_owned()).collect()
    } else {
        suites::NAMES.iter().map(|s| (*s).to_owned()).collect()
    };
    let options = bench::Options {
        suites: names,
        quick: args.quick,
        runs: args.runs.max(1),
        data: args.out.join("data"),
    };
    let runs = options.runs;
    let report = bench::run(&options, |suite, case| {
        eprintln!("{suite}: {} ({runs} runs)", case.label);
    })?;
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    let write = |name: &str, text: &str| {
        let path = args.out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write("report.json", &json)?;
    let table = report.markdown();
    write("report.md", &table)?;
    println!("{table}");
    Ok(())
}
