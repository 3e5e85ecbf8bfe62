//! What an activation makes, and keeping it so. Firing and every later change of the match
//! compute what the activation should have made (`desired`); `reconcile` then changes what
//! it has made to that — emitted facts inserted, changed in place or retracted, `set`
//! supports added, changed or dropped — and each field that several activations set gets
//! the value of the winner: the highest priority, then the least in agenda order.

use crate::maps::{HashMap, HashSet};
use smallvec::SmallVec;
use std::sync::Arc;

use reckon_fact_store::{FactId, FactStore, FactTypeId, FieldId, Value, check_fields};
use reckon_rule_ir::Builtin;
use reckon_rule_ir::Span;
use reckon_rule_ir::ops::{Cell, EvalError};
use reckon_rule_ir::prelude::{self, allocate_by};

use super::Session;
use super::errors::Basis;
use super::fire::{ActId, cmp_atoms};
use super::tokens::{Item, Key, KeyAtom, TokenId};
use crate::compile::{Code, Eval, Slot};
use crate::network::{ActionCode, NodeId};
use crate::order::{cmp_cells, same_as_written};

/// Which emitted fact: the emit's position among the rule's actions, and for a per-member
/// emit the member's facts.
pub(crate) type EmitSite = (usize, Key);

/// What an activation has made. Most activations set one field, held inline.
#[derive(Debug, Default)]
pub(crate) struct Made {
    emitted: Vec<(EmitSite, FactId)>,
    sets: SmallVec<[(FactId, FieldId); 1]>,
}

impl Made {
    /// The facts the activation emitted.
    pub(super) fn emitted_facts(&self) -> impl Iterator<Item = FactId> + '_ {
        self.emitted.iter().map(|(_, fact)| *fact)
    }
}

/// What an activation should make, and what firing it does once.
#[derive(Debug, Default)]
pub(crate) struct Desired {
    pub(crate) emits: Vec<(EmitSite, FactTypeId, Vec<Option<Value>>)>,
    pub(crate) sets: Vec<(FactId, FieldId, Cell)>,
    pub(crate) alerts: Vec<String>,
    pub(crate) updates: Vec<(FactId, Vec<(FieldId, Cell)>)>,
    pub(crate) retracts: Vec<FactId>,
}

/// The activations that set one field, each with its value; most fields have one, kept
/// inline. The winner is kept first, so that a new setter is compared with it alone
/// (many activations setting one field would otherwise cost O(n²) comparisons).
type Setters = SmallVec<[(ActId, Cell); 1]>;

/// The supports of the fields that rules set: who sets each, to what.
#[derive(Debug, Default)]
pub(crate) struct Supports {
    by_field: HashMap<(FactId, FieldId), Setters>,
    /// The fields more than one activation sets: their winner depends on how the
    /// activations' facts order, which a change of a field no rule reads can move.
    contested: HashSet<(FactId, FieldId)>,
}

type Failure = (Span, String);

/// One member of a per-member emit: its identity and its fields' values.
type MemberFields = (Key, Vec<(FieldId, Cell)>);

impl<S: FactStore> Session<S> {
    /// What the activation should make now, from its match. Every action is evaluated, also
    /// when a fired activation is only brought up to date (and only its emits and sets are
    /// used), so that whether it fails depends only on its match.
    pub(super) fn desired(&mut self, act: ActId) -> Result<Desired, Failure> {
        let activation = self.tms.get(act).expect("a live activation");
        let (rule, token) = (
            activation.key.rule,
            activation.token.expect("a matched activation"),
        );
        let net = Arc::clone(&self.net);
        let info = &net.rules[rule.index()];
        let group = info.group;
        let frame = self.tokens.frame(token);
        let mut desired = Desired::default();
        for (index, action) in info.actions.iter().enumerate() {
            match action {
                ActionCode::Emit {
                    fact_type,
                    fields,
                    members: None,
                    span,
                } => {
                    let (fact_type, span) = (*fact_type, *span);
                    let values = self.fields(&frame, fields, &[])?;
                    let values = self.complete(fact_type, values, span)?;
                    desired.emits.push(((index, Key::new()), fact_type, values));
                }
                ActionCode::Emit {
                    fact_type,
                    fields,
                    members: Some(slots),
                    span,
                } => {
                    let (fact_type, span) = (*fact_type, *span);
                    let (node, _) = group.expect("a per-member emit is in a group rule");
                    for (atoms, values) in self.member_emits(node, token, &frame, fields, slots)? {
                        let values = self.complete(fact_type, values, span)?;
                        desired.emits.push(((index, atoms), fact_type, values));
                    }
                }
                ActionCode::Set {
                    slot,
                    field,
                    value,
                    span,
                } => {
                    let (fact, field, span) = (fact_at(&frame, *slot), *field, *span);
                    let value = self.value(&frame, value, span)?;
                    if let Some(fact) = fact {
                        desired.sets.push((fact, field, value));
                    }
                }
                ActionCode::Alert { message, span } => {
                    let span = *span;
                    match self.value(&frame, message, span)? {
                        Some(Value::Null) => {
                            let why = "the alert's text is null: a value in it is null";
                            return Err((span, why.into()));
                        }
                        Some(value) => desired.alerts.push(text_of(&value, &mut self.store)),
                        _ => {
                            return Err((
                                span,
                                "the alert's text is missing: a value in it is missing".into(),
                            ));
                        }
                    }
                }
                ActionCode::Update { slot, fields, span } => {
                    let (fact, span) = (fact_at(&frame, *slot), *span);
                    let fact = self.input_target(fact, "update", span)?;
                    let values = self.fields(&frame, fields, &[])?;
                    desired.updates.push((fact, values));
                }
                ActionCode::Retract { slot, span } => {
                    let fact = self.input_target(fact_at(&frame, *slot), "retract", *span)?;
                    desired.retracts.push(fact);
                }
            }
        }
        Ok(desired)
    }

    fn value(&mut self, frame: &[Slot], code: &Code, span: Span) -> Result<Cell, Failure> {
        Eval::new(&mut self.store, &self.net.calcs, frame)
            .eval(code)
            .map_err(|error| (span, error.to_string()))
    }

    /// The input fact an update or retract acts on. Aimed at a fact a rule emitted, they
    /// fail: truth maintenance would bring that fact straight back.
    fn input_target(
        &self,
        fact: Option<FactId>,
        what: &str,
        span: Span,
    ) -> Result<FactId, Failure> {
        match fact {
            None => Err((span, format!("`{what}` has no fact to act on"))),
            Some(fact) if self.emitted.contains(&fact) => Err((
                span,
                format!("`{what}` changes input facts, but this fact was emitted by a rule"),
            )),
            Some(fact) => Ok(fact),
        }
    }

    /// The values of an emit's or update's fields; a failure names the field's expression.
    fn fields(
        &mut self,
        frame: &[Slot],
        fields: &[(FieldId, Code, Span)],
        shares: &[(usize, Cell)],
    ) -> Result<Vec<(FieldId, Cell)>, Failure> {
        let mut eval = Eval::new(&mut self.store, &self.net.calcs, frame);
        eval.shares = shares;
        fields
            .iter()
            .map(|(field, code, span)| {
                let value = eval.eval(code).map_err(|e| (*span, e.to_string()))?;
                Ok((*field, value))
            })
            .collect()
    }

    /// An emitted fact's fields in declaration order; fields the store would refuse (a
    /// required field left missing, a value of the wrong type) are an error.
    fn complete(
        &self,
        fact_type: FactTypeId,
        values: Vec<(FieldId, Cell)>,
        span: Span,
    ) -> Result<Vec<Option<Value>>, Failure> {
        let decl = self.program.fact(fact_type);
        let mut fields = vec![None; decl.fields.len()];
        for (field, value) in values {
            fields[field.index()] = value;
        }
        let schema = self.store.catalog().schema(fact_type);
        check_fields(schema, &fields, self.store.interner()).map_err(|e| (span, e.to_string()))?;
        Ok(fields)
    }

    /// The facts of a per-member emit: one per distinct combination of the member facts
    /// among the group's matches, in canonical order, with `allocate` shared among them.
    fn member_emits(
        &mut self,
        node: NodeId,
        token: TokenId,
        frame: &[Slot],
        fields: &[(FieldId, Code, Span)],
        slots: &[u16],
    ) -> Result<Vec<MemberFields>, Failure> {
        let Some(group_token) = self.group_token_of(token) else {
            return Ok(Vec::new());
        };
        let mut members: Vec<(Key, Vec<Slot>)> = Vec::new();
        for member in self.group_members(node, group_token) {
            let mut member_frame = self.tokens.frame(member);
            let atoms: Key = slots
                .iter()
                .map(|slot| match member_frame.get(usize::from(*slot)) {
                    Some(Slot::Fact(fact)) => KeyAtom::Fact(*fact, self.version(*fact)),
                    _ => KeyAtom::Missing,
                })
                .collect();
            if members.iter().any(|(seen, _)| *seen == atoms) {
                continue;
            }
            member_frame.extend(frame.iter().cloned());
            members.push((atoms, member_frame.into_vec()));
        }
        members.sort_by(|a, b| cmp_atoms(&self.program, &self.store, &a.0, &b.0));
        let shares = self.shares(fields, &members)?;
        let mut out = Vec::with_capacity(members.len());
        for (index, (atoms, member_frame)) in members.iter().enumerate() {
            let values = self.fields(member_frame, fields, &shares[index])?;
            out.push((atoms.clone(), values));
        }
        Ok(out)
    }

    /// For each member, the share each `allocate` in the fields gives it.
    fn shares(
        &mut self,
        fields: &[(FieldId, Code, Span)],
        members: &[(Key, Vec<Slot>)],
    ) -> Result<Vec<Vec<(usize, Cell)>>, Failure> {
        let mut per_member = vec![Vec::new(); members.len()];
        let mut allocations = Vec::new();
        for (_, code, span) in fields {
            let mut found = Vec::new();
            collect_allocations(code, &mut found);
            allocations.extend(found.into_iter().map(|allocation| (allocation, *span)));
        }
        for (allocation, span) in allocations {
            let fail = |error: EvalError| (span, error.to_string());
            let Code::Allocate {
                amount,
                weight,
                tie,
            } = allocation
            else {
                continue;
            };
            let address = std::ptr::from_ref(allocation) as usize;
            let amount = match members.first() {
                Some((_, frame)) => self.value(frame, amount, span)?,
                None => None,
            };
            let mut weights = Vec::with_capacity(members.len());
            let mut ties = Vec::with_capacity(members.len());
            let mut missing = amount.is_none();
            for (_, frame) in members {
                let w = self.value(frame, weight, span)?;
                missing |= w.is_none();
                weights.push(decimal_of(w.as_ref()));
                ties.push(self.value(frame, tie, span)?);
            }
            if missing {
                for shares in &mut per_member {
                    shares.push((address, None));
                }
                continue;
            }
            let amount = decimal_of(amount.as_ref());
            let interner = self.store.interner();
            let shares = allocate_by(amount, &weights, |a, b| {
                cmp_cells(ties[a].as_ref(), ties[b].as_ref(), interner)
            })
            .map_err(fail)?;
            for (member, share) in shares.into_iter().enumerate() {
                per_member[member].push((address, Some(Value::Decimal(share))));
            }
        }
        Ok(per_member)
    }

    fn group_token_of(&self, token: TokenId) -> Option<TokenId> {
        let mut at = Some(token);
        while let Some(id) = at {
            let found = self.tokens.get(id);
            if matches!(found.item, Item::Group(_)) {
                return Some(id);
            }
            at = found.parent();
        }
        None
    }

    /// Changes what an activation has made to what it should make.
    pub(super) fn reconcile(
        &mut self,
        act: ActId,
        emits: Vec<(EmitSite, FactTypeId, Vec<Option<Value>>)>,
        sets: Vec<(FactId, FieldId, Cell)>,
    ) {
        let Some(activation) = self.tms.acts[act].as_mut() else {
            return;
        };
        let made = std::mem::take(&mut activation.made);
        let rule = activation.key.rule;
        let mut emitted = Vec::with_capacity(emits.len());
        let mut old: HashMap<EmitSite, FactId> = made.emitted.into_iter().collect();
        for (site, fact_type, fields) in emits {
            match old.remove(&site) {
                Some(fact) if self.store.contains(fact) => {
                    // Only the fields an emit writes: a derived field belongs to the rules
                    // that set it.
                    for (index, value) in fields.into_iter().enumerate() {
                        if self.program.fact(fact_type).fields[index].derived {
                            continue;
                        }
                        let field = FieldId::from_index(index).expect("a declared field");
                        let old = self.store.field(fact, field);
                        if !same_as_written(&old, &value, self.store.interner()) {
                            let _ = self.store.update(fact, field, value);
                            self.modify(fact, field);
                        }
                    }
                    emitted.push((site, fact));
                }
                _ => match self.store.insert(fact_type, &fields, &[]) {
                    Ok(fact) => {
                        self.emitted.insert(fact);
                        self.assert_fact(fact);
                        emitted.push((site, fact));
                    }
                    Err(error) => {
                        let span = self.program.rules[rule.index()].span;
                        self.record_message(rule, span, error.to_string(), &[], &[Basis::Act(act)]);
                    }
                },
            }
        }
        let mut gone: Vec<FactId> = old.into_values().collect();
        gone.sort_unstable();
        for fact in gone {
            self.emitted.remove(&fact);
            if self.store.contains(fact) {
                self.retract_fact(fact);
                let _ = self.store.retract(fact);
            }
        }
        let mut now_set = SmallVec::with_capacity(sets.len());
        for (fact, field, value) in sets {
            self.support(act, fact, field, Some(value));
            now_set.push((fact, field));
        }
        for (fact, field) in made.sets {
            if !now_set.contains(&(fact, field)) {
                self.support(act, fact, field, None);
            }
        }
        if let Some(activation) = self.tms.acts[act].as_mut() {
            activation.made = Made {
                emitted,
                sets: now_set,
            };
        }
    }

    /// Sets (or, with `None`, drops) an activation's support for a field's value, and
    /// writes the winning value.
    fn support(&mut self, act: ActId, fact: FactId, field: FieldId, value: Option<Cell>) {
        let supports = self.supports.by_field.entry((fact, field)).or_default();
        let was_winner = supports.first().is_some_and(|(by, _)| *by == act);
        supports.retain(|(by, _)| *by != act);
        let added = value.is_some();
        if let Some(value) = value {
            supports.push((act, value));
        }
        let count = supports.len();
        if count > 1 {
            self.supports.contested.insert((fact, field));
        } else {
            self.supports.contested.remove(&(fact, field));
        }
        if count == 0 {
            self.supports.by_field.remove(&(fact, field));
        } else if was_winner && added {
            // A new value from the winner: the order of setters does not depend on it.
            self.supports
                .by_field
                .get_mut(&(fact, field))
                .expect("just supported")
                .swap(0, count - 1);
        } else if was_winner {
            self.elect(fact, field);
        } else if added && count > 1 {
            let winner = self.supports.by_field[&(fact, field)][0].0;
            if self.tms.get(winner).is_none_or(|w| w.token.is_none()) {
                // The winner lost its match in this step (a fact of its key went or
                // changed) and is undone at its end: it no longer orders the others, so
                // comparing with it alone could put any setter first.
                self.elect(fact, field);
            } else if self.cmp_setters(act, winner).is_lt() {
                self.supports
                    .by_field
                    .get_mut(&(fact, field))
                    .expect("just supported")
                    .swap(0, count - 1);
            }
        }
        self.write_winner(fact, field);
    }

    /// Puts the winning setter of a field first, comparing every setter.
    fn elect(&mut self, fact: FactId, field: FieldId) {
        let Some(supports) = self.supports.by_field.get(&(fact, field)) else {
            return;
        };
        let winner =
            (0..supports.len()).min_by(|&a, &b| self.cmp_setters(supports[a].0, supports[b].0));
        if let Some(winner) = winner.filter(|&at| at > 0) {
            self.supports
                .by_field
                .get_mut(&(fact, field))
                .expect("found above")
                .swap(0, winner);
        }
    }

    /// How two activations that set one field order: by priority, then as the agenda
    /// orders them (stratum, rule, then their keys).
    fn cmp_setters(&self, a: ActId, b: ActId) -> std::cmp::Ordering {
        let order = |act: ActId| {
            let key = &self
                .tms
                .get(act)
                .expect("supports name live activations")
                .key;
            let rule = &self.net.rules[key.rule.index()];
            (std::cmp::Reverse(rule.priority), rule.stratum, key.rule)
        };
        order(a)
            .cmp(&order(b))
            .then_with(|| self.tms.cmp_keys(&self.program, &self.store, a, b))
    }

    /// A field of `fact` that orders facts canonically changed: each contested field that
    /// an activation keyed on the fact sets gets its winner again (the oracle, which
    /// recomputes everything, would pick it by the new order).
    pub(super) fn reorder_winners(&mut self, fact: FactId) {
        if self.supports.contested.is_empty() {
            return;
        }
        let keyed_on = |atoms: &[KeyAtom]| {
            atoms
                .iter()
                .any(|atom| matches!(atom, KeyAtom::Fact(f, _) if *f == fact))
        };
        let mut again = Vec::new();
        for &(target, field) in &self.supports.contested {
            let supports = &self.supports.by_field[&(target, field)];
            if supports
                .iter()
                .any(|(act, _)| self.tms.get(*act).is_some_and(|a| keyed_on(&a.key.atoms)))
            {
                again.push((target, field));
            }
        }
        again.sort_unstable();
        for (target, field) in again {
            self.elect(target, field);
            self.write_winner(target, field);
        }
    }

    /// Writes the winning value of a field (or none, when nothing sets it).
    fn write_winner(&mut self, fact: FactId, field: FieldId) {
        let winner = self.winner(fact, field);
        if !self.store.contains(fact) {
            return;
        }
        let value = winner.flatten();
        let old = self.store.field(fact, field);
        if !same_as_written(&old, &value, self.store.interner()) {
            let _ = self.store.update(fact, field, value);
            self.modify(fact, field);
        }
    }

    /// The value of the supporting activation of the highest priority, then the least in
    /// agenda order; `None` when nothing sets the field.
    fn winner(&self, fact: FactId, field: FieldId) -> Option<Cell> {
        let act = self.winning_act(fact, field)?;
        let supports = self.supports.by_field.get(&(fact, field))?;
        supports
            .iter()
            .find(|(by, _)| *by == act)
            .map(|(_, value)| value.clone())
    }

    /// The supporting activation of the highest priority, then the least in agenda order:
    /// the first setter.
    pub(super) fn winning_act(&self, fact: FactId, field: FieldId) -> Option<ActId> {
        let supports = self.supports.by_field.get(&(fact, field))?;
        supports.first().map(|(act, _)| *act)
    }
}

fn fact_at(frame: &[Slot], slot: u16) -> Option<FactId> {
    match frame.get(usize::from(slot)) {
        Some(Slot::Fact(fact)) => Some(*fact),
        _ => None,
    }
}

fn decimal_of(value: Option<&Value>) -> reckon_fact_store::Decimal {
    match value {
        Some(Value::Decimal(d)) => *d,
        Some(Value::Int(i)) => (*i).into(),
        _ => reckon_fact_store::Decimal::ZERO,
    }
}

fn collect_allocations<'a>(code: &'a Code, out: &mut Vec<&'a Code>) {
    if matches!(code, Code::Allocate { .. }) {
        out.push(code);
    }
    code.for_each_child(&mut |child| collect_allocations(child, out));
}

/// A value as `text(value)` writes it, for an alert's message.
fn text_of(value: &Value, store: &mut impl FactStore) -> String {
    let written = prelude::call(Builtin::Text, &[Some(value.clone())], store.interner_mut());
    match written {
        Ok(Some(Value::Text(symbol))) => store.interner().resolve(symbol).to_string(),
        _ => value.display(store.interner()).to_string(),
    }
}
