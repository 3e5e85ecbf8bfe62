//! Constant folding. Invariant established: no expression of the program (calculator
//! bodies, shared tests, every expression of every rule) has a unary, binary, `in` or `if`
//! node that could be evaluated now — one whose operands (for `if`, whose condition) are
//! literals — unless evaluating it fails (division by zero, overflow: the runtime reports
//! those) or its result would change the node's type; `and`/`or` with a literal operand
//! are simplified; templates have no two adjacent text parts and no text literal as a
//! value, and a template of text alone is a literal; no pattern test, join test, guard or
//! comprehension filter is the literal `true`; and no join test reads only its own fact.
//!
//! Values come from [`crate::ops`], the one definition of the operators, so folding can
//! never disagree with the runtime. A folded node keeps its span and its type: a literal
//! replaces a node only when it has the node's type (an int becomes a decimal literal where
//! the node is a decimal), and an `if` gives way to its branch only when the branch has
//! the `if`'s type, so no type written elsewhere in the program changes. Calls are
//! not folded: built-in functions have no evaluator here.
//!
//! `x and false` is `false` and `x or true` is `true` everywhere (expressions are pure). `x
//! and true` and `x or false` are `x` only where just whether the value holds matters — a
//! test, a guard, an `if` condition, a comprehension filter, an operand of `and`/`or` — since
//! elsewhere they differ when `x` is missing or null (`and` gives `false`, `x` gives missing).

use reckon_fact_store::{Interner, Value, ValueType};

use crate::expr::{BinaryOp, Expr, ExprKind, Literal, TemplatePart};
use crate::ops;
use crate::opt::normalize_conditions::is_test;
use crate::opt::{Changed, Ctx};
use crate::program::Program;
use crate::rule::{Condition, Pattern, Rule};

/// The pass's name.
pub const NAME: &str = "fold_constants";

/// Folds every constant subexpression of the program.
pub fn run(program: &mut Program, _ctx: &Ctx) -> Changed {
    let mut folder = Folder {
        interner: Interner::new(),
        changed: false,
    };
    for calc in &mut program.calcs {
        folder.fold(&mut calc.body, false);
    }
    for alpha in &mut program.alpha {
        folder.fold(&mut alpha.expr, true);
    }
    for rule in &mut program.rules {
        folder.rule(rule);
    }
    Changed::from(folder.changed)
}

struct Folder {
    /// Scratch text storage for evaluating text literals.
    interner: Interner,
    changed: bool,
}

impl Folder {
    fn rule(&mut self, rule: &mut Rule) {
        for condition in &mut rule.conditions {
            match condition {
                Condition::Match(pattern)
                | Condition::Absent(pattern)
                | Condition::Exists(pattern) => self.pattern(pattern),
                Condition::Accumulate(accumulate) => {
                    self.pattern(&mut accumulate.pattern);
                    for expr in accumulate
                        .value
                        .iter_mut()
                        .chain(accumulate.default.iter_mut())
                    {
                        self.fold(expr, false);
                    }
                }
                Condition::Expand(expand) => self.fold(&mut expand.source, false),
                Condition::Let(let_) => self.fold(&mut let_.value, false),
                Condition::Guard(guard) => self.fold(guard, true),
            }
        }
        self.drop_true_guards(&mut rule.conditions);
        if let Some(group) = &mut rule.group {
            for key in &mut group.keys {
                if let crate::rule::GroupKey::Value { expr, .. } = key {
                    self.fold(expr, false);
                }
            }
            for aggregate in &mut group.aggregates {
                if let Some(value) = &mut aggregate.value {
                    self.fold(value, false);
                }
            }
            for condition in &mut group.then {
                match condition {
                    Condition::Guard(guard) => self.fold(guard, true),
                    other => {
                        for expr in other.exprs_mut() {
                            self.fold(expr, false);
                        }
                    }
                }
            }
            self.drop_true_guards(&mut group.then);
        }
        for action in &mut rule.actions {
            for expr in action.exprs_mut() {
                self.fold(expr, false);
            }
        }
    }

    /// Folds a pattern's tests and joins, drops those that became `true`, and makes a join
    /// that now reads only the pattern's fact a test, as the builder would have.
    fn pattern(&mut self, pattern: &mut Pattern) {
        for test in &mut pattern.tests {
            self.fold(&mut test.expr, true);
        }
        for join in &mut pattern.joins {
            self.fold(join, true);
        }
        let before = pattern.tests.len() + pattern.joins.len();
        pattern.tests.retain(|test| !is_true(&test.expr));
        pattern.joins.retain(|join| !is_true(join));
        let (tests, joins): (Vec<Expr>, Vec<Expr>) = std::mem::take(&mut pattern.joins)
            .into_iter()
            .partition(|join| is_test(join, pattern.binding));
        self.changed |=
            !tests.is_empty() || pattern.tests.len() + joins.len() + tests.len() != before;
        pattern.joins = joins;
        pattern.tests.extend(
            tests
                .into_iter()
                .map(|expr| crate::rule::Test { expr, alpha: None }),
        );
    }

    fn drop_true_guards(&mut self, conditions: &mut Vec<Condition>) {
        let before = conditions.len();
        conditions
            .retain(|condition| !matches!(condition, Condition::Guard(guard) if is_true(guard)));
        self.changed |= conditions.len() != before;
    }

    /// Folds `expr` in place, children first. `truthy` when only whether the value holds
    /// matters where it stands.
    fn fold(&mut self, expr: &mut Expr, truthy: bool) {
        match &mut expr.kind {
            ExprKind::Binary {
                op: BinaryOp::And | BinaryOp::Or,
                left,
                right,
            } => {
                self.fold(left, true);
                self.fold(right, true);
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                self.fold(condition, true);
                self.fold(then, truthy);
                self.fold(otherwise, truthy);
            }
            ExprKind::Comprehension(c) => {
                self.fold(&mut c.source, false);
                if let Some(filter) = &mut c.filter {
                    self.fold(filter, true);
                    if is_true(filter) {
                        c.filter = None;
                        self.changed = true;
                    }
                }
                for part in c.value.iter_mut().chain(c.default.iter_mut()) {
                    self.fold(part, false);
                }
            }
            _ => {
                for child in expr.children_mut() {
                    self.fold(child, false);
                }
            }
        }
        if let Some(folded) = self.evaluate(expr, truthy) {
            *expr = folded;
            self.changed = true;
        }
    }

    /// The node's folded form, if it has one (its children are already folded).
    fn evaluate(&mut self, expr: &Expr, truthy: bool) -> Option<Expr> {
        let keep = |operand: &Expr| truthy.then(|| operand.clone());
        match &expr.kind {
            ExprKind::Unary { op, operand } => {
                let value = self.value(operand)?;
                let result = ops::unary(*op, &Some(value)).ok()?;
                self.literal(result, expr)
            }
            ExprKind::Binary {
                op: BinaryOp::And,
                left,
                right,
            } => match (truth(left), truth(right)) {
                (Some(false), _) | (_, Some(false)) => Some(boolean(false, expr)),
                (Some(true), Some(true)) => Some(boolean(true, expr)),
                (Some(true), None) => keep(right),
                (None, Some(true)) => keep(left),
                (None, None) => None,
            },
            ExprKind::Binary {
                op: BinaryOp::Or,
                left,
                right,
            } => match (truth(left), truth(right)) {
                (Some(true), _) | (_, Some(true)) => Some(boolean(true, expr)),
                (Some(false), Some(false)) => Some(boolean(false, expr)),
                (Some(false), None) => keep(right),
                (None, Some(false)) => keep(left),
                (None, None) => None,
            },
            ExprKind::Binary { op, left, right } => {
                let (left, right) = (self.value(left)?, self.value(right)?);
                let result = ops::binary(*op, &Some(left), &Some(right), &self.interner).ok()?;
                self.literal(result, expr)
            }
            ExprKind::In { value, list } => {
                let value = self.value(value)?;
                let mut found = false;
                for item in list {
                    let item = self.value(item)?;
                    found |= ops::compare(BinaryOp::Eq, &value, &item, &self.interner);
                }
                Some(boolean(found, expr))
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                let literal = condition.as_literal()?;
                let holds = matches!(literal, Literal::Bool(true));
                let branch = if holds { then } else { otherwise };
                retyped(branch, &expr.ty).or_else(|| keep(branch))
            }
            ExprKind::Template(parts) => template(parts, expr),
            _ => None,
        }
    }

    /// The value of a literal operand.
    fn value(&mut self, operand: &Expr) -> Option<Value> {
        ops::literal_value(operand.as_literal()?, &mut self.interner).ok()
    }

    /// The literal of a result, where it has one of the node's type.
    fn literal(&self, result: ops::Cell, node: &Expr) -> Option<Expr> {
        let literal = ops::value_literal(&result?, &self.interner)?;
        retyped(&Expr::literal(literal, node.span), &node.ty)
    }
}

/// `expr` as a node of type `ty`: itself when it has that type, an int literal as a
/// decimal literal where a decimal is expected; `None` otherwise.
fn retyped(expr: &Expr, ty: &ValueType) -> Option<Expr> {
    if expr.ty == *ty {
        return Some(expr.clone());
    }
    match (&expr.kind, ty) {
        (ExprKind::Literal(Literal::Int(i)), ValueType::Decimal) => {
            Some(Expr::literal(Literal::Decimal((*i).into()), expr.span))
        }
        _ => None,
    }
}

/// Whether a literal operand of `and`/`or` holds; `None` for a non-literal.
fn truth(expr: &Expr) -> Option<bool> {
    expr.as_literal()
        .map(|literal| matches!(literal, Literal::Bool(true)))
}

fn is_true(expr: &Expr) -> bool {
    matches!(expr.as_literal(), Some(Literal::Bool(true)))
}

fn boolean(value: bool, node: &Expr) -> Expr {
    Expr::literal(Literal::Bool(value), node.span)
}

/// A template with adjacent text merged and text literals taken in; a literal when only
/// text is left; `None` when nothing changes.
fn template(parts: &[TemplatePart], node: &Expr) -> Option<Expr> {
    let mut merged: Vec<TemplatePart> = Vec::with_capacity(parts.len());
    for part in parts {
        let text = match part {
            TemplatePart::Text(text) => Some(text),
            TemplatePart::Value(Expr {
                kind: ExprKind::Literal(Literal::Text(text)),
                ..
            }) => Some(text),
            TemplatePart::Value(_) => None,
        };
        match (text, merged.last_mut()) {
            (Some(text), _) if text.is_empty() => {}
            (Some(text), Some(TemplatePart::Text(previous))) => previous.push_str(text),
            (Some(text), _) => merged.push(TemplatePart::Text(text.clone())),
            (None, _) => merged.push(part.clone()),
        }
    }
    if merged
        .iter()
        .all(|part| matches!(part, TemplatePart::Text(_)))
    {
        let text: String = merged
            .iter()
            .map(|part| match part {
                TemplatePart::Text(text) => text.as_str(),
                TemplatePart::Value(_) => "",
            })
            .collect();
        return Some(Expr::literal(Literal::Text(text), node.span));
    }
    (merged != parts).then(|| Expr::new(ExprKind::Template(merged), node.ty.clone(), node.span))
}

/// Checks, on every case of `tests/cases` that builds and checks without errors, that
/// `pass` (called `name` in the pipeline) changes nothing when run a second time, both on the parsed program and after
/// the passes before it in the pipeline, and that its output verifies and reads back.
#[cfg(test)]
pub(crate) fn assert_idempotent_on_cases(name: &str, pass: crate::opt::Pass) {
    use crate::text::{parse, print};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    let ctx = Ctx::default();
    for path in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ir"))
    {
        let text = std::fs::read_to_string(path).unwrap();
        let (program, diagnostics) = parse(&text, crate::ids::SourceId(0));
        let errors =
            |d: &[crate::Diagnostic]| d.iter().any(|d| d.severity() == crate::Severity::Error);
        if errors(&diagnostics) || errors(&crate::check::check(&program)) {
            continue;
        }
        let mut alone = program.clone();
        let mut piped = program;
        for (_, earlier) in crate::opt::PIPELINE
            .iter()
            .take_while(|(earlier, _)| *earlier != name)
        {
            earlier(&mut piped, &ctx);
        }
        for program in [&mut alone, &mut piped] {
            pass(program, &ctx);
            crate::verify::verify(program)
                .unwrap_or_else(|problems| panic!("{}: {problems:#?}", path.display()));
            let once = print(program);
            assert_eq!(
                pass(program, &ctx),
                Changed::No,
                "{}: not idempotent:\n{once}",
                path.display()
            );
            assert_eq!(print(program), once);
            let (again, problems) = parse(&once, crate::ids::SourceId(0));
            assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
            assert_eq!(
                print(&again),
                once,
                "{}: does not read back",
                path.display()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SourceId;
    use crate::text::{parse, print};

    const FACTS: &str = "
fact shift {
  id: text
  hours: decimal
  minutes: int
  flag: bool
  code: text
  note: text derived
}
";

    fn folded(text: &str) -> (String, Changed, Changed) {
        let (mut program, diagnostics) = parse(&format!("{FACTS}{text}"), SourceId(0));
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let first = run(&mut program, &Ctx::default());
        crate::verify::verify(&program).unwrap();
        let second = run(&mut program, &Ctx::default());
        let printed = print(&program);
        let (again, problems) = parse(&printed, SourceId(0));
        assert!(problems.is_empty(), "{printed}\n{problems:#?}");
        assert_eq!(print(&again), printed);
        let start = printed
            .find("\ncalc")
            .or_else(|| printed.find("\nrule"))
            .unwrap();
        (printed[start..].to_string(), first, second)
    }

    #[test]
    fn arithmetic_follows_the_operators() {
        let (text, first, second) = folded(
            r#"
calc c(x: decimal) -> decimal = x * (1 / 4) + (2 * 3 - 10) + (0.1 + 0.2)
"#,
        );
        assert_eq!((first, second), (Changed::Yes, Changed::No));
        assert_eq!(
            text,
            "\ncalc c(x: decimal) -> decimal =\n  (((x * 0.25) + -4) + 0.3)\n"
        );
    }

    #[test]
    fn errors_stay_for_the_runtime() {
        let (text, first, _) = folded(
            r#"
calc c(x: int) -> decimal = x + 1 / 0 + (9223372036854775807 + 1)
"#,
        );
        assert_eq!(first, Changed::No);
        assert!(
            text.contains("(1 / 0)") && text.contains("(9223372036854775807 + 1)"),
            "{text}"
        );
    }

    #[test]
    fn logic_identities_only_where_truth_matters() {
        let (text, _, second) = folded(
            r#"
rule r0 "x" {
  match s: shift
    test s.flag and true
    test s.hours > 1 + 1 or false
    test s.flag or 1 > 2 and s.flag
    test true
  let a: bool = s.flag and true
  let b: bool = s.flag and 2 < 1
  when if null then false else s.flag
  set s.note = template["h", "i ", s.code, ("!"), ""]
}
"#,
        );
        assert_eq!(second, Changed::No);
        let expected = r#"
rule r0 "x" {
  match s: shift
    test s.flag
    test (s.hours > 2)
    test s.flag
  let a: bool = (s.flag and true)
  let b: bool = false
  when s.flag
  set s.note = template["hi ", s.code, "!"]
}
"#;
        assert_eq!(text, expected);
    }

    #[test]
    fn if_keeps_the_type_of_the_node() {
        let (text, _, _) = folded(
            r#"
rule r0 "x" {
  match s: shift
  let a: decimal = if true then 1 else 2.5
  let b: decimal = if false then s.minutes else s.hours
  let c: decimal = if true then s.minutes else s.hours
  when s.code in ["a", "b"] and "b" in ["a", "b"]
}
"#,
        );
        assert!(text.contains("let a: decimal = 1d\n"), "{text}");
        assert!(text.contains("let b: decimal = s.hours\n"), "{text}");
        assert!(
            text.contains("let c: decimal = (if true then s.minutes else s.hours)\n"),
            "{text}"
        );
        assert!(text.contains("when (s.code in [\"a\", \"b\"])"), "{text}");
    }

    #[test]
    fn idempotent_on_every_case() {
        crate::opt::fold_constants::assert_idempotent_on_cases(NAME, run);
    }
}
