//! Program-level checks: everything the builder cannot see from one expression at a time.
//! Each check is one file with a `check(program, out)` that appends diagnostics; `check`
//! runs them all, in a fixed order, on a program that built without errors.

mod conflicting_sets;
mod cross_products;
mod may_read_missing;
mod never_fires;
mod self_loops;
mod unused_bindings;

use crate::diagnostic::Diagnostic;
use crate::program::Program;

/// Every finding of every check, in a deterministic order (by position in the source,
/// then code).
pub fn check(program: &Program) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    unused_bindings::check(program, &mut out);
    never_fires::check(program, &mut out);
    cross_products::check(program, &mut out);
    may_read_missing::check(program, &mut out);
    self_loops::check(program, &mut out);
    conflicting_sets::check(program, &mut out);
    out.extend(crate::opt::stratify::cycles(program));
    out.sort_by_key(|d| (d.primary.span.source, d.primary.span.start, d.code));
    out
}
