//! `workload`: writes one workforce workload (WORKLOAD.md) to a folder — `facts.ndjson`,
//! the rules for K as `rules.calc` and as `rules.json`, and `checksums.txt`, the checksums
//! a correct run must give, computed from the facts without a rules engine. Run through
//! `cargo xtask workload --n N --k K --out DIR`.

// A command-line tool reports on its standard streams.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use reckon_bench_harness::{DEFAULT_SEED, Workload, checksums, rules};

/// Write a workforce workload: facts, rules for K, and the checksums a run must give.
#[derive(Debug, Parser)]
#[command(
    name = "workload",
    after_help = "\
Then run it by hand, on any phase:
  reckon run --rules DIR/rules.calc --facts DIR/facts.ndjson --out DIR/out.ndjson
The rules work with any facts file of the workload, such as one from gen_workload.py."
)]
struct Args {
    /// Shift facts (employees are a tenth of that).
    #[arg(long, default_value_t = 100_000)]
    n: u64,
    /// Rules: the six core rules and K − 6 filler rules.
    #[arg(long, default_value_t = 100)]
    k: usize,
    /// The seed of the generator.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// The folder to write into (made if missing).
    #[arg(long)]
    out: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match write(&args) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn write(args: &Args) -> Result<String, String> {
    let fail = |what: &str, error: std::io::Error| format!("cannot write {what}: {error}");
    std::fs::create_dir_all(&args.out).map_err(|e| fail(&args.out.display().to_string(), e))?;
    let workload = Workload::new(args.n).with_seed(args.seed);
    let facts = args.out.join("facts.ndjson");
    let file = std::fs::File::create(&facts).map_err(|e| fail("facts.ndjson", e))?;
    workload
        .write_ndjson(file)
        .map_err(|e| fail("facts.ndjson", e))?;
    std::fs::write(args.out.join("rules.calc"), rules::calc(args.k))
        .map_err(|e| fail("rules.calc", e))?;
    std::fs::write(args.out.join("rules.json"), rules::json(args.k))
        .map_err(|e| fail("rules.json", e))?;
    let line = checksums::expected(&workload, args.k).to_string();
    std::fs::write(args.out.join("checksums.txt"), format!("{line}\n"))
        .map_err(|e| fail("checksums.txt", e))?;
    Ok(line)
}
