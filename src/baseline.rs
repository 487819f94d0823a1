//! Baselines: accept today's findings, report only new ones.
//!
//! `mamlint check --write-baseline FILE` records every finding by fingerprint (see
//! [`crate::fingerprint`]), so a baseline survives reformatting and moved lines.
//! `--baseline FILE` hides the findings it records and says which entries no longer match;
//! `--prune-baseline` removes those. Parse errors and configuration mistakes are never
//! baselined.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::fingerprint::{fingerprints, relative_path};
use crate::model::WorkspaceFile;
use crate::rules::{InvalidConfiguration, ParseError};
use crate::suppress::document_name;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub code: String,
    pub file: String,
    #[serde(default)]
    pub document: String,
    #[serde(default)]
    pub pointer: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("baseline {path} is not a mamlint baseline: {source}")]
    Parse {
        path: String,
        source: serde_json::Error,
    },
}

fn never_baselined(d: &Diagnostic) -> bool {
    [ParseError::META.code, InvalidConfiguration::META.code].contains(&d.rule.code)
}

impl Baseline {
    /// Today's findings.
    pub fn record(files: &[WorkspaceFile], diagnostics: &[Diagnostic]) -> Baseline {
        let findings = diagnostics
            .iter()
            .zip(fingerprints(files, diagnostics))
            .filter(|(d, _)| !never_baselined(d))
            .map(|(d, fingerprint)| Entry {
                fingerprint,
                code: d.rule.code.to_owned(),
                file: relative_path(
                    files
                        .get(d.location.file)
                        .map(|f| f.loaded.source.path.as_str())
                        .unwrap_or_default(),
                ),
                document: document_name(files, &d.location),
                pointer: d.location.pointer.clone().unwrap_or_default(),
                message: d.message.clone(),
            })
            .collect();
        Baseline {
            version: 1,
            findings,
        }
    }

    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let display = path.display().to_string();
        let bytes = crate::syntax::read_capped(path).map_err(|source| BaselineError::Read {
            path: display.clone(),
            source,
        })?;
        serde_json::from_slice(&bytes).map_err(|source| BaselineError::Parse {
            path: display,
            source,
        })
    }

    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        std::fs::write(path, text)
    }

    /// Removes the findings the baseline records; returns the entries that matched nothing.
    pub fn filter(&self, files: &[WorkspaceFile], diagnostics: &mut Vec<Diagnostic>) -> Vec<Entry> {
        let mut remaining: HashMap<&str, usize> = HashMap::new();
        for entry in &self.findings {
            *remaining.entry(entry.fingerprint.as_str()).or_default() += 1;
        }
        let prints = fingerprints(files, diagnostics);
        let mut index = 0;
        diagnostics.retain(|d| {
            let fingerprint = prints[index].as_str();
            index += 1;
            if never_baselined(d) {
                return true;
            }
            match remaining.get_mut(fingerprint) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    false
                }
                _ => true,
            }
        });
        let mut stale = Vec::new();
        for entry in self.findings.iter().rev() {
            if let Some(count) = remaining
                .get_mut(entry.fingerprint.as_str())
                .filter(|c| **c > 0)
            {
                *count -= 1;
                stale.push(entry.clone());
            }
        }
        stale.reverse();
        stale
    }

    /// The baseline without the given stale entries.
    pub fn pruned(&self, stale: &[Entry]) -> Baseline {
        // How many of each entry to drop, looked up by hash rather than searched per entry.
        let mut drop: HashMap<&Entry, usize> = HashMap::new();
        for entry in stale {
            *drop.entry(entry).or_default() += 1;
        }
        let findings = self
            .findings
            .iter()
            .filter(|e| match drop.get_mut(e) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    false
                }
                _ => true,
            })
            .cloned()
            .collect();
        Baseline {
            version: self.version,
            findings,
        }
    }
}
