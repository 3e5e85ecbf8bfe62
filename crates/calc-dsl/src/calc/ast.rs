//! The syntax tree of rule sources, with a span on every node. Both front ends produce it:
//! the `.calc` parser from text, the JSON front end from rule documents. It keeps what the
//! author wrote (shorthands, `between`, `first ... otherwise`, comments) so that it can be
//! printed back as canonical `.calc` or as JSON; lowering turns it into the rule IR.

use reckon_rule_ir::Span;

/// A whole source: its items in order, and comments after the last item.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    /// Declarations and rules.
    pub items: Vec<Item>,
    /// Comments after the last item.
    pub trailing: Vec<Comment>,
}

/// A `//` comment line, without the slashes.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// The text after `//`.
    pub text: String,
    /// Where it is.
    pub span: Span,
}

/// A name and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where.
    pub span: Span,
}

/// A top-level item, with the comments just above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Comments above the item.
    pub comments: Vec<Comment>,
    /// The item.
    pub kind: ItemKind,
    /// Its whole text.
    pub span: Span,
}

/// What an item is.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// `fact name (single) { fields }` or `output name { fields }`.
    Fact(FactDecl),
    /// `calc name(params) -> type = formula`.
    Calc(CalcDecl),
    /// `rule "name" priority n` and its steps.
    Rule(RuleDecl),
}

/// A fact type or output declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct FactDecl {
    /// Its name.
    pub name: Ident,
    /// `output` rather than `fact`: written by `reckon run`.
    pub output: bool,
    /// `(single)`: exactly one fact of the type exists.
    pub single: bool,
    /// The fields, in order.
    pub fields: Vec<FieldDecl>,
}

/// A declared field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    /// Comments above the field.
    pub comments: Vec<Comment>,
    /// Its name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// `optional`: facts may lack it.
    pub optional: bool,
    /// `default value`.
    pub default: Option<Expr>,
    /// The whole declaration.
    pub span: Span,
}

/// A type as written.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    /// `text`, `int`, `decimal`, `money`, `bool`, `date`, `datetime`, `duration`, `week`, `any`.
    Named(Ident),
    /// `list<T>`.
    List(Box<TypeExpr>, Span),
    /// `{name: T, ...}`.
    Record(Vec<(Ident, TypeExpr)>, Span),
}

/// A calculator.
#[derive(Debug, Clone, PartialEq)]
pub struct CalcDecl {
    /// Its name.
    pub name: Ident,
    /// Its parameters.
    pub params: Vec<(Ident, TypeExpr)>,
    /// Its result type.
    pub returns: TypeExpr,
    /// Its formula.
    pub body: Expr,
}

/// A rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDecl {
    /// Its name as written (without quotes) and the span of the string.
    pub name: (String, Span),
    /// `priority n`.
    pub priority: Option<(i32, Span)>,
    /// Its steps, in order.
    pub steps: Vec<Step>,
}

/// One line of a rule, with the comments just above it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Comments above the step.
    pub comments: Vec<Comment>,
    /// The step.
    pub kind: StepKind,
    /// Its whole text.
    pub span: Span,
}

/// What a step of a rule is.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// `for each shift s where ...` (`first`) or `with employee e where ...`.
    Match {
        /// `for each` rather than `with`.
        first: bool,
        /// The pattern.
        pattern: Pattern,
    },
    /// `with next shift b after a by (start, end) where ...`.
    Next {
        /// The pattern.
        pattern: Pattern,
        /// The fact it follows.
        after: Ident,
        /// The sort key.
        order: Vec<Ident>,
    },
    /// `no shift c where ...`.
    No(Pattern),
    /// `exists term t where ...`.
    Exists(Pattern),
    /// `for each part in list`.
    Expand {
        /// The element's name.
        binding: Ident,
        /// The list.
        source: Expr,
    },
    /// `let name = value`.
    Let {
        /// The name.
        name: Ident,
        /// The value.
        value: Expr,
    },
    /// `when test`.
    When(Expr),
    /// `group by key as name, ...`.
    GroupBy(Vec<GroupKey>),
    /// `first when ... then ... otherwise ...`: the first branch whose test holds.
    First(Vec<Branch>),
    /// An action.
    Action(Action),
}

/// `type binding where test`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// The fact type.
    pub fact_type: Ident,
    /// The binding.
    pub binding: Ident,
    /// The `where` test.
    pub filter: Option<Expr>,
}

/// One key of `group by`: a value, optionally named, or a whole fact (a bare binding).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupKey {
    /// The key.
    pub expr: Expr,
    /// `as name`.
    pub alias: Option<Ident>,
}

/// One branch of `first`: a test (none for `otherwise`) and its actions.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// `when test then`; `None` for `otherwise`.
    pub test: Option<Expr>,
    /// The actions.
    pub actions: Vec<Action>,
    /// The branch's text.
    pub span: Span,
}

/// An action, with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// The action.
    pub kind: ActionKind,
    /// Its text.
    pub span: Span,
}

/// What an action does.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionKind {
    /// `emit type for each member { field: value, ... }`.
    Emit {
        /// The fact type.
        fact_type: Ident,
        /// Per-member output: the members' bindings.
        for_each: Vec<Ident>,
        /// The fields.
        fields: Vec<FieldInit>,
    },
    /// `set s.field = value`.
    Set {
        /// The fact.
        binding: Ident,
        /// The field.
        field: Ident,
        /// The value.
        value: Expr,
    },
    /// `alert "text {value}"`.
    Alert(Expr),
    /// `retract s`.
    Retract(Ident),
    /// `update s { field: value, ... }`.
    Update {
        /// The fact.
        binding: Ident,
        /// The fields.
        fields: Vec<FieldInit>,
    },
}

/// `field: value`, or `field` alone for `field: field`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldInit {
    /// The field.
    pub name: Ident,
    /// The value; `None` for the shorthand.
    pub value: Option<Expr>,
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Its text.
    pub span: Span,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A constant.
    Literal(Literal),
    /// Text with values spliced in: `"unknown employee {s.employee_id}"`.
    Template(Vec<TemplatePart>),
    /// A name: a binding, a value, a parameter.
    Name(Ident),
    /// `base.member`.
    Member(Box<Expr>, Ident),
    /// `name(args)`.
    Call {
        /// The function.
        name: Ident,
        /// Its arguments, some perhaps named (`weight: m.points`).
        args: Vec<Arg>,
    },
    /// `op(value for each type b where test, default d)`: an aggregate over facts.
    AggregateFacts {
        /// The aggregate (`sum`, `count`, ...).
        op: Ident,
        /// What each fact contributes (none for `count`).
        value: Option<Box<Expr>>,
        /// The facts.
        pattern: Box<Pattern>,
        /// The result when no fact passes.
        default: Option<Box<Expr>>,
    },
    /// `op(value for x in list where test, default d)`: an aggregate over a list.
    Comprehension {
        /// The aggregate.
        op: Ident,
        /// What each element contributes (none for `count`).
        value: Option<Box<Expr>>,
        /// The element's name.
        var: Ident,
        /// The list.
        source: Box<Expr>,
        /// Which elements count.
        filter: Option<Box<Expr>>,
        /// The result when none counts.
        default: Option<Box<Expr>>,
    },
    /// A prefix operator.
    Unary(UnaryOp, Box<Expr>),
    /// An infix operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `x in [a, b]`.
    In(Box<Expr>, Vec<Expr>),
    /// `x between a and b`.
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `x is missing`, `x is not missing`, `x is null`, `x is not null`.
    Is {
        /// The value tested.
        value: Box<Expr>,
        /// `null` rather than `missing`.
        null: bool,
        /// `is not`.
        negated: bool,
    },
    /// `if c then a else b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{name: value, ...}`.
    Record(Vec<(Ident, Expr)>),
    /// `(x)`, kept so that the formatter can keep the author's grouping.
    Paren(Box<Expr>),
    /// Text that could not be read; a diagnostic says why.
    Error,
}

/// A call argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// `name:` for a named argument.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    /// Literal text.
    Text(String),
    /// A value, in braces.
    Value(Expr),
}

/// A constant as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A whole number, as written.
    Int(String),
    /// A decimal, as written (`12.50`).
    Decimal(String),
    /// Text (escapes resolved).
    Text(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `2025-01-06`.
    Date(String),
    /// `2025-01-06T09:00`.
    DateTime(String),
    /// `2025-W02`.
    Week(String),
    /// `11 hours`, `1.5 days`: an amount and a unit.
    Duration(String, DurationUnit),
}

/// The unit of a duration literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationUnit {
    /// Seconds.
    Seconds,
    /// Minutes.
    Minutes,
    /// Hours.
    Hours,
    /// Days of 24 hours.
    Days,
    /// Weeks of 7 days.
    Weeks,
}

impl DurationUnit {
    /// The unit named by `word` (singular or plural).
    pub fn from_word(word: &str) -> Option<DurationUnit> {
        Some(match word {
            "second" | "seconds" => DurationUnit::Seconds,
            "minute" | "minutes" => DurationUnit::Minutes,
            "hour" | "hours" => DurationUnit::Hours,
            "day" | "days" => DurationUnit::Days,
            "week" | "weeks" => DurationUnit::Weeks,
            _ => return None,
        })
    }

    /// Seconds in one unit.
    pub fn seconds(self) -> i64 {
        match self {
            DurationUnit::Seconds => 1,
            DurationUnit::Minutes => 60,
            DurationUnit::Hours => 3_600,
            DurationUnit::Days => 86_400,
            DurationUnit::Weeks => 604_800,
        }
    }

    /// The plural word.
    pub fn word(self) -> &'static str {
        match self {
            DurationUnit::Seconds => "seconds",
            DurationUnit::Minutes => "minutes",
            DurationUnit::Hours => "hours",
            DurationUnit::Days => "days",
            DurationUnit::Weeks => "weeks",
        }
    }
}

/// A prefix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `not x`.
    Not,
}

/// An infix operator.
pub use reckon_rule_ir::BinaryOp;

impl Expr {
    /// An expression of the given kind.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}
