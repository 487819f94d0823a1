//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! One run with the full rule catalogue in `tool.driver.rules` (ids, names, descriptions,
//! help and its URI, default levels), results with `ruleId` and `ruleIndex`, relative artifact
//! URIs under `%SRCROOT%` (the working directory), regions in Unicode code points,
//! related locations, fixes as byte replacements, and `partialFingerprints` that do not
//! depend on line numbers (see [`crate::fingerprint`]).

use std::io::{self, Write};

use percent_encoding::{AsciiSet, utf8_percent_encode};
use serde_json::{Value, json};

use super::line_cols;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::fingerprint::{fingerprints, relative_path};
use crate::lint::Outcome;
use crate::model::WorkspaceFile;
use crate::rules::{RULES, RuleMeta};
use crate::uri;

/// Where the rule catalogue is published.
pub const RULES_URI: &str = "https://github.com/mamlint/mamlint/blob/main/rules/README.md";
pub const INFORMATION_URI: &str = "https://github.com/mamlint/mamlint";
/// The key of mamlint's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "mamlintFingerprint/v1";

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(outcome))?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The anchor of a built-in rule in the generated catalogue; `None` for an organization's own
/// (Rego) rule, which has no page there.
pub fn help_uri(meta: &RuleMeta) -> Option<String> {
    RULES
        .iter()
        .any(|r| r.meta().code == meta.code)
        .then(|| format!("{RULES_URI}#{}-{}", meta.code.to_lowercase(), meta.name))
}

fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rule(meta: &RuleMeta) -> Value {
    let docs = meta.documentation();
    let Some(uri) = help_uri(meta) else {
        // A custom rule (spec 10) has no page in mamlint's catalogue.
        return json!({
            "id": meta.code,
            "name": pascal_case(meta.name),
            "shortDescription": {"text": meta.summary},
            "fullDescription": {"text": meta.section("What it checks").unwrap_or_else(|| meta.summary.to_owned())},
            "help": {"text": docs, "markdown": docs},
            "defaultConfiguration": {"level": level(meta.severity)},
            "properties": {"tags": ["mamlint", "custom", meta.name]}
        });
    };
    json!({
        "id": meta.code,
        "name": pascal_case(meta.name),
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": meta.section("What it checks").unwrap_or_else(|| meta.summary.to_owned())},
        "help": {"text": docs, "markdown": docs},
        "helpUri": uri,
        "defaultConfiguration": {"level": level(meta.severity)},
        "properties": {"tags": ["mamlint", meta.name], "precision": "very-high"}
    })
}

/// A relative path as a URI reference: each segment encoded as RFC 3986 `pchar`, `/` kept,
/// and `:` encoded too, since in a first segment it would read as a scheme (§4.2).
const RELATIVE_PATH: &AsciiSet = &uri::SEGMENT.remove(b'/').add(b':');

/// Percent-encodes a relative path for a URI reference, keeping `/`.
pub fn encode_uri_path(path: &str) -> String {
    utf8_percent_encode(path, RELATIVE_PATH).to_string()
}

fn artifact(files: &[WorkspaceFile], file: usize) -> Value {
    let path = files
        .get(file)
        .map(|f| f.loaded.source.path.as_str())
        .unwrap_or_default();
    json!({"uri": encode_uri_path(&relative_path(path)), "uriBaseId": "%SRCROOT%"})
}

fn region(files: &[WorkspaceFile], location: &Location) -> Value {
    let (start, end) = line_cols(files, location);
    // A region must cover at least one character for viewers to highlight it.
    let end_column = if end.line == start.line {
        end.column.max(start.column + 1)
    } else {
        end.column
    };
    let mut region = json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line.max(start.line),
        "endColumn": end_column,
    });
    if let Some(file) = files.get(location.file) {
        let snippet = file.loaded.source.slice(location.span);
        if !snippet.is_empty() && snippet.len() <= 200 {
            region["snippet"] = json!({"text": snippet});
        }
    }
    region
}

/// The whole lines around a region, so viewers can show it in context.
fn context_region(files: &[WorkspaceFile], location: &Location) -> Option<Value> {
    let source = &files.get(location.file)?.loaded.source;
    let (start, end) = line_cols(files, location);
    let text: Vec<&str> = (start.line..=end.line.max(start.line))
        .map(|l| source.line_text(l))
        .collect();
    let text = text.join("\n");
    (!text.is_empty() && text.len() <= 2000).then(|| {
        json!({"startLine": start.line, "endLine": end.line.max(start.line), "snippet": {"text": text}})
    })
}

fn physical(files: &[WorkspaceFile], location: &Location) -> Value {
    let mut physical = json!({"artifactLocation": artifact(files, location.file), "region": region(files, location)});
    if let Some(context) = context_region(files, location) {
        physical["contextRegion"] = context;
    }
    physical
}

fn result(files: &[WorkspaceFile], d: &Diagnostic, fingerprint: &str, rule_index: usize) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let mut location = json!({"physicalLocation": physical(files, &d.location)});
    if let Some(pointer) = &d.location.pointer {
        let document = crate::suppress::document_name(files, &d.location);
        location["logicalLocations"] =
            json!([{"fullyQualifiedName": format!("{document}#{pointer}"), "kind": "member"}]);
    }
    let mut value = json!({
        "ruleId": d.rule.code,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    });
    if !d.related.is_empty() {
        value["relatedLocations"] = d
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| json!({"id": i + 1, "physicalLocation": physical(files, &r.location), "message": {"text": r.message}}))
            .collect();
    }
    if let Some(fix) = &d.fix {
        let changes: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                let source = files.get(e.file).map(|f| &f.loaded.source);
                let start = source.map_or(e.span.start as usize, |s| {
                    s.disk_offset(e.span.start as usize)
                });
                let end =
                    source.map_or(e.span.end as usize, |s| s.disk_offset(e.span.end as usize));
                json!({
                    "artifactLocation": artifact(files, e.file),
                    "replacements": [{
                        "deletedRegion": {"byteOffset": start, "byteLength": end - start},
                        "insertedContent": {"text": e.replacement}
                    }]
                })
            })
            .collect();
        value["fixes"] =
            json!([{"description": {"text": fix.description}, "artifactChanges": changes}]);
    }
    value
}

/// Whether the run completed; a rule that panicked is a tool execution notification.
fn invocation(outcome: &Outcome) -> Value {
    let notifications: Vec<Value> = outcome
        .internal_errors
        .iter()
        .map(|e| {
            let mut notification = json!({
                "level": "error",
                "message": {"text": e.to_string()},
                "associatedRule": {"id": e.rule.code},
            });
            if let (Some(path), Some(map)) = (&e.path, notification.as_object_mut()) {
                map.insert(
                    "locations".into(),
                    json!([{"physicalLocation": {"artifactLocation": {"uri": encode_uri_path(&relative_path(path)), "uriBaseId": "%SRCROOT%"}}}]),
                );
            }
            notification
        })
        .collect();
    let mut value = json!({
        "executionSuccessful": outcome.read_errors.is_empty() && notifications.is_empty()
    });
    if !notifications.is_empty()
        && let Some(map) = value.as_object_mut()
    {
        map.insert("toolExecutionNotifications".into(), json!(notifications));
    }
    value
}

/// Every rule of the run: the built-in catalogue, then the custom rules (documented or
/// reported), each once.
fn rule_list(outcome: &Outcome) -> Vec<&'static RuleMeta> {
    let mut metas: Vec<&'static RuleMeta> = RULES.iter().map(|r| r.meta()).collect();
    for meta in outcome
        .custom_rules
        .iter()
        .copied()
        .chain(outcome.diagnostics.iter().map(|d| d.rule))
    {
        if !metas.iter().any(|m| m.code == meta.code) {
            metas.push(meta);
        }
    }
    metas
}

pub fn to_value(outcome: &Outcome) -> Value {
    let files = &outcome.files;
    let metas = rule_list(outcome);
    let prints = fingerprints(files, &outcome.diagnostics);
    let results: Vec<Value> = outcome
        .diagnostics
        .iter()
        .zip(&prints)
        .map(|(d, print)| {
            let index = metas
                .iter()
                .position(|m| m.code == d.rule.code)
                .unwrap_or_default();
            result(files, d, print, index)
        })
        .collect();
    // The trailing `/` makes relative artifact URIs resolve inside the directory.
    let root = std::env::current_dir()
        .ok()
        .and_then(|d| {
            let d = d.to_string_lossy();
            uri::from_path(&format!("{}/", d.trim_end_matches(['/', '\\'])))
        })
        .map(|u| u.as_str().to_owned())
        .unwrap_or_default();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "mamlint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": metas.iter().map(|m| rule(m)).collect::<Vec<_>>()
            }},
            "automationDetails": {"id": "mamlint/"},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "invocations": [invocation(outcome)]
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(
            encode_uri_path("Policies/ENV-P/REF-01;ENV-P;VER-02; App Protection for Android.json"),
            "Policies/ENV-P/REF-01;ENV-P;VER-02;%20App%20Protection%20for%20Android.json"
        );
        assert_eq!(encode_uri_path("é#?.yaml"), "%C3%A9%23%3F.yaml");
        assert_eq!(
            encode_uri_path("a b/100%/x[1]|^`{}\"<>\\.yaml"),
            "a%20b/100%25/x%5B1%5D%7C%5E%60%7B%7D%22%3C%3E%5C.yaml"
        );
        assert_eq!(encode_uri_path("C:/x/a:b.yaml"), "C%3A/x/a%3Ab.yaml");
        assert_eq!(encode_uri_path("-._~!$&'()*+,;=@"), "-._~!$&'()*+,;=@");
        assert_eq!(encode_uri_path("tab\tnew\nline"), "tab%09new%0Aline");
        assert_eq!(pascal_case("platform-mismatch"), "PlatformMismatch");
    }
}
