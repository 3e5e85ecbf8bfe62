//! The RETE runtime: lowers an optimised `reckon-rule-ir` program into a network of shared
//! alpha tests, hash-indexed joins, absence and accumulate nodes, and runs it over any
//! `reckon-fact-store` backend with an agenda and truth maintenance, incrementally.
//!
//! What a run computes is defined in `docs/semantics.md`.
#![forbid(unsafe_code)]

pub mod aggregate;
mod compile;
mod hash_key;
mod maps;
pub mod network;
mod options;
pub mod oracle;
pub mod order;
pub mod outcome;
mod session;

pub use network::{BuildError, Network, NodeCounts};
pub use options::RunOptions;
pub use outcome::{Alert, Outcome, RunError, render_fact};
pub use session::{Derivation, MemoryUse, Session, Stats};
