//! The canonical `.calc` printer behind `reckon fmt`: one layout for every syntax tree, the
//! one an analyst would write by hand, which parses back to the same tree.
//!
//! The canonical form:
//! - Items are separated by one blank line. The comments the parser attached to an item,
//!   field or step are printed one per line (`//` and their text, as kept) directly above
//!   it, at its indentation; the comments after the last item end the file, after a blank
//!   line. When [`format`] has the source text, a blank line that separated two comment
//!   lines of an item (or the last of them from the item) is kept, so that a file's header
//!   comment stays apart from the first declaration; [`print`] has no text and keeps none.
//!   A carriage return ending a comment (a CRLF file) is dropped: lines end with `\n`.
//! - `fact name (single) {` or `output name {`, one field per line indented two spaces
//!   (`name: type`, then ` optional`, then ` default value`), and `}`; `fact name {}` when
//!   there are no fields. A field ends with a comma only where the next field's name would
//!   otherwise be read as part of it: `default` (or `optional`, unless the field is already
//!   optional) after a field without a default value, `and`, `or`, `in`, `is` or `between`
//!   after a default value, and a time unit (`hours`) after a default value that ends with
//!   a digit (`default 5`).
//! - `calc name(a: type, b: type) -> type =`, and the formula on the next line, indented two
//!   spaces.
//! - `rule "name"` (and ` priority n`), then one step per line indented two spaces. `first`
//!   stands on its own line; its branches follow indented four spaces (`when test then
//!   action`, `otherwise action`), and a branch's further actions are on the lines after it,
//!   indented six. When a branch's first action would not fit on its line (an emit whose
//!   fields go on lines of their own), the line ends at `then` (or `otherwise`) and every
//!   action of the branch is below it, indented six.
//! - `emit type for each m { a, b: value }` and `update s { a: value }` stay on one line when
//!   the line fits in 100 columns; otherwise each field is on its own line, two spaces
//!   deeper than the line the action starts on, every field but the last followed by a
//!   comma, and `}` closes at that line's indentation.
//! - Expressions are never wrapped. They carry every pair of parentheses the author wrote
//!   and, where the tree needs them, the fewest more that make the parser read it back the
//!   same way (the rules are in `print/exprs.rs`). `- -x` keeps a space between its signs.
//! - Literals are printed as written (`12.50`, `2025-W02`); a duration's unit in the plural,
//!   or singular when the amount is `1` (`1 hour`). Strings are re-escaped (`\"`, `\\`,
//!   `\n`, `\t`, `\r`, other control characters as `\uXXXX`), with the braces of their text
//!   doubled and template values as `{value}` (`{ {a: 1}.a }` when the value begins with a
//!   brace). A rule's name is a plain string: its braces are not doubled.
//! - `x not in [...]` stays as written: the tree stores it as `not (x in [...])`, and the
//!   spans tell the two spellings apart (the infix form's `not` starts where its `x` does,
//!   the prefix form's before it). A tree without real spans prints the infix form; the
//!   prefix form prints as `not x in [...]`, without parentheses the author did not write.
//! - A name is written in backticks when the lexer would not read it back as that name: when
//!   it is not `[A-Za-z_][A-Za-z0-9_]*`, or is a word of the language where a binding,
//!   variable, type or function is named. Field names (after `.`, in declarations, records,
//!   emits and updates) may be words of the language and stay bare. A name cannot hold a
//!   line break; one that does is printed anyway and does not parse back.
//! - An expression the parser could not read (`ExprKind::Error`, never in a tree that
//!   parsed cleanly) prints as `<error>`, which does not parse.

pub(crate) mod exprs;
mod rules;

use reckon_rule_ir::{Diagnostic, SourceId};

use super::ast::{CalcDecl, Comment, FactDecl, FieldDecl, File, Item, ItemKind};
use super::parser;

/// The canonical `.calc` text of a syntax tree.
pub fn print(file: &File) -> String {
    Printer::new(None).file(file)
}

/// Parses `text` and prints it canonically; returns the parser's diagnostics instead when
/// it reported any, so that broken text is never rewritten.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let (file, diagnostics) = parser::parse(text, SourceId(0));
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    Ok(Printer::new(Some(text)).file(&file))
}

/// Lines longer than this put an emit's or update's fields on lines of their own.
const WIDTH: usize = 100;

/// The text printed so far, and the source it came from (for blank lines between comments).
struct Printer<'a> {
    out: String,
    source: Option<&'a str>,
}

impl<'a> Printer<'a> {
    fn new(source: Option<&'a str>) -> Printer<'a> {
        Printer {
            out: String::new(),
            source,
        }
    }

    fn file(mut self, file: &File) -> String {
        for (index, item) in file.items.iter().enumerate() {
            if index > 0 {
                self.out.push('\n');
            }
            self.item(item);
        }
        if !file.trailing.is_empty() {
            if !file.items.is_empty() {
                self.out.push('\n');
            }
            self.top_comments(&file.trailing, None);
        }
        self.out
    }

    /// Writes `text` on a line of its own at `indent`.
    fn line(&mut self, indent: usize, text: &str) {
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn comments(&mut self, comments: &[Comment], indent: usize) {
        for comment in comments {
            self.line(indent, &comment_text(comment));
        }
    }

    /// An item's comments (or the file's last ones), with the blank lines of the source
    /// between them and before `next`, the start of the item they belong to.
    fn top_comments(&mut self, comments: &[Comment], next: Option<u32>) {
        for (index, comment) in comments.iter().enumerate() {
            self.line(0, &comment_text(comment));
            let following = comments.get(index + 1).map(|c| c.span.start).or(next);
            if let Some(following) = following
                && self.blank_between(comment.span.end, following)
            {
                self.out.push('\n');
            }
        }
    }

    /// True when the source between the two offsets is only white space with a blank line.
    fn blank_between(&self, end: u32, start: u32) -> bool {
        let gap = self
            .source
            .and_then(|text| text.get(end as usize..start as usize));
        gap.is_some_and(|gap| gap.trim().is_empty() && gap.matches('\n').count() >= 2)
    }

    fn item(&mut self, item: &Item) {
        self.top_comments(&item.comments, Some(item.span.start));
        match &item.kind {
            ItemKind::Fact(fact) => self.fact(fact),
            ItemKind::Calc(calc) => self.calc(calc),
            ItemKind::Rule(rule) => rules::rule(self, rule),
        }
    }

    fn fact(&mut self, fact: &FactDecl) {
        let mut head = String::from(if fact.output { "output " } else { "fact " });
        head.push_str(&exprs::name(&fact.name.name));
        if fact.single {
            head.push_str(" (single)");
        }
        if fact.fields.is_empty() {
            head.push_str(" {}");
            self.line(0, &head);
            return;
        }
        head.push_str(" {");
        self.line(0, &head);
        for (index, field) in fact.fields.iter().enumerate() {
            self.comments(&field.comments, 2);
            let (mut text, number) = field_decl(field);
            if fact
                .fields
                .get(index + 1)
                .is_some_and(|next| runs_into(field, number, &next.name.name))
            {
                text.push(',');
            }
            self.line(2, &text);
        }
        self.line(0, "}");
    }

    fn calc(&mut self, calc: &CalcDecl) {
        let mut head = format!("calc {}(", exprs::name(&calc.name.name));
        for (index, (param, ty)) in calc.params.iter().enumerate() {
            if index > 0 {
                head.push_str(", ");
            }
            head.push_str(&exprs::name(&param.name));
            head.push_str(": ");
            exprs::ty(&mut head, ty);
        }
        head.push_str(") -> ");
        exprs::ty(&mut head, &calc.returns);
        head.push_str(" =");
        self.line(0, &head);
        self.line(2, &exprs::to_string(&calc.body));
    }
}

/// `//` and the comment's text, without the carriage return of a CRLF line end.
fn comment_text(comment: &Comment) -> String {
    let text = comment.text.strip_suffix('\r').unwrap_or(&comment.text);
    format!("//{text}")
}

/// A field's declaration, and whether it ends with a digit (a number, which a time unit
/// on the next line would follow).
fn field_decl(field: &FieldDecl) -> (String, bool) {
    let mut text = exprs::field(&field.name.name).into_owned();
    text.push_str(": ");
    exprs::ty(&mut text, &field.ty);
    if field.optional {
        text.push_str(" optional");
    }
    let mut number = false;
    if let Some(default) = &field.default {
        text.push_str(" default ");
        let value = exprs::to_string(default);
        number = value.ends_with(|c: char| c.is_ascii_digit());
        text.push_str(&value);
    }
    (text, number)
}

/// True when a field named `next` on the line after `field` would be read as part of it
/// (as its `optional` or `default`, an operator after its default value, or a duration's
/// unit after a number), so that a comma must separate them.
fn runs_into(field: &FieldDecl, ends_with_number: bool, next: &str) -> bool {
    if field.default.is_none() {
        return next == "default" || (next == "optional" && !field.optional);
    }
    matches!(next, "and" | "or" | "in" | "is" | "between")
        || (ends_with_number && super::ast::DurationUnit::from_word(next).is_some())
}
