//! Turning the IR's expressions into [`Code`]: bindings and variables become frame
//! positions or locals through a [`Names`] map, literals become values of the store's
//! interner, and field reads carry their declared defaults.

use reckon_fact_store::{FactTypeId, Interner, Value};
use reckon_rule_ir::ops::literal_value;
use reckon_rule_ir::{BindingId, Expr, ExprKind, Function, Program, TemplatePart, VarId};

use super::code::{Code, Comprehension, Part};

/// Where a rule's (or calculator's) names live while an expression is compiled.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    /// The frame position of each binding in scope, and the fact type of a fact binding,
    /// by binding id.
    pub(crate) bindings: Vec<Option<(u16, Option<FactTypeId>)>>,
    /// Where each variable in scope lives, by variable id.
    pub(crate) vars: Vec<Option<Place>>,
    /// The next free local, for comprehension variables.
    pub(crate) next_local: u16,
    /// The fact a shared single-fact test tests (`BindingId::SUBJECT`), at position 0.
    pub(crate) subject: Option<FactTypeId>,
}

/// Where a variable's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A frame position.
    Slot(u16),
    /// A local (calculator parameter or comprehension variable).
    Local(u16),
}

impl Names {
    /// Puts a binding at a frame position: a fact of `fact_type`, or a value for `None`.
    pub(crate) fn bind(&mut self, binding: BindingId, slot: u16, fact_type: Option<FactTypeId>) {
        let index = binding.index();
        if self.bindings.len() <= index {
            self.bindings.resize(index + 1, None);
        }
        self.bindings[index] = Some((slot, fact_type));
    }

    /// Puts a variable somewhere.
    pub(crate) fn place(&mut self, var: VarId, place: Place) {
        let index = var.index();
        if self.vars.len() <= index {
            self.vars.resize(index + 1, None);
        }
        self.vars[index] = Some(place);
    }

    fn binding(&self, binding: BindingId) -> Option<(u16, Option<FactTypeId>)> {
        if binding == BindingId::SUBJECT {
            return self.subject.map(|fact_type| (0, Some(fact_type)));
        }
        self.bindings.get(binding.index()).copied().flatten()
    }

    fn var(&self, var: VarId) -> Option<Place> {
        self.vars.get(var.index()).copied().flatten()
    }
}

/// Why an expression could not be compiled: a name out of scope or an error node, which a
/// program that checked cleanly never has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompileError(pub(crate) String);

/// Compiles `expr` of the fact types and calculators of `program`.
pub(crate) struct Compiler<'a> {
    /// The program.
    pub(crate) program: &'a Program,
    /// The store's interner, for text literals.
    pub(crate) interner: &'a mut Interner,
}

impl Compiler<'_> {
    /// Compiles one expression with the names in `names`.
    pub(crate) fn expr(&mut self, expr: &Expr, names: &mut Names) -> Result<Code, CompileError> {
        Ok(match &expr.kind {
            ExprKind::Literal(literal) => Code::Const(Some(self.literal(literal)?)),
            ExprKind::Field { binding, field } => {
                let (slot, fact_type) = names
                    .binding(*binding)
                    .ok_or_else(|| out_of_scope("binding", binding.index()))?;
                let fact_type = fact_type
                    .ok_or_else(|| CompileError("a field read of a value binding".into()))?;
                let declared = &self.program.fact(fact_type).fields[field.index()];
                let default = declared
                    .default
                    .as_ref()
                    .map(|literal| self.literal(literal))
                    .transpose()?;
                Code::Field {
                    slot,
                    field: *field,
                    default,
                }
            }
            ExprKind::Binding(binding) => Code::Slot(
                names
                    .binding(*binding)
                    .ok_or_else(|| out_of_scope("binding", binding.index()))?
                    .0,
            ),
            ExprKind::Var(var) => match names.var(*var) {
                Some(Place::Slot(slot)) => Code::Slot(slot),
                Some(Place::Local(local)) => Code::Local(local),
                None => return Err(out_of_scope("variable", var.index())),
            },
            ExprKind::Member { base, name } => {
                let name = self
                    .interner
                    .intern(name)
                    .map_err(|_| CompileError("too much text".into()))?;
                Code::Member(Box::new(self.expr(base, names)?), name)
            }
            ExprKind::Unary { op, operand } => {
                Code::Unary(*op, Box::new(self.expr(operand, names)?))
            }
            ExprKind::Binary { op, left, right } => {
                let (left, right) = (self.expr(left, names)?, self.expr(right, names)?);
                match op {
                    reckon_rule_ir::BinaryOp::And => Code::And(Box::new(left), Box::new(right)),
                    reckon_rule_ir::BinaryOp::Or => Code::Or(Box::new(left), Box::new(right)),
                    op => Code::Binary(*op, Box::new(left), Box::new(right)),
                }
            }
            ExprKind::In { value, list } => {
                Code::In(Box::new(self.expr(value, names)?), self.exprs(list, names)?)
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => Code::If(
                Box::new(self.expr(condition, names)?),
                Box::new(self.expr(then, names)?),
                Box::new(self.expr(otherwise, names)?),
            ),
            ExprKind::Call { function, args } => {
                let args = self.exprs(args, names)?;
                match function {
                    Function::Builtin(builtin) => Code::Builtin(*builtin, args),
                    Function::Calc(calc) => Code::Calc(calc.index() as u32, args),
                }
            }
            ExprKind::List(items) => Code::List(self.exprs(items, names)?),
            ExprKind::Record(fields) => {
                let mut compiled = Vec::with_capacity(fields.len());
                for (name, value) in fields {
                    let name = self
                        .interner
                        .intern(name)
                        .map_err(|_| CompileError("too much text".into()))?;
                    compiled.push((name, self.expr(value, names)?));
                }
                Code::Record(compiled)
            }
            ExprKind::Template(parts) => {
                let mut compiled = Vec::with_capacity(parts.len());
                for part in parts {
                    compiled.push(match part {
                        TemplatePart::Text(text) => Part::Text(text.clone()),
                        TemplatePart::Value(value) => Part::Value(self.expr(value, names)?),
                    });
                }
                Code::Template(compiled)
            }
            ExprKind::Comprehension(c) => {
                let source = self.expr(&c.source, names)?;
                let local = names.next_local;
                names.next_local += 1;
                names.place(c.var, Place::Local(local));
                let filter = c.filter.as_ref().map(|f| self.expr(f, names)).transpose()?;
                let value = c.value.as_ref().map(|v| self.expr(v, names)).transpose()?;
                let default = c
                    .default
                    .as_ref()
                    .map(|d| self.expr(d, names))
                    .transpose()?;
                Code::Comprehension(Box::new(Comprehension {
                    op: c.op,
                    local,
                    source,
                    filter,
                    value,
                    default,
                }))
            }
            ExprKind::Allocate {
                amount,
                weight,
                tie,
            } => Code::Allocate {
                amount: Box::new(self.expr(amount, names)?),
                weight: Box::new(self.expr(weight, names)?),
                tie: Box::new(self.expr(tie, names)?),
            },
            ExprKind::Error => {
                return Err(CompileError(
                    "the program has an expression that did not resolve".into(),
                ));
            }
        })
    }

    fn exprs(&mut self, exprs: &[Expr], names: &mut Names) -> Result<Vec<Code>, CompileError> {
        exprs.iter().map(|e| self.expr(e, names)).collect()
    }

    /// The declared default of a field, as a value.
    pub(crate) fn default_of(
        &mut self,
        fact_type: reckon_fact_store::FactTypeId,
        field: reckon_fact_store::FieldId,
    ) -> Result<Option<Value>, CompileError> {
        let declared = &self.program.fact(fact_type).fields[field.index()];
        declared
            .default
            .as_ref()
            .map(|literal| self.literal(literal))
            .transpose()
    }

    fn literal(&mut self, literal: &reckon_rule_ir::Literal) -> Result<Value, CompileError> {
        literal_value(literal, self.interner).map_err(|error| CompileError(error.to_string()))
    }
}

fn out_of_scope(what: &str, index: usize) -> CompileError {
    CompileError(format!("{what} {index} is not in scope where it is read"))
}
