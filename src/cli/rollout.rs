//! `mamlint plan`, `apply` and `export`: the rollout commands (mamlint spec §7).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use serde_json::Value;

use super::exit;
use crate::config::{self, Config};
use crate::diagnostic::Severity;
use crate::graph::{Client, Cloud, Credentials, Endpoints, Secret, ServiceError, atlassian};
use crate::lint::{self, Input, Outcome, Settings};
use crate::model::{Entity, Kind, Workspace};
use crate::plan::{self, Consent, DomainFinding, Plan, TenantPlan, apply, export, render, state};
use crate::report::{self, Format, HumanOptions};
use crate::walk;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Human,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
#[command(rename_all = "kebab-case")]
pub struct PlanArgs {
    /// Policy files and directories (default: `include` from mamlint.toml, else `.`).
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Read current state from a directory of Graph exports instead of Graph (DIR/<tenant>/
    /// when it exists, else DIR for every tenant).
    #[arg(long, value_name = "DIR")]
    pub current: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    pub format: PlanFormat,
    /// Exit with 1 when a change loosens protection.
    #[arg(long)]
    pub fail_on_loosening: bool,
    /// Delete policies that are in the tenant but in no file.
    #[arg(long)]
    pub prune: bool,
    /// Log every service call (never tokens) on standard error.
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Apply without asking.
    #[arg(long)]
    pub yes: bool,
    /// Show the plan and change nothing (the same as `mamlint plan`).
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
#[command(rename_all = "kebab-case")]
pub struct ExportArgs {
    /// Documents that describe the tenants (EntraTenant manifests); default `.`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Where to write the manifests.
    #[arg(long, value_name = "DIR", default_value = "exported")]
    pub out: PathBuf,
    /// Only this EntraTenant (by metadata.name).
    #[arg(long, value_name = "NAME")]
    pub tenant: Option<String>,
    /// Read Graph exports from this directory instead of Graph.
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    #[arg(short, long)]
    pub verbose: bool,
}

/// Checks the files, as `mamlint check` does; the outcome and whether it has errors.
fn check(paths: &[String]) -> anyhow::Result<(Outcome, Option<Config>)> {
    let config = config::discover(&std::env::current_dir()?)
        .map(|p| Config::load(&p))
        .transpose()?;
    let paths: Vec<String> = if !paths.is_empty() {
        paths.to_vec()
    } else if let Some(include) = config
        .as_ref()
        .map(|c| &c.include)
        .filter(|i| !i.is_empty())
    {
        include
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect()
    } else {
        vec![".".to_owned()]
    };
    let (candidates, errors) = walk::discover(&paths);
    if let Some(error) = errors.first() {
        anyhow::bail!("cannot read {error}");
    }
    let mut inputs: Vec<Input> = candidates.into_iter().map(Input::disk).collect();
    if let Some(config) = &config {
        let context: Vec<String> = config
            .context
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        inputs.extend(
            walk::discover(&context)
                .0
                .into_iter()
                .map(|c| Input::context(c.path)),
        );
    }
    let outcome = lint::run(
        inputs,
        &Settings {
            selection: Default::default(),
            config: config.clone(),
        },
    );
    Ok((outcome, config))
}

fn refuse_errors(outcome: &Outcome) -> anyhow::Result<bool> {
    if !outcome.fails(Severity::Error) && outcome.read_errors.is_empty() {
        return Ok(false);
    }
    let mut stderr = std::io::stderr().lock();
    report::write(
        Format::Human,
        outcome,
        HumanOptions {
            color: false,
            quiet: true,
        },
        &mut stderr,
    )?;
    writeln!(
        stderr,
        "error: the files have errors (`mamlint check`); nothing was planned"
    )?;
    Ok(true)
}

struct TenantTarget<'w, 'a> {
    entity: &'w Entity<'a>,
    name: String,
    tenant_id: String,
    endpoints: Endpoints,
}

fn tenants<'w, 'a>(
    workspace: &'w Workspace<'a>,
    only: Option<&str>,
) -> Result<Vec<TenantTarget<'w, 'a>>, ServiceError> {
    let mut found = Vec::new();
    for entity in workspace.of_kind(Kind::EntraTenant) {
        let name = entity.name().unwrap_or_default().to_owned();
        if only.is_some_and(|o| o != name) {
            continue;
        }
        let cloud =
            Cloud::from_key(entity.spec_str("cloud").unwrap_or("global")).unwrap_or(Cloud::Global);
        let tenant_id = entity.spec_str("tenantId").unwrap_or_default().to_owned();
        found.push(TenantTarget {
            entity,
            name,
            tenant_id,
            endpoints: Endpoints::for_cloud(cloud)?,
        });
    }
    Ok(found)
}

/// Live Graph clients of a tenant: one per version.
fn graph_client(
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
    ))
}

fn consent_live(client: &Client, app_id: &str) -> Result<(bool, bool), ServiceError> {
    let principals = client.list(&format!(
        "/servicePrincipals?$filter=appId%20eq%20'{app_id}'&$select=id,appId"
    ))?;
    let Some(principal) = principals
        .first()
        .and_then(|p| p.get("id"))
        .and_then(Value::as_str)
    else {
        return Ok((false, false));
    };
    let grants = client.list(&format!(
        "/oauth2PermissionGrants?$filter=clientId%20eq%20'{principal}'"
    ))?;
    Ok((
        true,
        grants
            .iter()
            .any(|g| g.get("consentType").and_then(Value::as_str) == Some("AllPrincipals")),
    ))
}

/// Consent from `servicePrincipals.json` / `oauth2PermissionGrants.json` Graph list files.
fn consent_from_files(dir: &Path, app_id: &str) -> Option<(bool, bool)> {
    let read = |name: &str| -> Option<Vec<Value>> {
        let text = std::fs::read_to_string(dir.join(name)).ok()?;
        let value: Value = serde_json::from_str(&text).ok()?;
        value
            .get("value")
            .and_then(Value::as_array)
            .cloned()
            .or_else(|| value.as_array().cloned())
    };
    let principals = read("servicePrincipals.json")?;
    let principal = principals.iter().find(|p| {
        p.get("appId")
            .and_then(Value::as_str)
            .is_some_and(|a| a.eq_ignore_ascii_case(app_id))
    });
    let Some(id) = principal.and_then(|p| p.get("id")).and_then(Value::as_str) else {
        return Some((false, false));
    };
    let grants = read("oauth2PermissionGrants.json").unwrap_or_default();
    Some((
        true,
        grants.iter().any(|g| {
            g.get("clientId").and_then(Value::as_str) == Some(id)
                && g.get("consentType").and_then(Value::as_str) == Some("AllPrincipals")
        }),
    ))
}

fn declared_consent(tenant: &Entity<'_>, app: &crate::model::catalog::App) -> bool {
    tenant.spec_get("adminConsent").is_some_and(|list| {
        list.items().any(|e| {
            e.get("app").and_then(|a| a.str()) == Some(app.key.as_str())
                || e.get("appId")
                    .and_then(|a| a.str())
                    .zip(app.entra_app_id.as_deref())
                    .is_some_and(|(a, b)| a.eq_ignore_ascii_case(b))
        })
    })
}

fn domain_findings(
    workspace: &Workspace<'_>,
    verbose: bool,
) -> Result<Vec<DomainFinding>, ServiceError> {
    let Ok(key) = std::env::var("MAMLINT_ATLASSIAN_API_KEY") else {
        return Ok(Vec::new());
    };
    let key = Secret::new(key.trim());
    let mut findings = Vec::new();
    for org in workspace.of_kind(Kind::Organization) {
        let Some(org_id) = org.spec_str("orgId") else {
            continue;
        };
        let name = org.name().unwrap_or_default().to_owned();
        let claimed = atlassian::domains(&key, org_id, verbose)?;
        let declared: Vec<(String, String)> = org
            .spec_get("domains")
            .map(|d| {
                d.items()
                    .filter_map(|i| {
                        Some((
                            i.get("name")?.str()?.to_ascii_lowercase(),
                            i.get("status")
                                .and_then(|s| s.str())
                                .unwrap_or("verified")
                                .to_owned(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for domain in claimed.iter().filter(|c| c.status == "verified") {
            if !declared.iter().any(|(n, _)| *n == domain.name) {
                findings.push(DomainFinding { organization: name.clone(), domain: domain.name.clone(), finding: "is claimed and verified in Atlassian, but not declared in the Organization document".into() });
            }
        }
        for (domain, status) in declared.iter().filter(|(_, s)| s == "verified") {
            match claimed.iter().find(|c| c.name == *domain) {
                Some(c) if c.status == "verified" => {}
                Some(c) => findings.push(DomainFinding {
                    organization: name.clone(),
                    domain: domain.clone(),
                    finding: format!(
                        "is declared {status}, but Atlassian reports it {}",
                        c.status
                    ),
                }),
                None => findings.push(DomainFinding {
                    organization: name.clone(),
                    domain: domain.clone(),
                    finding: "is declared verified, but Atlassian has no such claimed domain"
                        .into(),
                }),
            }
        }
    }
    Ok(findings)
}

/// Computes the plan for every tenant, with a live client per tenant when not offline.
fn build_plan(
    args: &PlanArgs,
    workspace: &Workspace<'_>,
) -> anyhow::Result<(Plan, Vec<Option<Client>>)> {
    let targets = tenants(workspace, None)?;
    let credentials = if args.current.is_none() {
        Some(Credentials::from_env()?)
    } else {
        None
    };
    let mut tenant_plans = Vec::new();
    let mut clients = Vec::new();
    for target in &targets {
        let desired: Vec<state::Policy> = workspace
            .of_kind(Kind::AppProtectionPolicy)
            .filter(|p| {
                workspace
                    .tenant_of(p)
                    .is_some_and(|t| std::ptr::eq(t, target.entity))
            })
            .filter_map(|p| state::desired(workspace, p))
            .collect();
        let (version, reason) = plan::api_version(&desired);
        let apps = plan::consent_apps(workspace, target.entity);
        let (current, consent, client) = match (&args.current, &credentials) {
            (Some(dir), _) => {
                let tenant_dir = dir.join(&target.name);
                let dir = if tenant_dir.is_dir() {
                    tenant_dir
                } else {
                    dir.clone()
                };
                let current = state::from_directory(&dir).map_err(anyhow::Error::msg)?;
                let consent = apps
                    .iter()
                    .map(|app| {
                        let app_id = app.entra_app_id.as_deref().unwrap_or_default();
                        let (sp, granted, source) = match consent_from_files(&dir, app_id) {
                            Some((sp, granted)) => (sp, granted, "current"),
                            None => {
                                let declared = declared_consent(target.entity, app);
                                (declared, declared, "declared")
                            }
                        };
                        consent_record(app, sp, granted, source, target)
                    })
                    .collect();
                (current, consent, None)
            }
            (None, Some(credentials)) => {
                let reader = graph_client(target, credentials, "beta", args.verbose)?;
                let current = export::read_live(&reader)?;
                let directory = graph_client(target, credentials, "v1.0", args.verbose)?;
                let mut consent = Vec::new();
                for app in &apps {
                    let (sp, granted) =
                        consent_live(&directory, app.entra_app_id.as_deref().unwrap_or_default())?;
                    consent.push(consent_record(app, sp, granted, "graph", target));
                }
                (
                    current,
                    consent,
                    Some(graph_client(target, credentials, version, args.verbose)?),
                )
            }
            (None, None) => {
                anyhow::bail!("no current state: give --current DIR or Graph credentials")
            }
        };
        tenant_plans.push(TenantPlan {
            tenant: target.name.clone(),
            tenant_id: target.tenant_id.clone(),
            graph_api_version: version,
            graph_api_reason: reason,
            changes: plan::tenant_changes(&desired, &current, args.prune),
            consent,
        });
        clients.push(client);
    }
    let domains = domain_findings(workspace, args.verbose)?;
    let manual_steps = plan::manual_steps(workspace, &tenant_plans);
    Ok((
        Plan {
            version: 1,
            tenants: tenant_plans,
            domains,
            manual_steps,
        },
        clients,
    ))
}

fn consent_record(
    app: &crate::model::catalog::App,
    sp: bool,
    granted: bool,
    source: &'static str,
    target: &TenantTarget<'_, '_>,
) -> Consent {
    let app_id = app.entra_app_id.as_deref().unwrap_or_default();
    Consent {
        app: app.key.clone(),
        service_principal: sp,
        granted,
        source,
        consent_url: (!granted)
            .then(|| plan::consent_url(&target.endpoints.login, &target.tenant_id, app_id)),
    }
}

fn print_plan(plan: &Plan, format: PlanFormat) -> anyhow::Result<()> {
    let text = match format {
        PlanFormat::Human => render::human(plan),
        PlanFormat::Markdown => render::markdown(plan),
        PlanFormat::Json => render::json(plan),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(())
}

pub(super) fn plan(args: PlanArgs) -> anyhow::Result<u8> {
    let (outcome, _) = check(&args.paths)?;
    if refuse_errors(&outcome)? {
        return Ok(exit::FINDINGS);
    }
    let workspace = Workspace::new(&outcome.files);
    let (plan, _) = match build_plan(&args, &workspace) {
        Ok(built) => built,
        Err(error) => {
            eprintln!("error: {error:#}");
            return Ok(exit::FINDINGS);
        }
    };
    print_plan(&plan, args.format)?;
    Ok(if args.fail_on_loosening && plan.has_loosening() {
        exit::FINDINGS
    } else if plan.has_changes() {
        exit::CHANGES_PENDING
    } else {
        exit::CLEAN
    })
}

pub(super) fn apply(args: ApplyArgs) -> anyhow::Result<u8> {
    if args.dry_run {
        return plan(args.plan);
    }
    if args.plan.current.is_some() {
        eprintln!("error: apply changes the live tenant; --current is for plan only");
        return Ok(exit::ERROR);
    }
    let (outcome, _) = check(&args.plan.paths)?;
    if refuse_errors(&outcome)? {
        return Ok(exit::FINDINGS);
    }
    let workspace = Workspace::new(&outcome.files);
    let (plan, clients) = match build_plan(&args.plan, &workspace) {
        Ok(built) => built,
        Err(error) => {
            eprintln!("error: {error:#}");
            return Ok(exit::FINDINGS);
        }
    };
    print_plan(&plan, PlanFormat::Human)?;
    if !plan.has_changes() {
        eprintln!("Nothing to apply.");
        return Ok(exit::CLEAN);
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            eprintln!("error: not a terminal; pass --yes to apply without asking");
            return Ok(exit::ERROR);
        }
        eprint!("Apply {} changes? [y/N] ", apply::pending(&plan));
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .context("reading the answer")?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("Nothing was applied.");
            return Ok(exit::CLEAN);
        }
    }
    let mut stderr = std::io::stderr();
    let mut completed = 0;
    for (tenant, client) in plan.tenants.iter().zip(&clients) {
        let Some(client) = client else { continue };
        let mut progress = |step: &str| {
            let _ = writeln!(stderr, "  done: {} {step}", tenant.tenant);
        };
        let (done, failure) = apply::apply_tenant(client, &tenant.changes, &mut progress);
        completed += done.completed.len();
        if let Some(failure) = failure {
            eprintln!(
                "error: {}: this step failed: {}: {}",
                tenant.tenant, failure.step, failure.error
            );
            eprintln!(
                "{completed} steps completed before the failure; nothing after it was attempted. Run `mamlint apply` again to converge."
            );
            return Ok(exit::FINDINGS);
        }
    }
    eprintln!("Applied: {completed} steps completed.");
    Ok(exit::CLEAN)
}

pub(super) fn export(args: ExportArgs) -> anyhow::Result<u8> {
    let (outcome, _) = check(&args.paths)?;
    let workspace = Workspace::new(&outcome.files);
    let targets = tenants(&workspace, args.tenant.as_deref())?;
    let Some(target) = targets.first() else {
        eprintln!(
            "error: no EntraTenant{} is loaded; export writes each policy with `tenant:`",
            args.tenant
                .as_deref()
                .map(|t| format!(" named `{t}`"))
                .unwrap_or_default()
        );
        return Ok(exit::ERROR);
    };
    if targets.len() > 1 {
        eprintln!("error: several EntraTenants are loaded; choose one with --tenant");
        return Ok(exit::ERROR);
    }
    let policies = match &args.from {
        Some(dir) => state::from_directory(dir).map_err(anyhow::Error::msg)?,
        None => {
            let credentials = Credentials::from_env()?;
            export::read_live(&graph_client(target, &credentials, "beta", args.verbose)?)?
        }
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    for policy in &policies {
        let (file, text) = export::manifest(policy, &target.name);
        let path = args.out.join(file);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("{}", path.display());
    }
    eprintln!("Exported {} policies of {}.", policies.len(), target.name);
    Ok(exit::CLEAN)
}
