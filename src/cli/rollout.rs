//! `mamlint plan` and `apply`: the rollout commands (mamlint spec §7); `export` is in `export.rs`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, ValueEnum};

use super::args::{self, ConfigArgs, FormatTo};
use super::exit;
use super::progress;
use crate::config::{ApiVersion, Config};
use crate::diagnostic::Severity;
use crate::graph::{Client, Credentials, Secret};
use crate::lint::{self, Outcome};
use crate::model::Workspace;
use crate::plan::build::{self, Current, Options};
use crate::plan::pool::Jobs;
use crate::plan::{Plan, apply, render};
use crate::report::{self, Format, HumanOptions};
use crate::selection::Selection;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Human,
    Markdown,
    Json,
    Html,
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
    /// Output format: human, markdown (a pull-request comment), json, or html (a
    /// self-contained page for change review); FORMAT=FILE writes it to FILE.
    #[arg(
        long,
        value_name = "FORMAT[=FILE]",
        default_value = "human",
        value_parser = args::format_to::<PlanFormat>
    )]
    pub format: FormatTo<PlanFormat>,
    /// Exit with 1 when a change loosens protection or takes a policy below its protection
    /// level.
    #[arg(long)]
    pub fail_on_loosening: bool,
    /// Delete policies that are in the tenant but in no file.
    #[arg(long)]
    pub prune: bool,
    /// Log every service call (never tokens) on standard error.
    #[arg(short, long)]
    pub verbose: bool,
    #[command(flatten)]
    pub quiet: QuietArg,
    #[command(flatten)]
    pub jobs: JobsArg,
    #[command(flatten)]
    pub config: ConfigArgs,
}

#[derive(Debug, Args)]
pub struct QuietArg {
    /// Show no progress on standard error (it is shown only on a terminal, never in CI).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct JobsArg {
    /// How many tenants to work on at once (1 to 64). Each tenant's own requests stay in
    /// order; output lists tenants in file order whatever the count.
    #[arg(long, value_name = "N", default_value_t = Jobs::DEFAULT, value_parser = parse_jobs)]
    pub jobs: Jobs,
}

fn parse_jobs(text: &str) -> Result<Jobs, String> {
    let n = text
        .trim()
        .parse::<usize>()
        .map_err(|_| format!("`{text}` is not a whole number of tenants"))?;
    Jobs::new(n)
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

/// Checks the files, as `mamlint check` does, resolving inputs the same way. `Err` is the
/// exit code when the files cannot be read.
pub(super) fn check(
    paths: &[String],
    config: &ConfigArgs,
) -> Result<(Outcome, Option<Config>), u8> {
    let project = args::open_project(paths, config, None)?;
    if !project.errors.is_empty() {
        args::print_read_errors(&project.errors);
        return Err(exit::ERROR);
    }
    let settings = project.settings(Selection::default());
    let outcome = lint::run_keeping_text(project.inputs, &settings);
    if !outcome.read_errors.is_empty() {
        args::print_read_errors(&outcome.read_errors);
        return Err(exit::ERROR);
    }
    if !outcome.internal_errors.is_empty() {
        for error in &outcome.internal_errors {
            eprintln!("error: {error}");
        }
        return Err(exit::ERROR);
    }
    Ok((outcome, settings.config))
}

/// Prints the findings and refuses to go on when the files have errors.
fn refuse_errors(outcome: &Outcome) -> anyhow::Result<bool> {
    if !outcome.fails(Severity::Error) {
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

/// The plan of the checked files, from `--current` exports or from Graph.
fn build_plan(
    args: &PlanArgs,
    workspace: &Workspace<'_>,
    config: Option<&Config>,
) -> anyhow::Result<(Plan, Vec<Option<Client>>)> {
    let credentials = match &args.current {
        Some(_) => None,
        None => Some(Credentials::from_env()?),
    };
    let current = match (&args.current, &credentials) {
        (Some(dir), _) => Current::Directory(dir.clone()),
        (None, Some(credentials)) => Current::Live(credentials),
        (None, None) => anyhow::bail!("no current state: give --current DIR or Graph credentials"),
    };
    let progress = progress::for_tenants("planning", args.quiet.quiet || args.verbose);
    let options = Options {
        prune: args.prune,
        verbose: args.verbose,
        atlassian_key: std::env::var("MAMLINT_ATLASSIAN_API_KEY")
            .ok()
            .map(|key| Secret::new(key.trim())),
        graph_api_version: config.and_then(|c| c.api_version).map(ApiVersion::as_str),
        jobs: args.jobs.jobs,
        protection: config.map(|c| c.protection.clone()),
        progress: progress.as_ref(),
    };
    build::build(workspace, &current, &options)
}

fn print_plan(plan: &Plan, to: &FormatTo<PlanFormat>) -> anyhow::Result<()> {
    let text = match to.format {
        PlanFormat::Human => render::human(plan),
        PlanFormat::Markdown => render::markdown(plan),
        PlanFormat::Json => render::json(plan),
        PlanFormat::Html => report::html::plan::render(plan),
    };
    args::emit(to, &text)
}

pub(super) fn plan(args: PlanArgs) -> anyhow::Result<u8> {
    let (outcome, config) = match check(&args.paths, &args.config) {
        Ok(checked) => checked,
        Err(code) => return Ok(code),
    };
    if refuse_errors(&outcome)? {
        return Ok(exit::FINDINGS);
    }
    let workspace = Workspace::new(&outcome.files);
    let (plan, _) = match build_plan(&args, &workspace, config.as_ref()) {
        Ok(built) => built,
        Err(error) => {
            eprintln!("error: {error:#}");
            return Ok(exit::FINDINGS);
        }
    };
    print_plan(&plan, &args.format)?;
    Ok(
        if args.fail_on_loosening && (plan.has_loosening() || plan.has_below_level()) {
            exit::FINDINGS
        } else if plan.has_changes() {
            exit::CHANGES_PENDING
        } else {
            exit::CLEAN
        },
    )
}

pub(super) fn apply(args: ApplyArgs) -> anyhow::Result<u8> {
    if args.dry_run {
        return plan(args.plan);
    }
    if args.plan.current.is_some() {
        eprintln!("error: apply changes the live tenant; --current is for plan only");
        return Ok(exit::ERROR);
    }
    let (outcome, config) = match check(&args.plan.paths, &args.plan.config) {
        Ok(checked) => checked,
        Err(code) => return Ok(code),
    };
    if refuse_errors(&outcome)? {
        return Ok(exit::FINDINGS);
    }
    let workspace = Workspace::new(&outcome.files);
    let (plan, clients) = match build_plan(&args.plan, &workspace, config.as_ref()) {
        Ok(built) => built,
        Err(error) => {
            eprintln!("error: {error:#}");
            return Ok(exit::FINDINGS);
        }
    };
    // The plan as `plan` would print it, in the format asked for: a pipeline that keeps the
    // JSON of what it is about to apply reads it from here. What was applied follows on
    // standard error.
    print_plan(&plan, &args.plan.format)?;
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
    let progress = progress::for_tenants("applying", args.plan.quiet.quiet || args.plan.verbose);
    let applied = apply::apply_plan(&plan, &clients, args.plan.jobs.jobs, progress.as_ref())
        .map_err(anyhow::Error::msg)?;
    eprint!("{}", render::applied(&applied));
    Ok(if applied.iter().any(|t| t.failure.is_some()) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}
