//! `mamlint rule`.

use clap::{Args, ValueEnum};

use super::exit;
use crate::project::{ConfigChoice, ProjectOptions};
use crate::rules::{self, RULES};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RuleFormat {
    /// The documentation as Markdown text.
    Text,
    /// The generated catalogue (rules/README.md), with --all.
    Markdown,
    /// Code, name, severity, summary and documentation as JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (MAM102) or name (platform-mismatch).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub code: Option<String>,

    /// Every rule.
    #[arg(long)]
    pub all: bool,

    #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
    pub format: RuleFormat,
}

fn as_json(meta: &rules::RuleMeta) -> serde_json::Value {
    serde_json::json!({
        "code": meta.code,
        "name": meta.name,
        "severity": meta.severity,
        "summary": meta.summary,
        "documentation": meta.documentation(),
        "reference": rules::reference(meta),
    })
}

fn as_text(meta: &rules::RuleMeta) -> String {
    let reference = rules::reference(meta)
        .map(|r| format!("\n{r}"))
        .unwrap_or_default();
    format!(
        "# {} {}\n\nDefault severity: {}. {}\n\n{}\n{reference}",
        meta.code,
        meta.name,
        meta.severity,
        meta.summary,
        meta.documentation()
    )
}

pub(super) fn run(args: RuleArgs) -> anyhow::Result<u8> {
    // The project's custom rules (spec 10) are documented beside the built-in ones; a
    // configuration that cannot be read only hides them.
    let custom = ProjectOptions::command_line(Vec::new(), ConfigChoice::Discover)
        .ok()
        .and_then(|request| crate::project::custom_rules(&request).ok())
        .unwrap_or_default();
    let metas: Vec<&rules::RuleMeta> = match &args.code {
        Some(code) => match rules::find(code).or_else(|| custom.find(code).map(|a| a.meta)) {
            Some(meta) => vec![meta],
            None => {
                eprintln!("error: no rule `{code}`; `mamlint rule --all` lists them");
                return Ok(exit::ERROR);
            }
        },
        None => RULES
            .iter()
            .map(|r| r.meta())
            .chain(custom.metas())
            .collect(),
    };
    match args.format {
        RuleFormat::Markdown if args.all => print!("{}", rules::catalogue_markdown()),
        RuleFormat::Json if args.all => println!(
            "{}",
            serde_json::to_string_pretty(&metas.iter().map(|m| as_json(m)).collect::<Vec<_>>())?
        ),
        RuleFormat::Json => println!("{}", serde_json::to_string_pretty(&as_json(metas[0]))?),
        RuleFormat::Text | RuleFormat::Markdown => {
            let texts: Vec<String> = metas.iter().map(|m| as_text(m)).collect();
            print!("{}", texts.join("\n"));
        }
    }
    Ok(exit::CLEAN)
}
