//! A span-free view of a syntax tree for comparing two trees: every node's kind and contents
//! in pre-order, one label each, with the node's span kept beside the label (never in it).
//! Parentheses are labelled `(`, so that trees can also be compared without them.

use reckon_calc_dsl::calc::ast::{
    Action, ActionKind, Arg, Comment, Expr, ExprKind, File, Ident, ItemKind, Pattern, StepKind,
    TemplatePart, TypeExpr,
};
use reckon_rule_ir::Span;

/// One node: its label and span.
struct Node {
    label: String,
    span: Span,
}

const PAREN: &str = "(";

/// The nodes of `file`, in pre-order.
fn flatten(file: &File) -> Vec<Node> {
    let mut flat = Flat(Vec::new());
    flat.file(file);
    flat.0
}

/// The labels, without the parentheses' when `parens` is false.
pub(crate) fn labels(file: &File, parens: bool) -> Vec<String> {
    flatten(file)
        .into_iter()
        .filter(|node| parens || node.label != PAREN)
        .map(|node| node.label)
        .collect()
}

/// The spans of the parentheses that `printed` adds to `original`, or `None` when `printed`
/// is not `original` with parentheses added (spans aside).
pub(crate) fn added_parens(original: &File, printed: &File) -> Option<Vec<Span>> {
    let original = flatten(original);
    let mut added = Vec::new();
    let mut next = original.iter().peekable();
    for node in flatten(printed) {
        match next.peek() {
            Some(wanted) if wanted.label == node.label => {
                next.next();
            }
            _ if node.label == PAREN => added.push(node.span),
            _ => return None,
        }
    }
    next.peek().is_none().then_some(added)
}

struct Flat(Vec<Node>);

impl Flat {
    fn push(&mut self, label: String, span: Span) {
        self.0.push(Node { label, span });
    }

    fn ident(&mut self, what: &str, ident: &Ident) {
        self.push(format!("{what} {:?}", ident.name), ident.span);
    }

    fn comments(&mut self, comments: &[Comment]) {
        for comment in comments {
            self.push(format!("// {:?}", comment.text), comment.span);
        }
        self.push(format!("{} comments", comments.len()), Span::default());
    }

    fn file(&mut self, file: &File) {
        self.push(format!("file {}", file.items.len()), Span::default());
        for item in &file.items {
            self.comments(&item.comments);
            match &item.kind {
                ItemKind::Fact(fact) => {
                    let label =
                        format!("fact {} {} {}", fact.output, fact.single, fact.fields.len());
                    self.push(label, item.span);
                    self.ident("type", &fact.name);
                    for field in &fact.fields {
                        self.comments(&field.comments);
                        self.push(format!("field {}", field.optional), field.span);
                        self.ident("name", &field.name);
                        self.ty(&field.ty);
                        self.option(field.default.as_ref());
                    }
                }
                ItemKind::Calc(calc) => {
                    self.push(format!("calc {}", calc.params.len()), item.span);
                    self.ident("name", &calc.name);
                    for (param, ty) in &calc.params {
                        self.ident("param", param);
                        self.ty(ty);
                    }
                    self.ty(&calc.returns);
                    self.expr(&calc.body);
                }
                ItemKind::Rule(rule) => {
                    let label = format!("rule {:?} {:?}", rule.name.0, rule.priority.map(|p| p.0));
                    self.push(label, item.span);
                    self.push(format!("{} steps", rule.steps.len()), Span::default());
                    for step in &rule.steps {
                        self.comments(&step.comments);
                        self.step(&step.kind, step.span);
                    }
                }
            }
        }
        self.comments(&file.trailing);
    }

    fn step(&mut self, step: &StepKind, span: Span) {
        match step {
            StepKind::Match { first, pattern } => {
                self.push(format!("match {first}"), span);
                self.pattern(pattern);
            }
            StepKind::Next {
                pattern,
                after,
                order,
            } => {
                self.push(format!("next {}", order.len()), span);
                self.pattern(pattern);
                self.ident("after", after);
                for key in order {
                    self.ident("key", key);
                }
            }
            StepKind::No(pattern) => {
                self.push("no".into(), span);
                self.pattern(pattern);
            }
            StepKind::Exists(pattern) => {
                self.push("exists".into(), span);
                self.pattern(pattern);
            }
            StepKind::Expand { binding, source } => {
                self.push("expand".into(), span);
                self.ident("binding", binding);
                self.expr(source);
            }
            StepKind::Let { name, value } => {
                self.push("let".into(), span);
                self.ident("name", name);
                self.expr(value);
            }
            StepKind::When(test) => {
                self.push("when".into(), span);
                self.expr(test);
            }
            StepKind::GroupBy(keys) => {
                self.push(format!("group {}", keys.len()), span);
                for key in keys {
                    self.expr(&key.expr);
                    match &key.alias {
                        Some(alias) => self.ident("as", alias),
                        None => self.push("no alias".into(), span),
                    }
                }
            }
            StepKind::First(branches) => {
                self.push(format!("first {}", branches.len()), span);
                for branch in branches {
                    self.push(format!("branch {}", branch.actions.len()), branch.span);
                    self.option(branch.test.as_ref());
                    for action in &branch.actions {
                        self.action(action);
                    }
                }
            }
            StepKind::Action(action) => self.action(action),
        }
    }

    fn action(&mut self, action: &Action) {
        let span = action.span;
        let fields = match &action.kind {
            ActionKind::Emit {
                fact_type,
                for_each,
                fields,
            } => {
                self.push(format!("emit {} {}", for_each.len(), fields.len()), span);
                self.ident("type", fact_type);
                for member in for_each {
                    self.ident("member", member);
                }
                fields
            }
            ActionKind::Update { binding, fields } => {
                self.push(format!("update {}", fields.len()), span);
                self.ident("binding", binding);
                fields
            }
            ActionKind::Set {
                binding,
                field,
                value,
            } => {
                self.push("set".into(), span);
                self.ident("binding", binding);
                self.ident("field", field);
                self.expr(value);
                return;
            }
            ActionKind::Alert(message) => {
                self.push("alert".into(), span);
                self.expr(message);
                return;
            }
            ActionKind::Retract(binding) => {
                self.push("retract".into(), span);
                self.ident("binding", binding);
                return;
            }
        };
        for init in fields {
            self.ident("init", &init.name);
            self.option(init.value.as_ref());
        }
    }

    fn pattern(&mut self, pattern: &Pattern) {
        self.ident("type", &pattern.fact_type);
        self.ident("binding", &pattern.binding);
        self.option(pattern.filter.as_ref());
    }

    fn ty(&mut self, ty: &TypeExpr) {
        match ty {
            TypeExpr::Named(name) => self.ident("named type", name),
            TypeExpr::List(element, span) => {
                self.push("list type".into(), *span);
                self.ty(element);
            }
            TypeExpr::Record(fields, span) => {
                self.push(format!("record type {}", fields.len()), *span);
                for (name, ty) in fields {
                    self.ident("field", name);
                    self.ty(ty);
                }
            }
        }
    }

    fn option(&mut self, expr: Option<&Expr>) {
        match expr {
            Some(expr) => {
                self.push("some".into(), expr.span);
                self.expr(expr);
            }
            None => self.push("none".into(), Span::default()),
        }
    }

    fn exprs(&mut self, what: &str, exprs: &[Expr], span: Span) {
        self.push(format!("{what} {}", exprs.len()), span);
        for expr in exprs {
            self.expr(expr);
        }
    }

    fn expr(&mut self, expr: &Expr) {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Literal(literal) => self.push(format!("literal {literal:?}"), span),
            ExprKind::Template(parts) => {
                self.push(format!("template {}", parts.len()), span);
                for part in parts {
                    match part {
                        TemplatePart::Text(text) => self.push(format!("text {text:?}"), span),
                        TemplatePart::Value(value) => self.expr(value),
                    }
                }
            }
            ExprKind::Name(name) => self.ident("name", name),
            ExprKind::Member(base, member) => {
                self.push(".".into(), span);
                self.expr(base);
                self.ident("member", member);
            }
            ExprKind::Call { name, args } => {
                self.push(format!("call {}", args.len()), span);
                self.ident("function", name);
                for Arg { name, value } in args {
                    match name {
                        Some(name) => self.ident("arg", name),
                        None => self.push("positional".into(), span),
                    }
                    self.expr(value);
                }
            }
            ExprKind::AggregateFacts {
                op,
                value,
                pattern,
                default,
            } => {
                self.push("aggregate facts".into(), span);
                self.ident("op", op);
                self.option(value.as_deref());
                self.pattern(pattern);
                self.option(default.as_deref());
            }
            ExprKind::Comprehension {
                op,
                value,
                var,
                source,
                filter,
                default,
            } => {
                self.push("comprehension".into(), span);
                self.ident("op", op);
                self.option(value.as_deref());
                self.ident("var", var);
                self.expr(source);
                self.option(filter.as_deref());
                self.option(default.as_deref());
            }
            ExprKind::Unary(op, operand) => {
                self.push(format!("unary {op:?}"), span);
                self.expr(operand);
            }
            ExprKind::Binary(op, left, right) => {
                self.push(format!("binary {op:?}"), span);
                self.expr(left);
                self.expr(right);
            }
            ExprKind::In(value, items) => {
                self.push("in".into(), span);
                self.expr(value);
                self.exprs("items", items, span);
            }
            ExprKind::Between(value, low, high) => {
                self.push("between".into(), span);
                self.expr(value);
                self.expr(low);
                self.expr(high);
            }
            ExprKind::Is {
                value,
                null,
                negated,
            } => {
                self.push(format!("is {null} {negated}"), span);
                self.expr(value);
            }
            ExprKind::If(condition, then, otherwise) => {
                self.push("if".into(), span);
                self.expr(condition);
                self.expr(then);
                self.expr(otherwise);
            }
            ExprKind::List(items) => self.exprs("list", items, span),
            ExprKind::Record(fields) => {
                self.push(format!("record {}", fields.len()), span);
                for (name, value) in fields {
                    self.ident("key", name);
                    self.expr(value);
                }
            }
            ExprKind::Paren(inner) => {
                self.push(PAREN.into(), span);
                self.expr(inner);
            }
            ExprKind::Error => self.push("error".into(), span),
        }
    }
}
