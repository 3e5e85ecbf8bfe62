//! W0002: a rule that can never fire, because tests that compare one field with constants
//! contradict each other (`x == "base"` and `x == "holiday"`, `x > 10` and `x < 5`), or a
//! test is a constant that is false. Such a rule is dead code, almost always a typo or a
//! rule copied and half edited, and nothing at run time would ever say so.
//!
//! The reasoning is exact for the comparisons it reads: per (binding, field), the tests
//! `== != < <= > >=` and `in [...]` against constants, split at top-level `and`, are
//! satisfiable exactly when some value passes them all, with values compared by meaning
//! (`40 == 40.0`) through [`crate::ops`], and whole numbers, dates and booleans counted as
//! the discrete values they are (`x > 5 and x < 6` has no int).

use std::cmp::Ordering;

use reckon_fact_store::{FieldId, Interner, Value, ValueType};
use rust_decimal::prelude::ToPrimitive;

use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{BinaryOp, Expr, ExprKind};
use crate::ids::BindingId;
use crate::ops::{self, Cell};
use crate::program::Program;
use crate::rule::{BindingKind, Condition, Rule};
use crate::text::print_expr;

pub(crate) fn check(program: &Program, out: &mut Vec<Diagnostic>) {
    for rule in &program.rules {
        out.extend(contradiction(program, rule));
    }
}

/// A field of a fact a rule matched.
type FieldKey = (BindingId, FieldId);

/// What one comparison with constants asks of a value.
#[derive(Debug, Clone)]
enum Constraint {
    /// `x op value`, with `x` on the left.
    Compare(BinaryOp, Value),
    /// `x in [values]`.
    In(Vec<Value>),
}

/// The first contradiction of a rule, in source order, as a diagnostic.
fn contradiction(program: &Program, rule: &Rule) -> Option<Diagnostic> {
    let mut interner = Interner::new();
    let mut conjuncts: Vec<&Expr> = required(rule)
        .into_iter()
        .flat_map(Expr::conjuncts)
        .collect();
    conjuncts.sort_by_key(|c| c.span.start);
    // Per field, the tests that compare it with constants, in source order.
    let mut fields: Vec<(FieldKey, Vec<(&Expr, Constraint)>)> = Vec::new();
    for conjunct in conjuncts {
        if let Some(cell) = constant(conjunct, &mut interner) {
            if !ops::holds(&cell) {
                return Some(report(program, rule, &[conjunct]));
            }
            continue;
        }
        let Some((key, constraint)) = constraint(conjunct, &mut interner) else {
            continue;
        };
        let at = match fields.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                fields.push((key, Vec::new()));
                fields.len() - 1
            }
        };
        let (_, found) = &mut fields[at];
        found.push((conjunct, constraint));
        let ty = field_type(program, rule, key);
        let all: Vec<&Constraint> = found.iter().map(|(_, c)| c).collect();
        if !satisfiable(&all, &ty, &interner) {
            let core = smallest_conflict(found, &ty, &interner);
            return Some(report(program, rule, &core));
        }
    }
    None
}

/// Every test that must hold for the rule to fire: the tests and joins of its patterns
/// and `exists`, and its guards (`no` and accumulations hold whatever their tests say).
fn required(rule: &Rule) -> Vec<&Expr> {
    let mut exprs = Vec::new();
    let group_then = rule.group.iter().flat_map(|group| &group.then);
    for condition in rule.conditions.iter().chain(group_then) {
        match condition {
            Condition::Match(pattern) | Condition::Exists(pattern) => {
                exprs.extend(pattern.tests.iter().map(|test| &test.expr));
                exprs.extend(&pattern.joins);
            }
            Condition::Guard(guard) => exprs.push(guard),
            _ => {}
        }
    }
    exprs
}

fn field_type(program: &Program, rule: &Rule, (binding, field): FieldKey) -> ValueType {
    match rule.binding(binding).kind {
        BindingKind::Fact(fact_type) => program.field(fact_type, field).ty.clone(),
        BindingKind::Value(_) => ValueType::Any,
    }
}

/// The earlier constraints that, with the last one, cannot all hold; none of them can be
/// left out. The last constraint is the one that made the set unsatisfiable.
fn smallest_conflict<'e>(
    found: &[(&'e Expr, Constraint)],
    ty: &ValueType,
    interner: &Interner,
) -> Vec<&'e Expr> {
    let (last, earlier) = found
        .split_last()
        .expect("a conflict has a last constraint");
    let mut kept: Vec<&(&Expr, Constraint)> = earlier.iter().collect();
    let mut index = 0;
    while index < kept.len() {
        let without: Vec<&Constraint> = kept
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .map(|(_, (_, c))| c)
            .chain([&last.1])
            .collect();
        if satisfiable(&without, ty, interner) {
            index += 1;
        } else {
            kept.remove(index);
        }
    }
    kept.iter().map(|(expr, _)| *expr).chain([last.0]).collect()
}

fn report(program: &Program, rule: &Rule, core: &[&Expr]) -> Diagnostic {
    let text = |expr: &Expr| {
        let printed = print_expr(program, Some(rule), expr);
        // Comparisons print in parentheses; the sentence does not need the outer pair.
        match expr.kind {
            ExprKind::Binary { .. }
            | ExprKind::In { .. }
            | ExprKind::Unary { .. }
            | ExprKind::If { .. } => printed[1..printed.len() - 1].to_string(),
            _ => printed,
        }
    };
    let (last, earlier) = core
        .split_last()
        .expect("a conflict names at least one test");
    let texts: Vec<String> = core.iter().map(|expr| text(expr)).collect();
    let reason = match texts.as_slice() {
        [one] => format!("{one} is always false"),
        [first, second] => format!("{first} and {second} cannot both hold"),
        [rest @ .., final_one] => format!("{} and {final_one} cannot all hold", rest.join(", ")),
        [] => unreachable!("a conflict names at least one test"),
    };
    let message = format!("rule \"{}\" can never fire: {reason}", rule.name);
    if earlier.is_empty() {
        return Diagnostic::new(Code::NeverFires, message, last.span, "never true")
            .with_help("correct the test, or remove the rule if it is no longer needed");
    }
    let plural = if earlier.len() == 1 { "" } else { "s" };
    let label = format!("contradicts the earlier test{plural}");
    let mut diagnostic = Diagnostic::new(Code::NeverFires, message, last.span, label);
    for expr in earlier {
        diagnostic = diagnostic.with_secondary(expr.span, "this test");
    }
    diagnostic.with_help("correct one of the tests; if either value is meant to match, write one test with `or` or `in [...]`")
}

/// The comparison a conjunct makes between a field and constants, if it makes one.
fn constraint(conjunct: &Expr, interner: &mut Interner) -> Option<(FieldKey, Constraint)> {
    let field = |expr: &Expr| match expr.kind {
        ExprKind::Field { binding, field } => Some((binding, field)),
        _ => None,
    };
    let known = |expr: &Expr, interner: &mut Interner| constant(expr, interner).flatten();
    let (key, constraint) = match &conjunct.kind {
        ExprKind::Binary { op, left, right } if op.is_comparison() => {
            match (field(left), field(right)) {
                (Some(key), _) => (key, Constraint::Compare(*op, known(right, interner)?)),
                (None, Some(key)) => (
                    key,
                    Constraint::Compare(op.flipped(), known(left, interner)?),
                ),
                (None, None) => return None,
            }
        }
        ExprKind::In { value, list } => {
            let items: Option<Vec<Value>> = list.iter().map(|item| known(item, interner)).collect();
            (field(value)?, Constraint::In(items?))
        }
        _ => return None,
    };
    // An order against null never holds and bounds nothing; leave it to the evaluator.
    let ordered = |op: &BinaryOp| !matches!(op, BinaryOp::Eq | BinaryOp::Ne);
    match constraint {
        Constraint::Compare(op, Value::Null) if ordered(&op) => None,
        constraint => Some((key, constraint)),
    }
}

/// The value of an expression made only of literals and operators, if it has one.
fn constant(expr: &Expr, interner: &mut Interner) -> Option<Cell> {
    match &expr.kind {
        ExprKind::Literal(literal) => ops::literal_value(literal, interner).ok().map(Some),
        ExprKind::Unary { op, operand } => {
            let operand = constant(operand, interner)?;
            ops::unary(*op, &operand).ok()
        }
        ExprKind::Binary { op, left, right } => {
            let left = constant(left, interner)?;
            let right = constant(right, interner)?;
            ops::binary(*op, &left, &right, interner).ok()
        }
        ExprKind::In { value, list } => {
            let value = constant(value, interner)?;
            let items: Vec<Cell> = list
                .iter()
                .map(|item| constant(item, interner))
                .collect::<Option<_>>()?;
            let items = Constraint::In(items.into_iter().flatten().collect());
            Some(Some(Value::Bool(
                value.is_some_and(|value| items.admits(&value, interner)),
            )))
        }
        ExprKind::If {
            condition,
            then,
            otherwise,
        } => {
            let condition = constant(condition, interner)?;
            let branch = if ops::holds(&condition) {
                then
            } else {
                otherwise
            };
            constant(branch, interner)
        }
        _ => None,
    }
}

impl Constraint {
    /// True when a field holding `value` passes.
    fn admits(&self, value: &Value, interner: &Interner) -> bool {
        match self {
            Constraint::Compare(op, bound) => ops::compare(*op, value, bound, interner),
            Constraint::In(items) => items
                .iter()
                .any(|item| ops::compare(BinaryOp::Eq, value, item, interner)),
        }
    }
}

/// True when some value of type `ty` (or null) passes every constraint. Where the answer
/// cannot be seen (values that do not order against each other) it is yes.
fn satisfiable(constraints: &[&Constraint], ty: &ValueType, interner: &Interner) -> bool {
    let passes = |value: &Value| constraints.iter().all(|c| c.admits(value, interner));
    // An equality or a list leaves finitely many candidates: try each.
    let candidates = constraints.iter().find_map(|c| match c {
        Constraint::Compare(BinaryOp::Eq, value) => Some(std::slice::from_ref(value)),
        Constraint::In(items) => Some(items.as_slice()),
        _ => None,
    });
    if let Some(candidates) = candidates {
        return candidates
            .iter()
            .any(|value| fits(value, ty) && passes(value));
    }
    // Otherwise only bounds and exclusions (`!=`) remain. Null passes every exclusion of
    // a value and no bound.
    if passes(&Value::Null) {
        return true;
    }
    let mut lower: Option<(&Value, bool)> = None;
    let mut upper: Option<(&Value, bool)> = None;
    for constraint in constraints {
        let Constraint::Compare(op, value) = constraint else {
            continue;
        };
        let (bound, tighter) = match op {
            BinaryOp::Gt | BinaryOp::Ge => (&mut lower, Ordering::Greater),
            BinaryOp::Lt | BinaryOp::Le => (&mut upper, Ordering::Less),
            _ => continue,
        };
        let strict = matches!(op, BinaryOp::Gt | BinaryOp::Lt);
        *bound = match *bound {
            None => Some((value, strict)),
            Some((current, current_strict)) => match value.compare(current, interner) {
                None => return true,
                Some(Ordering::Equal) => Some((current, current_strict || strict)),
                Some(order) if order == tighter => Some((value, strict)),
                Some(_) => Some((current, current_strict)),
            },
        };
    }
    let excluded = constraints
        .iter()
        .filter(|c| matches!(c, Constraint::Compare(BinaryOp::Ne, _)))
        .count();
    if discrete(ty) {
        return discrete_satisfiable(ty, lower, upper, excluded, &passes, interner);
    }
    // Between two different bounds of a dense type lie more values than any list of
    // exclusions can rule out.
    match (lower, upper) {
        (Some((low, low_strict)), Some((high, high_strict))) => match low.compare(high, interner) {
            None | Some(Ordering::Less) => true,
            Some(Ordering::Greater) => false,
            Some(Ordering::Equal) => !low_strict && !high_strict && passes(low),
        },
        _ => true,
    }
}

/// True for the types whose values can be counted one by one.
fn discrete(ty: &ValueType) -> bool {
    matches!(ty, ValueType::Int | ValueType::Date | ValueType::Bool)
}

/// False for a value a field of type `ty` cannot hold (an int field and `40.5`).
fn fits(value: &Value, ty: &ValueType) -> bool {
    match (ty, value) {
        (ValueType::Int, Value::Decimal(d)) => d.fract().is_zero(),
        _ => true,
    }
}

/// For a discrete type: walks the values from the bounded end. Each `!=` rules out at most
/// one value, so one more candidate than there are exclusions settles it.
fn discrete_satisfiable(
    ty: &ValueType,
    lower: Option<(&Value, bool)>,
    upper: Option<(&Value, bool)>,
    excluded: usize,
    passes: &dyn Fn(&Value) -> bool,
    interner: &Interner,
) -> bool {
    // The first value inside each bound.
    let mut edges = [None, None];
    for (edge, bound, up) in [(0, lower, true), (1, upper, false)] {
        let Some((value, strict)) = bound else {
            continue;
        };
        match first_in(ty, value, strict, up) {
            None => return true,
            // Nothing of the type lies beyond the bound.
            Some(None) => return false,
            first => edges[edge] = first.flatten(),
        }
    }
    let [low, high] = edges;
    let (mut candidate, up) = match (&low, &high, ty) {
        (Some(low), _, _) => (Some(low.clone()), true),
        (None, Some(high), _) => (Some(high.clone()), false),
        (None, None, ValueType::Bool) => (Some(Value::Bool(false)), true),
        (None, None, _) => return true,
    };
    for _ in 0..=excluded {
        let Some(value) = candidate else { return false };
        let beyond = match (up, &low, &high) {
            (true, _, Some(high)) => value.compare(high, interner) == Some(Ordering::Greater),
            (false, Some(low), _) => value.compare(low, interner) == Some(Ordering::Less),
            _ => false,
        };
        if beyond {
            return false;
        }
        if passes(&value) {
            return true;
        }
        candidate = step(&value, up);
    }
    // Unreachable when the steps are right; answer yes rather than warn wrongly.
    true
}

/// The first value of type `ty` at or beyond `bound` (strictly beyond when `strict`), going
/// up (`up`) or down: `Some(None)` when there is none, `None` when the bound is not a value
/// of the type and the checker cannot tell.
fn first_in(ty: &ValueType, bound: &Value, strict: bool, up: bool) -> Option<Option<Value>> {
    let whole = match (ty, bound) {
        (ValueType::Int, Value::Decimal(d)) if !d.fract().is_zero() => {
            let whole = if up { d.ceil() } else { d.floor() };
            return Some(Some(Value::Int(whole.to_i64()?)));
        }
        (ValueType::Int, Value::Decimal(d)) => Value::Int(d.to_i64()?),
        (ValueType::Int, Value::Int(_)) | (ValueType::Date, Value::Date(_)) => bound.clone(),
        (ValueType::Bool, Value::Bool(_)) => bound.clone(),
        _ => return None,
    };
    Some(if strict {
        step(&whole, up)
    } else {
        Some(whole)
    })
}

/// The next value up (or down), if there is one.
fn step(value: &Value, up: bool) -> Option<Value> {
    let by: i64 = if up { 1 } else { -1 };
    match value {
        Value::Int(i) => i.checked_add(by).map(Value::Int),
        Value::Date(d) => d
            .checked_add(jiff::Span::new().days(by))
            .ok()
            .map(Value::Date),
        Value::Bool(b) => (*b != up).then_some(Value::Bool(up)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use reckon_fact_store::Decimal;

    use super::*;
    use crate::ids::SourceId;
    use crate::text::parse;

    fn findings(rules: &str) -> Vec<String> {
        let text = format!(
            "fact shift {{ id: text  pay_code: text  hours: decimal  breaks: int  day: date  night: bool }}\n\
             fact employee {{ id: text  grade: int }}\n{rules}"
        );
        let (program, diagnostics) = parse(&text, SourceId(0));
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let mut out = Vec::new();
        super::check(&program, &mut out);
        out.into_iter().map(|d| d.message).collect()
    }

    /// Why one rule with these tests on `s` never fires, or `None` when it may.
    fn verdict(tests: &str) -> Option<String> {
        let rule = format!(
            "rule r0 \"R\" {{\n  match s: shift\n    test {tests}\n  alert template[s.id]\n}}"
        );
        let found = findings(&rule);
        assert!(found.len() <= 1, "one finding per rule: {found:?}");
        let prefix = "rule \"R\" can never fire: ";
        found
            .into_iter()
            .next()
            .map(|m| m.trim_start_matches(prefix).to_string())
    }

    /// Pairs of tests that cannot both hold (the reason repeats them).
    const NEVER: &[&str] = &[
        // Two different equalities; an equality and an exclusion of one value.
        r#"s.pay_code == "base" and s.pay_code == "holiday""#,
        r#"s.pay_code == "base" and s.pay_code != "base""#,
        // Numbers compare by meaning.
        "s.hours == 40 and s.hours != 40.00",
        "s.hours == 40 and s.hours > 40.5",
        // An equality outside a range; empty ranges; the literal on the left.
        "s.hours > 10 and s.hours == 8",
        "s.hours > 8 and s.hours == 8",
        "s.hours > 10 and s.hours < 5",
        "s.hours > 5 and s.hours <= 5",
        "10 < s.hours and s.hours < 5",
        // Whole numbers, dates and booleans are counted.
        "s.breaks > 5 and s.breaks < 6",
        "s.breaks > 5.5 and s.breaks < 6",
        r#"s.day > d"2025-01-01" and s.day < d"2025-01-02""#,
        "s.night > false and s.night < true",
        // Text orders by characters.
        r#"s.pay_code > "m" and s.pay_code < "b""#,
        // Lists with no member the other test accepts.
        r#"s.pay_code in ["base", "training"] and s.pay_code == "holiday""#,
        r#"s.pay_code in ["base"] and s.pay_code in ["holiday"]"#,
    ];

    /// Tests that cannot all hold, and the reason given: more than two at once, only the
    /// conflicting ones named, constants.
    const NEVER_BECAUSE: &[(&str, &str)] = &[
        (
            r#"s.pay_code in ["a", "z"] and s.pay_code > "b" and s.pay_code < "m""#,
            r#"s.pay_code in ["a", "z"], s.pay_code > "b" and s.pay_code < "m" cannot all hold"#,
        ),
        (
            "s.hours >= 5 and s.hours <= 5 and s.hours != 5",
            "s.hours >= 5, s.hours <= 5 and s.hours != 5 cannot all hold",
        ),
        (
            "s.breaks >= 5 and s.breaks <= 6 and s.breaks != 5 and s.breaks != 6",
            "s.breaks >= 5, s.breaks <= 6, s.breaks != 5 and s.breaks != 6 cannot all hold",
        ),
        (
            r#"s.hours > 1 and s.pay_code == "base" and s.hours < 100 and s.hours > 200"#,
            "s.hours < 100 and s.hours > 200 cannot both hold",
        ),
        ("1 > 2", "1 > 2 is always false"),
        ("s.hours > 1 and 2 + 2 == 5", "(2 + 2) == 5 is always false"),
        ("s.breaks == 40.5", "s.breaks == 40.5 is always false"),
    ];

    /// Tests that can all hold.
    const MAY: &[&str] = &[
        r#"s.pay_code == "base" and s.pay_code == "base""#,
        r#"s.pay_code == "base" and s.pay_code != "holiday""#,
        r#"s.pay_code == "base" or s.pay_code == "holiday""#,
        "s.hours == 40 and s.hours == 40.0",
        "s.hours >= 8 and s.hours == 8",
        "s.hours >= 5 and s.hours <= 5",
        "s.hours > 5 and s.hours < 10",
        "5 < s.hours and s.hours < 10",
        // A decimal lies between 5 and 6; an int lies between 5 and 7, or 5.5 and 6.
        "s.hours > 5 and s.hours < 6",
        "s.breaks > 5 and s.breaks < 7",
        "s.breaks > 5.5 and s.breaks <= 6",
        "s.breaks >= 5 and s.breaks <= 7 and s.breaks != 5 and s.breaks != 6",
        "s.breaks != 5 and s.breaks != 6",
        "s.hours > 4 and s.hours < 6 and s.hours != 5",
        r#"s.day > d"2025-01-01" and s.day < d"2025-01-03""#,
        // Null passes both exclusions.
        "s.night != true and s.night != false",
        r#"s.pay_code > "b" and s.pay_code < "m""#,
        r#"s.pay_code in ["base", "training"] and s.pay_code in ["training"]"#,
        "2 + 2 == 4",
        "if 1 < 2 then true else false",
    ];

    #[test]
    fn contradictions_are_found_and_explained() {
        for tests in NEVER {
            assert_eq!(verdict(tests), Some(format!("{tests} cannot both hold")));
        }
        for (tests, reason) in NEVER_BECAUSE {
            assert_eq!(verdict(tests).as_deref(), Some(*reason), "{tests}");
        }
    }

    #[test]
    fn tests_that_can_hold_together_are_quiet() {
        for tests in MAY {
            assert_eq!(verdict(tests), None, "{tests}");
        }
    }

    #[test]
    fn tests_across_patterns_guards_and_fields_are_kept_apart() {
        let rules = "rule r0 \"Apart\" {\n  match s: shift\n    test s.hours > 10\n  match e: employee\n    join e.id == s.id\n    test e.grade < 5\n  when s.breaks < 5\n  alert \"x\"\n}\n\
                     rule r1 \"Across\" {\n  match s: shift\n    test s.hours > 10\n  match e: employee\n    join e.id == s.id and s.hours < 5\n  alert \"x\"\n}\n\
                     rule r2 \"Guard\" {\n  match s: shift\n    test s.pay_code == \"base\"\n  when s.pay_code == \"night\"\n  alert \"x\"\n}\n\
                     rule r3 \"Absent\" {\n  match s: shift\n  no e: employee\n    test e.grade > 5 and e.grade < 2\n  alert \"x\"\n}\n\
                     rule r4 \"Exists\" {\n  match s: shift\n  exists e: employee\n    test e.grade > 5 and e.grade < 2\n  alert \"x\"\n}";
        assert_eq!(
            findings(rules),
            [
                "rule \"Across\" can never fire: s.hours > 10 and s.hours < 5 cannot both hold",
                "rule \"Guard\" can never fire: s.pay_code == \"base\" and s.pay_code == \"night\" cannot both hold",
                "rule \"Exists\" can never fire: e.grade > 5 and e.grade < 2 cannot both hold",
            ]
        );
    }

    fn sat(tests: &[Constraint], ty: ValueType) -> bool {
        let tests: Vec<&Constraint> = tests.iter().collect();
        satisfiable(&tests, &ty, &Interner::new())
    }

    #[test]
    fn satisfiability_at_the_edges_of_the_types() {
        let dec = |text: &str| Value::Decimal(Decimal::from_str(text).unwrap());
        let op = |op: BinaryOp| move |value: Value| Constraint::Compare(op, value);
        let (eq, ne, lt) = (op(BinaryOp::Eq), op(BinaryOp::Ne), op(BinaryOp::Lt));
        let (gt, ge) = (op(BinaryOp::Gt), op(BinaryOp::Ge));
        let (max, min) = (Value::Int(i64::MAX), Value::Int(i64::MIN));
        assert!(sat(&[ge(max.clone())], ValueType::Int));
        assert!(!sat(&[gt(max)], ValueType::Int));
        assert!(!sat(&[lt(min)], ValueType::Int));
        assert!(sat(&[lt(dec("-0.5")), gt(dec("-1.5"))], ValueType::Int));
        assert!(!sat(&[lt(dec("-0.5")), gt(dec("-1"))], ValueType::Int));
        assert!(sat(&[eq(Value::Null), ne(Value::Int(3))], ValueType::Int));
        assert!(!sat(&[eq(Value::Null), gt(Value::Int(3))], ValueType::Int));
        assert!(!sat(&[Constraint::In(Vec::new())], ValueType::Text));
    }
}
