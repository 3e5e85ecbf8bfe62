//! An ordered JSON value, as the writer builds it, and its canonical text. `serde_json`'s
//! `Value` (without its `preserve_order` feature, which the workspace does not enable) sorts
//! object keys and keeps numbers as `f64`; a rule document needs the order it was given
//! (field order is the declaration order) and numbers as written, so the writer has its own.

use std::fmt;

/// A JSON value whose objects keep their keys in order and whose numbers keep their text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its JSON text (`12.50`, `-3`).
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, keys in order.
    Object(Vec<(String, Json)>),
}

/// Lines are kept within this many columns where a value allows it.
const WIDTH: usize = 100;

impl Json {
    /// A string value.
    pub fn string(text: impl Into<String>) -> Json {
        Json::String(text.into())
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The canonical text: two-space indentation, a value on one line when it fits in 100
    /// columns, the document, its sections and each rule always spread over lines, and a
    /// final newline.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.pretty(&mut out, 0, 0, false);
        out.push('\n');
        out
    }

    /// Writes the value; `used` is the number of columns already taken on the line.
    fn pretty(&self, out: &mut String, depth: usize, used: usize, in_array: bool) {
        let indent = 2 * depth;
        let spread = depth <= 1 || (depth == 2 && in_array);
        match self {
            Json::Array(items)
                if !items.is_empty() && (spread || !self.fits(WIDTH.saturating_sub(used))) =>
            {
                out.push_str("[\n");
                for (index, item) in items.iter().enumerate() {
                    push_indent(out, indent + 2);
                    item.pretty(out, depth + 1, indent + 2, true);
                    out.push_str(if index + 1 < items.len() { ",\n" } else { "\n" });
                }
                push_indent(out, indent);
                out.push(']');
            }
            Json::Object(members)
                if !members.is_empty() && (spread || !self.fits(WIDTH.saturating_sub(used))) =>
            {
                out.push_str("{\n");
                for (index, (key, value)) in members.iter().enumerate() {
                    push_indent(out, indent + 2);
                    let before = out.len();
                    push_string(out, key);
                    out.push_str(": ");
                    let used = indent + 2 + (out.len() - before);
                    value.pretty(out, depth + 1, used, false);
                    out.push_str(if index + 1 < members.len() {
                        ",\n"
                    } else {
                        "\n"
                    });
                }
                push_indent(out, indent);
                out.push('}');
            }
            _ => self.compact(out),
        }
    }

    /// The value on one line: `{"a": 1, "b": [2, 3]}`.
    fn compact(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Json::Number(text) => out.push_str(text),
            Json::String(text) => push_string(out, text),
            Json::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    item.compact(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (index, (key, value)) in members.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    push_string(out, key);
                    out.push_str(": ");
                    value.compact(out);
                }
                out.push('}');
            }
        }
    }

    /// True when the one-line form takes at most `budget` columns (stops counting early).
    fn fits(&self, budget: usize) -> bool {
        fn width(value: &Json, left: &mut usize) -> bool {
            let take = |n: usize, left: &mut usize| match left.checked_sub(n) {
                Some(rest) => {
                    *left = rest;
                    true
                }
                None => false,
            };
            match value {
                Json::Array(items) => {
                    take(2 + 2 * items.len().saturating_sub(1), left)
                        && items.iter().all(|item| width(item, left))
                }
                Json::Object(members) => {
                    take(2 + 2 * members.len().saturating_sub(1), left)
                        && members.iter().all(|(key, value)| {
                            take(string_width(key) + 2, left) && width(value, left)
                        })
                }
                Json::String(text) => take(string_width(text), left),
                Json::Number(text) => take(text.chars().count(), left),
                Json::Null | Json::Bool(true) => take(4, left),
                Json::Bool(false) => take(5, left),
            }
        }
        let mut left = budget;
        width(self, &mut left)
    }
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.to_text().trim_end())
    }
}

fn push_indent(out: &mut String, columns: usize) {
    out.extend(std::iter::repeat_n(' ', columns));
}

/// A JSON string literal: `"`, `\` and control characters escaped, the rest as it is.
fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn string_width(text: &str) -> usize {
    let mut out = String::new();
    push_string(&mut out, text);
    out.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_stay_on_one_line_and_the_top_spreads() {
        let value = Json::Object(vec![
            (
                "facts".into(),
                Json::Object(vec![(
                    "shift".into(),
                    Json::Object(vec![("id".into(), Json::string("text"))]),
                )]),
            ),
            (
                "rules".into(),
                Json::Array(vec![Json::Object(vec![
                    ("name".into(), Json::string("A \"quoted\"\n")),
                    ("priority".into(), Json::Number("-2".into())),
                ])]),
            ),
        ]);
        let expected = r#"{
  "facts": {
    "shift": {"id": "text"}
  },
  "rules": [
    {
      "name": "A \"quoted\"\n",
      "priority": -2
    }
  ]
}
"#;
        assert_eq!(value.to_text(), expected);
        let parsed: serde_json::Value = serde_json::from_str(&value.to_text()).unwrap();
        assert_eq!(parsed["rules"][0]["priority"], -2);
    }

    #[test]
    fn long_values_spread() {
        let long = Json::Array((0..40).map(|n| Json::Number(n.to_string())).collect());
        let value = Json::Object(vec![(
            "a".into(),
            Json::Object(vec![("b".into(), Json::Object(vec![("c".into(), long)]))]),
        )]);
        let text = value.to_text();
        assert!(text.lines().all(|line| line.len() <= WIDTH), "{text}");
        assert!(text.contains("      \"c\": [\n        0,\n"), "{text}");
    }
}
