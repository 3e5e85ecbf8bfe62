//! Decoding one JSON object into a fact of the catalog: find its `type`, convert each
//! declared field under its declared type, keep undeclared fields as raw JSON, and check
//! that required fields are present. Every problem found in the object is reported, each
//! with a byte offset, the fact's type and id when known, and the field.

use super::convert::{ConvertError, ConvertProblem, convert_json, describe, shorten};
use super::error::InputErrorKind;
use super::json::{JsonError, Kind, Member, Scanner, Token};
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
    /// The members of the object scanned last.
    members: Vec<Member>,
    /// The decoded declared fields of the last fact, indexed by `FieldId`.
    pub(crate) fields: Vec<Option<Value>>,
    /// The undeclared fields of the last fact.
    pub(crate) extras: Vec<Extra>,
}

impl FactDecoder {
    /// Scans the JSON value that starts at `start` (after whitespace), keeping an object's
    /// members for [`decode`](Self::decode). Each byte of a fact is scanned once.
    pub(crate) fn scan(&mut self, src: &str, start: usize) -> Result<Token, JsonError> {
        self.members.clear();
        let mut scanner = Scanner::at(src, start);
        match scanner.peek() {
            Some(b'{') => scanner.object(&mut self.members),
            _ => scanner.value(),
        }
    }

    /// Decodes the value that [`scan`](Self::scan) returned. Returns the fact type when the
    /// fact is good (its fields are then in `fields` and `extras`); otherwise adds to
    /// `problems`.
    pub(crate) fn decode(
        &mut self,
        src: &str,
        token: &Token,
        catalog: &Catalog,
        default_type: Option<FactTypeId>,
        interner: &mut Interner,
        problems: &mut Vec<FactProblem>,
    ) -> Option<FactTypeId> {
        if token.kind != Kind::Object {
            let kind = InputErrorKind::NotAnObject {
                found: describe(token, src),
            };
            problems.push(FactProblem {
                offset: token.start,
                fact_type: None,
                fact_id: None,
                field: None,
                kind,
            });
            return None;
        }
        // The id is only turned into text when a message needs it.
        let id_member = self.member("id", src).copied();
        let fact_id = || id_member.map(|member| id_text(src, &member.value));
        let problem = |offset, kind| FactProblem {
            offset,
            fact_type: None,
            fact_id: fact_id(),
            field: None,
            kind,
        };
        let fact_type = match self.member("type", src) {
            Some(member) if matches!(member.value.kind, Kind::String { .. }) => {
                let name = member.value.string(src);
                match catalog.id(&name) {
                    Some(fact_type) => fact_type,
                    None => {
                        let kind = InputErrorKind::UnknownType {
                            found: name.into_owned(),
                            known: catalog.type_names(),
                        };
                        problems.push(problem(member.value.start, kind));
                        return None;
                    }
                }
            }
            Some(member) => {
                let kind = InputErrorKind::TypeNotText {
                    found: describe(&member.value, src),
                };
                problems.push(problem(member.value.start, kind));
                return None;
            }
            None => match default_type {
                Some(fact_type) => fact_type,
                None => {
                    problems.push(problem(
                        token.start,
                        InputErrorKind::MissingType {
                            known: catalog.type_names(),
                        },
                    ));
                    return None;
                }
            },
        };

        let schema = catalog.schema(fact_type);
        let located = |offset, field: &str, kind| FactProblem {
            offset,
            fact_type: Some(schema.name().to_owned()),
            fact_id: fact_id(),
            field: Some(field.to_owned()),
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
                        "type",
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
                            &name,
                            InputErrorKind::DuplicateField,
                        ));
                        continue;
                    }
                    match convert_json(src, &member.value, &schema.field(field).ty, interner) {
                        Ok(value) => *slot = Some(value),
                        Err(error) => {
                            problems.push(located(error.offset, &name, convert_problem(error)))
                        }
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
                                &name,
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
                            &name,
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
                None if !failed => {
                    let kind = InputErrorKind::MissingField {
                        expected: def.ty.clone(),
                    };
                    problems.push(located(token.start, &def.name, kind));
                }
                Some(Value::Null) => {
                    let offset = self
                        .member(&def.name, src)
                        .map_or(token.start, |member| member.value.start);
                    problems.push(located(
                        offset,
                        &def.name,
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

/// The text of a fact's `id` for messages: a string's contents, or any other value's JSON.
fn id_text(src: &str, value: &Token) -> String {
    match value.kind {
        Kind::String { .. } => value.string(src).into_owned(),
        _ => shorten(value.text(src)),
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
