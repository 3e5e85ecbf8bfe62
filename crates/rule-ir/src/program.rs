//! The program: fact declarations, calculators, rules, and what the passes add — the table
//! of shared single-fact tests and the strata with their partition keys.

use std::sync::Arc;

use reckon_fact_store::{Catalog, FactTypeId, FieldId, Presence, Schema, SchemaError, ValueType};

use crate::expr::{Expr, Literal};
use crate::ids::{AlphaId, CalcId, RuleId, Span, VarId};
use crate::rule::{Rule, Var};

/// A whole rule program.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Program {
    /// Fact types, in declaration order (a `FactTypeId` is a position here).
    pub facts: Vec<FactDecl>,
    /// Calculators, in declaration order.
    pub calcs: Vec<Calc>,
    /// Rules, in declaration order.
    pub rules: Vec<Rule>,
    /// Single-fact tests shared across rules (filled by `share_alpha_tests`).
    pub alpha: Vec<AlphaTest>,
    /// Strata in evaluation order (filled by `stratify` and `infer_partition_keys`).
    pub strata: Vec<Stratum>,
}

/// A declared fact type.
#[derive(Debug, Clone, PartialEq)]
pub struct FactDecl {
    /// Its name.
    pub name: String,
    /// Its fields, in declaration order (a `FieldId` is a position here).
    pub fields: Vec<FieldDecl>,
    /// Exactly one fact of the type exists (a pay period); joins with it need no condition.
    pub single: bool,
    /// Written by `reckon run` (input facts and declared outputs); internal otherwise.
    pub output: bool,
    /// The declaration's text.
    pub span: Span,
}

/// A declared field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: ValueType,
    /// Whether every fact has it.
    pub presence: Presence,
    /// The value a fact without it gets when read.
    pub default: Option<Literal>,
    /// Set by rules rather than read from input.
    pub derived: bool,
    /// The declaration's text.
    pub span: Span,
}

/// A calculator: a named, typed, pure function any rule can call.
#[derive(Debug, Clone, PartialEq)]
pub struct Calc {
    /// Its id: its position in the program.
    pub id: CalcId,
    /// Its name.
    pub name: String,
    /// Its parameters, in order (the first variables of `vars`).
    pub params: Vec<VarId>,
    /// Parameters and any comprehension variables of the body.
    pub vars: Vec<Var>,
    /// Its result type.
    pub returns: ValueType,
    /// Its formula.
    pub body: Expr,
    /// The declaration's text.
    pub span: Span,
}

/// A single-fact test shared by every pattern that makes it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlphaTest {
    /// Its id: its position in the table.
    pub id: AlphaId,
    /// The fact type it tests.
    pub fact_type: FactTypeId,
    /// The test, with the tested fact as `BindingId::SUBJECT` (printed `it`).
    pub expr: Expr,
    /// How many patterns use it.
    pub uses: u32,
}

/// A set of rules that run together, after every stratum they read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Stratum {
    /// Its rules, in id order.
    pub rules: Vec<RuleId>,
    /// A field of each fact type the stratum reads through which every join passes, so
    /// the stratum can run in independent partitions; `None` when there is none.
    pub partition: Option<Vec<(FactTypeId, FieldId)>>,
}

impl Program {
    /// The fact type called `name`.
    pub fn fact_type(&self, name: &str) -> Option<FactTypeId> {
        self.facts
            .iter()
            .position(|fact| fact.name == name)
            .and_then(FactTypeId::from_index)
    }

    /// The declaration of a fact type.
    pub fn fact(&self, id: FactTypeId) -> &FactDecl {
        &self.facts[id.index()]
    }

    /// The declaration of a field.
    pub fn field(&self, fact_type: FactTypeId, field: FieldId) -> &FieldDecl {
        &self.facts[fact_type.index()].fields[field.index()]
    }

    /// The rule with this id.
    pub fn rule(&self, id: RuleId) -> &Rule {
        &self.rules[id.index()]
    }

    /// The calculator with this id.
    pub fn calc(&self, id: CalcId) -> &Calc {
        &self.calcs[id.index()]
    }

    /// The fact-store catalog of the program's fact types, ids matching the program's.
    pub fn catalog(&self) -> Result<Arc<Catalog>, SchemaError> {
        let mut catalog = Catalog::new();
        for fact in &self.facts {
            let mut schema = Schema::builder(&fact.name);
            for field in &fact.fields {
                schema = schema.field(&field.name, field.ty.clone(), field.presence);
            }
            catalog.add(schema.build()?)?;
        }
        Ok(Arc::new(catalog))
    }
}

impl FactDecl {
    /// The field called `name`.
    pub fn field_id(&self, name: &str) -> Option<FieldId> {
        self.fields
            .iter()
            .position(|field| field.name == name)
            .and_then(FieldId::from_index)
    }
}
