//! The linter: reads files, builds the workspace, runs every rule, then selects, re-levels
//! and suppresses findings as configured. This is where the stages of the data flow meet; the
//! CLI, the tests and the benchmarks call [`run`] and hand the [`Outcome`] to a reporter.

use rayon::prelude::*;

use crate::config::{ApiVersion, Config};
use crate::diagnostic::RuleMeta;
use crate::diagnostic::{Diagnostic, FileId, Severity};
use crate::model::{Role, Workspace, WorkspaceFile, classify_file};
use crate::rules::{Context, RULES, Rule, Scope};
use crate::selection::Selection;
use crate::suppress;
use crate::syntax::{self, Encoding, Format, LoadedFile, ParsedFile, SourceFile};
use crate::walk::Candidate;

pub mod incremental;
mod lean;

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
    pub role: Role,
}

impl Input {
    pub fn disk(candidate: Candidate) -> Self {
        Input {
            candidate,
            bytes: Bytes::Disk,
            role: Role::Checked,
        }
    }

    /// A context document (configuration `context`): loaded, not reported on its own.
    pub fn context(path: String) -> Self {
        Input {
            candidate: Candidate {
                path,
                explicit: false,
            },
            bytes: Bytes::Disk,
            role: Role::Context,
        }
    }

    pub fn memory(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Input {
            candidate: Candidate {
                path: path.into(),
                explicit: true,
            },
            bytes: Bytes::Memory(bytes.into()),
            role: Role::Checked,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// From the command line; when empty, the configuration's `[rules]` apply.
    pub selection: Selection,
    pub config: Option<Config>,
    /// The Rego rules of `[custom-rules]` (spec 10); empty when there are none.
    pub custom: std::sync::Arc<crate::custom::CustomRules>,
}

impl Settings {
    /// The selection in force: command-line patterns replace the configuration's.
    fn effective_selection(&self) -> Selection {
        let config = self.config.as_ref();
        Selection {
            select: if self.selection.select.is_empty() {
                config.map(|c| c.select.clone()).unwrap_or_default()
            } else {
                self.selection.select.clone()
            },
            ignore: if self.selection.ignore.is_empty() {
                config.map(|c| c.ignore.clone()).unwrap_or_default()
            } else {
                self.selection.ignore.clone()
            },
        }
    }

    pub fn api_version(&self) -> ApiVersion {
        self.config
            .as_ref()
            .and_then(|c| c.api_version)
            .unwrap_or_default()
    }
}

/// Everything a run found.
pub struct Outcome {
    /// Every file of the run, sorted by path (checked, context and configuration files);
    /// diagnostics refer to them by index.
    pub files: Vec<WorkspaceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files found by walking that hold nothing mamlint checks, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Files that could not be read (exit code 2).
    pub read_errors: Vec<String>,
    /// Informational notes for `--verbose` (e.g. a platform taken from a file name).
    pub notes: Vec<String>,
    /// Rules that panicked (exit code 2); their other work and every other rule still report.
    pub internal_errors: Vec<InternalError>,
    /// The documented custom rules of the run (spec 10), for reporters that list every rule.
    pub custom_rules: Vec<&'static RuleMeta>,
}

/// A rule that panicked: mamlint's bug, reported instead of aborting the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalError {
    pub rule: &'static RuleMeta,
    /// The file the rule was checking; `None` for a cross-document pass.
    pub path: Option<String>,
    pub message: String,
}

impl std::fmt::Display for InternalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "internal error: rule {} ({}) panicked",
            self.rule.code, self.rule.name
        )?;
        if let Some(path) = &self.path {
            write!(f, " on {path}")?;
        }
        write!(
            f,
            ": {}; the rule's other findings are missing, please report this",
            self.message
        )
    }
}

/// What the rules found over a set of files.
#[derive(Debug, Default)]
pub struct Findings {
    pub diagnostics: Vec<Diagnostic>,
    pub internal_errors: Vec<InternalError>,
    /// What the rules' workspace queries examined ([`Workspace::work`]): the linearity test
    /// compares it between workspaces of two sizes.
    pub work: u64,
}

impl Outcome {
    /// The files whose findings are reported.
    pub fn checked_files(&self) -> impl Iterator<Item = &WorkspaceFile> {
        self.files.iter().filter(|f| f.role == Role::Checked)
    }

    pub fn documents(&self) -> usize {
        self.checked_files()
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

    /// Whether the configuration itself has mistakes (exit code 2).
    pub fn has_config_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.rule.code == crate::rules::InvalidConfiguration::META.code)
    }
}

/// What reading one input gave.
pub enum Loaded {
    Checked(WorkspaceFile),
    Skipped(String, String),
    Unreadable(String),
}

/// Reads, decodes, parses and classifies one input.
pub fn load(input: Input) -> Loaded {
    let Input {
        candidate,
        bytes,
        role,
    } = input;
    let bytes = match bytes {
        Bytes::Memory(bytes) => bytes,
        Bytes::Disk => match syntax::read_bounded(std::path::Path::new(&candidate.path)) {
            Ok(bytes) => bytes,
            Err(error) => return Loaded::Unreadable(format!("{}: {error}", candidate.path)),
        },
    };
    let terraform = Format::detect(&candidate.path, "") == Format::Terraform;
    // Most Terraform in a repository manages other things; a walked `.tf` file is parsed
    // only when it names one of the providers' resource types.
    if terraform
        && !candidate.explicit
        && !bytes
            .windows(syntax::terraform::RESOURCE_PREFIX.len())
            .any(|w| w == syntax::terraform::RESOURCE_PREFIX.as_bytes())
    {
        return Loaded::Skipped(
            candidate.path,
            "Terraform without microsoft365 resources".to_owned(),
        );
    }
    let powershell = Format::detect(&candidate.path, "") == Format::PowerShell;
    // A repository holds many scripts: a walked one is parsed only if it names a resource
    // mamlint reads, and then a syntax error in it is a policy file's (spec 8.4).
    if powershell && !candidate.explicit && !syntax::powershell::mentions_resource(&bytes) {
        return Loaded::Skipped(candidate.path, POWERSHELL_SKIPPED.to_owned());
    }
    let loaded = syntax::load(&candidate.path, &bytes);
    let classes = classify_file(&loaded);
    let file = WorkspaceFile {
        looks_like_policy: loaded.parsed.error.is_some()
            && (powershell || syntax::looks_like_policy(&bytes)),
        explicit: candidate.explicit,
        role,
        loaded,
        classes,
    };
    if file.explicit
        || file.is_recognized()
        || (file.loaded.parsed.error.is_some() && file.report_load_errors())
    {
        return Loaded::Checked(file);
    }
    let reason = match (&file.loaded.parsed.error, terraform) {
        (Some(error), true) => format!(
            "not readable as Terraform and holds no app protection resource ({})",
            error.message
        ),
        (Some(error), false) => format!(
            "not readable as YAML/JSON and not a policy file ({})",
            error.message
        ),
        (None, _) if powershell => POWERSHELL_SKIPPED.to_owned(),
        (None, true) => "no app protection or app configuration resource".to_owned(),
        (None, false) => "no mamlint manifest or Graph app protection policy".to_owned(),
    };
    Loaded::Skipped(candidate.path, reason)
}

const POWERSHELL_SKIPPED: &str =
    "no IntuneAppProtectionPolicyiOS or IntuneAppProtectionPolicyAndroid resource to check";

/// The configuration files of a run, as files that findings can point into.
pub fn config_files(config: Option<&Config>) -> Vec<WorkspaceFile> {
    config
        .map(|c| c.sources.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|source| config_file(&source.path, &source.text))
        .collect()
}

/// The custom rules' Rego files, as files that their findings (MAM014) point into.
pub fn rego_files(settings: &Settings) -> Vec<WorkspaceFile> {
    settings
        .custom
        .files
        .iter()
        .map(|f| config_file(&f.path, &f.text))
        .collect()
}

fn config_file(path: &str, text: &str) -> WorkspaceFile {
    WorkspaceFile {
        loaded: LoadedFile {
            source: SourceFile::new(path.to_owned(), text.to_owned(), Encoding::Utf8),
            format: Format::Toml,
            parsed: ParsedFile::default(),
        },
        role: Role::Config,
        explicit: false,
        looks_like_policy: false,
        classes: Vec::new(),
    }
}

/// Sorts files by path, the order diagnostics are reported in, keeping one file per path: a
/// file both checked and given as context is checked.
pub fn sort_files(files: &mut Vec<WorkspaceFile>) {
    sort_by_file(files, |f| f);
}

/// [`sort_files`] over anything that carries a file.
fn sort_by_file<T>(items: &mut Vec<T>, file: impl Fn(&T) -> &WorkspaceFile) {
    items.sort_by(|a, b| {
        let (a, b) = (file(a), file(b));
        a.loaded
            .source
            .path
            .cmp(&b.loaded.source.path)
            .then(a.role.cmp(&b.role))
    });
    items.dedup_by(|later, earlier| {
        file(later).loaded.source.path == file(earlier).loaded.source.path
    });
}

/// What a run keeps of each file after its file-scope stage, for what its caller reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Keep {
    /// Every text and tree: rollout builds Graph values from what a file says.
    Text,
    /// Every tree; the text of files read from disk goes (and is read back on demand).
    Trees,
    /// Only what the workspace stage and the reporters read (`lean.rs`).
    Reported,
}

/// [`load`], then the file-scope stage, then what the workspace stage and the reporters do not
/// read is let go: run inside the parallel walk, so a large repository never holds every
/// file's text, spare capacity and file-scope working memory at once. The flag says whether
/// settings were taken out of the file's trees (`lean::prune`).
fn load_and_check_local(input: Input, settings: &Settings, keep: Keep) -> (Loaded, Findings, bool) {
    let release_text = matches!(input.bytes, Bytes::Disk) && keep != Keep::Text;
    let mut loaded = load(input);
    let Loaded::Checked(file) = &mut loaded else {
        return (loaded, Findings::default(), false);
    };
    let local = check_local(file, settings);
    // Custom rules read every document whole in the workspace stage.
    let pruned = keep == Keep::Reported && settings.custom.is_empty() && lean::prune(file);
    keep_for_workspace_stage(file, release_text, settings);
    (loaded, local, pruned)
}

/// What a file keeps after its file-scope stage. Every tree stays as it is (whole, or as
/// `lean::prune` left it for a run for reports), without spare capacity. The text goes
/// when only reporters, fingerprints and fixes read it, which read it back from disk
/// through [`SourceFile::contents`]: kept for standard input and in-memory inputs (`--fix`
/// lints from memory), for [`run_keeping_text`], for files with a `# mamlint:` comment
/// (suppressions read the text before it in the workspace stage), and when custom Rego rules
/// run.
fn keep_for_workspace_stage(file: &mut WorkspaceFile, release_text: bool, settings: &Settings) {
    file.loaded.parsed.compact();
    file.classes = crate::syntax::node::exact(&mut file.classes);
    let directive = file
        .loaded
        .parsed
        .comments
        .iter()
        .any(|c| suppress::parse_directive(&c.text).is_some());
    if release_text && !directive && settings.custom.is_empty() {
        file.loaded.source.release();
    }
}

/// Checks the inputs (resolved by `project`, which has already left out excluded files).
/// Files are read, parsed and checked in parallel; the result is the same
/// whatever the thread count. The text of files read from disk is let go after their
/// file-scope stage and read back for the findings reported.
pub fn run(inputs: Vec<Input>, settings: &Settings) -> Outcome {
    run_with_text(inputs, settings, Keep::Trees)
}

/// [`run`] for a caller that reads only the findings and the reporters' view of the files
/// (`mamlint check`): the trees in the outcome hold only what the workspace stage reads
/// (`lean.rs`; no settings of a policy that shares no audience with another), so a large
/// repository's run holds far less than its parsed trees.
pub fn run_for_reports(inputs: Vec<Input>, settings: &Settings) -> Outcome {
    run_with_text(inputs, settings, Keep::Reported)
}

/// [`run`] keeping every file's text: for rollout, which builds Graph values from what a file
/// says (an unquoted `16.10` is sent as written) and must not build them from a file changed
/// since it was checked.
pub fn run_keeping_text(inputs: Vec<Input>, settings: &Settings) -> Outcome {
    run_with_text(inputs, settings, Keep::Text)
}

fn run_with_text(inputs: Vec<Input>, settings: &Settings, keep: Keep) -> Outcome {
    // One input (a pre-commit hook, an editor's save): starting rayon's threads costs more
    // than checking it, so the run stays on this thread, as the only worker of a pool of its
    // own. rayon keeps the thread that pool's worker afterwards, so later parallel work
    // started on it also runs here; a command makes one run, the language server none.
    if inputs.len() == 1
        && let Ok(pool) = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .use_current_thread()
            .build()
    {
        return pool.install(|| run_here(inputs, settings, keep));
    }
    run_here(inputs, settings, keep)
}

fn run_here(inputs: Vec<Input>, settings: &Settings, keep: Keep) -> Outcome {
    let config = settings.config.as_ref();
    let loaded: Vec<(Loaded, Findings, bool)> = inputs
        .into_par_iter()
        .map(|input| load_and_check_local(input, settings, keep))
        .collect();
    let config_checked: Vec<(WorkspaceFile, Findings, bool)> = config_files(config)
        .into_iter()
        .chain(rego_files(settings))
        .map(|file| {
            let local = check_local(&file, settings);
            (file, local, false)
        })
        .collect();
    let mut skipped = Vec::new();
    let mut read_errors = Vec::new();
    // The loaded files are a run's largest vector: each step below reuses its memory (in-place
    // collection) instead of holding a copy beside it at the run's busiest moment.
    let mut checked: Vec<(WorkspaceFile, Findings, bool)> = loaded
        .into_iter()
        .filter_map(|(item, local, pruned)| match item {
            Loaded::Checked(file) => Some((file, local, pruned)),
            Loaded::Skipped(path, reason) => {
                skipped.push((path, reason));
                None
            }
            Loaded::Unreadable(message) => {
                read_errors.push(message);
                None
            }
        })
        .collect();
    checked.splice(0..0, config_checked);
    sort_by_file(&mut checked, |(file, _, _)| file);
    let mut local = Vec::with_capacity(checked.len());
    let mut pruned = Vec::with_capacity(checked.len());
    let mut files: Vec<WorkspaceFile> = checked
        .into_iter()
        .map(|(file, found, lean)| {
            local.push(found);
            pruned.push(lean);
            file
        })
        .collect();
    // The collection above kept the room of the larger tuples it took the files from.
    files.shrink_to_fit();
    let mut notes = Vec::new();
    let workspace = Workspace::new(&files);
    let wanted = if pruned.contains(&true) {
        lean::to_restore(&workspace, &pruned)
    } else {
        std::collections::BTreeSet::new()
    };
    let Findings {
        diagnostics,
        internal_errors,
        ..
    } = if wanted.is_empty() {
        workspace_stage(RULES, &workspace, &local, settings)
    } else {
        drop(workspace);
        notes = lean::restore(&mut files, &wanted);
        check_cached(&files, &local, settings)
    };
    notes.extend(files.iter().flat_map(|f| {
        f.classes
            .iter()
            .filter_map(move |c| match c {
                crate::model::Classified::Graph(crate::model::GraphObject::Protection(
                    platform,
                    source,
                )) if *source != crate::model::PlatformSource::ODataType => Some(format!(
                    "{}: read as an {} policy from {}",
                    f.loaded.source.path,
                    platform.graph_type(),
                    source.describe()
                )),
                _ => None,
            })
            .chain(
                f.loaded
                    .parsed
                    .documents
                    .iter()
                    .zip(&f.classes)
                    .filter_map(move |(d, c)| {
                        let exported = matches!(
                            c,
                            crate::model::Classified::Graph(crate::model::GraphObject::Protection(
                                ..
                            ))
                        ) && d.resource.is_none();
                        (exported && d.root.get("apps").is_none()).then(|| {
                    format!(
                        "{}: the export stores no apps; rules that need them do not run on it",
                        f.loaded.source.path
                    )
                })
                    }),
            )
    }));
    Outcome {
        files,
        diagnostics,
        skipped,
        read_errors,
        notes,
        internal_errors,
        custom_rules: settings.custom.metas(),
    }
}

/// Runs every rule over loaded files (sorted by path) and applies the settings: the
/// file-scope stage of each file ([`check_local`]), then the workspace stage
/// ([`check_cached`]). The language server keeps both stages between edits in an
/// [`incremental::Session`], which gives per file what this gives.
pub fn check(files: &[WorkspaceFile], settings: &Settings) -> Findings {
    check_with(RULES, files, settings)
}

/// The raw findings of the [`Scope::File`] rules on one file, before the settings apply. They
/// depend only on the file and the settings, so they can be kept while other files change.
/// The rules see a workspace of this file alone, so every location points into file 0;
/// [`check_cached`] moves them to the file's place in the run.
pub fn check_local(file: &WorkspaceFile, settings: &Settings) -> Findings {
    check_local_with(RULES, file, settings)
}

/// The workspace stage: the [`Scope::Workspace`] rules over every file and entity, every
/// rule's `check_workspace`, then the settings over those findings and the kept file-scope
/// ones. `local[i]` is [`check_local`] of `files[i]` with the same settings.
pub fn check_cached(files: &[WorkspaceFile], local: &[Findings], settings: &Settings) -> Findings {
    check_cached_with(RULES, files, local, settings)
}

/// Runs one rule pass (a file, an entity, the workspace), catching a panic: a bug in one rule
/// must not cost the findings of the others, nor kill the language server.
fn guarded(
    rule: &dyn Rule,
    path: Option<&str>,
    pass: impl FnOnce(&mut Vec<Diagnostic>),
) -> Result<Vec<Diagnostic>, InternalError> {
    let mut out = Vec::new();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| pass(&mut out))) {
        Ok(()) => Ok(out),
        Err(payload) => Err(InternalError {
            rule: rule.meta(),
            path: path.map(str::to_owned),
            message: payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned()),
        }),
    }
}

/// [`check`] with a given rule set (tests use a rule that panics).
fn check_with(rules: &[&dyn Rule], files: &[WorkspaceFile], settings: &Settings) -> Findings {
    let local: Vec<Findings> = files
        .par_iter()
        .map(|file| check_local_with(rules, file, settings))
        .collect();
    check_cached_with(rules, files, &local, settings)
}

fn check_local_with(rules: &[&dyn Rule], file: &WorkspaceFile, settings: &Settings) -> Findings {
    let files = std::slice::from_ref(file);
    let workspace = Workspace::of_file(files);
    let cx = Context {
        workspace: &workspace,
        api_version: settings.api_version(),
        config: settings.config.as_ref(),
        // File-scope rules do not report on the configuration.
        config_files: &[],
    };
    let local: Vec<&dyn Rule> = rules
        .iter()
        .copied()
        .filter(|r| r.scope() == Scope::File)
        .collect();
    collect(run_passes(&local, &cx, false))
}

fn check_cached_with(
    rules: &[&dyn Rule],
    files: &[WorkspaceFile],
    local: &[Findings],
    settings: &Settings,
) -> Findings {
    workspace_stage(rules, &Workspace::new(files), local, settings)
}

/// [`check_cached_with`] in a workspace already built of the files.
fn workspace_stage(
    rules: &[&dyn Rule],
    workspace: &Workspace<'_>,
    local: &[Findings],
    settings: &Settings,
) -> Findings {
    let files = workspace.files;
    let config = settings.config.as_ref();
    let config_files = config_file_ids(files, settings);
    let cx = Context {
        workspace,
        api_version: settings.api_version(),
        config,
        config_files: &config_files,
    };
    let mut diagnostics = Vec::new();
    let mut internal_errors = Vec::new();
    for (file, found) in local.iter().enumerate() {
        diagnostics.extend(found.diagnostics.iter().map(|d| moved(d.clone(), file)));
        internal_errors.extend(found.internal_errors.iter().cloned());
    }
    let global: Vec<&dyn Rule> = rules
        .iter()
        .copied()
        .filter(|r| r.scope() == Scope::Workspace)
        .collect();
    let passes = run_passes(&global, &cx, false)
        .into_iter()
        .chain(run_passes(rules, &cx, true));
    let found = collect(passes);
    diagnostics.extend(found.diagnostics);
    internal_errors.extend(found.internal_errors);
    if !settings.custom.is_empty() {
        let rego_files: Vec<FileId> = settings
            .custom
            .files
            .iter()
            .map(|r| {
                files
                    .iter()
                    .position(|f| f.role == Role::Config && f.loaded.source.path == r.path)
                    // A caller that left the Rego files out of the run: their MAM014s point
                    // nowhere, and `apply_settings` drops findings in no file of the run.
                    .unwrap_or(usize::MAX)
            })
            .collect();
        diagnostics.extend(crate::custom::eval::evaluate(
            &settings.custom,
            workspace,
            &rego_files,
        ));
    }
    let diagnostics = apply_settings(diagnostics, &cx, settings, None);
    Findings {
        diagnostics,
        internal_errors,
        work: workspace.work(),
    }
}

/// The file of each configuration source, by index in `config.sources` (for [`Context`]).
fn config_file_ids(files: &[WorkspaceFile], settings: &Settings) -> Vec<FileId> {
    settings
        .config
        .as_ref()
        .map(|c| c.sources.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| {
            files
                .iter()
                .position(|f| f.role == Role::Config && f.loaded.source.path == s.path)
        })
        .collect()
}

/// A file-scope finding, computed in a workspace of its file alone, moved to the file's index
/// in the run. Such a finding points only into its own file, so every location moves.
fn moved(mut d: Diagnostic, file: FileId) -> Diagnostic {
    d.location.file = file;
    for related in &mut d.related {
        related.location.file = file;
    }
    for edit in d.fix.iter_mut().flat_map(|fix| fix.edits.iter_mut()) {
        edit.file = file;
    }
    d
}

fn collect(results: impl IntoIterator<Item = Result<Vec<Diagnostic>, InternalError>>) -> Findings {
    let mut findings = Findings::default();
    for result in results {
        match result {
            Ok(found) => findings.diagnostics.extend(found),
            Err(error) => findings.internal_errors.push(error),
        }
    }
    findings
}

/// The rules over every file and entity of the context's workspace, in parallel, each pass
/// guarded; or, with `workspace_passes`, each rule's cross-document pass.
fn run_passes(
    rules: &[&dyn Rule],
    cx: &Context<'_, '_>,
    workspace_passes: bool,
) -> Vec<Result<Vec<Diagnostic>, InternalError>> {
    let workspace = cx.workspace;
    if workspace_passes {
        return rules
            .par_iter()
            .map(|rule| guarded(*rule, None, |out| rule.check_workspace(cx, out)))
            .collect();
    }
    let files = workspace.files;
    let path_of = |file: FileId| files.get(file).map(|f| f.loaded.source.path.as_str());
    (0..files.len())
        .into_par_iter()
        .flat_map_iter(|file| {
            rules.iter().map(move |rule| {
                guarded(*rule, path_of(file), |out| rule.check_file(cx, file, out))
            })
        })
        .chain(workspace.entities.par_iter().flat_map_iter(|entity| {
            rules.iter().map(move |rule| {
                guarded(*rule, Some(entity.path), |out| {
                    rule.check_entity(cx, entity, out);
                })
            })
        }))
        // Most passes find nothing: keeping only the others saves the language server a
        // vector of one result per file, entity and rule on every edit.
        .filter(|result| result.as_ref().map_or(true, |found| !found.is_empty()))
        .collect()
}

/// What the user asked for, over raw findings: context files, selection, per-path ignores,
/// severities, suppressions; then the reporting order. With `only`, the findings are all in
/// that file and only its own suppressions are applied (see `suppress::apply`): every setting
/// but the configured suppressions is decided finding by finding, so settling each file on
/// its own gives what settling them together does.
fn apply_settings(
    mut diagnostics: Vec<Diagnostic>,
    cx: &Context<'_, '_>,
    settings: &Settings,
    only: Option<FileId>,
) -> Vec<Diagnostic> {
    let files = cx.workspace.files;
    let config = settings.config.as_ref();
    // Context documents are there for cross-document rules: report a finding only when it
    // touches a checked file (or is about the configuration).
    let reported = |file: FileId| files.get(file).is_some_and(|f| f.role != Role::Context);
    diagnostics.retain(|d| {
        reported(d.location.file)
            || d.related.iter().any(|r| {
                files
                    .get(r.location.file)
                    .is_some_and(|f| f.role == Role::Checked)
            })
    });

    // Selection is the user's explicit choice and applies to every rule, except that a broken
    // configuration is always reported.
    let always = |d: &Diagnostic| d.rule.code == crate::rules::InvalidConfiguration::META.code;
    let selection = settings.effective_selection();
    diagnostics.retain(|d| always(d) || selection.enabled(d.rule));
    if let Some(config) = config {
        diagnostics.retain(|d| {
            let path = &files[d.location.file].loaded.source.path;
            always(d)
                || !config
                    .ignored_for(path)
                    .iter()
                    .any(|p| Selection::matches(p, d.rule))
        });
        for d in &mut diagnostics {
            if let Some((_, level)) = config
                .severity
                .iter()
                .rev()
                .find(|(p, _)| Selection::matches(p, d.rule))
            {
                d.severity = *level;
            }
        }
    }
    let known = if settings.custom.is_empty() {
        crate::rules::metas().to_vec()
    } else {
        settings.custom.known_metas()
    };
    let mut diagnostics = suppress::apply(files, cx, &selection, &known, diagnostics, only);
    // `--fix` edits YAML and JSON only (spec 8.4): a fix into another format (a rule's, or
    // a suppression's removal) is not offered.
    let fixable = |file: FileId| {
        files
            .get(file)
            .is_some_and(|f| f.loaded.format.is_fixable())
    };
    for d in &mut diagnostics {
        if d.fix
            .as_ref()
            .is_some_and(|fix| !fix.edits.iter().all(|e| fixable(e.file)))
        {
            d.fix = None;
        }
    }
    // The findings about suppressions are selected like any other.
    diagnostics.retain(|d| always(d) || selection.enabled(d.rule));
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key());
    diagnostics
}

#[cfg(test)]
// `declare_rule!` gives its rule a `pub const META`, which this private test rule cannot export.
#[allow(unreachable_pub)]
mod tests {
    use super::*;
    use crate::rules::declare_rule;

    /// The single-input path leaves this thread the worker of a one-thread pool: a run of
    /// several files started on it afterwards must still finish, with every file checked.
    #[test]
    fn a_run_of_several_files_after_a_single_file_run_on_the_same_thread() {
        let manifest = |name: &str| {
            format!(
                "apiVersion: mamlint/v1\nkind: Organization\nmetadata:\n  name: {name}\nspec: {{}}\n"
            )
        };
        let settings = Settings::default();
        let one = run(vec![Input::memory("a.yaml", manifest("a"))], &settings);
        assert_eq!(one.documents(), 1);
        let inputs = (0..8)
            .map(|i| Input::memory(format!("{i}.yaml"), manifest(&format!("org-{i}"))))
            .collect();
        let several = run(inputs, &settings);
        assert_eq!(several.documents(), 8);
        let reported: std::collections::BTreeSet<&str> = several
            .diagnostics
            .iter()
            .filter(|d| d.rule.code == "MAM007")
            .filter_map(|d| several.files.get(d.location.file))
            .map(|f| f.loaded.source.path.as_str())
            .collect();
        assert_eq!(
            reported.len(),
            8,
            "each file checked (each lacks its required spec fields): {reported:?}"
        );
    }

    declare_rule! {
        /// A rule that panics on every entity, to show that a bug in one rule costs only its
        /// own findings.
        struct Panicking {
            code: "MAM999",
            name: "panicking",
            severity: Error,
            summary: "Panics.",
        }
    }

    impl Rule for Panicking {
        fn meta(&self) -> &'static RuleMeta {
            &Self::META
        }

        fn check_entity(
            &self,
            _cx: &Context<'_, '_>,
            entity: &crate::model::Entity<'_>,
            _out: &mut Vec<Diagnostic>,
        ) {
            panic!("deliberately, on {}", entity.path);
        }
    }

    /// A rule that claims `Scope::File` must find in a file alone what it finds there within
    /// the whole workspace. The examples and the rule fixtures hold cross-document findings
    /// of every kind, so a rule that looks up other documents and claims `File` fails here.
    #[test]
    fn file_scope_rules_find_the_same_alone_as_in_the_workspace() {
        let root = env!("CARGO_MANIFEST_DIR");
        let (candidates, errors) = crate::walk::discover(&[
            format!("{root}/examples"),
            format!("{root}/tests/fixtures/rules"),
            format!("{root}/tests/fixtures/terraform"),
            format!("{root}/tests/fixtures/dsc"),
        ]);
        assert_eq!(errors, Vec::<String>::new());
        let mut files: Vec<WorkspaceFile> = candidates
            .into_iter()
            .filter_map(|c| match load(Input::disk(c)) {
                Loaded::Checked(file) => Some(file),
                Loaded::Skipped(..) | Loaded::Unreadable(_) => None,
            })
            .collect();
        sort_files(&mut files);
        assert!(files.len() > 100, "{} files", files.len());
        let settings = Settings::default();
        let local: Vec<&dyn Rule> = RULES
            .iter()
            .copied()
            .filter(|r| r.scope() == Scope::File)
            .collect();
        let workspace = Workspace::new(&files);
        let cx = Context {
            workspace: &workspace,
            api_version: settings.api_version(),
            config: None,
            config_files: &[],
        };
        let mut together = collect(run_passes(&local, &cx, false)).diagnostics;
        let mut alone: Vec<Diagnostic> = files
            .iter()
            .enumerate()
            .flat_map(|(i, file)| {
                let found = check_local(file, &settings);
                assert!(found.internal_errors.is_empty());
                found.diagnostics.into_iter().map(move |d| moved(d, i))
            })
            .collect();
        assert!(together.len() > 100, "{} findings", together.len());
        for found in [&mut together, &mut alone] {
            found.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        }
        let debug = |found: &[Diagnostic]| -> Vec<String> {
            found.iter().map(|d| format!("{d:?}")).collect()
        };
        assert_eq!(debug(&alone), debug(&together));
    }

    #[test]
    fn a_panicking_rule_is_an_internal_error_and_the_other_rules_still_report() {
        let text = "apiVersion: mamlint/v1\nkind: AppProtectionPolicy\nmetadata: {name: p}\nspec:\n  platform: ios\n  displayName: P\n  apps: [com.atlassian.jira.app]\n  settings: {pinRequired: yes}\n";
        let Loaded::Checked(file) = load(Input::memory("policy.yaml", text)) else {
            panic!("the policy loads");
        };
        let files = [file];
        let rules: Vec<&dyn Rule> = vec![&Panicking, &crate::rules::Yaml11Boolean];
        let findings = check_with(&rules, &files, &Settings::default());
        assert_eq!(
            findings.internal_errors,
            [InternalError {
                rule: &Panicking::META,
                path: Some("policy.yaml".to_owned()),
                message: "deliberately, on policy.yaml".to_owned(),
            }]
        );
        let codes: Vec<&str> = findings.diagnostics.iter().map(|d| d.code()).collect();
        assert_eq!(codes, ["MAM003"], "the other rule reports");
        assert!(
            findings.internal_errors[0]
                .to_string()
                .starts_with("internal error: rule MAM999 (panicking) panicked on policy.yaml"),
        );
    }
}
