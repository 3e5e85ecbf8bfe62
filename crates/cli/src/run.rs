//! `reckon run`: rules over facts, every input fact (with what rules set on it) and every
//! output fact written in canonical order, then the alerts; a summary on standard error.
//! The output is written to a temporary file renamed into place, so a failed run never
//! leaves a file that looks complete.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use reckon::{OutputFormat, Session, Written};

use crate::open::{Opened, Sources};
use crate::progress::Progress;
use crate::summary::Summary;

/// Run rules over facts and write the results.
#[derive(Debug, Args)]
#[command(after_help = "\
Output: every input fact with the fields rules set on it, then every fact of the `output`
types, one JSON object per line with its \"type\", each type in canonical order; then the
alerts as {\"type\":\"alert\",...}. Internal fact types (emitted but not declared) are not
written. A summary goes to standard error.

Examples:
  reckon run examples/payroll
  reckon run --rules rules.calc --facts shifts.ndjson employees.ndjson --out results.ndjson
  reckon run --rules rules.calc more.json --facts facts.csv --format csv --out results/
  cat facts.ndjson | reckon run --rules rules.calc --facts - | jq .

Exit status: 0 when the run was clean; 1 for bad rules or bad facts (nothing is written),
or for a run-time error in a rule (listed on standard error; the results are written);
2 for bad usage.")]
pub(crate) struct RunArgs {
    #[command(flatten)]
    sources: Sources,
    /// Write the results to this file (for `--format csv`, this folder) instead of
    /// standard output; `-` is standard output.
    #[arg(long, short, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Ndjson)]
    format: Format,
    /// Print no summary.
    #[arg(long, short)]
    quiet: bool,
    /// The summary's format on standard error.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text, value_name = "FORMAT")]
    summary: SummaryFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SummaryFormat {
    /// A table for people.
    Text,
    /// One JSON object for programs.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One JSON object per line.
    Ndjson,
    /// One JSON array.
    Json,
    /// One CSV file per fact type (`TYPE.csv`) and `alerts.csv`, in the `--out` folder.
    Csv,
}

impl RunArgs {
    /// The file (or folder) to write, `None` for standard output (`--out -`, as `--facts -`
    /// is standard input).
    fn out_path(&self) -> Option<&Path> {
        self.out.as_deref().filter(|path| *path != Path::new("-"))
    }
}

/// Returns whether the run was clean (no run-time errors).
pub(crate) fn run(args: &RunArgs) -> Result<bool, String> {
    if args.format == Format::Csv && args.out_path().is_none() {
        return Err("--format csv writes one file per fact type: name a folder with --out".into());
    }
    let started = Instant::now();
    let progress = Progress::start("compiling rules");
    let opened = args.sources.open();
    progress.stage("running rules");
    let mut opened = opened?;
    let run_started = Instant::now();
    opened.session.run();
    let run_time = run_started.elapsed();
    progress.stage("writing results");
    let write_started = Instant::now();
    let written = write(&opened.session, args)?;
    let write_time = write_started.elapsed();
    progress.finish();
    let errors = opened.session.errors();
    for error in &errors {
        eprintln!(
            "error in rule \"{}\" at {}: {}\n  on {}",
            error.rule,
            error.place,
            error.message,
            error.facts.join("\n     ")
        );
    }
    if !args.quiet {
        let stages = [
            ("compile", opened.compile),
            ("load", opened.load),
            ("run", run_time),
            ("write", write_time),
        ];
        let total = started.elapsed();
        match args.summary {
            SummaryFormat::Text => eprint!("{}", summary(&opened, &written, &stages, total)),
            SummaryFormat::Json => eprintln!(
                "{}",
                crate::summary::json(&opened, &written, &stages, total)
            ),
        }
    }
    // The process ends next: freeing the network's memories one by one would only add
    // time (a tenth of a large run's), so they go back to the system with the process.
    std::mem::forget(opened);
    Ok(errors.is_empty())
}

fn summary(
    opened: &Opened,
    written: &Written,
    stages: &[(&str, Duration)],
    total: Duration,
) -> String {
    let session = &opened.session;
    let metrics = session.metrics();
    let mut summary = Summary::new(&opened.rule_files, &opened.fact_files, session.engine());
    summary.types(&opened.read, &written.per_type, written.alerts);
    summary.counts(&metrics, session.errors().len());
    summary.stages(stages, total);
    summary.nothing_lost(&opened.read, &written.per_type);
    summary.finish()
}

fn write(session: &Session, args: &RunArgs) -> Result<Written, String> {
    let format = match args.format {
        Format::Ndjson => OutputFormat::Ndjson,
        Format::Json => OutputFormat::Json,
        Format::Csv => {
            let dir = args.out_path().expect("checked: csv has --out");
            return write_csv(session, dir);
        }
    };
    match args.out_path() {
        None => session
            .write(std::io::stdout().lock(), format)
            .map_err(|error| error.to_string()),
        Some(path) => atomically(path, |file| {
            session
                .write(file, format)
                .map_err(|error| error.to_string())
        }),
    }
}

/// One CSV file per written fact type, and `alerts.csv`, each renamed into place whole.
fn write_csv(session: &Session, dir: &Path) -> Result<Written, String> {
    fs::create_dir_all(dir).map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
    let mut written = Written::default();
    for fact_type in session.written_types() {
        let name = session
            .engine()
            .catalog()
            .schema(fact_type)
            .name()
            .to_owned();
        let count = atomically(&dir.join(format!("{name}.csv")), |file| {
            session
                .write_csv(&name, file)
                .map_err(|error| error.to_string())
        })?;
        written.per_type.push((name, count));
    }
    let alerts = session.alerts();
    atomically(&dir.join("alerts.csv"), |file| {
        let mut out = std::io::BufWriter::new(file);
        let mut line = |cells: [&str; 3]| {
            let cells: Vec<String> = cells.iter().map(|cell| csv_cell(cell)).collect();
            writeln!(out, "{}", cells.join(","))
        };
        let io = |error: std::io::Error| error.to_string();
        line(["rule", "message", "facts"]).map_err(io)?;
        for alert in &alerts {
            let facts = format!("[{}]", alert.facts.join(","));
            line([&alert.rule, &alert.message, &facts]).map_err(io)?;
        }
        out.flush().map_err(io)
    })?;
    written.alerts = alerts.len();
    Ok(written)
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Writes `path` through a temporary file beside it, renamed over it only when `write`
/// succeeded; on failure the temporary file is removed and `path` is left as it was.
///
/// What is not a regular file (`/dev/null`, a pipe, a terminal) is written in place: a
/// rename would put a file where the device was. A symbolic link is followed, so that
/// the file it names is replaced and the link kept.
fn atomically<T>(
    path: &Path,
    write: impl FnOnce(&fs::File) -> Result<T, String>,
) -> Result<T, String> {
    let cannot = |error: std::io::Error| format!("cannot write {}: {error}", path.display());
    let resolved;
    let path = match fs::metadata(path) {
        Ok(meta) if !meta.is_file() && !meta.is_dir() => {
            let file = fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(cannot)?;
            return write(&file);
        }
        Ok(_) => {
            resolved = fs::canonicalize(path).map_err(cannot)?;
            resolved.as_path()
        }
        Err(_) => path,
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| format!("{}: not a file name", path.display()))?;
    let temp = path.with_file_name(format!(
        ".{}.{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let file = fs::File::create(&temp)
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    let result = write(&file).and_then(|value| {
        file.sync_all()
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        fs::rename(&temp, path)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        Ok(value)
    });
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}
