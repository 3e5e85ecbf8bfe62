//! Expressions: a typed tree. Every node carries its type (computed when it is built) and
//! the span of the text it came from. Names are resolved: fields are (binding, field id)
//! pairs, variables are ids, calculators are ids; only record members keep their names.

use reckon_fact_store::{Date, DateTime, Decimal, FieldId, SignedDuration, ValueType, Week};

use crate::builtin::Builtin;
use crate::ids::{BindingId, CalcId, Span, VarId};

/// One typed expression node.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the node computes.
    pub kind: ExprKind,
    /// The type of its value (`any` where it can only be known at run time).
    pub ty: ValueType,
    /// Where it was written.
    pub span: Span,
}

/// What an expression computes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A constant.
    Literal(Literal),
    /// A field of the fact a binding matched: `s.hours`.
    Field {
        /// The binding (a fact binding of the rule, or [`BindingId::SUBJECT`] in a
        /// shared single-fact test, where it stands for the fact being tested).
        binding: BindingId,
        /// The field.
        field: FieldId,
    },
    /// The value a value binding took (an element of an expanded list).
    Binding(BindingId),
    /// A named value: a parameter, a `let`, a group key, an aggregate.
    Var(VarId),
    /// A member of a record value: `part.date`.
    Member {
        /// The record.
        base: Box<Expr>,
        /// The member's name.
        name: String,
    },
    /// A prefix operator or a missing/null test.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// An infix operator.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// Membership: `s.pay_code in ["base", "training"]`.
    In {
        /// The value looked for.
        value: Box<Expr>,
        /// The candidates.
        list: Vec<Expr>,
    },
    /// `if condition then a else b`.
    If {
        /// The test.
        condition: Box<Expr>,
        /// The value when it holds.
        then: Box<Expr>,
        /// The value otherwise.
        otherwise: Box<Expr>,
    },
    /// A call of a built-in function or a calculator.
    Call {
        /// What is called.
        function: Function,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// A list built from expressions.
    List(Vec<Expr>),
    /// A record built from named expressions.
    Record(Vec<(String, Expr)>),
    /// Text with values spliced in: `"unknown employee {s.employee_id}"`.
    Template(Vec<TemplatePart>),
    /// An aggregate over the elements of a list inside one fact:
    /// `max(minutes_between(b.start, b.end) for b in s.breaks where ..., default 0)`.
    Comprehension(Box<Comprehension>),
    /// A member's share of a group amount by the largest-remainder rule; only inside a
    /// per-member `emit` of a group rule.
    Allocate {
        /// The amount to share (money), the same for the whole group.
        amount: Box<Expr>,
        /// This member's weight.
        weight: Box<Expr>,
        /// The key that breaks ties between equal remainders (smaller first).
        tie: Box<Expr>,
    },
    /// Stands in for an expression that could not be resolved; a diagnostic says why.
    Error,
}

/// A constant value. Text is kept as text: the IR has no interner.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// An exact decimal, with its scale.
    Decimal(Decimal),
    /// Text.
    Text(String),
    /// A date.
    Date(Date),
    /// A local datetime.
    DateTime(DateTime),
    /// A duration (`11 hours`).
    Duration(SignedDuration),
    /// An ISO week.
    Week(Week),
}

impl Literal {
    /// The literal's type (`any` for null, which fits every type).
    pub fn ty(&self) -> ValueType {
        match self {
            Literal::Null => ValueType::Any,
            Literal::Bool(_) => ValueType::Bool,
            Literal::Int(_) => ValueType::Int,
            Literal::Decimal(_) => ValueType::Decimal,
            Literal::Text(_) => ValueType::Text,
            Literal::Date(_) => ValueType::Date,
            Literal::DateTime(_) => ValueType::DateTime,
            Literal::Duration(_) => ValueType::Duration,
            Literal::Week(_) => ValueType::Week,
        }
    }
}

/// A prefix operator, or a test for a missing or null value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `not x`.
    Not,
    /// `x is missing`: the field is absent.
    IsMissing,
    /// `x is null`.
    IsNull,
}

/// An infix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/` (always exact decimal division for numbers).
    Div,
    /// `%`.
    Rem,
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `and`.
    And,
    /// `or`.
    Or,
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
        }
    }

    /// True for `== != < <= > >=`.
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }

    /// The comparison with its operands swapped: `a < b` is `b > a`.
    pub fn flipped(self) -> BinaryOp {
        match self {
            BinaryOp::Lt => BinaryOp::Gt,
            BinaryOp::Le => BinaryOp::Ge,
            BinaryOp::Gt => BinaryOp::Lt,
            BinaryOp::Ge => BinaryOp::Le,
            other => other,
        }
    }

    /// The comparison that holds exactly when this one does not: `not (a < b)` is `a >= b`.
    pub fn negated(self) -> Option<BinaryOp> {
        Some(match self {
            BinaryOp::Eq => BinaryOp::Ne,
            BinaryOp::Ne => BinaryOp::Eq,
            BinaryOp::Lt => BinaryOp::Ge,
            BinaryOp::Le => BinaryOp::Gt,
            BinaryOp::Gt => BinaryOp::Le,
            BinaryOp::Ge => BinaryOp::Lt,
            _ => return None,
        })
    }
}

/// What a call calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    /// A function of the prelude.
    Builtin(Builtin),
    /// A calculator of the program.
    Calc(CalcId),
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    /// Literal text.
    Text(String),
    /// A value, shown as text.
    Value(Expr),
}

/// An aggregate over a list: for each element (bound to `var`) that passes `filter`, the
/// `value` is folded with `op`; `default` is the result when no element passes.
#[derive(Debug, Clone, PartialEq)]
pub struct Comprehension {
    /// How the values combine.
    pub op: AggOp,
    /// The element variable.
    pub var: VarId,
    /// The list.
    pub source: Expr,
    /// Which elements count.
    pub filter: Option<Expr>,
    /// What each element contributes (`count` has none).
    pub value: Option<Expr>,
    /// The result when no element counts.
    pub default: Option<Expr>,
}

/// How an aggregate combines values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggOp {
    /// The number of values.
    Count,
    /// Their exact sum.
    Sum,
    /// The least.
    Min,
    /// The greatest.
    Max,
    /// The exact mean.
    Avg,
    /// All of them, as a list in a canonical order.
    Collect,
}

impl AggOp {
    /// The aggregate's name as written.
    pub fn name(self) -> &'static str {
        match self {
            AggOp::Count => "count",
            AggOp::Sum => "sum",
            AggOp::Min => "min",
            AggOp::Max => "max",
            AggOp::Avg => "avg",
            AggOp::Collect => "collect",
        }
    }

    /// The aggregate called `name`.
    pub fn from_name(name: &str) -> Option<AggOp> {
        [
            AggOp::Count,
            AggOp::Sum,
            AggOp::Min,
            AggOp::Max,
            AggOp::Avg,
            AggOp::Collect,
        ]
        .into_iter()
        .find(|op| op.name() == name)
    }
}

/// The deepest expression tree front ends accept. Every walk over expressions recurses, so
/// the bound keeps any input from exhausting the stack; real formulas are a few levels deep.
pub const MAX_EXPR_DEPTH: usize = 128;

impl Expr {
    /// The number of nodes on the longest path from this node down, counted without
    /// recursion so that it is safe on any tree.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut pending = vec![(self, 1usize)];
        while let Some((node, depth)) = pending.pop() {
            deepest = deepest.max(depth);
            pending.extend(node.children().into_iter().map(|child| (child, depth + 1)));
        }
        deepest
    }

    /// A node of the given kind and type.
    pub fn new(kind: ExprKind, ty: ValueType, span: Span) -> Expr {
        Expr { kind, ty, span }
    }

    /// A literal node.
    pub fn literal(literal: Literal, span: Span) -> Expr {
        let ty = literal.ty();
        Expr {
            kind: ExprKind::Literal(literal),
            ty,
            span,
        }
    }

    /// The literal, if this node is one.
    pub fn as_literal(&self) -> Option<&Literal> {
        match &self.kind {
            ExprKind::Literal(literal) => Some(literal),
            _ => None,
        }
    }

    /// The direct children, in order.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Literal(_)
            | ExprKind::Field { .. }
            | ExprKind::Binding(_)
            | ExprKind::Var(_)
            | ExprKind::Error => Vec::new(),
            ExprKind::Member { base, .. } => vec![base],
            ExprKind::Unary { operand, .. } => vec![operand],
            ExprKind::Binary { left, right, .. } => vec![left, right],
            ExprKind::In { value, list } => std::iter::once(&**value).chain(list).collect(),
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => vec![condition, then, otherwise],
            ExprKind::Call { args, .. } | ExprKind::List(args) => args.iter().collect(),
            ExprKind::Record(fields) => fields.iter().map(|(_, value)| value).collect(),
            ExprKind::Template(parts) => parts
                .iter()
                .filter_map(|part| match part {
                    TemplatePart::Value(value) => Some(value),
                    TemplatePart::Text(_) => None,
                })
                .collect(),
            ExprKind::Comprehension(c) => std::iter::once(&c.source)
                .chain(&c.filter)
                .chain(&c.value)
                .chain(&c.default)
                .collect(),
            ExprKind::Allocate {
                amount,
                weight,
                tie,
            } => vec![amount, weight, tie],
        }
    }

    /// The direct children, mutably, in the same order as [`children`](Self::children).
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match &mut self.kind {
            ExprKind::Literal(_)
            | ExprKind::Field { .. }
            | ExprKind::Binding(_)
            | ExprKind::Var(_)
            | ExprKind::Error => Vec::new(),
            ExprKind::Member { base, .. } => vec![base],
            ExprKind::Unary { operand, .. } => vec![operand],
            ExprKind::Binary { left, right, .. } => vec![left, right],
            ExprKind::In { value, list } => std::iter::once(&mut **value)
                .chain(list.iter_mut())
                .collect(),
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => vec![condition, then, otherwise],
            ExprKind::Call { args, .. } | ExprKind::List(args) => args.iter_mut().collect(),
            ExprKind::Record(fields) => fields.iter_mut().map(|(_, value)| value).collect(),
            ExprKind::Template(parts) => parts
                .iter_mut()
                .filter_map(|part| match part {
                    TemplatePart::Value(value) => Some(value),
                    TemplatePart::Text(_) => None,
                })
                .collect(),
            ExprKind::Comprehension(c) => {
                let Comprehension {
                    source,
                    filter,
                    value,
                    default,
                    ..
                } = &mut **c;
                std::iter::once(source)
                    .chain(filter.as_mut())
                    .chain(value.as_mut())
                    .chain(default.as_mut())
                    .collect()
            }
            ExprKind::Allocate {
                amount,
                weight,
                tie,
            } => vec![amount, weight, tie],
        }
    }

    /// Calls `visit` on this node and every node below it, parents first.
    pub fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Expr)) {
        visit(self);
        for child in self.children() {
            child.walk(visit);
        }
    }

    /// The bindings this expression reads, in first-use order, without repeats.
    pub fn bindings(&self) -> Vec<BindingId> {
        let mut found = Vec::new();
        self.walk(&mut |node| {
            let binding = match node.kind {
                ExprKind::Field { binding, .. } | ExprKind::Binding(binding) => binding,
                _ => return,
            };
            if !found.contains(&binding) {
                found.push(binding);
            }
        });
        found
    }

    /// The variables this expression reads from outside it, in first-use order, without
    /// repeats (a comprehension's own element variable is not one of them).
    pub fn vars(&self) -> Vec<VarId> {
        let mut found = Vec::new();
        let mut bound = Vec::new();
        self.walk(&mut |node| match &node.kind {
            ExprKind::Var(var) if !found.contains(var) => found.push(*var),
            ExprKind::Comprehension(c) => bound.push(c.var),
            _ => {}
        });
        found.retain(|var| !bound.contains(var));
        found
    }

    /// The parts of a conjunction (`a and b and c` gives `a`, `b`, `c`); any other
    /// expression is its own single part.
    pub fn conjuncts(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Binary {
                op: BinaryOp::And,
                left,
                right,
            } => {
                let mut parts = left.conjuncts();
                parts.extend(right.conjuncts());
                parts
            }
            _ => vec![self],
        }
    }

    /// True when the expression reads no binding and no variable (it may still call
    /// functions).
    pub fn is_constant(&self) -> bool {
        let mut constant = true;
        self.walk(&mut |node| {
            if matches!(
                node.kind,
                ExprKind::Field { .. } | ExprKind::Binding(_) | ExprKind::Var(_) | ExprKind::Error
            ) {
                constant = false;
            }
        });
        constant
    }
}

impl BindingId {
    /// In a shared single-fact test, the fact being tested (printed `it`).
    pub const SUBJECT: BindingId = BindingId(u32::MAX);
}
