//! Stable identities for findings, for SARIF `partialFingerprints` and baselines.
//!
//! A fingerprint is built from the file (as a relative path), the document's name, the JSON
//! Pointer and the rule code, never from line numbers, so it survives reformatting, added
//! lines and moved documents. Findings that share all four (two apps missing consent at one
//! domain) are told apart by their order. Findings without a pointer (a parse error, a
//! suppression comment) add the text they point at.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::model::WorkspaceFile;
use crate::suppress::document_name;

/// FNV-1a, 64 bits: stable across platforms and releases, unlike `std`'s hasher.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A path as a relative, `/`-separated URI path: relative to the working directory when it is
/// inside it, with `./` removed.
pub fn relative_path(path: &str) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let as_path = std::path::Path::new(path);
    let relative = if as_path.is_absolute() {
        as_path.strip_prefix(&cwd).unwrap_or(as_path)
    } else {
        as_path
    };
    let text = relative.to_string_lossy().replace('\\', "/");
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_owned()
}

/// What a fingerprint is made of, before the occurrence index.
pub fn identity(files: &[WorkspaceFile], d: &Diagnostic) -> String {
    let path = files
        .get(d.location.file)
        .map(|f| f.loaded.source.path.as_str())
        .unwrap_or_default();
    let document = document_name(files, &d.location);
    let anchor = match &d.location.pointer {
        Some(pointer) => pointer.clone(),
        None => files
            .get(d.location.file)
            .map(|f| f.loaded.source.slice(d.location.span).trim().to_owned())
            .unwrap_or_default(),
    };
    format!(
        "{}\u{0}{document}\u{0}{anchor}\u{0}{}",
        relative_path(path),
        d.rule.code
    )
}

/// The fingerprint of every diagnostic, in order. Expects diagnostics sorted by position.
pub fn fingerprints(files: &[WorkspaceFile], diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let identity = identity(files, d);
            let occurrence = seen.entry(identity.clone()).or_default();
            *occurrence += 1;
            format!("{:016x}", fnv1a(&format!("{identity}\u{0}{occurrence}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_the_reference_function() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn relative_paths_are_normalised() {
        assert_eq!(relative_path("./policies/ios.yaml"), "policies/ios.yaml");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            relative_path(&cwd.join("a/b.json").to_string_lossy()),
            "a/b.json"
        );
    }
}
