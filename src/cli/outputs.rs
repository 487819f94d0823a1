//! `mamlint check`'s outputs: `--format FORMAT[=FILE]` parsed into outputs, and the
//! outcome written to each (standard output or a file), with the summary on standard error
//! when no human report is on standard output. With `--statistics` each output is the count
//! per rule code instead (text for `human`, JSON for `json`).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context as _;

use crate::lint::Outcome;
use crate::report::{self, Format, HumanOptions};

/// What the outputs take from the command line.
#[derive(Clone, Copy, Debug)]
pub(super) struct Options {
    pub no_color: bool,
    pub quiet: bool,
    pub statistics: bool,
}

/// One requested output.
#[derive(Debug)]
pub(super) struct Output {
    pub format: Format,
    pub file: Option<PathBuf>,
}

pub(super) fn parse(specs: &[String], statistics: bool) -> Result<Vec<Output>, String> {
    let specs: Vec<&str> = if specs.is_empty() {
        vec!["human"]
    } else {
        specs.iter().map(String::as_str).collect()
    };
    let mut outputs = Vec::new();
    for spec in specs {
        let (name, file) = match spec.split_once('=') {
            Some((name, file)) if !file.is_empty() => (name, Some(PathBuf::from(file))),
            Some(_) => return Err(format!("`--format {spec}` names no file after `=`")),
            None => (spec, None),
        };
        let format = Format::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
            format!("unknown format `{name}`; formats: {}", names.join(", "))
        })?;
        if statistics && !matches!(format, Format::Human | Format::Json) {
            return Err(format!(
                "--statistics prints text (human) or JSON (json), not `{}`",
                format.name()
            ));
        }
        outputs.push(Output { format, file });
    }
    if outputs.iter().filter(|o| o.file.is_none()).count() > 1 {
        return Err(
            "only one --format can write to standard output; give the others a file (FORMAT=FILE)"
                .to_owned(),
        );
    }
    Ok(outputs)
}

pub(super) fn write(
    outputs: &[Output],
    outcome: &Outcome,
    args: Options,
    stderr: &mut dyn Write,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let color_allowed = !args.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    for output in outputs {
        match &output.file {
            Some(path) => {
                let mut file = std::fs::File::create(path)
                    .with_context(|| format!("creating {}", path.display()))?;
                render(
                    output.format,
                    outcome,
                    args,
                    HumanOptions {
                        color: false,
                        quiet: args.quiet,
                    },
                    &mut file,
                )?;
            }
            None => {
                let color = color_allowed && stdout.is_terminal();
                let mut out = stdout.lock();
                render(
                    output.format,
                    outcome,
                    args,
                    HumanOptions {
                        color,
                        quiet: args.quiet,
                    },
                    &mut out,
                )?;
                out.flush()?;
            }
        }
    }
    // Machine formats keep standard output to themselves; the summary goes to standard error.
    let human_on_stdout = outputs
        .iter()
        .any(|o| o.format == Format::Human && o.file.is_none());
    if !human_on_stdout && !args.quiet {
        writeln!(stderr, "{}", report::human::summary(outcome))?;
    }
    Ok(())
}

/// One output: the findings in `format`, or with `--statistics` their counts.
fn render(
    format: Format,
    outcome: &Outcome,
    args: Options,
    human: HumanOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match (args.statistics, format) {
        (true, Format::Json) => report::statistics::write_json(outcome, out),
        (true, _) => report::statistics::write_text(outcome, human.quiet, out),
        (false, _) => report::write(format, outcome, human, out),
    }
}
