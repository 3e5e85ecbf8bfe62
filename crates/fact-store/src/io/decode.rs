//! Decoding one JSON object into a fact of the catalog: find its `type`, convert each
//! declared field under its declared type, keep undeclared fields as raw JSON, and check
//! that required fields are present. Every problem found in the object is reported, each
//! with a byte offset, the fact's type and id when known, and the field.

use super::convert::{ConvertError, ConvertProblem, convert_json, describe, shorten};
use super::error::InputErrorKind;
use super::json::{Kind, Member, Scanner, Token};
use crate::catalog::{Catalog, FactTypeId, Presence};
use crate::intern::Interner;
use crate::store::Extra;
use crate::value::Value;

/// A problem in one fact, before it is placed in a file.
#[derive(Debug, Clone)]
pub(crate) struct FactProblem {
    pub(crate) offset: usize,
    pub(crate) fact_type: Option<String>,
    pub(crate) fact_id: Option<String>,
    pub(crate) field: Option<String>,
    pub(crate) kind: InputErrorKind,
}

/// Reusable buffers for decoding objects one after another without allocating.
#[derive(Debug, Default)]
pub(crate) struct FactDecoder {
    members: Vec<Member>,
    /// The decoded declared fields of the last fact, indexed by `FieldId`.
    pub(crate) fields: Vec<Option<Value>>,
    /// The undeclared fields of the last fact.
    pub(crate) extras: Vec<Extra>,
}

impl FactDecoder {
    /// Decodes the JSON value at `token` of `src`. Returns the fact type when the fact is
    /// good (its fields are then in `fields` and `extras`); otherwise adds to `problems`.
    pub(crate) fn decode(
        &mut self,
        src: &str,
        token: &Token,
        catalog: &Catalog,
        default_type: Option<FactTypeId>,
        interner: &mut Interner,
        problems: &mut Vec<FactProblem>,
    ) -> Option<FactTypeId> {
        let problem = |offset, kind| FactProblem {
            offset,
            fact_type: None,
            fact_id: None,
            field: None,
            kind,
        };
        if token.kind != Kind::Object {
            problems.push(problem(
                token.start,
                InputErrorKind::NotAnObject {
                    found: describe(token, src),
                },
            ));
            return None;
        }
        self.members.clear();
        if let Err(error) = Scanner::at(src, token.start).object(&mut self.members) {
            problems.push(problem(
                error.offset,
                InputErrorKind::Syntax(format!("invalid JSON: {error}")),
            ));
            return None;
        }
        let fact_id = self
            .member("id", src)
            .map(|member| match member.value.kind {
                Kind::String { .. } => member.value.string(src).into_owned(),
                _ => shorten(member.value.text(src)),
            });
        let fact_type = match self.member("type", src) {
            Some(member) => match member.value.kind {
                Kind::String { .. } => {
                    let name = member.value.string(src);
                    match catalog.id(&name) {
                        Some(fact_type) => fact_type,
                        None => {
                            let known = catalog.type_names();
                            let kind = InputErrorKind::UnknownType {
                                found: name.into_owned(),
                                known,
                            };
                            problems.push(FactProblem {
                                fact_id,
                                ..problem(member.value.start, kind)
                            });
                            return None;
                        }
                    }
                }
                _ => {
                    let kind = InputErrorKind::TypeNotText {
                        found: describe(&member.value, src),
                    };
                    problems.push(FactProblem {
                        fact_id,
                        ..problem(member.value.start, kind)
                    });
                    return None;
                }
            },
            None => match default_type {
                Some(fact_type) => fact_type,
                None => {
                    let kind = InputErrorKind::MissingType {
                        known: catalog.type_names(),
                    };
                    problems.push(FactProblem {
                        fact_id,
                        ..problem(token.start, kind)
                    });
                    return None;
                }
            },
        };

        let schema = catalog.schema(fact_type);
        let located = |offset, field: Option<&str>, kind| FactProblem {
            offset,
            fact_type: Some(schema.name().to_owned()),
            fact_id: fact_id.clone(),
            field: field.map(str::to_owned),
            kind,
        };
        let problems_before = problems.len();
        self.fields.clear();
        self.fields.resize(schema.fields().len(), None);
        self.extras.clear();
        let mut type_seen = false;
        for member in &self.members {
            let name = member.key.string(src);
            if name == "type" {
                if type_seen {
                    problems.push(located(
                        member.key.start,
                        Some("type"),
                        InputErrorKind::DuplicateField,
                    ));
                }
                type_seen = true;
                continue;
            }
            match schema.field_id(&name) {
                Some(field) => {
                    let slot = &mut self.fields[field.index()];
                    if slot.is_some() {
                        problems.push(located(
                            member.key.start,
                            Some(&name),
                            InputErrorKind::DuplicateField,
                        ));
                        continue;
                    }
                    match convert_json(src, &member.value, &schema.field(field).ty, interner) {
                        Ok(value) => *slot = Some(value),
                        Err(error) => problems.push(located(
                            error.offset,
                            Some(&name),
                            convert_problem(error),
                        )),
                    }
                }
                None => match (
                    interner.intern(&name),
                    interner.intern(member.value.text(src)),
                ) {
                    (Ok(name_symbol), Ok(raw)) => {
                        if self.extras.iter().any(|extra| extra.name == name_symbol) {
                            problems.push(located(
                                member.key.start,
                                Some(&name),
                                InputErrorKind::DuplicateField,
                            ));
                        } else {
                            self.extras.push(Extra {
                                name: name_symbol,
                                raw,
                            });
                        }
                    }
                    (Err(full), _) | (_, Err(full)) => {
                        problems.push(located(
                            member.key.start,
                            Some(&name),
                            InputErrorKind::Store(full.into()),
                        ));
                    }
                },
            }
        }
        for (field, def) in schema.iter() {
            if def.presence != Presence::Required {
                continue;
            }
            // A field that failed to convert is already reported; say nothing more of it.
            let failed = problems[problems_before..]
                .iter()
                .any(|p| p.field.as_deref() == Some(def.name.as_str()));
            match &self.fields[field.index()] {
                None if !failed => problems.push(located(
                    token.start,
                    Some(&def.name),
                    InputErrorKind::MissingField {
                        expected: def.ty.clone(),
                    },
                )),
                Some(Value::Null) => {
                    let offset = self
                        .member(&def.name, src)
                        .map_or(token.start, |member| member.value.start);
                    problems.push(located(
                        offset,
                        Some(&def.name),
                        InputErrorKind::NullField {
                            expected: def.ty.clone(),
                        },
                    ));
                }
                _ => {}
            }
        }
        (problems.len() == problems_before).then_some(fact_type)
    }

    fn member(&self, key: &str, src: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|member| member.key.string(src) == key)
    }
}

/// The input error for a failed conversion.
pub(crate) fn convert_problem(error: ConvertError) -> InputErrorKind {
    match error.problem {
        ConvertProblem::WrongType { expected, found } => {
            InputErrorKind::WrongType { expected, found }
        }
        ConvertProblem::Invalid {
            expected,
            found,
            reason,
        } => InputErrorKind::InvalidValue {
            expected,
            found,
            reason,
        },
        ConvertProblem::DuplicateKey { key } => {
            InputErrorKind::Syntax(format!("key \"{key}\" appears twice in one object"))
        }
        ConvertProblem::Syntax(error) => InputErrorKind::Syntax(format!("invalid JSON: {error}")),
        ConvertProblem::Store(error) => InputErrorKind::Store(error),
    }
}
