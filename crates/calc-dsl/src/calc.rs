//! The `.calc` language: its lexer, syntax tree and parser.

pub mod ast;
pub(crate) mod lexer;
pub mod parser;
