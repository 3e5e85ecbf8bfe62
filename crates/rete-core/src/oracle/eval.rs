//! Evaluating expressions over an environment, reading fields through the store. What
//! operators, members and built-ins do is `rule_ir::ops` and `rule_ir::prelude`; this file
//! decides only what those leave to an evaluator:
//!
//! - a field the fact lacks reads as its declared default, else missing;
//! - `and`/`or` do not evaluate their right side when the left decides, and `if` only the
//!   branch it takes (so a division by zero there is never met);
//! - a list or record with a missing element or member is missing;
//! - a template is missing if a part is missing, else null if a part is null, else the
//!   parts written as `text(...)` writes them;
//! - aggregates (accumulations, group aggregates, comprehensions) skip missing values, fold
//!   in canonical order, and over nothing give the default, else `0` for `count`, `[]` for
//!   `collect`, missing otherwise; a missing or null list is an empty one;
//! - `allocate` evaluates its weight and tie for every member of the emit and shares the
//!   amount by `prelude::allocate_by`; a missing amount or weight makes the share missing,
//!   else a null one null.
//!
//! A failure carries the span of the innermost expression that failed.

use std::fmt;

use reckon_fact_store::{Decimal, FactId, FactStore, FieldId, Record, Value};
use reckon_rule_ir::ops::{self, Cell, EvalError};
use reckon_rule_ir::{
    AggOp, BinaryOp, Builtin, CalcId, Comprehension, Expr, ExprKind, Function, Span, TemplatePart,
    prelude,
};

use super::{Bound, Env, Oracle};
use crate::order::{cmp_cells, cmp_values};

/// An evaluation that failed: where, and why.
#[derive(Debug, Clone)]
pub(super) struct Failure {
    pub(super) span: Span,
    pub(super) message: String,
}

impl Failure {
    pub(super) fn new(span: Span, why: impl fmt::Display) -> Failure {
        Failure {
            span,
            message: why.to_string(),
        }
    }

    /// The failure, named by the whole expression `expr` it happened in.
    pub(super) fn within(self, expr: &Expr) -> Failure {
        Failure {
            span: expr.span,
            ..self
        }
    }
}

/// For an expression of a per-member emit: the environments of all the emit's members, in
/// canonical order, and which of them is being emitted.
pub(super) type Members<'a> = Option<(&'a [Env], usize)>;

impl<S: FactStore> Oracle<'_, S> {
    /// The value of `expr` (a whole expression of a rule) in `env`. A failure names the
    /// whole expression, as `docs/semantics.md` says errors do.
    pub(super) fn eval(&mut self, expr: &Expr, env: &Env) -> Result<Cell, Failure> {
        self.eval_in(expr, env, None)
            .map_err(|failure| failure.within(expr))
    }

    /// True when `expr` holds in `env`.
    pub(super) fn holds(&mut self, expr: &Expr, env: &Env) -> Result<bool, Failure> {
        Ok(ops::holds(&self.eval(expr, env)?))
    }

    /// The value of `expr` in `env`, where `members` gives `allocate` its group.
    pub(super) fn eval_in(
        &mut self,
        expr: &Expr,
        env: &Env,
        members: Members<'_>,
    ) -> Result<Cell, Failure> {
        let fail = |error: EvalError| Failure::new(expr.span, error);
        match &expr.kind {
            ExprKind::Literal(literal) => ops::literal_value(literal, self.store.interner_mut())
                .map(Some)
                .map_err(fail),
            ExprKind::Field { binding, field } => Ok(match env.fact(*binding) {
                Some(id) => self.read(id, *field),
                None => None,
            }),
            ExprKind::Binding(binding) => Ok(match &env.bindings[binding.index()] {
                Some(Bound::Element { value, .. }) => Some(value.clone()),
                _ => None,
            }),
            ExprKind::Var(var) => Ok(env.vars[var.index()].clone()),
            ExprKind::Member { base, name } => {
                let base = self.eval_in(base, env, members)?;
                let name = self
                    .store
                    .interner_mut()
                    .intern(name)
                    .map_err(|_| fail(EvalError::Overflow("text")))?;
                ops::member(&base, name, self.store.interner()).map_err(fail)
            }
            ExprKind::Unary { op, operand } => {
                let operand = self.eval_in(operand, env, members)?;
                ops::unary(*op, &operand).map_err(fail)
            }
            ExprKind::Binary {
                op: op @ (BinaryOp::And | BinaryOp::Or),
                left,
                right,
            } => {
                let left = ops::holds(&self.eval_in(left, env, members)?);
                let decided = if *op == BinaryOp::And { !left } else { left };
                if decided {
                    return Ok(Some(Value::Bool(left)));
                }
                let right = ops::holds(&self.eval_in(right, env, members)?);
                Ok(Some(Value::Bool(right)))
            }
            ExprKind::Binary { op, left, right } => {
                let left = self.eval_in(left, env, members)?;
                let right = self.eval_in(right, env, members)?;
                ops::binary(*op, &left, &right, self.store.interner()).map_err(fail)
            }
            ExprKind::In { value, list } => {
                let value = self.eval_in(value, env, members)?;
                let items = self.eval_all(list, env, members)?;
                let interner = self.store.interner();
                let mut found = false;
                for item in &items {
                    found |= ops::holds(
                        &ops::binary(BinaryOp::Eq, &value, item, interner).map_err(fail)?,
                    );
                }
                Ok(Some(Value::Bool(found)))
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => {
                if ops::holds(&self.eval_in(condition, env, members)?) {
                    self.eval_in(then, env, members)
                } else {
                    self.eval_in(otherwise, env, members)
                }
            }
            ExprKind::Call {
                function: Function::Builtin(builtin),
                args,
            } => {
                let args = self.eval_all(args, env, members)?;
                prelude::call(*builtin, &args, self.store.interner_mut()).map_err(fail)
            }
            ExprKind::Call {
                function: Function::Calc(calc),
                args,
            } => {
                let args = self.eval_all(args, env, members)?;
                self.call_calc(*calc, args)
            }
            ExprKind::List(items) => {
                let items = self.eval_all(items, env, members)?;
                let present: Option<Vec<Value>> = items.into_iter().collect();
                Ok(present.map(|items| Value::List(items.into())))
            }
            ExprKind::Record(fields) => {
                let mut members_of_record = Vec::with_capacity(fields.len());
                for (name, value) in fields {
                    let Some(value) = self.eval_in(value, env, members)? else {
                        return Ok(None);
                    };
                    let name = self
                        .store
                        .interner_mut()
                        .intern(name)
                        .map_err(|_| fail(EvalError::Overflow("text")))?;
                    members_of_record.push((name, value));
                }
                Ok(Some(Value::Record(Record::new(members_of_record))))
            }
            ExprKind::Template(parts) => self.template(parts, env, members, expr.span),
            ExprKind::Comprehension(comprehension) => {
                self.comprehension(comprehension, env, members, expr.span)
            }
            ExprKind::Allocate {
                amount,
                weight,
                tie,
            } => self.allocate([amount, weight, tie], env, members, expr.span),
            ExprKind::Error => Err(Failure::new(
                expr.span,
                "this expression did not resolve when the program was built",
            )),
        }
    }

    fn eval_all(
        &mut self,
        exprs: &[Expr],
        env: &Env,
        members: Members<'_>,
    ) -> Result<Vec<Cell>, Failure> {
        exprs
            .iter()
            .map(|expr| self.eval_in(expr, env, members))
            .collect()
    }

    /// A field of a fact: its value, or its declared default when the fact lacks it.
    pub(super) fn read(&mut self, id: FactId, field: FieldId) -> Cell {
        if let Ok(Some(value)) = self.store.get_field(id, field) {
            return Some(value);
        }
        let default = self.program.field(id.fact_type(), field).default.as_ref()?;
        ops::literal_value(default, self.store.interner_mut()).ok()
    }

    fn call_calc(&mut self, id: CalcId, args: Vec<Cell>) -> Result<Cell, Failure> {
        let calc = self.program.calc(id);
        let mut env = Env {
            bindings: Vec::new(),
            vars: vec![None; calc.vars.len()],
        };
        for (param, arg) in calc.params.iter().zip(args) {
            env.vars[param.index()] = arg;
        }
        self.eval(&calc.body, &env)
    }

    fn template(
        &mut self,
        parts: &[TemplatePart],
        env: &Env,
        members: Members<'_>,
        span: Span,
    ) -> Result<Cell, Failure> {
        let mut values = Vec::new();
        for part in parts {
            if let TemplatePart::Value(expr) = part {
                values.push(self.eval_in(expr, env, members)?);
            }
        }
        if values.iter().any(Option::is_none) {
            return Ok(None);
        }
        if values
            .iter()
            .any(|value| matches!(value, Some(Value::Null)))
        {
            return Ok(Some(Value::Null));
        }
        let mut values = values.into_iter();
        let mut text = String::new();
        for part in parts {
            match part {
                TemplatePart::Text(literal) => text.push_str(literal),
                TemplatePart::Value(_) => {
                    let value = values.next().expect("one value per value part");
                    let written = prelude::call(Builtin::Text, &[value], self.store.interner_mut())
                        .map_err(|error| Failure::new(span, error))?;
                    if let Some(Value::Text(symbol)) = written {
                        text.push_str(self.store.interner().resolve(symbol));
                    }
                }
            }
        }
        let symbol = self
            .store
            .interner_mut()
            .intern(&text)
            .map_err(|_| Failure::new(span, EvalError::Overflow("text")))?;
        Ok(Some(Value::Text(symbol)))
    }

    fn comprehension(
        &mut self,
        c: &Comprehension,
        env: &Env,
        members: Members<'_>,
        span: Span,
    ) -> Result<Cell, Failure> {
        let items = match self.eval_in(&c.source, env, members)? {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::List(items)) => items.to_vec(),
            Some(other) => {
                let error = EvalError::Operands {
                    op: "for ... in",
                    kinds: other.kind_name().into(),
                };
                return Err(Failure::new(c.source.span, error));
            }
        };
        let mut inner = env.clone();
        let mut values = Vec::new();
        for item in items {
            inner.vars[c.var.index()] = Some(item);
            if let Some(filter) = &c.filter {
                if !ops::holds(&self.eval_in(filter, &inner, members)?) {
                    continue;
                }
            }
            values.push(match &c.value {
                Some(value) => self.eval_in(value, &inner, members)?,
                None => counted(),
            });
        }
        self.aggregate(c.op, values, c.default.as_ref(), env, span)
    }

    /// An aggregate of `values` (one per fact, element or match; missing ones are
    /// skipped), or over nothing `default` evaluated in `env`, else the empty value.
    pub(super) fn aggregate(
        &mut self,
        op: AggOp,
        values: Vec<Cell>,
        default: Option<&Expr>,
        env: &Env,
        span: Span,
    ) -> Result<Cell, Failure> {
        let mut present: Vec<Value> = values.into_iter().flatten().collect();
        if present.is_empty() {
            return match (default, op) {
                (Some(default), _) => self.eval(default, env),
                (None, AggOp::Count) => Ok(Some(Value::Int(0))),
                (None, AggOp::Collect) => Ok(Some(Value::List(Vec::new().into()))),
                (None, _) => Ok(None),
            };
        }
        let interner = self.store.interner();
        present.sort_by(|a, b| cmp_values(a, b, interner));
        let fail = |error: EvalError| Failure::new(span, error);
        let count = || {
            i64::try_from(present.len())
                .map(Value::Int)
                .map_err(|_| fail(EvalError::Overflow("int")))
        };
        Ok(match op {
            AggOp::Count => Some(count()?),
            AggOp::Min => present.first().cloned(),
            AggOp::Max => present.last().cloned(),
            AggOp::Collect => Some(Value::List(present.clone().into())),
            AggOp::Sum | AggOp::Avg => {
                let mut total: Cell = Some(present[0].clone());
                for value in &present[1..] {
                    total = ops::binary(BinaryOp::Add, &total, &Some(value.clone()), interner)
                        .map_err(fail)?;
                }
                if op == AggOp::Sum {
                    total
                } else {
                    ops::binary(BinaryOp::Div, &total, &Some(count()?), interner).map_err(fail)?
                }
            }
        })
    }

    /// This member's share of the amount: the weight and tie of every member are
    /// evaluated in that member's environment.
    fn allocate(
        &mut self,
        [amount, weight, tie]: [&Expr; 3],
        env: &Env,
        members: Members<'_>,
        span: Span,
    ) -> Result<Cell, Failure> {
        let Some((envs, me)) = members else {
            let error = EvalError::Argument {
                function: "allocate",
                message: "it shares a group's amount only in a per-member emit".into(),
            };
            return Err(Failure::new(span, error));
        };
        let amount = self.eval_in(amount, env, members)?;
        let mut weights = Vec::with_capacity(envs.len());
        let mut ties = Vec::with_capacity(envs.len());
        for (index, member) in envs.iter().enumerate() {
            weights.push(self.eval_in(weight, member, Some((envs, index)))?);
            ties.push(self.eval_in(tie, member, Some((envs, index)))?);
        }
        let inputs = || std::iter::once(&amount).chain(&weights);
        if inputs().any(Option::is_none) {
            return Ok(None);
        }
        if inputs().any(|value| matches!(value, Some(Value::Null))) {
            return Ok(Some(Value::Null));
        }
        let number = |value: &Cell| match value {
            Some(Value::Int(i)) => Ok(Decimal::from(*i)),
            Some(Value::Decimal(d)) => Ok(*d),
            Some(other) => Err(Failure::new(
                span,
                EvalError::Operands {
                    op: "allocate",
                    kinds: other.kind_name().into(),
                },
            )),
            None => unreachable!("missing values were ruled out above"),
        };
        let amount = number(&amount)?;
        let weights = weights.iter().map(number).collect::<Result<Vec<_>, _>>()?;
        let interner = self.store.interner();
        let shares = prelude::allocate_by(amount, &weights, |a, b| {
            cmp_cells(ties[a].as_ref(), ties[b].as_ref(), interner)
        })
        .map_err(|error| Failure::new(span, error))?;
        Ok(Some(Value::Decimal(shares[me])))
    }
}

/// What `count()` counts for each fact, element or match: a value that is never missing.
pub(super) fn counted() -> Cell {
    Some(Value::Bool(true))
}
