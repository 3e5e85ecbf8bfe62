//! The IR's invariants, checked after every pass in tests and debug builds: ids are
//! positions, every name refers to something declared and in scope where it is used,
//! single-fact tests read only their fact, shared tests match their patterns, and the
//! strata list every rule once.

use crate::expr::{Expr, ExprKind, Function};
use crate::ids::{BindingId, VarId};
use crate::program::Program;
use crate::rule::{BindingKind, Condition, GroupKey, Pattern, Rule};

/// Every broken invariant, described; `Ok` when there is none.
pub fn verify(program: &Program) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    for (index, calc) in program.calcs.iter().enumerate() {
        if calc.id.index() != index {
            problems.push(format!("calculator {} is at position {index}", calc.id));
        }
        let scope = Scope {
            bindings: Vec::new(),
            vars: (0..calc.vars.len()).map(VarId::from_index).collect(),
        };
        check_expr(
            program,
            &scope,
            &calc.body,
            &format!("calculator {}", calc.name),
            &mut problems,
        );
    }
    for (index, alpha) in program.alpha.iter().enumerate() {
        if alpha.id.index() != index {
            problems.push(format!("shared test {} is at position {index}", alpha.id));
        }
        let scope = Scope {
            bindings: vec![BindingId::SUBJECT],
            vars: Vec::new(),
        };
        check_expr(
            program,
            &scope,
            &alpha.expr,
            &format!("shared test {}", alpha.id),
            &mut problems,
        );
    }
    for (index, rule) in program.rules.iter().enumerate() {
        if rule.id.index() != index {
            problems.push(format!("rule {} is at position {index}", rule.id));
        }
        check_rule(program, rule, &mut problems);
    }
    if !program.strata.is_empty() {
        let mut seen = vec![0usize; program.rules.len()];
        for (index, stratum) in program.strata.iter().enumerate() {
            for rule in &stratum.rules {
                match seen.get_mut(rule.index()) {
                    Some(count) => *count += 1,
                    None => problems.push(format!("stratum {index} lists unknown rule {rule}")),
                }
                if program
                    .rules
                    .get(rule.index())
                    .is_some_and(|r| r.stratum as usize != index)
                {
                    problems.push(format!(
                        "rule {rule} is listed in stratum {index} but says stratum {}",
                        program.rule(*rule).stratum
                    ));
                }
            }
        }
        for (index, count) in seen.iter().enumerate() {
            if *count != 1 {
                problems.push(format!("rule r{index} appears {count} times in the strata"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// What is visible at a point of a rule.
#[derive(Clone)]
struct Scope {
    bindings: Vec<BindingId>,
    vars: Vec<VarId>,
}

fn check_rule(program: &Program, rule: &Rule, problems: &mut Vec<String>) {
    let at = |what: &str| format!("rule {} ({what})", rule.id);
    let mut scope = Scope {
        bindings: Vec::new(),
        vars: Vec::new(),
    };
    for (position, condition) in rule.conditions.iter().enumerate() {
        let place = at(&format!("condition {position}"));
        match condition {
            Condition::Match(pattern) => {
                if let Some(next) = &pattern.next {
                    if !scope.bindings.contains(&next.after) {
                        problems.push(format!(
                            "{place}: `next` follows {} before it is bound",
                            next.after
                        ));
                    }
                }
                check_pattern(program, rule, pattern, &scope, &place, problems);
                scope.bindings.push(pattern.binding);
            }
            Condition::Absent(pattern) | Condition::Exists(pattern) => {
                check_pattern(program, rule, pattern, &scope, &place, problems)
            }
            Condition::Accumulate(accumulate) => {
                check_pattern(program, rule, &accumulate.pattern, &scope, &place, problems);
                let mut inner = scope.clone();
                inner.bindings.push(accumulate.pattern.binding);
                for expr in accumulate.value.iter() {
                    check_expr(program, &inner, expr, &place, problems);
                }
                for expr in accumulate.default.iter() {
                    check_expr(program, &scope, expr, &place, problems);
                }
                scope.vars.push(accumulate.var);
            }
            Condition::Expand(expand) => {
                check_expr(program, &scope, &expand.source, &place, problems);
                scope.bindings.push(expand.binding);
            }
            Condition::Let(let_) => {
                check_expr(program, &scope, &let_.value, &place, problems);
                scope.vars.push(let_.var);
            }
            Condition::Guard(test) => check_expr(program, &scope, test, &place, problems),
        }
    }
    let mut after = scope.clone();
    if let Some(group) = &rule.group {
        // After grouping only keys, aggregates and later lets are values of the rule.
        after = Scope {
            bindings: Vec::new(),
            vars: Vec::new(),
        };
        for key in &group.keys {
            match key {
                GroupKey::Fact(binding) => after.bindings.push(*binding),
                GroupKey::Value { var, expr } => {
                    check_expr(program, &scope, expr, &at("group key"), problems);
                    after.vars.push(*var);
                }
            }
        }
        for aggregate in &group.aggregates {
            for value in aggregate.value.iter() {
                check_expr(program, &scope, value, &at("aggregate"), problems);
            }
            after.vars.push(aggregate.var);
        }
        for condition in &group.then {
            match condition {
                Condition::Let(let_) => {
                    check_expr(program, &after, &let_.value, &at("after group"), problems);
                    after.vars.push(let_.var);
                }
                Condition::Guard(test) => {
                    check_expr(program, &after, test, &at("after group"), problems)
                }
                _ => problems.push(format!(
                    "{}: only lets and guards may follow `group by`",
                    at("after group")
                )),
            }
        }
    }
    for (position, action) in rule.actions.iter().enumerate() {
        let mut visible = after.clone();
        if let crate::rule::Action::Emit(emit) = action {
            visible.bindings.extend(&emit.for_each);
        }
        for expr in action.exprs() {
            check_expr(
                program,
                &visible,
                expr,
                &at(&format!("action {position}")),
                problems,
            );
        }
    }
}

fn check_pattern(
    program: &Program,
    rule: &Rule,
    pattern: &Pattern,
    scope: &Scope,
    place: &str,
    problems: &mut Vec<String>,
) {
    if rule.bindings.get(pattern.binding.index()).map(|b| &b.kind)
        != Some(&BindingKind::Fact(pattern.fact_type))
    {
        problems.push(format!(
            "{place}: pattern binding {} is not a {:?} fact binding",
            pattern.binding, pattern.fact_type
        ));
    }
    let own = Scope {
        bindings: vec![pattern.binding],
        vars: Vec::new(),
    };
    for test in &pattern.tests {
        check_expr(program, &own, &test.expr, place, problems);
        if let Some(alpha) = test.alpha {
            match program.alpha.get(alpha.index()) {
                Some(shared) if shared.fact_type == pattern.fact_type => {}
                Some(_) => problems.push(format!(
                    "{place}: shared test {alpha} tests another fact type"
                )),
                None => problems.push(format!("{place}: shared test {alpha} does not exist")),
            }
        }
    }
    let mut joined = scope.clone();
    joined.bindings.push(pattern.binding);
    for join in &pattern.joins {
        check_expr(program, &joined, join, place, problems);
    }
}

fn check_expr(
    program: &Program,
    scope: &Scope,
    expr: &Expr,
    place: &str,
    problems: &mut Vec<String>,
) {
    expr.walk(&mut |node| match &node.kind {
        ExprKind::Field { binding, .. } | ExprKind::Binding(binding)
            if !scope.bindings.contains(binding) =>
        {
            problems.push(format!(
                "{place}: reads binding {binding}, which is not in scope there"
            ));
        }
        ExprKind::Var(var) if !scope.vars.contains(var) && !is_comprehension_var(expr, *var) => {
            problems.push(format!("{place}: reads {var}, which is not defined there"));
        }
        ExprKind::Call {
            function: Function::Calc(calc),
            ..
        } if calc.index() >= program.calcs.len() => {
            problems.push(format!(
                "{place}: calls calculator {calc}, which does not exist"
            ));
        }
        ExprKind::Error => problems.push(format!("{place}: an unresolved expression remains")),
        _ => {}
    });
}

/// True when `var` is the element variable of a comprehension inside `expr`.
fn is_comprehension_var(expr: &Expr, var: VarId) -> bool {
    let mut found = false;
    expr.walk(&mut |node| {
        if let ExprKind::Comprehension(c) = &node.kind {
            found |= c.var == var;
        }
    });
    found
}
