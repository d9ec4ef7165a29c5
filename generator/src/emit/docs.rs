//! Rustdoc from schema text.
//!
//! authentik's descriptions are prose written for a web page. Unescaped they
//! would trip rustdoc: `<path>` reads as an unclosed HTML tag, a bare URL
//! warns, `[name]` reads as an intra-doc link, and an indented line or a
//! ```` ``` ```` fence becomes a doctest that `cargo test` tries to compile.
//! [`prose`] neutralises each of these so the generated crate documents
//! warning-free.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::ir::{Constraints, Docs};

/// Schema prose made safe for rustdoc, one entry per line. A lone `\r`
/// ends a line too: Rust refuses a bare carriage return in a doc comment.
pub fn prose(text: &str) -> Vec<String> {
    text.lines()
        .flat_map(|line| line.split('\r'))
        .map(escape_line)
        .collect()
}

/// Schema text for a place that holds one line (a comment, a heading): line
/// breaks and other control characters become spaces, so the text can end
/// neither the comment nor the line it sits in.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn escape_line(line: &str) -> String {
    // Leading whitespace would make an indented code block, and a fence a
    // fenced one: either is a doctest.
    let line = one_line(line);
    let line = line.trim();
    let mut out = String::with_capacity(line.len() + 8);
    if line.starts_with("```") || line.starts_with("~~~") {
        out.push('\\');
    }
    let mut rest = line;
    while !rest.is_empty() {
        // Already an autolink: keep it.
        if let Some(inner) = rest.strip_prefix('<') {
            if let Some(len) = url_len(inner) {
                if inner[len..].starts_with('>') {
                    out.push_str(&rest[..len + 2]);
                    rest = &rest[len + 2..];
                    continue;
                }
            }
        }
        if let Some(len) = url_len(rest) {
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            rest = &rest[len..];
            continue;
        }
        let Some(c) = rest.chars().next() else {
            break;
        };
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of a URL at the start of `text`, if one starts there.
fn url_len(text: &str) -> Option<usize> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
        .unwrap_or(text.len());
    // Sentence punctuation after a URL is not part of it.
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', ')', '\'', '!', '?']);
    let scheme = if text.starts_with("https://") { 8 } else { 7 };
    (url.len() > scheme).then_some(url.len())
}

/// Text as an inline code span, with a fence longer than any run of
/// backticks inside it. Line breaks become spaces, as Markdown renders
/// them in a code span anyway.
pub fn code(text: &str) -> String {
    let text = &one_line(text);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Lines of documentation being assembled; paragraphs separated by blanks.
#[derive(Debug, Default)]
pub struct DocBuilder {
    lines: Vec<String>,
}

impl DocBuilder {
    /// An empty block.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a paragraph of already-safe Markdown lines.
    pub fn paragraph(&mut self, lines: impl IntoIterator<Item = String>) -> &mut Self {
        let lines: Vec<String> = lines.into_iter().collect();
        if lines.iter().all(|l| l.is_empty()) {
            return self;
        }
        if !self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.lines.extend(lines);
        self
    }

    /// Adds one already-safe line as its own paragraph.
    pub fn line(&mut self, line: impl Into<String>) -> &mut Self {
        self.paragraph([line.into()])
    }

    /// Adds the schema's title, description, deprecation and the
    /// generator's notes.
    pub fn schema_docs(&mut self, docs: &Docs) -> &mut Self {
        if let Some(title) = &docs.title {
            self.paragraph(prose(title));
        }
        if let Some(description) = &docs.description {
            if docs.title.as_deref() != Some(description.as_str()) {
                self.paragraph(prose(description));
            }
        }
        if docs.deprecated {
            self.line("Deprecated in the schema.");
        }
        for note in &docs.notes {
            self.paragraph(prose(note));
        }
        self
    }

    /// Whether nothing has been added.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// `#[doc = "..."]` attributes, one per line.
    pub fn to_tokens(&self) -> TokenStream {
        let lines = self.lines.iter().map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        });
        quote! { #(#[doc = #lines])* }
    }
}

/// A sentence stating the rules a value must follow, if the schema states any.
pub fn constraints(constraints: &Constraints) -> Option<String> {
    let mut parts = Vec::new();
    match (constraints.min_length, constraints.max_length) {
        (Some(min), Some(max)) if min == max => parts.push(format!("exactly {min} characters")),
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} characters")),
        (Some(1), None) => parts.push("not empty".to_string()),
        (Some(min), None) => parts.push(format!("at least {min} characters")),
        (None, Some(max)) => parts.push(format!("at most {max} characters")),
        (None, None) => {}
    }
    if let Some(pattern) = &constraints.pattern {
        parts.push(format!("matches {}", code(pattern)));
    }
    if let Some(min) = constraints.minimum {
        let op = if constraints.exclusive_minimum {
            ">"
        } else {
            ">="
        };
        parts.push(format!("{op} {}", number(min)));
    }
    if let Some(max) = constraints.maximum {
        let op = if constraints.exclusive_maximum {
            "<"
        } else {
            "<="
        };
        parts.push(format!("{op} {}", number(max)));
    }
    match (constraints.min_items, constraints.max_items) {
        (Some(min), Some(max)) => parts.push(format!("{min} to {max} items")),
        (Some(min), None) => parts.push(format!("at least {min} items")),
        (None, Some(max)) => parts.push(format!("at most {max} items")),
        (None, None) => {}
    }
    if constraints.unique_items {
        parts.push("items are unique".into());
    }
    if let Some(format) = &constraints.format {
        parts.push(format!("format {}", code(format)));
    }
    (!parts.is_empty()).then(|| format!("Constraints: {}.", parts.join("; ")))
}

/// A schema default as a sentence.
pub fn default_value(value: &Value) -> String {
    let rendered = serde_json::to_string(value).unwrap_or_default();
    format!("Default: {}.", code(&rendered))
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_like_text_and_links_are_neutralised() {
        assert_eq!(
            prose("Use <path> or [name] with `x` & y"),
            vec!["Use &lt;path&gt; or \\[name\\] with `x` &amp; y"]
        );
        assert_eq!(
            prose("See https://goauthentik.io/docs. Then"),
            vec!["See <https://goauthentik.io/docs>. Then"]
        );
        assert_eq!(
            prose("See <https://a.example/b>."),
            vec!["See <https://a.example/b>."]
        );
    }

    #[test]
    fn indentation_and_fences_cannot_make_doctests() {
        assert_eq!(prose("    let x = 1;\n```"), vec!["let x = 1;", "\\```"]);
    }

    #[test]
    fn every_line_ending_ends_a_line_and_no_control_character_survives() {
        assert_eq!(prose("a\rb\r\nc\nd"), vec!["a", "b", "c", "d"]);
        assert_eq!(prose("tab\there\u{0}"), vec!["tab here"]);
        assert_eq!(one_line("a\r\nb\u{85}c"), "a  b c");
        assert_eq!(code("x\ny"), "`x y`");
    }

    #[test]
    fn code_spans_outgrow_inner_backticks() {
        assert_eq!(code("^[-a-z]+$"), "`^[-a-z]+$`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`"), "`` ` ``");
    }

    #[test]
    fn constraints_read_as_a_sentence() {
        let c = Constraints {
            min_length: Some(1),
            max_length: Some(50),
            pattern: Some("^[-a-zA-Z0-9_]+$".into()),
            ..Default::default()
        };
        assert_eq!(
            constraints(&c).as_deref(),
            Some("Constraints: 1 to 50 characters; matches `^[-a-zA-Z0-9_]+$`.")
        );
        let c = Constraints {
            minimum: Some(0.0),
            maximum: Some(2147483647.0),
            ..Default::default()
        };
        assert_eq!(
            constraints(&c).as_deref(),
            Some("Constraints: >= 0; <= 2147483647.")
        );
        assert_eq!(constraints(&Constraints::default()), None);
    }
}
