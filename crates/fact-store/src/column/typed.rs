//! One typed column: the values of one declared field for every row of a fact type, in a
//! vector of the narrowest fixed-size form (symbols for text, packed integers for dates
//! and datetimes), plus marks for rows that are missing or null. The marks and the
//! sub-second parts of times are allocated only once some row needs them.

use jiff::SignedDuration;
use rust_decimal::Decimal;

use crate::bits::BitVec;
use crate::intern::Symbol;
use crate::memory::heap_bytes;
use crate::temporal::{pack_date, pack_datetime, unpack_date, unpack_datetime};
use crate::value::Value;
use crate::value_type::ValueType;
use crate::week::Week;

#[derive(Debug, Clone)]
enum Data {
    Bool(Vec<bool>),
    Int(Vec<i64>),
    Decimal(Vec<Decimal>),
    Text(Vec<Option<Symbol>>),
    Date(Vec<i32>),
    Week(Vec<i32>),
    DateTime {
        seconds: Vec<i64>,
        nanos: Option<Vec<u32>>,
    },
    Duration {
        seconds: Vec<i64>,
        nanos: Option<Vec<i32>>,
    },
    /// Records, lists and fields of type `any`.
    Values(Vec<Value>),
}

/// Which rows hold no value. `AllValues` until the first missing or null row arrives.
#[derive(Debug, Clone)]
enum Marks {
    AllValues,
    Marked { missing: BitVec, null: BitVec },
}

/// The cells of one field, one per row.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    data: Data,
    marks: Marks,
    len: usize,
}

impl Column {
    /// An empty column for values of `ty`.
    pub(crate) fn new(ty: &ValueType) -> Column {
        let data = match ty {
            ValueType::Bool => Data::Bool(Vec::new()),
            ValueType::Int => Data::Int(Vec::new()),
            ValueType::Decimal | ValueType::Money => Data::Decimal(Vec::new()),
            ValueType::Text => Data::Text(Vec::new()),
            ValueType::Date => Data::Date(Vec::new()),
            ValueType::Week => Data::Week(Vec::new()),
            ValueType::DateTime => Data::DateTime {
                seconds: Vec::new(),
                nanos: None,
            },
            ValueType::Duration => Data::Duration {
                seconds: Vec::new(),
                nanos: None,
            },
            ValueType::Any | ValueType::Record(_) | ValueType::List(_) => Data::Values(Vec::new()),
        };
        Column {
            data,
            marks: Marks::AllValues,
            len: 0,
        }
    }

    /// Appends a row. The value must already conform to the column's type.
    pub(crate) fn push(&mut self, cell: Option<&Value>) {
        self.len += 1;
        self.data.push_filler();
        if let Marks::Marked { missing, null } = &mut self.marks {
            missing.push(false);
            null.push(false);
        }
        self.set(self.len - 1, cell);
    }

    /// Overwrites row `row`. The value must already conform to the column's type.
    pub(crate) fn set(&mut self, row: usize, cell: Option<&Value>) {
        let (missing, null) = match cell {
            None => (true, false),
            Some(Value::Null) => (false, true),
            Some(_) => (false, false),
        };
        self.mark(row, missing, null);
        match cell {
            Some(value) if !null => self.data.set(row, value),
            _ => self.data.clear(row),
        }
    }

    /// The cell at `row`: `None` when missing.
    pub(crate) fn get(&self, row: usize) -> Option<Value> {
        if let Marks::Marked { missing, null } = &self.marks {
            if missing.get(row) {
                return None;
            }
            if null.get(row) {
                return Some(Value::Null);
            }
        }
        Some(self.data.get(row))
    }

    /// Drops what a retracted row holds on the heap.
    pub(crate) fn clear(&mut self, row: usize) {
        self.data.clear(row);
    }

    pub(crate) fn bytes(&self) -> usize {
        let marks = match &self.marks {
            Marks::AllValues => 0,
            Marks::Marked { missing, null } => missing.bytes() + null.bytes(),
        };
        self.data.bytes() + marks
    }

    pub(crate) fn shrink_to_fit(&mut self) {
        self.data.shrink_to_fit();
        if let Marks::Marked { missing, null } = &mut self.marks {
            missing.shrink_to_fit();
            null.shrink_to_fit();
        }
    }

    fn mark(&mut self, row: usize, missing: bool, null: bool) {
        if let Marks::AllValues = self.marks {
            if !missing && !null {
                return;
            }
            self.marks = Marks::Marked {
                missing: BitVec::zeros(self.len),
                null: BitVec::zeros(self.len),
            };
        }
        if let Marks::Marked {
            missing: missing_bits,
            null: null_bits,
        } = &mut self.marks
        {
            missing_bits.set(row, missing);
            null_bits.set(row, null);
        }
    }
}

impl Data {
    fn push_filler(&mut self) {
        match self {
            Data::Bool(v) => v.push(false),
            Data::Int(v) => v.push(0),
            Data::Decimal(v) => v.push(Decimal::ZERO),
            Data::Text(v) => v.push(None),
            Data::Date(v) | Data::Week(v) => v.push(0),
            Data::DateTime { seconds, nanos } => {
                seconds.push(0);
                if let Some(nanos) = nanos {
                    nanos.push(0);
                }
            }
            Data::Duration { seconds, nanos } => {
                seconds.push(0);
                if let Some(nanos) = nanos {
                    nanos.push(0);
                }
            }
            Data::Values(v) => v.push(Value::Null),
        }
    }

    fn set(&mut self, row: usize, value: &Value) {
        match (self, value) {
            (Data::Bool(v), Value::Bool(b)) => v[row] = *b,
            (Data::Int(v), Value::Int(i)) => v[row] = *i,
            (Data::Decimal(v), Value::Decimal(d)) => v[row] = *d,
            (Data::Text(v), Value::Text(s)) => v[row] = Some(*s),
            (Data::Date(v), Value::Date(d)) => v[row] = pack_date(*d),
            (Data::Week(v), Value::Week(w)) => v[row] = w.pack(),
            (Data::DateTime { seconds, nanos }, Value::DateTime(dt)) => {
                let (whole, fraction) = pack_datetime(*dt);
                seconds[row] = whole;
                set_fraction(nanos, seconds.len(), row, fraction);
            }
            (Data::Duration { seconds, nanos }, Value::Duration(d)) => {
                seconds[row] = d.as_secs();
                set_fraction(nanos, seconds.len(), row, d.subsec_nanos());
            }
            (Data::Values(v), value) => v[row] = value.clone(),
            (data, value) => unreachable!(
                "stores admit values before storing them: {} in {data:?}",
                value.kind_name()
            ),
        }
    }

    fn get(&self, row: usize) -> Value {
        match self {
            Data::Bool(v) => Value::Bool(v[row]),
            Data::Int(v) => Value::Int(v[row]),
            Data::Decimal(v) => Value::Decimal(v[row]),
            Data::Text(v) => {
                Value::Text(v[row].expect("a text cell marked as holding a value has a symbol"))
            }
            Data::Date(v) => Value::Date(unpack_date(v[row])),
            Data::Week(v) => Value::Week(Week::unpack(v[row])),
            Data::DateTime { seconds, nanos } => Value::DateTime(unpack_datetime(
                seconds[row],
                nanos.as_ref().map_or(0, |n| n[row]),
            )),
            Data::Duration { seconds, nanos } => Value::Duration(SignedDuration::new(
                seconds[row],
                nanos.as_ref().map_or(0, |n| n[row]),
            )),
            Data::Values(v) => v[row].clone(),
        }
    }

    fn clear(&mut self, row: usize) {
        match self {
            Data::Text(v) => v[row] = None,
            Data::Values(v) => v[row] = Value::Null,
            _ => {}
        }
    }

    fn bytes(&self) -> usize {
        fn cap<T>(v: &Vec<T>) -> usize {
            v.capacity() * size_of::<T>()
        }
        match self {
            Data::Bool(v) => cap(v),
            Data::Int(v) => cap(v),
            Data::Decimal(v) => cap(v),
            Data::Text(v) => cap(v),
            Data::Date(v) | Data::Week(v) => cap(v),
            Data::DateTime { seconds, nanos } => cap(seconds) + nanos.as_ref().map_or(0, cap),
            Data::Duration { seconds, nanos } => cap(seconds) + nanos.as_ref().map_or(0, cap),
            Data::Values(v) => cap(v) + v.iter().map(heap_bytes).sum::<usize>(),
        }
    }

    fn shrink_to_fit(&mut self) {
        match self {
            Data::Bool(v) => v.shrink_to_fit(),
            Data::Int(v) => v.shrink_to_fit(),
            Data::Decimal(v) => v.shrink_to_fit(),
            Data::Text(v) => v.shrink_to_fit(),
            Data::Date(v) | Data::Week(v) => v.shrink_to_fit(),
            Data::DateTime { seconds, nanos } => {
                seconds.shrink_to_fit();
                nanos.iter_mut().for_each(Vec::shrink_to_fit);
            }
            Data::Duration { seconds, nanos } => {
                seconds.shrink_to_fit();
                nanos.iter_mut().for_each(Vec::shrink_to_fit);
            }
            Data::Values(v) => v.shrink_to_fit(),
        }
    }
}

/// Stores a sub-second part, allocating the fraction vector the first time one is not zero.
fn set_fraction<T: Copy + Default + PartialEq>(
    fractions: &mut Option<Vec<T>>,
    len: usize,
    row: usize,
    value: T,
) {
    match fractions {
        Some(fractions) => fractions[row] = value,
        None if value == T::default() => {}
        None => {
            let mut all = vec![T::default(); len];
            all[row] = value;
            *fractions = Some(all);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_missing_null_and_values_apart() {
        let mut column = Column::new(&ValueType::Int);
        column.push(Some(&Value::Int(7)));
        column.push(None);
        column.push(Some(&Value::Null));
        column.push(Some(&Value::Int(-1)));
        assert_eq!(column.get(0), Some(Value::Int(7)));
        assert_eq!(column.get(1), None);
        assert_eq!(column.get(2), Some(Value::Null));
        assert_eq!(column.get(3), Some(Value::Int(-1)));
        column.set(1, Some(&Value::Int(3)));
        column.set(0, None);
        assert_eq!(column.get(1), Some(Value::Int(3)));
        assert_eq!(column.get(0), None);
    }

    #[test]
    fn sub_second_parts_appear_only_when_needed() {
        let mut column = Column::new(&ValueType::DateTime);
        let whole: jiff::civil::DateTime = "2025-01-06T09:00:00".parse().unwrap();
        let fine: jiff::civil::DateTime = "2025-01-06T09:00:00.000000001".parse().unwrap();
        column.push(Some(&Value::DateTime(whole)));
        let before = column.bytes();
        column.push(Some(&Value::DateTime(fine)));
        assert!(column.bytes() > before);
        assert_eq!(column.get(0), Some(Value::DateTime(whole)));
        assert_eq!(column.get(1), Some(Value::DateTime(fine)));

        let mut durations = Column::new(&ValueType::Duration);
        let negative = SignedDuration::new(-5, -250_000_000);
        durations.push(Some(&Value::Duration(SignedDuration::from_hours(8))));
        durations.push(Some(&Value::Duration(negative)));
        assert_eq!(durations.get(1), Some(Value::Duration(negative)));
        assert_eq!(
            durations.get(0),
            Some(Value::Duration(SignedDuration::from_hours(8)))
        );
    }
}
