//! CLIPS on the workforce workload: the facts written as CLIPS facts (times as minutes
//! from the period's Monday; CLIPS has no date type), the filler rules for K generated
//! beside the program in `bench/peers/clips/workforce.clp`, and a batch run that loads
//! them, runs, and prints the checksums.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;

use reckon::facts::DateTime;

use super::{PeerRun, checksum_line, ensure, timed_run};
use crate::r#gen::{WorkforceFact, Workload};
use crate::rules::fillers;

/// Writes the workload's facts as a CLIPS facts file (`load-facts`).
pub fn write_facts(workload: &Workload, path: &Path) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 16, file);
    let monday = DateTime::new(2025, 1, 6, 0, 0, 0, 0).expect("a valid date");
    let minutes = |at: DateTime| at.duration_since(monday).as_secs() / 60;
    let io = |e: std::io::Error| format!("{}: {e}", path.display());
    for fact in workload.facts() {
        match fact {
            WorkforceFact::Employee(e) => writeln!(
                out,
                "(employee (id E{:06}) (rate {}.{:02}) (threshold {}) (visa {}) (location L{:02}))",
                e.number,
                e.rate_quarters / 4,
                e.rate_quarters % 4 * 25,
                e.weekly_ot_threshold,
                if e.student_visa { "student" } else { "none" },
                e.location
            ),
            WorkforceFact::Shift(s) => writeln!(
                out,
                "(shift (id S{:08}) (employee_id E{:06}) (start {}) (end {}) (break {}) (pay_code {}) (location L{:02}))",
                s.number,
                s.employee,
                minutes(s.start),
                minutes(s.end),
                s.break_minutes,
                s.pay_code.as_str(),
                s.location
            ),
        }
        .map_err(io)?;
    }
    out.flush().map_err(io)
}

/// The filler rules among `k` rules, in CLIPS.
pub fn fillers_program(k: usize) -> String {
    let mut out = String::new();
    for (i, (location, pay_code, hours)) in fillers(k).enumerate() {
        let _ = writeln!(
            out,
            "(defrule filler_{i} (declare (salience 30)) \
             (shift (id ?id) (location L{location:02}) (pay_code {pay_code}) (hours ?h&~nil&:(> ?h {hours}))) \
             => (assert (filler_match (rule filler_{i}) (shift_id ?id))))"
        );
    }
    out
}

/// Runs CLIPS (installing the Debian package if it is missing) on the program in
/// `program_dir` with `k` rules over the facts file `facts`.
pub fn run(program_dir: &Path, facts: &Path, k: usize, scratch: &Path) -> Result<PeerRun, String> {
    ensure("clips", "clips")?;
    ensure("/usr/bin/time", "time")?;
    std::fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let fillers = scratch.join(format!("fillers-{k}.clp"));
    std::fs::write(&fillers, fillers_program(k))
        .map_err(|e| format!("{}: {e}", fillers.display()))?;
    let batch = scratch.join(format!("run-{k}.clp"));
    let text = format!(
        "(load \"{}\")\n(load \"{}\")\n(reset)\n(load-facts \"{}\")\n(run)\n(checksums)\n(exit)\n",
        program_dir.join("workforce.clp").display(),
        fillers.display(),
        facts.display()
    );
    std::fs::write(&batch, text).map_err(|e| format!("{}: {e}", batch.display()))?;
    let (stdout, seconds, rss) = timed_run(Command::new("clips").arg("-f2").arg(&batch))?;
    let checksums = checksum_line(&stdout, "CLIPS")?;
    Ok(PeerRun {
        total_s: seconds,
        peak_rss_bytes: rss,
        checksums,
    })
}
