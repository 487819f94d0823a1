//! `--format junit`: JUnit XML for CI systems that show test reports (GitLab, Jenkins,
//! Azure DevOps).
//!
//! One `<testsuite>` per checked file; each finding is a `<testcase>` with a `<failure>` whose
//! `type` is the rule code; a file without findings is one passing test case.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::line_cols;
use crate::lint::Outcome;
use crate::model::Role;

/// Escapes text for XML content and attribute values, and drops characters XML 1.0 forbids.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let mut by_file: BTreeMap<usize, Vec<&crate::diagnostic::Diagnostic>> = BTreeMap::new();
    for (index, file) in outcome.files.iter().enumerate() {
        if file.role == Role::Checked {
            by_file.entry(index).or_default();
        }
    }
    for d in &outcome.diagnostics {
        by_file.entry(d.location.file).or_default().push(d);
    }
    let tests: usize = by_file.values().map(|ds| ds.len().max(1)).sum();
    let failures = outcome.diagnostics.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="mamlint" tests="{tests}" failures="{failures}" errors="0" time="0">"#
    )?;
    for (file, diagnostics) in by_file {
        let path = escape(
            outcome
                .files
                .get(file)
                .map(|f| f.loaded.source.path.as_str())
                .unwrap_or_default(),
        );
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="0" skipped="0" time="0">"#,
            diagnostics.len().max(1),
            diagnostics.len()
        )?;
        if diagnostics.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="{path}" classname="{path}" time="0"/>"#
            )?;
        }
        for d in diagnostics {
            let (start, _) = line_cols(&outcome.files, &d.location);
            let name = escape(&format!(
                "{} {} at {}:{}",
                d.rule.code, d.rule.name, start.line, start.column
            ));
            let mut body = format!(
                "{path}:{}:{}: {} {}: {}",
                start.line, start.column, d.severity, d.rule.code, d.message
            );
            if let Some(help) = &d.help {
                body.push_str(&format!("\nhelp: {help}"));
            }
            writeln!(
                out,
                r#"    <testcase name="{name}" classname="{path}" time="0">"#
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                escape(&d.message),
                d.rule.code,
                escape(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
