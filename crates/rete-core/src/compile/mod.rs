//! Compiling the IR's expressions once, for the network: names resolved to frame
//! positions (`code.rs`, `lower.rs`) and an evaluator over frames (`eval.rs`).

mod code;
mod eval;
mod lower;

pub(crate) use code::{CalcCode, Code, Part, Slot};
pub(crate) use eval::Eval;
pub(crate) use lower::{CompileError, Compiler, Names, Place};

use reckon_fact_store::Interner;
use reckon_rule_ir::Program;

/// Compiles every calculator of `program`; a calculator's parameters are its first locals.
pub(crate) fn calcs(
    program: &Program,
    interner: &mut Interner,
) -> Result<Vec<CalcCode>, CompileError> {
    let mut compiler = Compiler { program, interner };
    program
        .calcs
        .iter()
        .map(|calc| {
            let mut names = Names::default();
            for (index, param) in calc.params.iter().enumerate() {
                names.place(*param, Place::Local(index as u16));
            }
            names.next_local = calc.params.len() as u16;
            let body = compiler.expr(&calc.body, &mut names)?;
            Ok(CalcCode {
                locals: names.next_local,
                body,
            })
        })
        .collect()
}
