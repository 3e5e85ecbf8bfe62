//! Run-time errors, truth-maintained: an error is met evaluating something (a fact's
//! tests, a partial match at a node, a group, an activation's actions), and it stands
//! exactly as long as what it was met on. A match that propagation makes and unmakes on
//! the way to the fixpoint (say, before the fact that blocks a `no` arrives) leaves no
//! error behind, so the errors reported are those of the final state, in any input order.

use crate::maps::HashMap;

use reckon_fact_store::FactId;
use reckon_rule_ir::{RuleId, Span};

use super::fire::ActId;
use super::tokens::{Key, TokenId};
use crate::network::NodeId;
use crate::outcome::{Raised, RunError};

/// What an error was met on. Each falls (taking its errors with it) when it is undone or
/// evaluated afresh.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Basis {
    /// A fact's single-fact tests.
    Fact(FactId),
    /// A fact on the right side of a node (its join key, or a residual test with a match).
    Right(NodeId, FactId),
    /// A partial match.
    Token(TokenId),
    /// An accumulation's fold for one partial match.
    Fold(NodeId, TokenId),
    /// A group's keys and aggregates.
    Group(NodeId, Key),
    /// An activation's actions.
    Act(ActId),
}

/// What identifies an error: rule, span, message and the facts it names.
pub(crate) type Identity = (RuleId, Span, String, Vec<FactId>);

/// One time an error was met: it stands until any of its bases falls. Its place is
/// reused once it has fallen; the generation tells a reference to the old sighting (left
/// on another of its bases) from the new one.
#[derive(Debug)]
struct Sighting {
    error: usize,
    generation: u32,
    standing: bool,
}

/// The errors met so far, and which of them still stand.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    raised: Vec<Raised<RunError>>,
    by_identity: HashMap<Identity, usize>,
    /// How many standing sightings each error has.
    standing: Vec<u32>,
    sightings: Vec<Sighting>,
    /// Places of fallen sightings, to reuse.
    free: Vec<usize>,
    /// The sightings met on each basis, as (place, generation).
    on: HashMap<Basis, Vec<(usize, u32)>>,
}

impl Errors {
    /// Records that the error `identity` (raised by `raise` when first met) was met on
    /// all of `bases`: it stands until one of them falls.
    pub(crate) fn sight(
        &mut self,
        identity: Identity,
        bases: &[Basis],
        raise: impl FnOnce(&Identity) -> Raised<RunError>,
    ) {
        let error = match self.by_identity.get(&identity) {
            Some(&error) => error,
            None => {
                self.raised.push(raise(&identity));
                self.standing.push(0);
                self.by_identity.insert(identity, self.raised.len() - 1);
                self.raised.len() - 1
            }
        };
        let (place, generation) = match self.free.pop() {
            Some(place) => {
                let sighting = &mut self.sightings[place];
                sighting.error = error;
                sighting.generation = sighting.generation.wrapping_add(1);
                sighting.standing = true;
                (place, sighting.generation)
            }
            None => {
                self.sightings.push(Sighting {
                    error,
                    generation: 0,
                    standing: true,
                });
                (self.sightings.len() - 1, 0)
            }
        };
        self.standing[error] += 1;
        for basis in bases {
            self.on
                .entry(basis.clone())
                .or_default()
                .push((place, generation));
        }
    }

    /// `basis` is undone or about to be evaluated afresh: the errors met on it fall
    /// (unless met again elsewhere). Cheap when no error was ever met.
    pub(crate) fn fall(&mut self, basis: &Basis) {
        if self.on.is_empty() {
            return;
        }
        let Some(sightings) = self.on.remove(basis) else {
            return;
        };
        for (place, generation) in sightings {
            let sighting = &mut self.sightings[place];
            if sighting.standing && sighting.generation == generation {
                sighting.standing = false;
                self.standing[sighting.error] -= 1;
                self.free.push(place);
            }
        }
    }

    /// The errors that stand, in the order first met.
    pub(crate) fn standing(&self) -> Vec<Raised<RunError>> {
        self.raised
            .iter()
            .zip(&self.standing)
            .filter(|(_, count)| **count > 0)
            .map(|(raised, _)| raised.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reckon_fact_store::{Catalog, ColumnStore};
    use reckon_rule_ir::Program;

    fn raised(_: &Identity) -> Raised<RunError> {
        let error = RunError {
            rule: RuleId::from_index(0),
            span: Span::default(),
            message: "division by zero".to_string(),
            facts: Vec::new(),
        };
        let program = Program::default();
        let store = ColumnStore::new(Catalog::default().into());
        Raised::new(&program, &store, error, Vec::new())
    }

    fn identity() -> Identity {
        let rule = RuleId::from_index(0);
        (
            rule,
            Span::default(),
            "division by zero".to_string(),
            vec![],
        )
    }

    #[test]
    fn an_error_stands_while_any_sighting_stands() {
        let mut errors = Errors::default();
        errors.sight(identity(), &[Basis::Token(1), Basis::Act(7)], raised);
        errors.sight(identity(), &[Basis::Token(2)], raised);
        assert_eq!(errors.standing().len(), 1);
        errors.fall(&Basis::Act(7));
        assert_eq!(errors.standing().len(), 1, "the second sighting stands");
        errors.fall(&Basis::Token(2));
        assert!(errors.standing().is_empty());
        errors.fall(&Basis::Token(1));
        assert!(errors.standing().is_empty(), "a fallen sighting falls once");
        errors.sight(identity(), &[Basis::Token(1)], raised);
        assert_eq!(errors.standing().len(), 1, "met again, it stands again");
    }

    #[test]
    fn a_reused_sighting_does_not_fall_with_its_predecessors_bases() {
        let mut errors = Errors::default();
        errors.sight(identity(), &[Basis::Token(1), Basis::Act(7)], raised);
        errors.fall(&Basis::Token(1));
        // The fallen sighting's place is reused; `Act(7)` still names the old one.
        errors.sight(identity(), &[Basis::Token(2)], raised);
        assert_eq!(errors.sightings.len(), 1, "the place was reused");
        errors.fall(&Basis::Act(7));
        assert_eq!(errors.standing().len(), 1, "the new sighting stands");
        errors.fall(&Basis::Token(2));
        assert!(errors.standing().is_empty());
    }
}
