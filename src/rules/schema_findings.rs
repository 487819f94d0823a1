//! Schema errors → MAM006 (unknown key) and MAM007 (invalid value) at the exact key or value.
//!
//! `schema::validate` says what is wrong at which pointer; this module decides the finding.
//! Each unexpected key gets its own MAM006 at the key, with a did-you-mean from the keys the
//! schema allows there. A missing key is reported at the key that holds the incomplete
//! object. Everything else is MAM007 at the value, worded from the error's kind. Values that
//! MAM003/MAM004 explain better (a YAML 1.1 boolean, an unquoted version) are left to them.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::{InvalidValue, UnknownProperty, UnquotedVersion, Yaml11Boolean};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::properties::PROPERTIES;
use crate::model::settings::FACTS;
use crate::model::{At, Entity, Platform};
use crate::schema::{self, SchemaError, SchemaErrorKind};
use crate::suggest;
use crate::syntax::{Member, Node, Span, push_pointer};

/// How many unknown keys of one mapping are reported one by one (with a did-you-mean).
const MAX_REPORTED_KEYS: usize = 100;

/// Validates an entity and reports MAM006/MAM007. `text` is the decoded text of the entity's
/// file, for naming a key as the user wrote it where that differs from the Graph name (an
/// attribute of a Terraform resource).
pub(crate) fn check(
    entity: &Entity<'_>,
    platform: Option<Platform>,
    text: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut found = Vec::new();
    for error in schema::validate(entity, platform) {
        report(entity, platform, text, &error, &mut found);
    }
    // `if`/`then` branches can report one problem twice.
    found.dedup_by(|a, b| a.location == b.location && a.message == b.message);
    out.extend(found);
}

fn report(
    entity: &Entity<'_>,
    platform: Option<Platform>,
    text: &str,
    error: &SchemaError,
    out: &mut Vec<Diagnostic>,
) {
    let pointer = error.pointer.as_str();
    let Some(at) = entity.find(pointer) else {
        return;
    };
    match &error.kind {
        SchemaErrorKind::UnknownKeys { keys, allowed } => {
            // One lookup per key: by hash, so a mapping of many unknown keys stays linear (the
            // last of repeated keys, as `Node::member` finds it).
            let members: HashMap<&str, &Member> = at
                .node
                .as_object()
                .unwrap_or(&[])
                .iter()
                .map(|m| (m.key.as_str(), m))
                .collect();
            let present: Vec<(&String, &&Member)> = keys
                .iter()
                .filter_map(|key| Some((key, members.get(key.as_str())?)))
                .collect();
            for (key, member) in present.iter().take(MAX_REPORTED_KEYS) {
                let key_pointer = push_pointer(&at.pointer, key);
                let location = entity.key_location(member, &key_pointer);
                // Another tool's resource names the key its own way (`minimum_pin_length`).
                let written = entity
                    .resource()
                    .and_then(|_| text.get(member.key_span.range()))
                    .filter(|w| !w.is_empty())
                    .unwrap_or(key);
                out.push(unknown_key(
                    entity,
                    platform,
                    &at,
                    Key {
                        graph: key,
                        written,
                    },
                    allowed,
                    location,
                ));
            }
            // Past a hundred unknown keys in one mapping the file is not a typo away from
            // right: one more finding says how many are left, instead of one per key.
            if let Some((key, member)) = present.get(MAX_REPORTED_KEYS) {
                let more = present.len() - MAX_REPORTED_KEYS;
                let location = entity.key_location(member, &push_pointer(&at.pointer, key));
                out.push(
                    Diagnostic::new(
                        &UnknownProperty::META,
                        location,
                        format!(
                            "{more} more unknown keys from `{key}` on; only the first {MAX_REPORTED_KEYS} of one mapping are reported one by one"
                        ),
                    )
                    .label("unknown keys from here on"),
                );
            }
        }
        // Not missing, only unknown (an expression in a Terraform or DSC resource).
        SchemaErrorKind::MissingKey(key) if at.pointer.is_empty() && entity.is_unknown(key) => {}
        SchemaErrorKind::MissingKey(key) => {
            let location = holder_location(entity, &at);
            let place = if at.pointer.is_empty() {
                "the document".to_owned()
            } else {
                format!("`{}`", last_key(&at.pointer))
            };
            out.push(
                Diagnostic::new(
                    &InvalidValue::META,
                    location,
                    format!("{place} is missing the required key `{key}`"),
                )
                .label(format!("`{key}` is required here")),
            );
        }
        kind => {
            if leave_to_other_rules(entity, platform, &at, kind) {
                return;
            }
            let name = last_key(&at.pointer);
            let (message, help) = if entity.is_export()
                && at.pointer.ends_with("/target/@odata.type")
                && matches!(kind, SchemaErrorKind::Enum(_))
            {
                // A did-you-mean between target types would suggest excluding a group.
                (
                    format!(
                        "{} is not a valid assignment target of an app protection policy: the service accepts only groups",
                        show(at.node)
                    ),
                    Some("assign the policy to Entra groups (`#microsoft.graph.groupAssignmentTarget` with a `groupId`), and exclude groups with `#microsoft.graph.exclusionGroupAssignmentTarget`".to_owned()),
                )
            } else {
                describe(kind, &name, at.node)
            };
            let mut diagnostic =
                Diagnostic::new(&InvalidValue::META, entity.location(&at), message)
                    .label(label(kind));
            if let Some(help) = help {
                diagnostic = diagnostic.help(help);
            }
            out.push(diagnostic);
        }
    }
}

/// The key of the last pointer token, for messages; a list item is named by its list and
/// index, `domains[0]`.
fn last_key(pointer: &str) -> String {
    let mut tokens = pointer
        .rsplit('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"));
    let last = tokens.next().unwrap_or_default();
    match (last.parse::<usize>(), tokens.next()) {
        (Ok(index), Some(parent)) if !parent.is_empty() => format!("{parent}[{index}]"),
        _ => last,
    }
}

/// Where to point for a problem with a whole object: the key that holds it, or its first key
/// when it is the document itself, so the label stays on one line.
fn holder_location(entity: &Entity<'_>, at: &At<'_>) -> Location {
    if let Some((parent_pointer, key)) = at.pointer.rsplit_once('/')
        && let Some(parent) = entity.find(parent_pointer)
    {
        let key = key.replace("~1", "/").replace("~0", "~");
        if let Some((member, pointer)) = parent.member(&key) {
            return entity.key_location(member, &pointer);
        }
    }
    match at.node.as_object().and_then(|m| m.first()) {
        Some(first) => Location {
            span: first.key_span,
            ..entity.location(at)
        },
        None => Location {
            span: Span::new(at.node.span.start as usize, at.node.span.start as usize + 1),
            ..entity.location(at)
        },
    }
}

fn settings_pointer(entity: &Entity<'_>) -> &'static str {
    if entity.is_export() {
        ""
    } else {
        "/spec/settings"
    }
}

/// An unknown key: its Graph name, and how the user wrote it (the same in YAML and JSON).
struct Key<'k> {
    graph: &'k str,
    written: &'k str,
}

fn unknown_key(
    entity: &Entity<'_>,
    platform: Option<Platform>,
    at: &At<'_>,
    key: Key<'_>,
    allowed: &[String],
    location: Location,
) -> Diagnostic {
    let Key {
        graph: key,
        written,
    } = key;
    let renamed = written != key;
    let suggestion = suggest::closest(key, allowed.iter().map(String::as_str)).map(|s| {
        if renamed {
            format!("the closest Graph property is `{s}`")
        } else {
            format!("did you mean `{s}`?")
        }
    });
    let in_settings = platform.is_some() && at.pointer == settings_pointer(entity);
    let (message, help) = match platform.filter(|_| in_settings) {
        Some(_) if !entity.is_export() && FACTS.is_read_only(key) => (
            format!("`{key}` is read-only: Graph sets it, a policy cannot"),
            Some("remove it; mamlint ignores read-only keys only in Graph exports".to_owned()),
        ),
        Some(_)
            if !entity.is_export()
                && (FACTS.is_spec_key(key)
                    || PROPERTIES
                        .get(Platform::Ios, key)
                        .is_some_and(|p| p.is_navigation())) =>
        {
            (
                format!("`{key}` belongs in `spec`, not in `spec.settings`"),
                Some(format!("move `{key}` up one level, next to `platform`")),
            )
        }
        Some(platform) if PROPERTIES.get(platform.other(), key).is_some() => (
            format!(
                "`{written}` is an {} setting; {} policies have no such property",
                platform.other().label(),
                platform.label()
            ),
            Some(format!(
                "remove it, or move it to an {} policy",
                platform.other().label()
            )),
        ),
        Some(platform) if renamed => (
            format!(
                "`{written}` maps to `{key}`, which is not a Graph property of {}",
                platform.graph_type()
            ),
            suggestion,
        ),
        Some(platform) => (
            format!(
                "`{key}` is not a Graph property of {}",
                platform.graph_type()
            ),
            suggestion,
        ),
        None => {
            let place = if at.pointer.is_empty() {
                "at the top level".to_owned()
            } else {
                format!("in `{}`", last_key(&at.pointer))
            };
            let what = if entity.resource().is_some() {
                entity.describe()
            } else if entity.is_export() {
                "a Graph export".to_owned()
            } else {
                entity.kind.name().to_owned()
            };
            (
                format!("unknown key `{written}` {place} of {what}"),
                suggestion,
            )
        }
    };
    let mut diagnostic =
        Diagnostic::new(&UnknownProperty::META, location, message).label("unknown key");
    if let Some(help) = help {
        diagnostic = diagnostic.help(help);
    }
    diagnostic
}

/// MAM003 and MAM004 report these values with a fix; a type error on top would be noise.
fn leave_to_other_rules(
    entity: &Entity<'_>,
    platform: Option<Platform>,
    at: &At<'_>,
    kind: &SchemaErrorKind,
) -> bool {
    if !matches!(kind, SchemaErrorKind::Type(_)) {
        return false;
    }
    let Some(platform) = platform else {
        return false;
    };
    let Some(parent) = at.pointer.rsplit_once('/').map(|(p, _)| p) else {
        return false;
    };
    if parent != settings_pointer(entity) {
        return false;
    }
    let key = at.pointer.rsplit('/').next().unwrap_or_default();
    let Some(property) = PROPERTIES.get(platform, key) else {
        return false;
    };
    Yaml11Boolean::applies(property, at.node) || UnquotedVersion::applies(property, at.node)
}

fn label(kind: &SchemaErrorKind) -> &'static str {
    match kind {
        SchemaErrorKind::Type(_) => "wrong type",
        SchemaErrorKind::Enum(_) | SchemaErrorKind::Constant(_) => "not an allowed value",
        SchemaErrorKind::Pattern(_) => "malformed",
        SchemaErrorKind::Minimum(_) | SchemaErrorKind::Maximum(_) => "out of range",
        _ => "invalid value",
    }
}

fn show(node: &Node) -> String {
    match node.to_json() {
        Json::String(s) => format!("\"{s}\""),
        Json::Array(_) => "a list".to_owned(),
        Json::Object(_) => "a mapping".to_owned(),
        other => other.to_string(),
    }
}

fn describe(kind: &SchemaErrorKind, name: &str, node: &Node) -> (String, Option<String>) {
    let subject = if name.is_empty() {
        "the document".to_owned()
    } else {
        format!("`{name}`")
    };
    match kind {
        SchemaErrorKind::Type(types) => (
            format!(
                "{subject} must be {}, not {} {}",
                with_article(types),
                node.type_name(),
                show(node)
            ),
            None,
        ),
        SchemaErrorKind::Enum(values) => {
            let suggestion = node
                .as_str()
                .and_then(|v| suggest::closest(v, values.iter().map(String::as_str)));
            let listed = values
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let help = match suggestion {
                Some(s) => format!("did you mean `{s}`? Allowed values: {listed}"),
                None => format!("allowed values: {listed}"),
            };
            (
                format!("{} is not an allowed value of {subject}", show(node)),
                Some(help),
            )
        }
        SchemaErrorKind::Constant(expected) => (
            format!("{subject} must be {expected}, not {}", show(node)),
            None,
        ),
        SchemaErrorKind::Pattern(expected) => (
            format!(
                "{} is not a valid value of {subject}: expected {expected}",
                show(node)
            ),
            None,
        ),
        SchemaErrorKind::Minimum(limit) => (
            format!("{subject} must be at least {limit}, not {}", show(node)),
            None,
        ),
        SchemaErrorKind::Maximum(limit) => (
            format!("{subject} must be at most {limit}, not {}", show(node)),
            None,
        ),
        SchemaErrorKind::Empty => (format!("{subject} must not be empty"), None),
        SchemaErrorKind::NoProperties => (
            format!("{subject} is empty"),
            Some("an adminConsent entry names the app with `app` (catalog key), `appId` (Entra application ID), or both".to_owned()),
        ),
        SchemaErrorKind::MissingKey(_) | SchemaErrorKind::UnknownKeys { .. } => {
            (format!("{subject} is invalid"), None)
        }
        SchemaErrorKind::Other(other) => (format!("{subject} is invalid: {other}"), None),
    }
}

fn with_article(noun: &str) -> String {
    match noun.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {noun}"),
        _ => format!("a {noun}"),
    }
}
