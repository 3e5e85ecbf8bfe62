//! Peer engines run on the same workload as Reckon, in the same bench run, their results
//! held to the same checksums: CLIPS (`bench/peers/clips/`) and the `ascent` Datalog
//! crate (`bench/peers/ascent/`).
//!
//! - `clips.rs` — the workload as CLIPS facts and filler rules, and one CLIPS run.
//! - `ascent.rs` — the ascent program built for K rules, and one run of it.

pub mod ascent;
pub mod clips;

use serde::{Deserialize, Serialize};

/// One run of a peer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PeerRun {
    /// Wall time of the whole run (loading the rules and facts, running, and counting the
    /// checksums), in seconds.
    pub total_s: f64,
    /// Peak resident memory, in bytes.
    pub peak_rss_bytes: u64,
    /// The checksum line the peer printed.
    pub checksums: String,
}

/// Runs `command` under GNU time, and returns its standard output, wall seconds and peak
/// RSS in bytes.
pub(crate) fn timed_run(command: &mut std::process::Command) -> Result<(String, f64, u64), String> {
    let report = std::env::temp_dir().join(format!("reckon-peer-time-{}", std::process::id()));
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    let output = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%e %M", "-o"])
        .arg(&report)
        .arg(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot start /usr/bin/time: {e}"))?;
    let timing =
        std::fs::read_to_string(&report).map_err(|e| format!("{}: {e}", report.display()))?;
    let _ = std::fs::remove_file(&report);
    if !output.status.success() {
        return Err(format!(
            "the peer failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let mut parts = timing.split_whitespace();
    let seconds: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("no time reported")?;
    let kilobytes: u64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("no memory reported")?;
    Ok((
        String::from_utf8_lossy(&output.stdout).into_owned(),
        seconds,
        kilobytes * 1024,
    ))
}

/// The `CHECKSUM ...` line a peer printed.
pub(crate) fn checksum_line(stdout: &str, peer: &str) -> Result<String, String> {
    stdout
        .lines()
        .find(|line| line.starts_with("CHECKSUM "))
        .map(|line| line.trim().to_owned())
        .ok_or_else(|| format!("{peer} printed no checksums:\n{stdout}"))
}

/// Installs a Debian package when `program` is missing.
pub(crate) fn ensure(program: &str, package: &str) -> Result<(), String> {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Ok(());
    }
    let installed = std::process::Command::new("sh")
        .args([
            "-c",
            &format!("apt-get update -qq && apt-get install -y -qq {package}"),
        ])
        .status()
        .is_ok_and(|s| s.success());
    if installed {
        Ok(())
    } else {
        Err(format!(
            "{program} is not installed and apt-get could not install {package}"
        ))
    }
}
