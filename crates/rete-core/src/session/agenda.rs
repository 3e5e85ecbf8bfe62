//! Pending activations in firing order: stratum, then priority (higher first), then rule;
//! within one rule, any order when no rule updates or retracts (the result is the same),
//! and the activation keys' facts in canonical order otherwise (`docs/semantics.md`).

use std::cmp::Reverse;
use std::collections::BTreeMap;

use reckon_fact_store::FactStore;
use reckon_rule_ir::RuleId;

use super::Session;
use super::fire::ActId;

/// The pending activations, by (stratum, priority, rule).
#[derive(Debug, Default)]
pub(crate) struct Agenda {
    buckets: BTreeMap<(u32, Reverse<i32>, RuleId), Vec<ActId>>,
}

impl Agenda {
    /// The stratum of the first bucket: no pending activation is in a lower one (the
    /// bucket may hold only activations that stopped being pending).
    pub(crate) fn first_stratum(&self) -> Option<u32> {
        self.buckets.keys().next().map(|(stratum, _, _)| *stratum)
    }

    /// Adds a pending activation.
    pub(crate) fn push(&mut self, stratum: u32, priority: i32, rule: RuleId, act: ActId) {
        self.buckets
            .entry((stratum, Reverse(priority), rule))
            .or_default()
            .push(act);
    }
}

impl<S: FactStore> Session<S> {
    /// Takes the next activation to fire, skipping any that stopped being pending.
    pub(super) fn next_activation(&mut self) -> Option<ActId> {
        loop {
            let (&bucket, acts) = self.agenda.buckets.iter_mut().next()?;
            let picked = if self.net.stateful {
                acts.retain(|act| self.tms.is_pending(*act, bucket.2));
                let mut best = None;
                for index in 0..acts.len() {
                    if best.is_none_or(|b: usize| {
                        self.tms
                            .cmp_keys(&self.program, &self.store, acts[index], acts[b])
                            .is_lt()
                    }) {
                        best = Some(index);
                    }
                }
                best.map(|index| acts.swap_remove(index))
            } else {
                // Any order will do: take from the end, dropping what is no longer pending.
                let mut found = None;
                while let Some(act) = acts.pop() {
                    if self.tms.is_pending(act, bucket.2) {
                        found = Some(act);
                        break;
                    }
                }
                found
            };
            if acts.is_empty() {
                self.agenda.buckets.remove(&bucket);
            }
            if picked.is_some() {
                return picked;
            }
        }
    }
}
