//! File-driven snapshot tests: each `tests/cases/*.ir` is parsed, checked and run through
//! every pass; the snapshot shows the diagnostics (rendered with line and column) and the
//! program after each pass that changed it. The IR invariants are verified after every
//! pass, and every case that parses cleanly must read back from its own printed form.
//! Adding a case means adding a file; `INSTA_UPDATE=always cargo test` records new
//! snapshots for review.

use std::fmt::Write;

use reckon_rule_ir::opt::{Ctx, PIPELINE};
use reckon_rule_ir::text::{parse, print};
use reckon_rule_ir::{Diagnostic, Severity, SourceId, check, verify};

/// Line and column (both from 1) of a byte offset.
fn place(text: &str, offset: u32) -> String {
    let before = &text[..(offset as usize).min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{line}:{column}")
}

fn render(text: &str, diagnostics: &[Diagnostic], out: &mut String) {
    for d in diagnostics {
        let kind = if d.severity() == Severity::Error {
            "error"
        } else {
            "warning"
        };
        let _ = writeln!(
            out,
            "{kind}[{}] {}: {}",
            d.code,
            place(text, d.primary.span.start),
            d.message
        );
        let _ = writeln!(
            out,
            "  at {}: {}",
            place(text, d.primary.span.start),
            d.primary.message
        );
        for label in &d.secondary {
            let _ = writeln!(
                out,
                "  see {}: {}",
                place(text, label.span.start),
                label.message
            );
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "  help: {help}");
        }
    }
}

fn run(text: &str) -> String {
    let mut out = String::new();
    let (mut program, diagnostics) = parse(text, SourceId(0));
    out.push_str("== build\n");
    render(text, &diagnostics, &mut out);
    if diagnostics.iter().any(|d| d.severity() == Severity::Error) {
        return out;
    }
    let printed = print(&program);
    let (again, reread) = parse(&printed, SourceId(0));
    assert!(
        reread.is_empty(),
        "the printed form does not read back:\n{printed}\n{reread:#?}"
    );
    assert_eq!(
        print(&again),
        printed,
        "print(parse(print(p))) differs from print(p)"
    );
    verify::verify(&program)
        .unwrap_or_else(|problems| panic!("the parsed program is invalid: {problems:#?}"));

    let findings = check::check(&program);
    out.push_str("== check\n");
    render(text, &findings, &mut out);
    if findings.iter().any(|d| d.severity() == Severity::Error) {
        return out;
    }
    let ctx = Ctx::default();
    for (name, pass) in PIPELINE {
        let before = print(&program);
        pass(&mut program, &ctx);
        verify::verify(&program)
            .unwrap_or_else(|problems| panic!("pass {name} broke the IR: {problems:#?}"));
        let after = print(&program);
        if after == before {
            let _ = writeln!(out, "== {name}: unchanged");
        } else {
            let _ = writeln!(out, "== {name}");
            out.push_str(&after);
            let (reparsed, problems) = parse(&after, SourceId(0));
            assert!(
                problems.is_empty(),
                "the output of {name} does not read back:\n{after}\n{problems:#?}"
            );
            assert_eq!(
                print(&reparsed),
                after,
                "the output of {name} does not print back the same"
            );
        }
    }
    out
}

#[test]
fn cases() {
    insta::glob!("cases/*.ir", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(run(&text));
    });
}
