//! What a session has done, as numbers a program can read (the same figures `tracing`
//! spans carry as timings).

/// Counts and times of a session so far.
///
/// ```
/// # let rules = "fact shift { id: text, hours: decimal }\noutput long_shift { shift_id: text }\nrule \"Long shift\"\n  for each shift s where s.hours > 12\n  emit long_shift { shift_id: s.id }\n";
/// # let engine = reckon::Engine::builder().calc("shifts.calc", rules).build()?;
/// # let mut session = engine.session();
/// # let facts = "{\"type\":\"shift\",\"id\":\"S1\",\"hours\":13}\n{\"type\":\"shift\",\"id\":\"S2\",\"hours\":8}\n";
/// # session.read(facts.as_bytes(), reckon::InputFormat::Ndjson, "shifts.ndjson")?;
/// # session.run();
/// let metrics = session.metrics();
/// assert_eq!((metrics.facts_in, metrics.facts_derived, metrics.rules_fired), (2, 1, 1));
/// # Ok::<(), reckon::Error>(())
/// ```
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
    /// The part of `load_time_ns` spent reading and parsing facts into the fact store,
    /// before any reached the network.
    pub parse_time_ns: u64,
    /// Time spent in runs, in nanoseconds.
    pub evaluation_time_ns: u64,
    /// Estimated bytes held by the facts and the network's memories.
    pub memory_used_bytes: usize,
    /// Nodes in the network.
    pub nodes: usize,
}
