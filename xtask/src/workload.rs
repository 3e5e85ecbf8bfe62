//! `cargo xtask workload --n N --k K --out DIR`: writes a workforce workload (facts, rules
//! for K as `.calc` and JSON, and the checksums a run must give) by running the bench
//! harness's `workload` program, built optimised, so that 5M facts take seconds.
//! `cargo xtask bench` runs its `bench` program the same way.

use std::process::Command;

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    harness_program("workload", args)
}

/// Runs the bench harness's program `name`, built optimised, with `args`.
pub(crate) fn harness_program(name: &str, args: &[String]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "run",
            "--release",
            "--quiet",
            "--package",
            "reckon-bench-harness",
            "--bin",
            name,
            "--",
        ])
        .args(args)
        .status()
        .map_err(|error| format!("cannot start cargo: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{name}` failed ({status})"))
    }
}
