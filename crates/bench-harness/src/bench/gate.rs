//! The regression gate: instruction counts, which do not drift with the load of a shared
//! machine, of the compile and evaluate stages at a size that runs in seconds under
//! callgrind (phase 1 at a tenth: 10K shifts, 100 rules). Each stage is counted in a run of
//! its own with collection switched on only inside the stage's function
//! (`--toggle-collect`). `bench/baseline.json` holds the counts to compare with; a stage
//! that grew by more than 10% is a regression.
//!
//! `--gate-check` shows the gate works: it counts twice on the same build (the change must
//! stay under the threshold) and once with work added to the evaluate stage (about 15% of
//! its instructions), which must be caught.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

/// The growth over the baseline, in percent, beyond which the gate fails.
pub const THRESHOLD_PERCENT: u128 = 10;

/// Shifts in the gate's workload, and its rules.
pub const SHIFTS: u64 = 10_000;
/// Rules in the gate's workload.
pub const RULES: usize = 100;

/// Instructions per stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Parse, check, optimise and lower the rules.
    pub compile: u64,
    /// Run to the fixpoint.
    pub evaluate: u64,
}

/// What `bench/baseline.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Baseline {
    /// Shifts in the workload counted.
    pub shifts: u64,
    /// Rules.
    pub rules: usize,
    /// The counts.
    pub instructions: Counts,
    /// When they were counted, and on what.
    pub recorded: String,
}

/// One stage compared with the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `compile` or `evaluate`.
    pub stage: &'static str,
    /// The baseline's count.
    pub baseline: u64,
    /// The count now.
    pub now: u64,
}

impl Change {
    /// The growth: 0.05 is 5% more instructions.
    pub fn growth(&self) -> f64 {
        self.now as f64 / self.baseline as f64 - 1.0
    }

    /// More than 10% over the baseline (compared in integers, so 10% exactly is not).
    pub fn regressed(&self) -> bool {
        u128::from(self.now) * 100 > u128::from(self.baseline) * (100 + THRESHOLD_PERCENT)
    }
}

/// The stages of `now` against `baseline`.
pub fn compare(baseline: &Counts, now: &Counts) -> Vec<Change> {
    vec![
        Change {
            stage: "compile",
            baseline: baseline.compile,
            now: now.compile,
        },
        Change {
            stage: "evaluate",
            baseline: baseline.evaluate,
            now: now.evaluate,
        },
    ]
}

/// Counts the stages' instructions with callgrind, running `program measure` (this
/// harness's bench program) on `facts`; `extra` adds that many instructions, roughly, to
/// the evaluate stage.
pub fn count(program: &Path, facts: &Path, expected: &str, extra: u64) -> Result<Counts, String> {
    ensure_valgrind()?;
    let stage = |name: &str| -> Result<u64, String> {
        let out =
            std::env::temp_dir().join(format!("reckon-gate-{}-{name}.out", std::process::id()));
        let output = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg("--collect-atstart=no")
            .arg(format!("--toggle-collect=*{name}_stage*"))
            .arg(program)
            .arg("measure")
            .args(["--k", &RULES.to_string()])
            .arg("--facts")
            .arg(facts)
            .args(["--expected", expected])
            .args(["--extra-instructions", &extra.to_string()])
            .output()
            .map_err(|e| format!("cannot start valgrind: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "the counted run failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
        let _ = std::fs::remove_file(&out);
        text.lines()
            .find_map(|line| line.strip_prefix("summary: "))
            .and_then(|count| count.trim().parse().ok())
            .ok_or_else(|| format!("no instruction count in callgrind's output for {name}"))
    };
    Ok(Counts {
        compile: stage("compile")?,
        evaluate: stage("evaluate")?,
    })
}

/// Reads the baseline.
pub fn read_baseline(path: &Path) -> Result<Baseline, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes the baseline.
pub fn write_baseline(path: &Path, baseline: &Baseline) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(baseline).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
}

/// Where the committed baseline lives, from the workspace root.
pub fn baseline_path(root: &Path) -> PathBuf {
    root.join("bench/baseline.json")
}

/// Installs valgrind with apt-get when it is missing (as on a fresh machine).
fn ensure_valgrind() -> Result<(), String> {
    let present = Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if present {
        return Ok(());
    }
    let installed = Command::new("sh")
        .args([
            "-c",
            "apt-get update -qq && apt-get install -y -qq valgrind",
        ])
        .status()
        .is_ok_and(|status| status.success());
    if installed {
        Ok(())
    } else {
        Err(
            "the regression gate counts instructions with valgrind, which is not installed and \
             could not be installed with apt-get; install it (Debian: apt-get install valgrind)"
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_over_ten_percent_is_a_regression() {
        let baseline = Counts {
            compile: 1_000,
            evaluate: 10_000,
        };
        let same = compare(
            &baseline,
            &Counts {
                compile: 1_001,
                evaluate: 9_990,
            },
        );
        assert!(same.iter().all(|c| !c.regressed()));
        let slower = compare(
            &baseline,
            &Counts {
                compile: 1_000,
                evaluate: 11_500,
            },
        );
        assert!(!slower[0].regressed() && slower[1].regressed());
        assert!((slower[1].growth() - 0.15).abs() < 1e-12);
        let just_under = compare(
            &baseline,
            &Counts {
                compile: 1_100,
                evaluate: 10_000,
            },
        );
        assert!(
            !just_under[0].regressed(),
            "10% exactly is not over the threshold"
        );
    }
}
