//! The benchmark runner behind `cargo xtask bench`: for each suite's cases it writes the
//! workload (once, cached under the data folder), computes its checksums independently,
//! and measures it several times, each in a fresh process (`measure`), whose checksums
//! must match. `report.rs` turns the runs into medians, spreads and the table against the
//! targets.
//!
//! - `suites.rs` — what each suite measures, and its targets.
//! - `measure.rs` — one measurement, stage by stage.
//! - `report.rs` — statistics, `report.json`, the markdown table.
//! - `gate.rs` — the regression gate on instruction counts.

pub mod gate;
pub mod measure;
pub mod report;
pub mod suites;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::checksums;
use crate::r#gen::Workload;
use measure::Measurement;
use report::{CaseReport, Report, SuiteReport};
use suites::Case;

/// How a bench run goes.
#[derive(Debug, Clone)]
pub struct Options {
    /// The suites, by name.
    pub suites: Vec<String>,
    /// Smaller workloads, for a check that runs in seconds.
    pub quick: bool,
    /// Measurements per case (at least 5 for figures to publish).
    pub runs: usize,
    /// Where workloads are written and kept.
    pub data: PathBuf,
}

/// Runs the suites and gathers their report; a wrong checksum is an error. `starting` is
/// told each case as its measurements begin, and `measured` is shown the report so far
/// after each case (so a long run that is stopped keeps what it measured).
pub fn run(
    options: &Options,
    mut starting: impl FnMut(&str, &Case),
    mut measured: impl FnMut(&Report),
) -> Result<Report, String> {
    let mut report = Report::new();
    for name in &options.suites {
        let suite = suites::suite(name, options.quick).ok_or_else(|| {
            format!(
                "no suite is called `{name}`; the suites are {}",
                suites::NAMES.join(", ")
            )
        })?;
        let mut cases: Vec<CaseReport> = Vec::new();
        let mut skipped = Vec::new();
        for case in &suite.cases {
            // A larger workload than the machine can hold would end in the kernel killing
            // the measurement: judge by the last case's bytes per fact.
            if let Some(projected) = cases.last().and_then(|last| projected_rss(last, case.n))
                && let Some(total) = physical_memory()
                && projected > total * 8 / 10
            {
                skipped.push(format!(
                    "{}: skipped, it would need about {:.1} GB at {:.0} bytes per fact, and this \
                     machine has {:.1} GB",
                    case.label,
                    projected as f64 / 1e9,
                    projected as f64 / case.n as f64,
                    total as f64 / 1e9
                ));
                continue;
            }
            starting(suite.name, case);
            let facts = workload_file(&options.data, case.n)?;
            let expected = checksums::expected(&Workload::new(case.n), case.rules.k).to_string();
            let runs = (0..options.runs)
                .map(|_| measure_in_child(case, &facts, &expected))
                .collect::<Result<Vec<_>, _>>()?;
            cases.push(CaseReport::new(case.clone(), runs));
            let mut so_far = report.clone();
            so_far.suites.push(SuiteReport::new(&suite, cases.clone()));
            measured(&so_far);
        }
        let mut suite_report = SuiteReport::new(&suite, cases);
        suite_report.skipped = skipped;
        report.suites.push(suite_report);
    }
    Ok(report)
}

/// Reckon and the peers on the same workload (phase 1, or a tenth of it with `quick`),
/// measured in this run: each peer's checksums must equal the independent ones.
pub fn peers(
    options: &Options,
    mut starting: impl FnMut(&str),
) -> Result<Vec<report::PeerComparison>, String> {
    let suite = suites::suite("phase1", options.quick).expect("phase1 exists");
    let case = &suite.cases[0];
    let facts = workload_file(&options.data, case.n)?;
    let workload = Workload::new(case.n);
    let expected = checksums::expected(&workload, case.rules.k).to_string();
    starting(&format!("Reckon: {}", case.label));
    let runs = (0..options.runs)
        .map(|_| measure_in_child(case, &facts, &expected))
        .collect::<Result<Vec<_>, _>>()?;
    let reckon = CaseReport::new(case.clone(), runs);
    let clips_facts = options.data.join(format!("n{}", case.n)).join("facts.clp");
    if !clips_facts.is_file() {
        crate::peers::clips::write_facts(&workload, &clips_facts)?;
    }
    let program = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/peers/clips");
    starting(&format!("CLIPS: {}", case.label));
    let mut clips = Vec::new();
    for _ in 0..options.runs {
        let run = crate::peers::clips::run(
            &program,
            &clips_facts,
            case.rules.k,
            &options.data.join("clips"),
        )?;
        if run.checksums != expected {
            return Err(format!(
                "CLIPS gave wrong checksums:\n  expected {expected}\n  found    {}",
                run.checksums
            ));
        }
        clips.push(run);
    }
    let mut comparisons = vec![report::PeerComparison::new(&reckon, "CLIPS 6.30", &clips)];
    let program = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/peers/ascent");
    starting(&format!(
        "ascent: building the program for {} rules",
        case.rules.k
    ));
    let binary = crate::peers::ascent::build(&program, case.rules.k, &options.data.join("ascent"))?;
    starting(&format!("ascent: {}", case.label));
    let mut ascent = Vec::new();
    for _ in 0..options.runs {
        let run = crate::peers::ascent::run(&binary, &facts)?;
        if run.checksums != expected {
            return Err(format!(
                "ascent gave wrong checksums:\n  expected {expected}\n  found    {}",
                run.checksums
            ));
        }
        ascent.push(run);
    }
    comparisons.push(report::PeerComparison::new(&reckon, "ascent 0.8", &ascent));
    Ok(comparisons)
}

/// The peak RSS a case of `n` shifts would reach, scaled from `last`'s bytes per shift.
fn projected_rss(last: &CaseReport, n: u64) -> Option<u64> {
    let rss = last.stats.get("peak_rss_bytes")?.median;
    Some((rss / last.case.n as f64 * n as f64) as u64)
}

/// The machine's memory (`MemTotal` on Linux), in bytes.
fn physical_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|line| line.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The facts file of `n` shifts (default seed), written under `data` if it is not there
/// yet.
pub fn workload_file(data: &Path, n: u64) -> Result<PathBuf, String> {
    let dir = data.join(format!("n{n}"));
    let facts = dir.join("facts.ndjson");
    if facts.is_file() {
        return Ok(facts);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let partial = dir.join("facts.ndjson.partial");
    let file =
        std::fs::File::create(&partial).map_err(|e| format!("{}: {e}", partial.display()))?;
    Workload::new(n)
        .write_ndjson(file)
        .map_err(|e| format!("{}: {e}", partial.display()))?;
    std::fs::rename(&partial, &facts).map_err(|e| format!("{}: {e}", facts.display()))?;
    Ok(facts)
}

/// One measurement of `case`, in a fresh process of this program.
fn measure_in_child(case: &Case, facts: &Path, expected: &str) -> Result<Measurement, String> {
    let program = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = Command::new(program);
    command
        .arg("measure")
        .args(["--k", &case.rules.k.to_string()])
        .args(["--threads", &case.threads.to_string()])
        .arg("--facts")
        .arg(facts)
        .args(["--expected", expected]);
    if case.rules.half_json {
        command.arg("--half-json");
    }
    if case.incremental {
        command.arg("--incremental");
    }
    let output = command
        .output()
        .map_err(|e| format!("cannot start a measurement: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{}: the measurement failed: {}",
            case.label,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("a measurement's report: {e}"))
}
