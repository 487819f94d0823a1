//! Desired and current state of app protection policies, in one shape so they compare.
//!
//! Desired state comes from the checked documents (manifests, or Graph exports kept in the
//! repository); current state from Graph (live, or `--current DIR` of exports). Both become
//! [`Policy`]: platform, display name, settings as Graph JSON, apps and group assignments.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::model::properties::PROPERTIES;
use crate::model::settings::{FACTS, is_annotation};
use crate::model::{Entity, Platform, Workspace, graph_value};

#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub platform: Platform,
    pub display_name: String,
    /// The Graph id (current state only).
    pub id: Option<String>,
    /// Graph properties other than apps and assignments; `description` and `appGroupType`
    /// included when set.
    pub settings: Map<String, Value>,
    pub apps: Vec<String>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Where it was read from, for messages.
    pub source: String,
    /// Values converted before they are sent (desired state only), as the plan shows them.
    pub coerced: Vec<String>,
    /// The framework level the policy is held to (desired state only; spec 9), so the plan
    /// can mark a change that takes it below.
    pub level: Option<u8>,
}

/// Keys of a Graph policy object that are not settings to compare or send.
fn is_bookkeeping(key: &str) -> bool {
    is_annotation(key)
        || FACTS.is_read_only(key)
        || matches!(
            key,
            "apps" | "assignments" | "displayName" | "deploymentSummary"
        )
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items.dedup();
    items
}

/// The app IDs of a Graph `apps` list (managedMobileApp objects) or of plain strings.
fn app_ids(apps: Option<&Value>) -> Vec<String> {
    let items = apps.and_then(Value::as_array).cloned().unwrap_or_default();
    sorted(
        items
            .iter()
            .filter_map(|app| {
                app.as_str().map(str::to_owned).or_else(|| {
                    let identifier = app.get("mobileAppIdentifier")?;
                    identifier
                        .get("packageId")
                        .or_else(|| identifier.get("bundleId"))?
                        .as_str()
                        .map(str::to_owned)
                })
            })
            .collect(),
    )
}

/// Included and excluded group IDs of a Graph `assignments` list.
fn assignment_groups(assignments: Option<&Value>) -> (Vec<String>, Vec<String>) {
    let mut include = Vec::new();
    let mut exclude = Vec::new();
    for assignment in assignments.and_then(Value::as_array).into_iter().flatten() {
        let target = assignment.get("target");
        let Some(group) = target
            .and_then(|t| t.get("groupId"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let odata = target
            .and_then(|t| t.get("@odata.type"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if odata.contains("exclusion") {
            exclude.push(group.to_owned());
        } else {
            include.push(group.to_owned());
        }
    }
    (sorted(include), sorted(exclude))
}

/// A policy from a Graph object (a GET response, an export file, a framework template).
pub fn from_graph(object: &Value, platform: Platform, source: &str) -> Option<Policy> {
    let map = object.as_object()?;
    let settings: Map<String, Value> = map
        .iter()
        .filter(|(key, value)| {
            !is_bookkeeping(key) && !value.is_null() && PROPERTIES.get(platform, key).is_some()
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let (include, exclude) = assignment_groups(map.get("assignments"));
    Some(Policy {
        platform,
        display_name: map
            .get("displayName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        id: map.get("id").and_then(Value::as_str).map(str::to_owned),
        settings,
        apps: app_ids(map.get("apps")),
        include,
        exclude,
        source: source.to_owned(),
        coerced: Vec::new(),
        level: None,
    })
}

/// The settings of a policy document as Graph must receive them (`model::graph_value`):
/// converted values noted, values of the wrong type refused with their place.
fn typed_settings(
    workspace: &Workspace<'_>,
    entity: &Entity<'_>,
    platform: Platform,
    settings: &mut Map<String, Value>,
) -> Result<Vec<String>, Vec<String>> {
    let Some(loaded) = workspace.loaded(entity.file) else {
        return Ok(Vec::new());
    };
    let source = &loaded.source;
    let mut coerced = Vec::new();
    let mut refused = Vec::new();
    let members = entity
        .settings()
        .map(|s| s.node)
        .and_then(|n| n.as_object());
    for member in members.unwrap_or(&[]) {
        let Some(property) = PROPERTIES.get(platform, &member.key) else {
            continue;
        };
        if !settings.contains_key(member.key.as_str()) {
            continue;
        }
        let at = source.line_col(member.value.span.start as usize);
        let place = format!("{}:{}:{}", source.path, at.line, at.column);
        match graph_value::to_graph(property, &member.value, source.contents()) {
            Ok(value) => {
                if let Some(note) = value.coerced {
                    coerced.push(format!("{place}: `{}`: {note}", member.key));
                }
                settings.insert(member.key.to_string(), value.json);
            }
            Err(expected) => refused.push(format!(
                "{place}: `{}` must be {expected} for Graph, not {} `{}`",
                member.key,
                member.value.type_name(),
                source.slice(member.value.span)
            )),
        }
    }
    if refused.is_empty() {
        Ok(coerced)
    } else {
        Err(refused)
    }
}

/// The desired policy of a checked AppProtectionPolicy document, with every setting of the
/// type Graph needs; `Err` lists the values that cannot be sent as written.
pub fn desired(
    workspace: &Workspace<'_>,
    entity: &Entity<'_>,
) -> Option<Result<Policy, Vec<String>>> {
    let platform = workspace.platform(entity)?;
    if entity.is_export() {
        let mut policy = from_graph(&entity.root.to_json(), platform, entity.path)?;
        return Some(
            typed_settings(workspace, entity, platform, &mut policy.settings).map(|coerced| {
                policy.coerced = coerced;
                policy
            }),
        );
    }
    let spec = entity.spec()?;
    let mut settings = match entity.settings().map(|s| s.node.to_json()) {
        Some(Value::Object(map)) => map.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        _ => Map::new(),
    };
    let coerced = match typed_settings(workspace, entity, platform, &mut settings) {
        Ok(coerced) => coerced,
        Err(refused) => return Some(Err(refused)),
    };
    for key in ["description", "appGroupType"] {
        if let Some(value) = spec.get(key).map(|v| v.node.to_json()) {
            settings.insert(key.to_owned(), value);
        }
    }
    let groups = |key: &str| {
        let list = spec
            .get("assignments")
            .and_then(|a| a.get(key))
            .map(|l| l.node.to_json());
        sorted(
            list.and_then(|v| v.as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|g| g.as_str().map(str::to_owned))
                .collect(),
        )
    };
    Some(Ok(Policy {
        platform,
        display_name: entity.spec_str("displayName")?.to_owned(),
        id: None,
        settings,
        apps: sorted(entity.apps().iter().map(|a| a.id.to_owned()).collect()),
        include: groups("include"),
        exclude: groups("exclude"),
        source: entity.path.to_owned(),
        coerced,
        level: None,
    }))
}

/// The Graph request body that creates or updates a policy with these settings.
pub fn body(
    platform: Platform,
    display_name: Option<&str>,
    settings: &Map<String, Value>,
) -> Value {
    let mut body = Map::new();
    body.insert(
        "@odata.type".into(),
        json!(format!("#microsoft.graph.{}", platform.graph_type())),
    );
    if let Some(name) = display_name {
        body.insert("displayName".into(), json!(name));
    }
    for (key, value) in settings {
        // appGroupType travels with the apps in targetApps.
        if key != "appGroupType" {
            body.insert(key.clone(), value.clone());
        }
    }
    Value::Object(body)
}

/// The `targetApps` body for a platform's app IDs.
pub fn target_apps_body(
    platform: Platform,
    apps: &[String],
    app_group_type: Option<&Value>,
) -> Value {
    let identifier_type = match platform {
        Platform::Android => "#microsoft.graph.androidMobileAppIdentifier",
        Platform::Ios => "#microsoft.graph.iosMobileAppIdentifier",
    };
    let apps: Vec<Value> = apps
        .iter()
        .map(|id| json!({"mobileAppIdentifier": {"@odata.type": identifier_type, platform.identifier_key(): id}}))
        .collect();
    let mut body = json!({"apps": apps});
    if let Some(group) = app_group_type {
        body["appGroupType"] = group.clone();
    }
    body
}

/// The `assign` body for included and excluded groups.
pub fn assign_body(include: &[String], exclude: &[String]) -> Value {
    let target = |kind: &str, group: &String| json!({"target": {"@odata.type": format!("#microsoft.graph.{kind}"), "groupId": group}});
    let assignments: Vec<Value> = include
        .iter()
        .map(|g| target("groupAssignmentTarget", g))
        .chain(
            exclude
                .iter()
                .map(|g| target("exclusionGroupAssignmentTarget", g)),
        )
        .collect();
    json!({"assignments": assignments})
}

/// Current policies of a tenant read from a directory of Graph exports (`--current`).
pub fn from_directory(dir: &std::path::Path) -> Result<Vec<Policy>, String> {
    let (candidates, errors) = crate::walk::discover_all(&[dir.to_string_lossy().into_owned()]);
    if let Some(error) = errors.first() {
        return Err(error.clone());
    }
    let mut policies = Vec::new();
    let mut names: BTreeMap<(Platform, String), String> = BTreeMap::new();
    for candidate in candidates {
        let bytes = crate::syntax::read_capped(std::path::Path::new(&candidate.path))
            .map_err(|e| format!("{}: {e}", candidate.path))?;
        let loaded = crate::syntax::load(&candidate.path, &bytes);
        if let Some(error) = &loaded.parsed.error {
            return Err(format!("{}: {}", candidate.path, error.message));
        }
        for document in &loaded.parsed.documents {
            let objects: Vec<(Value, Platform)> =
                match crate::model::classify(document, &candidate.path) {
                    crate::model::Classified::Graph(object) => object
                        .platform()
                        .map(|platform| (document.root.to_json(), platform))
                        .into_iter()
                        .collect(),
                    crate::model::Classified::GraphList(items) => items
                        .iter()
                        .filter_map(|(pointer, object)| {
                            Some((
                                document.root.pointer(pointer)?.to_json(),
                                object.platform()?,
                            ))
                        })
                        .collect(),
                    _ => Vec::new(),
                };
            for (object, platform) in objects {
                if let Some(policy) = from_graph(&object, platform, &candidate.path) {
                    if let Some(previous) = names.insert(
                        (platform, policy.display_name.clone()),
                        candidate.path.clone(),
                    ) {
                        return Err(format!(
                            "{} and {previous} both hold the {} policy \"{}\"",
                            candidate.path,
                            platform.label(),
                            policy.display_name
                        ));
                    }
                    policies.push(policy);
                }
            }
        }
    }
    Ok(policies)
}
