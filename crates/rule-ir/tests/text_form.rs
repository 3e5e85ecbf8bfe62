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

#[test]
fn names_that_look_like_keywords_read_back() {
    let text = "
fact any {
  x: int
  optional: int
  rule: int
  stratum: text
  odd: {`first name`: text, `match`: int}
}

calc pick(r: {stratum: int}) -> int =
  r.stratum

rule r0 \"Keys\" {
  match a: any
  set a.x = {alpha: 1}.alpha
}

stratum 0: r0 partition any.rule
";
    let (program, diagnostics) = parse(text, SourceId(0));
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.code != reckon_rule_ir::Code::SetOnInputField)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(program.facts[0].fields.len(), 5);
    let printed = print(&program);
    assert!(
        printed.contains("odd: {`first name`: text, match: int}"),
        "{printed}"
    );
    assert!(printed.contains("partition any.rule"), "{printed}");
    let (again, _) = parse(&printed, SourceId(0));
    assert_eq!(print(&again), printed);
}

#[test]
fn negative_zero_prints_as_it_reads_back() {
    let text = "
fact t {
  x: decimal derived
}

rule r0 \"Zero\" {
  match a: t
  set a.x = -0.00
}
";
    let (program, diagnostics) = parse(text, SourceId(0));
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let printed = print(&program);
    assert!(printed.contains("set a.x = 0.00"), "{printed}");
    assert_eq!(print(&parse(&printed, SourceId(0)).0), printed);
}

#[test]
fn deep_nesting_is_refused_without_exhausting_the_stack() {
    for (what, body) in [
        (
            "parentheses",
            format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000)),
        ),
        ("negations", format!("{}true", "not ".repeat(10_000))),
        (
            "lists",
            format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000)),
        ),
        ("a long chain", format!("1{}", " + 1".repeat(10_000))),
    ] {
        let text = format!("calc f() -> any =\n  {body}\n");
        let (program, diagnostics) = parse(&text, SourceId(0));
        assert!(
            diagnostics
                .iter()
                .any(|d| d.message.contains("nested deeper than")),
            "{what}: {diagnostics:#?}"
        );
        print(&program);
    }
    let fine = format!(
        "calc f() -> int =\n  {}1{}\n",
        "(".repeat(100),
        ")".repeat(100)
    );
    assert!(parse(&fine, SourceId(0)).1.is_empty());
}
