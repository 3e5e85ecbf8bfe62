//! The workforce workload (WORKLOAD.md) as a batch Datalog program: reads the facts
//! (NDJSON, as `gen_workload.py` or Reckon's generator writes them), runs the rules to
//! their fixpoint, and prints the checksums in the line `reference.py` prints.
//!
//! Amounts are exact integers: hours in quarter hours, rates in quarters, pay and premium
//! in 1/32 units. Times are minutes from Monday 2025-01-06, the workload's first day, so
//! the ISO week of a start is 2 + minutes / 10080 over its four weeks.

use std::io::BufRead;

use serde::Deserialize;

mod rules;

#[derive(Deserialize)]
struct Line {
    #[serde(rename = "type")]
    kind: String,
    id: String,
    hourly_rate: Option<f64>,
    weekly_ot_threshold: Option<i64>,
    visa: Option<String>,
    employee_id: Option<String>,
    start: Option<String>,
    end: Option<String>,
    break_minutes: Option<i64>,
    pay_code: Option<String>,
    location: Option<String>,
}

/// The number in an id such as `E000123` or `S00000042`.
fn number(id: &str) -> u32 {
    id[1..].parse().expect("ids are a letter and digits")
}

/// Minutes from 2025-01-06T00:00 of `YYYY-MM-DDTHH:MM:SS`.
fn minutes(at: &str) -> i64 {
    let field = |range: std::ops::Range<usize>| -> i64 { at[range].parse().expect("a datetime") };
    let (year, month, day) = (field(0..4), field(5..7), field(8..10));
    let (hour, minute) = (field(11..13), field(14..16));
    (days_from_civil(year, month, day) - days_from_civil(2025, 1, 6)) * 1440 + hour * 60 + minute
}

/// Days from 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: workforce-ascent FACTS.ndjson");
    let file = std::fs::File::open(&path).expect("the facts file opens");
    let mut program = rules::Workforce::default();
    for line in std::io::BufReader::with_capacity(1 << 20, file).lines() {
        let line = line.expect("the facts file reads");
        let fact: Line = serde_json::from_str(&line).expect("a fact");
        match fact.kind.as_str() {
            "employee" => program.employee.push((
                number(&fact.id),
                (fact.hourly_rate.expect("a rate") * 4.0).round() as i64,
                fact.weekly_ot_threshold.expect("a threshold"),
                fact.visa.as_deref() == Some("student"),
            )),
            "shift" => {
                let code = match fact.pay_code.as_deref() {
                    Some("base") => 0u8,
                    Some("holiday") => 1,
                    _ => 2,
                };
                let location: u8 = fact.location.expect("a location")[1..].parse().expect("L and two digits");
                program.shift.push((
                    number(&fact.id),
                    number(&fact.employee_id.expect("an employee")),
                    minutes(&fact.start.expect("a start")),
                    minutes(&fact.end.expect("an end")),
                    fact.break_minutes.expect("a break"),
                    code,
                    location,
                ));
            }
            other => panic!("unknown fact type {other}"),
        }
    }
    program.run();
    let cents = |thirty_seconds: i64| (i128::from(thirty_seconds) * 100 + 16).div_euclid(32);
    let pay: i64 = program.pay.iter().map(|(_, p)| p).sum();
    let premium: i64 = program.overtime.iter().map(|(_, _, _, p)| p).sum();
    println!(
        "CHECKSUM shifts={} total_pay_cents={} weekly_totals={} overtime_records={} \
         overtime_premium_cents={} violations_R5={} violations_R6={} filler_matches={}",
        program.shift.len(),
        cents(pay),
        program.weekly_hours.len(),
        program.overtime.len(),
        cents(premium),
        program.violation_r5.len(),
        program.violation_r6.len(),
        program.filler_match.len()
    );
}
