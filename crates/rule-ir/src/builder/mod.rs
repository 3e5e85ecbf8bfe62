//! Building programs: the one way front ends (the `.calc` parser, JSON rules, the IR text
//! parser) and tests make IR. The builder resolves names and types every expression as it
//! is made, reporting what it cannot resolve as diagnostics and standing an `Error` node in
//! its place, so that building always finishes and every problem of a program is reported.
//!
//! Declarations come first (fact types and fields, calculator signatures), then bodies
//! (calculators, rules), so bodies may use anything declared anywhere.

mod calc;
mod exprs;
mod rule;

pub use calc::{AlphaBuilder, CalcBuilder};
pub use exprs::{ExprBuilder, Resolved};
pub use rule::RuleBuilder;

pub(crate) use exprs::error as exprs_error;

use reckon_fact_store::{FactTypeId, FieldId, Presence, ValueType, closest_name};

use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{Expr, ExprKind, Literal};
use crate::ids::{AlphaId, CalcId, RuleId, Span};
use crate::program::{AlphaTest, Calc, FactDecl, FieldDecl, Program, Stratum};
use crate::rule::Var;
use crate::types;

/// The calculators an expression calls, in order, without repeats.
fn called(expr: &Expr) -> Vec<CalcId> {
    let mut calls = Vec::new();
    expr.walk(&mut |node| {
        if let ExprKind::Call {
            function: crate::expr::Function::Calc(calc),
            ..
        } = node.kind
        {
            if !calls.contains(&calc) {
                calls.push(calc);
            }
        }
    });
    calls
}

/// Builds a [`Program`] and collects the diagnostics found on the way.
#[derive(Debug, Default)]
pub struct ProgramBuilder {
    program: Program,
    diagnostics: Vec<Diagnostic>,
    /// Each rule name's first rule, so that finding a duplicate does not scan every rule.
    rule_names: std::collections::HashMap<String, RuleId>,
}

/// A field to declare.
#[derive(Debug, Clone)]
pub struct FieldSpec {
    /// The name.
    pub name: String,
    /// The type.
    pub ty: ValueType,
    /// Whether every fact has it.
    pub presence: Presence,
    /// The value of a fact without it.
    pub default: Option<Literal>,
    /// Set by rules rather than read from input.
    pub derived: bool,
    /// Where it is declared.
    pub span: Span,
}

impl FieldSpec {
    /// A required input field.
    pub fn required(name: &str, ty: ValueType) -> FieldSpec {
        FieldSpec {
            name: name.into(),
            ty,
            presence: Presence::Required,
            default: None,
            derived: false,
            span: Span::default(),
        }
    }

    /// An optional input field.
    pub fn optional(name: &str, ty: ValueType) -> FieldSpec {
        FieldSpec {
            presence: Presence::Optional,
            ..FieldSpec::required(name, ty)
        }
    }

    /// A field set by rules (always optional: it exists while its rule's match does).
    pub fn derived(name: &str, ty: ValueType) -> FieldSpec {
        FieldSpec {
            derived: true,
            ..FieldSpec::optional(name, ty)
        }
    }

    /// The same field, declared at `span`.
    pub fn at(mut self, span: Span) -> FieldSpec {
        self.span = span;
        self
    }
}

impl ProgramBuilder {
    /// An empty program.
    pub fn new() -> ProgramBuilder {
        ProgramBuilder::default()
    }

    /// The program built so far.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The diagnostics so far.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Records a diagnostic.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The program and every diagnostic found while building it.
    pub fn finish(mut self) -> (Program, Vec<Diagnostic>) {
        self.report_recursive_calcs();
        (self.program, self.diagnostics)
    }

    /// Reports calculators that call themselves through others (a direct self-call is
    /// reported when the body is built).
    fn report_recursive_calcs(&mut self) {
        let calls: Vec<Vec<CalcId>> = self
            .program
            .calcs
            .iter()
            .map(|calc| called(&calc.body))
            .collect();
        let mut reported: Vec<CalcId> = Vec::new();
        for calc in &self.program.calcs {
            if reported.contains(&calc.id) {
                continue;
            }
            // A path back to `calc` through at least one other calculator, found by a
            // search that remembers where it came from.
            let mut came_from: Vec<Option<CalcId>> = vec![None; calls.len()];
            let mut pending: Vec<CalcId> = calls[calc.id.index()]
                .iter()
                .copied()
                .filter(|c| *c != calc.id)
                .collect();
            for start in &pending {
                came_from[start.index()] = Some(calc.id);
            }
            let mut cycle = None;
            while let Some(at) = pending.pop() {
                if calls[at.index()].contains(&calc.id) {
                    let mut path = vec![at];
                    while let Some(previous) =
                        came_from[path[path.len() - 1].index()].filter(|p| *p != calc.id)
                    {
                        path.push(previous);
                    }
                    path.push(calc.id);
                    path.reverse();
                    cycle = Some(path);
                    break;
                }
                for &next in &calls[at.index()] {
                    if next != calc.id && came_from[next.index()].is_none() {
                        came_from[next.index()] = Some(at);
                        pending.push(next);
                    }
                }
            }
            let Some(cycle) = cycle else { continue };
            let names: Vec<String> = cycle
                .iter()
                .map(|id| format!("`{}`", self.program.calc(*id).name))
                .collect();
            let message = format!(
                "calculators {} call each other in a circle",
                names.join(", ")
            );
            let mut diagnostic = Diagnostic::new(Code::RecursiveCalc, message, calc.span, "on the circle")
                .with_help("calculators are formulas and cannot recurse; write the repetition out, or use a comprehension over a list");
            for other in &cycle[1..] {
                diagnostic =
                    diagnostic.with_secondary(self.program.calc(*other).span, "also on the circle");
            }
            reported.extend(&cycle);
            self.diagnostics.push(diagnostic);
        }
    }

    /// Declares a fact type. A name declared twice is reported and the first kept.
    pub fn fact(&mut self, name: &str, span: Span) -> Option<FactTypeId> {
        if let Some(existing) = self.program.fact_type(name) {
            let earlier = self.program.fact(existing).span;
            self.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!("fact type `{name}` is declared twice"),
                    span,
                    "declared again here",
                )
                .with_secondary(earlier, "first declared here")
                .with_help("merge the two declarations"),
            );
            return None;
        }
        let Some(id) = FactTypeId::from_index(self.program.facts.len()) else {
            self.report(Diagnostic::new(
                Code::DuplicateName,
                "too many fact types (at most 65,536)",
                span,
                "one too many",
            ));
            return None;
        };
        self.program.facts.push(FactDecl {
            name: name.into(),
            fields: Vec::new(),
            single: false,
            output: false,
            span,
        });
        Some(id)
    }

    /// Marks a fact type as single (exactly one fact) or output (written by `reckon run`).
    pub fn fact_flags(&mut self, fact: FactTypeId, single: bool, output: bool) {
        let decl = &mut self.program.facts[fact.index()];
        decl.single = single;
        decl.output = output;
    }

    /// Declares a field of a fact type.
    pub fn field(&mut self, fact: FactTypeId, spec: FieldSpec) -> Option<FieldId> {
        let decl = &self.program.facts[fact.index()];
        if spec.name == "type" {
            self.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!(
                        "fact type `{}` cannot have a field called `type`",
                        decl.name
                    ),
                    spec.span,
                    "reserved name",
                )
                .with_help("`type` names a fact's type in input; choose another field name"),
            );
            return None;
        }
        if let Some(existing) = decl.field_id(&spec.name) {
            let earlier = decl.fields[existing.index()].span;
            let message = format!(
                "fact type `{}` declares field `{}` twice",
                decl.name, spec.name
            );
            self.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    message,
                    spec.span,
                    "declared again here",
                )
                .with_secondary(earlier, "first declared here"),
            );
            return None;
        }
        let id = FieldId::from_index(decl.fields.len())?;
        if let Some(default) = &spec.default {
            if !types::assignable(&default.ty(), &spec.ty) {
                self.report(Diagnostic::new(
                    Code::AssignmentType,
                    format!(
                        "the default of `{}` is {}, but the field is {}",
                        spec.name,
                        types::a(&default.ty()),
                        spec.ty
                    ),
                    spec.span,
                    "default of the wrong type",
                ));
            }
        }
        self.program.facts[fact.index()].fields.push(FieldDecl {
            name: spec.name,
            ty: spec.ty,
            presence: spec.presence,
            default: spec.default,
            derived: spec.derived,
            span: spec.span,
        });
        Some(id)
    }

    /// Declares a calculator's signature; its body is built with [`calc_body`](Self::calc_body).
    pub fn calc(
        &mut self,
        name: &str,
        params: &[(String, ValueType, Span)],
        returns: ValueType,
        span: Span,
    ) -> Option<CalcId> {
        if let Some(existing) = self.program.calcs.iter().find(|calc| calc.name == name) {
            let earlier = existing.span;
            self.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!("calculator `{name}` is declared twice"),
                    span,
                    "declared again here",
                )
                .with_secondary(earlier, "first declared here"),
            );
            return None;
        }
        if crate::builtin::Builtin::from_name(name).is_some()
            || crate::expr::AggOp::from_name(name).is_some()
        {
            self.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!("`{name}` is a built-in function"),
                    span,
                    "name taken",
                )
                .with_help("choose another name for the calculator"),
            );
            return None;
        }
        let id = CalcId::from_index(self.program.calcs.len());
        let mut vars: Vec<Var> = Vec::new();
        let mut param_ids = Vec::new();
        for (param, ty, param_span) in params {
            if vars.iter().any(|var| var.name == *param) {
                self.report(Diagnostic::new(
                    Code::DuplicateName,
                    format!("calculator `{name}` has two parameters called `{param}`"),
                    *param_span,
                    "declared again here",
                ));
                continue;
            }
            param_ids.push(crate::ids::VarId::from_index(vars.len()));
            vars.push(Var {
                name: param.clone(),
                ty: ty.clone(),
                span: *param_span,
            });
        }
        let body = Expr::new(ExprKind::Error, returns.clone(), span);
        self.program.calcs.push(Calc {
            id,
            name: name.into(),
            params: param_ids,
            vars,
            returns,
            body,
            span,
        });
        Some(id)
    }

    /// Starts the body of a declared calculator.
    pub fn calc_body(&mut self, calc: CalcId) -> CalcBuilder<'_> {
        CalcBuilder::new(self, calc)
    }

    /// Starts a rule.
    pub fn rule(&mut self, name: &str, priority: i32, span: Span) -> RuleBuilder<'_> {
        RuleBuilder::new(self, name, priority, span)
    }

    /// Starts a shared single-fact test over `fact_type` (for the IR text form, which
    /// lists the table the sharing pass made).
    pub fn alpha(&mut self, fact_type: FactTypeId) -> AlphaBuilder<'_> {
        AlphaBuilder::new(self, fact_type)
    }

    pub(crate) fn push_alpha(&mut self, fact_type: FactTypeId, expr: Expr, uses: u32) -> AlphaId {
        let id = AlphaId::from_index(self.program.alpha.len());
        self.program.alpha.push(AlphaTest {
            id,
            fact_type,
            expr,
            uses,
        });
        id
    }

    /// Records the strata (for the IR text form, which lists what `stratify` found).
    pub fn strata(&mut self, strata: Vec<Stratum>) {
        self.program.strata = strata;
    }

    pub(crate) fn program_mut(&mut self) -> &mut Program {
        &mut self.program
    }

    /// Resolves a fact type name, reporting an unknown one with a suggestion.
    pub fn resolve_fact_type(&mut self, name: &str, span: Span) -> Option<FactTypeId> {
        if let Some(id) = self.program.fact_type(name) {
            return Some(id);
        }
        let known: Vec<&str> = self
            .program
            .facts
            .iter()
            .map(|fact| fact.name.as_str())
            .collect();
        let mut diagnostic = Diagnostic::new(
            Code::UnknownFactType,
            format!("no fact type is called `{name}`"),
            span,
            "unknown fact type",
        );
        diagnostic = match closest_name(name, known.iter().copied()) {
            Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
            None if known.is_empty() => diagnostic.with_help("declare it with `fact`"),
            None => diagnostic.with_help(format!("declared fact types: {}", known.join(", "))),
        };
        self.report(diagnostic);
        None
    }

    /// Resolves a field of a fact type, reporting an unknown one with a suggestion.
    pub fn resolve_field(
        &mut self,
        fact_type: FactTypeId,
        name: &str,
        span: Span,
    ) -> Option<FieldId> {
        let fact = self.program.fact(fact_type);
        if let Some(id) = fact.field_id(name) {
            return Some(id);
        }
        let known = fact.fields.iter().map(|field| field.name.as_str());
        let mut diagnostic = Diagnostic::new(
            Code::UnknownField,
            format!("fact type `{}` has no field `{name}`", fact.name),
            span,
            "unknown field",
        )
        .with_secondary(fact.span, format!("`{}` is declared here", fact.name));
        if let Some(near) = closest_name(name, known) {
            diagnostic = diagnostic.with_help(format!("did you mean `{near}`?"));
        }
        self.report(diagnostic);
        None
    }
}
