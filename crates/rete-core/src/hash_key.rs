//! Values as hash keys with the equality of `==`: an int and a decimal of the same value
//! are one key (`1 == 1.00`), text is its symbol (one interner per store), and `null`
//! equals only `null`. Missing has no key: a comparison with it is false, so it never
//! joins and is never indexed.

use std::cmp::Ordering;

use reckon_fact_store::{Date, DateTime, Decimal, Interner, SignedDuration, Symbol, Value, Week};

/// A join key: one part per equality of the join. Most joins have one, which stays
/// inline (no allocation per token or fact indexed).
pub(crate) type JoinKey = smallvec::SmallVec<[HashKey; 1]>;

/// A value as a hash key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum HashKey {
    Null,
    Bool(bool),
    /// Ints and decimals, normalised so that equal numbers are equal keys.
    Number(Decimal),
    Text(Symbol),
    Date(Date),
    DateTime(DateTime),
    Duration(SignedDuration),
    Week(Week),
    Record(Vec<(Symbol, HashKey)>),
    List(Vec<HashKey>),
}

impl HashKey {
    /// The key of a value; `None` for missing.
    pub(crate) fn of(value: Option<&Value>) -> Option<HashKey> {
        Some(match value? {
            Value::Null => HashKey::Null,
            Value::Bool(b) => HashKey::Bool(*b),
            Value::Int(i) => HashKey::Number(Decimal::from(*i).normalize()),
            Value::Decimal(d) => HashKey::Number(d.normalize()),
            Value::Text(t) => HashKey::Text(*t),
            Value::Date(d) => HashKey::Date(*d),
            Value::DateTime(d) => HashKey::DateTime(*d),
            Value::Duration(d) => HashKey::Duration(*d),
            Value::Week(w) => HashKey::Week(*w),
            Value::Record(r) => {
                // Records are equal field by field, whatever the order of their fields.
                let mut fields = r
                    .fields()
                    .iter()
                    .map(|(name, value)| Some((*name, HashKey::of(Some(value))?)))
                    .collect::<Option<Vec<_>>>()?;
                fields.sort_by_key(|(name, _)| *name);
                HashKey::Record(fields)
            }
            Value::List(items) => HashKey::List(
                items
                    .iter()
                    .map(|item| HashKey::of(Some(item)))
                    .collect::<Option<Vec<_>>>()?,
            ),
        })
    }
}

/// Orders two keys by content (text by its characters, numbers by value), so that an
/// order between group keys never depends on the order text was first seen in.
pub(crate) fn cmp_hash_keys(a: &HashKey, b: &HashKey, interner: &Interner) -> Ordering {
    match (a, b) {
        (HashKey::Bool(x), HashKey::Bool(y)) => x.cmp(y),
        (HashKey::Number(x), HashKey::Number(y)) => x.cmp(y),
        (HashKey::Text(x), HashKey::Text(y)) => interner.resolve(*x).cmp(interner.resolve(*y)),
        (HashKey::Date(x), HashKey::Date(y)) => x.cmp(y),
        (HashKey::DateTime(x), HashKey::DateTime(y)) => x.cmp(y),
        (HashKey::Duration(x), HashKey::Duration(y)) => x.cmp(y),
        (HashKey::Week(x), HashKey::Week(y)) => x.cmp(y),
        (HashKey::Record(x), HashKey::Record(y)) => {
            for ((xn, xv), (yn, yv)) in x.iter().zip(y) {
                let ordering = interner
                    .resolve(*xn)
                    .cmp(interner.resolve(*yn))
                    .then_with(|| cmp_hash_keys(xv, yv, interner));
                if ordering != Ordering::Equal {
                    return ordering;
                }
            }
            x.len().cmp(&y.len())
        }
        (HashKey::List(x), HashKey::List(y)) => {
            for (xv, yv) in x.iter().zip(y) {
                let ordering = cmp_hash_keys(xv, yv, interner);
                if ordering != Ordering::Equal {
                    return ordering;
                }
            }
            x.len().cmp(&y.len())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

fn rank(key: &HashKey) -> u8 {
    match key {
        HashKey::Null => 0,
        HashKey::Bool(_) => 1,
        HashKey::Number(_) => 2,
        HashKey::Text(_) => 3,
        HashKey::Date(_) => 4,
        HashKey::DateTime(_) => 5,
        HashKey::Duration(_) => 6,
        HashKey::Week(_) => 7,
        HashKey::Record(_) => 8,
        HashKey::List(_) => 9,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn equal_numbers_are_one_key_and_missing_has_none() {
        let int = HashKey::of(Some(&Value::Int(40)));
        let decimal = HashKey::of(Some(&Value::Decimal(Decimal::from_str("40.00").unwrap())));
        assert_eq!(int, decimal);
        assert_eq!(HashKey::of(None), None);
        assert_ne!(HashKey::of(Some(&Value::Null)), int);
    }
}
