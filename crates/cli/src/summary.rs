//! The summary `reckon run` prints on standard error: facts read and written by type,
//! the work done, time per stage, peak memory, and whether every input fact came out.

use std::fmt::Write as _;
use std::time::Duration;

use reckon::{Engine, Metrics, TypeKind};

/// A summary being written.
pub(crate) struct Summary<'e> {
    engine: &'e Engine,
    text: String,
}

impl<'e> Summary<'e> {
    pub(crate) fn new(
        rule_files: &[String],
        fact_files: &[String],
        engine: &'e Engine,
    ) -> Summary<'e> {
        let mut text = String::new();
        let rules = engine.rule_names().count();
        let _ = writeln!(
            text,
            "\n{} over {}: {} rule{} ({} nodes){}\n",
            rule_files.join(", "),
            fact_files.join(", "),
            thousands(rules as u64),
            if rules == 1 { "" } else { "s" },
            thousands(engine.node_counts().total() as u64),
            match engine.partitions() {
                1 => String::new(),
                n => format!(", in {n} partitions run in parallel"),
            }
        );
        Summary { engine, text }
    }

    /// The table of facts read and written per type, and the alerts.
    pub(crate) fn types(
        &mut self,
        read: &[(String, usize)],
        written: &[(String, usize)],
        alerts: usize,
    ) {
        let width = written
            .iter()
            .map(|(name, _)| name.len())
            .chain([9])
            .max()
            .unwrap_or(9);
        let _ = writeln!(
            self.text,
            "{:<width$}  {:>10}  {:>10}",
            "fact type", "read", "written"
        );
        for (name, count) in written {
            let read = match read.iter().find(|(known, _)| known == name) {
                Some((_, n)) => thousands(*n as u64),
                None if self.engine.type_kind(name) == Some(TypeKind::Input) => "0".into(),
                None => "-".into(),
            };
            let _ = writeln!(
                self.text,
                "{name:<width$}  {read:>10}  {:>10}",
                thousands(*count as u64)
            );
        }
        let _ = writeln!(
            self.text,
            "{:<width$}  {:>10}  {:>10}\n",
            "alerts",
            "-",
            thousands(alerts as u64)
        );
    }

    /// Rules fired, activations, errors.
    pub(crate) fn counts(&mut self, metrics: &Metrics, errors: usize) {
        let _ = writeln!(
            self.text,
            "rules fired {} · activations {} · run-time errors {}",
            thousands(metrics.rules_fired),
            thousands(metrics.activations),
            thousands(errors as u64)
        );
    }

    /// Time per stage, the total, and the process's peak memory.
    pub(crate) fn stages(&mut self, stages: &[(&str, Duration)], total: Duration) {
        let mut parts: Vec<String> = stages
            .iter()
            .map(|(name, time)| format!("{name} {}", duration(*time)))
            .collect();
        parts.push(format!("total {}", duration(total)));
        if let Some(rss) = peak_rss_bytes() {
            parts.push(format!("peak RSS {:.1} MB", rss as f64 / 1e6));
        }
        let _ = writeln!(self.text, "{}", parts.join(" · "));
    }

    /// Whether every input fact read was written back out.
    pub(crate) fn nothing_lost(&mut self, read: &[(String, usize)], written: &[(String, usize)]) {
        let read_total: usize = read.iter().map(|(_, n)| n).sum();
        let written_inputs: usize = written
            .iter()
            .filter(|(name, _)| self.engine.type_kind(name) == Some(TypeKind::Input))
            .map(|(_, n)| n)
            .sum();
        let line = if read_total == written_inputs {
            format!(
                "every input fact read was written: {}",
                thousands(read_total as u64)
            )
        } else {
            format!(
                "{} input facts read, {} written: rules inserted or retracted the difference",
                thousands(read_total as u64),
                thousands(written_inputs as u64)
            )
        };
        let _ = writeln!(self.text, "{line}");
    }

    pub(crate) fn finish(self) -> String {
        self.text
    }
}

/// The summary as one JSON object, for programs: the same figures as the table.
pub(crate) fn json(
    opened: &crate::open::Opened,
    written: &reckon::Written,
    stages: &[(&str, Duration)],
    total: Duration,
) -> serde_json::Value {
    use serde_json::json;
    let session = &opened.session;
    let engine = session.engine();
    let metrics = session.metrics();
    let types: Vec<serde_json::Value> = written
        .per_type
        .iter()
        .map(|(name, count)| {
            let read = opened
                .read
                .iter()
                .find(|(known, _)| known == name)
                .map(|(_, n)| *n);
            json!({"type": name, "read": read, "written": count})
        })
        .collect();
    let read_total: usize = opened.read.iter().map(|(_, n)| n).sum();
    let written_inputs: usize = written
        .per_type
        .iter()
        .filter(|(name, _)| engine.type_kind(name) == Some(TypeKind::Input))
        .map(|(_, n)| n)
        .sum();
    let stage_ms: serde_json::Map<String, serde_json::Value> = stages
        .iter()
        .map(|(name, time)| ((*name).to_owned(), json!(time.as_secs_f64() * 1000.0)))
        .collect();
    json!({
        "rules": opened.rule_files,
        "facts": opened.fact_files,
        "rule_count": engine.rule_names().count(),
        "nodes": engine.node_counts().total(),
        "partitions": engine.partitions(),
        "types": types,
        "alerts": written.alerts,
        "rules_fired": metrics.rules_fired,
        "activations": metrics.activations,
        "run_time_errors": session.errors().len(),
        "stage_ms": stage_ms,
        "total_ms": total.as_secs_f64() * 1000.0,
        "peak_rss_bytes": peak_rss_bytes(),
        "input_facts_read": read_total,
        "input_facts_written": written_inputs,
    })
}

/// `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn duration(time: Duration) -> String {
    let ms = time.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

/// The process's peak resident memory, where the system says (`VmHWM` on Linux).
fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
