//! `mamlint conformance`: reads the inputs as `check` does, then prints what
//! `protection::render` makes of every app protection policy. With `--level N` it is a gate.

use clap::{Args, ValueEnum};

use super::args::{self, ConfigArgs, FormatTo};
use super::exit;
use crate::model::Workspace;
use crate::protection::render;
use crate::report;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ConformanceFormat {
    Human,
    Markdown,
    Json,
    Html,
}

#[derive(Debug, Args)]
#[command(rename_all = "kebab-case")]
pub struct ConformanceArgs {
    /// Files and directories to read (default: `include` from mamlint.toml, else the current
    /// directory); `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Exit with 1 when a policy falls short of this level (1 basic, 2 enhanced, 3 high).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=3))]
    pub level: Option<u8>,

    /// Output format: a compact matrix (human), a pull-request comment (markdown), JSON, or a
    /// self-contained page for change review (html); FORMAT=FILE writes it to FILE.
    #[arg(
        long,
        value_name = "FORMAT[=FILE]",
        default_value = "human",
        value_parser = args::format_to::<ConformanceFormat>
    )]
    pub format: FormatTo<ConformanceFormat>,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// File name to use for standard input (decides YAML or JSON and framework templates).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
}

pub(super) fn run(args: ConformanceArgs) -> anyhow::Result<u8> {
    let (outcome, unreadable) =
        match args::load_files(&args.paths, &args.config, args.stdin_filename.clone()) {
            Ok(loaded) => loaded,
            Err(code) => return Ok(code),
        };
    let workspace = Workspace::new(&outcome.files);
    let reports = render::build(&workspace);
    let text = match args.format.format {
        ConformanceFormat::Human => render::human(&reports),
        ConformanceFormat::Markdown => render::markdown(&reports),
        ConformanceFormat::Json => format!("{:#}\n", render::json(&reports)),
        ConformanceFormat::Html => report::html::conformance::render(&reports, args.level),
    };
    args::emit(&args.format, &text)?;
    let unparsed = outcome
        .diagnostics
        .iter()
        .filter(|d| d.code() == "MAM001")
        .count();
    if unparsed > 0 {
        eprintln!(
            "note: {unparsed} files could not be parsed and are not measured; `mamlint check` shows why"
        );
    }
    Ok(exit::code(exit::Status {
        unreadable,
        config_errors: outcome.has_config_errors(),
        internal_errors: !outcome.internal_errors.is_empty(),
        findings: args
            .level
            .is_some_and(|level| render::falls_short(&reports, level)),
        exit_zero: false,
    }))
}
