//! The spanned document tree shared by the YAML, JSON and Terraform front ends.
//!
//! `yaml.rs`, `json.rs` and `terraform.rs` produce [`Node`]s, so everything downstream (schema checks,
//! rules, reporters) is format-agnostic. Mappings keep every member in source order, including
//! repeated keys: duplicates are a finding (MAM002), not a load failure. Lookups see the last
//! occurrence, as JSON parsers and most YAML loaders do.

use super::source::Span;

/// How a node was written in the source. YAML footgun rules (MAM003, MAM004) need to know
/// whether a scalar was quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// A YAML plain scalar (unquoted).
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
    /// A YAML block collection (`- item`, `key: value` lines).
    Block,
    /// A YAML flow collection (`[a, b]`, `{k: v}`).
    Flow,
    /// Any JSON value.
    Json,
}

impl Style {
    pub fn is_quoted(self) -> bool {
        matches!(
            self,
            Style::SingleQuoted | Style::DoubleQuoted | Style::Json
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    /// The node's text: for scalars the token including quotes, for collections from the
    /// opening token to the end of the last child.
    pub span: Span,
    pub style: Style,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: Key,
    pub key_span: Span,
    pub value: Node,
}

/// A mapping key. The keys policy files repeat in every document (Graph property names,
/// manifest keys: `rules/common-keys.txt`) point into that list instead of owning their text,
/// which saves an allocation per member: every tree of a run is kept until its workspace
/// stage, and keys were a tenth of a run's heap (issue #11).
#[derive(Clone)]
pub struct Key(KeyText);

#[derive(Clone)]
enum KeyText {
    /// The position of the key in [`COMMON_KEYS`]: two bytes where a `&'static str` took
    /// sixteen, so a key is the size of the boxed text of `Owned`, and a member eight bytes
    /// smaller.
    Common(u16),
    Owned(Box<str>),
}

/// `rules/common-keys.txt`, one key a line, as `build.rs` wrote it into the program.
static COMMON_KEYS: &[&str] = include!(concat!(env!("OUT_DIR"), "/common_keys.rs"));

/// Each of [`COMMON_KEYS`] by its text: looked up once per key of every file parsed, so
/// hashed (a binary search was 4% of a run's instructions).
static COMMON_POSITIONS: std::sync::LazyLock<foldhash::HashMap<&'static str, u16>> =
    std::sync::LazyLock::new(|| {
        COMMON_KEYS
            .iter()
            .enumerate()
            .filter_map(|(at, key)| Some((*key, u16::try_from(at).ok()?)))
            .collect()
    });

impl Key {
    pub fn new(text: &str) -> Self {
        match COMMON_POSITIONS.get(text) {
            Some(&common) => Key(KeyText::Common(common)),
            None => Key(KeyText::Owned(text.into())),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            KeyText::Common(at) => COMMON_KEYS.get(usize::from(*at)).copied().unwrap_or(""),
            KeyText::Owned(text) => text,
        }
    }

    /// A key that owns its text moves it into a new allocation (see [`Node::compact`]).
    fn compact(&mut self) {
        if let KeyText::Owned(text) = &mut self.0 {
            *text = Box::from(&**text);
        }
    }

    /// Whether the key is one of `rules/common-keys.txt`, held without an allocation.
    pub fn is_common(&self) -> bool {
        matches!(self.0, KeyText::Common(_))
    }
}

impl std::ops::Deref for Key {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Key {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Key {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Key {
    fn from(text: &str) -> Self {
        Key::new(text)
    }
}

impl From<String> for Key {
    fn from(text: String) -> Self {
        match COMMON_POSITIONS.get(text.as_str()) {
            Some(&common) => Key(KeyText::Common(common)),
            None => Key(KeyText::Owned(text.into_boxed_str())),
        }
    }
}

impl From<&String> for Key {
    fn from(text: &String) -> Self {
        Key::new(text)
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Key) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Key) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for Key {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Key {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Key {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Key> for str {
    fn eq(&self, other: &Key) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Key> for &str {
    fn eq(&self, other: &Key) -> bool {
        *self == other.as_str()
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// A comment in a YAML, Terraform or PowerShell file, kept for inline suppressions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The comment text after its marker (`#`, `//`, or inside `/* */` or `<# #>`).
    pub text: String,
    /// Covers the marker to the end of the line (or of the block comment).
    pub span: Span,
}

/// One document of a file: a YAML stream holds several, a JSON file one, a Terraform or
/// Microsoft365DSC file one per resource block it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    pub root: Node,
    /// Index of the document in its file, counting from 0.
    pub index: usize,
    /// Set by the front ends of other tools' formats (Terraform, DSC): the resource this
    /// document was built from. `root` is then shaped like the Graph object (Graph property
    /// names as keys, values with the spans of what the user wrote).
    /// Boxed: most documents have none, and every document of a run is kept to its end.
    pub resource: Option<Box<Resource>>,
}

/// A policy resource of another tool's format, read into a Graph-shaped document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The Graph type it manages: `iosManagedAppProtection`, `androidManagedAppProtection`
    /// or `targetedManagedAppConfiguration`.
    pub graph_type: String,
    /// How the user's file names it, for messages: a Terraform resource address
    /// (`microsoft365wp_ios_managed_app_protection.atlassian`) or a DSC block
    /// (`IntuneAppProtectionPolicyiOS "Atlassian iOS"`).
    pub address: String,
    /// Top-level Graph keys whose value is unknown: an expression mamlint cannot evaluate (a
    /// variable, a reference, a function call), or what the resource type cannot hold (the
    /// deploymenttheory Android policy has no assignments). They are absent from `root`;
    /// rules that need them do not run, and an unknown value is never a finding.
    pub unknown: Vec<String>,
}

impl Node {
    pub fn new(value: Value, span: Span, style: Style) -> Self {
        Node { value, span, style }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The member with this key (the last one when the key is repeated).
    pub fn member(&self, key: &str) -> Option<&Member> {
        self.as_object()?.iter().rev().find(|m| m.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key).map(|m| &m.value)
    }

    /// The JSON type name used in messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "mapping",
        }
    }

    /// Converts to a `serde_json::Value` for JSON Schema validation. Repeated keys keep the
    /// last value; non-finite floats (YAML `.inf`, `.nan`) have no JSON form and become their
    /// YAML spelling as a string.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or_else(|| J::String(format!("{f}")), J::Number),
            Value::String(s) => J::String(s.clone()),
            Value::Array(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Object(members) => {
                let mut map = serde_json::Map::with_capacity(members.len());
                for m in members {
                    map.insert(m.key.to_string(), m.value.to_json());
                }
                J::Object(map)
            }
        }
    }

    /// Follows an RFC 6901 JSON Pointer from this node.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = unescape_pointer_token(token);
            node = match &node.value {
                Value::Object(_) => node.get(&token)?,
                Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// [`Node::pointer`], for changing what it points at.
    pub fn pointer_mut(&mut self, pointer: &str) -> Option<&mut Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = unescape_pointer_token(token);
            node = match &mut node.value {
                // The last member of a key, as lookups see it.
                Value::Object(members) => {
                    &mut members
                        .iter_mut()
                        .rev()
                        .find(|m| m.key == token.as_str())?
                        .value
                }
                Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Calls `visit` for every node below and including this one, with its pointer.
    /// Iterative, so deeply nested input cannot overflow the stack.
    pub fn walk<'a>(&'a self, base: &str, mut visit: impl FnMut(&str, &'a Node)) {
        let mut stack: Vec<(String, &'a Node)> = vec![(base.to_owned(), self)];
        while let Some((pointer, node)) = stack.pop() {
            visit(&pointer, node);
            match &node.value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate().rev() {
                        stack.push((format!("{pointer}/{i}"), item));
                    }
                }
                Value::Object(members) => {
                    for m in members.iter().rev() {
                        stack.push((push_pointer(&pointer, &m.key), &m.value));
                    }
                }
                _ => {}
            }
        }
    }
}

impl Node {
    /// Calls `visit` for every mapping below and including this one, with its pointer. Like
    /// [`Node::walk`], but builds no pointer for scalars, which most nodes are.
    pub fn walk_mappings<'a>(&'a self, base: &str, mut visit: impl FnMut(&str, &'a [Member])) {
        let mut stack: Vec<(String, &'a Node)> = vec![(base.to_owned(), self)];
        while let Some((pointer, node)) = stack.pop() {
            match &node.value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate().rev() {
                        if matches!(item.value, Value::Array(_) | Value::Object(_)) {
                            stack.push((format!("{pointer}/{i}"), item));
                        }
                    }
                }
                Value::Object(members) => {
                    visit(&pointer, members);
                    for m in members.iter().rev() {
                        if matches!(m.value.value, Value::Array(_) | Value::Object(_)) {
                            stack.push((push_pointer(&pointer, &m.key), &m.value));
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

impl Node {
    /// Moves every list and string below and including this node into an allocation of its
    /// exact size, made now: a run keeps every tree until its last stage, vectors grown by
    /// push hold up to twice what they use, and `shrink_to_fit` gives none of it back under
    /// mimalloc, which keeps a block in place when it shrinks by less than half. The new
    /// allocations also pack what is kept together, where the parse had left it among what
    /// was freed (max RSS at 10,000 files: 38.2 MB of anonymous memory before, 33.9 after;
    /// issue #11). Iterative, like [`Node::walk`].
    pub fn compact(&mut self) {
        let mut stack: Vec<&mut Node> = vec![self];
        while let Some(node) = stack.pop() {
            match &mut node.value {
                Value::String(s) => *s = String::from(s.as_str()),
                Value::Array(items) => {
                    *items = exact(items);
                    stack.extend(items.iter_mut());
                }
                Value::Object(members) => {
                    *members = exact(members);
                    for member in members.iter_mut() {
                        member.key.compact();
                        stack.push(&mut member.value);
                    }
                }
                Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {}
            }
        }
    }
}

/// `items` moved into a new vector with no spare capacity (see [`Node::compact`]).
pub(crate) fn exact<T>(items: &mut Vec<T>) -> Vec<T> {
    let mut fresh = Vec::with_capacity(items.len());
    fresh.append(items);
    fresh
}

/// What is at a position of a document: a mapping key or a value, with its JSON Pointer.
#[derive(Debug)]
pub enum Hit<'a> {
    Key(&'a Member, String),
    Value(&'a Node, String),
}

impl Node {
    /// The innermost key or value whose span contains `offset`. Iterative, like [`Node::walk`].
    pub fn locate(&self, offset: u32) -> Option<Hit<'_>> {
        let contains = |span: Span| span.start <= offset && offset <= span.end;
        if !contains(self.span) {
            return None;
        }
        let mut node = self;
        let mut pointer = String::new();
        loop {
            let next = match &node.value {
                Value::Object(members) => {
                    if let Some(member) = members.iter().find(|m| contains(m.key_span)) {
                        return Some(Hit::Key(member, push_pointer(&pointer, &member.key)));
                    }
                    members
                        .iter()
                        .find(|m| contains(m.value.span))
                        .map(|m| (&m.value, push_pointer(&pointer, &m.key)))
                }
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .find(|(_, n)| contains(n.span))
                    .map(|(i, n)| (n, format!("{pointer}/{i}"))),
                _ => None,
            };
            match next {
                Some((child, child_pointer)) => {
                    node = child;
                    pointer = child_pointer;
                }
                None => return Some(Hit::Value(node, pointer)),
            }
        }
    }
}

/// Appends one reference token to a JSON Pointer, escaping `~` and `/`.
pub fn push_pointer(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

impl Drop for Node {
    // The derived drop recurses once per nesting level. Parsers cap nesting, but dropping
    // iteratively keeps that guarantee local to this type.
    fn drop(&mut self) {
        let mut pending: Vec<Node> = Vec::new();
        take_children(&mut self.value, &mut pending);
        while let Some(mut node) = pending.pop() {
            take_children(&mut node.value, &mut pending);
        }
    }
}

fn take_children(value: &mut Value, pending: &mut Vec<Node>) {
    match value {
        Value::Array(items) => pending.append(items),
        Value::Object(members) => pending.extend(members.drain(..).map(|m| {
            let Member { value, .. } = m;
            value
        })),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Node {
        Node::new(Value::String(v.into()), Span::default(), Style::Json)
    }

    #[test]
    fn pointer_escapes_and_lookup() {
        assert_eq!(push_pointer("/a", "b/c~d"), "/a/b~1c~0d");
        let root = Node::new(
            Value::Object(vec![Member {
                key: "b/c~d".into(),
                key_span: Span::default(),
                value: Node::new(Value::Array(vec![s("x")]), Span::default(), Style::Json),
            }]),
            Span::default(),
            Style::Json,
        );
        assert_eq!(root.pointer("/b~1c~0d/0").and_then(Node::as_str), Some("x"));
        assert!(root.pointer("/missing").is_none());
        let mut seen = Vec::new();
        root.walk("", |p, _| seen.push(p.to_owned()));
        assert_eq!(seen, ["", "/b~1c~0d", "/b~1c~0d/0"]);
    }

    #[test]
    fn compact_keeps_the_tree_and_drops_spare_capacity() {
        // Ten of sixteen: a shrink by less than half, which mimalloc's realloc would keep.
        let mut items = Vec::with_capacity(16);
        items.extend((0..10).map(|i| s(&i.to_string())));
        let mut text = String::with_capacity(64);
        text.push_str("long-lived");
        items.push(Node::new(Value::String(text), Span::default(), Style::Json));
        let mut members = Vec::with_capacity(8);
        members.push(Member {
            key: Key::from("notACommonKey".to_owned()),
            key_span: Span::default(),
            value: Node::new(Value::Array(items), Span::default(), Style::Json),
        });
        let mut root = Node::new(Value::Object(members), Span::default(), Style::Json);
        let before = root.clone();
        root.compact();
        assert_eq!(root, before);
        let Value::Object(members) = &root.value else {
            unreachable!()
        };
        assert_eq!(members.capacity(), 1);
        assert_eq!(members[0].key.as_str(), "notACommonKey");
        let Value::Array(items) = &members[0].value.value else {
            unreachable!()
        };
        assert_eq!(items.capacity(), 11);
        let Some(Value::String(text)) = items.last().map(|n| &n.value) else {
            unreachable!()
        };
        assert_eq!((text.as_str(), text.capacity()), ("long-lived", 10));
    }

    /// Keys of `rules/common-keys.txt` point into it; others own their text; both compare,
    /// order and hash as their text.
    #[test]
    fn common_keys_are_held_without_their_own_text() {
        let common = Key::new("pinRequired");
        let other = Key::from("notAGraphProperty".to_owned());
        assert!(common.is_common());
        assert!(!other.is_common());
        assert_eq!(common, "pinRequired");
        assert_eq!(other.as_str(), "notAGraphProperty");
        assert!(other < common, "ordered as text, not by how a key is held");
        let set: std::collections::HashSet<Key> = [common.clone(), other].into_iter().collect();
        assert!(set.contains("pinRequired"));
        assert_eq!(format!("{common}"), "pinRequired");
    }

    /// The list is sorted, without repeats or blank lines, and built into the program as the
    /// same keys, each held by its position.
    #[test]
    fn the_common_key_list_is_sorted_and_unique() {
        let text = include_str!("../../rules/common-keys.txt");
        let keys: Vec<&str> = text.lines().collect();
        assert!(keys.len() > 100);
        assert!(keys.iter().all(|k| !k.is_empty() && k.trim() == *k));
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
        assert_eq!(COMMON_KEYS, keys.as_slice());
        for key in keys {
            let held = Key::new(key);
            assert!(held.is_common(), "{key}");
            assert_eq!(held.as_str(), key);
        }
    }

    /// What a kept tree costs per member (issue #11): a key is two words, a member nine.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_key_is_two_words() {
        assert_eq!(std::mem::size_of::<Key>(), 16);
        assert_eq!(std::mem::size_of::<Member>(), 72);
    }

    #[test]
    fn deep_tree_drops_without_overflow() {
        let mut node = s("leaf");
        for _ in 0..200_000 {
            node = Node::new(Value::Array(vec![node]), Span::default(), Style::Json);
        }
        drop(node);
    }
}
