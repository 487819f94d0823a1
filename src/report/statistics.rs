//! `check --statistics`: a count per rule code instead of the findings (spec §11), as text
//! (`human`) or JSON (`json`). Sits beside the other reporters over a `lint::Outcome`: it
//! counts what `lint` reported and decides nothing.
//!
//! One row per code, sorted by count (most first), then code. A row's severity is the highest
//! of its findings: configuration can relevel a rule for some paths only, and the row should
//! not hide that some of its findings fail the run.
//!
//! JSON keeps the envelope of `--format json` (spec §6) with `statistics` in place of
//! `diagnostics`:
//!
//! ```text
//! {"version": 1, "tool": {...},
//!  "statistics": [{"code": "MAM501", "name": "...", "severity": "error", "count": 9}, ...],
//!  "summary": {...}}
//! ```

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use crate::diagnostic::Severity;
use crate::lint::Outcome;

/// The findings of one rule code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub count: usize,
}

/// One row per rule code that has findings, most findings first, then by code.
pub fn rows(outcome: &Outcome) -> Vec<Row> {
    let mut by_code: BTreeMap<&'static str, Row> = BTreeMap::new();
    for d in &outcome.diagnostics {
        let row = by_code.entry(d.rule.code).or_insert(Row {
            code: d.rule.code,
            name: d.rule.name,
            severity: d.severity,
            count: 0,
        });
        row.count += 1;
        row.severity = row.severity.max(d.severity);
    }
    let mut rows: Vec<Row> = by_code.into_values().collect();
    // Stable, and the map already ordered them by code.
    rows.sort_by_key(|r| std::cmp::Reverse(r.count));
    rows
}

/// Aligned columns `count CODE [severity] name`, then the summary line unless `quiet`.
pub fn write_text(outcome: &Outcome, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    let rows = rows(outcome);
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let code_width = rows.iter().map(|r| r.code.len()).max().unwrap_or(0);
    let severity_width = rows
        .iter()
        .map(|r| r.severity.as_str().len() + 2)
        .max()
        .unwrap_or(0);
    for row in &rows {
        writeln!(
            out,
            "{:>count_width$}  {:code_width$}  {:severity_width$}  {}",
            row.count,
            row.code,
            format!("[{}]", row.severity),
            row.name,
        )?;
    }
    if !quiet {
        if !rows.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "{}", super::human::summary(outcome))?;
    }
    Ok(())
}

pub fn write_json(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(outcome))?;
    writeln!(out)
}

pub fn to_value(outcome: &Outcome) -> Value {
    let statistics: Vec<Value> = rows(outcome)
        .iter()
        .map(|r| json!({"code": r.code, "name": r.name, "severity": r.severity, "count": r.count}))
        .collect();
    let mut value = super::json::to_value(outcome);
    if let Some(map) = value.as_object_mut() {
        // Re-inserted in the order of spec §6, with `statistics` where `diagnostics` was.
        map.shift_remove("diagnostics");
        let rest: Vec<(String, Value)> = ["summary", "internalErrors"]
            .into_iter()
            .filter_map(|key| map.shift_remove(key).map(|v| (key.to_owned(), v)))
            .collect();
        map.insert("statistics".into(), json!(statistics));
        map.extend(rest);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{self, Input, Settings};

    fn outcome() -> Outcome {
        let text = include_str!("../../tests/fixtures/rules/MAM003-yaml11-boolean/invalid.yaml");
        lint::run(
            vec![Input::memory("policy.yaml", text)],
            &Settings::default(),
        )
    }

    #[test]
    fn a_row_takes_the_highest_severity_of_its_findings() {
        let mut outcome = outcome();
        let mam003: Vec<usize> = (0..outcome.diagnostics.len())
            .filter(|&i| outcome.diagnostics[i].rule.code == "MAM003")
            .collect();
        assert!(mam003.len() >= 2, "the fixture has several MAM003 findings");
        // As a per-path `severity` in mamlint.toml would: one finding raised, the rest kept.
        outcome.diagnostics[mam003[1]].severity = Severity::Error;
        let row = rows(&outcome)
            .into_iter()
            .find(|r| r.code == "MAM003")
            .unwrap();
        assert_eq!(row.count, mam003.len());
        assert_eq!(row.severity, Severity::Error);
        assert_eq!(row.name, "yaml11-boolean");
    }
}
