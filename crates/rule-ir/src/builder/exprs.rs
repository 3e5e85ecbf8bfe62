//! Making expressions: the constructors every builder shares (rules, calculators, shared
//! tests). Each resolves what it names, computes the node's type from its children, and
//! reports what does not fit, returning an `Error` node (typed `any`) in its place so that
//! one mistake gives one diagnostic.

mod calls;

use reckon_fact_store::{ValueType, closest_name};

pub(crate) use calls::aggregate_type;

use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{AggOp, BinaryOp, Expr, ExprKind, Literal, TemplatePart, UnaryOp};
use crate::ids::{BindingId, Span, VarId};
use crate::program::Program;
use crate::rule::BindingKind;
use crate::types;

/// What a name in scope stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// A binding, with what it binds.
    Binding(BindingId, BindingKind),
    /// A named value, with its type.
    Var(VarId, ValueType),
}

/// The expression constructors, over a builder that knows the names in scope.
pub trait ExprBuilder {
    /// The program being built (its fact types and calculators).
    fn program(&self) -> &Program;

    /// Records a diagnostic.
    fn report(&mut self, diagnostic: Diagnostic);

    /// What `name` stands for here, if anything.
    fn lookup(&self, name: &str) -> Option<Resolved>;

    /// Every name in scope, for suggestions.
    fn names_in_scope(&self) -> Vec<String>;

    /// Declares a variable visible until [`leave_var`](Self::leave_var) (a comprehension
    /// element); `None` (reported) when the name is taken.
    fn enter_var(&mut self, name: &str, ty: ValueType, span: Span) -> Option<VarId>;

    /// Ends the scope of a variable made by [`enter_var`](Self::enter_var).
    fn leave_var(&mut self, var: VarId);

    /// An aggregate call (`sum(x)`, `count()`): a rule that groups hoists it into the group;
    /// elsewhere it is reported.
    fn aggregate(&mut self, op: AggOp, value: Option<Expr>, span: Span) -> Expr;

    /// True inside a per-member `emit` of a group rule, where `allocate` may be used.
    fn allocate_allowed(&self) -> bool;

    /// The name and kind of a binding of this scope.
    fn binding(&self, binding: BindingId) -> Option<(String, BindingKind)>;

    /// A constant.
    fn literal(&mut self, literal: Literal, span: Span) -> Expr {
        Expr::literal(literal, span)
    }

    /// A bare name: a value, or a binding (a fact binding must be followed by a field).
    fn name(&mut self, name: &str, span: Span) -> Expr {
        match self.lookup(name) {
            Some(Resolved::Var(var, ty)) => Expr::new(ExprKind::Var(var), ty, span),
            Some(Resolved::Binding(binding, BindingKind::Value(ty))) => {
                Expr::new(ExprKind::Binding(binding), ty, span)
            }
            Some(Resolved::Binding(binding, BindingKind::Fact(_))) => {
                Expr::new(ExprKind::Binding(binding), ValueType::Any, span)
            }
            None => {
                let names = self.names_in_scope();
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownName,
                    format!("nothing called `{name}` is in scope here"),
                    span,
                    "unknown name",
                );
                if let Some(near) = closest_name(name, names.iter().map(String::as_str)) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{near}`?"));
                }
                self.report(diagnostic);
                error(span)
            }
        }
    }

    /// `base.name`: a field of a fact binding, a member of a record, or the start/end of a week.
    fn member(&mut self, base: Expr, name: &str, span: Span) -> Expr {
        let whole = base.span.to(span);
        if let ExprKind::Binding(binding) = base.kind {
            if let Some((_, BindingKind::Fact(fact_type))) = self.binding(binding) {
                let program = self.program();
                let fact = program.fact(fact_type);
                return match fact.field_id(name) {
                    Some(field) => {
                        let ty = fact.fields[field.index()].ty.clone();
                        Expr::new(ExprKind::Field { binding, field }, ty, whole)
                    }
                    None => {
                        let mut diagnostic = Diagnostic::new(
                            Code::UnknownField,
                            format!("fact type `{}` has no field `{name}`", fact.name),
                            span,
                            "unknown field",
                        )
                        .with_secondary(fact.span, format!("`{}` is declared here", fact.name));
                        if let Some(near) =
                            closest_name(name, fact.fields.iter().map(|f| f.name.as_str()))
                        {
                            diagnostic = diagnostic.with_help(format!("did you mean `{near}`?"));
                        }
                        self.report(diagnostic);
                        error(whole)
                    }
                };
            }
        }
        let member_type = match &base.ty {
            ValueType::Any => Some(ValueType::Any),
            ValueType::Record(record) => record.field(name).cloned(),
            ValueType::Week if name == "start" || name == "end" => Some(ValueType::Date),
            _ => None,
        };
        if matches!(base.kind, ExprKind::Error) {
            return error(whole);
        }
        match member_type {
            Some(ty) => Expr::new(
                ExprKind::Member {
                    base: Box::new(base),
                    name: name.into(),
                },
                ty,
                whole,
            ),
            None => {
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownField,
                    format!("{} value has no member `{name}`", types::a(&base.ty)),
                    span,
                    "unknown member",
                );
                if let ValueType::Record(record) = &base.ty {
                    if let Some(near) =
                        closest_name(name, record.fields().iter().map(|(n, _)| n.as_str()))
                    {
                        diagnostic = diagnostic.with_help(format!("did you mean `{near}`?"));
                    }
                }
                self.report(diagnostic);
                error(whole)
            }
        }
    }

    /// Checks that `expr` is a value (not a whole fact) and returns it, or an error node.
    fn value(&mut self, expr: Expr) -> Expr {
        if let ExprKind::Binding(binding) = expr.kind {
            if let Some((name, BindingKind::Fact(fact_type))) = self.binding(binding) {
                let fact = &self.program().fact(fact_type).name;
                let first = self
                    .program()
                    .fact(fact_type)
                    .fields
                    .first()
                    .map_or("id".to_string(), |f| f.name.clone());
                let message = format!("`{name}` is a whole `{fact}` fact, not a value");
                let diagnostic = Diagnostic::new(Code::TypeMismatch, message, expr.span, "a fact")
                    .with_help(format!("use one of its fields, as in `{name}.{first}`"));
                self.report(diagnostic);
                return error(expr.span);
            }
        }
        expr
    }

    /// A prefix operator or a missing/null test.
    fn unary(&mut self, op: UnaryOp, operand: Expr, span: Span) -> Expr {
        let operand = self.value(operand);
        if matches!(operand.kind, ExprKind::Error)
            && op != UnaryOp::IsMissing
            && op != UnaryOp::IsNull
        {
            return error(span);
        }
        match types::unary(op, &operand.ty) {
            Some(ty) => Expr::new(
                ExprKind::Unary {
                    op,
                    operand: Box::new(operand),
                },
                ty,
                span,
            ),
            None => {
                let symbol = if op == UnaryOp::Neg { "-" } else { "not" };
                let message = format!(
                    "`{symbol}` does not apply to {} value",
                    types::a(&operand.ty)
                );
                self.report(Diagnostic::new(
                    Code::TypeMismatch,
                    message,
                    operand.span,
                    format!("this is {}", operand.ty),
                ));
                error(span)
            }
        }
    }

    /// An infix operator.
    fn binary(&mut self, op: BinaryOp, left: Expr, right: Expr, span: Span) -> Expr {
        let left = self.value(left);
        let right = self.value(right);
        if matches!(left.kind, ExprKind::Error) || matches!(right.kind, ExprKind::Error) {
            return error(span);
        }
        match types::binary(op, &left.ty, &right.ty) {
            Some(ty) => Expr::new(
                ExprKind::Binary {
                    op,
                    left: Box::new(left),
                    right: Box::new(right),
                },
                ty,
                span,
            ),
            None => {
                let message = format!(
                    "`{}` does not apply to {} and {}",
                    op.symbol(),
                    left.ty,
                    right.ty
                );
                let mut diagnostic =
                    Diagnostic::new(Code::TypeMismatch, message, span, "mismatched types")
                        .with_secondary(left.span, format!("this is {}", left.ty))
                        .with_secondary(right.span, format!("this is {}", right.ty));
                if op.is_comparison()
                    && (left.ty == ValueType::Text) != (right.ty == ValueType::Text)
                {
                    diagnostic = diagnostic.with_help("text compares only with text; quote the other side or compare a number field");
                }
                let dates = [&left.ty, &right.ty];
                if op.is_comparison()
                    && dates.contains(&&ValueType::Date)
                    && dates.contains(&&ValueType::DateTime)
                {
                    diagnostic = diagnostic.with_help(
                        "take the date of the datetime with `date(...)`, or write the other side \
                         as a datetime (`2025-01-06T00:00`)",
                    );
                }
                self.report(diagnostic);
                error(span)
            }
        }
    }

    /// `value in [a, b, ...]`.
    fn in_list(&mut self, value: Expr, list: Vec<Expr>, span: Span) -> Expr {
        let value = self.value(value);
        let mut items = Vec::with_capacity(list.len());
        let mut ok = !matches!(value.kind, ExprKind::Error);
        for item in list {
            let item = self.value(item);
            if !matches!(item.kind, ExprKind::Error) && !types::comparable(&value.ty, &item.ty) {
                let message = format!(
                    "`in` compares {} with {}",
                    types::a(&value.ty),
                    types::a(&item.ty)
                );
                self.report(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        message,
                        item.span,
                        format!("this is {}", item.ty),
                    )
                    .with_secondary(value.span, format!("this is {}", value.ty)),
                );
                ok = false;
            }
            items.push(item);
        }
        if !ok {
            return error(span);
        }
        Expr::new(
            ExprKind::In {
                value: Box::new(value),
                list: items,
            },
            ValueType::Bool,
            span,
        )
    }

    /// `if condition then a else b`.
    fn if_then(&mut self, condition: Expr, then: Expr, otherwise: Expr, span: Span) -> Expr {
        let condition = self.boolean(condition, "the condition of `if`");
        let then = self.value(then);
        let otherwise = self.value(otherwise);
        if [&condition, &then, &otherwise]
            .iter()
            .any(|e| matches!(e.kind, ExprKind::Error))
        {
            return error(span);
        }
        match types::unify(&then.ty, &otherwise.ty) {
            Some(ty) => Expr::new(
                ExprKind::If {
                    condition: Box::new(condition),
                    then: Box::new(then),
                    otherwise: Box::new(otherwise),
                },
                ty,
                span,
            ),
            None => {
                let message = format!(
                    "the two branches of `if` give {} and {}",
                    types::a(&then.ty),
                    types::a(&otherwise.ty)
                );
                self.report(
                    Diagnostic::new(
                        Code::TypeMismatch,
                        message,
                        span,
                        "branches of different types",
                    )
                    .with_secondary(then.span, format!("this is {}", then.ty))
                    .with_secondary(otherwise.span, format!("this is {}", otherwise.ty)),
                );
                error(span)
            }
        }
    }

    /// Checks that `expr` is true/false (for tests, guards and conditions).
    fn boolean(&mut self, expr: Expr, what: &str) -> Expr {
        let expr = self.value(expr);
        if matches!(expr.ty, ValueType::Bool | ValueType::Any) {
            return expr;
        }
        let message = format!(
            "{what} must be true or false, but this is {}",
            types::a(&expr.ty)
        );
        self.report(Diagnostic::new(
            Code::NotBoolean,
            message,
            expr.span,
            format!("this is {}", expr.ty),
        ));
        error(expr.span)
    }

    /// A call by name: an aggregate, a built-in function or a calculator.
    fn call(&mut self, name: &str, name_span: Span, args: Vec<Expr>, span: Span) -> Expr {
        calls::call(self, name, name_span, args, span)
    }

    /// Reports a call of a function nothing declares.
    fn unknown_function(&mut self, name: &str, name_span: Span, span: Span) -> Expr {
        calls::unknown_function(self, name, name_span, span)
    }

    /// A list of values of one type.
    fn list(&mut self, items: Vec<Expr>, span: Span) -> Expr {
        let items: Vec<Expr> = items.into_iter().map(|item| self.value(item)).collect();
        let mut element = ValueType::Any;
        for item in &items {
            match types::unify(&element, &item.ty) {
                Some(unified) => element = unified,
                None => {
                    let message = format!(
                        "a list holds values of one type, but this is {} among {element} values",
                        types::a(&item.ty)
                    );
                    self.report(Diagnostic::new(
                        Code::TypeMismatch,
                        message,
                        item.span,
                        format!("this is {}", item.ty),
                    ));
                    return error(span);
                }
            }
        }
        Expr::new(ExprKind::List(items), ValueType::list(element), span)
    }

    /// A record of named values.
    fn record(&mut self, fields: Vec<(String, Expr)>, span: Span) -> Expr {
        let mut built: Vec<(String, Expr)> = Vec::with_capacity(fields.len());
        for (name, value) in fields {
            let value = self.value(value);
            if built.iter().any(|(existing, _)| *existing == name) {
                let message = format!("the record names `{name}` twice");
                self.report(Diagnostic::new(
                    Code::DuplicateName,
                    message,
                    value.span,
                    "named again here",
                ));
                continue;
            }
            built.push((name, value));
        }
        let ty = ValueType::record(
            built
                .iter()
                .map(|(name, value)| (name.clone(), value.ty.clone())),
        );
        Expr::new(ExprKind::Record(built), ty, span)
    }

    /// Text with values spliced in.
    fn template(&mut self, parts: Vec<TemplatePart>, span: Span) -> Expr {
        let parts = parts
            .into_iter()
            .map(|part| match part {
                TemplatePart::Value(value) => TemplatePart::Value(self.value(value)),
                text => text,
            })
            .collect();
        Expr::new(ExprKind::Template(parts), ValueType::Text, span)
    }

    /// Declares the element variable of a comprehension over `source`; build the filter and
    /// value with it in scope, then call [`comprehension`](Self::comprehension).
    fn comprehension_var(&mut self, name: &str, name_span: Span, source: &Expr) -> Option<VarId> {
        calls::comprehension_var(self, name, name_span, source)
    }

    /// An aggregate over a list; ends the scope of `var`.
    #[allow(clippy::too_many_arguments)]
    fn comprehension(
        &mut self,
        op: AggOp,
        var: VarId,
        source: Expr,
        filter: Option<Expr>,
        value: Option<Expr>,
        default: Option<Expr>,
        span: Span,
    ) -> Expr {
        calls::comprehension(self, op, var, source, filter, value, default, span)
    }

    /// A member's share of `amount` by `weight`, ties broken by `tie`.
    fn allocate(&mut self, amount: Expr, weight: Expr, tie: Expr, span: Span) -> Expr {
        calls::allocate(self, amount, weight, tie, span)
    }
}

/// An `Error` node.
pub(crate) fn error(span: Span) -> Expr {
    Expr::new(ExprKind::Error, ValueType::Any, span)
}
