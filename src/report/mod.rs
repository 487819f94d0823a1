//! `report`: one file per output format. Reporters render an [`Outcome`] and never decide
//! anything; what is found, and in which order, is settled in `lint`.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod statistics;

use std::io::{self, Write};

use crate::diagnostic::Location;
use crate::lint::Outcome;
use crate::model::WorkspaceFile;
use crate::syntax::LineCol;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// rustc-style code frames with labels, help and a summary line.
    Human,
    /// One JSON object (mamlint spec §6).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// JUnit XML, for GitLab, Jenkins, Azure DevOps.
    Junit,
    /// One line per finding: `path:line:column: CODE [severity] message` (spec §11).
    Concise,
    /// GitLab Code Quality JSON (spec §11).
    Gitlab,
    /// One self-contained HTML page with code frames, for change review (spec §11).
    Html,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Concise,
        Format::Gitlab,
        Format::Html,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Concise => "concise",
            Format::Gitlab => "gitlab",
            Format::Html => "html",
        }
    }

    /// The format of a `--format` name, case-insensitive.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

/// Options that apply to the human format.
#[derive(Clone, Copy, Debug, Default)]
pub struct HumanOptions {
    pub color: bool,
    /// Print findings only, without the summary line.
    pub quiet: bool,
}

pub fn write(
    format: Format,
    outcome: &Outcome,
    options: HumanOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(outcome, options, out),
        Format::Json => json::write(outcome, out),
        Format::Sarif => sarif::write(outcome, out),
        Format::Github => github::write(outcome, out),
        Format::Junit => junit::write(outcome, out),
        Format::Concise => concise::write(outcome, out),
        Format::Gitlab => gitlab::write(outcome, out),
        Format::Html => html::check::write(outcome, out),
    }
}

/// Start and end (exclusive) line/column of a location.
pub(crate) fn line_cols(files: &[WorkspaceFile], location: &Location) -> (LineCol, LineCol) {
    match files.get(location.file) {
        Some(file) => {
            let source = &file.loaded.source;
            (
                source.line_col(location.span.start as usize),
                source.line_col(location.span.end as usize),
            )
        }
        None => (
            LineCol { line: 1, column: 1 },
            LineCol { line: 1, column: 1 },
        ),
    }
}

pub(crate) fn path(files: &[WorkspaceFile], location: &Location) -> String {
    files
        .get(location.file)
        .map(|f| f.loaded.source.path.clone())
        .unwrap_or_default()
}
