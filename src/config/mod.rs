//! `mamlint.toml`: project configuration, found from the working directory upward.
//!
//! Sits beside the data flow: it decides which files are checked (include, exclude), which
//! documents are always loaded as context, how findings are selected, re-levelled and
//! suppressed, and which Graph API version settings are checked against. Mistakes in the file
//! are findings (MAM014) pointing at the line in `mamlint.toml`, never a crash.
//!
//! ```toml
//! extend = "../shared/mamlint.toml"   # inherit, then override
//! graph-api-version = "v1.0"          # "beta" (default) or "v1.0"
//! fail-level = "warning"
//! include = ["policies"]              # checked when no PATH is given
//! exclude = ["policies/drafts/**"]    # never checked
//! context = ["../org/organization.yaml", "tenants"]   # always loaded, not reported
//!
//! [rules]
//! select = ["MAM"]
//! ignore = ["MAM404"]
//! severity = { MAM402 = "error" }
//!
//! [per-path-ignores]
//! "exports/**" = ["MAM006"]
//!
//! [[suppress]]                        # for JSON, which has no comments
//! path = "exports/*.json"
//! document = "Atlassian apps (iOS)"
//! pointer = "/pinRequired"
//! code = "MAM406"
//! reason = "PIN replaced by device passcode until the Q1 rollout"
//! expires = 2027-03-31
//!
//! [custom-rules]                      # Rego rules (spec 10); default .mamlint/rules
//! paths = ["policy-rules"]
//! timeout = "2s"
//! memory = "512MiB"
//! ```

pub mod date;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use toml::Spanned;

pub use date::Date;

use crate::diagnostic::{RuleMeta, Severity};
use crate::selection::Selection;
use crate::syntax::Span;

pub const FILE_NAME: &str = "mamlint.toml";

/// The Graph API version policies are deployed through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ApiVersion {
    #[default]
    Beta,
    V1,
}

impl ApiVersion {
    /// The version as Graph URLs and `mamlint.toml` write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::Beta => "beta",
            ApiVersion::V1 => "v1.0",
        }
    }
}

/// A mistake in a configuration file, at its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// One configuration file as read.
#[derive(Clone, Debug)]
pub struct ConfigSource {
    /// The path for messages, relative to the working directory when possible.
    pub path: String,
    pub text: String,
    pub errors: Vec<ConfigError>,
}

/// A `[[suppress]]` entry.
#[derive(Clone, Debug)]
pub struct Suppression {
    /// Index of the file in [`Config::sources`] and the span of the entry's `code`.
    pub source: usize,
    pub span: Span,
    pub path: Option<GlobMatcher>,
    pub document: Option<String>,
    pub pointer: Option<String>,
    pub codes: Vec<String>,
    pub reason: Option<String>,
    pub expires: Option<Date>,
}

/// `[per-path-ignores]`: files matching a glob do not report these rules.
#[derive(Clone, Debug)]
pub struct PathIgnore {
    pub glob: GlobMatcher,
    pub patterns: Vec<String>,
}

/// The resolved configuration: the closest file, merged over what it extends.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Every file read, the closest first.
    pub sources: Vec<ConfigSource>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    pub fail_level: Option<Severity>,
    /// `graph-api-version`, when the configuration sets it (checks default to beta; the plan
    /// then picks per tenant).
    pub api_version: Option<ApiVersion>,
    /// Absolute paths checked when no PATH is given.
    pub include: Vec<PathBuf>,
    pub exclude: Vec<GlobMatcher>,
    /// Absolute paths of files and directories always loaded.
    pub context: Vec<PathBuf>,
    pub per_path_ignores: Vec<PathIgnore>,
    pub suppressions: Vec<Suppression>,
    /// `[protection]`: which level of Microsoft's data protection framework applies (spec 9).
    pub protection: Protection,
    /// `[custom-rules]`: where the Rego rules are and how long they may run (spec 10).
    pub custom_rules: CustomRules,
}

/// The default of `[custom-rules] timeout`.
pub const DEFAULT_CUSTOM_RULES_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// The default of `[custom-rules] memory`: 1 GiB.
pub const DEFAULT_CUSTOM_RULES_MEMORY: u64 = 1 << 30;

/// `[custom-rules]`: directories of `*.rego` files and the evaluation's time and memory limits.
#[derive(Clone, Debug)]
pub struct CustomRules {
    /// Absolute directories; `.mamlint/rules` beside the closest configuration file when no
    /// file sets `paths` and that directory exists.
    pub paths: Vec<PathBuf>,
    pub timeout: std::time::Duration,
    /// Bytes the evaluation may allocate above what the process holds when it starts.
    pub memory: u64,
}

impl Default for CustomRules {
    fn default() -> Self {
        CustomRules {
            paths: Vec::new(),
            timeout: DEFAULT_CUSTOM_RULES_TIMEOUT,
            memory: DEFAULT_CUSTOM_RULES_MEMORY,
        }
    }
}

/// The protection levels a configuration sets. The command line's `--protection-level` is
/// kept here too, because it outranks everything the files say (spec 9).
#[derive(Clone, Debug, Default)]
pub struct Protection {
    /// `check --protection-level N`.
    pub command_line: Option<u8>,
    /// `[protection] level`.
    pub level: Option<u8>,
    /// `[[protection.overrides]]`, in file order (the closest file's last).
    pub overrides: Vec<ProtectionOverride>,
}

/// One `[[protection.overrides]]` entry.
#[derive(Clone, Debug)]
pub struct ProtectionOverride {
    pub paths: Vec<GlobMatcher>,
    pub level: u8,
}

impl Protection {
    /// The level of the last `[[protection.overrides]]` entry whose paths match `path`.
    pub fn override_for(&self, path: &str) -> Option<u8> {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path));
        self.overrides
            .iter()
            .rev()
            .find(|o| o.paths.iter().any(|glob| glob.is_match(&absolute)))
            .map(|o| o.level)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawConfig {
    extend: Option<Spanned<String>>,
    graph_api_version: Option<Spanned<String>>,
    fail_level: Option<Spanned<String>>,
    include: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    context: Option<Vec<Spanned<String>>>,
    rules: Option<RawRules>,
    per_path_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    suppress: Option<Vec<RawSuppression>>,
    protection: Option<RawProtection>,
    custom_rules: Option<RawCustomRules>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCustomRules {
    paths: Option<Vec<Spanned<String>>>,
    timeout: Option<Spanned<String>>,
    memory: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProtection {
    level: Option<Spanned<i64>>,
    overrides: Option<Vec<RawProtectionOverride>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProtectionOverride {
    paths: Vec<Spanned<String>>,
    level: Spanned<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    path: Option<Spanned<String>>,
    document: Option<Spanned<String>>,
    pointer: Option<Spanned<String>>,
    code: Spanned<toml::Value>,
    reason: Option<Spanned<String>>,
    expires: Option<Spanned<toml::Value>>,
}

/// `[custom-rules] timeout`: whole seconds (`"2s"`) or milliseconds (`"500ms"`), above zero.
fn parse_timeout(text: &str) -> Option<std::time::Duration> {
    let (digits, unit): (&str, fn(u64) -> std::time::Duration) =
        if let Some(ms) = text.strip_suffix("ms") {
            (ms, std::time::Duration::from_millis)
        } else {
            (text.strip_suffix('s')?, std::time::Duration::from_secs)
        };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let limit = unit(digits.parse().ok()?);
    (!limit.is_zero()).then_some(limit)
}

/// `[custom-rules] memory`: whole kibi-, mebi- or gibibytes (`"512MiB"`), above zero; `KB`,
/// `MB` and `GB` are read as the same binary units, as most people mean them here.
fn parse_memory(text: &str) -> Option<u64> {
    const UNITS: [(&str, u64); 6] = [
        ("KiB", 1 << 10),
        ("MiB", 1 << 20),
        ("GiB", 1 << 30),
        ("KB", 1 << 10),
        ("MB", 1 << 20),
        ("GB", 1 << 30),
    ];
    let (digits, unit) = UNITS
        .iter()
        .find_map(|(suffix, unit)| Some((text.strip_suffix(suffix)?, *unit)))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let bytes = digits.parse::<u64>().ok()?.checked_mul(unit)?;
    (bytes > 0).then_some(bytes)
}

/// The closest `mamlint.toml` at or above `start`.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

fn span_of<T>(spanned: &Spanned<T>) -> Span {
    let range = spanned.span();
    Span::new(range.start, range.end)
}

/// A path as the user would write it: relative to the working directory when under it.
pub(crate) fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

impl Config {
    /// Reads a configuration file and everything it extends. Mistakes are collected in the
    /// sources' `errors`; only a file that cannot be read at all is an `Err`. Rule patterns
    /// are checked against `known` (the built-in rules, `rules::metas()`).
    pub fn load(path: &Path, known: &[&RuleMeta]) -> std::io::Result<Config> {
        let path = std::path::absolute(path)?;
        let bytes = crate::syntax::read_capped(&path)?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Ok(Config::parse(&path, text, known))
    }

    /// Like [`Config::load`], with the first file's text already in hand: `path` names it in
    /// messages and is the base of its relative paths (it need not exist), and what it
    /// extends is read from disk. Never fails; mistakes are in the sources' `errors`.
    pub fn parse(path: &Path, text: String, known: &[&RuleMeta]) -> Config {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let mut config = Config::default();
        let mut chain: Vec<(PathBuf, RawConfig, usize)> = Vec::new();
        let mut next = Some((path, Some(text)));
        while let Some((file, text)) = next.take() {
            if chain.iter().any(|(p, ..)| *p == file) {
                let message = format!("`extend` makes a cycle back to {}", display_path(&file));
                config.error_at_extend(
                    &chain,
                    message,
                    Some("remove one of the `extend` keys".to_owned()),
                );
                break;
            }
            let read = text.map_or_else(
                || crate::syntax::read_capped(&file).map(|b| String::from_utf8_lossy(&b).into()),
                Ok,
            );
            let text = match read {
                Ok(text) => text,
                Err(error) => {
                    let message = format!(
                        "cannot read the extended file {}: {error}",
                        display_path(&file)
                    );
                    config.error_at_extend(&chain, message, None);
                    break;
                }
            };
            let mut source = ConfigSource {
                path: display_path(&file),
                text,
                errors: Vec::new(),
            };
            let raw = match toml::from_str::<RawConfig>(&source.text) {
                Ok(raw) => raw,
                Err(error) => {
                    let span = error
                        .span()
                        .map_or(Span::empty(0), |r| Span::new(r.start, r.end));
                    source.errors.push(ConfigError {
                        span,
                        message: error.message().trim().to_owned(),
                        help: None,
                    });
                    RawConfig::default()
                }
            };
            next = raw.extend.as_ref().map(|e| {
                let base = file.parent().unwrap_or(Path::new("/"));
                (base.join(e.get_ref()), None)
            });
            config.sources.push(source);
            chain.push((file, raw, config.sources.len() - 1));
        }
        let closest_dir = chain
            .first()
            .and_then(|(file, ..)| file.parent().map(Path::to_path_buf));
        let sets_paths = chain
            .iter()
            .any(|(_, raw, _)| raw.custom_rules.as_ref().is_some_and(|c| c.paths.is_some()));
        // The furthest base first, so closer files override.
        for (file, raw, source) in chain.into_iter().rev() {
            let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
            config.apply(raw, source, &dir, known);
        }
        if !sets_paths && let Some(dir) = closest_dir {
            let default = dir.join(".mamlint").join("rules");
            if default.is_dir() {
                config.custom_rules.paths.push(default);
            }
        }
        config
    }

    /// Reports a problem with the file an `extend` points to, at that `extend` key.
    fn error_at_extend(
        &mut self,
        chain: &[(PathBuf, RawConfig, usize)],
        message: String,
        help: Option<String>,
    ) {
        if let Some((_, raw, source)) = chain.last()
            && let Some(extend) = &raw.extend
        {
            let span = span_of(extend);
            self.error(*source, span, message, help);
        }
    }

    fn error(&mut self, source: usize, span: Span, message: String, help: Option<String>) {
        if let Some(s) = self.sources.get_mut(source) {
            s.errors.push(ConfigError {
                span,
                message,
                help,
            });
        }
    }

    fn glob(
        &mut self,
        source: usize,
        dir: &Path,
        pattern: &Spanned<String>,
    ) -> Option<GlobMatcher> {
        let text = pattern.get_ref();
        let absolute = if Path::new(text).is_absolute() {
            text.clone()
        } else {
            format!(
                "{}/{}",
                globset::escape(&dir.to_string_lossy()),
                text.trim_start_matches("./")
            )
        };
        match Glob::new(&absolute) {
            Ok(glob) => Some(glob.compile_matcher()),
            Err(error) => {
                self.error(
                    source,
                    span_of(pattern),
                    format!("invalid glob `{text}`: {}", error.kind()),
                    None,
                );
                None
            }
        }
    }

    fn rule_patterns(
        &mut self,
        source: usize,
        patterns: &[Spanned<String>],
        known: &[&RuleMeta],
    ) -> Vec<String> {
        let mut out = Vec::new();
        for pattern in patterns {
            if Selection::is_known_pattern(pattern.get_ref(), known) {
                out.push(pattern.get_ref().clone());
            } else {
                let help = crate::suggest::closest(
                    pattern.get_ref(),
                    known.iter().flat_map(|r| [r.code, r.name]),
                )
                .map(|s| format!("did you mean `{s}`?"));
                self.error(
                    source,
                    span_of(pattern),
                    format!("no rule matches `{}`", pattern.get_ref()),
                    help,
                );
            }
        }
        out
    }

    fn apply(&mut self, raw: RawConfig, source: usize, dir: &Path, known: &[&RuleMeta]) {
        if let Some(version) = raw.graph_api_version {
            match version.get_ref().as_str() {
                "beta" => self.api_version = Some(ApiVersion::Beta),
                "v1.0" => self.api_version = Some(ApiVersion::V1),
                other => self.error(
                    source,
                    span_of(&version),
                    format!("unknown Graph API version `{other}`"),
                    Some("use \"beta\" or \"v1.0\"".to_owned()),
                ),
            }
        }
        if let Some(level) = raw.fail_level {
            match Severity::from_key(level.get_ref()) {
                Some(level) => self.fail_level = Some(level),
                None => self.error(
                    source,
                    span_of(&level),
                    format!("unknown fail level `{}`", level.get_ref()),
                    Some("use \"error\", \"warning\" or \"info\"".to_owned()),
                ),
            }
        }
        if let Some(include) = raw.include {
            self.include = include.iter().map(|p| dir.join(p.get_ref())).collect();
        }
        for pattern in raw.exclude.unwrap_or_default() {
            if let Some(glob) = self.glob(source, dir, &pattern) {
                self.exclude.push(glob);
            }
        }
        for path in raw.context.unwrap_or_default() {
            if let Some(absolute) = self.existing(source, dir, &path, "context path", Path::exists)
            {
                self.context.push(absolute);
            }
        }
        if let Some(rules) = raw.rules {
            if let Some(select) = rules.select {
                self.select = self.rule_patterns(source, &select, known);
            }
            if let Some(ignore) = rules.ignore {
                self.ignore = self.rule_patterns(source, &ignore, known);
            }
            for (code, level) in rules.severity.unwrap_or_default() {
                let known = self.rule_patterns(source, std::slice::from_ref(&code), known);
                match Severity::from_key(level.get_ref()) {
                    Some(level) => self.severity.extend(known.into_iter().map(|c| (c, level))),
                    None => self.error(
                        source,
                        span_of(&level),
                        format!("unknown severity `{}`", level.get_ref()),
                        Some("use \"error\", \"warning\" or \"info\"".to_owned()),
                    ),
                }
            }
        }
        for (pattern, codes) in raw.per_path_ignores.unwrap_or_default() {
            let patterns = self.rule_patterns(source, &codes, known);
            if let Some(glob) = self.glob(source, dir, &pattern) {
                self.per_path_ignores.push(PathIgnore { glob, patterns });
            }
        }
        for entry in raw.suppress.unwrap_or_default() {
            self.add_suppression(entry, source, dir, known);
        }
        if let Some(protection) = raw.protection {
            self.add_protection(protection, source, dir);
        }
        if let Some(custom) = raw.custom_rules {
            self.add_custom_rules(custom, source, dir);
        }
    }

    /// `path`, relative to the file's directory `dir`, when `found` holds for it; otherwise a
    /// mistake at the path: "{what} `…` does not exist".
    fn existing(
        &mut self,
        source: usize,
        dir: &Path,
        path: &Spanned<String>,
        what: &str,
        found: fn(&Path) -> bool,
    ) -> Option<PathBuf> {
        let absolute = dir.join(path.get_ref());
        if found(&absolute) {
            return Some(absolute);
        }
        self.error(
            source,
            span_of(path),
            format!("{what} `{}` does not exist", path.get_ref()),
            None,
        );
        None
    }

    fn add_custom_rules(&mut self, raw: RawCustomRules, source: usize, dir: &Path) {
        if let Some(paths) = raw.paths {
            self.custom_rules.paths.clear();
            for path in paths {
                if let Some(absolute) =
                    self.existing(source, dir, &path, "custom rules directory", Path::is_dir)
                {
                    self.custom_rules.paths.push(absolute);
                }
            }
        }
        if let Some(timeout) = raw.timeout {
            match parse_timeout(timeout.get_ref()) {
                Some(limit) => self.custom_rules.timeout = limit,
                None => self.error(
                    source,
                    span_of(&timeout),
                    format!("invalid timeout `{}`", timeout.get_ref()),
                    Some("write whole seconds or milliseconds: \"2s\", \"500ms\"".to_owned()),
                ),
            }
        }
        if let Some(memory) = raw.memory {
            match parse_memory(memory.get_ref()) {
                Some(bytes) => self.custom_rules.memory = bytes,
                None => self.error(
                    source,
                    span_of(&memory),
                    format!("invalid memory bound `{}`", memory.get_ref()),
                    Some("write whole KiB, MiB or GiB: \"512MiB\", \"2GiB\"".to_owned()),
                ),
            }
        }
    }

    /// A framework level (1 to 3), or a mistake at its place.
    fn protection_level(&mut self, source: usize, level: &Spanned<i64>) -> Option<u8> {
        match u8::try_from(*level.get_ref()) {
            Ok(n @ 1..=3) => Some(n),
            _ => {
                self.error(
                    source,
                    span_of(level),
                    format!("unknown protection level {}", level.get_ref()),
                    Some("use 1, 2 or 3 (Microsoft's data protection framework levels)".to_owned()),
                );
                None
            }
        }
    }

    fn add_protection(&mut self, raw: RawProtection, source: usize, dir: &Path) {
        if let Some(level) = &raw.level
            && let Some(level) = self.protection_level(source, level)
        {
            self.protection.level = Some(level);
        }
        for entry in raw.overrides.unwrap_or_default() {
            let level = self.protection_level(source, &entry.level);
            let paths: Vec<GlobMatcher> = entry
                .paths
                .iter()
                .filter_map(|p| self.glob(source, dir, p))
                .collect();
            if let Some(level) = level
                && !paths.is_empty()
            {
                self.protection
                    .overrides
                    .push(ProtectionOverride { paths, level });
            }
        }
    }

    fn add_suppression(
        &mut self,
        entry: RawSuppression,
        source: usize,
        dir: &Path,
        known: &[&RuleMeta],
    ) {
        let span = span_of(&entry.code);
        let codes: Vec<Spanned<String>> = match entry.code.get_ref() {
            toml::Value::String(code) => vec![Spanned::new(entry.code.span(), code.clone())],
            toml::Value::Array(items) => items
                .iter()
                .filter_map(|v| {
                    v.as_str()
                        .map(|c| Spanned::new(entry.code.span(), c.to_owned()))
                })
                .collect(),
            _ => Vec::new(),
        };
        if codes.is_empty() {
            self.error(
                source,
                span,
                "`code` must be a rule code or a list of codes".to_owned(),
                None,
            );
            return;
        }
        let codes = self.rule_patterns(source, &codes, known);
        let expires = match &entry.expires {
            None => None,
            Some(value) => {
                let text = match value.get_ref() {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match Date::parse(&text) {
                    Some(date) => Some(date),
                    None => {
                        self.error(
                            source,
                            span_of(value),
                            format!("`expires` must be a date like 2027-03-31, not {text}"),
                            None,
                        );
                        None
                    }
                }
            }
        };
        let path = match &entry.path {
            Some(pattern) => match self.glob(source, dir, pattern) {
                Some(glob) => Some(glob),
                None => return,
            },
            None => None,
        };
        self.suppressions.push(Suppression {
            source,
            span,
            path,
            document: entry.document.map(Spanned::into_inner),
            pointer: entry.pointer.map(Spanned::into_inner),
            codes,
            reason: entry
                .reason
                .map(Spanned::into_inner)
                .filter(|r| !r.trim().is_empty()),
            expires,
        });
    }

    /// Whether a file (as given on the command line or found by walking) is excluded.
    pub fn is_excluded(&self, path: &str) -> bool {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path));
        self.exclude
            .iter()
            .any(|glob| glob.is_match(&absolute) || absolute.ancestors().any(|a| glob.is_match(a)))
    }

    /// Rule patterns that `[per-path-ignores]` turns off for a file.
    pub fn ignored_for(&self, path: &str) -> Vec<&str> {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path));
        self.per_path_ignores
            .iter()
            .filter(|entry| entry.glob.is_match(&absolute))
            .flat_map(|entry| entry.patterns.iter().map(String::as_str))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn rule(code: &'static str) -> RuleMeta {
        RuleMeta {
            code,
            name: "",
            severity: Severity::Warning,
            summary: "",
            docs: "",
        }
    }
    const MAM402: RuleMeta = rule("MAM402");
    const MAM404: RuleMeta = rule("MAM404");
    const RULES: [&RuleMeta; 2] = [&MAM402, &MAM404];

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn discovers_the_closest_file_upward() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "mamlint.toml", "");
        let nested = write(dir.path(), "a/b/mamlint.toml", "");
        std::fs::create_dir_all(dir.path().join("a/b/c/d")).unwrap();
        assert_eq!(discover(&dir.path().join("a/b/c/d")), Some(nested));
        assert_eq!(
            discover(&dir.path().join("a")),
            Some(dir.path().join("mamlint.toml"))
        );
    }

    #[test]
    fn extend_inherits_and_the_closest_file_wins() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "base.toml",
            "graph-api-version = \"v1.0\"\nfail-level = \"warning\"\n[rules]\nignore = [\"MAM404\"]\n",
        );
        let child = write(
            dir.path(),
            "repo/mamlint.toml",
            "extend = \"../base.toml\"\nfail-level = \"error\"\n",
        );
        let config = Config::load(&child, &RULES).unwrap();
        assert_eq!(config.api_version, Some(ApiVersion::V1));
        assert_eq!(config.fail_level, Some(Severity::Error));
        assert_eq!(config.ignore, ["MAM404"]);
        assert_eq!(config.sources.len(), 2);
        assert!(config.sources.iter().all(|s| s.errors.is_empty()));
    }

    #[test]
    fn custom_rules_memory_is_read_in_binary_units_and_a_bad_one_is_a_mistake() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "a/mamlint.toml",
            "[custom-rules]\nmemory = \"512MB\"\n",
        );
        let config = Config::load(&path, &RULES).unwrap();
        assert_eq!(config.custom_rules.memory, 512 << 20);
        let path = write(dir.path(), "b/mamlint.toml", "");
        let config = Config::load(&path, &RULES).unwrap();
        assert_eq!(config.custom_rules.memory, DEFAULT_CUSTOM_RULES_MEMORY);
        assert_eq!(parse_memory("2GiB"), Some(2 << 30));
        assert_eq!(parse_memory("64KiB"), Some(64 << 10));
        let text = "[custom-rules]\nmemory = \"0MB\"\n";
        let path = write(dir.path(), "c/mamlint.toml", text);
        let config = Config::load(&path, &RULES).unwrap();
        let errors: Vec<(&str, &str)> = config.sources[0]
            .errors
            .iter()
            .map(|e| (&text[e.span.range()], e.message.as_str()))
            .collect();
        assert_eq!(errors, [("\"0MB\"", "invalid memory bound `0MB`")]);
        assert_eq!(config.custom_rules.memory, DEFAULT_CUSTOM_RULES_MEMORY);
        for bad in ["512", "MB", "1.5GB", "-1MB", "99999999999999GiB", "1 GB"] {
            assert_eq!(parse_memory(bad), None, "{bad}");
        }
    }

    #[test]
    fn mistakes_point_at_their_place() {
        let dir = tempfile::tempdir().unwrap();
        let text = "graph-api-version = \"v2\"\n[rules]\nignore = [\"MAM4O4\"]\nseverity = { MAM402 = \"fatal\" }\n";
        let path = write(dir.path(), "mamlint.toml", text);
        let config = Config::load(&path, &RULES).unwrap();
        let errors: Vec<(&str, &str)> = config.sources[0]
            .errors
            .iter()
            .map(|e| (&text[e.span.range()], e.message.as_str()))
            .collect();
        assert_eq!(
            errors,
            [
                ("\"v2\"", "unknown Graph API version `v2`"),
                ("\"MAM4O4\"", "no rule matches `MAM4O4`"),
                ("\"fatal\"", "unknown severity `fatal`"),
            ]
        );
        let path = write(
            dir.path(),
            "bad/mamlint.toml",
            "[rules]\nselect = [\"MAM1\"]\nfrobnicate = true\n",
        );
        let error = &Config::load(&path, &RULES).unwrap().sources[0].errors[0];
        assert!(
            error.message.contains("unknown field `frobnicate`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_missing_extended_file_is_reported_at_the_extend_key() {
        let dir = tempfile::tempdir().unwrap();
        let text = "fail-level = \"warning\"\nextend = \"../nowhere.toml\"\n";
        let path = write(dir.path(), "mamlint.toml", text);
        let config = Config::load(&path, &RULES).unwrap();
        let error = &config.sources[0].errors[0];
        assert_eq!(&text[error.span.range()], "\"../nowhere.toml\"");
        assert!(
            error.message.starts_with("cannot read the extended file"),
            "{}",
            error.message
        );
        assert_eq!(
            config.fail_level,
            Some(Severity::Warning),
            "the file's own settings still apply"
        );
    }

    #[test]
    fn extending_a_device_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let text = "extend = \"/dev/zero\"\n";
        let path = write(dir.path(), "mamlint.toml", text);
        let config = Config::load(&path, &RULES).unwrap();
        let error = &config.sources[0].errors[0];
        assert_eq!(&text[error.span.range()], "\"/dev/zero\"");
        assert!(
            error.message.contains("not a regular file"),
            "{}",
            error.message
        );
        let big = write(dir.path(), "big.toml", &"# padding\n".repeat(2_000_000));
        let text = format!("extend = \"{}\"\n", big.display());
        let path = write(dir.path(), "big/mamlint.toml", &text);
        let config = Config::load(&path, &RULES).unwrap();
        assert!(
            config.sources[0].errors[0].message.contains("byte limit"),
            "{:?}",
            config.sources[0].errors
        );
    }

    #[test]
    fn parse_reads_text_in_hand_as_the_file_at_its_path() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "base.toml", "fail-level = \"info\"\n");
        // `repo/` exists (the kernel resolves `repo/..`); `repo/mamlint.toml` does not.
        std::fs::create_dir(dir.path().join("repo")).unwrap();
        let path = dir.path().join("repo/mamlint.toml");
        let text = "extend = \"../base.toml\"\ninclude = [\"p\"]\n[rules]\nignore = [\"MAM4O4\"]\n";
        let config = Config::parse(&path, text.to_owned(), &RULES);
        assert_eq!(
            config.fail_level,
            Some(Severity::Info),
            "extend is followed"
        );
        assert_eq!(config.include, [dir.path().join("repo/p")]);
        let errors = &config.sources[0].errors;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(&text[errors[0].span.range()], "\"MAM4O4\"");
        assert!(!path.exists(), "the path is only a name and a base");
    }

    #[test]
    fn extend_cycles_are_reported_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.toml", "extend = \"b.toml\"\n");
        write(dir.path(), "b.toml", "extend = \"a.toml\"\n");
        let config = Config::load(&dir.path().join("a.toml"), &[]).unwrap();
        let errors: Vec<&ConfigError> = config.sources.iter().flat_map(|s| &s.errors).collect();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("cycle"));
    }
}
