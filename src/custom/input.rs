//! The input document of spec 10: every entity of the workspace in one normalized shape,
//! whatever its source format, plus the app catalog. Alongside each document, its anchors
//! record where each normalized part came from in the entity, so that a result's JSON Pointer
//! maps back to the exact node the user wrote ([`Normalized::locate`]).

use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::diagnostic::Location;
use crate::model::settings::{FACTS, is_annotation};
use crate::model::{At, Entity, Kind, Origin, Workspace};
use crate::syntax::{Format, Node, push_pointer};

/// Where one document of the input came from in its entity.
#[derive(Debug)]
pub struct Normalized {
    /// (pointer into the normalized document, pointer into the entity's root), longest match
    /// wins; a manifest is anchored at its root (the shapes agree), an export part by part.
    anchors: Vec<(String, String)>,
}

/// The whole input: `{"documents": [...], "catalog": {...}}`, and each document's anchors.
pub fn build(workspace: &Workspace<'_>) -> (Value, Vec<Normalized>) {
    // Each document on its own, in parallel; the order stays the entities' order.
    let (values, documents): (Vec<Value>, Vec<Normalized>) = workspace
        .entities
        .par_iter()
        .map(|e| normalize(workspace, e))
        .unzip();
    // Built by moving values in: `json!` would serialize (deep-copy) each one.
    let mut input = Map::new();
    input.insert("documents".to_owned(), Value::Array(values));
    input.insert("catalog".to_owned(), catalog());
    (Value::Object(input), documents)
}

/// The input of a run's files, as `check --print-rego-input` prints it.
pub fn of_files(files: &[crate::model::WorkspaceFile]) -> Value {
    build(&Workspace::new(files)).0
}

/// The app catalog as `rules/catalog.json` holds it, without its comment.
fn catalog() -> Value {
    let mut catalog: Value =
        serde_json::from_str(include_str!("../../rules/catalog.json")).unwrap_or_default();
    if let Some(map) = catalog.as_object_mut() {
        map.remove("$comment");
    }
    catalog
}

/// Where an entity was read from, as `source` names it.
fn source(workspace: &Workspace<'_>, entity: &Entity<'_>) -> &'static str {
    let format = workspace.files.get(entity.file).map(|f| f.loaded.format);
    match (entity.origin, format) {
        (Origin::Manifest, _) => "manifest",
        (_, Some(Format::Terraform)) => "terraform",
        (_, Some(Format::PowerShell)) => "dsc",
        _ => "graph-export",
    }
}

/// JSON of a node without OData annotations at any depth (spec 8.1).
fn clean(node: &Node) -> Value {
    match node.as_object() {
        Some(members) => Value::Object(
            members
                .iter()
                .filter(|m| !is_annotation(&m.key))
                .map(|m| (m.key.to_string(), clean(&m.value)))
                .collect(),
        ),
        None => match node.as_array() {
            Some(items) => Value::Array(items.iter().map(clean).collect()),
            None => node.to_json(),
        },
    }
}

fn normalize(workspace: &Workspace<'_>, entity: &Entity<'_>) -> (Value, Normalized) {
    let mut anchors = vec![(String::new(), String::new())];
    let name = entity.name();
    let mut spec = Map::new();
    let mut metadata = Map::new();
    match entity.origin {
        Origin::Manifest => {
            if let Some(m) = entity.root.get("metadata").map(clean) {
                metadata = m.as_object().cloned().unwrap_or_default();
            }
            if let Some(s) = entity.root.get("spec").map(clean) {
                spec = s.as_object().cloned().unwrap_or_default();
            }
            anchors.push(("/name".to_owned(), "/metadata/name".to_owned()));
            if entity.spec_get("apps").is_some() {
                spec.insert("apps".to_owned(), apps(entity, "/spec/apps", &mut anchors));
            }
        }
        Origin::GraphExport { platform } => {
            if let Some(name) = name {
                metadata.insert("name".to_owned(), json!(name));
            }
            for at in ["/name", "/metadata/name", "/metadata"] {
                anchors.push((at.to_owned(), "/displayName".to_owned()));
            }
            anchors.push(("/spec/settings".to_owned(), String::new()));
            if let Some(platform) = platform {
                spec.insert("platform".to_owned(), json!(platform.key()));
            }
            let mut settings = Map::new();
            for member in entity.root.as_object().unwrap_or(&[]) {
                let key = member.key.as_str();
                if is_annotation(key) || FACTS.is_read_only(key) {
                    continue;
                }
                let pointer = push_pointer("", key);
                match key {
                    "apps" => {
                        spec.insert(key.to_owned(), apps(entity, "/spec/apps", &mut anchors));
                        anchors.push(("/spec/apps".to_owned(), pointer));
                    }
                    "assignments" => {
                        let value = assignments(entity, &mut anchors);
                        spec.insert(key.to_owned(), value);
                        anchors.push(("/spec/assignments".to_owned(), pointer));
                    }
                    "customSettings" if entity.kind == Kind::AppConfigurationPolicy => {
                        let value = custom_settings(entity, &mut anchors);
                        spec.insert(key.to_owned(), value);
                        anchors.push(("/spec/customSettings".to_owned(), pointer));
                    }
                    _ if FACTS.is_spec_key(key) => {
                        spec.insert(key.to_owned(), clean(&member.value));
                        anchors.push((format!("/spec{pointer}"), pointer));
                    }
                    _ => {
                        settings.insert(key.to_owned(), clean(&member.value));
                    }
                }
            }
            if entity.kind == Kind::AppProtectionPolicy {
                spec.insert("settings".to_owned(), Value::Object(settings));
            }
        }
    }
    let mut value = Map::new();
    value.insert("index".to_owned(), json!(entity.index));
    value.insert("kind".to_owned(), json!(entity.kind.name()));
    value.insert("name".to_owned(), json!(name));
    value.insert("file".to_owned(), json!(entity.path));
    value.insert("source".to_owned(), json!(source(workspace, entity)));
    value.insert("metadata".to_owned(), Value::Object(metadata));
    value.insert("spec".to_owned(), Value::Object(spec));
    let value = Value::Object(value);
    // Longest first, so that `locate` takes the most specific anchor.
    anchors.sort_by_key(|(normalized, _)| std::cmp::Reverse(normalized.len()));
    (value, Normalized { anchors })
}

/// A policy's apps as plain package/bundle IDs, each anchored at the ID as written.
fn apps(entity: &Entity<'_>, at: &str, anchors: &mut Vec<(String, String)>) -> Value {
    let ids: Vec<Value> = entity
        .apps()
        .into_iter()
        .enumerate()
        .map(|(i, app)| {
            anchors.push((format!("{at}/{i}"), app.at.pointer.clone()));
            json!(app.id)
        })
        .collect();
    Value::Array(ids)
}

/// Graph assignments (`target` with a group or exclusion-group type) as
/// `{include: [...], exclude: [...]}`, each group anchored at its `groupId` (or `groupName`).
fn assignments(entity: &Entity<'_>, anchors: &mut Vec<(String, String)>) -> Value {
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    let Some(list) = entity.root_at().get("assignments") else {
        return json!({"include": [], "exclude": []});
    };
    for item in list.items() {
        let Some(target) = item.get("target") else {
            continue;
        };
        let Some(group) = target.get("groupId").or_else(|| target.get("groupName")) else {
            continue;
        };
        let Some(id) = group.str() else { continue };
        let excluded = target
            .get("@odata.type")
            .and_then(|t| t.str())
            .is_some_and(|t| t.to_ascii_lowercase().contains("exclusion"));
        let (list, name) = if excluded {
            (&mut exclude, "exclude")
        } else {
            (&mut include, "include")
        };
        anchors.push((
            format!("/spec/assignments/{name}/{}", list.len()),
            group.pointer.clone(),
        ));
        list.push(json!(id));
    }
    let mut groups = Map::new();
    groups.insert("include".to_owned(), Value::Array(include));
    groups.insert("exclude".to_owned(), Value::Array(exclude));
    Value::Object(groups)
}

/// Graph `customSettings` name/value pairs as the manifest's map, each value anchored.
fn custom_settings(entity: &Entity<'_>, anchors: &mut Vec<(String, String)>) -> Value {
    let mut map = Map::new();
    for item in entity
        .root_at()
        .get("customSettings")
        .iter()
        .flat_map(At::items)
    {
        let Some(name) = item.get("name").and_then(|n| n.str().map(str::to_owned)) else {
            continue;
        };
        let value = item.get("value");
        anchors.push((
            push_pointer("/spec/customSettings", &name),
            value
                .as_ref()
                .map_or(item.pointer.clone(), |v| v.pointer.clone()),
        ));
        map.insert(name, value.map_or(Value::Null, |v| clean(v.node)));
    }
    Value::Object(map)
}

impl Normalized {
    /// The place in the user's file of a JSON Pointer into this normalized document: through
    /// the most specific anchor, then the nearest node that exists.
    pub fn locate(&self, entity: &Entity<'_>, path: &str) -> Location {
        let (normalized, source) = self
            .anchors
            .iter()
            .find(|(normalized, _)| {
                path.strip_prefix(normalized.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .map_or(("", ""), |(n, s)| (n.as_str(), s.as_str()));
        let mut pointer = format!("{source}{}", &path[normalized.len()..]);
        loop {
            if let Some(at) = entity.find(&pointer) {
                return entity.location(&at);
            }
            match pointer.rfind('/') {
                Some(cut) => pointer.truncate(cut),
                None => return entity.location(&entity.root_at()),
            }
        }
    }
}
