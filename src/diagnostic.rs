//! Findings: what a rule reports, where, and how to fix it.
//!
//! Rules produce [`Diagnostic`]s; reporters (`report/`) render them. A diagnostic refers to
//! files by index into the run's file list and to text by [`Span`], so it is cheap to build
//! and independent of the output format.

use std::fmt;

use serde::Serialize;

use crate::rules::RuleMeta;
use crate::syntax::Span;

/// Index of a file in the run's file list.
pub type FileId = usize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
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

#[derive(Clone, Debug)]
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
