//! Values the checker accepts, computed alike by the network and the reference evaluator:
//! each program here runs through a `Session` and through `oracle::run` on the same facts,
//! and both outcomes must be the one worked out by hand from `docs/language.md`.

use reckon_fact_store::ColumnStore;
use reckon_fact_store::io::{ReadOptions, read_ndjson};
use reckon_rete_core::{RunOptions, Session, oracle};
use reckon_rule_ir::opt::{Ctx, optimize};
use reckon_rule_ir::text::parse;
use reckon_rule_ir::{Program, Severity, SourceId};

/// Parses, checks and optimises a program in the IR text form, failing on any error.
fn program(text: &str) -> Program {
    let (mut program, diagnostics) = parse(text, SourceId(0));
    let errors: Vec<String> = diagnostics
        .iter()
        .chain(&reckon_rule_ir::check::check(&program))
        .filter(|d| d.severity() == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    optimize(&mut program, &Ctx::default());
    program
}

/// A column store holding `facts` (NDJSON, each line naming its `type`).
fn store(program: &Program, facts: &str) -> ColumnStore {
    let mut store = ColumnStore::new(program.catalog().unwrap());
    let facts: String = facts
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| format!("{}\n", line.trim()))
        .collect();
    read_ndjson(facts.as_bytes(), &mut store, &ReadOptions::default()).unwrap();
    store
}

/// Runs `text` over `facts` in the network and in the oracle; both must give `expected`.
fn both_give(text: &str, facts: &str, expected: &str) {
    let program = program(text);
    let options = RunOptions::default();
    let mut reference = store(&program, facts);
    let by_oracle = oracle::run(&program, &mut reference, &options).to_string();
    let mut session = Session::new(&program, store(&program, facts), options).unwrap();
    let by_network = session.run().to_string();
    assert_eq!(by_oracle, expected, "the oracle's outcome");
    assert_eq!(by_network, expected, "the network's outcome");
}

#[test]
fn a_week_has_its_monday_and_sunday_as_start_and_end() {
    let text = r#"
fact shift {
  id: text
  start: datetime
  monday: date derived
  sunday: date derived
  same: bool derived
}

rule r0 "Monday and Sunday of the shift's week" {
  match s: shift
  let week: week = iso_week(s.start)
  set s.monday = iso_week(s.start).start
  set s.sunday = week.end
  set s.same = week.start == week_start(s.start) and week.end == week_end(week)
}
"#;
    // 2024-12-30 is the Monday of 2025-W01; 2021-01-03 the Sunday of 2020-W53.
    let facts = r#"
{"type": "shift", "id": "S1", "start": "2025-03-05T10:00:00"}
{"type": "shift", "id": "S2", "start": "2024-12-30T08:00:00"}
{"type": "shift", "id": "S3", "start": "2021-01-03T22:00:00"}
"#;
    let expected = r#"facts (3):
  shift {id: "S1", start: "2025-03-05T10:00:00", monday: "2025-03-03", sunday: "2025-03-09", same: true}
  shift {id: "S2", start: "2024-12-30T08:00:00", monday: "2024-12-30", sunday: "2025-01-05", same: true}
  shift {id: "S3", start: "2021-01-03T22:00:00", monday: "2020-12-28", sunday: "2021-01-03", same: true}
alerts (0):
errors (0):
"#;
    both_give(text, facts, expected);
}

/// The "Student visa limit in term time" example of `docs/language.md`: a week kept as a
/// group key, then compared by its `start` and `end` with the days of a term.
#[test]
fn a_week_of_a_derived_fact_meets_a_term_by_its_start_and_end() {
    let text = r#"
fact shift {
  id: text
  employee_id: text
  start: datetime
  end: datetime
}

fact term {
  name: text
  first_day: date
  last_day: date
}

fact week_hours {
  employee_id: text
  week: week
  hours: decimal
}

fact visa_breach output {
  employee_id: text
  week: week
  hours: decimal
}

rule r0 "Hours per ISO week" {
  match s: shift
  expand part: {date: date, minutes: int, hours: decimal} in split_by_day(s.start, s.end)
  group by
    key employee_id: text = s.employee_id
    key week: week = iso_week(part.date)
    aggregate hours: decimal = sum(part.hours)
  emit week_hours { employee_id: employee_id, week: week, hours: hours }
}

rule r1 "Over 20 hours in a term week" {
  match w: week_hours
    test w.hours > 20
  exists t: term
    join t.first_day <= w.week.end
    join t.last_day >= w.week.start
  emit visa_breach { employee_id: w.employee_id, week: w.week, hours: w.hours }
}
"#;
    // Term ends on Sunday 2025-03-09; the night shift of that Sunday runs into 2025-W11.
    let facts = r#"
{"type": "term", "name": "spring", "first_day": "2025-01-13", "last_day": "2025-03-09"}
{"type": "shift", "id": "a", "employee_id": "E1", "start": "2025-03-03T08:00:00", "end": "2025-03-03T20:00:00"}
{"type": "shift", "id": "b", "employee_id": "E1", "start": "2025-03-09T14:00:00", "end": "2025-03-10T02:00:00"}
{"type": "shift", "id": "c", "employee_id": "E1", "start": "2025-03-11T08:00:00", "end": "2025-03-11T23:00:00"}
{"type": "shift", "id": "d", "employee_id": "E1", "start": "2025-03-12T08:00:00", "end": "2025-03-12T16:00:00"}
"#;
    let expected = r#"facts (8):
  shift {id: "a", employee_id: "E1", start: "2025-03-03T08:00:00", end: "2025-03-03T20:00:00"}
  shift {id: "b", employee_id: "E1", start: "2025-03-09T14:00:00", end: "2025-03-10T02:00:00"}
  shift {id: "c", employee_id: "E1", start: "2025-03-11T08:00:00", end: "2025-03-11T23:00:00"}
  shift {id: "d", employee_id: "E1", start: "2025-03-12T08:00:00", end: "2025-03-12T16:00:00"}
  term {name: "spring", first_day: "2025-01-13", last_day: "2025-03-09"}
  visa_breach {employee_id: "E1", week: "2025-W10", hours: 22}
  week_hours {employee_id: "E1", week: "2025-W10", hours: 22}
  week_hours {employee_id: "E1", week: "2025-W11", hours: 25}
alerts (0):
errors (0):
"#;
    both_give(text, facts, expected);
}

/// A member of null is null and of missing is missing; through `any`, a week still has
/// its `start`, and a member it lacks is a run-time error naming the fact.
#[test]
fn members_of_null_missing_and_any_values() {
    let text = r#"
fact shift {
  id: text
  week: week optional
  anything: any derived
  monday: date derived
  any_monday: date derived
}

rule r0 "A week kept as any" {
  match s: shift
  set s.anything = s.week
}

rule r1 "Its Monday, read both ways" {
  match s: shift
  set s.monday = s.week.start
  set s.any_monday = s.anything.start
}

rule r2 "A member a week lacks" {
  match s: shift
    test s.anything.monday is null
  alert "no week"
}
"#;
    let facts = r#"
{"type": "shift", "id": "S1", "week": "2025-W10"}
{"type": "shift", "id": "S2", "week": null}
{"type": "shift", "id": "S3"}
"#;
    let expected = r#"facts (3):
  shift {id: "S1", week: "2025-W10", anything: "2025-W10", monday: "2025-03-03", any_monday: "2025-03-03"}
  shift {id: "S2", week: null, anything: null, monday: null, any_monday: null}
  shift {id: "S3"}
alerts (1):
  r2 "no week" on shift {id: "S2", week: null, anything: null, monday: null, any_monday: null}
errors (1):
  r2 at s0:388..413: `.monday` does not apply to week on shift {id: "S1", week: "2025-W10", anything: "2025-W10", monday: "2025-03-03", any_monday: "2025-03-03"}
"#;
    both_give(text, facts, expected);
}

/// `/` gives the exact quotient without trailing zeros (`30 / 60` is `0.5`), so a
/// difference keeps only the places its operands have: `6.5 - 30 / 60` is `6.0`.
#[test]
fn a_quotient_has_no_trailing_zeros() {
    let text = r#"
fact shift {
  id: text
  start: datetime
  end: datetime
  break_minutes: int
  rate: decimal
  worked: decimal derived
  length: decimal derived
  half_rate: decimal derived
  thirds: decimal derived
}

fact average output {
  hours: decimal
}

rule r0 "Quotients" {
  match s: shift
  set s.worked = 6.5 - s.break_minutes / 60
  set s.length = (s.end - s.start) / dur"PT1H"
  set s.half_rate = s.rate / 2
  set s.thirds = 100 / 3
}

rule r1 "Average worked" {
  accumulate s: shift into hours: decimal = avg(s.worked)
  emit average { hours: hours }
}
"#;
    let facts = r#"
{"type": "shift", "id": "S1", "start": "2025-03-05T09:00:00", "end": "2025-03-05T17:30:00", "break_minutes": 30, "rate": 15.00}
{"type": "shift", "id": "S2", "start": "2025-03-06T09:00:00", "end": "2025-03-06T15:45:00", "break_minutes": 90, "rate": 12.50}
"#;
    let expected = r#"facts (3):
  average {hours: 5.5}
  shift {id: "S1", start: "2025-03-05T09:00:00", end: "2025-03-05T17:30:00", break_minutes: 30, rate: 15.00, worked: 6.0, length: 8.5, half_rate: 7.5, thirds: 33.33333333333333333333333333}
  shift {id: "S2", start: "2025-03-06T09:00:00", end: "2025-03-06T15:45:00", break_minutes: 90, rate: 12.50, worked: 5.0, length: 6.75, half_rate: 6.25, thirds: 33.33333333333333333333333333}
alerts (0):
errors (0):
"#;
    both_give(text, facts, expected);
}
