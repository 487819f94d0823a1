//! `plan`: desired state (checked documents) against current state (Graph), per tenant.
//!
//! After the data flow, for rollout: every policy is matched by platform and display name and
//! becomes a [`Change`] (create, update property by property, unchanged, unmanaged, delete
//! with `--prune`), each property change classified tightening, loosening or neutral from
//! `rules/directions.json`. The plan also reports admin consent per Atlassian app, the domains
//! Atlassian has claimed against the Organization document, and the steps no public API
//! covers. `apply` executes a plan; `export` writes current state as manifests.

pub mod apply;
pub mod build;
pub mod consent;
pub mod direction;
pub mod domains;
pub mod export;
pub mod pool;
pub mod render;
pub mod state;

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

pub use direction::Direction;
use state::Policy;

use crate::model::catalog::{App, CATALOG};
use crate::model::duration::parse_seconds;
use crate::model::properties::PROPERTIES;
use crate::model::{Entity, Platform, Workspace};
use crate::protection::FRAMEWORK;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Unchanged,
    Delete,
    Unmanaged,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PropertyChange {
    pub name: String,
    pub old: Value,
    pub new: Value,
    pub direction: Direction,
    /// The level of the policy (spec 9) that the new value falls short of while the current
    /// one meets it.
    #[serde(rename = "belowLevel", skip_serializing_if = "Option::is_none")]
    pub below_level: Option<u8>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SetChange {
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

impl SetChange {
    fn between(old: &[String], new: &[String]) -> SetChange {
        SetChange {
            add: new.iter().filter(|x| !old.contains(x)).cloned().collect(),
            remove: old.iter().filter(|x| !new.contains(x)).cloned().collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignments {
    pub add: Vec<String>,
    pub remove: Vec<String>,
    pub exclude_add: Vec<String>,
    pub exclude_remove: Vec<String>,
}

impl Assignments {
    pub fn is_empty(&self) -> bool {
        self.add.is_empty()
            && self.remove.is_empty()
            && self.exclude_add.is_empty()
            && self.exclude_remove.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub action: Action,
    pub platform: &'static str,
    pub display_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub properties: Vec<PropertyChange>,
    pub apps: SetChange,
    pub assignments: Assignments,
    /// Whether anything here loosens protection (a property, a removed app or group, an
    /// added exclusion).
    pub loosening: bool,
    /// The framework level the policy is held to, when one applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// Values converted to the type Graph needs before they are sent (`yes` → true).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coerced: Vec<String>,
    /// What to send: the desired policy, for create and update.
    #[serde(skip)]
    pub desired: Option<Policy>,
    #[serde(skip)]
    pub platform_value: Option<Platform>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Consent {
    pub app: String,
    pub service_principal: bool,
    pub granted: bool,
    /// `graph` (read live), `current` (from --current files) or `declared` (the
    /// EntraTenant document, when nothing else is known).
    pub source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantPlan {
    pub tenant: String,
    pub tenant_id: String,
    /// The Graph version the changes go through, and why.
    pub graph_api_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph_api_reason: Option<String>,
    pub changes: Vec<Change>,
    pub consent: Vec<Consent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainFinding {
    pub organization: String,
    pub domain: String,
    pub finding: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub version: u32,
    pub tenants: Vec<TenantPlan>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<DomainFinding>,
    pub manual_steps: Vec<String>,
}

impl Plan {
    pub fn has_changes(&self) -> bool {
        self.tenants.iter().any(|t| {
            t.changes
                .iter()
                .any(|c| matches!(c.action, Action::Create | Action::Update | Action::Delete))
        })
    }

    pub fn has_loosening(&self) -> bool {
        self.tenants
            .iter()
            .any(|t| t.changes.iter().any(|c| c.loosening))
    }

    /// Whether a change takes a policy below its protection level (`--fail-on-loosening`
    /// fails on it too).
    pub fn has_below_level(&self) -> bool {
        self.tenants
            .iter()
            .flat_map(|t| &t.changes)
            .any(Change::is_below_level)
    }
}

impl Change {
    pub fn is_below_level(&self) -> bool {
        self.properties.iter().any(|p| p.below_level.is_some())
    }
}

/// Whether two setting values mean the same: durations by length, lists as sets.
pub fn equivalent(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            x == y
                || matches!((parse_seconds(x), parse_seconds(y)), (Some(p), Some(q)) if (p - q).abs() < 1e-6)
        }
        (Value::Array(x), Value::Array(y)) => {
            let set = |v: &Vec<Value>| v.iter().map(Value::to_string).collect::<BTreeSet<_>>();
            set(x) == set(y)
        }
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Compares one desired policy with the current one (if any).
pub fn compare(desired: &Policy, current: Option<&Policy>) -> Change {
    let empty = serde_json::Map::new();
    let current_settings = current.map_or(&empty, |c| &c.settings);
    let mut properties = Vec::new();
    for (name, new) in &desired.settings {
        let old = current_settings.get(name).cloned().unwrap_or(Value::Null);
        if !equivalent(&old, new) {
            let direction = direction::classify(name, &old, new);
            let below_level = current
                .and(desired.level)
                .filter(|&level| takes_below(desired.platform, name, &old, new, level));
            properties.push(PropertyChange {
                name: name.clone(),
                old,
                new: new.clone(),
                direction,
                below_level,
            });
        }
    }
    let no_strings: Vec<String> = Vec::new();
    let apps = SetChange::between(current.map_or(&no_strings, |c| &c.apps), &desired.apps);
    let groups = |f: fn(&Policy) -> &Vec<String>| {
        SetChange::between(current.map_or(&no_strings, |c| f(c)), f(desired))
    };
    let include = groups(|p| &p.include);
    let exclude = groups(|p| &p.exclude);
    let assignments = Assignments {
        add: include.add,
        remove: include.remove,
        exclude_add: exclude.add,
        exclude_remove: exclude.remove,
    };
    // A new policy loosens nothing that exists.
    let loosening = current.is_some()
        && (properties
            .iter()
            .any(|p| p.direction == Direction::Loosening)
            || !apps.remove.is_empty()
            || !assignments.remove.is_empty()
            || !assignments.exclude_add.is_empty());
    let action = match current {
        None => Action::Create,
        Some(_) if properties.is_empty() && apps.is_empty() && assignments.is_empty() => {
            Action::Unchanged
        }
        Some(_) => Action::Update,
    };
    Change {
        action,
        platform: desired.platform.key(),
        display_name: desired.display_name.clone(),
        id: current.and_then(|c| c.id.clone()),
        properties,
        apps,
        assignments,
        loosening,
        level: desired.level,
        coerced: desired.coerced.clone(),
        desired: Some(desired.clone()),
        platform_value: Some(desired.platform),
    }
}

/// Whether changing a setting from `old` (the tenant's value; its default when unset) to `new`
/// takes a policy held to `level` below it: the new value falls short of the framework's row
/// and the current one does not.
fn takes_below(platform: Platform, name: &str, old: &Value, new: &Value, level: u8) -> bool {
    let Some(row) = FRAMEWORK.row(platform, name) else {
        return false;
    };
    let Some(required) = row.required(level) else {
        return false;
    };
    let old = match old {
        Value::Null => FRAMEWORK.default(platform, name).unwrap_or(old),
        _ => old,
    };
    row.order.meets(new, required) == Some(false) && row.order.meets(old, required) != Some(false)
}

/// A policy in the tenant that no document describes.
pub fn unmanaged(current: &Policy, prune: bool) -> Change {
    Change {
        action: if prune {
            Action::Delete
        } else {
            Action::Unmanaged
        },
        platform: current.platform.key(),
        display_name: current.display_name.clone(),
        id: current.id.clone(),
        properties: Vec::new(),
        apps: SetChange::default(),
        assignments: Assignments::default(),
        loosening: prune
            && current
                .apps
                .iter()
                .any(|a| crate::model::catalog::is_atlassian_id(a)),
        level: None,
        coerced: Vec::new(),
        desired: None,
        platform_value: Some(current.platform),
    }
}

/// The changes for one tenant.
pub fn tenant_changes(desired: &[Policy], current: &[Policy], prune: bool) -> Vec<Change> {
    let mut changes: Vec<Change> = desired
        .iter()
        .map(|d| {
            compare(
                d,
                current
                    .iter()
                    .find(|c| c.platform == d.platform && c.display_name == d.display_name),
            )
        })
        .collect();
    for c in current {
        if !desired
            .iter()
            .any(|d| d.platform == c.platform && d.display_name == c.display_name)
        {
            changes.push(unmanaged(c, prune));
        }
    }
    changes.sort_by(|a, b| (a.platform, &a.display_name).cmp(&(b.platform, &b.display_name)));
    changes
}

/// The Graph version to deploy through: beta when a desired setting exists only in beta.
pub fn api_version(desired: &[Policy]) -> (&'static str, Option<String>) {
    let beta: BTreeSet<String> = desired
        .iter()
        .flat_map(|p| {
            p.settings
                .keys()
                .filter(move |k| {
                    PROPERTIES
                        .get(p.platform, k)
                        .is_some_and(|prop| prop.is_beta_only())
                })
                .cloned()
        })
        .collect();
    if beta.is_empty() {
        ("v1.0", None)
    } else {
        let listed: Vec<String> = beta.iter().take(5).map(|k| format!("`{k}`")).collect();
        let more = if beta.len() > 5 {
            format!(" and {} more", beta.len() - 5)
        } else {
            String::new()
        };
        (
            "beta",
            Some(format!("beta-only settings: {}{more}", listed.join(", "))),
        )
    }
}

/// The Atlassian apps a tenant needs consent for: those of the Intune mobile app policies,
/// else those its app protection policies target.
pub fn consent_apps(workspace: &Workspace<'_>, tenant: &Entity<'_>) -> Vec<&'static App> {
    let mut keys: BTreeSet<&str> = workspace.intune_app_keys();
    if keys.is_empty() {
        for policy in workspace.protections_in(tenant) {
            keys.extend(
                policy
                    .catalog_apps()
                    .into_iter()
                    .map(|(app, _)| app.key.as_str()),
            );
        }
    }
    CATALOG
        .apps
        .iter()
        .filter(|a| keys.contains(a.key.as_str()) && a.intune && a.entra_app_id.is_some())
        .collect()
}

/// The admin-consent URL of an app in a tenant.
pub fn consent_url(login: &str, tenant_id: &str, app_id: &str) -> String {
    format!("{login}/{tenant_id}/adminconsent?client_id={app_id}")
}

/// Steps no public API covers, from Atlassian's guide.
pub fn manual_steps(workspace: &Workspace<'_>, tenants: &[TenantPlan]) -> Vec<String> {
    let mut steps = Vec::new();
    for policy in workspace.intune_policies() {
        let apps: Vec<String> = policy
            .spec_get("apps")
            .map(|a| {
                a.items()
                    .filter_map(|i| i.str())
                    .filter_map(|k| CATALOG.by_key(k))
                    .map(|a| a.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        steps.push(format!(
            "In Atlassian Administration (admin.atlassian.com), go to Security > Mobile app policies, select \"Use an Intune policy instead\" and create \"{}\" for {}.",
            policy.spec_str("displayName").unwrap_or_default(),
            apps.join(" and ")
        ));
    }
    for tenant in tenants {
        for consent in tenant.consent.iter().filter(|c| !c.granted) {
            let name = CATALOG
                .by_key(&consent.app)
                .map_or(consent.app.as_str(), |a| a.name.as_str());
            let register = if consent.service_principal {
                String::new()
            } else {
                format!(
                    "sign in to {name} on a mobile device with a work account of {} so that its enterprise application appears in Entra, then ",
                    tenant.tenant
                )
            };
            steps.push(format!(
                "Tenant {}: {register}grant admin consent for {name}{}.",
                tenant.tenant,
                consent
                    .consent_url
                    .as_deref()
                    .map(|u| format!(" at {u}"))
                    .unwrap_or_default()
            ));
        }
    }
    steps.push(
        "After the rollout, users sign out of the Atlassian mobile apps and sign in again."
            .to_owned(),
    );
    steps
}
