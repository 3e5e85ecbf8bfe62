//! The network against the reference evaluator: on every generated case the RETE session
//! must give exactly the oracle's outcome — the same facts, derived fields, alerts, errors
//! and loop stop — whatever the store and (without state rules) the order facts arrive in;
//! with state rules, for the same order; and after random inserts, updates and retractions
//! between runs, the same facts as the oracle computes from scratch on the final input.

use proptest::prelude::*;
use reckon_fact_store::{FactId, FactStore, FactTypeId, FieldId, Value};
use reckon_rete_core::{Outcome, Session};

use super::support::{Case, Facts, case, transfer};
use super::{OPTIONS, column_store, config, oracle, row_store, same, stateful, stateless};

/// The most partial matches a case may make for the oracle to judge it: the oracle
/// recomputes every match after every firing, so its time grows with the cube of their
/// number, and the rare case far above this would take it minutes.
const ORACLE_TOKENS: usize = 2_000;

/// The network's outcome on `store` with the case's facts inserted in `order` before the
/// session starts; rejects a case too large for the oracle to judge.
fn network<S: FactStore>(
    case: &Case,
    mut store: S,
    order: &[usize],
) -> Result<Outcome, TestCaseError> {
    case.load(&mut store, order);
    let mut session = match Session::new(&case.program, store, OPTIONS) {
        Ok(session) => session,
        Err(error) => panic!("the network does not build: {error}"),
    };
    let outcome = session.run();
    prop_assume!(
        session.live_tokens() <= ORACLE_TOKENS,
        "too many matches for the oracle"
    );
    Ok(outcome)
}

proptest! {
    #![proptest_config(config(300))]

    /// The network's outcome is the oracle's.
    #[test]
    fn the_network_gives_the_oracles_outcome(case in case(stateless())) {
        case.valid()?;
        let found = network(&case, column_store(&case), &case.in_order())?;
        let expected = oracle::run(&case, column_store(&case), &case.in_order());
        same("the network differs from the oracle (oracle first)", &expected, &found)?;
    }
}

proptest! {
    #![proptest_config(config(200))]

    /// With state rules (`update`, `retract`) too, the network's outcome is the oracle's,
    /// with the facts inserted in the same order: firing order then decides, and between
    /// two facts equal in every field it goes by insertion.
    #[test]
    fn with_state_rules_the_network_gives_the_oracles_outcome(case in case(stateful())) {
        case.valid()?;
        let found = network(&case, column_store(&case), &case.in_order())?;
        let expected = oracle::run(&case, column_store(&case), &case.in_order());
        same("the network differs from the oracle (oracle first)", &expected, &found)?;
    }
}

proptest! {
    #![proptest_config(config(400))]

    /// The network's outcome is the oracle's with the facts in any order, in either store.
    #[test]
    fn the_network_does_not_depend_on_order_or_store(
        case in case(stateless()),
        seed in any::<u64>(),
    ) {
        case.valid()?;
        let found = network(&case, row_store(&case), &case.shuffled(seed))?;
        let expected = oracle::run(&case, column_store(&case), &case.in_order());
        same("the network differs from the oracle (oracle first)", &expected, &found)?;
    }
}

proptest! {
    #![proptest_config(config(300))]

    /// After inserts, updates and retractions between runs, the session holds what a
    /// fresh run of the oracle on the final input facts derives.
    #[test]
    fn incremental_changes_end_where_a_fresh_run_ends(
        case in case(stateless()),
        seed in any::<u64>(),
    ) {
        case.valid()?;
        changes_end_where_a_fresh_run_ends(&case, seed)?;
    }
}

/// Makes the changes `seed` draws on the case's facts, and checks that the session ends
/// with the facts a fresh run of the oracle derives from the final input.
pub(crate) fn changes_end_where_a_fresh_run_ends(
    case: &Case,
    seed: u64,
) -> Result<(), TestCaseError> {
    let (final_input, found, tokens) = Changes::new(case, seed).apply();
    prop_assume!(tokens <= ORACLE_TOKENS, "too many matches for the oracle");
    let mut fresh = column_store(case);
    for (fact_type, fields) in &final_input {
        let fields: Vec<Option<Value>> = fields
            .iter()
            .map(|cell| {
                cell.as_ref()
                    .map(|v| transfer(v, &case.words, fresh.interner_mut()))
            })
            .collect();
        fresh
            .insert(*fact_type, &fields, &[])
            .expect("a fact that fit before fits again");
    }
    let expected = reckon_rete_core::oracle::run(&case.program, &mut fresh, &OPTIONS);
    prop_assert!(
        expected.facts == found.facts,
        "after changes the network's facts differ from a fresh run's:\n--- fresh oracle\n{}--- network\n{}",
        expected,
        found
    );
    Ok(())
}

/// An input fact in the session: where it came from in the case, its id, and its fields
/// now (text in the case's interner).
struct Live {
    id: FactId,
    fact_type: FactTypeId,
    fields: Vec<Option<Value>>,
}

/// A random sequence of changes to a session: a random part of the case's facts loaded
/// before it starts, then rounds of inserts, field updates and retractions, each round
/// followed by a run.
struct Changes<'c> {
    case: &'c Case,
    random: SplitMix,
}

impl<'c> Changes<'c> {
    fn new(case: &'c Case, seed: u64) -> Changes<'c> {
        Changes {
            case,
            random: SplitMix(seed),
        }
    }

    /// Makes the changes; returns the final input facts (text in the case's interner),
    /// the session's final outcome and its live tokens.
    fn apply(&mut self) -> (Facts, Outcome, usize) {
        let case = self.case;
        let order = case.shuffled(self.random.next());
        let preloaded = self.random.below(order.len() + 1);
        let mut store = column_store(case);
        case.load(&mut store, &order[..preloaded]);
        let mut live: Vec<Live> = Vec::new();
        for &position in &order[..preloaded] {
            let (fact_type, fields) = case.facts[position].clone();
            let id = store
                .ids(fact_type)
                .nth(live.iter().filter(|l| l.fact_type == fact_type).count());
            let id = id.expect("the store holds the facts loaded, in order of insertion");
            live.push(Live {
                id,
                fact_type,
                fields,
            });
        }
        let mut session = Session::new(&case.program, store, OPTIONS).expect("the network builds");
        session.run();
        let mut pending = order[preloaded..].to_vec();
        for _round in 0..3 {
            // Half the rounds insert one by one, the others as one batch.
            let inserts = self.random.below(pending.len() + 1);
            let positions: Vec<usize> = pending.drain(..inserts).collect();
            let facts: Vec<_> = positions
                .iter()
                .map(|&position| case.fact(position, session.interner_mut()))
                .collect();
            let ids = if self.random.chance(50) {
                let batch = facts.iter().map(|(t, fields)| (*t, fields.as_slice()));
                session.insert_all(batch).expect("generated facts fit")
            } else {
                facts
                    .iter()
                    .map(|(t, fields)| session.insert(*t, fields).expect("a generated fact fits"))
                    .collect()
            };
            for (position, id) in positions.into_iter().zip(ids) {
                let (fact_type, fields) = case.facts[position].clone();
                live.push(Live {
                    id,
                    fact_type,
                    fields,
                });
            }
            self.update_some(&mut session, &mut live);
            self.retract_some(&mut session, &mut live);
            session.run();
        }
        let outcome = session.outcome();
        let input = live.into_iter().map(|l| (l.fact_type, l.fields)).collect();
        (input, outcome, session.live_tokens())
    }

    /// Changes one input field of about a fifth of the live facts to the value the same
    /// field has in another generated fact of the type (or to missing).
    fn update_some<S: FactStore>(&mut self, session: &mut Session<S>, live: &mut [Live]) {
        let case = self.case;
        for fact in live.iter_mut() {
            if !self.random.chance(20) {
                continue;
            }
            let decl = case.program.fact(fact.fact_type);
            let inputs: Vec<usize> = (0..decl.fields.len())
                .filter(|&f| !decl.fields[f].derived)
                .collect();
            if inputs.is_empty() {
                continue;
            }
            let field = inputs[self.random.below(inputs.len())];
            let donors: Vec<&Vec<Option<Value>>> = case
                .facts
                .iter()
                .filter(|(t, _)| *t == fact.fact_type)
                .map(|(_, fields)| fields)
                .collect();
            let value = donors[self.random.below(donors.len())][field].clone();
            let in_session = value
                .as_ref()
                .map(|v| transfer(v, &case.words, session.interner_mut()));
            let field_id = FieldId::from_index(field).expect("few fields");
            session
                .update(fact.id, field_id, in_session)
                .expect("a generated value fits");
            fact.fields[field] = value;
        }
    }

    /// Retracts about a sixth of the live facts.
    fn retract_some<S: FactStore>(&mut self, session: &mut Session<S>, live: &mut Vec<Live>) {
        let mut kept = Vec::new();
        for fact in live.drain(..) {
            if self.random.chance(16) {
                session.retract(fact.id).expect("a live fact retracts");
            } else {
                kept.push(fact);
            }
        }
        *live = kept;
    }
}

/// splitmix64: a small reproducible source of choices from one seed.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}
