//! The linter: reads files, builds the workspace, runs every rule, and returns sorted
//! diagnostics. This is where the stages of the data flow meet; the CLI and tests call
//! [`run`] and hand the [`Outcome`] to a reporter.

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Workspace, WorkspaceFile, classify_file};
use crate::rules::{Context, RULES, RuleMeta};
use crate::syntax;
use crate::walk::Candidate;

/// Where a file's bytes come from.
#[derive(Debug)]
pub enum Bytes {
    /// Read from disk by the linter.
    Disk,
    /// Already in memory (standard input, tests, benchmarks).
    Memory(Vec<u8>),
}

/// One file to check.
#[derive(Debug)]
pub struct Input {
    pub candidate: Candidate,
    pub bytes: Bytes,
}

impl Input {
    pub fn disk(candidate: Candidate) -> Self {
        Input {
            candidate,
            bytes: Bytes::Disk,
        }
    }

    pub fn memory(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Input {
            candidate: Candidate {
                path: path.into(),
                explicit: true,
            },
            bytes: Bytes::Memory(bytes.into()),
        }
    }
}

/// Which rules report: `--select` and `--ignore` by code, code prefix (`MAM3`) or name.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    fn matches(pattern: &str, meta: &RuleMeta) -> bool {
        let pattern = pattern.trim();
        meta.name.eq_ignore_ascii_case(pattern)
            || (!pattern.is_empty()
                && meta
                    .code
                    .to_ascii_uppercase()
                    .starts_with(&pattern.to_ascii_uppercase()))
            || pattern.eq_ignore_ascii_case("ALL")
    }

    pub fn enabled(&self, meta: &RuleMeta) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|p| Self::matches(p, meta));
        selected && !self.ignore.iter().any(|p| Self::matches(p, meta))
    }

    /// Patterns that match no rule, for a usage error.
    pub fn unknown_patterns(&self) -> Vec<&str> {
        self.select
            .iter()
            .chain(&self.ignore)
            .map(String::as_str)
            .filter(|p| !RULES.iter().any(|r| Self::matches(p, r.meta())))
            .collect()
    }
}

#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub selection: Selection,
}

/// Everything a run found.
pub struct Outcome {
    /// Checked files, sorted by path; diagnostics refer to them by index.
    pub files: Vec<WorkspaceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files found by walking that hold nothing mamlint checks, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Files that could not be read (exit code 2).
    pub read_errors: Vec<String>,
    /// Informational notes for `--verbose` (e.g. a platform taken from a file name).
    pub notes: Vec<String>,
}

impl Outcome {
    pub fn documents(&self) -> usize {
        self.files
            .iter()
            .map(|f| f.loaded.parsed.documents.len())
            .sum()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Whether any finding is at or above the fail level.
    pub fn fails(&self, level: Severity) -> bool {
        self.diagnostics.iter().any(|d| d.severity >= level)
    }
}

enum Loaded {
    Checked(WorkspaceFile),
    Skipped(String, String),
    Unreadable(String),
}

fn load(input: Input) -> Loaded {
    let Input { candidate, bytes } = input;
    let bytes = match bytes {
        Bytes::Memory(bytes) => bytes,
        Bytes::Disk => match read_limited(&candidate.path) {
            Ok(bytes) => bytes,
            Err(error) => return Loaded::Unreadable(format!("{}: {error}", candidate.path)),
        },
    };
    let loaded = syntax::load(&candidate.path, &bytes);
    let classes = classify_file(&loaded);
    let file = WorkspaceFile {
        looks_like_policy: loaded.parsed.error.is_some() && syntax::looks_like_policy(&bytes),
        explicit: candidate.explicit,
        loaded,
        classes,
    };
    if file.explicit
        || file.is_recognized()
        || (file.loaded.parsed.error.is_some() && file.report_load_errors())
    {
        return Loaded::Checked(file);
    }
    let reason = match &file.loaded.parsed.error {
        Some(error) => format!(
            "not readable as YAML/JSON and not a policy file ({})",
            error.message
        ),
        None => "no mamlint manifest or Graph app protection policy".to_owned(),
    };
    Loaded::Skipped(candidate.path, reason)
}

/// Reads a file, refusing to pull more than the size limit into memory.
fn read_limited(path: &str) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(syntax::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Checks the inputs. Files are read, parsed and checked in parallel; the result is the same
/// whatever the thread count.
pub fn run(inputs: Vec<Input>, settings: &Settings) -> Outcome {
    let loaded: Vec<Loaded> = inputs.into_par_iter().map(load).collect();
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let mut read_errors = Vec::new();
    for item in loaded {
        match item {
            Loaded::Checked(file) => files.push(file),
            Loaded::Skipped(path, reason) => skipped.push((path, reason)),
            Loaded::Unreadable(message) => read_errors.push(message),
        }
    }
    files.sort_by(|a, b| a.loaded.source.path.cmp(&b.loaded.source.path));
    let notes = files
        .iter()
        .flat_map(|f| {
            f.classes.iter().filter_map(move |c| match c {
                crate::model::Classified::GraphExport {
                    platform,
                    from_file_name: true,
                } => Some(format!(
                    "{}: no @odata.type; read as an {} policy from the file name",
                    f.loaded.source.path,
                    platform.graph_type()
                )),
                _ => None,
            })
        })
        .collect();
    let diagnostics = check(&files, settings);
    Outcome {
        files,
        diagnostics,
        skipped,
        read_errors,
        notes,
    }
}

fn check(files: &[WorkspaceFile], settings: &Settings) -> Vec<Diagnostic> {
    let workspace = Workspace::new(files);
    let cx = Context {
        workspace: &workspace,
    };
    let rules: Vec<_> = RULES.to_vec();
    let mut diagnostics: Vec<Diagnostic> = (0..files.len())
        .into_par_iter()
        .flat_map_iter(|file| {
            let mut out = Vec::new();
            for rule in &rules {
                rule.check_file(&cx, file, &mut out);
            }
            out
        })
        .collect();
    diagnostics.par_extend(workspace.entities.par_iter().flat_map_iter(|entity| {
        let mut out = Vec::new();
        for rule in &rules {
            rule.check_entity(&cx, entity, &mut out);
        }
        out
    }));
    diagnostics.par_extend(rules.par_iter().flat_map_iter(|rule| {
        let mut out = Vec::new();
        rule.check_workspace(&cx, &mut out);
        out
    }));
    diagnostics.retain(|d| settings.selection.enabled(d.rule));
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key());
    diagnostics
}
