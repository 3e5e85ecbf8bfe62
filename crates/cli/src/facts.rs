//! `reckon facts`: reads NDJSON fact files, infers each fact type's fields from the data,
//! loads every fact into the columnar store, and summarises what was read — facts per type,
//! the inferred fields (a draft of the `fact` declarations), and the memory the store uses.

use std::fmt::Write as _;
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use reckon::facts::io::{ReadOptions, infer_ndjson, read_ndjson};
use reckon::facts::{Catalog, ColumnStore, FactStore, MemoryUsage, Presence};

use crate::inputs::read_bytes;

/// Summarise NDJSON fact files: facts per type, inferred fields, memory per fact.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  reckon facts examples/workforce/facts.ndjson
  reckon facts --format json shifts.ndjson employees.ndjson
  cat facts.ndjson | reckon facts -")]
pub(crate) struct FactsArgs {
    /// NDJSON files, one fact per line with a \"type\" field; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A table for people.
    Table,
    /// One JSON object for programs.
    Json,
}

struct Summary {
    catalog: Arc<Catalog>,
    facts: Vec<usize>,
    memory: MemoryUsage,
    load_time: Duration,
}

pub(crate) fn run(args: &FactsArgs) -> Result<(), String> {
    let inputs: Vec<(String, Vec<u8>)> = args
        .files
        .iter()
        .map(|file| Ok((file.clone(), read_bytes(file)?)))
        .collect::<Result<_, String>>()?;
    // Each file is inferred alone first, so that an error names the right file and line;
    // then all of them together, read as one stream, give the catalog.
    for (name, bytes) in &inputs {
        infer_ndjson(&bytes[..], name).map_err(|error| error.to_string())?;
    }
    let all = inputs.iter().fold(
        Box::new(std::io::empty()) as Box<dyn Read + '_>,
        |all, (_, bytes)| Box::new(all.chain(&bytes[..]).chain(&b"\n"[..])),
    );
    let catalog = Arc::new(infer_ndjson(all, "input").map_err(|error| error.to_string())?);
    let mut store = ColumnStore::new(Arc::clone(&catalog));
    let mut facts = vec![0; catalog.len()];
    let started = Instant::now();
    for (name, bytes) in &inputs {
        let report = read_ndjson(
            &bytes[..],
            &mut store,
            &ReadOptions::new(name.as_str()).collect_errors(),
        )
        .map_err(|error| error.to_string())?;
        for (total, read) in facts.iter_mut().zip(&report.per_type) {
            *total += read;
        }
    }
    let load_time = started.elapsed();
    store.shrink_to_fit();
    let summary = Summary {
        catalog,
        facts,
        memory: store.memory(),
        load_time,
    };
    let output = match args.format {
        Format::Table => table(&summary, &args.files),
        Format::Json => json(&summary, &args.files),
    };
    print!("{output}");
    Ok(())
}

fn table(summary: &Summary, files: &[String]) -> String {
    let total: usize = summary.facts.iter().sum();
    let seconds = summary.load_time.as_secs_f64();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} facts loaded in {:.1} ms ({} facts/s)\n",
        files.join(", "),
        thousands(total),
        seconds * 1000.0,
        thousands(if seconds > 0.0 {
            (total as f64 / seconds) as usize
        } else {
            0
        })
    );
    let _ = writeln!(
        out,
        "{:<20} {:>12} {:>8} {:>12}",
        "fact type", "facts", "fields", "bytes/fact"
    );
    for (fact_type, schema) in summary.catalog.iter() {
        let memory = summary.memory.of(fact_type).expect("one entry per type");
        let _ = writeln!(
            out,
            "{:<20} {:>12} {:>8} {:>12.1}",
            schema.name(),
            thousands(summary.facts[fact_type.index()]),
            schema.fields().len(),
            memory.per_fact()
        );
    }
    let _ = writeln!(
        out,
        "\ndistinct text: {} bytes, plus {} bytes of index\n",
        thousands(summary.memory.text_bytes),
        thousands(summary.memory.text_index_bytes)
    );
    out.push_str("Fields inferred from the data:\n");
    for (_, schema) in summary.catalog.iter() {
        let _ = writeln!(out, "\nfact {} {{", schema.name());
        let width = schema
            .fields()
            .iter()
            .map(|field| field.name.len())
            .max()
            .unwrap_or(0);
        for field in schema.fields() {
            let note = if field.presence == Presence::Optional {
                "   (optional: missing or null in some facts)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {:<width$}  {}{note}",
                format!("{}:", field.name),
                field.ty,
                width = width + 1
            );
        }
        out.push_str("}\n");
    }
    out
}

fn json(summary: &Summary, files: &[String]) -> String {
    let types: Vec<serde_json::Value> = summary
        .catalog
        .iter()
        .map(|(fact_type, schema)| {
            let memory = summary.memory.of(fact_type).expect("one entry per type");
            serde_json::json!({
                "name": schema.name(),
                "facts": summary.facts[fact_type.index()],
                "bytes_per_fact": memory.per_fact(),
                "fields": schema.fields().iter().map(|field| serde_json::json!({
                    "name": field.name,
                    "type": field.ty.to_string(),
                    "required": field.presence == Presence::Required,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let document = serde_json::json!({
        "files": files,
        "facts": summary.facts.iter().sum::<usize>(),
        "load_seconds": summary.load_time.as_secs_f64(),
        "types": types,
        "text_bytes": summary.memory.text_bytes,
        "text_index_bytes": summary.memory.text_index_bytes,
    });
    format!("{document}\n")
}

/// `1234567` as `1,234,567`.
fn thousands(n: usize) -> String {
    crate::summary::thousands(n as u64)
}
