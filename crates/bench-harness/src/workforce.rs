//! The two fact types of the workforce workload (`employee` and `shift`, as WORKLOAD.md
//! declares them), their catalog, and one generated fact of each kind as a plain record
//! that becomes either a store row or an NDJSON line.

use std::fmt;
use std::io::{self, Write};

use reckon_fact_store::{
    Catalog, DateTime, Decimal, Interner, Schema, TextCapacityError, Value, ValueType,
};

/// The name of the employee fact type.
pub const EMPLOYEE: &str = "employee";

/// The name of the shift fact type.
pub const SHIFT: &str = "shift";

/// The number of locations, `L00` to `L49`.
pub const LOCATIONS: u8 = 50;

/// The catalog of the workload: `employee` then `shift`, every field required. Field
/// order here is the order of the rows that [`Employee::row`] and [`Shift::row`] build.
pub fn catalog() -> Catalog {
    let employee = Schema::builder(EMPLOYEE)
        .required("id", ValueType::Text)
        .required("hourly_rate", ValueType::Decimal)
        .required("weekly_ot_threshold", ValueType::Decimal)
        .required("visa", ValueType::Text)
        .required("location", ValueType::Text)
        .build()
        .expect("the employee schema has distinct, non-reserved field names");
    let shift = Schema::builder(SHIFT)
        .required("id", ValueType::Text)
        .required("employee_id", ValueType::Text)
        .required("start", ValueType::DateTime)
        .required("end", ValueType::DateTime)
        .required("break_minutes", ValueType::Int)
        .required("pay_code", ValueType::Text)
        .required("location", ValueType::Text)
        .build()
        .expect("the shift schema has distinct, non-reserved field names");
    let mut catalog = Catalog::new();
    catalog
        .add(employee)
        .expect("a fresh catalog accepts the employee type");
    catalog
        .add(shift)
        .expect("the shift type has a name of its own");
    catalog
}

/// What a shift is paid as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayCode {
    /// Ordinary hours.
    Base,
    /// Holiday hours, paid at 1.5 times the rate.
    Holiday,
    /// Training hours.
    Training,
}

impl PayCode {
    /// The code as written in facts: `base`, `holiday` or `training`.
    pub fn as_str(self) -> &'static str {
        match self {
            PayCode::Base => "base",
            PayCode::Holiday => "holiday",
            PayCode::Training => "training",
        }
    }
}

/// One generated employee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Employee {
    /// The employee's number, from 1; its id is `E` and the number in six digits.
    pub number: u64,
    /// The hourly rate in quarters of a currency unit (50 is 12.50).
    pub rate_quarters: u32,
    /// Weekly hours beyond which overtime is paid.
    pub weekly_ot_threshold: u32,
    /// True for a student visa, false for none.
    pub student_visa: bool,
    /// The home location, below [`LOCATIONS`].
    pub location: u8,
}

impl Employee {
    /// The fact's fields in schema order, with its text interned in `interner`.
    pub fn row(&self, interner: &mut Interner) -> Result<Vec<Option<Value>>, TextCapacityError> {
        Ok(vec![
            Some(text(interner, EmployeeId(self.number))?),
            Some(Value::Decimal(Decimal::new(
                i64::from(self.rate_quarters) * 25,
                2,
            ))),
            Some(Value::Decimal(Decimal::from(self.weekly_ot_threshold))),
            Some(text(interner, self.visa())?),
            Some(text(interner, Location(self.location))?),
        ])
    }

    /// Writes the fact as one NDJSON line. The rate is written from its quarters as an
    /// exact two-place decimal, the threshold as an integer.
    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            r#"{{"type":"{EMPLOYEE}","id":"{}","hourly_rate":{},"weekly_ot_threshold":{},"visa":"{}","location":"{}"}}"#,
            EmployeeId(self.number),
            Rate(self.rate_quarters),
            self.weekly_ot_threshold,
            self.visa(),
            Location(self.location),
        )
    }

    fn visa(&self) -> &'static str {
        if self.student_visa { "student" } else { "none" }
    }
}

/// One generated shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    /// The shift's number, from 1; its id is `S` and the number in eight digits.
    pub number: u64,
    /// The number of the employee who works it.
    pub employee: u64,
    /// When it starts, to the quarter hour.
    pub start: DateTime,
    /// When it ends, to the quarter hour; later than `start`.
    pub end: DateTime,
    /// The unpaid break, in minutes.
    pub break_minutes: u8,
    /// What it is paid as.
    pub pay_code: PayCode,
    /// Where it is worked, below [`LOCATIONS`].
    pub location: u8,
}

impl Shift {
    /// The fact's fields in schema order, with its text interned in `interner`.
    pub fn row(&self, interner: &mut Interner) -> Result<Vec<Option<Value>>, TextCapacityError> {
        Ok(vec![
            Some(text(interner, ShiftId(self.number))?),
            Some(text(interner, EmployeeId(self.employee))?),
            Some(Value::DateTime(self.start)),
            Some(Value::DateTime(self.end)),
            Some(Value::Int(i64::from(self.break_minutes))),
            Some(text(interner, self.pay_code.as_str())?),
            Some(text(interner, Location(self.location))?),
        ])
    }

    /// Writes the fact as one NDJSON line.
    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(
            out,
            r#"{{"type":"{SHIFT}","id":"{}","employee_id":"{}","start":"{}","end":"{}","break_minutes":{},"pay_code":"{}","location":"{}"}}"#,
            ShiftId(self.number),
            EmployeeId(self.employee),
            Timestamp(self.start),
            Timestamp(self.end),
            self.break_minutes,
            self.pay_code.as_str(),
            Location(self.location),
        )
    }
}

/// `text` interned as a text value.
fn text(interner: &mut Interner, text: impl fmt::Display) -> Result<Value, TextCapacityError> {
    interner.intern(&text.to_string()).map(Value::Text)
}

/// An employee id, `E000001`.
struct EmployeeId(u64);

impl fmt::Display for EmployeeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E{:06}", self.0)
    }
}

/// A shift id, `S00000001`.
struct ShiftId(u64);

impl fmt::Display for ShiftId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S{:08}", self.0)
    }
}

/// A location name, `L07`.
struct Location(u8);

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "L{:02}", self.0)
    }
}

/// A rate in quarters, written as an exact two-place decimal (`12.25`) built from integers,
/// so no float formatting can change its digits.
struct Rate(u32);

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 4, self.0 % 4 * 25)
    }
}

/// A wall-clock time to the second, `2025-01-06T09:15:00`, the form the reference
/// generator writes.
struct Timestamp(DateTime);

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            time.year(),
            time.month(),
            time.day(),
            time.hour(),
            time.minute(),
            time.second()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_written_exactly_from_quarters() {
        let written: Vec<String> = [50, 51, 53, 160]
            .into_iter()
            .map(|quarters| Rate(quarters).to_string())
            .collect();
        assert_eq!(written, ["12.50", "12.75", "13.25", "40.00"]);
    }

    #[test]
    fn rows_match_the_schema_width() {
        let catalog = catalog();
        let mut interner = Interner::new();
        let employee = Employee {
            number: 1,
            rate_quarters: 50,
            weekly_ot_threshold: 40,
            student_visa: false,
            location: 3,
        };
        let employee_type = catalog.id(EMPLOYEE).unwrap();
        assert_eq!(
            employee.row(&mut interner).unwrap().len(),
            catalog.schema(employee_type).fields().len()
        );
        let mut line = Vec::new();
        employee.write_json(&mut line).unwrap();
        assert_eq!(
            String::from_utf8(line).unwrap(),
            "{\"type\":\"employee\",\"id\":\"E000001\",\"hourly_rate\":12.50,\
             \"weekly_ot_threshold\":40,\"visa\":\"none\",\"location\":\"L03\"}\n"
        );
    }
}
