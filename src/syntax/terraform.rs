//! Terraform front end (spec §8.2): hcl-edit → one Graph-shaped [`Document`] per app
//! protection or app configuration resource of the two providers that manage them.
//!
//! Part of the first stage of the data flow, beside `yaml.rs` and `json.rs`: `syntax::load`
//! calls [`parse`] for `*.tf` files, and `model::classify` reads each document's
//! [`Resource`] instead of guessing what it is, so every rule runs unchanged. A document's
//! keys are Graph property names, mapped from the attribute names by each provider's rule
//! and exceptions (`rules/terraform-names.json`); every node keeps the span of what the user
//! wrote. A value mamlint cannot evaluate (a variable, a reference, a function call, a
//! template) makes its top-level key unknown ([`Resource::unknown`]) rather than a value,
//! and so does what a resource type cannot hold.
//!
//! The deploymenttheory provider keeps a policy's apps in separate `…_managed_mobile_app`
//! resources that name the policy by `managed_app_protection_id = <type>.<name>.id`; those
//! links are resolved within the file only: apps linked from another file of the workspace
//! are not seen, so a policy of that provider without apps in its own file has unknown apps.
//!
//! This is the only module that touches hcl-edit.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{Block, Body, Structure};
use serde::Deserialize;

use super::node::{Comment, Document, Key, Member, Node, Resource, Style, Value};
use super::source::Span;
use super::{MAX_NODES, ParseError, ParsedFile};

/// Deepest nesting of values converted. hcl-edit rejects input nested deeper than 64 levels
/// before this is reached; the bound keeps the recursion here safe on its own.
pub const MAX_DEPTH: usize = 256;

/// The bytes every resource type mamlint reads starts with; a directory walk parses a `.tf`
/// file only when it holds them.
pub const RESOURCE_PREFIX: &str = "microsoft365";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Names {
    meta_arguments: MetaArguments,
    providers: BTreeMap<String, Provider>,
    resources: BTreeMap<String, ResourceType>,
}

#[derive(Debug, Deserialize)]
struct MetaArguments {
    names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Provider {
    /// Graph names that the generic rule does not give, by `parent.attribute` (or the
    /// attribute alone at the top level).
    renames: BTreeMap<String, String>,
    /// Derived-type keys (`app_id.ios`) and the `@odata.type` they stand for.
    derived_types: BTreeMap<String, String>,
    /// Discriminator attributes (`mobile_app_identifier.type`) and the `@odata.type` of each
    /// of their values.
    type_values: BTreeMap<String, BTreeMap<String, String>>,
    /// An `assignments` item is the Graph assignment's `target` itself (`{type, group_id}`).
    assignment_item_is_target: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceType {
    provider: String,
    kind: ResourceKind,
    graph_type: Option<String>,
    /// Apps come from `…_managed_mobile_app` resources linked to the policy.
    #[serde(default)]
    linked_apps: bool,
    /// Graph keys the resource type has no attribute for: unknown, not empty, when omitted.
    #[serde(default)]
    cannot_hold: Vec<String>,
    /// Graph keys that the provider sets to an empty list when the attribute is omitted.
    #[serde(default)]
    empty_when_omitted: Vec<String>,
    attributes: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ResourceKind {
    /// A policy or app configuration: one document.
    Policy,
    /// One app of a policy, linked to it by `managed_app_protection_id`.
    App,
}

static NAMES: LazyLock<Names> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../rules/terraform-names.json")).unwrap_or_else(|e| {
        panic!("rules/terraform-names.json is embedded at build time and must parse: {e}")
    })
});

/// The resource types that are documents (policies and app configurations), for messages and
/// for telling a broken policy file from other Terraform.
pub fn policy_resource_types() -> impl Iterator<Item = &'static str> {
    NAMES
        .resources
        .iter()
        .filter(|(_, r)| r.kind == ResourceKind::Policy)
        .map(|(name, _)| name.as_str())
}

/// The resource types that add one app to a policy (deploymenttheory provider).
pub fn app_resource_types() -> impl Iterator<Item = &'static str> {
    NAMES
        .resources
        .iter()
        .filter(|(_, r)| r.kind == ResourceKind::App)
        .map(|(name, _)| name.as_str())
}

/// One attribute of a resource type's schema, as the provider's sources list it, with the
/// Graph name it maps to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappedAttribute {
    pub resource_type: &'static str,
    pub graph_type: Option<&'static str>,
    pub attribute: &'static str,
    pub graph_name: String,
}

/// Every top-level attribute of every resource type, mapped (for the test that finds each in
/// the Graph property catalog).
pub fn mapped_attributes() -> Vec<MappedAttribute> {
    let mut out = Vec::new();
    for (name, resource) in &NAMES.resources {
        let Some(provider) = NAMES.providers.get(&resource.provider) else {
            continue;
        };
        for attribute in &resource.attributes {
            out.push(MappedAttribute {
                resource_type: name,
                graph_type: resource.graph_type.as_deref(),
                attribute,
                graph_name: graph_name(provider, "", attribute),
            });
        }
    }
    out
}

/// Whether the file's resources all name a provider the data knows (a test of the data).
pub fn providers_are_known() -> bool {
    NAMES
        .resources
        .values()
        .all(|r| NAMES.providers.contains_key(&r.provider))
}

/// `snake_case` → `lowerCamelCase`, both providers' generic rule (WP: `strcase.ToLowerCamel`;
/// DT: each attribute is the exact snake_case of its Graph name).
pub fn lower_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, part) in name.split('_').filter(|p| !p.is_empty()).enumerate() {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            if i == 0 {
                out.extend(first.to_lowercase());
            } else {
                out.extend(first.to_uppercase());
            }
            out.push_str(chars.as_str());
        }
    }
    out
}

/// The Graph name of an attribute whose nearest enclosing attribute is `parent` (empty at
/// the top level of a resource).
fn graph_name(provider: &Provider, parent: &str, attribute: &str) -> String {
    let scoped = if parent.is_empty() {
        None
    } else {
        provider.renames.get(&format!("{parent}.{attribute}"))
    };
    let top = parent
        .is_empty()
        .then(|| provider.renames.get(attribute))
        .flatten();
    match scoped.or(top) {
        Some(name) => name.clone(),
        None => lower_camel(attribute),
    }
}

/// Parses a Terraform file: its policy resources as documents, its comments, or the first
/// syntax error. Never panics on input.
pub fn parse(text: &str) -> ParsedFile {
    let mut parsed = ParsedFile {
        comments: comments(text),
        ..ParsedFile::default()
    };
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(body) => body,
        Err(error) => {
            let location = error.location();
            let at = offset_of(text, location.line(), location.column());
            parsed.error = Some(ParseError {
                span: char_span(text, at),
                message: format!("invalid Terraform: {}", error.message()),
            });
            return parsed;
        }
    };
    match documents(&body) {
        Ok(documents) => parsed.documents = documents,
        Err(limit) => parsed.error = Some(limit.into_error()),
    }
    parsed
}

/// The byte offset of a one-based line and column (in characters), clamped to the text.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let rest = &text[start..];
    let line_text = rest.find('\n').map_or(rest, |end| &rest[..end]);
    let within = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    start + within
}

/// The span of the character at `at`, or an empty span at the end of the text.
fn char_span(text: &str, at: usize) -> Span {
    let width = text
        .get(at..)
        .and_then(|t| t.chars().next())
        .map_or(0, char::len_utf8);
    Span::new(at, at + width)
}

/// A bound of the file as a whole: reading it stops with a parse error.
#[derive(Debug)]
enum Limit {
    /// The file holds more than [`MAX_NODES`] values.
    TooManyNodes,
    /// Values nested deeper than [`MAX_DEPTH`], at this span.
    TooDeep(Span),
}

impl Limit {
    fn into_error(self) -> ParseError {
        match self {
            Limit::TooDeep(span) => ParseError {
                span,
                message: format!("values are nested deeper than {MAX_DEPTH} levels"),
            },
            Limit::TooManyNodes => ParseError {
                span: Span::empty(0),
                message: format!("the file holds more than {MAX_NODES} values"),
            },
        }
    }
}

/// Why a value was not read.
#[derive(Debug)]
enum Stop {
    /// It is an expression mamlint cannot evaluate: its top-level key is unknown.
    Unknown,
    Limit(Limit),
}

impl From<Limit> for Stop {
    fn from(limit: Limit) -> Self {
        Stop::Limit(limit)
    }
}

fn span_of(item: &impl hcl_edit::Span, fallback: Span) -> Span {
    item.span().map_or(fallback, |r| Span::new(r.start, r.end))
}

/// One resource block of the file that mamlint reads.
struct Found<'b> {
    type_name: &'b str,
    name: &'b str,
    block: &'b Block,
    resource: &'static ResourceType,
    provider: &'static Provider,
    /// The span of the name label, where findings about something the block omits point.
    name_span: Span,
}

/// The apps linked to one policy by `…_managed_mobile_app` resources of the file.
#[derive(Default)]
struct Linked {
    apps: Vec<Node>,
    /// An app's identifier is an expression: the policy's apps are unknown.
    unknown: bool,
    /// The first link's `managed_app_protection_id` key, where the policy's `apps` point.
    key_span: Option<Span>,
}

fn found_resources(body: &Body) -> Vec<Found<'_>> {
    let mut found = Vec::new();
    for block in body.blocks() {
        if block.ident.as_str() != "resource" {
            continue;
        }
        let [type_label, name_label] = block.labels.as_slice() else {
            continue;
        };
        let Some((type_key, resource)) = NAMES.resources.get_key_value(type_label.as_str()) else {
            continue;
        };
        let Some(provider) = NAMES.providers.get(&resource.provider) else {
            continue;
        };
        let block_span = span_of(block, Span::empty(0));
        found.push(Found {
            type_name: type_key.as_str(),
            name: name_label.as_str(),
            block,
            resource,
            provider,
            name_span: span_of(name_label, block_span),
        });
    }
    found
}

fn documents(body: &Body) -> Result<Vec<Document>, Limit> {
    let found = found_resources(body);
    let mut convert = Converter { budget: MAX_NODES };
    let mut linked: HashMap<String, Linked> = HashMap::new();
    for app in found
        .iter()
        .filter(|f| f.resource.kind == ResourceKind::App)
    {
        link_app(&mut convert, app, &mut linked)?;
    }
    let mut documents = Vec::new();
    for policy in found
        .iter()
        .filter(|f| f.resource.kind == ResourceKind::Policy)
    {
        let Some(graph_type) = policy.resource.graph_type.clone() else {
            continue;
        };
        let address = format!("{}.{}", policy.type_name, policy.name);
        let (mut root, mut unknown) = convert.resource_body(policy)?;
        let links = linked.remove(&address);
        attach_apps(&mut convert, policy, &mut root, &mut unknown, links)?;
        omitted_keys(&mut convert, policy, &mut root, &mut unknown)?;
        documents.push(Document {
            root,
            index: documents.len(),
            resource: Some(Box::new(Resource {
                graph_type,
                address,
                unknown,
            })),
        });
    }
    Ok(documents)
}

/// Reads one `…_managed_mobile_app` resource into the apps of the policy it names.
fn link_app(
    convert: &mut Converter,
    app: &Found<'_>,
    linked: &mut HashMap<String, Linked>,
) -> Result<(), Limit> {
    let body = &app.block.body;
    let Some(link) = body.get_attribute("managed_app_protection_id") else {
        return Ok(());
    };
    // A literal policy ID names a policy outside the file.
    let Some(target) = referenced_resource(&link.value) else {
        return Ok(());
    };
    let entry = linked.entry(target).or_default();
    entry
        .key_span
        .get_or_insert_with(|| span_of(&link.key, Span::empty(0)));
    let block_span = span_of(app.block, app.name_span);
    let Some(identifier) = body.get_attribute("mobile_app_identifier") else {
        return Ok(());
    };
    let mut members = Vec::new();
    let key_span = span_of(&identifier.key, block_span);
    match convert.expr(
        app.provider,
        &identifier.value,
        "mobile_app_identifier",
        1,
        key_span,
    ) {
        Ok(Some(node)) => members.push(Member {
            key: Key::new("mobileAppIdentifier"),
            key_span,
            value: node,
        }),
        Ok(None) => return Ok(()),
        Err(Stop::Unknown) => {
            entry.unknown = true;
            return Ok(());
        }
        Err(Stop::Limit(limit)) => return Err(limit),
    }
    if let Some(version) = body.get_attribute("version") {
        let key_span = span_of(&version.key, block_span);
        match convert.expr(app.provider, &version.value, "version", 1, key_span) {
            Ok(Some(node)) => members.push(Member {
                key: Key::new("version"),
                key_span,
                value: node,
            }),
            Ok(None) | Err(Stop::Unknown) => {}
            Err(Stop::Limit(limit)) => return Err(limit),
        }
    }
    convert.count()?;
    entry
        .apps
        .push(Node::new(Value::Object(members), block_span, Style::Flow));
    Ok(())
}

/// `type.name.id` (or `type.name[0].id`): the address of the resource a reference names.
fn referenced_resource(expr: &Expression) -> Option<String> {
    let traversal = expr.as_traversal()?;
    let type_name = traversal.expr.as_variable()?.as_str();
    let mut operators = traversal.operators.iter().map(|o| o.value());
    let TraversalOperator::GetAttr(name) = operators.next()? else {
        return None;
    };
    let rest: Vec<&TraversalOperator> = operators.collect();
    let id = match rest.as_slice() {
        [TraversalOperator::GetAttr(id)]
        | [
            TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_),
            TraversalOperator::GetAttr(id),
        ] => id,
        _ => return None,
    };
    (id.as_str() == "id").then(|| format!("{type_name}.{}", name.as_str()))
}

/// Adds the apps linked to a policy; a policy whose apps only links give is unknown when the
/// file links none to it (they may be linked from another file).
fn attach_apps(
    convert: &mut Converter,
    policy: &Found<'_>,
    root: &mut Node,
    unknown: &mut Vec<String>,
    links: Option<Linked>,
) -> Result<(), Limit> {
    const APPS: &str = "apps";
    let Value::Object(members) = &mut root.value else {
        return Ok(());
    };
    let links = links.unwrap_or_default();
    if links.unknown {
        members.retain(|m| m.key != APPS);
        if !unknown.iter().any(|u| u == APPS) {
            unknown.push(APPS.to_owned());
        }
        return Ok(());
    }
    let written = members.iter().any(|m| m.key == APPS) || unknown.iter().any(|u| u == APPS);
    if links.apps.is_empty() {
        if policy.resource.linked_apps && !written {
            unknown.push(APPS.to_owned());
        }
        return Ok(());
    }
    if let Some(member) = members.iter_mut().rev().find(|m| m.key == APPS) {
        if let Value::Array(items) = &mut member.value.value {
            items.extend(links.apps);
        }
        return Ok(());
    }
    if written {
        return Ok(());
    }
    let key_span = links.key_span.unwrap_or(policy.name_span);
    let span = links.apps.first().map_or(key_span, |a| a.span);
    convert.count()?;
    members.push(Member {
        key: Key::new(APPS),
        key_span,
        value: Node::new(Value::Array(links.apps), span, Style::Flow),
    });
    Ok(())
}

/// What an omitted attribute means for the resource type: none (an empty list) or unknown.
fn omitted_keys(
    convert: &mut Converter,
    policy: &Found<'_>,
    root: &mut Node,
    unknown: &mut Vec<String>,
) -> Result<(), Limit> {
    let Value::Object(members) = &mut root.value else {
        return Ok(());
    };
    let present = |members: &[Member], unknown: &[String], key: &str| {
        members.iter().any(|m| m.key == key) || unknown.iter().any(|u| u == key)
    };
    for key in &policy.resource.cannot_hold {
        if !present(members, unknown, key) {
            unknown.push(key.clone());
        }
    }
    for key in &policy.resource.empty_when_omitted {
        if !present(members, unknown, key) {
            convert.count()?;
            members.push(Member {
                key: Key::new(key),
                key_span: policy.name_span,
                value: Node::new(Value::Array(Vec::new()), policy.name_span, Style::Flow),
            });
        }
    }
    Ok(())
}

/// One key of an object or block body, before mapping.
struct Entry<'e> {
    key: &'e str,
    key_span: Span,
    value: EntryValue<'e>,
}

enum EntryValue<'e> {
    Expr(&'e Expression),
    Block(&'e Block),
}

fn is_meta(name: &str) -> bool {
    NAMES.meta_arguments.names.iter().any(|m| m == name)
}

/// Builds Graph-shaped nodes within the file's node budget.
struct Converter {
    budget: usize,
}

impl Converter {
    fn count(&mut self) -> Result<(), Limit> {
        self.budget = self.budget.checked_sub(1).ok_or(Limit::TooManyNodes)?;
        Ok(())
    }

    /// A resource's body: the top-level keys it sets, and those whose value is unknown.
    fn resource_body(&mut self, found: &Found<'_>) -> Result<(Node, Vec<String>), Limit> {
        let provider = found.provider;
        let block_span = span_of(found.block, found.name_span);
        let mut members = Vec::new();
        let mut unknown = Vec::new();
        for structure in found.block.body.iter() {
            let entry = match structure {
                Structure::Attribute(attribute) => Entry {
                    key: attribute.key.as_str(),
                    key_span: span_of(&attribute.key, block_span),
                    value: EntryValue::Expr(&attribute.value),
                },
                Structure::Block(block) => {
                    let ident = block.ident.as_str();
                    if ident == "dynamic" {
                        // `dynamic "assignments" { for_each = … }` generates the values.
                        if let Some(label) = block.labels.first()
                            && !is_meta(label.as_str())
                        {
                            unknown.push(graph_name(provider, "", label.as_str()));
                        }
                        continue;
                    }
                    Entry {
                        key: ident,
                        key_span: span_of(&block.ident, block_span),
                        value: EntryValue::Block(block),
                    }
                }
            };
            if is_meta(entry.key) {
                continue;
            }
            let name = graph_name(provider, "", entry.key);
            match self.entry_value(provider, &entry, 1) {
                Ok(Some(value)) => {
                    let value = self.shape(provider, entry.key, value)?;
                    members.push(Member {
                        key: Key::new(&name),
                        key_span: entry.key_span,
                        value,
                    });
                }
                Ok(None) => {}
                Err(Stop::Unknown) => {
                    if !unknown.contains(&name) {
                        unknown.push(name);
                    }
                }
                Err(Stop::Limit(limit)) => return Err(limit),
            }
        }
        // A key both written and unknown (twice, once as an expression) is unknown.
        members.retain(|m| !unknown.iter().any(|u| m.key == *u));
        self.count()?;
        Ok((
            Node::new(Value::Object(members), block_span, Style::Flow),
            unknown,
        ))
    }

    /// Provider shapes that differ from Graph's beyond names: an `assignments` item that is
    /// the assignment's target (deploymenttheory).
    fn shape(&mut self, provider: &Provider, key: &str, mut value: Node) -> Result<Node, Limit> {
        if key != "assignments" || !provider.assignment_item_is_target {
            return Ok(value);
        }
        if let Value::Array(items) = &mut value.value {
            for item in items.iter_mut() {
                if item.as_object().is_none() {
                    continue;
                }
                self.count()?;
                let span = item.span;
                let target = std::mem::replace(item, Node::new(Value::Null, span, Style::Plain));
                *item = Node::new(
                    Value::Object(vec![Member {
                        key: Key::new("target"),
                        key_span: span,
                        value: target,
                    }]),
                    span,
                    Style::Flow,
                );
            }
        }
        Ok(value)
    }

    fn entry_value(
        &mut self,
        provider: &Provider,
        entry: &Entry<'_>,
        depth: usize,
    ) -> Result<Option<Node>, Stop> {
        match entry.value {
            EntryValue::Expr(expr) => self.expr(provider, expr, entry.key, depth, entry.key_span),
            EntryValue::Block(block) => {
                let span = span_of(block, entry.key_span);
                let entries = body_entries(&block.body, span);
                self.object(provider, &entries, span, entry.key, depth)
                    .map(Some)
            }
        }
    }

    /// The value of an expression whose nearest enclosing attribute is `parent`; `None` for
    /// `null`, which Terraform reads as the attribute left out.
    fn expr(
        &mut self,
        provider: &Provider,
        expr: &Expression,
        parent: &str,
        depth: usize,
        fallback: Span,
    ) -> Result<Option<Node>, Stop> {
        let span = span_of(expr, fallback);
        if depth > MAX_DEPTH {
            return Err(Limit::TooDeep(span).into());
        }
        self.count()?;
        let node = match expr {
            Expression::Null(_) => return Ok(None),
            Expression::Bool(b) => Node::new(Value::Bool(*b.value()), span, Style::Plain),
            Expression::Number(n) => Node::new(number(n.value()), span, Style::Plain),
            Expression::String(s) => {
                Node::new(Value::String(s.value().clone()), span, Style::DoubleQuoted)
            }
            Expression::Array(array) => {
                let mut items = Vec::with_capacity(array.len());
                for item in array.iter() {
                    let node = self.expr(provider, item, parent, depth + 1, span)?;
                    items.push(node.unwrap_or_else(|| {
                        Node::new(Value::Null, span_of(item, span), Style::Plain)
                    }));
                }
                Node::new(Value::Array(items), span, Style::Flow)
            }
            Expression::Object(object) => {
                let mut entries = Vec::with_capacity(object.len());
                for (key, value) in object.iter() {
                    let key_span = span_of(key, span);
                    let key = match key {
                        ObjectKey::Ident(ident) => ident.as_str(),
                        ObjectKey::Expression(Expression::String(s)) => s.value().as_str(),
                        ObjectKey::Expression(_) => return Err(Stop::Unknown),
                    };
                    entries.push(Entry {
                        key,
                        key_span,
                        value: EntryValue::Expr(value.expr()),
                    });
                }
                return self
                    .object(provider, &entries, span, parent, depth)
                    .map(Some);
            }
            Expression::Parenthesis(inner) => {
                return self.expr(provider, inner.inner(), parent, depth + 1, span);
            }
            Expression::UnaryOp(op) if *op.operator.value() == UnaryOperator::Neg => {
                match &op.expr {
                    Expression::Number(n) => {
                        Node::new(negate(number(n.value())), span, Style::Plain)
                    }
                    _ => return Err(Stop::Unknown),
                }
            }
            // Variables, references, function calls, templates, conditionals, operators and
            // `for` expressions are evaluated by Terraform, not here.
            _ => return Err(Stop::Unknown),
        };
        Ok(Some(node))
    }

    /// An object or block body whose nearest enclosing attribute is `parent`, with its keys
    /// mapped to Graph names and the provider's derived types and discriminators turned into
    /// `@odata.type`.
    fn object(
        &mut self,
        provider: &Provider,
        entries: &[Entry<'_>],
        span: Span,
        parent: &str,
        depth: usize,
    ) -> Result<Node, Stop> {
        if depth > MAX_DEPTH {
            return Err(Limit::TooDeep(span).into());
        }
        self.count()?;
        let mut members = Vec::with_capacity(entries.len());
        for entry in entries {
            let scoped = format!("{parent}.{}", entry.key);
            if let Some(odata_type) = provider.derived_types.get(&scoped) {
                let inner = match entry.value {
                    EntryValue::Expr(Expression::Null(_)) => continue,
                    EntryValue::Expr(Expression::Object(_)) | EntryValue::Block(_) => {
                        self.entry_value(provider, entry, depth + 1)?
                    }
                    EntryValue::Expr(_) => return Err(Stop::Unknown),
                };
                self.count()?;
                members.push(Member {
                    key: Key::new("@odata.type"),
                    key_span: entry.key_span,
                    value: Node::new(
                        Value::String(odata_type.clone()),
                        entry.key_span,
                        Style::Plain,
                    ),
                });
                if let Some(mut inner) = inner
                    && let Value::Object(lifted) = &mut inner.value
                {
                    members.append(lifted);
                }
                continue;
            }
            let Some(value) = self.entry_value(provider, entry, depth + 1)? else {
                continue;
            };
            if let Some(types) = provider.type_values.get(&scoped) {
                let odata_type = value
                    .as_str()
                    .map(|v| types.get(v).cloned().unwrap_or_else(|| v.to_owned()));
                if let Some(odata_type) = odata_type {
                    members.push(Member {
                        key: Key::new("@odata.type"),
                        key_span: entry.key_span,
                        value: Node::new(Value::String(odata_type), value.span, value.style),
                    });
                    continue;
                }
            }
            let value = self.shape(provider, entry.key, value)?;
            members.push(Member {
                key: graph_name(provider, parent, entry.key).into(),
                key_span: entry.key_span,
                value,
            });
        }
        Ok(Node::new(Value::Object(members), span, Style::Flow))
    }
}

fn body_entries(body: &Body, fallback: Span) -> Vec<Entry<'_>> {
    body.iter()
        .filter_map(|structure| match structure {
            Structure::Attribute(attribute) => Some(Entry {
                key: attribute.key.as_str(),
                key_span: span_of(&attribute.key, fallback),
                value: EntryValue::Expr(&attribute.value),
            }),
            Structure::Block(block) if !is_meta(block.ident.as_str()) => Some(Entry {
                key: block.ident.as_str(),
                key_span: span_of(&block.ident, fallback),
                value: EntryValue::Block(block),
            }),
            Structure::Block(_) => None,
        })
        .collect()
}

fn number(n: &hcl_edit::Number) -> Value {
    match (n.as_i64(), n.as_f64()) {
        (Some(i), _) if !n.is_f64() => Value::Int(i),
        (_, Some(f)) => Value::Float(f),
        (Some(i), None) => Value::Int(i),
        (None, None) => Value::Null,
    }
}

fn negate(value: Value) -> Value {
    match value {
        Value::Int(i) => i
            .checked_neg()
            .map_or(Value::Float(-(i as f64)), Value::Int),
        Value::Float(f) => Value::Float(-f),
        other => other,
    }
}

/// The comments of a Terraform file: `#` and `//` to the end of the line, and `/* … */`,
/// outside strings and heredocs. Scanned from the text because hcl-edit keeps comments only
/// as decoration without positions.
fn comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // One entry per open `${` / `%{` interpolation: the braces opened inside it.
    let mut interpolations: Vec<usize> = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let next = bytes.get(i + 1).copied();
        if in_string {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' | b'\n' => {
                    in_string = false;
                    i += 1;
                }
                // `$${` and `%%{` are a literal `${` / `%{`.
                b'$' | b'%' if next == Some(bytes[i]) && bytes.get(i + 2) == Some(&b'{') => {
                    i += 3;
                }
                b'$' | b'%' if next == Some(b'{') => {
                    interpolations.push(0);
                    in_string = false;
                    i += 2;
                }
                _ => i += 1,
            }
            continue;
        }
        match (bytes[i], next) {
            (b'"', _) => {
                in_string = true;
                i += 1;
            }
            (b'#', _) => i = line_comment(text, i, 1, &mut out),
            (b'/', Some(b'/')) => i = line_comment(text, i, 2, &mut out),
            (b'/', Some(b'*')) => {
                let end = text[i + 2..].find("*/").map_or(text.len(), |e| i + 2 + e);
                out.push(Comment {
                    text: text[i + 2..end].to_owned(),
                    span: Span::new(i, (end + 2).min(text.len())),
                });
                i = end + 2;
            }
            (b'{', _) => {
                if let Some(open) = interpolations.last_mut() {
                    *open += 1;
                }
                i += 1;
            }
            (b'}', _) => {
                match interpolations.last_mut() {
                    Some(0) => {
                        interpolations.pop();
                        in_string = true;
                    }
                    Some(open) => *open -= 1,
                    None => {}
                }
                i += 1;
            }
            (b'<', Some(b'<')) => i = skip_heredoc(text, i),
            _ => i += 1,
        }
    }
    out
}

/// Records the line comment whose marker (of `marker` bytes) starts at `start`; returns where
/// scanning goes on.
fn line_comment(text: &str, start: usize, marker: usize, out: &mut Vec<Comment>) -> usize {
    let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
    let content_end = if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    let from = (start + marker).min(content_end);
    out.push(Comment {
        text: text[from..content_end].to_owned(),
        span: Span::new(start, content_end),
    });
    end
}

/// Past a heredoc (`<<EOT` or `<<-EOT`, then lines up to one holding only `EOT`) that starts
/// at `start`; past the `<<` when it does not start one.
fn skip_heredoc(text: &str, start: usize) -> usize {
    let rest = &text[start + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let delimiter_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let delimiter = &rest[..delimiter_len];
    let after = &rest[delimiter_len..];
    let line_break = if after.starts_with("\r\n") {
        2
    } else if after.starts_with('\n') {
        1
    } else {
        0
    };
    if delimiter.is_empty() || line_break == 0 {
        return start + 2;
    }
    let mut at = text.len() - after.len() + line_break;
    while at < text.len() {
        let end = text[at..].find('\n').map_or(text.len(), |e| at + e);
        if text[at..end].trim() == delimiter {
            return end;
        }
        at = end + 1;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> ParsedFile {
        let parsed = parse(text);
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        parsed
    }

    const WP_IOS: &str = r#"
resource "microsoft365wp_ios_managed_app_protection" "atlassian" {
  display_name       = "Atlassian iOS" # the name
  minimum_pin_length = 6
  pin_required       = true
  app_group_type     = "selectedPublicApps"
  apps = [
    { app_id = { ios = { bundle_id = "com.atlassian.jira.app" } } },
  ]
  assignments = [
    { target = { group = { group_id = "298fded6-b252-4166-a473-f405e935f58d" }, filter_type = "none" } },
  ]
  timeouts = { create = "30s" }
}
"#;

    #[test]
    fn wp_resource_is_a_graph_shaped_document_with_spans() {
        let parsed = parse_ok(WP_IOS);
        let [document] = parsed.documents.as_slice() else {
            panic!("one document");
        };
        let resource = document.resource.as_ref().unwrap();
        assert_eq!(resource.graph_type, "iosManagedAppProtection");
        assert_eq!(
            resource.address,
            "microsoft365wp_ios_managed_app_protection.atlassian"
        );
        assert!(resource.unknown.is_empty());
        let root = &document.root;
        let pin = root.member("minimumPinLength").unwrap();
        assert_eq!(&WP_IOS[pin.key_span.range()], "minimum_pin_length");
        assert_eq!(&WP_IOS[pin.value.span.range()], "6");
        assert_eq!(pin.value.value, Value::Int(6));
        let app = root.pointer("/apps/0/mobileAppIdentifier").unwrap();
        assert_eq!(
            app.get("@odata.type").and_then(Node::as_str),
            Some("#microsoft.graph.iosMobileAppIdentifier")
        );
        let bundle = app.get("bundleId").unwrap();
        assert_eq!(&WP_IOS[bundle.span.range()], "\"com.atlassian.jira.app\"");
        let target = root.pointer("/assignments/0/target").unwrap();
        assert_eq!(
            target.get("@odata.type").and_then(Node::as_str),
            Some("#microsoft.graph.groupAssignmentTarget")
        );
        assert!(target.get("groupId").is_some());
        assert!(
            target
                .get("deviceAndAppManagementAssignmentFilterType")
                .is_some()
        );
        assert!(
            root.get("timeouts").is_none(),
            "meta attributes are not Graph keys"
        );
        assert_eq!(parsed.comments.len(), 1);
        assert_eq!(parsed.comments[0].text, " the name");
        assert_eq!(&WP_IOS[parsed.comments[0].span.range()], "# the name");
    }

    #[test]
    fn expressions_are_unknown_and_null_is_omitted() {
        let text = r#"
variable "pin" {}
resource "microsoft365wp_android_managed_app_protection" "p" {
  display_name       = "P ${var.pin}"
  minimum_pin_length = var.pin
  pin_required       = null
  maximum_pin_retries = -3
  apps = [{ app_id = { android = { package_id = local.jira } } }]
  dynamic "assignments" {
    for_each = []
    content {}
  }
  print_blocked = (true)
}
"#;
        let parsed = parse_ok(text);
        let document = &parsed.documents[0];
        let unknown = &document.resource.as_ref().unwrap().unknown;
        assert_eq!(
            unknown,
            &["displayName", "minimumPinLength", "apps", "assignments"]
        );
        let root = &document.root;
        for key in unknown {
            assert!(root.get(key).is_none(), "{key} is omitted");
        }
        assert!(root.get("pinRequired").is_none());
        assert_eq!(root.get("maximumPinRetries").unwrap().value, Value::Int(-3));
        assert_eq!(root.get("printBlocked").unwrap().value, Value::Bool(true));
    }

    #[test]
    fn dt_apps_come_from_linked_resources_in_the_file() {
        let text = r#"
resource "microsoft365_graph_beta_device_and_app_management_android_managed_app_protection" "atlassian" {
  display_name = "Atlassian"
}
resource "microsoft365_graph_beta_device_and_app_management_android_managed_mobile_app" "jira" {
  managed_app_protection_id = microsoft365_graph_beta_device_and_app_management_android_managed_app_protection.atlassian.id
  mobile_app_identifier = {
    package_id = "com.atlassian.android.jira.core"
  }
}
resource "microsoft365_graph_beta_device_and_app_management_android_managed_app_protection" "other" {
  display_name = "Other"
}
resource "microsoft365_graph_beta_device_and_app_management_android_managed_mobile_app" "elsewhere" {
  managed_app_protection_id = "00000000-0000-0000-0000-000000000001"
  mobile_app_identifier = { package_id = "com.atlassian.android.confluence.core" }
}
"#;
        let parsed = parse_ok(text);
        assert_eq!(parsed.documents.len(), 2);
        let first = &parsed.documents[0];
        assert_eq!(first.resource.as_ref().unwrap().unknown, ["assignments"]);
        let package = first
            .root
            .pointer("/apps/0/mobileAppIdentifier/packageId")
            .unwrap();
        assert_eq!(
            &text[package.span.range()],
            "\"com.atlassian.android.jira.core\""
        );
        let second = &parsed.documents[1];
        assert_eq!(second.index, 1);
        assert_eq!(
            second.resource.as_ref().unwrap().unknown,
            ["apps", "assignments"],
            "no app of the file links to it"
        );
    }

    #[test]
    fn dt_app_configuration_types_and_assignments() {
        let text = r#"
resource "microsoft365_graph_beta_device_and_app_management_targeted_managed_app_configuration" "c" {
  display_name   = "C"
  description    = "d"
  app_group_type = "selectedPublicApps"
  apps = [{ mobile_app_identifier = { type = "ios_mobile_app", bundle_id = "com.atlassian.jira.app" } }]
  assignments = [{ type = "exclusionGroupAssignmentTarget", group_id = "298fded6-b252-4166-a473-f405e935f58d" }]
  custom_settings = [{ name = "com.microsoft.tunnel.connection_type", value = "MicrosoftProtect" }]
}
"#;
        let parsed = parse_ok(text);
        let root = &parsed.documents[0].root;
        assert_eq!(
            root.pointer("/apps/0/mobileAppIdentifier/@odata.type")
                .and_then(Node::as_str),
            Some("#microsoft.graph.iosMobileAppIdentifier")
        );
        assert_eq!(
            root.pointer("/assignments/0/target/@odata.type")
                .and_then(Node::as_str),
            Some("#microsoft.graph.exclusionGroupAssignmentTarget")
        );
        assert!(root.pointer("/assignments/0/target/groupId").is_some());
        assert!(root.pointer("/customSettings/0/name").is_some());
    }

    #[test]
    fn names_map_by_the_generic_rule_and_the_exceptions() {
        assert_eq!(lower_camel("minimum_pin_length"), "minimumPinLength");
        assert_eq!(
            lower_camel("require_class3_biometrics"),
            "requireClass3Biometrics"
        );
        let wp = &NAMES.providers["wp"];
        assert_eq!(graph_name(wp, "apps", "app_id"), "mobileAppIdentifier");
        assert_eq!(graph_name(wp, "windows", "app_id"), "windowsAppId");
        assert_eq!(graph_name(wp, "", "app_id"), "appId");
        assert_eq!(
            graph_name(wp, "target", "filter_id"),
            "deviceAndAppManagementAssignmentFilterId"
        );
        assert!(providers_are_known());
        assert!(policy_resource_types().count() == 5);
        assert!(app_resource_types().count() == 2);
    }

    #[test]
    fn other_resources_and_blocks_are_skipped() {
        let text = r#"
terraform {
  required_providers {
    microsoft365wp = { source = "terraprovider/microsoft365wp" }
  }
}
data "microsoft365wp_ios_managed_app_protection" "x" { id = "1" }
resource "azuread_group" "g" { display_name = "g" }
"#;
        let parsed = parse_ok(text);
        assert!(parsed.documents.is_empty());
    }

    #[test]
    fn syntax_errors_point_at_their_position() {
        let text = "resource \"a\" \"b\" {\n  x = \n}\n";
        let parsed = parse(text);
        let error = parsed.error.unwrap();
        assert!(
            error.message.starts_with("invalid Terraform: "),
            "{}",
            error.message
        );
        assert_eq!(error.span.start, 25, "at the end of line 2: {error:?}");
        let text = "résumé = \"é\" +\n";
        let error = parse(text).error.unwrap();
        assert!(text.is_char_boundary(error.span.start as usize));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for (open, close) in [("[", "]"), ("{a = ", "}"), ("(", ")")] {
            let depth = 10_000;
            let text = format!(
                "resource \"microsoft365wp_ios_managed_app_protection\" \"p\" {{\n  x = {}1{}\n}}\n",
                open.repeat(depth),
                close.repeat(depth)
            );
            assert!(parse(&text).error.is_some(), "{open}");
        }
        let mut blocks = String::new();
        for _ in 0..10_000 {
            blocks.push_str("b {\n");
        }
        blocks.push_str(&"}\n".repeat(10_000));
        assert!(parse(&blocks).error.is_some());
    }

    #[test]
    fn comments_skip_strings_heredocs_and_interpolations() {
        let text = "a = \"# not\" // one\nb = \"${x}#\" /* two\n */ c = <<EOT\n# not\nEOT\n# three\r\nd = \"$${ # four\"\n";
        let found = comments(text);
        let found: Vec<&str> = found.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(found, [" one", " two\n ", " three"]);
        for c in comments(text) {
            assert!(text.is_char_boundary(c.span.end as usize));
        }
    }

    #[test]
    fn the_offset_of_a_line_and_column_counts_characters() {
        let text = "ab\néé x\n";
        assert_eq!(offset_of(text, 2, 3), 7);
        assert_eq!(offset_of(text, 9, 1), text.len());
        assert_eq!(offset_of(text, 1, 99), 2);
    }
}
