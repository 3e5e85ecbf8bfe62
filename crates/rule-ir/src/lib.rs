//! The rule IR: the typed, resolved program that both front ends lower into and that the
//! RETE network is built from — fact schemas, calculators, rules and expressions, with a
//! stable text form, checking and small optimisation passes. It knows no syntax of its own
//! (beyond its text form) and no runtime; its values and types come from
//! `reckon-fact-store`.
#![forbid(unsafe_code)]

pub mod builder;
mod builtin;
pub mod check;
mod deps;
mod diagnostic;
mod expr;
mod ids;
pub mod ops;
pub mod opt;
pub mod prelude;
mod program;
mod rule;
pub mod text;
pub mod types;
pub mod verify;

pub use builder::{ExprBuilder, FieldSpec, ProgramBuilder};
pub use builtin::{Builtin, CallError};
pub use diagnostic::{Code, Diagnostic, Label, Severity};
pub use expr::{
    AggOp, BinaryOp, Comprehension, Expr, ExprKind, Function, Literal, MAX_EXPR_DEPTH,
    TemplatePart, UnaryOp,
};
pub use ids::{AlphaId, BindingId, CalcId, RuleId, SourceId, Span, VarId};
pub use program::{AlphaTest, Calc, FactDecl, FieldDecl, Program, Stratum};
/// The value types and values of the data layer, which the IR types its expressions with.
pub use reckon_fact_store::{
    Date, DateTime, Decimal, FactTypeId, FieldId, Presence, RecordType, SignedDuration, ValueType,
    Week, closest_name, parse_date, parse_datetime, parse_duration,
};
pub use rule::{
    Accumulate, Action, Aggregate, Binding, BindingKind, Condition, Emit, Expand, Group, GroupKey,
    Let, Next, Pattern, Rule, Test, Var,
};
