//! `apply`: executes a plan step by step through Graph.
//!
//! Each policy change is a few requests: create (POST) or update (PATCH) the policy, then
//! `targetApps` when its apps change, then `assign` when its groups change; `--prune` deletes.
//! The first failure stops the run and says which steps completed. A rerun converges, because
//! the next plan is computed from the tenant as it now is: a policy created before a failure
//! is matched by its display name and updated, never created twice, and assignments are
//! always sent whole, so none is lost.

use serde_json::Value;

use super::state::{assign_body, body, target_apps_body};
use super::{Action, Change, Plan};
use crate::graph::{Client, ServiceError};
use crate::model::Platform;

/// The collection of a platform's policies.
pub fn collection(platform: Platform) -> String {
    format!("/deviceAppManagement/{}s", platform.graph_type())
}

/// What happened in one tenant.
#[derive(Debug, Default)]
pub struct Progress {
    pub completed: Vec<String>,
}

/// A step that failed, with what had been done before it.
#[derive(Debug)]
pub struct Failure {
    pub step: String,
    pub error: ServiceError,
}

fn run_step(
    progress: &mut Progress,
    step: String,
    on_progress: &mut dyn FnMut(&str),
    call: impl FnOnce() -> Result<Value, ServiceError>,
) -> Result<Value, Failure> {
    match call() {
        Ok(value) => {
            on_progress(&step);
            progress.completed.push(step);
            Ok(value)
        }
        Err(error) => Err(Failure { step, error }),
    }
}

// The Graph calls of one change in the order Graph needs them (create, then apps, then
// assignments); one sequence reads better than helpers that each hold a third of it.
fn apply_change(
    client: &Client,
    change: &Change,
    progress: &mut Progress,
    on_progress: &mut dyn FnMut(&str),
) -> Result<(), Failure> {
    let Some(platform) = change.platform_value else {
        return Ok(());
    };
    let collection = collection(platform);
    let label = format!("{} policy \"{}\"", platform.label(), change.display_name);
    match change.action {
        Action::Unchanged | Action::Unmanaged => Ok(()),
        Action::Delete => {
            let id = change.id.clone().unwrap_or_default();
            run_step(progress, format!("deleted {label}"), on_progress, || {
                client
                    .send("DELETE", &format!("{collection}/{id}"), None)
                    .map(|r| r.body)
            })?;
            Ok(())
        }
        Action::Create | Action::Update => {
            let Some(desired) = &change.desired else {
                return Ok(());
            };
            let id = if change.action == Action::Create {
                let created = run_step(progress, format!("created {label}"), on_progress, || {
                    client
                        .send(
                            "POST",
                            &collection,
                            Some(&body(
                                platform,
                                Some(&desired.display_name),
                                &desired.settings,
                            )),
                        )
                        .map(|r| r.body)
                })?;
                created
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            } else {
                let id = change.id.clone().unwrap_or_default();
                let changed: serde_json::Map<String, Value> = change
                    .properties
                    .iter()
                    .filter(|p| p.name != "appGroupType")
                    .map(|p| (p.name.clone(), p.new.clone()))
                    .collect();
                if !changed.is_empty() {
                    let names: Vec<&str> = changed.keys().map(String::as_str).collect();
                    run_step(
                        progress,
                        format!("updated {label}: {}", names.join(", ")),
                        on_progress,
                        || {
                            client
                                .send(
                                    "PATCH",
                                    &format!("{collection}/{id}"),
                                    Some(&body(platform, None, &changed)),
                                )
                                .map(|r| r.body)
                        },
                    )?;
                }
                id
            };
            let group_changed = change.properties.iter().any(|p| p.name == "appGroupType");
            if change.action == Action::Create || !change.apps.is_empty() || group_changed {
                let payload = target_apps_body(
                    platform,
                    &desired.apps,
                    desired.settings.get("appGroupType"),
                );
                run_step(
                    progress,
                    format!("set the apps of {label} ({})", desired.apps.join(", ")),
                    on_progress,
                    || {
                        client
                            .send(
                                "POST",
                                &format!("{collection}/{id}/targetApps"),
                                Some(&payload),
                            )
                            .map(|r| r.body)
                    },
                )?;
            }
            if change.action == Action::Create || !change.assignments.is_empty() {
                let payload = assign_body(&desired.include, &desired.exclude);
                run_step(
                    progress,
                    format!(
                        "assigned {label} ({} included, {} excluded groups)",
                        desired.include.len(),
                        desired.exclude.len()
                    ),
                    on_progress,
                    || {
                        client
                            .send("POST", &format!("{collection}/{id}/assign"), Some(&payload))
                            .map(|r| r.body)
                    },
                )?;
            }
            Ok(())
        }
    }
}

/// Applies the changes of one tenant with a client for its Graph version.
pub fn apply_tenant(
    client: &Client,
    changes: &[Change],
    on_progress: &mut dyn FnMut(&str),
) -> (Progress, Option<Failure>) {
    let mut progress = Progress::default();
    for change in changes {
        if let Err(failure) = apply_change(client, change, &mut progress, on_progress) {
            return (progress, Some(failure));
        }
    }
    (progress, None)
}

/// The steps a plan would take, for `--dry-run` and the confirmation prompt.
pub fn pending(plan: &Plan) -> usize {
    plan.tenants
        .iter()
        .flat_map(|t| &t.changes)
        .filter(|c| matches!(c.action, Action::Create | Action::Update | Action::Delete))
        .count()
}
