//! The text form reads back to the same program: `print(parse(text)) == text` for printed
//! programs, and parsing hand-written IR reports what is wrong with a place.

use reckon_rule_ir::SourceId;
use reckon_rule_ir::text::{parse, print};

#[test]
fn the_workforce_program_prints_and_reads_back() {
    let text = include_str!("cases/workforce_core.ir");
    let (program, diagnostics) = parse(text, SourceId(0));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let printed = print(&program);
    let (again, diagnostics) = parse(&printed, SourceId(0));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}\n{printed}");
    assert_eq!(print(&again), printed);
}
