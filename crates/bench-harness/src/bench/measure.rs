//! One measurement, in a process of its own (so its peak RSS is its own): build the engine
//! from the workload's rules, read the facts file, run, write the results, and verify the
//! checksums against the harness's independent computation. Each stage is timed; the
//! stages are functions of their own so that callgrind can count each one's instructions
//! (`--toggle-collect`).

use std::path::Path;
use std::time::{Duration, Instant};

use reckon::{Engine, InputFormat, OutputFormat, Session};
use serde::{Deserialize, Serialize};

use crate::checksums;
use crate::rules;

/// What one measurement found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Measurement {
    /// Seconds per stage.
    pub compile_s: f64,
    /// Reading and parsing the facts file into the fact store.
    pub parse_s: f64,
    /// Propagating the facts read through the network (and, with threads, routing them
    /// to their partitions).
    pub load_s: f64,
    /// The run to the fixpoint.
    pub evaluate_s: f64,
    /// Writing every result fact as NDJSON (to a sink).
    pub write_s: f64,
    /// All five.
    pub total_s: f64,
    /// The process's peak resident memory, in bytes, after writing.
    pub peak_rss_bytes: u64,
    /// Nodes in the network.
    pub nodes: usize,
    /// Input facts read.
    pub facts: u64,
    /// The checksum line the run gave.
    pub checksums: String,
    /// For the incremental suite: inserting 1K shifts after the run, and running.
    pub insert_1k_s: Option<f64>,
    /// For the incremental suite: retracting them again, and running.
    pub retract_1k_s: Option<f64>,
}

/// The rules of a measurement: K rules, all `.calc` or half `.calc` and half JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    /// Rules.
    pub k: usize,
    /// Half the filler rules as a JSON document.
    pub half_json: bool,
}

/// Measures one run of `rules` over the facts in `facts`, on `threads` threads; fails when
/// the checksums differ from `expected`.
pub fn measure(
    rules: RuleSet,
    facts: &Path,
    threads: usize,
    expected: &str,
    incremental: bool,
    extra_instructions: u64,
) -> Result<Measurement, String> {
    let (engine, compile) = timed(|| compile_stage(rules, threads))?;
    let (mut session, read_and_load) = timed(|| load_stage(&engine, facts))?;
    // Read once, before the incremental suite's reads add to them (untimed: `metrics`
    // also estimates the network's memory).
    let loaded = session.metrics();
    let parse = Duration::from_nanos(loaded.parse_time_ns);
    let load = read_and_load.saturating_sub(parse);
    let ((), evaluate) = timed(|| {
        evaluate_stage(&mut session, extra_instructions);
        Ok(())
    })?;
    let (_, write) = timed(|| write_stage(&session))?;
    let peak_rss_bytes = peak_rss_bytes().unwrap_or(0);
    let (insert_1k_s, retract_1k_s) = if incremental {
        let (insert, retract) = change_1k(&mut session, facts)?;
        (Some(insert.as_secs_f64()), Some(retract.as_secs_f64()))
    } else {
        (None, None)
    };
    let found = checksums::of_session(&session)?;
    if found.to_string() != expected {
        return Err(format!(
            "wrong checksums:\n  expected {expected}\n  found    {found}"
        ));
    }
    Ok(Measurement {
        compile_s: compile.as_secs_f64(),
        parse_s: parse.as_secs_f64(),
        load_s: load.as_secs_f64(),
        evaluate_s: evaluate.as_secs_f64(),
        write_s: write.as_secs_f64(),
        total_s: (compile + read_and_load + evaluate + write).as_secs_f64(),
        peak_rss_bytes,
        nodes: engine.node_counts().total(),
        facts: loaded.facts_in as u64,
        checksums: found.to_string(),
        insert_1k_s,
        retract_1k_s,
    })
}

/// After a run: inserts 1,000 shifts (copies of the file's first ones under new ids) and
/// runs, then retracts them and runs; the session is back where it was.
fn change_1k(session: &mut Session, facts: &Path) -> Result<(Duration, Duration), String> {
    let text = std::fs::read_to_string(facts).map_err(|e| format!("{}: {e}", facts.display()))?;
    let copies: Vec<String> = text
        .lines()
        .filter(|line| line.starts_with(r#"{"type":"shift","id":"S"#))
        .take(1_000)
        .map(|line| line.replacen(r#""id":"S"#, r#""id":"X"#, 1))
        .collect();
    let copies = copies.join("\n");
    let ((), insert) = timed(|| insert_stage(session, &copies))?;
    let added: Vec<reckon::FactId> = session
        .facts_of("shift")
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|fact| {
            session
                .json(*fact)
                .starts_with(r#"{"type":"shift","id":"X"#)
        })
        .collect();
    if added.len() != copies.lines().count() {
        return Err(format!(
            "{} of {} inserted shifts found",
            added.len(),
            copies.lines().count()
        ));
    }
    let ((), retract) = timed(|| retract_stage(session, &added))?;
    Ok((insert, retract))
}

/// Reads `ndjson` into a session that has run, and runs again. Like the stages below, not
/// inlined, so that a profiler can count it alone (`--toggle-collect=*insert_stage*`).
#[inline(never)]
pub fn insert_stage(session: &mut Session, ndjson: &str) -> Result<(), String> {
    session
        .read(ndjson.as_bytes(), InputFormat::Ndjson, "1k.ndjson")
        .map_err(|error| error.to_string())?;
    session.run();
    Ok(())
}

/// Retracts `facts` from a session that has run, and runs again.
#[inline(never)]
pub fn retract_stage(session: &mut Session, facts: &[reckon::FactId]) -> Result<(), String> {
    for fact in facts {
        session.retract(*fact).map_err(|error| error.to_string())?;
    }
    session.run();
    Ok(())
}

fn timed<T>(stage: impl FnOnce() -> Result<T, String>) -> Result<(T, Duration), String> {
    let started = Instant::now();
    let value = stage()?;
    Ok((value, started.elapsed()))
}

/// Parses, checks, optimises and lowers the rules.
#[inline(never)]
pub fn compile_stage(rules: RuleSet, threads: usize) -> Result<Engine, String> {
    let builder = Engine::builder().threads(threads);
    let builder = if rules.half_json {
        let (calc, json) = rules::halves(rules.k);
        builder.calc("rules.calc", calc).json("rules.json", json)
    } else {
        builder.calc("rules.calc", rules::calc(rules.k))
    };
    builder.build().map_err(|error| error.to_string())
}

/// Reads the facts file into a new session.
#[inline(never)]
pub fn load_stage(engine: &Engine, facts: &Path) -> Result<Session, String> {
    let mut session = engine.session();
    let file = std::fs::File::open(facts).map_err(|e| format!("{}: {e}", facts.display()))?;
    let input = std::io::BufReader::with_capacity(1 << 20, file);
    session
        .read(input, InputFormat::Ndjson, &facts.display().to_string())
        .map_err(|error| error.to_string())?;
    Ok(session)
}

/// Runs the rules to their fixpoint; `extra_instructions` (0 but in the regression gate's
/// own check) adds about that much work, a deliberate slowdown the gate must catch.
#[inline(never)]
pub fn evaluate_stage(session: &mut Session, extra_instructions: u64) {
    session.run();
    // Four instructions or so an iteration: an add, a compare, a branch, and the store
    // `black_box` keeps.
    let mut sum = 0u64;
    for i in 0..extra_instructions / 4 {
        sum = std::hint::black_box(sum.wrapping_add(i));
    }
    std::hint::black_box(sum);
}

/// Writes every result as NDJSON to a sink.
#[inline(never)]
pub fn write_stage(session: &Session) -> Result<reckon::Written, String> {
    session
        .write(std::io::sink(), OutputFormat::Ndjson)
        .map_err(|error| error.to_string())
}

/// The process's peak resident memory (`VmHWM` on Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
