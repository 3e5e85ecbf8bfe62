//! Building a plan through the builder API as a front end does: declarations first, then
//! calculator bodies, then rules, each `Ref` resolved against what is in scope where it
//! stands. Names are made unique where the language needs it, and kept clear of what the
//! builder reserves and of the text-form bugs noted where they are avoided.

use std::collections::HashSet;

use reckon_fact_store::{FactTypeId, FieldId, ValueType};
use reckon_rule_ir::builder::{ExprBuilder, FieldSpec, ProgramBuilder, RuleBuilder};
use reckon_rule_ir::{AggOp, BinaryOp, Builtin, Diagnostic, Expr, Literal, Program};
use reckon_rule_ir::{RuleId, SourceId, Span, Stratum, TemplatePart};

use super::exprs::{E, Part};
use super::{
    Action, CalcPlan, FactPlan, Join, Kind, PatternPlan, Plan, RulePlan, Step, StrataPlan,
};

const AT: Span = Span {
    source: SourceId(0),
    start: 0,
    end: 0,
};

/// The names taken in one namespace.
#[derive(Default)]
struct Taken(HashSet<String>);

impl Taken {
    /// `wanted`, else `wanted_2`, `wanted_3`, ...: the first that is free and `allowed`.
    fn fresh(&mut self, wanted: &str, allowed: impl Fn(&str) -> bool) -> String {
        let mut name = wanted.to_string();
        for n in 2.. {
            if allowed(&name) && !self.0.contains(&name) {
                break;
            }
            name = format!("{wanted}_{n}");
        }
        self.0.insert(name.clone());
        name
    }
}

/// A field may not be called `type`.
fn field_name_allowed(_position: usize, name: &str) -> bool {
    name != "type"
}

/// A name of a rule's scope is not one the builder gives a hoisted aggregate (`sum1`).
fn not_hoisted(name: &str) -> bool {
    let hoisted = |op: &str| {
        name.strip_prefix(op)
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    };
    ["count", "sum", "min", "max", "avg", "collect"]
        .iter()
        .all(|op| name == *op || !hoisted(op))
}

/// The declared names, by position in the plan.
struct Names {
    facts: Vec<String>,
    fields: Vec<Vec<String>>,
    calcs: Vec<String>,
}

impl Names {
    fn of(plan: &Plan) -> Names {
        let (mut facts, mut calcs) = (Taken::default(), Taken::default());
        let fields = |fact: &FactPlan| {
            let (mut taken, fields) = (Taken::default(), fact.fields.iter().enumerate());
            fields
                .map(|(i, f)| taken.fresh(&f.name, |n| field_name_allowed(i, n)))
                .collect()
        };
        let builtin = |n: &str| Builtin::from_name(n).is_some() || AggOp::from_name(n).is_some();
        let calc = |c: &CalcPlan| calcs.fresh(&c.name, |n| !builtin(n));
        let fact = |f: &FactPlan| facts.fresh(&f.name, |_| true);
        let (facts, calcs) = (plan.facts.iter().map(fact), plan.calcs.iter().map(calc));
        Names {
            facts: facts.collect(),
            fields: plan.facts.iter().map(fields).collect(),
            calcs: calcs.collect(),
        }
    }
}

/// What an expression may read at a point of a program, with the types.
#[derive(Clone, Default)]
struct Scope(Vec<(Access, ValueType)>);

#[derive(Clone)]
enum Access {
    Name(String),
    Field(String, String),
}

/// Makes expressions with a builder; `taken` holds the names of the rule or calculator.
struct Lower<'a> {
    plan: &'a Plan,
    names: &'a Names,
    taken: Taken,
}

impl Lower<'_> {
    /// The fields of `fact` bound as `binding`, added to `scope`.
    fn bind(&self, scope: &Scope, binding: &str, fact: usize) -> Scope {
        let mut scope = scope.clone();
        let fields = self.plan.facts[fact]
            .fields
            .iter()
            .zip(&self.names.fields[fact]);
        for (field, name) in fields {
            let access = Access::Field(binding.into(), name.clone());
            scope.0.push((access, field.ty.value_type()));
        }
        scope
    }

    /// A name for a binding or variable of the rule or calculator.
    fn local(&mut self, wanted: &str) -> String {
        self.taken.fresh(wanted, not_hoisted)
    }

    /// A record member's name.
    fn member(&self, name: &str) -> String {
        name.to_string()
    }

    fn read<B: ExprBuilder>(&self, b: &mut B, access: &Access) -> Expr {
        match access {
            Access::Name(name) => b.name(name, AT),
            Access::Field(binding, field) => {
                let base = b.name(binding, AT);
                b.member(base, field, AT)
            }
        }
    }

    /// The `n`th value in scope whose type passes `fits`, else `fallback`.
    fn pick<B: ExprBuilder>(
        &mut self,
        b: &mut B,
        scope: &Scope,
        n: u8,
        fits: impl Fn(&ValueType) -> bool,
        fallback: &E,
    ) -> Expr {
        let fitting: Vec<&Access> = scope
            .0
            .iter()
            .filter(|(_, ty)| fits(ty))
            .map(|(a, _)| a)
            .collect();
        match fitting.is_empty() {
            false => self.read(b, fitting[usize::from(n) % fitting.len()]),
            true => self.expr(b, scope, fallback),
        }
    }

    fn all<B: ExprBuilder>(&mut self, b: &mut B, scope: &Scope, items: &[E]) -> Vec<Expr> {
        items.iter().map(|e| self.expr(b, scope, e)).collect()
    }

    fn expr<B: ExprBuilder>(&mut self, b: &mut B, scope: &Scope, e: &E) -> Expr {
        match e {
            E::Lit(literal) => b.literal(literal.clone(), AT),
            E::Ref(ty, n, fallback) => self.pick(b, scope, *n, |t| *t == ty.value_type(), fallback),
            E::Unary(op, operand) => {
                let operand = self.expr(b, scope, operand);
                b.unary(*op, operand, AT)
            }
            E::Check(op, n) => {
                let value = self.pick(b, scope, *n, |_| true, &E::Lit(Literal::Null));
                b.unary(*op, value, AT)
            }
            E::Binary(op, left, right) => {
                let (left, right) = (self.expr(b, scope, left), self.expr(b, scope, right));
                b.binary(*op, left, right, AT)
            }
            E::If(condition, then, otherwise) => {
                let condition = self.expr(b, scope, condition);
                let (then, otherwise) = (self.expr(b, scope, then), self.expr(b, scope, otherwise));
                b.if_then(condition, then, otherwise, AT)
            }
            E::In(value, list) => {
                let (value, list) = (self.expr(b, scope, value), self.all(b, scope, list));
                b.in_list(value, list, AT)
            }
            E::List(items) => {
                let items = self.all(b, scope, items);
                b.list(items, AT)
            }
            E::Record(fields) => {
                let fields = fields
                    .iter()
                    .map(|(n, e)| (self.member(n), self.expr(b, scope, e)))
                    .collect();
                b.record(fields, AT)
            }
            E::Member(base, name) => {
                let base = self.expr(b, scope, base);
                b.member(base, &self.member(name), AT)
            }
            E::Builtin(builtin, args) => {
                let args = self.all(b, scope, args);
                b.call(builtin.name(), AT, args, AT)
            }
            E::Calc(calc, args) => {
                let args = self.all(b, scope, args);
                b.call(&self.names.calcs[*calc], AT, args, AT)
            }
            E::Len(n, fallback) => {
                let listed = |ty: &ValueType| matches!(ty, ValueType::List(_) | ValueType::Text);
                let value = self.pick(b, scope, *n, listed, fallback);
                b.call("len", AT, vec![value], AT)
            }
            E::Fold(op, var, source, filter, value, default) => {
                let source = self.expr(b, scope, source);
                let element = match &source.ty {
                    ValueType::List(element) => (**element).clone(),
                    _ => ValueType::Any,
                };
                let var = self.local(var);
                let Some(id) = b.comprehension_var(&var, AT, &source) else {
                    return source; // reported, so the property fails with the diagnostic
                };
                let mut inner = scope.clone();
                inner.0.push((Access::Name(var), element));
                let filter = filter.as_ref().map(|e| self.expr(b, &inner, e));
                let value = value.as_ref().map(|e| self.expr(b, &inner, e));
                // The default stands for "no element", so it does not read the element.
                let default = default.as_ref().map(|e| self.expr(b, scope, e));
                b.comprehension(*op, id, source, filter, value, default, AT)
            }
            E::Template(parts) => {
                let parts = parts.iter().map(|part| self.part(b, scope, part)).collect();
                b.template(parts, AT)
            }
        }
    }

    fn part<B: ExprBuilder>(&mut self, b: &mut B, scope: &Scope, part: &Part) -> TemplatePart {
        match part {
            Part::Text(text) => TemplatePart::Text(text.clone()),
            Part::Value(e) => TemplatePart::Value(self.expr(b, scope, e)),
        }
    }

    /// `binding.f == other.g` for the `n`th pair of fields of one type of this pattern's
    /// fact and an earlier match's, or `text(..) == text(..)` of the first fields when the
    /// types never agree.
    fn equal(
        &self,
        r: &mut RuleBuilder<'_>,
        binding: &str,
        fact: usize,
        n: u8,
        earlier: &[(String, usize)],
    ) -> Option<Expr> {
        let (facts, names) = (&self.plan.facts, &self.names.fields);
        let mut pairs = Vec::new();
        for (other, of) in earlier {
            for (mine, m) in facts[fact].fields.iter().zip(&names[fact]) {
                for (theirs, t) in facts[*of].fields.iter().zip(&names[*of]) {
                    if mine.ty == theirs.ty {
                        pairs.push((other, m, t, false));
                    }
                }
            }
        }
        if pairs.is_empty() {
            let (other, of) = earlier.last()?;
            pairs.push((other, &names[fact][0], &names[*of][0], true));
        }
        let (other, mine, theirs, as_text) = pairs[usize::from(n) % pairs.len()];
        let left = self.read(r, &Access::Field(binding.into(), mine.clone()));
        let right = self.read(r, &Access::Field(other.clone(), theirs.clone()));
        let (left, right) = match as_text {
            true => (
                r.call("text", AT, vec![left], AT),
                r.call("text", AT, vec![right], AT),
            ),
            false => (left, right),
        };
        Some(r.binary(BinaryOp::Eq, left, right, AT))
    }

    /// The tests (over the pattern's own fact) and joins of the pattern just opened, bound
    /// as `binding`.
    fn filters(
        &mut self,
        r: &mut RuleBuilder<'_>,
        p: &PatternPlan,
        binding: &str,
        earlier: &[(String, usize)],
        outer: &Scope,
    ) {
        let own = self.bind(&Scope::default(), binding, p.fact);
        for test in &p.tests {
            let test = self.expr(r, &own, test);
            r.filter(test);
        }
        let joined = self.bind(outer, binding, p.fact);
        for join in &p.joins {
            let join = match join {
                Join::Equal(n) => self.equal(r, binding, p.fact, *n, earlier),
                Join::Expr(e) => Some(self.expr(r, &joined, e)),
            };
            join.into_iter().for_each(|join| r.filter(join));
        }
    }

    /// Field values of an emit or update of a `fact`.
    fn values(
        &mut self,
        r: &mut RuleBuilder<'_>,
        scope: &Scope,
        fact: usize,
        fields: &[(usize, E)],
    ) -> Vec<(String, Span, Expr)> {
        let names = &self.names.fields[fact];
        fields
            .iter()
            .map(|(f, e)| (names[*f].clone(), AT, self.expr(r, scope, e)))
            .collect()
    }

    fn rule(&mut self, r: &mut RuleBuilder<'_>, rule: &RulePlan) {
        let names = self.names;
        let facts = &names.facts;
        let mut scope = Scope::default();
        let mut matched: Vec<(String, usize)> = Vec::new();
        for step in &rule.steps {
            match step {
                Step::Match(p) => {
                    let binding = self.local(&p.binding);
                    let after = matched
                        .iter()
                        .rev()
                        .find(|(_, f)| *f == p.fact)
                        .map(|(name, _)| name);
                    match (&p.next, after) {
                        (Some(order), Some(after)) => {
                            let order: Vec<_> = order
                                .iter()
                                .map(|f| (names.fields[p.fact][*f].clone(), AT))
                                .collect();
                            r.match_next(&binding, AT, &facts[p.fact], AT, after, AT, &order, AT)
                        }
                        _ => r.match_fact(&binding, AT, &facts[p.fact], AT, AT),
                    };
                    self.filters(r, p, &binding, &matched, &scope);
                    scope = self.bind(&scope, &binding, p.fact);
                    matched.push((binding, p.fact));
                }
                Step::Absent(p) | Step::Exists(p) => {
                    let binding = self.local(&p.binding);
                    match step {
                        Step::Absent(_) => r.begin_absent(&binding, AT, &facts[p.fact], AT, AT),
                        _ => r.begin_exists(&binding, AT, &facts[p.fact], AT, AT),
                    }
                    self.filters(r, p, &binding, &matched, &scope);
                    r.end_pattern(None, None);
                }
                Step::Accumulate(var, op, p, value, default) => {
                    let (var, binding) = (self.local(var), self.local(&p.binding));
                    r.begin_accumulate(&var, AT, *op, &binding, AT, &facts[p.fact], AT, AT);
                    self.filters(r, p, &binding, &matched, &scope);
                    let inner = self.bind(&scope, &binding, p.fact);
                    let value = value.as_ref().map(|e| self.expr(r, &inner, e));
                    let default = default.as_ref().map(|e| self.expr(r, &scope, e));
                    if let Some(id) = r.end_pattern(value, default) {
                        scope.0.push((Access::Name(var), r.var_type(id)));
                    }
                }
                Step::Expand(name, source) => {
                    let (name, source) = (self.local(name), self.expr(r, &scope, source));
                    let element = match &source.ty {
                        ValueType::List(element) => (**element).clone(),
                        _ => ValueType::Any,
                    };
                    if r.expand(&name, AT, source, AT).is_some() {
                        scope.0.push((Access::Name(name), element));
                    }
                }
                Step::Let(name, value) => {
                    let (name, value) = (self.local(name), self.expr(r, &scope, value));
                    if let Some(id) = r.let_value(&name, AT, value, AT) {
                        scope.0.push((Access::Name(name), r.var_type(id)));
                    }
                }
                Step::Guard(test) => {
                    let test = self.expr(r, &scope, test);
                    r.guard(test);
                }
            }
        }
        // After `group by` only the keys, the aggregates and later lets are values of the
        // rule (a `let` before the grouping differs from match to match).
        let mut after = scope.clone();
        if let Some(group) = &rule.group {
            r.group_by(AT);
            after = Scope::default();
            if group.fact_key {
                let (binding, fact) = &matched[0];
                r.group_key_fact(binding, AT);
                after = self.bind(&after, binding, *fact);
            }
            for (name, key) in &group.keys {
                let (name, key) = (self.local(name), self.expr(r, &scope, key));
                if let Some(id) = r.group_key(&name, AT, key) {
                    after.0.push((Access::Name(name), r.var_type(id)));
                }
            }
            for (name, op, value) in &group.aggregates {
                let (name, value) = (
                    self.local(name),
                    value.as_ref().map(|e| self.expr(r, &scope, e)),
                );
                if let Some(id) = r.group_aggregate(&name, AT, *op, value, AT) {
                    after.0.push((Access::Name(name), r.var_type(id)));
                }
            }
            for (name, value) in &group.lets {
                let (name, value) = (self.local(name), self.expr(r, &after, value));
                if let Some(id) = r.let_value(&name, AT, value, AT) {
                    after.0.push((Access::Name(name), r.var_type(id)));
                }
            }
            if let Some(having) = &group.having {
                let having = self.expr(r, &after, having);
                r.guard(having);
            }
        }
        for action in &rule.actions {
            match action {
                Action::Set(binding, field, value) => {
                    let (name, fact) = &matched[*binding];
                    let value = self.expr(r, &after, value);
                    r.set(name, AT, &names.fields[*fact][*field], AT, value, AT);
                }
                Action::Emit(fact, fields) => {
                    let fields = self.values(r, &after, *fact, fields);
                    r.emit(&facts[*fact], AT, fields, AT);
                }
                Action::Alert(parts) => {
                    let parts = parts
                        .iter()
                        .map(|part| self.part(r, &after, part))
                        .collect();
                    let message = r.template(parts, AT);
                    r.alert(message, AT);
                }
                Action::Aggregate(op, value) => {
                    let args = value.iter().map(|e| self.expr(r, &scope, e)).collect();
                    let aggregate = TemplatePart::Value(r.call(op.name(), AT, args, AT));
                    let message =
                        r.template(vec![TemplatePart::Text("total ".into()), aggregate], AT);
                    r.alert(message, AT);
                }
                Action::Retract(binding) => r.retract(&matched[*binding].0, AT, AT),
                Action::Update(binding, fields) => {
                    let (name, fact) = &matched[*binding];
                    let fields = self.values(r, &after, *fact, fields);
                    r.update(name, AT, fields, AT);
                }
            }
        }
    }
}

/// Makes the program of a plan through the builder, with every diagnostic it reports.
pub(crate) fn build(plan: &Plan) -> (Program, Vec<Diagnostic>) {
    let names = Names::of(plan);
    let mut b = ProgramBuilder::new();
    for ((fact, name), fields) in plan.facts.iter().zip(&names.facts).zip(&names.fields) {
        let Some(id) = b.fact(name, AT) else { continue };
        b.fact_flags(id, fact.single, fact.output);
        for (field, name) in fact.fields.iter().zip(fields) {
            let spec = match field.kind {
                Kind::Required => FieldSpec::required,
                Kind::Optional => FieldSpec::optional,
                Kind::Derived => FieldSpec::derived,
            };
            b.field(
                id,
                FieldSpec {
                    default: field.default.clone(),
                    ..spec(name, field.ty.value_type())
                },
            );
        }
    }
    let lower = || Lower {
        plan,
        names: &names,
        taken: Taken::default(),
    };
    let mut calcs = Vec::new();
    for (calc, name) in plan.calcs.iter().zip(&names.calcs) {
        let mut lower = lower();
        let params: Vec<_> = calc
            .params
            .iter()
            .map(|(p, ty)| (lower.local(p), ty.value_type(), AT))
            .collect();
        let scope = Scope(
            params
                .iter()
                .map(|(p, ty, _)| (Access::Name(p.clone()), ty.clone()))
                .collect(),
        );
        calcs.push((
            b.calc(name, &params, calc.returns.value_type(), AT),
            lower,
            scope,
        ));
    }
    for ((id, mut lower, scope), calc) in calcs.into_iter().zip(&plan.calcs) {
        let Some(id) = id else { continue };
        let mut body = b.calc_body(id);
        let e = lower.expr(&mut body, &scope, &calc.body);
        body.finish(e);
    }
    let mut rule_names = Taken::default();
    for (index, rule) in plan.rules.iter().enumerate() {
        let mut r = b.rule(&rule_names.fresh(&rule.name, |_| true), rule.priority, AT);
        if let Some(strata) = &plan.strata {
            r.stratum(u32::from(strata.of_rule[index]));
        }
        lower().rule(&mut r, rule);
        r.finish();
    }
    if let Some(StrataPlan {
        of_rule,
        partitions,
    }) = &plan.strata
    {
        let count = of_rule[..plan.rules.len()]
            .iter()
            .max()
            .map_or(0, |last| usize::from(*last) + 1);
        let strata = (0..count).map(|s| {
            let rules = (0..plan.rules.len()).filter(|r| usize::from(of_rule[*r]) == s);
            let partition = partitions[s].as_ref().map(|keys| partition(plan, keys));
            Stratum {
                rules: rules.map(RuleId::from_index).collect(),
                partition,
            }
        });
        b.strata(strata.collect());
    }
    b.finish()
}

/// A stratum's partition keys, the numbers taken modulo the fact types and fields.
fn partition(plan: &Plan, keys: &[(usize, usize)]) -> Vec<(FactTypeId, FieldId)> {
    let mut keys: Vec<(usize, usize)> = keys
        .iter()
        .map(|(fact, field)| (fact % plan.facts.len(), *field))
        .collect();
    keys.iter_mut()
        .for_each(|(fact, field)| *field %= plan.facts[*fact].fields.len());
    let id = |(fact, field): (usize, usize)| {
        Some((FactTypeId::from_index(fact)?, FieldId::from_index(field)?))
    };
    keys.into_iter().filter_map(id).collect()
}
