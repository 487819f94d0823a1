//! Microsoft365DSC front end (spec §8.3): a PowerShell configuration → one [`Document`] per
//! `IntuneAppProtectionPolicyiOS` / `IntuneAppProtectionPolicyAndroid` block, shaped like the
//! Graph object the block manages.
//!
//! It sits beside `yaml.rs` and `json.rs` in the first stage of the data flow: `syntax::load`
//! calls [`parse`] for `*.ps1` files, and `model::classify` reads each document's [`Resource`]
//! as a Graph entity, so every rule runs on it unchanged. This is the only module that touches
//! tree-sitter.
//!
//! The grammar knows no DSC keyword: `Configuration X { … }`, `Node … { … }` and a resource
//! block are commands with a script block argument (or with the block as the next statement
//! when `{` starts a line), and each `Name = value` line is a command whose first argument is
//! `=`. Parameter names become Graph names by `rules/dsc-names.json` and, case-insensitively,
//! by the Graph property catalog `rules/graph-properties.json`, which this module embeds itself
//! because `syntax` depends on nothing in the crate. Every member keeps the span of what the
//! user wrote: the key is the parameter name, the value the PowerShell value, also where the
//! value was converted (a TimeSpan read as an ISO 8601 duration, an `Apps` suffix, a group ID
//! read as a Graph assignment). A value mamlint cannot evaluate (a variable, an expression) is
//! left out and its Graph key listed in [`Resource::unknown`].

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use serde::Deserialize;
use tree_sitter::{Language, Node as Ts, Parser};

use super::node::{Comment, Document, Key, Member, Node, Resource, Style, Value};
use super::source::Span;
use super::{MAX_NODES, ParseError, ParsedFile};

/// How deeply values may nest (arrays, hashtables, CIM instances). DSC values nest two or
/// three levels; the bound keeps conversion's recursion far from the stack's end.
const MAX_DEPTH: usize = 256;

/// The grammar, converted once rather than per file.
static LANGUAGE: LazyLock<Language> = LazyLock::new(|| tree_sitter_powershell::LANGUAGE.into());

thread_local! {
    /// One parser per thread, reused from file to file: creating one and loading the
    /// grammar into it for every file would repeat the same setup.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Every node kind's name by its ID. `Node::kind` measures and validates the grammar's C
/// string on each call, and the walks here ask every node its kind, often several times.
static KIND_NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    (0..LANGUAGE.node_kind_count())
        .map(|id| {
            u16::try_from(id)
                .ok()
                .and_then(|id| LANGUAGE.node_kind_for_id(id))
                .unwrap_or("")
        })
        .collect()
});

/// A node's kind, as `Node::kind` names it, from [`KIND_NAMES`].
fn kind(node: &Ts<'_>) -> &'static str {
    match KIND_NAMES.get(usize::from(node.kind_id())) {
        Some(name) if !name.is_empty() => name,
        // ERROR's ID lies outside the table; its name comes the slow way, as it is rare.
        _ => node.kind(),
    }
}

/// What a walked `.ps1` must contain to be parsed at all (case-insensitive, as PowerShell is).
pub const MARKER: &str = "IntuneAppProtectionPolicy";

const IOS: &str = "iosManagedAppProtection";
const ANDROID: &str = "androidManagedAppProtection";

/// Whether a file's bytes name one of the resources read here, in UTF-8 or UTF-16: the cheap
/// test that keeps a directory walk from parsing every script of a repository.
pub fn mentions_resource(bytes: &[u8]) -> bool {
    // ASCII letters in UTF-16 are the same bytes with NULs between them.
    let letters: Vec<u8> = bytes.iter().copied().filter(|&b| b != 0).collect();
    contains_marker(&letters)
}

#[derive(Deserialize)]
struct RawNames {
    resources: BTreeMap<String, String>,
    accepted: Vec<String>,
    renames: BTreeMap<String, String>,
    apps: String,
    assignments: BTreeMap<String, String>,
    joined: BTreeMap<String, String>,
    pairs: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RawProperty {
    #[serde(rename = "type")]
    graph_type: String,
    format: Option<String>,
}

#[derive(Deserialize)]
struct RawCatalog {
    #[serde(rename = "androidManagedAppProtection")]
    android: BTreeMap<String, RawProperty>,
    #[serde(rename = "iosManagedAppProtection")]
    ios: BTreeMap<String, RawProperty>,
}

/// What the front end needs to know of a Graph property to read a DSC value as Graph would.
struct Property {
    name: String,
    duration: bool,
    collection: bool,
    integer: bool,
}

/// How a parameter's value becomes its Graph value.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Conversion {
    Plain,
    Apps,
    /// Group IDs or assignment CIM instances; `true` for exclusions.
    Assignments(bool),
    Joined(String),
    Pairs(String),
}

struct Names {
    /// Resource type (lower case) → its name as DSC spells it, and the Graph type.
    resources: HashMap<String, (String, &'static str)>,
    accepted: HashSet<String>,
    /// Parameter (lower case) → Graph name and conversion, for DSC's exceptions.
    special: HashMap<String, (String, Conversion)>,
    /// Graph type → property name (lower case) → property.
    graph: HashMap<&'static str, HashMap<String, Property>>,
}

static NAMES: LazyLock<Names> = LazyLock::new(|| {
    let raw: RawNames = serde_json::from_str(include_str!("../../rules/dsc-names.json"))
        .unwrap_or_else(|e| {
            panic!("rules/dsc-names.json is embedded at build time and must parse: {e}")
        });
    let catalog: RawCatalog =
        serde_json::from_str(include_str!("../../rules/graph-properties.json")).unwrap_or_else(
            |e| panic!("rules/graph-properties.json is embedded at build time and must parse: {e}"),
        );
    let properties = |raw: BTreeMap<String, RawProperty>| -> HashMap<String, Property> {
        raw.into_iter()
            .map(|(name, p)| {
                let property = Property {
                    duration: p.format.as_deref() == Some("duration"),
                    collection: p.graph_type.ends_with(" collection"),
                    integer: p.graph_type == "Int32",
                    name: name.clone(),
                };
                (name.to_ascii_lowercase(), property)
            })
            .collect()
    };
    let graph_type = |name: &str| if name == IOS { IOS } else { ANDROID };
    let mut special = HashMap::new();
    for (parameter, graph) in raw.renames {
        special.insert(parameter.to_ascii_lowercase(), (graph, Conversion::Plain));
    }
    special.insert(
        raw.apps.to_ascii_lowercase(),
        ("apps".to_owned(), Conversion::Apps),
    );
    for (parameter, side) in raw.assignments {
        special.insert(
            parameter.to_ascii_lowercase(),
            (
                "assignments".to_owned(),
                Conversion::Assignments(side == "exclude"),
            ),
        );
    }
    for (kind, table) in [(true, raw.joined), (false, raw.pairs)] {
        for (parameter, separator) in table {
            let lower = parameter.to_ascii_lowercase();
            let graph = camel_case(&parameter);
            let conversion = if kind {
                Conversion::Joined(separator)
            } else {
                Conversion::Pairs(separator)
            };
            special.insert(lower, (graph, conversion));
        }
    }
    Names {
        resources: raw
            .resources
            .into_iter()
            .map(|(name, graph)| (name.to_ascii_lowercase(), (name, graph_type(&graph))))
            .collect(),
        accepted: raw
            .accepted
            .iter()
            .map(|a| a.to_ascii_lowercase())
            .collect(),
        special,
        graph: HashMap::from([
            (ANDROID, properties(catalog.android)),
            (IOS, properties(catalog.ios)),
        ]),
    }
});

fn other(graph_type: &str) -> &'static str {
    if graph_type == IOS { ANDROID } else { IOS }
}

/// `MinimumPinLength` → `minimumPinLength`: the generic rule for names no catalog knows.
fn camel_case(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Names {
    fn resource(&self, name: &str) -> Option<&'static str> {
        self.resources
            .get(&name.to_ascii_lowercase())
            .map(|(_, graph)| *graph)
    }

    /// The Graph name and conversion of a parameter, and whether Graph knows the name;
    /// `None` for an accepted parameter that is not a setting.
    fn resolve(&self, parameter: &str, graph_type: &str) -> Option<(String, Conversion, bool)> {
        let lower = parameter.to_ascii_lowercase();
        if self.accepted.contains(&lower) {
            return None;
        }
        if let Some((name, conversion)) = self.special.get(&lower) {
            return Some((name.clone(), conversion.clone(), true));
        }
        let known = [graph_type, other(graph_type)]
            .into_iter()
            .find_map(|t| self.graph.get(t)?.get(&lower));
        Some(match known {
            Some(property) => (property.name.clone(), Conversion::Plain, true),
            None => (camel_case(parameter), Conversion::Plain, false),
        })
    }

    fn property(&self, graph_type: &str, name: &str) -> Option<&Property> {
        let lower = name.to_ascii_lowercase();
        [graph_type, other(graph_type)]
            .into_iter()
            .find_map(|t| self.graph.get(t)?.get(&lower))
    }
}

/// The Graph property name a parameter of a resource maps to (`None` when it is accepted but
/// not a setting, such as `Credential` or `Ensure`), or `None` for a resource type this front
/// end does not read. For tests that check the mapping against the Graph catalog.
pub fn graph_name(resource_type: &str, parameter: &str) -> Option<String> {
    let graph_type = NAMES.resource(resource_type)?;
    NAMES.resolve(parameter, graph_type).map(|(name, ..)| name)
}

/// Parses a PowerShell file. Never fails: a syntax error is the file's [`ParseError`].
pub fn parse(text: &str) -> ParsedFile {
    let fail = |message: String| ParsedFile {
        error: Some(ParseError {
            span: Span::empty(0),
            message,
        }),
        ..ParsedFile::default()
    };
    let tree = PARSER.with_borrow_mut(|parser| {
        let parser = match parser {
            Some(parser) => parser,
            None => {
                let mut fresh = Parser::new();
                fresh
                    .set_language(&LANGUAGE)
                    .map_err(|error| format!("the PowerShell grammar cannot be loaded: {error}"))?;
                parser.insert(fresh)
            }
        };
        let tree = parser.parse(text, None);
        if tree.is_none() {
            // A stopped parse leaves state behind that the next file must not resume.
            parser.reset();
        }
        tree.ok_or_else(|| "the PowerShell parser stopped".to_owned())
    });
    let tree = match tree {
        Ok(tree) => tree,
        Err(message) => return fail(message),
    };
    let mut parsed = ParsedFile::default();
    let root = tree.root_node();
    let scanned = scan(root, text);
    parsed.comments = scanned.comments;
    let mut reader = Reader {
        text,
        budget: MAX_NODES,
        error: None,
    };
    for error in scanned.errors {
        reader.fail(error_at(error, text));
    }
    for found in scanned.resources {
        // A block holding a syntax error, or inside text the parser could not place, would
        // be read wrongly: the error is the finding.
        if let Some(error) = found
            .in_error
            .then(|| ancestors(found.command).find(Ts::is_error))
            .flatten()
        {
            reader.fail(error_at(error, text));
            continue;
        }
        if let Some(broken) = [found.command, found.block].into_iter().find(Ts::has_error) {
            reader.fail(first_error(broken, text));
            continue;
        }
        if let Some(document) = reader.resource(&found, parsed.documents.len()) {
            parsed.documents.push(document);
        }
        if reader.budget == 0 {
            // Past the budget no document is whole; MAM001 says why.
            parsed.documents.clear();
            break;
        }
    }
    // Nothing to read and a syntax error somewhere: the error may be what hides the blocks.
    if parsed.documents.is_empty() && reader.error.is_none() && root.has_error() {
        reader.fail(first_error(root, text));
    }
    parsed.error = reader.error;
    parsed
}

/// A resource block found in the tree.
#[derive(Clone, Copy)]
struct Found<'t> {
    command: Ts<'t>,
    block: Ts<'t>,
    graph_type: &'static str,
    /// Whether the block lies inside text the parser could not place: only then is the
    /// (costly, each `parent` walks down from the root) search for that ERROR node made.
    in_error: bool,
}

/// What one pass over the tree finds.
struct Scanned<'t> {
    comments: Vec<Comment>,
    resources: Vec<Found<'t>>,
    /// Text the parser could not place that names a resource type: it may hold a block.
    errors: Vec<Ts<'t>>,
}

/// One pre-order pass over the tree (iterative, so nesting cannot overflow the stack): every
/// comment, the resource blocks inside a `Configuration`, and the unplaced text that may hold
/// one. Syntax errors elsewhere are not mamlint's findings: the grammar does not know every
/// DSC spelling (a CIM property named `ClassType` in another resource), and PowerShell
/// reports real ones itself.
fn scan<'t>(root: Ts<'t>, text: &str) -> Scanned<'t> {
    let mut scanned = Scanned {
        comments: Vec::new(),
        resources: Vec::new(),
        errors: Vec::new(),
    };
    let mut configurations: Vec<Range<usize>> = Vec::new();
    // The end of the outermost ERROR node being walked: nested ones are part of it.
    let mut in_error = 0;
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        match kind(&node) {
            "comment" => scanned.comments.push(comment(node, text)),
            "command" => {
                if let Some(name) = command_name(node, text) {
                    if name.eq_ignore_ascii_case("configuration") {
                        if let Some(block) = block_of(node) {
                            configurations.push(block.byte_range());
                        }
                    } else if let Some(graph_type) = NAMES.resource(name) {
                        let inside = configurations
                            .iter()
                            .any(|r| r.contains(&node.start_byte()));
                        if let (true, Some(block)) = (inside, block_of(node)) {
                            scanned.resources.push(Found {
                                command: node,
                                block,
                                graph_type,
                                in_error: node.start_byte() < in_error,
                            });
                        }
                    }
                }
            }
            _ if node.is_error() && node.start_byte() >= in_error => {
                in_error = node.end_byte();
                if contains_marker(slice(text, node).as_bytes()) {
                    scanned.errors.push(node);
                }
            }
            _ => {}
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return scanned;
            }
        }
    }
}

fn contains_marker(bytes: &[u8]) -> bool {
    bytes
        .windows(MARKER.len())
        .any(|w| w.eq_ignore_ascii_case(MARKER.as_bytes()))
}

fn ancestors(node: Ts<'_>) -> impl Iterator<Item = Ts<'_>> {
    std::iter::successors(node.parent(), Ts::parent)
}

fn comment(node: Ts<'_>, text: &str) -> Comment {
    let raw = text.get(node.byte_range()).unwrap_or_default();
    let inner = match raw.strip_prefix("<#") {
        Some(block) => block.trim_end_matches('>').trim_end_matches('#'),
        None => raw.strip_prefix('#').unwrap_or(raw),
    };
    Comment {
        text: inner.to_owned(),
        span: span_of(node),
    }
}

fn span_of(node: Ts<'_>) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

fn slice<'a>(text: &'a str, node: Ts<'_>) -> &'a str {
    text.get(node.byte_range()).unwrap_or_default()
}

/// Children that carry meaning: named, not comments or argument separators.
fn significant(node: Ts<'_>) -> Vec<Ts<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| !matches!(kind(c), "comment" | "command_argument_sep"))
        .collect()
}

/// Layers of the expression grammar that add nothing when they hold one child.
const WRAPPERS: &[&str] = &[
    "pipeline",
    "pipeline_chain",
    "logical_expression",
    "bitwise_expression",
    "comparison_expression",
    "additive_expression",
    "multiplicative_expression",
    "format_expression",
    "range_expression",
    "array_literal_expression",
    "unary_expression",
];

fn unwrap(mut node: Ts<'_>) -> Ts<'_> {
    while WRAPPERS.contains(&kind(&node)) {
        // Most values pass through several wrappers: no list is built to see one child.
        let mut cursor = node.walk();
        let mut children = node
            .named_children(&mut cursor)
            .filter(|c| !matches!(kind(c), "comment" | "command_argument_sep"));
        match (children.next(), children.next()) {
            (Some(only), None) => node = only,
            _ => break,
        }
    }
    node
}

fn command_name<'a>(command: Ts<'_>, text: &'a str) -> Option<&'a str> {
    let name = command.child_by_field_name("command_name")?;
    Some(slice(text, name))
}

fn elements(command: Ts<'_>) -> Vec<Ts<'_>> {
    let mut cursor = command.walk();
    let list = command
        .children(&mut cursor)
        .find(|c| kind(c) == "command_elements");
    list.map(significant).unwrap_or_default()
}

fn script_block(node: Ts<'_>) -> Option<Ts<'_>> {
    let node = unwrap(node);
    (kind(&node) == "script_block_expression").then_some(node)
}

/// The block of a keyword command: its last argument (`Name 'title' {` on one line), or the
/// next statement when `{` starts the next line.
fn block_of(command: Ts<'_>) -> Option<Ts<'_>> {
    if let Some(block) = elements(command)
        .last()
        .and_then(|last| script_block(*last))
    {
        return Some(block);
    }
    let mut statement = command;
    for _ in 0..WRAPPERS.len() {
        let parent = statement.parent()?;
        if kind(&parent) == "statement_list" {
            let mut next = statement.next_named_sibling();
            while let Some(n) = next.filter(|n| kind(n) == "comment") {
                next = n.next_named_sibling();
            }
            return script_block(next?);
        }
        if !WRAPPERS.contains(&kind(&parent)) {
            return None;
        }
        statement = parent;
    }
    None
}

/// The statements of a script block or `@( … )`, without comments and empty statements.
fn statements(node: Ts<'_>) -> Vec<Ts<'_>> {
    let mut list = None;
    let mut stack = vec![node];
    // statement_list sits two levels below a script block expression (script_block,
    // script_block_body); a short bounded search finds it.
    while let Some(n) = stack.pop() {
        if kind(&n) == "statement_list" {
            list = Some(n);
            break;
        }
        if matches!(
            kind(&n),
            "script_block_expression" | "script_block" | "script_block_body" | "array_expression"
        ) {
            stack.extend(significant(n));
        }
    }
    list.map(significant)
        .unwrap_or_default()
        .into_iter()
        .filter(|s| kind(s) != "empty_statement")
        .collect()
}

/// The first syntax error in source order: a token the parser had to assume, an unclosed
/// bracket, or text it could not place.
fn first_error(root: Ts<'_>, text: &str) -> ParseError {
    let mut node = root;
    loop {
        if node.is_missing() {
            return ParseError {
                span: Span::empty(node.start_byte()),
                message: format!("invalid PowerShell: expected `{}`", kind(&node)),
            };
        }
        if node.is_error() {
            return error_at(node, text);
        }
        let mut cursor = node.walk();
        let next = node
            .children(&mut cursor)
            .find(|c| c.is_missing() || c.is_error() || c.has_error());
        match next {
            Some(child) => node = child,
            None => {
                return ParseError {
                    span: Span::empty(node.start_byte()),
                    message: "invalid PowerShell".to_owned(),
                };
            }
        }
    }
}

/// Where an ERROR node went wrong: the bracket it left open, or its first token.
fn error_at(error: Ts<'_>, text: &str) -> ParseError {
    let closer = |opener: &str| match opener {
        "{" | "@{" => "}",
        "[" => "]",
        _ => ")",
    };
    let mut open: Vec<Ts<'_>> = Vec::new();
    let mut cursor = error.walk();
    for child in error.children(&mut cursor) {
        if child.is_missing() {
            return ParseError {
                span: Span::empty(child.start_byte()),
                message: format!("invalid PowerShell: expected `{}`", kind(&child)),
            };
        }
        match kind(&child) {
            "{" | "@{" | "(" | "@(" | "$(" | "[" => open.push(child),
            "}" | ")" | "]" => match open.last() {
                Some(top) if closer(kind(top)) == kind(&child) => {
                    open.pop();
                }
                Some(top) => return unclosed(*top),
                None => return unexpected(child, text),
            },
            _ => {}
        }
    }
    match open.last() {
        Some(top) => unclosed(*top),
        None => unexpected(error, text),
    }
}

fn unclosed(opener: Ts<'_>) -> ParseError {
    ParseError {
        span: span_of(opener),
        message: format!("invalid PowerShell: `{}` is never closed", kind(&opener)),
    }
}

fn unexpected(node: Ts<'_>, text: &str) -> ParseError {
    let written = slice(text, node).trim_start();
    let start = node.end_byte() - written.len();
    let token: String = written
        .chars()
        .take_while(|c| !c.is_whitespace())
        .take(40)
        .collect();
    ParseError {
        span: Span::new(start, start + token.len()),
        message: if token.is_empty() {
            "invalid PowerShell: unexpected end of file".to_owned()
        } else {
            format!("invalid PowerShell: unexpected `{token}`")
        },
    }
}

/// Where a parameter's value is written.
enum Written<'t> {
    /// The argument nodes after `=`.
    Nodes(Vec<Ts<'t>>),
    /// `Name=@(…)` without spaces, which the grammar reads as the command `Name=@` with a
    /// parenthesized argument.
    Array(Ts<'t>),
    /// A value inside the command-name token (`Name='x'`, `Name=4`), at this offset.
    Text(&'t str, usize),
}

/// `Name = value` as the grammar reads it, with the spellings it tokenizes differently when
/// the spaces around `=` are missing.
fn parameter<'t>(command: Ts<'t>, text: &'t str) -> Option<(&'t str, Span, Written<'t>)> {
    let name = command.child_by_field_name("command_name")?;
    let name_text = slice(text, name);
    let args = elements(command);
    if let Some((key, rest)) = name_text.split_once('=') {
        let key_span = Span::new(name.start_byte(), name.start_byte() + key.len());
        let written = match (rest, args.as_slice()) {
            ("", _) => Written::Nodes(args),
            ("@", [paren]) if kind(paren) == "parenthesized_expression" => Written::Array(*paren),
            (_, []) => Written::Text(rest, name.start_byte() + key.len() + 1),
            _ => Written::Nodes(Vec::new()),
        };
        return Some((key.trim(), key_span, written));
    }
    let (first, rest) = args.split_first()?;
    let token = slice(text, *first);
    if kind(first) != "generic_token" || !token.starts_with('=') {
        return None;
    }
    let written = match (&token[1..], rest) {
        ("", _) => Written::Nodes(rest.to_vec()),
        (inline, []) => Written::Text(inline, first.start_byte() + 1),
        _ => Written::Nodes(Vec::new()),
    };
    Some((name_text, span_of(name), written))
}

struct Reader<'t> {
    text: &'t str,
    budget: usize,
    error: Option<ParseError>,
}

impl<'t> Reader<'t> {
    /// Records an error unless an earlier one (by position) is already recorded.
    fn fail(&mut self, error: ParseError) {
        match &self.error {
            Some(e) if e.span.start <= error.span.start => {}
            _ => self.error = Some(error),
        }
    }

    /// A node within the budget; `None` once it is spent.
    fn node(&mut self, value: Value, span: Span, style: Style) -> Option<Node> {
        if self.budget == 0 {
            return None;
        }
        self.budget -= 1;
        if self.budget == 0 {
            self.fail(ParseError {
                span: Span::empty(0),
                message: format!("the file holds more than {MAX_NODES} values"),
            });
            return None;
        }
        Some(Node::new(value, span, style))
    }

    fn string(&mut self, value: &str, span: Span) -> Option<Node> {
        self.node(Value::String(value.to_owned()), span, Style::SingleQuoted)
    }

    fn member(&mut self, key: &str, key_span: Span, value: Node) -> Member {
        Member {
            key: Key::new(key),
            key_span,
            value,
        }
    }

    /// One resource block → its Graph-shaped document; `None` for `Ensure = 'Absent'` (a
    /// removal, not a policy) and once the budget is spent.
    fn resource(&mut self, found: &Found<'t>, index: usize) -> Option<Document> {
        let Found {
            command,
            block,
            graph_type,
            ..
        } = *found;
        let type_node = command.child_by_field_name("command_name")?;
        let mut members: Vec<Member> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        // Both assignment parameters fill one Graph `assignments`, placed where the first is.
        let mut assignments: Option<(usize, Span, Span, Vec<Node>)> = None;
        let mut assignments_unknown = false;
        let mut absent = false;
        for statement in statements(block) {
            let command = unwrap(statement);
            let Some((key, key_span, written)) = (kind(&command) == "command")
                .then(|| parameter(command, self.text))
                .flatten()
            else {
                self.fail(ParseError {
                    span: span_of(statement),
                    message: "invalid DSC resource: expected `Name = value`".to_owned(),
                });
                continue;
            };
            let value = self.written(written, key_span);
            let Some((graph, conversion, known)) = NAMES.resolve(key, graph_type) else {
                if key.eq_ignore_ascii_case("ensure") {
                    absent |= value
                        .as_ref()
                        .and_then(Node::as_str)
                        .is_some_and(|v| v.eq_ignore_ascii_case("absent"));
                }
                continue;
            };
            if self.budget == 0 {
                return None;
            }
            let value = match (value, &conversion) {
                (None, Conversion::Assignments(_)) => {
                    assignments_unknown = true;
                    continue;
                }
                // A name Graph does not have is MAM006's whatever its value: the value stays
                // unread (null), so nothing else reports it.
                (None, _) if !known => self.node(Value::Null, key_span, Style::Plain)?,
                (None, _) => {
                    if !unknown.contains(&graph) {
                        unknown.push(graph);
                    }
                    continue;
                }
                (Some(value), Conversion::Assignments(exclude)) => {
                    let items = self.assignments(value, *exclude)?;
                    match &mut assignments {
                        Some((.., list)) => list.extend(items),
                        None => {
                            let span = items.first().map_or(key_span, |n| n.span);
                            assignments = Some((members.len(), key_span, span, items));
                        }
                    }
                    continue;
                }
                (Some(value), Conversion::Apps) => self.apps(value)?,
                (Some(value), Conversion::Joined(separator)) => join(value, separator),
                (Some(value), Conversion::Pairs(separator)) => self.pairs(value, separator)?,
                (Some(value), Conversion::Plain) => match NAMES.property(graph_type, &graph) {
                    Some(property) => self.typed(value, property)?,
                    None => value,
                },
            };
            let member = self.member(&graph, key_span, value);
            members.push(member);
        }
        if absent {
            return None;
        }
        if assignments_unknown {
            unknown.push("assignments".to_owned());
        } else {
            // A block without assignment parameters assigns the policy to no group: an empty
            // list at the block's type name, where MAM402 then points.
            let header = span_of(type_node);
            let (at, key_span, span, items) =
                assignments.unwrap_or((members.len(), header, header, Vec::new()));
            let list = self.node(Value::Array(items), span, Style::Flow)?;
            let member = self.member("assignments", key_span, list);
            members.insert(at.min(members.len()), member);
        }
        let type_written = slice(self.text, type_node);
        let name = elements(command)
            .into_iter()
            .find(|e| script_block(*e).is_none())
            .map(|e| self.title(e));
        let address = match name {
            Some(name) => format!("{type_written} \"{name}\""),
            None => type_written.to_owned(),
        };
        let span = Span::new(
            command.start_byte(),
            block.end_byte().max(command.end_byte()),
        );
        let root = self.node(Value::Object(members), span, Style::Flow)?;
        Some(Document {
            root,
            index,
            resource: Some(Box::new(Resource {
                graph_type: graph_type.to_owned(),
                address,
                unknown,
            })),
        })
    }

    /// A block's title as DSC reads it: a string, or the expression as written.
    fn title(&mut self, node: Ts<'t>) -> String {
        let text = slice(self.text, node);
        match scalar(unwrap(node), self.text) {
            Some(Scalar::String(s, _)) => s,
            _ => text.to_owned(),
        }
    }

    fn written(&mut self, written: Written<'t>, key_span: Span) -> Option<Node> {
        match written {
            Written::Nodes(nodes) => match nodes.as_slice() {
                [only] => self.value(*only, 0),
                _ => None,
            },
            Written::Array(paren) => {
                let inner = significant(paren);
                let span = Span::new(key_span.end as usize + 1, paren.end_byte());
                self.items(&inner, span, 0)
            }
            Written::Text(inline, offset) => {
                let span = Span::new(offset, offset + inline.len());
                let value = text_scalar(inline)?;
                self.scalar_node(value, span)
            }
        }
    }

    fn scalar_node(&mut self, scalar: Scalar, span: Span) -> Option<Node> {
        let (value, style) = match scalar {
            Scalar::String(s, style) => (Value::String(s), style),
            Scalar::Int(i) => (Value::Int(i), Style::Plain),
            Scalar::Float(f) => (Value::Float(f), Style::Plain),
            Scalar::Bool(b) => (Value::Bool(b), Style::Plain),
            Scalar::Null => (Value::Null, Style::Plain),
        };
        self.node(value, span, style)
    }

    /// A PowerShell value → a node; `None` when mamlint cannot evaluate it (or the budget or
    /// depth is exceeded, which `self.error` then says).
    fn value(&mut self, node: Ts<'t>, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            self.fail(ParseError {
                span: span_of(node),
                message: format!("values nest deeper than {MAX_DEPTH} levels"),
            });
            return None;
        }
        let node = unwrap(node);
        let span = span_of(node);
        match kind(&node) {
            "array_expression" => {
                let items = statements(node);
                self.items(&items, span, depth)
            }
            "array_literal_expression" => {
                let items = significant(node);
                self.items(&items, span, depth)
            }
            "parenthesized_expression" => match significant(node).as_slice() {
                [inner] => self.value(*inner, depth + 1),
                _ => None,
            },
            "hash_literal_expression" => self.hashtable(node, depth),
            "command" => {
                let block = block_of(node)?;
                self.instance(block, depth)
            }
            _ => {
                let value = scalar(node, self.text)?;
                self.scalar_node(value, span)
            }
        }
    }

    /// The items of `@( … )` or `a, b`: an item that is itself a comma list is spread, as
    /// PowerShell does inside `@()`.
    fn items(&mut self, items: &[Ts<'t>], span: Span, depth: usize) -> Option<Node> {
        let mut values = Vec::new();
        let mut iter = items.iter().peekable();
        while let Some(item) = iter.next() {
            let inner = unwrap(*item);
            // `MSFT_X` with its `{` on the next line: the block is the next statement.
            if kind(&inner) == "command"
                && elements(inner).is_empty()
                && let Some(block) = iter.peek().and_then(|n| script_block(**n))
            {
                iter.next();
                values.push(self.instance(block, depth + 1)?);
                continue;
            }
            if kind(&inner) == "array_literal_expression" {
                let spread = significant(inner);
                for element in spread {
                    values.push(self.value(element, depth + 1)?);
                }
                continue;
            }
            values.push(self.value(*item, depth + 1)?);
        }
        self.node(Value::Array(values), span, Style::Flow)
    }

    /// `@{ key = value; … }`.
    fn hashtable(&mut self, node: Ts<'t>, depth: usize) -> Option<Node> {
        let mut members = Vec::new();
        let body = significant(node);
        let entries = body
            .iter()
            .filter(|b| kind(b) == "hash_literal_body")
            .flat_map(|b| significant(*b));
        for entry in entries {
            let parts = significant(entry);
            let (Some(key), Some(value)) = (parts.first(), parts.get(1)) else {
                return None;
            };
            let key_text = match scalar(unwrap(*key), self.text) {
                Some(Scalar::String(s, _)) => s,
                _ => slice(self.text, *key).to_owned(),
            };
            let value = self.value(*value, depth + 1)?;
            let member = self.member(&key_text, span_of(*key), value);
            members.push(member);
        }
        self.node(Value::Object(members), span_of(node), Style::Flow)
    }

    /// A CIM instance (`MSFT_DeviceManagementConfigurationPolicyAssignments { … }`): its
    /// properties as written.
    fn instance(&mut self, block: Ts<'t>, depth: usize) -> Option<Node> {
        let mut members = Vec::new();
        for statement in statements(block) {
            let command = unwrap(statement);
            let (key, key_span, written) = (kind(&command) == "command")
                .then(|| parameter(command, self.text))
                .flatten()?;
            let value = match written {
                Written::Nodes(nodes) => match nodes.as_slice() {
                    [only] => self.value(*only, depth + 1)?,
                    _ => return None,
                },
                other => self.written(other, key_span)?,
            };
            let member = self.member(key, key_span, value);
            members.push(member);
        }
        // The instance spans from its class name to its closing brace.
        let start = block
            .parent()
            .filter(|p| kind(p) == "command_elements")
            .and_then(|p| p.parent())
            .map_or(block.start_byte(), |c| c.start_byte());
        let span = Span::new(start, block.end_byte());
        self.node(Value::Object(members), span, Style::Flow)
    }

    /// Reads a value as Graph types the property: a TimeSpan as an ISO 8601 duration, a
    /// quoted integer as the number DSC converts it to, one item as a list of one.
    fn typed(&mut self, value: Node, property: &Property) -> Option<Node> {
        let span = value.span;
        let style = value.style;
        if let Value::String(s) = &value.value {
            if property.duration
                && let Some(iso) = timespan_to_iso(s)
            {
                return self.node(Value::String(iso), span, style);
            }
            if property.integer
                && let Ok(number) = s.trim().parse::<i64>()
            {
                return self.node(Value::Int(number), span, style);
            }
        }
        if property.collection && value.as_array().is_none() && !value.is_null() {
            return self.node(Value::Array(vec![value]), span, Style::Flow);
        }
        Some(value)
    }

    /// `Apps`: a suffixed entry (`com.atlassian.jira.app.ios`) names the platform it was
    /// written for, so it becomes a Graph managedMobileApp: `id` as written (Graph's own app
    /// IDs carry the same suffix) and an identifier of that platform holding the ID without
    /// it. MAM102 compares that platform with the policy's.
    fn apps(&mut self, value: Node) -> Option<Node> {
        let span = value.span;
        let items = into_items(value);
        let mut apps = Vec::with_capacity(items.len());
        for item in items {
            let Some(written) = item.as_str() else {
                apps.push(item);
                continue;
            };
            let lower = written.to_ascii_lowercase();
            let suffix = [(".ios", IOS), (".android", ANDROID)]
                .into_iter()
                .find(|(s, _)| lower.len() > s.len() && lower.ends_with(s));
            let Some((suffix, platform)) = suffix else {
                apps.push(item);
                continue;
            };
            let id = written[..written.len() - suffix.len()].to_owned();
            let (odata, key) = if platform == IOS {
                ("#microsoft.graph.iosMobileAppIdentifier", "bundleId")
            } else {
                ("#microsoft.graph.androidMobileAppIdentifier", "packageId")
            };
            let at = item.span;
            let odata_node = self.string(odata, at)?;
            let id_node = self.node(Value::String(id), at, item.style)?;
            let identifier = vec![
                self.member("@odata.type", at, odata_node),
                self.member(key, at, id_node),
            ];
            let identifier = self.node(Value::Object(identifier), at, Style::Flow)?;
            let app = vec![
                self.member("id", at, item),
                self.member("mobileAppIdentifier", at, identifier),
            ];
            apps.push(self.node(Value::Object(app), at, Style::Flow)?);
        }
        self.node(Value::Array(apps), span, Style::Flow)
    }

    /// Group IDs or assignment instances → Graph assignments (`{"target": {…}}`).
    fn assignments(&mut self, value: Node, exclude: bool) -> Option<Vec<Node>> {
        let items = into_items(value);
        let kind = if exclude {
            "#microsoft.graph.exclusionGroupAssignmentTarget"
        } else {
            "#microsoft.graph.groupAssignmentTarget"
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let at = item.span;
            let target = match &item.value {
                Value::String(_) => {
                    let odata = self.string(kind, at)?;
                    let members = vec![
                        self.member("@odata.type", at, odata),
                        self.member("groupId", at, item),
                    ];
                    self.node(Value::Object(members), at, Style::Flow)?
                }
                Value::Object(_) => self.target(item)?,
                _ => {
                    out.push(item);
                    continue;
                }
            };
            let member = self.member("target", at, target);
            out.push(self.node(Value::Object(vec![member]), at, Style::Flow)?);
        }
        Some(out)
    }

    /// An assignment instance's properties as a Graph target: `dataType` is the target's
    /// `@odata.type`; `groupDisplayName` names the group as IntuneCD's `groupName` does.
    fn target(&mut self, mut instance: Node) -> Option<Node> {
        let span = instance.span;
        let Value::Object(fields) = std::mem::replace(&mut instance.value, Value::Null) else {
            return None;
        };
        const RENAMES: [(&str, &str); 5] = [
            ("dataType", "@odata.type"),
            ("groupId", "groupId"),
            ("groupDisplayName", "groupName"),
            (
                "deviceAndAppManagementAssignmentFilterId",
                "deviceAndAppManagementAssignmentFilterId",
            ),
            (
                "deviceAndAppManagementAssignmentFilterType",
                "deviceAndAppManagementAssignmentFilterType",
            ),
        ];
        let members = fields
            .into_iter()
            .filter_map(|mut m| {
                let (_, graph) = RENAMES
                    .iter()
                    .find(|(dsc, _)| dsc.eq_ignore_ascii_case(&m.key))?;
                m.key = Key::new(graph);
                Some(m)
            })
            .collect();
        self.node(Value::Object(members), span, Style::Flow)
    }

    /// `name:value` strings → Graph keyValuePairs.
    fn pairs(&mut self, value: Node, separator: &str) -> Option<Node> {
        let span = value.span;
        let items = into_items(value);
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let Some((name, pair_value)) = item.as_str().and_then(|s| s.split_once(separator))
            else {
                out.push(item);
                continue;
            };
            let (name, pair_value) = (name.to_owned(), pair_value.to_owned());
            let at = item.span;
            let name = self.node(Value::String(name), at, item.style)?;
            let pair_value = self.node(Value::String(pair_value), at, item.style)?;
            let members = vec![
                self.member("name", at, name),
                self.member("value", at, pair_value),
            ];
            out.push(self.node(Value::Object(members), at, Style::Flow)?);
        }
        self.node(Value::Array(out), span, Style::Flow)
    }
}

/// The items of a list, or the value as a list of one (PowerShell passes one value where a
/// String[] is expected).
fn into_items(mut value: Node) -> Vec<Node> {
    match &mut value.value {
        Value::Array(items) => std::mem::take(items),
        _ => vec![value],
    }
}

/// A String[] written for one Graph string: its items joined (only when all are strings).
fn join(value: Node, separator: &str) -> Node {
    let Some(items) = value.as_array() else {
        return value;
    };
    let strings: Option<Vec<&str>> = items.iter().map(Node::as_str).collect();
    match strings {
        Some(strings) => Node::new(
            Value::String(strings.join(separator)),
            value.span,
            Style::Flow,
        ),
        None => value,
    }
}

/// A literal value.
enum Scalar {
    String(String, Style),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
}

/// A literal node; `None` for anything that needs evaluating.
fn scalar(node: Ts<'_>, text: &str) -> Option<Scalar> {
    let written = slice(text, node);
    match kind(&node) {
        "string_literal" => {
            let inner = significant(node);
            let [string] = inner.as_slice() else {
                return None;
            };
            let written = slice(text, *string);
            match kind(string) {
                "verbatim_string_characters" => text_scalar(written),
                // `$x` or `$(…)` inside: the string is an expression.
                "expandable_string_literal" if significant(*string).is_empty() => {
                    text_scalar(written)
                }
                "verbatim_here_string_characters" => {
                    here_string(written, "@'", "'@").map(|s| Scalar::String(s, Style::Literal))
                }
                "expandable_here_string_literal" if significant(*string).is_empty() => {
                    here_string(written, "@\"", "\"@")
                        .map(|s| Scalar::String(unescape(&s), Style::Literal))
                }
                _ => None,
            }
        }
        "integer_literal" | "real_literal" | "variable" => text_scalar(written),
        "expression_with_unary_operator" => match text_scalar(written) {
            Some(n @ (Scalar::Int(_) | Scalar::Float(_))) => Some(n),
            _ => None,
        },
        // PowerShell reads a bare word argument as an expandable string.
        "generic_token" if !written.contains(['$', '`', '(', '@']) => {
            Some(Scalar::String(written.to_owned(), Style::DoubleQuoted))
        }
        _ => None,
    }
}

/// A literal written as text: a quoted string, a number, `$true`/`$false`/`$null`.
fn text_scalar(written: &str) -> Option<Scalar> {
    let written = written.trim();
    if let Some(inner) = written
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
    {
        return Some(Scalar::String(
            inner.replace("''", "'"),
            Style::SingleQuoted,
        ));
    }
    if let Some(inner) = written.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        if inner.contains('$') {
            return None;
        }
        return Some(Scalar::String(unescape(inner), Style::DoubleQuoted));
    }
    match written.to_ascii_lowercase().as_str() {
        "$true" => return Some(Scalar::Bool(true)),
        "$false" => return Some(Scalar::Bool(false)),
        "$null" => return Some(Scalar::Null),
        _ => {}
    }
    let (negative, digits) = match written.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, written.strip_prefix('+').unwrap_or(written)),
    };
    let hex = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"));
    let integer = match hex {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None if digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse::<i64>().ok(),
        None => None,
    };
    if let Some(i) = integer {
        return Some(Scalar::Int(if negative { -i } else { i }));
    }
    let is_real = !digits.is_empty()
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.as_bytes()[0].is_ascii_digit();
    match digits.parse::<f64>() {
        Ok(f) if is_real && f.is_finite() => Some(Scalar::Float(if negative { -f } else { f })),
        _ => None,
    }
}

/// The lines between a here-string's opening and closing lines.
fn here_string(written: &str, open: &str, close: &str) -> Option<String> {
    let body = written.strip_prefix(open)?.strip_suffix(close)?;
    let (_, body) = body.split_once('\n')?;
    let body = body.strip_suffix('\n').unwrap_or(body);
    Some(body.strip_suffix('\r').unwrap_or(body).to_owned())
}

/// Backtick escapes and doubled quotes of a double-quoted string.
fn unescape(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => match chars.next() {
                Some('0') => out.push('\0'),
                Some('a') => out.push('\u{7}'),
                Some('b') => out.push('\u{8}'),
                Some('e') => out.push('\u{1b}'),
                Some('f') => out.push('\u{c}'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('v') => out.push('\u{b}'),
                Some(other) => out.push(other),
                None => out.push('`'),
            },
            '"' if chars.peek() == Some(&'"') => {
                chars.next();
                out.push('"');
            }
            c => out.push(c),
        }
    }
    out
}

/// A .NET TimeSpan string (`12:00:00`, `90.00:00:00`, `00:30:00`, `1.02:03:04.5`, or a number
/// of days) as the ISO 8601 duration Graph stores; `None` when it is not one (an ISO duration
/// stays as written). Hours, minutes and seconds are in range, as `TimeSpan.Parse` requires.
pub fn timespan_to_iso(written: &str) -> Option<String> {
    let text = written.trim();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let number = |s: &str, max_len: usize| -> Option<u64> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (days, clock) = match text.split_once('.') {
        Some((days, clock)) if !days.contains(':') => (number(days, 8)?, Some(clock)),
        _ if !text.contains(':') => (number(text, 8)?, None),
        _ => (0, Some(text)),
    };
    let (mut hours, mut minutes, mut seconds, mut fraction) = (0, 0, 0, "");
    if let Some(clock) = clock {
        let parts: Vec<&str> = clock.split(':').collect();
        let (h, m, s) = match parts.as_slice() {
            [h, m] => (*h, *m, None),
            [h, m, s] => (*h, *m, Some(*s)),
            _ => return None,
        };
        hours = number(h, 2).filter(|h| *h < 24)?;
        minutes = number(m, 2).filter(|m| *m < 60)?;
        if let Some(s) = s {
            let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
            seconds = number(whole, 2).filter(|s| *s < 60)?;
            if !frac.is_empty() {
                number(frac, 7)?;
            }
            fraction = frac.trim_end_matches('0');
        }
    }
    let mut iso = String::from(if negative { "-P" } else { "P" });
    if days > 0 {
        iso.push_str(&format!("{days}D"));
    }
    if hours > 0 || minutes > 0 || seconds > 0 || !fraction.is_empty() {
        iso.push('T');
        if hours > 0 {
            iso.push_str(&format!("{hours}H"));
        }
        if minutes > 0 {
            iso.push_str(&format!("{minutes}M"));
        }
        if seconds > 0 || !fraction.is_empty() {
            iso.push_str(&seconds.to_string());
            if !fraction.is_empty() {
                iso.push('.');
                iso.push_str(fraction);
            }
            iso.push('S');
        }
    }
    if iso.ends_with('P') {
        iso.push_str("T0S");
    }
    Some(iso)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(body: &str) -> String {
        format!(
            "Configuration C\n{{\n    Node localhost\n    {{\n        IntuneAppProtectionPolicyiOS 'P'\n        {{\n{body}\n        }}\n    }}\n}}\n"
        )
    }

    fn one(text: &str) -> Document {
        let parsed = parse(text);
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        assert_eq!(parsed.documents.len(), 1);
        parsed.documents.into_iter().next().unwrap()
    }

    #[test]
    fn members_keep_the_spans_of_what_was_written() {
        let text = wrap(
            "            MinimumPinLength = 6\n            MINIMUMREQUIREDOSVERSION = '17.0'\n            PeriodOfflineBeforeAccessCheck = '12:00:00'\n            ApplicationId = $ApplicationId",
        );
        let document = one(&text);
        let resource = document.resource.as_ref().unwrap();
        assert_eq!(resource.graph_type, "iosManagedAppProtection");
        assert_eq!(resource.address, "IntuneAppProtectionPolicyiOS \"P\"");
        assert!(
            resource.unknown.is_empty(),
            "auth parameters are not settings"
        );
        let root = &document.root;
        let pin = root.member("minimumPinLength").unwrap();
        assert_eq!(&text[pin.key_span.range()], "MinimumPinLength");
        assert_eq!(pin.value.value, Value::Int(6));
        assert_eq!(&text[pin.value.span.range()], "6");
        let os = root.member("minimumRequiredOsVersion").unwrap();
        assert_eq!(&text[os.key_span.range()], "MINIMUMREQUIREDOSVERSION");
        let period = root.member("periodOfflineBeforeAccessCheck").unwrap();
        assert_eq!(period.value.as_str(), Some("PT12H"));
        assert_eq!(&text[period.value.span.range()], "'12:00:00'");
        assert!(root.get("applicationId").is_none());
    }

    #[test]
    fn timespans_become_iso_durations() {
        for (timespan, iso) in [
            ("12:00:00", Some("PT12H")),
            ("90.00:00:00", Some("P90D")),
            ("00:30:00", Some("PT30M")),
            ("1.02:03:04.5000", Some("P1DT2H3M4.5S")),
            ("00:00:00", Some("PT0S")),
            ("-00:05", Some("-PT5M")),
            ("7", Some("P7D")),
            ("PT12H", None),
            ("24:00:00", None),
            ("12:60", None),
            ("1:2:3:4", None),
            ("", None),
        ] {
            assert_eq!(timespan_to_iso(timespan).as_deref(), iso, "{timespan}");
        }
    }

    #[test]
    fn variables_and_expressions_are_unknown_never_values() {
        let text = wrap(
            "            DisplayName = $ConfigurationData.NonNodeData.Name\n            Apps = @('com.atlassian.jira.app', $extra)\n            PinCharacterSet = \"$set\"\n            Assignments = $groups\n            MinimumPinLength = (Get-Length)\n            Credential = $Credscredential",
        );
        let document = one(&text);
        let unknown = &document.resource.as_ref().unwrap().unknown;
        for key in [
            "displayName",
            "apps",
            "pinCharacterSet",
            "assignments",
            "minimumPinLength",
        ] {
            assert!(unknown.iter().any(|u| u == key), "{key} in {unknown:?}");
            assert!(document.root.get(key).is_none(), "{key} is not in the tree");
        }
    }

    #[test]
    fn both_assignment_forms_become_graph_targets() {
        let text = wrap(
            "            Assignments = @(\n                MSFT_DeviceManagementConfigurationPolicyAssignments{\n                    dataType = '#microsoft.graph.groupAssignmentTarget'\n                    groupId = 'g1'\n                }\n            )\n            ExcludedGroups = @('g2')",
        );
        let document = one(&text);
        let list = document
            .root
            .get("assignments")
            .unwrap()
            .as_array()
            .unwrap();
        let targets: Vec<(Option<&str>, Option<&str>)> = list
            .iter()
            .map(|a| {
                let target = a.get("target").unwrap();
                (
                    target.get("@odata.type").and_then(Node::as_str),
                    target.get("groupId").and_then(Node::as_str),
                )
            })
            .collect();
        assert_eq!(
            targets,
            [
                (Some("#microsoft.graph.groupAssignmentTarget"), Some("g1")),
                (
                    Some("#microsoft.graph.exclusionGroupAssignmentTarget"),
                    Some("g2")
                ),
            ]
        );
        let member = document.root.member("assignments").unwrap();
        assert_eq!(&text[member.key_span.range()], "Assignments");
        let g1 = list[0].pointer("/target/groupId").unwrap();
        assert_eq!(&text[g1.span.range()], "'g1'");
    }

    #[test]
    fn suffixed_apps_name_their_platform() {
        let text = wrap("            Apps = @('com.atlassian.jira.app.ios', 'com.other.app')");
        let document = one(&text);
        let apps = document.root.get("apps").unwrap().as_array().unwrap();
        assert_eq!(
            apps[0]
                .pointer("/mobileAppIdentifier/bundleId")
                .and_then(Node::as_str),
            Some("com.atlassian.jira.app")
        );
        assert_eq!(
            apps[0].get("id").and_then(Node::as_str),
            Some("com.atlassian.jira.app.ios")
        );
        assert_eq!(&text[apps[0].span.range()], "'com.atlassian.jira.app.ios'");
        assert_eq!(apps[1].as_str(), Some("com.other.app"));
    }

    #[test]
    fn values_as_powershell_writes_them() {
        let text = wrap(
            "            Description = \"say \"\"hi\"\" `t\"\n            TargetedAppManagementLevels = @('unmanaged', 'mdm')\n            AllowedDataStorageLocations = 'sharePoint'\n            ExemptedAppProtocols = @('Default:skype;app-settings;calshow')\n            PinRequired=$TRUE\n            MinimumPinLength=4\n            MaximumPinRetries ='5'\n            PrintBlocked = $false;",
        );
        let document = one(&text);
        let root = &document.root;
        assert_eq!(
            root.get("description").and_then(Node::as_str),
            Some("say \"hi\" \t")
        );
        assert_eq!(
            root.get("targetedAppManagementLevels")
                .and_then(Node::as_str),
            Some("unmanaged,mdm")
        );
        let storage = root.get("allowedDataStorageLocations").unwrap();
        assert_eq!(storage.as_array().map(<[Node]>::len), Some(1));
        let pair = root.pointer("/exemptedAppProtocols/0").unwrap();
        assert_eq!(pair.get("name").and_then(Node::as_str), Some("Default"));
        assert_eq!(
            pair.get("value").and_then(Node::as_str),
            Some("skype;app-settings;calshow")
        );
        assert_eq!(root.get("pinRequired").unwrap().as_bool(), Some(true));
        let length = root.member("minimumPinLength").unwrap();
        assert_eq!(length.value.value, Value::Int(4));
        assert_eq!(&text[length.key_span.range()], "MinimumPinLength");
        assert_eq!(&text[length.value.span.range()], "4");
        assert_eq!(root.get("maximumPinRetries").unwrap().value, Value::Int(5));
        assert_eq!(root.get("printBlocked").unwrap().as_bool(), Some(false));
    }

    #[test]
    fn absent_blocks_and_blocks_outside_a_configuration_are_not_policies() {
        let absent = wrap("            DisplayName = 'Old'\n            Ensure = 'Absent'");
        assert!(parse(&absent).documents.is_empty());
        let outside = "IntuneAppProtectionPolicyiOS 'P'\n{\n    DisplayName = 'x'\n}\n";
        let parsed = parse(outside);
        assert!(parsed.documents.is_empty() && parsed.error.is_none());
    }

    #[test]
    fn comments_of_both_kinds_are_kept_without_their_markers() {
        let text = wrap(
            "            # mamlint: ignore[MAM402] reason\n            PinRequired = $true <# inline #>",
        );
        let parsed = parse(&text);
        let comments: Vec<&str> = parsed.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(comments, [" mamlint: ignore[MAM402] reason", " inline "]);
        assert_eq!(&text[parsed.comments[1].span.range()], "<# inline #>");
    }

    #[test]
    fn syntax_errors_point_at_the_problem() {
        let text =
            wrap("            Apps = @('com.atlassian.jira.app'\n            PinRequired = $true");
        let error = parse(&text).error.unwrap();
        assert_eq!(&text[error.span.range()], "@(");
        let text = wrap("            Write-Output 'not a parameter'");
        let error = parse(&text).error.unwrap();
        assert!(error.message.contains("Name = value"), "{}", error.message);
    }

    #[test]
    fn errors_outside_the_blocks_read_are_not_reported() {
        let text = format!(
            "{}        OtherResource 'x'\n        {{\n            class = 'y'\n        }}\n",
            wrap("            PinRequired = $true")
        );
        let parsed = parse(&text);
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
    }

    #[test]
    fn deep_nesting_and_many_resources_stay_bounded() {
        let deep = wrap(&format!(
            "            Apps = {}'x'{}",
            "@(".repeat(5_000),
            ")".repeat(5_000)
        ));
        let parsed = parse(&deep);
        let error = parsed.error.unwrap();
        assert!(error.message.contains("nest deeper"), "{}", error.message);
        let mut many = String::from("Configuration C\n{\n    Node localhost\n    {\n");
        for i in 0..2_000 {
            many.push_str(&format!(
                "        IntuneDeviceCompliancePolicyiOS 'p{i}'\n        {{\n            DisplayName = 'p{i}'\n            Ensure = 'Present'\n        }}\n"
            ));
        }
        many.push_str("    }\n}\n");
        let parsed = parse(&many);
        assert!(parsed.documents.is_empty() && parsed.error.is_none());
    }

    #[test]
    fn the_prefilter_reads_utf8_and_utf16() {
        assert!(mentions_resource(b"intuneappprotectionpolicyios 'x' {}"));
        let utf16: Vec<u8> = "IntuneAppProtectionPolicyAndroid"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(mentions_resource(&utf16));
        assert!(!mentions_resource(b"Write-Output 'hello'"));
    }

    #[test]
    fn every_dsc_name_maps_to_a_graph_property_name() {
        assert_eq!(
            graph_name("IntuneAppProtectionPolicyAndroid", "ExcludedGroups").as_deref(),
            Some("assignments")
        );
        assert_eq!(
            graph_name("intuneappprotectionpolicyios", "minimumrequiredosversion").as_deref(),
            Some("minimumRequiredOsVersion")
        );
        assert_eq!(graph_name("IntuneAppProtectionPolicyiOS", "TenantId"), None);
        assert_eq!(
            graph_name("IntuneAppProtectionPolicyiOS", "NoSuchSetting").as_deref(),
            Some("noSuchSetting")
        );
    }
}
