//! Any syntax tree survives the JSON form: printed as `.calc`, read, written as a JSON rule
//! document and read back, it prints as the same `.calc` text. Three things differ by design
//! and are set aside before comparing: comments (JSON has no place for them); `field:
//! field` in an emit or update, which JSON writes as the shorthand `field`; and the order of
//! items, which JSON keeps within its sections (facts and outputs, then calcs, then rules).
//! Trees that name two things alike where JSON keys them by name (two fact types or
//! calculators, two fields of a fact or emit, two parameters) are not representable (the
//! reader reports the repeated key), and are an error in `.calc` too; they are skipped.

#[path = "format/generate.rs"]
mod generate;

use proptest::prelude::*;
use reckon_calc_dsl::calc::ast::{Action, ActionKind, ExprKind, File, ItemKind, StepKind};
use reckon_calc_dsl::calc::print::print;
use reckon_calc_dsl::{Input, json, parse};

/// `file` without comments, with `field: field` written as the shorthand, and with its
/// items in the JSON sections' order.
fn as_json_keeps_it(mut file: File) -> File {
    file.trailing.clear();
    file.items.sort_by_key(|item| match item.kind {
        ItemKind::Fact(_) => 0,
        ItemKind::Calc(_) => 1,
        ItemKind::Rule(_) => 2,
    });
    for item in &mut file.items {
        item.comments.clear();
        match &mut item.kind {
            ItemKind::Fact(fact) => fact.fields.iter_mut().for_each(|f| f.comments.clear()),
            ItemKind::Calc(_) => {}
            ItemKind::Rule(rule) => {
                for step in &mut rule.steps {
                    step.comments.clear();
                    match &mut step.kind {
                        StepKind::Action(action) => shorthand(action),
                        StepKind::First(branches) => branches
                            .iter_mut()
                            .flat_map(|b| &mut b.actions)
                            .for_each(shorthand),
                        _ => {}
                    }
                }
            }
        }
    }
    file
}

/// True when two declarations, fields, parameters or given fields share a name where the
/// JSON form keys them by name.
fn repeats_a_key(file: &File) -> bool {
    fn repeats<'a>(names: impl IntoIterator<Item = &'a str>) -> bool {
        let mut seen = std::collections::HashSet::new();
        names.into_iter().any(|name| !seen.insert(name))
    }
    let actions = file.items.iter().flat_map(|item| match &item.kind {
        ItemKind::Rule(rule) => rule
            .steps
            .iter()
            .flat_map(|step| match &step.kind {
                StepKind::Action(action) => vec![action],
                StepKind::First(branches) => branches.iter().flat_map(|b| &b.actions).collect(),
                _ => Vec::new(),
            })
            .collect(),
        _ => Vec::new(),
    });
    let given = actions.into_iter().any(|action| match &action.kind {
        ActionKind::Emit { fields, .. } | ActionKind::Update { fields, .. } => {
            repeats(fields.iter().map(|f| f.name.name.as_str()))
        }
        _ => false,
    });
    let declared = file.items.iter().any(|item| match &item.kind {
        ItemKind::Fact(fact) => repeats(fact.fields.iter().map(|f| f.name.name.as_str())),
        ItemKind::Calc(calc) => repeats(calc.params.iter().map(|(p, _)| p.name.as_str())),
        ItemKind::Rule(_) => false,
    });
    let named = |calcs: bool| {
        repeats(file.items.iter().filter_map(|item| match &item.kind {
            ItemKind::Fact(fact) if !calcs => Some(fact.name.name.as_str()),
            ItemKind::Calc(calc) if calcs => Some(calc.name.name.as_str()),
            _ => None,
        }))
    };
    given || declared || named(false) || named(true)
}

fn shorthand(action: &mut Action) {
    let (ActionKind::Emit { fields, .. } | ActionKind::Update { fields, .. }) = &mut action.kind
    else {
        return;
    };
    for field in fields {
        if let Some(ExprKind::Name(name)) = field.value.as_ref().map(|v| &v.kind) {
            if name.name == field.name.name {
                field.value = None;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_tree_reads_back_from_json_as_it_was(file in generate::file()) {
        prop_assume!(!repeats_a_key(&file));
        // Reading the printed text gives the tree the spans that tell spellings apart.
        let calc = parse(&[Input::calc("any.calc", print(&file))]);
        prop_assert!(calc.diagnostics.is_empty(), "{:#?}", calc.diagnostics);
        let document = json::to_text(&calc.files[0]);
        let back = parse(&[Input::json("any.json", document.clone())]);
        prop_assert!(back.diagnostics.is_empty(), "{}\n{:#?}", document, back.diagnostics);
        let expected = print(&as_json_keeps_it(calc.files[0].clone()));
        prop_assert_eq!(print(&back.files[0]), expected, "{}", document);
    }
}
