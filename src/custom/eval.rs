//! Evaluation: one regorus engine per run over every Rego file, the input document set once,
//! then each package's `deny`, `warn` and `info` under a time limit; results become findings
//! at the span their `(document, path)` maps to. Whatever goes wrong is a MAM014 in the Rego
//! file, and the other packages still report. Memory is bounded too: regorus's allocator
//! (its `allocator-memory-limits` feature makes it the process's) counts every live byte, and
//! the interpreter and its built-ins stop with a `LimitError` once a process-wide ceiling is
//! passed; [`MemoryBound`] sets that ceiling for the evaluation and lifts it after.

use std::num::NonZeroU32;
#[cfg(feature = "rego-memory-bound")]
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use regorus::utils::limits::{ExecutionTimerConfig, LimitError};
use serde_json::Value;

use super::input::{self, Normalized};
use super::{CustomRules, RegoFile, intern, leak, rule_head_span, valid_code};
use crate::diagnostic::{Diagnostic, FileId, Location, RuleMeta, Severity};
use crate::model::Workspace;
use crate::rules::InvalidConfiguration;
use crate::syntax::Span;

/// The rule sets of spec 10 and their severities.
pub const SETS: [(&str, Severity); 3] = [
    ("deny", Severity::Error),
    ("warn", Severity::Warning),
    ("info", Severity::Info),
];

/// Work units between two looks at the clock: often enough that a runaway rule stops within
/// milliseconds of its limit, rarely enough that reading the clock costs nothing measurable.
pub(crate) const CHECK_INTERVAL: NonZeroU32 = match NonZeroU32::new(64) {
    Some(n) => n,
    None => NonZeroU32::MIN,
};

/// Serializes memory-bounded evaluations: the ceiling is process-wide, so two evaluations at
/// once (the language server, parallel tests) would set and lift each other's.
#[cfg(feature = "rego-memory-bound")]
static MEMORY_BOUND: Mutex<()> = Mutex::new(());

/// A ceiling on the process's live memory of `budget` bytes above what it holds now, for as
/// long as this lives. The interpreter checks it cooperatively: between expressions and while
/// built-ins such as `numbers.range` fill their results. Without the `rego-memory-bound`
/// feature (the fuzz build) there is no ceiling.
pub(crate) struct MemoryBound {
    #[cfg(feature = "rego-memory-bound")]
    _serial: MutexGuard<'static, ()>,
}

impl MemoryBound {
    #[cfg(feature = "rego-memory-bound")]
    pub(crate) fn set(budget: u64) -> Self {
        // The guarded value is `()`: a panic elsewhere cannot leave it inconsistent.
        let serial = MEMORY_BOUND.lock().unwrap_or_else(PoisonError::into_inner);
        let held = regorus_mimalloc::limits::global_allocation_stats_snapshot().allocated;
        regorus::set_global_memory_limit(Some(held.saturating_add(budget)));
        MemoryBound { _serial: serial }
    }

    #[cfg(not(feature = "rego-memory-bound"))]
    pub(crate) fn set(_budget: u64) -> Self {
        MemoryBound {}
    }
}

#[cfg(feature = "rego-memory-bound")]
impl Drop for MemoryBound {
    fn drop(&mut self) {
        regorus::set_global_memory_limit(None);
    }
}

/// The packages custom rules live in: `mamlint.custom` and below.
pub fn is_custom_package(package: &str) -> bool {
    package == "data.mamlint.custom" || package.starts_with("data.mamlint.custom.")
}

/// A MAM014 in a Rego file.
fn mistake(file: FileId, span: Span, message: String) -> Diagnostic {
    let location = Location {
        file,
        span,
        document: None,
        pointer: None,
    };
    Diagnostic::new(&InvalidConfiguration::META, location, message).label("here")
}

/// A package and the files that declare it, in file order.
pub(crate) struct Package {
    pub(crate) name: String,
    pub(crate) files: Vec<usize>,
}

/// An engine holding every Rego file that parses, and the packages they declare.
pub(crate) fn engine(rules: &CustomRules) -> (regorus::Engine, Vec<Package>) {
    let mut engine = regorus::Engine::new();
    super::builtins::add(&mut engine, rules.memory);
    let mut packages: Vec<Package> = Vec::new();
    for (i, file) in rules.files.iter().enumerate() {
        if !file.parses {
            continue;
        }
        // Parsed once already when loaded; a failure here cannot differ from that one.
        let Ok(name) = engine.add_policy(file.path.clone(), file.text.clone()) else {
            continue;
        };
        match packages.iter_mut().find(|p| p.name == name) {
            Some(package) => package.files.push(i),
            None => packages.push(Package {
                name,
                files: vec![i],
            }),
        }
    }
    (engine, packages)
}

/// Every custom finding of a run, and the MAM014s of the Rego files. `file_ids[i]` is the
/// run's file of `rules.files[i]`.
pub fn evaluate(
    rules: &CustomRules,
    workspace: &Workspace<'_>,
    file_ids: &[FileId],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (file, id) in rules.files.iter().zip(file_ids) {
        for error in &file.errors {
            let mut d = mistake(*id, error.span, error.message.clone());
            if let Some(help) = &error.help {
                d = d.help(help.clone());
            }
            out.push(d);
        }
    }
    let (mut engine, packages) = engine(rules);
    let packages: Vec<Package> = packages
        .into_iter()
        .filter(|p| is_custom_package(&p.name))
        .collect();
    if packages.is_empty() {
        return out;
    }
    let (input, documents) = input::build(workspace);
    let _bound = MemoryBound::set(rules.memory);
    engine.set_input(regorus::Value::from(input));
    let mut owners: Vec<(String, usize, &str)> = Vec::new();
    let started = Instant::now();
    let budget = rules.timeout;
    let share = budget / u32::try_from(packages.len()).unwrap_or(u32::MAX).max(1);
    for package in &packages {
        for (set, severity) in SETS {
            let Some(&owner) = package.files.iter().find(|&&i| {
                rules.files.get(i).is_some_and(|f| {
                    engine
                        .has_declared_rule_rooted_at(&f.path, set)
                        .unwrap_or(false)
                })
            }) else {
                continue;
            };
            let (Some(file), Some(&id)) = (rules.files.get(owner), file_ids.get(owner)) else {
                continue;
            };
            let head = rule_head_span(&file.text, set);
            // The run's budget, but never less than a fair share: one runaway package must
            // not starve the others of all their time.
            let limit = budget.saturating_sub(started.elapsed()).max(share);
            engine.set_execution_timer_config(ExecutionTimerConfig {
                limit,
                check_interval: CHECK_INTERVAL,
            });
            let value = match engine.eval_rule(format!("{}.{set}", package.name)) {
                Ok(value) => value,
                Err(error) => {
                    out.push(failure(id, head, file, set, &error, rules));
                    continue;
                }
            };
            let results = Results {
                file,
                file_id: id,
                head,
                set,
                severity,
                workspace,
                documents: &documents,
            };
            results.collect(&value, &mut owners, owner, &mut out);
        }
    }
    out
}

/// A rule that could not be evaluated: past the time or memory limit, or a run-time error.
fn failure(
    id: FileId,
    head: Span,
    file: &RegoFile,
    set: &str,
    error: &anyhow::Error,
    rules: &CustomRules,
) -> Diagnostic {
    let limit = error.chain().find_map(|e| e.downcast_ref::<LimitError>());
    if let Some(LimitError::MemoryLimitExceeded { .. }) = limit {
        mistake(
            id,
            head,
            format!(
                "custom rules in {} ran past the memory bound of {} ({set}); their findings are missing",
                file.path,
                mebibytes(rules.memory)
            ),
        )
        .help("make the rule build smaller values, or raise `[custom-rules] memory` in mamlint.toml")
    } else if limit.is_some() {
        mistake(
            id,
            head,
            format!(
                "custom rules in {} ran past the time limit of {} ms ({set}); their findings are missing",
                file.path,
                rules.timeout.as_millis()
            ),
        )
        .help("make the rule cheaper, or raise `[custom-rules] timeout` in mamlint.toml")
    } else {
        let message = error.to_string();
        let message = message
            .lines()
            .rev()
            .find_map(|l| l.trim_start().strip_prefix("error: "))
            .unwrap_or(message.trim());
        mistake(
            id,
            head,
            format!("evaluating `{set}` in {} failed: {message}", file.path),
        )
    }
}

/// A byte count as the configuration writes it: whole MiB, or bytes below one.
fn mebibytes(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

/// What one rule set's results are checked and mapped with.
struct Results<'r, 'w, 'a> {
    file: &'r RegoFile,
    file_id: FileId,
    head: Span,
    set: &'static str,
    severity: Severity,
    workspace: &'r Workspace<'w>,
    documents: &'a [Normalized],
}

impl Results<'_, '_, '_> {
    fn collect(
        &self,
        value: &regorus::Value,
        owners: &mut Vec<(String, usize, &'static str)>,
        owner: usize,
        out: &mut Vec<Diagnostic>,
    ) {
        let json = match value {
            regorus::Value::Undefined => return,
            other => serde_json::to_value(other).unwrap_or(Value::Null),
        };
        let Some(items) = json.as_array() else {
            out.push(self.malformed(format!(
                "`{}` must be a set of result objects, not {json}",
                self.set
            )));
            return;
        };
        for item in items {
            match self.finding(item, owners, owner) {
                Ok(d) => out.push(d),
                Err(message) => out.push(self.malformed(message)),
            }
        }
    }

    fn malformed(&self, message: String) -> Diagnostic {
        mistake(self.file_id, self.head, message).help(
            "a result is {\"code\": \"ORG001\", \"msg\": \"...\", \"document\": <index>, \"path\": \"/spec/...\"} (spec 10)",
        )
    }

    fn finding(
        &self,
        item: &Value,
        owners: &mut Vec<(String, usize, &'static str)>,
        owner: usize,
    ) -> Result<Diagnostic, String> {
        let set = self.set;
        let field = |key: &str| item.get(key);
        let Some(code) = field("code").and_then(Value::as_str) else {
            return Err(format!("a result of `{set}` has no string `code`: {item}"));
        };
        if !valid_code(code) {
            return Err(format!(
                "a result of `{set}` has code `{code}`, which must match ^[A-Z][A-Z0-9]*[0-9]+$ and not start with MAM"
            ));
        }
        match owners.iter().find(|(c, ..)| c == code) {
            Some((_, file, other)) if (*file, *other) != (owner, set) => {
                return Err(format!(
                    "code {code} is used by two rules: `{other}` and `{set}`; give each rule its own code"
                ));
            }
            Some(_) => {}
            None => owners.push((code.to_owned(), owner, set)),
        }
        let Some(msg) = field("msg").and_then(Value::as_str) else {
            return Err(format!("a result of `{set}` ({code}) has no string `msg`"));
        };
        let (document, normalized) = self.document(item.get("document"), code)?;
        let path = self.path(field("path"), code)?;
        let annotation = self.file.annotations.iter().find(|a| a.meta.code == code);
        let meta = annotation.map_or_else(|| self.undocumented(code), |a| a.meta);
        let location = normalized.locate(document, path);
        let mut d = Diagnostic::new(meta, location, msg);
        d.severity = annotation.and_then(|a| a.severity).unwrap_or(self.severity);
        if let Some(help) = annotation.and_then(|a| a.help.clone()) {
            d = d.help(help);
        }
        for related in field("related")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (document, normalized) = self.document(related.get("document"), code)?;
            let path = self.path(related.get("path"), code)?;
            let message = related.get("msg").and_then(Value::as_str).unwrap_or("");
            d = d.related(normalized.locate(document, path), message);
        }
        Ok(d)
    }

    fn document(
        &self,
        index: Option<&Value>,
        code: &str,
    ) -> Result<(&crate::model::Entity<'_>, &Normalized), String> {
        let found = index
            .and_then(Value::as_u64)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| Some((self.workspace.entities.get(i)?, self.documents.get(i)?)));
        found.ok_or_else(|| match index {
            None => format!("a result of `{}` ({code}) has no `document`", self.set),
            Some(i) => format!(
                "a result of `{}` ({code}) names document {i}, but input.documents has {}",
                self.set,
                self.documents.len()
            ),
        })
    }

    fn path<'v>(&self, path: Option<&'v Value>, code: &str) -> Result<&'v str, String> {
        match path {
            None => Ok(""),
            Some(Value::String(p)) if p.is_empty() || p.starts_with('/') => Ok(p),
            Some(other) => Err(format!(
                "a result of `{}` ({code}) has `path` {other}, which is not a JSON Pointer",
                self.set
            )),
        }
    }

    /// The metadata of a code that no METADATA block documents.
    fn undocumented(&self, code: &str) -> &'static RuleMeta {
        let docs = format!(
            "## What it checks\n(no METADATA)\n\n## Source\nA custom rule: `{}` in `{}` (Rego, evaluated by mamlint).\n",
            self.set, self.file.path
        );
        intern(RuleMeta {
            code: leak(code),
            name: leak(&code.to_ascii_lowercase()),
            severity: self.severity,
            summary: leak(&format!("Custom rule {code}.")),
            docs: leak(&docs),
        })
    }
}
