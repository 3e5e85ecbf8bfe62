//! `ascent` (compiled Rust Datalog) on the workforce workload: the program in
//! `bench/peers/ascent/` with the filler rules for K written into a copy of it, built
//! optimised once per rule count, then run on the NDJSON facts. Building is not timed;
//! reading the facts, running and counting the checksums are.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{PeerRun, checksum_line, timed_run};
use crate::rules::fillers;

/// Where the rules go in the template.
const MARKER: &str = "    // FILLER RULES\n";

/// The filler rules among `k` rules, as ascent rules.
pub fn fillers_program(k: usize) -> String {
    let mut out = String::new();
    for (i, (location, pay_code, hours)) in fillers(k).enumerate() {
        let code = match pay_code {
            "base" => 0,
            "holiday" => 1,
            _ => 2,
        };
        let _ = writeln!(
            out,
            "    filler_match({i}, s) <-- shift(s, _, _, _, _, code, loc), \
             if *code == {code} && *loc == {location}, hours(s, q), if *q > {};",
            hours * 4
        );
    }
    out
}

/// Builds the program with `k` rules under `scratch`, and returns the binary.
pub fn build(program_dir: &Path, k: usize, scratch: &Path) -> Result<PathBuf, String> {
    let dir = scratch.join(format!("ascent-k{k}"));
    let binary = dir.join("workforce-ascent");
    if binary.is_file() {
        return Ok(binary);
    }
    let io = |path: &Path, e: std::io::Error| format!("{}: {e}", path.display());
    std::fs::create_dir_all(dir.join("src")).map_err(|e| io(&dir, e))?;
    for file in ["Cargo.toml", "Cargo.lock", "src/main.rs"] {
        let from = program_dir.join(file);
        if from.is_file() {
            std::fs::copy(&from, dir.join(file)).map_err(|e| io(&from, e))?;
        }
    }
    let template_path = program_dir.join("src/rules.rs.in");
    let template = std::fs::read_to_string(&template_path).map_err(|e| io(&template_path, e))?;
    if !template.contains(MARKER) {
        return Err(format!(
            "{}: no `// FILLER RULES` line",
            template_path.display()
        ));
    }
    let rules = template.replace(MARKER, &fillers_program(k));
    std::fs::write(dir.join("src/rules.rs"), rules).map_err(|e| io(&dir, e))?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = scratch.join("ascent-target");
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building the ascent program for {k} rules failed"));
    }
    let built = target.join("release/workforce-ascent");
    std::fs::copy(&built, &binary).map_err(|e| io(&built, e))?;
    Ok(binary)
}

/// Runs the built program on `facts`.
pub fn run(binary: &Path, facts: &Path) -> Result<PeerRun, String> {
    super::ensure("/usr/bin/time", "time")?;
    let (stdout, seconds, rss) = timed_run(Command::new(binary).arg(facts))?;
    let checksums = checksum_line(&stdout, "the ascent program")?;
    Ok(PeerRun {
        total_s: seconds,
        peak_rss_bytes: rss,
        checksums,
    })
}
