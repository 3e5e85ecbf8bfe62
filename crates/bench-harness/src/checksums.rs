//! The workload's checksums (WORKLOAD.md), two ways: computed straight from the
//! generator's facts in exact integer arithmetic (no rules engine, as the reference's
//! `reference.py` does), and read from what a Reckon session derived. A bench run that
//! finds them different fails.
//!
//! Rates are whole quarters of a currency unit and hours whole quarter hours, so every
//! amount is a whole number of 1/32 units: pay is `quarter_hours × rate_quarters / 16`
//! (× 3/2 on a holiday) and a premium `(quarter_hours − 4 × threshold) × rate_quarters /
//! 32`.

use std::collections::HashMap;
use std::fmt;

use reckon::facts::Decimal;

use crate::r#gen::{WorkforceFact, Workload};
use crate::rules::fillers;
use crate::workforce::PayCode;

/// The checksums of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Checksums {
    /// Shift facts.
    pub shifts: u64,
    /// The sum of every shift's pay, in cents, rounded half up once at the end.
    pub total_pay_cents: i128,
    /// `weekly_hours` facts.
    pub weekly_totals: u64,
    /// `overtime` facts.
    pub overtime_records: u64,
    /// The sum of overtime premiums, in cents, rounded half up once at the end.
    pub overtime_premium_cents: i128,
    /// Student visa violations (R5).
    pub violations_r5: u64,
    /// Break violations (R6).
    pub violations_r6: u64,
    /// `filler_match` facts.
    pub filler_matches: u64,
}

impl fmt::Display for Checksums {
    /// The line `reference.py` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CHECKSUM shifts={} total_pay_cents={} weekly_totals={} overtime_records={} \
             overtime_premium_cents={} violations_R5={} violations_R6={} filler_matches={}",
            self.shifts,
            self.total_pay_cents,
            self.weekly_totals,
            self.overtime_records,
            self.overtime_premium_cents,
            self.violations_r5,
            self.violations_r6,
            self.filler_matches
        )
    }
}

/// Cents of an amount in 1/32 units, half up (amounts are never negative).
fn cents_of_32nds(amount: i128) -> i128 {
    (amount * 100 + 16).div_euclid(32)
}

/// The checksums of `workload` under `k` rules, from its facts alone.
pub fn expected(workload: &Workload, k: usize) -> Checksums {
    let mut thresholds: HashMap<(u8, &'static str), Vec<u32>> = HashMap::new();
    for (location, pay_code, hours) in fillers(k) {
        thresholds
            .entry((location, pay_code))
            .or_default()
            .push(hours);
    }
    // Per employee: rate in quarters, threshold in hours, student visa.
    let mut employees: Vec<(i128, i128, bool)> = Vec::new();
    let mut weekly: HashMap<(u64, i16, i8), i128> = HashMap::new();
    let mut sums = Checksums::default();
    let mut pay_32nds = 0i128;
    for fact in workload.facts() {
        match fact {
            WorkforceFact::Employee(e) => employees.push((
                i128::from(e.rate_quarters),
                i128::from(e.weekly_ot_threshold),
                e.student_visa,
            )),
            WorkforceFact::Shift(s) => {
                sums.shifts += 1;
                let minutes = s.end.duration_since(s.start).as_secs() / 60;
                let quarter_hours = i128::from(minutes / 15 - i64::from(s.break_minutes) / 15);
                let (rate, _, _) = employees[(s.employee - 1) as usize];
                let holiday = s.pay_code == PayCode::Holiday;
                pay_32nds += quarter_hours * rate * if holiday { 3 } else { 2 };
                if matches!(s.pay_code, PayCode::Base | PayCode::Training) {
                    let week = s.start.date().iso_week_date();
                    *weekly
                        .entry((s.employee, week.year(), week.week()))
                        .or_default() += quarter_hours;
                }
                if quarter_hours > 24 && s.break_minutes < 30 {
                    sums.violations_r6 += 1;
                }
                if let Some(list) = thresholds.get(&(s.location, s.pay_code.as_str())) {
                    let over = list.iter().filter(|t| i128::from(**t) * 4 < quarter_hours);
                    sums.filler_matches += over.count() as u64;
                }
            }
        }
    }
    sums.total_pay_cents = cents_of_32nds(pay_32nds);
    sums.weekly_totals = weekly.len() as u64;
    let mut premium_32nds = 0i128;
    for ((employee, _, _), quarter_hours) in &weekly {
        let (rate, threshold, student) = employees[(*employee - 1) as usize];
        if *quarter_hours > threshold * 4 {
            sums.overtime_records += 1;
            premium_32nds += (quarter_hours - threshold * 4) * rate;
        }
        if student && *quarter_hours > 80 {
            sums.violations_r5 += 1;
        }
    }
    sums.overtime_premium_cents = cents_of_32nds(premium_32nds);
    sums
}

/// The checksums of what a session derived, after its run.
pub fn of_session(session: &reckon::Session) -> Result<Checksums, String> {
    let facts = |fact_type: &str| session.facts_of(fact_type).map_err(|e| e.to_string());
    let decimal = |fact, field: &str| -> Result<Decimal, String> {
        let text = session
            .field(fact, field)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("a fact has no `{field}`: {}", session.json(fact)))?;
        text.parse::<Decimal>()
            .map_err(|e| format!("`{field}` is {text}: {e}"))
    };
    // Half up, once, at the end; `floor` leaves no fraction, so the mantissa over
    // 10^scale is exact.
    let cents = |total: Decimal| -> i128 {
        let cents = (total * Decimal::from(100) + Decimal::new(5, 1)).floor();
        cents.mantissa() / 10i128.pow(cents.scale())
    };
    let shifts = facts("shift")?;
    let mut pay = Decimal::ZERO;
    for shift in &shifts {
        pay += decimal(*shift, "pay")?;
    }
    let overtime = facts("overtime")?;
    let mut premium = Decimal::ZERO;
    for record in &overtime {
        premium += decimal(*record, "premium")?;
    }
    let (mut r5, mut r6) = (0, 0);
    for violation in facts("violation")? {
        match session
            .field(violation, "rule")
            .map_err(|e| e.to_string())?
            .as_deref()
        {
            Some("\"student_visa_limit\"") => r5 += 1,
            Some("\"break_rule\"") => r6 += 1,
            other => return Err(format!("a violation of an unknown rule: {other:?}")),
        }
    }
    Ok(Checksums {
        shifts: shifts.len() as u64,
        total_pay_cents: cents(pay),
        weekly_totals: facts("weekly_hours")?.len() as u64,
        overtime_records: overtime.len() as u64,
        overtime_premium_cents: cents(premium),
        violations_r5: r5,
        violations_r6: r6,
        filler_matches: facts("filler_match")?.len() as u64,
    })
}
