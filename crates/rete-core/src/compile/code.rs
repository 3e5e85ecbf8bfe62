//! Compiled expressions: the IR's expression trees with every name resolved to a frame
//! position, every literal turned into a value of the store's interner, and every default
//! attached to its field read, so that evaluation does no lookups by name or id.

use reckon_fact_store::{FactId, FieldId, Symbol, Value};
use reckon_rule_ir::ops::Cell;
use reckon_rule_ir::{AggOp, BinaryOp, Builtin, UnaryOp};

/// One position of a frame: what a rule has bound at that point of its match.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Slot {
    /// A fact.
    Fact(FactId),
    /// A value: a list element, a `let`, an accumulation's result, a group key or
    /// aggregate.
    Value(Cell),
}

/// A compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Code {
    /// A constant.
    Const(Cell),
    /// A field of the fact at a frame position; `default` when the fact lacks it.
    Field {
        /// The frame position.
        slot: u16,
        /// The field.
        field: FieldId,
        /// The declared default.
        default: Option<Value>,
    },
    /// The value at a frame position.
    Slot(u16),
    /// A comprehension variable or a calculator parameter: a position of the local stack,
    /// counted from the innermost calculator call's base.
    Local(u16),
    /// A member of a record or a week (`ops::member`).
    Member(Box<Code>, Symbol),
    /// A prefix operator.
    Unary(UnaryOp, Box<Code>),
    /// An infix operator other than `and` and `or`.
    Binary(BinaryOp, Box<Code>, Box<Code>),
    /// `and`, which does not evaluate its right side when the left does not hold.
    And(Box<Code>, Box<Code>),
    /// `or`, which does not evaluate its right side when the left holds.
    Or(Box<Code>, Box<Code>),
    /// `x in [...]`.
    In(Box<Code>, Vec<Code>),
    /// `if`, which evaluates only the branch it takes.
    If(Box<Code>, Box<Code>, Box<Code>),
    /// A built-in function.
    Builtin(Builtin, Vec<Code>),
    /// A calculator: its index in the compiled program's calculators.
    Calc(u32, Vec<Code>),
    /// A list.
    List(Vec<Code>),
    /// A record.
    Record(Vec<(Symbol, Code)>),
    /// Text with values spliced in.
    Template(Vec<Part>),
    /// An aggregate over the elements of a list.
    Comprehension(Box<Comprehension>),
    /// A member's share of a group's amount, evaluated by the per-member emit.
    Allocate {
        /// The amount, the same for the whole group.
        amount: Box<Code>,
        /// The member's weight.
        weight: Box<Code>,
        /// The member's tie key.
        tie: Box<Code>,
    },
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    /// Literal text.
    Text(String),
    /// A value, written as `text(...)` writes it.
    Value(Code),
}

/// `op(value for local in source where filter, default d)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Comprehension {
    /// How values combine.
    pub(crate) op: AggOp,
    /// The local position the element is bound to.
    pub(crate) local: u16,
    /// The list.
    pub(crate) source: Code,
    /// Which elements count.
    pub(crate) filter: Option<Code>,
    /// What each element contributes.
    pub(crate) value: Option<Code>,
    /// The result when nothing counts.
    pub(crate) default: Option<Code>,
}

/// A compiled calculator.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CalcCode {
    /// How many locals a call needs (parameters first, then comprehension variables).
    pub(crate) locals: u16,
    /// The body.
    pub(crate) body: Code,
}

impl Code {
    /// Every field read of the fact at `slot` in this code, for deciding which changes of
    /// a fact a node must see.
    pub(crate) fn fields_read(&self, slot: u16, out: &mut Vec<FieldId>) {
        if let Code::Field { slot: s, field, .. } = self
            && *s == slot
            && !out.contains(field)
        {
            out.push(*field);
        }
        self.for_each_child(&mut |child| child.fields_read(slot, out));
    }

    /// True when evaluating this code can never be an error: comparisons, `in`, `and` and
    /// `or` over constants, fields and frame values (a comparison of values it cannot
    /// order is false, and a field a fact lacks reads as its default or missing).
    pub(crate) fn cannot_fail(&self) -> bool {
        match self {
            Code::Const(_) | Code::Field { .. } | Code::Slot(_) => true,
            Code::Binary(op, a, b) => op.is_comparison() && a.cannot_fail() && b.cannot_fail(),
            Code::And(a, b) | Code::Or(a, b) => a.cannot_fail() && b.cannot_fail(),
            Code::In(value, items) => value.cannot_fail() && items.iter().all(Code::cannot_fail),
            _ => false,
        }
    }

    /// True when this code reads a frame position for which `wanted` holds.
    pub(crate) fn reads_any(&self, wanted: &dyn Fn(u16) -> bool) -> bool {
        let own = match self {
            Code::Field { slot, .. } | Code::Slot(slot) => wanted(*slot),
            _ => false,
        };
        let mut below = false;
        self.for_each_child(&mut |child| below |= child.reads_any(wanted));
        own || below
    }

    /// Calls `visit` on each direct child.
    pub(crate) fn for_each_child<'a>(&'a self, visit: &mut dyn FnMut(&'a Code)) {
        match self {
            Code::Const(_) | Code::Field { .. } | Code::Slot(_) | Code::Local(_) => {}
            Code::Member(base, _) | Code::Unary(_, base) => visit(base),
            Code::Binary(_, a, b) | Code::And(a, b) | Code::Or(a, b) => {
                visit(a);
                visit(b);
            }
            Code::In(value, items) => {
                visit(value);
                items.iter().for_each(visit);
            }
            Code::If(a, b, c) => {
                visit(a);
                visit(b);
                visit(c);
            }
            Code::Builtin(_, args) | Code::Calc(_, args) | Code::List(args) => {
                args.iter().for_each(visit)
            }
            Code::Record(fields) => fields.iter().for_each(|(_, code)| visit(code)),
            Code::Template(parts) => parts.iter().for_each(|part| {
                if let Part::Value(code) = part {
                    visit(code);
                }
            }),
            Code::Comprehension(c) => {
                visit(&c.source);
                c.filter
                    .iter()
                    .chain(&c.value)
                    .chain(&c.default)
                    .for_each(visit);
            }
            Code::Allocate {
                amount,
                weight,
                tie,
            } => {
                visit(amount);
                visit(weight);
                visit(tie);
            }
        }
    }
}
