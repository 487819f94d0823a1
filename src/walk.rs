//! File discovery: paths from the command line → the files to check.
//!
//! Directories are walked with `ignore` (the walker of ripgrep), so `.gitignore`, `.ignore`
//! and hidden files are respected, and symbolic links are not followed (a link loop cannot
//! hang the walk). Files named explicitly are always checked, whatever their extension.

use std::path::Path;

use ignore::WalkBuilder;

/// A file to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// As given (relative stays relative); files found in a directory are joined to it.
    pub path: String,
    /// Named on the command line rather than found by walking.
    pub explicit: bool,
}

/// Extensions of files that a directory walk picks up: YAML, JSON and Terraform (`*.tf`, read
/// only when it holds a resource type mamlint knows; see `lint::load`).
pub fn is_policy_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "yaml" | "yml" | "json" | "tf"
                // Microsoft365DSC configurations (spec 8.4).
                | "ps1"
        )
    })
}

/// Expands paths to files. Returns the files, sorted and without duplicates, and one message
/// per path that could not be read.
pub fn discover(paths: &[String]) -> (Vec<Candidate>, Vec<String>) {
    discover_with(paths, true)
}

/// Like [`discover`], but reads every file below a directory, ignore files or not: for a
/// directory the user names as data (`plan --current DIR`), not as policy to check.
pub fn discover_all(paths: &[String]) -> (Vec<Candidate>, Vec<String>) {
    discover_with(paths, false)
}

fn discover_with(paths: &[String], respect_ignores: bool) -> (Vec<Candidate>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for given in paths {
        let path = Path::new(given);
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                for entry in WalkBuilder::new(path)
                    .standard_filters(respect_ignores)
                    .follow_links(false)
                    .sort_by_file_path(Ord::cmp)
                    .build()
                {
                    match entry {
                        Ok(entry) => {
                            let is_file = entry.file_type().is_some_and(|t| t.is_file());
                            if is_file && is_policy_extension(entry.path()) {
                                files.push(Candidate {
                                    path: display(entry.path()),
                                    explicit: false,
                                });
                            }
                        }
                        Err(error) => errors.push(format!("{given}: {error}")),
                    }
                }
            }
            Ok(_) => files.push(Candidate {
                path: given.clone(),
                explicit: true,
            }),
            Err(error) => errors.push(format!("{given}: {error}")),
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path).then(b.explicit.cmp(&a.explicit)));
    files.dedup_by(|later, earlier| later.path == earlier.path);
    (files, errors)
}

/// The files with extension `ext` below `dir` (ignore files respected, links not followed),
/// sorted: the custom rules' `*.rego` files.
pub fn files_with_extension(dir: &Path, ext: &str) -> (Vec<String>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for entry in WalkBuilder::new(dir)
        .follow_links(false)
        .sort_by_file_path(Ord::cmp)
        .build()
    {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && entry.path().extension().is_some_and(|e| e == ext) {
                    files.push(display(entry.path()));
                }
            }
            Err(error) => errors.push(format!("{}: {error}", dir.display())),
        }
    }
    (files, errors)
}

fn display(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_owned()
}
