//! `export`: current Graph state → mamlint v1 manifests (YAML, one file per policy, stable
//! key order), so a tenant can be brought under version control. Exported files check clean
//! except for real findings, and planning them against the same tenant shows no changes.

use serde_json::{Map, Value};

use super::apply::collection;
use super::state::{Policy, from_graph};
use crate::graph::{Client, ServiceError};
use crate::model::{API_VERSION, Platform};

/// Reads every app protection policy of a tenant, with its apps and assignments.
pub fn read_live(client: &Client) -> Result<Vec<Policy>, ServiceError> {
    let mut policies = Vec::new();
    for platform in Platform::ALL {
        let collection = collection(platform);
        for item in client.list(&collection)? {
            let Some(id) = item.get("id").and_then(Value::as_str) else {
                continue;
            };
            let full = client.get(&format!("{collection}/{id}?$expand=apps,assignments"))?;
            if let Some(policy) = from_graph(
                &full,
                platform,
                &format!("{}{collection}/{id}", client.base()),
            ) {
                policies.push(policy);
            }
        }
    }
    policies.sort_by(|a, b| (a.platform, &a.display_name).cmp(&(b.platform, &b.display_name)));
    Ok(policies)
}

/// A name for files and `metadata.name`: lowercase letters, digits and dashes.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "policy".to_owned()
    } else {
        out
    }
}

fn scalar(value: &Value) -> String {
    match value {
        // JSON strings are valid YAML double-quoted scalars, and quoting keeps versions,
        // durations and words like `yes` strings.
        Value::String(s) => Value::String(s.clone()).to_string(),
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

fn key(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    if plain {
        text.to_owned()
    } else {
        Value::String(text.to_owned()).to_string()
    }
}

/// Writes a JSON value as block YAML at an indentation.
fn emit(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                match v {
                    Value::Object(m) if !m.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", key(k)));
                        emit(out, v, indent + 2);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", key(k)));
                        emit(out, v, indent + 2);
                    }
                    Value::Object(_) => out.push_str(&format!("{pad}{}: {{}}\n", key(k))),
                    Value::Array(_) => out.push_str(&format!("{pad}{}: []\n", key(k))),
                    scalar_value => {
                        out.push_str(&format!("{pad}{}: {}\n", key(k), scalar(scalar_value)));
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        let mut nested = String::new();
                        emit(&mut nested, item, indent + 2);
                        out.push_str(&format!("{pad}- {}", nested.trim_start()));
                    }
                    other => out.push_str(&format!("{pad}- {}\n", scalar(other))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

/// A policy as an AppProtectionPolicy manifest.
pub fn manifest(policy: &Policy, tenant: &str) -> (String, String) {
    let name = format!("{}-{}", slug(&policy.display_name), policy.platform.key());
    let mut settings = policy.settings.clone();
    let description = settings.remove("description");
    let app_group_type = settings.remove("appGroupType");
    let mut sorted: Vec<(String, Value)> = settings.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut spec = Map::new();
    spec.insert("tenant".into(), Value::String(tenant.to_owned()));
    spec.insert(
        "platform".into(),
        Value::String(policy.platform.key().to_owned()),
    );
    spec.insert(
        "displayName".into(),
        Value::String(policy.display_name.clone()),
    );
    if let Some(d) = description.filter(|d| d.as_str().is_some_and(|s| !s.is_empty())) {
        spec.insert("description".into(), d);
    }
    if let Some(g) = app_group_type {
        spec.insert("appGroupType".into(), g);
    }
    spec.insert(
        "apps".into(),
        Value::Array(policy.apps.iter().cloned().map(Value::String).collect()),
    );
    let mut assignments = Map::new();
    assignments.insert(
        "include".into(),
        Value::Array(policy.include.iter().cloned().map(Value::String).collect()),
    );
    if !policy.exclude.is_empty() {
        assignments.insert(
            "exclude".into(),
            Value::Array(policy.exclude.iter().cloned().map(Value::String).collect()),
        );
    }
    spec.insert("assignments".into(), Value::Object(assignments));
    spec.insert(
        "settings".into(),
        Value::Object(sorted.into_iter().collect()),
    );
    let mut text = format!(
        "# Exported by mamlint from {} (Graph id {}).\napiVersion: {API_VERSION}\nkind: AppProtectionPolicy\nmetadata:\n  name: {name}\nspec:\n",
        policy.source,
        policy.id.as_deref().unwrap_or("unknown")
    );
    emit(&mut text, &Value::Object(spec), 2);
    (format!("{name}.yaml"), text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn manifests_read_back_as_the_same_policy() {
        let graph = json!({
            "@odata.type": "#microsoft.graph.iosManagedAppProtection", "id": "T_1", "displayName": "Atlassian apps (iOS)",
            "description": "", "pinRequired": true, "minimumRequiredOsVersion": "16.10", "periodOfflineBeforeAccessCheck": "PT12H",
            "allowedDataStorageLocations": ["sharePoint"], "exemptedAppProtocols": [{"name": "Default", "value": "skype;"}],
            "apps": [{"mobileAppIdentifier": {"bundleId": "com.atlassian.jira.app"}}],
            "assignments": [{"target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "0b6e2c1a-5f0d-4c5e-9a7b-3d2f1e0c9b8a"}}]
        });
        let policy = from_graph(&graph, Platform::Ios, "test").unwrap();
        let (file, text) = manifest(&policy, "acme-entra");
        assert_eq!(file, "atlassian-apps-ios-ios.yaml");
        let outcome = crate::lint::run(
            vec![crate::lint::Input::memory("x.yaml", text.clone())],
            &crate::lint::Settings {
                selection: crate::selection::Selection {
                    select: vec![],
                    ignore: vec!["MAM008".into()],
                },
                config: None,
            },
        );
        assert!(
            outcome.diagnostics.is_empty(),
            "{text}\n{:?}",
            outcome
                .diagnostics
                .iter()
                .map(|d| &d.message)
                .collect::<Vec<_>>()
        );
        let workspace = crate::model::Workspace::new(&outcome.files);
        let back = super::super::state::desired(&workspace, &workspace.entities[0]).unwrap();
        assert_eq!(
            (back.settings, back.apps, back.include),
            (
                policy
                    .settings
                    .into_iter()
                    .filter(|(k, _)| k != "description")
                    .collect(),
                policy.apps,
                policy.include
            )
        );
    }
}
