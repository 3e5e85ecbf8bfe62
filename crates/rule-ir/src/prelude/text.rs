//! Text built-ins: `text(x)` and `len(list or text)`.
//!
//! `text(x)` writes a value as the NDJSON writer writes it, without the quotes: decimals
//! keep their scale (`1.50`), dates `2025-01-06`, datetimes `2025-01-06T09:30:00`,
//! durations in ISO 8601 (`PT8H30M`), weeks `2025-W02`, booleans `true`/`false`, text
//! unchanged; lists and records as compact JSON. A value only knows it is a decimal, not
//! that its field is declared `money`, so `text` of a money amount shows its own places:
//! round it first (`text(round(x, 2))`) for two.
//!
//! `len` counts the elements of a list or the characters (Unicode scalar values) of text.

use reckon_fact_store::{Interner, Value};

use super::wrong_kind;
use crate::builtin::Builtin;
use crate::ops::EvalError;

/// `text(x)`; the text is interned in `interner`.
pub(super) fn text(value: &Value, interner: &mut Interner) -> Result<Value, EvalError> {
    let written = match value {
        Value::Text(_) => return Ok(value.clone()),
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Decimal(d) => d.to_string(),
        Value::Date(d) => d.to_string(),
        Value::DateTime(d) => d.to_string(),
        Value::Duration(d) => d.to_string(),
        Value::Week(w) => w.to_string(),
        Value::Record(_) | Value::List(_) => value.display(interner).to_string(),
    };
    interner
        .intern(&written)
        .map(Value::Text)
        .map_err(|_| EvalError::Overflow("text"))
}

/// `len(x)`; text is read through `interner`.
pub(super) fn len(value: &Value, interner: &Interner) -> Result<Value, EvalError> {
    let count = match value {
        Value::List(items) => items.len(),
        Value::Text(symbol) => interner.resolve(*symbol).chars().count(),
        other => return Err(wrong_kind(Builtin::Len, other)),
    };
    i64::try_from(count)
        .map(Value::Int)
        .map_err(|_| EvalError::Overflow("int"))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::sync::Arc;

    use reckon_fact_store::{Decimal, Record, SignedDuration};

    use super::*;

    fn shown(value: Value) -> String {
        let mut interner = Interner::new();
        let Ok(Value::Text(symbol)) = text(&value, &mut interner) else {
            panic!("text")
        };
        interner.resolve(symbol).to_string()
    }

    #[test]
    fn scalars_write_as_the_ndjson_writer_does() {
        assert_eq!(
            shown(Value::Decimal(Decimal::from_str("1.50").unwrap())),
            "1.50"
        );
        assert_eq!(shown(Value::Int(-42)), "-42");
        assert_eq!(shown(Value::Bool(true)), "true");
        assert_eq!(
            shown(Value::Date("2025-01-06".parse().unwrap())),
            "2025-01-06"
        );
        assert_eq!(
            shown(Value::DateTime("2025-01-06T09:30".parse().unwrap())),
            "2025-01-06T09:30:00"
        );
        assert_eq!(
            shown(Value::Duration(SignedDuration::from_mins(510))),
            "PT8H30M"
        );
        assert_eq!(shown(Value::Week("2025-W02".parse().unwrap())), "2025-W02");
    }

    #[test]
    fn text_stays_itself_and_structures_write_as_json() {
        let mut interner = Interner::new();
        let name = interner.intern("note").unwrap();
        let quoted = Value::Text(interner.intern("say \"hi\"").unwrap());
        assert_eq!(text(&quoted, &mut interner), Ok(quoted.clone()));
        let record = Value::Record(Record::new([(name, quoted)]));
        let list = Value::List(Arc::from(vec![Value::Int(1), record]));
        let Ok(Value::Text(symbol)) = text(&list, &mut interner) else {
            panic!("text")
        };
        assert_eq!(interner.resolve(symbol), r#"[1,{"note":"say \"hi\""}]"#);
    }

    #[test]
    fn len_counts_elements_and_characters() {
        let mut interner = Interner::new();
        let list = Value::List(Arc::from(vec![Value::Int(1), Value::Null, Value::Int(3)]));
        assert_eq!(len(&list, &interner), Ok(Value::Int(3)));
        assert_eq!(
            len(&Value::List(Arc::from(Vec::new())), &interner),
            Ok(Value::Int(0))
        );
        let name = Value::Text(interner.intern("Zoë Ó").unwrap());
        assert_eq!(len(&name, &interner), Ok(Value::Int(5)));
        let empty = Value::Text(interner.intern("").unwrap());
        assert_eq!(len(&empty, &interner), Ok(Value::Int(0)));
        assert_eq!(
            len(&Value::Int(3), &interner),
            Err(EvalError::Operands {
                op: "len",
                kinds: "int".into()
            })
        );
    }
}
