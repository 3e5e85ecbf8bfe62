//! Reckon, the crate to embed: build an [`Engine`] from `.calc` files and JSON rule
//! documents, open [`Session`]s, put facts in (typed, or read from NDJSON, JSON or CSV),
//! [`run`](Session::run), and read the results in canonical order, each derived value with
//! its [`explanation`](Session::explain).
//!
//! ```
//! use reckon::{Engine, InputFormat, OutputFormat};
//!
//! let engine = Engine::builder()
//!     .calc("pay.calc", r#"
//! fact shift { id: text, hours: decimal, rate: money }
//! output pay { shift_id: text, amount: money }
//! rule "Pay"
//!   for each shift s
//!   emit pay { shift_id: s.id, amount: round(s.hours * s.rate, 2) }
//! "#)
//!     .build()?;
//! let mut session = engine.session();
//! let facts = r#"{"type":"shift","id":"S1","hours":7.5,"rate":21.10}"#;
//! session.read(facts.as_bytes(), InputFormat::Ndjson, "shifts.ndjson")?;
//! session.run();
//!
//! let mut out = Vec::new();
//! session.write(&mut out, OutputFormat::Ndjson)?;
//! assert_eq!(String::from_utf8(out).unwrap(), "\
//! {\"type\":\"shift\",\"id\":\"S1\",\"hours\":7.5,\"rate\":21.10}
//! {\"type\":\"pay\",\"shift_id\":\"S1\",\"amount\":158.25}
//! ");
//! let pay = session.facts_of("pay")?[0];
//! assert_eq!(session.explain(pay)?.to_string(), r#"{"type":"pay","shift_id":"S1","amount":158.25}
//!   by rule "Pay" (pay.calc:4:1) from:
//!   └─ {"type":"shift","id":"S1","hours":7.5,"rate":21.10}  (input)
//! "#);
//! # Ok::<(), reckon::Error>(())
//! ```
//!
//! # The API on a page
//!
//! - [`Engine::builder`] → [`EngineBuilder`]: `calc`, `json`, `file`, `backend`
//!   ([`Backend`]), `threads`, `loop_limit`, `build` → [`Engine`] or [`Error::Rules`].
//! - [`Engine`] (`Send + Sync`, cheap to clone): `session`, `rule_names`, `type_kind`
//!   ([`TypeKind`]), `partitions`, `warnings`, `node_counts`, `catalog`, `program`,
//!   `sources`.
//! - [`Session`]: facts in — `read`, `read_with`, `read_file` ([`InputFormat`]), `insert`,
//!   `text`, `update`, `retract`; `run`; results — `facts_of`, `json`, `field`, `find`,
//!   `alerts` ([`Alert`]), `errors` ([`RunError`]), `write` ([`OutputFormat`], [`Written`]),
//!   `write_csv`, `written_types`; explanations — `explain`, `explain_field`
//!   ([`Explanation`], [`Derived`]), `why_not` ([`WhyNot`]); `metrics` ([`Metrics`]).
//! - [`Error`]: the one error type, each variant naming where and what would fix it.
//!
//! With `threads(n)` and rules whose every join and grouping goes through one key (an
//! employee id, say), a session splits its facts into `n` partitions and runs them in
//! parallel; results, explanations and output order are those of a serial run.
//!
//! The layers underneath are here too, for tools: the data layer as [`facts`], the front
//! ends as [`rules`], the rule IR as [`ir`] and the RETE network as [`rete`].
#![forbid(unsafe_code)]

mod builder;
mod engine;
mod error;
mod metrics;
mod session;

pub use builder::{Backend, EngineBuilder};
pub use engine::{Engine, TypeKind};
pub use error::{Error, RuleErrors};
pub use metrics::Metrics;
pub use session::{
    Alert, Derived, Explanation, InputFormat, OutputFormat, RunError, Session, WhyNot, Written,
};

pub use reckon_fact_store::{FactId, Value};

/// The README's examples, compiled and run as doctests so that they stay true.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub use reckon_calc_dsl as rules;
pub use reckon_fact_store as facts;
pub use reckon_rete_core as rete;
pub use reckon_rule_ir as ir;
