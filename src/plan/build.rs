//! Building the plan: for each EntraTenant, its desired policies against the current ones
//! (from Graph or from `--current` exports), consent per app, then the Atlassian domains and
//! the manual steps. The command line only chooses where current state comes from and
//! renders the result.

use crate::config::Protection;
use crate::protection::applies::applicable_under;
use std::path::{Path, PathBuf};

use super::consent::{self, Source};
use super::pool::{self, Jobs, Progress};
use super::{Consent, Plan, TenantPlan, domains, export, state};
use crate::graph::{Client, Credentials, Endpoints, Secret, ServiceError};
use crate::model::catalog::App;
use crate::model::{Cloud, Entity, Kind, Workspace};

/// A tenant to plan for, with its service endpoints.
pub struct TenantTarget<'w, 'a> {
    pub entity: &'w Entity<'a>,
    pub name: String,
    pub tenant_id: String,
    pub endpoints: Endpoints,
}

/// The EntraTenants of the workspace (only the one named `only`, if given).
pub fn tenants<'w, 'a>(
    workspace: &'w Workspace<'a>,
    only: Option<&str>,
) -> Result<Vec<TenantTarget<'w, 'a>>, ServiceError> {
    let mut found = Vec::new();
    for entity in workspace.of_kind(Kind::EntraTenant) {
        let name = entity.name().unwrap_or_default().to_owned();
        if only.is_some_and(|o| o != name) {
            continue;
        }
        found.push(TenantTarget {
            entity,
            name,
            tenant_id: entity.tenant_id().unwrap_or_default().to_owned(),
            // An unknown cloud is MAM007's; the plan refuses files with errors before this.
            endpoints: Endpoints::for_cloud(entity.cloud().unwrap_or(Cloud::DEFAULT))?,
        });
    }
    Ok(found)
}

/// A live Graph client of a tenant for one API version.
pub fn graph_client(
    target: &TenantTarget<'_, '_>,
    credentials: &Credentials,
    version: &str,
    verbose: bool,
) -> Result<Client, ServiceError> {
    let token = credentials.token(&target.endpoints, &target.tenant_id, verbose)?;
    Ok(Client::new(
        &format!("{}/{version}", target.endpoints.graph),
        token,
        verbose,
    )
    .for_tenant(&target.name))
}

/// Where the tenants' current state comes from.
pub enum Current<'c> {
    /// Graph exports in a directory (`DIR/<tenant>/` when it exists, else `DIR`).
    Directory(PathBuf),
    /// Graph itself.
    Live(&'c Credentials),
}

pub struct Options<'p> {
    /// Delete policies that are in the tenant but in no file.
    pub prune: bool,
    /// Log every service call.
    pub verbose: bool,
    /// The Atlassian Admin API key, to compare claimed domains.
    pub atlassian_key: Option<Secret>,
    /// `graph-api-version` of `mamlint.toml` (`beta`, `v1.0`): every tenant deploys through
    /// it. Without it, each tenant uses v1.0 unless a setting exists only in beta.
    pub graph_api_version: Option<&'static str>,
    /// How many tenants are planned at once.
    pub jobs: Jobs,
    /// The protection levels of `mamlint.toml`, so that a change below a policy's level is
    /// marked (spec 9).
    pub protection: Option<Protection>,
    /// Told as each tenant's plan is done.
    pub progress: &'p dyn Progress,
}

/// The plan of every tenant, with a live client per tenant (to apply it) when reading Graph.
/// Tenants are planned on `options.jobs` workers; the plan lists them in the order of the
/// files whatever order they finish in. When some tenants fail, the others are still
/// planned and the error names every failed tenant, in that same order.
pub fn build(
    workspace: &Workspace<'_>,
    current: &Current<'_>,
    options: &Options<'_>,
) -> anyhow::Result<(Plan, Vec<Option<Client>>)> {
    let targets = tenants(workspace, None)?;
    let results = pool::in_order(options.jobs, &targets, options.progress, |target| {
        plan_tenant(workspace, target, current, options)
    })
    .map_err(anyhow::Error::msg)?;
    let mut tenant_plans = Vec::new();
    let mut clients = Vec::new();
    let mut failures = Vec::new();
    for (target, result) in targets.iter().zip(results) {
        match result {
            Ok((plan, client)) => {
                tenant_plans.push(plan);
                clients.push(client);
            }
            Err(error) => failures.push(format!("tenant {}: {error:#}", target.name)),
        }
    }
    if !failures.is_empty() {
        anyhow::bail!("{}", failures.join("\n"));
    }
    let domains = match &options.atlassian_key {
        Some(key) => domains::check_live(workspace, key, options.verbose)?,
        None => Vec::new(),
    };
    let manual_steps = super::manual_steps(workspace, &tenant_plans);
    let plan = Plan {
        version: 1,
        tenants: tenant_plans,
        domains,
        manual_steps,
    };
    Ok((plan, clients))
}

/// One tenant's plan: its desired policies against its current ones, and its consent.
fn plan_tenant(
    workspace: &Workspace<'_>,
    target: &TenantTarget<'_, '_>,
    current: &Current<'_>,
    options: &Options<'_>,
) -> anyhow::Result<(TenantPlan, Option<Client>)> {
    let mut desired = Vec::new();
    let mut refused = Vec::new();
    // From the workspace's index: a scan of every policy per tenant would make 300 tenants
    // quadratic.
    let policies = workspace.protections_in(target.entity);
    // Terraform and Microsoft365DSC manage their own policies: mamlint checks them but
    // neither deploys nor deletes them, so they are left out on both sides of the plan.
    let (foreign, policies): (Vec<&Entity<'_>>, Vec<&Entity<'_>>) =
        policies.partition(|p| p.resource().is_some());
    let managed_elsewhere: Vec<(Option<crate::model::Platform>, &str)> = foreign
        .iter()
        .filter_map(|p| Some((p.platform(), p.name()?)))
        .collect();
    for (entity, result) in policies
        .into_iter()
        .filter_map(|p| Some((p, state::desired(workspace, p)?)))
    {
        match result {
            Ok(mut policy) => {
                policy.level = applicable_under(entity, options.protection.as_ref())
                    .map(|applied| applied.level);
                desired.push(policy);
            }
            Err(values) => refused.extend(values),
        }
    }
    if !refused.is_empty() {
        anyhow::bail!(
            "these values cannot be sent to Graph as written, so nothing was planned:\n  {}",
            refused.join("\n  ")
        );
    }
    let (version, reason) = match options.graph_api_version {
        Some(version) => (
            version,
            Some(format!("graph-api-version = \"{version}\" in mamlint.toml")),
        ),
        None => super::api_version(&desired),
    };
    let apps = super::consent_apps(workspace, target.entity);
    let (current, consent, client) = match current {
        Current::Directory(dir) => {
            let dir = tenant_directory(dir, &target.name);
            let current = state::from_directory(&dir).map_err(anyhow::Error::msg)?;
            (current, consent_from_directory(&dir, target, &apps), None)
        }
        Current::Live(credentials) => {
            let reader = graph_client(target, credentials, "beta", options.verbose)?;
            let current = export::read_live(&reader)?;
            let directory = graph_client(target, credentials, "v1.0", options.verbose)?;
            let mut consent = Vec::new();
            for app in &apps {
                let app_id = app.entra_app_id.as_deref().unwrap_or_default();
                let found = consent::live(&directory, app_id)?;
                consent.push(record(app, found, Source::Graph, target));
            }
            let writer = graph_client(target, credentials, version, options.verbose)?;
            (current, consent, Some(writer))
        }
    };
    let plan = TenantPlan {
        tenant: target.name.clone(),
        tenant_id: target.tenant_id.clone(),
        graph_api_version: version,
        graph_api_reason: reason,
        changes: super::tenant_changes(
            &desired,
            &current
                .into_iter()
                .filter(|c| {
                    !managed_elsewhere.contains(&(Some(c.platform), c.display_name.as_str()))
                })
                .collect::<Vec<_>>(),
            options.prune,
        ),
        consent,
    };
    Ok((plan, client))
}

/// The current policies of each tenant, for `export`: read on `jobs` workers, in the order
/// of `targets`, each tenant's own error beside it.
pub fn current_policies(
    targets: &[TenantTarget<'_, '_>],
    current: &Current<'_>,
    jobs: Jobs,
    verbose: bool,
    progress: &dyn Progress,
) -> anyhow::Result<Vec<anyhow::Result<Vec<state::Policy>>>> {
    pool::in_order(jobs, targets, progress, |target| match current {
        Current::Directory(dir) => {
            state::from_directory(&tenant_directory(dir, &target.name)).map_err(anyhow::Error::msg)
        }
        Current::Live(credentials) => {
            let client = graph_client(target, credentials, "beta", verbose)?;
            Ok(export::read_live(&client)?)
        }
    })
    .map_err(anyhow::Error::msg)
}

/// `DIR/<tenant>` when it exists, else `DIR` for every tenant.
fn tenant_directory(dir: &Path, tenant: &str) -> PathBuf {
    let own = dir.join(tenant);
    if own.is_dir() { own } else { dir.to_path_buf() }
}

/// Consent from Graph list files in the directory, else as the tenant declares it.
fn consent_from_directory(
    dir: &Path,
    target: &TenantTarget<'_, '_>,
    apps: &[&App],
) -> Vec<Consent> {
    apps.iter()
        .map(|app| {
            let app_id = app.entra_app_id.as_deref().unwrap_or_default();
            match consent::from_files(dir, app_id) {
                Some(found) => record(app, found, Source::Current, target),
                None => record(
                    app,
                    consent::declared(target.entity, app),
                    Source::Declared,
                    target,
                ),
            }
        })
        .collect()
}

fn record(
    app: &App,
    found: consent::Found,
    source: Source,
    target: &TenantTarget<'_, '_>,
) -> Consent {
    consent::record(
        app,
        found,
        source,
        &target.endpoints.login,
        &target.tenant_id,
    )
}
