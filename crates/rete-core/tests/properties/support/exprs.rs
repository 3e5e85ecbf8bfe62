//! Well-typed expressions over what is in scope at a point of a generated rule: field reads,
//! variables and literals, arithmetic (division and remainder by values that are often
//! zero, so that run-time errors happen), comparisons, `if`, `in`, `is missing`, and
//! templates. Every read of a field is recorded on the field, since a rule may start
//! writing only what no rule reads yet.

use reckon_fact_store::ValueType;

use super::programs::Gen;
use super::schema::{SCALARS, comparable, literal, numeric};

/// A value an expression may read: a field of a binding, a variable, or an element.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// How the text form reads it: `p0.n1`, `v3`.
    pub(crate) text: String,
    /// Its type.
    pub(crate) ty: ValueType,
    /// The field it is, by fact type and position.
    pub(crate) slot: Option<(usize, usize)>,
}

impl Item {
    /// A variable or element of the rule.
    pub(crate) fn var(name: &str, ty: ValueType) -> Item {
        Item {
            text: name.to_string(),
            ty,
            slot: None,
        }
    }

    fn scalar(&self) -> bool {
        SCALARS.contains(&self.ty)
    }
}

const COMPARISONS: [&str; 8] = ["==", "==", "==", "!=", "<", "<=", ">", ">="];

impl Gen<'_, '_> {
    /// The text of `item`, recording the read.
    pub(crate) fn read(&mut self, item: &Item) -> String {
        if let Some((fact, field)) = item.slot {
            self.types[fact].fields[field].read = true;
        }
        item.text.clone()
    }

    /// One of the scalar items of `scope`, if it has any.
    pub(crate) fn scalar_item<'s>(&mut self, scope: &'s [Item]) -> Option<&'s Item> {
        let scalars: Vec<&Item> = scope.iter().filter(|item| item.scalar()).collect();
        match scalars.is_empty() {
            true => None,
            false => Some(scalars[self.tape.below(scalars.len())]),
        }
    }

    /// A scalar type, most often that of an item in scope, so that values are read.
    pub(crate) fn scalar_type(&mut self, scope: &[Item]) -> ValueType {
        match self.tape.chance(80) {
            true => self.scalar_type_in(scope),
            false => self.tape.pick(&SCALARS).clone(),
        }
    }

    fn scalar_type_in(&mut self, scope: &[Item]) -> ValueType {
        match self.scalar_item(scope) {
            Some(item) => item.ty.clone(),
            None => ValueType::Int,
        }
    }

    /// An item of type `ty` from `scope`, or a literal.
    pub(crate) fn leaf(&mut self, scope: &[Item], ty: &ValueType) -> String {
        let fitting: Vec<&Item> = scope.iter().filter(|item| item.ty == *ty).collect();
        if fitting.is_empty() || self.tape.chance(15) {
            return literal(self.tape, ty);
        }
        let item = fitting[self.tape.below(fitting.len())];
        self.read(item)
    }

    /// An expression of the scalar type `ty`, nested at most `depth` operators deep.
    pub(crate) fn expr(&mut self, scope: &[Item], ty: &ValueType, depth: u32) -> String {
        if depth == 0 || !self.tape.chance(35) {
            return self.leaf(scope, ty);
        }
        let inner = depth - 1;
        match ty {
            ValueType::Int => match *self.tape.pick(&["+", "-", "*", "%", "if", "neg"]) {
                "if" => self.if_then(scope, ty, inner),
                "neg" => format!("(- {})", self.expr(scope, ty, inner)),
                op => {
                    let left = self.expr(scope, ty, inner);
                    let right = self.expr(scope, ty, inner);
                    format!("({left} {op} {right})")
                }
            },
            ValueType::Decimal => match *self.tape.pick(&["/", "+", "-", "*", "if"]) {
                "if" => self.if_then(scope, ty, inner),
                "/" => {
                    let left = self.number(scope, inner);
                    let right = self.number(scope, inner);
                    format!("({left} / {right})")
                }
                op => {
                    let left = self.expr(scope, ty, inner);
                    let right = self.number(scope, inner);
                    match self.tape.chance(50) {
                        true => format!("({right} {op} {left})"),
                        false => format!("({left} {op} {right})"),
                    }
                }
            },
            ValueType::Bool => self.condition(scope, inner),
            _ => self.if_then(scope, ty, inner),
        }
    }

    /// An int or decimal expression.
    fn number(&mut self, scope: &[Item], depth: u32) -> String {
        let ty = self
            .tape
            .pick(&[ValueType::Int, ValueType::Decimal])
            .clone();
        self.expr(scope, &ty, depth)
    }

    fn if_then(&mut self, scope: &[Item], ty: &ValueType, depth: u32) -> String {
        let condition = self.condition(scope, depth);
        let then = self.expr(scope, ty, depth);
        let otherwise = self.expr(scope, ty, depth);
        format!("(if {condition} then {then} else {otherwise})")
    }

    /// A test: most often a comparison of an item with a literal or another value.
    pub(crate) fn condition(&mut self, scope: &[Item], depth: u32) -> String {
        let kinds = if depth == 0 { 6 } else { 8 };
        match self.tape.below(kinds) {
            0..=2 => self.comparison(scope, depth),
            3 => self.leaf(scope, &ValueType::Bool),
            4 => match self.scalar_item(scope) {
                Some(item) => {
                    let check = *self.tape.pick(&["missing", "null"]);
                    format!("({} is {check})", self.read(item))
                }
                None => self.comparison(scope, depth),
            },
            5 => match self.scalar_item(scope) {
                Some(item) => {
                    let ty = item.ty.clone();
                    let value = self.read(item);
                    let first = literal(self.tape, &ty);
                    let second = literal(self.tape, &ty);
                    format!("({value} in [{first}, {second}])")
                }
                None => self.comparison(scope, depth),
            },
            6 => format!("(not {})", self.condition(scope, depth - 1)),
            _ => {
                let op = *self.tape.pick(&["and", "or"]);
                let left = self.condition(scope, depth - 1);
                let right = self.condition(scope, depth - 1);
                format!("({left} {op} {right})")
            }
        }
    }

    /// `a op b` of one type, `a` usually an item and `b` usually a literal.
    pub(crate) fn comparison(&mut self, scope: &[Item], depth: u32) -> String {
        let ty = self.scalar_type_in(scope);
        let op = *self.tape.pick(&COMPARISONS);
        let left = self.expr(scope, &ty, depth);
        let right = match self.tape.chance(40) {
            true => self.expr(scope, &ty, depth),
            false => literal(self.tape, &ty),
        };
        format!("({left} {op} {right})")
    }

    /// A join of a pattern: one of its fields against a value bound before, of a type both
    /// compare in; an equality most often. `None` when no types fit.
    pub(crate) fn join(&mut self, own: &[Item], outer: &[Item]) -> Option<String> {
        let mut pairs = Vec::new();
        for mine in own.iter().filter(|item| item.scalar()) {
            for theirs in outer.iter().filter(|item| item.scalar()) {
                if comparable(&mine.ty, &theirs.ty) {
                    pairs.push((mine, theirs));
                }
            }
        }
        if pairs.is_empty() {
            return None;
        }
        let (mine, theirs) = pairs[self.tape.below(pairs.len())];
        let op = match self.tape.chance(25) {
            true => *self.tape.pick(&COMPARISONS[3..]),
            false => "==",
        };
        let (mine, theirs) = (self.read(mine), self.read(theirs));
        Some(format!("({mine} {op} {theirs})"))
    }

    /// An aggregate call over `scope` and the type it gives: `count()`, `sum(..)`, ...
    pub(crate) fn aggregate(&mut self, scope: &[Item]) -> (String, ValueType) {
        match self.tape.below(6) {
            0 => match self.scalar_item(scope).filter(|_| self.tape.chance(30)) {
                Some(item) => (format!("count({})", self.read(item)), ValueType::Int),
                None => ("count()".to_string(), ValueType::Int),
            },
            1 | 2 => {
                let numbers: Vec<Item> = scope
                    .iter()
                    .filter(|item| numeric(&item.ty))
                    .cloned()
                    .collect();
                let ty = self.scalar_type_in(&numbers);
                let value = self.expr(scope, &ty, 1);
                match self.tape.chance(50) {
                    true => (format!("avg({value})"), ValueType::Decimal),
                    false => (format!("sum({value})"), ty),
                }
            }
            3 | 4 => {
                let ty = self.scalar_type_in(scope);
                let value = self.expr(scope, &ty, 1);
                let op = *self.tape.pick(&["min", "max"]);
                (format!("{op}({value})"), ty)
            }
            _ => {
                let ty = self.scalar_type_in(scope);
                let value = self.expr(scope, &ty, 1);
                (format!("collect({value})"), ValueType::list(ty))
            }
        }
    }

    /// An alert's message: a template of words and values, or one word.
    pub(crate) fn message(&mut self, scope: &[Item], rule: usize) -> String {
        let mut parts = vec![format!("\"r{rule}\"")];
        for _ in 0..self.tape.below(3) {
            match self.scalar_item(scope) {
                Some(item) => {
                    parts.push("\" \"".to_string());
                    parts.push(self.read(item));
                }
                None => break,
            }
        }
        match parts.len() {
            1 => parts.remove(0),
            _ => format!("template[{}]", parts.join(", ")),
        }
    }
}
