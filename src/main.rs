//! The `mamlint` binary: parse arguments, run, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser;
use mamlint::cli::{Cli, exit, run};

fn main() -> ExitCode {
    let cli = Cli::parse_from(std::env::args_os());
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}
