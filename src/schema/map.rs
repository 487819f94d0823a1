//! Schema errors → diagnostics at the exact key or value.
//!
//! `additionalProperties` errors point at the parent object; each unexpected key gets its own
//! MAM006 at the key, with a did-you-mean from the keys the schema allows there. `required`
//! errors point at the key that holds the incomplete object. Everything else is MAM007 at the
//! value, worded from the error's kind. Values that MAM003/MAM004 explain better (a YAML 1.1
//! boolean, an unquoted version) are left to those rules.

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value as Json;

use super::patterns;
use crate::diagnostic::{Diagnostic, Location};
use crate::model::properties::PROPERTIES;
use crate::model::settings::FACTS;
use crate::model::{At, Entity, Platform};
use crate::rules::{InvalidValue, UnknownProperty, UnquotedVersion, Yaml11Boolean};
use crate::suggest;
use crate::syntax::{Node, Span};

pub(super) fn report(
    entity: &Entity<'_>,
    platform: Option<Platform>,
    schema: &Json,
    error: &ValidationError<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let pointer = error.instance_path().as_str().to_owned();
    let Some(at) = entity.find(&pointer) else {
        return;
    };
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_keys(schema, error.schema_path().as_str());
            for key in unexpected {
                if let Some((member, key_pointer)) = at.member(key) {
                    let location = entity.key_location(member, &key_pointer);
                    out.push(unknown_key(entity, platform, &at, key, &allowed, location));
                }
            }
        }
        ValidationErrorKind::Required { property } => {
            let key = property.as_str().unwrap_or_default();
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
            let (message, help) = describe(kind, &name, at.node);
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

fn unknown_key(
    entity: &Entity<'_>,
    platform: Option<Platform>,
    at: &At<'_>,
    key: &str,
    allowed: &[String],
    location: Location,
) -> Diagnostic {
    let suggestion = suggest::closest(key, allowed.iter().map(String::as_str));
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
                "`{key}` is an {} setting; {} policies have no such property",
                platform.other().label(),
                platform.label()
            ),
            Some(format!(
                "remove it, or move it to an {} policy",
                platform.other().label()
            )),
        ),
        Some(platform) => (
            format!(
                "`{key}` is not a Graph property of {}",
                platform.graph_type()
            ),
            suggestion.map(|s| format!("did you mean `{s}`?")),
        ),
        None => {
            let place = if at.pointer.is_empty() {
                "at the top level".to_owned()
            } else {
                format!("in `{}`", last_key(&at.pointer))
            };
            let what = if entity.is_export() {
                "a Graph export"
            } else {
                entity.kind.name()
            };
            (
                format!("unknown key `{key}` {place} of {what}"),
                suggestion.map(|s| format!("did you mean `{s}`?")),
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
    kind: &ValidationErrorKind,
) -> bool {
    if !matches!(kind, ValidationErrorKind::Type { .. }) {
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
    Yaml11Boolean::applies(property, at.node) || UnquotedVersion::applies(key, property, at.node)
}

fn label(kind: &ValidationErrorKind) -> &'static str {
    match kind {
        ValidationErrorKind::Type { .. } => "wrong type",
        ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. } => {
            "not an allowed value"
        }
        ValidationErrorKind::Pattern { .. } => "malformed",
        ValidationErrorKind::Minimum { .. } | ValidationErrorKind::Maximum { .. } => "out of range",
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

fn type_names(kind: &TypeKind) -> String {
    let names: Vec<String> = match kind {
        TypeKind::Single(t) => vec![t.to_string()],
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| t.to_string())
            .filter(|t| t != "null")
            .collect(),
    };
    let names: Vec<String> = names
        .into_iter()
        .map(|n| {
            if n == "object" {
                "mapping".to_owned()
            } else {
                n
            }
        })
        .collect();
    names.join(" or ")
}

fn describe(kind: &ValidationErrorKind, name: &str, node: &Node) -> (String, Option<String>) {
    let subject = if name.is_empty() {
        "the document".to_owned()
    } else {
        format!("`{name}`")
    };
    match kind {
        ValidationErrorKind::Type { kind } => {
            (format!("{subject} must be {}, not {} {}", with_article(&type_names(kind)), node.type_name(), show(node)), None)
        }
        ValidationErrorKind::Enum { options } => {
            let values: Vec<&str> = options.as_array().map(|a| a.iter().filter_map(Json::as_str).collect()).unwrap_or_default();
            let suggestion = node.as_str().and_then(|v| suggest::closest(v, values.iter().copied()));
            let listed = values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
            let help = match suggestion {
                Some(s) => format!("did you mean `{s}`? Allowed values: {listed}"),
                None => format!("allowed values: {listed}"),
            };
            (format!("{} is not an allowed value of {subject}", show(node)), Some(help))
        }
        ValidationErrorKind::Constant { expected_value } => {
            (format!("{subject} must be {expected_value}, not {}", show(node)), None)
        }
        ValidationErrorKind::Pattern { pattern } => (
            format!("{} is not a valid value of {subject}: expected {}", show(node), patterns::describe(pattern)),
            None,
        ),
        ValidationErrorKind::Minimum { limit } => (format!("{subject} must be at least {limit}, not {}", show(node)), None),
        ValidationErrorKind::Maximum { limit } => (format!("{subject} must be at most {limit}, not {}", show(node)), None),
        ValidationErrorKind::MinLength { .. } => (format!("{subject} must not be empty"), None),
        ValidationErrorKind::MinProperties { .. } => (
            format!("{subject} is empty"),
            Some("an adminConsent entry names the app with `app` (catalog key), `appId` (Entra application ID), or both".to_owned()),
        ),
        other => (format!("{subject} is invalid: {other:?}"), None),
    }
}

fn with_article(noun: &str) -> String {
    match noun.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {noun}"),
        _ => format!("a {noun}"),
    }
}

/// The property names the schema allows at the object an `additionalProperties` error is
/// about, following local `$ref`s along the error's schema path.
fn allowed_keys(schema: &Json, schema_path: &str) -> Vec<String> {
    let mut node = schema;
    let tokens: Vec<&str> = schema_path.split('/').filter(|t| !t.is_empty()).collect();
    let Some((_, parents)) = tokens.split_last() else {
        return keys_of(schema);
    };
    for token in parents {
        let token = token.replace("~1", "/").replace("~0", "~");
        if token == "$ref" {
            let Some(target) = node
                .get("$ref")
                .and_then(Json::as_str)
                .and_then(|r| r.strip_prefix('#'))
            else {
                return Vec::new();
            };
            match schema.pointer(target) {
                Some(resolved) => node = resolved,
                None => return Vec::new(),
            }
            continue;
        }
        node = match node {
            Json::Object(map) => match map.get(&token) {
                Some(next) => next,
                None => return Vec::new(),
            },
            Json::Array(items) => match token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(next) => next,
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        };
    }
    keys_of(node)
}

fn keys_of(node: &Json) -> Vec<String> {
    node.get("properties")
        .and_then(Json::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}
