//! `--format json`: the wire format fixed by the mamlint spec §6.
//!
//! ```text
//! {"version": 1, "tool": {"name", "version"}, "diagnostics": [...], "summary": {...}}
//! ```
//!
//! Each diagnostic has `code`, `name`, `severity`, `message`, `file` (as given), 1-based
//! `line`/`column` and exclusive `endLine`/`endColumn` (columns count Unicode scalar values),
//! `document` (index in its file) and `pointer` (RFC 6901), and where known `help`,
//! `related` and `fix`. Fix edits use byte offsets into the file as stored on disk (a UTF-16
//! file's offsets count its bytes, BOM included). Diagnostics are sorted by file, then position.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::{line_cols, path};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Outcome;

/// The version of this JSON format.
pub const FORMAT_VERSION: u32 = 1;

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let value = to_value(outcome);
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

pub fn to_value(outcome: &Outcome) -> Value {
    let mut value = json!({
        "version": FORMAT_VERSION,
        "tool": {"name": "mamlint", "version": env!("CARGO_PKG_VERSION")},
        "diagnostics": outcome.diagnostics.iter().map(|d| diagnostic(outcome, d)).collect::<Vec<_>>(),
        "summary": {
            "files": outcome.checked_files().count(),
            "documents": outcome.documents(),
            "errors": outcome.count(Severity::Error),
            "warnings": outcome.count(Severity::Warning),
            "infos": outcome.count(Severity::Info),
        }
    });
    // Only present when a rule panicked, so the spec's format is unchanged otherwise.
    if !outcome.internal_errors.is_empty()
        && let Some(map) = value.as_object_mut()
    {
        let errors: Vec<Value> = outcome
            .internal_errors
            .iter()
            .map(|e| json!({"code": e.rule.code, "name": e.rule.name, "file": e.path, "message": e.message}))
            .collect();
        map.insert("internalErrors".into(), json!(errors));
    }
    value
}

fn diagnostic(outcome: &Outcome, d: &Diagnostic) -> Value {
    let files = &outcome.files;
    let (start, end) = line_cols(files, &d.location);
    let mut map = Map::new();
    map.insert("code".into(), json!(d.rule.code));
    map.insert("name".into(), json!(d.rule.name));
    map.insert("severity".into(), json!(d.severity));
    map.insert("message".into(), json!(d.message));
    if let Some(help) = &d.help {
        map.insert("help".into(), json!(help));
    }
    map.insert("file".into(), json!(path(files, &d.location)));
    map.insert("line".into(), json!(start.line));
    map.insert("column".into(), json!(start.column));
    map.insert("endLine".into(), json!(end.line));
    map.insert("endColumn".into(), json!(end.column));
    map.insert("document".into(), json!(d.location.document));
    map.insert("pointer".into(), json!(d.location.pointer));
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .map(|r| {
                let (start, _) = line_cols(files, &r.location);
                json!({
                    "file": path(files, &r.location),
                    "line": start.line,
                    "column": start.column,
                    "pointer": r.location.pointer,
                    "message": r.message,
                })
            })
            .collect();
        map.insert("related".into(), Value::Array(related));
    }
    if let Some(fix) = &d.fix {
        let edits: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                let source = files.get(e.file).map(|f| &f.loaded.source);
                let disk = |offset: u32| {
                    source.map_or(offset as usize, |s| s.disk_offset(offset as usize))
                };
                json!({
                    "file": source.map(|s| s.path.clone()).unwrap_or_default(),
                    "start": disk(e.span.start),
                    "end": disk(e.span.end),
                    "replacement": e.replacement,
                })
            })
            .collect();
        map.insert(
            "fix".into(),
            json!({"description": fix.description, "applicability": fix.applicability.as_str(), "edits": edits}),
        );
    }
    Value::Object(map)
}
