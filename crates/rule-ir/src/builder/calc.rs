//! Building a calculator's body (its parameters in scope) and a shared single-fact test
//! (the tested fact in scope as `it`).

use reckon_fact_store::{FactTypeId, ValueType};

use super::ProgramBuilder;
use super::exprs::{ExprBuilder, Resolved, error};
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{AggOp, Expr};
use crate::ids::{AlphaId, BindingId, CalcId, Span, VarId};
use crate::program::Program;
use crate::rule::{BindingKind, Var};
use crate::types;

/// Builds the body of a declared calculator; [`finish`](Self::finish) sets it.
pub struct CalcBuilder<'p> {
    builder: &'p mut ProgramBuilder,
    calc: CalcId,
    vars: Vec<Var>,
    scope: Vec<(String, VarId)>,
}

impl<'p> CalcBuilder<'p> {
    pub(super) fn new(builder: &'p mut ProgramBuilder, calc: CalcId) -> CalcBuilder<'p> {
        let decl = builder.program().calc(calc);
        let vars = decl.vars.clone();
        let scope = decl
            .params
            .iter()
            .map(|param| (vars[param.index()].name.clone(), *param))
            .collect();
        CalcBuilder {
            builder,
            calc,
            vars,
            scope,
        }
    }

    /// Sets the body, checking it gives the declared result type.
    pub fn finish(self, body: Expr) {
        let CalcBuilder {
            builder,
            calc,
            vars,
            ..
        } = self;
        let decl = builder.program().calc(calc);
        let (name, returns, decl_span) = (decl.name.clone(), decl.returns.clone(), decl.span);
        if !types::assignable(&body.ty, &returns) {
            let message = format!(
                "calculator `{name}` returns {returns}, but its formula gives {}",
                types::a(&body.ty)
            );
            let diagnostic = Diagnostic::new(
                Code::AssignmentType,
                message,
                body.span,
                format!("this is {}", body.ty),
            )
            .with_secondary(decl_span, "declared here");
            builder.report(diagnostic);
        }
        let uses_itself = calls(&body, calc);
        if uses_itself {
            let message = format!("calculator `{name}` calls itself");
            let diagnostic = Diagnostic::new(Code::RecursiveCalc, message, body.span, "recursive call")
                .with_help("calculators are formulas and cannot recurse; write the repetition out, or use a comprehension over a list");
            builder.report(diagnostic);
        }
        let decl = &mut builder.program_mut().calcs[calc.index()];
        decl.vars = vars;
        decl.body = if uses_itself { error(body.span) } else { body };
    }
}

/// True when `expr` calls `calc` directly.
fn calls(expr: &Expr, calc: CalcId) -> bool {
    let mut found = false;
    expr.walk(&mut |node| {
        if let crate::expr::ExprKind::Call {
            function: crate::expr::Function::Calc(called),
            ..
        } = node.kind
        {
            found |= called == calc;
        }
    });
    found
}

impl ExprBuilder for CalcBuilder<'_> {
    fn program(&self) -> &Program {
        self.builder.program()
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.builder.report(diagnostic);
    }

    fn lookup(&self, name: &str) -> Option<Resolved> {
        self.scope
            .iter()
            .rev()
            .find(|(existing, _)| existing == name)
            .map(|(_, var)| Resolved::Var(*var, self.vars[var.index()].ty.clone()))
    }

    fn names_in_scope(&self) -> Vec<String> {
        self.scope.iter().map(|(name, _)| name.clone()).collect()
    }

    fn enter_var(&mut self, name: &str, ty: ValueType, span: Span) -> Option<VarId> {
        if self.scope.iter().any(|(existing, _)| existing == name) {
            let message = format!("`{name}` is already a name in this calculator");
            self.report(Diagnostic::new(
                Code::DuplicateName,
                message,
                span,
                "named again here",
            ));
            return None;
        }
        let id = VarId::from_index(self.vars.len());
        self.vars.push(Var {
            name: name.into(),
            ty,
            span,
        });
        self.scope.push((name.into(), id));
        Some(id)
    }

    fn leave_var(&mut self, var: VarId) {
        if let Some(at) = self.scope.iter().rposition(|(_, id)| *id == var) {
            self.scope.remove(at);
        }
    }

    fn aggregate(&mut self, op: AggOp, _value: Option<Expr>, span: Span) -> Expr {
        let message = format!(
            "`{}` combines the matches of a group; a calculator sees one set of values",
            op.name()
        );
        let diagnostic =
            Diagnostic::new(Code::AggregateOutsideGroup, message, span, "no group here")
                .with_help(format!("for a list write `{}(x for x in list)`", op.name()));
        self.report(diagnostic);
        error(span)
    }

    fn allocate_allowed(&self) -> bool {
        false
    }

    fn binding(&self, _binding: BindingId) -> Option<(String, BindingKind)> {
        None
    }
}

/// Builds a shared single-fact test, with the tested fact in scope as `it`.
pub struct AlphaBuilder<'p> {
    builder: &'p mut ProgramBuilder,
    fact_type: FactTypeId,
    vars: Vec<Var>,
    scope: Vec<(String, VarId)>,
}

impl<'p> AlphaBuilder<'p> {
    pub(super) fn new(builder: &'p mut ProgramBuilder, fact_type: FactTypeId) -> AlphaBuilder<'p> {
        AlphaBuilder {
            builder,
            fact_type,
            vars: Vec::new(),
            scope: Vec::new(),
        }
    }

    /// Adds the test to the program's table, used by `uses` patterns.
    pub fn finish(self, test: Expr, uses: u32) -> AlphaId {
        let AlphaBuilder {
            builder, fact_type, ..
        } = self;
        builder.push_alpha(fact_type, test, uses)
    }
}

impl ExprBuilder for AlphaBuilder<'_> {
    fn program(&self) -> &Program {
        self.builder.program()
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.builder.report(diagnostic);
    }

    fn lookup(&self, name: &str) -> Option<Resolved> {
        if name == "it" {
            return Some(Resolved::Binding(
                BindingId::SUBJECT,
                BindingKind::Fact(self.fact_type),
            ));
        }
        self.scope
            .iter()
            .rev()
            .find(|(existing, _)| existing == name)
            .map(|(_, var)| Resolved::Var(*var, self.vars[var.index()].ty.clone()))
    }

    fn names_in_scope(&self) -> Vec<String> {
        std::iter::once("it".to_string())
            .chain(self.scope.iter().map(|(name, _)| name.clone()))
            .collect()
    }

    fn enter_var(&mut self, name: &str, ty: ValueType, span: Span) -> Option<VarId> {
        let id = VarId::from_index(self.vars.len());
        self.vars.push(Var {
            name: name.into(),
            ty,
            span,
        });
        self.scope.push((name.into(), id));
        Some(id)
    }

    fn leave_var(&mut self, var: VarId) {
        if let Some(at) = self.scope.iter().rposition(|(_, id)| *id == var) {
            self.scope.remove(at);
        }
    }

    fn aggregate(&mut self, op: AggOp, _value: Option<Expr>, span: Span) -> Expr {
        let message = format!("`{}` has no group in a single-fact test", op.name());
        self.report(Diagnostic::new(
            Code::AggregateOutsideGroup,
            message,
            span,
            "no group here",
        ));
        error(span)
    }

    fn allocate_allowed(&self) -> bool {
        false
    }

    fn binding(&self, binding: BindingId) -> Option<(String, BindingKind)> {
        (binding == BindingId::SUBJECT)
            .then(|| ("it".to_string(), BindingKind::Fact(self.fact_type)))
    }
}
