//! Alpha-test sharing (hash-consing). Invariant established: `program.alpha` holds exactly
//! one shared test per distinct single-fact test of the program — distinct by fact type and
//! by the test's text with the tested fact written `it` (spans do not matter) — numbered in
//! order of first use (rules in order, then conditions, then tests); every test of every
//! pattern (matches, `next`, `no`, `exists`, accumulations) names its shared test; and each
//! shared test's `uses` counts the patterns that make it. The network builds one alpha
//! node per shared test, so a test written by 2,000 rules is evaluated once per fact.
//!
//! The table is rebuilt from scratch each time, so it never keeps a test no pattern makes.

use std::collections::HashMap;

use reckon_fact_store::FactTypeId;

use crate::expr::{Expr, ExprKind};
use crate::ids::{AlphaId, BindingId, VarId};
use crate::opt::{Changed, Ctx};
use crate::program::{AlphaTest, Program};
use crate::rule::{Condition, Pattern};
use crate::text::print_expr;

/// The pass's name.
pub const NAME: &str = "share_alpha_tests";

/// How much the program's single-fact tests share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sharing {
    /// Single-fact tests across all patterns of all rules (each test of each pattern
    /// counted once).
    pub tests: usize,
    /// Distinct tests among them: the shared tests the network evaluates.
    pub shared: usize,
}

/// The sharing the program's tests allow, whether or not this pass has run: the numbers
/// of alpha tests before (`tests`) and after (`shared`) sharing.
pub fn statistics(program: &Program) -> Sharing {
    let mut table = Table::default();
    let mut tests = 0;
    for pattern in patterns(program) {
        for test in &pattern.tests {
            tests += 1;
            table.id(program, pattern, &test.expr);
        }
    }
    Sharing {
        tests,
        shared: table.alpha.len(),
    }
}

/// Rebuilds the table of shared tests and links every test to its entry.
pub fn run(program: &mut Program, _ctx: &Ctx) -> Changed {
    let mut table = Table::default();
    let mut links: Vec<AlphaId> = Vec::new();
    for pattern in patterns(program) {
        let first = links.len();
        for test in &pattern.tests {
            let id = table.id(program, pattern, &test.expr);
            // A pattern that makes a test twice still counts once.
            if !links[first..].contains(&id) {
                table.alpha[id.index()].uses += 1;
            }
            links.push(id);
        }
    }
    let mut changed = program.alpha != table.alpha;
    let mut links = links.into_iter();
    for rule in &mut program.rules {
        for pattern in rule
            .conditions
            .iter_mut()
            .filter_map(Condition::pattern_mut)
        {
            for test in &mut pattern.tests {
                let id = links.next().expect("one link per test");
                changed |= test.alpha != Some(id);
                test.alpha = Some(id);
            }
        }
    }
    program.alpha = table.alpha;
    Changed::from(changed)
}

/// Every pattern of every rule, in rule and condition order.
fn patterns(program: &Program) -> impl Iterator<Item = &Pattern> {
    program
        .rules
        .iter()
        .flat_map(|rule| rule.conditions.iter().filter_map(Condition::pattern))
}

/// Shared tests by key.
#[derive(Default)]
struct Table {
    alpha: Vec<AlphaTest>,
    ids: HashMap<(FactTypeId, String), AlphaId>,
}

impl Table {
    /// The shared test for `expr`, a test of `pattern`, made on first use.
    fn id(&mut self, program: &Program, pattern: &Pattern, expr: &Expr) -> AlphaId {
        let fact_type = pattern.fact_type;
        let subject = as_subject(expr, pattern.binding);
        let key = (fact_type, print_expr(program, None, &subject));
        if let Some(id) = self.ids.get(&key) {
            return *id;
        }
        let id = AlphaId::from_index(self.alpha.len());
        self.alpha.push(AlphaTest {
            id,
            fact_type,
            expr: subject,
            uses: 0,
        });
        self.ids.insert(key, id);
        id
    }
}

/// `expr` with the tested fact as [`BindingId::SUBJECT`], and the element variables of
/// its comprehensions numbered from 0 in the order the text form declares them, so that the
/// shared test reads back from its text and equal tests of different rules print alike.
fn as_subject(expr: &Expr, binding: BindingId) -> Expr {
    let mut subject = expr.clone();
    let mut renamed: Vec<(VarId, VarId)> = Vec::new();
    number_vars(expr, &mut renamed);
    rewrite(&mut subject, binding, &renamed);
    subject
}

/// Lists comprehension variables in declaration order: a comprehension's source is read
/// before its variable is declared.
fn number_vars(expr: &Expr, renamed: &mut Vec<(VarId, VarId)>) {
    if let ExprKind::Comprehension(c) = &expr.kind {
        number_vars(&c.source, renamed);
        let next = VarId::from_index(renamed.len());
        renamed.push((c.var, next));
        for part in c.filter.iter().chain(&c.value).chain(&c.default) {
            number_vars(part, renamed);
        }
        return;
    }
    for child in expr.children() {
        number_vars(child, renamed);
    }
}

fn rewrite(expr: &mut Expr, binding: BindingId, renamed: &[(VarId, VarId)]) {
    let rename = |var: VarId| {
        renamed
            .iter()
            .find(|(old, _)| *old == var)
            .map_or(var, |(_, new)| *new)
    };
    match &mut expr.kind {
        ExprKind::Field { binding: read, .. } if *read == binding => *read = BindingId::SUBJECT,
        ExprKind::Var(var) => *var = rename(*var),
        ExprKind::Comprehension(c) => c.var = rename(c.var),
        _ => {}
    }
    for child in expr.children_mut() {
        rewrite(child, binding, renamed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SourceId;
    use crate::text::{parse, print};

    const PROGRAM: &str = r#"
fact shift {
  id: text
  code: text
  breaks: list<int>
}
fact bonus {
  code: text
}

rule r0 "a" {
  match s: shift
    test s.code == "a"
}

rule r1 "b" {
  match b: bonus
    test b.code == "a"
  match t: shift
    test t.code == "a"
  no o: shift
    test o.code == "a"
    test o.code == "a"
    join o.id == t.id
}
"#;

    #[test]
    fn equal_tests_of_a_type_share_one_entry() {
        let (mut program, diagnostics) = parse(PROGRAM, SourceId(0));
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let before = statistics(&program);
        assert_eq!(
            before,
            Sharing {
                tests: 5,
                shared: 2
            }
        );
        assert_eq!(run(&mut program, &Ctx::default()), Changed::Yes);
        assert_eq!(run(&mut program, &Ctx::default()), Changed::No);
        assert_eq!(statistics(&program), before);
        crate::verify::verify(&program).unwrap();
        let text = print(&program);
        assert!(text.contains("alpha a0 shift: (it.code == \"a\") uses 3\nalpha a1 bonus: (it.code == \"a\") uses 1\n"), "{text}");
        assert!(
            text.contains(
                "  no o: shift\n    test [a0] (o.code == \"a\")\n    test [a0] (o.code == \"a\")\n"
            ),
            "{text}"
        );
        let (again, problems) = parse(&text, SourceId(0));
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(print(&again), text);
    }

    #[test]
    fn comprehension_variables_are_numbered_as_the_text_declares_them() {
        let rules = r#"
rule r2 "c" {
  match s: shift
    join max(for x in s.breaks where x > 0 yield x default 0) > max(for y in s.breaks yield y default 0)
}
"#;
        let (mut program, diagnostics) = parse(&format!("{PROGRAM}{rules}"), SourceId(0));
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        // A test whose comprehension variables are its own is a single-fact test.
        assert_eq!(
            program.rules[2].conditions[0]
                .pattern()
                .unwrap()
                .tests
                .len(),
            1
        );
        run(&mut program, &Ctx::default());
        crate::verify::verify(&program).unwrap();
        let text = print(&program);
        assert!(text.contains("(max(for v0 in it.breaks where (v0 > 0) yield v0 default 0) > max(for v1 in it.breaks yield v1 default 0))"), "{text}");
    }

    #[test]
    fn idempotent_on_every_case() {
        crate::opt::fold_constants::assert_idempotent_on_cases(NAME, run);
    }
}
