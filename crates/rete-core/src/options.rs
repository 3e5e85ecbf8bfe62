//! How a run may be bounded.

/// Limits of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// How many times one activation key (a rule and the facts of its match, whatever their
    /// versions) may fire before the run stops with a loop error.
    pub max_firings_per_key: u32,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            max_firings_per_key: 1_000,
        }
    }
}

impl RunOptions {
    /// The message of the loop error: why the run stopped, and what to change.
    pub(crate) fn loop_message(&self) -> String {
        format!(
            "the rule fired {} times for the same facts without reaching a fixpoint: it keeps \
             changing what it matches (a rule that updates what it matches needs a condition \
             that the update makes false)",
            self.max_firings_per_key
        )
    }
}
