//! `custom`: the organization's own rules, in Rego (spec 10), evaluated in-process by
//! `regorus`.
//!
//! Sits beside `rules` in the data flow: it reads the model (every entity of the workspace,
//! normalized into the input document of spec 10, [`input`]) and produces diagnostics whose
//! locations are spans in the user's files ([`eval`] maps each result's JSON Pointer back
//! through the entity). `project` loads the Rego files ([`load`]) from the configuration's
//! `[custom-rules]`; `lint` runs [`eval::evaluate`] in its workspace stage, so custom rules
//! are workspace-scope. A mistake in a Rego file, a malformed result and a rule that runs past
//! the time limit are MAM014 findings, never a crash. This is the only user of `regorus`.
//!
//! With no `*.rego` file nothing here runs: no engine is created and no input is built.

mod builtins;
pub mod eval;
pub mod input;
pub mod metadata;
pub mod testing;

use std::path::Path;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use crate::diagnostic::{RuleMeta, Severity};
use crate::syntax::Span;

/// A mistake in a Rego file, at its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegoError {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// The documentation of one custom rule, from its `# METADATA` block.
#[derive(Clone, Debug)]
pub struct Annotation {
    pub meta: &'static RuleMeta,
    /// `custom.help`: the help line of every finding of the rule.
    pub help: Option<String>,
    /// `custom.severity`, when set; otherwise the rule set's (`deny` error, `warn` warning,
    /// `info` info).
    pub severity: Option<Severity>,
    /// The rule the block documents (`deny`, `warn`, `info`, `test_...`).
    pub rule: String,
    /// The `# METADATA` line.
    pub span: Span,
}

/// One `*.rego` file as read.
#[derive(Clone, Debug)]
pub struct RegoFile {
    /// The path for messages, relative to the working directory when possible.
    pub path: String,
    pub text: String,
    /// A parse error (or a METADATA mistake): the file is not evaluated when it does not parse.
    pub errors: Vec<RegoError>,
    /// Whether regorus parsed it.
    pub parses: bool,
    pub annotations: Vec<Annotation>,
}

/// The custom rules of a run: every `*.rego` file under `[custom-rules] paths`.
#[derive(Clone, Debug, Default)]
pub struct CustomRules {
    pub files: Vec<RegoFile>,
    pub timeout: Duration,
    /// Bytes evaluation may allocate above what the process holds when it starts.
    pub memory: u64,
    /// Directories that could not be walked, as `path: reason`.
    pub errors: Vec<String>,
}

impl CustomRules {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The metadata of every documented custom rule, in file order: `config` checks rule
    /// patterns against these with the built-in ones, and `mamlint rule` prints them.
    pub fn metas(&self) -> Vec<&'static RuleMeta> {
        self.files
            .iter()
            .flat_map(|f| f.annotations.iter().map(|a| a.meta))
            .collect()
    }

    /// The built-in rules' metas followed by these.
    pub fn known_metas(&self) -> Vec<&'static RuleMeta> {
        let mut known = crate::rules::metas().to_vec();
        known.extend(self.metas());
        known
    }

    /// A documented custom rule by code or name, case-insensitive.
    pub fn find(&self, code_or_name: &str) -> Option<&Annotation> {
        self.files.iter().flat_map(|f| &f.annotations).find(|a| {
            a.meta.code.eq_ignore_ascii_case(code_or_name)
                || a.meta.name.eq_ignore_ascii_case(code_or_name)
        })
    }
}

/// Reads every `*.rego` file below the configured directories. Files that cannot be read are
/// listed in `errors`; a file that does not parse keeps its error for MAM014.
pub fn load(config: &crate::config::CustomRules) -> CustomRules {
    CustomRules {
        memory: config.memory,
        ..load_paths(&config.paths, config.timeout)
    }
}

/// Reads the `*.rego` files at or below `paths` (files or directories).
pub fn load_paths(given: &[std::path::PathBuf], timeout: Duration) -> CustomRules {
    let mut rules = CustomRules {
        timeout,
        memory: crate::config::DEFAULT_CUSTOM_RULES_MEMORY,
        ..CustomRules::default()
    };
    let mut paths = Vec::new();
    for dir in given {
        if !dir.exists() {
            rules
                .errors
                .push(format!("{}: no such file or directory", dir.display()));
            continue;
        }
        let (found, errors) = crate::walk::files_with_extension(dir, "rego");
        paths.extend(found);
        rules.errors.extend(errors);
    }
    paths.sort();
    paths.dedup();
    for path in paths {
        match crate::syntax::read_capped(Path::new(&path)) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                rules
                    .files
                    .push(parse(crate::config::display_path(Path::new(&path)), text));
            }
            Err(error) => rules.errors.push(format!("{path}: {error}")),
        }
    }
    duplicate_codes(&mut rules.files);
    rules
}

/// A code documented by two METADATA blocks is a mistake at the second one: findings and
/// `mamlint rule` could not tell the rules apart.
fn duplicate_codes(files: &mut [RegoFile]) {
    let mut seen: Vec<(&'static str, String)> = Vec::new();
    for file in files {
        let mut kept = Vec::new();
        for annotation in std::mem::take(&mut file.annotations) {
            let code = annotation.meta.code;
            if let Some((_, first)) = seen.iter().find(|(c, _)| *c == code) {
                file.errors.push(RegoError {
                    span: annotation.span,
                    message: format!(
                        "custom rule code {code} is used by two rules (first in {first})"
                    ),
                    help: Some("give each rule its own code".to_owned()),
                });
            } else {
                seen.push((code, file.path.clone()));
                kept.push(annotation);
            }
        }
        file.annotations = kept;
    }
}

/// Checks one Rego file: regorus parses it (Rego v1), and its `# METADATA` blocks are read.
pub fn parse(path: String, text: String) -> RegoFile {
    let mut engine = regorus::Engine::new();
    let (parses, mut errors) = match engine.add_policy(path.clone(), text.clone()) {
        Ok(_) => (true, Vec::new()),
        Err(error) => (false, vec![parse_error(&text, &error.to_string())]),
    };
    let (annotations, metadata_errors) = metadata::read(&path, &text);
    errors.extend(metadata_errors);
    RegoFile {
        path,
        text,
        errors,
        parses,
        annotations,
    }
}

/// A regorus parse error (`--> file:LINE:COL` then a code frame and `error: message`) at its
/// line and column.
fn parse_error(text: &str, rendered: &str) -> RegoError {
    let position = rendered.lines().find_map(|line| {
        let location = line.trim_start().strip_prefix("--> ")?;
        let mut parts = location.rsplitn(3, ':');
        let column: usize = parts.next()?.trim().parse().ok()?;
        let line: usize = parts.next()?.trim().parse().ok()?;
        Some((line, column))
    });
    let message = rendered
        .lines()
        .rev()
        .find_map(|l| l.trim_start().strip_prefix("error: "))
        .unwrap_or(rendered.trim())
        .to_owned();
    let span = position.map_or(Span::empty(0), |(line, column)| {
        Span::empty(offset_of(text, line, column))
    });
    RegoError {
        span,
        message: format!("Rego parse error: {message}"),
        help: None,
    }
}

/// The byte offset of a 1-based line and column (columns in characters), clamped to the text.
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(line_start..).unwrap_or("");
    let within: usize = rest
        .chars()
        .take_while(|c| *c != '\n')
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    (line_start + within).min(text.len())
}

/// The span of the first top-level definition of rule `name` (`deny contains ...`,
/// `test_x if ...`), for findings about the rule; the start of the file when there is none.
pub(crate) fn rule_head_span(text: &str, name: &str) -> Span {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(name)
            && rest.starts_with([' ', '\t', '[', '{', ':', '=', '\r', '\n'])
        {
            return Span::new(offset, offset + name.len());
        }
        offset += line.len();
    }
    Span::empty(0)
}

/// Findings hold `&'static RuleMeta`, as the built-in rules' are; a custom rule's metadata is
/// made static once per distinct content, so the language server reloading the same rules
/// on every edit does not grow memory.
pub(crate) fn intern(meta: RuleMeta) -> &'static RuleMeta {
    static INTERNED: LazyLock<Mutex<Vec<&'static RuleMeta>>> =
        LazyLock::new(|| Mutex::new(Vec::new()));
    let mut interned = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = interned.iter().find(|m| ***m == meta) {
        return found;
    }
    let leaked: &'static RuleMeta = Box::leak(Box::new(meta));
    interned.push(leaked);
    leaked
}

/// A string made static for a [`RuleMeta`] (see [`intern`]).
pub(crate) fn leak(text: &str) -> &'static str {
    static STRINGS: LazyLock<Mutex<std::collections::HashSet<&'static str>>> =
        LazyLock::new(|| Mutex::new(std::collections::HashSet::new()));
    let mut strings = STRINGS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = strings.get(text) {
        return found;
    }
    let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
    strings.insert(leaked);
    leaked
}

/// Whether a code is a valid custom rule code: `^[A-Z][A-Z0-9]*[0-9]+$`, not `MAM...`.
pub fn valid_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_uppercase)
        && bytes.last().is_some_and(u8::is_ascii_digit)
        && bytes
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && !code.starts_with("MAM")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_pattern_and_leave_mam_to_mamlint() {
        for code in ["ACME001", "ORG1", "A1", "X9Y2"] {
            assert!(valid_code(code), "{code}");
        }
        for code in [
            "MAM001", "acme001", "ACME", "1ACME", "ACME-001", "", "ACME001a",
        ] {
            assert!(!valid_code(code), "{code}");
        }
    }

    #[test]
    fn a_parse_error_is_at_its_line_and_column() {
        let text = "package mamlint.custom.x\n\ndeny contains r if {\n  r := \n}\n";
        let file = parse("x.rego".to_owned(), text.to_owned());
        assert!(!file.parses);
        let error = &file.errors[0];
        assert!(error.message.starts_with("Rego parse error: "), "{error:?}");
        let line = text[..error.span.start as usize].matches('\n').count() + 1;
        assert!((4..=5).contains(&line), "line {line}: {error:?}");
    }

    #[test]
    fn rule_heads_are_found_at_the_top_level_only() {
        let text = "package p\n\n  deny := 1\ndeny contains x if { x := 1 }\n";
        let span = rule_head_span(text, "deny");
        assert_eq!(&text[span.range()], "deny");
        assert_eq!(span.start as usize, text.find("deny contains").unwrap());
        assert_eq!(rule_head_span(text, "warn"), Span::empty(0));
    }

    #[test]
    fn offsets_count_characters_within_the_line() {
        let text = "ab\nçd\n";
        assert_eq!(offset_of(text, 2, 2), 5);
        assert_eq!(offset_of(text, 9, 9), text.len());
    }
}
