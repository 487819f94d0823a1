//! `mamlint check`.

use std::io::{IsTerminal, Read, Write};

use anyhow::Context as _;
use clap::Args;

use super::exit;
use crate::diagnostic::Severity;
use crate::lint::{self, Input, Selection, Settings};
use crate::report::{self, Format, HumanOptions};
use crate::walk;

#[derive(Debug, Args)]
#[command(rename_all = "kebab-case")]
pub struct CheckArgs {
    /// Files and directories to check; `-` reads standard input. Directories are walked
    /// respecting .gitignore, picking up *.yaml, *.yml and *.json.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human, help_heading = "Output")]
    pub format: Format,

    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = Severity::Error, help_heading = "Output")]
    pub fail_level: Severity,

    /// Report only these rules: codes, code prefixes (MAM3) or names; repeatable or
    /// comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "CODE",
        help_heading = "Rules"
    )]
    pub select: Vec<String>,

    /// Do not report these rules: codes, code prefixes or names.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "CODE",
        help_heading = "Rules"
    )]
    pub ignore: Vec<String>,

    /// File name to use for standard input (decides YAML or JSON and framework templates).
    #[arg(long, value_name = "NAME", help_heading = "Input")]
    pub stdin_filename: Option<String>,

    /// Also list skipped files and how documents were recognized, on standard error.
    #[arg(short, long, help_heading = "Output")]
    pub verbose: bool,

    /// Print findings only: no summary line.
    #[arg(short, long, help_heading = "Output")]
    pub quiet: bool,

    /// Never colour the output (colour is used only on a terminal, never with NO_COLOR).
    #[arg(long, help_heading = "Output")]
    pub no_color: bool,
}

pub(super) fn run(args: CheckArgs) -> anyhow::Result<u8> {
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let unknown = selection.unknown_patterns();
    if !unknown.is_empty() {
        eprintln!(
            "error: no rule matches {}; see `mamlint rule --all`",
            unknown.join(", ")
        );
        return Ok(exit::ERROR);
    }
    let paths = if args.paths.is_empty() {
        vec![".".to_owned()]
    } else {
        args.paths.clone()
    };
    let mut inputs = Vec::new();
    let mut read_errors = Vec::new();
    let file_paths: Vec<String> = paths.iter().filter(|p| *p != "-").cloned().collect();
    if paths.iter().any(|p| p == "-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        inputs.push(Input::memory(
            args.stdin_filename
                .clone()
                .unwrap_or_else(|| "-".to_owned()),
            bytes,
        ));
    }
    let (candidates, walk_errors) = walk::discover(&file_paths);
    read_errors.extend(walk_errors);
    inputs.extend(candidates.into_iter().map(Input::disk));

    let mut outcome = lint::run(inputs, &Settings { selection });
    read_errors.append(&mut outcome.read_errors);

    let stderr = &mut std::io::stderr().lock();
    if args.verbose {
        for (path, reason) in &outcome.skipped {
            writeln!(stderr, "skipped {path}: {reason}")?;
        }
        for note in &outcome.notes {
            writeln!(stderr, "note: {note}")?;
        }
    }
    for error in &read_errors {
        writeln!(stderr, "error: cannot read {error}")?;
    }

    let stdout = std::io::stdout();
    let color = !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && stdout.is_terminal();
    let mut out = stdout.lock();
    report::write(
        args.format,
        &outcome,
        HumanOptions {
            color,
            quiet: args.quiet,
        },
        &mut out,
    )?;
    out.flush()?;

    Ok(if !read_errors.is_empty() {
        exit::ERROR
    } else if outcome.fails(args.fail_level) {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}
