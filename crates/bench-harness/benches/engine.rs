//! Criterion benchmarks of the engine's hot paths on generated workforce facts, each
//! through the public API with a program that stresses one path:
//!
//! - `alpha_dispatch`: 2,000 single-pattern rules testing location, pay code and break
//!   length; reading 10K shifts is mostly deciding which rules each one passes.
//! - `join_probe`: shifts joined to their employee by id; reading 10K shifts into a session
//!   holding 1K employees, and running.
//! - `accumulate_update`: weekly hours summed per employee; changing 1K shifts' breaks
//!   after a run over 10K, and running again.
//! - `expression_eval`: a pay formula over each shift and its employee, with a
//!   conditional and rounding, set on 10K shifts.
//!
//! The `.calc` parse and the NDJSON read are in `compile` and `fact_store`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput};
use reckon::{Engine, InputFormat, Session, Value};
use reckon_bench_harness::{WorkforceFact, Workload};

/// Shift facts per benchmark.
const SHIFTS: u64 = 10_000;

const DECLARATIONS: &str = "
fact employee {
  id: text
  hourly_rate: decimal
  weekly_ot_threshold: decimal
  visa: text
  location: text
}

fact shift {
  id: text
  employee_id: text
  start: datetime
  end: datetime
  break_minutes: int
  pay_code: text
  location: text
}
";

/// The employees and the shifts of the workload, as NDJSON.
fn facts() -> (Vec<u8>, Vec<u8>) {
    let (mut employees, mut shifts) = (Vec::new(), Vec::new());
    for fact in Workload::new(SHIFTS).facts() {
        match fact {
            WorkforceFact::Employee(e) => e.write_json(&mut employees).unwrap(),
            WorkforceFact::Shift(s) => s.write_json(&mut shifts).unwrap(),
        }
    }
    (employees, shifts)
}

fn engine(rules: &str) -> Engine {
    Engine::builder()
        .calc("bench.calc", format!("{DECLARATIONS}\n{rules}"))
        .build()
        .expect("the benchmark's rules compile")
}

fn read(session: &mut Session, bytes: &[u8]) {
    session
        .read(bytes, InputFormat::Ndjson, "facts.ndjson")
        .unwrap();
}

fn alpha_dispatch(c: &mut Criterion, shifts: &[u8]) {
    let codes = ["base", "holiday", "training"];
    let rules: String = (0..2_000)
        .map(|i| {
            format!(
                "rule \"r{i}\"\n  for each shift s where s.location == \"L{:02}\" and s.pay_code == \"{}\" and s.break_minutes > {}\n  emit hit {{ rule: \"r{i}\", shift_id: s.id }}\n\n",
                i % 50,
                codes[i % 3],
                (i % 5) * 15
            )
        })
        .collect();
    let engine = engine(&rules);
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(SHIFTS));
    group.bench_function("alpha_dispatch", |b| {
        b.iter_batched(
            || engine.session(),
            |mut session| {
                read(&mut session, black_box(shifts));
                session
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn join_probe(c: &mut Criterion, employees: &[u8], shifts: &[u8]) {
    let engine = engine(
        "rule \"Home shift\"\n  for each shift s\n  with employee e where e.id == s.employee_id and e.location == s.location\n  emit home { shift_id: s.id, employee_id: e.id }\n",
    );
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(SHIFTS));
    group.bench_function("join_probe", |b| {
        b.iter_batched(
            || {
                let mut session = engine.session();
                read(&mut session, employees);
                session
            },
            |mut session| {
                read(&mut session, black_box(shifts));
                session.run();
                session
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn accumulate_update(c: &mut Criterion, employees: &[u8], shifts: &[u8]) {
    let engine = engine(
        "rule \"Weekly hours\"\n  for each shift s\n  group by s.employee_id, iso_week(s.start) as week\n  emit weekly { employee_id, week, total: sum(hours_between(s.start, s.end) - s.break_minutes / 60) }\n",
    );
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(1_000));
    group.bench_function("accumulate_update", |b| {
        b.iter_batched(
            || {
                let mut session = engine.session();
                read(&mut session, employees);
                read(&mut session, shifts);
                session.run();
                let changed: Vec<_> = session
                    .facts_of("shift")
                    .unwrap()
                    .into_iter()
                    .step_by(10)
                    .collect();
                (session, changed)
            },
            |(mut session, changed)| {
                for (i, fact) in changed.iter().enumerate() {
                    let minutes = Value::Int(15 * (i as i64 % 4));
                    session
                        .update(*fact, "break_minutes", Some(minutes))
                        .unwrap();
                }
                session.run();
                session
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

fn expression_eval(c: &mut Criterion, employees: &[u8], shifts: &[u8]) {
    let engine = engine(
        "rule \"Pay\"\n  for each shift s\n  with employee e where e.id == s.employee_id\n  let hours = hours_between(s.start, s.end) - s.break_minutes / 60\n  set s.pay = round(hours * e.hourly_rate * (if s.pay_code == \"holiday\" then 1.5 else 1) + (if hours > 8 then (hours - 8) * e.hourly_rate * 0.25 else 0), 2)\n",
    );
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(SHIFTS));
    group.bench_function("expression_eval", |b| {
        b.iter_batched(
            || {
                let mut session = engine.session();
                read(&mut session, employees);
                read(&mut session, shifts);
                session
            },
            |mut session| {
                session.run();
                session
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

/// Runs the groups as `criterion_group!`/`criterion_main!` would; written out because the
/// function the macro generates has no doc comment and the workspace warns on that.
fn main() {
    let (employees, shifts) = facts();
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    alpha_dispatch(&mut criterion, &shifts);
    join_probe(&mut criterion, &employees, &shifts);
    accumulate_update(&mut criterion, &employees, &shifts);
    expression_eval(&mut criterion, &employees, &shifts);
    criterion.final_summary();
}
