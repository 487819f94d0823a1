//! `apply`: executes a plan step by step through Graph.
//!
//! Each policy change is a few requests: create (POST) or update (PATCH) the policy, then
//! `targetApps` when its apps change, then `assign` when its groups change; `--prune` deletes.
//! Tenants are applied concurrently (`--jobs`); within a tenant the steps run in the plan's
//! order, and its first failure stops that tenant (the others go on) and says which of its
//! steps completed. A rerun converges, because
//! the next plan is computed from the tenant as it now is: a policy created before a failure
//! is matched by its display name and updated, never created twice, and assignments are
//! always sent whole, so none is lost. Within a run, a create is preceded by a lookup by
//! platform and display name, and a create whose answer was lost is looked up before it is
//! tried again ([`Client::create`]), so a lost answer does not even need the rerun.

use serde_json::Value;

use super::pool::{self, Jobs};
use super::state::{Policy, assign_body, body, target_apps_body};
use super::{Action, Change, Plan, TenantPlan};
use crate::graph::{Client, Created, ServiceError};
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
    call: impl FnOnce() -> Result<Value, ServiceError>,
) -> Result<Value, Failure> {
    match call() {
        Ok(value) => {
            progress.completed.push(step);
            Ok(value)
        }
        Err(error) => Err(Failure { step, error }),
    }
}

/// The id in a create's answer (or a lookup's match), checked before it becomes part of a
/// request path: a create answered without one fails its step rather than sending the
/// next steps to the collection itself.
fn policy_id(policy: &Value, label: &str) -> Result<String, ServiceError> {
    match policy.get("id").and_then(Value::as_str) {
        Some(id) if !id.is_empty() => checked_id(id, label).map(str::to_owned),
        _ => Err(ServiceError::config(format!(
            "Graph answered the create of {label} without an `id`; nothing more was sent for it (`mamlint apply` again finds the policy by name if it was created)"
        ))),
    }
}

/// Ids go into request paths, so only plain ones are accepted: never `/`, `?`, `%` or `..`.
fn checked_id<'i>(id: &'i str, label: &str) -> Result<&'i str, ServiceError> {
    let plain = id.chars().any(|c| c != '.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if plain {
        Ok(id)
    } else {
        Err(ServiceError::config(format!(
            "the id {id:?} of {label} is not a plain identifier; nothing was sent with it"
        )))
    }
}

/// The policy of a platform's collection with this display name, as the plan matches them.
fn find_policy(
    client: &Client,
    collection: &str,
    display_name: &str,
) -> Result<Option<Value>, ServiceError> {
    Ok(client
        .list(collection)?
        .into_iter()
        .find(|p| p.get("displayName").and_then(Value::as_str) == Some(display_name)))
}

fn done(progress: &mut Progress, step: String) {
    progress.completed.push(step);
}

/// Creates a policy, or finds the one an earlier attempt created: [`Client::create`] looks
/// it up by platform and display name before posting and after an answer that may have
/// been lost. One found before anything was posted gets the desired settings by PATCH.
/// Returns its id.
fn create_policy(
    client: &Client,
    platform: Platform,
    collection: &str,
    label: &str,
    desired: &Policy,
    progress: &mut Progress,
) -> Result<String, Failure> {
    let step = format!("created {label}");
    let payload = body(platform, Some(&desired.display_name), &desired.settings);
    let mut lookup = || find_policy(client, collection, &desired.display_name);
    let fail = |step: &str| {
        let step = step.to_owned();
        move |error| Failure { step, error }
    };
    match client
        .create(collection, &payload, &mut lookup)
        .map_err(fail(&step))?
    {
        Created::New(answer) => {
            let id = policy_id(&answer, label).map_err(fail(&step))?;
            done(progress, step);
            Ok(id)
        }
        Created::Recovered(found) => {
            let id = policy_id(&found, label).map_err(fail(&step))?;
            done(
                progress,
                format!("{step} (its answer was lost; found it by name)"),
            );
            Ok(id)
        }
        Created::Existing(found) => {
            let step = format!("updated {label}, which was already in the tenant");
            let id = policy_id(&found, label).map_err(fail(&step))?;
            run_step(progress, step, || {
                client
                    .send(
                        "PATCH",
                        &format!("{collection}/{id}"),
                        Some(&body(platform, None, &desired.settings)),
                    )
                    .map(|r| r.body)
            })?;
            Ok(id)
        }
    }
}

fn apply_change(client: &Client, change: &Change, progress: &mut Progress) -> Result<(), Failure> {
    let Some(platform) = change.platform_value else {
        return Ok(());
    };
    let collection = collection(platform);
    let label = format!("{} policy \"{}\"", platform.label(), change.display_name);
    // Update and delete act on the id the plan read from the tenant; a missing one must not
    // turn into a request to the collection.
    let planned_id = |step: &str| {
        change
            .id
            .as_deref()
            .ok_or_else(|| ServiceError::config(format!("the plan has no id for {label}")))
            .and_then(|id| checked_id(id, &label))
            .map(str::to_owned)
            .map_err(|error| Failure {
                step: step.to_owned(),
                error,
            })
    };
    match change.action {
        Action::Unchanged | Action::Unmanaged => Ok(()),
        Action::Delete => {
            let step = format!("deleted {label}");
            let id = planned_id(&step)?;
            run_step(progress, step, || {
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
                create_policy(client, platform, &collection, &label, desired, progress)?
            } else {
                let changed: serde_json::Map<String, Value> = change
                    .properties
                    .iter()
                    .filter(|p| p.name != "appGroupType")
                    .map(|p| (p.name.clone(), p.new.clone()))
                    .collect();
                let names: Vec<&str> = changed.keys().map(String::as_str).collect();
                let step = format!("updated {label}: {}", names.join(", "));
                let id = planned_id(&step)?;
                if !changed.is_empty() {
                    run_step(progress, step, || {
                        client
                            .send(
                                "PATCH",
                                &format!("{collection}/{id}"),
                                Some(&body(platform, None, &changed)),
                            )
                            .map(|r| r.body)
                    })?;
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
pub fn apply_tenant(client: &Client, changes: &[Change]) -> (Progress, Option<Failure>) {
    let mut progress = Progress::default();
    for change in changes {
        if let Err(failure) = apply_change(client, change, &mut progress) {
            return (progress, Some(failure));
        }
    }
    (progress, None)
}

/// What `apply` did in one tenant.
#[derive(Debug)]
pub struct TenantApplied {
    pub tenant: String,
    pub progress: Progress,
    /// The step that stopped this tenant; nothing after it was attempted in this tenant.
    pub failure: Option<Failure>,
}

/// Applies a plan on `jobs` workers, one tenant per worker at a time: each tenant's steps in
/// the plan's order, each tenant stopped at its own first failure while the others go on.
/// `clients` are the plan's, tenant by tenant; a tenant without one (planned from files) is
/// left out. The result lists the tenants in the plan's order, whatever order they finished
/// in; `tenants_done` hears of each tenant as it finishes.
pub fn apply_plan(
    plan: &Plan,
    clients: &[Option<Client>],
    jobs: Jobs,
    tenants_done: &dyn pool::Progress,
) -> Result<Vec<TenantApplied>, String> {
    let work: Vec<(&TenantPlan, &Client)> = plan
        .tenants
        .iter()
        .zip(clients)
        .filter_map(|(tenant, client)| Some((tenant, client.as_ref()?)))
        .collect();
    pool::in_order(jobs, &work, tenants_done, |(tenant, client)| {
        let (progress, failure) = apply_tenant(client, &tenant.changes);
        TenantApplied {
            tenant: tenant.tenant.clone(),
            progress,
            failure,
        }
    })
}

/// The steps a plan would take, for `--dry-run` and the confirmation prompt.
pub fn pending(plan: &Plan) -> usize {
    plan.tenants
        .iter()
        .flat_map(|t| &t.changes)
        .filter(|c| matches!(c.action, Action::Create | Action::Update | Action::Delete))
        .count()
}
