//! The suites: which workloads each measures, at full size and `--quick`, and the targets
//! each figure is held to (the seed's, and the project's tighter goals).

use serde::{Deserialize, Serialize};

use super::measure::RuleSet;

/// One workload to measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// The label in reports: `100K facts, 100 rules`.
    pub label: String,
    /// Shift facts.
    pub n: u64,
    /// The rules.
    pub rules: RuleSet,
    /// Threads.
    pub threads: usize,
    /// Measure inserting and retracting 1K facts after the run, instead of the run.
    pub incremental: bool,
}

/// A target a figure is held to: below `seed` (the performance spec) and below `goal`
/// (ours).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Target {
    /// What is measured: a key of the case's medians.
    pub figure: &'static str,
    /// The seed's bound.
    pub seed: f64,
    /// The project's bound.
    pub goal: f64,
}

/// A suite: its name, cases and targets.
#[derive(Debug, Clone)]
pub struct Suite {
    /// `phase1`, `scale`, …
    pub name: &'static str,
    /// The cases, measured in order.
    pub cases: Vec<Case>,
    /// Targets for every case of the suite.
    pub targets: Vec<Target>,
}

/// Every suite's name, in the order `--suite` runs them when none is named.
pub const NAMES: [&str; 7] = [
    "phase1",
    "phase2",
    "phase3",
    "scale",
    "compile",
    "incremental",
    "parallel",
];

/// The suites `cargo xtask bench --quick` runs.
pub const QUICK: [&str; 1] = ["phase1"];

fn case(n: u64, k: usize, half_json: bool) -> Case {
    Case {
        label: format!(
            "{} facts, {k} rules{}",
            short(n),
            if half_json { " (half JSON)" } else { "" }
        ),
        n,
        rules: RuleSet { k, half_json },
        threads: 1,
        incremental: false,
    }
}

/// `100K`, `1M`, `2.5M`.
fn short(n: u64) -> String {
    if n >= 1_000_000 && n % 100_000 == 0 {
        let tenths = n / 100_000;
        if tenths % 10 == 0 {
            format!("{}M", tenths / 10)
        } else {
            format!("{}.{}M", tenths / 10, tenths % 10)
        }
    } else if n >= 1_000 && n % 1_000 == 0 {
        format!("{}K", n / 1_000)
    } else {
        n.to_string()
    }
}

const MB: f64 = 1e6;

/// The suite called `name`; `quick` shrinks it to seconds.
pub fn suite(name: &str, quick: bool) -> Option<Suite> {
    let scale = |n: u64| if quick { n / 10 } else { n };
    let (cases, targets) = match name {
        "phase1" => (
            vec![case(scale(100_000), 100, false)],
            vec![
                Target {
                    figure: "total_s",
                    seed: 1.0,
                    goal: 0.15,
                },
                Target {
                    figure: "peak_rss_bytes",
                    seed: 50.0 * MB,
                    goal: 40.0 * MB,
                },
                Target {
                    figure: "nodes",
                    seed: 1_000.0,
                    goal: 800.0,
                },
            ],
        ),
        "phase2" => (
            vec![case(scale(1_000_000), 500, false)],
            vec![
                Target {
                    figure: "total_s",
                    seed: 2.0,
                    goal: 1.5,
                },
                Target {
                    figure: "peak_rss_bytes",
                    seed: 150.0 * MB,
                    goal: 150.0 * MB,
                },
                Target {
                    figure: "nodes",
                    seed: 5_000.0,
                    goal: 4_000.0,
                },
            ],
        ),
        "phase3" => (
            vec![case(scale(1_000_000), 2_000, true)],
            vec![
                Target {
                    figure: "total_s",
                    seed: 30.0,
                    goal: 5.0,
                },
                Target {
                    figure: "peak_rss_bytes",
                    seed: 4_000.0 * MB,
                    goal: 400.0 * MB,
                },
                Target {
                    figure: "nodes",
                    seed: 15_000.0,
                    goal: 12_000.0,
                },
            ],
        ),
        "scale" => (
            [250_000, 500_000, 1_000_000, 2_000_000, 5_000_000]
                .into_iter()
                .map(|n| case(scale(n), 500, false))
                .collect(),
            Vec::new(),
        ),
        "compile" => (
            vec![case(1_000, 2_000, false)],
            vec![Target {
                figure: "compile_s_per_rule",
                seed: 0.050,
                goal: 0.001,
            }],
        ),
        "incremental" => (
            vec![Case {
                incremental: true,
                ..case(scale(1_000_000), 500, false)
            }],
            vec![
                Target {
                    figure: "insert_1k_s",
                    seed: 0.5,
                    goal: 0.020,
                },
                Target {
                    figure: "retract_1k_s",
                    seed: 0.5,
                    goal: 0.020,
                },
            ],
        ),
        "parallel" => {
            let one = case(scale(100_000), 100, false);
            let two = Case {
                threads: 2,
                label: format!("{} on 2 threads", one.label),
                ..one.clone()
            };
            (vec![one, two], Vec::new())
        }
        _ => return None,
    };
    // A quick run is a tenth of the size: only the node budgets still apply.
    let targets = if quick {
        targets
            .into_iter()
            .filter(|t| t.figure == "nodes")
            .collect()
    } else {
        targets
    };
    Some(Suite {
        name: NAMES.into_iter().find(|n| *n == name)?,
        cases,
        targets,
    })
}
