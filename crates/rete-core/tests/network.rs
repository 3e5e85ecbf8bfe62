//! The network on small programs written in the IR text form, against results worked out
//! by hand: joins, absence, accumulation, groups, truth maintenance when facts change.

use std::str::FromStr;

use reckon_fact_store::{ColumnStore, Decimal, FactTypeId, Value};
use reckon_rete_core::{RunOptions, Session};
use reckon_rule_ir::opt::{Ctx, optimize};
use reckon_rule_ir::text::parse;
use reckon_rule_ir::{Program, SourceId};

fn program(text: &str) -> Program {
    let (mut program, diagnostics) = parse(text, SourceId(0));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let errors: Vec<_> = reckon_rule_ir::check::check(&program)
        .into_iter()
        .filter(|d| d.severity() == reckon_rule_ir::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    optimize(&mut program, &Ctx::default());
    program
}

fn session(program: &Program) -> Session<ColumnStore> {
    let store = ColumnStore::new(program.catalog().unwrap());
    Session::new(program, store, RunOptions::default()).unwrap()
}

fn ty(index: usize) -> FactTypeId {
    FactTypeId::from_index(index).unwrap()
}

/// The rendered facts of the outcome whose type is `name`.
fn facts_of(session: &mut Session<ColumnStore>, name: &str) -> Vec<String> {
    let prefix = format!("{name} {{");
    session
        .run()
        .facts
        .into_iter()
        .filter(|fact| fact.starts_with(&prefix))
        .collect()
}

fn dec(text: &str) -> Option<Value> {
    Some(Value::Decimal(Decimal::from_str(text).unwrap()))
}

const PAY: &str = r#"
fact employee {
  id: int
  base_pay: decimal
}

fact bonus {
  employee_id: int
  amount: decimal
}

fact pay_summary output {
  employee_id: int
  gross: decimal
}

rule r0 "Gross pay" {
  match e: employee
  accumulate b: bonus into bonuses: decimal = sum(b.amount) default 0
    join b.employee_id == e.id
  emit pay_summary { employee_id: e.id, gross: e.base_pay + bonuses }
}
"#;

#[test]
fn an_accumulation_follows_its_facts_in_and_out() {
    let program = program(PAY);
    let mut s = session(&program);
    let (employee, bonus) = (ty(0), ty(1));
    s.insert(employee, &[Some(Value::Int(1)), dec("100")])
        .unwrap();
    s.insert(employee, &[Some(Value::Int(2)), dec("200")])
        .unwrap();
    let b1 = s
        .insert(bonus, &[Some(Value::Int(1)), dec("10.50")])
        .unwrap();
    s.insert(bonus, &[Some(Value::Int(1)), dec("5")]).unwrap();
    let outcome = s.run();
    let facts = outcome.facts.join("\n");
    assert!(
        facts.contains("pay_summary {employee_id: 1, gross: 115.50}"),
        "{outcome}"
    );
    assert!(
        facts.contains("pay_summary {employee_id: 2, gross: 200}"),
        "{outcome}"
    );
    s.retract(b1).unwrap();
    let outcome = s.run();
    let facts = outcome.facts.join("\n");
    assert!(
        facts.contains("pay_summary {employee_id: 1, gross: 105}"),
        "{outcome}"
    );
    assert_eq!(facts.matches("pay_summary").count(), 2, "{outcome}");
}

const OVERTIME: &str = r#"
fact shift {
  id: int
  employee_id: int
  hours: decimal
  long: bool derived
}

fact flagged {
  employee_id: int
}

fact exempt {
  employee_id: int
}

fact weekly {
  employee_id: int
  total: decimal
  shifts: int
}

rule r0 "Long shift" {
  match s: shift
    test s.hours > 10
  set s.long = true
}

rule r1 "Weekly total" {
  match s: shift
  group by
    key employee_id: int = s.employee_id
    aggregate total: decimal = sum(s.hours)
    aggregate shifts: int = count()
  emit weekly { employee_id: employee_id, total: total, shifts: shifts }
}

rule r2 "Flag long workers" {
  match w: weekly
  match s: shift
    join s.employee_id == w.employee_id
    test s.long == true
  no x: exempt
    join x.employee_id == w.employee_id
  emit flagged { employee_id: w.employee_id }
}
"#;

#[test]
fn derived_data_follows_every_change_and_only_the_change_does_work() {
    let program = program(OVERTIME);
    let mut s = session(&program);
    let shift = ty(0);
    let mut ids = Vec::new();
    for (id, employee, hours) in [(1, 7, "8"), (2, 7, "11.5"), (3, 8, "6"), (4, 8, "4")] {
        ids.push(
            s.insert(
                shift,
                &[
                    Some(Value::Int(id)),
                    Some(Value::Int(employee)),
                    dec(hours),
                    None,
                ],
            )
            .unwrap(),
        );
    }
    assert_eq!(
        facts_of(&mut s, "weekly"),
        [
            "weekly {employee_id: 7, total: 19.5, shifts: 2}",
            "weekly {employee_id: 8, total: 10, shifts: 2}",
        ]
    );
    // Employee 7 worked a long shift; 8 did not.
    assert_eq!(facts_of(&mut s, "flagged"), ["flagged {employee_id: 7}"]);

    // Shortening the long shift takes back the derived field, the flag, and changes the
    // weekly total in place.
    let hours = reckon_fact_store::FieldId::from_index(2).unwrap();
    s.update(ids[1], hours, dec("9")).unwrap();
    assert_eq!(facts_of(&mut s, "flagged"), Vec::<String>::new());
    assert_eq!(
        facts_of(&mut s, "weekly"),
        [
            "weekly {employee_id: 7, total: 17, shifts: 2}",
            "weekly {employee_id: 8, total: 10, shifts: 2}",
        ]
    );

    // A change to one employee's shift works on that employee's part of the network only:
    // far less than loading did.
    let before = s.activity();
    s.update(ids[3], hours, dec("12")).unwrap();
    assert_eq!(facts_of(&mut s, "flagged"), ["flagged {employee_id: 8}"]);
    let change = s.activity() - before;
    assert!(
        change < before / 2,
        "a change took {change} activations, loading {before}"
    );

    // Retracting the shift undoes everything it supported.
    s.retract(ids[3]).unwrap();
    assert_eq!(facts_of(&mut s, "flagged"), Vec::<String>::new());
    assert_eq!(
        facts_of(&mut s, "weekly"),
        [
            "weekly {employee_id: 7, total: 17, shifts: 2}",
            "weekly {employee_id: 8, total: 6, shifts: 1}",
        ]
    );
}

/// The text form of a network (`reckon compile --emit network`): counts, each type's alpha
/// tests and memories, and the beta tree with the rules through each node.
#[test]
fn the_network_prints_as_text() {
    for (name, text) in [("pay", PAY), ("overtime", OVERTIME)] {
        let program = program(text);
        let mut interner = reckon_fact_store::Interner::new();
        let network = reckon_rete_core::Network::build(&program, &mut interner).unwrap();
        insta::assert_snapshot!(name, network.text(&program, &interner));
    }
}

/// The memory a session's network holds is reported by node kind, grows with the matches
/// and shrinks when they go.
#[test]
fn memory_is_reported_by_node_kind() {
    let program = program(OVERTIME);
    let mut s = session(&program);
    let empty = s.memory_use();
    let mut ids = Vec::new();
    for id in 0..200 {
        let fields = [
            Some(Value::Int(id)),
            Some(Value::Int(id % 20)),
            dec(if id % 3 == 0 { "11" } else { "7" }),
            None,
        ];
        ids.push(s.insert(ty(0), &fields).unwrap());
    }
    s.run();
    let loaded = s.memory_use();
    assert!(loaded.alpha > empty.alpha, "{loaded}");
    for kind in ["join", "group", "not", "terminal"] {
        assert!(loaded.by_kind[kind] > 0, "{kind}: {loaded}");
    }
    for id in ids {
        s.retract(id).unwrap();
    }
    s.run();
    let emptied = s.memory_use();
    assert!(
        emptied.by_kind["group"] < loaded.by_kind["group"],
        "{emptied}"
    );
    assert!(
        emptied.by_kind["terminal"] < loaded.by_kind["terminal"],
        "{emptied}"
    );
}

const RANGE: &str = r#"
fact reading {
  sensor: int
  value: decimal
}

fact range output {
  sensor: int
  low: decimal
  high: decimal
  readings: int
  values: list<decimal>
}

rule r0 "Range" {
  match r: reading
  group by
    key sensor: int = r.sensor
    aggregate low: decimal = min(r.value)
    aggregate high: decimal = max(r.value)
    aggregate readings: int = count(r.value)
    aggregate values: list<decimal> = collect(r.value)
  emit range { sensor: sensor, low: low, high: high, readings: readings, values: values }
}
"#;

/// A group's min and max follow its members in and out: taking out the least value gives
/// the next least, without the group losing its place.
#[test]
fn group_minimum_and_maximum_follow_retraction() {
    let program = program(RANGE);
    let mut s = session(&program);
    let mut ids = Vec::new();
    for value in ["4.5", "1.25", "9", "1.25", "7"] {
        let fields = [Some(Value::Int(1)), dec(value)];
        ids.push(s.insert(ty(0), &fields).unwrap());
    }
    assert_eq!(
        facts_of(&mut s, "range"),
        ["range {sensor: 1, low: 1.25, high: 9, readings: 5, values: [1.25,1.25,4.5,7,9]}"]
    );
    s.retract(ids[1]).unwrap();
    s.retract(ids[2]).unwrap();
    assert_eq!(
        facts_of(&mut s, "range"),
        ["range {sensor: 1, low: 1.25, high: 7, readings: 3, values: [1.25,4.5,7]}"]
    );
    s.retract(ids[3]).unwrap();
    assert_eq!(
        facts_of(&mut s, "range"),
        ["range {sensor: 1, low: 4.5, high: 7, readings: 2, values: [4.5,7]}"]
    );
    let value = reckon_fact_store::FieldId::from_index(1).unwrap();
    s.update(ids[4], value, dec("0.5")).unwrap();
    assert_eq!(
        facts_of(&mut s, "range"),
        ["range {sensor: 1, low: 0.5, high: 4.5, readings: 2, values: [0.5,4.5]}"]
    );
}

const SHARES: &str = r#"
fact item {
  id: int
  team: int
  qty: decimal
  per: decimal
}

fact share output {
  team: int
  total: decimal
}

rule r0 "Shares" {
  match i: item
  group by
    key team: int = i.team
    aggregate total: decimal = sum(i.qty / i.per)
  emit share { team: team, total: total }
}
"#;

/// A change of a field only a group reads moves the match between groups, or changes its
/// value in place; an error its old value met goes with it.
#[test]
fn a_field_only_a_group_reads_regroups_its_matches() {
    let program = program(SHARES);
    let mut s = session(&program);
    let item = ty(0);
    let first = s
        .insert(
            item,
            &[Some(Value::Int(1)), Some(Value::Int(1)), dec("6"), dec("0")],
        )
        .unwrap();
    let second = s
        .insert(
            item,
            &[Some(Value::Int(2)), Some(Value::Int(1)), dec("4"), dec("2")],
        )
        .unwrap();
    s.run();
    assert_eq!(s.run_errors().0.len(), 1, "6 / 0 is an error");
    assert_eq!(facts_of(&mut s, "share"), Vec::<String>::new());

    let per = reckon_fact_store::FieldId::from_index(3).unwrap();
    s.update(first, per, dec("3")).unwrap();
    s.run();
    assert_eq!(s.run_errors().0.len(), 0, "the error went with the value");
    assert_eq!(facts_of(&mut s, "share"), ["share {team: 1, total: 4}"]);

    let team = reckon_fact_store::FieldId::from_index(1).unwrap();
    s.update(second, team, Some(Value::Int(2))).unwrap();
    s.run();
    assert_eq!(
        facts_of(&mut s, "share"),
        ["share {team: 1, total: 2}", "share {team: 2, total: 2}"]
    );
}

const PAIRS: &str = r#"
fact item {
  day: int optional
  n: int
}

rule r0 "Pairs" {
  match a: item
  match b: item
    join (b.day == a.day)
  when (a.n == (1 % b.n))
}
"#;

/// The fact's side of a join key belongs to the fact: every part is evaluated, so a part
/// that fails is an error even when an earlier part is missing and the fact joins nothing.
#[test]
fn a_join_key_part_fails_even_after_a_missing_one() {
    let program = program(PAIRS);
    let mut s = session(&program);
    s.insert(ty(0), &[None, Some(Value::Int(0))]).unwrap();
    s.run();
    let (errors, _) = s.run_errors();
    let messages: Vec<String> = errors.iter().map(|(e, _)| e.message.clone()).collect();
    assert_eq!(messages, ["division by zero"]);
}
