//! Rules in canonical form: the header, one step per line, `first` and its branches, and
//! actions, whose field lists go on lines of their own when the line would be too wide.

use super::exprs::{self, expr, field, name};
use super::{Printer, WIDTH};
use crate::calc::ast::{Action, ActionKind, Branch, FieldInit, RuleDecl, Step, StepKind};

/// Indentation of a rule's steps.
const STEP: usize = 2;

pub(super) fn rule(p: &mut Printer<'_>, rule: &RuleDecl) {
    let mut head = String::from("rule ");
    exprs::quoted(&mut head, &rule.name.0, false);
    if let Some((priority, _)) = rule.priority {
        head.push_str(&format!(" priority {priority}"));
    }
    p.line(0, &head);
    for step in &rule.steps {
        self::step(p, step);
    }
}

fn step(p: &mut Printer<'_>, step: &Step) {
    p.comments(&step.comments, STEP);
    let mut text = String::new();
    match &step.kind {
        StepKind::Match { first, pattern } => {
            text.push_str(if *first { "for each " } else { "with " });
            exprs::pattern(&mut text, pattern);
        }
        StepKind::Next {
            pattern,
            after,
            order,
        } => {
            text.push_str("with next ");
            text.push_str(&name(&pattern.fact_type.name));
            text.push(' ');
            text.push_str(&name(&pattern.binding.name));
            text.push_str(" after ");
            text.push_str(&name(&after.name));
            text.push_str(" by (");
            let keys: Vec<_> = order.iter().map(|key| field(&key.name)).collect();
            text.push_str(&keys.join(", "));
            text.push(')');
            if let Some(filter) = &pattern.filter {
                text.push_str(" where ");
                expr(&mut text, filter);
            }
        }
        StepKind::No(pattern) => {
            text.push_str("no ");
            exprs::pattern(&mut text, pattern);
        }
        StepKind::Exists(pattern) => {
            text.push_str("exists ");
            exprs::pattern(&mut text, pattern);
        }
        StepKind::Expand { binding, source } => {
            text.push_str("for each ");
            text.push_str(&name(&binding.name));
            text.push_str(" in ");
            expr(&mut text, source);
        }
        StepKind::Let {
            name: let_name,
            value,
        } => {
            text.push_str("let ");
            text.push_str(&name(&let_name.name));
            text.push_str(" = ");
            expr(&mut text, value);
        }
        StepKind::When(test) => {
            text.push_str("when ");
            expr(&mut text, test);
        }
        StepKind::GroupBy(keys) => {
            text.push_str("group by ");
            for (index, key) in keys.iter().enumerate() {
                if index > 0 {
                    text.push_str(", ");
                }
                expr(&mut text, &key.expr);
                if let Some(alias) = &key.alias {
                    text.push_str(" as ");
                    text.push_str(&name(&alias.name));
                }
            }
        }
        StepKind::First(branches) => {
            p.line(STEP, "first");
            for branch in branches {
                self::branch(p, branch);
            }
            return;
        }
        StepKind::Action(action) => {
            self::action(&mut text, action, STEP);
        }
    }
    p.line(STEP, &text);
}

/// `when test then action` or `otherwise action`, and the branch's further actions on the
/// lines below; when the first action would not fit on the line, every action goes below.
fn branch(p: &mut Printer<'_>, branch: &Branch) {
    const BRANCH: usize = STEP + 2;
    const MORE: usize = BRANCH + 2;
    let mut head = String::new();
    match &branch.test {
        Some(test) => {
            head.push_str("when ");
            expr(&mut head, test);
            head.push_str(" then");
        }
        None => head.push_str("otherwise"),
    }
    let mut below = branch.actions.iter();
    if let Some(first) = branch.actions.first() {
        let mut line = format!("{head} ");
        action(&mut line, first, BRANCH);
        if !line.contains('\n') {
            head = line;
            below.next();
        }
    }
    p.line(BRANCH, &head);
    for more in below {
        let mut text = String::new();
        action(&mut text, more, MORE);
        p.line(MORE, &text);
    }
}

/// Appends an action to `line`, the text of a line indented `indent` so far.
fn action(line: &mut String, action: &Action, indent: usize) {
    match &action.kind {
        ActionKind::Emit {
            fact_type,
            for_each,
            fields,
        } => {
            let mut head = format!("emit {}", name(&fact_type.name));
            if !for_each.is_empty() {
                let members: Vec<_> = for_each.iter().map(|m| name(&m.name)).collect();
                head.push_str(" for each ");
                head.push_str(&members.join(", "));
            }
            field_inits(line, &head, fields, indent);
        }
        ActionKind::Set {
            binding,
            field: target,
            value,
        } => {
            line.push_str("set ");
            line.push_str(&name(&binding.name));
            line.push('.');
            line.push_str(&field(&target.name));
            line.push_str(" = ");
            expr(line, value);
        }
        ActionKind::Alert(message) => {
            line.push_str("alert ");
            expr(line, message);
        }
        ActionKind::Retract(binding) => {
            line.push_str("retract ");
            line.push_str(&name(&binding.name));
        }
        ActionKind::Update { binding, fields } => {
            let head = format!("update {}", name(&binding.name));
            field_inits(line, &head, fields, indent);
        }
    }
}

/// `head { a, b: value }` on the line when it fits in [`WIDTH`] columns, else one field
/// per line, two spaces deeper than `indent`, and `}` at `indent`.
fn field_inits(line: &mut String, head: &str, fields: &[FieldInit], indent: usize) {
    line.push_str(head);
    if fields.is_empty() {
        line.push_str(" {}");
        return;
    }
    let texts: Vec<String> = fields.iter().map(field_init).collect();
    let one_line = format!(" {{ {} }}", texts.join(", "));
    let column = indent + line.chars().count();
    if column + one_line.chars().count() <= WIDTH {
        line.push_str(&one_line);
        return;
    }
    line.push_str(" {\n");
    let pad = " ".repeat(indent + 2);
    let last = texts.len() - 1;
    for (index, text) in texts.iter().enumerate() {
        line.push_str(&pad);
        line.push_str(text);
        if index < last {
            line.push(',');
        }
        line.push('\n');
    }
    line.extend(std::iter::repeat_n(' ', indent));
    line.push('}');
}

fn field_init(init: &FieldInit) -> String {
    let mut text = field(&init.name.name).into_owned();
    if let Some(value) = &init.value {
        text.push_str(": ");
        expr(&mut text, value);
    }
    text
}
