//! Rules: what they match (patterns over facts, absence and existence tests, expansions of
//! lists, accumulations over other facts, named values and guards, in the order they are
//! evaluated), how they group, and what they do (emit, set, alert, retract, update).

use reckon_fact_store::{FactTypeId, FieldId, ValueType};

use crate::expr::{AggOp, Expr};
use crate::ids::{AlphaId, BindingId, RuleId, Span, VarId};

/// One rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Its id: its position in the program.
    pub id: RuleId,
    /// Its name as written.
    pub name: String,
    /// Higher goes first within a stratum; also settles which of two rules sets a field.
    pub priority: i32,
    /// The stratum `stratify` placed it in; 0 until then.
    pub stratum: u32,
    /// Everything the rule binds: facts and list elements.
    pub bindings: Vec<Binding>,
    /// Its named values: lets, group keys, aggregates, comprehension variables.
    pub vars: Vec<Var>,
    /// What must hold, in evaluation order.
    pub conditions: Vec<Condition>,
    /// Grouping of the matches, if the rule groups.
    pub group: Option<Group>,
    /// What the rule does for each match (or each group).
    pub actions: Vec<Action>,
    /// The whole rule's text.
    pub span: Span,
}

/// A name a rule gives to a matched fact or a list element.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// The name as written (`s`, `e`, `part`).
    pub name: String,
    /// What it stands for.
    pub kind: BindingKind,
    /// Where it was introduced.
    pub span: Span,
}

/// What a binding stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum BindingKind {
    /// A fact of this type.
    Fact(FactTypeId),
    /// A value of this type (an element of an expanded list).
    Value(ValueType),
}

/// A named value.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    /// The name as written.
    pub name: String,
    /// Its type.
    pub ty: ValueType,
    /// Where it was introduced.
    pub span: Span,
}

/// One step of a rule's matching.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `for each s: shift` / `with e: employee`: one match per fact that passes.
    Match(Pattern),
    /// `no c: shift where ...`: holds when no fact passes.
    Absent(Pattern),
    /// `exists t: term where ...`: holds when some fact passes (once, however many).
    Exists(Pattern),
    /// `for each part in split_by_day(s.start, s.end)`: one match per list element.
    Expand(Expand),
    /// `let total = sum(b.amount for each bonus b where ..., default 0)`: an aggregate over
    /// other facts, with a default when none passes.
    Accumulate(Accumulate),
    /// `let x = ...`: a named value.
    Let(Let),
    /// `when ...`: a test across bindings and values.
    Guard(Expr),
}

/// A pattern over one fact type.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// The binding it introduces (for `no`/`exists`, visible only inside the pattern).
    pub binding: BindingId,
    /// The fact type matched.
    pub fact_type: FactTypeId,
    /// Tests on this fact alone (alpha tests), in evaluation order.
    pub tests: Vec<Test>,
    /// Tests that relate this fact to earlier bindings and values (join tests).
    pub joins: Vec<Expr>,
    /// For `next b after a by (...)`: the fact must be the one that follows `a` in the
    /// sort order, among the facts that pass the tests and joins.
    pub next: Option<Next>,
    /// The pattern's text.
    pub span: Span,
}

/// A single-fact test, and the shared test it became.
#[derive(Debug, Clone, PartialEq)]
pub struct Test {
    /// The test over the pattern's binding.
    pub expr: Expr,
    /// The shared test in the program's table, once `share_alpha_tests` has run.
    pub alpha: Option<AlphaId>,
}

/// "The next fact after `after`", by a sort key.
#[derive(Debug, Clone, PartialEq)]
pub struct Next {
    /// The binding whose successor this pattern matches.
    pub after: BindingId,
    /// The sort key, most significant first.
    pub order: Vec<FieldId>,
}

/// One match per element of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Expand {
    /// The value binding each element is bound to.
    pub binding: BindingId,
    /// The list.
    pub source: Expr,
    /// The condition's text.
    pub span: Span,
}

/// An aggregate over the facts of a pattern, related to the rule's match by the pattern's
/// joins; `default` is its value when no fact passes (the left-outer form).
#[derive(Debug, Clone, PartialEq)]
pub struct Accumulate {
    /// The variable holding the result.
    pub var: VarId,
    /// How values combine.
    pub op: AggOp,
    /// The facts aggregated (its binding is visible only in `value` and the pattern).
    pub pattern: Pattern,
    /// What each fact contributes (`count` has none).
    pub value: Option<Expr>,
    /// The result when no fact passes.
    pub default: Option<Expr>,
    /// The condition's text.
    pub span: Span,
}

/// A named value.
#[derive(Debug, Clone, PartialEq)]
pub struct Let {
    /// The variable.
    pub var: VarId,
    /// Its value.
    pub value: Expr,
    /// The condition's text.
    pub span: Span,
}

/// Grouping of a rule's matches, like a pivot table: one result per distinct key.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The key parts.
    pub keys: Vec<GroupKey>,
    /// The aggregates computed per group.
    pub aggregates: Vec<Aggregate>,
    /// Lets and guards over keys and aggregates (`having`), in order.
    pub then: Vec<Condition>,
    /// The grouping's text.
    pub span: Span,
}

/// One part of a group key.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupKey {
    /// A whole fact: its fields stay in scope after grouping.
    Fact(BindingId),
    /// A value, named.
    Value {
        /// The variable holding the key part.
        var: VarId,
        /// Its value, from the match.
        expr: Expr,
    },
}

/// One aggregate of a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// The variable holding the result.
    pub var: VarId,
    /// How values combine.
    pub op: AggOp,
    /// What each match contributes (`count` has none).
    pub value: Option<Expr>,
    /// The aggregate's text.
    pub span: Span,
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A new fact, which exists exactly as long as the match (or group) that made it.
    Emit(Emit),
    /// A derived field of a matched fact, kept exactly as long as the match.
    Set {
        /// The fact.
        binding: BindingId,
        /// The field.
        field: FieldId,
        /// Its value.
        value: Expr,
        /// The action's text.
        span: Span,
    },
    /// An output event.
    Alert {
        /// The message (text).
        message: Expr,
        /// The action's text.
        span: Span,
    },
    /// Removes a matched input fact (state-machine rules).
    Retract {
        /// The fact.
        binding: BindingId,
        /// The action's text.
        span: Span,
    },
    /// Changes fields of a matched input fact (state-machine rules).
    Update {
        /// The fact.
        binding: BindingId,
        /// The fields and their new values.
        fields: Vec<(FieldId, Expr)>,
        /// The action's text.
        span: Span,
    },
}

/// `emit T { field: value, ... }`, once per match or group, or once per member of a group.
#[derive(Debug, Clone, PartialEq)]
pub struct Emit {
    /// The fact type made.
    pub fact_type: FactTypeId,
    /// Field values, in declaration order of the emit.
    pub fields: Vec<(FieldId, Expr)>,
    /// For a per-member emit in a group rule, the member's bindings; empty otherwise.
    pub for_each: Vec<BindingId>,
    /// The action's text.
    pub span: Span,
}

impl Condition {
    /// The condition's text.
    pub fn span(&self) -> Span {
        match self {
            Condition::Match(p) | Condition::Absent(p) | Condition::Exists(p) => p.span,
            Condition::Expand(e) => e.span,
            Condition::Accumulate(a) => a.span,
            Condition::Let(l) => l.span,
            Condition::Guard(g) => g.span,
        }
    }

    /// The pattern of a match, absence or existence test, or accumulation.
    pub fn pattern(&self) -> Option<&Pattern> {
        match self {
            Condition::Match(p) | Condition::Absent(p) | Condition::Exists(p) => Some(p),
            Condition::Accumulate(a) => Some(&a.pattern),
            _ => None,
        }
    }

    /// Mutable access to the same pattern as [`pattern`](Self::pattern).
    pub fn pattern_mut(&mut self) -> Option<&mut Pattern> {
        match self {
            Condition::Match(p) | Condition::Absent(p) | Condition::Exists(p) => Some(p),
            Condition::Accumulate(a) => Some(&mut a.pattern),
            _ => None,
        }
    }

    /// Every expression of the condition, in order.
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut exprs: Vec<&Expr> = Vec::new();
        if let Some(pattern) = self.pattern() {
            exprs.extend(pattern.tests.iter().map(|t| &t.expr));
            exprs.extend(&pattern.joins);
        }
        match self {
            Condition::Expand(e) => exprs.push(&e.source),
            Condition::Accumulate(a) => exprs.extend(a.value.iter().chain(&a.default)),
            Condition::Let(l) => exprs.push(&l.value),
            Condition::Guard(g) => exprs.push(g),
            _ => {}
        }
        exprs
    }

    /// Mutable access to the same expressions as [`exprs`](Self::exprs).
    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            Condition::Match(p) | Condition::Absent(p) | Condition::Exists(p) => p
                .tests
                .iter_mut()
                .map(|t| &mut t.expr)
                .chain(p.joins.iter_mut())
                .collect(),
            Condition::Accumulate(a) => {
                let Accumulate {
                    pattern,
                    value,
                    default,
                    ..
                } = a;
                pattern
                    .tests
                    .iter_mut()
                    .map(|t| &mut t.expr)
                    .chain(pattern.joins.iter_mut())
                    .chain(value.as_mut())
                    .chain(default.as_mut())
                    .collect()
            }
            Condition::Expand(e) => vec![&mut e.source],
            Condition::Let(l) => vec![&mut l.value],
            Condition::Guard(g) => vec![g],
        }
    }
}

impl Action {
    /// The action's text.
    pub fn span(&self) -> Span {
        match self {
            Action::Emit(e) => e.span,
            Action::Set { span, .. }
            | Action::Alert { span, .. }
            | Action::Retract { span, .. }
            | Action::Update { span, .. } => *span,
        }
    }

    /// Every expression of the action, in order.
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            Action::Emit(e) => e.fields.iter().map(|(_, v)| v).collect(),
            Action::Set { value, .. } => vec![value],
            Action::Alert { message, .. } => vec![message],
            Action::Retract { .. } => Vec::new(),
            Action::Update { fields, .. } => fields.iter().map(|(_, v)| v).collect(),
        }
    }

    /// Mutable access to the same expressions as [`exprs`](Self::exprs).
    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            Action::Emit(e) => e.fields.iter_mut().map(|(_, v)| v).collect(),
            Action::Set { value, .. } => vec![value],
            Action::Alert { message, .. } => vec![message],
            Action::Retract { .. } => Vec::new(),
            Action::Update { fields, .. } => fields.iter_mut().map(|(_, v)| v).collect(),
        }
    }
}

impl Rule {
    /// The binding's declaration.
    pub fn binding(&self, id: BindingId) -> &Binding {
        &self.bindings[id.index()]
    }

    /// The variable's declaration.
    pub fn var(&self, id: VarId) -> &Var {
        &self.vars[id.index()]
    }

    /// Every expression of the rule: conditions, group, then actions.
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut exprs = self.match_exprs();
        exprs.extend(self.actions.iter().flat_map(Action::exprs));
        exprs
    }

    /// The expressions that decide the rule's matches: conditions, then group.
    pub fn match_exprs(&self) -> Vec<&Expr> {
        let mut exprs: Vec<&Expr> = self.conditions.iter().flat_map(Condition::exprs).collect();
        if let Some(group) = &self.group {
            for key in &group.keys {
                if let GroupKey::Value { expr, .. } = key {
                    exprs.push(expr);
                }
            }
            exprs.extend(group.aggregates.iter().filter_map(|a| a.value.as_ref()));
            exprs.extend(group.then.iter().flat_map(Condition::exprs));
        }
        exprs
    }

    /// Mutable access to the same expressions as [`exprs`](Self::exprs).
    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        let mut exprs: Vec<&mut Expr> = self
            .conditions
            .iter_mut()
            .flat_map(Condition::exprs_mut)
            .collect();
        if let Some(group) = &mut self.group {
            for key in &mut group.keys {
                if let GroupKey::Value { expr, .. } = key {
                    exprs.push(expr);
                }
            }
            exprs.extend(group.aggregates.iter_mut().filter_map(|a| a.value.as_mut()));
            exprs.extend(group.then.iter_mut().flat_map(Condition::exprs_mut));
        }
        exprs.extend(self.actions.iter_mut().flat_map(Action::exprs_mut));
        exprs
    }

    /// The patterns of `Match` conditions, in order.
    pub fn matches(&self) -> impl Iterator<Item = &Pattern> {
        self.conditions
            .iter()
            .filter_map(|condition| match condition {
                Condition::Match(pattern) => Some(pattern),
                _ => None,
            })
    }
}
