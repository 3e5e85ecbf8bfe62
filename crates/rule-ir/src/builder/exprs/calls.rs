//! The constructors of calls: aggregates, built-in functions and calculators, comprehension
//! aggregates over lists, and `allocate`. Kept apart from the simpler constructors; the
//! `ExprBuilder` methods delegate here.

use reckon_fact_store::{ValueType, closest_name};

use super::{ExprBuilder, error};
use crate::builtin::{Builtin, CallError};
use crate::diagnostic::{Code, Diagnostic};
use crate::expr::{AggOp, Comprehension, Expr, ExprKind, Function};
use crate::ids::{Span, VarId};
use crate::types;

/// A call by name: an aggregate, a built-in function or a calculator.
pub(super) fn call<B: ExprBuilder + ?Sized>(
    b: &mut B,
    name: &str,
    name_span: Span,
    args: Vec<Expr>,
    span: Span,
) -> Expr {
    let args: Vec<Expr> = args.into_iter().map(|arg| b.value(arg)).collect();
    if let Some(op) = AggOp::from_name(name) {
        return match (op, args.len()) {
            (AggOp::Count, 0) => b.aggregate(op, None, span),
            (_, 1) => {
                let value = args.into_iter().next().expect("one argument");
                b.aggregate(op, Some(value), span)
            }
            (AggOp::Min | AggOp::Max, _) => {
                let scalar = if op == AggOp::Min {
                    "least"
                } else {
                    "greatest"
                };
                let message =
                    format!("`{name}` combines the values of a group and takes one argument");
                b.report(
                    Diagnostic::new(
                        Code::WrongArgumentCount,
                        message,
                        span,
                        format!("{} arguments", args.len()),
                    )
                    .with_help(format!(
                        "for the {} of several values use `{scalar}(...)`",
                        if op == AggOp::Min {
                            "smallest"
                        } else {
                            "largest"
                        }
                    )),
                );
                error(span)
            }
            (_, found) => {
                let message = format!("`{name}` takes one argument, not {found}");
                b.report(Diagnostic::new(
                    Code::WrongArgumentCount,
                    message,
                    span,
                    "wrong number of arguments",
                ));
                error(span)
            }
        };
    }
    if args.iter().any(|arg| matches!(arg.kind, ExprKind::Error)) {
        // An argument already reported: say nothing more unless the function is unknown too.
        if Builtin::from_name(name).is_none()
            && !b.program().calcs.iter().any(|calc| calc.name == name)
        {
            return b.unknown_function(name, name_span, span);
        }
        return error(span);
    }
    if let Some(builtin) = Builtin::from_name(name) {
        let types: Vec<ValueType> = args.iter().map(|arg| arg.ty.clone()).collect();
        return match builtin.result_type(&types) {
            Ok(ty) => Expr::new(
                ExprKind::Call {
                    function: Function::Builtin(builtin),
                    args,
                },
                ty,
                span,
            ),
            Err(problem) => {
                b.report(call_problem(name, problem, &args, span));
                error(span)
            }
        };
    }
    let Some(calc) = b.program().calcs.iter().find(|calc| calc.name == name) else {
        return b.unknown_function(name, name_span, span);
    };
    let (id, returns, params) = (
        calc.id,
        calc.returns.clone(),
        calc.params
            .iter()
            .map(|p| calc.vars[p.index()].ty.clone())
            .collect::<Vec<_>>(),
    );
    let problem = if params.len() != args.len() {
        Some(CallError::Arity {
            expected: params.len().to_string(),
            found: args.len(),
        })
    } else {
        params
            .iter()
            .zip(&args)
            .enumerate()
            .find_map(|(index, (param, arg))| {
                (!types::assignable(&arg.ty, param)).then(|| CallError::Argument {
                    index,
                    expected: param.to_string(),
                    found: arg.ty.clone(),
                })
            })
    };
    match problem {
        None => Expr::new(
            ExprKind::Call {
                function: Function::Calc(id),
                args,
            },
            returns,
            span,
        ),
        Some(problem) => {
            b.report(call_problem(name, problem, &args, span));
            error(span)
        }
    }
}

/// Reports a call of a function nothing declares.
pub(super) fn unknown_function<B: ExprBuilder + ?Sized>(
    b: &mut B,
    name: &str,
    name_span: Span,
    span: Span,
) -> Expr {
    let mut known: Vec<String> = Builtin::all()
        .iter()
        .map(|b| b.name().to_string())
        .collect();
    known.extend(b.program().calcs.iter().map(|calc| calc.name.clone()));
    known.extend(["count", "sum", "min", "max", "avg", "collect"].map(String::from));
    let mut diagnostic = Diagnostic::new(
        Code::UnknownName,
        format!("no function or calculator is called `{name}`"),
        name_span,
        "unknown function",
    );
    if let Some(near) = closest_name(name, known.iter().map(String::as_str)) {
        diagnostic = diagnostic.with_help(format!("did you mean `{near}`?"));
    }
    b.report(diagnostic);
    error(span)
}

/// Declares the element variable of a comprehension over `source`; build the filter and
/// value with it in scope, then call [`comprehension`](Self::comprehension).
pub(super) fn comprehension_var<B: ExprBuilder + ?Sized>(
    b: &mut B,
    name: &str,
    name_span: Span,
    source: &Expr,
) -> Option<VarId> {
    let element = match &source.ty {
        ValueType::List(element) => (**element).clone(),
        ValueType::Any => ValueType::Any,
        other => {
            let message = format!(
                "`for {name} in ...` needs a list, but this is {}",
                types::a(other)
            );
            b.report(Diagnostic::new(
                Code::TypeMismatch,
                message,
                source.span,
                format!("this is {other}"),
            ));
            ValueType::Any
        }
    };
    b.enter_var(name, element, name_span)
}

/// An aggregate over a list; ends the scope of `var`.
#[allow(clippy::too_many_arguments)]
pub(super) fn comprehension<B: ExprBuilder + ?Sized>(
    b: &mut B,
    op: AggOp,
    var: VarId,
    source: Expr,
    filter: Option<Expr>,
    value: Option<Expr>,
    default: Option<Expr>,
    span: Span,
) -> Expr {
    b.leave_var(var);
    let mut default = default;
    if let Some(read) = default.as_ref().filter(|d| d.vars().contains(&var)) {
        let message = "the default is used when no element counts, so it cannot read the element";
        let diagnostic =
            Diagnostic::new(Code::UnknownName, message, read.span, "reads the element");
        b.report(diagnostic);
        default = Some(error(read.span));
    }
    let filter = filter.map(|filter| b.boolean(filter, "the `where` of a comprehension"));
    let value = value.map(|value| b.value(value));
    let default = default.map(|default| b.value(default));
    let ty = aggregate_type(b, op, value.as_ref(), span);
    let ty = match (&default, ty) {
        (Some(default), ty) => match types::unify(&ty, &default.ty) {
            Some(unified) => unified,
            None => {
                let message = format!(
                    "the default is {} but the aggregate gives {}",
                    types::a(&default.ty),
                    types::a(&ty)
                );
                b.report(Diagnostic::new(
                    Code::TypeMismatch,
                    message,
                    default.span,
                    format!("this is {}", default.ty),
                ));
                ty
            }
        },
        (None, ty) => ty,
    };
    let comprehension = Comprehension {
        op,
        var,
        source,
        filter,
        value,
        default,
    };
    Expr::new(ExprKind::Comprehension(Box::new(comprehension)), ty, span)
}

/// A member's share of `amount` by `weight`, ties broken by `tie`.
pub(super) fn allocate<B: ExprBuilder + ?Sized>(
    b: &mut B,
    amount: Expr,
    weight: Expr,
    tie: Expr,
    span: Span,
) -> Expr {
    let (amount, weight, tie) = (b.value(amount), b.value(weight), b.value(tie));
    if !b.allocate_allowed() {
        b.report(
            Diagnostic::new(
                Code::AllocateOutsideMember,
                "`allocate` shares an amount among the members of a group",
                span,
                "not in a per-member emit",
            )
            .with_help("use it in `emit ... for each <member> { ... }` of a rule with `group by`"),
        );
        return error(span);
    }
    for (part, what) in [(&amount, "the amount"), (&weight, "the weight")] {
        if !types::is_numeric(&part.ty) && part.ty != ValueType::Any {
            let message = format!(
                "{what} of `allocate` must be a number, but this is {}",
                types::a(&part.ty)
            );
            b.report(Diagnostic::new(
                Code::WrongArgumentType,
                message,
                part.span,
                format!("this is {}", part.ty),
            ));
            return error(span);
        }
    }
    let ty = if amount.ty == ValueType::Money {
        ValueType::Money
    } else {
        ValueType::Decimal
    };
    Expr::new(
        ExprKind::Allocate {
            amount: Box::new(amount),
            weight: Box::new(weight),
            tie: Box::new(tie),
        },
        ty,
        span,
    )
}

/// The result type of aggregating `value` with `op`.
pub(crate) fn aggregate_type<B: ExprBuilder + ?Sized>(
    builder: &mut B,
    op: AggOp,
    value: Option<&Expr>,
    span: Span,
) -> ValueType {
    let ty = value.map_or(ValueType::Any, |value| value.ty.clone());
    match op {
        AggOp::Count => ValueType::Int,
        AggOp::Collect => ValueType::list(ty),
        AggOp::Sum | AggOp::Avg
            if types::is_numeric(&ty) || ty == ValueType::Any || ty == ValueType::Duration =>
        {
            let widens = (op == AggOp::Avg && ty == ValueType::Int) || ty == ValueType::Money;
            if widens { ValueType::Decimal } else { ty }
        }
        AggOp::Min | AggOp::Max if !matches!(ty, ValueType::Record(_) | ValueType::List(_)) => ty,
        _ => {
            let message = format!("`{}` does not combine {} values", op.name(), ty);
            builder.report(Diagnostic::new(
                Code::TypeMismatch,
                message,
                span,
                format!("values of type {ty}"),
            ));
            ValueType::Any
        }
    }
}

fn call_problem(name: &str, problem: CallError, args: &[Expr], span: Span) -> Diagnostic {
    match problem {
        CallError::Arity { expected, found } => Diagnostic::new(
            Code::WrongArgumentCount,
            format!(
                "`{name}` takes {expected} argument{}, but {found} {} given",
                if expected == "1" { "" } else { "s" },
                if found == 1 { "was" } else { "were" }
            ),
            span,
            format!("{found} argument{}", if found == 1 { "" } else { "s" }),
        ),
        CallError::Argument {
            index,
            expected,
            found,
        } => Diagnostic::new(
            Code::WrongArgumentType,
            format!(
                "argument {} of `{name}` must be {expected}, but this is {}",
                index + 1,
                types::a(&found)
            ),
            args.get(index).map_or(span, |arg| arg.span),
            format!("this is {found}"),
        ),
    }
}
