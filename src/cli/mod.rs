//! `cli`: argument parsing and the commands. The last stage of the data flow: each command
//! turns its arguments into a call to the library and an exit code; nothing here decides
//! what is a finding.

mod args;
mod check;
mod completions;
mod conformance;
mod effective;
mod export;
mod init;
mod outputs;
mod progress;
mod rollout;
mod rule;
mod schema;
mod test_rules;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes (mamlint spec §5).
pub mod exit {
    /// Nothing at or above the fail level.
    pub const CLEAN: u8 = 0;
    /// Findings at or above the fail level.
    pub const FINDINGS: u8 = 1;
    /// Usage error, unreadable path, or internal error.
    pub const ERROR: u8 = 2;
    /// `plan`: there are changes to apply.
    pub const CHANGES_PENDING: u8 = 3;

    /// What a checking run found, for its exit code.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Status {
        /// A path or file could not be read.
        pub unreadable: bool,
        /// `mamlint.toml` has mistakes (MAM014).
        pub config_errors: bool,
        /// A rule panicked (mamlint's bug).
        pub internal_errors: bool,
        /// Something is at or above the fail level (for `--diff`: there is something to fix).
        pub findings: bool,
        /// `--exit-zero`: findings do not fail the run.
        pub exit_zero: bool,
    }

    /// The one mapping from what a run found to its exit code: unreadable input, a broken
    /// configuration and an internal error are 2 in every mode, then findings are 1 unless
    /// `--exit-zero`.
    pub fn code(status: Status) -> u8 {
        if status.unreadable || status.config_errors || status.internal_errors {
            ERROR
        } else if status.findings && !status.exit_zero {
            FINDINGS
        } else {
            CLEAN
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "mamlint",
    version,
    about = "Lint Atlassian mobile app policies, Entra consent and Intune app protection policies before rollout",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policy files and directories (default: the current directory).
    Check(check::CheckArgs),
    /// Print a rule's documentation: what it checks, why, an example, the fix, the source.
    Rule(rule::RuleArgs),
    /// Run the `test_*` rules of the custom Rego rules (as `opa test` does); exit 1 when one
    /// fails.
    TestRules(test_rules::TestRulesArgs),
    /// Print the JSON Schema of a manifest kind or Graph export, or write them all.
    Schema(schema::SchemaArgs),
    /// Measure every app protection policy against Microsoft's data protection framework: the
    /// highest level each meets (0 to 3) and every setting that falls short above it.
    Conformance(conformance::ConformanceArgs),
    /// The settings that apply to a group for one Atlassian app and platform, merging every
    /// policy that reaches it as Intune does: each value, where it comes from, the conflicts.
    Effective(effective::EffectiveArgs),
    /// Run the language server on standard input and output (for editors).
    Lsp,
    /// Compare the policy files with the live tenant (or --current exports): what would change,
    /// and whether it loosens protection. Exits 0 (no changes), 3 (changes pending) or 1.
    Plan(rollout::PlanArgs),
    /// Apply the plan through Microsoft Graph, step by step.
    Apply(rollout::ApplyArgs),
    /// Write the tenant's app protection policies as mamlint manifests.
    Export(export::ExportArgs),
    /// Start a policy repository: a commented mamlint.toml, a .pre-commit-config.yaml and,
    /// with --from-export or --tenant, manifests of the tenant's Atlassian policies.
    Init(init::InitArgs),
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff), or write one page per command with --dir.
    Man(completions::ManArgs),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let code = match cli.command {
        Command::Check(args) => check::run(args)?,
        Command::Rule(args) => rule::run(args)?,
        Command::TestRules(args) => test_rules::run(args)?,
        Command::Conformance(args) => conformance::run(args)?,
        Command::Effective(args) => effective::run(args)?,
        Command::Schema(args) => schema::run(args)?,
        Command::Plan(args) => rollout::plan(args)?,
        Command::Apply(args) => rollout::apply(args)?,
        Command::Export(args) => export::export(args)?,
        Command::Init(args) => init::run(args)?,
        Command::Completions(args) => completions::completions(args)?,
        Command::Man(args) => completions::man(args)?,
        Command::Lsp => {
            if crate::lsp::run_stdio()? {
                exit::CLEAN
            } else {
                exit::FINDINGS
            }
        }
    };
    Ok(ExitCode::from(code))
}

#[cfg(test)]
mod tests {
    use super::exit::{self, Status};

    #[test]
    fn exit_codes_come_from_one_place() {
        let findings = Status {
            findings: true,
            ..Status::default()
        };
        assert_eq!(exit::code(Status::default()), exit::CLEAN);
        assert_eq!(exit::code(findings), exit::FINDINGS);
        assert_eq!(
            exit::code(Status {
                exit_zero: true,
                ..findings
            }),
            exit::CLEAN
        );
        for status in [
            Status {
                unreadable: true,
                ..findings
            },
            Status {
                config_errors: true,
                exit_zero: true,
                ..findings
            },
            Status {
                internal_errors: true,
                ..Status::default()
            },
        ] {
            assert_eq!(exit::code(status), exit::ERROR, "{status:?}");
        }
    }
}
