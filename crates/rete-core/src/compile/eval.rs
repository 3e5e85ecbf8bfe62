//! Evaluating compiled expressions over a frame of bound facts and values, reading fields
//! through the store. Operators, members and built-ins are `rule_ir::ops` and
//! `rule_ir::prelude`; what is decided here is what `docs/semantics.md` says beyond them
//! (short-circuit `and` and `or`, templates, calculators, comprehensions).

use reckon_fact_store::{FactStore, Value};
use reckon_rule_ir::ops::{self, Cell, EvalError};
use reckon_rule_ir::{AggOp, BinaryOp, Builtin, prelude};

use super::code::{CalcCode, Code, Comprehension, Part, Slot};
use crate::aggregate;

/// The state of one evaluation.
pub(crate) struct Eval<'a, S: FactStore> {
    /// The store, for field reads and for interning the text results make.
    pub(crate) store: &'a mut S,
    /// The compiled calculators.
    pub(crate) calcs: &'a [CalcCode],
    /// The bound facts and values.
    pub(crate) frame: &'a [Slot],
    /// The shares `allocate` gives the member being emitted, by the address of their code.
    pub(crate) shares: &'a [(usize, Cell)],
    locals: Vec<Cell>,
    base: usize,
}

impl<'a, S: FactStore> Eval<'a, S> {
    /// An evaluation over `frame`.
    pub(crate) fn new(store: &'a mut S, calcs: &'a [CalcCode], frame: &'a [Slot]) -> Self {
        Eval {
            store,
            calcs,
            frame,
            shares: &[],
            locals: Vec::new(),
            base: 0,
        }
    }

    /// True when `code` holds (is `true`).
    pub(crate) fn holds(&mut self, code: &Code) -> Result<bool, EvalError> {
        Ok(ops::holds(&self.eval(code)?))
    }

    /// The value of `code`.
    pub(crate) fn eval(&mut self, code: &Code) -> Result<Cell, EvalError> {
        Ok(match code {
            Code::Const(value) => value.clone(),
            Code::Field {
                slot,
                field,
                default,
            } => match self.frame.get(usize::from(*slot)) {
                Some(Slot::Fact(id)) => match self.store.field(*id, *field) {
                    Some(value) => Some(value),
                    None => default.clone(),
                },
                _ => None,
            },
            Code::Slot(slot) => match self.frame.get(usize::from(*slot)) {
                Some(Slot::Value(value)) => value.clone(),
                _ => None,
            },
            Code::Local(local) => self.locals[self.base + usize::from(*local)].clone(),
            Code::Member(base, name) => {
                let base = self.eval(base)?;
                ops::member(&base, *name, self.store.interner())?
            }
            Code::Unary(op, operand) => {
                let operand = self.eval(operand)?;
                ops::unary(*op, &operand)?
            }
            Code::Binary(op, left, right) => {
                let (left, right) = (self.eval(left)?, self.eval(right)?);
                ops::binary(*op, &left, &right, self.store.interner())?
            }
            Code::And(left, right) => Some(Value::Bool(self.holds(left)? && self.holds(right)?)),
            Code::Or(left, right) => Some(Value::Bool(self.holds(left)? || self.holds(right)?)),
            Code::In(value, items) => {
                let value = self.eval(value)?;
                let items = self.all(items)?;
                let mut found = false;
                for item in &items {
                    let equal = ops::binary(BinaryOp::Eq, &value, item, self.store.interner());
                    found |= ops::holds(&equal?);
                }
                Some(Value::Bool(found))
            }
            Code::If(condition, then, otherwise) => {
                if self.holds(condition)? {
                    self.eval(then)?
                } else {
                    self.eval(otherwise)?
                }
            }
            Code::Builtin(builtin, args) => {
                let args = self.all(args)?;
                prelude::call(*builtin, &args, self.store.interner_mut())?
            }
            Code::Calc(index, args) => {
                let args = self.all(args)?;
                self.call(*index as usize, args)?
            }
            Code::List(items) => {
                let items = self.all(items)?;
                let present = items.into_iter().collect::<Option<Vec<Value>>>();
                present.map(|items| Value::List(items.into()))
            }
            Code::Record(fields) => {
                let mut values = Vec::with_capacity(fields.len());
                for (name, code) in fields {
                    let Some(value) = self.eval(code)? else {
                        return Ok(None);
                    };
                    values.push((*name, value));
                }
                Some(Value::Record(reckon_fact_store::Record::new(values)))
            }
            Code::Template(parts) => self.template(parts)?,
            Code::Comprehension(c) => self.comprehension(c)?,
            Code::Allocate { .. } => {
                let address = std::ptr::from_ref(code) as usize;
                match self.shares.iter().find(|(at, _)| *at == address) {
                    Some((_, share)) => share.clone(),
                    None => {
                        return Err(EvalError::Argument {
                            function: "allocate",
                            message: "it shares a group's amount only in a per-member emit".into(),
                        });
                    }
                }
            }
        })
    }

    fn all(&mut self, codes: &[Code]) -> Result<Vec<Cell>, EvalError> {
        codes.iter().map(|code| self.eval(code)).collect()
    }

    fn call(&mut self, index: usize, args: Vec<Cell>) -> Result<Cell, EvalError> {
        let calcs = self.calcs;
        let calc = &calcs[index];
        let base = self.locals.len();
        self.locals.extend(args);
        self.locals.resize(base + usize::from(calc.locals), None);
        let outer = std::mem::replace(&mut self.base, base);
        let result = self.eval(&calc.body);
        self.base = outer;
        self.locals.truncate(base);
        result
    }

    /// Text with values spliced in: every value is evaluated first; a missing one makes
    /// the text missing, else a null one makes it null.
    fn template(&mut self, parts: &[Part]) -> Result<Cell, EvalError> {
        let mut values = Vec::new();
        for part in parts {
            if let Part::Value(code) = part {
                values.push(self.eval(code)?);
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
                Part::Text(literal) => text.push_str(literal),
                Part::Value(_) => {
                    let value = values.next().flatten();
                    let written =
                        prelude::call(Builtin::Text, &[value], self.store.interner_mut())?;
                    if let Some(Value::Text(symbol)) = written {
                        text.push_str(self.store.interner().resolve(symbol));
                    }
                }
            }
        }
        let symbol = self.store.interner_mut().intern(&text);
        let symbol = symbol.map_err(|_| EvalError::Overflow("text"))?;
        Ok(Some(Value::Text(symbol)))
    }

    fn comprehension(&mut self, c: &Comprehension) -> Result<Cell, EvalError> {
        let elements = match self.eval(&c.source)? {
            Some(Value::List(items)) => items,
            None | Some(Value::Null) => Vec::new().into(),
            Some(other) => {
                return Err(EvalError::Operands {
                    op: "for ... in",
                    kinds: other.kind_name().into(),
                });
            }
        };
        let slot = self.base + usize::from(c.local);
        if self.locals.len() <= slot {
            self.locals.resize(slot + 1, None);
        }
        let mut values = Vec::new();
        let mut counted = 0usize;
        for element in elements.iter() {
            self.locals[slot] = Some(element.clone());
            if let Some(filter) = &c.filter
                && !self.holds(filter)?
            {
                continue;
            }
            counted += 1;
            if let Some(value) = &c.value {
                values.push(self.eval(value)?);
            }
        }
        // The default is evaluated only when nothing is folded.
        let folded = match c.op == AggOp::Count && c.value.is_none() {
            true => counted > 0,
            false => values.iter().any(Option::is_some),
        };
        let default = match (&c.default, folded) {
            (Some(default), false) => Some(self.eval(default)?),
            _ => None,
        };
        match c.op == AggOp::Count && c.value.is_none() {
            true => aggregate::count_all(counted, default),
            false => aggregate::fold(c.op, values, default, self.store.interner()),
        }
    }
}
