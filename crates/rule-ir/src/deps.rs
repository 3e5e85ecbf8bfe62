//! What each rule reads and writes, by fact type and field, and the dependency graph of
//! rules that follows: rule A depends on rule B when A reads something B writes. A read
//! through `no`, `exists`, an accumulation or a `group by` is strict: A needs all of B's
//! output before it can run. Stratification and several checks stand on this.

use std::collections::BTreeSet;

use reckon_fact_store::{FactTypeId, FieldId};

use crate::expr::{Expr, ExprKind};
use crate::ids::{BindingId, RuleId, Span};
use crate::program::Program;
use crate::rule::{Action, BindingKind, Condition, Rule};

/// A fact type (`field: None`, meaning which facts exist) or one field of it.
pub(crate) type Slot = (FactTypeId, Option<FieldId>);

/// One read of a rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Read {
    /// What is read.
    pub(crate) slot: Slot,
    /// Read through `no`, `exists`, an accumulation or a grouping.
    pub(crate) strict: bool,
    /// Where.
    pub(crate) span: SpanKey,
}

/// A span that orders (so reads sort deterministically).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SpanKey(pub(crate) u32, pub(crate) u32, pub(crate) u32);

impl SpanKey {
    fn of(span: Span) -> SpanKey {
        SpanKey(span.source.0, span.start, span.end)
    }

    /// The span again.
    pub(crate) fn span(self) -> Span {
        Span {
            source: crate::ids::SourceId(self.0),
            start: self.1,
            end: self.2,
        }
    }
}

/// Everything a rule reads.
pub(crate) fn reads(rule: &Rule) -> BTreeSet<Read> {
    let grouped = rule.group.is_some();
    let mut reads = BTreeSet::new();
    let binding_type =
        |binding: BindingId| match rule.bindings.get(binding.index()).map(|b| &b.kind) {
            Some(BindingKind::Fact(fact_type)) => Some(*fact_type),
            _ => None,
        };
    let add_expr = |expr: &Expr, strict: bool, reads: &mut BTreeSet<Read>| {
        expr.walk(&mut |node| {
            if let ExprKind::Field { binding, field } = node.kind {
                if let Some(fact_type) = binding_type(binding) {
                    reads.insert(Read {
                        slot: (fact_type, Some(field)),
                        strict,
                        span: SpanKey::of(node.span),
                    });
                }
            }
        });
    };
    for condition in &rule.conditions {
        let local = matches!(
            condition,
            Condition::Absent(_) | Condition::Exists(_) | Condition::Accumulate(_)
        );
        let strict = grouped || local;
        if let Some(pattern) = condition.pattern() {
            reads.insert(Read {
                slot: (pattern.fact_type, None),
                strict,
                span: SpanKey::of(pattern.span),
            });
        }
        for expr in condition.exprs() {
            add_expr(expr, strict, &mut reads);
        }
    }
    if let Some(group) = &rule.group {
        for key in &group.keys {
            if let crate::rule::GroupKey::Value { expr, .. } = key {
                add_expr(expr, true, &mut reads);
            }
        }
        for aggregate in &group.aggregates {
            if let Some(value) = &aggregate.value {
                add_expr(value, true, &mut reads);
            }
        }
        for condition in &group.then {
            for expr in condition.exprs() {
                add_expr(expr, true, &mut reads);
            }
        }
    }
    for action in &rule.actions {
        for expr in action.exprs() {
            add_expr(expr, grouped, &mut reads);
        }
    }
    reads
}

/// Everything a rule writes, with where.
pub(crate) fn writes(rule: &Rule, program: &Program) -> Vec<(Slot, Span)> {
    let mut writes = Vec::new();
    let binding_type = |binding: BindingId| match rule.bindings[binding.index()].kind {
        BindingKind::Fact(fact_type) => fact_type,
        BindingKind::Value(_) => unreachable!("the builder only acts on fact bindings"),
    };
    for action in &rule.actions {
        match action {
            Action::Emit(emit) => {
                writes.push(((emit.fact_type, None), emit.span));
                for field in 0..program.fact(emit.fact_type).fields.len() {
                    writes.push(((emit.fact_type, FieldId::from_index(field)), emit.span));
                }
            }
            Action::Set {
                binding,
                field,
                span,
                ..
            } => writes.push(((binding_type(*binding), Some(*field)), *span)),
            Action::Update {
                binding,
                fields,
                span,
            } => {
                for (field, _) in fields {
                    writes.push(((binding_type(*binding), Some(*field)), *span));
                }
            }
            Action::Retract { binding, span } => {
                writes.push(((binding_type(*binding), None), *span))
            }
            Action::Alert { .. } => {}
        }
    }
    writes
}

/// One dependency: `reader` reads what `writer` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edge {
    /// The rule that depends.
    pub(crate) reader: RuleId,
    /// The rule depended on.
    pub(crate) writer: RuleId,
    /// The read is strict (needs all of the writer's output first).
    pub(crate) strict: bool,
    /// Where the reader reads it.
    pub(crate) read_at: Span,
    /// Where the writer writes it.
    pub(crate) write_at: Span,
}

/// Every dependency between the program's rules (a rule depending on itself included),
/// strict edges preferred where both kinds exist, in (reader, writer) order.
pub(crate) fn edges(program: &Program) -> Vec<Edge> {
    // Who writes each slot, in rule order.
    let mut writers: std::collections::HashMap<Slot, Vec<(RuleId, Span)>> =
        std::collections::HashMap::new();
    for rule in &program.rules {
        for (slot, span) in writes(rule, program) {
            let entry = writers.entry(slot).or_default();
            if entry.last().is_none_or(|(last, _)| *last != rule.id) {
                entry.push((rule.id, span));
            }
        }
    }
    let mut edges = Vec::new();
    for reader in &program.rules {
        let mut found: std::collections::BTreeMap<RuleId, Edge> = std::collections::BTreeMap::new();
        for read in reads(reader) {
            for (writer, write_at) in writers.get(&read.slot).into_iter().flatten() {
                let edge = found.entry(*writer).or_insert_with(|| Edge {
                    reader: reader.id,
                    writer: *writer,
                    strict: read.strict,
                    read_at: read.span.span(),
                    write_at: *write_at,
                });
                if read.strict && !edge.strict {
                    *edge = Edge {
                        reader: reader.id,
                        writer: *writer,
                        strict: true,
                        read_at: read.span.span(),
                        write_at: *write_at,
                    };
                }
            }
        }
        edges.extend(found.into_values());
    }
    edges
}
