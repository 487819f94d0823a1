//! `mamlint completions SHELL` and `mamlint man`: shell completion scripts and roff man pages,
//! generated from the `clap` definition of the command line itself, so they cannot drift from
//! it. Part of the last stage of the data flow (`cli`): they read no policy and call no library
//! code below `cli`.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, exit};

/// `mamlint completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `mamlint man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command (mamlint.1, mamlint-check.1 and so on) into this directory
    /// instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// The name users type, whatever the binary file is called: completions are keyed on it.
const BIN_NAME: &str = "mamlint";

/// Prints the completion script for `args.shell` on standard output.
pub(super) fn completions(args: CompletionsArgs) -> anyhow::Result<u8> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, BIN_NAME, &mut script);
    write_stdout(&script)?;
    Ok(exit::CLEAN)
}

/// Prints the main man page, or writes every page into `--dir`.
pub(super) fn man(args: ManArgs) -> anyhow::Result<u8> {
    let command = Cli::command();
    match args.dir {
        Some(dir) => {
            if let Err(error) = std::fs::create_dir_all(&dir) {
                eprintln!("error: cannot create {}: {error}", dir.display());
                return Ok(exit::ERROR);
            }
            if let Err(error) = clap_mangen::generate_to(command, &dir) {
                eprintln!(
                    "error: cannot write man pages to {}: {error}",
                    dir.display()
                );
                return Ok(exit::ERROR);
            }
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            write_stdout(&page)?;
        }
    }
    Ok(exit::CLEAN)
}

/// Writes generated text in one piece, so a closed pipe (`mamlint man | head`) is one error
/// rather than a panic in the middle of a generator.
fn write_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        // The reader has all it wanted: that is not a failure of the command.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(error.into()),
    }
}
