//! Criterion benchmarks of the front end on the workforce program at 2,000 rules: the six
//! core rules of `examples/workforce/rules.calc` and generated filler rules, some of them
//! with joins and groups. It times parsing alone, `compile` (parse, lower and check), and
//! `compile` followed by every optimisation pass.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use reckon::ir::opt::{Ctx, optimize};
use reckon::rules::calc::parser::parse;
use reckon::rules::source::SourceMap;
use reckon::rules::{Input, compile};

/// Rules in the program: the six core rules and the filler rules.
const RULES: usize = 2_000;

/// The core rules, with the declarations they need, as the example writes them.
const WORKFORCE: &str = include_str!("../../../examples/workforce/rules.calc");

/// The pay codes that filler rules test, in turn.
const PAY_CODES: [&str; 3] = ["base", "holiday", "training"];

/// The workforce program with `rules` rules as `.calc` text. Filler rule `i` tests
/// location, pay code and hours as WORKLOAD.md defines; every 10th also joins the shift's
/// employee, and every 25th instead groups its shifts by employee and week, so that not
/// every rule is alike.
fn program(rules: usize) -> String {
    // The example ends with filler rules of its own; the generated ones replace them.
    let core = WORKFORCE
        .find("rule \"filler_")
        .map_or(WORKFORCE, |end| &WORKFORCE[..end]);
    let mut text = String::from(core);
    text.push_str(
        "output filler_total {\n  rule: text\n  employee_id: text\n  week: week\n  \
         total: decimal\n}\n",
    );
    for i in 0..rules.saturating_sub(6) {
        let location = format!("L{:02}", i % 50);
        let pay_code = PAY_CODES[i % 3];
        let hours = i % 8;
        let tests = format!(
            "s.location == \"{location}\" and s.pay_code == \"{pay_code}\" and s.hours > {hours}"
        );
        let rule = if i % 25 == 24 {
            format!(
                "rule \"filler_{i}\"\n  for each shift s where {tests}\n  \
                 group by s.employee_id, iso_week(s.start) as week\n  \
                 let total = sum(s.hours)\n  when total > {}\n  \
                 emit filler_total {{ rule: \"filler_{i}\", employee_id, week, total }}\n",
                20 + i % 20
            )
        } else if i % 10 == 9 {
            format!(
                "rule \"filler_{i}\"\n  for each shift s where {tests}\n  \
                 with employee e where e.id == s.employee_id and e.visa == \"student\"\n  \
                 emit filler_match {{ rule: \"filler_{i}\", shift_id: s.id }}\n"
            )
        } else {
            format!(
                "rule \"filler_{i}\"\n  for each shift s where {tests}\n  \
                 emit filler_match {{ rule: \"filler_{i}\", shift_id: s.id }}\n"
            )
        };
        writeln!(text, "{rule}").expect("writing to a string cannot fail");
    }
    text
}

/// The generated program, checked once to compile cleanly to `RULES` rules, so that the
/// benchmarks time the whole pipeline and not an early stop at an error.
fn checked_program() -> String {
    let text = program(RULES);
    let compiled = compile(&[Input::calc("workforce.calc", text.as_str())]);
    let diagnostics: Vec<String> = compiled
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        diagnostics.is_empty(),
        "the generated program has diagnostics: {diagnostics:#?}"
    );
    assert_eq!(compiled.program.rules.len(), RULES);
    text
}

fn front_end(c: &mut Criterion) {
    let text = checked_program();
    let mut group = c.benchmark_group("compile");
    group.throughput(Throughput::Elements(RULES as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            let mut sources = SourceMap::new();
            let id = sources.add("workforce.calc", text.as_str());
            parse(black_box(&text), id)
        });
    });
    group.bench_function("parse_lower_check", |b| {
        b.iter(|| compile(&[Input::calc("workforce.calc", black_box(text.as_str()))]));
    });
    group.bench_function("parse_lower_check_optimize", |b| {
        b.iter(|| {
            let mut compiled = compile(&[Input::calc("workforce.calc", black_box(text.as_str()))]);
            optimize(&mut compiled.program, &Ctx::default());
            compiled
        });
    });
    group.finish();
}

/// Runs the group as `criterion_group!`/`criterion_main!` would; written out because the
/// function the macro generates has no doc comment and the workspace warns on that.
fn main() {
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    front_end(&mut criterion);
    criterion.final_summary();
}
