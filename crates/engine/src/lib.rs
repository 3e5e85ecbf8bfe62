//! Reckon, the crate to embed: build an engine from `.calc` files and JSON rules, open
//! sessions, insert, update and retract facts, run, and read results with their
//! explanations. Until the engine API lands, it offers what is built: the data layer
//! (values, schemas, fact stores and fact I/O) as [`facts`], the rule front ends (`.calc`
//! and JSON, diagnostics, formatting) as [`rules`], the rule IR (its text form, checks and
//! passes) as [`ir`], and the RETE network and its sessions as [`rete`].
#![forbid(unsafe_code)]

pub use reckon_calc_dsl as rules;
pub use reckon_fact_store as facts;
pub use reckon_rete_core as rete;
pub use reckon_rule_ir as ir;
