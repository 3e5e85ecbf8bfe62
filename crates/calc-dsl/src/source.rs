//! The sources of a compilation: each file (or JSON expression string) with its name, text
//! and line index, named by a `SourceId`. Diagnostics carry spans into these; rendering
//! turns a span into file, line and column.

use reckon_rule_ir::{SourceId, Span};

/// Every source text of one compilation.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

/// One source text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Its name: a path, or for a JSON expression string `file.json: rules[3].where`.
    pub name: String,
    /// Its text.
    pub text: String,
    /// Byte offset of each line's start.
    line_starts: Vec<usize>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a source and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        self.files.push(SourceFile {
            name: name.into(),
            text,
            line_starts,
        });
        SourceId::from_index(self.files.len() - 1)
    }

    /// The source with this id.
    pub fn get(&self, id: SourceId) -> Option<&SourceFile> {
        self.files.get(id.index())
    }

    /// Every source, with its id.
    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, file)| (SourceId::from_index(i), file))
    }

    /// The file name, line and column (both from 1, the column in characters) of a span's
    /// start.
    pub fn place(&self, span: Span) -> Option<(&str, usize, usize)> {
        let file = self.get(span.source)?;
        let (line, column) = file.line_column(span.start as usize);
        Some((&file.name, line, column))
    }
}

impl SourceFile {
    /// Line and column (both from 1; column in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|start| *start <= offset)
            .max(1);
        let start = self.line_starts[line - 1];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        (line, self.text[start..end].chars().count() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_lines_and_character_columns() {
        let mut map = SourceMap::new();
        let id = map.add("pay.calc", "fact a {\n  é: int\n}\n");
        assert_eq!(map.place(Span::new(id, 0, 1)), Some(("pay.calc", 1, 1)));
        assert_eq!(map.place(Span::new(id, 13, 14)), Some(("pay.calc", 2, 4)));
        assert_eq!(map.place(Span::new(id, 100, 100)), Some(("pay.calc", 4, 1)));
    }
}
