//! JSON front end: jsonc-parser in strict mode → one [`Document`] of spanned [`Node`]s.
//!
//! Policy JSON comes from Graph exports and is plain JSON, so every JSON5/JSONC extension is
//! switched off: a comment or trailing comma is a parse error (MAM001), exactly as Graph
//! would reject the body. This is the only module that touches jsonc-parser.

use jsonc_parser::ast::{ObjectPropName, Value as Ast};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::node::{Document, Member, Node, Style, Value};
use super::source::Span;
use super::{MAX_NODES, ParseError, ParsedFile};

fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

pub fn parse(text: &str) -> ParsedFile {
    let mut parsed = ParsedFile::default();
    match parse_to_ast(text, &CollectOptions::default(), &strict()) {
        Ok(result) => {
            if let Some(value) = result.value {
                let mut budget = MAX_NODES;
                match convert(value, &mut budget) {
                    Some(root) => parsed.documents.push(Document {
                        root,
                        index: 0,
                        resource: None,
                    }),
                    None => {
                        parsed.error = Some(ParseError {
                            span: Span::empty(0),
                            message: format!("the file holds more than {MAX_NODES} values"),
                        });
                    }
                }
            }
        }
        Err(error) => {
            let range = error.range();
            parsed.error = Some(ParseError {
                span: Span::new(range.start, range.end),
                message: format!("invalid JSON: {}", error.kind()),
            });
        }
    }
    parsed
}

/// jsonc-parser caps nesting at 512 levels, so this recursion is bounded.
fn convert(value: Ast<'_>, budget: &mut usize) -> Option<Node> {
    *budget = budget.checked_sub(1)?;
    let node = match value {
        Ast::StringLit(s) => Node::new(
            Value::String(s.value.into_owned()),
            span(s.range),
            Style::Json,
        ),
        Ast::NumberLit(n) => {
            let value = n
                .value
                .parse::<i64>()
                .map(Value::Int)
                .or_else(|_| n.value.parse::<f64>().map(Value::Float));
            Node::new(
                value.unwrap_or_else(|_| Value::String(n.value.to_owned())),
                span(n.range),
                Style::Json,
            )
        }
        Ast::BooleanLit(b) => Node::new(Value::Bool(b.value), span(b.range), Style::Json),
        Ast::NullKeyword(n) => Node::new(Value::Null, span(n.range), Style::Json),
        Ast::Array(a) => {
            let range = span(a.range);
            let mut items = Vec::with_capacity(a.elements.len());
            for element in a.elements {
                items.push(convert(element, budget)?);
            }
            Node::new(Value::Array(items), range, Style::Json)
        }
        Ast::Object(o) => {
            let range = span(o.range);
            let mut members = Vec::with_capacity(o.properties.len());
            for prop in o.properties {
                let (key, key_span) = match prop.name {
                    ObjectPropName::String(s) => (s.value.into_owned(), span(s.range)),
                    ObjectPropName::Word(w) => (w.value.to_owned(), span(w.range)),
                };
                members.push(Member {
                    key: key.into(),
                    key_span,
                    value: convert(prop.value, budget)?,
                });
            }
            Node::new(Value::Object(members), range, Style::Json)
        }
    };
    Some(node)
}

fn span(range: jsonc_parser::common::Range) -> Span {
    Span::new(range.start, range.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_duplicates() {
        let text = r#"{"a": 1, "b": ["x", null], "a": true}"#;
        let parsed = parse(text);
        assert!(parsed.error.is_none());
        let root = &parsed.documents[0].root;
        let members = root.as_object().unwrap();
        assert_eq!(members.len(), 3);
        assert_eq!(&text[members[0].key_span.range()], "\"a\"");
        assert_eq!(&text[members[1].value.span.range()], "[\"x\", null]");
        assert_eq!(root.get("a").unwrap().value, Value::Bool(true));
    }

    #[test]
    fn strict_mode_rejects_extensions_and_trailing_garbage() {
        for bad in [
            r#"{"a": 1,}"#,
            "{\"a\": 1 // c\n}",
            "{'a': 1}",
            "{\"a\": 1}`",
            "[1] [2]",
        ] {
            let parsed = parse(bad);
            assert!(parsed.error.is_some(), "{bad} should not parse");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&text).error.is_some());
    }

    #[test]
    fn large_integers_and_surrogates() {
        let parsed = parse(r#"{"n": 12345678901234567890, "s": "\ud83d\ude00"}"#);
        let root = &parsed.documents[0].root;
        assert_eq!(root.get("n").unwrap().type_name(), "number");
        assert_eq!(root.get("s").unwrap().as_str(), Some("😀"));
    }
}
