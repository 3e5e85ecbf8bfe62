//! What `run` and `explain` share: finding the rule and fact files (named, or an example
//! folder's), building the engine, and reading the facts into a session, timing each.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use reckon::facts::io::ReadOptions;
use reckon::{Backend, Engine, Error, InputFormat, Session};

use crate::inputs::color_stderr;

/// Where the rules and facts come from.
#[derive(Debug, Args)]
pub(crate) struct Sources {
    /// An example folder: its `rules.calc` (or `rules.json` when there is no `.calc`) and
    /// its `facts.ndjson`, `facts.json` or `facts.csv`.
    #[arg(value_name = "DIR", conflicts_with_all = ["rules", "facts"])]
    dir: Option<PathBuf>,
    /// Rule files: `.calc`, or `.json` rule documents.
    #[arg(long, value_name = "FILE", num_args = 1.., required_unless_present = "dir")]
    rules: Vec<PathBuf>,
    /// Fact files: NDJSON (one object per line with a `"type"`), `.json` arrays, or `.csv`
    /// with a `type` column; `-` reads NDJSON from standard input.
    #[arg(long, value_name = "FILE", num_args = 1.., required_unless_present = "dir")]
    facts: Vec<PathBuf>,
    /// Where facts are kept while rules run.
    #[arg(long, value_enum, default_value_t = BackendArg::Column)]
    backend: BackendArg,
    /// Threads to run on (0: one per core). Rules whose joins and groups all go through
    /// one key (an employee id, say) run in that many partitions at once, with the same
    /// results; other rules run on one.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 1)]
    threads: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendArg {
    /// Typed columns per fact type: the smallest.
    Column,
    /// A row of values per fact.
    Row,
}

/// A session with the facts read, and how long each stage took.
pub(crate) struct Opened {
    pub(crate) session: Session,
    pub(crate) compile: Duration,
    pub(crate) load: Duration,
    /// Input facts read, by fact type name, in the order types were first met.
    pub(crate) read: Vec<(String, usize)>,
    /// The rule files and the fact files, as named.
    pub(crate) rule_files: Vec<String>,
    pub(crate) fact_files: Vec<String>,
}

impl Sources {
    /// The rule files and fact files to use.
    fn files(&self) -> Result<(Vec<PathBuf>, Vec<PathBuf>), String> {
        let Some(dir) = &self.dir else {
            return Ok((self.rules.clone(), self.facts.clone()));
        };
        if !dir.is_dir() {
            return Err(format!("{}: not a folder", dir.display()));
        }
        let rules = ["rules.calc", "rules.json"]
            .iter()
            .map(|name| dir.join(name))
            .find(|path| path.is_file())
            .ok_or_else(|| {
                format!(
                    "{}: no rules.calc or rules.json in the folder",
                    dir.display()
                )
            })?;
        let facts: Vec<PathBuf> = ["facts.ndjson", "facts.json", "facts.csv"]
            .iter()
            .map(|name| dir.join(name))
            .filter(|path| path.is_file())
            .collect();
        if facts.is_empty() {
            return Err(format!(
                "{}: no facts.ndjson, facts.json or facts.csv in the folder",
                dir.display()
            ));
        }
        Ok((vec![rules], facts))
    }

    /// Builds the engine and reads every fact file into a session. Bad rules or bad facts
    /// are an error listing every problem found.
    pub(crate) fn open(&self) -> Result<Opened, String> {
        let (rules, facts) = self.files()?;
        let started = Instant::now();
        let mut builder = Engine::builder()
            .threads(self.threads)
            .backend(match self.backend {
                BackendArg::Column => Backend::Column,
                BackendArg::Row => Backend::Row,
            });
        for path in &rules {
            builder = builder.file(path);
        }
        let engine = builder.build().map_err(|error| match error {
            Error::Rules(errors) => {
                let count = errors.error_count();
                format!(
                    "{}{count} error{} in the rules; `reckon check` lists them too",
                    errors.render(color_stderr()),
                    if count == 1 { "" } else { "s" }
                )
            }
            other => other.to_string(),
        })?;
        let compile = started.elapsed();
        let started = Instant::now();
        let mut session = engine.session();
        let mut read = Vec::new();
        for path in &facts {
            read_file(&mut session, path, &mut read)?;
        }
        Ok(Opened {
            session,
            compile,
            load: started.elapsed(),
            read,
            rule_files: rules.iter().map(|p| p.display().to_string()).collect(),
            fact_files: facts.iter().map(|p| p.display().to_string()).collect(),
        })
    }
}

/// Reads one facts file into the session, every bad fact reported.
fn read_file(
    session: &mut Session,
    path: &Path,
    read: &mut Vec<(String, usize)>,
) -> Result<(), String> {
    let name = path.display().to_string();
    let options = ReadOptions::new(name.as_str()).collect_errors();
    let report = if name == "-" {
        let stdin = std::io::stdin().lock();
        session.read_with(stdin, InputFormat::Ndjson, &options)
    } else {
        let file =
            std::fs::File::open(path).map_err(|error| format!("cannot read {name}: {error}"))?;
        let input = std::io::BufReader::with_capacity(1 << 20, file);
        session.read_with(input, InputFormat::of_path(path), &options)
    };
    let report = report.map_err(|error| match error {
        Error::Facts(error) => {
            let count = error.errors.len() + error.unreported;
            format!(
                "{error}\n{count} bad fact{} in {name}; nothing was written",
                if count == 1 { "" } else { "s" }
            )
        }
        other => other.to_string(),
    })?;
    let catalog = session.engine().catalog();
    for (index, count) in report.per_type.iter().enumerate() {
        if *count == 0 {
            continue;
        }
        let fact_type = reckon::facts::FactTypeId::from_index(index).expect("types fit ids");
        let type_name = catalog.schema(fact_type).name().to_owned();
        match read.iter_mut().find(|(known, _)| *known == type_name) {
            Some((_, total)) => *total += count,
            None => read.push((type_name, *count)),
        }
    }
    Ok(())
}
