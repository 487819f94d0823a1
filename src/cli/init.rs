//! `mamlint init`: starts a policy repository (the files come from `crate::init`; the
//! tenant's policies are read by `export`'s code in `rollout.rs`). Refuses to overwrite.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;

use super::args::ConfigArgs;
use super::exit;
use super::export::{self, TenantSource};
use super::rollout::{self, JobsArg, QuietArg};
use crate::init::{self, Planned};
use crate::model::Workspace;
use crate::plan::state;

#[derive(Debug, Args)]
#[command(rename_all = "kebab-case")]
pub struct InitArgs {
    /// The repository to start (default: the current directory). Its EntraTenant manifests, if
    /// any, say which tenants `--tenant` and `--from-export` read.
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Also write manifests of the Atlassian policies in these Graph exports (DIR/<tenant>/
    /// when it exists, else DIR), as `mamlint export --from` reads them.
    #[arg(long, value_name = "DIR")]
    pub from_export: Option<PathBuf>,
    /// Also write manifests of this EntraTenant's current Atlassian policies, read from Graph
    /// with the credentials of `mamlint export` (or from `--from-export`). With
    /// `--from-export` and no EntraTenant manifest, the tenant the policies belong to.
    #[arg(long, value_name = "NAME")]
    pub tenant: Option<String>,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub quiet: QuietArg,
    #[command(flatten)]
    pub jobs: JobsArg,
}

pub(super) fn run(args: InitArgs) -> anyhow::Result<u8> {
    let paths = [args.dir.to_string_lossy().into_owned()];
    let context = match rollout::check(&paths, &ConfigArgs::default()) {
        Ok((outcome, _)) => init::context_files(&Workspace::new(&outcome.files), &args.dir),
        Err(code) => return Ok(code),
    };
    let mut files = init::starter_files(&context);
    if args.from_export.is_some() || args.tenant.is_some() {
        match tenant_files(&args)? {
            Ok(policies) => files.extend(policies),
            Err(code) => return Ok(code),
        }
    }
    // Paths as the user would type them: `mamlint.toml`, not `./mamlint.toml`.
    let shown = |file: &Planned| {
        if args.dir == Path::new(".") {
            file.path.clone()
        } else {
            args.dir.join(&file.path)
        }
    };
    let existing: Vec<&Planned> = files
        .iter()
        .filter(|f| args.dir.join(&f.path).symlink_metadata().is_ok())
        .collect();
    if !args.force && !existing.is_empty() {
        for file in existing {
            eprintln!(
                "error: {} already exists; mamlint init does not overwrite files (--force replaces them)",
                shown(file).display()
            );
        }
        return Ok(exit::ERROR);
    }
    std::fs::create_dir_all(args.dir.join(init::POLICY_DIR))
        .with_context(|| format!("creating {}", args.dir.join(init::POLICY_DIR).display()))?;
    for file in &files {
        let path = args.dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &file.text).with_context(|| format!("writing {}", path.display()))?;
        println!("{}", shown(file).display());
    }
    eprintln!(
        "Next: put your Organization and EntraTenant manifests beside the policies (see `context` in mamlint.toml), run `mamlint check`, then `pre-commit install`."
    );
    Ok(exit::CLEAN)
}

/// The manifests of the tenants' Atlassian policies, as `export` reads them. `Err` is the
/// exit code, after saying why.
fn tenant_files(args: &InitArgs) -> anyhow::Result<Result<Vec<Planned>, u8>> {
    let paths = [args.dir.to_string_lossy().into_owned()];
    let read = export::read_tenants(&TenantSource {
        paths: &paths,
        config: &ConfigArgs::default(),
        tenant: args.tenant.as_deref(),
        from: args.from_export.as_deref(),
        jobs: args.jobs.jobs,
        verbose: false,
        quiet: args.quiet.quiet,
    })?;
    let mut read = match read {
        Ok(read) => read,
        Err(code) => return Ok(Err(code)),
    };
    if read.is_empty() {
        // No EntraTenant yet: exports name no tenant, so `--tenant` has to.
        match (&args.from_export, &args.tenant) {
            (Some(dir), Some(name)) => {
                read.push((
                    name.clone(),
                    state::from_directory(dir).map_err(anyhow::Error::msg),
                ));
            }
            (_, tenant) => {
                eprintln!(
                    "error: no EntraTenant{} is loaded from {}; {}",
                    tenant
                        .as_deref()
                        .map(|t| format!(" named `{t}`"))
                        .unwrap_or_default(),
                    args.dir.display(),
                    if args.from_export.is_some() {
                        "name the tenant the exported policies belong to with --tenant NAME"
                    } else {
                        "reading a tenant from Graph needs its EntraTenant manifest (tenantId)"
                    }
                );
                return Ok(Err(exit::ERROR));
            }
        }
    }
    let several = read.len() > 1;
    let mut files = Vec::new();
    for (name, policies) in read {
        match policies {
            Ok(policies) => {
                let written = init::policy_files(&name, &policies, several);
                eprintln!(
                    "Read {} policies of {name}, {} of them for Atlassian apps.",
                    policies.len(),
                    written.len()
                );
                files.extend(written);
            }
            Err(error) => {
                eprintln!("error: tenant {name}: {error:#}");
                return Ok(Err(exit::FINDINGS));
            }
        }
    }
    Ok(Ok(files))
}
