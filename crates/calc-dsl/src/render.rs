//! Rendering diagnostics: the one user of `ariadne`. The human form shows the code, the
//! message, the source line with the span underlined, secondary labels and the hint; the
//! machine form is one JSON object per diagnostic with file, line and column. Colour only
//! when asked for.

use ariadne::{Color, Config, Label, Report, ReportKind};
use reckon_rule_ir::{Diagnostic, Severity, Span};

use crate::source::SourceMap;

/// Renders diagnostics for people.
pub fn human(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let mut out = Vec::new();
    for diagnostic in diagnostics {
        write_one(&mut out, diagnostic, sources, color);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn write_one(out: &mut Vec<u8>, diagnostic: &Diagnostic, sources: &SourceMap, color: bool) {
    let name = |span: Span| {
        sources
            .get(span.source)
            .map_or_else(|| format!("{}", span.source), |file| file.name.clone())
    };
    let kind = match diagnostic.severity() {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let primary = diagnostic.primary.span;
    let char_range = |span: Span| {
        let text = sources
            .get(span.source)
            .map_or("", |file| file.text.as_str());
        let to_chars = |offset: u32| {
            let mut end = (offset as usize).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text[..end].chars().count()
        };
        to_chars(span.start)..to_chars(span.end).max(to_chars(span.start))
    };
    let mut report = Report::build(kind, (name(primary), char_range(primary)))
        .with_config(Config::default().with_color(color))
        .with_code(diagnostic.code.as_str())
        .with_message(&diagnostic.message)
        .with_label(
            Label::new((name(primary), char_range(primary)))
                .with_message(&diagnostic.primary.message)
                .with_color(if color { Color::Red } else { Color::Primary }),
        );
    for label in &diagnostic.secondary {
        report = report.with_label(
            Label::new((name(label.span), char_range(label.span)))
                .with_message(&label.message)
                .with_color(if color { Color::Blue } else { Color::Primary }),
        );
    }
    if let Some(help) = &diagnostic.help {
        report = report.with_help(help);
    }
    let files: Vec<(String, String)> = sources
        .iter()
        .map(|(_, file)| (file.name.clone(), file.text.clone()))
        .collect();
    let cache = ariadne::sources(files);
    // Writing to a vector cannot fail; a span outside its text is shown without a snippet.
    let _ = report.finish().write(cache, &mut *out);
}

/// Renders diagnostics for programs: a JSON array of objects with code, severity, message,
/// file, line, column, end line and column, labels and help.
pub fn json(diagnostics: &[Diagnostic], sources: &SourceMap) -> serde_json::Value {
    let place = |span: Span| {
        let file = sources.get(span.source);
        let (line, column) = file.map_or((0, 0), |f| f.line_column(span.start as usize));
        let (end_line, end_column) = file.map_or((0, 0), |f| f.line_column(span.end as usize));
        serde_json::json!({
            "file": file.map_or_else(String::new, |f| f.name.clone()),
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
        })
    };
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let mut item = place(d.primary.span);
            item["code"] = d.code.as_str().into();
            item["severity"] = if d.severity() == Severity::Error {
                "error"
            } else {
                "warning"
            }
            .into();
            item["message"] = d.message.clone().into();
            item["label"] = d.primary.message.clone().into();
            item["secondary"] = d
                .secondary
                .iter()
                .map(|label| {
                    let mut at = place(label.span);
                    at["message"] = label.message.clone().into();
                    at
                })
                .collect::<Vec<_>>()
                .into();
            if let Some(help) = &d.help {
                item["help"] = help.clone().into();
            }
            item
        })
        .collect();
    serde_json::Value::Array(items)
}
