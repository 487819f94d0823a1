//! Findings: what a rule reports, where, and how to fix it.
//!
//! Rules produce [`Diagnostic`]s; reporters (`report/`) render them. A diagnostic refers to
//! files by index into the run's file list and to text by [`Span`], so it is cheap to build
//! and independent of the output format.
//!
//! This is the vocabulary every stage speaks ([`Severity`], [`FileId`], [`Location`],
//! [`RuleMeta`]); it depends on nothing but `syntax` (for [`Span`]), so that any stage may
//! use it without a cycle.

use std::fmt;

use serde::Serialize;

use crate::syntax::Span;

/// Index of a file in the run's file list.
pub type FileId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Error];

    /// The severity named `error`, `warning` or `info` (in `mamlint.toml` and on the command
    /// line).
    pub fn from_key(key: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == key)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule is, independent of any finding.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    pub code: &'static str,
    /// Kebab-case name of the problem, e.g. `platform-mismatch`.
    pub name: &'static str,
    pub severity: Severity,
    /// One line for tables and SARIF short descriptions.
    pub summary: &'static str,
    /// The rule's doc comment, in Markdown.
    pub docs: &'static str,
}

impl RuleMeta {
    /// The doc comment with rustdoc's leading space removed from each line.
    pub fn documentation(&self) -> String {
        self.docs
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A section of the documentation by heading (`Example`, `Fix`, ...).
    pub fn section(&self, heading: &str) -> Option<String> {
        let docs = self.documentation();
        let marker = format!("## {heading}\n");
        let start = docs.find(&marker)? + marker.len();
        let rest = &docs[start..];
        let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
        Some(rest[..end].trim().to_owned())
    }
}

/// A place in a file: a span, and where known the document and the JSON Pointer of the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
    pub document: Option<usize>,
    pub pointer: Option<String>,
}

/// A secondary location with its own message ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// A replacement of a span of a file's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub file: FileId,
    pub span: Span,
    pub replacement: String,
}

/// A machine-applicable fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

/// Whether `mamlint check --fix` applies a fix by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    /// Does exactly what the finding asks and nothing else.
    Safe,
    /// A guess (the nearest ID) or a change of behaviour beyond the finding (turning Tunnel
    /// off for every app of a policy); needs `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

impl Fix {
    /// Marks the fix as needing `--unsafe-fixes`.
    pub fn into_unsafe(mut self) -> Self {
        self.applicability = Applicability::Unsafe;
        self
    }

    pub fn replace(
        description: impl Into<String>,
        file: FileId,
        span: Span,
        replacement: impl Into<String>,
    ) -> Self {
        Fix {
            description: description.into(),
            edits: vec![Edit {
                file,
                span,
                replacement: replacement.into(),
            }],
            applicability: Applicability::Safe,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    /// The label under the primary span, shorter than the message.
    pub label: Option<String>,
    pub location: Location,
    pub related: Vec<Related>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(rule: &'static RuleMeta, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity,
            message: message.into(),
            label: None,
            location,
            related: Vec::new(),
            help: None,
            notes: Vec::new(),
            fix: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn related(mut self, location: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    /// The ordering reporters use: by file, then position, then code.
    pub fn sort_key(&self) -> (FileId, u32, u32, &'static str, &str) {
        (
            self.location.file,
            self.location.span.start,
            self.location.span.end,
            self.rule.code,
            &self.message,
        )
    }
}
