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

/// Prints what could not be read, as every command does.
pub(super) fn print_read_errors(errors: &[String]) {
    for error in errors {
        eprintln!("error: cannot read {error}");
    }
}
