//! Reading rules: the key form (`"for_each"`, `"with"`, ..., `"first"`, taken in that fixed
//! order whatever order the keys are written in) and the general `"steps"` array (any order;
//! each item is read like the key form). Patterns with expression or structured `where`
//! conditions, expansions, `next` patterns, group keys, `first` branches and actions.

use reckon_rule_ir::{BinaryOp, Code, MAX_EXPR_DEPTH, closest_name};

use super::read::{Reader, Strings, at_index, at_key, one_or_many, quoted};
use super::spans::{Kind, Member, Node};
use crate::calc::ast::{
    Expr, ExprKind, GroupKey, Ident, Pattern, RuleDecl, Step, StepKind, UnaryOp,
};

/// The step keys, in the order the key form takes them.
pub(crate) const STEP_KEYS: [&str; 13] = [
    "for_each", "with", "no", "exists", "let", "when", "group_by", "set", "emit", "alert",
    "update", "retract", "first",
];

/// The action keys, in the order an action group takes them.
pub(crate) const ACTION_KEYS: [&str; 5] = ["set", "emit", "alert", "update", "retract"];

const RULE_KEYS: [&str; 16] = [
    "name", "priority", "steps", "for_each", "with", "no", "exists", "let", "when", "group_by",
    "set", "emit", "alert", "update", "retract", "first",
];

/// The operators of structured conditions.
const OPS: [&str; 8] = ["==", "!=", "<", "<=", ">", ">=", "in", "not in"];

impl Reader<'_> {
    pub(super) fn rule(&mut self, node: &Node, path: &str) -> Option<RuleDecl> {
        let expected = "a rule: an object with \"name\" and its steps";
        let members = self.object(node, path, expected, Some(&RULE_KEYS))?;
        let name = self.required(node, path, "name", "a rule", "what it is called");
        let name = self.string(name?, &at_key(path, "name"), "the rule's name as a string");
        let name = (name?.to_string(), self.span(&node.get("name")?.value.span));
        let priority = node
            .get("priority")
            .and_then(|member| self.priority(&member.value, &at_key(path, "priority")));
        let steps = match node.get("steps") {
            Some(steps) => {
                let keyed = members.iter().find(|m| STEP_KEYS.contains(&m.key.as_str()));
                if let Some(keyed) = keyed {
                    let message = format!(
                        "a rule has either \"steps\" or step keys such as \"{}\", not both",
                        keyed.key
                    );
                    let help = Some(format!("move \"{}\" into \"steps\"", keyed.key));
                    self.fail_with(
                        Code::Syntax,
                        &keyed.key_span,
                        path,
                        message,
                        "beside \"steps\"",
                        help,
                    );
                }
                self.steps(&steps.value, &at_key(path, "steps"))
            }
            None => self.step_group(node, path, &STEP_KEYS),
        };
        Some(RuleDecl {
            name,
            priority,
            steps,
        })
    }

    fn priority(&mut self, node: &Node, path: &str) -> Option<(i32, reckon_rule_ir::Span)> {
        let (value, found) = match node.kind {
            Kind::Number => {
                let text = self.text_at(&node.span);
                (text.parse::<i32>().ok(), text.to_string())
            }
            _ => (None, node.describe().to_string()),
        };
        if value.is_none() {
            let message = format!("expected a whole number (the priority), found {found}");
            self.fail(&node.span, path, message, "not a priority");
        }
        Some((value?, self.span(&node.span)))
    }

    /// `"steps"`: an array of step objects.
    fn steps(&mut self, node: &Node, path: &str) -> Vec<Step> {
        let Kind::Array(items) = &node.kind else {
            let message = format!("expected an array of steps, found {}", node.describe());
            self.fail(&node.span, path, message, "not an array");
            return Vec::new();
        };
        let mut steps = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let path = at_index(path, index);
            let expected = "a step: an object such as {\"when\": \"...\"}";
            let Some(members) = self.object(item, &path, expected, Some(&STEP_KEYS)) else {
                continue;
            };
            if members.is_empty() {
                let message = format!("a step needs one of {}", quoted(&STEP_KEYS));
                self.fail(&item.span, &path, message, "empty");
            }
            steps.extend(self.step_group(item, &path, &STEP_KEYS));
        }
        steps
    }

    /// The steps of the `keys` present in an object, in the order of `keys`.
    fn step_group(&mut self, node: &Node, path: &str, keys: &[&str]) -> Vec<Step> {
        let mut steps = Vec::new();
        for key in keys {
            if let Some(member) = node.get(key) {
                steps.extend(self.step(key, member, &at_key(path, key)));
            }
        }
        steps
    }

    /// The steps of one step key (a list gives one step per item).
    fn step(&mut self, key: &str, member: &Member, path: &str) -> Vec<Step> {
        let node = &member.value;
        let mut steps = Vec::new();
        let mut push = |reader: &mut Reader<'_>, kind, at: &Node| {
            let span = reader.span(&at.span);
            steps.push(Step {
                comments: Vec::new(),
                kind,
                span,
            });
        };
        match key {
            "for_each" | "with" | "no" | "exists" => {
                for (item, path) in one_or_many(node, path) {
                    if let Some(kind) = self.pattern_step(key, item, &path) {
                        push(self, kind, item);
                    }
                }
            }
            "let" => {
                let Some(members) = self.object(node, path, "an object of values by name", None)
                else {
                    return steps;
                };
                for member in members {
                    let Some(name) = self.key_name(member, path, &member.key) else {
                        continue;
                    };
                    let value = self.expr(&member.value, &at_key(path, &member.key));
                    let span = self.span(&member.span());
                    steps.push(Step {
                        comments: Vec::new(),
                        kind: StepKind::Let { name, value },
                        span,
                    });
                }
            }
            "when" => {
                for (item, path) in one_or_many(node, path) {
                    let test = self.expr(item, &path);
                    push(self, StepKind::When(test), item);
                }
            }
            "group_by" => {
                let keys: Vec<GroupKey> = one_or_many(node, path)
                    .into_iter()
                    .filter_map(|(item, path)| self.group_key(item, &path))
                    .collect();
                if matches!(&node.kind, Kind::Array(items) if items.is_empty()) {
                    self.fail(
                        &node.span,
                        path,
                        "a group needs at least one key",
                        "no keys",
                    );
                }
                if !keys.is_empty() {
                    push(self, StepKind::GroupBy(keys), node);
                }
            }
            "first" => {
                if let Some(branches) = self.branches(node, path) {
                    push(self, StepKind::First(branches), node);
                }
            }
            _ => {
                for action in self.actions(key, node, path) {
                    steps.push(Step {
                        comments: Vec::new(),
                        span: action.span,
                        kind: StepKind::Action(action),
                    });
                }
            }
        }
        steps
    }

    /// A pattern under `for_each` (or an expansion), `with` (or a `next` pattern), `no` or
    /// `exists`.
    fn pattern_step(&mut self, key: &str, node: &Node, path: &str) -> Option<StepKind> {
        let expands = key == "for_each" && node.get("in").is_some();
        if expands && node.get("type").is_some() {
            let message = "an item of \"for_each\" is a pattern (with \"type\") or an \
                           expansion (with \"in\"), not both";
            self.fail(&node.span, path, message, "both");
            return None;
        }
        if expands {
            let expected = "an expansion: an object with \"as\" and \"in\"";
            self.object(node, path, expected, Some(&["as", "in"]))?;
            let what = "an expansion";
            let binding = self.required_name(node, path, "as", what, "the name of each element");
            let source = self.required(node, path, "in", what, "the list to expand");
            let source = self.expr(source?, &at_key(path, "in"));
            return Some(StepKind::Expand {
                binding: binding?,
                source,
            });
        }
        let keys: &[&str] = match key {
            "with" => &["type", "as", "where", "after", "by"],
            _ => &["type", "as", "where"],
        };
        self.object(node, path, "an object with \"type\" and \"as\"", Some(keys))?;
        let what = "a pattern";
        let fact_type = self.required_name(node, path, "type", what, "the fact type");
        let binding = self.required_name(node, path, "as", what, "the name the fact is bound to");
        let (fact_type, binding) = (fact_type?, binding?);
        let filter = node
            .get("where")
            .and_then(|member| self.filter(&member.value, &at_key(path, "where"), &binding));
        let pattern = Pattern {
            fact_type,
            binding,
            filter,
        };
        Some(match key {
            "for_each" => StepKind::Match {
                first: true,
                pattern,
            },
            "with" if node.get("after").is_some() || node.get("by").is_some() => {
                let what = "a `next` pattern";
                let after = self.required_name(node, path, "after", what, "the fact it follows");
                let by = self.required(node, path, "by", what, "the fields it is ordered by");
                let order = one_or_many(by?, &at_key(path, "by"))
                    .into_iter()
                    .filter_map(|(field, path)| self.name(field, &path, "a field name"))
                    .collect();
                StepKind::Next {
                    pattern,
                    after: after?,
                    order,
                }
            }
            "with" => StepKind::Match {
                first: false,
                pattern,
            },
            "no" => StepKind::No(pattern),
            _ => StepKind::Exists(pattern),
        })
    }

    /// `"where"`: an expression string, or a list of expression strings and structured
    /// conditions joined with `and`.
    fn filter(&mut self, node: &Node, path: &str, binding: &Ident) -> Option<Expr> {
        match &node.kind {
            Kind::String(text) => Some(self.expr_text(text, node, path)),
            Kind::Object(_) => Some(self.condition(node, path, binding)),
            Kind::Array(items) if items.len() > MAX_EXPR_DEPTH => {
                // Conditions are joined into one `and` chain, a tree as deep as the list is
                // long; the bound is the parser's bound on nesting.
                let message = format!(
                    "a list of conditions holds at most {MAX_EXPR_DEPTH}, and this one has {}",
                    items.len()
                );
                let help = Some(
                    "test one field against many values with `in`, or split the test across \
                     patterns and `when`"
                        .to_string(),
                );
                self.fail_with(Code::Syntax, &node.span, path, message, "too many", help);
                None
            }
            Kind::Array(items) => {
                let span = self.span(&node.span);
                let mut tests = items.iter().enumerate().map(|(index, item)| {
                    let path = at_index(path, index);
                    match &item.kind {
                        Kind::String(text) => self.expr_text(text, item, &path),
                        _ => self.condition(item, &path, binding),
                    }
                });
                let first = tests.next()?;
                let joined = tests.fold(first, |all, test| {
                    Expr::new(
                        ExprKind::Binary(BinaryOp::And, Box::new(all), Box::new(test)),
                        span,
                    )
                });
                Some(joined)
            }
            _ => {
                let message = format!(
                    "expected an expression string or a list of conditions, found {}",
                    node.describe()
                );
                self.fail(&node.span, path, message, "not a condition");
                None
            }
        }
    }

    /// `{"field": "hours", "op": ">", "value": 6}`: a field of the pattern's fact compared
    /// with a value (a JSON string here is text).
    fn condition(&mut self, node: &Node, path: &str, binding: &Ident) -> Expr {
        let span = self.span(&node.span);
        let error = Expr::new(ExprKind::Error, span);
        let expected =
            "an expression string or a condition {\"field\": ..., \"op\": ..., \"value\": ...}";
        if self
            .object(node, path, expected, Some(&["field", "op", "value"]))
            .is_none()
        {
            return error;
        }
        let what = "a condition";
        let field = self.required_name(node, path, "field", what, "a field of the pattern's fact");
        let op = self.required(node, path, "op", what, "one of == != < <= > >= in");
        let value = self.required(node, path, "value", what, "the value to compare with");
        let (Some(field), Some(op), Some(value)) = (field, op, value) else {
            return error;
        };
        let op_path = at_key(path, "op");
        let Some(op_text) = self.string(op, &op_path, "an operator as a string") else {
            return error;
        };
        if !OPS.contains(&op_text) {
            let help = match closest_name(op_text, OPS) {
                Some(near) => format!("did you mean \"{near}\"?"),
                None => format!("the operators are {}", quoted(&OPS)),
            };
            let message = format!("unknown operator \"{op_text}\"");
            self.fail_with(
                Code::Syntax,
                &op.span,
                &op_path,
                message,
                "not an operator",
                Some(help),
            );
            return error;
        }
        let base = Ident {
            name: binding.name.clone(),
            span: field.span,
        };
        let base = Expr::new(ExprKind::Name(base), field.span);
        let target = Expr::new(ExprKind::Member(Box::new(base), field.clone()), field.span);
        let value_path = at_key(path, "value");
        let kind = match op_text {
            "in" | "not in" => {
                if !matches!(value.kind, Kind::Array(_)) {
                    let message = format!(
                        "`{op_text}` needs an array of values, found {}",
                        value.describe()
                    );
                    self.fail(&value.span, &value_path, message, "not an array");
                    return error;
                }
                let ExprKind::List(items) = self.value(value, &value_path, Strings::Text).kind
                else {
                    return error;
                };
                let within = ExprKind::In(Box::new(target), items);
                if op_text == "in" {
                    within
                } else {
                    ExprKind::Unary(UnaryOp::Not, Box::new(Expr::new(within, span)))
                }
            }
            _ => {
                let op = match op_text {
                    "==" => BinaryOp::Eq,
                    "!=" => BinaryOp::Ne,
                    "<" => BinaryOp::Lt,
                    "<=" => BinaryOp::Le,
                    ">" => BinaryOp::Gt,
                    _ => BinaryOp::Ge,
                };
                let value = self.value(value, &value_path, Strings::Text);
                ExprKind::Binary(op, Box::new(target), Box::new(value))
            }
        };
        Expr::new(kind, span)
    }

    /// A group key: an expression string, or `{"key": "...", "as": "name"}`.
    fn group_key(&mut self, node: &Node, path: &str) -> Option<GroupKey> {
        if let Kind::String(text) = &node.kind {
            let expr = self.expr_text(text, node, path);
            return Some(GroupKey { expr, alias: None });
        }
        let expected = "a group key: an expression string or {\"key\": ..., \"as\": ...}";
        self.object(node, path, expected, Some(&["key", "as"]))?;
        let key = self.required(node, path, "key", "a group key", "the value to group by")?;
        let expr = self.expr(key, &at_key(path, "key"));
        let alias = match node.get("as") {
            Some(member) => {
                Some(self.name(&member.value, &at_key(path, "as"), "the key's name")?)
            }
            None => None,
        };
        Some(GroupKey { expr, alias })
    }
}
