//! Properties of the reference evaluator (`oracle`): every generated program builds
//! without errors, checks and verifies after optimisation, and a printed case reads back
//! as itself; the oracle's outcome does not depend on the order facts were inserted in,
//! nor on the store that holds them; and it never panics.

use proptest::prelude::*;
use reckon_fact_store::FactStore;
use reckon_rete_core::{Outcome, oracle};

use super::support::{Case, Config, case};
use super::{OPTIONS, column_store, config, row_store, same, stateful, stateless};

/// The oracle's outcome on `store` with the case's facts inserted in `order`.
pub(crate) fn run<S: FactStore>(case: &Case, mut store: S, order: &[usize]) -> Outcome {
    case.load(&mut store, order);
    oracle::run(&case.program, &mut store, &OPTIONS)
}

proptest! {
    #![proptest_config(config(400))]

    /// Every generated program builds and parses back from its printed text without error
    /// diagnostics, passes the checks without errors, and verifies before and after
    /// optimisation; and the case reads back from its printed form as itself.
    #[test]
    fn generated_programs_build_check_and_verify(case in case(Config::default())) {
        case.valid()?;
        let read = Case::read(&case.source, &case.ndjson());
        read.valid()?;
        prop_assert_eq!(&read.source, &case.source);
        prop_assert_eq!(&read.program, &case.program);
        prop_assert_eq!(read.ndjson(), case.ndjson());
    }
}

proptest! {
    #![proptest_config(config(200))]

    /// Without state rules, the outcome is the same whatever order the facts are inserted
    /// in. (With them it is not always: a state rule's firings can change which of two
    /// facts equal in content orders first; see the note.)
    #[test]
    fn the_outcome_does_not_depend_on_insertion_order(
        case in case(stateless()),
        seed in any::<u64>(),
    ) {
        case.valid()?;
        let first = run(&case, column_store(&case), &case.in_order());
        let second = run(&case, column_store(&case), &case.shuffled(seed));
        same("the facts in another order give another outcome", &first, &second)?;
    }

    /// The outcome is the same on the column store and the row store.
    #[test]
    fn the_outcome_does_not_depend_on_the_store(case in case(Config::default())) {
        case.valid()?;
        let column = run(&case, column_store(&case), &case.in_order());
        let row = run(&case, row_store(&case), &case.in_order());
        same("the row store gives another outcome", &column, &row)?;
    }

    /// The oracle runs every case to an outcome, without a panic.
    #[test]
    fn the_oracle_never_panics(case in case(stateful()), seed in any::<u64>()) {
        case.valid()?;
        run(&case, row_store(&case), &case.shuffled(seed));
    }
}
