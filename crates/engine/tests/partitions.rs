//! A session split into partitions gives exactly the results of a serial one: the
//! workforce rules (whose joins and groups all go through the employee id) over random
//! facts, in random order, with undeclared fields, after random changes between runs, on
//! two, three and five partitions.

use proptest::prelude::*;
use reckon::{Engine, InputFormat, OutputFormat, Session, Value};

const RULES: &str = include_str!("../../../examples/workforce/rules.calc");

fn engine(threads: usize) -> Engine {
    Engine::builder()
        .calc("workforce.calc", RULES)
        .threads(threads)
        .build()
        .expect("the workforce rules compile")
}

fn output(session: &Session) -> String {
    let mut out = Vec::new();
    session.write(&mut out, OutputFormat::Ndjson).unwrap();
    String::from_utf8(out).unwrap()
}

/// One employee or shift as an NDJSON line.
fn employee(id: u8, rate: u8, threshold: u8, student: bool) -> String {
    let visa = if student { "student" } else { "none" };
    format!(
        r#"{{"type":"employee","id":"E{id}","hourly_rate":{rate}.50,"weekly_ot_threshold":{threshold},"visa":"{visa}","location":"L0{}"}}"#,
        id % 3
    )
}

/// A shift starting on day `day` (from Monday 6 January) at `start` o'clock, `length` hours
/// long.
fn shift(
    index: usize,
    employee: u8,
    (day, start, length): (u8, u8, u8),
    brk: u8,
    code: u8,
    note: bool,
) -> String {
    let code = ["base", "training", "holiday"][usize::from(code % 3)];
    let end_hour = u32::from(start) + u32::from(length);
    let (end_day, end_hour) = (u32::from(day) + end_hour / 24, end_hour % 24);
    // Some shifts carry an undeclared field, which must come back as read.
    let note = if note {
        format!(r#","note":"n{index}""#)
    } else {
        String::new()
    };
    format!(
        r#"{{"type":"shift","id":"S{index:04}","employee_id":"E{employee}","start":"2025-01-{:02}T{start:02}:00:00","end":"2025-01-{:02}T{end_hour:02}:00:00","break_minutes":{brk},"pay_code":"{code}","location":"L0{}"{note}}}"#,
        6 + day,
        6 + end_day,
        employee % 3
    )
}

prop_compose! {
    fn facts()(
        employees in prop::collection::vec((1u8..40, 30u8..45, any::<bool>()), 1..8),
        shifts in prop::collection::vec((0u8..10, 0u8..14, 0u8..23, 1u8..13, 0u8..61, 0u8..3, any::<bool>()), 0..60),
    ) -> Vec<String> {
        let mut lines: Vec<String> = employees
            .iter()
            .enumerate()
            .map(|(id, (rate, threshold, student))| employee(id as u8, *rate, *threshold, *student))
            .collect();
        lines.extend(shifts.iter().enumerate().map(|(i, (e, day, start, len, brk, code, note))| {
            // Employee ids up to 9 name some employees that do not exist.
            shift(i, *e, (*day, *start, *len), *brk, *code, *note)
        }));
        lines
    }
}

fn run(threads: usize, lines: &[String]) -> Session {
    let mut session = engine(threads).session();
    session
        .read(
            lines.join("\n").as_bytes(),
            InputFormat::Ndjson,
            "facts.ndjson",
        )
        .unwrap();
    session.run();
    session
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn partitions_give_the_serial_output(lines in facts(), seed in any::<u64>()) {
        let serial = output(&run(1, &lines));
        let mut shuffled = lines.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        for threads in [2, 3, 5] {
            let session = run(threads, &shuffled);
            prop_assert_eq!(session.engine().partitions(), threads);
            prop_assert_eq!(output(&session), serial.clone(), "{} partitions", threads);
        }
    }

    #[test]
    fn changes_between_runs_follow_through_in_partitions(
        lines in facts(),
        changes in prop::collection::vec((0usize..64, 0u8..3, 1u8..12), 1..10),
    ) {
        let mut serial = run(1, &lines);
        let mut split = run(3, &lines);
        for (pick, kind, hours) in changes {
            for session in [&mut serial, &mut split] {
                let shifts = session.facts_of("shift").unwrap();
                if shifts.is_empty() {
                    continue;
                }
                let fact = shifts[pick % shifts.len()];
                match kind {
                    0 => session.retract(fact).unwrap(),
                    1 => session.update(fact, "break_minutes", Some(Value::Int(i64::from(hours) * 5))).unwrap(),
                    _ => {
                        let line = shift(900 + pick, hours % 9, (hours, 8, hours), 0, hours, false);
                        session.read(line.as_bytes(), InputFormat::Ndjson, "more").unwrap();
                    }
                }
                session.run();
            }
            prop_assert_eq!(output(&split), output(&serial));
        }
    }
}

#[test]
fn the_partition_key_cannot_be_updated() {
    let lines = [
        employee(1, 20, 40, false),
        shift(1, 1, (0, 8, 8), 30, 0, false),
    ];
    let mut session = run(2, &lines);
    let fact = session.find("S0001").unwrap();
    let id = session.text("E2").unwrap();
    let error = session.update(fact, "employee_id", Some(id)).unwrap_err();
    assert!(
        error.to_string().contains("`shift.employee_id` splits"),
        "{error}"
    );
    let training = session.text("training").unwrap();
    session.update(fact, "pay_code", Some(training)).unwrap();
    session.run();
    assert!(session.json(fact).contains(r#""pay_code":"training""#));
}

#[test]
fn explain_and_why_not_work_on_partitioned_facts() {
    let lines: Vec<String> = (0..6)
        .map(|e| employee(e, 20, 10, e % 2 == 0))
        .chain((0..30).map(|i| shift(i, (i % 6) as u8, ((i % 5) as u8, 8, 9), 30, 0, false)))
        .collect();
    let serial = run(1, &lines);
    let split = run(2, &lines);
    for reference in ["overtime:1", "overtime:3", "weekly_hours:2", "S0007"] {
        let (a, b) = (
            serial.find(reference).unwrap(),
            split.find(reference).unwrap(),
        );
        assert_eq!(serial.json(a), split.json(b));
        assert_eq!(
            serial.explain(a).unwrap(),
            split.explain(b).unwrap(),
            "{reference}"
        );
    }
    let (mut serial, mut split) = (serial, split);
    let (a, b) = (serial.find("E1").unwrap(), split.find("E1").unwrap());
    assert_eq!(
        serial.why_not("Student visa limit", a).unwrap(),
        split.why_not("Student visa limit", b).unwrap()
    );
}

#[test]
fn large_outputs_are_written_alike_in_both_formats() {
    // Enough shifts that a partitioned write formats several windows of chunks.
    let lines: Vec<String> = (0..40)
        .map(|e| employee(e, 20, 30, e % 4 == 0))
        .chain((0..12_000).map(|i| {
            let day = (i % 10) as u8;
            shift(
                i,
                (i % 40) as u8,
                (day, (i % 13) as u8, 9),
                30,
                (i % 3) as u8,
                i % 7 == 0,
            )
        }))
        .collect();
    let serial = run(1, &lines);
    let split = run(2, &lines);
    for format in [OutputFormat::Ndjson, OutputFormat::Json] {
        let write = |session: &Session| {
            let mut out = Vec::new();
            session.write(&mut out, format).unwrap();
            String::from_utf8(out).unwrap()
        };
        let (a, b) = (write(&serial), write(&split));
        assert!(a.lines().count() > 12_000, "every shift is written");
        assert_eq!(a, b, "{format:?}");
    }
}
