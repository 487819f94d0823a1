//! [`Workspace`]: everything one run loaded, indexed for rules.
//!
//! Documents refer to each other by `metadata.name` across all files of a run (spec §2), so
//! cross-document rules ask the workspace, never the file system.

use super::entity::{At, Entity, Origin};
use super::{Classified, Kind, Platform, classify};
use crate::diagnostic::FileId;
use crate::syntax::LoadedFile;

/// What a document was found to be.
pub type DocumentClass = Classified;

/// Why a file is part of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Named or found under a PATH: its findings are reported.
    Checked,
    /// Loaded from the configuration's `context` for cross-document rules; its findings are
    /// reported only when they also point into a checked file.
    Context,
    /// A `mamlint.toml`, for findings about the configuration itself.
    Config,
}

/// A file of the run as the linter saw it.
#[derive(Debug)]
pub struct WorkspaceFile {
    pub loaded: LoadedFile,
    pub role: Role,
    /// Named on the command line (or standard input) rather than found by walking.
    pub explicit: bool,
    /// The raw bytes mention mamlint or Graph app protection (see `syntax::looks_like_policy`).
    pub looks_like_policy: bool,
    pub classes: Vec<DocumentClass>,
}

impl WorkspaceFile {
    /// Whether a load failure is a finding: always for files the user named, and for walked
    /// files that look like policy files.
    pub fn report_load_errors(&self) -> bool {
        self.explicit || self.looks_like_policy
    }

    /// Whether any document is something mamlint checks.
    pub fn is_recognized(&self) -> bool {
        self.classes.iter().any(|c| {
            matches!(
                c,
                Classified::Manifest(_) | Classified::Graph(_) | Classified::GraphList(_)
            )
        })
    }
}

pub struct Workspace<'a> {
    pub files: &'a [WorkspaceFile],
    pub entities: Vec<Entity<'a>>,
    /// For Graph exports: the platform recorded at classification, by entity index.
    /// Indices of the entities of each kind.
    by_kind: std::collections::HashMap<Kind, Vec<usize>>,
    /// The first entity of each kind and name.
    by_name: std::collections::HashMap<(Kind, &'a str), usize>,
}

/// How a reference (`spec.organization`, `spec.tenant`) resolved.
#[derive(Debug)]
pub enum Resolution<'w, 'a> {
    Found(&'w Entity<'a>),
    /// Named, but no loaded document of the kind has that name.
    Missing(At<'a>),
    /// Omitted while several documents of the kind are loaded.
    Ambiguous(usize),
    /// Omitted and none loaded: rules that need the target do not run.
    NoneLoaded,
}

/// Classifies the documents of one loaded file.
pub fn classify_file(loaded: &LoadedFile) -> Vec<DocumentClass> {
    loaded
        .parsed
        .documents
        .iter()
        .map(|d| classify(d, &loaded.source.path))
        .collect()
}

impl<'a> Workspace<'a> {
    pub fn new(files: &'a [WorkspaceFile]) -> Self {
        let mut entities = Vec::new();
        for (file, wf) in files.iter().enumerate() {
            let loaded = &wf.loaded;
            for (doc, class) in loaded.parsed.documents.iter().zip(&wf.classes) {
                let path = loaded.source.path.as_str();
                let entity = |root, base: String, kind, origin| Entity {
                    file,
                    path,
                    document: doc.index,
                    root,
                    base,
                    kind,
                    origin,
                    resource: doc.resource.as_ref(),
                };
                match class {
                    Classified::Manifest(kind) => {
                        entities.push(entity(&doc.root, String::new(), *kind, Origin::Manifest));
                    }
                    Classified::Graph(object) => {
                        let origin = Origin::GraphExport {
                            platform: object.platform(),
                        };
                        entities.push(entity(&doc.root, String::new(), object.kind(), origin));
                    }
                    Classified::GraphList(items) => {
                        for (pointer, object) in items {
                            if let Some(node) = doc.root.pointer(pointer) {
                                let origin = Origin::GraphExport {
                                    platform: object.platform(),
                                };
                                entities.push(entity(node, pointer.clone(), object.kind(), origin));
                            }
                        }
                    }
                    Classified::UnknownManifest | Classified::Unrecognized => {}
                }
            }
        }
        let mut by_kind: std::collections::HashMap<Kind, Vec<usize>> =
            std::collections::HashMap::new();
        let mut by_name = std::collections::HashMap::new();
        for (index, entity) in entities.iter().enumerate() {
            by_kind.entry(entity.kind).or_default().push(index);
            if let Some(name) = entity.name() {
                by_name.entry((entity.kind, name)).or_insert(index);
            }
        }
        Workspace {
            files,
            entities,
            by_kind,
            by_name,
        }
    }

    pub fn loaded(&self, file: FileId) -> Option<&'a LoadedFile> {
        self.files.get(file).map(|f| &f.loaded)
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Entity<'a>> {
        self.by_kind
            .get(&kind)
            .into_iter()
            .flatten()
            .map(|&i| &self.entities[i])
    }

    /// The first loaded document of a kind with this `metadata.name`.
    pub fn named(&self, kind: Kind, name: &str) -> Option<&Entity<'a>> {
        self.by_name.get(&(kind, name)).map(|&i| &self.entities[i])
    }

    /// The platform of an app protection policy, manifest or export.
    pub fn platform(&self, entity: &Entity<'a>) -> Option<Platform> {
        entity.platform()
    }

    /// Resolves a reference key of `spec` to a loaded document of `kind`.
    pub fn resolve(&self, from: &Entity<'a>, key: &str, kind: Kind) -> Resolution<'_, 'a> {
        match from.spec_get(key) {
            Some(at) if at.str().is_some() => {
                let name = at.str().unwrap_or_default();
                match self.named(kind, name) {
                    Some(found) => Resolution::Found(found),
                    None => Resolution::Missing(at),
                }
            }
            _ => {
                let mut candidates = self.of_kind(kind);
                match (candidates.next(), candidates.count()) {
                    (None, _) => Resolution::NoneLoaded,
                    (Some(only), 0) => Resolution::Found(only),
                    (Some(_), more) => Resolution::Ambiguous(more + 1),
                }
            }
        }
    }

    /// The organization of a MobileAppPolicy, when it resolves.
    pub fn organization_of(&self, policy: &Entity<'a>) -> Option<&Entity<'a>> {
        match self.resolve(policy, "organization", Kind::Organization) {
            Resolution::Found(org) => Some(org),
            _ => None,
        }
    }

    /// The tenant of a policy, when it resolves. Exports name no tenant; they belong to the
    /// only loaded tenant, or to the one named by a folder of their path.
    pub fn tenant_of(&self, policy: &Entity<'a>) -> Option<&Entity<'a>> {
        match self.resolve(policy, "tenant", Kind::EntraTenant) {
            Resolution::Found(tenant) => Some(tenant),
            // A Graph export names no tenant: with several loaded, it belongs to the one whose
            // `metadata.name` is a folder of its path (`acme-labs-entra/ios.json`).
            Resolution::Ambiguous(_) if policy.is_export() => {
                self.of_kind(Kind::EntraTenant).find(|t| {
                    t.name().is_some_and(|name| {
                        std::path::Path::new(policy.path)
                            .components()
                            .any(|c| c.as_os_str() == name)
                    })
                })
            }
            _ => None,
        }
    }

    /// The catalog keys of the apps that Intune mobile app policies hand to Intune.
    pub fn intune_app_keys(&self) -> std::collections::BTreeSet<&'a str> {
        self.intune_policies()
            .filter_map(|p| p.spec_get("apps"))
            .flat_map(|apps| {
                apps.node
                    .as_array()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|n| n.as_str())
            })
            .collect()
    }

    /// Intune mobile app policies (`type: intune`).
    pub fn intune_policies(&self) -> impl Iterator<Item = &Entity<'a>> {
        self.of_kind(Kind::MobileAppPolicy)
            .filter(|e| e.is_intune_policy())
    }
}
