//! Reading actions — `set`, `emit`, `alert`, `update`, `retract` — and the branches of
//! `first`, whose actions are an object of action keys (taken in a fixed order) or an array
//! of such objects.

use reckon_rule_ir::Code;

use super::read::{Reader, Strings, at_index, at_key, one_or_many};
use super::read_rules::ACTION_KEYS;
use super::spans::{Kind, Member, Node};
use crate::calc::ast::{Action, ActionKind, Branch, FieldInit, Ident};
use crate::calc::lexer::{Tok, lex};

impl Reader<'_> {
    /// `"first"`: branches `{"when": test, "then": actions}`, the last perhaps
    /// `{"otherwise": actions}`.
    pub(super) fn branches(&mut self, node: &Node, path: &str) -> Option<Vec<Branch>> {
        let Kind::Array(items) = &node.kind else {
            let message = format!("expected an array of branches, found {}", node.describe());
            self.fail(&node.span, path, message, "not an array");
            return None;
        };
        if items.is_empty() {
            self.fail(
                &node.span,
                path,
                "`first` needs at least one branch",
                "no branches",
            );
            return None;
        }
        let mut branches = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let path = at_index(path, index);
            let expected = "a branch: {\"when\": ..., \"then\": ...} or {\"otherwise\": ...}";
            if self
                .object(item, &path, expected, Some(&["when", "then", "otherwise"]))
                .is_none()
            {
                continue;
            }
            let (test, actions) = match (item.get("when"), item.get("then"), item.get("otherwise"))
            {
                (Some(when), Some(then), None) => {
                    (Some(self.expr(&when.value, &at_key(&path, "when"))), then)
                }
                (None, None, Some(otherwise)) => {
                    if index + 1 < items.len() {
                        let message = "\"otherwise\" must be the last branch";
                        self.fail(&item.span, &path, message, "not last");
                    }
                    (None, otherwise)
                }
                _ => {
                    let message = "a branch has \"when\" and \"then\", or only \"otherwise\"";
                    self.fail(&item.span, &path, message, "not a branch");
                    continue;
                }
            };
            let actions_path = at_key(&path, &actions.key);
            let actions = self.action_list(&actions.value, &actions_path);
            branches.push(Branch {
                test,
                actions,
                span: self.span(&item.span),
            });
        }
        Some(branches)
    }

    /// A branch's actions: an object of action keys, or an array of them.
    fn action_list(&mut self, node: &Node, path: &str) -> Vec<Action> {
        let mut actions = Vec::new();
        for (item, path) in one_or_many(node, path) {
            let expected = "actions: an object such as {\"set\": {...}}, or an array of them";
            if self
                .object(item, &path, expected, Some(&ACTION_KEYS))
                .is_none()
            {
                continue;
            }
            for key in ACTION_KEYS {
                if let Some(member) = item.get(key) {
                    actions.extend(self.actions(key, &member.value, &at_key(&path, key)));
                }
            }
        }
        if actions.is_empty() {
            let message = "a branch needs an action (\"set\", \"emit\", \"alert\", ...)";
            self.fail(&node.span, path, message, "no action");
        }
        actions
    }

    /// The actions of one action key.
    pub(super) fn actions(&mut self, key: &str, node: &Node, path: &str) -> Vec<Action> {
        let mut actions = Vec::new();
        if key == "set" {
            let expected = "an object of values by target, as in {\"s.hours\": \"...\"}";
            for member in self.object(node, path, expected, None).unwrap_or_default() {
                let value_path = at_key(path, &member.key);
                let Some((binding, field)) = self.target(member, &value_path) else {
                    continue;
                };
                let value = self.value(&member.value, &value_path, Strings::Expressions);
                actions.push(Action {
                    kind: ActionKind::Set {
                        binding,
                        field,
                        value,
                    },
                    span: self.span(&member.span()),
                });
            }
            return actions;
        }
        for (item, path) in one_or_many(node, path) {
            let kind = match key {
                "emit" => self.emit(item, &path),
                "alert" => self.alert(item, &path),
                "update" => self.update(item, &path),
                _ => self
                    .name(item, &path, "the name of the fact to retract")
                    .map(ActionKind::Retract),
            };
            if let Some(kind) = kind {
                actions.push(Action {
                    kind,
                    span: self.span(&item.span),
                });
            }
        }
        actions
    }

    /// A `set` target: the key `s.hours`, read with the `.calc` lexer (names may be in
    /// backticks); its names point into the key when it has no escapes.
    fn target(&mut self, member: &Member, path: &str) -> Option<(Ident, Ident)> {
        let key = member.key.as_str();
        let tokens = lex(key);
        let raw = self.text_at(&(member.key_span.start + 1..member.key_span.end - 1));
        let exact = raw == key;
        let span = |reader: &Reader<'_>, range: &std::ops::Range<usize>| {
            let start = member.key_span.start + 1;
            if exact {
                reader.span(&(start + range.start..start + range.end))
            } else {
                reader.span(&member.key_span)
            }
        };
        if let [
            (Some(Tok::Ident(binding)), at),
            (Some(Tok::Dot), _),
            (Some(field), field_at),
        ] = tokens.as_slice()
        {
            if let Some(field) = field.word() {
                let binding = Ident {
                    name: binding.clone(),
                    span: span(self, at),
                };
                let field = Ident {
                    name: field,
                    span: span(self, field_at),
                };
                return Some((binding, field));
            }
        }
        let message = format!("\"{key}\" is not a field to set");
        let help =
            Some("a target is the fact's name, a dot and the field, as in \"s.hours\"".to_string());
        self.fail_with(
            Code::Syntax,
            &member.key_span,
            path,
            message,
            "not fact.field",
            help,
        );
        None
    }

    /// `{"type": name, "for_each": members, "fields": {...}}`.
    fn emit(&mut self, node: &Node, path: &str) -> Option<ActionKind> {
        let expected = "an emit: an object with \"type\" and \"fields\"";
        self.object(node, path, expected, Some(&["type", "for_each", "fields"]))?;
        let fact_type =
            self.required_name(node, path, "type", "an emit", "the fact type to emit")?;
        let for_each = match node.get("for_each") {
            Some(member) => one_or_many(&member.value, &at_key(path, "for_each"))
                .into_iter()
                .filter_map(|(item, path)| self.name(item, &path, "a member of the group"))
                .collect(),
            None => Vec::new(),
        };
        let fields = match node.get("fields") {
            Some(member) => self.field_inits(&member.value, &at_key(path, "fields")),
            None => Vec::new(),
        };
        Some(ActionKind::Emit {
            fact_type,
            for_each,
            fields,
        })
    }

    /// An alert: its text with `{value}` parts, or `{"expr": "..."}`.
    fn alert(&mut self, node: &Node, path: &str) -> Option<ActionKind> {
        if let Kind::String(text) = &node.kind {
            return Some(ActionKind::Alert(self.template(text, path)));
        }
        let expected = "an alert: its text, or {\"expr\": \"...\"}";
        self.object(node, path, expected, Some(&["expr"]))?;
        let expr = self.required(
            node,
            path,
            "expr",
            "an alert",
            "the message as an expression",
        )?;
        Some(ActionKind::Alert(self.expr(expr, &at_key(path, "expr"))))
    }

    /// `{"fact": name, "fields": {...}}`.
    fn update(&mut self, node: &Node, path: &str) -> Option<ActionKind> {
        let expected = "an update: an object with \"fact\" and \"fields\"";
        self.object(node, path, expected, Some(&["fact", "fields"]))?;
        let binding = self.required_name(node, path, "fact", "an update", "the fact to update")?;
        let fields = self.required(node, path, "fields", "an update", "the fields to change")?;
        let fields = self.field_inits(fields, &at_key(path, "fields"));
        Some(ActionKind::Update { binding, fields })
    }

    /// `{"field": value, ...}`; a string that is the field's own name is the shorthand
    /// `field` (the value of that name).
    fn field_inits(&mut self, node: &Node, path: &str) -> Vec<FieldInit> {
        let mut fields = Vec::new();
        for member in self
            .object(node, path, "an object of values by field", None)
            .unwrap_or_default()
        {
            let Some(name) = self.key_name(member, path, &member.key) else {
                continue;
            };
            let value = if member.value.as_str() == Some(member.key.as_str()) {
                None
            } else {
                Some(self.value(
                    &member.value,
                    &at_key(path, &member.key),
                    Strings::Expressions,
                ))
            };
            fields.push(FieldInit { name, value });
        }
        fields
    }
}
