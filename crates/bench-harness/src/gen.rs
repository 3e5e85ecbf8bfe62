//! The seeded, streaming generator of the workforce workload: employees, then shifts,
//! drawn from one ChaCha8 stream with the distributions of WORKLOAD.md and the reference
//! `gen_workload.py`. Facts are made one at a time, so a workload of any size can be
//! written without holding it in memory.

use std::io::{self, BufWriter, Write};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reckon_fact_store::{DateTime, SignedDuration};

use crate::workforce::{Employee, LOCATIONS, PayCode, Shift};

/// The seed every published figure uses.
pub const DEFAULT_SEED: u64 = 20_250_106;

/// Days in the period, from Monday 2025-01-06: four ISO weeks, 2025-W02 to 2025-W05.
const PERIOD_DAYS: u32 = 28;

/// The break lengths a shift can have, in minutes.
const BREAKS: [u8; 5] = [0, 15, 30, 45, 60];

/// One workload: its size and its seed. The same workload always gives the same facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    /// The number of shift facts, N.
    pub shifts: u64,
    /// The seed of the random stream.
    pub seed: u64,
}

impl Workload {
    /// `shifts` shift facts (and their employees) from the default seed.
    pub fn new(shifts: u64) -> Workload {
        Workload {
            shifts,
            seed: DEFAULT_SEED,
        }
    }

    /// The same size drawn from another seed.
    pub fn with_seed(self, seed: u64) -> Workload {
        Workload { seed, ..self }
    }

    /// The number of employee facts, E = max(1, N / 10).
    pub fn employees(&self) -> u64 {
        (self.shifts / 10).max(1)
    }

    /// The facts: every employee, then every shift.
    pub fn facts(&self) -> Facts {
        Facts {
            rng: ChaCha8Rng::seed_from_u64(self.seed),
            employees: self.employees(),
            shifts: self.shifts,
            employee_locations: Vec::new(),
            next_shift: 1,
            period_start: DateTime::new(2025, 1, 6, 0, 0, 0, 0)
                .expect("2025-01-06 is a valid date"),
        }
    }

    /// Writes the workload as NDJSON, one fact per line, employees first. Output is
    /// buffered here, so `out` can be an unbuffered file.
    pub fn write_ndjson(&self, out: impl Write) -> io::Result<()> {
        let mut out = BufWriter::with_capacity(1 << 16, out);
        for fact in self.facts() {
            match fact {
                WorkforceFact::Employee(employee) => employee.write_json(&mut out)?,
                WorkforceFact::Shift(shift) => shift.write_json(&mut out)?,
            }
        }
        out.flush()
    }
}

/// One generated fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkforceFact {
    /// An employee; all of them come before the first shift.
    Employee(Employee),
    /// A shift.
    Shift(Shift),
}

/// The facts of a workload, drawn one at a time.
///
/// The only state that grows is one byte per employee, its home location, which shifts
/// need in order to be placed there.
#[derive(Debug, Clone)]
pub struct Facts {
    rng: ChaCha8Rng,
    employees: u64,
    shifts: u64,
    /// The home location of each employee made so far; its length counts them.
    employee_locations: Vec<u8>,
    next_shift: u64,
    period_start: DateTime,
}

impl Facts {
    fn employee(&mut self) -> Employee {
        let number = self.employee_locations.len() as u64 + 1;
        let rate_quarters = self.rng.random_range(50..=160);
        let threshold_draw: f64 = self.rng.random();
        let weekly_ot_threshold = if threshold_draw < 0.8 {
            40
        } else if threshold_draw < 0.9 {
            38
        } else {
            45
        };
        let student_visa = self.rng.random::<f64>() < 0.1;
        let location = self.rng.random_range(0..LOCATIONS);
        self.employee_locations.push(location);
        Employee {
            number,
            rate_quarters,
            weekly_ot_threshold,
            student_visa,
            location,
        }
    }

    fn shift(&mut self) -> Shift {
        let number = self.next_shift;
        self.next_shift += 1;
        // The first fifth of the employees take 30% of the shifts on top of their uniform
        // share: they are the overtime candidates.
        let heavy = (self.employees / 5).max(1);
        let employee_index = if self.rng.random::<f64>() < 0.3 {
            self.rng.random_range(0..heavy)
        } else {
            self.rng.random_range(0..self.employees)
        };
        let day = i64::from(self.rng.random_range(0..PERIOD_DAYS));
        let hour = i64::from(self.rng.random_range(5..=21u8));
        let quarter = i64::from(self.rng.random_range(0..4u8));
        let start_minute = day * 24 * 60 + hour * 60 + quarter * 15;
        let duration_quarters = i64::from(self.rng.random_range(16..=48u8));
        let break_minutes = BREAKS[self.rng.random_range(0..BREAKS.len())];
        let pay_draw: f64 = self.rng.random();
        let pay_code = if pay_draw < 0.8 {
            PayCode::Base
        } else if pay_draw < 0.9 {
            PayCode::Holiday
        } else {
            PayCode::Training
        };
        let location = if self.rng.random::<f64>() < 0.7 {
            self.employee_locations[employee_index as usize]
        } else {
            self.rng.random_range(0..LOCATIONS)
        };
        Shift {
            number,
            employee: employee_index + 1,
            start: self.at_minute(start_minute),
            end: self.at_minute(start_minute + duration_quarters * 15),
            break_minutes,
            pay_code,
            location,
        }
    }

    /// The time `minutes` after the start of the period.
    fn at_minute(&self, minutes: i64) -> DateTime {
        self.period_start
            .checked_add(SignedDuration::from_mins(minutes))
            .expect("the period lies well inside the calendar")
    }
}

impl Iterator for Facts {
    type Item = WorkforceFact;

    fn next(&mut self) -> Option<WorkforceFact> {
        if (self.employee_locations.len() as u64) < self.employees {
            Some(WorkforceFact::Employee(self.employee()))
        } else if self.next_shift <= self.shifts {
            Some(WorkforceFact::Shift(self.shift()))
        } else {
            None
        }
    }
}
