//! `mamlint conformance` output: per app protection policy the highest level met and every
//! shortfall above it, as a compact human matrix, Markdown (for a pull request) or the JSON
//! of spec 9. It decides nothing: the verdicts come from [`super::evaluate`].

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::FRAMEWORK;
use super::effective::Source;
use super::evaluate::{Check, Conformance, conformance};
use crate::model::{Kind, Role, Workspace};

/// One policy of the report.
#[derive(Debug)]
pub struct PolicyReport<'a> {
    pub path: &'a str,
    pub document: usize,
    /// `metadata.name` of a manifest, the resource address of Terraform and DSC resources,
    /// else the display name.
    pub name: String,
    pub display_name: Option<&'a str>,
    pub tenant: Option<&'a str>,
    pub conformance: Conformance<'a>,
    /// 1-based line and JSON Pointer of each shortfall's value, when the policy sets it.
    places: Vec<Option<(usize, String)>>,
}

/// The conformance of every app protection policy of the checked files, in file order.
pub fn build<'a>(workspace: &Workspace<'a>) -> Vec<PolicyReport<'a>> {
    workspace
        .of_kind(Kind::AppProtectionPolicy)
        .filter(|e| {
            workspace
                .files
                .get(e.file)
                .is_some_and(|f| f.role == Role::Checked)
        })
        .filter_map(|entity| {
            let conformance = conformance(entity)?;
            let source = workspace.loaded(entity.file).map(|l| &l.source);
            let places = conformance
                .shortfalls
                .iter()
                .map(|c| {
                    let at = c.effective.at.as_ref()?;
                    let line = source?.line_col(at.node.span.start as usize).line;
                    Some((line, format!("{}{}", entity.base, at.pointer)))
                })
                .collect();
            let name = match entity.resource() {
                Some(resource) => resource.address.clone(),
                None => entity.name().unwrap_or("(unnamed)").to_owned(),
            };
            Some(PolicyReport {
                path: entity.path,
                document: entity.document,
                name,
                display_name: entity.spec_str("displayName"),
                tenant: workspace.tenant_of(entity).and_then(|t| t.name()),
                conformance,
                places,
            })
        })
        .collect()
}

/// Whether a policy falls short of `level` (the `--level` gate).
pub fn falls_short(reports: &[PolicyReport<'_>], level: u8) -> bool {
    reports.iter().any(|r| r.conformance.level < level)
}

/// The shortfalls a report lists, each with its line and pointer when the policy sets the
/// value: a setting short of several levels with one requirement only once, at the lowest.
pub fn listed_shortfalls<'r, 'a>(
    report: &'r PolicyReport<'a>,
) -> Vec<(&'r Check<'a>, Option<&'r (usize, String)>)> {
    let mut listed: Vec<(&str, &Value)> = Vec::new();
    let mut out = Vec::new();
    for (check, place) in report.conformance.shortfalls.iter().zip(&report.places) {
        let key = (check.row.setting.as_str(), check.required);
        if !listed.contains(&key) {
            listed.push(key);
            out.push((check, place.as_ref()));
        }
    }
    out
}

/// A setting's effective value as the reports show it: the value, whether it is a default,
/// or why there is none.
pub fn value_text(check: &Check<'_>) -> String {
    match check.effective.source {
        Source::NotSet => "not set".to_owned(),
        Source::Unknown => "unknown".to_owned(),
        Source::Invalid => "invalid".to_owned(),
        Source::Default => format!("{} (default)", check.effective.value),
        Source::Set => check.effective.value.to_string(),
    }
}

fn mark(report: &PolicyReport<'_>, level: u8) -> &'static str {
    if report.conformance.level >= level {
        "✓"
    } else {
        "✗"
    }
}

/// The human report: the matrix, then the shortfalls of each policy.
pub fn human(reports: &[PolicyReport<'_>]) -> String {
    let mut out = String::new();
    if reports.is_empty() {
        out.push_str("No app protection policy found.\n");
        return out;
    }
    let width = reports
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("policy".len());
    let _ = writeln!(out, "{:width$}  platform    L1 L2 L3  level", "policy");
    for r in reports {
        let _ = writeln!(
            out,
            "{:width$}  {:10}  {}  {}  {}   {}",
            r.name,
            r.conformance.platform.label(),
            mark(r, 1),
            mark(r, 2),
            mark(r, 3),
            r.conformance.level,
        );
    }
    for r in reports {
        let _ = writeln!(
            out,
            "\n{} ({}): level {}",
            r.name, r.path, r.conformance.level
        );
        for (check, place) in listed_shortfalls(r) {
            let at = place
                .map(|(line, _)| format!(" (line {line})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  L{} {}: {}{at}; requires {}",
                check.level,
                check.row.setting,
                value_text(check),
                check.row.order.describe_required(check.required),
            );
        }
        for check in &r.conformance.unjudged {
            let _ = writeln!(
                out,
                "  L{} {}: {}, not judged",
                check.level,
                check.row.setting,
                value_text(check)
            );
        }
    }
    let _ = writeln!(
        out,
        "\nEach setting is listed at the lowest level it falls short of (again only where a higher\nlevel requires more). Levels: {} ({}, ms.date {}).",
        FRAMEWORK.source.title, FRAMEWORK.source.url, FRAMEWORK.source.ms_date
    );
    out
}

/// Markdown for a pull request: the matrix as a table, the shortfalls as lists.
pub fn markdown(reports: &[PolicyReport<'_>]) -> String {
    let mut out = String::from("## Protection levels\n\n");
    if reports.is_empty() {
        out.push_str("No app protection policy found.\n");
        return out;
    }
    out.push_str(
        "| policy | file | platform | L1 | L2 | L3 | level |\n|---|---|---|---|---|---|---|\n",
    );
    for r in reports {
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} | {} | {} | {} |",
            r.name,
            r.path,
            r.conformance.platform.label(),
            mark(r, 1),
            mark(r, 2),
            mark(r, 3),
            r.conformance.level
        );
    }
    for r in reports
        .iter()
        .filter(|r| !r.conformance.shortfalls.is_empty())
    {
        let _ = writeln!(out, "\n### `{}`: level {}\n", r.name, r.conformance.level);
        for check in &r.conformance.shortfalls {
            let _ = writeln!(
                out,
                "- Level {}: `{}` is {}; requires {}",
                check.level,
                check.row.setting,
                value_text(check),
                check.row.order.describe_required(check.required)
            );
        }
    }
    let _ = writeln!(
        out,
        "\nLevels from [{}]({}) (ms.date {}).",
        FRAMEWORK.source.title, FRAMEWORK.source.url, FRAMEWORK.source.ms_date
    );
    out
}

/// The JSON of spec 9 (`source`, `line`, `pointer` and `unknown` are additions).
pub fn json(reports: &[PolicyReport<'_>]) -> Value {
    let check_json = |check: &Check<'_>, place: Option<&(usize, String)>| {
        let mut entry = json!({
            "level": check.level,
            "setting": check.row.setting,
            "value": check.effective.value,
            "required": check.required,
            "default": check.effective.source == Source::Default,
            "source": check.effective.source.as_str(),
        });
        if let (Some((line, pointer)), Some(map)) = (place, entry.as_object_mut()) {
            map.insert("line".into(), json!(line));
            map.insert("pointer".into(), json!(pointer));
        }
        entry
    };
    let policies: Vec<Value> = reports
        .iter()
        .map(|r| {
            json!({
                "file": r.path,
                "document": r.document,
                "name": r.name,
                "displayName": r.display_name,
                "platform": r.conformance.platform.key(),
                "tenant": r.tenant,
                "level": r.conformance.level,
                "shortfalls": r.conformance.shortfalls.iter().zip(&r.places)
                    .map(|(c, p)| check_json(c, p.as_ref())).collect::<Vec<_>>(),
                "unknown": r.conformance.unjudged.iter()
                    .map(|c| check_json(c, None)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({"version": 1, "policies": policies})
}

/// The framework's rows as Markdown, per platform and level, with their source and what the
/// data leaves out: `mamlint rule MAM501` prints it after the rule's documentation.
pub fn framework_rows() -> String {
    let framework = &*super::FRAMEWORK;
    let source = &framework.source;
    let mut out = format!(
        "## The framework rows\n\nFrom [{}]({}) (ms.date {}), read from its level includes:\n",
        source.title, source.url, source.ms_date
    );
    for include in &source.includes {
        out.push_str(&format!(
            "- Level {}: `{}` (ms.date {}, commit {})\n",
            include.level, include.file, include.ms_date, include.commit
        ));
    }
    for platform in crate::model::Platform::ALL {
        out.push_str(&format!(
            "\n### {}\n\n| setting | Level 1 | Level 2 | Level 3 | verified |\n|---|---|---|---|---|\n",
            platform.label()
        ));
        for row in framework.rows(platform) {
            let cell = |level: u8| {
                row.required(level)
                    .map_or_else(|| "—".to_owned(), |v| row.order.describe_required(v))
            };
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                row.setting,
                cell(1),
                cell(2),
                cell(3),
                if row.verified { "yes" } else { "no" }
            ));
        }
    }
    if !framework.left_out.is_empty() {
        out.push_str("\nLeft out:\n");
        for item in &framework.left_out {
            out.push_str(&format!("- {item}\n"));
        }
    }
    out
}

/// What each framework level requires of one setting, for the language server's hover; `None`
/// when no level has a row for it.
pub fn levels_markdown(platform: crate::model::Platform, setting: &str) -> Option<String> {
    let framework = &*super::FRAMEWORK;
    let row = framework.row(platform, setting)?;
    let mut out = String::from("**Data protection framework** (`mamlint rule MAM501`):\n");
    for level in super::LEVELS {
        let required = row.required(level).map_or_else(
            || "not required".to_owned(),
            |v| row.order.describe_required(v),
        );
        out.push_str(&format!("- Level {level}: {required}\n"));
    }
    Some(out)
}
