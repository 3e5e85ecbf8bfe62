//! A bench run's report: per case the runs, each figure's median and spread (min to max),
//! figures derived from them (facts per second, bytes per fact, compile time per rule), the
//! scale suite's fitted growth exponent, and each target met or missed. Written as
//! `report.json` and as a markdown table.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::measure::Measurement;
use super::suites::{Case, Suite, Target};

/// Every suite run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// The machine: CPU model and cores.
    pub machine: String,
    /// When, as `date -u` says.
    pub date: String,
    /// The suites, in the order run.
    pub suites: Vec<SuiteReport>,
    /// Reckon against peer engines, measured in the same run.
    pub peers: Vec<PeerComparison>,
}

/// Reckon and one peer on one workload: medians, and Reckon's advantage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PeerComparison {
    /// The workload.
    pub case: String,
    /// The peer.
    pub peer: String,
    /// Reckon's median total time, in seconds.
    pub reckon_s: f64,
    /// Reckon's median peak RSS, in bytes.
    pub reckon_rss_bytes: f64,
    /// The peer's median total time.
    pub peer_s: f64,
    /// The peer's median peak RSS.
    pub peer_rss_bytes: f64,
    /// Every run of the peer.
    pub peer_runs: Vec<crate::peers::PeerRun>,
}

impl PeerComparison {
    /// The comparison of Reckon's `reckon` case with the `peer`'s `runs`.
    pub fn new(reckon: &CaseReport, peer: &str, runs: &[crate::peers::PeerRun]) -> PeerComparison {
        let sorted = |mut values: Vec<f64>| {
            values.sort_by(f64::total_cmp);
            median(&values)
        };
        PeerComparison {
            case: reckon.case.label.clone(),
            peer: peer.to_owned(),
            reckon_s: reckon.stats["total_s"].median,
            reckon_rss_bytes: reckon.stats["peak_rss_bytes"].median,
            peer_s: sorted(runs.iter().map(|r| r.total_s).collect()),
            peer_rss_bytes: sorted(runs.iter().map(|r| r.peak_rss_bytes as f64).collect()),
            peer_runs: runs.to_vec(),
        }
    }
}

/// One suite's cases and targets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SuiteReport {
    /// Its name.
    pub name: String,
    /// Its cases.
    pub cases: Vec<CaseReport>,
    /// Each target against each case's median: figure, case, median, the bounds, met.
    pub targets: Vec<TargetResult>,
    /// For the scale suite: the exponent `b` of total time ≈ a·n^b, fitted over its cases.
    pub time_exponent: Option<f64>,
    /// For the scale suite: the same for peak memory.
    pub memory_exponent: Option<f64>,
    /// Cases not measured, and why.
    pub skipped: Vec<String>,
}

/// One case's runs and statistics.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseReport {
    /// What was measured.
    pub case: Case,
    /// Every run.
    pub runs: Vec<Measurement>,
    /// Per figure: median, min, max.
    pub stats: BTreeMap<String, Stat>,
}

/// The median and spread of one figure.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Stat {
    /// The median.
    pub median: f64,
    /// The least.
    pub min: f64,
    /// The greatest.
    pub max: f64,
}

/// A target checked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetResult {
    /// The case's label.
    pub case: String,
    /// The figure.
    pub figure: String,
    /// Its median.
    pub median: f64,
    /// The seed's bound, and whether the median is under it.
    pub seed: f64,
    /// Under the seed's bound.
    pub seed_met: bool,
    /// The project's bound.
    pub goal: f64,
    /// Under the project's bound.
    pub goal_met: bool,
}

impl Report {
    /// An empty report of this machine, now.
    pub fn new() -> Report {
        Report {
            machine: machine(),
            date: command_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default(),
            suites: Vec::new(),
            peers: Vec::new(),
        }
    }

    /// The report as a markdown table (and the targets as a second one).
    pub fn markdown(&self) -> String {
        let mut out = format!("Machine: {}; {}.\n\n", self.machine, self.date);
        out.push_str(
            "| suite | case | total s | compile s | read/parse s | load s | evaluate s | write s | peak RSS MB | nodes | facts/s |\n\
             |---|---|---|---|---|---|---|---|---|---|---|\n",
        );
        for suite in &self.suites {
            for case in &suite.cases {
                let stat = |figure: &str| case.stats.get(figure).copied();
                let cell = |figure: &str, scale: f64, places: usize| match stat(figure) {
                    Some(s) => format!(
                        "{:.places$} ({:.places$}–{:.places$})",
                        s.median / scale,
                        s.min / scale,
                        s.max / scale
                    ),
                    None => "-".into(),
                };
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    suite.name,
                    case.case.label,
                    cell("total_s", 1.0, 3),
                    cell("compile_s", 1.0, 3),
                    cell("parse_s", 1.0, 3),
                    cell("load_s", 1.0, 3),
                    cell("evaluate_s", 1.0, 3),
                    cell("write_s", 1.0, 3),
                    cell("peak_rss_bytes", 1e6, 1),
                    stat("nodes").map_or("-".into(), |s| format!("{}", s.median)),
                    stat("facts_per_s").map_or("-".into(), |s| format!("{:.0}", s.median)),
                );
            }
        }
        let targets: Vec<&TargetResult> = self.suites.iter().flat_map(|s| &s.targets).collect();
        if !targets.is_empty() {
            out.push_str(
                "\n| case | figure | median | seed target | met | our goal | met |\n\
                 |---|---|---|---|---|---|---|\n",
            );
            for t in targets {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | < {} | {} | < {} | {} |",
                    t.case,
                    t.figure,
                    shown(&t.figure, t.median),
                    shown(&t.figure, t.seed),
                    verdict(t.seed_met, t.median, t.seed),
                    shown(&t.figure, t.goal),
                    verdict(t.goal_met, t.median, t.goal),
                );
            }
        }
        if !self.peers.is_empty() {
            out.push_str(
                "\n| workload | peer | Reckon s | peer s | peer time ÷ Reckon | Reckon MB | peer MB | Reckon memory ÷ peer |\n\
                 |---|---|---|---|---|---|---|---|\n",
            );
            for p in &self.peers {
                let _ = writeln!(
                    out,
                    "| {} | {} | {:.3} | {:.3} | {:.2}× | {:.1} | {:.1} | {:.2} |",
                    p.case,
                    p.peer,
                    p.reckon_s,
                    p.peer_s,
                    p.peer_s / p.reckon_s,
                    p.reckon_rss_bytes / 1e6,
                    p.peer_rss_bytes / 1e6,
                    p.reckon_rss_bytes / p.peer_rss_bytes,
                );
            }
        }
        for suite in &self.suites {
            for skipped in &suite.skipped {
                let _ = writeln!(out, "\n{}: {skipped}.", suite.name);
            }
            if let (Some(time), Some(memory)) = (suite.time_exponent, suite.memory_exponent) {
                let _ = writeln!(
                    out,
                    "\n{}: time grows as n^{time:.3}, peak memory as n^{memory:.3} (goal: time exponent ≤ 1.05).",
                    suite.name
                );
            }
        }
        out
    }
}

impl Default for Report {
    fn default() -> Self {
        Report::new()
    }
}

impl SuiteReport {
    /// The report of `suite` from its cases' runs.
    pub fn new(suite: &Suite, cases: Vec<CaseReport>) -> SuiteReport {
        let mut targets = Vec::new();
        for case in &cases {
            for Target { figure, seed, goal } in &suite.targets {
                if let Some(stat) = case.stats.get(*figure) {
                    targets.push(TargetResult {
                        case: case.case.label.clone(),
                        figure: (*figure).to_owned(),
                        median: stat.median,
                        seed: *seed,
                        seed_met: stat.median < *seed,
                        goal: *goal,
                        goal_met: stat.median < *goal,
                    });
                }
            }
        }
        let fit = |figure: &str| {
            let points: Vec<(f64, f64)> = cases
                .iter()
                .filter_map(|c| Some((c.case.n as f64, c.stats.get(figure)?.median)))
                .collect();
            exponent(&points)
        };
        let scaling = suite.name == "scale";
        SuiteReport {
            name: suite.name.to_owned(),
            time_exponent: if scaling { fit("total_s") } else { None },
            memory_exponent: if scaling { fit("peak_rss_bytes") } else { None },
            cases,
            targets,
            skipped: Vec::new(),
        }
    }
}

impl CaseReport {
    /// The statistics of `runs` of `case`.
    pub fn new(case: Case, runs: Vec<Measurement>) -> CaseReport {
        let mut figures: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for run in &runs {
            let mut add =
                |name: &str, value: f64| figures.entry(name.to_owned()).or_default().push(value);
            add("total_s", run.total_s);
            add("compile_s", run.compile_s);
            add("parse_s", run.parse_s);
            add("load_s", run.load_s);
            add("evaluate_s", run.evaluate_s);
            add("write_s", run.write_s);
            add("peak_rss_bytes", run.peak_rss_bytes as f64);
            add("nodes", run.nodes as f64);
            add("facts_per_s", run.facts as f64 / run.total_s);
            add(
                "bytes_per_fact",
                run.peak_rss_bytes as f64 / run.facts.max(1) as f64,
            );
            add("compile_s_per_rule", run.compile_s / case.rules.k as f64);
            if let Some(insert) = run.insert_1k_s {
                add("insert_1k_s", insert);
            }
            if let Some(retract) = run.retract_1k_s {
                add("retract_1k_s", retract);
            }
        }
        let stats = figures
            .into_iter()
            .map(|(name, mut values)| {
                values.sort_by(f64::total_cmp);
                let stat = Stat {
                    median: median(&values),
                    min: values[0],
                    max: values[values.len() - 1],
                };
                (name, stat)
            })
            .collect();
        CaseReport { case, runs, stats }
    }
}

/// The median of sorted values.
fn median(sorted: &[f64]) -> f64 {
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// The least-squares slope of ln(y) over ln(x): the `b` of y ≈ a·x^b.
fn exponent(points: &[(f64, f64)]) -> Option<f64> {
    if points.len() < 2 {
        return None;
    }
    let logs: Vec<(f64, f64)> = points.iter().map(|(x, y)| (x.ln(), y.ln())).collect();
    let n = logs.len() as f64;
    let (mx, my) = (
        logs.iter().map(|p| p.0).sum::<f64>() / n,
        logs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxx: f64 = logs.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = logs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

fn shown(figure: &str, value: f64) -> String {
    if figure.ends_with("bytes") {
        format!("{:.1} MB", value / 1e6)
    } else if figure.ends_with("per_rule") {
        format!("{:.3} ms", value * 1e3)
    } else if figure.ends_with("_s") {
        format!("{value:.3} s")
    } else {
        format!("{value:.0}")
    }
}

fn verdict(met: bool, median: f64, bound: f64) -> String {
    if met {
        "met".into()
    } else {
        format!("missed ({:.1}×)", median / bound)
    }
}

fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|model| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{model}, {cores} cores")
}

fn command_line(program: &str, args: &[&str]) -> Option<String> {
    let output = std::process::Command::new(program)
        .args(args)
        .output()
        .ok()?;
    Some(String::from_utf8(output.stdout).ok()?.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_exponents() {
        assert_eq!(median(&[1.0, 2.0, 9.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0, 4.0, 9.0]), 3.0);
        let linear: Vec<(f64, f64)> = [1e5, 1e6, 5e6].iter().map(|&n| (n, 2e-6 * n)).collect();
        assert!((exponent(&linear).unwrap() - 1.0).abs() < 1e-9);
        let quadratic: Vec<(f64, f64)> = [1e3, 1e4].iter().map(|&n| (n, n * n)).collect();
        assert!((exponent(&quadratic).unwrap() - 2.0).abs() < 1e-9);
        assert_eq!(exponent(&[(1.0, 1.0)]), None);
    }
}
