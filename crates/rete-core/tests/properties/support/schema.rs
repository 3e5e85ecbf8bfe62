//! The fact types of a generated program and the small value domains they draw from: ints
//! 0..5, a handful of decimals of mixed scale, four words, two booleans, five dates, and
//! short lists of ints. The domains are small so that tests, joins and groups match often.

use std::fmt::Write as _;

use reckon_fact_store::ValueType;

use super::Tape;

/// The words text values and text literals are drawn from.
pub(crate) const WORDS: [&str; 4] = ["amber", "blue", "green", "red"];

/// The decimals values and literals are drawn from, as text: equal numbers of different
/// scale (`1`, `1.0`, `1.50`) are there on purpose, since they order by scale.
pub(crate) const DECIMALS: [&str; 7] = ["0.0", "0.5", "1", "1.0", "1.5", "1.50", "2.25"];

/// The dates values and literals are drawn from.
pub(crate) const DATES: [&str; 5] = [
    "2025-01-01",
    "2025-01-02",
    "2025-01-03",
    "2025-01-04",
    "2025-01-05",
];

/// The scalar types of fields and expressions.
pub(crate) const SCALARS: [ValueType; 5] = [
    ValueType::Int,
    ValueType::Decimal,
    ValueType::Text,
    ValueType::Bool,
    ValueType::Date,
];

/// True for int and decimal.
pub(crate) fn numeric(ty: &ValueType) -> bool {
    matches!(ty, ValueType::Int | ValueType::Decimal)
}

/// True when `==` may compare values of the two types (numbers compare with numbers).
pub(crate) fn comparable(a: &ValueType, b: &ValueType) -> bool {
    a == b || numeric(a) && numeric(b)
}

/// The letter a field name starts with, so that a printed case shows each field's type.
fn letter(ty: &ValueType) -> char {
    match ty {
        ValueType::Int => 'n',
        ValueType::Decimal => 'm',
        ValueType::Text => 's',
        ValueType::Bool => 'b',
        ValueType::Date => 't',
        _ => 'l',
    }
}

/// A field of a generated fact type, with what the generator knows of who reads and
/// writes it.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// Its name: the type's letter and its position (`n0`, `s3`), `v` first when derived.
    pub(crate) name: String,
    /// Its type.
    pub(crate) ty: ValueType,
    /// Input facts may lack it.
    pub(crate) optional: bool,
    /// Its default, as a literal of the text form.
    pub(crate) default: Option<String>,
    /// Set by rules.
    pub(crate) derived: bool,
    /// Some rule reads it (so no later rule may start writing it).
    pub(crate) read: bool,
    /// The priorities of the rules that set it (a derived field).
    pub(crate) setters: Vec<i32>,
}

impl Field {
    fn new(ty: ValueType, position: usize, derived: bool) -> Field {
        let prefix = if derived { "v" } else { "" };
        Field {
            name: format!("{prefix}{}{position}", letter(&ty)),
            ty,
            optional: derived,
            default: None,
            derived,
            read: false,
            setters: Vec::new(),
        }
    }
}

/// A generated fact type: an input type, or one that rules emit.
#[derive(Debug, Clone)]
pub(crate) struct FactType {
    /// `in0`, `in1`, ... for input types; `out0`, ... for emitted ones.
    pub(crate) name: String,
    /// Facts of it come from the case's input, not from rules.
    pub(crate) input: bool,
    /// Its fields in declaration order.
    pub(crate) fields: Vec<Field>,
    /// Some rule matches it (so no later rule may start emitting it).
    pub(crate) read: bool,
}

impl FactType {
    /// Adds a field of `ty`, derived or not, and returns its position.
    pub(crate) fn add_field(&mut self, ty: ValueType, derived: bool) -> usize {
        let position = self.fields.len();
        self.fields.push(Field::new(ty, position, derived));
        position
    }

    /// The declaration in the text form.
    pub(crate) fn declaration(&self) -> String {
        let flag = if self.input { "" } else { " output" };
        let mut out = format!("fact {}{flag} {{\n", self.name);
        for field in &self.fields {
            let _ = write!(out, "  {}: {}", field.name, field.ty);
            if field.derived {
                out.push_str(" derived");
            } else if field.optional {
                out.push_str(" optional");
            }
            if let Some(default) = &field.default {
                let _ = write!(out, " default {default}");
            }
            out.push('\n');
        }
        out.push_str("}\n");
        out
    }
}

/// A literal of a scalar `ty` from its domain, as the text form writes it.
pub(crate) fn literal(tape: &mut Tape<'_>, ty: &ValueType) -> String {
    match ty {
        ValueType::Int => tape.below(5).to_string(),
        // A decimal without a point is marked, so that it does not read as an int.
        ValueType::Decimal => match *tape.pick(&DECIMALS) {
            whole if !whole.contains('.') => format!("{whole}d"),
            decimal => decimal.to_string(),
        },
        ValueType::Text => format!("\"{}\"", tape.pick(&WORDS)),
        ValueType::Bool => tape.pick(&["false", "true"]).to_string(),
        ValueType::Date => format!("d\"{}\"", tape.pick(&DATES)),
        other => unreachable!("no literal of {other} is generated"),
    }
}

/// The input types: two to four, each with two to five scalar fields (some optional, some
/// of those with a default) and, when `lists`, sometimes an optional list of ints.
pub(crate) fn inputs(tape: &mut Tape<'_>, lists: bool) -> Vec<FactType> {
    let count = 2 + tape.below(3);
    (0..count)
        .map(|index| {
            let mut fact = FactType {
                name: format!("in{index}"),
                input: true,
                fields: Vec::new(),
                read: false,
            };
            for _ in 0..2 + tape.below(4) {
                let ty = tape.pick(&SCALARS).clone();
                let position = fact.add_field(ty.clone(), false);
                let field = &mut fact.fields[position];
                let presence = tape.below(100);
                field.optional = presence >= 60;
                if presence >= 85 {
                    field.default = Some(literal(tape, &ty));
                }
            }
            if lists && tape.chance(50) {
                let position = fact.add_field(ValueType::list(ValueType::Int), false);
                fact.fields[position].optional = true;
            }
            fact
        })
        .collect()
}
