//! `mamlint test-rules`: runs the `test_*` rules of the custom Rego files, as `opa test`
//! does, and prints each result and a summary. Exit 1 when a test fails.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::exit;
use crate::custom::testing::{self, TestResult};
use crate::project::{ConfigChoice, ProjectOptions};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// One line per test and a summary line.
    Human,
    /// `{"tests": [...], "summary": {...}}`, for CI.
    Json,
}

#[derive(Debug, Args)]
pub struct TestRulesArgs {
    /// Rego files or directories (default: `[custom-rules] paths` of mamlint.toml).
    pub paths: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
}

pub(super) fn run(args: TestRulesArgs) -> anyhow::Result<u8> {
    let rules = if args.paths.is_empty() {
        let request = ProjectOptions::command_line(Vec::new(), ConfigChoice::Discover)?;
        match crate::project::custom_rules(&request) {
            Ok(rules) => rules.as_ref().clone(),
            Err(error) => {
                eprintln!("error: {error}");
                return Ok(exit::ERROR);
            }
        }
    } else {
        crate::custom::load_paths(&args.paths, crate::config::DEFAULT_CUSTOM_RULES_TIMEOUT)
    };
    for error in &rules.errors {
        eprintln!("error: {error}");
    }
    if !rules.errors.is_empty() {
        return Ok(exit::ERROR);
    }
    let results = testing::run(&rules);
    let passed = results.iter().filter(|r| r.passed).count();
    let failed = results.len() - passed;
    match args.format {
        TestFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "tests": results,
                "summary": {"total": results.len(), "passed": passed, "failed": failed},
            }))?
        ),
        TestFormat::Human => {
            for result in &results {
                println!("{}", line(result));
            }
            println!(
                "{} test{}, {passed} passed, {failed} failed",
                results.len(),
                if results.len() == 1 { "" } else { "s" }
            );
        }
    }
    Ok(if failed > 0 {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}

fn line(result: &TestResult) -> String {
    let status = if result.passed { "PASS" } else { "FAIL" };
    let name = if result.name.is_empty() {
        "(does not parse)".to_owned()
    } else {
        format!("{}.{}", result.package, result.name)
    };
    let mut line = format!("{status} {name} ({})", result.file);
    if let Some(error) = &result.error {
        let reason = error.lines().last().unwrap_or(error);
        line.push_str(&format!(": {reason}"));
    }
    line
}
