//! The `check` view: the summary, a count per rule, then the findings file by file, each with
//! its code frame (the human reporter's, without colour) and a link to its rule's
//! documentation (the `helpUri` of the SARIF report).

use std::io::{self, Write};

use annotate_snippets::Renderer;

use super::{Html, page};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Outcome;
use crate::report::{human, line_cols, path, sarif, statistics};

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(outcome).as_bytes())
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

pub fn render(outcome: &Outcome) -> String {
    let mut html = Html::new();
    html.element("p", &[("class", "summary")], &human::summary(outcome));
    counts(&mut html, outcome);
    let rows = statistics::rows(outcome);
    if !rows.is_empty() {
        html.element("h2", &[], "Rules");
        html.open("p", &[("class", "muted")])
            .text("Each code links to its documentation in the rule catalogue, ")
            .element("a", &[("href", sarif::RULES_URI)], sarif::RULES_URI)
            .text(".")
            .close("p");
        html.open("table", &[("class", "rules")]);
        html.header_row(&["code", "rule", "severity", "findings"]);
        html.open("tbody", &[]);
        for row in &rows {
            html.open("tr", &[]).open("td", &[]);
            // The meta of the findings themselves, so rules outside the registry link too.
            let uri = outcome
                .diagnostics
                .iter()
                .find(|d| d.rule.code == row.code)
                .and_then(|d| sarif::help_uri(d.rule));
            match uri {
                Some(uri) => html.element("a", &[("class", "doc"), ("href", &uri)], row.code),
                None => html.text(row.code),
            };
            html.close("td")
                .element("td", &[], row.name)
                .open("td", &[]);
            html.badge(severity_word(row.severity), severity_word(row.severity));
            html.close("td")
                .element("td", &[("class", "num")], &row.count.to_string())
                .close("tr");
        }
        html.close("tbody").close("table");
    }
    files_index(&mut html, outcome);
    let renderer = Renderer::plain();
    let mut current_file = None;
    for (index, d) in outcome.diagnostics.iter().enumerate() {
        if current_file != Some(d.location.file) {
            if current_file.is_some() {
                html.close("section");
            }
            current_file = Some(d.location.file);
            let file = path(&outcome.files, &d.location);
            let id = format!("file-{}", d.location.file);
            html.open(
                "section",
                &[("class", "file"), ("id", &id), ("data-file", &file)],
            );
            html.open("h2", &[]).element("code", &[], &file).close("h2");
        }
        finding(&mut html, outcome, index, d, &renderer);
    }
    if current_file.is_some() {
        html.close("section");
    }
    page("mamlint check", html)
}

/// The files with findings, in report order, each linking to its section.
fn files_index(html: &mut Html, outcome: &Outcome) {
    // Findings are sorted by file, so each file's findings are one run.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for d in &outcome.diagnostics {
        match runs.last_mut() {
            Some((file, n)) if *file == d.location.file => *n += 1,
            _ => runs.push((d.location.file, 1)),
        }
    }
    if runs.is_empty() {
        return;
    }
    html.element("h2", &[], "Files");
    html.open("ul", &[("class", "files")]);
    for (file, n) in runs {
        let name = outcome
            .files
            .get(file)
            .map_or("", |f| f.loaded.source.path.as_str());
        let s = if n == 1 { "" } else { "s" };
        html.open("li", &[])
            .open("a", &[("href", &format!("#file-{file}"))])
            .element("code", &[], name)
            .close("a")
            .text(&format!(": {n} finding{s}"))
            .close("li");
    }
    html.close("ul");
}

/// Errors, warnings and infos as boxes, the failing ones marked.
fn counts(html: &mut Html, outcome: &Outcome) {
    html.open("ul", &[("class", "counts")]);
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let n = outcome.count(severity);
        let class = if n > 0 && severity == Severity::Error {
            "alert"
        } else {
            ""
        };
        let noun = match (severity, n) {
            (Severity::Error, 1) => "error",
            (Severity::Error, _) => "errors",
            (Severity::Warning, 1) => "warning",
            (Severity::Warning, _) => "warnings",
            (Severity::Info, _) => "infos",
        };
        html.open("li", &[("class", class)])
            .element("strong", &[], &n.to_string())
            .text(&format!(" {noun}"))
            .close("li");
    }
    for (n, noun) in [
        (outcome.checked_files().count(), "file"),
        (outcome.documents(), "document"),
    ] {
        let s = if n == 1 { "" } else { "s" };
        html.open("li", &[])
            .element("strong", &[], &n.to_string())
            .text(&format!(" {noun}{s}"))
            .close("li");
    }
    html.close("ul");
}

fn finding(html: &mut Html, outcome: &Outcome, index: usize, d: &Diagnostic, renderer: &Renderer) {
    let (start, _) = line_cols(&outcome.files, &d.location);
    let severity = severity_word(d.severity);
    let line = start.line.to_string();
    let column = start.column.to_string();
    let id = format!("finding-{}", index + 1);
    html.open(
        "article",
        &[
            ("class", &format!("finding {severity}")),
            ("id", &id),
            ("data-code", d.rule.code),
            ("data-line", &line),
            ("data-column", &column),
        ],
    );
    html.open("div", &[("class", "head")]);
    html.badge(severity, severity);
    html.open("strong", &[]);
    match sarif::help_uri(d.rule) {
        Some(uri) => html.element("a", &[("class", "doc code"), ("href", &uri)], d.rule.code),
        None => html.element("span", &[("class", "code")], d.rule.code),
    };
    html.close("strong");
    html.element("span", &[("class", "rule")], d.rule.name);
    html.element(
        "span",
        &[("class", "where")],
        &format!("{}:{line}:{column}", path(&outcome.files, &d.location)),
    );
    html.close("div");
    html.rich_element("p", &[("class", "message")], &d.message);
    html.element(
        "pre",
        &[("class", "frame")],
        human::frame(&outcome.files, d, renderer).trim_matches('\n'),
    );
    html.close("article");
}
