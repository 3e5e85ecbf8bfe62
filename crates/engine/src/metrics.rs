//! What a session has done, as numbers a program can read (the same figures `tracing`
//! spans carry as timings).

/// Counts and times of a session so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Metrics {
    /// Input facts inserted, updated or retracted, all told.
    pub facts_processed: u64,
    /// Input facts live now.
    pub facts_in: usize,
    /// Derived facts live now.
    pub facts_derived: usize,
    /// Matches (or groups) that passed all of a rule's conditions.
    pub activations: u64,
    /// Activations fired.
    pub rules_fired: u64,
    /// Time spent reading facts in and propagating them, in nanoseconds.
    pub load_time_ns: u64,
    /// Time spent in runs, in nanoseconds.
    pub evaluation_time_ns: u64,
    /// Estimated bytes held by the facts and the network's memories.
    pub memory_used_bytes: usize,
    /// Nodes in the network.
    pub nodes: usize,
}
