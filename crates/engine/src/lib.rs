//! Reckon, the crate to embed: build an engine from `.calc` files and JSON rules, open
//! sessions, insert, update and retract facts, run, and read results with their
//! explanations. Until the rule front ends and the RETE core land, it offers the data
//! layer they run over: values, schemas, fact stores and fact I/O, as [`facts`].
#![forbid(unsafe_code)]

pub use reckon_fact_store as facts;
