//! The network a program compiles to: per fact type, shared single-fact tests and the alpha
//! memories they feed; a tree of beta nodes (joins, absence and existence, accumulation,
//! expansion, lets and guards, grouping) shared between rules with the same prefix; and a
//! terminal node per rule with its compiled actions. `build/` makes it from an optimised
//! program; the runtime state lives in `crate::session`.
//!
//! **Invariant:** a node's frame positions are fixed at build time: a rule's conditions
//! each add zero or one position (a group restarts the frame with its keys and
//! aggregates), so compiled code reads positions, never names.

mod build;
pub(crate) mod describe;
mod dispatch;
mod text;

use crate::maps::HashMap;

use reckon_fact_store::{FactTypeId, FieldId};
use reckon_rule_ir::{AggOp, RuleId, Span};

use crate::compile::{CalcCode, Code};

pub use build::BuildError;
pub use describe::NodeCounts;

/// A beta node's index in [`Network::nodes`].
pub(crate) type NodeId = usize;
/// An alpha memory's index in [`Network::memories`].
pub(crate) type MemoryId = usize;
/// A shared single-fact test's index in [`Network::tests`].
pub(crate) type TestId = usize;

/// A compiled program, ready to run over a store.
#[derive(Debug)]
pub struct Network {
    pub(crate) calcs: Vec<CalcCode>,
    pub(crate) tests: Vec<AlphaTest>,
    pub(crate) memories: Vec<Memory>,
    /// Per fact type: its tests and memories.
    pub(crate) types: Vec<TypeAlpha>,
    pub(crate) nodes: Vec<Node>,
    pub(crate) rules: Vec<RuleNet>,
    /// True when some rule updates or retracts facts, so that firing order matters.
    pub(crate) stateful: bool,
}

/// A single-fact test, shared by every pattern that makes it.
#[derive(Debug)]
pub(crate) struct AlphaTest {
    /// The test, with the fact at frame position 0.
    pub(crate) code: Code,
    /// The fields it reads.
    pub(crate) reads: Vec<FieldId>,
    /// The rules that make it, and where each wrote it, for naming run-time errors.
    pub(crate) users: Vec<(RuleId, Span)>,
    /// How a fact's result is decided.
    pub(crate) decided: Decided,
}

/// How a fact's result of a test is decided. A test that can fail is evaluated on every
/// fact of its type, since its error belongs to the fact whatever else matches
/// (`docs/semantics.md`); one that cannot fail is evaluated only when a memory whose
/// other tests passed asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decided {
    /// By the discrimination index: one lookup per field.
    Indexed,
    /// Evaluated on every fact.
    EveryFact,
    /// Evaluated when a memory needs it.
    OnDemand,
}

/// The facts of one type that pass a set of tests (every pattern with those tests shares
/// it), and the nodes they feed.
#[derive(Debug)]
pub(crate) struct Memory {
    pub(crate) tests: Vec<TestId>,
    pub(crate) successors: Vec<NodeId>,
}

/// The alpha layer of one fact type.
#[derive(Debug, Default)]
pub(crate) struct TypeAlpha {
    /// Every test of the type.
    pub(crate) tests: Vec<TestId>,
    /// The tests evaluated one by one on each fact ([`Decided::EveryFact`]).
    pub(crate) scanned: Vec<TestId>,
    /// The tests that one lookup per field decides.
    pub(crate) dispatch: Vec<dispatch::Dispatch>,
    pub(crate) memories: Vec<MemoryId>,
    /// The memories with no dispatched test: looked at for every fact.
    pub(crate) open: Vec<MemoryId>,
    /// The other memories, by a dispatched test of theirs: looked at only when it passes.
    pub(crate) gated: HashMap<TestId, Vec<MemoryId>>,
    /// By field index: what a change of the field concerns.
    pub(crate) by_field: Vec<FieldChange>,
}

/// What a change of one field of a fact concerns, worked out once per field.
#[derive(Debug, Default, Clone)]
pub(crate) struct FieldChange {
    /// Some test of the type reads the field, so the fact's memories are decided again.
    pub(crate) retest: bool,
    /// The memories the change can concern (a test reads the field, or a node the memory
    /// feeds), each with its tests that do not read it: where one of those fails now, the
    /// fact was not in the memory before the change and is not now.
    pub(crate) memories: Vec<(MemoryId, Vec<TestId>)>,
    /// The places in `memories` of those gated by a dispatched test that does not read
    /// the field, by that test: when the fact's tests are decided again, a memory whose
    /// gate did not pass is not concerned, so only the passed gates' memories are looked
    /// at (a change of a shift's hours then looks at the few filler memories of its
    /// location, not at every memory with an hours test).
    pub(crate) by_gate: HashMap<TestId, Vec<usize>>,
    /// The places of the others: no gate, or a gate that reads the field.
    pub(crate) ungated: Vec<usize>,
}

/// A beta node.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) parent: Option<NodeId>,
    pub(crate) children: Vec<NodeId>,
    pub(crate) kind: NodeKind,
    /// The lowest stratum of the rules that use it.
    pub(crate) stratum: u32,
    /// For a node that brings in a fact: the fields of that fact read at or below it, so
    /// that a change of any other field passes it by.
    pub(crate) reads: Vec<FieldId>,
    /// Those of `reads` that can change the matches (read by conditions or grouping, or
    /// by the actions of a grouped rule, whose per-member emits read its members). A
    /// change of any other field of `reads` leaves the matches as they are and only
    /// makes the activations below recompute what they made.
    pub(crate) match_reads: Vec<FieldId>,
    /// Those of `match_reads` that only group nodes read: the node's own join tests do
    /// not, and every child is a group. A change of one moves the fact's matches between
    /// groups, or changes their values there, without re-making them.
    pub(crate) regroup_reads: Vec<FieldId>,
    /// The rules that go through it, each with the spans of the node's code as that rule
    /// wrote it (in the order of [`NodeKind::codes`]), for naming run-time errors.
    pub(crate) users: Vec<(RuleId, Vec<Span>)>,
}

/// What a beta node does.
#[derive(Debug)]
pub(crate) enum NodeKind {
    /// The one empty match everything starts from.
    Root,
    /// `for each` / `with`: one match per fact of the memory that passes the joins.
    Join(Join),
    /// `no`: the match goes on while no fact passes.
    Not(Join),
    /// `exists`: the match goes on while some fact passes.
    Exists(Join),
    /// An aggregate over the facts that pass, always one match.
    Accumulate(Accumulate),
    /// `with next b after a by (...)`: the successor of `after` among the facts that pass.
    Next(Next),
    /// One match per element of a list.
    Expand(Code),
    /// A named value.
    Let(Code),
    /// A test of the match.
    Guard(Code),
    /// One match per group of matches.
    Group(Group),
    /// A rule's activations.
    Terminal(RuleId),
}

/// A join of a match with the facts of an alpha memory.
#[derive(Debug)]
pub(crate) struct Join {
    pub(crate) memory: MemoryId,
    /// The frame position of the joined fact.
    pub(crate) slot: u16,
    /// Equalities `left == right` that index both sides: `left` reads only the match,
    /// `right` only the joined fact.
    pub(crate) keys: Vec<(Code, Code)>,
    /// The other join tests.
    pub(crate) residual: Vec<Code>,
}

/// An aggregate over a join's facts.
#[derive(Debug)]
pub(crate) struct Accumulate {
    pub(crate) join: Join,
    pub(crate) op: AggOp,
    pub(crate) value: Option<Code>,
    pub(crate) default: Option<Code>,
}

/// A successor pattern.
#[derive(Debug)]
pub(crate) struct Next {
    pub(crate) join: Join,
    /// The frame position of the fact whose successor is matched.
    pub(crate) after: u16,
    /// The order of the sequence: the `by` fields, then every input (not derived) field
    /// in declaration order, each with the default it reads as when the fact lacks it (ties
    /// go by the canonical order of facts).
    pub(crate) order: Vec<(FieldId, Option<reckon_fact_store::Value>)>,
}

/// Grouping: the key parts and aggregates of each group, computed from the matches.
#[derive(Debug)]
pub(crate) struct Group {
    pub(crate) keys: Vec<GroupKey>,
    pub(crate) aggregates: Vec<(AggOp, Option<Code>)>,
}

/// One part of a group key.
#[derive(Debug)]
pub(crate) enum GroupKey {
    /// The fact at a frame position (of the match).
    Fact(u16),
    /// A value of the match.
    Value(Code),
}

/// A rule's place in the network and its compiled actions.
#[derive(Debug)]
pub(crate) struct RuleNet {
    pub(crate) stratum: u32,
    pub(crate) priority: i32,
    pub(crate) terminal: NodeId,
    /// The group node, and how many positions the frame of a match had before it.
    pub(crate) group: Option<(NodeId, u16)>,
    pub(crate) actions: Vec<ActionCode>,
    /// The activation key is in binding order (`docs/semantics.md`), but a match's
    /// tokens are in the order of the optimised conditions: for an ungrouped rule whose
    /// orders differ, the position in the tokens' key of each key part in binding order.
    pub(crate) key_order: Vec<usize>,
    /// Each field the rule reads, with the node that brought in the fact it reads it of:
    /// a change of a field that a node reads for other rules leaves this rule's fired
    /// activations as they are.
    pub(crate) reads: Vec<(NodeId, FieldId)>,
}

/// A compiled action.
#[derive(Debug)]
pub(crate) enum ActionCode {
    /// `emit`; `members` holds the member positions of a per-member emit, whose code reads
    /// the member's match followed by the group's frame. Each field's code comes with its
    /// expression's span (as `set` and `alert` do), which its errors name; the action's
    /// own span names errors of the whole fact.
    Emit {
        fact_type: FactTypeId,
        fields: Vec<(FieldId, Code, Span)>,
        members: Option<Vec<u16>>,
        span: Span,
    },
    /// `set`.
    Set {
        slot: u16,
        field: FieldId,
        value: Code,
        span: Span,
    },
    /// `alert`.
    Alert { message: Code, span: Span },
    /// `update`.
    Update {
        slot: u16,
        fields: Vec<(FieldId, Code, Span)>,
        span: Span,
    },
    /// `retract`.
    Retract { slot: u16, span: Span },
}

impl NodeKind {
    /// The node's compiled code, in a fixed order: join keys (left, right), other join
    /// tests, then the value and default of an accumulation; the one expression of an
    /// expansion, `let` or guard; a group's value keys, then its aggregates' values.
    pub(crate) fn codes(&self) -> Vec<&Code> {
        fn join_codes(join: &Join) -> Vec<&Code> {
            join.keys
                .iter()
                .flat_map(|(left, right)| [left, right])
                .chain(&join.residual)
                .collect()
        }
        match self {
            NodeKind::Root | NodeKind::Terminal(_) => Vec::new(),
            NodeKind::Join(join) | NodeKind::Not(join) | NodeKind::Exists(join) => join_codes(join),
            NodeKind::Next(next) => join_codes(&next.join),
            NodeKind::Accumulate(a) => {
                let mut codes = join_codes(&a.join);
                codes.extend(a.value.iter().chain(&a.default));
                codes
            }
            NodeKind::Expand(code) | NodeKind::Let(code) | NodeKind::Guard(code) => vec![code],
            NodeKind::Group(group) => group
                .keys
                .iter()
                .filter_map(|key| match key {
                    GroupKey::Value(code) => Some(code),
                    GroupKey::Fact(_) => None,
                })
                .chain(
                    group
                        .aggregates
                        .iter()
                        .filter_map(|(_, value)| value.as_ref()),
                )
                .collect(),
        }
    }
}

impl Network {
    /// How many nodes of each kind the network has, and how many are shared.
    pub fn counts(&self) -> NodeCounts {
        describe::counts(self)
    }
}
