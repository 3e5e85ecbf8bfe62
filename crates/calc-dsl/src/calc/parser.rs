//! The `.calc` parser: recursive descent for items and rule steps, Pratt for expressions.
//! It never fails: every problem is a diagnostic, the broken part becomes an `Error` node or
//! is skipped to the next step or item, and the rest of the file is still read. Nesting is
//! bounded so that no input can exhaust the stack.

mod exprs;
mod rules;

pub(crate) use exprs::closing_brace;

use reckon_rule_ir::{Code, Diagnostic, MAX_EXPR_DEPTH, SourceId, Span};

use super::ast::{
    CalcDecl, Comment, Expr, FactDecl, FieldDecl, File, Ident, Item, ItemKind, TypeExpr,
};
use super::lexer::{Spanned, Tok, lex};

/// Parses one `.calc` source.
pub fn parse(text: &str, source: SourceId) -> (File, Vec<Diagnostic>) {
    let mut parser = Parser::new(lex(text), source, 0, text.len());
    let file = parser.file();
    (file, parser.diagnostics)
}

/// Parses `text`, which begins at byte `offset` of `source`, as one expression, as JSON rule
/// documents hold them: the whole text must be the expression, and text left over after it
/// is reported. `None` when it is not one.
pub(crate) fn parse_expr(
    text: &str,
    source: SourceId,
    offset: usize,
) -> (Option<Expr>, Vec<Diagnostic>) {
    let mut parser = Parser::new(lex(text), source, offset, text.len());
    let expr = match parser.expr() {
        Ok(expr) if parser.at_end() => Some(expr),
        Ok(_) => {
            let _ = parser.fail::<()>("an operator or the end of the expression");
            None
        }
        Err(Stop) => None,
    };
    (expr, parser.diagnostics)
}

/// A syntax error was reported; the caller skips ahead.
pub(crate) struct Stop;

pub(crate) type Parsed<T> = Result<T, Stop>;

pub(crate) struct Parser {
    tokens: Vec<Spanned>,
    pos: usize,
    source: SourceId,
    /// Added to token offsets: a template's inner text is parsed on its own.
    offset: usize,
    end: usize,
    /// Expressions being parsed, one inside another.
    depth: usize,
    /// Comments read but not yet attached to an item, field or step.
    comments: Vec<Comment>,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Parser {
    pub(crate) fn new(tokens: Vec<Spanned>, source: SourceId, offset: usize, end: usize) -> Parser {
        let mut parser = Parser {
            tokens,
            pos: 0,
            source,
            offset,
            end,
            depth: 0,
            comments: Vec::new(),
            diagnostics: Vec::new(),
        };
        parser.skip_comments();
        parser
    }

    // ----- tokens -----

    /// The current token (`None` at the end, or on text that is no token).
    pub(crate) fn peek(&self) -> Option<&Tok> {
        self.tokens
            .get(self.pos)
            .and_then(|(token, _)| token.as_ref())
    }

    /// The token after the current one.
    pub(crate) fn peek_at(&self, ahead: usize) -> Option<&Tok> {
        self.tokens[self.pos.min(self.tokens.len())..]
            .iter()
            .filter(|(token, _)| !matches!(token, Some(Tok::Comment(_))))
            .nth(ahead)
            .and_then(|(token, _)| token.as_ref())
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    pub(crate) fn span_at(&self, pos: usize) -> Span {
        match self.tokens.get(pos) {
            Some((_, range)) => Span::new(
                self.source,
                self.offset + range.start,
                self.offset + range.end,
            ),
            None => Span::new(self.source, self.offset + self.end, self.offset + self.end),
        }
    }

    /// The current token's span.
    pub(crate) fn span(&self) -> Span {
        self.span_at(self.pos)
    }

    /// From the token at `start` to the last token taken.
    pub(crate) fn since(&self, start: usize) -> Span {
        let last = self.last_taken().max(start);
        self.span_at(start).to(self.span_at(last))
    }

    fn last_taken(&self) -> usize {
        let mut last = self.pos.saturating_sub(1);
        while last > 0 && matches!(self.tokens.get(last), Some((Some(Tok::Comment(_)), _))) {
            last -= 1;
        }
        last
    }

    /// Moves past the current token and any comments after it.
    pub(crate) fn bump(&mut self) {
        self.pos += 1;
        self.skip_comments();
    }

    fn skip_comments(&mut self) {
        while let Some((Some(Tok::Comment(text)), range)) = self.tokens.get(self.pos) {
            let span = Span::new(
                self.source,
                self.offset + range.start,
                self.offset + range.end,
            );
            self.comments.push(Comment {
                text: text.clone(),
                span,
            });
            self.pos += 1;
        }
    }

    /// The comments read since the last call.
    pub(crate) fn take_comments(&mut self) -> Vec<Comment> {
        std::mem::take(&mut self.comments)
    }

    pub(crate) fn is(&self, token: &Tok) -> bool {
        self.peek() == Some(token)
    }

    pub(crate) fn eat(&mut self, token: &Tok) -> bool {
        let found = self.is(token);
        if found {
            self.bump();
        }
        found
    }

    /// Reports `expected ..., found ...` at the current token.
    pub(crate) fn fail<T>(&mut self, expected: &str) -> Parsed<T> {
        let found = match self.tokens.get(self.pos) {
            None => "the end of the file".to_string(),
            Some((Some(token), _)) => token.describe(),
            Some((None, _)) => "text that is not part of the language".to_string(),
        };
        let span = self.span();
        let mut diagnostic = Diagnostic::new(
            Code::Syntax,
            format!("expected {expected}, found {found}"),
            span,
            format!("expected {expected}"),
        );
        if let Some(Tok::Unknown(text)) = self.peek() {
            if let Some(help) = spelling_from_elsewhere(text) {
                diagnostic = diagnostic.with_help(help);
            }
        }
        self.diagnostics.push(diagnostic);
        Err(Stop)
    }

    pub(crate) fn expect(&mut self, token: &Tok) -> Parsed<()> {
        if self.eat(token) {
            Ok(())
        } else {
            self.fail(&format!("`{}`", token.text().unwrap_or("?")))
        }
    }

    /// A name: an identifier (keywords are not names here).
    pub(crate) fn ident(&mut self, what: &str) -> Parsed<Ident> {
        match self.peek() {
            Some(Tok::Ident(name)) => {
                let ident = Ident {
                    name: name.clone(),
                    span: self.span(),
                };
                self.bump();
                Ok(ident)
            }
            Some(token) if token.is_keyword() => {
                let word = token.text().unwrap_or_default();
                let span = self.span();
                let message = format!("`{word}` is a word of the language and cannot be {what}");
                let diagnostic = Diagnostic::new(Code::Syntax, message, span, "a keyword")
                    .with_help(format!(
                        "choose another name, or write it in backticks: `{word}`"
                    ));
                self.diagnostics.push(diagnostic);
                Err(Stop)
            }
            _ => self.fail(what),
        }
    }

    /// A field name: any word, keywords included.
    pub(crate) fn field_name(&mut self) -> Parsed<Ident> {
        match self.peek().and_then(Tok::word) {
            Some(name) => {
                let ident = Ident {
                    name,
                    span: self.span(),
                };
                self.bump();
                Ok(ident)
            }
            None => self.fail("a field name"),
        }
    }

    /// Skips to the next item.
    pub(crate) fn skip_to_item(&mut self) {
        while !self.at_end() && !self.at_item() {
            self.bump();
        }
    }

    /// True at a word that starts an item (and is not a field name followed by `:`).
    pub(crate) fn at_item(&self) -> bool {
        self.peek().is_some_and(Tok::starts_item) && self.peek_at(1) != Some(&Tok::Colon)
    }

    // ----- items -----

    fn file(&mut self) -> File {
        let mut file = File::default();
        while !self.at_end() {
            let comments = self.take_comments();
            let start = self.pos;
            let kind = match self.peek() {
                Some(Tok::Fact | Tok::Output) => self.fact().map(ItemKind::Fact),
                Some(Tok::Calc) => self.calc().map(ItemKind::Calc),
                Some(Tok::Rule) => self.rule().map(ItemKind::Rule),
                _ => self.fail("`fact`, `output`, `calc` or `rule`"),
            };
            match kind {
                Ok(kind) => file.items.push(Item {
                    comments,
                    kind,
                    span: self.since(start),
                }),
                Err(Stop) => {
                    if self.pos == start {
                        self.bump();
                    }
                    self.skip_to_item();
                }
            }
        }
        file.trailing = self.take_comments();
        file
    }

    fn fact(&mut self) -> Parsed<FactDecl> {
        let output = self.is(&Tok::Output);
        self.bump();
        let name = self.ident("a fact type's name")?;
        let mut single = false;
        if self.eat(&Tok::LParen) {
            self.expect(&Tok::Single)?;
            self.expect(&Tok::RParen)?;
            single = true;
        }
        self.expect(&Tok::LBrace)?;
        let mut fields = Vec::new();
        while !self.eat(&Tok::RBrace) {
            let next_is_item =
                self.peek().is_some_and(Tok::starts_item) && self.peek_at(1) != Some(&Tok::Colon);
            if self.at_end() || next_is_item {
                return self.fail("`}` to close the fields");
            }
            let comments = self.take_comments();
            let start = self.pos;
            let name = self.field_name()?;
            self.expect(&Tok::Colon)?;
            let ty = self.ty()?;
            let optional = self.eat(&Tok::Optional);
            let default = if self.eat(&Tok::Default) {
                Some(self.expr()?)
            } else {
                None
            };
            fields.push(FieldDecl {
                comments,
                name,
                ty,
                optional,
                default,
                span: self.since(start),
            });
            self.eat(&Tok::Comma);
        }
        Ok(FactDecl {
            name,
            output,
            single,
            fields,
        })
    }

    /// A type: a name, `list<T>` or `{name: T, ...}`.
    pub(crate) fn ty(&mut self) -> Parsed<TypeExpr> {
        if self.too_deep() {
            return Err(Stop);
        }
        let entry = self.depth;
        self.depth += 1;
        let result = self.ty_nested();
        self.depth = entry;
        result
    }

    fn ty_nested(&mut self) -> Parsed<TypeExpr> {
        let start = self.pos;
        if self.eat(&Tok::LBrace) {
            let mut fields = Vec::new();
            while !self.eat(&Tok::RBrace) {
                if !fields.is_empty() {
                    self.expect(&Tok::Comma)?;
                    if self.eat(&Tok::RBrace) {
                        break;
                    }
                }
                let name = self.field_name()?;
                self.expect(&Tok::Colon)?;
                fields.push((name, self.ty()?));
            }
            return Ok(TypeExpr::Record(fields, self.since(start)));
        }
        let name = self.ident("a type")?;
        if name.name == "list" && self.eat(&Tok::Lt) {
            let element = self.ty()?;
            self.expect(&Tok::Gt)?;
            return Ok(TypeExpr::List(Box::new(element), self.since(start)));
        }
        Ok(TypeExpr::Named(name))
    }

    fn calc(&mut self) -> Parsed<CalcDecl> {
        self.bump();
        let name = self.ident("a calculator's name")?;
        self.expect(&Tok::LParen)?;
        let mut params = Vec::new();
        while !self.eat(&Tok::RParen) {
            if !params.is_empty() {
                self.expect(&Tok::Comma)?;
            }
            let param = self.ident("a parameter's name")?;
            self.expect(&Tok::Colon)?;
            params.push((param, self.ty()?));
        }
        self.expect(&Tok::Arrow)?;
        let returns = self.ty()?;
        self.expect(&Tok::Assign)?;
        let body = self.expr()?;
        Ok(CalcDecl {
            name,
            params,
            returns,
            body,
        })
    }

    /// Reports nesting beyond the bound; `true` when the caller must stop.
    pub(crate) fn too_deep(&mut self) -> bool {
        if self.depth < MAX_EXPR_DEPTH {
            return false;
        }
        let span = self.span();
        let message = format!("this is nested deeper than {MAX_EXPR_DEPTH} levels");
        self.diagnostics.push(
            Diagnostic::new(Code::Syntax, message, span, "too deep")
                .with_help("name parts of it with `let`"),
        );
        true
    }
}

/// The help for text that other languages use where `.calc` has a word of its own.
fn spelling_from_elsewhere(text: &str) -> Option<&'static str> {
    Some(if text.starts_with("&&") {
        "`.calc` writes `and`"
    } else if text.starts_with("||") {
        "`.calc` writes `or`"
    } else if text.starts_with('!') {
        "`.calc` writes `not` (and `!=` for not equal)"
    } else if text.starts_with('\'') {
        "text is written in double quotes: \"like this\""
    } else if text.starts_with(';') {
        "steps end at the end of the line; remove the `;`"
    } else {
        return None;
    })
}
