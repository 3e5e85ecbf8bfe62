//! Reading a JSON rule document into the syntax tree: the top level, fact types and outputs,
//! calculators, and what every part uses — paths, shapes, names and diagnostics. Values and
//! the `.calc` text in strings are read in `read_values.rs`, rules in `read_rules.rs`, their
//! actions in `read_actions.rs`.
//!
//! Every structural error names the JSON path of the value (`rules[3].with[0]`) and points
//! at the value in the document.

use std::collections::HashSet;
use std::fmt::Display;
use std::ops::Range;

use reckon_rule_ir::{Code, Diagnostic, SourceId, Span, closest_name};

use super::spans::{self, Kind, Member, Node};
use crate::calc::ast::{CalcDecl, FactDecl, FieldDecl, File, Ident, Item, ItemKind, TypeExpr};
use crate::source::SourceMap;

/// The keys of the document.
const TOP_KEYS: [&str; 5] = ["$schema", "facts", "outputs", "calcs", "rules"];

/// Reads a JSON rule document (already added to `sources` as `document`) into a syntax tree.
/// Never fails: every problem is a diagnostic, and what could be read is returned. The
/// expression strings are added to `sources`.
pub fn read(text: &str, document: SourceId, sources: &mut SourceMap) -> (File, Vec<Diagnostic>) {
    let name = sources
        .get(document)
        .map_or_else(String::new, |file| file.name.clone());
    let mut reader = Reader {
        text,
        document,
        name,
        sources,
        diagnostics: Vec::new(),
    };
    let file = match spans::index(text) {
        Ok(root) => reader.file(&root),
        Err(error) => {
            let end = text[error.offset..]
                .chars()
                .next()
                .map_or(error.offset, |c| error.offset + c.len_utf8());
            let span = Span::new(document, error.offset, end);
            let message = format!("the document is not valid JSON: {}", error.message);
            reader
                .diagnostics
                .push(Diagnostic::new(Code::Syntax, message, span, "here"));
            File::default()
        }
    };
    (file, reader.diagnostics)
}

/// What a JSON string means where a value is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Strings {
    /// An expression in `.calc` syntax (fields, `set`, defaults).
    Expressions,
    /// Text (the values of structured conditions).
    Text,
}

pub(super) struct Reader<'a> {
    text: &'a str,
    document: SourceId,
    /// The document's name, for the names of expression sources.
    name: String,
    sources: &'a mut SourceMap,
    diagnostics: Vec<Diagnostic>,
}

/// The path of member `key` under `path`: `rules[3].with`, or `set["s.pay"]` for a key that
/// is not a plain word.
pub(super) fn at_key(path: &str, key: &str) -> String {
    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (path.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{}]", serde_json::Value::from(key)),
    }
}

/// The path of item `index` under `path`.
pub(super) fn at_index(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

/// A value and its path, or each item and its path when the value is an array.
pub(super) fn one_or_many<'n>(node: &'n Node, path: &str) -> Vec<(&'n Node, String)> {
    match &node.kind {
        Kind::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| (item, at_index(path, index)))
            .collect(),
        _ => vec![(node, path.to_string())],
    }
}

impl Reader<'_> {
    // ----- diagnostics -----

    /// The document's text in `range`.
    pub(super) fn text_at(&self, range: &Range<usize>) -> &str {
        &self.text[range.clone()]
    }

    pub(super) fn span(&self, range: &Range<usize>) -> Span {
        Span::new(self.document, range.start, range.end)
    }

    /// Adds a string of `.calc` text at `path` as a source of its own.
    pub(super) fn source(&mut self, path: &str, text: &str) -> SourceId {
        self.sources.add(format!("{}: {path}", self.name), text)
    }

    /// Reports diagnostics found inside a string of the document.
    pub(super) fn report(&mut self, found: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(found);
    }

    /// Reports a structural error at `at`, its message prefixed by the path.
    pub(super) fn fail(
        &mut self,
        at: &Range<usize>,
        path: &str,
        message: impl Display,
        label: &str,
    ) {
        self.fail_with(Code::Syntax, at, path, message, label, None);
    }

    pub(super) fn fail_with(
        &mut self,
        code: Code,
        at: &Range<usize>,
        path: &str,
        message: impl Display,
        label: &str,
        help: Option<String>,
    ) {
        let shown = if path.is_empty() {
            "the document"
        } else {
            path
        };
        let span = self.span(at);
        let mut diagnostic = Diagnostic::new(code, format!("{shown}: {message}"), span, label);
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        self.diagnostics.push(diagnostic);
    }

    // ----- shapes -----

    /// The members of an object, each key checked against `keys` (when given) and for
    /// repetition; `None` (reported) when the value is not an object.
    pub(super) fn object<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        expected: &str,
        keys: Option<&[&str]>,
    ) -> Option<&'n [Member]> {
        let Some(members) = node.members() else {
            let message = format!("expected {expected}, found {}", node.describe());
            self.fail(&node.span, path, message, "not an object");
            return None;
        };
        // Most objects are small: their keys are compared pairwise, without hashing.
        let mut seen = HashSet::new();
        for (index, member) in members.iter().enumerate() {
            let again = if members.len() <= 16 {
                members[..index].iter().any(|m| m.key == member.key)
            } else {
                !seen.insert(member.key.as_str())
            };
            if again {
                let message = format!("the key \"{}\" appears twice", member.key);
                self.fail(&member.key_span, path, message, "again");
            } else if let Some(keys) = keys.filter(|keys| !keys.contains(&member.key.as_str())) {
                let help = match closest_name(&member.key, keys.iter().copied()) {
                    Some(near) => format!("did you mean \"{near}\"?"),
                    None => format!("the keys here are {}", quoted(keys)),
                };
                let message = format!("unknown key \"{}\"", member.key);
                self.fail_with(
                    Code::Syntax,
                    &member.key_span,
                    path,
                    message,
                    "means nothing here",
                    Some(help),
                );
            }
        }
        Some(members)
    }

    /// The member `key` of an object, reported as missing (`{what} needs "key", {meaning}`)
    /// when it is not there.
    pub(super) fn required<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        key: &str,
        what: &str,
        meaning: &str,
    ) -> Option<&'n Node> {
        let found = node.get(key).map(|member| &member.value);
        if found.is_none() {
            let message = format!("{what} needs \"{key}\", {meaning}");
            self.fail(&node.span, path, message, &format!("no \"{key}\""));
        }
        found
    }

    /// A string value.
    pub(super) fn string<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        expected: &str,
    ) -> Option<&'n str> {
        let found = node.as_str();
        if found.is_none() {
            let message = format!("expected {expected}, found {}", node.describe());
            self.fail(&node.span, path, message, "not a string");
        }
        found
    }

    /// A name given as a string: a fact type, a binding, a field.
    pub(super) fn name(&mut self, node: &Node, path: &str, what: &str) -> Option<Ident> {
        let name = self.string(node, path, &format!("{what} as a string"))?;
        if name.is_empty() {
            self.fail(&node.span, path, format!("{what} is empty"), "no name");
            return None;
        }
        Some(Ident {
            name: name.to_string(),
            span: self.span(&node.span),
        })
    }

    /// The required member `key`, as a name.
    pub(super) fn required_name(
        &mut self,
        node: &Node,
        path: &str,
        key: &str,
        what: &str,
        meaning: &str,
    ) -> Option<Ident> {
        let value = self.required(node, path, key, what, meaning)?;
        self.name(value, &at_key(path, key), meaning)
    }

    /// A name given as a key (a fact type, a field, a parameter, a `let`).
    pub(super) fn key_name(&mut self, member: &Member, path: &str, key: &str) -> Option<Ident> {
        if key.is_empty() {
            self.fail(&member.key_span, path, "a name cannot be empty", "no name");
            return None;
        }
        Some(Ident {
            name: key.to_string(),
            span: self.span(&member.key_span),
        })
    }

    /// `true` or `false`.
    pub(super) fn flag(&mut self, node: &Node, path: &str) -> bool {
        match node.kind {
            Kind::Bool(value) => value,
            _ => {
                let message = format!("expected true or false, found {}", node.describe());
                self.fail(&node.span, path, message, "not a boolean");
                false
            }
        }
    }

    // ----- the document -----

    fn file(&mut self, root: &Node) -> File {
        let expected = "an object with \"facts\", \"outputs\", \"calcs\" and \"rules\"";
        let Some(members) = self.object(root, "", expected, Some(&TOP_KEYS)) else {
            return File::default();
        };
        let mut file = File::default();
        for member in members {
            let path = at_key("", &member.key);
            match member.key.as_str() {
                "facts" => self.facts(&member.value, &path, false, &mut file.items),
                "outputs" => self.facts(&member.value, &path, true, &mut file.items),
                "calcs" => self.calcs(&member.value, &path, &mut file.items),
                "rules" => self.rules(&member.value, &path, &mut file.items),
                _ => {}
            }
        }
        file
    }

    /// `"facts"` or `"outputs"`: fact types by name, each an object of fields by name with
    /// the markers `"$single"` and `"$output"`.
    fn facts(&mut self, node: &Node, path: &str, output: bool, items: &mut Vec<Item>) {
        let Some(members) = self.object(node, path, "an object of fact types by name", None) else {
            return;
        };
        for member in members {
            let fact_path = at_key(path, &member.key);
            let Some(name) = self.key_name(member, path, &member.key) else {
                continue;
            };
            if let Some(fact) = self.fact(name, &member.value, &fact_path, output) {
                items.push(Item {
                    comments: Vec::new(),
                    kind: ItemKind::Fact(fact),
                    span: self.span(&member.span()),
                });
            }
        }
    }

    fn fact(&mut self, name: Ident, node: &Node, path: &str, output: bool) -> Option<FactDecl> {
        let members = self.object(node, path, "an object of fields by name", None)?;
        let mut fact = FactDecl {
            name,
            output,
            single: false,
            fields: Vec::new(),
        };
        for member in members {
            let key = member.key.as_str();
            let field_path = at_key(path, key);
            if key.starts_with('$') && !key.starts_with("$$") {
                match key {
                    "$single" => fact.single = self.flag(&member.value, &field_path),
                    "$output" => fact.output |= self.flag(&member.value, &field_path),
                    _ => {
                        let markers = ["$single", "$output"];
                        let help = match closest_name(key, markers) {
                            Some(near) => format!("did you mean \"{near}\"?"),
                            None => "the markers are \"$single\" and \"$output\"; a field whose \
                                     name starts with `$` is written with `$$`"
                                .to_string(),
                        };
                        let message = format!("unknown marker \"{key}\"");
                        self.fail_with(
                            Code::Syntax,
                            &member.key_span,
                            path,
                            message,
                            "means nothing here",
                            Some(help),
                        );
                    }
                }
                continue;
            }
            // `$$name` is a field named `$name`.
            let field_name = if key.starts_with("$$") {
                &key[1..]
            } else {
                key
            };
            let Some(field_name) = self.key_name(member, path, field_name) else {
                continue;
            };
            fact.fields
                .push(self.field(field_name, member, &field_path));
        }
        Some(fact)
    }

    /// A field: a type string, or `{"type": ..., "optional": true, "default": value}`.
    fn field(&mut self, name: Ident, member: &Member, path: &str) -> FieldDecl {
        let node = &member.value;
        let mut field = FieldDecl {
            comments: Vec::new(),
            name,
            ty: TypeExpr::Named(Ident {
                name: "any".into(),
                span: self.span(&node.span),
            }),
            optional: false,
            default: None,
            span: self.span(&member.span()),
        };
        match &node.kind {
            Kind::String(_) => field.ty = self.type_expr(node, path),
            Kind::Object(_) => {
                let keys = ["type", "optional", "default"];
                self.object(node, path, "a field", Some(&keys));
                if let Some(ty) = self.required(node, path, "type", "a field", "its type") {
                    field.ty = self.type_expr(ty, &at_key(path, "type"));
                }
                if let Some(optional) = node.get("optional") {
                    field.optional = self.flag(&optional.value, &at_key(path, "optional"));
                }
                if let Some(default) = node.get("default") {
                    let path = at_key(path, "default");
                    field.default = Some(self.value(&default.value, &path, Strings::Expressions));
                }
            }
            _ => {
                let message = format!(
                    "expected a type such as \"text\", or an object with \"type\", found {}",
                    node.describe()
                );
                self.fail(&node.span, path, message, "not a field");
            }
        }
        field
    }

    /// `"calcs"`: calculators by name, each `{"params": {...}, "returns": type, "expr": ...}`.
    fn calcs(&mut self, node: &Node, path: &str, items: &mut Vec<Item>) {
        let Some(members) = self.object(node, path, "an object of calculators by name", None)
        else {
            return;
        };
        for member in members {
            let calc_path = at_key(path, &member.key);
            let node = &member.value;
            let expected = "a calculator: an object with \"params\", \"returns\" and \"expr\"";
            let keys = ["params", "returns", "expr"];
            let (Some(name), Some(_)) = (
                self.key_name(member, path, &member.key),
                self.object(node, &calc_path, expected, Some(&keys)),
            ) else {
                continue;
            };
            let mut params = Vec::new();
            if let Some(list) = node.get("params") {
                let params_path = at_key(&calc_path, "params");
                let expected = "an object of parameter types by name";
                for param in self
                    .object(&list.value, &params_path, expected, None)
                    .unwrap_or_default()
                {
                    let Some(param_name) = self.key_name(param, &params_path, &param.key) else {
                        continue;
                    };
                    let ty = self.type_expr(&param.value, &at_key(&params_path, &param.key));
                    params.push((param_name, ty));
                }
            }
            let what = "a calculator";
            let returns = self.required(node, &calc_path, "returns", what, "its result type");
            let body = self.required(node, &calc_path, "expr", what, "its formula");
            let (Some(returns), Some(body)) = (returns, body) else {
                continue;
            };
            let returns = self.type_expr(returns, &at_key(&calc_path, "returns"));
            let body = self.expr(body, &at_key(&calc_path, "expr"));
            items.push(Item {
                comments: Vec::new(),
                kind: ItemKind::Calc(CalcDecl {
                    name,
                    params,
                    returns,
                    body,
                }),
                span: self.span(&member.span()),
            });
        }
    }

    /// `"rules"`: an array of rules.
    fn rules(&mut self, node: &Node, path: &str, items: &mut Vec<Item>) {
        let Kind::Array(rules) = &node.kind else {
            let message = format!("expected an array of rules, found {}", node.describe());
            self.fail(&node.span, path, message, "not an array");
            return;
        };
        for (index, rule) in rules.iter().enumerate() {
            if let Some(decl) = self.rule(rule, &at_index(path, index)) {
                items.push(Item {
                    comments: Vec::new(),
                    kind: ItemKind::Rule(decl),
                    span: self.span(&rule.span),
                });
            }
        }
    }
}

/// `"a", "b" and "c"`.
pub(super) fn quoted(keys: &[&str]) -> String {
    let mut out = String::new();
    for (index, key) in keys.iter().enumerate() {
        if index > 0 {
            out.push_str(if index + 1 == keys.len() {
                " and "
            } else {
                ", "
            });
        }
        out.push('"');
        out.push_str(key);
        out.push('"');
    }
    out
}
