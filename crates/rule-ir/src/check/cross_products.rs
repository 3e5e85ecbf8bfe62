//! W0003: two patterns of a rule with no equality linking them, directly or through other
//! patterns: every fact of one is paired with every fact of the other, and the matches
//! grow as the product of the two counts — the most common way rule engines run out of
//! memory on real data.
//!
//! The patterns of `match`/`next` are the nodes of a graph; an equality `a == b` whose
//! sides each read exactly one of them (directly or through `let` values) links two, as
//! do `next b after a` and an `expand` with the patterns its list is made from. Fact
//! types declared `single` need no link. More than one connected part is a warning.

use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{BinaryOp, Expr, ExprKind};
use crate::ids::BindingId;
use crate::program::Program;
use crate::rule::{Condition, Pattern, Rule};

pub(crate) fn check(program: &Program, out: &mut Vec<Diagnostic>) {
    for rule in &program.rules {
        out.extend(cross_product(program, rule));
    }
}

fn cross_product(program: &Program, rule: &Rule) -> Option<Diagnostic> {
    let patterns: Vec<&Pattern> = rule
        .matches()
        .filter(|p| !program.fact(p.fact_type).single)
        .collect();
    if patterns.len() < 2 {
        return None;
    }
    // Nodes: the patterns, then expanded values, which join what their list is made of.
    let mut nodes: Vec<BindingId> = patterns.iter().map(|p| p.binding).collect();
    nodes.extend(rule.conditions.iter().filter_map(|c| match c {
        Condition::Expand(expand) => Some(expand.binding),
        _ => None,
    }));
    let mut parts = Parts::new(nodes.len());
    let node = |binding: BindingId| nodes.iter().position(|b| *b == binding);
    let reads = Reads::of(rule);
    for condition in &rule.conditions {
        match condition {
            Condition::Match(pattern) => {
                if let (Some(next), Some(here)) = (&pattern.next, node(pattern.binding)) {
                    if let Some(after) = node(next.after) {
                        parts.join(here, after);
                    }
                }
                let filters = pattern
                    .tests
                    .iter()
                    .map(|test| &test.expr)
                    .chain(&pattern.joins);
                for conjunct in filters.flat_map(Expr::conjuncts) {
                    link(conjunct, &reads, &node, &mut parts);
                }
            }
            Condition::Guard(guard) => {
                for conjunct in guard.conjuncts() {
                    link(conjunct, &reads, &node, &mut parts);
                }
            }
            Condition::Expand(expand) => {
                let here = node(expand.binding).expect("expansions are nodes");
                for binding in reads.of_expr(&expand.source) {
                    if let Some(other) = node(binding) {
                        parts.join(here, other);
                    }
                }
            }
            _ => {}
        }
    }
    // The first pattern of each part, in rule order.
    let mut firsts: Vec<(usize, &Pattern)> = Vec::new();
    for (index, pattern) in patterns.iter().enumerate() {
        let part = parts.find(index);
        if !firsts.iter().any(|(seen, _)| *seen == part) {
            firsts.push((part, pattern));
        }
    }
    let [(_, first), (_, second), ..] = firsts.as_slice() else {
        return None;
    };
    let name = |p: &Pattern| rule.binding(p.binding).name.clone();
    let fact = |p: &Pattern| program.fact(p.fact_type).name.clone();
    let message = format!(
        "rule \"{}\" pairs every `{}` fact with every `{}` fact: no equality links `{}` to `{}`",
        rule.name,
        fact(second),
        fact(first),
        name(second),
        name(first)
    );
    let help = format!(
        "add {}, or declare `{}` single if there is only one; a cross product grows \
         with the product of both counts, the most common way rule engines run out of memory",
        example(program, rule, first, second),
        fact(second)
    );
    let diagnostic = Diagnostic::new(
        Code::CrossProduct,
        message,
        second.span,
        format!("not linked to `{}`", name(first)),
    )
    .with_secondary(first.span, format!("`{}` is matched here", name(first)))
    .with_help(help);
    Some(diagnostic)
}

/// An equality the author might mean, made only of fields the two fact types have: an
/// id and a reference to it (`e.id == s.employee_id`), or a field both share.
fn example(program: &Program, rule: &Rule, first: &Pattern, second: &Pattern) -> String {
    let (a, b) = (
        program.fact(first.fact_type),
        program.fact(second.fact_type),
    );
    let (a_name, b_name) = (
        &rule.binding(first.binding).name,
        &rule.binding(second.binding).name,
    );
    let has = |fact: &crate::program::FactDecl, field: &str| fact.field_id(field).is_some();
    let reference_to_b = format!("{}_id", b.name);
    let reference_to_a = format!("{}_id", a.name);
    if has(b, "id") && has(a, &reference_to_b) {
        return format!("an equality such as `{b_name}.id == {a_name}.{reference_to_b}`");
    }
    if has(a, "id") && has(b, &reference_to_a) {
        return format!("an equality such as `{b_name}.{reference_to_a} == {a_name}.id`");
    }
    match b.fields.iter().find(|field| has(a, &field.name)) {
        Some(shared) => format!(
            "an equality such as `{b_name}.{0} == {a_name}.{0}`",
            shared.name
        ),
        None => format!("an equality between a field of `{b_name}` and a field of `{a_name}`"),
    }
}

/// Joins the parts of the two bindings an equality relates, if it relates two.
fn link(
    conjunct: &Expr,
    reads: &Reads,
    node: &impl Fn(BindingId) -> Option<usize>,
    parts: &mut Parts,
) {
    let ExprKind::Binary {
        op: BinaryOp::Eq,
        left,
        right,
    } = &conjunct.kind
    else {
        return;
    };
    let side = |expr: &Expr| -> Option<usize> {
        let nodes: Vec<usize> = reads.of_expr(expr).into_iter().filter_map(node).collect();
        match nodes.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    };
    if let (Some(a), Some(b)) = (side(left), side(right)) {
        parts.join(a, b);
    }
}

/// The bindings each value of the rule is computed from, so that an equality through a
/// `let` or an accumulation links what the value came from.
struct Reads {
    /// Per variable (by index), the bindings it depends on.
    vars: Vec<Vec<BindingId>>,
}

impl Reads {
    fn of(rule: &Rule) -> Reads {
        let mut reads = Reads {
            vars: vec![Vec::new(); rule.vars.len()],
        };
        for condition in &rule.conditions {
            match condition {
                Condition::Let(let_) => reads.vars[let_.var.index()] = reads.of_expr(&let_.value),
                Condition::Accumulate(accumulate) => {
                    let own = accumulate.pattern.binding;
                    let found: Vec<BindingId> = condition
                        .exprs()
                        .into_iter()
                        .flat_map(|expr| reads.of_expr(expr))
                        .filter(|binding| *binding != own)
                        .collect();
                    reads.vars[accumulate.var.index()] = found;
                }
                _ => {}
            }
        }
        reads
    }

    /// The bindings an expression reads, directly or through variables, without repeats.
    fn of_expr(&self, expr: &Expr) -> Vec<BindingId> {
        let mut found = expr.bindings();
        for var in expr.vars() {
            for binding in self.vars.get(var.index()).into_iter().flatten() {
                if !found.contains(binding) {
                    found.push(*binding);
                }
            }
        }
        found
    }
}

/// Connected parts, as a union-find over node indices.
struct Parts {
    parent: Vec<usize>,
}

impl Parts {
    fn new(count: usize) -> Parts {
        Parts {
            parent: (0..count).collect(),
        }
    }

    fn find(&mut self, node: usize) -> usize {
        let mut root = node;
        while self.parent[root] != root {
            root = self.parent[root];
        }
        self.parent[node] = root;
        root
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        // The smaller index stays the root, so roots do not depend on the order of joins.
        self.parent[a.max(b)] = a.min(b);
    }
}

#[cfg(test)]
mod tests {
    use crate::ids::SourceId;
    use crate::text::parse;

    fn findings(rules: &str) -> Vec<String> {
        let text = format!(
            "fact shift {{ id: text  employee_id: text  start: datetime  end: datetime }}\n\
             fact employee {{ id: text  site: text }}\n\
             fact site {{ id: text  code: text }}\n\
             fact holiday {{ day: date }}\n\
             fact pay_period single {{ start: date  end: date }}\n{rules}"
        );
        let (program, diagnostics) = parse(&text, SourceId(0));
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let mut out = Vec::new();
        super::check(&program, &mut out);
        out.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn two_unlinked_patterns_are_reported_once() {
        let found = findings(
            "rule r0 \"Pairs\" {\n  match s: shift\n  match e: employee\n  match t: site\n  alert template[s.id, e.id, t.id]\n}",
        );
        assert_eq!(
            found,
            [
                "rule \"Pairs\" pairs every `employee` fact with every `shift` fact: no equality links `e` to `s`"
            ]
        );
    }

    #[test]
    fn equalities_link_directly_through_others_and_through_lets() {
        let rules = "rule r0 \"Direct\" {\n  match s: shift\n  match e: employee\n    join e.id == s.employee_id\n  alert \"x\"\n}\n\
                     rule r1 \"Chain\" {\n  match s: shift\n  match t: site\n  match e: employee\n    join e.id == s.employee_id and t.id == e.site\n  alert \"x\"\n}\n\
                     rule r2 \"Let\" {\n  match s: shift\n  let who: text = s.employee_id\n  match e: employee\n    join e.id == who\n  alert \"x\"\n}\n\
                     rule r3 \"Guard\" {\n  match s: shift\n  match e: employee\n  when e.id == s.employee_id\n  alert \"x\"\n}\n\
                     rule r4 \"Single\" {\n  match s: shift\n  match p: pay_period\n  when date(s.start) >= p.start\n  alert \"x\"\n}\n\
                     rule r5 \"Expand\" {\n  match s: shift\n  expand part: {date: date, minutes: int, hours: decimal} in split_by_day(s.start, s.end)\n  match h: holiday\n    join h.day == part.date\n  alert \"x\"\n}\n\
                     rule r6 \"Next\" {\n  match a: shift\n  next b: shift after a by (start)\n  alert \"x\"\n}";
        assert_eq!(findings(rules), Vec::<String>::new());
    }

    #[test]
    fn comparisons_other_than_equality_do_not_link() {
        let rules = "rule r0 \"Order\" {\n  match s: shift\n  match e: employee\n    join e.id > s.employee_id\n  alert \"x\"\n}\n\
                     rule r1 \"Both\" {\n  match s: shift\n  match e: employee\n  match t: site\n    join t.code == template[s.id, e.id]\n  alert \"x\"\n}";
        assert_eq!(
            findings(rules),
            [
                "rule \"Order\" pairs every `employee` fact with every `shift` fact: no equality links `e` to `s`",
                "rule \"Both\" pairs every `employee` fact with every `shift` fact: no equality links `e` to `s`",
            ]
        );
    }

    #[test]
    fn negation_does_not_link_what_it_tests() {
        let rules = "rule r0 \"No\" {\n  match s: shift\n  match e: employee\n  no t: site\n    join t.id == s.id and t.code == e.id\n  alert \"x\"\n}";
        assert_eq!(findings(rules).len(), 1);
    }
}
