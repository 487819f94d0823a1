//! The workspace stage kept between edits: what the language server (`lsp`) runs after each
//! change, giving per file exactly what [`super::check`] gives over the same files.
//!
//! A [`Session`] keeps, per file, the file-scope findings ([`super::check_local`]), the raw
//! findings of the workspace-scope rules' per-file and per-entity passes with the workspace
//! [`Key`]s those passes looked up (recorded by `model::workspace::recording`), the keys the
//! file's documents answer to, and the file's findings after the settings. On a change of
//! file X it re-runs the passes of X and of every file that looked up a key X answered before
//! or after the change (a count of a kind only when X changed that count, a roster or a
//! listing only when X's changed), re-runs each
//! `check_workspace` (a pass over the whole workspace) that looked up such a key, and settles
//! again only the files whose raw findings
//! changed, whose text changed, or whose findings relate to a changed file. Selection,
//! severities, per-path ignores and inline suppressions are decided per file; configured
//! `[[suppress]]` entries span files, so with any of them the settings apply to all findings
//! together, as they do with custom Rego rules, which fall back to the whole stage
//! ([`super::check_cached`]). The workspace's indexes (by kind, name, display name, and whom
//! policies reach) are kept from one check to the next while no file's [`FileIndex`] changes,
//! as when an edit changes settings only. A file added or removed renumbers files: the next check runs
//! the whole workspace stage again, keeping the file-scope findings.

use std::collections::{BTreeSet, HashMap, HashSet};

use rayon::prelude::*;

use super::{
    Findings, InternalError, Settings, apply_settings, check_local, collect, config_file_ids,
    guarded, moved,
};
use crate::diagnostic::{Diagnostic, FileId};
use crate::model::workspace::{FileIndex, Indexes, Key, Provided, Roster, recording};
use crate::model::{Kind, Workspace, WorkspaceFile};
use crate::rules::{Context, RULES, Rule, Scope};

/// What the workspace-scope passes over one file (its `check_file`, its entities'
/// `check_entity`) found, and what they looked up.
#[derive(Default)]
struct Passes {
    file: Vec<Diagnostic>,
    entity: Vec<Diagnostic>,
    errors: Vec<InternalError>,
    queried: Vec<Key>,
}

impl Passes {
    /// The files these findings are in.
    fn targets(&self) -> BTreeSet<FileId> {
        self.file
            .iter()
            .chain(&self.entity)
            .map(|d| d.location.file)
            .collect()
    }
}

/// A rule's `check_workspace` pass: what it found (or its panic), and the keys it looked up.
struct GlobalPass {
    found: Result<Vec<Diagnostic>, InternalError>,
    queried: Vec<Key>,
}

/// The cached workspace stage, valid while no file is added or removed.
struct Stage {
    passes: Vec<Passes>,
    /// The keys each file answers to and its number of documents of each kind, as of the last
    /// check.
    provided: Vec<Provided>,
    /// The files whose passes looked up each key.
    dependents: HashMap<Key, HashSet<FileId>>,
    /// How many files answer each presence ([`Key::is_presence`]): what a presence answers
    /// changes only when a first file gains it or the last one loses it.
    present: HashMap<Key, usize>,
    /// Each rule's `check_workspace` pass (in [`RULES`] order): what it found and looked up.
    global_passes: Vec<GlobalPass>,
    /// The `check_workspace` findings in each file.
    global: Vec<Vec<Diagnostic>>,
    /// The files whose passes report into each file.
    sources: Vec<BTreeSet<FileId>>,
    /// The other files each file's settled findings relate to: their positions move when
    /// those files change.
    relates: Vec<Vec<FileId>>,
}

/// Which files a check settled again.
#[derive(Debug, PartialEq, Eq)]
pub enum Settled {
    /// Every file (the first check, after a file was added or removed, with custom rules or
    /// configured suppressions).
    All,
    /// These files, ascending.
    Files(Vec<FileId>),
}

/// What [`Session::check`] did.
pub struct Checked {
    pub settled: Settled,
    /// The files whose workspace-scope passes ran in this check, in order; `None` when the
    /// whole stage ran (custom rules).
    pub passes_ran: Option<Vec<FileId>>,
    /// Rules that panicked in the passes run by this check.
    pub internal_errors: Vec<InternalError>,
}

/// The workspace stage over a set of files (sorted by path, as [`super::check`] takes them),
/// kept between changes. The caller owns the files and tells the session what it changed.
pub struct Session {
    /// [`check_local`] of each file, with its locations in file 0.
    local: Vec<Findings>,
    /// What each file's documents hold for building the workspace, so that a check walks
    /// only the changed files' trees to build it.
    index: Vec<FileIndex>,
    /// The workspace's indexes, as built from `index` by the last check; dropped when a file's
    /// index changes, so that an edit of settings alone does not rebuild them.
    indexes: Option<Indexes>,
    stage: Option<Stage>,
    /// Files replaced since the last check.
    changed: BTreeSet<FileId>,
    /// Files whose [`FileIndex`] changed only in what the kept indexes' reaching index reads
    /// ([`FileIndex::differs_only_in_reach`]), for the next check to patch.
    reindex: BTreeSet<FileId>,
    /// The settled findings of each file, in reporting order.
    reported: Vec<Vec<Diagnostic>>,
}

impl Session {
    /// A session over `files`: their file-scope findings, in parallel. The first
    /// [`Session::check`] runs the whole workspace stage.
    pub fn new(files: &[WorkspaceFile], settings: &Settings) -> Self {
        Session {
            local: files
                .par_iter()
                .map(|file| check_local(file, settings))
                .collect(),
            index: files.par_iter().map(FileIndex::of).collect(),
            indexes: None,
            stage: None,
            changed: BTreeSet::new(),
            reindex: BTreeSet::new(),
            reported: Vec::new(),
        }
    }

    /// `files[file]` has new contents.
    pub fn replaced(&mut self, files: &[WorkspaceFile], settings: &Settings, file: FileId) {
        if let (Some(slot), Some(index), Some(new)) = (
            self.local.get_mut(file),
            self.index.get_mut(file),
            files.get(file),
        ) {
            *slot = check_local(new, settings);
            let new_index = FileIndex::of(new);
            if *index != new_index {
                // Moving a policy to another tenant or audience changes the reaching index
                // alone: patched in the next check instead of every index built again.
                if self.indexes.is_some() && index.differs_only_in_reach(&new_index) {
                    self.reindex.insert(file);
                } else {
                    self.indexes = None;
                }
                *index = new_index;
            }
            self.changed.insert(file);
        }
    }

    /// A file was inserted at `files[file]`.
    pub fn inserted(&mut self, files: &[WorkspaceFile], settings: &Settings, file: FileId) {
        if let Some(new) = files.get(file) {
            self.local
                .insert(file.min(self.local.len()), check_local(new, settings));
            self.index
                .insert(file.min(self.index.len()), FileIndex::of(new));
        }
        self.indexes = None;
        self.reindex.clear();
        self.stage = None;
    }

    /// The file at `file` was removed.
    pub fn removed(&mut self, file: FileId) {
        if file < self.local.len() {
            self.local.remove(file);
        }
        if file < self.index.len() {
            self.index.remove(file);
        }
        self.indexes = None;
        self.reindex.clear();
        self.stage = None;
    }

    /// The settled findings of a file after the last check, in reporting order.
    pub fn reported(&self, file: FileId) -> &[Diagnostic] {
        self.reported.get(file).map_or(&[], Vec::as_slice)
    }

    /// Brings the findings up to date with `files` (the same files as before, but for those
    /// reported [`Session::replaced`], [`Session::inserted`] or [`Session::removed`]).
    pub fn check(&mut self, files: &[WorkspaceFile], settings: &Settings) -> Checked {
        let changed = std::mem::take(&mut self.changed);
        if self.local.len() != files.len() {
            // A caller that lost count: start again rather than report wrong findings.
            *self = Session::new(files, settings);
        }
        if !settings.custom.is_empty() {
            return self.whole(files, settings);
        }
        let reindex = std::mem::take(&mut self.reindex);
        let mut workspace = Workspace::indexed(files, &self.index, self.indexes.as_ref());
        // Indexes built afresh (another file of this check changed more) are already right.
        if self.indexes.is_some() {
            workspace.reindex_reaching(&reindex);
        }
        let config_files = config_file_ids(files, settings);
        let cx = Context {
            workspace: &workspace,
            api_version: settings.api_version(),
            config: settings.config.as_ref(),
            config_files: &config_files,
        };
        let n = files.len();
        let full = self.stage.is_none();
        let stage = self.stage.get_or_insert_with(|| Stage {
            passes: (0..n).map(|_| Passes::default()).collect(),
            provided: vec![Provided::default(); n],
            dependents: HashMap::new(),
            present: HashMap::new(),
            global_passes: Vec::new(),
            global: vec![Vec::new(); n],
            sources: vec![BTreeSet::new(); n],
            relates: vec![Vec::new(); n],
        });
        let dirty: BTreeSet<FileId> = if full { (0..n).collect() } else { changed };
        let (rerun, changed_keys) = stage.affected(&workspace, &dirty, full);
        // The presences as counted from every file: MAM403 and MAM404 ask them of every
        // policy they re-check, and building them from the trees is a walk of every policy.
        workspace.know_presences(stage.present.keys().cloned().collect());

        let rules: Vec<&dyn Rule> = RULES
            .iter()
            .copied()
            .filter(|r| r.scope() == Scope::Workspace)
            .collect();
        let rerun: Vec<FileId> = rerun.into_iter().collect();
        let passes_ran = Some(rerun.clone());
        let results: Vec<(FileId, Passes)> = rerun
            .par_iter()
            .map(|&file| (file, file_passes(&rules, &cx, file)))
            .collect();
        let mut internal_errors: Vec<InternalError> = dirty
            .iter()
            .filter_map(|&f| self.local.get(f))
            .flat_map(|found| found.internal_errors.iter().cloned())
            .collect();
        let mut touched: BTreeSet<FileId> = dirty.clone();
        for (file, passes) in results {
            internal_errors.extend(passes.errors.iter().cloned());
            stage.replace_passes(file, passes, &mut touched);
        }

        // A `check_workspace` pass runs again only when it looked up a key an edited file
        // answered before or after: the edit cannot have changed what it read otherwise
        // (a session's settings are fixed; a new configuration makes a new session).
        let stale: Vec<usize> = (0..RULES.len())
            .filter(|&i| {
                full || stage
                    .global_passes
                    .get(i)
                    .is_none_or(|pass| pass.queried.iter().any(|key| changed_keys.contains(key)))
            })
            .collect();
        let rerun_global: Vec<(usize, GlobalPass)> = stale
            .par_iter()
            .map(|&i| {
                let rule = RULES[i];
                let (found, queried) =
                    recording(|| guarded(rule, None, |out| rule.check_workspace(&cx, out)));
                (i, GlobalPass { found, queried })
            })
            .collect();
        if stage.global_passes.len() != RULES.len() {
            stage.global_passes = (0..RULES.len())
                .map(|_| GlobalPass {
                    found: Ok(Vec::new()),
                    queried: Vec::new(),
                })
                .collect();
        }
        for (i, pass) in rerun_global {
            if let Err(error) = &pass.found {
                internal_errors.push(error.clone());
            }
            stage.global_passes[i] = pass;
        }
        let mut global: Vec<Vec<Diagnostic>> = vec![Vec::new(); n];
        for d in stage
            .global_passes
            .iter()
            .filter_map(|pass| pass.found.as_ref().ok())
            .flatten()
        {
            // `apply_settings` drops a finding in no file of the run.
            if let Some(into) = global.get_mut(d.location.file) {
                into.push(d.clone());
            }
        }
        for (file, (old, new)) in stage.global.iter().zip(&global).enumerate() {
            if old != new {
                touched.insert(file);
            }
        }
        stage.global = global;
        for (file, relates) in stage.relates.iter().enumerate() {
            if relates.iter().any(|r| dirty.contains(r)) {
                touched.insert(file);
            }
        }

        let configured = settings
            .config
            .as_ref()
            .is_some_and(|c| !c.suppressions.is_empty());
        let raw = |file: FileId| -> Vec<Diagnostic> {
            let mut raw: Vec<Diagnostic> = self.local[file]
                .diagnostics
                .iter()
                .map(|d| moved(d.clone(), file))
                .collect();
            // The order of a whole run (file passes, then entity passes, then the workspace
            // passes), so that of two findings with one sort key the same one is kept.
            let sources = &stage.sources[file];
            for entity_passes in [false, true] {
                for &source in sources {
                    let passes = &stage.passes[source];
                    let found = if entity_passes {
                        &passes.entity
                    } else {
                        &passes.file
                    };
                    raw.extend(found.iter().filter(|d| d.location.file == file).cloned());
                }
            }
            raw.extend(stage.global[file].iter().cloned());
            raw
        };
        let settled = if configured {
            let all: Vec<Diagnostic> = (0..n).flat_map(raw).collect();
            let mut reported = vec![Vec::new(); n];
            for d in apply_settings(all, &cx, settings, None) {
                reported[d.location.file].push(d);
            }
            self.reported = reported;
            Settled::All
        } else {
            let files: Vec<FileId> = if full {
                (0..n).collect()
            } else {
                touched.into_iter().collect()
            };
            let settled: Vec<(FileId, Vec<Diagnostic>)> = files
                .par_iter()
                .map(|&file| (file, apply_settings(raw(file), &cx, settings, Some(file))))
                .collect();
            self.reported.resize_with(n, Vec::new);
            for (file, reported) in settled {
                self.reported[file] = reported;
            }
            if full {
                Settled::All
            } else {
                Settled::Files(files)
            }
        };
        let relates_of = |reported: &[Diagnostic], file: FileId| -> Vec<FileId> {
            let mut relates: Vec<FileId> = reported
                .iter()
                .flat_map(|d| d.related.iter().map(|r| r.location.file))
                .filter(|&r| r != file)
                .collect();
            relates.sort_unstable();
            relates.dedup();
            relates
        };
        match &settled {
            Settled::All => {
                for (file, reported) in self.reported.iter().enumerate() {
                    stage.relates[file] = relates_of(reported, file);
                }
            }
            Settled::Files(files) => {
                for &file in files {
                    stage.relates[file] = relates_of(&self.reported[file], file);
                }
            }
        }
        if let Some(indexes) = workspace.into_indexes() {
            self.indexes = Some(indexes);
        }
        Checked {
            settled,
            passes_ran,
            internal_errors,
        }
    }

    /// The whole workspace stage, for custom rules: their Rego reads any document, so no
    /// finding of theirs can be kept.
    fn whole(&mut self, files: &[WorkspaceFile], settings: &Settings) -> Checked {
        let found = super::check_cached(files, &self.local, settings);
        let mut reported = vec![Vec::new(); files.len()];
        for d in found.diagnostics {
            if let Some(into) = reported.get_mut(d.location.file) {
                into.push(d);
            }
        }
        self.reported = reported;
        self.stage = None;
        Checked {
            settled: Settled::All,
            passes_ran: None,
            internal_errors: found.internal_errors,
        }
    }
}

impl Stage {
    /// The files whose passes must run again after the files of `dirty` changed: those files,
    /// and every file that looked up a key one of them answered before or after; and those
    /// keys, for the `check_workspace` passes.
    fn affected(
        &mut self,
        workspace: &Workspace<'_>,
        dirty: &BTreeSet<FileId>,
        full: bool,
    ) -> (BTreeSet<FileId>, HashSet<Key>) {
        let provided: Vec<(FileId, Provided)> = dirty
            .par_iter()
            .map(|&file| (file, workspace.provided(file)))
            .collect();
        let mut rerun = dirty.clone();
        let mut changed = HashSet::new();
        // How many more (or fewer) files answer each presence after the edit.
        let mut gained: HashMap<Key, isize> = HashMap::new();
        for (file, now) in provided {
            if !full {
                let Provided {
                    keys,
                    roster,
                    listings,
                } = &self.provided[file];
                for key in keys.iter().chain(&now.keys) {
                    if key.is_presence() {
                        let before = keys.binary_search(key).is_ok();
                        let after = now.keys.binary_search(key).is_ok();
                        // Only in one of the two lists, so seen once.
                        if before != after {
                            *gained.entry(key.clone()).or_default() +=
                                isize::from(after) - isize::from(before);
                        }
                        continue;
                    }
                    rerun.extend(self.dependents.get(key).into_iter().flatten());
                    changed.insert(key.clone());
                }
                // The names of a kind's documents, in order: their number is its `Count`,
                // the list its `Roster`.
                fn names(roster: &Roster, kind: Kind) -> Vec<Option<&str>> {
                    roster
                        .iter()
                        .filter(|(k, _)| *k == kind)
                        .map(|(_, name)| name.as_deref())
                        .collect()
                }
                let kinds: BTreeSet<Kind> =
                    roster.iter().chain(&now.roster).map(|(k, _)| *k).collect();
                for kind in kinds {
                    let (before, after) = (names(roster, kind), names(&now.roster, kind));
                    let count = (before.len() != after.len()).then_some(Key::Count(kind));
                    let listed = (before != after).then_some(Key::Roster(kind));
                    for key in count.into_iter().chain(listed) {
                        rerun.extend(self.dependents.get(&key).into_iter().flatten());
                        changed.insert(key);
                    }
                }
                // Which of the file's Intune policies list each app: whether another policy
                // is the first to list it changes only if these do.
                let apps: BTreeSet<&str> = listings
                    .iter()
                    .chain(&now.listings)
                    .map(|(_, app)| *app)
                    .collect();
                for app in apps {
                    let positions = |listings: &[(usize, &str)]| -> Vec<usize> {
                        listings
                            .iter()
                            .filter(|(_, a)| *a == app)
                            .map(|(p, _)| *p)
                            .collect()
                    };
                    if positions(listings) != positions(&now.listings) {
                        let key = Key::Listing(app.to_owned());
                        rerun.extend(self.dependents.get(&key).into_iter().flatten());
                        changed.insert(key);
                    }
                }
            }
            self.provided[file] = now;
        }
        if full {
            self.present.clear();
            let presences = self.provided.iter().flat_map(|provided| &provided.keys);
            for key in presences.filter(|k| k.is_presence()) {
                *self.present.entry(key.clone()).or_default() += 1;
            }
        }
        for (key, delta) in gained {
            let before = self.present.get(&key).copied().unwrap_or(0);
            let after = before.saturating_add_signed(delta);
            if (before > 0) != (after > 0) {
                rerun.extend(self.dependents.get(&key).into_iter().flatten());
                changed.insert(key.clone());
            }
            if after == 0 {
                self.present.remove(&key);
            } else {
                self.present.insert(key, after);
            }
        }
        (rerun, changed)
    }

    /// Keeps a file's new passes, noting in `touched` every file their findings (old or new)
    /// are in when they changed: a pass re-run because of a key it looked up mostly finds
    /// what it found before.
    fn replace_passes(&mut self, file: FileId, passes: Passes, touched: &mut BTreeSet<FileId>) {
        let old = std::mem::replace(&mut self.passes[file], passes);
        for key in &old.queried {
            if let Some(files) = self.dependents.get_mut(key) {
                files.remove(&file);
                if files.is_empty() {
                    self.dependents.remove(key);
                }
            }
        }
        let new = &self.passes[file];
        for key in &new.queried {
            self.dependents.entry(key.clone()).or_default().insert(file);
        }
        if old.file == new.file && old.entity == new.entity {
            return;
        }
        for target in old.targets() {
            if let Some(sources) = self.sources.get_mut(target) {
                sources.remove(&file);
            }
            touched.insert(target);
        }
        for target in new.targets() {
            if let Some(sources) = self.sources.get_mut(target) {
                sources.insert(file);
            }
            touched.insert(target);
        }
    }
}

/// The workspace-scope rules' passes over one file and its entities, recording what they
/// look up. Each pass is guarded as in a whole run.
fn file_passes(rules: &[&dyn Rule], cx: &Context<'_, '_>, file: FileId) -> Passes {
    let workspace = cx.workspace;
    let path = workspace
        .files
        .get(file)
        .map(|f| f.loaded.source.path.as_str());
    let entities = workspace.entities_in(file);
    let ((file_results, entity_results), queried) = recording(|| {
        let file_results: Vec<_> = rules
            .iter()
            .map(|rule| guarded(*rule, path, |out| rule.check_file(cx, file, out)))
            .collect();
        let entity_results: Vec<_> = workspace.entities[entities]
            .iter()
            .flat_map(|entity| {
                rules.iter().map(move |rule| {
                    guarded(*rule, Some(entity.path), |out| {
                        rule.check_entity(cx, entity, out);
                    })
                })
            })
            .collect();
        (file_results, entity_results)
    });
    let file_found = collect(file_results);
    let entity_found = collect(entity_results);
    let mut errors = file_found.internal_errors;
    errors.extend(entity_found.internal_errors);
    Passes {
        file: file_found.diagnostics,
        entity: entity_found.diagnostics,
        errors,
        queried,
    }
}
