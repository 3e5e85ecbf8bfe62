//! Where derived data came from: the activation that emitted a fact or set a field, and
//! the facts its match is made of, so that every output can be traced back to inputs.

use reckon_fact_store::{FactId, FactStore, FieldId};
use reckon_rule_ir::RuleId;

use super::Session;
use super::fire::ActId;
use super::tokens::{Item, TokenId, facts_of};
use crate::network::NodeKind;
use crate::order::cmp_facts;

/// The match that made a derived fact or field: the rule, and the facts it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derivation {
    /// The rule whose activation made it.
    pub rule: RuleId,
    /// The facts of the match, in binding order. For a grouped rule, the facts matched
    /// after the group (the group's own facts are its [`members`](Self::members)).
    pub matched: Vec<FactId>,
    /// The facts an aggregate over facts or an `exists` read for the match, in canonical
    /// order.
    pub read: Vec<FactId>,
    /// For a grouped rule, the facts of each match in the group, in binding order; the
    /// matches in canonical order of their facts.
    pub members: Vec<Vec<FactId>>,
}

impl<S: FactStore> Session<S> {
    /// What emitted `fact`; `None` for an input fact (or one no longer live).
    pub fn derivation(&self, fact: FactId) -> Option<Derivation> {
        let act = self.tms.acts.iter().position(|a| {
            a.as_ref()
                .is_some_and(|a| a.made.emitted_facts().any(|f| f == fact))
        })?;
        self.derivation_of(act)
    }

    /// What set the current value of `field` of `fact`; `None` when no rule sets it.
    pub fn field_derivation(&self, fact: FactId, field: FieldId) -> Option<Derivation> {
        self.derivation_of(self.winning_act(fact, field)?)
    }

    /// Why `rule` did not fire on `fact`: its conditions tried on the current facts with
    /// `fact` in its place (see [`oracle::why_not`](crate::oracle::why_not)).
    pub fn why_not(&mut self, rule: RuleId, fact: FactId) -> crate::oracle::WhyNot {
        crate::oracle::why_not(&self.program, &mut self.store, rule, fact)
    }

    fn derivation_of(&self, act: ActId) -> Option<Derivation> {
        let activation = self.tms.get(act)?;
        let mut derivation = Derivation {
            rule: activation.key.rule,
            matched: Vec::new(),
            read: Vec::new(),
            members: Vec::new(),
        };
        let Some(token) = activation.token else {
            derivation.matched = facts_of(&activation.key.atoms);
            return Some(derivation);
        };
        let mut at = Some(token);
        while let Some(id) = at {
            let token = self.tokens.get(id);
            match &token.item {
                Item::Fact(fact, _) => derivation.matched.push(*fact),
                Item::Group(group) => {
                    derivation.members = self.nodes[token.node()]
                        .groups
                        .members(&group.key)
                        .iter()
                        .map(|&member| facts_of(&self.tokens.key(member)))
                        .collect();
                    derivation.members.sort_by(|a, b| self.cmp_fact_lists(a, b));
                    break;
                }
                _ => {}
            }
            self.read_at(token.node(), token.parent(), &mut derivation.read);
            at = token.parent();
        }
        derivation.matched.reverse();
        derivation
            .read
            .sort_by(|a, b| cmp_facts(&self.program, &self.store, *a, *b));
        derivation.read.dedup();
        Some(derivation)
    }

    fn cmp_fact_lists(&self, a: &[FactId], b: &[FactId]) -> std::cmp::Ordering {
        for (x, y) in a.iter().zip(b) {
            let ordering = cmp_facts(&self.program, &self.store, *x, *y);
            if ordering.is_ne() {
                return ordering;
            }
        }
        a.len().cmp(&b.len())
    }

    /// The facts an accumulation or `exists` node read for the parent token `parent`.
    fn read_at(&self, node: usize, parent: Option<TokenId>, read: &mut Vec<FactId>) {
        let (Some(parent), NodeKind::Accumulate(_) | NodeKind::Exists(_)) =
            (parent, &self.net.nodes[node].kind)
        else {
            return;
        };
        if let Some(facts) = self.nodes[node].matched.get(&parent) {
            read.extend(facts.iter().copied());
        }
    }
}
