//! `reckon explain`: runs the rules, then says where a fact (or one field of it) came
//! from, down to input facts; or, with `--why-not RULE`, why a rule did not fire on it:
//! each condition with the partial matches it let through, the one that stopped it, and
//! the values it compared.

use clap::Args;

use crate::open::Sources;

/// Explain a fact, a field, or why a rule did not fire.
#[derive(Debug, Args)]
#[command(after_help = "\
A fact is named by its `id` field (`S001`), by `TYPE:ID` when types share ids
(`shift:S001`), or by `TYPE:N`, the Nth fact of the type in `reckon run`'s output
(`overtime:2`).

Examples:
  reckon explain examples/payroll --id overtime:1
  reckon explain examples/payroll --id S009 --field pay
  reckon explain examples/payroll --id S042 --why-not \"Shift with unknown pay code\"")]
pub(crate) struct ExplainArgs {
    #[command(flatten)]
    sources: Sources,
    /// The fact to explain.
    #[arg(long, value_name = "FACT")]
    id: String,
    /// Explain only this field of the fact.
    #[arg(long, value_name = "FIELD", conflicts_with = "why_not")]
    field: Option<String>,
    /// Say why this rule did not fire on the fact.
    #[arg(long, value_name = "RULE")]
    why_not: Option<String>,
}

pub(crate) fn run(args: &ExplainArgs) -> Result<bool, String> {
    let mut opened = args.sources.open()?;
    let session = &mut opened.session;
    session.run();
    let fact = session.find(&args.id).map_err(|error| error.to_string())?;
    let text = match (&args.why_not, &args.field) {
        (Some(rule), _) => session
            .why_not(rule, fact)
            .map_err(|error| error.to_string())?
            .to_string(),
        (None, Some(field)) => session
            .explain_field(fact, field)
            .map_err(|error| error.to_string())?
            .to_string(),
        (None, None) => session
            .explain(fact)
            .map_err(|error| error.to_string())?
            .to_string(),
    };
    print!("{text}");
    Ok(true)
}
