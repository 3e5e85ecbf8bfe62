//! `cargo xtask store-report`: runs the fact-store report benchmark, which prints bytes per
//! shift fact for both store backends and the NDJSON load rate at 1M shifts.

use std::process::Command;

pub(crate) fn run() -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "bench",
            "--package",
            "reckon-bench-harness",
            "--bench",
            "store_report",
        ])
        .status()
        .map_err(|error| format!("cannot start cargo: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the store report failed ({status})"))
    }
}
