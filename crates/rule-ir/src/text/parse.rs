//! Reading the text form back: a recursive-descent parser (Pratt for expressions) that
//! drives the [`ProgramBuilder`], so names and types are checked exactly as for any front
//! end. Declarations are read first, bodies second, so order in the file does not matter.
//! Syntax errors are reported and the parser skips to the next item; it never fails.
//! This file holds the driver, the token helpers and the declarations; expressions and
//! rule bodies are in the child modules.

mod expr;
mod rule;

use std::ops::Range;

use reckon_fact_store::Presence;

use super::lexer::{Token, lex};
use crate::builder::{FieldSpec, ProgramBuilder};
use crate::diagnostic::{Code, Diagnostic};
use crate::ids::{CalcId, SourceId, Span};
use crate::program::Program;

/// Parses a program in the text form. Every problem is a diagnostic with a span into
/// `text` (source `source`); the program holds everything that could be read.
pub fn parse(text: &str, source: SourceId) -> (Program, Vec<Diagnostic>) {
    let tokens = lex(text);
    let line_start = tokens
        .iter()
        .map(|(_, range)| {
            let before = text[..range.start].rsplit('\n').next().unwrap_or_default();
            if before.is_empty() {
                LineStart::Column1
            } else if before.trim().is_empty() {
                LineStart::Indented
            } else {
                LineStart::No
            }
        })
        .collect();
    let mut parser = Parser {
        tokens,
        line_start,
        depth: 0,
        pos: 0,
        source,
        end: text.len(),
        syntax: Vec::new(),
    };
    let mut builder = ProgramBuilder::new();
    let items = parser.declarations(&mut builder);
    for item in items {
        parser.pos = item.start;
        match item.kind {
            ItemKind::Calc(Some(calc)) => parser.calc_body(&mut builder, calc),
            ItemKind::Alpha => parser.alpha(&mut builder),
            ItemKind::Rule => parser.rule(&mut builder),
            ItemKind::Calc(None) | ItemKind::Stratum => {}
        }
    }
    let strata = parser.strata(&builder);
    if !strata.is_empty() {
        builder.strata(strata);
    }
    let (program, mut diagnostics) = builder.finish();
    diagnostics.extend(parser.syntax);
    diagnostics.sort_by_key(|d| (d.primary.span.start, d.code));
    (program, diagnostics)
}

struct Parser {
    tokens: Vec<(Token, Range<usize>)>,
    /// Per token: whether it starts its line. Items start in the first column; the steps
    /// of a rule each start a line.
    line_start: Vec<LineStart>,
    /// Expressions being parsed, one inside another.
    depth: usize,
    pos: usize,
    source: SourceId,
    end: usize,
    syntax: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineStart {
    No,
    Column1,
    Indented,
}

struct Item {
    kind: ItemKind,
    /// The token after the item's keyword.
    start: usize,
}

enum ItemKind {
    Calc(Option<CalcId>),
    Alpha,
    Rule,
    Stratum,
}

const TOP: &[&str] = &["fact", "calc", "alpha", "rule", "stratum"];
const STEPS: &[&str] = &[
    "match",
    "next",
    "no",
    "exists",
    "expand",
    "accumulate",
    "let",
    "when",
    "group",
    "key",
    "aggregate",
    "emit",
    "set",
    "alert",
    "retract",
    "update",
    "test",
    "join",
];

/// A syntax error, after which the current item is skipped.
struct Stop;

type Parsed<T> = Result<T, Stop>;

impl Parser {
    // ----- tokens -----

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(token, _)| token)
    }

    fn span_at(&self, pos: usize) -> Span {
        match self.tokens.get(pos) {
            Some((_, range)) => Span::new(self.source, range.start, range.end),
            None => Span::new(self.source, self.end, self.end),
        }
    }

    fn span(&self) -> Span {
        self.span_at(self.pos)
    }

    /// The span from token `start` to the last token taken.
    fn since(&self, start: usize) -> Span {
        self.span_at(start)
            .to(self.span_at(self.pos.saturating_sub(1).max(start)))
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Ident { name, quoted: false }) if name == word)
    }

    fn is_punct(&self, punct: &str) -> bool {
        matches!(self.peek(), Some(Token::Punct(p)) if *p == punct)
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.is_word(word);
        if found {
            self.pos += 1;
        }
        found
    }

    fn eat_punct(&mut self, punct: &str) -> bool {
        let found = self.is_punct(punct);
        if found {
            self.pos += 1;
        }
        found
    }

    fn fail<T>(&mut self, expected: &str) -> Parsed<T> {
        let found = match self.peek() {
            None => "the end of the text".to_string(),
            Some(Token::Ident { name, .. }) => format!("`{name}`"),
            Some(Token::Number { text, .. }) => text.clone(),
            Some(Token::Str(_)) | Some(Token::Typed { .. }) => "a string".to_string(),
            Some(Token::Punct(p)) => format!("`{p}`"),
            Some(Token::Unknown(text)) => format!("`{text}`"),
        };
        let span = self.span();
        self.syntax.push(Diagnostic::new(
            Code::Syntax,
            format!("expected {expected}, found {found}"),
            span,
            format!("expected {expected}"),
        ));
        Err(Stop)
    }

    fn word(&mut self, word: &str) -> Parsed<()> {
        if self.eat_word(word) {
            Ok(())
        } else {
            self.fail(&format!("`{word}`"))
        }
    }

    fn punct(&mut self, punct: &str) -> Parsed<()> {
        if self.eat_punct(punct) {
            Ok(())
        } else {
            self.fail(&format!("`{punct}`"))
        }
    }

    /// A name (not a keyword unless quoted) and its span.
    fn name(&mut self) -> Parsed<(String, Span)> {
        match self.peek() {
            Some(Token::Ident { name, quoted })
                if *quoted || !crate::text::KEYWORDS.contains(&name.as_str()) =>
            {
                let result = (name.clone(), self.span());
                self.pos += 1;
                Ok(result)
            }
            _ => self.fail("a name"),
        }
    }

    /// A name where keywords cannot be meant (a field or member name after `.`, a key in
    /// braces): keywords are taken as names here.
    fn field_name(&mut self) -> Parsed<(String, Span)> {
        match self.peek() {
            Some(Token::Ident { name, .. }) => {
                let result = (name.clone(), self.span());
                self.pos += 1;
                Ok(result)
            }
            _ => self.fail("a field name"),
        }
    }

    fn number<T: std::str::FromStr>(&mut self) -> Parsed<T> {
        if let Some(Token::Number {
            text,
            decimal_mark: false,
        }) = self.peek()
        {
            if let Ok(value) = text.parse() {
                self.pos += 1;
                return Ok(value);
            }
        }
        self.fail("a whole number")
    }

    fn string(&mut self) -> Parsed<String> {
        if let Some(Token::Str(text)) = self.peek() {
            let text = text.clone();
            self.pos += 1;
            return Ok(text);
        }
        self.fail("a string")
    }

    /// Skips to the next top-level item: an item keyword at the start of a line.
    fn skip_item(&mut self) {
        while self.peek().is_some() && !self.at_item() {
            self.pos += 1;
        }
    }

    /// True at an item keyword (`fact`, `calc`, `alpha`, `rule`, `stratum`) that starts a line.
    fn at_item(&self) -> bool {
        self.line_start.get(self.pos) == Some(&LineStart::Column1)
            && matches!(self.peek(), Some(Token::Ident { name, quoted: false }) if TOP.contains(&name.as_str()))
    }

    /// The position after the `}` that closes the first `{` from here (the end of a fact
    /// or rule body), or the end of the tokens.
    fn body_end(&self) -> usize {
        let mut depth = 0usize;
        for (offset, (token, _)) in self.tokens[self.pos..].iter().enumerate() {
            match token {
                Token::Punct("{") => depth += 1,
                Token::Punct("}") if depth <= 1 => return self.pos + offset + 1,
                Token::Punct("}") => depth -= 1,
                _ => {}
            }
        }
        self.tokens.len()
    }

    /// Skips to the next condition or action of a rule, or its end.
    fn skip_step(&mut self) {
        let mut depth = 0usize;
        self.pos += 1;
        while let Some(token) = self.peek() {
            match token {
                Token::Punct("{") | Token::Punct("(") | Token::Punct("[") => depth += 1,
                Token::Punct("}") if depth == 0 => return,
                Token::Punct("}") | Token::Punct(")") | Token::Punct("]") => {
                    depth = depth.saturating_sub(1)
                }
                Token::Ident {
                    name,
                    quoted: false,
                } if self.line_start[self.pos] != LineStart::No
                    && (STEPS.contains(&name.as_str()) || TOP.contains(&name.as_str())) =>
                {
                    return;
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    // ----- declarations -----

    fn declarations(&mut self, builder: &mut ProgramBuilder) -> Vec<Item> {
        let mut items = Vec::new();
        while self.pos < self.tokens.len() {
            let keyword = match self.peek() {
                Some(Token::Ident {
                    name,
                    quoted: false,
                }) if TOP.contains(&name.as_str()) => name.clone(),
                _ => {
                    let _ = self.fail::<()>("`fact`, `calc`, `alpha`, `rule` or `stratum`");
                    self.pos += 1;
                    self.skip_item();
                    continue;
                }
            };
            self.pos += 1;
            let start = self.pos;
            let kind = match keyword.as_str() {
                "fact" => {
                    let end = self.body_end();
                    let _ = self.fact(builder);
                    self.pos = self.pos.max(end);
                    continue;
                }
                "calc" => ItemKind::Calc(self.calc_signature(builder).ok().flatten()),
                "alpha" => ItemKind::Alpha,
                "rule" => ItemKind::Rule,
                _ => ItemKind::Stratum,
            };
            let is_rule = matches!(kind, ItemKind::Rule);
            items.push(Item { kind, start });
            if is_rule {
                // The header, then the braced body; what follows must be another item.
                self.pos = self.body_end();
            } else {
                self.skip_item();
            }
        }
        items
    }

    fn fact(&mut self, builder: &mut ProgramBuilder) -> Parsed<()> {
        let (name, name_span) = self.name()?;
        let single = self.eat_word("single");
        let output = self.eat_word("output");
        self.punct("{")?;
        let fact = builder.fact(&name, name_span);
        if let Some(fact) = fact {
            builder.fact_flags(fact, single, output);
        }
        while !self.eat_punct("}") {
            let start = self.pos;
            let (field, _) = self.field_name()?;
            self.punct(":")?;
            let ty = self.ty()?;
            let mut spec = FieldSpec::required(&field, ty);
            loop {
                // A marker word followed by `:` is the next field's name.
                let names_field =
                    matches!(self.tokens.get(self.pos + 1), Some((Token::Punct(":"), _)));
                if names_field {
                    break;
                }
                if self.eat_word("optional") {
                    spec.presence = Presence::Optional;
                } else if self.eat_word("derived") {
                    spec.presence = Presence::Optional;
                    spec.derived = true;
                } else if self.eat_word("default") {
                    spec.default = Some(self.literal()?);
                } else {
                    break;
                }
            }
            let next_is_field =
                matches!(self.tokens.get(self.pos + 1), Some((Token::Punct(":"), _)));
            if !self.is_punct("}") && !next_is_field {
                return self.fail("`optional`, `derived`, `default` or the next field");
            }
            spec.span = self.since(start);
            if let Some(fact) = fact {
                builder.field(fact, spec);
            }
        }
        Ok(())
    }

    fn calc_signature(&mut self, builder: &mut ProgramBuilder) -> Parsed<Option<CalcId>> {
        let start = self.pos;
        let (name, _) = self.name()?;
        self.punct("(")?;
        let mut params = Vec::new();
        while !self.eat_punct(")") {
            if !params.is_empty() {
                self.punct(",")?;
            }
            let (param, span) = self.name()?;
            self.punct(":")?;
            params.push((param, self.ty()?, span));
        }
        self.punct("->")?;
        let returns = self.ty()?;
        let span = self.since(start);
        self.punct("=")?;
        Ok(builder.calc(&name, &params, returns, span))
    }

    fn calc_body(&mut self, builder: &mut ProgramBuilder, calc: CalcId) {
        // Re-read the signature to reach the body.
        while self.peek().is_some() && !self.is_punct("=") {
            self.pos += 1;
        }
        self.pos += 1;
        let mut body = builder.calc_body(calc);
        if let Ok(expr) = self.expr(&mut body) {
            body.finish(expr);
            self.item_end();
        }
    }

    /// Reports text after a complete item that starts no item.
    fn item_end(&mut self) {
        match self.peek() {
            None => {}
            Some(_) if self.at_item() => {}
            Some(_) => {
                let _ = self.fail::<()>(
                    "the next `fact`, `calc`, `alpha`, `rule` or `stratum` on a line of its own",
                );
            }
        }
    }
}
