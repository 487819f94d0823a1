//! `mamlint export`: each tenant's current Atlassian policies as manifests (mamlint spec §7),
//! and the reading of tenants that `init` shares with it.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;

use super::args::ConfigArgs;
use super::exit;
use super::progress;
use super::rollout::{JobsArg, QuietArg, check};
use crate::graph::Credentials;
use crate::model::Workspace;
use crate::plan::build::{self, Current};
use crate::plan::export;
use crate::plan::pool::Jobs;
use crate::plan::state::Policy;

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
    #[command(flatten)]
    pub quiet: QuietArg,
    #[command(flatten)]
    pub jobs: JobsArg,
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Where `export` and `init` read the tenants' current policies from.
pub(super) struct TenantSource<'a> {
    /// The documents that describe the tenants (EntraTenant manifests).
    pub paths: &'a [String],
    pub config: &'a ConfigArgs,
    /// Only this EntraTenant.
    pub tenant: Option<&'a str>,
    /// Graph exports instead of Graph.
    pub from: Option<&'a Path>,
    pub jobs: Jobs,
    pub verbose: bool,
    pub quiet: bool,
}

/// Each tenant's name and its current policies, or why they could not be read.
pub(super) type TenantPolicies = Vec<(String, anyhow::Result<Vec<Policy>>)>;

/// The current policies of every loaded EntraTenant (of `source.tenant` only, if given), in
/// file order; empty when no EntraTenant is loaded. `Err` is the exit code when the files
/// cannot be read.
pub(super) fn read_tenants(
    source: &TenantSource<'_>,
) -> anyhow::Result<Result<TenantPolicies, u8>> {
    let (outcome, _) = match check(source.paths, source.config) {
        Ok(checked) => checked,
        Err(code) => return Ok(Err(code)),
    };
    let workspace = Workspace::new(&outcome.files);
    let targets = build::tenants(&workspace, source.tenant)?;
    if targets.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let credentials = match source.from {
        Some(_) => None,
        None => Some(Credentials::from_env()?),
    };
    let current = match (source.from, &credentials) {
        (Some(dir), _) => Current::Directory(dir.to_path_buf()),
        (None, Some(credentials)) => Current::Live(credentials),
        (None, None) => anyhow::bail!("no current state: give --from DIR or Graph credentials"),
    };
    let progress = progress::for_tenants("exporting", source.quiet || source.verbose);
    let read = build::current_policies(
        &targets,
        &current,
        source.jobs,
        source.verbose,
        progress.as_ref(),
    )?;
    Ok(Ok(targets
        .iter()
        .map(|t| t.name.clone())
        .zip(read)
        .collect()))
}

pub(super) fn export(args: ExportArgs) -> anyhow::Result<u8> {
    let read = read_tenants(&TenantSource {
        paths: &args.paths,
        config: &args.config,
        tenant: args.tenant.as_deref(),
        from: args.from.as_deref(),
        jobs: args.jobs.jobs,
        verbose: args.verbose,
        quiet: args.quiet.quiet,
    })?;
    let read = match read {
        Ok(read) => read,
        Err(code) => return Ok(code),
    };
    if read.is_empty() {
        eprintln!(
            "error: no EntraTenant{} is loaded; export writes each policy with `tenant:`",
            args.tenant
                .as_deref()
                .map(|t| format!(" named `{t}`"))
                .unwrap_or_default()
        );
        return Ok(exit::ERROR);
    }
    // One tenant's manifests go into OUT itself; several tenants' into OUT/<tenant>/, since
    // their policies may share display names and so file names.
    let several = read.len() > 1;
    let mut failed = false;
    for (name, policies) in read {
        let policies = match policies {
            Ok(policies) => policies,
            Err(error) => {
                eprintln!("error: tenant {name}: {error:#}");
                failed = true;
                continue;
            }
        };
        let out = if several {
            args.out.join(&name)
        } else {
            args.out.clone()
        };
        std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
        for policy in &policies {
            let (file, text) = export::manifest(policy, &name);
            let path = out.join(file);
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            println!("{}", path.display());
        }
        eprintln!("Exported {} policies of {name}.", policies.len());
    }
    Ok(if failed { exit::FINDINGS } else { exit::CLEAN })
}
