//! `--format gitlab`: a GitLab Code Quality report (mamlint spec §11), which merge requests
//! show as a widget and inline in the diff. Sits beside the other reporters over a
//! `lint::Outcome`.
//!
//! GitLab reads an array of issues, each with a `description`, a `check_name`, a
//! `fingerprint` that tells issues apart between pipelines (unique within a report), a
//! `severity` and a `location` (a path relative to the repository and a 1-based line). The
//! fingerprint is the one SARIF and baselines use ([`crate::fingerprint`]): built from the
//! file, the document, the JSON Pointer and the rule, never a line number, so a finding keeps
//! its identity when lines move above it.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::line_cols;
use crate::diagnostic::Severity;
use crate::fingerprint::{fingerprints, relative_path};
use crate::lint::Outcome;

/// GitLab's severities are info, minor, major, critical and blocker: a finding that fails a
/// run by default is major; mamlint has nothing that blocks GitLab itself.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn report(outcome: &Outcome) -> Value {
    let prints = fingerprints(&outcome.files, &outcome.diagnostics);
    let issues: Vec<Value> = outcome
        .diagnostics
        .iter()
        .zip(prints)
        .map(|(d, fingerprint)| {
            let (start, end) = line_cols(&outcome.files, &d.location);
            let path = outcome
                .files
                .get(d.location.file)
                .map(|f| relative_path(&f.loaded.source.path))
                .unwrap_or_default();
            json!({
                "description": format!("{} ({} {})", d.message, d.rule.code, d.rule.name),
                "check_name": d.rule.code,
                "fingerprint": fingerprint,
                "severity": severity(d.severity),
                "location": {
                    "path": path,
                    "lines": {"begin": start.line, "end": end.line.max(start.line)},
                },
            })
        })
        .collect();
    Value::Array(issues)
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &report(outcome)).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_map_to_gitlabs() {
        assert_eq!(severity(Severity::Error), "major");
        assert_eq!(severity(Severity::Warning), "minor");
        assert_eq!(severity(Severity::Info), "info");
    }
}
