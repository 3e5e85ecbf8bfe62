//! Fact types and their schemas. A `Catalog` names every fact type a program knows; each
//! `Schema` lists the declared fields of one type. Ids are dense indexes: a `FieldId` is a
//! field's position in its schema, so it addresses a column directly.

use ahash::AHashMap as HashMap;
use std::fmt;

use crate::value_type::ValueType;

/// A fact type's position in its catalog. Prints as `t3`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactTypeId(u16);

impl FactTypeId {
    /// The id at position `index` of a catalog.
    pub fn from_index(index: usize) -> Option<FactTypeId> {
        u16::try_from(index).ok().map(FactTypeId)
    }

    /// The position of this type in its catalog.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

impl fmt::Debug for FactTypeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t{}", self.0)
    }
}

/// A field's position in its fact type's schema. Prints as `.4`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId(u16);

impl FieldId {
    /// The id at position `index` of a schema.
    pub fn from_index(index: usize) -> Option<FieldId> {
        u16::try_from(index).ok().map(FieldId)
    }

    /// The position of this field in its schema.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

impl fmt::Debug for FieldId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, ".{}", self.0)
    }
}

/// Whether a fact must have a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// Every fact has a non-null value; input without one is an error.
    Required,
    /// A fact may lack the field ("missing") or hold null.
    Optional,
}

/// One declared field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldDef {
    /// The field's name as written in input.
    pub name: String,
    /// The declared type.
    pub ty: ValueType,
    /// Whether every fact must have it.
    pub presence: Presence,
}

/// The declared fields of one fact type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    name: String,
    fields: Vec<FieldDef>,
    by_name: HashMap<String, FieldId>,
    /// The start of each fact's JSON object (`{"type":"shift"`) and each field's key
    /// (`,"hours":`), escaped once here rather than for every fact written.
    json_head: String,
    json_keys: Vec<String>,
}

/// A schema that cannot be built or added, with the name at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaError {
    /// Two fields of one fact type have the same name.
    DuplicateField {
        /// The fact type.
        fact_type: String,
        /// The repeated field name.
        field: String,
    },
    /// Two fact types have the same name.
    DuplicateType(String),
    /// A fact type or field name is empty or is the reserved name `type`.
    BadName {
        /// The fact type (or the empty name itself).
        fact_type: String,
        /// Why the name cannot be used.
        reason: &'static str,
    },
    /// More fields or fact types than ids can address (65,536).
    TooMany(String),
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaError::DuplicateField { fact_type, field } => {
                write!(
                    f,
                    "fact type `{fact_type}` declares field `{field}` twice; remove or rename one"
                )
            }
            SchemaError::DuplicateType(name) => write!(
                f,
                "fact type `{name}` is declared twice; merge the declarations"
            ),
            SchemaError::BadName { fact_type, reason } => {
                write!(f, "fact type `{fact_type}`: {reason}")
            }
            SchemaError::TooMany(what) => {
                write!(f, "too many {what}: at most 65,536 are supported")
            }
        }
    }
}

impl std::error::Error for SchemaError {}

/// Builds a [`Schema`] field by field.
#[derive(Debug, Clone)]
pub struct SchemaBuilder {
    name: String,
    fields: Vec<FieldDef>,
}

impl SchemaBuilder {
    /// Declares a field every fact must have.
    pub fn required(self, name: impl Into<String>, ty: ValueType) -> SchemaBuilder {
        self.field(name, ty, Presence::Required)
    }

    /// Declares a field a fact may lack or hold null in.
    pub fn optional(self, name: impl Into<String>, ty: ValueType) -> SchemaBuilder {
        self.field(name, ty, Presence::Optional)
    }

    /// Declares a field.
    pub fn field(
        mut self,
        name: impl Into<String>,
        ty: ValueType,
        presence: Presence,
    ) -> SchemaBuilder {
        self.fields.push(FieldDef {
            name: name.into(),
            ty,
            presence,
        });
        self
    }

    /// The schema, or the first problem with its names.
    pub fn build(self) -> Result<Schema, SchemaError> {
        if self.name.is_empty() {
            return Err(SchemaError::BadName {
                fact_type: String::new(),
                reason: "a fact type needs a name",
            });
        }
        if self.fields.len() > usize::from(u16::MAX) + 1 {
            return Err(SchemaError::TooMany(format!(
                "fields in fact type `{}`",
                self.name
            )));
        }
        let mut by_name = HashMap::with_capacity(self.fields.len());
        for (index, field) in self.fields.iter().enumerate() {
            if field.name.is_empty() {
                return Err(SchemaError::BadName {
                    fact_type: self.name,
                    reason: "a field needs a name",
                });
            }
            if field.name == "type" {
                return Err(SchemaError::BadName {
                    fact_type: self.name,
                    reason: "`type` names a fact's type in input and cannot be a field; rename the field",
                });
            }
            let id = FieldId::from_index(index).expect("field count checked above");
            if by_name.insert(field.name.clone(), id).is_some() {
                return Err(SchemaError::DuplicateField {
                    fact_type: self.name,
                    field: field.name.clone(),
                });
            }
        }
        let mut json_head = String::from("{\"type\":");
        crate::format::write_json_string(&mut json_head, &self.name);
        let json_keys = self
            .fields
            .iter()
            .map(|field| {
                let mut key = String::from(",");
                crate::format::write_json_string(&mut key, &field.name);
                key.push(':');
                key
            })
            .collect();
        Ok(Schema {
            name: self.name,
            fields: self.fields,
            by_name,
            json_head,
            json_keys,
        })
    }
}

impl Schema {
    /// Starts a schema for the fact type `name`.
    pub fn builder(name: impl Into<String>) -> SchemaBuilder {
        SchemaBuilder {
            name: name.into(),
            fields: Vec::new(),
        }
    }

    /// The fact type's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `{"type":` and the type's name as a JSON string: how each fact's object starts.
    pub(crate) fn json_head(&self) -> &str {
        &self.json_head
    }

    /// `,` and the field's name as a JSON string, then `:`.
    pub(crate) fn json_key(&self, id: FieldId) -> &str {
        &self.json_keys[id.index()]
    }

    /// The declared fields, in declaration order (the order of `FieldId`s).
    pub fn fields(&self) -> &[FieldDef] {
        &self.fields
    }

    /// The field with this id.
    ///
    /// # Panics
    /// If `id` is not a field of this schema.
    pub fn field(&self, id: FieldId) -> &FieldDef {
        &self.fields[id.index()]
    }

    /// The id of the field called `name`, if declared.
    pub fn field_id(&self, name: &str) -> Option<FieldId> {
        self.by_name.get(name).copied()
    }

    /// Each field's id with its declaration.
    pub fn iter(&self) -> impl Iterator<Item = (FieldId, &FieldDef)> {
        self.fields
            .iter()
            .enumerate()
            .map(|(i, field)| (FieldId::from_index(i).expect("bounded at build"), field))
    }
}

/// Every fact type a program knows, in declaration order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    schemas: Vec<Schema>,
    by_name: HashMap<String, FactTypeId>,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Catalog {
        Catalog::default()
    }

    /// Adds a fact type and returns its id.
    pub fn add(&mut self, schema: Schema) -> Result<FactTypeId, SchemaError> {
        if self.by_name.contains_key(schema.name()) {
            return Err(SchemaError::DuplicateType(schema.name().to_owned()));
        }
        let id = FactTypeId::from_index(self.schemas.len())
            .ok_or_else(|| SchemaError::TooMany("fact types".into()))?;
        self.by_name.insert(schema.name().to_owned(), id);
        self.schemas.push(schema);
        Ok(id)
    }

    /// The id of the fact type called `name`.
    pub fn id(&self, name: &str) -> Option<FactTypeId> {
        self.by_name.get(name).copied()
    }

    /// The schema of a fact type.
    ///
    /// # Panics
    /// If `id` is not from this catalog.
    pub fn schema(&self, id: FactTypeId) -> &Schema {
        &self.schemas[id.index()]
    }

    /// The schema of `id` if this catalog has it.
    pub fn get(&self, id: FactTypeId) -> Option<&Schema> {
        self.schemas.get(id.index())
    }

    /// Each fact type's id with its schema, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (FactTypeId, &Schema)> {
        self.schemas
            .iter()
            .enumerate()
            .map(|(i, schema)| (FactTypeId::from_index(i).expect("bounded at add"), schema))
    }

    /// The number of fact types.
    pub fn len(&self) -> usize {
        self.schemas.len()
    }

    /// True when no fact type is declared.
    pub fn is_empty(&self) -> bool {
        self.schemas.is_empty()
    }

    /// The names of all fact types, in declaration order, for messages.
    pub fn type_names(&self) -> Vec<String> {
        self.schemas
            .iter()
            .map(|schema| schema.name.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_addressed_by_position() {
        let schema = Schema::builder("shift")
            .required("id", ValueType::Text)
            .optional("end", ValueType::DateTime)
            .build()
            .unwrap();
        let end = schema.field_id("end").unwrap();
        assert_eq!(end.index(), 1);
        assert_eq!(schema.field(end).ty, ValueType::DateTime);
        assert_eq!(schema.field_id("start"), None);
    }

    #[test]
    fn bad_schemas_name_the_problem() {
        let twice = Schema::builder("shift")
            .required("id", ValueType::Text)
            .required("id", ValueType::Int)
            .build();
        assert_eq!(
            twice.unwrap_err().to_string(),
            "fact type `shift` declares field `id` twice; remove or rename one"
        );
        let reserved = Schema::builder("shift")
            .required("type", ValueType::Text)
            .build();
        assert!(
            reserved
                .unwrap_err()
                .to_string()
                .contains("`type` names a fact's type")
        );
        let mut catalog = Catalog::new();
        catalog
            .add(Schema::builder("shift").build().unwrap())
            .unwrap();
        let again = catalog.add(Schema::builder("shift").build().unwrap());
        assert_eq!(
            again.unwrap_err(),
            SchemaError::DuplicateType("shift".into())
        );
    }
}
