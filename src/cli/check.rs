//! `mamlint check`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use super::args::{self, ConfigArgs, SeverityArg};
use super::exit;
use super::outputs;
use crate::baseline::Baseline;
use crate::diagnostic::Severity;
use crate::fix;
use crate::lint::{self, Outcome};
use crate::project::Project;
use crate::selection::Selection;

#[derive(Debug, Args)]
#[command(rename_all = "kebab-case")]
pub struct CheckArgs {
    /// Files and directories to check (default: `include` from mamlint.toml, else the current
    /// directory); `-` reads standard input. Directories are walked respecting .gitignore,
    /// picking up *.yaml, *.yml and *.json.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Output format, repeatable: FORMAT writes to standard output, FORMAT=FILE to a file, so
    /// one run can serve the log and an upload (`--format human --format sarif=results.sarif`).
    /// Formats: human, json, sarif, github, junit, concise, gitlab, html.
    #[arg(long, value_name = "FORMAT[=FILE]", help_heading = "Output")]
    pub format: Vec<String>,

    /// Exit with 1 when a finding is at or above this severity (default: `fail-level` from
    /// mamlint.toml, else error).
    #[arg(long, value_enum, help_heading = "Output")]
    pub fail_level: Option<SeverityArg>,

    /// Exit with 0 even when there are findings (usage and read errors still exit with 2).
    #[arg(long, help_heading = "Output")]
    pub exit_zero: bool,

    /// Report only these rules: codes, code prefixes (MAM3) or names; repeatable or
    /// comma-separated. Replaces `[rules] select` of mamlint.toml.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "CODE",
        help_heading = "Rules"
    )]
    pub select: Vec<String>,

    /// Do not report these rules: codes, code prefixes or names. Replaces `[rules] ignore`.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "CODE",
        help_heading = "Rules"
    )]
    pub ignore: Vec<String>,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// Hold every app protection policy that targets an Atlassian app to this level of
    /// Microsoft's data protection framework (1 basic, 2 enhanced, 3 high): MAM501 reports each
    /// setting that falls short. Overrides `spec.protectionLevel` and `[protection]`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=3), help_heading = "Rules")]
    pub protection_level: Option<u8>,

    /// Apply safe fixes in place (comments, key order, quoting and line endings are kept), then
    /// report what is left.
    #[arg(long, help_heading = "Fixes")]
    pub fix: bool,

    /// Also apply unsafe fixes: guesses such as the nearest app ID, and changes of behaviour
    /// beyond the finding.
    #[arg(long, help_heading = "Fixes")]
    pub unsafe_fixes: bool,

    /// Print the fixes as a unified diff instead of writing them; exit with 1 if there are any.
    #[arg(long, conflicts_with = "fix", help_heading = "Fixes")]
    pub diff: bool,

    /// Report only findings that this baseline does not record.
    #[arg(long, value_name = "FILE", help_heading = "Baseline")]
    pub baseline: Option<PathBuf>,

    /// Record today's findings in FILE (a new baseline) and exit with 0.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "baseline",
        help_heading = "Baseline"
    )]
    pub write_baseline: Option<PathBuf>,

    /// With --baseline: remove the entries that no longer match from the baseline file.
    #[arg(long, requires = "baseline", help_heading = "Baseline")]
    pub prune_baseline: bool,

    /// File name to use for standard input (decides YAML or JSON and framework templates).
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub stdin_filename: Option<String>,

    /// Also list skipped files, how documents were recognized and stale baseline entries, on
    /// standard error.
    #[arg(short, long, help_heading = "Output")]
    pub verbose: bool,

    /// Print a count per rule code (with its name and severity), most first, instead of the
    /// findings; as JSON with `--format json`.
    #[arg(long, help_heading = "Output")]
    pub statistics: bool,

    /// Print the `input` document custom Rego rules read (spec 10) as JSON, instead of
    /// checking; its schema is `mamlint schema rego-input`.
    #[arg(long, help_heading = "Output")]
    pub print_rego_input: bool,

    /// Print findings only: no summary line.
    #[arg(short, long, help_heading = "Output")]
    pub quiet: bool,

    /// Never colour the output (colour is used only on a terminal, never with NO_COLOR).
    #[arg(long, help_heading = "Output")]
    pub no_color: bool,
}

pub(super) fn run(args: CheckArgs) -> anyhow::Result<u8> {
    let outputs = match outputs::parse(&args.format, args.statistics) {
        Ok(outputs) => outputs,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(exit::ERROR);
        }
    };
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    if args.fix && args.paths.iter().any(|p| p == "-") {
        eprintln!("error: --fix cannot write to standard input; use --diff");
        return Ok(exit::ERROR);
    }
    let project = match args::open_project(&args.paths, &args.config, args.stdin_filename.clone()) {
        Ok(project) => project,
        Err(code) => return Ok(code),
    };
    // After the project: `--select` may name the project's custom rules.
    let unknown = selection.unknown_patterns(&project.custom.known_metas());
    if !unknown.is_empty() {
        eprintln!(
            "error: no rule matches {}; see `mamlint rule --all`",
            unknown.join(", ")
        );
        return Ok(exit::ERROR);
    }
    let fail_level = args
        .fail_level
        .map(Severity::from)
        .or(project.config.as_ref().and_then(|c| c.fail_level))
        .unwrap_or(Severity::Error);
    let mut settings = project.settings(selection);
    if let Some(level) = args.protection_level {
        // The command line outranks every level the files set (spec 9).
        settings
            .config
            .get_or_insert_with(Default::default)
            .protection
            .command_line = Some(level);
    }
    let stderr = &mut std::io::stderr().lock();
    let Project { inputs, errors, .. } = project;
    let mut read_errors = errors;
    if args.print_rego_input {
        let outcome = lint::run(inputs, &settings);
        let input = crate::custom::input::of_files(&outcome.files);
        println!("{}", serde_json::to_string_pretty(&input)?);
        for error in read_errors.iter().chain(&outcome.read_errors) {
            eprintln!("error: {error}");
        }
        let unreadable = !read_errors.is_empty() || !outcome.read_errors.is_empty();
        return Ok(if unreadable { exit::ERROR } else { exit::CLEAN });
    }
    let mut outcome = if args.fix || args.diff {
        match fix_files(&args, inputs, &settings, &mut read_errors, stderr)? {
            Ok(outcome) => outcome,
            Err(code) => return Ok(code),
        }
    } else {
        // Nothing below reads a policy's settings: the lean run holds far less of them.
        lint::run_for_reports(inputs, &settings)
    };
    read_errors.append(&mut outcome.read_errors);

    if let Some(path) = &args.write_baseline {
        return record_baseline(path, &outcome, &read_errors, stderr);
    }
    if let Some(path) = &args.baseline {
        compare_with_baseline(&args, path, &mut outcome, stderr)?;
    }
    if args.verbose {
        for (path, reason) in &outcome.skipped {
            writeln!(stderr, "skipped {path}: {reason}")?;
        }
        for note in &outcome.notes {
            writeln!(stderr, "note: {note}")?;
        }
    }
    args::print_read_errors(&read_errors);
    for error in &outcome.internal_errors {
        writeln!(stderr, "error: {error}")?;
    }
    outputs::write(
        &outputs,
        &outcome,
        outputs::Options {
            no_color: args.no_color,
            quiet: args.quiet,
            statistics: args.statistics,
        },
        stderr,
    )?;
    let status = exit::Status {
        unreadable: !read_errors.is_empty(),
        config_errors: outcome.has_config_errors(),
        internal_errors: !outcome.internal_errors.is_empty(),
        findings: outcome.fails(fail_level),
        exit_zero: args.exit_zero,
    };
    // The process ends right after this: freeing every parsed tree one node at a time would
    // only delay the exit (about a tenth of a large run).
    std::mem::forget(outcome);
    Ok(exit::code(status))
}

/// `--write-baseline`: records every finding and exits 0 unless the run itself failed.
fn record_baseline(
    path: &std::path::Path,
    outcome: &Outcome,
    read_errors: &[String],
    stderr: &mut dyn Write,
) -> anyhow::Result<u8> {
    let baseline = Baseline::record(&outcome.files, &outcome.diagnostics);
    baseline
        .write(path)
        .with_context(|| format!("writing baseline {}", path.display()))?;
    writeln!(
        stderr,
        "Recorded {} findings in the baseline {}.",
        baseline.findings.len(),
        path.display()
    )?;
    args::print_read_errors(read_errors);
    Ok(exit::code(exit::Status {
        unreadable: !read_errors.is_empty(),
        config_errors: outcome.has_config_errors(),
        internal_errors: !outcome.internal_errors.is_empty(),
        findings: false,
        exit_zero: true,
    }))
}

/// `--fix` (writes the fixed files, then the run reports what is left) and `--diff` (prints
/// the fixes; the run ends with `Err(exit code)`).
fn fix_files(
    args: &CheckArgs,
    inputs: Vec<crate::lint::Input>,
    settings: &crate::lint::Settings,
    read_errors: &mut Vec<String>,
    stderr: &mut dyn Write,
) -> anyhow::Result<Result<Outcome, u8>> {
    let fixed = fix::run(inputs, settings, args.unsafe_fixes);
    if args.diff {
        let mut out = std::io::stdout().lock();
        for changed in &fixed.changed {
            write!(out, "{}", fix::unified_diff(changed))?;
        }
        writeln!(
            stderr,
            "Would fix {} findings in {} files.",
            fixed.applied,
            fixed.changed.len()
        )?;
        read_errors.extend(fixed.outcome.read_errors.iter().cloned());
        args::print_read_errors(read_errors);
        return Ok(Err(exit::code(exit::Status {
            unreadable: !read_errors.is_empty(),
            config_errors: fixed.outcome.has_config_errors(),
            internal_errors: !fixed.outcome.internal_errors.is_empty(),
            findings: !fixed.changed.is_empty(),
            exit_zero: false,
        })));
    }
    for changed in &fixed.changed {
        fix::write_atomically(&changed.path, &changed.bytes)
            .with_context(|| format!("writing {}", changed.path))?;
    }
    writeln!(
        stderr,
        "Fixed {} findings in {} files.",
        fixed.applied,
        fixed.changed.len()
    )?;
    Ok(Ok(fixed.outcome))
}

/// `--baseline`: hides the findings it records, reports (or prunes) entries that match none.
fn compare_with_baseline(
    args: &CheckArgs,
    path: &std::path::Path,
    outcome: &mut Outcome,
    stderr: &mut dyn Write,
) -> anyhow::Result<()> {
    let baseline = Baseline::read(path)?;
    let before = outcome.diagnostics.len();
    let stale = baseline.filter(&outcome.files, &mut outcome.diagnostics);
    let hidden = before - outcome.diagnostics.len();
    if !stale.is_empty() {
        if args.prune_baseline {
            baseline
                .pruned(&stale)
                .write(path)
                .with_context(|| format!("writing baseline {}", path.display()))?;
            writeln!(
                stderr,
                "Pruned {} baseline entries that no longer match from {}.",
                stale.len(),
                path.display()
            )?;
        } else {
            writeln!(
                stderr,
                "{} baseline entries no longer match a finding; remove them with --prune-baseline.",
                stale.len()
            )?;
        }
        for entry in stale
            .iter()
            .filter(|_| args.verbose || !args.prune_baseline)
        {
            writeln!(
                stderr,
                "  stale: {} {} {}{} {}",
                entry.code, entry.file, entry.document, entry.pointer, entry.message
            )?;
        }
    }
    if hidden > 0 && !args.quiet {
        writeln!(
            stderr,
            "{hidden} findings recorded in the baseline are not shown."
        )?;
    }
    Ok(())
}
