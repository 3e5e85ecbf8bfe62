//! The `.calc` language: its lexer, syntax tree, parser and canonical printer.

pub mod ast;
pub(crate) mod lexer;
pub mod parser;
pub mod print;
