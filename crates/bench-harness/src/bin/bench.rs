//! `bench`: the benchmark suites (run through `cargo xtask bench`). Each measurement runs
//! in a fresh process of this program (`bench measure ...`), so that its peak memory is
//! its own; the suites' report goes to `target/bench/report.json` and
//! `target/bench/report.md`, and its table to standard output.

// A command-line tool reports on its standard streams.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use reckon_bench_harness::bench::measure::{Measurement, RuleSet, measure};
use reckon_bench_harness::bench::{self, gate, report, suites};
use reckon_bench_harness::{Workload, checksums};

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
    /// Count instructions and write them to `bench/baseline.json`, the regression gate's
    /// reference.
    #[arg(long)]
    save_baseline: bool,
    /// Compare instruction counts with `bench/baseline.json` (a full run does unless
    /// `--no-gate`); more than 10% more in a stage fails. Alone, it runs no suite.
    #[arg(long)]
    gate: bool,
    /// Skip the regression gate.
    #[arg(long, conflicts_with = "gate")]
    no_gate: bool,
    /// Also run the peer engines (CLIPS) on phase 1's workload and compare.
    #[arg(long)]
    peers: bool,
    /// Show the gate works: counts twice on this build (must pass), then with a 15%
    /// slowdown added to the evaluate stage (must be caught).
    #[arg(long)]
    gate_check: bool,
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
        #[arg(long, default_value_t = 0)]
        extra_instructions: u64,
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
            extra_instructions,
        }) => {
            let rules = RuleSet {
                k: *k,
                half_json: *half_json,
            };
            let extra = *extra_instructions;
            measure(rules, facts, *threads, expected, *incremental, extra).and_then(|measurement| {
                let json = serde_json::to_string(&measurement).map_err(|e| e.to_string())?;
                println!("{json}");
                Ok(())
            })
        }
        None if args.gate_check => gate_check(&args),
        None if args.save_baseline => save_baseline(&args),
        // `--gate` alone checks the gate, without the suites a full run measures first.
        None if args.gate && args.suites.is_empty() && !args.quick && !args.peers => gate(&args),
        None => suites_run(&args).and_then(|()| {
            let gating = args.gate
                || (!args.quick && !args.no_gate && args.suites.is_empty() && !args.peers);
            if gating { gate(&args) } else { Ok(()) }
        }),
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
    let names: Vec<String> = if !args.suites.is_empty() || args.peers {
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
    let mut report = if args.peers && args.suites.is_empty() {
        report::Report::new()
    } else {
        let partial = args.out.join("report.partial.json");
        bench::run(
            &options,
            |suite, case| eprintln!("{suite}: {} ({runs} runs)", case.label),
            |so_far| {
                // Best effort: the final report is written in full at the end.
                if let Ok(json) = serde_json::to_string_pretty(so_far) {
                    let _ = std::fs::create_dir_all(&args.out);
                    let _ = std::fs::write(&partial, json);
                }
            },
        )?
    };
    if args.peers {
        report.peers = bench::peers(&options, |what| eprintln!("peers: {what} ({runs} runs)"))?;
    }
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

/// The workspace root, where `bench/baseline.json` is.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The gate's workload: its facts file and the checksums a run must give.
fn gate_workload(args: &Args) -> Result<(PathBuf, String), String> {
    let facts = bench::workload_file(&args.out.join("data"), gate::SHIFTS)?;
    let expected = checksums::expected(&Workload::new(gate::SHIFTS), gate::RULES).to_string();
    Ok((facts, expected))
}

fn counts(args: &Args, extra: u64) -> Result<gate::Counts, String> {
    let (facts, expected) = gate_workload(args)?;
    let program = std::env::current_exe().map_err(|e| e.to_string())?;
    gate::count(&program, &facts, &expected, extra)
}

fn save_baseline(args: &Args) -> Result<(), String> {
    let counts = counts(args, 0)?;
    let report = report::Report::new();
    let baseline = gate::Baseline {
        shifts: gate::SHIFTS,
        rules: gate::RULES,
        instructions: counts,
        recorded: format!("{}; {}", report.date, report.machine),
    };
    let path = gate::baseline_path(&root());
    gate::write_baseline(&path, &baseline)?;
    println!(
        "bench/baseline.json: compile {} instructions, evaluate {}",
        counts.compile, counts.evaluate
    );
    Ok(())
}

/// Compares this build's counts with the baseline; a regression is an error.
fn gate(args: &Args) -> Result<(), String> {
    let path = gate::baseline_path(&root());
    let baseline = gate::read_baseline(&path)?;
    let now = counts(args, 0)?;
    let (facts, expected) = gate_workload(args)?;
    let wall = measure(
        RuleSet {
            k: gate::RULES,
            half_json: false,
        },
        &facts,
        1,
        &expected,
        false,
        0,
    )?;
    let changes = gate::compare(&baseline.instructions, &now);
    println!("{}", gate_table(&changes, Some(&wall)));
    let regressed: Vec<&str> = changes
        .iter()
        .filter(|c| c.regressed())
        .map(|c| c.stage)
        .collect();
    if regressed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "regression: {} ran more than 10% more instructions than bench/baseline.json ({})",
            regressed.join(" and "),
            baseline.recorded
        ))
    }
}

/// The gate's own check: the same build passes, a 15% slowdown is caught.
fn gate_check(args: &Args) -> Result<(), String> {
    let first = counts(args, 0)?;
    let again = counts(args, 0)?;
    let rerun = gate::compare(&first, &again);
    println!(
        "The same build counted twice:\n{}",
        gate_table(&rerun, None)
    );
    let slower = counts(args, first.evaluate * 15 / 100)?;
    let slowed = gate::compare(&first, &slower);
    println!(
        "With about 15% more work in the evaluate stage:\n{}",
        gate_table(&slowed, None)
    );
    let rerun_passes = rerun.iter().all(|c| !c.regressed());
    let slowdown_caught = slowed.iter().any(|c| c.regressed());
    match (rerun_passes, slowdown_caught) {
        (true, true) => {
            println!("The gate passes a rerun and catches the slowdown.");
            Ok(())
        }
        (false, _) => Err("the gate failed a rerun of the same build".into()),
        (_, false) => Err("the gate missed a 15% slowdown".into()),
    }
}

fn gate_table(changes: &[gate::Change], wall: Option<&Measurement>) -> String {
    let mut out = String::from(
        "| stage | baseline instructions | now | change | verdict | wall time now |\n\
         |---|---|---|---|---|---|\n",
    );
    for change in changes {
        let seconds = wall.map_or("-".to_owned(), |m| {
            let s = if change.stage == "compile" {
                m.compile_s
            } else {
                m.evaluate_s
            };
            format!("{:.1} ms", s * 1e3)
        });
        out.push_str(&format!(
            "| {} | {} | {} | {:+.2}% | {} | {} |\n",
            change.stage,
            change.baseline,
            change.now,
            change.growth() * 100.0,
            if change.regressed() {
                "REGRESSION"
            } else {
                "ok"
            },
            seconds
        ));
    }
    out
}
