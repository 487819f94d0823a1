//! `--format human`: rustc-style code frames rendered with annotate-snippets, then a summary.
//!
//! Only the lines a diagnostic points at are handed to the renderer, so a finding in a large
//! file costs the same as one in a small file.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::HumanOptions;
use crate::diagnostic::{Applicability, Diagnostic, FileId, Location, Severity};
use crate::lint::Outcome;
use crate::model::WorkspaceFile;

pub fn write(outcome: &Outcome, options: HumanOptions, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for diagnostic in &outcome.diagnostics {
        writeln!(out, "{}\n", render(&outcome.files, diagnostic, &renderer))?;
    }
    if !options.quiet {
        writeln!(out, "{}", summary(outcome))?;
    }
    Ok(())
}

/// The summary line: counts by severity, files and documents.
pub fn summary(outcome: &Outcome) -> String {
    let files = plural(outcome.checked_files().count(), "file");
    let documents = plural(outcome.documents(), "document");
    if outcome.diagnostics.is_empty() {
        return format!("All checks passed: {documents} in {files}.");
    }
    let mut counts = Vec::new();
    for (severity, noun) in [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Info, "info"),
    ] {
        let n = outcome.count(severity);
        if n > 0 {
            counts.push(plural(n, noun));
        }
    }
    let with_files: std::collections::BTreeSet<FileId> = outcome
        .diagnostics
        .iter()
        .map(|d| d.location.file)
        .collect();
    format!(
        "Found {} in {} ({documents} in {files} checked).",
        join_and(&counts),
        plural(with_files.len(), "file")
    )
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// The lines of a file that a set of locations touch, as one excerpt: its text, its first line
/// number, and its byte offset in the file.
fn excerpt<'f>(file: &'f WorkspaceFile, locations: &[&Location]) -> (&'f str, usize, usize) {
    let source = &file.loaded.source;
    let first = locations
        .iter()
        .map(|l| source.line_col(l.span.start as usize).line)
        .min()
        .unwrap_or(1);
    let last = locations
        .iter()
        .map(|l| source.line_col(l.span.end as usize).line)
        .max()
        .unwrap_or(first);
    let start = source.line_start(first);
    let end = source.line_start(last + 1).max(start);
    (
        source.contents().get(start..end).unwrap_or(""),
        first,
        start,
    )
}

/// Renders one diagnostic as text (plain or styled).
pub fn render(files: &[WorkspaceFile], d: &Diagnostic, renderer: &Renderer) -> String {
    let title = level(d.severity)
        .primary_title(d.message.as_str())
        .id(d.rule.code);
    renderer.render(&[title.elements(elements(files, d))])
}

/// The code frame of one diagnostic without its title line (`error[CODE]: message`), for
/// reports that show the title themselves (`--format html`).
pub fn frame(files: &[WorkspaceFile], d: &Diagnostic, renderer: &Renderer) -> String {
    renderer.render(&[Group::with_level(level(d.severity)).elements(elements(files, d))])
}

/// The excerpts, help, notes and fix of a diagnostic, as annotate-snippets elements.
fn elements<'a>(
    files: &'a [WorkspaceFile],
    d: &'a Diagnostic,
) -> Vec<annotate_snippets::Element<'a>> {
    let mut elements: Vec<annotate_snippets::Element<'_>> = Vec::new();
    let mut by_file: Vec<FileId> = vec![d.location.file];
    for related in &d.related {
        if !by_file.contains(&related.location.file) {
            by_file.push(related.location.file);
        }
    }
    for file_id in by_file {
        let Some(file) = files.get(file_id) else {
            continue;
        };
        let path = file.loaded.source.path.as_str();
        let mut annotated: Vec<(&Location, Option<&str>, bool)> = Vec::new();
        if d.location.file == file_id {
            annotated.push((&d.location, d.label.as_deref(), true));
        }
        for related in d.related.iter().filter(|r| r.location.file == file_id) {
            annotated.push((&related.location, Some(related.message.as_str()), false));
        }
        // A released file is read back here; one that changed since it was checked shows no
        // frame rather than lines its spans no longer describe.
        if file.loaded.source.contents().is_empty() {
            elements.push(Origin::path(path).into());
            continue;
        }
        let locations: Vec<&Location> = annotated.iter().map(|(l, _, _)| *l).collect();
        let (text, line_start, offset) = excerpt(file, &locations);
        let mut snippet = Snippet::source(text)
            .line_start(line_start)
            .path(path)
            .fold(true);
        for (location, label, primary) in annotated {
            let start = (location.span.start as usize)
                .saturating_sub(offset)
                .min(text.len());
            let end = (location.span.end as usize)
                .saturating_sub(offset)
                .clamp(start, text.len());
            let kind = if primary {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            let mut annotation = kind.span(start..end);
            if let Some(label) = label {
                annotation = annotation.label(label);
            }
            snippet = snippet.annotation(annotation);
        }
        elements.push(snippet.into());
    }
    if let Some(help) = &d.help {
        elements.push(Level::HELP.message(help.as_str()).into());
    }
    for note in &d.notes {
        elements.push(Level::NOTE.message(note.as_str()).into());
    }
    if let Some(fix) = &d.fix {
        let kind = match fix.applicability {
            Applicability::Safe => "fix available",
            Applicability::Unsafe => "unsafe fix available (--unsafe-fixes)",
        };
        elements.push(
            Level::NOTE
                .message(format!("{kind}: {}", fix.description))
                .into(),
        );
    }
    elements
}
