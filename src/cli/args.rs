//! Arguments several commands share, and their conversion to library types: the library's
//! types know nothing of `clap`.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::exit;
use crate::diagnostic::Severity;
use crate::project::{ConfigChoice, Project, ProjectOptions};

/// `--config FILE` / `--no-config`.
#[derive(Debug, Default, Args)]
#[command(rename_all = "kebab-case")]
pub struct ConfigArgs {
    /// Use this configuration file instead of the closest mamlint.toml.
    #[arg(long, value_name = "FILE", help_heading = "Configuration")]
    pub config: Option<PathBuf>,

    /// Ignore every mamlint.toml.
    #[arg(long, conflicts_with = "config", help_heading = "Configuration")]
    pub no_config: bool,
}

impl ConfigArgs {
    pub fn choice(&self) -> ConfigChoice {
        match (&self.config, self.no_config) {
            (_, true) => ConfigChoice::Disabled,
            (Some(path), false) => ConfigChoice::File(path.clone()),
            (None, false) => ConfigChoice::Discover,
        }
    }
}

/// A severity on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Warning,
    Error,
}

impl From<SeverityArg> for Severity {
    fn from(arg: SeverityArg) -> Severity {
        match arg {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Error => Severity::Error,
        }
    }
}

/// Resolves the inputs of a command run from the working directory. A problem that stops the
/// run (an unreadable `--config`, standard input) is printed, and is `Err(exit code)`.
pub(super) fn open_project(
    paths: &[String],
    config: &ConfigArgs,
    stdin_filename: Option<String>,
) -> Result<Project, u8> {
    let request = match ProjectOptions::command_line(paths.to_vec(), config.choice()) {
        Ok(request) => ProjectOptions {
            stdin_filename,
            ..request
        },
        Err(error) => {
            eprintln!("error: cannot read the working directory: {error}");
            return Err(exit::ERROR);
        }
    };
    Project::open(&request, || {
        // Bounded like every file: an oversized input is then a MAM001, as from disk.
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(crate::syntax::MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)?;
        Ok(bytes)
    })
    .map_err(|error| {
        eprintln!("error: {error}");
        exit::ERROR
    })
}

/// Opens the project and reads and checks its files with every rule, printing what could not
/// be read: the model `conformance` and `effective` work on, and whether a file could not be
/// read. `Err` is the exit code.
pub(super) fn load_files(
    paths: &[String],
    config: &ConfigArgs,
    stdin_filename: Option<String>,
) -> Result<(crate::lint::Outcome, bool), u8> {
    let project = open_project(paths, config, stdin_filename)?;
    let settings = project.settings(crate::selection::Selection::default());
    let Project { inputs, errors, .. } = project;
    let mut read_errors = errors;
    let mut outcome = crate::lint::run(inputs, &settings);
    read_errors.append(&mut outcome.read_errors);
    print_read_errors(&read_errors);
    Ok((outcome, !read_errors.is_empty()))
}

/// Prints what could not be read, as every command does.
pub(super) fn print_read_errors(errors: &[String]) {
    for error in errors {
        eprintln!("error: cannot read {error}");
    }
}

/// `--format FORMAT[=FILE]` of a command with one output (`plan`, `conformance`): the format,
/// and the file to write instead of standard output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatTo<F> {
    pub format: F,
    pub file: Option<PathBuf>,
}

impl<F> FormatTo<F> {
    pub fn stdout(format: F) -> FormatTo<F> {
        FormatTo { format, file: None }
    }
}

/// Parses `FORMAT` or `FORMAT=FILE`, the format case-insensitive.
pub(super) fn format_to<F: ValueEnum>(text: &str) -> Result<FormatTo<F>, String> {
    let (name, file) = match text.split_once('=') {
        Some((name, file)) if !file.is_empty() => (name, Some(PathBuf::from(file))),
        Some(_) => return Err(format!("`{text}` names no file after `=`")),
        None => (text, None),
    };
    let format = F::from_str(name, true).map_err(|_| {
        let names: Vec<String> = F::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value().map(|p| p.get_name().to_owned()))
            .collect();
        format!("unknown format `{name}`; formats: {}", names.join(", "))
    })?;
    Ok(FormatTo { format, file })
}

/// Writes a command's report to standard output, or to the file `--format FORMAT=FILE` named.
pub(super) fn emit<F>(to: &FormatTo<F>, text: &str) -> anyhow::Result<()> {
    use anyhow::Context as _;
    use std::io::Write as _;
    match &to.file {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
    enum Demo {
        Human,
        Html,
    }

    #[test]
    fn formats_take_an_optional_file() {
        assert_eq!(format_to::<Demo>("HTML"), Ok(FormatTo::stdout(Demo::Html)));
        assert_eq!(
            format_to::<Demo>("html=out/plan.html"),
            Ok(FormatTo {
                format: Demo::Html,
                file: Some(PathBuf::from("out/plan.html"))
            })
        );
        assert_eq!(
            format_to::<Demo>("html="),
            Err("`html=` names no file after `=`".to_owned())
        );
        assert_eq!(
            format_to::<Demo>("pdf=x"),
            Err("unknown format `pdf`; formats: human, html".to_owned())
        );
    }
}
