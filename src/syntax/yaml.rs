//! YAML front end: granit-parser events → [`Document`]s of spanned [`Node`]s.
//!
//! This is the only module that touches granit-parser (saphyr-parser has the same event model
//! and is the fallback). Scalars are resolved with the YAML 1.2 core schema, as the Graph
//! tooling that reads these files does; the YAML 1.1 spellings that differ (`yes`, `on`,
//! `16.10`) stay strings or numbers here and are reported by rules that look at [`Style`].
//! Aliases are expanded against a node budget, so an alias bomb is a parse error, not an
//! out-of-memory kill.

use std::collections::{HashMap, HashSet};

use granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

use super::node::{Comment, Document, Key, Member, Node, Style, Value};
use super::source::Span;
use super::{MAX_ALIAS_NODES, MAX_NODES, ParseError, ParsedFile};

enum Frame {
    Seq {
        start: usize,
        items: Vec<Node>,
        style: Style,
        anchor: usize,
    },
    Map {
        start: usize,
        members: Vec<Member>,
        key: Option<(String, Span)>,
        style: Style,
        anchor: usize,
    },
}

struct Builder<'s> {
    text: &'s str,
    stack: Vec<Frame>,
    /// Anchored nodes with their size in nodes, so an alias is charged without a walk.
    anchors: HashMap<usize, (Node, usize)>,
    documents: Vec<Document>,
    comments: Vec<Comment>,
    nodes: usize,
    /// Nodes created by copying anchored nodes (for anchors and their aliases).
    copied: usize,
}

/// Parses a YAML stream. On a syntax error the error is returned together with the documents
/// completed before it.
pub fn parse(text: &str) -> ParsedFile {
    let mut builder = Builder {
        text,
        stack: Vec::new(),
        anchors: HashMap::new(),
        documents: Vec::new(),
        comments: Vec::new(),
        nodes: 0,
        copied: 0,
    };
    let error = builder.run().err();
    ParsedFile {
        documents: builder.documents,
        comments: builder.comments,
        error,
    }
}

fn offsets(span: &granit_parser::Span, text: &str) -> (usize, usize) {
    // Parsing from a &str always yields byte offsets; fall back to the end of the text rather
    // than trusting the char index if that ever changes.
    let start = span.start.byte_offset().unwrap_or(text.len());
    let end = span.end.byte_offset().unwrap_or(start);
    (
        start.min(text.len()),
        end.clamp(start.min(text.len()), text.len()),
    )
}

impl Builder<'_> {
    // The parser's event loop: one arm per event kind.
    fn run(&mut self) -> Result<(), ParseError> {
        // Comments are kept for `# mamlint:` suppressions only; capturing them costs a fifth
        // of parsing, so files without that marker skip it.
        let mut options = granit_parser::Options::default();
        options.set_emit_comments(self.text.contains("mamlint:"));
        let mut parser = Parser::new_from_str_with_options(self.text, options);
        for next in &mut parser {
            let (event, span) = next.map_err(|e| {
                let at = e
                    .marker()
                    .byte_offset()
                    .unwrap_or(self.text.len())
                    .min(self.text.len());
                ParseError {
                    span: Span::empty(at),
                    message: format!("invalid YAML: {}", e.info()),
                }
            })?;
            let (start, end) = offsets(&span, self.text);
            match event {
                Event::Comment(text, _) => {
                    self.comments.push(Comment {
                        text: text.into_owned(),
                        span: Span::new(start, end),
                    });
                }
                Event::DocumentStart(..) => {
                    self.stack.clear();
                    self.anchors.clear();
                }
                Event::DocumentEnd | Event::StreamStart | Event::StreamEnd => {}
                Event::Scalar(value, style, anchor, tag) => {
                    let tag_suffix = tag
                        .as_ref()
                        .filter(|t| t.handle() == "tag:yaml.org,2002:")
                        .map(|t| t.suffix().to_owned());
                    let node = scalar(&value, style, tag_suffix.as_deref(), Span::new(start, end));
                    self.count(1, start)?;
                    self.finish(node, anchor)?;
                }
                Event::SequenceStart(style, anchor, _) => {
                    self.stack.push(Frame::Seq {
                        start,
                        items: Vec::new(),
                        style: collection_style(style),
                        anchor,
                    });
                }
                Event::MappingStart(style, anchor, _) => {
                    self.stack.push(Frame::Map {
                        start,
                        members: Vec::new(),
                        key: None,
                        style: collection_style(style),
                        anchor,
                    });
                }
                Event::SequenceEnd => {
                    if let Some(Frame::Seq {
                        start: s,
                        mut items,
                        style,
                        anchor,
                    }) = self.stack.pop()
                    {
                        // Every tree is kept until the run's cross-document rules are done.
                        items.shrink_to_fit();
                        let last = items.last().map_or(s, |n| n.span.end as usize);
                        let close = if style == Style::Flow { end } else { last };
                        self.count(1, s)?;
                        self.finish(
                            Node::new(Value::Array(items), Span::new(s, close.max(last)), style),
                            anchor,
                        )?;
                    }
                }
                Event::MappingEnd => {
                    if let Some(Frame::Map {
                        start: s,
                        members,
                        style,
                        anchor,
                        ..
                    }) = self.stack.pop()
                    {
                        let mut members = merge_keys(members);
                        members.shrink_to_fit();
                        let last = members
                            .last()
                            .map_or(s, |m| m.value.span.end.max(m.key_span.end) as usize);
                        let close = if style == Style::Flow { end } else { last };
                        self.count(1, s)?;
                        self.finish(
                            Node::new(Value::Object(members), Span::new(s, close.max(last)), style),
                            anchor,
                        )?;
                    }
                }
                Event::Alias(id) => {
                    let Some(&(_, size)) = self.anchors.get(&id) else {
                        return Err(ParseError {
                            span: Span::new(start, end),
                            message: "invalid YAML: unknown alias".into(),
                        });
                    };
                    // Charge the budgets before copying, so a bomb never allocates its
                    // expansion.
                    self.count(size, start)?;
                    self.charge_copy(size, start)?;
                    if let Some(mut copy) = self.anchors.get(&id).map(|(node, _)| node.clone()) {
                        copy.span = Span::new(start, end);
                        self.finish(copy, 0)?;
                    }
                }
                Event::UnresolvedAlias(name) => {
                    return Err(ParseError {
                        span: Span::new(start, end),
                        message: format!("invalid YAML: alias `*{name}` refers to no anchor"),
                    });
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn count(&mut self, n: usize, at: usize) -> Result<(), ParseError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(ParseError {
                span: Span::empty(at),
                message: format!(
                    "the file expands to more than {MAX_NODES} values (aliases expanding exponentially, a \"billion laughs\" document?)"
                ),
            });
        }
        Ok(())
    }

    /// Counts nodes copied from anchors. Real policy files anchor a few settings; nesting
    /// anchors (each holding aliases of the one before) multiplies copies, so they have their
    /// own, smaller budget that bounds time and memory whatever the nesting.
    fn charge_copy(&mut self, n: usize, at: usize) -> Result<(), ParseError> {
        self.copied = self.copied.saturating_add(n);
        if self.copied > MAX_ALIAS_NODES {
            return Err(ParseError {
                span: Span::empty(at),
                message: format!(
                    "aliases in the file expand to more than {MAX_ALIAS_NODES} values (anchors nested in anchors, a \"billion laughs\" document?)"
                ),
            });
        }
        Ok(())
    }

    /// Places a completed node into its parent, or makes it a document root.
    fn finish(&mut self, node: Node, anchor: usize) -> Result<(), ParseError> {
        if anchor != 0 {
            let size = count_nodes(&node);
            self.charge_copy(size, node.span.start as usize)?;
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => {
                let index = self.documents.len();
                self.documents.push(Document {
                    root: node,
                    index,
                    resource: None,
                });
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { members, key, .. }) => match key.take() {
                None => {
                    let span = node.span;
                    *key = Some((key_text(node, self.text), span));
                }
                Some((k, key_span)) => members.push(Member {
                    key: k.into(),
                    key_span,
                    value: node,
                }),
            },
        }
        Ok(())
    }
}

fn collection_style(style: StructureStyle) -> Style {
    match style {
        StructureStyle::Block => Style::Block,
        StructureStyle::Flow => Style::Flow,
    }
}

fn key_text(mut node: Node, text: &str) -> String {
    // Taken, not cloned: the key node is dropped right after (`Node` has its own `Drop`).
    match std::mem::replace(&mut node.value, Value::Null) {
        Value::String(s) => s,
        Value::Array(_) | Value::Object(_) => text.get(node.span.range()).unwrap_or("").to_owned(),
        _ => match node.style {
            Style::Plain => text.get(node.span.range()).unwrap_or("").to_owned(),
            _ => String::new(),
        },
    }
}

fn count_nodes(node: &Node) -> usize {
    let mut n = 0usize;
    node.walk("", |_, _| n += 1);
    n
}

/// Applies YAML merge keys (`<<: *base`): members of the merged mappings that the mapping does
/// not define itself are added, keeping their own spans.
fn merge_keys(members: Vec<Member>) -> Vec<Member> {
    if !members
        .iter()
        .any(|m| m.key == "<<" && m.value.style != Style::Json)
    {
        return members;
    }
    let (merges, mut own): (Vec<Member>, Vec<Member>) = members.into_iter().partition(|m| {
        m.key == "<<" && matches!(m.value.value, Value::Object(_) | Value::Array(_))
    });
    let mut defined: HashSet<Key> = own.iter().map(|m| m.key.clone()).collect();
    let mut inherited = Vec::new();
    for merge in &merges {
        let sources: Vec<&Node> = match &merge.value.value {
            Value::Array(items) => items.iter().collect(),
            _ => vec![&merge.value],
        };
        for source in sources {
            for m in source.as_object().unwrap_or(&[]) {
                if defined.insert(m.key.clone()) {
                    inherited.push(m.clone());
                }
            }
        }
    }
    own.extend(inherited);
    own
}

fn scalar(value: &str, style: ScalarStyle, tag: Option<&str>, span: Span) -> Node {
    let style = match style {
        ScalarStyle::Plain => Style::Plain,
        ScalarStyle::SingleQuoted => Style::SingleQuoted,
        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        ScalarStyle::Literal => Style::Literal,
        ScalarStyle::Folded => Style::Folded,
    };
    let resolved = match (style, tag) {
        (_, Some("str")) => Value::String(value.to_owned()),
        (Style::Plain, _) | (_, Some("int" | "float" | "bool" | "null")) => resolve_plain(value),
        _ => Value::String(value.to_owned()),
    };
    Node::new(resolved, span, style)
}

/// Resolves a plain scalar with the YAML 1.2 core schema.
pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    if let Some(oct) = text.strip_prefix("0o")
        && !oct.is_empty()
        && oct.bytes().all(|b| (b'0'..=b'7').contains(&b))
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Value::Int(i);
    }
    if let Some(hex) = text.strip_prefix("0x")
        && !hex.is_empty()
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::Int(i);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match text.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => text
                .parse::<f64>()
                .map_or_else(|_| Value::String(text.to_owned()), Value::Float),
        };
    }
    if is_core_float(digits)
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Float(f);
    }
    Value::String(text.to_owned())
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the sign already stripped.
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (!int.is_empty() || !frac.is_empty())
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        let parsed = parse(text);
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        parsed.documents.into_iter().next().unwrap().root
    }

    #[test]
    fn core_schema_resolution() {
        assert_eq!(resolve_plain("yes"), Value::String("yes".into()));
        assert_eq!(resolve_plain("16.10"), Value::Float(16.1));
        assert_eq!(resolve_plain("0o17"), Value::Int(15));
        assert_eq!(resolve_plain("0x1F"), Value::Int(31));
        assert_eq!(resolve_plain("-12"), Value::Int(-12));
        assert_eq!(resolve_plain("1e3"), Value::Float(1000.0));
        assert_eq!(resolve_plain("PT12H"), Value::String("PT12H".into()));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(
            resolve_plain("2024-01-01"),
            Value::String("2024-01-01".into())
        );
        assert_eq!(resolve_plain("99999999999999999999"), Value::Float(1e20));
    }

    #[test]
    fn spans_cover_keys_and_values() {
        let text = "a: 1 # mamlint: note\nb:\n  - \"x\"\n  - {k: v}\n";
        let parsed = parse(text);
        let node = &parsed.documents[0].root;
        let a = node.member("a").unwrap();
        assert_eq!(&text[a.key_span.range()], "a");
        assert_eq!(&text[a.value.span.range()], "1");
        let b = node.get("b").unwrap();
        assert_eq!(&text[b.as_array().unwrap()[0].span.range()], "\"x\"");
        assert_eq!(&text[b.as_array().unwrap()[1].span.range()], "{k: v}");
        assert_eq!(parsed.comments[0].text, " mamlint: note");
        assert_eq!(&text[parsed.comments[0].span.range()], "# mamlint: note");
        // Comments matter only for suppressions: without the marker they are not kept.
        assert!(parse("a: 1 # note\n").comments.is_empty());
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let node = root("a: 1\na: 2\n");
        assert_eq!(node.as_object().unwrap().len(), 2);
        assert_eq!(node.get("a").unwrap().value, Value::Int(2));
    }

    #[test]
    fn streams_aliases_and_merges() {
        let parsed = parse("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n---\nz: 1\n");
        assert_eq!(parsed.documents.len(), 2);
        let c = parsed.documents[0].root.get("c").unwrap();
        assert_eq!(c.get("x").unwrap().value, Value::Int(1));
        assert_eq!(c.get("y").unwrap().value, Value::Int(3));
        assert!(c.get("<<").is_none());
    }

    #[test]
    fn alias_bomb_is_an_error() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                [prev.as_str(); 10].join(", ")
            ));
        }
        let parsed = parse(&text);
        assert!(parsed.error.unwrap().message.contains("billion laughs"));
    }

    #[test]
    fn syntax_error_has_location() {
        let parsed = parse("a: [1, 2\nb: 3\n");
        let error = parsed.error.unwrap();
        assert!(
            error.message.starts_with("invalid YAML"),
            "{}",
            error.message
        );
    }
}
